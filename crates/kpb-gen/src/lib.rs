//! # kpb-gen — a deterministic generator of realistic municipalities
//!
//! Writes the six input files of the KPB engine (`docs/FORMAT.md`) for "Exempelkommun": a
//! municipality of about 15 000 inhabitants at size `example`, scaled up (more clients and more
//! units: hemtjänst areas, boenden, gruppbostäder …) for the larger sizes, which exist to test
//! the tool with volume.
//!
//! The generator is deterministic: the same size, year and seed give byte-identical files on
//! every platform. It uses its own PRNG ([`rng::Rng`]), integer arithmetic for money (öre) and
//! volumes (hundredths), and ordered collections only.
//!
//! The example data carries a few deliberate errors ([`planted`]; listed in `PLANTED.md`);
//! the larger sizes are clean.
//!
//! The example's ledger is monthly: `kostnader.csv` has a `Period` column (`202501` …
//! `202512`, as ledger systems write the accounting period) and each whole-year row is split
//! over the months (see [`ledger::by_month`]), the amounts summing exactly to the year's. The
//! larger sizes write one row per ansvar, verksamhet and konto for the whole year, unless asked
//! for months (`--manader`, [`Options::monthly`]); the volumes are monthly either way.
//!
//! Structure: [`aldre`] (äldreomsorg) and [`lss`] (funktionsnedsättning, LSS, SFB) create the
//! units and the clients' volume rows; [`ledger`] derives the ledger and the mapping from them,
//! and splits the ledger by month; [`planted`] adds the errors; [`output`] writes the text.

pub mod aldre;
pub mod comparison;
pub mod date;
pub mod konto;
pub mod ledger;
pub mod lss;
pub mod names;
pub mod output;
pub mod people;
pub mod planted;
pub mod rng;
pub mod text;
pub mod world;

use rng::Rng;
use world::{Codes, World};

/// How big a municipality to generate: roughly the number of rows in `brukare.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// The app's example data: about 15 000 inhabitants, with planted errors.
    Example,
    K10,
    K100,
    M1,
    /// About 300 MB of brukare.csv: a large municipality's year and then some.
    M3_5,
}

impl Size {
    pub fn parse(text: &str) -> Option<Size> {
        match text.to_ascii_lowercase().as_str() {
            "example" | "exempel" => Some(Size::Example),
            "10k" => Some(Size::K10),
            "100k" => Some(Size::K100),
            "1m" => Some(Size::M1),
            "3.5m" | "3,5m" => Some(Size::M3_5),
            _ => None,
        }
    }

    /// Target rows in brukare.csv (none for the example: it is what scale 1 gives).
    pub fn target_rows(self) -> Option<u64> {
        match self {
            Size::Example => None,
            Size::K10 => Some(10_000),
            Size::K100 => Some(100_000),
            Size::M1 => Some(1_000_000),
            Size::M3_5 => Some(3_500_000),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub size: Size,
    pub year: i32,
    pub seed: u64,
    /// A monthly ledger (`--manader`) for the larger sizes; the example's is always monthly.
    /// Without it the larger sizes' files are what they always were (byte for byte).
    pub monthly: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { size: Size::Example, year: 2025, seed: 1, monthly: false }
    }
}

impl Options {
    /// Whether the ledger is written per month.
    pub fn monthly_ledger(&self) -> bool {
        self.monthly || self.size == Size::Example
    }
}

/// A planted error with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planted {
    /// The engine's code for the kind of finding (`FindingKind::code`).
    pub kind: &'static str,
    pub file: &'static str,
    /// Line in the file, the header being line 1.
    pub line: u32,
    pub what: String,
}

/// The generated files.
pub struct Generated {
    /// (file name, content), in the order: kostnader, brukare, mappning, konton, platser, befolkning.
    pub files: Vec<(&'static str, String)>,
    pub planted: Vec<Planted>,
    /// Rows in brukare.csv (without the header).
    pub brukare_rows: usize,
    /// The scale used, in thousandths of the example municipality.
    pub scale: u64,
}

/// Generates a municipality.
pub fn generate(opts: &Options) -> Generated {
    let scale = match opts.size.target_rows() {
        None => 1000,
        Some(target) => {
            // Rows grow in proportion to the scale: measure scale 1, then aim.
            let probe = build(opts.year, opts.seed, 1000);
            let rows = probe.blocks.iter().map(Vec::len).sum::<usize>() as u64;
            (target * 1000 + rows / 2) / rows
        }
    };
    let mut w = build(opts.year, opts.seed, scale);
    let root = Rng::new(opts.seed);
    let mut ledger = ledger::ledger(&w, &mut root.fork("ledger"));
    if opts.monthly_ledger() {
        // From the volumes before any planted error: the ledger is what was really spent.
        ledger = ledger::by_month(&w, &ledger, &mut root.fork("months"));
    }
    let plans = if opts.size == Size::Example {
        planted::plant(&mut w, &mut ledger, &mut root.fork("planted"))
    } else {
        Vec::new()
    };

    // Line numbers of the planted errors, now that every row is in place.
    let mut planted: Vec<Planted> = Vec::new();
    for (i, r) in w.blocks.iter().flatten().enumerate() {
        if let Some(t) = r.plant.tag {
            let p = &plans[t];
            planted.push(Planted { kind: p.kind, file: p.file, line: i as u32 + 2, what: p.what.clone() });
        }
    }
    for (i, r) in ledger.iter().enumerate() {
        if let Some(t) = r.tag {
            let p = &plans[t];
            planted.push(Planted { kind: p.kind, file: p.file, line: i as u32 + 2, what: p.what.clone() });
        }
    }
    planted.sort_by(|a, b| (a.file, a.line).cmp(&(b.file, b.line)));
    assert_eq!(planted.len(), plans.len(), "every planted error has a row");

    let brukare_rows = w.blocks.iter().map(Vec::len).sum();
    let files = vec![
        ("kostnader.csv", output::kostnader(&ledger, w.year)),
        ("brukare.csv", output::brukare(&w)),
        ("mappning.csv", output::mappning(&ledger::mapping(&w))),
        ("konton.csv", output::konton()),
        ("platser.csv", output::platser(&w)),
        ("befolkning.csv", output::befolkning(&w, &mut root.fork("befolkning"))),
    ];
    Generated { files, planted, brukare_rows, scale }
}

/// The municipality at a scale (thousandths of the example's), clean.
fn build(year: i32, seed: u64, scale: u64) -> World {
    let root = Rng::new(seed);
    let mut w = World::new(year, seed, scale);
    // Annan regi of all areas shares one group of ansvar: LOV, bought SÄBO and LSS places.
    let mut c48 = Codes::new("48", 3 * w.scaled(500).max(1));
    aldre::generate(&mut w, &mut root.fork("aldre"), &mut c48);
    lss::generate(&mut w, &mut root.fork("lss"), &mut c48);
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Öre per ansvar, verksamhet, konto and client.
    fn years(ledger: &[world::LRow]) -> BTreeMap<(String, &'static str, &'static str, Option<u32>), i64> {
        let mut out = BTreeMap::new();
        for r in ledger {
            *out.entry((r.ansvar.clone(), r.verksamhet, r.konto, r.brukare)).or_default() += r.belopp;
        }
        out
    }

    /// The example's months, with the late correction, sum to the year's ledger; only the
    /// planted unmapped ansvar is added.
    #[test]
    fn the_examples_monthly_ledger_keeps_every_whole_year_amount() {
        let opts = Options::default();
        let mut w = build(opts.year, opts.seed, 1000);
        let root = Rng::new(opts.seed);
        let year = ledger::ledger(&w, &mut root.fork("ledger"));
        let mut months = ledger::by_month(&w, &year, &mut root.fork("months"));
        planted::plant(&mut w, &mut months, &mut root.fork("planted"));
        assert!(months.len() > 10 * year.len());
        let mut expected = years(&year);
        expected.insert((planted::UNMAPPED_ANSVAR.to_owned(), "530", "6410", None), 1_843_000);
        assert_eq!(years(&months), expected);
    }

    #[test]
    fn spread_is_exact_and_leaves_empty_months_empty() {
        let weights = [3, 0, 5, 5, 5, 1, 0, 7, 7, 7, 2, 9];
        for amount in [0, 1, 99, 123_456_789, -98_765_432] {
            let parts = ledger::spread(amount, &weights);
            assert_eq!(parts.iter().sum::<i64>(), amount);
            assert_eq!((parts[1], parts[6]), (0, 0));
            assert!(parts.iter().all(|&p| p == 0 || (p > 0) == (amount > 0)));
        }
    }
}

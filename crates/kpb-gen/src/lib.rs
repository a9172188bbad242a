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
//! Structure: [`aldre`] (äldreomsorg) and [`lss`] (funktionsnedsättning, LSS, SFB) create the
//! units and the clients' volume rows; [`ledger`] derives the ledger and the mapping from them;
//! [`planted`] adds the errors; [`output`] writes the text.

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
}

impl Default for Options {
    fn default() -> Options {
        Options { size: Size::Example, year: 2025, seed: 1 }
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
        ("kostnader.csv", output::kostnader(&ledger)),
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

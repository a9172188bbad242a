//! The municipality being generated: its units, the cells of direct cost, the pools of common
//! cost, the clients' volume rows and the ledger rows booked per client.

use crate::date::{self, Day};
use crate::people::People;
use kpb::model::Insats;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regi {
    Egen,
    Annan,
}

impl Regi {
    pub fn text(self) -> &'static str {
        match self {
            Regi::Egen => "egen",
            Regi::Annan => "annan",
        }
    }
}

/// The client's housing, as the case system records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boende {
    Ordinart,
    Sarskilt,
    Lss,
}

impl Boende {
    pub fn text(self) -> &'static str {
        match self {
            Boende::Ordinart => "ordinärt boende",
            Boende::Sarskilt => "särskilt boende",
            Boende::Lss => "bostad enligt LSS",
        }
    }
}

/// The local name of an insats in the municipality's case system (recognised by the engine).
pub fn local_name(insats: Insats) -> &'static str {
    match insats {
        Insats::Hemtjanst => "Hemtjänst",
        Insats::Hemsjukvard => "Hemsjukvård",
        Insats::Trygghetslarm => "Trygghetslarm",
        Insats::Matdistribution => "Matdistribution",
        Insats::Dagverksamhet => "Dagverksamhet",
        Insats::Korttidsboende => "Korttidsboende",
        Insats::SarskiltBoende => "Vård- och omsorgsboende",
        Insats::Boendestod => "Boendestöd",
        Insats::PersonligAssistansSfb => "Personlig assistans SFB",
        Insats::PersonligAssistansLss => "Personlig assistans LSS",
        Insats::Gruppbostad => "Gruppbostad LSS",
        Insats::Servicebostad => "Servicebostad",
        Insats::DagligVerksamhet => "Daglig verksamhet",
        Insats::Korttidsvistelse => "Korttidsvistelse",
        Insats::Ledsagarservice => "Ledsagarservice",
        other => other.name(),
    }
}

/// A unit (enhet): a performer of insatser, in egen or annan regi.
pub struct Unit {
    pub code: String,
    pub name: String,
    pub omrade: &'static str,
    pub regi: Regi,
    /// The unit's own administration: an ansvar mapped as common cost of the enhet, and its size
    /// in basis points of the unit's direct cost.
    pub admin: Option<(String, i64)>,
}

/// How the ledger arrives at a cell's direct cost.
pub enum CostBasis {
    /// The full cost (after common costs) per volume unit, in öre: the ledger books the direct
    /// cost that gives this after the pools are distributed.
    Target(i64),
    /// Booked per client (personal assistance); on top, `extra_pm` per mille of the booked cost is
    /// booked on the cell without a client.
    Booked { extra_pm: i64 },
    /// Annan regi: the ledger books what the volume file says was paid.
    Paid,
}

/// Konto and share (per mille) of a cell's gross cost.
pub type Profile = &'static [(&'static str, u32)];

/// One insats at one unit: the ansvar (and verksamhet) its direct cost is booked on.
pub struct Cell {
    pub unit: usize,
    pub insats: Insats,
    pub ansvar: String,
    pub verksamhet: &'static str,
    /// Whether the mapping names the verksamhet (two insatser on one ansvar).
    pub map_verksamhet: bool,
    pub basis: CostBasis,
    pub profile: Profile,
    /// Internal revenue, per mille of the direct cost (konto 3811).
    pub internal_pm: i64,
    /// Sale to another principal: konto and per mille of the direct cost.
    pub sales: Option<(&'static str, i64)>,
    /// Fees and rents from clients: konto and öre per volume unit (not deducted in KPB).
    pub fees: Vec<(&'static str, i64)>,
}

/// A pool of common cost for an område: its ansvar and their shares.
pub struct AreaPool {
    pub omrade: &'static str,
    /// Size in basis points of the direct cost of the område's egen-regi cells.
    pub bp: i64,
    /// (ansvar, share per mille, profile).
    pub ansvar: Vec<(String, i64, Profile)>,
}

/// Ansvar codes of one group: a two-digit prefix, then a number wide enough for the group's
/// units: `00`–`09` for common ansvar, then per unit `10·i` (direct) and `10·i + 1` (its admin).
pub struct Codes {
    prefix: &'static str,
    width: usize,
    next: usize,
}

impl Codes {
    pub fn new(prefix: &'static str, units: usize) -> Codes {
        let width = (10 * units + 9).to_string().len().max(3);
        Codes { prefix, width, next: 0 }
    }

    pub fn common(&self, k: usize) -> String {
        assert!(k < 10);
        format!("{}{:0w$}", self.prefix, k, w = self.width)
    }

    /// (direct, admin) ansvar of the next unit.
    pub fn unit(&mut self) -> (String, String) {
        self.next += 1;
        let w = self.width;
        (format!("{}{:0w$}", self.prefix, 10 * self.next), format!("{}{:0w$}", self.prefix, 10 * self.next + 1))
    }
}

/// One row of the volume file. Volumes in hundredths, money in öre, days as day numbers.
#[derive(Clone, Debug)]
pub struct VRow {
    pub person: u32,
    pub insats: Insats,
    pub unit: u32,
    pub boende: Boende,
    pub beviljad: Option<i64>,
    pub utford: Option<i64>,
    pub month: Option<u8>,
    pub stay: Option<(Day, Option<Day>)>,
    pub belopp: Option<i64>,
    /// Deliberate errors (example data only).
    pub plant: Plant,
}

/// A deliberate error on a row, and the index of the planted error it belongs to.
#[derive(Clone, Debug, Default)]
pub struct Plant {
    pub tag: Option<usize>,
    pub insats_text: Option<&'static str>,
    pub beviljad_text: Option<&'static str>,
    pub birth: Option<i32>,
}

impl VRow {
    pub fn new(person: u32, insats: Insats, unit: usize, boende: Boende) -> VRow {
        VRow {
            person,
            insats,
            unit: unit as u32,
            boende,
            beviljad: None,
            utford: None,
            month: None,
            stay: None,
            belopp: None,
            plant: Plant::default(),
        }
    }

    pub fn month(mut self, m: u8) -> VRow {
        self.month = Some(m);
        self
    }

    pub fn beviljad(mut self, v: i64) -> VRow {
        self.beviljad = Some(v);
        self
    }

    pub fn utford(mut self, v: i64) -> VRow {
        self.utford = Some(v);
        self
    }

    pub fn stay(mut self, from: Day, to: Option<Day>) -> VRow {
        self.stay = Some((from, to));
        self
    }

    pub fn paid(mut self, ore: i64) -> VRow {
        self.belopp = Some(ore);
        self
    }

    /// Sort key within a block: unit, client id, time.
    pub fn key(&self) -> (u32, u32, i64) {
        let t = match (self.month, self.stay) {
            (Some(m), _) => i64::from(m),
            (None, Some((from, _))) => from,
            _ => 0,
        };
        (self.unit, People::number(self.person), t)
    }
}

/// One ledger row. The field order is the order of the file: ansvar, verksamhet, konto, client,
/// then period.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LRow {
    pub ansvar: String,
    pub verksamhet: &'static str,
    pub konto: &'static str,
    pub brukare: Option<u32>,
    /// The accounting period's month (1–12) in a monthly ledger; `None` for the whole year.
    pub period: Option<u8>,
    pub belopp: i64,
    pub tag: Option<usize>,
}

impl LRow {
    pub fn new(ansvar: &str, verksamhet: &'static str, konto: &'static str, belopp: i64) -> LRow {
        LRow { ansvar: ansvar.to_owned(), verksamhet, konto, brukare: None, period: None, belopp, tag: None }
    }

    /// The row in one month of a monthly ledger.
    pub fn in_month(self, month: u8) -> LRow {
        LRow { period: Some(month), ..self }
    }
}

/// Everything generated, before the ledger is derived from it.
pub struct World {
    pub year: i32,
    /// The seed: 1 is Exempelkommun; another seed is another municipality, with its own cost level.
    pub seed: u64,
    /// Scale in thousandths: 1000 is the example municipality of about 15 000 inhabitants.
    pub scale: u64,
    pub people: People,
    pub units: Vec<Unit>,
    pub cells: Vec<Cell>,
    pub pools: Vec<AreaPool>,
    /// Volume rows in blocks (one per kind of insats), in the order written.
    pub blocks: Vec<Vec<VRow>>,
    /// Places per särskilt boende in egen regi.
    pub places: Vec<(usize, i64)>,
    /// Ledger rows booked per client (personal assistance).
    pub booked: Vec<LRow>,
    /// Other fixed ledger rows (statsbidrag and the like).
    pub extra: Vec<LRow>,
}

impl World {
    pub fn new(year: i32, seed: u64, scale: u64) -> World {
        World {
            year,
            seed,
            scale,
            people: People::default(),
            units: Vec::new(),
            cells: Vec::new(),
            pools: Vec::new(),
            blocks: Vec::new(),
            places: Vec::new(),
            booked: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// `base` (given for the example municipality, in thousandths) at this scale, rounded.
    pub fn scaled(&self, base_milli: u64) -> usize {
        ((base_milli * self.scale + 500_000) / 1_000_000) as usize
    }

    /// A count of `base` at this scale, at least `min`.
    pub fn count(&self, base: u64, min: usize) -> usize {
        self.scaled(base * 1000).max(min)
    }

    pub fn first_day(&self) -> Day {
        date::day(self.year, 1, 1)
    }

    pub fn last_day(&self) -> Day {
        date::day(self.year, 12, 31)
    }

    pub fn unit(
        &mut self,
        code: String,
        name: String,
        omrade: &'static str,
        regi: Regi,
        admin: Option<(String, i64)>,
    ) -> usize {
        self.units.push(Unit { code, name, omrade, regi, admin });
        self.units.len() - 1
    }

    /// A cell with the usual defaults: no internal revenue, sales or fees.
    pub fn cell(
        &mut self,
        unit: usize,
        insats: Insats,
        ansvar: &str,
        verksamhet: &'static str,
        basis: CostBasis,
        profile: Profile,
    ) -> usize {
        self.cells.push(Cell {
            unit,
            insats,
            ansvar: ansvar.to_owned(),
            verksamhet,
            map_verksamhet: false,
            basis,
            profile,
            internal_pm: 0,
            sales: None,
            fees: Vec::new(),
        });
        self.cells.len() - 1
    }

    /// Monthly rows over the days `start..=end` of the year: calls `f(month, active days, days in
    /// month)` for each month the span touches.
    pub fn months(&self, start: Day, end: Day, mut f: impl FnMut(u8, i64, i64)) {
        for m in 1..=12u8 {
            let (lo, hi) = date::month_span(self.year, m);
            let active = date::overlap(start, end, lo, hi);
            if active > 0 {
                f(m, active, hi - lo + 1);
            }
        }
    }

    /// Days of a stay inside the year.
    pub fn stay_days(&self, from: Day, to: Option<Day>) -> i64 {
        date::overlap(from, to.unwrap_or(self.last_day()), self.first_day(), self.last_day())
    }
}

impl World {
    /// Adds a block of rows, sorted as the case system's extract is: unit, client, time.
    pub fn push_block(&mut self, mut rows: Vec<VRow>) {
        rows.sort_by_key(VRow::key);
        self.blocks.push(rows);
    }
}

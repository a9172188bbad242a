//! The typed result of a computation: everything the app shows and exports.
//!
//! Money is [`Decimal`] at full precision; nothing here is rounded.

use crate::finding::{Finding, Position, Severity};
use crate::import::{FileReport, UnknownInsats};
use crate::mapping::{Level, MappingRow};
use crate::model::{Boendeform, Insats, Kon, Regi, Scope, VolumeKind, VolumeUnit};
use crate::settings::{CostBasis, Settings};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The whole result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub year: i32,
    /// Where the year came from, in Swedish ("2025, enligt brukare.csv har 6 291 rader …").
    pub year_basis: String,
    pub settings: Settings,
    pub files: Vec<FileReport>,
    /// Local insats names that matched nothing in the catalogue (to be mapped by the user).
    pub unknown_insatser: Vec<UnknownInsats>,
    /// The organisation mapping in use, as rows of the mapping file (to edit in the app).
    pub mapping: Vec<MappingRow>,
    /// The account rules in use, the user's only: (Konto från, Konto till, Kontotyp).
    pub konto_rules: Vec<[String; 3]>,
    /// Ansvar in the ledger that no mapping rule covers, with their amounts.
    pub unmapped: Vec<(String, Decimal)>,
    pub findings: Vec<Finding>,
    /// Cost and volume per insats, enhet and regi (the cells of the computation).
    pub units: Vec<UnitCost>,
    /// Per insats for the whole municipality.
    pub insatser: Vec<InsatsSummary>,
    /// How each pool of common cost was distributed (for the exports; none for display: see
    /// [`Report::for_display`]).
    pub pools: Vec<Pool>,
    pub nyckeltal: Vec<Nyckeltal>,
    pub ytterfall: Vec<Ytterfall>,
    /// Every client with a cost or a volume, most expensive first (for display, none: see
    /// [`Report::for_display`]).
    pub clients: Vec<ClientCost>,
    /// How many clients the computation had (also when `clients` holds only some).
    pub client_count: u32,
    pub distribution: Distribution,
    pub mix: Mix,
    /// Performed against granted time per enhet (for the exports; none for display).
    pub utforandegrad: Vec<Utforandegrad>,
    pub reconciliation: Reconciliation,
    /// The monthly follow-up, when the ledger has months.
    #[serde(default)]
    pub monthly: Option<Monthly>,
}

/// The monthly follow-up: per cell and per insats, month by month, on the ledger's months.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Monthly {
    pub basis: CostBasis,
    /// The first and the last month (1–12) with a ledger row: the figures go through `through`
    /// (or through the earlier month the settings ask for).
    pub first: u8,
    pub through: u8,
    /// The ledger's last month (`through` unless the settings ask for an earlier one).
    pub ledger_through: u8,
    /// Ledger cost in cells and pools on rows without a month: in the year, in no month.
    pub without_month: Decimal,
    /// Per cell with cost or volume in a month, and per insats for egen regi as a whole (first
    /// of its insats); in the order of the insatser, then enheter.
    pub rows: Vec<MonthlyRow>,
    pub flags: Vec<MonthlyFlag>,
}

/// One cell's (or one insats') months.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthlyRow {
    pub insats: Insats,
    /// The enhet's code; `None` for the whole insats in egen regi.
    pub enhet: Option<String>,
    pub enhet_name: String,
    pub regi: Regi,
    /// Month `first` to `through`.
    pub months: Vec<MonthFigure>,
    /// The months `first..=through` together (its `month` is `through`).
    pub year_to_date: MonthFigure,
    /// The whole year's cost, if the unit cost so far holds (while the year is not over).
    pub projection: Option<Projection>,
}

/// Cost, volume and brukare of one month (or of several together).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthFigure {
    pub month: u8,
    pub cost: Decimal,
    /// Of the insats' basis kind, in its volume unit.
    pub volume: Decimal,
    /// Brukare with volume in the month (in any of the months, for several together).
    pub brukare: u32,
    /// Cost ÷ volume, when there are both.
    pub unit_cost: Option<Decimal>,
    /// Σ cost ÷ Σ volume of this month and the two before (when the ledger has all three).
    pub rolling: Option<Decimal>,
}

/// The year's cost at the unit cost so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// The year's expected volume.
    pub volume: Decimal,
    /// Unit cost so far × `volume`.
    pub cost: Decimal,
    pub method: ProjectionMethod,
}

/// Where a projection's volume comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProjectionMethod {
    /// The files have volume for every month after the ledger's (granted time, ongoing stays).
    KnownVolume,
    /// The volume so far, at the same pace for the rest of the year: × 12 ÷ the months so far.
    Pace { months: u8 },
}

impl ProjectionMethod {
    /// How the projection was made, in a sentence.
    pub fn describe(self) -> String {
        match self {
            ProjectionMethod::KnownVolume => {
                "Enhetskostnaden hittills × årets volym: volymen hittills och brukarstatistikens volym för var och en av månaderna framåt.".to_owned()
            }
            ProjectionMethod::Pace { months } => format!(
                "Enhetskostnaden hittills × årets förväntade volym: volymen hittills × 12 / {months} (samma takt resten av året)."
            ),
        }
    }
}

/// Something in a unit's months worth a look, and the rows behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthlyFlag {
    pub kind: FlagKind,
    pub insats: Insats,
    pub enhet: String,
    pub enhet_name: String,
    pub month: u8,
    /// The ledger or volume rows of the month.
    pub rows: Vec<Source>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FlagKind {
    /// Cost in the month, no volume (the cell has volume in other months).
    CostWithoutVolume { cost: Decimal },
    /// Volume in the month, no cost (the cell has cost in other months).
    VolumeWithoutCost { volume: Decimal },
    /// A month with negative cost: usually a correction of an earlier month.
    NegativeCost { cost: Decimal },
    /// A month of an enhet in egen regi whose unit cost is far from the enhet's year so far (by
    /// 15 % or more; `change` in percent): a cost in the wrong month, or a correction.
    Deviates { unit_cost: Decimal, year_to_date: Decimal, change: Decimal },
    /// Of the insats' enheter in egen regi, the one whose last month's unit cost is furthest
    /// from its unit cost so far (by at least 10 %; `change` in percent).
    MovesMost { unit_cost: Decimal, year_to_date: Decimal, change: Decimal },
}

impl MonthlyFlag {
    /// A short heading.
    pub fn title(&self) -> &'static str {
        match self.kind {
            FlagKind::CostWithoutVolume { .. } => "Kostnad utan volym",
            FlagKind::VolumeWithoutCost { .. } => "Volym utan kostnad",
            FlagKind::NegativeCost { .. } => "Negativ kostnad",
            FlagKind::Deviates { .. } => "Avvikande månad",
            FlagKind::MovesMost { .. } => "Störst förändring",
        }
    }

    /// What was found, in a sentence.
    pub fn message(&self) -> String {
        let at = format!("{} vid {} i {}", self.insats.name(), self.enhet_name, crate::date::month_name(self.month));
        let unit = self.insats.unit().singular();
        match &self.kind {
            FlagKind::CostWithoutVolume { cost } => {
                format!(
                    "{at}: {} kr i kostnad men ingen volym. Saknas månadens utdrag, eller är kostnaden bokförd på fel enhet?",
                    crate::format::kr(*cost)
                )
            }
            FlagKind::VolumeWithoutCost { volume } => format!(
                "{at}: {} {} men ingen kostnad. Är kostnaden bokförd i en annan månad eller på en annan enhet?",
                crate::format::volume(*volume),
                if *volume == Decimal::ONE { self.insats.unit().singular() } else { self.insats.unit().plural() }
            ),
            FlagKind::NegativeCost { cost } => format!(
                "{at}: kostnaden är {} kr, troligen en rättelse av en tidigare månad. Se de rullande tre månaderna.",
                crate::format::kr(*cost)
            ),
            FlagKind::Deviates { unit_cost, year_to_date, change } => format!(
                "{at}: {} kr per {unit}, {} mot enhetens {} kr hittills i år. Är en kostnad bokförd i fel månad, eller rättad i efterhand? Se de rullande tre månaderna.",
                crate::format::kr(*unit_cost),
                crate::format::signed_percent(*change),
                crate::format::kr(*year_to_date)
            ),
            FlagKind::MovesMost { unit_cost, year_to_date, change } => format!(
                "{at}: {} kr per {unit}, {} mot enhetens {} kr hittills i år – den största förändringen bland enheterna med insatsen.",
                crate::format::kr(*unit_cost),
                crate::format::signed_percent(*change),
                crate::format::kr(*year_to_date)
            ),
        }
    }
}

impl Report {
    /// The ytterfall of one area, or of every area, with their clients: a client once per area
    /// it is an ytterfall in, in the order of the areas and, in each, most expensive first.
    pub fn ytterfall_clients(&self, scope: Option<Scope>) -> Vec<(&Ytterfall, &ClientCost)> {
        let by_id: rustc_hash::FxHashMap<&str, &ClientCost> = self.clients.iter().map(|c| (c.id.as_str(), c)).collect();
        let by_id = &by_id;
        self.ytterfall
            .iter()
            .filter(|y| scope.is_none_or(|s| s == y.scope))
            .flat_map(|y| y.list.iter().filter_map(move |id| by_id.get(id.as_str())).map(move |c| (y, *c)))
            .collect()
    }

    /// The report as the page gets it: without its clients (everything else in it is
    /// aggregated, and the page asks the lists of brukare a page at a time,
    /// [`Report::client_page`]), without the tables only the exports have (the pools of common
    /// cost, utförandegrad), and with only the line numbers of the rows behind a figure that the
    /// views name ([`Source::SHOWN`]). The exports use the whole report.
    pub fn for_display(&self) -> Report {
        Report {
            year: self.year,
            year_basis: self.year_basis.clone(),
            settings: self.settings.clone(),
            files: self.files.clone(),
            unknown_insatser: self.unknown_insatser.clone(),
            mapping: self.mapping.clone(),
            konto_rules: self.konto_rules.clone(),
            unmapped: self.unmapped.clone(),
            findings: self.findings.clone(),
            units: self
                .units
                .iter()
                .map(|u| UnitCost {
                    ledger_rows: u.ledger_rows.iter().map(Source::for_display).collect(),
                    volume_rows: u.volume_rows.iter().map(Source::for_display).collect(),
                    ..u.clone()
                })
                .collect(),
            insatser: self.insatser.clone(),
            pools: Vec::new(),
            nyckeltal: self.nyckeltal.clone(),
            ytterfall: self.ytterfall.clone(),
            clients: Vec::new(),
            client_count: self.client_count,
            distribution: self.distribution.clone(),
            mix: self.mix.clone(),
            utforandegrad: Vec::new(),
            reconciliation: self.reconciliation.clone(),
            monthly: self.monthly.clone(),
        }
    }
}

/// A ledger or volume row a figure came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub lines: Vec<u32>,
    /// Rows in all (the list of lines may be cut short).
    pub count: u32,
}

impl Source {
    /// How many line numbers a view names.
    pub const SHOWN: usize = 12;

    /// The line numbers a view names: the first [`Source::SHOWN`] in order, each once.
    pub fn shown_lines(&self) -> Vec<u32> {
        let mut lines = self.lines.clone();
        lines.sort_unstable();
        lines.dedup();
        lines.truncate(Self::SHOWN);
        lines
    }

    /// The source with only the lines a view names: of several sources' lines together, too, the
    /// first [`Source::SHOWN`] are among each one's first.
    fn for_display(&self) -> Source {
        Source { file: self.file.clone(), lines: self.shown_lines(), count: self.count }
    }
}

/// One cell: an insats at an enhet in one regi.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitCost {
    pub insats: Insats,
    pub enhet: String,
    pub enhet_name: String,
    pub omrade: Option<String>,
    pub regi: Regi,
    /// Direct KPB cost (cost minus internal revenue and sales) booked on the cell.
    pub direct: Decimal,
    /// Personnel cost within `direct`.
    pub personnel: Decimal,
    /// Common cost allocated to the cell.
    pub allocated: Decimal,
    /// direct + allocated (annan regi: what was paid, or the booked cost).
    pub total: Decimal,
    /// Försäkringskassan's assistansersättning (negative), personlig assistans SFB only.
    pub assistansersattning: Decimal,
    /// The volume the cost is divided by.
    pub volume: Decimal,
    pub basis: VolumeKind,
    /// total / volume; `None` without volume, or with a data error.
    pub unit_cost: Option<Decimal>,
    /// A data error that makes the unit cost meaningless (egen regi): volume but no cost, or
    /// cost but no volume. Such a cell is left out of the municipality's figures.
    pub error: Option<String>,
    /// (total + assistansersättning) / volume, personlig assistans SFB.
    pub net_unit_cost: Option<Decimal>,
    pub clients: u32,
    pub ledger_rows: Vec<Source>,
    pub volume_rows: Vec<Source>,
}

/// An insats over the whole municipality.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InsatsSummary {
    pub insats: Insats,
    /// Egen regi: cost, volume, unit cost (Σ cost / Σ volume).
    pub cost: Decimal,
    pub volume: Decimal,
    pub basis: VolumeKind,
    pub unit_cost: Option<Decimal>,
    /// The lowest and highest unit cost among the enheter in egen regi.
    pub min: Option<(String, Decimal)>,
    pub max: Option<(String, Decimal)>,
    /// Annan regi: what was paid and the volume.
    pub annan_cost: Decimal,
    pub annan_volume: Decimal,
    /// Brukare of the insats in egen regi (of the enheter its cost and volume count: not those in
    /// data error), and in annan regi ([`BRUKARE_RULE`]; one brukare with both is in both).
    pub clients: u32,
    pub annan_clients: u32,
}

/// Who counts as a brukare, as the views and exports say it. The rule is `steps::members`: the
/// brukare of an enhet are those its cost is divided among; an insats, an area and the
/// municipality count each of their enheter's brukare once.
pub const BRUKARE_RULE: &str = "En brukare räknas hos en enhet när enhetens kostnad fördelas på hen: hen har volym där (timmar, dygn eller dagar) eller huvudboken har bokfört kostnad direkt på hen. En insats och kommunen räknar varje brukare en gång, egen och annan regi var för sig. Nyckeltalen per brukare, ytterfallen och brukarmixen räknar brukare med en kostnad (skild från noll) i insatserna eller området, kostnadsfördelningen brukare med en kostnad över noll.";

/// A pool of common cost and where it went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pool {
    pub level: Level,
    pub amount: Decimal,
    /// (insats, enhet, amount) per receiving cell.
    pub shares: Vec<(Insats, String, Decimal)>,
    /// Not distributed (no receiving cell with a positive key).
    pub unplaced: Decimal,
    pub ledger_rows: Vec<Source>,
}

/// A key figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Nyckeltal {
    /// Kolada KPI id, or an own id starting with `KPB-` for figures Kolada has none for.
    pub id: String,
    pub name: String,
    pub unit: FigureUnit,
    pub value: Option<Decimal>,
    /// Why there is no value: what is missing.
    pub missing: Option<String>,
    pub definition: String,
    pub includes: String,
    pub excludes: String,
    pub numerator: Decimal,
    pub numerator_label: String,
    pub denominator: Decimal,
    pub denominator_label: String,
    /// The same figure per enhet, where it makes sense.
    pub by_enhet: Vec<EnhetValue>,
    /// The insatser the figure is computed from (to find the rows behind it).
    pub insatser: Vec<Insats>,
    /// How many clients the figure rests on, where its own rule narrows them beyond its
    /// insatser (the boenden with places); for the network file's minimum.
    #[serde(default)]
    pub clients: Option<u32>,
    /// Whose definition the figure follows.
    #[serde(default)]
    pub basis: Basis,
    /// A Kolada figure: the KPB figure nearest to it (id) and how the two differ.
    #[serde(default)]
    pub kpb: Option<(String, String)>,
    /// What the data behind the figure lacked or how it was read (rows without a month, ages
    /// from the birth year …).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// What a nyckeltal is counted in. Written (and read, in files) as Swedish text: "kr/timme",
/// "%", "kr/brukare" …
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum FigureUnit {
    /// Kronor per volume unit of an insats: a unit cost (kr/timme, kr/dygn …).
    KrPer(VolumeUnit),
    KrPerBrukare,
    KrPerPlats,
    KrPerInvanare,
    Procent,
    /// A number of volume units (dygn).
    Antal(VolumeUnit),
    /// Volume units per inhabitant (timmar/inv, dygn/inv).
    PerInvanare(VolumeUnit),
    PersonerPerPlats,
}

impl FigureUnit {
    /// The unit as the user reads it: "kr/timme", "%", "timmar/inv" …
    pub fn text(self) -> String {
        match self {
            FigureUnit::KrPer(u) => format!("kr/{}", u.singular()),
            FigureUnit::KrPerBrukare => "kr/brukare".into(),
            FigureUnit::KrPerPlats => "kr/plats".into(),
            FigureUnit::KrPerInvanare => "kr/inv".into(),
            FigureUnit::Procent => "%".into(),
            FigureUnit::Antal(u) => u.plural().into(),
            FigureUnit::PerInvanare(u) => format!("{}/inv", u.plural()),
            FigureUnit::PersonerPerPlats => "personer/plats".into(),
        }
    }

    /// What is shown after a value in the unit (the value itself says "kr" or "%"): "per
    /// timme", "per invånare", "dygn per invånare" …
    pub fn after_value(self) -> String {
        match self {
            FigureUnit::KrPer(u) => format!("per {}", u.singular()),
            FigureUnit::KrPerBrukare => "per brukare".into(),
            FigureUnit::KrPerPlats => "per plats".into(),
            FigureUnit::KrPerInvanare => "per invånare".into(),
            FigureUnit::Procent => String::new(),
            FigureUnit::Antal(u) => u.plural().into(),
            FigureUnit::PerInvanare(u) => format!("{} per invånare", u.plural()),
            FigureUnit::PersonerPerPlats => "personer per plats".into(),
        }
    }

    /// Kronor of some kind.
    pub fn is_money(self) -> bool {
        matches!(
            self,
            FigureUnit::KrPer(_) | FigureUnit::KrPerBrukare | FigureUnit::KrPerPlats | FigureUnit::KrPerInvanare
        )
    }

    /// A cost per volume unit: what KPB's unit costs are, and the potential multiplies.
    pub fn is_unit_cost(self) -> bool {
        matches!(self, FigureUnit::KrPer(_))
    }
}

impl From<FigureUnit> for String {
    fn from(unit: FigureUnit) -> String {
        unit.text()
    }
}

impl TryFrom<String> for FigureUnit {
    type Error = String;

    fn try_from(text: String) -> Result<FigureUnit, String> {
        let units = [VolumeUnit::Timme, VolumeUnit::Dygn, VolumeUnit::Dag, VolumeUnit::Manad, VolumeUnit::Portion];
        let fixed = [
            FigureUnit::KrPerBrukare,
            FigureUnit::KrPerPlats,
            FigureUnit::KrPerInvanare,
            FigureUnit::Procent,
            FigureUnit::PersonerPerPlats,
        ];
        let every = fixed.into_iter().chain(
            units.into_iter().flat_map(|u| [FigureUnit::KrPer(u), FigureUnit::Antal(u), FigureUnit::PerInvanare(u)]),
        );
        every.into_iter().find(|u| u.text() == text).ok_or_else(|| format!("okänd enhet för ett nyckeltal: {text}"))
    }
}

impl std::fmt::Display for FigureUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

/// Whose definition a nyckeltal follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Basis {
    /// SKR's KPB method: egen regi, per volume unit (ids `U…` of the method, or `KPB-…`).
    #[default]
    Kpb,
    /// Kolada's N-KPI definition (KPB.md §3b): all regi, per person or inhabitant, comparable
    /// with every municipality's value in Kolada.
    Kolada,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnhetValue {
    pub enhet: String,
    pub enhet_name: String,
    pub value: Option<Decimal>,
    pub numerator: Decimal,
    pub denominator: Decimal,
    /// A data error (a denominator without numerator, or the reverse): no value, and left
    /// out of the municipality's figure.
    pub error: Option<String>,
}

/// Ytterfall in one scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ytterfall {
    pub scope: Scope,
    pub kolada: Option<String>,
    pub threshold: Decimal,
    /// Distinct clients with a cost in the scope.
    pub clients: u32,
    pub count: u32,
    /// count / clients × 100.
    pub share: Option<Decimal>,
    /// Their cost in the scope, and the scope's total.
    pub cost: Decimal,
    pub total_cost: Decimal,
    /// The clients above the threshold (ids), most expensive first.
    pub list: Vec<String>,
}

/// One client's year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientCost {
    pub id: String,
    pub age: Option<u32>,
    pub age_group: Option<String>,
    pub kon: Option<Kon>,
    pub boendeform: Boendeform,
    /// KPB cost for the year (gross of assistansersättning).
    pub total: Decimal,
    /// Assistansersättning placed on the client (negative).
    pub assistansersattning: Decimal,
    pub lines: Vec<ClientLine>,
}

impl ClientCost {
    /// The cost after Försäkringskassan's payment.
    pub fn net(&self) -> Decimal {
        self.total + self.assistansersattning
    }

    /// The client's cost in one ytterfall scope.
    pub fn in_scope(&self, scope: Scope) -> Decimal {
        self.lines.iter().filter(|l| l.insats.scope() == scope).map(|l| l.cost).sum()
    }
}

/// One insats of one client at one enhet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientLine {
    pub insats: Insats,
    /// Shared by the lines of a cell (a client's line is one of hundreds of thousands).
    pub enhet: Arc<str>,
    pub regi: Regi,
    pub volume: Decimal,
    pub cost: Decimal,
    pub assistansersattning: Decimal,
    /// Of `cost`, what was booked on the client in the ledger.
    pub booked: Decimal,
    /// Granted and performed volume, where the file has them (for utförandegrad).
    pub beviljad: Decimal,
    pub utford: Decimal,
}

/// How cost is spread over clients.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    pub clients: u32,
    pub total: Decimal,
    /// Share of the cost (%) borne by each tenth of the clients, most expensive tenth first.
    pub deciles: Vec<Decimal>,
    /// Points of the concentration curve: (share of clients %, share of cost %), from the most
    /// expensive client, at every percent of clients.
    pub curve: Vec<(Decimal, Decimal)>,
    /// "x % of the clients stand for y % of the cost": (x, y) for x = 1, 5, 10, 20, 50.
    pub top: Vec<(Decimal, Decimal)>,
    /// The smallest share of clients (%) that stands for half of the cost.
    pub half_cost_share: Option<Decimal>,
}

/// Clients and cost by group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Mix {
    pub by_age: Vec<Group>,
    pub by_kon: Vec<Group>,
    pub by_boendeform: Vec<Group>,
    pub by_insats: Vec<Group>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub label: String,
    pub clients: u32,
    pub cost: Decimal,
    /// cost / clients.
    pub per_client: Option<Decimal>,
    /// Share of all cost, %.
    pub share: Option<Decimal>,
}

/// Performed over granted time for one cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Utforandegrad {
    pub insats: Insats,
    pub enhet: String,
    pub enhet_name: String,
    pub beviljad: Decimal,
    pub utford: Decimal,
    /// utförd / beviljad × 100.
    pub grad: Option<Decimal>,
    pub clients: u32,
}

/// Ledger total = Σ lines, to the öre.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reconciliation {
    pub ledger_total: Decimal,
    pub ledger_rows: u32,
    pub lines: Vec<ReconLine>,
    /// ledger_total − Σ lines: zero unless the engine is wrong.
    pub difference: Decimal,
    /// Cost meant for the clients that did not reach them for a reason the user can mend
    /// (ansvar without mapping, cost without volume, common cost without receivers, annan
    /// regi booked but not paid per client).
    pub unplaced: Decimal,
    /// Placed on clients as a percentage of placed + `unplaced`; `None` when both are zero.
    pub placed_share: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReconLine {
    pub key: ReconKey,
    pub amount: Decimal,
    /// Where the amounts came from (the first rows of each file).
    pub sources: Vec<Source>,
    pub first: Option<Position>,
}

/// A line of the reconciliation: the cost placed on clients, or a reason a krona of the ledger
/// did not reach them. In the order shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReconKey {
    Placerat,
    Assistansersattning,
    Avgift,
    OvrigIntakt,
    AnnatAr,
    Exkluderat,
    Omappat,
    Bortvalt,
    PoolUtanMottagare,
    UtanVolym,
    AnnanRegiDifferens,
    AssistansersattningEjPlacerad,
    AssistansersattningFelInsats,
}

impl ReconKey {
    /// Every line, in the order shown.
    pub const ALL: [ReconKey; 13] = [
        ReconKey::Placerat,
        ReconKey::Assistansersattning,
        ReconKey::Avgift,
        ReconKey::OvrigIntakt,
        ReconKey::AnnatAr,
        ReconKey::Exkluderat,
        ReconKey::Omappat,
        ReconKey::Bortvalt,
        ReconKey::PoolUtanMottagare,
        ReconKey::UtanVolym,
        ReconKey::AnnanRegiDifferens,
        ReconKey::AssistansersattningEjPlacerad,
        ReconKey::AssistansersattningFelInsats,
    ];

    /// (stable code, label, explanation): the one table of the lines' texts.
    fn texts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ReconKey::Placerat => (
                "placerat",
                "Placerat på brukare (KPB)",
                "Direkta och fördelade gemensamma kostnader som fördelats på brukarna efter deras volym, samt vad som betalats för brukare i annan regi.",
            ),
            ReconKey::Assistansersattning => (
                "assistansersattning",
                "Assistansersättning från Försäkringskassan",
                "Dras av bara i nettokostnaden för personlig assistans SFB; ingår inte i brukarnas KPB-kostnad.",
            ),
            ReconKey::Avgift => (
                "avgift",
                "Avgifter och hyror (dras inte av)",
                "Avgifter och hyror från brukare dras inte av i KPB enligt SKR:s metod.",
            ),
            ReconKey::OvrigIntakt => (
                "ovrig-intakt",
                "Övriga intäkter (dras inte av)",
                "Externa intäkter som inte är försäljning till annan huvudman, t.ex. statsbidrag.",
            ),
            ReconKey::AnnatAr => (
                "annat-ar",
                "Rader för andra år",
                "Rader vars period i kostnadsfilen är ett annat år än det som beräknas.",
            ),
            ReconKey::Exkluderat => (
                "exkluderat",
                "Utanför KPB enligt mappningen",
                "Ansvar eller verksamheter som mappningen säger ligger utanför KPB.",
            ),
            ReconKey::Omappat => (
                "omappat",
                "Ansvar som saknas i mappningen",
                "Raderna kunde inte placeras; lägg till ansvaret i mappningen.",
            ),
            ReconKey::Bortvalt => ("bortvalt", "Enheter som valts bort", "Enheter som valts bort under Inställningar."),
            ReconKey::PoolUtanMottagare => (
                "pool-utan-mottagare",
                "Gemensamma kostnader utan mottagare",
                "Inga insatser i egen regi med positiv fördelningsnyckel fanns på nivån.",
            ),
            ReconKey::UtanVolym => (
                "utan-volym",
                "Kostnad utan volym",
                "Insatser med kostnad men ingen volym i brukarstatistiken; kostnaden kan inte läggas på någon brukare.",
            ),
            ReconKey::AnnanRegiDifferens => (
                "annan-regi-differens",
                "Annan regi: skillnad mellan bokfört och utbetalt",
                "Bokförd kostnad för köpt verksamhet minus vad brukarstatistiken säger betalats per brukare.",
            ),
            ReconKey::AssistansersattningEjPlacerad => (
                "fk-ej-placerad",
                "Assistansersättning som inte kunde placeras",
                "Assistansersättning utan timmar för personlig assistans SFB att fördela den på.",
            ),
            ReconKey::AssistansersattningFelInsats => (
                "fk-fel-insats",
                "Assistansersättning på annan insats än personlig assistans SFB",
                "Kontrollera konteringen.",
            ),
        }
    }

    /// A stable code (in links and tests).
    pub fn code(self) -> &'static str {
        self.texts().0
    }

    pub fn label(self) -> &'static str {
        self.texts().1
    }

    pub fn explanation(self) -> &'static str {
        self.texts().2
    }

    /// Cost placed on clients (the KPB) rather than a remainder.
    pub fn is_placed(self) -> bool {
        matches!(self, ReconKey::Placerat | ReconKey::Assistansersattning)
    }

    /// Cost meant for the clients left unplaced for a reason the user can mend (not by the
    /// method's design, such as fees).
    pub fn is_mendable(self) -> bool {
        matches!(
            self,
            ReconKey::Omappat | ReconKey::PoolUtanMottagare | ReconKey::UtanVolym | ReconKey::AnnanRegiDifferens
        )
    }
}

impl Report {
    /// How many findings of a severity there are (a finding may stand for several rows).
    pub fn finding_count(&self, severity: Severity) -> u32 {
        self.findings.iter().filter(|f| f.severity == severity).map(|f| f.count).sum()
    }

    /// Data rows of all files that did not become data.
    pub fn rows_not_used(&self) -> u32 {
        self.files.iter().map(FileReport::rows_not_used).sum()
    }
}

impl ClientCost {
    /// A line's share of the client's cost, in %; `None` for a client without cost.
    pub fn share(&self, line: &ClientLine) -> Option<Decimal> {
        percent_of(line.cost, self.total)
    }
}

impl Reconciliation {
    /// Whether the result adds up to the ledger, to the öre.
    pub fn balances(&self) -> bool {
        crate::format::rounded(self.difference, 2).is_zero()
    }
}

/// `part` in % of `whole`: part × 100 ÷ whole; `None` when `whole` is zero (or the quotient
/// does not fit).
pub fn percent_of(part: Decimal, whole: Decimal) -> Option<Decimal> {
    part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_unit_is_written_and_read_as_its_swedish_text() {
        let units = [
            (FigureUnit::KrPer(VolumeUnit::Timme), "kr/timme", "per timme"),
            (FigureUnit::KrPerInvanare, "kr/inv", "per invånare"),
            (FigureUnit::Procent, "%", ""),
            (FigureUnit::PerInvanare(VolumeUnit::Dygn), "dygn/inv", "dygn per invånare"),
        ];
        for (unit, text, after) in units {
            assert_eq!(serde_json::to_string(&unit).unwrap(), format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<FigureUnit>(&format!("\"{text}\"")).unwrap(), unit);
            assert_eq!(unit.after_value(), after);
        }
        assert!(serde_json::from_str::<FigureUnit>("\"kr/liter\"").is_err());
        assert!(FigureUnit::KrPer(VolumeUnit::Dag).is_unit_cost() && !FigureUnit::KrPerBrukare.is_unit_cost());
    }

    #[test]
    fn percent_of_nothing_is_none() {
        assert_eq!(percent_of(Decimal::ONE, Decimal::from(8)), Some(Decimal::new(125, 1)));
        assert_eq!(percent_of(Decimal::ONE, Decimal::ZERO), None);
    }
}

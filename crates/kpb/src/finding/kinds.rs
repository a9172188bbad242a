//! Every kind of finding, with the values it names, and the one table of its code, heading,
//! severity, message and help.
//!
//! The values are data; the Swedish text is made from them only when read. Kinds that share a
//! code are one group for the user (the same heading), told apart here because their text or
//! severity differs. Texts quoted from the user's files are kept as `String`s (numbers too, as
//! they are shown), so that the import can mask a personnummer in them
//! ([`FindingKind::quoted_mut`]).
//!
//! A kind is serialised as its text ([`Shown`]: code, heading, severity, message, help) and read
//! back as [`FindingKind::Shown`]: what reads a report (the web app's page) shows the findings
//! and never needs their values, and a reader of every kind's values would be the largest
//! function of the page.

use super::Severity;
use crate::date::{Date, Period};
use crate::format;
use crate::import::YearHint;
use crate::import::schema::{FileKind, Unit};
use crate::mapping::{KontoTyp, Level};
use crate::model::{Insats, VolumeKind, lower_first};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a finding is about, with the values its message names (never its position: that is
/// [`super::Finding::pos`]).
#[derive(Clone, Debug, PartialEq)]
pub enum FindingKind {
    /// A finding read back from its serialised text: its values stayed where it was made.
    Shown(Box<Shown>),
    // Reading files (import).
    /// A file with the content of an earlier one (`subset`: only rows the earlier one has).
    DuplicateFile { file: String, first: String, subset: bool },
    /// A file of no bytes.
    EmptyFile { file: String },
    /// A workbook without sheets.
    NoSheets { file: String },
    /// Neither text nor a workbook.
    BinaryFile { file: String },
    /// A workbook the reader could not open; `text` is the reader's explanation.
    BrokenWorkbook { text: String },
    /// UTF-8 saved twice, repaired.
    DoubleEncoded { file: String },
    /// A line in Windows-1252 in a UTF-8 file, read as such.
    MixedEncoding { file: String },
    /// A workbook with data on other sheets than the one read.
    MoreSheets { file: String, others: Vec<String>, sheet: String },
    /// A file with nothing at all in it (no header either).
    NoRows { file: String },
    /// A header and no rows.
    HeaderOnly { file: String },
    /// No ledger row was read (no ledger file, or one without rows): there is no cost.
    NoLedger,
    /// Headers that fit no kind of file (`headers`: as quoted, clipped).
    UnknownFileKind { file: String, headers: String },
    /// The mapping saved in the browser is not used: the file `file` of `kind` was read.
    SavedMappingNotUsed { kind: FileKind, file: String },
    /// The file `file` is not used: the mapping saved in the browser, edited from it, is.
    FileReplacedBySaved { kind: FileKind, file: String },
    /// Required columns not found (their labels).
    MissingColumn { file: String, kind: FileKind, missing: Vec<String> },
    /// `rows` of the `of` rows in `file` are in the earlier file `other` too.
    OverlappingFiles { rows: u32, of: u32, file: String, other: String },
    /// A unit in a column's header, converted (to kronor when `money`, else to hours).
    UnitInHeader { header: String, unit: Unit, money: bool },
    /// A unit in a column's header that does not fit the column `label`.
    UnitDoesNotFit { header: String, unit: Option<Unit>, label: String, money: bool },
    /// A line too long to read.
    LineTooLong { bytes: u64 },
    /// A quote that opens a field and never closes it.
    StrayQuote,
    /// Fewer fields than the header (`fields` of `width`).
    ShortRow { fields: usize, width: usize },
    /// A row twice in one file.
    DuplicateRow,
    /// A file ending within a row.
    TruncatedFile { file: String },
    /// The header again, below the header.
    RepeatedHeader,
    /// A subtotal row (`example`: the first such row's text in the file).
    TotalRow { example: String },
    /// More fields than the header (`comma`: in a comma-separated file).
    LongRow { fields: usize, width: usize, comma: bool },
    /// A personnummer with a wrong check digit.
    BadChecksum,
    /// A local insats name that matches no insats of the catalogue.
    UnknownInsats { text: String },
    /// A regi neither egen nor annan.
    UnknownRegi { text: String },
    /// A boendeform not recognised.
    UnknownBoendeform { text: String },
    /// A birth year (`value`, as shown) outside 1890–2100 or not of four digits.
    ImplausibleBirthYear { value: String },
    /// An age (`value`, as shown) outside 0–120.
    ImplausibleAge { value: String },
    /// A kön neither K nor M.
    UnknownKon { text: String },
    /// A local insats the user has mapped as outside KPB.
    InsatsOutsideKpb { text: String },
    /// A stay that ends before it starts.
    DatesReversed,
    /// A volume kind neither granted nor performed.
    UnknownVolumeKind { text: String },
    /// A volume row without a volume.
    NoVolume,
    /// A volume column in a unit (`unit`, from its header) that the insats is not measured in.
    WrongVolumeUnit { unit: Option<Unit>, insats: Insats },
    /// A period not recognised.
    BadPeriod { text: String },
    /// A date not recognised.
    BadDate { text: String },
    /// A client whose `what` (födelseår, ålder, kön) is `here` on this row and was `earlier`.
    ConflictingClient { client: String, what: String, here: String, earlier: String },
    /// A fördelning (how a mapped cost is shared) not recognised.
    UnknownFordelning { text: String },
    /// A mapping or konto row for the same codes as an earlier row, with another target or
    /// kind (`what`: the codes, as "ansvar 41010" or "konto 3100–3199"); the earlier is used.
    ConflictingRule { what: String, first: u32 },
    /// A kontotyp not recognised.
    UnknownKontotyp { text: String },
    /// An age or age group of the population not recognised.
    BadAgeGroup { text: String },
    /// So many unknown insats names (`names`, on `rows` rows) that the column is another.
    ManyUnknownInsatser { names: u64, rows: u32, column: String },

    // Reading cells (import).
    /// Text where a number belongs.
    NotANumber { text: String },
    /// A number too large to read.
    TooLargeNumber { text: String },
    /// A number (`value`, as shown) beyond what one row can hold (`max`, in words).
    ImplausibleValue { value: String, column: String, max: String },
    /// A required cell is empty (`label`: the column's).
    MissingValue { label: String },
    /// An id that Excel turned into a number in exponent form.
    ExcelExponent { label: String, text: String },
    /// Numbers that read two ways, read with a decimal point as the column's others are.
    DecimalPoint { header: String, text: String },
    /// Numbers that read two ways, which the column does not settle.
    AmbiguousNumber { header: String, text: String },

    // Computing (compute).
    /// A ledger row of another year than the one computed.
    LedgerRowOtherYear { period: Period, year: i32 },
    /// A volume row of another year than the one computed.
    VolumeRowOtherYear { period: Period, year: i32 },
    /// A stay wholly outside the year computed.
    StayOutsideYear { from: Date, to: Option<Date>, year: i32 },
    /// A konto without a kontotyp, counted as `typ`.
    KontoWithoutTyp { konto: String, typ: KontoTyp },
    /// A ledger row whose ansvar (and verksamhet) the mapping does not place.
    AnsvarNotMapped { ansvar: String, verksamhet: String },
    /// Assistansersättning booked on a common cost.
    AssistansersattningOnCommonCost,
    /// Assistansersättning booked on another insats than personlig assistans SFB.
    AssistansersattningOnInsats { insats: Insats },
    /// A volume below zero.
    NegativeVolume { volume: Decimal },
    /// A volume above `limit`: more `what` (e.g. "timmar än perioden har") than the period has.
    ImplausibleVolume { volume: Decimal, limit: Decimal, what: String },
    /// A common cost with no insats in egen regi to share it.
    PoolWithoutReceivers { level: Level },
    /// An insats at an enhet (its name) with volume and no cost.
    VolumeWithoutCost { insats: Insats, enhet: String },
    /// Cost and no volume of the `basis`; `only`: the other kind of volume, when there is some.
    CostWithoutVolume { insats: Insats, enhet: String, basis: VolumeKind, only: Option<VolumeKind> },
    /// Cost booked on a client without volume of the insats.
    BookedWithoutVolume { client: String, insats: Insats },
    /// A row for the whole `year` beside rows for its months.
    YearAndMonths { client: String, year: i32, insats: Insats, enhet: String },
    /// Granted and never performed.
    NotPerformed { client: String, insats: Insats, enhet: String },
    /// Performed without being granted.
    NotGranted { client: String, insats: Insats, enhet: String },
    /// More time performed than granted (in a period, or in all).
    OverGranted { client: String, period: Option<Period>, performed: Decimal, granted: Decimal },
    /// More dygn (`volume`) at an enhet than the year (`days`) has.
    MoreDaysThanYear { client: String, volume: Decimal, insats: Insats, enhet: String, days: u32 },
    /// A month of a cell with cost in the ledger and no volume, while the cell has volume in
    /// other months.
    MonthWithoutVolume { insats: Insats, enhet: String, month: Period },
    /// Volume in the months `outside` the ledger's months `first..=through` (1–12) of `year`.
    VolumeOutsideLedgerMonths { year: i32, first: u8, through: u8, outside: Vec<u8> },
    /// Volume rows without a month beside a monthly ledger.
    VolumeWithoutMonth { through: Period, rows: u32 },
    /// Ledger rows without a month beside rows with one.
    LedgerRowWithoutMonth { rows: u32, amount: Decimal },
    /// Common cost in `months` (1–12) of `year` in which no cell has direct cost, outside the
    /// ledger's months `first..=through`.
    CommonCostOutsideMonths { year: i32, months: Vec<u8>, amount: Decimal, first: u8, through: u8 },
    /// The municipality's unit `cost` far from the published `mean` of `mean_year`.
    ImplausibleUnitCost { insats: Insats, cost: Decimal, mean: Decimal, mean_year: i32 },
    /// An enhet's unit `cost` far from the `median` of the enheter.
    DeviatingUnitCost { insats: Insats, enhet: String, cost: Decimal, median: Decimal },
    /// Gruppbostad and servicebostad at one enhet.
    GruppAndServicebostad { enhet: String },

    // Which year (compute::year).
    /// The year chosen in the settings is none the files name.
    YearNotInFiles { year: i32, hints: Vec<YearHint> },
    /// Nothing in the files names a year.
    YearGuessed { year: i32 },
    /// Only a file name names the year.
    YearFromFileName { year: i32, file: String },
    /// The files name different years.
    YearsDiffer { year: i32, hints: Vec<YearHint> },

    // Reference files (compare).
    /// KPIs with values for K and M only.
    KoladaOnlyGendered { file: String, kpis: Vec<String> },
    /// A KPI the tool's catalogue does not have.
    UnknownKpi { kpi: String, file: String },
    /// KPIs Kolada no longer publishes (`kpb`: some are the historical KPB U-KPIs).
    KoladaHistorical { file: String, kpis: Vec<String>, kpb: bool },
    /// A workbook the reader could not open; `text` is the reader's explanation.
    BrokenReferenceWorkbook { text: String },
    /// Neither JSON, a table nor a network file.
    UnreadableReferenceFile { file: String },
    /// A table that is neither Kolada's nor quality results.
    UnknownReferenceFile { file: String },
    /// Invalid JSON (`truncated`: it ends too early).
    BrokenJson { file: String, truncated: bool },
    /// Kolada's list of KPIs, which the tool has.
    KoladaKpiList { file: String },
    /// Values per organisational unit (`records` of them).
    KoladaUnitValues { file: String, records: u32 },
    /// Records marked deleted.
    KoladaDeleted { file: String, records: u32 },
    /// An answer with records and no value that could be read.
    KoladaNoValues { file: String },
    /// An answer without records.
    KoladaEmpty { file: String },
    /// Record number `record` (from 1) of a Kolada answer that cannot be used.
    KoladaBadRecord { file: String, record: usize, problem: RecordProblem },
    /// A table row without its KPI or its area (`missing`: which).
    KoladaRowMissing { missing: String },
    /// A table row with a gender not K, M or T.
    KoladaRowGender { gender: String },
    /// A table row whose year is not recognised.
    KoladaRowYear { text: String },
    /// A value of a table that is no number, or (`too_large`) an implausible one.
    KoladaBadValue { text: String, too_large: bool },
    /// A KPI title that matches none of Kolada's.
    UnknownKpiTitle { text: String },
    /// An area name that matches none of Kolada's.
    UnknownArea { text: String },
    /// An area name not found while Kolada's list of groups is not at hand (the web app could not
    /// fetch it): perhaps a group.
    UnknownAreaWithoutGroups { text: String },
    /// A KPI title that matches several of Kolada's (`ids`).
    AmbiguousKpiTitle { text: String, ids: Vec<String> },
    /// An area name that matches several of Kolada's (`ids`).
    AmbiguousArea { text: String, ids: Vec<String> },
    /// A quality row without its enhet or its value (`missing`: which).
    QualityIncomplete { missing: String },
    /// A quality row's insats not recognised.
    QualityUnknownInsats { text: String },
    /// A quality result that is no number.
    QualityNotANumber { text: String },
    /// A Kolada answer whose next page (`url`) is not read.
    KoladaMorePages { file: String, url: String },
    /// A value read twice, different: the two and their files, the first read first (`area`:
    /// its name).
    KoladaValueTwice { kpi: String, area: String, period: i32, values: [Option<Decimal>; 2], files: [String; 2] },
}

/// A finding's text, as the engine made it from the values: how a [`FindingKind`] is serialised.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shown {
    pub code: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub message: String,
    pub help: &'static str,
    pub year_question: bool,
}

/// [`Shown`] as read: its texts owned, until kept.
#[derive(Deserialize)]
struct Read {
    code: String,
    severity: Severity,
    title: String,
    message: String,
    help: String,
    year_question: bool,
}

/// A code, heading or help text read back, as the `&'static str` the kinds give: each distinct
/// text is kept once for the life of the program (there are as many as there are kinds, so
/// reading reports again and again adds nothing).
fn kept(text: String) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static TEXTS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut texts = TEXTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match texts.get(text.as_str()) {
        Some(kept) => kept,
        None => {
            let kept: &'static str = String::leak(text);
            texts.insert(kept);
            kept
        }
    }
}

impl Serialize for FindingKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FindingKind::Shown(shown) => shown.serialize(s),
            _ => Shown {
                code: self.code(),
                severity: self.severity(),
                title: self.title(),
                message: self.message(),
                help: self.help(),
                year_question: self.is_year_question(),
            }
            .serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for FindingKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Read { code, severity, title, message, help, year_question } = Read::deserialize(d)?;
        let (code, title, help) = (kept(code), kept(title), kept(help));
        Ok(FindingKind::Shown(Box::new(Shown { code, severity, title, message, help, year_question })))
    }
}

/// Why a record of a Kolada answer cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordProblem {
    NoKpi,
    NoUnit { kpi: String },
    NoArea { kpi: String },
    NoYear { kpi: String, place: String },
    UnknownGender { kpi: String, place: String, year: i32, gender: String },
    NotANumber { kpi: String, place: String, year: i32 },
    TooLarge { kpi: String, place: String, year: i32 },
}

const KPI_LIST: &str = "Koladas katalog (äldre och funktionshinder) eller bland KPB-nyckeltalen";
const AREA_LIST: &str = "Koladas lista över kommuner, regioner och kommungrupper";
const KPI_TITLE_HELP: &str =
    "Raden används inte. Kontrollera stavningen, eller hämta värdena från Koladas API, som anger nyckeltalets id.";
const AREA_NAME_HELP: &str = "Raden används inte. Kolada skriver t.ex. \"Stockholm\", \"Region Stockholm\" och \"Riket\"; en kolumn Kommun-ID med den fyrsiffriga koden går också bra.";
const NUMBER_HELP: &str = "Raden kunde inte läsas. Rätta cellen i källfilen (bara siffror, minustecken, mellanslag som tusentalsavgränsare och decimalkomma) och läs in filen igen.";

impl FindingKind {
    /// A short stable identifier, e.g. `okand-insats` (in the work list; groups the findings).
    pub fn code(&self) -> &'static str {
        self.about().0
    }

    /// How bad it is.
    pub fn severity(&self) -> Severity {
        self.about().1
    }

    /// The heading of the group of findings of this code, in Swedish.
    pub fn title(&self) -> &'static str {
        self.about().2
    }

    /// Whether the finding asks the user to confirm the year computed.
    pub fn is_year_question(&self) -> bool {
        use FindingKind::*;
        match self {
            Shown(shown) => shown.year_question,
            _ => matches!(
                self,
                YearNotInFiles { .. } | YearGuessed { .. } | YearFromFileName { .. } | YearsDiffer { .. }
            ),
        }
    }

    /// Code, severity and heading: one line per kind.
    fn about(&self) -> (&'static str, Severity, &'static str) {
        use FindingKind::*;
        use Severity::{Fel, Info, Varning};
        match self {
            Shown(shown) => (shown.code, shown.severity, shown.title),
            DuplicateFile { .. } => ("dubblettfil", Fel, "Samma fil två gånger"),
            EmptyFile { .. } | NoSheets { .. } => ("tom-fil", Fel, "Tomma filer"),
            BinaryFile { .. } => ("binar-fil", Fel, "Filer som inte är text eller Excel"),
            BrokenWorkbook { .. } => ("trasig-xlsx", Fel, "Excelfiler som inte kunde läsas"),
            DoubleEncoded { .. } => ("dubbelkodad", Varning, "Fel teckenkodning"),
            MixedEncoding { .. } => ("blandad-kodning", Varning, "Fel teckenkodning"),
            MoreSheets { .. } => ("fler-blad", Varning, "Arbetsböcker med fler blad"),
            NoRows { .. } => ("bara-rubrik", Fel, "Filer utan rader"),
            HeaderOnly { .. } => ("bara-rubrik", Varning, "Filer utan rader"),
            NoLedger => ("ingen-huvudbok", Fel, "Huvudboken saknas"),
            UnknownFileKind { .. } => ("okand-filtyp", Fel, "Filer som inte kändes igen"),
            SavedMappingNotUsed { .. } | FileReplacedBySaved { .. } => {
                ("ersatt-av-sparad", Info, "Mappningsfiler som inte används")
            }
            MissingColumn { .. } => ("kolumn-saknas", Fel, "Kolumner som saknas"),
            OverlappingFiles { .. } => ("overlappande-filer", Varning, "Rader som finns i två filer"),
            UnitInHeader { .. } => ("enhet-i-rubrik", Info, "Enhet i kolumnrubriken"),
            UnitDoesNotFit { .. } => ("enhet-passar-inte", Fel, "Kolumner i fel enhet"),
            LineTooLong { .. } => ("for-lang-rad", Fel, "Rader som är för långa för att läsas"),
            StrayQuote => ("oavslutat-citattecken", Varning, "Citattecken som aldrig stängs"),
            ShortRow { .. } => ("kort-rad", Varning, "Rader med för få fält"),
            DuplicateRow => ("dubblett", Varning, "Dubbletter"),
            TruncatedFile { .. } => ("avklippt-fil", Fel, "Avklippta filer"),
            RepeatedHeader => ("upprepad-rubrik", Info, "Upprepade rubrikrader"),
            TotalRow { .. } => ("summarad", Varning, "Summeringsrader"),
            LongRow { .. } => ("lang-rad", Fel, "Rader med fler fält än rubriken"),
            BadChecksum => ("pnr-kontrollsiffra", Varning, "Personnummer med fel kontrollsiffra"),
            UnknownInsats { .. } => ("okand-insats", Fel, "Insatser som inte finns i katalogen"),
            UnknownRegi { .. } => ("okand-regi", Fel, "Regi som inte känns igen"),
            UnknownBoendeform { .. } => ("okand-boendeform", Varning, "Boendeformer som inte känns igen"),
            ImplausibleBirthYear { .. } => ("orimligt-fodelsear", Varning, "Orimliga födelseår"),
            ImplausibleAge { .. } => ("orimlig-alder", Varning, "Orimliga åldrar"),
            UnknownKon { .. } => ("okant-kon", Varning, "Kön som inte känns igen"),
            InsatsOutsideKpb { .. } => ("insats-utanfor-kpb", Info, "Insatser utanför KPB"),
            DatesReversed => ("datum-ordning", Fel, "Slutdatum före startdatum"),
            UnknownVolumeKind { .. } => ("okand-volymtyp", Fel, "Volymtyper som inte känns igen"),
            NoVolume => ("volym-saknas", Fel, "Rader utan volym"),
            WrongVolumeUnit { .. } => ("fel-volymenhet", Fel, "Volymer i fel enhet"),
            BadPeriod { .. } => ("felaktig-period", Fel, "Perioder som inte känns igen"),
            BadDate { .. } => ("felaktigt-datum", Fel, "Datum som inte känns igen"),
            ConflictingClient { .. } => ("motstridig-brukare", Varning, "Brukare med motstridiga uppgifter"),
            UnknownFordelning { .. } => ("okand-fordelning", Fel, "Fördelningar som inte känns igen"),
            ConflictingRule { .. } => ("motstridig-rad", Varning, "Rader som säger emot en tidigare rad"),
            UnknownKontotyp { .. } => ("okand-kontotyp", Fel, "Kontotyper som inte känns igen"),
            BadAgeGroup { .. } => ("felaktig-alder", Fel, "Åldrar som inte känns igen"),
            ManyUnknownInsatser { .. } => ("manga-okanda-insatser", Fel, "Fel kolumn vald som insats"),
            NotANumber { .. } => ("inte-ett-tal", Fel, "Text där det ska stå ett tal"),
            TooLargeNumber { .. } => ("for-stort-tal", Fel, "Orimligt stora tal"),
            ImplausibleValue { .. } => ("orimligt-tal", Fel, "Orimligt stora värden"),
            MissingValue { .. } => ("tom-cell", Fel, "Obligatoriska uppgifter saknas"),
            ExcelExponent { .. } => ("excel-exponent", Fel, "Id som Excel har förstört (exponentform)"),
            DecimalPoint { .. } => ("decimalpunkt", Info, "Kolumner med decimalpunkt"),
            AmbiguousNumber { .. } => ("tvetydigt-tal", Varning, "Tal som kan läsas på två sätt"),
            LedgerRowOtherYear { .. } | VolumeRowOtherYear { .. } => ("annat-ar", Varning, "Rader för andra år"),
            StayOutsideYear { .. } => ("annat-ar", Info, "Rader för andra år"),
            KontoWithoutTyp { .. } => ("konto-utan-typ", Varning, "Konton utan kontotyp"),
            AnsvarNotMapped { .. } => ("ansvar-utan-mappning", Fel, "Ansvar som saknas i mappningen"),
            AssistansersattningOnCommonCost => ("fk-gemensam", Varning, "Assistansersättning på fel ställe"),
            AssistansersattningOnInsats { .. } => ("fk-fel-insats", Varning, "Assistansersättning på fel ställe"),
            NegativeVolume { .. } => ("negativ-volym", Fel, "Negativa volymer"),
            ImplausibleVolume { .. } => ("orimlig-volym", Varning, "Orimliga volymer"),
            PoolWithoutReceivers { .. } => ("pool-utan-mottagare", Fel, "Gemensamma kostnader som inte kunde fördelas"),
            VolumeWithoutCost { .. } => ("volym-utan-kostnad", Fel, "Volym utan kostnad"),
            CostWithoutVolume { .. } => ("kostnad-utan-volym", Fel, "Kostnad utan volym"),
            BookedWithoutVolume { .. } => ("bokford-utan-volym", Varning, "Kostnad bokförd på brukare utan volym"),
            YearAndMonths { .. } => ("ar-och-manader", Varning, "Både årsrad och månadsrader för samma brukare"),
            NotPerformed { .. } => ("ej-verkstallt", Varning, "Beslut som inte verkställts"),
            NotGranted { .. } => ("utan-beslut", Varning, "Utförd tid utan beslut"),
            OverGranted { .. } => ("over-beviljat", Varning, "Mer utförd än beviljad tid"),
            MoreDaysThanYear { .. } => ("fler-dygn-an-aret", Varning, "Fler dygn än året har"),
            MonthWithoutVolume { .. } => ("manad-utan-volym", Varning, "Månader med kostnad men ingen volym"),
            VolumeOutsideLedgerMonths { .. } => {
                ("volym-utanfor-kostnadsmanader", Varning, "Volym i månader som kostnaderna inte täcker")
            }
            VolumeWithoutMonth { .. } => ("volym-utan-manad", Varning, "Volymer utan månad"),
            LedgerRowWithoutMonth { .. } => ("kostnad-utan-manad", Varning, "Kostnader utan månad"),
            CommonCostOutsideMonths { .. } => {
                ("gemensam-kostnad-utanfor-manader", Varning, "Gemensamma kostnader i månader utan direkta kostnader")
            }
            ImplausibleUnitCost { .. } => {
                ("orimlig-styckkostnad", Varning, "Styckkostnader långt från andra kommuners")
            }
            DeviatingUnitCost { .. } => {
                ("avvikande-styckkostnad", Varning, "Enheter med avvikande styckkostnad (möjlig felkontering)")
            }
            GruppAndServicebostad { .. } => {
                ("grupp-och-servicebostad", Varning, "Gruppbostad och servicebostad på samma enhet")
            }
            YearNotInFiles { .. } => ("ar-annat-an-filerna", Varning, "Vilket år filerna gäller"),
            YearGuessed { .. } | YearFromFileName { .. } => ("ar-gissat", Varning, "Vilket år filerna gäller"),
            YearsDiffer { .. } => ("ar-motstridigt", Varning, "Vilket år filerna gäller"),
            KoladaOnlyGendered { .. } => ("kolada-bara-kon", Varning, "Värden bara för kvinnor och män"),
            UnknownKpi { .. } => ("okant-nyckeltal", Varning, "Nyckeltal som verktyget inte känner till"),
            KoladaHistorical { .. } => ("kolada-historiska", Info, "Nyckeltal som Kolada inte längre publicerar"),
            BrokenReferenceWorkbook { .. } => ("trasig-xlsx", Fel, "Excelfiler som inte kunde läsas"),
            UnreadableReferenceFile { .. } | UnknownReferenceFile { .. } => {
                ("okand-referensfil", Fel, "Jämförelsefiler som inte kändes igen")
            }
            BrokenJson { .. } => ("trasig-json", Fel, "JSON-filer som inte kunde läsas"),
            KoladaKpiList { .. } => ("kolada-kpi-lista", Info, "Koladas lista över nyckeltal"),
            KoladaUnitValues { .. } => ("kolada-enhetsdata", Info, "Koladavärden per enhet"),
            KoladaDeleted { .. } => ("kolada-borttagna", Info, "Värden som Kolada har tagit bort"),
            KoladaNoValues { .. } => ("kolada-inga-varden", Fel, "Koladafiler utan värden som kunde läsas"),
            KoladaEmpty { .. } => ("kolada-tom", Varning, "Koladasvar utan värden"),
            KoladaBadRecord { .. } | KoladaRowMissing { .. } | KoladaRowGender { .. } | KoladaRowYear { .. } => {
                ("kolada-felaktig-post", Fel, "Koladavärden som inte kunde läsas")
            }
            KoladaBadValue { .. } | QualityNotANumber { .. } => ("inte-ett-tal", Fel, "Text där det ska stå ett tal"),
            UnknownKpiTitle { .. } => ("kolada-okant-nyckeltalsnamn", Fel, "Nyckeltalsnamn som inte känns igen"),
            UnknownArea { .. } | UnknownAreaWithoutGroups { .. } => {
                ("kolada-okant-omrade", Fel, "Kommunnamn som inte känns igen")
            }
            AmbiguousKpiTitle { .. } => ("kolada-tvetydigt-nyckeltal", Fel, "Nyckeltalsnamn som kan vara flera"),
            AmbiguousArea { .. } => ("kolada-tvetydigt-omrade", Fel, "Kommunnamn som kan vara flera"),
            QualityIncomplete { .. } => ("kvalitet-ofullstandig", Varning, "Ofullständiga kvalitetsresultat"),
            QualityUnknownInsats { .. } => ("okand-insats", Varning, "Insatser som inte finns i katalogen"),
            KoladaMorePages { .. } => ("kolada-fler-sidor", Info, "Koladasvar med fler sidor"),
            KoladaValueTwice { .. } => ("kolada-dubbelt-varde", Varning, "Värden som finns två gånger"),
        }
    }

    /// The message in Swedish, one sentence naming the values at fault.
    pub fn message(&self) -> String {
        use FindingKind::*;
        match self {
            Shown(shown) => shown.message.clone(),
            DuplicateFile { file, first, subset: true } => format!(
                "Alla rader i filen {file} finns redan i {first}; den läses inte, så att ingenting räknas två gånger."
            ),
            DuplicateFile { file, first, subset: false } => format!(
                "Filen {file} har samma innehåll som {first}; den läses inte, så att ingenting räknas två gånger."
            ),
            EmptyFile { file } => format!("Filen {file} är tom."),
            NoSheets { file } => format!("Filen {file} har inga blad."),
            BinaryFile { file } => format!("Filen {file} är ingen textfil (CSV) och ingen Excel-fil (.xlsx)."),
            BrokenWorkbook { text } | BrokenReferenceWorkbook { text } => text.clone(),
            DoubleEncoded { file } => {
                format!("Filen {file} hade fel teckenkodning (t.ex. \"Ã¶\" i stället för \"ö\"); den har rättats.")
            }
            MixedEncoding { file } => {
                format!("Filen {file} är UTF-8, men raden var i en annan teckenkodning (Windows-1252); den lästes som sådan.")
            }
            MoreSheets { file, others, sheet } => format!(
                "Arbetsboken {file} har fler blad med data ({}); bara bladet {sheet} lästes.",
                others.join(", ")
            ),
            NoRows { file } => format!("Filen {file} innehåller inga rader."),
            HeaderOnly { file } => format!("Filen {file} har rubriker men inga rader."),
            NoLedger => "Ingen rad ur huvudboken lästes in, så det finns inga kostnader: enheternas och brukarnas kostnader blir 0 kr, och nyckeltalen bygger bara på det brukarfilen säger om köpta insatser.".to_owned(),
            UnknownFileKind { file, headers } => {
                format!("Filen {file} kändes inte igen: rubrikerna ({headers}) passar ingen av filtyperna.")
            }
            SavedMappingNotUsed { kind, file } => format!(
                "Den {} som sparats i webbläsaren används inte: filen {file} lästes in och gäller i stället.",
                mapping_name(*kind)
            ),
            FileReplacedBySaved { kind, file } => format!(
                "Filen {file} används inte: den {} som sparats i webbläsaren, ändrad utifrån just den här filen, gäller i stället.",
                mapping_name(*kind)
            ),
            MissingColumn { file, kind, missing } => {
                format!("Filen {file} ({}) saknar kolumnen {}.", kind.name(), missing.join(" och kolumnen "))
            }
            OverlappingFiles { rows, of, file, other } => {
                format!("{} av {} rader i {file} finns också i {other}.", format::count(*rows), format::count(*of))
            }
            UnitInHeader { header, unit, money } => format!(
                "Kolumnen {header} är i {}; talen har räknats om till {}.",
                unit.name(),
                if *money { "kronor" } else { "timmar" }
            ),
            UnitDoesNotFit { header, unit, label, money } => format!(
                "Kolumnen {header} anger {}, men {label} ska vara {}.",
                unit.map_or("", Unit::name),
                if *money { "ett belopp i kronor" } else { "en volym (timmar, dygn eller dagar)" }
            ),
            LineTooLong { bytes } => format!(
                "Raden är {} tecken lång, längre än någon rad i ett utdrag kan vara; den lästes inte.",
                format::number(Decimal::from(*bytes), 0)
            ),
            StrayQuote => {
                "Ett citattecken (\") inleder fältet men avslutar det aldrig; det lästes som ett vanligt tecken.".into()
            }
            ShortRow { fields, width } => format!("Raden har {fields} fält men rubriken har {width}."),
            DuplicateRow => "Raden är en exakt dubblett av en tidigare rad i samma fil.".into(),
            TruncatedFile { file } => format!("Filen {file} slutar mitt i en rad; den verkar vara avklippt."),
            RepeatedHeader => "Rubrikraden upprepas här; raden räknas inte.".into(),
            TotalRow { example } => format!("Summeringsrader som \"{example}\" räknas inte."),
            LongRow { fields, width, .. } => {
                format!("Raden har {fields} fält men rubriken har {width}; den räknas inte.")
            }
            BadChecksum => "Ett personnummer har fel kontrollsiffra.".into(),
            UnknownInsats { text } => format!("Insatsen \"{text}\" finns inte i katalogen."),
            UnknownRegi { text } => format!("Regi \"{text}\" känns inte igen."),
            UnknownBoendeform { text } => {
                format!("Boendeformen \"{text}\" känns inte igen; den härleds av insatserna i stället.")
            }
            ImplausibleBirthYear { value } => format!("Födelseåret {value} är orimligt; det används inte."),
            ImplausibleAge { value } => format!("Åldern {value} är orimlig; den används inte."),
            UnknownKon { text } => format!("Kön \"{text}\" känns inte igen; det används inte."),
            InsatsOutsideKpb { text } => format!("Insatsen \"{text}\" ingår inte i KPB enligt insatskopplingen."),
            DatesReversed => "Slutdatum ligger före startdatum.".into(),
            UnknownVolumeKind { text } => format!("Volymtypen \"{text}\" känns inte igen."),
            NoVolume => "Raden saknar volym.".into(),
            WrongVolumeUnit { unit, insats } => format!(
                "Kolumnen är i {}, men {} mäts i {}.",
                unit.map_or("", Unit::name),
                lower_first(insats.name()),
                insats.unit().plural()
            ),
            BadPeriod { text } => format!("Perioden \"{text}\" känns inte igen."),
            BadDate { text } => format!("Datumet \"{text}\" känns inte igen."),
            ConflictingClient { client, what, here, earlier } => {
                format!("Brukaren {client} har {what} {here} här men {earlier} på en tidigare rad.")
            }
            UnknownFordelning { text } => format!("Fördelningen \"{text}\" känns inte igen."),
            ConflictingRule { what, first } => {
                format!("Raden säger något annat om {what} än rad {first}; rad {first} används, den här inte.")
            }
            UnknownKontotyp { text } => format!("Kontotypen \"{text}\" känns inte igen."),
            BadAgeGroup { text } => format!("Åldern \"{text}\" känns inte igen."),
            ManyUnknownInsatser { names, rows, column } => format!(
                "{} olika insatser på {} rader finns inte i katalogen; är kolumnen {column} verkligen insatsen?",
                format::count(*names),
                format::count(*rows)
            ),
            NotANumber { text } => format!("\"{text}\" är inte ett tal."),
            TooLargeNumber { text } => format!("Talet \"{text}\" är för stort."),
            ImplausibleValue { value, column, max } => {
                format!("Värdet {value} i {column} är orimligt stort för en rad (högst {max}).")
            }
            MissingValue { label } => format!("{label} saknas."),
            ExcelExponent { label, text } => format!(
                "{label} \"{text}\" är ett tal i Excels exponentform; siffrorna efter de första har gått förlorade."
            ),
            DecimalPoint { header, text } => {
                format!("Kolumnen {header} har punkt som decimaltecken, så tal som \"{text}\" lästes med decimalpunkt.")
            }
            AmbiguousNumber { header, text } => format!(
                "Tal som \"{text}\" i kolumnen {header} kan läsas på två sätt; de lästes med punkt som tusentalsavgränsare och komma som decimaltecken."
            ),
            LedgerRowOtherYear { period, year } | VolumeRowOtherYear { period, year } => {
                format!("Raden gäller {period}, inte {year}; den räknas inte.")
            }
            StayOutsideYear { from, to, year } => format!(
                "Vistelsen {from}–{} ligger utanför {year}; den räknas inte.",
                to.map_or(String::new(), |t| t.to_string())
            ),
            KontoWithoutTyp { konto, typ } => {
                format!("Konto {konto} har ingen kontotyp; det räknas som {}.", typ.name())
            }
            AnsvarNotMapped { ansvar, verksamhet } => format!(
                "Ansvar {ansvar}{} finns inte i mappningen.",
                if verksamhet.is_empty() { String::new() } else { format!(", verksamhet {verksamhet}") }
            ),
            AssistansersattningOnCommonCost => "Assistansersättning är bokförd på en gemensam kostnad.".into(),
            AssistansersattningOnInsats { insats } => format!("Assistansersättning är bokförd på {}.", insats.name()),
            NegativeVolume { volume } => format!("Negativ volym ({}).", format::volume(*volume)),
            ImplausibleVolume { volume, limit, what } => {
                format!("Volymen {} är fler {what} ({}).", format::volume(*volume), format::volume(*limit))
            }
            PoolWithoutReceivers { level } => format!(
                "Den gemensamma kostnaden {} kunde inte fördelas: inga insatser i egen regi att fördela på.",
                level.describe()
            ),
            VolumeWithoutCost { insats, enhet } => {
                format!("{} vid {enhet} har volym men ingen kostnad.", insats.name())
            }
            CostWithoutVolume { insats, enhet, basis, only } => format!(
                "{} vid {enhet} har kostnad men ingen volym{}.",
                insats.name(),
                only.map_or(String::new(), |only| format!(
                    " (det finns bara {} volym, men kostnaden delas med {} volym)",
                    only.name(),
                    basis.name()
                ))
            ),
            BookedWithoutVolume { client, insats } => {
                format!("Brukaren {client} har kostnad bokförd på {} men ingen volym där.", insats.name())
            }
            YearAndMonths { client, year, insats, enhet } => format!(
                "Brukaren {client} har både en rad för hela {year} och rader för enskilda månader för {} vid {enhet}; de räknas ihop.",
                lower_first(insats.name())
            ),
            NotPerformed { client, insats, enhet } => format!(
                "Brukaren {client} har beviljad {} vid {enhet} men ingen utförd tid under året.",
                lower_first(insats.name())
            ),
            NotGranted { client, insats, enhet } => format!(
                "Brukaren {client} har utförd tid för {} vid {enhet} utan beviljad tid.",
                lower_first(insats.name())
            ),
            OverGranted { client, period, performed, granted } => format!(
                "Brukaren {client} har mer utförd än beviljad tid{} ({} mot {}).",
                period.map_or(String::new(), |p| format!(" {p}")),
                format::number(*performed, 2),
                format::number(*granted, 2)
            ),
            MonthWithoutVolume { insats, enhet, month } => {
                format!("{} vid {enhet} har kostnad men ingen volym i {}.", insats.name(), month.name())
            }
            VolumeOutsideLedgerMonths { year, first, through, outside } => format!(
                "Kostnaderna gäller {}, men brukarstatistiken har volym även i {}.",
                crate::date::months_name(*year, *first..=*through),
                crate::date::months_name(*year, outside.iter().copied())
            ),
            VolumeWithoutMonth { through, rows } => format!(
                "Kostnaderna är per månad till och med {}, men {} {} i brukarstatistiken gäller hela året{}.",
                through.name(),
                format::count(*rows),
                if *rows == 1 { "rad" } else { "rader" },
                if through.month == Some(12) {
                    ""
                } else {
                    ", så helårets enhetskostnad delar färre månaders kostnad med ett helt års volym"
                }
            ),
            CommonCostOutsideMonths { year, months, amount, first, through } => format!(
                "Kostnadsfilen har gemensamma kostnader ({} kr) i {}, men direkta kostnader bara i {}.",
                format::kr(*amount),
                crate::date::months_name(*year, months.iter().copied()),
                crate::date::months_name(*year, *first..=*through)
            ),
            LedgerRowWithoutMonth { rows, amount } => format!(
                "{} {} i kostnadsfilen ({} kr) har ingen månad, fast andra rader har det.",
                format::count(*rows),
                if *rows == 1 { "rad" } else { "rader" },
                format::kr(*amount)
            ),
            MoreDaysThanYear { client, volume, insats, enhet, days } => format!(
                "Brukaren {client} har {} {} {} vid {enhet} på ett år med {days} dagar.",
                format::volume(*volume),
                insats.unit().plural(),
                lower_first(insats.name())
            ),
            ImplausibleUnitCost { insats, cost, mean, mean_year } => format!(
                "{} i egen regi kostar {} kr per {}; medel bland KPB-kommunerna var {} kr ({mean_year}).",
                insats.name(),
                format::kr(*cost),
                insats.unit().singular(),
                format::kr(*mean)
            ),
            DeviatingUnitCost { insats, enhet, cost, median } => format!(
                "{} vid {enhet} kostar {} kr per {}, mot medianen {} kr bland enheterna.",
                insats.name(),
                format::kr(*cost),
                insats.unit().singular(),
                format::kr(*median)
            ),
            GruppAndServicebostad { enhet } => format!("{enhet} har både gruppbostad och servicebostad."),
            YearNotInFiles { year, hints } => format!(
                "KPB beräknas för {year}, valt under Inställningar, men filerna pekar på ett annat år: {}.",
                listed(hints)
            ),
            YearGuessed { year } => format!("Året kunde inte läsas ur filerna; KPB beräknas för {year}."),
            YearFromFileName { year, file } => format!("Året {year} lästes bara ur filnamnet {file}."),
            YearsDiffer { year, hints } => {
                format!("Filerna pekar på olika år: {}. KPB beräknas för {year}.", listed(hints))
            }
            KoladaOnlyGendered { file, kpis } => format!(
                "Filen {file} har bara värden för kvinnor och män (K, M) för {}, inga för totalt (T).",
                kpis.join(", ")
            ),
            UnknownKpi { kpi, file } => format!("Nyckeltalet {kpi} i {file} finns inte i verktygets katalog."),
            KoladaHistorical { file, kpis, kpb } => {
                /// More than this many are named by the first ones and a count.
                const NAMED: usize = 10;
                let named = match kpis.len() {
                    n if n > NAMED => format!("{} och {} till", kpis[..NAMED].join(", "), n - NAMED),
                    _ => kpis.join(", "),
                };
                format!(
                    "Filen {file} har värden för nyckeltal som Kolada inte längre publicerar: {named}.{} Värdena är historiska.",
                    if *kpb { " KPB-nyckeltalen (U…) finns inte i Kolada sedan 2025." } else { "" }
                )
            }
            UnreadableReferenceFile { file } => format!(
                "Filen {file} kunde inte läsas: den är varken JSON från Kolada, en tabell (CSV eller Excel) eller en nätverksfil."
            ),
            UnknownReferenceFile { file } => {
                format!("Filen {file} kändes inte igen som Koladadata eller kvalitetsresultat.")
            }
            BrokenJson { file, truncated } => format!(
                "Filen {file} är inte giltig JSON: {}.",
                if *truncated { "den tar slut mitt i, troligen avklippt" } else { "ett tecken där passar inte" }
            ),
            KoladaKpiList { file } => {
                format!("Filen {file} är Koladas lista över nyckeltal; den behövs inte (verktyget har katalogen).")
            }
            KoladaUnitValues { file, records } => {
                format!("Filen {file} har värden per organisatorisk enhet (ou), inte per kommun ({records} st).")
            }
            KoladaDeleted { file, records } => format!(
                "Filen {file} har {records} {} som Kolada har tagit bort (isdeleted); de används inte.",
                if *records == 1 { "post" } else { "poster" }
            ),
            KoladaNoValues { file } => format!("Filen {file} innehöll inga värden som kunde läsas."),
            KoladaEmpty { file } => format!("Filen {file} innehåller inga värden."),
            KoladaBadRecord { file, record, problem } => format!("{file}: post {record} {}", problem.text()),
            KoladaRowMissing { missing } | QualityIncomplete { missing } => format!("Raden saknar {missing}."),
            KoladaRowGender { gender } => format!("Okänt kön \"{gender}\"."),
            KoladaRowYear { text } => format!("Året \"{text}\" känns inte igen."),
            KoladaBadValue { text, too_large } => {
                format!("\"{text}\" {}.", if *too_large { "är orimligt stort" } else { "är inte ett tal" })
            }
            UnknownKpiTitle { text } => format!("Nyckeltalet \"{text}\" finns inte i {KPI_LIST}."),
            UnknownArea { text } => format!("Kommunen eller gruppen \"{text}\" finns inte i {AREA_LIST}."),
            UnknownAreaWithoutGroups { text } => format!(
                "Kommunen eller gruppen \"{text}\" finns inte i Koladas lista över kommuner och regioner, och listan över Koladas kommungrupper kunde inte hämtas."
            ),
            AmbiguousKpiTitle { text, ids } => {
                format!("Nyckeltalet \"{text}\" kan vara flera i {KPI_LIST}: {}.", ids.join(", "))
            }
            AmbiguousArea { text, ids } => {
                format!("Kommunen eller gruppen \"{text}\" kan vara flera i {AREA_LIST}: {}.", ids.join(", "))
            }
            QualityUnknownInsats { text } => format!("Insatsen \"{text}\" känns inte igen."),
            QualityNotANumber { text } => format!("\"{text}\" är inte ett tal."),
            KoladaMorePages { file, url } => {
                format!("Filen {file} är en sida av flera: Koladas svar fortsätter på nästa sida, {url}")
            }
            KoladaValueTwice { kpi, area, period, values, files } => {
                let [first, then] = values.map(|v| v.map_or("inget värde".to_owned(), format::volume));
                format!(
                    "{kpi} för {area} {period} finns två gånger med olika värden: {first} i {} och {then} i {}.",
                    files[0], files[1]
                )
            }
        }
    }

    /// Plain-Swedish explanation: why this matters and what to do.
    pub fn help(&self) -> &'static str {
        use FindingKind::*;
        match self {
            Shown(shown) => shown.help,
            DuplicateFile { .. } => {
                "Samma uppgifter valdes två gånger (t.ex. kostnader.csv och kostnader (1).csv, eller samma utdrag som CSV och som Excel). Ta bort den ena filen under Import."
            }
            EmptyFile { .. } => "Välj filen igen; den innehåller inga byte alls.",
            NoSheets { .. } => "",
            BinaryFile { .. } => "Spara utdraget som CSV (semikolonseparerad) eller .xlsx och läs in det igen.",
            BrokenWorkbook { .. } => "Öppna filen i Excel, kontrollera den och spara den igen.",
            DoubleEncoded { .. } => {
                "Filen har sparats som UTF-8 två gånger. Kontrollera att å, ä och ö ser rätt ut i förhandsvisningen."
            }
            MixedEncoding { .. } => {
                "Raderna har troligen klistrats in från en annan fil. Kontrollera att å, ä och ö ser rätt ut på dem, och spara filen som UTF-8 i ett svep."
            }
            MoreSheets { .. } => {
                "Ur en arbetsbok läses ett blad. Ska de andra bladen med (t.ex. ett blad per verksamhet), spara dem som egna filer och lägg in dem; är de något annat (t.ex. budget), ta bort dem ur arbetsboken."
            }
            NoRows { .. } => "Kontrollera att rätt fil valdes.",
            HeaderOnly { .. } => "Kontrollera att utdraget togs för rätt period och urval.",
            NoLedger => {
                "Välj huvudbokens utdrag (kostnaderna) för året. Är den redan vald, se under Import att den har rader och tolkades som kostnader."
            }
            UnknownFileKind { .. } => {
                "Ange vilken sorts fil det är och vilken kolumn som är vad; valet sparas till nästa gång."
            }
            SavedMappingNotUsed { .. } | FileReplacedBySaved { .. } => {
                "Den sparade mappningen gäller för de egna filerna tills en ny mappnings- eller kontotypsfil läses in, eller tills den tas bort under Import."
            }
            MissingColumn { .. } => {
                "Välj vilken kolumn i filen som motsvarar den som saknas; valet sparas till nästa gång."
            }
            OverlappingFiles { .. } => {
                "Raderna räknas med, så samma kostnad eller volym kan räknas två gånger. Täcker filerna samma period eller urval, ta bort den ena under Import."
            }
            UnitInHeader { .. } => {
                "Enheten står i rubriken och har tagits hänsyn till. Stämmer den inte, rätta rubriken i filen."
            }
            UnitDoesNotFit { .. } => {
                "Kolumnen används inte. Välj rätt kolumn, eller rätta rubriken om enheten i den är fel."
            }
            LineTooLong { .. } => {
                "Raden räknas inte. Filen kan vara skadad, eller sakna radbrytningar. Kontrollera raden i källfilen; de följande raderna lästes som vanligt."
            }
            StrayQuote => {
                "Kontrollera raden i källfilen. Raderna efter den lästes som vanligt: ett citattecken som inte stängs får aldrig svälja resten av filen."
            }
            ShortRow { .. } => {
                "Raden kan ha fel avgränsare, eller så är filen avklippt. Kontrollera raden i källfilen."
            }
            DuplicateRow => "Dubbletter räknas med. Kontrollera om raden är dubbelregistrerad i källsystemet.",
            TruncatedFile { .. } => "Ta ut utdraget på nytt och kontrollera att hela filen kom med.",
            RepeatedHeader => "Utdrag som skrivs ut sida för sida upprepar ofta rubriken. Raden hoppas över.",
            TotalRow { .. } => {
                "En summa av raderna ovanför skulle räkna samma kostnad två gånger. Kontrollera att raderna verkligen är summor; ta annars bort ordet i källfilen."
            }
            LongRow { comma: true, .. } => {
                "Filen är kommaseparerad: ett tal med decimalkomma (12,5) utan citattecken blir två fält, och värdena hamnar i fel kolumner. Spara filen semikolonseparerad, eller med citattecken kring talen."
            }
            LongRow { comma: false, .. } => {
                "Raden har fler värden än rubriken har kolumner, så det går inte att veta vilket värde som hör till vilken kolumn. Kontrollera avgränsarna på raden i källfilen."
            }
            BadChecksum => {
                "Numret har ändå ersatts med en pseudonym. Kontrollera registreringen i verksamhetssystemet."
            }
            UnknownInsats { .. } => {
                "Koppla det lokala namnet till en insats i katalogen (steget Import, Insatser); kopplingen sparas till nästa år. Tills dess räknas raden inte."
            }
            UnknownRegi { .. } => "Skriv egen eller annan.",
            UnknownBoendeform { .. } => "Skriv ordinärt boende, särskilt boende eller bostad enligt LSS.",
            ImplausibleBirthYear { .. } => "Ange födelseår med fyra siffror.",
            ImplausibleAge { .. } => "Ange ålder i hela år.",
            UnknownKon { .. } => "Skriv K eller M.",
            InsatsOutsideKpb { .. } => "Raden räknas inte. Ändra kopplingen under Import om insatsen ska ingå.",
            DatesReversed => "Rätta datumen i källsystemet.",
            UnknownVolumeKind { .. } => "Skriv beviljad eller utförd.",
            NoVolume => "Ange volym, eller från- och tilldatum för vistelser.",
            WrongVolumeUnit { .. } => "Raden räknas inte. Volymen för insatsen ska stå i en kolumn i insatsens enhet.",
            BadPeriod { .. } => "Skriv år (2025) eller månad (2025-03 eller 202503).",
            BadDate { .. } => "Skriv datum som ÅÅÅÅ-MM-DD.",
            ConflictingClient { .. } => {
                "Samma brukare ska ha samma uppgifter på alla rader. Den första uppgiften används; rätta i verksamhetssystemet."
            }
            UnknownFordelning { .. } => {
                "Lämna tom för direkt kostnad, eller skriv enhet, område, förvaltning eller exkludera."
            }
            ConflictingRule { .. } => "Ta bort den rad som är fel och läs in filen igen.",
            UnknownKontotyp { .. } => {
                "Skriv kostnad, personalkostnad, intern intäkt, försäljning, avgift, assistansersättning eller övrig intäkt."
            }
            BadAgeGroup { .. } => "Skriv en ålder (83) eller en åldersgrupp (80-84, 90-w, 95+).",
            ManyUnknownInsatser { .. } => {
                "Så många okända namn tyder på att fel kolumn valts som insats (t.ex. ett besluts-id). Välj rätt kolumn under Import; bara de vanligaste namnen visas för koppling."
            }
            NotANumber { .. } | TooLargeNumber { .. } => NUMBER_HELP,
            ImplausibleValue { .. } => {
                "Raden räknas inte. Kontrollera cellen i källfilen: ett referens- eller OCR-nummer i fel kolumn, en volym i fel enhet eller ett tal som Excel har förvanskat."
            }
            MissingValue { .. } => {
                "Raden kunde inte användas eftersom en obligatorisk uppgift saknas. Fyll i den i källfilen."
            }
            ExcelExponent { .. } => {
                "Excel har gjort om kolumnen till tal, så olika id kan ha blivit samma. Ta ut filen på nytt, eller formatera kolumnen som Text i Excel innan filen sparas som CSV. Raden räknas inte."
            }
            DecimalPoint { .. } => {
                "Övriga tal i kolumnen skrivs med decimalpunkt (t.ex. 12.5), så punkten är ett decimaltecken och inte en tusentalsavgränsare."
            }
            AmbiguousNumber { .. } => {
                "Kolumnen avgör inte vilket tecken som är decimaltecken. Kontrollera värdet i källfilen; skriv helst tal utan tusentalsavgränsare och med decimalkomma (132993,45)."
            }
            LedgerRowOtherYear { .. } => {
                "Rader för andra år än det som beräknas tas inte med (se avstämningen). Välj år under Inställningar om det är fel år."
            }
            VolumeRowOtherYear { .. } => {
                "Rader för andra år än det som beräknas tas inte med. Välj år under Inställningar om det är fel år."
            }
            StayOutsideYear { .. } => "Rader för andra år än det som beräknas tas inte med.",
            KontoWithoutTyp { .. } => {
                "Lägg till kontot i filen med kontotyper (Konto från, Konto till, Kontotyp) så att intäkter dras av eller inte enligt KPB."
            }
            AnsvarNotMapped { .. } => {
                "Kostnaden kan inte placeras på någon insats. Lägg till ansvaret i mappningen (direkt kostnad, gemensam kostnad eller exkludera)."
            }
            AssistansersattningOnCommonCost => {
                "Assistansersättningen ska bokföras på personlig assistans SFB; den ligger nu utanför KPB."
            }
            AssistansersattningOnInsats { .. } => {
                "Assistansersättning hör till personlig assistans SFB; kontrollera konteringen."
            }
            NegativeVolume { .. } => "Raden räknas inte. Rätta registreringen i verksamhetssystemet.",
            ImplausibleVolume { .. } => {
                "Volymen räknas med men är troligen fel: kontrollera enheten (timmar eller minuter?) och perioden."
            }
            PoolWithoutReceivers { .. } => {
                "Kontrollera mappningen: finns enheten eller området, och har dess insatser kostnad eller volym?"
            }
            VolumeWithoutCost { .. } => {
                "Brukarna får ingen kostnad för insatsen, och enheten lämnas utanför kommunens kostnad per volymenhet så att den inte drar ned den. Kontrollera att enheten finns i mappningen och att kostnaderna är bokförda på rätt ansvar."
            }
            CostWithoutVolume { .. } => {
                "Kostnaden kan inte läggas på någon brukare och redovisas i avstämningen. Kontrollera brukarstatistiken för enheten, eller om kostnaden är bokförd på fel ansvar."
            }
            BookedWithoutVolume { .. } => "Kostnaden läggs ändå på brukaren. Kontrollera brukarstatistiken.",
            YearAndMonths { .. } => {
                "Är årsraden summan av månaderna räknas volymen två gånger. Ta bort årsraden eller månadsraderna ur utdraget."
            }
            NotPerformed { .. } => {
                "Beslut som aldrig verkställts (eller ärenden som inte avslutats efter dödsfall eller flytt) ger kostnad utan insats. Kontrollera ärendet."
            }
            NotGranted { .. } => "Tid registrerad utan beslut. Kontrollera beslutet i verksamhetssystemet.",
            OverGranted { .. } => "Tid utöver beslutet: kontrollera registreringen eller om beslutet behöver ses över.",
            MoreDaysThanYear { .. } => "Troligen dubbelregistrerade perioder. Kontrollera vistelserna.",
            MonthWithoutVolume { .. } => {
                "Troligen saknas månadens utdrag ur verksamhetssystemet, eller så är kostnaden bokförd på fel enhet. Månadens enhetskostnad kan inte räknas, och helårets blir för hög."
            }
            VolumeOutsideLedgerMonths { .. } => {
                "Helårets enhetskostnader delar då kostnaden för färre månader med volymen för fler och blir för låga. Ta ut brukarstatistiken för samma månader som kostnaderna; månadsuppföljningen räknar bara kostnadernas månader."
            }
            VolumeWithoutMonth { .. } => {
                "De volymerna kan inte följas månad för månad. Ta ut brukarstatistiken per månad (en periodkolumn, eller vistelser med datum)."
            }
            CommonCostOutsideMonths { .. } => {
                "Kostnaden räknas i helåret men i ingen månad av månadsuppföljningen, som går så långt som de direkta kostnaderna. Är det en periodisering, eller saknas månadens direkta kostnader i utdraget?"
            }
            LedgerRowWithoutMonth { .. } => {
                "Raderna räknas i helåret men i ingen månad. Hör de till en månad, ge dem den i periodkolumnen (t.ex. 202503); bokslutsposter (period 13) hör till året och kan stå kvar."
            }
            ImplausibleUnitCost { .. } => {
                "Så långt från andra kommuners nivå beror det oftast på en enhet: volymen i minuter i stället för timmar, eller kostnaden i tkr eller öre. Kontrollera rubrikerna och värdena i filerna."
            }
            DeviatingUnitCost { .. } => {
                "En enhet som är mycket dyrare eller billigare än de andra kan ha fått kostnader bokförda på fel ansvar eller verksamhet. Kontrollera konteringen."
            }
            GruppAndServicebostad { .. } => {
                "Gruppbostad och servicebostad som blandas ihop snedvrider jämförelsen mellan enheter. Kontrollera att insatserna är rätt kodade."
            }
            YearNotInFiles { .. } => "Kontrollera att rätt år är valt och att filerna gäller det året.",
            YearGuessed { .. } => {
                "Brukarstatistiken har inga perioder eller datum, och ingen fil har året i rubriken eller i namnet. Bekräfta året under Inställningar."
            }
            YearFromFileName { .. } => {
                "Brukarstatistiken har inga perioder eller datum och ingen fil har året i en rubrik. Bekräfta året under Inställningar."
            }
            YearsDiffer { .. } => {
                "Kontrollera att alla filer gäller samma år, och välj året under Inställningar för att bekräfta det."
            }
            KoladaOnlyGendered { .. } => {
                "Kommunens egna nyckeltal gäller alla brukare och jämförs bara med T-värden. Hämta värdena med kön T."
            }
            UnknownKpi { .. } => {
                "Värdena visas med sitt id men jämförs bara om det egna resultatet har samma nyckeltal."
            }
            KoladaHistorical { .. } => {
                "Värdena läses in och kan jämföras, men Kolada ger inga nya värden för dem. Jämförbara värden \
                 för alla kommuner finns i dag i Koladas N-nyckeltal, t.ex. N21006 (kostnad hemtjänst per hemtjänsttagare)."
            }
            BrokenReferenceWorkbook { .. } => "Spara filen på nytt i Excel.",
            UnreadableReferenceFile { .. } => {
                "Hämta filen från Kolada på nytt (JSON från API:t eller Ladda ner som CSV/Excel)."
            }
            UnknownReferenceFile { .. } => {
                "Koladatabeller behöver kolumnerna nyckeltal (id eller namn), kommun (id eller namn), år och värde; kvalitetsresultat kolumnerna Enhet, Mått och Värde."
            }
            BrokenJson { .. } => "Filen kan vara avklippt eller ändrad. Spara svaret från Kolada på nytt, hela.",
            KoladaKpiList { .. } => "",
            KoladaUnitValues { .. } => {
                "Koppla de egna enheterna till Koladas under Kostnad och kvalitet, så visas värdena bredvid enheternas \
                 kostnad; med kommunens nyckeltal jämförs de inte. Läs också in Koladas enhetslista \
                 (https://api.kolada.se/v3/ou?municipality=…) så att enheterna får namn och kommun."
            }
            KoladaDeleted { .. } => {
                "Kolada skickar med borttagna värden när svaret hämtas med from_date. Gäller ett värde fortfarande \
                 finns det med i svaret en gång till, utan markeringen."
            }
            KoladaNoValues { .. } => {
                "Kontrollera att filen är ett svar från Koladas data-API (värden per nyckeltal, kommun och år)."
            }
            KoladaEmpty { .. } => "Kolada hade inga värden för urvalet: prova andra år eller kommuner.",
            KoladaBadRecord { .. } => "Posten används inte. Hämta filen från Kolada på nytt.",
            KoladaRowMissing { .. } | KoladaRowGender { .. } | KoladaRowYear { .. } => "Raden används inte.",
            KoladaBadValue { .. } => "Värdet används inte.",
            UnknownKpiTitle { .. } | AmbiguousKpiTitle { .. } => KPI_TITLE_HELP,
            UnknownArea { .. } | AmbiguousArea { .. } => AREA_NAME_HELP,
            UnknownAreaWithoutGroups { .. } => {
                "Raden används inte. Listan över kommungrupperna hämtas första gången en jämförelse behöver den (troligen saknade datorn internetanslutning) och finns sedan kvar också utan anslutning. Läs in filen igen när datorn har anslutning."
            }
            QualityIncomplete { .. } => "Raden visas inte.",
            QualityUnknownInsats { .. } => "Resultatet kopplas till alla enhetens insatser.",
            QualityNotANumber { .. } => "Raden används inte.",
            KoladaMorePages { .. } => {
                "Öppna adressen i webbläsaren, spara svaret som en fil och lägg till den här också. \
                 Verktyget hämtar ingenting själv; tills nästa sida är inläst saknas en del av värdena."
            }
            KoladaValueTwice { .. } => "Värdet som lästes in först används. Ta bort den fil som är fel.",
        }
    }

    /// The texts of an import finding that were taken from the user's files (file and sheet
    /// names, headers, cell values), for the import to mask any personnummer in them. Empty for
    /// the other kinds: the computation's name what the import has masked already, and
    /// reference files are read as they are.
    pub(crate) fn quoted_mut(&mut self) -> Vec<&mut String> {
        use FindingKind::*;
        match self {
            EmptyFile { file: a }
            | NoSheets { file: a }
            | BinaryFile { file: a }
            | DoubleEncoded { file: a }
            | MixedEncoding { file: a }
            | NoRows { file: a }
            | HeaderOnly { file: a }
            | TruncatedFile { file: a }
            | SavedMappingNotUsed { file: a, .. }
            | FileReplacedBySaved { file: a, .. }
            | BrokenWorkbook { text: a }
            | TotalRow { example: a }
            | UnknownInsats { text: a }
            | UnknownRegi { text: a }
            | UnknownBoendeform { text: a }
            | ImplausibleBirthYear { value: a }
            | ImplausibleAge { value: a }
            | UnknownKon { text: a }
            | InsatsOutsideKpb { text: a }
            | UnknownVolumeKind { text: a }
            | BadPeriod { text: a }
            | BadDate { text: a }
            | UnknownFordelning { text: a }
            | ConflictingRule { what: a, .. }
            | UnknownKontotyp { text: a }
            | BadAgeGroup { text: a }
            | ManyUnknownInsatser { column: a, .. }
            | NotANumber { text: a }
            | TooLargeNumber { text: a }
            | MissingValue { label: a }
            | UnitInHeader { header: a, .. }
            | YearFromFileName { file: a, .. }
            | KoladaOnlyGendered { file: a, .. }
            | KoladaHistorical { file: a, .. }
            | BrokenReferenceWorkbook { text: a }
            | UnreadableReferenceFile { file: a }
            | UnknownReferenceFile { file: a }
            | BrokenJson { file: a, .. }
            | KoladaKpiList { file: a }
            | KoladaUnitValues { file: a, .. }
            | KoladaDeleted { file: a, .. }
            | KoladaNoValues { file: a }
            | KoladaEmpty { file: a }
            | KoladaBadRecord { file: a, .. }
            | KoladaRowMissing { missing: a }
            | KoladaRowGender { gender: a }
            | KoladaRowYear { text: a }
            | KoladaBadValue { text: a, .. }
            | UnknownKpiTitle { text: a }
            | UnknownArea { text: a }
            | UnknownAreaWithoutGroups { text: a }
            | AmbiguousKpiTitle { text: a, .. }
            | AmbiguousArea { text: a, .. }
            | QualityIncomplete { missing: a }
            | QualityUnknownInsats { text: a }
            | QualityNotANumber { text: a } => vec![a],
            UnknownKpi { kpi: a, file: b } | KoladaMorePages { file: a, url: b } => vec![a, b],
            KoladaValueTwice { files: [a, b], .. } => vec![a, b],
            DuplicateFile { file: a, first: b, .. }
            | OverlappingFiles { file: a, other: b, .. }
            | UnknownFileKind { file: a, headers: b }
            | UnitDoesNotFit { header: a, label: b, .. }
            | ExcelExponent { label: a, text: b }
            | DecimalPoint { header: a, text: b }
            | AmbiguousNumber { header: a, text: b } => vec![a, b],
            ImplausibleValue { value, column, max } => vec![value, column, max],
            ConflictingClient { client, what, here, earlier } => vec![client, what, here, earlier],
            MoreSheets { file, others, sheet } => std::iter::once(file).chain(others).chain([sheet]).collect(),
            MissingColumn { file, missing, .. } => std::iter::once(file).chain(missing).collect(),
            _ => Vec::new(),
        }
    }
}

impl RecordProblem {
    /// What is wrong, after "post N".
    fn text(&self) -> String {
        match self {
            RecordProblem::NoKpi => "saknar nyckeltal (kpi).".into(),
            RecordProblem::NoUnit { kpi } => format!("({kpi}) saknar enhet (ou)."),
            RecordProblem::NoArea { kpi } => format!("({kpi}) saknar kommun."),
            RecordProblem::NoYear { kpi, place } => format!("({kpi}, {place}) saknar ett giltigt år."),
            RecordProblem::UnknownGender { kpi, place, year, gender } => {
                format!("({kpi}, {place}, {year}) har okänt kön \"{gender}\".")
            }
            RecordProblem::NotANumber { kpi, place, year } => {
                format!("({kpi}, {place}, {year}) har ett värde som inte är ett tal.")
            }
            RecordProblem::TooLarge { kpi, place, year } => {
                format!("({kpi}, {place}, {year}) har ett orimligt stort värde.")
            }
        }
    }
}

/// "mappning" or "kontotypsmappning", for a mapping of `kind`.
fn mapping_name(kind: FileKind) -> &'static str {
    if kind == FileKind::Konton { "kontotypsmappning" } else { "mappning" }
}

/// The year hints as the user reads them.
fn listed(hints: &[YearHint]) -> String {
    hints.iter().map(YearHint::describe).collect::<Vec<_>>().join("; ")
}

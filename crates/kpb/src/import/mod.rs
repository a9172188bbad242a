//! Files in, typed rows out: decoding, delimiters, header rows, column matching, and the typed
//! reading of each kind of file. Every row either becomes a typed row or a finding.

mod cells;
pub mod decode;
pub mod number;
pub mod schema;
pub mod sheet;
#[cfg(feature = "xlsx")]
mod xlsx;

#[cfg(feature = "xlsx")]
pub use xlsx::sheets as read_workbook;

use crate::date::{Date, Period};
use crate::finding::{Finding, FindingKind, Findings, Position};
use crate::mapping::{EnhetInfo, KontoMap, KontoRule, KontoTyp, Level, OrgMap, OrgRule, Pattern, Target};
use crate::model::{Boendeform, Insats, Kon, Regi, VolumeKind, VolumeUnit, normalise};
use crate::pseudonym::Pseudonymizer;
use cells::{Cells, Marks, clip};
use decode::Content;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use schema::{Columns, FileKind, Scale, Unit};
use serde::{Deserialize, Serialize};
use sheet::{Item, Row, Sheet, WorkbookReader};
use std::collections::BTreeMap;

/// A file as the user gave it.
#[derive(Clone, Debug)]
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The largest amount one ledger row (or one paid amount) may hold, in kronor: more than any
/// municipality's whole elderly and disability care. A larger number is an OCR or reference
/// number in the wrong column, and would only risk overflowing the exact arithmetic.
const MAX_AMOUNT: i64 = 10_000_000_000;
/// The most local insats names listed for mapping (the most common first).
const MAX_UNKNOWN_INSATSER: usize = 100;
/// The most places one boende can have.
const MAX_PLACES: i64 = 10_000;
/// The most inhabitants in one age group.
const MAX_POPULATION: i64 = 20_000_000;

/// The value in [`ImportSettings::insats_map`] that says a local insats is outside KPB.
pub const EXCLUDED_INSATS: &str = "EXKLUDERA";

/// The user's choices that shape reading (the app saves these; never data).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportSettings {
    /// The session's pseudonym key.
    pub pseudonym_key: Vec<u8>,
    /// The year used to place six-digit personnummer in a century (the data year, or this year).
    pub reference_year: i32,
    /// Local insats name (normalised) → catalogue code, or [`EXCLUDED_INSATS`].
    pub insats_map: BTreeMap<String, String>,
    /// Per kind of file, the header chosen for a column (field key → header as written).
    pub columns: BTreeMap<FileKind, BTreeMap<String, String>>,
    /// Per file name, the kind the user says the file is.
    pub kinds: BTreeMap<String, FileKind>,
    /// Mappings edited in the app and saved (CSV text per kind: Mappning, Konton). A saved one
    /// is used when no file of its kind is read, or when the file read is the one it was edited
    /// from (`saved_from`); any other file of the kind wins over it.
    pub saved: BTreeMap<FileKind, String>,
    /// Per kind, the [`FileReport::digest`] of the file a saved mapping was edited from.
    #[serde(default)]
    pub saved_from: BTreeMap<FileKind, String>,
}

/// The name a saved mapping is read under.
pub fn saved_file_name(kind: FileKind) -> String {
    match kind {
        FileKind::Konton => "kontotyper (sparade i webbläsaren).csv".to_owned(),
        _ => "mappning (sparad i webbläsaren).csv".to_owned(),
    }
}

/// What became of one file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub name: String,
    pub size: usize,
    pub kind: Option<FileKind>,
    pub status: FileStatus,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub sheet: Option<String>,
    pub header_line: u32,
    pub headers: Vec<String>,
    /// A content hash of a mapping or konton file (to tie a mapping saved in the app to the
    /// file it was edited from).
    pub digest: Option<String>,
    /// For each field of the kind: (key, label, the header used or `None`).
    pub columns: Vec<(String, String, Option<String>)>,
    /// The first rows after the header, as text.
    pub preview: Vec<Vec<String>>,
    /// Physical lines in the file (rows in a worksheet), up to the last with content.
    pub lines: u32,
    /// Blank lines after the header.
    pub blank: u32,
    /// Lines that continue a row above (a quoted line break).
    pub continued: u32,
    /// Data rows read after the header (not counting blank lines). Every physical line is the
    /// header or above it (`header_line`), blank, a row or part of one: `lines = header_line +
    /// blank + rows + continued`.
    pub rows: u32,
    /// Data rows turned into typed rows; the others each have a finding.
    pub rows_used: u32,
    /// Data rows with at least one finding (used or not).
    pub rows_flagged: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileStatus {
    /// Read; its rows are in the data set.
    Read,
    /// The kind or required columns could not be recognised: the user must map columns.
    NeedsMapping,
    /// Not readable at all (binary, empty, broken workbook …).
    Unreadable,
    /// A mapping file not used because a mapping saved in the app replaces it (or a saved
    /// mapping not used because a file of the kind was read).
    Replaced,
    /// The same content as a file before it (the same bytes, or the same rows in another
    /// format): not read, so that nothing counts twice.
    Duplicate,
}

/// One ledger row, typed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub file: u16,
    pub line: u32,
    pub ansvar: String,
    pub verksamhet: String,
    pub konto: String,
    pub belopp: Decimal,
    /// The row's period (year or month), when the file has a period column.
    pub period: Option<Period>,
    pub insats: Option<Insats>,
    pub client: Option<u32>,
}

/// When a volume row applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Span {
    /// No period given: the year being computed.
    Unspecified,
    Period(Period),
    /// A stay from–to (both days counted); an open end runs to the end of the year.
    Stay {
        from: Date,
        to: Option<Date>,
    },
}

/// One volume row, typed. A file row with both granted and performed volume gives two.
///
/// A volume file of a year often has a million rows, so a row is kept small (52 bytes, where
/// `Option<Decimal>` and [`Span`] as fields would make it 68): its volume and its span are
/// stored packed and read with [`VolumeRow::volume`] and [`VolumeRow::span`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolumeRow {
    pub file: u16,
    pub line: u32,
    pub client: u32,
    pub insats: Insats,
    /// Index into [`Dataset::enhet_codes`].
    pub enhet: u32,
    pub regi: Option<Regi>,
    pub boendeform: Option<Boendeform>,
    pub kind: VolumeKind,
    /// The volume; zero, and `has_volume` false, when it is counted from the stay's dates.
    volume: Decimal,
    has_volume: bool,
    /// The span, packed: see [`VolumeRow::span`].
    span_kind: u8,
    span_a: u32,
    span_b: u32,
    /// What was paid for this volume (annan regi): its place in [`Dataset::paid`], or
    /// [`NOT_PAID`]. (Few rows have one: beside the row it would take 20 bytes of every row.)
    pub paid: u32,
    /// Column of the volume, for findings.
    pub volume_column: u32,
}

// The packed spans' kinds (`VolumeRow::span_kind`).
const UNSPECIFIED: u8 = 0;
const PERIOD: u8 = 1;
const STAY_TO: u8 = 2;
const STAY_OPEN: u8 = 3;

/// A date of a stay in 32 bits: the year above the month (4 bits) and the day (5 bits). Every
/// date the import reads is in 1900–2200 ([`Date::new`]), far within the 23 bits left.
fn pack_date(d: Date) -> u32 {
    ((d.year as u32) << 9) | (u32::from(d.month) << 5) | u32::from(d.day)
}

fn unpack_date(v: u32) -> Date {
    Date { year: (v as i32) >> 9, month: ((v >> 5) & 0xf) as u8, day: (v & 0x1f) as u8 }
}

impl VolumeRow {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        (file, line): (u16, u32),
        client: u32,
        insats: Insats,
        enhet: u32,
        regi: Option<Regi>,
        boendeform: Option<Boendeform>,
        kind: VolumeKind,
        volume: Option<Decimal>,
        span: Span,
        paid: u32,
        volume_column: u32,
    ) -> VolumeRow {
        let (span_kind, span_a, span_b) = match span {
            Span::Unspecified => (UNSPECIFIED, 0, 0),
            Span::Period(p) => (PERIOD, p.year as u32, p.month.map_or(u32::MAX, u32::from)),
            Span::Stay { from, to: Some(to) } => (STAY_TO, pack_date(from), pack_date(to)),
            Span::Stay { from, to: None } => (STAY_OPEN, pack_date(from), 0),
        };
        debug_assert!(match span {
            Span::Stay { from, to } => [Some(from), to].into_iter().flatten().all(|d| unpack_date(pack_date(d)) == d),
            _ => true,
        });
        let mut row = VolumeRow {
            file,
            line,
            client,
            insats,
            enhet,
            regi,
            boendeform,
            kind,
            volume: Decimal::ZERO,
            has_volume: false,
            span_kind,
            span_a,
            span_b,
            paid,
            volume_column,
        };
        row.set_volume(volume);
        row
    }

    /// `None` when the volume is to be counted from the stay's dates.
    pub fn volume(&self) -> Option<Decimal> {
        self.has_volume.then_some(self.volume)
    }

    pub fn set_volume(&mut self, volume: Option<Decimal>) {
        self.has_volume = volume.is_some();
        self.volume = volume.unwrap_or_default();
    }

    /// When the row applies.
    pub fn span(&self) -> Span {
        match self.span_kind {
            PERIOD => Span::Period(Period {
                year: self.span_a as i32,
                month: (self.span_b != u32::MAX).then_some(self.span_b as u8),
            }),
            STAY_TO => Span::Stay { from: unpack_date(self.span_a), to: Some(unpack_date(self.span_b)) },
            STAY_OPEN => Span::Stay { from: unpack_date(self.span_a), to: None },
            _ => Span::Unspecified,
        }
    }
}

/// [`VolumeRow::paid`] of a row without a paid amount.
pub const NOT_PAID: u32 = u32::MAX;

/// What is known of a client across all files.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClientInfo {
    /// Pseudonym, or the file's own id when it was no personnummer.
    pub id: String,
    pub birth_year: Option<i32>,
    /// Birthday (month, day), known from a personnummer only: for the age on a given day.
    #[serde(default)]
    pub birthday: Option<(u8, u8)>,
    /// Age as given in the file (when there is no birth year).
    pub age: Option<u32>,
    pub kon: Option<Kon>,
}

/// The columns of a volume file that hold a volume of a known kind (besides `volym`, whose kind
/// the `volymtyp` column says): each gives a [`VolumeRow`] of its own.
const VOLUME_COLUMNS: [(&str, VolumeKind); 4] = [
    ("beviljad", VolumeKind::Beviljad),
    ("utford", VolumeKind::Utford),
    ("beviljad_min", VolumeKind::Beviljad),
    ("utford_min", VolumeKind::Utford),
];

/// Places per enhet (for kr/plats and beläggning).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaceRow {
    pub file: u16,
    pub line: u32,
    pub enhet: String,
    pub platser: Decimal,
}

/// Population by age (an age group `from..=to`; `to` None = and older).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PopulationRow {
    pub file: u16,
    pub line: u32,
    pub from: u32,
    pub to: Option<u32>,
    pub antal: Decimal,
}

/// A local insats name that matched nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnknownInsats {
    pub text: String,
    pub rows: u32,
    pub first: Position,
}

/// Something in the files that names the year they describe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearHint {
    pub year: i32,
    pub file: String,
    pub source: YearSource,
}

impl YearHint {
    /// Where the hint comes from, as the user reads it.
    pub fn describe(&self) -> String {
        match &self.source {
            YearSource::Rows(n) => {
                format!("{}: {} rader med perioder eller datum i {}", self.file, crate::format::count(*n), self.year)
            }
            YearSource::Title { line, text } => format!("{}: rubriken \"{text}\" på rad {line}", self.file),
            YearSource::FileName => format!("filnamnet {}", self.file),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum YearSource {
    /// This many volume rows have a period or a stay in the year.
    Rows(u32),
    /// A title line above the header names it.
    Title {
        line: u32,
        text: String,
    },
    FileName,
}

/// Everything read from the user's files.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Dataset {
    /// What the files say about their year.
    pub years: Vec<YearHint>,
    /// The year the files were read in (this year): KPB is computed on the year before unless
    /// the files say otherwise.
    pub reference_year: i32,
    pub files: Vec<FileReport>,
    pub ledger: Vec<LedgerRow>,
    pub volumes: Vec<VolumeRow>,
    /// The paid amounts of the volume rows that have one ([`VolumeRow::paid`]).
    pub paid: Vec<Decimal>,
    pub enhet_codes: Vec<String>,
    pub clients: Vec<ClientInfo>,
    pub org: OrgMap,
    pub konton: KontoMap,
    /// Whether any file gave an organisation mapping.
    pub has_org_map: bool,
    pub places: Vec<PlaceRow>,
    pub population: Vec<PopulationRow>,
    pub findings: Vec<Finding>,
    pub unknown_insatser: Vec<UnknownInsats>,
}

impl Dataset {
    /// What was paid for the volume of `row`, if the file says.
    pub fn paid(&self, row: &VolumeRow) -> Option<Decimal> {
        self.paid.get(row.paid as usize).copied()
    }

    pub fn file_name(&self, file: u16) -> &str {
        self.files.get(usize::from(file)).map_or("", |f| f.name.as_str())
    }

    pub fn pos(&self, file: u16, line: u32) -> Position {
        let sheet = self.files.get(usize::from(file)).and_then(|f| f.sheet.clone());
        Position { sheet, ..Position::line(self.file_name(file), line) }
    }
}

/// How far reading has come, for a progress bar.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    pub file: &'a str,
    /// Index of the file being read, from 0.
    pub index: usize,
    pub files: usize,
    /// Share of this file read, 0–1.
    pub fraction: f64,
}

impl Progress<'_> {
    /// Share of all files read, 0–1 (each file counting the same).
    pub fn overall(&self) -> f64 {
        (self.index as f64 + self.fraction) / self.files.max(1) as f64
    }
}

/// Reads every file into one data set, workbooks with the engine's own reader. Never panics and
/// never fails: what cannot be read is a finding and a [`FileStatus`].
#[cfg(feature = "xlsx")]
pub fn load(files: &[InputFile], settings: &ImportSettings) -> Dataset {
    load_with(files, settings, &read_workbook, &mut |_| {})
}

/// [`load`] with the workbooks read by `read_workbook`, reporting progress every few thousand
/// rows.
pub fn load_with(
    files: &[InputFile],
    settings: &ImportSettings,
    read_workbook: WorkbookReader,
    progress: &mut dyn FnMut(Progress),
) -> Dataset {
    let mut loader = Loader {
        ds: Dataset { reference_year: settings.reference_year, ..Dataset::default() },
        findings: Findings::default(),
        pseudo: Pseudonymizer::new(&settings.pseudonym_key, settings.reference_year.max(1900)),
        settings,
        read_workbook,
        client_index: FxHashMap::default(),
        raw_client: Memo::default(),
        enhet_index: FxHashMap::default(),
        raw_enhet: Memo::default(),
        regier: Memo::default(),
        koner: Memo::default(),
        insats_cache: Memo::default(),
        periods: Memo::default(),
        boendeformer: Memo::default(),
        unknown: BTreeMap::new(),
        konto_rules: Vec::new(),
        bad_checksums: 0,
        marks: Marks::default(),
        seen: BTreeMap::new(),
        fingerprints: Vec::new(),
        file_wins: BTreeMap::new(),
        first_total: None,
    };
    let saved: Vec<InputFile> = settings
        .saved
        .iter()
        .map(|(kind, text)| InputFile { name: saved_file_name(*kind), bytes: text.clone().into_bytes() })
        .collect();
    let all: Vec<&InputFile> = files.iter().chain(&saved).collect();
    for (i, file) in all.iter().enumerate() {
        // (The name as shown: masked, like everything else from the files.)
        let shown = loader.pseudo.mask(&file.name);
        let mut report = |fraction: f64| progress(Progress { file: &shown, index: i, files: all.len(), fraction });
        report(0.0);
        let index = u16::try_from(i).unwrap_or(u16::MAX);
        // The same bytes as a file chosen before (`kostnader (1).csv`).
        let earlier = if i < files.len() { &files[..i] } else { &[] };
        match earlier.iter().find(|f| !file.bytes.is_empty() && f.bytes == file.bytes) {
            Some(first) => {
                let (name, first) = (loader.pseudo.mask(&file.name), loader.pseudo.mask(&first.name));
                let mut report = FileReport::new(&name, file.bytes.len());
                report.kind = loader.ds.files.iter().find(|f| f.name == first).and_then(|f| f.kind);
                loader.duplicate(report, &first, false)
            }
            None => loader.file(index, file, &mut report),
        }
    }
    loader.finish()
}

struct Loader<'s> {
    ds: Dataset,
    findings: Findings,
    pseudo: Pseudonymizer,
    settings: &'s ImportSettings,
    read_workbook: WorkbookReader<'s>,
    /// Client id (pseudonym or the file's own) → index.
    client_index: FxHashMap<String, u32>,
    /// The id as written in the file → index, so that a repeated client costs one lookup. Holds
    /// personnummer as written until the loader is dropped at the end of `load`; nothing else does.
    raw_client: Memo<u32>,
    enhet_index: FxHashMap<String, u32>,
    /// Enheter as the files write them (unmasked), to their number: masking once per text.
    raw_enhet: Memo<u32>,
    regier: Memo<Option<Regi>>,
    koner: Memo<Option<Kon>>,
    insats_cache: Memo<Option<Insats>>,
    /// Period texts already parsed.
    periods: Memo<Option<Period>>,
    /// Boendeform texts already recognised.
    boendeformer: Memo<Option<Boendeform>>,
    unknown: BTreeMap<String, UnknownInsats>,
    konto_rules: Vec<KontoRule>,
    bad_checksums: u32,
    /// Decimal marks and two-way numbers of the file being read.
    marks: Marks,
    /// Per kind of file, the hash of every row read and the file it was first seen in, in the
    /// order of the hashes.
    seen: BTreeMap<FileKind, Vec<(u64, u16)>>,
    /// Per file read: its number, kind and typed rows (a range of the data set's rows of the
    /// kind), and their content hash (in any order) once a later file has asked for it.
    fingerprints: Vec<(u16, FileKind, std::ops::Range<usize>, Option<u64>)>,
    /// Kinds of mapping for which a file read wins over the mapping saved in the browser.
    file_wins: BTreeMap<FileKind, String>,
    /// The first subtotal row's text in the file being read (its findings name it).
    first_total: Option<String>,
}

impl Loader<'_> {
    /// A file with the same content as `first`, a file before it (or, with `subset`, only rows
    /// that file has): not read.
    fn duplicate(&mut self, mut report: FileReport, first: &str, subset: bool) {
        self.findings.remove_file(&report.name);
        let name = &report.name;
        self.findings.push(Finding::at(
            Position::file(name),
            FindingKind::DuplicateFile { file: name.clone(), first: first.to_owned(), subset },
        ));
        report.status = FileStatus::Duplicate;
        report.rows_used = 0;
        self.ds.files.push(report);
    }

    fn file(&mut self, index: u16, file: &InputFile, progress: &mut dyn FnMut(f64)) {
        // A file name can hold a personnummer too: the engine knows the file by its masked name.
        let name = self.pseudo.mask(&file.name);
        let mut report = FileReport::new(&name, file.bytes.len());
        let about_file =
            |findings: &mut Findings, kind: FindingKind| findings.push(Finding::at(Position::file(&name), kind));
        let sheets = match decode::decode(&file.bytes) {
            Content::Empty => {
                about_file(&mut self.findings, FindingKind::EmptyFile { file: name.clone() });
                self.ds.files.push(report);
                return;
            }
            Content::Binary => {
                about_file(&mut self.findings, FindingKind::BinaryFile { file: name.clone() });
                self.ds.files.push(report);
                return;
            }
            content @ (Content::Zip | Content::LegacyExcel) => match (self.read_workbook)(&name, &file.bytes) {
                Ok(sheets) => {
                    let format = match content {
                        Content::LegacyExcel => "Excel (.xls)",
                        _ if name.to_lowercase().ends_with(".ods") => "OpenDocument (.ods)",
                        _ => "Excel (.xlsx)",
                    };
                    report.encoding = Some(format.into());
                    sheets.into_iter().map(|w| Sheet::worksheet(&name, w)).collect()
                }
                Err(text) => {
                    about_file(&mut self.findings, FindingKind::BrokenWorkbook { text });
                    self.ds.files.push(report);
                    return;
                }
            },
            Content::Text { text, encoding } => {
                report.encoding = Some(encoding.name().into());
                if encoding == decode::Encoding::Utf8Repaired {
                    about_file(&mut self.findings, FindingKind::DoubleEncoded { file: name.clone() });
                }
                if encoding == decode::Encoding::Utf8AndWindows1252 {
                    for line in decode::windows_1252_lines(&file.bytes) {
                        let kind = FindingKind::MixedEncoding { file: name.clone() };
                        self.findings.push(Finding::at(Position::line(&name, line), kind));
                    }
                }
                vec![Sheet::csv(&name, text)]
            }
        };
        // A workbook: the first sheet whose headers fit a kind; any other such sheet is named in
        // a warning (it is not read: a budget sheet beside the outcome would count twice).
        let mut chosen = None;
        let mut others = Vec::new();
        for mut sheet in sheets {
            sheet.sheet = sheet.sheet.map(|n| self.pseudo.mask(&n));
            let (header_line, headers, fields) = find_header(&sheet);
            let kind = self.settings.kinds.get(&name).copied().or_else(|| {
                let manual_fit = FileKind::ALL
                    .into_iter()
                    .find(|k| self.settings.columns.get(k).is_some_and(|m| schema::fit(*k, &headers, m).0));
                manual_fit.or_else(|| schema::guess_kind(&headers)).or_else(|| schema::closest_kind(&headers))
            });
            match &chosen {
                Some((_, _, _, _, Some(_))) => {
                    if schema::guess_kind(&headers).is_some() {
                        others.extend(sheet.sheet.clone());
                    }
                }
                Some((_, _, _, _, None)) if kind.is_none() => {}
                _ => chosen = Some((sheet, header_line, headers, fields, kind)),
            }
        }
        let Some((sheet, header_line, headers, fields, kind)) = chosen else {
            about_file(&mut self.findings, FindingKind::NoSheets { file: name.clone() });
            self.ds.files.push(report);
            return;
        };
        if !others.is_empty() {
            self.findings.push(Finding::at(
                sheet.file_pos(),
                FindingKind::MoreSheets { file: name.clone(), others, sheet: sheet.sheet.clone().unwrap_or_default() },
            ));
        }
        self.year_hints(&name, &sheet, header_line, kind);
        report.sheet = sheet.sheet.clone();
        report.delimiter = sheet.delimiter().map(|d| match d {
            b'\t' => "tabb".to_owned(),
            d => (d as char).to_string(),
        });
        report.header_line = header_line;
        report.headers = headers.iter().map(|h| self.pseudo.mask(h)).collect();
        // The preview shows pseudonyms, never a personnummer.
        report.preview = sheet
            .head(6)
            .into_iter()
            .filter(|(line, _)| *line > header_line)
            .map(|(_, cells)| cells.iter().map(|c| self.pseudo.mask(c)).collect())
            .take(5)
            .collect();
        if headers.is_empty() {
            about_file(&mut self.findings, FindingKind::NoRows { file: name.clone() });
            self.ds.files.push(report);
            return;
        }
        let Some(kind) = kind else {
            report.status = FileStatus::NeedsMapping;
            self.findings.push(Finding::at(
                sheet.pos(header_line),
                FindingKind::UnknownFileKind { file: name.clone(), headers: clip(&headers.join(", ")) },
            ));
            self.ds.files.push(report);
            return;
        };
        report.kind = Some(kind);
        if matches!(kind, FileKind::Mappning | FileKind::Konton) {
            report.digest = Some(digest(&file.bytes));
        }
        if let Some(replaced) = self.saved_or_file(kind, &name, report.digest.as_deref()) {
            report.status = FileStatus::Replaced;
            report.headers = headers;
            self.findings.push(Finding::at(sheet.file_pos(), replaced));
            self.ds.files.push(report);
            return;
        }
        let empty = BTreeMap::new();
        let manual = self.settings.columns.get(&kind).unwrap_or(&empty);
        let mut cols = schema::resolve(kind, &headers, manual);
        self.units(kind, &sheet, header_line, &headers, &mut cols);
        report.columns = kind
            .fields()
            .iter()
            .map(|f| (f.key.to_owned(), f.label.to_owned(), cols.get(f.key).map(|i| headers[i].clone())))
            .collect();
        let missing = cols.missing(kind);
        if !missing.is_empty() {
            report.status = FileStatus::NeedsMapping;
            self.findings.push(Finding::at(
                sheet.pos(header_line),
                FindingKind::MissingColumn {
                    file: name.clone(),
                    kind,
                    missing: missing.into_iter().map(str::to_owned).collect(),
                },
            ));
            self.ds.files.push(report);
            return;
        }
        report.status = FileStatus::Read;
        let before = self.lengths();
        let counts = self.rows(index, kind, &sheet, (header_line, fields), &headers, &cols, progress);
        report.lines = counts.lines;
        report.blank = counts.blank;
        report.continued = counts.continued;
        report.rows = counts.rows;
        report.rows_used = counts.used;
        report.rows_flagged = counts.flagged;
        let same = match counts.overlap {
            Some((n, first, _)) if n == counts.rows => {
                Some((first, self.ds.files.get(usize::from(first)).is_some_and(|f| f.rows != n)))
            }
            _ => self.same_rows(index, kind, before).map(|first| (first, false)),
        };
        if let Some((first, subset)) = same {
            self.truncate(before);
            // Its rows are the first file's: later files are compared with that one.
            if let Some(seen) = self.seen.get_mut(&kind) {
                seen.retain(|&(_, f)| f != index);
            }
            let first = self.ds.file_name(first).to_owned();
            self.duplicate(report, &first, subset);
            return;
        }
        if let Some((n, first, line)) = counts.overlap {
            self.findings.push(Finding::at(
                sheet.pos(line),
                FindingKind::OverlappingFiles {
                    rows: n,
                    of: counts.rows,
                    file: name.clone(),
                    other: self.ds.file_name(first).to_owned(),
                },
            ));
        }
        if counts.rows == 0 {
            self.findings.push(Finding::at(sheet.pos(header_line), FindingKind::HeaderOnly { file: name.clone() }));
        }
        self.ds.files.push(report);
    }

    /// Whether a mapping (or konton) file, or the mapping saved in the browser, gives way to the
    /// other: the saved one is used unless a file of its kind is read that it was not edited
    /// from. Returns why the file `name` is not used, if it is not.
    fn saved_or_file(&mut self, kind: FileKind, name: &str, digest: Option<&str>) -> Option<FindingKind> {
        let saved_name = saved_file_name(kind);
        if !self.settings.saved.contains_key(&kind) {
            return None;
        }
        if name == saved_name {
            return self.file_wins.get(&kind).map(|file| FindingKind::SavedMappingNotUsed { kind, file: file.clone() });
        }
        if self.settings.saved_from.get(&kind).map(String::as_str) == digest {
            return Some(FindingKind::FileReplacedBySaved { kind, file: name.to_owned() });
        }
        self.file_wins.insert(kind, name.to_owned());
        None
    }

    /// The years named in the title lines above the header and in the file name. (Volume
    /// rows' periods are counted at the end.)
    fn year_hints(&mut self, name: &str, sheet: &Sheet, header_line: u32, kind: Option<FileKind>) {
        if !matches!(kind, Some(FileKind::Kostnader | FileKind::Brukare)) {
            return;
        }
        for (line, cells) in sheet.head(10).into_iter().filter(|(line, _)| *line < header_line) {
            let words: Vec<&str> = cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
            let text = clip(&self.pseudo.mask(&words.join(" ")));
            for year in crate::compute::year::years_in_title(&text) {
                let source = YearSource::Title { line, text: text.clone() };
                self.ds.years.push(YearHint { year, file: name.to_owned(), source });
            }
        }
        if let Some(year) = crate::compute::year::year_in_name(name) {
            self.ds.years.push(YearHint { year, file: name.to_owned(), source: YearSource::FileName });
        }
    }

    fn lengths(&self) -> Lengths {
        Lengths {
            ledger: self.ds.ledger.len(),
            volumes: self.ds.volumes.len(),
            paid: self.ds.paid.len(),
            places: self.ds.places.len(),
            population: self.ds.population.len(),
        }
    }

    /// Drops the typed rows read since `before`.
    fn truncate(&mut self, before: Lengths) {
        self.ds.ledger.truncate(before.ledger);
        self.ds.volumes.truncate(before.volumes);
        self.ds.paid.truncate(before.paid);
        self.ds.places.truncate(before.places);
        self.ds.population.truncate(before.population);
    }

    /// An earlier file of the kind whose typed rows are the same as those read since `before`,
    /// in any order: the same data in another format (`.xlsx` and `.csv`). The rows are hashed
    /// only when an earlier file of the kind has as many (most sets of files have one of each
    /// kind, and hashing a million rows is not free).
    fn same_rows(&mut self, file: u16, kind: FileKind, before: Lengths) -> Option<u16> {
        let (from, to) = match kind {
            FileKind::Kostnader => (before.ledger, self.ds.ledger.len()),
            FileKind::Brukare => (before.volumes, self.ds.volumes.len()),
            FileKind::Platser => (before.places, self.ds.places.len()),
            FileKind::Befolkning => (before.population, self.ds.population.len()),
            FileKind::Mappning | FileKind::Konton => return None,
        };
        let mut mine = None;
        let mut same = None;
        for (earlier, of, rows, hash) in &mut self.fingerprints {
            if *of != kind || rows.len() != to - from || from == to {
                continue;
            }
            let theirs = *hash.get_or_insert_with(|| rows_hash(&self.ds, kind, rows.clone()));
            if theirs == *mine.get_or_insert_with(|| rows_hash(&self.ds, kind, from..to)) {
                same = Some(*earlier);
                break;
            }
        }
        if same.is_none() {
            self.fingerprints.push((file, kind, from..to, mine));
        }
        same
    }

    /// Honours a unit named in the header of an amount or a volume column (`Belopp (öre)`,
    /// `Belopp tkr`, `Tid (min)`), or refuses the column when the unit does not fit it.
    fn units(&mut self, kind: FileKind, sheet: &Sheet, header_line: u32, headers: &[String], cols: &mut Columns) {
        let keys: &[(&'static str, bool)] = match kind {
            FileKind::Kostnader => &[("belopp", true), ("debet", true), ("kredit", true)],
            FileKind::Brukare => &[
                ("belopp", true),
                ("volym", false),
                ("beviljad", false),
                ("utford", false),
                ("beviljad_min", false),
                ("utford_min", false),
            ],
            _ => &[],
        };
        for &(key, money) in keys {
            let Some(i) = cols.get(key) else { continue };
            let header = &headers[i];
            let unit = if key.ends_with("_min") { Some(Unit::Minuter) } else { schema::header_unit(header) };
            let pos = sheet.pos(header_line).with_column(i as u32 + 1, header);
            match Scale::of(unit, money) {
                Some(scale) => {
                    cols.set_scale(key, scale);
                    if let Some(unit) = unit {
                        cols.set_unit(key, unit);
                        if scale != Scale::ONE && !key.ends_with("_min") {
                            self.findings.push(Finding::at(
                                pos,
                                FindingKind::UnitInHeader { header: header.clone(), unit, money },
                            ));
                        }
                    }
                }
                None => {
                    cols.remove(key);
                    let label = kind.field(key).map_or(key, |f| f.label);
                    self.findings.push(Finding::at(
                        pos,
                        FindingKind::UnitDoesNotFit { header: header.clone(), unit, label: label.to_owned(), money },
                    ));
                }
            }
        }
    }

    /// Reads the data rows of a recognised file: each becomes a typed row or gets a finding.
    #[allow(clippy::too_many_arguments)]
    fn rows(
        &mut self,
        file: u16,
        kind: FileKind,
        sheet: &Sheet,
        (header_line, header_fields): (u32, usize),
        headers: &[String],
        cols: &Columns,
        progress: &mut dyn FnMut(f64),
    ) -> Counts {
        let mut n = Counts::default();
        self.first_total = None;
        let lines_estimate = sheet.line_count();
        // Each row's content hash, line and enhet (numbered: `enheter`), for the duplicates at
        // the end of the file; and the lines of the rows with a finding.
        let mut hashes: Vec<(u64, u32, u32)> = Vec::with_capacity(lines_estimate);
        let (mut enheter, mut enhet_ids): (Vec<String>, Memo<u32>) = Default::default();
        let mut flagged_lines = Vec::new();
        let since = self.findings.len();
        // The work list per enhet: the row's enhet (or ansvar) on what it gave rise to.
        let enhet_key = match kind {
            FileKind::Kostnader | FileKind::Mappning => "ansvar",
            FileKind::Brukare | FileKind::Platser => "enhet",
            FileKind::Konton | FileKind::Befolkning => "",
        };
        if kind == FileKind::Brukare {
            // A volume row for each volume a line gives (beviljad and utförd: two), so that the
            // rows are not moved to a larger vector while this file is read. At most two a
            // line: a file with columns in hours and in minutes fills one or the other.
            let per_line =
                VOLUME_COLUMNS.iter().filter(|(key, _)| cols.has(key)).count() + usize::from(cols.has("volym"));
            self.ds.volumes.reserve(lines_estimate * per_line.clamp(1, 2));
        }
        let width = headers.len();
        let lines = lines_estimate.max(1) as f64;
        let mut last_short = None;
        n.lines = sheet.read(Some(width), |item| {
            let (line, spans, row, stray_quote) = match item {
                Item::Row { line, lines, row, stray_quote } => (line, lines, row, stray_quote),
                Item::Blank { line } => {
                    n.blank += u32::from(line > header_line);
                    return true;
                }
                Item::TooLong { line, bytes } => {
                    if line > header_line {
                        n.rows += 1;
                        n.flagged += 1;
                        self.findings
                            .push(Finding::at(sheet.pos(line), FindingKind::LineTooLong { bytes: bytes as u64 }));
                    }
                    return true;
                }
            };
            if line <= header_line {
                // A header with a quoted line break spans lines too.
                n.continued += if line == header_line { spans - 1 } else { 0 };
                return true;
            }
            n.rows += 1;
            n.continued += spans - 1;
            if n.rows % 16_384 == 0 {
                progress((f64::from(n.rows) / lines).min(1.0));
            }
            let pushed = self.findings.pushed();
            let mark = self.findings.len();
            let cells = Cells { row: &row, cols, headers, sheet, line };
            if let Some(column) = stray_quote {
                let header = headers.get(column as usize - 1).map_or("", String::as_str);
                self.findings.push(Finding::at(sheet.pos(line).with_column(column, header), FindingKind::StrayQuote));
            }
            last_short = (row.len() < width).then_some(line);
            let structural = self.structure(&row, (headers, header_fields), sheet, line);
            let ok = if let Some(skip) = structural {
                skip
            } else {
                if row.len() < width {
                    self.findings
                        .push(Finding::at(sheet.pos(line), FindingKind::ShortRow { fields: row.len(), width }));
                }
                // Duplicate rows (the same content twice in one file, or in an earlier file) are
                // found at the end of the file.
                let enhet = enhet_ids.read(cells.text(enhet_key), |text| {
                    enheter.push(text.to_owned());
                    enheter.len() as u32 - 1
                });
                hashes.push((row_hash(&row), line, enhet));
                match kind {
                    FileKind::Kostnader => self.ledger_row(file, &cells),
                    FileKind::Brukare => self.volume_row(file, &cells),
                    FileKind::Mappning => self.org_row(&cells),
                    FileKind::Konton => self.konto_row(&cells),
                    FileKind::Platser => self.place_row(file, &cells),
                    FileKind::Befolkning => self.population_row(file, &cells),
                }
            };
            n.used += u32::from(ok.is_ok());
            if self.findings.pushed() > pushed {
                n.flagged += 1;
                flagged_lines.push(line);
            }
            let enhet = cells.text(enhet_key);
            if !enhet.is_empty() && structural.is_none() && self.findings.len() > mark {
                self.findings.set_enhet_since(mark, &self.pseudo.mask(enhet));
            }
            true
        });
        let repeated = self.duplicates(file, kind, hashes, &mut n);
        if let Some(&(line, enhet)) = repeated.first() {
            // One finding for them all, on the first, with its enhet.
            let enhet = &enheter[enhet as usize];
            let mut finding = Finding::at(sheet.pos(line), FindingKind::DuplicateRow);
            finding.enhet = (!enhet.is_empty()).then(|| self.pseudo.mask(enhet));
            self.findings.push_in_line_order(since, finding);
            for &(line, _) in &repeated[1..] {
                self.findings.push(Finding::at(sheet.pos(line), FindingKind::DuplicateRow));
            }
            n.flagged += repeated.iter().filter(|(line, _)| flagged_lines.binary_search(line).is_err()).count() as u32;
        }
        if let (Some(line), Some(false)) = (last_short, sheet.ends_with_newline()) {
            self.findings.push(Finding::at(sheet.pos(line), FindingKind::TruncatedFile { file: sheet.file.clone() }));
        }
        let changes = self.marks.settle(headers, &mut self.findings);
        self.read_internationally(file, kind, cols, &changes);
        progress(1.0);
        n
    }

    /// Rows read before: those of the file `file` whose content an earlier file of the kind
    /// has (counted in `n.overlap`, with the first of them and that file), and the lines of
    /// those that repeat a row above them in this file (returned with their enhet, in order).
    /// `hashes`: every row's content hash, line and enhet. (Sorting them here costs less than
    /// looking each row up in a table of all rows as it is read: a cache miss a row.)
    fn duplicates(
        &mut self,
        file: u16,
        kind: FileKind,
        mut hashes: Vec<(u64, u32, u32)>,
        n: &mut Counts,
    ) -> Vec<(u32, u32)> {
        // By hash; the few rows of one hash by line below.
        hashes.sort_unstable_by_key(|&(hash, _, _)| hash);
        let earlier = self.seen.remove(&kind).unwrap_or_default();
        let mut seen = Vec::with_capacity(earlier.len() + hashes.len());
        let mut earlier = earlier.into_iter().peekable();
        let mut repeated = Vec::new();
        for same in hashes.chunk_by_mut(|a, b| a.0 == b.0) {
            same.sort_unstable_by_key(|&(_, line, _)| line);
            let (hash, first, _) = same[0];
            while let Some(e) = earlier.next_if(|e| e.0 < hash) {
                seen.push(e);
            }
            match earlier.peek() {
                Some(&(h, other)) if h == hash => {
                    let overlap = n.overlap.get_or_insert((0, other, first));
                    overlap.0 += same.len() as u32;
                    if first < overlap.2 {
                        (overlap.1, overlap.2) = (other, first);
                    }
                }
                _ => {
                    seen.push((hash, file));
                    repeated.extend(same[1..].iter().map(|&(_, line, enhet)| (line, enhet)));
                }
            }
        }
        seen.extend(earlier);
        self.seen.insert(kind, seen);
        repeated.sort_unstable();
        repeated
    }

    /// A row that is not data: the header repeated, a subtotal, more fields than the header
    /// (`header_fields`: the header's fields, trailing empty ones too). `Some(Err)` (with a
    /// finding) when the row is not to be read. (Checked on every row: without allocating.)
    fn structure(
        &mut self,
        row: &Row,
        (headers, header_fields): (&[String], usize),
        sheet: &Sheet,
        line: u32,
    ) -> Option<Result<(), ()>> {
        let width = headers.len();
        if row.width() <= width && headers.iter().enumerate().all(|(i, h)| row.get(i).eq_ignore_ascii_case(h.trim())) {
            self.findings.push(Finding::at(sheet.pos(line), FindingKind::RepeatedHeader));
            return Some(Err(()));
        }
        // A subtotal: "Summa", "Totalt" … first on the row, or "Summa …" in any cell
        // ("41010;511;5;Summa personalkostnader;…"). ("Total …" later on the row is ordinary
        // text: "Total renovering".)
        let first = (0..row.len()).map(|i| row.get(i)).find(|c| !c.is_empty()).filter(|c| is_total(c));
        let later = || (0..row.len()).map(|i| row.get(i)).find(|c| is_sum(c));
        if let Some(total) = first.or_else(later) {
            let example = self.first_total.get_or_insert_with(|| clip(&self.pseudo.mask(total))).clone();
            self.findings.push(Finding::at(sheet.pos(line), FindingKind::TotalRow { example }));
            return Some(Err(()));
        }
        // More fields than the header. In a comma-separated file also a trailing empty one
        // more than the header has: a decimal comma without quotes splits a number in two.
        let comma = sheet.delimiter() == Some(b',');
        if row.width() > width || (comma && row.len() > header_fields.max(width)) {
            self.findings.push(Finding::at(
                sheet.pos(line).with_column(width as u32 + 1, ""),
                FindingKind::LongRow { fields: row.len().max(row.width()), width, comma },
            ));
            return Some(Err(()));
        }
        None
    }

    /// Reads again, the international way (point as decimal mark), the cells of this file that
    /// read two ways where their column showed decimal points: `(line, column, as read, value)`.
    fn read_internationally(
        &mut self,
        file: u16,
        kind: FileKind,
        cols: &Columns,
        changes: &[(u32, usize, Decimal, Decimal)],
    ) {
        fn at<T>(rows: &mut [T], of: impl Fn(&T) -> (u16, u32), file: u16, line: u32) -> &mut [T] {
            let start = rows.partition_point(|r| of(r) < (file, line));
            let end = rows.partition_point(|r| of(r) <= (file, line));
            &mut rows[start..end]
        }
        for &(line, column, read, value) in changes {
            let is = |key: &str| cols.get(key) == Some(column);
            match kind {
                FileKind::Kostnader if is("belopp") => {
                    for r in at(&mut self.ds.ledger, |r| (r.file, r.line), file, line) {
                        r.belopp = value;
                    }
                }
                // belopp = debet − kredit: the difference the other reading makes.
                FileKind::Kostnader if is("debet") || is("kredit") => {
                    let change = if is("debet") { value - read } else { read - value };
                    for r in at(&mut self.ds.ledger, |r| (r.file, r.line), file, line) {
                        r.belopp += change;
                    }
                }
                FileKind::Brukare => {
                    for r in at(&mut self.ds.volumes, |r| (r.file, r.line), file, line) {
                        if r.volume_column as usize == column + 1 {
                            r.set_volume(Some(value));
                        } else if is("belopp") && r.paid != NOT_PAID {
                            self.ds.paid[r.paid as usize] = value;
                        }
                    }
                }
                FileKind::Platser if is("platser") => {
                    for r in at(&mut self.ds.places, |r| (r.file, r.line), file, line) {
                        r.platser = value;
                    }
                }
                FileKind::Befolkning if is("antal") => {
                    for r in at(&mut self.ds.population, |r| (r.file, r.line), file, line) {
                        r.antal = value;
                    }
                }
                _ => {}
            }
        }
    }

    fn client(&mut self, raw: &str, cells: &Cells, key: &str) -> u32 {
        if let Some(idx) = self.raw_client.get(raw) {
            return idx;
        }
        let ck = self.pseudo.client(raw);
        if ck.bad_checksum {
            self.bad_checksums += 1;
            if self.bad_checksums == 1 {
                self.findings.push(Finding::at(cells.pos(key), FindingKind::BadChecksum));
            }
        }
        let next = self.ds.clients.len() as u32;
        let idx = *self.client_index.entry(ck.id.clone()).or_insert(next);
        if idx == next {
            self.ds.clients.push(ClientInfo { id: ck.id, ..ClientInfo::default() });
        }
        if let Some(facts) = ck.facts {
            let info = &mut self.ds.clients[idx as usize];
            info.birth_year.get_or_insert(facts.birth_year);
            info.kon.get_or_insert(facts.kon);
            if info.birthday.is_none() {
                info.birthday = ck.birthday;
            }
        }
        self.raw_client.insert(raw, idx);
        idx
    }

    fn insats(&mut self, text: &str) -> Option<Insats> {
        let map = &self.settings.insats_map;
        self.insats_cache.read(text, |text| {
            let key = normalise(text);
            map.get(&key).and_then(|code| Insats::recognise(code)).or_else(|| Insats::recognise(&key))
        })
    }

    /// Whether the user has said this local insats name is outside KPB.
    fn excluded_insats(&self, text: &str) -> bool {
        self.settings.insats_map.get(&normalise(text)).is_some_and(|code| code == EXCLUDED_INSATS)
    }

    fn unknown_insats(&mut self, text: &str, cells: &Cells) {
        let entry = self.unknown.entry(normalise(text)).or_insert_with(|| UnknownInsats {
            text: text.to_owned(),
            rows: 0,
            first: cells.pos("insats"),
        });
        entry.rows += 1;
        self.findings.push(Finding::at(cells.pos("insats"), FindingKind::UnknownInsats { text: clip(text) }));
    }

    fn ledger_row(&mut self, file: u16, c: &Cells) -> Result<(), ()> {
        c.required_code("ansvar", "Ansvar", &mut self.findings)?;
        c.required_code("konto", "Konto", &mut self.findings)?;
        // Codes are kept masked: a personnummer in any column never passes the import.
        let ansvar = self.pseudo.mask(c.id("ansvar", "Ansvar", &mut self.findings)?);
        let konto = self.pseudo.mask(c.id("konto", "Konto", &mut self.findings)?);
        let verksamhet = self.pseudo.mask(c.id("verksamhet", "Verksamhet", &mut self.findings)?);
        let belopp = if c.cols.has("belopp") {
            let Some(belopp) = c.number("belopp", &mut self.findings, &mut self.marks)? else {
                c.required("belopp", "Belopp", &mut self.findings)?;
                return Err(());
            };
            c.bounded("belopp", belopp, Decimal::from(MAX_AMOUNT), "10 miljarder kr", &mut self.findings)?
        } else {
            // Debet and kredit: the amount is their difference.
            let debet = c.number("debet", &mut self.findings, &mut self.marks)?;
            let kredit = c.number("kredit", &mut self.findings, &mut self.marks)?;
            if debet.is_none() && kredit.is_none() {
                c.required("debet", "Debet eller kredit", &mut self.findings)?;
            }
            let max = Decimal::from(MAX_AMOUNT);
            let debet = c.bounded("debet", debet.unwrap_or_default(), max, "10 miljarder kr", &mut self.findings)?;
            let kredit = c.bounded("kredit", kredit.unwrap_or_default(), max, "10 miljarder kr", &mut self.findings)?;
            debet - kredit
        };
        let insats_text = c.text("insats").to_owned();
        let insats = if insats_text.is_empty() {
            None
        } else {
            match self.insats(&insats_text) {
                Some(i) => Some(i),
                None => {
                    self.unknown_insats(&insats_text, c);
                    None
                }
            }
        };
        let period = self.period(c)?;
        let brukare = c.id("brukare", "Brukare", &mut self.findings)?.to_owned();
        let client = (!brukare.is_empty()).then(|| self.client(&brukare, c, "brukare"));
        self.ds.ledger.push(LedgerRow {
            file,
            line: c.line,
            ansvar,
            verksamhet,
            period,
            konto,
            belopp,
            insats,
            client,
        });
        Ok(())
    }

    fn volume_row(&mut self, file: u16, c: &Cells) -> Result<(), ()> {
        c.required("brukare", "Brukare", &mut self.findings)?;
        let brukare = c.id("brukare", "Brukare", &mut self.findings)?;
        let insats_text = c.required("insats", "Insats", &mut self.findings)?;
        let enhet_text = c.id("enhet", "Enhet", &mut self.findings)?;
        let regi = c.recognised(
            "regi",
            |t| self.regier.read(t, Regi::recognise),
            |text| FindingKind::UnknownRegi { text },
            &mut self.findings,
        )?;
        // (Not recognised, a boendeform or a kön is a warning: the row is read without it.)
        let boendeform = c
            .recognised(
                "boendeform",
                |t| self.boendeformer.read(t, Boendeform::recognise),
                |text| FindingKind::UnknownBoendeform { text },
                &mut self.findings,
            )
            .unwrap_or(None);
        // Attributes of the client.
        let birth_year = match c.number("fodelsear", &mut self.findings, &mut self.marks)? {
            Some(y) => {
                let year = i32::try_from(y.trunc().mantissa()).ok().filter(|y| (1890..=2100).contains(y));
                if year.is_none() {
                    let value = y.to_string();
                    self.findings.push(Finding::at(c.pos("fodelsear"), FindingKind::ImplausibleBirthYear { value }));
                }
                year
            }
            None => None,
        };
        let age = match c.number("alder", &mut self.findings, &mut self.marks)? {
            Some(a) if a >= Decimal::ZERO && a <= Decimal::from(120) => Some(a.trunc().mantissa() as u32),
            Some(a) => {
                self.findings.push(Finding::at(c.pos("alder"), FindingKind::ImplausibleAge { value: a.to_string() }));
                None
            }
            None => None,
        };
        let kon = c
            .recognised(
                "kon",
                |t| self.koner.read(t, Kon::recognise),
                |text| FindingKind::UnknownKon { text },
                &mut self.findings,
            )
            .unwrap_or(None);
        let client = self.client(brukare, c, "brukare");
        self.client_attributes(client, birth_year, age, kon, c);

        let insats = match self.insats(insats_text) {
            Some(i) => i,
            None if self.excluded_insats(insats_text) => {
                let text = clip(insats_text);
                self.findings.push(Finding::at(c.pos("insats"), FindingKind::InsatsOutsideKpb { text }));
                return Err(());
            }
            None => {
                self.unknown_insats(insats_text, c);
                return Err(());
            }
        };
        if enhet_text.is_empty() && regi != Some(Regi::Annan) {
            c.required_code("enhet", "Enhet", &mut self.findings)?;
        }
        let enhet = self.enhet(enhet_text);

        let date = |key, findings: &mut Findings| {
            c.recognised(key, Date::parse, |text| FindingKind::BadDate { text }, findings)
        };
        let span = match date("fran", &mut self.findings)? {
            Some(from) => {
                let to = date("till", &mut self.findings)?;
                if to.is_some_and(|to| to < from) {
                    self.findings.push(Finding::at(c.pos("till"), FindingKind::DatesReversed));
                    return Err(());
                }
                Span::Stay { from, to }
            }
            None => self.period(c)?.map_or(Span::Unspecified, Span::Period),
        };
        let paid = match c.number("belopp", &mut self.findings, &mut self.marks)? {
            Some(p) => {
                Some(c.bounded("belopp", p, Decimal::from(MAX_AMOUNT), "10 miljarder kr", &mut self.findings)?)
            }
            None => None,
        };

        // (kind, volume, column key) of each volume the row gives: one a column of volume
        // (kept on the stack: a million rows would allocate a million lists).
        let mut found = [(VolumeKind::Beviljad, None, ""); VOLUME_COLUMNS.len() + 1];
        let mut count = 0;
        for (key, kind) in VOLUME_COLUMNS {
            if let Some(v) = c.number(key, &mut self.findings, &mut self.marks)? {
                found[count] = (kind, Some(v), key);
                count += 1;
            }
        }
        if c.cols.has("volym") {
            let kind = c
                .recognised(
                    "volymtyp",
                    VolumeKind::recognise,
                    |text| FindingKind::UnknownVolumeKind { text },
                    &mut self.findings,
                )?
                .unwrap_or(VolumeKind::Beviljad);
            if let Some(v) = c.number("volym", &mut self.findings, &mut self.marks)? {
                found[count] = (kind, Some(v), "volym");
                count += 1;
            }
        }
        if count == 0 {
            if matches!(span, Span::Stay { .. }) {
                // Counted from the stay's dates: performed dygn.
                found[0] = (VolumeKind::Utford, None, "fran");
                count = 1;
            } else {
                let key = if c.cols.has("volym") { "volym" } else { "insats" };
                self.findings.push(Finding::at(c.pos(key), FindingKind::NoVolume));
                return Err(());
            }
        }
        let found = &found[..count];
        for (_, volume, key) in found {
            if let Some(v) = volume {
                self.volume_in_unit(c, key, insats, *v)?;
            }
        }
        // The paid amount belongs to the row once, with its first volume.
        let paid = paid.map_or(NOT_PAID, |p| {
            self.ds.paid.push(p);
            (self.ds.paid.len() - 1) as u32
        });
        for (i, &(kind, volume, key)) in found.iter().enumerate() {
            self.ds.volumes.push(VolumeRow::new(
                (file, c.line),
                client,
                insats,
                enhet,
                regi,
                boendeform,
                kind,
                volume,
                span,
                if i == 0 { paid } else { NOT_PAID },
                c.column(key),
            ));
        }
        Ok(())
    }

    /// A volume within what one row can hold in a year, in a unit that fits the insats (a
    /// column headed in minutes or hours holds no dygn).
    fn volume_in_unit(&mut self, c: &Cells, key: &str, insats: Insats, volume: Decimal) -> Result<(), ()> {
        let unit = insats.unit();
        let header = c.cols.unit(key).or(key.ends_with("_min").then_some(Unit::Minuter));
        let fits = match header {
            Some(Unit::Minuter | Unit::Timmar) => unit == VolumeUnit::Timme,
            Some(Unit::Dygn | Unit::Dagar) => matches!(unit, VolumeUnit::Dygn | VolumeUnit::Dag),
            _ => true,
        };
        if !fits {
            self.findings.push(Finding::at(c.pos(key), FindingKind::WrongVolumeUnit { unit: header, insats }));
            return Err(());
        }
        let (max, what) = match unit {
            VolumeUnit::Timme => (8_784, "8 784 timmar, årets alla timmar"),
            VolumeUnit::Dygn | VolumeUnit::Dag => (366, "366 dagar"),
            VolumeUnit::Manad => (372, "372"),
            VolumeUnit::Portion => (2_196, "2 196 portioner"),
        };
        c.bounded(key, volume, Decimal::from(max), what, &mut self.findings).map(|_| ())
    }

    /// The row's period, if it has one: the period column's, read with the year column's
    /// year when it holds only the month (`År;Period` with 3, 03, mars; 13 the closing
    /// entries), or the year column's alone.
    fn period(&mut self, c: &Cells) -> Result<Option<Period>, ()> {
        let bad = |text| FindingKind::BadPeriod { text };
        let year = c.recognised("ar", |t| Period::parse(t).filter(|p| p.month.is_none()), bad, &mut self.findings)?;
        let periods = &mut self.periods;
        let parse = |t: &str| {
            let month = t.trim().strip_suffix(".0").unwrap_or(t);
            periods.read(t, Period::parse).or_else(|| year.and_then(|y| Period::parse(&format!("{month} {}", y.year))))
        };
        Ok(c.recognised("period", parse, bad, &mut self.findings)?.or(year))
    }

    fn client_attributes(
        &mut self,
        client: u32,
        birth_year: Option<i32>,
        age: Option<u32>,
        kon: Option<Kon>,
        c: &Cells,
    ) {
        let info = &mut self.ds.clients[client as usize];
        let conflict = |what: &str, key: &str, earlier: String, here: String, findings: &mut Findings| {
            let client = info.id.clone();
            findings.push(Finding::at(
                c.pos(key),
                FindingKind::ConflictingClient { client, what: what.to_owned(), here, earlier },
            ));
        };
        if let Some(y) = birth_year {
            match info.birth_year {
                Some(old) if old != y => {
                    conflict("födelseår", "fodelsear", old.to_string(), y.to_string(), &mut self.findings)
                }
                Some(_) => {}
                None => info.birth_year = Some(y),
            }
        }
        if let Some(a) = age {
            match info.age {
                Some(old) if old != a => conflict("ålder", "alder", old.to_string(), a.to_string(), &mut self.findings),
                Some(_) => {}
                None => info.age = Some(a),
            }
        }
        if let Some(k) = kon {
            match info.kon {
                Some(old) if old != k => {
                    conflict("kön", "kon", old.kolada().into(), k.kolada().into(), &mut self.findings)
                }
                Some(_) => {}
                None => info.kon = Some(k),
            }
        }
    }

    /// The number of an enhet as the file writes it (masked: a personnummer never passes).
    fn enhet(&mut self, raw: &str) -> u32 {
        if let Some(idx) = self.raw_enhet.get(raw) {
            return idx;
        }
        let text = self.pseudo.mask(raw);
        let next = self.ds.enhet_codes.len() as u32;
        let idx = *self.enhet_index.entry(text.clone()).or_insert(next);
        if idx == next {
            self.ds.enhet_codes.push(text);
        }
        self.raw_enhet.insert(raw, idx);
        idx
    }

    fn org_row(&mut self, c: &Cells) -> Result<(), ()> {
        self.ds.has_org_map = true;
        let ansvar = Pattern::parse(&self.pseudo.mask(c.required_code("ansvar", "Ansvar", &mut self.findings)?));
        let verksamhet = Pattern::parse(&self.pseudo.mask(c.code("verksamhet")));
        let enhet = self.pseudo.mask(c.code("enhet"));
        let omrade = self.pseudo.mask(c.text("omrade"));
        let regi = c
            .recognised("regi", Regi::recognise, |text| FindingKind::UnknownRegi { text }, &mut self.findings)?
            .unwrap_or(Regi::Egen);
        let fordelning = normalise(c.text("fordelning"));
        let target = match fordelning.as_str() {
            "" | "direkt" | "direkt kostnad" => {
                let text = c.required("insats", "Insats", &mut self.findings)?.to_owned();
                let Some(insats) = self.insats(&text) else {
                    self.unknown_insats(&text, c);
                    return Err(());
                };
                let enhet = if enhet.is_empty() {
                    c.required_code("enhet", "Enhet", &mut self.findings)?;
                    return Err(());
                } else {
                    enhet.clone()
                };
                Target::Direct { insats, enhet, regi }
            }
            "enhet" | "gemensam enhet" | "gemensam kostnad enhet" => {
                Target::Common(Level::Enhet(c.required_code("enhet", "Enhet", &mut self.findings)?.to_owned()))
            }
            "område" | "omrade" | "gemensam område" | "gemensam kostnad område" => {
                Target::Common(Level::Omrade(c.required("omrade", "Område", &mut self.findings)?.to_owned()))
            }
            "förvaltning"
            | "forvaltning"
            | "gemensam förvaltning"
            | "gemensam"
            | "gemensam kostnad"
            | "gemensam kostnad förvaltning"
            | "nämnd" => Target::Common(Level::Forvaltning),
            "exkludera" | "utanför kpb" | "utanför" | "ingår ej" | "ej kpb" => Target::Exclude,
            other => {
                let text = clip(other);
                self.findings.push(Finding::at(c.pos("fordelning"), FindingKind::UnknownFordelning { text }));
                return Err(());
            }
        };
        if !enhet.is_empty() {
            let name = match c.text("enhetsnamn") {
                "" => enhet.clone(),
                n => self.pseudo.mask(n),
            };
            self.ds.org.add_enhet(EnhetInfo {
                code: enhet,
                name,
                omrade: (!omrade.is_empty()).then_some(omrade),
                regi,
            });
        }
        let rule = OrgRule { ansvar, verksamhet, target, line: c.line };
        if let Some(first) = self.ds.org.same_codes(&rule).filter(|first| first.target != rule.target) {
            let ansvar = match rule.ansvar.text() {
                a if a.is_empty() => "*".to_owned(),
                a => a,
            };
            let what = match rule.verksamhet.text() {
                v if v.is_empty() => format!("ansvar {ansvar}"),
                v => format!("ansvar {ansvar} och verksamhet {v}"),
            };
            self.findings.push(Finding::at(c.pos("ansvar"), FindingKind::ConflictingRule { what, first: first.line }));
        }
        self.ds.org.add_rule(rule);
        Ok(())
    }

    fn konto_row(&mut self, c: &Cells) -> Result<(), ()> {
        let from = self.pseudo.mask(c.required_code("konto_fran", "Konto från", &mut self.findings)?);
        let to = match c.code("konto_till") {
            "" => from.clone(),
            t => self.pseudo.mask(t),
        };
        let unknown = |text| FindingKind::UnknownKontotyp { text };
        let Some(typ) = c.recognised("kontotyp", KontoTyp::recognise, unknown, &mut self.findings)? else {
            c.required("kontotyp", "Kontotyp", &mut self.findings)?;
            return Err(());
        };
        if let Some(first) = self.konto_rules.iter().find(|r| r.from == from && r.to == to && r.typ != typ) {
            let what = if from == to { format!("konto {from}") } else { format!("konto {from}–{to}") };
            let first = first.line.unwrap_or_default();
            self.findings.push(Finding::at(c.pos("konto_fran"), FindingKind::ConflictingRule { what, first }));
        }
        self.konto_rules.push(KontoRule { from, to, typ, line: Some(c.line) });
        Ok(())
    }

    fn place_row(&mut self, file: u16, c: &Cells) -> Result<(), ()> {
        let enhet = self.pseudo.mask(c.required_code("enhet", "Enhet", &mut self.findings)?);
        let Some(platser) = c.number("platser", &mut self.findings, &mut self.marks)? else {
            c.required("platser", "Platser", &mut self.findings)?;
            return Err(());
        };
        let platser = c.bounded("platser", platser, Decimal::from(MAX_PLACES), "10 000 platser", &mut self.findings)?;
        self.ds.places.push(PlaceRow { file, line: c.line, enhet, platser });
        Ok(())
    }

    fn population_row(&mut self, file: u16, c: &Cells) -> Result<(), ()> {
        let unknown = |text| FindingKind::BadAgeGroup { text };
        let Some((from, to)) = c.recognised("alder", parse_age_group, unknown, &mut self.findings)? else {
            c.required("alder", "Ålder", &mut self.findings)?;
            return Err(());
        };
        let Some(antal) = c.number("antal", &mut self.findings, &mut self.marks)? else {
            c.required("antal", "Antal", &mut self.findings)?;
            return Err(());
        };
        let antal =
            c.bounded("antal", antal, Decimal::from(MAX_POPULATION), "20 miljoner invånare", &mut self.findings)?;
        self.ds.population.push(PopulationRow { file, line: c.line, from, to, antal });
        Ok(())
    }

    fn finish(mut self) -> Dataset {
        // Number the clients in the order of their ids, so that nothing downstream depends on
        // the order of the rows.
        let mut order: Vec<u32> = (0..self.ds.clients.len() as u32).collect();
        order.sort_by(|a, b| self.ds.clients[*a as usize].id.cmp(&self.ds.clients[*b as usize].id));
        let mut new_index = vec![0u32; order.len()];
        for (new, old) in order.iter().enumerate() {
            new_index[*old as usize] = new as u32;
        }
        let mut clients = std::mem::take(&mut self.ds.clients);
        self.ds.clients = order.iter().map(|&old| std::mem::take(&mut clients[old as usize])).collect();
        for row in &mut self.ds.volumes {
            row.client = new_index[row.client as usize];
        }
        for row in &mut self.ds.ledger {
            if let Some(c) = row.client.as_mut() {
                *c = new_index[*c as usize];
            }
        }
        self.ds.konton = KontoMap::with_rules(std::mem::take(&mut self.konto_rules));
        // The years the volume rows fall in, per file.
        let mut rows: BTreeMap<(u16, i32), u32> = BTreeMap::new();
        let mut last = None;
        for row in &self.ds.volumes {
            let year = match row.span() {
                Span::Period(p) => p.year,
                Span::Stay { from, to } => to.map_or(from.year, |t| t.year),
                Span::Unspecified => continue,
            };
            // A file row with granted and performed time gives two volume rows: count it once.
            if last.replace((row.file, row.line)) != Some((row.file, row.line)) {
                *rows.entry((row.file, year)).or_default() += 1;
            }
        }
        for row in &self.ds.ledger {
            if let Some(p) = row.period {
                *rows.entry((row.file, p.year)).or_default() += 1;
            }
        }
        // Each file's main year (rows in other years are findings of their own).
        let mut main: BTreeMap<u16, (u32, i32)> = BTreeMap::new();
        for ((file, year), n) in rows {
            let best = main.entry(file).or_insert((n, year));
            *best = (*best).max((n, year));
        }
        for (file, (n, year)) in main {
            let file = self.ds.file_name(file).to_owned();
            self.ds.years.push(YearHint { year, file, source: YearSource::Rows(n) });
        }
        // Values quoted from the files in findings show pseudonyms, never a personnummer.
        let mut pseudo = self.pseudo;
        let mut unknown: Vec<UnknownInsats> = self.unknown.into_values().collect();
        // So many names that none is an insats: the column is another (a decision id). Listed
        // are the most common, to be mapped one by one.
        if unknown.len() > MAX_UNKNOWN_INSATSER {
            let first = unknown[0].first.clone();
            let rows: u32 = unknown.iter().map(|u| u.rows).sum();
            let column = first.column_name.clone().unwrap_or_else(|| "Insats".to_owned());
            self.findings.push(Finding::at(
                Position { line: None, ..first },
                FindingKind::ManyUnknownInsatser { names: unknown.len() as u64, rows, column },
            ));
            unknown.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.text.cmp(&b.text)));
            unknown.truncate(MAX_UNKNOWN_INSATSER);
        }
        self.ds.unknown_insatser = unknown
            .into_iter()
            .map(|mut u| {
                u.text = pseudo.mask(&u.text);
                u
            })
            .collect();
        self.ds.findings = self
            .findings
            .into_vec()
            .into_iter()
            .map(|mut f| {
                for text in f.kind.quoted_mut() {
                    *text = pseudo.mask(text);
                }
                f
            })
            .collect();
        self.ds
    }
}

/// What each text of a column was read as, so that a text is read once: a file repeats the
/// same few texts on many rows. The last text is kept apart, asked first: a row mostly repeats
/// the one above it (a client's months, an enhet's clients), and comparing with it is cheaper
/// than looking it up.
struct Memo<T> {
    seen: FxHashMap<String, T>,
    last: String,
    last_value: Option<T>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo { seen: FxHashMap::default(), last: String::new(), last_value: None }
    }
}

impl<T: Copy> Memo<T> {
    /// What `text` was read as, if it was.
    #[inline]
    fn get(&mut self, text: &str) -> Option<T> {
        if let Some(value) = self.last_value
            && self.last == text
        {
            return Some(value);
        }
        let value = *self.seen.get(text)?;
        self.remember_last(text, value);
        Some(value)
    }

    fn insert(&mut self, text: &str, value: T) {
        self.seen.insert(text.to_owned(), value);
        self.remember_last(text, value);
    }

    /// `read(text)`, read once.
    #[inline]
    fn read(&mut self, text: &str, read: impl FnOnce(&str) -> T) -> T {
        if let Some(value) = self.get(text) {
            return value;
        }
        let value = read(text);
        self.insert(text, value);
        value
    }

    fn remember_last(&mut self, text: &str, value: T) {
        self.last.clear();
        self.last.push_str(text);
        self.last_value = Some(value);
    }
}

/// `83`, `80-84`, `80–84`, `90-w`, `95+`, `90 år och äldre`, `0-17 år`.
fn parse_age_group(text: &str) -> Option<(u32, Option<u32>)> {
    let t = normalise(text).replace(" år och äldre", "+").replace(" år", "").replace('–', "-");
    if let Some(a) = t.strip_suffix('+') {
        return Some((a.trim().parse().ok()?, None));
    }
    match t.split_once('-') {
        Some((a, b)) => {
            let from = a.trim().parse().ok()?;
            let b = b.trim();
            if b == "w" || b.is_empty() {
                Some((from, None))
            } else {
                let to: u32 = b.parse().ok()?;
                (to >= from).then_some((from, Some(to)))
            }
        }
        None => {
            let a: u32 = t.trim().parse().ok()?;
            Some((a, Some(a)))
        }
    }
}

/// The header row: among the first ten non-blank rows, the first with the most cells that are
/// known header names (at least two); otherwise the first row — unless that row is data (two
/// numbers, or a personnummer, and no known header): then the file has no header, and its
/// columns are named "Kolumn 1", "Kolumn 2" … for the user to map. Returns the header's line (0
/// without one), its names (without trailing empty ones) and how many fields it has in all.
fn find_header(sheet: &Sheet) -> (u32, Vec<String>, usize) {
    let head = sheet.head(10);
    let best = head
        .iter()
        .map(|(line, cells)| (schema::header_score(cells), *line, cells))
        .filter(|(score, _, _)| *score >= 2)
        .max_by_key(|(score, line, _)| (*score, std::cmp::Reverse(*line)));
    if best.is_none()
        && let Some((_, first)) = head.first()
    {
        let numbers = first.iter().filter(|c| matches!(number::parse_decimal(c), Ok(Some(_)))).count();
        if numbers >= 2 || first.iter().any(|c| crate::pseudonym::contains_personnummer(c)) {
            let width = head.iter().map(|(_, cells)| cells.len()).max().unwrap_or(0);
            return (0, (1..=width).map(|i| format!("Kolumn {i}")).collect(), width);
        }
    }
    match best.or_else(|| head.first().map(|(l, c)| (0, *l, c))) {
        Some((_, line, cells)) => {
            let mut headers = cells.clone();
            while headers.last().is_some_and(|h| h.is_empty()) {
                headers.pop();
            }
            (line, headers, cells.len())
        }
        None => (0, Vec::new(), 0),
    }
}

/// A short content hash of a file (SHA-256, its first 64 bits as 16 letters a–p): stable across
/// sessions, for mapping files only (they are small). Letters, not digits: no run of digits in
/// a report may look like a personnummer.
fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    let letter = |nibble: u8| char::from(b'a' + nibble);
    sha2::Sha256::digest(bytes)[..8].iter().flat_map(|b| [letter(b >> 4), letter(b & 15)]).collect()
}

/// Whether a row's first cell marks a subtotal: `Summa 4110`, `Totalt`, `S:a`, `Delsumma:`, or
/// what Excel's Delsumma writes first on the row under each group: the group and `Summa`
/// (`B128248 Summa`, `HT-NORR Summa`; the cells before the group's column are left empty).
fn is_total(cell: &str) -> bool {
    // (Asked of every row: told at the first or the last letter for most.)
    (matches!(cell.as_bytes().first(), Some(b's' | b'S' | b't' | b'T' | b'd' | b'D'))
        && starts_with_word(cell, &["summa", "totalt", "total", "delsumma", "totalsumma", "summering", "s:a"]))
        || (cell.ends_with(" Summa") && cell.len() > " Summa".len())
}

/// Whether any cell marks a subtotal: `Summa personalkostnader`, `Delsumma`.
fn is_sum(cell: &str) -> bool {
    // (Asked of every cell of every row: told at the first letter for most.)
    matches!(cell.as_bytes().first(), Some(b's' | b'S' | b't' | b'T' | b'd' | b'D'))
        && starts_with_word(cell, &["summa", "delsumma", "totalsumma", "s:a"])
}

/// Whether `cell` begins with one of `words` (ASCII, any case) followed by a space, a colon or
/// nothing.
fn starts_with_word(cell: &str, words: &[&str]) -> bool {
    words.iter().any(|t| {
        cell.get(..t.len()).is_some_and(|head| head.eq_ignore_ascii_case(t))
            && matches!(cell.as_bytes().get(t.len()), None | Some(b' ' | b':' | b'\t'))
    })
}

/// How the lines of one file were read.
#[derive(Default)]
struct Counts {
    lines: u32,
    blank: u32,
    continued: u32,
    rows: u32,
    used: u32,
    flagged: u32,
    /// Rows that an earlier file of the kind has too: how many, the first such file, the
    /// first such line.
    overlap: Option<(u32, u16, u32)>,
}

/// How many typed rows of each kind the data set held before a file was read.
#[derive(Clone, Copy)]
struct Lengths {
    ledger: usize,
    volumes: usize,
    paid: usize,
    places: usize,
    population: usize,
}

impl FileReport {
    fn new(name: &str, size: usize) -> FileReport {
        FileReport {
            name: name.to_owned(),
            size,
            kind: None,
            status: FileStatus::Unreadable,
            encoding: None,
            delimiter: None,
            sheet: None,
            header_line: 0,
            headers: Vec::new(),
            digest: None,
            columns: Vec::new(),
            preview: Vec::new(),
            lines: 0,
            blank: 0,
            continued: 0,
            rows: 0,
            rows_used: 0,
            rows_flagged: 0,
        }
    }

    /// Data rows that did not become data (each has a finding).
    pub fn rows_not_used(&self) -> u32 {
        self.rows - self.rows_used
    }
}

/// A content hash of the typed rows `rows` of a kind of file, in any order (a sum of each row's).
fn rows_hash(ds: &Dataset, kind: FileKind, rows: std::ops::Range<usize>) -> u64 {
    use std::hash::{Hash, Hasher};
    fn sum<T>(rows: &[T], hash: impl Fn(&T, &mut rustc_hash::FxHasher)) -> u64 {
        rows.iter().fold(0u64, |acc, r| {
            let mut h = rustc_hash::FxHasher::default();
            hash(r, &mut h);
            acc.wrapping_add(h.finish())
        })
    }
    match kind {
        FileKind::Kostnader => sum(&ds.ledger[rows], |r, h| {
            (&r.ansvar, &r.verksamhet, &r.konto, r.belopp.normalize(), r.insats, r.client, r.period).hash(h)
        }),
        FileKind::Brukare => sum(&ds.volumes[rows], |r, h| {
            (r.client, r.insats, r.enhet, r.regi, r.boendeform, r.kind, r.span()).hash(h);
            (r.volume().map(|v| v.normalize()), ds.paid(r).map(|v| v.normalize())).hash(h);
        }),
        FileKind::Platser => sum(&ds.places[rows], |r, h| (&r.enhet, r.platser.normalize()).hash(h)),
        FileKind::Befolkning => sum(&ds.population[rows], |r, h| (r.from, r.to, r.antal.normalize()).hash(h)),
        FileKind::Mappning | FileKind::Konton => 0,
    }
}

/// A content hash of a row (trimmed cells), for duplicate detection.
fn row_hash(row: &Row) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    for i in 0..row.len() {
        row.get(i).hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn file(name: &str, text: &str) -> InputFile {
        InputFile { name: name.into(), bytes: text.as_bytes().to_vec() }
    }

    fn settings() -> ImportSettings {
        ImportSettings { pseudonym_key: b"test".to_vec(), reference_year: 2025, ..ImportSettings::default() }
    }

    #[test]
    fn a_memo_reads_each_text_once_and_gives_it_back_whether_last_or_not() {
        let mut memo: Memo<usize> = Memo::default();
        let mut reads = 0;
        let mut read = |text: &str| {
            reads += 1;
            text.len()
        };
        let texts = ["Norr", "Norr", "Söder", "Norr", "", "Söder", "", "Västra"];
        let got: Vec<usize> = texts.iter().map(|t| memo.read(t, &mut read)).collect();
        assert_eq!(got, [4, 4, 6, 4, 0, 6, 0, 7], "bytes: ö and ä take two");
        assert_eq!(reads, 4, "Norr, Söder, the empty text and Västra, once each");
        assert_eq!((memo.get("Söder"), memo.get("Öster")), (Some(6), None));
    }

    #[test]
    fn reads_a_ledger_with_title_rows_and_swedish_numbers() {
        let ds = load(
            &[file(
                "kostnader.csv",
                "Utdrag Raindance 2026-01-15\n\nAnsvar;Vht;Konto;Belopp\n4110;510;5011;1 234,50\n4110;510;3110;−200\n",
            )],
            &settings(),
        );
        assert_eq!(ds.files[0].kind, Some(FileKind::Kostnader));
        assert_eq!(ds.files[0].header_line, 3);
        assert_eq!(ds.ledger.len(), 2);
        assert_eq!(ds.ledger[0].line, 4);
        assert_eq!(ds.ledger[0].belopp, "1234.5".parse().unwrap());
        assert_eq!(ds.ledger[1].belopp, Decimal::from(-200));
        assert!(ds.findings.is_empty(), "{:?}", ds.findings);
    }

    #[test]
    fn a_workbook_is_read_by_the_reader_given_and_its_refusal_is_a_finding() {
        use super::sheet::Worksheet;
        let settings = settings();
        let cells = |rows: &[&[&str]]| -> Vec<(u32, Vec<String>)> {
            (1..).zip(rows).map(|(line, row)| (line, row.iter().map(|c| c.to_string()).collect())).collect()
        };
        let book = InputFile { name: "k.xlsx".into(), bytes: b"PK\x03\x04 a workbook".to_vec() };
        let reader = |name: &str, bytes: &[u8]| -> Result<Vec<Worksheet>, String> {
            assert_eq!((name, bytes), ("k.xlsx", &b"PK\x03\x04 a workbook"[..]));
            Ok(vec![Worksheet {
                name: "Blad1".into(),
                rows: cells(&[&["Ansvar", "Konto", "Belopp"], &["4110", "5011", "12,5"]]),
            }])
        };
        let ds = load_with(std::slice::from_ref(&book), &settings, &reader, &mut |_| {});
        assert_eq!(ds.files[0].status, FileStatus::Read);
        assert_eq!(ds.files[0].sheet.as_deref(), Some("Blad1"));
        assert_eq!((ds.ledger.len(), ds.ledger[0].line), (1, 2));
        assert_eq!(ds.ledger[0].belopp, "12.5".parse().unwrap());

        let refuse =
            |name: &str, _: &[u8]| -> Result<Vec<Worksheet>, String> { Err(format!("Filen {name} gick inte.")) };
        let ds = load_with(&[book], &settings, &refuse, &mut |_| {});
        assert_ne!(ds.files[0].status, FileStatus::Read);
        assert!(ds.ledger.is_empty());
        assert_eq!(ds.findings.len(), 1, "{:?}", ds.findings);
        assert_eq!(ds.findings[0].kind.code(), "trasig-xlsx");
        assert_eq!(ds.findings[0].message(), "Filen k.xlsx gick inte.");
    }

    #[test]
    fn bad_number_names_file_line_and_column() {
        let ds = load(&[file("k.csv", "Ansvar;Konto;Belopp\n4110;5011;12,5\n4110;5011;tolv\n")], &settings());
        assert_eq!(ds.ledger.len(), 1);
        let f = &ds.findings[0];
        assert_eq!(f.kind.code(), "inte-ett-tal");
        assert_eq!(f.pos.to_string(), "k.csv, rad 3, kolumn 3 (Belopp)");
        assert_eq!(f.message(), "\"tolv\" är inte ett tal.");
    }

    #[test]
    fn an_enhet_written_two_ways_with_the_same_personnummer_is_one_masked_enhet() {
        // (An enhet is interned by its text as written, and by its masked text: both spellings
        // of one personnummer must land on the same enhet, and neither be kept.)
        let ds = load(
            &[file(
                "b.csv",
                "Brukare;Insats;Enhet;Utförd tid\nB1;Hemtjänst;19121212-1212;3\nB2;Hemtjänst;191212121212;4\nB3;Hemtjänst;HT1;5\nB4;Hemtjänst;HT1;6\n",
            )],
            &settings(),
        );
        assert_eq!(ds.volumes.len(), 4);
        assert_eq!(ds.enhet_codes.len(), 2, "{:?}", ds.enhet_codes);
        assert_eq!(ds.volumes[0].enhet, ds.volumes[1].enhet);
        assert_eq!(ds.volumes[2].enhet, ds.volumes[3].enhet);
        assert_ne!(ds.volumes[0].enhet, ds.volumes[2].enhet);
        assert_eq!(ds.enhet_codes[1], "HT1");
        assert!(!ds.enhet_codes[0].contains("1212"), "{:?}", ds.enhet_codes);
    }

    #[test]
    fn repeated_rows_are_one_finding_in_its_place_and_rows_in_an_earlier_file_are_an_overlap() {
        let ds = load(
            &[
                file(
                    "b.csv",
                    "Brukare;Insats;Enhet;Utförd tid\nB1;Hemtjänst;19121212-1212;3\nB2;Hemtjänst;HT1;ca 8\nB1;Hemtjänst;19121212-1212;3\nB3;Fotvård;HT1;2\nB1;Hemtjänst;19121212-1212;3\nB2;Hemtjänst;HT1;ca 8\n",
                ),
                file(
                    "b del 2.csv",
                    "Brukare;Insats;Enhet;Utförd tid\nB1;Hemtjänst;19121212-1212;3\nB4;Hemtjänst;HT1;1\nB4;Hemtjänst;HT1;1\n",
                ),
            ],
            &settings(),
        );
        let of = |name: &str| -> Vec<(&str, Option<u32>, u32, Vec<u32>)> {
            ds.findings
                .iter()
                .filter(|f| f.pos.file == name)
                .map(|f| (f.kind.code(), f.pos.line, f.count, f.more_lines.clone()))
                .collect()
        };
        // Rows 4, 6 and 7 repeat rows above them: one finding, on row 4, between the findings of
        // rows 3 and 5. Row 7 has a finding of its own as well.
        assert_eq!(
            of("b.csv"),
            [
                ("inte-ett-tal", Some(3), 2, vec![7]),
                ("dubblett", Some(4), 3, vec![6, 7]),
                ("okand-insats", Some(5), 1, vec![])
            ]
        );
        let repeated = ds.findings.iter().find(|f| f.kind.code() == "dubblett" && f.pos.file == "b.csv").unwrap();
        let enhet = repeated.enhet.as_deref().expect("the repeated row's enhet");
        assert_eq!(enhet, ds.enhet_codes[ds.volumes[0].enhet as usize], "masked, as the enhet is");
        assert!(!enhet.contains("1212"));
        let report = |name: &str| ds.files.iter().find(|f| f.name == name).unwrap();
        assert_eq!((report("b.csv").rows, report("b.csv").rows_flagged), (6, 5));
        // The second file: its first row is the first file's (said once the file is read), its
        // last repeats the one above.
        assert_eq!(of("b del 2.csv"), [("dubblett", Some(4), 1, vec![]), ("overlappande-filer", Some(2), 1, vec![])]);
        assert!(ds.findings.iter().any(|f| f.message() == "1 av 3 rader i b del 2.csv finns också i b.csv."));
    }

    #[test]
    fn a_volume_row_gives_back_the_volume_and_span_it_was_made_with() {
        let date = |y, m, d| Date::new(y, m, d).expect("a date");
        let spans = [
            Span::Unspecified,
            Span::Period(Period { year: 2025, month: None }),
            Span::Period(Period { year: 2025, month: Some(1) }),
            Span::Period(Period { year: -3, month: Some(12) }),
            Span::Stay { from: date(1900, 1, 1), to: Some(date(2200, 12, 31)) },
            Span::Stay { from: date(2024, 2, 29), to: None },
            Span::Stay { from: Date::parse("45921").expect("Excel's serial day"), to: Some(date(2025, 12, 31)) },
        ];
        for span in spans {
            for volume in [None, Some(Decimal::ZERO), Some(Decimal::new(-1005, 2)), Some(Decimal::MAX)] {
                let row = VolumeRow::new(
                    (3, 17),
                    1,
                    Insats::Hemtjanst,
                    2,
                    None,
                    None,
                    VolumeKind::Utford,
                    volume,
                    span,
                    NOT_PAID,
                    5,
                );
                assert_eq!((row.span(), row.volume()), (span, volume));
            }
        }
        assert_eq!(
            VolumeRow::new((0, 0), 0, Insats::Hemtjanst, 0, None, None, VolumeKind::Utford, None, spans[6], 0, 0)
                .span(),
            Span::Stay { from: date(2025, 9, 21), to: Some(date(2025, 12, 31)) }
        );
    }

    #[test]
    fn volume_rows_with_granted_and_performed_time_and_personnummer() {
        let ds = load(
            &[file(
                "b.csv",
                "Personnummer;Insats;Utförare;Beviljad tid;Utförd tid;Period\n19121212-1212;Hemtjänst;HT1;10,5;9;2025-01\n",
            )],
            &settings(),
        );
        assert_eq!(ds.volumes.len(), 2);
        assert_eq!(ds.volumes[0].kind, VolumeKind::Beviljad);
        assert_eq!(ds.volumes[1].kind, VolumeKind::Utford);
        let c = &ds.clients[0];
        assert!(c.id.starts_with('P') && !c.id.contains("1212"));
        assert_eq!((c.birth_year, c.kon), (Some(1912), Some(Kon::Man)));
        assert_eq!(ds.volumes[0].span(), Span::Period(Period { year: 2025, month: Some(1) }));
    }

    #[test]
    fn a_paid_amount_belongs_to_its_row_once_is_read_again_with_its_column_and_goes_with_a_duplicate() {
        // Row 2 gives two volumes and a paid amount (with the first only); row 3 no amount; the
        // column shows decimal points (4.25), so 1.500 is one and a half kronor, not 1 500.
        let text = "Brukare;Insats;Enhet;Regi;Beviljad tid;Utförd tid;Belopp;Period\n\
                    1;Hemtjänst;Bolaget;annan;10;8;1.500;2025-01\n\
                    2;Hemtjänst;Bolaget;annan;5;;;2025-01\n\
                    3;Hemtjänst;Bolaget;annan;;6;4.25;2025-01\n";
        let paid = |ds: &Dataset| ds.volumes.iter().map(|r| ds.paid(r)).collect::<Vec<_>>();
        let expected = [Some(Decimal::new(15, 1)), None, None, Some(Decimal::new(425, 2))];
        let ds = load(&[file("b.csv", text)], &settings());
        assert_eq!(paid(&ds), expected);
        // The same rows again in another file (other line ends) are not read, nor their amounts.
        let ds = load(&[file("b.csv", text), file("b2.csv", &text.replace('\n', "\r\n"))], &settings());
        assert_eq!(ds.files[1].status, FileStatus::Duplicate);
        assert_eq!((paid(&ds).as_slice(), ds.paid.len()), (&expected[..], 2));
    }

    #[test]
    fn excel_delsumma_rows_under_each_brukare_are_subtotals() {
        // Excel's Delsumma writes a row under each group, "<group> Summa", and "Totalsumma" last.
        let ds = load(
            &[file(
                "b.csv",
                "Brukare;Insats;Enhet;Volym;Period\n1;Hemtjänst;A;5;2025-01\n1;Hemtjänst;A;6;2025-02\n1 Summa;;;11;\n\
                 2;Hemtjänst;A;4;2025-01\n2 Summa;Hemtjänst;A;4;\nTotalsumma;;;15;\n",
            )],
            &settings(),
        );
        assert_eq!((ds.volumes.len(), ds.clients.len()), (3, 2));
        let totals: Vec<_> = ds.findings.iter().filter(|f| f.kind.code() == "summarad").collect();
        assert_eq!(totals.len(), 1, "{:?}", ds.findings);
        assert_eq!((totals[0].pos.line, totals[0].count, totals[0].more_lines.clone()), (Some(4), 3, vec![6, 7]));
    }

    #[test]
    fn summa_at_the_end_of_a_later_cell_is_text() {
        let ds = load(
            &[file("k.csv", "Ansvar;Konto;Text;Belopp\n4110;5011;Rättelse fel summa;-120\n4110 Summa;;;-120\n")],
            &settings(),
        );
        assert_eq!(ds.ledger.len(), 1);
        assert_eq!(ds.findings.iter().filter(|f| f.kind.code() == "summarad").count(), 1);
    }

    #[test]
    fn unknown_insats_is_reported_once_per_name_with_all_lines() {
        let ds = load(
            &[file("b.csv", "Brukare;Insats;Enhet;Volym\n1;Fotvård;A;1\n2;Fotvård;A;1\n3;Hemtjänst;A;1\n")],
            &settings(),
        );
        assert_eq!(ds.volumes.len(), 1);
        assert_eq!(ds.unknown_insatser.len(), 1);
        assert_eq!(ds.unknown_insatser[0].rows, 2);
        let f = ds.findings.iter().find(|f| f.kind.code() == "okand-insats").unwrap();
        assert_eq!((f.count, f.pos.line, f.more_lines.clone()), (2, Some(2), vec![3]));
    }

    #[test]
    fn unrecognised_file_needs_mapping_and_says_why() {
        let ds = load(&[file("x.csv", "Namn;Adress\nA;B\n")], &settings());
        assert_eq!(ds.files[0].status, FileStatus::NeedsMapping);
        assert_eq!(ds.findings[0].kind.code(), "okand-filtyp");
        let ds = load(
            &[file("k.csv", "Ansvar;Konto;Kronor netto\n1;2;3\n")],
            &ImportSettings { kinds: BTreeMap::from([("k.csv".into(), FileKind::Kostnader)]), ..settings() },
        );
        assert_eq!(ds.files[0].status, FileStatus::NeedsMapping);
        assert_eq!(
            ds.findings[0].message(),
            "Filen k.csv (Kostnader (utdrag ur ekonomisystemet)) saknar kolumnen Belopp."
        );
    }

    #[test]
    fn age_groups() {
        assert_eq!(parse_age_group("80-84"), Some((80, Some(84))));
        assert_eq!(parse_age_group("90-w"), Some((90, None)));
        assert_eq!(parse_age_group("95+"), Some((95, None)));
        assert_eq!(parse_age_group("90 år och äldre"), Some((90, None)));
        assert_eq!(parse_age_group("83"), Some((83, Some(83))));
        assert_eq!(parse_age_group("gammal"), None);
    }
}

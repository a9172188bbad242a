//! Reading reference files: Kolada's API answers (v2 and v3, per municipality or group and per
//! organisational unit), Kolada's municipality and unit lists, Kolada table downloads (CSV or
//! Excel, long or wide, with ids or with the titles and names of Kolada's web download), network
//! partners' files and per-unit quality results. Every value that cannot be used is a finding;
//! nothing is mixed silently.

use super::{Gender, OuInfo, Partner, QualityValue, RefData, RefFile, RefValue};
use crate::finding::{Finding, FindingKind, Findings, Position, RecordProblem};
use crate::import::InputFile;
use crate::import::decode::{Content, decode};
use crate::import::number::parse_decimal;
use crate::import::schema::normalise_header;
use crate::import::sheet::{Sheet, WorkbookReader};
use crate::model::{Insats, normalise};
use crate::reference;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

/// Reads reference files, workbooks with the engine's own reader. Never fails: what cannot be
/// read is a finding.
#[cfg(feature = "xlsx")]
pub fn load(files: &[InputFile], key: &[u8]) -> RefData {
    load_with(files, &crate::import::read_workbook, key)
}

/// [`load`] with the workbooks read by `read_workbook`. `key` is the key of the pseudonyms of
/// the personnummer in the files' texts ([`mask_personnummer`]): the session's, never shown.
pub fn load_with(files: &[InputFile], read_workbook: WorkbookReader, key: &[u8]) -> RefData {
    let mut r = Reader::default();
    for file in files {
        let before = r.data.values.len();
        r.historical.clear();
        r.network = false;
        r.file(file, read_workbook);
        r.only_gendered(file, before);
        r.historical_note(&file.name);
        if let Some(f) = r.data.files.iter_mut().rev().find(|f| f.name == file.name) {
            f.digest = digest(&file.bytes);
        }
    }
    let mut data = r.data;
    data.findings = r.findings.into_vec();
    data.settle();
    data.dedupe();
    mask_personnummer(&mut data, key);
    data
}

/// Every text of the files that the page may show, with each personnummer in it replaced by a
/// pseudonym, as the import does with its own files: a file's name, a unit's or a partner's
/// name, a quality file's enhet and measure, the values a finding quotes. (A private provider run
/// as a sole trader has its owner's personnummer as its organisationsnummer.) Kolada's ids of
/// municipalities, groups, units and KPIs are codes, kept as they are.
fn mask_personnummer(data: &mut RefData, key: &[u8]) {
    let year = data.values.iter().map(|v| v.period).max().unwrap_or(2025);
    let mut pseudo = crate::pseudonym::Pseudonymizer::new(key, year);
    let mut mask = |text: &mut String| {
        if let std::borrow::Cow::Owned(masked) = pseudo.mask_cow(text) {
            *text = masked;
        }
    };
    for v in &mut data.values {
        mask(&mut v.file);
        if let Some(name) = &mut v.unit_name {
            mask(name);
        }
    }
    for q in &mut data.quality {
        mask(&mut q.enhet);
        mask(&mut q.measure);
        mask(&mut q.file);
    }
    for f in &mut data.files {
        mask(&mut f.name);
    }
    for name in data.names.values_mut() {
        mask(name);
    }
    for p in data.partners.values_mut() {
        mask(&mut p.title);
    }
    for ou in data.ous.values_mut() {
        mask(&mut ou.title);
    }
    for f in &mut data.findings {
        mask(&mut f.pos.file);
        if let Some(enhet) = &mut f.enhet {
            mask(enhet);
        }
        for text in f.kind.quoted_mut() {
            mask(text);
        }
    }
}

/// A short fingerprint of a file's content, to tell a file read again from another of the same
/// name.
fn digest(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// Values this large are no nyckeltal: a misread file (and they would overflow sums).
fn plausible(value: Decimal) -> bool {
    value.abs() < Decimal::from(1_000_000_000_000u64)
}

/// What the tool knows of a KPI id.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    /// In Kolada's catalogue and published.
    Current,
    /// A KPB U-KPI or a catalogue KPI Kolada no longer publishes.
    Historical,
    Unknown,
}

#[derive(Default)]
struct Reader {
    data: RefData,
    findings: Findings,
    /// KPIs already warned about as unknown (once per load).
    unknown_kpis: BTreeSet<String>,
    /// What the catalogue says of each KPI id seen (the catalogue is a list: looked up once).
    known: HashMap<String, Known>,
    /// Historical KPIs with values in the current file.
    historical: BTreeSet<String>,
    /// The current file is a network file (its U-KPIs are the partner's own figures).
    network: bool,
    /// Records of the current file that Kolada marks as deleted.
    deleted: u32,
    /// Kolada's KPI titles and area names, for tables that name instead of giving ids (built
    /// when first needed).
    titles: Option<Titles>,
    areas: Option<Titles>,
}

/// A municipality id as Kolada writes it: four digits (`0180`), or a group id (`G…`).
fn area_id(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => {
            let s = s.trim();
            if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() && s.len() <= 4 {
                Some(format!("{s:0>4}"))
            } else if !s.is_empty() {
                Some(s.to_owned())
            } else {
                None
            }
        }
        Value::Number(n) => n.as_u64().filter(|n| *n < 10_000).map(|n| format!("{n:04}")),
        _ => None,
    }
}

fn period(value: &Value) -> Option<i32> {
    let p = match value {
        Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
        Value::String(s) => s.trim().get(..4).and_then(|y| y.parse().ok()),
        _ => None,
    };
    p.filter(|y| (1990..=2100).contains(y))
}

fn decimal(value: &Value) -> Result<Option<Decimal>, ()> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .map(Some)
            .map_err(|_| ()),
        Value::String(s) => parse_decimal(s).map_err(|_| ()),
        _ => Err(()),
    }
}

fn gender(text: &str) -> Option<Gender> {
    match text.trim() {
        "T" | "t" | "Totalt" | "totalt" | "Alla" => Some(Gender::T),
        "K" | "k" | "F" | "Kvinnor" | "kvinnor" => Some(Gender::K),
        "M" | "m" | "Män" | "män" => Some(Gender::M),
        _ => None,
    }
}

/// Whether Kolada marks a record (or one value of it) as deleted: v3 `isdeleted: true`, v2
/// `is_deleted: 1`.
fn is_deleted(value: &Value) -> bool {
    ["isdeleted", "is_deleted"].iter().any(|key| match value.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(s)) => matches!(s.trim(), "1" | "true" | "True" | "TRUE"),
        _ => false,
    })
}

/// A string field, `None` when absent, null or empty.
fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// Which unit a data record is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// The municipality (or group) as a whole.
    Area,
    /// A partner's enhet in a network file (`ou` and `municipality` both given).
    Network,
    /// A Kolada organisational unit (`ou`; the municipality from Kolada's unit list).
    Kolada,
}

/// Names or titles to ids, compared normalised (case, spacing); when that finds nothing, compared
/// loosely too (without the notes Kolada adds, see [`Titles::new`]).
struct Titles {
    exact: HashMap<String, Vec<&'static str>>,
    loose: HashMap<String, Vec<&'static str>>,
    loosen: fn(&str) -> String,
}

/// How a name or title matched.
#[derive(Debug, PartialEq, Eq)]
enum Match {
    One(&'static str),
    None,
    Several(Vec<&'static str>),
}

impl Titles {
    /// `loosen` maps a normalised title to its loose form.
    fn new(pairs: impl Iterator<Item = (&'static str, &'static str)>, loosen: fn(&str) -> String) -> Titles {
        let mut t = Titles { exact: HashMap::new(), loose: HashMap::new(), loosen };
        for (id, title) in pairs {
            let n = normalise(title);
            for (map, key) in [(&mut t.exact, n.clone()), (&mut t.loose, loosen(&n))] {
                let ids = map.entry(key).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        t
    }

    fn find(&self, text: &str) -> Match {
        let n = normalise(text);
        let ids = match self.exact.get(&n) {
            Some(ids) => ids,
            None => match self.loose.get(&(self.loosen)(&n)) {
                Some(ids) => ids,
                None => return Match::None,
            },
        };
        match ids.as_slice() {
            [one] => Match::One(one),
            several => Match::Several(several.to_vec()),
        }
    }

    /// Kolada's KPI titles (the catalogue and the historical KPB titles). Loosely: without a
    /// leading "KPB - " and a trailing period note such as "(-2024)".
    fn kpis() -> Titles {
        let pairs = reference::catalogue().map(|k| (k.id, k.title)).chain(reference::kpb_kpis());
        Titles::new(pairs, loose_kpi)
    }

    /// Kolada's names of municipalities, regions, Riket and groups. Loosely: without a trailing
    /// note in brackets, such as "(ovägt medel)".
    fn areas() -> Titles {
        let pairs =
            reference::municipalities().map(|m| (m.id, m.title)).chain(reference::groups().map(|g| (g.id, g.title)));
        Titles::new(pairs, |n| strip_note(n, |_| true))
    }
}

/// A normalised KPI title without a leading "kpb - " and a trailing period note ("(-2024)",
/// "(2010-2019)"; not "(%)").
fn loose_kpi(title: &str) -> String {
    let title = title.strip_prefix("kpb - ").unwrap_or(title);
    strip_note(title, |note| !note.is_empty() && note.chars().all(|c| c.is_ascii_digit() || c == '-'))
}

/// The text without a trailing "(note)" that `wanted` accepts.
fn strip_note(text: &str, wanted: fn(&str) -> bool) -> String {
    if let Some(rest) = text.strip_suffix(')')
        && let Some((before, note)) = rest.rsplit_once('(')
        && wanted(note.trim())
    {
        return before.trim_end().to_owned();
    }
    text.to_owned()
}

impl Reader {
    /// KPIs the file has only K or M values for: said, as they are never compared.
    fn only_gendered(&mut self, file: &InputFile, from: usize) {
        let mut kpis: std::collections::BTreeMap<&str, bool> = std::collections::BTreeMap::new();
        for v in &self.data.values[from..] {
            *kpis.entry(&v.kpi).or_default() |= v.gender == Gender::T;
        }
        let only: Vec<&str> = kpis.into_iter().filter(|(_, t)| !t).map(|(k, _)| k).collect();
        if !only.is_empty() {
            let kpis = only.into_iter().map(str::to_owned).collect();
            self.findings.push(Finding::at(
                Position::file(&file.name),
                FindingKind::KoladaOnlyGendered { file: file.name.clone(), kpis },
            ));
        }
    }

    /// What the catalogue says of a KPI: an unknown one is warned about once, a historical one
    /// is noted for the file's [`Reader::historical_note`] (not in a network file, whose U-KPIs
    /// are the partner's own figures).
    fn note_kpi(&mut self, kpi: &str, pos: impl FnOnce() -> Position, file: &str) {
        let known = *self.known.entry(kpi.to_owned()).or_insert_with(|| {
            if reference::is_historical(kpi) {
                Known::Historical
            } else if reference::kpi_title(kpi).is_some() || kpi.starts_with("KPB-") {
                Known::Current
            } else {
                Known::Unknown
            }
        });
        match known {
            Known::Current => {}
            Known::Historical => {
                if !self.network && !self.historical.contains(kpi) {
                    self.historical.insert(kpi.to_owned());
                }
            }
            Known::Unknown => {
                if self.unknown_kpis.insert(kpi.to_owned()) {
                    self.findings.push(Finding::at(
                        pos(),
                        FindingKind::UnknownKpi { kpi: kpi.to_owned(), file: file.to_owned() },
                    ));
                }
            }
        }
    }

    /// One finding per file naming the KPIs Kolada no longer publishes.
    fn historical_note(&mut self, file: &str) {
        if self.historical.is_empty() {
            return;
        }
        let kpis: Vec<String> = self.historical.iter().cloned().collect();
        let kpb = kpis.iter().any(|id| reference::kpb_kpi(id).is_some());
        self.findings.push(Finding::at(
            Position::file(file),
            FindingKind::KoladaHistorical { file: file.to_owned(), kpis, kpb },
        ));
    }

    fn file(&mut self, file: &InputFile, read_workbook: WorkbookReader) {
        let pos = Position::file(&file.name);
        let trimmed =
            file.bytes.iter().find(|b| !(b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF));
        if matches!(trimmed, Some(b'{') | Some(b'[')) {
            return self.json(file);
        }
        let sheets = match decode(&file.bytes) {
            Content::Text { text, .. } => vec![Sheet::csv(&file.name, text.into_owned())],
            Content::Zip | Content::LegacyExcel => match read_workbook(&file.name, &file.bytes) {
                Ok(s) => s.into_iter().map(|w| Sheet::worksheet(&file.name, w)).collect(),
                Err(text) => {
                    self.findings.push(Finding::at(pos, FindingKind::BrokenReferenceWorkbook { text }));
                    return;
                }
            },
            _ => {
                self.findings.push(Finding::at(pos, FindingKind::UnreadableReferenceFile { file: file.name.clone() }));
                return;
            }
        };
        for sheet in sheets {
            if self.table(&sheet) {
                return;
            }
        }
        self.findings.push(Finding::at(pos, FindingKind::UnknownReferenceFile { file: file.name.clone() }));
    }

    fn json(&mut self, file: &InputFile) {
        let pos = Position::file(&file.name);
        let raw = String::from_utf8_lossy(&file.bytes);
        let root: Value = match serde_json::from_str(raw.trim_start_matches('\u{feff}')) {
            Ok(v) => v,
            Err(e) => {
                let mut at = pos.clone();
                at.line = Some(e.line() as u32);
                // serde_json counts columns from 1, but says 0 at the very start of a line.
                at.column = Some(e.column().max(1) as u32);
                let truncated = e.classify() == serde_json::error::Category::Eof;
                self.findings.push(Finding::at(at, FindingKind::BrokenJson { file: file.name.clone(), truncated }));
                return;
            }
        };
        let is_network = root.get("format").and_then(Value::as_str).is_some_and(|f| f.starts_with("kpb-natverk"));
        self.network = is_network;
        self.deleted = 0;
        let records = match &root {
            Value::Array(a) => a.as_slice(),
            Value::Object(o) => o.get("values").and_then(Value::as_array).map_or(&[][..], Vec::as_slice),
            _ => &[][..],
        };
        // v3 pages: the addresses are kept on the file; what is missing is said once all files
        // are read (RefData::settle).
        let next_url = text(&root, "next_url").or_else(|| text(&root, "next_page")).map(str::to_owned);
        let previous_url = text(&root, "previous_url").map(str::to_owned);
        let version = if root.get("next_url").is_some() || root.get("previous_url").is_some() { "v3" } else { "v2" };
        // Kolada's lists: municipalities, units (ou) or KPIs.
        if records
            .first()
            .is_some_and(|r| r.get("title").is_some() && r.get("id").is_some() && r.get("values").is_none())
        {
            let is_kpi_list =
                records.iter().any(|r| r.get("operating_area").is_some() || r.get("is_divided_by_gender").is_some());
            if is_kpi_list {
                self.findings.push(Finding::at(pos, FindingKind::KoladaKpiList { file: file.name.clone() }));
                return;
            }
            // The unit list (/v3/ou): each unit names its municipality.
            let is_ou_list = records.iter().any(|r| r.get("municipality").is_some());
            let mut n = 0;
            for r in records {
                let title = r.get("title").and_then(Value::as_str).map(str::trim).unwrap_or_default();
                if is_ou_list {
                    if let Some(id) = text(r, "id") {
                        let municipality = r.get("municipality").and_then(area_id).unwrap_or_default();
                        self.data.ous.insert(id.to_owned(), OuInfo { title: title.to_owned(), municipality });
                        n += 1;
                    }
                } else if let Some(id) = r.get("id").and_then(area_id)
                    && !title.is_empty()
                {
                    self.data.names.insert(id, title.to_owned());
                    n += 1;
                }
            }
            self.data.files.push(RefFile {
                digest: 0,
                name: file.name.clone(),
                kind: if is_ou_list { "Koladas enhetslista" } else { "Koladas kommunlista" }.into(),
                values: n,
                next_url,
                previous_url,
            });
            return;
        }
        let before = self.data.values.len();
        let mut ou_records = 0;
        for (i, record) in records.iter().enumerate() {
            if is_deleted(record) {
                self.deleted += 1;
                continue;
            }
            if record.get("ou").is_some() && !is_network {
                ou_records += 1;
                self.record(record, file, i, Unit::Kolada);
            } else {
                self.record(record, file, i, Unit::Area);
            }
        }
        if ou_records > 0 {
            let kind = FindingKind::KoladaUnitValues { file: file.name.clone(), records: ou_records };
            self.findings.push(Finding::at(pos.clone(), kind));
        }
        if is_network {
            for (i, record) in
                root.get("kpb_values").and_then(Value::as_array).map_or(&[][..], Vec::as_slice).iter().enumerate()
            {
                self.record(record, file, i, Unit::Area);
            }
            let area = root.pointer("/municipality/id").and_then(area_id);
            if let (Some(id), Some(title)) = (area.clone(), root.pointer("/municipality/title").and_then(Value::as_str))
            {
                self.data.names.insert(id.clone(), title.to_owned());
                let text = |p: &str| root.pointer(p).and_then(Value::as_str).unwrap_or_default().to_owned();
                self.data.partners.insert(
                    id,
                    Partner {
                        title: title.to_owned(),
                        period: root.get("period").and_then(period),
                        status: text("/status"),
                        allocation_key: text("/settings/allocation_key"),
                        min_clients: root.get("min_clients").and_then(Value::as_u64).unwrap_or(0) as u32,
                    },
                );
            }
            for (i, record) in
                root.get("ou_values").and_then(Value::as_array).map_or(&[][..], Vec::as_slice).iter().enumerate()
            {
                self.record(record, file, i, Unit::Network);
            }
            if let (Some(area), Some(deciles)) = (area, root.pointer("/distribution/deciles").and_then(Value::as_array))
            {
                let d: Vec<Decimal> = deciles.iter().filter_map(|v| decimal(v).ok().flatten()).collect();
                if d.len() == 10 {
                    self.data.deciles.insert(area, d);
                }
            }
        }
        if self.deleted > 0 {
            let kind = FindingKind::KoladaDeleted { file: file.name.clone(), records: self.deleted };
            self.findings.push(Finding::at(pos.clone(), kind));
        }
        let n = (self.data.values.len() - before) as u32;
        let kind = if is_network {
            let who = root.pointer("/municipality/title").and_then(Value::as_str).unwrap_or("en partner");
            format!("Nätverksfil från {who}")
        } else {
            format!("Kolada-data ({version})")
        };
        if n == 0 && records.len() > self.deleted as usize {
            self.findings.push(Finding::at(pos.clone(), FindingKind::KoladaNoValues { file: file.name.clone() }));
        } else if records.is_empty() {
            self.findings.push(Finding::at(pos.clone(), FindingKind::KoladaEmpty { file: file.name.clone() }));
        }
        self.data.files.push(RefFile { digest: 0, name: file.name.clone(), kind, values: n, next_url, previous_url });
    }

    /// One record of Kolada's data answer: {kpi, municipality | ou, period, values: [{gender,
    /// value, count, status}]}, or a flat one with gender and value on the record itself.
    fn record(&mut self, record: &Value, file: &InputFile, index: usize, unit_of: Unit) {
        let pos = Position::file(&file.name);
        let bad = |this: &mut Self, problem: RecordProblem| {
            let kind = FindingKind::KoladaBadRecord { file: file.name.clone(), record: index + 1, problem };
            this.findings.push(Finding::at(pos.clone(), kind));
        };
        let Some(kpi) = record.get("kpi").and_then(Value::as_str).map(str::to_owned) else {
            return bad(self, RecordProblem::NoKpi);
        };
        let area = record.get("municipality").or_else(|| record.get("municipality_id")).and_then(area_id);
        let unit = match unit_of {
            Unit::Area => None,
            Unit::Network | Unit::Kolada => match record.get("ou").and_then(area_id) {
                Some(ou) => Some(ou),
                None => return bad(self, RecordProblem::NoUnit { kpi }),
            },
        };
        // A Kolada unit's municipality comes from Kolada's unit list when the record has none.
        let area = match (area, unit_of) {
            (Some(area), _) => area,
            (None, Unit::Kolada) => String::new(),
            (None, _) => return bad(self, RecordProblem::NoArea { kpi }),
        };
        let place = if area.is_empty() { unit.clone().unwrap_or_default() } else { area.clone() };
        let Some(year) = record.get("period").and_then(period) else {
            return bad(self, RecordProblem::NoYear { kpi, place });
        };
        self.note_kpi(&kpi, || Position::file(&file.name), &file.name);
        let entries: Vec<&Value> = match record.get("values").and_then(Value::as_array) {
            Some(list) => list.iter().collect(),
            None => vec![record],
        };
        for entry in entries {
            if is_deleted(entry) && !std::ptr::eq(entry, record) {
                self.deleted += 1;
                continue;
            }
            let g = entry.get("gender").and_then(Value::as_str).unwrap_or("T");
            let Some(gender) = gender(g) else {
                let (kpi, place, gender) = (kpi.clone(), place.clone(), g.to_owned());
                bad(self, RecordProblem::UnknownGender { kpi, place, year, gender });
                continue;
            };
            let Ok(value) = entry.get("value").map_or(Ok(None), decimal) else {
                bad(self, RecordProblem::NotANumber { kpi: kpi.clone(), place: place.clone(), year });
                continue;
            };
            if value.is_some_and(|v| !plausible(v)) {
                bad(self, RecordProblem::TooLarge { kpi: kpi.clone(), place: place.clone(), year });
                continue;
            }
            let status = entry.get("status").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
            self.data.values.push(RefValue {
                kpi: kpi.clone(),
                area: area.clone(),
                unit: unit.clone(),
                unit_name: if unit.is_some() { text(record, "title").map(str::to_owned) } else { None },
                period: year,
                gender,
                value,
                status: status.or_else(|| value.is_none().then(|| "saknas".to_owned())),
                file: file.name.clone(),
            });
        }
    }

    /// A table: a Kolada download (long: one value per row; wide: a column per year) or quality
    /// results. Returns whether the sheet was recognised.
    fn table(&mut self, sheet: &Sheet) -> bool {
        let head = sheet.head(12);
        let find =
            |cells: &[String], names: &[&str]| cells.iter().position(|c| names.contains(&normalise_header(c).as_str()));
        for (line, cells) in &head {
            let kpi_id = find(
                cells,
                &["nyckeltals-id", "nyckeltal-id", "nyckeltalsid", "kpi", "kpi-id", "kpi id", "id nyckeltal"],
            );
            // Kolada's web download names the KPI by its title.
            let kpi_title = find(cells, &["nyckeltal", "nyckeltalsnamn", "nyckeltalets namn", "titel"]);
            let area = find(
                cells,
                &["kommun-id", "kommunkod", "kommun id", "kommunid", "område-id", "kommun- eller regionkod"],
            );
            let name = find(
                cells,
                &[
                    "kommun",
                    "kommunnamn",
                    "område",
                    "kommun/region",
                    "kommun/landsting",
                    "region/kommun",
                    "kommun eller region",
                ],
            );
            let year = find(cells, &["år", "period"]);
            let value = find(cells, &["värde", "value"]).or_else(|| find(cells, &["visat värde"]));
            let gender = find(cells, &["kön"]);
            let year_columns: Vec<(usize, i32)> = cells
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.trim().parse::<i32>().ok().filter(|y| (1990..=2100).contains(y)).map(|y| (i, y)))
                .collect();
            let kpi = match (kpi_id, kpi_title) {
                (Some(c), _) => Some(Key::Id(c)),
                (None, Some(c)) => Some(Key::Name(c)),
                (None, None) => None,
            };
            let place = match (area, name) {
                (Some(c), _) => Some(Key::Id(c)),
                (None, Some(c)) => Some(Key::Name(c)),
                (None, None) => None,
            };
            if let (Some(kpi), Some(place)) = (kpi, place) {
                let columns = match (year, value) {
                    (Some(year), Some(value)) => Some(Columns::Long { year, value }),
                    _ => (!year_columns.is_empty()).then_some(Columns::Wide(year_columns)),
                };
                if let Some(columns) = columns {
                    let names = name.filter(|n| Some(*n) != area && area.is_some());
                    self.kolada_table(sheet, *line, cells, TableColumns { kpi, place, names, columns, gender });
                    return true;
                }
            }
            let enhet = find(cells, &["enhet", "utförare", "enhetskod", "enhetsnamn"]);
            let measure = find(cells, &["mått", "kvalitetsmått", "fråga", "indikator"]);
            let result = find(cells, &["värde", "resultat", "andel", "poäng", "andel nöjda"]);
            if let (Some(enhet), Some(result)) = (enhet, result) {
                let insats = find(cells, &["insats", "insatskod"]);
                self.quality(sheet, *line, QualityColumns { enhet, measure, result, year, insats });
                return true;
            }
        }
        false
    }

    /// Matches a KPI title or an area name of a table row to its id. What matches nothing or
    /// several is a finding at the cell, and the row is not used (`None`).
    fn match_name(&mut self, is_kpi: bool, text: &str, pos: Position) -> Option<String> {
        let titles = if is_kpi { &mut self.titles } else { &mut self.areas };
        let titles = titles.get_or_insert_with(if is_kpi { Titles::kpis } else { Titles::areas });
        let text = text.to_owned();
        let kind = match (titles.find(&text), is_kpi) {
            (Match::One(id), _) => return Some(id.to_owned()),
            (Match::None, true) => FindingKind::UnknownKpiTitle { text },
            (Match::None, false) if !reference::groups_known() => FindingKind::UnknownAreaWithoutGroups { text },
            (Match::None, false) => FindingKind::UnknownArea { text },
            (Match::Several(ids), _) => {
                let ids = ids.into_iter().map(str::to_owned).collect();
                if is_kpi {
                    FindingKind::AmbiguousKpiTitle { text, ids }
                } else {
                    FindingKind::AmbiguousArea { text, ids }
                }
            }
        };
        self.findings.push(Finding::at(pos, kind));
        None
    }

    fn kolada_table(&mut self, sheet: &Sheet, header: u32, headers: &[String], cols: TableColumns) {
        let TableColumns { kpi, place, names, columns, gender: gender_col } = cols;
        let before = self.data.values.len();
        let heading = |c: usize| headers.get(c).map_or("", |h| h.trim()).to_owned();
        sheet.for_each_row(|line, row| {
            if line <= header {
                return true;
            }
            let pos = || sheet.pos(line);
            let kpi_text = row.get(kpi.column()).to_owned();
            let raw_area = row.get(place.column()).to_owned();
            if kpi_text.is_empty() || raw_area.is_empty() {
                if !(kpi_text.is_empty() && raw_area.is_empty()) {
                    let missing = match (kpi_text.is_empty(), &kpi) {
                        (true, Key::Id(_)) => "nyckeltals-id",
                        (true, Key::Name(_)) => "nyckeltal",
                        (false, _) => "kommun",
                    };
                    self.findings
                        .push(Finding::at(pos(), FindingKind::KoladaRowMissing { missing: missing.to_owned() }));
                }
                return true;
            }
            let kpi_id = match kpi {
                Key::Id(_) => kpi_text,
                Key::Name(c) => {
                    let at = pos().with_column(c as u32 + 1, &heading(c));
                    match self.match_name(true, &kpi_text, at) {
                        Some(id) => id,
                        None => return true,
                    }
                }
            };
            let area_code = match place {
                Key::Id(_) => area_id(&Value::String(raw_area.clone())).unwrap_or(raw_area),
                Key::Name(c) => {
                    let at = pos().with_column(c as u32 + 1, &heading(c));
                    match self.match_name(false, &raw_area, at) {
                        Some(id) => id,
                        None => return true,
                    }
                }
            };
            if let Some(n) = names {
                let title = row.get(n);
                if !title.is_empty() {
                    self.data.names.insert(area_code.clone(), title.to_owned());
                }
            }
            let g = gender_col.map_or("T", |c| row.get(c));
            let Some(gender) = gender(if g.is_empty() { "T" } else { g }) else {
                self.findings.push(Finding::at(pos(), FindingKind::KoladaRowGender { gender: g.to_owned() }));
                return true;
            };
            let cells: Vec<(i32, usize, &str)> = match &columns {
                Columns::Long { year, value } => match row.get(*year).get(..4).and_then(|y| y.parse().ok()) {
                    Some(y) => vec![(y, *value, row.get(*value))],
                    None => {
                        self.findings
                            .push(Finding::at(pos(), FindingKind::KoladaRowYear { text: row.get(*year).to_owned() }));
                        return true;
                    }
                },
                Columns::Wide(years) => years.iter().map(|(i, y)| (*y, *i, row.get(*i))).collect(),
            };
            for (year, column, text) in cells {
                let value = match text {
                    "" | "-" | ".." | "." => None,
                    t => {
                        let bad = |too_large| FindingKind::KoladaBadValue { text: t.to_owned(), too_large };
                        let problem = match parse_decimal(t) {
                            Ok(v) if v.is_none_or(plausible) => Ok(v),
                            Ok(_) => Err(bad(true)),
                            Err(_) => Err(bad(false)),
                        };
                        match problem {
                            Ok(v) => v,
                            Err(kind) => {
                                self.findings.push(Finding::at(pos().with_column(column as u32 + 1, ""), kind));
                                continue;
                            }
                        }
                    }
                };
                self.note_kpi(&kpi_id, pos, &sheet.file);
                self.data.values.push(RefValue {
                    kpi: kpi_id.clone(),
                    area: area_code.clone(),
                    unit: None,
                    unit_name: None,
                    period: year,
                    gender,
                    value,
                    status: value.is_none().then(|| "saknas".to_owned()),
                    file: sheet.file.clone(),
                });
            }
            true
        });
        let n = (self.data.values.len() - before) as u32;
        self.data.files.push(RefFile {
            digest: 0,
            name: sheet.file.clone(),
            kind: "Koladatabell".into(),
            values: n,
            next_url: None,
            previous_url: None,
        });
    }

    fn quality(&mut self, sheet: &Sheet, header: u32, columns: QualityColumns) {
        let QualityColumns { enhet, measure, result, year, insats } = columns;
        let before = self.data.quality.len();
        sheet.for_each_row(|line, row| {
            if line <= header {
                return true;
            }
            let name = row.get(enhet);
            if name.is_empty() || row.get(result).is_empty() {
                if !(name.is_empty() && row.get(result).is_empty()) {
                    let missing = if name.is_empty() { "enhet" } else { "värde" };
                    self.findings.push(Finding::at(
                        sheet.pos(line),
                        FindingKind::QualityIncomplete { missing: missing.to_owned() },
                    ));
                }
                return true;
            }
            let insats = match insats.map(|c| row.get(c)).filter(|t| !t.is_empty()) {
                None => None,
                Some(text) => {
                    let found = Insats::recognise(text);
                    if found.is_none() {
                        self.findings.push(Finding::at(
                            sheet.pos(line).with_column(insats.unwrap_or_default() as u32 + 1, ""),
                            FindingKind::QualityUnknownInsats { text: text.to_owned() },
                        ));
                    }
                    found
                }
            };
            match parse_decimal(row.get(result)) {
                Ok(Some(value)) => self.data.quality.push(QualityValue {
                    insats,
                    enhet: name.to_owned(),
                    measure: measure.map_or("Kvalitet", |m| row.get(m)).to_owned(),
                    value,
                    year: year.and_then(|y| row.get(y).get(..4)?.parse().ok()),
                    file: sheet.file.clone(),
                    line,
                }),
                Ok(None) => {}
                Err(_) => self.findings.push(Finding::at(
                    sheet.pos(line).with_column(result as u32 + 1, ""),
                    FindingKind::QualityNotANumber { text: row.get(result).to_owned() },
                )),
            }
            true
        });
        let n = (self.data.quality.len() - before) as u32;
        self.data.files.push(RefFile {
            digest: 0,
            name: sheet.file.clone(),
            kind: "Kvalitetsresultat per enhet".into(),
            values: n,
            next_url: None,
            previous_url: None,
        });
    }
}

/// Where a quality table has its columns.
struct QualityColumns {
    enhet: usize,
    measure: Option<usize>,
    result: usize,
    year: Option<usize>,
    insats: Option<usize>,
}

enum Columns {
    Long { year: usize, value: usize },
    Wide(Vec<(usize, i32)>),
}

/// A column giving ids, or names (titles) to be matched to ids.
#[derive(Clone, Copy)]
enum Key {
    Id(usize),
    Name(usize),
}

impl Key {
    fn column(self) -> usize {
        match self {
            Key::Id(c) | Key::Name(c) => c,
        }
    }
}

/// Where a Kolada table has its columns.
struct TableColumns {
    kpi: Key,
    /// The municipality or group.
    place: Key,
    /// Names beside an id column (kept as the areas' names).
    names: Option<usize>,
    columns: Columns,
    gender: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_match_exactly_first_then_loosely_and_say_when_several() {
        let kpis = Titles::new(
            [
                ("N1", "Kostnad hemtjänst, kr/brukare (-2024)"),
                ("N2", "Kostnad hemtjänst, kr/brukare"),
                ("N3", "Andel (%) (-2023)"),
                ("N4", "Andel (%) (2010-2019)"),
                ("U1", "KPB - Kostnad boende, kr/dygn"),
            ]
            .into_iter(),
            loose_kpi,
        );
        // Exact (case and spacing aside) wins over the loose match.
        assert_eq!(kpis.find("kostnad  hemtjänst, KR/brukare"), Match::One("N2"));
        assert_eq!(kpis.find("Kostnad hemtjänst, kr/brukare (-2024)"), Match::One("N1"));
        // Loosely, "(%)" is no period note; two titles that differ only by theirs are two.
        assert_eq!(kpis.find("Andel (%)"), Match::Several(vec!["N3", "N4"]));
        assert_eq!(kpis.find("Andel"), Match::None);
        assert_eq!(kpis.find("Kostnad boende, kr/dygn"), Match::One("U1"));
    }

    #[test]
    fn shipped_names_and_titles_are_found() {
        let areas = Titles::areas();
        assert_eq!(areas.find("Stockholm"), Match::One("0180"));
        assert_eq!(areas.find("REGION STOCKHOLM"), Match::One("0001"));
        assert_eq!(areas.find("Riket"), Match::One("0000"));
        assert_eq!(areas.find("Fyrkommunsnätverket"), Match::One("G114418"));
        assert_eq!(areas.find("Stockholms stad"), Match::None);
        let kpis = Titles::kpis();
        assert_eq!(kpis.find("Kostnad hemtjänst äldreomsorg, kr/hemtjänsttagare"), Match::One("N21006"));
        assert_eq!(kpis.find("Kostnad hemtjänst, egen regi, kr/beviljad timme"), Match::One("U21003"));
    }
}

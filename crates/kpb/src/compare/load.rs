//! Reading reference files: Kolada's API answers (v2 and v3), Kolada's municipality list,
//! Kolada table downloads (CSV or Excel, long or wide), network partners' files and per-unit
//! quality results. Every value that cannot be used is a finding; nothing is mixed silently.

use super::{Gender, Partner, QualityValue, RefData, RefFile, RefValue};
use crate::finding::{Finding, Findings, Position, Severity};
use crate::import::InputFile;
use crate::import::decode::{Content, decode};
use crate::import::number::parse_decimal;
use crate::import::schema::normalise_header;
use crate::import::sheet::Sheet;
use crate::model::Insats;
use crate::reference::kpi_title;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeSet;
use std::str::FromStr;

/// Reads reference files. Never fails: what cannot be read is a finding.
pub fn load(files: &[InputFile]) -> RefData {
    let mut r = Reader { data: RefData::default(), findings: Findings::default(), unknown_kpis: BTreeSet::new() };
    for file in files {
        let before = r.data.values.len();
        r.file(file);
        r.only_gendered(file, before);
        if let Some(f) = r.data.files.iter_mut().rev().find(|f| f.name == file.name) {
            f.digest = digest(&file.bytes);
        }
    }
    let mut data = r.data;
    data.findings = r.findings.into_vec();
    data.dedupe();
    data
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

struct Reader {
    data: RefData,
    findings: Findings,
    unknown_kpis: BTreeSet<String>,
}

fn finding(severity: Severity, kind: &str, pos: Position, message: String, help: &str) -> Finding {
    Finding::new(severity, kind, pos, message, help)
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

impl Reader {
    /// KPIs the file has only K or M values for: said, as they are never compared.
    fn only_gendered(&mut self, file: &InputFile, from: usize) {
        let mut kpis: std::collections::BTreeMap<&str, bool> = std::collections::BTreeMap::new();
        for v in &self.data.values[from..] {
            *kpis.entry(&v.kpi).or_default() |= v.gender == Gender::T;
        }
        let only: Vec<&str> = kpis.into_iter().filter(|(_, t)| !t).map(|(k, _)| k).collect();
        if !only.is_empty() {
            self.findings.push(finding(
                Severity::Varning,
                "kolada-bara-kon",
                Position::file(&file.name),
                format!(
                    "Filen {} har bara värden för kvinnor och män (K, M) för {}, inga för totalt (T).",
                    file.name,
                    only.join(", ")
                ),
                "Kommunens egna nyckeltal gäller alla brukare och jämförs bara med T-värden. Hämta värdena med kön T.",
            ));
        }
    }

    fn file(&mut self, file: &InputFile) {
        let pos = Position::file(&file.name);
        let trimmed =
            file.bytes.iter().find(|b| !(b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF));
        if matches!(trimmed, Some(b'{') | Some(b'[')) {
            return self.json(file);
        }
        let sheets = match decode(&file.bytes) {
            Content::Text { text, .. } => vec![Sheet::csv(&file.name, text.into_owned())],
            Content::Zip | Content::LegacyExcel => match crate::import::workbook_sheets(&file.name, &file.bytes) {
                Ok(s) => s,
                Err(message) => {
                    self.findings.push(finding(
                        Severity::Fel,
                        "trasig-xlsx",
                        pos,
                        message,
                        "Spara filen på nytt i Excel.",
                    ));
                    return;
                }
            },
            _ => {
                self.findings.push(finding(
                    Severity::Fel,
                    "okand-referensfil",
                    pos,
                    format!("Filen {} kunde inte läsas: den är varken JSON från Kolada, en tabell (CSV eller Excel) eller en nätverksfil.", file.name),
                    "Hämta filen från Kolada på nytt (JSON från API:t eller Ladda ner som CSV/Excel).",
                ));
                return;
            }
        };
        for sheet in sheets {
            if self.table(&sheet) {
                return;
            }
        }
        self.findings.push(finding(
            Severity::Fel,
            "okand-referensfil",
            pos,
            format!("Filen {} kändes inte igen som Koladadata eller kvalitetsresultat.", file.name),
            "Koladatabeller behöver kolumnerna nyckeltal(-id), kommun(-id), år och värde; kvalitetsresultat kolumnerna Enhet, Mått och Värde.",
        ));
    }

    fn json(&mut self, file: &InputFile) {
        let pos = Position::file(&file.name);
        let text = String::from_utf8_lossy(&file.bytes);
        let root: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
            Ok(v) => v,
            Err(e) => {
                let mut at = pos.clone();
                at.line = Some(e.line() as u32);
                // serde_json counts columns from 1, but says 0 at the very start of a line.
                at.column = Some(e.column().max(1) as u32);
                let what = match e.classify() {
                    serde_json::error::Category::Eof => "den tar slut mitt i, troligen avklippt",
                    _ => "ett tecken där passar inte",
                };
                self.findings.push(finding(
                    Severity::Fel,
                    "trasig-json",
                    at,
                    format!("Filen {} är inte giltig JSON: {what}.", file.name),
                    "Filen kan vara avklippt eller ändrad. Spara svaret från Kolada på nytt, hela.",
                ));
                return;
            }
        };
        let is_network = root.get("format").and_then(Value::as_str).is_some_and(|f| f.starts_with("kpb-natverk"));
        let (records, next) = match &root {
            Value::Array(a) => (a.as_slice(), None),
            Value::Object(o) => (
                o.get("values").and_then(Value::as_array).map_or(&[][..], Vec::as_slice),
                o.get("next_url").or_else(|| o.get("next_page")).and_then(Value::as_str),
            ),
            _ => (&[][..], None),
        };
        let version = if root.get("next_url").is_some() || root.get("previous_url").is_some() { "v3" } else { "v2" };
        if let Some(next) = next {
            self.findings.push(finding(
                Severity::Varning,
                "kolada-fler-sidor",
                pos.clone(),
                format!("Filen {} är första sidan av ett större svar; resten finns på {next}.", file.name),
                "Öppna adressen, spara även den sidan och läs in den: annars saknas värden.",
            ));
        }
        // Kolada's municipality list: names for the ids.
        if records
            .first()
            .is_some_and(|r| r.get("title").is_some() && r.get("id").is_some() && r.get("values").is_none())
        {
            let is_kpi_list =
                records.iter().any(|r| r.get("operating_area").is_some() || r.get("is_divided_by_gender").is_some());
            if is_kpi_list {
                self.findings.push(finding(
                    Severity::Info,
                    "kolada-kpi-lista",
                    pos,
                    format!(
                        "Filen {} är Koladas lista över nyckeltal; den behövs inte (verktyget har katalogen).",
                        file.name
                    ),
                    "",
                ));
                return;
            }
            let mut n = 0;
            for r in records {
                if let (Some(id), Some(title)) = (r.get("id").and_then(area_id), r.get("title").and_then(Value::as_str))
                {
                    self.data.names.insert(id, title.to_owned());
                    n += 1;
                }
            }
            self.data.files.push(RefFile {
                digest: 0,
                name: file.name.clone(),
                kind: "Koladas kommunlista".into(),
                values: n,
            });
            return;
        }
        let before = self.data.values.len();
        let mut ou_records = 0;
        for (i, record) in records.iter().enumerate() {
            if record.get("ou").is_some() && record.get("municipality").is_none() {
                ou_records += 1;
                continue;
            }
            self.record(record, file, i, None);
        }
        if ou_records > 0 {
            self.findings.push(finding(
                Severity::Varning,
                "kolada-enhetsdata",
                pos.clone(),
                format!(
                    "Filen {} har värden per organisatorisk enhet (ou), inte per kommun ({ou_records} st).",
                    file.name
                ),
                "De jämförs inte med kommunens nyckeltal. Hämta kommunens värden (…/municipality/…) i stället.",
            ));
        }
        if is_network {
            for (i, record) in
                root.get("kpb_values").and_then(Value::as_array).map_or(&[][..], Vec::as_slice).iter().enumerate()
            {
                self.record(record, file, i, None);
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
                self.record(record, file, i, Some(()));
            }
            if let (Some(area), Some(deciles)) = (area, root.pointer("/distribution/deciles").and_then(Value::as_array))
            {
                let d: Vec<Decimal> = deciles.iter().filter_map(|v| decimal(v).ok().flatten()).collect();
                if d.len() == 10 {
                    self.data.deciles.insert(area, d);
                }
            }
        }
        let n = (self.data.values.len() - before) as u32;
        let kind = if is_network {
            let who = root.pointer("/municipality/title").and_then(Value::as_str).unwrap_or("en partner");
            format!("Nätverksfil från {who}")
        } else {
            format!("Kolada-data ({version})")
        };
        if n == 0 && !records.is_empty() {
            self.findings.push(finding(
                Severity::Fel,
                "kolada-inga-varden",
                pos.clone(),
                format!("Filen {} innehöll inga värden som kunde läsas.", file.name),
                "Kontrollera att filen är ett svar från Koladas data-API (värden per nyckeltal, kommun och år).",
            ));
        } else if records.is_empty() {
            self.findings.push(finding(
                Severity::Varning,
                "kolada-tom",
                pos.clone(),
                format!("Filen {} innehåller inga värden.", file.name),
                "Kolada hade inga värden för urvalet: prova andra år eller kommuner.",
            ));
        }
        self.data.files.push(RefFile { digest: 0, name: file.name.clone(), kind, values: n });
    }

    /// One record of Kolada's data answer: {kpi, municipality | ou, period, values: [{gender,
    /// value, count, status}]}, or a flat one with gender and value on the record itself.
    fn record(&mut self, record: &Value, file: &InputFile, index: usize, ou: Option<()>) {
        let mut pos = Position::file(&file.name);
        pos.line = None;
        let what = format!("post {}", index + 1);
        let bad = |this: &mut Self, message: String| {
            this.findings.push(finding(
                Severity::Fel,
                "kolada-felaktig-post",
                pos.clone(),
                format!("{}: {what} {message}", file.name),
                "Posten används inte. Hämta filen från Kolada på nytt.",
            ));
        };
        let Some(kpi) = record.get("kpi").and_then(Value::as_str).map(str::to_owned) else {
            return bad(self, "saknar nyckeltal (kpi).".into());
        };
        let area = record.get("municipality").or_else(|| record.get("municipality_id")).and_then(area_id);
        let unit = if ou.is_some() { record.get("ou").and_then(area_id) } else { None };
        let Some(area) = area else {
            return bad(self, format!("({kpi}) saknar kommun."));
        };
        let Some(year) = record.get("period").and_then(period) else {
            return bad(self, format!("({kpi}, {area}) saknar ett giltigt år."));
        };
        if kpi_title(&kpi).is_none() && !kpi.starts_with("KPB-") && self.unknown_kpis.insert(kpi.clone()) {
            self.findings.push(finding(
                Severity::Varning,
                "okant-nyckeltal",
                Position::file(&file.name),
                format!("Nyckeltalet {kpi} i {} finns inte i verktygets katalog.", file.name),
                "Värdena visas med sitt id men jämförs bara om det egna resultatet har samma nyckeltal.",
            ));
        }
        let entries: Vec<&Value> = match record.get("values").and_then(Value::as_array) {
            Some(list) => list.iter().collect(),
            None => vec![record],
        };
        for entry in entries {
            let g = entry.get("gender").and_then(Value::as_str).unwrap_or("T");
            let Some(gender) = gender(g) else {
                bad(self, format!("({kpi}, {area}, {year}) har okänt kön \"{g}\"."));
                continue;
            };
            let Ok(value) = entry.get("value").map_or(Ok(None), decimal) else {
                bad(self, format!("({kpi}, {area}, {year}) har ett värde som inte är ett tal."));
                continue;
            };
            if value.is_some_and(|v| !plausible(v)) {
                bad(self, format!("({kpi}, {area}, {year}) har ett orimligt stort värde."));
                continue;
            }
            let status = entry.get("status").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
            self.data.values.push(RefValue {
                kpi: kpi.clone(),
                area: area.clone(),
                unit: unit.clone(),
                unit_name: if unit.is_some() {
                    record.get("title").and_then(Value::as_str).map(str::to_owned)
                } else {
                    None
                },
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
            let kpi = find(
                cells,
                &["nyckeltals-id", "nyckeltal-id", "nyckeltalsid", "kpi", "kpi-id", "kpi id", "id nyckeltal"],
            );
            let area = find(
                cells,
                &["kommun-id", "kommunkod", "kommun id", "kommunid", "område-id", "kommun- eller regionkod"],
            );
            let name = find(cells, &["kommun", "kommunnamn", "område", "kommun/region"]);
            let year = find(cells, &["år", "period"]);
            let value = find(cells, &["värde", "value"]);
            let gender = find(cells, &["kön"]);
            let year_columns: Vec<(usize, i32)> = cells
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.trim().parse::<i32>().ok().filter(|y| (1990..=2100).contains(y)).map(|y| (i, y)))
                .collect();
            if let (Some(kpi), Some(area)) = (kpi, area.or(name)) {
                if let (Some(year), Some(value)) = (year, value) {
                    self.kolada_table(sheet, *line, kpi, area, name, Columns::Long { year, value }, gender);
                    return true;
                }
                if !year_columns.is_empty() {
                    self.kolada_table(sheet, *line, kpi, area, name, Columns::Wide(year_columns), gender);
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

    #[allow(clippy::too_many_arguments)]
    fn kolada_table(
        &mut self,
        sheet: &Sheet,
        header: u32,
        kpi: usize,
        area: usize,
        name: Option<usize>,
        cols: Columns,
        gender_col: Option<usize>,
    ) {
        let before = self.data.values.len();
        sheet.for_each_row(|line, row| {
            if line <= header {
                return true;
            }
            let pos = || sheet.pos(line);
            let kpi_id = row.get(kpi).to_owned();
            let raw_area = row.get(area).to_owned();
            if kpi_id.is_empty() || raw_area.is_empty() {
                if !(kpi_id.is_empty() && raw_area.is_empty()) {
                    let missing = if kpi_id.is_empty() { "nyckeltals-id" } else { "kommun" };
                    self.findings.push(finding(
                        Severity::Fel,
                        "kolada-felaktig-post",
                        pos(),
                        format!("Raden saknar {missing}."),
                        "Raden används inte.",
                    ));
                }
                return true;
            }
            let area_code = area_id(&Value::String(raw_area.clone())).unwrap_or(raw_area);
            if let Some(n) = name.filter(|n| Some(*n) != Some(area)) {
                let title = row.get(n);
                if !title.is_empty() {
                    self.data.names.insert(area_code.clone(), title.to_owned());
                }
            }
            let g = gender_col.map_or("T", |c| row.get(c));
            let Some(gender) = gender(if g.is_empty() { "T" } else { g }) else {
                self.findings.push(finding(
                    Severity::Fel,
                    "kolada-felaktig-post",
                    pos(),
                    format!("Okänt kön \"{g}\"."),
                    "Raden används inte.",
                ));
                return true;
            };
            let cells: Vec<(i32, usize, &str)> = match &cols {
                Columns::Long { year, value } => match row.get(*year).get(..4).and_then(|y| y.parse().ok()) {
                    Some(y) => vec![(y, *value, row.get(*value))],
                    None => {
                        self.findings.push(finding(
                            Severity::Fel,
                            "kolada-felaktig-post",
                            pos(),
                            format!("Året \"{}\" känns inte igen.", row.get(*year)),
                            "Raden används inte.",
                        ));
                        return true;
                    }
                },
                Columns::Wide(years) => years.iter().map(|(i, y)| (*y, *i, row.get(*i))).collect(),
            };
            for (year, column, text) in cells {
                let value = match text {
                    "" | "-" | ".." | "." => None,
                    t => {
                        let problem = match parse_decimal(t) {
                            Ok(v) if v.is_none_or(plausible) => Ok(v),
                            Ok(_) => Err("är orimligt stort"),
                            Err(_) => Err("är inte ett tal"),
                        };
                        match problem {
                            Ok(v) => v,
                            Err(what) => {
                                self.findings.push(finding(
                                    Severity::Fel,
                                    "inte-ett-tal",
                                    pos().with_column(column as u32 + 1, ""),
                                    format!("\"{t}\" {what}."),
                                    "Värdet används inte.",
                                ));
                                continue;
                            }
                        }
                    }
                };
                if kpi_title(&kpi_id).is_none() && self.unknown_kpis.insert(kpi_id.clone()) {
                    self.findings.push(finding(
                        Severity::Varning,
                        "okant-nyckeltal",
                        pos(),
                        format!("Nyckeltalet {kpi_id} finns inte i verktygets katalog."),
                        "Värdena visas med sitt id men jämförs bara om det egna resultatet har samma nyckeltal.",
                    ));
                }
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
        self.data.files.push(RefFile { digest: 0, name: sheet.file.clone(), kind: "Koladatabell".into(), values: n });
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
                    self.findings.push(finding(
                        Severity::Varning,
                        "kvalitet-ofullstandig",
                        sheet.pos(line),
                        format!("Raden saknar {missing}."),
                        "Raden visas inte.",
                    ));
                }
                return true;
            }
            let insats = match insats.map(|c| row.get(c)).filter(|t| !t.is_empty()) {
                None => None,
                Some(text) => {
                    let found = Insats::recognise(text);
                    if found.is_none() {
                        self.findings.push(finding(
                            Severity::Varning,
                            "okand-insats",
                            sheet.pos(line).with_column(insats.unwrap_or_default() as u32 + 1, ""),
                            format!("Insatsen \"{text}\" känns inte igen."),
                            "Resultatet kopplas till alla enhetens insatser.",
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
                Err(_) => self.findings.push(finding(
                    Severity::Fel,
                    "inte-ett-tal",
                    sheet.pos(line).with_column(result as u32 + 1, ""),
                    format!("\"{}\" är inte ett tal.", row.get(result)),
                    "Raden används inte.",
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

//! Comparison with others and over time: Kolada values (per municipality, group or unit), network
//! partners' aggregated files and per-unit quality results read in (`load`), the own results
//! written out for a network (`network`), and the comparisons themselves (`kpis`, `trends`,
//! `quality_points`). Only aggregates cross here: no client row goes in or out.

pub mod address;
mod load;
pub mod network;
mod summary;

#[cfg(feature = "xlsx")]
pub use load::load;
pub use load::load_with;
pub use summary::{KEY_FIGURES, Summary, SummaryRow, change, summary};

use crate::finding::{Finding, FindingKind, Position};
use crate::report::{Basis, FigureUnit, Nyckeltal, Report, percent_of};
use crate::{model::Insats, model::Regi, reference};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Kolada's gender dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Gender {
    /// Total: the only one own figures are compared with.
    T,
    K,
    M,
}

/// One value from a reference file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefValue {
    pub kpi: String,
    /// Municipality id (four digits, `0180`), group id (`G…`) or a partner's id.
    pub area: String,
    /// A unit (enhet) within the area: a partner's enhet in a network file, or a Kolada
    /// organisational unit (`ou`, e.g. `V15E018000301`; its area is empty until Kolada's unit
    /// list says which municipality it belongs to).
    pub unit: Option<String>,
    pub unit_name: Option<String>,
    pub period: i32,
    pub gender: Gender,
    /// `None` when Kolada has no value (status tells why).
    pub value: Option<Decimal>,
    pub status: Option<String>,
    /// The file it came from.
    pub file: String,
}

/// A per-unit quality result (e.g. a user survey score).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityValue {
    pub enhet: String,
    /// The insats the result is for, when the file says (an enhet can have several).
    pub insats: Option<Insats>,
    pub measure: String,
    pub value: Decimal,
    pub year: Option<i32>,
    pub file: String,
    pub line: u32,
}

/// What a reference file was.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefFile {
    pub name: String,
    /// "Kolada-data (v2)", "Nätverksfil från Örebro" …
    pub kind: String,
    pub values: u32,
    /// A fingerprint of the content: the same name with other content is another file.
    pub digest: u64,
    /// Kolada v3: the address of the answer's next page, when the file is one page of several.
    /// The tool never fetches it: the user saves that page and reads it in too.
    #[serde(default)]
    pub next_url: Option<String>,
    /// Kolada v3: the address of the answer's previous page (tells which page the file is).
    #[serde(default)]
    pub previous_url: Option<String>,
}

impl RefFile {
    /// Which page of which answer the file is, from its own `previous_url` (page + 1) or
    /// `next_url` (page − 1): (the address without its page, page number).
    fn page(&self) -> Option<(String, u32)> {
        if let Some(previous) = &self.previous_url {
            let (base, page) = page_of(previous);
            return Some((base, page + 1));
        }
        let (base, page) = page_of(self.next_url.as_ref()?);
        Some((base, page.saturating_sub(1)))
    }
}

/// A Kolada address split into the address without its `page` parameter (the other parameters
/// sorted) and the page number (1 when it has none).
fn page_of(url: &str) -> (String, u32) {
    let url = url.trim();
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut page = 1;
    let mut rest: Vec<&str> = Vec::new();
    for param in query.split('&').filter(|p| !p.is_empty()) {
        match param.split_once('=') {
            Some(("page", n)) => page = n.trim().parse().unwrap_or(1),
            _ => rest.push(param),
        }
    }
    rest.sort_unstable();
    (format!("{}?{}", base.trim_end_matches('/'), rest.join("&")), page)
}

/// An organisational unit (`ou`) of Kolada's unit list (`/v3/ou`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OuInfo {
    pub title: String,
    /// The municipality's id (four digits), empty when the list does not say.
    pub municipality: String,
}

/// A Kolada unit that the read files have values for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OuUnit {
    /// Kolada's id, e.g. `V15E018000301`.
    pub id: String,
    /// Its name, when the unit list (or the data answer) gives one.
    pub name: Option<String>,
    /// The municipality's id, empty when not known (read Kolada's unit list for it).
    pub municipality: String,
    /// The KPIs with values for the unit, sorted.
    pub kpis: Vec<String>,
}

/// What a network partner's file says about itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub title: String,
    pub period: Option<i32>,
    /// "Preliminär" or "Validerad".
    pub status: String,
    /// The allocation key the partner used (its name).
    pub allocation_key: String,
    /// The smallest group of brukare behind a value in the file.
    pub min_clients: u32,
}

/// Everything read from reference files.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RefData {
    pub values: Vec<RefValue>,
    /// Area id → name as read files give it (Kolada's municipality list, table downloads,
    /// network files); the web app's worker adds Kolada's titles of the groups in the data, which
    /// its page may not have (`reference::provide_groups`). [`RefData::name`] falls back on the
    /// names shipped with the tool.
    pub names: BTreeMap<String, String>,
    pub quality: Vec<QualityValue>,
    pub files: Vec<RefFile>,
    pub findings: Vec<Finding>,
    /// Partners' distribution of cost over clients (area → share of cost per tenth of clients).
    pub deciles: BTreeMap<String, Vec<Decimal>>,
    /// Network partners by area id.
    pub partners: BTreeMap<String, Partner>,
    /// Kolada's organisational units by id (from Kolada's unit list, `/v3/ou`).
    #[serde(default)]
    pub ous: BTreeMap<String, OuInfo>,
}

/// The shipped names of municipalities, regions, Riket and Kolada's groups, by id.
fn shipped_name(area: &str) -> Option<&'static str> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static NAMES: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    let municipality =
        || NAMES.get_or_init(|| reference::municipalities().map(|m| (m.id, m.title)).collect()).get(area);
    // The groups may come later than the first name asked for (`reference::provide_groups`).
    municipality().copied().or_else(|| reference::group(area).map(|g| g.title))
}

/// Whether an area is a group, Riket (`0000`) or a region (`00xx`): shown beside the
/// municipalities, but not counted in their mean, rank or spread.
pub fn is_group(area: &str) -> bool {
    // By name too, for tables that name the areas without their ids.
    area.starts_with('G') || area.starts_with("00") || area.eq_ignore_ascii_case("riket") || area.starts_with("Region ")
}

impl RefData {
    /// Adds what another load read (files chosen at another time). A file read again (same
    /// name, same content) replaces its earlier reading; another file of the same name (Kolada
    /// names every answer alike) is kept beside it, renamed "name (2)".
    pub fn merge(&mut self, mut other: RefData) {
        for i in 0..other.files.len() {
            let (name, digest) = (other.files[i].name.clone(), other.files[i].digest);
            if !self.files.iter().any(|f| f.name == name && f.digest != digest) {
                continue;
            }
            let taken = |n: &str| self.files.iter().chain(&other.files).any(|f| f.name == n);
            let renamed = (2..).map(|k| rename(&name, k)).find(|n| !taken(n)).unwrap_or_default();
            other.files[i].name = renamed.clone();
            other.values.iter_mut().filter(|v| v.file == name).for_each(|v| v.file = renamed.clone());
            other.quality.iter_mut().filter(|q| q.file == name).for_each(|q| q.file = renamed.clone());
            other.findings.iter_mut().filter(|f| f.pos.file == name).for_each(|f| f.pos.file = renamed.clone());
        }
        let replaced: BTreeSet<String> = other.files.iter().map(|f| f.name.clone()).collect();
        self.values.retain(|v| !replaced.contains(&v.file));
        self.quality.retain(|q| !replaced.contains(&q.file));
        self.files.retain(|f| !replaced.contains(&f.name));
        self.findings.retain(|f| !replaced.contains(&f.pos.file));
        self.values.extend(other.values);
        self.names.extend(other.names);
        self.quality.extend(other.quality);
        self.files.extend(other.files);
        self.findings.extend(other.findings);
        self.deciles.extend(other.deciles);
        self.partners.extend(other.partners);
        self.ous.extend(other.ous);
        self.settle();
        self.dedupe();
    }

    /// What depends on all files read together: Kolada units get their municipality and name
    /// from the unit list (whichever was read first), and the pages still missing are said, one
    /// finding per file whose next page no read file is.
    pub(crate) fn settle(&mut self) {
        for v in self.values.iter_mut() {
            let Some(ou) = v.unit.as_ref().and_then(|u| self.ous.get(u)) else { continue };
            if v.area.is_empty() {
                v.area = ou.municipality.clone();
            }
            if v.unit_name.is_none() && !ou.title.is_empty() {
                v.unit_name = Some(ou.title.clone());
            }
        }
        self.findings.retain(|f| !matches!(f.kind, FindingKind::KoladaMorePages { .. }));
        for (file, url) in self.missing_pages() {
            self.findings.push(Finding::at(Position::file(&file), FindingKind::KoladaMorePages { file, url }));
        }
    }

    /// The next pages (Kolada v3 `next_url`) that no read file is: (the file that announced the
    /// page, its address). A read file is page N of an answer when its own `previous_url` is
    /// page N − 1 of the same address (or its `next_url` is page N + 1); addresses are compared
    /// without their `page` parameter.
    pub fn missing_pages(&self) -> Vec<(String, String)> {
        let read: Vec<(String, u32)> = self.files.iter().filter_map(RefFile::page).collect();
        self.files
            .iter()
            .filter_map(|f| {
                let url = f.next_url.as_ref()?;
                (!read.contains(&page_of(url))).then(|| (f.name.clone(), url.clone()))
            })
            .collect()
    }

    /// The Kolada units (`ou`) that the read files have values for, with their names,
    /// municipalities and KPIs, by municipality and name. Units of network files (the partners'
    /// own enheter) are not Kolada's and are not listed.
    pub fn ou_units(&self) -> Vec<OuUnit> {
        let network = self.network_files();
        let mut units: BTreeMap<&str, OuUnit> = BTreeMap::new();
        for v in self.values.iter().filter(|v| !network.contains(v.file.as_str())) {
            let Some(id) = v.unit.as_deref() else { continue };
            let info = self.ous.get(id);
            let unit = units.entry(id).or_insert_with(|| OuUnit {
                id: id.to_owned(),
                name: info.map(|o| o.title.clone()).filter(|t| !t.is_empty()),
                municipality: info.map(|o| o.municipality.clone()).unwrap_or_default(),
                kpis: Vec::new(),
            });
            if unit.name.is_none() {
                unit.name = v.unit_name.clone();
            }
            if unit.municipality.is_empty() {
                unit.municipality = v.area.clone();
            }
            if !unit.kpis.contains(&v.kpi) {
                unit.kpis.push(v.kpi.clone());
            }
        }
        let mut units: Vec<OuUnit> = units.into_values().collect();
        units.iter_mut().for_each(|u| u.kpis.sort());
        units.sort_by(|a, b| {
            (&a.municipality, a.name.as_ref().unwrap_or(&a.id), &a.id).cmp(&(
                &b.municipality,
                b.name.as_ref().unwrap_or(&b.id),
                &b.id,
            ))
        });
        units
    }

    /// Keeps one value per KPI, area, unit, year and gender: the first read. A second that
    /// differs is said (as a finding at its file), not silently counted twice.
    pub(crate) fn dedupe(&mut self) {
        // (kpi, area, unit, period, gender) → (the first value, its file)
        type Seen = BTreeMap<(String, String, Option<String>, i32, Gender), (Option<Decimal>, String)>;
        let mut seen = Seen::new();
        let mut conflicts = Vec::new();
        self.values.retain(|v| {
            let key = (v.kpi.clone(), v.area.clone(), v.unit.clone(), v.period, v.gender);
            match seen.get(&key) {
                None => {
                    seen.insert(key, (v.value, v.file.clone()));
                    true
                }
                Some((first, file)) => {
                    if *first != v.value {
                        conflicts.push((v.clone(), *first, file.clone()));
                    }
                    false
                }
            }
        });
        for (v, first, first_file) in conflicts {
            let twice = Finding::at(
                Position::file(&v.file),
                FindingKind::KoladaValueTwice {
                    area: self.name(&v.area),
                    kpi: v.kpi,
                    period: v.period,
                    values: [first, v.value],
                    files: [first_file, v.file],
                },
            );
            if !self.findings.iter().any(|f| f.message() == twice.message()) {
                self.findings.push(twice);
            }
        }
    }

    /// The name of an area: the name a read file gave it, else Kolada's name shipped with the
    /// tool (municipalities, regions, Riket, groups), else its id.
    pub fn name(&self, area: &str) -> String {
        match self.names.get(area) {
            Some(name) => name.clone(),
            None => shipped_name(area).unwrap_or(area).to_owned(),
        }
    }

    /// The areas that have a total (T) value for the KPI in the year, municipality-level.
    pub fn areas(&self) -> Vec<String> {
        let mut areas: Vec<String> = self.values.iter().filter(|v| v.unit.is_none()).map(|v| v.area.clone()).collect();
        areas.sort();
        areas.dedup();
        areas
    }
}

/// "name (k)", before the extension: "kolada.json" → "kolada (2).json".
fn rename(name: &str, k: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({k}).{ext}"),
        _ => format!("{name} ({k})"),
    }
}

/// What the own figures are compared with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReferenceChoice {
    /// The mean of the chosen municipalities.
    #[default]
    Mean,
    /// The lowest of the chosen municipalities.
    Lowest,
    /// One municipality (or group).
    Area(String),
    /// The newest published KPB mean (KPB.md §7).
    Published,
}

/// The user's choices for the comparison.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CompareSettings {
    /// The own municipality's id (four digits), to leave it out of the others.
    pub own_id: String,
    pub own_name: String,
    /// The areas the user has unticked: everything else in the data is compared with (so that
    /// the areas of a newly read file are in).
    pub excluded: Vec<String>,
    pub reference: ReferenceChoice,
    /// The smallest group a network file may show (number of clients).
    pub min_clients: u32,
    /// The municipalities and groups chosen for the Kolada address (ids, in the order chosen).
    #[serde(default)]
    pub chosen_areas: Vec<String>,
    /// Own enhet code → Kolada unit (`ou`) id: whose Kolada values (user surveys per unit) are
    /// the enhet's quality results. An empty id is the user's "none" (no suggestion wanted).
    #[serde(default)]
    pub ou_map: BTreeMap<String, String>,
}

impl CompareSettings {
    /// Whether an area is compared with: not the own, not unticked.
    pub fn wants(&self, area: &str) -> bool {
        !self.is_own(area) && !self.excluded.iter().any(|a| a == area)
    }

    /// Whether an area is the own municipality (by name too, for tables that name the areas
    /// without their ids).
    pub fn is_own(&self, area: &str) -> bool {
        (!self.own_id.is_empty() && area == self.own_id) || (!self.own_name.is_empty() && area == self.own_name)
    }
}

/// Another area's value of a KPI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Other {
    pub area: String,
    pub name: String,
    pub value: Option<Decimal>,
    pub status: Option<String>,
    /// A group, Riket or a region ([`is_group`]): shown, but not counted in mean, rank or spread.
    pub group: bool,
}

/// One KPI: own value beside the others, the spread, the position and the potential.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiComparison {
    pub id: String,
    pub name: String,
    pub unit: FigureUnit,
    pub year: i32,
    pub own: Option<Decimal>,
    pub others: Vec<Other>,
    /// Unweighted mean, lowest and highest of the municipalities with a value (not groups, not
    /// the own).
    pub mean: Option<Decimal>,
    pub lowest: Option<(String, Decimal)>,
    pub highest: Option<(String, Decimal)>,
    /// Own position among the municipalities with a value, lowest first: (rank, of).
    pub rank: Option<(u32, u32)>,
    /// 1 = the lowest quarter; only among four or more.
    pub quartile: Option<u8>,
    pub reference: Option<(String, Decimal)>,
    /// (own − reference) × own volume, for unit costs above the reference; 0 at or below it.
    pub potential: Option<Decimal>,
    /// own − reference, per volume unit: what the potential multiplies by the volume (before
    /// the floor at 0). Set with the potential.
    pub excess: Option<Decimal>,
    /// Why there is no potential in kronor, though there is an own value and a reference.
    pub no_potential: Option<NoPotential>,
    /// The volume the potential multiplies, and its label.
    pub volume: Decimal,
    pub volume_label: String,
    pub published: Vec<reference::Published>,
    /// Whose definition the figure follows (Kolada's N-KPIs first in the views).
    pub basis: Basis,
    /// A Kolada figure: Kolada's own value for the own municipality the same year, beside the
    /// value computed from the own files.
    pub in_kolada: Option<InKolada>,
    /// A Kolada figure: the KPB figure nearest to it, with its own value, and how they differ.
    pub kpb: Option<KpbBeside>,
}

/// The KPB figure shown beside a Kolada figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpbBeside {
    pub id: String,
    pub name: String,
    pub unit: FigureUnit,
    pub value: Option<Decimal>,
    /// How the two definitions differ (egen vs all regi; per volume vs per person).
    pub difference: String,
}

/// Kolada's value for the own municipality, and how far the own computed value is from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InKolada {
    pub value: Option<Decimal>,
    pub status: Option<String>,
    /// own − Kolada's.
    pub difference: Option<Decimal>,
    /// The difference as a percentage of Kolada's value.
    pub percent: Option<Decimal>,
}

/// The quartile (1 = the lowest quarter) of a rank among `of`, by mid-rank (rank − ½) / of, so
/// that the lowest and the highest are placed alike.
pub fn quartile(rank: u32, of: u32) -> u8 {
    (4 * (2 * rank).saturating_sub(1)).div_ceil(2 * of.max(1)).clamp(1, 4) as u8
}

/// The unweighted mean of the values; `None` without any.
pub fn unweighted_mean(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    let (sum, n) = values.into_iter().fold((Decimal::ZERO, 0u64), |(sum, n), v| (sum + v, n + 1));
    (n > 0).then(|| sum / Decimal::from(n))
}

/// Why a comparison has no potential in kronor, though there is an own value and a reference.
/// `Display` says it to the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoPotential {
    /// The own cost is not above the reference (named): the potential is 0.
    NotHigher { reference: String },
    /// The reference (named) is in current prices of another year than the report's `year`.
    OtherYear { reference: String, year: i32 },
    /// A KPB cost per place: the same cost as per dygn (U23004), not to be counted twice.
    PerPlace,
    /// A KPB cost per client: it depends more on who has the insats than on how it is performed.
    PerClient,
}

impl fmt::Display for NoPotential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoPotential::NotHigher { reference } => {
                write!(f, "Ingen potential mot {reference}: den egna kostnaden är inte högre.")
            }
            NoPotential::OtherYear { reference, year } => write!(
                f,
                "Ingen potential i kronor mot {reference}: det är i löpande priser från ett annat år än {year}."
            ),
            NoPotential::PerPlace => f.write_str(
                "Ingen potential räknas för kostnad per plats: den är samma kostnad som per dygn (U23004), som inte ska räknas två gånger.",
            ),
            NoPotential::PerClient => f.write_str(
                "Ingen potential räknas för kostnad per brukare: den beror mer på vilka brukare som har insatsen än på hur den utförs. Jämför kostnaden per volymenhet i stället.",
            ),
        }
    }
}

/// Whether the potential applies to a figure: a KPB cost per volume unit, or a Kolada cost per
/// person or inhabitant ((own − reference) × own persons or inhabitants).
fn has_potential(basis: Basis, unit: FigureUnit) -> bool {
    match basis {
        Basis::Kpb => unit.is_unit_cost(),
        Basis::Kolada => unit.is_money(),
    }
}

/// The potential of an own figure (with a value) against a reference (its name and value):
/// (potential, own − reference, why there is none). `same_year`: whether the reference is in
/// kronor of the report's `year`.
fn potential(
    n: &Nyckeltal,
    own: Decimal,
    (name, reference): (&str, Decimal),
    same_year: bool,
    year: i32,
) -> (Option<Decimal>, Option<Decimal>, Option<NoPotential>) {
    if has_potential(n.basis, n.unit) {
        if !same_year {
            return (None, None, Some(NoPotential::OtherYear { reference: name.to_owned(), year }));
        }
        let excess = own - reference;
        let not_higher = (excess <= Decimal::ZERO).then(|| NoPotential::NotHigher { reference: name.to_owned() });
        (Some(excess.max(Decimal::ZERO) * n.denominator), Some(excess), not_higher)
    } else if n.unit == FigureUnit::KrPerPlats {
        (None, None, Some(NoPotential::PerPlace))
    } else if n.unit.is_money() {
        (None, None, Some(NoPotential::PerClient))
    } else {
        (None, None, None)
    }
}

/// Every own nyckeltal that the reference data has values for (for the report's year, total
/// gender), and those with published values, each compared with the others.
pub fn kpis(report: &Report, data: &RefData, settings: &CompareSettings) -> Vec<KpiComparison> {
    let year = report.year;
    let wanted = |area: &str| settings.wants(area);
    let published = reference::published();
    let mut out: Vec<KpiComparison> = report
        .nyckeltal
        .iter()
        .filter_map(|n| {
            let values: Vec<&RefValue> = data
                .values
                .iter()
                .filter(|v| {
                    v.kpi == n.id && v.period == year && v.gender == Gender::T && v.unit.is_none() && wanted(&v.area)
                })
                .collect();
            let pubs: Vec<reference::Published> = published.iter().filter(|p| p.kpi == n.id).cloned().collect();
            let own_in_kolada = data.values.iter().find(|v| {
                v.kpi == n.id
                    && v.period == year
                    && v.gender == Gender::T
                    && v.unit.is_none()
                    && settings.is_own(&v.area)
            });
            if values.is_empty() && pubs.is_empty() && own_in_kolada.is_none() {
                return None;
            }
            let in_kolada = own_in_kolada.filter(|_| n.basis == Basis::Kolada).map(|v| {
                let difference = v.value.zip(n.value).map(|(k, own)| own - k);
                InKolada {
                    value: v.value,
                    status: v.status.clone(),
                    difference,
                    percent: difference.zip(v.value).and_then(|(d, k)| percent_of(d, k)),
                }
            });
            let mut others: Vec<Other> = values
                .iter()
                .map(|v| Other {
                    area: v.area.clone(),
                    name: data.name(&v.area),
                    value: v.value,
                    status: v.status.clone(),
                    group: is_group(&v.area),
                })
                .collect();
            others.sort_by(|a, b| a.value.cmp(&b.value).then_with(|| a.area.cmp(&b.area)));
            let munis: Vec<(&str, Decimal)> =
                others.iter().filter(|o| !o.group).filter_map(|o| o.value.map(|v| (o.area.as_str(), v))).collect();
            let mean = unweighted_mean(munis.iter().map(|m| m.1));
            let lowest = munis.first().map(|(a, v)| (data.name(a), *v));
            let highest = munis.last().map(|(a, v)| (data.name(a), *v));
            let (rank, quartile) = match n.value {
                Some(own) if !munis.is_empty() => {
                    let below = munis.iter().filter(|m| m.1 < own).count() as u32;
                    let of = munis.len() as u32 + 1;
                    let rank = below + 1;
                    // Quartiles of fewer than four say nothing.
                    (Some((rank, of)), (of >= 4).then(|| quartile(rank, of)))
                }
                _ => (None, None),
            };
            // The published KPB mean of the report's year if there is one, else the newest.
            let published_mean =
                pubs.iter().filter(|p| p.label.starts_with("Medel")).max_by_key(|p| (p.year == year, p.year));
            let reference = match &settings.reference {
                ReferenceChoice::Mean => mean.map(|m| ("det ovägda medelvärdet av de valda".to_owned(), m)),
                ReferenceChoice::Lowest => lowest.clone().map(|(a, v)| (format!("lägsta ({a})"), v)),
                ReferenceChoice::Area(id) => {
                    values.iter().find(|v| &v.area == id).and_then(|v| v.value).map(|v| (data.name(id), v))
                }
                ReferenceChoice::Published => {
                    published_mean.map(|p| (format!("{} {}", p.label.to_lowercase(), p.year), p.value))
                }
            };
            // Kronor of another year are not this year's: no potential against an old mean.
            let same_year = match &settings.reference {
                ReferenceChoice::Published => published_mean.is_some_and(|p| p.year == year),
                _ => true,
            };
            let (potential, excess, no_potential) = match (n.value, &reference) {
                (Some(own), Some((label, r))) => potential(n, own, (label, *r), same_year, year),
                _ => (None, None, None),
            };
            Some(KpiComparison {
                id: n.id.clone(),
                name: n.name.clone(),
                unit: n.unit,
                year,
                own: n.value,
                others,
                mean,
                lowest,
                highest,
                rank,
                quartile,
                reference,
                potential,
                excess,
                no_potential,
                volume: n.denominator,
                volume_label: n.denominator_label.clone(),
                published: pubs,
                basis: n.basis,
                in_kolada,
                kpb: n.kpb.as_ref().and_then(|(id, difference)| {
                    let k = report.nyckeltal.iter().find(|k| &k.id == id)?;
                    Some(KpbBeside {
                        id: id.clone(),
                        name: k.name.clone(),
                        unit: k.unit,
                        value: k.value,
                        difference: difference.clone(),
                    })
                }),
            })
        })
        .collect();
    // Kolada's figures first: they compare with every municipality.
    out.sort_by_key(|c| c.basis != Basis::Kolada);
    out
}

/// The figures of one year, for trends: compact, without clients.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearFigures {
    pub year: i32,
    /// (id, name, unit, value)
    pub nyckeltal: Vec<(String, String, FigureUnit, Option<Decimal>)>,
    /// Unit cost per egen regi cell: (insats, enhet, enhet name, cost per volume unit).
    pub units: Vec<(Insats, String, String, Decimal)>,
    /// The monthly follow-up's unit costs in egen regi, when that year's ledger had months.
    #[serde(default)]
    pub monthly: Vec<MonthUnitCosts>,
}

/// One row of a year's monthly follow-up: its unit cost per month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthUnitCosts {
    pub insats: Insats,
    /// `None` for the insats in egen regi as a whole.
    pub enhet: Option<String>,
    /// (month, unit cost), for the months with one.
    pub months: Vec<(u8, Decimal)>,
}

impl YearFigures {
    /// The unit cost of `insats` at `enhet` (`None`: egen regi as a whole) in `month`, from the
    /// monthly follow-up of this year.
    pub fn month_unit_cost(&self, insats: Insats, enhet: Option<&str>, month: u8) -> Option<Decimal> {
        let row = self.monthly.iter().find(|r| r.insats == insats && r.enhet.as_deref() == enhet)?;
        row.months.iter().find(|(m, _)| *m == month).map(|(_, c)| *c)
    }

    pub fn of(report: &Report) -> YearFigures {
        YearFigures {
            year: report.year,
            nyckeltal: report.nyckeltal.iter().map(|n| (n.id.clone(), n.name.clone(), n.unit, n.value)).collect(),
            units: report
                .units
                .iter()
                .filter(|u| u.regi == Regi::Egen)
                .filter_map(|u| u.unit_cost.map(|c| (u.insats, u.enhet.clone(), u.enhet_name.clone(), c)))
                .collect(),
            monthly: report
                .monthly
                .iter()
                .flat_map(|m| &m.rows)
                .filter(|r| r.regi == Regi::Egen)
                .map(|r| MonthUnitCosts {
                    insats: r.insats,
                    enhet: r.enhet.clone(),
                    months: r.months.iter().filter_map(|m| Some((m.month, m.unit_cost?))).collect(),
                })
                .collect(),
        }
    }
}

/// One series of a trend chart: (year, value) points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub label: String,
    pub points: Vec<(i32, Decimal)>,
}

/// A KPI over the years: own values, and Kolada's for the areas in the data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiTrend {
    pub id: String,
    pub name: String,
    pub unit: FigureUnit,
    pub own: Series,
    pub others: Vec<Series>,
}

/// A change from one year to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// Of a share (%): the difference, in procentenheter.
    Points(Decimal),
    /// Of any other figure: the difference in % of the first value.
    Percent(Decimal),
}

impl KpiTrend {
    /// The own value's change from the first year to the last; `None` with fewer than two years,
    /// or from a first value of zero (no percentage of it).
    pub fn change(&self) -> Option<Change> {
        let [(_, first), .., (_, last)] = self.own.points.as_slice() else { return None };
        change(self.unit, *first, *last)
    }
}

/// A unit's cost per volume unit over the years, and its largest change from one year to the next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitTrend {
    pub insats: Insats,
    pub enhet: String,
    pub name: String,
    pub series: Series,
    /// (from year, to year, change in %), the largest in absolute value.
    pub swing: Option<(i32, i32, Decimal)>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    pub years: Vec<i32>,
    pub nyckeltal: Vec<KpiTrend>,
    pub units: Vec<UnitTrend>,
    /// The unit that swings most: index into `units`.
    pub swinger: Option<usize>,
}

/// Trends over the own years (at least one), with Kolada's values for the same KPIs beside.
pub fn trends(years: &[YearFigures], data: &RefData, settings: &CompareSettings) -> Trends {
    let mut years: Vec<&YearFigures> = years.iter().collect();
    years.sort_by_key(|y| y.year);
    let mut ids: Vec<(String, String, FigureUnit)> = Vec::new();
    for y in &years {
        for (id, name, unit, _) in &y.nyckeltal {
            if !ids.iter().any(|i| &i.0 == id) {
                ids.push((id.clone(), name.clone(), *unit));
            }
        }
    }
    let wanted = |area: &str| settings.wants(area);
    let nyckeltal = ids
        .into_iter()
        .filter_map(|(id, name, unit)| {
            let own: Vec<(i32, Decimal)> = years
                .iter()
                .filter_map(|y| y.nyckeltal.iter().find(|n| n.0 == id).and_then(|n| n.3).map(|v| (y.year, v)))
                .collect();
            let mut by_area: BTreeMap<&str, Vec<(i32, Decimal)>> = BTreeMap::new();
            // The own municipality as Kolada has it (its published figures) is a series too.
            let own_in_kolada = |area: &str| !settings.own_id.is_empty() && area == settings.own_id;
            for v in data.values.iter().filter(|v| {
                v.kpi == id && v.gender == Gender::T && v.unit.is_none() && (wanted(&v.area) || own_in_kolada(&v.area))
            }) {
                if let Some(value) = v.value {
                    by_area.entry(&v.area).or_default().push((v.period, value));
                }
            }
            let others: Vec<Series> = by_area
                .into_iter()
                .map(|(area, mut points)| {
                    points.sort_by_key(|p| p.0);
                    let label = if own_in_kolada(area) {
                        let own =
                            if settings.own_name.is_empty() { data.name(area) } else { settings.own_name.clone() };
                        format!("{own} enligt Kolada")
                    } else {
                        data.name(area)
                    };
                    Series { label, points }
                })
                .collect();
            (own.len() > 1 || (!own.is_empty() && !others.is_empty())).then(|| KpiTrend {
                id,
                name,
                unit,
                own: Series { label: settings.own_name.clone(), points: own },
                others,
            })
        })
        .collect();
    // (insats, enhet) → (the enhet's name, its cost per year)
    type Cells = BTreeMap<(Insats, String), (String, Vec<(i32, Decimal)>)>;
    let mut cells = Cells::new();
    for y in &years {
        for (insats, enhet, name, cost) in &y.units {
            let e = cells.entry((*insats, enhet.clone())).or_insert_with(|| (name.clone(), Vec::new()));
            e.1.push((y.year, *cost));
        }
    }
    let units: Vec<UnitTrend> = cells
        .into_iter()
        .filter(|(_, (_, points))| points.len() > 1)
        .map(|((insats, enhet), (name, points))| {
            let swing = points
                .windows(2)
                .filter_map(|w| percent_of(w[1].1 - w[0].1, w[0].1).map(|c| (w[0].0, w[1].0, c)))
                .max_by_key(|s| s.2.abs());
            UnitTrend { insats, enhet, name, series: Series { label: String::new(), points }, swing }
        })
        .collect();
    let swinger = units
        .iter()
        .enumerate()
        .filter_map(|(i, u)| u.swing.map(|s| (i, s.2.abs())))
        .max_by_key(|(_, c)| *c)
        .map(|(i, _)| i);
    Trends { years: years.iter().map(|y| y.year).collect(), nyckeltal, units, swinger }
}

/// One unit's cost and quality, for the scatter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityPoint {
    pub insats: Insats,
    pub enhet: String,
    pub name: String,
    pub cost: Decimal,
    pub measure: String,
    pub quality: Decimal,
}

/// Quality results paired with the units' costs.
#[derive(Debug, Clone, Default)]
pub struct QualityMatch {
    pub points: Vec<QualityPoint>,
    /// Units in the quality files that the report does not have (with the insats, when given).
    pub unmatched: Vec<String>,
    /// Years of quality results that are not the report's year (not shown).
    pub other_years: Vec<i32>,
    /// Enheter with several insatser whose results do not say which: shown for each.
    pub ambiguous: Vec<String>,
    /// Own enheter mapped to a Kolada unit that has no value for the report's year.
    pub ou_without_values: Vec<MappedOu>,
}

/// An own enhet and the Kolada unit it is mapped to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedOu {
    /// The own enhet's code and name.
    pub enhet: String,
    pub enhet_name: String,
    /// Kolada's unit id and its name (when a read file gives one).
    pub ou: String,
    pub ou_name: Option<String>,
}

/// The own enheter that can have quality results: egen regi with a cost per volume unit, once
/// per enhet code (an enhet with several insatser is one enhet), as (code, name).
pub fn quality_enheter(report: &Report) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    report
        .units
        .iter()
        .filter(|u| u.regi == Regi::Egen && u.unit_cost.is_some())
        .filter(|u| seen.insert(u.enhet.clone()))
        .map(|u| (u.enhet.clone(), u.enhet_name.clone()))
        .collect()
}

impl RefData {
    /// The files that are network partners' own (their units are not Kolada's).
    pub fn network_files(&self) -> BTreeSet<&str> {
        self.files.iter().filter(|f| f.kind.starts_with("Nätverksfil")).map(|f| f.name.as_str()).collect()
    }

    /// A Kolada unit's name: from Kolada's unit list, else from the data answer.
    pub fn ou_name(&self, ou: &str) -> Option<String> {
        self.ous
            .get(ou)
            .map(|o| o.title.clone())
            .filter(|t| !t.is_empty())
            .or_else(|| self.values.iter().find(|v| v.unit.as_deref() == Some(ou)).and_then(|v| v.unit_name.clone()))
    }
}

/// The Kolada unit values of the own enheter mapped to Kolada units (`settings.ou_map`), as
/// quality results of those enheter: gender T, every year read (the pairing shows the report's
/// year and names the others), values Kolada has (`null` is no result). The measure is the KPI's
/// title from the shipped catalogue, else its id. Only enheter of the report that can have
/// results ([`quality_enheter`]) are looked at: a remembered mapping for an enhet another data set
/// has is left alone. Also returns the mapped enheter whose unit has no value for the report's
/// year.
pub fn ou_quality(report: &Report, data: &RefData, settings: &CompareSettings) -> (Vec<QualityValue>, Vec<MappedOu>) {
    let network = data.network_files();
    let mut values = Vec::new();
    let mut without = Vec::new();
    for (enhet, enhet_name) in quality_enheter(report) {
        let Some(ou) = settings.ou_map.get(&enhet).filter(|ou| !ou.is_empty()) else { continue };
        let mut this_year = false;
        for v in data
            .values
            .iter()
            .filter(|v| v.unit.as_ref() == Some(ou) && v.gender == Gender::T && !network.contains(v.file.as_str()))
        {
            let Some(value) = v.value else { continue };
            this_year |= v.period == report.year;
            values.push(QualityValue {
                enhet: enhet.clone(),
                insats: None,
                measure: reference::kpi_title(&v.kpi).unwrap_or(&v.kpi).to_owned(),
                value,
                year: Some(v.period),
                file: v.file.clone(),
                line: 0,
            });
        }
        if !this_year {
            without.push(MappedOu { enhet, enhet_name, ou: ou.clone(), ou_name: data.ou_name(ou) });
        }
    }
    (values, without)
}

/// Words that say what kind of unit it is rather than which: left out when names are matched
/// ("Hemtjänst Norr" is "Hemtjänstgrupp Norr").
const GENERIC_WORDS: &[&str] = &[
    "hemtjänst",
    "hemtjänsten",
    "hemtjänstgrupp",
    "hemtjänstgruppen",
    "hemtjänstområde",
    "hemtjänstområdet",
    "område",
    "området",
    "särskilt",
    "boende",
    "boendet",
    "äldreboende",
    "äldreboendet",
    "vård",
    "och",
    "omsorgsboende",
    "omsorgsboendet",
    "vårdboende",
    "vårdboendet",
    "demensboende",
    "demensboendet",
];

/// A unit name in the form names are matched in: lower case, words only (punctuation and
/// parentheses such as "(privat)" left out), the generic words left out (unless nothing else is
/// left).
fn unit_key(name: &str) -> String {
    let mut plain = String::with_capacity(name.len());
    let mut depth = 0u32;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.extend(c.to_lowercase()),
            _ => {}
        }
    }
    let words: Vec<&str> = plain.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let kept: Vec<&str> = words.iter().copied().filter(|w| !GENERIC_WORDS.contains(w)).collect();
    if kept.is_empty() { words.join(" ") } else { kept.join(" ") }
}

/// Suggests which Kolada unit each own enhet is: the own enhet's name and the Kolada unit's name
/// are the same but for case, punctuation, parentheses and generic words ("Hemtjänst Norr" and
/// "Hemtjänstgrupp Norr"). Only unambiguous matches: one Kolada unit for the enhet, and no other
/// enhet for that unit. Returns (own enhet code, Kolada unit id), by enhet.
pub fn suggest_ou(report: &Report, data: &RefData) -> Vec<(String, String)> {
    let enheter: Vec<(String, String)> =
        quality_enheter(report).into_iter().map(|(code, name)| (code, unit_key(&name))).collect();
    let units: Vec<(String, String)> = data
        .ou_units()
        .into_iter()
        .filter_map(|u| Some((u.id, unit_key(u.name.as_deref()?))))
        .filter(|(_, key)| !key.is_empty())
        .collect();
    let mut out: Vec<(String, String)> = enheter
        .iter()
        .filter(|(_, key)| !key.is_empty())
        .filter_map(|(code, key)| {
            let mut matches = units.iter().filter(|(_, k)| k == key);
            let (ou, _) = matches.next()?;
            let alone = matches.next().is_none() && enheter.iter().filter(|(_, k)| k == key).count() == 1;
            alone.then(|| (code.clone(), ou.clone()))
        })
        .collect();
    out.sort();
    out
}

/// Pairs each unit's cost per volume unit with its quality results of the report's year: those
/// of the quality files (matched by enhet code or name) and the Kolada unit values of the enheter
/// mapped to Kolada units ([`ou_quality`]).
pub fn quality_points(report: &Report, data: &RefData, settings: &CompareSettings) -> QualityMatch {
    let (from_kolada, ou_without_values) = ou_quality(report, data, settings);
    let key = crate::model::normalise;
    let mut points = Vec::new();
    let mut unmatched = BTreeSet::new();
    let mut other_years = BTreeSet::new();
    let mut ambiguous = BTreeSet::new();
    for q in data.quality.iter().chain(&from_kolada) {
        if let Some(y) = q.year.filter(|y| *y != report.year) {
            other_years.insert(y);
            continue;
        }
        let units: Vec<_> = report
            .units
            .iter()
            .filter(|u| u.regi == Regi::Egen && u.unit_cost.is_some())
            .filter(|u| key(&u.enhet) == key(&q.enhet) || key(&u.enhet_name) == key(&q.enhet))
            .filter(|u| q.insats.is_none_or(|i| u.insats == i))
            .collect();
        if units.is_empty() {
            // With an insats: the enhet may exist, but not with that insats.
            unmatched.insert(match q.insats {
                Some(i) => format!("{} ({})", q.enhet, crate::model::lower_first(i.name())),
                None => q.enhet.clone(),
            });
        }
        if units.iter().any(|u| u.insats != units[0].insats) {
            ambiguous.insert(units[0].enhet_name.clone());
        }
        for u in units {
            points.push(QualityPoint {
                insats: u.insats,
                enhet: u.enhet.clone(),
                name: u.enhet_name.clone(),
                cost: u.unit_cost.unwrap_or_default(),
                measure: q.measure.clone(),
                quality: q.value,
            });
        }
    }
    QualityMatch {
        points,
        unmatched: unmatched.into_iter().collect(),
        other_years: other_years.into_iter().collect(),
        ambiguous: ambiguous.into_iter().collect(),
        ou_without_values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_are_symmetric() {
        let of5: Vec<u8> = (1..=5).map(|r| quartile(r, 5)).collect();
        assert_eq!(of5, [1, 2, 2, 3, 4]);
        let of8: Vec<u8> = (1..=8).map(|r| quartile(r, 8)).collect();
        assert_eq!(of8, [1, 1, 2, 2, 3, 3, 4, 4]);
        assert_eq!((quartile(1, 2), quartile(2, 2)), (1, 3));
        assert_eq!(quartile(1, 1), 2);
    }

    #[test]
    fn the_unweighted_mean_of_nothing_is_none() {
        assert_eq!(unweighted_mean([Decimal::from(3), Decimal::from(4)]), Some(Decimal::new(35, 1)));
        assert_eq!(unweighted_mean([]), None);
    }

    #[test]
    fn riket_regions_and_groups_are_not_municipalities() {
        assert!(is_group("0000") && is_group("0012") && is_group("G109301"));
        assert!(!is_group("0180") && !is_group("1880"));
        assert!(is_group("Riket") && is_group("Region Stockholm") && !is_group("Stockholm"));
    }
}

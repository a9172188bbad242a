//! Comparison with others and over time: Kolada values, network partners' aggregated files and
//! per-unit quality results read in (`load`), the own results written out for a network or for
//! reporting to Kolada (`network`), and the comparisons themselves (`compare`, `trends`,
//! `quality_points`). Only aggregates cross here: no client row goes in or out.

pub mod address;
mod load;
pub mod network;

pub use load::load;

use crate::finding::Finding;
use crate::report::Report;
use crate::{model::Insats, model::Regi, reference};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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
    /// A unit (enhet) within the area, for per-unit figures of a network file.
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
    /// Area id → name (from Kolada's municipality list, table downloads or network files).
    pub names: BTreeMap<String, String>,
    pub quality: Vec<QualityValue>,
    pub files: Vec<RefFile>,
    pub findings: Vec<Finding>,
    /// Partners' distribution of cost over clients (area → share of cost per tenth of clients).
    pub deciles: BTreeMap<String, Vec<Decimal>>,
    /// Network partners by area id.
    pub partners: BTreeMap<String, Partner>,
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
        self.dedupe();
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
        let show = |v: Option<Decimal>| v.map_or("inget värde".to_owned(), crate::format::volume);
        for (v, first, file) in conflicts {
            let message = format!(
                "{} för {} {} finns två gånger med olika värden: {} i {file} och {} i {}.",
                v.kpi,
                self.name(&v.area),
                v.period,
                show(first),
                show(v.value),
                v.file
            );
            if !self.findings.iter().any(|f| f.message == message) {
                self.findings.push(Finding::new(
                    crate::finding::Severity::Varning,
                    "kolada-dubbelt-varde",
                    crate::finding::Position::file(&v.file),
                    message,
                    "Värdet som lästes in först används. Ta bort den fil som är fel.",
                ));
            }
        }
    }

    /// The name of an area: its name if known, else its id.
    pub fn name(&self, area: &str) -> String {
        self.names.get(area).cloned().unwrap_or_else(|| area.to_owned())
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
}

impl CompareSettings {
    /// Whether an area is compared with: not the own, not unticked.
    pub fn wants(&self, area: &str) -> bool {
        // By name too, for tables that name the areas without their ids.
        let own = area == self.own_id || (!self.own_name.is_empty() && area == self.own_name);
        !own && !self.excluded.iter().any(|a| a == area)
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
    pub unit: String,
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
    /// The volume the potential multiplies, and its label.
    pub volume: Decimal,
    pub volume_label: String,
    pub published: Vec<reference::Published>,
}

/// The quartile (1 = the lowest quarter) of a rank among `of`, by mid-rank (rank − ½) / of, so
/// that the lowest and the highest are placed alike.
pub fn quartile(rank: u32, of: u32) -> u8 {
    (4 * (2 * rank).saturating_sub(1)).div_ceil(2 * of.max(1)).clamp(1, 4) as u8
}

/// Whether a KPI is a cost per volume unit (the potential applies).
pub fn is_unit_cost(unit: &str) -> bool {
    unit.starts_with("kr/") && unit != "kr/brukare" && unit != "kr/plats"
}

/// Compares every own nyckeltal that the reference data has values for (for the report's year,
/// total gender), and those with published values.
pub fn compare(report: &Report, data: &RefData, settings: &CompareSettings) -> Vec<KpiComparison> {
    let year = report.year;
    let wanted = |area: &str| settings.wants(area);
    let published = reference::published();
    report
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
            if values.is_empty() && pubs.is_empty() {
                return None;
            }
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
            let mean = (!munis.is_empty())
                .then(|| munis.iter().map(|m| m.1).sum::<Decimal>() / Decimal::from(munis.len() as u64));
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
            let potential = match (n.value, &reference) {
                (Some(own), Some((_, r))) if is_unit_cost(&n.unit) && same_year => {
                    Some((own - *r).max(Decimal::ZERO) * n.denominator)
                }
                _ => None,
            };
            Some(KpiComparison {
                id: n.id.clone(),
                name: n.name.clone(),
                unit: n.unit.clone(),
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
                volume: n.denominator,
                volume_label: n.denominator_label.clone(),
                published: pubs,
            })
        })
        .collect()
}

/// The figures of one year, for trends: compact, without clients.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearFigures {
    pub year: i32,
    /// (id, name, unit, value)
    pub nyckeltal: Vec<(String, String, String, Option<Decimal>)>,
    /// Unit cost per egen regi cell: (insats, enhet, enhet name, cost per volume unit).
    pub units: Vec<(Insats, String, String, Decimal)>,
}

impl YearFigures {
    pub fn of(report: &Report) -> YearFigures {
        YearFigures {
            year: report.year,
            nyckeltal: report
                .nyckeltal
                .iter()
                .map(|n| (n.id.clone(), n.name.clone(), n.unit.clone(), n.value))
                .collect(),
            units: report
                .units
                .iter()
                .filter(|u| u.regi == Regi::Egen)
                .filter_map(|u| u.unit_cost.map(|c| (u.insats, u.enhet.clone(), u.enhet_name.clone(), c)))
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
    pub unit: String,
    pub own: Series,
    pub others: Vec<Series>,
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
    let mut ids: Vec<(String, String, String)> = Vec::new();
    for y in &years {
        for (id, name, unit, _) in &y.nyckeltal {
            if !ids.iter().any(|i| &i.0 == id) {
                ids.push((id.clone(), name.clone(), unit.clone()));
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
                .filter(|w| !w[0].1.is_zero())
                .map(|w| (w[0].0, w[1].0, (w[1].1 - w[0].1) * Decimal::ONE_HUNDRED / w[0].1))
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
}

/// Pairs each unit's cost per volume unit with its quality results of the report's year (matched
/// by enhet code or name).
pub fn quality_points(report: &Report, data: &RefData) -> QualityMatch {
    let key = crate::model::normalise;
    let mut points = Vec::new();
    let mut unmatched = BTreeSet::new();
    let mut other_years = BTreeSet::new();
    let mut ambiguous = BTreeSet::new();
    for q in &data.quality {
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
    fn riket_regions_and_groups_are_not_municipalities() {
        assert!(is_group("0000") && is_group("0012") && is_group("G109301"));
        assert!(!is_group("0180") && !is_group("1880"));
        assert!(is_group("Riket") && is_group("Region Stockholm") && !is_group("Stockholm"));
    }
}

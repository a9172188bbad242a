//! The nämnd report's first page: the key figures of the year against last year and against the
//! chosen comparison, and what stands out, in at most three sentences.

use super::{Change, KpiComparison, YearFigures};
use crate::format;
use crate::report::{FigureUnit, Report};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The figures a nämnd is shown first, in this order: the cost per brukare over all insatser;
/// per area Kolada's cost per brukare or inhabitant (comparable with every municipality) beside
/// the KPB unit cost in egen regi (personlig assistans too: a large cost in many
/// municipalities). The ytterfall are the page's facts and sentences. A figure the files give no
/// value for is left out. Twelve rows: what fits the first page.
pub const KEY_FIGURES: [&str; 12] = [
    "KPB-BRUKARE",
    "N21006",
    "U21003",
    "N23009",
    "U23004",
    "N28013",
    "U28030",
    "N28015",
    "U28031",
    "N28008",
    "U25012",
    "N25016",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The year the `last_year` values are from: the latest year read before the report's.
    pub last_year: Option<i32>,
    pub rows: Vec<SummaryRow>,
    /// What stands out, most telling first: at most three sentences.
    pub points: Vec<String>,
    /// Brukare who are ytterfall in some area, each once (one can be in two areas).
    pub ytterfall: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub id: String,
    pub name: String,
    pub unit: FigureUnit,
    pub value: Decimal,
    pub last_year: Option<Decimal>,
    /// From last year to this year.
    pub change: Option<Change>,
    /// The chosen comparison's value (its label, its value).
    pub reference: Option<(String, Decimal)>,
    /// This year's value against the comparison's.
    pub against: Option<Change>,
}

/// How far `to` is from `from`: in procentenheter for a share, else in % of `from` (`None` from
/// zero).
pub fn change(unit: FigureUnit, from: Decimal, to: Decimal) -> Option<Change> {
    if unit == FigureUnit::Procent {
        Some(Change::Points(to - from))
    } else {
        crate::report::percent_of(to - from, from).map(Change::Percent)
    }
}

/// The summary of `report`, with the years read under Över tid (`history`, any order, may hold
/// the report's own year) and the comparison of its nyckeltal ([`super::kpis`]).
pub fn summary(report: &Report, history: &[YearFigures], comparisons: &[KpiComparison]) -> Summary {
    let last = history.iter().filter(|y| y.year < report.year).max_by_key(|y| y.year);
    let rows: Vec<SummaryRow> = KEY_FIGURES
        .iter()
        .filter_map(|id| report.nyckeltal.iter().find(|n| n.id == *id))
        .filter_map(|n| {
            let value = n.value?;
            let last_year = last.and_then(|y| y.nyckeltal.iter().find(|(id, ..)| *id == n.id)).and_then(|(.., v)| *v);
            let reference = comparisons.iter().find(|c| c.id == n.id).and_then(|c| c.reference.clone());
            Some(SummaryRow {
                id: n.id.clone(),
                name: n.name.clone(),
                unit: n.unit,
                value,
                change: last_year.and_then(|v| change(n.unit, v, value)),
                last_year,
                against: reference.as_ref().and_then(|(_, r)| change(n.unit, *r, value)),
                reference,
            })
        })
        .collect();
    let points = [
        last.and_then(|y| largest_change(&rows, y.year)),
        largest_difference(&rows),
        widest_spread(report),
        largest_insats(report),
        concentration(report),
    ]
    .into_iter()
    .flatten()
    .take(3)
    .collect();
    Summary { last_year: last.map(|y| y.year), rows, points, ytterfall: ytterfall_brukare(report) }
}

/// Brukare who are ytterfall in some area, each once.
fn ytterfall_brukare(report: &Report) -> u32 {
    report.ytterfall.iter().flat_map(|y| &y.list).collect::<std::collections::BTreeSet<_>>().len() as u32
}

/// The money figure among the key figures that moved most (in %) since last year.
fn largest_change(rows: &[SummaryRow], year: i32) -> Option<String> {
    let (row, p) = rows
        .iter()
        .filter(|r| r.unit.is_money())
        .filter_map(|r| match r.change? {
            Change::Percent(p) => Some((r, p)),
            Change::Points(_) => None,
        })
        .max_by_key(|(_, p)| p.abs())?;
    let last = format::figure(row.unit, row.last_year?);
    let now = format::figure(row.unit, row.value);
    Some(if p.round_dp(1).is_zero() {
        format!("{} är oförändrad mot {year}: {now}.", row.name)
    } else {
        let verb = if p > Decimal::ZERO { "steg" } else { "sjönk" };
        format!("{} {verb} {} sedan {year}, från {last} till {now}.", row.name, format::percent(p.abs()))
    })
}

/// The money figure among the key figures farthest (in %) from the chosen comparison.
fn largest_difference(rows: &[SummaryRow]) -> Option<String> {
    let (row, p) = rows
        .iter()
        .filter(|r| r.unit.is_money())
        .filter_map(|r| match r.against? {
            Change::Percent(p) => Some((r, p)),
            Change::Points(_) => None,
        })
        .max_by_key(|(_, p)| p.abs())?;
    let (label, reference) = row.reference.as_ref()?;
    let now = format::figure(row.unit, row.value);
    let then = format::figure(row.unit, *reference);
    Some(if p.round_dp(1).is_zero() {
        format!("{} är {now}, lika med {label}.", row.name)
    } else {
        let side = if p > Decimal::ZERO { "högre" } else { "lägre" };
        format!("{} är {now}, {} {side} än {label} ({then}).", row.name, format::percent(p.abs()))
    })
}

/// The insats whose enheter in egen regi lie farthest apart (highest over lowest unit cost).
fn widest_spread(report: &Report) -> Option<String> {
    let (summary, (low, high)) = report
        .insatser
        .iter()
        .filter_map(|i| match (&i.min, &i.max) {
            (Some(low), Some(high)) if low.1 > Decimal::ZERO && high.1 > low.1 => Some((i, (low, high))),
            _ => None,
        })
        .max_by_key(|(_, (low, high))| high.1 / low.1)?;
    let per = summary.insats.unit().singular();
    Some(format!(
        "Störst skillnad mellan egna enheter har {}: från {} kr per {per} ({}) till {} kr per {per} ({}).",
        crate::model::lower_first(summary.insats.name()),
        format::kr(low.1),
        low.0,
        format::kr(high.1),
        high.0
    ))
}

/// The insats that costs most (every enhet in egen and annan regi, those in data error too),
/// and its share of all insatser's cost.
fn largest_insats(report: &Report) -> Option<String> {
    let mut cost: std::collections::BTreeMap<crate::model::Insats, Decimal> = std::collections::BTreeMap::new();
    for u in &report.units {
        *cost.entry(u.insats).or_default() += u.total;
    }
    let total: Decimal = cost.values().sum();
    let (insats, largest) = cost.iter().max_by_key(|(_, c)| **c)?;
    let share = crate::report::percent_of(*largest, total)?;
    Some(format!(
        "Mest kostar {}: {} kr i egen och annan regi, {} av insatsernas kostnad.",
        crate::model::lower_first(insats.name()),
        format::kr(*largest),
        format::percent(share)
    ))
}

/// How much of the cost the most expensive tenth of the brukare stands for (with ten brukare
/// or more: of fewer, a tenth is no one or more than a tenth).
fn concentration(report: &Report) -> Option<String> {
    if report.distribution.clients < 10 {
        return None;
    }
    let (_, share) = report.distribution.top.iter().find(|(x, _)| *x == Decimal::TEN)?;
    let count = ytterfall_brukare(report);
    Some(format!(
        "De dyraste 10 % av brukarna står för {} av kostnaden{}.",
        format::percent(*share),
        if count > 0 { format!("; {} brukare är ytterfall", format::count(count)) } else { String::new() }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{Gender, RefData, RefValue};
    use crate::import::{ImportSettings, InputFile, load};
    use crate::{Settings, compute};

    /// Hemtjänst at two enheter (Norr 30 000 kr for 100 hours, Syd 40 000 kr for 100 hours) and
    /// särskilt boende at one (Ek 365 000 kr for 365 dygn); five brukare.
    fn report() -> Report {
        let files = [
            InputFile {
                name: "kostnader.csv".into(),
                bytes: "Ansvar;Konto;Belopp\n4110;5011;30000\n4120;5011;40000\n4210;5011;365000\n".into(),
            },
            InputFile {
                name: "mappning.csv".into(),
                bytes: "Ansvar;Insats;Enhet;Regi\n4110;HT;NORR;Egen\n4120;HT;SYD;Egen\n4210;SABO;EK;Egen\n".into(),
            },
            InputFile {
                name: "brukare.csv".into(),
                bytes: "Personnummer;Insats;Enhet;Regi;Från;Till;Beviljad timmar\n\
                        19400101-1234;HT;NORR;Egen;2025-01-01;2025-12-31;60\n\
                        19400202-1234;HT;NORR;Egen;2025-01-01;2025-12-31;40\n\
                        19400303-1234;HT;SYD;Egen;2025-01-01;2025-12-31;50\n\
                        19400404-1234;HT;SYD;Egen;2025-01-01;2025-12-31;50\n\
                        19300505-1234;SABO;EK;Egen;2025-01-01;2025-12-31;\n"
                    .into(),
            },
        ];
        compute(&load(&files, &ImportSettings::default()), &Settings::default())
    }

    fn last_year(values: &[(&str, Decimal)]) -> YearFigures {
        YearFigures {
            year: 2024,
            nyckeltal: values
                .iter()
                .map(|(id, v)| {
                    (
                        id.to_string(),
                        String::new(),
                        FigureUnit::KrPer(crate::steps::catalogue::VolumeUnit::Timme),
                        Some(*v),
                    )
                })
                .collect(),
            units: Vec::new(),
            monthly: Vec::new(),
        }
    }

    /// The sentences with plain spaces (the figures are joined to their units by no-break spaces).
    fn plain(points: &[String]) -> Vec<String> {
        points.iter().map(|p| p.replace(['\u{a0}', '\u{202f}'], " ")).collect()
    }

    fn d(v: i64) -> Decimal {
        Decimal::from(v)
    }

    #[test]
    fn key_figures_against_last_year_and_the_comparison() {
        let r = report();
        let u21003 = r.nyckeltal.iter().find(|n| n.id == "U21003").and_then(|n| n.value);
        // 70 000 kr for 200 hours (no common cost).
        assert_eq!(u21003, Some(d(350)));
        let history = [last_year(&[("U21003", d(320))]), YearFigures { year: 2023, ..last_year(&[("U21003", d(1))]) }];
        let data = RefData {
            values: [("0180", 400), ("1280", 300), ("1880", 200)]
                .into_iter()
                .map(|(area, v)| RefValue {
                    kpi: "U21003".into(),
                    area: area.into(),
                    unit: None,
                    unit_name: None,
                    period: r.year,
                    gender: Gender::T,
                    value: Some(d(v)),
                    status: None,
                    file: "kolada.json".into(),
                })
                .collect(),
            ..RefData::default()
        };
        let comparisons = crate::compare::kpis(&r, &data, &Default::default());
        let s = summary(&r, &history, &comparisons);
        assert_eq!(s.last_year, Some(2024));
        let row = s.rows.iter().find(|row| row.id == "U21003").expect("U21003 is a key figure");
        assert_eq!(row.last_year, Some(d(320)));
        // (350 − 320) / 320 = 9,375 %; (350 − 300) / 300 = 16,67 %.
        assert_eq!(row.change, Some(Change::Percent("9.375".parse().unwrap())));
        assert_eq!(row.reference.as_ref().map(|r| r.1), Some(d(300)));
        assert_eq!(
            row.against
                .map(|c| matches!(c, Change::Percent(p) if p.round_dp(2) == "16.67".parse::<Decimal>().unwrap())),
            Some(true)
        );
        // No figure outside the key list, none without a value, in the list's order.
        let ids: Vec<&str> = s.rows.iter().map(|r| r.id.as_str()).collect();
        let mut in_order = ids.clone();
        in_order.sort_by_key(|id| KEY_FIGURES.iter().position(|k| k == id));
        assert_eq!(ids, in_order);
        assert!(ids.contains(&"U23004") && !ids.contains(&"U28030"));
        assert_eq!(
            plain(&s.points),
            [
                "Kostnad hemtjänst, egen regi, kr/beviljad timme steg 9,4 % sedan 2024, från 320 kr till 350 kr.",
                "Kostnad hemtjänst, egen regi, kr/beviljad timme är 350 kr, 16,7 % högre än det ovägda medelvärdet av de valda (300 kr).",
                "Störst skillnad mellan egna enheter har hemtjänst: från 300 kr per timme (NORR) till 400 kr per timme (SYD).",
            ]
        );
    }

    #[test]
    fn without_other_years_or_comparison_the_units_and_the_largest_insats_stand_out() {
        let s = summary(&report(), &[], &[]);
        assert_eq!(s.last_year, None);
        assert!(s.rows.iter().all(|r| r.last_year.is_none() && r.reference.is_none()));
        // Five brukare: too few for a tenth, so two sentences.
        assert_eq!(
            plain(&s.points),
            [
                "Störst skillnad mellan egna enheter har hemtjänst: från 300 kr per timme (NORR) till 400 kr per timme (SYD).",
                "Mest kostar särskilt boende: 365 000 kr i egen och annan regi, 83,9 % av insatsernas kostnad.",
            ]
        );
        assert_eq!(s.ytterfall, 0);
    }

    #[test]
    fn a_brukare_ytterfall_in_two_areas_counts_once() {
        // Ten hemtjänst brukare (10 000 kr each); the first two also in gruppbostad (36 500 kr
        // each); every cost over the thresholds: 10 ytterfall in ordinärt boende, 2 in LSS.
        let mut brukare = String::from("Personnummer;Insats;Enhet;Regi;Från;Till;Beviljad timmar\n");
        for i in 1..=10 {
            brukare.push_str(&format!("194001{i:02}-1234;HT;NORR;Egen;2025-01-01;2025-12-31;10\n"));
        }
        for i in 1..=2 {
            brukare.push_str(&format!("194001{i:02}-1234;GRUPP;GB;Egen;2025-01-01;2025-12-31;\n"));
        }
        let files = [
            InputFile {
                name: "kostnader.csv".into(),
                bytes: "Ansvar;Konto;Belopp\n4110;5011;100000\n4310;5011;73000\n".into(),
            },
            InputFile {
                name: "mappning.csv".into(),
                bytes: "Ansvar;Insats;Enhet;Regi\n4110;HT;NORR;Egen\n4310;GRUPP;GB;Egen\n".into(),
            },
            InputFile { name: "brukare.csv".into(), bytes: brukare.into_bytes() },
        ];
        let one = Decimal::ONE;
        let settings = Settings {
            thresholds: crate::settings::Thresholds { ordinart: one, sarskilt: one, lss: one },
            ..Settings::default()
        };
        let r = compute(&load(&files, &ImportSettings::default()), &settings);
        assert_eq!(r.ytterfall.iter().map(|y| y.count).sum::<u32>(), 12);
        let s = summary(&r, &[], &[]);
        assert_eq!(s.ytterfall, 10);
        // The dearest tenth is one brukare: 46 500 of 173 000 kr.
        assert_eq!(
            plain(&s.points).last().unwrap(),
            "De dyraste 10 % av brukarna står för 26,9 % av kostnaden; 10 brukare är ytterfall."
        );
    }
}

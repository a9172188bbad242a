//! Step 4 of the method (KPB.md §1, §6): *validera data*, the checks that need the whole
//! picture — cost without volume and volume without cost, clients booked without volume,
//! granted against performed time, more dygn than the year has, a unit cost far from the
//! published level or from the other enheter, gruppbostad beside servicebostad. (Each earlier
//! step reports the rows it could not use; [`super::reconcile`] checks the whole against the
//! ledger.)

use super::allocate::Allocated;
use super::volumes::{CellVolume, PeriodVolume, Volumes};
use super::{CellKey, data_error};
use crate::date::days_in_year;
use crate::finding::{Finding, FindingKind, Findings, Position};
use crate::import::Dataset;
use crate::model::{Insats, Regi, VolumeKind, VolumeUnit};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The findings of the checks on `allocated` and `volumes` for `year`.
pub(crate) fn validate(ds: &Dataset, year: i32, allocated: &Allocated, volumes: &Volumes) -> Vec<Finding> {
    let mut findings = Findings::default();
    let no_volume = CellVolume::default();
    let volume = |k: &CellKey| volumes.cells.get(k).map_or(Decimal::ZERO, |v| v.volume);
    let volume_lines = |k: &CellKey| -> Option<Position> { volumes.cells.get(k).and_then(|v| v.lines.first(ds)) };
    let name = |code: &str| ds.org.enhet(code).map_or_else(|| code.to_owned(), |e| e.name.clone());
    // Unit costs per insats, to find outliers.
    let mut unit_costs: BTreeMap<Insats, Vec<(String, Decimal)>> = BTreeMap::new();
    let mut insatser_per_enhet: BTreeMap<&str, BTreeSet<Insats>> = BTreeMap::new();
    for (k, cell) in &allocated.cells {
        let v = volumes.cells.get(k).unwrap_or(&no_volume);
        let first_volume = v.lines.first(ds);
        let first_ledger = cell.direct.lines.first(ds);
        if k.regi == Regi::Egen {
            insatser_per_enhet.entry(&k.enhet).or_default().insert(k.insats);
        }
        if k.regi == Regi::Egen
            && v.volume > Decimal::ZERO
            && cell.total().is_zero()
            && cell.direct.on_client.is_empty()
        {
            findings.push(
                Finding::at(
                    first_volume.clone().unwrap_or_default(),
                    FindingKind::VolumeWithoutCost { insats: k.insats, enhet: name(&k.enhet) },
                )
                .for_enhet(Some(&k.enhet)),
            );
        }
        if k.regi == Regi::Egen && v.volume.is_zero() && !cell.total().is_zero() {
            let basis = volumes.basis[&k.insats];
            let only = (v.other_kind_volume > Decimal::ZERO).then(|| other(basis));
            findings.push(
                Finding::at(
                    first_ledger.clone().unwrap_or_default(),
                    FindingKind::CostWithoutVolume { insats: k.insats, enhet: name(&k.enhet), basis, only },
                )
                .for_enhet(Some(&k.enhet)),
            );
        }
        if k.regi == Regi::Egen && v.volume > Decimal::ZERO && !cell.total().is_zero() {
            unit_costs.entry(k.insats).or_default().push((k.enhet.clone(), cell.total() / v.volume));
        }
        // Clients booked in the ledger but without volume anywhere.
        for client in cell.direct.on_client.keys() {
            if !v.clients.contains_key(client) {
                findings.push(
                    Finding::at(
                        cell.direct
                            .on_client_line
                            .get(client)
                            .map_or_else(|| first_ledger.clone().unwrap_or_default(), |l| ds.pos(l.0, l.1)),
                        FindingKind::BookedWithoutVolume {
                            client: ds.clients[*client as usize].id.clone(),
                            insats: k.insats,
                        },
                    )
                    .for_enhet(Some(&k.enhet)),
                );
            }
        }
        // Granted against performed time, per client and period (when the cell reports both).
        let reports_performed = v.clients.values().any(|a| a.utford > Decimal::ZERO);
        let reports_granted = v.clients.values().any(|a| a.beviljad > Decimal::ZERO);
        for (&client, acc) in &v.clients {
            let pos = ds.pos(acc.first_line.0, acc.first_line.1);
            let cid = &ds.clients[client as usize].id;
            // A row for the whole year beside rows for its months: summed, so a year's
            // total given with its months counts twice.
            let whole_year = acc.periods.iter().find(|p| p.period == PeriodVolume::WHOLE_YEAR);
            if let Some(year_row) = whole_year
                && acc.periods.iter().any(|p| p.period > PeriodVolume::WHOLE_YEAR)
            {
                findings.push(
                    Finding::at(
                        ds.pos(year_row.file, year_row.line),
                        FindingKind::YearAndMonths {
                            client: cid.clone(),
                            year,
                            insats: k.insats,
                            enhet: name(&k.enhet),
                        },
                    )
                    .for_enhet(Some(&k.enhet)),
                );
            }
            let has_both = acc.beviljad > Decimal::ZERO || acc.utford > Decimal::ZERO;
            if !has_both {
                continue;
            }
            if reports_performed && reports_granted {
                if acc.beviljad > Decimal::ZERO && acc.utford.is_zero() {
                    findings.push(
                        Finding::at(
                            pos.clone(),
                            FindingKind::NotPerformed { client: cid.clone(), insats: k.insats, enhet: name(&k.enhet) },
                        )
                        .for_enhet(Some(&k.enhet)),
                    );
                } else if acc.utford > Decimal::ZERO && acc.beviljad.is_zero() {
                    findings.push(
                        Finding::at(
                            pos.clone(),
                            FindingKind::NotGranted { client: cid.clone(), insats: k.insats, enhet: name(&k.enhet) },
                        )
                        .for_enhet(Some(&k.enhet)),
                    );
                } else {
                    // The periods with more performed than granted (seldom any), in order.
                    let mut over: Vec<_> = acc
                        .periods
                        .iter()
                        .filter(|per| per.utford > per.beviljad && per.beviljad > Decimal::ZERO)
                        .collect();
                    over.sort_by_key(|per| per.period);
                    for per in over {
                        findings.push(
                            Finding::at(
                                ds.pos(per.file, per.line),
                                FindingKind::OverGranted {
                                    client: cid.clone(),
                                    period: per.period(year),
                                    performed: per.utford,
                                    granted: per.beviljad,
                                },
                            )
                            .for_enhet(Some(&k.enhet)),
                        );
                    }
                }
            }
            // More dygn in the year than it has, over all rows of the client.
            if matches!(k.insats.unit(), VolumeUnit::Dygn | VolumeUnit::Dag)
                && acc.volume > Decimal::from(days_in_year(year))
            {
                findings.push(
                    Finding::at(
                        pos.clone(),
                        FindingKind::MoreDaysThanYear {
                            client: cid.clone(),
                            volume: acc.volume,
                            insats: k.insats,
                            enhet: name(&k.enhet),
                            days: days_in_year(year),
                        },
                    )
                    .for_enhet(Some(&k.enhet)),
                );
            }
        }
    }
    // The municipality's unit cost far from any that has been published (a fifth of the
    // newest KPB mean, or five times it): volumes in minutes, costs in tkr or öre.
    for (insats, kpi) in
        [(Insats::Hemtjanst, "U21003"), (Insats::SarskiltBoende, "U23004"), (Insats::Gruppbostad, "U28030")]
    {
        let (cost, volume) = allocated
            .cells
            .iter()
            .map(|(k, c)| (k, c.total(), volume(k)))
            .filter(|(k, total, v)| k.insats == insats && k.regi == Regi::Egen && data_error(*total, *v).is_none())
            .fold((Decimal::ZERO, Decimal::ZERO), |(n, d), (_, total, v)| (n + total, d + v));
        let Some(reference) = crate::reference::published()
            .into_iter()
            .filter(|p| p.kpi == kpi && p.label.starts_with("Medel"))
            .max_by_key(|p| p.year)
        else {
            continue;
        };
        let five = Decimal::from(5);
        if volume > Decimal::ZERO && (cost * five < reference.value * volume || cost > reference.value * five * volume)
        {
            let first = allocated.cells.iter().find(|(k, _)| k.insats == insats && k.regi == Regi::Egen);
            let pos = first.and_then(|(k, _)| volume_lines(k)).unwrap_or_default();
            findings.push(Finding::at(
                pos,
                FindingKind::ImplausibleUnitCost {
                    insats,
                    cost: cost / volume,
                    mean: reference.value,
                    mean_year: reference.year,
                },
            ));
        }
    }
    // Outliers: a unit cost far from the median of the same insats (costs booked on the wrong unit).
    for (insats, list) in &unit_costs {
        if list.len() < 3 {
            continue;
        }
        let mut sorted: Vec<Decimal> = list.iter().map(|(_, u)| *u).collect();
        sorted.sort();
        let median = sorted[sorted.len() / 2];
        for (enhet, u) in list {
            if median > Decimal::ZERO && (*u > median * Decimal::TWO || *u * Decimal::TWO < median) {
                let pos = allocated.cells[&CellKey { insats: *insats, enhet: enhet.clone(), regi: Regi::Egen }]
                    .direct
                    .lines
                    .first(ds)
                    .unwrap_or_default();
                findings.push(
                    Finding::at(
                        pos,
                        FindingKind::DeviatingUnitCost { insats: *insats, enhet: name(enhet), cost: *u, median },
                    )
                    .for_enhet(Some(enhet)),
                );
            }
        }
    }
    // Gruppbostad and servicebostad at the same enhet.
    for (enhet, insatser) in &insatser_per_enhet {
        if insatser.contains(&Insats::Gruppbostad) && insatser.contains(&Insats::Servicebostad) {
            let key = CellKey { insats: Insats::Servicebostad, enhet: enhet.to_string(), regi: Regi::Egen };
            let pos = volume_lines(&key).or_else(|| allocated.cells[&key].direct.lines.first(ds)).unwrap_or_default();
            findings.push(
                Finding::at(pos, FindingKind::GruppAndServicebostad { enhet: name(enhet) }).for_enhet(Some(enhet)),
            );
        }
    }
    findings.into_vec()
}

fn other(kind: VolumeKind) -> VolumeKind {
    match kind {
        VolumeKind::Beviljad => VolumeKind::Utford,
        VolumeKind::Utford => VolumeKind::Beviljad,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::allocate::CellCost;
    use crate::steps::place::DirectCost;
    use crate::steps::volumes::ClientVolume;

    #[test]
    fn more_performed_than_granted_is_found_in_each_such_period() {
        use crate::import::{ImportSettings, load, tests::file};
        // A: over in March and January, under in February; in April performed without granted
        // time (not over what was granted). B: under.
        let files = [file(
            "brukare.csv",
            "Brukare;Insats;Enhet;Beviljad tid;Utförd tid;Period\n\
             A;Hemtjänst;Norr;10;12;2025-03\n\
             A;Hemtjänst;Norr;10;8;2025-02\n\
             A;Hemtjänst;Norr;5;6,5;2025-01\n\
             A;Hemtjänst;Norr;0;3;2025-04\n\
             B;Hemtjänst;Norr;4;3;2025-01\n",
        )];
        let report = crate::compute(&load(&files, &ImportSettings::default()), &crate::Settings::default());
        let over: Vec<(Option<u32>, Decimal, Decimal)> = report
            .findings
            .iter()
            .filter_map(|f| match &f.kind {
                FindingKind::OverGranted { performed, granted, .. } => Some((f.pos.line, *performed, *granted)),
                _ => None,
            })
            .collect();
        assert_eq!(
            over,
            [(Some(4), Decimal::new(65, 1), Decimal::from(5)), (Some(2), Decimal::from(12), Decimal::from(10))]
        );
    }

    #[test]
    fn cost_without_volume_volume_without_cost_and_an_outlying_enhet_are_found() {
        let ds = Dataset { clients: vec![Default::default()], ..Dataset::default() };
        let key = |insats: Insats, enhet: &str| CellKey { insats, enhet: enhet.into(), regi: Regi::Egen };
        let cost = |direct: i64| CellCost {
            direct: DirectCost { amount: Decimal::from(direct), ..DirectCost::default() },
            allocated: Decimal::ZERO,
        };
        let volume = |v: i64| CellVolume {
            volume: Decimal::from(v),
            clients: BTreeMap::from([(0, ClientVolume { volume: Decimal::from(v), ..ClientVolume::default() })]),
            ..CellVolume::default()
        };
        // Hemtjänst at A, B, C costs 100, 110 and 400 kr an hour (the median 110: C is more than
        // twice it); D has cost and no volume, E volume and no cost.
        let allocated = Allocated {
            cells: BTreeMap::from([
                (key(Insats::Hemtjanst, "A"), cost(10_000)),
                (key(Insats::Hemtjanst, "B"), cost(11_000)),
                (key(Insats::Hemtjanst, "C"), cost(40_000)),
                (key(Insats::Hemtjanst, "D"), cost(5_000)),
                (key(Insats::Hemtjanst, "E"), cost(0)),
            ]),
            pools: Vec::new(),
            remainders: Default::default(),
            findings: Vec::new(),
        };
        let volumes = Volumes {
            basis: Insats::all().map(|i| (i, VolumeKind::Beviljad)).collect(),
            cells: BTreeMap::from([
                (key(Insats::Hemtjanst, "A"), volume(100)),
                (key(Insats::Hemtjanst, "B"), volume(100)),
                (key(Insats::Hemtjanst, "C"), volume(100)),
                (key(Insats::Hemtjanst, "E"), volume(30)),
            ]),
            boendeform: Default::default(),
            findings: Vec::new(),
        };
        let found: Vec<(String, Option<String>)> = validate(&ds, 2025, &allocated, &volumes)
            .into_iter()
            .map(|f| (f.kind.code().to_owned(), f.enhet.clone()))
            .collect();
        let expect = |kind: &str, enhet: &str| (kind.to_owned(), Some(enhet.to_owned()));
        assert_eq!(
            found,
            [
                expect("kostnad-utan-volym", "D"),
                expect("volym-utan-kostnad", "E"),
                expect("avvikande-styckkostnad", "C"),
            ]
        );
    }
}

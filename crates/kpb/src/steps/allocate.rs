//! Step 2, second half (KPB.md §1, §4): *fördela gemensamma kostnader*. Each pool of common
//! cost goes onto the cells in egen regi under its level (an enhet, an område, the whole
//! förvaltning) in proportion to the chosen key, as a mark-up (påslag). A pool with no cell to
//! receive it is a remainder of the reconciliation and a finding.

use super::place::DirectCost;
use super::volumes::Volumes;
use super::{Amount, CellKey, Remainders, share_of};
use crate::finding::{Finding, FindingKind};
use crate::import::Dataset;
use crate::mapping::Level;
use crate::model::{Insats, Regi, normalise};
use crate::report::{Pool, ReconKey};
use crate::settings::AllocationKey;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// Every cell with cost or volume, with its direct and allocated cost.
pub(crate) struct Allocated {
    pub cells: BTreeMap<CellKey, CellCost>,
    /// How each pool was distributed.
    pub pools: Vec<Pool>,
    /// Pools without a receiver (`PoolUtanMottagare`).
    pub remainders: Remainders,
    pub findings: Vec<Finding>,
}

/// One cell's cost.
#[derive(Default, Debug)]
pub(crate) struct CellCost {
    pub direct: DirectCost,
    /// Common cost allocated to the cell.
    pub allocated: Decimal,
}

impl CellCost {
    /// Direct and allocated cost (assistansersättning apart).
    pub fn total(&self) -> Decimal {
        self.direct.amount + self.allocated
    }
}

/// Allocates `pools` onto the cells of `direct` and `volumes` by `key`.
pub(crate) fn allocate(
    direct: BTreeMap<CellKey, DirectCost>,
    pools: BTreeMap<Level, Amount>,
    volumes: &Volumes,
    key: &AllocationKey,
    ds: &Dataset,
) -> Allocated {
    let mut cells: BTreeMap<CellKey, CellCost> =
        direct.into_iter().map(|(k, direct)| (k, CellCost { direct, allocated: Decimal::ZERO })).collect();
    for k in volumes.cells.keys() {
        cells.entry(k.clone()).or_default();
    }
    let mut cells: Vec<(CellKey, CellCost)> = cells.into_iter().collect();
    let volume: Vec<Decimal> =
        cells.iter().map(|(k, _)| volumes.cells.get(k).map_or(Decimal::ZERO, |v| v.volume)).collect();
    // The cells that can receive, in order, and under each enhet and område: every pool
    // finds its receivers without reading all the cells.
    let mut everywhere: Vec<usize> = Vec::new();
    let mut in_enhet: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    let mut in_omrade: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (i, (k, c)) in cells.iter().enumerate() {
        if k.regi != Regi::Egen || (c.direct.amount.is_zero() && volume[i].is_zero()) {
            continue;
        }
        everywhere.push(i);
        in_enhet.entry(k.enhet.clone()).or_default().push(i);
        if let Some(omrade) = ds.org.enhet(&k.enhet).and_then(|e| e.omrade.as_deref()) {
            in_omrade.entry(normalise(omrade)).or_default().push(i);
        }
    }
    let mut allocated =
        Allocated { cells: BTreeMap::new(), pools: Vec::new(), remainders: Remainders::new(), findings: Vec::new() };
    for (level, pool) in pools {
        let receivers: &[usize] = match &level {
            Level::Enhet(e) => in_enhet.get(e).map_or(&[], Vec::as_slice),
            Level::Omrade(o) => in_omrade.get(&normalise(o)).map_or(&[], Vec::as_slice),
            Level::Forvaltning => &everywhere,
        };
        let measures: Vec<Measures> = receivers
            .iter()
            .map(|&i| Measures {
                insats: cells[i].0.insats,
                direct: cells[i].1.direct.amount,
                personnel: cells[i].1.direct.personnel,
                volume: volume[i],
            })
            .collect();
        let weights = weights(key, &measures);
        let sum: Decimal = weights.iter().sum();
        let mut shares = Vec::new();
        let mut unplaced = Decimal::ZERO;
        if sum > Decimal::ZERO {
            for (&i, w) in receivers.iter().zip(&weights) {
                if w.is_zero() {
                    continue;
                }
                let part = share_of(pool.amount, *w, sum);
                let (k, cell) = &mut cells[i];
                cell.allocated += part;
                shares.push((k.insats, k.enhet.clone(), part));
            }
        } else {
            unplaced = pool.amount;
            let remainder = allocated.remainders.entry(ReconKey::PoolUtanMottagare).or_default();
            remainder.amount += pool.amount;
            remainder.lines.add_all(&pool.lines);
            if let Some(first) = pool.lines.first(ds) {
                allocated.findings.push(Finding::at(first, FindingKind::PoolWithoutReceivers { level: level.clone() }));
            }
        }
        allocated.pools.push(Pool {
            level,
            amount: pool.amount,
            shares,
            unplaced,
            ledger_rows: pool.lines.sources(ds),
        });
    }
    allocated.cells = cells.into_iter().collect();
    allocated
}

/// What a receiving cell can be weighed by.
struct Measures {
    insats: Insats,
    direct: Decimal,
    personnel: Decimal,
    volume: Decimal,
}

/// Each receiver's weight under `key`; negative direct costs, volumes or shares weigh nothing.
fn weights(key: &AllocationKey, receivers: &[Measures]) -> Vec<Decimal> {
    let pos = |d: Decimal| d.max(Decimal::ZERO);
    match key {
        AllocationKey::DirectCost => receivers.iter().map(|m| pos(m.direct)).collect(),
        AllocationKey::Volume => receivers.iter().map(|m| pos(m.volume)).collect(),
        AllocationKey::PersonnelCost => receivers.iter().map(|m| pos(m.personnel)).collect(),
        AllocationKey::FixedShares(shares) => {
            // The insatser present share the pool by their fixed shares (renormalised), and
            // each insats' part goes to its enheter by direct cost.
            let mut direct_per_insats: BTreeMap<Insats, Decimal> = BTreeMap::new();
            for m in receivers {
                *direct_per_insats.entry(m.insats).or_default() += pos(m.direct);
            }
            receivers
                .iter()
                .map(|m| {
                    let share = shares.get(&m.insats).copied().unwrap_or_default().max(Decimal::ZERO);
                    let d = direct_per_insats[&m.insats];
                    if d.is_zero() { Decimal::ZERO } else { share * pos(m.direct) / d }
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::volumes::CellVolume;

    fn key(insats: Insats, enhet: &str) -> CellKey {
        CellKey { insats, enhet: enhet.into(), regi: Regi::Egen }
    }

    fn cells(direct: &[(Insats, &str, i64)]) -> BTreeMap<CellKey, DirectCost> {
        direct
            .iter()
            .map(|(i, e, d)| (key(*i, e), DirectCost { amount: Decimal::from(*d), ..DirectCost::default() }))
            .collect()
    }

    fn no_volumes() -> Volumes {
        Volumes { basis: BTreeMap::new(), cells: BTreeMap::new(), boendeform: Default::default(), findings: Vec::new() }
    }

    #[test]
    fn a_pool_follows_direct_cost_and_the_volume_key_follows_volume() {
        let ds = Dataset::default();
        let pool = |amount: i64| {
            BTreeMap::from([(Level::Forvaltning, Amount { amount: Decimal::from(amount), ..Amount::default() })])
        };
        let direct = || cells(&[(Insats::Hemtjanst, "A", 300), (Insats::SarskiltBoende, "B", 100)]);
        let by_cost = allocate(direct(), pool(1000), &no_volumes(), &AllocationKey::DirectCost, &ds);
        assert_eq!(by_cost.cells[&key(Insats::Hemtjanst, "A")].allocated, Decimal::from(750));
        assert_eq!(by_cost.cells[&key(Insats::SarskiltBoende, "B")].total(), Decimal::from(350));

        let mut volumes = no_volumes();
        for (i, e, v) in [(Insats::Hemtjanst, "A", 1), (Insats::SarskiltBoende, "B", 3)] {
            volumes.cells.insert(key(i, e), CellVolume { volume: Decimal::from(v), ..CellVolume::default() });
        }
        let by_volume = allocate(direct(), pool(1000), &volumes, &AllocationKey::Volume, &ds);
        assert_eq!(by_volume.cells[&key(Insats::Hemtjanst, "A")].allocated, Decimal::from(250));
        assert_eq!(by_volume.pools[0].shares.len(), 2);
        assert!(by_volume.remainders.is_empty());
    }

    #[test]
    fn each_pool_goes_to_the_cells_under_its_level_only() {
        use crate::import::{ImportSettings, InputFile, load};
        // Norr and Syd in the område "Hemtjänst Öst" (written two ways), Väst in another.
        let files = [InputFile {
            name: "mappning.csv".into(),
            bytes: "Ansvar;Insats;Enhet;Enhetsnamn;Område;Fördelning\n\
                    1;Hemtjänst;Norr;Norr;Hemtjänst Öst;\n\
                    2;Hemtjänst;Syd;Syd;hemtjänst  öst;\n\
                    3;Hemtjänst;Väst;Väst;Hemtjänst Väst;\n"
                .into(),
        }];
        let ds = load(&files, &ImportSettings::default());
        let direct = || {
            let mut c = cells(&[(Insats::Hemtjanst, "Norr", 100), (Insats::Hemtjanst, "Syd", 300)]);
            c.extend(cells(&[(Insats::Hemtjanst, "Väst", 600), (Insats::Dagverksamhet, "Norr", 100)]));
            c.insert(
                CellKey { regi: Regi::Annan, ..key(Insats::Hemtjanst, "Syd") },
                DirectCost { amount: Decimal::from(1000), ..DirectCost::default() },
            );
            c
        };
        let pool = |amount: i64| Amount { amount: Decimal::from(amount), ..Amount::default() };
        let pools = BTreeMap::from([
            (Level::Enhet("Norr".into()), pool(20)),
            (Level::Omrade("HEMTJÄNST ÖST".into()), pool(500)),
            (Level::Forvaltning, pool(1100)),
        ]);
        let a = allocate(direct(), pools, &no_volumes(), &AllocationKey::DirectCost, &ds);
        let allocated = |i, e| a.cells[&key(i, e)].allocated;
        // Norr: 20 × 100/200 + 500 × 100/500 + 1 100 × 100/1 100; the annan regi cell gets nothing.
        assert_eq!(allocated(Insats::Hemtjanst, "Norr"), Decimal::from(10 + 100 + 100));
        assert_eq!(allocated(Insats::Dagverksamhet, "Norr"), Decimal::from(10 + 100 + 100));
        assert_eq!(allocated(Insats::Hemtjanst, "Syd"), Decimal::from(300 + 300));
        assert_eq!(allocated(Insats::Hemtjanst, "Väst"), Decimal::from(600));
        assert!(a.cells[&CellKey { regi: Regi::Annan, ..key(Insats::Hemtjanst, "Syd") }].allocated.is_zero());
        let receivers: Vec<usize> = a.pools.iter().map(|p| p.shares.len()).collect();
        assert_eq!(receivers, [2, 3, 4]);
    }

    #[test]
    fn a_pool_without_receivers_is_left_unplaced() {
        let ds = Dataset::default();
        let pools =
            BTreeMap::from([(Level::Enhet("X".into()), Amount { amount: Decimal::from(55), ..Amount::default() })]);
        let a =
            allocate(cells(&[(Insats::Hemtjanst, "A", 300)]), pools, &no_volumes(), &AllocationKey::DirectCost, &ds);
        assert_eq!(a.remainders[&ReconKey::PoolUtanMottagare].amount, Decimal::from(55));
        assert_eq!(a.pools[0].unplaced, Decimal::from(55));
        assert!(a.cells[&key(Insats::Hemtjanst, "A")].allocated.is_zero());
    }
}

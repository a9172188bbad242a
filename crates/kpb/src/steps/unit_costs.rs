//! Step 5 of the method (KPB.md §1): *kostnadsberäkna insatser*. Unit cost = (direct cost +
//! allocated common cost) ÷ volume, per cell and per insats for the municipality (Σ cost ÷ Σ
//! volume over the cells in egen regi without a data error). In annan regi the cost is what was
//! paid per client; the booked cost the file does not say was paid is spread over the volume
//! without a paid amount at one rate per insats.

use super::allocate::Allocated;
use super::volumes::{ClientVolume, Volumes};
use super::{data_error, members};
use crate::import::Dataset;
use crate::model::{Insats, Regi};
use crate::report::{InsatsSummary, UnitCost};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The unit costs.
pub(crate) struct UnitCosts {
    /// One per cell, in the cells' order.
    pub units: Vec<UnitCost>,
    /// One per insats with a cell, in catalogue order.
    pub insatser: Vec<InsatsSummary>,
    /// Annan regi, per insats: the booked cost, and the rate at which what the file does not
    /// say was paid is spread.
    pub annan: BTreeMap<Insats, Annan>,
}

/// Annan regi of one insats.
#[derive(Default, Debug)]
pub(crate) struct Annan {
    /// Booked in the ledger.
    pub booked: Decimal,
    /// The booked cost not paid per client, per volume without a paid amount (none when all
    /// was paid, or nothing is left).
    pub rate: Option<Decimal>,
}

/// What a client in annan regi costs: what was paid, and the spread rest for volume without a
/// paid amount.
pub(crate) fn annan_price(client: &ClientVolume, rate: Option<Decimal>) -> Decimal {
    client.paid + rate.map_or(Decimal::ZERO, |r| r * client.unpaid_volume)
}

/// The unit costs of `allocated` over `volumes`.
pub(crate) fn unit_costs(ds: &Dataset, allocated: &Allocated, volumes: &Volumes) -> UnitCosts {
    // Annan regi per insats: booked cost, and what the volume file says was paid.
    let mut annan: BTreeMap<Insats, (Decimal, Decimal, Decimal)> = BTreeMap::new(); // (booked, paid, unpaid volume)
    for (k, cell) in allocated.cells.iter().filter(|(k, _)| k.regi == Regi::Annan) {
        let a = annan.entry(k.insats).or_default();
        a.0 += cell.total();
        for client in volumes.cells.get(k).into_iter().flat_map(|v| v.clients.values()) {
            a.1 += client.paid;
            a.2 += client.unpaid_volume;
        }
    }
    let annan: BTreeMap<Insats, Annan> = annan
        .into_iter()
        .map(|(insats, (booked, paid, unpaid))| {
            let rate = (unpaid > Decimal::ZERO && booked - paid > Decimal::ZERO).then(|| (booked - paid) / unpaid);
            (insats, Annan { booked, rate })
        })
        .collect();

    let name = |code: &str| ds.org.enhet(code).map_or_else(|| code.to_owned(), |e| e.name.clone());
    let mut units = Vec::with_capacity(allocated.cells.len());
    // The brukare of an insats in each regi: every cell's members, each once (not those of a
    // cell in data error, which the insats' cost and volume leave out).
    let mut clients_per_insats: BTreeMap<(Insats, Regi), BTreeSet<u32>> = BTreeMap::new();
    for (k, cell) in &allocated.cells {
        let cell_volume = volumes.cells.get(k);
        let brukare = members(k, cell, cell_volume);
        let count = brukare.len() as u32;
        let clients = cell_volume.map(|v| &v.clients);
        let total = match k.regi {
            Regi::Egen => cell.total(),
            Regi::Annan => {
                let rate = annan.get(&k.insats).and_then(|a| a.rate);
                clients.into_iter().flat_map(|c| c.values()).map(|c| annan_price(c, rate)).sum()
            }
        };
        let volume = cell_volume.map_or(Decimal::ZERO, |v| v.volume);
        let error = (k.regi == Regi::Egen).then(|| data_error(total, volume)).flatten();
        // A cell in data error is left out of its insats' figures: its brukare too.
        if error.is_none() {
            clients_per_insats.entry((k.insats, k.regi)).or_default().extend(brukare);
        }
        let per = |x: Decimal| (!volume.is_zero() && error.is_none()).then(|| x / volume);
        units.push(UnitCost {
            insats: k.insats,
            enhet: k.enhet.clone(),
            enhet_name: name(&k.enhet),
            omrade: ds.org.enhet(&k.enhet).and_then(|e| e.omrade.clone()),
            regi: k.regi,
            direct: cell.direct.amount,
            personnel: cell.direct.personnel,
            allocated: cell.allocated,
            total,
            assistansersattning: cell.direct.assistansersattning,
            volume,
            basis: volumes.basis[&k.insats],
            unit_cost: per(total),
            net_unit_cost: (k.insats == Insats::PersonligAssistansSfb)
                .then(|| per(total + cell.direct.assistansersattning))
                .flatten(),
            error,
            clients: count,
            ledger_rows: cell.direct.lines.sources(ds),
            volume_rows: cell_volume.map(|v| v.lines.sources(ds)).unwrap_or_default(),
        });
    }

    let mut insatser = Vec::new();
    for insats in Insats::all() {
        let own: Vec<&UnitCost> = units.iter().filter(|u| u.insats == insats && u.regi == Regi::Egen).collect();
        let other: Vec<&UnitCost> = units.iter().filter(|u| u.insats == insats && u.regi == Regi::Annan).collect();
        if own.is_empty() && other.is_empty() {
            continue;
        }
        // A cell with a data error is no figure: left out of the municipality's ratio.
        let cost: Decimal = own.iter().filter(|u| u.error.is_none()).map(|u| u.total).sum();
        let volume: Decimal = own.iter().filter(|u| u.error.is_none()).map(|u| u.volume).sum();
        let rates: Vec<(String, Decimal)> =
            own.iter().filter_map(|u| u.unit_cost.map(|c| (u.enhet_name.clone(), c))).collect();
        insatser.push(InsatsSummary {
            insats,
            cost,
            volume,
            basis: volumes.basis[&insats],
            unit_cost: (!volume.is_zero()).then(|| cost / volume),
            min: rates.iter().min_by(|a, b| a.1.cmp(&b.1)).cloned(),
            max: rates.iter().max_by(|a, b| a.1.cmp(&b.1)).cloned(),
            annan_cost: other.iter().map(|u| u.total).sum(),
            annan_volume: other.iter().map(|u| u.volume).sum(),
            clients: clients_per_insats.get(&(insats, Regi::Egen)).map_or(0, |c| c.len() as u32),
            annan_clients: clients_per_insats.get(&(insats, Regi::Annan)).map_or(0, |c| c.len() as u32),
        });
    }
    UnitCosts { units, insatser, annan }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::CellKey;
    use crate::steps::allocate::CellCost;
    use crate::steps::place::DirectCost;
    use crate::steps::volumes::CellVolume;

    #[test]
    fn unit_cost_is_direct_and_allocated_over_volume_and_annan_regi_is_what_was_paid() {
        let ds = Dataset::default();
        let egen = CellKey { insats: Insats::Hemtjanst, enhet: "A".into(), regi: Regi::Egen };
        let annan = CellKey { insats: Insats::Hemtjanst, enhet: "B".into(), regi: Regi::Annan };
        // Volume but no cost: a data error, left out of the insats' figures.
        let broken = CellKey { insats: Insats::Hemtjanst, enhet: "C".into(), regi: Regi::Egen };
        let cost = |direct: i64, allocated: i64| CellCost {
            direct: DirectCost { amount: Decimal::from(direct), ..DirectCost::default() },
            allocated: Decimal::from(allocated),
        };
        let allocated = Allocated {
            cells: BTreeMap::from([
                (egen.clone(), cost(900, 300)),
                (annan.clone(), cost(1000, 0)),
                (broken.clone(), cost(0, 0)),
            ]),
            pools: Vec::new(),
            remainders: Default::default(),
            findings: Vec::new(),
        };
        let client = |volume: i64, paid: i64| ClientVolume {
            volume: Decimal::from(volume),
            paid: Decimal::from(paid),
            unpaid_volume: if paid == 0 { Decimal::from(volume) } else { Decimal::ZERO },
            ..ClientVolume::default()
        };
        let cell = |clients: Vec<(u32, ClientVolume)>| CellVolume {
            volume: clients.iter().map(|(_, c)| c.volume).sum(),
            clients: clients.into_iter().collect(),
            ..CellVolume::default()
        };
        let volumes = Volumes {
            basis: Insats::all().map(|i| (i, crate::model::VolumeKind::Beviljad)).collect(),
            cells: BTreeMap::from([
                (egen.clone(), cell(vec![(0, client(30, 0)), (1, client(10, 0))])),
                // Client 2 was paid 400 kr; client 3's 20 hours carry the unpaid 600 kr.
                (annan.clone(), cell(vec![(2, client(10, 400)), (3, client(20, 0))])),
                (broken.clone(), cell(vec![(4, client(5, 0))])),
            ]),
            boendeform: Default::default(),
            findings: Vec::new(),
        };
        let u = unit_costs(&ds, &allocated, &volumes);
        assert_eq!(u.units[0].unit_cost, Some(Decimal::from(30)));
        assert_eq!(u.annan[&Insats::Hemtjanst].rate, Some(Decimal::from(30)));
        assert_eq!(u.units[1].total, Decimal::from(1000));
        let hemtjanst = &u.insatser[0];
        // The egen regi brukare beside the egen regi cost and volume (the broken cell's in
        // neither); annan regi's apart.
        assert_eq!(u.units[2].error.as_deref(), Some("volym men ingen kostnad"));
        assert_eq!((hemtjanst.cost, hemtjanst.volume, hemtjanst.clients), (Decimal::from(1200), Decimal::from(40), 2));
        assert_eq!((u.units[0].clients, u.units[1].clients, u.units[2].clients, hemtjanst.annan_clients), (2, 2, 1, 2));
        assert_eq!(hemtjanst.annan_volume, Decimal::from(30));
    }
}

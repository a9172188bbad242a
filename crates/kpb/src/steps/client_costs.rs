//! Step 6 of the method (KPB.md §1): *beräkna KPB*. Each client's cost per cell: in egen regi
//! what ledger rows naming the client booked on them, plus the rest of the cell's cost in
//! proportion to the client's share of its volume (without such rows: the unit cost × the
//! client's volume); in annan regi what was paid ([`annan_price`]). Assistansersättning is placed the same way, beside the cost. A
//! cell's cost that reaches no client (no volume to divide by, annan regi booked but not paid)
//! is a remainder of the reconciliation.

use super::allocate::Allocated;
use super::unit_costs::{UnitCosts, annan_price};
use super::volumes::{ClientVolume, Volumes};
use super::{CellKey, Lines, Remainders, members, share_of};
use crate::import::Dataset;
use crate::model::{Boendeform, Insats, Regi};
use crate::report::{ClientCost, ClientLine, ReconKey};
use crate::settings::Settings;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The clients' costs.
pub(crate) struct ClientCosts {
    /// Every client with a line, most expensive first.
    pub clients: Vec<ClientCost>,
    /// What reached no client, by reason.
    pub remainders: Remainders,
}

/// Each client's cost in `year`.
pub(crate) fn client_costs(
    ds: &Dataset,
    settings: &Settings,
    year: i32,
    allocated: &Allocated,
    volumes: &Volumes,
    unit_costs: &UnitCosts,
) -> ClientCosts {
    // Per client its lines, in the cells' order (the order of their keys): the cells are gone
    // through in that order, and each gives a client at most one line (`members` are distinct).
    // (Counted first, so that each client's list is made at its length.)
    let mut count = vec![0usize; ds.clients.len()];
    for (key, cell) in &allocated.cells {
        for client in members(key, cell, volumes.cells.get(key)) {
            count[client as usize] += 1;
        }
    }
    let mut lines: Vec<Vec<ClientLine>> = count.into_iter().map(Vec::with_capacity).collect();
    let mut remainders = Remainders::new();
    let mut annan_placed: BTreeMap<Insats, Decimal> = BTreeMap::new();
    let no_volume = ClientVolume::default();
    for (key, cell) in &allocated.cells {
        let cell_volume = volumes.cells.get(key);
        let enhet: Arc<str> = key.enhet.as_str().into();
        let volume_of = |client: u32| cell_volume.and_then(|v| v.clients.get(&client)).unwrap_or(&no_volume);
        if key.regi == Regi::Annan {
            let rate = unit_costs.annan.get(&key.insats).and_then(|a| a.rate);
            for client in members(key, cell, cell_volume) {
                let v = volume_of(client);
                let cost = annan_price(v, rate);
                *annan_placed.entry(key.insats).or_default() += cost;
                lines[client as usize].push(line(key, &enhet, v, cost, Decimal::ZERO, Decimal::ZERO));
            }
            continue;
        }
        let b = &cell.direct;
        let rest = cell.total() - b.on_client.values().sum::<Decimal>();
        let rest_assistans = b.assistansersattning - b.assistansersattning_on_client.values().sum::<Decimal>();
        let total_volume = cell_volume.map_or(Decimal::ZERO, |v| v.volume);
        let share = |amount: Decimal, client: &ClientVolume| {
            if total_volume.is_zero() { Decimal::ZERO } else { share_of(amount, client.volume, total_volume) }
        };
        for client in members(key, cell, cell_volume) {
            let v = volume_of(client);
            let booked = b.on_client.get(&client).copied().unwrap_or_default();
            let booked_assistans = b.assistansersattning_on_client.get(&client).copied().unwrap_or_default();
            let cost = booked + share(rest, v);
            let assistans = booked_assistans + share(rest_assistans, v);
            lines[client as usize].push(line(key, &enhet, v, cost, assistans, booked));
        }
        if total_volume.is_zero() {
            if !rest.is_zero() {
                let r = remainders.entry(ReconKey::UtanVolym).or_default();
                r.amount += rest;
                r.lines.add_all(&b.lines);
            }
            if !rest_assistans.is_zero() {
                let r = remainders.entry(ReconKey::AssistansersattningEjPlacerad).or_default();
                r.amount += rest_assistans;
                r.lines.add_all(&b.lines);
            }
        }
    }
    // Annan regi: booked against placed, per insats.
    for (insats, annan) in &unit_costs.annan {
        let diff = annan.booked - annan_placed.get(insats).copied().unwrap_or_default();
        if !diff.is_zero() {
            let mut lines = Lines::default();
            for (_, cell) in allocated.cells.iter().filter(|(k, _)| k.regi == Regi::Annan && k.insats == *insats) {
                lines.add_all(&cell.direct.lines);
            }
            let to = remainders.entry(ReconKey::AnnanRegiDifferens).or_default();
            to.amount += diff;
            to.lines.add_all(&lines);
        }
    }

    // Each age's group, labelled once: the clients share a few score ages.
    let mut age_groups: FxHashMap<u32, String> = FxHashMap::default();
    let mut age_group = |age: u32| age_groups.entry(age).or_insert_with(|| settings.age_group(age)).clone();
    let mut clients: Vec<ClientCost> = lines
        .into_iter()
        .enumerate()
        .filter(|(_, lines)| !lines.is_empty())
        .map(|(client, lines)| client_cost(ds, year, volumes, &mut age_group, client as u32, lines))
        .collect();
    // (The ids are distinct, so the order is total: no need of a stable sort's buffer.)
    clients.sort_unstable_by(|a, b| b.total.cmp(&a.total).then_with(|| a.id.cmp(&b.id)));
    ClientCosts { clients, remainders }
}

/// A client's line in the cell `key`: its volume there and its cost.
fn line(
    key: &CellKey,
    enhet: &Arc<str>,
    volume: &ClientVolume,
    cost: Decimal,
    assistansersattning: Decimal,
    booked: Decimal,
) -> ClientLine {
    ClientLine {
        insats: key.insats,
        enhet: Arc::clone(enhet),
        regi: key.regi,
        volume: volume.volume,
        cost,
        assistansersattning,
        booked,
        beviljad: volume.beviljad,
        utford: volume.utford,
    }
}

/// One client's year: the lines in cell order, the totals, age and boendeform.
fn client_cost(
    ds: &Dataset,
    year: i32,
    volumes: &Volumes,
    age_group: &mut impl FnMut(u32) -> String,
    client: u32,
    lines: Vec<ClientLine>,
) -> ClientCost {
    let info = &ds.clients[client as usize];
    let age = info.birth_year.map(|y| (year - y).max(0) as u32).or(info.age);
    // The boendeform the file gives, else the one the insatser imply; särskilt boende first.
    let given = volumes.boendeform.get(client as usize).copied().unwrap_or(0);
    let implied = lines.iter().filter_map(|l| Boendeform::implied_by(l.insats)).fold(0u8, |m, b| m | 1 << b as u8);
    let forms = if given != 0 { given } else { implied };
    let has = |b: Boendeform| forms & (1 << b as u8) != 0;
    let boendeform = if has(Boendeform::Sarskilt) {
        Boendeform::Sarskilt
    } else if has(Boendeform::LssBostad) {
        Boendeform::LssBostad
    } else {
        Boendeform::Ordinart
    };
    ClientCost {
        id: info.id.clone(),
        age,
        age_group: age.map(age_group),
        kon: info.kon,
        boendeform,
        total: lines.iter().map(|l| l.cost).sum(),
        assistansersattning: lines.iter().map(|l| l.assistansersattning).sum(),
        lines,
    }
}

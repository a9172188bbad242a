//! The ledger (kostnader.csv) and the organisation mapping (mappning.csv), derived from the
//! units and the clients' volumes.
//!
//! Each cell in egen regi has a target full cost per volume unit. Common costs are booked as
//! pools at three levels, each sized as a fixed share of the direct cost beneath it (enhet:
//! the unit's admin rate; område: the pool's rate; förvaltning: [`FORVALTNING_BP`]). Since the
//! engine's default key distributes pools in proportion to direct cost, a cell then receives
//! exactly `direct × (enhet + område + förvaltning rate)`, and the direct cost booked is
//! `target / (1 + rates)`: the unit costs come out where they were aimed.

use crate::konto::{self, *};
use crate::rng::Rng;
use crate::text::div_round;
use crate::world::*;
use kpb::model::Insats;
use std::collections::BTreeMap;

/// Förvaltning-level common costs, basis points of all direct cost in egen regi.
pub const FORVALTNING_BP: i64 = 350;

/// Förvaltning-level ansvar: code, share per mille, profile. Nämnd, förvaltningsledning och
/// stab, biståndshandläggning äldre, LSS-handläggning.
const FORVALTNING: [(&str, i64, Profile); 4] = [
    ("40010", 60, konto::NAMND),
    ("40020", 420, konto::ADMIN),
    ("40030", 330, HANDLAGGNING),
    ("40040", 190, HANDLAGGNING),
];

/// Hemtjänst fees per beviljad hour (öre), booked on the område's first ansvar.
const AVGIFT_PER_TIMME: i64 = 5_800;

/// Volume (hundredths, the engine's basis) and paid amount (öre) per cell.
pub fn volumes(w: &World) -> Vec<(i64, i64)> {
    let index: BTreeMap<(u32, Insats), usize> =
        w.cells.iter().enumerate().map(|(i, c)| ((c.unit as u32, c.insats), i)).collect();
    let mut out = vec![(0, 0); w.cells.len()];
    for row in w.blocks.iter().flatten() {
        let Some(&i) = index.get(&(row.unit, row.insats)) else { continue };
        let v = match (row.stay, row.beviljad, row.utford) {
            (Some((from, to)), _, _) => 100 * w.stay_days(from, to),
            (None, Some(b), _) => b,
            (None, None, Some(u)) => u,
            _ => 0,
        };
        out[i].0 += v;
        out[i].1 += row.belopp.unwrap_or(0);
    }
    out
}

/// Splits a positive amount over a profile's konton, each share varied by ±10 %; the rows sum
/// to the amount exactly.
fn split(rng: &mut Rng, amount: i64, profile: Profile) -> Vec<(&'static str, i64)> {
    let weights: Vec<i64> = profile.iter().map(|&(_, pm)| i64::from(pm) * rng.range(900, 1100)).collect();
    let sum: i64 = weights.iter().sum();
    let mut out: Vec<(&'static str, i64)> =
        profile.iter().zip(&weights).map(|(&(k, _), &wt)| (k, amount * wt / sum)).collect();
    let rest = amount - out.iter().map(|r| r.1).sum::<i64>();
    out[0].1 += rest;
    out.retain(|r| r.1 != 0);
    out
}

/// How a unit's costs differ from Exempelkommun's in 2025 (the example year, 1000 exactly), in
/// per mille. In another year: about 3.5 % a year of price and wage increases, a unit's own drift
/// of up to ±6 %, and for one unit in nine a change of organisation worth 15 %. In another
/// municipality (seed): its own level, up to ±12 %, and its units' own spread, up to ±8 %.
fn cost_factor_pm(year: i32, seed: u64, unit: usize) -> i64 {
    let hash = |salt: u64| {
        let mut h = salt.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (unit as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^= h >> 31;
        h
    };
    let municipality = if seed == 1 {
        0
    } else {
        let level = (seed.wrapping_mul(0x94D0_49BB_1331_11EB) >> 40) % 241;
        level as i64 - 120 + (hash(seed.rotate_left(17)) % 161) as i64 - 80
    };
    if year == 2025 {
        return 1000 + municipality;
    }
    let h = hash(year as u64);
    let drift = (h % 121) as i64 - 60;
    let reorganised = if (h >> 8).is_multiple_of(9) { 150 } else { 0 };
    // Far from 2025 the yearly change would turn costs negative: a floor.
    (1000 + municipality - 35 * i64::from(2025 - year) + drift + reorganised).max(200)
}

/// Öre for a sum in kronor at the world's scale.
fn kr(w: &World, kronor: u64) -> i64 {
    w.scaled(kronor * 1000) as i64 * 100
}

pub fn ledger(w: &World, rng: &mut Rng) -> Vec<LRow> {
    let vol = volumes(w);
    let pool_bp: BTreeMap<&str, i64> = w.pools.iter().map(|p| (p.omrade, p.bp)).collect();
    let egen = |c: &Cell| w.units[c.unit].regi == Regi::Egen;
    let mut rows = Vec::new();

    // Direct cost per cell.
    let mut direct = vec![0i64; w.cells.len()];
    for (i, c) in w.cells.iter().enumerate() {
        let unit = &w.units[c.unit];
        direct[i] = match c.basis {
            CostBasis::Target(per_unit) => {
                let target = per_unit * cost_factor_pm(w.year, w.seed, c.unit) / 1000 * vol[i].0 / 100;
                let rates = unit.admin.as_ref().map_or(0, |a| a.1)
                    + pool_bp.get(unit.omrade).copied().unwrap_or(0)
                    + FORVALTNING_BP;
                div_round(target * 10_000, 10_000 + rates)
            }
            CostBasis::Booked { extra_pm } => {
                let booked: i64 = w
                    .booked
                    .iter()
                    .filter(|r| r.ansvar == c.ansvar && r.verksamhet == c.verksamhet && r.konto != ASSISTANSERSATTNING)
                    .map(|r| r.belopp)
                    .sum();
                booked + booked * extra_pm / 1000
            }
            CostBasis::Paid => vol[i].1,
        };
    }

    // The cells' own rows.
    for (i, c) in w.cells.iter().enumerate() {
        let d = direct[i];
        if d == 0 {
            continue;
        }
        let row = |konto: &'static str, belopp: i64| LRow::new(&c.ansvar, c.verksamhet, konto, belopp);
        match c.basis {
            CostBasis::Target(_) => {
                let internal = d * c.internal_pm / 1000;
                let sales = c.sales.map_or(0, |s| d * s.1 / 1000);
                for (k, a) in split(rng, d + internal + sales, c.profile) {
                    rows.push(row(k, a));
                }
                if internal > 0 {
                    rows.push(row(INTERN_INTAKT, -internal));
                }
                if let Some((k, _)) = c.sales {
                    rows.push(row(k, -sales));
                }
            }
            CostBasis::Booked { .. } => {
                let booked = d - w
                    .booked
                    .iter()
                    .filter(|r| r.ansvar == c.ansvar && r.verksamhet == c.verksamhet && r.konto != ASSISTANSERSATTNING)
                    .map(|r| r.belopp)
                    .sum::<i64>();
                for (k, a) in split(rng, booked, c.profile) {
                    rows.push(row(k, a));
                }
            }
            CostBasis::Paid => rows.push(row(KOP_HUVUDVERKSAMHET, d)),
        }
        for &(k, per_unit) in &c.fees {
            rows.push(row(k, -(vol[i].0 * per_unit / 100)));
        }
    }

    // Enhet level: each unit's administration.
    for (u, unit) in w.units.iter().enumerate() {
        let Some((ansvar, bp)) = &unit.admin else { continue };
        let cells: Vec<usize> = (0..w.cells.len()).filter(|&i| w.cells[i].unit == u).collect();
        let base: i64 = cells.iter().map(|&i| direct[i]).sum();
        let vht = w.cells[cells[0]].verksamhet;
        for (k, a) in split(rng, base * bp / 10_000, konto::ADMIN) {
            rows.push(LRow::new(ansvar, vht, k, a));
        }
    }

    // Område level.
    for pool in &w.pools {
        let cells: Vec<usize> = (0..w.cells.len())
            .filter(|&i| egen(&w.cells[i]) && w.units[w.cells[i].unit].omrade == pool.omrade)
            .collect();
        let base: i64 = cells.iter().map(|&i| direct[i]).sum();
        let vht = cells.first().map_or("500", |&i| w.cells[i].verksamhet);
        let amount = base * pool.bp / 10_000;
        let mut left = amount;
        for (j, (ansvar, share, profile)) in pool.ansvar.iter().enumerate() {
            let part = if j + 1 == pool.ansvar.len() { left } else { amount * share / 1000 };
            left -= part;
            for (k, a) in split(rng, part, profile) {
                rows.push(LRow::new(ansvar, vht, k, a));
            }
        }
        if pool.omrade == "Hemtjänst" {
            let hours: i64 =
                (0..w.cells.len()).filter(|&i| w.cells[i].insats == Insats::Hemtjanst).map(|i| vol[i].0).sum();
            rows.push(LRow::new(&pool.ansvar[0].0, vht, AVGIFT_HEMTJANST, -(hours * AVGIFT_PER_TIMME / 100)));
        }
    }

    // Förvaltning level: nämnd, ledning, handläggning; and statsbidrag (not deducted).
    let base: i64 = (0..w.cells.len()).filter(|&i| egen(&w.cells[i])).map(|i| direct[i]).sum();
    let amount = base * FORVALTNING_BP / 10_000;
    let mut left = amount;
    for (j, (ansvar, share, profile)) in FORVALTNING.iter().enumerate() {
        let part = if j + 1 == FORVALTNING.len() { left } else { amount * share / 1000 };
        left -= part;
        for (k, a) in split(rng, part, profile) {
            rows.push(LRow::new(ansvar, "500", k, a));
        }
    }
    rows.push(LRow::new("40020", "500", STATSBIDRAG, -kr(w, 1_350_000)));

    // Outside KPB: färdtjänst and bostadsanpassning.
    rows.push(LRow::new("47010", "590", KOP_HUVUDVERKSAMHET, kr(w, 3_100_000)));
    rows.push(LRow::new("47010", "590", AVGIFT_FARDTJANST, -kr(w, 420_000)));
    rows.push(LRow::new("47020", "591", BIDRAG_BOSTADSANPASSNING, kr(w, 1_650_000)));
    rows.push(LRow::new("47020", "591", MANADSLON, kr(w, 560_000)));
    rows.push(LRow::new("47020", "591", PO, kr(w, 205_000)));

    rows.extend(w.extra.iter().cloned());
    rows.extend(w.booked.iter().cloned());
    rows.sort();
    rows
}

/// The rows of mappning.csv: Ansvar, Verksamhet, Insats, Enhet, Enhetsnamn, Område, Regi,
/// Fördelning; sorted by ansvar.
pub fn mapping(w: &World) -> Vec<[String; 8]> {
    let mut rows: Vec<[String; 8]> = Vec::new();
    let s = |t: &str| t.to_owned();
    for c in &w.cells {
        let u = &w.units[c.unit];
        let vht = if c.map_verksamhet { c.verksamhet } else { "" };
        rows.push([
            c.ansvar.clone(),
            s(vht),
            s(c.insats.code()),
            u.code.clone(),
            u.name.clone(),
            s(u.omrade),
            s(u.regi.text()),
            String::new(),
        ]);
    }
    for u in &w.units {
        if let Some((ansvar, _)) = &u.admin {
            rows.push([
                ansvar.clone(),
                String::new(),
                String::new(),
                u.code.clone(),
                u.name.clone(),
                s(u.omrade),
                s("egen"),
                s("enhet"),
            ]);
        }
    }
    for p in &w.pools {
        for (ansvar, _, _) in &p.ansvar {
            rows.push([
                ansvar.clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                s(p.omrade),
                String::new(),
                s("område"),
            ]);
        }
    }
    for (ansvar, _, _) in FORVALTNING {
        rows.push([
            s(ansvar),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            s("förvaltning"),
        ]);
    }
    rows.push([
        s("47*"),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        s("exkludera"),
    ]);
    rows.sort();
    rows
}

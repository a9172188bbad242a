//! The ledger (kostnader.csv) and the organisation mapping (mappning.csv), derived from the
//! units and the clients' volumes.
//!
//! Each cell in egen regi has a target full cost per volume unit. Common costs are booked as
//! pools at three levels, each sized as a fixed share of the direct cost beneath it (enhet:
//! the unit's admin rate; område: the pool's rate; förvaltning: [`FORVALTNING_BP`]). Since the
//! engine's default key distributes pools in proportion to direct cost, a cell then receives
//! exactly `direct × (enhet + område + förvaltning rate)`, and the direct cost booked is
//! `target / (1 + rates)`: the unit costs come out where they were aimed.
//!
//! [`by_month`] turns the year's ledger into a monthly one (the example's, and the larger sizes'
//! with `--manader`): every row becomes up to twelve rows, one per accounting period, that sum to
//! the year's amount to the öre, so every whole-year figure stays where it was aimed.

use crate::date;
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

/// Per month (index 0 = January): each cell's volume (as [`volumes`] counts it; a stay's dygn in
/// the months they fall in) and paid amount, and each client's volume at a cell.
struct MonthlyVolumes {
    volume: Vec<[i64; 12]>,
    paid: Vec<[i64; 12]>,
    client: BTreeMap<(u32, usize), [i64; 12]>,
}

fn monthly_volumes(w: &World) -> MonthlyVolumes {
    let index: BTreeMap<(u32, Insats), usize> =
        w.cells.iter().enumerate().map(|(i, c)| ((c.unit as u32, c.insats), i)).collect();
    let mut out = MonthlyVolumes {
        volume: vec![[0; 12]; w.cells.len()],
        paid: vec![[0; 12]; w.cells.len()],
        client: BTreeMap::new(),
    };
    let spans: Vec<(date::Day, date::Day)> = (1..=12).map(|m| date::month_span(w.year, m)).collect();
    for row in w.blocks.iter().flatten() {
        let Some(&i) = index.get(&(row.unit, row.insats)) else { continue };
        let mut add = |m: usize, v: i64, paid: i64| {
            out.volume[i][m] += v;
            out.paid[i][m] += paid;
            out.client.entry((row.person, i)).or_insert([0; 12])[m] += v;
        };
        match (row.month, row.stay) {
            (Some(m), _) => add(usize::from(m) - 1, row.beviljad.or(row.utford).unwrap_or(0), row.belopp.unwrap_or(0)),
            (None, Some((from, to))) => {
                let days = w.stay_days(from, to);
                for (m, &(lo, hi)) in spans.iter().enumerate() {
                    let d = date::overlap(from, to.unwrap_or(w.last_day()), lo, hi);
                    if d > 0 {
                        // A bought place is paid per dygn: the month's dygn of the stay's amount.
                        add(m, 100 * d, row.belopp.map_or(0, |b| b * d / days));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `amount` split over the twelve months in proportion to `weights` (not all zero), exactly: a
/// month gets the difference of the rounded running shares, so the months sum to the amount and
/// a month of weight zero gets nothing.
pub fn spread(amount: i64, weights: &[i128; 12]) -> [i64; 12] {
    let total: i128 = weights.iter().sum();
    assert!(total > 0 && weights.iter().all(|&x| x >= 0), "weights {weights:?}");
    let round = |a: i128| if a >= 0 { (a + total / 2) / total } else { -((-a + total / 2) / total) };
    let mut out = [0i64; 12];
    let (mut running, mut before) = (0i128, 0i128);
    for (m, &x) in weights.iter().enumerate() {
        running += x;
        let upto = round(i128::from(amount) * running);
        out[m] = (upto - before) as i64;
        before = upto;
    }
    out
}

/// The ledger per month: each whole-year row as up to twelve rows with periods 1–12 whose amounts
/// sum to the row's exactly (a month of zero is not written). The shapes:
///
/// - a cell's direct cost, internal revenue and sales follow the cell's volume month by month,
///   with a swing common to the cell's konton (±3 %) and each row's own (±1.5 %); personnel
///   konton (5xxx) are a few per cent higher in June–August (vacation substitutes);
/// - rows booked on a client follow that client's volume at the cell, personnel konton with
///   the summer's increase; assistansersättning and the first 20 hours per week follow the
///   hours exactly;
/// - fees follow the volume they are charged on (±1.5 %; hemtjänst fees, booked on the område,
///   the month's hemtjänst hours);
/// - annan regi: what the volume file says was paid in the month (a bought place's dygn in it);
/// - common-cost pools (enhet, område, förvaltning) and the rows outside KPB: the month's days,
///   ±4 %; statsbidrag a twelfth a month.
///
/// The rows are sorted by ansvar, verksamhet, konto, client, then period.
pub fn by_month(w: &World, annual: &[LRow], rng: &mut Rng) -> Vec<LRow> {
    let mv = monthly_volumes(w);
    let cells: BTreeMap<(&str, &str), usize> =
        w.cells.iter().enumerate().map(|(i, c)| ((c.ansvar.as_str(), c.verksamhet), i)).collect();
    let days: [i128; 12] = std::array::from_fn(|m| {
        let (lo, hi) = date::month_span(w.year, m as u8 + 1);
        i128::from(hi - lo + 1)
    });
    let mut hours = [0i128; 12];
    for (i, c) in w.cells.iter().enumerate() {
        if c.insats == Insats::Hemtjanst {
            for (h, &v) in hours.iter_mut().zip(&mv.volume[i]) {
                *h += i128::from(v);
            }
        }
    }
    let wide = |v: &[i64; 12]| -> [i128; 12] { std::array::from_fn(|m| i128::from(v[m])) };
    // Per mille per month, 1000 ± pm.
    let noise =
        |rng: &mut Rng, pm: i64| -> [i128; 12] { std::array::from_fn(|_| i128::from(rng.range(1000 - pm, 1000 + pm))) };
    // Per group of rows (a cell, or a client at it): the common swing and the summer, per mille.
    type Group<'a> = (&'a str, &'a str, Option<u32>);
    let mut groups: BTreeMap<Group, ([i128; 12], [i128; 12])> = BTreeMap::new();
    let mut out = Vec::with_capacity(annual.len() * 12);
    for r in annual {
        if r.belopp == 0 {
            continue;
        }
        let personnel = r.konto.starts_with('5');
        let weights: [i128; 12] = match cells.get(&(r.ansvar.as_str(), r.verksamhet)) {
            Some(&i) if matches!(w.cells[i].basis, CostBasis::Paid) => wide(&mv.paid[i]),
            Some(&i) => {
                let base = wide(r.brukare.and_then(|p| mv.client.get(&(p, i))).unwrap_or(&mv.volume[i]));
                if r.konto == ASSISTANSERSATTNING || r.konto == FK_FORSTA_20 {
                    base
                } else if w.cells[i].fees.iter().any(|f| f.0 == r.konto) {
                    let n = noise(rng, 15);
                    std::array::from_fn(|m| base[m] * n[m])
                } else {
                    let (swing, summer) = *groups.entry((&r.ansvar, r.verksamhet, r.brukare)).or_insert_with(|| {
                        let swing = std::array::from_fn(|_| i128::from(rng.range(970, 1030)));
                        let mut summer = [1000i128; 12];
                        summer[5] += i128::from(rng.range(20, 40));
                        summer[6] += i128::from(rng.range(40, 70));
                        summer[7] += i128::from(rng.range(20, 40));
                        (swing, summer)
                    });
                    let own = if r.brukare.is_some() { [1000; 12] } else { noise(rng, 15) };
                    std::array::from_fn(|m| base[m] * swing[m] * own[m] * if personnel { summer[m] } else { 1000 })
                }
            }
            None if r.konto == AVGIFT_HEMTJANST => {
                let n = noise(rng, 15);
                std::array::from_fn(|m| hours[m] * n[m])
            }
            None if r.konto == STATSBIDRAG => [1; 12],
            None => {
                let n = noise(rng, 40);
                std::array::from_fn(|m| days[m] * n[m])
            }
        };
        let weights = if weights.iter().any(|&x| x > 0) { weights } else { days };
        for (m, part) in spread(r.belopp, &weights).into_iter().enumerate() {
            if part != 0 {
                out.push(LRow { belopp: part, ..r.clone() }.in_month(m as u8 + 1));
            }
        }
    }
    out.sort();
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

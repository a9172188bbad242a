//! Äldreomsorg: hemtjänst in egen regi (areas) and by LOV providers in annan regi,
//! trygghetslarm, matdistribution, hemsjukvård, dagverksamhet, korttidsboende and särskilt
//! boende (egen regi and bought places).
//!
//! The clients' years hang together: most new residents of särskilt boende had hemtjänst until
//! they moved, some via a stay in korttidsboende; korttid stays are mostly hemtjänst clients'.

use crate::date::Day;
use crate::konto::{self, *};
use crate::names;
use crate::people::*;
use crate::rng::Rng;
use crate::text::{ascii_code, div_round, round_to};
use crate::world::*;
use kpb::model::Insats;
use std::collections::BTreeMap;

/// Hemtjänst areas of the example municipality: code, name, full cost per beviljad hour (kr).
const HEMTJANST: [(&str, &str, i64); 4] = [
    ("HT-NORR", "Hemtjänst Norr", 468),
    ("HT-SODER", "Hemtjänst Söder", 536),
    ("HT-OSTER", "Hemtjänst Öster", 433),
    ("HT-CENTRUM", "Hemtjänst Centrum", 497),
];

/// A boende in särskilt boende: its places and how residents come and go.
#[derive(Clone, Copy)]
struct Home {
    unit: usize,
    places: i64,
    /// Mean stay of a resident, days.
    mean_stay: i64,
    /// Days a place stands empty between residents (range).
    vacancy: (i64, i64),
    /// Price per dygn (kr) of a bought place; `None` in egen regi.
    price: Option<i64>,
}

/// Särskilda boenden of the example: code, name, kr per dygn, and the home (unit set later).
const BOENDEN: [(&str, &str, i64, Home); 3] = [
    ("SB-BJORK", "Björkhagen", 2140, Home { unit: 0, places: 34, mean_stay: 760, vacancy: (5, 45), price: None }),
    ("SB-SOL", "Solgården", 1960, Home { unit: 0, places: 38, mean_stay: 760, vacancy: (5, 40), price: None }),
    (
        "SB-EKEN",
        "Eken demensboende",
        2540,
        Home { unit: 0, places: 24, mean_stay: 900, vacancy: (10, 50), price: None },
    ),
];

/// LOV providers in hemtjänst: code, name, kr per utförd hour.
const LOV: [(&str, &str, i64); 2] =
    [("OMSORGSPARTNER", "Omsorgspartner AB", 430), ("TRYGGAHAND", "Trygga Hand Omsorg AB", 441)];

/// A client's hemtjänst over the year.
struct Hemtjanst {
    person: u32,
    unit: usize,
    start: Day,
    end: Day,
    /// Granted hours per month (hundredths).
    level: i64,
    heavy: bool,
}

/// A stay (korttid or särskilt boende).
struct Stay {
    person: u32,
    unit: usize,
    from: Day,
    to: Option<Day>,
}

struct Units {
    areas: Vec<usize>,
    lov: Vec<(usize, i64)>,
    larm: Vec<usize>,
    mat: Vec<usize>,
    hsv: Vec<usize>,
    dagv: Vec<usize>,
    korttid: Vec<usize>,
    boenden: Vec<Home>,
}

pub fn generate(w: &mut World, rng: &mut Rng, c48: &mut Codes) {
    let u = units(w, rng, c48);
    let first = w.first_day();
    let last = w.last_day();
    let year = w.year;

    // Särskilt boende: each place over the year, resident after resident.
    let mut sabo: Vec<Stay> = Vec::new();
    let mut move_ins: Vec<(u32, Day)> = Vec::new();
    for &Home { unit, places, mean_stay: mean, vacancy: gap, .. } in &u.boenden {
        for _ in 0..places {
            // The resident on 1 January moved in some time before; stays are memoryless, so
            // what remains of the stay is as long as a new resident's.
            let mut person = w.people.add(rng, year, AGES_SABO, 660);
            let mut from = first - 1 - rng.exponential(2 * mean / 3);
            let mut end = first + rng.exponential(mean);
            loop {
                if end >= last {
                    sabo.push(Stay { person, unit, from, to: None });
                    break;
                }
                sabo.push(Stay { person, unit, from, to: Some(end) });
                let next = end + rng.range(gap.0, gap.1) + 1;
                if next > last {
                    break;
                }
                person = w.people.add(rng, year, AGES_SABO, 660);
                move_ins.push((person, next));
                from = next;
                end = next + rng.exponential(mean);
            }
        }
    }

    // Before moving in: hemtjänst at home, often korttidsboende just before.
    let mut hemtjanst: Vec<Hemtjanst> = Vec::new();
    let mut korttid: Vec<Stay> = Vec::new();
    let mut korttid_days: BTreeMap<u32, Vec<(Day, Day)>> = BTreeMap::new();
    for &(person, day) in &move_ins {
        let mut home_until = day - 1;
        if rng.chance(350) {
            let len = rng.range(7, 28);
            let (from, to) = (day - len, day - 1);
            if to >= first {
                korttid.push(Stay { person, unit: *rng.pick(&u.korttid), from, to: Some(to) });
                korttid_days.entry(person).or_default().push((from, to));
                home_until = from - 1;
            }
        }
        if rng.chance(600) && home_until >= first + 14 {
            let unit = if rng.chance(850) { *rng.pick(&u.areas) } else { rng.pick(&u.lov).0 };
            let level = rng.skewed(1500, 7000);
            hemtjanst.push(Hemtjanst { person, unit, start: first, end: home_until, level, heavy: false });
        }
    }

    // Hemtjänst: fill each area and provider to its share of the clients.
    let heavy = w.scaled(7000);
    let quotas = {
        let egen = w.scaled(190_000);
        let lov = w.scaled(32_000);
        let mut q: Vec<(usize, usize)> =
            split_count(rng, egen, u.areas.len()).into_iter().zip(u.areas.iter()).map(|(n, &a)| (a, n)).collect();
        q.extend(split_count(rng, lov, u.lov.len()).into_iter().zip(u.lov.iter()).map(|(n, &(a, _))| (a, n)));
        q
    };
    for i in 0..heavy {
        // Double staffing around the clock: every seventh with a LOV provider.
        let unit = if i % 7 == 6 { u.lov[i / 7 % u.lov.len()].0 } else { u.areas[i % u.areas.len()] };
        let person = w.people.add(rng, year, AGES_HEMTJANST, 550);
        hemtjanst.push(Hemtjanst {
            person,
            unit,
            start: first,
            end: last,
            level: rng.range(150, 250) * 100,
            heavy: true,
        });
    }
    for (unit, quota) in quotas {
        let have = hemtjanst.iter().filter(|h| h.unit == unit).count();
        for _ in have..quota {
            let person = w.people.add(rng, year, AGES_HEMTJANST, 630);
            let start = if rng.chance(750) { first } else { rng.range(first + 1, last - 20) };
            let end = if rng.chance(800) { last } else { rng.range(start + 20, last) };
            hemtjanst.push(Hemtjanst { person, unit, start, end, level: rng.skewed(300, 6500), heavy: false });
        }
    }

    // Korttidsboende: stays spread over the year, half of them hemtjänst clients'.
    for _ in 0..w.scaled(85_000) {
        let len = 3 + rng.skewed(0, 45);
        let start = rng.range(first - 14, last - 2);
        let mut end = start + len - 1;
        if end < first {
            end = first + rng.range(0, 4);
        }
        let free = |p: u32, kd: &BTreeMap<u32, Vec<(Day, Day)>>| {
            kd.get(&p).is_none_or(|v| v.iter().all(|&(a, b)| end + 3 < a || b + 3 < start))
        };
        let mut person = None;
        if rng.chance(500) && !hemtjanst.is_empty() {
            for _ in 0..8 {
                let h = &hemtjanst[rng.below(hemtjanst.len() as u64) as usize];
                if !h.heavy && h.start <= start && end <= h.end && free(h.person, &korttid_days) {
                    person = Some(h.person);
                    break;
                }
            }
        }
        let person = person.unwrap_or_else(|| w.people.add(rng, year, AGES_KORTTID, 600));
        korttid_days.entry(person).or_default().push((start, end));
        let to = (end <= last).then_some(end);
        korttid.push(Stay { person, unit: *rng.pick(&u.korttid), from: start, to });
    }

    // Rows.
    let mut ht_rows = Vec::new();
    let (mut larm_rows, mut mat_rows, mut hsv_rows, mut dagv_rows) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let rate: BTreeMap<usize, i64> = u.lov.iter().copied().collect();
    for (i, h) in hemtjanst.iter().enumerate() {
        w.months(h.start, h.end, |m, active, dim| {
            let (jitter, step, share) =
                if h.heavy { (rng.range(960, 1040), 100, (900, 980)) } else { (rng.range(900, 1100), 50, (850, 980)) };
            let b = round_to(h.level * jitter / 1000 * active / dim, step).max(50);
            let u = (b * rng.range(share.0, share.1) / 1000).clamp(1, b - 1);
            let mut row =
                VRow::new(h.person, Insats::Hemtjanst, h.unit, Boende::Ordinart).month(m).beviljad(b).utford(u);
            if let Some(kr) = rate.get(&h.unit) {
                row = row.paid(u * kr);
            }
            ht_rows.push(row);
        });
        let age = year - w.people.get(h.person).birth;
        if h.heavy || rng.chance(560) {
            let unit = u.larm[i % u.larm.len()];
            w.months(h.start, h.end, |m, _, _| {
                larm_rows.push(VRow::new(h.person, Insats::Trygghetslarm, unit, Boende::Ordinart).month(m).utford(100))
            });
        }
        if !h.heavy && rng.chance(220) {
            let unit = u.mat[i % u.mat.len()];
            let level = rng.range(8, 31);
            w.months(h.start, h.end, |m, active, dim| {
                let n = (div_round(level * active, dim) + rng.range(-2, 2)).clamp(1, dim);
                mat_rows.push(
                    VRow::new(h.person, Insats::Matdistribution, unit, Boende::Ordinart).month(m).utford(100 * n),
                );
            });
        }
        if h.heavy || rng.chance(280) {
            let unit = u.hsv[i % u.hsv.len()];
            let level = if h.heavy { rng.range(400, 1200) } else { rng.skewed(50, 1000) };
            w.months(h.start, h.end, |m, active, dim| {
                let v = (level * rng.range(800, 1200) / 1000 * active / dim).max(25);
                hsv_rows.push(VRow::new(h.person, Insats::Hemsjukvard, unit, Boende::Ordinart).month(m).utford(v));
            });
        }
        if !h.heavy && age >= 70 && rng.chance(80) {
            let unit = *rng.pick(&u.dagv);
            let days = rng.range(4, 12);
            w.months(h.start, h.end, |m, active, dim| {
                let n = (div_round(days * active, dim) + rng.range(-1, 1)).clamp(1, 20);
                dagv_rows
                    .push(VRow::new(h.person, Insats::Dagverksamhet, unit, Boende::Ordinart).month(m).utford(100 * n));
            });
        }
    }
    // Trygghetslarm (sometimes with matdistribution) without hemtjänst.
    for _ in 0..w.scaled(15_000) {
        let person = w.people.add(rng, year, AGES_HEMTJANST, 680);
        let start = if rng.chance(700) { first } else { rng.range(first + 1, last - 30) };
        let end = if rng.chance(900) { last } else { rng.range(start + 30, last) };
        let unit = *rng.pick(&u.larm);
        w.months(start, end, |m, _, _| {
            larm_rows.push(VRow::new(person, Insats::Trygghetslarm, unit, Boende::Ordinart).month(m).utford(100))
        });
        if rng.chance(150) {
            let unit = *rng.pick(&u.mat);
            let level = rng.range(8, 20);
            w.months(start, end, |m, active, dim| {
                let n = (div_round(level * active, dim) + rng.range(-2, 2)).clamp(1, dim);
                mat_rows
                    .push(VRow::new(person, Insats::Matdistribution, unit, Boende::Ordinart).month(m).utford(100 * n));
            });
        }
    }
    let korttid_rows = korttid
        .iter()
        .map(|s| VRow::new(s.person, Insats::Korttidsboende, s.unit, Boende::Ordinart).stay(s.from, s.to))
        .collect();
    let price: BTreeMap<usize, i64> = u.boenden.iter().filter_map(|b| b.price.map(|p| (b.unit, p))).collect();
    let sabo_rows = sabo
        .iter()
        .map(|s| {
            let row = VRow::new(s.person, Insats::SarskiltBoende, s.unit, Boende::Sarskilt).stay(s.from, s.to);
            match price.get(&s.unit) {
                Some(p) => row.paid(w.stay_days(s.from, s.to) * p * 100),
                None => row,
            }
        })
        .collect();
    for block in [ht_rows, larm_rows, mat_rows, hsv_rows, dagv_rows, korttid_rows, sabo_rows] {
        w.push_block(block);
    }
}

/// `total` split over `n` parts of varying size (±20 %).
pub fn split_count(rng: &mut Rng, total: usize, n: usize) -> Vec<usize> {
    let weights: Vec<usize> = (0..n).map(|_| rng.range(80, 120) as usize).collect();
    let sum: usize = weights.iter().sum();
    let mut out: Vec<usize> = weights.iter().map(|w| total * w / sum).collect();
    let rest = total - out.iter().sum::<usize>();
    for i in 0..rest {
        out[i % n] += 1;
    }
    out
}

/// Extra units beyond the named ones: (code, name) from place names.
pub fn extra_names(rng: &mut Rng, n: usize, code_prefix: &str, name: impl Fn(&str) -> String) -> Vec<(String, String)> {
    names::places(rng, n, &["Solgården", "Björkhagen"])
        .into_iter()
        .map(|p| (format!("{code_prefix}{}", ascii_code(&p)), name(&p)))
        .collect()
}

/// A service in ordinärt boende: one unit in the example, more at larger sizes.
struct Service {
    code: &'static str,
    name: &'static str,
    /// Code prefix and name of further units (`LARM-BJORKDALEN`, "Trygghetslarm Björkdalen").
    more: (&'static str, &'static str),
    omrade: &'static str,
    insats: Insats,
    verksamhet: &'static str,
    /// Full cost per volume unit, kr.
    kr: i64,
    profile: Profile,
}

const LARM: Service = Service {
    code: "LARM",
    name: "Trygghetslarm",
    more: ("LARM-", "Trygghetslarm"),
    omrade: "Stöd i ordinärt boende",
    insats: Insats::Trygghetslarm,
    verksamhet: "515",
    kr: 345,
    profile: konto::LARM,
};
const MAT: Service = Service {
    code: "MATDIST",
    name: "Matdistributionen",
    more: ("MAT-", "Matdistribution"),
    omrade: "Stöd i ordinärt boende",
    insats: Insats::Matdistribution,
    verksamhet: "516",
    kr: 92,
    profile: konto::MAT,
};
const HSV: Service = Service {
    code: "HSV",
    name: "Hemsjukvården",
    more: ("HSV-", "Hemsjukvården"),
    omrade: "Hälso- och sjukvård",
    insats: Insats::Hemsjukvard,
    verksamhet: "518",
    kr: 665,
    profile: konto::HSL,
};
const DAGV: Service = Service {
    code: "DAGV-LONNEN",
    name: "Dagverksamheten Lönnen",
    more: ("DAGV-", "Dagverksamheten"),
    omrade: "Stöd i ordinärt boende",
    insats: Insats::Dagverksamhet,
    verksamhet: "514",
    kr: 1150,
    profile: konto::DAGVERKSAMHET,
};

/// The `n` units of a service, as (unit, cell); the first is the named one, the others cost
/// within ±8 % of it.
fn service(w: &mut World, rng: &mut Rng, codes: &mut Codes, s: &Service, n: usize) -> Vec<(usize, usize)> {
    let mut list = vec![(s.code.to_owned(), s.name.to_owned())];
    list.extend(extra_names(rng, n.saturating_sub(1), s.more.0, |p| format!("{} {p}", s.more.1)));
    let mut out = Vec::new();
    for (i, (code, name)) in list.into_iter().take(n).enumerate() {
        let (direct, _) = codes.unit();
        let unit = w.unit(code, name, s.omrade, Regi::Egen, None);
        let kr = if i == 0 { s.kr } else { rng.range(s.kr * 92 / 100, s.kr * 108 / 100) };
        let cell = w.cell(unit, s.insats, &direct, s.verksamhet, CostBasis::Target(kr * 100), s.profile);
        out.push((unit, cell));
    }
    out
}

fn units(w: &mut World, rng: &mut Rng, c48: &mut Codes) -> Units {
    let n_areas = w.count(4, 4);
    let n_lov = w.scaled(500).max(1);
    let n_larm = w.scaled(333).max(1);
    let n_mat = w.scaled(333).max(1);
    let n_hsv = w.scaled(500).max(1);
    let n_dagv = w.scaled(500).max(1);
    let n_korttid = w.count(1, 1);
    let n_boenden = w.count(3, 3);
    let n_bought = w.scaled(500).max(1);

    // Hemtjänst: the area's common costs (ledning, planering, bilpool) and the areas.
    let mut c41 = Codes::new("41", n_areas);
    w.pools.push(AreaPool {
        omrade: "Hemtjänst",
        bp: 900,
        ansvar: vec![
            (c41.common(0), 400, konto::ADMIN),
            (c41.common(1), 350, PLANERING),
            (c41.common(2), 250, BILPOOL),
        ],
    });
    let mut named: Vec<(String, String, i64)> = HEMTJANST.iter().map(|&(c, n, k)| (c.into(), n.into(), k)).collect();
    for (c, n) in extra_names(rng, n_areas.saturating_sub(4), "HT-", |p| format!("Hemtjänst {p}")) {
        named.push((c, n, rng.range(425, 555)));
    }
    let mut areas = Vec::new();
    for (code, name, kr) in named.into_iter().take(n_areas) {
        let (direct, admin) = c41.unit();
        let unit = w.unit(code, name, "Hemtjänst", Regi::Egen, Some((admin, rng.range(300, 550))));
        let cell = w.cell(unit, Insats::Hemtjanst, &direct, "511", CostBasis::Target(kr * 100), konto::HEMTJANST);
        if rng.chance(500) {
            w.cells[cell].internal_pm = rng.range(5, 20);
        }
        areas.push(unit);
    }

    // Övrigt i ordinärt boende.
    let mut c43 = Codes::new("43", n_larm + n_mat + n_hsv + n_dagv);
    let larm = service(w, rng, &mut c43, &LARM, n_larm);
    let mat = service(w, rng, &mut c43, &MAT, n_mat);
    let hsv = service(w, rng, &mut c43, &HSV, n_hsv);
    let dagv = service(w, rng, &mut c43, &DAGV, n_dagv);
    for &(_, cell) in &larm {
        w.cells[cell].fees.push((AVGIFT_LARM, 25_000));
    }
    for &(_, cell) in &mat {
        w.cells[cell].fees.push((AVGIFT_MAT, 6_200));
    }
    for &(_, cell) in &hsv {
        w.cells[cell].sales = Some((FORSALJNING_REGION, 30));
    }
    for &(_, cell) in &dagv {
        w.cells[cell].fees.push((AVGIFT_MAT, 5_500));
    }

    // Särskilt boende and korttidsboende.
    let mut c42 = Codes::new("42", n_korttid + n_boenden);
    w.pools.push(AreaPool {
        omrade: "Särskilt boende",
        bp: 300,
        ansvar: vec![(c42.common(0), 600, konto::ADMIN), (c42.common(1), 400, PLANERING)],
    });
    let mut korttid = Vec::new();
    let mut list = vec![("KB-ASPEN".to_owned(), "Korttidsboendet Aspen".to_owned())];
    list.extend(extra_names(rng, n_korttid - 1, "KB-", |p| format!("Korttidsboendet {p}")));
    for (i, (code, name)) in list.into_iter().enumerate() {
        let (direct, _) = c42.unit();
        let unit = w.unit(code, name, "Särskilt boende", Regi::Egen, None);
        let kr = if i == 0 { 2950 } else { rng.range(2750, 3150) };
        let cell = w.cell(unit, Insats::Korttidsboende, &direct, "513", CostBasis::Target(kr * 100), konto::BOENDE);
        w.cells[cell].fees.push((AVGIFT_KORTTID, 17_000));
        korttid.push(unit);
    }
    let mut boenden = Vec::new();
    let mut list: Vec<(String, String, i64, Home)> =
        BOENDEN.iter().map(|&(c, n, kr, h)| (c.into(), n.into(), kr, h)).collect();
    for (c, n) in extra_names(rng, n_boenden.saturating_sub(3), "SB-", |p| p.to_owned()) {
        let home = Home { unit: 0, places: rng.range(24, 42), mean_stay: 760, vacancy: (5, 45), price: None };
        list.push((c, n, rng.range(1900, 2600), home));
    }
    for (i, (code, name, kr, home)) in list.into_iter().take(n_boenden).enumerate() {
        let (direct, admin) = c42.unit();
        let unit = w.unit(code, name, "Särskilt boende", Regi::Egen, Some((admin, rng.range(300, 500))));
        let cell = w.cell(unit, Insats::SarskiltBoende, &direct, "512", CostBasis::Target(kr * 100), konto::BOENDE);
        w.cells[cell].fees.extend([(HYRA, 19_500), (AVGIFT_MAT, 12_000)]);
        if i == 2 {
            // Eken sells a place to a neighbouring municipality.
            w.cells[cell].sales = Some((FORSALJNING_KOMMUN, 30));
        }
        w.places.push((unit, home.places));
        boenden.push(Home { unit, ..home });
    }

    // Annan regi: LOV providers in hemtjänst and bought places in särskilt boende.
    let mut lov = Vec::new();
    let mut list: Vec<(String, String, i64)> = LOV.iter().map(|&(c, n, k)| (c.into(), n.into(), k)).collect();
    for p in names::places(rng, n_lov.saturating_sub(2), &[]) {
        list.push((format!("{}OMSORG", ascii_code(&p)), format!("{p} Omsorg AB"), rng.range(415, 445)));
    }
    for (code, name, kr) in list.into_iter().take(n_lov) {
        let (direct, _) = c48.unit();
        let unit = w.unit(code, name, "Hemtjänst", Regi::Annan, None);
        w.cell(unit, Insats::Hemtjanst, &direct, "511", CostBasis::Paid, KOPT);
        lov.push((unit, kr));
    }
    let bought_places = w.scaled(8000).max(1);
    let mut list = vec![("ROSENDAL".to_owned(), "Rosendals vård- och omsorgsboende AB".to_owned(), 2150)];
    for p in names::places(rng, n_bought.saturating_sub(1), &[]) {
        list.push((format!("{}VARD", ascii_code(&p)), format!("{p} Vård AB"), rng.range(2050, 2300)));
    }
    for ((code, name, kr), places) in list.into_iter().take(n_bought).zip(split_count(rng, bought_places, n_bought)) {
        let (direct, _) = c48.unit();
        let unit = w.unit(code, name, "Särskilt boende", Regi::Annan, None);
        w.cell(unit, Insats::SarskiltBoende, &direct, "512", CostBasis::Paid, KOPT);
        boenden.push(Home { unit, places: places as i64, mean_stay: 700, vacancy: (20, 120), price: Some(kr) });
    }

    let pick = |v: Vec<(usize, usize)>| v.into_iter().map(|(u, _)| u).collect::<Vec<_>>();
    Units { areas, lov, larm: pick(larm), mat: pick(mat), hsv: pick(hsv), dagv: pick(dagv), korttid, boenden }
}

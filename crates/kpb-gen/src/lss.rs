//! Funktionsnedsättning: boendestöd (SoL), and LSS/SFB: gruppbostäder (egen regi and bought
//! places), servicebostad, daglig verksamhet, korttidsvistelse, ledsagarservice and personlig
//! assistans (SFB with Försäkringskassan's assistansersättning booked per client, and LSS).

use crate::aldre::{extra_names, split_count};
use crate::date::Day;
use crate::konto::{self, *};
use crate::names;
use crate::people::*;
use crate::rng::Rng;
use crate::text::{ascii_code, div_round, round_to};
use crate::world::*;
use kpb::model::Insats;

/// Gruppbostäder: code, name, kr per dygn, places.
const GRUPPBOSTADER: [(&str, &str, i64, i64); 3] = [
    ("GB-LARKAN", "Gruppbostad Lärkan", 2640, 6),
    ("GB-SVALAN", "Gruppbostad Svalan", 3260, 5),
    ("GB-TRASTEN", "Gruppbostad Trasten", 2910, 6),
];
const DAGLIG_VERKSAMHET: [(&str, &str, i64); 2] =
    [("DV-VERKSTAN", "Daglig verksamhet Verkstan", 980), ("DV-ATELJEN", "Daglig verksamhet Ateljén", 1140)];

/// Försäkringskassan's hourly rate for assistansersättning, öre (an illustrative 2025 level).
pub const SCHABLON: i64 = 33_620;
/// An increased rate (förhöjt timbelopp), granted for some clients: 12 % more.
pub const SCHABLON_FORHOJT: i64 = SCHABLON * 112 / 100;

/// A resident of a bostad: person, unit, first and last day.
struct Resident {
    person: u32,
    unit: usize,
    from: Day,
    to: Option<Day>,
}

pub fn generate(w: &mut World, rng: &mut Rng, c48: &mut Codes) {
    let year = w.year;
    let first = w.first_day();
    let last = w.last_day();

    // ---- Units.
    let n_bostod = w.scaled(500).max(1);
    let n_gb = w.count(3, 3);
    let n_serv = w.count(1, 1);
    let n_dv = w.count(2, 2);
    let n_kortv = w.count(1, 1);
    let n_leds = w.scaled(500).max(1);
    let n_pa = w.scaled(500).max(1);
    let n_bought = w.scaled(500).max(1);

    let mut c44 = Codes::new("44", n_bostod);
    let mut bostod = Vec::new();
    let mut list = vec![("BOSTOD".to_owned(), "Boendestödsteamet".to_owned())];
    list.extend(extra_names(rng, n_bostod - 1, "BOSTOD-", |p| format!("Boendestöd {p}")));
    for (i, (code, name)) in list.into_iter().enumerate() {
        let (direct, _) = c44.unit();
        let unit = w.unit(code, name, "Socialpsykiatri", Regi::Egen, None);
        let kr = if i == 0 { 690 } else { rng.range(640, 740) };
        w.cell(unit, Insats::Boendestod, &direct, "520", CostBasis::Target(kr * 100), konto::STOD);
        bostod.push(unit);
    }

    let mut c45 = Codes::new("45", n_gb + n_serv + n_dv + n_kortv + n_leds);
    let lss_common = c45.common(0);
    w.pools.push(AreaPool { omrade: "LSS", bp: 400, ansvar: vec![(lss_common.clone(), 1000, konto::ADMIN)] });
    let statsbidrag = -(w.scaled(380_000) as i64) * 100_000;
    w.extra.push(LRow::new(&lss_common, "530", STATSBIDRAG, statsbidrag));

    let mut gb = Vec::new();
    let mut list: Vec<(String, String, i64, i64)> =
        GRUPPBOSTADER.iter().map(|&(c, n, k, p)| (c.into(), n.into(), k, p)).collect();
    for (c, n) in extra_names(rng, n_gb.saturating_sub(3), "GB-", |p| format!("Gruppbostad {p}")) {
        list.push((c, n, rng.range(2500, 3400), rng.range(4, 6)));
    }
    for (i, (code, name, kr, places)) in list.into_iter().take(n_gb).enumerate() {
        let (direct, admin) = c45.unit();
        let unit = w.unit(code, name, "LSS", Regi::Egen, Some((admin, rng.range(350, 550))));
        let cell = w.cell(unit, Insats::Gruppbostad, &direct, "531", CostBasis::Target(kr * 100), konto::BOENDE);
        w.cells[cell].fees.extend([(HYRA, 21_500), (AVGIFT_MAT, 9_000)]);
        if i == 0 {
            // Lärkan has one place more than the municipality's own residents: sold to a neighbour.
            w.cells[cell].sales = Some((FORSALJNING_KOMMUN, 150));
        }
        gb.push((unit, places));
    }
    let mut serv = Vec::new();
    let mut list = vec![("SERV-ALMEN".to_owned(), "Servicebostad Almen".to_owned())];
    list.extend(extra_names(rng, n_serv - 1, "SERV-", |p| format!("Servicebostad {p}")));
    for (i, (code, name)) in list.into_iter().enumerate() {
        let (direct, _) = c45.unit();
        let unit = w.unit(code, name, "LSS", Regi::Egen, None);
        let (kr, places) = if i == 0 { (1720, 9) } else { (rng.range(1550, 1900), rng.range(7, 10)) };
        let cell = w.cell(unit, Insats::Servicebostad, &direct, "532", CostBasis::Target(kr * 100), konto::BOENDE);
        w.cells[cell].fees.push((HYRA, 20_000));
        serv.push((unit, places));
    }
    let mut dv = Vec::new();
    let mut list: Vec<(String, String, i64)> =
        DAGLIG_VERKSAMHET.iter().map(|&(c, n, k)| (c.into(), n.into(), k)).collect();
    for (c, n) in extra_names(rng, n_dv.saturating_sub(2), "DV-", |p| format!("Daglig verksamhet {p}")) {
        list.push((c, n, rng.range(900, 1200)));
    }
    for (code, name, kr) in list.into_iter().take(n_dv) {
        let (direct, _) = c45.unit();
        let unit = w.unit(code, name, "LSS", Regi::Egen, None);
        let cell = w.cell(
            unit,
            Insats::DagligVerksamhet,
            &direct,
            "533",
            CostBasis::Target(kr * 100),
            konto::DAGLIG_VERKSAMHET,
        );
        // Work done for other municipal units (cleaning, catering) is internal revenue.
        w.cells[cell].internal_pm = rng.range(40, 80);
        dv.push(unit);
    }
    let mut kortv = Vec::new();
    let mut list = vec![("KTV-HAGEN".to_owned(), "Korttidshemmet Hagen".to_owned())];
    list.extend(extra_names(rng, n_kortv - 1, "KTV-", |p| format!("Korttidshemmet {p}")));
    for (i, (code, name)) in list.into_iter().enumerate() {
        let (direct, _) = c45.unit();
        let unit = w.unit(code, name, "LSS", Regi::Egen, None);
        let kr = if i == 0 { 6100 } else { rng.range(5600, 6600) };
        let cell = w.cell(unit, Insats::Korttidsvistelse, &direct, "534", CostBasis::Target(kr * 100), konto::BOENDE);
        w.cells[cell].fees.push((AVGIFT_MAT, 6_000));
        kortv.push(unit);
    }
    let mut leds = Vec::new();
    let mut list = vec![("LEDS".to_owned(), "Ledsagarservice".to_owned())];
    list.extend(extra_names(rng, n_leds - 1, "LEDS-", |p| format!("Ledsagarservice {p}")));
    for (i, (code, name)) in list.into_iter().enumerate() {
        let (direct, _) = c45.unit();
        let unit = w.unit(code, name, "LSS", Regi::Egen, None);
        let kr = if i == 0 { 410 } else { rng.range(380, 440) };
        w.cell(unit, Insats::Ledsagarservice, &direct, "535", CostBasis::Target(kr * 100), konto::STOD);
        leds.push(unit);
    }

    // Personlig assistans: one ansvar per unit, SFB and LSS told apart by verksamhet.
    let mut c46 = Codes::new("46", n_pa);
    let mut pa = Vec::new();
    let mut list = vec![("PA-ENHET".to_owned(), "Personlig assistans".to_owned())];
    list.extend(extra_names(rng, n_pa - 1, "PA-", |p| format!("Personlig assistans {p}")));
    for (code, name) in list {
        let (direct, admin) = c46.unit();
        let unit = w.unit(code, name, "Personlig assistans", Regi::Egen, Some((admin, rng.range(450, 600))));
        let sfb = w.cell(
            unit,
            Insats::PersonligAssistansSfb,
            &direct,
            "537",
            CostBasis::Booked { extra_pm: 25 },
            ASSISTANS_OVRIGT,
        );
        let lss = w.cell(
            unit,
            Insats::PersonligAssistansLss,
            &direct,
            "536",
            CostBasis::Target(rng.range(385, 405) * 100),
            ASSISTANS_LSS,
        );
        w.cells[sfb].map_verksamhet = true;
        w.cells[lss].map_verksamhet = true;
        pa.push((unit, direct));
    }

    // Bought places in gruppbostad (annan regi).
    let mut bought = Vec::new();
    let mut list = vec![("NORRBACKA".to_owned(), "Norrbacka omsorg AB".to_owned(), 4600)];
    for p in names::places(rng, n_bought - 1, &[]) {
        list.push((format!("{}LSS", ascii_code(&p)), format!("{p} Omsorg LSS AB"), rng.range(4300, 4900)));
    }
    for (code, name, kr) in list {
        let (direct, _) = c48.unit();
        let unit = w.unit(code, name, "LSS", Regi::Annan, None);
        w.cell(unit, Insats::Gruppbostad, &direct, "531", CostBasis::Paid, KOPT);
        bought.push((unit, kr));
    }

    // ---- Clients.
    // Residents of gruppbostäder and servicebostäder: few move in a year.
    let mut residents: Vec<Resident> = Vec::new();
    for &(unit, places, ages, move_pm) in gb
        .iter()
        .map(|&(u, p)| (u, p, AGES_LSS_BOSTAD, 80))
        .chain(serv.iter().map(|&(u, p)| (u, p, AGES_SERVICEBOSTAD, 170)))
        .collect::<Vec<_>>()
        .iter()
    {
        for _ in 0..places {
            let person = w.people.add(rng, year, ages, 420);
            let from = first - 1 - rng.range(150, 7000);
            if rng.chance(move_pm) {
                let end = rng.range(first + 30, last - 10);
                residents.push(Resident { person, unit, from, to: Some(end) });
                let next = end + rng.range(30, 120);
                if next <= last {
                    let person = w.people.add(rng, year, AGES_SERVICEBOSTAD, 420);
                    residents.push(Resident { person, unit, from: next, to: None });
                }
            } else {
                residents.push(Resident { person, unit, from, to: None });
            }
        }
    }
    let gb_units: Vec<usize> = gb.iter().map(|g| g.0).collect();
    let mut bostad_rows = Vec::new();
    let mut serv_rows = Vec::new();
    for r in &residents {
        let insats = if gb_units.contains(&r.unit) { Insats::Gruppbostad } else { Insats::Servicebostad };
        let row = VRow::new(r.person, insats, r.unit, Boende::Lss).stay(r.from, r.to);
        if insats == Insats::Gruppbostad { bostad_rows.push(row) } else { serv_rows.push(row) }
    }
    for (&(unit, kr), n) in bought.iter().zip(split_count(rng, w.scaled(2000).max(1), bought.len())) {
        for _ in 0..n {
            let person = w.people.add(rng, year, AGES_LSS_BOSTAD, 380);
            let from = first - 1 - rng.range(100, 3000);
            bostad_rows.push(
                VRow::new(person, Insats::Gruppbostad, unit, Boende::Lss)
                    .stay(from, None)
                    .paid(w.stay_days(from, None) * kr * 100),
            );
        }
    }

    // Daglig verksamhet: most residents of working age, and others living at home.
    let mut dv_rows = Vec::new();
    let dv_client =
        |w: &World, rng: &mut Rng, rows: &mut Vec<VRow>, person: u32, boende: Boende, start: Day, end: Day| {
            let unit = *rng.pick(&dv);
            let base = rng.range(14, 20);
            w.months(start, end, |m, active, dim| {
                let days = match m {
                    7 => rng.range(3, 9),
                    12 => base - 3,
                    _ => base + rng.range(-2, 2),
                };
                let n = div_round(days * active, dim).clamp(1, 23);
                rows.push(VRow::new(person, Insats::DagligVerksamhet, unit, boende).month(m).utford(100 * n));
            });
        };
    for r in &residents {
        let age = year - w.people.get(r.person).birth;
        if age <= 65 && rng.chance(830) {
            dv_client(w, rng, &mut dv_rows, r.person, Boende::Lss, r.from.max(first), r.to.unwrap_or(last));
        }
    }
    for _ in 0..w.scaled(26_000) {
        let person = w.people.add(rng, year, AGES_DAGLIG_VERKSAMHET, 420);
        let start = if rng.chance(900) { first } else { rng.range(first + 1, last - 40) };
        let end = if rng.chance(950) { last } else { rng.range(start + 30, last) };
        dv_client(w, rng, &mut dv_rows, person, Boende::Ordinart, start, end);
    }

    // Korttidsvistelse: children and a few young adults, weekends and holidays.
    let mut kortv_rows = Vec::new();
    for i in 0..w.scaled(12_000) {
        let ages = if i % 6 == 5 { AGES_UNGA_VUXNA } else { AGES_BARN };
        let person = w.people.add(rng, year, ages, 400);
        let unit = *rng.pick(&kortv);
        let (lo, hi) = if rng.chance(300) { (5, 10) } else { (2, 6) };
        let mut any = false;
        for m in 1..=12u8 {
            if rng.chance(880) || (m == 12 && !any) {
                any = true;
                kortv_rows.push(
                    VRow::new(person, Insats::Korttidsvistelse, unit, Boende::Ordinart)
                        .month(m)
                        .utford(100 * rng.range(lo, hi)),
                );
            }
        }
    }

    // Ledsagarservice: granted hours are often not all used.
    let mut leds_rows = Vec::new();
    for _ in 0..w.scaled(15_000) {
        let (person, boende) = if rng.chance(250) && !residents.is_empty() {
            let r = &residents[rng.below(residents.len() as u64) as usize];
            if r.to.is_none() && r.from < first {
                (r.person, Boende::Lss)
            } else {
                (w.people.add(rng, year, AGES_LEDSAGNING, 480), Boende::Ordinart)
            }
        } else {
            (w.people.add(rng, year, AGES_LEDSAGNING, 480), Boende::Ordinart)
        };
        let unit = *rng.pick(&leds);
        let level = rng.range(4, 16) * 100;
        let start = if rng.chance(850) { first } else { rng.range(first + 1, last - 40) };
        w.months(start, last, |m, active, dim| {
            let b = round_to(level * active / dim, 50).max(100);
            let u = (b * rng.range(550, 970) / 1000).clamp(25, b - 1);
            leds_rows.push(VRow::new(person, Insats::Ledsagarservice, unit, boende).month(m).beviljad(b).utford(u));
        });
    }

    // Personlig assistans SFB: hours per week granted by Försäkringskassan; costs booked per
    // client. Two clients in the example (förhöjt timbelopp, low personnel cost) come out with
    // a negative net cost, like client 4 of KPB.md §8.
    let mut pa_rows = Vec::new();
    let n_sfb = w.scaled(8000).max(2);
    let n_negative = w.scaled(2000).max(2);
    for i in 0..n_sfb {
        let person = w.people.add(rng, year, AGES_ASSISTANS, 450);
        let (unit, ansvar) = pa[i % pa.len()].clone();
        let negative = i < n_negative;
        let per_week =
            if negative { 168 } else { [rng.range(40, 100), rng.range(100, 160), 168][rng.weighted(&[30, 40, 30])] };
        let (rate_kr, schablon) =
            if negative { (rng.range(276, 286), SCHABLON_FORHOJT) } else { (rng.range(318, 362), SCHABLON) };
        let (mut sum_u, mut first20) = (0i64, 0i64);
        w.months(first, last, |m, _, dim| {
            let b = div_round(per_week * 100 * dim, 7);
            let u = b * rng.range(940, 995) / 1000;
            sum_u += u;
            first20 += u.min(div_round(2000 * dim, 7));
            pa_rows.push(
                VRow::new(person, Insats::PersonligAssistansSfb, unit, Boende::Ordinart).month(m).beviljad(b).utford(u),
            );
        });
        let personnel = sum_u * rate_kr;
        let booked = |konto: &'static str, belopp: i64| LRow {
            brukare: Some(person),
            ..LRow::new(&ansvar, "537", konto, belopp)
        };
        let lon = personnel * 55 / 100;
        let tim = personnel * 18 / 100;
        w.booked.extend([
            booked(MANADSLON, lon),
            booked(TIMLON, tim),
            booked(PO, personnel - lon - tim),
            booked(FK_FORSTA_20, first20 * SCHABLON / 100),
            booked(ASSISTANSERSATTNING, -(sum_u * schablon / 100)),
        ]);
    }
    // Personlig assistans LSS: needs of up to 20 hours a week, no assistansersättning.
    for i in 0..w.scaled(4000).max(1) {
        let person = w.people.add(rng, year, AGES_ASSISTANS, 450);
        let unit = pa[i % pa.len()].0;
        let per_week = rng.range(8, 20);
        w.months(first, last, |m, _, dim| {
            let b = round_to(per_week * 100 * dim / 7, 50);
            let u = (b * rng.range(900, 990) / 1000).clamp(1, b - 1);
            pa_rows.push(
                VRow::new(person, Insats::PersonligAssistansLss, unit, Boende::Ordinart).month(m).beviljad(b).utford(u),
            );
        });
    }

    // Boendestöd (SoL), for people with psychiatric disabilities.
    let mut bostod_rows = Vec::new();
    for _ in 0..w.scaled(34_000) {
        let person = w.people.add(rng, year, AGES_BOENDESTOD, 480);
        let unit = *rng.pick(&bostod);
        let start = if rng.chance(800) { first } else { rng.range(first + 1, last - 30) };
        let end = if rng.chance(850) { last } else { rng.range(start + 30, last) };
        let level = rng.range(4, 40) * 100;
        w.months(start, end, |m, active, dim| {
            let b = round_to(level * active / dim, 50).max(50);
            let u = (b * rng.range(750, 970) / 1000).clamp(1, b - 1);
            bostod_rows
                .push(VRow::new(person, Insats::Boendestod, unit, Boende::Ordinart).month(m).beviljad(b).utford(u));
        });
    }

    for block in [bostod_rows, bostad_rows, serv_rows, dv_rows, kortv_rows, leds_rows, pa_rows] {
        w.push_block(block);
    }
}

//! Kolada's N-KPIs (KPB.md §3b) computed from a small hand-made data set through the real files
//! and the real pipeline. Every expected value is worked out here from Kolada's definition:
//! clients counted on each month's last day with the age reached that day, the year's figure the
//! median of the twelve monthly counts, larm-only clients left out of hemtjänst, LSS boende and
//! daglig verksamhet counted on 1 October, all regi, inhabitants from the befolkning file.

use kpb::report::{Basis, Nyckeltal};
use kpb::{ImportSettings, InputFile, Report, Settings, compute, load};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn file(name: &str, text: &str) -> InputFile {
    InputFile { name: name.into(), bytes: text.as_bytes().to_vec() }
}

const MAPPNING: &str = "Ansvar;Insats;Enhet;Enhetsnamn;Regi
100;HEMTJ;HT1;Hemtjänst egen;egen
110;HEMTJ;HT2;Hemtjänst köpt;annan
120;LARM;LARM1;Larm;egen
200;SABO;SB1;Boendet;egen
300;GRUPP;GB1;Gruppbostaden;egen
310;SERVBO;SV1;Servicebostaden;egen
400;DV;DV1;Daglig verksamhet;egen
500;PASFB;PA1;Assistans SFB;egen
510;PALSS;PA2;Assistans LSS;egen
";

const KONTON: &str = "Konto från;Konto till;Kontotyp
3470;3479;assistansersättning
";

// Every cost is booked on its client, so each client's KPB cost is the amount booked.
const KOSTNADER: &str = "Ansvar;Konto;Belopp;Brukare
100;5111;120000;19600915-0001
100;5111;300000;19400301-0002
110;4600;50000;19350630-0003
120;5111;3000;19500101-0004
100;5111;80000;19900505-0005
200;5111;250000;19300210-0006
200;5111;700000;19451120-0007
200;5111;600000;19580701-0008
300;5111;900000;19850101-0009
300;5111;500000;20000202-0010
310;5111;300000;19700303-0011
400;5111;100000;19800404-0012
400;5111;60000;19810505-0013
500;5111;1200000;19900606-0014
500;3470;-1000000;19900606-0014
510;5111;400000;19950707-0015
";

const BEFOLKNING: &str = "Ålder;Antal
0-64;8000
65-79;1500
80-w;500
";

/// The volume rows: A (turns 65 on 15 September), B (85, 130 granted hours a month), C (90, köpt,
/// January–February), D (larm only), E (35); säbo stays F (95, to 15 June), G (turns 80 on 20
/// November, since 2024), H (67, from 10 March); LSS boende I (since 2020), J (to 30 September),
/// K (from 1 October); daglig verksamhet L (all year), M (January–September); assistans N, P.
fn brukare() -> String {
    let mut s = String::from("Brukare;Insats;Enhet;Regi;Beviljad tid;Period;Från;Till\n");
    let mut months =
        |id: &str, insats: &str, enhet: &str, regi: &str, hours: u32, range: std::ops::RangeInclusive<u32>| {
            for m in range {
                s.push_str(&format!("{id};{insats};{enhet};{regi};{hours};2025-{m:02};;\n"));
            }
        };
    months("19600915-0001", "HEMTJ", "HT1", "egen", 10, 1..=12);
    months("19400301-0002", "HEMTJ", "HT1", "egen", 130, 1..=12);
    months("19350630-0003", "HEMTJ", "HT2", "annan", 20, 1..=2);
    months("19500101-0004", "LARM", "LARM1", "egen", 1, 1..=12);
    months("19900505-0005", "HEMTJ", "HT1", "egen", 15, 1..=12);
    months("19800404-0012", "DV", "DV1", "egen", 20, 1..=12);
    months("19810505-0013", "DV", "DV1", "egen", 20, 1..=9);
    months("19900606-0014", "PASFB", "PA1", "egen", 400, 1..=12);
    months("19950707-0015", "PALSS", "PA2", "egen", 100, 1..=12);
    for (id, insats, enhet, from, to) in [
        ("19300210-0006", "SABO", "SB1", "2025-01-01", "2025-06-15"),
        ("19451120-0007", "SABO", "SB1", "2024-06-01", ""),
        ("19580701-0008", "SABO", "SB1", "2025-03-10", "2025-12-31"),
        ("19850101-0009", "GRUPP", "GB1", "2020-01-01", ""),
        ("20000202-0010", "GRUPP", "GB1", "2025-01-01", "2025-09-30"),
        ("19700303-0011", "SERVBO", "SV1", "2025-10-01", ""),
    ] {
        s.push_str(&format!("{id};{insats};{enhet};egen;;;{from};{to}\n"));
    }
    s
}

fn report(brukare: &str, befolkning: Option<&str>) -> Report {
    let mut files = vec![
        file("mappning.csv", MAPPNING),
        file("konton.csv", KONTON),
        file("kostnader.csv", KOSTNADER),
        file("brukare.csv", brukare),
    ];
    if let Some(b) = befolkning {
        files.push(file("befolkning.csv", b));
    }
    let data = load(&files, &ImportSettings::default());
    compute(&data, &Settings { year: Some(2025), ..Settings::default() })
}

fn figure<'a>(r: &'a Report, id: &str) -> &'a Nyckeltal {
    r.nyckeltal.iter().find(|n| n.id == id).unwrap_or_else(|| panic!("{id} missing"))
}

/// (numerator, denominator, value) of a figure that has one.
fn parts(r: &Report, id: &str) -> (Decimal, Decimal, Decimal) {
    let n = figure(r, id);
    assert_eq!(n.missing, None, "{id}");
    assert_eq!(n.basis, Basis::Kolada, "{id}");
    (n.numerator, n.denominator, n.value.unwrap_or_else(|| panic!("{id} has no value")))
}

#[test]
fn without_ages_a_figure_of_65_and_older_says_the_age_is_unknown() {
    // The same brukare under ids that are no personnummer, and no column of birth year or age
    // (the ledger's rows booked on brukare give some of them an age, but none with hemtjänst).
    let no_age: String = brukare()
        .lines()
        .map(|l| match l.split_once(';') {
            Some((id, rest)) if id.contains('-') => format!("B{};{rest}\n", &id[9..]),
            _ => format!("{l}\n"),
        })
        .collect();
    let r = report(&no_age, None);
    let missing = figure(&r, "N21006").missing.clone().unwrap_or_default();
    assert!(missing.starts_with("åldern är okänd för alla brukare med hemtjänst (4)"), "{missing}");
}

#[test]
fn each_n_kpi_by_kolada_definition() {
    let r = report(&brukare(), Some(BEFOLKNING));
    assert_eq!(r.year, 2025);
    let inv65 = d("2000");
    let inv80 = d("500");
    let inv = d("10000");

    // Hemtjänsttagare 65+ on each month's last day: B all year; C January–February; A from
    // September (65 on the 15th). D has larm only, E is 35. Counts: 2, 2, then 1 for March–
    // August, 2 for September–December: six 1s and six 2s, median 1,5.
    let hemtjanst_cost = d("470000"); // A 120 000 + B 300 000 + C 50 000 (E is under 65)
    assert_eq!(parts(&r, "N21006"), (hemtjanst_cost, d("1.5"), hemtjanst_cost / d("1.5")));
    assert_eq!(parts(&r, "N21009"), (hemtjanst_cost, inv65, d("235")));
    assert_eq!(parts(&r, "N21024"), (hemtjanst_cost, inv80, d("940")));
    assert_eq!(parts(&r, "N21701"), (d("1.5"), inv65, d("0.075")));
    // 80+: B all year, C January–February: ten 1s and two 2s, median 1.
    assert_eq!(parts(&r, "N21704"), (d("1"), inv80, d("0.2")));
    // 120 hours or more: B every month (median 1) of 1,5.
    assert_eq!(parts(&r, "N21706"), (d("1"), d("1.5"), d("100") / d("1.5")));
    // Köpt hemtjänst: C's 50 000 of 470 000.
    assert_eq!(parts(&r, "N21806"), (d("50000"), hemtjanst_cost, d("5000000") / hemtjanst_cost));

    // Säbo 65+: F January–May (out 15 June), G all year, H from March (in 10 March): 2, 2, 3, 3,
    // 3, then 2 for June–December: median 2.
    let sabo_cost = d("1550000");
    assert_eq!(parts(&r, "N23009"), (sabo_cost, d("2"), d("775000")));
    assert_eq!(parts(&r, "N23007"), (sabo_cost, inv65, d("775")));
    assert_eq!(parts(&r, "N23001"), (sabo_cost, inv80, d("3100")));
    // 80+: F January–May; G reaches 80 on 20 November: 1 ×5, 0 ×5, 1 ×2: median 1.
    assert_eq!(parts(&r, "N23801"), (d("1"), inv80, d("0.2")));

    // LSS boende on 1 October: I and K (J left on 30 September); all three bore cost.
    assert_eq!(parts(&r, "N28013"), (d("1700000"), d("2"), d("850000")));
    // Daglig verksamhet on 1 October: L (M's decision ended in September).
    assert_eq!(parts(&r, "N28015"), (d("160000"), d("1"), d("160000")));
    // Personlig assistans LSS and SFB less Försäkringskassan's payment, per inhabitant.
    assert_eq!(parts(&r, "N28008"), (d("600000"), inv, d("60")));
    // All LSS and SFB, Försäkringskassan not deducted.
    assert_eq!(parts(&r, "N25016"), (d("3460000"), inv, d("346")));

    // Each carries Kolada's title and, where there is one, the KPB figure beside it.
    let n = figure(&r, "N21006");
    assert_eq!(n.name, "Kostnad hemtjänst äldreomsorg, kr/hemtjänsttagare");
    assert_eq!(n.kpb.as_ref().map(|k| k.0.as_str()), Some("U21003"));
}

#[test]
fn what_is_missing_is_said() {
    // No befolkning: every per-inhabitant figure names it; the per-client ones still compute.
    let r = report(&brukare(), None);
    assert_eq!(figure(&r, "N21009").missing.as_deref(), Some("saknar befolkning 65 år och äldre (befolkningsfilen)"));
    assert_eq!(figure(&r, "N28008").missing.as_deref(), Some("saknar befolkning i alla åldrar (befolkningsfilen)"));
    assert!(figure(&r, "N21006").value.is_some());

    // A band that straddles 65 cannot give 65+.
    let r = report(&brukare(), Some("Ålder;Antal\n0-59;7000\n60-69;1500\n70-w;1500\n"));
    assert_eq!(
        figure(&r, "N21009").missing.as_deref(),
        Some("befolkningsfilens åldersgrupp 60–69 delar inte vid 65 år")
    );
    assert_eq!(
        figure(&r, "N21024").missing.as_deref(),
        Some("befolkningsfilens åldersgrupp 70–w delar inte vid 80 år")
    );
    assert_eq!(figure(&r, "N25016").value, Some(d("346")));

    // Brukare rows for the whole year only: no month to count on.
    let yearly: String = brukare()
        .replace(";2025-01;", ";2025;")
        .lines()
        .filter(|l| !l.contains(";2025-"))
        .collect::<Vec<_>>()
        .join("\n");
    let r = report(&yearly, Some(BEFOLKNING));
    assert_eq!(
        figure(&r, "N21006").missing.as_deref(),
        Some("brukarstatistiken har inga månader eller datum för hemtjänst")
    );
    assert!(figure(&r, "N21006").value.is_none());
}

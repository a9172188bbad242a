//! The generator against the real engine: determinism, the example data's figures and planted
//! errors, and clean larger sizes.

use kpb::model::{Insats, Scope};
use kpb::{ImportSettings, InputFile, Report, Settings, Severity};
use kpb_gen::{Generated, Options, Size, generate};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The finding kinds the example's planted errors produce.
const PLANTED_KINDS: [&str; 9] = [
    "dubblett",
    "okand-insats",
    "inte-ett-tal",
    "motstridig-brukare",
    "ansvar-utan-mappning",
    "over-beviljat",
    "ej-verkstallt",
    "grupp-och-servicebostad",
    "manad-utan-volym",
];

fn opts(size: Size) -> Options {
    Options { size, ..Options::default() }
}

fn run(g: &Generated) -> Report {
    let files: Vec<InputFile> = g
        .files
        .iter()
        .map(|(name, text)| InputFile { name: (*name).to_owned(), bytes: text.clone().into_bytes() })
        .collect();
    let data = kpb::load(&files, &ImportSettings::default());
    kpb::compute(&data, &Settings::default())
}

fn example() -> &'static (Generated, Report) {
    static EXAMPLE: OnceLock<(Generated, Report)> = OnceLock::new();
    EXAMPLE.get_or_init(|| {
        let g = generate(&opts(Size::Example));
        let r = run(&g);
        (g, r)
    })
}

fn num(d: impl ToString) -> f64 {
    d.to_string().parse().expect("a decimal")
}

fn file<'a>(g: &'a Generated, name: &str) -> &'a str {
    &g.files.iter().find(|(n, _)| *n == name).expect("file").1
}

/// Per-enhet values of a nyckeltal.
fn by_enhet(r: &Report, id: &str) -> Vec<(String, f64)> {
    let n = r.nyckeltal.iter().find(|n| n.id == id).unwrap_or_else(|| panic!("{id}"));
    n.by_enhet.iter().filter_map(|e| e.value.map(|v| (e.enhet.clone(), num(v)))).collect()
}

fn assert_band_and_spread(r: &Report, id: &str, lo: f64, hi: f64, units: usize) {
    let values = by_enhet(r, id);
    assert_eq!(values.len(), units, "{id}: {values:?}");
    for (enhet, v) in &values {
        assert!((lo..=hi).contains(v), "{id} {enhet} = {v} outside {lo}–{hi}");
    }
    let max = values.iter().map(|v| v.1).fold(f64::MIN, f64::max);
    let min = values.iter().map(|v| v.1).fold(f64::MAX, f64::min);
    assert!(max / min >= 1.15, "{id}: spread {min}–{max} too small");
}

// ---- (a) Determinism.

#[test]
fn same_arguments_give_identical_bytes() {
    let a = generate(&opts(Size::Example));
    let b = generate(&opts(Size::Example));
    assert_eq!(a.files, b.files);
    assert_eq!(a.planted, b.planted);
    let other = generate(&Options { seed: 2, ..opts(Size::Example) });
    assert_ne!(file(&a, "brukare.csv"), file(&other, "brukare.csv"), "the seed matters");
}

#[test]
fn the_command_writes_the_same_bytes_every_time() {
    let dir = |n: &str| {
        let d = std::env::temp_dir().join(format!("kpb-gen-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    };
    let write = |out: &PathBuf| {
        let status = Command::new(env!("CARGO_BIN_EXE_kpb-gen"))
            .args(["--size", "example", "--year", "2025", "--seed", "1", "--out"])
            .arg(out)
            .output()
            .expect("runs");
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    };
    let (one, two) = (dir("a"), dir("b"));
    write(&one);
    write(&two);
    let expected = &example().0;
    for (name, text) in &expected.files {
        let a = std::fs::read(one.join(name)).expect("written");
        let b = std::fs::read(two.join(name)).expect("written");
        assert_eq!(a, b, "{name}");
        assert_eq!(a, text.as_bytes(), "{name}: the command writes what the library generates");
    }
    let _ = std::fs::remove_dir_all(one);
    let _ = std::fs::remove_dir_all(two);
}

#[test]
fn files_are_semicolon_separated_utf8_without_bom_with_the_documented_headers() {
    let g = &example().0;
    let headers = [
        ("kostnader.csv", "Ansvar;Verksamhet;Konto;Period;Belopp;Brukare"),
        (
            "brukare.csv",
            "Brukare;Födelseår;Kön;Insats;Enhet;Regi;Boendeform;Beviljad tid;Utförd tid;Period;Från;Till;Belopp",
        ),
        ("mappning.csv", "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning"),
        ("konton.csv", "Konto från;Konto till;Kontotyp"),
        ("platser.csv", "Enhet;Platser"),
        ("befolkning.csv", "Ålder;Antal"),
    ];
    assert_eq!(g.files.iter().map(|f| f.0).collect::<Vec<_>>(), headers.iter().map(|h| h.0).collect::<Vec<_>>());
    for (name, header) in headers {
        let text = file(g, name);
        assert!(!text.starts_with('\u{feff}') && !text.contains('\r'), "{name}");
        assert_eq!(text.lines().next(), Some(header), "{name}");
        let width = header.split(';').count();
        for (i, line) in text.lines().enumerate() {
            assert_eq!(line.split(';').count(), width, "{name} line {}: {line}", i + 1);
        }
    }
    // Client ids are pseudonymous codes, never personnummer.
    for line in file(g, "brukare.csv").lines().skip(1) {
        let id = line.split(';').next().unwrap();
        assert!(id.len() == 7 && id.starts_with('B') && id[1..].bytes().all(|b| b.is_ascii_digit()), "{id}");
    }
}

#[test]
fn local_insats_names_are_recognised_by_the_engine() {
    let g = &example().0;
    let mut names: Vec<&str> = file(g, "brukare.csv").lines().skip(1).map(|l| l.split(';').nth(3).unwrap()).collect();
    names.sort_unstable();
    names.dedup();
    let unknown: Vec<&&str> = names.iter().filter(|n| Insats::recognise(n).is_none()).collect();
    assert_eq!(unknown, [&"Fotvård"], "only the planted name is unknown");
    for insats in Insats::all() {
        assert_eq!(Insats::recognise(kpb_gen::world::local_name(insats)), Some(insats), "{insats:?}");
    }
    for expected in [
        "Hemtjänst",
        "Vård- och omsorgsboende",
        "Gruppbostad LSS",
        "Daglig verksamhet",
        "Personlig assistans SFB",
        "Trygghetslarm",
        "Matdistribution",
        "Korttidsboende",
        "Boendestöd",
        "Servicebostad",
        "Korttidsvistelse",
        "Ledsagarservice",
        "Personlig assistans LSS",
        "Hemsjukvård",
        "Dagverksamhet",
    ] {
        assert!(names.contains(&expected), "{expected} is used");
    }
}

// ---- (b) The example data through the engine.

#[test]
fn example_is_the_size_of_a_small_municipality() {
    let (g, r) = example();
    assert!((4000..=8000).contains(&g.brukare_rows), "{} rows", g.brukare_rows);
    let inhabitants: u32 =
        file(g, "befolkning.csv").lines().skip(1).map(|l| l.split(';').nth(1).unwrap().parse::<u32>().unwrap()).sum();
    assert!((14_000..=16_000).contains(&inhabitants), "{inhabitants}");
    assert!(r.clients.len() > 500, "{} clients", r.clients.len());
}

#[test]
fn example_reconciles_with_the_ledger() {
    let r = &example().1;
    let d = num(r.reconciliation.difference);
    // To the öre and far below; see `reconciliation_is_exact` for the exact check.
    assert!(d.abs() < 1e-9, "difference {}", r.reconciliation.difference);
    let line = |key: &str| r.reconciliation.lines.iter().find(|l| l.key.code() == key).map(|l| num(l.amount));
    // Every kind of revenue and remainder the ledger was built with shows up.
    assert!(line("avgift").unwrap() < 0.0, "fees are not deducted");
    assert!(line("ovrig-intakt").unwrap() < 0.0, "statsbidrag is not deducted");
    assert!(line("assistansersattning").unwrap() < 0.0);
    assert!(line("exkluderat").unwrap() > 0.0, "färdtjänst and bostadsanpassning");
    assert_eq!(line("omappat"), Some(18_430.0), "the planted unmapped ansvar");
    assert_eq!(line("annan-regi-differens"), None, "annan regi: booked = paid");
    assert!(line("utan-volym").is_none() && line("pool-utan-mottagare").is_none());
}

#[test]
fn hemtjanst_and_sarskilt_boende_unit_costs_are_realistic_and_spread() {
    let r = &example().1;
    assert_band_and_spread(r, "U21003", 400.0, 600.0, 4);
    assert_band_and_spread(r, "U23004", 1800.0, 2700.0, 3);
    assert_band_and_spread(r, "U28031", 850.0, 1250.0, 2);
    let value =
        |id: &str| num(r.nyckeltal.iter().find(|n| n.id == id).unwrap().value.unwrap_or_else(|| panic!("{id}")));
    assert!((420.0..=560.0).contains(&value("U21003")));
    assert!((2400.0..=3600.0).contains(&value("U21005")), "korttidsboende");
    assert!((92.0..=98.0).contains(&value("U23801")), "beläggning {}", value("U23801"));
    assert!((30.0..=130.0).contains(&value("U25005")), "nettotimkostnad PA {}", value("U25005"));
    assert!((5.0..=25.0).contains(&value("U21015")), "LOV share of hemtjänst hours");
    // Some clients' personal assistance costs less than Försäkringskassan pays (KPB.md §8).
    let negative = r
        .clients
        .iter()
        .filter(|c| c.lines.iter().any(|l| l.insats == Insats::PersonligAssistansSfb) && c.net() < 0.into())
        .count();
    assert!((1..=4).contains(&negative), "{negative} PA clients with negative net cost");
}

#[test]
fn example_has_ytterfall_in_ordinart_boende_and_lss() {
    let r = &example().1;
    let count = |scope: Scope| r.ytterfall.iter().find(|y| y.scope == scope).unwrap().count;
    assert!((3..=12).contains(&count(Scope::Ordinart)), "ordinärt: {}", count(Scope::Ordinart));
    assert!(count(Scope::Lss) >= 2, "LSS: {}", count(Scope::Lss));
}

#[test]
fn every_planted_error_is_found_at_its_file_and_line() {
    let (g, r) = example();
    assert_eq!(g.planted.len(), 11);
    for kind in PLANTED_KINDS {
        assert!(g.planted.iter().any(|p| p.kind == kind), "{kind} is planted");
    }
    for p in &g.planted {
        let found = r.findings.iter().any(|f| {
            f.kind.code() == p.kind
                && f.pos.file == p.file
                && (f.pos.line == Some(p.line) || f.more_lines.contains(&p.line))
        });
        assert!(
            found,
            "{} at {}:{} not found; findings: {:#?}",
            p.kind,
            p.file,
            p.line,
            r.findings.iter().map(|f| (f.kind.code(), f.pos.line)).collect::<Vec<_>>()
        );
    }
    // Nothing else, except the direct consequence of error 7 (servicebostad volume without cost).
    for f in &r.findings {
        assert!(
            PLANTED_KINDS.contains(&f.kind.code())
                || (f.kind.code() == "volym-utan-kostnad" && g.planted.iter().any(|p| f.pos.line == Some(p.line))),
            "unexpected finding {} at {}: {}",
            f.kind.code(),
            f.pos,
            f.message()
        );
    }
}

#[test]
fn planted_md_documents_every_planted_error() {
    let g = &example().0;
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/PLANTED.md")).expect("PLANTED.md");
    for p in &g.planted {
        let row = format!("| {} | {} | {} |", p.kind, p.file, p.line);
        assert!(doc.contains(&row), "PLANTED.md lacks `{row}`");
    }
}

/// The late correction's three rows of kostnader.csv: (line, text). Its konto has one negative
/// row, the correction's; the rows of its amount are the invoice and its move.
fn correction_rows(g: &Generated) -> Vec<(usize, &str)> {
    let konto = kpb_gen::planted::CORRECTION.2;
    let rows: Vec<(usize, &str)> = file(g, "kostnader.csv")
        .lines()
        .enumerate()
        .skip(1)
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| l.split(';').nth(2) == Some(konto))
        .collect();
    let amount = |l: &str| l.split(';').nth(4).unwrap().to_owned();
    let negative: Vec<String> = rows.iter().map(|r| amount(r.1)).filter(|a| a.starts_with('-')).collect();
    assert_eq!(negative.len(), 1, "{negative:?}");
    let moved = negative[0].trim_start_matches('-').to_owned();
    rows.into_iter().filter(|r| amount(r.1).trim_start_matches('-') == moved).collect()
}

#[test]
fn the_example_ledger_is_monthly_with_a_late_correction_and_a_month_without_volume() {
    let (g, r) = example();
    let kostnader = file(g, "kostnader.csv");
    let mut periods: Vec<&str> = kostnader.lines().skip(1).map(|l| l.split(';').nth(3).unwrap()).collect();
    periods.sort_unstable();
    periods.dedup();
    let expected: Vec<String> = (1..=12).map(|m| format!("2025{m:02}")).collect();
    assert_eq!(periods, expected);
    assert!(kostnader.lines().skip(1).all(|l| l.split(';').nth(4) != Some("0,00")), "no zero month");
    assert!(!r.findings.iter().any(|f| f.kind.code() == "felaktig-period"), "the periods are read");

    // The invoice in March on the wrong area, moved in June: −amount there, +amount on the right one.
    let rows = correction_rows(g);
    let cols = |l: &str| l.split(';').map(str::to_owned).collect::<Vec<_>>();
    let ansvar = |code: &str| {
        file(g, "mappning.csv")
            .lines()
            .find(|l| l.split(';').nth(3) == Some(code) && l.split(';').nth(2) == Some("HEMTJ"))
            .map(|l| l.split(';').next().unwrap().to_owned())
            .unwrap()
    };
    let (right, wrong) = (ansvar(kpb_gen::planted::CORRECTION.0), ansvar(kpb_gen::planted::CORRECTION.1));
    let got: Vec<(String, String, bool)> =
        rows.iter().map(|(_, l)| cols(l)).map(|c| (c[0].clone(), c[3].clone(), c[4].starts_with('-'))).collect();
    assert_eq!(
        got,
        [(right, "202506".into(), false), (wrong.clone(), "202503".into(), false), (wrong, "202506".into(), true)]
    );

    // The month without volume: no volume rows of the unit in October, its cost in the ledger.
    let (code, month) = kpb_gen::planted::MISSING_MONTH;
    let period = format!("2025-{month:02}");
    let brukare = file(g, "brukare.csv");
    assert!(brukare.lines().any(|l| l.split(';').nth(4) == Some(code)));
    assert!(!brukare.lines().any(|l| l.split(';').nth(4) == Some(code) && l.split(';').nth(9) == Some(&period)));
    let planted = g.planted.iter().find(|p| p.kind == "manad-utan-volym").unwrap();
    let line = kostnader.lines().nth(planted.line as usize - 1).unwrap();
    assert_eq!(&cols(line)[..4], [ansvar(code), "511".into(), "3811".into(), format!("2025{month:02}")]);
}

#[test]
fn planted_md_documents_the_late_correction() {
    let g = &example().0;
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/PLANTED.md")).expect("PLANTED.md");
    for (line, text) in correction_rows(g) {
        let row = format!("| {line} | `{text}` |");
        assert!(doc.contains(&row), "PLANTED.md lacks `{row}`");
    }
}

#[test]
fn the_apps_example_data_is_current() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/exempel");
    if !std::path::Path::new(dir).exists() {
        return;
    }
    for (name, text) in &example().0.files {
        let on_disk = std::fs::read_to_string(format!("{dir}/{name}")).unwrap_or_default();
        assert!(
            on_disk == *text,
            "public/exempel/{name} differs: run `cargo run -p kpb-gen -- --size example --out public/exempel`"
        );
    }
}

#[test]
fn the_example_comparison_files_are_current_and_read_cleanly() {
    let files = kpb_gen::comparison::files(2025);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/exempel/jamforelse");
    if std::path::Path::new(dir).exists() {
        for (name, text) in &files {
            let on_disk = std::fs::read_to_string(format!("{dir}/{name}")).unwrap_or_default();
            assert!(
                on_disk == *text,
                "public/exempel/jamforelse/{name} differs: run `cargo run -p kpb-gen -- --jamforelse --out public/exempel/jamforelse`"
            );
        }
    }
    let reference: Vec<InputFile> = files
        .iter()
        .filter(|(name, _)| !name.starts_with("2024/"))
        .map(|(name, text)| InputFile { name: name.clone(), bytes: text.clone().into_bytes() })
        .collect();
    let data = kpb::compare::load(&reference, b"k");
    // Only the note that the unit answer has values per Kolada unit.
    let kinds: Vec<&str> = data.findings.iter().map(|f| f.kind.code()).collect();
    assert_eq!(kinds, ["kolada-enhetsdata"], "{:?}", data.findings);
    // Invented, and marked so.
    assert_eq!(data.name("9901"), "Björkby (påhittad)");
    assert_eq!(data.name("G99001"), "Liknande kommuner, påhittad");
    // Three municipalities, their group and the own in "Kolada", three years, Kolada's fifteen
    // reproduced N-KPIs and no U-KPI (Kolada no longer publishes them).
    let own = &example().1;
    let kolada: Vec<_> = data.values.iter().filter(|v| v.file == "kolada-exempel.json").collect();
    assert_eq!(kolada.len(), 5 * 3 * kpb::reference::REPRODUCED.len());
    assert!(kolada.iter().all(|v| v.kpi.starts_with('N')));
    // The own municipality's Kolada value is its own figure 4 % off (as when RS books otherwise).
    let own_n = own.nyckeltal.iter().find(|n| n.id == "N21006").and_then(|n| n.value).unwrap();
    let in_kolada = kolada.iter().find(|v| v.kpi == "N21006" && v.area == "9999" && v.period == 2025).unwrap();
    assert_eq!(in_kolada.value, Some((own_n * rust_decimal::Decimal::new(104, 2)).round_dp(1)));
    // The invented municipalities differ from the own and from each other.
    let hemtjanst = |area: &str| {
        data.values.iter().find(|v| v.kpi == "N21006" && v.area == area && v.period == 2025).and_then(|v| v.value)
    };
    let own_value = own.nyckeltal.iter().find(|n| n.id == "N21006").and_then(|n| n.value).map(|v| v.round_dp(1));
    let levels: std::collections::BTreeSet<_> =
        ["9901", "9902", "9903", "9904", "9905"].map(hemtjanst).into_iter().chain([own_value]).collect();
    assert_eq!(levels.len(), 6, "{levels:?}");
    assert_eq!(data.quality.len(), 7);
    let (points, unmatched) = {
        let m = kpb::compare::quality_points(own, &data, &kpb::compare::CompareSettings::default());
        (m.points.len(), m.unmatched)
    };
    assert_eq!((points, unmatched), (7, Vec::<String>::new()));
}

#[test]
fn the_example_kolada_units_are_suggested_and_paired() {
    let reference: Vec<InputFile> = kpb_gen::comparison::files(2025)
        .into_iter()
        .filter(|(name, _)| name.starts_with("kolada-enhet") || name.starts_with("kvalitet"))
        .map(|(name, text)| InputFile { name, bytes: text.into_bytes() })
        .collect();
    assert_eq!(reference.len(), 3);
    let data = kpb::compare::load(&reference, b"k");
    let own = &example().1;
    // Kolada's invented units: named by the unit list, most suggested for the own enheter by name.
    assert_eq!(data.ou_units().len(), 8);
    assert!(
        data.ou_units()
            .iter()
            .all(|u| u.municipality == "9999" && u.name.as_deref().is_some_and(|n| n.ends_with("(påhittad)")))
    );
    let suggested = kpb::compare::suggest_ou(own, &data);
    let enheter: Vec<&str> = suggested.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(enheter, ["HT-NORR", "HT-OSTER", "HT-SODER", "SB-BJORK", "SB-EKEN"]);
    let mut settings = kpb::compare::CompareSettings::default();
    settings.ou_map.extend(suggested);
    settings.ou_map.insert("SB-SOL".into(), "V15E999900601".into());
    let m = kpb::compare::quality_points(own, &data, &settings);
    assert_eq!(m.points.len(), 7 + 5);
    assert_eq!(m.ou_without_values.iter().map(|o| o.enhet.as_str()).collect::<Vec<_>>(), ["SB-SOL"]);
}

// ---- (c) Larger sizes are clean.

#[test]
fn size_10k_has_no_errors() {
    let g = generate(&opts(Size::K10));
    assert!((9_000..=11_000).contains(&g.brukare_rows), "{} rows", g.brukare_rows);
    assert!(g.planted.is_empty());
    let r = run(&g);
    let errors: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Fel)
        .map(|f| format!("{} at {}", f.kind.code(), f.pos))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let planted: Vec<&str> = r.findings.iter().map(|f| f.kind.code()).filter(|k| PLANTED_KINDS.contains(k)).collect();
    assert!(planted.is_empty(), "{planted:?}");
    assert!(num(r.reconciliation.difference).abs() < 1e-9);
    // More units than the example.
    assert!(by_enhet(&r, "U21003").len() > 4);
    for (enhet, v) in by_enhet(&r, "U21003") {
        assert!((400.0..=600.0).contains(&v), "{enhet} {v}");
    }
}

#[test]
fn a_monthly_ledger_keeps_every_whole_year_amount() {
    let year = generate(&opts(Size::K10));
    let months = generate(&Options { monthly: true, ..opts(Size::K10) });
    assert!(file(&year, "kostnader.csv").starts_with("Ansvar;Verksamhet;Konto;Belopp;Brukare\n"));
    assert!(file(&months, "kostnader.csv").starts_with("Ansvar;Verksamhet;Konto;Period;Belopp;Brukare\n"));
    for ((name, a), (_, b)) in year.files.iter().zip(&months.files) {
        if *name != "kostnader.csv" {
            assert_eq!(a, b, "{name}: only the ledger differs");
        }
    }
    // Öre per ansvar, verksamhet, konto and client.
    let sums = |text: &str, amount: usize| {
        let mut out: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
        for line in text.lines().skip(1) {
            let c: Vec<&str> = line.split(';').collect();
            let key = format!("{};{};{};{}", c[0], c[1], c[2], c[c.len() - 1]);
            *out.entry(key).or_default() += c[amount].replace(',', "").parse::<i64>().unwrap();
        }
        out
    };
    let whole = sums(file(&year, "kostnader.csv"), 3);
    assert_eq!(whole, sums(file(&months, "kostnader.csv"), 4));
    let rows = file(&months, "kostnader.csv").lines().count();
    assert!(rows > 10 * whole.len(), "{rows} monthly rows for {} yearly", whole.len());
}

#[test]
fn size_100k_has_about_100k_rows() {
    let g = generate(&opts(Size::K100));
    assert!((90_000..=110_000).contains(&g.brukare_rows), "{} rows", g.brukare_rows);
    assert_eq!(file(&g, "brukare.csv").lines().count(), g.brukare_rows + 1);
}

//! The exports: every table as Swedish CSV, and the workbook read back with calamine.

use calamine::{Reader, open_workbook_auto_from_rs};
use kpb::export::{Meta, Status, csv, tables, xlsx};
use kpb::{ImportSettings, InputFile, Settings, compute, load};

mod common;
use common::example;

fn report() -> kpb::Report {
    let dir = format!("{}/tests/data/halmstad", env!("CARGO_MANIFEST_DIR"));
    let files: Vec<InputFile> = ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv"]
        .iter()
        .map(|n| InputFile { name: n.to_string(), bytes: std::fs::read(format!("{dir}/{n}")).unwrap() })
        .collect();
    compute(&load(&files, &ImportSettings::default()), &Settings::default())
}

fn meta() -> Meta {
    Meta {
        organisation: "Halmstad (exempel)".into(),
        status: Status::Validerad,
        validation: kpb::export::Validation { by: "Anna Ek".into(), on: "2026-01-14".into() },
        created: (2026, 1, 15, 9, 30),
    }
}

#[test]
fn csv_is_swedish_and_exact_to_the_ore() {
    let report = report();
    let all = tables(&report, &meta());
    let units = all.iter().find(|t| t.name == "Enheter").unwrap();
    let text = String::from_utf8(csv(units)).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert!(lines[0].starts_with("Insatskod;Insats;Enhet;Enhetsnamn;Område;Regi;Direkt kostnad;"));
    // Unit 1: gross cost, assistansersättning −(3 665 h × 295 kr) and the net rate 54 873 / 3 665.
    let unit1 = lines.iter().find(|l| l.contains(";Enhet 1;")).unwrap();
    let cells: Vec<&str> = unit1.split(';').collect();
    assert_eq!(cells[0], "PASFB");
    assert_eq!(cells[9], "1136048", "gross cost");
    assert_eq!(cells[10], "-1081175", "assistansersättning");
    assert_eq!(cells[11], "3665");
    assert_eq!(cells[15], "14,97", "net kr per hour");

    let clients = all.iter().find(|t| t.name == "Brukare").unwrap();
    let text = String::from_utf8(csv(clients)).unwrap();
    assert!(text.contains("\r\nB04;;;;Ordinärt boende;43500;-44250;-750;Personlig assistans SFB\r\n"), "{text}");
}

#[test]
fn workbook_has_a_sheet_per_table_and_reads_back() {
    let report = report();
    let all = tables(&report, &meta());
    let bytes = xlsx(&all, &meta(), report.year).unwrap();
    let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names().to_vec();
    assert_eq!(names, all.iter().map(|t| t.name.to_string()).collect::<Vec<_>>());
    let sheet = book.worksheet_range("Avstämning").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][0], "Avstämning mot huvudboken");
    assert_eq!(rows[1][0], "KPB 2025 – Validerad 2026-01-14 av Anna Ek");
    let total = rows.iter().find(|r| r[0] == "Huvudbokens summa").unwrap();
    assert_eq!(total[1], "842813");
    let diff = rows.iter().find(|r| r[0] == "Differens").unwrap();
    assert_eq!(diff[1], "0");
}

/// The workbook's number formats are real ones (no literal space for thousands), and a
/// percentage is a share shown as percent.
#[test]
fn workbook_numbers_have_real_formats() {
    use std::io::Read;
    let report = report();
    let all = tables(&report, &meta());
    let bytes = xlsx(&all, &meta(), report.year).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut styles = String::new();
    zip.by_name("xl/styles.xml").unwrap().read_to_string(&mut styles).unwrap();
    for code in ["#,##0.00", "0.0%"] {
        assert!(styles.contains(&format!("formatCode=\"{code}\"")), "{code} in {styles}");
    }
    assert!(!styles.contains("# ##0"), "{styles}");
    // "Andel av kostnaden, %" is written as a share: 27,5 % is 0.275.
    let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Kostnadsfördelning").unwrap();
    let table = all.iter().find(|t| t.name == "Kostnadsfördelning").unwrap();
    let (label, percent) = table
        .rows
        .iter()
        .find_map(|r| match (&r[0], &r[1]) {
            (kpb::export::Cell::Text(l), kpb::export::Cell::Number(p)) if *p > rust_decimal::Decimal::ONE => {
                Some((l.clone(), *p))
            }
            _ => None,
        })
        .expect("a share over 1 %");
    let row = sheet.rows().find(|r| r[0].to_string() == label).expect("the row");
    let expected = kpb::format::rounded(percent, 2) / rust_decimal::Decimal::ONE_HUNDRED;
    assert_eq!(row[1].to_string().parse::<f64>().unwrap(), expected.to_string().parse::<f64>().unwrap());
    assert!(percent > rust_decimal::Decimal::ONE, "a percentage, not a share: {percent}");
}

/// The money columns of the clients' tables sum exactly to their totals, rounded to the öre:
/// the KPB cost of all brukare, as the reconciliation shows it.
#[test]
fn client_rows_sum_to_the_total_to_the_ore() {
    for dir in ["tests/data/halmstad", "../../public/exempel"] {
        let dir = format!("{}/{dir}", env!("CARGO_MANIFEST_DIR"));
        let files: Vec<InputFile> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
            .map(|e| InputFile {
                name: e.file_name().to_string_lossy().into(),
                bytes: std::fs::read(e.path()).unwrap(),
            })
            .collect();
        let report = compute(&load(&files, &ImportSettings::default()), &Settings::default());
        let exact: rust_decimal::Decimal = report.clients.iter().map(|c| c.total).sum();
        let all = tables(&report, &meta());
        for (name, column) in [("Brukare", "Kostnad"), ("Brukare per insats", "Kostnad")] {
            let table = all.iter().find(|t| t.name == name).unwrap();
            let text = String::from_utf8(csv(table)).unwrap();
            let mut lines = text.trim_start_matches('\u{feff}').split("\r\n").filter(|l| !l.is_empty());
            let at = lines.next().unwrap().split(';').position(|h| h == column).unwrap();
            let sum: rust_decimal::Decimal = lines
                .map(|l| l.split(';').nth(at).unwrap().replace(',', ".").parse::<rust_decimal::Decimal>().unwrap())
                .sum();
            assert_eq!(sum, exact.round_dp(2), "{dir} {name}");
        }
    }
}

/// All tables as CSV in one zip: each file the same bytes as its table's CSV.
#[test]
fn every_csv_in_one_zip() {
    use std::io::Read;
    let report = report();
    let all = tables(&report, &meta());
    let bytes = kpb::export::csv_zip(&all).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().into_owned()).collect();
    assert_eq!(names.len(), all.len());
    for table in &all {
        let mut content = Vec::new();
        zip.by_name(&format!("{}.csv", table.name)).unwrap().read_to_end(&mut content).unwrap();
        assert_eq!(content, csv(table), "{}", table.name);
    }
    assert!(names.contains(&"Avstämning.csv".to_owned()), "{names:?}");
}

/// A table of one text column and one money column, for the formula tests.
fn table(rows: &[(&str, &str)]) -> kpb::export::Table {
    use kpb::export::{Cell, Kind, Table};
    Table {
        name: "Test".into(),
        title: "Test".into(),
        columns: vec![("Namn".into(), Kind::Text), ("Belopp".into(), Kind::Money)],
        rows: rows
            .iter()
            .map(|(t, n)| vec![Cell::Text((*t).to_owned()), Cell::Number(n.parse::<rust_decimal::Decimal>().unwrap())])
            .collect(),
    }
}

#[test]
fn csv_text_that_looks_like_a_formula_is_neutralised() {
    let t = table(&[
        ("=1+1", "1"),
        ("+46 70 123", "2"),
        ("-2+3", "3"),
        ("@SUM(A1:A2)", "4"),
        ("\tTAB", "5"),
        ("\rCR", "6"),
        ("=HYPERLINK(\"http://example.invalid\";\"Klicka\")", "7"),
        ("Hemtjänst = bra", "8"),
        ("Enhet 1", "9"),
        ("'redan", "10"),
    ]);
    let text = String::from_utf8(csv(&t)).unwrap();
    assert_eq!(
        text,
        "\u{feff}Namn;Belopp\r\n\
         '=1+1;1\r\n\
         '+46 70 123;2\r\n\
         '-2+3;3\r\n\
         '@SUM(A1:A2);4\r\n\
         '\tTAB;5\r\n\
         \"'\rCR\";6\r\n\
         \"'=HYPERLINK(\"\"http://example.invalid\"\";\"\"Klicka\"\")\";7\r\n\
         Hemtjänst = bra;8\r\n\
         Enhet 1;9\r\n\
         'redan;10\r\n"
    );
}

#[test]
fn csv_negative_numbers_stay_numbers() {
    let t = table(&[("-", "-12.5"), ("Avdrag", "-12.5"), ("Noll", "-0"), ("Stort", "-1081175")]);
    let text = String::from_utf8(csv(&t)).unwrap();
    assert_eq!(text, "\u{feff}Namn;Belopp\r\n'-;-12,5\r\nAvdrag;-12,5\r\nNoll;0\r\nStort;-1081175\r\n");
}

#[test]
fn the_status_says_who_validated_and_when_only_once_validated() {
    let report = report();
    let about = |meta: &Meta| {
        let om = tables(&report, meta).into_iter().find(|t| t.name == "Om").unwrap();
        let text = String::from_utf8(csv(&om)).unwrap();
        text.lines().find(|l| l.starts_with("Status;")).unwrap().to_owned()
    };
    assert_eq!(about(&meta()), "Status;Validerad 2026-01-14 av Anna Ek");
    let nobody = Meta { validation: kpb::export::Validation { by: " ".into(), on: "2026-01-14".into() }, ..meta() };
    assert_eq!(about(&nobody), "Status;Validerad 2026-01-14");
    // A preliminary result names no validation, even one typed in before it was set back.
    assert_eq!(about(&Meta { status: Status::Preliminar, ..meta() }), "Status;Preliminär");
}

/// A table's column by its header: each row's text, or its number.
fn column<'a>(all: &'a [kpb::export::Table], table: &str, header: &str) -> Vec<&'a kpb::export::Cell> {
    let t = all.iter().find(|t| t.name == table).unwrap_or_else(|| panic!("{table}"));
    let c = t.columns.iter().position(|(h, _)| h == header).unwrap_or_else(|| panic!("{table}: {header}"));
    t.rows.iter().map(|r| &r[c]).collect()
}

fn number(cell: &kpb::export::Cell) -> rust_decimal::Decimal {
    match cell {
        kpb::export::Cell::Number(d) => *d,
        kpb::export::Cell::Empty => rust_decimal::Decimal::ZERO,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(cell: &kpb::export::Cell) -> String {
    match cell {
        kpb::export::Cell::Text(s) => s.clone(),
        other => panic!("not a text: {other:?}"),
    }
}

/// Sums of a table's money column by a key of its rows.
fn sums(
    all: &[kpb::export::Table],
    table: &str,
    keys: &[&str],
    money: &str,
) -> std::collections::BTreeMap<Vec<String>, rust_decimal::Decimal> {
    let keys: Vec<_> = keys.iter().map(|k| column(all, table, k)).collect();
    let mut sums = std::collections::BTreeMap::new();
    for (i, m) in column(all, table, money).into_iter().enumerate() {
        *sums.entry(keys.iter().map(|k| text(k[i])).collect::<Vec<_>>()).or_default() += number(m);
    }
    sums
}

/// The keys whose sums differ, with both sums.
fn differ(
    a: &std::collections::BTreeMap<Vec<String>, rust_decimal::Decimal>,
    b: &std::collections::BTreeMap<Vec<String>, rust_decimal::Decimal>,
) -> Vec<String> {
    let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| format!("{k:?}: {:?} against {:?}", a.get(k), b.get(k)))
        .collect()
}

#[test]
fn an_insats_cost_leaves_out_its_units_in_data_error_as_the_app_does() {
    // Halmstad with a unit that has cost and no volume (a data error): its cost is in Enheter,
    // not in the insats' cost in egen regi, as in the app.
    let dir = format!("{}/tests/data/halmstad", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<InputFile> = ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv"]
        .iter()
        .map(|n| InputFile { name: n.to_string(), bytes: std::fs::read(format!("{dir}/{n}")).unwrap() })
        .collect();
    files[0].bytes.extend(b"8103;5111;1 000;\n");
    files[2].bytes.extend(b"8103;PASFB;Enhet 3;Assistans enhet 3;LSS\n");
    let report = compute(&load(&files, &ImportSettings::default()), &Settings::default());
    let error = report.units.iter().find(|u| u.enhet == "Enhet 3").unwrap();
    assert!(error.error.is_some() && error.total == rust_decimal::Decimal::from(1000));
    let all = tables(&report, &meta());
    let cost = number(column(&all, "Insatser", "Kostnad egen regi")[0]);
    assert_eq!(cost, report.insatser[0].cost.round_dp(2));
    assert_eq!(cost, rust_decimal::Decimal::from(2_754_413));
}

#[test]
fn the_exports_add_up_to_the_ore_at_every_level() {
    use rust_decimal::Decimal;
    let report = example();
    let all = tables(&report, &meta());
    let ore = Decimal::new(1, 2);
    let near = |rounded: Decimal, exact: Decimal| (rounded / ore).fract().is_zero() && (rounded - exact).abs() < ore;
    for money in ["Kostnad", "Assistansersättning"] {
        // A brukare's lines sum to the brukare.
        let lines = sums(&all, "Brukare per insats", &["Brukare"], money);
        let clients = sums(&all, "Brukare", &["Brukare"], money);
        assert_eq!(differ(&lines, &clients), Vec::<String>::new(), "{money}: brukare");
        // The brukare's lines in a unit sum to the unit (in the example all of a unit's cost goes to its brukare).
        let cells = sums(&all, "Brukare per insats", &["Insats", "Enhet", "Regi"], money);
        let units = sums(&all, "Enheter", &["Insats", "Enhet", "Regi"], money);
        assert_eq!(differ(&cells, &units), Vec::<String>::new(), "{money}: enheter");
    }
    // The units sum to the insatser, in each regi.
    let units = sums(&all, "Enheter", &["Insats", "Regi"], "Kostnad");
    let insatser = column(&all, "Insatser", "Insats");
    for (regi, header) in [("egen regi", "Kostnad egen regi"), ("annan regi", "Kostnad annan regi")] {
        for (insats, cost) in insatser.iter().zip(column(&all, "Insatser", header)) {
            let of_units = units.get(&vec![text(insats), regi.to_owned()]).copied().unwrap_or_default();
            assert_eq!(number(cost), of_units, "{} {regi}", text(insats));
        }
    }
    // The brukare sum to the total the app shows, 184 030 308,37 kr (Avstämning, Kostnadsfördelning).
    let total: Decimal = column(&all, "Brukare", "Kostnad").into_iter().map(number).sum();
    assert_eq!(total, Decimal::new(18_403_030_837, 2));
    // Every figure is its exact value rounded up or down to the öre.
    for (c, cost) in report.clients.iter().zip(column(&all, "Brukare", "Kostnad")) {
        assert!(near(number(cost), c.total), "{}: {:?} from {}", c.id, cost, c.total);
    }
    let lines = report.clients.iter().flat_map(|c| &c.lines);
    for (l, cost) in lines.zip(column(&all, "Brukare per insats", "Kostnad")) {
        assert!(near(number(cost), l.cost));
    }
    for (u, cost) in report.units.iter().zip(column(&all, "Enheter", "Kostnad")) {
        assert!(near(number(cost), u.total), "{}: {:?} from {}", u.enhet, cost, u.total);
    }
    for (s, cost) in report.insatser.iter().zip(column(&all, "Insatser", "Kostnad egen regi")) {
        assert!(near(number(cost), s.cost), "{}: {:?} from {}", s.insats.name(), cost, s.cost);
    }
    // The deciles' shares of the cost, as the CSV writes them, sum to 100 %.
    let text = String::from_utf8(csv(all.iter().find(|t| t.name == "Kostnadsfördelning").unwrap())).unwrap();
    let shares: Decimal = text
        .split("\r\n")
        .filter(|l| l.starts_with("Decil"))
        .map(|l| l.rsplit(';').next().unwrap().replace(',', ".").parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(shares, Decimal::ONE_HUNDRED);
    // Each unit's direct and allocated cost sum to its cost.
    let [direct, allocated, cost] =
        ["Direkt kostnad", "Fördelad gemensam kostnad", "Kostnad"].map(|h| column(&all, "Enheter", h));
    for i in 0..cost.len() {
        assert_eq!(number(direct[i]) + number(allocated[i]), number(cost[i]));
    }
}

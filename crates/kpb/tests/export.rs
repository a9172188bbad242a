//! The exports: every table as Swedish CSV, and the workbook read back with calamine.

use calamine::{Reader, open_workbook_auto_from_rs};
use kpb::export::{Meta, Status, csv, tables, xlsx};
use kpb::{ImportSettings, InputFile, Settings, compute, load};

fn report() -> kpb::Report {
    let dir = format!("{}/tests/data/halmstad", env!("CARGO_MANIFEST_DIR"));
    let files: Vec<InputFile> = ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv"]
        .iter()
        .map(|n| InputFile { name: n.to_string(), bytes: std::fs::read(format!("{dir}/{n}")).unwrap() })
        .collect();
    compute(&load(&files, &ImportSettings::default()), &Settings::default())
}

fn meta() -> Meta {
    Meta { organisation: "Halmstad (exempel)".into(), status: Status::Validerad, created: (2026, 1, 15, 9, 30) }
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
    assert_eq!(rows[1][0], "KPB 2025 – Validerad");
    let total = rows.iter().find(|r| r[0] == "Huvudbokens summa").unwrap();
    assert_eq!(total[1], "842813");
    let diff = rows.iter().find(|r| r[0] == "Differens").unwrap();
    assert_eq!(diff[1], "0");
}

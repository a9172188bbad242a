//! Whatever the bytes, the importers neither panic nor drop a row silently: every data row becomes
//! a typed row or a finding that names its line.

use kpb::import::sheet::Item;
use kpb::import::{ImportSettings, InputFile, load};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn settings() -> ImportSettings {
    ImportSettings { pseudonym_key: b"k".to_vec(), reference_year: 2025, ..ImportSettings::default() }
}

/// Cells as they occur in real extracts, good and bad.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[0-9]{1,7}".prop_map(|s| s),
        "-?[0-9]{1,3}( [0-9]{3}){0,2},[0-9]{2}".prop_map(|s| s),
        "[0-9]{1,4}\\.[0-9]{1,3}".prop_map(|s| s),
        Just("−750".to_owned()),
        Just("ca 8".to_owned()),
        Just("Hemtjänst".to_owned()),
        Just("Gruppbostad".to_owned()),
        Just("Fotvård".to_owned()),
        Just("HT-NORR".to_owned()),
        Just("K".to_owned()),
        Just("annan".to_owned()),
        Just("2025-03".to_owned()),
        Just("2025-02-30".to_owned()),
        Just("19121212-1212".to_owned()),
        Just("\"a;b\"".to_owned()),
        Just("\"".to_owned()),
        "[a-zåäö ]{0,12}".prop_map(|s| s),
        "\\PC{0,6}".prop_map(|s| s),
    ]
}

fn header() -> impl Strategy<Value = Vec<&'static str>> {
    prop_oneof![
        Just(vec!["Ansvar", "Verksamhet", "Konto", "Belopp", "Brukare"]),
        Just(vec!["Brukare", "Födelseår", "Kön", "Insats", "Enhet", "Regi", "Beviljad tid", "Utförd tid", "Period"]),
        Just(vec!["Personnummer", "Insats", "Utförare", "Volym", "Volymtyp", "Från", "Till", "Belopp"]),
        Just(vec!["Ansvar", "Insats", "Enhet", "Område", "Fördelning"]),
        Just(vec!["Konto från", "Konto till", "Kontotyp"]),
    ]
}

fn text_file() -> impl Strategy<Value = String> {
    (
        header(),
        prop::collection::vec(prop::collection::vec(cell(), 0..10), 0..20),
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    )
        .prop_map(|(h, rows, nl)| {
            let mut t = h.join(";");
            for r in rows {
                t.push_str(nl);
                t.push_str(&r.join(";"));
            }
            t
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let data = load(&[InputFile { name: "x".into(), bytes }], &settings());
        let _ = kpb::compute(&data, &kpb::Settings::default());
    }

    #[test]
    fn no_row_is_dropped_silently(text in text_file()) {
        let data = load(&[InputFile { name: "f.csv".into(), bytes: text.clone().into_bytes() }], &settings());
        let _ = kpb::compute(&data, &kpb::Settings::default());
        let file = &data.files[0];
        if file.status != kpb::import::FileStatus::Read {
            prop_assert!(!data.findings.is_empty());
            return Ok(());
        }
        let mut accounted: BTreeSet<u32> = BTreeSet::new();
        accounted.extend(data.ledger.iter().map(|r| r.line));
        accounted.extend(data.volumes.iter().map(|r| r.line));
        accounted.extend(data.org.rules().iter().map(|r| r.line));
        accounted.extend(data.konton.rules.iter().filter_map(|r| r.line));
        for f in &data.findings {
            accounted.extend(f.pos.line);
            accounted.extend(f.more_lines.iter().copied());
        }
        // Every non-blank data row of the file, by its physical line, as the importer reads it
        // (a quoted field may span lines within the header's width).
        let sheet = kpb::import::sheet::Sheet::csv("f.csv", text.clone());
        let mut lines = Vec::new();
        let total = sheet.read(Some(file.headers.len()), |item| {
            match item {
                Item::Row { line, .. } | Item::TooLong { line, .. } => lines.push(line),
                Item::Blank { .. } => {}
            }
            true
        });
        for line in lines.into_iter().filter(|l| *l > file.header_line) {
            prop_assert!(accounted.contains(&line), "line {line} neither read nor reported: {:#?}", data.findings);
        }
        // Every physical line is the header (or above it), blank, a row or part of one.
        let mut pieces: Vec<&str> = text.split("\r\n").flat_map(|l| l.split(['\r', '\n'])).collect();
        if pieces.last() == Some(&"") {
            pieces.pop(); // the break after the last line starts no line
        }
        let physical = pieces.len() as u32;
        prop_assert_eq!(total, physical);
        prop_assert_eq!(file.lines, file.header_line + file.blank + file.rows + file.continued);
        prop_assert_eq!(file.lines, physical);
    }
}

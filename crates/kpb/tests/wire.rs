//! What the worker sends the page crosses in postcard's binary form (the web app's
//! `worker::post`): every type in it must read back as it reads from JSON, the form it crossed
//! in before. (postcard has no field names and no self-description: a type whose reader asks
//! for either, or whose writer and reader disagree on its fields, fails here.)

use kpb::client_list::{ClientList, ClientQuery, ClientSort};
use kpb::compare::{self, YearFigures};
use kpb::{ImportSettings, InputFile, Settings, compute, load};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

fn files(dir: &str) -> Vec<InputFile> {
    let dir = format!("{}/../../{dir}", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<InputFile> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| InputFile {
            name: p.file_name().unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(&p).unwrap(),
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// `value` read back from postcard, and from JSON: the same.
fn crosses<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let binary = postcard::to_stdvec(value).unwrap();
    let from_binary: T = postcard::from_bytes(&binary).unwrap();
    let from_json: T = serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap();
    assert_eq!(from_binary, from_json);
}

#[test]
fn the_report_its_pages_the_years_and_the_reference_files_read_back_as_from_json() {
    let report = compute(&load(&files("public/exempel"), &ImportSettings::default()), &Settings::default());
    assert!(report.monthly.is_some() && !report.findings.is_empty() && !report.units.is_empty());
    crosses(&report.for_display());
    crosses(&report);
    for list in [ClientList::WithCost, ClientList::Ytterfall(None)] {
        let query = ClientQuery { list, search: String::new(), sort: ClientSort::Cost, descending: true, page: 0 };
        let page = report.client_page(&query);
        assert!(!page.rows.is_empty());
        crosses(&page);
    }
    crosses(&vec![YearFigures::of(&report)]);
    let reference = compare::load(&files("public/exempel/jamforelse"), b"k");
    assert!(!reference.values.is_empty());
    crosses(&reference);
}

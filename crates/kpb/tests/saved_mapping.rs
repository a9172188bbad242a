//! A mapping edited in the app and saved replaces the mapping file it was edited from, and the
//! mapping written back from a report reads to the same result; any other mapping file read wins
//! over the saved one.

use kpb::import::schema::FileKind;
use kpb::mapping;
use kpb::{ImportSettings, InputFile, Settings, compute, load};
use std::collections::BTreeMap;

fn example() -> Vec<InputFile> {
    let dir = format!("{}/../../public/exempel", env!("CARGO_MANIFEST_DIR"));
    ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv"]
        .iter()
        .map(|n| InputFile { name: n.to_string(), bytes: std::fs::read(format!("{dir}/{n}")).unwrap() })
        .collect()
}

#[test]
fn a_saved_mapping_replaces_the_file_and_round_trips() {
    let first = compute(&load(&example(), &ImportSettings::default()), &Settings::default());
    assert!(first.mapping.len() > 20);
    assert!(first.unmapped.iter().any(|(a, _)| a == "45990"), "{:?}", first.unmapped);
    let mapping = mapping::mapping_csv(&first.mapping);
    let konton = mapping::konto_csv(&first.konto_rules);
    let saved = BTreeMap::from([(FileKind::Mappning, mapping.clone()), (FileKind::Konton, konton)]);
    // Edited from the files read: the digests of those files.
    let digest = |kind| first.files.iter().find(|f| f.kind == Some(kind)).and_then(|f| f.digest.clone()).unwrap();
    let saved_from = BTreeMap::from([
        (FileKind::Mappning, digest(FileKind::Mappning)),
        (FileKind::Konton, digest(FileKind::Konton)),
    ]);
    let settings = ImportSettings { saved, saved_from: saved_from.clone(), ..ImportSettings::default() };
    let second = compute(&load(&example(), &settings), &Settings::default());
    let totals =
        |r: &kpb::Report| r.units.iter().map(|u| (u.insats, u.enhet.clone(), u.total, u.volume)).collect::<Vec<_>>();
    assert_eq!(totals(&first), totals(&second));
    assert_eq!(first.reconciliation.lines, second.reconciliation.lines);
    assert!(second.findings.iter().any(|f| f.kind.code() == "ersatt-av-sparad" && f.pos.file == "mappning.csv"));
    assert!(
        second
            .files
            .iter()
            .any(|f| f.name == "mappning (sparad i webbläsaren).csv" && f.rows_used as usize == first.mapping.len())
    );

    // Mapping the missing ansvar in the saved mapping places its cost.
    let fixed = format!("{mapping}45990;;;;;;;förvaltning\n");
    let settings = ImportSettings {
        saved: BTreeMap::from([(FileKind::Mappning, fixed.clone())]),
        saved_from,
        ..ImportSettings::default()
    };
    let third = compute(&load(&example(), &settings), &Settings::default());
    assert!(third.unmapped.is_empty());
    assert!(!third.reconciliation.lines.iter().any(|l| l.key.code() == "omappat"));

    // Another mapping file than the one the saved mapping was edited from: the file wins, and
    // the report says which was used.
    let mut files = example();
    let other = files.iter_mut().find(|f| f.name == "mappning.csv").unwrap();
    other.name = "mappning 2026.csv".into();
    other.bytes.extend_from_slice(b"99999;;;;;;;exkludera\n");
    let fourth = compute(&load(&files, &settings), &Settings::default());
    assert!(fourth.unmapped.iter().any(|(a, _)| a == "45990"), "the file's mapping, without the fix, is used");
    let saved_file = fourth.files.iter().find(|f| f.name == "mappning (sparad i webbläsaren).csv").unwrap();
    assert_eq!(saved_file.status, kpb::import::FileStatus::Replaced);
    let said = fourth.findings.iter().find(|f| f.kind.code() == "ersatt-av-sparad").unwrap();
    assert_eq!(
        said.message(),
        "Den mappning som sparats i webbläsaren används inte: filen mappning 2026.csv lästes in och gäller i stället."
    );

    // No mapping file read at all: the saved mapping is used.
    let without: Vec<InputFile> = example().into_iter().filter(|f| f.name != "mappning.csv").collect();
    let fifth = compute(&load(&without, &settings), &Settings::default());
    assert!(fifth.unmapped.is_empty());
}

#[test]
fn a_row_that_says_otherwise_than_an_earlier_one_is_a_warning_naming_both() {
    // The example's mapping with a second row for ansvar 41010 (another enhet), and its konton
    // with 3100–3199 again as another kind; and rows that repeat an earlier one exactly.
    let mut files = example();
    for f in &mut files {
        match f.name.as_str() {
            "mappning.csv" => f.bytes.extend(b"41010;;HEMTJ;HT-SODER;Hemtj\xc3\xa4nst S\xc3\xb6der;Hemtj\xc3\xa4nst;egen;\n41010;;HEMTJ;HT-NORR;Hemtj\xc3\xa4nst Norr;Hemtj\xc3\xa4nst;egen;\n"),
            "konton.csv" => f.bytes.extend("3100;3199;intern intäkt\n3400;3469;övrig intäkt\n".as_bytes()),
            _ => {}
        }
    }
    let ds = load(&files, &ImportSettings::default());
    let said: Vec<(String, Option<u32>, String)> = ds
        .findings
        .iter()
        .filter(|f| f.kind.code() == "motstridig-rad")
        .map(|f| (f.pos.file.clone(), f.pos.line, f.message()))
        .collect();
    let mapping_lines =
        std::str::from_utf8(&files.iter().find(|f| f.name == "mappning.csv").unwrap().bytes).unwrap().lines().count()
            as u32;
    assert_eq!(
        said,
        [
            (
                "mappning.csv".to_owned(),
                Some(mapping_lines - 1),
                "Raden säger något annat om ansvar 41010 än rad 9; rad 9 används, den här inte.".to_owned()
            ),
            (
                "konton.csv".to_owned(),
                Some(11),
                "Raden säger något annat om konto 3100–3199 än rad 2; rad 2 används, den här inte.".to_owned()
            ),
        ]
    );
    // The first rows are used: the figures are the example's.
    let report = compute(&ds, &Settings::default());
    let example = compute(&load(&example(), &ImportSettings::default()), &Settings::default());
    assert_eq!(
        report.units.iter().map(|u| u.total).sum::<rust_decimal::Decimal>(),
        example.units.iter().map(|u| u.total).sum()
    );
}

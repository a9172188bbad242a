//! A mapping edited in the app and saved replaces the mapping file, and the mapping written back
//! from a report reads to the same result.

use kpb::import::schema::FileKind;
use kpb::{ImportSettings, InputFile, Settings, compute, load};
use std::collections::BTreeMap;

fn example() -> Vec<InputFile> {
    let dir = format!("{}/../../public/exempel", env!("CARGO_MANIFEST_DIR"));
    ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv"]
        .iter()
        .map(|n| InputFile { name: n.to_string(), bytes: std::fs::read(format!("{dir}/{n}")).unwrap() })
        .collect()
}

fn csv(header: &str, rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut text = format!("{header}\n");
    for r in rows {
        text.push_str(&r.join(";"));
        text.push('\n');
    }
    text
}

#[test]
fn a_saved_mapping_replaces_the_file_and_round_trips() {
    let first = compute(&load(&example(), &ImportSettings::default()), &Settings::default());
    assert!(first.mapping.len() > 20);
    assert!(first.unmapped.iter().any(|(a, _)| a == "45990"), "{:?}", first.unmapped);
    let mapping = csv(
        "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning",
        first.mapping.iter().map(|r| r.to_vec()),
    );
    let konton = csv("Konto från;Konto till;Kontotyp", first.konto_rules.iter().map(|r| r.to_vec()));
    let saved = BTreeMap::from([(FileKind::Mappning, mapping.clone()), (FileKind::Konton, konton)]);
    let settings = ImportSettings { saved, ..ImportSettings::default() };
    let second = compute(&load(&example(), &settings), &Settings::default());
    let totals =
        |r: &kpb::Report| r.units.iter().map(|u| (u.insats, u.enhet.clone(), u.total, u.volume)).collect::<Vec<_>>();
    assert_eq!(totals(&first), totals(&second));
    assert_eq!(first.reconciliation.lines, second.reconciliation.lines);
    assert!(second.findings.iter().any(|f| f.kind == "ersatt-av-sparad" && f.pos.file == "mappning.csv"));
    assert!(
        second
            .files
            .iter()
            .any(|f| f.name == "mappning (sparad i webbläsaren).csv" && f.rows_used as usize == first.mapping.len())
    );

    // Mapping the missing ansvar in the saved mapping places its cost.
    let fixed = format!("{mapping}45990;;;;;;;förvaltning\n");
    let settings = ImportSettings { saved: BTreeMap::from([(FileKind::Mappning, fixed)]), ..ImportSettings::default() };
    let third = compute(&load(&example(), &settings), &Settings::default());
    assert!(third.unmapped.is_empty());
    assert!(!third.reconciliation.lines.iter().any(|l| l.key == "omappat"));
}

//! Quality per unit from Kolada: the user maps own enheter to Kolada's units (`ou`), and Kolada's
//! unit values (e.g. Socialstyrelsen's user survey) become the enheter's quality results beside
//! their cost per volume unit. A hand-written Kolada unit answer (`/v3/oudata`) and unit list
//! (`/v3/ou`), read through the real reader, with the example report.

use kpb::compare::{self, CompareSettings, MappedOu};
use kpb::{ImportSettings, InputFile, Report, Settings, compute, load};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn example() -> Report {
    let files: Vec<InputFile> =
        ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv", "platser.csv", "befolkning.csv"]
            .iter()
            .map(|n| {
                let path = format!("{}/../../public/exempel/{n}", env!("CARGO_MANIFEST_DIR"));
                InputFile { name: (*n).into(), bytes: std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")) }
            })
            .collect();
    compute(&load(&files, &ImportSettings::default()), &Settings::default())
}

fn json(name: &str, text: &str) -> InputFile {
    InputFile { name: name.into(), bytes: text.as_bytes().to_vec() }
}

/// Two units: a hemtjänst group with U21504 for 2025 (T, K, M) and 2024, and a boende whose
/// U23520 for 2025 Kolada does not have (`null`: too few answers).
const OU_DATA: &str = r#"{"count": 3, "values": [
  {"kpi": "U21504", "ou": "V15E999900101", "period": 2025, "values": [
    {"gender": "T", "count": 1, "status": "", "value": 93.5},
    {"gender": "K", "count": 1, "status": "", "value": 95},
    {"gender": "M", "count": 1, "status": "", "value": 89}]},
  {"kpi": "U21504", "ou": "V15E999900101", "period": 2024,
   "values": [{"gender": "T", "count": 1, "status": "", "value": 90}]},
  {"kpi": "U23520", "ou": "V15E999900201", "period": 2025,
   "values": [{"gender": "T", "count": 1, "status": "Saknas", "value": null}]}
], "next_url": null, "previous_url": null}"#;

const OU_LIST: &str = r#"{"count": 2, "values": [
  {"id": "V15E999900101", "municipality": "9999", "title": "Hemtjänstgrupp Norr"},
  {"id": "V15E999900201", "municipality": "9999", "title": "Solgårdens äldreboende"}
], "next_url": null, "previous_url": null}"#;

const BEMOTANDE_HEMTJANST: &str =
    "Brukarbedömning hemtjänst äldreomsorg - alltid eller oftast bra bemötande, andel (%)";

fn mapped(pairs: &[(&str, &str)]) -> CompareSettings {
    let ou_map: BTreeMap<String, String> = pairs.iter().map(|(e, o)| ((*e).to_owned(), (*o).to_owned())).collect();
    CompareSettings { own_id: "9999".into(), ou_map, ..CompareSettings::default() }
}

#[test]
fn the_catalogue_knows_the_kpis_as_unit_level_user_survey_results() {
    for id in ["U21504", "U23520"] {
        let kpi = kpb::reference::kpi(id).unwrap();
        assert!(kpi.title.starts_with("Brukarbedömning"), "{}", kpi.title);
    }
    assert_eq!(kpb::reference::kpi_title("U21504"), Some(BEMOTANDE_HEMTJANST));
}

#[test]
fn mapped_kolada_units_give_quality_points() {
    let report = example();
    assert_eq!(report.year, 2025);
    let data = compare::load(&[json("enheter.json", OU_DATA), json("ou.json", OU_LIST)], b"k");
    let settings = mapped(&[("HT-NORR", "V15E999900101"), ("SB-SOL", "V15E999900201")]);
    let m = compare::quality_points(&report, &data, &settings);
    let points: Vec<(&str, &str, &str, Decimal)> =
        m.points.iter().map(|p| (p.enhet.as_str(), p.name.as_str(), p.measure.as_str(), p.quality)).collect();
    // Gender T only, 2025 only; Solgården's null is no point.
    assert_eq!(points, [("HT-NORR", "Hemtjänst Norr", BEMOTANDE_HEMTJANST, d("93.5"))]);
    let norr = &m.points[0];
    assert_eq!(norr.insats, kpb::Insats::Hemtjanst);
    assert_eq!(Some(norr.cost), report.units.iter().find(|u| u.enhet == "HT-NORR").unwrap().unit_cost);
    assert_eq!(m.other_years, [2024]);
    assert_eq!(
        m.ou_without_values,
        [MappedOu {
            enhet: "SB-SOL".into(),
            enhet_name: "Solgården".into(),
            ou: "V15E999900201".into(),
            ou_name: Some("Solgårdens äldreboende".into()),
        }]
    );
    assert!(m.unmatched.is_empty() && m.ambiguous.is_empty());
    // The values themselves, as quality results of the mapped enheter.
    let (values, _) = compare::ou_quality(&report, &data, &settings);
    let values: Vec<(&str, &str, Option<i32>, Decimal)> =
        values.iter().map(|q| (q.enhet.as_str(), q.measure.as_str(), q.year, q.value)).collect();
    assert_eq!(
        values,
        [
            ("HT-NORR", BEMOTANDE_HEMTJANST, Some(2025), d("93.5")),
            ("HT-NORR", BEMOTANDE_HEMTJANST, Some(2024), d("90")),
        ]
    );
}

#[test]
fn nothing_is_paired_without_a_mapping_or_with_none() {
    let report = example();
    let data = compare::load(&[json("enheter.json", OU_DATA), json("ou.json", OU_LIST)], b"k");
    for settings in [
        CompareSettings::default(),
        // "ingen": chosen, so no suggestion either.
        mapped(&[("HT-NORR", "")]),
        // A remembered mapping for an enhet this report does not have.
        mapped(&[("HT-VASTER", "V15E999900101")]),
    ] {
        let m = compare::quality_points(&report, &data, &settings);
        assert!(m.points.is_empty() && m.ou_without_values.is_empty(), "{settings:?}: {m:?}");
    }
    // A KPI outside the catalogue is named by its id.
    let odd = OU_DATA.replace("U21504", "X99999");
    let data = compare::load(&[json("enheter.json", &odd)], b"k");
    let m = compare::quality_points(&report, &data, &mapped(&[("HT-NORR", "V15E999900101")]));
    assert_eq!(m.points.iter().map(|p| p.measure.as_str()).collect::<Vec<_>>(), ["X99999"]);
}

#[test]
fn the_suggestion_matches_names_only_when_unambiguous() {
    let report = example();
    let data = compare::load(&[json("enheter.json", OU_DATA), json("ou.json", OU_LIST)], b"k");
    // "Hemtjänst Norr" is "Hemtjänstgrupp Norr"; "Solgården" is not "Solgårdens äldreboende".
    assert_eq!(compare::suggest_ou(&report, &data), [("HT-NORR".to_owned(), "V15E999900101".to_owned())]);
    // Another municipality's "Hemtjänst Norr (privat)" too: two units fit, none is suggested.
    let other = r#"{"count": 1, "values": [
      {"kpi": "U21504", "ou": "V15E888800101", "period": 2025,
       "values": [{"gender": "T", "count": 1, "status": "", "value": 80}]}],
      "next_url": null, "previous_url": null}"#;
    let other_list = r#"{"count": 1, "values": [
      {"id": "V15E888800101", "municipality": "8888", "title": "Hemtjänst  NORR (privat)"}],
      "next_url": null, "previous_url": null}"#;
    let both = compare::load(
        &[
            json("enheter.json", OU_DATA),
            json("ou.json", OU_LIST),
            json("andra.json", other),
            json("andra-ou.json", other_list),
        ],
        b"k",
    );
    assert!(compare::suggest_ou(&report, &both).is_empty());
    // Without the unit list the units have no names: nothing to match.
    assert!(compare::suggest_ou(&report, &compare::load(&[json("enheter.json", OU_DATA)], b"k")).is_empty());
}

#[test]
fn settings_remembered_before_the_mapping_still_read() {
    let old = r#"{"own_id":"9999","own_name":"Exempelkommun","excluded":[],"reference":"Mean","min_clients":5}"#;
    let settings: CompareSettings = serde_json::from_str(old).unwrap();
    assert!(settings.ou_map.is_empty());
    let with = mapped(&[("HT-NORR", "V15E999900101")]);
    let back: CompareSettings = serde_json::from_str(&serde_json::to_string(&with).unwrap()).unwrap();
    assert_eq!(back, with);
}

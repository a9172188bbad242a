//! Kolada as it is in 2026, through `compare::load`: v3 answers in pages (`next_url`), values
//! Kolada has deleted (`isdeleted`), missing values, group ids named from the shipped list, the
//! historical KPB U-KPIs, Kolada's web table download (titles and names, no ids) and values per
//! organisational unit with Kolada's unit list. Every file is written here by hand, and so is
//! every expected value.

use kpb::InputFile;
use kpb::compare::{self, Gender, OuUnit, RefData};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn json(name: &str, text: &str) -> InputFile {
    InputFile { name: name.into(), bytes: text.as_bytes().to_vec() }
}

/// The messages of the findings of one kind.
fn said(data: &RefData, kind: &str) -> Vec<String> {
    data.findings.iter().filter(|f| f.kind.code() == kind).map(|f| f.message()).collect()
}

/// (kpi, area, period, value) of the total (T) values, sorted.
fn totals(data: &RefData) -> Vec<(String, String, i32, Option<Decimal>)> {
    let mut v: Vec<_> = data
        .values
        .iter()
        .filter(|v| v.gender == Gender::T)
        .map(|v| (v.kpi.clone(), v.area.clone(), v.period, v.value))
        .collect();
    v.sort();
    v
}

const PAGE_2: &str = "https://api.kolada.se/v3/data/kpi/N21006/year/2024?page=2&per_page=4";

/// Page 1 of 2: Stockholm, a group, a deleted record and a missing value.
const FIRST_PAGE: &str = r#"{
  "count": 4,
  "values": [
    {"kpi": "N21006", "municipality": "0180", "period": 2024,
     "values": [{"gender": "T", "count": 1, "status": "", "value": 301500}]},
    {"kpi": "N21006", "municipality": "G92792", "period": 2024,
     "values": [{"gender": "T", "count": 1, "status": "", "value": 287000}]},
    {"kpi": "N21006", "municipality": "1280", "period": 2024, "isdeleted": true,
     "values": [{"gender": "T", "count": 1, "status": "", "value": 1}]},
    {"kpi": "N21006", "municipality": "1880", "period": 2024,
     "values": [{"gender": "T", "count": 0, "status": "Saknas", "value": null}]}
  ],
  "next_url": "https://api.kolada.se/v3/data/kpi/N21006/year/2024?page=2&per_page=4",
  "previous_url": null
}"#;

/// Page 2 of 2: Linköping.
const SECOND_PAGE: &str = r#"{
  "count": 1,
  "values": [
    {"kpi": "N21006", "municipality": "0580", "period": 2024,
     "values": [{"gender": "T", "count": 1, "status": "", "value": 295250}]}
  ],
  "next_url": null,
  "previous_url": "https://api.kolada.se/v3/data/kpi/N21006/year/2024?per_page=4&page=1"
}"#;

#[test]
fn a_v3_answer_in_two_pages_deleted_and_missing_values_and_a_group() {
    let first = compare::load(&[json("sida1.json", FIRST_PAGE)], b"k");
    assert_eq!(first.files[0].kind, "Kolada-data (v3)");
    assert_eq!(first.files[0].next_url.as_deref(), Some(PAGE_2));
    assert_eq!(first.missing_pages(), [("sida1.json".to_owned(), PAGE_2.to_owned())]);
    assert_eq!(
        said(&first, "kolada-fler-sidor"),
        [format!("Filen sida1.json är en sida av flera: Koladas svar fortsätter på nästa sida, {PAGE_2}")]
    );
    let pages = first.findings.iter().find(|f| f.kind.code() == "kolada-fler-sidor").unwrap();
    assert_eq!(pages.severity, kpb::Severity::Info);
    assert_eq!(
        said(&first, "kolada-borttagna"),
        ["Filen sida1.json har 1 post som Kolada har tagit bort (isdeleted); de används inte."]
    );
    // The deleted record is not used; the missing value is kept as missing.
    assert_eq!(
        totals(&first),
        [
            ("N21006".to_owned(), "0180".to_owned(), 2024, Some(d("301500"))),
            ("N21006".to_owned(), "1880".to_owned(), 2024, None),
            ("N21006".to_owned(), "G92792".to_owned(), 2024, Some(d("287000"))),
        ]
    );
    let orebro = first.values.iter().find(|v| v.area == "1880").unwrap();
    assert_eq!(orebro.status.as_deref(), Some("Saknas"));
    // Names from the shipped lists, without any list file; the group is a group.
    assert!(first.names.is_empty());
    assert_eq!(first.name("0180"), "Stockholm");
    assert_eq!(first.name("G92792"), "Pendlingskommun nära större stad (ovägt medel)");
    assert!(compare::is_group("G92792"));
    // N21006 is in Kolada's catalogue and published: neither unknown nor historical.
    assert!(said(&first, "okant-nyckeltal").is_empty() && said(&first, "kolada-historiska").is_empty());

    // The next page read later: the first page's next page is there, and nothing is said.
    let mut data = first.clone();
    data.merge(compare::load(&[json("sida2.json", SECOND_PAGE)], b"k"));
    assert!(data.missing_pages().is_empty());
    assert!(said(&data, "kolada-fler-sidor").is_empty(), "{:?}", data.findings);
    assert_eq!(data.values.iter().find(|v| v.area == "0580").unwrap().value, Some(d("295250")));
    assert_eq!(data.name("0580"), "Linköping");

    // Both in one load, the second page first.
    let both = compare::load(&[json("sida2.json", SECOND_PAGE), json("sida1.json", FIRST_PAGE)], b"k");
    assert!(both.missing_pages().is_empty());
    assert!(said(&both, "kolada-fler-sidor").is_empty());
    assert_eq!(both.files.iter().map(|f| f.values).collect::<Vec<_>>(), [1, 3]);

    // A page of another answer is not the next page.
    let other = SECOND_PAGE.replace("N21006/year/2024", "N21009/year/2024");
    let wrong = compare::load(&[json("sida1.json", FIRST_PAGE), json("annan.json", &other)], b"k");
    assert_eq!(wrong.missing_pages(), [("sida1.json".to_owned(), PAGE_2.to_owned())]);
}

#[test]
fn deleted_values_in_v2_and_per_value() {
    // v2 marks a deleted record with is_deleted 1; a value of a record can be marked too.
    let text = r#"{"count": 3, "values": [
      {"kpi": "N21006", "municipality": "0180", "period": 2023, "is_deleted": 1,
       "values": [{"gender": "T", "value": 5}]},
      {"kpi": "N21006", "municipality": "0180", "period": 2023, "is_deleted": 0,
       "values": [{"gender": "T", "value": 289000}]},
      {"kpi": "N21006", "municipality": "0580", "period": 2023,
       "values": [{"gender": "T", "value": 7, "isdeleted": true}, {"gender": "K", "value": 280100}]}
    ]}"#;
    let data = compare::load(&[json("v2.json", text)], b"k");
    assert_eq!(
        said(&data, "kolada-borttagna"),
        ["Filen v2.json har 2 poster som Kolada har tagit bort (isdeleted); de används inte."]
    );
    let mut got: Vec<_> = data.values.iter().map(|v| (v.area.as_str(), v.gender, v.value)).collect();
    got.sort();
    assert_eq!(got, [("0180", Gender::T, Some(d("289000"))), ("0580", Gender::K, Some(d("280100")))]);
    assert!(said(&data, "kolada-dubbelt-varde").is_empty());
}

#[test]
fn historical_kpis_are_said_once_per_file_but_not_for_a_network_file() {
    let text = r#"{"count": 4, "values": [
      {"kpi": "U21003", "municipality": "0180", "period": 2023, "values": [{"gender": "T", "value": 498.2}]},
      {"kpi": "U23004", "municipality": "0180", "period": 2023, "values": [{"gender": "T", "value": 2201}]},
      {"kpi": "N04127", "municipality": "0180", "period": 2023, "values": [{"gender": "T", "value": 12.5}]},
      {"kpi": "U21003", "municipality": "1880", "period": 2023, "values": [{"gender": "T", "value": 470}]},
      {"kpi": "U99998", "municipality": "1880", "period": 2023, "values": [{"gender": "T", "value": 1}]}
    ]}"#;
    let data = compare::load(&[json("gamla.json", text)], b"k");
    assert_eq!(
        said(&data, "kolada-historiska"),
        ["Filen gamla.json har värden för nyckeltal som Kolada inte längre publicerar: N04127, U21003, U23004. \
          KPB-nyckeltalen (U…) finns inte i Kolada sedan 2025. Värdena är historiska."]
    );
    let note = data.findings.iter().find(|f| f.kind.code() == "kolada-historiska").unwrap();
    assert_eq!(note.severity, kpb::Severity::Info);
    // They are read all the same.
    assert_eq!(data.values.len(), 5);
    // Only the id neither the catalogue nor the historical list knows is unknown.
    assert_eq!(said(&data, "okant-nyckeltal"), ["Nyckeltalet U99998 i gamla.json finns inte i verktygets katalog."]);

    // Many are named by the first ten and a count.
    let ids =
        ["U21002", "U21003", "U21005", "U21014", "U21015", "U21016", "U21017", "U23004", "U23005", "U23006", "U23008"];
    let records: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"kpi": "{id}", "municipality": "0180", "period": 2016, "values": [{{"gender": "T", "value": 1}}]}}"#))
        .collect();
    let many = compare::load(&[json("manga.json", &format!(r#"{{"values": [{}]}}"#, records.join(",")))], b"k");
    assert_eq!(
        said(&many, "kolada-historiska"),
        ["Filen manga.json har värden för nyckeltal som Kolada inte längre publicerar: U21002, U21003, U21005, \
          U21014, U21015, U21016, U21017, U23004, U23005, U23006 och 1 till. KPB-nyckeltalen (U…) finns inte i \
          Kolada sedan 2025. Värdena är historiska."]
    );

    // A network file carries the tool's own U-figures: no word of Kolada.
    let network = r#"{"format": "kpb-natverk/1", "municipality": {"id": "9999", "title": "Exempelkommun"},
      "period": 2025, "status": "Preliminär", "min_clients": 5,
      "values": [{"kpi": "U21003", "municipality": "9999", "period": 2025,
                  "values": [{"gender": "T", "count": 1, "status": "", "value": 455}]}],
      "ou_values": [{"kpi": "U21003", "municipality": "9999", "ou": "HT-NORR", "title": "Hemtjänst Norr",
                     "period": 2025, "values": [{"gender": "T", "count": 1, "status": "", "value": 430}]}]}"#;
    let data = compare::load(&[json("natverk.json", network)], b"k");
    assert!(said(&data, "kolada-historiska").is_empty(), "{:?}", data.findings);
    assert_eq!(data.files[0].kind, "Nätverksfil från Exempelkommun");
    assert_eq!(data.values.len(), 2);
    // The partner's enheter are not Kolada units.
    assert!(data.ou_units().is_empty());
}

#[test]
fn kolada_web_download_with_titles_and_names() {
    // As Kolada's web table download: the KPI's title, the area's name, the year as text.
    let csv = "Nyckeltal;Kommun/Landsting;År;Kön;Visat Värde\n\
        KPB - Kostnad hemtjänst, egen regi, kr/beviljad timme;Stockholm;2012;Totalt;412\n\
        kostnad  hemtjänst äldreomsorg, kr/hemtjänsttagare;Riket;2024;T;..\n\
        Kostnad hemtjänst per påhittad enhet;Stockholm;2024;T;5\n\
        Kostnad hemtjänst äldreomsorg, kr/hemtjänsttagare;Stockholms läns landsting;2024;T;7\n\
        Kommunens köp av insatser till personer med funktionsnedsättning enligt SoL från offentliga utförare, andel (%);Göteborg;2023;T;3,5\n\
        Kostnad hemtjänst äldreomsorg, kr/hemtjänsttagare;Fyrkommunsnätverket;2024;T;250000\n\
        Kostnad hemtjänst äldreomsorg, kr/hemtjänsttagare;Region Stockholm;2024;T;-\n";
    let data = compare::load(&[InputFile { name: "webb.csv".into(), bytes: csv.into() }], b"k");
    assert_eq!(data.files[0].kind, "Koladatabell");
    assert_eq!(
        totals(&data),
        [
            // N04129's title has "(-2024)" in today's catalogue; the older title still matches.
            ("N04129".to_owned(), "1480".to_owned(), 2023, Some(d("3.5"))),
            ("N21006".to_owned(), "0000".to_owned(), 2024, None),
            ("N21006".to_owned(), "0001".to_owned(), 2024, None),
            ("N21006".to_owned(), "G114418".to_owned(), 2024, Some(d("250000"))),
            ("U21003".to_owned(), "0180".to_owned(), 2012, Some(d("412"))),
        ]
    );
    let at = |kind: &str| {
        data.findings
            .iter()
            .filter(|f| f.kind.code() == kind)
            .map(|f| format!("{}: {}", f.pos, f.message()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        at("kolada-okant-nyckeltalsnamn"),
        ["webb.csv, rad 4, kolumn 1 (Nyckeltal): Nyckeltalet \"Kostnad hemtjänst per påhittad enhet\" finns inte i \
          Koladas katalog (äldre och funktionshinder) eller bland KPB-nyckeltalen."]
    );
    assert_eq!(
        at("kolada-okant-omrade"),
        ["webb.csv, rad 5, kolumn 2 (Kommun/Landsting): Kommunen eller gruppen \"Stockholms läns landsting\" finns \
          inte i Koladas lista över kommuner, regioner och kommungrupper."]
    );
    assert_eq!(
        said(&data, "kolada-historiska"),
        ["Filen webb.csv har värden för nyckeltal som Kolada inte längre publicerar: N04129, U21003. \
          KPB-nyckeltalen (U…) finns inte i Kolada sedan 2025. Värdena är historiska."]
    );
    assert!(said(&data, "okant-nyckeltal").is_empty());
    assert_eq!(data.name("G114418"), "Fyrkommunsnätverket (ovägt medel)");
}

#[test]
fn kolada_web_download_wide_with_value_column_named_varde() {
    // The long form with "Värde" and "Kommun"; a wide one with a column per year.
    let long = "Nyckeltal;Kommun;År;Värde\nKostnad hemtjänst äldreomsorg, kr/hemtjänsttagare;Örebro;2024;290 100\n";
    let wide = "Kommun;Nyckeltal;2023;2024\nLinköping;Kostnad hemtjänst äldreomsorg, kr/hemtjänsttagare;281000;..\n";
    let data = compare::load(
        &[
            InputFile { name: "lang.csv".into(), bytes: long.into() },
            InputFile { name: "bred.csv".into(), bytes: wide.into() },
        ],
        b"k",
    );
    assert!(data.findings.is_empty(), "{:?}", data.findings);
    assert_eq!(
        totals(&data),
        [
            ("N21006".to_owned(), "0580".to_owned(), 2023, Some(d("281000"))),
            ("N21006".to_owned(), "0580".to_owned(), 2024, None),
            ("N21006".to_owned(), "1880".to_owned(), 2024, Some(d("290100"))),
        ]
    );
}

const OU_DATA: &str = r#"{"count": 2, "values": [
  {"kpi": "N21496", "ou": "V15E018000301", "period": 2024,
   "values": [{"gender": "T", "count": 1, "status": "", "value": 87}]},
  {"kpi": "N21496", "ou": "V15E148000101", "period": 2024,
   "values": [{"gender": "T", "count": 1, "status": "", "value": 91}]}
], "next_url": null, "previous_url": null}"#;

const OU_LIST: &str = r#"{"count": 1, "values": [
  {"id": "V15E018000301", "municipality": "0180", "title": "Hemtjänst Norrmalm"}
], "next_url": null, "previous_url": null}"#;

#[test]
fn kolada_units_with_the_unit_list() {
    let expected = [
        // Not in the list: no name, no municipality.
        OuUnit { id: "V15E148000101".into(), name: None, municipality: String::new(), kpis: vec!["N21496".into()] },
        OuUnit {
            id: "V15E018000301".into(),
            name: Some("Hemtjänst Norrmalm".into()),
            municipality: "0180".into(),
            kpis: vec!["N21496".into()],
        },
    ];
    let check = |data: &RefData| {
        assert_eq!(data.ou_units(), expected);
        let norrmalm = data.values.iter().find(|v| v.unit.as_deref() == Some("V15E018000301")).unwrap();
        assert_eq!(
            (norrmalm.area.as_str(), norrmalm.unit_name.as_deref(), norrmalm.value),
            ("0180", Some("Hemtjänst Norrmalm"), Some(d("87")))
        );
        let other = data.values.iter().find(|v| v.unit.as_deref() == Some("V15E148000101")).unwrap();
        assert_eq!((other.area.as_str(), other.unit_name.as_deref(), other.value), ("", None, Some(d("91"))));
        // Units are never compared as areas.
        assert!(data.areas().is_empty());
    };
    let data = compare::load(&[json("enheter.json", OU_DATA), json("ou.json", OU_LIST)], b"k");
    assert_eq!(
        data.files.iter().map(|f| (f.kind.as_str(), f.values)).collect::<Vec<_>>(),
        [("Kolada-data (v3)", 2), ("Koladas enhetslista", 1)]
    );
    assert_eq!(
        said(&data, "kolada-enhetsdata"),
        ["Filen enheter.json har värden per organisatorisk enhet (ou), inte per kommun (2 st)."]
    );
    check(&data);
    // The list first, and the list read later.
    check(&compare::load(&[json("ou.json", OU_LIST), json("enheter.json", OU_DATA)], b"k"));
    let mut later = compare::load(&[json("enheter.json", OU_DATA)], b"k");
    let before = later.ou_units();
    assert_eq!(before.iter().find(|u| u.id == "V15E018000301").unwrap().name, None);
    later.merge(compare::load(&[json("ou.json", OU_LIST)], b"k"));
    check(&later);
}

//! Comparison with others and over time, through the real readers: Kolada answers in the v2 and
//! v3 shapes, Kolada's municipality list, a broken file, quality results, a network file written
//! and read back; the comparison's mean, rank, quartile and potential; trends and the swing.

use kpb::compare::{self, CompareSettings, Gender, NoPotential, ReferenceChoice, YearFigures};
use kpb::{ImportSettings, InputFile, Settings, compute, load};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

mod common;
use common::{example, file};

const KOLADA: &str = "tests/e2e/data/kolada";

#[test]
fn kolada_v2_and_v3_answers_and_the_municipality_list() {
    let data = compare::load(
        &[
            file(KOLADA, "kolada-v2-hemtjanst.json"),
            file(KOLADA, "kolada-v3-sarskilt-boende.json"),
            file(KOLADA, "kolada-kommuner.json"),
        ],
        b"k",
    );
    let kinds: Vec<&str> = data.files.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, vec!["Kolada-data (v2)", "Kolada-data (v3)", "Koladas kommunlista"]);
    assert_eq!(data.name("1880"), "Örebro");
    let stockholm_2025: Vec<_> =
        data.values.iter().filter(|v| v.kpi == "U21003" && v.area == "0180" && v.period == 2025).collect();
    assert_eq!(stockholm_2025.len(), 3, "T, K and M");
    assert_eq!(stockholm_2025.iter().find(|v| v.gender == Gender::T).unwrap().value, Some(d("521.3")));
    let malmo = data.values.iter().find(|v| v.area == "1280" && v.period == 2025).unwrap();
    assert_eq!((malmo.value, malmo.status.as_deref()), (None, Some("Saknas")));
    let sabo = data.values.iter().find(|v| v.kpi == "U23004" && v.area == "1381" && v.period == 2025).unwrap();
    assert_eq!(sabo.value, Some(d("1890")));
    // The unknown KPI is named once.
    let unknown: Vec<_> = data.findings.iter().filter(|f| f.kind.code() == "okant-nyckeltal").collect();
    assert_eq!(unknown.len(), 1);
    assert!(unknown[0].message().contains("U99998"));
}

#[test]
fn a_broken_file_says_where() {
    let data = compare::load(&[file(KOLADA, "kolada-trasig.json")], b"k");
    let f = &data.findings[0];
    assert_eq!(f.kind.code(), "trasig-json");
    assert_eq!(f.pos.line, Some(3));
    assert!(f.message().starts_with("Filen kolada-trasig.json är inte giltig JSON"), "{}", f.message());
    assert!(data.values.is_empty());
}

#[test]
fn kolada_tables_long_and_wide() {
    let long = "Nyckeltals-ID;Nyckeltal;Kommun-ID;Kommun;År;Kön;Värde\nU21003;Kostnad hemtjänst;0180;Stockholm;2025;T;521,3\nU21003;Kostnad hemtjänst;1880;Örebro;2025;T;498\nU21003;Kostnad hemtjänst;1880;Örebro;2025;X;1\nU21003;Kostnad hemtjänst;;;2025;T;7\nU21003;Kostnad hemtjänst;0180;Stockholm;2024;T;1000000000000000\n";
    let wide = "Kommun;Kommun-ID;Nyckeltals-ID;2023;2024;2025\nKalmar;880;U21003;412,3;420,1;430,9\nMalmö;1280;U21003;466;479,2;..\n";
    let data = compare::load(
        &[
            InputFile { name: "lang.csv".into(), bytes: long.into() },
            InputFile { name: "bred.csv".into(), bytes: wide.into() },
        ],
        b"k",
    );
    assert_eq!(data.files.iter().map(|f| f.values).collect::<Vec<_>>(), vec![2, 6]);
    assert_eq!(data.name("0880"), "Kalmar");
    let kalmar = data.values.iter().find(|v| v.area == "0880" && v.period == 2025).unwrap();
    assert_eq!(kalmar.value, Some(d("430.9")));
    assert_eq!(data.values.iter().find(|v| v.area == "1280" && v.period == 2025).unwrap().value, None);
    let bad: Vec<String> = data
        .findings
        .iter()
        .filter(|f| f.kind.code() == "kolada-felaktig-post")
        .map(|f| format!("{}: {}", f.pos, f.message()))
        .collect();
    assert_eq!(bad, ["lang.csv, rad 4: Okänt kön \"X\".", "lang.csv, rad 5: Raden saknar kommun."]);
    let huge = data.findings.iter().find(|f| f.kind.code() == "inte-ett-tal").unwrap();
    assert_eq!(
        format!("{}: {}", huge.pos, huge.message()),
        "lang.csv, rad 6, kolumn 7: \"1000000000000000\" är orimligt stort."
    );
}

#[test]
fn kolada_table_as_excel_workbook() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Nyckeltal från Kolada").unwrap();
    for (col, head) in ["Kommun", "Kommun-ID", "Nyckeltals-ID", "2024", "2025"].iter().enumerate() {
        sheet.write_string(2, col as u16, *head).unwrap();
    }
    sheet.write_string(3, 0, "Kalmar").unwrap();
    sheet.write_string(3, 1, "0880").unwrap();
    sheet.write_string(3, 2, "U23004").unwrap();
    sheet.write_number(3, 3, 2050.5).unwrap();
    sheet.write_number(3, 4, 2105).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let data = compare::load(&[InputFile { name: "kolada.xlsx".into(), bytes }], b"k");
    // U23004 is a historical KPB KPI: said, and read.
    let kinds: Vec<&str> = data.findings.iter().map(|f| f.kind.code()).collect();
    assert_eq!(kinds, ["kolada-historiska"], "{:?}", data.findings);
    let mut got: Vec<(i32, Option<Decimal>)> = data.values.iter().map(|v| (v.period, v.value)).collect();
    got.sort();
    assert_eq!(got, vec![(2024, Some(d("2050.5"))), (2025, Some(d("2105")))]);
    assert!(data.values.iter().all(|v| v.area == "0880" && v.kpi == "U23004" && v.gender == Gender::T));
    assert_eq!(data.name("0880"), "Kalmar");
}

#[test]
fn comparison_mean_rank_quartile_and_potential() {
    let report = example();
    let data = compare::load(&[file(KOLADA, "kolada-v2-hemtjanst.json"), file(KOLADA, "kolada-kommuner.json")], b"k");
    let settings =
        CompareSettings { own_id: "9999".into(), own_name: "Exempelkommun".into(), ..CompareSettings::default() };
    let rows = compare::kpis(&report, &data, &settings);
    let h = rows.iter().find(|r| r.id == "U21003").unwrap();
    let own = h.own.unwrap();
    // Stockholm 521,3, Örebro 498,0, Laholm 455,4, Kalmar 430,9; Malmö missing; the group is shown, not counted.
    assert_eq!(h.mean, Some(d("476.4")));
    assert_eq!(h.lowest, Some(("Kalmar".into(), d("430.9"))));
    assert_eq!(h.highest, Some(("Stockholm".into(), d("521.3"))));
    assert!(own > d("455.4") && own < d("498"), "{own}");
    assert_eq!(h.rank, Some((3, 5)));
    // The middle of five: mid-rank 2,5 of 5 is the upper end of the second quarter.
    assert_eq!(h.quartile, Some(2));
    assert!(h.others.iter().any(|o| o.group && o.value == Some(d("476.4"))));
    assert!(h.others.iter().any(|o| o.area == "1280" && o.value.is_none()));
    assert_eq!(h.potential, Some((own - d("476.4")) * h.volume));
    assert_eq!((h.excess, &h.no_potential), (Some(own - d("476.4")), &None));
    // The lowest as reference; a published KPB mean also exists for U21003.
    let settings = CompareSettings { reference: ReferenceChoice::Lowest, ..settings };
    let h = compare::kpis(&report, &data, &settings).into_iter().find(|r| r.id == "U21003").unwrap();
    assert_eq!(h.reference.as_ref().map(|r| r.1), Some(d("430.9")));
    assert_eq!(h.potential, Some((own - d("430.9")) * h.volume));
    assert!(h.published.iter().any(|p| p.year == 2016 && p.value == d("472")));
    // Against the published mean of 2016: shown, but no kronor of potential across the years.
    let settings = CompareSettings { reference: ReferenceChoice::Published, ..settings };
    let h = compare::kpis(&report, &data, &settings).into_iter().find(|r| r.id == "U21003").unwrap();
    assert_eq!(h.reference.as_ref().map(|r| r.1), Some(d("472")));
    assert_eq!(h.potential, None);
    let why = h.no_potential.as_ref().unwrap();
    assert!(matches!(why, NoPotential::OtherYear { year: 2025, .. }), "{why:?}");
    assert!(why.to_string().ends_with("det är i löpande priser från ett annat år än 2025."), "{why}");
    // A report of 2015 is measured against the published mean of 2015, not the newest.
    let files: Vec<InputFile> =
        ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv", "platser.csv", "befolkning.csv"]
            .iter()
            .map(|n| file("public/exempel", n))
            .collect();
    let of_2015 =
        compute(&load(&files, &ImportSettings::default()), &Settings { year: Some(2015), ..Settings::default() });
    let h = compare::kpis(&of_2015, &data, &settings).into_iter().find(|r| r.id == "U21003").unwrap();
    assert_eq!(h.reference.as_ref().map(|r| (r.0.as_str(), r.1)), Some(("medel kpb-kommunerna 2015", d("461"))));
}

#[test]
fn the_network_file_round_trips_and_hides_small_groups() {
    let report = example();
    let text = compare::network::write(&report, ("9999", "Exempelkommun"), "Validerad", 5);
    assert!(!text.contains("\"clients\": ["), "no client rows");
    let data = compare::load(&[InputFile { name: "exempelkommun.json".into(), bytes: text.into_bytes() }], b"k");
    assert_eq!(data.files[0].kind, "Nätverksfil från Exempelkommun");
    assert_eq!(data.name("9999"), "Exempelkommun");
    let own = report.nyckeltal.iter().find(|n| n.id == "U21003").unwrap().value.unwrap();
    let shared = data.values.iter().find(|v| v.kpi == "U21003" && v.unit.is_none()).unwrap();
    assert_eq!(shared.value, Some(own.round_dp(2)));
    let norr = data.values.iter().find(|v| v.kpi == "U21003" && v.unit.as_deref() == Some("HT-NORR")).unwrap();
    assert_eq!(norr.unit_name.as_deref(), Some("Hemtjänst Norr"));
    assert_eq!(data.deciles["9999"].len(), 10);
    // The method's U-ids and Kolada's N-ids in `values`, the tool's own in `kpb_values`.
    let text = compare::network::write(&report, ("9999", "Exempelkommun"), "Validerad", 5);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ids = |key: &str| {
        json[key].as_array().unwrap().iter().map(|v| v["kpi"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert!(ids("values").iter().all(|id| id.starts_with('U') || id.starts_with('N')), "{:?}", ids("values"));
    assert!(ids("values").iter().any(|id| id == "N21006") && ids("values").iter().any(|id| id == "U21003"));
    assert!(!ids("kpb_values").is_empty() && ids("kpb_values").iter().all(|id| id.starts_with("KPB-")));
    assert!(data.values.iter().any(|v| v.kpi == "KPB-BRUKARE"), "kpb_values read back");
    // A share resting on few clients is suppressed like the costs of the same clients: the
    // example has 4 clients with personlig assistans LSS.
    let palss = report.insatser.iter().find(|i| i.insats == kpb::Insats::PersonligAssistansLss).unwrap().clients;
    assert!(palss < 5, "{palss}");
    let value_of =
        |id: &str| json["values"].as_array().unwrap().iter().find(|v| v["kpi"] == id).map(|v| v["values"][0].clone());
    assert_eq!(value_of("U28055").unwrap()["status"], "för få brukare");
    assert!(value_of("U28055").unwrap()["value"].is_null());
    // An egen-regi figure rests on the egen-regi clients only: with a minimum between their
    // number and that of all hemtjänst clients, U21003 is not written.
    let with_line = |regi: Option<kpb::Regi>| {
        report
            .clients
            .iter()
            .filter(|c| c.lines.iter().any(|l| l.insats == kpb::Insats::Hemtjanst && regi.is_none_or(|r| l.regi == r)))
            .count() as u32
    };
    let (egen, all) = (with_line(Some(kpb::Regi::Egen)), with_line(None));
    assert!(egen < all, "{egen} {all}");
    let strict: serde_json::Value =
        serde_json::from_str(&compare::network::write(&report, ("9999", "Exempelkommun"), "Validerad", egen + 1))
            .unwrap();
    let u21003 = strict["values"].as_array().unwrap().iter().find(|v| v["kpi"] == "U21003").unwrap();
    assert_eq!(u21003["values"][0]["status"], "för få brukare");
    // "The dearest x %" only where x % of the clients are at least the minimum.
    // The example has over 500 clients, so even its dearest 1 % are at least 5: every point is
    // written.
    let clients = report.distribution.clients;
    assert!(clients >= 500, "{clients}");
    let top: Vec<f64> =
        json["distribution"]["top"].as_array().unwrap().iter().map(|p| p[0].as_f64().unwrap()).collect();
    assert_eq!(top, [1.0, 5.0, 10.0, 20.0, 50.0]);
    // With a minimum of 10, the dearest 1 % (fewer than 10 of fewer than 1 000) is not.
    assert!(clients < 1_000, "{clients}");
    let ten: serde_json::Value =
        serde_json::from_str(&compare::network::write(&report, ("9999", "Exempelkommun"), "Validerad", 10)).unwrap();
    let top: Vec<f64> = ten["distribution"]["top"].as_array().unwrap().iter().map(|p| p[0].as_f64().unwrap()).collect();
    assert_eq!(top, [5.0, 10.0, 20.0, 50.0]);
    // With a minimum larger than any group, nothing is shown.
    let text = compare::network::write(&report, ("9999", "Exempelkommun"), "Validerad", 100_000);
    let data = compare::load(&[InputFile { name: "x.json".into(), bytes: text.into_bytes() }], b"k");
    assert!(data.values.iter().any(|v| v.kpi == "U21003"), "the figures are listed, without values");
    assert!(data.values.iter().all(|v| v.value.is_none() && v.status.as_deref() == Some("för få brukare")));
    assert!(data.deciles.is_empty());
}

#[test]
fn trends_and_the_unit_that_swings() {
    let report = example();
    let now = YearFigures::of(&report);
    let mut before = now.clone();
    before.year = 2024;
    // A year earlier every unit cost 5 % less, except one that cost 30 % less.
    for (i, u) in before.units.iter_mut().enumerate() {
        u.3 *= if i == 2 { d("0.7") } else { d("0.95") };
    }
    for n in before.nyckeltal.iter_mut() {
        n.3 = n.3.map(|v| v * d("0.95"));
    }
    let data = compare::load(&[file(KOLADA, "kolada-v2-hemtjanst.json")], b"k");
    let settings =
        CompareSettings { own_id: "9999".into(), own_name: "Exempelkommun".into(), ..CompareSettings::default() };
    let trends = compare::trends(&[now.clone(), before.clone()], &data, &settings);
    assert_eq!(trends.years, vec![2024, 2025]);
    let h = trends.nyckeltal.iter().find(|t| t.id == "U21003").unwrap();
    assert_eq!(h.own.points.len(), 2);
    assert_eq!(h.own.points[1].1, now.nyckeltal.iter().find(|n| n.0 == "U21003").unwrap().3.unwrap());
    // Every figure 5 % lower the year before: a change of 1 ÷ 0,95 − 1, in % (shares in procentenheter).
    let Some(compare::Change::Percent(up)) = h.change() else { panic!("{:?}", h.change()) };
    assert!((up - (d("1") / d("0.95") - d("1")) * d("100")).abs() < d("0.000001"), "{up}");
    let share = trends
        .nyckeltal
        .iter()
        .find(|t| t.unit == kpb::report::FigureUnit::Procent && t.own.points.len() == 2)
        .unwrap();
    let points = share.own.points[1].1 - share.own.points[0].1;
    assert_eq!(share.change(), Some(compare::Change::Points(points)));
    // Named by the shipped municipality list, without a list file.
    let stockholm = h.others.iter().find(|s| s.label == "Stockholm").unwrap();
    assert_eq!(stockholm.points, vec![(2023, d("498.2")), (2024, d("510.6")), (2025, d("521.3"))]);
    let swinger = &trends.units[trends.swinger.unwrap()];
    assert_eq!((swinger.insats, swinger.enhet.clone()), (before.units[2].0, before.units[2].1.clone()));
    let change = swinger.swing.unwrap().2;
    assert!((change - (d("1") / d("0.7") - d("1")) * d("100")).abs() < d("0.000001"), "{change}");
}

#[test]
fn quality_beside_cost_per_unit() {
    let report = example();
    let data = compare::load(&[file(KOLADA, "kvalitet.csv")], b"k");
    assert_eq!(data.quality.len(), 8);
    let compare::QualityMatch { points, unmatched, other_years, ambiguous, ou_without_values } =
        compare::quality_points(&report, &data, &CompareSettings::default());
    assert!(ou_without_values.is_empty());
    assert!(ambiguous.is_empty());
    assert_eq!(points.len(), 7);
    assert_eq!(unmatched, vec!["Okänd enhet".to_string()]);
    assert!(other_years.is_empty());
    let older = compare::load(
        &[InputFile { name: "k.csv".into(), bytes: "Enhet;Mått;Värde;År\nHT-NORR;Nöjdhet;90;2024\n".into() }],
        b"k",
    );
    let m = compare::quality_points(&report, &older, &CompareSettings::default());
    assert_eq!((m.points.len(), m.other_years), (0, vec![2024]));
    // PA-ENHET has two insatser (personlig assistans SFB and LSS): without an Insats column the
    // result goes to both, and that is said; with it, to the one named. (GB-SVALAN's
    // servicebostad has volume but no cost, a data error planted in the example: it has no unit
    // cost to pair a result with.)
    let pa = report.units.iter().find(|u| u.enhet == "PA-ENHET").unwrap().enhet_name.clone();
    let both = compare::load(
        &[InputFile { name: "k.csv".into(), bytes: "Enhet;Mått;Värde\nPA-ENHET;Nöjdhet;90\n".into() }],
        b"k",
    );
    let m = compare::quality_points(&report, &both, &CompareSettings::default());
    assert_eq!(m.points.len(), 2);
    assert_eq!(m.ambiguous, [pa.clone()]);
    let svalan = compare::load(
        &[InputFile { name: "k.csv".into(), bytes: "Enhet;Mått;Värde\nGB-SVALAN;Nöjdhet;90\n".into() }],
        b"k",
    );
    let m = compare::quality_points(&report, &svalan, &CompareSettings::default());
    assert_eq!((m.points.len(), m.ambiguous.len()), (1, 0));
    let lss = kpb::Insats::PersonligAssistansLss.name();
    let one = compare::load(&[InputFile {
        name: "k.csv".into(),
        bytes: format!("Enhet;Insats;Mått;Värde\nPA-ENHET;{lss};Nöjdhet;90\nGB-SVALAN;Simskola;Nöjdhet;80\nHT-NORR;Gruppbostad LSS;Nöjdhet;70\n").into(),
    }], b"k");
    let m = compare::quality_points(&report, &one, &CompareSettings::default());
    assert_eq!(
        m.points.iter().filter(|p| p.quality == d("90")).map(|p| p.insats).collect::<Vec<_>>(),
        [kpb::Insats::PersonligAssistansLss]
    );
    assert!(m.ambiguous.iter().all(|a| *a == pa));
    assert_eq!(one.findings[0].message(), "Insatsen \"Simskola\" känns inte igen.");
    assert_eq!(m.unmatched, ["HT-NORR (gruppbostad LSS, vuxna)"]);
    let norr = points.iter().find(|p| p.enhet == "HT-NORR").unwrap();
    assert_eq!(norr.quality, d("91"));
    assert_eq!(Some(norr.cost), report.units.iter().find(|u| u.enhet == "HT-NORR").unwrap().unit_cost);

    let gaps = compare::load(
        &[InputFile {
            name: "k.csv".into(),
            bytes: "Enhet;Mått;Värde\nHT-NORR;Nöjdhet;\n;Nöjdhet;80\nHT-SODER;Nöjdhet;nittio\n".into(),
        }],
        b"k",
    );
    let messages: Vec<String> = gaps.findings.iter().map(|f| format!("{}: {}", f.pos, f.message())).collect();
    assert_eq!(
        messages,
        [
            "k.csv, rad 2: Raden saknar värde.",
            "k.csv, rad 3: Raden saknar enhet.",
            "k.csv, rad 4, kolumn 3: \"nittio\" är inte ett tal."
        ]
    );
    assert!(gaps.quality.is_empty());
}

fn answer(records: &str) -> Vec<u8> {
    format!(r#"{{"count": 1, "values": [{records}]}}"#).into_bytes()
}

fn record(kpi: &str, area: &str, year: i32, gender: &str, value: &str) -> String {
    format!(
        r#"{{"kpi": "{kpi}", "municipality": "{area}", "period": {year}, "values": [{{"gender": "{gender}", "count": 1, "status": "", "value": {value}}}]}}"#
    )
}

#[test]
fn nothing_is_counted_twice_or_mixed_up() {
    let report = example();
    let a = InputFile {
        name: "kolada.json".into(),
        bytes: answer(
            &[record("U21003", "0180", 2025, "T", "521.3"), record("U21003", "0000", 2025, "T", "470")].join(","),
        ),
    };
    // Kolada names every answer alike: another file of the same name is kept beside the first.
    let b = InputFile {
        name: "kolada.json".into(),
        bytes: answer(
            &[record("U21003", "0180", 2025, "T", "530"), record("U21003", "1880", 2025, "T", "498")].join(","),
        ),
    };
    let mut data = compare::load(std::slice::from_ref(&a), b"k");
    data.merge(compare::load(&[b], b"k"));
    assert_eq!(data.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["kolada.json", "kolada (2).json"]);
    // Stockholm twice with different values: the first is used, and that is said.
    let stockholm: Vec<_> = data.values.iter().filter(|v| v.area == "0180").collect();
    assert_eq!(stockholm.len(), 1);
    assert_eq!(stockholm[0].value, Some(d("521.3")));
    let twice = data.findings.iter().find(|f| f.kind.code() == "kolada-dubbelt-varde").expect("said");
    assert_eq!(
        twice.message(),
        "U21003 för Stockholm 2025 finns två gånger med olika värden: 521,3 i kolada.json och 530 i kolada (2).json."
    );
    // The same file again replaces its first reading.
    data.merge(compare::load(&[a], b"k"));
    assert_eq!(data.files.len(), 2);
    assert_eq!(data.values.iter().filter(|v| v.area == "0180").count(), 1);
    // Riket is shown beside the municipalities, not counted among them.
    let settings = CompareSettings { own_id: "9999".into(), ..CompareSettings::default() };
    let h = compare::kpis(&report, &data, &settings).into_iter().find(|r| r.id == "U21003").unwrap();
    assert_eq!(h.mean, Some((d("521.3") + d("498")) / d("2")));
    assert!(h.others.iter().any(|o| o.area == "0000" && o.group));
    assert_eq!(h.rank.map(|r| r.1), Some(3));
    // Unticking an area leaves it out; an area of a newly read file is in.
    let settings = CompareSettings { excluded: vec!["1880".into()], ..settings };
    let h = compare::kpis(&report, &data, &settings).into_iter().find(|r| r.id == "U21003").unwrap();
    assert_eq!(h.mean, Some(d("521.3")));
}

#[test]
fn gendered_only_unit_level_and_absurd_values_are_said() {
    let only_k = InputFile {
        name: "kon.json".into(),
        bytes: answer(
            &[record("U21003", "0180", 2025, "K", "530"), record("U21003", "0180", 2025, "M", "510")].join(","),
        ),
    };
    let ou = InputFile { name: "enheter.json".into(), bytes: br#"{"values": [{"kpi": "U21003", "ou": "V15E018000101", "period": 2025, "values": [{"gender": "T", "value": 300}]}]}"#.to_vec() };
    let huge = InputFile { name: "stor.json".into(), bytes: answer(&record("U21003", "0180", 2025, "T", "1e20")) };
    let data = compare::load(&[only_k, ou, huge], b"k");
    let said =
        |kind: &str| data.findings.iter().filter(|f| f.kind.code() == kind).map(|f| f.message()).collect::<Vec<_>>();
    assert_eq!(
        said("kolada-bara-kon"),
        ["Filen kon.json har bara värden för kvinnor och män (K, M) för U21003, inga för totalt (T)."]
    );
    assert_eq!(
        said("kolada-enhetsdata"),
        ["Filen enheter.json har värden per organisatorisk enhet (ou), inte per kommun (1 st)."]
    );
    assert_eq!(said("kolada-felaktig-post"), ["stor.json: post 1 (U21003, 0180, 2025) har ett orimligt stort värde."]);
    // The unit's value is read as a unit's (see kolada_v3_pages_units_and_groups) and the absurd
    // one is not read: the areas have only K and M.
    let areas: Vec<(Gender, Option<Decimal>)> =
        data.values.iter().filter(|v| v.unit.is_none()).map(|v| (v.gender, v.value)).collect();
    assert_eq!(areas, [(Gender::K, Some(d("530"))), (Gender::M, Some(d("510")))], "{:?}", data.values);
}

#[test]
fn figures_of_boenden_with_places_rest_on_their_clients() {
    // Places for one boende only: U23006 rests on its clients, not on all of särskilt boende.
    let mut files: Vec<InputFile> = ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv", "befolkning.csv"]
        .iter()
        .map(|n| file("public/exempel", n))
        .collect();
    files.push(InputFile { name: "platser.csv".into(), bytes: "Enhet;Platser\nSB-EKEN;24\n".into() });
    let report = compute(&load(&files, &ImportSettings::default()), &Settings::default());
    let at_eken = report
        .clients
        .iter()
        .filter(|c| {
            c.lines
                .iter()
                .any(|l| l.insats == kpb::Insats::SarskiltBoende && l.regi == kpb::Regi::Egen && &*l.enhet == "SB-EKEN")
        })
        .count() as u32;
    let all = report.insatser.iter().find(|i| i.insats == kpb::Insats::SarskiltBoende).unwrap().clients;
    assert!(at_eken < all, "{at_eken} {all}");
    assert_eq!(report.nyckeltal.iter().find(|n| n.id == "U23006").unwrap().clients, Some(at_eken));
    let json: serde_json::Value =
        serde_json::from_str(&compare::network::write(&report, ("9999", "Exempelkommun"), "Validerad", at_eken + 1))
            .unwrap();
    for id in ["U23006", "U23801", "U23802"] {
        let v = json["values"].as_array().unwrap().iter().find(|v| v["kpi"] == id).unwrap();
        assert_eq!(v["values"][0]["status"], "för få brukare", "{id}");
    }
}

/// Kolada's N-KPIs: the own value computed from the own files beside Kolada's value for the own
/// municipality, the others' rank and mean, and the potential per person.
#[test]
fn kolada_n_kpis_beside_kolada_own_value() {
    let report = example();
    let own = report.nyckeltal.iter().find(|n| n.id == "N21006").unwrap();
    let (value, persons) = (own.value.unwrap(), own.denominator);
    let answer = r#"{"count": 5, "values": [
        {"kpi": "N21006", "municipality": "9999", "period": 2025, "values": [{"gender": "T", "count": 1, "status": "", "value": 150000}]},
        {"kpi": "N21006", "municipality": "0180", "period": 2025, "values": [{"gender": "T", "count": 1, "status": "", "value": 120000}]},
        {"kpi": "N21006", "municipality": "1480", "period": 2025, "values": [{"gender": "T", "count": 1, "status": "", "value": 100000}]},
        {"kpi": "N21006", "municipality": "1280", "period": 2025, "values": [{"gender": "T", "count": 1, "status": "", "value": 200000}]},
        {"kpi": "N21006", "municipality": "G92792", "period": 2025, "values": [{"gender": "T", "count": 1, "status": "", "value": 90000}]}
    ], "next_url": null, "previous_url": null}"#;
    let data = compare::load(&[InputFile { name: "kolada.json".into(), bytes: answer.as_bytes().to_vec() }], b"k");
    let settings = CompareSettings { own_id: "9999".into(), own_name: "Exempelkommun".into(), ..Default::default() };
    let rows = compare::kpis(&report, &data, &settings);
    // Kolada's figures come first.
    assert_eq!(rows[0].id, "N21006");
    let row = &rows[0];
    assert_eq!(row.basis, kpb::report::Basis::Kolada);
    let k = row.in_kolada.as_ref().expect("Kolada's own value");
    assert_eq!(k.value, Some(d("150000")));
    assert_eq!(k.difference, Some(value - d("150000")));
    assert_eq!(k.percent, Some((value - d("150000")) * d("100") / d("150000")));
    // The group is shown, not counted; the own is not among the others.
    assert_eq!(row.others.len(), 4);
    assert!(row.others.iter().all(|o| o.area != "9999"));
    let mean = (d("120000") + d("100000") + d("200000")) / d("3");
    assert_eq!(row.mean, Some(mean));
    let below = [d("120000"), d("100000"), d("200000")].iter().filter(|v| **v < value).count() as u32;
    assert_eq!(row.rank, Some((below + 1, 4)));
    // The KPB figure beside it, with its own value.
    let kpb = row.kpb.as_ref().expect("U21003 beside");
    assert_eq!(kpb.id, "U21003");
    assert_eq!(kpb.value, report.nyckeltal.iter().find(|n| n.id == "U21003").unwrap().value);
    // Potential per person: (own − mean) × the own median number of hemtjänsttagare.
    assert_eq!(row.potential, Some((value - mean).max(Decimal::ZERO) * persons));
}

/// The pseudonyms in a text: "P" and ten of the pseudonyms' letters and digits, a digit among them.
fn pseudonyms(text: &str) -> Vec<&str> {
    const ALPHABET: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| {
            t.len() == 11
                && t.starts_with('P')
                && t[1..].chars().all(|c| ALPHABET.contains(c))
                && t.chars().any(|c| c.is_ascii_digit())
        })
        .collect()
}

/// Every text of comparison data a view may show, digests left out (a number of twenty digits).
fn shown_texts(data: &compare::RefData) -> String {
    let mut data = data.clone();
    for f in &mut data.files {
        f.digest = 0;
    }
    serde_json::to_string(&data).unwrap()
}

#[test]
fn personnummer_in_comparison_files_are_masked_and_kolada_ids_are_not() {
    // Kolada's own answers and lists, the example's comparison files: nothing changes (no id of
    // a municipality, unit or KPI is taken for a personnummer).
    let dir = "public/exempel/jamforelse";
    let mut files: Vec<InputFile> = std::fs::read_dir(format!("{}/../../{dir}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains('.'))
        .map(|n| file(dir, &n))
        .collect();
    files.extend(
        ["kolada-kommuner.json", "kolada-v3-n-sida1.json", "kolada-v3-sarskilt-boende.json", "kvalitet.csv"]
            .iter()
            .map(|n| file(KOLADA, n)),
    );
    let data = compare::load(&files, b"k");
    let shown = shown_texts(&data);
    assert!(!kpb::pseudonym::contains_personnummer(&shown));
    assert!(data.values.len() > 100 && data.ous.len() > 3, "{} values, {} units", data.values.len(), data.ous.len());
    assert_eq!(pseudonyms(&shown), Vec::<&str>::new());
    // A quality file from a sole trader (its organisationsnummer is a personnummer), in its
    // name, as its enhet and in a broken line; and a file of no known kind with one in its name.
    let quality = "Enhet;Mått;Värde;År\n19400230-1234;Andel nöjda med hemtjänsten, %;50;2025\nHT-NORR;Andel nöjda 400230-1234;x;2025\n";
    let data = compare::load(
        &[
            InputFile { name: "kvalitet 19400230-1234.csv".into(), bytes: quality.into() },
            InputFile { name: "okänd 194002301234.csv".into(), bytes: "A;B\n1;2\n".into() },
        ],
        b"k",
    );
    let shown = shown_texts(&data);
    assert!(!kpb::pseudonym::contains_personnummer(&shown), "{shown}");
    assert_eq!(data.quality.len(), 1);
    assert_eq!(pseudonyms(&data.quality[0].enhet).len(), 1, "{}", data.quality[0].enhet);
    assert_eq!(data.files.len(), 1);
    assert!(data.files[0].name.starts_with("kvalitet P"), "{}", data.files[0].name);
    assert!(!data.findings.is_empty());
}

//! Tests in headless Chromium: the engine compiled to wasm gives the exact figures it gives
//! natively, and the components render them in Swedish formats.

use kpb::{ImportSettings, InputFile, Settings};
use leptos::prelude::*;
use rust_decimal::Decimal;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn file(name: &str, text: &str) -> InputFile {
    InputFile { name: name.into(), bytes: text.as_bytes().to_vec() }
}

/// Reads files as the worker does (workbooks through the workbook module; these tests have none).
fn load(files: &[InputFile], import: &ImportSettings) -> kpb::Dataset {
    kpb::import::load_with(files, import, &kpb_app::xlsx::read_workbook, &mut |_| {})
}

fn halmstad() -> kpb::Report {
    let files = [
        file("kostnader.csv", include_str!("../crates/kpb/tests/data/halmstad/kostnader.csv")),
        file("brukare.csv", include_str!("../crates/kpb/tests/data/halmstad/brukare.csv")),
        file("mappning.csv", include_str!("../crates/kpb/tests/data/halmstad/mappning.csv")),
        file("konton.csv", include_str!("../crates/kpb/tests/data/halmstad/konton.csv")),
    ];
    kpb::compute(&load(&files, &ImportSettings::default()), &Settings::default())
}

#[wasm_bindgen_test]
fn engine_in_wasm_gives_the_exact_halmstad_figures() {
    let report = halmstad();
    let net = report.nyckeltal.iter().find(|n| n.id == "U25005").unwrap();
    let unit = |code: &str| net.by_enhet.iter().find(|e| e.enhet == code).unwrap().value.unwrap();
    assert_eq!(unit("Enhet 1"), Decimal::from(54_873) / Decimal::from(3_665));
    assert_eq!(unit("Enhet 2"), Decimal::from(787_940) / Decimal::from(2_815));
    assert_eq!(report.reconciliation.difference, Decimal::ZERO);
}

#[wasm_bindgen_test]
async fn bar_chart_is_labelled_accessible_and_has_a_table_view() {
    use kpb_app::charts::{Bar, BarChart, Unit};
    let files = [
        file("k.csv", "Ansvar;Konto;Belopp;Insats\n4110;5011;1 234 567,80;Hemtjänst\n4120;5011;600 000;Hemtjänst\n"),
        file("b.csv", "Brukare;Insats;Enhet;Beviljad tid\nA;Hemtjänst;4110;2000\nB;Hemtjänst;4120;1000,5\n"),
    ];
    let report = Arc::new(kpb::compute(&load(&files, &ImportSettings::default()), &Settings::default()));
    let figure = report.nyckeltal.iter().find(|n| n.id == "U21003").unwrap().clone();
    let bars: Vec<Bar> = figure
        .by_enhet
        .iter()
        .map(|e| Bar { label: e.enhet_name.clone(), value: e.value.unwrap(), emphasis: false, note: None })
        .collect();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let level = figure.value.unwrap();
    let _handle = leptos::mount::mount_to(root.clone().unchecked_into(), move || {
        view! {
            <BarChart
                id="test".to_owned()
                title="Hemtjänst per enhet".to_owned()
                description="Två enheter.".to_owned()
                unit=Unit::Kr
                value_label="Kr per timme".to_owned()
                bars=bars.clone()
                reference=Some(("Kommunen".to_owned(), level))
            />
        }
    });
    leptos::task::tick().await;
    let svg = root.query_selector("svg").unwrap().unwrap();
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(svg.get_attribute("aria-labelledby").as_deref(), Some("test-titel test-beskrivning"));
    assert_eq!(
        root.query_selector("svg title").unwrap().unwrap().text_content().as_deref(),
        Some("Hemtjänst per enhet")
    );
    assert_eq!(root.query_selector_all("svg rect").unwrap().length(), 3, "a background and two bars");
    let text = root.text_content().unwrap();
    // 1 234 567,80 kr / 2 000 h = 617,28 → "617 kr"; the whole: 1 834 567,80 / 3 000,5 = 611,42 → "611".
    assert!(text.contains("617\u{a0}kr") || text.contains("617 kr"), "{text}");
    assert!(text.contains("Kommunen: 611"), "{text}");
    assert!(text.contains("Visa som tabell"), "{text}");
    // The table view is made when it is opened (its `toggle` event comes as a task of its own).
    assert_eq!(root.query_selector_all("details table").unwrap().length(), 0, "built only once opened");
    let details: web_sys::HtmlDetailsElement = root.query_selector("details").unwrap().unwrap().unchecked_into();
    details.set_open(true);
    next_task().await;
    let rows = root.query_selector_all("details table tbody tr").unwrap().length();
    assert_eq!(rows, 3, "two enheter and the reference");
}

/// The next task: an event the browser queues (a `<details>`' `toggle`) has been handled.
async fn next_task() {
    let next = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(next).await.unwrap();
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn a_charts_table_opened_stays_open_with_the_new_data_when_the_chart_is_drawn_anew() {
    use kpb_app::charts::{Bar, BarChart, Unit};
    let bar = |label: &str, kr: i64| Bar { label: label.into(), value: Decimal::from(kr), emphasis: false, note: None };
    let data = RwSignal::new(vec![bar("Norr", 500)]);
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let _handle = leptos::mount::mount_to(root.clone().unchecked_into(), move || {
        move || {
            view! {
                <BarChart
                    id="igen".to_owned()
                    title="Igen".to_owned()
                    description="".to_owned()
                    unit=Unit::Kr
                    value_label="Kr".to_owned()
                    bars=data.get()
                    reference=None
                />
            }
        }
    });
    leptos::task::tick().await;
    let rows = || root.query_selector_all("details.chart-table table tbody tr").unwrap().length();
    let details =
        || root.query_selector("details.chart-table").unwrap().unwrap().unchecked_into::<web_sys::HtmlDetailsElement>();
    details().set_open(true);
    next_task().await;
    assert_eq!(rows(), 1, "opened: its table");
    data.set(vec![bar("Norr", 500), bar("Söder", 600)]);
    next_task().await;
    assert!(details().open(), "still open");
    assert_eq!(rows(), 2, "with the new data");
    details().set_open(false);
    next_task().await;
    data.set(vec![bar("Norr", 700)]);
    next_task().await;
    assert!(!details().open(), "closed by the user: closed when drawn anew");
}

#[wasm_bindgen_test]
fn axis_ticks_are_round_and_cover_the_data() {
    use kpb_app::charts::ticks;
    let (t, lo, hi) = ticks(0.0, 536.0, 5);
    assert_eq!((lo, hi), (0.0, 600.0));
    assert_eq!(t, vec![0.0, 200.0, 400.0, 600.0]);
    let (_, lo, hi) = ticks(-750.0, 12_000.0, 5);
    assert!(lo <= -750.0 && hi >= 12_000.0);
}

#[wasm_bindgen_test]
fn the_worker_warms_up_on_a_whole_small_municipality() {
    // The files the worker runs once as it starts: every one read, nothing wrong in them, so
    // that the warm-up goes through the whole engine (a file not read would leave its code cold).
    let files = kpb_app::worker::warm_up_files();
    assert_eq!(files.len(), 6);
    let import = ImportSettings { reference_year: 2025, ..ImportSettings::default() };
    let report = kpb::compute(&load(&files, &import), &Settings::default());
    assert!(report.files.iter().all(|f| f.status == kpb::import::FileStatus::Read), "{:?}", report.files);
    assert_eq!(report.finding_count(kpb::finding::Severity::Fel), 0);
    // Its six clients, each copy under its own ids.
    assert_eq!(report.clients.len(), 6 * kpb_app::worker::WARM_UP_COPIES);
    assert!(report.clients.iter().any(|c| c.id == "B100001-0"));
    // Nine digits, read as no personnummer: the id is kept.
    assert!(report.clients.iter().any(|c| c.id == "B100001-123"));
    let mut egen: Vec<&str> =
        report.units.iter().filter(|u| u.regi == kpb::Regi::Egen).map(|u| u.enhet.as_str()).collect();
    egen.sort();
    assert_eq!(egen, ["GB-LARKAN", "HT-NORR", "SB-BJORK"]);
    assert!(report.monthly.is_some(), "the ledger has months: the monthly follow-up is warmed too");
    // To the öre: 2 400 clients share costs in quotients Decimal cuts at 28 digits.
    assert!(report.reconciliation.balances(), "{}", report.reconciliation.difference);
}

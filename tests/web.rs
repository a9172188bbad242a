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

fn halmstad() -> kpb::Report {
    let files = [
        file("kostnader.csv", include_str!("../crates/kpb/tests/data/halmstad/kostnader.csv")),
        file("brukare.csv", include_str!("../crates/kpb/tests/data/halmstad/brukare.csv")),
        file("mappning.csv", include_str!("../crates/kpb/tests/data/halmstad/mappning.csv")),
        file("konton.csv", include_str!("../crates/kpb/tests/data/halmstad/konton.csv")),
    ];
    kpb::compute(&kpb::load(&files, &ImportSettings::default()), &Settings::default())
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
async fn hemtjanst_table_shows_units_and_municipality_in_swedish_format() {
    let files = [
        file("k.csv", "Ansvar;Konto;Belopp;Insats\n4110;5011;1 234 567,80;Hemtjänst\n4120;5011;600 000;Hemtjänst\n"),
        file("b.csv", "Brukare;Insats;Enhet;Beviljad tid\nA;Hemtjänst;4110;2000\nB;Hemtjänst;4120;1000,5\n"),
    ];
    let report = Arc::new(kpb::compute(&kpb::load(&files, &ImportSettings::default()), &Settings::default()));
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let _handle = leptos::mount::mount_to(root.clone().unchecked_into(), move || {
        view! { <kpb_app::app::HemtjanstTable report=report.clone() /> }
    });
    leptos::task::tick().await;
    let text = root.text_content().unwrap();
    // 1 234 567,80 kr / 2 000 h = 617,28 → "617"; the whole: 1 834 567,80 / 3 000,5 = 611,42 → "611".
    assert!(text.contains("1\u{a0}234\u{a0}568"), "{text}");
    assert!(text.contains("617"), "{text}");
    assert!(text.contains("Hela kommunen"), "{text}");
    assert!(text.contains("3\u{a0}000,5"), "{text}");
    assert!(text.contains("611"), "{text}");
    assert!(text.contains("U21003"), "{text}");
}

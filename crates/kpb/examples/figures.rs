//! Prints, as JSON, the figures the app shows for the files in a directory, formatted as the
//! app formats them: what the end-to-end tests compare the rendered page with.
//!
//! `cargo run -p kpb --example figures -- DIR`

use kpb::finding::Severity;
use kpb::{ImportSettings, Settings, compute, format, load};

mod common;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: figures DIR");
    let files = common::read_dir(&dir);
    let report = compute(&load(&files, &ImportSettings::default()), &Settings::default());
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let nyckeltal: Vec<String> = report
        .nyckeltal
        .iter()
        .map(|n| format!("{}:{}", quote(&n.id), n.value.map_or("null".into(), |v| quote(&format::figure(&n.unit, v)))))
        .collect();
    let units: Vec<String> = report
        .units
        .iter()
        .filter(|u| u.regi == kpb::Regi::Egen)
        .filter_map(|u| {
            u.unit_cost.map(|c| {
                format!(
                    "{}:{}",
                    quote(&format!("{} {}", u.insats.code(), u.enhet_name)),
                    quote(&format!("{} kr", format::kr(c)))
                )
            })
        })
        .collect();
    let count = |sev| report.findings.iter().filter(|f| f.severity == sev).map(|f| f.count).sum::<u32>();
    println!(
        "{{\"year\":{},\"nyckeltal\":{{{}}},\"units\":{{{}}},\"difference\":{},\"errors\":{},\"warnings\":{},\"clients\":{}}}",
        report.year,
        nyckeltal.join(","),
        units.join(","),
        quote(&format!("{} kr", format::ore(report.reconciliation.difference))),
        count(Severity::Fel),
        count(Severity::Varning),
        report.client_count
    );
}

//! Any bytes as a reference file (Kolada JSON, Kolada table, network file, quality results),
//! then compared with the example report: no panic, every file accounted for.
#![no_main]

use kpb::compare::{self, CompareSettings};
use kpb::import::InputFile;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn report() -> &'static kpb::Report {
    static REPORT: OnceLock<kpb::Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../public/exempel");
        let files: Vec<InputFile> = ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv"]
            .iter()
            .map(|n| InputFile { name: (*n).into(), bytes: std::fs::read(format!("{dir}/{n}")).unwrap_or_default() })
            .collect();
        kpb::compute(&kpb::load(&files, &Default::default()), &Default::default())
    })
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the name: JSON or a table.
    let (how, rest) = data.split_first().unwrap_or((&0, &[]));
    let name = if how % 2 == 0 { "kolada.json" } else { "tabell.csv" };
    let file = InputFile { name: name.into(), bytes: rest.to_vec() };
    let mut read = compare::load(std::slice::from_ref(&file), b"k");
    assert!(!read.files.is_empty() || !read.findings.is_empty(), "a file is read or said");
    // Read again beside itself: merged, never a panic.
    read.merge(compare::load(&[file], b"k"));
    let settings = CompareSettings { own_id: "9999".into(), ..Default::default() };
    let report = report();
    let _ = compare::compare(report, &read, &settings);
    let _ = compare::quality_points(report, &read, &settings);
    // Every own enhet mapped: to the suggested Kolada unit, else to the first one read.
    let first = read.ou_units().into_iter().next().map(|u| u.id).unwrap_or_default();
    let mut mapped = settings.clone();
    mapped.ou_map = compare::quality_enheter(report).into_iter().map(|(e, _)| (e, first.clone())).collect();
    mapped.ou_map.extend(compare::suggest_ou(report, &read));
    let _ = compare::quality_points(report, &read, &mapped);
    let years = [compare::YearFigures::of(report)];
    let _ = compare::trends(&years, &read, &settings);
});

//! Times import and computation of the files in a directory, natively.
//!
//! `cargo run --release -p kpb --example bench -- DIR [RUNS]` prints one JSON line:
//! the median load and compute times in milliseconds over RUNS runs (default 3), the number of
//! volume rows and clients, and the peak resident memory of the process. With `KPB_CELLS=PATH`,
//! the egen regi cells (insats code, enhet, total kr, volume) and the brukare with cost in egen
//! regi (their number and cost) go to PATH, for `bench/plain.py
//! --check` to hold the competitors' figures against.

use kpb::{ImportSettings, Settings, compute, load};
use std::time::Instant;

mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: bench DIR [RUNS]");
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let files = common::read_dir(&dir);
    let settings = ImportSettings { pseudonym_key: b"bench".to_vec(), reference_year: 2025, ..Default::default() };
    let (mut loads, mut computes) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let data = load(&files, &settings);
        loads.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let report = compute(&data, &Settings::default());
        computes.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some((data.volumes.len(), report.clients.len(), report.reconciliation.difference));
        if let Ok(path) = std::env::var("KPB_CELLS") {
            write_cells(&path, &report);
        }
        drop(report);
        drop(data);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (rows, clients, diff) = last.expect("at least one run");
    let peak_kib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_owned())
        })
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    println!(
        "{{\"load_ms\":{:.1},\"compute_ms\":{:.1},\"volume_rows\":{rows},\"clients\":{clients},\"peak_mib\":{:.0},\"difference\":\"{diff}\"}}",
        median(&mut loads),
        median(&mut computes),
        peak_kib as f64 / 1024.0
    );
}

fn write_cells(path: &str, report: &kpb::Report) {
    use std::fmt::Write;
    let mut out = String::new();
    for u in report.units.iter().filter(|u| u.regi == kpb::Regi::Egen) {
        let _ = writeln!(out, "{}\t{}\t{}\t{}", u.insats.code(), u.enhet, u.total.round_dp(2), u.volume);
    }
    // And the brukare with cost in egen regi, and that cost.
    let costs: Vec<_> = report
        .clients
        .iter()
        .map(|c| c.lines.iter().filter(|l| l.regi == kpb::Regi::Egen).map(|l| l.cost).sum::<rust_decimal::Decimal>())
        .filter(|c| !c.is_zero())
        .collect();
    let _ = writeln!(out, "brukare\t{}\t{}\t", costs.len(), costs.iter().sum::<rust_decimal::Decimal>().round_dp(2));
    std::fs::write(path, out).expect("write the cells");
}

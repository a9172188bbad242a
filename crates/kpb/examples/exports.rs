//! Writes every export of the report on the files in each given directory — each CSV table, the
//! workbook, the network file and the nyckeltal in full — once per allocation key, into OUT/<set>-<key>/.
//!
//! `cargo run -p kpb --example exports -- OUT DIR …`. `scripts/exports-unchanged` runs it on two
//! revisions and compares the files byte for byte: a redesign that changes no figure leaves
//! every export as it was.

use kpb::export::{Meta, Status};
use kpb::settings::AllocationKey;
use kpb::{ImportSettings, Settings, compute, load};

mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().expect("usage: exports OUT DIR …");
    let meta = Meta {
        organisation: "Exempel kommun".into(),
        status: Status::Preliminar,
        created: (2026, 12, 1, 12, 0),
        validation: Default::default(),
    };
    for dir in args {
        let data = load(&common::read_dir(&dir), &ImportSettings::default());
        let keys = [
            ("direkt", AllocationKey::DirectCost),
            ("volym", AllocationKey::Volume),
            ("personal", AllocationKey::PersonnelCost),
        ];
        for (key_name, key) in keys {
            let report = compute(&data, &Settings { key, ..Settings::default() });
            // The last two parts of the path name the set (`data/halmstad`, `facit/…`).
            let parts: Vec<&str> = dir.trim_end_matches('/').rsplit('/').take(2).collect();
            let to = format!("{out}/{}-{}-{key_name}", parts[parts.len() - 1], parts[0]);
            std::fs::create_dir_all(&to).expect("a writable directory");
            let tables = kpb::export::tables(&report, &meta);
            for table in &tables {
                std::fs::write(format!("{to}/{}.csv", table.name), kpb::export::csv(table)).expect("written");
            }
            let book = kpb::export::xlsx(&tables, &meta, report.year).expect("a workbook");
            std::fs::write(format!("{to}/kpb.xlsx"), book).expect("written");
            let network = kpb::compare::network::write(&report, ("9999", "Exempel kommun"), "preliminär", 5);
            std::fs::write(format!("{to}/natverk.json"), network).expect("written");
            // Every field of every nyckeltal, also those no table exports (insatser, clients).
            let nyckeltal = serde_json::to_string_pretty(&report.nyckeltal).expect("serialisable");
            std::fs::write(format!("{to}/nyckeltal.json"), nyckeltal).expect("written");
        }
    }
}

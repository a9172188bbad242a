//! Prints the network file (aggregated results, no client rows) for the files in a directory:
//! what a network partner would send. `cargo run -p kpb --example network -- DIR ID NAME`

use kpb::{ImportSettings, Settings, compute, load};

mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let (dir, id, name) = match (args.next(), args.next(), args.next()) {
        (Some(d), Some(i), Some(n)) => (d, i, n),
        _ => panic!("usage: network DIR ID NAME"),
    };
    let report = compute(&load(&common::read_dir(&dir), &ImportSettings::default()), &Settings::default());
    println!("{}", kpb::compare::network::write(&report, (&id, &name), "Validerad", 5));
}

//! The floor for reading: the csv crate's raw parse of the same files, every field of every
//! record visited, nothing else (`cargo run --release -p kpb --example csv_floor -- DIR [RUNS]`).
//! Prints one JSON line: the median time in milliseconds and the bytes read.

use std::time::Instant;

mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: csv_floor DIR [RUNS]");
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let files = common::read_dir(&dir);
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let mut times = Vec::new();
    let mut fields = 0usize;
    for _ in 0..runs {
        let t = Instant::now();
        fields = 0;
        for f in &files {
            let mut reader = csv::ReaderBuilder::new().delimiter(b';').flexible(true).from_reader(&f.bytes[..]);
            let mut record = csv::ByteRecord::new();
            while reader.read_byte_record(&mut record).expect("a CSV record") {
                fields += record.iter().filter(|f| !f.is_empty()).count();
            }
        }
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!("{{\"ms\":{:.1},\"bytes\":{bytes},\"fields\":{fields}}}", times[times.len() / 2]);
}

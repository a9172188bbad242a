//! Any bytes, as any file name, through the importers and the computation: no panic, and every
//! file is accounted for.
#![no_main]

use kpb::import::{ImportSettings, InputFile, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks how the bytes are offered: alone, or split into two files.
    let (how, rest) = data.split_first().unwrap_or((&0, &[]));
    let files = match how % 3 {
        0 => vec![InputFile { name: "a.csv".into(), bytes: rest.to_vec() }],
        1 => {
            let mid = rest.len() / 2;
            vec![
                InputFile { name: "kostnader.csv".into(), bytes: rest[..mid].to_vec() },
                InputFile { name: "brukare.csv".into(), bytes: rest[mid..].to_vec() },
            ]
        }
        _ => vec![InputFile { name: "b.xlsx".into(), bytes: [b"PK\x03\x04".as_slice(), rest].concat() }],
    };
    let settings = ImportSettings { pseudonym_key: b"fuzz".to_vec(), reference_year: 2025, ..Default::default() };
    let data = load(&files, &settings);
    assert_eq!(data.files.len(), files.len());
    // Every physical line is the header or above it, blank, or a row (or part of one); every
    // row read is used or has a finding.
    for f in data.files.iter().filter(|f| f.status == kpb::import::FileStatus::Read) {
        assert_eq!(f.lines, f.header_line + f.blank + f.rows + f.continued, "{f:?}");
        assert!(f.rows_used <= f.rows && f.rows_flagged >= f.rows - f.rows_used, "{f:?}");
    }
    let report = kpb::compute(&data, &kpb::Settings::default());
    assert_eq!(report.files.len(), files.len());
});

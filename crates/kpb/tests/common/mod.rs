//! What the tests share: files of the repository, and the example data's report.
#![allow(dead_code)] // (each test crate uses some)

use kpb::{ImportSettings, InputFile, Report, Settings, compute, load};

/// A file of the repository, `dir` from its root.
pub fn file(dir: &str, name: &str) -> InputFile {
    let path = format!("{}/../../{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
    InputFile { name: name.into(), bytes: std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")) }
}

/// The report on the example data (`public/exempel`), every file of it.
pub fn example() -> Report {
    let files: Vec<InputFile> =
        ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv", "platser.csv", "befolkning.csv"]
            .iter()
            .map(|n| file("public/exempel", n))
            .collect();
    compute(&load(&files, &ImportSettings::default()), &Settings::default())
}

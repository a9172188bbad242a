//! What the examples share: reading a directory of input files.

use kpb::InputFile;

/// Every `.csv` and `.xlsx` file of a directory, by name.
pub fn read_dir(dir: &str) -> Vec<InputFile> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("a directory")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".csv") || n.ends_with(".xlsx"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| InputFile { bytes: std::fs::read(format!("{dir}/{n}")).expect("a readable file"), name: n })
        .collect()
}

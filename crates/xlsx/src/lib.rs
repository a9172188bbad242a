//! The web app's workbook module: the engine's own code for reading workbooks (.xlsx, .xlsm,
//! .xlsb, .xls, .ods) and writing the .xlsx and zip exports (kpb's `xlsx` feature), as a wasm
//! module of its own. The worker loads it only when a workbook is read or written: it is two
//! fifths of the worker's size, and a user with CSV files never needs it (`scripts/post-build.sh`
//! builds it, `src/xlsx.rs` in the worker loads it).
//!
//! A workbook's cells cross as [`kpb::import::sheet::encode_workbook`]'s bytes, the tables of an
//! export as JSON of the engine's own types; a file's bytes as they are.

// The app's WebAssembly is built with SIMD (.cargo/config.toml; public/boot.js tells a browser
// without it). A RUSTFLAGS in the environment replaces that file's flags: stop, not drop it.
#[cfg(all(target_arch = "wasm32", not(target_feature = "simd128")))]
compile_error!("build the wasm with .cargo/config.toml's rustflags (target-feature=+simd128); RUSTFLAGS replaces them");

use kpb::export::{Meta, Table};
use wasm_bindgen::prelude::*;

/// The worksheets of a workbook, or why not, as [`kpb::import::read_workbook`] gives them, in
/// bytes ([`kpb::import::sheet::encode_workbook`]).
#[wasm_bindgen]
pub fn read_workbook(name: &str, bytes: &[u8]) -> Vec<u8> {
    kpb::import::sheet::encode_workbook(&kpb::import::read_workbook(name, bytes))
}

/// Every table as one .xlsx workbook ([`kpb::export::xlsx`]); `tables` and `meta` are JSON.
#[wasm_bindgen]
pub fn write_xlsx(tables: &[u8], meta: &[u8], year: i32) -> Result<Vec<u8>, String> {
    let (tables, meta): (Vec<Table>, Meta) = (json(tables)?, json(meta)?);
    kpb::export::xlsx(&tables, &meta, year).map_err(|e| format!("Excel-filen kunde inte skapas ({e})."))
}

/// Every table as CSV in one zip archive ([`kpb::export::csv_zip`]); `tables` is JSON.
#[wasm_bindgen]
pub fn write_csv_zip(tables: &[u8]) -> Result<Vec<u8>, String> {
    kpb::export::csv_zip(&json::<Vec<Table>>(tables)?).map_err(|e| format!("Zip-filen kunde inte skapas ({e})."))
}

fn json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("Felaktiga tabeller till exporten ({e})."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kpb::export::{Cell, Kind, Status};
    use kpb::import::sheet::Worksheet;

    fn tables() -> Vec<Table> {
        vec![Table {
            name: "Enheter".into(),
            title: "Kostnad per enhet".into(),
            columns: vec![("Enhet".into(), Kind::Text), ("Kostnad".into(), Kind::Money)],
            rows: vec![
                vec![Cell::Text("Solgården".into()), Cell::Number("1234567.891".parse().unwrap())],
                vec![Cell::Text("Hemtjänst Norr".into()), Cell::Empty],
            ],
        }]
    }

    fn meta() -> Vec<u8> {
        let meta = Meta {
            organisation: "Kommunen".into(),
            status: Status::Preliminar,
            created: (2026, 12, 2, 8, 0),
            ..Meta::default()
        };
        serde_json::to_vec(&meta).unwrap()
    }

    /// What the worker does with the module's answer.
    fn worksheets(bytes: &[u8]) -> Result<Vec<Worksheet>, String> {
        kpb::import::sheet::decode_workbook(bytes).unwrap()
    }

    #[test]
    fn a_workbook_written_from_json_tables_reads_back_through_the_module() {
        let tables = serde_json::to_vec(&tables()).unwrap();
        let book = write_xlsx(&tables, &meta(), 2025).unwrap();
        let sheets = worksheets(&read_workbook("KPB.xlsx", &book)).unwrap();
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].name, "Enheter");
        let row = |n: u32| sheets[0].rows.iter().find(|(line, _)| *line == n).map(|(_, cells)| cells.clone());
        assert_eq!(row(1).unwrap()[0], "Kostnad per enhet");
        assert_eq!(row(2).unwrap()[0], "KPB 2025 – Preliminär");
        assert_eq!(row(4).unwrap(), ["Enhet", "Kostnad"]);
        // Money is written rounded to the öre.
        assert_eq!(row(5).unwrap(), ["Solgården", "1234567.89"]);
        assert_eq!(row(6).unwrap(), ["Hemtjänst Norr", ""]);
    }

    #[test]
    fn a_zip_of_csv_tables_holds_each_table() {
        let zip = write_csv_zip(&serde_json::to_vec(&tables()).unwrap()).unwrap();
        assert!(zip.starts_with(b"PK"));
        assert!(zip.windows(b"Enheter.csv".len()).any(|w| w == b"Enheter.csv"));
    }

    #[test]
    fn what_cannot_be_read_is_a_message_not_a_panic() {
        let error = worksheets(&read_workbook("trasig.xlsx", b"PK\x03\x04 not a zip")).unwrap_err();
        assert!(error.contains("trasig.xlsx"), "{error}");
        assert!(write_xlsx(b"[{", &meta(), 2025).unwrap_err().starts_with("Felaktiga tabeller"));
    }
}

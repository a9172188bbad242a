//! Workbooks (.xlsx, .xls, .ods) to sheets of text cells, through calamine.

use super::sheet::{Sheet, Source};
use crate::date::Date;
use calamine::{Data, Reader, open_workbook_auto_from_rs};
use std::io::Cursor;

/// Every worksheet of a workbook as rows of text, with the sheet's own row numbers.
/// Numbers keep their shortest exact decimal form; dates become `ÅÅÅÅ-MM-DD`.
pub fn sheets(file: &str, bytes: &[u8]) -> Result<Vec<Sheet<'static>>, String> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("Filen {file} kunde inte läsas som Excel-arbetsbok ({e})."))?;
    let names = book.sheet_names().to_vec();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let range =
            book.worksheet_range(&name).map_err(|e| format!("Bladet {name} i {file} kunde inte läsas ({e})."))?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut row: Vec<String> = vec![String::new(); first_col as usize];
                row.extend(cells.iter().map(text));
                (first_row + i as u32 + 1, row)
            })
            .collect();
        out.push(Sheet { file: file.to_owned(), sheet: Some(name), source: Source::Cells(rows) });
    }
    Ok(out)
}

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float(*f),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => {
            // Excel's serial day 25569 is 1970-01-01.
            Date::from_days(dt.as_f64().floor() as i64 - 25_569).to_string()
        }
        Data::DateTime(dt) => float(dt.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The shortest decimal text that reads back as the same float (Rust's `Display` for f64 never
/// uses an exponent), so 1234.5 stays "1234.5" and 0.1 stays "0.1".
fn float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

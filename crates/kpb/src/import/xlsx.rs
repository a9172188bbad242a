//! Workbooks (.xlsx, .xlsb, .xls, .ods) to sheets of text cells, through calamine, within limits.
//!
//! A workbook is a file the user picked; it may be odd, broken or made to hurt, and it is read in
//! the browser's worker, where running out of memory kills the worker. So nothing a workbook says
//! about its own size is believed, and work and memory are bounded by the limits below. A workbook
//! beyond one of them is refused with a message naming the file, the sheet (where it applies), the
//! limit and what was found.
//!
//! - **Sparse cells.** Sheets of .xlsx and .xlsb are read cell by cell (calamine's cells
//!   readers): rows are built only from the cells that exist, at their own row numbers. The
//!   sheet's `<dimension>`, from which calamine's `worksheet_range` would allocate a dense grid,
//!   is never used.
//! - **Unpacking.** calamine reaches every zip entry it unpacks by a seek to the start of the
//!   entry's data; [`Metered`] adds the entry's declared size to a budget at that seek, before
//!   anything is unpacked. The zip reader (zip 9.0.1 and later) fails a read that runs past the
//!   declared size, so the declared sizes bound what is really unpacked: a file that lies about
//!   them gets an error, not a full memory. A part read twice (two sheets naming one part) is
//!   counted twice.
//! - **Shared strings.** calamine reserves room for as many strings as the table's
//!   `uniqueCount` claims, and keeps one `String` per `<si>`; both are counted on the raw bytes
//!   before calamine opens the file ([`shared_string_counts`]).
//! - **.ods.** calamine builds every sheet as a dense grid when it opens the file, expanding
//!   repeated rows and columns and copying the text of repeated cells (and it never returns from
//!   a `<table:table>` that the file does not close). [`OdsScan`] works out from the raw XML, the
//!   way calamine will read it, how many cells and how much text that makes, and refuses before
//!   calamine starts.
//! - **.xls.** calamine reads a whole .xls when it opens it, and sizes its grids from records
//!   in the file (a DIMENSIONS record can ask for billions of cells; a cell record's column can
//!   reach 65 535). Nothing here checks those records first (that would take a reader of the OLE
//!   container and of BIFF records), so a hostile .xls can still make calamine ask for too much
//!   memory, or panic on a short record. The cells it returns are bounded like any others.
//! - **Panics.** The whole read runs under `catch_unwind`: a net for panics inside calamine on
//!   malformed input (arithmetic overflow on absurd cell references panics in builds with
//!   overflow checks; a short .xls or .xlsb record indexes out of bounds). The release build of
//!   the web app's workbook module (crates/xlsx) aborts on panic, so the net catches nothing
//!   there (the worker tells the user the file could not be read); it does not replace the
//!   checks.

use super::sheet::Worksheet;
use crate::date::Date;
use calamine::{Cell as CalamineCell, Data, DataRef, Ods, Range, Reader, Xls, XlsError, Xlsb, Xlsx, XlsxError};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use zip::ZipArchive;

/// Bytes unpacked from a workbook's zip: the sum of the declared sizes of the parts read
/// (sheets, shared strings, styles, the workbook part). The XML of a full Excel sheet
/// (1 048 576 rows) of ten short columns is about 350 MB.
pub const MAX_UNPACKED: u64 = 512 * 1024 * 1024;
/// Cells kept, in all sheets together, counting the empty cells that pad a row out to its last
/// filled cell (and each row out to the widest of its sheet's first rows, see [`HEAD_ROWS`]):
/// one full Excel sheet with 19 columns. Each costs a `String` (24 bytes, 12 in wasm32) before
/// any text. For .ods, also the cells of the grids calamine builds, and the most distinct shared
/// strings an .xlsx may have.
pub const MAX_CELLS: u64 = 20_000_000;
/// Text kept, in all sheets together. A shared string is copied into every cell that uses it,
/// so without this a small file could ask for terabytes.
pub const MAX_TEXT: u64 = 512 * 1024 * 1024;
/// Rows of a sheet: Excel's own limit.
pub const MAX_ROWS: u32 = 1_048_576;
/// Columns of a sheet: Excel's own limit (A to XFD).
pub const MAX_COLUMNS: u32 = 16_384;

/// Every row is padded out to the widest of the first rows of its sheet (all non-blank), so that
/// a header and the rows under it have the same number of cells, as they had when calamine
/// built a dense grid: the importer takes a row shorter than its header for a short (broken)
/// row. The header is searched for among the first 10 rows (12 for reference files).
const HEAD_ROWS: usize = 16;

/// The limits in force; tests use smaller ones.
#[derive(Clone, Copy, Debug)]
struct Limits {
    unpacked: u64,
    cells: u64,
    text: u64,
}

const LIMITS: Limits = Limits { unpacked: MAX_UNPACKED, cells: MAX_CELLS, text: MAX_TEXT };

/// Every worksheet of a workbook as rows of text, with the sheet's own row numbers. Numbers keep
/// their shortest exact decimal form; dates become `ÅÅÅÅ-MM-DD`. Never panics on any bytes; a
/// workbook that cannot be read, or is beyond the limits, gives a message for the user.
pub fn sheets(file: &str, bytes: &[u8]) -> Result<Vec<Worksheet>, String> {
    read_within(file, bytes, &LIMITS)
}

fn read_within(file: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<Worksheet>, String> {
    match std::panic::catch_unwind(|| read(file, bytes, limits)) {
        Ok(result) => result,
        Err(_) => Err(format!("Filen {file} kunde inte läsas som Excel-arbetsbok (den är skadad).")),
    }
}

/// The magic number of an OLE compound file: a legacy .xls, or an encrypted .xlsx.
const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn read(file: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<Worksheet>, String> {
    if bytes.starts_with(&OLE) {
        return legacy(file, bytes, limits);
    }
    let parts = Parts::new(bytes).map_err(|e| unreadable(file, &e))?;
    // calamine's .ods reader opens exactly these names.
    if parts.archive.index_for_name("mimetype").is_some() && parts.archive.index_for_name("content.xml").is_some() {
        return ods(file, bytes, parts, limits);
    }
    let binary = parts.find(|n| n.ends_with("workbook.bin")).is_some();
    if binary { xlsb(file, bytes, parts, limits) } else { xlsx(file, bytes, parts, limits) }
}

// ---------------------------------------------------------------------------------------------
// The formats

fn xlsx(file: &str, bytes: &[u8], mut parts: Parts, limits: &Limits) -> Result<Vec<Worksheet>, String> {
    parts.check_shared_strings(limits).map_err(|r| message(file, None, &r, limits))?;
    let meter = Meter::new(limits.unpacked);
    let mut book = Xlsx::new(Metered::new(bytes, &parts.starts, &meter))
        .map_err(|e| failed(file, None, &meter, &e.to_string(), matches!(e, XlsxError::Password), limits))?;
    let mut totals = Totals::default();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let mut rows = Rows::default();
        let read = match book.worksheet_cells_reader(&name) {
            Ok(mut cells) => loop {
                match cells.next_cell() {
                    Ok(Some(cell)) => {
                        if let Err(r) = add_ref(&mut rows, &mut totals, limits, &cell) {
                            break Err(Failure::Refused(r));
                        }
                    }
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(Failure::Calamine(e.to_string())),
                }
            },
            // A chart sheet or a dialog sheet: no cells.
            Err(XlsxError::NotAWorksheet(_)) => Ok(()),
            Err(e) => Err(Failure::Calamine(e.to_string())),
        };
        out.push(finish_sheet(file, name, rows, read, &mut totals, &meter, limits)?);
    }
    Ok(out)
}

fn xlsb(file: &str, bytes: &[u8], parts: Parts, limits: &Limits) -> Result<Vec<Worksheet>, String> {
    let meter = Meter::new(limits.unpacked);
    let mut book = Xlsb::new(Metered::new(bytes, &parts.starts, &meter))
        .map_err(|e| failed(file, None, &meter, &e.to_string(), matches!(e, calamine::XlsbError::Password), limits))?;
    let mut totals = Totals::default();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let mut rows = Rows::default();
        let read = match book.worksheet_cells_reader(&name) {
            Ok(mut cells) => loop {
                match cells.next_cell() {
                    Ok(Some(cell)) => {
                        if let Err(r) = add_ref(&mut rows, &mut totals, limits, &cell) {
                            break Err(Failure::Refused(r));
                        }
                    }
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(Failure::Calamine(e.to_string())),
                }
            },
            Err(e) => Err(Failure::Calamine(e.to_string())),
        };
        out.push(finish_sheet(file, name, rows, read, &mut totals, &meter, limits)?);
    }
    Ok(out)
}

/// .ods: calamine builds every sheet when it opens the file, so the scan comes first; the
/// grids it builds are then read sparsely like any others.
fn ods(file: &str, bytes: &[u8], mut parts: Parts, limits: &Limits) -> Result<Vec<Worksheet>, String> {
    parts.check_ods(limits).map_err(|(sheet, r)| message(file, sheet.as_deref(), &r, limits))?;
    let meter = Meter::new(limits.unpacked);
    let mut book = Ods::new(Metered::new(bytes, &parts.starts, &meter))
        .map_err(|e| failed(file, None, &meter, &e.to_string(), false, limits))?;
    let mut totals = Totals::default();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let read = book.worksheet_range(&name).map_err(|e| Failure::Calamine(e.to_string()));
        out.push(grid_sheet(file, name, read, &mut totals, &meter, limits)?);
    }
    Ok(out)
}

/// .xls (or an encrypted .xlsx, which is an OLE file too). See the module's notes for what is
/// not guarded here.
fn legacy(file: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<Worksheet>, String> {
    let meter = Meter::new(limits.unpacked);
    let mut book = match Xls::new(Cursor::new(bytes)) {
        Ok(book) => book,
        Err(e) => {
            // An encrypted .xlsx is an OLE file with the encryption streams; calamine's .xlsx
            // reader recognises it before it looks for a zip.
            let password =
                matches!(e, XlsError::Password) || matches!(Xlsx::new(Cursor::new(bytes)), Err(XlsxError::Password));
            return Err(failed(file, None, &meter, &e.to_string(), password, limits));
        }
    };
    let mut totals = Totals::default();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let read = book.worksheet_range(&name).map_err(|e| Failure::Calamine(e.to_string()));
        out.push(grid_sheet(file, name, read, &mut totals, &meter, limits)?);
    }
    Ok(out)
}

/// Why a sheet could not be read.
enum Failure {
    Refused(Refusal),
    Calamine(String),
}

fn finish_sheet(
    file: &str,
    name: String,
    rows: Rows,
    read: Result<(), Failure>,
    totals: &mut Totals,
    meter: &Meter,
    limits: &Limits,
) -> Result<Worksheet, String> {
    let rows = read.and_then(|()| rows.finish(totals, limits).map_err(Failure::Refused));
    match rows {
        Ok(rows) => Ok(Worksheet { name, rows }),
        Err(Failure::Refused(r)) => Err(message(file, Some(&name), &r, limits)),
        Err(Failure::Calamine(e)) => Err(failed(file, Some(&name), meter, &e, false, limits)),
    }
}

/// A sheet calamine has built as a grid (.xls, .ods), read sparsely.
fn grid_sheet(
    file: &str,
    name: String,
    range: Result<Range<Data>, Failure>,
    totals: &mut Totals,
    meter: &Meter,
    limits: &Limits,
) -> Result<Worksheet, String> {
    let mut rows = Rows::default();
    let read = range.and_then(|range| {
        let Some((top, left)) = range.start() else { return Ok(()) };
        for (row, column, value) in range.used_cells() {
            let (row, column) = (u64::from(top) + row as u64, u64::from(left) + column as u64);
            rows.add(totals, limits, row, column, &data_text(value)).map_err(Failure::Refused)?;
        }
        Ok(())
    });
    finish_sheet(file, name, rows, read, totals, meter, limits)
}

fn add_ref(rows: &mut Rows, totals: &mut Totals, limits: &Limits, cell: &CalamineCell<DataRef>) -> Result<(), Refusal> {
    let value = cell.get_value();
    if matches!(value, DataRef::Empty) {
        return Ok(());
    }
    let (row, column) = cell.get_position();
    rows.add(totals, limits, u64::from(row), u64::from(column), &ref_text(value))
}

// ---------------------------------------------------------------------------------------------
// Rows

/// The workbook's running totals.
#[derive(Default)]
struct Totals {
    /// Cells kept, with the empty ones that pad rows.
    cells: u64,
    /// Bytes of text kept.
    text: u64,
}

/// The rows of one sheet as its cells arrive: only rows with a non-blank cell, each as long as
/// its last non-blank cell, at the sheet's row numbers (from 1).
#[derive(Default)]
struct Rows {
    rows: Vec<(u32, Vec<String>)>,
    /// Whether the rows arrived in increasing order (they do, in any sane file).
    unordered: bool,
}

impl Rows {
    /// Adds the cell at `row`, `column` (from 0). Blank text is no cell: the importer trims
    /// every cell, so it could not tell.
    fn add(&mut self, totals: &mut Totals, limits: &Limits, row: u64, column: u64, text: &str) -> Result<(), Refusal> {
        if row >= u64::from(MAX_ROWS) {
            return Err(Refusal::Row(row + 1));
        }
        if column >= u64::from(MAX_COLUMNS) {
            return Err(Refusal::Column(column + 1));
        }
        if text.trim().is_empty() {
            return Ok(());
        }
        totals.text += text.len() as u64;
        if totals.text > limits.text {
            return Err(Refusal::Text(totals.text));
        }
        let line = row as u32 + 1;
        let cells = match self.rows.last_mut() {
            Some((last, cells)) if *last == line => cells,
            last => {
                self.unordered |= last.is_some_and(|(last, _)| *last > line);
                self.rows.push((line, Vec::new()));
                match self.rows.last_mut() {
                    Some((_, cells)) => cells,
                    None => return Ok(()),
                }
            }
        };
        let column = column as usize;
        if column >= cells.len() {
            totals.cells += (column + 1 - cells.len()) as u64;
            if totals.cells > limits.cells {
                return Err(Refusal::Cells(totals.cells));
            }
            cells.resize(column + 1, String::new());
        }
        cells[column] = text.to_owned();
        Ok(())
    }

    /// The rows in increasing order, each padded to the widest of the first [`HEAD_ROWS`].
    fn finish(self, totals: &mut Totals, limits: &Limits) -> Result<Vec<(u32, Vec<String>)>, Refusal> {
        let mut rows = self.rows;
        if self.unordered {
            // The same row may come twice; a later cell wins, as in calamine's grids.
            let before: u64 = rows.iter().map(|(_, c)| c.len() as u64).sum();
            rows.sort_by_key(|(line, _)| *line);
            let mut merged: Vec<(u32, Vec<String>)> = Vec::with_capacity(rows.len());
            for (line, cells) in rows {
                match merged.last_mut() {
                    Some((last, kept)) if *last == line => {
                        if kept.len() < cells.len() {
                            kept.resize(cells.len(), String::new());
                        }
                        for (i, cell) in cells.into_iter().enumerate() {
                            if !cell.is_empty() {
                                kept[i] = cell;
                            }
                        }
                    }
                    _ => merged.push((line, cells)),
                }
            }
            rows = merged;
            let after: u64 = rows.iter().map(|(_, c)| c.len() as u64).sum();
            totals.cells = totals.cells - before + after;
        }
        let width = rows.iter().take(HEAD_ROWS).map(|(_, c)| c.len()).max().unwrap_or(0);
        let padding: u64 = rows.iter().map(|(_, c)| width.saturating_sub(c.len()) as u64).sum();
        totals.cells += padding;
        if totals.cells > limits.cells {
            return Err(Refusal::Cells(totals.cells));
        }
        for (_, cells) in &mut rows {
            if cells.len() < width {
                cells.resize(width, String::new());
            }
        }
        Ok(rows)
    }
}

// ---------------------------------------------------------------------------------------------
// Messages

/// A limit a workbook went beyond, or a trap it holds.
#[derive(Debug, PartialEq)]
enum Refusal {
    /// Unpacked bytes, counted up to the part that went beyond the limit.
    Unpacked(u64),
    /// A part unpacks to more than the zip says.
    Lying,
    /// Cells, counted up to where the limit was passed.
    Cells(u64),
    /// Bytes of text, counted up to where the limit was passed.
    Text(u64),
    /// A cell's row number (from 1) beyond Excel's last row.
    Row(u64),
    /// A cell's column number (from 1) beyond Excel's last column.
    Column(u64),
    /// Shared strings, claimed or counted.
    SharedStrings(u64),
    /// An .ods with a document type declaration (never in a real one).
    Doctype,
    /// An .ods whose XML ends inside a table (calamine would read on for ever).
    Unclosed,
}

/// The user's message for a refusal.
fn message(file: &str, sheet: Option<&str>, refusal: &Refusal, limits: &Limits) -> String {
    let at = sheet.map(|s| format!(" när bladet {s} läses")).unwrap_or_default();
    let place = match sheet {
        Some(s) => format!("Bladet {s} i {file}"),
        None => format!("Filen {file}"),
    };
    let trim = "Ta bort blad, rader och kolumner som inte behövs, eller dela upp utdraget på flera filer.";
    match refusal {
        Refusal::Unpacked(found) => format!(
            "Filen {file} packas upp till {}{at}; gränsen är {}. Filen kan vara skadad eller gjord för att fylla minnet (en så kallad zipbomb).",
            size(*found),
            size(limits.unpacked)
        ),
        Refusal::Lying => format!(
            "Filen {file} är skadad: en del av den{} packas upp till mer än filen själv anger.",
            sheet.map(|s| format!(" (bladet {s})")).unwrap_or_default()
        ),
        Refusal::Cells(found) => format!(
            "Filen {file} ger minst {} celler{at}; gränsen är {}. Tomma celler räknas med fram till radens sista ifyllda cell. {trim}",
            count(*found),
            count(limits.cells)
        ),
        Refusal::Text(found) => {
            format!("Filen {file} ger minst {} text{at}; gränsen är {}. {trim}", size(*found), size(limits.text))
        }
        Refusal::Row(row) => format!(
            "{place} har en cell på rad {}; ett blad har högst {} rader.",
            count(*row),
            count(u64::from(MAX_ROWS))
        ),
        Refusal::Column(column) => format!(
            "{place} har en cell i kolumn {}; ett blad har högst {} kolumner (A till XFD).",
            count(*column),
            count(u64::from(MAX_COLUMNS))
        ),
        Refusal::SharedStrings(found) => {
            format!("Filen {file} har {} delade texter; gränsen är {}.", count(*found), count(limits.cells))
        }
        Refusal::Doctype => {
            format!("Filen {file} innehåller en DOCTYPE-deklaration, som ett kalkylark inte ska ha; den läses inte.")
        }
        Refusal::Unclosed => match sheet {
            Some(s) => format!("Bladet {s} i {file} är skadat: filen tar slut mitt i bladet."),
            None => format!("Filen {file} är skadad: den tar slut mitt i ett blad."),
        },
    }
}

/// The message for calamine's error, or for the budget it ran into.
fn failed(file: &str, sheet: Option<&str>, meter: &Meter, error: &str, password: bool, limits: &Limits) -> String {
    if let Some(found) = meter.over.get() {
        return message(file, sheet, &Refusal::Unpacked(found), limits);
    }
    if is_lie(error) {
        return message(file, sheet, &Refusal::Lying, limits);
    }
    if password {
        return format!("Filen {file} är lösenordsskyddad. Spara den utan lösenord och läs in den igen.");
    }
    match sheet {
        Some(name) => {
            format!("Bladet {name} i {file} kunde inte läsas (det är skadat eller i en form som inte stöds).")
        }
        None => why_not(file, error),
    }
}

fn unreadable(file: &str, error: &zip::result::ZipError) -> String {
    why_not(file, &error.to_string())
}

/// Why a file could not be read as a workbook, in Swedish, from the zip or workbook reader's
/// error (whose own text is English: it is not shown).
fn why_not(file: &str, error: &str) -> String {
    let cause = if error.contains("EOCD") || error.contains("invalid Zip archive") {
        "den är ofullständig och kan ha avbrutits när den sparades eller laddades ned. Spara den igen i Excel och läs in den igen"
    } else if error.contains("_rels") || error.contains("Content_Types") || error.contains("File not found") {
        "den är en zip-fil men ingen arbetsbok. Är det en zip med CSV-filer, packa upp den och välj filerna i den"
    } else {
        "den är skadad eller i en form som inte stöds. Öppna den i Excel och spara den igen som .xlsx"
    };
    format!("Filen {file} kunde inte läsas som Excel-arbetsbok: {cause}.")
}

/// The zip reader's error for a part that unpacks to more than it declares. (Matched on its
/// text; the test `a_part_larger_than_it_says_is_refused_as_soon_as_it_passes_its_size` pins
/// it.)
fn is_lie(error: &str) -> bool {
    error.contains("larger than its declared uncompressed size")
}

/// `1 048 576`.
fn count(n: u64) -> String {
    crate::format::number(Decimal::from(n), 0)
}

/// `512 MB`, `1,2 GB` (of 2^20 and 2^30 bytes, as Windows shows sizes), with a no-break space.
fn size(bytes: u64) -> String {
    use crate::format::{GROUP, number};
    const MB: u64 = 1 << 20;
    const GB: u64 = 1 << 30;
    let of = |unit: u64| Decimal::from(bytes) / Decimal::from(unit);
    if bytes >= GB {
        format!("{}{GROUP}GB", number(of(GB), 1))
    } else if bytes >= 10 * MB {
        format!("{}{GROUP}MB", number(of(MB), 0))
    } else {
        format!("{}{GROUP}MB", number(of(MB), 1))
    }
}

// ---------------------------------------------------------------------------------------------
// The zip

/// The entries of a workbook's zip as the zip reader sees them (calamine's reader, the same
/// crate, sees the same bytes the same way).
struct Parts<'b> {
    archive: ZipArchive<Cursor<&'b [u8]>>,
    /// Where each entry's data starts → the most any entry starting there declares.
    starts: HashMap<u64, u64>,
    /// Each entry's name, lowercased with `/` (as calamine looks names up), and its index.
    names: Vec<(String, usize)>,
}

impl<'b> Parts<'b> {
    fn new(bytes: &'b [u8]) -> zip::result::ZipResult<Parts<'b>> {
        let mut archive = ZipArchive::new(Cursor::new(bytes))?;
        let mut starts = HashMap::new();
        let mut names = Vec::with_capacity(archive.len());
        for index in 0..archive.len() {
            // An entry whose local header cannot be read cannot be unpacked by calamine either.
            let Ok(entry) = archive.by_index_raw(index) else { continue };
            if let Some(start) = entry.data_start() {
                let size = starts.entry(start).or_insert(0);
                *size = entry.size().max(*size);
            }
            let name = String::from_utf8_lossy(entry.name_raw()).replace('\\', "/").to_ascii_lowercase();
            names.push((name, index));
        }
        Ok(Parts { archive, starts, names })
    }

    fn find(&self, mut matches: impl FnMut(&str) -> bool) -> Option<usize> {
        self.names.iter().find(|(n, _)| matches(n)).map(|(_, i)| *i)
    }

    /// The shared strings tables (calamine takes the one beside the workbook part; any will do
    /// here): no more strings claimed or present than [`MAX_CELLS`].
    fn check_shared_strings(&mut self, limits: &Limits) -> Result<(), Refusal> {
        let tables: Vec<usize> =
            self.names.iter().filter(|(n, _)| n.ends_with("sharedstrings.xml")).map(|(_, i)| *i).collect();
        self.check_declared(&tables, limits)?;
        for index in tables {
            let Ok(entry) = self.archive.by_index(index) else { continue };
            let (counts, error) = shared_string_counts(entry);
            let found = counts.claimed.max(counts.elements);
            if found > limits.cells {
                return Err(Refusal::SharedStrings(found));
            }
            // Any other error is calamine's to report, at the same place.
            if error.is_some_and(|e| is_lie(&e.to_string())) {
                return Err(Refusal::Lying);
            }
        }
        Ok(())
    }

    /// .ods: the grids calamine will build from `content.xml`.
    fn check_ods(&mut self, limits: &Limits) -> Result<(), (Option<String>, Refusal)> {
        let Some(index) = self.archive.index_for_name("content.xml") else { return Ok(()) };
        self.check_declared(&[index], limits).map_err(|r| (None, r))?;
        match self.archive.by_index(index) {
            Ok(content) => OdsScan::new(*limits).scan(content),
            // calamine fails the same way.
            Err(_) => Ok(()),
        }
    }

    /// The declared sizes of `entries`, which a scan is about to unpack, within the budget.
    fn check_declared(&mut self, entries: &[usize], limits: &Limits) -> Result<(), Refusal> {
        let mut total = 0u64;
        for &index in entries {
            if let Ok(entry) = self.archive.by_index_raw(index) {
                total = total.saturating_add(entry.size());
            }
        }
        if total > limits.unpacked { Err(Refusal::Unpacked(total)) } else { Ok(()) }
    }
}

/// What calamine has unpacked so far.
struct Meter {
    limit: u64,
    used: Cell<u64>,
    /// The total that went beyond the limit, once it has.
    over: Cell<Option<u64>>,
}

impl Meter {
    fn new(limit: u64) -> Meter {
        Meter { limit, used: Cell::new(0), over: Cell::new(None) }
    }
}

/// The workbook's bytes as calamine reads them, with the unpacking budget: the zip reader seeks
/// to the start of an entry's data (`SeekFrom::Start`) each time it opens the entry, and from
/// there unpacks at most the entry's declared size; the seek is refused once the declared sizes
/// of all entries opened would pass the limit.
struct Metered<'a> {
    inner: Cursor<&'a [u8]>,
    starts: &'a HashMap<u64, u64>,
    meter: &'a Meter,
}

impl<'a> Metered<'a> {
    fn new(bytes: &'a [u8], starts: &'a HashMap<u64, u64>, meter: &'a Meter) -> Metered<'a> {
        Metered { inner: Cursor::new(bytes), starts, meter }
    }
}

impl Read for Metered<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

impl Seek for Metered<'_> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        if let SeekFrom::Start(at) = pos
            && let Some(&size) = self.starts.get(&at)
        {
            let used = self.meter.used.get().saturating_add(size);
            if used > self.meter.limit {
                self.meter.over.set(Some(used));
                return Err(io::Error::other("the workbook unpacks to more than the limit"));
            }
            self.meter.used.set(used);
        }
        self.inner.seek(pos)
    }
}

// ---------------------------------------------------------------------------------------------
// Shared strings

#[derive(Debug, Default, PartialEq)]
struct StringCounts {
    /// The largest `uniqueCount="…"` (calamine reserves room for that many strings).
    claimed: u64,
    /// `<si` start tags (calamine keeps a `String` for each).
    elements: u64,
}

/// The look-ahead of [`shared_string_counts`]: longer than any name or attribute in a real file.
const AHEAD: usize = 512;

/// Counts a shared strings part on its raw bytes, as an upper bound of what calamine allocates:
/// every `<` that opens a name whose local part is `si` (also in comments, CDATA, attribute
/// values: counting too many is safe, and no trick of XML syntax can hide one), and every
/// `uniqueCount` followed by `= "digits`. Names and values longer than the look-ahead count as
/// the worst case. Linear in the bytes. Stops at a read error and returns it with what was
/// counted before.
fn shared_string_counts(mut part: impl Read) -> (StringCounts, Option<io::Error>) {
    const CHUNK: usize = 64 * 1024;
    let mut counts = StringCounts::default();
    let mut buf = vec![0u8; CHUNK + AHEAD];
    let mut kept = 0;
    loop {
        let (n, error) = match part.read(&mut buf[kept..]) {
            Ok(n) => (n, None),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => (0, Some(e)),
        };
        let end = kept + n;
        let last = n == 0;
        // Positions from `decided` on are looked at again with the next read.
        let decided = if last { end } else { end.saturating_sub(AHEAD) };
        let data = &buf[..end];
        for i in 0..decided {
            match data[i] {
                b'<' if opens_si(&data[i + 1..]) => counts.elements += 1,
                b'u' if data[i..].starts_with(b"uniqueCount") => {
                    counts.claimed = counts.claimed.max(claim(&data[i + b"uniqueCount".len()..]));
                }
                _ => {}
            }
        }
        if last {
            return (counts, error);
        }
        buf.copy_within(decided..end, 0);
        kept = end - decided;
    }
}

/// Whether the name after a `<` has the local name `si` (or might: it runs past the
/// look-ahead). A `<` ends the name here, which quick-xml would not do: where it reads one name
/// `a<b:si`, with the local name `si`, this counts `b:si` at the second `<`; and no byte is
/// looked at twice.
fn opens_si(after: &[u8]) -> bool {
    let after = &after[..after.len().min(AHEAD)];
    let Some(end) = after.iter().position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>' | b'<')) else {
        return true;
    };
    let name = &after[..end];
    let local = name.iter().rposition(|&b| b == b':').map_or(name, |i| &name[i + 1..]);
    local == b"si"
}

/// The number in `= "123` after an attribute name; 0 where there is none, the most where it
/// runs past the look-ahead.
fn claim(after: &[u8]) -> u64 {
    let after = &after[..after.len().min(AHEAD)];
    let mut rest = after.trim_ascii_start();
    let Some(r) = rest.strip_prefix(b"=") else { return 0 };
    rest = r.trim_ascii_start();
    let Some((&quote, r)) = rest.split_first() else { return u64::MAX };
    if quote != b'"' && quote != b'\'' {
        return 0;
    }
    let digits = r.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == r.len() {
        return u64::MAX;
    }
    r[..digits].iter().fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')))
}

// ---------------------------------------------------------------------------------------------
// .ods

/// The longest start tag kept whole for the .ods scan; a longer one counts as the worst case.
const MAX_TAG: usize = 64 * 1024;

/// One piece of markup, as quick-xml (calamine's XML reader) splits it.
enum Markup<'t> {
    /// A start tag: its name, its raw attributes, and whether it was kept whole (see
    /// [`MAX_TAG`]). A tag that closes itself (`<a/>`) is followed by its `End`, as calamine has
    /// quick-xml expand it.
    Start {
        name: &'t [u8],
        attrs: &'t [u8],
        whole: bool,
    },
    End {
        name: &'t [u8],
    },
    Doctype,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Text,
    /// After `<`.
    Open,
    /// In a start tag or an end tag, inside quotes when `quote` is not 0.
    Tag {
        end: bool,
        quote: u8,
    },
    /// In a processing instruction; `question` when the last byte was `?`.
    Pi {
        question: bool,
    },
    /// After `<!`.
    Bang,
    /// In a comment, with `dashes` in a row just before.
    Comment {
        dashes: u8,
    },
    Cdata {
        brackets: u8,
    },
    /// In markup that quick-xml rejects: skipped to the next `>`.
    Junk,
}

/// Markup from an XML stream read in pieces, found the way quick-xml finds it: a start or end
/// tag ends at the first `>` outside quotes, a comment at the first `-->` that is not part of
/// its `<!--`, CDATA at the first `]]>`, a processing instruction at the first `?>`. A document
/// type declaration, which quick-xml parses in its own way, is reported (the caller refuses the
/// file). Text is skipped.
struct Tokens {
    state: State,
    tag: Vec<u8>,
    /// The current tag's length from its `<`, and its last byte.
    len: u64,
    last: u8,
    /// Bytes read so far.
    at: u64,
}

impl Tokens {
    fn new() -> Tokens {
        Tokens { state: State::Text, tag: Vec::new(), len: 0, last: 0, at: 0 }
    }

    /// Feeds `chunk`, calling `f` with each piece of markup and the offset just after it.
    fn feed<E>(&mut self, chunk: &[u8], f: &mut impl FnMut(Markup, u64) -> Result<(), E>) -> Result<(), E> {
        let mut i = 0;
        while i < chunk.len() {
            if self.state == State::Text {
                match chunk[i..].iter().position(|&b| b == b'<') {
                    Some(p) => {
                        i += p + 1;
                        self.at += p as u64 + 1;
                        self.state = State::Open;
                        self.tag.clear();
                        self.len = 1;
                        self.last = 0;
                        continue;
                    }
                    None => {
                        self.at += (chunk.len() - i) as u64;
                        return Ok(());
                    }
                }
            }
            let b = chunk[i];
            i += 1;
            self.at += 1;
            self.len += 1;
            // The position of `b` from the `<`.
            let at = self.len - 1;
            self.state = match self.state {
                State::Text => State::Text,
                State::Open => match b {
                    b'/' => State::Tag { end: true, quote: 0 },
                    b'?' => State::Pi { question: true },
                    b'!' => State::Bang,
                    _ => self.tag_byte(false, 0, b, f)?,
                },
                State::Tag { end, quote } => self.tag_byte(end, quote, b, f)?,
                State::Pi { question } => {
                    if b == b'>' && question {
                        State::Text
                    } else {
                        State::Pi { question: b == b'?' }
                    }
                }
                State::Bang => match b {
                    b'-' => State::Comment { dashes: 1 },
                    b'[' => State::Cdata { brackets: 0 },
                    b'D' | b'd' => {
                        f(Markup::Doctype, self.at)?;
                        State::Junk
                    }
                    b'>' => State::Text,
                    _ => State::Junk,
                },
                State::Comment { dashes } => {
                    if b == b'>' && dashes >= 2 && at > 5 {
                        State::Text
                    } else {
                        State::Comment { dashes: if b == b'-' { dashes.saturating_add(1) } else { 0 } }
                    }
                }
                State::Cdata { brackets } => {
                    if b == b'>' && brackets >= 2 {
                        State::Text
                    } else {
                        State::Cdata { brackets: if b == b']' { brackets.saturating_add(1) } else { 0 } }
                    }
                }
                State::Junk => {
                    if b == b'>' {
                        State::Text
                    } else {
                        State::Junk
                    }
                }
            };
        }
        Ok(())
    }

    /// One byte of a start tag (after its `<`) or an end tag (after its `</`).
    fn tag_byte<E>(
        &mut self,
        end: bool,
        quote: u8,
        b: u8,
        f: &mut impl FnMut(Markup, u64) -> Result<(), E>,
    ) -> Result<State, E> {
        if quote == 0 && b == b'>' {
            let whole = self.tag.len() < MAX_TAG;
            if end {
                // quick-xml's name of an end tag: all of it, without trailing white space.
                let name = &self.tag
                    [..self.tag.iter().rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n')).map_or(0, |p| p + 1)];
                f(Markup::End { name }, self.at)?;
            } else {
                let empty = self.last == b'/';
                let content = if empty && whole { &self.tag[..self.tag.len() - 1] } else { &self.tag[..] };
                let name_end =
                    content.iter().position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')).unwrap_or(content.len());
                let (name, attrs) = content.split_at(name_end);
                f(Markup::Start { name, attrs, whole }, self.at)?;
                if empty {
                    f(Markup::End { name }, self.at)?;
                }
            }
            return Ok(State::Text);
        }
        if self.tag.len() < MAX_TAG {
            self.tag.push(b);
        }
        self.last = b;
        let quote = match (quote, b) {
            (0, b'"' | b'\'') => b,
            (q, b) if q == b => 0,
            (q, _) => q,
        };
        Ok(State::Tag { end, quote })
    }

    /// Whether the stream ended outside any markup (quick-xml reports the end of the file
    /// there; inside markup it reports an error).
    fn clean_end(&self) -> bool {
        self.state == State::Text
    }
}

/// calamine's attribute reader, byte for byte: an attribute is a key up to `=`, then a quoted
/// value; `Err` where it would fail.
fn attrs(raw: &[u8]) -> impl Iterator<Item = Result<(&[u8], &[u8]), ()>> {
    let mut pos = 0;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        while pos < raw.len() && raw[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= raw.len() {
            return None;
        }
        let start = pos;
        while pos < raw.len() && raw[pos] != b'=' {
            pos += 1;
        }
        if pos >= raw.len() {
            failed = true;
            return Some(Err(()));
        }
        let key = raw[start..pos].trim_ascii_end();
        pos += 1;
        while pos < raw.len() && raw[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = match raw.get(pos) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                failed = true;
                return Some(Err(()));
            }
        };
        pos += 1;
        let value_start = pos;
        while pos < raw.len() && raw[pos] != quote {
            pos += 1;
        }
        let value = &raw[value_start..pos];
        if pos < raw.len() {
            pos += 1;
        }
        Some(Ok((key, value)))
    })
}

/// The first attribute named `key` (as calamine's `raw_attr`); `Err` when the attributes are
/// malformed before it.
fn attr<'r>(raw: &'r [u8], key: &[u8]) -> Result<Option<&'r [u8]>, ()> {
    for item in attrs(raw) {
        let (k, v) = item?;
        if k == key {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// An attribute value with its references replaced, as quick-xml's `unescape` does (the five
/// predefined entities, decimal and `x` hexadecimal character references); `None` where it
/// would fail.
fn unescape(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(['&', ';'])?;
        if after.as_bytes()[end] != b';' {
            return None;
        }
        let reference = &after[..end];
        let ch = match reference {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => {
                let number = reference.strip_prefix('#')?;
                let (digits, radix) = match number.strip_prefix('x') {
                    Some(hex) => (hex, 16),
                    None => (number, 10),
                };
                if digits.starts_with(['+', '-']) {
                    return None;
                }
                let code = u32::from_str_radix(digits, radix).ok().filter(|&c| c != 0)?;
                char::from_u32(code)?
            }
        };
        out.push(ch);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The number in an attribute value as Rust parses a `usize` (as calamine does); `None` where
/// that fails.
fn number(text: &[u8]) -> Option<u64> {
    std::str::from_utf8(text).ok()?.parse::<usize>().ok().map(|n| n as u64)
}

/// calamine's own caps for .ods (it caps repeats so that a sheet has at most these).
const ODS_ROWS: u64 = 1_048_576;
const ODS_COLUMNS: u64 = 16_384;

/// A table (sheet) of an .ods, as calamine will build it.
struct OdsTable {
    name: String,
    /// Rows so far, repeats counted and capped as calamine caps them.
    rows: u64,
    /// Cells calamine pushes while it reads (before it builds the grid).
    raw: u64,
    /// Bytes of text calamine will hold for the table.
    text: u64,
    /// From the first non-empty row: rows (repeats counted) and XML rows, running and up to the
    /// last non-empty row.
    span: Option<Span>,
    first_column: u64,
    last_column: u64,
}

#[derive(Clone, Copy, Default)]
struct Span {
    rows: u64,
    xml_rows: u64,
    rows_to_last: u64,
    xml_rows_to_last: u64,
}

/// A row being read.
struct OdsRow {
    /// Times calamine repeats it (capped).
    repeats: u64,
    /// Cells pushed, and empty ones waiting to be pushed before the next cell.
    len: u64,
    pending: u64,
    /// The first and one past the last non-empty cell.
    first: Option<u64>,
    last: u64,
    text: u64,
}

/// A cell whose content is being skipped.
struct OdsCell {
    /// How calamine finds the end: string cells end at the first end tag of any cell (except
    /// inside an annotation); other cells at the matching end tag of their own name.
    string: bool,
    name: Vec<u8>,
    depth: u32,
    in_annotation: bool,
    /// Where the content starts, and the bytes of text of one copy of the cell so far.
    from: u64,
    cost: u64,
    /// Copies pushed (0 for an empty cell).
    copies: u64,
}

/// The pre-scan of an .ods's `content.xml`: follows calamine's reader (`parse_content`,
/// `read_table`, `read_row`, `get_datatype`, `get_range`) closely enough to count, never fewer
/// than calamine will make, the cells it pushes, the cells of the grids it builds (values and
/// formulas have the same shape) and the text it copies, including `<text:s text:c="…"/>` space
/// runs and the copies of repeated cells and rows. Where the scan cannot follow (an attribute
/// too long to keep, a number it cannot read), it counts the worst case.
struct OdsScan {
    limits: Limits,
    cells: u64,
    text: u64,
    table: Option<OdsTable>,
    row: Option<OdsRow>,
    cell: Option<OdsCell>,
}

impl OdsScan {
    fn new(limits: Limits) -> OdsScan {
        OdsScan { limits, cells: 0, text: 0, table: None, row: None, cell: None }
    }

    fn scan(mut self, mut part: impl Read) -> Result<(), (Option<String>, Refusal)> {
        let mut tokens = Tokens::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match part.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // calamine meets the same error at the same place, and stops there.
                Err(e) if is_lie(&e.to_string()) => return Err((None, Refusal::Lying)),
                Err(_) => return Ok(()),
            };
            tokens.feed(&buf[..n], &mut |markup, at| self.markup(markup, at))?;
        }
        if tokens.clean_end() && (self.table.is_some() || self.cell.as_ref().is_some_and(|c| c.in_annotation)) {
            return Err(self.refused(Refusal::Unclosed));
        }
        Ok(())
    }

    fn refused(&self, refusal: Refusal) -> (Option<String>, Refusal) {
        (self.table.as_ref().map(|t| t.name.clone()).filter(|n| !n.is_empty()), refusal)
    }

    fn markup(&mut self, markup: Markup, at: u64) -> Result<(), (Option<String>, Refusal)> {
        if let Markup::Doctype = markup {
            return Err((None, Refusal::Doctype));
        }
        if let Some(cell) = &mut self.cell {
            let done = match markup {
                Markup::Start { name, attrs, whole, .. } if cell.string && !cell.in_annotation => {
                    if name == b"office:annotation" {
                        cell.in_annotation = true;
                    } else if name == b"text:s" {
                        // `c` spaces (1 when absent); the worst case when unreadable.
                        let spaces = match attr(attrs, b"text:c") {
                            Ok(None) if whole => 1,
                            Ok(Some(c)) if whole => unescape(c).and_then(|c| number(c.as_bytes())).unwrap_or(u64::MAX),
                            _ => u64::MAX,
                        };
                        cell.cost = cell.cost.saturating_add(spaces);
                    }
                    false
                }
                Markup::End { name } if cell.string && cell.in_annotation => {
                    cell.in_annotation = name != b"office:annotation";
                    false
                }
                Markup::End { name } if cell.string => {
                    name == b"table:table-cell" || name == b"table:covered-table-cell"
                }
                Markup::Start { name, .. } if !cell.string && name == cell.name.as_slice() => {
                    cell.depth += 1;
                    false
                }
                Markup::End { name } if !cell.string && name == cell.name.as_slice() => {
                    cell.depth -= 1;
                    cell.depth == 0
                }
                _ => false,
            };
            if done && let Some(cell) = self.cell.take() {
                let cost = if cell.string { cell.cost.saturating_add(at - cell.from) } else { cell.cost };
                self.cell_text(cell.copies, cost)?;
            }
            return Ok(());
        }
        match markup {
            Markup::Start { name, attrs, whole } => {
                if self.table.is_none() {
                    if name == b"table:table" {
                        // calamine reads a table only when it has a name.
                        let table_name = match attr(attrs, b"table:name") {
                            Ok(Some(n)) => Some(unescape(n).unwrap_or_else(|| String::from_utf8_lossy(n).into_owned())),
                            _ if !whole => Some(String::new()),
                            _ => None,
                        };
                        if let Some(table_name) = table_name {
                            self.table = Some(OdsTable {
                                name: table_name.chars().take(100).collect(),
                                rows: 0,
                                raw: 0,
                                text: 0,
                                span: None,
                                first_column: u64::MAX,
                                last_column: 0,
                            });
                        }
                    }
                } else if name == b"table:table-row" {
                    self.end_row()?;
                    let wanted = match attr(attrs, b"table:number-rows-repeated") {
                        Ok(None) if whole => 1,
                        Ok(Some(v)) if whole => unescape(v).and_then(|v| number(v.as_bytes())).unwrap_or(u64::MAX),
                        // calamine fails on malformed attributes; the worst case costs nothing.
                        _ => u64::MAX,
                    };
                    if let Some(table) = &mut self.table {
                        let repeats = wanted.min(ODS_ROWS.saturating_sub(table.rows));
                        table.rows += repeats;
                        self.row = Some(OdsRow { repeats, len: 0, pending: 0, first: None, last: 0, text: 0 });
                    }
                } else if let Some(row) = &mut self.row
                    && (name == b"table:table-cell" || name == b"table:covered-table-cell")
                {
                    let cell = CellAttrs::read(attrs, whole);
                    let room = ODS_COLUMNS.saturating_sub(row.len);
                    row.len += row.pending.min(room);
                    row.pending = 0;
                    let copies = cell.repeats.min(ODS_COLUMNS.saturating_sub(row.len));
                    if cell.filled {
                        if copies > 0 {
                            row.first.get_or_insert(row.len);
                            row.len += copies;
                            row.last = row.len;
                        }
                    } else {
                        row.pending = copies;
                    }
                    // Its content is skipped (and, for a string, counted) up to its end.
                    self.cell = Some(OdsCell {
                        string: cell.string,
                        name: name.to_vec(),
                        depth: 1,
                        in_annotation: false,
                        from: at,
                        cost: cell.text,
                        copies: if cell.filled { copies } else { 0 },
                    });
                }
            }
            Markup::End { name } => {
                if name == b"table:table-row" {
                    self.end_row()?;
                } else if name == b"table:table" && self.table.is_some() {
                    self.end_row()?;
                    self.end_table()?;
                }
            }
            Markup::Doctype => {}
        }
        Ok(())
    }

    fn cell_text(&mut self, copies: u64, cost: u64) -> Result<(), (Option<String>, Refusal)> {
        let Some(row) = &mut self.row else { return Ok(()) };
        row.text = row.text.saturating_add(cost.saturating_mul(copies));
        // One row can pass the limit: no need to read on.
        let text = self.text.saturating_add(row.text).saturating_add(self.table.as_ref().map_or(0, |t| t.text));
        if text > self.limits.text {
            return Err(self.refused(Refusal::Text(text)));
        }
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), (Option<String>, Refusal)> {
        let (Some(row), Some(table)) = (self.row.take(), &mut self.table) else { return Ok(()) };
        table.raw += row.len;
        // calamine keeps the row as read, and copies it once per repeat into the grid.
        table.text = table.text.saturating_add(row.text.saturating_mul(row.repeats.saturating_add(1)));
        let filled = row.first.is_some();
        if filled || table.span.is_some() {
            let span = table.span.get_or_insert_with(Span::default);
            span.rows += row.repeats;
            span.xml_rows += 1;
            if let Some(first) = row.first {
                span.rows_to_last = span.rows;
                span.xml_rows_to_last = span.xml_rows;
                table.first_column = table.first_column.min(first);
                table.last_column = table.last_column.max(row.last);
            }
        }
        self.check()
    }

    fn end_table(&mut self) -> Result<(), (Option<String>, Refusal)> {
        self.check()?;
        if let Some(table) = self.table.take() {
            self.cells = self.cells.saturating_add(table_cells(&table));
            self.text = self.text.saturating_add(table.text);
        }
        Ok(())
    }

    /// The totals with the open table, within the limits.
    fn check(&self) -> Result<(), (Option<String>, Refusal)> {
        let Some(table) = &self.table else { return Ok(()) };
        let cells = self.cells.saturating_add(table_cells(table));
        if cells > self.limits.cells {
            return Err(self.refused(Refusal::Cells(cells)));
        }
        let text = self.text.saturating_add(table.text);
        if text > self.limits.text {
            return Err(self.refused(Refusal::Text(text)));
        }
        Ok(())
    }
}

/// The cells calamine holds for a table: those pushed while reading, and the grid from the first
/// to the last non-empty row and column (its capacity counts XML rows too).
fn table_cells(table: &OdsTable) -> u64 {
    let grid = match table.span {
        Some(span) if table.last_column > table.first_column => {
            let width = table.last_column - table.first_column;
            span.rows_to_last.max(span.xml_rows_to_last).saturating_mul(width)
        }
        _ => 0,
    };
    table.raw.saturating_add(grid)
}

/// What calamine's `get_datatype` makes of a cell's attributes.
struct CellAttrs {
    repeats: u64,
    /// Whether the cell has a value or a formula (calamine pushes it).
    filled: bool,
    /// Whether calamine reads the cell's content as its text.
    string: bool,
    /// Bytes of the text calamine takes from the attributes (a string, date or time value, a
    /// formula): at most their raw length.
    text: u64,
}

impl CellAttrs {
    fn read(raw: &[u8], whole: bool) -> CellAttrs {
        let worst = CellAttrs { repeats: ODS_COLUMNS, filled: true, string: true, text: raw.len() as u64 };
        if !whole {
            return worst;
        }
        let repeats = match attr(raw, b"table:number-columns-repeated") {
            Ok(None) => 1,
            // calamine fails on a number it cannot read; nothing more is pushed then.
            Ok(Some(v)) => number(v).unwrap_or(1),
            Err(()) => return worst,
        };
        let (mut value_set, mut string_type, mut error_type, mut empty_string) = (false, false, false, false);
        let (mut value_text, mut formula) = (0, 0);
        for item in attrs(raw) {
            let Ok((key, value)) = item else { return CellAttrs { repeats, ..worst } };
            match key {
                b"office:value" | b"office:boolean-value" if !value_set => value_set = true,
                b"office:string-value" | b"office:date-value" | b"office:time-value" if !value_set => {
                    value_set = true;
                    value_text = value.len() as u64;
                    empty_string = key == b"office:string-value" && value.is_empty();
                }
                b"office:value-type" if !value_set => string_type = value == b"string",
                b"calcext:value-type" => error_type = value == b"error",
                // The last one counts; a longer earlier one is safe to count.
                b"table:formula" => formula = formula.max(value.len() as u64),
                _ => {}
            }
        }
        let string = (!value_set && string_type) || (error_type && empty_string);
        CellAttrs { repeats, filled: value_set || string || formula > 0, string, text: value_text + formula }
    }
}

// ---------------------------------------------------------------------------------------------
// Cell text

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float(*f),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        // Excel's serial day 25569 is 1970-01-01. (A serial too large for any date is left a
        // number: `Date::from_days` would overflow.)
        Data::DateTime(dt) if dt.is_datetime() && dt.as_f64().abs() < 1e9 => {
            Date::from_days(dt.as_f64().floor() as i64 - 25_569).to_string()
        }
        Data::DateTime(dt) => float(dt.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A grid cell's text, borrowed where it is text already.
fn data_text(cell: &Data) -> Cow<'_, str> {
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        other => Cow::Owned(text(other)),
    }
}

/// A streamed cell's text, borrowed where it is text already (shared strings are not copied
/// before they are counted).
fn ref_text<'c>(cell: &'c DataRef<'_>) -> Cow<'c, str> {
    match cell {
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cow::Borrowed(s),
        other => Cow::Owned(text(&Data::from(other.clone()))),
    }
}

/// The shortest decimal text that reads back as the same float (Rust's `Display` for f64 never
/// uses an exponent), so 1234.5 stays "1234.5" and 0.1 stays "0.1".
fn float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

    // -- Building workbooks ------------------------------------------------------------------

    fn workbook(fill: impl FnOnce(&mut Worksheet)) -> Vec<u8> {
        let mut book = Workbook::new();
        fill(book.add_worksheet());
        book.save_to_buffer().unwrap()
    }

    /// The ledger of the tests: a header and two rows.
    fn ledger(sheet: &mut Worksheet) {
        for (c, h) in ["Ansvar", "Konto", "Belopp"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in [[4110, 5011, 100], [4110, 5012, 200]].iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                sheet.write_number(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }

    /// The parts of a zip, unpacked, in order.
    fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).unwrap();
                let mut data = Vec::new();
                entry.read_to_end(&mut data).unwrap();
                (entry.name().unwrap().to_string(), data)
            })
            .collect()
    }

    fn part<'p>(parts: &'p mut [(String, Vec<u8>)], name: &str) -> &'p mut Vec<u8> {
        &mut parts.iter_mut().find(|(n, _)| n == name).unwrap().1
    }

    fn replace(data: &mut Vec<u8>, from: &str, to: &str) {
        let text = String::from_utf8(data.clone()).unwrap();
        assert!(text.contains(from), "{from:?} not in {text}");
        *data = text.replacen(from, to, 1).into_bytes();
    }

    /// A zip entry as it is written: its data (stored or deflated) and what its headers say.
    struct Entry {
        name: String,
        deflated: bool,
        data: Vec<u8>,
        crc: u32,
        declared: u64,
    }

    fn stored(name: &str, content: &[u8]) -> Entry {
        Entry {
            name: name.into(),
            deflated: false,
            data: content.to_vec(),
            crc: crc32(content),
            declared: content.len() as u64,
        }
    }

    fn rezip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
        zip(parts.iter().map(|(n, d)| stored(n, d)).collect())
    }

    /// A plain zip (no zip64, no data descriptors), written by hand so that tests can make it lie.
    fn zip(entries: Vec<Entry>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for e in &entries {
            let offset = out.len() as u32;
            let method: u16 = if e.deflated { 8 } else { 0 };
            let mut fields = Vec::new();
            fields.extend_from_slice(&20u16.to_le_bytes()); // version needed
            fields.extend_from_slice(&0u16.to_le_bytes()); // flags
            fields.extend_from_slice(&method.to_le_bytes());
            fields.extend_from_slice(&0u16.to_le_bytes()); // time
            fields.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
            fields.extend_from_slice(&e.crc.to_le_bytes());
            fields.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            fields.extend_from_slice(&(e.declared as u32).to_le_bytes());
            fields.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            fields.extend_from_slice(&0u16.to_le_bytes()); // extra
            out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            out.extend_from_slice(&fields);
            out.extend_from_slice(e.name.as_bytes());
            out.extend_from_slice(&e.data);
            central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            central.extend_from_slice(&20u16.to_le_bytes()); // version made by
            central.extend_from_slice(&fields);
            central.extend_from_slice(&0u16.to_le_bytes()); // comment
            central.extend_from_slice(&0u16.to_le_bytes()); // disk
            central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
            central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(e.name.as_bytes());
        }
        let at = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    /// A deflate stream (one block, fixed Huffman codes) of `head`, then `unit` `copies` times,
    /// then `tail`: after the first copy, every 258 bytes cost 17 bits, so hundreds of
    /// megabytes take a few megabytes and no time to make. Returns the stream and its size
    /// unpacked.
    fn deflate_repeated(head: &[u8], unit: &[u8], copies: u64, tail: &[u8]) -> (Vec<u8>, u64) {
        const LENGTH: [(u32, u32); 29] = [
            (3, 0),
            (4, 0),
            (5, 0),
            (6, 0),
            (7, 0),
            (8, 0),
            (9, 0),
            (10, 0),
            (11, 1),
            (13, 1),
            (15, 1),
            (17, 1),
            (19, 2),
            (23, 2),
            (27, 2),
            (31, 2),
            (35, 3),
            (43, 3),
            (51, 3),
            (59, 3),
            (67, 4),
            (83, 4),
            (99, 4),
            (115, 4),
            (131, 5),
            (163, 5),
            (195, 5),
            (227, 5),
            (258, 0),
        ];
        const DISTANCE: [(u32, u32); 30] = [
            (1, 0),
            (2, 0),
            (3, 0),
            (4, 0),
            (5, 1),
            (7, 1),
            (9, 2),
            (13, 2),
            (17, 3),
            (25, 3),
            (33, 4),
            (49, 4),
            (65, 5),
            (97, 5),
            (129, 6),
            (193, 6),
            (257, 7),
            (385, 7),
            (513, 8),
            (769, 8),
            (1025, 9),
            (1537, 9),
            (2049, 10),
            (3073, 10),
            (4097, 11),
            (6145, 11),
            (8193, 12),
            (12289, 12),
            (16385, 13),
            (24577, 13),
        ];
        struct Bits {
            out: Vec<u8>,
            acc: u64,
            n: u32,
        }
        impl Bits {
            fn put(&mut self, value: u64, bits: u32) {
                self.acc |= value << self.n;
                self.n += bits;
                while self.n >= 8 {
                    self.out.push(self.acc as u8);
                    self.acc >>= 8;
                    self.n -= 8;
                }
            }
            /// A Huffman code: most significant bit first.
            fn code(&mut self, code: u32, bits: u32) {
                self.put(u64::from(code.reverse_bits() >> (32 - bits)), bits);
            }
            fn symbol(&mut self, symbol: u32) {
                match symbol {
                    0..=143 => self.code(0x30 + symbol, 8),
                    144..=255 => self.code(0x190 + symbol - 144, 9),
                    256..=279 => self.code(symbol - 256, 7),
                    _ => self.code(0xC0 + symbol - 280, 8),
                }
            }
            fn copy(&mut self, length: u32, distance: u32) {
                let i = LENGTH.iter().rposition(|&(base, _)| base <= length).unwrap();
                self.symbol(257 + i as u32);
                self.put(u64::from(length - LENGTH[i].0), LENGTH[i].1);
                let d = DISTANCE.iter().rposition(|&(base, _)| base <= distance).unwrap();
                self.code(d as u32, 5);
                self.put(u64::from(distance - DISTANCE[d].0), DISTANCE[d].1);
            }
        }
        assert!(unit.len() >= 3 && copies >= 1);
        let mut bits = Bits { out: Vec::new(), acc: 0, n: 0 };
        bits.put(0b011, 3); // the last block, fixed codes
        for &b in head.iter().chain(unit) {
            bits.symbol(u32::from(b));
        }
        let mut left = (copies - 1) * unit.len() as u64;
        while left > 0 {
            let length = match left {
                258.. if left != 259 && left != 260 => 258,
                259 | 260 => 256,
                _ => left as u32,
            };
            if length >= 3 {
                bits.copy(length, unit.len() as u32);
                left -= u64::from(length);
            } else {
                // One or two bytes: the next of the unit, as literals.
                let done = unit.len() as u64 - left;
                for k in 0..left {
                    bits.symbol(u32::from(unit[((done + k) % unit.len() as u64) as usize]));
                }
                left = 0;
            }
        }
        for &b in tail {
            bits.symbol(u32::from(b));
        }
        bits.symbol(256);
        if bits.n > 0 {
            bits.out.push(bits.acc as u8);
        }
        let size = head.len() as u64 + unit.len() as u64 * copies + tail.len() as u64;
        (bits.out, size)
    }

    const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
    const SHEET_TAIL: &str = "</sheetData></worksheet>";
    /// 43 bytes: six rows in one copy of 258.
    const ROW: &str = "<row><c><v>10</v></c><c><v>20</v></c></row>";

    /// A workbook whose sheet is `rows` copies of [`ROW`], deflated, its size declared as
    /// `declared` (the true size when `None`).
    fn big_workbook(rows: u64, declared: Option<u64>) -> Vec<u8> {
        let mut parts = unzip(&workbook(ledger));
        let (data, size) = deflate_repeated(SHEET_HEAD.as_bytes(), ROW.as_bytes(), rows, SHEET_TAIL.as_bytes());
        let entries = parts
            .drain(..)
            .map(|(name, content)| {
                if name == "xl/worksheets/sheet1.xml" {
                    // The checksum is not worked out: the reader must stop long before the end.
                    Entry { name, deflated: true, data: data.clone(), crc: 0, declared: declared.unwrap_or(size) }
                } else {
                    stored(&name, &content)
                }
            })
            .collect();
        zip(entries)
    }

    /// The message of a refusal.
    #[test]
    fn a_zip_of_csv_files_is_said_to_be_one_in_swedish() {
        let bytes = rezip(&[("kostnader.csv".to_owned(), b"Ansvar;Konto;Belopp\n1;2;3\n".to_vec())]);
        assert_eq!(
            refused(sheets("exempel.zip", &bytes)),
            "Filen exempel.zip kunde inte läsas som Excel-arbetsbok: den är en zip-fil men ingen arbetsbok. Är det en zip med CSV-filer, packa upp den och välj filerna i den."
        );
    }

    fn refused(result: Result<Vec<super::Worksheet>, String>) -> String {
        match result {
            Ok(_) => panic!("read, not refused"),
            Err(message) => message,
        }
    }

    fn small(unpacked: u64, cells: u64, text: u64) -> Limits {
        Limits { unpacked, cells, text }
    }

    // -- The helpers themselves ------------------------------------------------------------

    #[test]
    fn the_test_deflater_makes_what_a_reader_unpacks() {
        for copies in [1, 2, 6, 7, 13, 100] {
            let (data, size) = deflate_repeated(b"<a>", b"xyz12", copies, b"</a>");
            let expected = format!("<a>{}</a>", "xyz12".repeat(copies as usize));
            let crc = crc32(expected.as_bytes());
            let bytes = zip(vec![Entry { name: "a.xml".into(), deflated: true, data, crc, declared: size }]);
            assert_eq!(unzip(&bytes), vec![("a.xml".to_string(), expected.into_bytes())]);
        }
    }

    // -- Reading ---------------------------------------------------------------------------

    #[test]
    fn cells_become_text_as_before() {
        let bytes = workbook(|sheet| {
            let date = Format::new().set_num_format("yyyy-mm-dd");
            sheet.write_string(0, 0, "Text").unwrap();
            sheet.write_number(0, 1, 1234.5).unwrap();
            sheet.write_number(0, 2, 0.1).unwrap();
            sheet.write_number(0, 3, 42).unwrap();
            sheet.write_boolean(0, 4, true).unwrap();
            sheet.write_datetime_with_format(0, 5, ExcelDateTime::from_ymd(2025, 3, 1).unwrap(), &date).unwrap();
            sheet.write_string(2, 1, "  ").unwrap();
            sheet.write_string(3, 2, "längre ner").unwrap();
        });
        let sheets = sheets("a.xlsx", &bytes).unwrap();
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].name, "Sheet1");
        let rows = &sheets[0].rows;
        let row = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Row 3 holds only blanks; every row is as wide as the widest of the first ones.
        assert_eq!(
            rows,
            &[
                (1, row(&["Text", "1234.5", "0.1", "42", "1", "2025-03-01"])),
                (4, row(&["", "", "längre ner", "", "", ""]))
            ]
        );
    }

    #[test]
    fn a_date_serial_beyond_any_date_stays_a_number() {
        use calamine::ExcelDateTimeType;
        let huge = Data::DateTime(calamine::ExcelDateTime::new(1e300, ExcelDateTimeType::DateTime, false));
        assert_eq!(text(&huge), format!("{}", 1e300));
        let day = Data::DateTime(calamine::ExcelDateTime::new(45717.0, ExcelDateTimeType::DateTime, false));
        assert_eq!(text(&day), "2025-03-01");
    }

    #[test]
    fn a_cell_at_xfd1048576_reads_at_once_with_the_right_rows() {
        let bytes = workbook(|sheet| {
            ledger(sheet);
            sheet.write_string(1_048_575, 16_383, "x").unwrap();
        });
        let started = std::time::Instant::now();
        let sheets = sheets("långt-bort.xlsx", &bytes).unwrap();
        let rows = &sheets[0].rows;
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3, 1_048_576]);
        assert_eq!(rows[0].1[..3], ["Ansvar", "Konto", "Belopp"]);
        assert_eq!(rows[2].1[..3], ["4110", "5012", "200"]);
        assert!(rows.iter().all(|r| r.1.len() == 16_384));
        assert_eq!(rows[3].1[16_383], "x");
        assert!(rows[3].1[..16_383].iter().all(String::is_empty));
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    #[test]
    fn a_dimension_that_claims_the_whole_sheet_is_not_believed() {
        let mut parts = unzip(&workbook(|sheet| {
            sheet.write_string(0, 0, "a").unwrap();
            sheet.write_string(0, 2, "b").unwrap();
            sheet.write_string(4, 1, "c").unwrap();
        }));
        replace(
            part(&mut parts, "xl/worksheets/sheet1.xml"),
            r#"<dimension ref="A1:C5"/>"#,
            r#"<dimension ref="A1:XFD1048576"/>"#,
        );
        let sheets = sheets("dimension.xlsx", &rezip(&parts)).unwrap();
        let row = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(&sheets[0].rows, &[(1, row(&["a", "", "b"])), (5, row(&["", "c", ""]))]);
    }

    #[test]
    fn rows_out_of_order_are_put_in_order_and_a_repeated_row_merged() {
        let mut parts = unzip(&workbook(|sheet| {
            sheet.write_string(0, 0, "a").unwrap();
        }));
        let sheet_data = r#"<sheetData><row r="3"><c r="A3" t="inlineStr"><is><t>c</t></is></c></row><row r="1"><c r="B1" t="inlineStr"><is><t>a</t></is></c></row><row r="3"><c r="C3" t="inlineStr"><is><t>d</t></is></c></row></sheetData>"#;
        let xml = String::from_utf8(part(&mut parts, "xl/worksheets/sheet1.xml").clone()).unwrap();
        let (before, rest) = xml.split_once("<sheetData>").unwrap();
        let (_, after) = rest.split_once("</sheetData>").unwrap();
        *part(&mut parts, "xl/worksheets/sheet1.xml") = format!("{before}{sheet_data}{after}").into_bytes();
        let sheets = sheets("ordning.xlsx", &rezip(&parts)).unwrap();
        let row = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(&sheets[0].rows, &[(1, row(&["", "a", ""])), (3, row(&["c", "", "d"]))]);
    }

    // -- Limits ----------------------------------------------------------------------------

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_unpacked() {
        // 600 MiB of sheet in about 5 MB, its size declared truthfully.
        let rows = 600 * 1024 * 1024 / ROW.len() as u64;
        let bytes = big_workbook(rows, None);
        assert!(bytes.len() < 6_000_000, "{}", bytes.len());
        let started = std::time::Instant::now();
        let error = refused(sheets("bomb.xlsx", &bytes));
        assert_eq!(
            error,
            "Filen bomb.xlsx packas upp till 600\u{a0}MB när bladet Sheet1 läses; gränsen är 512\u{a0}MB. \
             Filen kan vara skadad eller gjord för att fylla minnet (en så kallad zipbomb)."
        );
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn a_part_larger_than_it_says_is_refused_as_soon_as_it_passes_its_size() {
        // 100 MiB of sheet that says it is 2 000 bytes: the reader stops there.
        let bytes = big_workbook(100 * 1024 * 1024 / ROW.len() as u64, Some(2_000));
        let started = std::time::Instant::now();
        let error = refused(sheets("lögn.xlsx", &bytes));
        assert_eq!(
            error,
            "Filen lögn.xlsx är skadad: en del av den (bladet Sheet1) packas upp till mer än filen själv anger."
        );
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn a_part_read_for_several_sheets_is_counted_each_time() {
        // Three sheets that all name the first sheet's part, which says it is `declared` bytes.
        let book = |declared: u64| {
            let mut parts = unzip(&{
                let mut book = Workbook::new();
                for _ in 0..3 {
                    ledger(book.add_worksheet());
                }
                book.save_to_buffer().unwrap()
            });
            let rels = part(&mut parts, "xl/_rels/workbook.xml.rels");
            replace(rels, "worksheets/sheet2.xml", "worksheets/sheet1.xml");
            replace(rels, "worksheets/sheet3.xml", "worksheets/sheet1.xml");
            let entries = parts
                .into_iter()
                .map(|(name, content)| {
                    if name == "xl/worksheets/sheet1.xml" {
                        let (head, last) = content.split_at(content.len() - 3);
                        let (data, _) = deflate_repeated(head, last, 1, b"");
                        Entry { name, deflated: true, data, crc: crc32(&content), declared }
                    } else {
                        stored(&name, &content)
                    }
                })
                .collect();
            zip(entries)
        };
        assert_eq!(
            refused(sheets("samma.xlsx", &book(200 << 20))),
            "Filen samma.xlsx packas upp till 600\u{a0}MB när bladet Sheet3 läses; gränsen är 512\u{a0}MB. \
             Filen kan vara skadad eller gjord för att fylla minnet (en så kallad zipbomb)."
        );
        let read = sheets("samma.xlsx", &book(150 << 20)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.len(), 3);
        assert!(read.iter().all(|s| s.rows.len() == 3));
    }

    #[test]
    fn the_budget_counts_the_parts_calamine_reads() {
        let bytes = workbook(ledger);
        let parts = Parts::new(&bytes).unwrap();
        let meter = Meter::new(u64::MAX);
        let mut book = Xlsx::new(Metered::new(&bytes, &parts.starts, &meter)).unwrap();
        let opened = meter.used.get();
        let mut reader = book.worksheet_cells_reader("Sheet1").unwrap();
        while reader.next_cell().unwrap().is_some() {}
        let sizes: HashMap<String, u64> = unzip(&bytes).into_iter().map(|(n, d)| (n, d.len() as u64)).collect();
        assert_eq!(meter.used.get() - opened, sizes["xl/worksheets/sheet1.xml"]);
        let total: u64 = sizes.values().sum();
        assert!(opened >= sizes["xl/workbook.xml"] + sizes["xl/styles.xml"], "{opened}");
        assert!(opened < total, "{opened} {total}");
    }

    #[test]
    fn too_many_cells_are_refused_counting_the_padding() {
        // A header that reaches column XFD, and 1 221 rows under it: 1 222 × 16 384 cells.
        let bytes = workbook(|sheet| {
            sheet.write_string(0, 0, "Ansvar").unwrap();
            sheet.write_string(0, 16_383, "x").unwrap();
            for r in 1..1_222 {
                sheet.write_number(r, 0, 4110).unwrap();
            }
        });
        let error = refused(sheets("celler.xlsx", &bytes));
        assert_eq!(
            error,
            "Filen celler.xlsx ger minst 20\u{a0}021\u{a0}248 celler när bladet Sheet1 läses; gränsen är 20\u{a0}000\u{a0}000. \
             Tomma celler räknas med fram till radens sista ifyllda cell. \
             Ta bort blad, rader och kolumner som inte behövs, eller dela upp utdraget på flera filer."
        );
    }

    #[test]
    fn the_cells_of_all_sheets_count_together() {
        let bytes = {
            let mut book = Workbook::new();
            for _ in 0..2 {
                ledger(book.add_worksheet());
            }
            book.save_to_buffer().unwrap()
        };
        let error = refused(read_within("två.xlsx", &bytes, &small(MAX_UNPACKED, 17, MAX_TEXT)));
        assert!(
            error.starts_with("Filen två.xlsx ger minst 18 celler när bladet Sheet2 läses; gränsen är 17."),
            "{error}"
        );
        assert_eq!(read_within("två.xlsx", &bytes, &small(MAX_UNPACKED, 18, MAX_TEXT)).unwrap().len(), 2);
    }

    #[test]
    fn a_shared_string_used_many_times_counts_each_time() {
        let long = "Ansvar ".repeat(1_000);
        let bytes = workbook(|sheet| {
            for r in 0..100 {
                sheet.write_string(r, 0, &long).unwrap();
            }
        });
        let limit = 50 * long.len() as u64;
        let error = refused(read_within("text.xlsx", &bytes, &small(MAX_UNPACKED, MAX_CELLS, limit)));
        assert_eq!(
            error,
            "Filen text.xlsx ger minst 0,3\u{a0}MB text när bladet Sheet1 läses; gränsen är 0,3\u{a0}MB. \
             Ta bort blad, rader och kolumner som inte behövs, eller dela upp utdraget på flera filer."
        );
    }

    #[test]
    fn a_shared_strings_table_that_claims_billions_is_refused_before_calamine_reserves_room() {
        let mut parts = unzip(&workbook(ledger));
        replace(part(&mut parts, "xl/sharedStrings.xml"), r#"uniqueCount="3""#, r#"uniqueCount="4000000000""#);
        let error = refused(sheets("strängar.xlsx", &rezip(&parts)));
        assert_eq!(
            error,
            "Filen strängar.xlsx har 4\u{a0}000\u{a0}000\u{a0}000 delade texter; gränsen är 20\u{a0}000\u{a0}000."
        );
    }

    #[test]
    fn shared_strings_are_counted_on_the_raw_bytes() {
        /// A reader that gives one byte at a time, so that every pattern is split.
        struct Drip<'d>(&'d [u8]);
        impl Read for Drip<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((&b, rest)) = self.0.split_first() else { return Ok(0) };
                buf[0] = b;
                self.0 = rest;
                Ok(1)
            }
        }
        let xml = br#"<?xml version="1.0"?><x:sst xmlns:x="s" count="9" uniqueCount = '12' ><x:si><x:t>a</x:t></x:si><si/><!-- <si> --><sim/><si
            ><t>uniqueCount="999"</t></si><siblings/></x:sst>"#;
        let expected = StringCounts { claimed: 999, elements: 4 };
        assert_eq!(shared_string_counts(&xml[..]).0, expected);
        assert_eq!(shared_string_counts(Drip(xml)).0, expected);
        // A name or a number that runs past the look-ahead counts as the worst case.
        let long = format!("<{}>", "a".repeat(2_000));
        assert_eq!(shared_string_counts(long.as_bytes()).0.elements, 1);
        assert_eq!(shared_string_counts(Drip(long.as_bytes())).0.elements, 1);
        assert_eq!(shared_string_counts(&b"<si"[..]).0.elements, 1);
        assert_eq!(shared_string_counts(&br#"uniqueCount="12"#[..]).0.claimed, u64::MAX);
        assert_eq!(shared_string_counts(&br#"uniqueCount=12"#[..]).0.claimed, 0);
        // Linear: 4 MB of `<`, and of names longer than the look-ahead, read at once.
        let started = std::time::Instant::now();
        // (Only the last `<`, with nothing after it, might open an `si`.)
        assert_eq!(shared_string_counts(&vec![b'<'; 4 << 20][..]).0.elements, 1);
        let long = format!("<{}", "a".repeat(600)).repeat(7_000);
        assert_eq!(shared_string_counts(long.as_bytes()).0.elements, 7_000);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn cells_beyond_excel_s_grid_are_refused() {
        for (reference, expected) in [
            (
                "A1048577",
                "Bladet Sheet1 i rad.xlsx har en cell på rad 1\u{a0}048\u{a0}577; ett blad har högst 1\u{a0}048\u{a0}576 rader.",
            ),
            (
                "XFE1",
                "Bladet Sheet1 i rad.xlsx har en cell i kolumn 16\u{a0}385; ett blad har högst 16\u{a0}384 kolumner (A till XFD).",
            ),
        ] {
            let mut parts = unzip(&workbook(|sheet| {
                sheet.write_string(0, 0, "a").unwrap();
            }));
            replace(part(&mut parts, "xl/worksheets/sheet1.xml"), r#"r="A1""#, &format!(r#"r="{reference}""#));
            assert_eq!(refused(sheets("rad.xlsx", &rezip(&parts))), expected);
        }
    }

    #[test]
    fn malformed_workbooks_give_a_message_not_a_panic() {
        let good = workbook(ledger);
        let mut odd = Vec::new();
        for (from, to) in [
            // calamine subtracts the corners of a dimension (overflow in debug builds).
            (r#"<dimension ref="A1:C3"/>"#, r#"<dimension ref="C3:A1"/>"#),
            (r#"r="A1""#, r#"r="AAAAAAAAAAAAAAAAAAAAAAAA1""#),
            (r#"r="A1""#, r#"r="A99999999999999999999""#),
            (r#"r="A1""#, r#"r="""#),
            ("<sheetData>", "<sheetData><row r=\"4294967295\"></row><row></row>"),
            ("</sheetData>", ""),
            ("<v>4110</v>", "<v>4110"),
        ] {
            let mut parts = unzip(&good);
            replace(part(&mut parts, "xl/worksheets/sheet1.xml"), from, to);
            odd.push(rezip(&parts));
        }
        let mut parts = unzip(&good);
        replace(part(&mut parts, "xl/sharedStrings.xml"), "<si>", "<si><si>");
        odd.push(rezip(&parts));
        for cut in [10, 100, 1_000, good.len() / 2, good.len() - 10] {
            odd.push(good[..cut].to_vec());
        }
        odd.push(OLE.iter().copied().chain(std::iter::repeat_n(0xFF, 2_000)).collect());
        odd.push(b"PK\x03\x04".to_vec());
        for (i, bytes) in odd.iter().enumerate() {
            // Only that it returns; what it says depends on calamine.
            let _ = sheets(&format!("fel{i}.xlsx"), bytes);
        }
        assert!(
            refused(sheets("fel.xlsx", &good[..good.len() / 2]))
                == "Filen fel.xlsx kunde inte läsas som Excel-arbetsbok: den är ofullständig och kan ha avbrutits när den sparades eller laddades ned. Spara den igen i Excel och läs in den igen."
        );
    }

    // -- .ods ------------------------------------------------------------------------------

    const ODS_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#;
    const ODS_TAIL: &str = "</office:spreadsheet></office:body></office:document-content>";

    fn ods_book(tables: &str) -> Vec<u8> {
        ods_content(&format!("{ODS_HEAD}{tables}{ODS_TAIL}"))
    }

    fn ods_content(content: &str) -> Vec<u8> {
        const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
        zip(vec![
            stored("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            stored("META-INF/manifest.xml", MANIFEST.as_bytes()),
            stored("content.xml", content.as_bytes()),
        ])
    }

    fn text_cell(text: &str) -> String {
        format!(r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#)
    }

    fn number_cell(n: i64) -> String {
        format!(
            r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
        )
    }

    fn ods_ledger() -> String {
        let header: String = ["Ansvar", "Konto", "Belopp"].iter().map(|h| text_cell(h)).collect();
        let rows: String = [[4110, 5011, 100], [4110, 5012, 200]]
            .iter()
            .map(|r| {
                format!("<table:table-row>{}</table:table-row>", r.iter().map(|&n| number_cell(n)).collect::<String>())
            })
            .collect();
        format!("<table:table-row>{header}</table:table-row>{rows}")
    }

    #[test]
    fn an_ods_reads_with_its_repeated_rows_and_columns() {
        let far = format!(
            r#"<table:table-row table:number-rows-repeated="996"><table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="99"/>{}</table:table-row>"#,
            text_cell("x &amp; y<text:s text:c=\"2\"/>z")
        );
        let bytes = ods_book(&format!(r#"<table:table table:name="Blad 1">{}{far}</table:table>"#, ods_ledger()));
        let sheets = sheets("kalkyl.ods", &bytes).unwrap();
        assert_eq!(sheets[0].name, "Blad 1");
        let rows = &sheets[0].rows;
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3, 1_000]);
        assert_eq!(rows[1].1[..3], ["4110", "5011", "100"]);
        assert_eq!(rows[3].1.len(), 100);
        assert_eq!(rows[3].1[99], "x & y  z");
    }

    #[test]
    fn an_ods_far_cell_is_refused_for_the_grid_calamine_would_build() {
        let far = format!(
            r#"<table:table-row table:number-rows-repeated="1048572"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/>{}</table:table-row>"#,
            text_cell("x")
        );
        let bytes = ods_book(&format!(r#"<table:table table:name="Blad1">{}{far}</table:table>"#, ods_ledger()));
        // 1 048 576 rows × 16 384 columns, and the 9 + 16 384 cells read before.
        assert_eq!(
            refused(sheets("långt-bort.ods", &bytes)),
            "Filen långt-bort.ods ger minst 17\u{a0}179\u{a0}885\u{a0}577 celler när bladet Blad1 läses; gränsen är 20\u{a0}000\u{a0}000. \
             Tomma celler räknas med fram till radens sista ifyllda cell. \
             Ta bort blad, rader och kolumner som inte behövs, eller dela upp utdraget på flera filer."
        );
    }

    #[test]
    fn an_ods_with_repeated_filled_cells_is_refused() {
        let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
        let bytes = ods_book(&format!(r#"<table:table table:name="A">{}</table:table>"#, row.repeat(1_300)));
        let error = refused(sheets("upprepat.ods", &bytes));
        assert!(error.starts_with("Filen upprepat.ods ger minst "), "{error}");
        assert!(error.contains(" celler när bladet A läses; gränsen är 20\u{a0}000\u{a0}000."), "{error}");
    }

    #[test]
    fn an_ods_space_run_counts_as_text() {
        let cell = text_cell(r#"a<text:s text:c="4000000000"/>b"#);
        let bytes = ods_book(&format!(
            r#"<table:table table:name="A"><table:table-row>{cell}</table:table-row></table:table>"#
        ));
        let error = refused(sheets("mellanslag.ods", &bytes));
        assert!(
            error.starts_with(
                "Filen mellanslag.ods ger minst 3,7\u{a0}GB text när bladet A läses; gränsen är 512\u{a0}MB."
            ),
            "{error}"
        );
    }

    #[test]
    fn an_ods_that_ends_inside_a_table_is_refused() {
        // calamine's table reader would wait for the end of the table for ever.
        let bytes = ods_content(&format!(r#"{ODS_HEAD}<table:table table:name="A">{}"#, ods_ledger()));
        assert_eq!(
            refused(sheets("avbruten.ods", &bytes)),
            "Bladet A i avbruten.ods är skadat: filen tar slut mitt i bladet."
        );
    }

    #[test]
    fn an_ods_with_a_doctype_is_refused() {
        let bytes = ods_content(&format!("<!DOCTYPE x [<!ENTITY a \"b\">]>{ODS_HEAD}{ODS_TAIL}"));
        assert_eq!(
            refused(sheets("dtd.ods", &bytes)),
            "Filen dtd.ods innehåller en DOCTYPE-deklaration, som ett kalkylark inte ska ha; den läses inte."
        );
    }

    #[test]
    fn markup_is_split_as_quick_xml_splits_it_whatever_the_pieces() {
        let xml = br#"<?xml version="1.0"?><a b=">" c='"'><!-- <x> --- --><![CDATA[<y>]]]><?pi <z> ?><c/><d e="/"></d ><!---><f/>--></a>"#;
        let events = |pieces: usize| {
            let mut tokens = Tokens::new();
            let mut seen = Vec::new();
            for chunk in xml.chunks(pieces) {
                tokens
                    .feed::<()>(chunk, &mut |m, at| {
                        seen.push(match m {
                            Markup::Start { name, attrs, .. } => {
                                format!("<{}|{}@{at}", String::from_utf8_lossy(name), String::from_utf8_lossy(attrs))
                            }
                            Markup::End { name } => format!("</{}@{at}", String::from_utf8_lossy(name)),
                            Markup::Doctype => "!".into(),
                        });
                        Ok(())
                    })
                    .unwrap();
            }
            assert!(tokens.clean_end());
            seen
        };
        let whole = events(xml.len());
        // Offsets just after each `>`: `<a …>` ends at byte 36, `<c/>` at 83.
        assert_eq!(whole, ["<a| b=\">\" c='\"'@36", "<c|@83", "</c@83", "<d| e=\"/\"@92", "</d@97", "</a@114",]);
        for pieces in 1..8 {
            assert_eq!(events(pieces), whole, "{pieces}");
        }
    }

    #[test]
    fn attribute_values_are_read_as_calamine_reads_them() {
        assert_eq!(attr(br#" a="1" b = '2'"#, b"b"), Ok(Some(&b"2"[..])));
        assert_eq!(attr(br#" a="1" b"#, b"b"), Err(()));
        assert_eq!(attr(br#" a=1 b="2""#, b"b"), Err(()));
        assert_eq!(unescape(b"&#49;&#x30;&amp;"), Some("10&".into()));
        assert_eq!(unescape(b"&#x31"), None);
        assert_eq!(unescape(b"&#+1;"), None);
        assert_eq!(unescape(b"&nbsp;"), None);
        assert_eq!(number(b"+12"), Some(12));
        assert_eq!(number(b" 12"), None);
    }
}

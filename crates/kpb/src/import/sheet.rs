//! A grid of cells with line numbers: a CSV text with its detected delimiter, or a worksheet.
//!
//! The text reader accounts for every physical line. Lines end with LF, CRLF or a lone CR (old
//! Mac exports), each counted as one line. A quoted field may span lines (Excel's Alt+Enter), but
//! only within bounds: a quote that does not close within [`MAX_RECORD_LINES`] lines or
//! [`MAX_LINE_BYTES`] bytes, or whose record would then have more fields than the header, is
//! taken to be a stray quote — the line is read on its own with the quote as an ordinary
//! character, and the reader says so ([`Item::Row::stray_quote`]). A line longer than
//! [`MAX_LINE_BYTES`] is not split into cells at all ([`Item::TooLong`]). So one broken quote or
//! one runaway line can never swallow the rest of a file.

use crate::finding::Position;
use std::borrow::Cow;

/// The longest line (or record) read as data. Real extracts have lines of a few hundred bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// The most physical lines one quoted field may span.
pub const MAX_RECORD_LINES: u32 = 10;

/// One table of an input file: where it came from and its cells.
pub struct Sheet<'a> {
    pub file: String,
    pub sheet: Option<String>,
    pub source: Source<'a>,
}

/// One worksheet of a workbook as its cells' text: what a [`WorkbookReader`] gives the loader.
#[derive(Clone, Debug, PartialEq)]
pub struct Worksheet {
    pub name: String,
    /// Rows of cells with their row numbers from 1, in increasing order (blank rows left out).
    pub rows: Vec<(u32, Vec<String>)>,
}

/// Reads a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) into its worksheets, or says in Swedish
/// why it cannot; given the file's name and bytes. Natively the engine's own (feature `xlsx`);
/// the web app's worker passes one that calls a module loaded only when a workbook is met.
pub type WorkbookReader<'r> = &'r dyn Fn(&str, &[u8]) -> Result<Vec<Worksheet>, String>;

/// A workbook reader's answer as bytes, to cross from one wasm module to another (the web app's
/// workbook module to its worker): lengths as little-endian `u32`, text as UTF-8; a copy, where
/// JSON would escape and parse a string per cell (a third of a second at 100 000 rows).
pub fn encode_workbook(read: &Result<Vec<Worksheet>, String>) -> Vec<u8> {
    fn text(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    let mut out = Vec::new();
    match read {
        Err(message) => {
            out.push(1);
            text(&mut out, message);
        }
        Ok(sheets) => {
            out.push(0);
            out.extend_from_slice(&(sheets.len() as u32).to_le_bytes());
            for sheet in sheets {
                text(&mut out, &sheet.name);
                out.extend_from_slice(&(sheet.rows.len() as u32).to_le_bytes());
                for (line, cells) in &sheet.rows {
                    out.extend_from_slice(&line.to_le_bytes());
                    out.extend_from_slice(&(cells.len() as u32).to_le_bytes());
                    for cell in cells {
                        text(&mut out, cell);
                    }
                }
            }
        }
    }
    out
}

/// [`encode_workbook`] undone; `None` for bytes it did not write.
pub fn decode_workbook(bytes: &[u8]) -> Option<Result<Vec<Worksheet>, String>> {
    struct Reader<'b>(&'b [u8]);
    impl Reader<'_> {
        fn take(&mut self, n: usize) -> Option<&[u8]> {
            let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
            self.0 = rest;
            Some(head)
        }
        fn number(&mut self) -> Option<u32> {
            Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
        }
        fn text(&mut self) -> Option<String> {
            let n = self.number()? as usize;
            String::from_utf8(self.take(n)?.to_vec()).ok()
        }
        /// Room for `n` items of at least `size` bytes each: no more than the bytes left hold,
        /// nor than 65 536 at once (a count in garbled bytes reserves little).
        fn list<T>(&self, n: u32, size: usize) -> Vec<T> {
            Vec::with_capacity((n as usize).min(self.0.len() / size).min(1 << 16))
        }
    }
    let mut r = Reader(bytes);
    let read = match r.take(1)? {
        [1] => Err(r.text()?),
        [0] => {
            let count = r.number()?;
            let mut sheets = r.list(count, 8);
            for _ in 0..count {
                let name = r.text()?;
                let count = r.number()?;
                let mut rows = r.list(count, 8);
                for _ in 0..count {
                    let line = r.number()?;
                    let count = r.number()?;
                    let mut cells = r.list(count, 4);
                    for _ in 0..count {
                        cells.push(r.text()?);
                    }
                    rows.push((line, cells));
                }
                sheets.push(Worksheet { name, rows });
            }
            Ok(sheets)
        }
        _ => return None,
    };
    r.0.is_empty().then_some(read)
}

pub enum Source<'a> {
    /// Delimited text and its delimiter.
    Csv { text: Cow<'a, str>, delimiter: u8 },
    /// Rows of cells as text, with their line (row) numbers from 1, in increasing order.
    Cells(Vec<(u32, Vec<String>)>),
}

/// One row's fields, borrowed from the sheet.
pub enum Row<'r> {
    /// Fields of a text record, trimmed.
    Fields(&'r [Cow<'r, str>]),
    /// Cells of a worksheet row.
    Cells(&'r [String]),
}

impl Row<'_> {
    /// The field at `index`, trimmed; empty when the row is shorter.
    pub fn get(&self, index: usize) -> &str {
        match self {
            Row::Fields(f) => f.get(index).map_or("", |c| c.as_ref()),
            Row::Cells(c) => c.get(index).map_or("", |c| trim(c)),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Row::Fields(f) => f.len(),
            Row::Cells(c) => c.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        (0..self.len()).all(|i| self.get(i).is_empty())
    }

    /// The number of fields up to the last non-empty one (trailing empty fields, as Excel
    /// writes them, do not count).
    pub fn width(&self) -> usize {
        (0..self.len()).rev().find(|&i| !self.get(i).is_empty()).map_or(0, |i| i + 1)
    }
}

/// What the reader meets, line by line.
pub enum Item<'r> {
    /// A row with at least one non-empty field.
    Row {
        /// The physical line it starts on, from 1.
        line: u32,
        /// How many physical lines it spans (more than 1 for a quoted line break).
        lines: u32,
        row: Row<'r>,
        /// The column (from 1) of a quote that did not close on its line and was read as an
        /// ordinary character.
        stray_quote: Option<u32>,
    },
    /// A line (or worksheet row) with no content.
    Blank { line: u32 },
    /// A line longer than [`MAX_LINE_BYTES`], not read.
    TooLong { line: u32, bytes: usize },
}

impl<'a> Sheet<'a> {
    pub fn csv(file: &str, text: impl Into<Cow<'a, str>>) -> Sheet<'a> {
        let text = text.into();
        let delimiter = detect_delimiter(&text);
        Sheet { file: file.to_owned(), sheet: None, source: Source::Csv { text, delimiter } }
    }

    pub fn worksheet(file: &str, worksheet: Worksheet) -> Sheet<'static> {
        Sheet { file: file.to_owned(), sheet: Some(worksheet.name), source: Source::Cells(worksheet.rows) }
    }

    /// A position in this sheet.
    pub fn pos(&self, line: u32) -> Position {
        Position { file: self.file.clone(), sheet: self.sheet.clone(), line: Some(line), ..Position::default() }
    }

    pub fn file_pos(&self) -> Position {
        Position { file: self.file.clone(), sheet: self.sheet.clone(), ..Position::default() }
    }

    /// Calls `f` with every item of the sheet, in order, and stops early when `f` returns
    /// `false`. `width`, when known (the header's), bounds the fields a record spanning several
    /// lines may have. Returns the number of physical lines (worksheet rows) read.
    pub fn read(&self, width: Option<usize>, mut f: impl FnMut(Item) -> bool) -> u32 {
        match &self.source {
            Source::Csv { text, delimiter } => {
                let mut reader = TextReader::new(text, *delimiter, width);
                let mut fields = Vec::new();
                while let Some(item) = reader.next(&mut fields) {
                    let go_on = match item {
                        Next::Row { line, lines, stray_quote } => {
                            let row = Row::Fields(&fields);
                            if row.is_empty() {
                                // (A blank record can span lines: a quoted line break alone.)
                                (line..line + lines).all(|line| f(Item::Blank { line }))
                            } else {
                                f(Item::Row { line, lines, row, stray_quote })
                            }
                        }
                        Next::TooLong { line, bytes } => f(Item::TooLong { line, bytes }),
                    };
                    if !go_on {
                        break;
                    }
                }
                reader.line - 1
            }
            Source::Cells(rows) => {
                let mut next_line = 1;
                for (line, cells) in rows {
                    for blank in next_line..*line {
                        if !f(Item::Blank { line: blank }) {
                            return *line;
                        }
                    }
                    next_line = line + 1;
                    let row = Row::Cells(cells);
                    let item = if row.is_empty() {
                        Item::Blank { line: *line }
                    } else {
                        Item::Row { line: *line, lines: 1, row, stray_quote: None }
                    };
                    if !f(item) {
                        return *line;
                    }
                }
                next_line - 1
            }
        }
    }

    /// Calls `f` with the line number and fields of every row that is not blank, in order;
    /// stops early when `f` returns `false`. (Lines too long to read are passed over.)
    pub fn for_each_row(&self, mut f: impl FnMut(u32, &Row) -> bool) {
        self.read(None, |item| match item {
            Item::Row { line, row, .. } => f(line, &row),
            Item::Blank { .. } | Item::TooLong { .. } => true,
        });
    }

    /// The first `n` non-blank rows, as owned text (for header detection and previews).
    pub fn head(&self, n: usize) -> Vec<(u32, Vec<String>)> {
        let mut out = Vec::with_capacity(n);
        self.for_each_row(|line, row| {
            out.push((line, (0..row.len()).map(|i| row.get(i).to_owned()).collect()));
            out.len() < n
        });
        out
    }

    /// Physical lines (or rows with cells) in the sheet: for progress and for reserving room.
    pub fn line_count(&self) -> usize {
        match &self.source {
            Source::Csv { text, .. } => {
                let bytes = text.as_bytes();
                let count = |byte: u8| memchr::memchr_iter(byte, bytes).count();
                // LF and lone CR; CRLF is one. (Counted byte by byte only when there is a CR.)
                let breaks = match count(b'\r') {
                    0 => count(b'\n'),
                    _ => bytes
                        .iter()
                        .enumerate()
                        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
                        .count(),
                };
                breaks + usize::from(!matches!(bytes.last(), None | Some(b'\n' | b'\r')))
            }
            // Rows that exist (a far-away cell's row number says nothing of the work).
            Source::Cells(rows) => rows.len(),
        }
    }

    /// Whether a text file ends with a line break (`None` for worksheets).
    pub fn ends_with_newline(&self) -> Option<bool> {
        match &self.source {
            Source::Csv { text, .. } => Some(text.ends_with('\n') || text.ends_with('\r')),
            Source::Cells(_) => None,
        }
    }

    /// The delimiter, for text files.
    pub fn delimiter(&self) -> Option<u8> {
        match self.source {
            Source::Csv { delimiter, .. } => Some(delimiter),
            Source::Cells(_) => None,
        }
    }
}

/// What [`TextReader::next`] found.
enum Next {
    Row { line: u32, lines: u32, stray_quote: Option<u32> },
    TooLong { line: u32, bytes: usize },
}

/// A delimited-text reader over a whole text: RFC 4180 quoting, read leniently and in bounds.
struct TextReader<'t> {
    text: &'t str,
    delimiter: u8,
    width: Option<usize>,
    /// Byte offset of the next record.
    pos: usize,
    /// Physical line of the next record, from 1.
    line: u32,
}

/// How a record ended.
enum Parsed {
    /// At byte `end` (the start of its line break or the end of the text), spanning `lines`.
    Done { end: usize, lines: u32 },
    /// A quoted field in column `column` (0-based) did not close within the bounds.
    Unclosed { column: usize },
}

impl<'t> TextReader<'t> {
    fn new(text: &'t str, delimiter: u8, width: Option<usize>) -> TextReader<'t> {
        TextReader { text, delimiter, width, pos: 0, line: 1 }
    }

    /// The next record's fields into `fields`; `None` at the end of the text.
    fn next(&mut self, fields: &mut Vec<Cow<'t, str>>) -> Option<Next> {
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        let start = self.pos;
        let line = self.line;
        let line_end = line_end(bytes, start);
        if line_end - start > MAX_LINE_BYTES {
            self.pos = after_break(bytes, line_end);
            self.line += 1;
            return Some(Next::TooLong { line, bytes: line_end - start });
        }
        fields.clear();
        if memchr::memchr(b'"', &bytes[start..line_end]).is_none() {
            // Most lines have no quote: their fields are what lies between the delimiters.
            // (What `parse` gives such a line, found with a fast search.)
            let mut from = start;
            for at in memchr::memchr_iter(self.delimiter, &bytes[start..line_end]) {
                fields.push(Cow::Borrowed(trim(&self.text[from..start + at])));
                from = start + at + 1;
            }
            fields.push(Cow::Borrowed(trim(&self.text[from..line_end])));
            self.pos = after_break(bytes, line_end);
            self.line += 1;
            return Some(Next::Row { line, lines: 1, stray_quote: None });
        }
        let (end, lines, stray_quote) = match self.parse(start, true, usize::MAX, fields) {
            Parsed::Done { end, lines } if lines == 1 || self.joins_well(line_end, end, fields.len()) => {
                (end, lines, None)
            }
            // A record that ran over several lines only because of a stray quote: each line on
            // its own, the quote as an ordinary character.
            Parsed::Done { .. } | Parsed::Unclosed { .. } => {
                fields.clear();
                // Within one line, the first quote that does not close is the stray one.
                let column = match self.parse(start, false, usize::MAX, fields) {
                    Parsed::Unclosed { column } => column,
                    Parsed::Done { .. } => usize::MAX,
                };
                fields.clear();
                self.parse(start, false, column, fields);
                (line_end, 1, (column != usize::MAX).then_some(column as u32 + 1))
            }
        };
        self.pos = after_break(bytes, end);
        self.line += lines;
        Some(Next::Row { line, lines, stray_quote })
    }

    /// Whether a record that spans lines (its first line ending at `first_end`, the record at
    /// `end`) is one record rather than rows joined by a stray quote: with the header's width
    /// known, it has no more fields than the header, and no later line could be a row of its
    /// own (as many delimiters as a full row).
    fn joins_well(&self, first_end: usize, end: usize, fields: usize) -> bool {
        let Some(width) = self.width else { return true };
        let d = self.delimiter;
        fields <= width
            && self.text.as_bytes()[first_end..end]
                .split(|&b| b == b'\n' || b == b'\r')
                .all(|line| width < 2 || line.iter().filter(|&&b| b == d).count() < width - 1)
    }

    /// Parses one record from `start`. With `multiline`, quoted fields may span line breaks
    /// (within the bounds); without, a quote still open at the end of the line is `Unclosed`.
    /// From field `literal_from` (0-based) on, quotes are ordinary characters.
    fn parse(&self, start: usize, multiline: bool, literal_from: usize, fields: &mut Vec<Cow<'t, str>>) -> Parsed {
        let bytes = self.text.as_bytes();
        let d = self.delimiter;
        let mut i = start;
        let mut lines = 1;
        loop {
            // One field from `i`.
            let mut j = i;
            while j < bytes.len() && bytes[j] == b' ' {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'"' && fields.len() < literal_from {
                // Quoted: up to the closing quote, `""` for a quote.
                let mut k = j + 1;
                let mut owned: Option<String> = None;
                let mut piece = k;
                loop {
                    if k >= bytes.len() || k - start > MAX_LINE_BYTES {
                        return Parsed::Unclosed { column: fields.len() };
                    }
                    match bytes[k] {
                        b'"' if bytes.get(k + 1) == Some(&b'"') => {
                            owned.get_or_insert_with(String::new).push_str(&self.text[piece..=k]);
                            k += 2;
                            piece = k;
                        }
                        b'"' => break,
                        b'\r' | b'\n' => {
                            if !multiline || lines >= MAX_RECORD_LINES {
                                return Parsed::Unclosed { column: fields.len() };
                            }
                            lines += 1;
                            k = after_break(bytes, k);
                        }
                        _ => k += 1,
                    }
                }
                let quoted = match owned {
                    Some(mut s) => {
                        s.push_str(&self.text[piece..k]);
                        Cow::Owned(s)
                    }
                    None => Cow::Borrowed(&self.text[piece..k]),
                };
                // Anything between the closing quote and the delimiter is kept, as written.
                let rest_end = field_end(bytes, k + 1, d);
                let rest = &self.text[k + 1..rest_end];
                let field = if rest.trim().is_empty() {
                    trim_cow(quoted)
                } else {
                    Cow::Owned(format!("{quoted}{rest}").trim().to_owned())
                };
                fields.push(field);
                i = rest_end;
            } else {
                let end = field_end(bytes, i, d);
                fields.push(Cow::Borrowed(trim(&self.text[i..end])));
                i = end;
            }
            if i < bytes.len() && bytes[i] == d {
                i += 1;
                continue;
            }
            return Parsed::Done { end: i, lines };
        }
    }
}

/// `str::trim`, told at the two ends' bytes for most fields: a printable ASCII letter at each
/// end is not white space. (Called for every field.)
fn trim(s: &str) -> &str {
    let plain = |b: &u8| (b'!'..=b'~').contains(b);
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if plain(a) && plain(b) => s,
        (None, _) => s,
        _ => s.trim(),
    }
}

fn trim_cow(c: Cow<'_, str>) -> Cow<'_, str> {
    match c {
        Cow::Borrowed(s) => Cow::Borrowed(trim(s)),
        Cow::Owned(s) if trim(&s).len() == s.len() => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(trim(&s).to_owned()),
    }
}

/// The end of an unquoted field: the next delimiter or line break, or the end of the text.
fn field_end(bytes: &[u8], from: usize, delimiter: u8) -> usize {
    bytes[from..].iter().position(|&b| b == delimiter || b == b'\n' || b == b'\r').map_or(bytes.len(), |p| from + p)
}

/// The start of the line break ending the line at `from` (or the end of the text).
fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', &bytes[from..]).map_or(bytes.len(), |p| from + p)
}

/// The first byte after the line break at `at` (LF, CRLF or CR).
fn after_break(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at) {
        Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => at + 2,
        Some(b'\r' | b'\n') => at + 1,
        _ => at,
    }
}

/// Picks the delimiter that splits most of the first lines into more than one field, then the
/// one under which most rows share a field count: so neither a title line above the header
/// ("Kolada: Kostnad hemtjänst, egen regi") nor subtotal rows with decimal commas ("Summa
/// 4110;1 455 800,50") decide. Ties go to `;`, then tab, then `,`, then `|`. Only the first
/// records are looked at.
pub fn detect_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b';', b'\t', b',', b'|'];
    let mut best = (b';', 0usize, 0usize, 0usize);
    for d in CANDIDATES {
        let mut reader = TextReader::new(text, d, None);
        let mut fields = Vec::new();
        let mut counts = Vec::new();
        while counts.len() < 30 {
            match reader.next(&mut fields) {
                None => break,
                Some(Next::Row { .. }) if fields.iter().any(|f| !f.is_empty()) => counts.push(fields.len()),
                Some(_) => {}
            }
        }
        // How many rows it splits at all, then how many share the most common field count.
        let split = counts.iter().filter(|c| **c > 1).count();
        let mut rows_with: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
        for c in counts.into_iter().filter(|c| *c > 1) {
            *rows_with.entry(c).or_default() += 1;
        }
        let Some((fields, consistent)) = rows_with.into_iter().max_by_key(|(fields, rows)| (*rows, *fields)) else {
            continue;
        };
        if (split, consistent, fields) > (best.1, best.2, best.3) {
            best = (d, split, consistent, fields);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_crosses_as_bytes_and_back_and_garbage_is_refused() {
        let sheet = |name: &str, rows: &[(u32, &[&str])]| Worksheet {
            name: name.into(),
            rows: rows.iter().map(|(line, cells)| (*line, cells.iter().map(|c| c.to_string()).collect())).collect(),
        };
        let read = Ok(vec![
            sheet("Blad 1", &[(1, &["Brukare", "Kön", ""]), (4, &["B1", "K", "ä€\n\"x\""])]),
            sheet("", &[]),
            sheet("Tom rad", &[(7, &[])]),
        ]);
        let bytes = encode_workbook(&read);
        assert_eq!(decode_workbook(&bytes), Some(read));
        let refused = Err("Filen k.xlsx är skadad.".to_owned());
        assert_eq!(decode_workbook(&encode_workbook(&refused)), Some(refused));
        assert_eq!(decode_workbook(&encode_workbook(&Ok(vec![]))), Some(Ok(vec![])));
        // Cut short, with a byte too many, of another kind, or claiming more than it holds.
        for cut in 0..bytes.len() {
            assert_eq!(decode_workbook(&bytes[..cut]), None, "{cut}");
        }
        assert_eq!(decode_workbook(&[bytes.as_slice(), b"x"].concat()), None);
        assert_eq!(decode_workbook(&[2]), None);
        assert_eq!(decode_workbook(&[0, 0xFF, 0xFF, 0xFF, 0xFF]), None);
        assert_eq!(decode_workbook(&[1, 2, 0, 0, 0, 0xC3, 0x28]), None, "not UTF-8");
    }

    #[test]
    fn fields_are_trimmed_as_str_trim_trims() {
        for text in
            ["", "a", " a", "a ", "\ta\r", "\u{0b}a", "a\u{0c}", "\u{a0}1 234", "1 234\u{202f}", "é", "aé", "éa", "~x!"]
        {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn detects_semicolon_with_decimal_commas() {
        let t = "Ansvar;Konto;Belopp\n4110;5011;1 234,50\n4110;3110;-12,5\n";
        assert_eq!(detect_delimiter(t), b';');
    }

    #[test]
    fn detects_comma_with_quoted_decimals() {
        let t = "Ansvar,Konto,Belopp\n4110,5011,\"1234,50\"\n4110,3110,-12.5\n";
        assert_eq!(detect_delimiter(t), b',');
    }

    #[test]
    fn a_title_line_with_commas_does_not_decide() {
        let t = "Kolada: Kostnad hemtjänst, egen regi, kr/beviljad timme\n\nKommun;Kommun-ID;2024;2025\nLund;1281;480,2;492,0\nRiket;0000;466;478\n";
        assert_eq!(detect_delimiter(t), b';');
    }

    #[test]
    fn subtotal_rows_with_decimal_commas_do_not_decide() {
        let t = "Ansvar;Verksamhet;Konto;Belopp\n4110;510;5011;1 245 300,00\nSumma 4110;1 245 300,00\n4120;510;5011;12,50\nSumma 4120;12,50\n4130;510;5011;7,25\nSumma 4130;7,25\n";
        assert_eq!(detect_delimiter(t), b';');
    }

    #[test]
    fn detects_tab() {
        let t = "Ansvar\tKonto\tBelopp\n4110\t5011\t1 234,50\n";
        assert_eq!(detect_delimiter(t), b'\t');
    }

    /// (line, lines, fields, stray quote) of every row, and the blank and too-long lines.
    fn items(text: &str, width: Option<usize>) -> (Vec<(u32, u32, Vec<String>, Option<u32>)>, Vec<String>, u32) {
        let sheet = Sheet::csv("f.csv", text);
        let (mut rows, mut other) = (Vec::new(), Vec::new());
        let lines = sheet.read(width, |item| {
            match item {
                Item::Row { line, lines, row, stray_quote } => {
                    rows.push((line, lines, (0..row.len()).map(|i| row.get(i).to_owned()).collect(), stray_quote))
                }
                Item::Blank { line } => other.push(format!("tom {line}")),
                Item::TooLong { line, bytes } => other.push(format!("lång {line} {bytes}")),
            }
            true
        });
        (rows, other, lines)
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rows_carry_their_physical_line_and_blank_rows_are_reported() {
        let (rows, other, lines) = items("A;B\r\n1;\"two\nlines\"\r\n\r\n;\r\n3;4\r\n", None);
        assert_eq!(
            rows,
            vec![
                (1, 1, strings(&["A", "B"]), None),
                (2, 2, strings(&["1", "two\nlines"]), None),
                (6, 1, strings(&["3", "4"]), None)
            ]
        );
        assert_eq!(other, strings(&["tom 4", "tom 5"]));
        assert_eq!(lines, 6);
    }

    #[test]
    fn every_kind_of_line_break_counts_as_one_line() {
        // LF, CRLF and a lone CR (old Mac) mixed, and no break after the last line.
        let (rows, _, lines) = items("A;B\r1;2\r\n3;4\n5;6\r7;8", None);
        let got: Vec<(u32, String)> = rows.iter().map(|r| (r.0, r.2.join(","))).collect();
        assert_eq!(
            got,
            vec![(1, "A,B".into()), (2, "1,2".into()), (3, "3,4".into()), (4, "5,6".into()), (5, "7,8".into())]
        );
        assert_eq!(lines, 5);
        assert_eq!(Sheet::csv("f", "A;B\r1;2\r3;4\r").line_count(), 3);
        assert_eq!(Sheet::csv("f", "A;B\r1;2\r3;4").line_count(), 3);
    }

    #[test]
    fn a_quote_that_never_closes_swallows_nothing() {
        let text = "Ansvar;Konto;Belopp\n4110;5011;\"100\n4110;5012;200\n4110;5013;300\n";
        let (rows, _, lines) = items(text, Some(3));
        assert_eq!(
            rows,
            vec![
                (1, 1, strings(&["Ansvar", "Konto", "Belopp"]), None),
                (2, 1, strings(&["4110", "5011", "\"100"]), Some(3)),
                (3, 1, strings(&["4110", "5012", "200"]), None),
                (4, 1, strings(&["4110", "5013", "300"]), None),
            ]
        );
        assert_eq!(lines, 4);
    }

    #[test]
    fn two_stray_quotes_do_not_join_the_lines_between() {
        // Lines 2 and 4 each have a stray quote: together they would make one record of 7
        // fields, more than the header's 3.
        let text = "Ansvar;Text;Belopp\n4110;\"Norr;100\n4120;Söder;200\n4130;Väst\";300\n4140;Öst;400\n";
        let (rows, _, _) = items(text, Some(3));
        let got: Vec<(u32, String, Option<u32>)> = rows.iter().map(|r| (r.0, r.2.join("|"), r.3)).collect();
        assert_eq!(
            got,
            vec![
                (1, "Ansvar|Text|Belopp".into(), None),
                (2, "4110|\"Norr|100".into(), Some(2)),
                (3, "4120|Söder|200".into(), None),
                (4, "4130|Väst\"|300".into(), None),
                (5, "4140|Öst|400".into(), None),
            ]
        );
    }

    #[test]
    fn quoted_fields_escaped_quotes_and_delimiters() {
        let (rows, _, _) = items("a;\"b;c\";\"say \"\"hi\"\"\";\" d \"x\n", None);
        assert_eq!(rows[0].2, strings(&["a", "b;c", "say \"hi\"", "d x"]));
    }

    #[test]
    fn a_runaway_line_is_not_read() {
        let long = "9".repeat(MAX_LINE_BYTES + 1);
        let text = format!("A;B\n1;2\n{long};3\n4;5\n");
        let (rows, other, lines) = items(&text, Some(2));
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 2, 4]);
        assert_eq!(other, vec![format!("lång 3 {}", MAX_LINE_BYTES + 3)]);
        assert_eq!(lines, 4);
    }

    proptest::proptest! {
        /// A line without quotes is split by a fast search, not by `parse`: the two must give
        /// the same fields and the same lines, whatever the delimiters, spaces and line ends.
        #[test]
        fn lines_without_quotes_read_as_parse_reads_them(
            text in "[a; \t,1\u{a0}é\r\n]{0,60}",
            delimiter in proptest::sample::select(vec![b';', b',', b'\t', b'|']),
        ) {
            let mut reader = TextReader::new(&text, delimiter, None);
            let mut fields = Vec::new();
            while reader.pos < text.len() {
                let (start, line) = (reader.pos, reader.line);
                let Some(Next::Row { line: read_line, lines, stray_quote }) = reader.next(&mut fields) else {
                    panic!("no row at {start}");
                };
                let mut parsed = Vec::new();
                let Parsed::Done { end, lines: parsed_lines } = reader.parse(start, true, usize::MAX, &mut parsed) else {
                    panic!("parse did not finish at {start}");
                };
                proptest::prop_assert_eq!((read_line, lines, stray_quote), (line, parsed_lines, None));
                proptest::prop_assert_eq!(&fields, &parsed);
                proptest::prop_assert_eq!(reader.pos, after_break(text.as_bytes(), end));
            }
        }
    }
}

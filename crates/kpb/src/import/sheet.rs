//! A grid of cells with line numbers: a CSV text with its detected delimiter, or a worksheet.

use crate::finding::Position;

/// One table of an input file: where it came from and its cells.
pub struct Sheet<'a> {
    pub file: String,
    pub sheet: Option<String>,
    pub source: Source<'a>,
}

pub enum Source<'a> {
    /// Delimited text and its delimiter.
    Csv { text: std::borrow::Cow<'a, str>, delimiter: u8 },
    /// Rows of cells as text, with their line (row) numbers from 1.
    Cells(Vec<(u32, Vec<String>)>),
}

/// One row's fields, borrowed from the sheet.
pub enum Row<'a> {
    Csv(&'a csv::StringRecord),
    Cells(&'a [String]),
}

impl Row<'_> {
    /// The field at `index`, trimmed; empty when the row is shorter.
    pub fn get(&self, index: usize) -> &str {
        match self {
            Row::Csv(r) => r.get(index).unwrap_or(""),
            Row::Cells(c) => c.get(index).map(String::as_str).unwrap_or(""),
        }
        .trim()
    }

    pub fn len(&self) -> usize {
        match self {
            Row::Csv(r) => r.len(),
            Row::Cells(c) => c.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        (0..self.len()).all(|i| self.get(i).is_empty())
    }
}

impl<'a> Sheet<'a> {
    pub fn csv(file: &str, text: impl Into<std::borrow::Cow<'a, str>>) -> Sheet<'a> {
        let text = text.into();
        let delimiter = detect_delimiter(&text);
        Sheet { file: file.to_owned(), sheet: None, source: Source::Csv { text, delimiter } }
    }

    /// A position in this sheet.
    pub fn pos(&self, line: u32) -> Position {
        Position { file: self.file.clone(), sheet: self.sheet.clone(), line: Some(line), ..Position::default() }
    }

    pub fn file_pos(&self) -> Position {
        Position { file: self.file.clone(), sheet: self.sheet.clone(), ..Position::default() }
    }

    /// Calls `f` with the line number and fields of every row that is not blank, in order;
    /// stops early when `f` returns `false`.
    pub fn for_each_row(&self, mut f: impl FnMut(u32, &Row) -> bool) {
        match &self.source {
            Source::Csv { text, delimiter } => {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(*delimiter)
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(text.as_bytes());
                let mut record = csv::StringRecord::new();
                let bytes = text.as_bytes();
                // The reader's own line count lags behind after CRLF; count from the byte offset.
                let (mut counted_to, mut line) = (0usize, 1u32);
                // The input is valid UTF-8 and the reader is flexible: reading cannot fail.
                while reader.read_record(&mut record).unwrap_or(false) {
                    let mut start = record.position().map_or(0, |p| p.byte() as usize);
                    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                        start += 1;
                    }
                    line += bytes[counted_to..start].iter().filter(|&&b| b == b'\n').count() as u32;
                    counted_to = start;
                    let row = Row::Csv(&record);
                    if !row.is_empty() && !f(line, &row) {
                        break;
                    }
                }
            }
            Source::Cells(rows) => {
                for (line, cells) in rows {
                    let row = Row::Cells(cells);
                    if !row.is_empty() && !f(*line, &row) {
                        break;
                    }
                }
            }
        }
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

    /// Physical lines (or rows) in the sheet, for progress.
    pub fn line_count(&self) -> usize {
        match &self.source {
            Source::Csv { text, .. } => text.bytes().filter(|&b| b == b'\n').count() + 1,
            Source::Cells(rows) => rows.last().map_or(0, |r| r.0 as usize),
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

/// Picks the delimiter that splits most of the first lines into more than one field, then the
/// one under which most rows share a field count: so neither a title line above the header
/// ("Kolada: Kostnad hemtjänst, egen regi") nor subtotal rows with decimal commas ("Summa
/// 4110;1 455 800,50") decide. Ties go to `;`, then tab, then `,`, then `|`.
pub fn detect_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b';', b'\t', b',', b'|'];
    let mut best = (b';', 0usize, 0usize, 0usize);
    for d in CANDIDATES {
        let mut reader =
            csv::ReaderBuilder::new().delimiter(d).has_headers(false).flexible(true).from_reader(text.as_bytes());
        let counts: Vec<usize> = reader
            .records()
            .filter_map(Result::ok)
            .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
            .take(30)
            .map(|r| r.len())
            .collect();
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

    #[test]
    fn rows_carry_their_physical_line_and_blank_rows_are_skipped() {
        let s = Sheet::csv("k.csv", "A;B\r\n1;\"two\nlines\"\r\n\r\n;\r\n3;4\r\n");
        let mut seen = Vec::new();
        s.for_each_row(|line, row| {
            seen.push((line, row.get(0).to_owned(), row.get(1).to_owned()));
            true
        });
        assert_eq!(
            seen,
            vec![(1, "A".into(), "B".into()), (2, "1".into(), "two\nlines".into()), (6, "3".into(), "4".into())]
        );
    }
}

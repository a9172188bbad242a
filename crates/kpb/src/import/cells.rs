//! Reading the cells of one row of a recognised file: text, ids, numbers in the column's unit,
//! each failure a finding with file, line and column.
//!
//! Numbers that read two ways (`132.993`, `1,620`) are read the Swedish way at first and
//! remembered ([`Marks`]); at the end of the file the column decides from all its values
//! ([`Marks::settle`]).

use super::number::{Mark, NumberError, parse_number};
use super::schema::Columns;
use super::sheet::{Row, Sheet};
use crate::finding::{Finding, FindingKind, Findings, Position};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Cell access for one row of a kind of file, producing findings with positions.
pub struct Cells<'a, 'r> {
    pub row: &'a Row<'r>,
    pub cols: &'a Columns,
    pub headers: &'a [String],
    pub sheet: &'a Sheet<'a>,
    pub line: u32,
}

impl Cells<'_, '_> {
    #[inline(always)]
    pub fn text(&self, key: &str) -> &str {
        self.cols.get(key).map_or("", |i| self.row.get(i))
    }

    pub fn pos(&self, key: &str) -> Position {
        let mut pos = self.sheet.pos(self.line);
        if let Some(i) = self.cols.get(key) {
            pos = pos.with_column(i as u32 + 1, self.headers.get(i).map_or("", String::as_str));
        }
        pos
    }

    #[inline(always)]
    pub fn column(&self, key: &str) -> u32 {
        self.cols.get(key).map_or(0, |i| i as u32 + 1)
    }

    /// A number in the column's unit converted (öre and tusen kronor to kronor, minutes to
    /// hours), or a finding when the cell holds something else.
    pub fn number(&self, key: &str, findings: &mut Findings, marks: &mut Marks) -> Result<Option<Decimal>, ()> {
        let text = self.text(key);
        if text.is_empty() {
            // (An empty cell, or a column the file does not have: most number columns of a row.)
            return Ok(None);
        }
        match parse_number(text) {
            Ok(None) => Ok(None),
            Ok(Some(n)) => {
                let column = self.cols.get(key).unwrap_or(usize::MAX);
                let scale = self.cols.scale(key);
                marks.note(column, n.decimal);
                if let Some(other) = n.international {
                    marks.pending.push(Pending {
                        column,
                        line: self.line,
                        pos: self.pos(key),
                        text: clip(text),
                        swedish: scale.apply(n.value),
                        international: scale.apply(other),
                    });
                }
                Ok(Some(scale.apply(n.value)))
            }
            Err(e) => {
                let text = clip(text);
                let kind = match e {
                    NumberError::NotANumber => FindingKind::NotANumber { text },
                    NumberError::TooLarge => FindingKind::TooLargeNumber { text },
                };
                findings.push(Finding::at(self.pos(key), kind));
                Err(())
            }
        }
    }

    /// A number that must lie within `-max..=max` (or `0..=max` when `negative` is false):
    /// beyond it the cell is an error (an OCR number in the amount column, a volume that no year
    /// holds).
    pub fn bounded(
        &self,
        key: &str,
        value: Decimal,
        max: Decimal,
        what: &str,
        findings: &mut Findings,
    ) -> Result<Decimal, ()> {
        if value.abs() <= max {
            return Ok(value);
        }
        findings.push(Finding::at(
            self.pos(key),
            FindingKind::ImplausibleValue {
                value: crate::format::number(value, 2),
                column: self.headers.get(self.cols.get(key).unwrap_or(0)).map_or(key, String::as_str).to_owned(),
                max: what.to_owned(),
            },
        ));
        Err(())
    }

    pub fn required(&self, key: &str, label: &str, findings: &mut Findings) -> Result<&str, ()> {
        let t = self.text(key);
        if t.is_empty() {
            findings.push(Finding::at(self.pos(key), FindingKind::MissingValue { label: label.to_owned() }));
            Err(())
        } else {
            Ok(t)
        }
    }

    /// An id (brukare, ansvar, konto, enhet …), which Excel may have turned into a number in
    /// exponent form (`1,93804E+11`): the digits after the first few are lost, so several ids
    /// can have become one. Such a cell is an error.
    pub fn id(&self, key: &str, label: &str, findings: &mut Findings) -> Result<&str, ()> {
        let t = excel_code(self.text(key));
        if !is_exponent_form(t) {
            return Ok(t);
        }
        findings
            .push(Finding::at(self.pos(key), FindingKind::ExcelExponent { label: label.to_owned(), text: clip(t) }));
        Err(())
    }

    /// A code (ansvar, verksamhet, konto, enhet) as [`excel_code`] gives it, `""` when empty.
    pub fn code(&self, key: &str) -> &str {
        excel_code(self.text(key))
    }

    /// [`Cells::code`], or a finding when it is empty (`=""` and `'` are empty too).
    pub fn required_code(&self, key: &str, label: &str, findings: &mut Findings) -> Result<&str, ()> {
        match self.code(key) {
            "" => {
                findings.push(Finding::at(self.pos(key), FindingKind::MissingValue { label: label.to_owned() }));
                Err(())
            }
            code => Ok(code),
        }
    }

    /// The cell `key` as `recognise` reads it, `None` when empty. A value it does not recognise
    /// is a finding, `kind` of the value as quoted, and `Err`.
    pub fn recognised<T>(
        &self,
        key: &str,
        recognise: impl FnOnce(&str) -> Option<T>,
        kind: impl FnOnce(String) -> FindingKind,
        findings: &mut Findings,
    ) -> Result<Option<T>, ()> {
        let text = self.text(key);
        if text.is_empty() {
            return Ok(None);
        }
        match recognise(text) {
            Some(value) => Ok(Some(value)),
            None => {
                findings.push(Finding::at(self.pos(key), kind(clip(text))));
                Err(())
            }
        }
    }
}

/// `1,93804E+11`, `1.9E+11`, `2E+11`: what Excel writes for a long number in a narrow column.
fn is_exponent_form(text: &str) -> bool {
    // (Checked on every id of every row: most begin with a letter and are done here.)
    if !text.as_bytes().first().is_some_and(|b| b.is_ascii_digit() || *b == b'-') {
        return false;
    }
    let Some(at) = text.bytes().position(|b| b == b'E' || b == b'e') else { return false };
    let (mantissa, exponent) = (&text[..at], &text[at + 1..]);
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let mantissa = mantissa.strip_prefix('-').unwrap_or(mantissa);
    !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
        && mantissa.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
        && mantissa.bytes().filter(|b| matches!(b, b',' | b'.')).count() <= 1
}

/// A cell's text shortened for a message.
pub fn clip(text: &str) -> String {
    let mut rest = text.chars();
    let mut s: String = rest.by_ref().take(40).collect();
    if let Some(next) = rest.next() {
        // Never cut a number in two: a personnummer cut short is no longer recognised, and
        // would not be masked.
        let numeric = |c: char| c.is_ascii_digit() || "-–—−+/. '".contains(c);
        if numeric(next) {
            while s.ends_with(numeric) {
                s.pop();
            }
        }
        s.push('…');
    }
    s
}

/// A cell that reads two ways, waiting for its column's verdict.
pub struct Pending {
    /// Column index, from 0.
    pub column: usize,
    pub line: u32,
    pub pos: Position,
    pub text: String,
    /// The value as read (the Swedish way) and the international way (point as decimal mark),
    /// in the column's unit.
    pub swedish: Decimal,
    pub international: Decimal,
}

/// The decimal marks one file's number columns show, and its cells that read two ways.
#[derive(Default)]
pub struct Marks {
    /// Per column (by index): cells with a decimal comma, cells with a decimal point.
    seen: Vec<[u32; 2]>,
    pending: Vec<Pending>,
}

impl Marks {
    fn note(&mut self, column: usize, mark: Option<Mark>) {
        if let Some(mark) = mark
            && column != usize::MAX
        {
            if column >= self.seen.len() {
                self.seen.resize(column + 1, [0; 2]);
            }
            self.seen[column][usize::from(mark == Mark::Point)] += 1;
        }
    }

    /// Decides each column with cells that read two ways: a column whose other values use a
    /// decimal point (and never a comma) reads them the international way; one with decimal
    /// commas keeps the Swedish reading; a column that does not settle it keeps the Swedish
    /// reading with a warning naming each cell. Returns the cells to read the international
    /// way (line, column, value as read, value to read); empties `self` for the next file.
    pub fn settle(&mut self, headers: &[String], findings: &mut Findings) -> Vec<(u32, usize, Decimal, Decimal)> {
        let mut change = Vec::new();
        // One finding per column (its first such cell the example), repeated at each cell.
        let mut example: BTreeMap<usize, String> = BTreeMap::new();
        for p in std::mem::take(&mut self.pending) {
            let [comma, point] = self.seen.get(p.column).copied().unwrap_or_default();
            let header = headers.get(p.column).map_or("", String::as_str);
            let text = example.entry(p.column).or_insert_with(|| p.text.clone()).clone();
            if point > 0 && comma == 0 {
                findings
                    .push(Finding::at(p.pos.clone(), FindingKind::DecimalPoint { header: header.to_owned(), text }));
                change.push((p.line, p.column, p.swedish, p.international));
            } else if comma == 0 || point > 0 {
                findings
                    .push(Finding::at(p.pos.clone(), FindingKind::AmbiguousNumber { header: header.to_owned(), text }));
            }
        }
        self.seen.clear();
        change
    }
}

/// A code as Excel may have written it, as typed: without the apostrophe that makes a number
/// text (`'41010`), the formula text `="41010"`, or the `.0` or `,0` of a number saved as a
/// decimal (`41010.0`, `41010,0`; only after digits alone).
pub fn excel_code(text: &str) -> &str {
    if let Some(t) = text.strip_prefix('\'') {
        return t;
    }
    if let Some(t) = text.strip_prefix("=\"").and_then(|t| t.strip_suffix('"')) {
        return t;
    }
    match text.strip_suffix(".0").or_else(|| text.strip_suffix(",0")) {
        Some(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => t,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponent_form() {
        for t in ["1,93804E+11", "1.9E+11", "2E+11", "-1,5e-3"] {
            assert!(is_exponent_form(t), "{t}");
        }
        for t in ["B-1042", "19121212-1212", "4110", "E11", "1,5E", "HT-ENE", "1,2,3E+5", "Enhet E+1"] {
            assert!(!is_exponent_form(t), "{t}");
        }
    }

    #[test]
    fn clipping_never_cuts_a_number_in_two() {
        let text = format!("{}19121212-1212", "x".repeat(30));
        assert_eq!(clip(&text), format!("{}…", "x".repeat(30)));
        assert_eq!(clip("kort"), "kort");
        assert_eq!(clip(&"a".repeat(41)), format!("{}…", "a".repeat(40)));
    }
}

//! Where something is in the user's files, and what the engine found there.
//!
//! Bad input is data, not an error: every step returns its findings beside its result. A finding
//! always names a file; it names a line and a column whenever one row and one field is at fault.

mod kinds;

pub use kinds::{FindingKind, RecordProblem};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A place in an input file, counted as a user counts in a spreadsheet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    /// The file name as the user chose it.
    pub file: String,
    /// The worksheet, for `.xlsx` files.
    pub sheet: Option<String>,
    /// Line number from 1, the header being line 1 in a file with its header on the first line.
    /// For a record spanning several physical lines (a quoted line break), the line it starts on.
    pub line: Option<u32>,
    /// Column number from 1.
    pub column: Option<u32>,
    /// The column's header as written in the file.
    pub column_name: Option<String>,
}

impl Position {
    pub fn file(file: &str) -> Position {
        Position { file: file.to_owned(), ..Position::default() }
    }

    pub fn line(file: &str, line: u32) -> Position {
        Position { file: file.to_owned(), line: Some(line), ..Position::default() }
    }

    pub fn with_column(mut self, column: u32, name: &str) -> Position {
        self.column = Some(column);
        self.column_name = Some(name.to_owned());
        self
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(f, ", blad {sheet}")?;
        }
        if let Some(line) = self.line {
            write!(f, ", rad {line}")?;
        }
        match (self.column, &self.column_name) {
            (Some(c), Some(name)) if !name.is_empty() => write!(f, ", kolumn {c} ({name})")?,
            (Some(c), _) => write!(f, ", kolumn {c}")?,
            _ => {}
        }
        Ok(())
    }
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// The row or file could not be used; its cost or volume is not in the result
    /// (and the reconciliation shows where the cost went).
    Fel,
    /// Used, but probably wrong: check before the figures leave the house.
    Varning,
    /// Worth knowing; nothing is wrong.
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Fel => "Fel",
            Severity::Varning => "Varning",
            Severity::Info => "Information",
        }
    }
}

/// One thing found in the data: what, where, how bad, and for which enhet (for the work list).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// What was found, with the values it names.
    pub kind: FindingKind,
    /// The kind's severity (kept beside it for sorting and counting).
    pub severity: Severity,
    /// Where (the first place, when the same finding repeats).
    pub pos: Position,
    /// Further lines with the same finding (the first ones, at most [`MAX_MORE_LINES`]).
    pub more_lines: Vec<u32>,
    /// How many places in all share this finding (1 when it is a single place).
    pub count: u32,
    /// The enhet the finding concerns, for the work list per enhet.
    pub enhet: Option<String>,
    /// Stands for the findings of its kind in its file and column beyond the first
    /// [`MAX_DISTINCT`] (its kind is the first of them).
    pub overflow: bool,
}

/// How many further line numbers a repeated finding keeps.
pub const MAX_MORE_LINES: usize = 20;

impl Finding {
    pub fn at(pos: Position, kind: FindingKind) -> Finding {
        Finding { severity: kind.severity(), kind, pos, more_lines: Vec::new(), count: 1, enhet: None, overflow: false }
    }

    pub fn for_enhet(mut self, enhet: Option<&str>) -> Finding {
        self.enhet = enhet.map(str::to_owned);
        self
    }

    /// The message in Swedish, one sentence naming the value at fault.
    pub fn message(&self) -> String {
        if self.overflow {
            format!("Fler rader med samma slags fel (de {MAX_DISTINCT} första visas var för sig).")
        } else {
            self.kind.message()
        }
    }

    /// Plain-Swedish explanation: why this matters and what to do.
    pub fn help(&self) -> &'static str {
        self.kind.help()
    }

    /// Records one more occurrence at `line`.
    pub fn repeat_at(&mut self, line: Option<u32>) {
        self.count += 1;
        if let Some(line) = line
            && self.more_lines.len() < MAX_MORE_LINES
        {
            self.more_lines.push(line);
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity.name(), self.message())?;
        if !self.pos.file.is_empty() {
            write!(f, " ({})", self.pos)?;
        }
        if self.count > 1 {
            write!(f, " och {} ställen till", self.count - 1)?;
        }
        Ok(())
    }
}

/// Collects findings, folding repeats of the same (code, message, file, column) into one.
#[derive(Default)]
pub struct Findings {
    list: Vec<Finding>,
    /// How many findings were pushed, repeats included.
    pushed: usize,
    index: std::collections::HashMap<(&'static str, String, String, Option<u32>), usize>,
    /// Per (code, file, column): how many distinct findings, and the one further ones fold into
    /// once there are [`MAX_DISTINCT`].
    groups: std::collections::HashMap<(&'static str, String, Option<u32>), (usize, Option<usize>)>,
}

/// How many findings of one kind in one column of one file keep their own message (each names
/// its value); further ones are counted in one ("Fler rader med samma slags fel"), so that a
/// wrongly chosen column cannot make a million findings.
pub const MAX_DISTINCT: usize = 100;

impl Findings {
    pub fn push(&mut self, finding: Finding) {
        self.pushed += 1;
        let key = (finding.kind.code(), finding.message(), finding.pos.file.clone(), finding.pos.column);
        if let Some(&i) = self.index.get(&key) {
            self.list[i].repeat_at(finding.pos.line);
            return;
        }
        let group = self.groups.entry((finding.kind.code(), finding.pos.file.clone(), finding.pos.column)).or_default();
        if group.0 < MAX_DISTINCT {
            group.0 += 1;
            self.index.insert(key, self.list.len());
            self.list.push(finding);
            return;
        }
        match group.1 {
            Some(i) => self.list[i].repeat_at(finding.pos.line),
            None => {
                group.1 = Some(self.list.len());
                self.list.push(Finding { overflow: true, ..finding });
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Adds a finding made after the rows it belongs among were read (at the end of a file), in
    /// the order of lines: before the first finding since `mark` on its line or a later one.
    /// (The findings since `mark` are in the order of their lines.)
    pub fn push_in_line_order(&mut self, mark: usize, finding: Finding) {
        let line = finding.pos.line;
        let end = self.list.len();
        debug_assert!(mark <= end);
        self.push(finding);
        if self.list.len() > end {
            let at = mark + self.list[mark..end].partition_point(|f| f.pos.line < line);
            self.list[at..].rotate_right(1);
            self.reindex();
        }
    }

    /// Forgets every finding in `file` (a file found to repeat another).
    pub fn remove_file(&mut self, file: &str) {
        self.list.retain(|f| f.pos.file != file);
        self.groups.retain(|(_, f, _), _| f != file);
        self.reindex();
    }

    /// Finds the findings' places in the list anew, after the list has changed order.
    fn reindex(&mut self) {
        for ((code, f, column), group) in &mut self.groups {
            group.1 = self
                .list
                .iter()
                .position(|x| x.overflow && x.kind.code() == *code && x.pos.file == *f && x.pos.column == *column);
        }
        self.index = self
            .list
            .iter()
            .enumerate()
            .map(|(i, f)| ((f.kind.code(), f.message(), f.pos.file.clone(), f.pos.column), i))
            .collect();
    }

    /// How many findings have been pushed, repeats included (to tell whether a row got one).
    pub fn pushed(&self) -> usize {
        self.pushed
    }

    /// How many distinct findings there are (a mark for [`Findings::set_enhet_since`]).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Sets the enhet of the findings added since `mark` that have none.
    pub fn set_enhet_since(&mut self, mark: usize, enhet: &str) {
        for f in self.list.iter_mut().skip(mark).filter(|f| f.enhet.is_none()) {
            f.enhet = Some(enhet.to_owned());
        }
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.list
    }
}

impl Extend<Finding> for Findings {
    fn extend<T: IntoIterator<Item = Finding>>(&mut self, iter: T) {
        for f in iter {
            self.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_reads_like_a_spreadsheet_reference() {
        let p = Position::line("brukare.csv", 14).with_column(5, "Volym");
        assert_eq!(p.to_string(), "brukare.csv, rad 14, kolumn 5 (Volym)");
    }

    #[test]
    fn a_finding_is_data_with_its_text_in_one_table() {
        let f = Finding::at(
            Position::line("b.csv", 4).with_column(3, "Regi"),
            FindingKind::UnknownRegi { text: "x".into() },
        );
        assert_eq!(
            (f.kind.code(), f.severity, f.kind.title()),
            ("okand-regi", Severity::Fel, "Regi som inte känns igen")
        );
        assert_eq!((f.message().as_str(), f.help()), ("Regi \"x\" känns inte igen.", "Skriv egen eller annan."));
        assert_eq!(f.to_string(), "Fel: Regi \"x\" känns inte igen. (b.csv, rad 4, kolumn 3 (Regi))");
        // As it crosses to the page: as its text, which reads back the same (the values stay
        // where the finding was made).
        let year = Finding::at(Position::file("b.csv"), FindingKind::YearGuessed { year: 2025 });
        for f in [f, year] {
            let back: Finding = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
            assert!(matches!(back.kind, FindingKind::Shown(_)));
            let text = |f: &Finding| {
                let k = &f.kind;
                (k.code(), k.severity(), k.title(), f.message(), f.help(), k.is_year_question(), f.to_string())
            };
            assert_eq!(text(&back), text(&f));
            assert_eq!(
                (&back.pos, back.count, &back.more_lines, back.overflow),
                (&f.pos, f.count, &f.more_lines, f.overflow)
            );
        }
    }

    #[test]
    fn the_texts_read_back_are_kept_once() {
        let f = Finding::at(Position::file("b.csv"), FindingKind::UnknownRegi { text: "x".into() });
        let json = serde_json::to_string(&f).unwrap();
        let [a, b]: [Finding; 2] = std::array::from_fn(|_| serde_json::from_str(&json).unwrap());
        assert!(std::ptr::eq(a.help(), b.help()) && std::ptr::eq(a.kind.code(), b.kind.code()));
    }

    #[test]
    fn repeats_fold_into_one_finding() {
        let mut all = Findings::default();
        for line in [3, 7, 9] {
            all.push(Finding::at(
                Position::line("b.csv", line).with_column(2, "Insats"),
                FindingKind::UnknownInsats { text: "X".into() },
            ));
        }
        let list = all.into_vec();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].count, 3);
        assert_eq!(list[0].pos.line, Some(3));
        assert_eq!(list[0].more_lines, vec![7, 9]);
    }

    #[test]
    fn a_flood_of_distinct_findings_folds_after_a_hundred() {
        let mut all = Findings::default();
        for line in 2..1002 {
            all.push(Finding::at(
                Position::line("k.csv", line).with_column(3, "Belopp"),
                FindingKind::NotANumber { text: format!("x{line}") },
            ));
        }
        let list = all.into_vec();
        assert_eq!(list.len(), MAX_DISTINCT + 1);
        let rest = &list[MAX_DISTINCT];
        assert_eq!(rest.message(), "Fler rader med samma slags fel (de 100 första visas var för sig).");
        assert_eq!((rest.kind.code(), rest.help()), (list[0].kind.code(), list[0].help()));
        assert_eq!((rest.count, rest.pos.line), (900, Some(102)));
        assert_eq!(list.iter().map(|f| f.count).sum::<u32>(), 1000);
    }
}

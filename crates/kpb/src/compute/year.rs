//! Which year the files describe: read from the data (the volume rows' periods and dates, a
//! title above a header such as "Utfall 2025", a file name), never guessed without a word. A
//! year only guessed, or files that point at different years, is a finding that asks the user
//! to confirm the year in the settings.

use crate::finding::{Finding, FindingKind, Position};
use crate::import::{Dataset, YearHint, YearSource};
use crate::settings::Settings;
use std::collections::BTreeMap;

/// The year to compute and, in Swedish, where it came from.
pub struct Year {
    pub year: i32,
    pub basis: String,
    pub finding: Option<Finding>,
}

/// The year most volume rows fall in, else the year a title or a file name names, else the
/// year before `ds.reference_year` (KPB is computed on last year's outcome).
pub fn infer_year(ds: &Dataset) -> i32 {
    decide(ds, &Settings::default()).year
}

/// The year for `settings` and `ds`, with where it came from and what to confirm.
pub fn decide(ds: &Dataset, settings: &Settings) -> Year {
    let hints = &ds.years;
    let strongest = |pick: fn(&YearSource) -> bool| -> Option<(i32, &YearHint)> {
        let mut weight: BTreeMap<i32, (u32, &YearHint)> = BTreeMap::new();
        for h in hints.iter().filter(|h| pick(&h.source)) {
            let w = match h.source {
                YearSource::Rows(n) => n,
                _ => 1,
            };
            weight.entry(h.year).or_insert((0, h)).0 += w;
        }
        weight.into_iter().max_by_key(|(year, (w, _))| (*w, *year)).map(|(year, (_, h))| (year, h))
    };
    let found = strongest(|s| matches!(s, YearSource::Rows(_)))
        .or_else(|| strongest(|s| matches!(s, YearSource::Title { .. })))
        .or_else(|| strongest(|s| matches!(s, YearSource::FileName)));
    let years: std::collections::BTreeSet<i32> = hints.iter().map(|h| h.year).collect();
    if let Some(year) = settings.year {
        let finding = (!hints.is_empty() && !years.contains(&year))
            .then(|| Finding::at(Position::default(), FindingKind::YearNotInFiles { year, hints: hints.clone() }));
        return Year { year, basis: format!("{year}, valt under Inställningar"), finding };
    }
    let Some((year, hint)) = found else {
        let year = if ds.reference_year > 1900 { ds.reference_year - 1 } else { 2025 };
        return Year {
            year,
            basis: format!("{year}, antaget: filerna säger inget om året"),
            finding: Some(Finding::at(Position::default(), FindingKind::YearGuessed { year })),
        };
    };
    let basis = format!("{year} ({})", hint.describe());
    let finding = if years.len() > 1 {
        Some(Finding::at(Position::file(&hint.file), FindingKind::YearsDiffer { year, hints: hints.clone() }))
    } else if matches!(hint.source, YearSource::FileName) {
        Some(Finding::at(Position::file(&hint.file), FindingKind::YearFromFileName { year, file: hint.file.clone() }))
    } else {
        None
    };
    Year { year, basis, finding }
}

/// The years a title line names: `Utfall 2025`, `Period 202501–202512`, `2025-01-01 – 2025-12-31`.
/// A single full date is taken for the date of the extract and not counted.
pub fn years_in_title(text: &str) -> Vec<i32> {
    let bytes = text.as_bytes();
    let (mut plain, mut dates) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let run = &text[start..i];
        let year: Option<i32> = run.get(..4).and_then(|y| y.parse().ok()).filter(|y| (2000..=2099).contains(y));
        let Some(year) = year else { continue };
        // A full date: 20250115, or 2025-01-15 / 2025.01.15 / 2025/01/15.
        let dashed = bytes.get(i).is_some_and(|b| matches!(b, b'-' | b'.' | b'/'))
            && text[i + 1..].bytes().take_while(u8::is_ascii_digit).count() == 2
            && text.get(i + 3..i + 4).is_some_and(|s| matches!(s, "-" | "." | "/"));
        match run.len() {
            4 if dashed => {
                dates.push(year);
                i += 6;
            }
            8 => dates.push(year),
            4 | 6 => plain.push(year),
            _ => {}
        }
    }
    if dates.len() >= 2 {
        plain.extend(dates);
    }
    plain.sort_unstable();
    plain.dedup();
    plain
}

/// The year in a file name (`kostnader 2025.csv`, `KPB_2025_brukare.xlsx`): four digits alone.
pub fn year_in_name(name: &str) -> Option<i32> {
    name.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 4)
        .filter_map(|run| run.parse().ok())
        .find(|y| (2000..=2099).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_in_titles() {
        assert_eq!(years_in_title("Utfall 2025"), vec![2025]);
        assert_eq!(years_in_title("Huvudbok, period 202501-202512"), vec![2025]);
        assert_eq!(years_in_title("Period 2025-01-01 – 2025-12-31"), vec![2025]);
        assert_eq!(years_in_title("Utdrag Raindance 2026-01-15"), Vec::<i32>::new());
        assert_eq!(years_in_title("Utfall jan–dec 2024, uttaget 2025-02-03"), vec![2024]);
        assert_eq!(years_in_title("Ansvar 4110"), Vec::<i32>::new());
    }

    #[test]
    fn years_in_names() {
        assert_eq!(year_in_name("kostnader 2025.csv"), Some(2025));
        assert_eq!(year_in_name("KPB_2024_brukare.xlsx"), Some(2024));
        assert_eq!(year_in_name("kostnader (1).csv"), None);
        assert_eq!(year_in_name("ansvar 41100.csv"), None);
    }
}

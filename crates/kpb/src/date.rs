//! Calendar dates and periods as the case systems write them.

use serde::{Deserialize, Serialize};

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1900..=2200).contains(&year) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let (y, m, d) = (self.year as i64, self.month as i64, self.day as i64);
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
        Date { year: y, month: m, day: d }
    }

    /// Parses `2025-03-14`, `2025/03/14`, `20250314`, `14.3.2025`, `2025-03-14 00:00:00`.
    pub fn parse(text: &str) -> Option<Date> {
        let t = text.trim();
        let t = t.split([' ', 'T']).next().unwrap_or(t);
        // Excel's serial day (45921 is 2025-09-21), as a date column saved as numbers shows.
        if t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) {
            let serial: i64 = t.parse().ok()?;
            return (20_000..=80_000).contains(&serial).then(|| Date::from_days(serial - 25_569));
        }
        if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
            return Date::new(t[..4].parse().ok()?, t[4..6].parse().ok()?, t[6..].parse().ok()?);
        }
        let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
        if parts.len() != 3 {
            return None;
        }
        let nums: Vec<i32> = parts.iter().map(|p| p.parse().ok()).collect::<Option<_>>()?;
        if parts[0].len() == 4 {
            Date::new(nums[0], u8::try_from(nums[1]).ok()?, u8::try_from(nums[2]).ok()?)
        } else if parts[2].len() == 4 {
            Date::new(nums[2], u8::try_from(nums[1]).ok()?, u8::try_from(nums[0]).ok()?)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Months 1–12 of `year` as a sentence reads them, runs of months as ranges: "mars 2025",
/// "april–december 2025", "januari, mars och maj–juni 2025".
pub fn months_name(year: i32, months: impl IntoIterator<Item = u8>) -> String {
    let mut months: Vec<u8> = months.into_iter().collect();
    months.sort_unstable();
    months.dedup();
    let mut runs: Vec<(u8, u8)> = Vec::new();
    for m in months {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == m => run.1 = m,
            _ => runs.push((m, m)),
        }
    }
    let parts: Vec<String> = runs
        .into_iter()
        .map(|(a, b)| if a == b { month_name(a).to_owned() } else { format!("{}–{}", month_name(a), month_name(b)) })
        .collect();
    let joined = match parts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} och {last}", rest.join(", ")),
        None => String::new(),
    };
    format!("{joined} {year}")
}

/// The Swedish name of month `m` (1–12), in lower case as in a sentence.
pub fn month_name(m: u8) -> &'static str {
    const NAMES: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    NAMES.get(usize::from(m).wrapping_sub(1)).copied().unwrap_or("")
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

pub fn days_in_year(year: i32) -> u32 {
    if is_leap(year) { 366 } else { 365 }
}

/// A reporting period: a whole year or one month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    pub year: i32,
    /// 1–12, or `None` for the whole year.
    pub month: Option<u8>,
}

impl Period {
    /// Parses `2025`, `2025-03`, `202503`, `2025-3`, `2025 03`, `mars 2025`, `2025 mars`,
    /// `03/2025`, `2025M03`, `2025-03-01`; period 13 (`202513`, closing entries) is the year.
    pub fn parse(text: &str) -> Option<Period> {
        // 202503 as a spreadsheet number: 202503.0.
        let t = text.trim();
        let t = t.strip_suffix(".0").unwrap_or(t);
        let year_ok = |y: i32| (1900..=2200).contains(&y);
        let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.len() == 4 && t.len() == 4 {
            let year = digits.parse().ok().filter(|&y| year_ok(y))?;
            return Some(Period { year, month: None });
        }
        if let Some(date) = Date::parse(t) {
            return Some(Period { year: date.year, month: Some(date.month) });
        }
        const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];
        let lower = t.to_lowercase();
        if let Some(m) = MONTHS.iter().position(|m| lower.starts_with(m)) {
            let year = lower.split_whitespace().last()?.parse().ok().filter(|&y| year_ok(y))?;
            return Some(Period { year, month: Some(m as u8 + 1) });
        }
        // "2025 mars": the year, then the month's name.
        if let Some((y, name)) = lower.split_once(' ')
            && let Some(m) = MONTHS.iter().position(|m| name.trim().starts_with(m))
        {
            let year = y.parse().ok().filter(|&y| year_ok(y))?;
            return Some(Period { year, month: Some(m as u8 + 1) });
        }
        // SCB's 2025M03.
        let t = t.replacen(['M', 'm'], "-", 1);
        let (y, m) = if digits.len() == 6 && t.len() == 6 {
            (&digits[..4], &digits[4..])
        } else {
            let mut parts = t.split(['-', '/', ' ', '.']).filter(|p| !p.is_empty());
            let (a, b) = (parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            // 03/2025: the month first.
            if a.len() <= 2 && b.len() == 4 { (b, a) } else { (a, b) }
        };
        let year = y.parse().ok().filter(|&y| year_ok(y))?;
        let month: u8 = m.parse().ok()?;
        match month {
            1..=12 => Some(Period { year, month: Some(month) }),
            // Period 13, the year-end closing entries (bokslut): in the year, in no month.
            13 => Some(Period { year, month: None }),
            _ => None,
        }
    }

    /// The period as a text reads it: "mars 2025", or "2025".
    pub fn name(self) -> String {
        match self.month {
            Some(m) => months_name(self.year, [m]),
            None => self.year.to_string(),
        }
    }

    /// Days in the period.
    pub fn days(self) -> u32 {
        match self.month {
            Some(m) => u32::from(days_in_month(self.year, m)),
            None => days_in_year(self.year),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.month {
            Some(m) => write!(f, "{}-{:02}", self.year, m),
            None => write!(f, "{}", self.year),
        }
    }
}

/// Days of the stay `from..=to` (both days counted) that fall in `year`; an open end runs to
/// the end of the year.
pub fn days_in_year_of_stay(year: i32, from: Date, to: Option<Date>) -> u32 {
    let (first, last) = (Date { year, month: 1, day: 1 }.days(), Date { year, month: 12, day: 31 }.days());
    days_of_stay_between(first, last, from.days(), to.map(Date::days))
}

/// Days of the stay `from..=to` that fall in each month of `year`, January first; an open end
/// runs to the end of the year. They sum to [`days_in_year_of_stay`].
pub fn days_per_month_of_stay(year: i32, from: Date, to: Option<Date>) -> [u32; 12] {
    // (As day numbers, each month's first day from the one before: a stay is a few additions a
    // month, not four conversions of a date.)
    let (from, to) = (from.days(), to.map(Date::days));
    let mut first = Date { year, month: 1, day: 1 }.days();
    std::array::from_fn(|i| {
        let last = first + i64::from(days_in_month(year, i as u8 + 1)) - 1;
        let days = days_of_stay_between(first, last, from, to);
        first = last + 1;
        days
    })
}

/// Days of the stay `from..=to` (an open end runs to `last`) within `first..=last`, all as day
/// numbers ([`Date::days`]).
fn days_of_stay_between(first: i64, last: i64, from: i64, to: Option<i64>) -> u32 {
    let (start, end) = (from.max(first), to.map_or(last, |to| to.min(last)));
    if end < start { 0 } else { (end - start + 1) as u32 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_day_numbers() {
        for days in [-1000i64, 0, 1, 19_000, 20_089, 60_000] {
            assert_eq!(Date::from_days(days).days(), days);
        }
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("2025-01-01").unwrap().days(), 20_089);
    }

    #[test]
    fn parses_the_forms_case_systems_write() {
        let d = Date { year: 2025, month: 3, day: 14 };
        for t in ["2025-03-14", "2025/03/14", "20250314", "14.3.2025", "2025-03-14 00:00:00"] {
            assert_eq!(Date::parse(t), Some(d), "{t}");
        }
        assert_eq!(Date::parse("2025-02-29"), None);
        assert_eq!(Date::parse("2024-02-29"), Some(Date { year: 2024, month: 2, day: 29 }));
        assert_eq!(Date::parse("igår"), None);
    }

    #[test]
    fn periods() {
        assert_eq!(Period::parse("2025"), Some(Period { year: 2025, month: None }));
        for t in ["2025-03", "202503", "2025-3", "2025 03", "mars 2025", "2025-03-01"] {
            assert_eq!(Period::parse(t), Some(Period { year: 2025, month: Some(3) }), "{t}");
        }
        for t in ["03/2025", "3/2025", "2025M03", "2025 mars", "202503.0"] {
            assert_eq!(Period::parse(t), Some(Period { year: 2025, month: Some(3) }), "{t}");
        }
        // Period 13 is the year's closing entries: the year, no month.
        assert_eq!(Period::parse("202513"), Some(Period { year: 2025, month: None }));
        assert_eq!(Period::parse("2025-14"), None);
        assert_eq!(Period::parse("25"), None);
        assert_eq!(Period { year: 2024, month: Some(2) }.days(), 29);
        assert_eq!(Period { year: 2025, month: None }.days(), 365);
        assert_eq!(Period { year: 2025, month: Some(10) }.name(), "oktober 2025");
        assert_eq!(months_name(2025, [3]), "mars 2025");
        assert_eq!(months_name(2025, 4..=12), "april–december 2025");
        assert_eq!(months_name(2025, [5, 1, 3, 6]), "januari, mars och maj–juni 2025");
    }

    #[test]
    fn stays_are_clipped_to_the_year_counting_both_ends() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(days_in_year_of_stay(2025, d("2025-01-01"), Some(d("2025-12-31"))), 365);
        assert_eq!(days_in_year_of_stay(2025, d("2024-11-01"), Some(d("2025-01-10"))), 10);
        assert_eq!(days_in_year_of_stay(2025, d("2025-12-20"), None), 12);
        assert_eq!(days_in_year_of_stay(2025, d("2026-01-01"), None), 0);
        assert_eq!(days_in_year_of_stay(2024, d("2024-03-01"), Some(d("2024-03-01"))), 1);
        let months = days_per_month_of_stay(2025, d("2025-01-30"), Some(d("2025-03-02")));
        assert_eq!(months, [2, 28, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let open = days_per_month_of_stay(2024, d("2023-06-01"), None);
        assert_eq!(open, [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
        assert_eq!(days_per_month_of_stay(2025, d("2025-12-31"), None)[11], 1);
    }
}

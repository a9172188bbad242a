//! Calendar days as integers (days since 1970-01-01), on top of the engine's own dates.

use kpb::date::{Date, days_in_month};

/// A day number: days since 1970-01-01.
pub type Day = i64;

pub fn day(year: i32, month: u8, d: u8) -> Day {
    Date { year, month, day: d }.days()
}

/// `ÅÅÅÅ-MM-DD`.
pub fn iso(z: Day) -> String {
    Date::from_days(z).to_string()
}

/// First and last day of a month.
pub fn month_span(year: i32, month: u8) -> (Day, Day) {
    let first = day(year, month, 1);
    (first, first + i64::from(days_in_month(year, month)) - 1)
}

/// Days of `from..=to` inside `lo..=hi` (0 when disjoint).
pub fn overlap(from: Day, to: Day, lo: Day, hi: Day) -> i64 {
    (to.min(hi) - from.max(lo) + 1).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_and_spans() {
        assert_eq!(day(1970, 1, 1), 0);
        assert_eq!(iso(day(2025, 3, 1) - 1), "2025-02-28");
        assert_eq!(iso(day(2024, 3, 1) - 1), "2024-02-29");
        assert_eq!(month_span(2024, 2), (day(2024, 2, 1), day(2024, 2, 29)));
        assert_eq!(overlap(day(2024, 12, 20), day(2025, 1, 10), day(2025, 1, 1), day(2025, 12, 31)), 10);
    }
}

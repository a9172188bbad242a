//! Numbers as Swedish files write them: `1 234 567,50`, `−750`, `1.234,5`, `12,5 %`, `1,5E+06`.

use rust_decimal::Decimal;
use std::str::FromStr;

/// Why a cell is not a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// Letters or other characters that no number has.
    NotANumber,
    /// More digits than the engine's 28 significant digits can hold.
    TooLarge,
}

/// Which character a number uses as its decimal mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Comma,
    Point,
}

/// A number read from a cell, with what the cell tells of its column's decimal mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Number {
    /// The value, read the Swedish way where the cell alone does not settle it.
    pub value: Decimal,
    /// The decimal mark the cell shows beyond doubt (`12,5`, `0.75`, `1.234,5`).
    pub decimal: Option<Mark>,
    /// For a cell that reads two ways (`132.993`, `1,620`: one separator followed by three
    /// digits), the international reading (point as decimal mark, comma as thousands
    /// separator); `value` is the Swedish one (132 993 and 1,62).
    pub international: Option<Decimal>,
}

/// The largest exponent accepted (`1,5E+06`); beyond it no value fits the engine's 28 digits.
const MAX_EXPONENT: u32 = 28;
/// The decimals a number keeps. More are noise (Excel's `12.300000000000001`); and a number
/// this far from zero, if not zero, keeps every quotient the engine forms within Decimal's
/// range (the amounts a row may hold are bounded too).
pub const MAX_DECIMALS: u32 = 6;

/// A value with at most [`MAX_DECIMALS`] decimals.
fn tidy(value: Decimal) -> Decimal {
    if value.scale() > MAX_DECIMALS {
        value.round_dp_with_strategy(MAX_DECIMALS, rust_decimal::RoundingStrategy::MidpointAwayFromZero).normalize()
    } else {
        value
    }
}

/// Parses a number written the Swedish or the international way (see [`parse_number`]).
pub fn parse_decimal(cell: &str) -> Result<Option<Decimal>, NumberError> {
    Ok(parse_number(cell)?.map(|n| n.value))
}

/// Parses a number written the Swedish or the international way.
///
/// Returns `Ok(None)` for an empty cell. Accepted: spaces, no-break spaces and apostrophes as
/// thousands separators; decimal comma or point (when both occur, the last one is the decimal
/// separator); `-`, `−` (U+2212) or `–` as minus, also trailing (`750-`) or as parentheses
/// (`(750)`); a leading `+`; a trailing `kr`, `:-` or `%`; an exponent (`1,5E+06`). A single
/// separator followed by exactly three digits after one to three digits (`132.993`, `1,620`) can
/// be either; it is read the Swedish way (point as thousands separator, comma as decimal mark)
/// and the other reading is given too, for the column to decide.
pub fn parse_number(cell: &str) -> Result<Option<Number>, NumberError> {
    // (A cell that begins and ends with a visible ASCII character, nearly every one, has nothing
    // to trim: a few million cells skip the search for Unicode spaces.)
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    let bytes = cell.as_bytes();
    let mut s = if visible(bytes.first()) && visible(bytes.last()) { cell } else { cell.trim() };
    if s.is_empty() {
        return Ok(None);
    }
    if let Some(n) = plain(s) {
        return Ok(Some(Number { value: tidy(n.value), ..n }));
    }
    for suffix in ["kr", "SEK", ":-", ",-", ".-", "%"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.trim_end();
        }
    }
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    let minus = |c: char| c == '-' || c == '\u{2212}' || c == '\u{2013}';
    if let Some(rest) = s.strip_prefix(minus) {
        negative = !negative;
        s = rest.trim_start();
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest.trim_start();
    } else if let Some(rest) = s.strip_suffix(minus) {
        negative = !negative;
        s = rest.trim_end();
    }

    // Split off an exponent.
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => {
            let exp = s[i + 1..].trim_start_matches('+');
            let exp: i32 = exp.parse().map_err(|_| NumberError::NotANumber)?;
            if exp.unsigned_abs() > MAX_EXPONENT {
                return Err(NumberError::TooLarge);
            }
            (&s[..i], exp)
        }
        None => (s, 0),
    };

    let last_comma = mantissa.rfind(',');
    let last_point = mantissa.rfind('.');
    let commas = mantissa.matches(',').count();
    let points = mantissa.matches('.').count();
    let ambiguous = (commas + points == 1 && exponent == 0)
        .then(|| last_comma.or(last_point))
        .flatten()
        .filter(|&at| reads_two_ways(mantissa, at));
    let (decimal_at, decimal) = match (last_comma, last_point) {
        (Some(c), Some(p)) => (Some(c.max(p)), Some(if c > p { Mark::Comma } else { Mark::Point })),
        // `1.234.567`: points group thousands, so a comma would be the decimal mark.
        (None, Some(_)) if points > 1 => (None, Some(Mark::Comma)),
        (Some(_), None) if commas > 1 => (None, Some(Mark::Point)),
        (Some(c), None) => (Some(c), ambiguous.is_none().then_some(Mark::Comma)),
        (None, Some(_)) if ambiguous.is_some() => (None, None),
        (None, Some(p)) => (Some(p), Some(Mark::Point)),
        (None, None) => (None, None),
    };
    let read = |decimal_at: Option<usize>| -> Result<Decimal, NumberError> {
        let mut digits = String::with_capacity(mantissa.len());
        let mut seen_digit = false;
        // Digits in each group of the integer part, between thousands separators.
        let (mut groups, mut group, mut in_fraction, mut last_group) = (Vec::new(), 0usize, false, None);
        for (i, ch) in mantissa.char_indices() {
            match ch {
                '0'..='9' => {
                    digits.push(ch);
                    seen_digit = true;
                    group += 1;
                }
                ',' | '.' if Some(i) == decimal_at => {
                    digits.push('.');
                    in_fraction = true;
                    last_group = Some(group);
                }
                // Thousands separators: only between digits of the integer part.
                ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' if seen_digit && !in_fraction => {
                    groups.push(group);
                    group = 0;
                }
                _ => return Err(NumberError::NotANumber),
            }
        }
        if !seen_digit {
            return Err(NumberError::NotANumber);
        }
        // Groups of three after the first (`1 234 567`): `1.5.2025` is a date, `12 34` no number.
        if let Some((first, rest)) = groups.split_first()
            && (!(1..=3).contains(first) || rest.iter().any(|g| *g != 3) || last_group.unwrap_or(group) != 3)
        {
            return Err(NumberError::NotANumber);
        }
        let mut value = Decimal::from_str(&digits).map_err(|_| NumberError::TooLarge)?;
        for _ in 0..exponent.unsigned_abs() {
            value = if exponent > 0 {
                value.checked_mul(Decimal::TEN).ok_or(NumberError::TooLarge)?
            } else {
                value.checked_div(Decimal::TEN).ok_or(NumberError::TooLarge)?
            };
        }
        Ok(tidy(if negative { -value } else { value }.normalize()))
    };
    let value = read(decimal_at)?;
    // The other reading of an ambiguous cell: the point as decimal mark, the comma not.
    let international = match ambiguous {
        Some(at) if mantissa.as_bytes()[at] == b'.' => Some(read(Some(at))?),
        Some(_) => Some(read(None)?),
        None => None,
    };
    Ok(Some(Number { value, decimal, international }))
}

/// Whether the separator at `at` can be a thousands separator as well as a decimal mark: one to
/// three digits before it (not starting with 0) and exactly three after.
fn reads_two_ways(mantissa: &str, at: usize) -> bool {
    let (before, after) = (&mantissa[..at], &mantissa[at + 1..]);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(before) && before.len() <= 3 && !before.starts_with('0') && digits(after) && after.len() == 3
}

/// The common case without allocating: an optional `-`, up to 18 digits, and at most one decimal
/// comma or point with digits on both sides (`1234`, `-12,5`, `0.75`), that cannot be read as a
/// thousands separator.
fn plain(s: &str) -> Option<Number> {
    let bytes = s.as_bytes();
    let (negative, digits) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut separator = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa * 10 + i64::from(b - b'0'),
            b',' | b'.' if separator.is_none() && i > 0 && i + 1 < digits.len() => separator = Some(i),
            _ => return None,
        }
    }
    let scale = separator.map_or(0, |i| digits.len() - i - 1);
    if let Some(i) = separator
        && scale == 3
        && i <= 3
        && digits[0] != b'0'
    {
        return None;
    }
    let decimal = separator.map(|i| if digits[i] == b',' { Mark::Comma } else { Mark::Point });
    let value = Decimal::new(if negative { -mantissa } else { mantissa }, scale as u32).normalize();
    Some(Number { value, decimal, international: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn ok(s: &str) -> Decimal {
        parse_decimal(s).unwrap().unwrap()
    }

    #[test]
    fn swedish_and_international_forms() {
        assert_eq!(ok("1 234 567,50"), d("1234567.5"));
        assert_eq!(ok("1\u{a0}234,5"), d("1234.5"));
        assert_eq!(ok("1\u{202f}234"), d("1234"));
        assert_eq!(ok("1234.56"), d("1234.56"));
        assert_eq!(ok("1,234,567.89"), d("1234567.89"));
        assert_eq!(ok("1.234.567,89"), d("1234567.89"));
        assert_eq!(ok("1.234.567"), d("1234567"));
        assert_eq!(ok("12,5 %"), d("12.5"));
        assert_eq!(ok("  42 kr "), d("42"));
        assert_eq!(ok("0,0"), d("0"));
    }

    #[test]
    fn the_fast_path_agrees_with_the_general_one() {
        for t in ["0", "7", "-7", "1234", "12,5", "-12.50", "0.75", "123456789012345678", "-0,0"] {
            assert_eq!(
                plain(t).map(|n| n.value),
                Some(t.replace(',', ".").parse::<Decimal>().unwrap().normalize()),
                "{t}"
            );
        }
        for t in ["1.234.567", "12,", ",5", "1 234", "−7", "1e5", "-", "12345678901234567890", "132.993", "1,620"] {
            assert_eq!(plain(t), None, "{t}");
        }
    }

    #[test]
    fn minus_signs() {
        assert_eq!(ok("-750"), d("-750"));
        assert_eq!(ok("\u{2212}750"), d("-750"));
        assert_eq!(ok("\u{2013} 750,25"), d("-750.25"));
        assert_eq!(ok("750-"), d("-750"));
        assert_eq!(ok("(750)"), d("-750"));
        assert_eq!(ok("+12"), d("12"));
    }

    #[test]
    fn thousands_come_in_groups_of_three() {
        assert_eq!(ok("1\u{2009}234\u{2009}567"), d("1234567"));
        assert_eq!(ok("1 234,-"), d("1234"));
        assert_eq!(ok("250:-"), d("250"));
        assert_eq!(ok("1 234,50-"), d("-1234.5"));
        for t in ["1.5.2025", "01.05.2025", "12 34", "1 2345", "1234 567"] {
            assert_eq!(parse_decimal(t), Err(NumberError::NotANumber), "{t}");
        }
    }

    #[test]
    fn at_most_six_decimals() {
        assert_eq!(ok("12.300000000000001"), d("12.3"));
        assert_eq!(ok("0,0000004"), d("0"));
        assert_eq!(ok("0,0000005"), d("0.000001"));
        assert_eq!(ok("1e-7"), d("0"));
    }

    #[test]
    fn exponents_from_excel() {
        assert_eq!(ok("1,5E+06"), d("1500000"));
        assert_eq!(ok("2.5e-2"), d("0.025"));
    }

    #[test]
    fn empty_is_none_and_text_is_an_error() {
        assert_eq!(parse_decimal("  "), Ok(None));
        assert_eq!(parse_decimal("tolv"), Err(NumberError::NotANumber));
        assert_eq!(parse_decimal("12a"), Err(NumberError::NotANumber));
        assert_eq!(parse_decimal("-"), Err(NumberError::NotANumber));
        assert_eq!(parse_decimal(",5"), Ok(Some(d("0.5"))));
        assert_eq!(parse_decimal("1e99"), Err(NumberError::TooLarge));
        // A huge exponent is refused at once, not multiplied out.
        assert_eq!(parse_decimal("0e999999999"), Err(NumberError::TooLarge));
        assert_eq!(parse_decimal("99999999999999999999999999999999"), Err(NumberError::TooLarge));
    }

    #[test]
    fn a_separator_before_three_digits_reads_two_ways() {
        let n = |s: &str| parse_number(s).unwrap().unwrap();
        assert_eq!(n("132.993"), Number { value: d("132993"), decimal: None, international: Some(d("132.993")) });
        assert_eq!(n("1,620"), Number { value: d("1.62"), decimal: None, international: Some(d("1620")) });
        assert_eq!(n("-1.620"), Number { value: d("-1620"), decimal: None, international: Some(d("-1.62")) });
        // Settled by the cell itself.
        assert_eq!(n("12,5"), Number { value: d("12.5"), decimal: Some(Mark::Comma), international: None });
        assert_eq!(n("0.620"), Number { value: d("0.62"), decimal: Some(Mark::Point), international: None });
        assert_eq!(n("1234.567"), Number { value: d("1234.567"), decimal: Some(Mark::Point), international: None });
        assert_eq!(n("1.234,50"), Number { value: d("1234.5"), decimal: Some(Mark::Comma), international: None });
        assert_eq!(n("1,234.50"), Number { value: d("1234.5"), decimal: Some(Mark::Point), international: None });
        assert_eq!(n("1.234.567"), Number { value: d("1234567"), decimal: Some(Mark::Comma), international: None });
        assert_eq!(n("4110"), Number { value: d("4110"), decimal: None, international: None });
    }
}

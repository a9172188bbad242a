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

/// Parses a number written the Swedish or the international way.
///
/// Returns `Ok(None)` for an empty cell. Accepted: spaces, no-break spaces and apostrophes as
/// thousands separators; decimal comma or point (when both occur, the last one is the decimal
/// separator); `-`, `−` (U+2212) or `–` as minus, also trailing (`750-`) or as parentheses
/// (`(750)`); a leading `+`; a trailing `kr`, `:-` or `%`; an exponent (`1,5E+06`).
pub fn parse_decimal(cell: &str) -> Result<Option<Decimal>, NumberError> {
    let mut s = cell.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Some(d) = plain(s) {
        return Ok(Some(d));
    }
    for suffix in ["kr", "SEK", ":-", "%"] {
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
            (&s[..i], exp)
        }
        None => (s, 0),
    };

    let mut digits = String::with_capacity(mantissa.len());
    let last_comma = mantissa.rfind(',');
    let last_point = mantissa.rfind('.');
    let commas = mantissa.matches(',').count();
    let points = mantissa.matches('.').count();
    let decimal_at = match (last_comma, last_point) {
        (Some(c), Some(p)) => Some(c.max(p)),
        (Some(c), None) if commas == 1 => Some(c),
        (None, Some(p)) if points == 1 => Some(p),
        _ => None,
    };
    let mut seen_digit = false;
    for (i, ch) in mantissa.char_indices() {
        match ch {
            '0'..='9' => {
                digits.push(ch);
                seen_digit = true;
            }
            ',' | '.' if Some(i) == decimal_at => digits.push('.'),
            // Thousands separators: only between digits.
            ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\'' if seen_digit => {}
            _ => return Err(NumberError::NotANumber),
        }
    }
    if !seen_digit {
        return Err(NumberError::NotANumber);
    }
    let mut value = Decimal::from_str(&digits).map_err(|_| NumberError::TooLarge)?;
    if exponent != 0 {
        let ten = Decimal::TEN;
        for _ in 0..exponent.unsigned_abs() {
            value = if exponent > 0 {
                value.checked_mul(ten).ok_or(NumberError::TooLarge)?
            } else {
                value.checked_div(ten).ok_or(NumberError::TooLarge)?
            };
        }
    }
    if negative {
        value = -value;
    }
    Ok(Some(value.normalize()))
}

/// The common case without allocating: an optional `-`, up to 18 digits, and at most one decimal
/// comma or point with digits on both sides (`1234`, `-12,5`, `0.75`).
fn plain(s: &str) -> Option<Decimal> {
    let bytes = s.as_bytes();
    let (negative, digits) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut scale = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa * 10 + i64::from(b - b'0'),
            b',' | b'.' if scale.is_none() && i > 0 && i + 1 < digits.len() => scale = Some(digits.len() - i - 1),
            _ => return None,
        }
    }
    let value = Decimal::new(if negative { -mantissa } else { mantissa }, scale.unwrap_or(0) as u32);
    Some(value.normalize())
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
            assert_eq!(plain(t), Some(t.replace(',', ".").parse::<Decimal>().unwrap().normalize()), "{t}");
        }
        for t in ["1.234.567", "12,", ",5", "1 234", "−7", "1e5", "-", "12345678901234567890"] {
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
        assert_eq!(parse_decimal("99999999999999999999999999999999"), Err(NumberError::TooLarge));
    }
}

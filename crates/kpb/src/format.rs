//! Swedish number formats for display: `1 234 567 kr`, `12,5 %`, `−750`.
//!
//! The only place figures are rounded (half away from zero): for showing them, and for the
//! files the user takes away ([`rounded`], used by the exports and the network file). Digit
//! groups are separated by a no-break space so that a figure never wraps.

use crate::report::FigureUnit;
use rust_decimal::{Decimal, RoundingStrategy};

/// The group separator: U+00A0 NO-BREAK SPACE.
pub const GROUP: char = '\u{a0}';
/// The minus sign: U+2212 MINUS SIGN, as Swedish typography writes it.
pub const MINUS: char = '\u{2212}';

/// `value` to `decimals` decimals, half away from zero, without trailing zeros: a figure as a
/// file the user takes away holds it.
pub fn rounded(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero).normalize()
}

/// `value` with `decimals` decimals, decimal comma, grouped thousands and a real minus sign.
pub fn number(value: Decimal, decimals: u32) -> String {
    let rounded = value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = rounded.abs().to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_owned(), f.to_owned()),
        None => (text, String::new()),
    };
    let mut out = String::with_capacity(int.len() + 8);
    if negative {
        out.push(MINUS);
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(GROUP);
        }
        out.push(ch);
    }
    if decimals > 0 {
        out.push(',');
        let mut frac = frac;
        while (frac.len() as u32) < decimals {
            frac.push('0');
        }
        out.push_str(&frac);
    }
    out
}

/// A count of things (rows, clients): `4 790`.
pub fn count(n: impl Into<u64>) -> String {
    number(Decimal::from(n.into()), 0)
}

/// Whole kronor: `1 234 567`.
pub fn kr(value: Decimal) -> String {
    number(value, 0)
}

/// Kronor and öre: `1 234 567,50`.
pub fn ore(value: Decimal) -> String {
    number(value, 2)
}

/// A percentage with one decimal: `12,5 %`.
pub fn percent(value: Decimal) -> String {
    format!("{}{GROUP}%", number(value, 1))
}

/// A percentage with one decimal, cut rather than rounded below 100, so that a share short of
/// the whole never shows as `100,0 %`: 99,96 is `99,9 %`.
pub fn percent_down(value: Decimal) -> String {
    let cut = if value < Decimal::ONE_HUNDRED { (value * Decimal::TEN).floor() / Decimal::TEN } else { value };
    percent(cut)
}

/// `number` with a plus sign before a value that rounds to more than zero: `+5,4`, `−10,5`,
/// `0,0`.
pub fn signed(value: Decimal, decimals: u32) -> String {
    let text = number(value, decimals);
    if value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero) > Decimal::ZERO {
        format!("+{text}")
    } else {
        text
    }
}

/// A change in %, with its sign and one decimal: `+5,4 %`, `−10,5 %`, `0,0 %`.
pub fn signed_percent(value: Decimal) -> String {
    format!("{}{GROUP}%", signed(value, 1))
}

/// Compact kronor for chart axes: `950 tkr`, `12,5 mnkr`.
pub fn kr_compact(value: Decimal) -> String {
    let abs = value.abs();
    if abs >= Decimal::from(10_000_000) {
        format!("{}{GROUP}mnkr", number(value / Decimal::from(1_000_000), 1))
    } else if abs >= Decimal::from(100_000) {
        format!("{}{GROUP}tkr", number(value / Decimal::from(1_000), 0))
    } else {
        format!("{}{GROUP}kr", number(value, 0))
    }
}

/// A key figure's value in its unit, as the app shows it: kronor whole with " kr", shares with
/// one decimal and " %", other figures with two decimals.
pub fn figure(unit: FigureUnit, value: Decimal) -> String {
    if unit.is_money() {
        format!("{} kr", kr(value))
    } else if unit == FigureUnit::Procent {
        percent(value)
    } else {
        number(value, 2)
    }
}

/// A change in words: "+1,2 procentenheter" for a share, "+6,1 %" for any other figure.
pub fn change(change: crate::compare::Change) -> String {
    match change {
        crate::compare::Change::Points(d) => format!("{} procentenheter", signed(d, 1)),
        crate::compare::Change::Percent(p) => signed_percent(p),
    }
}

/// A volume: whole numbers without decimals, others with one: `3 665`, `12,5`.
pub fn volume(value: Decimal) -> String {
    if value.fract().is_zero() { number(value, 0) } else { number(value, 1) }
}

/// A figure's numerator or denominator: whole numbers without decimals (a count of brukare,
/// platser or invånare), others with two: `535`, `23 682 215,97`.
pub fn quantity(value: Decimal) -> String {
    if value.fract().is_zero() { number(value, 0) } else { number(value, 2) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn swedish_formats() {
        assert_eq!(kr(d("1234567.49")), "1\u{a0}234\u{a0}567");
        assert_eq!(kr(d("999.5")), "1\u{a0}000");
        assert_eq!(kr(d("-750")), "\u{2212}750");
        assert_eq!(kr(d("-0.4")), "0");
        assert_eq!(ore(d("15.0027")), "15,00");
        assert_eq!(ore(d("279.9")), "279,90");
        assert_eq!(percent(d("12.46")), "12,5\u{a0}%");
        assert_eq!(volume(d("3665")), "3\u{a0}665");
        assert_eq!(volume(d("12.25")), "12,3");
        assert_eq!(quantity(d("535.00")), "535");
        assert_eq!(quantity(d("23682215.966")), "23\u{a0}682\u{a0}215,97");
        assert_eq!(kr_compact(d("12500000")), "12,5\u{a0}mnkr");
        assert_eq!(kr_compact(d("950000")), "950\u{a0}tkr");
        assert_eq!(figure(FigureUnit::KrPer(crate::model::VolumeUnit::Timme), d("482.49")), "482 kr");
        assert_eq!(figure(FigureUnit::Procent, d("2.19")), "2,2\u{a0}%");
        assert_eq!(figure(FigureUnit::Antal(crate::model::VolumeUnit::Dygn), d("15.955")), "15,96");
        assert_eq!(percent_down(d("99.96")), "99,9\u{a0}%");
        assert_eq!(percent_down(d("100")), "100,0\u{a0}%");
        assert_eq!(signed_percent(d("5.44")), "+5,4\u{a0}%");
        assert_eq!(signed_percent(d("-10.5")), "\u{2212}10,5\u{a0}%");
        assert_eq!(signed_percent(d("0.04")), "0,0\u{a0}%");
        assert_eq!(signed(d("1.25"), 1), "+1,3");
    }
}

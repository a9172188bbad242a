//! Numbers as the files write them: Swedish decimal comma, no thousands separators, computed
//! from integers so that the text is the same on every platform.

/// Money in öre as kronor with two decimals: `2845120,00`, `-212400,00`.
pub fn money(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let a = ore.unsigned_abs();
    format!("{sign}{},{:02}", a / 100, a % 100)
}

/// A volume in hundredths, without trailing zeros: `42`, `42,5`, `39,75`.
pub fn qty(hundredths: i64) -> String {
    assert!(hundredths >= 0, "negative volume {hundredths}");
    let (i, f) = (hundredths / 100, hundredths % 100);
    if f == 0 {
        i.to_string()
    } else if f % 10 == 0 {
        format!("{i},{}", f / 10)
    } else {
        format!("{i},{f:02}")
    }
}

/// `a / b` rounded half away from zero (`b > 0`).
pub fn div_round(a: i64, b: i64) -> i64 {
    assert!(b > 0);
    if a >= 0 { (a + b / 2) / b } else { -((-a + b / 2) / b) }
}

/// `x` rounded to the nearest multiple of `step`.
pub fn round_to(x: i64, step: i64) -> i64 {
    div_round(x, step) * step
}

/// A code from a Swedish name: upper case ASCII, no spaces (`Ängsbacken 2` → `ANGSBACKEN2`).
pub fn ascii_code(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'å' | 'ä' | 'Å' | 'Ä' => Some('A'),
            'ö' | 'Ö' => Some('O'),
            'é' | 'É' => Some('E'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_uppercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(money(284_512_000), "2845120,00");
        assert_eq!(money(-21_240_005), "-212400,05");
        assert_eq!(money(7), "0,07");
        assert_eq!(qty(4250), "42,5");
        assert_eq!(qty(3975), "39,75");
        assert_eq!(qty(100), "1");
        assert_eq!(qty(5), "0,05");
        assert_eq!(div_round(-15, 10), -2);
        assert_eq!(round_to(4274, 50), 4250);
        assert_eq!(ascii_code("Ängsbacken 2"), "ANGSBACKEN2");
    }
}

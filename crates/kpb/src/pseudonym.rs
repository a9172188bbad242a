//! Personnummer never pass the import: each is replaced by a keyed pseudonym.
//!
//! The pseudonym is `P` and ten base-32 characters of HMAC-SHA-256(key, the 12-digit number).
//! The key is chosen at random by the app for each session, so the same person gets the same
//! pseudonym in every file of a session and a different one in the next; without the key a
//! pseudonym cannot be traced back. Birth year and sex are read off the number before it is
//! dropped.

use crate::model::Kon;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;

/// What a personnummer tells besides identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PnrFacts {
    pub birth_year: i32,
    pub kon: Kon,
}

/// A recognised personnummer or samordningsnummer, normalised to 12 digits.
#[derive(Debug, PartialEq, Eq)]
pub struct Personnummer {
    digits: String,
    pub facts: PnrFacts,
    /// Whether the check digit (Luhn) is right.
    pub valid_checksum: bool,
}

impl Personnummer {
    /// Recognises `YYYYMMDD-NNNN`, `YYYYMMDDNNNN`, `YYMMDD-NNNN`, `YYMMDD+NNNN`, `YYMMDDNNNN`
    /// (spaces allowed). Six-digit years are placed in the century that makes the person at
    /// most 100 years old in `reference_year`, or older with `+`.
    pub fn parse(text: &str, reference_year: i32) -> Option<Personnummer> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let (body, plus) = match t.len() {
            13 | 11 => {
                let sep = t.as_bytes()[t.len() - 5];
                if sep != b'-' && sep != b'+' {
                    return None;
                }
                (format!("{}{}", &t[..t.len() - 5], &t[t.len() - 4..]), sep == b'+')
            }
            12 | 10 => (t.clone(), false),
            _ => return None,
        };
        if !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = if body.len() == 12 {
            body
        } else {
            let yy: i32 = body[..2].parse().ok()?;
            let mut year = reference_year - (reference_year - yy).rem_euclid(100);
            if plus {
                year -= 100;
            }
            format!("{year:04}{}", &body[2..])
        };
        let year: i32 = digits[..4].parse().ok()?;
        let month: u8 = digits[4..6].parse().ok()?;
        let mut day: u8 = digits[6..8].parse().ok()?;
        if day > 60 {
            day -= 60; // samordningsnummer
        }
        crate::date::Date::new(year, month, day)?;
        let short = &digits[2..];
        let valid_checksum = luhn(short);
        let kon = if (short.as_bytes()[8] - b'0') % 2 == 1 { Kon::Man } else { Kon::Kvinna };
        Some(Personnummer { digits, facts: PnrFacts { birth_year: year, kon }, valid_checksum })
    }
}

fn luhn(ten: &str) -> bool {
    let sum: u32 = ten
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Replaces personnummer by pseudonyms, remembering each so that repeats are cheap.
pub struct Pseudonymizer {
    mac: Hmac<Sha256>,
    reference_year: i32,
    cache: HashMap<String, (String, PnrFacts)>,
}

/// A client id after pseudonymisation.
pub struct ClientKey {
    pub id: String,
    /// Set when the id was a personnummer.
    pub facts: Option<PnrFacts>,
    pub bad_checksum: bool,
}

impl Pseudonymizer {
    pub fn new(key: &[u8], reference_year: i32) -> Pseudonymizer {
        let mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
        Pseudonymizer { mac, reference_year, cache: HashMap::new() }
    }

    /// The id to use for `raw`: a pseudonym if `raw` is a personnummer, else `raw` trimmed.
    pub fn client(&mut self, raw: &str) -> ClientKey {
        let raw = raw.trim();
        if let Some((id, facts)) = self.cache.get(raw) {
            return ClientKey { id: id.clone(), facts: Some(*facts), bad_checksum: false };
        }
        match Personnummer::parse(raw, self.reference_year) {
            Some(pnr) => {
                let id = self.pseudonym(&pnr.digits);
                self.cache.insert(raw.to_owned(), (id.clone(), pnr.facts));
                ClientKey { id, facts: Some(pnr.facts), bad_checksum: !pnr.valid_checksum }
            }
            None => ClientKey { id: raw.to_owned(), facts: None, bad_checksum: false },
        }
    }

    /// The text with every personnummer in it replaced by its pseudonym: for anything shown
    /// that comes from a file (previews, the values quoted in findings).
    pub fn mask(&mut self, text: &str) -> String {
        if text.bytes().filter(u8::is_ascii_digit).count() < 10 {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let start = chars[i].0;
            // The longest run of digits, '-', '+' and spaces from here that is a personnummer.
            let mut found = None;
            if chars[i].1.is_ascii_digit() && (i == 0 || !chars[i - 1].1.is_ascii_digit()) {
                let mut j = i;
                while j < chars.len()
                    && (chars[j].1.is_ascii_digit() || matches!(chars[j].1, '-' | '+' | ' '))
                    && j - i < 14
                {
                    j += 1;
                    let end = chars.get(j).map_or(text.len(), |c| c.0);
                    let candidate = &text[start..end];
                    let next_is_digit = chars.get(j).is_some_and(|c| c.1.is_ascii_digit());
                    if !next_is_digit && Personnummer::parse(candidate, self.reference_year).is_some() {
                        found = Some((j, candidate));
                    }
                }
            }
            match found {
                Some((j, candidate)) => {
                    out.push_str(&self.client(candidate).id);
                    i = j;
                }
                None => {
                    out.push(chars[i].1);
                    i += 1;
                }
            }
        }
        out
    }

    fn pseudonym(&self, digits: &str) -> String {
        const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut mac = self.mac.clone();
        mac.update(digits.as_bytes());
        let bytes = mac.finalize().into_bytes();
        let mut bits = u64::from_be_bytes(bytes[..8].try_into().expect("32-byte digest"));
        let mut out = String::with_capacity(11);
        out.push('P');
        for _ in 0..10 {
            out.push(ALPHABET[(bits >> 59) as usize] as char);
            bits <<= 5;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_written_forms() {
        // 19121212-1212 is Skatteverket's published test number.
        let p = Personnummer::parse("19121212-1212", 2025).unwrap();
        assert!(p.valid_checksum);
        assert_eq!(p.facts, PnrFacts { birth_year: 1912, kon: Kon::Man });
        assert_eq!(Personnummer::parse("121212+1212", 2025).unwrap().digits, "191212121212");
        assert_eq!(Personnummer::parse("121212-1212", 2025).unwrap().digits, "201212121212");
        assert_eq!(Personnummer::parse("4001011234", 2025).unwrap().facts.birth_year, 1940);
        assert_eq!(Personnummer::parse("19400101 1224", 2025).unwrap().facts.kon, Kon::Kvinna);
        // Samordningsnummer: day + 60.
        assert!(Personnummer::parse("19400161-1234", 2025).is_some());
        assert_eq!(Personnummer::parse("B-1042", 2025), None);
        assert_eq!(Personnummer::parse("19401301-1234", 2025), None);
        assert_eq!(Personnummer::parse("12345", 2025), None);
    }

    #[test]
    fn pseudonyms_are_keyed_stable_and_hide_the_number() {
        let mut a = Pseudonymizer::new(b"key one", 2025);
        let mut b = Pseudonymizer::new(b"key two", 2025);
        let x = a.client("19121212-1212");
        assert_eq!(x.id.len(), 11);
        assert!(x.id.starts_with('P'));
        assert!(!x.id.contains("1212"));
        assert_eq!(a.client("191212121212").id, x.id, "same person, other spelling");
        assert_ne!(b.client("19121212-1212").id, x.id, "another session's key");
        assert_eq!(a.client(" B-1042 ").id, "B-1042");
        let masked = a.mask("\"19121212-1212\" är inte ett tal; 2025-03 och 1234 behålls");
        assert_eq!(masked, format!("\"{}\" är inte ett tal; 2025-03 och 1234 behålls", x.id));
        assert_eq!(a.mask("rad 12, 191212121212"), format!("rad 12, {}", x.id));
        assert!(a.client("B-1042").facts.is_none());
    }
}

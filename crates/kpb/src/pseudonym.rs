//! Personnummer never pass the import: each is replaced by a keyed pseudonym.
//!
//! The pseudonym is `P` and ten base-32 characters of HMAC-SHA-256(key, the 12-digit number).
//! The key is chosen at random by the app for each session, so the same person gets the same
//! pseudonym in every file of a session and a different one in the next; without the key a
//! pseudonym cannot be traced back. Birth year and sex are read off the number before it is
//! dropped.
//!
//! # What is recognised
//!
//! A personnummer or samordningsnummer (day + 60) in every spelling that Excel and the case
//! systems produce, all normalised to the same 12 digits (so one person has one pseudonym):
//!
//! - the digits as groups: `ÅÅÅÅMMDDNNNN`, `ÅÅÅÅMMDD-NNNN`, `ÅÅÅÅ-MM-DD-NNNN`,
//!   `ÅÅÅÅ MM DD-NNNN`, `ÅÅMMDDNNNN`, `ÅÅMMDD-NNNN`, `ÅÅ-MM-DD-NNNN`, `ÅÅMMDD+NNNN` (`+`: over
//!   100 years old; only before `NNNN`);
//! - between the groups: a hyphen, any dash (en, em, minus sign, non-breaking hyphen …), `/`,
//!   `.`, `_`, or two of these together (`--`), with up to two spaces (also no-break and thin
//!   spaces) on either side, or up to two spaces alone. In running text never a tab or a line
//!   break (in a TSV line or between lines, two numbers are two cells); within one cell given
//!   to [`Personnummer::parse`] or [`Pseudonymizer::client`] these are spaces like any other,
//!   and so they are in a text given to [`Pseudonymizer::mask`] that is nothing but the number;
//! - nine digits, when Excel dropped the leading zero of someone born 2000–2009
//!   (`0501011233` → `501011233`, also `50101-1233`), but only with a right check digit;
//! - Excel's and CSV's wrappers: `'…`, `="…"`, `"…"`, a float rendering `….0` / `…,0`;
//! - Excel's number format with thousands separators on a number stored as a number: digits
//!   in threes from the right, parted by one space, no-break space, narrow no-break space or
//!   thin space, with or without the two decimals `,00` / `.00` (see [Grouped numbers]).
//!
//! The date need only be plausible (month 1–12, day 1–31 or 61–91): 30 February is still a
//! personnummer. A wrong check digit is still one too, flagged by `valid_checksum` (except in
//! the nine-digit form and the grouped ten-digit form, where the check digit is what tells it
//! from an amount).
//!
//! Not recognised, on purpose: part of a longer run of digits (a 16-digit OCR number), a decimal
//! number (`501011233,50`, the fraction in `3.7010632391`), a signed nine-digit number
//! (`-501011233`), a date range (`2025-03-01–2025-03-31` is not `20250301-2025`), a 12-digit
//! number that does not start with 19 or 20.
//!
//! # Grouped numbers
//!
//! [Grouped numbers]: #grouped-numbers
//!
//! A personnummer kept as a number in Excel and shown with thousands separators reads
//! `197 301 211 483` (12 digits, 3+3+3+3), `5 001 011 237` (10 digits, 1+3+3+3) or
//! `501 011 233` (nine digits, the leading zero lost, 3+3+3). Swedish amounts are written
//! exactly so, so each form needs more than its shape:
//!
//! - 12 digits: starting with 19 or 20 and a plausible date (as every 12-digit form);
//! - 10 digits: a plausible date and a right check digit; not with a sign (`-5 001 011 237`);
//! - 9 digits: a plausible date and a right check digit; not with a sign;
//! - the 10- and 9-digit forms only as a whole grouped number: not when another group of three
//!   follows (`5 001 011 237 000`), nor, for the nine digits, when a group of one to three
//!   digits stands before them (`1 501 011 233` is 1.5 billion, not a personnummer). The
//!   12-digit form is taken also out of a longer grouped number (`12 197 301 211 483` may be a
//!   row number and a personnummer in cells joined by spaces; a 13-digit amount is not met).
//!
//! What can still be taken for a personnummer, and is masked (the safe side in text; an
//! amount in a client id column is not expected): an amount of 190 000 000 000 to
//! 209 999 999 999 (kronor, or 1.9–2.1 billion kronor in öre) whose digits 5–8 make a month
//! and day, about one in 13 of those; an amount of 1–10 billion written 1+3+3+3, or of 100 million–1 billion written
//! 3+3+3, whose digits make a date and pass the Luhn check, about one in 130 of those (e.g.
//! `5 001 011 237` kr); twelve digits out of a grouped amount of 13 digits or more. Not taken:
//! `1 234 567 890` (month 34), `12 345 678 901`, `1 501 011 233`.

use crate::model::Kon;
use hmac::{Hmac, Mac};
use rustc_hash::FxHashMap;
use sha2::Sha256;
use std::borrow::Cow;

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
    /// The birthday (month, day), a samordningsnummer's day less 60; `None` when the digits
    /// make no date (the number is still a personnummer, with an invalid date).
    pub fn birthday(&self) -> Option<(u8, u8)> {
        let d = self.digits.as_bytes();
        let two = |i: usize| (d[i] - b'0') * 10 + (d[i + 1] - b'0');
        let (month, day) = (two(4), two(6));
        let day = if day > 60 { day - 60 } else { day };
        let year: i32 = self.digits[..4].parse().ok()?;
        // A birthday on 29 February is valid in a leap year only.
        crate::date::Date::new(year, month, day).map(|_| (month, day))
    }

    /// Recognises a whole cell (see the module documentation for the spellings). Ten- and
    /// nine-digit forms are placed in the century that makes the person at most 100 years old
    /// in `reference_year`, or older with `+`. Within the cell a tab or line break between
    /// the groups is a space like any other.
    pub fn parse(text: &str, reference_year: i32) -> Option<Personnummer> {
        whole_cell(text).map(|found| found.personnummer(reference_year))
    }
}

/// The personnummer that is the whole of a cell, if it is one (positions within the unwrapped
/// cell).
fn whole_cell(text: &str) -> Option<Found> {
    if !has_nine_digits(text) {
        return None;
    }
    let core = unwrap_cell(text);
    let mut whole = None;
    scan(core, Spaces::Cell, |found| {
        if found.start == 0 && found.end_with_suffix == core.len() {
            whole = Some(*found);
        }
        false
    });
    whole
}

/// How to read `text` when scanning it as a whole ([`Pseudonymizer::mask`],
/// [`contains_personnummer`]): as running text, or, when the text is nothing but a
/// personnummer with a tab or line break in it (`19410517\t1161`), as one cell. In running
/// text a tab stays a cell boundary: `20250301\t5011` in a TSV line is a date and a konto.
fn spaces_for(text: &str) -> Spaces {
    // A personnummer with its separators and decimals is under 80 bytes: a longer text is
    // running text (and is not read twice).
    let core = unwrap_cell(text);
    if core.len() < 80
        && core.contains(|c: char| c.is_whitespace() && !is_space(c, Spaces::Text))
        && whole_cell(core).is_some()
    {
        Spaces::Cell
    } else {
        Spaces::Text
    }
}

/// Whether `text` contains anything personnummer-shaped, in any spelling that [`Pseudonymizer::mask`]
/// replaces. Independent of the pseudonym key and of the year: for checking outputs (page text,
/// exports). Like `mask` it also flags what merely looks like one: a ten-digit number whose first
/// six digits could be a date (a phone number, an amount in öre), a 12-digit time stamp
/// `ÅÅÅÅMMDDhhmm`, a date followed by a four-digit number (`2025-03-01 1234`), the rare amount
/// described under [Grouped numbers](self#grouped-numbers).
pub fn contains_personnummer(text: &str) -> bool {
    if !has_nine_digits(text) {
        return false;
    }
    let mut found = false;
    scan(text, spaces_for(text), |_| {
        found = true;
        false
    });
    found
}

/// The cell without surrounding whitespace (also no-break and zero-width), double quotes,
/// Excel's text apostrophe and formula text `="…"`, in any nesting.
fn unwrap_cell(text: &str) -> &str {
    let mut t = text;
    loop {
        let before = t;
        t = t.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}'));
        if let Some(inner) = t.strip_prefix("=\"").and_then(|s| s.strip_suffix('"')) {
            t = inner;
        } else if let Some(inner) = t.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            t = inner;
        } else if let Some(inner) = t.strip_prefix('\'') {
            t = inner.strip_suffix('\'').unwrap_or(inner);
        }
        if t.len() == before.len() {
            return t;
        }
    }
}

/// Cheap test before any scanning: a personnummer has at least nine digits.
fn has_nine_digits(text: &str) -> bool {
    text.bytes().filter(u8::is_ascii_digit).nth(8).is_some()
}

/// What stands between two runs of digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    /// Not a separator: the runs are separate numbers.
    None,
    /// One or two spaces (but not one thousands separator).
    Space,
    /// Exactly one space, no-break space, narrow no-break space or thin space: what Excel puts
    /// between groups of three digits. Also a space between the groups of a written form.
    Thousands,
    /// One or two dashes, `/`, `.` or `_`; `tight` when without spaces around them.
    Punct { tight: bool },
    /// `+` (alone or next to another mark), with or without spaces.
    Plus,
}

/// Which whitespace parts the groups of a personnummer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spaces {
    /// Running text: spaces within a line, but not a tab or a line break.
    Text,
    /// One cell: any whitespace.
    Cell,
}

/// A hyphen or dash of any kind, `/`, `.`, `_` or `+`.
fn is_separator_mark(c: char) -> bool {
    matches!(c, '-' | '/' | '.' | '_' | '+' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}')
}

/// A space: in running text also no-break and thin spaces, but not a tab or a line break (in a
/// TSV export or between lines, two numbers are two cells); in one cell any whitespace.
fn is_space(c: char, spaces: Spaces) -> bool {
    match spaces {
        Spaces::Text => c.is_whitespace() && !c.is_control() && !matches!(c, '\u{2028}' | '\u{2029}'),
        Spaces::Cell => c.is_whitespace(),
    }
}

/// What Excel's number format `# ##0` puts between groups of three digits.
fn is_thousands_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}')
}

fn link(between: &str, spaces: Spaces) -> Link {
    // Up to two spaces, two marks, two spaces: at most 18 bytes.
    if between.len() > 18 {
        return Link::None;
    }
    let mut chars = between.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && is_thousands_separator(c)
    {
        return Link::Thousands;
    }
    let (mut before, mut after, mut marks, mut plus) = (0, 0, 0, false);
    for c in between.chars() {
        if is_space(c, spaces) {
            if marks == 0 {
                before += 1;
            } else {
                after += 1;
            }
        } else if is_separator_mark(c) && marks < 2 && after == 0 {
            // A second mark only right after the first (`--`, not `- -`).
            marks += 1;
            plus |= c == '+';
        } else {
            return Link::None;
        }
    }
    match marks {
        _ if before > 2 || after > 2 => Link::None,
        0 => Link::Space,
        _ if plus => Link::Plus,
        _ => Link::Punct { tight: before + after == 0 },
    }
}

/// A maximal run of ASCII digits and how it is joined to the run before it.
#[derive(Clone, Copy, Debug)]
struct Group {
    start: usize,
    end: usize,
    link: Link,
}

impl Group {
    const EMPTY: Group = Group { start: 0, end: 0, link: Link::None };

    fn len(&self) -> usize {
        self.end - self.start
    }
}

/// The runs of digits in a text, in one pass.
struct Groups<'a> {
    text: &'a str,
    spaces: Spaces,
    pos: usize,
    prev_end: Option<usize>,
}

impl Iterator for Groups<'_> {
    type Item = Group;

    fn next(&mut self) -> Option<Group> {
        let bytes = self.text.as_bytes();
        let start = self.pos + bytes[self.pos..].iter().position(u8::is_ascii_digit)?;
        let end = bytes[start..].iter().position(|b| !b.is_ascii_digit()).map_or(bytes.len(), |n| start + n);
        // Digits are ASCII, so both ends are character boundaries.
        let link = self.prev_end.map_or(Link::None, |p| link(&self.text[p..start], self.spaces));
        self.prev_end = Some(end);
        self.pos = end;
        Some(Group { start, end, link })
    }
}

/// A personnummer found in a text.
#[derive(Clone, Copy, Debug)]
struct Found {
    /// From its first digit to its last.
    start: usize,
    end: usize,
    /// `end`, or after a float rendering's `.0` (a grouped number's `,00`) when the number is
    /// one run of digits or grouped in threes.
    end_with_suffix: usize,
    /// How many runs of digits it took.
    groups: usize,
    /// The first two digits of a 12-digit form.
    century: Option<[u8; 2]>,
    /// The ten digits after the century (with the leading 0 of the nine-digit form restored).
    short: [u8; 10],
    plus: bool,
}

impl Found {
    fn personnummer(&self, reference_year: i32) -> Personnummer {
        let digit = |b: u8| i32::from(b - b'0');
        let yy = digit(self.short[0]) * 10 + digit(self.short[1]);
        let year = match self.century {
            Some([c1, c2]) => digit(c1) * 1000 + digit(c2) * 100 + yy,
            None => reference_year - (reference_year - yy).rem_euclid(100) - if self.plus { 100 } else { 0 },
        };
        let short = std::str::from_utf8(&self.short).expect("ASCII digits");
        let kon = if digit(self.short[8]) % 2 == 1 { Kon::Man } else { Kon::Kvinna };
        Personnummer {
            digits: format!("{year:04}{}", &short[2..]),
            facts: PnrFacts { birth_year: year, kon },
            valid_checksum: luhn(&self.short),
        }
    }
}

/// Calls `on_match` for every personnummer in `text`, left to right, until it returns false.
/// Linear: every run of digits is looked at once, with a window of the next five.
fn scan(text: &str, spaces: Spaces, mut on_match: impl FnMut(&Found) -> bool) {
    let mut groups = Groups { text, spaces, pos: 0, prev_end: None };
    let mut window = [Group::EMPTY; 5];
    let mut n = 0;
    loop {
        while n < window.len() {
            match groups.next() {
                Some(g) => {
                    window[n] = g;
                    n += 1;
                }
                None => break,
            }
        }
        if n == 0 {
            return;
        }
        let used = match match_at(text, &window[..n]) {
            Some(found) => {
                if !on_match(&found) {
                    return;
                }
                found.groups
            }
            None => 1,
        };
        window.copy_within(used..n, 0);
        n -= used;
    }
}

/// Whether `before` ends with a group of one to three digits and one thousands separator:
/// then a group of three after it is not the start of a number but its inside.
fn continues_grouped_number(before: &str) -> bool {
    let Some(sep) = before.chars().next_back().filter(|&c| is_thousands_separator(c)) else {
        return false;
    };
    let rest = &before.as_bytes()[..before.len() - sep.len_utf8()];
    let digits = rest.iter().rev().take(4).take_while(|b| b.is_ascii_digit()).count();
    (1..=3).contains(&digits)
}

/// The personnummer that starts with the first run of `window`, if any.
fn match_at(text: &str, window: &[Group]) -> Option<Found> {
    // A group of three after one thousands separator: the inside of a grouped number.
    let in_threes = |j: usize| window.get(j).is_some_and(|g| g.len() == 3 && g.link == Link::Thousands);
    // The first run's length decides the only shape that can start with it (for three digits:
    // all four groups when there are four).
    let (shape, grouped): (&[usize], bool) = match window[0].len() {
        12 => (&[12], false),
        10 => (&[10], false),
        9 => (&[9], false),
        8 => (&[8, 4], false),
        6 => (&[6, 4], false),
        5 => (&[5, 4], false),
        4 => (&[4, 2, 2, 4], false),
        2 => (&[2, 2, 2, 4], false),
        1 => (&[1, 3, 3, 3], true),
        3 if in_threes(1) && in_threes(2) && in_threes(3) => (&[3, 3, 3, 3], true),
        3 => (&[3, 3, 3], true),
        _ => return None,
    };
    let k = shape.len();
    let parts = window.get(..k)?;
    for (j, g) in parts.iter().enumerate().skip(1) {
        let joined = match g.link {
            _ if grouped => g.link == Link::Thousands,
            Link::None => false,
            Link::Plus => j == k - 1,
            Link::Space | Link::Thousands | Link::Punct { .. } => true,
        };
        if g.len() != shape[j] || !joined {
            return None;
        }
    }
    let plus = parts[k - 1].link == Link::Plus;
    let mut digits = [0u8; 12];
    let mut n = 0;
    for g in parts {
        digits[n..n + g.len()].copy_from_slice(&text.as_bytes()[g.start..g.end]);
        n += g.len();
    }
    let mut short = [b'0'; 10];
    let century = match n {
        12 => {
            short.copy_from_slice(&digits[2..12]);
            Some([digits[0], digits[1]])
        }
        10 => {
            short.copy_from_slice(&digits[..10]);
            None
        }
        _ => {
            // Nine digits: Excel dropped the leading zero of 0Y.
            short[1..].copy_from_slice(&digits[..9]);
            None
        }
    };
    if century.is_some_and(|c| &c != b"19" && &c != b"20") || !plausible_date(&short) {
        return None;
    }
    let (first, last) = (parts[0], parts[k - 1]);
    let before = &text[..first.start];
    if n == 9 || (grouped && n == 10) {
        // Nine-digit numbers are common (amounts, OCR numbers), and so are grouped ten-digit
        // ones (amounts): only with a right check digit, and not with a sign.
        if plus || !luhn(&short) || before.ends_with(['-', '\u{2212}', '+']) {
            return None;
        }
    }
    if grouped && n != 12 {
        // Only a whole grouped number: not followed by another group of three, and (nine
        // digits, whose first group may be an inner one) not preceded by a group.
        if in_threes(k) || (n == 9 && continues_grouped_number(before)) {
            return None;
        }
    }
    // The fraction of a decimal number with a point (`3.7010632391`, as JSON writes them) is
    // not a number of its own. (After a comma it may be: `B12,501011233` in a CSV line.)
    if (k == 1 || grouped) && before.strip_suffix('.').is_some_and(|b| b.ends_with(|c: char| c.is_ascii_digit())) {
        return None;
    }
    // A decimal part after it: `,50` makes it an amount, `.0` is a float rendering and `,00`
    // the two decimals of a number format.
    let mut end_with_suffix = last.end;
    if let [b'.' | b',', rest @ ..] = &text.as_bytes()[last.end..] {
        let decimals = rest.iter().take(4).take_while(|b| b.is_ascii_digit()).count();
        if (1..=3).contains(&decimals) {
            if rest[..decimals].iter().any(|&b| b != b'0') {
                return None;
            }
            if k == 1 || grouped {
                end_with_suffix = last.end + 1 + decimals;
            }
        }
    }
    // A date range: in `2025-03-01–2025-03-31` the "serial" 2025 is the next date's year.
    if k > 1
        && !grouped
        && let Some(next) = window.get(k)
        && next.link == (Link::Punct { tight: true })
        && next.len() == 2
        && matches!(&text.as_bytes()[last.start..last.start + 2], b"19" | b"20")
        && matches!(&text.as_bytes()[next.start..next.end], [b'0', b'1'..=b'9'] | [b'1', b'0'..=b'2'])
    {
        return None;
    }
    Some(Found { start: first.start, end: last.end, end_with_suffix, groups: k, century, short, plus })
}

/// Month 1–12, day 1–31 or 61–91 (samordningsnummer). Not the calendar: a number registered
/// with 30 February is still a personnummer and must still be hidden.
fn plausible_date(short: &[u8; 10]) -> bool {
    let two = |i: usize| (short[i] - b'0') * 10 + (short[i + 1] - b'0');
    let (month, day) = (two(2), two(4));
    (1..=12).contains(&month) && ((1..=31).contains(&day) || (61..=91).contains(&day))
}

/// The Luhn check over the ten digits after the century.
fn luhn(ten: &[u8; 10]) -> bool {
    let sum: u32 = ten
        .iter()
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
    /// By the text as written (a whole client id cell, or the number as found in a text).
    cache: FxHashMap<String, Known>,
}

struct Known {
    id: String,
    facts: PnrFacts,
    birthday: Option<(u8, u8)>,
    bad_checksum: bool,
}

impl Known {
    fn key(&self) -> ClientKey {
        ClientKey {
            id: self.id.clone(),
            facts: Some(self.facts),
            birthday: self.birthday,
            bad_checksum: self.bad_checksum,
        }
    }
}

/// A client id after pseudonymisation.
pub struct ClientKey {
    pub id: String,
    /// Set when the id is a personnummer's pseudonym: the cell was one, or held exactly one.
    pub facts: Option<PnrFacts>,
    /// With `facts`: the birthday (month, day), for ages on a given day.
    pub birthday: Option<(u8, u8)>,
    pub bad_checksum: bool,
}

impl Pseudonymizer {
    pub fn new(key: &[u8], reference_year: i32) -> Pseudonymizer {
        let mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
        Pseudonymizer { mac, reference_year, cache: FxHashMap::default() }
    }

    /// The id to use for the client id cell `raw` (trimmed):
    ///
    /// - `raw` is a personnummer: its pseudonym, with its facts and check-digit flag;
    /// - `raw` holds one personnummer and other text (`19380214-1139 Anna Andersson`,
    ///   `Anna Andersson (19380214-1139)`): that personnummer's pseudonym alone, with its facts
    ///   and check-digit flag, exactly as if the cell had held only the number. The rest (a
    ///   name) is dropped, so that no name stays in the id and the same person with and without
    ///   it is one client. The same number written twice counts as one;
    /// - `raw` holds two or more different personnummer: `raw` with each of them masked and the
    ///   text kept, without facts (they could be either person's);
    /// - otherwise `raw` as it is.
    ///
    /// Within the cell a tab or line break between the groups is a space (`19410517\t1161`),
    /// as for [`Personnummer::parse`]; a personnummer is otherwise found as [`Pseudonymizer::mask`]
    /// finds it.
    pub fn client(&mut self, raw: &str) -> ClientKey {
        let raw = raw.trim();
        if let Some(known) = self.cache.get(raw) {
            return known.key();
        }
        let unchanged = |raw: &str| ClientKey { id: raw.to_owned(), facts: None, birthday: None, bad_checksum: false };
        if !has_nine_digits(raw) {
            return unchanged(raw);
        }
        if let Some(pnr) = Personnummer::parse(raw, self.reference_year) {
            return self.remember(raw, &pnr).key();
        }
        // Not a personnummer, but it may hold some ("Anna 19121212-1212"): stop at the second
        // different one.
        let year = self.reference_year;
        let mut one: Option<(Found, Personnummer)> = None;
        let mut several = false;
        scan(raw, Spaces::Cell, |found| match &one {
            None => {
                one = Some((*found, found.personnummer(year)));
                true
            }
            Some((_, first)) if first.digits == found.personnummer(year).digits => true,
            Some(_) => {
                several = true;
                false
            }
        });
        match one {
            Some((found, _)) if !several => self.known(raw, &found).key(),
            Some(_) => ClientKey {
                id: self.mask_with(raw, Spaces::Cell).into_owned(),
                facts: None,
                birthday: None,
                bad_checksum: false,
            },
            None => unchanged(raw),
        }
    }

    /// The text with every personnummer in it replaced by its pseudonym: for anything shown
    /// that comes from a file (previews, the values quoted in findings).
    pub fn mask(&mut self, text: &str) -> String {
        self.mask_cow(text).into_owned()
    }

    /// [`Pseudonymizer::mask`] without a copy when there is nothing to replace. Excel's wrappers
    /// of a number (`'`, `="…"`, a float's `.0`, a grouped number's `,00`) go with it; quotes
    /// and spaces stay.
    pub fn mask_cow<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        if !has_nine_digits(text) {
            return Cow::Borrowed(text);
        }
        self.mask_with(text, spaces_for(text))
    }

    fn mask_with<'t>(&mut self, text: &'t str, spaces: Spaces) -> Cow<'t, str> {
        let mut out: Option<String> = None;
        let mut cursor = 0;
        scan(text, spaces, |found| {
            let (mut start, mut end) = (found.start, found.end_with_suffix);
            let before = &text[cursor..start];
            if before.ends_with("=\"") && text[end..].starts_with('"') {
                start -= 2;
                end += 1;
            } else if before.ends_with('\'') && !text[end..].starts_with('\'') {
                start -= 1;
            }
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[cursor..start]);
            out.push_str(&self.known(text, found).id);
            cursor = end;
            true
        });
        match out {
            Some(mut out) => {
                out.push_str(&text[cursor..]);
                Cow::Owned(out)
            }
            None => Cow::Borrowed(text),
        }
    }

    /// The pseudonym and facts of `found` in `text`, remembered by the number as written.
    fn known(&mut self, text: &str, found: &Found) -> &Known {
        let raw = &text[found.start..found.end];
        if self.cache.contains_key(raw) {
            return &self.cache[raw];
        }
        let pnr = found.personnummer(self.reference_year);
        self.remember(raw, &pnr)
    }

    fn remember(&mut self, raw: &str, pnr: &Personnummer) -> &Known {
        let known = Known {
            id: self.pseudonym(&pnr.digits),
            facts: pnr.facts,
            birthday: pnr.birthday(),
            bad_checksum: !pnr.valid_checksum,
        };
        self.cache.entry(raw.to_owned()).or_insert(known)
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
    fn the_birthday_is_read_from_the_date_digits() {
        let day = |t: &str| Personnummer::parse(t, 2025).unwrap().birthday();
        assert_eq!(day("19121212-1212"), Some((12, 12)));
        // Samordningsnummer: day + 60.
        assert_eq!(day("19400172-1234"), Some((1, 12)));
        // 29 February in a leap year, and an invalid date (30 February) with no birthday.
        assert_eq!(day("19400229-1234"), Some((2, 29)));
        assert_eq!(day("19410230-1234"), None);
    }

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

    /// Every spelling of three people, with the 12 digits and birth year each stands for
    /// (written by hand): Skatteverket's test number, a samordningsnummer (born 3 October 1970,
    /// day 63) and someone born 1 January 2005 (check digit 3, worked out by hand).
    const PEOPLE: [(&str, i32, &[&str]); 3] = [
        (
            "191212121212",
            1912,
            &[
                "191212121212",
                "19121212-1212",
                "19121212\u{2013}1212", // en dash
                "19121212\u{2014}1212", // em dash
                "19121212\u{2212}1212", // minus sign
                "19121212\u{2011}1212", // non-breaking hyphen
                "19121212/1212",
                "19121212.1212",
                "19121212 1212",
                "19121212 - 1212",
                "19121212\u{a0}1212",
                "1912-12-12-1212",
                "1912 12 12 1212",
                "1912 12 12-1212",
                "1912-12-12 1212",
                "1912.12.12/1212",
                "1912\u{2013}12\u{2013}12\u{2013}1212",
                "19121212+1212",
                "121212+1212",
                "12-12-12+1212",
                "12 12 12 + 1212",
                "'191212121212",
                "'19121212-1212",
                "191212121212.0",
                "191212121212,0",
                "191212121212.00",
                "=\"191212121212\"",
                "=\"19121212-1212\"",
                "\"191212121212\"",
                "\"'191212121212\"",
                "  191212121212\t",
                "\u{a0}19121212-1212\u{a0}",
                "\u{feff}191212121212",
                // An underscore, a doubled separator.
                "19121212_1212",
                "1912_12_12_1212",
                "19121212--1212",
                "19121212 -- 1212",
                "19121212\u{2013}\u{2013}1212",
                "1912--12--12--1212",
                // A tab or line break within the one cell.
                "19121212\t1212",
                "1912\t12\t12\t1212",
                "19121212\r\n1212",
                "19121212\t-\t1212",
                // Excel's thousands separators on the number (and its two decimals).
                "191 212 121 212",
                "191\u{a0}212\u{a0}121\u{a0}212",
                "191\u{202f}212\u{202f}121\u{202f}212,00",
                "191\u{2009}212\u{2009}121\u{2009}212.00",
                "'191 212 121 212",
            ],
        ),
        (
            "197010632391",
            1970,
            &[
                "701063-2391",
                "7010632391",
                "701063\u{2013}2391",
                "701063\u{2014}2391",
                "701063\u{2212}2391",
                "701063\u{2011}2391",
                "701063/2391",
                "701063.2391",
                "701063 2391",
                "70-10-63-2391",
                "70 10 63 2391",
                "70 10 63-2391",
                "70.10.63.2391",
                "197010632391",
                "19701063-2391",
                "1970-10-63-2391",
                "1970 10 63 2391",
                "'7010632391",
                "7010632391.0",
                "7010632391,0",
                "=\"7010632391\"",
                "\"701063-2391\"",
                " 701063-2391 ",
                "701063_2391",
                "70_10_63_2391",
                "701063--2391",
                "701063\t2391",
                "197 010 632 391",
                // Ten digits grouped: 7010632391 has a right check digit (Luhn sum 30).
                "7 010 632 391",
                "7\u{a0}010\u{a0}632\u{a0}391,00",
            ],
        ),
        (
            "200501011233",
            2005,
            &[
                "050101-1233",
                "0501011233",
                "050101\u{2013}1233",
                "05-01-01-1233",
                "05 01 01 1233",
                "200501011233",
                "20050101-1233",
                "2005-01-01-1233",
                "2005 01 01-1233",
                "'0501011233",
                "=\"0501011233\"",
                "0501011233.0",
                // Excel dropped the leading zero.
                "501011233",
                "501011233.0",
                "501011233,0",
                "50101-1233",
                "50101\u{2013}1233",
                "50101 1233",
                "\"501011233\"",
                "050101_1233",
                "050101--1233",
                "50101_1233",
                "200 501 011 233",
                "501 011 233",
                "501\u{a0}011\u{a0}233,00",
                "501\u{202f}011\u{202f}233.00",
            ],
        ),
    ];

    #[test]
    fn every_spelling_gives_the_same_twelve_digits() {
        for (digits, year, spellings) in PEOPLE {
            for s in spellings {
                let p = Personnummer::parse(s, 2025).unwrap_or_else(|| panic!("{s:?} not recognised"));
                assert_eq!(p.digits, digits, "{s:?}");
                assert_eq!(p.facts, PnrFacts { birth_year: year, kon: Kon::Man }, "{s:?}");
                assert!(p.valid_checksum, "{s:?}");
            }
        }
    }

    #[test]
    fn every_spelling_gets_the_same_pseudonym_as_client_and_in_text() {
        let trim = |s: &str| s.trim_matches(|c: char| c == '"' || c == '\u{feff}' || c.is_whitespace()).to_owned();
        for (digits, _, spellings) in PEOPLE {
            let id = Pseudonymizer::new(b"k", 2025).client(digits).id;
            let mut shared = Pseudonymizer::new(b"k", 2025);
            for s in spellings {
                // Fresh, so that no cache hides a difference; and shared, with the cache.
                assert_eq!(Pseudonymizer::new(b"k", 2025).client(s).id, id, "{s:?}");
                assert_eq!(shared.client(s).id, id, "{s:?}");
                let masked = Pseudonymizer::new(b"k", 2025).mask(s);
                assert_eq!(trim(&masked), id, "{s:?} masked as {masked:?}");
                assert_eq!(trim(&shared.mask(s)), id, "{s:?}");
                assert!(contains_personnummer(s), "{s:?}");
                assert!(!contains_personnummer(&masked), "{masked:?}");
            }
        }
    }

    #[test]
    fn masks_inside_text() {
        let mut p = Pseudonymizer::new(b"k", 2025);
        let a = p.client("191212121212").id;
        let b = p.client("197010632391").id;
        let c = p.client("200501011233").id;
        let d = p.client("197301211483").id;
        let e = p.client("195001011237").id;
        let f = p.client("193612121115").id;
        let g = p.client("193711271829").id;
        let cases = [
            ("Brukare 197 301 211 483 har hemtjänst", format!("Brukare {d} har hemtjänst")),
            ("Belopp 197\u{a0}301\u{a0}211\u{a0}483,00 kr", format!("Belopp {d} kr")),
            ("197 301 211 483;HT-NORR;1 234 567,50", format!("{d};HT-NORR;1 234 567,50")),
            // A row number before it, in cells joined by spaces: the 12-digit form is taken.
            ("Rad 12 197 301 211 483", format!("Rad 12 {d}")),
            ("Brukare 5 001 011 237, summa 1 234 567 890 kr", format!("Brukare {e}, summa 1 234 567 890 kr")),
            ("(501\u{202f}011\u{202f}233)", format!("({c})")),
            ("Fil brukare_361212_1115.xlsx", format!("Fil brukare_{f}.xlsx")),
            ("Född 19371127--1829, enhet HT_NORR", format!("Född {g}, enhet HT_NORR")),
            ("Född 371127 -- 1829.", format!("Född {g}.")),
            ("Enhet 19121212\u{2013}1212 Norr", format!("Enhet {a} Norr")),
            ("\"'191212121212\"", format!("\"{a}\"")),
            ("=\"191212121212\"", a.clone()),
            ("x=\"19121212-1212\";y", format!("x{a};y")),
            ("Brukaren 1912-12-12-1212 flyttade 2025-03-01.", format!("Brukaren {a} flyttade 2025-03-01.")),
            ("Brukaren 12-12-12+1212 flyttade", format!("Brukaren {a} flyttade")),
            ("Född 1912 12 12-1212, enhet HT-NORR", format!("Född {a}, enhet HT-NORR")),
            ("Rad 4: 501011233;HT-NORR;-750", format!("Rad 4: {c};HT-NORR;-750")),
            ("B12,501011233,HT-NORR", format!("B12,{c},HT-NORR")),
            ("701063-2391, 7010632391 och 19701063\u{2014}2391", format!("{b}, {b} och {b}")),
            ("70-10-63-2391 19121212-1212", format!("{b} {a}")),
            ("(191212121212.0)", format!("({a})")),
            ("ID191212121212x", format!("ID{a}x")),
            ("4110 19121212-1212 5011", format!("4110 {a} 5011")),
            ("2025-03-01 19121212-1212", format!("2025-03-01 {a}")),
            ("Personnummer;Insats\n19121212-1212;Hemtjänst", format!("Personnummer;Insats\n{a};Hemtjänst")),
            ("'191212121212'", format!("'{a}'")),
            ("Summa 1 234 567,50 för 0501011233.", format!("Summa 1 234 567,50 för {c}.")),
        ];
        for (text, expected) in cases {
            assert_eq!(p.mask(text), expected, "{text:?}");
            assert!(contains_personnummer(text), "{text:?}");
            assert!(!contains_personnummer(&expected), "{expected:?}");
        }
    }

    #[test]
    fn leaves_ordinary_things_alone() {
        let ordinary = [
            "2025-03-01",
            "2025-03",
            "202503",
            "5011",
            "4110",
            "1 234 567,50",
            "-750",
            "HT-NORR",
            "Period 202503, konto 5011, ansvar 4110, belopp 1 234 567,50 kr, avdrag -750, enhet HT-NORR",
            "1 234 567 890,50",
            "12 345 678 901",
            "5011 4110 2025 2025",
            // 16-digit OCR numbers, also one whose first or last twelve digits are a personnummer:
            // a longer run of digits is never partly masked.
            "OCR 1234567890123456",
            "OCR 1912121212124567",
            "4567191212121212",
            "1191212121212",
            "19121212121",
            // Date ranges and times.
            "2025-03-01\u{2013}2025-03-31",
            "2025-03-01 - 2025-12-31",
            "2025-03-01 2025-03-31",
            "25-03-01\u{2013}2025-03-31",
            "20250301-20250331",
            "2025-03-01 12:30",
            // Phone numbers in the usual groups, an organisation number (month 20).
            "Tel 070-123 45 67",
            "Org.nr 212000-1142",
            // Decimal numbers.
            "7010632391,5",
            "191212121212,25",
            "3.7010632391",
            "0.501011233",
            // Not separators: three spaces, three marks; in running text a tab or a line break
            // (but see `a_tab_parts_the_groups_in_one_cell_but_not_in_running_text`).
            "19121212   1212",
            "19121212---1212",
            "19121212- -1212",
            "Rad 19121212\t1212",
            "19121212\n1212 kr",
            "19121212\t1212\tHT-NORR",
            // Amounts with thousands separators (month 34, 41, 87 or 99, day 00, a wrong check
            // digit, or part of a longer number).
            "1 234 567 890",
            "Summa 1 234 567 890 kr",
            "1\u{a0}234\u{a0}567\u{a0}890,00",
            "3 141 592 653",
            "987 654 321",
            "199 999 999 999",
            "200 000 000 000",
            "201 391 011 200",
            // 5001011234: plausible date (1 January), but Luhn sum 17.
            "5 001 011 234",
            "Belopp 5 001 011 234,00 kr",
            // 1 501 011 233 is 1.5 billion: 501011233 has a right check digit but is the inside
            // of the number, and 1501011233 has a wrong one (Luhn sum 22).
            "1 501 011 233",
            "1\u{a0}501\u{a0}011\u{a0}233 kr",
            "Budget 1 501 011 233,00",
            // 5001011237 and 501011233 are right, but followed by a group, signed or with öre.
            "5 001 011 237 000",
            "501 011 233 000",
            "-5 001 011 237",
            "\u{2212}501 011 233",
            "5 001 011 237,50",
            "501 011 233,25",
            "0.501 011 233",
            // A 12-digit number must start with 19 or 20.
            "301212121212",
            "18121212-1212",
        ];
        let mut p = Pseudonymizer::new(b"k", 2025);
        for text in ordinary {
            assert!(matches!(p.mask_cow(text), Cow::Borrowed(_)), "{text:?} masked as {:?}", p.mask(text));
            assert_eq!(p.mask(text), text);
            assert!(!contains_personnummer(text), "{text:?}");
            assert_eq!(Personnummer::parse(text, 2025), None, "{text:?}");
        }
    }

    #[test]
    fn a_personnummer_shaped_phone_number_is_masked() {
        // 070-123 45 67 written as ten digits reads as 7 January (19)07 with serial 4567: it is
        // masked. Accepted: nothing tells the two apart.
        assert!(contains_personnummer("0701234567"));
        assert!(Personnummer::parse("0701234567", 2025).is_some());
    }

    #[test]
    fn the_testers_spellings_are_recognised() {
        // Check digits worked out by hand: 3612121115, 3711271829 and 4105171161 each have Luhn
        // sum 30 or 50; the ninth digit (1, 2, 6) gives the sex.
        for (text, digits, birth_year, kon) in [
            ("361212_1115", "193612121115", 1936, Kon::Man),
            ("19371127--1829", "193711271829", 1937, Kon::Kvinna),
            ("19410517\t1161", "194105171161", 1941, Kon::Kvinna),
        ] {
            let p = Personnummer::parse(text, 2025).unwrap_or_else(|| panic!("{text:?} not recognised"));
            assert_eq!(p.digits, digits, "{text:?}");
            assert_eq!(p.facts, PnrFacts { birth_year, kon }, "{text:?}");
            assert!(p.valid_checksum, "{text:?}");
            let mut ps = Pseudonymizer::new(b"k", 2025);
            let id = ps.client(digits).id;
            let key = ps.client(text);
            assert_eq!((key.id.as_str(), key.facts, key.bad_checksum), (id.as_str(), Some(p.facts), false), "{text:?}");
            assert_eq!(Pseudonymizer::new(b"k", 2025).mask(text), id, "{text:?}");
            assert!(contains_personnummer(text), "{text:?}");
        }
    }

    #[test]
    fn a_tab_parts_the_groups_in_one_cell_but_not_in_running_text() {
        let mut p = Pseudonymizer::new(b"k", 2025);
        let id = p.client("194105171161").id;
        // One cell: a client id, or a text that is nothing but the number.
        for cell in ["19410517\t1161", "\t19410517\t\t1161\n", "1941\t05\t17\t1161", "19410517\n1161", "410517\t1161"] {
            assert_eq!(Personnummer::parse(cell, 2025).map(|p| p.digits), Some("194105171161".to_owned()), "{cell:?}");
            assert_eq!(p.client(cell).id, id, "{cell:?}");
            assert_eq!(p.mask(cell).trim(), id, "{cell:?}");
            assert!(contains_personnummer(cell), "{cell:?}");
        }
        // A client id cell with a name: the tab is still a space.
        assert_eq!(p.client("Anna Andersson\t19410517\t1161").id, id);
        // Running text, a TSV line: a tab is a cell boundary.
        for text in ["Rad 19410517\t1161", "19410517\t1161\tHT-NORR", "20250301\t5011\tHT-NORR\t1 234,50"] {
            assert_eq!(p.mask(text), text, "{text:?}");
            assert!(!contains_personnummer(text), "{text:?}");
        }
        // Accepted: a text that is only a date, a tab and four digits reads as one cell.
        assert_ne!(p.mask("20250301\t5011"), "20250301\t5011");
    }

    #[test]
    fn numbers_with_thousands_separators() {
        // 197301211483: 21 January 1973, Luhn sum 30 over 7301211483, ninth digit 8 (woman).
        // 5001011237: 1 January 1950, Luhn sum 20, ninth digit 3 (man).
        // 1212121212 and 501011233: Skatteverket's test number, and 050101-1233 as above.
        for (text, digits, birth_year, kon) in [
            ("197 301 211 483", "197301211483", 1973, Kon::Kvinna),
            ("197\u{a0}301\u{a0}211\u{a0}483,00", "197301211483", 1973, Kon::Kvinna),
            ("197\u{202f}301\u{202f}211\u{202f}483.00", "197301211483", 1973, Kon::Kvinna),
            ("197\u{2009}301\u{2009}211\u{2009}483", "197301211483", 1973, Kon::Kvinna),
            ("5 001 011 237", "195001011237", 1950, Kon::Man),
            ("5\u{a0}001\u{a0}011\u{a0}237,00", "195001011237", 1950, Kon::Man),
            ("1 212 121 212", "201212121212", 2012, Kon::Man),
            ("191 212 121 212", "191212121212", 1912, Kon::Man),
            ("501 011 233", "200501011233", 2005, Kon::Man),
            ("501 011 233,00", "200501011233", 2005, Kon::Man),
        ] {
            let p = Personnummer::parse(text, 2025).unwrap_or_else(|| panic!("{text:?} not recognised"));
            assert_eq!(p.digits, digits, "{text:?}");
            assert_eq!(p.facts, PnrFacts { birth_year, kon }, "{text:?}");
            assert!(p.valid_checksum, "{text:?}");
            let mut ps = Pseudonymizer::new(b"k", 2025);
            let id = ps.client(digits).id;
            assert_eq!(ps.client(text).id, id, "{text:?}");
            assert_eq!(ps.client(text).facts, Some(p.facts), "{text:?}");
            let masked = Pseudonymizer::new(b"k", 2025).mask(&format!("Brukare {text} HT"));
            assert_eq!(masked, format!("Brukare {id} HT"), "{text:?}");
            assert!(contains_personnummer(text), "{text:?}");
        }
        assert_eq!(Personnummer::parse("\"197 301 211 483,00\"", 2025).unwrap().digits, "197301211483");
        // The 12-digit form needs no right check digit (flagged, as in every 12-digit form);
        // 7301211484 has Luhn sum 31.
        let p = Personnummer::parse("197 301 211 484", 2025).unwrap();
        assert_eq!(p.digits, "197301211484");
        assert!(!p.valid_checksum);
        // The 10- and 9-digit forms do: 5001011234 (sum 17) and 501011234 (sum 21) are amounts.
        for amount in ["5 001 011 234", "501 011 234", "Belopp 5 001 011 234 kr"] {
            assert_eq!(Personnummer::parse(amount, 2025), None, "{amount:?}");
            assert!(!contains_personnummer(amount), "{amount:?}");
        }
        // Only one separator of the four kinds, between groups of three.
        for not_one in ["197  301 211 483", "197\t301\t211\t483 kr", "19 730 121 148 3", "1973 012 114 83"] {
            assert!(!contains_personnummer(not_one), "{not_one:?}");
        }
    }

    #[test]
    fn a_grouped_amount_that_reads_as_a_personnummer_is_masked() {
        // Accepted (see the module documentation): 5 001 011 237 kr is 1 January 1950 with a
        // right check digit; 200 501 011 233 öre starts with 20 and holds 1 January 2005.
        let mut p = Pseudonymizer::new(b"k", 2025);
        let (e, c) = (p.client("195001011237").id, p.client("200501011233").id);
        assert_eq!(p.mask("Summa 5 001 011 237 kr"), format!("Summa {e} kr"));
        assert_eq!(p.mask("Summa 200 501 011 233 öre"), format!("Summa {c} öre"));
        // And the last twelve digits of a 13-digit grouped number.
        assert_eq!(p.mask("1 200 501 011 233"), format!("1 {c}"));
    }

    #[test]
    fn a_client_id_with_a_name_is_the_personnummer_alone() {
        // 3802141139: Luhn sum 40, ninth digit 3 (man).
        let mut p = Pseudonymizer::new(b"k", 2025);
        let alone = p.client("19380214-1139");
        assert_eq!(alone.facts, Some(PnrFacts { birth_year: 1938, kon: Kon::Man }));
        for cell in [
            "19380214-1139 Anna Andersson",
            "Anna Andersson (19380214-1139)",
            "Anna Andersson, 380214-1139",
            "HT1 193802141139",
            "19380214-1139 / 380214-1139 Anna",
            "Anna\t19380214\t1139",
            "Andersson 193 802 141 139,00",
        ] {
            for mut q in [Pseudonymizer::new(b"k", 2025), Pseudonymizer::new(b"k", 2025)] {
                // Fresh, and after the number alone was seen.
                if q.cache.is_empty() && cell.starts_with('A') {
                    q.client("193802141139");
                }
                let key = q.client(cell);
                assert_eq!(key.id, alone.id, "{cell:?}");
                assert_eq!(key.facts, alone.facts, "{cell:?}");
                assert!(!key.bad_checksum, "{cell:?}");
            }
            assert_eq!(p.client(cell).id, alone.id, "{cell:?}");
        }
        // The check digit flag comes with it.
        let bad = p.client("Anna 19121212-1213");
        assert!(bad.bad_checksum);
        assert_eq!(bad.id, p.client("19121212-1213").id);
        assert_eq!(bad.facts, Some(PnrFacts { birth_year: 1912, kon: Kon::Man }));
        // Two different personnummer: both masked, the text kept, no facts.
        let a = p.client("191212121212").id;
        let two = p.client("19380214-1139 och 19121212-1212");
        assert_eq!(two.id, format!("{} och {a}", alone.id));
        assert_eq!(two.facts, None);
        assert!(!two.bad_checksum);
        // A date and a four-digit number also read as one, so this is two.
        let two = p.client("2025-03-01 1234 Anna 19380214-1139");
        assert_eq!(two.facts, None);
        assert!(two.id.ends_with(&format!("Anna {}", alone.id)), "{}", two.id);
        assert!(!contains_personnummer(&two.id));
        // Without a personnummer the id is kept, digits and all.
        for id in ["B-1042", "Kund 123456789", "Anna Andersson", "1 234 567 890"] {
            let key = p.client(id);
            assert_eq!((key.id.as_str(), key.facts), (id, None));
        }
        // `mask` keeps the name: it is for text, not ids.
        assert_eq!(p.mask("Anna Andersson (19380214-1139)"), format!("Anna Andersson ({})", alone.id));
    }

    #[test]
    fn nine_digits_only_with_a_right_check_digit_and_a_plausible_date() {
        // 050101-1233: check digit 3 is right (Luhn sum 17 + 3).
        let p = Personnummer::parse("501011233", 2025).unwrap();
        assert_eq!(p.digits, "200501011233");
        assert!(p.valid_checksum);
        assert_eq!(Personnummer::parse("50101-1233", 2025).unwrap().digits, "200501011233");
        // Samordningsnummer, 050161-1230 (Luhn sum 20 + 0).
        assert_eq!(Personnummer::parse("501611230", 2025).unwrap().digits, "200501611230");
        // 050101-1234 has a wrong check digit: as nine digits it is just a number...
        for not_one in ["501011234", "50101-1234", "Belopp 501011234 kr"] {
            assert_eq!(Personnummer::parse(not_one, 2025), None, "{not_one:?}");
            assert!(!contains_personnummer(not_one), "{not_one:?}");
        }
        // ...but with ten digits it is a personnummer with a wrong check digit.
        let p = Personnummer::parse("0501011234", 2025).unwrap();
        assert_eq!(p.digits, "200501011234");
        assert!(!p.valid_checksum);
        // A right check digit but month 13 (0513011239, Luhn sum 21 + 9); and day 00.
        assert_eq!(Personnummer::parse("513011239", 2025), None);
        assert!(!contains_personnummer("513011239"));
        // A sign, a decimal part or `+` make it a number.
        for not_one in ["-501011233", "\u{2212}501011233", "501011233,50", "50101+1233"] {
            assert!(!contains_personnummer(not_one), "{not_one:?}");
            assert_eq!(Personnummer::parse(not_one, 2025), None, "{not_one:?}");
        }
        let mut p = Pseudonymizer::new(b"k", 2025);
        let c = p.client("0501011233").id;
        assert_eq!(
            p.mask("Brukare 501011233 HT1, belopp 501011234 kr"),
            format!("Brukare {c} HT1, belopp 501011234 kr")
        );
    }

    #[test]
    fn invalid_dates_are_still_personnummer() {
        // Check digits worked out by hand: 1202301238 (30 February), 1204311235 (31 April),
        // 1202901235 (samordningsnummer for 30 February); each Luhn sum is 30.
        for (text, digits) in [
            ("19120230-1238", "191202301238"),
            ("19120431-1235", "191204311235"),
            ("19120290-1235", "191202901235"),
            ("120230+1238", "191202301238"),
            ("120230-1238", "201202301238"),
            ("1912-02-30-1238", "191202301238"),
        ] {
            let p = Personnummer::parse(text, 2025).unwrap_or_else(|| panic!("{text:?}"));
            assert_eq!(p.digits, digits, "{text:?}");
            assert!(p.valid_checksum, "{text:?}");
            assert!(contains_personnummer(&format!("Född {text}.")), "{text:?}");
        }
        let mut p = Pseudonymizer::new(b"k", 2025);
        let id = p.client("191202301238").id;
        assert_eq!(p.mask("Född 19120230-1238."), format!("Född {id}."));
        // Outside month 1–12 and day 1–31 / 61–91 it is not a date at all.
        for text in
            ["19121312-1212", "19120012-1212", "19121200-1212", "19121232-1212", "19121260-1212", "19121292-1212"]
        {
            assert_eq!(Personnummer::parse(text, 2025), None, "{text:?}");
            assert!(!contains_personnummer(text), "{text:?}");
        }
    }

    #[test]
    fn plus_keeps_its_meaning() {
        let year = |t: &str| Personnummer::parse(t, 2025).unwrap().facts.birth_year;
        assert_eq!(year("121212+1212"), 1912);
        assert_eq!(year("121212-1212"), 2012);
        assert_eq!(year("12-12-12+1212"), 1912);
        assert_eq!(year("12-12-12-1212"), 2012);
        assert_eq!(year("121212 + 1212"), 1912);
        // With the century written out, `+` changes nothing.
        assert_eq!(year("19121212+1212"), 1912);
        // Only before the last four digits.
        assert_eq!(Personnummer::parse("12+12-12-1212", 2025), None);
    }

    #[test]
    fn a_wrong_check_digit_is_flagged_also_when_remembered() {
        let mut p = Pseudonymizer::new(b"k", 2025);
        assert!(!Personnummer::parse("19121212-1213", 2025).unwrap().valid_checksum);
        // Seen first in a preview, then as a client id.
        assert_ne!(p.mask("19121212-1213"), "19121212-1213");
        assert!(p.client("19121212-1213").bad_checksum);
        assert!(p.client("19121212-1213").bad_checksum);
        assert!(!p.client("19121212-1212").bad_checksum);
    }

    #[test]
    fn text_without_a_personnummer_is_not_copied() {
        let mut p = Pseudonymizer::new(b"k", 2025);
        assert!(matches!(p.mask_cow("Hemtjänst 2025-03 konto 5011"), Cow::Borrowed(_)));
        assert!(matches!(p.mask_cow("1 234 567 890,50"), Cow::Borrowed(_)));
        assert!(matches!(p.mask_cow("19121212-1212"), Cow::Owned(_)));
    }

    #[test]
    fn masking_is_linear() {
        // A megabyte each: digits and separators (a fixed pseudo-random sequence); 3 000
        // distinct personnummer, each needing its own HMAC, over and over; one personnummer
        // repeated; a chain that could start a personnummer at every run; one run of digits.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let alphabet = ['0', '1', '2', '9', '5', '-', ' ', '+', '.', '/', '\u{2013}', '7', '3', '4', '6', '8'];
        let mut random = String::new();
        while random.len() < 1 << 20 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            random.push(alphabet[(state >> 60) as usize]);
        }
        let mut distinct = String::new();
        for serial in (1000..4000).cycle() {
            if distinct.len() >= 1 << 20 {
                break;
            }
            distinct.push_str(&format!("70{:02}{:02}-{serial} ", serial % 12 + 1, serial % 28 + 1));
        }
        let repeated = "1912-12-12-1212 ".repeat((1 << 20) / 16);
        let chain = "12-".repeat((1 << 20) / 3);
        let digits = "1".repeat(1 << 20);
        let mut p = Pseudonymizer::new(b"k", 2025);
        let id = p.client("191212121212").id;
        for text in [&random, &distinct, &repeated, &chain, &digits] {
            // The faster of two runs (the first also fills the cache), so that a busy machine
            // does not fail the test; each must be well under a second even unoptimised.
            let mut fastest = std::time::Duration::MAX;
            for _ in 0..2 {
                let started = std::time::Instant::now();
                let masked = p.mask(text);
                let found = contains_personnummer(text);
                fastest = fastest.min(started.elapsed());
                assert_eq!(found, masked != *text);
            }
            assert!(fastest.as_millis() < 1000, "{} bytes took {fastest:?}", text.len());
        }
        assert!(!contains_personnummer(&p.mask(&distinct)));
        assert_eq!(p.mask(&repeated), format!("{id} ").repeat((1 << 20) / 16));
        assert_eq!(p.mask(&chain), chain);
        assert_eq!(p.mask(&digits), digits);
    }
}

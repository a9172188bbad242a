//! The kinds of input file, their columns, and the header names each column goes by.

use crate::model::normalise;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What an input file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FileKind {
    /// Ledger extract: one row per cost line.
    Kostnader,
    /// Client volume extract: one row per client, insats and period.
    Brukare,
    /// Organisation mapping: ansvar/verksamhet to insats and enhet, or common cost.
    Mappning,
    /// Account mapping: konto ranges to the kind of cost or revenue.
    Konton,
    /// Places per boende.
    Platser,
    /// Population by age.
    Befolkning,
}

impl FileKind {
    pub const ALL: [FileKind; 6] = [
        FileKind::Kostnader,
        FileKind::Brukare,
        FileKind::Mappning,
        FileKind::Konton,
        FileKind::Platser,
        FileKind::Befolkning,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FileKind::Kostnader => "Kostnader (utdrag ur ekonomisystemet)",
            FileKind::Brukare => "Brukarstatistik (utdrag ur verksamhetssystemet)",
            FileKind::Mappning => "Mappning ansvar → insats och enhet",
            FileKind::Konton => "Kontotyper",
            FileKind::Platser => "Platser per boende",
            FileKind::Befolkning => "Befolkning per ålder",
        }
    }

    /// A word for the kind, for lists: "Kostnader", "Brukarstatistik".
    pub fn short_name(self) -> &'static str {
        match self {
            FileKind::Kostnader => "Kostnader",
            FileKind::Brukare => "Brukarstatistik",
            FileKind::Mappning => "Mappning",
            FileKind::Konton => "Kontotyper",
            FileKind::Platser => "Platser",
            FileKind::Befolkning => "Befolkning",
        }
    }

    /// The columns of this kind of file.
    pub fn fields(self) -> &'static [Field] {
        match self {
            FileKind::Kostnader => KOSTNADER,
            FileKind::Brukare => BRUKARE,
            FileKind::Mappning => MAPPNING,
            FileKind::Konton => KONTON,
            FileKind::Platser => PLATSER,
            FileKind::Befolkning => BEFOLKNING,
        }
    }

    /// Groups of columns of which at least one must be present.
    pub fn required(self) -> &'static [&'static [&'static str]] {
        match self {
            FileKind::Kostnader => &[&["ansvar"], &["konto"], &["belopp", "debet"]],
            FileKind::Brukare => {
                &[&["brukare"], &["insats"], &["volym", "beviljad", "utford", "beviljad_min", "utford_min", "fran"]]
            }
            FileKind::Mappning => &[&["ansvar"], &["insats", "fordelning"]],
            FileKind::Konton => &[&["konto_fran"], &["kontotyp"]],
            FileKind::Platser => &[&["enhet"], &["platser"]],
            FileKind::Befolkning => &[&["alder"], &["antal"]],
        }
    }

    pub fn field(self, key: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.key == key)
    }
}

/// One column of a kind of file.
pub struct Field {
    /// Stable key, used in saved column mappings.
    pub key: &'static str,
    /// The Swedish column name used in templates and in the documentation.
    pub label: &'static str,
    /// What the column holds, for the mapping dialog and `docs/FORMAT.md`.
    pub help: &'static str,
    /// Header names recognised for this column (normalised: lower case, single spaces).
    pub synonyms: &'static [&'static str],
}

macro_rules! field {
    ($key:literal, $label:literal, $help:literal, [$($syn:literal),* $(,)?]) => {
        Field { key: $key, label: $label, help: $help, synonyms: &[$($syn),*] }
    };
}

/// A year beside a period column that holds the month (`År;Period` with 3, or `År;Månad`).
const YEAR: Field = field!(
    "ar",
    "År",
    "Året (2025), när periodkolumnen bara har månaden (3 eller mars), eller utan periodkolumn.",
    ["år", "ar", "räkenskapsår", "bokföringsår", "verksamhetsår"]
);

const KOSTNADER: &[Field] = &[
    field!(
        "ansvar",
        "Ansvar",
        "Ansvar eller kostnadsställe (koden).",
        [
            "ansvar",
            "ansvarsställe",
            "ansvarskod",
            "ansvar kod",
            "kostnadsställe",
            "kst",
            "ansvarsenhet",
            "resultatenhet",
            "ansvarsnummer"
        ]
    ),
    field!(
        "verksamhet",
        "Verksamhet",
        "Verksamhetskod (valfri).",
        ["verksamhet", "vht", "verksamhetskod", "verksamhet kod", "verks", "verksamhetsnummer"]
    ),
    field!("konto", "Konto", "Kontonummer.", ["konto", "kontonummer", "kontokod", "konto kod", "kto"]),
    field!(
        "belopp",
        "Belopp",
        "Belopp i kronor. Kostnader positiva, intäkter negativa.",
        [
            "belopp",
            "utfall",
            "belopp kr",
            "belopp (kr)",
            "summa",
            "utfall helår",
            "bokfört",
            "bokfört belopp",
            "netto",
            "utfall ack",
            "utfall ackumulerat",
            "kronor",
            "kr"
        ]
    ),
    field!(
        "insats",
        "Insats",
        "Insats (valfri), om kostnaden är kodad per insats.",
        ["insats", "insatskod", "insatstyp", "aktivitet", "aktivitetskod"]
    ),
    field!(
        "debet",
        "Debet",
        "Debet, i en huvudbok med debet och kredit i stället för belopp (belopp = debet − kredit).",
        ["debet", "debit", "debetbelopp", "belopp debet"]
    ),
    field!("kredit", "Kredit", "Kredit, med Debet.", ["kredit", "credit", "kreditbelopp", "belopp kredit"]),
    field!(
        "period",
        "Period",
        "År (2025) eller månad (2025-03, 202503) som raden gäller (valfri), eller med en kolumn År månaden (3). Rader för andra år än det som beräknas räknas inte.",
        [
            "period",
            "månad",
            "manad",
            "bokföringsperiod",
            "redovisningsperiod",
            "år-månad",
            "årmånad",
            "period (år eller månad)"
        ]
    ),
    YEAR,
    field!(
        "brukare",
        "Brukare",
        "Brukar-id eller personnummer (valfri), om kostnaden är bokförd per brukare.",
        [
            "brukare",
            "brukar-id",
            "brukarid",
            "brukar id",
            "personnummer",
            "pnr",
            "person-nr",
            "personnr",
            "klient",
            "klient-id",
            "klientid",
            "objekt brukare"
        ]
    ),
];

const BRUKARE: &[Field] = &[
    field!(
        "brukare",
        "Brukare",
        "Brukar-id eller personnummer. Personnummer ersätts direkt med en pseudonym.",
        [
            "brukare",
            "brukar-id",
            "brukarid",
            "brukar id",
            "personnummer",
            "pnr",
            "person-nr",
            "personnr",
            "klient",
            "klient-id",
            "klientid",
            "person-id",
            "personid",
            "löpnummer",
            "id"
        ]
    ),
    field!(
        "fodelsear",
        "Födelseår",
        "Födelseår (fyra siffror).",
        ["födelseår", "fodelsear", "födelse år", "född år", "född", "fodd"]
    ),
    field!(
        "alder",
        "Ålder",
        "Ålder vid årets slut (om födelseår saknas).",
        ["ålder", "alder", "ålder vid årets slut", "ålder år"]
    ),
    field!("kon", "Kön", "K eller M (kvinna, man).", ["kön", "kon", "kön (k/m)", "juridiskt kön"]),
    field!(
        "insats",
        "Insats",
        "Insatsens kod eller lokala namn; mappas mot katalogen.",
        ["insats", "insatskod", "insatstyp", "insats kod", "bistånd", "biståndsinsats", "beslut", "insatsnamn"]
    ),
    field!(
        "enhet",
        "Enhet",
        "Utförande enhet (kod eller namn); för annan regi utföraren.",
        ["enhet", "utförare", "utförarenhet", "utförande enhet", "enhetskod", "enhet kod", "utförarkod", "enhetsnamn"]
    ),
    field!(
        "regi",
        "Regi",
        "Egen eller annan regi.",
        ["regi", "driftform", "utförartyp", "egen/annan regi", "egen eller annan regi", "regiform"]
    ),
    field!(
        "boendeform",
        "Boendeform",
        "Ordinärt boende, särskilt boende eller bostad enligt LSS.",
        ["boendeform", "boende", "boendetyp"]
    ),
    field!(
        "volym",
        "Volym",
        "Volym i insatsens enhet (timmar, dygn, dagar …).",
        ["volym", "antal", "mängd", "timmar", "dygn", "dagar", "tid", "antal timmar", "antal dygn", "antal dagar"]
    ),
    field!(
        "volymtyp",
        "Volymtyp",
        "Beviljad eller utförd (för kolumnen Volym).",
        ["volymtyp", "typ av volym", "tidstyp", "volym typ"]
    ),
    field!(
        "beviljad",
        "Beviljad volym",
        "Beviljad tid eller volym.",
        [
            "beviljad tid",
            "beviljade timmar",
            "beviljad volym",
            "beviljat",
            "beviljade dygn",
            "beviljad",
            "beslutad tid",
            "beviljade",
            "beviljad tid timmar"
        ]
    ),
    field!(
        "utford",
        "Utförd volym",
        "Utförd tid eller volym.",
        [
            "utförd tid",
            "utförda timmar",
            "utförd volym",
            "utfört",
            "utförd",
            "utförda",
            "registrerad tid",
            "faktisk tid",
            "utförda dygn",
            "utförd tid timmar"
        ]
    ),
    field!(
        "beviljad_min",
        "Beviljade minuter",
        "Beviljad tid i minuter (räknas om till timmar).",
        ["beviljade minuter", "beviljad tid minuter", "beviljad tid (min)", "beviljade min"]
    ),
    field!(
        "utford_min",
        "Utförda minuter",
        "Utförd tid i minuter (räknas om till timmar).",
        ["utförda minuter", "utförd tid minuter", "utförd tid (min)", "utförda min"]
    ),
    field!(
        "period",
        "Period",
        "År (2025) eller månad (2025-03), eller med en kolumn År månaden (3).",
        ["period", "månad", "manad", "år-månad", "årmånad", "period (år eller månad)"]
    ),
    YEAR,
    field!(
        "fran",
        "Från",
        "Första dag (ÅÅÅÅ-MM-DD), för vistelser.",
        [
            "från",
            "fran",
            "från datum",
            "fr o m",
            "fr.o.m.",
            "from",
            "startdatum",
            "start",
            "inflyttning",
            "inskrivning",
            "beslut från"
        ]
    ),
    field!(
        "till",
        "Till",
        "Sista dag (ÅÅÅÅ-MM-DD), tom om pågående.",
        [
            "till",
            "till datum",
            "t o m",
            "t.o.m.",
            "tom",
            "slutdatum",
            "slut",
            "utflyttning",
            "utskrivning",
            "beslut till"
        ]
    ),
    field!(
        "belopp",
        "Belopp",
        "Vad kommunen betalade för brukarens volym (annan regi).",
        [
            "belopp",
            "ersättning",
            "utbetalt",
            "kostnad annan regi",
            "betalt belopp",
            "köpt belopp",
            "kostnad",
            "ersättning kr"
        ]
    ),
];

const MAPPNING: &[Field] = &[
    field!(
        "ansvar",
        "Ansvar",
        "Ansvar (kod), eller ett prefix följt av * (t.ex. 41*), eller bara * för resten.",
        ["ansvar", "ansvarsställe", "ansvarskod", "kostnadsställe", "kst"]
    ),
    field!(
        "verksamhet",
        "Verksamhet",
        "Verksamhet (kod), tom eller * för alla.",
        ["verksamhet", "vht", "verksamhetskod"]
    ),
    field!("insats", "Insats", "Insatsens kod eller namn, för direkta kostnader.", ["insats", "insatskod"]),
    field!("enhet", "Enhet", "Enhetens kod, som i brukarstatistiken.", ["enhet", "enhetskod", "utförare"]),
    field!("enhetsnamn", "Enhetsnamn", "Enhetens namn, som det ska visas.", ["enhetsnamn", "namn", "benämning"]),
    field!(
        "omrade",
        "Område",
        "Område (t.ex. Hemtjänst, Särskilt boende, LSS) som enheten hör till.",
        ["område", "omrade", "verksamhetsområde", "områdesnamn"]
    ),
    field!("regi", "Regi", "Egen eller annan regi (tom = egen).", ["regi", "driftform"]),
    field!(
        "fordelning",
        "Fördelning",
        "Tom = direkt kostnad; enhet, område eller förvaltning = gemensam kostnad på den nivån; exkludera = utanför KPB.",
        ["fördelning", "fordelning", "gemensam", "nivå", "kostnadstyp", "typ"]
    ),
];

const KONTON: &[Field] = &[
    field!(
        "konto_fran",
        "Konto från",
        "Första konto i intervallet (eller ett enskilt konto).",
        ["konto från", "från konto", "konto", "konto fr o m", "kontonummer", "konto from"]
    ),
    field!(
        "konto_till",
        "Konto till",
        "Sista konto i intervallet (tom = samma som Konto från).",
        ["konto till", "till konto", "konto t o m", "konto tom"]
    ),
    field!(
        "kontotyp",
        "Kontotyp",
        "kostnad, personalkostnad, intern intäkt, försäljning, avgift, assistansersättning eller övrig intäkt.",
        ["kontotyp", "typ", "slag", "kostnadsslag", "kontoslag"]
    ),
];

const PLATSER: &[Field] = &[
    field!("enhet", "Enhet", "Boendets enhetskod.", ["enhet", "enhetskod", "boende", "utförare"]),
    field!("platser", "Platser", "Antal platser (årsgenomsnitt).", ["platser", "antal platser", "platsantal"]),
];

const BEFOLKNING: &[Field] = &[
    field!(
        "alder",
        "Ålder",
        "Ålder i år (eller åldersgrupp som 80-84, 90-w).",
        ["ålder", "alder", "åldersgrupp", "ålder år"]
    ),
    field!("antal", "Antal", "Antal invånare.", ["antal", "invånare", "befolkning", "antal invånare", "folkmängd"]),
];

/// Header normalised for matching: lower case, single spaces, `_` as space, no trailing colon.
pub fn normalise_header(h: &str) -> String {
    normalise(&h.replace('_', " ").replace('\u{feff}', "")).trim_end_matches(':').trim().to_owned()
}

/// Which column of the file each field is read from. A short list, looked up a score of times
/// for every row (fields that are there and fields that are not): found through a small table
/// of slots, without comparing keys with every entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    /// (field key, 0-based column index).
    found: Vec<(&'static str, usize)>,
    /// `found`'s entries by the [`slot`] of their key: the entry's index + 1, 0 for none, or
    /// [`SHARED`] when two keys have the slot (then `found` is searched). Kept by `insert` and
    /// `remove`.
    slots: [u8; 64],
    /// Conversions of number columns whose header names a unit (field key, scale).
    scales: Vec<(&'static str, Scale)>,
    /// The units named in headers (field key, unit).
    units: Vec<(&'static str, Unit)>,
}

/// A slot of [`Columns::slots`] shared by two keys.
const SHARED: u8 = u8::MAX;

/// Where a key is in [`Columns::slots`]: from its length and its first and last letters, so
/// that no two fields of a kind of file share a slot (a unit test holds them to it).
#[inline(always)]
fn slot(key: &str) -> usize {
    let b = key.as_bytes();
    (b.len() * 2 + usize::from(b.first().copied().unwrap_or(0)) + usize::from(b.last().copied().unwrap_or(0)) * 10) % 64
}

impl Default for Columns {
    fn default() -> Self {
        Columns { found: Vec::new(), slots: [0; 64], scales: Vec::new(), units: Vec::new() }
    }
}

/// Whether two field keys are the same. (Asked a score of times a row: a key told apart by its
/// length or its first or last letter, or the same literal, needs no call to `memcmp`; without
/// this, `==` here made the load 6 % more instructions.)
#[inline(always)]
fn same_key(a: &str, b: &str) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    x.len() == y.len() && (std::ptr::eq(x, y) || (x.first() == y.first() && x.last() == y.last() && x == y))
}

impl Columns {
    #[inline(always)]
    pub fn get(&self, key: &str) -> Option<usize> {
        match self.slots[slot(key)] {
            0 => None,
            SHARED => self.found.iter().find(|(k, _)| same_key(k, key)).map(|(_, i)| *i),
            at => {
                let (k, i) = self.found[usize::from(at) - 1];
                same_key(k, key).then_some(i)
            }
        }
    }

    /// How the column's numbers convert (one to one unless its header names a unit).
    #[inline(always)]
    pub fn scale(&self, key: &str) -> Scale {
        self.scales.iter().find(|(k, _)| same_key(k, key)).map_or(Scale::ONE, |(_, s)| *s)
    }

    pub fn set_scale(&mut self, key: &'static str, scale: Scale) {
        self.scales.retain(|(k, _)| *k != key);
        self.scales.push((key, scale));
    }

    /// The unit the column's header names.
    pub fn unit(&self, key: &str) -> Option<Unit> {
        self.units.iter().find(|(k, _)| *k == key).map(|(_, u)| *u)
    }

    pub fn set_unit(&mut self, key: &'static str, unit: Unit) {
        self.units.retain(|(k, _)| *k != key);
        self.units.push((key, unit));
    }

    /// Forgets a column (one whose unit does not fit).
    pub fn remove(&mut self, key: &str) {
        self.found.retain(|(k, _)| *k != key);
        self.fill_slots();
    }

    #[inline(always)]
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.found.len()
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    fn insert(&mut self, key: &'static str, column: usize) {
        self.found.push((key, column));
        self.fill_slots();
    }

    fn fill_slots(&mut self) {
        self.slots = [0; 64];
        for (at, (key, _)) in self.found.iter().enumerate() {
            let slot = &mut self.slots[slot(key)];
            *slot = if *slot == 0 { u8::try_from(at + 1).unwrap_or(SHARED) } else { SHARED };
        }
    }

    /// Required groups with none of their columns found, as the labels to show.
    pub fn missing(&self, kind: FileKind) -> Vec<&'static str> {
        kind.required()
            .iter()
            .filter(|group| !group.iter().any(|k| self.has(k)))
            .map(|group| kind.field(group[0]).map_or(group[0], |f| f.label))
            .collect()
    }
}

/// Matches headers against a kind's synonyms, with the user's choices (field key → header as
/// written) taking precedence where the file has that header. Each header is used by at most one
/// field.
pub fn resolve(kind: FileKind, headers: &[String], manual: &BTreeMap<String, String>) -> Columns {
    let normal: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let mut cols = Columns::default();
    let mut used = vec![false; headers.len()];
    for field in kind.fields() {
        if let Some(chosen) = manual.get(field.key) {
            let want = normalise_header(chosen);
            if let Some(i) = normal.iter().position(|h| *h == want) {
                cols.insert(field.key, i);
                used[i] = true;
            }
        }
    }
    // Exact synonyms first, then headers with a parenthetical or unit suffix removed. Among
    // several headers that fit a field, the one with the earlier (more specific) synonym wins,
    // whatever the order of the columns: `Brukare` over a row number headed `Id`.
    for pass in 0..2 {
        for field in kind.fields() {
            // A choice of a header this file does not have falls back to the synonyms.
            if cols.has(field.key) {
                continue;
            }
            let found = normal
                .iter()
                .enumerate()
                .filter(|(i, _)| !used[*i])
                .filter_map(|(i, h)| {
                    let h = if pass == 0 { h.as_str() } else { strip_suffix(h) };
                    field.synonyms.iter().position(|s| *s == h).map(|rank| (rank, i))
                })
                .min();
            if let Some((_, i)) = found {
                cols.insert(field.key, i);
                used[i] = true;
            }
        }
    }
    cols
}

/// A header without its parenthetical or unit: `belopp (kr)`, `belopp i tusen kronor`,
/// `belopp, öre` → `belopp`.
fn strip_suffix(h: &str) -> &str {
    let mut h = h.split(" (").next().unwrap_or(h).trim();
    if let Some((_, words)) = unit_at_end(h) {
        let mut cut = h.len();
        for _ in 0..words {
            cut = h[..cut].trim_end().rfind([' ', ',']).unwrap_or(0);
        }
        h = h[..cut].trim_end_matches([',', ' ']);
        h = h.strip_suffix(" i").unwrap_or(h);
    }
    h.trim()
}

/// A unit named in a column's header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    Ore,
    Kronor,
    /// Thousands of kronor.
    Tkr,
    /// Millions of kronor.
    Mkr,
    Minuter,
    Timmar,
    Dygn,
    Dagar,
    Procent,
}

impl Unit {
    /// As the user reads it: "öre", "tusen kronor".
    pub fn name(self) -> &'static str {
        match self {
            Unit::Ore => "öre",
            Unit::Kronor => "kronor",
            Unit::Tkr => "tusen kronor",
            Unit::Mkr => "miljoner kronor",
            Unit::Minuter => "minuter",
            Unit::Timmar => "timmar",
            Unit::Dygn => "dygn",
            Unit::Dagar => "dagar",
            Unit::Procent => "procent",
        }
    }
}

/// How a column's numbers convert to the engine's units (kronor, the insats' own volume unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Times(Decimal),
    Per(Decimal),
}

impl Scale {
    pub const ONE: Scale = Scale::Times(Decimal::ONE);

    pub fn apply(self, value: Decimal) -> Decimal {
        match self {
            // (Most columns: a multiplication by one costs as much as any other.)
            Scale::Times(f) if f.mantissa() == 1 && f.scale() == 0 => value,
            Scale::Times(f) => value * f,
            Scale::Per(d) => value / d,
        }
    }

    /// How a unit in a header converts a column of amounts (`money`) or of volumes; `None` when
    /// the unit does not fit the column (`Belopp (timmar)`).
    pub fn of(unit: Option<Unit>, money: bool) -> Option<Scale> {
        match (unit, money) {
            (None, _) | (Some(Unit::Kronor), true) => Some(Scale::ONE),
            (Some(Unit::Ore), true) => Some(Scale::Per(Decimal::from(100))),
            (Some(Unit::Tkr), true) => Some(Scale::Times(Decimal::from(1000))),
            (Some(Unit::Mkr), true) => Some(Scale::Times(Decimal::from(1_000_000))),
            (Some(Unit::Minuter), false) => Some(Scale::Per(Decimal::from(60))),
            (Some(Unit::Timmar | Unit::Dygn | Unit::Dagar), false) => Some(Scale::ONE),
            _ => None,
        }
    }
}

/// Unit words, as they end a header or fill its parentheses.
const UNITS: &[(&[&str], Unit)] = &[
    (&["öre"], Unit::Ore),
    (&["tkr"], Unit::Tkr),
    (&["ksek"], Unit::Tkr),
    (&["tusen", "kr"], Unit::Tkr),
    (&["tusen", "kronor"], Unit::Tkr),
    (&["tusentals", "kronor"], Unit::Tkr),
    (&["mkr"], Unit::Mkr),
    (&["mnkr"], Unit::Mkr),
    (&["msek"], Unit::Mkr),
    (&["miljoner", "kr"], Unit::Mkr),
    (&["miljoner", "kronor"], Unit::Mkr),
    (&["kr"], Unit::Kronor),
    (&["kronor"], Unit::Kronor),
    (&["sek"], Unit::Kronor),
    (&["min"], Unit::Minuter),
    (&["minuter"], Unit::Minuter),
    (&["minut"], Unit::Minuter),
    (&["timmar"], Unit::Timmar),
    (&["tim"], Unit::Timmar),
    (&["timme"], Unit::Timmar),
    (&["h"], Unit::Timmar),
    (&["dygn"], Unit::Dygn),
    (&["dagar"], Unit::Dagar),
    (&["%"], Unit::Procent),
    (&["procent"], Unit::Procent),
];

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '%')).filter(|w| !w.is_empty()).collect()
}

/// The unit the last words of a (normalised) text name, and how many words it took.
fn unit_at_end(text: &str) -> Option<(Unit, usize)> {
    let w = words(text);
    UNITS
        .iter()
        .filter(|(phrase, _)| w.len() > phrase.len() && w.ends_with(phrase))
        .max_by_key(|(phrase, _)| phrase.len())
        .map(|(phrase, unit)| (*unit, phrase.len()))
}

/// The unit a header names, in its parentheses or as its last words: `Belopp (öre)`,
/// `Belopp tkr`, `Belopp i tusen kronor`, `Tid (min)`, `Beviljade minuter`, `Antal dygn`. A
/// header that is only a unit word (`Timmar`) names that unit.
pub fn header_unit(header: &str) -> Option<Unit> {
    let h = normalise_header(header);
    if let Some(inner) = h.split_once('(').and_then(|(_, rest)| rest.split_once(')')).map(|(inner, _)| inner) {
        let w = words(inner);
        if let Some((_, unit)) = UNITS.iter().find(|(phrase, _)| w == **phrase) {
            return Some(*unit);
        }
    }
    let w = words(&h);
    UNITS.iter().find(|(phrase, _)| w == **phrase).map(|(_, u)| *u).or_else(|| unit_at_end(&h).map(|(u, _)| u))
}

/// How well headers fit a kind: the number of fields found, if every required group is found.
pub fn fit(kind: FileKind, headers: &[String], manual: &BTreeMap<String, String>) -> (bool, usize) {
    let cols = resolve(kind, headers, manual);
    (cols.missing(kind).is_empty(), cols.len())
}

/// Guesses the kind of a file from its headers: the kind whose required columns are all present
/// and which recognises the most columns. `None` when no kind has all its required columns.
pub fn guess_kind(headers: &[String]) -> Option<FileKind> {
    let none = BTreeMap::new();
    FileKind::ALL
        .iter()
        .map(|&k| (k, fit(k, headers, &none)))
        .filter(|(_, (complete, _))| *complete)
        .max_by_key(|(k, (_, n))| (*n, std::cmp::Reverse(*k as u8)))
        .map(|(k, _)| k)
}

/// The kind a file most resembles when no kind has all its required columns: the kind with the
/// most recognised columns (at least two).
pub fn closest_kind(headers: &[String]) -> Option<FileKind> {
    let none = BTreeMap::new();
    FileKind::ALL
        .iter()
        .map(|&k| {
            let cols = resolve(k, headers, &none);
            // First the kind whose required columns are most nearly there (a client list with
            // a month column is no ledger), then the one that recognises the most.
            let required = k.required().len() - cols.missing(k).len();
            (k, required, cols.len())
        })
        .filter(|(_, _, n)| *n >= 2)
        .max_by_key(|(k, required, n)| (*required, *n, std::cmp::Reverse(*k as u8)))
        .map(|(k, _, _)| k)
}

/// How many cells of a row look like known headers of any kind (to find the header row below
/// title lines).
pub fn header_score(cells: &[String]) -> usize {
    cells
        .iter()
        .filter(|c| {
            let h = normalise_header(c);
            !h.is_empty()
                && FileKind::ALL.iter().any(|k| {
                    k.fields()
                        .iter()
                        .any(|f| f.synonyms.contains(&h.as_str()) || f.synonyms.contains(&strip_suffix(&h)))
                })
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_fields_of_a_kind_share_a_slot() {
        // (Then every column is found at its slot, without searching the list.)
        for kind in FileKind::ALL {
            let mut slots: Vec<usize> = kind.fields().iter().map(|f| slot(f.key)).collect();
            slots.sort_unstable();
            let n = slots.len();
            slots.dedup();
            assert_eq!(slots.len(), n, "{kind:?}");
        }
    }

    fn hs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn guesses_each_kind_from_typical_headers() {
        assert_eq!(guess_kind(&hs(&["Ansvar", "Verksamhet", "Konto", "Belopp"])), Some(FileKind::Kostnader));
        assert_eq!(
            guess_kind(&hs(&["Personnummer", "Kön", "Insats", "Utförare", "Beviljad tid", "Utförd tid"])),
            Some(FileKind::Brukare)
        );
        assert_eq!(guess_kind(&hs(&["Ansvar", "Insats", "Enhet", "Fördelning"])), Some(FileKind::Mappning));
        assert_eq!(guess_kind(&hs(&["Konto från", "Konto till", "Kontotyp"])), Some(FileKind::Konton));
        assert_eq!(guess_kind(&hs(&["Enhet", "Platser"])), Some(FileKind::Platser));
        assert_eq!(guess_kind(&hs(&["Ålder", "Antal"])), Some(FileKind::Befolkning));
        assert_eq!(guess_kind(&hs(&["Namn", "Adress"])), None);
    }

    #[test]
    fn headers_match_through_synonyms_case_and_units() {
        let cols =
            resolve(FileKind::Kostnader, &hs(&["ANSVAR", "Kontonummer", "Belopp (kr)", "Pnr"]), &BTreeMap::new());
        assert_eq!(cols.get("ansvar"), Some(0));
        assert_eq!(cols.get("konto"), Some(1));
        assert_eq!(cols.get("belopp"), Some(2));
        assert_eq!(cols.get("brukare"), Some(3));
        assert!(cols.missing(FileKind::Kostnader).is_empty());
    }

    #[test]
    fn manual_choice_wins_and_missing_columns_are_named() {
        let manual = BTreeMap::from([("belopp".to_string(), "Kronor netto".to_string())]);
        let headers = hs(&["Kst", "Kto", "Kronor netto", "Utfall"]);
        let cols = resolve(FileKind::Kostnader, &headers, &manual);
        assert_eq!(cols.get("belopp"), Some(2));
        let cols = resolve(FileKind::Kostnader, &hs(&["Kst", "Summa"]), &BTreeMap::new());
        assert_eq!(cols.missing(FileKind::Kostnader), vec!["Konto"]);
        // Last year's choice names a header this year's file lacks: the synonyms still apply.
        let cols = resolve(FileKind::Kostnader, &hs(&["Ansvar", "Konto", "Belopp"]), &manual);
        assert_eq!(cols.get("belopp"), Some(2));
    }

    #[test]
    fn units_in_headers() {
        for (header, unit) in [
            ("Belopp (öre)", Some(Unit::Ore)),
            ("Belopp öre", Some(Unit::Ore)),
            ("Belopp, tkr", Some(Unit::Tkr)),
            ("Utfall i tusen kronor", Some(Unit::Tkr)),
            ("Belopp (kr)", Some(Unit::Kronor)),
            ("Belopp", None),
            ("Beviljade minuter", Some(Unit::Minuter)),
            ("Tid (min)", Some(Unit::Minuter)),
            ("Timmar", Some(Unit::Timmar)),
            ("Antal dygn", Some(Unit::Dygn)),
            ("Belopp (utfall)", None),
            ("Kronor netto", None),
        ] {
            assert_eq!(header_unit(header), unit, "{header}");
        }
        let cols = resolve(FileKind::Kostnader, &hs(&["Ansvar", "Konto", "Belopp i tusen kronor"]), &BTreeMap::new());
        assert_eq!(cols.get("belopp"), Some(2));
        let cols = resolve(FileKind::Kostnader, &hs(&["Ansvar", "Konto", "Belopp, öre"]), &BTreeMap::new());
        assert_eq!(cols.get("belopp"), Some(2));
    }

    #[test]
    fn the_more_specific_header_wins_whatever_the_order() {
        let cols = resolve(
            FileKind::Brukare,
            &hs(&["Id", "Brukare", "Beslut", "Insats", "Enhet", "Beviljad tid"]),
            &BTreeMap::new(),
        );
        assert_eq!((cols.get("brukare"), cols.get("insats")), (Some(1), Some(3)));
    }

    #[test]
    fn the_closest_kind_is_the_one_with_most_required_columns() {
        // Personnr is a client column of either kind, Månad a period of either: only the
        // client list has its first required column.
        assert_eq!(
            closest_kind(&hs(&["Personnr", "Tjänst", "Hemtjänstgrupp", "Beviljat antal", "Månad"])),
            Some(FileKind::Brukare)
        );
    }
}

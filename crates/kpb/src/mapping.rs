//! Where each ledger row belongs: the organisation mapping (ansvar/verksamhet → insats and enhet,
//! or common cost at a level) and the account mapping (konto → kind of cost or revenue).

use crate::model::{Insats, Regi, normalise};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The level a common cost (gemensam kostnad) is shared at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    /// Over the insatser of one enhet.
    Enhet(String),
    /// Over the enheter of one område.
    Omrade(String),
    /// Over everything in egen regi.
    Forvaltning,
}

impl Level {
    pub fn describe(&self) -> String {
        match self {
            Level::Enhet(e) => format!("gemensamt för enheten {e}"),
            Level::Omrade(o) => format!("gemensamt för området {o}"),
            Level::Forvaltning => "gemensamt för förvaltningen".to_owned(),
        }
    }
}

/// What a ledger row's ansvar/verksamhet maps to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// A direct cost of one insats at one enhet.
    Direct { insats: Insats, enhet: String, regi: Regi },
    /// A common cost, shared by the allocation key.
    Common(Level),
    /// Outside KPB (e.g. färdtjänst, bostadsanpassning).
    Exclude,
}

/// A pattern on a code: exact, a prefix (`41*`) or anything (`*` or empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pattern {
    Any,
    Prefix(String),
    Exact(String),
}

impl Pattern {
    pub fn parse(text: &str) -> Pattern {
        let t = text.trim();
        if t.is_empty() || t == "*" {
            Pattern::Any
        } else if let Some(p) = t.strip_suffix('*') {
            Pattern::Prefix(p.trim().to_lowercase())
        } else {
            Pattern::Exact(t.to_lowercase())
        }
    }

    /// The pattern as the mapping file writes it: `41*`, `4110`, or empty for any.
    pub fn text(&self) -> String {
        match self {
            Pattern::Any => String::new(),
            Pattern::Prefix(x) => format!("{x}*"),
            Pattern::Exact(x) => x.clone(),
        }
    }

    fn matches(&self, code: &str) -> Option<usize> {
        match self {
            Pattern::Any => Some(0),
            Pattern::Prefix(p) => code.to_lowercase().starts_with(p.as_str()).then_some(1 + p.len()),
            Pattern::Exact(e) => code.eq_ignore_ascii_case(e).then_some(1000),
        }
    }
}

/// One row of the organisation mapping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRule {
    pub ansvar: Pattern,
    pub verksamhet: Pattern,
    pub target: Target,
    /// Line in the mapping file.
    pub line: u32,
}

/// An enhet as the mapping describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnhetInfo {
    /// The code used in the volume extract.
    pub code: String,
    pub name: String,
    pub omrade: Option<String>,
    pub regi: Regi,
}

/// The organisation mapping: rules and the enheter they name, indexed for lookups per row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgMap {
    rules: Vec<OrgRule>,
    enheter: Vec<EnhetInfo>,
    /// Rules with an exact ansvar, by the ansvar in lower case.
    #[serde(skip)]
    exact: HashMap<String, Vec<usize>>,
    /// Rules with a prefix or any ansvar.
    #[serde(skip)]
    patterns: Vec<usize>,
    /// Enheter by normalised code, and by normalised name.
    #[serde(skip)]
    by_code: HashMap<String, usize>,
    #[serde(skip)]
    by_name: HashMap<String, usize>,
}

impl OrgMap {
    pub fn rules(&self) -> &[OrgRule] {
        &self.rules
    }

    pub fn enheter(&self) -> &[EnhetInfo] {
        &self.enheter
    }

    pub fn add_rule(&mut self, rule: OrgRule) {
        let i = self.rules.len();
        match &rule.ansvar {
            Pattern::Exact(a) => self.exact.entry(a.to_lowercase()).or_default().push(i),
            _ => self.patterns.push(i),
        }
        self.rules.push(rule);
    }

    /// The first rule for the same codes as `rule` (the same patterns of ansvar and
    /// verksamhet), if any.
    pub fn same_codes(&self, rule: &OrgRule) -> Option<&OrgRule> {
        let candidates = match &rule.ansvar {
            Pattern::Exact(a) => self.exact.get(&a.to_lowercase()).map_or(&[][..], Vec::as_slice),
            _ => self.patterns.as_slice(),
        };
        candidates.iter().map(|&i| &self.rules[i]).find(|r| r.ansvar == rule.ansvar && r.verksamhet == rule.verksamhet)
    }

    /// Adds an enhet unless one with the same code is known; returns whether it was added.
    pub fn add_enhet(&mut self, enhet: EnhetInfo) -> bool {
        let code = normalise(&enhet.code);
        if self.by_code.contains_key(&code) {
            return false;
        }
        let i = self.enheter.len();
        self.by_code.insert(code, i);
        self.by_name.entry(normalise(&enhet.name)).or_insert(i);
        self.enheter.push(enhet);
        true
    }

    /// The most specific rule for a ledger row: exact before prefix (longer first) before any,
    /// ansvar weighing more than verksamhet; among equals the first in the file.
    pub fn lookup(&self, ansvar: &str, verksamhet: &str) -> Option<&OrgRule> {
        let exact = self.exact.get(&ansvar.to_lowercase()).map_or(&[][..], Vec::as_slice);
        let mut best: Option<(usize, usize)> = None;
        for &i in exact.iter().chain(&self.patterns) {
            let rule = &self.rules[i];
            let (Some(a), Some(v)) = (rule.ansvar.matches(ansvar), rule.verksamhet.matches(verksamhet)) else {
                continue;
            };
            let score = a * 2000 + v;
            if best.is_none_or(|(s, j)| score > s || (score == s && i < j)) {
                best = Some((score, i));
            }
        }
        best.map(|(_, i)| &self.rules[i])
    }

    /// The mapping as rows of the mapping file, to edit and save again.
    pub fn to_rows(&self) -> Vec<MappingRow> {
        self.rules
            .iter()
            .map(|r| {
                let ansvar = match &r.ansvar {
                    Pattern::Any => "*".to_owned(),
                    p => p.text(),
                };
                let (insats, enhet, regi, fordelning) = match &r.target {
                    Target::Direct { insats, enhet, regi } => {
                        (insats.code().to_owned(), enhet.clone(), regi, String::new())
                    }
                    Target::Common(Level::Enhet(e)) => (String::new(), e.clone(), &Regi::Egen, "enhet".to_owned()),
                    Target::Common(Level::Omrade(_)) => {
                        (String::new(), String::new(), &Regi::Egen, "område".to_owned())
                    }
                    Target::Common(Level::Forvaltning) => {
                        (String::new(), String::new(), &Regi::Egen, "förvaltning".to_owned())
                    }
                    Target::Exclude => (String::new(), String::new(), &Regi::Egen, "exkludera".to_owned()),
                };
                let info = self.enhet(&enhet);
                let omrade = match &r.target {
                    Target::Common(Level::Omrade(o)) => o.clone(),
                    _ => info.and_then(|e| e.omrade.clone()).unwrap_or_default(),
                };
                MappingRow {
                    ansvar,
                    verksamhet: r.verksamhet.text(),
                    insats,
                    enhet_name: info.map(|e| e.name.clone()).filter(|n| *n != enhet).unwrap_or_default(),
                    enhet,
                    omrade,
                    regi: if *regi == Regi::Annan { "annan".to_owned() } else { String::new() },
                    fordelning,
                }
            })
            .collect()
    }

    /// The enhet with this code or name (compared case-insensitively; codes first).
    pub fn enhet(&self, code_or_name: &str) -> Option<&EnhetInfo> {
        let key = normalise(code_or_name);
        self.by_code.get(&key).or_else(|| self.by_name.get(&key)).map(|&i| &self.enheter[i])
    }
}

/// One row of the mapping file as text: what the app edits, saves and reads again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingRow {
    /// A code, a prefix (`41*`) or `*` for any.
    pub ansvar: String,
    /// A code, a prefix or empty for any.
    pub verksamhet: String,
    /// The insats' code (`HEMTJ`); empty for a common cost or a cost outside KPB.
    pub insats: String,
    pub enhet: String,
    /// The enhet's name, when it is not its code.
    pub enhet_name: String,
    pub omrade: String,
    /// `annan`, or empty for egen regi.
    pub regi: String,
    /// Empty for a direct cost; `enhet`, `område` or `förvaltning` for a common cost shared at
    /// that level; `exkludera` for a cost outside KPB.
    pub fordelning: String,
}

impl MappingRow {
    /// The mapping file's header, in the order of [`MappingRow::cells`].
    pub const HEADER: [&'static str; 8] =
        ["Ansvar", "Verksamhet", "Insats", "Enhet", "Enhetsnamn", "Område", "Regi", "Fördelning"];

    /// The row's cells, in the order of [`MappingRow::HEADER`].
    pub fn cells(&self) -> [&str; 8] {
        [
            &self.ansvar,
            &self.verksamhet,
            &self.insats,
            &self.enhet,
            &self.enhet_name,
            &self.omrade,
            &self.regi,
            &self.fordelning,
        ]
    }
}

/// The text of a mapping file with these rows, as the app saves it and offers it for download.
pub fn mapping_csv(rows: &[MappingRow]) -> String {
    csv(MappingRow::HEADER, rows.iter().map(MappingRow::cells))
}

/// The text of an account mapping file with these rules, cells as in
/// [`crate::report::Report::konto_rules`].
pub fn konto_csv(rules: &[[String; 3]]) -> String {
    csv(["Konto från", "Konto till", "Kontotyp"], rules.iter().map(|r| r.each_ref().map(String::as_str)))
}

/// The header, then a line per row, cells separated by `;` and quoted where they hold `;`, `"`
/// or a line break.
fn csv<'a, const N: usize>(header: [&str; N], rows: impl Iterator<Item = [&'a str; N]>) -> String {
    let mut text = header.join(";");
    text.push('\n');
    for row in rows {
        let cells = row.map(|c| {
            if c.contains([';', '"', '\n']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c.to_owned() }
        });
        text.push_str(&cells.join(";"));
        text.push('\n');
    }
    text
}

/// What kind of money a konto holds (KPB.md §1: what is deducted and what is not).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum KontoTyp {
    /// A cost (not personnel).
    Kostnad,
    /// A personnel cost (a cost; also the base of the personnel allocation key).
    Personal,
    /// Internal revenue: deducted.
    InternIntakt,
    /// Sale to another principal: deducted.
    Forsaljning,
    /// Fees and rents paid by clients: not deducted.
    Avgift,
    /// Försäkringskassan's assistansersättning: deducted only in the net PA figure.
    Assistansersattning,
    /// Other external revenue (e.g. statsbidrag): not deducted.
    OvrigIntakt,
}

impl KontoTyp {
    pub const ALL: [KontoTyp; 7] = [
        KontoTyp::Kostnad,
        KontoTyp::Personal,
        KontoTyp::InternIntakt,
        KontoTyp::Forsaljning,
        KontoTyp::Avgift,
        KontoTyp::Assistansersattning,
        KontoTyp::OvrigIntakt,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KontoTyp::Kostnad => "kostnad",
            KontoTyp::Personal => "personalkostnad",
            KontoTyp::InternIntakt => "intern intäkt",
            KontoTyp::Forsaljning => "försäljning",
            KontoTyp::Avgift => "avgift",
            KontoTyp::Assistansersattning => "assistansersättning",
            KontoTyp::OvrigIntakt => "övrig intäkt",
        }
    }

    pub fn recognise(text: &str) -> Option<KontoTyp> {
        let t = normalise(text);
        KontoTyp::ALL.into_iter().find(|k| k.name() == t).or(match t.as_str() {
            "personal" | "lön" | "löner" | "personalkostnader" => Some(KontoTyp::Personal),
            "kostnader" | "övrig kostnad" | "övriga kostnader" | "material" | "lokal" | "lokaler"
            | "köpt verksamhet" => Some(KontoTyp::Kostnad),
            "intern" | "interna intäkter" | "intern intakt" => Some(KontoTyp::InternIntakt),
            "forsaljning" | "försäljning av verksamhet" | "försäljning till annan huvudman" => {
                Some(KontoTyp::Forsaljning)
            }
            "avgifter" | "taxa" | "taxor" | "taxor och avgifter" | "hyra" | "hyror" | "brukaravgift" => {
                Some(KontoTyp::Avgift)
            }
            "assistansersattning" | "ersättning försäkringskassan" | "försäkringskassan" | "fk" => {
                Some(KontoTyp::Assistansersattning)
            }
            "övriga intäkter" | "ovrig intakt" | "bidrag" | "statsbidrag" => Some(KontoTyp::OvrigIntakt),
            _ => None,
        })
    }
}

/// One row of the account mapping: a range of konto and its kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KontoRule {
    pub from: String,
    pub to: String,
    pub typ: KontoTyp,
    /// Line in the mapping file; `None` for the built-in defaults.
    pub line: Option<u32>,
}

/// The account mapping. Rules given by the user come first; the built-in default treats konto
/// from 5000 to 5999 as personnel cost and anything else from 4000 as cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KontoMap {
    pub rules: Vec<KontoRule>,
}

impl Default for KontoMap {
    fn default() -> KontoMap {
        let rule = |from: &str, to: &str, typ| KontoRule { from: from.into(), to: to.into(), typ, line: None };
        KontoMap { rules: vec![rule("5000", "5999", KontoTyp::Personal), rule("4000", "9999", KontoTyp::Kostnad)] }
    }
}

impl KontoMap {
    /// The user's rules, then the defaults.
    pub fn with_rules(mut rules: Vec<KontoRule>) -> KontoMap {
        rules.extend(KontoMap::default().rules);
        KontoMap { rules }
    }

    /// The kind of a konto: the narrowest matching range (the user's before the defaults).
    pub fn lookup(&self, konto: &str) -> Option<&KontoRule> {
        self.rules
            .iter()
            .filter(|r| in_range(konto, &r.from, &r.to))
            .min_by_key(|r| (r.line.is_none(), width(&r.from, &r.to)))
    }
}

fn in_range(konto: &str, from: &str, to: &str) -> bool {
    match (konto.parse::<u64>(), from.parse::<u64>(), to.parse::<u64>()) {
        // Compare numerically on the digits the range is written with: konto 51110 is in 5000–5999
        // when the range names four-digit accounts.
        (Ok(_), Ok(f), Ok(t)) => {
            let digits = from.len().max(to.len());
            let k: u64 = konto[..konto.len().min(digits)].parse().unwrap_or(u64::MAX);
            let k = if konto.len() < digits { k * 10u64.pow((digits - konto.len()) as u32) } else { k };
            f <= k && k <= t
        }
        _ => konto.eq_ignore_ascii_case(from) || konto.eq_ignore_ascii_case(to),
    }
}

/// How many accounts a range holds, counted on a common number of digits (so that `3–3`, all of
/// 3000–3999, is wider than `3500–3599`).
fn width(from: &str, to: &str) -> u64 {
    const DIGITS: u32 = 12;
    let scale = |s: &str| 10u64.saturating_pow(DIGITS.saturating_sub(s.len() as u32));
    match (from.parse::<u64>(), to.parse::<u64>()) {
        (Ok(f), Ok(t)) => ((t + 1).saturating_mul(scale(to))).saturating_sub(f.saturating_mul(scale(from))),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(a: &str, v: &str, target: Target) -> OrgRule {
        OrgRule { ansvar: Pattern::parse(a), verksamhet: Pattern::parse(v), target, line: 0 }
    }

    #[test]
    fn most_specific_rule_wins() {
        let direct = |e: &str| Target::Direct { insats: Insats::Hemtjanst, enhet: e.into(), regi: Regi::Egen };
        let mut map = OrgMap::default();
        for r in [
            rule("*", "", Target::Common(Level::Forvaltning)),
            rule("41*", "", Target::Common(Level::Omrade("Hemtjänst".into()))),
            rule("4110", "", direct("A")),
            rule("4110", "530", direct("B")),
        ] {
            map.add_rule(r);
        }
        assert_eq!(map.lookup("4110", "530").unwrap().target, direct("B"));
        assert_eq!(map.lookup("4110", "531").unwrap().target, direct("A"));
        assert_eq!(map.lookup("4190", "").unwrap().target, Target::Common(Level::Omrade("Hemtjänst".into())));
        assert_eq!(map.lookup("6000", "").unwrap().target, Target::Common(Level::Forvaltning));
    }

    #[test]
    fn mapping_rows_as_a_file_quote_what_needs_it() {
        let row = MappingRow { ansvar: "4110".into(), enhet_name: "Norr; \"gamla\"".into(), ..MappingRow::default() };
        assert_eq!(
            mapping_csv(&[row]),
            "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning\n4110;;;;\"Norr; \"\"gamla\"\"\";;;\n"
        );
        let rules = [["3000".to_owned(), "3999".to_owned(), "försäljning".to_owned()]];
        assert_eq!(konto_csv(&rules), "Konto från;Konto till;Kontotyp\n3000;3999;försäljning\n");
    }

    #[test]
    fn konto_ranges_user_rules_first_then_defaults() {
        let map = KontoMap::with_rules(vec![
            KontoRule { from: "3000".into(), to: "3999".into(), typ: KontoTyp::Forsaljning, line: Some(2) },
            KontoRule { from: "3110".into(), to: "3119".into(), typ: KontoTyp::Avgift, line: Some(3) },
            KontoRule { from: "5800".into(), to: "".into(), typ: KontoTyp::Kostnad, line: Some(4) },
        ]);
        assert_eq!(map.lookup("3115").unwrap().typ, KontoTyp::Avgift);
        assert_eq!(map.lookup("3470").unwrap().typ, KontoTyp::Forsaljning);
        assert_eq!(map.lookup("51110").unwrap().typ, KontoTyp::Personal);
        assert_eq!(map.lookup("4610").unwrap().typ, KontoTyp::Kostnad);
        assert!(map.lookup("2910").is_none());
        // A one-digit range holds all of 3000–3999: wider than 3500–3599.
        let map = KontoMap::with_rules(vec![
            KontoRule { from: "3".into(), to: "3".into(), typ: KontoTyp::OvrigIntakt, line: Some(2) },
            KontoRule { from: "3500".into(), to: "3599".into(), typ: KontoTyp::Forsaljning, line: Some(3) },
        ]);
        assert_eq!(map.lookup("3511").unwrap().typ, KontoTyp::Forsaljning);
        assert_eq!(map.lookup("3121").unwrap().typ, KontoTyp::OvrigIntakt);
    }
}

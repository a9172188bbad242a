//! Step 2, first half (KPB.md §1, §4): *koda kostnader*. Every ledger row goes to one place: a
//! cell's direct cost (an insats at an enhet in one regi), a pool of common cost at a level
//! (enhet, område, förvaltning) to be allocated in [`super::allocate`], or a remainder of the
//! reconciliation with its reason (fees, other years, excluded, unmapped …).

use super::{Amount, CellKey, MonthCost, Months, Remainders};
use crate::finding::{Finding, FindingKind, Findings, Position};
use crate::import::Dataset;
use crate::mapping::{KontoTyp, Level, OrgRule, Target};
use crate::model::{Insats, Regi};
use crate::report::ReconKey;
use crate::settings::Settings;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// The ledger, placed.
pub(crate) struct Placed {
    /// Direct cost per cell.
    pub cells: BTreeMap<CellKey, DirectCost>,
    /// Common cost per level, to be allocated.
    pub pools: BTreeMap<Level, Amount>,
    /// Of `pools`, what each month had (rows with a month in the period column).
    pub pool_months: BTreeMap<Level, Months<MonthCost>>,
    /// Rows placed in a cell or a pool without a month, while other rows have one.
    pub without_month: Amount,
    /// What reached neither, by reason.
    pub remainders: Remainders,
    /// Σ of every ledger row, and how many rows.
    pub ledger_total: Decimal,
    pub ledger_rows: u32,
    /// Ansvar without a mapping rule, and their sums.
    pub unmapped: BTreeMap<String, Decimal>,
    pub findings: Vec<Finding>,
}

/// The direct cost of one cell (and, of it, what ledger rows naming a client booked on them).
#[derive(Default, Debug)]
pub(crate) struct DirectCost {
    /// Cost minus internal revenue and sales (KPB's cost concept), assistansersättning apart.
    pub amount: Decimal,
    /// Personnel cost within `direct`.
    pub personnel: Decimal,
    /// Försäkringskassan's assistansersättning (negative).
    pub assistansersattning: Decimal,
    /// Of `direct`, what rows with a client booked on each client, and the first such row.
    pub on_client: BTreeMap<u32, Decimal>,
    pub on_client_line: BTreeMap<u32, (u16, u32)>,
    /// Of `assistansersattning`, what was booked on each client.
    pub assistansersattning_on_client: BTreeMap<u32, Decimal>,
    /// The ledger rows.
    pub lines: super::Lines,
    /// Of `amount` and `personnel`, what each month had (rows with a month in the period column).
    pub months: Months<MonthCost>,
}

/// Places every ledger row of `ds` for `year`.
pub(crate) fn place(ds: &Dataset, settings: &Settings, year: i32) -> Placed {
    let mut placed = Placed {
        cells: BTreeMap::new(),
        pools: BTreeMap::new(),
        pool_months: BTreeMap::new(),
        without_month: Amount::default(),
        remainders: Remainders::new(),
        ledger_total: Decimal::ZERO,
        ledger_rows: 0,
        unmapped: BTreeMap::new(),
        findings: Vec::new(),
    };
    let mut findings = Findings::default();
    let excluded = |enhet: &str| settings.excluded_enheter.contains(enhet);
    // The konto and mapping rules, looked up once per distinct konto and ansvar–verksamhet
    // pair: a ledger has few of them and many rows.
    let mut konto_typ: FxHashMap<&str, Option<KontoTyp>> = FxHashMap::default();
    let mut org_rule: FxHashMap<(&str, &str), Option<&OrgRule>> = FxHashMap::default();
    for row in &ds.ledger {
        placed.ledger_total += row.belopp;
        placed.ledger_rows += 1;
        let mut remainder =
            |key: ReconKey| placed.remainders.entry(key).or_default().add(row.belopp, row.file, row.line);
        let pos = || ds.pos(row.file, row.line);
        // A row of another year (the ledger's period column) is not this year's cost.
        if let Some(p) = row.period.filter(|p| p.year != year) {
            findings.push(Finding::at(pos(), FindingKind::LedgerRowOtherYear { period: p, year }));
            remainder(ReconKey::AnnatAr);
            continue;
        }
        // The month's index, for the monthly follow-up.
        let month = row.period.and_then(|p| p.month).map(|m| usize::from(m - 1));
        let known = *konto_typ.entry(&row.konto).or_insert_with(|| ds.konton.lookup(&row.konto).map(|r| r.typ));
        let typ = match known {
            Some(typ) => typ,
            None => {
                let typ = if row.belopp < Decimal::ZERO { KontoTyp::OvrigIntakt } else { KontoTyp::Kostnad };
                findings.push(Finding::at(pos(), FindingKind::KontoWithoutTyp { konto: row.konto.clone(), typ }));
                typ
            }
        };
        match typ {
            KontoTyp::Avgift => {
                remainder(ReconKey::Avgift);
                continue;
            }
            KontoTyp::OvrigIntakt => {
                remainder(ReconKey::OvrigIntakt);
                continue;
            }
            _ => {}
        }
        let rule = *org_rule
            .entry((&row.ansvar, &row.verksamhet))
            .or_insert_with(|| ds.org.lookup(&row.ansvar, &row.verksamhet));
        let target = match rule {
            Some(rule) => match (&rule.target, row.insats) {
                (Target::Direct { enhet, regi, .. }, Some(insats)) => {
                    Target::Direct { insats, enhet: enhet.clone(), regi: *regi }
                }
                (t, _) => t.clone(),
            },
            None if !ds.has_org_map && row.insats.is_some() => Target::Direct {
                insats: row.insats.unwrap_or(Insats::Hemtjanst),
                enhet: row.ansvar.clone(),
                regi: Regi::Egen,
            },
            None => {
                remainder(ReconKey::Omappat);
                *placed.unmapped.entry(row.ansvar.clone()).or_default() += row.belopp;
                findings.push(
                    Finding::at(
                        pos(),
                        FindingKind::AnsvarNotMapped { ansvar: row.ansvar.clone(), verksamhet: row.verksamhet.clone() },
                    )
                    .for_enhet(Some(&row.ansvar)),
                );
                continue;
            }
        };
        match target {
            Target::Exclude => remainder(ReconKey::Exkluderat),
            Target::Common(level) => {
                if let Level::Enhet(e) = &level
                    && excluded(e)
                {
                    remainder(ReconKey::Bortvalt);
                    continue;
                }
                if typ == KontoTyp::Assistansersattning {
                    remainder(ReconKey::AssistansersattningFelInsats);
                    findings.push(Finding::at(pos(), FindingKind::AssistansersattningOnCommonCost));
                    continue;
                }
                if let Some(m) = month {
                    let part = &mut placed.pool_months.entry(level.clone()).or_default()[m];
                    part.amount += row.belopp;
                    part.lines.add(row.file, row.line);
                } else {
                    placed.without_month.add(row.belopp, row.file, row.line);
                }
                placed.pools.entry(level).or_default().add(row.belopp, row.file, row.line);
            }
            Target::Direct { insats, enhet, regi } => {
                if excluded(&enhet) {
                    remainder(ReconKey::Bortvalt);
                    continue;
                }
                if typ == KontoTyp::Assistansersattning && insats != Insats::PersonligAssistansSfb {
                    remainder(ReconKey::AssistansersattningFelInsats);
                    findings.push(
                        Finding::at(pos(), FindingKind::AssistansersattningOnInsats { insats }).for_enhet(Some(&enhet)),
                    );
                    continue;
                }
                let cell = placed.cells.entry(CellKey { insats, enhet, regi }).or_default();
                cell.lines.add(row.file, row.line);
                if typ == KontoTyp::Assistansersattning {
                    cell.assistansersattning += row.belopp;
                    if let Some(c) = row.client {
                        *cell.assistansersattning_on_client.entry(c).or_default() += row.belopp;
                    }
                } else {
                    cell.amount += row.belopp;
                    let personnel = if typ == KontoTyp::Personal { row.belopp } else { Decimal::ZERO };
                    cell.personnel += personnel;
                    if let Some(m) = month {
                        let part = &mut cell.months[m];
                        part.amount += row.belopp;
                        part.personnel += personnel;
                        part.lines.add(row.file, row.line);
                    } else {
                        placed.without_month.add(row.belopp, row.file, row.line);
                    }
                    if let Some(c) = row.client {
                        *cell.on_client.entry(c).or_default() += row.belopp;
                        cell.on_client_line.entry(c).or_insert((row.file, row.line));
                    }
                }
            }
        }
    }
    if ds.ledger.is_empty() {
        findings.push(Finding::at(Position::default(), FindingKind::NoLedger));
    }
    placed.findings = findings.into_vec();
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportSettings, InputFile, load};

    fn data(ledger: &str, mapping: &str) -> Dataset {
        let files = [
            InputFile { name: "kostnader.csv".into(), bytes: ledger.into() },
            InputFile { name: "mappning.csv".into(), bytes: mapping.into() },
        ];
        load(&files, &ImportSettings::default())
    }

    #[test]
    fn each_row_goes_to_a_cell_a_pool_or_a_remainder() {
        let ds = data(
            "Ansvar;Konto;Belopp;Period\n\
             4110;5011;1000;2025-03\n\
             4110;5011;250;2025-04\n\
             4100;5011;300;2025-03\n\
             4900;5011;40;2025-03\n\
             4777;5011;7;2025-03\n\
             4110;5011;90;2024-12\n",
            "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning\n\
             4110;;Hemtjänst;Norr;Norr;;egen;\n\
             4100;;;;;;;förvaltning\n\
             4900;;;;;;;exkludera\n",
        );
        let placed = place(&ds, &Settings::default(), 2025);
        let cell = &placed.cells[&CellKey { insats: Insats::Hemtjanst, enhet: "Norr".into(), regi: Regi::Egen }];
        assert_eq!(cell.amount, Decimal::from(1250));
        assert_eq!(placed.pools[&Level::Forvaltning].amount, Decimal::from(300));
        assert_eq!(placed.remainders[&ReconKey::Exkluderat].amount, Decimal::from(40));
        assert_eq!(placed.remainders[&ReconKey::Omappat].amount, Decimal::from(7));
        assert_eq!(placed.remainders[&ReconKey::AnnatAr].amount, Decimal::from(90));
        assert_eq!(placed.unmapped[&"4777".to_owned()], Decimal::from(7));
        assert_eq!((placed.ledger_total, placed.ledger_rows), (Decimal::from(1687), 6));
        let kinds: Vec<&str> = placed.findings.iter().map(|f| f.kind.code()).collect();
        assert_eq!(kinds, ["ansvar-utan-mappning", "annat-ar"]);
    }

    #[test]
    fn codes_as_excel_writes_them_are_the_codes() {
        // Ansvar and konto as text ('), as formula text (="…") and as decimals (.0), in the
        // ledger, the mapping and the konto ranges alike.
        let ds = data(
            "Ansvar;Konto;Belopp;Period\n\
             '4110;5011;1000;2025-03\n\
             =\"4110\";5011.0;200;2025-03\n\
             4110.0;'5011;30;2025-03\n\
             \"4110,0\";5011;4;2025-03\n",
            "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning\n\
             4110.0;;Hemtjänst;Norr;Norr;;egen;\n",
        );
        let placed = place(&ds, &Settings::default(), 2025);
        let cell = &placed.cells[&CellKey { insats: Insats::Hemtjanst, enhet: "Norr".into(), regi: Regi::Egen }];
        assert_eq!(cell.amount, Decimal::from(1234));
        assert!(placed.findings.is_empty(), "{:?}", placed.findings);
    }

    #[test]
    fn an_excel_code_that_is_empty_is_missing_not_any() {
        // `=""` and `'` as ansvar are empty: a missing value, not a rule for every ansvar.
        let ds = data(
            "Ansvar;Konto;Belopp;Period\n9999;5011;5000;2025-03\n",
            "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning\n\
             =\"\";;Hemtjänst;Norr;Norr;;egen;\n';;Hemtjänst;Norr;Norr;;egen;\n",
        );
        let placed = place(&ds, &Settings::default(), 2025);
        assert!(placed.cells.is_empty());
        assert_eq!(placed.remainders[&ReconKey::Omappat].amount, Decimal::from(5000));
        let missing = ds.findings.iter().find(|f| f.kind.code() == "tom-cell").map(|f| (f.pos.line, f.count));
        assert_eq!(missing, Some((Some(2), 2)), "{:?}", ds.findings);
    }

    #[test]
    fn no_ledger_row_is_an_error() {
        let mapping =
            "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning\n4110;;Hemtjänst;Norr;Norr;;egen;\n";
        for ledger in ["", "Ansvar;Konto;Belopp;Period\n"] {
            let placed = place(&data(ledger, mapping), &Settings::default(), 2025);
            let kinds: Vec<&str> = placed.findings.iter().map(|f| f.kind.code()).collect();
            assert_eq!(kinds, ["ingen-huvudbok"], "{ledger:?}");
            assert_eq!(placed.findings[0].severity, crate::finding::Severity::Fel);
        }
    }
}

//! Steps 2, 4, 5 and 6 of the method (KPB.md §1) on a read [`Dataset`]: place every ledger row,
//! distribute common costs, cost each insats per enhet, cost each client, check the data and
//! reconcile with the ledger. Then the figures: nyckeltal, ytterfall, distribution, mix.
//!
//! Invariant: ledger total = Σ client costs + Σ remainders by reason (the reconciliation).

mod analysis;
mod figures;
mod kolada;
pub mod year;

pub use year::infer_year;

use crate::date::{Period, days_in_year, days_in_year_of_stay};
use crate::finding::{Finding, FindingKind, Findings, Position};
use crate::import::{Dataset, Span};
use crate::mapping::{KontoTyp, Level, Target};
use crate::model::{Boendeform, Insats, Regi, VolumeKind, VolumeUnit, normalise};
use crate::report::{ClientCost, ClientLine, InsatsSummary, Pool, ReconLine, Reconciliation, Report, Source, UnitCost};
use crate::settings::{AllocationKey, Settings};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};

/// How many line numbers a [`Source`] keeps.
const MAX_LINES: usize = 50;

/// Runs the whole computation. Deterministic: the same data and settings give the same report,
/// whatever the order of the rows.
pub fn compute(ds: &Dataset, settings: &Settings) -> Report {
    let year = year::decide(ds, settings);
    let mut c = Computation::new(ds, settings, year.year);
    c.findings.extend(year.finding);
    c.ledger();
    c.volumes();
    c.allocate();
    c.clients();
    c.checks();
    let mut report = c.report();
    report.year_basis = year.basis;
    report
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct CellKey {
    insats: Insats,
    enhet: String,
    regi: Regi,
}

/// Granted and performed volume in one period, and the first row of the period.
#[derive(Clone, Copy)]
struct PeriodAcc {
    beviljad: Decimal,
    utford: Decimal,
    first_line: (u16, u32),
}

impl ClientAcc {
    /// Adds another's volumes (the same client in the same cell, read under two enhet texts).
    fn merge(&mut self, other: ClientAcc) {
        if self.periods.is_empty() {
            self.first_line = other.first_line;
        }
        self.volume += other.volume;
        self.beviljad += other.beviljad;
        self.utford += other.utford;
        self.paid += other.paid;
        self.has_paid |= other.has_paid;
        self.unpaid_volume += other.unpaid_volume;
        for (period, p) in other.periods {
            match self.periods.iter_mut().find(|(q, _)| *q == period) {
                Some((_, mine)) => {
                    mine.beviljad += p.beviljad;
                    mine.utford += p.utford;
                }
                None => self.periods.push((period, p)),
            }
        }
    }
}

/// A client's volume in one cell.
#[derive(Default, Clone)]
struct ClientAcc {
    /// Volume of the cell's basis kind.
    volume: Decimal,
    beviljad: Decimal,
    utford: Decimal,
    paid: Decimal,
    has_paid: bool,
    /// Volume of rows without a paid amount (annan regi).
    unpaid_volume: Decimal,
    /// Per period, granted and performed (for the checks).
    /// A handful at most (a year, or its months), in the order first seen.
    periods: Vec<(Option<Period>, PeriodAcc)>,
    first_line: (u16, u32),
}

#[derive(Default)]
struct Cell {
    direct: Decimal,
    personnel: Decimal,
    fk: Decimal,
    booked: BTreeMap<u32, Decimal>,
    /// The first ledger row booked on each client.
    booked_line: BTreeMap<u32, (u16, u32)>,
    booked_fk: BTreeMap<u32, Decimal>,
    allocated: Decimal,
    volume: Decimal,
    clients: BTreeMap<u32, ClientAcc>,
    ledger_lines: Lines,
    volume_lines: Lines,
    /// Set when the cell's volume rows use another kind than the basis only.
    other_kind_volume: Decimal,
}

impl Cell {
    fn total(&self) -> Decimal {
        self.direct + self.allocated
    }
}

/// Lines per file, capped.
#[derive(Default, Clone)]
struct Lines(BTreeMap<u16, (Vec<u32>, u32)>);

impl Lines {
    fn add(&mut self, file: u16, line: u32) {
        let (lines, count) = self.0.entry(file).or_default();
        *count += 1;
        if lines.len() < MAX_LINES && lines.last() != Some(&line) {
            lines.push(line);
        }
    }

    fn sources(&self, ds: &Dataset) -> Vec<Source> {
        self.0
            .iter()
            .map(|(f, (lines, count))| Source {
                file: ds.file_name(*f).to_owned(),
                lines: lines.clone(),
                count: *count,
            })
            .collect()
    }

    fn first(&self, ds: &Dataset) -> Option<Position> {
        self.0.iter().next().and_then(|(f, (l, _))| l.first().map(|l| ds.pos(*f, *l)))
    }
}

/// A remainder of the reconciliation being built.
#[derive(Default)]
struct Recon {
    amount: Decimal,
    lines: Lines,
}

struct Computation<'a> {
    ds: &'a Dataset,
    settings: &'a Settings,
    year: i32,
    findings: Findings,
    cells: BTreeMap<CellKey, Cell>,
    pools: BTreeMap<Level, (Decimal, Lines)>,
    pool_results: Vec<Pool>,
    recon: BTreeMap<&'static str, Recon>,
    ledger_total: Decimal,
    ledger_rows: u32,
    basis: BTreeMap<Insats, VolumeKind>,
    /// Per client: lines (insats, enhet, regi) → line.
    /// (A few lines per client: a short list, not a tree, whose nodes would cost more than
    /// the lines.)
    client_lines: Vec<Vec<(CellKey, ClientLine)>>,
    /// The boendeformer the file gives each client, as a bit set (bit = `Boendeform as u8`).
    boendeform: FxHashMap<u32, u8>,
    /// Canonical enhet code for each raw enhet text of the volume file.
    enhet_code: Vec<String>,
    /// Annan regi: what was placed on clients per cell.
    annan_placed: BTreeMap<CellKey, Decimal>,
    /// Ansvar without a mapping rule, and their sums.
    unmapped: BTreeMap<String, Decimal>,
}

/// Reconciliation keys, in the order shown.
const RECON_ORDER: [(&str, &str, bool, &str); 13] = [
    (
        "placerat",
        "Placerat på brukare (KPB)",
        true,
        "Direkta och fördelade gemensamma kostnader som fördelats på brukarna efter deras volym, samt vad som betalats för brukare i annan regi.",
    ),
    (
        "assistansersattning",
        "Assistansersättning från Försäkringskassan",
        true,
        "Dras av bara i nettokostnaden för personlig assistans SFB; ingår inte i brukarnas KPB-kostnad.",
    ),
    (
        "avgift",
        "Avgifter och hyror (dras inte av)",
        false,
        "Avgifter och hyror från brukare dras inte av i KPB enligt SKR:s metod.",
    ),
    (
        "ovrig-intakt",
        "Övriga intäkter (dras inte av)",
        false,
        "Externa intäkter som inte är försäljning till annan huvudman, t.ex. statsbidrag.",
    ),
    (
        "annat-ar",
        "Rader för andra år",
        false,
        "Rader vars period i kostnadsfilen är ett annat år än det som beräknas.",
    ),
    (
        "exkluderat",
        "Utanför KPB enligt mappningen",
        false,
        "Ansvar eller verksamheter som mappningen säger ligger utanför KPB.",
    ),
    (
        "omappat",
        "Ansvar som saknas i mappningen",
        false,
        "Raderna kunde inte placeras; lägg till ansvaret i mappningen.",
    ),
    ("bortvalt", "Enheter som valts bort", false, "Enheter som valts bort under Inställningar."),
    (
        "pool-utan-mottagare",
        "Gemensamma kostnader utan mottagare",
        false,
        "Inga insatser i egen regi med positiv fördelningsnyckel fanns på nivån.",
    ),
    (
        "utan-volym",
        "Kostnad utan volym",
        false,
        "Insatser med kostnad men ingen volym i brukarstatistiken; kostnaden kan inte läggas på någon brukare.",
    ),
    (
        "annan-regi-differens",
        "Annan regi: skillnad mellan bokfört och utbetalt",
        false,
        "Bokförd kostnad för köpt verksamhet minus vad brukarstatistiken säger betalats per brukare.",
    ),
    (
        "fk-ej-placerad",
        "Assistansersättning som inte kunde placeras",
        false,
        "Assistansersättning utan timmar för personlig assistans SFB att fördela den på.",
    ),
    (
        "fk-fel-insats",
        "Assistansersättning på annan insats än personlig assistans SFB",
        false,
        "Kontrollera konteringen.",
    ),
];

impl<'a> Computation<'a> {
    fn new(ds: &'a Dataset, settings: &'a Settings, year: i32) -> Computation<'a> {
        let enhet_code = ds
            .enhet_codes
            .iter()
            .map(|raw| ds.org.enhet(raw).map_or_else(|| raw.clone(), |e| e.code.clone()))
            .collect();
        Computation {
            ds,
            settings,
            year,
            findings: Findings::default(),
            cells: BTreeMap::new(),
            pools: BTreeMap::new(),
            pool_results: Vec::new(),
            recon: BTreeMap::new(),
            ledger_total: Decimal::ZERO,
            ledger_rows: 0,
            basis: BTreeMap::new(),
            client_lines: vec![Vec::new(); ds.clients.len()],
            boendeform: FxHashMap::default(),
            enhet_code,
            annan_placed: BTreeMap::new(),
            unmapped: BTreeMap::new(),
        }
    }

    fn recon(&mut self, key: &'static str, amount: Decimal, file: u16, line: u32) {
        let r = self.recon.entry(key).or_default();
        r.amount += amount;
        r.lines.add(file, line);
    }

    fn excluded(&self, enhet: &str) -> bool {
        self.settings.excluded_enheter.contains(enhet)
    }

    /// Step 2a: every ledger row to a cell, a pool of common cost, or a reconciliation remainder.
    fn ledger(&mut self) {
        let ds = self.ds;
        for row in &ds.ledger {
            self.ledger_total += row.belopp;
            self.ledger_rows += 1;
            let pos = || ds.pos(row.file, row.line);
            // A row of another year (the ledger's period column) is not this year's cost.
            if let Some(p) = row.period.filter(|p| p.year != self.year) {
                let year = self.year;
                self.findings.push(Finding::at(pos(), FindingKind::LedgerRowOtherYear { period: p, year }));
                self.recon("annat-ar", row.belopp, row.file, row.line);
                continue;
            }
            let typ = match ds.konton.lookup(&row.konto) {
                Some(rule) => rule.typ,
                None => {
                    let typ = if row.belopp < Decimal::ZERO { KontoTyp::OvrigIntakt } else { KontoTyp::Kostnad };
                    self.findings
                        .push(Finding::at(pos(), FindingKind::KontoWithoutTyp { konto: row.konto.clone(), typ }));
                    typ
                }
            };
            match typ {
                KontoTyp::Avgift => {
                    self.recon("avgift", row.belopp, row.file, row.line);
                    continue;
                }
                KontoTyp::OvrigIntakt => {
                    self.recon("ovrig-intakt", row.belopp, row.file, row.line);
                    continue;
                }
                _ => {}
            }
            let target = match ds.org.lookup(&row.ansvar, &row.verksamhet) {
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
                    self.recon("omappat", row.belopp, row.file, row.line);
                    *self.unmapped.entry(row.ansvar.clone()).or_default() += row.belopp;
                    self.findings.push(
                        Finding::at(
                            pos(),
                            FindingKind::AnsvarNotMapped {
                                ansvar: row.ansvar.clone(),
                                verksamhet: row.verksamhet.clone(),
                            },
                        )
                        .for_enhet(Some(&row.ansvar)),
                    );
                    continue;
                }
            };
            match target {
                Target::Exclude => self.recon("exkluderat", row.belopp, row.file, row.line),
                Target::Common(level) => {
                    if let Level::Enhet(e) = &level
                        && self.excluded(e)
                    {
                        self.recon("bortvalt", row.belopp, row.file, row.line);
                        continue;
                    }
                    if typ == KontoTyp::Assistansersattning {
                        self.recon("fk-fel-insats", row.belopp, row.file, row.line);
                        self.findings.push(Finding::at(pos(), FindingKind::FkOnCommonCost));
                        continue;
                    }
                    let pool = self.pools.entry(level).or_default();
                    pool.0 += row.belopp;
                    pool.1.add(row.file, row.line);
                }
                Target::Direct { insats, enhet, regi } => {
                    if self.excluded(&enhet) {
                        self.recon("bortvalt", row.belopp, row.file, row.line);
                        continue;
                    }
                    if typ == KontoTyp::Assistansersattning && insats != Insats::PersonligAssistansSfb {
                        self.recon("fk-fel-insats", row.belopp, row.file, row.line);
                        self.findings
                            .push(Finding::at(pos(), FindingKind::FkOnInsats { insats }).for_enhet(Some(&enhet)));
                        continue;
                    }
                    let cell = self.cells.entry(CellKey { insats, enhet, regi }).or_default();
                    cell.ledger_lines.add(row.file, row.line);
                    if typ == KontoTyp::Assistansersattning {
                        cell.fk += row.belopp;
                        if let Some(c) = row.client {
                            *cell.booked_fk.entry(c).or_default() += row.belopp;
                        }
                    } else {
                        cell.direct += row.belopp;
                        if typ == KontoTyp::Personal {
                            cell.personnel += row.belopp;
                        }
                        if let Some(c) = row.client {
                            *cell.booked.entry(c).or_default() += row.belopp;
                            cell.booked_line.entry(c).or_insert((row.file, row.line));
                        }
                    }
                }
            }
        }
    }

    /// Step 3: volumes per client and cell, for the year.
    fn volumes(&mut self) {
        let ds = self.ds;
        let year = self.year;
        // The basis per insats: granted where the data has granted volume, unless set.
        let mut has_granted: BTreeSet<Insats> = BTreeSet::new();
        for row in &ds.volumes {
            let in_year = match row.span {
                Span::Unspecified => true,
                Span::Period(p) => p.year == year,
                Span::Stay { from, to } => days_in_year_of_stay(year, from, to) > 0,
            };
            if in_year && row.kind == VolumeKind::Beviljad && row.volume.is_some_and(|v| v > Decimal::ZERO) {
                has_granted.insert(row.insats);
            }
        }
        for insats in Insats::all() {
            let kind = self.settings.basis.get(&insats).copied().unwrap_or(if has_granted.contains(&insats) {
                VolumeKind::Beviljad
            } else {
                VolumeKind::Utford
            });
            self.basis.insert(insats, kind);
        }
        // The cells of the volume rows, by (insats, enhet of the file, regi), merged into
        // `self.cells` at the end (a tree of string keys is too slow per row).
        let mut cell_index: FxHashMap<(Insats, u32, Regi), usize> = FxHashMap::default();
        let mut volume_cells: Vec<(CellKey, Cell)> = Vec::new();
        let basis: Vec<VolumeKind> = Insats::all().map(|i| self.basis[&i]).collect();
        // The regi the mapping gives each enhet of the volume file.
        let enhet_regi: Vec<Option<Regi>> = self.enhet_code.iter().map(|c| ds.org.enhet(c).map(|e| e.regi)).collect();
        for row in &ds.volumes {
            let pos = || ds.pos(row.file, row.line);
            let (volume, period) = match row.span {
                Span::Unspecified => (row.volume, None),
                Span::Period(p) if p.year == year => (row.volume, Some(p)),
                Span::Period(p) => {
                    self.findings.push(Finding::at(pos(), FindingKind::VolumeRowOtherYear { period: p, year }));
                    continue;
                }
                Span::Stay { from, to } => {
                    let days = days_in_year_of_stay(year, from, to);
                    if days == 0 {
                        self.findings.push(Finding::at(pos(), FindingKind::StayOutsideYear { from, to, year }));
                        continue;
                    }
                    (Some(row.volume.unwrap_or(Decimal::from(days))), None)
                }
            };
            let Some(volume) = volume else { continue };
            let column_name = ds
                .files
                .get(usize::from(row.file))
                .and_then(|f| f.headers.get((row.volume_column as usize).wrapping_sub(1)))
                .map_or("", String::as_str);
            let volume_pos = || pos().with_column(row.volume_column, column_name);
            if volume < Decimal::ZERO {
                self.findings.push(Finding::at(volume_pos(), FindingKind::NegativeVolume { volume }));
                continue;
            }
            let days = period.map_or(days_in_year(year), |p| p.days());
            let limit = match row.insats.unit() {
                VolumeUnit::Dygn | VolumeUnit::Dag => Some((Decimal::from(days), "dygn eller dagar än perioden har")),
                VolumeUnit::Timme => Some((Decimal::from(days * 24), "timmar än perioden har")),
                VolumeUnit::Manad => Some((
                    Decimal::from(period.map_or(12, |p| if p.month.is_some() { 1 } else { 12 })),
                    "månader än perioden har",
                )),
                VolumeUnit::Portion => None,
            };
            if let Some((limit, what)) = limit
                && volume > limit
            {
                self.findings.push(Finding::at(
                    volume_pos(),
                    FindingKind::ImplausibleVolume { volume, limit, what: what.to_owned() },
                ));
            }
            let enhet_code = &self.enhet_code[row.enhet as usize];
            let regi = row.regi.or(enhet_regi[row.enhet as usize]).unwrap_or(Regi::Egen);
            if self.excluded(enhet_code) {
                continue;
            }
            if let Some(b) = row.boendeform {
                *self.boendeform.entry(row.client).or_default() |= 1 << b as u8;
            }
            let at = *cell_index.entry((row.insats, row.enhet, regi)).or_insert_with(|| {
                volume_cells.push((CellKey { insats: row.insats, enhet: enhet_code.clone(), regi }, Cell::default()));
                volume_cells.len() - 1
            });
            let basis = basis[row.insats as usize];
            let cell = &mut volume_cells[at].1;
            cell.volume_lines.add(row.file, row.line);
            let acc = cell
                .clients
                .entry(row.client)
                .or_insert_with(|| ClientAcc { first_line: (row.file, row.line), ..ClientAcc::default() });
            let at = match acc.periods.iter().position(|(p, _)| *p == period) {
                Some(i) => i,
                None => {
                    let first =
                        PeriodAcc { beviljad: Decimal::ZERO, utford: Decimal::ZERO, first_line: (row.file, row.line) };
                    acc.periods.push((period, first));
                    acc.periods.len() - 1
                }
            };
            let per = &mut acc.periods[at].1;
            match row.kind {
                VolumeKind::Beviljad => {
                    acc.beviljad += volume;
                    per.beviljad += volume;
                }
                VolumeKind::Utford => {
                    acc.utford += volume;
                    per.utford += volume;
                }
            }
            if row.kind == basis {
                acc.volume += volume;
                cell.volume += volume;
                match row.paid {
                    Some(p) => {
                        acc.paid += p;
                        acc.has_paid = true;
                    }
                    None => acc.unpaid_volume += volume,
                }
            } else {
                cell.other_kind_volume += volume;
                if let Some(p) = row.paid {
                    acc.paid += p;
                    acc.has_paid = true;
                }
            }
        }
        // Two enheter of the file can be one enhet of the mapping (code and name): merge.
        for (key, v) in volume_cells {
            let cell = self.cells.entry(key).or_default();
            cell.volume += v.volume;
            cell.other_kind_volume += v.other_kind_volume;
            for (file, (lines, count)) in v.volume_lines.0 {
                let (to, n) = cell.volume_lines.0.entry(file).or_default();
                *n += count;
                to.extend(lines.into_iter().take(MAX_LINES.saturating_sub(to.len())));
            }
            if cell.clients.is_empty() {
                cell.clients = v.clients;
            } else {
                for (client, acc) in v.clients {
                    cell.clients.entry(client).or_default().merge(acc);
                }
            }
        }
    }

    /// Step 2b: common costs onto the cells in egen regi, by the key.
    fn allocate(&mut self) {
        let pools = std::mem::take(&mut self.pools);
        for (level, (amount, lines)) in pools {
            let receivers: Vec<CellKey> = self
                .cells
                .iter()
                .filter(|(k, c)| {
                    k.regi == Regi::Egen
                        && (c.direct != Decimal::ZERO || c.volume != Decimal::ZERO)
                        && match &level {
                            Level::Enhet(e) => k.enhet == *e,
                            Level::Omrade(o) => self
                                .ds
                                .org
                                .enhet(&k.enhet)
                                .and_then(|e| e.omrade.as_deref())
                                .is_some_and(|name| normalise(name) == normalise(o)),
                            Level::Forvaltning => true,
                        }
                })
                .map(|(k, _)| k.clone())
                .collect();
            let weights = self.weights(&receivers);
            let sum: Decimal = weights.iter().sum();
            let mut shares = Vec::new();
            let mut unplaced = Decimal::ZERO;
            if sum > Decimal::ZERO {
                for (key, w) in receivers.iter().zip(&weights) {
                    if w.is_zero() {
                        continue;
                    }
                    let part = share_of(amount, *w, sum);
                    self.cells.get_mut(key).expect("receiver exists").allocated += part;
                    shares.push((key.insats, key.enhet.clone(), part));
                }
            } else {
                unplaced = amount;
                let r = self.recon.entry("pool-utan-mottagare").or_default();
                r.amount += amount;
                for (f, (ls, _)) in &lines.0 {
                    for l in ls {
                        r.lines.add(*f, *l);
                    }
                }
                if let Some(first) = lines.first(self.ds) {
                    self.findings.push(Finding::at(first, FindingKind::PoolWithoutReceivers { level: level.clone() }));
                }
            }
            self.pool_results.push(Pool { level, amount, shares, unplaced, ledger_rows: lines.sources(self.ds) });
        }
    }

    fn weights(&self, receivers: &[CellKey]) -> Vec<Decimal> {
        let pos = |d: Decimal| d.max(Decimal::ZERO);
        let cell = |k: &CellKey| &self.cells[k];
        match &self.settings.key {
            AllocationKey::DirectCost => receivers.iter().map(|k| pos(cell(k).direct)).collect(),
            AllocationKey::Volume => receivers.iter().map(|k| pos(cell(k).volume)).collect(),
            AllocationKey::PersonnelCost => receivers.iter().map(|k| pos(cell(k).personnel)).collect(),
            AllocationKey::FixedShares(shares) => {
                // The insatser present share the pool by their fixed shares (renormalised), and
                // each insats' part goes to its enheter by direct cost.
                let mut direct_per_insats: BTreeMap<Insats, Decimal> = BTreeMap::new();
                for k in receivers {
                    *direct_per_insats.entry(k.insats).or_default() += pos(cell(k).direct);
                }
                receivers
                    .iter()
                    .map(|k| {
                        let share = shares.get(&k.insats).copied().unwrap_or_default().max(Decimal::ZERO);
                        let d = direct_per_insats[&k.insats];
                        if d.is_zero() { Decimal::ZERO } else { share * pos(cell(k).direct) / d }
                    })
                    .collect()
            }
        }
    }

    /// Steps 5 and 6: unit costs, then each client's cost per cell.
    fn clients(&mut self) {
        // Annan regi per insats: booked cost, and what the volume file says was paid.
        let mut annan: BTreeMap<Insats, (Decimal, Decimal, Decimal)> = BTreeMap::new(); // (booked, paid, unpaid volume)
        for (k, cell) in &self.cells {
            if k.regi == Regi::Annan {
                let a = annan.entry(k.insats).or_default();
                a.0 += cell.total();
                for acc in cell.clients.values() {
                    a.1 += acc.paid;
                    a.2 += acc.unpaid_volume;
                }
            }
        }
        let mut annan_spread: BTreeMap<Insats, Decimal> = BTreeMap::new();
        for (insats, (booked, paid, unpaid)) in &annan {
            let rest = *booked - *paid;
            if *unpaid > Decimal::ZERO && rest > Decimal::ZERO {
                annan_spread.insert(*insats, rest / *unpaid);
            }
        }
        let mut annan_placed: BTreeMap<Insats, Decimal> = BTreeMap::new();
        let mut recon_adds: Vec<(&'static str, Decimal, Lines)> = Vec::new();

        let cells = std::mem::take(&mut self.cells);
        for (key, cell) in &cells {
            if key.regi == Regi::Annan {
                for (&client, acc) in &cell.clients {
                    let spread = annan_spread.get(&key.insats).map_or(Decimal::ZERO, |r| *r * acc.unpaid_volume);
                    let cost = acc.paid + spread;
                    *annan_placed.entry(key.insats).or_default() += cost;
                    *self.annan_placed.entry(key.clone()).or_default() += cost;
                    self.client_line(client, key, acc, cost, Decimal::ZERO, Decimal::ZERO);
                }
                continue;
            }
            let total = cell.total();
            let booked: Decimal = cell.booked.values().sum();
            let booked_fk: Decimal = cell.booked_fk.values().sum();
            let rest = total - booked;
            let rest_fk = cell.fk - booked_fk;
            let v = cell.volume;
            let mut members: Vec<u32> =
                cell.clients.keys().chain(cell.booked.keys()).chain(cell.booked_fk.keys()).copied().collect();
            members.sort_unstable();
            members.dedup();
            for client in members {
                let empty = ClientAcc::default();
                let acc = cell.clients.get(&client).unwrap_or(&empty);
                let share = |amount: Decimal| if v.is_zero() { Decimal::ZERO } else { share_of(amount, acc.volume, v) };
                let b = cell.booked.get(&client).copied().unwrap_or_default();
                let bfk = cell.booked_fk.get(&client).copied().unwrap_or_default();
                let cost = b + share(rest);
                let fk = bfk + share(rest_fk);
                self.client_line(client, key, acc, cost, fk, b);
            }
            if v.is_zero() {
                if !rest.is_zero() {
                    recon_adds.push(("utan-volym", rest, cell.ledger_lines.clone()));
                }
                if !rest_fk.is_zero() {
                    recon_adds.push(("fk-ej-placerad", rest_fk, cell.ledger_lines.clone()));
                }
            }
        }
        for (insats, (booked, _, _)) in &annan {
            let placed = annan_placed.get(insats).copied().unwrap_or_default();
            let diff = *booked - placed;
            if !diff.is_zero() {
                let mut lines = Lines::default();
                for (k, cell) in &cells {
                    if k.regi == Regi::Annan && k.insats == *insats {
                        for (f, (ls, _)) in &cell.ledger_lines.0 {
                            for l in ls {
                                lines.add(*f, *l);
                            }
                        }
                    }
                }
                recon_adds.push(("annan-regi-differens", diff, lines));
            }
        }
        self.cells = cells;
        for (key, amount, lines) in recon_adds {
            let r = self.recon.entry(key).or_default();
            r.amount += amount;
            for (f, (ls, _)) in lines.0 {
                for l in ls {
                    r.lines.add(f, l);
                }
            }
        }
    }

    fn client_line(
        &mut self,
        client: u32,
        key: &CellKey,
        acc: &ClientAcc,
        cost: Decimal,
        fk: Decimal,
        booked: Decimal,
    ) {
        let lines = &mut self.client_lines[client as usize];
        let at = match lines.iter().position(|(k, _)| k == key) {
            Some(at) => at,
            None => {
                lines.push((
                    key.clone(),
                    ClientLine {
                        insats: key.insats,
                        enhet: key.enhet.clone(),
                        regi: key.regi,
                        volume: Decimal::ZERO,
                        cost: Decimal::ZERO,
                        assistansersattning: Decimal::ZERO,
                        booked: Decimal::ZERO,
                        beviljad: Decimal::ZERO,
                        utford: Decimal::ZERO,
                    },
                ));
                lines.len() - 1
            }
        };
        let line = &mut lines[at].1;
        line.volume += acc.volume;
        line.cost += cost;
        line.assistansersattning += fk;
        line.booked += booked;
        line.beviljad += acc.beviljad;
        line.utford += acc.utford;
    }

    /// Step 4: the data checks of KPB.md §6 that need the whole picture.
    fn checks(&mut self) {
        let ds = self.ds;
        let name = |code: &str| ds.org.enhet(code).map_or_else(|| code.to_owned(), |e| e.name.clone());
        // Unit costs per insats, to find outliers.
        let mut unit_costs: BTreeMap<Insats, Vec<(String, Decimal)>> = BTreeMap::new();
        let mut insatser_per_enhet: BTreeMap<&str, BTreeSet<Insats>> = BTreeMap::new();
        for (k, cell) in &self.cells {
            let first_volume = cell.volume_lines.first(ds);
            let first_ledger = cell.ledger_lines.first(ds);
            if k.regi == Regi::Egen {
                insatser_per_enhet.entry(&k.enhet).or_default().insert(k.insats);
            }
            if k.regi == Regi::Egen && cell.volume > Decimal::ZERO && cell.total().is_zero() && cell.booked.is_empty() {
                self.findings.push(
                    Finding::at(
                        first_volume.clone().unwrap_or_default(),
                        FindingKind::VolumeWithoutCost { insats: k.insats, enhet: name(&k.enhet) },
                    )
                    .for_enhet(Some(&k.enhet)),
                );
            }
            if k.regi == Regi::Egen && cell.volume.is_zero() && !cell.total().is_zero() {
                let basis = self.basis[&k.insats];
                let only = (cell.other_kind_volume > Decimal::ZERO).then(|| other(basis));
                self.findings.push(
                    Finding::at(
                        first_ledger.clone().unwrap_or_default(),
                        FindingKind::CostWithoutVolume { insats: k.insats, enhet: name(&k.enhet), basis, only },
                    )
                    .for_enhet(Some(&k.enhet)),
                );
            }
            if k.regi == Regi::Egen && cell.volume > Decimal::ZERO && !cell.total().is_zero() {
                unit_costs.entry(k.insats).or_default().push((k.enhet.clone(), cell.total() / cell.volume));
            }
            // Clients booked in the ledger but without volume anywhere.
            for client in cell.booked.keys() {
                if !cell.clients.contains_key(client) {
                    self.findings.push(
                        Finding::at(
                            cell.booked_line
                                .get(client)
                                .map_or_else(|| first_ledger.clone().unwrap_or_default(), |l| ds.pos(l.0, l.1)),
                            FindingKind::BookedWithoutVolume {
                                client: ds.clients[*client as usize].id.clone(),
                                insats: k.insats,
                            },
                        )
                        .for_enhet(Some(&k.enhet)),
                    );
                }
            }
            // Granted against performed time, per client and period (when the cell reports both).
            let reports_performed = cell.clients.values().any(|a| a.utford > Decimal::ZERO);
            let reports_granted = cell.clients.values().any(|a| a.beviljad > Decimal::ZERO);
            for (&client, acc) in &cell.clients {
                let pos = ds.pos(acc.first_line.0, acc.first_line.1);
                let cid = &ds.clients[client as usize].id;
                // A row for the whole year beside rows for its months: summed, so a year's
                // total given with its months counts twice.
                let whole_year = acc.periods.iter().find(|(p, _)| p.is_some_and(|p| p.month.is_none()));
                if let Some((_, year_row)) = whole_year
                    && acc.periods.iter().any(|(p, _)| p.is_some_and(|p| p.month.is_some()))
                {
                    self.findings.push(
                        Finding::at(
                            ds.pos(year_row.first_line.0, year_row.first_line.1),
                            FindingKind::YearAndMonths {
                                client: cid.clone(),
                                year: self.year,
                                insats: k.insats,
                                enhet: name(&k.enhet),
                            },
                        )
                        .for_enhet(Some(&k.enhet)),
                    );
                }
                let has_both = acc.beviljad > Decimal::ZERO || acc.utford > Decimal::ZERO;
                if !has_both {
                    continue;
                }
                if reports_performed && reports_granted {
                    if acc.beviljad > Decimal::ZERO && acc.utford.is_zero() {
                        self.findings.push(
                            Finding::at(
                                pos.clone(),
                                FindingKind::NotPerformed {
                                    client: cid.clone(),
                                    insats: k.insats,
                                    enhet: name(&k.enhet),
                                },
                            )
                            .for_enhet(Some(&k.enhet)),
                        );
                    } else if acc.utford > Decimal::ZERO && acc.beviljad.is_zero() {
                        self.findings.push(
                            Finding::at(
                                pos.clone(),
                                FindingKind::NotGranted {
                                    client: cid.clone(),
                                    insats: k.insats,
                                    enhet: name(&k.enhet),
                                },
                            )
                            .for_enhet(Some(&k.enhet)),
                        );
                    } else {
                        let mut periods = acc.periods.clone();
                        periods.sort_by_key(|(p, _)| *p);
                        for (period, per) in &periods {
                            let (b, u) = (&per.beviljad, &per.utford);
                            if *u > *b && *b > Decimal::ZERO {
                                self.findings.push(
                                    Finding::at(
                                        ds.pos(per.first_line.0, per.first_line.1),
                                        FindingKind::OverGranted {
                                            client: cid.clone(),
                                            period: *period,
                                            performed: *u,
                                            granted: *b,
                                        },
                                    )
                                    .for_enhet(Some(&k.enhet)),
                                );
                            }
                        }
                    }
                }
                // More dygn in the year than it has, over all rows of the client.
                if matches!(k.insats.unit(), VolumeUnit::Dygn | VolumeUnit::Dag)
                    && acc.volume > Decimal::from(days_in_year(self.year))
                {
                    self.findings.push(
                        Finding::at(
                            pos.clone(),
                            FindingKind::MoreDaysThanYear {
                                client: cid.clone(),
                                volume: acc.volume,
                                insats: k.insats,
                                enhet: name(&k.enhet),
                                days: days_in_year(self.year),
                            },
                        )
                        .for_enhet(Some(&k.enhet)),
                    );
                }
            }
        }
        // The municipality's unit cost far from any that has been published (a fifth of the
        // newest KPB mean, or five times it): volumes in minutes, costs in tkr or öre.
        for (insats, kpi) in [(Insats::Hemtjanst, "U21003"), (Insats::SarskiltBoende, "U23004"), (Insats::Gruppbostad, "U28030")] {
            let (cost, volume) = self
                .cells
                .iter()
                .filter(|(k, c)| k.insats == insats && k.regi == Regi::Egen && data_error(c.total(), c.volume).is_none())
                .fold((Decimal::ZERO, Decimal::ZERO), |(n, d), (_, c)| (n + c.total(), d + c.volume));
            let Some(reference) =
                crate::reference::published().into_iter().filter(|p| p.kpi == kpi && p.label.starts_with("Medel")).max_by_key(|p| p.year)
            else {
                continue;
            };
            let five = Decimal::from(5);
            if volume > Decimal::ZERO && (cost * five < reference.value * volume || cost > reference.value * five * volume) {
                let first = self.cells.iter().find(|(k, _)| k.insats == insats && k.regi == Regi::Egen);
                let pos = first.and_then(|(_, c)| c.volume_lines.first(ds)).unwrap_or_default();
                self.findings.push(Finding::at(
                    pos,
                    FindingKind::ImplausibleUnitCost {
                        insats,
                        cost: cost / volume,
                        mean: reference.value,
                        mean_year: reference.year,
                    },
                ));
            }
        }
        // Outliers: a unit cost far from the median of the same insats (costs booked on the wrong unit).
        for (insats, list) in &unit_costs {
            if list.len() < 3 {
                continue;
            }
            let mut sorted: Vec<Decimal> = list.iter().map(|(_, u)| *u).collect();
            sorted.sort();
            let median = sorted[sorted.len() / 2];
            for (enhet, u) in list {
                if median > Decimal::ZERO && (*u > median * Decimal::TWO || *u * Decimal::TWO < median) {
                    let pos = self.cells[&CellKey { insats: *insats, enhet: enhet.clone(), regi: Regi::Egen }]
                        .ledger_lines
                        .first(ds)
                        .unwrap_or_default();
                    self.findings.push(
                        Finding::at(
                            pos,
                            FindingKind::DeviatingUnitCost { insats: *insats, enhet: name(enhet), cost: *u, median },
                        )
                        .for_enhet(Some(enhet)),
                    );
                }
            }
        }
        // Gruppbostad and servicebostad at the same enhet.
        for (enhet, insatser) in &insatser_per_enhet {
            if insatser.contains(&Insats::Gruppbostad) && insatser.contains(&Insats::Servicebostad) {
                let pos = self.cells
                    [&CellKey { insats: Insats::Servicebostad, enhet: enhet.to_string(), regi: Regi::Egen }]
                    .volume_lines
                    .first(ds)
                    .or_else(|| {
                        self.cells
                            [&CellKey { insats: Insats::Servicebostad, enhet: enhet.to_string(), regi: Regi::Egen }]
                            .ledger_lines
                            .first(ds)
                    })
                    .unwrap_or_default();
                self.findings.push(
                    Finding::at(pos, FindingKind::GruppAndServicebostad { enhet: name(enhet) }).for_enhet(Some(enhet)),
                );
            }
        }
    }

    fn report(mut self) -> Report {
        let ds = self.ds;
        let name = |code: &str| ds.org.enhet(code).map_or_else(|| code.to_owned(), |e| e.name.clone());
        let omrade = |code: &str| ds.org.enhet(code).and_then(|e| e.omrade.clone());

        // Clients.
        let mut clients: Vec<ClientCost> = Vec::with_capacity(self.client_lines.len());
        for (client, mut lines) in std::mem::take(&mut self.client_lines).into_iter().enumerate() {
            if lines.is_empty() {
                continue;
            }
            let client = client as u32;
            let info = &ds.clients[client as usize];
            let age = info.birth_year.map(|y| (self.year - y).max(0) as u32).or(info.age);
            lines.sort_by(|a, b| a.0.cmp(&b.0));
            let lines: Vec<ClientLine> = lines.into_iter().map(|(_, l)| l).collect();
            let given = self.boendeform.get(&client).copied().unwrap_or(0);
            let implied =
                lines.iter().filter_map(|l| Boendeform::implied_by(l.insats)).fold(0u8, |m, b| m | 1 << b as u8);
            let forms = if given != 0 { given } else { implied };
            let has = |b: Boendeform| forms & (1 << b as u8) != 0;
            let boendeform = if has(Boendeform::Sarskilt) {
                Boendeform::Sarskilt
            } else if has(Boendeform::LssBostad) {
                Boendeform::LssBostad
            } else {
                Boendeform::Ordinart
            };
            clients.push(ClientCost {
                id: info.id.clone(),
                age,
                age_group: age.map(|a| self.settings.age_group(a)),
                kon: info.kon,
                boendeform,
                total: lines.iter().map(|l| l.cost).sum(),
                assistansersattning: lines.iter().map(|l| l.assistansersattning).sum(),
                lines,
            });
        }
        clients.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.id.cmp(&b.id)));

        // Cells.
        let mut units = Vec::with_capacity(self.cells.len());
        for (k, cell) in &self.cells {
            // Annan regi: what was placed on the clients (paid, or the booked cost spread).
            let total = match k.regi {
                Regi::Egen => cell.total(),
                Regi::Annan => self.annan_placed.get(k).copied().unwrap_or_default(),
            };
            let volume = cell.volume;
            let error = (k.regi == Regi::Egen).then(|| data_error(total, volume)).flatten();
            let per = |x: Decimal| (!volume.is_zero() && error.is_none()).then(|| x / volume);
            units.push(UnitCost {
                insats: k.insats,
                enhet: k.enhet.clone(),
                enhet_name: name(&k.enhet),
                omrade: omrade(&k.enhet),
                regi: k.regi,
                direct: cell.direct,
                personnel: cell.personnel,
                allocated: cell.allocated,
                total,
                assistansersattning: cell.fk,
                volume,
                basis: self.basis[&k.insats],
                unit_cost: per(total),
                net_unit_cost: (k.insats == Insats::PersonligAssistansSfb).then(|| per(total + cell.fk)).flatten(),
                error,
                clients: cell.clients.len() as u32,
                ledger_rows: cell.ledger_lines.sources(ds),
                volume_rows: cell.volume_lines.sources(ds),
            });
        }

        // Per insats.
        let mut insatser = Vec::new();
        for insats in Insats::all() {
            let own: Vec<&UnitCost> = units.iter().filter(|u| u.insats == insats && u.regi == Regi::Egen).collect();
            let other: Vec<&UnitCost> = units.iter().filter(|u| u.insats == insats && u.regi == Regi::Annan).collect();
            if own.is_empty() && other.is_empty() {
                continue;
            }
            // A cell with a data error is no figure: left out of the municipality's ratio.
            let cost: Decimal = own.iter().filter(|u| u.error.is_none()).map(|u| u.total).sum();
            let volume: Decimal = own.iter().filter(|u| u.error.is_none()).map(|u| u.volume).sum();
            let rates: Vec<(String, Decimal)> =
                own.iter().filter_map(|u| u.unit_cost.map(|c| (u.enhet_name.clone(), c))).collect();
            let n_clients = clients.iter().filter(|c| c.lines.iter().any(|l| l.insats == insats)).count() as u32;
            insatser.push(InsatsSummary {
                insats,
                cost,
                volume,
                basis: self.basis[&insats],
                unit_cost: (!volume.is_zero()).then(|| cost / volume),
                min: rates.iter().min_by(|a, b| a.1.cmp(&b.1)).cloned(),
                max: rates.iter().max_by(|a, b| a.1.cmp(&b.1)).cloned(),
                annan_cost: other.iter().map(|u| u.total).sum(),
                annan_volume: other.iter().map(|u| u.volume).sum(),
                clients: n_clients,
            });
        }

        // Reconciliation.
        let placed: Decimal = clients.iter().map(|c| c.total).sum();
        let fk_placed: Decimal = clients.iter().map(|c| c.assistansersattning).sum();
        let mut lines = Vec::new();
        for (key, label, is_placed, explanation) in RECON_ORDER {
            let (amount, sources, first) = match key {
                "placerat" => (placed, Vec::new(), None),
                "assistansersattning" => (fk_placed, Vec::new(), None),
                _ => match self.recon.get(key) {
                    Some(r) => (r.amount, r.lines.sources(ds), r.lines.first(ds)),
                    None => continue,
                },
            };
            if amount.is_zero() && !is_placed {
                continue;
            }
            lines.push(ReconLine {
                key: key.to_owned(),
                label: label.to_owned(),
                amount,
                placed: is_placed,
                explanation: explanation.to_owned(),
                sources,
                first,
            });
        }
        let sum: Decimal = lines.iter().map(|l| l.amount).sum();
        // Of the cost meant for the clients, the share that reached them: what was left
        // unplaced for a reason the user can mend (not by the method's design, such as fees).
        let unplaced: Decimal = lines
            .iter()
            .filter(|l| matches!(l.key.as_str(), "omappat" | "pool-utan-mottagare" | "utan-volym" | "annan-regi-differens"))
            .map(|l| l.amount.max(Decimal::ZERO))
            .sum();
        let reconciliation = Reconciliation {
            ledger_total: self.ledger_total,
            ledger_rows: self.ledger_rows,
            difference: self.ledger_total - sum,
            placed_share: (placed + unplaced > Decimal::ZERO).then(|| placed / (placed + unplaced) * Decimal::ONE_HUNDRED),
            unplaced,
            lines,
        };

        let mut report = Report {
            year: self.year,
            year_basis: String::new(),
            settings: self.settings.clone(),
            files: ds.files.clone(),
            unknown_insatser: ds.unknown_insatser.clone(),
            mapping: ds.org.to_rows(),
            konto_rules: ds
                .konton
                .rules
                .iter()
                .filter(|r| r.line.is_some())
                .map(|r| [r.from.clone(), r.to.clone(), r.typ.name().to_owned()])
                .collect(),
            unmapped: std::mem::take(&mut self.unmapped).into_iter().collect(),
            findings: Vec::new(),
            units,
            insatser,
            pools: std::mem::take(&mut self.pool_results),
            nyckeltal: Vec::new(),
            ytterfall: Vec::new(),
            client_count: clients.len() as u32,
            clients,
            distribution: Default::default(),
            mix: Default::default(),
            utforandegrad: Vec::new(),
            reconciliation,
        };
        analysis::analyse(&mut report);
        report.nyckeltal = figures::nyckeltal(&report, ds);
        report.nyckeltal.extend(kolada::figures(ds, report.year, &report.clients));

        // Findings: import first, then the computation's; errors before warnings before info.
        let mut findings = ds.findings.clone();
        findings.extend(self.findings.into_vec());
        findings.sort_by_key(|f| f.severity);
        report.findings = findings;
        report
    }
}

/// `amount × part ÷ whole`, for a `part` of `whole` (0 ≤ part ≤ whole): multiplied first, for
/// exactness, where the product fits Decimal's 28 digits, else as `amount × (part ÷ whole)`. So
/// no amount a file can hold overflows (and panics) here.
fn share_of(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal {
    match amount.checked_mul(part) {
        Some(product) => product / whole,
        None => amount * (part / whole),
    }
}

/// Why a cost over a volume means nothing: volume without cost, or cost without volume.
pub(crate) fn data_error(cost: Decimal, volume: Decimal) -> Option<String> {
    match (cost.is_zero(), volume.is_zero()) {
        (true, false) => Some("volym men ingen kostnad".to_owned()),
        (false, true) => Some("kostnad men ingen volym".to_owned()),
        _ => None,
    }
}

fn other(kind: VolumeKind) -> VolumeKind {
    match kind {
        VolumeKind::Beviljad => VolumeKind::Utford,
        VolumeKind::Utford => VolumeKind::Beviljad,
    }
}

//! Step 3 of the method (KPB.md §1, §5): *koda brukarstatistik*. The volume rows of the year,
//! per cell and client: the volume the cost is divided by (granted or performed, per insats),
//! both kinds beside it for the checks, what was paid for a client in annan regi, and the
//! boendeform the file gives each client. Rows of other years, negative volumes and excluded
//! enheter are left out with a finding; an implausible volume is kept with one.

use super::{CellKey, Lines, Months, share_of};
use crate::date::{Period, days_in_year, days_in_year_of_stay, days_per_month_of_stay};
use crate::finding::{Finding, FindingKind, Findings};
use crate::import::{Dataset, Span};
use crate::model::{Insats, Regi, VolumeKind, VolumeUnit};
use crate::settings::Settings;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};

/// The volumes of the year.
pub(crate) struct Volumes {
    /// The kind of volume each insats' cost is divided by.
    pub basis: BTreeMap<Insats, VolumeKind>,
    pub cells: BTreeMap<CellKey, CellVolume>,
    /// The boendeformer the file gives each client, by client number, as a bit set (bit =
    /// `Boendeform as u8`); a client past its end has none.
    pub boendeform: Vec<u8>,
    pub findings: Vec<Finding>,
}

impl Volumes {
    /// Lets go of each client's periods ([`ClientVolume::periods`]), which only the checks of
    /// step 4 read: at a million rows they are the largest part of the volumes' memory, and the
    /// clients' costs are made after the checks.
    pub fn drop_periods(&mut self) {
        for client in self.cells.values_mut().flat_map(|cell| cell.clients.values_mut()) {
            client.periods = Vec::new();
        }
    }
}

/// The volume of one cell.
#[derive(Default, Debug)]
pub(crate) struct CellVolume {
    /// Of the basis kind: what the cell's cost is divided by.
    pub volume: Decimal,
    /// Of the other kind (a cell with only that kind has cost but no volume to divide by).
    pub other_kind_volume: Decimal,
    pub clients: BTreeMap<u32, ClientVolume>,
    pub lines: Lines,
    /// Of `volume`, what each month had (rows with a month, stays by their days).
    pub months: Months<MonthVolume>,
    /// Rows of the basis kind with no month (a year, or no period).
    pub without_month: Lines,
}

/// A cell's volume of the basis kind in one month, and the rows it came from.
#[derive(Default, Debug)]
pub(crate) struct MonthVolume {
    pub volume: Decimal,
    pub lines: Lines,
}

/// One client's volume in one cell.
#[derive(Default, Clone, Debug)]
pub(crate) struct ClientVolume {
    /// Of the cell's basis kind.
    pub volume: Decimal,
    pub beviljad: Decimal,
    pub utford: Decimal,
    /// What the file says was paid for the client (annan regi).
    pub paid: Decimal,
    /// Volume of rows without a paid amount (annan regi: to carry the rest of the booked cost).
    pub unpaid_volume: Decimal,
    /// Per period, granted and performed (for the checks): a handful at most (a year, or its
    /// months), in the order first seen. Empty once the checks have run
    /// ([`Volumes::drop_periods`]).
    pub periods: Vec<PeriodVolume>,
    /// The client's first row in the cell.
    pub first_line: (u16, u32),
    /// The months with volume of the basis kind, as a bit set (bit 0 = January).
    pub months: u16,
}

/// Granted and performed volume in one period, and the first row of the period. (Kept small:
/// at a million rows there are about as many, each client's months in each cell.)
#[derive(Clone, Copy, Debug)]
pub(crate) struct PeriodVolume {
    pub beviljad: Decimal,
    pub utford: Decimal,
    pub line: u32,
    pub file: u16,
    /// Which period of the year: [`PeriodVolume::code`].
    pub period: u8,
}

impl PeriodVolume {
    /// [`PeriodVolume::period`] of rows without a period (or a stay's).
    pub const NONE: u8 = 0;
    /// [`PeriodVolume::period`] of rows for the whole year; its months follow, January 2.
    pub const WHOLE_YEAR: u8 = 1;

    /// A period of the year computed, as a number in the order of the periods.
    pub fn code(period: Option<Period>) -> u8 {
        match period {
            None => Self::NONE,
            Some(Period { month: None, .. }) => Self::WHOLE_YEAR,
            Some(Period { month: Some(m), .. }) => m.saturating_add(Self::WHOLE_YEAR),
        }
    }

    /// The period, in `year`.
    pub fn period(&self, year: i32) -> Option<Period> {
        match self.period {
            Self::NONE => None,
            Self::WHOLE_YEAR => Some(Period { year, month: None }),
            m => Some(Period { year, month: Some(m - Self::WHOLE_YEAR) }),
        }
    }
}

impl ClientVolume {
    /// Adds another's volumes (the same client in the same cell, read under two enhet texts).
    fn merge(&mut self, other: ClientVolume) {
        if self.periods.is_empty() {
            self.first_line = other.first_line;
        }
        self.volume += other.volume;
        self.beviljad += other.beviljad;
        self.utford += other.utford;
        self.paid += other.paid;
        self.unpaid_volume += other.unpaid_volume;
        self.months |= other.months;
        for p in other.periods {
            match self.periods.iter_mut().find(|q| q.period == p.period) {
                Some(mine) => {
                    mine.beviljad += p.beviljad;
                    mine.utford += p.utford;
                }
                None => self.periods.push(p),
            }
        }
    }
}

/// The kind of volume each insats' cost is divided by: granted where the year's rows have
/// granted volume for it, else performed, unless the settings say.
fn basis(ds: &Dataset, settings: &Settings, year: i32) -> BTreeMap<Insats, VolumeKind> {
    let mut has_granted: BTreeSet<Insats> = BTreeSet::new();
    for row in &ds.volumes {
        let in_year = match row.span() {
            Span::Unspecified => true,
            Span::Period(p) => p.year == year,
            Span::Stay { from, to } => days_in_year_of_stay(year, from, to) > 0,
        };
        if in_year && row.kind == VolumeKind::Beviljad && row.volume().is_some_and(|v| v > Decimal::ZERO) {
            has_granted.insert(row.insats);
        }
    }
    Insats::all()
        .map(|insats| {
            let granted = has_granted.contains(&insats);
            let default = if granted { VolumeKind::Beviljad } else { VolumeKind::Utford };
            (insats, settings.basis.get(&insats).copied().unwrap_or(default))
        })
        .collect()
}

/// The volumes of `year` in `ds`.
pub(crate) fn volumes(ds: &Dataset, settings: &Settings, year: i32) -> Volumes {
    let basis = basis(ds, settings, year);
    let mut findings = Findings::default();
    let mut boendeform = vec![0u8; ds.clients.len()];
    // Canonical enhet code, and the regi the mapping gives it, for each enhet text of the file.
    let enhet_code: Vec<String> =
        ds.enhet_codes.iter().map(|raw| ds.org.enhet(raw).map_or_else(|| raw.clone(), |e| e.code.clone())).collect();
    let enhet_regi: Vec<Option<Regi>> = enhet_code.iter().map(|c| ds.org.enhet(c).map(|e| e.regi)).collect();
    // The cells by (insats, enhet text, regi), merged into cells by enhet code at the end (a
    // tree of string keys is too slow per row).
    let mut cell_index: FxHashMap<(Insats, u32, Regi), usize> = FxHashMap::default();
    let mut by_text: Vec<(CellKey, CellVolume)> = Vec::new();
    let basis_of: Vec<VolumeKind> = Insats::all().map(|i| basis[&i]).collect();
    for row in &ds.volumes {
        let pos = || ds.pos(row.file, row.line);
        // The row's volume by month: in its month, or a stay's days in each month.
        let mut month_days: Option<[u32; 12]> = None;
        let (volume, period) = match row.span() {
            Span::Unspecified => (row.volume(), None),
            Span::Period(p) if p.year == year => (row.volume(), Some(p)),
            Span::Period(p) => {
                findings.push(Finding::at(pos(), FindingKind::VolumeRowOtherYear { period: p, year }));
                continue;
            }
            Span::Stay { from, to } => {
                let days = days_in_year_of_stay(year, from, to);
                if days == 0 {
                    findings.push(Finding::at(pos(), FindingKind::StayOutsideYear { from, to, year }));
                    continue;
                }
                month_days = Some(days_per_month_of_stay(year, from, to));
                (Some(row.volume().unwrap_or(Decimal::from(days))), None)
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
            findings.push(Finding::at(volume_pos(), FindingKind::NegativeVolume { volume }));
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
            findings.push(Finding::at(
                volume_pos(),
                FindingKind::ImplausibleVolume { volume, limit, what: what.to_owned() },
            ));
        }
        let code = &enhet_code[row.enhet as usize];
        let regi = row.regi.or(enhet_regi[row.enhet as usize]).unwrap_or(Regi::Egen);
        if settings.excluded_enheter.contains(code) {
            continue;
        }
        if let Some(b) = row.boendeform {
            boendeform[row.client as usize] |= 1 << b as u8;
        }
        let at = *cell_index.entry((row.insats, row.enhet, regi)).or_insert_with(|| {
            by_text.push((CellKey { insats: row.insats, enhet: code.clone(), regi }, CellVolume::default()));
            by_text.len() - 1
        });
        let cell = &mut by_text[at].1;
        cell.lines.add(row.file, row.line);
        let acc = cell
            .clients
            .entry(row.client)
            .or_insert_with(|| ClientVolume { first_line: (row.file, row.line), ..ClientVolume::default() });
        let code = PeriodVolume::code(period);
        let at = match acc.periods.iter().position(|p| p.period == code) {
            Some(i) => i,
            None => {
                // A client's first month in the cell: room for the year's twelve at once (a list
                // grown by doubling would move three times and end with room for sixteen).
                if code > PeriodVolume::WHOLE_YEAR && acc.periods.capacity() == 0 {
                    acc.periods.reserve_exact(12);
                }
                let (beviljad, utford) = (Decimal::ZERO, Decimal::ZERO);
                acc.periods.push(PeriodVolume { beviljad, utford, line: row.line, file: row.file, period: code });
                acc.periods.len() - 1
            }
        };
        let per = &mut acc.periods[at];
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
        if row.kind == basis_of[row.insats as usize] {
            acc.volume += volume;
            cell.volume += volume;
            let mut in_month = |m: usize, v: Decimal| {
                cell.months[m].volume += v;
                cell.months[m].lines.add(row.file, row.line);
                if v > Decimal::ZERO {
                    acc.months |= 1 << m;
                }
            };
            match (period.and_then(|p| p.month), month_days) {
                (Some(m), _) => in_month(usize::from(m - 1), volume),
                // A stay's volume (its days, or the volume the row gives) by its days in each
                // month; the last month takes what the shares leave, so that they sum exactly.
                (None, Some(days)) => {
                    let total = Decimal::from(days.iter().sum::<u32>());
                    let mut left = volume;
                    let last = days.iter().rposition(|d| *d > 0).unwrap_or(11);
                    for (m, d) in days.into_iter().enumerate().filter(|(_, d)| *d > 0) {
                        let part = if m == last { left } else { share_of(volume, Decimal::from(d), total) };
                        left -= part;
                        in_month(m, part);
                    }
                }
                (None, None) => cell.without_month.add(row.file, row.line),
            }
            match ds.paid(row) {
                Some(p) => acc.paid += p,
                None => acc.unpaid_volume += volume,
            }
        } else {
            cell.other_kind_volume += volume;
            if let Some(p) = ds.paid(row) {
                acc.paid += p;
            }
        }
    }
    // Two enhet texts of the file can be one enhet of the mapping (code and name): merged.
    let mut cells: BTreeMap<CellKey, CellVolume> = BTreeMap::new();
    for (key, v) in by_text {
        let cell = cells.entry(key).or_default();
        cell.volume += v.volume;
        cell.other_kind_volume += v.other_kind_volume;
        cell.lines.merge(v.lines);
        cell.without_month.merge(v.without_month);
        for (to, from) in cell.months.iter_mut().zip(v.months) {
            to.volume += from.volume;
            to.lines.merge(from.lines);
        }
        if cell.clients.is_empty() {
            cell.clients = v.clients;
        } else {
            for (client, acc) in v.clients {
                cell.clients.entry(client).or_default().merge(acc);
            }
        }
    }
    Volumes { basis, cells, boendeform, findings: findings.into_vec() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportSettings, InputFile, load};

    #[test]
    fn granted_hours_are_the_basis_and_other_years_are_left_out() {
        let files = [InputFile {
            name: "brukare.csv".into(),
            bytes: "Brukare;Insats;Enhet;Beviljad tid;Utförd tid;Period\n\
                    A;Hemtjänst;Norr;10;8;2025-01\n\
                    A;Hemtjänst;Norr;12;12,5;2025-02\n\
                    B;Hemtjänst;Norr;4;3;2025-02\n\
                    B;Hemtjänst;Norr;99;99;2024-12\n"
                .into(),
        }];
        let ds = load(&files, &ImportSettings::default());
        let v = volumes(&ds, &Settings::default(), 2025);
        assert_eq!(v.basis[&Insats::Hemtjanst], VolumeKind::Beviljad);
        let cell = &v.cells[&CellKey { insats: Insats::Hemtjanst, enhet: "Norr".into(), regi: Regi::Egen }];
        assert_eq!(cell.volume, Decimal::from(26));
        assert_eq!(cell.other_kind_volume, Decimal::new(235, 1));
        assert_eq!(cell.clients.len(), 2);
        let a = cell.clients.values().find(|c| c.utford == Decimal::new(205, 1)).expect("A");
        assert_eq!((a.volume, a.beviljad, a.periods.len()), (Decimal::from(22), Decimal::from(22), 2));
        assert_eq!(v.findings.iter().map(|f| f.kind.code()).collect::<Vec<_>>(), ["annat-ar"]);
    }

    #[test]
    fn a_clients_rows_in_a_cell_add_up_wherever_they_are_in_the_file() {
        // A's rows in Norr come in two runs, with B's and another cell's between them.
        let files = [InputFile {
            name: "brukare.csv".into(),
            bytes: "Brukare;Insats;Enhet;Beviljad tid;Utförd tid;Period;Belopp\n\
                    A;Hemtjänst;Norr;10;8;2025-01;\n\
                    A;Hemtjänst;Norr;1;1;2025-02;\n\
                    B;Hemtjänst;Norr;4;3;2025-02;\n\
                    A;Hemtjänst;Söder;5;5;2025-02;\n\
                    A;Hemtjänst;Norr;2;2;2025-02;\n\
                    A;Hemtjänst;Norr;3;2;2025-03;\n"
                .into(),
        }];
        let ds = load(&files, &ImportSettings::default());
        let v = volumes(&ds, &Settings::default(), 2025);
        let norr = &v.cells[&CellKey { insats: Insats::Hemtjanst, enhet: "Norr".into(), regi: Regi::Egen }];
        let a = norr.clients.values().find(|c| c.volume == Decimal::from(16)).expect("A in Norr: 10 + 1 + 2 + 3");
        assert_eq!((a.beviljad, a.utford, a.first_line.1), (Decimal::from(16), Decimal::from(13), 2));
        // Its periods in the order first seen, each with its sums and its first line.
        let periods: Vec<(u8, Decimal, Decimal, u32)> = a
            .periods
            .iter()
            .map(|v| (v.period(2025).and_then(|p| p.month).unwrap(), v.beviljad, v.utford, v.line))
            .collect();
        assert_eq!(
            periods,
            [
                (1, Decimal::from(10), Decimal::from(8), 2),
                (2, Decimal::from(3), Decimal::from(3), 3),
                (3, Decimal::from(3), Decimal::from(2), 7)
            ]
        );
        assert_eq!(a.months, 0b111);
        assert_eq!(a.unpaid_volume, Decimal::from(16));
        assert_eq!(norr.clients.len(), 2);
        assert_eq!(norr.volume, Decimal::from(20));
        let soder = &v.cells[&CellKey { insats: Insats::Hemtjanst, enhet: "Söder".into(), regi: Regi::Egen }];
        assert_eq!((soder.clients.len(), soder.volume), (1, Decimal::from(5)));
    }
}

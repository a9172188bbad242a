//! The monthly follow-up (as Ludvika's "SIV"): for every cell and every insats in egen regi,
//! month by month through the ledger's last month, the cost, the volume, the unit cost and the
//! brukare; the year so far, rolling three months and a projection of the year; the months
//! worth a look (flags); and the checks of the periods (findings).
//!
//! The months come from the steps: [`place`](crate::steps::place) keeps each cell's direct cost
//! and each pool per month, [`volumes`](crate::steps::volumes) each cell's volume per month (a
//! stay by its days). The cost is the direct cost, or with [`CostBasis::Full`] also the common
//! costs, allocated by the key on each month's year-to-date figures (the year-to-date allocation
//! through month m minus that through m − 1), so that December's year-to-date is the year's KPB
//! (in egen regi; annan regi shows what was booked, where the year's KPB has what was paid).

use crate::date::Period;
use crate::finding::{Finding, FindingKind};
use crate::import::Dataset;
use crate::mapping::Level;
use crate::model::{Insats, Regi};
use crate::report::{
    FlagKind, MonthFigure, Monthly, MonthlyFlag, MonthlyRow, Projection, ProjectionMethod, percent_of,
};
use crate::settings::{CostBasis, Settings};
use crate::steps::allocate::{Allocated, allocate};
use crate::steps::place::DirectCost;
use crate::steps::volumes::{CellVolume, Volumes};
use crate::steps::{Amount, CellKey, MonthCost, Months, data_error, share_of};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// How far (in percent) a month's unit cost must be from its enhet's year so far to be flagged.
const DEVIATES_PERCENT: i64 = 15;
/// How far (in percent) the enhet whose last month moves most must move to be flagged.
const MOVES_MOST_PERCENT: i64 = 10;

/// The cost and volume of one row of the follow-up, per month, and its brukare's months.
#[derive(Default)]
struct Series {
    cost: Months<Decimal>,
    volume: Months<Decimal>,
    /// Per brukare, the months with volume (bit 0 = January).
    clients: BTreeMap<u32, u16>,
}

/// The monthly follow-up of `year` and the findings on its periods; `None` when no ledger row
/// of a cell (direct cost) has a month.
pub(crate) fn monthly(
    ds: &Dataset,
    settings: &Settings,
    year: i32,
    allocated: &Allocated,
    pool_months: &BTreeMap<Level, Months<MonthCost>>,
    without_month: &Amount,
    volumes: &Volumes,
) -> (Option<Monthly>, Vec<Finding>) {
    // The ledger's months: those with direct cost (a month with common cost only, such as a
    // late accrual, does not make the year run on; it is a finding).
    let mut ledger_months: u16 = 0;
    for cell in allocated.cells.values() {
        for (i, m) in cell.direct.months.iter().enumerate() {
            if !m.lines.is_empty() {
                ledger_months |= 1 << i;
            }
        }
    }
    if ledger_months == 0 {
        return (None, Vec::new());
    }
    let first = ledger_months.trailing_zeros() as usize;
    let ledger_through = 15 - ledger_months.leading_zeros() as usize;
    // The months shown: through the ledger's last, or an earlier one the settings ask for.
    let asked = settings.monthly_through.map_or(11, |m| usize::from(m.clamp(1, 12)) - 1);
    let through = ledger_through.min(asked).max(first);
    let period = |i: usize| Period { year, month: Some(i as u8 + 1) };
    let name = |code: &str| ds.org.enhet(code).map_or_else(|| code.to_owned(), |e| e.name.clone());
    let allocated_by_month = match settings.monthly_basis {
        CostBasis::Direct => BTreeMap::new(),
        CostBasis::Full => allocated_per_month(ds, settings, allocated, pool_months, volumes, first, through),
    };

    let mut rows = Vec::new();
    let mut flags = Vec::new();
    let mut findings = Vec::new();
    let mut egen: BTreeMap<Insats, Series> = BTreeMap::new();
    let no_volume = CellVolume::default();
    let any = |values: &Months<Decimal>, to: usize| values[first..=to].iter().any(|x| !x.is_zero());
    for (key, cell) in &allocated.cells {
        let v = volumes.cells.get(key).unwrap_or(&no_volume);
        let direct = &cell.direct.months;
        let direct_cost: Months<Decimal> = direct.each_ref().map(|m| m.amount);
        let volume: Months<Decimal> = v.months.each_ref().map(|m| m.volume);
        let enhet_name = name(&key.enhet);
        // A month with cost and no volume, in a cell with volume in others: checked on all the
        // ledger's months, whatever is shown.
        let (has_cost, has_volume) = (any(&direct_cost, ledger_through), any(&volume, ledger_through));
        let without_volume = |i: usize| has_volume && cost_without_volume(direct_cost[i], volume[i]);
        for i in (first..=ledger_through).filter(|&i| without_volume(i)) {
            let at = direct[i].lines.first(ds).unwrap_or_default();
            let kind =
                FindingKind::MonthWithoutVolume { insats: key.insats, enhet: enhet_name.clone(), month: period(i) };
            findings.push(Finding::at(at, kind).for_enhet(Some(&key.enhet)));
        }
        let mut series =
            Series { cost: direct_cost, volume, clients: v.clients.iter().map(|(c, acc)| (*c, acc.months)).collect() };
        if let Some(part) = allocated_by_month.get(key) {
            for (cost, part) in series.cost.iter_mut().zip(part) {
                *cost += part;
            }
        }
        if !any(&series.cost, through) && !any(&series.volume, through) {
            continue;
        }
        let flag = |kind, i: usize, rows| MonthlyFlag {
            kind,
            insats: key.insats,
            enhet: key.enhet.clone(),
            enhet_name: enhet_name.clone(),
            month: i as u8 + 1,
            rows,
        };
        for i in first..=through {
            let cost = direct_cost[i];
            if without_volume(i) {
                flags.push(flag(FlagKind::CostWithoutVolume { cost }, i, direct[i].lines.sources(ds)));
            }
            if volume[i] > Decimal::ZERO && cost.is_zero() && has_cost {
                flags.push(flag(FlagKind::VolumeWithoutCost { volume: volume[i] }, i, v.months[i].lines.sources(ds)));
            }
            if cost < Decimal::ZERO {
                flags.push(flag(FlagKind::NegativeCost { cost }, i, direct[i].lines.sources(ds)));
            }
        }
        // Egen regi as a whole: the enheter's months shown with both cost and volume (as the
        // year's figure for the municipality leaves out the cells with a data error), and their
        // volume in the other months (for the projection).
        if key.regi == Regi::Egen {
            let total = egen.entry(key.insats).or_default();
            let shown = first..=through;
            let included: Vec<usize> = (0..12)
                .filter(|i| !shown.contains(i) || data_error(series.cost[*i], series.volume[*i]).is_none())
                .collect();
            let mut mask = 0u16;
            for &i in &included {
                total.cost[i] += series.cost[i];
                total.volume[i] += series.volume[i];
                mask |= 1 << i;
            }
            for (c, months) in &series.clients {
                *total.clients.entry(*c).or_default() |= months & mask;
            }
        }
        series.clients.retain(|_, months| *months != 0);
        rows.push(row(key.insats, Some(key.enhet.clone()), enhet_name, key.regi, &series, first, through));
    }
    flags.extend(against_the_year(&rows, allocated, ds, through));
    // Each insats' egen regi as a whole, before its enheter.
    for (insats, series) in egen {
        let at = rows.iter().position(|r| r.insats == insats).unwrap_or(rows.len());
        rows.insert(at, row(insats, None, "Egen regi, alla enheter".to_owned(), Regi::Egen, &series, first, through));
    }
    findings.extend(period_checks(ds, year, volumes, pool_months, without_month, first, ledger_through));
    let monthly = Monthly {
        basis: settings.monthly_basis,
        first: first as u8 + 1,
        through: through as u8 + 1,
        ledger_through: ledger_through as u8 + 1,
        without_month: without_month.amount,
        rows,
        flags,
    };
    (Some(monthly), findings)
}

/// Per cell, the common cost each month gets: the key applied to the direct cost, personnel
/// cost, volume and pools from the first month through the month, minus the same through the
/// month before. (Common cost in a month before the first is in no month: a finding.)
fn allocated_per_month(
    ds: &Dataset,
    settings: &Settings,
    allocated: &Allocated,
    pool_months: &BTreeMap<Level, Months<MonthCost>>,
    volumes: &Volumes,
    first: usize,
    through: usize,
) -> BTreeMap<CellKey, Months<Decimal>> {
    let mut out: BTreeMap<CellKey, Months<Decimal>> = BTreeMap::new();
    let mut before: BTreeMap<CellKey, Decimal> = BTreeMap::new();
    for m in first..=through {
        let sum =
            |months: &Months<MonthCost>, part: fn(&MonthCost) -> Decimal| months[first..=m].iter().map(part).sum();
        let direct = allocated
            .cells
            .iter()
            .map(|(k, c)| {
                let cost = DirectCost {
                    amount: sum(&c.direct.months, |x| x.amount),
                    personnel: sum(&c.direct.months, |x| x.personnel),
                    ..DirectCost::default()
                };
                (k.clone(), cost)
            })
            .collect();
        let pools = pool_months
            .iter()
            .map(|(l, ms)| (l.clone(), Amount { amount: sum(ms, |x| x.amount), ..Amount::default() }));
        let cells = volumes.cells.iter().map(|(k, v)| {
            let volume = v.months[first..=m].iter().map(|x| x.volume).sum();
            (k.clone(), CellVolume { volume, ..CellVolume::default() })
        });
        let so_far = Volumes {
            basis: volumes.basis.clone(),
            cells: cells.collect(),
            boendeform: Default::default(),
            findings: Vec::new(),
        };
        for (k, c) in allocate(direct, pools.collect(), &so_far, &settings.key, ds).cells {
            let earlier = before.insert(k.clone(), c.allocated).unwrap_or_default();
            out.entry(k).or_default()[m] = c.allocated - earlier;
        }
    }
    out
}

/// A month with cost and no volume: a missing extract, or cost on the wrong enhet.
fn cost_without_volume(cost: Decimal, volume: Decimal) -> bool {
    !cost.is_zero() && volume.is_zero()
}

/// Cost over volume, when there are both.
fn unit_cost(cost: Decimal, volume: Decimal) -> Option<Decimal> {
    (volume > Decimal::ZERO && !cost.is_zero()).then(|| cost / volume)
}

/// One row of the follow-up from its series.
fn row(
    insats: Insats,
    enhet: Option<String>,
    enhet_name: String,
    regi: Regi,
    s: &Series,
    first: usize,
    through: usize,
) -> MonthlyRow {
    let brukare = |mask: u16| s.clients.values().filter(|m| *m & mask != 0).count() as u32;
    // A month with cost and no volume (a missing extract) would lift its three months.
    let in_error = |i: usize| cost_without_volume(s.cost[i], s.volume[i]);
    let sum = |values: &Months<Decimal>, from: usize, to: usize| -> Decimal { values[from..=to].iter().sum() };
    let months = (first..=through)
        .map(|i| MonthFigure {
            month: i as u8 + 1,
            cost: s.cost[i],
            volume: s.volume[i],
            brukare: brukare(1 << i),
            unit_cost: unit_cost(s.cost[i], s.volume[i]),
            rolling: (i >= first + 2 && (i - 2..=i).all(|j| !in_error(j)))
                .then(|| unit_cost(sum(&s.cost, i - 2, i), sum(&s.volume, i - 2, i)))
                .flatten(),
        })
        .collect();
    let (cost, volume) = (sum(&s.cost, first, through), sum(&s.volume, first, through));
    let so_far = unit_cost(cost, volume);
    let year_to_date = MonthFigure {
        month: through as u8 + 1,
        cost,
        volume,
        brukare: brukare(((1u32 << (through + 1)) - (1 << first)) as u16),
        unit_cost: so_far,
        rolling: None,
    };
    // No projection once December is in; the files' own volume for the rest of the year when
    // they have it for every month after, else the pace so far.
    let projection = so_far.filter(|_| through < 11).map(|_| {
        let known = s.volume[through + 1..].iter().all(|v| *v > Decimal::ZERO);
        let (expected, method) = if known {
            (volume + s.volume[through + 1..].iter().sum::<Decimal>(), ProjectionMethod::KnownVolume)
        } else {
            let months = (through - first + 1) as u8;
            (volume * Decimal::from(12) / Decimal::from(months), ProjectionMethod::Pace { months })
        };
        Projection { volume: expected, cost: share_of(cost, expected, volume), method }
    });
    MonthlyRow { insats, enhet, enhet_name, regi, months, year_to_date, projection }
}

/// The months far from their enhet's year so far, in egen regi: each month whose unit cost is
/// [`DEVIATES_PERCENT`] or more from the enhet's year so far (a cost booked in the wrong month,
/// a correction); and per insats with two or more enheter, the one whose last month is furthest
/// from its year so far, if by [`MOVES_MOST_PERCENT`] or more.
fn against_the_year(rows: &[MonthlyRow], allocated: &Allocated, ds: &Dataset, through: usize) -> Vec<MonthlyFlag> {
    let mut flags = Vec::new();
    // Per insats, each enhet's last month: how far it moved (in percent, unsigned), its flag.
    let mut last_months: BTreeMap<Insats, Vec<(Decimal, MonthlyFlag)>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.regi == Regi::Egen) {
        let (Some(enhet), Some(year_to_date)) = (&r.enhet, r.year_to_date.unit_cost) else { continue };
        let key = CellKey { insats: r.insats, enhet: enhet.clone(), regi: Regi::Egen };
        let flag = |kind, month: u8| MonthlyFlag {
            kind,
            insats: r.insats,
            enhet: enhet.clone(),
            enhet_name: r.enhet_name.clone(),
            month,
            rows: allocated
                .cells
                .get(&key)
                .map(|c| c.direct.months[usize::from(month) - 1].lines.sources(ds))
                .unwrap_or_default(),
        };
        for m in &r.months {
            let Some(unit_cost) = m.unit_cost else { continue };
            let Some(change) = percent_of(unit_cost - year_to_date, year_to_date) else { continue };
            if change.abs() >= Decimal::from(DEVIATES_PERCENT) {
                flags.push(flag(FlagKind::Deviates { unit_cost, year_to_date, change }, m.month));
            }
            if usize::from(m.month) == through + 1 {
                let kind = FlagKind::MovesMost { unit_cost, year_to_date, change };
                last_months.entry(r.insats).or_default().push((change.abs(), flag(kind, m.month)));
            }
        }
    }
    for candidates in last_months.into_values().filter(|c| c.len() >= 2) {
        if let Some((moved, most)) = candidates.into_iter().max_by_key(|(moved, _)| *moved)
            && moved >= Decimal::from(MOVES_MOST_PERCENT)
        {
            flags.push(most);
        }
    }
    flags
}

/// The checks of the periods: volume in months the ledger does not cover, volume without a
/// month beside a monthly ledger, common cost in months without direct cost, ledger rows
/// without a month beside rows with one.
fn period_checks(
    ds: &Dataset,
    year: i32,
    volumes: &Volumes,
    pool_months: &BTreeMap<Level, Months<MonthCost>>,
    without_month: &Amount,
    first: usize,
    through: usize,
) -> Vec<Finding> {
    let period = |i: usize| Period { year, month: Some(i as u8 + 1) };
    let month = |i: usize| i as u8 + 1;
    let mut findings = Vec::new();
    let mut outside: Vec<u8> = Vec::new();
    let mut outside_at = None;
    let mut year_rows = 0;
    let mut year_at = None;
    for v in volumes.cells.values() {
        for (i, m) in v.months.iter().enumerate() {
            if (i < first || i > through) && m.volume > Decimal::ZERO {
                outside.push(month(i));
                outside_at = outside_at.or_else(|| m.lines.first(ds));
            }
        }
        year_rows += v.without_month.count();
        year_at = year_at.or_else(|| v.without_month.first(ds));
    }
    if let Some(at) = outside_at {
        outside.sort_unstable();
        outside.dedup();
        let kind =
            FindingKind::VolumeOutsideLedgerMonths { year, first: month(first), through: month(through), outside };
        findings.push(Finding::at(at, kind));
    }
    if let Some(at) = year_at {
        findings.push(Finding::at(at, FindingKind::VolumeWithoutMonth { through: period(through), rows: year_rows }));
    }
    // Common cost in months without direct cost: in the year, in no month of the follow-up.
    let mut common = Amount::default();
    let mut months: Vec<u8> = Vec::new();
    for pool in pool_months.values() {
        for (i, m) in pool.iter().enumerate().filter(|(i, m)| (*i < first || *i > through) && !m.lines.is_empty()) {
            common.amount += m.amount;
            common.lines.merge(m.lines.clone());
            months.push(month(i));
        }
    }
    if let Some(at) = common.lines.first(ds) {
        months.sort_unstable();
        months.dedup();
        let (first, through) = (month(first), month(through));
        let kind = FindingKind::CommonCostOutsideMonths { year, months, amount: common.amount, first, through };
        findings.push(Finding::at(at, kind));
    }
    if let Some(at) = without_month.lines.first(ds) {
        let kind =
            FindingKind::LedgerRowWithoutMonth { rows: without_month.lines.count(), amount: without_month.amount };
        findings.push(Finding::at(at, kind));
    }
    findings
}

#[cfg(test)]
mod tests {
    use crate::import::{ImportSettings, InputFile, load};
    use crate::report::{FlagKind, MonthlyRow, ProjectionMethod, Report};
    use crate::settings::{CostBasis, Settings};
    use crate::{Insats, compute};
    use rust_decimal::Decimal;

    /// Hemtjänst at Norr and Syd, hemsjukvård at Väst, dagverksamhet at Norr (no volume), a
    /// pool for the förvaltning; the ledger January–March, volumes January–March and Norr's
    /// through December.
    fn report(basis: CostBasis) -> Report {
        report_through(basis, None)
    }

    fn report_through(basis: CostBasis, through: Option<u8>) -> Report {
        let files = [
            InputFile {
                name: "kostnader.csv".into(),
                bytes: "Ansvar;Konto;Belopp;Period\n\
                        4110;5011;10000;202501\n\
                        4110;5011;12000;202502\n\
                        4110;5011;14000;202503\n\
                        4110;5011;-3000;202503\n\
                        4120;5011;5000;202501\n\
                        4120;5011;5000;202502\n\
                        4120;5011;7000;202503\n\
                        4120;5011;600;2025\n\
                        4140;5011;3000;202501\n\
                        4140;5011;3000;202503\n\
                        4130;5011;2000;202501\n\
                        4130;5011;-500;202502\n\
                        4100;5011;1000;202501\n\
                        4100;5011;1000;202502\n\
                        4100;5011;1000;202503\n"
                    .into(),
            },
            InputFile {
                name: "mappning.csv".into(),
                bytes: "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning\n\
                        4110;;Hemtjänst;Norr;Norr;;egen;\n\
                        4120;;Hemtjänst;Syd;Syd;;egen;\n\
                        4130;;Dagverksamhet;Norr;Norr;;egen;\n\
                        4140;;Hemsjukvård;Väst;Väst;;egen;\n\
                        4100;;;;;;;förvaltning\n"
                    .into(),
            },
            InputFile {
                name: "brukare.csv".into(),
                bytes: "Brukare;Insats;Enhet;Beviljad tid;Period\n\
                        A;Hemtjänst;Norr;60;2025-01\n\
                        B;Hemtjänst;Norr;40;2025-01\n\
                        A;Hemtjänst;Norr;60;2025-02\n\
                        B;Hemtjänst;Norr;40;2025-02\n\
                        A;Hemtjänst;Norr;60;2025-03\n\
                        C;Hemtjänst;Norr;50;2025-03\n\
                        A;Hemtjänst;Norr;60;2025-04\n\
                        A;Hemtjänst;Norr;60;2025-05\n\
                        A;Hemtjänst;Norr;60;2025-06\n\
                        A;Hemtjänst;Norr;60;2025-07\n\
                        A;Hemtjänst;Norr;60;2025-08\n\
                        A;Hemtjänst;Norr;60;2025-09\n\
                        A;Hemtjänst;Norr;60;2025-10\n\
                        A;Hemtjänst;Norr;60;2025-11\n\
                        A;Hemtjänst;Norr;60;2025-12\n\
                        D;Hemtjänst;Syd;50;2025-01\n\
                        D;Hemtjänst;Syd;50;2025-02\n\
                        D;Hemtjänst;Syd;50;2025-03\n\
                        E;Hemsjukvård;Väst;30;2025-01\n\
                        E;Hemsjukvård;Väst;30;2025-02\n\
                        F;Hemsjukvård;Väst;12;\n"
                    .into(),
            },
        ];
        let ds = load(&files, &ImportSettings::default());
        let settings =
            Settings { year: Some(2025), monthly_basis: basis, monthly_through: through, ..Settings::default() };
        compute(&ds, &settings)
    }

    fn find<'a>(report: &'a Report, insats: Insats, enhet: Option<&str>) -> &'a MonthlyRow {
        let monthly = report.monthly.as_ref().expect("the ledger has months");
        monthly.rows.iter().find(|r| r.insats == insats && r.enhet.as_deref() == enhet).expect("a row")
    }

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn direct_unit_costs_month_by_month_and_the_year_so_far() {
        let report = report(CostBasis::Direct);
        let monthly = report.monthly.as_ref().unwrap();
        assert_eq!((monthly.first, monthly.through, monthly.without_month), (1, 3, dec("600")));
        let norr = find(&report, Insats::Hemtjanst, Some("Norr"));
        let costs: Vec<_> = norr.months.iter().map(|m| (m.month, m.cost, m.volume, m.brukare, m.unit_cost)).collect();
        assert_eq!(
            costs,
            [
                (1, dec("10000"), dec("100"), 2, Some(dec("100"))),
                (2, dec("12000"), dec("100"), 2, Some(dec("120"))),
                (3, dec("11000"), dec("110"), 2, Some(dec("100"))),
            ]
        );
        assert_eq!(
            norr.months.iter().map(|m| m.rolling).collect::<Vec<_>>(),
            [None, None, Some(dec("33000") / dec("310"))]
        );
        let ytd = &norr.year_to_date;
        assert_eq!((ytd.month, ytd.cost, ytd.volume, ytd.brukare), (3, dec("33000"), dec("310"), 3));
        assert_eq!(ytd.unit_cost.unwrap().round_dp(4), dec("106.4516"));
        // Norr's volume is known for every month to come: 310 hours so far and 9 × 60 after.
        let p = norr.projection.as_ref().unwrap();
        assert_eq!(
            (p.volume, p.method, p.cost.round_dp(2)),
            (dec("850"), ProjectionMethod::KnownVolume, dec("90483.87"))
        );
        // Syd: 17 000 kr over 150 hours so far, at that pace 600 hours in the year.
        let syd = find(&report, Insats::Hemtjanst, Some("Syd"));
        let p = syd.projection.as_ref().unwrap();
        assert_eq!((p.volume, p.method, p.cost), (dec("600"), ProjectionMethod::Pace { months: 3 }, dec("68000")));
        // Egen regi as a whole: Norr and Syd, four brukare.
        let all = find(&report, Insats::Hemtjanst, None);
        let ytd = &all.year_to_date;
        assert_eq!((ytd.cost, ytd.volume, ytd.brukare), (dec("50000"), dec("460"), 4));
        assert_eq!(all.months[0].unit_cost, Some(dec("100")));
        // The whole year's KPB still counts the row without a month (600 kr at Syd).
        let annual = report.units.iter().find(|u| u.insats == Insats::Hemtjanst && u.enhet == "Syd").unwrap();
        assert_eq!(annual.direct, dec("17600"));
    }

    #[test]
    fn the_year_as_it_stood_at_an_earlier_month() {
        let report = report_through(CostBasis::Direct, Some(2));
        let monthly = report.monthly.as_ref().unwrap();
        assert_eq!((monthly.first, monthly.through, monthly.ledger_through), (1, 2, 3));
        let norr = find(&report, Insats::Hemtjanst, Some("Norr"));
        assert_eq!(norr.months.len(), 2);
        assert_eq!((norr.year_to_date.cost, norr.year_to_date.volume), (dec("22000"), dec("200")));
        // The volume is known for every month to come: 22 000 kr × 850 / 200 hours.
        let p = norr.projection.as_ref().unwrap();
        assert_eq!((p.volume, p.method, p.cost), (dec("850"), ProjectionMethod::KnownVolume, dec("93500")));
        // The checks of the periods are on the ledger's months, whatever is shown.
        assert!(report.findings.iter().any(|f| f.kind.code() == "manad-utan-volym"));
    }

    #[test]
    fn flags_and_findings_of_the_periods() {
        let report = report(CostBasis::Direct);
        let monthly = report.monthly.as_ref().unwrap();
        let mut flags: Vec<(String, &str, u8)> =
            monthly.flags.iter().map(|f| (f.enhet.clone(), f.title(), f.month)).collect();
        flags.sort();
        assert_eq!(
            flags,
            [
                ("Norr".to_owned(), "Negativ kostnad", 2),
                ("Syd".to_owned(), "Avvikande månad", 3),
                ("Syd".to_owned(), "Störst förändring", 3),
                ("Väst".to_owned(), "Kostnad utan volym", 3),
                ("Väst".to_owned(), "Volym utan kostnad", 2),
            ]
        );
        let moves = monthly.flags.iter().find(|f| matches!(f.kind, FlagKind::MovesMost { .. })).unwrap();
        let FlagKind::MovesMost { unit_cost, year_to_date, change } = moves.kind else { unreachable!() };
        assert_eq!(
            (unit_cost, year_to_date.round_dp(4), change.round_dp(2)),
            (dec("140"), dec("113.3333"), dec("23.53"))
        );
        assert_eq!(moves.rows[0].lines, [8]);
        let cost_without = monthly.flags.iter().find(|f| f.title() == "Kostnad utan volym").unwrap();
        assert_eq!((cost_without.rows[0].file.as_str(), &cost_without.rows[0].lines[..]), ("kostnader.csv", &[11][..]));
        let found = |code: &str| -> Vec<String> {
            report
                .findings
                .iter()
                .filter(|f| f.kind.code() == code)
                .map(|f| format!("{} {}: {}", f.pos.file, f.pos.line.unwrap_or(0), f.message()))
                .collect()
        };
        assert_eq!(
            found("manad-utan-volym"),
            ["kostnader.csv 11: Hemsjukvård / delegerad HSL vid Väst har kostnad men ingen volym i mars 2025."]
        );
        assert_eq!(
            found("volym-utanfor-kostnadsmanader"),
            [
                "brukare.csv 8: Kostnaderna gäller januari–mars 2025, men brukarstatistiken har volym även i april–december 2025."
            ]
        );
        assert_eq!(
            found("volym-utan-manad"),
            [
                "brukare.csv 22: Kostnaderna är per månad till och med mars 2025, men 1 rad i brukarstatistiken gäller hela året, så helårets enhetskostnad delar färre månaders kostnad med ett helt års volym."
            ]
        );
        assert_eq!(
            found("kostnad-utan-manad"),
            ["kostnader.csv 9: 1 rad i kostnadsfilen (600 kr) har ingen månad, fast andra rader har det."]
        );
    }

    /// Särskilt boende at Bo and Ek: stays by their days (one with a volume of its own), Ek's
    /// February cost without volume, a common cost in December only.
    fn stays() -> Report {
        let files = [
            InputFile {
                name: "kostnader.csv".into(),
                bytes: "Ansvar;Konto;Belopp;Period\n\
                        4210;5011;31000;2025-01\n\
                        4210;5011;28000;2025-02\n\
                        4210;5011;31000;2025-03\n\
                        4220;5011;9000;2025-02\n\
                        4100;5011;500;2025-12\n"
                    .into(),
            },
            InputFile {
                name: "mappning.csv".into(),
                bytes: "Ansvar;Verksamhet;Insats;Enhet;Enhetsnamn;Område;Regi;Fördelning\n\
                        4210;;Särskilt boende;Bo;Bo;;egen;\n\
                        4220;;Särskilt boende;Ek;Ek;;egen;\n\
                        4100;;;;;;;förvaltning\n"
                    .into(),
            },
            InputFile {
                name: "brukare.csv".into(),
                bytes: "Brukare;Insats;Enhet;Volym;Volymtyp;Från;Till\n\
                        P;Särskilt boende;Bo;;;2025-01-01;2025-03-31\n\
                        Q;Särskilt boende;Bo;30;utförd;2025-01-17;2025-02-15\n\
                        R;Särskilt boende;Ek;;;2025-01-01;2025-01-31\n"
                    .into(),
            },
        ];
        let ds = load(&files, &ImportSettings::default());
        compute(&ds, &Settings { year: Some(2025), ..Settings::default() })
    }

    #[test]
    fn stays_by_their_days_and_egen_regi_without_the_months_in_error() {
        let report = stays();
        let monthly = report.monthly.as_ref().unwrap();
        // December has only common cost: the follow-up runs through March, and says so.
        assert_eq!((monthly.first, monthly.through), (1, 3));
        let bo = find(&report, Insats::SarskiltBoende, Some("Bo"));
        // P's 31 + 28 + 31 days; Q's 30 dygn over 15 days in January and 15 in February.
        let volumes: Vec<Decimal> = bo.months.iter().map(|m| m.volume).collect();
        assert_eq!(volumes, [dec("46"), dec("43"), dec("31")]);
        assert_eq!(bo.months.iter().map(|m| m.brukare).collect::<Vec<_>>(), [2, 2, 1]);
        assert_eq!(bo.months[2].rolling, Some(dec("750")));
        // Ek's three months hold February's cost without volume: no rolling figure.
        let ek = find(&report, Insats::SarskiltBoende, Some("Ek"));
        assert_eq!(ek.months[2].rolling, None);
        // Egen regi as a whole leaves out Ek's January (volume, no cost) and February (cost,
        // no volume): Bo's figures.
        let all = find(&report, Insats::SarskiltBoende, None);
        let units: Vec<Option<Decimal>> = all.months.iter().map(|m| m.unit_cost).collect();
        assert_eq!(units, [Some(dec("31000") / dec("46")), Some(dec("28000") / dec("43")), Some(dec("1000"))]);
        assert_eq!(all.year_to_date.unit_cost, Some(dec("750")));
        // And its brukare are those of the months it counts: R's January at Ek is not.
        assert_eq!(all.months.iter().map(|m| m.brukare).collect::<Vec<_>>(), [2, 2, 1]);
        let found: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.kind.code() == "gemensam-kostnad-utanfor-manader")
            .map(|f| format!("{} {}: {}", f.pos.file, f.pos.line.unwrap_or(0), f.message()))
            .collect();
        assert_eq!(
            found,
            [
                "kostnader.csv 6: Kostnadsfilen har gemensamma kostnader (500 kr) i december 2025, men direkta kostnader bara i januari–mars 2025."
            ]
        );
    }

    #[test]
    fn a_year_column_beside_a_month_column() {
        let mapping = "Ansvar;Insats;Enhet;Regi\n4110;Hemtjänst;Norr;egen\n";
        for (header, rows) in
            [("År;Period", ["2025;3", "2025;3.0", "2025;13"]), ("År;Månad", ["2025;mars", "2025;3", "2025;"])]
        {
            let ledger = format!(
                "Ansvar;Konto;Belopp;{header}\n4110;5011;100;{}\n4110;5011;40;{}\n4110;5011;7;{}\n",
                rows[0], rows[1], rows[2]
            );
            let files = [
                InputFile { name: "kostnader.csv".into(), bytes: ledger.into_bytes() },
                InputFile { name: "mappning.csv".into(), bytes: mapping.into() },
                InputFile {
                    name: "brukare.csv".into(),
                    bytes: "Brukare;Insats;Enhet;Beviljad tid;Period\nA;Hemtjänst;Norr;10;2025-03\n".into(),
                },
            ];
            let report = compute(&load(&files, &ImportSettings::default()), &Settings::default());
            let monthly = report.monthly.as_ref().expect(header);
            // March has 140 kr; period 13 (the closing entries) or no month is the year's only.
            assert_eq!((monthly.first, monthly.through, monthly.without_month), (3, 3, dec("7")), "{header}");
            assert_eq!(find(&report, Insats::Hemtjanst, Some("Norr")).months[0].cost, dec("140"), "{header}");
            assert!(!report.findings.iter().any(|f| f.kind.code() == "felaktig-period"), "{header}");
        }
    }

    #[test]
    fn full_cost_allocates_the_pools_on_the_year_so_far() {
        let report = report(CostBasis::Full);
        let norr = find(&report, Insats::Hemtjanst, Some("Norr"));
        // January: 1 000 kr of pool over 20 000 kr of direct cost in egen regi; Norr has 10 000.
        assert_eq!(norr.months[0].cost, dec("10500"));
        // Through March: 3 000 kr over 57 500 kr (Norr 33 000, Syd 17 000, Väst 6 000,
        // dagverksamhet 1 500); the row without a month is in no month.
        assert_eq!(norr.year_to_date.cost.round_dp(2), dec("34721.74"));
        // February: 2 000 kr through February over 36 500 kr (Norr 22 000), less January's 500;
        // March: 1 721,74 through March less 1 205,48.
        assert_eq!(norr.months[1].cost.round_dp(2), dec("12705.48"));
        assert_eq!(norr.months[2].cost.round_dp(2), dec("11516.26"));
    }
}

//! Properties of the computation over generated data, through the real parser, each against what
//! the test works out from the rows it generated: the ledger total and its unmapped part summed
//! from the rows are Σ clients + Σ remainders under every allocation key; results do not depend on
//! row order nor on a row split in two; with direct cost only, every cell, insats and unit-cost
//! figure is Σ cost / Σ volume of the rows and each client gets its volume's share; the ytterfall
//! threshold is strict.

use kpb::import::{ImportSettings, InputFile};
use kpb::mapping::Level;
use kpb::model::{Insats, Regi};
use kpb::settings::{AllocationKey, CostBasis, Settings};
use kpb::{Report, compute, load};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A generated municipality: units with direct costs, pools, and clients with volumes.
#[derive(Clone, Debug)]
struct Case {
    /// (ansvar, insats code, enhet, område, regi annan?)
    units: Vec<(String, &'static str, String, &'static str, bool)>,
    /// (ansvar, konto, öre) ledger rows.
    ledger: Vec<(String, &'static str, i64)>,
    /// (client, insats local name, enhet, volume in tenths, paid öre for annan regi)
    volumes: Vec<(String, &'static str, String, i64, Option<i64>)>,
}

const INSATSER: [(&str, &str, &str); 4] = [
    ("HEMTJ", "Hemtjänst", "Hemtjänst"),
    ("SABO", "Särskilt boende", "Äldreboende"),
    ("GRUPP", "Gruppbostad", "LSS"),
    ("DV", "Daglig verksamhet", "LSS"),
];

/// A generated municipality whose ledger rows go to the ansvar `targets` picks from: below 15 a
/// unit's own ansvar (direct cost), 15–18 a pool of common cost, 19 an ansvar not in the mapping.
fn case_of(targets: std::ops::Range<usize>) -> impl Strategy<Value = Case> {
    let unit = (0..INSATSER.len(), any::<bool>(), proptest::bool::weighted(0.15));
    (prop::collection::vec(unit, 1..7), prop::collection::vec((targets, 0usize..3, -50_000_000i64..900_000_000), 1..40))
        .prop_flat_map(|(units, ledger)| {
            let n = units.len();
            let vol = (0..n, 1usize..12, 0i64..3_000, proptest::option::of(0i64..50_000_000));
            (Just(units), Just(ledger), prop::collection::vec(vol, 0..60))
        })
        .prop_map(|(units, ledger, volumes)| {
            let units: Vec<_> = units
                .into_iter()
                .enumerate()
                .map(|(i, (k, _, annan))| {
                    let (code, _, omrade) = INSATSER[k];
                    (format!("{}", 4000 + i * 10), code, format!("E{i}"), omrade, annan)
                })
                .collect();
            // Ledger rows: on a unit's ansvar, on a pool (9xxx), or on an unmapped ansvar.
            let konto = ["5011", "4610", "3810"];
            let ledger = ledger
                .into_iter()
                .map(|(target, k, ore)| {
                    let ansvar = match target {
                        t if t < units.len() => units[t].0.clone(),
                        15 => "9100".to_owned(),   // område Hemtjänst
                        16 => "9200".to_owned(),   // område LSS
                        17 => "9900".to_owned(),   // förvaltning
                        18 => format!("{}", 4001), // enhet-level pool of E0
                        19 => "7777".to_owned(),   // not in the mapping
                        _ => units[target % units.len()].0.clone(),
                    };
                    (ansvar, konto[k], ore)
                })
                .collect();
            let volumes = volumes
                .into_iter()
                .map(|(u, client, tenths, paid)| {
                    let (_, code, enhet, _, annan) = &units[u];
                    let name = INSATSER.iter().find(|i| i.0 == *code).unwrap().1;
                    (format!("C{client:02}"), name, enhet.clone(), tenths, if *annan { paid } else { None })
                })
                .collect();
            Case { units, ledger, volumes }
        })
}

/// Any municipality: direct cost, pools at every level, unmapped ansvar.
fn case() -> impl Strategy<Value = Case> {
    case_of(0..20)
}

/// Only direct cost: every ledger row on a unit's own ansvar, so that the test knows each
/// unit's cost from the rows alone.
fn direct_case() -> impl Strategy<Value = Case> {
    case_of(0..15)
}

fn money(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", ore.abs() / 100, ore.abs() % 100)
}

fn files(case: &Case, order: &[usize], vorder: &[usize]) -> Vec<InputFile> {
    files_by_month(case, order, vorder, None, None)
}

/// The files, with a period column in the ledger (as the systems write it, `202503`) when
/// `lmonths` gives each ledger row's month, and in the volumes (`2025-03`) when `vmonths` does.
fn files_by_month(
    case: &Case,
    order: &[usize],
    vorder: &[usize],
    lmonths: Option<&[u8]>,
    vmonths: Option<&[u8]>,
) -> Vec<InputFile> {
    let mut mapping = String::from("Ansvar;Insats;Enhet;Område;Regi;Fördelning\n");
    for (ansvar, code, enhet, omrade, annan) in &case.units {
        let regi = if *annan { "annan" } else { "egen" };
        mapping.push_str(&format!("{ansvar};{code};{enhet};{omrade};{regi};\n"));
    }
    mapping.push_str("9100;;;Hemtjänst;;område\n9200;;;LSS;;område\n9900;;;;;förvaltning\n4001;;E0;;;enhet\n");
    let column = |months: Option<&[u8]>, n: usize, form: fn(&u8) -> String| match months {
        Some(months) => (";Period", months.iter().map(form).collect()),
        None => ("", vec![String::new(); n]),
    };
    let (lperiod, ledger_month) = column(lmonths, case.ledger.len(), |m| format!(";2025{m:02}"));
    let (vperiod, volume_month) = column(vmonths, case.volumes.len(), |m| format!(";2025-{m:02}"));
    let mut ledger = format!("Ansvar;Konto;Belopp{lperiod}\n");
    for &i in order {
        let (a, k, ore) = &case.ledger[i];
        ledger.push_str(&format!("{a};{k};{}{}\n", money(*ore), ledger_month[i]));
    }
    let mut volumes = format!("Brukare;Insats;Enhet;Beviljad tid;Belopp{vperiod}\n");
    for &i in vorder {
        let (c, name, enhet, tenths, paid) = &case.volumes[i];
        let paid = paid.map(money).unwrap_or_default();
        volumes.push_str(&format!("{c};{name};{enhet};{},{};{paid}{}\n", tenths / 10, tenths % 10, volume_month[i]));
    }
    let konton = "Konto från;Konto till;Kontotyp\n3800;3899;intern intäkt\n".to_owned();
    [("mappning.csv", mapping), ("kostnader.csv", ledger), ("brukare.csv", volumes), ("konton.csv", konton)]
        .into_iter()
        .map(|(n, t)| InputFile { name: n.into(), bytes: t.into_bytes() })
        .collect()
}

fn run(case: &Case, order: &[usize], vorder: &[usize], key: AllocationKey) -> Report {
    let data = load(&files(case, order, vorder), &ImportSettings::default());
    compute(&data, &Settings { key, year: Some(2025), ..Settings::default() })
}

fn keys() -> Vec<AllocationKey> {
    let shares = BTreeMap::from([
        (Insats::Hemtjanst, Decimal::from(50)),
        (Insats::SarskiltBoende, Decimal::from(30)),
        (Insats::Gruppbostad, Decimal::from(15)),
        (Insats::DagligVerksamhet, Decimal::from(5)),
    ]);
    vec![
        AllocationKey::DirectCost,
        AllocationKey::Volume,
        AllocationKey::PersonnelCost,
        AllocationKey::FixedShares(shares),
    ]
}

/// Öre as kronor.
fn kr(ore: i64) -> Decimal {
    Decimal::new(ore, 2)
}

/// The only inexactness the engine may have: the 28th significant digit of its divisions.
fn tiny() -> Decimal {
    Decimal::new(1, 9)
}

/// What the test knows of the ledger from the rows it generated, without the engine: the total,
/// what lies on the ansvar the mapping lacks, and what each pool holds. (Every konto of the
/// generated rows is a cost or, 3810, intern intäkt that is deducted: none is a revenue left out
/// of the KPB, so every row is cost meant for the clients unless its ansvar is unmapped.)
struct LedgerSums {
    total: Decimal,
    unmapped: Decimal,
    pools: BTreeMap<Level, Decimal>,
}

fn ledger_sums(case: &Case) -> LedgerSums {
    let sum = |keep: &dyn Fn(&str) -> bool| kr(case.ledger.iter().filter(|r| keep(&r.0)).map(|r| r.2).sum());
    let pools = [
        ("9100", Level::Omrade("Hemtjänst".into())),
        ("9200", Level::Omrade("LSS".into())),
        ("9900", Level::Forvaltning),
        ("4001", Level::Enhet("E0".into())),
    ]
    .into_iter()
    .filter(|(ansvar, _)| case.ledger.iter().any(|r| r.0 == *ansvar))
    .map(|(ansvar, level)| (level, sum(&|a| a == ansvar)))
    .collect();
    LedgerSums { total: sum(&|_| true), unmapped: sum(&|a| a == "7777"), pools }
}

/// Σ of every client's cost plus Σ of every remainder is the ledger total the test summed from
/// its own rows, to the öre; the unmapped ansvar's remainder and each pool are what the test put
/// on them.
fn assert_reconciles_to_rows(case: &Case, report: &Report) -> Result<(), TestCaseError> {
    let want = ledger_sums(case);
    let r = &report.reconciliation;
    prop_assert_eq!(r.ledger_total, want.total);
    prop_assert_eq!(r.ledger_rows as usize, case.ledger.len());
    let line = |key: &str| r.lines.iter().find(|l| l.key.code() == key).map_or(Decimal::ZERO, |l| l.amount);
    for l in &r.lines {
        prop_assert!(
            ["placerat", "assistansersattning", "omappat", "pool-utan-mottagare", "utan-volym", "annan-regi-differens"]
                .contains(&l.key.code()),
            "a remainder these files cannot have: {} {}",
            l.key.code(),
            l.amount
        );
    }
    prop_assert_eq!(line("omappat"), want.unmapped);
    prop_assert_eq!(line("assistansersattning"), Decimal::ZERO, "no konto of the files is assistansersättning");
    // The clients' own totals, not the engine's "placerat" line, beside the remainders.
    let clients: Decimal = report.clients.iter().map(|c| c.total).sum();
    let remainders: Decimal = r.lines.iter().filter(|l| !l.key.is_placed()).map(|l| l.amount).sum();
    let accounted = clients + remainders;
    prop_assert!(
        (accounted - want.total).abs() < tiny(),
        "rows {} vs clients {clients} + remainders {remainders}",
        want.total
    );
    prop_assert_eq!(accounted.round_dp(2), want.total);
    let pools: BTreeMap<Level, Decimal> = report.pools.iter().map(|p| (p.level.clone(), p.amount)).collect();
    prop_assert_eq!(pools, want.pools);
    Ok(())
}

/// `case` with ledger row `row` and volume row `vrow` (indices taken modulo the lengths) each
/// split in two rows of the same sign that add up to it, `percent` % in the first: where the
/// row is too small to split so, it stays as it is.
fn split(case: &Case, row: usize, vrow: usize, percent: i64) -> Case {
    let mut out = case.clone();
    let i = row % case.ledger.len();
    let (ansvar, konto, ore) = case.ledger[i].clone();
    let first = ore * percent / 100;
    if first != 0 && first != ore {
        out.ledger[i].2 = first;
        out.ledger.insert(i + 1, (ansvar, konto, ore - first));
    }
    if !case.volumes.is_empty() {
        let j = vrow % case.volumes.len();
        let (client, name, enhet, tenths, paid) = case.volumes[j].clone();
        let first = tenths * percent / 100;
        if first != 0 && first != tenths {
            let paid_first = paid.map(|p| p * percent / 100);
            out.volumes[j].3 = first;
            out.volumes[j].4 = paid_first;
            out.volumes.insert(j + 1, (client, name, enhet, tenths - first, paid.zip(paid_first).map(|(p, f)| p - f)));
        }
    }
    out
}

fn close(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() < tiny()
}

fn close_opt(a: Option<Decimal>, b: Option<Decimal>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => close(a, b),
        (a, b) => a == b,
    }
}

/// Each unit's cost and volume summed from the generated rows of a `direct_case` (every ledger
/// row on a unit's own ansvar): enhet → (insats code, annan regi?, cost, volume).
fn unit_sums(case: &Case) -> BTreeMap<String, (&'static str, bool, Decimal, Decimal)> {
    case.units
        .iter()
        .map(|(ansvar, code, enhet, _, annan)| {
            let cost = kr(case.ledger.iter().filter(|r| r.0 == *ansvar).map(|r| r.2).sum());
            let volume = Decimal::new(case.volumes.iter().filter(|v| v.2 == *enhet).map(|v| v.3).sum(), 1);
            (enhet.clone(), (*code, *annan, cost, volume))
        })
        .collect()
}

/// The KPB unit-cost figure of each generated insats (egen regi, Σ cost / Σ volume).
const FIGURE_OF: [(&str, &str); 4] = [("HEMTJ", "U21003"), ("SABO", "U23004"), ("GRUPP", "U28030"), ("DV", "U28031")];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn cost_is_conserved_under_every_key(case in case()) {
        let order: Vec<usize> = (0..case.ledger.len()).collect();
        let vorder: Vec<usize> = (0..case.volumes.len()).collect();
        for key in keys() {
            let report = run(&case, &order, &vorder, key);
            assert_reconciles_to_rows(&case, &report)?;
        }
    }

    #[test]
    fn results_do_not_depend_on_row_order(case in case(), seed in any::<u64>()) {
        let order: Vec<usize> = (0..case.ledger.len()).collect();
        let vorder: Vec<usize> = (0..case.volumes.len()).collect();
        let shuffle = |v: &[usize], seed: u64| {
            let mut v = v.to_vec();
            let mut s = seed | 1;
            for i in (1..v.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                v.swap(i, (s % (i as u64 + 1)) as usize);
            }
            v
        };
        for key in keys() {
            let a = run(&case, &order, &vorder, key.clone());
            let b = run(&case, &shuffle(&order, seed), &shuffle(&vorder, seed.rotate_left(17)), key);
            let totals = |r: &Report| r.clients.iter().map(|c| (c.id.clone(), c.total)).collect::<Vec<_>>();
            prop_assert_eq!(totals(&a), totals(&b));
            prop_assert_eq!(&a.units.iter().map(|u| (u.enhet.clone(), u.total, u.volume)).collect::<Vec<_>>(),
                            &b.units.iter().map(|u| (u.enhet.clone(), u.total, u.volume)).collect::<Vec<_>>());
            prop_assert_eq!(&a.reconciliation.lines.iter().map(|l| l.amount).collect::<Vec<_>>(),
                            &b.reconciliation.lines.iter().map(|l| l.amount).collect::<Vec<_>>());
            prop_assert_eq!(a.nyckeltal.iter().map(|n| n.value).collect::<Vec<_>>(), b.nyckeltal.iter().map(|n| n.value).collect::<Vec<_>>());
        }
    }

    /// A ledger row split in two rows that add up to it, and a volume row likewise (the amount
    /// paid split too), give the same clients, cells, remainders and figures.
    #[test]
    fn splitting_a_row_in_two_changes_nothing(case in case(), row in any::<usize>(), vrow in any::<usize>(), percent in 1i64..100) {
        let parts = split(&case, row, vrow, percent);
        let order = |c: &Case| (0..c.ledger.len()).collect::<Vec<_>>();
        let vorder = |c: &Case| (0..c.volumes.len()).collect::<Vec<_>>();
        for key in keys() {
            let a = run(&case, &order(&case), &vorder(&case), key.clone());
            let b = run(&parts, &order(&parts), &vorder(&parts), key);
            assert_reconciles_to_rows(&parts, &b)?;
            let clients = |r: &Report| r.clients.iter().map(|c| (c.id.clone(), c.total)).collect::<BTreeMap<_, _>>();
            let (ca, cb) = (clients(&a), clients(&b));
            prop_assert_eq!(ca.keys().collect::<Vec<_>>(), cb.keys().collect::<Vec<_>>());
            for (id, total) in &ca {
                prop_assert!(close(*total, cb[id]), "client {id}: {total} whole, {} split", cb[id]);
            }
            let units = |r: &Report| r.units.iter().map(|u| ((u.insats, u.enhet.clone(), u.regi), (u.total, u.volume))).collect::<BTreeMap<_, _>>();
            let (ua, ub) = (units(&a), units(&b));
            prop_assert_eq!(ua.keys().collect::<Vec<_>>(), ub.keys().collect::<Vec<_>>());
            for (k, (total, volume)) in &ua {
                prop_assert!(close(*total, ub[k].0) && *volume == ub[k].1, "{k:?}: {total} {volume} whole, {:?} split", ub[k]);
            }
            let lines = |r: &Report| r.reconciliation.lines.iter().map(|l| (l.key.code(), l.amount)).collect::<Vec<_>>();
            let (la, lb) = (lines(&a), lines(&b));
            prop_assert_eq!(la.len(), lb.len(), "{:?} whole, {:?} split", la, lb);
            for ((ka, xa), (kb, xb)) in la.iter().zip(&lb) {
                prop_assert!(ka == kb && close(*xa, *xb), "{ka} {xa} whole, {kb} {xb} split");
            }
            prop_assert_eq!(a.nyckeltal.len(), b.nyckeltal.len());
            for (na, nb) in a.nyckeltal.iter().zip(&b.nyckeltal) {
                prop_assert!(na.id == nb.id && close_opt(na.value, nb.value), "{} {:?} whole, {} {:?} split", na.id, na.value, nb.id, nb.value);
            }
        }
    }

    /// The same ledger rows given month by month (a period column) give the same year: the same
    /// clients, cells, reconciliation and nyckeltal as without periods, under every key.
    /// And the monthly follow-up agrees with the year: with the ledger through December, each
    /// cell's months sum to its year so far, which is the cell's direct cost in the year, or,
    /// with full cost in egen regi, its KPB cost (direct and allocated).
    #[test]
    fn the_year_by_month_is_the_year(
        case in case(),
        lmonths in prop::collection::vec(1u8..=12, 40),
        vmonths in prop::collection::vec(1u8..=12, 60),
    ) {
        let order: Vec<usize> = (0..case.ledger.len()).collect();
        let vorder: Vec<usize> = (0..case.volumes.len()).collect();
        let mut lmonths = lmonths[..case.ledger.len()].to_vec();
        lmonths[0] = 12;
        if lmonths.len() > 1 {
            lmonths[1] = 1;
        }
        let vmonths = Some(&vmonths[..case.volumes.len()]);
        for key in keys() {
            for basis in [CostBasis::Direct, CostBasis::Full] {
                let settings = Settings { key: key.clone(), year: Some(2025), monthly_basis: basis, ..Settings::default() };
                let year = compute(&load(&files_by_month(&case, &order, &vorder, None, vmonths), &ImportSettings::default()), &settings);
                let by_month = compute(&load(&files_by_month(&case, &order, &vorder, Some(&lmonths), vmonths), &ImportSettings::default()), &settings);
                prop_assert!(year.monthly.is_none());
                let clients = |r: &Report| r.clients.iter().map(|c| (c.id.clone(), c.total)).collect::<Vec<_>>();
                prop_assert_eq!(clients(&year), clients(&by_month));
                let units = |r: &Report| r.units.iter().map(|u| ((u.insats, u.enhet.clone(), u.regi), u.direct, u.total, u.volume)).collect::<Vec<_>>();
                prop_assert_eq!(units(&year), units(&by_month));
                let lines = |r: &Report| r.reconciliation.lines.iter().map(|l| (l.key.code(), l.amount)).collect::<Vec<_>>();
                prop_assert_eq!(lines(&year), lines(&by_month));
                prop_assert_eq!(year.nyckeltal.iter().map(|n| n.value).collect::<Vec<_>>(), by_month.nyckeltal.iter().map(|n| n.value).collect::<Vec<_>>());
                // No follow-up when no row with a month reached a cell (common cost alone is no
                // month of the follow-up).
                let Some(monthly) = by_month.monthly.as_ref() else {
                    prop_assert!(by_month.units.iter().all(|u| u.ledger_rows.is_empty()));
                    continue;
                };
                prop_assert_eq!(monthly.basis, basis);
                for row in monthly.rows.iter().filter(|r| r.enhet.is_some()) {
                    let cell = by_month.units.iter().find(|u| u.insats == row.insats && Some(&u.enhet) == row.enhet.as_ref() && u.regi == row.regi);
                    let cell = cell.expect("every row of the follow-up is a cell of the year");
                    // Annan regi: what was booked (the year's KPB cost there is what was paid);
                    // the full cost is the year's when the ledger runs from January through
                    // December (common cost outside its months is in no month).
                    let whole_year = monthly.first == 1 && monthly.through == 12;
                    if basis == CostBasis::Full && row.regi == Regi::Egen && !whole_year {
                        continue;
                    }
                    let year_cost = if basis == CostBasis::Full && row.regi == Regi::Egen { cell.total } else { cell.direct };
                    let months: Decimal = row.months.iter().map(|m| m.cost).sum();
                    prop_assert!(close(months, year_cost) && close(row.year_to_date.cost, year_cost),
                        "{:?} {:?}: months {months}, year so far {}, the year {year_cost}", row.insats, row.enhet, row.year_to_date.cost);
                    // Months outside the ledger's are not in the follow-up.
                    let volumes: Decimal = row.months.iter().map(|m| m.volume).sum();
                    prop_assert!(volumes == cell.volume || !whole_year && volumes <= cell.volume);
                }
            }
        }
    }

    /// With direct cost only, the test knows each unit's cost and volume from its own rows: each
    /// cell, each insats and each unit-cost figure is Σ cost / Σ volume of those sums (an enhet
    /// with cost and no volume, or volume and no cost, left out), and each client gets each egen
    /// unit's cost in proportion to the client's volume there.
    #[test]
    fn unit_costs_are_sums_of_the_rows_over_sums_of_the_rows(case in direct_case()) {
        let order: Vec<usize> = (0..case.ledger.len()).collect();
        let vorder: Vec<usize> = (0..case.volumes.len()).collect();
        let report = run(&case, &order, &vorder, AllocationKey::DirectCost);
        assert_reconciles_to_rows(&case, &report)?;
        let sums = unit_sums(&case);
        let usable = |cost: &Decimal, volume: &Decimal| cost.is_zero() == volume.is_zero();

        // Each egen cell: its rows' cost over its rows' volume.
        for (enhet, (code, _, cost, volume)) in sums.iter().filter(|(_, s)| !s.1) {
            let u = report.units.iter().find(|u| u.enhet == *enhet && u.regi == kpb::Regi::Egen);
            let has_rows = case.ledger.iter().any(|r| case.units.iter().any(|x| x.2 == *enhet && x.0 == r.0))
                || case.volumes.iter().any(|v| v.2 == *enhet);
            prop_assert_eq!(u.is_some(), has_rows, "{} {}", code, enhet);
            if let Some(u) = u {
                prop_assert_eq!(u.insats.code(), *code);
                prop_assert_eq!((u.total, u.volume), (*cost, *volume), "{}", enhet);
                let want = (!cost.is_zero() && !volume.is_zero()).then(|| cost / volume);
                prop_assert_eq!(u.unit_cost, want, "{}", enhet);
            }
        }

        for (code, id) in FIGURE_OF {
            let own: Vec<(&String, Decimal, Decimal)> = sums
                .iter()
                .filter(|(_, (c, annan, _, _))| *c == code && !annan)
                .map(|(e, (_, _, cost, volume))| (e, *cost, *volume))
                .collect();
            let ok = || own.iter().filter(|(_, c, v)| usable(c, v));
            let (cost, volume): (Decimal, Decimal) = (ok().map(|o| o.1).sum(), ok().map(|o| o.2).sum());

            // The insats over the municipality.
            let s = report.insatser.iter().find(|s| s.insats.code() == code);
            let has_egen = report.units.iter().any(|u| u.insats.code() == code && u.regi == kpb::Regi::Egen);
            if has_egen {
                let s = s.expect("an insats with egen regi cells is summarised");
                prop_assert_eq!((s.cost, s.volume), (cost, volume), "{}", code);
                prop_assert_eq!(s.unit_cost, (!volume.is_zero()).then(|| cost / volume), "{}", code);
            }

            // The figure: per enhet with volume, and over the enheter without a data error.
            let n = report.nyckeltal.iter().find(|n| n.id == id).unwrap_or_else(|| panic!("{id} missing"));
            let with_volume: Vec<&(&String, Decimal, Decimal)> = own.iter().filter(|o| !o.2.is_zero()).collect();
            prop_assert_eq!(n.by_enhet.len(), with_volume.len(), "{}: {:?}", id, n.by_enhet);
            for (e, (enhet, cost, volume)) in n.by_enhet.iter().zip(with_volume) {
                prop_assert_eq!(&e.enhet, *enhet);
                prop_assert!(close(e.numerator, *cost) && e.denominator == *volume, "{id} {enhet}: {e:?}, rows {cost} / {volume}");
                prop_assert_eq!(e.error.is_some(), cost.is_zero(), "{} {}", id, enhet);
                prop_assert!(close_opt(e.value, (!cost.is_zero()).then(|| cost / volume)), "{id} {enhet}: {e:?}");
            }
            prop_assert!(close(n.numerator, cost) && n.denominator == volume, "{id}: {} / {}, rows {cost} / {volume}", n.numerator, n.denominator);
            prop_assert!(close_opt(n.value, (!volume.is_zero()).then(|| cost / volume)), "{id}: {:?}, rows {cost} / {volume}", n.value);
        }

        // Each client: Σ over the egen units of cost × the client's volume there / the unit's volume.
        let mut want: BTreeMap<String, Decimal> = BTreeMap::new();
        for (client, _, enhet, tenths, _) in &case.volumes {
            let (_, annan, cost, volume) = &sums[enhet];
            if !annan && !volume.is_zero() {
                *want.entry(client.clone()).or_default() += cost * Decimal::new(*tenths, 1) / volume;
            }
        }
        let got: BTreeMap<String, Decimal> = report
            .clients
            .iter()
            .map(|c| (c.id.clone(), c.lines.iter().filter(|l| l.regi == kpb::Regi::Egen).map(|l| l.cost).sum()))
            .collect();
        for id in want.keys().chain(got.keys()) {
            let (w, g) = (want.get(id).copied().unwrap_or_default(), got.get(id).copied().unwrap_or_default());
            prop_assert!(close(w, g), "client {id}: engine {g}, rows {w}");
        }
    }
}

/// One client at exactly the threshold is not an ytterfall; one öre more is.
#[test]
fn ytterfall_threshold_is_strict() {
    let files = |cost: &str| {
        vec![
            InputFile {
                name: "k.csv".into(),
                bytes: format!("Ansvar;Konto;Belopp;Insats\n1;5011;{cost};Hemtjänst\n").into_bytes(),
            },
            InputFile {
                name: "b.csv".into(),
                bytes: "Brukare;Insats;Enhet;Beviljad tid\nA;Hemtjänst;1;100\nB;Hemtjänst;1;100\n".into(),
            },
        ]
    };
    let count = |cost: &str| {
        let report = compute(&load(&files(cost), &ImportSettings::default()), &Settings::default());
        let y = report.ytterfall.iter().find(|y| y.scope == kpb::model::Scope::Ordinart).unwrap().clone();
        (y.count, y.clients)
    };
    // Two clients with equal volume: each costs half.
    assert_eq!(count("1 200 000,00"), (0, 2));
    assert_eq!(count("1 200 000,02"), (2, 2));
    assert_eq!(count("1 199 999,98"), (0, 2));
}

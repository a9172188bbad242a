//! Every table of a report, as CSV files (Swedish: `;`, decimal comma, UTF-8 with BOM so that
//! Excel opens them right) and as one Excel workbook with a sheet per table.
//!
//! Client-level tables carry only the pseudonym (or the file's own non-personal id). Amounts are
//! exported to the öre, unit costs with two decimals, shares with two; nothing else is rounded.
//! The costs of the brukare's lines, the brukare, the enheter and the insatser are rounded
//! together ([`ore`]), so that each sum of them is the sum of its rows.

mod ore;

use crate::model::{Insats, Regi};
use crate::report::{ClientCost, ClientLine, InsatsSummary, MonthFigure, MonthlyRow, Report, UnitCost};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
#[cfg(feature = "xlsx")]
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Whether the figures have been checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    #[default]
    Preliminar,
    Validerad,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Preliminar => "Preliminär",
            Status::Validerad => "Validerad",
        }
    }
}

/// What the export says about itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The organisation, as the user names it (may be empty).
    pub organisation: String,
    pub status: Status,
    /// Who validated the result and when (used when the status is validated).
    #[serde(default)]
    pub validation: Validation,
    /// When the export was made, as (year, month, day, hour, minute) – given by the caller, so
    /// that the engine reads no clock.
    pub created: (u16, u8, u8, u8, u8),
}

/// Who validated a result, and on which day, as the user states it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    pub by: String,
    /// The day, `YYYY-MM-DD`.
    pub on: String,
}

impl Meta {
    /// The status as exports and the printed report state it: "Preliminär", or
    /// "Validerad 2026-11-30 av Anna Ek" (each part only when given).
    pub fn status_line(&self) -> String {
        let mut line = self.status.name().to_owned();
        if self.status == Status::Validerad {
            for (before, part) in [(" ", &self.validation.on), (" av ", &self.validation.by)] {
                if !part.trim().is_empty() {
                    line.push_str(before);
                    line.push_str(part.trim());
                }
            }
        }
        line
    }
}

/// How a column's values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Text,
    /// Kronor, to the öre.
    Money,
    /// Kronor per unit, two decimals.
    Rate,
    /// A volume or count with up to two decimals.
    Number,
    /// A percentage, two decimals.
    Percent,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Number(Decimal),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<Decimal> for Cell {
    fn from(d: Decimal) -> Cell {
        Cell::Number(d)
    }
}

/// `None` is an empty cell.
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Cell {
        value.map_or(Cell::Empty, Into::into)
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(Decimal::from(n))
    }
}

/// One table: a CSV file or a worksheet. (Owned text only when it has crossed to the web app's
/// workbook module.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// File and sheet name (no extension, at most 31 characters).
    pub name: Cow<'static, str>,
    /// What the table is, one line.
    pub title: Cow<'static, str>,
    pub columns: Vec<(Cow<'static, str>, Kind)>,
    pub rows: Vec<Vec<Cell>>,
}

/// A column of a table with a row per `T`: its header, how its values are written, and the value
/// of a row.
struct Column<T> {
    header: &'static str,
    kind: Kind,
    value: fn(&T) -> Cell,
}

fn col<T>(header: &'static str, kind: Kind, value: fn(&T) -> Cell) -> Column<T> {
    Column { header, kind, value }
}

/// A table with a row per item of `rows`, a cell per column.
fn table<T>(name: &'static str, title: &'static str, rows: &[T], columns: &[Column<T>]) -> Table {
    Table {
        name: name.into(),
        title: title.into(),
        columns: columns.iter().map(|c| (c.header.into(), c.kind)).collect(),
        rows: rows.iter().map(|row| columns.iter().map(|c| (c.value)(row)).collect()).collect(),
    }
}

use Kind::*;

/// Every table of the report, in the order of the workbook.
pub fn tables(report: &Report, meta: &Meta) -> Vec<Table> {
    let money = Rounded::new(report);
    [
        about(report, meta),
        nyckeltal(report),
        nyckeltal_by_enhet(report),
        units(report, &money),
        insatser(report, &money),
        pools(report),
        clients(report, &money),
        client_lines(report, &money),
        ytterfall(report),
        ytterfall_clients(report),
        distribution(report),
        mix(report),
        utforandegrad(report),
        reconciliation(report),
        findings(report),
    ]
    .into_iter()
    .chain(monthly(report))
    .collect()
}

fn about(report: &Report, meta: &Meta) -> Table {
    let s = &report.settings;
    let (y, mo, d, h, mi) = meta.created;
    let settings = [
        ("Organisation", meta.organisation.clone()),
        ("År", report.year.to_string()),
        ("Status", meta.status_line()),
        ("Skapad", format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")),
        ("Metod", "Kostnad per brukare (KPB) enligt SKR:s metodbeskrivning".to_owned()),
        (
            "Kostnadsbegrepp",
            "Bruttokostnad minus interna intäkter och försäljning till andra huvudmän; avgifter dras inte av"
                .to_owned(),
        ),
        ("Fördelningsnyckel", s.key.name().to_owned()),
        ("Ytterfallsgräns ordinärt boende, kr", crate::format::kr(s.thresholds.ordinart)),
        ("Ytterfallsgräns särskilt boende, kr", crate::format::kr(s.thresholds.sarskilt)),
        ("Ytterfallsgräns LSS, kr", crate::format::kr(s.thresholds.lss)),
        ("Åldersgrupper", s.age_groups().join(", ")),
        ("Enheter som valts bort", s.excluded_enheter.iter().cloned().collect::<Vec<_>>().join(", ")),
        (
            "Avrundning",
            "Belopp i kronor med öre. Kostnaderna och assistansersättningen per brukare och insats, per brukare, per enhet och per insats är avrundade tillsammans så att varje summa är summan av sina rader: en brukares insatser summerar till brukaren, brukarna i en enhet till enheten, enheterna till insatsen och brukarna till totalen. Varje belopp är sitt exakta värde avrundat uppåt eller nedåt till helt öre, aldrig mer; totalen för brukarna är avrundad som i appen."
                .to_owned(),
        ),
    ];
    let files = report.files.iter().map(|f| {
        let kind = f.kind.map_or("okänd filtyp", |k| k.name());
        let rows = crate::format::count(f.rows);
        (format!("Fil: {}", f.name), format!("{kind} – {rows} rader, {} använda", crate::format::count(f.rows_used)))
    });
    let rows: Vec<_> = settings.into_iter().map(|(k, v)| (k.to_owned(), v)).chain(files).collect();
    table(
        "Om",
        "Om beräkningen",
        &rows,
        &[col("Uppgift", Text, |(k, _)| k.clone().into()), col("Värde", Text, |(_, v)| v.clone().into())],
    )
}

fn nyckeltal(report: &Report) -> Table {
    table(
        "Nyckeltal",
        "Nyckeltal: Koladas (N-id, Koladas definition) och KPB-metodens (U-id)",
        &report.nyckeltal,
        &[
            col("Id", Text, |k| k.id.clone().into()),
            col("Nyckeltal", Text, |k| k.name.clone().into()),
            col("Värde", Rate, |k| k.value.into()),
            col("Enhet", Text, |k| k.unit.text().into()),
            col("Täljare", Number, |k| k.numerator.into()),
            col("Täljare avser", Text, |k| k.numerator_label.clone().into()),
            col("Nämnare", Number, |k| k.denominator.into()),
            col("Nämnare avser", Text, |k| k.denominator_label.clone().into()),
            col("Saknas underlag", Text, |k| k.missing.clone().into()),
            col("Definition", Text, |k| k.definition.clone().into()),
            col("Ingår", Text, |k| k.includes.clone().into()),
            col("Ingår inte", Text, |k| k.excludes.clone().into()),
        ],
    )
}

fn nyckeltal_by_enhet(report: &Report) -> Table {
    let rows: Vec<_> = report.nyckeltal.iter().flat_map(|k| k.by_enhet.iter().map(move |e| (k, e))).collect();
    table(
        "Nyckeltal per enhet",
        "Nyckeltal per enhet",
        &rows,
        &[
            col("Id", Text, |(k, _)| k.id.clone().into()),
            col("Nyckeltal", Text, |(k, _)| k.name.clone().into()),
            col("Enhet", Text, |(_, e)| e.enhet.clone().into()),
            col("Enhetsnamn", Text, |(_, e)| e.enhet_name.clone().into()),
            col("Värde", Rate, |(_, e)| e.value.into()),
            col("Täljare", Number, |(_, e)| e.numerator.into()),
            col("Nämnare", Number, |(_, e)| e.denominator.into()),
        ],
    )
}

/// A unit's row: the unit, and its direct cost, personnel, cost and assistansersättning rounded.
type UnitRow<'a> = (&'a UnitCost, [Decimal; 4]);

fn units(report: &Report, money: &Rounded) -> Table {
    // Direct cost and personnel each to their column's total; the allocated cost is the rest of
    // the unit's cost, so that direct + allocated = cost on every row.
    let direct = largest_remainder(&report.units.iter().map(|u| u.direct).collect::<Vec<_>>());
    let personnel = largest_remainder(&report.units.iter().map(|u| u.personnel).collect::<Vec<_>>());
    let rows: Vec<UnitRow> = report
        .units
        .iter()
        .zip(&money.units)
        .zip(direct.into_iter().zip(personnel))
        .map(|((u, [cost, assistans]), (direct, personnel))| (u, [direct, personnel, *cost, *assistans]))
        .collect();
    table(
        "Enheter",
        "Kostnad och volym per insats, enhet och regi",
        &rows,
        &[
            col("Insatskod", Text, |(u, _)| u.insats.code().into()),
            col("Insats", Text, |(u, _)| u.insats.name().into()),
            col("Enhet", Text, |(u, _)| u.enhet.clone().into()),
            col("Enhetsnamn", Text, |(u, _)| u.enhet_name.clone().into()),
            col("Område", Text, |(u, _)| u.omrade.clone().into()),
            col("Regi", Text, |(u, _)| u.regi.name().into()),
            col("Direkt kostnad", Money, |(_, m)| m[0].into()),
            col("Varav personal", Money, |(_, m)| m[1].into()),
            col("Fördelad gemensam kostnad", Money, |(_, m)| (m[2] - m[0]).into()),
            col("Kostnad", Money, |(_, m)| m[2].into()),
            col("Assistansersättning", Money, |(_, m)| m[3].into()),
            col("Volym", Number, |(u, _)| u.volume.into()),
            col("Volymenhet", Text, |(u, _)| u.insats.unit().plural().into()),
            col("Volymtyp", Text, |(u, _)| u.basis.name().into()),
            col("Kr per volymenhet", Rate, |(u, _)| u.unit_cost.into()),
            col("Netto kr per volymenhet", Rate, |(u, _)| u.net_unit_cost.into()),
            col("Brukare", Number, |(u, _)| u.clients.into()),
        ],
    )
}

fn insatser(report: &Report, money: &Rounded) -> Table {
    let rows: Vec<(&InsatsSummary, [Decimal; 2])> = report
        .insatser
        .iter()
        .map(|s| (s, [Regi::Egen, Regi::Annan].map(|regi| money.insats(s.insats, regi))))
        .collect();
    table(
        "Insatser",
        "Per insats för hela kommunen (egen regi; annan regi för sig)",
        &rows,
        &[
            col("Insats", Text, |(s, _)| s.insats.name().into()),
            col("Kostnad egen regi", Money, |(_, m)| m[0].into()),
            col("Volym egen regi", Number, |(s, _)| s.volume.into()),
            col("Kr per volymenhet", Rate, |(s, _)| s.unit_cost.into()),
            col("Lägst (enhet)", Text, |(s, _)| s.min.as_ref().map(|m| m.0.clone()).into()),
            col("Lägst, kr", Rate, |(s, _)| s.min.as_ref().map(|m| m.1).into()),
            col("Högst (enhet)", Text, |(s, _)| s.max.as_ref().map(|m| m.0.clone()).into()),
            col("Högst, kr", Rate, |(s, _)| s.max.as_ref().map(|m| m.1).into()),
            col("Brukare egen regi", Number, |(s, _)| s.clients.into()),
            col("Kostnad annan regi", Money, |(_, m)| m[1].into()),
            col("Volym annan regi", Number, |(s, _)| s.annan_volume.into()),
            col("Brukare annan regi", Number, |(s, _)| s.annan_clients.into()),
        ],
    )
}

fn pools(report: &Report) -> Table {
    // Each pool's shares (insats, enhet, amount), then what it left unplaced.
    let rows: Vec<_> = report
        .pools
        .iter()
        .flat_map(|p| {
            let shares = p.shares.iter().map(move |(i, e, amount)| (p, i.name(), Some(e.as_str()), *amount));
            shares.chain((!p.unplaced.is_zero()).then_some((p, "(ej fördelat)", None, p.unplaced)))
        })
        .collect();
    table(
        "Gemensamma kostnader",
        "Hur de gemensamma kostnaderna fördelades",
        &rows,
        &[
            col("Nivå", Text, |(p, ..)| p.level.describe().into()),
            col("Belopp", Money, |(p, ..)| p.amount.into()),
            col("Mottagare: insats", Text, |&(_, insats, ..)| insats.into()),
            col("Mottagare: enhet", Text, |&(_, _, enhet, _)| enhet.into()),
            col("Fördelat", Money, |&(.., amount)| amount.into()),
        ],
    )
}

fn clients(report: &Report, money: &Rounded) -> Table {
    let rows: Vec<(&ClientCost, [Decimal; 2])> = report.clients.iter().zip(money.clients.iter().copied()).collect();
    table(
        "Brukare",
        "Kostnad per brukare och år (pseudonymiserat)",
        &rows,
        &[
            col("Brukare", Text, |(c, _)| c.id.clone().into()),
            col("Ålder", Number, |(c, _)| c.age.into()),
            col("Åldersgrupp", Text, |(c, _)| c.age_group.clone().into()),
            col("Kön", Text, |(c, _)| c.kon.map(|k| k.kolada()).into()),
            col("Boendeform", Text, |(c, _)| c.boendeform.name().into()),
            col("Kostnad", Money, |(_, m)| m[0].into()),
            col("Assistansersättning", Money, |(_, m)| m[1].into()),
            col("Nettokostnad", Money, |(_, m)| (m[0] + m[1]).into()),
            col("Insatser", Text, |(c, _)| {
                let mut insatser: Vec<&str> = c.lines.iter().map(|l| l.insats.name()).collect();
                insatser.dedup();
                insatser.join(", ").into()
            }),
        ],
    )
}

fn client_lines(report: &Report, money: &Rounded) -> Table {
    let rows: Vec<(&ClientCost, &ClientLine, [Decimal; 2])> = report
        .clients
        .iter()
        .zip(&money.lines)
        .flat_map(|(c, lines)| c.lines.iter().zip(lines).map(move |(l, m)| (c, l, *m)))
        .collect();
    // What was booked on the brukare, to its column's total (the other money is rounded above).
    sum_exactly(table(
        "Brukare per insats",
        "Varje brukares insatser (pseudonymiserat)",
        &rows,
        &[
            col("Brukare", Text, |(c, ..)| c.id.clone().into()),
            col("Insats", Text, |(_, l, _)| l.insats.name().into()),
            col("Enhet", Text, |(_, l, _)| l.enhet.to_string().into()),
            col("Regi", Text, |(_, l, _)| l.regi.name().into()),
            col("Volym", Number, |(_, l, _)| l.volume.into()),
            col("Kostnad", Money, |(.., m)| m[0].into()),
            col("Assistansersättning", Money, |(.., m)| m[1].into()),
            col("Varav bokfört på brukaren", Money, |(_, l, _)| l.booked.into()),
            col("Beviljad", Number, |(_, l, _)| l.beviljad.into()),
            col("Utförd", Number, |(_, l, _)| l.utford.into()),
        ],
    ))
}

/// An insats in a regi, and whether its units are in data error.
type Group = (Insats, Regi, bool);

/// The cost and the assistansersättning of the brukare's lines, the brukare, the units and the
/// insatser in each regi, rounded together to the öre ([`ore`]).
struct Rounded {
    /// Per brukare (the report's order), per line: cost and assistansersättning.
    lines: Vec<Vec<[Decimal; 2]>>,
    /// Per brukare: the sums of its lines.
    clients: Vec<[Decimal; 2]>,
    /// Per unit (the report's order): cost and assistansersättning.
    units: Vec<[Decimal; 2]>,
    /// Per insats, regi and whether in data error: the cost.
    insatser: Vec<(Group, Decimal)>,
}

impl Rounded {
    fn new(report: &Report) -> Rounded {
        // The cells: the units, then any a brukare's line names that is no unit; their groups
        // (insats and regi, the units in data error apart: the insats' cost leaves them out).
        let mut cells: rustc_hash::FxHashMap<(Insats, &str, Regi), usize> =
            report.units.iter().enumerate().map(|(i, u)| ((u.insats, u.enhet.as_str(), u.regi), i)).collect();
        let mut group_keys: Vec<Group> = report.units.iter().map(|u| (u.insats, u.regi, u.error.is_some())).collect();
        let cols: Vec<Vec<usize>> = report
            .clients
            .iter()
            .map(|c| {
                c.lines
                    .iter()
                    .map(|l| {
                        let next = group_keys.len();
                        *cells.entry((l.insats, &*l.enhet, l.regi)).or_insert_with(|| {
                            group_keys.push((l.insats, l.regi, false));
                            next
                        })
                    })
                    .collect()
            })
            .collect();
        let mut groups: Vec<Group> = group_keys.clone();
        groups.sort_unstable();
        groups.dedup();
        let group_of: Vec<usize> = group_keys.iter().map(|k| groups.binary_search(k).unwrap_or(0)).collect();

        // Each kind of money: the lines' parts, and what each unit has beyond its lines.
        let cell_count = group_keys.len();
        let round = |line: fn(&ClientLine) -> Decimal, unit: fn(&UnitCost) -> Decimal| {
            let mut parts = Vec::new();
            let mut beyond: Vec<Decimal> =
                report.units.iter().map(unit).chain(std::iter::repeat(Decimal::ZERO)).take(cell_count).collect();
            for (r, (c, cols)) in report.clients.iter().zip(&cols).enumerate() {
                for (l, &col) in c.lines.iter().zip(cols) {
                    parts.push(ore::Part { value: line(l), row: Some(r), col });
                    beyond[col] -= line(l);
                }
            }
            let lines = parts.len();
            parts.extend(beyond.into_iter().enumerate().map(|(col, value)| ore::Part { value, row: None, col }));
            let rounded = ore::round(&parts, report.clients.len(), &group_of);
            let mut sums = (
                vec![Decimal::ZERO; report.clients.len()],
                vec![Decimal::ZERO; cell_count],
                vec![Decimal::ZERO; groups.len()],
            );
            for (p, v) in parts.iter().zip(&rounded) {
                if let Some(r) = p.row {
                    sums.0[r] += v;
                }
                sums.1[p.col] += v;
                sums.2[group_of[p.col]] += v;
            }
            (rounded[..lines].to_vec(), sums)
        };
        let (cost, (client_cost, unit_cost, group_cost)) = round(|l| l.cost, |u| u.total);
        let (assistans, (client_assistans, unit_assistans, _)) =
            round(|l| l.assistansersattning, |u| u.assistansersattning);
        let mut at = 0;
        let lines = report
            .clients
            .iter()
            .map(|c| {
                let of = (at..at + c.lines.len()).map(|i| [cost[i], assistans[i]]).collect();
                at += c.lines.len();
                of
            })
            .collect();
        Rounded {
            lines,
            clients: client_cost.into_iter().zip(client_assistans).map(|(c, a)| [c, a]).collect(),
            units: unit_cost.into_iter().zip(unit_assistans).take(report.units.len()).map(|(c, a)| [c, a]).collect(),
            insatser: groups.into_iter().zip(group_cost).collect(),
        }
    }

    /// The cost of an insats in a regi, without the units in data error (zero where it has none).
    fn insats(&self, insats: Insats, regi: Regi) -> Decimal {
        self.insatser.iter().find(|(k, _)| *k == (insats, regi, false)).map_or(Decimal::ZERO, |(_, d)| *d)
    }
}

/// Amounts rounded to the öre (or shares to a hundredth of a percent) so that they sum exactly
/// to their total rounded: each down to the öre, and the öre that leaves to those with the
/// largest remainders (the largest remainder method; ties in order). Each then differs from its
/// own rounding by less than an öre.
fn largest_remainder(values: &[Decimal]) -> Vec<Decimal> {
    let ore = Decimal::new(1, 2);
    let total = round(values.iter().sum(), Money);
    let floors: Vec<Decimal> = values.iter().map(|d| (d / ore).floor() * ore).collect();
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| (values[b] - floors[b]).cmp(&(values[a] - floors[a])).then(a.cmp(&b)));
    let left = ((total - floors.iter().sum::<Decimal>()) / ore).to_usize().unwrap_or(0);
    let mut parts = floors;
    for &i in order.iter().take(left) {
        parts[i] += ore;
    }
    parts
}

/// The money columns of a table rounded to the öre by [`largest_remainder`], each to its
/// column's total (a column already in whole öre stays as it is).
fn sum_exactly(mut table: Table) -> Table {
    for (c, _) in table.columns.iter().enumerate().filter(|(_, (_, k))| *k == Money) {
        let at: Vec<(usize, Decimal)> = table
            .rows
            .iter()
            .enumerate()
            .filter_map(|(r, row)| match row[c] {
                Cell::Number(d) => Some((r, d)),
                _ => None,
            })
            .collect();
        let values: Vec<Decimal> = at.iter().map(|(_, d)| *d).collect();
        for ((r, _), part) in at.iter().zip(largest_remainder(&values)) {
            table.rows[*r][c] = Cell::Number(part);
        }
    }
    table
}

fn ytterfall(report: &Report) -> Table {
    table(
        "Ytterfall",
        "Ytterfall per område",
        &report.ytterfall,
        &[
            col("Område", Text, |y| y.scope.name().into()),
            col("Id", Text, |y| y.kolada.clone().into()),
            col("Gräns, kr", Money, |y| y.threshold.into()),
            col("Brukare med kostnad", Number, |y| y.clients.into()),
            col("Ytterfall", Number, |y| y.count.into()),
            col("Andel, %", Percent, |y| y.share.into()),
            col("Ytterfallens kostnad", Money, |y| y.cost.into()),
            col("Områdets kostnad", Money, |y| y.total_cost.into()),
        ],
    )
}

fn ytterfall_clients(report: &Report) -> Table {
    let rows = report.ytterfall_clients(None);
    table(
        "Ytterfall brukare",
        "Brukarna över gränsen, dyrast först (underlag för individgenomgång)",
        &rows,
        &[
            col("Område", Text, |(y, _)| y.scope.name().into()),
            col("Brukare", Text, |(_, c)| c.id.clone().into()),
            col("Kostnad i området", Money, |(y, c)| c.in_scope(y.scope).into()),
            col("Ålder", Number, |(_, c)| c.age.into()),
            col("Kön", Text, |(_, c)| c.kon.map(|k| k.kolada()).into()),
            col("Boendeform", Text, |(_, c)| c.boendeform.name().into()),
        ],
    )
}

fn distribution(report: &Report) -> Table {
    let d = &report.distribution;
    // The deciles' shares to two decimals that sum to 100,00.
    let deciles = largest_remainder(&d.deciles)
        .into_iter()
        .enumerate()
        .map(|(g, share)| (format!("Decil {} ({}–{} %)", g + 1, g * 10, (g + 1) * 10), share));
    let top = d.top.iter().map(|(x, share)| (format!("De dyraste {x} %"), *share));
    let rows: Vec<_> = deciles.chain(top).collect();
    table(
        "Kostnadsfördelning",
        "Hur stor andel av kostnaden olika andelar av brukarna står för",
        &rows,
        &[
            col("Brukare (dyrast först)", Text, |(group, _)| group.clone().into()),
            col("Andel av kostnaden, %", Percent, |&(_, share)| share.into()),
        ],
    )
}

fn mix(report: &Report) -> Table {
    let m = &report.mix;
    let dimensions =
        [("Åldersgrupp", &m.by_age), ("Kön", &m.by_kon), ("Boendeform", &m.by_boendeform), ("Insats", &m.by_insats)];
    let rows: Vec<_> = dimensions.into_iter().flat_map(|(dim, groups)| groups.iter().map(move |g| (dim, g))).collect();
    table(
        "Brukarmix",
        "Brukare och kostnad per grupp",
        &rows,
        &[
            col("Indelning", Text, |&(dim, _)| dim.into()),
            col("Grupp", Text, |(_, g)| g.label.clone().into()),
            col("Brukare", Number, |(_, g)| g.clients.into()),
            col("Kostnad", Money, |(_, g)| g.cost.into()),
            col("Kostnad per brukare", Money, |(_, g)| g.per_client.into()),
            col("Andel av kostnaden, %", Percent, |(_, g)| g.share.into()),
        ],
    )
}

fn utforandegrad(report: &Report) -> Table {
    table(
        "Utförandegrad",
        "Utförd tid i förhållande till beviljad, per enhet (egen regi)",
        &report.utforandegrad,
        &[
            col("Insats", Text, |g| g.insats.name().into()),
            col("Enhet", Text, |g| g.enhet_name.clone().into()),
            col("Beviljad", Number, |g| g.beviljad.into()),
            col("Utförd", Number, |g| g.utford.into()),
            col("Utförandegrad, %", Percent, |g| g.grad.into()),
            col("Brukare", Number, |g| g.clients.into()),
        ],
    )
}

/// The name and title of the monthly follow-up's table.
pub const MONTHLY: (&str, &str) =
    ("Månadsuppföljning", "Kostnad, volym och kostnad per volymenhet per insats, enhet och månad");

/// The monthly follow-up, when the ledger has months: a row per row of the follow-up and month,
/// and one for the year so far (with the projection for the year).
fn monthly(report: &Report) -> Option<Table> {
    /// A row of the table: a month of a row of the follow-up, or its year so far.
    struct Line<'a> {
        row: &'a MonthlyRow,
        figure: &'a MonthFigure,
        month: String,
        so_far: bool,
        basis: &'static str,
    }
    let m = report.monthly.as_ref()?;
    let basis = m.basis.name();
    let so_far = format!("Hittills, {}", crate::date::months_name(report.year, m.first..=m.through));
    let rows: Vec<Line> = m
        .rows
        .iter()
        .flat_map(|row| {
            let month = |f: &MonthFigure| format!("{}-{:02}", report.year, f.month);
            let months =
                row.months.iter().map(move |figure| Line { row, figure, month: month(figure), so_far: false, basis });
            let year = Line { row, figure: &row.year_to_date, month: so_far.clone(), so_far: true, basis };
            months.chain(std::iter::once(year))
        })
        .collect();
    Some(table(
        MONTHLY.0,
        MONTHLY.1,
        &rows,
        &[
            col("Insatskod", Text, |l| l.row.insats.code().into()),
            col("Insats", Text, |l| l.row.insats.name().into()),
            col("Enhet", Text, |l| l.row.enhet.clone().unwrap_or_default().into()),
            col("Enhetsnamn", Text, |l| l.row.enhet_name.clone().into()),
            col("Regi", Text, |l| l.row.regi.name().into()),
            col("Månad", Text, |l| l.month.clone().into()),
            col("Kostnadsbas", Text, |l| l.basis.into()),
            col("Kostnad", Money, |l| l.figure.cost.into()),
            col("Volym", Number, |l| l.figure.volume.into()),
            col("Volymenhet", Text, |l| l.row.insats.unit().plural().into()),
            col("Kr per volymenhet", Rate, |l| l.figure.unit_cost.into()),
            col("Rullande 3 mån, kr per volymenhet", Rate, |l| l.figure.rolling.into()),
            col("Brukare", Number, |l| l.figure.brukare.into()),
            col("Kostnad helår, prognos", Money, |l| {
                l.row.projection.as_ref().filter(|_| l.so_far).map(|p| p.cost).into()
            }),
        ],
    ))
}

fn reconciliation(report: &Report) -> Table {
    let r = &report.reconciliation;
    let total = ("Huvudbokens summa".to_owned(), r.ledger_total, format!("{} rader", r.ledger_rows));
    let lines = r.lines.iter().map(|l| (l.key.label().to_owned(), l.amount, l.key.explanation().to_owned()));
    let difference = ("Differens".to_owned(), r.difference, "Ska vara 0.".to_owned());
    let rows: Vec<_> = std::iter::once(total).chain(lines).chain([difference]).collect();
    table(
        "Avstämning",
        "Avstämning mot huvudboken",
        &rows,
        &[
            col("Post", Text, |(post, ..)| post.clone().into()),
            col("Belopp", Money, |&(_, amount, _)| amount.into()),
            col("Förklaring", Text, |(.., explanation)| explanation.clone().into()),
        ],
    )
}

fn findings(report: &Report) -> Table {
    table(
        "Kontroll",
        "Arbetslista: fel och varningar i underlaget",
        &report.findings,
        &[
            col("Allvarlighet", Text, |f| f.severity.name().into()),
            col("Typ", Text, |f| f.kind.code().into()),
            col("Meddelande", Text, |f| f.message().into()),
            col("Enhet", Text, |f| f.enhet.clone().into()),
            col("Fil", Text, |f| f.pos.file.clone().into()),
            col("Blad", Text, |f| f.pos.sheet.clone().into()),
            col("Rad", Number, |f| f.pos.line.into()),
            col("Kolumn", Text, |f| match (f.pos.column, &f.pos.column_name) {
                (Some(c), Some(n)) if !n.is_empty() => format!("{c} ({n})").into(),
                (Some(c), _) => c.to_string().into(),
                _ => Cell::Empty,
            }),
            col("Antal", Number, |f| f.count.into()),
            col("Fler rader", Text, |f| f.more_lines.iter().map(u32::to_string).collect::<Vec<_>>().join(", ").into()),
            col("Vad göra", Text, |f| f.help().into()),
        ],
    )
}

fn round(value: Decimal, kind: Kind) -> Decimal {
    let dp = match kind {
        Money | Rate | Percent | Number => 2,
        Text => 28,
    };
    crate::format::rounded(value, dp)
}

/// Every table as CSV in one zip archive (`<table>.csv` each): all tables in one download,
/// which no browser holds back as it may a burst of downloads.
#[cfg(feature = "xlsx")]
pub fn csv_zip(tables: &[Table]) -> Result<Vec<u8>, zip::result::ZipError> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for table in tables {
        zip.start_file(format!("{}.csv", table.name), options)?;
        zip.write_all(&csv(table))?;
    }
    Ok(zip.finish()?.into_inner())
}

/// A table as CSV: `;`-separated, decimal comma, no thousands separator, CRLF, UTF-8 with BOM.
///
/// Text that a spreadsheet would take for a formula (it starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return: a name or code from the user's files, say `=HYPERLINK(…)`) gets an
/// apostrophe in front, as OWASP recommends against formula injection, so that Excel and
/// LibreOffice show it as text and never evaluate it. Numbers are written as numbers, negative
/// ones too (`-12,5`).
pub fn csv(table: &Table) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * (table.rows.len() + 1));
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut writer = csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(out);
    let text = |t: &str| -> String {
        if t.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{t}") } else { t.to_owned() }
    };
    let _ = writer.write_record(table.columns.iter().map(|c| text(&c.0)));
    for row in &table.rows {
        let cells = row.iter().zip(&table.columns).map(|(cell, (_, kind))| match cell {
            Cell::Text(t) => text(t),
            Cell::Number(d) => round(*d, *kind).to_string().replace('.', ","),
            Cell::Empty => String::new(),
        });
        let _ = writer.write_record(cells);
    }
    writer.into_inner().unwrap_or_default()
}

/// All tables as one workbook, a sheet per table, with the title and status on top.
#[cfg(feature = "xlsx")]
pub fn xlsx(tables: &[Table], meta: &Meta, year: i32) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let (y, mo, d, h, mi) = meta.created;
    let created = ExcelDateTime::from_ymd(y, mo, d)?.and_hms(u16::from(h), mi, 0)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("Kostnad per brukare {year}"))
            .set_subject("KPB enligt SKR:s metod")
            .set_company(&meta.organisation)
            .set_status(meta.status.name())
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(13);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    // Real number formats, which Excel and LibreOffice show with the reader's own separators
    // (a Swedish Excel: 1 234 567,89); a percentage as a share with the percent format.
    let money = Format::new().set_num_format("#,##0.00");
    let whole = Format::new().set_num_format("#,##0");
    let percent = Format::new().set_num_format("0.0%");
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(table.name.as_ref())?;
        sheet.write_with_format(0, 0, table.title.as_ref(), &title)?;
        sheet.write_with_format(1, 0, format!("KPB {year} – {}", meta.status_line()), &bold)?;
        let top = 3u32;
        for (c, (name, kind)) in table.columns.iter().enumerate() {
            sheet.write_with_format(top, c as u16, name.as_ref(), &head)?;
            sheet.set_column_width(c as u16, if *kind == Text { 22 } else { 14 })?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = top + 1 + r as u32;
            for (c, (cell, (_, kind))) in row.iter().zip(&table.columns).enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => {
                        sheet.write(r, c, t.as_str())?;
                    }
                    Cell::Number(d) => {
                        let rounded = round(*d, *kind);
                        let (value, format) = match kind {
                            Percent => (rounded / Decimal::ONE_HUNDRED, &percent),
                            Number if rounded.fract().is_zero() => (rounded, &whole),
                            _ => (rounded, &money),
                        };
                        sheet.write_with_format(r, c, value.to_f64().unwrap_or(0.0), format)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(top + 1, 0)?;
        if !table.rows.is_empty() {
            sheet.autofilter(top, 0, top + table.rows.len() as u32, table.columns.len() as u16 - 1)?;
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_keeps_its_header_kind_and_value_together() {
        let rows = [("Enhet 1", Some(Decimal::from(12))), ("Enhet 2", None)];
        let t =
            table("T", "Test", &rows, &[col("Enhet", Text, |&(e, _)| e.into()), col("Kr", Money, |&(_, k)| k.into())]);
        assert_eq!(t.columns, [("Enhet".into(), Text), ("Kr".into(), Money)]);
        assert_eq!(
            t.rows,
            [
                vec![Cell::Text("Enhet 1".into()), Cell::Number(Decimal::from(12))],
                vec![Cell::Text("Enhet 2".into()), Cell::Empty]
            ]
        );
    }
}

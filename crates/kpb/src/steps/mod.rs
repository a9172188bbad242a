//! SKR's six steps (KPB.md §1), one module per step, each a function from values to values.
//!
//! | Step | Module | Takes | Gives |
//! |---|---|---|---|
//! | 1 Identifiera insatser | [`catalogue`] | – | [`Insats`], its volume unit and scope |
//! | 2 Koda och fördela gemensamma kostnader | [`place`], then [`allocate`] | the ledger rows, the mappings / [`Placed`], [`Volumes`], the key | [`Placed`] / [`Allocated`] |
//! | 3 Koda brukarstatistik | [`volumes`] | the volume rows | [`Volumes`] |
//! | 4 Validera data | [`validate`], [`reconcile`] | [`Allocated`], [`Volumes`] / every step's remainders, [`ClientCosts`] | findings / [`Reconciliation`] |
//! | 5 Kostnadsberäkna insatser | [`unit_costs`] | [`Allocated`], [`Volumes`] | [`UnitCosts`] |
//! | 6 Beräkna KPB | [`client_costs`] | [`Allocated`], [`Volumes`], [`UnitCosts`] | [`ClientCosts`] |
//!
//! Step 3 comes before step 2's allocation, because a key can be the volume. Every step that
//! meets a row it cannot use says so in its findings; every krona a step does not pass on is a
//! remainder of the reconciliation with its reason ([`ReconKey`]).
//!
//! [`Insats`]: catalogue::Insats
//! [`Placed`]: place::Placed
//! [`Volumes`]: volumes::Volumes
//! [`Allocated`]: allocate::Allocated
//! [`UnitCosts`]: unit_costs::UnitCosts
//! [`ClientCosts`]: client_costs::ClientCosts
//! [`Reconciliation`]: crate::report::Reconciliation
//! [`ReconKey`]: crate::report::ReconKey

pub(crate) mod allocate;
pub mod catalogue;
pub(crate) mod client_costs;
pub(crate) mod place;
pub(crate) mod reconcile;
pub(crate) mod unit_costs;
pub(crate) mod validate;
pub(crate) mod volumes;

use crate::finding::Position;
use crate::import::Dataset;
use crate::model::{Insats, Regi};
use crate::report::{ReconKey, Source};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// How many line numbers a [`Source`] keeps.
const MAX_LINES: usize = 50;

/// A cell of the computation: an insats at an enhet in one regi.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct CellKey {
    pub insats: Insats,
    pub enhet: String,
    pub regi: Regi,
}

/// The rows an amount or a volume came from: line numbers per file, capped at [`MAX_LINES`],
/// and how many rows in all: `(file, lines, count)` in the order of the files. (A short list,
/// not a tree: a row is added to several of these, nearly always in the last one's file.)
#[derive(Default, Clone, Debug)]
pub(crate) struct Lines(Vec<(u16, Vec<u32>, u32)>);

impl Lines {
    /// The lines and count of `file`, new if there are none.
    fn of(&mut self, file: u16) -> (&mut Vec<u32>, &mut u32) {
        let at = match self.0.last() {
            Some(last) if last.0 == file => self.0.len() - 1,
            _ => self.0.binary_search_by_key(&file, |e| e.0).unwrap_or_else(|at| {
                self.0.insert(at, (file, Vec::new(), 0));
                at
            }),
        };
        let (_, lines, count) = &mut self.0[at];
        (lines, count)
    }

    pub fn add(&mut self, file: u16, line: u32) {
        let (lines, count) = self.of(file);
        *count += 1;
        if lines.len() < MAX_LINES && lines.last() != Some(&line) {
            lines.push(line);
        }
    }

    /// Adds every line `other` kept (counting those only).
    pub fn add_all(&mut self, other: &Lines) {
        for (f, ls, _) in &other.0 {
            for l in ls {
                self.add(*f, *l);
            }
        }
    }

    /// Adds `other`'s lines and counts, keeping at most [`MAX_LINES`] lines per file.
    pub fn merge(&mut self, other: Lines) {
        for (file, lines, count) in other.0 {
            let (to, n) = self.of(file);
            *n += count;
            to.extend(lines.into_iter().take(MAX_LINES.saturating_sub(to.len())));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many rows in all.
    pub fn count(&self) -> u32 {
        self.0.iter().map(|(_, _, n)| n).sum()
    }

    pub fn sources(&self, ds: &Dataset) -> Vec<Source> {
        self.0
            .iter()
            .map(|(f, lines, count)| Source { file: ds.file_name(*f).to_owned(), lines: lines.clone(), count: *count })
            .collect()
    }

    pub fn first(&self, ds: &Dataset) -> Option<Position> {
        self.0.first().and_then(|(f, l, _)| l.first().map(|l| ds.pos(*f, *l)))
    }
}

/// An amount and the rows it came from.
#[derive(Default, Clone, Debug)]
pub(crate) struct Amount {
    pub amount: Decimal,
    pub lines: Lines,
}

impl Amount {
    pub fn add(&mut self, amount: Decimal, file: u16, line: u32) {
        self.amount += amount;
        self.lines.add(file, line);
    }
}

/// One month's part of a cell's direct cost or of a pool, and the rows it came from.
#[derive(Default, Clone, Debug)]
pub(crate) struct MonthCost {
    pub amount: Decimal,
    /// Personnel cost within `amount`.
    pub personnel: Decimal,
    pub lines: Lines,
}

/// The twelve months of the year, January first.
pub(crate) type Months<T> = [T; 12];

/// What a step did not pass on, by reason: the remainders of the reconciliation.
pub(crate) type Remainders = BTreeMap<ReconKey, Amount>;

/// Adds `more` remainders to `into`, reason by reason.
pub(crate) fn add_remainders(into: &mut Remainders, more: Remainders) {
    for (key, amount) in more {
        let to = into.entry(key).or_default();
        to.amount += amount.amount;
        to.lines.merge(amount.lines);
    }
}

/// `amount × part ÷ whole`, for a `part` of `whole` (0 ≤ part ≤ whole): multiplied first, for
/// exactness, where the product fits Decimal's 28 digits, else as `amount × (part ÷ whole)`. So
/// no amount a file can hold overflows (and panics) here.
pub(crate) fn share_of(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal {
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

/// The clients a cell's cost goes to: those with volume in it and, in egen regi, those the
/// ledger booked cost or assistansersättning on (in order of their number).
pub(crate) fn members(key: &CellKey, cost: &allocate::CellCost, volume: Option<&volumes::CellVolume>) -> Vec<u32> {
    let with_volume = volume.into_iter().flat_map(|v| v.clients.keys());
    let mut members: Vec<u32> = match key.regi {
        Regi::Annan => with_volume.copied().collect(),
        Regi::Egen => with_volume
            .chain(cost.direct.on_client.keys())
            .chain(cost.direct.assistansersattning_on_client.keys())
            .copied()
            .collect(),
    };
    members.sort_unstable();
    members.dedup();
    members
}

//! The user's choices for a computation. Every figure says which of these it was computed with.

use crate::model::{Insats, VolumeKind};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How common costs are distributed onto the insatser (fördelningsnyckel). A design decision of
/// the tool (KPB.md §1): no public source fixes the keys, so they are explicit and selectable.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AllocationKey {
    /// In proportion to each insats' direct cost at each enhet.
    #[default]
    DirectCost,
    /// In proportion to volume (only meaningful where the volumes share a unit).
    Volume,
    /// In proportion to direct personnel cost.
    PersonnelCost,
    /// Fixed shares per insats (percent), within an insats in proportion to direct cost.
    FixedShares(BTreeMap<Insats, Decimal>),
}

impl AllocationKey {
    pub fn name(&self) -> &'static str {
        match self {
            AllocationKey::DirectCost => "i proportion till direkt kostnad",
            AllocationKey::Volume => "i proportion till volym",
            AllocationKey::PersonnelCost => "i proportion till personalkostnad",
            AllocationKey::FixedShares(_) => "fasta andelar per insats",
        }
    }
}

/// What the monthly follow-up counts as a unit's cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CostBasis {
    /// Direct cost only: what the enhetschef can influence (as Ludvika's monthly follow-up).
    #[default]
    Direct,
    /// Direct cost and the common costs allocated year-to-date by the key: the whole KPB.
    Full,
}

impl CostBasis {
    /// What the figures are, as a heading says it.
    pub fn name(self) -> &'static str {
        match self {
            CostBasis::Direct => "direkt kostnad",
            CostBasis::Full => "full kostnad",
        }
    }

    /// What the basis includes, in a sentence.
    pub fn explanation(self, key: &AllocationKey) -> String {
        match self {
            CostBasis::Direct => {
                "Direkt kostnad: det som bokförts på enheten och insatsen, utan gemensamma kostnader – det enhetschefen kan påverka.".to_owned()
            }
            CostBasis::Full => format!(
                "Full kostnad: direkt kostnad och gemensamma kostnader, fördelade {} på årets månader hittills.",
                key.name()
            ),
        }
    }
}

/// Ytterfall thresholds in kronor per client and year; a client is an ytterfall when the cost
/// is strictly greater.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    pub ordinart: Decimal,
    pub sarskilt: Decimal,
    pub lss: Decimal,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds { ordinart: Decimal::from(600_000), sarskilt: Decimal::from(600_000), lss: Decimal::from(1_000_000) }
    }
}

/// Everything that shapes a computation (but not the reading of files).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The year computed; `None` takes the year most volume rows fall in.
    pub year: Option<i32>,
    pub key: AllocationKey,
    pub thresholds: Thresholds,
    /// Lower bounds of the age groups, ascending, starting at 0.
    pub age_bounds: Vec<u32>,
    /// Enhet codes left out of the computation.
    pub excluded_enheter: BTreeSet<String>,
    /// Per insats, the volume kind costs are divided by; by default granted (beviljad) where the
    /// data has granted volume for that insats, otherwise performed (utförd).
    pub basis: BTreeMap<Insats, VolumeKind>,
    /// Standardkostnad in kronor for the year, to compare the net cost with (optional).
    pub standardkostnad: Option<Decimal>,
    /// The cost the monthly follow-up counts.
    #[serde(default)]
    pub monthly_basis: CostBasis,
    /// The last month (1–12) the monthly follow-up shows, if before the ledger's last: to see
    /// the year as it stood then.
    #[serde(default)]
    pub monthly_through: Option<u8>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            year: None,
            key: AllocationKey::DirectCost,
            thresholds: Thresholds::default(),
            age_bounds: vec![0, 18, 65, 80, 90],
            excluded_enheter: BTreeSet::new(),
            basis: BTreeMap::new(),
            standardkostnad: None,
            monthly_basis: CostBasis::Direct,
            monthly_through: None,
        }
    }
}

impl Settings {
    /// The age group label of an age: `0–17`, `80–89`, `90–`.
    pub fn age_group(&self, age: u32) -> String {
        let bounds = self.sorted_bounds();
        let i = bounds.iter().rposition(|&b| b <= age).unwrap_or(0);
        match bounds.get(i + 1) {
            Some(next) => format!("{}–{}", bounds[i], next - 1),
            None => format!("{}–", bounds[i]),
        }
    }

    /// Every age group label, youngest first.
    pub fn age_groups(&self) -> Vec<String> {
        self.sorted_bounds().iter().map(|&b| self.age_group(b)).collect()
    }

    fn sorted_bounds(&self) -> Vec<u32> {
        let mut b = self.age_bounds.clone();
        b.push(0);
        b.sort_unstable();
        b.dedup();
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_groups_from_bounds() {
        let s = Settings::default();
        assert_eq!(s.age_group(0), "0–17");
        assert_eq!(s.age_group(17), "0–17");
        assert_eq!(s.age_group(80), "80–89");
        assert_eq!(s.age_group(104), "90–");
        assert_eq!(s.age_groups(), vec!["0–17", "18–64", "65–79", "80–89", "90–"]);
        let s = Settings { age_bounds: vec![65, 80], ..Settings::default() };
        assert_eq!(s.age_groups(), vec!["0–64", "65–79", "80–"]);
    }
}

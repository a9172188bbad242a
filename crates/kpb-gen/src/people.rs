//! The clients: pseudonymous ids, birth year and sex.
//!
//! Ids are `B` and six digits (`B100234`): never anything that looks like a personnummer.

use crate::rng::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kon {
    K,
    M,
}

#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub birth: i32,
    pub kon: Kon,
}

/// Ages at the end of the year as (from, to, weight) bands.
pub type Ages = &'static [(i32, i32, u32)];

pub const AGES_HEMTJANST: Ages =
    &[(65, 69, 5), (70, 74, 9), (75, 79, 16), (80, 84, 24), (85, 89, 26), (90, 94, 15), (95, 99, 5)];
pub const AGES_SABO: Ages = &[(68, 74, 4), (75, 79, 9), (80, 84, 20), (85, 89, 30), (90, 94, 26), (95, 102, 11)];
pub const AGES_KORTTID: Ages = &[(66, 74, 12), (75, 79, 18), (80, 84, 26), (85, 89, 26), (90, 97, 18)];
pub const AGES_LSS_BOSTAD: Ages = &[(21, 29, 18), (30, 39, 22), (40, 49, 22), (50, 59, 20), (60, 69, 12), (70, 79, 6)];
pub const AGES_SERVICEBOSTAD: Ages = &[(20, 29, 40), (30, 39, 30), (40, 55, 30)];
pub const AGES_DAGLIG_VERKSAMHET: Ages = &[(19, 24, 22), (25, 34, 28), (35, 44, 20), (45, 54, 18), (55, 64, 12)];
pub const AGES_BOENDESTOD: Ages = &[(20, 29, 25), (30, 39, 22), (40, 49, 20), (50, 59, 18), (60, 72, 15)];
pub const AGES_BARN: Ages = &[(7, 12, 45), (13, 17, 55)];
pub const AGES_UNGA_VUXNA: Ages = &[(18, 23, 1)];
pub const AGES_LEDSAGNING: Ages = &[(16, 29, 35), (30, 49, 30), (50, 72, 35)];
pub const AGES_ASSISTANS: Ages = &[(4, 17, 20), (18, 29, 20), (30, 49, 30), (50, 64, 25), (65, 70, 5)];

/// Multiplier of the id permutation: coprime with 900 000 (= 2⁵·3²·5⁵).
const ID_MUL: u64 = 391_939;
const ID_ADD: u64 = 274_871;
const ID_SPACE: u64 = 900_000;

#[derive(Default)]
pub struct People {
    pub list: Vec<Person>,
}

impl People {
    /// A new client of the given ages (at the end of `year`) and share of women (per mille).
    pub fn add(&mut self, rng: &mut Rng, year: i32, ages: Ages, women_per_mille: u32) -> u32 {
        let band = ages[rng.weighted(&ages.iter().map(|a| a.2).collect::<Vec<_>>())];
        let age = rng.range(i64::from(band.0), i64::from(band.1)) as i32;
        let kon = if rng.chance(women_per_mille) { Kon::K } else { Kon::M };
        self.list.push(Person { birth: year - age, kon });
        assert!((self.list.len() as u64) < ID_SPACE, "more clients than six-digit ids");
        (self.list.len() - 1) as u32
    }

    pub fn get(&self, p: u32) -> Person {
        self.list[p as usize]
    }

    /// The number of a client's id: a bijection of the index onto 100000..=999999, so ids look
    /// scattered like a case system's and are unique without bookkeeping.
    pub fn number(p: u32) -> u32 {
        (100_000 + (u64::from(p) * ID_MUL + ID_ADD) % ID_SPACE) as u32
    }

    pub fn id(p: u32) -> String {
        format!("B{}", People::number(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_not_personnummer_shaped() {
        let mut seen = std::collections::BTreeSet::new();
        for p in 0..200_000 {
            let id = People::id(p);
            assert_eq!(id.len(), 7);
            assert!(seen.insert(id));
        }
    }
}

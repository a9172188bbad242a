//! Swedish place names for units beyond the named ones of the example municipality.

use crate::rng::Rng;

const PREFIX: [&str; 30] = [
    "Björk", "Ek", "Lind", "Alm", "Ask", "Rönn", "Hassel", "Gran", "Tall", "Sol", "Sjö", "Berg", "Ros", "Lärk", "Vide",
    "Lönn", "Strand", "Kvarn", "Ljung", "Sälg", "Oxel", "Klöver", "Fur", "Lunn", "Mal", "Hed", "Sand", "Bäck", "Kasta",
    "Nyp",
];
const SUFFIX: [&str; 12] =
    ["dalen", "backen", "hagen", "lunden", "viken", "åsen", "gården", "torpet", "ängen", "holmen", "berga", "höjden"];

/// `n` distinct place names, shuffled, none of `exclude`; when the combinations run out the
/// names repeat with a number (`Björkdalen 2`).
pub fn places(rng: &mut Rng, n: usize, exclude: &[&str]) -> Vec<String> {
    let mut pool: Vec<String> = PREFIX
        .iter()
        .flat_map(|p| SUFFIX.iter().map(move |s| format!("{p}{s}")))
        .filter(|name| !exclude.iter().any(|e| e.eq_ignore_ascii_case(name)))
        .collect();
    rng.shuffle(&mut pool);
    (0..n)
        .map(|i| {
            let base = &pool[i % pool.len()];
            match i / pool.len() {
                0 => base.clone(),
                k => format!("{base} {}", k + 1),
            }
        })
        .collect()
}

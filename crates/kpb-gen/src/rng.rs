//! A small deterministic pseudo-random generator (SplitMix64) with the helpers the generator
//! needs. Integer arithmetic only, so a seed gives the same stream on every platform.

/// SplitMix64 (Steele, Lea, Flood 2014): 64 bits of state, passes BigCrush, trivially portable.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed ^ 0x6a09_e667_f3bc_c909 }
    }

    /// An independent stream for one part of the generator, so that a change in one area does
    /// not reshuffle the others.
    pub fn fork(&self, label: &str) -> Rng {
        // FNV-1a over the label, mixed with this stream's state.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in label.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let mut r = Rng { state: self.state ^ h };
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by the multiply-high method (bias below 2⁻³², irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0)");
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "range({lo}, {hi})");
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// True with probability `per_mille` / 1000.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }

    /// Uniform in `0..=1_000_000` (a fixed-point fraction).
    pub fn micro(&mut self) -> i64 {
        self.range(0, 1_000_000)
    }

    /// A right-skewed value in `lo..=hi`: lo + (hi − lo)·u₁·u₂ (most values low, a long tail).
    pub fn skewed(&mut self, lo: i64, hi: i64) -> i64 {
        let (a, b) = (self.micro(), self.micro());
        lo + (hi - lo) * (a * b / 1_000_000) / 1_000_000
    }

    /// Exponentially distributed with the given mean (integer days), from a quantile table so
    /// that no platform-dependent `ln` is involved.
    pub fn exponential(&mut self, mean: i64) -> i64 {
        // −ln(1 − p) × 100 000 for p = 0, 0.05, …, 0.95, and a cap at p = 0.99.
        const Q: [i64; 21] = [
            0, 5_129, 10_536, 16_252, 22_314, 28_768, 35_667, 43_078, 51_083, 59_784, 69_315, 79_851, 91_629, 104_982,
            120_397, 138_629, 160_944, 189_712, 230_259, 299_573, 460_517,
        ];
        let u = self.below(20_000) as i64; // 20 segments of 1 000 steps
        let (seg, frac) = ((u / 1000) as usize, u % 1000);
        let q = Q[seg] + (Q[seg + 1] - Q[seg]) * frac / 1000;
        mean * q / 100_000
    }

    /// An index chosen with the given integer weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_forks_differ() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(7).fork("a").next_u64(), Rng::new(7).fork("b").next_u64());
    }

    #[test]
    fn ranges_hold() {
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            let x = r.range(-3, 5);
            assert!((-3..=5).contains(&x));
            let s = r.skewed(10, 20);
            assert!((10..=20).contains(&s));
        }
        let mean: i64 = (0..20_000).map(|_| r.exponential(1000)).sum::<i64>() / 20_000;
        assert!((900..1100).contains(&mean), "{mean}");
    }
}

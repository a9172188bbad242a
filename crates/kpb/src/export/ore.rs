//! Money to the öre so that the exports add up: every brukare's line, every brukare, every
//! cell (insats, enhet, regi) and every insats in each regi is the sum of the rounded parts
//! below it, and each is its exact value rounded up or down to the öre, never further. The sum
//! of the brukare is their exact total rounded as the page shows it (half away from zero).
//!
//! Rounding each figure on its own cannot give this (a brukare's lines, rounded, need not sum to
//! the brukare rounded), nor can rounding the parts to a total alone (the lines of a cell then
//! need not sum to the cell). It is *controlled rounding* of a table with rows and columns
//! (Cox, 1987): the parts rounded up are a flow through brukare, cells and insatser, each
//! node's flow between its sum's fractional öre rounded down and up. The parts' fractions are a
//! flow within those bounds, so, the bounds being whole numbers, a flow in whole öre exists
//! (Hoffman's circulation theorem), with the brukare's total fixed to its rounding too (a
//! single bound fixed to a whole number within its range keeps one). Dinic's algorithm finds it.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// One amount to round: of a brukare (`row`; `None`: what a cell has beyond its brukare's
/// lines), in a cell (`col`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Part {
    pub value: Decimal,
    pub row: Option<usize>,
    pub col: usize,
}

/// Rounds every part to the öre (each up or down from its value). `group_of[col]` is the group
/// (insats and regi) of each cell; `rows` the number of brukare. Every sum of parts named above
/// is then, taken from the rounded parts, its exact sum rounded up or down.
pub(super) fn round(parts: &[Part], rows: usize, group_of: &[usize]) -> Vec<Decimal> {
    let ore = Decimal::new(1, 2);
    // In öre: each part's whole öre down, and the fraction that is left (noise of the 28th
    // digit, where a cell's parts were divided among its brukare, is no fraction).
    let (floors, fractions): (Vec<i64>, Vec<Decimal>) = parts
        .iter()
        .map(|p| {
            let ores = (p.value.round_dp(10) / ore).normalize();
            let floor = ores.floor();
            (floor.to_i64().unwrap_or(0), ores - floor)
        })
        .unzip();
    let cols = group_of.len();
    let groups = group_of.iter().max().map_or(0, |g| g + 1);
    let (mut of_row, mut of_col, mut of_group) =
        (vec![Decimal::ZERO; rows], vec![Decimal::ZERO; cols], vec![Decimal::ZERO; groups]);
    let (mut of_all, mut exact_rows) = (Decimal::ZERO, Decimal::ZERO);
    for (p, f) in parts.iter().zip(&fractions) {
        if let Some(r) = p.row {
            of_row[r] += f;
            exact_rows += p.value;
        }
        of_col[p.col] += f;
        of_group[group_of[p.col]] += f;
        of_all += f;
    }
    // The brukare's total rounded half away from zero, as the page shows it: the öre to add to
    // their parts' whole öre.
    let row_floors: i64 = parts.iter().zip(&floors).filter(|(p, _)| p.row.is_some()).map(|(_, f)| f).sum();
    let rows_up = (crate::format::rounded(exact_rows, 2) / ore).to_i64().unwrap_or(0) - row_floors;

    // The network: source, sink, the brukare's hub, brukare, cells, groups.
    let (source, sink, hub) = (0, 1, 2);
    let row_node = |r: usize| 3 + r;
    let col_node = |c: usize| 3 + rows + c;
    let group_node = |g: usize| 3 + rows + cols + g;
    let mut net = Circulation::new(3 + rows + cols + groups);
    let range = |f: Decimal| (f.floor().to_i64().unwrap_or(0), f.ceil().to_i64().unwrap_or(0));
    let (lo, hi) = range(of_all);
    net.edge(sink, source, lo, hi);
    net.edge(source, hub, rows_up, rows_up);
    for (r, f) in of_row.iter().enumerate() {
        let (lo, hi) = range(*f);
        net.edge(hub, row_node(r), lo, hi);
    }
    let part_edges: Vec<Option<usize>> = parts
        .iter()
        .zip(&fractions)
        .map(|(p, f)| (!f.is_zero()).then(|| net.edge(p.row.map_or(source, row_node), col_node(p.col), 0, 1)))
        .collect();
    for (c, f) in of_col.iter().enumerate() {
        let (lo, hi) = range(*f);
        net.edge(col_node(c), group_node(group_of[c]), lo, hi);
    }
    for (g, f) in of_group.iter().enumerate() {
        let (lo, hi) = range(*f);
        net.edge(group_node(g), sink, lo, hi);
    }
    let ups: Vec<i64> = if net.feasible() {
        part_edges.iter().map(|e| e.map_or(0, |e| net.flow(e))).collect()
    } else {
        // Cannot happen (see the module's text); were it to, the parts still sum to the total.
        debug_assert!(false, "no controlled rounding");
        return super::largest_remainder(&parts.iter().map(|p| p.value).collect::<Vec<_>>());
    };
    floors.iter().zip(ups).map(|(f, up)| Decimal::from(f + up) * ore).collect()
}

/// A network whose edges have lower and upper bounds, and a flow in it that keeps them, found
/// as a maximum flow from a new source to a new sink (the lower bounds moved to them).
struct Circulation {
    /// Per node, its edges (indices into `to` and `cap`; an edge's reverse is `e ^ 1`).
    adjacent: Vec<Vec<usize>>,
    to: Vec<usize>,
    cap: Vec<i64>,
    /// Per edge added by `edge`, its lower bound (the flow on it is that plus what it carries).
    lower: Vec<i64>,
    /// What each node must pass on of the lower bounds: in minus out.
    excess: Vec<i64>,
}

impl Circulation {
    fn new(nodes: usize) -> Self {
        Circulation {
            adjacent: vec![Vec::new(); nodes + 2],
            to: Vec::new(),
            cap: Vec::new(),
            lower: Vec::new(),
            excess: vec![0; nodes],
        }
    }

    fn arc(&mut self, from: usize, to: usize, cap: i64) -> usize {
        let e = self.to.len();
        self.adjacent[from].push(e);
        self.to.push(to);
        self.cap.push(cap);
        self.adjacent[to].push(e + 1);
        self.to.push(from);
        self.cap.push(0);
        e
    }

    /// An edge carrying from `lo` to `hi`; its number, for [`Circulation::flow`].
    fn edge(&mut self, from: usize, to: usize, lo: i64, hi: i64) -> usize {
        self.excess[to] += lo;
        self.excess[from] -= lo;
        self.lower.push(lo);
        self.arc(from, to, hi - lo)
    }

    /// The flow on an edge, once [`Circulation::feasible`].
    fn flow(&self, e: usize) -> i64 {
        self.lower[e / 2] + self.cap[e + 1]
    }

    /// Whether a flow keeps every edge's bounds (and each node's in = out); if so, it is there.
    fn feasible(&mut self) -> bool {
        if self.cap.iter().step_by(2).any(|cap| *cap < 0) {
            return false;
        }
        let nodes = self.excess.len();
        let (s, t) = (nodes, nodes + 1);
        let mut need = 0;
        for v in 0..nodes {
            match self.excess[v] {
                x if x > 0 => {
                    self.arc(s, v, x);
                    need += x;
                }
                x if x < 0 => {
                    self.arc(v, t, -x);
                }
                _ => {}
            }
        }
        self.max_flow(s, t) == need
    }

    /// Dinic's algorithm: breadth-first levels, then paths along them, one at a time.
    fn max_flow(&mut self, s: usize, t: usize) -> i64 {
        let n = self.adjacent.len();
        let mut total = 0;
        loop {
            let mut level = vec![u32::MAX; n];
            level[s] = 0;
            let mut queue = std::collections::VecDeque::from([s]);
            while let Some(u) = queue.pop_front() {
                for &e in &self.adjacent[u] {
                    let v = self.to[e];
                    if self.cap[e] > 0 && level[v] == u32::MAX {
                        level[v] = level[u] + 1;
                        queue.push_back(v);
                    }
                }
            }
            if level[t] == u32::MAX {
                return total;
            }
            let mut next = vec![0usize; n];
            let mut path: Vec<usize> = Vec::new();
            let mut u = s;
            loop {
                if u == t {
                    let f = path.iter().map(|&e| self.cap[e]).min().unwrap_or(0);
                    for &e in &path {
                        self.cap[e] -= f;
                        self.cap[e ^ 1] += f;
                    }
                    total += f;
                    path.clear();
                    u = s;
                    continue;
                }
                let found = loop {
                    let Some(&e) = self.adjacent[u].get(next[u]) else { break None };
                    let v = self.to[e];
                    if self.cap[e] > 0 && level[v] == level[u] + 1 {
                        break Some(e);
                    }
                    next[u] += 1;
                };
                match found {
                    Some(e) => {
                        path.push(e);
                        u = self.to[e];
                    }
                    None if u == s => break,
                    None => {
                        // A dead end: no path through `u` at this level.
                        level[u] = u32::MAX;
                        let e = path.pop().expect("a node other than the source was reached by an edge");
                        u = self.to[e ^ 1];
                        next[u] += 1;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Whether `rounded` is `exact` rounded up or down to the öre.
    fn within(rounded: Decimal, exact: Decimal) -> bool {
        let ore = Decimal::new(1, 2);
        (rounded / ore).fract().is_zero() && (rounded - exact).abs() < ore
    }

    /// A table of parts: values with up to six decimals (as the import keeps), some beyond any
    /// brukare, in cells of a few groups.
    fn table() -> impl Strategy<Value = (Vec<Part>, usize, Vec<usize>)> {
        (1usize..12, 1usize..8, 1usize..4).prop_flat_map(|(rows, cols, groups)| {
            let part = (-2_000_000_000i64..2_000_000_000, proptest::option::weighted(0.8, 0..rows), 0..cols)
                .prop_map(|(micro, row, col)| Part { value: Decimal::new(micro, 6), row, col });
            (proptest::collection::vec(part, 0..60), Just(rows), proptest::collection::vec(0..groups, cols))
        })
    }

    proptest! {
        #[test]
        fn every_sum_is_its_exact_sum_rounded_up_or_down((parts, rows, group_of) in table()) {
            let rounded = round(&parts, rows, &group_of);
            prop_assert_eq!(rounded.len(), parts.len());
            let sums = |of: &dyn Fn(&Part) -> bool| {
                parts.iter().zip(&rounded).filter(|(p, _)| of(p)).fold((Decimal::ZERO, Decimal::ZERO), |(e, r), (p, v)| (e + p.value, r + v))
            };
            for (p, v) in parts.iter().zip(&rounded) {
                prop_assert!(within(*v, p.value), "{} from {}", v, p.value);
            }
            for r in 0..rows {
                let (exact, sum) = sums(&|p| p.row == Some(r));
                prop_assert!(within(sum, exact), "row {}: {} from {}", r, sum, exact);
            }
            for c in 0..group_of.len() {
                let (exact, sum) = sums(&|p| p.col == c);
                prop_assert!(within(sum, exact), "cell {}: {} from {}", c, sum, exact);
            }
            for g in 0..=group_of.iter().copied().max().unwrap_or(0) {
                let (exact, sum) = sums(&|p| group_of[p.col] == g);
                prop_assert!(within(sum, exact), "group {}: {} from {}", g, sum, exact);
            }
            let (exact, sum) = sums(&|_| true);
            prop_assert!(within(sum, exact));
            // The brukare's total is rounded half away from zero, as the page shows it.
            let (exact, sum) = sums(&|p| p.row.is_some());
            prop_assert_eq!(sum, exact.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero));
        }
    }

    #[test]
    fn a_brukare_with_two_thirds_of_an_ore_in_each_of_two_cells() {
        // Rounded alone, each line and each cell is 0,01 and the brukare 0,01: the lines would
        // make 0,02. One line goes down, and its cell with it.
        let third = Decimal::new(3333, 6);
        let parts = [
            Part { value: third * Decimal::TWO, row: Some(0), col: 0 },
            Part { value: third * Decimal::TWO, row: Some(0), col: 1 },
        ];
        let rounded = round(&parts, 1, &[0, 1]);
        assert_eq!(rounded.iter().sum::<Decimal>(), Decimal::new(1, 2));
        assert!(rounded.iter().all(|v| v.is_zero() || *v == Decimal::new(1, 2)));
    }
}

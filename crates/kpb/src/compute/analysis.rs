//! Ytterfall, the distribution of cost over clients, brukarmix and utförandegrad: all computed
//! from the clients' costs, so they add up to the same KPB.

use crate::model::{Boendeform, Insats, Kon, Regi, Scope};
use crate::report::{ClientCost, Distribution, Group, Mix, UnitCost, Utforandegrad, Ytterfall, percent_of};
use crate::settings::{Settings, Thresholds};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// KPB.md §3: a client's cost in a scope is the sum of the client's costs on rows of that scope;
/// the denominator is the distinct clients with a cost in the scope; "exceeds" is strict.
pub(super) fn ytterfall(clients: &[ClientCost], t: &Thresholds) -> Vec<Ytterfall> {
    [
        (Scope::Ordinart, Some("U21002"), t.ordinart),
        (Scope::Sarskilt, None, t.sarskilt),
        (Scope::Lss, Some("U28029"), t.lss),
    ]
    .into_iter()
    .map(|(scope, kolada, threshold)| {
        let mut in_scope: Vec<(&str, Decimal)> =
            clients.iter().map(|c| (c.id.as_str(), c.in_scope(scope))).filter(|(_, cost)| !cost.is_zero()).collect();
        in_scope.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let above: Vec<&(&str, Decimal)> = in_scope.iter().filter(|(_, c)| *c > threshold).collect();
        let clients = in_scope.len() as u32;
        let count = above.len() as u32;
        Ytterfall {
            scope,
            kolada: kolada.map(str::to_owned),
            threshold,
            clients,
            count,
            share: percent_of(Decimal::from(count), Decimal::from(clients)),
            cost: above.iter().map(|(_, c)| *c).sum(),
            total_cost: in_scope.iter().map(|(_, c)| *c).sum(),
            list: above.iter().map(|(id, _)| (*id).to_owned()).collect(),
        }
    })
    .collect()
}

/// Clients with a positive cost; `clients` most expensive first.
pub(super) fn distribution(clients: &[ClientCost]) -> Distribution {
    let costs: Vec<Decimal> = clients.iter().map(|c| c.total).filter(|t| *t > Decimal::ZERO).collect();
    let n = costs.len();
    let total: Decimal = costs.iter().sum();
    if n == 0 || total.is_zero() {
        return Distribution::default();
    }
    let mut cumulative = Vec::with_capacity(n + 1);
    cumulative.push(Decimal::ZERO);
    for c in &costs {
        let last = *cumulative.last().expect("starts with zero");
        cumulative.push(last + *c);
    }
    // The number of clients that make up the first `p` percent (rounded to the nearest; the
    // deciles use the same boundaries, so the first decile is "the most expensive 10 %").
    let first = |p: u32| (n * p as usize + 50) / 100;
    let share = |k: usize| cumulative[k] * Decimal::ONE_HUNDRED / total;
    let deciles = (0..10u32)
        .map(|g| (cumulative[first(10 * (g + 1))] - cumulative[first(10 * g)]) * Decimal::ONE_HUNDRED / total)
        .collect();
    let curve = (0..=100u32).map(|p| (Decimal::from(p), share(first(p)))).collect();
    let top = [1u32, 5, 10, 20, 50].into_iter().map(|p| (Decimal::from(p), share(first(p)))).collect();
    let half = total / Decimal::TWO;
    let k = cumulative.iter().position(|c| *c >= half).unwrap_or(n);
    Distribution {
        clients: n as u32,
        total,
        deciles,
        curve,
        top,
        half_cost_share: Some(Decimal::from(k as u64) * Decimal::ONE_HUNDRED / Decimal::from(n as u64)),
    }
}

/// Clients and their cost per label (an age group, a kön, a boendeform).
type Tally<'c> = BTreeMap<&'c str, (u32, Decimal)>;

/// The groups of a tally: the labels of `order` first, then the others in their order.
fn groups(acc: &Tally, order: &[String], total: Decimal) -> Vec<Group> {
    let mut labels: Vec<&str> = order.iter().map(String::as_str).filter(|l| acc.contains_key(l)).collect();
    labels.extend(acc.keys().filter(|k| !order.iter().any(|o| o == *k)));
    labels
        .into_iter()
        .map(|label| {
            let (clients, cost) = acc[label];
            Group {
                label: label.to_owned(),
                clients,
                cost,
                per_client: (clients > 0).then(|| cost / Decimal::from(clients)),
                share: percent_of(cost, total),
            }
        })
        .collect()
}

const UNKNOWN_AGE: &str = "Okänd ålder";
const UNKNOWN_KON: &str = "Okänt kön";

pub(super) fn mix(clients: &[ClientCost], settings: &Settings) -> Mix {
    // One pass: each client into its age group, kön and boendeform, and per insats the clients
    // having it and their cost on it.
    let mut total = Decimal::ZERO;
    let (mut by_age, mut by_kon, mut by_boendeform) = (Tally::new(), Tally::new(), Tally::new());
    let mut per_insats: BTreeMap<Insats, (u32, Decimal)> = BTreeMap::new();
    // As every figure per brukare (`report::BRUKARE_RULE`): the brukare with a cost, and in an insats
    // those with a cost in it.
    let mut of_client: Vec<(Insats, Decimal)> = Vec::new();
    for c in clients.iter().filter(|c| !c.total.is_zero()) {
        total += c.total;
        for (tally, label) in [
            (&mut by_age, c.age_group.as_deref().unwrap_or(UNKNOWN_AGE)),
            (&mut by_kon, c.kon.map_or(UNKNOWN_KON, Kon::name)),
            (&mut by_boendeform, c.boendeform.name()),
        ] {
            let e = tally.entry(label).or_default();
            e.0 += 1;
            e.1 += c.total;
        }
        of_client.clear();
        for l in &c.lines {
            match of_client.iter_mut().find(|(i, _)| *i == l.insats) {
                Some((_, cost)) => *cost += l.cost,
                None => of_client.push((l.insats, l.cost)),
            }
        }
        for &(insats, cost) in &of_client {
            let e = per_insats.entry(insats).or_default();
            e.1 += cost;
            e.0 += u32::from(!cost.is_zero());
        }
    }
    let by_insats = per_insats
        .into_iter()
        .filter(|(_, (clients, _))| *clients > 0)
        .map(|(insats, (clients, cost))| Group {
            label: insats.name().to_owned(),
            clients,
            cost,
            per_client: (clients > 0).then(|| cost / Decimal::from(clients)),
            share: percent_of(cost, total),
        })
        .collect();
    Mix {
        by_age: groups(&by_age, &settings.age_groups(), total),
        by_kon: groups(&by_kon, &[Kon::Kvinna.name().to_owned(), Kon::Man.name().to_owned()], total),
        by_boendeform: groups(&by_boendeform, &Boendeform::ALL.map(|b| b.name().to_owned()), total),
        by_insats,
    }
}

/// Performed over granted time per cell in egen regi, where the data has both.
pub(super) fn utforandegrad(clients: &[ClientCost], units: &[UnitCost]) -> Vec<Utforandegrad> {
    // (A hash map, sorted at the end: a tree keyed by enhet text is slow per line.)
    let mut acc: FxHashMap<(Insats, &str), (Decimal, Decimal, u32)> = FxHashMap::default();
    for c in clients {
        for l in c.lines.iter().filter(|l| l.regi == Regi::Egen) {
            if l.beviljad > Decimal::ZERO || l.utford > Decimal::ZERO {
                let e = acc.entry((l.insats, &*l.enhet)).or_default();
                e.0 += l.beviljad;
                e.1 += l.utford;
                e.2 += 1;
            }
        }
    }
    let mut acc: Vec<_> = acc.into_iter().collect();
    acc.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let names: BTreeMap<&str, &str> = units.iter().map(|u| (u.enhet.as_str(), u.enhet_name.as_str())).collect();
    acc.into_iter()
        .filter(|(_, (b, u, _))| *b > Decimal::ZERO && *u > Decimal::ZERO)
        .map(|((insats, enhet), (beviljad, utford, clients))| {
            let enhet_name = names.get(enhet).map_or(enhet, |n| n).to_owned();
            Utforandegrad {
                insats,
                enhet: enhet.to_owned(),
                enhet_name,
                beviljad,
                utford,
                grad: percent_of(utford, beviljad),
                clients,
            }
        })
        .collect()
}

//! The check of the whole (KPB.md §1, step 4): ledger total = Σ clients' KPB cost +
//! assistansersättning placed + Σ remainders by reason, to the öre. The difference is shown,
//! and it is zero unless the engine is wrong.

use super::Remainders;
use crate::import::Dataset;
use crate::report::{ClientCost, ReconKey, ReconLine, Reconciliation};
use rust_decimal::Decimal;

/// Reconciles the ledger (`ledger_total` over `ledger_rows` rows) with what the clients got
/// and what every step left as a remainder.
pub(crate) fn reconcile(
    ds: &Dataset,
    ledger_total: Decimal,
    ledger_rows: u32,
    clients: &[ClientCost],
    remainders: &Remainders,
) -> Reconciliation {
    let placed: Decimal = clients.iter().map(|c| c.total).sum();
    let assistansersattning: Decimal = clients.iter().map(|c| c.assistansersattning).sum();
    let mut lines = Vec::new();
    for key in ReconKey::ALL {
        let (amount, sources, first) = match key {
            ReconKey::Placerat => (placed, Vec::new(), None),
            ReconKey::Assistansersattning => (assistansersattning, Vec::new(), None),
            _ => match remainders.get(&key) {
                Some(r) => (r.amount, r.lines.sources(ds), r.lines.first(ds)),
                None => continue,
            },
        };
        if amount.is_zero() && !key.is_placed() {
            continue;
        }
        lines.push(ReconLine { key, amount, sources, first });
    }
    let sum: Decimal = lines.iter().map(|l| l.amount).sum();
    // Of the cost meant for the clients, the share that reached them.
    let unplaced: Decimal = lines.iter().filter(|l| l.key.is_mendable()).map(|l| l.amount.max(Decimal::ZERO)).sum();
    Reconciliation {
        ledger_total,
        ledger_rows,
        difference: ledger_total - sum,
        placed_share: (placed + unplaced > Decimal::ZERO).then(|| placed / (placed + unplaced) * Decimal::ONE_HUNDRED),
        unplaced,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::Amount;

    #[test]
    fn every_krona_is_placed_or_a_remainder_and_the_difference_shows_what_is_not() {
        let ds = Dataset::default();
        let client = |total: i64| ClientCost {
            id: String::new(),
            age: None,
            age_group: None,
            kon: None,
            boendeform: crate::model::Boendeform::Ordinart,
            total: Decimal::from(total),
            assistansersattning: Decimal::ZERO,
            lines: Vec::new(),
        };
        let remainders = Remainders::from([
            (ReconKey::Avgift, Amount { amount: Decimal::from(-50), ..Amount::default() }),
            (ReconKey::UtanVolym, Amount { amount: Decimal::from(300), ..Amount::default() }),
            (ReconKey::Exkluderat, Amount::default()),
        ]);
        let r = reconcile(&ds, Decimal::from(1000), 4, &[client(600), client(150)], &remainders);
        let keys: Vec<ReconKey> = r.lines.iter().map(|l| l.key).collect();
        assert_eq!(keys, [ReconKey::Placerat, ReconKey::Assistansersattning, ReconKey::Avgift, ReconKey::UtanVolym]);
        assert_eq!(r.difference, Decimal::ZERO);
        assert_eq!(r.unplaced, Decimal::from(300));
        // 750 of the 1 050 kr meant for the clients reached them.
        assert_eq!(r.placed_share.map(|s| s.round_dp(4)), Some(Decimal::new(714286, 4)));
        // A krona lost on the way shows.
        let r = reconcile(&ds, Decimal::from(1001), 4, &[client(600), client(150)], &remainders);
        assert_eq!(r.difference, Decimal::ONE);
    }
}

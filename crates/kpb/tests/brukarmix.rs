//! Brukarmix counts brukare by the one rule (`report::BRUKARE_RULE`): a brukare with a cost, and
//! in an insats a brukare with a cost in it — so its groups agree with the nyckeltal and the
//! Enheter view. The example data has a brukare whose only line is in an enhet in data error
//! (cost 0): it counts nowhere.

use kpb::report::Group;
use rust_decimal::Decimal;

mod common;
use common::example;

fn count(groups: &[Group]) -> u32 {
    groups.iter().map(|g| g.clients).sum()
}

#[test]
fn brukarmix_counts_the_brukare_with_a_cost() {
    let report = example();
    // 536 brukare have lines; one of them has no cost (Servicebostad at Gruppbostad Svalan, an
    // enhet in data error). The nyckeltal say 535.
    assert_eq!(report.clients.len(), 536);
    assert_eq!(report.clients.iter().filter(|c| c.total.is_zero()).count(), 1);
    let brukare = report.nyckeltal.iter().find(|k| k.id == "KPB-BRUKARE").unwrap();
    assert_eq!(brukare.denominator, Decimal::from(535));
    for groups in [&report.mix.by_age, &report.mix.by_kon, &report.mix.by_boendeform] {
        assert_eq!(count(groups), 535);
    }
    // Per insats: the brukare with a cost in it, whatever the regi (counted from the lines here).
    for g in &report.mix.by_insats {
        let with_cost = report
            .clients
            .iter()
            .filter(|c| {
                let cost: Decimal = c.lines.iter().filter(|l| l.insats.name() == g.label).map(|l| l.cost).sum();
                !cost.is_zero()
            })
            .count();
        assert_eq!(g.clients as usize, with_cost, "{}", g.label);
        assert!(g.clients > 0);
    }
    let servicebostad = report.mix.by_insats.iter().find(|g| g.label.starts_with("Servicebostad")).unwrap();
    assert_eq!(servicebostad.clients, 11);
}

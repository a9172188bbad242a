//! The worked example of KPB.md §8 (Halmstad, personlig assistans, one month) through the real
//! files and the real pipeline.

use kpb::{ImportSettings, InputFile, Settings, compute, load};
use rust_decimal::Decimal;

fn fixture(dir: &str, names: &[&str]) -> Vec<InputFile> {
    names
        .iter()
        .map(|n| {
            let path = format!("{}/tests/data/{dir}/{n}", env!("CARGO_MANIFEST_DIR"));
            InputFile { name: n.to_string(), bytes: std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")) }
        })
        .collect()
}

#[test]
fn halmstad_net_hourly_cost_per_unit_is_exact() {
    let files = fixture("halmstad", &["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv"]);
    let data = load(&files, &ImportSettings::default());
    assert!(data.findings.is_empty(), "{:#?}", data.findings);
    let report = compute(&data, &Settings::default());
    assert_eq!(report.year, 2025);

    let net = report.nyckeltal.iter().find(|n| n.id == "U25005").expect("U25005");
    let unit = |code: &str| net.by_enhet.iter().find(|e| e.enhet == code).expect(code);
    let (u1, u2) = (unit("Enhet 1"), unit("Enhet 2"));
    assert_eq!((u1.numerator, u1.denominator), (Decimal::from(54_873), Decimal::from(3_665)));
    assert_eq!((u2.numerator, u2.denominator), (Decimal::from(787_940), Decimal::from(2_815)));
    assert_eq!(u1.value, Some(Decimal::from(54_873) / Decimal::from(3_665)));
    assert_eq!(u2.value, Some(Decimal::from(787_940) / Decimal::from(2_815)));
    // The municipality: Σ cost / Σ hours, not the mean of the unit rates.
    assert_eq!(net.value, Some(Decimal::from(54_873 + 787_940) / Decimal::from(3_665 + 2_815)));

    // Client 4's assistansersättning exceeds the cost; client 15 is 76 % of unit 2's cost.
    let client = |id: &str| report.clients.iter().find(|c| c.id == id).expect(id);
    assert_eq!(client("B04").net(), Decimal::from(-750));
    assert_eq!(client("B15").net(), Decimal::from(596_250));
    let share = client("B15").net() * Decimal::ONE_HUNDRED / u2.numerator;
    assert_eq!(share.round(), Decimal::from(76));

    // Everything in the ledger is on a client: the ledger is the two units' net costs, and so is
    // the sum of the clients' net costs (not only the engine's own difference of the two).
    let ledger = Decimal::from(54_873 + 787_940);
    assert_eq!(report.reconciliation.ledger_total, ledger);
    assert_eq!(report.clients.iter().map(|c| c.net()).sum::<Decimal>(), ledger);
    assert_eq!(report.reconciliation.difference, Decimal::ZERO);
    assert_eq!(
        report.reconciliation.lines.iter().map(|l| l.key.code()).collect::<Vec<_>>(),
        vec!["placerat", "assistansersattning"]
    );
}

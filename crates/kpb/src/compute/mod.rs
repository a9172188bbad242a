//! The whole computation on a read [`Dataset`], as SKR's method has it (KPB.md §1): the six
//! steps of [`crate::steps`], one after the other, each handing its values to the next; then the
//! figures on the clients' costs (nyckeltal, Kolada's N-KPIs, ytterfall, distribution, brukarmix,
//! utförandegrad); then the [`Report`], built once from the values.
//!
//! Invariant: ledger total = Σ client costs + Σ remainders by reason (the reconciliation).

mod analysis;
mod figures;
mod kolada;
mod monthly;
pub mod year;

pub use year::infer_year;

use crate::import::Dataset;
use crate::report::{ClientCost, Report};
use crate::settings::Settings;
use crate::steps::{add_remainders, allocate, client_costs, place, reconcile, unit_costs, validate, volumes};

/// Runs the whole computation. Deterministic: the same data and settings give the same report,
/// whatever the order of the rows.
pub fn compute(ds: &Dataset, settings: &Settings) -> Report {
    let year = year::decide(ds, settings);
    let y = year.year;
    // Step 1, the catalogue of insatser, is `steps::catalogue`: every row names an insats of it.
    // Step 2: every ledger row to a cell, a pool of common cost or a remainder.
    let placed = place::place(ds, settings, y);
    // Step 3: the volumes per cell and client.
    let mut volumes = volumes::volumes(ds, settings, y);
    // Step 2, continued: the pools onto the cells in egen regi, by the key.
    let allocated = allocate::allocate(placed.cells, placed.pools, &volumes, &settings.key, ds);
    // Step 4: the checks that need costs and volumes together.
    let checks = validate::validate(ds, y, &allocated, &volumes);
    volumes.drop_periods();
    // The monthly follow-up, on the same steps' months.
    let (monthly, period_findings) =
        monthly::monthly(ds, settings, y, &allocated, &placed.pool_months, &placed.without_month, &volumes);
    // Step 5: unit costs per cell and insats.
    let unit_costs = unit_costs::unit_costs(ds, &allocated, &volumes);
    // Step 6: each client's cost.
    let client_costs = client_costs::client_costs(ds, settings, y, &allocated, &volumes, &unit_costs);
    // Step 4, the whole: the ledger against what the clients got and every step's remainders.
    let mut remainders = placed.remainders;
    add_remainders(&mut remainders, allocated.remainders);
    add_remainders(&mut remainders, client_costs.remainders);
    let reconciliation =
        reconcile::reconcile(ds, placed.ledger_total, placed.ledger_rows, &client_costs.clients, &remainders);

    // The figures on the clients' costs.
    let clients = client_costs.clients;
    let ytterfall = analysis::ytterfall(&clients, &settings.thresholds);
    // Each client's insatser as bits: a figure of some insatser skips the other clients
    // without reading their lines.
    let insatser_of: Vec<u32> = clients.iter().map(|c| c.lines.iter().fold(0, |b, l| b | l.insats.bit())).collect();
    let mut nyckeltal = figures::nyckeltal(ds, settings, y, &unit_costs, &clients, &insatser_of, &ytterfall);
    nyckeltal.extend(kolada::figures(ds, y, &clients, &insatser_of));

    // Findings: import first, then the steps', in the order of the steps; errors before
    // warnings before info.
    let mut findings = ds.findings.clone();
    findings.extend(year.finding);
    findings.extend(placed.findings);
    findings.extend(volumes.findings);
    findings.extend(allocated.findings);
    findings.extend(checks);
    findings.extend(period_findings);
    findings.sort_by_key(|f| f.severity);

    Report {
        year: y,
        year_basis: year.basis,
        settings: settings.clone(),
        files: ds.files.clone(),
        unknown_insatser: ds.unknown_insatser.clone(),
        mapping: ds.org.to_rows(),
        konto_rules: ds
            .konton
            .rules
            .iter()
            .filter(|r| r.line.is_some())
            .map(|r| [r.from.clone(), r.to.clone(), r.typ.name().to_owned()])
            .collect(),
        unmapped: placed.unmapped.into_iter().collect(),
        findings,
        distribution: analysis::distribution(&clients),
        mix: analysis::mix(&clients, settings),
        utforandegrad: analysis::utforandegrad(&clients, &unit_costs.units),
        units: unit_costs.units,
        insatser: unit_costs.insatser,
        pools: allocated.pools,
        nyckeltal,
        ytterfall,
        client_count: clients.len() as u32,
        clients,
        reconciliation,
        monthly,
    }
}

/// The clients with one of the insatser `want` ([`Insats::bits`](crate::model::Insats::bits)),
/// told by each client's insatser as bits (`insatser_of`, beside `clients`): a figure of some
/// insatser never reads the other clients' lines.
fn having<'a>(clients: &'a [ClientCost], insatser_of: &'a [u32], want: u32) -> impl Iterator<Item = &'a ClientCost> {
    clients.iter().zip(insatser_of).filter(move |(_, of)| *of & want != 0).map(|(c, _)| c)
}

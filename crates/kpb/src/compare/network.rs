//! The own results as an aggregated file for a network of municipalities, in Kolada's shape: the
//! `values` have exactly the form of Kolada's data answer (KPI, municipality, period, values per
//! gender), with the KPB method's U-ids and Kolada's N-ids computed by Kolada's definitions
//! (KPB.md §3b). Kolada no longer publishes or takes the KPB U-KPIs (since 2025): the file is for
//! the network only. The tool's own figures (ids `KPB-…`, which Kolada never had) follow in
//! `kpb_values`, per-unit figures in `ou_values`, the distribution in `distribution`. No client
//! rows, and no figure resting on fewer clients than the chosen minimum.

use crate::model::Regi;
use crate::report::Report;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The format's name and version, written in every file.
pub const FORMAT: &str = "kpb-natverk/1";

fn number(d: Decimal) -> Value {
    // Two decimals: the file is for comparison, not for re-computation.
    let d = crate::format::rounded(d, 2);
    serde_json::Number::from_f64(rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or(0.0))
        .map_or(Value::Null, Value::Number)
}

/// How many clients a nyckeltal rests on: those of its ytterfall scope, or the distinct clients
/// with a line of its insatser — in egen regi for the egen-regi figures, at its enheter where it
/// has figures per enhet, and of the age it covers. Never more than are really behind it.
fn clients_behind(report: &Report, id: &str) -> u32 {
    if let Some(y) = report
        .ytterfall
        .iter()
        .find(|y| y.kolada.as_deref() == Some(id) || (id == "KPB-YTTERFALL-SABO" && y.kolada.is_none()))
    {
        return y.clients;
    }
    let Some(n) = report.nyckeltal.iter().find(|n| n.id == id) else { return 0 };
    if n.insatser.is_empty() {
        // A figure over every client (the deviation from the standard cost).
        return report.client_count;
    }
    // The catalogue names every egen-regi figure so ("…, egen regi, …").
    let egen_only = n.name.contains("egen regi") && !n.name.contains("egen och annan regi");
    let enheter: BTreeSet<&str> = n.by_enhet.iter().map(|e| e.enhet.as_str()).collect();
    // The share of the older clients' dygn rests on the older clients (of known age); the adults'
    // gruppbostad figure counts clients of unknown age too, as the figure does.
    let of_age = |age: Option<u32>| match id {
        "U28019" => age.is_some_and(|a| a >= 65),
        "U28030" => age.is_none_or(|a| a >= 18),
        _ => true,
    };
    let counted = report
        .clients
        .iter()
        .filter(|c| of_age(c.age))
        .filter(|c| {
            c.lines.iter().any(|l| {
                n.insatser.contains(&l.insats)
                    && (!egen_only || l.regi == Regi::Egen)
                    && (enheter.is_empty() || enheter.contains(&*l.enhet))
            })
        })
        .count() as u32;
    n.clients.map_or(counted, |c| c.min(counted))
}

/// The network file for a report. `municipality` is the own id (four digits) and name.
pub fn write(report: &Report, municipality: (&str, &str), status: &str, min_clients: u32) -> String {
    let (id, title) = municipality;
    let kolada_value = |value: Option<Decimal>, status: &str| json!([{ "gender": "T", "count": 1, "status": status, "value": value.map_or(Value::Null, number) }]);
    let (mut values, mut kpb_values) = (Vec::new(), Vec::new());
    let mut suppressed = 0u32;
    for n in &report.nyckeltal {
        let Some(v) = n.value else { continue };
        let list = if n.id.starts_with("KPB-") { &mut kpb_values } else { &mut values };
        let value = if clients_behind(report, &n.id) < min_clients {
            suppressed += 1;
            kolada_value(None, "för få brukare")
        } else {
            kolada_value(Some(v), "")
        };
        list.push(json!({ "kpi": n.id, "municipality": id, "period": report.year, "values": value }));
    }
    let mut ou_values = Vec::new();
    for n in report.nyckeltal.iter().filter(|n| !n.by_enhet.is_empty()) {
        for e in &n.by_enhet {
            let clients = report
                .units
                .iter()
                .filter(|u| u.enhet == e.enhet && u.regi == Regi::Egen && n.insatser.contains(&u.insats))
                .map(|u| u.clients)
                .max()
                .unwrap_or(0);
            let (value, status) = if clients < min_clients { (None, "för få brukare") } else { (e.value, "") };
            if value.is_none() && status.is_empty() {
                continue;
            }
            ou_values.push(json!({
                "kpi": n.id, "ou": e.enhet, "title": e.enhet_name, "municipality": id, "period": report.year,
                "values": kolada_value(value, status),
            }));
        }
    }
    let d = &report.distribution;
    let distribution = if d.clients >= 10 * min_clients.max(1) {
        json!({ "clients": d.clients, "deciles": d.deciles.iter().map(|v| number(*v)).collect::<Vec<_>>(),
                "top": d.top.iter()
                    // "The dearest 1 %" of 60 clients is one client: only shares of at least the minimum.
                    .filter(|(x, _)| *x * Decimal::from(d.clients) >= Decimal::from(100 * min_clients.max(1)))
                    .map(|(x, y)| json!([number(*x), number(*y)])).collect::<Vec<_>>() })
    } else {
        json!({ "clients": Value::Null, "note": "för få brukare" })
    };
    let file = json!({
        "format": FORMAT,
        "description": "Kostnad per brukare (KPB), aggregerade resultat. Inga uppgifter om enskilda brukare.",
        "municipality": { "id": id, "title": title },
        "period": report.year,
        "status": status,
        "min_clients": min_clients,
        "suppressed": suppressed,
        "settings": { "allocation_key": report.settings.key.name() },
        "values": values,
        "kpb_values": kpb_values,
        "ou_values": ou_values,
        "distribution": distribution,
    });
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

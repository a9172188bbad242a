//! Example comparison files, for showing the app's comparison views on the example data: the
//! example municipality's previous year, a Kolada v3 answer with Kolada's N-KPIs for three
//! invented municipalities, their group and the example municipality itself over three years,
//! the network files of two invented partners, quality results for the example's units, and
//! Kolada's user survey results per unit for invented Kolada units resembling them (with the
//! unit list).
//! Every value is invented and marked so ("påhittad"): the municipalities are made by the
//! generator (another seed, another cost level) and their figures computed by the engine by
//! Kolada's definitions; the example municipality's "Kolada value" is its own figure off by a few
//! per cent, as when the räkenskapssammandrag books differently from the ledger extract.

use crate::{Options, Size, generate};
use kpb::{ImportSettings, InputFile, Insats, Regi, Report, Settings, compute, load};
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// Invented municipalities in the Kolada answer: id (not a real municipality's), name, seed.
const KOLADA: [(&str, &str, u64); 3] =
    [("9901", "Björkby (påhittad)", 11), ("9902", "Sjöstad (påhittad)", 12), ("9903", "Tallvik (påhittad)", 13)];
/// Their comparison group.
const GROUP: (&str, &str) = ("G99001", "Liknande kommuner, påhittad");
/// The example municipality's own figures in "Kolada": its seed, and how far (per mille) the
/// räkenskapssammandrag is from its ledger extract.
const OWN_SEED: u64 = 1;
const OWN_IN_KOLADA_PER_MILLE: i64 = 1_040;
/// Invented network partners.
const NETWORK: [(&str, &str, u64); 2] = [("9904", "Granvik", 14), ("9905", "Ekeby", 15)];
/// The own municipality's id and name in the example.
pub const OWN: (&str, &str) = ("9999", "Exempelkommun");

fn report(year: i32, seed: u64) -> Report {
    let g = generate(&Options { size: Size::Example, year, seed, ..Options::default() });
    let files: Vec<InputFile> = g
        .files
        .iter()
        .map(|(name, text)| InputFile { name: (*name).to_owned(), bytes: text.clone().into_bytes() })
        .collect();
    compute(&load(&files, &ImportSettings::default()), &Settings::default())
}

fn number(d: Decimal) -> Value {
    serde_json::from_str(&d.normalize().to_string()).unwrap_or(Value::Null)
}

/// Kolada's values as the API answers them (v3), one decimal as Kolada publishes: the N-KPIs only
/// (Kolada no longer publishes the KPB U-KPIs).
fn kolada_answer(years: &[i32]) -> String {
    let mut values = Vec::new();
    for &year in years {
        let reports: Vec<(&str, Report)> = KOLADA.iter().map(|(id, _, seed)| (*id, report(year, *seed))).collect();
        let own = report(year, OWN_SEED);
        let Some((_, first)) = reports.first() else { continue };
        for n in first.nyckeltal.iter().filter(|n| n.id.starts_with('N')) {
            let in_kolada = own
                .nyckeltal
                .iter()
                .find(|m| m.id == n.id)
                .and_then(|m| m.value)
                .map(|v| (v * Decimal::from(OWN_IN_KOLADA_PER_MILLE) / Decimal::from(1_000)).round_dp(1));
            values.push(entry(&n.id, OWN.0, year, in_kolada));
            let of =
                |r: &Report| r.nyckeltal.iter().find(|m| m.id == n.id).and_then(|m| m.value).map(|v| v.round_dp(1));
            let mut sum = Decimal::ZERO;
            let mut count = 0u32;
            for (id, r) in &reports {
                let v = of(r);
                if let Some(v) = v {
                    sum += v;
                    count += 1;
                }
                values.push(entry(&n.id, id, year, v));
            }
            let mean = (count > 0).then(|| (sum / Decimal::from(count)).round_dp(1));
            values.push(entry(&n.id, GROUP.0, year, mean));
        }
    }
    let answer =
        json!({ "count": values.len(), "values": values, "next_url": Value::Null, "previous_url": Value::Null });
    serde_json::to_string_pretty(&answer).unwrap_or_default()
}

fn entry(kpi: &str, area: &str, year: i32, value: Option<Decimal>) -> Value {
    let status = if value.is_some() { "" } else { "Saknas" };
    json!({ "kpi": kpi, "municipality": area, "period": year,
            "values": [{ "gender": "T", "count": 1, "status": status, "value": value.map_or(Value::Null, number) }] })
}

/// Kolada's municipality list for the invented municipalities and their group.
fn municipality_list() -> String {
    let mut list: Vec<Value> =
        KOLADA.iter().map(|(id, name, _)| json!({ "id": id, "title": name, "type": "K" })).collect();
    list.push(json!({ "id": GROUP.0, "title": GROUP.1, "type": "G" }));
    serde_json::to_string_pretty(&json!({ "count": list.len(), "values": list })).unwrap_or_default()
}

/// Quality results for the example's own hemtjänst areas and boenden: the dearer unit tends to
/// score a little lower, with a unit's own deviation.
fn quality(own: &Report) -> String {
    let mut text = String::from("Enhet;Mått;Värde;År\n");
    for (insats, measure) in
        [(Insats::Hemtjanst, "Andel nöjda med hemtjänsten, %"), (Insats::SarskiltBoende, "Andel nöjda med boendet, %")]
    {
        let units: Vec<_> = own.units.iter().filter(|u| u.insats == insats && u.regi == Regi::Egen).collect();
        let costs: Vec<Decimal> = units.iter().filter_map(|u| u.unit_cost).collect();
        if costs.is_empty() {
            continue;
        }
        let mean = costs.iter().sum::<Decimal>() / Decimal::from(costs.len());
        for u in units {
            let Some(cost) = u.unit_cost else { continue };
            let own_deviation = u.enhet.bytes().fold(0i64, |h, b| (h * 31 + i64::from(b)) % 1009) % 7 - 3;
            let score = Decimal::from(88 + own_deviation) - (cost / mean - Decimal::ONE) * Decimal::from(60);
            let score = score.round().clamp(Decimal::from(55), Decimal::from(98));
            text.push_str(&format!("{};{measure};{score};{}\n", u.enhet, own.year));
        }
    }
    text
}

/// Invented Kolada units (`ou`) of the example municipality: id, name, the own enhet whose cost
/// its user survey result follows (none: a unit the example has no enhet for). Most names
/// resemble the own enheter's as Kolada's often do ("Hemtjänstgrupp Norr" for "Hemtjänst Norr"),
/// so the app suggests them; two do not ("Centrumgruppen", "Solgårdens äldreboende"), to be
/// mapped by hand.
const UNITS: [(&str, &str, &str); 8] = [
    ("V15E999900101", "Hemtjänstgrupp Norr (påhittad)", "HT-NORR"),
    ("V15E999900201", "Hemtjänst Söder (påhittad)", "HT-SODER"),
    ("V15E999900301", "Hemtjänstområde Öster (påhittad)", "HT-OSTER"),
    ("V15E999900401", "Centrumgruppen (påhittad)", "HT-CENTRUM"),
    ("V15E999900501", "Björkhagen vård- och omsorgsboende (påhittad)", "SB-BJORK"),
    ("V15E999900601", "Solgårdens äldreboende (påhittad)", "SB-SOL"),
    ("V15E999900701", "Eken demensboende (påhittad)", "SB-EKEN"),
    ("V15E999900801", "Omsorgsbolaget hemtjänst (påhittad)", ""),
];
/// The unit whose result Kolada does not have (too few answers): `null`, status "Saknas".
const UNIT_WITHOUT_VALUE: &str = "V15E999900601";

/// Kolada's unit values (`/v3/oudata`) for the invented units, the example's year: the share of
/// users of Socialstyrelsen's survey who always or mostly get a good reception (hemtjänst U21504,
/// särskilt boende U23520), invented like the quality results: the dearer unit a little lower.
fn kolada_units_answer(own: &Report) -> String {
    let mut values = Vec::new();
    for (insats, kpi) in [(Insats::Hemtjanst, "U21504"), (Insats::SarskiltBoende, "U23520")] {
        let units: Vec<_> = own.units.iter().filter(|u| u.insats == insats && u.regi == Regi::Egen).collect();
        let costs: Vec<Decimal> = units.iter().filter_map(|u| u.unit_cost).collect();
        if costs.is_empty() {
            continue;
        }
        let mean = costs.iter().sum::<Decimal>() / Decimal::from(costs.len());
        for (id, _, enhet) in UNITS {
            let cost = if enhet.is_empty() {
                (insats == Insats::Hemtjanst).then_some(mean)
            } else {
                units.iter().find(|u| u.enhet == enhet).and_then(|u| u.unit_cost)
            };
            let Some(cost) = cost else { continue };
            let own_deviation = id.bytes().fold(0i64, |h, b| (h * 31 + i64::from(b)) % 1009) % 5 - 2;
            let score = Decimal::from(92 + own_deviation) - (cost / mean - Decimal::ONE) * Decimal::from(40);
            let score = score.round().clamp(Decimal::from(60), Decimal::from(99));
            let value = (id != UNIT_WITHOUT_VALUE).then_some(score);
            let status = if value.is_some() { "" } else { "Saknas" };
            values.push(json!({ "kpi": kpi, "ou": id, "period": own.year,
                "values": [{ "gender": "T", "count": 1, "status": status, "value": value.map_or(Value::Null, number) }] }));
        }
    }
    let answer =
        json!({ "count": values.len(), "values": values, "next_url": Value::Null, "previous_url": Value::Null });
    serde_json::to_string_pretty(&answer).unwrap_or_default()
}

/// Kolada's unit list (`/v3/ou`) for the invented units, all in the example municipality.
fn unit_list() -> String {
    let list: Vec<Value> =
        UNITS.iter().map(|(id, name, _)| json!({ "id": id, "municipality": OWN.0, "title": name })).collect();
    let answer = json!({ "count": list.len(), "values": list, "next_url": Value::Null, "previous_url": Value::Null });
    serde_json::to_string_pretty(&answer).unwrap_or_default()
}

/// The example comparison files for the example municipality's `year`: (path, content), the
/// previous year's extracts under `<year - 1>/`.
pub fn files(year: i32) -> Vec<(String, String)> {
    let previous = generate(&Options { size: Size::Example, year: year - 1, seed: 1, ..Options::default() });
    let mut out: Vec<(String, String)> =
        previous.files.into_iter().map(|(name, text)| (format!("{}/{name}", year - 1), text)).collect();
    out.push(("kolada-exempel.json".into(), kolada_answer(&[year - 2, year - 1, year])));
    out.push(("kolada-kommuner-exempel.json".into(), municipality_list()));
    for (id, name, seed) in NETWORK {
        let file = kpb::compare::network::write(&report(year, seed), (id, name), "Validerad", 5);
        out.push((format!("natverk-{}.json", name.to_lowercase()), file));
    }
    let own = report(year, 1);
    out.push(("kvalitet-exempel.csv".into(), quality(&own)));
    out.push(("kolada-enheter-exempel.json".into(), kolada_units_answer(&own)));
    out.push(("kolada-enhetslista-exempel.json".into(), unit_list()));
    out
}

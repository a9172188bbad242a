//! Prints, as JSON, the figures the app shows for the files in a directory, formatted as the
//! app formats them: what the end-to-end tests compare the rendered page with.
//!
//! `cargo run -p kpb --example figures -- DIR [REFERENCE FILE …]`: with reference files (Kolada,
//! network), also the comparison of every nyckeltal they have values for (all areas, against the
//! mean). `KPB_OWN=9999` names the own municipality's id, for Kolada's own value beside it.
//! `KPB_MONTHLY=full` counts the monthly follow-up on full cost, `KPB_THROUGH=10` shows it
//! through October (as the settings in the app). `KPB_HISTORY=DIR` reads another year's files,
//! for the report's summary against last year.

use kpb::finding::Severity;
use kpb::{ImportSettings, Settings, compute, format, load};

mod common;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: figures DIR [REFERENCE FILE …]");
    let references: Vec<kpb::InputFile> = args
        .map(|path| kpb::InputFile {
            name: path.rsplit('/').next().unwrap_or(&path).to_owned(),
            bytes: std::fs::read(&path).expect("a reference file"),
        })
        .collect();
    let files = common::read_dir(&dir);
    let settings = Settings {
        monthly_basis: match std::env::var("KPB_MONTHLY").as_deref() {
            Ok("full") => kpb::settings::CostBasis::Full,
            _ => kpb::settings::CostBasis::Direct,
        },
        monthly_through: std::env::var("KPB_THROUGH").ok().and_then(|m| m.parse().ok()),
        ..Settings::default()
    };
    let report = compute(&load(&files, &ImportSettings::default()), &settings);
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let nyckeltal: Vec<String> = report
        .nyckeltal
        .iter()
        .map(|n| format!("{}:{}", quote(&n.id), n.value.map_or("null".into(), |v| quote(&format::figure(n.unit, v)))))
        .collect();
    let units: Vec<String> = report
        .units
        .iter()
        .filter(|u| u.regi == kpb::Regi::Egen)
        .filter_map(|u| {
            u.unit_cost.map(|c| {
                format!(
                    "{}:{}",
                    quote(&format!("{} {}", u.insats.code(), u.enhet_name)),
                    quote(&format!("{} kr", format::kr(c)))
                )
            })
        })
        .collect();
    // Unrounded, for the tests that compare years.
    let exact: Vec<String> = report
        .units
        .iter()
        .filter(|u| u.regi == kpb::Regi::Egen)
        .filter_map(|u| u.unit_cost.map(|c| format!("{}:{c}", quote(&format!("{} {}", u.insats.code(), u.enhet_name)))))
        .collect();
    let data = kpb::compare::load(&references, b"k");
    let settings =
        kpb::compare::CompareSettings { own_id: std::env::var("KPB_OWN").unwrap_or_default(), ..Default::default() };
    let kpis = kpb::compare::kpis(&report, &data, &settings);
    // The nämnd report's summary, as its first page writes it: id → [value, last year, change,
    // comparison, difference] ("–" where there is none), and the sentences.
    let history: Vec<kpb::compare::YearFigures> = std::env::var("KPB_HISTORY")
        .ok()
        .map(|dir| {
            let files = common::read_dir(&dir);
            kpb::compare::YearFigures::of(&compute(&load(&files, &ImportSettings::default()), &Settings::default()))
        })
        .into_iter()
        .collect();
    let summary = kpb::compare::summary(&report, &history, &kpis);
    let dash = || "–".to_owned();
    let summary = format!(
        "{{\"last_year\":{},\"rows\":{{{}}},\"points\":[{}]}}",
        summary.last_year.map_or("null".into(), |y| y.to_string()),
        summary
            .rows
            .iter()
            .map(|r| {
                let cells = [
                    format::figure(r.unit, r.value),
                    r.last_year.map_or_else(dash, |v| format::figure(r.unit, v)),
                    r.change.map_or_else(dash, format::change),
                    r.reference.as_ref().map_or_else(dash, |(_, v)| format::figure(r.unit, *v)),
                    r.against.map_or_else(dash, format::change),
                ];
                format!("{}:[{}]", quote(&r.id), cells.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","))
            })
            .collect::<Vec<_>>()
            .join(","),
        summary.points.iter().map(|p| quote(p)).collect::<Vec<_>>().join(",")
    );
    let comparisons: Vec<String> = kpis
        .iter()
        .map(|c| {
            let kolada = c.in_kolada.as_ref();
            format!(
                "{}:{{\"mean\":{},\"rank\":{},\"potential\":{},\"in_kolada\":{},\"difference\":{}}}",
                quote(&c.id),
                c.mean.map_or("null".into(), |m| quote(&format::figure(c.unit, m))),
                c.rank.map_or("null".into(), |(r, of)| quote(&format!("{r} av {of}"))),
                c.potential.map_or("null".into(), |p| quote(&format!("{} kr", format::kr(p)))),
                kolada.and_then(|k| k.value).map_or("null".into(), |v| quote(&format::figure(c.unit, v))),
                kolada.and_then(|k| k.difference).map_or("null".into(), |v| quote(&if c.unit
                    == kpb::report::FigureUnit::Procent
                {
                    format!("{} procentenheter", format::number(v, 1))
                } else {
                    format::figure(c.unit, v)
                }))
            )
        })
        .collect();
    // The monthly follow-up's overview rows, as the page writes them: "HEMTJ Hemtjänst Norr" →
    // [cost so far, volume, kr per unit so far, last month, rolling 3, brukare, projection]; and
    // each row's unit cost month by month.
    let per = |v: Option<rust_decimal::Decimal>| v.map_or_else(|| "–".to_owned(), format::kr);
    let list = |cells: Vec<String>| cells.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",");
    let (monthly_rows, monthly_months): (Vec<String>, Vec<String>) = report
        .monthly
        .iter()
        .flat_map(|m| &m.rows)
        .map(|r| {
            let annan = if r.regi == kpb::Regi::Annan { " (annan regi)" } else { "" };
            let key = quote(&format!("{} {}{annan}", r.insats.code(), r.enhet_name));
            let last = r.months.last();
            let cells = vec![
                format::kr(r.year_to_date.cost),
                format::volume(r.year_to_date.volume),
                per(r.year_to_date.unit_cost),
                per(last.and_then(|m| m.unit_cost)),
                per(last.and_then(|m| m.rolling)),
                r.year_to_date.brukare.to_string(),
                r.projection.as_ref().map_or_else(|| "–".to_owned(), |p| format::kr(p.cost)),
            ];
            let months = r.months.iter().map(|m| per(m.unit_cost)).collect();
            (format!("{key}:[{}]", list(cells)), format!("{key}:[{}]", list(months)))
        })
        .unzip();
    let flags: Vec<String> = report.monthly.iter().flat_map(|m| &m.flags).map(|f| quote(&f.message())).collect();
    let monthly = report.monthly.as_ref().map_or("null".to_owned(), |m| {
        format!(
            "{{\"through\":{},\"rows\":{{{}}},\"months\":{{{}}},\"flags\":[{}]}}",
            m.through,
            monthly_rows.join(","),
            monthly_months.join(","),
            flags.join(",")
        )
    });
    let count = |sev| report.findings.iter().filter(|f| f.severity == sev).map(|f| f.count).sum::<u32>();
    println!(
        "{{\"year\":{},\"nyckeltal\":{{{}}},\"units\":{{{}}},\"units_exact\":{{{}}},\"compare\":{{{}}},\"difference\":{},\"errors\":{},\"warnings\":{},\"clients\":{},\"brukare_egen\":{{{}}},\"monthly\":{},\"summary\":{}}}",
        report.year,
        nyckeltal.join(","),
        units.join(","),
        exact.join(","),
        comparisons.join(","),
        quote(&format!("{} kr", format::ore(report.reconciliation.difference))),
        count(Severity::Fel),
        count(Severity::Varning),
        report.client_count,
        report
            .insatser
            .iter()
            .map(|i| format!("{}:{}", quote(i.insats.code()), i.clients))
            .collect::<Vec<_>>()
            .join(","),
        monthly,
        summary
    );
}

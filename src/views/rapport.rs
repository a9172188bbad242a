//! A printable report for the nämnd: the cost basis and the status first, then the key figures,
//! the units side by side, ytterfall and the distribution. Printed with the browser (to PDF).

use crate::charts::{Bar, BarChart, Unit};
use crate::state::{View, session};

use kpb::finding::Severity;
use kpb::format;
use kpb::model::Regi;
use leptos::prelude::*;

#[component]
pub fn Rapport() -> impl IntoView {
    let s = session();
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <section class="view print-report" aria-labelledby="rapport-rubrik">
            <div class="actions no-print">
                <button data-testid="do-print" on:click=print>"Skriv ut eller spara som PDF"</button>
                <button class="secondary" on:click=move |_| s.go(View::Export)>"Tillbaka"</button>
            </div>
            {move || {
                s.report
                    .get()
                    .map(|r| {
                        let org = s.organisation.get();
                        // The comparison, when reference files are read: the overview table.
                        let rows: Vec<_> = s.reference.with(|d| s.compare_settings.with(|c| kpb::compare::kpis(&r, d, c)))
                            .into_iter()
                            .filter(|row| row.rank.is_some())
                            .collect();
                        // Only files with values per municipality: not quality files, Kolada's lists or Kolada's values per unit.
                        let sources = s.reference.with(|d| d.files.iter().filter(|f| f.values > 0 && !f.kind.starts_with("Kvalitet") && d.values.iter().any(|v| v.file == f.name && v.unit.is_none())).map(|f| f.name.clone()).collect::<Vec<_>>().join(", "));
                        let comparison = (!rows.is_empty()).then(|| view! {
                            <section class="avoid-break" data-testid="report-comparison">
                                <h2>"Jämförelse med andra kommuner"</h2>
                                <p>{format!("Jämförelsevärden ur {sources}. Ovägt medel av de valda kommunerna; grupper och riket räknas inte in.")}</p>
                                <crate::views::jamforelse::Overview rows=rows plain=true />
                            </section>
                        });
                        let status = s.status.get();
                        let (errors, warnings) = (r.finding_count(Severity::Fel), r.finding_count(Severity::Varning));
                        let figures: Vec<_> = r.nyckeltal.iter().filter(|n| n.value.is_some()).cloned().collect();
                        let placed = r.reconciliation.lines.iter().find(|l| l.key == kpb::report::ReconKey::Placerat).map(|l| l.amount).unwrap_or_default();
                        let blocks = r
                            .insatser
                            .iter()
                            .filter(|i| i.unit_cost.is_some())
                            .map(|summary| {
                                let per = summary.insats.unit().singular();
                                let level = summary.unit_cost.unwrap_or_default();
                                let bars: Vec<Bar> = r
                                    .units
                                    .iter()
                                    .filter(|u| u.insats == summary.insats && u.regi == Regi::Egen)
                                    .filter_map(|u| u.unit_cost.map(|v| Bar { label: u.enhet_name.clone(), value: v, emphasis: v > level, note: None }))
                                    .collect();
                                view! {
                                    <div class="avoid-break">
                                        <BarChart
                                            id=format!("rapport-{}", summary.insats.code().to_lowercase())
                                            title=format!("{}: kostnad per {per}, egen regi", summary.insats.name())
                                            description=format!("Hela kommunen {} kr per {per}.", format::kr(level))
                                            unit=Unit::Kr
                                            value_label=format!("Kr per {per}")
                                            bars=bars
                                            reference=Some(("Kommunen".to_owned(), level))
                                        />
                                    </div>
                                }
                            })
                            .collect_view();
                        view! {
                            <header class="report-head">
                                <h1 id="rapport-rubrik">{format!("Kostnad per brukare {}{}", r.year, if org.is_empty() { String::new() } else { format!(" – {org}") })}</h1>
                                <p class=format!("status-line {}", status.name().to_lowercase()) data-testid="report-status">
                                    {format!("Status: {}", status.name())}
                                </p>
                            </header>
                            <section class="avoid-break">
                                <h2>"Kostnadsunderlag"</h2>
                                <ul>
                                    <li>"Metod: SKR:s Kostnad per brukare (KPB). Kostnad = bruttokostnad minus interna intäkter och försäljning till andra huvudmän; avgifter dras inte av."</li>
                                    <li>{format!("Gemensamma kostnader fördelade {}.", r.settings.key.name())}</li>
                                    <li>{format!(
                                        "Huvudbokens summa {} kr ({} rader). KPB-kostnad placerad på {} brukare: {} kr (före avgifter, övriga intäkter och assistansersättning, som redovisas i avstämningen). Differens i avstämningen: {} kr.",
                                        format::kr(r.reconciliation.ledger_total),
                                        r.reconciliation.ledger_rows,
                                        r.client_count,
                                        format::kr(placed),
                                        format::ore(r.reconciliation.difference)
                                    )}</li>
                                    <li>{format!("Kontrollen: {errors} fel och {warnings} varningar i underlaget.")}</li>
                                    <li>{format!("Filer: {}.", r.files.iter().map(|f| f.name.clone()).collect::<Vec<_>>().join(", "))}</li>
                                </ul>
                            </section>
                            <section>
                                <h2>"Nyckeltal"</h2>
                                <table class="compact">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Nyckeltal"</th>
                                            <th scope="col">"Id"</th>
                                            <th scope="col" class="num">"Värde"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {figures
                                            .into_iter()
                                            .map(|n| {
                                                view! {
                                                    <tr>
                                                        <th scope="row">{n.name.clone()}</th>
                                                        <td>{if n.id.starts_with("KPB-") { "–".into() } else { n.id.clone() }}</td>
                                                        <td class="num">{n.value.map(|v| format::figure(n.unit, v)).unwrap_or_default()}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            <section>
                                <h2>"Enheterna sida vid sida"</h2>
                                {blocks}
                            </section>
                            {comparison}
                            <section class="avoid-break">
                                <h2>"Ytterfall och kostnadsfördelning"</h2>
                                <ul>
                                    {r.ytterfall
                                        .iter()
                                        .map(|y| view! {
                                            <li>{format!(
                                                "{}: {} av {} brukare över {} kr ({}).",
                                                y.scope.name(),
                                                y.count,
                                                y.clients,
                                                format::kr(y.threshold),
                                                y.share.map(format::percent).unwrap_or_else(|| "–".into())
                                            )}</li>
                                        })
                                        .collect_view()}
                                    {r.distribution.top.iter().find(|(x, _)| *x == rust_decimal::Decimal::from(10)).map(|(_, y)| view! {
                                        <li>{format!("De dyraste 10 % av brukarna står för {} av kostnaden.", format::percent(*y))}</li>
                                    })}
                                </ul>
                            </section>
                        }
                    })
            }}
        </section>
    }
}

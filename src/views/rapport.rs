//! The report for the nämnd: an A4 document in the order a politician reads it – a one-page
//! summary (status, the key figures against last year and the chosen comparison, what stands
//! out), the units side by side, ytterfall and the distribution, the comparison with other
//! municipalities, and the method and basis last. Printed with the browser (to PDF); every page
//! carries the title, the status and its number.

use crate::charts::{Bar, BarChart, Unit};
use crate::state::{View, session};

use kpb::Report;
use kpb::compare::{KpiComparison, Summary};
use kpb::export::Meta;
use kpb::finding::Severity;
use kpb::format;
use kpb::model::Regi;
use kpb::report::ReconKey;
use leptos::prelude::*;
use rust_decimal::Decimal;
use std::sync::Arc;

#[component]
pub fn Rapport() -> impl IntoView {
    let s = session();
    on_cleanup(|| set_footer(None));
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
            <p class="hint no-print">
                "Rapporten skrivs ut på A4 med sidnummer. Välj \"Spara som PDF\" som skrivare för en fil att skicka till nämnden. "
                "Status och vem som validerade väljs under Kontroll, organisationens namn under Export."
            </p>
            {move || {
                s.report
                    .get()
                    .map(|r| {
                        let meta = s.meta();
                        let comparisons: Vec<KpiComparison> = s.reference.with(|d| s.compare_settings.with(|c| kpb::compare::kpis(&r, d, c)));
                        let summary = s.history.with(|h| kpb::compare::summary(&r, h, &comparisons));
                        // Only files with values per municipality: not quality files, Kolada's lists or Kolada's values per unit.
                        let sources = s.reference.with(|d| {
                            d.files
                                .iter()
                                .filter(|f| f.values > 0 && !f.kind.starts_with("Kvalitet") && d.values.iter().any(|v| v.file == f.name && v.unit.is_none()))
                                .map(|f| f.name.clone())
                                .collect::<Vec<_>>()
                                .join(", ")
                        });
                        let ranked: Vec<KpiComparison> = comparisons.into_iter().filter(|row| row.rank.is_some()).collect();
                        set_footer(Some(&format!("{} · {}", title(&r, &meta), meta.status_line())));
                        view! {
                            <article class="report-doc">
                                <SummaryPage report=r.clone() meta=meta summary=summary sources=sources.clone() />
                                <UnitsPage report=r.clone() />
                                <YtterfallPage report=r.clone() />
                                <ComparisonPage rows=ranked sources=sources />
                                <MethodPage report=r />
                            </article>
                        }
                    })
            }}
        </section>
    }
}

/// The running footer of the printed pages (`@page report` in the style sheet reads it from
/// the root element: the page's policy allows no inline style). `None` removes it.
fn set_footer(text: Option<&str>) {
    use wasm_bindgen::JsCast;
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let Ok(root) = root.dyn_into::<web_sys::HtmlElement>() else { return };
    let style = root.style();
    let _ = match text {
        // A CSS string: backslashes and quotes escaped, no line breaks.
        Some(t) => style.set_property(
            "--report-footer",
            &format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\"").replace(['\n', '\r'], " ")),
        ),
        None => style.remove_property("--report-footer").map(|_| ()),
    };
}

fn title(r: &Report, meta: &Meta) -> String {
    let org = meta.organisation.trim();
    if org.is_empty() {
        format!("Kostnad per brukare {}", r.year)
    } else {
        format!("Kostnad per brukare {} – {org}", r.year)
    }
}

/// "4 fel och 1 varning".
fn checked(errors: u32, warnings: u32) -> String {
    format!(
        "{} fel och {} {}",
        format::count(errors),
        format::count(warnings),
        if warnings == 1 { "varning" } else { "varningar" }
    )
}

/// "1 december 2026".
fn day(meta: &Meta) -> String {
    let (y, m, d, ..) = meta.created;
    format!("{d} {} {y}", kpb::date::month_name(m))
}

#[component]
fn SummaryPage(report: Arc<Report>, meta: Meta, summary: Summary, sources: String) -> impl IntoView {
    let r = report;
    let (errors, warnings) = (r.finding_count(Severity::Fel), r.finding_count(Severity::Varning));
    let placed =
        r.reconciliation.lines.iter().find(|l| l.key == ReconKey::Placerat).map(|l| l.amount).unwrap_or_default();
    let validated = meta.status == kpb::export::Status::Validerad;
    let with_last = summary.last_year;
    let reference = summary.rows.iter().find_map(|row| row.reference.as_ref());
    let with_reference = reference.is_some();
    let reference_note = match reference {
        Some((label, _)) => format!("Jämförelse: {label} ur {sources}."),
        None => "Ingen jämförelse med andra kommuner är inläst (läs in Koladas värden under Jämförelse).".to_owned(),
    };
    let last_note = match with_last {
        Some(y) => format!("Förändring mot {y}, räknad ur {y} års filer."),
        None => "Inget tidigare år är inläst (läs in fjolårets filer under Över tid).".to_owned(),
    };
    view! {
        <section class="report-page report-summary" data-testid="report-summary">
            <header class="report-head">
                <p class="report-org">{meta.organisation.clone()}</p>
                <h1 id="rapport-rubrik">{format!("Kostnad per brukare {}", r.year)}</h1>
                <p class="report-sub">"Sammanfattning för nämnden"</p>
                <p class=format!("status-line {}", meta.status.name().to_lowercase()) data-testid="report-status">
                    {format!("Status: {}", meta.status_line())}
                    {(!validated).then_some(". Siffrorna är inte genomgångna och ska inte användas för beslut.")}
                </p>
                <p class="report-date" data-testid="report-date">{format!("Utskriven {}", day(&meta))}</p>
            </header>
            <dl class="report-facts">
                <div>
                    <dt>"Kostnad fördelad på brukarna"</dt>
                    <dd>{format!("{} kr", format::kr(placed))}</dd>
                </div>
                <div>
                    <dt>"Brukare med kostnad"</dt>
                    <dd>{format::count(r.distribution.clients)}</dd>
                </div>
                <div>
                    <dt>"Ytterfall"</dt>
                    <dd>{format!("{} brukare", format::count(summary.ytterfall))}</dd>
                </div>
                <div>
                    <dt>"Kontrollen"</dt>
                    <dd>{checked(errors, warnings)}</dd>
                </div>
            </dl>
            <h2>"Det här sticker ut"</h2>
            <ul class="report-points" data-testid="report-points">
                {summary.points.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
            </ul>
            <h2>"Nyckeltal"</h2>
            <div class="scroll">
            <table class="compact report-figures" data-testid="report-figures">
                <thead>
                    <tr>
                        <th scope="col">"Nyckeltal"</th>
                        <th scope="col" class="num">{r.year.to_string()}</th>
                        {with_last.map(|y| view! {
                            <th scope="col" class="num">{y.to_string()}</th>
                            <th scope="col" class="num">"Förändring"</th>
                        })}
                        {with_reference.then(|| view! {
                            <th scope="col" class="num">"Jämförelse"</th>
                            <th scope="col" class="num">"Skillnad"</th>
                        })}
                    </tr>
                </thead>
                <tbody>
                    {summary
                        .rows
                        .into_iter()
                        .map(|row| {
                            let figure = move |v: Option<Decimal>| v.map(|v| format::figure(row.unit, v)).unwrap_or_else(|| "–".into());
                            view! {
                                <tr>
                                    <th scope="row">{row.name.clone()}" "<span class="id">{row.id.clone()}</span></th>
                                    <td class="num">{figure(Some(row.value))}</td>
                                    {with_last.map(|_| view! {
                                        <td class="num">{figure(row.last_year)}</td>
                                        <td class="num change">{row.change.map(format::change).unwrap_or_else(|| "–".into())}</td>
                                    })}
                                    {with_reference.then(|| view! {
                                        <td class="num">{figure(row.reference.as_ref().map(|r| r.1))}</td>
                                        <td class="num change">{row.against.map(format::change).unwrap_or_else(|| "–".into())}</td>
                                    })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            </div>
            <p class="note">
                {format!(
                    "{last_note} {reference_note} N-id: Koladas nyckeltal (egen och annan regi, jämförbara med alla kommuner). U-id: KPB-metodens (per timme, dygn eller dag i egen regi). KPB-BRUKARE: alla insatser per brukare."
                )}
            </p>
        </section>
    }
}

/// One chart per insats with all its enheter in egen regi; an insats with a single enhet is a
/// row of a table instead (a chart of one bar says nothing).
#[component]
fn UnitsPage(report: Arc<Report>) -> impl IntoView {
    let r = report;
    let mut single = Vec::new();
    let charts = r
        .insatser
        .iter()
        .filter_map(|summary| {
            let level = summary.unit_cost?;
            let per = summary.insats.unit().singular();
            let bars: Vec<Bar> = r
                .units
                .iter()
                .filter(|u| u.insats == summary.insats && u.regi == Regi::Egen)
                .filter_map(|u| u.unit_cost.map(|v| Bar { label: u.enhet_name.clone(), value: v, emphasis: v > level, note: None }))
                .collect();
            if bars.len() < 2 {
                single.push((summary.insats.name(), bars.first().map(|b| b.label.clone()).unwrap_or_default(), level, per));
                return None;
            }
            let (low, high) = (summary.min.clone()?, summary.max.clone()?);
            Some(view! {
                <div class="avoid-break report-chart">
                    <BarChart
                        id=format!("rapport-{}", summary.insats.code().to_lowercase())
                        title=format!("{}: kostnad per {per}, egen regi", summary.insats.name())
                        description=format!(
                            "{} enheter i egen regi. Hela kommunen (egen regi) {} kr per {per}; lägst {} ({} kr), högst {} ({} kr). Mörka staplar ligger över kommunens nivå.",
                            bars.len(),
                            format::kr(level),
                            low.0,
                            format::kr(low.1),
                            high.0,
                            format::kr(high.1)
                        )
                        unit=Unit::Kr
                        value_label=format!("Kr per {per}")
                        bars=bars
                        reference=Some(("Kommunen".to_owned(), level))
                    />
                </div>
            })
        })
        .collect::<Vec<_>>();
    view! {
        <section class="report-page" data-testid="report-units">
            <h2>"Enheterna sida vid sida"</h2>
            <p>
                "Kostnad per volymenhet (timme, dygn, dag) för varje enhet i egen regi, med full kostnad: direkt kostnad och fördelade gemensamma kostnader. "
                "Den lodräta linjen är hela kommunens nivå (summa kostnad delad med summa volym)."
            </p>
            {charts}
            {(!single.is_empty()).then(|| view! {
                <div class="avoid-break">
                    <h3>"Insatser med en enhet i egen regi"</h3>
                    <div class="scroll">
                    <table class="compact">
                        <thead>
                            <tr>
                                <th scope="col">"Insats"</th>
                                <th scope="col">"Enhet"</th>
                                <th scope="col" class="num">"Kostnad per volymenhet"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {single
                                .into_iter()
                                .map(|(insats, enhet, level, per)| view! {
                                    <tr>
                                        <th scope="row">{insats}</th>
                                        <td>{enhet}</td>
                                        <td class="num">{format!("{} kr per {per}", format::kr(level))}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    </div>
                </div>
            })}
        </section>
    }
}

#[component]
fn YtterfallPage(report: Arc<Report>) -> impl IntoView {
    let r = report;
    let d = &r.distribution;
    let deciles = crate::views::fordelning::decile_bars(d);
    let top: Vec<String> = d
        .top
        .iter()
        .map(|(x, y)| {
            format!("De dyraste {} % av brukarna står för {} av kostnaden.", format::number(*x, 0), format::percent(*y))
        })
        .collect();
    view! {
        <section class="report-page" data-testid="report-ytterfall">
            <h2>"Ytterfall och kostnadsfördelning"</h2>
            <p>"Ytterfall är brukare vars kostnad för året (alla insatser i området, egen och annan regi) är över gränsen."</p>
            <div class="scroll">
            <table class="compact">
                <thead>
                    <tr>
                        <th scope="col">"Område"</th>
                        <th scope="col" class="num">"Gräns"</th>
                        <th scope="col" class="num">"Brukare"</th>
                        <th scope="col" class="num">"Ytterfall"</th>
                        <th scope="col" class="num">"Andel"</th>
                        <th scope="col" class="num">"Ytterfallens kostnad"</th>
                        <th scope="col" class="num">"Andel av kostnaden"</th>
                    </tr>
                </thead>
                <tbody>
                    {r.ytterfall
                        .iter()
                        .map(|y| view! {
                            <tr>
                                <th scope="row">{y.scope.name()}</th>
                                <td class="num">{format!("{} kr", format::kr(y.threshold))}</td>
                                <td class="num">{format::count(y.clients)}</td>
                                <td class="num">{format::count(y.count)}</td>
                                <td class="num">{y.share.map(format::percent).unwrap_or_else(|| "–".into())}</td>
                                <td class="num">{format!("{} kr", format::kr(y.cost))}</td>
                                <td class="num">{kpb::report::percent_of(y.cost, y.total_cost).map(format::percent).unwrap_or_else(|| "–".into())}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            </div>
            {(d.clients > 0).then(|| view! {
                <ul class="report-points">{top.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                <div class="avoid-break report-chart">
                    <BarChart
                        id="rapport-deciler".to_owned()
                        title="Andel av kostnaden per tiondel av brukarna".to_owned()
                        description=format!(
                            "{} brukare med kostnad i tio lika stora grupper, från dyrast till billigast. Den dyraste tiondelen står för {} av kostnaden.",
                            format::count(d.clients),
                            d.deciles.first().map(|v| format::percent(*v)).unwrap_or_default()
                        )
                        unit=Unit::Percent
                        value_label="Andel av kostnaden".to_owned()
                        bars=deciles
                        label_header="Tiondel av brukarna".to_owned()
                    />
                </div>
            })}
        </section>
    }
}

#[component]
fn ComparisonPage(rows: Vec<KpiComparison>, sources: String) -> impl IntoView {
    // Without values it is a paragraph after the ytterfall, not a page of its own.
    let class = if rows.is_empty() { "report-section" } else { "report-page" };
    view! {
        <section class=class data-testid="report-comparison">
            <h2>"Jämförelse med andra kommuner"</h2>
            {if rows.is_empty() {
                view! {
                    <p>
                        "Inga jämförelsevärden är inlästa. Läs in Koladas värden (eller nätverkets filer) under Jämförelse, så jämförs kommunens nyckeltal här med de valda kommunernas."
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <p>{format!("Jämförelsevärden ur {sources}. Ovägt medel av de valda kommunerna; grupper och riket räknas inte in.")}</p>
                    <crate::views::jamforelse::Overview rows=rows plain=true />
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn MethodPage(report: Arc<Report>) -> impl IntoView {
    let r = report;
    let t = &r.settings.thresholds;
    let basis = r
        .insatser
        .iter()
        .map(|i| format!("{} {}", kpb::model::lower_first(i.insats.name()), i.basis.name()))
        .collect::<Vec<_>>()
        .join(", ");
    let excluded = r.settings.excluded_enheter.iter().cloned().collect::<Vec<_>>().join(", ");
    let (errors, warnings) = (r.finding_count(Severity::Fel), r.finding_count(Severity::Varning));
    view! {
        <section class="report-page" data-testid="report-method">
            <h2>"Metod och underlag"</h2>
            <ul class="report-method">
                <li>"Metod: SKR:s Kostnad per brukare (KPB). Kostnad = bruttokostnad minus interna intäkter och försäljning till andra huvudmän; avgifter dras inte av."</li>
                <li>{format!("Gemensamma kostnader (ledning, administration, lokaler) fördelade {}.", r.settings.key.name())}</li>
                <li>{format!("Kostnaden per insats delas med beviljad eller utförd volym: {basis}.")}</li>
                <li>{format!(
                    "Ytterfallsgränser: ordinärt boende {} kr, särskilt boende {} kr, LSS {} kr per brukare och år.",
                    format::kr(t.ordinart),
                    format::kr(t.sarskilt),
                    format::kr(t.lss)
                )}</li>
                <li>{if excluded.is_empty() { "Inga enheter är bortvalda.".to_owned() } else { format!("Bortvalda enheter: {excluded}.") }}</li>
                <li>{format!("Kontrollen: {} i underlaget (listade under Kontroll i verktyget).", checked(errors, warnings))}</li>
                <li>{format!("Beräknat år: {}.", r.year_basis)}</li>
                <li>{format!("Filer: {}.", r.files.iter().map(|f| f.name.clone()).collect::<Vec<_>>().join(", "))}</li>
            </ul>
            <crate::views::kontroll::Reconciliation report=r.clone() compact=true />
        </section>
    }
}

//! Ytterfall: the share in each scope, and the list of the clients above the threshold – sortable,
//! with a drill-down to one client's insatsmix, the basis for a case review (individgenomgång).

use crate::charts::{Bar, BarChart, Unit};
use crate::state::session;
use kpb::Report;
use kpb::format;
use kpb::model::Scope;
use kpb::report::ClientCost;
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Cost,
    Age,
    Scope,
}

#[component]
pub fn Ytterfall() -> impl IntoView {
    let s = session();
    let sort = RwSignal::new(SortBy::Cost);
    let selected: RwSignal<Option<String>> = RwSignal::new(None);
    view! {
        <section class="view" aria-labelledby="ytterfall-rubrik">
            <h1 id="ytterfall-rubrik">"Ytterfall"</h1>
            {move || {
                s.report
                    .get()
                    .map(|r| {
                        let cards = r
                            .ytterfall
                            .iter()
                            .map(|y| {
                                view! {
                                    <article class="kpi-card" data-testid=format!("ytterfall-{:?}", y.scope).to_lowercase()>
                                        <header>
                                            <h3>{y.scope.name()}</h3>
                                            <span class="kolada">{y.kolada.clone().unwrap_or_else(|| "eget".into())}</span>
                                        </header>
                                        <p class="value">
                                            {y.share.map(format::percent).unwrap_or_else(|| "–".into())}
                                        </p>
                                        <p class="hint">
                                            {format!(
                                                "{} av {} brukare kostar mer än {} kr per år i området. De står för {} kr av områdets {} kr.",
                                                y.count,
                                                y.clients,
                                                format::kr(y.threshold),
                                                format::kr(y.cost),
                                                format::kr(y.total_cost)
                                            )}
                                        </p>
                                        <details class="how">
                                            <summary>"Hur räknades detta?"</summary>
                                            <p class="formula">
                                                {format!(
                                                    "{} brukare över gränsen ÷ {} brukare med kostnad i området × 100 = {}",
                                                    y.count,
                                                    y.clients,
                                                    y.share.map(format::percent).unwrap_or_else(|| "–".into())
                                                )}
                                            </p>
                                            <p>
                                                {format!(
                                                    "En brukares kostnad i området är summan av brukarens KPB-kostnad för insatser som hör till {} (egen och annan regi). Gränsen är {} kr; en brukare exakt på gränsen räknas inte.",
                                                    kpb::model::lower_first(y.scope.name()),
                                                    format::kr(y.threshold)
                                                )}
                                            </p>
                                        </details>
                                    </article>
                                }
                            })
                            .collect_view();
                        let bars: Vec<Bar> = r
                            .ytterfall
                            .iter()
                            .filter_map(|y| y.share.map(|v| Bar { label: y.scope.name().into(), value: v, emphasis: false, note: None }))
                            .collect();
                        let share_text = r
                            .ytterfall
                            .iter()
                            .map(|y| format!("{}: {}", y.scope.name(), y.share.map(format::percent).unwrap_or_else(|| "saknas".into())))
                            .collect::<Vec<_>>()
                            .join(". ");
                        view! {
                            <p class="lead">
                                "En brukare är ett ytterfall när årskostnaden för insatserna i ett område är större än gränsen. "
                                "En brukare som flyttat under året kan räknas i två områden. Gränserna ändras under Inställningar."
                            </p>
                            <div class="kpi-grid">{cards}</div>
                            <BarChart
                                id="ytterfall-andel".to_owned()
                                title="Andel ytterfall per område".to_owned()
                                description=share_text
                                unit=Unit::Percent
                                value_label="Andel brukare över gränsen".to_owned()
                                bars=bars
                                label_header="Område".to_owned()
                            />
                            <ClientList report=r.clone() sort=sort selected=selected />
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn ClientList(report: Arc<Report>, sort: RwSignal<SortBy>, selected: RwSignal<Option<String>>) -> impl IntoView {
    let scope_filter: RwSignal<Option<Scope>> = RwSignal::new(None);
    // (scope, client) for every ytterfall, once per scope.
    let rows: Vec<(Scope, ClientCost)> = report
        .ytterfall
        .iter()
        .flat_map(|y| {
            y.list.iter().filter_map(|id| report.clients.iter().find(|c| &c.id == id).map(|c| (y.scope, c.clone())))
        })
        .collect();
    let header = move |label: &'static str, by: SortBy| {
        view! {
            <th scope="col" aria-sort=move || if sort.get() == by { "descending" } else { "none" }>
                <button class="sort" on:click=move |_| sort.set(by)>
                    {label}
                </button>
            </th>
        }
    };
    view! {
        <section aria-labelledby="lista-rubrik">
            <h2 id="lista-rubrik">"Brukarna över gränsen"</h2>
            <p class="hint">
                "Underlag för individgenomgång: brukarna visas med pseudonym. Välj en brukare för att se insatsmixen. Exporten till Excel innehåller samma lista."
            </p>
            <fieldset class="segmented scope-filter">
                <legend>"Visa"</legend>
                {[None, Some(Scope::Ordinart), Some(Scope::Sarskilt), Some(Scope::Lss)]
                    .into_iter()
                    .map(|scope| {
                        let n = rows.iter().filter(|(s, _)| scope.is_none_or(|x| x == *s)).count();
                        view! {
                            <label>
                                <input
                                    type="radio"
                                    name="omrade"
                                    checked=move || scope_filter.get() == scope
                                    on:change=move |_| scope_filter.set(scope)
                                />
                                {format!("{} ({n})", scope.map_or("alla områden", Scope::name))}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            {move || {
                selected
                    .get()
                    .and_then(|id| report.clients.iter().find(|c| c.id == id).cloned())
                    .map(|c| view! { <ClientDetail client=c /> })
            }}
            <div class="scroll">
                <table data-testid="ytterfall-list">
                    <thead>
                        <tr>
                            <th scope="col">"Brukare"</th>
                            {header("Område", SortBy::Scope)}
                            {header("Ålder", SortBy::Age)}
                            <th scope="col">"Kön"</th>
                            <th scope="col">"Boendeform"</th>
                            <th scope="col">"Insatser"</th>
                            {header("Årskostnad i området", SortBy::Cost)}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let scope = scope_filter.get();
                            let mut rows: Vec<(Scope, ClientCost)> =
                                rows.iter().filter(|(s, _)| scope.is_none_or(|x| x == *s)).cloned().collect();
                            match sort.get() {
                                SortBy::Cost => rows.sort_by_key(|r| std::cmp::Reverse(r.1.in_scope(r.0))),
                                SortBy::Age => rows.sort_by_key(|r| std::cmp::Reverse(r.1.age)),
                                SortBy::Scope => rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.in_scope(b.0).cmp(&a.1.in_scope(a.0)))),
                            }
                            rows.into_iter()
                                .map(|(scope, c)| {
                                    let id = c.id.clone();
                                    let id2 = id.clone();
                                    let mut insatser: Vec<&str> = c.lines.iter().map(|l| l.insats.name()).collect();
                                    insatser.dedup();
                                    view! {
                                        <tr class:selected=move || selected.get().as_deref() == Some(id2.as_str())>
                                            <th scope="row">
                                                <button
                                                    class="link"
                                                    data-testid="client-button"
                                                    on:click=move |_| selected.set(Some(id.clone()))
                                                >
                                                    {c.id.clone()}
                                                </button>
                                            </th>
                                            <td>{scope.name()}</td>
                                            <td>{c.age.map(|a| a.to_string()).unwrap_or_else(|| "–".into())}</td>
                                            <td>{c.kon.map(|k| k.kolada()).unwrap_or("–")}</td>
                                            <td>{c.boendeform.name()}</td>
                                            <td>{insatser.join(", ")}</td>
                                            <td class="num">{format!("{} kr", format::kr(c.in_scope(scope)))}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// One client's insatsmix.
#[component]
pub fn ClientDetail(client: ClientCost) -> impl IntoView {
    let bars: Vec<Bar> = client
        .lines
        .iter()
        .map(|l| Bar {
            label: format!("{} ({})", l.insats.name(), l.enhet),
            value: l.cost,
            emphasis: false,
            note: None,
        })
        .collect();
    let total = client.total;
    view! {
        <section class="client-detail" aria-labelledby="brukare-rubrik" data-testid="client-detail">
            <h3 id="brukare-rubrik">{format!("Brukare {}", client.id)}</h3>
            <p>
                {format!(
                    "{}{}, {}. Årskostnad {} kr{}.",
                    client.age.map(|a| format!("{a} år")).unwrap_or_else(|| "Okänd ålder".into()),
                    client.kon.map(|k| if k == kpb::model::Kon::Kvinna { ", kvinna" } else { ", man" }).unwrap_or(""),
                    kpb::model::lower_first(client.boendeform.name()),
                    format::kr(total),
                    if client.assistansersattning.is_zero() {
                        String::new()
                    } else {
                        format!(", {} kr efter assistansersättning", format::kr(client.net()))
                    }
                )}
            </p>
            <table class="compact">
                <thead>
                    <tr>
                        <th scope="col">"Insats"</th>
                        <th scope="col">"Enhet"</th>
                        <th scope="col">"Regi"</th>
                        <th scope="col" class="num">"Volym"</th>
                        <th scope="col" class="num">"Kostnad"</th>
                        <th scope="col" class="num">"Andel"</th>
                    </tr>
                </thead>
                <tbody>
                    {client
                        .lines
                        .iter()
                        .map(|l| {
                            view! {
                                <tr>
                                    <th scope="row">{l.insats.name()}</th>
                                    <td>{l.enhet.clone()}</td>
                                    <td>{l.regi.name()}</td>
                                    <td class="num">{format!("{} {}", format::volume(l.volume), l.insats.unit().plural())}</td>
                                    <td class="num">{format!("{} kr", format::kr(l.cost))}</td>
                                    <td class="num">{client.share(l).map(format::percent).unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <BarChart
                id=format!("brukare-{}", client.id)
                title=format!("Insatsmix för brukare {}", client.id)
                description=format!("Årskostnad per insats för brukare {}, totalt {} kr.", client.id, format::kr(total))
                unit=Unit::Kr
                value_label="Kostnad under året".to_owned()
                bars=bars
                label_header="Insats".to_owned()
            />
        </section>
    }
}

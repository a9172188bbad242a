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

#[component]
pub fn Ytterfall() -> impl IntoView {
    let s = session();
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
                                                format::count(y.count),
                                                format::count(y.clients),
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
                                                    format::count(y.count),
                                                    format::count(y.clients),
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
                        let share_text = format!(
                            "Andel brukare över gränsen per område: {}.",
                            r.ytterfall
                                .iter()
                                .map(|y| format!(
                                    "{} {}",
                                    kpb::model::lower_first(y.scope.name()),
                                    y.share.map(format::percent).unwrap_or_else(|| "saknas".into())
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
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
                            <ClientList report=r.clone() />
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn ClientList(report: Arc<Report>) -> impl IntoView {
    let scope_filter: RwSignal<Option<Scope>> = RwSignal::new(None);
    let by_id: std::collections::HashMap<&str, &ClientCost> =
        report.clients.iter().map(|c| (c.id.as_str(), c)).collect();
    // A row for every ytterfall, once per scope, with its cost in the scope.
    let rows: Vec<ClientRow> = report
        .ytterfall
        .iter()
        .flat_map(|y| {
            y.list.iter().filter_map(|id| by_id.get(id.as_str())).map(|c| ClientRow {
                scope: Some(y.scope),
                cost: c.in_scope(y.scope),
                client: (*c).clone(),
            })
        })
        .collect();
    let counts: Vec<(Option<Scope>, usize)> = [None, Some(Scope::Ordinart), Some(Scope::Sarskilt), Some(Scope::Lss)]
        .into_iter()
        .map(|scope| (scope, rows.iter().filter(|r| scope.is_none_or(|x| r.scope == Some(x))).count()))
        .collect();
    let shown = Signal::derive(move || {
        let scope = scope_filter.get();
        rows.iter().filter(|r| scope.is_none_or(|x| r.scope == Some(x))).cloned().collect::<Vec<_>>()
    });
    view! {
        <section aria-labelledby="lista-rubrik">
            <h2 id="lista-rubrik">"Brukarna över gränsen"</h2>
            <p class="hint">
                "Underlag för individgenomgång: brukarna visas med pseudonym. Välj en brukare för att se insatsmixen. Exporten till Excel innehåller samma lista."
            </p>
            <fieldset class="segmented scope-filter">
                <legend>"Visa"</legend>
                {counts
                    .into_iter()
                    .map(|(scope, n)| {
                        view! {
                            <label>
                                <input
                                    type="radio"
                                    name="omrade"
                                    checked=move || scope_filter.get() == scope
                                    on:change=move |_| scope_filter.set(scope)
                                />
                                {format!("{} ({})", scope.map_or("alla områden", Scope::name), format::count(n as u32))}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <ClientTable id="ytterfall-list" rows=shown cost_label="Årskostnad i området" />
        </section>
    }
}

/// One row of a list of brukare: the client, the area it is listed for, its cost there.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientRow {
    pub scope: Option<Scope>,
    pub cost: rust_decimal::Decimal,
    pub client: ClientCost,
}

/// What a list of brukare is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Id,
    Scope,
    Age,
    Kon,
    Boendeform,
    Cost,
}

/// How many rows a page of a list of brukare shows.
const PAGE: usize = 25;

/// A list of brukare at any size: a search box (pseudonym, insats, enhet, boendeform), sorting
/// by any column (again: the other way), pages of [`PAGE`] rows; a row's pseudonym opens its
/// insatsmix above the list.
#[component]
pub fn ClientTable(
    /// The table's test id.
    id: &'static str,
    #[prop(into)] rows: Signal<Vec<ClientRow>>,
    cost_label: &'static str,
) -> impl IntoView {
    let selected: RwSignal<Option<String>> = RwSignal::new(None);
    let sort = RwSignal::new((Column::Cost, true));
    let query = RwSignal::new(String::new());
    // The page chosen; `page` below is the one shown.
    let chosen_page = RwSignal::new(0usize);
    let with_scope = move || rows.with(|r| r.iter().any(|r| r.scope.is_some()));
    let found = Memo::new(move |_| {
        let q = query.get().trim().to_lowercase();
        let mut found: Vec<ClientRow> = rows.with(|rows| {
            rows.iter()
                .filter(|r| {
                    q.is_empty()
                        || r.client.id.to_lowercase().contains(&q)
                        || r.client.boendeform.name().to_lowercase().contains(&q)
                        || r.client
                            .lines
                            .iter()
                            .any(|l| l.insats.name().to_lowercase().contains(&q) || l.enhet.to_lowercase().contains(&q))
                })
                .cloned()
                .collect()
        });
        let (by, descending) = sort.get();
        found.sort_by(|a, b| {
            let order = match by {
                Column::Id => a.client.id.cmp(&b.client.id),
                Column::Scope => a.scope.cmp(&b.scope),
                Column::Age => a.client.age.cmp(&b.client.age),
                Column::Kon => a.client.kon.map(|k| k.kolada()).cmp(&b.client.kon.map(|k| k.kolada())),
                Column::Boendeform => a.client.boendeform.name().cmp(b.client.boendeform.name()),
                Column::Cost => a.cost.cmp(&b.cost),
            };
            // Ties by cost, dearest first, then by pseudonym: the same order every time.
            let order = if descending { order.reverse() } else { order };
            order.then_with(|| b.cost.cmp(&a.cost)).then_with(|| a.client.id.cmp(&b.client.id))
        });
        found
    });
    // A new search, order or set of rows starts at the first page; until the effect has run,
    // the page shown is never past the last.
    Effect::new(move |_| {
        query.track();
        sort.track();
        rows.track();
        chosen_page.set(0);
    });
    let pages = move || found.with(|f| f.len().div_ceil(PAGE).max(1));
    let page = Signal::derive(move || chosen_page.get().min(pages() - 1));
    let header = move |label: &'static str, by: Column| {
        view! {
            <th scope="col" class:num=by == Column::Cost aria-sort=move || match sort.get() {
                (b, true) if b == by => "descending",
                (b, false) if b == by => "ascending",
                _ => "none",
            }>
                <button
                    class="sort"
                    on:click=move |_| sort.update(|(b, d)| if *b == by { *d = !*d } else { (*b, *d) = (by, matches!(by, Column::Cost | Column::Age)) })
                >
                    {label}
                </button>
            </th>
        }
    };
    view! {
        {move || {
            let id = selected.get()?;
            rows.with(|rows| rows.iter().find(|r| r.client.id == id).map(|r| r.client.clone()))
                .map(|c| view! { <ClientDetail client=c /> })
        }}
        <div class="list-tools">
            <label class="field">
                <span>"Sök"</span>
                <input
                    type="search"
                    data-testid=format!("{id}-search")
                    placeholder="Pseudonym, insats, enhet eller boendeform"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </label>
            <p class="list-status" role="status" data-testid=format!("{id}-status")>
                {move || {
                    let n = found.with(Vec::len);
                    let of = rows.with(Vec::len);
                    let first = page.get() * PAGE;
                    let shown = if n == 0 { "Ingen brukare".to_owned() } else { format!("Visar {}–{} av {}", format::count((first + 1) as u32), format::count((first + PAGE).min(n) as u32), format::count(n as u32)) };
                    if n == of { format!("{shown}.") } else { format!("{shown} (sökningen; {} i listan).", format::count(of as u32)) }
                }}
            </p>
        </div>
        <div class="scroll">
            <table data-testid=id>
                <thead>
                    <tr>
                        {header("Brukare", Column::Id)}
                        {move || with_scope().then(|| header("Område", Column::Scope))}
                        {header("Ålder", Column::Age)}
                        {header("Kön", Column::Kon)}
                        {header("Boendeform", Column::Boendeform)}
                        <th scope="col">"Insatser"</th>
                        {header(cost_label, Column::Cost)}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let first = page.get() * PAGE;
                        found.with(|f| f.iter().skip(first).take(PAGE).cloned().collect::<Vec<_>>())
                            .into_iter()
                            .map(|row| {
                                let c = row.client;
                                let id = c.id.clone();
                                let id2 = id.clone();
                                let mut insatser: Vec<&str> = c.lines.iter().map(|l| l.insats.name()).collect();
                                insatser.dedup();
                                view! {
                                    <tr class:selected=move || selected.get().as_deref() == Some(id2.as_str())>
                                        <th scope="row">
                                            <button class="link" data-testid="client-button" on:click=move |_| selected.set(Some(id.clone()))>
                                                {c.id.clone()}
                                            </button>
                                        </th>
                                        {row.scope.map(|s| view! { <td>{s.name()}</td> })}
                                        <td>{c.age.map(|a| a.to_string()).unwrap_or_else(|| "–".into())}</td>
                                        <td>{c.kon.map(|k| k.kolada()).unwrap_or("–")}</td>
                                        <td>{c.boendeform.name()}</td>
                                        <td>{insatser.join(", ")}</td>
                                        <td class="num">{format!("{} kr", format::kr(row.cost))}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Sidor i listan">
            <button class="secondary" data-testid=format!("{id}-previous") disabled=move || { page.get() == 0 } on:click=move |_| chosen_page.set(page.get().saturating_sub(1))>
                "Föregående"
            </button>
            <span>{move || format!("Sida {} av {}", page.get() + 1, pages())}</span>
            <button class="secondary" data-testid=format!("{id}-next") disabled=move || { page.get() + 1 >= pages() } on:click=move |_| chosen_page.set(page.get() + 1)>
                "Nästa"
            </button>
        </nav>
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

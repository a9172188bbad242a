//! Ytterfall: the share in each scope, and the list of the clients above the threshold – sortable,
//! with a drill-down to one client's insatsmix, the basis for a case review (individgenomgång).

use crate::charts::{Bar, BarChart, Unit};
use crate::state::session;
use kpb::Report;
use kpb::client_list::{ClientList, ClientPage, ClientQuery, ClientSort, PAGE};
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
    // A brukare is listed once per area it is an ytterfall in.
    let counts: Vec<(Option<Scope>, u32)> = [None, Some(Scope::Ordinart), Some(Scope::Sarskilt), Some(Scope::Lss)]
        .into_iter()
        .map(|scope| {
            (scope, report.ytterfall.iter().filter(|y| scope.is_none_or(|x| y.scope == x)).map(|y| y.count).sum())
        })
        .collect();
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
                                {format!("{} ({})", scope.map_or("alla områden", Scope::name), format::count(n))}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <ClientTable
                id="ytterfall-list"
                list=Signal::derive(move || ClientList::Ytterfall(scope_filter.get()))
                cost_label="Årskostnad i området"
            />
        </section>
    }
}

/// A list of brukare at any size, a page at a time from the worker ([`Session::client_page`]): a
/// search box (pseudonym, insats, enhet, boendeform), sorting by any column (again: the other
/// way), pages of [`PAGE`] rows; a row's pseudonym opens its insatsmix above the list. The table
/// is `aria-busy` from a change until its page has come.
///
/// [`Session::client_page`]: crate::state::Session::client_page
#[component]
pub fn ClientTable(
    /// The table's test id.
    id: &'static str,
    #[prop(into)] list: Signal<ClientList>,
    cost_label: &'static str,
) -> impl IntoView {
    let s = session();
    let selected: RwSignal<Option<ClientCost>> = RwSignal::new(None);
    let sort = RwSignal::new((ClientSort::Cost, true));
    let search = RwSignal::new(String::new());
    // The page asked for last: the pager steps from it (not from the page shown, which may be
    // an answer behind), and it is set to the page given when the worker gives an earlier one
    // (a page past the last).
    let chosen_page = RwSignal::new(0usize);
    // Another area starts at the first page, without a brukare chosen from the area before (a
    // new search or order starts at the first page where it is made).
    Effect::watch(
        move || list.get(),
        move |_, _, _| {
            chosen_page.set(0);
            selected.set(None);
        },
        false,
    );
    // Requests are numbered: only the answer to the last one is shown.
    let asked = RwSignal::new(0u32);
    let answer: RwSignal<Option<(u32, Result<ClientPage, String>)>> = RwSignal::new(None);
    Effect::new(move |_| {
        s.generation.track();
        let (by, descending) = sort.get();
        let query =
            ClientQuery { list: list.get(), search: search.get(), sort: by, descending, page: chosen_page.get() };
        let n = asked.get_untracked() + 1;
        asked.set(n);
        s.client_page(query, move |page| {
            if asked.try_get_untracked() == Some(n) {
                if let Ok(p) = &page {
                    chosen_page.try_update_untracked(|chosen| *chosen = p.page);
                }
                answer.try_set(Some((n, page)));
            }
        });
    });
    let busy = move || answer.with(|a| a.as_ref().map(|(n, _)| *n)) != Some(asked.get());
    let page = move || answer.with(|a| a.as_ref().and_then(|(_, p)| p.as_ref().ok().map(|p| (p.page, p.pages()))));
    // Pages there are (as the last answer says), and whether the pager can go back or on from
    // the page asked for.
    let pages = move || page().map_or(1, |(_, pages)| pages);
    let at_first = move || chosen_page.get() == 0;
    let at_last = move || chosen_page.get() + 1 >= pages();
    let with_scope = move || matches!(list.get(), ClientList::Ytterfall(_));
    let header = move |label: &'static str, by: ClientSort| {
        view! {
            <th scope="col" class:num=by == ClientSort::Cost aria-sort=move || match sort.get() {
                (b, true) if b == by => "descending",
                (b, false) if b == by => "ascending",
                _ => "none",
            }>
                <button
                    class="sort"
                    on:click=move |_| {
                        sort.update(|(b, d)| if *b == by { *d = !*d } else { (*b, *d) = (by, matches!(by, ClientSort::Cost | ClientSort::Age)) });
                        chosen_page.set(0);
                    }
                >
                    {label}
                </button>
            </th>
        }
    };
    view! {
        {move || selected.get().map(|c| view! { <ClientDetail client=c /> })}
        <div class="list-tools">
            <label class="field">
                <span>"Sök"</span>
                <input
                    type="search"
                    data-testid=format!("{id}-search")
                    placeholder="Pseudonym, insats, enhet eller boendeform"
                    prop:value=move || search.get()
                    on:input=move |ev| {
                        search.set(event_target_value(&ev));
                        chosen_page.set(0);
                    }
                />
            </label>
            <p class="list-status" role="status" data-testid=format!("{id}-status")>
                {move || answer.with(|a| match a {
                    None => "Hämtar listan …".to_owned(),
                    Some((_, Err(message))) => message.clone(),
                    Some((_, Ok(p))) => {
                        let first = p.page * PAGE;
                        let shown = if p.found == 0 {
                            "Ingen brukare".to_owned()
                        } else {
                            format!("Visar {}–{} av {}", format::count((first + 1) as u32), format::count((first + PAGE).min(p.found) as u32), format::count(p.found as u32))
                        };
                        if p.found == p.of { format!("{shown}.") } else { format!("{shown} (sökningen; {} i listan).", format::count(p.of as u32)) }
                    }
                })}
            </p>
        </div>
        <div class="scroll">
            <table data-testid=id aria-busy=move || busy().to_string()>
                <thead>
                    <tr>
                        {header("Brukare", ClientSort::Id)}
                        {move || with_scope().then(|| header("Område", ClientSort::Scope))}
                        {header("Ålder", ClientSort::Age)}
                        {header("Kön", ClientSort::Kon)}
                        {header("Boendeform", ClientSort::Boendeform)}
                        <th scope="col">"Insatser"</th>
                        {header(cost_label, ClientSort::Cost)}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        answer
                            .with(|a| match a {
                                Some((_, Ok(p))) => p.rows.clone(),
                                _ => Vec::new(),
                            })
                            .into_iter()
                            .map(|row| {
                                let c = row.client;
                                let id = c.id.clone();
                                let mut insatser: Vec<&str> = c.lines.iter().map(|l| l.insats.name()).collect();
                                insatser.dedup();
                                let cells = view! {
                                    {row.scope.map(|s| view! { <td>{s.name()}</td> })}
                                    <td>{c.age.map(|a| a.to_string()).unwrap_or_else(|| "–".into())}</td>
                                    <td>{c.kon.map(|k| k.kolada()).unwrap_or("–")}</td>
                                    <td>{c.boendeform.name()}</td>
                                    <td>{insatser.join(", ")}</td>
                                    <td class="num">{format!("{} kr", format::kr(row.cost))}</td>
                                };
                                let is_selected = {
                                    let id = id.clone();
                                    move || selected.with(|s| s.as_ref().is_some_and(|s| s.id == id))
                                };
                                view! {
                                    <tr class:selected=is_selected>
                                        <th scope="row">
                                            <button class="link" data-testid="client-button" on:click=move |_| selected.set(Some(c.clone()))>
                                                {id}
                                            </button>
                                        </th>
                                        {cells}
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
        // The buttons at an end are aria-disabled, not disabled: the focus stays on them.
        <nav class="pager" aria-label="Sidor i listan">
            <button
                class="secondary"
                data-testid=format!("{id}-first")
                aria-disabled=move || at_first().to_string()
                on:click=move |_| if !at_first() { chosen_page.set(0) }
            >
                "Första"
            </button>
            <button
                class="secondary"
                data-testid=format!("{id}-previous")
                aria-disabled=move || at_first().to_string()
                on:click=move |_| if !at_first() { chosen_page.update(|p| *p -= 1) }
            >
                "Föregående"
            </button>
            <span>{move || page().map(|(p, pages)| format!("Sida {} av {}", format::count(p as u32 + 1), format::count(pages as u32)))}</span>
            <button
                class="secondary"
                data-testid=format!("{id}-next")
                aria-disabled=move || at_last().to_string()
                on:click=move |_| if !at_last() { chosen_page.update(|p| *p += 1) }
            >
                "Nästa"
            </button>
            <button
                class="secondary"
                data-testid=format!("{id}-last")
                aria-disabled=move || at_last().to_string()
                on:click=move |_| if !at_last() { chosen_page.set(pages() - 1) }
            >
                "Sista"
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

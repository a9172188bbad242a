//! Jämför med andra: Kolada's values and network partners' beside the own figures – bars with the
//! own highlighted, the mean, lowest and highest, the position and the potential – and the exact
//! Kolada addresses (Kolada's N-KPIs, municipalities and groups found by name) for the data to
//! download. The app itself connects nowhere.

use crate::charts::{Bar, BarChart, Unit};
use crate::state::{chosen_files, session};
use kpb::compare::{self, KpiComparison, ReferenceChoice, address};
use kpb::format;
use kpb::reference;
use kpb::report::{Basis, FigureUnit};
use leptos::prelude::*;

/// Whether a text is a Kolada area id: four digits, or a group id (`G` and digits).
pub fn valid_area(id: &str) -> bool {
    address::is_area_id(id)
}

/// The first id of a comma- or space-separated list, a code shorter than four digits padded
/// (`180` → `0180`); `None` when it is not an id.
fn parse_code(text: &str) -> Option<String> {
    let part = text.split([',', ' ', ';', '\n']).map(str::trim).find(|p| !p.is_empty())?;
    let id = if part.bytes().all(|b| b.is_ascii_digit()) && part.len() < 4 {
        format!("{part:0>4}")
    } else {
        part.to_owned()
    };
    valid_area(&id).then_some(id)
}

#[component]
pub fn Jamforelse() -> impl IntoView {
    let s = session();
    // The kind the user chose (`Some(None)`: all); until then the first kind the data has,
    // Kolada's figures first.
    let chosen: RwSignal<Option<Option<KpiKind>>> = RwSignal::new(None);
    view! {
        <section class="view" aria-labelledby="jamforelse-rubrik">
            <h1 id="jamforelse-rubrik">"Jämför med andra"</h1>
            <p class="lead">
                "Lägg de egna nyckeltalen bredvid andra kommuners från Kolada, nätverkets eller de publicerade KPB-snitten. "
                "Verktyget hämtar ingenting själv: det visar adressen till uppgifterna i Kolada, du öppnar den och sparar filen, och lägger in den här."
            </p>
            <OwnIdentity />
            <KoladaAddress />
            <ReferenceFiles />
            <Selection />
            {move || {
                let report = s.report.get()?;
                let data = s.reference.get();
                let settings = s.compare_settings.get();
                let rows = compare::kpis(&report, &data, &settings);
                let empty = rows.is_empty();
                let kinds: Vec<KpiKind> = KpiKind::ALL.into_iter().filter(|k| rows.iter().any(|r| KpiKind::of(r) == *k)).collect();
                let first = kinds.first().copied();
                let shown = Signal::derive(move || match chosen.get() {
                    Some(Some(k)) if kinds.contains(&k) => Some(k),
                    Some(None) => None,
                    _ => first,
                });
                let years: std::collections::BTreeSet<i32> = data.values.iter().filter(|v| v.unit.is_none()).map(|v| v.period).collect();
                let other_years: Vec<String> = years.iter().filter(|y| **y != report.year).map(i32::to_string).collect();
                let years_note = (!other_years.is_empty()).then(|| {
                    let text = if years.contains(&report.year) {
                        format!("Jämförelsefilerna har också värden för {}: de visas under Över tid.", other_years.join(", "))
                    } else {
                        format!(
                            "Jämförelsefilerna har inga värden för {} utan för {}. Kolada publicerar ett år i efterhand: hämta {} års värden när de finns, eller se utvecklingen under Över tid.",
                            report.year, other_years.join(", "), report.year
                        )
                    };
                    let class = if years.contains(&report.year) { "hint" } else { "callout" };
                    view! { <p class=class data-testid="other-years">{text}</p> }
                });
                Some(view! {
                    <section aria-labelledby="per-nyckeltal">
                        <h2 id="per-nyckeltal">{format!("Nyckeltalen {}", report.year)}</h2>
                        {years_note}
                        {(!empty).then(|| view! { <KindChoice rows=rows.clone() shown=shown chosen=chosen /> })}
                        {move || {
                            let rows: Vec<KpiComparison> = rows.iter().filter(|r| shown.get().is_none_or(|k| KpiKind::of(r) == k)).cloned().collect();
                            view! {
                                {(rows.iter().filter(|r| r.rank.is_some()).count() > 1).then(|| view! { <Overview rows=rows.clone() /> })}
                                {rows.into_iter().map(|row| view! { <KpiBlock row=row own_name=settings.own_name.clone() /> }).collect_view()}
                            }
                        }}
                        {empty.then(|| view! {
                            <p>"Inga jämförelsevärden för årets nyckeltal ännu: lägg in en fil från Kolada eller från nätverket."</p>
                        })}
                    </section>
                })
            }}
            <Published />
        </section>
    }
}

/// How many suggestions a search shows at most.
const SHOWN: usize = 10;

/// The own municipality: found by name among Kolada's kommuner, or its code and name typed.
#[component]
pub fn OwnIdentity() -> impl IntoView {
    let s = session();
    // What is typed in the search field; it shows the own kommun's name when one is chosen.
    let query = RwSignal::new(s.compare_settings.with_untracked(|c| {
        reference::municipality(&c.own_id).filter(|m| m.is_kommun).map(|m| m.title.to_owned()).unwrap_or_default()
    }));
    // The text when it matches no kommun, after Enter or leaving the field.
    let unknown = RwSignal::new(None::<String>);
    let pick = move |m: reference::Municipality| {
        s.update_compare_settings(|c| {
            c.own_id = m.id.to_owned();
            c.own_name = m.title.to_owned();
        });
        query.set(m.title.to_owned());
        unknown.set(None);
    };
    let chosen_title = move || s.compare_settings.with(|c| reference::municipality(&c.own_id).map(|m| m.title));
    // Suggestions while the text is not the chosen kommun's name.
    let suggestions = move || {
        let q = query.get();
        if q.trim().is_empty() || chosen_title().is_some_and(|t| t.eq_ignore_ascii_case(q.trim())) {
            return (Vec::new(), 0);
        }
        let found = address::find_kommuner(&q);
        let n = found.len();
        (found.into_iter().take(SHOWN).collect::<Vec<_>>(), n)
    };
    view! {
        <div class="own-identity">
            <div class="grid3">
                <label class="field wide">
                    <span>"Egen kommun (sök på namnet)"</span>
                    <input
                        type="search"
                        autocomplete="off"
                        placeholder="t.ex. Göteborg"
                        data-testid="own-search"
                        aria-describedby="own-search-hint"
                        prop:value=move || query.get()
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            unknown.set(None);
                            // A whole name no other name starts with ("Mark" waits: "Markaryd").
                            let lower = text.trim().to_lowercase();
                            let starting = address::find_kommuner(&text)
                                .into_iter()
                                .filter(|m| m.title.to_lowercase().starts_with(&lower))
                                .count();
                            query.set(text.clone());
                            if starting == 1 && let Some(m) = address::kommun_named(&text).filter(|m| m.title.to_lowercase() == lower) {
                                pick(m);
                            }
                        }
                        on:change=move |ev| {
                            let text = event_target_value(&ev);
                            if text.trim().is_empty() {
                                return;
                            }
                            // A whole name or code, or the only kommun that fits; several
                            // fitting are left to the suggestions.
                            let found = address::find_kommuner(&text);
                            match (address::kommun_named(&text), found.as_slice()) {
                                (Some(m), _) => pick(m),
                                (None, [only]) => {
                                    if let Some(m) = reference::municipality(only.id) {
                                        pick(m)
                                    }
                                }
                                (None, []) => unknown.set(Some(text.trim().to_owned())),
                                (None, _) => {}
                            }
                        }
                    />
                </label>
                <label class="field">
                    <span>"Kommunkod (fyra siffror)"</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        maxlength="4"
                        data-testid="own-id"
                        prop:value=move || s.compare_settings.with(|c| c.own_id.clone())
                        on:change=move |ev| {
                            let id = parse_code(&event_target_value(&ev)).filter(|id| !id.starts_with('G')).unwrap_or_default();
                            let kommun = reference::municipality(&id).filter(|m| m.is_kommun);
                            s.update_compare_settings(|c| {
                                // A known code names the kommun, unless another name was typed.
                                if let Some(m) = kommun
                                    && (c.own_name.is_empty() || reference::municipalities().any(|k| k.title == c.own_name))
                                {
                                    c.own_name = m.title.to_owned();
                                }
                                c.own_id = id;
                            });
                            query.set(kommun.map(|m| m.title.to_owned()).unwrap_or_default());
                            unknown.set(None);
                        }
                    />
                </label>
                <label class="field">
                    <span>"Eget namn"</span>
                    <input
                        type="text"
                        data-testid="own-name"
                        prop:value=move || s.compare_settings.with(|c| c.own_name.clone())
                        on:change=move |ev| {
                            let name = event_target_value(&ev);
                            s.update_compare_settings(|c| c.own_name = name);
                        }
                    />
                </label>
            </div>
            <p class="hint" id="own-search-hint">
                "Skriv några bokstäver i namnet och välj kommunen, eller skriv koden. Koden och namnet går också att skriva själv, t.ex. för exempeldata."
            </p>
            {move || {
                let (found, n) = suggestions();
                (!found.is_empty()).then(|| view! {
                    <ul class="suggestions" aria-label="Kommuner som passar" data-testid="own-suggestions">
                        {found.into_iter().map(|m| {
                            let kommun = reference::municipality(m.id);
                            view! {
                                <li>
                                    <button class="small secondary" on:click=move |_| { if let Some(k) = kommun { pick(k) } }>
                                        {format!("{} ({})", m.title, m.id)}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                        {(n > SHOWN).then(|| view! { <li class="hint">{format!("och {} till: skriv mer av namnet", n - SHOWN)}</li> })}
                    </ul>
                })
            }}
            {move || unknown.get().map(|text| view! {
                <p class="busy error" role="alert" data-testid="own-unknown">
                    {format!("Ingen kommun i Koladas kommunlista heter något med ”{text}”. Skriv en del av namnet, eller koden.")}
                </p>
            })}
        </div>
    }
}

/// A group's title without Kolada's "(ovägt medel)".
fn group_name(title: &str) -> &str {
    title.trim_end_matches(" (ovägt medel)")
}

/// The name of a chosen area, with what it is.
fn area_label(id: &str) -> String {
    match address::area_title(id) {
        Some(t) if id.starts_with('G') => format!("{}, gruppens medel ({id})", group_name(t)),
        Some(t) => format!("{t} ({id})"),
        None => id.to_owned(),
    }
}

/// Builds the Kolada addresses for the KPIs, municipalities, groups and years chosen.
#[component]
fn KoladaAddress() -> impl IntoView {
    let s = session();
    // Kolada's N-KPIs the engine reproduces from the own data (never a KPB U-KPI: Kolada has
    // none since 2025).
    let offered: Vec<(&'static str, &'static str)> = reference::REPRODUCED
        .iter()
        .filter(|id| reference::is_published(id))
        .map(|id| (*id, reference::kpi_title(id).unwrap_or("")))
        .collect();
    let all_ids: Vec<&'static str> = offered.iter().map(|k| k.0).collect();
    let chosen: RwSignal<Vec<&'static str>> = RwSignal::new(all_ids.clone());
    let n_offered = offered.len();
    let year = move || s.report.with(|r| r.as_ref().map_or(2025, |r| r.year));
    let years = RwSignal::new(3u32);
    let query = RwSignal::new(String::new());
    let areas = move || s.compare_settings.with(|c| c.chosen_areas.clone());
    let own_id = move || s.compare_settings.with(|c| c.own_id.clone());
    let add = move |ids: Vec<String>| {
        s.update_compare_settings(|c| {
            for id in ids {
                if id != c.own_id && !c.chosen_areas.contains(&id) {
                    c.chosen_areas.push(id);
                }
            }
        })
    };
    let remove = move |id: String| s.update_compare_settings(|c| c.chosen_areas.retain(|a| *a != id));
    // The own kommun is asked for too (Kolada's value for it beside the own figure), when Kolada has it.
    let own_in = move || reference::municipality(&own_id()).map(|m| m.title);
    let addresses = move || {
        let mut all: Vec<String> = Vec::new();
        if own_in().is_some() {
            all.push(own_id());
        }
        all.extend(areas());
        let y = year();
        let list: Vec<i32> = (0..years.get() as i32).rev().map(|i| y - i).collect();
        // In the catalogue's order, whatever order they were ticked in.
        let kpis: Vec<&str> = all_ids.iter().copied().filter(|k| chosen.with(|c| c.contains(k))).collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        (address::kolada_addresses(&kpis, &refs, &list), kpis.len(), all.len())
    };
    // Kolada's groups come as a file of their own the first time they are needed (crate::groups).
    use crate::groups::Status;
    let groups = s.groups;
    crate::groups::ask(groups);
    let asked = move || groups.with(|g| matches!(g, Status::Ready | Status::Failed(_)));
    let found = move || {
        let q = query.get();
        groups.track();
        if q.trim().chars().count() < 2 {
            return (Vec::new(), 0);
        }
        let found = address::find_areas(&q);
        let n = found.len();
        (found.into_iter().take(SHOWN).collect::<Vec<_>>(), n)
    };
    // Open until there are reference files; then the comparisons come first.
    let open = s.reference.with_untracked(|d| d.files.is_empty());
    view! {
        <details class="kolada-address" open=open>
            <summary>"Hämta jämförelsevärden från Kolada"</summary>
            <ol class="guide">
                <li>"Välj nyckeltal, kommuner eller grupper och antal år."</li>
                <li>"Öppna adressen nedan (den öppnas i en ny flik, hos Kolada) och spara svaret som en fil (JSON)."</li>
                <li>"Lägg in filen här under. Spara gärna även Koladas kommunlista (adressen längst ned) så visas namn i stället för koder."</li>
            </ol>
            <details class="kpi-choice">
                <summary data-testid="kpi-summary">{move || format!("Nyckeltal: {} av {n_offered} valda", chosen.with(Vec::len))}</summary>
                <p class="hint">
                    "Koladas nyckeltal som verktyget räknar fram ur era egna uppgifter, med samma definition (alla regier, per brukare eller invånare). "
                    "KPB-nyckeltalen (id som börjar med U) finns inte i Kolada sedan 2025: jämför dem med nätverkets filer eller de publicerade KPB-snitten."
                </p>
                <fieldset>
                <legend class="visually-hidden">"Nyckeltal"</legend>
                {offered
                    .into_iter()
                    .map(|(id, name)| {
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    data-testid=format!("kpi-{id}")
                                    checked=move || chosen.with(|c| c.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| if on { if !c.contains(&id) { c.push(id) } } else { c.retain(|x| *x != id) });
                                    }
                                />
                                {format!("{id} {name}")}
                            </label>
                        }
                    })
                    .collect_view()}
                </fieldset>
            </details>
            <div class="grid3">
                <label class="field wide">
                    <span>"Jämför med (sök kommun eller grupp, t.ex. Pendlingskommun nära större stad)"</span>
                    <input
                        type="search"
                        autocomplete="off"
                        data-testid="area-search"
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))
                    />
                </label>
                <label class="field">
                    <span>"Antal år"</span>
                    <input type="number" min="1" max="10" data-testid="kolada-years" prop:value=move || years.get().to_string() on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<u32>() { years.set(n.clamp(1, 10)) }
                    } />
                </label>
            </div>
            {move || {
                let status = match groups.get() {
                    Status::Ready => None,
                    Status::Failed(why) => Some(why),
                    Status::Unasked | Status::Fetching => Some("Hämtar Koladas kommungrupper …".to_owned()),
                };
                status.map(|text| view! { <p class="hint" data-testid="groups-status" role="status">{text}</p> })
            }}
            {move || {
                let (list, n) = found();
                let q = query.get();
                if q.trim().chars().count() >= 2 && list.is_empty() && asked() {
                    // Without the groups (they could not be fetched: said above) only kommuner are searched.
                    let what = if reference::groups_known() { "Ingen kommun eller grupp" } else { "Ingen kommun" };
                    return Some(view! { <p class="hint" data-testid="area-none">{format!("{what} heter något med ”{}”.", q.trim())}</p> }.into_any());
                }
                (!list.is_empty()).then(|| view! {
                    <ul class="search-results" aria-label="Kommuner och grupper som passar" data-testid="area-results">
                        {list.into_iter().map(|a| {
                            let id = a.id;
                            let has = move || s.compare_settings.with(|c| c.chosen_areas.iter().any(|x| x == id));
                            if a.is_group {
                                let members = a.members;
                                let name = group_name(a.title).to_owned();
                                view! {
                                    <li data-area=id>
                                        <span class="name">{name.clone()}</span>
                                        <span class="kind">{format!("grupp, {} {}", members, if members == 1 { "kommun" } else { "kommuner" })}</span>
                                        <button class="small secondary" disabled=has
                                            aria-label={let name = name.clone(); move || if has() { format!("Gruppens medel valt: {name}") } else { format!("Lägg till gruppens medel: {name}") }}
                                            on:click=move |_| add(vec![id.to_owned()])>
                                            {move || if has() { "Gruppens medel valt" } else { "Lägg till gruppens medel" }}
                                        </button>
                                        <button class="small secondary" disabled=members == 0 aria-label=format!("Lägg till de {members} kommunerna i {name}")
                                            on:click=move |_| add(address::group_members(id).into_iter().map(str::to_owned).collect())>
                                            {format!("Lägg till de {members} kommunerna")}
                                        </button>
                                    </li>
                                }.into_any()
                            } else {
                                let kind = if a.is_kommun { "kommun" } else { "region eller riket" };
                                view! {
                                    <li data-area=id>
                                        <span class="name">{a.title}</span>
                                        <span class="kind">{format!("{kind}, {id}")}</span>
                                        <button class="small secondary" disabled=has
                                            aria-label={let t = a.title; move || if has() { format!("Vald: {t}") } else { format!("Lägg till {t}") }}
                                            on:click=move |_| add(vec![id.to_owned()])>
                                            {move || if has() { "Vald" } else { "Lägg till" }}
                                        </button>
                                    </li>
                                }.into_any()
                            }
                        }).collect_view()}
                        {(n > SHOWN).then(|| view! { <li class="hint">{format!("och {} till: skriv mer av namnet", n - SHOWN)}</li> })}
                    </ul>
                }.into_any())
            }}
            <p class="hint source" data-testid="kolada-source">{reference::KOLADA_SOURCE}"."</p>
            {move || {
                let chosen_areas = areas();
                let own = own_in();
                // A chosen group is named once the groups are known.
                groups.track();
                view! {
                    <div class="chosen" data-testid="chosen-areas">
                        <h3 class="small-heading">{format!("Valda ({})", chosen_areas.len())}</h3>
                        {own.map(|t| view! { <p class="hint">{format!("Den egna kommunen, {t}, är alltid med: då syns Koladas värde för den bredvid det egna.")}</p> })}
                        {chosen_areas.is_empty().then(|| view! { <p class="hint">"Inga kommuner eller grupper valda ännu: sök ovan."</p> })}
                        <ul class="chips">
                            {chosen_areas.iter().map(|id| {
                                let label = area_label(id);
                                let area = id.clone();
                                let id = id.clone();
                                view! {
                                    <li class="chip" data-area=area>
                                        <span>{label.clone()}</span>
                                        <button class="chip-remove" aria-label=format!("Ta bort {label}") title="Ta bort" on:click=move |_| remove(id.clone())>"×"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {(chosen_areas.len() > 1).then(|| view! {
                            <button class="small secondary" data-testid="clear-areas" on:click=move |_| s.update_compare_settings(|c| c.chosen_areas.clear())>"Ta bort alla"</button>
                        })}
                    </div>
                }
            }}
            {move || {
                let (urls, kpis, areas) = addresses();
                let n = urls.len();
                if n == 0 {
                    return view! {
                        <p class="hint" data-testid="kolada-none">"Välj minst ett nyckeltal och en kommun eller grupp, så visas adressen hit."</p>
                    }.into_any();
                }
                view! {
                    {(n > 1).then(|| view! {
                        <p class="callout" data-testid="kolada-split">
                            {format!(
                                "Adressen är delad i {n} adresser: Kolada tar högst {} id per del av adressen, och här är det {kpis} nyckeltal och {areas} kommuner och grupper. Öppna var och en, spara svaren och lägg in alla filerna.",
                                address::MAX_IDS
                            )}
                        </p>
                    })}
                    <ol class="addresses" data-testid="kolada-urls">
                        {urls.into_iter().enumerate().map(|(i, url)| {
                            let href = url.clone();
                            let copied = url.clone();
                            view! {
                                <li>
                                    {(n > 1).then(|| view! { <span class="part">{format!("Adress {} av {n}", i + 1)}</span> })}
                                    <p class="address">
                                        <a href=href target="_blank" rel="noopener noreferrer" data-testid="kolada-url">{url}</a>
                                    </p>
                                    <button class="small secondary" on:click=move |_| copy(&copied)
                                        aria-label={if n > 1 { format!("Kopiera adress {} av {n}", i + 1) } else { "Kopiera adressen".to_owned() }}>
                                        "Kopiera"
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <p class="hint" data-testid="kolada-pages">
                        "Ett långt svar kommer i sidor: står det en adress under ”next_url” i svaret finns det mer. "
                        "Lägger du in ett sparat svar som har en nästa sida ber verktyget om den, så att inga värden fattas."
                    </p>
                }.into_any()
            }}
            <p class="hint">
                "Kommunlistan: "
                <a href="https://api.kolada.se/v3/municipality" target="_blank" rel="noopener noreferrer">"https://api.kolada.se/v3/municipality"</a>
                ". Koladas tabeller (Ladda ner som CSV eller Excel) går också att lägga in."
            </p>
        </details>
    }
}

fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// The example comparison files (made by `kpb-gen --jamforelse`): invented municipalities, so
/// that the comparison views can be shown on the example data.
const EXAMPLE_REFERENCE: [&str; 7] = [
    "kolada-exempel.json",
    "kolada-kommuner-exempel.json",
    "natverk-granvik.json",
    "natverk-ekeby.json",
    "kvalitet-exempel.csv",
    "kolada-enheter-exempel.json",
    "kolada-enhetslista-exempel.json",
];

/// With the example data: a button that adds the example's comparison files and its previous year.
#[component]
pub fn ExampleComparison() -> impl IntoView {
    let s = session();
    let add = move |_| {
        s.busy
            .set(crate::state::Busy::Working {
                message: "Hämtar exemplets jämförelsefiler …".into(), fraction: 0.02
            });
        if s.compare_settings.with_untracked(|c| c.own_id.is_empty() && c.own_name.is_empty()) {
            s.compare_settings.update(|c| {
                c.own_id = "9999".into();
                c.own_name = "Exempelkommun".into();
            });
        }
        let previous = s.report.with_untracked(|r| r.as_ref().map(|r| r.year - 1));
        let has_previous = s.history.with_untracked(|h| h.iter().any(|y| Some(y.year) == previous));
        leptos::task::spawn_local(async move {
            let fail = |e: String| s.busy.set(crate::state::Busy::Failed(e));
            // Own files chosen while fetching: the example's files are not for them.
            let still_example = move || s.example.get_untracked();
            match crate::views::start::fetch_files("exempel/jamforelse", &EXAMPLE_REFERENCE).await {
                Ok(files) if still_example() => s.load_reference(files),
                Ok(_) => return,
                Err(e) => return fail(e),
            }
            if let (Some(year), false) = (previous, has_previous) {
                let names = crate::views::start::EXAMPLE_FILES.map(|f| format!("{year}/{f}"));
                match crate::views::start::fetch_files("exempel/jamforelse", &names.each_ref().map(String::as_str))
                    .await
                {
                    Ok(files) if still_example() => s.add_year(files),
                    Ok(_) => {}
                    Err(e) => fail(e),
                }
            }
        });
    };
    move || {
        (s.example.get() && s.reference.with(|d| d.files.is_empty())).then(|| view! {
            <div class="callout example-comparison">
                <p>"Exempeldata är inläst. Vill du se jämförelserna utan egna filer? Exemplet har påhittade grannkommuner i Kolada, två nätverkskommuner, föregående år och kvalitetsresultat."</p>
                <button class="secondary" data-testid="example-comparison" on:click=add>"Visa med exempel på jämförelser"</button>
            </div>
        })
    }
}

/// The reference files: choose, list, findings, clear.
#[component]
pub fn ReferenceFiles() -> impl IntoView {
    let s = session();
    let take = move |ev: leptos::ev::Event| s.load_reference(chosen_files(&ev));
    view! {
        <section class="reference-files" aria-labelledby="referensfiler">
            <h2 id="referensfiler">"Jämförelsefiler"</h2>
            <ExampleComparison />
            <label class="button">
                "Lägg in filer från Kolada, nätverket eller kvalitetsmätningar"
                <input type="file" multiple accept=".json,.csv,.txt,.xlsx,.xls" class="visually-hidden" data-testid="reference-input" on:change=take />
            </label>
            {move || {
                let data = s.reference.get();
                // (A file that could not be read is no file, but its finding is shown.)
                (!data.files.is_empty() || !data.findings.is_empty()).then(|| {
                    let findings: Vec<_> = data.findings.clone();
                    view! {
                        {(!data.files.is_empty()).then(|| view! {
                            <div class="scroll"><table class="compact" data-testid="reference-table">
                                <thead><tr><th scope="col">"Fil"</th><th scope="col">"Innehåll"</th><th scope="col" class="num">"Värden"</th></tr></thead>
                                <tbody>
                                    {data.files.iter().map(|f| view! {
                                        <tr><th scope="row">{f.name.clone()}</th><td>{f.kind.clone()}</td><td class="num">{f.values}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        })}
                        {(!findings.is_empty()).then(|| view! {
                            <ul class="findings" data-testid="reference-findings">
                                {findings.into_iter().map(|f| view! {
                                    <li>
                                        <p class="msg">{format!("{}: {}", f.severity.name(), f.message())}</p>
                                        <p class="where">{f.pos.to_string()}</p>
                                        <p class="help">{f.help()}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        })}
                        <button class="small secondary" on:click=move |_| s.clear_reference()>"Ta bort jämförelsefilerna"</button>
                    }
                })
            }}
        </section>
    }
}

/// Which areas to compare with, and what the potential is measured against.
#[component]
fn Selection() -> impl IntoView {
    let s = session();
    let areas =
        move || s.reference.with(|d| d.areas().into_iter().map(|a| (a.clone(), d.name(&a))).collect::<Vec<_>>());
    view! {
        {move || (!areas().is_empty()).then(|| view! {
            <fieldset class="area-choice">
                <legend>"Jämför med"</legend>
                {areas().into_iter().filter(|(a, _)| *a != s.compare_settings.with(|c| c.own_id.clone())).map(|(area, name)| {
                    let a = area.clone();
                    let checked = move || s.compare_settings.with(|c| !c.excluded.contains(&a));
                    let a2 = area.clone();
                    view! {
                        <label class="check">
                            <input type="checkbox" checked=checked on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let id = a2.clone();
                                s.update_compare_settings(move |c| {
                                    c.excluded.retain(|x| *x != id);
                                    if !on { c.excluded.push(id) }
                                });
                            } />
                            {if name == area { area.clone() } else { format!("{name} ({area})") }}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        })}
        <label class="field">
            <span>"Potentialen räknas mot"</span>
            <select data-testid="reference-choice" on:change=move |ev| {
                let v = event_target_value(&ev);
                s.update_compare_settings(move |c| c.reference = match v.as_str() {
                    "lagsta" => ReferenceChoice::Lowest,
                    "publicerat" => ReferenceChoice::Published,
                    "medel" => ReferenceChoice::Mean,
                    id => ReferenceChoice::Area(id.to_owned()),
                });
            }>
                <option value="medel" selected=move || s.compare_settings.with(|c| c.reference == ReferenceChoice::Mean)>"det ovägda medelvärdet av de valda"</option>
                <option value="lagsta" selected=move || s.compare_settings.with(|c| c.reference == ReferenceChoice::Lowest)>"den lägsta av de valda"</option>
                <option value="publicerat" selected=move || s.compare_settings.with(|c| c.reference == ReferenceChoice::Published)>"senaste publicerade KPB-snitt"</option>
                {move || areas().into_iter().filter(|(a, _)| !s.compare_settings.with(|c| c.is_own(a))).map(|(a, name)| {
                    let sel = a.clone();
                    view! { <option value=a.clone() selected=move || s.compare_settings.with(|c| c.reference == ReferenceChoice::Area(sel.clone()))>{name}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn KpiBlock(row: KpiComparison, own_name: String) -> impl IntoView {
    let unit = Unit::of_figure(row.unit);
    let own_label = if own_name.is_empty() { "Egen kommun".to_owned() } else { format!("{own_name} (egen)") };
    let mut bars: Vec<Bar> = row
        .others
        .iter()
        .filter_map(|o| {
            o.value.map(|v| Bar {
                label: if o.area.starts_with('G') { format!("{} (grupp)", o.name) } else { o.name.clone() },
                value: v,
                emphasis: false,
                note: o.group.then(|| "räknas inte i medel".to_owned()),
            })
        })
        .collect();
    if let Some(own) = row.own {
        bars.push(Bar { label: own_label.clone(), value: own, emphasis: true, note: Some("egen".into()) });
    }
    if let Some(k) = row.in_kolada.as_ref().and_then(|k| k.value) {
        bars.push(Bar {
            label: format!("{} enligt Kolada", own_label.trim_end_matches(" (egen)")),
            value: k,
            emphasis: false,
            note: Some("Koladas värde".into()),
        });
    }
    let in_kolada = row.in_kolada.clone().map(|k| {
        let own = row.own.map_or_else(|| "–".to_owned(), |v| format::figure(row.unit, v));
        match k.value {
            Some(v) => format!(
                "Koladas värde för {} {}: {}. Räknat ur de egna filerna: {own}{}.",
                own_label.trim_end_matches(" (egen)"),
                row.year,
                format::figure(row.unit, v),
                k.difference
                    .map(|d| if row.unit == FigureUnit::Procent {
                        // A difference of shares is in percentage points.
                        format!(", skillnad {} procentenheter", format::number(d, 1))
                    } else {
                        format!(
                            ", skillnad {}{}",
                            format::figure(row.unit, d),
                            k.percent.map(|p| format!(" ({})", format::percent(p))).unwrap_or_default()
                        )
                    })
                    .unwrap_or_default()
            ),
            None => format!(
                "Kolada har inget värde för {} {} ({}).",
                own_label.trim_end_matches(" (egen)"),
                row.year,
                k.status.unwrap_or_else(|| "saknas".into())
            ),
        }
    });
    let differs = row.in_kolada.as_ref().and_then(|k| k.difference).is_some_and(|d| !d.is_zero());
    let kpb_beside = row.kpb.clone().map(|k| {
        let value =
            k.value.map(|v| format!(" {} {} ({}).", k.id, format::figure(k.unit, v), k.unit)).unwrap_or_default();
        format!("Bredvid KPB:{value} {}", k.difference)
    });
    bars.sort_by_key(|b| b.value);
    let missing: Vec<String> = row
        .others
        .iter()
        .filter(|o| o.value.is_none())
        .map(|o| format!("{} ({})", o.name, o.status.clone().unwrap_or_else(|| "saknas".into())))
        .collect();
    let position = row.rank.map(|(r, of)| {
        format!("Plats {r} av {of} (1 = lägst){}.", row.quartile.map(|q| format!(", kvartil {q}")).unwrap_or_default())
    });
    let spread = match (&row.lowest, &row.highest, row.mean) {
        (Some(l), Some(h), Some(m)) => Some(format!(
            "De valda: ovägt medel {}, lägst {} ({}), högst {} ({}).",
            format::figure(row.unit, m),
            format::figure(row.unit, l.1),
            l.0,
            format::figure(row.unit, h.1),
            h.0
        )),
        _ => None,
    };
    let potential = match (&row.no_potential, row.potential, &row.reference, row.own, row.excess) {
        (Some(none), ..) => Some(none.to_string()),
        (None, Some(p), Some((label, r)), Some(own), Some(excess)) => Some(format!(
            "Potential: {} kr om kostnaden var som {label} ({} kr − {} kr = {} kr {} × {} {}; räknat med oavrundade värden).",
            format::kr(p),
            format::ore(own),
            format::ore(*r),
            format::ore(excess),
            row.unit.after_value(),
            format::volume(row.volume),
            kpb::model::lower_first(&row.volume_label)
        )),
        _ => None,
    };
    let description = format!(
        "{own_label} mörk{}.",
        if row.mean.is_some() { ", streckad linje = ovägt medel för de valda" } else { "" }
    );
    let own_only = (bars.len() <= 1)
        .then_some(row.own)
        .flatten()
        .map(|v| format!("{own_label} {}: {}.", row.year, format::figure(row.unit, v)));
    let published = row.published.clone();
    view! {
        <section class="kpi-compare" id=format!("jamfor-{}", row.id) data-testid=format!("compare-{}", row.id)>
            <h3>{row.name.clone()} " " <span class="kolada">{row.id.clone()}</span></h3>
            {(bars.len() > 1).then(|| view! {
                <BarChart
                    id=format!("jamforelse-{}", row.id.to_lowercase())
                    title=format!("{} {}", row.name, row.year)
                    description=description
                    unit=unit
                    value_label=row.unit.text()
                    bars=bars
                    reference=row.mean.map(|m| ("Ovägt medel".to_owned(), m))
                    label_header="Kommun".to_owned()
                />
            })}
            <ul class="facts" data-testid="compare-facts">
                {own_only.map(|p| view! { <li>{p}</li> })}
                {position.map(|p| view! { <li data-testid="rank">{p}</li> })}
                {spread.map(|p| view! { <li>{p}</li> })}
                {potential.map(|p| view! { <li data-testid="potential">{p}</li> })}
                {in_kolada.map(|p| view! { <li data-testid="in-kolada">{p}</li> })}
                {differs.then(|| view! {
                    <li class="finding-note" data-testid="kolada-difference">
                        "En skillnad mot Koladas värde betyder oftast att huvudboksuttaget och räkenskapssammandraget (RS) inte bokför lika: "
                        "kostnad bokförd på en annan verksamhet i RS, gemensamma kostnader som KPB fördelar men RS har på annan verksamhet, "
                        "eller brukare som räknats på annat sätt i individstatistiken. Jämför underlaget med den som lämnar RS."
                    </li>
                })}
                {kpb_beside.map(|p| view! { <li data-testid="kpb-beside">{p}</li> })}
                {(!missing.is_empty()).then(|| view! { <li>{format!("Utan värde: {}.", missing.join(", "))}</li> })}
                {published.into_iter().map(|p| view! {
                    <li>{format!("{} {}: {} (löpande priser) – källa: {}.", p.label, p.year, format::figure(row.unit, p.value), p.source)}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The kinds of nyckeltal, to show one kind at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KpiKind {
    /// Kolada's N-KPIs, computed by Kolada's definitions: comparable with every municipality.
    Kolada,
    /// Cost per hour, dygn, day, month, portion: where the potential applies.
    PerVolume,
    /// Cost per client or per place.
    PerClient,
    /// Shares, volumes per inhabitant and the like.
    Other,
}

impl KpiKind {
    const ALL: [KpiKind; 4] = [KpiKind::Kolada, KpiKind::PerVolume, KpiKind::PerClient, KpiKind::Other];

    fn of(row: &KpiComparison) -> KpiKind {
        if row.basis == Basis::Kolada {
            KpiKind::Kolada
        } else if row.unit.is_unit_cost() {
            KpiKind::PerVolume
        } else if row.unit.is_money() {
            KpiKind::PerClient
        } else {
            KpiKind::Other
        }
    }

    fn name(self) -> &'static str {
        match self {
            KpiKind::Kolada => "Koladas nyckeltal (alla kommuner)",
            KpiKind::PerVolume => "KPB: kostnad per timme, dygn, dag …",
            KpiKind::PerClient => "KPB: kostnad per brukare och per plats",
            KpiKind::Other => "KPB: andelar, ytterfall och volymer",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            KpiKind::Kolada => "kolada",
            KpiKind::PerVolume => "volym",
            KpiKind::PerClient => "brukare",
            KpiKind::Other => "ovrigt",
        }
    }
}

/// Which kind of nyckeltal to show, with how many of each.
#[component]
fn KindChoice(
    rows: Vec<KpiComparison>,
    shown: Signal<Option<KpiKind>>,
    chosen: RwSignal<Option<Option<KpiKind>>>,
) -> impl IntoView {
    let count = |k: KpiKind| rows.iter().filter(|r| KpiKind::of(r) == k).count();
    let all = rows.len();
    view! {
        <label class="field">
            <span>"Visa"</span>
            <select data-testid="kpi-kind" on:change=move |ev| {
                let v = event_target_value(&ev);
                chosen.set(Some(KpiKind::ALL.into_iter().find(|k| k.slug() == v)));
            }>
                {KpiKind::ALL.into_iter().filter(|k| count(*k) > 0).map(|k| view! {
                    <option value=k.slug() selected=move || shown.get() == Some(k)>{format!("{} ({})", k.name(), count(k))}</option>
                }).collect_view()}
                <option value="alla" selected=move || shown.get().is_none()>{format!("Alla nyckeltal ({all})")}</option>
            </select>
        </label>
    }
}

/// Every compared nyckeltal in one table: own value, the unweighted mean, position and
/// potential; a click on a name goes to its chart.
#[component]
pub fn Overview(
    rows: Vec<KpiComparison>,
    /// Names as text, not as links to the charts (in the printed report).
    #[prop(optional)]
    plain: bool,
) -> impl IntoView {
    let go = |id: &str| {
        if let Some(e) =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&format!("jamfor-{id}")))
        {
            e.scroll_into_view();
        }
    };
    view! {
        <div class="scroll">
            <table class="compact overview" data-testid="compare-overview">
                <caption>"Översikt: den egna kommunen bland de valda"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Nyckeltal"</th>
                        <th scope="col" class="num">"Egen"</th>
                        <th scope="col" class="num">"Ovägt medel"</th>
                        <th scope="col" class="num">"Plats (1 = lägst)"</th>
                        <th scope="col" class="num">"Kvartil"</th>
                        <th scope="col" class="num">"Potential"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().filter(|r| r.rank.is_some()).map(|r| {
                        let id = r.id.clone();
                        let figure = |v: Option<rust_decimal::Decimal>| v.map(|v| format::figure(r.unit, v)).unwrap_or_else(|| "–".into());
                        view! {
                            <tr data-kpi=r.id.clone()>
                                <th scope="row">{if plain {
                                    format!("{} ({})", r.name, r.id).into_any()
                                } else {
                                    view! { <button class="link" on:click=move |_| go(&id)>{format!("{} ({})", r.name, r.id)}</button> }.into_any()
                                }}</th>
                                <td class="num">{figure(r.own)}</td>
                                <td class="num">{figure(r.mean)}</td>
                                <td class="num">{r.rank.map(|(p, of)| format!("{p} av {of}")).unwrap_or_default()}</td>
                                <td class="num">{r.quartile.map(|q| q.to_string()).unwrap_or_default()}</td>
                                <td class="num">{r.potential.filter(|p| !p.is_zero()).map(|p| format!("{} kr", format::kr(p))).unwrap_or_else(|| "–".into())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="hint">"Potential = (egen kostnad − referens) × egen volym: för KPB:s styckkostnader timmar, dygn eller dagar, för Koladas nyckeltal personer eller invånare. Potentialerna ska inte läggas ihop: flera nyckeltal kan gälla samma kostnad."</p>
    }
}

/// The published reference values shipped with the tool, with their sources.
#[component]
fn Published() -> impl IntoView {
    view! {
        <details class="published">
            <summary>"Publicerade referensvärden (medföljer verktyget)"</summary>
            <table class="compact">
                <thead><tr><th scope="col">"Nyckeltal"</th><th scope="col">"Avser"</th><th scope="col">"År"</th><th scope="col" class="num">"Värde"</th><th scope="col">"Källa"</th></tr></thead>
                <tbody>
                    {kpb::reference::published().into_iter().map(|p| view! {
                        <tr>
                            <th scope="row">{format!("{} {}", p.kpi, kpb::reference::kpi_title(&p.kpi).unwrap_or(""))}</th>
                            <td>{p.label.clone()}</td>
                            <td>{p.year}</td>
                            <td class="num">{format!("{} kr", format::kr(p.value))}</td>
                            <td>{p.source.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

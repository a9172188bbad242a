//! Jämför med andra: Kolada's values and network partners' beside the own figures – bars with the
//! own highlighted, the mean, lowest and highest, the position and the potential – and the exact
//! Kolada address for the data to download. The app itself connects nowhere.

use crate::charts::{Bar, BarChart, Unit};
use crate::state::{chosen_files, session};
use kpb::compare::{self, KpiComparison, ReferenceChoice};
use kpb::report::Basis;
use kpb::format;
use leptos::prelude::*;

/// Whether a text is a Kolada area id: four digits, or a group id starting with G.
pub fn valid_area(id: &str) -> bool {
    (id.len() == 4 && id.bytes().all(|b| b.is_ascii_digit())) || (id.starts_with('G') && id.len() > 1)
}

/// The ids of a comma- or space-separated list, four-digit ids padded (`180` → `0180`).
pub fn parse_areas(text: &str) -> (Vec<String>, Vec<String>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for part in text.split([',', ' ', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let id = if part.bytes().all(|b| b.is_ascii_digit()) && part.len() < 4 {
            format!("{part:0>4}")
        } else {
            part.to_owned()
        };
        if valid_area(&id) { good.push(id) } else { bad.push(part.to_owned()) }
    }
    (good, bad)
}

#[component]
pub fn Comparison() -> impl IntoView {
    let s = session();
    let shown = RwSignal::new(Some(KpiKind::Kolada));
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
                let settings = s.compare.get();
                let rows = compare::compare(&report, &data, &settings);
                let empty = rows.is_empty();
                // A kind the data has none of shows everything.
                if shown.get_untracked().is_some_and(|k| !rows.iter().any(|r| KpiKind::of(r) == k)) {
                    shown.set(None);
                }
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
                        {(!empty).then(|| view! { <KindChoice rows=rows.clone() shown=shown /> })}
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

/// The own municipality's id and name.
#[component]
pub fn OwnIdentity() -> impl IntoView {
    let s = session();
    view! {
        <div class="grid3 own-identity">
            <label class="field">
                <span>"Egen kommunkod (fyra siffror)"</span>
                <input
                    type="text"
                    inputmode="numeric"
                    maxlength="4"
                    data-testid="own-id"
                    prop:value=move || s.compare.with(|c| c.own_id.clone())
                    on:change=move |ev| {
                        let (ids, _) = parse_areas(&event_target_value(&ev));
                        s.update_compare(|c| c.own_id = ids.into_iter().next().unwrap_or_default());
                    }
                />
            </label>
            <label class="field">
                <span>"Eget namn"</span>
                <input
                    type="text"
                    data-testid="own-name"
                    prop:value=move || s.compare.with(|c| c.own_name.clone())
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        s.update_compare(|c| c.own_name = name);
                    }
                />
            </label>
        </div>
    }
}

/// Builds the Kolada address for the KPIs, municipalities and years chosen.
#[component]
fn KoladaAddress() -> impl IntoView {
    let s = session();
    let areas = RwSignal::new(String::from("0180, 1480, 1280"));
    let kpis = move || {
        s.report.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.nyckeltal
                        .iter()
                        .filter(|n| n.id.starts_with('U') && n.value.is_some())
                        .map(|n| (n.id.clone(), n.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let chosen: RwSignal<Vec<String>> =
        RwSignal::new(vec!["U21003".into(), "U23004".into(), "U28030".into(), "U25005".into()]);
    // The chosen among the report's own U-nyckeltal (a default the report lacks is left out).
    let picked = move || {
        let own = kpis();
        chosen.get().into_iter().filter(|id| own.iter().any(|k| k.0 == *id)).collect::<Vec<_>>()
    };
    let year = move || s.report.with(|r| r.as_ref().map_or(2025, |r| r.year));
    let years = RwSignal::new(3u32);
    let address = move || {
        let (ids, _) = parse_areas(&areas.get());
        let own = s.compare.with(|c| c.own_id.clone());
        let mut all: Vec<String> = ids;
        if valid_area(&own) && !all.contains(&own) {
            all.insert(0, own);
        }
        let y = year();
        let list: Vec<String> = (0..years.get() as i32).rev().map(|i| (y - i).to_string()).collect();
        let k: Vec<String> = picked();
        (!all.is_empty() && !k.is_empty()).then(|| {
            format!(
                "https://api.kolada.se/v3/data/kpi/{}/municipality/{}/year/{}",
                k.join(","),
                all.join(","),
                list.join(",")
            )
        })
    };
    let invalid = move || parse_areas(&areas.get()).1;
    // Open until there are reference files; then the comparisons come first.
    let open = s.reference.with_untracked(|d| d.files.is_empty());
    view! {
        <details class="kolada-address" open=open>
            <summary>"Hämta jämförelsevärden från Kolada"</summary>
            <ol class="guide">
                <li>"Välj nyckeltal, kommuner och antal år."</li>
                <li>"Öppna adressen nedan (den öppnas i en ny flik, hos Kolada) och spara svaret som en fil (JSON)."</li>
                <li>"Lägg in filen här under. Spara gärna även Koladas kommunlista (adressen längst ned) så visas namn i stället för koder."</li>
            </ol>
            <details class="kpi-choice">
                <summary>{move || format!("Nyckeltal: {}", picked().join(", "))}</summary>
                <fieldset>
                <legend class="visually-hidden">"Nyckeltal"</legend>
                {move || kpis()
                    .into_iter()
                    .map(|(id, name)| {
                        let i = id.clone();
                        let checked = move || chosen.with(|c| c.contains(&i));
                        let i2 = id.clone();
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    checked=checked
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let id = i2.clone();
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
                    <span>"Kommuner att jämföra med (koder, t.ex. 0180, 1480; grupper börjar med G)"</span>
                    <input type="text" data-testid="kolada-areas" prop:value=move || areas.get() on:input=move |ev| areas.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>"Antal år"</span>
                    <input type="number" min="1" max="10" prop:value=move || years.get().to_string() on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<u32>() { years.set(n.clamp(1, 10)) }
                    } />
                </label>
            </div>
            {move || (!invalid().is_empty()).then(|| view! {
                <p class="busy error" role="alert">{format!("Ogiltiga koder: {}. En kommunkod har fyra siffror; en grupp börjar med G.", invalid().join(", "))}</p>
            })}
            {move || address().map(|url| {
                let href = url.clone();
                view! {
                    <p class="address">
                        <a href=href target="_blank" rel="noopener noreferrer" data-testid="kolada-url">{url.clone()}</a>
                    </p>
                    <button class="small secondary" on:click=move |_| copy(&url)>"Kopiera adressen"</button>
                }
            })}
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
        if s.compare.with_untracked(|c| c.own_id.is_empty() && c.own_name.is_empty()) {
            s.compare.update(|c| {
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
                (!data.files.is_empty()).then(|| {
                    let findings: Vec<_> = data.findings.clone();
                    view! {
                        <table class="compact" data-testid="reference-table">
                            <thead><tr><th scope="col">"Fil"</th><th scope="col">"Innehåll"</th><th scope="col" class="num">"Värden"</th></tr></thead>
                            <tbody>
                                {data.files.iter().map(|f| view! {
                                    <tr><th scope="row">{f.name.clone()}</th><td>{f.kind.clone()}</td><td class="num">{f.values}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        {(!findings.is_empty()).then(|| view! {
                            <ul class="findings" data-testid="reference-findings">
                                {findings.into_iter().map(|f| view! {
                                    <li>
                                        <p class="msg">{format!("{}: {}", f.severity.name(), f.message)}</p>
                                        <p class="where">{f.pos.to_string()}</p>
                                        <p class="help">{f.help.clone()}</p>
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
                {areas().into_iter().filter(|(a, _)| *a != s.compare.with(|c| c.own_id.clone())).map(|(area, name)| {
                    let a = area.clone();
                    let checked = move || s.compare.with(|c| !c.excluded.contains(&a));
                    let a2 = area.clone();
                    view! {
                        <label class="check">
                            <input type="checkbox" checked=checked on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let id = a2.clone();
                                s.update_compare(move |c| {
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
                s.update_compare(move |c| c.reference = match v.as_str() {
                    "lagsta" => ReferenceChoice::Lowest,
                    "publicerat" => ReferenceChoice::Published,
                    "medel" => ReferenceChoice::Mean,
                    id => ReferenceChoice::Area(id.to_owned()),
                });
            }>
                <option value="medel" selected=move || s.compare.with(|c| c.reference == ReferenceChoice::Mean)>"det ovägda medelvärdet av de valda"</option>
                <option value="lagsta" selected=move || s.compare.with(|c| c.reference == ReferenceChoice::Lowest)>"den lägsta av de valda"</option>
                <option value="publicerat" selected=move || s.compare.with(|c| c.reference == ReferenceChoice::Published)>"senaste publicerade KPB-snitt"</option>
                {move || areas().into_iter().map(|(a, name)| {
                    let sel = a.clone();
                    view! { <option value=a.clone() selected=move || s.compare.with(|c| c.reference == ReferenceChoice::Area(sel.clone()))>{name}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn KpiBlock(row: KpiComparison, own_name: String) -> impl IntoView {
    let unit = Unit::of_figure(&row.unit);
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
            note: Some("Koladas värde, räknas inte i medel".into()),
        });
    }
    let in_kolada = row.in_kolada.clone().map(|k| {
        let own = row.own.map_or_else(|| "–".to_owned(), |v| format::figure(&row.unit, v));
        match k.value {
            Some(v) => format!(
                "Koladas värde för {} {}: {}. Räknat ur de egna filerna: {own}{}.",
                own_label.trim_end_matches(" (egen)"),
                row.year,
                format::figure(&row.unit, v),
                k.difference
                    .map(|d| format!(
                        ", skillnad {}{}",
                        format::figure(&row.unit, d),
                        k.percent.map(|p| format!(" ({})", format::percent(p))).unwrap_or_default()
                    ))
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
        let value = k.value.map(|v| format!(" {}: {}.", k.id, format::figure(&k.unit, v))).unwrap_or_default();
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
            format::figure(&row.unit, m),
            format::figure(&row.unit, l.1),
            l.0,
            format::figure(&row.unit, h.1),
            h.0
        )),
        _ => None,
    };
    let potential = match (row.potential, &row.reference, row.own) {
        (Some(p), Some((label, r)), Some(own)) if p > rust_decimal::Decimal::ZERO => Some(format!(
            "Potential: {} kr om kostnaden var som {label} ({} kr − {} kr = {} kr per {} × {} {}; räknat med oavrundade värden).",
            format::kr(p),
            format::ore(own),
            format::ore(*r),
            format::ore(own - *r),
            row.unit.trim_start_matches("kr/").replace("inv", "invånare"),
            format::volume(row.volume),
            row.volume_label
        )),
        (Some(_), Some((label, _)), Some(_)) => {
            Some(format!("Ingen potential mot {label}: den egna kostnaden är inte högre."))
        }
        (None, Some((label, _)), Some(_)) if KpiKind::of(&row) == KpiKind::PerVolume => Some(format!(
            "Ingen potential i kronor mot {label}: det är i löpande priser från ett annat år än {}.",
            row.year
        )),
        (None, Some(_), Some(_)) if row.unit.starts_with("kr/") => Some(
            if row.unit == "kr/plats" {
                "Ingen potential räknas för kostnad per plats: den är samma kostnad som per dygn (U23004), som inte ska räknas två gånger."
            } else {
                "Ingen potential räknas för kostnad per brukare: den beror mer på vilka brukare som har insatsen än på hur den utförs. Jämför kostnaden per volymenhet i stället."
            }
            .to_owned(),
        ),
        _ => None,
    };
    let description = format!(
        "{own_label} mörk{}.",
        if row.mean.is_some() { ", streckad linje = ovägt medel för de valda" } else { "" }
    );
    let own_only = (bars.len() <= 1)
        .then_some(row.own)
        .flatten()
        .map(|v| format!("{own_label} {}: {}.", row.year, format::figure(&row.unit, v)));
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
                    value_label=row.unit.clone()
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
                    <li>{format!("{} {}: {} (löpande priser) – källa: {}.", p.label, p.year, format::figure(&row.unit, p.value), p.source)}</li>
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
        let unit = row.unit.as_str();
        if row.basis == Basis::Kolada {
            KpiKind::Kolada
        } else if compare::is_unit_cost(unit) {
            KpiKind::PerVolume
        } else if unit.starts_with("kr/") {
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
fn KindChoice(rows: Vec<KpiComparison>, shown: RwSignal<Option<KpiKind>>) -> impl IntoView {
    let count = |k: KpiKind| rows.iter().filter(|r| KpiKind::of(r) == k).count();
    let all = rows.len();
    view! {
        <label class="field">
            <span>"Visa"</span>
            <select data-testid="kpi-kind" on:change=move |ev| {
                let v = event_target_value(&ev);
                shown.set(KpiKind::ALL.into_iter().find(|k| k.slug() == v));
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
            <table class="compact" data-testid="compare-overview">
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
                        let figure = |v: Option<rust_decimal::Decimal>| v.map(|v| format::figure(&r.unit, v)).unwrap_or_else(|| "–".into());
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
        <p class="hint">"Potential = (egen kostnad − referens) per volymenhet × egen volym. Potentialerna ska inte läggas ihop: flera nyckeltal kan gälla samma kostnad."</p>
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

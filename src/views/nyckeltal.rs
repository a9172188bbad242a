//! Nyckeltal: a card per key figure with its value, unit, id (the KPB method's U-id or Kolada's N-id) and – under "Hur räknades
//! detta?" – the formula with its inputs, the definition, what is included and excluded, the
//! allocation key, the figure per enhet and the rows it came from.

use crate::state::session;
use crate::views::Fold;
use kpb::Report;
use kpb::format;
use kpb::report::{Basis, FigureUnit, Nyckeltal as Figure, Source};
use leptos::prelude::*;
use std::sync::Arc;

/// A group of cards: its title and which figures it holds.
type CardGroup = (&'static str, fn(&Figure) -> bool);

/// The groups the cards are shown in: Kolada's figures first, then the KPB method's.
const GROUPS: [CardGroup; 5] = [
    ("Koladas nyckeltal – jämförbara med alla kommuner", |n| n.basis == Basis::Kolada),
    ("Kostnad per insats (styckkostnad, KPB)", |n| {
        n.basis == Basis::Kpb
            && n.unit.is_money()
            && n.unit != FigureUnit::KrPerBrukare
            && n.unit != FigureUnit::KrPerPlats
    }),
    ("Ytterfall", |n| n.basis == Basis::Kpb && n.name.starts_with("Ytterfall")),
    ("Kostnad per brukare (KPB)", |n| n.basis == Basis::Kpb && n.unit == FigureUnit::KrPerBrukare),
    ("Andelar, volymer och jämförelser (KPB)", |n| {
        n.basis == Basis::Kpb
            && !(n.name.starts_with("Ytterfall") || n.unit.is_money() && n.unit != FigureUnit::KrPerPlats)
    }),
];

/// What a nyckeltal's id is: Kolada's (a KPI Kolada publishes today) or the KPB method's own.
pub fn id_title(id: &str) -> &'static str {
    if kpb::reference::is_published(id) {
        "Koladas id"
    } else if id.starts_with("KPB-") {
        "Verktygets eget nyckeltal"
    } else {
        "KPB-metodens id (finns inte i Kolada sedan 2025)"
    }
}

#[component]
pub fn Nyckeltal() -> impl IntoView {
    let s = session();
    let show_missing = RwSignal::new(true);
    view! {
        <section class="view" aria-labelledby="nyckeltal-rubrik">
            <h1 id="nyckeltal-rubrik">"Nyckeltal"</h1>
            <p class="lead">
                "Alla nyckeltal underlaget räcker till. Först Koladas nyckeltal (N-id), räknade ur de egna filerna enligt Koladas definitioner: "
                "alla regier, per person eller invånare, jämförbara med alla kommuners värden i Kolada. Sedan KPB-metodens nyckeltal (U-id): "
                "styckkostnader i egen regi per timme, dygn eller dag, och ytterfall i egen och annan regi. "
                "Kolada publicerar inte längre KPB-nyckeltalen (U-id); de jämförs i nätverk och över tid. Varje kvot är summa delat med summa."
            </p>
            <label class="check">
                <input type="checkbox" checked=true on:change=move |ev| show_missing.set(event_target_checked(&ev)) />
                "Visa även nyckeltal som saknar underlag"
            </label>
            {move || {
                s.report
                    .get()
                    .map(|r| {
                        GROUPS
                            .iter()
                            .map(|(title, test)| {
                                let list: Vec<Figure> = r
                                    .nyckeltal
                                    .iter()
                                    .filter(|n| test(n) && (show_missing.get() || n.value.is_some()))
                                    .cloned()
                                    .collect();
                                (!list.is_empty())
                                    .then(|| {
                                        view! {
                                            <section class="kpi-group">
                                                <h2>{*title}</h2>
                                                <div class="kpi-grid">
                                                    {list
                                                        .into_iter()
                                                        .map(|n| view! { <Card figure=n report=r.clone() /> })
                                                        .collect_view()}
                                                </div>
                                            </section>
                                        }
                                    })
                            })
                            .collect_view()
                    })
            }}
        </section>
    }
}

/// The KPB figure nearest to a Kolada figure: what differs, and the KPB figure's value.
fn beside(figure: &Figure, report: &Report) -> Option<(String, Option<String>)> {
    figure.kpb.as_ref().map(|(id, text)| {
        let value = report
            .nyckeltal
            .iter()
            .find(|k| &k.id == id)
            .and_then(|k| k.value.map(|v| format!("{id} {} {}", format::figure(k.unit, v), k.unit.after_value())));
        (text.clone(), value)
    })
}

#[component]
fn Card(figure: Figure, report: Arc<Report>) -> impl IntoView {
    let unit = figure.unit;
    let value = figure.value.map(|v| format::figure(unit, v));
    let key = report.settings.key.name();
    let missing = figure.missing.clone();
    let has_value = value.is_some();
    let test_id = format!("kpi-{}", figure.id);
    let name = figure.name.clone();
    let title = id_title(&figure.id);
    let id = if figure.id.starts_with("KPB-") { "eget".to_owned() } else { figure.id.clone() };
    view! {
        <article class="kpi-card" class:missing=!has_value data-testid=test_id>
            <header>
                <h3>{name}</h3>
                <span class="kolada" title=title>
                    {id}
                </span>
            </header>
            {match value {
                Some(v) => view! {
                    <p class="value" data-testid="kpi-value">
                        {v}
                        " "
                        <span class="unit">{unit.after_value()}</span>
                    </p>
                }
                .into_any(),
                None => view! { <p class="missing-text">{missing.unwrap_or_default()}</p> }.into_any(),
            }}
            <Fold class="how" summary="Hur räknades detta?">
                // (A figure that could not be computed has no terms: what is missing is said above.)
                {(!figure.numerator_label.is_empty()).then(|| view! {
                    <p class="formula">
                        <span>{format!("{}: {}", figure.numerator_label, format::quantity(figure.numerator))}</span>
                        <span class="op">" ÷ "</span>
                        <span>{format!("{}: {}", figure.denominator_label, format::quantity(figure.denominator))}</span>
                        {figure.value.map(|v| {
                            let scale = if unit == FigureUnit::Procent { " × 100" } else { "" };
                            view! { <span class="op">{format!("{scale} = {}", format::figure(unit, v))}</span> }
                        })}
                    </p>
                })}
                <dl>
                    <dt>"Definition"</dt>
                    <dd>{figure.definition.clone()}</dd>
                    {(!figure.includes.is_empty())
                        .then(|| view! {
                            <dt>"Ingår"</dt>
                            <dd>{figure.includes.clone()}</dd>
                        })}
                    {(!figure.excludes.is_empty())
                        .then(|| view! {
                            <dt>"Ingår inte"</dt>
                            <dd>{figure.excludes.clone()}</dd>
                        })}
                    <dt>"Fördelningsnyckel"</dt>
                    <dd>{format!("Gemensamma kostnader fördelade {key}.")}</dd>
                    {beside(&figure, &report).map(|(text, value)| view! {
                        <dt>"Skillnad mot KPB"</dt>
                        <dd data-testid="kpb-beside">{text}{value.map(|v| format!(" Värdet enligt KPB: {v}."))}</dd>
                    })}
                    {(figure.basis == Basis::Kolada).then(|| view! {
                        <dt>"Källa för definitionen"</dt>
                        <dd>{format!("Koladas nyckeltal {} ({}). ", figure.id, kpb::reference::KOLADA_SOURCE)}
                            "Koladas egna värde bygger på räkenskapssammandraget (RS) och Socialstyrelsens individstatistik; en skillnad mot det egna värdet betyder oftast att huvudboksuttaget och RS inte bokför lika."</dd>
                    })}
                    {(!figure.notes.is_empty()).then(|| view! {
                        <dt>"Om underlaget"</dt>
                        <dd><ul>{figure.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul></dd>
                    })}
                </dl>
                {(!figure.by_enhet.is_empty())
                    .then(|| {
                        view! {
                            <table class="compact">
                                <thead>
                                    <tr>
                                        <th scope="col">"Enhet"</th>
                                        <th scope="col" class="num">"Täljare"</th>
                                        <th scope="col" class="num">"Nämnare"</th>
                                        <th scope="col" class="num">"Värde"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {figure
                                        .by_enhet
                                        .iter()
                                        .cloned()
                                        .map(|e| {
                                            view! {
                                                <tr>
                                                    <th scope="row">{e.enhet_name}</th>
                                                    <td class="num">{format::kr(e.numerator)}</td>
                                                    <td class="num">{format::volume(e.denominator)}</td>
                                                    <td class="num">
                                                        {e.value
                                                            .map(|v| format::figure(unit, v))
                                                            .or_else(|| e.error.map(|err| format!("datafel: {err}")))
                                                            .unwrap_or_else(|| "–".into())}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                    })}
                {
                    let sources = sources_of(&report, &figure);
                    (!sources.is_empty())
                        .then(|| {
                            view! {
                                <p class="sources">
                                    <strong>"Raderna det kommer från: "</strong>
                                    {sources.join("; ")}
                                </p>
                            }
                        })
                }
            </Fold>
        </article>
    }
}

/// "kostnader.csv rad 12, 13, 40 … (38 rader)" for the rows behind a figure.
fn sources_of(report: &Report, figure: &Figure) -> Vec<String> {
    let mut by_file: std::collections::BTreeMap<String, (Vec<u32>, u32)> = Default::default();
    for u in report.units.iter().filter(|u| figure.insatser.contains(&u.insats)) {
        for src in u.ledger_rows.iter().chain(&u.volume_rows) {
            let e = by_file.entry(src.file.clone()).or_default();
            e.0.extend(&src.lines);
            e.1 += src.count;
        }
    }
    by_file
        .into_iter()
        .map(|(file, (mut lines, count))| describe(&Source { file, lines: std::mem::take(&mut lines), count }))
        .collect()
}

/// A source as "file rad a, b, c … (n rader)", or "file rad a" when it is one row.
pub fn describe(src: &Source) -> String {
    let shown: Vec<String> = src.shown_lines().iter().map(u32::to_string).collect();
    if src.count == 1 && shown.len() == 1 {
        return format!("{} rad {}", src.file, shown[0]);
    }
    let more = if src.count as usize > shown.len() { " …" } else { "" };
    format!("{} rad {}{more} ({} rader)", src.file, shown.join(", "), format::count(src.count))
}

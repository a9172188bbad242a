//! Över tid: the own figures year on year (another year's extracts added beside the main year):
//! every nyckeltal in a table, the chosen one as a chart beside Kolada's trend, and the units of
//! the chosen insats with the one that swings most flagged.

use crate::charts::{DARK, LineChart, OTHERS, Series, Unit};
use crate::state::{chosen_files, session};
use kpb::compare::{self, KpiTrend, Trends, UnitTrend};
use kpb::format;
use kpb::model::Insats;
use kpb::report::FigureUnit;
use leptos::prelude::*;
use rust_decimal::Decimal;

#[component]
pub fn OverTid() -> impl IntoView {
    let s = session();
    let take = move |ev: leptos::ev::Event| s.add_year(chosen_files(&ev));
    let trends = Memo::new(move |_| {
        let history = s.history.get();
        s.reference.with(|data| s.compare_settings.with(|settings| compare::trends(&history, data, settings)))
    });
    view! {
        <section class="view" aria-labelledby="overtid-rubrik">
            <h1 id="overtid-rubrik">"Över tid"</h1>
            <p class="lead">
                "Lägg in utdragen för fler år – samma slags filer som för huvudåret – så visas nyckeltalen och enheterna år för år, "
                "bredvid Koladas värden för de kommuner du jämför med. Alla år räknas med samma inställningar. "
                "Förändringarna räknas med oavrundade värden och kan därför skilja sig en tiondel från de avrundade värdena bredvid."
            </p>
            <crate::views::jamforelse::ExampleComparison />
            <label class="button">
                "Lägg till ett annat års filer"
                <input type="file" multiple accept=".csv,.txt,.xlsx,.xls,.ods" class="visually-hidden" data-testid="year-input" on:change=take />
            </label>
            {move || {
                let t = trends.get();
                let years = t.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
                view! {
                    <p data-testid="years">{format!("Inlästa år: {years}.")}</p>
                    {(t.years.len() < 2).then(|| view! { <p class="hint">"Lägg till minst ett år till för att se utvecklingen år för år."</p> })}
                    {swing_text(&t).map(|text| view! { <p class="callout" data-testid="swing">{text}</p> })}
                }
            }}
            <KpiTrends trends=trends />
            <UnitTrends trends=trends />
        </section>
    }
}

/// The unit that swings most, in a sentence.
fn swing_text(t: &Trends) -> Option<String> {
    let u = &t.units[t.swinger?];
    let (from, to, change) = u.swing?;
    Some(format!(
        "Störst svängning: {} ({}), {} från {from} till {to} i kostnad per {}. Se efter om något har ändrats i verksamheten eller i underlaget.",
        u.name,
        kpb::model::lower_first(u.insats.name()),
        format::signed_percent(change),
        u.insats.unit().singular()
    ))
}

/// The figures that can be compared from year to year: costs per volume unit and shares.
fn comparable(t: &KpiTrend) -> bool {
    t.unit == FigureUnit::Procent || (t.unit.is_money() && t.unit != FigureUnit::KrPerBrukare)
}

/// All nyckeltal year on year, and the chosen one as a chart beside Kolada's values.
#[component]
fn KpiTrends(trends: Memo<Trends>) -> impl IntoView {
    let s = session();
    let chosen: RwSignal<Option<String>> = RwSignal::new(None);
    let shown = move || {
        trends.with(|t| {
            let list: Vec<&KpiTrend> = t.nyckeltal.iter().filter(|k| comparable(k)).collect();
            let id = chosen.get();
            list.iter().find(|k| Some(&k.id) == id.as_ref()).or(list.first()).map(|k| (*k).clone())
        })
    };
    view! {
        {move || {
            let t = trends.get();
            let rows: Vec<KpiTrend> = t.nyckeltal.iter().filter(|k| comparable(k)).cloned().collect();
            if rows.is_empty() {
                return None;
            }
            let years = t.years.clone();
            Some(view! {
                <section aria-labelledby="nyckeltal-over-tid">
                    <h2 id="nyckeltal-over-tid">"Nyckeltalen år för år"</h2>
                    <div class="scroll">
                        <table class="compact" data-testid="kpi-trends">
                            <thead>
                                <tr>
                                    <th scope="col">"Nyckeltal"</th>
                                    {years.iter().map(|y| view! { <th scope="col" class="num">{*y}</th> }).collect_view()}
                                    <th scope="col" class="num">"Ändring"</th>
                                    <th scope="col"><span class="visually-hidden">"Diagram"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|k| {
                                    let id = k.id.clone();
                                    let label = format!("Visa {} i diagrammet", k.name);
                                    view! {
                                        <tr data-kpi=k.id.clone()>
                                            <th scope="row">{k.name.clone()}" "<span class="kpi-id">{k.id.clone()}</span></th>
                                            {years.iter().map(|y| {
                                                let v = k.own.points.iter().find(|p| p.0 == *y).map(|p| format::figure(k.unit, p.1));
                                                view! { <td class="num">{v.unwrap_or_else(|| "–".into())}</td> }
                                            }).collect_view()}
                                            <td class="num">{k.change().map(format::change).unwrap_or_default()}</td>
                                            <td>
                                                <button class="small secondary" aria-label=label on:click=move |_| chosen.set(Some(id.clone()))>
                                                    "Visa"
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            })
        }}
        {move || {
            let k = shown()?;
            let own_name = s.compare_settings.with(|c| if c.own_name.is_empty() { "Egen kommun".to_owned() } else { c.own_name.clone() });
            let unit = Unit::of_figure(k.unit);
            let mut series = vec![Series {
                name: format!("{own_name} (egen)"),
                points: k.own.points.iter().map(|(y, v)| (Decimal::from(*y), *v)).collect(),
                dashed: false,
                color: DARK,
            }];
            series.extend(k.others.iter().take(OTHERS.len()).enumerate().map(|(i, o)| Series {
                name: o.label.clone(),
                points: o.points.iter().map(|(y, v)| (Decimal::from(*y), *v)).collect(),
                dashed: true,
                color: OTHERS[i],
            }));
            // Every series in the table, also those the chart leaves out.
            let table = std::iter::once((format!("{own_name} (egen)"), &k.own.points))
                .chain(k.others.iter().map(|o| (o.label.clone(), &o.points)))
                .flat_map(|(name, points)| points.iter().map(|(y, v)| (format!("{name}, {y}"), format::figure(k.unit, *v))).collect::<Vec<_>>())
                .collect();
            let description = format!(
                "Egen kommun: {}.{}",
                k.own.points.iter().map(|(y, v)| format!("{y} {}", format::figure(k.unit, *v))).collect::<Vec<_>>().join(", "),
                if k.others.is_empty() { " Inga jämförelsevärden inlästa för nyckeltalet.".to_owned() } else { format!(
                    " Streckat: {} (från jämförelsefilerna).{}",
                    k.others.iter().take(OTHERS.len()).map(|o| o.label.clone()).collect::<Vec<_>>().join(", "),
                    if k.others.len() > OTHERS.len() {
                        format!(" Högst {} jämförelselinjer visas; {} till finns i tabellen nedan. Välj färre kommuner under Jämför med andra.", OTHERS.len(), k.others.len() - OTHERS.len())
                    } else {
                        String::new()
                    }
                ) }
            );
            Some(view! {
                <section class="trend-block" data-testid=format!("trend-{}", k.id)>
                    <LineChart
                        id=format!("trend-{}", k.id.to_lowercase())
                        title=format!("{} ({}) år för år", k.name, k.id)
                        description=description
                        x_unit=Unit::Year
                        y_unit=unit
                        x_label="År".to_owned()
                        y_label=k.unit.text()
                        series=series
                        table=table
                    />
                </section>
            })
        }}
    }
}

/// The units' cost per volume unit year on year: a chart for one insats, a table for all.
#[component]
fn UnitTrends(trends: Memo<Trends>) -> impl IntoView {
    let chosen: RwSignal<Option<Insats>> = RwSignal::new(None);
    let insats = move || {
        trends.with(|t| {
            chosen.get().or_else(|| t.swinger.map(|i| t.units[i].insats)).or_else(|| t.units.first().map(|u| u.insats))
        })
    };
    view! {
        {move || {
            let t = trends.get();
            if t.units.is_empty() {
                return None;
            }
            let current = insats()?;
            let mut options: Vec<Insats> = t.units.iter().map(|u| u.insats).collect();
            options.dedup();
            let units: Vec<&UnitTrend> = t.units.iter().filter(|u| u.insats == current).collect();
            let swinger = t.swinger.map(|i| &t.units[i]);
            let series: Vec<Series> = units
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    let flagged = swinger.is_some_and(|w| w.enhet == u.enhet && w.insats == u.insats);
                    Series {
                        name: if flagged { format!("{} (störst svängning)", u.name) } else { u.name.clone() },
                        points: u.series.points.iter().map(|(y, v)| (Decimal::from(*y), *v)).collect(),
                        dashed: !flagged,
                        color: if flagged { DARK } else { OTHERS[i % OTHERS.len()] },
                    }
                })
                .collect();
            let volume = current.unit().singular();
            let table = units
                .iter()
                .flat_map(|u| u.series.points.iter().map(|(y, v)| (format!("{}, {y}", u.name), format!("{} kr", format::kr(*v)))).collect::<Vec<_>>())
                .collect();
            let description = units
                .iter()
                .map(|u| format!("{}: {}", u.name, u.series.points.iter().map(|(y, v)| format!("{y} {} kr", format::kr(*v))).collect::<Vec<_>>().join(", ")))
                .collect::<Vec<_>>()
                .join("; ");
            let years = t.years.clone();
            Some(view! {
                <section aria-labelledby="enheter-over-tid">
                    <h2 id="enheter-over-tid">"Enheterna år för år"</h2>
                    <label class="field">
                        <span>"Insats i diagrammet"</span>
                        <select
                            data-testid="unit-trend-insats"
                            on:change=move |ev| {
                                let code = event_target_value(&ev);
                                chosen.set(Insats::all().find(|i| i.code() == code));
                            }
                        >
                            {options.into_iter().map(|i| view! { <option value=i.code() selected=i == current>{i.name()}</option> }).collect_view()}
                        </select>
                    </label>
                    <LineChart
                        id=format!("enheter-{}", current.code())
                        title=format!("{}: kostnad per {volume} per enhet, egen regi", current.name())
                        description=description
                        x_unit=Unit::Year
                        y_unit=Unit::Kr
                        x_label="År".to_owned()
                        y_label=format!("kr/{volume}")
                        series=series
                        table=table
                    />
                    <div class="scroll">
                        <table class="compact" data-testid="unit-trends">
                            <caption>"Kostnad per volymenhet, egen regi, alla enheter"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Insats"</th>
                                    <th scope="col">"Enhet"</th>
                                    {years.iter().map(|y| view! { <th scope="col" class="num">{*y}</th> }).collect_view()}
                                    <th scope="col" class="num">{if years.len() == 2 { format!("Ändring {}–{}", years[0], years[1]) } else { "Största ändring".to_owned() }}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {t.units.iter().enumerate().map(|(i, u)| {
                                    let swinger = t.swinger == Some(i);
                                    view! {
                                        <tr class:swinger=swinger>
                                            <td>{u.insats.name()}</td>
                                            <th scope="row">{u.name.clone()}</th>
                                            {years.iter().map(|y| {
                                                let v = u.series.points.iter().find(|p| p.0 == *y).map(|p| format!("{} kr", format::kr(p.1)));
                                                view! { <td class="num">{v.unwrap_or_else(|| "–".into())}</td> }
                                            }).collect_view()}
                                            <td class="num">{u.swing.map(|s| if years.len() == 2 { format::signed_percent(s.2) } else { format!("{} ({}–{})", format::signed_percent(s.2), s.0, s.1) }).unwrap_or_default()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            })
        }}
    }
}

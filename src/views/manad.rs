//! Månadsuppföljning: per insats and enhet, month by month, the cost (direct or full, as the
//! settings say), the volume, the unit cost, rolling three months and the brukare; the year so
//! far and a projection; the months worth a look; and one enhet's page to print for its
//! enhetschef. Every figure is the engine's (`Report::monthly`); the view only lays them out.

use crate::charts::{DARK, LineChart, OTHERS, Series, Unit};
use crate::state::session;
use crate::views::Fold;
use crate::views::nyckeltal::describe;
use kpb::compare::YearFigures;
use kpb::date::{month_name, months_name};
use kpb::format;
use kpb::model::{Insats, Regi};
use kpb::report::{MonthFigure, Monthly, MonthlyFlag, MonthlyRow};
use kpb::settings::{AllocationKey, CostBasis};
use leptos::prelude::*;
use rust_decimal::Decimal;

/// "Januari" for 1.
fn month(m: u8) -> String {
    let name = month_name(m);
    name[..1].to_uppercase() + &name[1..]
}

/// A unit cost, or a dash.
fn per(value: Option<Decimal>) -> String {
    value.map_or_else(|| "–".to_owned(), format::kr)
}

#[component]
pub fn Manad() -> impl IntoView {
    let s = session();
    view! {
        <section class="view manad" aria-labelledby="manad-rubrik">
            <h1 id="manad-rubrik" class="no-print">"Månadsuppföljning"</h1>
            {move || {
                let r = s.report.get()?;
                Some(match r.monthly.clone() {
                    None => view! {
                        <div class="notice" data-testid="monthly-none">
                            <p>
                                "Kostnadsfilen har inga månader, så det finns ingen månadsuppföljning. "
                                "Ta ut huvudboken med en kolumn Period (t.ex. 202503 eller 2025-03), så visas kostnad, volym och kostnad per volymenhet för varje enhet månad för månad – också för ett utdrag för året hittills."
                            </p>
                        </div>
                    }
                    .into_any(),
                    Some(m) => {
                        let last_year = s.history.with(|h| h.iter().find(|y| y.year == r.year - 1).cloned());
                        view! { <Follow monthly=m year=r.year key=r.settings.key.clone() last_year=last_year /> }.into_any()
                    }
                })
            }}
        </section>
    }
}

#[component]
fn Follow(monthly: Monthly, year: i32, key: AllocationKey, last_year: Option<YearFigures>) -> impl IntoView {
    let s = session();
    let m = StoredValue::new(monthly);
    let last_year = StoredValue::new(last_year);
    let insatser: Vec<Insats> = m.with_value(|m| {
        let mut list: Vec<Insats> = m.rows.iter().map(|r| r.insats).collect();
        list.dedup();
        list
    });
    let insats = RwSignal::new(insatser.first().copied());
    let enheter: Vec<(String, String)> = m.with_value(|m| {
        let mut list: Vec<(String, String)> = m
            .rows
            .iter()
            .filter(|r| r.regi == Regi::Egen)
            .filter_map(|r| Some((r.enhet.clone()?, r.enhet_name.clone())))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list.dedup();
        list
    });
    // The enhet whose page is shown: the first flagged one of the list, else the first.
    let flagged =
        m.with_value(|m| m.flags.iter().find(|f| enheter.iter().any(|e| e.0 == f.enhet)).map(|f| f.enhet.clone()));
    let enhet = RwSignal::new(flagged.or_else(|| enheter.first().map(|e| e.0.clone())));
    let (first, through, ledger_through, basis) = m.with_value(|m| (m.first, m.through, m.ledger_through, m.basis));
    let period = months_name(year, first..=through);
    let basis_text = basis.explanation(&key);
    let without_month = m.with_value(|m| m.without_month);
    view! {
        <div class="no-print">
            <p class="lead">
                {format!(
                    "Kostnad, volym och kostnad per volymenhet för varje enhet, månad för månad, {period}. {basis_text}"
                )}
            </p>
            {(!without_month.is_zero()).then(|| view! {
                <p class="hint">{format!("Rader på {} kr i kostnadsfilen saknar månad; de räknas i helåret men inte här (se Kontroll).", format::kr(without_month))}</p>
            })}
            <div class="controls">
                <label class="field">
                    <span>"Kostnad"</span>
                    <select
                        data-testid="monthly-basis"
                        on:change=move |ev| {
                            let full = event_target_value(&ev) == "full";
                            s.update_settings(move |st| st.monthly_basis = if full { CostBasis::Full } else { CostBasis::Direct });
                        }
                    >
                        <option value="direkt" selected=basis == CostBasis::Direct>"Direkt kostnad (enhetschefens)"</option>
                        <option value="full" selected=basis == CostBasis::Full>"Full kostnad (KPB, med gemensamma)"</option>
                    </select>
                </label>
                <label class="field">
                    <span>"Till och med"</span>
                    <select
                        data-testid="monthly-through"
                        on:change=move |ev| {
                            let month = event_target_value(&ev).parse::<u8>().ok().filter(|m| *m < ledger_through);
                            s.update_settings(move |st| st.monthly_through = month);
                        }
                    >
                        {(first..=ledger_through)
                            .map(|mm| view! { <option value=mm.to_string() selected=mm == through>{months_name(year, [mm])}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"Insats"</span>
                    <select data-testid="monthly-insats" on:change=move |ev| insats.set(Insats::recognise(&event_target_value(&ev)))>
                        {insatser
                            .into_iter()
                            .map(|i| view! { <option value=i.code() selected=move || insats.get() == Some(i)>{i.name()}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <p>
                <button
                    class="secondary"
                    data-testid="monthly-csv"
                    on:click=move |_| s.export(crate::worker::ExportKind::Csv(kpb::export::MONTHLY.0.into()))
                >
                    "Ladda ned månadsuppföljningen (CSV)"
                </button>
            </p>
            <Flags flags=m.with_value(|m| m.flags.clone()) />
            {move || {
                let chosen = insats.get()?;
                let rows: Vec<MonthlyRow> = m.with_value(|m| m.rows.iter().filter(|r| r.insats == chosen).cloned().collect());
                Some(view! { <InsatsMonths insats=chosen rows=rows year=year /> })
            }}
        </div>
        <section class="unit-page" aria-labelledby="enhetssida-rubrik" data-testid="unit-page">
            <div class="controls no-print">
                <h2 id="enhetssida-rubrik">"Enhetens sida"</h2>
                <label class="field">
                    <span>"Enhet"</span>
                    <select data-testid="unit-page-enhet" on:change=move |ev| enhet.set(Some(event_target_value(&ev)))>
                        {enheter
                            .into_iter()
                            .map(|(code, name)| {
                                let value = code.clone();
                                view! { <option value=value selected=move || enhet.get().as_ref() == Some(&code)>{name}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <button
                    data-testid="print-unit-page"
                    on:click=move |_| {
                        if let Some(w) = web_sys::window() {
                            let _ = w.print();
                        }
                    }
                >
                    "Skriv ut enhetens sida"
                </button>
                <p class="hint">"En sida att skicka till enhetschefen: enhetens månader, dess värden bredvid kommunens och de andra enheternas, och det som är värt att titta på. Utskriften innehåller bara den här sidan."</p>
            </div>
            {move || {
                let code = enhet.get()?;
                let org = s.organisation.get();
                let status = s.status.get().name();
                Some(m.with_value(|m| last_year.with_value(|ly| unit_page(m, &code, &org, &format!("{period}, {}", status.to_lowercase()), &basis_text, ly.as_ref()))))
            }}
        </section>
    }
}

/// The months worth a look, each with its rows.
#[component]
fn Flags(flags: Vec<MonthlyFlag>) -> impl IntoView {
    if flags.is_empty() {
        return view! { <p class="hint" data-testid="monthly-flags">"Inga månader att titta närmare på."</p> }
            .into_any();
    }
    view! {
        <section aria-labelledby="flaggor-rubrik" data-testid="monthly-flags">
            <h2 id="flaggor-rubrik">"Att titta på"</h2>
            <ul class="flags">{flags.iter().map(flag_item).collect_view()}</ul>
        </section>
    }
    .into_any()
}

fn flag_item(f: &MonthlyFlag) -> impl IntoView + use<> {
    let rows: Vec<String> = f.rows.iter().map(describe).collect();
    view! {
        <li data-testid="monthly-flag">
            <span class="pill warn">{f.title()}</span>
            " "
            {f.message()}
            <span class="sources">{format!(" Rader: {}.", rows.join("; "))}</span>
        </li>
    }
}

/// One insats: the enheter's months in a chart and their year so far in a table.
#[component]
fn InsatsMonths(insats: Insats, rows: Vec<MonthlyRow>, year: i32) -> impl IntoView {
    let unit = insats.unit();
    let last_month = rows.iter().filter_map(|r| r.months.last()).map(|m| m.month).max().unwrap_or(12);
    let mut series = Vec::new();
    let mut table = Vec::new();
    let mut others = OTHERS.iter();
    for r in rows.iter().filter(|r| r.regi == Regi::Egen) {
        let whole = r.enhet.is_none();
        let color = if whole { DARK } else { others.next().copied().unwrap_or(OTHERS[4]) };
        let points: Vec<(Decimal, Decimal)> =
            r.months.iter().filter_map(|m| Some((Decimal::from(m.month), m.unit_cost?))).collect();
        table.extend(r.months.iter().map(|m| (format!("{}, {}", r.enhet_name, month_name(m.month)), per(m.unit_cost))));
        if !points.is_empty() && series.len() <= OTHERS.len() {
            series.push(Series { name: r.enhet_name.clone(), points, dashed: !whole, color });
        }
    }
    let description = format!(
        "{}: kostnad per {} månad för månad {year}, för egen regi som helhet (heldragen) och varje enhet (streckad).",
        insats.name(),
        unit.singular()
    );
    view! {
        <section class="insats-block" data-testid=format!("monthly-{}", insats.code())>
            <h2>{insats.name()}</h2>
            {(!series.is_empty()).then(|| view! {
                <LineChart
                    id=format!("manad-{}", insats.code().to_lowercase())
                    title=format!("{}: kostnad per {} och månad", insats.name(), unit.singular())
                    description=description
                    x_unit=Unit::Month
                    y_unit=Unit::Kr
                    x_label="Månad".to_owned()
                    y_label=format!("kr/{}", unit.singular())
                    series=series
                    table=table
                />
            })}
            <div class="scroll" tabindex="0" role="region" aria-label=format!("{}: året hittills per enhet", insats.name())>
                <table class="compact wrap-head" data-testid="monthly-overview">
                    <thead>
                        <tr>
                            <th scope="col">"Enhet"</th>
                            <th scope="col" class="num">"Kostnad hittills"</th>
                            <th scope="col" class="num">{format!("Volym ({})", unit.plural())}</th>
                            <th scope="col" class="num">{format!("Kr per {} hittills", unit.singular())}</th>
                            <th scope="col" class="num">{format!("Kr per {}, {}", unit.singular(), month_name(last_month))}</th>
                            <th scope="col" class="num">{format!("Kr per {}, rullande 3 mån", unit.singular())}</th>
                            <th scope="col" class="num">"Brukare"</th>
                            <th scope="col" class="num">"Kostnad helår, prognos"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .iter()
                            .map(|r| {
                                let last = r.months.last();
                                let name = match r.regi {
                                    Regi::Annan => format!("{} (annan regi)", r.enhet_name),
                                    Regi::Egen => r.enhet_name.clone(),
                                };
                                view! {
                                    <tr class:total=r.enhet.is_none() data-enhet=r.enhet.clone().unwrap_or_default()>
                                        <th scope="row">{name}</th>
                                        <td class="num">{format::kr(r.year_to_date.cost)}</td>
                                        <td class="num">{format::volume(r.year_to_date.volume)}</td>
                                        <td class="num">{per(r.year_to_date.unit_cost)}</td>
                                        <td class="num">{per(last.and_then(|m| m.unit_cost))}</td>
                                        <td class="num">{per(last.and_then(|m| m.rolling))}</td>
                                        <td class="num">{r.year_to_date.brukare}</td>
                                        <td class="num">{r.projection.as_ref().map_or_else(|| "–".to_owned(), |p| format::kr(p.cost))}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <Fold class="how" summary="Hur räknades detta?">
                <p>
                    {format!(
                        "Kostnad per {0} = månadens kostnad ÷ månadens {1}. Rullande 3 mån = de tre senaste månadernas kostnad ÷ deras {1}, så att en enstaka bokning (en rättelse av en tidigare månad) inte vilseleder. Hittills = summan av månaderna ÷ summan av volymerna. Egen regi, alla enheter = summan över enheterna av de månader som har både kostnad och volym (en månad med bara det ena är ett datafel och flaggas ovan). Brukare = de med volym i månaden (hittills: i någon månad). Annan regi visar den bokförda kostnaden; helårets KPB för annan regi är vad som betalats enligt brukarstatistiken.",
                        unit.singular(),
                        unit.plural()
                    )}
                </p>
                {
                    let mut methods: Vec<String> = rows.iter().filter_map(|r| r.projection.as_ref()).map(|p| p.method.describe()).collect();
                    methods.sort();
                    methods.dedup();
                    methods.into_iter().map(|m| view! { <p>{format!("Prognos för helåret: {m}")}</p> }).collect_view()
                }
            </Fold>
        </section>
    }
}

/// One enhet's page: its months per insats, beside the municipality and the other enheter,
/// and its flags. Printed alone.
fn unit_page(
    m: &Monthly,
    code: &str,
    org: &str,
    period: &str,
    basis: &str,
    last_year: Option<&YearFigures>,
) -> impl IntoView + use<> {
    let mine: Vec<&MonthlyRow> =
        m.rows.iter().filter(|r| r.enhet.as_deref() == Some(code) && r.regi == Regi::Egen).collect();
    let name = mine.first().map(|r| r.enhet_name.clone()).unwrap_or_else(|| code.to_owned());
    let flags: Vec<&MonthlyFlag> = m.flags.iter().filter(|f| f.enhet == code).collect();
    let heading =
        if org.is_empty() { format!("Månadsrapport {name}") } else { format!("Månadsrapport {name}, {org}") };
    let blocks = mine
        .iter()
        .map(|r| {
            let insats = r.insats;
            let unit = insats.unit();
            let whole = m.rows.iter().find(|o| o.insats == insats && o.enhet.is_none());
            let others: Vec<&MonthlyRow> =
                m.rows.iter().filter(|o| o.insats == insats && o.enhet.is_some() && o.regi == Regi::Egen).collect();
            let same_month = |mm: u8| last_year.and_then(|ly| ly.month_unit_cost(insats, Some(code), mm));
            let month_row = |f: &MonthFigure, label: String, last: Option<Decimal>, total: bool| view! {
                <tr class:total=total>
                    <th scope="row">{label}</th>
                    <td class="num">{format::kr(f.cost)}</td>
                    <td class="num">{format::volume(f.volume)}</td>
                    <td class="num">{per(f.unit_cost)}</td>
                    <td class="num">{per(f.rolling)}</td>
                    <td class="num">{f.brukare}</td>
                    {last_year.map(|_| view! { <td class="num">{per(last)}</td> })}
                </tr>
            };
            view! {
                <section class="unit-insats" data-testid=format!("unit-page-{}", insats.code())>
                    <h3>{format!("{} – kr per {}", insats.name(), unit.singular())}</h3>
                    <div class="scroll" tabindex="0" role="region" aria-label=format!("{} per månad", insats.name())>
                    <table class="compact">
                        <thead>
                            <tr>
                                <th scope="col">"Månad"</th>
                                <th scope="col" class="num">"Kostnad"</th>
                                <th scope="col" class="num">{format!("Volym ({})", unit.plural())}</th>
                                <th scope="col" class="num">{format!("Kr per {}", unit.singular())}</th>
                                <th scope="col" class="num">"Rullande 3 mån"</th>
                                <th scope="col" class="num">"Brukare"</th>
                                {last_year.map(|ly| view! { <th scope="col" class="num">{format!("Kr per {} {}", unit.singular(), ly.year)}</th> })}
                            </tr>
                        </thead>
                        <tbody>
                            {r.months.iter().map(|f| month_row(f, month(f.month), same_month(f.month), false)).collect_view()}
                            {month_row(&r.year_to_date, "Hittills i år".to_owned(), None, true)}
                        </tbody>
                    </table>
                    </div>
                    <p class="compare-line" data-testid="unit-page-compare">
                        {format!(
                            "Hittills i år: {} kr per {}. Kommunens egen regi: {} kr. ",
                            per(r.year_to_date.unit_cost),
                            unit.singular(),
                            per(whole.and_then(|w| w.year_to_date.unit_cost))
                        )}
                        {(others.len() > 1).then(|| {
                            let list: Vec<String> = others
                                .iter()
                                .map(|o| format!("{} {} kr", o.enhet_name, per(o.year_to_date.unit_cost)))
                                .collect();
                            format!("Enheterna: {}.", list.join(", "))
                        })}
                    </p>
                    {r.projection.as_ref().map(|p| view! {
                        <p class="hint">{format!("Prognos för helåret: {} kr. {}", format::kr(p.cost), p.method.describe())}</p>
                    })}
                </section>
            }
        })
        .collect_view();
    view! {
        <article class="unit-sheet">
            <h2 data-testid="unit-page-title">{heading}</h2>
            <p class="meta">{format!("{period}. {basis}")}</p>
            {blocks}
            <h3>"Att titta på"</h3>
            {if flags.is_empty() {
                view! { <p>"Inga månader att titta närmare på."</p> }.into_any()
            } else {
                view! { <ul class="flags">{flags.iter().map(|f| flag_item(f)).collect_view()}</ul> }.into_any()
            }}
        </article>
    }
}

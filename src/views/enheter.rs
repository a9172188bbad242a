//! Enheter: for each insats the units side by side – bars with the municipality's level and the
//! spread, the expensive ones dark – and the cost components behind each unit cost.

use crate::charts::{Bar, BarChart, Unit};
use crate::state::session;
use crate::views::Fold;
use crate::views::nyckeltal::describe;
use kpb::format;
use kpb::model::Regi;
use kpb::report::{InsatsSummary, UnitCost};
use leptos::prelude::*;

#[component]
pub fn Enheter() -> impl IntoView {
    let s = session();
    view! {
        <section class="view" aria-labelledby="enheter-rubrik">
            <h1 id="enheter-rubrik">"Enheterna sida vid sida"</h1>
            <p class="lead">
                "Kostnad per volymenhet för varje enhet i egen regi, med hela kommunens nivå (summa kostnad delat med summa volym) som streckad linje. "
                "Mörka staplar ligger över kommunens nivå. Ett lågt snitt kan dölja dyra enheter."
            </p>
            {move || {
                s.report
                    .get()
                    .map(|r| {
                        r.insatser
                            .iter()
                            .filter(|i| i.unit_cost.is_some())
                            .map(|summary| {
                                let units: Vec<UnitCost> = r
                                    .units
                                    .iter()
                                    .filter(|u| u.insats == summary.insats && u.regi == Regi::Egen)
                                    .cloned()
                                    .collect();
                                view! { <InsatsUnits summary=summary.clone() units=units /> }
                            })
                            .collect_view()
                    })
            }}
        </section>
    }
}

#[component]
fn InsatsUnits(summary: InsatsSummary, units: Vec<UnitCost>) -> impl IntoView {
    let insats = summary.insats;
    let per = insats.unit().singular();
    let level = summary.unit_cost.unwrap_or_default();
    let mut with_cost: Vec<&UnitCost> = units.iter().filter(|u| u.unit_cost.is_some()).collect();
    with_cost.sort_by_key(|u| std::cmp::Reverse(u.unit_cost));
    let (lowest, highest) = (summary.min.clone(), summary.max.clone());
    let bars: Vec<Bar> = with_cost
        .iter()
        .map(|u| {
            let v = u.unit_cost.unwrap_or_default();
            let note = if with_cost.len() > 1 && highest.as_ref().is_some_and(|h| h.0 == u.enhet_name && h.1 == v) {
                Some("högst".to_owned())
            } else if with_cost.len() > 1 && lowest.as_ref().is_some_and(|l| l.0 == u.enhet_name && l.1 == v) {
                Some("lägst".to_owned())
            } else {
                None
            };
            Bar { label: u.enhet_name.clone(), value: v, emphasis: v > level, note }
        })
        .collect();
    let spread = match (&lowest, &highest) {
        (Some(l), Some(h)) if with_cost.len() > 1 => {
            format!(" Från {} kr ({}) till {} kr ({}).", format::kr(l.1), l.0, format::kr(h.1), h.0)
        }
        _ => String::new(),
    };
    let n = with_cost.len();
    let description = format!(
        "Kostnad per {per} i egen regi för {n} {}. Hela kommunen: {} kr per {per}.{spread}",
        if n == 1 { "enhet" } else { "enheter" },
        format::kr(level)
    );
    let single = (n == 1)
        .then(|| format!("{}: {} kr per {per} (en enhet i egen regi).", with_cost[0].enhet_name, format::kr(level)));
    let id = format!("enheter-{}", insats.code().to_lowercase());
    // Enheter with a data error are not figures: named below the chart, not drawn in it.
    let errors: Vec<String> =
        units.iter().filter_map(|u| u.error.as_ref().map(|e| format!("{} ({e})", u.enhet_name))).collect();
    view! {
        <section class="insats-block" data-testid=format!("units-{}", insats.code())>
            <h2>{insats.name()}</h2>
            {match single {
                Some(text) => view! { <p class="single-unit">{text}</p> }.into_any(),
                None => view! {
                    <BarChart
                        id=id
                        title=format!("{}: kostnad per {per}, egen regi", insats.name())
                        description=description
                        unit=Unit::Kr
                        value_label=format!("Kr per {per}")
                        bars=bars
                        reference=Some(("Kommunen".to_owned(), level))
                    />
                }
                .into_any(),
            }}
            {(!errors.is_empty())
                .then(|| {
                    view! {
                        <p class="data-error" data-testid="unit-data-error">
                            <span class="pill error">"Datafel"</span>
                            {format!(
                                " Inte med i diagrammet eller i kommunens värde: {}. Se Kontroll.",
                                errors.join(", ")
                            )}
                        </p>
                    }
                })}
            <Fold class="how" summary="Hur räknades detta?">
                <p>
                    {format!(
                        "Kostnad per {per} = (direkt kostnad + fördelad gemensam kostnad) ÷ {} {}. Hela kommunen = summan av kostnaderna ÷ summan av volymerna.",
                        summary.basis.name().replace("beviljad", "beviljade").replace("utförd", "utförda"),
                        insats.unit().plural()
                    )}
                </p>
                <p class="hint">{kpb::report::BRUKARE_RULE}</p>
                <div class="scroll">
                    <table class="compact">
                        <thead>
                            <tr>
                                <th scope="col">"Enhet"</th>
                                <th scope="col" class="num">"Direkt kostnad"</th>
                                <th scope="col" class="num">"Gemensam kostnad"</th>
                                <th scope="col" class="num">"Kostnad"</th>
                                <th scope="col" class="num">{format!("Volym ({})", insats.unit().plural())}</th>
                                <th scope="col" class="num">{format!("Kr per {per}")}</th>
                                <th scope="col" class="num">"Brukare"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {units
                                .iter()
                                .map(|u| {
                                    view! {
                                        <tr>
                                            <th scope="row">{u.enhet_name.clone()}</th>
                                            <td class="num">{format::kr(u.direct)}</td>
                                            <td class="num">{format::kr(u.allocated)}</td>
                                            <td class="num">{format::kr(u.total)}</td>
                                            <td class="num">{format::volume(u.volume)}</td>
                                            <td class="num">
                                                {u.unit_cost
                                                    .map(format::kr)
                                                    .or_else(|| u.error.as_ref().map(|e| format!("datafel: {e}")))
                                                    .unwrap_or_else(|| "–".into())}
                                            </td>
                                            <td class="num">{format::count(u.clients)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                            <tr class="total" data-testid="insats-total">
                                <th scope="row">"Hela kommunen, egen regi"</th>
                                <td class="num"></td>
                                <td class="num"></td>
                                <td class="num">{format::kr(summary.cost)}</td>
                                <td class="num">{format::volume(summary.volume)}</td>
                                <td class="num">{format::kr(level)}</td>
                                <td class="num">{format::count(summary.clients)}</td>
                            </tr>
                        </tbody>
                    </table>
                </div>
                <ul class="sources">
                    {units
                        .iter()
                        .map(|u| {
                            let rows: Vec<String> = u.ledger_rows.iter().chain(&u.volume_rows).map(describe).collect();
                            view! {
                                <li>
                                    <strong>{format!("{}: ", u.enhet_name)}</strong>
                                    {rows.join("; ")}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                {(!summary.annan_volume.is_zero())
                    .then(|| {
                        view! {
                            <p>
                                {format!(
                                    "Annan regi (ingår inte ovan): {} kr för {} {}.",
                                    format::kr(summary.annan_cost),
                                    format::volume(summary.annan_volume),
                                    insats.unit().plural()
                                )}
                            </p>
                        }
                    })}
            </Fold>
        </section>
    }
}

//! Kostnadsfördelning: how large a share of the clients stands for how large a share of the cost –
//! the concentration curve and the deciles.

use crate::charts::{Bar, BarChart, DARK, LineChart, MUTED, Series, Unit};
use crate::state::session;
use crate::views::ytterfall::ClientTable;
use kpb::client_list::ClientList;
use kpb::format;
use leptos::prelude::*;
use rust_decimal::Decimal;

#[component]
pub fn Fordelning() -> impl IntoView {
    let s = session();
    view! {
        <section class="view" aria-labelledby="fordelning-rubrik">
            <h1 id="fordelning-rubrik">"Hur kostnaden fördelar sig på brukarna"</h1>
            {move || {
                s.report
                    .get()
                    .map(|r| {
                        let d = r.distribution.clone();
                        if d.clients == 0 {
                            return view! { <p>"Inga brukare med kostnad."</p> }.into_any();
                        }
                        let headline = d
                            .top
                            .iter()
                            .map(|(x, y)| format!("De dyraste {} % av brukarna står för {} av kostnaden.", format::number(*x, 0), format::percent(*y)))
                            .collect::<Vec<_>>();
                        let half = d.half_cost_share.map(|h| {
                            format!("Hälften av kostnaden går till {} av brukarna.", format::percent(h))
                        });
                        let curve = Series {
                            name: "Brukarna, dyrast först".into(),
                            points: d.curve.clone(),
                            dashed: false,
                            color: DARK,
                        };
                        let even = Series {
                            name: "Om alla kostade lika".into(),
                            points: vec![(Decimal::ZERO, Decimal::ZERO), (Decimal::ONE_HUNDRED, Decimal::ONE_HUNDRED)],
                            dashed: true,
                            color: MUTED,
                        };
                        let deciles = decile_bars(&d);
                        view! {
                            <p class="lead" data-testid="distribution-headline">
                                {format!(
                                    "{} brukare med kostnad, sammanlagt {} kr. {}",
                                    format::count(d.clients),
                                    format::kr(d.total),
                                    half.unwrap_or_default()
                                )}
                            </p>
                            <ul class="facts">{headline.into_iter().map(|h| view! { <li>{h}</li> }).collect_view()}</ul>
                            <details class="how">
                                <summary>"Hur räknades detta?"</summary>
                                <p>
                                    "Brukarna med kostnad ordnas från dyrast till billigast efter sin KPB-kostnad för året (alla insatser, egen och annan regi, före assistansersättning). "
                                    "\"De dyraste p %\" är så många brukare, avrundat till närmaste hela brukare; deras sammanlagda kostnad delas med allas. "
                                    "En tiondel är de dyraste (10 · n) % minus de dyraste (10 · (n − 1)) %."
                                </p>
                                <p>{kpb::report::BRUKARE_RULE}</p>
                            </details>
                            <LineChart
                                id="koncentration".to_owned()
                                title="Koncentrationskurva: andel av kostnaden mot andel av brukarna".to_owned()
                                description=format!(
                                    "Brukarna ordnade från dyrast till billigast. Kurvan visar hur stor andel av kostnaden de dyraste brukarna står för: {}.",
                                    d.top.iter().map(|(x, y)| format!("de dyraste {} % för {}", format::number(*x, 0), format::percent(*y))).collect::<Vec<_>>().join(", ")
                                )
                                x_unit=Unit::Percent
                                y_unit=Unit::Percent
                                x_label="Andel av brukarna (dyrast först)".to_owned()
                                y_label="Andel av kostnaden".to_owned()
                                series=vec![curve, even]
                                marks=vec![Decimal::from(10), Decimal::from(20), Decimal::from(50)]
                                table=d.top.iter().map(|(x, y)| (format!("De dyraste {} %", format::number(*x, 0)), format::percent(*y))).collect()
                            />
                            <BarChart
                                id="deciler".to_owned()
                                title="Andel av kostnaden per tiondel av brukarna".to_owned()
                                description=format!(
                                    "Brukarna i tio lika stora grupper från dyrast till billigast. Den dyraste tiondelen står för {} av kostnaden.",
                                    d.deciles.first().map(|v| format::percent(*v)).unwrap_or_default()
                                )
                                unit=Unit::Percent
                                value_label="Andel av kostnaden".to_owned()
                                bars=deciles
                                label_header="Tiondel av brukarna".to_owned()
                            />
                            <DearestClients report=r.clone() />
                        }
                        .into_any()
                    })
            }}
        </section>
    }
}

/// A bar per tenth of the brukare, the most expensive tenth first (and dark).
pub fn decile_bars(d: &kpb::report::Distribution) -> Vec<Bar> {
    d.deciles
        .iter()
        .enumerate()
        .map(|(g, share)| Bar {
            label: if g == 0 { "Dyraste 10 %".to_owned() } else { format!("{}–{} %", g * 10, g * 10 + 10) },
            value: *share,
            emphasis: g == 0,
            note: None,
        })
        .collect()
}

/// Every brukare with a cost, dearest first: searchable, sortable and in pages (from the worker).
#[component]
fn DearestClients(report: std::sync::Arc<kpb::Report>) -> impl IntoView {
    view! {
        <section aria-labelledby="dyraste-rubrik">
            <h2 id="dyraste-rubrik">"Alla brukare med kostnad"</h2>
            <p class="hint" data-testid="dearest-hint">
                {format!(
                    "Alla {} brukare med kostnad, med pseudonym, de dyraste först. Sök på pseudonym, insats, enhet eller boendeform, eller sortera på en kolumn. Listan finns också i Brukare.csv under Export. Välj en brukare för att se insatsmixen.",
                    format::count(report.distribution.clients)
                )}
            </p>
            <ClientTable id="brukare-list" list=ClientList::WithCost cost_label="Årskostnad" />
        </section>
    }
}

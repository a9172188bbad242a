//! Brukarmix: clients and cost by age group, sex and boendeform; insatsmix.

use crate::charts::{Bar, BarChart, Unit};
use crate::state::session;
use kpb::format;
use kpb::report::Group;
use leptos::prelude::*;

#[component]
pub fn Brukarmix() -> impl IntoView {
    let s = session();
    view! {
        <section class="view" aria-labelledby="mix-rubrik">
            <h1 id="mix-rubrik">"Brukarmix och insatsmix"</h1>
            <p class="lead">"Vilka brukare kostnaden går till: antal brukare, kostnad och kostnad per brukare i varje grupp."</p>
            <details class="how">
                <summary>"Hur räknades detta?"</summary>
                <p>
                    "Kostnad är brukarnas KPB-kostnad för året (egen och annan regi, före assistansersättning). Kostnad per brukare = gruppens kostnad ÷ gruppens brukare. "
                    "Ålder är ålder vid årets slut (året minus födelseåret), indelad efter åldersgrupperna under Inställningar. "
                    "Boendeform: särskilt boende om brukaren någon gång under året bott i särskilt boende, annars bostad enligt LSS, annars ordinärt boende. "
                    "Brukare utan kostnad räknas inte. Per insats räknas en brukare i varje insats hen haft en kostnad i; summan av brukarna är därför större än antalet brukare."
                </p>
            </details>
            {move || {
                s.report
                    .get()
                    .map(|r| {
                        view! {
                            <Dimension id="alder" title="Åldersgrupp" groups=r.mix.by_age.clone() />
                            <Dimension id="kon" title="Kön" groups=r.mix.by_kon.clone() />
                            <Dimension id="boendeform" title="Boendeform" groups=r.mix.by_boendeform.clone() />
                            <Dimension id="insats" title="Insats" groups=r.mix.by_insats.clone() />
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn Dimension(id: &'static str, title: &'static str, groups: Vec<Group>) -> impl IntoView {
    let bars: Vec<Bar> = groups
        .iter()
        .map(|g| Bar {
            label: g.label.clone(),
            value: g.per_client.unwrap_or_default(),
            emphasis: false,
            note: Some(format!("{} brukare", g.clients)),
        })
        .collect();
    let lower = kpb::model::lower_first(title);
    let description = groups
        .iter()
        .map(|g| {
            format!(
                "{}: {} brukare, {} kr per brukare, {} av kostnaden",
                g.label,
                format::count(g.clients),
                g.per_client.map(format::kr).unwrap_or_default(),
                g.share.map(format::percent).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(". ");
    view! {
        <section class="mix-block" data-testid=format!("mix-{id}")>
            <h2>{format!("Per {lower}")}</h2>
            <div class="scroll" tabindex="0" role="region" aria-label=format!("Brukarmix per {lower}")>
            <table class="compact mix-table">
                <thead>
                    <tr>
                        <th scope="col">{title}</th>
                        <th scope="col" class="num">"Brukare"</th>
                        <th scope="col" class="num">"Kostnad"</th>
                        <th scope="col" class="num">"Andel av kostnaden"</th>
                        <th scope="col" class="num">"Kostnad per brukare"</th>
                    </tr>
                </thead>
                <tbody>
                    {groups
                        .iter()
                        .map(|g| {
                            view! {
                                <tr>
                                    <th scope="row">{g.label.clone()}</th>
                                    <td class="num">{format::count(g.clients)}</td>
                                    <td class="num">{format!("{} kr", format::kr(g.cost))}</td>
                                    <td class="num">{g.share.map(format::percent).unwrap_or_default()}</td>
                                    <td class="num">{g.per_client.map(|v| format!("{} kr", format::kr(v))).unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            </div>
            <BarChart
                id=format!("mix-{id}")
                title=format!("Kostnad per brukare och år, per {lower}")
                description=description
                unit=Unit::Kr
                value_label="Kr per brukare och år".to_owned()
                bars=bars
                label_header=title.to_owned()
            />
        </section>
    }
}

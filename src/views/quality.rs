//! Kostnad och kvalitet: per unit, the cost per volume unit beside quality results (e.g. user
//! survey scores), as a scatter and a table.

use crate::charts::{Point, ScatterChart, Unit};
use crate::state::session;
use crate::views::comparison::ReferenceFiles;
use kpb::compare;
use kpb::format;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[component]
pub fn Quality() -> impl IntoView {
    let s = session();
    view! {
        <section class="view" aria-labelledby="kvalitet-rubrik">
            <h1 id="kvalitet-rubrik">"Kostnad och kvalitet"</h1>
            <p class="lead">
                "Lägg in kvalitetsresultat per enhet – till exempel andelen nöjda brukare i Socialstyrelsens brukarundersökning – "
                "så visas varje enhets kostnad bredvid dess kvalitet. En fil med kolumnerna Enhet, Mått och Värde (och gärna År) räcker."
            </p>
            <ReferenceFiles />
            {move || {
                let report = s.report.get()?;
                let data = s.reference.get();
                let compare::QualityMatch { points, unmatched, other_years, ambiguous } = compare::quality_points(&report, &data);
                let other_years = (!other_years.is_empty()).then(|| view! {
                    <p class="hint">{format!(
                        "Resultat för {} visas inte: kostnaderna gäller {}.",
                        other_years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "),
                        report.year
                    )}</p>
                });
                if points.is_empty() {
                    return Some(view! { <p>"Inga kvalitetsresultat för årets enheter ännu."</p> {other_years} }.into_any());
                }
                let mut groups: BTreeMap<(kpb::Insats, String), Vec<compare::QualityPoint>> = BTreeMap::new();
                for p in points {
                    groups.entry((p.insats, p.measure.clone())).or_default().push(p);
                }
                Some(view! {
                    {groups.into_iter().map(|((insats, measure), list)| {
                        let per = insats.unit().singular();
                        let year_note = format!("Kostnaden gäller {}; kvalitetsresultaten är de som filen anger för enheterna.", report.year);
                        let description = format!("En punkt per enhet: {}. Uppe till vänster = lägre kostnad och högre resultat.", list.iter().map(|p| format!("{} {} kr, {}", p.name, format::kr(p.cost), format::volume(p.quality))).collect::<Vec<_>>().join("; "));
                        let chart_points: Vec<Point> = list.iter().map(|p| Point { label: p.name.clone(), x: p.cost, y: p.quality }).collect();
                        view! {
                            <section class="quality-block" data-testid=format!("quality-{}", insats.code())>
                                <h2>{format!("{}: {measure}", insats.name())}</h2>
                                <ScatterChart
                                    id=format!("kvalitet-{}", insats.code().to_lowercase())
                                    title=format!("{}: kostnad per {per} och {}", insats.name(), kpb::model::lower_first(&measure))
                                    description=description
                                    x_unit=Unit::Kr
                                    y_unit=Unit::Plain
                                    x_label=format!("Kostnad per {per}, kr")
                                    y_label=measure.clone()
                                    points=chart_points
                                />
                                <p class="hint">"Axlarna börjar inte vid noll. "{year_note.clone()}</p>
                            </section>
                        }
                    }).collect_view()}
                    {(!unmatched.is_empty()).then(|| view! {
                        <p class="hint">{format!("Resultat för enheter (och insatser) som inte finns i årets underlag visas inte: {}.", unmatched.join(", "))}</p>
                    })}
                    {other_years}
                    {(!ambiguous.is_empty()).then(|| view! {
                        <p class="hint">{format!(
                            "{} har flera insatser, och filen säger inte vilken resultatet gäller: det visas för var och en. Lägg till kolumnen Insats i filen för att välja.",
                            ambiguous.join(", ")
                        )}</p>
                    })}
                }.into_any())
            }}
        </section>
    }
}

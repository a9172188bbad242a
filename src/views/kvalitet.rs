//! Kostnad och kvalitet: per unit, the cost per volume unit beside quality results (e.g. user
//! survey scores), as a scatter and a table. The results come from the user's quality files and
//! from Kolada's values per unit (`ou`), for the own enheter the user maps to Kolada's units (the
//! mapping is remembered with the comparison choices; suggested by name until chosen).

use crate::charts::{Point, ScatterChart, Unit};
use crate::state::session;
use crate::views::jamforelse::ReferenceFiles;
use kpb::compare;
use kpb::format;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[component]
pub fn Kvalitet() -> impl IntoView {
    let s = session();
    view! {
        <section class="view" aria-labelledby="kvalitet-rubrik">
            <h1 id="kvalitet-rubrik">"Kostnad och kvalitet"</h1>
            <p class="lead">
                "Lägg in kvalitetsresultat per enhet – till exempel andelen nöjda brukare i Socialstyrelsens brukarundersökning – "
                "så visas varje enhets kostnad bredvid dess kvalitet. En fil med kolumnerna Enhet, Mått och Värde (och gärna År) räcker. "
                "Koladas värden per enhet går också: läs in Koladas svar per enhet och enhetslistan, och koppla era enheter till Koladas."
            </p>
            <ReferenceFiles />
            <OuMapping />
            {move || {
                let report = s.report.get()?;
                let data = s.reference.get();
                let settings = s.compare_settings.with(|c| mapping_in_use(c, &report, &data));
                let compare::QualityMatch { points, unmatched, other_years, ambiguous, .. } =
                    compare::quality_points(&report, &data, &settings);
                let (kolada, _) = compare::ou_quality(&report, &data, &settings);
                let kolada_measures: std::collections::BTreeSet<String> = kolada.into_iter().map(|q| q.measure).collect();
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
                // One block per insats and measure; the first of an insats keeps the plain names.
                let mut seen: BTreeMap<kpb::Insats, usize> = BTreeMap::new();
                Some(view! {
                    {groups.into_iter().map(|((insats, measure), list)| {
                        let per = insats.unit().singular();
                        let n = seen.entry(insats).and_modify(|n| *n += 1).or_insert(1);
                        let suffix = if *n == 1 { String::new() } else { format!("-{n}") };
                        let year_note = if kolada_measures.contains(&measure) {
                            format!("Kostnaden gäller {0}; kvalitetsresultaten är Koladas värden för {0} för de kopplade enheterna (källa: Kolada, RKA).", report.year)
                        } else {
                            format!("Kostnaden gäller {}; kvalitetsresultaten är de som filen anger för enheterna.", report.year)
                        };
                        let description = format!("En punkt per enhet: {}. Uppe till vänster = lägre kostnad och högre resultat.", list.iter().map(|p| format!("{} {} kr, {}", p.name, format::kr(p.cost), format::volume(p.quality))).collect::<Vec<_>>().join("; "));
                        // Kolada's titles are long: the axis has the part after the subject.
                        let y_label = match measure.rsplit_once(" - ") {
                            Some((_, short)) if kolada_measures.contains(&measure) => short.trim().to_owned(),
                            _ => measure.clone(),
                        };
                        let chart_points: Vec<Point> = list.iter().map(|p| Point { label: p.name.clone(), x: p.cost, y: p.quality }).collect();
                        view! {
                            <section class="quality-block" data-testid=format!("quality-{}{suffix}", insats.code())>
                                <h2>{format!("{}: {measure}", insats.name())}</h2>
                                <ScatterChart
                                    id=format!("kvalitet-{}{suffix}", insats.code().to_lowercase())
                                    title=format!("{}: kostnad per {per} och {}", insats.name(), kpb::model::lower_first(&measure))
                                    description=description
                                    x_unit=Unit::Kr
                                    y_unit=Unit::Plain
                                    x_label=format!("Kostnad per {per}, kr")
                                    y_label=y_label
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

/// The mapping the pairing uses: the user's choices, and for the enheter the user has not chosen
/// for, the suggestion by name.
fn mapping_in_use(
    settings: &compare::CompareSettings,
    report: &kpb::Report,
    data: &compare::RefData,
) -> compare::CompareSettings {
    let mut settings = settings.clone();
    for (enhet, ou) in compare::suggest_ou(report, data) {
        settings.ou_map.entry(enhet).or_insert(ou);
    }
    settings
}

/// "Koppla enheterna till Koladas enheter": when Kolada values per unit are read, one row per
/// own enhet with a choice of Kolada's units. Only the choice is remembered.
#[component]
fn OuMapping() -> impl IntoView {
    let s = session();
    move || {
        let report = s.report.get()?;
        let data = s.reference.get();
        let units = data.ou_units();
        if units.is_empty() {
            return None;
        }
        let suggested: BTreeMap<String, String> = compare::suggest_ou(&report, &data).into_iter().collect();
        let (own_id, own_name) = s.compare_settings.with_untracked(|c| (c.own_id.clone(), c.own_name.clone()));
        let options: Vec<(String, String)> = units
            .iter()
            .map(|u| {
                let name = u.name.clone().unwrap_or_else(|| u.id.clone());
                let municipality = match u.municipality.as_str() {
                    "" => String::new(),
                    m if m == own_id && !own_name.is_empty() => own_name.clone(),
                    m => data.name(m),
                };
                let label = if municipality.is_empty() { name } else { format!("{name}, {municipality}") };
                (u.id.clone(), label)
            })
            .collect();
        let year = report.year;
        let rows = compare::quality_enheter(&report)
            .into_iter()
            .map(|(enhet, name)| {
                let suggestion = suggested.get(&enhet).cloned();
                let current = {
                    let (enhet, suggestion) = (enhet.clone(), suggestion.clone());
                    move || s.compare_settings.with(|c| c.ou_map.get(&enhet).cloned().or(suggestion.clone()).unwrap_or_default())
                };
                let chosen = {
                    let enhet = enhet.clone();
                    move || s.compare_settings.with(|c| c.ou_map.contains_key(&enhet))
                };
                let status = {
                    let (current, data, suggestion) = (current.clone(), data.clone(), suggestion.clone());
                    move || {
                        let ou = current();
                        if ou.is_empty() {
                            return String::new();
                        }
                        let has_value = data.values.iter().any(|v| {
                            v.unit.as_deref() == Some(ou.as_str()) && v.period == year && v.gender == compare::Gender::T && v.value.is_some()
                        });
                        let from = if !chosen() && suggestion.is_some() { "Förslag efter namnet" } else { "Vald" };
                        if has_value { format!("{from}.") } else { format!("{from}; Kolada har inget värde för enheten {year}.") }
                    }
                };
                let label = format!("Koladas enhet för {name}");
                let on_change = {
                    let enhet = enhet.clone();
                    move |ev| {
                        let ou = event_target_value(&ev);
                        let enhet = enhet.clone();
                        s.update_compare_settings(move |c| {
                            c.ou_map.insert(enhet, ou);
                        });
                    }
                };
                let options = options.clone();
                view! {
                    <tr data-enhet=enhet.clone()>
                        <th scope="row">{name.clone()}</th>
                        <td>
                            <select aria-label=label data-testid=format!("ou-{enhet}") on:change=on_change>
                                <option value="" selected={let current = current.clone(); move || current().is_empty()}>"ingen"</option>
                                {options.into_iter().map(|(id, text)| {
                                    let current = current.clone();
                                    let this = id.clone();
                                    view! { <option value=id selected=move || current() == this>{text}</option> }
                                }).collect_view()}
                            </select>
                        </td>
                        <td>{status}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <section class="ou-mapping" aria-labelledby="koppla-rubrik" data-testid="ou-mapping">
                <h2 id="koppla-rubrik">"Koppla enheterna till Koladas enheter"</h2>
                <p>
                    "Koladas värden per enhet – till exempel Socialstyrelsens brukarundersökning – gäller Koladas enheter, som inte alltid heter som era. "
                    "Välj för varje egen enhet vilken av Koladas enheter den är, så visas Koladas värden bredvid enhetens kostnad. "
                    "Verktyget föreslår en enhet när namnen stämmer och bara en passar; välj ”ingen” för att låta bli."
                </p>
                <p class="hint">
                    "Bara kopplingen sparas, i den här webbläsaren, så att du slipper göra om den. Koladas värden och era uppgifter sparas aldrig."
                </p>
                <div class="scroll">
                <table class="compact">
                    <thead><tr>
                        <th scope="col">"Egen enhet"</th>
                        <th scope="col">"Koladas enhet"</th>
                        <th scope="col">"Koppling"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                </div>
            </section>
        })
    }
}

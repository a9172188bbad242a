//! Inställningar: year, allocation key, ytterfall thresholds, age groups, which enheter to
//! include, standardkostnad. Every change recomputes at once.

use crate::state::session;
use kpb::model::{Insats, Regi};
use kpb::settings::AllocationKey;
use leptos::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn parse_kr(text: &str) -> Option<Decimal> {
    kpb::import::number::parse_decimal(text).ok().flatten()
}

#[component]
pub fn Installningar() -> impl IntoView {
    let s = session();
    let key_kind = move || match s.settings.with(|st| st.key.clone()) {
        AllocationKey::DirectCost => "direkt",
        AllocationKey::Volume => "volym",
        AllocationKey::PersonnelCost => "personal",
        AllocationKey::FixedShares(_) => "fasta",
    };
    let set_key = move |kind: &'static str| {
        s.update_settings(move |st| {
            st.key = match kind {
                "volym" => AllocationKey::Volume,
                "personal" => AllocationKey::PersonnelCost,
                "fasta" => AllocationKey::FixedShares(match &st.key {
                    AllocationKey::FixedShares(m) => m.clone(),
                    _ => BTreeMap::new(),
                }),
                _ => AllocationKey::DirectCost,
            }
        })
    };
    let key_option = move |kind: &'static str, label: &'static str, help: &'static str| {
        view! {
            <label class="option">
                <input
                    type="radio"
                    name="nyckel"
                    value=kind
                    data-testid=format!("key-{kind}")
                    checked=move || key_kind() == kind
                    on:change=move |_| set_key(kind)
                />
                <span>
                    <strong>{label}</strong>
                    <span class="help">{help}</span>
                </span>
            </label>
        }
    };
    view! {
        <section class="view" aria-labelledby="installningar-rubrik">
            <h1 id="installningar-rubrik">"Inställningar"</h1>
            <p class="lead">"Varje ändring räknas om direkt. Inställningarna sparas i webbläsaren till nästa gång."</p>

            <section aria-labelledby="ar-rubrik" class="setting">
                <h2 id="ar-rubrik">"År"</h2>
                <label class="field">
                    <span>"Året som beräknas"</span>
                    <input
                        type="number"
                        min="2000"
                        max="2100"
                        data-testid="year"
                        prop:value=move || s.report.with(|r| r.as_ref().map(|r| r.year.to_string()).unwrap_or_default())
                        on:change=move |ev| {
                            let year = event_target_value(&ev).trim().parse::<i32>().ok();
                            s.update_settings(move |st| st.year = year);
                        }
                    />
                </label>
                <p class="hint" data-testid="year-basis-settings">
                    {move || s.report.with(|r| r.as_ref().map(|r| format!("Nu: {}. ", r.year_basis)).unwrap_or_default())}
                    "Förvalt är det år filerna gäller: de flesta raderna i brukarstatistiken, annars en rubrik som \"Utfall 2025\" eller filnamnet. Rader för andra år räknas inte. Valet gäller de här filerna och sparas inte till nästa besök."
                </p>
                {move || {
                    let unconfirmed = s.settings.with(|st| st.year.is_none());
                    let year = s.report.with(|r| r.as_ref().map(|r| r.year));
                    year.filter(|_| unconfirmed).map(|year| {
                        view! {
                            <button class="secondary" data-testid="confirm-year-button" on:click=move |_| s.update_settings(move |st| st.year = Some(year))>
                                {format!("Bekräfta {year}")}
                            </button>
                        }
                    })
                }}
            </section>

            <section aria-labelledby="nyckel-rubrik" class="setting">
                <h2 id="nyckel-rubrik">"Fördelningsnyckel för gemensamma kostnader"</h2>
                <p class="hint">
                    "Gemensamma kostnader (ledning, administration, nämnd) fördelas på insatserna i egen regi på sin nivå: enhetens insatser, områdets enheter eller hela förvaltningen. SKR:s metod anger inte nyckeln; välj den som speglar hur kostnaderna uppstår."
                </p>
                <fieldset class="options">
                    <legend class="visually-hidden">"Fördelningsnyckel"</legend>
                    {key_option("direkt", "I proportion till direkt kostnad", "Förval. En insats med dubbelt så stor direkt kostnad får dubbelt så stor del.")}
                    {key_option("volym", "I proportion till volym", "Timmar, dygn eller dagar. Meningsfull när insatserna på nivån mäts i samma enhet.")}
                    {key_option("personal", "I proportion till personalkostnad", "När de gemensamma kostnaderna följer personalen (t.ex. chefer, HR).")}
                    {key_option("fasta", "Fasta andelar per insats", "Du anger andelarna nedan; inom en insats fördelas efter direkt kostnad.")}
                </fieldset>
                {move || matches!(s.settings.with(|st| st.key.clone()), AllocationKey::FixedShares(_)).then(|| view! { <FixedShares /> })}
            </section>

            <section aria-labelledby="ytterfall-rubrik" class="setting">
                <h2 id="ytterfall-rubrik">"Gränser för ytterfall"</h2>
                <p class="hint">"En brukare är ett ytterfall när årskostnaden i området är större än gränsen (exakt på gränsen räknas inte)."</p>
                <div class="grid3">
                    {[("ordinart", "Ordinärt boende, kr"), ("sarskilt", "Särskilt boende, kr"), ("lss", "LSS, kr")]
                        .into_iter()
                        .map(|(which, label)| {
                            let current = move || {
                                s.settings.with(|st| {
                                    let t = &st.thresholds;
                                    kpb::format::kr(match which {
                                        "ordinart" => t.ordinart,
                                        "sarskilt" => t.sarskilt,
                                        _ => t.lss,
                                    })
                                })
                            };
                            view! {
                                <label class="field">
                                    <span>{label}</span>
                                    <input
                                        type="text"
                                        inputmode="numeric"
                                        data-testid=format!("threshold-{which}")
                                        prop:value=current
                                        on:change=move |ev| {
                                            if let Some(v) = parse_kr(&event_target_value(&ev)) {
                                                s.update_settings(move |st| match which {
                                                    "ordinart" => st.thresholds.ordinart = v,
                                                    "sarskilt" => st.thresholds.sarskilt = v,
                                                    _ => st.thresholds.lss = v,
                                                });
                                            }
                                        }
                                    />
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            </section>

            <section aria-labelledby="alder-rubrik" class="setting">
                <h2 id="alder-rubrik">"Åldersgrupper"</h2>
                <label class="field wide">
                    <span>"Gränser (första åldern i varje grupp)"</span>
                    <input
                        type="text"
                        data-testid="age-bounds"
                        prop:value=move || s.settings.with(|st| st.age_bounds.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))
                        on:change=move |ev| {
                            let bounds: Vec<u32> = event_target_value(&ev)
                                .split([',', ';', ' '])
                                .filter_map(|p| p.trim().parse().ok())
                                .collect();
                            if !bounds.is_empty() {
                                s.update_settings(move |st| st.age_bounds = bounds);
                            }
                        }
                    />
                </label>
                <p class="hint">
                    {move || format!("Grupperna blir: {}.", s.settings.with(|st| st.age_groups().join(", ")))}
                </p>
            </section>

            <section aria-labelledby="enheter-rubrik" class="setting">
                <h2 id="enheter-rubrik">"Enheter som ingår"</h2>
                <p class="hint">"En enhet som väljs bort räknas inte: dess kostnader redovisas i avstämningen och gemensamma kostnader fördelas på de övriga."</p>
                <UnitChoice />
            </section>

            <section aria-labelledby="standard-rubrik" class="setting">
                <h2 id="standard-rubrik">"Standardkostnad (valfri)"</h2>
                <label class="field">
                    <span>"Standardkostnad för året, kr"</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        prop:value=move || s.settings.with(|st| st.standardkostnad.map(kpb::format::kr).unwrap_or_default())
                        on:change=move |ev| {
                            let v = parse_kr(&event_target_value(&ev));
                            s.update_settings(move |st| st.standardkostnad = v);
                        }
                    />
                </label>
                <p class="hint">"Jämförs med nettokostnaden enligt KPB i nyckeltalet Avvikelse från standardkostnad."</p>
            </section>
        </section>
    }
}

#[component]
fn FixedShares() -> impl IntoView {
    let s = session();
    let present = move || {
        s.report.with(|r| {
            let mut list: Vec<Insats> = r
                .as_ref()
                .map(|r| r.units.iter().filter(|u| u.regi == Regi::Egen).map(|u| u.insats).collect())
                .unwrap_or_default();
            list.sort();
            list.dedup();
            list
        })
    };
    view! {
        <table class="form-table shares">
            <thead>
                <tr>
                    <th scope="col">"Insats"</th>
                    <th scope="col">"Andel, %"</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    present()
                        .into_iter()
                        .map(|insats| {
                            let value = move || {
                                s.settings.with(|st| match &st.key {
                                    AllocationKey::FixedShares(m) => m.get(&insats).map(|d| d.to_string()).unwrap_or_default(),
                                    _ => String::new(),
                                })
                            };
                            view! {
                                <tr>
                                    <th scope="row">{insats.name()}</th>
                                    <td>
                                        <input
                                            type="text"
                                            inputmode="decimal"
                                            aria-label=format!("Andel för {}", insats.name())
                                            prop:value=value
                                            on:change=move |ev| {
                                                let v = parse_kr(&event_target_value(&ev));
                                                s.update_settings(move |st| {
                                                    if let AllocationKey::FixedShares(m) = &mut st.key {
                                                        match v {
                                                            Some(v) => {
                                                                m.insert(insats, v);
                                                            }
                                                            None => {
                                                                m.remove(&insats);
                                                            }
                                                        }
                                                    }
                                                });
                                            }
                                        />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
        <p class="hint">"Andelarna behöver inte summera till 100: de räknas om mellan de insatser som finns på varje nivå."</p>
    }
}

#[component]
fn UnitChoice() -> impl IntoView {
    let s = session();
    // Every egen regi enhet the data knows, also the excluded ones (from the last report's units
    // plus the excluded list), so that an excluded enhet can be brought back.
    let enheter = move || {
        let mut list: Vec<(String, String)> = s.report.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.units
                        .iter()
                        .filter(|u| u.regi == Regi::Egen)
                        .map(|u| (u.enhet.clone(), u.enhet_name.clone()))
                        .collect()
                })
                .unwrap_or_default()
        });
        s.settings.with(|st| list.extend(st.excluded_enheter.iter().map(|e| (e.clone(), e.clone()))));
        list.sort();
        list.dedup_by(|a, b| a.0 == b.0);
        list
    };
    view! {
        <div class="unit-choice">
            {move || {
                enheter()
                    .into_iter()
                    .map(|(code, name)| {
                        let c = code.clone();
                        let included = move || s.settings.with(|st| !st.excluded_enheter.contains(&c));
                        let code2 = code.clone();
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    data-testid=format!("include-{code}")
                                    checked=included
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let code = code2.clone();
                                        s.update_settings(move |st| {
                                            if on {
                                                st.excluded_enheter.remove(&code);
                                            } else {
                                                st.excluded_enheter.insert(code);
                                            }
                                        });
                                    }
                                />
                                {if name == code { name } else { format!("{name} ({code})") }}
                            </label>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

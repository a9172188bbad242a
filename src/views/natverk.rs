//! Nätverk: the own results as an aggregated file – nyckeltal, per-unit figures and the
//! distribution, no client rows, no group below the chosen minimum – for network partners (not for
//! Kolada: the KPB U-KPIs are no longer Kolada's); and the partners' files side by side.

use crate::charts::{Bar, BarChart, Unit};
use crate::state::session;
use crate::views::jamforelse::{OwnIdentity, ReferenceFiles, valid_area};
use crate::worker::ExportKind;
use kpb::compare::{self, Gender, is_group};
use kpb::format;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// A municipality's Kolada id: four digits, not Riket or a region (`00…`).
fn valid_municipality(id: &str) -> bool {
    valid_area(id) && !is_group(id)
}

#[component]
pub fn Natverk() -> impl IntoView {
    let s = session();
    // The file names the municipality by its Kolada id: without it, partners' files collide.
    let ready = move || s.compare_settings.with(|c| valid_municipality(&c.own_id));
    let export = move |_| {
        let c = s.compare_settings.get_untracked();
        if !valid_municipality(&c.own_id) {
            return;
        }
        s.export(ExportKind::Network {
            id: c.own_id.clone(),
            name: if c.own_name.is_empty() { c.own_id.clone() } else { c.own_name.clone() },
            min_clients: c.min_clients.max(1),
        });
    };
    view! {
        <section class="view" aria-labelledby="natverk-rubrik">
            <h1 id="natverk-rubrik">"Nätverk"</h1>
            <p class="lead">
                "Jämför med kommunerna i ert nätverk utan att en enda uppgift om en enskild brukare lämnar datorn: "
                "var och en laddar ned sin sammanställning här och skickar filen till de andra, som lägger in den."
            </p>
            <OwnIdentity />
            <section aria-labelledby="egen-fil">
                <h2 id="egen-fil">"Egen sammanställning"</h2>
                <ul class="facts">
                    <li>"Nyckeltalen – KPB-metodens (t.ex. U21003) och Koladas räknade med Koladas definitioner (t.ex. N21006) –, nyckeltalen per enhet och kostnadsfördelningen."</li>
                    <li>"Inga brukare, inga personnummer, inga pseudonymer. Ett värde som vilar på färre brukare än gränsen nedan skrivs inte ut."</li>
                    <li>"Filen är uppbyggd som Koladas svar: värden per nyckeltal, kommun och år, för kön T (totalt, alla brukare). Den är till för nätverket och kan inte rapporteras till Kolada: KPB-nyckeltalen finns inte i Kolada sedan 2025."</li>
                </ul>
                <label class="field">
                    <span>"Minsta antal brukare bakom ett värde"</span>
                    <input
                        type="number"
                        min="1"
                        data-testid="min-clients"
                        prop:value=move || s.compare_settings.with(|c| c.min_clients.to_string())
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                                s.update_compare_settings(|c| c.min_clients = n.max(1));
                            }
                        }
                    />
                </label>
                <div class="actions">
                    <button data-testid="export-network" on:click=export disabled=move || !ready()>"Ladda ned nätverksfilen (JSON)"</button>
                </div>
                {move || (!ready()).then(|| view! {
                    <p class="hint" data-testid="network-needs-id">"Välj den egna kommunen ovan (eller skriv kommunkoden, fyra siffror): den talar om för de andra vems filen är."</p>
                })}
            </section>
            <ReferenceFiles />
            <Partners />
            <PartnerUnits />
            <PartnerDistribution />
        </section>
    }
}

/// How many nyckeltal get a chart (all are in the table).
const CHARTS: usize = 6;

/// Every partner's value of every nyckeltal, beside the own.
#[component]
fn Partners() -> impl IntoView {
    let s = session();
    move || {
        let report = s.report.get()?;
        let data = s.reference.get();
        let networks = data.network_files();
        if networks.is_empty() {
            return Some(view! { <p>"Inga nätverksfiler inlästa ännu."</p> }.into_any());
        }
        let own = s.compare_settings.get();
        let own_label = if own.own_name.is_empty() { "Egen kommun".to_owned() } else { own.own_name.clone() };
        // Partners' municipality-level values for the report's year.
        type Cell = (Option<rust_decimal::Decimal>, Option<String>);
        let mut table: BTreeMap<String, BTreeMap<String, Cell>> = BTreeMap::new();
        let mut areas: Vec<String> = Vec::new();
        for v in data.values.iter().filter(|v| {
            networks.contains(v.file.as_str())
                && v.unit.is_none()
                && v.gender == Gender::T
                && v.period == report.year
                && own.wants(&v.area)
        }) {
            table.entry(v.kpi.clone()).or_default().insert(v.area.clone(), (v.value, v.status.clone()));
            if !areas.contains(&v.area) {
                areas.push(v.area.clone());
            }
        }
        let figures: Vec<_> = report.nyckeltal.iter().filter(|n| table.contains_key(&n.id)).cloned().collect();
        let charts = figures
            .iter()
            .filter(|n| n.unit.is_money())
            .take(CHARTS)
            .map(|n| {
                let mut bars: Vec<Bar> = areas
                    .iter()
                    .filter_map(|a| {
                        table[&n.id].get(a).and_then(|c| c.0).map(|v| Bar {
                            label: data.name(a),
                            value: v,
                            emphasis: false,
                            note: None,
                        })
                    })
                    .collect();
                // The partners' unweighted mean, as in Jämför med andra.
                let mean = compare::unweighted_mean(bars.iter().map(|b| b.value));
                if let Some(v) = n.value {
                    bars.push(Bar { label: format!("{own_label} (egen)"), value: v, emphasis: true, note: None });
                }
                bars.sort_by_key(|b| b.value);
                view! {
                    <BarChart
                        id=format!("natverk-{}", n.id.to_lowercase())
                        title=format!("{} {}", n.name, report.year)
                        description="Den egna kommunen mörk, streckad linje = ovägt medel för de andra i nätverket.".to_owned()
                        reference=mean.map(|m| ("Ovägt medel".to_owned(), m))
                        unit=Unit::Kr
                        value_label=n.unit.text()
                        bars=bars
                        label_header="Kommun".to_owned()
                    />
                }
            })
            .collect_view();
        Some(view! {
            <section aria-labelledby="partners">
                <h2 id="partners">{format!("Nätverket sida vid sida, {}", report.year)}</h2>
                <PartnerFacts year=report.year own_key=report.settings.key.name() />
                <div class="scroll">
                    <table class="compact" data-testid="network-table">
                        <thead>
                            <tr>
                                <th scope="col">"Nyckeltal"</th>
                                <th scope="col" class="num own-col">{own_label.clone()}</th>
                                {areas.iter().map(|a| view! { <th scope="col" class="num">{data.name(a)}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {figures.iter().map(|n| view! {
                                <tr>
                                    <th scope="row">{format!("{} ({})", n.name, n.id)}</th>
                                    <td class="num own-col">{n.value.map(|v| format::figure(n.unit, v)).unwrap_or_else(|| "–".into())}</td>
                                    {areas.iter().map(|a| {
                                        let cell = table[&n.id].get(a).cloned().unwrap_or_default();
                                        match cell {
                                            (Some(v), _) => view! { <td class="num">{format::figure(n.unit, v)}</td> }.into_any(),
                                            (None, status) => view! { <td class="num muted">{status.unwrap_or_else(|| "–".into())}</td> }.into_any(),
                                        }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(figures.iter().filter(|n| n.unit.is_money()).count() > CHARTS).then(|| view! {
                    <p class="hint">{format!("Diagram för de {CHARTS} första kostnadsnyckeltalen i tabellen; alla finns i tabellen ovan.")}</p>
                })}
                {charts}
            </section>
        }.into_any())
    }
}

/// What each partner's file says about itself, and where it differs from the own results.
#[component]
fn PartnerFacts(year: i32, own_key: &'static str) -> impl IntoView {
    let s = session();
    let data = s.reference.get_untracked();
    let partners: Vec<_> = data.partners.values().cloned().collect();
    let other_key: Vec<String> = partners
        .iter()
        .filter(|p| !p.allocation_key.is_empty() && p.allocation_key != own_key)
        .map(|p| format!("{} ({})", p.title, kpb::model::lower_first(&p.allocation_key)))
        .collect();
    let other_year: Vec<String> = partners
        .iter()
        .filter(|p| p.period.is_some_and(|y| y != year))
        .map(|p| format!("{} ({})", p.title, p.period.unwrap_or_default()))
        .collect();
    view! {
        <ul class="facts" data-testid="partner-facts">
            {partners.iter().map(|p| view! {
                <li>{format!(
                    "{}: {}, {}, fördelningsnyckel {}, minst {} brukare bakom ett värde.",
                    p.title,
                    p.period.map(|y| y.to_string()).unwrap_or_else(|| "år okänt".into()),
                    if p.status.is_empty() { "status okänd".to_owned() } else { p.status.to_lowercase() },
                    if p.allocation_key.is_empty() { "okänd".to_owned() } else { kpb::model::lower_first(&p.allocation_key) },
                    p.min_clients
                )}</li>
            }).collect_view()}
        </ul>
        {(!other_key.is_empty()).then(|| view! {
            <p class="callout">{format!(
                "Andra fördelningsnycklar än er ({}): {}. Skillnader i kostnad per enhet kan delvis bero på det.",
                kpb::model::lower_first(own_key),
                other_key.join(", ")
            )}</p>
        })}
        {(!other_year.is_empty()).then(|| view! {
            <p class="callout">{format!(
                "Filer för ett annat år än {year} visas inte här: {}. De syns under Över tid.",
                other_year.join(", ")
            )}</p>
        })}
    }
}

/// One nyckeltal per enhet across the network: the own units dark, the partners' light.
#[component]
fn PartnerUnits() -> impl IntoView {
    let s = session();
    let chosen: RwSignal<Option<String>> = RwSignal::new(None);
    move || {
        let report = s.report.get()?;
        let data = s.reference.get();
        let networks = data.network_files();
        let partner_units = |id: &str| {
            data.values
                .iter()
                .filter(|v| {
                    networks.contains(v.file.as_str())
                        && v.kpi == id
                        && v.unit.is_some()
                        && v.gender == Gender::T
                        && v.period == report.year
                        && s.compare_settings.with_untracked(|c| c.wants(&v.area))
                })
                .collect::<Vec<_>>()
        };
        let kpis: Vec<&kpb::report::Nyckeltal> =
            report.nyckeltal.iter().filter(|n| !n.by_enhet.is_empty() && !partner_units(&n.id).is_empty()).collect();
        let current = chosen.get();
        let n = kpis.iter().find(|n| Some(&n.id) == current.as_ref()).or(kpis.first())?;
        let own_label =
            s.compare_settings.with(|c| if c.own_name.is_empty() { "egen".to_owned() } else { c.own_name.clone() });
        let mut bars: Vec<Bar> = n
            .by_enhet
            .iter()
            .filter_map(|e| {
                e.value.map(|v| Bar {
                    label: format!("{} ({own_label})", e.enhet_name),
                    value: v,
                    emphasis: true,
                    note: None,
                })
            })
            .collect();
        let mut suppressed = Vec::new();
        for v in partner_units(&n.id) {
            let label = format!(
                "{} ({})",
                v.unit_name.clone().or_else(|| v.unit.clone()).unwrap_or_default(),
                data.name(&v.area)
            );
            match v.value {
                Some(value) => bars.push(Bar { label, value, emphasis: false, note: None }),
                None => suppressed.push(label),
            }
        }
        bars.sort_by_key(|b| b.value);
        let options: Vec<(String, String)> = kpis.iter().map(|k| (k.id.clone(), k.name.clone())).collect();
        let selected = n.id.clone();
        Some(view! {
            <section aria-labelledby="natverk-enheter" data-testid="network-units">
                <h2 id="natverk-enheter">"Enheterna i nätverket"</h2>
                <label class="field">
                    <span>"Nyckeltal"</span>
                    <select data-testid="network-unit-kpi" on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                        {options.into_iter().map(|(id, name)| {
                            let sel = id == selected;
                            view! { <option value=id.clone() selected=sel>{format!("{name} ({id})")}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <BarChart
                    id=format!("natverk-enheter-{}", n.id.to_lowercase())
                    title=format!("{} per enhet, {}", n.name, report.year)
                    description=format!("Enheterna i nätverket, lägst först; de egna enheterna mörka. {} enheter.", bars.len())
                    unit=Unit::Kr
                    value_label=n.unit.text()
                    bars=bars
                />
                {(!suppressed.is_empty()).then(|| view! {
                    <p class="hint">{format!("Utan värde (för få brukare): {}.", suppressed.join(", "))}</p>
                })}
            </section>
        })
    }
}

/// How concentrated the cost is, across the network: the share of the most expensive tenth.
#[component]
fn PartnerDistribution() -> impl IntoView {
    let s = session();
    move || {
        let report = s.report.get()?;
        let data = s.reference.get();
        if data.deciles.is_empty() {
            return None;
        }
        let own_label = s
            .compare_settings
            .with(|c| if c.own_name.is_empty() { "Egen kommun".to_owned() } else { c.own_name.clone() });
        // Partners of the report's year only, and never the own file read back.
        let same_year = |area: &str| data.partners.get(area).is_some_and(|p| p.period == Some(report.year));
        let mut bars: Vec<Bar> = data
            .deciles
            .iter()
            .filter(|(area, _)| same_year(area) && s.compare_settings.with(|c| c.wants(area)))
            .filter_map(|(area, d)| {
                d.first().map(|v| Bar { label: data.name(area), value: *v, emphasis: false, note: None })
            })
            .collect();
        if let Some(v) = report.distribution.deciles.first() {
            bars.push(Bar { label: format!("{own_label} (egen)"), value: *v, emphasis: true, note: None });
        }
        bars.sort_by_key(|b| b.value);
        Some(view! {
            <section aria-labelledby="natverk-fordelning" data-testid="network-distribution">
                <h2 id="natverk-fordelning">"Kostnadsfördelningen i nätverket"</h2>
                <BarChart
                    id="natverk-fordelning".to_owned()
                    title=format!("Andel av kostnaden som går till de 10 % dyraste brukarna, {}", report.year)
                    description="Hur stor del av kostnaden den dyraste tiondelen av brukarna står för, per kommun; den egna mörk.".to_owned()
                    unit=Unit::Percent
                    value_label="Andel av kostnaden".to_owned()
                    bars=bars
                    label_header="Kommun".to_owned()
                />
            </section>
        })
    }
}

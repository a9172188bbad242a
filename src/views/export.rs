//! Export: the workbook, each table as CSV, and a printable report for the nämnd.

use crate::state::{View, session};
use crate::worker::ExportKind;
use leptos::prelude::*;

/// The tables, as the engine names them, with what each holds.
const TABLES: [(&str, &str); 15] = [
    ("Om", "Om beräkningen: år, status, inställningar, filer"),
    ("Nyckeltal", "Nyckeltalen med id (KPB-metodens U… eller Koladas N…), täljare och nämnare"),
    ("Nyckeltal per enhet", "Nyckeltalen per enhet"),
    ("Enheter", "Kostnad och volym per insats, enhet och regi"),
    ("Insatser", "Per insats för hela kommunen"),
    ("Gemensamma kostnader", "Hur de gemensamma kostnaderna fördelades"),
    ("Brukare", "Kostnad per brukare (pseudonym)"),
    ("Brukare per insats", "Varje brukares insatser (pseudonym)"),
    ("Ytterfall", "Ytterfall per område"),
    ("Ytterfall brukare", "Brukarna över gränsen (pseudonym)"),
    ("Kostnadsfördelning", "Deciler och de dyraste brukarnas andel"),
    ("Brukarmix", "Per åldersgrupp, kön, boendeform och insats"),
    ("Utförandegrad", "Utförd i förhållande till beviljad tid"),
    ("Avstämning", "Avstämning mot huvudboken"),
    ("Kontroll", "Arbetslista med fel och varningar"),
];

/// The table of the monthly follow-up, when the ledger has months.
pub const MONTHLY: (&str, &str) =
    ("Månadsuppföljning", "Kostnad, volym och kostnad per volymenhet per enhet och månad");

#[component]
pub fn Export() -> impl IntoView {
    let s = session();
    view! {
        <section class="view" aria-labelledby="export-rubrik">
            <h1 id="export-rubrik">"Export och rapport"</h1>
            <p class="lead">
                "Filerna skapas här i webbläsaren och sparas på din dator. Brukarna finns bara med pseudonym. "
                "Status (preliminärt eller validerat) och kostnadsunderlaget står på varje fil."
            </p>
            <label class="field wide">
                <span>"Organisation (visas på exporter och utskrift)"</span>
                <input
                    type="text"
                    data-testid="organisation"
                    prop:value=move || s.organisation.get()
                    on:change=move |ev| s.organisation.set(event_target_value(&ev))
                />
            </label>
            <p>
                {move || format!("Status: {}. Ändras under Kontroll.", s.status.get().name())}
            </p>
            <div class="actions">
                <button data-testid="export-xlsx" on:click=move |_| s.export(ExportKind::Workbook)>
                    "Ladda ned allt som Excel (.xlsx)"
                </button>
                <button class="secondary" data-testid="print" on:click=move |_| s.go(View::Rapport)>
                    "Rapport för utskrift"
                </button>
            </div>
            <h2>"Tabeller som CSV"</h2>
            <p>
                <button class="secondary" data-testid="export-csv-zip" on:click=move |_| s.export(ExportKind::CsvZip)>
                    "Ladda ned alla tabeller som CSV (en .zip-fil)"
                </button>
            </p>
            <ul class="table-list">
                {move || {
                    let monthly = s.report.with(|r| r.as_ref().is_some_and(|r| r.monthly.is_some()));
                    TABLES
                    .into_iter()
                    .chain(monthly.then_some(kpb::export::MONTHLY))
                    .map(|(name, what)| {
                        view! {
                            <li>
                                <button
                                    class="link"
                                    data-testid=format!("csv-{name}")
                                    on:click=move |_| s.export(ExportKind::Csv(name.into()))
                                >
                                    {format!("{name}.csv")}
                                </button>
                                " – "
                                {what}
                            </li>
                        }
                    })
                    .collect_view()
                }}
            </ul>
            <p class="hint">"Varje diagram kan också sparas som SVG eller PNG med knapparna under diagrammet."</p>
        </section>
    }
}

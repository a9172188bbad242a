//! Kontroll: the findings grouped by kind and by enhet, each with file, line, column and a plain
//! explanation; the work list to download; the reconciliation with the ledger; and marking the
//! result preliminary or validated.

use crate::state::session;
use crate::worker::ExportKind;
use kpb::export::Status;
use kpb::finding::{Finding, Severity};
use kpb::format;
use kpb::import::FileStatus;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Grouping {
    Kind,
    Enhet,
}

#[component]
pub fn Kontroll() -> impl IntoView {
    let s = session();
    let grouping = RwSignal::new(Grouping::Kind);
    let show_info = RwSignal::new(false);
    view! {
        <section class="view" aria-labelledby="kontroll-rubrik">
            <h1 id="kontroll-rubrik">"Kontroll"</h1>
            {move || {
                s.report
                    .get()
                    .map(|r| {
                        let count = |sev| r.finding_count(sev);
                        let (errors, warnings, infos) = (count(Severity::Fel), count(Severity::Varning), count(Severity::Info));
                        let share = r.reconciliation.placed_share;
                        let share_class = match share {
                            Some(p) if p >= rust_decimal::Decimal::from(99) => "card ok",
                            Some(p) if p >= rust_decimal::Decimal::from(90) => "card warn",
                            _ => "card error",
                        };
                        // Rows of the ledger and the volume files that did not become data.
                        let not_used = r.rows_not_used();
                        let files_not_read = r
                            .files
                            .iter()
                            .filter(|f| matches!(f.status, FileStatus::Unreadable | FileStatus::NeedsMapping | FileStatus::Duplicate))
                            .count();
                        view! {
                            <div class="summary-cards">
                                <div class=share_class data-testid="placed-share">
                                    // Never rounded up to 100 % while something did not reach the clients.
                                    <span class="big">
                                        {share.map_or_else(|| "–".to_owned(), format::percent_down)}
                                    </span>
                                    <span>
                                        {format!(
                                            "av kostnaderna placerat på brukare ({} kr kom inte fram, se avstämningen)",
                                            format::kr(r.reconciliation.unplaced)
                                        )}
                                    </span>
                                </div>
                                <div class="card" class:error={not_used > 0 || files_not_read > 0} data-testid="rows-not-used">
                                    <span class="big">{format::count(not_used)}</span>
                                    <span>
                                        {if files_not_read > 0 {
                                            format!("rader kom inte med, och {} lästes inte", crate::state::files_in_words(files_not_read))
                                        } else {
                                            "rader kom inte med (se Fel nedan)".to_owned()
                                        }}
                                    </span>
                                </div>
                                <div class="card error" data-testid="count-errors">
                                    <span class="big">{errors}</span>
                                    <span>"fel"</span>
                                </div>
                                <div class="card warn" data-testid="count-warnings">
                                    <span class="big">{warnings}</span>
                                    <span>"varningar"</span>
                                </div>
                                <div class="card info">
                                    <span class="big">{infos}</span>
                                    <span>"upplysningar"</span>
                                </div>
                                <div class="card" class:error=!r.reconciliation.balances()>
                                    <span class="big">{format!("{} kr", format::ore(r.reconciliation.difference))}</span>
                                    <span>"differens i avstämningen (ska alltid vara 0)"</span>
                                </div>
                            </div>
                            <p class="lead">
                                {if errors == 0 && not_used == 0 && files_not_read == 0 {
                                    "Inga fel hittades. Gå igenom varningarna innan resultatet används."
                                } else {
                                    "Fel betyder att rader eller kostnader inte kom med: se avstämningen och felen nedan. Rätta i källsystemet eller i mappningen och läs in filerna igen."
                                }}
                            </p>
                            <p class="year-basis" data-testid="year-basis">{format!("Beräknat år: {}.", r.year_basis)}</p>
                            <Reconciliation report=r.clone() />
                        }
                    })
            }}
            <StatusChoice />
            <section aria-labelledby="fynd-rubrik">
                <h2 id="fynd-rubrik">"Vad kontrollen hittade"</h2>
                <div class="toolbar">
                    <fieldset class="segmented">
                        <legend>"Gruppera"</legend>
                        <label>
                            <input
                                type="radio"
                                name="gruppering"
                                checked=move || grouping.get() == Grouping::Kind
                                on:change=move |_| grouping.set(Grouping::Kind)
                            />
                            "per typ"
                        </label>
                        <label>
                            <input
                                type="radio"
                                name="gruppering"
                                data-testid="group-enhet"
                                checked=move || grouping.get() == Grouping::Enhet
                                on:change=move |_| grouping.set(Grouping::Enhet)
                            />
                            "per enhet (arbetslista)"
                        </label>
                    </fieldset>
                    <label class="check">
                        <input type="checkbox" on:change=move |ev| show_info.set(event_target_checked(&ev)) />
                        "Visa upplysningar"
                    </label>
                    <button
                        class="secondary"
                        data-testid="download-worklist"
                        on:click=move |_| s.export(ExportKind::Csv("Kontroll".into()))
                    >
                        "Ladda ned arbetslistan (CSV)"
                    </button>
                </div>
                {move || {
                    s.report
                        .get()
                        .map(|r| {
                            let shown: Vec<Finding> = r
                                .findings
                                .iter()
                                .filter(|f| show_info.get() || f.severity != Severity::Info)
                                .cloned()
                                .collect();
                            if shown.is_empty() {
                                return view! { <p>"Inget att visa."</p> }.into_any();
                            }
                            let mut groups: BTreeMap<(u8, String), Vec<Finding>> = BTreeMap::new();
                            for f in shown {
                                let key = match grouping.get() {
                                    Grouping::Kind => (f.severity as u8, f.kind.code().to_owned()),
                                    Grouping::Enhet => (0, f.enhet.clone().unwrap_or_else(|| "Utan enhet".into())),
                                };
                                groups.entry(key).or_default().push(f);
                            }
                            groups
                                .into_iter()
                                .map(|((_, key), list)| {
                                    let title = match grouping.get_untracked() {
                                        Grouping::Kind => list[0].kind.title().to_owned(),
                                        Grouping::Enhet => enhet_title(&r, &key),
                                    };
                                    view! { <FindingGroup title=title list=list /> }
                                })
                                .collect_view()
                                .into_any()
                        })
                }}
            </section>
        </section>
    }
}

fn enhet_title(report: &kpb::Report, code: &str) -> String {
    match report.units.iter().find(|u| u.enhet == code) {
        Some(u) if u.enhet_name != code => format!("{} ({code})", u.enhet_name),
        _ => code.to_owned(),
    }
}

#[component]
fn FindingGroup(title: String, list: Vec<Finding>) -> impl IntoView {
    // The messages listed, and – when a message stands for several places – the places.
    let total: u32 = list.iter().map(|f| f.count).sum();
    let count = if total as usize == list.len() {
        format!(" ({})", list.len())
    } else {
        let messages = if list.len() == 1 { "meddelande" } else { "meddelanden" };
        format!(" ({} {messages}, {} förekomster)", format::count(list.len() as u32), format::count(total))
    };
    let worst = list.iter().map(|f| f.severity).min().unwrap_or(Severity::Info);
    let class = match worst {
        Severity::Fel => "error",
        Severity::Varning => "warn",
        Severity::Info => "info",
    };
    view! {
        <details class=format!("finding-group {class}") data-testid="finding-group">
            <summary>
                <span class=format!("pill {class}")>{worst.name()}</span>
                " "
                <span class="group-title">{title}</span>
                <span class="count">{count}</span>
            </summary>
            <ul class="findings">
                {list
                    .into_iter()
                    .map(|f| {
                        let more = (!f.more_lines.is_empty())
                            .then(|| {
                                let extra = f.count as usize - 1 - f.more_lines.len();
                                let lines = f.more_lines.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
                                if extra > 0 {
                                    format!("Även rad {lines} och {extra} till.")
                                } else {
                                    format!("Även rad {lines}.")
                                }
                            });
                        view! {
                            <li data-testid="finding">
                                <p class="msg">{f.message()}</p>
                                <p class="where">{f.pos.to_string()} {more.map(|m| format!(" {m}"))}</p>
                                <p class="help">{f.help()}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
}

/// The reconciliation with the ledger; `compact` (in the printed report) without the
/// explanations and the first rows.
#[component]
pub fn Reconciliation(report: std::sync::Arc<kpb::Report>, #[prop(optional)] compact: bool) -> impl IntoView {
    let r = &report.reconciliation;
    view! {
        <section aria-labelledby="avstamning-rubrik" data-testid="reconciliation" class="avoid-break">
            <h2 id="avstamning-rubrik">"Avstämning mot huvudboken"</h2>
            <p class="hint">
                "Allt i kostnadsfilen ska antingen ligga på en brukare eller redovisas här med sitt skäl. Differensen ska vara 0."
            </p>
            <div class="scroll">
            <table class="recon">
                <tbody>
                    <tr class="total">
                        <th scope="row">{format!("Huvudbokens summa ({} rader)", format::count(r.ledger_rows))}</th>
                        <td class="num">{format!("{} kr", format::ore(r.ledger_total))}</td>
                        {(!compact).then(|| view! { <td></td> })}
                    </tr>
                    {r.lines
                        .iter()
                        .map(|l| {
                            let lines = l
                                .first
                                .as_ref()
                                .map(|p| format!(" Första rad: {p}."))
                                .unwrap_or_default();
                            view! {
                                <tr class:placed=l.key.is_placed()>
                                    <th scope="row">{l.key.label()}</th>
                                    <td class="num">{format!("{} kr", format::ore(l.amount))}</td>
                                    {(!compact).then(|| view! { <td class="expl">{format!("{}{lines}", l.key.explanation())}</td> })}
                                </tr>
                            }
                        })
                        .collect_view()}
                    <tr class="total" data-testid="difference">
                        <th scope="row">"Differens"</th>
                        <td class="num">{format!("{} kr", format::ore(r.difference))}</td>
                        {(!compact).then(|| view! { <td></td> })}
                    </tr>
                </tbody>
            </table>
            </div>
        </section>
    }
}

/// Preliminary or validated, with what each means.
#[component]
fn StatusChoice() -> impl IntoView {
    let s = session();
    view! {
        <section class="status-choice" aria-labelledby="status-rubrik">
            <h2 id="status-rubrik">"Resultatets status"</h2>
            <fieldset class="segmented">
                <legend class="visually-hidden">"Status"</legend>
                <label>
                    <input
                        type="radio"
                        name="status"
                        checked=move || s.status.get() == Status::Preliminar
                        on:change=move |_| s.status.set(Status::Preliminar)
                    />
                    "Preliminärt"
                </label>
                <label>
                    <input
                        type="radio"
                        name="status"
                        data-testid="status-validated"
                        checked=move || s.status.get() == Status::Validerad
                        on:change=move |_| {
                            s.status.set(Status::Validerad);
                            // The day it was validated: today, unless a day is given.
                            if s.validation.with_untracked(|v| v.on.is_empty()) {
                                let (y, m, d, ..) = s.meta().created;
                                s.validation.update(|v| v.on = format!("{y:04}-{m:02}-{d:02}"));
                            }
                        }
                    />
                    "Validerat"
                </label>
            </fieldset>
            <Show when=move || s.status.get() == Status::Validerad>
                <div class="fields">
                    <label class="field">
                        <span>"Validerat av"</span>
                        <input
                            type="text"
                            data-testid="validated-by"
                            autocomplete="name"
                            prop:value=move || s.validation.with(|v| v.by.clone())
                            on:change=move |ev| s.validation.update(|v| v.by = event_target_value(&ev))
                        />
                    </label>
                    <label class="field">
                        <span>"Datum"</span>
                        <input
                            type="date"
                            data-testid="validated-on"
                            prop:value=move || s.validation.with(|v| v.on.clone())
                            on:change=move |ev| s.validation.update(|v| v.on = event_target_value(&ev))
                        />
                    </label>
                </div>
            </Show>
            <p class="hint">
                {move || match s.status.get() {
                    Status::Preliminar => "Preliminärt: underlaget är inte genomgånget. Ett första års resultat bör inte användas för beslut förrän felen rättats och siffrorna jämförts med fjolåret och med andra källor.",
                    Status::Validerad => "Validerat: felen är genomgångna, avstämningen stämmer och siffrorna är jämförda med fjolåret och andra källor. Statusen, med vem som validerade och när, står på exporter och utskrifter.",
                }}
            </p>
        </section>
    }
}

//! The shell: header, navigation between the views, the progress line, downloads.

use crate::state::{Busy, Session, View, session};
use crate::views;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

#[component]
pub fn App() -> impl IntoView {
    let s = Session::new();
    provide_context(s);
    follow_hash(s);
    deliver_downloads(s);
    view! {
        <a class="skip" href="#innehall">"Hoppa till innehållet"</a>
        <header class="top">
            <div class="wrap top-inner">
                <div>
                    <p class="brand">"Kostnad per brukare"</p>
                    <p class="tagline">"KPB enligt SKR:s metod – räknas i din webbläsare, inga uppgifter lämnar datorn"</p>
                </div>
                <ResultBadge />
            </div>
        </header>
        <div class="wrap layout">
            <Nav />
            <main
                id="innehall"
                tabindex="-1"
                data-generation=move || s.generation.get()
                data-reference-generation=move || s.reference_generation.get()
                data-read-ms=move || s.timing.get().read_ms
                data-load-ms=move || s.timing.get().load_ms
                data-compute-ms=move || s.timing.get().compute_ms
                data-memory=move || s.timing.get().memory_bytes
                data-worker=move || if s.worker_ready.get() { "ready" } else { "starting" }
            >
                <BusyLine />
                {move || {
                    let view = s.view.get();
                    let has_report = s.report.with(Option::is_some);
                    if view.needs_report() && !has_report {
                        return views::start::NoData().into_any();
                    }
                    match view {
                        View::Start => views::start::Start().into_any(),
                        View::Import => views::import::Import().into_any(),
                        View::Kontroll => views::kontroll::Kontroll().into_any(),
                        View::Installningar => views::installningar::Installningar().into_any(),
                        View::Nyckeltal => views::nyckeltal::Nyckeltal().into_any(),
                        View::Enheter => views::enheter::Enheter().into_any(),
                        View::Manad => views::manad::Manad().into_any(),
                        View::Ytterfall => views::ytterfall::Ytterfall().into_any(),
                        View::Fordelning => views::fordelning::Fordelning().into_any(),
                        View::Brukarmix => views::brukarmix::Brukarmix().into_any(),
                        View::Export => views::export::Export().into_any(),
                        View::Rapport => views::rapport::Rapport().into_any(),
                        View::Jamforelse => views::jamforelse::Jamforelse().into_any(),
                        View::OverTid => views::over_tid::OverTid().into_any(),
                        View::Natverk => views::natverk::Natverk().into_any(),
                        View::Kvalitet => views::kvalitet::Kvalitet().into_any(),
                    }
                }}
            </main>
        </div>
        <footer class="foot">
            <div class="wrap">
                <p>
                    "Metod: SKR:s Kostnad per brukare (KPB). Id som U21003 är KPB-metodens, id som N21006 är Koladas. "
                    "Inga uppgifter lämnar datorn: sidan gör inga anrop till någon annan server, och efter att den laddats bara till sina egna filer."
                </p>
            </div>
        </footer>
    }
}

/// The navigation: the steps, then the results (available once there is a report).
#[component]
fn Nav() -> impl IntoView {
    let s = session();
    let item = move |v: View| {
        let disabled = move || v.needs_report() && s.report.with(Option::is_none);
        view! {
            <li>
                <a
                    href=format!("#/{}", v.slug())
                    data-testid=format!("nav-{}", v.slug())
                    aria-current=move || (s.view.get() == v).then_some("page")
                    class:disabled=disabled
                    aria-disabled=move || disabled().then_some("true")
                    on:click=move |ev| {
                        ev.prevent_default();
                        if !disabled() {
                            s.go(v);
                        }
                    }
                >
                    {v.title()}
                </a>
            </li>
        }
    };
    view! {
        <nav class="side" aria-label="Steg och resultat">
            <p class="nav-head">"Underlag"</p>
            <ul>{[View::Start, View::Import, View::Kontroll, View::Installningar].map(item).collect_view()}</ul>
            <p class="nav-head">"Resultat"</p>
            <ul>
                {[View::Nyckeltal, View::Enheter, View::Manad, View::Ytterfall, View::Fordelning, View::Brukarmix, View::Export]
                    .map(item)
                    .collect_view()}
            </ul>
            <p class="nav-head">"Jämförelse"</p>
            <ul>{[View::Jamforelse, View::OverTid, View::Natverk, View::Kvalitet].map(item).collect_view()}</ul>
        </nav>
    }
}

/// The year and whether the result is preliminary or validated, always visible.
#[component]
fn ResultBadge() -> impl IntoView {
    let s = session();
    move || {
        s.report.get().map(|r| {
            let status = s.status.get();
            view! {
                <p class="badge" data-testid="badge">
                    <span>{format!("KPB {}", r.year)}</span>
                    <span class=format!("status {}", status.name().to_lowercase())>{status.name()}</span>
                </p>
            }
        })
    }
}

#[component]
fn BusyLine() -> impl IntoView {
    let s = session();
    move || match s.busy.get() {
        Busy::Idle => ().into_any(),
        Busy::Working { message, fraction } => view! {
            <div class="busy" role="status" aria-live="polite" data-testid="busy">
                <progress max="1" value=fraction aria-label="Förlopp"></progress>
                <span>{message}</span>
            </div>
        }
        .into_any(),
        Busy::Failed(message) => view! {
            <div class="busy error" role="alert" data-testid="busy-error">
                {message}
            </div>
        }
        .into_any(),
    }
}

/// Keeps the view in step with the address (#/view), so back and forward work.
fn follow_hash(s: Session) {
    let Some(window) = web_sys::window() else { return };
    let on_hash = Closure::<dyn FnMut()>::new(move || {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        let view = View::from_hash(&hash);
        if s.view.get_untracked() != view {
            s.view.set(view);
        }
    });
    window.set_onhashchange(Some(on_hash.as_ref().unchecked_ref()));
    on_hash.forget();
}

/// Hands files the worker made to the browser as downloads.
fn deliver_downloads(s: Session) {
    Effect::new(move || {
        if let Some(d) = s.download.get() {
            crate::download::save(&d.name, &d.bytes, &d.mime);
            s.download.set(None);
        }
    });
}

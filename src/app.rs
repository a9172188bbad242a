//! The page: what the tool does, the files in, the figures out.

use crate::worker::{Client, Request, Response};
use kpb::Report;
use kpb::format;
use kpb::import::ImportSettings;
use kpb::model::{Insats, Regi};
use kpb::settings::Settings;
use leptos::prelude::*;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// The example municipality's files, shipped with the app under `exempel/`.
const EXAMPLE_FILES: [&str; 6] =
    ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv", "platser.csv", "befolkning.csv"];

/// Where the computation stands.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    Idle,
    Working { message: String, fraction: f64 },
    Failed(String),
}

#[component]
pub fn App() -> impl IntoView {
    let report: RwSignal<Option<Arc<Report>>> = RwSignal::new(None);
    let status = RwSignal::new(Status::Idle);
    let client = Client::spawn(move |response| match response {
        Response::Progress { message, fraction } => status.set(Status::Working { message, fraction }),
        Response::Done(r) => {
            report.set(Some(Arc::new(*r)));
            status.set(Status::Idle);
        }
        Response::Failed { message } => status.set(Status::Failed(message)),
    })
    .map(Rc::new);
    let client = StoredValue::new_local(client.ok());

    let load = move |files: Vec<(String, web_sys::Blob)>| {
        if files.is_empty() {
            return;
        }
        status.set(Status::Working { message: "Skickar filerna till beräkningen …".into(), fraction: 0.05 });
        let import = ImportSettings { pseudonym_key: session_key(), reference_year: this_year(), ..Default::default() };
        let request = Request::Load { import, settings: Settings::default() };
        match client.get_value() {
            Some(c) => {
                if c.send(&request, &files).is_err() {
                    status.set(Status::Failed("Filerna kunde inte skickas till beräkningen.".into()));
                }
            }
            None => status.set(Status::Failed("Webbläsaren kunde inte starta beräkningen (Web Worker).".into())),
        }
    };

    let example = move |_| {
        status.set(Status::Working { message: "Hämtar exempeldata …".into(), fraction: 0.02 });
        leptos::task::spawn_local(async move {
            match fetch_example().await {
                Ok(files) => load(files),
                Err(e) => status.set(Status::Failed(e)),
            }
        });
    };

    view! {
        <header class="top">
            <div class="wrap">
                <h1>"Kostnad per brukare"</h1>
                <p class="tagline">"KPB enligt SKR:s metod – i webbläsaren"</p>
            </div>
        </header>
        <main class="wrap">
            <section class="intro" aria-labelledby="intro-rubrik">
                <h2 id="intro-rubrik">"Vad kostar varje insats och varje brukare?"</h2>
                <p>
                    "Lägg in årets utdrag ur ekonomisystemet och verksamhetssystemet, så räknar verktyget ut "
                    "kostnaden per insats, per enhet och per brukare, nyckeltalen och de dyraste brukarna."
                </p>
                <p class="privacy" data-testid="privacy">
                    "Inga uppgifter lämnar datorn: filerna läses och räknas här i webbläsaren och skickas "
                    "aldrig någonstans. När sidan väl har laddats fungerar den även utan nätverk."
                </p>
            </section>
            <FilePicker on_files=load />
            <div class="actions">
                <button class="secondary" data-testid="example" on:click=example>"Prova med exempeldata"</button>
            </div>
            <StatusLine status=status />
            {move || report.get().map(|r| view! { <HemtjanstTable report=r /> })}
        </main>
    }
}

/// Drop zone and file chooser; hands the chosen files on as named blobs.
#[component]
fn FilePicker(on_files: impl Fn(Vec<(String, web_sys::Blob)>) + Copy + 'static) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let take = move |list: Option<web_sys::FileList>| {
        let Some(list) = list else { return };
        let files = (0..list.length())
            .filter_map(|i| list.get(i))
            .map(|f| (f.name(), f.unchecked_into::<web_sys::Blob>()))
            .collect();
        on_files(files);
    };
    view! {
        <div
            class="dropzone"
            class:dragging=move || dragging.get()
            data-testid="dropzone"
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                take(ev.data_transfer().and_then(|d| d.files()));
            }
        >
            <p>"Släpp filerna här, eller"</p>
            <label class="button">
                "Välj filer"
                <input
                    type="file"
                    multiple
                    accept=".csv,.txt,.xlsx,.xls,.ods"
                    data-testid="file-input"
                    class="visually-hidden"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        take(input.files());
                        input.set_value("");
                    }
                />
            </label>
            <p class="hint">"Kostnader, brukarstatistik, mappning och kontotyper – CSV eller Excel."</p>
        </div>
    }
}

#[component]
fn StatusLine(status: RwSignal<Status>) -> impl IntoView {
    move || match status.get() {
        Status::Idle => ().into_any(),
        Status::Working { message, fraction } => view! {
            <div class="status" role="status" aria-live="polite">
                <progress max="1" value=fraction></progress>
                <span>{message}</span>
            </div>
        }
        .into_any(),
        Status::Failed(message) => view! { <div class="status error" role="alert">{message}</div> }.into_any(),
    }
}

/// Kostnad per beviljad hemtjänsttimme per enhet and for the municipality (U21003).
#[component]
pub fn HemtjanstTable(report: Arc<Report>) -> impl IntoView {
    let figure = report.nyckeltal.iter().find(|n| n.id == "U21003").cloned();
    let rows: Vec<_> =
        report.units.iter().filter(|u| u.insats == Insats::Hemtjanst && u.regi == Regi::Egen).cloned().collect();
    let Some(figure) = figure else { return ().into_any() };
    view! {
        <section class="results" data-testid="hemtjanst">
            <h2>{figure.name.clone()} <span class="kolada">{figure.id.clone()}</span></h2>
            <p class="definition">{figure.definition.clone()} " " {figure.includes.clone()}</p>
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Enhet"</th>
                        <th scope="col" class="num">"Kostnad, kr"</th>
                        <th scope="col" class="num">"Beviljade timmar"</th>
                        <th scope="col" class="num">"Kr per timme"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|u| {
                            view! {
                                <tr data-testid="hemtjanst-enhet">
                                    <th scope="row">{u.enhet_name.clone()}</th>
                                    <td class="num">{format::kr(u.total)}</td>
                                    <td class="num">{format::volume(u.volume)}</td>
                                    <td class="num" data-testid="kr-per-timme">
                                        {u.unit_cost.map(format::kr).unwrap_or_else(|| "–".into())}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
                <tfoot>
                    <tr data-testid="hemtjanst-kommun">
                        <th scope="row">"Hela kommunen"</th>
                        <td class="num">{format::kr(figure.numerator)}</td>
                        <td class="num">{format::volume(figure.denominator)}</td>
                        <td class="num" data-testid="kr-per-timme">
                            {figure.value.map(format::kr).unwrap_or_else(|| "–".into())}
                        </td>
                    </tr>
                </tfoot>
            </table>
        </section>
    }
    .into_any()
}

/// A random key for this session's pseudonyms, from the browser's CSPRNG.
fn session_key() -> Vec<u8> {
    let mut key = [0u8; 32];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut key);
    }
    key.to_vec()
}

fn this_year() -> i32 {
    js_sys::Date::new_0().get_full_year() as i32
}

/// Fetches the example files from the app's own origin.
async fn fetch_example() -> Result<Vec<(String, web_sys::Blob)>, String> {
    let window = web_sys::window().ok_or("Ingen webbläsare.")?;
    let mut files = Vec::new();
    for name in EXAMPLE_FILES {
        let fail = || format!("Exempelfilen {name} kunde inte hämtas.");
        let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&format!("./exempel/{name}")))
            .await
            .map_err(|_| fail())?;
        let response: web_sys::Response = response.unchecked_into();
        if !response.ok() {
            return Err(fail());
        }
        let blob =
            wasm_bindgen_futures::JsFuture::from(response.blob().map_err(|_| fail())?).await.map_err(|_| fail())?;
        files.push((name.to_owned(), blob.unchecked_into()));
    }
    Ok(files)
}

//! Kolada's municipality groups (3 630 of them, 62 KB gzipped): not built into the app's
//! WebAssembly, where they weighed on every first visit twice (page and worker), but a file beside
//! it ([`kpb::reference::GROUPS_FILE`], copied by trunk from `crates/kpb/data/kolada/`), fetched
//! the first time a comparison needs it and given to the engine with
//! [`kpb::reference::provide_groups`]. The page fetches it for the search of municipalities and
//! groups in Jämförelse ([`ask`], one fetch at a time for the session); the worker for reading
//! comparison files ([`fetch_in_worker`]), which can name a group or give its values. The service
//! worker keeps the file once fetched: offline, what the user has used still works.
//!
//! Without the list (offline before it was ever fetched) groups cannot be searched or named by
//! their titles; their ids still work.

use kpb::reference::{GROUPS_FILE, groups_known, provide_groups};
use wasm_bindgen::JsCast;

/// How long the page and the worker wait for the list (62 KB gzipped) before they go on without
/// it: a server that never answers must not keep the worker from reading comparison files.
const TIMEOUT_MS: i32 = 10_000;

/// Where the page's fetch of the groups stands (one for the session: [`crate::state::Session`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Not asked for yet.
    Unasked,
    Fetching,
    Ready,
    /// Why not, for the user; asked for again when next needed.
    Failed(String),
}

impl Status {
    /// At the start: ready when the engine has the groups built in.
    pub fn initial() -> Status {
        if groups_known() { Status::Ready } else { Status::Unasked }
    }
}

/// Fetches the groups on the page unless they are known or being fetched: once, and after a
/// failure again (the user may be back online).
pub fn ask(status: leptos::prelude::RwSignal<Status>) {
    use leptos::prelude::*;
    if !matches!(status.get_untracked(), Status::Unasked | Status::Failed(_)) {
        return;
    }
    status.set(Status::Fetching);
    leptos::task::spawn_local(async move {
        status.set(match fetch().await {
            Ok(()) => Status::Ready,
            Err(why) => Status::Failed(why),
        });
    });
}

/// Fetches the list and gives it to the engine. The error is for the user, in Swedish.
async fn fetch() -> Result<(), String> {
    if groups_known() {
        return Ok(());
    }
    let unreachable = |e: wasm_bindgen::JsValue| {
        web_sys::console::warn_2(&"Koladas kommungrupper".into(), &e);
        "Koladas kommungrupper kunde inte hämtas, troligen för att datorn saknar internetanslutning. Kommuner går att söka ändå. Grupperna hämtas första gången de behövs och finns sedan kvar också utan anslutning.".to_owned()
    };
    // The server answered, but not with the list.
    let garbled = |e: wasm_bindgen::JsValue| {
        web_sys::console::warn_2(&"Koladas kommungrupper".into(), &e);
        "Koladas kommungrupper kunde inte läsas: servern svarade inte med listan. Kommuner går att söka ändå."
            .to_owned()
    };
    let window = web_sys::window().ok_or_else(|| unreachable("no window".into()))?;
    // Given up after a while: the fetch is aborted, and fails.
    let abort = web_sys::AbortController::new().map_err(unreachable)?;
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(&abort.signal()));
    let give_up = wasm_bindgen::closure::Closure::once_into_js(move || abort.abort());
    window
        .set_timeout_with_callback_and_timeout_and_arguments_0(give_up.unchecked_ref(), TIMEOUT_MS)
        .map_err(unreachable)?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init(GROUPS_FILE, &init))
        .await
        .map_err(unreachable)?;
    let response: web_sys::Response = response.unchecked_into();
    if !response.ok() {
        return Err(garbled(response.status().into()));
    }
    let text =
        wasm_bindgen_futures::JsFuture::from(response.text().map_err(unreachable)?).await.map_err(unreachable)?;
    provide_groups(text.as_string().unwrap_or_default()).map_err(|e| garbled(e.into()))
}

/// Fetches the groups in the worker, synchronously (a worker may), once; after a failure, again
/// when next asked. A failure goes to the console only: the files are read without the groups.
pub fn fetch_in_worker() {
    if groups_known() {
        return;
    }
    let fetched = || -> Result<(), wasm_bindgen::JsValue> {
        let request = web_sys::XmlHttpRequest::new()?;
        request.open_with_async("GET", &crate::worker::beside_app(GROUPS_FILE)?, false)?;
        request.set_timeout(TIMEOUT_MS as u32);
        request.send()?;
        match request.status()? {
            200 => provide_groups(request.response_text()?.unwrap_or_default()).map_err(Into::into),
            status => Err(status.into()),
        }
    };
    if let Err(e) = fetched() {
        web_sys::console::warn_2(&"Koladas kommungrupper kunde inte hämtas".into(), &e);
    }
}

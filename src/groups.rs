//! Kolada's municipality groups (3 630 of them, 62 KB gzipped): not built into the app's
//! WebAssembly, where they weighed on every first visit twice (page and worker), but a file beside
//! it ([`kpb::reference::GROUPS_FILE`], copied by trunk from `crates/kpb/data/kolada/`), fetched
//! the first time a comparison needs it and given to the engine with
//! [`kpb::reference::provide_groups`]. The page fetches it for the search of municipalities and
//! groups in Jämförelse ([`fetch`]); the worker for reading comparison files ([`fetch_in_worker`]),
//! which can name a group or give its values. The service worker keeps the file once fetched: offline,
//! what the user has used still works.
//!
//! Without the list (offline before it was ever fetched) groups cannot be searched or named by
//! their titles; their ids still work.

use kpb::reference::{GROUPS_FILE, groups_known, provide_groups};
use wasm_bindgen::JsCast;

/// How long the worker waits for the list before it reads the files without it.
const TIMEOUT_MS: u32 = 30_000;

/// Fetches the groups on the page, once; after a failure, again when next asked. The error is
/// for the user, in Swedish.
pub async fn fetch() -> Result<(), String> {
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
    let response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(GROUPS_FILE)).await.map_err(unreachable)?;
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
        request.set_timeout(TIMEOUT_MS);
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

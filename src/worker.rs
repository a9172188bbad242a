//! The worker boundary: the page sends files and settings, the worker runs the engine and sends
//! the report back. This module is the only place where values cross to JavaScript with
//! `serde_wasm_bindgen`.
//!
//! A message to the worker is a JS object `{ id, req, files }`: `id` the request's [`RequestId`],
//! `req` a serialised [`Request`], `files` an array of `{ name, blob }`. Files go to the worker as
//! `Blob`s (structured clone, no copy on the page) and are read there with `FileReaderSync`, so
//! the page never holds their bytes. The worker posts a serialised [`Posted`]: `Ready` once, then
//! answers, each naming the id of the request it answers.

use kpb::Report;
use kpb::import::ImportSettings;
use kpb::settings::Settings;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The absolute address of one of the app's files, in the worker. The worker runs from a `blob:`
/// address, against which a relative one would resolve; its script leaves the app's address in
/// `kpbBase` ([`Inner::start`]).
pub fn beside_app(file: &str) -> Result<String, JsValue> {
    let base = js_sys::Reflect::get(&js_sys::global(), &"kpbBase".into())?.as_string().unwrap_or_default();
    Ok(web_sys::Url::new_with_base(file, &base)?.href())
}

/// A request's number, given by the page ([`Client::send`]); every answer names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RequestId(pub u32);

/// What the page asks of the worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Request {
    /// Read these files and compute. With `add_year`, the files are another year's: kept beside
    /// the main year for trends; otherwise they replace everything read before.
    Load { import: ImportSettings, settings: Settings, add_year: bool },
    /// Read reference files (Kolada, network partners, quality results), added to those before;
    /// `key` is the session's key of pseudonyms, for the personnummer in their texts.
    LoadReference { key: Vec<u8> },
    /// Forget the reference files.
    ClearReference,
    /// Compute again on the files already read, with new settings.
    Compute { settings: Settings },
    /// Make an export file of the last report.
    Export { what: ExportKind, meta: kpb::export::Meta },
    /// One page of a list of brukare of the last report (the page gets the report without its
    /// clients).
    Clients(kpb::client_list::ClientQuery),
}

/// Which export file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// Every table in one Excel workbook.
    Workbook,
    /// One table as CSV, by its name.
    Csv(String),
    /// Every table as CSV, in one zip archive.
    CsvZip,
    /// The aggregated file for a network.
    Network { id: String, name: String, min_clients: u32 },
}

/// How long the worker took, and how much memory its engine holds (for the benchmarks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Reading the chosen files' bytes into the worker (0 when only recomputing).
    pub read_ms: f64,
    /// Loading them: parsing, checking and typing every row (0 when only recomputing).
    pub load_ms: f64,
    pub compute_ms: f64,
    /// Size of the worker's WebAssembly memory, in bytes (its high-water mark: wasm memory
    /// never shrinks).
    pub memory_bytes: f64,
}

/// What the worker posts to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Posted {
    /// The worker has started and takes requests.
    Ready,
    /// To the request `id`: progress any number of times, then one final answer.
    Answer { id: RequestId, response: Response },
}

/// What the worker answers to a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    Progress {
        message: String,
        fraction: f64,
    },
    Done {
        report: Box<Report>,
        timing: Timing,
        /// Every year read (the main year too), for the trends.
        history: Vec<kpb::compare::YearFigures>,
    },
    /// What the reference files held (all of them, not only the last chosen).
    Reference(Box<kpb::compare::RefData>),
    /// A page of a list of brukare.
    Clients(kpb::client_list::ClientPage),
    /// A file to download.
    File {
        name: String,
        /// Not in the postcard bytes: posted beside them as a `Uint8Array`.
        #[serde(skip)]
        bytes: Vec<u8>,
        mime: String,
    },
    Failed {
        message: String,
    },
}

impl Response {
    /// Whether this is the request's answer (progress is not: the answer follows).
    pub fn is_final(&self) -> bool {
        !matches!(self, Response::Progress { .. })
    }
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// The largest file the page hands to the worker, in bytes. A larger file is refused on the
/// page, before anything is sent, with its size and this limit in words.
///
/// The worker's WebAssembly memory (wasm32) can never grow beyond 4 GiB, no single allocation
/// in it beyond 2 GiB, and the engine holds several times its input while it reads and
/// computes. Measured in headless Chromium with `kpb-gen --size 1m` data (brukare.csv repeated):
/// 82 MiB of CSV files took 413 MiB of worker memory (docs/BENCHMARKS.md), 321 MiB took
/// 1382 MiB, 643 MiB (in two files) took 2993 MiB – 4.3 to 5 times the input. An .xlsx file
/// is compressed and takes more. Files that pass may still exhaust the memory: the worker then
/// dies and [`Client`] starts a fresh one and says so.
pub const MAX_FILE_BYTES: f64 = 500.0 * MIB;

/// The most all files of one request may weigh together, in bytes (see [`MAX_FILE_BYTES`]):
/// about 3.3 GiB of memory by the measurements above, below the 4 GiB the worker can have.
pub const MAX_REQUEST_BYTES: f64 = 700.0 * MIB;

/// A mebibyte. Sizes are given as Windows' Utforskaren shows them: "MB" and "GB" of 1 024.
const MIB: f64 = 1024.0 * 1024.0;

/// A size in Swedish, as Utforskaren writes it: `734 MB`, `1,2 GB`.
pub fn size_in_words(bytes: f64) -> String {
    let gib = bytes / (1024.0 * MIB);
    if gib >= 1.0 {
        let text = format!("{gib:.1}").replace('.', ",");
        format!("{} GB", text.strip_suffix(",0").unwrap_or(&text))
    } else if bytes >= MIB {
        format!("{} MB", (bytes / MIB).round())
    } else {
        format!("{} kB", (bytes / 1024.0).ceil())
    }
}

/// Names in Swedish: `a`, `a och b`, `a, b och c`.
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} och {last}", init.join(", ")),
    }
}

/// Why a request's files are too large for the browser, if they are.
pub fn too_large(files: &[(String, web_sys::Blob)]) -> Option<String> {
    if let Some((name, blob)) = files.iter().find(|(_, blob)| blob.size() > MAX_FILE_BYTES) {
        return Some(format!(
            "Filen {name} är {}; verktyget klarar filer upp till {} i webbläsaren. Dela upp utdraget (t.ex. per halvår) eller ta bort kolumner som inte behövs.",
            size_in_words(blob.size()),
            size_in_words(MAX_FILE_BYTES),
        ));
    }
    let total: f64 = files.iter().map(|(_, blob)| blob.size()).sum();
    (total > MAX_REQUEST_BYTES).then(|| {
        format!(
            "Filerna är tillsammans {}; verktyget klarar upp till {} åt gången i webbläsaren. Ta bort kolumner som inte behövs, eller rader för verksamheter som inte ingår i KPB.",
            size_in_words(total),
            size_in_words(MAX_REQUEST_BYTES),
        )
    })
}

/// What a request does, in words, for the message when the worker dies on it: "när … ".
fn doing(request: &Request, files: &[String], main_files: &[String]) -> String {
    let files_text = |one: &str, many: &str| {
        if files.len() == 1 { format!("{one} {}", files[0]) } else { format!("{many} {}", and_list(files)) }
    };
    match request {
        Request::Load { add_year: false, .. } => format!("{} lästes", files_text("filen", "filerna")),
        Request::Load { add_year: true, .. } => format!("ett annat års filer ({}) lästes", and_list(files)),
        Request::LoadReference { .. } => format!("{} lästes", files_text("jämförelsefilen", "jämförelsefilerna")),
        Request::ClearReference => "jämförelsefilerna togs bort".into(),
        Request::Compute { .. } if main_files.is_empty() => "resultatet räknades om".into(),
        Request::Compute { .. } => format!("resultatet för {} räknades om", and_list(main_files)),
        Request::Export { what: ExportKind::Workbook, .. } => "Excel-filen skapades".into(),
        Request::Export { what: ExportKind::Csv(name), .. } => format!("tabellen {name} skapades som CSV-fil"),
        Request::Export { what: ExportKind::CsvZip, .. } => "zip-filen med tabellerna skapades".into(),
        Request::Export { what: ExportKind::Network { .. }, .. } => "nätverksfilen skapades".into(),
        Request::Clients(_) => "listan över brukare hämtades".into(),
    }
}

/// A request not yet answered.
enum Pending {
    /// Sent to the worker (or waiting for it to start): what it does, in words, and whether
    /// it reads files (one of which may be the cause when the worker dies on it).
    Sent { doing: String, reads_files: bool },
    /// Refused on the page (files too large, or no worker): its answer, given after those of
    /// the requests before it.
    Refused(String),
}

/// The worker in use and what is waiting for it.
struct Inner {
    /// None once stopped.
    worker: Option<web_sys::Worker>,
    /// The `blob:` address the worker was started from, freed once it runs.
    script: Option<String>,
    /// Messages sent before the worker said it is ready: a message that arrives before the
    /// worker's WebAssembly has started would be lost.
    waiting: Option<Vec<JsValue>>,
    /// The requests not yet answered, by id (in the order sent).
    pending: BTreeMap<RequestId, Pending>,
    /// The id of the next request.
    next_id: u32,
    /// Names of the files of the last main-year [`Request::Load`], for the messages.
    main_files: Vec<String>,
    /// Set when no worker could be started: every request is answered with it.
    stopped: Option<String>,
    /// The page's handlers, attached to every worker started.
    on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl Inner {
    /// Starts a worker.
    ///
    /// The worker is started from a `blob:` address so that it inherits the page's
    /// Content-Security-Policy (a worker loaded from an address of its own would not, and could
    /// connect anywhere). Its script loads `worker.js` and `worker_bg.wasm` beside the page by
    /// absolute addresses (relative ones would resolve against the `blob:` address), so the app
    /// works from any path; offline, the service worker serves both. It also leaves the app's
    /// address in `kpbBase`, for the files it fetches ([`beside_app`]). An error while starting is
    /// thrown again outside the promise, so that it reaches the page as the worker's error event.
    fn start(&mut self) -> Result<(), JsValue> {
        let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
        let base = document.base_uri()?.ok_or("no base URI")?;
        let address = |file: &str| -> Result<String, JsValue> {
            let href = web_sys::Url::new_with_base(file, &base)?.href();
            serde_json::to_string(&href).map_err(|e| JsValue::from_str(&e.to_string()))
        };
        let script = format!(
            "self.kpbBase = {};\nimportScripts({});\nwasm_bindgen({{ module_or_path: {} }}).catch((e) => setTimeout(() => {{ throw e; }}));\n",
            address("")?,
            address("worker.js")?,
            address("worker_bg.wasm")?,
        );
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&script.into()), &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let worker = web_sys::Worker::new(&url).inspect_err(|_| {
            let _ = web_sys::Url::revoke_object_url(&url);
        })?;
        worker.set_onmessage(Some(self.on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(self.on_error.as_ref().unchecked_ref()));
        self.worker = Some(worker);
        self.script = Some(url);
        self.waiting = Some(Vec::new());
        Ok(())
    }

    /// Stops the worker: no more messages from it.
    fn stop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.set_onmessage(None);
            worker.set_onerror(None);
            worker.terminate();
        }
        if let Some(url) = self.script.take() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        self.waiting = None;
    }
}

/// The page's side: runs the worker, delivers its answers to a callback, and replaces a worker
/// that dies.
///
/// Every request gets an id ([`Client::send`]) and is answered exactly once, under that id: by
/// the worker, or here – with `Failed` when the files are too large for the browser (then nothing
/// is sent; answered after the requests before it), and with `Failed` for every request the worker
/// had not answered when it died (a wasm trap: a panic in the engine, or its memory exhausted). A
/// dead worker is replaced at once by a fresh one, which knows nothing of the files read before,
/// and the page is told so (`on_crash`); requests sent after that go to the new one.
pub struct Client {
    inner: Rc<RefCell<Inner>>,
    answer: Rc<dyn Fn(RequestId, Response)>,
}

impl Drop for Client {
    fn drop(&mut self) {
        self.inner.borrow_mut().stop();
    }
}

impl Client {
    /// Starts the worker. `on_answer` gets every answer with its request's id; `on_ready` is
    /// called when a worker has started (and warmed up) and takes requests at once; `on_crash`
    /// gets the message when the worker died (after the requests it had not answered got theirs).
    pub fn spawn(
        on_answer: impl Fn(RequestId, Response) + 'static,
        on_ready: impl Fn() + 'static,
        on_crash: impl Fn(String) + 'static,
    ) -> Result<Client, JsValue> {
        let answer: Rc<dyn Fn(RequestId, Response)> = Rc::new(on_answer);
        let on_crash: Rc<dyn Fn(String)> = Rc::new(on_crash);
        let inner = Rc::new_cyclic(|weak: &Weak<RefCell<Inner>>| {
            let (me, respond) = (weak.clone(), answer.clone());
            let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let Some(inner) = me.upgrade() else { return };
                match read_posted(&event.data()) {
                    Some(Posted::Ready) => {
                        let mut state = inner.borrow_mut();
                        if let Some(url) = state.script.take() {
                            let _ = web_sys::Url::revoke_object_url(&url);
                        }
                        let queued = state.waiting.take().unwrap_or_default();
                        if let Some(worker) = &state.worker {
                            for message in queued {
                                let _ = worker.post_message(&message);
                            }
                        }
                        drop(state);
                        on_ready();
                    }
                    Some(Posted::Answer { id, response }) if response.is_final() => {
                        inner.borrow_mut().pending.remove(&id);
                        respond(id, response);
                        flush_refused(&inner, &respond);
                    }
                    Some(Posted::Answer { id, response }) => respond(id, response),
                    None => {}
                }
            });
            let (me, respond) = (weak.clone(), answer.clone());
            let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                // Handled here: the page says what happened, in Swedish.
                event.prevent_default();
                if let Some(inner) = me.upgrade() {
                    crashed(&inner, &respond, &on_crash, &event.message());
                }
            });
            RefCell::new(Inner {
                worker: None,
                script: None,
                waiting: None,
                pending: BTreeMap::new(),
                next_id: 0,
                main_files: Vec::new(),
                stopped: None,
                on_message,
                on_error,
            })
        });
        inner.borrow_mut().start()?;
        Ok(Client { inner, answer })
    }

    /// Sends a request, with files (name and content) when it reads files, and returns its id.
    /// Files too large for the browser are refused here: the request is answered with `Failed`,
    /// after the requests before it.
    pub fn send(&self, request: &Request, files: &[(String, web_sys::Blob)]) -> Result<RequestId, JsValue> {
        let mut state = self.inner.borrow_mut();
        let id = RequestId(state.next_id);
        state.next_id += 1;
        if let Some(message) = state.stopped.clone().or_else(|| too_large(files)) {
            let first = state.pending.is_empty();
            state.pending.insert(id, Pending::Refused(message));
            drop(state);
            // Answered after the caller has the id, and after every answer before it.
            if first {
                let (inner, answer) = (Rc::downgrade(&self.inner), self.answer.clone());
                let later = Closure::once_into_js(move || {
                    if let Some(inner) = inner.upgrade() {
                        flush_refused(&inner, &answer);
                    }
                });
                web_sys::window().ok_or("no window")?.queue_microtask(later.unchecked_ref());
            }
            return Ok(id);
        }
        let message = js_sys::Object::new();
        js_sys::Reflect::set(&message, &"id".into(), &to_js(&id))?;
        js_sys::Reflect::set(&message, &"req".into(), &to_js(request))?;
        let list = js_sys::Array::new();
        for (name, blob) in files {
            let entry = js_sys::Object::new();
            js_sys::Reflect::set(&entry, &"name".into(), &name.into())?;
            js_sys::Reflect::set(&entry, &"blob".into(), blob)?;
            list.push(&entry);
        }
        js_sys::Reflect::set(&message, &"files".into(), &list)?;
        let state = &mut *state;
        match (state.waiting.as_mut(), &state.worker) {
            (Some(queue), _) => queue.push(message.into()),
            (None, Some(worker)) => worker.post_message(&message)?,
            (None, None) => return Err("no worker".into()),
        }
        let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
        if let Request::Load { add_year: false, .. } = request {
            state.main_files = names.clone();
        }
        let reads_files = matches!(request, Request::Load { .. } | Request::LoadReference { .. });
        let doing = doing(request, &names, &state.main_files);
        state.pending.insert(id, Pending::Sent { doing, reads_files });
        Ok(id)
    }
}

/// A message from the worker. One that cannot be read is a `Failed` answer to its request, when
/// its id can be read; otherwise `None`.
fn read_posted(message: &JsValue) -> Option<Posted> {
    let bytes = |key: &str| {
        js_sys::Reflect::get(message, &key.into())
            .ok()
            .filter(|b| b.is_instance_of::<js_sys::Uint8Array>())
            .map(|b| js_sys::Uint8Array::new(&b).to_vec())
    };
    match postcard::from_bytes::<Posted>(&bytes("data")?) {
        Ok(Posted::Answer { id, response: Response::File { name, mime, .. } }) => {
            let bytes = bytes("bytes").unwrap_or_default();
            Some(Posted::Answer { id, response: Response::File { name, bytes, mime } })
        }
        Ok(posted) => Some(posted),
        Err(e) => {
            let id = js_sys::Reflect::get(message, &"id".into()).ok()?.as_f64()?;
            Some(Posted::Answer {
                id: RequestId(id as u32),
                response: Response::Failed { message: format!("Svaret från beräkningen kunde inte läsas ({e}).") },
            })
        }
    }
}

/// Answers the requests refused on the page that are next in turn.
fn flush_refused(inner: &Rc<RefCell<Inner>>, answer: &Rc<dyn Fn(RequestId, Response)>) {
    loop {
        let (id, message) = {
            let mut state = inner.borrow_mut();
            let Some(entry) = state.pending.first_entry() else { return };
            if !matches!(entry.get(), Pending::Refused(_)) {
                return;
            }
            match entry.remove_entry() {
                (id, Pending::Refused(message)) => (id, message),
                _ => unreachable!(),
            }
        };
        answer(id, Response::Failed { message });
    }
}

/// The worker died (an uncaught error: a wasm trap, or a failure while starting): answers every
/// request it had not answered, starts a fresh worker (unless it never started: then it would
/// only fail again) and tells the page.
fn crashed(
    inner: &Rc<RefCell<Inner>>,
    answer: &Rc<dyn Fn(RequestId, Response)>,
    on_crash: &Rc<dyn Fn(String)>,
    detail: &str,
) {
    let (lost, message) = {
        let mut state = inner.borrow_mut();
        let was_running = state.waiting.is_none();
        state.stop();
        let lost = std::mem::take(&mut state.pending);
        let cause = lost.values().find_map(|p| match p {
            Pending::Sent { doing, reads_files } => Some((doing.as_str(), *reads_files)),
            Pending::Refused(_) => None,
        });
        let restarted = was_running && state.start().is_ok();
        let message = if restarted {
            match cause {
                Some((doing, true)) => format!(
                    "Beräkningen avbröts när {doing} (slut på minne eller ett internt fel). Beräkningen har startats om; välj filerna igen eller ta bort den fil som orsakade felet."
                ),
                Some((doing, false)) => format!(
                    "Beräkningen avbröts när {doing} (slut på minne eller ett internt fel). Beräkningen har startats om; välj filerna igen."
                ),
                None => "Beräkningen avbröts (slut på minne eller ett internt fel). Beräkningen har startats om; välj filerna igen.".into(),
            }
        } else {
            state.stop();
            let message = format!(
                "Beräkningen kunde inte startas ({detail}). Ladda om sidan; hjälper inte det, kontrollera att webbläsaren tillåter WebAssembly."
            );
            state.stopped = Some(message.clone());
            message
        };
        (lost, message)
    };
    for (id, pending) in lost {
        answer(
            id,
            Response::Failed {
                message: match pending {
                    Pending::Sent { .. } => message.clone(),
                    Pending::Refused(refusal) => refusal,
                },
            },
        );
    }
    on_crash(message);
}

/// How many times over the warm-up runs the small municipality's brukare (see [`warm_up_files`]).
pub const WARM_UP_COPIES: usize = 400;

/// A small municipality's files (`src/warmup/`), which the worker runs through the engine once
/// as it starts. Chromium compiles WebAssembly a function at a time, on its first call, first
/// with a quick compiler and, once the function has run a while, again with its optimising one;
/// a call already running keeps the quick code until it returns, and each step of the engine is
/// one call over all the rows. So the brukare file holds the municipality's clients
/// [`WARM_UP_COPIES`] times over (`B100001-0`, `B100001-1`, …; 2 800 rows): enough for the
/// steps to be compiled the second way before the user's files come. Without any warm-up the
/// first result waits for the compiling (half a second at 10 000 rows); with one copy only, it
/// came at 100 000 rows after 0,76 s instead of 0,67 (medians of eight runs, docs/BENCHMARKS.md).
pub fn warm_up_files() -> Vec<kpb::import::InputFile> {
    let (header, rows) = include_str!("warmup/brukare.csv").split_once('\n').expect("a header and rows");
    let mut brukare = format!("{header}\n");
    for copy in 0..WARM_UP_COPIES {
        for row in rows.lines() {
            // The id is the first field. (`B100001-123` has nine digits, as a personnummer that
            // lost its leading zero has, but month 00: it stays an id.)
            let (id, rest) = row.split_once(';').expect("the id first");
            brukare.push_str(&format!("{id}-{copy};{rest}\n"));
        }
    }
    [
        ("kostnader.csv", include_str!("warmup/kostnader.csv").to_owned()),
        ("mappning.csv", include_str!("warmup/mappning.csv").to_owned()),
        ("konton.csv", include_str!("warmup/konton.csv").to_owned()),
        ("brukare.csv", brukare),
        ("platser.csv", include_str!("warmup/platser.csv").to_owned()),
        ("befolkning.csv", include_str!("warmup/befolkning.csv").to_owned()),
    ]
    .into_iter()
    .map(|(name, text)| kpb::import::InputFile { name: name.into(), bytes: text.into_bytes() })
    .collect()
}

/// The worker's side: answers requests until the page goes away.
pub mod serve {
    use super::*;
    use kpb::client_list::{ClientList, ClientQuery, ClientSort};
    use kpb::compare::{RefData, YearFigures};
    use kpb::import::{Dataset, InputFile};
    use std::collections::BTreeMap;

    // What the worker keeps between requests. No `RefCell` here is borrowed while the engine
    // runs (values are shared out as `Rc`, or taken out and put back): a request that ends in a
    // trap (a panic, memory exhausted) must not leave a borrow behind that fails every later
    // request. The page replaces a worker that traps all the same.
    thread_local! {
        /// The files read, per year, kept so that a change of settings recomputes without
        /// reading again; and which year is the main one.
        static YEARS: RefCell<BTreeMap<i32, Rc<Dataset>>> = const { RefCell::new(BTreeMap::new()) };
        static MAIN: RefCell<Option<i32>> = const { RefCell::new(None) };
        /// The last report of the main year, for the exports.
        static REPORT: RefCell<Option<Rc<Report>>> = const { RefCell::new(None) };
        /// Reference data read so far.
        static REFERENCE: RefCell<RefData> = RefCell::new(RefData::default());
    }

    fn scope() -> web_sys::DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    /// What the worker says goes to the page in postcard's compact binary form (`{ data, id }`:
    /// `data` a `Uint8Array` whose buffer is transferred, `id` the answered request's): one block
    /// of bytes is copied at once and read in order, where JSON text is twice the size and read
    /// field name by field name, and a tree of JavaScript objects is built and read field by
    /// field (a second for the report at a million rows). A file's bytes go beside it as a
    /// `Uint8Array` (`bytes`).
    fn post(posted: &Posted) {
        let id = match posted {
            Posted::Answer { id, .. } => Some(*id),
            Posted::Ready => None,
        };
        let data = postcard::to_stdvec(posted).unwrap_or_else(|e| {
            let message = format!("Svaret kunde inte skickas till sidan ({e}).");
            id.and_then(|id| postcard::to_stdvec(&Posted::Answer { id, response: Response::Failed { message } }).ok())
                .unwrap_or_default()
        });
        let data = js_sys::Uint8Array::from(&data[..]);
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"data".into(), &data);
        let transfer = js_sys::Array::of1(&data.buffer());
        if let Some(RequestId(id)) = id {
            let _ = js_sys::Reflect::set(&message, &"id".into(), &id.into());
        }
        if let Posted::Answer { response: Response::File { bytes, .. }, .. } = posted {
            let bytes = js_sys::Uint8Array::from(&bytes[..]);
            let _ = js_sys::Reflect::set(&message, &"bytes".into(), &bytes);
            transfer.push(&bytes.buffer());
        }
        let _ = scope().post_message_with_transfer(&message, &transfer);
    }

    /// Installs the message handler. Called once from the worker binary's `main`.
    pub fn run() {
        let handler = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
            let message = event.data();
            // A message without an id is not the page's: there is no one to answer.
            let id = js_sys::Reflect::get(&message, &"id".into()).ok();
            let Some(id) = id.and_then(|id| serde_wasm_bindgen::from_value::<RequestId>(id).ok()) else { return };
            let response = handle(id, &message).unwrap_or_else(|message| Response::Failed { message });
            post(&Posted::Answer { id, response });
        });
        scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
        handler.forget();
        warm_up();
        post(&Posted::Ready);
    }

    /// Runs the engine once on [`warm_up_files`] and writes its answer as the page would get it,
    /// keeping nothing: the code a first result needs is then compiled before the user chooses
    /// a file. (Before `Ready`: should it ever fail, the page says the worker could not start,
    /// instead of starting it again and again.)
    fn warm_up() {
        let import =
            ImportSettings { pseudonym_key: b"warm-up".to_vec(), reference_year: 2025, ..ImportSettings::default() };
        let data = kpb::import::load_with(&warm_up_files(), &import, &crate::xlsx::read_workbook, &mut |_| {});
        let report = kpb::compute(&data, &Settings::default());
        let history = vec![YearFigures::of(&report)];
        for list in [ClientList::WithCost, ClientList::Ytterfall(None)] {
            let query = ClientQuery { list, search: "a".into(), sort: ClientSort::Cost, descending: true, page: 0 };
            let page = Response::Clients(report.client_page(&query));
            std::hint::black_box(postcard::to_stdvec(&Posted::Answer { id: RequestId(0), response: page }).ok());
        }
        let display = Box::new(report.for_display());
        let done = Response::Done { report: display, timing: Timing::default(), history };
        std::hint::black_box(postcard::to_stdvec(&Posted::Answer { id: RequestId(0), response: done }).ok());
    }

    /// Tells the page how far the request `id` has come.
    fn progress(id: RequestId, message: String, fraction: f64) {
        post(&Posted::Answer { id, response: Response::Progress { message, fraction } });
    }

    fn handle(id: RequestId, message: &JsValue) -> Result<Response, String> {
        let req = js_sys::Reflect::get(message, &"req".into()).map_err(|_| "Tomt meddelande.".to_owned())?;
        let request: Request =
            serde_wasm_bindgen::from_value(req).map_err(|e| format!("Felaktig begäran till beräkningen ({e})."))?;
        match request {
            Request::Load { import, settings, add_year } => {
                let start = now();
                let files = read_files(message)?;
                let read_ms = now() - start;
                // WebAssembly memory never shrinks, so what the last files gave goes before the
                // new ones are loaded: files chosen again, or in several goes, need little more
                // memory than the first time. (Only after their bytes are read, so that a file
                // that cannot be read leaves the last result whole; a year added to the trends
                // keeps the others.)
                if !add_year {
                    REPORT.set(None);
                    YEARS.with_borrow_mut(BTreeMap::clear);
                }
                let start = now();
                let data = kpb::import::load_with(&files, &import, &crate::xlsx::read_workbook, &mut |p| {
                    progress(id, format!("Läser {} …", p.file), 0.05 + 0.75 * p.overall());
                });
                drop(files);
                let load_ms = now() - start;
                let year = settings.year.filter(|_| !add_year).unwrap_or_else(|| kpb::compute::infer_year(&data));
                if add_year && MAIN.with_borrow(|m| *m == Some(year)) {
                    return Err(format!(
                        "Filerna gäller {year}, samma år som de redan inlästa. Välj utdragen för ett annat år; nya filer för {year} läggs in under Import."
                    ));
                }
                YEARS.with_borrow_mut(|years| {
                    if !add_year {
                        years.clear();
                    }
                    years.insert(year, Rc::new(data));
                });
                if !add_year || MAIN.with_borrow(Option::is_none) {
                    MAIN.set(Some(year));
                }
                progress(id, "Beräknar …".into(), 0.85);
                compute_all(&settings, read_ms, load_ms)
            }
            Request::Compute { settings } => compute_all(&settings, 0.0, 0.0),
            Request::LoadReference { key } => {
                let files = read_files(message)?;
                // A file may name a group by its title, or give a group's values.
                crate::groups::fetch_in_worker();
                let read = kpb::compare::load_with(&files, &crate::xlsx::read_workbook, &key);
                let mut all = REFERENCE.take();
                all.merge(read);
                // The page fetches the groups only for its search: the names of those in the data
                // go with it (after the names the files gave).
                let groups: Vec<_> = all.values.iter().filter_map(|v| kpb::reference::group(&v.area)).collect();
                for g in groups {
                    all.names.entry(g.id.to_owned()).or_insert_with(|| g.title.to_owned());
                }
                REFERENCE.set(all.clone());
                Ok(Response::Reference(Box::new(all)))
            }
            Request::ClearReference => {
                REFERENCE.set(RefData::default());
                Ok(Response::Reference(Box::default()))
            }
            Request::Clients(query) => {
                let report = REPORT.with_borrow(Clone::clone).ok_or("Det finns inget resultat att visa.")?;
                Ok(Response::Clients(report.client_page(&query)))
            }
            Request::Export { what, meta } => {
                let report = REPORT.with_borrow(Clone::clone).ok_or("Det finns inget resultat att exportera.")?;
                let report = &*report;
                let tables = kpb::export::tables(report, &meta);
                let year = report.year;
                match what {
                    ExportKind::Workbook => {
                        let bytes = crate::xlsx::write_xlsx(&tables, &meta, year)?;
                        Ok(Response::File {
                            name: format!("KPB {year} ({}).xlsx", meta.status.name().to_lowercase()),
                            bytes,
                            mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
                        })
                    }
                    ExportKind::Network { id, name, min_clients } => Ok(Response::File {
                        name: format!("KPB {year} – {name} (nätverk).json"),
                        bytes: kpb::compare::network::write(report, (&id, &name), meta.status.name(), min_clients)
                            .into_bytes(),
                        mime: "application/json".into(),
                    }),
                    ExportKind::CsvZip => Ok(Response::File {
                        name: format!("KPB {year} – tabeller (CSV, {}).zip", meta.status.name().to_lowercase()),
                        bytes: crate::xlsx::write_csv_zip(&tables)?,
                        mime: "application/zip".into(),
                    }),
                    ExportKind::Csv(name) => {
                        let table =
                            tables.iter().find(|t| t.name == name).ok_or(format!("Tabellen {name} finns inte."))?;
                        Ok(Response::File {
                            name: format!("KPB {year} – {name} ({}).csv", meta.status.name().to_lowercase()),
                            bytes: kpb::export::csv(table),
                            mime: "text/csv;charset=utf-8".into(),
                        })
                    }
                }
            }
        }
    }

    /// Computes the main year (in full) and every other year (their figures), keeps the main
    /// report for the exports and answers with it.
    fn compute_all(settings: &Settings, read_ms: f64, load_ms: f64) -> Result<Response, String> {
        let start = now();
        let main = MAIN.with_borrow(|m| *m).ok_or("Inga filer är inlästa.")?;
        let years: BTreeMap<i32, Rc<Dataset>> = YEARS.with_borrow(Clone::clone);
        // The last report goes before the next is computed (memory, as above).
        REPORT.set(None);
        let report = kpb::compute(years.get(&main).ok_or("Inga filer är inlästa.")?, settings);
        // The main year may be set to another year in Inställningar: an other year of the
        // same number then gives way, so that no year is in the trends twice.
        let mut history: Vec<YearFigures> = years
            .iter()
            .filter(|(year, _)| **year != main && **year != report.year)
            .map(|(year, data)| {
                YearFigures::of(&kpb::compute(data, &Settings { year: Some(*year), ..settings.clone() }))
            })
            .collect();
        history.push(YearFigures::of(&report));
        history.sort_by_key(|h| h.year);
        let compute_ms = now() - start;
        // The page asks for its lists of clients a page at a time; the exports (made here) use
        // the whole report.
        let display = report.for_display();
        REPORT.set(Some(Rc::new(report)));
        let memory_bytes = wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length() as f64;
        Ok(Response::Done {
            report: Box::new(display),
            timing: Timing { read_ms, load_ms, compute_ms, memory_bytes },
            history,
        })
    }

    /// Milliseconds from the worker's clock.
    fn now() -> f64 {
        js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
            .map_or(0.0, |p| p.now())
    }

    fn read_files(message: &JsValue) -> Result<Vec<InputFile>, String> {
        let list: js_sys::Array = js_sys::Reflect::get(message, &"files".into())
            .map_err(|_| "Filerna saknas i begäran.".to_owned())?
            .unchecked_into();
        let reader =
            web_sys::FileReaderSync::new().map_err(|_| "Filerna kan inte läsas i den här webbläsaren.".to_owned())?;
        let mut files = Vec::with_capacity(list.length() as usize);
        for entry in list.iter() {
            let name =
                js_sys::Reflect::get(&entry, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
            let blob: web_sys::Blob = js_sys::Reflect::get(&entry, &"blob".into())
                .map_err(|_| format!("Filen {name} saknas."))?
                .unchecked_into();
            let buffer = reader.read_as_array_buffer(&blob).map_err(|_| format!("Filen {name} kunde inte läsas."))?;
            files.push(InputFile { name, bytes: js_sys::Uint8Array::new(&buffer).to_vec() });
        }
        Ok(files)
    }
}

//! The worker boundary: the page sends files and settings, the worker runs the engine and sends
//! the report back. This module is the only place where values cross to JavaScript with
//! `serde_wasm_bindgen`.
//!
//! A message to the worker is a JS object `{ req, files }`: `req` is a serialised [`Request`],
//! `files` an array of `{ name, blob }`. Files go to the worker as `Blob`s (structured clone, no
//! copy on the page) and are read there with `FileReaderSync`, so the page never holds their
//! bytes.

use kpb::Report;
use kpb::import::ImportSettings;
use kpb::settings::Settings;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// What the page asks of the worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Request {
    /// Read these files and compute. With `add_year`, the files are another year's: kept beside
    /// the main year for trends; otherwise they replace everything read before.
    Load { import: ImportSettings, settings: Settings, add_year: bool },
    /// Read reference files (Kolada, network partners, quality results), added to those before.
    LoadReference,
    /// Forget the reference files.
    ClearReference,
    /// Compute again on the files already read, with new settings.
    Compute { settings: Settings },
    /// Make an export file of the last report.
    Export { what: ExportKind, meta: kpb::export::Meta },
}

/// Which export file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// Every table in one Excel workbook.
    Workbook,
    /// One table as CSV, by its name.
    Csv(String),
    /// The aggregated file for a network (and for reporting to Kolada).
    Network { id: String, name: String, min_clients: u32 },
}

/// How long the worker took, and how much memory its engine holds (for the benchmarks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Reading the files (0 when only recomputing).
    pub load_ms: f64,
    pub compute_ms: f64,
    /// Size of the worker's WebAssembly memory, in bytes (its high-water mark: wasm memory
    /// never shrinks).
    pub memory_bytes: f64,
}

/// What the worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The worker has started and takes requests.
    Ready,
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
    /// A file to download.
    File {
        name: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
        mime: String,
    },
    Failed {
        message: String,
    },
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// The page's side: spawns the worker and delivers its answers to a callback.
pub struct Client {
    worker: web_sys::Worker,
    /// Messages sent before the worker said it is ready: a message that arrives before the
    /// worker's WebAssembly has started would be lost.
    waiting: Rc<RefCell<Option<Vec<JsValue>>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl Client {
    /// Starts the worker from `worker_loader.js` beside the page (a relative URL, so the app
    /// works from any sub-path).
    pub fn spawn(on_response: impl Fn(Response) + 'static) -> Result<Client, JsValue> {
        let worker = web_sys::Worker::new("./worker_loader.js")?;
        let waiting: Rc<RefCell<Option<Vec<JsValue>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let on_response = Rc::new(on_response);
        let (queue, target, respond) = (waiting.clone(), worker.clone(), on_response.clone());
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let response = serde_wasm_bindgen::from_value::<Response>(event.data()).unwrap_or_else(|e| {
                Response::Failed { message: format!("Svaret från beräkningen kunde inte läsas ({e}).") }
            });
            if response == Response::Ready {
                for message in queue.borrow_mut().take().unwrap_or_default() {
                    let _ = target.post_message(&message);
                }
                return;
            }
            respond(response);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            on_response(Response::Failed {
                message: format!("Beräkningen avbröts oväntat ({}). Ladda om sidan och försök igen.", event.message()),
            });
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Client { worker, waiting, _on_message: on_message, _on_error: on_error })
    }

    /// Sends a request, with files (name and content) when it is a [`Request::Load`].
    pub fn send(&self, request: &Request, files: &[(String, web_sys::Blob)]) -> Result<(), JsValue> {
        let message = js_sys::Object::new();
        js_sys::Reflect::set(&message, &"req".into(), &to_js(request))?;
        let list = js_sys::Array::new();
        for (name, blob) in files {
            let entry = js_sys::Object::new();
            js_sys::Reflect::set(&entry, &"name".into(), &name.into())?;
            js_sys::Reflect::set(&entry, &"blob".into(), blob)?;
            list.push(&entry);
        }
        js_sys::Reflect::set(&message, &"files".into(), &list)?;
        match self.waiting.borrow_mut().as_mut() {
            Some(queue) => {
                queue.push(message.into());
                Ok(())
            }
            None => self.worker.post_message(&message),
        }
    }
}

/// The worker's side: answers requests until the page goes away.
pub mod serve {
    use super::*;
    use kpb::compare::{RefData, YearFigures};
    use kpb::import::{Dataset, InputFile};
    use std::collections::BTreeMap;

    thread_local! {
        /// The files read, per year, kept so that a change of settings recomputes without
        /// reading again; and which year is the main one.
        static YEARS: RefCell<BTreeMap<i32, Dataset>> = const { RefCell::new(BTreeMap::new()) };
        static MAIN: RefCell<Option<i32>> = const { RefCell::new(None) };
        /// The last report of the main year, for the exports.
        static REPORT: RefCell<Option<Report>> = const { RefCell::new(None) };
        /// Reference data read so far.
        static REFERENCE: RefCell<RefData> = RefCell::new(RefData::default());
    }

    fn scope() -> web_sys::DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    fn post(response: &Response) {
        let _ = scope().post_message(&to_js(response));
    }

    /// Installs the message handler. Called once from the worker binary's `main`.
    pub fn run() {
        let handler = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
            let response = handle(&event.data()).unwrap_or_else(|message| Response::Failed { message });
            post(&response);
        });
        scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
        handler.forget();
        post(&Response::Ready);
    }

    fn handle(message: &JsValue) -> Result<Response, String> {
        let req = js_sys::Reflect::get(message, &"req".into()).map_err(|_| "Tomt meddelande.".to_owned())?;
        let request: Request =
            serde_wasm_bindgen::from_value(req).map_err(|e| format!("Felaktig begäran till beräkningen ({e})."))?;
        match request {
            Request::Load { import, settings, add_year } => {
                let files = read_files(message)?;
                let start = now();
                let data = kpb::import::load_with_progress(&files, &import, &mut |p| {
                    post(&Response::Progress {
                        message: format!("Läser {} …", p.file),
                        fraction: 0.05 + 0.75 * p.overall(),
                    });
                });
                drop(files);
                let load_ms = now() - start;
                let year = settings.year.filter(|_| !add_year).unwrap_or_else(|| kpb::compute::infer_year(&data));
                if add_year && MAIN.with(|m| *m.borrow() == Some(year)) {
                    return Err(format!(
                        "Filerna gäller {year}, samma år som de redan inlästa. Välj utdragen för ett annat år; nya filer för {year} läggs in under Import."
                    ));
                }
                YEARS.with(|y| {
                    let mut years = y.borrow_mut();
                    if !add_year {
                        years.clear();
                    }
                    years.insert(year, data);
                });
                if !add_year || MAIN.with(|m| m.borrow().is_none()) {
                    MAIN.with(|m| *m.borrow_mut() = Some(year));
                }
                post(&Response::Progress { message: "Beräknar …".into(), fraction: 0.85 });
                compute_all(&settings, load_ms)
            }
            Request::Compute { settings } => compute_all(&settings, 0.0),
            Request::LoadReference => {
                let files = read_files(message)?;
                let read = kpb::compare::load(&files);
                let all = REFERENCE.with(|r| {
                    r.borrow_mut().merge(read);
                    r.borrow().clone()
                });
                Ok(Response::Reference(Box::new(all)))
            }
            Request::ClearReference => {
                REFERENCE.with(|r| *r.borrow_mut() = RefData::default());
                Ok(Response::Reference(Box::default()))
            }
            Request::Export { what, meta } => REPORT.with(|r| {
                let report = r.borrow();
                let report = report.as_ref().ok_or("Det finns inget resultat att exportera.")?;
                let tables = kpb::export::tables(report, &meta);
                let year = report.year;
                match what {
                    ExportKind::Workbook => {
                        let bytes = kpb::export::xlsx(&tables, &meta, year)
                            .map_err(|e| format!("Excel-filen kunde inte skapas ({e})."))?;
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
                    ExportKind::Csv(name) => {
                        let table =
                            tables.iter().find(|t| t.name == name).ok_or(format!("Tabellen {name} finns inte."))?;
                        Ok(Response::File {
                            name: format!("KPB {year} – {name}.csv"),
                            bytes: kpb::export::csv(table),
                            mime: "text/csv;charset=utf-8".into(),
                        })
                    }
                }
            }),
        }
    }

    /// Computes the main year (in full) and every other year (their figures), keeps the main
    /// report for the exports and answers with it.
    fn compute_all(settings: &Settings, load_ms: f64) -> Result<Response, String> {
        let start = now();
        let main = MAIN.with(|m| *m.borrow()).ok_or("Inga filer är inlästa.")?;
        let (report, history) = YEARS.with(|y| {
            let years = y.borrow();
            let Some(report) = years.get(&main).map(|data| kpb::compute(data, settings)) else {
                return (None, Vec::new());
            };
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
            (Some(report), history)
        });
        let report = report.ok_or("Inga filer är inlästa.")?;
        let compute_ms = now() - start;
        // The page lists only the ytterfall and the most expensive clients; the exports (made
        // here) use the whole report.
        let display = report.for_display(100);
        REPORT.with(|r| *r.borrow_mut() = Some(report));
        let memory_bytes = wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length() as f64;
        Ok(Response::Done { report: Box::new(display), timing: Timing { load_ms, compute_ms, memory_bytes }, history })
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

//! The worker's side of the workbook module (`crates/xlsx`, built by `scripts/post-build.sh`
//! into `xlsx/` beside the worker's script): the engine's reading of workbooks and writing of the
//! .xlsx and zip exports, loaded the first time a workbook is read or written, not with the app.
//!
//! The module is a wasm-bindgen script with a global of its own (`kpb_xlsx`), so it loads beside
//! the worker's glue with `importScripts`; its wasm is fetched and compiled synchronously, which
//! a worker may do, so the engine's loader can call [`read_workbook`] as it meets a workbook.
//! The service worker keeps both files once fetched: offline, what the user has used still works.
//!
//! What goes wrong here is told to the user in Swedish; the browser's own explanation, in
//! English, goes to the console.

use kpb::export::{Meta, Table};
use kpb::import::sheet::Worksheet;
use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

const SCRIPT: &str = "xlsx/kpb_xlsx.js";
const WASM: &str = "xlsx/kpb_xlsx_bg.wasm";
/// How long fetching the module's wasm may take before the worker gives up (the worker waits).
const TIMEOUT_MS: u32 = 60_000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = kpb_xlsx, js_name = initSync, catch)]
    fn init_sync(module: &js_sys::Object) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = kpb_xlsx, js_name = read_workbook, catch)]
    fn module_read_workbook(name: &str, bytes: &[u8]) -> Result<Vec<u8>, JsValue>;
    #[wasm_bindgen(js_namespace = kpb_xlsx, js_name = write_xlsx, catch)]
    fn module_write_xlsx(tables: &[u8], meta: &[u8], year: i32) -> Result<Vec<u8>, JsValue>;
    #[wasm_bindgen(js_namespace = kpb_xlsx, js_name = write_csv_zip, catch)]
    fn module_write_csv_zip(tables: &[u8]) -> Result<Vec<u8>, JsValue>;
}

thread_local! {
    /// Whether the module's script has run: it may run only once (it declares its global with
    /// `let`), though fetching the wasm after it may fail and be tried again.
    static SCRIPT_RUN: Cell<bool> = const { Cell::new(false) };
    /// Whether the module is ready to be called.
    static LOADED: Cell<bool> = const { Cell::new(false) };
}

/// Why the module could not be used.
enum Failure {
    /// It could not be fetched or started (no network, most likely).
    Unavailable,
    /// It stopped on a file: a panic, or its memory ran out.
    Trapped,
    /// Its answer could not be read (a module of another version).
    Garbled,
}

fn log(what: &str, error: &JsValue) {
    web_sys::console::warn_2(&format!("Arbetsboksmodulen: {what}").into(), error);
}

/// Loads the module, once; after a failure (no network), again when next needed.
fn load() -> Result<(), Failure> {
    if LOADED.get() {
        return Ok(());
    }
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let address = |file: &'static str| crate::worker::beside_app(file).map_err(unavailable(file));
    let (script, wasm) = (address(SCRIPT)?, address(WASM)?);
    if !SCRIPT_RUN.get() {
        scope.import_scripts_1(&script).map_err(unavailable(SCRIPT))?;
        SCRIPT_RUN.set(true);
    }
    let request = web_sys::XmlHttpRequest::new().map_err(unavailable(WASM))?;
    request.open_with_async("GET", &wasm, false).map_err(unavailable(WASM))?;
    request.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
    request.set_timeout(TIMEOUT_MS);
    request.send().map_err(unavailable(WASM))?;
    let status = request.status().unwrap_or(0);
    if status != 200 {
        return Err(unavailable(WASM)(JsValue::from(status)));
    }
    let module = js_sys::Object::new();
    let bytes = request.response().map_err(unavailable(WASM))?;
    js_sys::Reflect::set(&module, &"module".into(), &bytes).map_err(unavailable(WASM))?;
    init_sync(&module).map_err(unavailable(WASM))?;
    LOADED.set(true);
    Ok(())
}

/// Fetching or starting the module failed.
fn unavailable(what: &'static str) -> impl Fn(JsValue) -> Failure {
    move |e| {
        log(what, &e);
        Failure::Unavailable
    }
}

/// A call into the module that threw: a trap, after which the module is used on (a panic leaves
/// it as it was; memory it could not get it never had).
fn trapped(error: JsValue) -> Failure {
    log("stannade", &error);
    Failure::Trapped
}

/// A [`kpb::import::sheet::WorkbookReader`]: the worksheets of the workbook `name`, or why not.
pub fn read_workbook(name: &str, bytes: &[u8]) -> Result<Vec<Worksheet>, String> {
    let read = || -> Result<Result<Vec<Worksheet>, String>, Failure> {
        load()?;
        let answer = module_read_workbook(name, bytes).map_err(trapped)?;
        kpb::import::sheet::decode_workbook(&answer).ok_or_else(|| {
            log("svaret kunde inte läsas", &JsValue::from(answer.len()));
            Failure::Garbled
        })
    };
    read().unwrap_or_else(|failure| {
        Err(match failure {
            Failure::Unavailable => format!(
                "Filen {name} kunde inte läsas: den del av appen som läser Excel-filer kunde inte hämtas. Den hämtas första gången en Excel-fil läses och fungerar sedan också utan internetanslutning. Spara filen som CSV (semikolonseparerad) och välj den i stället, eller välj den igen med internetanslutning."
            ),
            Failure::Trapped => {
                format!("Filen {name} kunde inte läsas som Excel-arbetsbok (den är skadad eller för stor).")
            }
            Failure::Garbled => format!(
                "Filen {name} kunde inte läsas: appen har uppdaterats medan den var öppen. Ladda om sidan och välj filen igen."
            ),
        })
    })
}

/// Every table as one .xlsx workbook.
pub fn write_xlsx(tables: &[Table], meta: &Meta, year: i32) -> Result<Vec<u8>, String> {
    write("Excel-filen", || module_write_xlsx(&to_json(tables), &to_json(meta), year))
}

/// Every table as CSV in one zip archive.
pub fn write_csv_zip(tables: &[Table]) -> Result<Vec<u8>, String> {
    write("Zip-filen", || module_write_csv_zip(&to_json(tables)))
}

/// An export made by the module: its bytes, or why not. The module's own errors are Swedish
/// text already.
fn write(what: &str, call: impl FnOnce() -> Result<Vec<u8>, JsValue>) -> Result<Vec<u8>, String> {
    load().map_err(|_| {
        format!(
            "{what} kunde inte skapas: den del av appen som skriver Excel- och zip-filer kunde inte hämtas. Försök igen med internetanslutning, eller ladda ned tabellerna en och en som CSV."
        )
    })?;
    call().map_err(|e| {
        e.as_string().unwrap_or_else(|| {
            log("stannade", &e);
            format!("{what} kunde inte skapas (för lite minne i webbläsaren?). Ladda ned tabellerna en och en som CSV.")
        })
    })
}

/// The engine's tables and meta serialise without fail (strings, numbers and `Decimal`s).
fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

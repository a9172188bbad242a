//! The worker's side of the workbook module (`crates/xlsx`, built by `scripts/post-build.sh`
//! into `xlsx/` beside the worker's script): the engine's reading of workbooks and writing of the
//! .xlsx and zip exports, loaded the first time a workbook is read or written, not with the app.
//!
//! The module is a wasm-bindgen script with a global of its own (`kpb_xlsx`), so it loads beside
//! the worker's glue with `importScripts`; its wasm is fetched and compiled synchronously, which
//! a worker may do, so the engine's loader can call [`read_workbook`] as it meets a workbook.
//! The service worker keeps both files once fetched: offline, what the user has used still works.

use kpb::export::{Meta, Table};
use kpb::import::sheet::Worksheet;
use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

const SCRIPT: &str = "xlsx/kpb_xlsx.js";
const WASM: &str = "xlsx/kpb_xlsx_bg.wasm";

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

/// Loads the module, once; after a failure (no network), again when next needed.
fn load() -> Result<(), String> {
    if LOADED.get() {
        return Ok(());
    }
    // The browser's own explanation (in English) goes to the console, not to the user.
    let failed = |what: &str, e: JsValue| {
        web_sys::console::warn_2(&format!("{what} kunde inte hämtas:").into(), &e);
        "Delen av appen som läser och skriver Excel-filer kunde inte hämtas. Den hämtas första gången den behövs; utan nät fungerar den bara om den har använts förut. Spara filen som CSV (semikolonseparerad) och välj den i stället, eller försök igen med nät.".to_owned()
    };
    // The worker runs from a `blob:` address: the module's are made absolute with the app's,
    // which the worker's script leaves in `kpbBase`.
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let base = js_sys::Reflect::get(&scope, &"kpbBase".into()).ok().and_then(|b| b.as_string()).unwrap_or_default();
    let address = |file: &str| web_sys::Url::new_with_base(file, &base).map(|u| u.href()).map_err(|e| failed(file, e));
    let (script, wasm) = (address(SCRIPT)?, address(WASM)?);
    if !SCRIPT_RUN.get() {
        scope.import_scripts_1(&script).map_err(|e| failed(SCRIPT, e))?;
        SCRIPT_RUN.set(true);
    }
    let request = web_sys::XmlHttpRequest::new().map_err(|e| failed(WASM, e))?;
    request.open_with_async("GET", &wasm, false).map_err(|e| failed(WASM, e))?;
    request.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
    request.send().map_err(|e| failed(WASM, e))?;
    let status = request.status().unwrap_or(0);
    if status != 200 {
        return Err(failed(WASM, JsValue::from_str(&format!("svar {status}"))));
    }
    let module = js_sys::Object::new();
    let bytes = request.response().map_err(|e| failed(WASM, e))?;
    js_sys::Reflect::set(&module, &"module".into(), &bytes).map_err(|e| failed(WASM, e))?;
    init_sync(&module).map_err(|e| failed(WASM, e))?;
    LOADED.set(true);
    Ok(())
}

/// A [`kpb::import::sheet::WorkbookReader`]: the worksheets of the workbook `name`, or why not.
pub fn read_workbook(name: &str, bytes: &[u8]) -> Result<Vec<Worksheet>, String> {
    load().map_err(|e| format!("Filen {name} kunde inte läsas. {e}"))?;
    // A trap in the module (a panic) is an exception here; the engine's own reader says the same
    // of a panic natively.
    let json = module_read_workbook(name, bytes)
        .map_err(|_| format!("Filen {name} kunde inte läsas som Excel-arbetsbok (den är skadad)."))?;
    serde_json::from_slice::<Result<Vec<Worksheet>, String>>(&json)
        .map_err(|e| format!("Filen {name} kunde inte läsas som Excel-arbetsbok ({e})."))?
}

/// Every table as one .xlsx workbook.
pub fn write_xlsx(tables: &[Table], meta: &Meta, year: i32) -> Result<Vec<u8>, String> {
    load()?;
    let (tables, meta) = (to_json(tables)?, to_json(meta)?);
    module_write_xlsx(&tables, &meta, year).map_err(|e| message(e, "Excel-filen kunde inte skapas."))
}

/// Every table as CSV in one zip archive.
pub fn write_csv_zip(tables: &[Table]) -> Result<Vec<u8>, String> {
    load()?;
    module_write_csv_zip(&to_json(tables)?).map_err(|e| message(e, "Zip-filen kunde inte skapas."))
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, String> {
    serde_json::to_vec(value).map_err(|e| format!("Exporten kunde inte förberedas ({e})."))
}

/// The module's own message (a `String` it returned as an error), or `otherwise` after a trap.
fn message(error: JsValue, otherwise: &str) -> String {
    error.as_string().unwrap_or_else(|| otherwise.to_owned())
}

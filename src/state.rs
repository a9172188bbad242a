//! The session's shared state, provided as context: the files, the user's choices, the report.
//!
//! Only choices are remembered between visits (column and insats mappings, settings) – in the
//! browser's localStorage, never data.

use crate::worker::{Client, Request, RequestId, Response};
use kpb::Report;
use kpb::client_list::{ClientPage, ClientQuery};
use kpb::export::Status as ResultStatus;
use kpb::import::ImportSettings;
use kpb::settings::Settings;
use leptos::prelude::*;
use serde::{Serialize, de::DeserializeOwned};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Files chosen by the user (or fetched for the example): name and content.
pub type Files = Vec<(String, web_sys::Blob)>;

/// Where the computation stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Busy {
    Idle,
    Working { message: String, fraction: f64 },
    Failed(String),
}

/// The views of the app, in the order of the navigation. Each is a module of `src/views/` and a
/// component of the same name, and has its address, `#/` and its [`View::slug`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    Start,
    Import,
    Kontroll,
    Installningar,
    Nyckeltal,
    Enheter,
    Manad,
    Ytterfall,
    Fordelning,
    Brukarmix,
    Export,
    Jamforelse,
    OverTid,
    Natverk,
    Kvalitet,
    /// The printable report (reached from Export, not in the navigation).
    Rapport,
}

impl View {
    pub const ALL: [View; 16] = [
        View::Start,
        View::Import,
        View::Kontroll,
        View::Installningar,
        View::Nyckeltal,
        View::Enheter,
        View::Manad,
        View::Ytterfall,
        View::Fordelning,
        View::Brukarmix,
        View::Export,
        View::Jamforelse,
        View::OverTid,
        View::Natverk,
        View::Kvalitet,
        View::Rapport,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            View::Start => "start",
            View::Import => "import",
            View::Kontroll => "kontroll",
            View::Installningar => "installningar",
            View::Nyckeltal => "nyckeltal",
            View::Enheter => "enheter",
            View::Manad => "manad",
            View::Ytterfall => "ytterfall",
            View::Fordelning => "fordelning",
            View::Brukarmix => "brukarmix",
            View::Export => "export",
            View::Jamforelse => "jamforelse",
            View::OverTid => "over-tid",
            View::Natverk => "natverk",
            View::Kvalitet => "kvalitet",
            View::Rapport => "rapport",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            View::Start => "Start",
            View::Import => "Import",
            View::Kontroll => "Kontroll",
            View::Installningar => "Inställningar",
            View::Nyckeltal => "Nyckeltal",
            View::Enheter => "Enheter",
            View::Manad => "Månadsuppföljning",
            View::Ytterfall => "Ytterfall",
            View::Fordelning => "Kostnadsfördelning",
            View::Brukarmix => "Brukarmix",
            View::Export => "Export och rapport",
            View::Jamforelse => "Jämför med andra",
            View::OverTid => "Över tid",
            View::Natverk => "Nätverk",
            View::Kvalitet => "Kostnad och kvalitet",
            View::Rapport => "Rapport",
        }
    }

    pub fn from_hash(hash: &str) -> View {
        let slug = hash.trim_start_matches('#').trim_start_matches('/');
        View::ALL.into_iter().find(|v| v.slug() == slug).unwrap_or(View::Start)
    }

    /// Whether the view needs a computed report.
    pub fn needs_report(self) -> bool {
        !matches!(self, View::Start | View::Import)
    }
}

/// A file the user has chosen, as listed on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Chosen {
    pub name: String,
    /// In bytes.
    pub size: f64,
}

/// A file the worker made, to be saved by the browser.
#[derive(Clone, Debug, PartialEq)]
pub struct Download {
    pub name: String,
    pub bytes: Arc<Vec<u8>>,
    pub mime: String,
}

/// The session, shared through context. All fields are reactive handles (cheap to copy).
#[derive(Clone, Copy)]
pub struct Session {
    pub view: RwSignal<View>,
    pub busy: RwSignal<Busy>,
    pub report: RwSignal<Option<Arc<Report>>>,
    pub import: RwSignal<ImportSettings>,
    /// The import choices for the example data: none but the key, to begin with; changed in
    /// the session only (see [`Session::update_import`]).
    example_import: RwSignal<ImportSettings>,
    pub settings: RwSignal<Settings>,
    pub status: RwSignal<ResultStatus>,
    /// Who validated and when, as typed under Kontroll.
    pub validation: RwSignal<kpb::export::Validation>,
    pub organisation: RwSignal<String>,
    /// Whether the session's files are the example data shipped with the app.
    pub example: RwSignal<bool>,
    /// The files chosen, in order (their names and sizes, for the list on the page).
    pub chosen: RwSignal<Vec<Chosen>>,
    /// The names of the files that the last files chosen replaced, having the same names: said
    /// on the page, since a file of another content under the same name (another half year, say)
    /// is then no longer read.
    pub replaced: RwSignal<Vec<String>>,
    /// The files of the session (name, content), kept to read them again after a mapping change.
    files: StoredValue<Files, LocalStorage>,
    client: StoredValue<Option<Rc<Client>>, LocalStorage>,
    /// A download the worker produced, waiting to be handed to the browser.
    pub download: RwSignal<Option<Download>>,
    /// How many reports have arrived (shown on the page for the end-to-end tests to wait on).
    pub generation: RwSignal<u32>,
    /// How long the worker took for the last report.
    pub timing: RwSignal<crate::worker::Timing>,
    /// Whether the worker has started and warmed up (shown on the page: the browser benchmark
    /// chooses its files once it has, as a user would some seconds after opening the page).
    pub worker_ready: RwSignal<bool>,
    /// Where the page's fetch of Kolada's groups stands (`crate::groups`).
    pub groups: RwSignal<crate::groups::Status>,
    /// Set when new files are chosen: the next report opens the Import view.
    show_import: RwSignal<bool>,
    /// Every year read (figures only), for the trends.
    pub history: RwSignal<Vec<kpb::compare::YearFigures>>,
    /// Other years' files, kept to read them again after a change of mapping.
    other_years: StoredValue<Vec<Files>, LocalStorage>,
    /// Another year's files, by the request that reads them: kept once the worker has read
    /// them (not if refused).
    years_in_flight: StoredValue<BTreeMap<RequestId, Files>, LocalStorage>,
    /// The requests for a page of a list of brukare not yet answered, and whom to give the answer.
    list_pages: StoredValue<BTreeMap<RequestId, GivePage>, LocalStorage>,
    /// Kolada values, network partners' files and quality results.
    pub reference: RwSignal<Arc<kpb::compare::RefData>>,
    /// How many times reference data has arrived (for the end-to-end tests).
    pub reference_generation: RwSignal<u32>,
    /// Who the own municipality is and what to compare with (remembered: choices, not data).
    pub compare_settings: RwSignal<kpb::compare::CompareSettings>,
}

/// Who gets the answer to a request for a page of a list of brukare: the page, or why there is
/// none.
type GivePage = Box<dyn FnOnce(Result<ClientPage, String>)>;

const IMPORT_KEY: &str = "kpb.import.v1";
const SETTINGS_KEY: &str = "kpb.settings.v1";
const COMPARE_KEY: &str = "kpb.compare.v2";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn remembered<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

fn remember<T: Serialize>(key: &str, value: &T) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = s.set_item(key, &text);
    }
}

impl Session {
    /// Creates the session, restores remembered choices and starts the worker.
    pub fn new() -> Session {
        let mut import: ImportSettings = remembered(IMPORT_KEY).unwrap_or_default();
        import.pseudonym_key = session_key();
        import.reference_year = this_year();
        let session = Session {
            view: RwSignal::new(View::from_hash(&location_hash())),
            busy: RwSignal::new(Busy::Idle),
            report: RwSignal::new(None),
            example_import: RwSignal::new(ImportSettings {
                pseudonym_key: import.pseudonym_key.clone(),
                reference_year: import.reference_year,
                ..ImportSettings::default()
            }),
            import: RwSignal::new(import),
            settings: RwSignal::new(Settings { year: None, ..remembered(SETTINGS_KEY).unwrap_or_default() }),
            status: RwSignal::new(ResultStatus::Preliminar),
            validation: RwSignal::new(Default::default()),
            organisation: RwSignal::new(String::new()),
            example: RwSignal::new(false),
            chosen: RwSignal::new(Vec::new()),
            replaced: RwSignal::new(Vec::new()),
            files: StoredValue::new_local(Vec::new()),
            client: StoredValue::new_local(None),
            download: RwSignal::new(None),
            generation: RwSignal::new(0),
            timing: RwSignal::new(Default::default()),
            worker_ready: RwSignal::new(false),
            groups: RwSignal::new(crate::groups::Status::initial()),
            show_import: RwSignal::new(false),
            history: RwSignal::new(Vec::new()),
            other_years: StoredValue::new_local(Vec::new()),
            years_in_flight: StoredValue::new_local(BTreeMap::new()),
            list_pages: StoredValue::new_local(BTreeMap::new()),
            reference: RwSignal::new(Arc::new(Default::default())),
            reference_generation: RwSignal::new(0),
            compare_settings: RwSignal::new(
                remembered(COMPARE_KEY)
                    .unwrap_or_else(|| kpb::compare::CompareSettings { min_clients: 5, ..Default::default() }),
            ),
        };
        let client = Client::spawn(
            move |id, response| session.receive(id, response),
            move || session.worker_ready.set(true),
            move |message| session.crashed(message),
        );
        let client = client.ok().map(Rc::new);
        if client.is_none() {
            session.busy.set(Busy::Failed("Webbläsaren kunde inte starta beräkningen (Web Worker).".into()));
        }
        session.client.set_value(client);
        session
    }

    /// An answer from the worker to the request `id`.
    fn receive(&self, id: RequestId, response: Response) {
        if let Some(give) = self.list_pages.try_update_value(|pages| pages.remove(&id)).flatten() {
            match response {
                Response::Clients(page) => give(Ok(page)),
                Response::Failed { message } => give(Err(message)),
                _ => {}
            }
            return;
        }
        if response.is_final() {
            let year = self.years_in_flight.try_update_value(|years| years.remove(&id)).flatten();
            if let (Some(files), Response::Done { .. }) = (year, &response) {
                self.other_years.update_value(|y| y.push(files));
            }
        }
        match response {
            Response::Progress { message, fraction } => self.busy.set(Busy::Working { message, fraction }),
            Response::Done { report, timing, history } => {
                self.timing.set(timing);
                self.history.set(history);
                self.report.set(Some(Arc::new(*report)));
                self.busy.set(Busy::Idle);
                self.generation.update(|g| *g += 1);
                // New files: show what became of them.
                if self.show_import.get_untracked() {
                    self.show_import.set(false);
                    self.go(View::Import);
                }
            }
            Response::File { name, bytes, mime } => {
                self.busy.set(Busy::Idle);
                self.download.set(Some(Download { name, bytes: Arc::new(bytes), mime }));
            }
            Response::Failed { message } => self.busy.set(Busy::Failed(message)),
            // Answered above, to whoever asked.
            Response::Clients(_) => {}
            Response::Reference(data) => {
                self.busy.set(Busy::Idle);
                self.reference.set(Arc::new(*data));
                self.reference_generation.update(|g| *g += 1);
            }
        }
    }

    /// The worker died and a fresh one holds nothing read before: forget the results here too.
    /// The chosen files stay listed under Import, so that the one that caused it can be removed
    /// before they are read again (not at once: it could die again).
    fn crashed(&self, message: String) {
        self.worker_ready.set(false);
        self.other_years.set_value(Vec::new());
        self.report.set(None);
        self.history.set(Vec::new());
        self.reference.set(Arc::default());
        self.busy.set(Busy::Failed(message));
    }

    /// Sends a request; its id when it was sent.
    fn send(&self, request: &Request, files: &[(String, web_sys::Blob)]) -> Option<RequestId> {
        self.try_send(request, files).map_err(|message| self.busy.set(Busy::Failed(message))).ok()
    }

    /// Sends a request; its id, or why it could not be sent.
    fn try_send(&self, request: &Request, files: &[(String, web_sys::Blob)]) -> Result<RequestId, String> {
        match self.client.with_value(|c| c.as_ref().map(|c| c.send(request, files))) {
            Some(Ok(id)) => Ok(id),
            Some(Err(_)) => Err("Begäran kunde inte skickas till beräkningen.".into()),
            None => Err("Beräkningen är inte igång (Web Worker saknas).".into()),
        }
    }

    /// Adds files the user chose to the session's files (a file of the same name as one
    /// before replaces it) and reads them all. Choosing files in several goes adds them. Own
    /// files never join the example's: the first own file replaces them.
    pub fn add_files(&self, files: Files) {
        if files.is_empty() {
            return;
        }
        let mut all = if self.example.get_untracked() { Vec::new() } else { self.files.get_value() };
        let mut replaced = Vec::new();
        for (name, blob) in files {
            match all.iter_mut().find(|(n, _)| *n == name) {
                Some(same) => {
                    same.1 = blob;
                    replaced.push(name);
                }
                None => all.push((name, blob)),
            }
        }
        if self.set_files_checked(all) {
            self.replaced.set(replaced);
        }
    }

    /// Replaces the file at `index` (in the order chosen) by another.
    pub fn replace_file(&self, index: usize, file: (String, web_sys::Blob)) {
        let mut all = self.files.get_value();
        if index < all.len() {
            let name = file.0.clone();
            all[index] = file;
            // Another file of the same name gives way to the new one.
            let mut i = 0;
            all.retain(|(n, _)| {
                i += 1;
                *n != name || i - 1 == index
            });
            self.set_files_checked(all);
        }
    }

    /// Removes the file at `index` (in the order chosen) and reads the others again.
    pub fn remove_file(&self, index: usize) {
        let mut all = self.files.get_value();
        if index < all.len() {
            all.remove(index);
            self.set_files(all, self.example.get_untracked());
        }
    }

    /// Forgets every file chosen and what was computed from them.
    pub fn clear_files(&self) {
        self.set_files(Vec::new(), false);
    }

    /// Loads the example municipality's files, in place of any others.
    pub fn load_example(&self, files: Files) {
        self.set_files(files, true);
    }

    /// Makes `files` the session's own files, unless they are too large for the browser: then
    /// the files before stay, and the page says why. Whether they were taken.
    fn set_files_checked(&self, files: Files) -> bool {
        match crate::worker::too_large(&files) {
            Some(message) => {
                self.busy.set(Busy::Failed(message));
                false
            }
            None => {
                self.set_files(files, false);
                true
            }
        }
    }

    /// Makes `files` the session's files (other years go) and reads them.
    fn set_files(&self, files: Files, example: bool) {
        self.replaced.set(Vec::new());
        self.chosen.set(files.iter().map(|(name, blob)| Chosen { name: name.clone(), size: blob.size() }).collect());
        self.files.set_value(files);
        // Leaving the example: its invented comparison files and identity go with it.
        if self.example.get_untracked() && !example {
            self.clear_reference();
            self.compare_settings.update(|c| {
                if c.own_id == "9999" {
                    c.own_id.clear();
                    c.own_name.clear();
                }
            });
        }
        self.example.set(example);
        self.other_years.set_value(Vec::new());
        // Years still being read belonged to the files before.
        self.years_in_flight.update_value(BTreeMap::clear);
        // New data has not been checked, and its year is its own.
        self.status.set(ResultStatus::Preliminar);
        self.validation.set(Default::default());
        self.settings.update(|s| s.year = None);
        if self.has_files() {
            self.show_import.set(true);
            self.reload();
        } else {
            self.report.set(None);
            self.history.set(Vec::new());
            self.busy.set(Busy::Idle);
        }
    }

    /// The import choices to read the session's files with: the user's own, or for the
    /// example data its own (a mapping saved for the municipality's own files never applies to
    /// the example, nor one edited on the example to the own files).
    fn import_choices(&self) -> ImportSettings {
        if self.example.get_untracked() { self.example_import.get_untracked() } else { self.import.get_untracked() }
    }

    /// Reads another year's files, kept beside the main year for the trends.
    pub fn add_year(&self, files: Files) {
        if files.is_empty() {
            return;
        }
        self.busy.set(Busy::Working {
            message: format!("Läser ett annat års {} …", files_in_words(files.len())),
            fraction: 0.02,
        });
        let request =
            Request::Load { import: self.import_choices(), settings: self.settings.get_untracked(), add_year: true };
        if let Some(id) = self.send(&request, &files) {
            self.years_in_flight.update_value(|years| {
                years.insert(id, files);
            });
        }
    }

    /// Reads the session's files again (after a change of mapping) and computes.
    pub fn reload(&self) {
        let files = self.files.get_value();
        if files.is_empty() {
            return;
        }
        self.busy.set(Busy::Working { message: format!("Läser {} …", files_in_words(files.len())), fraction: 0.02 });
        let (import, settings) = (self.import_choices(), self.settings.get_untracked());
        self.send(&Request::Load { import: import.clone(), settings: settings.clone(), add_year: false }, &files);
        for other in self.other_years.get_value() {
            self.send(&Request::Load { import: import.clone(), settings: settings.clone(), add_year: true }, &other);
        }
    }

    /// Reads reference files (Kolada, network partners, quality results).
    pub fn load_reference(&self, files: Files) {
        if files.is_empty() {
            return;
        }
        self.busy.set(Busy::Working { message: "Läser jämförelsefilerna …".into(), fraction: 0.3 });
        let key = self.import.with_untracked(|i| i.pseudonym_key.clone());
        self.send(&Request::LoadReference { key }, &files);
    }

    pub fn clear_reference(&self) {
        self.send(&Request::ClearReference, &[]);
    }

    /// Changes the comparison choices and remembers them.
    pub fn update_compare_settings(&self, change: impl FnOnce(&mut kpb::compare::CompareSettings)) {
        self.compare_settings.update(change);
        self.compare_settings.with_untracked(|c| remember(COMPARE_KEY, c));
    }

    /// Whether files have been chosen in this session.
    pub fn has_files(&self) -> bool {
        self.files.with_value(|f| !f.is_empty())
    }

    /// Changes the import choices and reads the files again. Choices made for the
    /// municipality's own files are remembered; choices made while showing the example data
    /// (a mapping edited in a demonstration) hold for the example in this session only.
    pub fn update_import(&self, change: impl FnOnce(&mut ImportSettings)) {
        if self.example.get_untracked() {
            self.example_import.update(change);
        } else {
            self.import.update(change);
            self.import.with_untracked(|i| {
                let mut saved = i.clone();
                saved.pseudonym_key.clear();
                remember(IMPORT_KEY, &saved);
            });
        }
        self.reload();
    }

    /// The import choices in use: the own files', or the example's.
    pub fn choices(&self) -> RwSignal<ImportSettings> {
        if self.example.get() { self.example_import } else { self.import }
    }

    /// Changes the settings, remembers them and recomputes at once.
    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) {
        self.settings.update(change);
        let settings = self.settings.get_untracked();
        // The year belongs to the files, not to the user: next year's files have their own.
        // So does the month the follow-up is shown through.
        remember(SETTINGS_KEY, &Settings { year: None, monthly_through: None, ..settings.clone() });
        if self.report.with_untracked(Option::is_some) {
            self.busy.set(Busy::Working { message: "Räknar om …".into(), fraction: 0.5 });
            self.send(&Request::Compute { settings }, &[]);
        }
    }

    /// Asks for a page of a list of brukare of the report shown; `give` gets the page, or why
    /// there is none. (Not the page's busy state: a list says itself that it is waiting.)
    pub fn client_page(&self, query: ClientQuery, give: impl FnOnce(Result<ClientPage, String>) + 'static) {
        match self.try_send(&Request::Clients(query), &[]) {
            Ok(id) => self.list_pages.update_value(|pages| {
                pages.insert(id, Box::new(give));
            }),
            Err(message) => give(Err(message)),
        }
    }

    /// Asks the worker for an export file.
    pub fn export(&self, what: crate::worker::ExportKind) {
        self.busy.set(Busy::Working { message: "Skapar filen …".into(), fraction: 0.5 });
        let meta = untrack(|| self.meta());
        self.send(&Request::Export { what, meta }, &[]);
    }

    /// What exports and the printed report say about themselves: organisation, status, now.
    pub fn meta(&self) -> kpb::export::Meta {
        kpb::export::Meta {
            organisation: self.organisation.get(),
            status: self.status.get(),
            validation: self.validation.get(),
            created: now(),
        }
    }

    /// Shows a view (and puts it in the address, so that back and forward work).
    pub fn go(&self, view: View) {
        self.view.set(view);
        if let Some(w) = web_sys::window() {
            let _ = w.location().set_hash(&format!("/{}", view.slug()));
            w.scroll_to_with_x_and_y(0.0, 0.0);
            // Keyboard and screen reader users land in the new view's content, not on the page's
            // body (where the button that led here, now gone, leaves them).
            let main = w.document().and_then(|d| d.get_element_by_id("innehall"));
            if let Some(main) = main.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = main.focus();
            }
        }
    }
}

impl Default for Session {
    fn default() -> Session {
        Session::new()
    }
}

fn location_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
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

fn now() -> (u16, u8, u8, u8, u8) {
    let d = js_sys::Date::new_0();
    (d.get_full_year() as u16, d.get_month() as u8 + 1, d.get_date() as u8, d.get_hours() as u8, d.get_minutes() as u8)
}

/// The files of a file list, by name.
pub fn named_files(list: &web_sys::FileList) -> Files {
    (0..list.length()).filter_map(|i| list.get(i)).map(|f| (f.name(), f.unchecked_into::<web_sys::Blob>())).collect()
}

/// The files chosen in a file input's change event; the input is emptied so that choosing the
/// same files again is a change too.
pub fn chosen_files(ev: &leptos::ev::Event) -> Files {
    let input: web_sys::HtmlInputElement = leptos::prelude::event_target(ev);
    let files = input.files().map(|l| named_files(&l)).unwrap_or_default();
    input.set_value("");
    files
}

/// The session from context.
pub fn session() -> Session {
    expect_context::<Session>()
}

/// "1 fil", "3 filer".
pub fn files_in_words(n: usize) -> String {
    if n == 1 { "1 fil".to_owned() } else { format!("{n} filer") }
}

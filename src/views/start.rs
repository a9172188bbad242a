//! Start: what the tool does, why no data leaves the computer, files in, example data,
//! templates and a short guide.

use crate::state::{View, named_files, session};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The example municipality's files, shipped with the app under `exempel/`.
pub const EXAMPLE_FILES: [&str; 6] =
    ["kostnader.csv", "brukare.csv", "mappning.csv", "konton.csv", "platser.csv", "befolkning.csv"];

/// The templates under `mallar/`: file, what it is.
const TEMPLATES: [(&str, &str); 6] = [
    ("kostnader.csv", "Kostnader – utdrag ur ekonomisystemet"),
    ("brukare.csv", "Brukarstatistik – utdrag ur verksamhetssystemet"),
    ("mappning.csv", "Mappning – ansvar till insats och enhet"),
    ("konton.csv", "Kontotyper – vilka intäkter som dras av"),
    ("platser.csv", "Platser per boende (valfri)"),
    ("befolkning.csv", "Befolkning per ålder (valfri)"),
];

#[component]
pub fn Start() -> impl IntoView {
    let s = session();
    let example = move |_| {
        s.busy.set(crate::state::Busy::Working { message: "Hämtar exempeldata …".into(), fraction: 0.02 });
        s.organisation.set("Exempelkommun".into());
        leptos::task::spawn_local(async move {
            match fetch_files("exempel", &EXAMPLE_FILES).await {
                Ok(files) => s.load_example(files),
                Err(e) => s.busy.set(crate::state::Busy::Failed(e)),
            }
        });
    };
    view! {
        <section aria-labelledby="start-rubrik" class="view">
            <h1 id="start-rubrik">"Vad kostar varje insats och varje brukare?"</h1>
            <p class="lead">
                "Lägg in årets utdrag ur ekonomisystemet och verksamhetssystemet. Verktyget räknar ut kostnaden per insats, "
                "per enhet och per brukare enligt SKR:s metod för kostnad per brukare (KPB), nyckeltalen (KPB:s och de av Koladas som underlaget räcker till), "
                "de dyraste brukarna (ytterfall) och hur kostnaden fördelar sig – och visar hur varje siffra räknades."
            </p>
            <div class="privacy" data-testid="privacy">
                <h2>"Inga uppgifter lämnar datorn"</h2>
                <p>
                    "Filerna läses och räknas här, i din webbläsare. Sidan skickar dem aldrig någonstans: den får inte ens "
                    "kontakta någon annan server (det förbjuder sidans säkerhetsregler, Content-Security-Policy), och efter att "
                    "den laddats hämtar den bara sina egna filer. Personnummer byts mot en pseudonym redan när filen läses. "
                    "När sidan väl har laddats fungerar den även utan nätverk."
                </p>
            </div>
            <FilePicker />
            <div class="actions">
                <button class="secondary" data-testid="example" on:click=example>
                    "Prova med exempeldata"
                </button>
                <span class="hint">"Exempelkommun: en påhittad kommun med hemtjänst, boenden, LSS och några fel att hitta."</span>
            </div>
            <div class="columns">
                <section aria-labelledby="guide-rubrik">
                    <h2 id="guide-rubrik">"Så här gör du"</h2>
                    <ol class="guide">
                        <li>
                            <strong>"Ta ut utdragen. "</strong>
                            "Kostnader för året per ansvar, verksamhet och konto ur ekonomisystemet, och brukarstatistik per brukare, insats och period ur verksamhetssystemet."
                        </li>
                        <li>
                            <strong>"Beskriv organisationen. "</strong>
                            "En mappning säger vilken insats och enhet varje ansvar hör till, eller att det är en gemensam kostnad. Kontotyperna säger vilka intäkter som dras av."
                        </li>
                        <li>
                            <strong>"Lägg in filerna. "</strong>
                            "CSV eller Excel. Känns en kolumn inte igen väljer du själv vilken det är; valet sparas till nästa år."
                        </li>
                        <li>
                            <strong>"Kontrollera. "</strong>
                            "Rätta det som kontrollen hittar, stäm av mot huvudboken och markera resultatet som validerat."
                        </li>
                        <li>
                            <strong>"Använd resultatet. "</strong>
                            "Nyckeltal, enheter sida vid sida, ytterfall, kostnadsfördelning – och export till Excel eller en utskrift för nämnden."
                        </li>
                    </ol>
                </section>
                <section aria-labelledby="mallar-rubrik">
                    <h2 id="mallar-rubrik">"Mallar"</h2>
                    <p>"Filer med rätt kolumner och ett exempel per fil (CSV, öppnas i Excel):"</p>
                    <ul class="templates">
                        {TEMPLATES
                            .into_iter()
                            .map(|(file, what)| {
                                view! {
                                    <li>
                                        <a href=format!("mallar/{file}") download=file>
                                            {file}
                                        </a>
                                        " – "
                                        {what}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            </div>
            <p class="hint">
                <a
                    href="#/import"
                    on:click=move |ev| {
                        ev.prevent_default();
                        s.go(View::Import);
                    }
                >
                    "Till importen"
                </a>
            </p>
        </section>
    }
}

/// Shown in a result view before any file has been read.
#[component]
pub fn NoData() -> impl IntoView {
    let s = session();
    view! {
        <section class="view">
            <h1>"Inga resultat ännu"</h1>
            <p>"Lägg in filerna, eller prova med exempeldata, så visas resultaten här."</p>
            <button on:click=move |_| s.go(View::Start)>"Till start"</button>
        </section>
    }
}

/// Drop zone and file chooser.
#[component]
pub fn FilePicker() -> impl IntoView {
    let s = session();
    let dragging = RwSignal::new(false);
    let take = move |list: Option<web_sys::FileList>| {
        if let Some(list) = list {
            s.add_files(named_files(&list));
        }
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
            <p class="drop-title">"Släpp filerna här"</p>
            <p>"eller"</p>
            <label class="button">
                "Välj filer"
                <input
                    type="file"
                    multiple
                    accept=".csv,.txt,.tsv,.xlsx,.xls,.ods"
                    data-testid="file-input"
                    class="visually-hidden"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        take(input.files());
                        input.set_value("");
                    }
                />
            </label>
            <p class="hint">"Kostnader, brukarstatistik, mappning och kontotyper – CSV eller Excel. Välj alla på en gång eller i flera omgångar: filerna läggs till."</p>
        </div>
    }
}

/// Fetches files shipped with the app from its own origin, under `dir/`.
pub async fn fetch_files(dir: &str, names: &[&str]) -> Result<crate::state::Files, String> {
    let window = web_sys::window().ok_or("Ingen webbläsare.")?;
    let mut files = Vec::new();
    for name in names {
        let fail = || format!("Exempelfilen {name} kunde inte hämtas.");
        let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&format!("{dir}/{name}")))
            .await
            .map_err(|_| fail())?;
        let response: web_sys::Response = response.unchecked_into();
        if !response.ok() {
            return Err(fail());
        }
        let blob =
            wasm_bindgen_futures::JsFuture::from(response.blob().map_err(|_| fail())?).await.map_err(|_| fail())?;
        let short = name.rsplit('/').next().unwrap_or(name);
        files.push((short.to_owned(), blob.unchecked_into()));
    }
    Ok(files)
}

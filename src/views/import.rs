//! Import: what each file was recognised as, a preview, the column mapping when headers were not
//! recognised, and the mapping of local insats names to the catalogue. Choices are remembered.

use crate::state::{View, session};
use crate::views::Fold;
use kpb::format;
use kpb::import::schema::FileKind;
use kpb::import::{FileReport, FileStatus};
use kpb::model::{Insats, normalise};
use kpb::pseudonym::contains_personnummer;
use leptos::prelude::*;

#[component]
pub fn Import() -> impl IntoView {
    let s = session();
    view! {
        <section class="view" aria-labelledby="import-rubrik">
            <h1 id="import-rubrik">"Import"</h1>
            {move || {
                let report = s.report.get();
                if s.chosen.with(Vec::is_empty) && report.is_none() {
                    return view! {
                        <p>"Inga filer är inlästa ännu."</p>
                        <crate::views::start::FilePicker />
                    }
                    .into_any();
                }
                let Some(r) = report else {
                    // Files chosen, no result (being read, or the reading failed): the list, so
                    // that a file can be removed or replaced.
                    return view! {
                        <Replaced />
                        <FileTable />
                        <crate::views::start::FilePicker />
                    }
                    .into_any();
                };
                let unknown = r.unknown_insatser.clone();
                let attention = |f: &FileReport| {
                    matches!(f.status, FileStatus::NeedsMapping | FileStatus::Unreadable | FileStatus::Duplicate)
                };
                let needs = r.files.iter().any(attention);
                let (to_fix, fine): (Vec<FileReport>, Vec<FileReport>) = r.files.iter().cloned().partition(attention);
                view! {
                    <p class="lead">
                        {match r.files.len() {
                            1 => "1 fil läst.".to_owned(),
                            n => format!("{n} filer lästa."),
                        }}
                        {if needs {
                            " Någon fil behöver hjälp: se nedan."
                        } else {
                            " Alla filer kändes igen."
                        }}
                    </p>
                    <p class="year-basis" data-testid="import-year">{format!("År: {}.", r.year_basis)}</p>
                    {r.findings
                        .iter()
                        .find(|f| f.kind.is_year_question())
                        .map(|f| {
                            view! {
                                <div class="notice warn" data-testid="confirm-year">
                                    <p>{f.message()}</p>
                                    <button class="small secondary" on:click=move |_| s.go(View::Installningar)>
                                        "Bekräfta året under Inställningar"
                                    </button>
                                </div>
                            }
                        })}
                    <Replaced />
                    <FileTable />
                    <div class="file-list">
                        {to_fix.into_iter().map(|f| view! { <FileCard file=f /> }).collect_view()}
                    </div>
                    {(!fine.is_empty())
                        .then(|| {
                            // (The cards hold a preview and a select per column each.)
                            view! {
                                <Fold class="file-details" summary="Förhandsvisning och kolumner för de inlästa filerna">
                                    <div class="file-list">
                                        {fine.iter().cloned().map(|f| view! { <FileCard file=f /> }).collect_view()}
                                    </div>
                                </Fold>
                            }
                        })}
                    {(!unknown.is_empty()).then(|| {
                        // Beyond the most common names, only their number: said under the table.
                        let more = r.findings.iter().find(|f| f.kind.code() == "manga-okanda-insatser").map(|f| f.message());
                        view! { <InsatsMapping unknown=unknown more=more /> }
                    })}
                    <crate::views::mapping::MappingEditor />
                    <crate::views::start::FilePicker />
                    <div class="actions">
                        <button data-testid="to-check" on:click=move |_| s.go(View::Kontroll)>
                            "Fortsätt till kontrollen"
                        </button>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}

fn status_of(status: FileStatus) -> (&'static str, &'static str) {
    match status {
        FileStatus::Read => ("ok", "Inläst"),
        FileStatus::NeedsMapping => ("warn", "Behöver kolumnval"),
        FileStatus::Unreadable => ("error", "Kunde inte läsas"),
        FileStatus::Replaced => ("info", "Används inte (ersatt)"),
        FileStatus::Duplicate => ("error", "Dubblett, läses inte"),
    }
}

/// The files the last choice replaced, having the same names as files chosen before.
#[component]
fn Replaced() -> impl IntoView {
    let s = session();
    move || {
        let names: Vec<String> =
            s.replaced
                .get()
                .iter()
                .map(|n| {
                    if contains_personnummer(n) {
                        "en fil vars namn har ett personnummer".to_owned()
                    } else {
                        n.clone()
                    }
                })
                .collect();
        (!names.is_empty()).then(|| {
            let text = match names.as_slice() {
                [one] => format!(
                    "{one} ersatte filen med samma namn som valdes förut; den tidigare läses inte längre. Var det en annan fil (till exempel andra månader)? Byt då namn på en av dem och välj båda igen, så läses båda."
                ),
                [first @ .., last] => format!(
                    "{} och {last} ersatte filerna med samma namn som valdes förut; de tidigare läses inte längre. Var det andra filer (till exempel andra månader)? Byt då namn på en av varje par och välj alla igen, så läses alla.",
                    first.join(", ")
                ),
                [] => String::new(),
            };
            view! {
                <div class="notice warn" role="status" data-testid="replaced-files">
                    <p>{text}</p>
                </div>
            }
        })
    }
}

/// Every file chosen on a line: what it was recognised as, how much of it was used, and buttons
/// to replace or remove it; then the mappings saved in the browser, with whether they were used.
#[component]
fn FileTable() -> impl IntoView {
    let s = session();
    let rows = move || {
        let chosen = s.chosen.get();
        let report = s.report.get();
        let files = report.as_ref().map(|r| r.files.clone()).unwrap_or_default();
        // The report lists the files in the order sent (names with a personnummer masked), then
        // the saved mappings.
        let same = |name: &str, read: &FileReport| read.name == name || contains_personnummer(name);
        let mut rows: Vec<(Option<usize>, String, Option<f64>, Option<FileReport>)> = chosen
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let read = files.get(i).filter(|f| same(&c.name, f)).cloned();
                let shown = match &read {
                    Some(f) => f.name.clone(),
                    None if contains_personnummer(&c.name) => format!("Fil {} (namnet har ett personnummer)", i + 1),
                    None => c.name.clone(),
                };
                (Some(i), shown, Some(c.size), read)
            })
            .collect();
        rows.extend(files.iter().skip(chosen.len()).map(|f| (None, f.name.clone(), None, Some(f.clone()))));
        rows
    };
    view! {
        <div class="scroll">
            <table class="file-table" data-testid="file-table">
                <thead>
                    <tr>
                        <th scope="col">"Fil"</th>
                        <th scope="col">"Känd som"</th>
                        <th scope="col" class="num">"Rader"</th>
                        <th scope="col" class="num">"Använda"</th>
                        <th scope="col" class="num">"Ej använda"</th>
                        <th scope="col" class="num">"Anmärkning"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Åtgärder"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        rows()
                            .into_iter()
                            .map(|(index, name, size, read)| {
                                let (class, text) = read.as_ref().map_or(("info", "Läses …"), |f| status_of(f.status));
                                let count = |n: Option<u32>| n.map(format::count).unwrap_or_default();
                                let f = read.as_ref();
                                view! {
                                    <tr data-testid="file-row">
                                        <th scope="row" class="file-name">
                                            {name.clone()}
                                            {size.map(|b| view! { <span class="size">{crate::worker::size_in_words(b)}</span> })}
                                        </th>
                                        <td>{f.and_then(|f| f.kind).map_or("–", |k| k.short_name())}</td>
                                        <td class="num">{count(f.map(|f| f.rows))}</td>
                                        <td class="num">{count(f.map(|f| f.rows_used))}</td>
                                        <td class="num" class:bad={f.is_some_and(|f| f.rows_not_used() > 0)}>
                                            {count(f.map(FileReport::rows_not_used))}
                                        </td>
                                        <td class="num">{count(f.map(|f| f.rows_flagged))}</td>
                                        <td>
                                            <span class=format!("pill {class}") data-testid="file-status">{text}</span>
                                        </td>
                                        <td class="file-actions">
                                            {index.map(|i| view! { <FileActions index=i name=name.clone() /> })}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
        <div class="actions">
            <button class="secondary" data-testid="clear-files" on:click=move |_| s.clear_files()>
                "Ta bort alla filer"
            </button>
        </div>
    }
}

/// Replace or remove one chosen file.
#[component]
fn FileActions(
    /// The file's place in the order chosen.
    index: usize,
    /// Its name, for the buttons' accessible names.
    name: String,
) -> impl IntoView {
    let s = session();
    let replace = move |ev: leptos::ev::Event| {
        if let Some(file) = crate::state::chosen_files(&ev).into_iter().next() {
            s.replace_file(index, file);
        }
    };
    view! {
        <label class="button small secondary" title=format!("Byt ut {name}")>
            "Byt ut"
            <input
                type="file"
                accept=".csv,.txt,.tsv,.xlsx,.xls,.ods"
                class="visually-hidden"
                data-testid="replace-file"
                aria-label=format!("Byt ut {name}")
                on:change=replace
            />
        </label>
        <button
            class="small secondary"
            data-testid="remove-file"
            aria-label=format!("Ta bort {name}")
            on:click=move |_| s.remove_file(index)
        >
            "Ta bort"
        </button>
    }
}

/// What became of every line of a file: they add up to its lines.
fn lines_summary(f: &FileReport) -> String {
    if f.status != FileStatus::Read {
        return "Inte läst".to_owned();
    }
    if f.lines == 0 {
        return format!("{} rader, {} använda", format::count(f.rows), format::count(f.rows_used));
    }
    let mut parts = vec![format!(
        "{} rader: {} använda, {} ej använda (med fel)",
        format::count(f.lines),
        format::count(f.rows_used),
        format::count(f.rows_not_used())
    )];
    parts.push(format!(
        "{} rubrik{}",
        format::count(f.header_line),
        if f.header_line > 1 { " och rader ovanför" } else { "" }
    ));
    if f.blank > 0 {
        parts.push(format!("{} tomma", format::count(f.blank)));
    }
    if f.continued > 0 {
        parts.push(format!("{} fortsättningsrader", format::count(f.continued)));
    }
    parts.join(", ")
}

#[component]
fn FileCard(file: FileReport) -> impl IntoView {
    let s = session();
    let name = file.name.clone();
    let status = status_of(file.status);
    let kind_name = name.clone();
    let on_kind = move |ev| {
        let value = event_target_value(&ev);
        let kind = FileKind::ALL.into_iter().find(|k| format!("{k:?}") == value);
        let file = kind_name.clone();
        s.update_import(move |i| match kind {
            Some(k) => {
                i.kinds.insert(file, k);
            }
            None => {
                i.kinds.remove(&file);
            }
        });
    };
    let details = [
        file.encoding.clone().map(|e| format!("Teckenkodning: {e}")),
        file.delimiter.clone().map(|d| format!("Avgränsare: {d}")),
        file.sheet.clone().map(|b| format!("Blad: {b}")),
        Some(lines_summary(&file)),
    ];
    let kind = file.kind;
    let mapping = kind
        .filter(|_| !matches!(file.status, FileStatus::Unreadable | FileStatus::Duplicate))
        .map(|k| view! { <ColumnMapping file=file.clone() kind=k /> });
    // What was found about the file as a whole (not one of its rows): why it was not read.
    let about: Vec<String> = s.report.with_untracked(|r| {
        r.as_ref()
            .map(|r| {
                r.findings
                    .iter()
                    .filter(|f| f.pos.file == name && f.pos.column.is_none() && f.severity != kpb::Severity::Info)
                    .filter(|f| f.pos.line.is_none() || f.pos.line == Some(file.header_line))
                    .map(kpb::Finding::message)
                    .collect()
            })
            .unwrap_or_default()
    });
    view! {
        <article class="file-card" data-testid="file-card">
            <header>
                <h2>{name.clone()}</h2>
                <span class=format!("pill {}", status.0)>{status.1}</span>
            </header>
            <p class="meta">{details.into_iter().flatten().collect::<Vec<_>>().join(" · ")}</p>
            {(!about.is_empty()).then(|| view! {
                <ul class="file-about">{about.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
            })}
            <label class="field">
                <span>"Filtyp"</span>
                <select on:change=on_kind data-testid="file-kind">
                    <option value="" selected=kind.is_none()>
                        "– välj –"
                    </option>
                    {FileKind::ALL
                        .into_iter()
                        .map(|k| {
                            view! {
                                <option value=format!("{k:?}") selected=kind == Some(k)>
                                    {k.name()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            {(!file.preview.is_empty()).then(|| view! { <Preview file=file.clone() /> })}
            {mapping}
        </article>
    }
}

#[component]
fn Preview(file: FileReport) -> impl IntoView {
    view! {
        <details class="preview" open=file.status != FileStatus::Read>
            <summary>"Förhandsvisning av de första raderna"</summary>
            <div class="scroll">
                <table>
                    <thead>
                        <tr>
                            {file.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {file
                            .preview
                            .iter()
                            .map(|row| view! { <tr>{row.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}

/// For each column of the kind: which header of the file it is read from.
#[component]
fn ColumnMapping(file: FileReport, kind: FileKind) -> impl IntoView {
    let s = session();
    // A column that must be there, and columns of which one must be there.
    let single: Vec<&str> = kind.required().iter().filter(|g| g.len() == 1).map(|g| g[0]).collect();
    let one_of: Vec<&str> = kind.required().iter().filter(|g| g.len() > 1).flat_map(|g| g.iter().copied()).collect();
    let has_group = !one_of.is_empty();
    let open = file.status == FileStatus::NeedsMapping;
    let rows = kind
        .fields()
        .iter()
        .map(|field| {
            let current = file.columns.iter().find(|c| c.0 == field.key).and_then(|c| c.2.clone());
            let headers = file.headers.clone();
            let key = field.key.to_owned();
            let on_change = move |ev| {
                let value = event_target_value(&ev);
                let key = key.clone();
                s.update_import(move |i| {
                    let map = i.columns.entry(kind).or_default();
                    if value.is_empty() {
                        map.remove(&key);
                    } else {
                        map.insert(key, value);
                    }
                });
            };
            let marker = if single.contains(&field.key) {
                Some((" *", "Krävs"))
            } else if one_of.contains(&field.key) {
                Some((" †", "En av kolumnerna märkta † krävs"))
            } else {
                None
            };
            view! {
                <tr>
                    <th scope="row">
                        {field.label}
                        {marker.map(|(m, title)| view! { <span class="req" title=title>{m}</span> })}
                        <span class="help">{field.help}</span>
                    </th>
                    <td>
                        <select
                            on:change=on_change
                            aria-label=format!("Kolumn för {}", field.label)
                            data-testid=format!("column-{}", field.key)
                        >
                            <option value="" selected=current.is_none()>
                                "– saknas –"
                            </option>
                            {headers
                                .into_iter()
                                .map(|h| {
                                    let selected = current.as_deref() == Some(h.as_str());
                                    view! {
                                        <option value=h.clone() selected=selected>
                                            {h.clone()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="mapping" open=open data-testid="column-mapping">
            <summary>"Kolumner"</summary>
            <p class="hint">
                "Välj vilken kolumn i filen som är vad. Valet sparas i webbläsaren till nästa gång (bara valet, aldrig data). * = krävs."
                {has_group.then_some(" † = minst en av dessa krävs.")}
            </p>
            <table class="form-table">
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

/// Local insats names that matched nothing: choose the catalogue insats for each.
#[component]
fn InsatsMapping(unknown: Vec<kpb::import::UnknownInsats>, more: Option<String>) -> impl IntoView {
    let s = session();
    view! {
        <section class="insats-mapping" aria-labelledby="insats-rubrik" data-testid="insats-mapping">
            <h2 id="insats-rubrik">"Insatser som inte känns igen"</h2>
            <p class="hint">"Koppla varje lokalt namn till en insats i katalogen. Kopplingen sparas till nästa år. Tills dess räknas raderna inte."</p>
            {more.map(|text| view! {
                <p class="notice warn" data-testid="more-unknown-insatser">
                    {format!("{text} Här visas de {} vanligaste namnen.", format::count(unknown.len() as u32))}
                </p>
            })}
            <div class="scroll">
            <table class="form-table">
                <thead>
                    <tr>
                        <th scope="col">"Lokalt namn"</th>
                        <th scope="col" class="num">"Rader"</th>
                        <th scope="col">"Första förekomst"</th>
                        <th scope="col">"Insats i katalogen"</th>
                    </tr>
                </thead>
                <tbody>
                    {unknown
                        .into_iter()
                        .map(|u| {
                            let text = u.text.clone();
                            let on_change = move |ev| {
                                let code = event_target_value(&ev);
                                let key = normalise(&text);
                                s.update_import(move |i| {
                                    if code.is_empty() {
                                        i.insats_map.remove(&key);
                                    } else {
                                        i.insats_map.insert(key, code);
                                    }
                                });
                            };
                            view! {
                                <tr>
                                    <th scope="row">{u.text.clone()}</th>
                                    <td class="num">{u.rows}</td>
                                    <td>{u.first.to_string()}</td>
                                    <td>
                                        <select on:change=on_change aria-label=format!("Insats för {}", u.text)>
                                            <option value="">"– välj –"</option>
                                            <option value=kpb::import::EXCLUDED_INSATS>"Ingår inte i KPB"</option>
                                            {Insats::all()
                                                .map(|i| view! { <option value=i.code()>{i.name()}</option> })
                                                .collect_view()}
                                        </select>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            </div>
        </section>
    }
}

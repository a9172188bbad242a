//! The mapping editor: which insats and enhet each ansvar belongs to (or that it is a common
//! cost), and what each konto is. Edited here, saved in the browser (only the mapping, never
//! data) and used instead of a mapping file from then on; also downloadable as CSV.

use crate::state::session;
use crate::views::Fold;
use kpb::import::schema::FileKind;
use kpb::mapping::{KontoTyp, MappingRow, konto_csv, mapping_csv};
use kpb::model::Insats;
use leptos::prelude::*;

/// How many rows the editor shows at once (use the filter for the rest).
const SHOWN: usize = 150;

#[component]
pub fn MappingEditor() -> impl IntoView {
    let s = session();
    let report = s.report.get_untracked();
    let rows = RwSignal::new(report.as_ref().map(|r| r.mapping.clone()).unwrap_or_default());
    let konton = RwSignal::new(report.as_ref().map(|r| r.konto_rules.clone()).unwrap_or_default());
    let unmapped = report.as_ref().map(|r| r.unmapped.clone()).unwrap_or_default();
    let filter = RwSignal::new(String::new());
    let changed = RwSignal::new(false);
    let open = RwSignal::new(!unmapped.is_empty());
    let saved = move || {
        s.choices().with(|i| i.saved.contains_key(&FileKind::Mappning) || i.saved.contains_key(&FileKind::Konton))
    };
    // Which mapping the result used: the saved one, or a file read (which wins over it).
    let used_saved = move || {
        s.report.with(|r| {
            r.as_ref().is_some_and(|r| {
                r.files.iter().any(|f| {
                    f.status == kpb::import::FileStatus::Read
                        && [FileKind::Mappning, FileKind::Konton]
                            .iter()
                            .any(|k| f.name == kpb::import::saved_file_name(*k))
                })
            })
        })
    };

    let save = move |_| {
        let mapping = rows.with_untracked(|r| mapping_csv(r));
        let konto = konton.with_untracked(|k| konto_csv(k));
        changed.set(false);
        // Tied to the files it was edited from: another mapping file read later wins over it.
        let from = |kind: FileKind| {
            s.report.with_untracked(|r| {
                r.as_ref()
                    .and_then(|r| {
                        r.files.iter().find(|f| {
                            f.kind == Some(kind) && f.digest.is_some() && f.name != kpb::import::saved_file_name(kind)
                        })
                    })
                    .and_then(|f| f.digest.clone())
            })
        };
        let (mapping_from, konto_from) = (from(FileKind::Mappning), from(FileKind::Konton));
        s.update_import(move |i| {
            i.saved.insert(FileKind::Mappning, mapping);
            i.saved.insert(FileKind::Konton, konto);
            for (kind, digest) in [(FileKind::Mappning, mapping_from), (FileKind::Konton, konto_from)] {
                match digest {
                    Some(d) => i.saved_from.insert(kind, d),
                    None => i.saved_from.remove(&kind),
                };
            }
        });
    };
    let forget = move |_| {
        s.update_import(|i| {
            for kind in [FileKind::Mappning, FileKind::Konton] {
                i.saved.remove(&kind);
                i.saved_from.remove(&kind);
            }
        })
    };
    let download = move |_| {
        let text = format!("\u{feff}{}", rows.with_untracked(|r| mapping_csv(r)));
        crate::download::save("mappning.csv", text.as_bytes(), "text/csv;charset=utf-8");
        let text = format!("\u{feff}{}", konton.with_untracked(|k| konto_csv(k)));
        crate::download::save("konton.csv", text.as_bytes(), "text/csv;charset=utf-8");
    };
    let add = move |ansvar: String| {
        rows.update(|r| r.push(MappingRow { ansvar, ..MappingRow::default() }));
        changed.set(true);
        open.set(true);
    };

    view! {
        <section class="mapping-editor" aria-labelledby="mappning-rubrik" data-testid="mapping-editor">
            <h2 id="mappning-rubrik">"Mappning och kontotyper"</h2>
            <p class="hint">
                "Vilken insats och enhet varje ansvar hör till, eller att det är en gemensam kostnad (på enhetens, områdets eller förvaltningens nivå) eller ligger utanför KPB. "
                "Ändringar sparas i webbläsaren – bara mappningen, aldrig data – och gäller i stället för mappningsfilen de gjordes utifrån, tills du tar bort dem eller läser in en annan mappningsfil. Med exempeldata gäller ändringarna bara exemplet, och bara tills sidan laddas om. "
                "Fördelning: direkt = kostnaden hör till insatsen vid enheten; enhet, område eller förvaltning = gemensam kostnad som fördelas på den nivån."
            </p>
            {move || match (saved(), used_saved()) {
                (true, true) => Some(view! {
                    <p class="pill-line" data-testid="saved-mapping-used">
                        <span class="pill info">"Sparad mappning används"</span>
                        " Den gäller i stället för mappnings- och kontotypsfilerna den ändrades utifrån, och när ingen sådan fil läses in."
                    </p>
                }.into_any()),
                (true, false) => Some(view! {
                    <p class="pill-line" data-testid="saved-mapping-unused">
                        <span class="pill warn">"Sparad mappning används inte"</span>
                        " Filerna som lästes in gäller: de är andra än de den sparade mappningen ändrades utifrån. Spara igen för att ändra dem."
                    </p>
                }.into_any()),
                _ => None,
            }}
            {(!unmapped.is_empty())
                .then(|| {
                    view! {
                        <div class="unmapped" data-testid="unmapped">
                            <h3>"Ansvar som saknas i mappningen"</h3>
                            <ul>
                                {unmapped
                                    .iter()
                                    .map(|(ansvar, amount)| {
                                        let a = ansvar.clone();
                                        view! {
                                            <li>
                                                {format!("{ansvar} ({} kr) ", kpb::format::kr(*amount))}
                                                <button class="small secondary" on:click=move |_| add(a.clone())>
                                                    "Lägg till"
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })}
            // (Hundreds of rows of selects: built once opened.)
            <Fold
                class="mapping-tables"
                open=open
                summary=move || format!("Mappningen ({} rader) och kontotyperna ({} rader)", rows.with(Vec::len), konton.with(Vec::len))
            >
            <div class="toolbar">
                <label class="field">
                    <span>"Filtrera"</span>
                    <input type="text" placeholder="ansvar, enhet eller område" prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev)) />
                </label>
                <button class="secondary" on:click=move |_| add(String::new())>"Ny rad"</button>
            </div>
            <div class="scroll mapping-scroll">
                <table class="compact edit-table">
                    <thead>
                        <tr>
                            <th scope="col">"Ansvar"</th>
                            <th scope="col">"Verksamhet"</th>
                            <th scope="col">"Fördelning"</th>
                            <th scope="col">"Insats"</th>
                            <th scope="col">"Enhet"</th>
                            <th scope="col">"Enhetsnamn"</th>
                            <th scope="col">"Område"</th>
                            <th scope="col">"Regi"</th>
                            <th scope="col"><span class="visually-hidden">"Ta bort"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let needle = filter.get().to_lowercase();
                            rows.get()
                                .into_iter()
                                .enumerate()
                                .filter(|(_, r)| needle.is_empty() || r.cells().iter().any(|c| c.to_lowercase().contains(&needle)))
                                .take(SHOWN)
                                .map(|(i, r)| view! { <RuleRow index=i row=r rows=rows changed=changed /> })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
            <p class="hint">{move || format!("{} rader{}.", rows.with(Vec::len), if rows.with(Vec::len) > SHOWN { format!("; de första {SHOWN} som passar filtret visas") } else { String::new() })}</p>
            <h3>"Kontotyper"</h3>
            <p class="hint">"Konton som inte står här: 5000–5999 personalkostnad, övriga från 4000 kostnad."</p>
            <div class="scroll">
            <table class="compact edit-table">
                <thead>
                    <tr>
                        <th scope="col">"Konto från"</th>
                        <th scope="col">"Konto till"</th>
                        <th scope="col">"Kontotyp"</th>
                        <th scope="col"><span class="visually-hidden">"Ta bort"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        konton
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, r)| {
                                let typ = r[2].clone();
                                let cell = move |col: usize, label: &'static str| {
                                    let value = r[col].clone();
                                    view! {
                                        <td>
                                            <input
                                                type="text"
                                                aria-label=label
                                                prop:value=value
                                                on:change=move |ev| {
                                                    let v = event_target_value(&ev);
                                                    konton.update(|k| k[i][col] = v);
                                                    changed.set(true);
                                                }
                                            />
                                        </td>
                                    }
                                };
                                view! {
                                    <tr>
                                        {cell(0, "Konto från")}
                                        {cell(1, "Konto till")}
                                        <td>
                                            <select
                                                aria-label="Kontotyp"
                                                on:change=move |ev| {
                                                    let v = event_target_value(&ev);
                                                    konton.update(|k| k[i][2] = v);
                                                    changed.set(true);
                                                }
                                            >
                                                {KontoTyp::ALL
                                                    .into_iter()
                                                    .map(|k| view! { <option value=k.name() selected=typ == k.name()>{k.name()}</option> })
                                                    .collect_view()}
                                            </select>
                                        </td>
                                        <td>
                                            <button class="small secondary" aria-label="Ta bort raden" on:click=move |_| {
                                                konton.update(|k| { k.remove(i); });
                                                changed.set(true);
                                            }>"×"</button>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            </div>
            <button class="secondary" on:click=move |_| {
                konton.update(|k| k.push([String::new(), String::new(), "kostnad".into()]));
                changed.set(true);
            }>"Nytt konto"</button>
            </Fold>
            <div class="actions">
                <button data-testid="save-mapping" on:click=save disabled=move || !changed.get()>"Spara och räkna om"</button>
                <button class="secondary" on:click=download>"Ladda ned som CSV"</button>
                {move || saved().then(|| view! { <button class="secondary" on:click=forget>"Ta bort sparad mappning"</button> })}
            </div>
        </section>
    }
}

/// One editable row of the mapping.
#[component]
fn RuleRow(index: usize, row: MappingRow, rows: RwSignal<Vec<MappingRow>>, changed: RwSignal<bool>) -> impl IntoView {
    type Field = fn(&mut MappingRow) -> &mut String;
    let set = move |field: Field, value: String| {
        rows.update(|r| *field(&mut r[index]) = value);
        changed.set(true);
    };
    let text = move |field: Field, label: &'static str, value: String| {
        view! {
            <td>
                <input type="text" aria-label=label prop:value=value on:change=move |ev| set(field, event_target_value(&ev)) />
            </td>
        }
    };
    let MappingRow { ansvar, verksamhet, insats, enhet, enhet_name, omrade, regi, fordelning } = row;
    view! {
        <tr>
            {text(|r| &mut r.ansvar, "Ansvar", ansvar)}
            {text(|r| &mut r.verksamhet, "Verksamhet", verksamhet)}
            <td>
                <select aria-label="Fördelning" on:change=move |ev| set(|r| &mut r.fordelning, event_target_value(&ev))>
                    {[("", "direkt"), ("enhet", "enhet"), ("område", "område"), ("förvaltning", "förvaltning"), ("exkludera", "utanför KPB")]
                        .into_iter()
                        .map(|(v, label)| view! { <option value=v selected=fordelning == v>{label}</option> })
                        .collect_view()}
                </select>
            </td>
            <td>
                <select aria-label="Insats" on:change=move |ev| set(|r| &mut r.insats, event_target_value(&ev))>
                    <option value="" selected=insats.is_empty()>"–"</option>
                    {Insats::all()
                        .map(|i| view! { <option value=i.code() selected=insats == i.code()>{i.name()}</option> })
                        .collect_view()}
                </select>
            </td>
            {text(|r| &mut r.enhet, "Enhet", enhet)}
            {text(|r| &mut r.enhet_name, "Enhetsnamn", enhet_name)}
            {text(|r| &mut r.omrade, "Område", omrade)}
            <td>
                <select aria-label="Regi" on:change=move |ev| set(|r| &mut r.regi, event_target_value(&ev))>
                    <option value="" selected=regi != "annan">"egen"</option>
                    <option value="annan" selected=regi == "annan">"annan"</option>
                </select>
            </td>
            <td>
                <button class="small secondary" aria-label="Ta bort raden" on:click=move |_| {
                    rows.update(|r| { r.remove(index); });
                    changed.set(true);
                }>"×"</button>
            </td>
        </tr>
    }
}

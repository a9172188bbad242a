//! One module per view of the app, named as the view is in the address (`#/kontroll` is
//! `kontroll`, `#/over-tid` is `over_tid`) and as its [`crate::state::View`]; its component has
//! the same name. `mapping` is not a view: the mapping editor, part of Import.

pub mod brukarmix;
pub mod enheter;
pub mod export;
pub mod fordelning;
pub mod import;
pub mod installningar;
pub mod jamforelse;
pub mod kontroll;
pub mod kvalitet;
pub mod manad;
pub mod mapping;
pub mod natverk;
pub mod nyckeltal;
pub mod over_tid;
pub mod rapport;
pub mod start;
pub mod ytterfall;

use leptos::prelude::*;

/// A `<details>` whose content is built when it is first opened, and kept after. Closed, a
/// view's explanations and chart tables would be laid out on every result unseen: at a million
/// rows by month, Enheter held 51 000 elements, 39 000 of them folded, and each view took up to a
/// second to show (docs/BENCHMARKS.md). (What is folded is not found by the browser's search
/// until opened.) `open` tells, and sets, whether it is open; without it, it opens closed. Drawn
/// again (new data), it keeps its element but comes closed, with its content made anew once
/// opened.
#[component]
pub fn Fold<S: IntoView + 'static>(
    #[prop(into)] class: String,
    /// What the `<summary>` says.
    summary: S,
    #[prop(optional)] open: Option<RwSignal<bool>>,
    children: ChildrenFn,
) -> impl IntoView {
    let open = open.unwrap_or_else(|| RwSignal::new(false));
    // Opened once: true from then on.
    let built = Memo::new(move |before: Option<&bool>| before.copied().unwrap_or(false) || open.get());
    view! {
        <details
            class=class
            prop:open=move || open.get()
            on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())
        >
            <summary>{summary}</summary>
            {move || built.get().then(|| children())}
        </details>
    }
}

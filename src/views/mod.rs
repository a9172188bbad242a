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
use std::cell::RefCell;
use std::collections::HashSet;

thread_local! {
    /// The folds open now, by their [`Fold`]'s `keep`.
    static KEPT_OPEN: RefCell<HashSet<String>> = RefCell::default();
}

/// A `<details>` whose content is built when it is first opened, and kept after. Closed, a
/// view's explanations and chart tables would be built on every result unseen: at a million
/// rows by month, Enheter held 51 000 elements, 39 000 of them folded, and each view took up to a
/// second to show (docs/BENCHMARKS.md). (What is folded is not found by the browser's search
/// until opened.) `open` tells, and sets, whether it is open; without it, it opens closed. Drawn
/// anew (other data, another setting), a fold with a `keep` name is open as it was; one
/// without, closed.
#[component]
pub fn Fold<S: IntoView + 'static>(
    #[prop(into)] class: String,
    /// What the `<summary>` says.
    summary: S,
    #[prop(optional)] open: Option<RwSignal<bool>>,
    /// A name the fold keeps when drawn anew (a chart's id).
    #[prop(optional, into)]
    keep: Option<String>,
    children: ChildrenFn,
) -> impl IntoView {
    let was_open = keep.as_ref().is_some_and(|k| KEPT_OPEN.with_borrow(|open| open.contains(k)));
    let open = open.unwrap_or_else(|| RwSignal::new(was_open));
    // Opened once: true from then on.
    let built = Memo::new(move |before: Option<&bool>| before.copied().unwrap_or(false) || open.get());
    let toggled = move |ev: web_sys::Event| {
        let now = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
        open.set(now);
        if let Some(k) = &keep {
            KEPT_OPEN.with_borrow_mut(|open| if now { open.insert(k.clone()) } else { open.remove(k) });
        }
    };
    view! {
        <details class=class prop:open=move || open.get() on:toggle=toggled>
            <summary>{summary}</summary>
            {move || built.get().then(|| children())}
        </details>
    }
}

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

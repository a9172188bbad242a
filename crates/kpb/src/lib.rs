//! # kpb — Kostnad per brukare
//!
//! The KPB engine: the SKR method (KPB.md) from the files a municipality has to a typed,
//! reconciled result. Bytes in, typed results out; deterministic; no I/O, no clock, no
//! randomness (the pseudonym key comes from the caller); money in [`rust_decimal::Decimal`].
//!
//! The pipeline:
//!
//! 1. [`import::load`] reads the files (CSV in any common Swedish shape, `.xlsx`) into a
//!    [`import::Dataset`]: typed ledger and volume rows, the mappings, and findings for every
//!    row that could not be read. Personnummer are replaced by pseudonyms here.
//! 2. [`compute::compute`] runs SKR's six steps (the private module `steps`, one module per
//!    step: catalogue, place, volumes, allocate, unit_costs, client_costs, validate,
//!    reconcile), each a function from values to values, then the figures on the clients'
//!    costs (nyckeltal, Kolada's N-KPIs, ytterfall, distribution, brukarmix), and builds the
//!    [`report::Report`] once from the results.
//!
//! ```
//! use kpb::{ImportSettings, InputFile, Settings};
//!
//! let files = [
//!     InputFile { name: "kostnader.csv".into(), bytes: "Ansvar;Konto;Belopp;Insats\n4110;5011;1 000 000;Hemtjänst\n".into() },
//!     InputFile { name: "brukare.csv".into(), bytes: "Brukare;Insats;Enhet;Beviljad tid\nA;Hemtjänst;4110;1500\nB;Hemtjänst;4110;500\n".into() },
//! ];
//! let data = kpb::load(&files, &ImportSettings::default());
//! let report = kpb::compute(&data, &Settings::default());
//! let hemtjanst = report.nyckeltal.iter().find(|n| n.id == "U21003").unwrap();
//! assert_eq!(hemtjanst.value, Some(500.into()));
//! assert_eq!(report.reconciliation.difference, 0.into());
//! ```

pub mod client_list;
pub mod compare;
pub mod compute;
pub mod date;
pub mod export;
pub mod finding;
pub mod format;
pub mod import;
pub mod mapping;
pub mod model;
pub mod pseudonym;
pub mod reference;
pub mod report;
pub mod settings;
mod steps;

pub use compute::compute;
pub use finding::{Finding, Position, Severity};
#[cfg(feature = "xlsx")]
pub use import::load;
pub use import::{Dataset, ImportSettings, InputFile};
pub use model::{Insats, Regi};
pub use report::Report;
pub use settings::Settings;

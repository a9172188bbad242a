//! The KPB web app: renders and orchestrates; all KPB arithmetic is in the `kpb` crate, run in a
//! Web Worker (see [`worker`]).

pub mod app;
pub mod charts;
pub mod download;
pub mod state;
pub mod views;
pub mod worker;
pub mod xlsx;

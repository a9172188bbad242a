//! The KPB web app: renders and orchestrates; all KPB arithmetic is in the `kpb` crate, run in a
//! Web Worker (see [`worker`]).

pub mod app;
pub mod worker;

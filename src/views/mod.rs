//! One module per view of the app.

pub mod check;
pub mod comparison;
pub mod distribution;
pub mod export;
pub mod import;
pub mod mapping;
pub mod mix;
pub mod network;
pub mod nyckeltal;
pub mod quality;
pub mod report;
pub mod settings;
pub mod start;
pub mod trends;
pub mod units;
pub mod ytterfall;

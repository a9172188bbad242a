//! The KPB web app: renders and orchestrates; all KPB arithmetic is in the `kpb` crate, run in a
//! Web Worker (see [`worker`]).

// The app's WebAssembly is built with SIMD (.cargo/config.toml; public/boot.js tells a browser
// without it) and Leptos' erase_components (a page a quarter smaller). A RUSTFLAGS in the
// environment replaces that file's flags: stop, not drop them.
#[cfg(all(target_arch = "wasm32", not(target_feature = "simd128")))]
compile_error!("build the wasm with .cargo/config.toml's rustflags (target-feature=+simd128); RUSTFLAGS replaces them");
#[cfg(all(target_arch = "wasm32", not(erase_components)))]
compile_error!("build the wasm with .cargo/config.toml's rustflags (--cfg erase_components); RUSTFLAGS replaces them");

pub mod app;
pub mod charts;
pub mod download;
pub mod groups;
pub mod state;
pub mod views;
pub mod worker;
pub mod xlsx;

//! The Web Worker's entry point: runs the engine on the files the page sends.

fn main() {
    console_error_panic_hook::set_once();
    kpb_app::worker::serve::run();
}

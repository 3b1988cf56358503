//! `-v/--verbose`: progress notes on standard error. Callers pass what is safe to show: never a
//! secret, only names, stores, paths and timings.

use std::sync::atomic::{AtomicBool, Ordering};

static VERBOSE: AtomicBool = AtomicBool::new(false);

pub fn set_verbose(on: bool) {
    VERBOSE.store(on, Ordering::Relaxed);
}

pub fn is_verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

pub fn verbose(msg: std::fmt::Arguments<'_>) {
    if is_verbose() {
        eprintln!("gwctl: {msg}");
    }
}

/// A note on standard error that is always shown (a step of a long operation).
pub fn note(msg: std::fmt::Arguments<'_>) {
    eprintln!("gwctl: {msg}");
}

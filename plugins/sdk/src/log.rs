//! Diagnostics for the operator and the brand. The host keeps a bounded
//! number of entries per call (see the limits table in the README) and drops
//! the rest, so logging can never slow the platform down.
//!
//! In a native build entries are collected for
//! [`testing::take_logs`](crate::testing::take_logs).

/// How important a log entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Fine-grained tracing.
    Trace,
    /// Developer diagnostics.
    Debug,
    /// Normal operation.
    Info,
    /// Something unexpected that the plugin handled.
    Warn,
    /// Something the plugin could not handle.
    Error,
}

/// Record one entry.
pub fn log(level: Level, message: &str) {
    backend::log(level, message);
}

/// Record an entry at [`Level::Debug`].
pub fn debug(message: &str) {
    log(Level::Debug, message);
}

/// Record an entry at [`Level::Info`].
pub fn info(message: &str) {
    log(Level::Info, message);
}

/// Record an entry at [`Level::Warn`].
pub fn warn(message: &str) {
    log(Level::Warn, message);
}

/// Record an entry at [`Level::Error`].
pub fn error(message: &str) {
    log(Level::Error, message);
}

#[cfg(target_family = "wasm")]
mod backend {
    use super::Level;
    use crate::__private::bindings::vitrine::brand::logging;

    pub fn log(level: Level, message: &str) {
        let level = match level {
            Level::Trace => logging::Level::Trace,
            Level::Debug => logging::Level::Debug,
            Level::Info => logging::Level::Info,
            Level::Warn => logging::Level::Warn,
            Level::Error => logging::Level::Error,
        };
        logging::log(level, message);
    }
}

#[cfg(not(target_family = "wasm"))]
mod backend {
    use super::Level;

    pub fn log(level: Level, message: &str) {
        crate::testing::record_log(level, message);
    }
}

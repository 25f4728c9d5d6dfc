//! `vitrine:brand/logging`: the plugin's diagnostics, captured per call and
//! bounded. Entries past the limits are counted, not kept; every byte a
//! plugin passes to `log`, kept or not, is charged to its fuel by the
//! call's host-work meter (see `runtime::metering`), so a plugin that logs
//! in a loop runs out of fuel instead of making the host copy for it.
//! Messages are normalised (`model::text`) before they are kept: a log line
//! shown to a brand or an operator cannot carry control characters.

use serde::{Deserialize, Serialize};
use wasmtime::component::{HasData, Linker};

use super::contract::v0_1;

/// How important an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    /// Fine-grained tracing.
    Trace,
    /// Developer diagnostics.
    Debug,
    /// Normal operation.
    Info,
    /// Handled surprise.
    Warn,
    /// Unhandled failure.
    Error,
}

/// One kept entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Its level.
    pub level: LogLevel,
    /// Its text.
    pub message: String,
}

/// The entries of one call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogBuffer {
    /// Kept entries, in order.
    pub entries: Vec<LogEntry>,
    /// Entries dropped because a limit was reached.
    pub dropped: usize,
    /// Bytes the plugin passed to `log`, kept or dropped.
    #[serde(skip)]
    pub offered_bytes: u64,
    #[serde(skip)]
    bytes: usize,
    #[serde(skip)]
    max_entries: usize,
    #[serde(skip)]
    max_bytes: usize,
}

impl LogBuffer {
    /// A buffer keeping at most `max_entries` entries and `max_bytes` bytes.
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        LogBuffer {
            max_entries,
            max_bytes,
            ..LogBuffer::default()
        }
    }

    /// Keeps the entry if it fits, otherwise counts it as dropped.
    pub fn push(&mut self, level: LogLevel, message: String) {
        self.offered_bytes += message.len() as u64;
        if self.entries.len() >= self.max_entries || self.bytes + message.len() > self.max_bytes {
            self.dropped += 1;
            return;
        }
        let message = vitrine_types::text::normalise_owned(message);
        self.bytes += message.len();
        self.entries.push(LogEntry { level, message });
    }
}

/// What a call's store needs to serve logging.
pub trait HasLog {
    /// The call's log buffer.
    fn log_buffer(&mut self) -> &mut LogBuffer;
}

struct LogData;

impl HasData for LogData {
    type Data<'a> = &'a mut LogBuffer;
}

impl v0_1::LoggingHost for &mut LogBuffer {
    fn log(&mut self, level: v0_1::Level, message: String) {
        let level = match level {
            v0_1::Level::Trace => LogLevel::Trace,
            v0_1::Level::Debug => LogLevel::Debug,
            v0_1::Level::Info => LogLevel::Info,
            v0_1::Level::Warn => LogLevel::Warn,
            v0_1::Level::Error => LogLevel::Error,
        };
        self.push(level, message);
    }
}

/// Adds `vitrine:brand/logging` to `linker`.
pub fn add_to_linker<T: HasLog + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    v0_1::add_logging::<T, LogData>(linker, |state| state.log_buffer())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_beyond_the_limits_are_counted_not_kept() {
        let mut log = LogBuffer::new(2, 10);
        log.push(LogLevel::Info, "one".into());
        log.push(LogLevel::Info, "two".into());
        log.push(LogLevel::Info, "three".into());
        assert_eq!(log.entries.len(), 2);
        assert_eq!(log.dropped, 1);
        let mut log = LogBuffer::new(10, 4);
        log.push(LogLevel::Warn, "too long".into());
        assert_eq!((log.entries.len(), log.dropped), (0, 1));
    }
}

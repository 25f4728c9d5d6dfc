//! What one call produced and what it cost, and how a wasmtime failure is
//! turned into a [`CallError`] a caller can act on.

use std::time::Duration;

use serde::{Serialize, Serializer};

use super::limits::Limits;
use super::logging::LogBuffer;
use super::sandbox::CallState;
use super::wasi_denied::DeniedCapability;
use vitrine_types::CallError;
use vitrine_types::Offer;

/// The result of one isolated call, with its measurements.
#[derive(Debug, Clone)]
pub struct CallReport {
    /// The offers (already within the output limits), or why there are none.
    pub outcome: Result<Vec<Offer>, CallError>,
    /// Fuel consumed: instructions, plus the host work charged to the
    /// plugin (see `runtime::metering`).
    pub fuel_used: u64,
    /// The part of `fuel_used` charged for host work.
    pub host_fuel: u64,
    /// Largest total linear memory during the call, in bytes.
    pub peak_memory_bytes: u64,
    /// Wall-clock time from the start of the call to its result.
    pub wall_time: Duration,
    /// CPU time the call's thread got (the plugin's instructions and the
    /// host work it caused): tells a plugin that was working from one that
    /// was starved of CPU by the host's load.
    pub cpu_time: Duration,
    /// The plugin's log entries.
    pub log: LogBuffer,
    /// What the plugin printed (bounded).
    pub stdout: String,
    /// What the plugin printed to stderr (bounded; panics land here).
    pub stderr: String,
}

impl CallReport {
    /// A report for a call that never reached the plugin.
    pub fn refused(error: CallError, wall_time: Duration) -> Self {
        CallReport {
            outcome: Err(error),
            fuel_used: 0,
            host_fuel: 0,
            peak_memory_bytes: 0,
            wall_time,
            cpu_time: Duration::ZERO,
            log: LogBuffer::default(),
            stdout: String::new(),
            stderr: String::new(),
        }
    }

    /// `offers`, or the error's stable code.
    pub fn outcome_code(&self) -> &'static str {
        match &self.outcome {
            Ok(_) => "offers",
            Err(e) => e.code(),
        }
    }
}

impl Serialize for CallReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            status: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            offers: Option<&'a [Offer]>,
            #[serde(skip_serializing_if = "Option::is_none")]
            error: Option<&'a CallError>,
            #[serde(skip_serializing_if = "Option::is_none")]
            message: Option<String>,
            fuel_used: u64,
            host_fuel: u64,
            peak_memory_bytes: u64,
            wall_time_us: u64,
            cpu_time_us: u64,
            log: &'a LogBuffer,
            stdout: &'a str,
            stderr: &'a str,
        }
        Json {
            status: if self.outcome.is_ok() {
                "offers"
            } else {
                "error"
            },
            offers: self.outcome.as_ref().ok().map(Vec::as_slice),
            error: self.outcome.as_ref().err(),
            message: self.outcome.as_ref().err().map(ToString::to_string),
            fuel_used: self.fuel_used,
            host_fuel: self.host_fuel,
            peak_memory_bytes: self.peak_memory_bytes,
            wall_time_us: self.wall_time.as_micros() as u64,
            cpu_time_us: self.cpu_time.as_micros() as u64,
            log: &self.log,
            stdout: &self.stdout,
            stderr: &self.stderr,
        }
        .serialize(serializer)
    }
}

/// Turns a wasmtime error raised while instantiating or calling a plugin into
/// the typed error, using what the call state observed.
pub(crate) fn classify(
    error: &wasmtime::Error,
    state: &CallState,
    limits: &Limits,
    deadline: Duration,
) -> CallError {
    if let Some(requested) = state.limiter.refused_growth {
        return CallError::MemoryLimit {
            requested_bytes: requested as u64,
            limit_bytes: limits.memory_bytes as u64,
        };
    }
    if let Some(denied) = error.downcast_ref::<DeniedCapability>() {
        return CallError::Denied {
            capability: denied.0.to_string(),
        };
    }
    if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return CallError::Denied {
            capability: format!("exiting the process (exit code {})", exit.0),
        };
    }
    if error
        .downcast_ref::<wasmtime::PoolConcurrencyLimitError>()
        .is_some()
    {
        return CallError::Overloaded;
    }
    if error
        .downcast_ref::<super::metering::HostWorkExhausted>()
        .is_some()
    {
        return CallError::OutOfFuel { fuel: limits.fuel };
    }
    if format!("{error:#}").contains(HOSTCALL_FUEL_EXHAUSTED) {
        return CallError::InvalidOutput {
            reason: format!(
                "the plugin passed more than {} bytes to the host in one crossing",
                limits.transfer_bytes
            ),
        };
    }
    match error.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => CallError::Timeout {
            deadline_ms: deadline.as_micros().div_ceil(1000) as u64,
        },
        Some(wasmtime::Trap::OutOfFuel) => CallError::OutOfFuel { fuel: limits.fuel },
        Some(trap) => CallError::Trap {
            message: trap.to_string(),
            panic: panic_message(&state.stderr()),
        },
        None => CallError::Trap {
            message: format!("{error:#}"),
            panic: panic_message(&state.stderr()),
        },
    }
}

/// How wasmtime describes an exhausted hostcall fuel (its error type is
/// private, so the message is matched; a test pins it).
const HOSTCALL_FUEL_EXHAUSTED: &str = "fuel allocated for hostcalls has been exhausted";

/// Longest panic message kept.
const MAX_PANIC_CHARS: usize = 500;

/// Recovers a Rust guest's panic message from its stderr:
/// `thread '<unnamed>' panicked at src/lib.rs:9:5:\n<message>\nnote: ...`.
/// Falls back to the last lines of stderr for other languages.
pub fn panic_message(stderr: &str) -> Option<String> {
    let message = match stderr.find("panicked at ") {
        Some(start) => {
            let after = &stderr[start..];
            let body = after.split_once(":\n").map_or(after, |(_, rest)| rest);
            body.split("\nnote: ").next().unwrap_or(body).trim()
        }
        None => stderr.trim(),
    };
    let message = vitrine_types::text::normalise(message);
    if message.is_empty() {
        return None;
    }
    Some(vitrine_types::text::truncate_chars(&message, MAX_PANIC_CHARS).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_panic_message_is_recovered_from_stderr() {
        let stderr = "\nthread '<unnamed>' panicked at src/lib.rs:12:5:\nthe yogurt machine is broken\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(
            panic_message(stderr).as_deref(),
            Some("the yogurt machine is broken")
        );
    }

    #[test]
    fn other_stderr_is_kept_and_empty_stderr_gives_nothing() {
        assert_eq!(
            panic_message("fatal: oops\n").as_deref(),
            Some("fatal: oops")
        );
        assert_eq!(panic_message("  \n"), None);
    }
}

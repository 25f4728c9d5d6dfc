//! Why asking a plugin for offers produced none: the outcome every host
//! reports in the same terms, whatever ran the plugin. A caller can always
//! tell a timeout from a trap from invalid output; every variant serialises
//! to a JSON object with a stable `error` code beside its fields.

use serde::{Deserialize, Serialize};

use crate::BidError;

/// Why one call produced no offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum CallError {
    /// The wall-clock deadline passed.
    #[error("timed out after {deadline_ms} ms")]
    Timeout {
        /// The deadline that applied.
        deadline_ms: u64,
    },
    /// The instruction budget ran out.
    #[error("ran out of fuel ({fuel} instructions)")]
    OutOfFuel {
        /// The budget that applied.
        fuel: u64,
    },
    /// Linear memory would have grown past the cap.
    #[error("tried to grow memory to {requested_bytes} bytes; the cap is {limit_bytes}")]
    MemoryLimit {
        /// The size asked for.
        requested_bytes: u64,
        /// The cap.
        limit_bytes: u64,
    },
    /// The plugin trapped (a panic, an out-of-bounds access, stack overflow).
    #[error("trapped: {message}{}", panic.as_deref().map(|p| format!(" (panic: {p})")).unwrap_or_default())]
    Trap {
        /// What trapped, as wasmtime describes it.
        message: String,
        /// The guest's panic message, recovered from its stderr.
        panic: Option<String>,
    },
    /// The plugin used a capability that is denied by trapping (waiting on a
    /// clock, exiting the process).
    #[error("used a denied capability: {capability}")]
    Denied {
        /// What it tried.
        capability: String,
    },
    /// The answer broke the output limits or the contract's ranges;
    /// nothing of it was kept.
    #[error("invalid output: {reason}")]
    InvalidOutput {
        /// Which limit or range, and by how much.
        reason: String,
    },
    /// The plugin's own `bid-error`.
    #[error("plugin error: {0}")]
    PluginError(BidError),
    /// The request was refused before reaching the plugin.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong with the request.
        reason: String,
    },
    /// No instance slot became free before the deadline.
    #[error("overloaded: no sandbox slot was free before the deadline")]
    Overloaded,
    /// Instantiation failed for another reason.
    #[error("instantiation failed: {detail}")]
    Instantiation {
        /// wasmtime's explanation.
        detail: String,
    },
    /// Not called: the plugin's last calls all failed, so it is suspended
    /// for a while (see `runtime::health`).
    #[error(
        "not called: suspended after {failures} failed calls in a row; it is tried again in {retry_in_ms} ms"
    )]
    Suspended {
        /// Failed calls in a row so far.
        failures: u32,
        /// When the next call will be let through, from now.
        retry_in_ms: u64,
    },
}

impl CallError {
    /// A short stable code for metrics and reports (`timeout`, `trap`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            CallError::Timeout { .. } => "timeout",
            CallError::OutOfFuel { .. } => "out_of_fuel",
            CallError::MemoryLimit { .. } => "memory_limit",
            CallError::Trap { .. } => "trap",
            CallError::Denied { .. } => "denied",
            CallError::InvalidOutput { .. } => "invalid_output",
            CallError::PluginError(_) => "plugin_error",
            CallError::InvalidInput { .. } => "invalid_input",
            CallError::Overloaded => "overloaded",
            CallError::Instantiation { .. } => "instantiation",
            CallError::Suspended { .. } => "suspended",
        }
    }
}

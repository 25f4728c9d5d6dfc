//! What an operator may set for one plugin version: tighter limits than
//! the runtime's.

use serde::{Deserialize, Serialize};

/// What an operator may set per plugin: any of these, each only tighter
/// than the runtime's limit (a plugin can be given less, never more, since
/// the pooling allocator's slots are sized for the runtime's limits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PluginLimits {
    /// Instruction budget per call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel: Option<u64>,
    /// Deadline per call, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_ms: Option<u64>,
    /// Linear memory per instance, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_bytes: Option<usize>,
}

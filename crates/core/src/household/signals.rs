//! Context signals (a stress level from a watch). Stored only with the
//! household's consent, used only by desire rules, never shared with brands
//! and never used to raise spending without opt-in.

use serde::{Deserialize, Serialize};

use vitrine_types::time::Timestamp;

/// One reading of a context signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContextSignal {
    /// The kind of signal.
    pub kind: SignalKind,
    /// Its level, 0-100.
    #[schemars(range(max = 100))]
    pub level: u8,
    /// When it was measured.
    pub at: Timestamp,
}

/// The kinds of context signal understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// Stress, 0 (calm) to 100.
    Stress,
}

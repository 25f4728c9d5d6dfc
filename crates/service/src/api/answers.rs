//! The small answers the API writes itself (the larger ones are the
//! platform's and the core's types). Each is a serde type with a JSON
//! Schema, so the OpenAPI document describes exactly what is sent.

use serde::Serialize;

use crate::platform::NeedsCycleHealth;

/// `GET /healthz` when healthy (when not, a 503 with an error).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Health {
    /// Always `ok`.
    pub status: &'static str,
    /// Brands with a live plugin on this node.
    pub brands_live: usize,
    /// The periodic needs cycle's state.
    pub needs_cycle: NeedsCycleHealth,
}

/// `POST /v1/brands/{brand}/disable`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct BrandLive {
    /// The brand.
    pub brand: String,
    /// Whether a version of its plugin is live (after a disable: false).
    pub live: bool,
}

/// `POST /v1/tokens/{token}/revoke`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Revoked {
    /// The token id revoked.
    pub revoked: String,
}

/// `DELETE /v1/households/{household}`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Erased {
    /// The household erased.
    pub erased: String,
}

/// Events or signals added.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Added {
    /// How many items were stored.
    pub added: usize,
}

/// `GET /v1/audit`: a page of the log and whether the whole chain verifies.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct AuditPage {
    /// Entries after `after`, oldest first.
    pub entries: Vec<vitrine_store::audit::AuditEntry>,
    /// The chain's state.
    pub chain: ChainState,
}

/// Whether the audit chain verifies, and where it breaks if not.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub(crate) enum ChainState {
    /// Every entry verifies.
    Verified {
        /// Always true.
        verified: bool,
        /// How many entries the chain holds.
        entries: i64,
    },
    /// An entry does not verify.
    Broken {
        /// Always false.
        verified: bool,
        /// The first entry that does not verify.
        first_broken: i64,
        /// What is wrong with it.
        why: String,
    },
}

/// A thing removed (`DELETE` of a webhook).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Removed {
    /// Always true: removing what does not exist is a 404.
    pub removed: bool,
}

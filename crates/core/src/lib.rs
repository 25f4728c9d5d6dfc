//! # vitrine-core
//!
//! The decision core: everything Vitrine decides, with nothing it runs. It
//! sees brands' plugins only through the [`auction::Bidder`] trait (ask for
//! offers with a deadline), and keeps its state in memory; the service
//! (`vitrine-service`) implements bidders over the wasm sandbox and writes
//! the state through to the store. Nothing here links wasmtime, a database,
//! HTTP or an async runtime.
//!
//! - [`household`]: the household's private model (events, inventory,
//!   purchases, preferences, consents, calendar, context signals).
//! - [`needs`]: the needs engine (replenishment forecasts, seasonal rules,
//!   desires from context), bounded by the history window.
//! - [`mandate`]: standing consent (mandates, budgets, rules), the order
//!   book and the ledger.
//! - [`minimiser`]: what each brand may see of a need (consent, the
//!   operator's sharing policy, k-anonymity).
//! - [`auction`]: the scoring auction: bidders asked at once, offers
//!   checked, scored in money within the operator's bounds, second-score
//!   pricing with a reserve and the household's caps, a reason for every
//!   loser.
//! - [`reports`]: what brands learn (pseudonyms, differentially private
//!   daily reports with a per-household budget).
//! - [`explain`]: the household's explanation of each decision.
//! - [`decision`]: the engine that ties them together.
//! - [`testing`]: bidders scripted in Rust, for tests without wasm.

pub mod auction;
pub mod decision;
pub mod explain;
pub mod household;
pub mod mandate;
pub mod minimiser;
pub mod needs;
pub mod reports;
pub mod testing;

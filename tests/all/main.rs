//! Vitrine's system tests, in one test binary: the sandbox with sample and
//! hostile plugins, decisions end to end, the HTTP API (through the router
//! and on a socket), its authorization matrix, the trust properties, and
//! the fuzz corpus replayed. Fixtures come from `vitrine-testkit`.

mod api;
mod api_trust;
mod artifact_cache;
mod authz_matrix;
mod browser;
mod commit_failure;
mod console;
mod contract_refusals;
mod decision;
mod fulfilment;
mod fuzz_corpus;
mod hostile_plugins;
mod isolation;
mod other_languages;
mod samples_bid;
mod sdk_suites;
mod service;
mod subscriptions;
mod trust;
mod webhooks;

/// The service fixtures the API suite uses: SQLite here; `tests/postgres`
/// runs the same modules with PostgreSQL's.
mod kit {
    pub use vitrine_testkit::service::*;
}

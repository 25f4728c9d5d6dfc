//! The API suite again, on PostgreSQL: the same test modules as `tests/all`
//! (through the router and on a socket, the authorization matrix,
//! the console, fulfilment, subscriptions, webhooks, the service's
//! restarts), each test
//! on a schema of its own on `VITRINE_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`; see `vitrine_testkit::postgres`).

#[path = "../all/api.rs"]
mod api;
#[path = "../all/api_trust.rs"]
mod api_trust;
#[path = "../all/authz_matrix.rs"]
mod authz_matrix;
#[path = "../all/console.rs"]
mod console;
#[path = "../all/fulfilment.rs"]
mod fulfilment;
#[path = "../all/service.rs"]
mod service;
#[path = "../all/subscriptions.rs"]
mod subscriptions;
#[path = "../all/webhooks.rs"]
mod webhooks;

mod migrate;
mod nodes;

/// The service fixtures, on PostgreSQL.
mod kit {
    pub use vitrine_testkit::service::on_postgres::{
        open_platform, service, service_configured, service_sharing,
    };
    pub use vitrine_testkit::service::*;
}

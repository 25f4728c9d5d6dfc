//! # vitrine-service
//!
//! The running platform. [`platform`] is the decision core
//! (`vitrine-core`) with its state written through to the store
//! (`vitrine-store`) and rebuilt at start, brands' plugins run in the
//! sandbox (`vitrine-runtime`) as the core's bidders; every operation of
//! the API is one of its methods. [`api`] is the HTTP API (axum): one route
//! table from which both the router and the OpenAPI document are built,
//! bearer roles, JSON errors, body schemas, idempotency, rate limits,
//! metrics and a graceful `serve`. [`console`] is the browser's face of the
//! same platform: server-rendered pages for households, brands and the
//! operator at `/`.

pub mod api;
pub mod console;
pub mod platform;

//! # Vitrine
//!
//! A platform that buys on behalf of households, and a WebAssembly runtime in
//! which brands compete to serve them. Brands ship sandboxed plugins (wasm
//! components written to the WIT world in `wit/`); the host calls them with a
//! minimised description of a need, they answer with product-plus-service
//! offers, and the host decides with the household's private preferences.
//!
//! # Layout
//!
//! - [`model`]: the data that crosses the sandbox boundary (requests, offers,
//!   bid errors) and the contract's rules for them (`check_offer`).
//! - [`runtime`]: the sandbox. `engine` (pooling, fuel, epochs), `limits`
//!   (every limit and why), `contract` (served WIT versions, import policy,
//!   bindings per version), `wasi_denied` (WASI with everything denied),
//!   `catalog` and `logging` (the two host interfaces), `sandbox` (per-call
//!   state and memory limiter), `plugin` (load and the isolated call),
//!   `clock` (a call's deadline and CPU time), `metering` (host work
//!   charged to fuel), `compile` (compiling within bounds, in a worker
//!   process), `output` (answer size limits), `report` (typed outcome and
//!   measurements), `fanout` (many plugins at once), `health` (suspending
//!   a plugin that keeps failing), `artifact_cache` (precompiled plugins on
//!   disk).
//! - [`samples`]: the sample brand plugins, built from source by `build.rs`
//!   and embedded, with their default catalogs.
//! - [`bench`](mod@bench): the benchmarks (`vitrine bench`, `bench-http`,
//!   `bench-cold-start`, `bench-memory`, `bench-report`, `soak`): the floor
//!   component, the same plugin on plain wasmtime, natively and in V8,
//!   auctions by size, decisions, HTTP load, cold start, memory, the soak,
//!   interleaved measurements, and the tables of `docs/BENCHMARKS.md`.
//! - [`household`], [`needs`], [`mandate`]: the household's private model,
//!   the needs engine, standing consent with the order book and ledger.
//! - [`minimiser`], [`auction`], [`reports`], [`explain`], [`decision`]: what
//!   brands may see, scoring and second-score pricing with loss reasons, what
//!   brands learn (pseudonyms, DP reports), explanations, and the decision
//!   engine that ties them together.
//! - [`scenario`]: simulated households (family, student, opted-in) for the
//!   demo, the tests and the decision benchmark.
//! - [`demo`]: `vitrine demo`, a month of decisions for the simulated
//!   households, on the platform over a temporary database.
//! - [`store`]: the SQLite store (sqlx, WAL, embedded migrations): tokens,
//!   brands and plugin versions, households, needs, decisions, orders and
//!   ledger, reports, idempotent answers, the hash-chained audit log.
//! - [`platform`]: the decision core with its state written through to the
//!   store and rebuilt at start; every operation of the API is a method.
//! - [`api`]: the HTTP API (axum): routes as data with the OpenAPI document,
//!   bearer roles, JSON errors, idempotency, metrics, graceful `serve`.
//! - [`time`]: days and timestamps.
//! - [`cli`]: the `vitrine` command line (`plugin check`, `plugin run`,
//!   `samples`, `demo`, `serve`, `audit verify`, and the benchmarks).

#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod api;
pub mod auction;
pub mod bench;
pub mod cli;
pub mod decision;
pub mod demo;
pub mod explain;
pub mod household;
pub mod mandate;
pub mod minimiser;
pub mod model;
pub mod needs;
pub mod platform;
pub mod reports;
pub mod runtime;
pub mod samples;
pub mod scenario;
pub mod store;
pub mod time;

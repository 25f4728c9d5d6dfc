//! The sandboxed plugin runtime.
//!
//! One [`Runtime`] per process owns the wasmtime engine (pooling allocator,
//! fuel, epochs), the linker that grants plugins their catalog, their log and
//! denied WASI, and optionally the on-disk artifact cache. It loads plugins
//! ([`Runtime::load`]) and each [`Plugin`] runs every call in a fresh
//! instance; [`fan_out`] calls many at once, leaving out a plugin suspended
//! for failing call after call (see [`Admitted`]).
//!
//! # Using it from another host
//!
//! The crate depends on nothing of Vitrine's but its contract's data
//! (`vitrine-types`); `examples/run_plugin.rs` is a whole host in sixty
//! lines (`cargo run -p vitrine-runtime --example run_plugin -- COMPONENT
//! REQUEST CATALOG`).
//!
//! - Build one [`Runtime`] per process: [`Runtime::new`] with [`Limits`]
//!   (every default is justified in [`limits`]), [`Runtime::with_cache`] to
//!   keep compiled components on disk, [`Runtime::build_with`] for every
//!   setting.
//! - Load a component with its catalog: [`Runtime::parse_catalog`], then
//!   [`Runtime::load`] (checks it against the contract and the limits,
//!   compiles it within the compile bounds, calls its `describe`); a
//!   refusal is a typed [`LoadError`]. [`Plugin::with_limits`] tightens one
//!   plugin's limits.
//! - Call it: [`Plugin::call`] runs one call in a fresh instance and returns
//!   a [`CallReport`] (the offers, or a typed [`CallError`], with the fuel,
//!   memory and time it took); [`ask`] and [`fan_out`] call from async code
//!   with admission control and the suspension of failing plugins.
//! - Lower level, for a host that builds its own wasmtime linker: the host
//!   interfaces [`catalog::add_to_linker`] and [`logging::add_to_linker`],
//!   the contract's bindings in [`contract`], and the host-work prices in
//!   [`metering`].

mod artifact_cache;
pub mod catalog;
mod clock;
pub mod compile;
pub mod contract;
mod engine;
mod error;
mod fanout;
mod health;
pub mod limits;
pub mod logging;
pub mod metering;
mod output;
mod plugin;
mod report;
mod sandbox;
mod wasi_denied;

use std::path::PathBuf;
use std::sync::Arc;

use wasmtime::Engine;
use wasmtime::component::Linker;

pub use artifact_cache::ArtifactCache;
pub use catalog::{Catalog, CatalogError};
pub use compile::{CompileStats, CompileWorker};
pub use contract::{ContractVersion, SERVED_VERSIONS};
pub use engine::{Tuning, engine_fingerprint};
pub use error::LoadError;
pub use fanout::{FanOutCall, FanOutDeadlines, ask, fan_out};
pub use health::{Admitted, HealthStatus};
pub use limits::{Limits, LimitsError};
pub use logging::{LogBuffer, LogEntry, LogLevel};
pub use plugin::{CallPhases, Plugin, sha256_hex};
pub use report::{CallReport, panic_message};
pub use vitrine_types::{CallError, PluginLimits};

use engine::EpochTicker;
use sandbox::CallState;

/// The plugin runtime: one per process.
#[derive(Clone)]
pub struct Runtime {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    engine: Engine,
    linker: Linker<CallState>,
    limits: Limits,
    tuning: Tuning,
    worker: CompileWorker,
    cache: Option<ArtifactCache>,
    _ticker: EpochTicker,
}

impl Runtime {
    /// A runtime with `limits`, the default tuning and no artifact cache.
    pub fn new(limits: Limits) -> Result<Runtime, LoadError> {
        Runtime::build(limits, Tuning::default(), None)
    }

    /// A runtime with `limits` that caches compiled plugins in `cache_dir`.
    pub fn with_cache(limits: Limits, cache_dir: impl Into<PathBuf>) -> Result<Runtime, LoadError> {
        Runtime::build(limits, Tuning::default(), Some(cache_dir.into()))
    }

    /// A runtime with every setting explicit, compiling in-process (for
    /// trusted components only; see [`Runtime::build_with`]).
    pub fn build(
        limits: Limits,
        tuning: Tuning,
        cache_dir: Option<PathBuf>,
    ) -> Result<Runtime, LoadError> {
        Runtime::build_with(limits, tuning, cache_dir, CompileWorker::InProcess)
    }

    /// A runtime that compiles components with `worker`: a
    /// [`CompileWorker::Subprocess`] bounds every compilation's CPU time and
    /// memory (see [`compile`]), which a service loading components from
    /// outside must use.
    pub fn build_with(
        limits: Limits,
        tuning: Tuning,
        cache_dir: Option<PathBuf>,
        worker: CompileWorker,
    ) -> Result<Runtime, LoadError> {
        let engine_error = |detail: String| LoadError::Engine { detail };
        limits.validate().map_err(|e| engine_error(e.to_string()))?;
        let engine = engine::build_engine(&limits, &tuning)?;
        let linker = sandbox::build_linker(&engine)
            .map_err(|e| engine_error(format!("linking the host interfaces: {e:#}")))?;
        let cache = cache_dir
            .map(|dir| {
                ArtifactCache::open(&dir, &engine).map_err(|e| {
                    engine_error(format!("opening the artifact cache {}: {e}", dir.display()))
                })
            })
            .transpose()?;
        let ticker = EpochTicker::start(engine.clone(), limits.epoch_tick);
        Ok(Runtime {
            shared: Arc::new(Shared {
                engine,
                linker,
                limits,
                tuning,
                worker,
                cache,
                _ticker: ticker,
            }),
        })
    }

    /// Loads a plugin: checks the binary, compiles it (or maps it from the
    /// cache), checks it against the contract, links it and calls `describe`.
    pub fn load(&self, wasm: &[u8], catalog: Catalog) -> Result<Plugin, LoadError> {
        Plugin::load(self.shared.clone(), wasm, catalog)
    }

    /// Loads a plugin this platform accepted before, from its compiled
    /// artifact in the cache, by the hash the store recorded at upload: a
    /// restart neither reads, nor hashes, nor compiles its component.
    /// `None` when the cache has no artifact for `sha256`; then load the
    /// bytes with [`Runtime::load`].
    pub fn load_cached(
        &self,
        sha256: &str,
        size_bytes: usize,
        catalog: Catalog,
    ) -> Option<Result<Plugin, LoadError>> {
        Plugin::load_cached(self.shared.clone(), sha256, size_bytes, catalog)
    }

    /// Parses a catalog under this runtime's size limit.
    pub fn parse_catalog(&self, json: &[u8]) -> Result<Catalog, LoadError> {
        Catalog::from_json(json, self.shared.limits.catalog_bytes).map_err(|e| LoadError::Catalog {
            detail: e.to_string(),
        })
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> &Limits {
        &self.shared.limits
    }

    /// The deadlines a fan-out uses by default: the per-call deadline for
    /// both, and the epoch tick.
    pub fn default_deadlines(&self) -> FanOutDeadlines {
        FanOutDeadlines {
            per_call: self.shared.limits.deadline,
            overall: self.shared.limits.deadline,
            tick: self.shared.limits.epoch_tick,
        }
    }

    /// The artifact cache, if one is configured.
    pub fn cache(&self) -> Option<&ArtifactCache> {
        self.shared.cache.as_ref()
    }

    /// The underlying engine (for benchmarks comparing against plain
    /// wasmtime).
    pub fn engine(&self) -> &Engine {
        &self.shared.engine
    }
}

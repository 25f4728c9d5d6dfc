//! A loaded plugin and its isolated call.
//!
//! Loading compiles the component once (or maps it from the artifact cache),
//! checks it against the contract, links it into an `InstancePre`, and calls
//! `describe` in the sandbox. Every call then gets a fresh `Store` and a fresh
//! instance with fuel, an epoch deadline and the memory limiter: nothing a
//! plugin writes in one call is visible in the next.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::Store;
use wasmtime::component::Component;

use super::Shared;
use super::catalog::Catalog;
use super::clock::{self, CallClock};
use super::compile::{self, CompileStats};
use super::contract::{self, ContractVersion, v0_1};
use super::error::LoadError;
use super::health::{Health, HealthStatus};
use super::limits::{Limits, LimitsError};
use super::output;
use super::report::{CallReport, classify};
use super::sandbox::CallState;
use super::wasi_denied;
use vitrine_types::CallError;
use vitrine_types::PluginLimits;
use vitrine_types::{BrandInfo, OfferRequest, is_category_path};

/// A plugin ready to be called. Cheap to clone; safe to share across threads.
#[derive(Clone)]
pub struct Plugin {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    pre: v0_1::BrandPre<CallState>,
    version: ContractVersion,
    sha256: String,
    size_bytes: usize,
    info: BrandInfo,
    catalog: Arc<Catalog>,
    /// The runtime's limits, tightened by the operator for this plugin.
    limits: Arc<Limits>,
    /// Its record of failed calls (shared by its catalog and limits
    /// variants: the code is the same).
    health: Arc<Health>,
    /// What compiling it cost.
    compile: CompileStats,
    /// Exports the host never calls (left alone).
    ignored_exports: Vec<String>,
    /// Imports linked to functions that trap as `denied`.
    denied_imports: Vec<String>,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("name", &self.inner.info.name)
            .field("version", &self.inner.info.version)
            .field("sha256", &self.inner.sha256)
            .finish()
    }
}

/// The `\0asm` magic followed by the component-model version and layer.
const COMPONENT_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
const CORE_MODULE_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/// The hex SHA-256 of a component's bytes: its identity everywhere.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Plugin {
    pub(super) fn load(
        shared: Arc<Shared>,
        wasm: &[u8],
        catalog: Catalog,
    ) -> Result<Plugin, LoadError> {
        check_header(wasm, shared.limits.component_bytes)?;
        let sha256 = sha256_hex(wasm);
        let (component, compile_stats) = compile_cached(&shared, wasm, &sha256)?;
        Plugin::link(
            shared,
            component,
            compile_stats,
            sha256,
            wasm.len(),
            catalog,
        )
    }

    /// Loads a component the platform accepted before from its compiled
    /// artifact in the cache, by the hash the store recorded at upload,
    /// without its bytes: nothing is read, hashed or compiled. `None` when
    /// the cache has no artifact for `sha256` (the caller then loads the
    /// bytes, which compiles).
    pub(super) fn load_cached(
        shared: Arc<Shared>,
        sha256: &str,
        size_bytes: usize,
        catalog: Catalog,
    ) -> Option<Result<Plugin, LoadError>> {
        let limit = shared.limits.component_bytes;
        if size_bytes > limit {
            // A limit lowered since the upload holds at every load.
            return Some(Err(LoadError::TooLarge {
                size: size_bytes,
                limit,
            }));
        }
        let (component, stats) = mapped(&shared, sha256)?;
        Some(Plugin::link(
            shared,
            component,
            stats,
            sha256.to_owned(),
            size_bytes,
            catalog,
        ))
    }

    /// Checks a compiled component against the contract, links it (denied
    /// WASI where it imports some) and asks it to describe itself.
    fn link(
        shared: Arc<Shared>,
        component: Component,
        compile_stats: CompileStats,
        sha256: String,
        size_bytes: usize,
        catalog: Catalog,
    ) -> Result<Plugin, LoadError> {
        let shape = contract::check_shape(&shared.engine, &component)?;
        let version = shape.version;
        let mismatch = |e: wasmtime::Error| LoadError::Mismatch {
            world_version: version.as_str().to_owned(),
            detail: format!("{e:#}"),
        };
        let instance_pre = if shape.denied_imports.is_empty() {
            shared.linker.instantiate_pre(&component)
        } else {
            let mut linker = shared.linker.clone();
            wasi_denied::link_trapping(
                &mut linker,
                &shared.engine,
                &component,
                &shape.denied_imports,
                contract::NO_HTTP,
            )
            .map_err(mismatch)?;
            linker.instantiate_pre(&component)
        }
        .map_err(mismatch)?;
        let pre = v0_1::BrandPre::new(instance_pre).map_err(mismatch)?;
        let limits = Arc::new(shared.limits.clone());
        let mut plugin = Plugin {
            inner: Arc::new(Inner {
                limits,
                shared,
                pre,
                version,
                sha256,
                size_bytes,
                info: BrandInfo {
                    name: String::new(),
                    version: String::new(),
                    categories: Vec::new(),
                    contact: String::new(),
                },
                catalog: Arc::new(catalog),
                health: Arc::default(),
                compile: compile_stats,
                ignored_exports: shape.ignored_exports,
                denied_imports: shape.denied_imports,
            }),
        };
        let info = plugin
            .describe()
            .map_err(|e| LoadError::Describe { call: Box::new(e) })?;
        check_description(&info)?;
        Arc::get_mut(&mut plugin.inner)
            .expect("the plugin is not shared until loaded")
            .info = info;
        Ok(plugin)
    }

    /// What the plugin said about itself at load.
    pub fn info(&self) -> &BrandInfo {
        &self.inner.info
    }

    /// The hex SHA-256 of the component.
    pub fn sha256(&self) -> &str {
        &self.inner.sha256
    }

    /// The size of the component binary.
    pub fn size_bytes(&self) -> usize {
        self.inner.size_bytes
    }

    /// Exports of the component the host never calls (such as the
    /// `exports` componentize-py leaves): ignored, listed by `plugin check`.
    pub fn ignored_exports(&self) -> &[String] {
        &self.inner.ignored_exports
    }

    /// Imports linked to functions that trap as `denied` when called (such
    /// as `wasi:http/outgoing-handler` in StarlingMonkey's default build).
    pub fn denied_imports(&self) -> &[String] {
        &self.inner.denied_imports
    }

    /// What compiling the component cost when it was loaded.
    pub fn compile_stats(&self) -> CompileStats {
        self.inner.compile
    }

    /// The contract version the plugin targets.
    pub fn contract_version(&self) -> ContractVersion {
        self.inner.version
    }

    /// The plugin's catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    /// The same plugin with another catalog (prices changed, code did not):
    /// no recompilation, no relinking.
    pub fn with_catalog(&self, catalog: Catalog) -> Plugin {
        self.rebuilt(Arc::new(catalog), self.inner.limits.clone())
    }

    /// The same plugin under tighter limits (an operator's choice for this
    /// brand); refused if an override would loosen a runtime limit.
    pub fn with_limits(&self, overrides: &PluginLimits) -> Result<Plugin, LimitsError> {
        let limits = self.inner.shared.limits.tightened(overrides)?;
        Ok(self.rebuilt(self.inner.catalog.clone(), Arc::new(limits)))
    }

    /// The limits this plugin's calls run under.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    fn rebuilt(&self, catalog: Arc<Catalog>, limits: Arc<Limits>) -> Plugin {
        Plugin {
            inner: Arc::new(Inner {
                shared: self.inner.shared.clone(),
                pre: self.inner.pre.clone(),
                version: self.inner.version,
                sha256: self.inner.sha256.clone(),
                size_bytes: self.inner.size_bytes,
                info: self.inner.info.clone(),
                catalog,
                limits,
                health: self.inner.health.clone(),
                compile: self.inner.compile,
                ignored_exports: self.inner.ignored_exports.clone(),
                denied_imports: self.inner.denied_imports.clone(),
            }),
        }
    }

    pub(super) fn health(&self) -> &Health {
        &self.inner.health
    }

    /// Whether the plugin's recent calls got it suspended, and for how long
    /// (see [`Admitted`](super::Admitted)).
    pub fn health_status(&self) -> HealthStatus {
        self.inner.health.status(Instant::now())
    }

    /// Suspends this plugin for `length` at least, as if it had failed
    /// `failures` calls in a row here: what another node on the same
    /// database found (see the platform's shared suspensions).
    pub fn suspend_for(&self, length: Duration, failures: u32) {
        self.inner
            .health
            .suspend_until(Instant::now() + length, failures);
    }

    /// Whether the plugin declared a category prefix covering `category`.
    pub fn serves(&self, category: &str) -> bool {
        self.inner
            .info
            .categories
            .iter()
            .any(|prefix| vitrine_types::category_is_under(category, prefix))
    }

    /// Calls `describe` in a fresh sandbox, under the longer describe
    /// deadline (it runs once, at load).
    pub fn describe(&self) -> Result<BrandInfo, CallError> {
        let deadline = self.inner.limits.describe_deadline;
        let (result, _) = self.run_within(
            deadline,
            Instant::now() + deadline,
            Meter::On,
            |brand, store| brand.vitrine_brand_bidder().call_describe(store),
        );
        result.map(v0_1::brand_info_from_wit)
    }

    /// Asks for offers with the default deadline. Blocks the calling thread
    /// for at most the deadline plus one epoch tick; do not call it on an
    /// async executor's thread (use [`fan_out`](super::fan_out) there).
    pub fn call(&self, request: &OfferRequest) -> CallReport {
        self.call_until(request, Instant::now() + self.inner.limits.deadline)
    }

    /// Asks for offers; the call is interrupted at `deadline`.
    pub(crate) fn call_until(&self, request: &OfferRequest, deadline: Instant) -> CallReport {
        self.offers(request, deadline, Meter::On)
    }

    /// [`Plugin::call`] without the host-work meter (`runtime::metering`):
    /// for the benchmarks only, to measure what the meter costs. Never
    /// used to serve a decision.
    #[doc(hidden)]
    pub fn call_unmetered(&self, request: &OfferRequest) -> CallReport {
        self.offers(
            request,
            Instant::now() + self.inner.limits.deadline,
            Meter::Off,
        )
    }

    fn offers(&self, request: &OfferRequest, deadline: Instant, meter: Meter) -> CallReport {
        let started = Instant::now();
        let limits = &*self.inner.limits;
        let deadline = deadline.min(started + limits.deadline);
        if let Err(e) = request.validate() {
            return CallReport::refused(
                CallError::InvalidInput {
                    reason: e.to_string(),
                },
                started.elapsed(),
            );
        }
        let size = output::request_bytes(request);
        if size > limits.input_bytes {
            return CallReport::refused(
                CallError::InvalidInput {
                    reason: format!(
                        "the request is {size} bytes; the limit is {}",
                        limits.input_bytes
                    ),
                },
                started.elapsed(),
            );
        }
        let wit_request = v0_1::request_to_wit(request);
        let (result, mut report) = self.run(deadline, meter, |brand, store| {
            brand
                .vitrine_brand_bidder()
                .call_offers(store, &wit_request)
        });
        report.outcome = match result {
            Err(e) => Err(e),
            Ok(Err(bid_error)) => Err(CallError::PluginError(v0_1::bid_error_from_wit(bid_error))),
            Ok(Ok(offers)) => match output::check_answer(limits, request.max_offers, &offers) {
                Err(reason) => Err(CallError::InvalidOutput { reason }),
                Ok(()) => {
                    let offers: Vec<_> = offers.into_iter().map(v0_1::offer_from_wit).collect();
                    match offers.iter().try_for_each(vitrine_types::check_ranges) {
                        Ok(()) => Ok(offers),
                        Err(reason) => Err(CallError::InvalidOutput { reason }),
                    }
                }
            },
        };
        report.wall_time = started.elapsed();
        report
    }

    /// Runs `f` on a fresh instance under every limit; returns its result and
    /// a report carrying the measurements (its outcome is left for the caller).
    fn run<R>(
        &self,
        deadline: Instant,
        meter: Meter,
        f: impl FnOnce(&v0_1::Brand, &mut Store<CallState>) -> wasmtime::Result<R>,
    ) -> (Result<R, CallError>, CallReport) {
        self.run_within(self.inner.limits.deadline, deadline, meter, f)
    }

    /// [`Plugin::run`] with `nominal` as the deadline reported on timeout.
    fn run_within<R>(
        &self,
        nominal: Duration,
        deadline: Instant,
        meter: Meter,
        f: impl FnOnce(&v0_1::Brand, &mut Store<CallState>) -> wasmtime::Result<R>,
    ) -> (Result<R, CallError>, CallReport) {
        let started = Instant::now();
        let limits = &*self.inner.limits;
        let remaining = deadline.saturating_duration_since(started);
        if remaining.is_zero() {
            let timeout = CallError::Timeout {
                deadline_ms: nominal.as_millis() as u64,
            };
            return (
                Err(timeout.clone()),
                CallReport::refused(timeout, Duration::ZERO),
            );
        }
        let mut store = self.store(deadline, meter);
        let result = self
            .inner
            .pre
            .instantiate(&mut store)
            .and_then(|brand| f(&brand, &mut store));
        let fuel_left = store.get_fuel().unwrap_or(0);
        let result = result.map_err(|e| classify(&e, store.data(), limits, remaining));
        let state = store.into_data();
        let peak = state.limiter.peak_bytes as u64;
        let host_fuel = state.host.charged;
        let cpu_time = state.clock.cpu_time();
        let (log, stdout, stderr) = state.into_diagnostics();
        let report = CallReport {
            outcome: Ok(Vec::new()),
            fuel_used: limits.fuel.saturating_sub(fuel_left),
            host_fuel,
            peak_memory_bytes: peak,
            wall_time: started.elapsed(),
            cpu_time,
            log,
            stdout,
            stderr,
        };
        (result, report)
    }

    /// A fresh store for one call that must end by `deadline`, under every
    /// limit: fuel, the transfer limit, the deadline and CPU clock
    /// (`runtime::clock`), the memory limiter and the host-work meter.
    fn store(&self, deadline: Instant, meter: Meter) -> Store<CallState> {
        let shared = &self.inner.shared;
        let limits = &*self.inner.limits;
        let clock = CallClock::new(deadline, limits.epoch_tick);
        let mut store = Store::new(
            &shared.engine,
            CallState::new(limits, self.inner.catalog.clone(), clock),
        );
        store.limiter(|state| &mut state.limiter);
        store
            .set_fuel(limits.fuel)
            .expect("fuel is enabled on the engine");
        store.set_hostcall_fuel(limits.transfer_bytes);
        clock::arm(&mut store);
        if meter == Meter::On {
            store.call_hook(super::metering::hook::<CallState>);
        }
        store
    }
}

/// Whether a call's host work is charged to its fuel (always, but in one
/// benchmark that measures what charging costs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meter {
    On,
    Off,
}

/// Time spent in each phase of one isolated call (see [`Plugin::call_phased`]),
/// for the benchmarks.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallPhases {
    /// Building the store and its per-call state (WASI, limiter, log).
    pub setup: Duration,
    /// Instantiating the component from its `InstancePre`.
    pub instantiate: Duration,
    /// Lowering the request, running the plugin, lifting the answer.
    pub call: Duration,
    /// Dropping the store: the instance's slots are reset for reuse.
    pub teardown: Duration,
}

impl Plugin {
    /// Runs one production call and times each of its phases; used by the
    /// benchmarks to show where an isolated call's time goes.
    #[doc(hidden)]
    pub fn call_phased(&self, request: &OfferRequest) -> Result<CallPhases, CallError> {
        let limits = &*self.inner.limits;
        let wit_request = v0_1::request_to_wit(request);
        let t0 = Instant::now();
        let mut store = self.store(t0 + limits.deadline, Meter::On);
        let t1 = Instant::now();
        let brand = self
            .inner
            .pre
            .instantiate(&mut store)
            .map_err(|e| classify(&e, store.data(), limits, limits.deadline))?;
        let t2 = Instant::now();
        let answer = brand
            .vitrine_brand_bidder()
            .call_offers(&mut store, &wit_request)
            .map_err(|e| classify(&e, store.data(), limits, limits.deadline))?;
        std::hint::black_box(answer.map(|offers| offers.len()).ok());
        let t3 = Instant::now();
        drop(store);
        let t4 = Instant::now();
        Ok(CallPhases {
            setup: t1 - t0,
            instantiate: t2 - t1,
            call: t3 - t2,
            teardown: t4 - t3,
        })
    }
}

fn check_header(wasm: &[u8], limit: usize) -> Result<(), LoadError> {
    if wasm.is_empty() {
        return Err(LoadError::Empty);
    }
    if wasm.len() > limit {
        return Err(LoadError::TooLarge {
            size: wasm.len(),
            limit,
        });
    }
    if wasm.len() < 8 || wasm[..4] != COMPONENT_HEADER[..4] {
        return Err(LoadError::NotWasm);
    }
    if wasm[..8] == CORE_MODULE_HEADER {
        return Err(LoadError::CoreModule);
    }
    if wasm[..8] != COMPONENT_HEADER {
        return Err(LoadError::Malformed {
            detail: format!("unsupported binary version {:02x?}", &wasm[4..8]),
        });
    }
    Ok(())
}

/// The component compiled before under `sha256`, mapped from the artifact
/// cache, if the runtime has one and it holds a loadable artifact.
fn mapped(shared: &Shared, sha256: &str) -> Option<(Component, CompileStats)> {
    let started = Instant::now();
    let component = shared.cache.as_ref()?.load(&shared.engine, sha256)?;
    let stats = CompileStats {
        cached: true,
        wall_ms: started.elapsed().as_millis() as u64,
        ..CompileStats::default()
    };
    Some((component, stats))
}

/// The compiled component: mapped from the artifact cache, or compiled
/// (within the compile bounds, see `runtime::compile`) and cached.
fn compile_cached(
    shared: &Shared,
    wasm: &[u8],
    sha256: &str,
) -> Result<(Component, CompileStats), LoadError> {
    if let Some(mapped) = mapped(shared, sha256) {
        return Ok(mapped);
    }
    let (component, artifact, stats) = compile::compile(
        &shared.engine,
        &shared.limits,
        &shared.tuning,
        &shared.worker,
        wasm,
    )?;
    if let Some(cache) = &shared.cache {
        match artifact {
            Some(bytes) => cache.store_bytes(sha256, &bytes),
            None => cache.store(sha256, &component),
        }
    }
    Ok((component, stats))
}

fn check_description(info: &BrandInfo) -> Result<(), LoadError> {
    let bad = |detail: String| Err(LoadError::BadDescription { detail });
    if info.name.trim().is_empty() || info.name.chars().count() > 64 {
        return bad("name must be 1 to 64 characters".into());
    }
    if info.version.trim().is_empty() || info.version.len() > 32 {
        return bad("version must be 1 to 32 characters".into());
    }
    if info.contact.len() > 128 {
        return bad("contact must be at most 128 characters".into());
    }
    if info.categories.is_empty() || info.categories.len() > 32 {
        return bad("between 1 and 32 category prefixes must be declared".into());
    }
    if let Some(c) = info.categories.iter().find(|c| !is_category_path(c)) {
        return bad(format!(
            "category {c:?} is not a taxonomy path (lower-case segments joined by '/')"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_tell_empty_non_wasm_core_and_component_apart() {
        assert_eq!(check_header(b"", 100), Err(LoadError::Empty));
        assert_eq!(check_header(b"hello world", 100), Err(LoadError::NotWasm));
        assert_eq!(
            check_header(&CORE_MODULE_HEADER, 100),
            Err(LoadError::CoreModule)
        );
        assert_eq!(check_header(&COMPONENT_HEADER, 100), Ok(()));
        assert!(matches!(
            check_header(&[0u8; 200], 100),
            Err(LoadError::TooLarge {
                size: 200,
                limit: 100
            })
        ));
    }

    #[test]
    fn descriptions_need_a_name_and_taxonomy_categories() {
        let good = BrandInfo {
            name: "Dairy".into(),
            version: "1.0.0".into(),
            categories: vec!["food/dairy".into()],
            contact: "a@b.example".into(),
        };
        assert_eq!(check_description(&good), Ok(()));
        for bad in [
            BrandInfo {
                name: " ".into(),
                ..good.clone()
            },
            BrandInfo {
                categories: vec![],
                ..good.clone()
            },
            BrandInfo {
                categories: vec!["*".into()],
                ..good.clone()
            },
            BrandInfo {
                categories: vec!["Food".into()],
                ..good.clone()
            },
        ] {
            assert!(check_description(&bad).is_err(), "{bad:?}");
        }
    }
}

//! The one wasmtime [`Engine`] per process, and the thread that advances its
//! epoch.
//!
//! Configuration, and why:
//! - **Pooling allocator**: instance memories, tables and metadata come from
//!   slots reserved once at start-up, so a fresh instance per call costs a few
//!   microseconds instead of `mmap`/`munmap` per call. Slots keep their
//!   affinity to a module, so the copy-on-write image of a plugin's data stays
//!   mapped between its calls.
//! - **Copy-on-write memory images**: a plugin's initial memory is mapped,
//!   not copied, on every instantiation.
//! - **Fuel**: a deterministic instruction budget per call, so the same
//!   request uses the same fuel on every machine (reported per call).
//! - **Epoch interruption**: the cheap wall-clock deadline. A background
//!   thread bumps the epoch every tick; a call whose deadline (in ticks) has
//!   passed traps at its next loop header or function entry.
//! - **Bounded wasm stack**: deep recursion traps cleanly.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig,
};

use super::error::LoadError;
use super::limits::Limits;

/// How the engine is tuned: performance knobs that change no behaviour a
/// plugin can observe. The defaults are the fastest configuration measured on
/// our reference machine (see docs/BENCHMARKS.md, "Where the time goes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tuning {
    /// Bytes at the start of each linear memory that are reset in place
    /// (only the pages the plugin dirtied, found with Linux's `PAGEMAP_SCAN`)
    /// instead of being given back with `madvise`. Pages kept resident are not
    /// faulted in again by the next instance. Default 4 MiB, above a Rust
    /// plugin's footprint (1 MiB of stack plus data and heap).
    pub memory_keep_resident: usize,
    /// Same, for tables. Default 64 KiB.
    pub table_keep_resident: usize,
    /// Use Linux's `PAGEMAP_SCAN` (kernel 6.7+) to find the pages a plugin
    /// dirtied, so that only those are reset in place. Without it wasmtime
    /// resets the whole `memory_keep_resident` prefix with `memset` on every
    /// call, which for a Rust plugin means clearing its entire 1 MiB stack
    /// each time. Default on ("auto": used when the kernel supports it).
    pub pagemap_scan: bool,
    /// Slots kept warm for modules that are not currently instantiated, so
    /// that each plugin finds its copy-on-write image still mapped. Default
    /// 1,000 (wasmtime's is 100).
    pub max_unused_warm_slots: u32,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            memory_keep_resident: 4 << 20,
            table_keep_resident: 64 << 10,
            pagemap_scan: true,
            max_unused_warm_slots: 1_000,
        }
    }
}

/// Builds the engine for `limits`.
pub(crate) fn build_engine(limits: &Limits, tuning: &Tuning) -> Result<Engine, LoadError> {
    Engine::new(&engine_config(limits, tuning)).map_err(|e| LoadError::Engine {
        detail: format!("{e:#}"),
    })
}

/// An engine that compiles exactly as [`build_engine`]'s does (its machine
/// code loads there) but instantiates nothing: the compile worker's. It
/// allocates instances on demand, so that its own memory bound counts the
/// compiler's allocations, not the pooling allocator's reservations.
pub(crate) fn build_compile_engine(limits: &Limits, tuning: &Tuning) -> Result<Engine, LoadError> {
    let mut config = engine_config(limits, tuning);
    config.allocation_strategy(InstanceAllocationStrategy::OnDemand);
    Engine::new(&config).map_err(|e| LoadError::Engine {
        detail: format!("{e:#}"),
    })
}

/// The engine's configuration for `limits`.
fn engine_config(limits: &Limits, tuning: &Tuning) -> Config {
    let mut pool = PoolingAllocationConfig::new();
    let slots = limits.concurrent_calls;
    pool.total_component_instances(slots)
        .total_core_instances(
            slots
                .saturating_mul(4)
                .max(limits.core_instances_per_component),
        )
        // Pool-wide totals follow what plugins typically hold (one memory,
        // a few tables and instances each), not the per-component maxima: a
        // call of a component with more takes more slots from the pool.
        .total_memories(slots.saturating_mul(2).max(limits.memories_per_component))
        .total_tables(slots.saturating_mul(4).max(limits.tables_per_component))
        .total_stacks(0)
        .max_core_instances_per_component(limits.core_instances_per_component)
        .max_memories_per_component(limits.memories_per_component)
        .max_tables_per_component(limits.tables_per_component)
        .max_memory_size(limits.memory_bytes)
        .table_elements(limits.table_elements)
        .max_unused_warm_slots(tuning.max_unused_warm_slots.min(slots))
        .linear_memory_keep_resident(tuning.memory_keep_resident)
        .table_keep_resident(tuning.table_keep_resident)
        .pagemap_scan(if tuning.pagemap_scan {
            Enabled::Auto
        } else {
            Enabled::No
        });

    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .consume_fuel(true)
        .epoch_interruption(true)
        .max_wasm_stack(limits.wasm_stack_bytes)
        .memory_init_cow(true)
        .cranelift_opt_level(OptLevel::Speed)
        .parallel_compilation(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    config
}

/// A key that changes whenever a precompiled artifact would stop being valid
/// for `engine`: the wasmtime version and every setting that affects code.
pub fn engine_fingerprint(engine: &Engine) -> String {
    struct Sha(Sha256);
    impl Hasher for Sha {
        fn finish(&self) -> u64 {
            0
        }
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
    }
    let mut hasher = Sha(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let digest = hasher.0.finalize();
    format!("wasmtime-48-{}", &hex::encode(digest)[..16])
}

/// Advances the engine's epoch every `tick` until dropped.
pub(crate) struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    /// Starts the ticking thread.
    pub fn start(engine: Engine, tick: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("vitrine-epoch".into())
            .spawn(move || {
                // Ticks follow the wall clock, not the count of sleeps: a
                // sleep lasts a little longer than asked (more on a loaded
                // machine), and 50 sleeps of 1 ms would let a looping plugin
                // run well past a 50 ms deadline. Missed ticks are caught up.
                let started = Instant::now();
                let tick_nanos = tick.as_nanos().max(1);
                let mut ticks: u128 = 0;
                while !flag.load(Ordering::Relaxed) {
                    let next = started + Duration::from_nanos(((ticks + 1) * tick_nanos) as u64);
                    std::thread::sleep(next.saturating_duration_since(Instant::now()));
                    let due = started.elapsed().as_nanos() / tick_nanos;
                    while ticks < due {
                        engine.increment_epoch();
                        ticks += 1;
                    }
                }
            })
            .expect("spawning the epoch thread");
        EpochTicker {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

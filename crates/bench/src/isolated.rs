//! One isolated plugin call on the production path (fresh instance, every
//! limit on, WASI denied) for each sample brand, against the floor, measured
//! in the same interleaved run; plus where each call's time goes.

use std::time::Duration;

use serde::Serialize;

use super::floor::Floor;
use super::native::dairy_offers;
use super::plain::PlainPlugin;
use super::stats::{Interleaved, Stats};
use super::v8::NodeBidder;
use vitrine_runtime::{Limits, Runtime};
use vitrine_sim::samples::{SAMPLES, Sample};
use vitrine_types::OfferRequest;

/// The floor and each sample's production call, with their ratios; and the
/// dairy sample against the same logic outside the production path.
#[derive(Debug, Clone, Serialize)]
pub struct IsolatedCallReport {
    /// The dairy sample on the production path, p50 (µs).
    pub production_us: f64,
    /// The floor, p50 (µs).
    pub floor_us: f64,
    /// The dairy component on plain wasmtime, p50 (µs).
    pub same_component_plain_us: f64,
    /// The dairy's logic in native Rust, p50 (µs).
    pub native_us: f64,
    /// The dairy's logic in JavaScript in a fresh V8 context, p50 (µs); null
    /// when Node is not installed.
    pub v8_fresh_context_us: Option<f64>,
    /// Production / floor: the median of per-round ratios of p50s.
    pub ratio_to_floor: f64,
    /// Production / same component on plain wasmtime: what the host adds.
    pub ratio_to_same_component_plain: f64,
    /// Production / native: what the sandbox costs in all.
    pub ratio_to_native: f64,
    /// V8 fresh context / production.
    pub v8_ratio_to_production: Option<f64>,
    /// The dairy on the production path without the host-work meter, p50
    /// (µs): what the meter costs is `production_us` minus this.
    pub unmetered_us: f64,
    /// Production / production without the host-work meter (median of
    /// per-round ratios): the meter's cost as a ratio.
    pub ratio_to_unmetered: f64,
    /// The dairy on the production path.
    pub production: Stats,
    /// The dairy component on plain wasmtime (default pooling engine, stock
    /// WASI with an empty context, no limits).
    pub same_component_plain: Stats,
    /// The dairy's logic in native Rust (`bench::native`).
    pub native: Stats,
    /// The dairy on the production path, host-work meter off.
    pub unmetered: Stats,
    /// The dairy's logic in JavaScript, a fresh V8 context per call.
    pub v8_fresh_context: Option<Stats>,
    /// The minimal component on plain wasmtime with the default pooling
    /// allocator: the reference the targets are stated against.
    pub floor: Stats,
    /// The same minimal component on the production engine (fuel, epochs,
    /// Vitrine's pool tuning): what the engine alone costs.
    pub floor_on_production_engine: Stats,
    /// Each sample brand on the production path.
    pub samples: Vec<SampleCall>,
}

/// One sample's production call.
#[derive(Debug, Clone, Serialize)]
pub struct SampleCall {
    /// The sample's name.
    pub name: &'static str,
    /// Its latency.
    pub stats: Stats,
    /// Median over rounds of (this sample's round p50 / the floor's).
    pub ratio_to_floor: f64,
    /// Same, against the floor on the production engine.
    pub ratio_to_floor_on_production_engine: f64,
    /// Fuel used by one call.
    pub fuel_used: u64,
    /// Peak linear memory of one call.
    pub peak_memory_bytes: u64,
    /// Mean time per phase, in microseconds.
    pub phases_us: Phases,
}

/// Mean time spent in each phase of a call, in microseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Phases {
    /// Store and per-call state.
    pub setup: f64,
    /// Instantiation from the `InstancePre`.
    pub instantiate: f64,
    /// Lowering, running, lifting.
    pub call: f64,
    /// Dropping the store and resetting the slots.
    pub teardown: f64,
}

/// A plugin to measure beside the samples (`vitrine-bench run --plugin`).
pub struct ExtraPlugin {
    /// Its label in the report.
    pub name: &'static str,
    /// The component.
    pub wasm: Vec<u8>,
    /// Its catalog, JSON.
    pub catalog_json: Vec<u8>,
    /// The request to send it.
    pub request: OfferRequest,
}

/// Measures the floors and every sample (and `extra`, if given): `rounds`
/// interleaved rounds of `per_round` calls each, after a warm-up; then
/// `per_round * 10` phased calls per plugin.
pub fn isolated_call(
    rounds: usize,
    per_round: usize,
    extra: Option<ExtraPlugin>,
) -> anyhow::Result<IsolatedCallReport> {
    let runtime = Runtime::new(Limits::default())?;
    let floor = Floor::new().map_err(|e| anyhow::anyhow!("{e:#}"))?;
    let floor_prod = Floor::on_engine(runtime.engine()).map_err(|e| anyhow::anyhow!("{e:#}"))?;
    let mut plugins = Vec::new();
    for sample in SAMPLES {
        plugins.push((sample.name, sample.load(&runtime)?, sample.request()));
    }
    if let Some(extra) = extra {
        let catalog = runtime.parse_catalog(&extra.catalog_json)?;
        plugins.push((
            extra.name,
            runtime.load(&extra.wasm, catalog)?,
            extra.request,
        ));
    }
    let dairy = Sample::named("dairy").expect("the dairy sample");
    let dairy_request = dairy.request();
    let dairy_catalog = dairy.catalog(&runtime)?;
    let plain = PlainPlugin::new(dairy.wasm, dairy_catalog.clone())
        .map_err(|e| anyhow::anyhow!("dairy on plain wasmtime: {e:#}"))?;
    let mut node = NodeBidder::start(&dairy_request, dairy.catalog_json)?;
    let dairy_plugin = dairy.load(&runtime)?;
    let mut bench = Interleaved::new();
    bench.add("floor", || {
        std::hint::black_box(floor.call());
    });
    bench.add("floor on production engine", || {
        std::hint::black_box(floor_prod.call());
    });
    bench.add("dairy, same component on plain wasmtime", || {
        let offers = plain.call(&dairy_request).expect("plain dairy bids");
        std::hint::black_box(offers);
    });
    bench.add("dairy, production without the host-work meter", || {
        let report = dairy_plugin.call_unmetered(&dairy_request);
        assert!(report.outcome.is_ok(), "{:?}", report.outcome);
        std::hint::black_box(report);
    });
    bench.add("dairy, native Rust", || {
        let offers = dairy_offers(&dairy_request, &dairy_catalog).expect("native dairy bids");
        std::hint::black_box(offers);
    });
    if let Some(node) = node.as_mut() {
        bench.add_timed("dairy, JavaScript in a fresh V8 context", move |n| {
            node.round(n).expect("node answers a round")
        });
    }
    for (name, plugin, request) in &plugins {
        bench.add(name, move || {
            let report = plugin.call(request);
            assert!(report.outcome.is_ok(), "{name}: {:?}", report.outcome);
            std::hint::black_box(report);
        });
    }
    let results = bench.run(200, rounds, per_round);
    let others = if node.is_some() { 6 } else { 5 };
    let (fixed, sample_results) = results.split_at(others);
    let floors = &fixed[..2];
    let (plain, unmetered, native, v8) = (&fixed[2], &fixed[3], &fixed[4], fixed.get(5));
    let production = sample_results
        .iter()
        .find(|m| m.name == "dairy")
        .expect("the dairy sample is measured");
    let mut samples = Vec::new();
    for (measured, (name, plugin, request)) in sample_results.iter().zip(&plugins) {
        let report = plugin.call(request);
        let n = per_round * 10;
        let mut sum = [Duration::ZERO; 4];
        for _ in 0..n {
            let p = plugin.call_phased(request)?;
            for (s, d) in sum
                .iter_mut()
                .zip([p.setup, p.instantiate, p.call, p.teardown])
            {
                *s += d;
            }
        }
        let mean = |d: Duration| d.as_nanos() as f64 / n as f64 / 1_000.0;
        samples.push(SampleCall {
            name,
            stats: measured.stats,
            ratio_to_floor: measured.ratio_to(&floors[0]),
            ratio_to_floor_on_production_engine: measured.ratio_to(&floors[1]),
            fuel_used: report.fuel_used,
            peak_memory_bytes: report.peak_memory_bytes,
            phases_us: Phases {
                setup: mean(sum[0]),
                instantiate: mean(sum[1]),
                call: mean(sum[2]),
                teardown: mean(sum[3]),
            },
        });
    }
    Ok(IsolatedCallReport {
        production_us: production.stats.p50_us,
        floor_us: floors[0].stats.p50_us,
        same_component_plain_us: plain.stats.p50_us,
        native_us: native.stats.p50_us,
        v8_fresh_context_us: v8.map(|m| m.stats.p50_us),
        ratio_to_floor: production.ratio_to(&floors[0]),
        ratio_to_same_component_plain: production.ratio_to(plain),
        ratio_to_native: production.ratio_to(native),
        v8_ratio_to_production: v8.map(|m| m.ratio_to(production)),
        unmetered_us: unmetered.stats.p50_us,
        ratio_to_unmetered: production.ratio_to(unmetered),
        production: production.stats,
        same_component_plain: plain.stats,
        native: native.stats,
        unmetered: unmetered.stats,
        v8_fresh_context: v8.map(|m| m.stats),
        floor: floors[0].stats,
        floor_on_production_engine: floors[1].stats,
        samples,
    })
}

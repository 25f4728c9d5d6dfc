//! One isolated plugin call on the production path (fresh instance, every
//! limit on, WASI denied) for each sample brand, against the floor, measured
//! in the same interleaved run; plus where each call's time goes.

use std::time::Duration;

use serde::Serialize;

use super::floor::Floor;
use super::stats::{Interleaved, Stats};
use crate::model::OfferRequest;
use crate::runtime::{Limits, Runtime};
use crate::samples::SAMPLES;

/// The floor and each sample's production call, with their ratios.
#[derive(Debug, Clone, Serialize)]
pub struct IsolatedCallReport {
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

/// A plugin to measure beside the samples (`vitrine bench --plugin`).
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
    let mut bench = Interleaved::new();
    bench.add("floor", || {
        std::hint::black_box(floor.call());
    });
    bench.add("floor on production engine", || {
        std::hint::black_box(floor_prod.call());
    });
    for (name, plugin, request) in &plugins {
        bench.add(name, move || {
            let report = plugin.call(request);
            assert!(report.outcome.is_ok(), "{name}: {:?}", report.outcome);
            std::hint::black_box(report);
        });
    }
    let results = bench.run(200, rounds, per_round);
    let (floors, sample_results) = results.split_at(2);
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
        floor: floors[0].stats,
        floor_on_production_engine: floors[1].stats,
        samples,
    })
}

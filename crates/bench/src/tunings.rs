//! The engine tunings that led to the defaults, replayed in one interleaved
//! run on one sample, so that docs/BENCHMARKS.md's "Where the time goes"
//! can be reproduced: `vitrine-bench run --tunings`.

use serde::Serialize;

use super::floor::Floor;
use super::stats::{Interleaved, Stats};
use vitrine_runtime::{Limits, Runtime, Tuning};
use vitrine_sim::samples::Sample;

/// One tuning's result.
#[derive(Debug, Clone, Serialize)]
pub struct TuningResult {
    /// What was changed.
    pub name: &'static str,
    /// Latency of the dairy sample's call.
    pub stats: Stats,
    /// Median over rounds of (round p50 / floor's round p50).
    pub ratio_to_floor: f64,
}

/// The configurations compared, from wasmtime's pooling defaults to ours.
pub fn candidates() -> Vec<(&'static str, Tuning)> {
    let ours = Tuning::default();
    vec![
        (
            "pool defaults (no keep-resident)",
            Tuning {
                memory_keep_resident: 0,
                table_keep_resident: 0,
                pagemap_scan: false,
                ..ours
            },
        ),
        (
            "keep 4 MiB resident, no PAGEMAP_SCAN",
            Tuning {
                pagemap_scan: false,
                ..ours
            },
        ),
        ("keep 4 MiB resident + PAGEMAP_SCAN (default)", ours),
    ]
}

/// Measures the dairy sample under each candidate tuning, interleaved with
/// the floor.
pub fn compare_tunings(rounds: usize, per_round: usize) -> anyhow::Result<Vec<TuningResult>> {
    let dairy = Sample::named("dairy").expect("the dairy sample exists");
    let request = dairy.request();
    let floor = Floor::new().map_err(|e| anyhow::anyhow!("{e:#}"))?;
    let mut plugins = Vec::new();
    for (name, tuning) in candidates() {
        let runtime = Runtime::build(Limits::default(), tuning, None)?;
        plugins.push((name, dairy.load(&runtime)?));
    }
    let mut bench = Interleaved::new();
    bench.add("floor", || {
        std::hint::black_box(floor.call());
    });
    for (name, plugin) in &plugins {
        let request = &request;
        bench.add(name, move || {
            std::hint::black_box(plugin.call(request));
        });
    }
    let results = bench.run(200, rounds, per_round);
    Ok(results[1..]
        .iter()
        .map(|m| TuningResult {
            name: m.name,
            stats: m.stats,
            ratio_to_floor: m.ratio_to(&results[0]),
        })
        .collect())
}

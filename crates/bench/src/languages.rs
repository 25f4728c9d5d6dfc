//! Plugins in Rust, Python and JavaScript on the production path, in one
//! interleaved run: per-call time, fuel and peak memory of the chocolatier
//! (Rust), the bakery (Python, componentize-py) and the florist (JavaScript,
//! componentize-js), against the dairy's logic in a fresh V8 context (Node's
//! `vm`, as `vitrine-bench run` measures it); plus each one's compile time at
//! upload and the resident memory it adds once loaded and called.

use anyhow::Context as _;
use serde::Serialize;

use super::memory::resident_bytes;
use super::stats::{Interleaved, Stats};
use super::v8::NodeBidder;
use vitrine_runtime::{Limits, Runtime, Tuning};
use vitrine_sim::samples::{Sample, other_languages};

/// One language's sample.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageRow {
    /// `rust`, `python` or `javascript`.
    pub language: &'static str,
    /// The sample's name.
    pub sample: &'static str,
    /// The component's size.
    pub component_bytes: usize,
    /// Compiling it at upload: wall time (ms), on every core.
    pub compile_wall_ms: u64,
    /// Compiling it at upload: CPU time (ms), when measured.
    pub compile_cpu_ms: Option<u64>,
    /// One call on the production path (fresh instance), from the
    /// interleaved run.
    pub call: Stats,
    /// This call's p50 over the Rust sample's (median of per-round ratios).
    pub ratio_to_rust: f64,
    /// Fuel one call uses.
    pub fuel_used: u64,
    /// Peak linear memory of one call.
    pub peak_memory_bytes: u64,
    /// Resident memory the process gained by loading it and calling it 200
    /// times (its code, its copy-on-write image as touched, its slots).
    pub resident_bytes: u64,
    /// Mean time of a call's phases over 500 calls, µs: setup,
    /// instantiate (mapping the copy-on-write image into a pooled slot),
    /// the call itself, teardown (resetting the slot).
    pub phases_us: [f64; 4],
}

/// The run's results.
#[derive(Debug, Clone, Serialize)]
pub struct LanguagesReport {
    /// One row per language whose sample was built.
    pub rows: Vec<LanguageRow>,
    /// The dairy's logic in JavaScript, a fresh V8 context per call; null
    /// when Node is not installed.
    pub v8_fresh_context: Option<Stats>,
    /// The V8 contender's p50 over the Rust sample's.
    pub v8_ratio_to_rust: Option<f64>,
    /// What was not built, and why.
    pub missing: Vec<String>,
}

/// What else a run compares in the same interleaved rounds, beside the
/// shipped samples on the default engine.
#[derive(Debug, Clone, Default)]
pub struct LanguagesExtras {
    /// Other builds of a sample (`florist`, `bakery`), each run with that
    /// sample's catalog and request: a toolchain or SDK change measured
    /// against the shipped build.
    pub variants: Vec<(String, std::path::PathBuf)>,
    /// The interpreted samples again, on a second engine tuned with this.
    pub tuning: Option<Tuning>,
}

/// Runs the benchmark: `rounds` rounds of `per_round` calls per contender,
/// on an engine tuned with `tuning`, with `extras` in the same rounds.
pub fn languages_bench(
    rounds: usize,
    per_round: usize,
    tuning: Tuning,
    extras: &LanguagesExtras,
) -> anyhow::Result<LanguagesReport> {
    let runtime =
        Runtime::build(Limits::default(), tuning, None).map_err(|e| anyhow::anyhow!("{e}"))?;
    let other = extras
        .tuning
        .map(|t| Runtime::build(Limits::default(), t, None))
        .transpose()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let rust = *Sample::named("chocolatier").context("the chocolatier sample")?;
    let mut samples = vec![("rust", rust, &runtime)];
    for sample in other_languages() {
        samples.push((language_of(sample.name), sample, &runtime));
    }
    for (name, path) in &extras.variants {
        let base = Sample::named(name)
            .filter(|s| s.name == "bakery" || s.name == "florist")
            .with_context(|| format!("{name} is not a Python or JavaScript sample"))?;
        let wasm = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let label = format!("{} [{}]", language_of(name), path.display());
        samples.push((
            Box::leak(label.into_boxed_str()),
            Sample {
                wasm: Box::leak(wasm.into_boxed_slice()),
                ..*base
            },
            &runtime,
        ));
    }
    if let (Some(other), Some(t)) = (&other, extras.tuning) {
        for sample in other_languages() {
            let label = format!(
                "{} [keep resident {} MiB]",
                language_of(sample.name),
                t.memory_keep_resident >> 20
            );
            samples.push((Box::leak(label.into_boxed_str()), sample, other));
        }
    }
    let mut loaded = Vec::new();
    for (language, sample, runtime) in &samples {
        let before = resident_bytes()?;
        let plugin = sample
            .load(runtime)
            .map_err(|e| anyhow::anyhow!("{}: {e}", sample.name))?;
        let request = sample.request();
        let mut report = plugin.call(&request);
        for _ in 0..200 {
            report = plugin.call(&request);
        }
        report
            .outcome
            .as_ref()
            .map_err(|e| anyhow::anyhow!("{}: {e:?}", sample.name))?;
        let resident = resident_bytes()?.saturating_sub(before);
        loaded.push((*language, *sample, plugin, request, report, resident));
    }
    let dairy = Sample::named("dairy").context("the dairy sample")?;
    let mut node = NodeBidder::start(&dairy.request(), dairy.catalog_json)?;
    let mut bench = Interleaved::new();
    for (language, _, plugin, request, _, _) in &loaded {
        bench.add(language, move || {
            std::hint::black_box(plugin.call(request));
        });
    }
    if let Some(node) = node.as_mut() {
        bench.add_timed("v8", move |n| node.round(n).expect("node answers a round"));
    }
    let results = bench.run(50, rounds, per_round);
    let rust_measured = &results[0];
    let rows = loaded
        .iter()
        .zip(&results)
        .map(
            |((language, sample, plugin, _, report, resident), measured)| {
                let compile = plugin.compile_stats();
                let mut phases_us = [0.0; 4];
                for _ in 0..500 {
                    if let Ok(p) = plugin.call_phased(&sample.request()) {
                        for (sum, d) in
                            phases_us
                                .iter_mut()
                                .zip([p.setup, p.instantiate, p.call, p.teardown])
                        {
                            *sum += d.as_secs_f64() * 1e6 / 500.0;
                        }
                    }
                }
                LanguageRow {
                    language,
                    sample: sample.name,
                    component_bytes: sample.wasm.len(),
                    compile_wall_ms: compile.wall_ms,
                    compile_cpu_ms: compile.cpu_ms,
                    call: measured.stats,
                    ratio_to_rust: measured.ratio_to(rust_measured),
                    fuel_used: report.fuel_used,
                    peak_memory_bytes: report.peak_memory_bytes,
                    resident_bytes: *resident,
                    phases_us,
                }
            },
        )
        .collect();
    let v8 = results.get(loaded.len());
    Ok(LanguagesReport {
        rows,
        v8_fresh_context: v8.map(|m| m.stats),
        v8_ratio_to_rust: v8.map(|m| m.ratio_to(rust_measured)),
        missing: vitrine_sim::samples::other_languages_missing()
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
    })
}

fn language_of(sample: &str) -> &'static str {
    if sample == "bakery" {
        "python"
    } else {
        "javascript"
    }
}

/// Prints `report` as the table in docs/BENCHMARKS.md.
pub fn print_languages(report: &LanguagesReport) {
    println!(
        "| language (sample) | component | compile at upload (wall / CPU) | call p50 | p99 | / Rust | fuel | peak memory | resident per plugin |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for r in &report.rows {
        println!(
            "| {} ({}) | {:.1} MB | {:.1} s / {} | {:.0} µs | {:.0} µs | {:.1} | {} | {:.1} MiB | {:.1} MiB |",
            r.language,
            r.sample,
            r.component_bytes as f64 / 1e6,
            r.compile_wall_ms as f64 / 1000.0,
            r.compile_cpu_ms
                .map(|ms| format!("{:.1} s", ms as f64 / 1000.0))
                .unwrap_or_else(|| "-".into()),
            r.call.p50_us,
            r.call.p99_us,
            r.ratio_to_rust,
            r.fuel_used,
            r.peak_memory_bytes as f64 / 1_048_576.0,
            r.resident_bytes as f64 / 1_048_576.0,
        );
    }
    if let (Some(v8), Some(ratio)) = (&report.v8_fresh_context, report.v8_ratio_to_rust) {
        println!(
            "| JavaScript in a fresh V8 context (dairy logic, Node `vm`) | | | {:.0} µs | {:.0} µs | {:.1} | | | |",
            v8.p50_us, v8.p99_us, ratio
        );
    }
    println!();
    println!("| language | setup | instantiate | call | teardown (mean µs) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for r in &report.rows {
        let [s, i, c, t] = r.phases_us;
        println!("| {} | {s:.0} | {i:.0} | {c:.0} | {t:.0} |", r.language);
    }
    for missing in &report.missing {
        println!("not measured: {missing}");
    }
}

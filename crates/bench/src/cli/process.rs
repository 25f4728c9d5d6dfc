//! `vitrine-bench cold-start`, `memory`, `soak` and `report`: the
//! benchmarks that need a process of their own, and the tables
//! (docs/BENCHMARKS.md).

use std::process::ExitCode;

use crate::{cold_start_bench_on, memory_bench};

#[derive(Debug, clap::Args)]
pub(super) struct ColdStartArgs {
    /// Plugin versions registered (one brand each, all enabled).
    #[arg(long, default_value_t = 1_000)]
    versions: usize,
    /// Starts measured with the artifact cache warm.
    #[arg(long, default_value_t = 3)]
    warm_runs: usize,
    /// The `vitrine` binary to start (default: the one beside this
    /// executable, as `cargo build --release -p vitrine` leaves it).
    #[arg(long, value_name = "FILE")]
    vitrine: Option<std::path::PathBuf>,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
    /// The database to prepare and start on: an empty one, such as a fresh
    /// PostgreSQL schema. Default: a temporary SQLite file.
    #[arg(long, value_name = "PATH|URL")]
    db: Option<vitrine_store::Location>,
}

pub(super) fn cold_start(args: ColdStartArgs) -> ExitCode {
    if args.versions == 0 || args.warm_runs == 0 {
        eprintln!("error: versions and warm runs must be positive");
        return ExitCode::from(2);
    }
    let exe = match args
        .vitrine
        .clone()
        .map(Ok)
        .unwrap_or_else(|| std::env::current_exe().map(|exe| exe.with_file_name("vitrine")))
    {
        Ok(exe) if exe.is_file() => exe,
        Ok(exe) => {
            eprintln!(
                "error: no vitrine binary at {} (build it with `cargo build --release -p vitrine`, or pass --vitrine)",
                exe.display()
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: cannot find the vitrine binary to start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cold_start_bench_on(&exe, args.versions, args.warm_runs, args.db.as_ref()) {
        Ok(r) if args.json => {
            println!("{}", serde_json::to_string_pretty(&r).expect("json"));
            ExitCode::SUCCESS
        }
        Ok(r) => {
            let warm: Vec<String> = r.warm_ms.iter().map(|m| format!("{m:.0}")).collect();
            println!(
                "vitrine serve with {} enabled plugin versions, spawn to first answer:",
                r.versions
            );
            println!("  warm artifact cache: {} ms", warm.join(", "));
            println!(
                "  new node (empty cache directory, artifacts in the store): {:.0} ms",
                r.new_node_ms
            );
            println!("  cold (nothing compiled anywhere): {:.0} ms", r.cold_ms);
            println!(
                "  resident after a warm start: {:.0} MiB; preparing the database took {:.1} s",
                r.warm_resident_bytes as f64 / 1_048_576.0,
                r.prepare_ms / 1e3
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, clap::Args)]
pub(super) struct MemoryArgs {
    /// Distinct plugins loaded to measure the cost of each.
    #[arg(long, default_value_t = 100)]
    plugins: usize,
    /// Isolated calls made in all (resident memory is read after 10,000,
    /// 100,000, 250,000, 500,000 and this many, where below it).
    #[arg(long, default_value_t = 1_000_000)]
    calls: u64,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

pub(super) fn memory(args: MemoryArgs) -> ExitCode {
    if args.plugins == 0 || args.calls == 0 {
        eprintln!("error: plugins and calls must be positive");
        return ExitCode::from(2);
    }
    let mut checkpoints: Vec<u64> = [10_000, 100_000, 250_000, 500_000]
        .into_iter()
        .filter(|&c| c < args.calls)
        .collect();
    checkpoints.push(args.calls);
    match memory_bench(args.plugins, &checkpoints) {
        Ok(r) if args.json => {
            println!("{}", serde_json::to_string_pretty(&r).expect("json"));
            ExitCode::SUCCESS
        }
        Ok(r) => {
            println!(
                "resident memory per loaded plugin: {:.0} KiB ({} distinct plugins)",
                r.resident_per_plugin_bytes as f64 / 1024.0,
                r.plugins_loaded
            );
            for (calls, bytes) in &r.resident_after_calls {
                println!(
                    "  after {calls:>9} calls: {:.1} MiB",
                    *bytes as f64 / 1_048_576.0
                );
            }
            println!("  last / first: {:.3}", r.growth_ratio);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, clap::Args)]
pub(super) struct LanguagesArgs {
    /// Rounds of the interleaved run.
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    /// Calls per contender per round.
    #[arg(long, default_value_t = 200)]
    per_round: usize,
    /// Bytes at the start of each linear memory kept resident between
    /// calls (the engine's `memory_keep_resident`), in MiB; the default is
    /// the engine's.
    #[arg(long, value_name = "MIB")]
    keep_resident_mib: Option<usize>,
    /// Also run another build of a sample, `SAMPLE=PATH` (`florist` or
    /// `bakery`), with that sample's catalog and request, in the same
    /// rounds. Repeatable.
    #[arg(long, value_name = "SAMPLE=PATH")]
    variant: Vec<String>,
    /// Also run the interpreted samples on a second engine that keeps this
    /// many MiB of each memory resident, in the same rounds.
    #[arg(long, value_name = "MIB")]
    compare_keep_resident_mib: Option<usize>,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

pub(super) fn languages(args: LanguagesArgs) -> ExitCode {
    if args.rounds == 0 || args.per_round == 0 {
        eprintln!("error: rounds and calls per round must be positive");
        return ExitCode::from(2);
    }
    let mut tuning = vitrine_runtime::Tuning::default();
    if let Some(mib) = args.keep_resident_mib {
        tuning.memory_keep_resident = mib << 20;
    }
    let mut extras = crate::LanguagesExtras::default();
    for variant in &args.variant {
        let Some((sample, path)) = variant.split_once('=') else {
            eprintln!("error: --variant takes SAMPLE=PATH, not {variant:?}");
            return ExitCode::from(2);
        };
        extras.variants.push((sample.to_owned(), path.into()));
    }
    extras.tuning = args
        .compare_keep_resident_mib
        .map(|mib| vitrine_runtime::Tuning {
            memory_keep_resident: mib << 20,
            ..tuning
        });
    match crate::languages_bench(args.rounds, args.per_round, tuning, &extras) {
        Ok(r) if args.json => {
            println!("{}", serde_json::to_string_pretty(&r).expect("json"));
            ExitCode::SUCCESS
        }
        Ok(r) => {
            crate::print_languages(&r);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, clap::Args)]
pub(super) struct ReportArgs {
    /// The directory of results (`scripts/bench.sh` writes them).
    #[arg(long, value_name = "DIR")]
    results: std::path::PathBuf,
    /// The document whose tables are rewritten.
    #[arg(long, value_name = "FILE", default_value = "docs/BENCHMARKS.md")]
    doc: std::path::PathBuf,
}

pub(super) fn report(args: ReportArgs) -> ExitCode {
    let run = || -> anyhow::Result<Vec<String>> {
        let doc = std::fs::read_to_string(&args.doc)?;
        let (new, written) = crate::report::render(&doc, &args.results)?;
        std::fs::write(&args.doc, new)?;
        Ok(written)
    };
    match run() {
        Ok(written) => {
            println!(
                "{}: rewrote {} table(s): {}",
                args.doc.display(),
                written.len(),
                written.join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, clap::Args)]
pub(super) struct SoakArgs {
    /// Length of the run, seconds (at most 600).
    #[arg(long, default_value_t = 300)]
    seconds: u64,
    /// Decisions asked per second (a steady, paced load).
    #[arg(long, default_value_t = 100)]
    rate: u64,
    /// Connections the rate is spread over.
    #[arg(long, default_value_t = 8)]
    connections: usize,
    /// Seconds per reported window.
    #[arg(long, default_value_t = 15)]
    window_secs: u64,
    /// Allowed growth of resident memory after the first window, MiB.
    #[arg(long, default_value_t = 64)]
    rss_bound_mib: u64,
    /// Failed calls in a row after which a plugin is suspended (the
    /// production default, 5); 0 never suspends, so that every hostile
    /// call runs.
    #[arg(long, default_value_t = vitrine_runtime::Limits::default().suspend_after_failures)]
    suspend_after: u32,
    /// Hostile components to register as brands beside the samples and the
    /// embedded looper (refused uploads are listed, not fatal).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    hostile: Vec<std::path::PathBuf>,
    /// Print one JSON document (the windows are printed to stderr as they
    /// end either way).
    #[arg(long)]
    json: bool,
}

pub(super) fn soak(args: SoakArgs) -> ExitCode {
    let mut hostile = Vec::new();
    for path in &args.hostile {
        match std::fs::read(path) {
            Ok(bytes) => {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().replace('_', "-"))
                    .unwrap_or_else(|| "plugin".into());
                let name = name.trim_start_matches("hostile-").to_owned();
                hostile.push((name, bytes));
            }
            Err(e) => {
                eprintln!("error: reading {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    }
    let config = crate::SoakConfig {
        seconds: args.seconds,
        rate: args.rate,
        connections: args.connections,
        window_secs: args.window_secs,
        rss_bound_bytes: args.rss_bound_mib << 20,
        suspend_after_failures: args.suspend_after,
        ..Default::default()
    };
    match crate::soak(config, &hostile) {
        Ok(r) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&r).expect("json"));
            } else {
                println!("brands: {}", r.brands.join(", "));
                for (brand, why) in &r.refused {
                    println!("refused at upload: {brand}: {why}");
                }
                println!("plugin calls by outcome:");
                for (brand, outcomes) in &r.calls {
                    let line: Vec<String> =
                        outcomes.iter().map(|(o, n)| format!("{o} {n}")).collect();
                    println!("  {brand}: {}", line.join(", "));
                }
                println!(
                    "well-behaved brands' failed calls: {} in all, {} after the first window (bound 0)",
                    r.well_behaved_failures, r.well_behaved_failures_after_first_window
                );
                println!(
                    "resident growth after the first window: {:+.1} MiB (bound {} MiB); descriptors {:+} (bound {})",
                    r.rss_growth_bytes as f64 / 1_048_576.0,
                    r.config.rss_bound_bytes >> 20,
                    r.fd_growth,
                    r.config.fd_bound
                );
                println!("{}", if r.passed { "passed" } else { "FAILED" });
            }
            if r.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

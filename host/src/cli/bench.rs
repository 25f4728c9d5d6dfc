//! `vitrine bench`: measure the sandbox on this machine. Prints a table, or
//! one JSON document with `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::bench;

#[derive(Debug, clap::Args)]
pub(super) struct BenchArgs {
    /// Fewer rounds: finishes in seconds, for a quick look or CI.
    #[arg(long)]
    quick: bool,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
    /// Also replay the engine tunings that led to the defaults.
    #[arg(long)]
    tunings: bool,
    /// Also measure this plugin component against the floor.
    #[arg(long, value_name = "FILE", requires = "request")]
    plugin: Option<PathBuf>,
    /// The request for `--plugin` (JSON).
    #[arg(long, value_name = "FILE")]
    request: Option<PathBuf>,
    /// The catalog for `--plugin` (JSON).
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
}

fn extra(args: &BenchArgs) -> anyhow::Result<Option<bench::ExtraPlugin>> {
    let (Some(plugin), Some(request)) = (&args.plugin, &args.request) else {
        return Ok(None);
    };
    let read = |p: &PathBuf| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
    Ok(Some(bench::ExtraPlugin {
        name: "--plugin",
        wasm: read(plugin)?,
        catalog_json: match &args.catalog {
            Some(c) => read(c)?,
            None => b"{}".to_vec(),
        },
        request: serde_json::from_slice(&read(request)?)
            .with_context(|| format!("parsing {}", request.display()))?,
    }))
}

pub(super) fn run(args: BenchArgs) -> ExitCode {
    let (rounds, per_round, decisions) = if args.quick {
        (20, 50, 300)
    } else {
        (100, 200, 3_000)
    };
    let measured = extra(&args).and_then(|extra| {
        let isolated = bench::isolated_call(rounds, per_round, extra)?;
        let decision = bench::decision_bench(decisions)?;
        let tunings = if args.tunings {
            Some(bench::compare_tunings(rounds, per_round)?)
        } else {
            None
        };
        Ok((isolated, decision, tunings))
    });
    let (isolated, decision, tunings) = match measured {
        Ok(results) => results,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        let body = serde_json::json!({
            "isolated_call": isolated,
            "decision": decision,
            "tunings": tunings,
        });
        println!("{}", serde_json::to_string_pretty(&body).expect("json"));
        return ExitCode::SUCCESS;
    }
    println!(
        "isolated call: fresh instance per call, microseconds; ratios are medians of per-round ratios"
    );
    println!(
        "{:<28} {:>7} {:>7} {:>7} {:>8} {:>9} {:>7} {:>8}   phases: setup / instantiate / call / teardown",
        "", "p50", "p90", "p99", "x floor", "x prod-fl", "fuel", "mem KiB"
    );
    for (name, s) in [
        ("floor (plain wasmtime)", isolated.floor),
        (
            "floor on production engine",
            isolated.floor_on_production_engine,
        ),
    ] {
        println!(
            "{name:<28} {:>7.1} {:>7.1} {:>7.1} {:>8} {:>9} {:>7} {:>8}",
            s.p50_us, s.p90_us, s.p99_us, "", "", "", "1024"
        );
    }
    for s in &isolated.samples {
        let p = s.phases_us;
        println!(
            "{:<28} {:>7.1} {:>7.1} {:>7.1} {:>8.2} {:>9.2} {:>7} {:>8}   {:.1} / {:.1} / {:.1} / {:.1}",
            s.name,
            s.stats.p50_us,
            s.stats.p90_us,
            s.stats.p99_us,
            s.ratio_to_floor,
            s.ratio_to_floor_on_production_engine,
            s.fuel_used,
            s.peak_memory_bytes >> 10,
            p.setup,
            p.instantiate,
            p.call,
            p.teardown
        );
    }
    println!(
        "\nfull decision in-process (needs, minimise, auction, score, mandate, explanation), microseconds"
    );
    for d in [&decision.all_eligible, &decision.mixed] {
        println!(
            "{:<40} p50 {:>7.1}  p90 {:>7.1}  p99 {:>7.1}  plugins/decision {:>5.1}  needs p50 {:>6.1}  auction p50 {:>7.1}",
            d.name,
            d.stats.p50_us,
            d.stats.p90_us,
            d.stats.p99_us,
            d.plugins_called,
            d.needs_p50_us,
            d.auction_p50_us
        );
    }
    if let Some(tunings) = tunings {
        println!("\nengine tunings, dairy sample, microseconds");
        for t in tunings {
            println!(
                "{:<46} p50 {:>6.1}  p99 {:>6.1}  x floor {:>5.2}",
                t.name, t.stats.p50_us, t.stats.p99_us, t.ratio_to_floor
            );
        }
    }
    ExitCode::SUCCESS
}

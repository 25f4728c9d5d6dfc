//! `vitrine-bench run`: measure the sandbox on this machine. Prints a table, or
//! one JSON document with `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

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

fn extra(args: &BenchArgs) -> anyhow::Result<Option<crate::ExtraPlugin>> {
    let (Some(plugin), Some(request)) = (&args.plugin, &args.request) else {
        return Ok(None);
    };
    let read = |p: &PathBuf| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
    Ok(Some(crate::ExtraPlugin {
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
    let (rounds, per_round, decisions, auctions) = if args.quick {
        (20, 50, 300, crate::AuctionPlan::quick())
    } else {
        (100, 200, 3_000, crate::AuctionPlan::full())
    };
    let measured = extra(&args).and_then(|extra| {
        let isolated = crate::isolated_call(rounds, per_round, extra)?;
        let auction = crate::auction_bench(&auctions)?;
        let decision = crate::decision_bench(decisions)?;
        let tunings = if args.tunings {
            Some(crate::compare_tunings(rounds, per_round)?)
        } else {
            None
        };
        Ok((isolated, auction, decision, tunings))
    });
    let (isolated, auction, decision, tunings) = match measured {
        Ok(results) => results,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        let body = serde_json::json!({
            "isolated_call": isolated,
            "auction": auction,
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
        "\nthe dairy sample against the same logic elsewhere (p50 µs; production ÷ contender, median of per-round ratios)"
    );
    let v8 = match (
        isolated.v8_fresh_context_us,
        isolated.v8_ratio_to_production,
    ) {
        (Some(us), Some(r)) => format!("{us:.1}   ({:.3}; V8 is {r:.1}x production)", 1.0 / r),
        _ => "not measured: node is not installed".into(),
    };
    for (name, value) in [
        (
            "production path",
            format!(
                "{:.1}   (x floor {:.2})",
                isolated.production_us, isolated.ratio_to_floor
            ),
        ),
        (
            "same component, plain wasmtime",
            format!(
                "{:.1}   ({:.2})",
                isolated.same_component_plain_us, isolated.ratio_to_same_component_plain
            ),
        ),
        (
            "native Rust",
            format!(
                "{:.2}   ({:.1})",
                isolated.native_us, isolated.ratio_to_native
            ),
        ),
        ("JavaScript, fresh V8 context", v8),
    ] {
        println!("{name:<32} {value}");
    }
    println!(
        "\nauction latency (fan-out, validation, scoring, pricing), ms; loopers run to the {} ms deadline",
        auction.deadline_ms
    );
    for p in &auction.points {
        println!(
            "{:>4} plugins {:>3} loopers   p50 {:>7.2}  p90 {:>7.2}  p99 {:>7.2}   offers {:>6.1}  timeouts {:>4.1}",
            p.plugins,
            p.loopers,
            p.stats.p50_us / 1e3,
            p.stats.p90_us / 1e3,
            p.stats.p99_us / 1e3,
            p.offers_per_auction,
            p.timeouts_per_auction
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

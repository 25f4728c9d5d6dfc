//! `vitrine-bench http`: decisions over loopback HTTP (docs/BENCHMARKS.md).

use std::process::ExitCode;

use crate::{HttpBench, PagesBench, http_bench_on, pages_bench, print_pages};

#[derive(Debug, clap::Args)]
pub(super) struct BenchHttpArgs {
    /// Registered brands.
    #[arg(long, default_value_t = 20)]
    brands: usize,
    /// Households the load spreads over.
    #[arg(long, default_value_t = 200)]
    households: usize,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Seconds measured (after one second of warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
    /// The database to run on: an empty one (the brands and households are
    /// created in it), such as a fresh PostgreSQL schema
    /// (`postgres://…?options=-c%20search_path%3Dbench`). Default: a
    /// temporary SQLite file.
    #[arg(long, value_name = "PATH|URL")]
    db: Option<vitrine_store::Location>,
    /// Nodes serving the load, each a platform on its own port sharing the
    /// database (more than one needs a PostgreSQL `--db`).
    #[arg(long, default_value_t = 1)]
    nodes: usize,
}

pub(super) fn run(args: BenchHttpArgs) -> ExitCode {
    if args.brands == 0
        || args.households == 0
        || args.connections == 0
        || args.seconds == 0
        || args.nodes == 0
    {
        eprintln!("error: brands, households, connections, seconds and nodes must be positive");
        return ExitCode::from(2);
    }
    let config = HttpBench {
        brands: args.brands,
        households: args.households,
        connections: args.connections,
        seconds: args.seconds,
        nodes: args.nodes,
    };
    match http_bench_on(config, args.db.as_ref()) {
        Ok(report) if args.json => {
            println!("{}", serde_json::to_string_pretty(&report).expect("json"));
            ExitCode::SUCCESS
        }
        Ok(r) => {
            println!(
                "POST /v1/households/{{id}}/decisions over loopback on {}: {} brands, {} households, {} connections, {} s",
                r.backend,
                r.config.brands,
                r.config.households,
                r.config.connections,
                r.config.seconds
            );
            println!(
                "  {:.0} decisions/s   p50 {:.2} ms   p90 {:.2} ms   p99 {:.2} ms   errors {}",
                r.decisions_per_second,
                r.latency.p50_us / 1_000.0,
                r.latency.p90_us / 1_000.0,
                r.latency.p99_us / 1_000.0,
                r.errors
            );
            println!(
                "  {:.1} brands asked per decision; {} of {} decisions made an order",
                r.brands_asked_mean, r.orders, r.latency.samples
            );
            if r.per_node.len() > 1 {
                let each: Vec<String> = r.per_node.iter().map(|d| format!("{d:.0}/s")).collect();
                println!("  per node: {}", each.join(", "));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, clap::Args)]
pub(super) struct BenchPagesArgs {
    /// Households (the HTTP benchmark's count).
    #[arg(long, default_value_t = 200)]
    households: usize,
    /// Decisions made for each household before measuring.
    #[arg(long, default_value_t = 3)]
    decisions: usize,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Seconds measured per page (after one second of warm-up).
    #[arg(long, default_value_t = 3)]
    seconds: u64,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

/// `vitrine-bench pages`.
pub(super) fn pages(args: BenchPagesArgs) -> ExitCode {
    if args.households == 0 || args.connections == 0 || args.seconds == 0 {
        eprintln!("error: households, connections and seconds must be positive");
        return ExitCode::from(2);
    }
    let config = PagesBench {
        households: args.households,
        decisions_per_household: args.decisions,
        connections: args.connections,
        seconds: args.seconds,
    };
    match pages_bench(config) {
        Ok(report) if args.json => {
            println!("{}", serde_json::to_string_pretty(&report).expect("json"));
            ExitCode::SUCCESS
        }
        Ok(report) => {
            print_pages(&report);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

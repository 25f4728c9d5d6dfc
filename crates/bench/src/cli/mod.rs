//! The `vitrine-bench` command line: one subcommand per benchmark.

mod http;
mod needs;
mod process;
mod run;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Vitrine's benchmarks (see docs/BENCHMARKS.md); `scripts/bench.sh` runs
/// them all and rewrites the tables.
#[derive(Debug, Parser)]
#[command(name = "vitrine-bench", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure the sandbox on this machine: the isolated call against the
    /// floor, auctions by size, whole decisions.
    Run(run::BenchArgs),
    /// Measure decisions over loopback HTTP with 20 brands.
    Http(http::BenchHttpArgs),
    /// Measure every console page's server time over loopback HTTP, signed
    /// in as a household, a brand and the operator.
    Pages(http::BenchPagesArgs),
    /// Measure how long `vitrine serve` takes to answer with many plugin
    /// versions, artifact cache warm and cold.
    ColdStart(process::ColdStartArgs),
    /// Measure resident memory per loaded plugin and over a million calls.
    Memory(process::MemoryArgs),
    /// Compare plugins in Rust, Python and JavaScript (and a fresh V8
    /// context): call time, fuel, memory, compile time at upload.
    Languages(process::LanguagesArgs),
    /// Run the service under a steady load with hostile brands for minutes,
    /// tracking memory, descriptors and latency (see docs/SECURITY.md).
    Soak(process::SoakArgs),
    /// Measure the needs engine's stock-out predictions on synthetic
    /// households (see docs/DECISIONS.md).
    NeedsAccuracy(needs::AccuracyArgs),
    /// Write the forecasting worlds (weekend peaks, holidays, growth, packs,
    /// lumpy openings, intermittent bread) with Vitrine's predictions, for
    /// `scripts/forecast-baselines.sh` to compare with statsforecast.
    NeedsWorlds(needs::WorldsArgs),
    /// Rewrite the tables of docs/BENCHMARKS.md from benchmark results
    /// (`scripts/bench.sh` runs it).
    Report(process::ReportArgs),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("VITRINE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Http(args) => http::run(args),
        Command::Pages(args) => http::pages(args),
        Command::ColdStart(args) => process::cold_start(args),
        Command::Memory(args) => process::memory(args),
        Command::Languages(args) => process::languages(args),
        Command::Soak(args) => process::soak(args),
        Command::NeedsAccuracy(args) => needs::run(args),
        Command::NeedsWorlds(args) => needs::worlds(args),
        Command::Report(args) => process::report(args),
    }
}

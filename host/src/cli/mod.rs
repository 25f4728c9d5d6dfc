//! The `vitrine` command line. Thin: each subcommand parses its arguments and
//! calls the library.

mod bench;
mod bench_http;
mod bench_process;
mod demo;
mod needs;
mod plugin;
mod samples;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::runtime::Limits;

/// Vitrine: a platform that buys on behalf of households, and the sandbox in
/// which brands compete to serve them.
#[derive(Debug, Parser)]
#[command(name = "vitrine", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check or run a brand plugin, in the production sandbox.
    #[command(subcommand)]
    Plugin(plugin::PluginCommand),
    /// A month of automated purchases for three simulated households, told
    /// as a story (or `--json`).
    Demo(demo::DemoArgs),
    /// Run each embedded sample brand on its example request, or export them.
    Samples(samples::SamplesArgs),
    /// Measure the sandbox on this machine (see docs/BENCHMARKS.md).
    Bench(bench::BenchArgs),
    /// Measure decisions over loopback HTTP with 20 brands (see
    /// docs/BENCHMARKS.md).
    BenchHttp(bench_http::BenchHttpArgs),
    /// Measure how long `serve` takes to answer with many plugin versions,
    /// artifact cache warm and cold (see docs/BENCHMARKS.md).
    BenchColdStart(bench_process::ColdStartArgs),
    /// Measure resident memory per loaded plugin and over a million calls
    /// (see docs/BENCHMARKS.md).
    BenchMemory(bench_process::MemoryArgs),
    /// Rewrite the tables of docs/BENCHMARKS.md from benchmark results
    /// (`scripts/bench.sh` runs it).
    BenchReport(bench_process::ReportArgs),
    /// Run the service under a steady load with hostile brands for minutes,
    /// tracking memory, descriptors and latency (see docs/SECURITY.md).
    Soak(bench_process::SoakArgs),
    /// Run the platform: the HTTP API over an embedded SQLite database.
    Serve(serve::ServeArgs),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(serve::AuditCommand),
    /// Measure the needs engine's stock-out predictions on synthetic
    /// households (see docs/DECISIONS.md).
    NeedsAccuracy(needs::AccuracyArgs),
    /// Compile one component under the compile bounds (run by the platform
    /// itself, in a child process; see `runtime::compile`).
    #[command(hide = true)]
    CompileWorker(CompileWorkerArgs),
}

#[derive(Debug, clap::Args)]
struct CompileWorkerArgs {
    #[arg(long)]
    settings: PathBuf,
    #[arg(long)]
    input: PathBuf,
    #[arg(long)]
    output: PathBuf,
}

/// The compile worker for runtimes started by this executable: itself, so
/// that every component from outside is compiled under the compile bounds.
pub(crate) fn compile_worker() -> crate::runtime::CompileWorker {
    match std::env::current_exe() {
        Ok(exe) => crate::runtime::CompileWorker::Subprocess(exe),
        Err(e) => {
            tracing::warn!(error = %e, "cannot find this executable; compiling in-process, unbounded");
            crate::runtime::CompileWorker::InProcess
        }
    }
}

/// Limits shared by the commands that run plugins.
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// A JSON file overriding any of the runtime limits (see docs/FORMATS.md).
    #[arg(long, value_name = "FILE")]
    limits: Option<PathBuf>,
}

impl LimitArgs {
    fn load(&self) -> Result<Limits, String> {
        match &self.limits {
            None => Ok(Limits::default()),
            Some(path) => {
                let text =
                    std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
                serde_json::from_slice(&text)
                    .map_err(|e| format!("{}: invalid limits: {e}", path.display()))
            }
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match cli.command {
        Command::Plugin(command) => plugin::run(command),
        Command::Demo(args) => demo::run(args),
        Command::Samples(args) => samples::run(args),
        Command::Bench(args) => bench::run(args),
        Command::NeedsAccuracy(args) => needs::run(args),
        Command::Serve(args) => serve::run(args),
        Command::BenchHttp(args) => bench_http::run(args),
        Command::BenchColdStart(args) => bench_process::cold_start(args),
        Command::BenchMemory(args) => bench_process::memory(args),
        Command::BenchReport(args) => bench_process::report(args),
        Command::Soak(args) => bench_process::soak(args),
        Command::Audit(command) => serve::audit(command),
        Command::CompileWorker(args) => {
            crate::runtime::compile::worker_main(&args.settings, &args.input, &args.output)
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VITRINE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

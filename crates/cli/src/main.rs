//! The `vitrine` command: see `vitrine --help` and the README. Thin: each
//! subcommand parses its arguments and calls the crates that do the work
//! (`vitrine-service`, `vitrine-runtime`, `vitrine-sim`). The benchmarks
//! have their own binary, `vitrine-bench`.

mod demo;
mod plugin;
mod samples;
mod scaffold;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use vitrine_runtime::Limits;

/// Vitrine: a platform that buys on behalf of households, and the sandbox in
/// which brands compete to serve them.
#[derive(Debug, Parser)]
#[command(name = "vitrine", version, about)]
struct Cli {
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
    /// Run the platform: the HTTP API over an embedded SQLite database, or
    /// one node of several on PostgreSQL.
    Serve(serve::ServeArgs),
    /// Copy a whole installation into a new database (a single node's
    /// SQLite into PostgreSQL), its audit chain verified after.
    Migrate(serve::MigrateArgs),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(serve::AuditCommand),
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
fn compile_worker() -> vitrine_runtime::CompileWorker {
    match std::env::current_exe() {
        Ok(exe) => vitrine_runtime::CompileWorker::Subprocess(exe),
        Err(e) => {
            tracing::warn!(error = %e, "cannot find this executable; compiling in-process, unbounded");
            vitrine_runtime::CompileWorker::InProcess
        }
    }
}

/// Limits shared by the commands that run plugins.
#[derive(Debug, Clone, clap::Args)]
struct LimitArgs {
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match cli.command {
        Command::Plugin(command) => plugin::run(command),
        Command::Demo(args) => demo::run(args),
        Command::Samples(args) => samples::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Audit(command) => serve::audit(command),
        Command::Migrate(args) => serve::migrate(args),
        Command::CompileWorker(args) => {
            vitrine_runtime::compile::worker_main(&args.settings, &args.input, &args.output)
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

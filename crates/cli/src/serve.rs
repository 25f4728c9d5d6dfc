//! `vitrine serve`: the platform over HTTP, and `vitrine audit verify`.
//!
//! Settings come from flags, then environment variables, then a JSON file
//! (`--config`), then the defaults (docs/OPERATIONS.md lists them all).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use serde::Deserialize;

use vitrine_core::decision::DecisionConfig;
use vitrine_runtime::Limits;
use vitrine_service::api::{ApiConfig, serve};
use vitrine_service::platform::webhook::WebhookPolicy;
use vitrine_service::platform::{Clock, Platform, PlatformConfig};
use vitrine_store::{Location, Store};

#[derive(Debug, clap::Args)]
pub(super) struct ServeArgs {
    /// The database: a SQLite file (created if missing; default
    /// `vitrine.db`) or a PostgreSQL URL (`postgres://user@host/db`), which
    /// several nodes can share.
    #[arg(long, env = "VITRINE_DB", value_name = "PATH|URL")]
    db: Option<Location>,
    /// Address to listen on. Default `127.0.0.1:8080`.
    #[arg(long, env = "VITRINE_LISTEN", value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// A JSON file with any of the settings (see docs/OPERATIONS.md).
    #[arg(long, env = "VITRINE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Largest JSON body, in bytes. Default 262144 (256 KiB).
    #[arg(long, env = "VITRINE_BODY_LIMIT_BYTES", value_name = "N")]
    body_limit_bytes: Option<usize>,
    /// Seconds between needs cycles (evaluate and decide every household's
    /// needs, dispatch due orders); 0 turns the timer off. Default 3600.
    #[arg(long, env = "VITRINE_NEEDS_INTERVAL_SECS", value_name = "N")]
    needs_interval_secs: Option<u64>,
    /// Connections served at once. Default 1024.
    #[arg(long, env = "VITRINE_MAX_CONNECTIONS", value_name = "N")]
    max_connections: Option<usize>,
    /// Requests per second one token may make (0: no limit). Default 100,
    /// with bursts of twice that.
    #[arg(long, env = "VITRINE_RATE_PER_TOKEN", value_name = "N")]
    rate_per_token: Option<u32>,
}

/// The settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct SettingsFile {
    db: Option<Location>,
    listen: Option<SocketAddr>,
    artifact_dir: Option<PathBuf>,
    body_limit_bytes: Option<usize>,
    needs_interval_secs: Option<u64>,
    max_connections: Option<usize>,
    header_timeout_secs: Option<u64>,
    body_timeout_secs: Option<u64>,
    rate_per_token: Option<u32>,
    rate_burst: Option<u32>,
    limits: Option<Limits>,
    decision: Option<DecisionConfig>,
    webhooks: Option<WebhookPolicy>,
}

/// Everything `serve` runs with, resolved.
#[derive(Debug)]
pub(super) struct Settings {
    pub(super) platform: PlatformConfig,
    pub(super) listen: SocketAddr,
    pub(super) api: ApiConfig,
    pub(super) cycle: Option<Duration>,
}

fn resolve(args: &ServeArgs) -> anyhow::Result<Settings> {
    let file: SettingsFile = match &args.config {
        None => SettingsFile::default(),
        Some(path) => {
            let text =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_slice(&text)
                .with_context(|| format!("{}: invalid settings", path.display()))?
        }
    };
    let defaults = PlatformConfig::default();
    let body_limit_bytes = args
        .body_limit_bytes
        .or(file.body_limit_bytes)
        .unwrap_or(ApiConfig::default().body_limit_bytes);
    anyhow::ensure!(
        body_limit_bytes >= 1024,
        "the body limit must be at least 1024 bytes"
    );
    let interval = args
        .needs_interval_secs
        .or(file.needs_interval_secs)
        .unwrap_or(3_600);
    Ok(Settings {
        platform: PlatformConfig {
            db: args.db.clone().or(file.db).unwrap_or(defaults.db),
            artifact_dir: file.artifact_dir,
            limits: file.limits.unwrap_or(defaults.limits),
            decision: file.decision.unwrap_or(defaults.decision),
            webhooks: file.webhooks.unwrap_or(defaults.webhooks),
            compile_worker: super::compile_worker(),
        },
        listen: args
            .listen
            .or(file.listen)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
        api: {
            let d = ApiConfig::default();
            let rate_per_token = args
                .rate_per_token
                .or(file.rate_per_token)
                .unwrap_or(d.rate_per_token);
            ApiConfig {
                body_limit_bytes,
                max_connections: args
                    .max_connections
                    .or(file.max_connections)
                    .unwrap_or(d.max_connections)
                    .max(1),
                header_timeout: file
                    .header_timeout_secs
                    .map_or(d.header_timeout, Duration::from_secs),
                body_timeout: file
                    .body_timeout_secs
                    .map_or(d.body_timeout, Duration::from_secs),
                rate_per_token,
                rate_burst: file.rate_burst.unwrap_or(rate_per_token.saturating_mul(2)),
            }
        },
        cycle: (interval > 0).then(|| Duration::from_secs(interval)),
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub(super) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Binds `listen`, or says why it cannot (before anything else is
/// created: no token is made for a server that cannot start).
pub(super) async fn bind(listen: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))
}

/// Serves `platform` on `listener` until a signal; prints where.
pub(super) async fn serve_until_signal(
    platform: Arc<Platform>,
    listener: tokio::net::TcpListener,
    api: ApiConfig,
    cycle: Option<Duration>,
) -> anyhow::Result<()> {
    let token = std::env::var("VITRINE_OPERATOR_TOKEN").ok();
    if let Some(fresh) = platform.ensure_operator_token(token.as_deref()).await? {
        eprintln!(
            "No VITRINE_OPERATOR_TOKEN was set and the database had no operator token; created one (shown once):\n  {fresh}"
        );
    }
    let addr = listener.local_addr()?;
    println!(
        "vitrine: listening on http://{addr} (database {})",
        platform.store().location()
    );
    tracing::info!(%addr, "listening");
    serve(platform.clone(), listener, api, cycle, shutdown_signal()).await?;
    platform.close().await;
    eprintln!("vitrine: stopped");
    Ok(())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

pub(super) fn run(args: ServeArgs) -> ExitCode {
    let result = (|| -> anyhow::Result<()> {
        let settings = resolve(&args)?;
        runtime()?.block_on(async {
            let listener = bind(settings.listen).await?;
            let db = settings.platform.db.clone();
            let platform = Platform::open(settings.platform, Clock::System)
                .await
                .map_err(|e| anyhow::anyhow!("cannot open the database {db}: {e}"))?;
            serve_until_signal(Arc::new(platform), listener, settings.api, settings.cycle).await
        })
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `vitrine audit ...`
#[derive(Debug, clap::Subcommand)]
pub(super) enum AuditCommand {
    /// Check the audit log's hash chain; names the first broken entry.
    Verify {
        /// The database (a SQLite path or a PostgreSQL URL).
        #[arg(long, value_name = "PATH|URL")]
        db: Location,
    },
}

pub(super) fn audit(command: AuditCommand) -> ExitCode {
    let AuditCommand::Verify { db } = command;
    let result = (|| -> anyhow::Result<_> {
        if let Some(path) = db.sqlite_path() {
            anyhow::ensure!(path.exists(), "{} does not exist", path.display());
        }
        runtime()?.block_on(async {
            let store = Store::connect(&db).await?;
            let verified = store.verify_audit().await?;
            store.close().await;
            Ok(verified)
        })
    })();
    match result {
        Ok(Ok(n)) => {
            println!("ok: {n} audit entries, the chain verifies ({db})");
            ExitCode::SUCCESS
        }
        Ok(Err(broken)) => {
            println!("broken: {broken}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `vitrine migrate --from sqlite:vitrine.db --to postgres://…`
#[derive(Debug, clap::Args)]
pub(super) struct MigrateArgs {
    /// The installation to copy (a SQLite path, `sqlite:PATH`, or a
    /// PostgreSQL URL). It may be serving meanwhile: it is read in one
    /// consistent snapshot.
    #[arg(long, value_name = "PATH|URL")]
    from: Location,
    /// The new database (its schema is created; it must hold no
    /// installation yet).
    #[arg(long, value_name = "PATH|URL")]
    to: Location,
}

pub(super) fn migrate(args: MigrateArgs) -> ExitCode {
    let result = (|| -> anyhow::Result<_> {
        if let Some(path) = args.from.sqlite_path() {
            anyhow::ensure!(path.exists(), "{} does not exist", path.display());
        }
        anyhow::ensure!(
            args.from != args.to,
            "--from and --to are the same database"
        );
        runtime()?.block_on(async {
            let from = Store::connect(&args.from)
                .await
                .with_context(|| format!("opening {}", args.from))?;
            let to = Store::connect(&args.to)
                .await
                .with_context(|| format!("opening {}", args.to))?;
            let copied = from.copy_into(&to).await;
            from.close().await;
            to.close().await;
            Ok(copied?)
        })
    })();
    match result {
        Ok(report) => {
            for (table, rows) in &report.rows {
                println!("{table:>18}: {rows} rows");
            }
            println!(
                "ok: copied {} into {}; the audit chain verifies ({} entries)",
                args.from, args.to, report.audit_entries
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

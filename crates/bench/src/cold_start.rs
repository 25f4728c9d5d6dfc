//! Cold start: how long `vitrine serve` takes to answer with many plugin
//! versions registered, with the precompiled-artifact cache warm (every
//! artifact on disk: mapped, not compiled), as a new node (the cache
//! directory empty: every artifact copied from the store, where the node
//! that received the upload put it) and cold (the cache emptied and no
//! artifact in the store: every plugin compiled again at start, as before
//! artifacts were shared).
//!
//! The database is prepared through the platform as an operator would: one
//! brand per version, each version a distinct copy of a sample (its own
//! hash, so its own artifact) and enabled, so that every version is loaded
//! at start. The server is started as a child process; the time runs from
//! the spawn until `/healthz` answers, and a brand's status is then checked
//! to be live.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::Serialize;

use super::copies::distinct_copy;
use vitrine_service::platform::{Clock, Platform, PlatformConfig, Upload};
use vitrine_sim::samples::SAMPLES;
use vitrine_store::Location;

const TOKEN: &str = "bench-operator-token-0123456789";

/// The cold-start figures.
#[derive(Debug, Clone, Serialize)]
pub struct ColdStartReport {
    /// The database: `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Plugin versions registered (and enabled).
    pub versions: usize,
    /// Time to prepare the database (uploads, each compiled once), ms.
    pub prepare_ms: f64,
    /// Spawn to first answer with the artifact cache warm, ms (each run).
    pub warm_ms: Vec<f64>,
    /// Spawn to first answer with the artifact cache directory empty, the
    /// artifacts in the store (a node that never saw the plugins), ms.
    pub new_node_ms: f64,
    /// Spawn to first answer with the artifact cache emptied and no
    /// artifact in the store (everything compiled), ms.
    pub cold_ms: f64,
    /// Resident memory of the server after a warm start, bytes.
    pub warm_resident_bytes: u64,
}

/// Prepares `versions` versions in a temporary directory, then starts
/// `vitrine` (the binary at `exe`) `warm_runs` times with a warm cache and
/// once with a cold one.
pub fn cold_start_bench(
    exe: &Path,
    versions: usize,
    warm_runs: usize,
) -> anyhow::Result<ColdStartReport> {
    cold_start_bench_on(exe, versions, warm_runs, None)
}

/// Same, on `db` (an empty database, such as a fresh PostgreSQL schema), or
/// a temporary SQLite file.
pub fn cold_start_bench_on(
    exe: &Path,
    versions: usize,
    warm_runs: usize,
    db: Option<&Location>,
) -> anyhow::Result<ColdStartReport> {
    let dir = tempfile::tempdir()?;
    let db = db
        .cloned()
        .unwrap_or_else(|| dir.path().join("vitrine.db").into());
    let artifacts = dir.path().join("vitrine.artifacts");
    let config = dir.path().join("settings.json");
    std::fs::write(
        &config,
        serde_json::json!({"artifact_dir": artifacts}).to_string(),
    )?;
    let started = Instant::now();
    prepare(&db, &artifacts, versions)?;
    let prepare_ms = ms(started.elapsed());
    let last_brand = format!("brand-{:04}", versions - 1);
    let mut warm_ms = Vec::new();
    let mut warm_resident_bytes = 0;
    for _ in 0..warm_runs {
        let (elapsed, rss) = start_once(exe, &db, &config, &last_brand)?;
        warm_ms.push(ms(elapsed));
        warm_resident_bytes = rss;
    }
    std::fs::remove_dir_all(&artifacts).context("emptying the artifact cache")?;
    let (new_node, _) = start_once(exe, &db, &config, &last_brand)?;
    std::fs::remove_dir_all(&artifacts).context("emptying the artifact cache")?;
    forget_artifacts(&db)?;
    let (cold, _) = start_once(exe, &db, &config, &last_brand)?;
    Ok(ColdStartReport {
        backend: db.backend().as_str(),
        versions,
        prepare_ms,
        warm_ms,
        new_node_ms: ms(new_node),
        cold_ms: ms(cold),
        warm_resident_bytes,
    })
}

/// Deletes the store's shared artifacts, as a database from before they
/// were shared would be.
fn forget_artifacts(db: &Location) -> anyhow::Result<()> {
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    tokio.block_on(async {
        let store = vitrine_store::Store::connect(db).await?;
        store.forget_artifacts().await?;
        store.close().await;
        anyhow::Ok(())
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn prepare(db: &Location, artifacts: &Path, versions: usize) -> anyhow::Result<()> {
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    tokio.block_on(async {
        let platform = Platform::open(
            PlatformConfig {
                db: db.clone(),
                artifact_dir: Some(artifacts.to_owned()),
                ..PlatformConfig::default()
            },
            Clock::System,
        )
        .await?;
        platform.ensure_operator_token(Some(TOKEN)).await?;
        for i in 0..versions {
            let sample = &SAMPLES[i % SAMPLES.len()];
            let brand = format!("brand-{i:04}");
            platform.create_brand(&brand, &format!("Brand {i}")).await?;
            let wasm = distinct_copy(sample.wasm, i as u64);
            platform
                .upload_plugin(
                    &brand,
                    Upload {
                        wasm: &wasm,
                        catalog_json: Some(sample.catalog_json),
                        enable: true,
                    },
                )
                .await?;
        }
        platform.close().await;
        anyhow::Ok(())
    })
}

/// Kills the server when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One start: spawn to `/healthz` answering; then checks that `brand`'s
/// plugin is live and reads the server's resident memory.
fn start_once(
    exe: &Path,
    db: &Location,
    config: &Path,
    brand: &str,
) -> anyhow::Result<(Duration, u64)> {
    let started = Instant::now();
    let mut server = Server(
        Command::new(exe)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--needs-interval-secs",
                "0",
                "--db",
            ])
            .arg(db.as_given())
            .arg("--config")
            .arg(config)
            .env("VITRINE_OPERATOR_TOKEN", TOKEN)
            .env_remove("VITRINE_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?,
    );
    let stdout = server.0.stdout.take().context("the server's stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .with_context(|| format!("the server printed `{}`, not its address", line.trim()))?
        .to_owned();
    let elapsed = loop {
        if let Ok((200, _)) = http_get(&addr, "/healthz", None) {
            break started.elapsed();
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "the server did not answer within 10 minutes"
        );
        std::thread::sleep(Duration::from_millis(1));
    };
    let (code, body) = http_get(&addr, &format!("/v1/brands/{brand}/plugins"), Some(TOKEN))?;
    let status: serde_json::Value = serde_json::from_str(&body)
        .with_context(|| format!("the status of {brand} ({code}) is not JSON: {body}"))?;
    anyhow::ensure!(
        code == 200 && status["live"] == true,
        "{brand} is not live after the start ({code}): {status}"
    );
    let rss = super::memory::resident_of(&server.0.id().to_string())?;
    Ok((elapsed, rss))
}

/// A minimal HTTP/1.1 GET on a fresh connection (`Connection: close`), so
/// that the probe needs no client runtime: the status and the body.
fn http_get(addr: &str, path: &str, token: Option<&str>) -> anyhow::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw)?;
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .context("an HTTP answer without a blank line")?;
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .context("an HTTP answer without a status")?;
    Ok((code, body.to_owned()))
}

//! The soak: the service under a steady load of decisions for minutes, with
//! well-behaved and hostile brands registered side by side, tracking the
//! process's resident memory, open file descriptors, threads and decision
//! latency window by window. It fails when memory or descriptors grow past
//! a stated bound after the warm-up window.
//!
//! Hostile brands: the looping plugin embedded in the binary, plus any
//! components given (`scripts/soak.sh` passes every plugin of
//! `tests/hostile`). Those the platform refuses at upload are listed; those
//! it accepts take part in every auction for their categories, under the
//! production limits: those that fail call after call are suspended, as in
//! production (`--suspend-after 0` turns that off, to see the sandbox carry
//! every hostile call). The well-behaved brands' calls are counted apart:
//! any of them failing fails the soak.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::Stats;
use super::http::{BrandUpload, need_body, start_service};
use super::memory::resident_bytes;
use vitrine_sim::samples::SAMPLES;

use crate::LOOPER;

/// The soak's settings.
#[derive(Debug, Clone, Serialize)]
pub struct SoakConfig {
    /// Length of the run (at most 600).
    pub seconds: u64,
    /// Decisions asked per second, paced (a steady load, not the maximum).
    pub rate: u64,
    /// Concurrent connections the rate is spread over.
    pub connections: usize,
    /// Seconds per reported window.
    pub window_secs: u64,
    /// Allowed growth of resident memory from the end of the first window
    /// to the end, bytes.
    pub rss_bound_bytes: u64,
    /// Allowed growth of open file descriptors over the same span.
    pub fd_bound: u64,
    /// Failed calls in a row after which a plugin is suspended (the
    /// production default; 0 never suspends).
    pub suspend_after_failures: u32,
}

impl Default for SoakConfig {
    fn default() -> Self {
        SoakConfig {
            seconds: 300,
            rate: 100,
            connections: 8,
            window_secs: 15,
            rss_bound_bytes: 64 << 20,
            fd_bound: 16,
            suspend_after_failures: vitrine_runtime::Limits::default().suspend_after_failures,
        }
    }
}

/// One window of the run.
#[derive(Debug, Clone, Serialize)]
pub struct SoakWindow {
    /// Seconds since the start, at the window's end.
    pub at_s: u64,
    /// Decisions answered 201 in the window.
    pub decisions: usize,
    /// Answers other than 201 in the window.
    pub errors: u64,
    /// Latency in the window (absent when nothing was answered).
    pub latency: Option<Stats>,
    /// Resident memory at the window's end, bytes.
    pub rss_bytes: u64,
    /// Open file descriptors at the window's end.
    pub fds: u64,
    /// Threads at the window's end.
    pub threads: u64,
    /// Failed calls of the well-behaved brands so far (see
    /// [`SoakReport::well_behaved_failures`]).
    pub well_behaved_failures: u64,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct SoakReport {
    /// The settings.
    pub config: SoakConfig,
    /// Brands registered (well-behaved and hostile).
    pub brands: Vec<String>,
    /// Hostile components refused at upload, with the reason.
    pub refused: Vec<(String, String)>,
    /// Window by window.
    pub windows: Vec<SoakWindow>,
    /// Resident growth from the end of the first window to the end, bytes.
    pub rss_growth_bytes: i64,
    /// Descriptor growth over the same span.
    pub fd_growth: i64,
    /// Plugin calls by brand and outcome (`offers`, an error code, or
    /// `suspended`) over the run.
    pub calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// Calls of the well-behaved brands (the samples) that failed over the
    /// run: a timeout, a suspension, anything but offers or their own bid
    /// error.
    pub well_behaved_failures: u64,
    /// The same after the first window (while every hostile plugin still
    /// runs until it is suspended, a burst of them can starve a sample's
    /// call of CPU past its deadline; the bench measures that case).
    pub well_behaved_failures_after_first_window: u64,
    /// Whether memory and descriptors stayed within their bounds, no
    /// decision failed and no well-behaved brand's call failed after the
    /// first window.
    pub passed: bool,
}

fn proc_count(what: &str) -> u64 {
    match what {
        "fds" => std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count() as u64),
        _ => std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Threads:"))
                    .and_then(|n| n.trim().parse().ok())
            })
            .unwrap_or(0),
    }
}

/// Calls of the sample brands that ended in anything but offers or the
/// plugin's own bid error.
fn well_behaved_failures(calls: &BTreeMap<String, BTreeMap<String, u64>>) -> u64 {
    calls
        .iter()
        .filter(|(brand, _)| SAMPLES.iter().any(|s| s.name == brand.as_str()))
        .flat_map(|(_, outcomes)| outcomes.iter())
        .filter(|(outcome, _)| !matches!(outcome.as_str(), "offers" | "plugin_error"))
        .map(|(_, n)| n)
        .sum()
}

/// Runs the soak; `hostile` are extra components (name, bytes) registered
/// as brands beside the samples and the looper.
pub fn soak(config: SoakConfig, hostile: &[(String, Vec<u8>)]) -> anyhow::Result<SoakReport> {
    anyhow::ensure!(
        (1..=600).contains(&config.seconds),
        "a soak lasts 1 to 600 seconds"
    );
    anyhow::ensure!(config.rate > 0 && config.connections > 0 && config.window_secs > 0);
    let mut brands: Vec<BrandUpload<'_>> = SAMPLES
        .iter()
        .map(|s| (s.name.to_owned(), s.wasm, s.catalog_json))
        .collect();
    brands.push(("embedded-looper".into(), LOOPER, "{}"));
    for (name, wasm) in hostile {
        brands.push((format!("hostile-{name}"), wasm, "{}"));
    }
    let names = brands.iter().map(|b| b.0.clone()).collect();
    let limits = vitrine_runtime::Limits {
        suspend_after_failures: config.suspend_after_failures,
        ..Default::default()
    };
    let served = start_service(&brands, 50, limits, None)?;
    let (tokens, addr) = (served.tokens.clone(), served.addr);
    let refused = served.refused.clone();

    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(1)
        .thread_name("soak-load")
        .build()?;
    let counter = Arc::new(AtomicU64::new(0));
    let platform = served.platform.clone();
    let windows = client_rt.block_on(async {
        let client = reqwest::Client::new();
        let base = format!("http://{addr}");
        let started = Instant::now();
        let end = started + Duration::from_secs(config.seconds);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Option<Duration>>();
        let per_connection = Duration::from_secs_f64(config.connections as f64 / config.rate as f64);
        for c in 0..config.connections {
            let (client, base, tokens, counter, tx) = (
                client.clone(),
                base.clone(),
                tokens.clone(),
                counter.clone(),
                tx.clone(),
            );
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(per_connection);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                while Instant::now() < end {
                    tick.tick().await;
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let h = (n as usize + c) % tokens.len();
                    let sent = Instant::now();
                    let answered = client
                        .post(format!("{base}/v1/households/hh-{h}/decisions"))
                        .bearer_auth(&tokens[h])
                        .json(&need_body(n, h))
                        .send()
                        .await
                        .ok()
                        .filter(|r| r.status().as_u16() == 201);
                    let ok = match answered {
                        Some(r) => r.bytes().await.is_ok(),
                        None => false,
                    };
                    let _ = tx.send(ok.then(|| sent.elapsed()));
                }
            });
        }
        drop(tx);
        let mut windows = Vec::new();
        let mut window_end = started + Duration::from_secs(config.window_secs);
        let (mut latencies, mut errors) = (Vec::new(), 0u64);
        loop {
            let next = tokio::time::timeout_at(window_end.into(), rx.recv()).await;
            match next {
                Ok(Some(Some(latency))) => latencies.push(latency),
                Ok(Some(None)) => errors += 1,
                Ok(None) | Err(_) => {
                    let finished = matches!(next, Ok(None));
                    let at_s = started.elapsed().as_secs();
                    if finished && windows.last().is_some_and(|w: &SoakWindow| w.at_s == at_s) {
                        // The last answers drained after the end: counted
                        // in no window of their own.
                        break;
                    }
                    windows.push(SoakWindow {
                        at_s,
                        decisions: latencies.len(),
                        errors,
                        latency: (!latencies.is_empty()).then(|| Stats::of(&mut latencies)),
                        rss_bytes: resident_bytes().unwrap_or(0),
                        fds: proc_count("fds"),
                        threads: proc_count("threads"),
                        well_behaved_failures: well_behaved_failures(&platform.plugin_calls(None)),
                    });
                    if let Some(w) = windows.last() {
                        eprintln!(
                            "soak {:>4} s: {:>5} decisions, {} errors, p50 {:>6.1} ms, p99 {:>6.1} ms, rss {:>6.1} MiB, fds {:>3}, threads {:>3}, well-behaved failures {}",
                            w.at_s,
                            w.decisions,
                            w.errors,
                            w.latency.map_or(0.0, |l| l.p50_us / 1e3),
                            w.latency.map_or(0.0, |l| l.p99_us / 1e3),
                            w.rss_bytes as f64 / 1_048_576.0,
                            w.fds,
                            w.threads,
                            w.well_behaved_failures
                        );
                    }
                    latencies.clear();
                    errors = 0;
                    window_end += Duration::from_secs(config.window_secs);
                    if finished {
                        break;
                    }
                }
            }
        }
        windows
    });
    let calls = served.platform.plugin_calls(None);
    let well_behaved_failures = well_behaved_failures(&calls);
    served.stop();
    let (first, last) = match (windows.first(), windows.last()) {
        (Some(f), Some(l)) => (f, l),
        _ => anyhow::bail!("the soak recorded no window"),
    };
    let rss_growth_bytes = last.rss_bytes as i64 - first.rss_bytes as i64;
    let fd_growth = last.fds as i64 - first.fds as i64;
    let errors: u64 = windows.iter().map(|w| w.errors).sum();
    let well_behaved_failures_after_first_window =
        well_behaved_failures.saturating_sub(first.well_behaved_failures);
    let passed = rss_growth_bytes <= config.rss_bound_bytes as i64
        && fd_growth <= config.fd_bound as i64
        && errors == 0
        && well_behaved_failures_after_first_window == 0;
    Ok(SoakReport {
        config,
        brands: names,
        refused,
        windows,
        rss_growth_bytes,
        fd_growth,
        calls,
        well_behaved_failures,
        well_behaved_failures_after_first_window,
        passed,
    })
}

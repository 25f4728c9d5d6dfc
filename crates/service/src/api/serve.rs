//! Serving the router on a socket, so that no client can stop the service:
//!
//! - at most [`ApiConfig::max_connections`] connections at once (further
//!   ones wait in the kernel's backlog, not in the process), and the
//!   process's file-descriptor limit is raised to its hard limit at start,
//!   so idle connections cannot exhaust descriptors;
//! - a connection must send its request headers within
//!   [`ApiConfig::header_timeout`] (including between keep-alive requests:
//!   an idle connection is closed), and a body must arrive within
//!   [`ApiConfig::body_timeout`];
//! - a panic in a handler is caught, answered with a JSON 500, logged and
//!   counted (`vitrine_panics_total{where="handler"}`); state is never left
//!   half-applied (a decision's order leaves the book again, see
//!   `decision::Pending`);
//! - the needs cycle runs as a task of its own, each cycle spawned so that
//!   a panic is counted and the next cycle still runs; `/healthz` says when
//!   it stalls;
//! - webhooks are delivered by a task of their own, a round every
//!   [`WEBHOOK_ROUND`], so a slow receiver never holds up a request or the
//!   needs cycle.
//!
//! Shutdown stops accepting, lets requests in flight finish, then stops the
//! cycle.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

use super::{ApiConfig, router};
use crate::platform::Platform;

/// Raises this process's soft limit on open files to its hard limit (once),
/// and returns the soft limit now in force.
pub(crate) fn raise_descriptor_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(e) => {
            tracing::warn!(error = %e, "could not raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1_024, |(soft, _)| soft)
        }
    }
}

/// The platform's router wrapped with what every request gets (see
/// [`wrap`]).
pub fn app(platform: Arc<Platform>, config: ApiConfig) -> Router {
    wrap(router(platform.clone(), config), platform, config)
}

/// `router` wrapped with what every request gets: panics caught, answered
/// in JSON and counted on `platform`'s metrics, bodies read within the body
/// timeout.
pub fn wrap(router: Router, platform: Arc<Platform>, config: ApiConfig) -> Router {
    let metrics_platform = platform;
    router
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            config.body_timeout,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            move |panic: Box<dyn std::any::Any + Send>| {
                let what = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                tracing::error!(panic = %what, "a handler panicked; answered 500");
                metrics_platform
                    .metrics()
                    .count("vitrine_panics_total", &[("where", "handler")]);
                Response::builder()
                    .status(StatusCode::INTERNAL_SERVER_ERROR)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(
                        r#"{"error":{"code":"internal","message":"internal error; the change was not made"}}"#,
                    ))
                    .expect("a static response")
            },
        ))
}

/// Serves `platform` on `listener` until `shutdown` resolves, then stops
/// accepting and waits for the requests in flight (decisions included) to
/// finish. With `cycle_every`, evaluates and decides every household's
/// needs on that period.
pub async fn serve(
    platform: Arc<Platform>,
    listener: TcpListener,
    config: ApiConfig,
    cycle_every: Option<Duration>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let descriptors = raise_descriptor_limit();
    // Leave room for the database, the artifacts and the compile worker.
    let max_connections = config
        .max_connections
        .min(usize::try_from(descriptors.saturating_sub(64)).unwrap_or(usize::MAX))
        .max(1);
    platform.set_cycle_period(cycle_every);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let timer =
        cycle_every.map(|period| tokio::spawn(cycle(platform.clone(), period, stop_rx.clone())));
    let watcher = tokio::spawn(watch_plugins(platform.clone(), stop_rx.clone()));
    let webhooks = tokio::spawn(webhooks(platform.clone(), stop_rx));
    let app = app(platform, config);
    let slots = Arc::new(Semaphore::new(max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors, or a connection reset before it
                    // was accepted: wait a little, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service =
            TowerToHyperService::new(app.clone().map_request(
                |request: hyper::Request<hyper::body::Incoming>| request.map(Body::new),
            ));
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(config.header_timeout)
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    tracing::info!("shutting down: finishing requests in flight");
    drop(listener);
    graceful.shutdown().await;
    let _ = stop_tx.send(true);
    if let Some(timer) = timer {
        let _ = timer.await;
    }
    let _ = webhooks.await;
    let _ = watcher.await;
    Ok(())
}

/// How often a node on PostgreSQL checks what plugins are enabled, whatever
/// it was notified of (notifications sent while its listener reconnects
/// are lost).
pub const PLUGIN_POLL: Duration = Duration::from_secs(1);

/// PostgreSQL: serves every change to the enabled plugins that another
/// node made, as soon as it is notified (`LISTEN vitrine_plugins`) and at
/// the latest at the next poll, and shares plugin suspensions with the
/// other nodes at each poll. On SQLite there is no other node: nothing
/// to watch.
async fn watch_plugins(platform: Arc<Platform>, mut stop: tokio::sync::watch::Receiver<bool>) {
    if platform.store().backend() != vitrine_store::Backend::Postgres {
        return;
    }
    let mut listener = match platform.store().listen_plugins().await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for plugin changes; polling only");
            None
        }
    };
    let mut ticks = tokio::time::interval(PLUGIN_POLL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let notified = async {
            match listener.as_mut() {
                // `recv` reconnects by itself after the connection drops.
                Some(l) => l.next().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            woke = notified => {
                if let Err(e) = woke {
                    tracing::warn!(error = %e, "the plugin-change listener failed; it reconnects");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
            _ = ticks.tick() => {}
            _ = stop.changed() => break,
        }
        match platform.sync_plugins().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                brands = n,
                "plugins changed on another node: now served here"
            ),
            Err(e) => tracing::warn!(error = %e, "checking the enabled plugins failed"),
        }
        match platform.sync_suspensions().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                plugins = n,
                "suspended here too: another node found them failing"
            ),
            Err(e) => tracing::warn!(error = %e, "sharing plugin suspensions failed"),
        }
    }
}

/// How often webhooks are queued and sent.
pub const WEBHOOK_ROUND: Duration = Duration::from_secs(2);

/// Webhook rounds until `stop` changes; a failed or panicked round is
/// logged and the next one runs.
async fn webhooks(platform: Arc<Platform>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(WEBHOOK_ROUND);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                let run = tokio::spawn({
                    let platform = platform.clone();
                    async move { platform.deliver_webhooks().await }
                });
                match run.await {
                    Ok(Ok(round)) if round != Default::default() => {
                        tracing::info!(queued = round.queued, delivered = round.delivered, failed = round.failed, "webhooks");
                    }
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::error!(error = %e, "a webhook round failed"),
                    Err(join) => {
                        platform
                            .metrics()
                            .count("vitrine_panics_total", &[("where", "webhooks")]);
                        tracing::error!(panicked = join.is_panic(), "a webhook round panicked; the next one will run");
                    }
                }
            }
            _ = stop.changed() => break,
        }
    }
}

/// The needs cycle, every `period` until `stop` changes. Each cycle is a
/// task of its own: a panic is counted and logged, and the next one runs.
async fn cycle(
    platform: Arc<Platform>,
    period: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(period);
    ticks.tick().await;
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                let run = tokio::spawn({
                    let platform = platform.clone();
                    async move { platform.run_cycle().await }
                });
                match run.await {
                    Ok(Ok(taken)) => tracing::info!(decisions = taken.len(), "needs cycle"),
                    Ok(Err(e)) => tracing::error!(error = %e, "needs cycle failed"),
                    Err(join) => {
                        platform
                            .metrics()
                            .count("vitrine_panics_total", &[("where", "needs_cycle")]);
                        tracing::error!(panicked = join.is_panic(), "the needs cycle panicked; the next one will run");
                    }
                }
            }
            _ = stop.changed() => break,
        }
    }
}

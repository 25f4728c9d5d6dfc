//! The HTTP API (axum, JSON, under `/v1`): a thin layer that checks the
//! caller's token, parses the body and maps [`Platform`] methods and their
//! errors to HTTP. The routes are listed as data in [`routes`], which the
//! OpenAPI document at `/v1/openapi.json` is rendered from.
//!
//! One concept per file: [`error`] (JSON errors), [`extract`] (token and
//! body extractors), [`routes`] (the table and OpenAPI), `operator`,
//! `brand`, `household` (handlers by role), `idempotency`.

mod brand;
pub mod error;
pub mod extract;
mod household;
mod idempotency;
mod operator;
pub mod routes;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::json;

use crate::platform::Platform;
use error::ApiError;
use extract::Auth;

/// What a handler answers: a JSON body with a status, or an error.
pub(crate) type Reply = Result<Response, ApiError>;

/// `value` as JSON with `status`.
pub(crate) fn reply<T: serde::Serialize>(status: StatusCode, value: T) -> Reply {
    Ok((status, Json(value)).into_response())
}

/// `value` as JSON with 200.
pub(crate) fn ok<T: serde::Serialize>(value: T) -> Reply {
    reply(StatusCode::OK, value)
}

/// The API's own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiConfig {
    /// Largest JSON body, in bytes. Default 256 KiB.
    pub body_limit_bytes: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            body_limit_bytes: 256 << 10,
        }
    }
}

/// What every handler shares.
pub struct AppState {
    /// The platform.
    pub platform: Arc<Platform>,
    locks: idempotency::KeyLocks,
}

impl AppState {
    fn key_lock(&self, who: &str, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.locks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(format!("{who}\n{key}"))
            .or_default()
            .clone()
    }

    fn release_key(&self, who: &str, key: &str, lock: &Arc<tokio::sync::Mutex<()>>) {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        // Ours and the map's: nobody else waits on it.
        if Arc::strong_count(lock) <= 2 {
            locks.remove(&format!("{who}\n{key}"));
        }
    }
}

/// The router over `platform`.
pub fn router(platform: Arc<Platform>, config: ApiConfig) -> Router {
    let state = Arc::new(AppState {
        platform: platform.clone(),
        locks: Default::default(),
    });
    let plugin_limit = platform.runtime().limits().component_bytes;
    let h = "/v1/households/{household}";
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/v1/openapi.json", get(openapi))
        .route(
            "/v1/brands",
            post(operator::create_brand).get(operator::list_brands),
        )
        .route(
            "/v1/brands/{brand}/plugins",
            post(operator::upload_plugin)
                .layer(DefaultBodyLimit::max(plugin_limit))
                .get(brand::plugins),
        )
        .route(
            "/v1/brands/{brand}/plugins/{version}/enable",
            post(operator::enable_version),
        )
        .route(
            "/v1/brands/{brand}/plugins/{version}/limits",
            put(operator::set_limits),
        )
        .route(
            "/v1/brands/{brand}/plugins/{version}/catalog",
            put(operator::set_catalog),
        )
        .route("/v1/brands/{brand}/disable", post(operator::disable))
        .route("/v1/brands/{brand}/rollback", post(operator::rollback))
        .route("/v1/brands/{brand}/orders", get(brand::orders))
        .route("/v1/brands/{brand}/reports/{day}", get(brand::report))
        .route(
            "/v1/policy",
            get(operator::get_policy).put(operator::set_policy),
        )
        .route("/v1/audit", get(operator::audit))
        .route("/v1/households", post(operator::create_household))
        .route(h, get(household::export).delete(household::erase))
        .route(&format!("{h}/events"), post(household::add_events))
        .route(&format!("{h}/calendar"), put(household::set_calendar))
        .route(&format!("{h}/signals"), post(household::add_signals))
        .route(&format!("{h}/preferences"), put(household::set_preferences))
        .route(&format!("{h}/consents"), put(household::set_consents))
        .route(&format!("{h}/mandates"), put(household::set_mandates))
        .route(&format!("{h}/needs"), get(household::needs))
        .route(&format!("{h}/needs/evaluate"), post(household::evaluate))
        .route(
            &format!("{h}/decisions"),
            get(household::decisions).post(household::decide),
        )
        .route(
            &format!("{h}/decisions/{{decision}}"),
            get(household::decision),
        )
        .route(&format!("{h}/orders"), get(household::orders))
        .route(
            &format!("{h}/orders/{{order}}/approve"),
            post(household::approve),
        )
        .route(
            &format!("{h}/orders/{{order}}/decline"),
            post(household::decline),
        )
        .route(
            &format!("{h}/orders/{{order}}/cancel"),
            post(household::cancel),
        )
        .fallback(|| async { ApiError::not_found("route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not take this method",
            )
        })
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Counts and times every request by route template and status, and logs it.
async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status();
    let metrics = state.platform.metrics();
    metrics.count(
        "vitrine_http_requests_total",
        &[
            ("method", method.as_str()),
            ("route", &route),
            ("status", status.as_str()),
        ],
    );
    metrics.observe(
        "vitrine_http_request_seconds",
        &[("route", &route)],
        elapsed,
    );
    tracing::info!(
        target: "vitrine::http",
        method = %method, route = %route, status = status.as_u16(),
        micros = elapsed.as_micros() as u64,
        "request"
    );
    response
}

async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match state.platform.store().ping().await {
        Ok(()) => Json(json!({
            "status": "ok",
            "brands_live": state.platform.engine().bidders().len(),
        }))
        .into_response(),
        Err(e) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            e.to_string(),
        )
        .into_response(),
    }
}

async fn metrics(State(state): State<Arc<AppState>>, auth: Auth) -> Result<Response, ApiError> {
    auth.operator()?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.platform.metrics().render(),
    )
        .into_response())
}

async fn openapi() -> Json<serde_json::Value> {
    Json(routes::openapi())
}

/// Serves `platform` on `listener` until `shutdown` resolves, then stops
/// accepting and waits for the requests in flight (decisions included) to
/// finish. With `cycle_every`, evaluates and decides every household's
/// needs on that period.
pub async fn serve(
    platform: Arc<Platform>,
    listener: tokio::net::TcpListener,
    config: ApiConfig,
    cycle_every: Option<Duration>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let timer = cycle_every.map(|period| {
        let platform = platform.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.tick().await;
            loop {
                tokio::select! {
                    _ = ticks.tick() => {
                        match platform.run_cycle().await {
                            Ok(taken) => tracing::info!(decisions = taken.len(), "needs cycle"),
                            Err(e) => tracing::error!(error = %e, "needs cycle failed"),
                        }
                    }
                    _ = stop.changed() => break,
                }
            }
        })
    });
    let app = router(platform, config);
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing requests in flight");
            let _ = stop_tx.send(true);
        })
        .await;
    let _ = stop_rx.changed().await;
    if let Some(timer) = timer {
        let _ = timer.await;
    }
    served
}

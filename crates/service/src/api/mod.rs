//! The HTTP API (axum, JSON, under `/v1`): a thin layer that checks the
//! caller's token, parses the body and maps [`Platform`] methods and their
//! errors to HTTP. The routes are listed as data in [`routes`], which the
//! OpenAPI document at `/v1/openapi.json` is rendered from.
//!
//! One concept per file: [`error`] (JSON errors), `extract` (token and
//! body extractors), [`routes`] (the table and OpenAPI), `operator`,
//! `brand`, `household` (handlers by role), `idempotency`.

mod answers;
mod brand;
pub mod error;
pub(crate) mod extract;
mod household;
mod idempotency;
mod operator;
mod rate;
pub mod routes;
pub mod serve;
mod tokens;

pub use serve::serve;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
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
    /// Connections served at once; more wait in the kernel's backlog.
    /// Default 1,024 (and never more than the open-file limit allows).
    pub max_connections: usize,
    /// Time a connection has to send a request's headers, and the longest
    /// an idle keep-alive connection is kept. Default 10 s.
    pub header_timeout: Duration,
    /// Time a request has to send its body. Default 30 s.
    pub body_timeout: Duration,
    /// Requests per second one token may make, sustained (0: no limit).
    /// Default 100: a household's app or a brand's backend makes a few a
    /// minute; a script hammering the API slows only itself.
    pub rate_per_token: u32,
    /// Requests one token may make in a burst above its rate. Default 200.
    pub rate_burst: u32,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            body_limit_bytes: 256 << 10,
            max_connections: 1_024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            rate_per_token: 100,
            rate_burst: 200,
        }
    }
}

/// What every handler shares.
pub struct AppState {
    /// The platform.
    pub platform: Arc<Platform>,
    locks: idempotency::KeyLocks,
    pub(crate) rate: rate::TokenRate,
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
        rate: rate::TokenRate::new(config.rate_per_token, config.rate_burst),
    });
    let plugin_limit = platform.runtime().limits().component_bytes;
    let mut router = Router::new();
    for route in routes::ROUTES {
        let Some(method) = routes::method_filter(route.method) else {
            continue;
        };
        let mut handler = (route.handler)(method);
        if matches!(route.body, routes::Body::Wasm) {
            handler = handler.layer(DefaultBodyLimit::max(plugin_limit));
        }
        // axum merges the methods of one path into one method router.
        router = router.route(route.path, handler);
    }
    router
        .merge(crate::console::router(state.clone()))
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
    let cycle = state.platform.cycle_health();
    match state.platform.store().ping().await {
        Ok(()) if matches!(cycle, crate::platform::NeedsCycleHealth::Stalled { .. }) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "degraded",
                "error": {"code": "needs_cycle_stalled", "message": "the needs cycle has not finished for three of its periods"},
                "needs_cycle": cycle,
            })),
        )
            .into_response(),
        Ok(()) => Json(answers::Health {
            status: "ok",
            brands_live: state.platform.engine().bidders().len(),
            needs_cycle: cycle,
        })
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

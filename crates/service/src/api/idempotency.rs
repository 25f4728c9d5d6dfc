//! `Idempotency-Key` on POSTs that can create or change orders: the first
//! answer (success or client error) is stored with a hash of the request
//! (its canonical JSON, so the same request written with other spacing or
//! key order is the same request); a retry with the same key and request
//! gets it again (with `Idempotent-Replayed: true`), the same key with
//! another request is refused (422). Requests with one key are serialised
//! (within a node, and across nodes on PostgreSQL), so two concurrent
//! retries cannot both act; the key's lock is released
//! whatever the outcome.

use std::future::Future;
use std::sync::Arc;

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::AppState;
use super::error::ApiError;
use crate::platform::PlatformError;
use vitrine_store::idempotency::StoredAnswer;
use vitrine_store::tokens::Principal;

/// Runs `act` once per key (or every time without a key).
pub(super) async fn idempotent(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    route: &str,
    body: &[u8],
    act: impl Future<Output = Result<(StatusCode, Value), ApiError>>,
) -> Response {
    let key = match headers.get("idempotency-key") {
        None => return respond(act.await),
        Some(v) => match v.to_str() {
            Ok(k) if !k.is_empty() && k.len() <= 255 => k.to_owned(),
            _ => {
                return ApiError::bad_request(
                    "invalid_idempotency_key",
                    "Idempotency-Key must be 1 to 255 visible ASCII characters",
                )
                .into_response();
            }
        },
    };
    let who = format!("{}:{}", principal.role(), principal.subject());
    let lock = state.key_lock(&who, &key);
    let guard = lock.lock().await;
    // Across nodes too (PostgreSQL): a retry sent to another node while
    // the first is acting waits for it, then replays its answer.
    let response = match state
        .platform
        .store()
        .request_lock(&format!("idempotency:{who}:{key}"))
        .await
    {
        Ok(shared) => {
            let response = answer_once(state, &who, &key, route, body, act).await;
            shared.release().await;
            response
        }
        Err(e) => ApiError::from(PlatformError::from(e)).into_response(),
    };
    drop(guard);
    // Every way out (a replay, a refusal, a stored or failed answer)
    // releases the key's lock, so the map of locks never grows.
    state.release_key(&who, &key, &lock);
    response
}

/// Under the key's lock: the stored answer, or `act`'s (stored).
async fn answer_once(
    state: &AppState,
    who: &str,
    key: &str,
    route: &str,
    body: &[u8],
    act: impl Future<Output = Result<(StatusCode, Value), ApiError>>,
) -> Response {
    let request_hash = hex::encode(
        Sha256::new()
            .chain_update(route)
            .chain_update([0])
            .chain_update(body)
            .finalize(),
    );
    let store = state.platform.store();
    match store.answer(who, key).await {
        Err(e) => return ApiError::from(PlatformError::from(e)).into_response(),
        Ok(Some(stored)) if stored.route == route && stored.request_hash == request_hash => {
            let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
            let body: Value = serde_json::from_str(&stored.body).unwrap_or_default();
            let mut response = (status, Json(body)).into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return response;
        }
        Ok(Some(_)) => {
            return ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used for another request",
            )
            .into_response();
        }
        Ok(None) => {}
    }
    let result = act.await;
    let (status, body) = match &result {
        Ok((status, body)) => (*status, body.clone()),
        Err(e) if e.status.is_client_error() => (
            e.status,
            serde_json::json!({"error": {"code": e.code, "message": e.message}}),
        ),
        // A server error is not stored: the retry should try again.
        Err(_) => return respond(result),
    };
    let answer = StoredAnswer {
        route: route.to_owned(),
        request_hash,
        status: status.as_u16(),
        body: body.to_string(),
    };
    let saved = async {
        let mut tx = store.begin().await?;
        tx.insert_answer(who, key, &answer, state.platform.now())
            .await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = saved {
        tracing::error!(error = %e, "storing an idempotent answer failed");
    }
    respond(result)
}

fn respond(result: Result<(StatusCode, Value), ApiError>) -> Response {
    match result {
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The per-key locks.
pub(super) type KeyLocks =
    std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Mutex<()>>>>;

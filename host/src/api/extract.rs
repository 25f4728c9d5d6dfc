//! Extractors whose refusals are JSON errors: the caller's [`Auth`] (token,
//! then the route's access rule from [`routes::ROUTES`]), a
//! [`JsonBody`] (400 for malformed JSON, 422 for the wrong shape, 413 over
//! the body limit) and [`RawBody`] (a plugin's bytes).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;
use super::routes::{self, Access};
use crate::store::tokens::Principal;

/// The caller, from `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct Auth(pub Principal);

impl FromRequestParts<Arc<AppState>> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("an Authorization: Bearer token is required"))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be `Bearer <token>`")
            })?;
        let Some(principal) = state.platform.principal(token).await? else {
            return Err(ApiError::unauthorized("unknown or revoked token"));
        };
        // The route's access rule is enforced here, while only the head of
        // the request has been read: a caller without the right gets 403
        // before its body is parsed (never a 422 that tells it about the
        // route), and handlers check again for themselves.
        let params = RawPathParams::from_request_parts(parts, state).await.ok();
        let param = |name: &str| {
            params
                .iter()
                .flat_map(|p| p.iter())
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value)
        };
        let route = parts
            .extensions
            .get::<MatchedPath>()
            .and_then(|matched| routes::find(parts.method.as_str(), matched.as_str()));
        let allowed = match (route.map(|r| r.access), &principal) {
            (Some(Access::Public), _) => true,
            (Some(Access::Operator | Access::OperatorOrOwnBrand), Principal::Operator) => true,
            (Some(Access::OperatorOrOwnBrand | Access::OwnBrand), Principal::Brand(b)) => {
                param("brand") == Some(b.as_str())
            }
            (Some(Access::OwnHousehold), Principal::Household(h)) => {
                param("household") == Some(h.as_str())
            }
            // Another role, or a route missing from the table: refused.
            _ => false,
        };
        if !allowed {
            return Err(ApiError::forbidden());
        }
        Ok(Auth(principal))
    }
}

impl Auth {
    /// Only the operator.
    pub fn operator(&self) -> Result<(), ApiError> {
        match self.0 {
            Principal::Operator => Ok(()),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// Only household `id` itself.
    pub fn household(&self, id: &str) -> Result<(), ApiError> {
        match &self.0 {
            Principal::Household(h) if h == id => Ok(()),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// Only brand `id` itself.
    pub fn brand(&self, id: &str) -> Result<(), ApiError> {
        match &self.0 {
            Principal::Brand(b) if b == id => Ok(()),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// The operator or brand `id`.
    pub fn operator_or_brand(&self, id: &str) -> Result<(), ApiError> {
        self.operator().or_else(|_| self.brand(id))
    }
}

fn body_error(rejection: axum::extract::rejection::BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "the body is over this route's limit",
        )
    } else {
        ApiError::bad_request("unreadable_body", rejection.body_text())
    }
}

/// A JSON body; its raw bytes are kept for idempotency hashing.
#[derive(Debug)]
pub struct JsonBody<T> {
    /// The parsed value.
    pub value: T,
    /// The bytes it was parsed from.
    pub bytes: Bytes,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        let value = serde_json::from_slice(&bytes).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Data => ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_body",
                    format!("the JSON does not have the expected shape: {e}"),
                ),
                _ => ApiError::bad_request(
                    "malformed_json",
                    format!("the body is not valid JSON: {e}"),
                ),
            }
        })?;
        Ok(JsonBody { value, bytes })
    }
}

/// Raw bytes (a plugin upload).
#[derive(Debug)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Ok(RawBody(
            Bytes::from_request(req, state).await.map_err(body_error)?,
        ))
    }
}

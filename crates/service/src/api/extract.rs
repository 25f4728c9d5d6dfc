//! Extractors whose refusals are JSON errors: the caller's [`Auth`] (token,
//! then the route's access rule from [`routes::ROUTES`]), a
//! [`JsonBody`] (400 for malformed JSON, 422 for the wrong shape, 413 over
//! the body limit) and [`RawBody`] (a plugin's bytes).

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;
use super::routes::{self, Access};
use vitrine_store::tokens::Principal;

/// The caller, from `Authorization: Bearer <token>`, and that token (for
/// rotating it).
#[derive(Debug, Clone)]
pub(crate) struct Auth(pub Principal, pub(crate) String);

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
            })?
            .to_owned();
        let token = token.as_str();
        state.rate.check(token)?;
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
            (Some(Access::Public | Access::AnyToken), _) => true,
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
        // Several nodes: this node's copy of the household is brought up to
        // date with the store first (one read when nothing changed).
        if let Some(household) = param("household") {
            state.platform.sync_household(household).await?;
        }
        Ok(Auth(principal, token.to_owned()))
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
    pub(crate) fn operator_or_brand(&self, id: &str) -> Result<(), ApiError> {
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

/// A JSON body, checked against the JSON Schema of `T` (derived from the
/// same serde type, with the documented ranges) before it is read: a
/// malformed body is a 400, and a body of the wrong shape or with a value
/// out of range a 422 naming the field (`consumption[3].at`). So an array
/// where an object is expected, an unknown field, a timestamp in 1969 or a
/// quantity of four billion never reach the platform.
#[derive(Debug)]
pub(crate) struct JsonBody<T> {
    /// The parsed value.
    pub value: T,
    /// The body in canonical form (parsed, keys sorted, no whitespace):
    /// the same request written differently gives the same text.
    pub canonical: String,
}

/// The compiled JSON Schema validator of each body type, built once.
fn validator<T: schemars::JsonSchema + 'static>() -> Arc<jsonschema::Validator> {
    type Validators = Mutex<HashMap<TypeId, Arc<jsonschema::Validator>>>;
    static VALIDATORS: OnceLock<Validators> = OnceLock::new();
    let mut validators = VALIDATORS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    validators
        .entry(TypeId::of::<T>())
        .or_insert_with(|| {
            let schema = schemars::schema_for!(T);
            Arc::new(
                jsonschema::validator_for(schema.as_value())
                    .expect("schemars produces valid JSON Schemas"),
            )
        })
        .clone()
}

/// The most specific failure inside `error`: for "none of these shapes"
/// (a choice between forms, such as a need given by id or in full), the
/// failure that went deepest into the body; its instance path and its
/// message without the offending value (which may be large, or private).
fn innermost(error: &jsonschema::ValidationError<'_>) -> (String, String) {
    use jsonschema::error::ValidationErrorKind;
    let choices = match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            Some(context)
        }
        _ => None,
    };
    choices
        .into_iter()
        .flatten()
        .flatten()
        .map(innermost)
        .max_by_key(|(pointer, _)| pointer.matches('/').count())
        .filter(|(pointer, _)| pointer.len() > error.instance_path().as_str().len())
        .unwrap_or_else(|| {
            (
                error.instance_path().as_str().to_owned(),
                error.masked().to_string(),
            )
        })
}

/// `/consumption/3/at` as `consumption[3].at`.
fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').filter(|s| !s.is_empty()) {
        if segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment.replace("~1", "/").replace("~0", "~"));
        }
    }
    if out.is_empty() {
        "body".to_owned()
    } else {
        out
    }
}

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned + schemars::JsonSchema + 'static,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
        })?;
        if let Some(error) = validator::<T>().iter_errors(&json).next() {
            let (pointer, message) = innermost(&error);
            let field = field_path(&pointer);
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                format!(
                    "{field}: {} (the documented shapes and ranges: docs/FORMATS.md)",
                    vitrine_types::text::truncate_chars(&message, 300)
                ),
            )
            .with_field(field));
        }
        let canonical = json.to_string();
        let value = serde_json::from_value(json).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("the JSON does not have the expected shape: {e}"),
            )
        })?;
        Ok(JsonBody { value, canonical })
    }
}

/// A path parameter whose refusal (a malformed segment) is a JSON 400.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))
    }
}

/// A query string whose refusal is a JSON 400.
#[derive(Debug)]
pub(crate) struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))
    }
}

/// Raw bytes (a plugin upload).
#[derive(Debug)]
pub(crate) struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Ok(RawBody(
            Bytes::from_request(req, state).await.map_err(body_error)?,
        ))
    }
}

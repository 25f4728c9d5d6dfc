//! Every error the API returns: `{"error": {"code": ..., "message": ...}}`
//! with the status that fits.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::platform::PlatformError;

/// An API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable code.
    pub code: String,
    /// What happened, for a person.
    pub message: String,
}

impl ApiError {
    /// An error with `status`, `code` and `message`.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// 401: no valid token.
    pub fn unauthorized(message: &str) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403: a valid token that may not do this.
    pub fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this token may not act on this resource",
        )
    }

    /// 404.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    /// 400: the body is not what the route takes.
    pub fn bad_request(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl From<PlatformError> for ApiError {
    fn from(e: PlatformError) -> ApiError {
        let status = match &e {
            PlatformError::NotFound(_) => StatusCode::NOT_FOUND,
            PlatformError::Conflict { .. } => StatusCode::CONFLICT,
            PlatformError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            PlatformError::Store(inner) => {
                tracing::error!(error = %inner, "store failure");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let message = match &e {
            PlatformError::Store(_) => "internal error; the change was not made".to_owned(),
            other => other.to_string(),
        };
        ApiError::new(status, e.code(), message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(json!({"error": {"code": self.code, "message": self.message}})),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

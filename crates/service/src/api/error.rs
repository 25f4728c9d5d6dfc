//! Every error the API returns: `{"error": {"code": ..., "message": ...}}`
//! (with `"field"` naming the field at fault when one is) and the status
//! that fits.

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
    /// The field at fault, as a path (`consumption[3].at`), when one is.
    pub field: Option<String>,
    /// Seconds to wait before retrying (a 429's `Retry-After`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with `status`, `code` and `message`.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// This error, naming the field at fault.
    pub(crate) fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
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

    /// 429: the token is over its rate; retry after `seconds`.
    pub(crate) fn too_many_requests(seconds: u64) -> ApiError {
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("this token is over its request rate; retry in {seconds} s"),
            )
        }
    }

    /// 400: the body is not what the route takes.
    pub(crate) fn bad_request(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }
}

/// The HTTP status of a platform error, and what to tell the caller (a
/// store failure is logged here and never described): the API's and the
/// console's answers agree.
pub(crate) fn platform_status(e: &PlatformError) -> (StatusCode, Option<String>) {
    match e {
        PlatformError::NotFound(_) => (StatusCode::NOT_FOUND, Some(e.to_string())),
        PlatformError::Conflict { .. } => (StatusCode::CONFLICT, Some(e.to_string())),
        PlatformError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, Some(e.to_string())),
        PlatformError::Store(inner) => {
            tracing::error!(error = %inner, "store failure");
            (StatusCode::INTERNAL_SERVER_ERROR, None)
        }
    }
}

impl From<PlatformError> for ApiError {
    fn from(e: PlatformError) -> ApiError {
        let (status, message) = platform_status(&e);
        let message =
            message.unwrap_or_else(|| "internal error; the change was not made".to_owned());
        let field = e.field().map(str::to_owned);
        ApiError {
            field,
            ..ApiError::new(status, e.code(), message)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(field) = self.field {
            error["field"] = json!(field);
        }
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

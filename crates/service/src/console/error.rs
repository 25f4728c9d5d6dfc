//! What the console answers when something goes wrong: a page in words
//! with the status that fits (or, without a session, the way to sign in).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::layout;
use crate::platform::PlatformError;

/// A console error.
#[derive(Debug)]
pub(crate) enum ConsoleError {
    /// No session, or its token is unknown or revoked: sign in.
    SignIn,
    /// Signed in, but this is not the caller's to see or do.
    Forbidden(&'static str),
    /// Nothing here (or nothing of the caller's).
    NotFound(&'static str),
    /// The form was malformed.
    BadForm(String),
    /// Too many requests from this token; retry after so many seconds.
    TooMany(u64),
    /// The platform refused or failed.
    Platform(PlatformError),
}

impl From<PlatformError> for ConsoleError {
    fn from(e: PlatformError) -> Self {
        ConsoleError::Platform(e)
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            ConsoleError::SignIn => return Redirect::to("/signin").into_response(),
            ConsoleError::Forbidden(why) => (StatusCode::FORBIDDEN, "Not yours", why.to_owned()),
            ConsoleError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "Not found",
                format!("There is no such {what} here."),
            ),
            ConsoleError::BadForm(why) => (StatusCode::BAD_REQUEST, "That did not work", why),
            ConsoleError::TooMany(seconds) => (
                StatusCode::TOO_MANY_REQUESTS,
                "Slow down",
                format!("Too many requests; try again in {seconds} s."),
            ),
            ConsoleError::Platform(e) => {
                let (status, message) = crate::api::error::platform_status(&e);
                let message = message.unwrap_or_else(|| {
                    "Something failed on our side; nothing was changed. Try again.".to_owned()
                });
                (status, "That did not work", message)
            }
        };
        let body = layout::bare(
            title,
            html! {
                h1 { (title) }
                p role="alert" { (message) }
                p { a href="/" { "Back to the console" } }
            },
        );
        let mut response = (status, body).into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

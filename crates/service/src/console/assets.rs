//! The console's stylesheet and script, embedded in the binary (no build
//! step, no Node.js, nothing fetched from elsewhere: the Content-Security-
//! Policy allows only these). The script is progressive enhancement: every
//! page works without it; it keeps countdowns current and asks before a
//! destructive action.

use axum::http::header;
use axum::response::IntoResponse;

/// Where the stylesheet is served.
pub(crate) const CSS_PATH: &str = "/assets/console.css";
/// Where the script is served.
pub(crate) const JS_PATH: &str = "/assets/console.js";

const CSS: &str = include_str!("assets/console.css");
const JS: &str = include_str!("assets/console.js");

/// Cache for an hour: the assets change only with the binary.
const CACHE: &str = "public, max-age=3600";

pub(crate) async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        CSS,
    )
}

pub(crate) async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        JS,
    )
}

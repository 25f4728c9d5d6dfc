//! Signing in to the console and keeping the caller signed in.
//!
//! The caller signs in with its role's token (the same token the API takes
//! as `Bearer`), once: the token is posted from a form (or, from a link that
//! `vitrine demo --serve` prints, shown in a confirmation form first, so
//! that a link alone never signs anybody in) and from then on travels only
//! in the `vitrine_session` cookie, `HttpOnly` (no script reads it) and
//! `SameSite=Strict` (no other site's page sends it). The server keeps no
//! session: every request checks the token against the store, so a revoked
//! token signs the console out at once, on every node.
//!
//! Every form that changes something carries a CSRF token derived from the
//! session token (a keyed hash no other site can compute), and the console
//! refuses a `POST` whose `Origin` or `Sec-Fetch-Site` says it came from
//! another site: two defences, besides the cookie's `SameSite`.

use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use sha2::{Digest, Sha256};

use super::error::ConsoleError;
use crate::api::AppState;
use vitrine_store::tokens::Principal;

/// The session cookie's name.
pub(crate) const COOKIE: &str = "vitrine_session";

/// Longest token accepted (as the API).
const MAX_TOKEN_CHARS: usize = 256;

/// A signed-in caller.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// Who it is.
    pub principal: Principal,
    /// The CSRF token its forms carry.
    pub csrf: String,
}

impl Session {
    /// Checks a form's CSRF token.
    pub fn check(&self, csrf: &str) -> Result<(), ConsoleError> {
        if constant_time_eq(csrf.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(ConsoleError::Forbidden(
                "this form has expired or came from another site; reload the page and try again",
            ))
        }
    }

    /// The household signed in, or 403 for another role.
    pub fn household(&self) -> Result<&str, ConsoleError> {
        match &self.principal {
            Principal::Household(h) => Ok(h),
            _ => Err(ConsoleError::Forbidden("these pages are a household's")),
        }
    }

    /// The brand signed in, or 403 for another role.
    pub fn brand(&self) -> Result<&str, ConsoleError> {
        match &self.principal {
            Principal::Brand(b) => Ok(b),
            _ => Err(ConsoleError::Forbidden("these pages are a brand's")),
        }
    }

    /// 403 unless the operator is signed in.
    pub fn operator(&self) -> Result<(), ConsoleError> {
        match &self.principal {
            Principal::Operator => Ok(()),
            _ => Err(ConsoleError::Forbidden("these pages are the operator's")),
        }
    }
}

/// The CSRF token of a session token: a keyed hash, so that it cannot be
/// computed without the session token, and is the same on every node.
pub(crate) fn csrf_token(session_token: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"vitrine console csrf\0")
        .chain_update(session_token.as_bytes())
        .finalize();
    hex::encode(&digest[..16])
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token in the request's session cookie, if it has a well-formed one.
pub(crate) fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|t| well_formed(t))
}

/// Whether `token` could be a token: printable ASCII without separators,
/// at most 256 characters (tokens are hex or base64url).
pub(crate) fn well_formed(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= MAX_TOKEN_CHARS
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `Set-Cookie` for a session with `token`; `secure` when the console is
/// reached over HTTPS.
pub(crate) fn set_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("vitrine_session=; Path=/; Max-Age=0"))
}

/// `Set-Cookie` that ends the session.
pub(crate) fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("vitrine_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Whether the request reached us over HTTPS (directly or through a proxy
/// that says so).
pub(crate) fn over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Whether a request that changes something came from one of the console's
/// own pages. Every current browser sends `Sec-Fetch-Site`, which a page
/// cannot forge: it must be `same-origin` (or `none`: typed or bookmarked).
/// Without it (an older browser, or a client that is not a browser), an
/// `Origin` must name the host the request was sent to; `Origin: null`
/// (which browsers send under our `Referrer-Policy: no-referrer`) is
/// decided by `Sec-Fetch-Site` alone.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    match headers.get(header::ORIGIN).map(HeaderValue::to_str) {
        None => true,
        Some(Ok(origin)) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            let origin_host = origin
                .split_once("://")
                .map(|(_, rest)| rest.trim_end_matches('/'));
            host.is_some() && origin_host == host
        }
        Some(Err(_)) => false,
    }
}

impl FromRequestParts<Arc<AppState>> for Session {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ConsoleError> {
        let token = cookie_token(&parts.headers).ok_or(ConsoleError::SignIn)?;
        state
            .rate
            .check(&token)
            .map_err(|e| ConsoleError::TooMany(e.retry_after.unwrap_or(1)))?;
        let principal = state
            .platform
            .principal(&token)
            .await?
            .ok_or(ConsoleError::SignIn)?;
        // Several nodes: this node's copy of the household is brought up to
        // date with the store first, as the API does.
        if let Principal::Household(h) = &principal {
            state.platform.sync_household(h).await?;
        }
        Ok(Session {
            principal,
            csrf: csrf_token(&token),
        })
    }
}

impl OptionalFromRequestParts<Arc<AppState>> for Session {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Option<Self>, ConsoleError> {
        match <Session as FromRequestParts<_>>::from_request_parts(parts, state).await {
            Ok(session) => Ok(Some(session)),
            Err(ConsoleError::SignIn) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csrf_token_depends_on_the_session_and_is_stable() {
        assert_eq!(csrf_token("abc"), csrf_token("abc"));
        assert_ne!(csrf_token("abc"), csrf_token("abd"));
        assert_eq!(csrf_token("abc").len(), 32);
    }

    #[test]
    fn only_the_session_cookie_is_read_and_only_when_well_formed() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("other=1; vitrine_session=tok_123; x=y"),
        );
        assert_eq!(cookie_token(&headers).as_deref(), Some("tok_123"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("vitrine_session=<script>"),
        );
        assert_eq!(cookie_token(&headers), None);
    }

    #[test]
    fn a_post_from_another_site_is_not_same_origin() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("vitrine.example"));
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://vitrine.example"),
        );
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&headers));
        // A browser's own form under `no-referrer`: Origin null, same-origin.
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&headers));
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&headers));
        headers.remove(header::ORIGIN);
        assert!(!same_origin(&headers));
    }
}

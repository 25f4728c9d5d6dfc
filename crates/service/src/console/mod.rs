//! The console: pages for households, brands and the operator, served by
//! `vitrine serve` at `/` beside the API (`/v1`), from the same process and
//! the same platform methods, under the same access rules.
//!
//! Pages are rendered on the server (maud, which escapes every value) with
//! a little progressive enhancement (`assets/console.js` keeps countdowns
//! current and asks before destructive actions; every page works without
//! it). Why not a client over the API: the household's first screen is a
//! phone, where a page that arrives complete is the fastest; the session
//! stays in an `HttpOnly` cookie no script can read, so no token ever sits
//! where injected script could take it; and the strict Content-Security-
//! Policy (no inline script or style, nothing from elsewhere) costs
//! nothing. Charts are SVG drawn on the server.
//!
//! One concept per file: [`session`] (sign-in, the cookie, CSRF), [`layout`]
//! (the page shell), [`charts`], [`household`] and `mandates`, [`brand`],
//! [`operator`] (pages by role), `assets`, [`error`].

mod assets;
mod brand;
mod charts;
pub(crate) mod error;
mod household;
mod layout;
mod mandates;
mod operator;
pub(crate) mod session;

use std::sync::Arc;

use axum::Form;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;
use serde::Deserialize;

use crate::api::AppState;
use error::ConsoleError;
use session::Session;
use vitrine_store::tokens::Principal;

/// The console's Content-Security-Policy: its own stylesheet and script
/// only, no inline script or style, no frames, forms posting only to
/// itself.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The console's routes, to be merged into the API's router.
pub(crate) fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let plugin_limit = state.platform.runtime().limits().component_bytes;
    Router::new()
        .route("/", get(root))
        .route("/signin", get(signin_page).post(signin))
        .route("/signout", post(signout))
        .route(assets::CSS_PATH, get(assets::css))
        .route(assets::JS_PATH, get(assets::js))
        .route("/household", get(household::home))
        .route("/household/budgets", get(household::budgets))
        .route("/household/pantry", get(household::pantry))
        .route("/household/control", get(household::control))
        .route("/household/control/consents", post(household::set_consents))
        .route(
            "/household/control/pause",
            post(household::pause_everything),
        )
        .route("/household/control/erase", post(household::erase))
        .route("/household/control/mandates", post(mandates::create))
        .route(
            "/household/control/mandates/{mandate}",
            post(mandates::edit),
        )
        .route(
            "/household/control/mandates/{mandate}/expire",
            post(mandates::expire),
        )
        .route("/household/export", get(household::export))
        .route("/household/orders/{order}", get(household::why))
        .route(
            "/household/orders/{order}/{action}",
            post(household::order_action),
        )
        .route(
            "/household/subscriptions/{subscription}/{action}",
            post(household::subscription_action),
        )
        .route("/brand", get(brand::plugin))
        .route(
            "/brand/plugins",
            // Multipart framing around the largest component accepted.
            post(brand::upload).layer(DefaultBodyLimit::max(plugin_limit + (64 << 10))),
        )
        .route("/brand/rollback", post(brand::rollback))
        .route("/brand/orders", get(brand::orders))
        .route("/operator", get(operator::home))
        .route("/operator/policy", get(operator::policy))
        .route(
            "/operator/brands/{brand}/versions/{version}/enable",
            post(operator::enable),
        )
        .route("/operator/tokens/revoke", post(operator::revoke_by_form))
        .route("/operator/tokens/{token}/revoke", post(operator::revoke))
        .layer(middleware::from_fn(guard))
}

/// Every console response gets the security headers; a request that
/// changes something must come from the console's own pages.
async fn guard(request: Request, next: Next) -> Response {
    if request.method() == Method::POST && !session::same_origin(request.headers()) {
        return ConsoleError::Forbidden(
            "this form was sent from another site; open the console and try again",
        )
        .into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        // Pages are the caller's own: never kept by a shared cache, nor
        // by the browser's back button after signing out.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// `GET /`: the signed-in role's home, or the sign-in page.
async fn root(session: Option<Session>) -> Redirect {
    match session.map(|s| s.principal) {
        Some(Principal::Household(_)) => Redirect::to("/household"),
        Some(Principal::Brand(_)) => Redirect::to("/brand"),
        Some(Principal::Operator) => Redirect::to("/operator"),
        None => Redirect::to("/signin"),
    }
}

/// `?token=` on a sign-in link.
#[derive(Debug, Deserialize)]
struct SigninLink {
    token: Option<String>,
}

/// `GET /signin`: the form; from a sign-in link, the same form filled in,
/// to be confirmed (a link alone never signs anybody in).
async fn signin_page(Query(link): Query<SigninLink>) -> Response {
    let token = link.token.filter(|t| session::well_formed(t));
    let body = layout::bare(
        "Sign in",
        html! {
            div.signin {
                h1 { "Sign in to Vitrine" }
                @if token.is_some() {
                    p { "You opened a sign-in link. Continue to sign in with it on this device." }
                } @else {
                    p { "Paste the token your household app, your brand's onboarding or your operator gave you." }
                }
                form method="post" action="/signin" {
                    @if let Some(token) = &token {
                        input type="hidden" name="token" value=(token);
                        button.primary type="submit" { "Continue" }
                    } @else {
                        label for="token" { "Token" }
                        input id="token" type="password" name="token" required autocomplete="current-password";
                        div.actions { button.primary type="submit" { "Sign in" } }
                    }
                }
            }
        },
    );
    body.into_response()
}

#[derive(Debug, Deserialize)]
struct SigninForm {
    token: String,
}

/// `POST /signin`: checks the token, sets the session cookie, and goes to
/// the role's home (so that the token leaves the address bar and history).
async fn signin(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(form): Form<SigninForm>,
) -> Result<Response, ConsoleError> {
    let token = form.token.trim();
    let refused = || {
        let body = layout::bare(
            "Sign in",
            html! {
                div.signin {
                    h1 { "Sign in to Vitrine" }
                    p role="alert" { "That token is not known, or it was revoked." }
                    p { a href="/signin" { "Try again" } }
                }
            },
        );
        (axum::http::StatusCode::UNAUTHORIZED, body).into_response()
    };
    if !session::well_formed(token) {
        return Ok(refused());
    }
    s.rate
        .check(token)
        .map_err(|e| ConsoleError::TooMany(e.retry_after.unwrap_or(1)))?;
    if s.platform.principal(token).await?.is_none() {
        return Ok(refused());
    }
    Ok((
        [(
            header::SET_COOKIE,
            session::set_cookie(token, session::over_https(&headers)),
        )],
        Redirect::to("/"),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct SignoutForm {
    csrf: String,
}

/// `POST /signout`.
async fn signout(
    session: Session,
    Form(form): Form<SignoutForm>,
) -> Result<Response, ConsoleError> {
    session.check(&form.csrf)?;
    Ok((
        [(header::SET_COOKIE, session::clear_cookie())],
        Redirect::to("/signin"),
    )
        .into_response())
}

//! The operator's pages: the platform's health (decisions and plugin
//! failures on this node, suspended plugins, the needs cycle), brands and
//! their versions with their limits (enabling a version a brand uploaded),
//! tokens and their revocation, the sharing policy and category bounds.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use maud::{Markup, html};

use super::error::ConsoleError;
use super::layout::{self, CsrfForm, Done, csrf_field, post_button};
use super::session::Session;
use crate::api::AppState;
use crate::platform::CycleHealth;
use vitrine_core::household::DataField;
use vitrine_store::brands::VersionStatus;

fn notice(done: &Done) -> Option<&'static str> {
    Some(match done.done.as_deref()? {
        "enabled" => "The version is live.",
        "revoked" => "The token is revoked: it no longer signs anybody in, on any node.",
        _ => return None,
    })
}

/// `GET /operator`: health, brands and versions, tokens.
pub(crate) async fn home(
    State(s): State<Arc<AppState>>,
    session: Session,
    Query(done): Query<Done>,
) -> Result<Markup, ConsoleError> {
    session.operator()?;
    let platform = &s.platform;
    let metrics = platform.metrics();
    let outcomes = ["ordered", "awaiting_approval", "declined"];
    let decided: u64 = outcomes
        .iter()
        .map(|o| metrics.counter("vitrine_decisions_total", &[("outcome", o)]))
        .sum();
    let calls = platform.plugin_calls(None);
    let brands = platform
        .store()
        .brands()
        .await
        .map_err(crate::platform::PlatformError::from)?;
    let mut rows = Vec::new();
    for brand in &brands {
        rows.push((brand, platform.plugin_status(&brand.id, true).await?));
    }
    let suspended: Vec<&str> = rows
        .iter()
        .filter(|(_, st)| st.health.as_ref().is_some_and(|h| h.state == "suspended"))
        .map(|(b, _)| b.id.as_str())
        .collect();
    // Brands' and the operator's tokens are listed; households' (one or
    // more per household: millions) are counted, and revoked by id.
    let all_tokens = platform.tokens(&session.principal).await?;
    let household_tokens = all_tokens.iter().filter(|t| t.role == "household").count();
    let tokens: Vec<_> = all_tokens
        .iter()
        .filter(|t| t.role != "household")
        .collect();
    let cycle = match platform.cycle_health() {
        CycleHealth::Off => "off on this node".to_owned(),
        CycleHealth::Ok {
            last_finished_secs_ago: Some(s),
        } => format!("running; last finished {s} s ago"),
        CycleHealth::Ok {
            last_finished_secs_ago: None,
        } => "running; not finished yet".to_owned(),
        CycleHealth::Stalled { .. } => {
            "stalled: it has not finished for three of its periods".to_owned()
        }
    };
    let content = html! {
        h1 { "Platform" }
        section aria-labelledby="health" {
            h2 id="health" { "Health (this node, since it started)" }
            div.cards.three {
                article.card { h3 { "Decisions" } p.price { (decided) } p.meta { (format!("{:.1}", decided as f64 / (metrics.uptime().as_secs_f64() / 60.0).max(1.0))) " per minute on average since this node started" } p.meta { "by outcome: " @for o in outcomes { (o.replace('_', " ")) " " (metrics.counter("vitrine_decisions_total", &[("outcome", o)])) "; " } } }
                article.card { h3 { "Plugin failures" } p.price { (calls.values().flat_map(|c| c.iter()).filter(|(k, _)| k.as_str() != "offers" && k.as_str() != vitrine_core::auction::NOT_CALLED).map(|(_, n)| n).sum::<u64>()) } p.meta { "calls that ended in an error" } }
                article.card { h3 { "Suspended plugins" } p.price { (suspended.len()) } p.meta { @if suspended.is_empty() { "none" } @else { (suspended.join(", ")) } } }
            }
            p { "Needs cycle: " (cycle) "." }
        }
        section aria-labelledby="brands" {
            h2 id="brands" { "Brands and plugin versions" }
            @if brands.is_empty() { p.empty { "No brand yet." } }
            @for (brand, status) in &rows {
                article.card {
                    h3 { (brand.name) " (" (brand.id) ")" }
                    p {
                        @match &status.health {
                            Some(h) => { span class={"status " (h.state)} { (h.state) } " " (h.words) }
                            None => { "not in auctions" }
                        }
                    }
                    @if let Some(c) = &status.calls {
                        p.meta { "Calls: " @for (outcome, n) in c { (outcome) " " (n) "; " } }
                    }
                    div.table-wrap tabindex="0" role="region" aria-label={"Versions of " (brand.name)} {
                        table {
                            thead { tr { th scope="col" { "Version" } th scope="col" { "Plugin" } th scope="col" { "Size" } th scope="col" { "Limits" } th scope="col" { "Status" } } }
                            tbody {
                                @for v in status.versions.iter().rev() {
                                    tr {
                                        td { (v.version) }
                                        td { (v.info.name) " " (v.info.version) }
                                        td { (v.size_bytes / 1024) " KiB" }
                                        td {
                                            "fuel " (v.limits.fuel.map_or("default".to_owned(), |f| f.to_string()))
                                            ", deadline " (v.limits.deadline_ms.map_or("default".to_owned(), |d| format!("{d} ms")))
                                            ", memory " (v.limits.memory_bytes.map_or("default".to_owned(), |m| format!("{} MiB", m >> 20)))
                                        }
                                        td {
                                            @if v.status == VersionStatus::Enabled { strong { "live" } }
                                            @else { (post_button(&session, &format!("/operator/brands/{}/versions/{}/enable", brand.id, v.version), "Make live", "")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="tokens" {
            h2 id="tokens" { "Tokens" }
            div.table-wrap tabindex="0" role="region" aria-label="Tokens" {
                table {
                    thead { tr { th scope="col" { "Token" } th scope="col" { "Role" } th scope="col" { "For" } th scope="col" { "Issued" } th scope="col" { "State" } } }
                    tbody {
                        @for t in &tokens {
                            tr {
                                td { code { (t.id) } }
                                td { (t.role) }
                                td { (t.subject) }
                                td { (t.created_at) }
                                td {
                                    @match t.revoked_at {
                                        Some(at) => { "revoked " (at) }
                                        None => {
                                            form.inline method="post" action={"/operator/tokens/" (t.id) "/revoke"} {
                                                (csrf_field(&session))
                                                button.danger type="submit" data-confirm="Revoke this token?" { "Revoke" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p { (household_tokens) " household tokens (not listed). Revoke one by its id:" }
            form method="post" action="/operator/tokens/revoke" {
                (csrf_field(&session))
                label for="token-id" { "Token id" }
                input id="token-id" type="text" name="token" required autocomplete="off";
                div.actions { button.danger type="submit" { "Revoke" } }
            }
        }
    };
    Ok(layout::page(
        &session,
        "Platform",
        "/operator",
        notice(&done),
        content,
    ))
}

/// `POST /operator/brands/{brand}/versions/{version}/enable`.
pub(crate) async fn enable(
    State(s): State<Arc<AppState>>,
    session: Session,
    Path((brand, version)): Path<(String, i64)>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, ConsoleError> {
    session.check(&form.csrf)?;
    session.operator()?;
    s.platform.enable_version(&brand, version).await?;
    Ok(Redirect::to("/operator?done=enabled"))
}

/// `POST /operator/tokens/{token}/revoke`.
pub(crate) async fn revoke(
    State(s): State<Arc<AppState>>,
    session: Session,
    Path(token): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, ConsoleError> {
    session.check(&form.csrf)?;
    session.operator()?;
    s.platform.revoke_token(&session.principal, &token).await?;
    Ok(Redirect::to("/operator?done=revoked"))
}

/// `POST /operator/tokens/revoke` (the token's id in the form).
pub(crate) async fn revoke_by_form(
    State(s): State<Arc<AppState>>,
    session: Session,
    Form(form): Form<RevokeForm>,
) -> Result<Redirect, ConsoleError> {
    session.check(&form.csrf)?;
    session.operator()?;
    s.platform
        .revoke_token(&session.principal, form.token.trim())
        .await?;
    Ok(Redirect::to("/operator?done=revoked"))
}

/// The token-revocation form.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct RevokeForm {
    csrf: String,
    token: String,
}

/// `GET /operator/policy`: what brands may be told, and the category
/// bounds.
pub(crate) async fn policy(
    State(s): State<Arc<AppState>>,
    session: Session,
) -> Result<Markup, ConsoleError> {
    session.operator()?;
    let policy = s.platform.engine().policy();
    let bounds = serde_json::to_string_pretty(&*s.platform.engine().bounds())
        .unwrap_or_else(|e| format!("(not shown: {e})"));
    let fields = |set: &std::collections::BTreeSet<DataField>| {
        if set.is_empty() {
            "nothing beyond the category, quantity and window".to_owned()
        } else {
            set.iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let content = html! {
        h1 { "Policy" }
        section aria-labelledby="sharing" {
            h2 id="sharing" { "What brands may be told (each field still needs the household's consent)" }
            p { "Every brand: " (fields(&policy.default_fields)) }
            @if !policy.per_brand.is_empty() {
                ul {
                    @for (brand, set) in &policy.per_brand {
                        li { (brand) ": " (fields(set)) }
                    }
                }
            }
            p.meta { "Changed with PUT /v1/policy." }
        }
        section aria-labelledby="bounds" {
            h2 id="bounds" { "Bounds per category" }
            p.meta { "What an offer may claim in each category (caps on services and labels, plausible prices); changed with PUT /v1/policy/bounds." }
            pre { (bounds) }
        }
    };
    Ok(layout::page(
        &session,
        "Policy",
        "/operator/policy",
        None,
        content,
    ))
}

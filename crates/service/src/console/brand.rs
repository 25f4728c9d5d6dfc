//! The brand's pages: its plugin versions and the live one's health in
//! words, uploading a version (stored for the operator to enable, after the
//! same checks as `vitrine plugin check`) and rolling back; its final
//! orders and subscriptions under pseudonyms, its private reports as
//! charts with the noise's error bars explained, and the audit of its
//! plugin and catalog changes.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::response::Redirect;
use maud::{Markup, html};

use super::charts;
use super::error::ConsoleError;
use super::layout::{self, CsrfForm, Done, csrf_field, money};
use super::session::Session;
use crate::api::AppState;
use crate::platform::Upload;
use vitrine_store::brands::VersionStatus;

/// Days of private reports shown.
const REPORT_DAYS: i32 = 7;

fn notice(done: &Done) -> Option<&'static str> {
    Some(match done.done.as_deref()? {
        "uploaded" => {
            "Uploaded and checked: the version is stored and waits for the operator to make it live."
        }
        "rolled_back" => "Rolled back: the previous version is live again.",
        _ => return None,
    })
}

/// `GET /brand`: versions, health, upload, roll back.
pub(crate) async fn plugin(
    State(s): State<Arc<AppState>>,
    session: Session,
    Query(done): Query<Done>,
) -> Result<Markup, ConsoleError> {
    let brand = session.brand()?;
    let status = s.platform.plugin_status(brand, false).await?;
    let mut versions = status.versions.clone();
    versions.sort_by_key(|v| std::cmp::Reverse(v.version));
    let limit_mib = s.platform.runtime().limits().component_bytes >> 20;
    let content = html! {
        h1 { "Your plugin" }
        section aria-labelledby="health" {
            h2 id="health" { "Health" }
            @match &status.health {
                Some(health) => {
                    p { span class={"status " (health.state)} { (health.state) } " " (health.words) }
                }
                None => { p { "No version is live: your brand is not in auctions." } }
            }
        }
        section aria-labelledby="versions" {
            h2 id="versions" { "Versions" }
            @if versions.is_empty() { p.empty { "No version uploaded yet." } }
            div.table-wrap tabindex="0" role="region" aria-label="Versions" {
                table {
                    thead { tr { th scope="col" { "Version" } th scope="col" { "Says it is" } th scope="col" { "Categories" } th scope="col" { "Uploaded" } th scope="col" { "Status" } } }
                    tbody {
                        @for v in &versions {
                            tr {
                                td { (v.version) }
                                td { (v.info.name) " " (v.info.version) }
                                td { (v.info.categories.join(", ")) }
                                td { (v.uploaded_at) }
                                td { @if v.status == VersionStatus::Enabled { strong { "live" } } @else { "stored" } }
                            }
                        }
                    }
                }
            }
            @if versions.iter().any(|v| v.status == VersionStatus::Enabled) && versions.len() > 1 {
                div.actions {
                    form.inline method="post" action="/brand/rollback" {
                        (csrf_field(&session))
                        button.danger type="submit" data-confirm="Make the previous version live again?" { "Roll back to the previous version" }
                    }
                }
            }
        }
        section aria-labelledby="upload" {
            h2 id="upload" { "Upload a version" }
            p { "A WebAssembly component written to the contract (Rust, Python or JavaScript; up to " (limit_mib) " MiB). It is checked as " code { "vitrine plugin check" } " checks it, compiled once, and stored; the operator makes it live." }
            form method="post" action="/brand/plugins" enctype="multipart/form-data" {
                (csrf_field(&session))
                label for="plugin-file" { "Component (.wasm)" }
                input id="plugin-file" type="file" name="plugin" accept=".wasm,application/wasm" required;
                div.actions { button.primary type="submit" { "Upload and check" } }
            }
        }
    };
    Ok(layout::page(
        &session,
        "Your plugin",
        "/brand",
        notice(&done),
        content,
    ))
}

/// `POST /brand/plugins` (multipart: `csrf`, then `plugin`).
pub(crate) async fn upload(
    State(s): State<Arc<AppState>>,
    session: Session,
    mut form: Multipart,
) -> Result<Redirect, ConsoleError> {
    let brand = session.brand()?.to_owned();
    let mut csrf = None;
    let mut wasm = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| ConsoleError::BadForm(format!("the upload could not be read: {e}")))?
    {
        match field.name() {
            Some("csrf") => {
                csrf = Some(field.text().await.map_err(|e| {
                    ConsoleError::BadForm(format!("the upload could not be read: {e}"))
                })?)
            }
            Some("plugin") => {
                // The form's order puts the token first: nothing is read
                // (nor compiled) for a forged form.
                session.check(csrf.as_deref().unwrap_or_default())?;
                wasm = Some(field.bytes().await.map_err(|e| {
                    ConsoleError::BadForm(format!(
                        "the component could not be read (larger than the limit?): {e}"
                    ))
                })?)
            }
            _ => {}
        }
    }
    session.check(csrf.as_deref().unwrap_or_default())?;
    let wasm = wasm
        .filter(|w| !w.is_empty())
        .ok_or_else(|| ConsoleError::BadForm("choose a .wasm file to upload".into()))?;
    s.platform
        .upload_plugin_by(
            &brand,
            Upload {
                wasm: &wasm,
                catalog_json: None,
                enable: false,
            },
            &session.principal,
        )
        .await?;
    Ok(Redirect::to("/brand?done=uploaded"))
}

/// `POST /brand/rollback`.
pub(crate) async fn rollback(
    State(s): State<Arc<AppState>>,
    session: Session,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, ConsoleError> {
    session.check(&form.csrf)?;
    let brand = session.brand()?;
    s.platform.rollback_by(brand, &session.principal).await?;
    Ok(Redirect::to("/brand?done=rolled_back"))
}

/// `GET /brand/orders`: orders, subscriptions, reports, audit.
pub(crate) async fn orders(
    State(s): State<Arc<AppState>>,
    session: Session,
) -> Result<Markup, ConsoleError> {
    let brand = session.brand()?;
    let orders = s.platform.brand_orders(brand).await?;
    let subscriptions = s.platform.brand_subscriptions(brand).await?;
    let audit = s.platform.brand_audit(brand).await?;
    let today = s.platform.now().day();
    let mut reports = Vec::new();
    for back in 1..=REPORT_DAYS {
        // Days before the brand existed have no report: skipped.
        if let Ok(report) = s.platform.brand_report(brand, today.plus(-back)).await {
            reports.push(report);
        }
    }
    let content = html! {
        h1 { "Orders and reports" }
        section aria-labelledby="orders" {
            h2 id="orders" { "Orders you won (final)" }
            p.meta { "Households appear under pseudonyms of your own; orders appear once their cancel window is over." }
            @if orders.is_empty() { p.empty { "No final order yet." } }
            div.table-wrap tabindex="0" role="region" aria-label="Orders you won" {
                table {
                    thead { tr { th scope="col" { "Order" } th scope="col" { "Household" } th scope="col" { "What" } th scope="col" { "Paid" } th scope="col" { "Delivery" } th scope="col" { "Status" } } }
                    tbody {
                        @for o in &orders {
                            tr {
                                td { (o.order_id) }
                                td { (o.household_pseudonym) }
                                td { (o.category) " · " (o.sku) }
                                td { (money(o.price_paid_minor)) }
                                td { (o.delivery_day) }
                                td { (o.status.as_str()) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="subscriptions" {
            h2 id="subscriptions" { "Subscriptions" }
            @if subscriptions.is_empty() { p.empty { "No subscription." } }
            ul {
                @for sub in &subscriptions {
                    li { (sub.household_pseudonym) ": " (sub.category) " every " (sub.period_days) " days, " (money(sub.price_paid_minor)) " · " (sub.status.as_str()) " · next " (sub.next_delivery) }
                }
            }
        }
        section aria-labelledby="reports" {
            h2 id="reports" { "Private reports" }
            p { "Each day's counts have random noise added (a discrete Laplace draw), so that no single household's behaviour can be read from them. The bars are the noisy counts; the whiskers show where the true count lies 95 times in 100 (± 3 × the noise scale). Cells with too few households are suppressed." }
            @if reports.is_empty() { p.empty { "No day has ended since your brand was created." } }
            @for (i, report) in reports.iter().enumerate() {
                @let cells: Vec<(String, Option<u64>)> = report.cells.iter().map(|(k, v)| (k.replace('_', " "), *v)).collect();
                @let half = 3.0 * report.noise_scale;
                h3 { (report.day) }
                p.meta { "ε = " (format!("{:.2}", report.epsilon)) ", noise scale " (format!("{:.1}", report.noise_scale)) ", suppressed below " (report.suppressed_below) "." }
                (charts::noisy_counts(&format!("report-{i}"), &format!("Report for {}", report.day), &cells, half))
            }
        }
        section aria-labelledby="audit" {
            h2 id="audit" { "Changes to your plugin and catalog" }
            @if audit.is_empty() { p.empty { "Nothing yet." } }
            ul {
                @for entry in audit.iter().rev().take(50) {
                    li { (entry.at) " · " (entry.action) " by " (entry.actor) }
                }
            }
        }
    };
    Ok(layout::page(
        &session,
        "Orders and reports",
        "/brand/orders",
        None,
        content,
    ))
}

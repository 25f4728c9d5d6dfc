//! The household's pages: home (the inbox of asks, upcoming orders with
//! their cancel windows, subscriptions), budgets, the pantry, "why this
//! order?", and consent and control. Each reads only the signed-in
//! household's data (the household comes from the session, never from the
//! URL), through the same platform methods as the API, and never calls a
//! plugin.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::charts;
use super::error::ConsoleError;
use super::layout::{self, CsrfForm, Done, countdown, csrf_field, money, post_button};
use super::session::{self, Session};
use crate::api::AppState;
use crate::platform::household::OrderAction;
use crate::platform::inbox::InboxKind;
use vitrine_core::household::DataField;
use vitrine_core::mandate::subscription::{SubscriptionAction, SubscriptionStatus};
use vitrine_core::mandate::{Order, OrderStatus, Period};
use vitrine_core::minimiser::Withheld;

/// Days of pantry history drawn, and days of forecast.
const PANTRY_PAST_DAYS: i32 = 28;
const PANTRY_AHEAD_DAYS: i32 = 42;

fn notice(done: &Done) -> Option<&'static str> {
    Some(match done.done.as_deref()? {
        "approved" => "Approved: the order is placed.",
        "declined" => "Declined: nothing will be ordered for it.",
        "cancelled" => "Cancelled: nothing is charged and the budget is freed.",
        "skipped" => "The next delivery is skipped.",
        "paused" => "The subscription is paused.",
        "resumed" => "The subscription is running again.",
        "stopped" => "The subscription is stopped.",
        "consents" => "Your sharing choices are saved.",
        "paused_all" => "Everything is paused: no order will be placed without asking you.",
        "mandate_saved" => "The mandate is saved.",
        "mandate_expired" => "The mandate has expired: it orders nothing more.",
        "mandate_created" => "The mandate is created.",
        _ => return None,
    })
}

/// Upcoming: orders that will spend and have not arrived.
fn upcoming(order: &Order) -> bool {
    matches!(
        order.status,
        OrderStatus::Placed | OrderStatus::Final | OrderStatus::Accepted | OrderStatus::Shipped
    )
}

fn status_words(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::AwaitingApproval => "waiting for you",
        OrderStatus::Placed => "placed, can be cancelled",
        OrderStatus::Final => "final, sent to the brand",
        OrderStatus::Accepted => "accepted by the brand",
        OrderStatus::Refused => "refused by the brand",
        OrderStatus::Shipped => "on its way",
        OrderStatus::Delivered => "delivered",
        OrderStatus::Failed => "delivery failed",
        OrderStatus::Declined => "declined",
        OrderStatus::Cancelled => "cancelled",
        OrderStatus::Expired => "ask expired",
    }
}

fn what(order: &Order) -> String {
    match order.quantity {
        Some(q) => format!(
            "{} of {}",
            vitrine_core::explain::quantity_in_words(q, &order.category),
            order.category
        ),
        None => order.category.clone(),
    }
}

/// `GET /household`: what needs the household now.
pub(crate) async fn home(
    State(s): State<Arc<AppState>>,
    session: Session,
    Query(done): Query<Done>,
) -> Result<Markup, ConsoleError> {
    let id = session.household()?;
    let now = s.platform.now();
    let inbox = s.platform.inbox(id).await?;
    let mut orders = s.platform.orders(id).await?;
    orders.retain(upcoming);
    orders.sort_by_key(|o| o.delivery_day);
    let subscriptions = s.platform.subscriptions(id).await?;
    let asks: Vec<_> = inbox
        .iter()
        .filter(|i| i.kind == InboxKind::ApprovalNeeded)
        .collect();
    let news: Vec<_> = inbox
        .iter()
        .filter(|i| i.kind != InboxKind::ApprovalNeeded)
        .collect();
    let content = html! {
        h1 { "Home" }
        section aria-labelledby="asks" {
            h2 id="asks" { "Waiting for you (" (asks.len()) ")" }
            @if asks.is_empty() {
                p.empty { "Nothing to approve." }
            }
            div.cards {
                @for item in &asks {
                    @let o = &item.order;
                    article.card aria-label={"Ask: " (what(o)) " from " (o.brand)} {
                        h3 { (what(o)) }
                        p { "From " strong { (o.brand) } " · " span.price { (money(o.price_paid_minor)) } }
                        p.meta { "Asked because: " (ask_reason(o)) }
                        @if let Some(expires) = item.expires_at {
                            p.meta { "The ask expires in " (countdown(now, expires)) "." }
                        }
                        div.actions {
                            (post_button(&session, &format!("/household/orders/{}/approve", o.id), "Approve", "primary"))
                            (post_button(&session, &format!("/household/orders/{}/decline", o.id), "Decline", ""))
                            a href={"/household/orders/" (o.id)} { "Why this order?" }
                        }
                    }
                }
            }
        }
        section aria-labelledby="upcoming" {
            h2 id="upcoming" { "Upcoming orders and deliveries" }
            @if orders.is_empty() {
                p.empty { "No order on its way." }
            }
            div.cards {
                @for o in &orders {
                    article.card aria-label={"Order: " (what(o)) " from " (o.brand)} {
                        h3 { (what(o)) }
                        p { (o.brand) " · " span.price { (money(o.price_paid_minor)) } " · " span.status { (status_words(o.status)) } }
                        p.meta { "Expected on " (o.delivery_day) }
                        div.actions {
                            @if o.status == OrderStatus::Placed && now < o.cancel_until {
                                span.meta { "Cancel within " (countdown(now, o.cancel_until)) }
                                form.inline method="post" action={"/household/orders/" (o.id) "/cancel"} {
                                    (csrf_field(&session))
                                    button.danger type="submit" data-confirm="Cancel this order?" { "Cancel order" }
                                }
                            }
                            a href={"/household/orders/" (o.id)} { "Why this order?" }
                        }
                    }
                }
            }
        }
        section aria-labelledby="subscriptions" {
            h2 id="subscriptions" { "Subscriptions" }
            @let live: Vec<_> = subscriptions.iter().filter(|s| matches!(s.status, SubscriptionStatus::Active | SubscriptionStatus::Paused)).collect();
            @if live.is_empty() {
                p.empty { "No subscription." }
            }
            div.cards {
                @for sub in &live {
                    article.card aria-label={"Subscription: " (sub.category) " from " (sub.brand)} {
                        h3 { (sub.category) }
                        p { (sub.brand) " · " span.price { (money(sub.price_paid_minor)) } " every " (sub.period_days) " days · " span.status { (sub.status.as_str()) } }
                        p.meta { "Next delivery " (sub.next_delivery) "; auctioned again on " (sub.renew_on) "." }
                        div.actions {
                            @let base = format!("/household/subscriptions/{}", sub.id);
                            @if sub.status == SubscriptionStatus::Active {
                                (post_button(&session, &format!("{base}/skip"), "Skip next delivery", ""))
                                (post_button(&session, &format!("{base}/pause"), "Pause", ""))
                            } @else {
                                (post_button(&session, &format!("{base}/resume"), "Resume", ""))
                            }
                            form.inline method="post" action={(base) "/stop"} {
                                (csrf_field(&session))
                                button.danger type="submit" data-confirm="Stop this subscription for good?" { "Stop" }
                            }
                        }
                    }
                }
            }
        }
        @if !news.is_empty() {
            section aria-labelledby="news" {
                h2 id="news" { "Lately" }
                ul {
                    @for item in &news {
                        li { (item.text) " " span.meta { "(" (item.since) ")" } }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &session,
        "Home",
        "/household",
        notice(&done),
        content,
    ))
}

fn ask_reason(order: &Order) -> String {
    match order.need_kind {
        vitrine_types::NeedKind::Desire => "it is a treat, and treats are always asked".to_owned(),
        _ => match &order.mandate {
            Some(m) => {
                format!("your mandate {m} did not let Vitrine order it on its own (why: see below)")
            }
            None => "no mandate lets Vitrine order this on its own".to_owned(),
        },
    }
}

/// `POST /household/orders/{order}/{action}`.
pub(crate) async fn order_action(
    State(s): State<Arc<AppState>>,
    session: Session,
    Path((order, action)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, ConsoleError> {
    session.check(&form.csrf)?;
    let id = session.household()?;
    let (action, done) = match action.as_str() {
        "approve" => (OrderAction::Approve, "approved"),
        "decline" => (OrderAction::Decline, "declined"),
        "cancel" => (OrderAction::Cancel, "cancelled"),
        _ => return Err(ConsoleError::NotFound("action")),
    };
    s.platform
        .order_action(id, &order, action, &session.principal)
        .await?;
    Ok(Redirect::to(&format!("/household?done={done}")))
}

/// `POST /household/subscriptions/{subscription}/{action}`.
pub(crate) async fn subscription_action(
    State(s): State<Arc<AppState>>,
    session: Session,
    Path((subscription, action)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, ConsoleError> {
    session.check(&form.csrf)?;
    let id = session.household()?;
    let (action, done) = match action.as_str() {
        "skip" => (SubscriptionAction::Skip, "skipped"),
        "pause" => (SubscriptionAction::Pause, "paused"),
        "resume" => (SubscriptionAction::Resume, "resumed"),
        "stop" => (SubscriptionAction::Stop, "stopped"),
        _ => return Err(ConsoleError::NotFound("action")),
    };
    s.platform
        .subscription_action(id, &subscription, action, &session.principal)
        .await?;
    Ok(Redirect::to(&format!("/household?done={done}")))
}

/// `GET /household/orders/{order}`: why this order.
pub(crate) async fn why(
    State(s): State<Arc<AppState>>,
    session: Session,
    Path(order_id): Path<String>,
) -> Result<Markup, ConsoleError> {
    let id = session.household()?;
    let orders = s.platform.orders(id).await?;
    let order = orders
        .iter()
        .find(|o| o.id == order_id)
        .ok_or(ConsoleError::NotFound("order"))?;
    let decisions = s.platform.decisions(id, 500).await?;
    let decision = decisions
        .iter()
        .find(|d| d.placement.order.as_ref().is_some_and(|o| o.id == order.id))
        .ok_or(ConsoleError::NotFound("decision for this order"))?;
    let e = &decision.explanation;
    let parts = |offer: &vitrine_core::explain::OfferPart| -> Vec<(String, i64)> {
        let b = &offer.score;
        let mut parts: Vec<(String, i64)> = Vec::new();
        for (kind, value) in &b.services {
            let name = serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
                .unwrap_or_default();
            parts.push((format!("service: {name}"), *value));
        }
        for (label, value) in &b.labels {
            parts.push((format!("label: {label}"), *value));
        }
        if b.quality_cut != 0 {
            parts.push(("quality cap".into(), -b.quality_cut));
        }
        parts.push(("brand affinity".into(), b.affinity));
        parts.push(("later delivery".into(), -b.delay_penalty));
        parts.push(("carbon".into(), -b.carbon_cost));
        parts.push((
            "price (as it weighs for you)".into(),
            -(b.price_weight * b.net_price_minor as f64).round() as i64,
        ));
        parts
    };
    let price_line = e
        .text
        .lines()
        .find(|l| l.starts_with("Price:"))
        .map(|l| l.trim_start_matches("Price:").trim().to_owned());
    let content = html! {
        h1 { "Why this order?" }
        p { (what(order)) " from " strong { (order.brand) } " for " span.price { (money(order.price_paid_minor)) } " · " span.status { (status_words(order.status)) } }
        section aria-labelledby="need" {
            h2 id="need" { "The need" }
            p { (e.need.reason.summary()) "." }
        }
        section aria-labelledby="shared" {
            h2 id="shared" { "What each brand was told" }
            p.meta { "Every brand got the category, a bucketed quantity and the delivery window; never your name, address or history." }
            div.table-wrap tabindex="0" role="region" aria-label="What each brand was told" {
                table {
                    thead { tr { th scope="col" { "Brand" } th scope="col" { "Also shared" } th scope="col" { "Withheld" } } }
                    tbody {
                        @for part in &e.shared {
                            tr {
                                td { (part.brand) }
                                td {
                                    @if part.fields.is_empty() && part.labels.is_empty() { "nothing more" }
                                    @for f in &part.fields { (field_words(*f)) "; " }
                                    @if !part.labels.is_empty() { "labels: " (part.labels.join(", ")) }
                                }
                                td {
                                    @if part.withheld.is_empty() { "nothing" }
                                    @for w in &part.withheld { (withheld_words(w)) "; " }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="offers" {
            h2 id="offers" { "The winner against the runner-up" }
            @match (&e.winner, &e.runner_up) {
                (Some(w), r) => {
                    p { "Each part of an offer's score, in money: what it is worth to you, and what its price costs you." }
                    h3 { "Winner: " (w.brand) " — " (vitrine_types::text::quoted(&w.title)) }
                    (charts::money_parts("winner", &format!("Score of {}'s offer", w.brand), &parts(w)))
                    @if let Some(r) = r {
                        h3 { "Runner-up: " (r.brand) " — " (vitrine_types::text::quoted(&r.title)) }
                        (charts::money_parts("runner-up", &format!("Score of {}'s offer", r.brand), &parts(r)))
                    } @else {
                        p { "No other acceptable offer." }
                    }
                }
                (None, _) => { p { "No acceptable offer." } }
            }
        }
        section aria-labelledby="price" {
            h2 id="price" { "The price" }
            @if let Some(p) = &e.price {
                p {
                    "Offered at " (money(p.offer_price_minor))
                    @if p.credits_minor > 0 { " less " (money(p.credits_minor)) " of credits the platform settles" }
                    "; you pay " strong { (money(p.price_paid_minor)) } "."
                }
            }
            @if let Some(line) = &price_line { p { (line) } }
        }
        section aria-labelledby="rule" {
            h2 id="rule" { "The rule that allowed it" }
            p { (e.mandate.rule) }
        }
        p { a href="/household" { "Back to home" } }
    };
    Ok(layout::page(
        &session,
        "Why this order?",
        "/household",
        None,
        content,
    ))
}

fn field_words(field: DataField) -> &'static str {
    match field {
        DataField::Region => "your region (country and postal prefix)",
        DataField::Budget => "a budget band",
        DataField::Labels => "your preference labels",
        DataField::ContextSignals => "context signals",
        DataField::DesireKind => "that it is a treat",
        DataField::SchoolLevel => "the school level",
    }
}

fn withheld_words(w: &Withheld) -> String {
    match w {
        Withheld::NoConsent { field } => format!("{} (you did not agree)", field_words(*field)),
        Withheld::Policy { field } => format!("{} (the platform's policy)", field_words(*field)),
        Withheld::Generalised {
            wanted, shared, k, ..
        } => format!(
            "labels {} narrowed to {} (fewer than {k} households would have matched)",
            wanted.join(", "),
            if shared.is_empty() {
                "none".to_owned()
            } else {
                shared.join(", ")
            }
        ),
        Withheld::NoData { field } => format!("{} (nothing known)", field_words(*field)),
    }
}

/// `GET /household/budgets`: a meter per mandate and period.
pub(crate) async fn budgets(
    State(s): State<Arc<AppState>>,
    session: Session,
) -> Result<Markup, ConsoleError> {
    let id = session.household()?;
    let household = s.platform.household(id)?;
    let orders = s.platform.orders(id).await?;
    let today = s.platform.now().day();
    let content = html! {
        h1 { "Budgets" }
        p { "What each mandate let Vitrine spend in this period. When a budget is reached, nothing more is ordered on its own in that period: every further order in its categories is asked first." }
        @if household.mandates.iter().all(|m| m.budgets.is_empty()) {
            p.empty { "No mandate has a budget." }
        }
        div.cards {
            @for m in &household.mandates {
                @for b in &m.budgets {
                    @let (start, end) = b.period.bounds(today);
                    @let counted: Vec<&Order> = orders.iter().filter(|o| o.status.spends() && m.covers(&o.category) && o.created_at.day() >= start && o.created_at.day() <= end).collect();
                    @let spent: u64 = counted.iter().filter(|o| o.status == OrderStatus::Delivered).map(|o| o.price_paid_minor).sum();
                    @let committed: u64 = counted.iter().filter(|o| o.status != OrderStatus::Delivered).map(|o| o.price_paid_minor).sum();
                    @let left = b.limit_minor.saturating_sub(spent + committed);
                    @let meter_id = format!("meter-{}-{}", m.id, period_name(b.period));
                    article.card {
                        h3 id=(meter_id) { (m.id) " · " (period_name(b.period)) " · " (m.categories.join(", ")) }
                        meter aria-labelledby=(meter_id) min="0" max=(b.limit_minor) low=(b.limit_minor * 7 / 10) high=(b.limit_minor * 9 / 10) optimum="0" value=(spent + committed) {
                            (money(spent + committed)) " of " (money(b.limit_minor))
                        }
                        p { "Spent " strong { (money(spent)) } " · committed " strong { (money(committed)) } " · left " strong { (money(left)) } " of " (money(b.limit_minor)) }
                        p.meta { (start) " to " (end) }
                        @if left == 0 { p role="note" { "Reached: further orders in these categories are asked first." } }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &session,
        "Budgets",
        "/household/budgets",
        None,
        content,
    ))
}

fn period_name(period: Period) -> &'static str {
    match period {
        Period::Week => "this week",
        Period::Month => "this month",
    }
}

/// `GET /household/pantry`: stock lines.
pub(crate) async fn pantry(
    State(s): State<Arc<AppState>>,
    session: Session,
) -> Result<Markup, ConsoleError> {
    let id = session.household()?;
    let household = s.platform.household(id)?;
    let lines = vitrine_core::needs::pantry::pantry(
        &household,
        s.platform.now(),
        PANTRY_PAST_DAYS,
        PANTRY_AHEAD_DAYS,
    );
    let content = html! {
        h1 { "Pantry" }
        p.legend { "Solid line: stock as recorded. Dashed: as forecast. Green dots: deliveries. Red line: the day it is expected to run out." }
        @if lines.is_empty() { p.empty { "Nothing tracked yet: your devices have reported no use." } }
        div.cards {
            @for (i, line) in lines.iter().enumerate() {
                article.card {
                    h2 { (line.category) }
                    p { (line.summary()) }
                    @if !line.history.is_empty() {
                        (charts::stock(line, &format!("stock-{i}")))
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &session,
        "Pantry",
        "/household/pantry",
        None,
        content,
    ))
}

/// `GET /household/control`: consent, mandates, pause, export, erase.
pub(crate) async fn control(
    State(s): State<Arc<AppState>>,
    session: Session,
    Query(done): Query<Done>,
) -> Result<Markup, ConsoleError> {
    let id = session.household()?;
    let household = s.platform.household(id)?;
    let now = s.platform.now();
    let content = html! {
        h1 { "Consent and control" }
        section aria-labelledby="sharing" {
            h2 id="sharing" { "What brands may be told" }
            form method="post" action="/household/control/consents" {
                (csrf_field(&session))
                fieldset {
                    legend { "Share or use, field by field (everything is off until you turn it on)" }
                    @for field in DataField::ALL {
                        div {
                            input type="checkbox" id={"consent-" (field.as_str())} name="field" value=(field.as_str()) checked[household.consents.allows(field)];
                            label.inline-label for={"consent-" (field.as_str())} { (field_words(field)) }
                        }
                    }
                }
                button.primary type="submit" { "Save sharing choices" }
            }
            p.meta { "Treats inferred from your context are only considered with “context signals” on, and always asked, never bought on their own." }
        }
        section aria-labelledby="mandates" {
            h2 id="mandates" { "Mandates" }
            @if household.mandates.is_empty() { p.empty { "No mandate: every order is asked." } }
            div.table-wrap tabindex="0" role="region" aria-label="Mandates" {
                table {
                    thead { tr { th scope="col" { "Mandate" } th scope="col" { "Covers" } th scope="col" { "Cap per order" } th scope="col" { "Budgets" } th scope="col" { "Expires" } } }
                    tbody {
                        @for m in &household.mandates {
                            tr {
                                td { (m.id) }
                                td { (m.categories.join(", ")) }
                                td { @if let Some(cap) = m.per_order_cap_minor { (money(cap)) } @else { "none" } }
                                td { @for b in &m.budgets { (money(b.limit_minor)) " " (period_name(b.period)) "; " } }
                                td { @match m.expires { Some(at) if at <= now => { "expired" } Some(at) => { (at) } None => { "never" } } }
                            }
                        }
                    }
                }
            }
            (super::mandates::forms(&session, &household.mandates))
        }
        section aria-labelledby="pause" {
            h2 id="pause" { "Pause everything" }
            p { "Expire every mandate now: from then on nothing is bought without asking you." }
            form.inline method="post" action="/household/control/pause" {
                (csrf_field(&session))
                button.danger type="submit" data-confirm="Expire every mandate now?" { "Pause everything" }
            }
        }
        section aria-labelledby="data" {
            h2 id="data" { "Your data" }
            p { a href="/household/export" download="vitrine-household.json" { "Export everything stored about you (JSON)" } }
            form.inline method="post" action="/household/control/erase" {
                (csrf_field(&session))
                button.danger type="submit" data-confirm="Erase everything about your household? This cannot be undone." { "Erase my household" }
            }
        }
    };
    Ok(layout::page(
        &session,
        "Consent and control",
        "/household/control",
        notice(&done),
        content,
    ))
}

/// `POST /household/control/consents`: the checked fields, as a list of
/// `field=...` pairs (an HTML form's checkboxes).
pub(crate) async fn set_consents(
    State(s): State<Arc<AppState>>,
    session: Session,
    body: axum::body::Bytes,
) -> Result<Redirect, ConsoleError> {
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(&body)?;
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    session.check(csrf)?;
    let id = session.household()?;
    let mut wanted = Vec::new();
    for (key, value) in &pairs {
        if key != "field" {
            continue;
        }
        let field = DataField::ALL
            .into_iter()
            .find(|f| f.as_str() == value)
            .ok_or_else(|| ConsoleError::BadForm(format!("there is no field called {value:?}")))?;
        wanted.push(field);
    }
    s.platform
        .update_household(id, &session.principal, "household.consents_set", |h| {
            let withdrawn: Vec<DataField> = h
                .consents
                .0
                .iter()
                .filter(|f| !wanted.contains(f))
                .copied()
                .collect();
            for field in withdrawn {
                h.withdraw_consent(field);
            }
            for field in &wanted {
                h.consents.grant(*field);
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/household/control?done=consents"))
}

fn serde_urlencoded_pairs(body: &[u8]) -> Result<Vec<(String, String)>, ConsoleError> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| Ok((k.into_owned(), v.into_owned())))
        .collect()
}

/// `POST /household/control/pause`: every mandate expires now.
pub(crate) async fn pause_everything(
    State(s): State<Arc<AppState>>,
    session: Session,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, ConsoleError> {
    session.check(&form.csrf)?;
    let id = session.household()?;
    let now = s.platform.now();
    s.platform
        .update_household(id, &session.principal, "household.paused", |h| {
            for m in &mut h.mandates {
                if m.expires.is_none_or(|at| at > now) {
                    m.expires = Some(now);
                }
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/household/control?done=paused_all"))
}

/// `GET /household/export`: everything stored, as a JSON download.
pub(crate) async fn export(
    State(s): State<Arc<AppState>>,
    session: Session,
) -> Result<Response, ConsoleError> {
    let id = session.household()?;
    let export = s.platform.export(id).await?;
    let body = serde_json::to_vec_pretty(&export)
        .map_err(|e| ConsoleError::BadForm(format!("the export could not be written: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"vitrine-household.json\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// `POST /household/control/erase`: erase the household, end the session.
pub(crate) async fn erase(
    State(s): State<Arc<AppState>>,
    session: Session,
    Form(form): Form<CsrfForm>,
) -> Result<Response, ConsoleError> {
    session.check(&form.csrf)?;
    let id = session.household()?.to_owned();
    s.platform.erase(&id, &session.principal).await?;
    let page = layout::bare(
        "Erased",
        html! {
            h1 { "Erased" }
            p role="status" { "Everything about household " (id) " is erased, and its tokens are revoked." }
            p { a href="/signin" { "Sign in again" } }
        },
    );
    Ok(([(header::SET_COOKIE, session::clear_cookie())], page).into_response())
}

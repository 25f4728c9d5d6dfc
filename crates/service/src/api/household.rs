//! Household routes: a household's own data, needs, decisions and orders.
//! Every route checks the token is the household's before anything else,
//! so another household's id answers 403 whether it exists or not.

use std::collections::HashMap;
use std::sync::Arc;
use vitrine_core::mandate::subscription::SubscriptionAction;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::error::ApiError;
use super::extract::{Auth, JsonBody, Path, Query};
use super::idempotency::idempotent;
use super::{AppState, Reply, ok};
use crate::platform::NeedRef;
use crate::platform::household::OrderAction;
use vitrine_core::household::{
    Calendar, Consents, ConsumptionEvent, ContextSignal, DataField, InventorySnapshot, Preferences,
    Purchase,
};
use vitrine_core::mandate::Mandate;

pub(super) async fn export(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
) -> Reply {
    auth.household(&id)?;
    ok(s.platform.export(&id).await?)
}

pub(super) async fn erase(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
) -> Reply {
    auth.household(&id)?;
    s.platform.erase(&id, &auth.0).await?;
    ok(super::answers::Erased { erased: id })
}

/// `POST /v1/households/{household}/events`: at most 10,000 items in all.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Events {
    #[schemars(length(max = 10_000))]
    consumption: Vec<ConsumptionEvent>,
    #[schemars(length(max = 10_000))]
    inventory: Vec<InventorySnapshot>,
    #[schemars(length(max = 10_000))]
    purchases: Vec<Purchase>,
}

/// Most items accepted in one events post.
const MAX_EVENTS: usize = 10_000;

pub(super) async fn add_events(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
    body: JsonBody<Events>,
) -> Reply {
    auth.household(&id)?;
    let events = body.value;
    let n = events.consumption.len() + events.inventory.len() + events.purchases.len();
    if n > MAX_EVENTS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_events",
            format!("{n} items; at most {MAX_EVENTS} per post"),
        ));
    }
    let added = s
        .platform
        .add_events(
            &id,
            &auth.0,
            vitrine_store::households::NewEvents {
                consumption: &events.consumption,
                inventory: &events.inventory,
                purchases: &events.purchases,
            },
        )
        .await?;
    debug_assert_eq!(added, n);
    ok(super::answers::Added { added })
}

pub(super) async fn set_calendar(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
    body: JsonBody<Calendar>,
) -> Reply {
    auth.household(&id)?;
    let h = s
        .platform
        .update_household(&id, &auth.0, "household.calendar_set", |h| {
            h.calendar = body.value;
            Ok(())
        })
        .await?;
    ok(&h.calendar)
}

pub(super) async fn add_signals(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
    body: JsonBody<Vec<ContextSignal>>,
) -> Reply {
    auth.household(&id)?;
    let n = body.value.len();
    s.platform
        .update_household(&id, &auth.0, "household.signals_added", |h| {
            body.value
                .into_iter()
                .try_for_each(|sig| h.record_signal(sig))
        })
        .await?;
    ok(super::answers::Added { added: n })
}

pub(super) async fn set_preferences(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
    body: JsonBody<Preferences>,
) -> Reply {
    auth.household(&id)?;
    let h = s
        .platform
        .update_household(&id, &auth.0, "household.preferences_set", |h| {
            h.preferences = body.value;
            Ok(())
        })
        .await?;
    ok(&h.preferences)
}

pub(super) async fn set_consents(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
    body: JsonBody<Consents>,
) -> Reply {
    auth.household(&id)?;
    let h = s
        .platform
        .update_household(&id, &auth.0, "household.consents_set", |h| {
            let withdrawn: Vec<DataField> = h
                .consents
                .0
                .iter()
                .filter(|f| !body.value.allows(**f))
                .copied()
                .collect();
            for field in withdrawn {
                h.withdraw_consent(field);
            }
            for field in &body.value.0 {
                h.consents.grant(*field);
            }
            Ok(())
        })
        .await?;
    ok(&h.consents)
}

pub(super) async fn set_delivery(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
    body: JsonBody<Option<vitrine_core::household::DeliveryAddress>>,
) -> Reply {
    auth.household(&id)?;
    let h = s
        .platform
        .update_household(&id, &auth.0, "household.delivery_set", |h| {
            h.delivery = body.value;
            Ok(())
        })
        .await?;
    ok(&h.delivery)
}

pub(super) async fn set_mandates(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
    body: JsonBody<Vec<Mandate>>,
) -> Reply {
    auth.household(&id)?;
    let h = s
        .platform
        .update_household(&id, &auth.0, "household.mandates_set", |h| {
            h.mandates = body.value;
            Ok(())
        })
        .await?;
    ok(&h.mandates)
}

pub(super) async fn needs(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
) -> Reply {
    auth.household(&id)?;
    ok(s.platform.needs(&id).await?)
}

pub(super) async fn evaluate(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
) -> Reply {
    auth.household(&id)?;
    ok(s.platform.evaluate_needs(&id, &auth.0).await?)
}

pub(super) async fn decisions(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Reply {
    auth.household(&id)?;
    let limit = match query.get("limit") {
        None => 50,
        Some(v) => v
            .parse::<i64>()
            .map_err(|_| ApiError::bad_request("invalid_query", "limit must be an integer"))?
            .clamp(1, 1_000),
    };
    ok(s.platform.decisions(&id, limit).await?)
}

pub(super) async fn decision(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((id, decision)): Path<(String, String)>,
) -> Reply {
    auth.household(&id)?;
    ok(s.platform.decision(&id, &decision).await?)
}

pub(super) async fn decide(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: JsonBody<NeedRef>,
) -> Response {
    if let Err(e) = auth.household(&id) {
        return e.into_response();
    }
    if !headers.contains_key("idempotency-key") {
        // The hot path: the decision is serialised once, straight to the body.
        return match s.platform.decide_with_json(&id, body.value, &auth.0).await {
            Ok((_, json)) => (
                StatusCode::CREATED,
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                json,
            )
                .into_response(),
            Err(e) => ApiError::from(e).into_response(),
        };
    }
    let route = format!("POST /v1/households/{id}/decisions");
    let platform = s.platform.clone();
    let principal = auth.0.clone();
    idempotent(
        &s,
        &principal,
        &headers,
        &route,
        body.canonical.as_bytes(),
        async move {
            let decision = platform.decide(&id, body.value, &auth.0).await?;
            Ok((
                StatusCode::CREATED,
                serde_json::to_value(decision).unwrap_or_default(),
            ))
        },
    )
    .await
}

pub(super) async fn inbox(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
) -> Reply {
    auth.household(&id)?;
    ok(s.platform.inbox(&id).await?)
}

pub(super) async fn orders(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
) -> Reply {
    auth.household(&id)?;
    ok(s.platform.orders(&id).await?)
}

async fn order_action(
    s: Arc<AppState>,
    auth: Auth,
    id: String,
    order: String,
    headers: HeaderMap,
    action: OrderAction,
    verb: &str,
) -> Response {
    if let Err(e) = auth.household(&id) {
        return e.into_response();
    }
    let route = format!("POST /v1/households/{id}/orders/{order}/{verb}");
    let platform = s.platform.clone();
    let principal = auth.0.clone();
    idempotent(&s, &principal, &headers, &route, b"", async move {
        let order = platform.order_action(&id, &order, action, &auth.0).await?;
        Ok((
            StatusCode::OK,
            serde_json::to_value(order).unwrap_or_default(),
        ))
    })
    .await
}

pub(super) async fn approve(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((id, order)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    order_action(s, auth, id, order, headers, OrderAction::Approve, "approve").await
}

pub(super) async fn decline(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((id, order)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    order_action(s, auth, id, order, headers, OrderAction::Decline, "decline").await
}

pub(super) async fn cancel(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((id, order)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    order_action(s, auth, id, order, headers, OrderAction::Cancel, "cancel").await
}

/// `PUT /v1/households/{household}/webhook`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetWebhook {
    /// Where inbox items are POSTed: `https`, on a public address.
    #[schemars(length(max = 2048))]
    url: String,
}

pub(super) async fn set_webhook(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
    body: JsonBody<SetWebhook>,
) -> Reply {
    auth.household(&id)?;
    ok(s.platform
        .set_webhook(&id, &body.value.url, &auth.0)
        .await?)
}

pub(super) async fn remove_webhook(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
) -> Reply {
    auth.household(&id)?;
    s.platform.remove_webhook(&id, &auth.0).await?;
    ok(super::answers::Removed { removed: true })
}

pub(super) async fn webhook_log(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
) -> Reply {
    auth.household(&id)?;
    ok(s.platform.webhook_log(&id).await?)
}

pub(super) async fn subscriptions(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(id): Path<String>,
) -> Reply {
    auth.household(&id)?;
    ok(s.platform.subscriptions(&id).await?)
}

async fn subscription_action(
    s: Arc<AppState>,
    auth: Auth,
    id: String,
    subscription: String,
    action: SubscriptionAction,
) -> Reply {
    auth.household(&id)?;
    ok(s.platform
        .subscription_action(&id, &subscription, action, &auth.0)
        .await?)
}

pub(super) async fn skip_subscription(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((id, subscription)): Path<(String, String)>,
) -> Reply {
    subscription_action(s, auth, id, subscription, SubscriptionAction::Skip).await
}

pub(super) async fn pause_subscription(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((id, subscription)): Path<(String, String)>,
) -> Reply {
    subscription_action(s, auth, id, subscription, SubscriptionAction::Pause).await
}

pub(super) async fn resume_subscription(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((id, subscription)): Path<(String, String)>,
) -> Reply {
    subscription_action(s, auth, id, subscription, SubscriptionAction::Resume).await
}

pub(super) async fn stop_subscription(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((id, subscription)): Path<(String, String)>,
) -> Reply {
    subscription_action(s, auth, id, subscription, SubscriptionAction::Stop).await
}

pub(super) async fn set_subscription_period(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((id, subscription)): Path<(String, String)>,
    body: JsonBody<crate::platform::subscriptions::SetPeriod>,
) -> Reply {
    let days = body.value.period_days;
    subscription_action(
        s,
        auth,
        id,
        subscription,
        SubscriptionAction::SetPeriod(days),
    )
    .await
}

//! Brand routes: each brand reads only its own plugins, orders and report.

use std::sync::Arc;

use axum::extract::State;

use super::error::ApiError;
use super::extract::{Auth, JsonBody, Path};
use super::{AppState, Reply, ok};
use vitrine_core::mandate::fulfilment::{Fulfil, RefusalReason, Shipment};
use vitrine_types::time::Day;

pub(super) async fn plugins(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(brand): Path<String>,
) -> Reply {
    auth.operator_or_brand(&brand)?;
    let exact = auth.operator().is_ok();
    ok(s.platform.plugin_status(&brand, exact).await?)
}

pub(super) async fn audit(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(brand): Path<String>,
) -> Reply {
    auth.operator_or_brand(&brand)?;
    ok(s.platform.brand_audit(&brand).await?)
}

pub(super) async fn orders(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(brand): Path<String>,
) -> Reply {
    auth.brand(&brand)?;
    ok(s.platform.brand_orders(&brand).await?)
}

pub(super) async fn report(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((brand, day)): Path<(String, String)>,
) -> Reply {
    auth.brand(&brand)?;
    let date = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request("invalid_day", "the day is YYYY-MM-DD"))?;
    ok(s.platform
        .brand_report(&brand, Day::from_date(date))
        .await?)
}

/// `POST /v1/brands/{brand}/orders/{order}/refuse` and `.../fail`.
#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Refusal {
    /// Why: `out_of_stock`, `cannot_deliver_in_window`,
    /// `cannot_deliver_to_area` or `other`.
    reason: RefusalReason,
    /// The brand's words for the household, plain text.
    #[serde(default)]
    #[schemars(length(max = 280))]
    message: Option<String>,
}

/// `POST /v1/brands/{brand}/orders/{order}/deliver`.
#[derive(Debug, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Delivery {
    /// How much arrived, in the order's unit; all of it when absent. More
    /// than was ordered is refused.
    #[serde(default)]
    #[schemars(range(min = 1, max = 1_000_000))]
    amount: Option<u32>,
}

async fn fulfil(
    s: Arc<AppState>,
    auth: Auth,
    brand: String,
    order: String,
    action: Fulfil,
) -> Reply {
    auth.brand(&brand)?;
    ok(s.platform.fulfil(&brand, &order, action, &auth.0).await?)
}

pub(super) async fn accept(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((brand, order)): Path<(String, String)>,
) -> Reply {
    fulfil(s, auth, brand, order, Fulfil::Accept).await
}

fn refusal(body: Refusal) -> Result<vitrine_core::mandate::fulfilment::Refusal, ApiError> {
    if body.reason == RefusalReason::NoAnswer {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "no_answer is the platform's to give",
        )
        .with_field("reason"));
    }
    Ok(vitrine_core::mandate::fulfilment::Refusal {
        reason: body.reason,
        message: body.message,
    })
}

pub(super) async fn refuse(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((brand, order)): Path<(String, String)>,
    body: JsonBody<Refusal>,
) -> Reply {
    let action = Fulfil::Refuse(refusal(body.value)?);
    fulfil(s, auth, brand, order, action).await
}

pub(super) async fn ship(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((brand, order)): Path<(String, String)>,
    body: JsonBody<Shipment>,
) -> Reply {
    fulfil(s, auth, brand, order, Fulfil::Ship(body.value)).await
}

pub(super) async fn deliver(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((brand, order)): Path<(String, String)>,
    body: JsonBody<Delivery>,
) -> Reply {
    fulfil(s, auth, brand, order, Fulfil::Deliver(body.value.amount)).await
}

pub(super) async fn fail(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((brand, order)): Path<(String, String)>,
    body: JsonBody<Refusal>,
) -> Reply {
    let action = Fulfil::Fail(refusal(body.value)?);
    fulfil(s, auth, brand, order, action).await
}

pub(super) async fn subscriptions(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(brand): Path<String>,
) -> Reply {
    auth.brand(&brand)?;
    ok(s.platform.brand_subscriptions(&brand).await?)
}

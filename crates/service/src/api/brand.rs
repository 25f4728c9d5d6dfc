//! Brand routes: each brand reads only its own plugins, orders and report.

use std::sync::Arc;

use axum::extract::State;

use super::error::ApiError;
use super::extract::{Auth, Path};
use super::{AppState, Reply, ok};
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

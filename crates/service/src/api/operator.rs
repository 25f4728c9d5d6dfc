//! Operator routes: brands, plugin versions, limits, policy, audit, and
//! households' creation.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;

use super::error::ApiError;
use super::extract::{Auth, JsonBody, Path, Query, RawBody};
use super::{AppState, Reply, reply};
use crate::platform::Upload;
use vitrine_core::household::Household;
use vitrine_core::minimiser::SharingPolicy;
use vitrine_runtime::PluginLimits;

fn version_number(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| ApiError::not_found(&format!("version {text}")))
}

/// `POST /v1/brands`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewBrand {
    /// 1 to 64 of `a-z`, `0-9`, `-`, `_`.
    #[schemars(length(min = 1, max = 64), regex(pattern = r"^[a-z0-9_-]+$"))]
    id: String,
    /// A display name.
    #[schemars(length(min = 1, max = 200))]
    name: String,
}

pub(super) async fn create_brand(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    body: JsonBody<NewBrand>,
) -> Reply {
    auth.operator()?;
    let created = s
        .platform
        .create_brand(&body.value.id, &body.value.name)
        .await?;
    reply(StatusCode::CREATED, created)
}

pub(super) async fn list_brands(State(s): State<Arc<AppState>>, auth: Auth) -> Reply {
    auth.operator()?;
    reply(
        StatusCode::OK,
        s.platform
            .store()
            .brands()
            .await
            .map_err(crate::platform::PlatformError::from)?,
    )
}

pub(super) async fn upload_plugin(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(brand): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: RawBody,
) -> Reply {
    auth.operator_or_brand(&brand)?;
    let enable = match query.get("enable").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("enable must be true or false, not {other:?}"),
            ));
        }
    };
    if enable {
        auth.operator()?;
    }
    let version = s
        .platform
        .upload_plugin_by(
            &brand,
            Upload {
                wasm: &body.0,
                catalog_json: None,
                enable,
            },
            &auth.0,
        )
        .await?;
    reply(StatusCode::CREATED, version)
}

pub(super) async fn enable_version(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((brand, version)): Path<(String, String)>,
) -> Reply {
    auth.operator()?;
    let version = version_number(&version)?;
    reply(
        StatusCode::OK,
        s.platform.enable_version(&brand, version).await?,
    )
}

pub(super) async fn set_limits(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((brand, version)): Path<(String, String)>,
    body: JsonBody<PluginLimits>,
) -> Reply {
    auth.operator()?;
    let version = version_number(&version)?;
    reply(
        StatusCode::OK,
        s.platform.set_limits(&brand, version, body.value).await?,
    )
}

pub(super) async fn set_catalog(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path((brand, version)): Path<(String, String)>,
    body: JsonBody<serde_json::Map<String, Value>>,
) -> Reply {
    auth.operator_or_brand(&brand)?;
    let version = version_number(&version)?;
    let text = body.canonical;
    reply(
        StatusCode::OK,
        s.platform
            .set_catalog(&brand, version, &text, &auth.0)
            .await?,
    )
}

pub(super) async fn disable(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(brand): Path<String>,
) -> Reply {
    auth.operator()?;
    s.platform.disable_plugin(&brand).await?;
    reply(
        StatusCode::OK,
        super::answers::BrandLive { brand, live: false },
    )
}

pub(super) async fn rollback(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(brand): Path<String>,
) -> Reply {
    auth.operator_or_brand(&brand)?;
    reply(
        StatusCode::OK,
        s.platform.rollback_by(&brand, &auth.0).await?,
    )
}

pub(super) async fn get_policy(State(s): State<Arc<AppState>>, auth: Auth) -> Reply {
    auth.operator()?;
    reply(StatusCode::OK, s.platform.engine().policy())
}

pub(super) async fn set_policy(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    body: JsonBody<SharingPolicy>,
) -> Reply {
    auth.operator()?;
    reply(StatusCode::OK, s.platform.set_policy(body.value).await?)
}

pub(super) async fn get_bounds(State(s): State<Arc<AppState>>, auth: Auth) -> Reply {
    auth.operator()?;
    reply(StatusCode::OK, s.platform.engine().bounds())
}

pub(super) async fn set_bounds(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    body: JsonBody<vitrine_core::auction::BoundsPolicy>,
) -> Reply {
    auth.operator()?;
    reply(StatusCode::OK, s.platform.set_bounds(body.value).await?)
}

pub(super) async fn audit(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Query(query): Query<HashMap<String, String>>,
) -> Reply {
    auth.operator()?;
    let number = |name: &str, default: i64| -> Result<i64, ApiError> {
        match query.get(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| {
                ApiError::bad_request("invalid_query", format!("{name} must be an integer"))
            }),
        }
    };
    let after = number("after", 0)?;
    let limit = number("limit", 100)?.clamp(1, 1_000);
    let store = s.platform.store();
    let entries = store
        .audit_entries(after, limit)
        .await
        .map_err(crate::platform::PlatformError::from)?;
    let verified = store
        .verify_audit()
        .await
        .map_err(crate::platform::PlatformError::from)?;
    reply(
        StatusCode::OK,
        super::answers::AuditPage {
            entries,
            chain: match verified {
                Ok(n) => super::answers::ChainState::Verified {
                    verified: true,
                    entries: i64::try_from(n).unwrap_or(i64::MAX),
                },
                Err(b) => super::answers::ChainState::Broken {
                    verified: false,
                    first_broken: b.seq,
                    why: b.why,
                },
            },
        },
    )
}

pub(super) async fn create_household(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    body: JsonBody<Household>,
) -> Reply {
    auth.operator()?;
    reply(
        StatusCode::CREATED,
        s.platform.create_household(body.value).await?,
    )
}

//! Token routes: list, issue (operator), rotate, revoke.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::extract::{Auth, JsonBody, Path};
use super::{AppState, Reply, ok, reply};
use vitrine_store::tokens::Principal;

/// `POST /v1/tokens`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewToken {
    /// Who the token speaks for.
    role: Role,
    /// The brand's or household's id (absent for the operator).
    #[serde(default)]
    #[schemars(length(min = 1, max = 64))]
    id: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Role {
    Operator,
    Brand,
    Household,
}

pub(super) async fn list(State(s): State<Arc<AppState>>, auth: Auth) -> Reply {
    ok(s.platform.tokens(&auth.0).await?)
}

pub(super) async fn issue(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    body: JsonBody<NewToken>,
) -> Reply {
    auth.operator()?;
    let principal = match (body.value.role, body.value.id) {
        (Role::Operator, None) => Principal::Operator,
        (Role::Brand, Some(id)) => Principal::Brand(id),
        (Role::Household, Some(id)) => Principal::Household(id),
        _ => {
            return Err(super::error::ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                "a brand or household token needs an id; an operator token none",
            )
            .with_field("id"));
        }
    };
    reply(
        StatusCode::CREATED,
        s.platform.issue_token(&principal).await?,
    )
}

pub(super) async fn rotate(State(s): State<Arc<AppState>>, auth: Auth) -> Reply {
    reply(
        StatusCode::CREATED,
        s.platform.rotate_token(&auth.0, &auth.1).await?,
    )
}

pub(super) async fn revoke(
    State(s): State<Arc<AppState>>,
    auth: Auth,
    Path(token): Path<String>,
) -> Reply {
    s.platform.revoke_token(&auth.0, &token).await?;
    ok(super::answers::Revoked { revoked: token })
}

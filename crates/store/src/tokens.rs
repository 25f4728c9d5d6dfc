//! Bearer tokens: 256 random bits, shown once, stored as their SHA-256.
//! A token is named (listed, revoked) by its id: the first 16 hex digits of
//! its hash, which reveal nothing of the token. A revoked token keeps its
//! row with the time of revocation, so that it can never come back (not
//! even as the operator token given in the environment).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Store, StoreError, Tx};
use vitrine_types::time::Timestamp;

/// Who a token speaks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "role", content = "id")]
pub enum Principal {
    /// Runs the platform: brands, plugins, limits, policy, households.
    Operator,
    /// One brand, reading only its own plugins, orders and reports.
    Brand(String),
    /// One household, reading and writing only its own data.
    Household(String),
}

impl Principal {
    /// The role's name.
    pub fn role(&self) -> &'static str {
        match self {
            Principal::Operator => "operator",
            Principal::Brand(_) => "brand",
            Principal::Household(_) => "household",
        }
    }

    /// The subject's id (empty for the operator).
    pub fn subject(&self) -> &str {
        match self {
            Principal::Operator => "",
            Principal::Brand(id) | Principal::Household(id) => id,
        }
    }
}

/// A fresh token: `vt_` and 64 hex digits.
pub fn new_token() -> String {
    format!("vt_{}", hex::encode(rand::random::<[u8; 32]>()))
}

/// The stored form of a token.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token's public id: the start of its hash.
pub fn token_id(token: &str) -> String {
    token_hash(token)[..16].to_owned()
}

/// A token as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TokenRecord {
    /// Its id (the first 16 hex digits of its SHA-256).
    pub id: String,
    /// `operator`, `brand` or `household`.
    pub role: String,
    /// The brand's or household's id (empty for the operator).
    pub subject: String,
    /// When it was issued.
    pub created_at: Timestamp,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

impl Tx {
    /// Stores `token` (hashed) for `principal`.
    pub async fn insert_token(
        &mut self,
        token: &str,
        principal: &Principal,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO tokens (hash, role, subject, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(token_hash(token))
        .bind(principal.role())
        .bind(principal.subject())
        .bind(at.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Revokes the live tokens whose id is `id` and that belong to
    /// `owner` (any, when `None`); returns how many were revoked.
    pub async fn revoke_token(
        &mut self,
        id: &str,
        owner: Option<&Principal>,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(0);
        }
        let done = match owner {
            None => sqlx::query(
                "UPDATE tokens SET revoked_at = $1 WHERE substr(hash, 1, 16) = $2 AND revoked_at IS NULL",
            )
            .bind(at.0)
            .bind(id.to_ascii_lowercase())
            .execute(&mut *self.tx)
            .await?,
            Some(p) => sqlx::query(
                "UPDATE tokens SET revoked_at = $1 WHERE substr(hash, 1, 16) = $2 \
                 AND role = $3 AND subject = $4 AND revoked_at IS NULL",
            )
            .bind(at.0)
            .bind(id.to_ascii_lowercase())
            .bind(p.role())
            .bind(p.subject())
            .execute(&mut *self.tx)
            .await?,
        };
        Ok(done.rows_affected())
    }
}

impl Store {
    /// Who `token` speaks for, if anyone.
    pub async fn principal(&self, token: &str) -> Result<Option<Principal>, StoreError> {
        let row =
            sqlx::query("SELECT role, subject FROM tokens WHERE hash = $1 AND revoked_at IS NULL")
                .bind(token_hash(token))
                .fetch_optional(self.reader())
                .await?;
        Ok(row.and_then(|r| {
            let subject: String = r.get(1);
            match r.get::<String, _>(0).as_str() {
                "operator" => Some(Principal::Operator),
                "brand" => Some(Principal::Brand(subject)),
                "household" => Some(Principal::Household(subject)),
                _ => None,
            }
        }))
    }

    /// Whether `token` was issued and later revoked.
    pub async fn is_revoked(&self, token: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT revoked_at FROM tokens WHERE hash = $1")
            .bind(token_hash(token))
            .fetch_optional(self.reader())
            .await?;
        Ok(row.is_some_and(|r| r.get::<Option<i64>, _>(0).is_some()))
    }

    /// Every token (operator), or the tokens of `owner`, newest first.
    pub async fn tokens(&self, owner: Option<&Principal>) -> Result<Vec<TokenRecord>, StoreError> {
        let rows = match owner {
            None => {
                sqlx::query(
                    "SELECT hash, role, subject, created_at, revoked_at FROM tokens \
                     ORDER BY created_at DESC, hash",
                )
                .fetch_all(self.reader())
                .await?
            }
            Some(p) => {
                sqlx::query(
                    "SELECT hash, role, subject, created_at, revoked_at FROM tokens \
                     WHERE role = $1 AND subject = $2 ORDER BY created_at DESC, hash",
                )
                .bind(p.role())
                .bind(p.subject())
                .fetch_all(self.reader())
                .await?
            }
        };
        Ok(rows
            .iter()
            .map(|r| TokenRecord {
                id: r.get::<String, _>(0)[..16].to_owned(),
                role: r.get(1),
                subject: r.get(2),
                created_at: Timestamp(r.get(3)),
                revoked_at: r.get::<Option<i64>, _>(4).map(Timestamp),
            })
            .collect())
    }

    /// Whether any operator token exists.
    pub async fn has_operator_token(&self) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 FROM tokens WHERE role = 'operator' AND revoked_at IS NULL LIMIT 1",
        )
        .fetch_optional(self.reader())
        .await?;
        Ok(row.is_some())
    }
}

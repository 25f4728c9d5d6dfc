//! Bearer tokens: 256 random bits, shown once, stored as their SHA-256.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Store, StoreError, Tx};
use crate::time::Timestamp;

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
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
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
            "INSERT OR IGNORE INTO tokens (hash, role, subject, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash(token))
        .bind(principal.role())
        .bind(principal.subject())
        .bind(at.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Who `token` speaks for, if anyone.
    pub async fn principal(&self, token: &str) -> Result<Option<Principal>, StoreError> {
        let row = sqlx::query("SELECT role, subject FROM tokens WHERE hash = ?")
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

    /// Whether any operator token exists.
    pub async fn has_operator_token(&self) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 FROM tokens WHERE role = 'operator' LIMIT 1")
            .fetch_optional(self.reader())
            .await?;
        Ok(row.is_some())
    }
}

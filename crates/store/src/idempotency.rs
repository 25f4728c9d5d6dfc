//! Answers to POSTs sent with an `Idempotency-Key`: a retry with the same
//! key and body gets the stored answer; the same key with another body is
//! refused.

use sqlx::Row;

use super::{Store, StoreError, Tx};
use vitrine_types::time::Timestamp;

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    /// The route it answered.
    pub route: String,
    /// Hash of the request body.
    pub request_hash: String,
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: String,
}

impl Tx {
    /// Stores the answer to `key`.
    pub async fn insert_answer(
        &mut self,
        principal: &str,
        key: &str,
        answer: &StoredAnswer,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO idempotency (principal, key, route, request_hash, status, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        )
        .bind(principal)
        .bind(key)
        .bind(&answer.route)
        .bind(&answer.request_hash)
        .bind(i64::from(answer.status))
        .bind(&answer.body)
        .bind(at.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The answer stored for `principal`'s `key`, if any.
    pub async fn answer(
        &self,
        principal: &str,
        key: &str,
    ) -> Result<Option<StoredAnswer>, StoreError> {
        let row = sqlx::query(
            "SELECT route, request_hash, status, body FROM idempotency WHERE principal = $1 AND key = $2",
        )
        .bind(principal)
        .bind(key)
        .fetch_optional(self.reader())
        .await?;
        Ok(row.map(|r| StoredAnswer {
            route: r.get(0),
            request_hash: r.get(1),
            status: r.get::<i64, _>(2) as u16,
            body: r.get(3),
        }))
    }
}

//! Subscriptions, stored as their JSON with the columns they are looked up
//! by. The store is their only home: the platform reads them when it needs
//! them and keeps no copy.

use super::{Store, StoreError, Tx};
use vitrine_core::mandate::subscription::Subscription;
use vitrine_types::time::Timestamp;

fn parse(rows: &[sqlx::any::AnyRow]) -> Result<Vec<Subscription>, StoreError> {
    super::parse_json(rows)
}

impl Tx {
    /// Stores `subscription` (new, or replacing its earlier state).
    pub async fn upsert_subscription(
        &mut self,
        subscription: &Subscription,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO subscriptions (id, household, brand, category, status, data, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET \
             status = excluded.status, data = excluded.data, updated_at = excluded.updated_at",
        )
        .bind(&subscription.id)
        .bind(&subscription.household)
        .bind(&subscription.brand)
        .bind(&subscription.category)
        .bind(subscription.status.as_str())
        .bind(serde_json::to_string(subscription)?)
        .bind(now.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// `household`'s subscriptions, newest first.
    pub async fn subscriptions(&self, household: &str) -> Result<Vec<Subscription>, StoreError> {
        let rows =
            sqlx::query("SELECT data FROM subscriptions WHERE household = $1 ORDER BY rowid DESC")
                .bind(household)
                .fetch_all(self.reader())
                .await?;
        parse(&rows)
    }

    /// `brand`'s subscriptions, newest first.
    pub async fn brand_subscriptions(&self, brand: &str) -> Result<Vec<Subscription>, StoreError> {
        let rows =
            sqlx::query("SELECT data FROM subscriptions WHERE brand = $1 ORDER BY rowid DESC")
                .bind(brand)
                .fetch_all(self.reader())
                .await?;
        parse(&rows)
    }

    /// Every active or paused subscription (the needs cycle's work).
    pub async fn live_subscriptions(&self) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query(
            "SELECT data FROM subscriptions WHERE status IN ('active', 'paused') ORDER BY id",
        )
        .fetch_all(self.reader())
        .await?;
        parse(&rows)
    }
}

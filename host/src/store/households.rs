//! Households' private models, one JSON document each, and their erasure.

use sqlx::Row;

use super::{Store, StoreError, Tx};
use crate::household::Household;
use crate::time::Timestamp;

impl Tx {
    /// Creates a household; `false` if the id is taken.
    pub async fn insert_household(
        &mut self,
        h: &Household,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT OR IGNORE INTO households (id, data, created_at, updated_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&h.id.0)
        .bind(serde_json::to_string(h)?)
        .bind(at.0)
        .bind(at.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a household's document.
    pub async fn update_household(
        &mut self,
        h: &Household,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE households SET data = ?, updated_at = ? WHERE id = ?")
            .bind(serde_json::to_string(h)?)
            .bind(at.0)
            .bind(&h.id.0)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Deletes a household and, by cascade, its needs, decisions, orders
    /// and ledger; revokes its tokens. Returns whether it existed.
    pub async fn erase_household(&mut self, id: &str) -> Result<bool, StoreError> {
        for table in ["ledger", "orders", "decisions", "needs"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE household = ?"))
                .bind(id)
                .execute(&mut *self.tx)
                .await?;
        }
        sqlx::query("DELETE FROM idempotency WHERE principal = ?")
            .bind(format!("household:{id}"))
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM tokens WHERE role = 'household' AND subject = ?")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        let done = sqlx::query("DELETE FROM households WHERE id = ?")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// Every household, to load at start.
    pub async fn households(&self) -> Result<Vec<Household>, StoreError> {
        let rows = sqlx::query("SELECT data FROM households ORDER BY id")
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| Ok(serde_json::from_str(r.get(0))?))
            .collect()
    }
}

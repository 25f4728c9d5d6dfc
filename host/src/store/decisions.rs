//! Needs, decisions (with their explanations), orders and the budget ledger.
//! Decisions themselves are written by the group-commit writer (`batch`);
//! here are the reads and the order updates that follow a decision.

use sqlx::Row;

use super::{Store, StoreError, Tx};
use crate::decision::Decision;
use crate::mandate::Order;
use crate::needs::Need;
use crate::time::Timestamp;

impl Tx {
    /// Stores a raised need (ignored if already stored).
    pub async fn insert_need(&mut self, need: &Need) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT OR IGNORE INTO needs (id, household, kind, category, data, raised_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&need.id)
        .bind(&need.household.0)
        .bind(need.kind.as_str())
        .bind(&need.category)
        .bind(serde_json::to_string(need)?)
        .bind(need.raised_at.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Writes an order's current state; `was_spending` is whether its
    /// previous state spent budget, so that the ledger records the change.
    pub async fn upsert_order(
        &mut self,
        order: &Order,
        was_spending: bool,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO orders (id, household, need_id, brand, status, price_paid, data) \
             VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data",
        )
        .bind(&order.id)
        .bind(&order.household.0)
        .bind(&order.need_id)
        .bind(&order.brand)
        .bind(
            serde_json::to_value(order.status)?
                .as_str()
                .unwrap_or_default(),
        )
        .bind(order.price_paid_minor as i64)
        .bind(serde_json::to_string(order)?)
        .execute(&mut *self.tx)
        .await?;
        let amount = order.price_paid_minor as i64;
        let change = match (was_spending, order.status.spends()) {
            (false, true) => amount,
            (true, false) => -amount,
            _ => 0,
        };
        if change != 0 {
            sqlx::query(
                "INSERT INTO ledger (household, order_id, mandate, amount, at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&order.household.0)
            .bind(&order.id)
            .bind(&order.mandate)
            .bind(change)
            .bind(at.0)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    rows: Vec<sqlx::sqlite::SqliteRow>,
) -> Result<Vec<T>, StoreError> {
    rows.iter()
        .map(|r| Ok(serde_json::from_str(r.get(0))?))
        .collect()
}

impl Store {
    /// One of a household's needs.
    pub async fn need(&self, household: &str, id: &str) -> Result<Option<Need>, StoreError> {
        let rows = sqlx::query("SELECT data FROM needs WHERE household = ? AND id = ?")
            .bind(household)
            .bind(id)
            .fetch_all(self.reader())
            .await?;
        Ok(parse(rows)?.pop())
    }

    /// A household's needs, oldest first, each with its decision id if any.
    pub async fn needs(&self, household: &str) -> Result<Vec<(Need, Option<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT data, decision FROM needs WHERE household = ? ORDER BY raised_at, id",
        )
        .bind(household)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| Ok((serde_json::from_str(r.get(0))?, r.get(1))))
            .collect()
    }

    /// The decision taken on a need, if any.
    pub async fn decision_for_need(
        &self,
        household: &str,
        need_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT id FROM decisions WHERE household = ? AND need_id = ?")
            .bind(household)
            .bind(need_id)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// A household's decisions, newest first, at most `limit`.
    pub async fn decisions(
        &self,
        household: &str,
        limit: i64,
    ) -> Result<Vec<Decision>, StoreError> {
        let rows = sqlx::query(
            "SELECT data FROM decisions WHERE household = ? ORDER BY at DESC, id LIMIT ?",
        )
        .bind(household)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        parse(rows)
    }

    /// One decision.
    pub async fn decision(
        &self,
        household: &str,
        id: &str,
    ) -> Result<Option<Decision>, StoreError> {
        let rows = sqlx::query("SELECT data FROM decisions WHERE household = ? AND id = ?")
            .bind(household)
            .bind(id)
            .fetch_all(self.reader())
            .await?;
        Ok(parse(rows)?.pop())
    }

    /// Every decision, oldest first (to rebuild the brand reports at start).
    pub async fn all_decisions(&self) -> Result<Vec<Decision>, StoreError> {
        let rows = sqlx::query("SELECT data FROM decisions ORDER BY at, household, id")
            .fetch_all(self.reader())
            .await?;
        parse(rows)
    }

    /// Every order, oldest first (to rebuild the order book at start).
    pub async fn all_orders(&self) -> Result<Vec<Order>, StoreError> {
        let rows = sqlx::query("SELECT data FROM orders ORDER BY rowid")
            .fetch_all(self.reader())
            .await?;
        parse(rows)
    }

    /// A household's orders, oldest first.
    pub async fn household_orders(&self, household: &str) -> Result<Vec<Order>, StoreError> {
        let rows = sqlx::query("SELECT data FROM orders WHERE household = ? ORDER BY rowid")
            .bind(household)
            .fetch_all(self.reader())
            .await?;
        parse(rows)
    }

    /// Orders won by `brand`, oldest first.
    pub async fn brand_orders(&self, brand: &str) -> Result<Vec<Order>, StoreError> {
        let rows = sqlx::query("SELECT data FROM orders WHERE brand = ? ORDER BY rowid")
            .bind(brand)
            .fetch_all(self.reader())
            .await?;
        parse(rows)
    }

    /// Orders whose ledger sum differs from their spending (placed or
    /// dispatched: the price paid; otherwise 0). Empty when consistent.
    pub async fn ledger_mismatches(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.id FROM orders o LEFT JOIN ledger l ON l.order_id = o.id \
             GROUP BY o.id \
             HAVING COALESCE(SUM(l.amount), 0) != \
               CASE WHEN o.status IN ('placed', 'dispatched') THEN o.price_paid ELSE 0 END",
        )
        .fetch_all(self.reader())
        .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}

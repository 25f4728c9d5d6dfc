//! Needs, decisions (with their explanations), orders and the budget ledger.
//! Decisions themselves are written by the group-commit writer (`batch`);
//! here are the reads and the order updates that follow a decision.

use sqlx::Row;

use super::{Store, StoreError, Tx};
use vitrine_core::decision::Decision;
use vitrine_core::mandate::Order;
use vitrine_core::needs::Need;
use vitrine_types::time::Timestamp;

impl Tx {
    /// Stores a raised need (ignored if already stored).
    pub async fn insert_need(&mut self, need: &Need) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO needs (id, household, kind, category, data, raised_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
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
            "INSERT INTO orders (id, household, need_id, brand, status, price_paid, data, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data",
        )
        .bind(&order.id)
        .bind(&order.household.0)
        .bind(&order.need_id)
        .bind(&order.brand)
        .bind(order.status.as_str())
        .bind(super::money_column(order.price_paid_minor)?)
        .bind(serde_json::to_string(order)?)
        .bind(order.created_at.0)
        .execute(&mut *self.tx)
        .await?;
        if order.status.spends() && !order.brand.is_empty() {
            sqlx::query(
                "INSERT INTO household_brands (household, brand) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(&order.household.0)
            .bind(&order.brand)
            .execute(&mut *self.tx)
            .await?;
        }
        if !order.status.holds_need() {
            // An expired ask, a refusal or a failed delivery frees its need:
            // it can be decided again.
            sqlx::query("UPDATE needs SET open = 1 WHERE household = $1 AND id = $2")
                .bind(&order.household.0)
                .bind(&order.need_id)
                .execute(&mut *self.tx)
                .await?;
        }
        let amount = super::money_column(order.price_paid_minor)?;
        let change = match (was_spending, order.status.spends()) {
            (false, true) => amount,
            (true, false) => -amount,
            _ => 0,
        };
        if change != 0 {
            sqlx::query(
                "INSERT INTO ledger (household, order_id, mandate, amount, at) VALUES ($1, $2, $3, $4, $5)",
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

/// One line of the budget ledger: an order starting to spend (+) or
/// stopping (−).
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct LedgerEntry {
    /// Its number.
    pub seq: i64,
    /// The order.
    pub order_id: String,
    /// The mandate that decided it, if any.
    pub mandate: Option<String>,
    /// The change, in minor units.
    pub amount_minor: i64,
    /// When.
    pub at: Timestamp,
}

/// Where a stored need stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedState {
    /// It may still be decided (never decided, no offer found, or its ask
    /// expired).
    pub open: bool,
    /// Decisions taken on it so far.
    pub attempts: u32,
    /// The latest decision's id.
    pub latest: Option<String>,
}

fn parse<T: serde::de::DeserializeOwned>(
    rows: Vec<sqlx::any::AnyRow>,
) -> Result<Vec<T>, StoreError> {
    super::parse_json(&rows)
}

impl Store {
    /// One of a household's needs.
    pub async fn need(&self, household: &str, id: &str) -> Result<Option<Need>, StoreError> {
        let rows = sqlx::query("SELECT data FROM needs WHERE household = $1 AND id = $2")
            .bind(household)
            .bind(id)
            .fetch_all(self.reader())
            .await?;
        Ok(parse(rows)?.pop())
    }

    /// A household's needs, oldest first, each with where it stands.
    pub async fn needs(&self, household: &str) -> Result<Vec<(Need, NeedState)>, StoreError> {
        let rows = sqlx::query(
            "SELECT data, open, attempts, decision FROM needs WHERE household = $1 \
             ORDER BY raised_at, id",
        )
        .bind(household)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    serde_json::from_str(r.get(0))?,
                    NeedState {
                        open: r.get::<i64, _>(1) != 0,
                        attempts: u32::try_from(r.get::<i64, _>(2)).unwrap_or(0),
                        latest: r.get(3),
                    },
                ))
            })
            .collect()
    }

    /// Whether a need may still be decided, how many decisions it had and
    /// the latest one; `None` for a need never stored.
    pub async fn need_state(
        &self,
        household: &str,
        need_id: &str,
    ) -> Result<Option<NeedState>, StoreError> {
        let row = sqlx::query(
            "SELECT open, attempts, decision FROM needs WHERE household = $1 AND id = $2",
        )
        .bind(household)
        .bind(need_id)
        .fetch_optional(self.reader())
        .await?;
        Ok(row.map(|r| NeedState {
            open: r.get::<i64, _>(0) != 0,
            attempts: u32::try_from(r.get::<i64, _>(1)).unwrap_or(0),
            latest: r.get(2),
        }))
    }

    /// A household's decisions, newest first, at most `limit`.
    pub async fn decisions(
        &self,
        household: &str,
        limit: i64,
    ) -> Result<Vec<Decision>, StoreError> {
        let rows = sqlx::query(
            "SELECT data FROM decisions WHERE household = $1 ORDER BY at DESC, id LIMIT $2",
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
        let rows = sqlx::query("SELECT data FROM decisions WHERE household = $1 AND id = $2")
            .bind(household)
            .bind(id)
            .fetch_all(self.reader())
            .await?;
        Ok(parse(rows)?.pop())
    }

    /// The orders the order book holds, oldest first (to rebuild it at
    /// start): every order still live (asked, placed, final, accepted,
    /// shipped), and the settled ones created since `since`. Its cost
    /// follows what is live and recent, not the whole history.
    pub async fn book_orders(&self, since: Timestamp) -> Result<Vec<Order>, StoreError> {
        let rows = sqlx::query(
            "SELECT data FROM orders WHERE status IN \
             ('awaiting_approval', 'placed', 'final', 'accepted', 'shipped') \
             UNION ALL SELECT data FROM orders WHERE created_at >= $1 AND status NOT IN \
             ('awaiting_approval', 'placed', 'final', 'accepted', 'shipped')",
        )
        .bind(since.0)
        .fetch_all(self.reader())
        .await?;
        let mut orders: Vec<Order> = parse(rows)?;
        orders.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(orders)
    }

    /// The orders of one household the order book holds (as
    /// [`Store::book_orders`]), oldest first, and the brands it ever had a
    /// spending order from: what a node reads again before it changes the
    /// household's orders, under the household's lock.
    pub async fn household_book(
        &self,
        household: &str,
        since: Timestamp,
    ) -> Result<(Vec<Order>, Vec<String>), StoreError> {
        let rows = sqlx::query(
            "SELECT data FROM orders WHERE household = $1 AND (status IN \
             ('awaiting_approval', 'placed', 'final', 'accepted', 'shipped') OR created_at >= $2) \
             ORDER BY created_at, id",
        )
        .bind(household)
        .bind(since.0)
        .fetch_all(self.reader())
        .await?;
        let orders = parse(rows)?;
        let brands = sqlx::query("SELECT brand FROM household_brands WHERE household = $1")
            .bind(household)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        Ok((orders, brands))
    }

    /// Every brand each household has had a spending order from, as
    /// (household, brand).
    pub async fn household_brands(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT household, brand FROM household_brands ORDER BY household")
            .fetch_all(self.reader())
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// A household's orders, oldest first.
    pub async fn household_orders(&self, household: &str) -> Result<Vec<Order>, StoreError> {
        let rows = sqlx::query("SELECT data FROM orders WHERE household = $1 ORDER BY rowid")
            .bind(household)
            .fetch_all(self.reader())
            .await?;
        parse(rows)
    }

    /// `household`'s order `order_id`, if it has one by that id.
    pub async fn order(
        &self,
        household: &str,
        order_id: &str,
    ) -> Result<Option<Order>, StoreError> {
        let rows = sqlx::query("SELECT data FROM orders WHERE household = $1 AND id = $2")
            .bind(household)
            .bind(order_id)
            .fetch_all(self.reader())
            .await?;
        Ok(parse(rows)?.pop())
    }

    /// The household of `brand`'s order `order_id`, if the brand has one by
    /// that id.
    pub async fn brand_order_household(
        &self,
        brand: &str,
        order_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT household FROM orders WHERE brand = $1 AND id = $2")
            .bind(brand)
            .bind(order_id)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// Orders won by `brand`, oldest first.
    pub async fn brand_orders(&self, brand: &str) -> Result<Vec<Order>, StoreError> {
        let rows = sqlx::query("SELECT data FROM orders WHERE brand = $1 ORDER BY rowid")
            .bind(brand)
            .fetch_all(self.reader())
            .await?;
        parse(rows)
    }

    /// A household's ledger entries, oldest first.
    pub async fn household_ledger(&self, household: &str) -> Result<Vec<LedgerEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, order_id, mandate, amount, at FROM ledger WHERE household = $1 ORDER BY seq",
        )
        .bind(household)
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .iter()
            .map(|r| LedgerEntry {
                seq: r.get(0),
                order_id: r.get(1),
                mandate: r.get(2),
                amount_minor: r.get(3),
                at: Timestamp(r.get(4)),
            })
            .collect())
    }

    /// Orders whose ledger sum differs from their spending (placed, final,
    /// accepted, shipped or delivered: the price paid; otherwise 0). Empty
    /// when consistent.
    pub async fn ledger_mismatches(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.id FROM orders o LEFT JOIN ledger l ON l.order_id = o.id \
             GROUP BY o.id \
             HAVING CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) <> \
               CASE WHEN o.status IN ('placed', 'final', 'accepted', 'shipped', 'delivered') THEN o.price_paid ELSE 0 END",
        )
        .fetch_all(self.reader())
        .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}

//! Households' private models: a profile document each (preferences,
//! consents, mandates, calendar, signals) and their events, readings and
//! purchases one row each in `household_events`, so that a post of events
//! appends rows instead of rewriting the household. Rows that fall out of
//! the history (`household::HISTORY_DAYS`, and the newest
//! `MAX_EVENTS_KEPT` / `MAX_READINGS_KEPT` of each kind) are deleted as new
//! ones arrive, as the platform trims its copy. Erasure deletes all of it.

use serde::Serialize;
use sqlx::Row;

use super::{Store, StoreError, Tx};
use vitrine_core::household::{
    Calendar, Consents, ConsumptionEvent, ContextSignal, DeliveryAddress, Household, HouseholdId,
    InventorySnapshot, Location, MAX_EVENTS_KEPT, MAX_READINGS_KEPT, Preferences, Purchase,
};
use vitrine_core::mandate::Mandate;
use vitrine_types::time::Timestamp;

/// A household without its events, readings and purchases: what its
/// `households.data` document holds.
#[derive(Serialize)]
struct Profile<'a> {
    id: &'a HouseholdId,
    currency: &'a str,
    location: &'a Option<Location>,
    calendar: &'a Calendar,
    signals: &'a [ContextSignal],
    preferences: &'a Preferences,
    consents: &'a Consents,
    mandates: &'a [Mandate],
    delivery: &'a Option<DeliveryAddress>,
}

fn profile(h: &Household) -> Result<String, StoreError> {
    Ok(serde_json::to_string(&Profile {
        id: &h.id,
        currency: &h.currency,
        location: &h.location,
        calendar: &h.calendar,
        signals: &h.signals,
        preferences: &h.preferences,
        consents: &h.consents,
        mandates: &h.mandates,
        delivery: &h.delivery,
    })?)
}

/// New events, readings and purchases of one household.
#[derive(Debug, Default, Clone, Copy)]
pub struct NewEvents<'a> {
    /// Consumption events.
    pub consumption: &'a [ConsumptionEvent],
    /// Inventory readings.
    pub inventory: &'a [InventorySnapshot],
    /// Purchases.
    pub purchases: &'a [Purchase],
}

impl Tx {
    /// Creates a household with its events; `false` if the id is taken.
    pub async fn insert_household(
        &mut self,
        h: &Household,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO households (id, data, created_at, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&h.id.0)
        .bind(profile(h)?)
        .bind(at.0)
        .bind(at.0)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        self.append_events(
            &h.id.0,
            NewEvents {
                consumption: &h.events,
                inventory: &h.inventory,
                purchases: &h.purchases,
            },
            None,
        )
        .await?;
        Ok(true)
    }

    /// Replaces a household's profile (its events are left as they are).
    pub async fn update_household(
        &mut self,
        h: &Household,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE households SET data = $1, updated_at = $2, version = version + 1 WHERE id = $3",
        )
        .bind(profile(h)?)
        .bind(at.0)
        .bind(&h.id.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Appends events to a household; with `oldest`, then deletes its rows
    /// older than that and beyond the kept counts.
    pub async fn append_events(
        &mut self,
        household: &str,
        events: NewEvents<'_>,
        oldest: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let mut rows: Vec<(&str, i64, String)> = Vec::new();
        for e in events.consumption {
            rows.push(("consumption", e.at.0, serde_json::to_string(e)?));
        }
        for e in events.inventory {
            rows.push(("inventory", e.at.0, serde_json::to_string(e)?));
        }
        for e in events.purchases {
            rows.push(("purchase", e.at.0, serde_json::to_string(e)?));
        }
        if !rows.is_empty() {
            sqlx::query("UPDATE households SET version = version + 1 WHERE id = $1")
                .bind(household)
                .execute(&mut *self.tx)
                .await?;
        }
        for chunk in rows.chunks(super::rows_per_statement(4)) {
            let sql = format!(
                "INSERT INTO household_events (household, kind, at, data) {}",
                super::values_clause(chunk.len(), 4)
            );
            let mut q = sqlx::query(&sql);
            for (kind, at, data) in chunk {
                q = q.bind(household).bind(*kind).bind(*at).bind(data);
            }
            q.execute(&mut *self.tx).await?;
        }
        if let Some(oldest) = oldest {
            sqlx::query("DELETE FROM household_events WHERE household = $1 AND at < $2")
                .bind(household)
                .bind(oldest.0)
                .execute(&mut *self.tx)
                .await?;
            for (kind, kept) in [
                ("consumption", MAX_EVENTS_KEPT),
                ("inventory", MAX_READINGS_KEPT),
                ("purchase", MAX_READINGS_KEPT),
            ] {
                sqlx::query(
                    "DELETE FROM household_events WHERE household = $1 AND kind = $2 AND seq NOT IN \
                     (SELECT seq FROM household_events WHERE household = $1 AND kind = $2 \
                      ORDER BY at DESC, seq DESC LIMIT $3)",
                )
                .bind(household)
                .bind(kind)
                .bind(kept as i64)
                .execute(&mut *self.tx)
                .await?;
            }
        }
        Ok(())
    }

    /// Deletes a household and everything about it: its events, needs,
    /// decisions, orders, ledger, privacy spend, subscriptions, webhook and its log,
    /// idempotent answers and tokens. Returns whether it existed.
    pub async fn erase_household(&mut self, id: &str) -> Result<bool, StoreError> {
        for table in [
            "ledger",
            "orders",
            "decisions",
            "needs",
            "household_events",
            "privacy_spend",
            "webhooks",
            "webhook_events",
            "webhook_attempts",
            "subscriptions",
            "household_brands",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE household = $1"))
                .bind(id)
                .execute(&mut *self.tx)
                .await?;
        }
        sqlx::query("DELETE FROM idempotency WHERE principal = $1")
            .bind(format!("household:{id}"))
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM tokens WHERE role = 'household' AND subject = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        let done = sqlx::query("DELETE FROM households WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// Every household, with its events, to load at start. A household
    /// stored by an earlier version with its events inside its document has
    /// them moved to their rows on the way.
    pub async fn households(&self) -> Result<Vec<Household>, StoreError> {
        let rows = sqlx::query("SELECT data FROM households ORDER BY id")
            .fetch_all(self.reader())
            .await?;
        let mut households: Vec<Household> = rows
            .iter()
            .map(|r| serde_json::from_str(r.get(0)))
            .collect::<Result<_, _>>()?;
        for h in households
            .iter_mut()
            .filter(|h| !h.events.is_empty() || !h.inventory.is_empty() || !h.purchases.is_empty())
        {
            let mut tx = self.begin().await?;
            tx.append_events(
                &h.id.0,
                NewEvents {
                    consumption: &h.events,
                    inventory: &h.inventory,
                    purchases: &h.purchases,
                },
                None,
            )
            .await?;
            tx.update_household(h, Timestamp::now()).await?;
            tx.commit().await?;
            h.events.clear();
            h.inventory.clear();
            h.purchases.clear();
        }
        let index: std::collections::HashMap<String, usize> = households
            .iter()
            .enumerate()
            .map(|(i, h)| (h.id.0.clone(), i))
            .collect();
        let events = sqlx::query(
            "SELECT household, kind, data FROM household_events ORDER BY household, at, seq",
        )
        .fetch_all(self.reader())
        .await?;
        for row in &events {
            let Some(&i) = index.get(row.get::<&str, _>(0)) else {
                continue;
            };
            let h = &mut households[i];
            let data: &str = row.get(2);
            match row.get::<&str, _>(1) {
                "consumption" => h.events.push(serde_json::from_str(data)?),
                "inventory" => h.inventory.push(serde_json::from_str(data)?),
                _ => h.purchases.push(serde_json::from_str(data)?),
            }
        }
        Ok(households)
    }

    /// One household with its events, and its version; `None` if there is
    /// no such household (never created, or erased).
    pub async fn household(&self, id: &str) -> Result<Option<(Household, i64)>, StoreError> {
        let Some(row) = sqlx::query("SELECT data, version FROM households WHERE id = $1")
            .bind(id)
            .fetch_optional(self.reader())
            .await?
        else {
            return Ok(None);
        };
        let mut household: Household = serde_json::from_str(&row.try_get::<String, _>(0)?)?;
        let version: i64 = row.try_get(1)?;
        let events = sqlx::query(
            "SELECT kind, data FROM household_events WHERE household = $1 ORDER BY at, seq",
        )
        .bind(id)
        .fetch_all(self.reader())
        .await?;
        for row in &events {
            let data: &str = row.try_get(1)?;
            match row.try_get::<&str, _>(0)? {
                "consumption" => household.events.push(serde_json::from_str(data)?),
                "inventory" => household.inventory.push(serde_json::from_str(data)?),
                _ => household.purchases.push(serde_json::from_str(data)?),
            }
        }
        Ok(Some((household, version)))
    }

    /// A household's version (raised by every change to it), `None` if
    /// there is no such household.
    pub async fn household_version(&self, id: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT version FROM households WHERE id = $1")
            .bind(id)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Every household's version, to know which a node holds stale.
    pub async fn household_versions(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT id, version FROM households ORDER BY id")
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// The number of event rows a household has (for tests of the history
    /// bound).
    pub async fn event_rows(&self, household: &str) -> Result<i64, StoreError> {
        Ok(
            sqlx::query("SELECT COUNT(*) FROM household_events WHERE household = $1")
                .bind(household)
                .fetch_one(self.reader())
                .await?
                .get(0),
        )
    }
}

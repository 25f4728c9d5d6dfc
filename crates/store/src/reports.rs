//! Issued brand reports (kept so that asking twice spends no more privacy
//! budget) and the operator's data-sharing policy.

use sqlx::Row;

use super::{Store, StoreError, Tx};
use vitrine_core::minimiser::SharingPolicy;
use vitrine_core::reports::BrandReport;
use vitrine_types::time::Day;

impl Tx {
    /// Stores an issued report; `false` if one was already stored for that
    /// brand and day.
    pub async fn insert_report(&mut self, report: &BrandReport) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "INSERT INTO brand_reports (brand, day, epsilon, data) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&report.brand)
        .bind(report.day.0)
        .bind(report.epsilon)
        .bind(serde_json::to_string(report)?)
        .execute(&mut *self.tx)
        .await?
        .rows_affected()
            == 1)
    }

    /// Records that `households` counted, for `epsilon`, in `brand`'s
    /// report for `day`.
    pub async fn record_privacy_spend(
        &mut self,
        brand: &str,
        households: &[&vitrine_core::household::HouseholdId],
        day: Day,
        epsilon: f64,
    ) -> Result<(), StoreError> {
        // One row per household (PostgreSQL refuses a row twice in one
        // statement).
        let mut households = households.to_vec();
        households.sort();
        households.dedup();
        for chunk in households.chunks(super::rows_per_statement(4)) {
            let sql = format!(
                "INSERT INTO privacy_spend (brand, household, day, epsilon) {} \
                 ON CONFLICT DO NOTHING",
                super::values_clause(chunk.len(), 4)
            );
            let mut q = sqlx::query(&sql);
            for household in chunk {
                q = q
                    .bind(brand)
                    .bind(&household.0)
                    .bind(i64::from(day.0))
                    .bind(epsilon);
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Replaces the sharing policy.
    pub async fn set_policy(&mut self, policy: &SharingPolicy) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO policy (id, data) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET data = excluded.data")
            .bind(serde_json::to_string(policy)?)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// The report issued to `brand` for `day`, if any.
    pub async fn report(&self, brand: &str, day: Day) -> Result<Option<BrandReport>, StoreError> {
        let row = sqlx::query("SELECT data FROM brand_reports WHERE brand = $1 AND day = $2")
            .bind(brand)
            .bind(day.0)
            .fetch_optional(self.reader())
            .await?;
        row.map(|r| Ok(serde_json::from_str(r.get(0))?)).transpose()
    }

    /// The stored sharing policy, if the operator set one.
    pub async fn policy(&self) -> Result<Option<SharingPolicy>, StoreError> {
        let row = sqlx::query("SELECT data FROM policy WHERE id = 1")
            .fetch_optional(self.reader())
            .await?;
        row.map(|r| Ok(serde_json::from_str(r.get(0))?)).transpose()
    }
}

impl Store {
    /// ε each household spent in `brand`'s reports after `since`.
    pub async fn privacy_spent(
        &self,
        brand: &str,
        since: Day,
    ) -> Result<std::collections::HashMap<String, f64>, StoreError> {
        let rows = sqlx::query(
            "SELECT household, SUM(epsilon) FROM privacy_spend WHERE brand = $1 AND day > $2 \
             GROUP BY household",
        )
        .bind(brand)
        .bind(since.0)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// Every auction held on `day`, with its household (from the stored
    /// decisions).
    pub async fn auctions_of_day(
        &self,
        day: Day,
    ) -> Result<
        Vec<(
            vitrine_core::household::HouseholdId,
            vitrine_core::auction::AuctionResult,
        )>,
        StoreError,
    > {
        #[derive(serde::Deserialize)]
        struct Stored {
            household: vitrine_core::household::HouseholdId,
            auction: vitrine_core::auction::AuctionResult,
        }
        let rows =
            sqlx::query("SELECT data FROM decisions WHERE at >= $1 AND at < $2 ORDER BY at, id")
                .bind(day.start().0)
                .bind(day.plus(1).start().0)
                .fetch_all(self.reader())
                .await?;
        rows.iter()
            .map(|r| {
                let stored: Stored = serde_json::from_str(r.get(0))?;
                Ok((stored.household, stored.auction))
            })
            .collect()
    }

    /// The k-anonymity sightings of `day` or later: (combination, household
    /// hash, day).
    pub async fn k_sightings_since(
        &self,
        day: Day,
    ) -> Result<Vec<(String, String, Day)>, StoreError> {
        let rows = sqlx::query("SELECT key, household, day FROM k_anonymity WHERE day >= $1")
            .bind(day.0)
            .fetch_all(self.reader())
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), Day(r.get::<i64, _>(2) as i32)))
            .collect())
    }
}

impl Tx {
    /// Deletes k-anonymity sightings older than `day`.
    pub async fn prune_k_sightings(&mut self, day: Day) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM k_anonymity WHERE day < $1")
            .bind(day.0)
            .execute(&mut *self.tx)
            .await?
            .rows_affected())
    }
}

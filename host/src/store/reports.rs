//! Issued brand reports (kept so that asking twice spends no more privacy
//! budget) and the operator's data-sharing policy.

use sqlx::Row;

use super::{Store, StoreError, Tx};
use crate::minimiser::SharingPolicy;
use crate::reports::BrandReport;
use crate::time::Day;

impl Tx {
    /// Stores an issued report.
    pub async fn insert_report(&mut self, report: &BrandReport) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT OR IGNORE INTO brand_reports (brand, day, epsilon, data) VALUES (?, ?, ?, ?)",
        )
        .bind(&report.brand)
        .bind(report.day.0)
        .bind(report.epsilon)
        .bind(serde_json::to_string(report)?)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Replaces the sharing policy.
    pub async fn set_policy(&mut self, policy: &SharingPolicy) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO policy (id, data) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data")
            .bind(serde_json::to_string(policy)?)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

impl Store {
    /// The report issued to `brand` for `day`, if any.
    pub async fn report(&self, brand: &str, day: Day) -> Result<Option<BrandReport>, StoreError> {
        let row = sqlx::query("SELECT data FROM brand_reports WHERE brand = ? AND day = ?")
            .bind(brand)
            .bind(day.0)
            .fetch_optional(self.reader())
            .await?;
        row.map(|r| Ok(serde_json::from_str(r.get(0))?)).transpose()
    }

    /// Every issued report (to restore the privacy budgets spent at start).
    pub async fn all_reports(&self) -> Result<Vec<BrandReport>, StoreError> {
        let rows = sqlx::query("SELECT data FROM brand_reports")
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|r| Ok(serde_json::from_str(r.get(0))?))
            .collect()
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
    /// The k-anonymity sightings of `day` or later: (combination, household
    /// hash, day).
    pub async fn k_sightings_since(
        &self,
        day: Day,
    ) -> Result<Vec<(String, String, Day)>, StoreError> {
        let rows = sqlx::query("SELECT key, household, day FROM k_anonymity WHERE day >= ?")
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
        Ok(sqlx::query("DELETE FROM k_anonymity WHERE day < ?")
            .bind(day.0)
            .execute(&mut *self.tx)
            .await?
            .rows_affected())
    }
}

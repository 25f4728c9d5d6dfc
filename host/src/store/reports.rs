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

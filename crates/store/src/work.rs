//! Periodic work shared between nodes: a run of a job (the needs cycle of
//! one period) is a set of items (households); nodes claim batches of them
//! with a lease, mark each done, and claim again what a dead node held once
//! its lease runs out. On PostgreSQL claims skip rows another node is
//! claiming at that moment (`FOR UPDATE SKIP LOCKED`), so nodes never wait
//! on each other; on SQLite one writer serialises them anyway.

use sqlx::Row;

use super::{Backend, Store, StoreError};
use vitrine_types::time::Timestamp;

/// One claim: which node, until when.
#[derive(Debug, Clone, Copy)]
pub struct Lease<'a> {
    /// The claiming node's id.
    pub node: &'a str,
    /// Now.
    pub now: Timestamp,
    /// When an unfinished claim may be taken over.
    pub until: Timestamp,
}

impl Store {
    /// Adds the items of `job`'s run `run` (every node may: the first one
    /// adds them, the others find them there). Returns how many were new.
    pub async fn add_work(&self, job: &str, run: i64, items: &[String]) -> Result<u64, StoreError> {
        let exists = sqlx::query("SELECT 1 FROM work_items WHERE job = $1 AND run = $2 LIMIT 1")
            .bind(job)
            .bind(run)
            .fetch_optional(self.reader())
            .await?;
        if exists.is_some() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let mut added = 0;
        for chunk in items.chunks(super::rows_per_statement(3)) {
            let sql = format!(
                "INSERT INTO work_items (job, run, item) {} ON CONFLICT DO NOTHING",
                super::values_clause(chunk.len(), 3)
            );
            let mut q = sqlx::query(&sql);
            for item in chunk {
                q = q.bind(job).bind(run).bind(item);
            }
            added += q.execute(&mut *tx.tx).await?.rows_affected();
        }
        // Earlier runs are forgotten: a new run replaces them.
        sqlx::query("DELETE FROM work_items WHERE job = $1 AND run < $2")
            .bind(job)
            .bind(run - 1)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Claims up to `limit` items of the run not done and not claimed (or
    /// whose claim's lease has run out), for `lease.node` until
    /// `lease.until`; returns them.
    pub async fn claim_work(
        &self,
        job: &str,
        run: i64,
        lease: Lease<'_>,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
        let skip_locked = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE work_items SET claimed_by = $1, lease_until = $2 \
             WHERE job = $3 AND run = $4 AND item IN (SELECT item FROM work_items \
             WHERE job = $3 AND run = $4 AND done_at IS NULL \
             AND (lease_until IS NULL OR lease_until < $5) \
             ORDER BY item LIMIT $6{skip_locked}) RETURNING item"
        );
        let mut tx = self.begin().await?;
        let rows = sqlx::query(&sql)
            .bind(lease.node)
            .bind(lease.until.0)
            .bind(job)
            .bind(run)
            .bind(lease.now.0)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect::<Result<Vec<String>, StoreError>>()
            .map(|mut items| {
                items.sort();
                items
            })
    }

    /// Marks an item done.
    pub async fn finish_work(
        &self,
        job: &str,
        run: i64,
        item: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE work_items SET done_at = $1 WHERE job = $2 AND run = $3 AND item = $4")
            .bind(at.0)
            .bind(job)
            .bind(run)
            .bind(item)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await
    }

    /// Items of the run not done yet (claimed or not).
    pub async fn work_left(&self, job: &str, run: i64) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM work_items WHERE job = $1 AND run = $2 AND done_at IS NULL",
        )
        .bind(job)
        .bind(run)
        .fetch_one(self.reader())
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Who did each item of the run: (item, node), for tests and
    /// operators.
    pub async fn work_done(
        &self,
        job: &str,
        run: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT item, claimed_by FROM work_items WHERE job = $1 AND run = $2 \
             AND done_at IS NOT NULL ORDER BY item",
        )
        .bind(job)
        .bind(run)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Every household's id, from the store (what a node did not load may
    /// have been created on another).
    pub async fn household_ids(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT id FROM households ORDER BY id")
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }
}

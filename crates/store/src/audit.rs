//! The audit log: append-only (triggers refuse UPDATE and DELETE), each
//! entry's hash covering its fields and the previous entry's hash, so that
//! changing, removing or reordering any entry breaks the chain from there on.
//! Households appear only by pseudonym, so the log outlives an erasure.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Store, StoreError, Tx};
use vitrine_types::time::Timestamp;

/// The previous hash of the first entry.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    /// Position in the log, from 1.
    pub seq: i64,
    /// When.
    pub at: Timestamp,
    /// Who (`operator`, `brand:ID`, `household:PSEUDONYM`, `system`).
    pub actor: String,
    /// What (`brand.created`, `decision.taken`, ...).
    pub action: String,
    /// On what.
    pub subject: String,
    /// Details (JSON), never raw household data.
    pub detail: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The hash of an entry's fields and the previous hash. Every field is
/// length-prefixed, so no two different entries hash the same input.
pub fn entry_hash(
    seq: i64,
    at: Timestamp,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(seq.to_le_bytes());
    h.update(at.0.to_le_bytes());
    for field in [actor, action, subject, detail, prev_hash] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Where and why the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit entry {seq}: {why}")]
pub struct BrokenChain {
    /// The first entry that does not verify.
    pub seq: i64,
    /// What is wrong with it.
    pub why: String,
}

/// An entry to append.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub subject: String,
    /// Details.
    pub detail: serde_json::Value,
}

impl Tx {
    /// The chain's last entry as committed. On PostgreSQL this takes the
    /// audit lock first (held until the transaction ends), so no other
    /// node appends between this read and this transaction's commit.
    async fn head(&mut self) -> Result<(i64, String), StoreError> {
        if self.backend == super::Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(super::AUDIT_LOCK)
                .execute(&mut *self.tx)
                .await?;
        } else if let Some(head) = self
            .audit_head
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Ok(head);
        }
        let last = sqlx::query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(match last {
            Some(row) => (row.try_get::<i64, _>(0)?, row.try_get::<String, _>(1)?),
            None => (0, GENESIS.to_owned()),
        })
    }

    /// Queues entries, to be appended when the transaction commits.
    pub(crate) fn audit_many(&mut self, records: Vec<AuditRecord>) {
        self.pending_audit.extend(records);
    }

    /// Appends the queued entries, chained, in as few statements as the
    /// backend allows; returns the new head (`None` with nothing queued).
    pub(crate) async fn flush_audit(&mut self) -> Result<Option<(i64, String)>, StoreError> {
        if self.pending_audit.is_empty() {
            return Ok(None);
        }
        let records = std::mem::take(&mut self.pending_audit);
        let (mut seq, mut prev) = self.head().await?;
        let mut rows = Vec::with_capacity(records.len());
        for r in &records {
            seq += 1;
            let detail = r.detail.to_string();
            let hash = entry_hash(seq, r.at, &r.actor, &r.action, &r.subject, &detail, &prev);
            rows.push((seq, r, detail, prev, hash.clone()));
            prev = hash;
        }
        for chunk in rows.chunks(super::rows_per_statement(8)) {
            let sql = format!(
                "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash) {}",
                super::values_clause(chunk.len(), 8)
            );
            let mut q = sqlx::query(&sql);
            for (seq, r, detail, prev, hash) in chunk {
                q = q
                    .bind(*seq)
                    .bind(r.at.0)
                    .bind(&r.actor)
                    .bind(&r.action)
                    .bind(&r.subject)
                    .bind(detail)
                    .bind(prev)
                    .bind(hash);
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(Some((seq, prev)))
    }

    /// Appends an entry in this transaction (it lands with the change it
    /// records, or not at all).
    pub async fn audit(
        &mut self,
        at: Timestamp,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.audit_many(vec![AuditRecord {
            at,
            actor: actor.to_owned(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail: detail.clone(),
        }]);
        Ok(())
    }
}

fn entry(row: &sqlx::any::AnyRow) -> AuditEntry {
    AuditEntry {
        seq: row.get("seq"),
        at: Timestamp(row.get("at")),
        actor: row.get("actor"),
        action: row.get("action"),
        subject: row.get("subject"),
        detail: row.get("detail"),
        prev_hash: row.get("prev_hash"),
        hash: row.get("hash"),
    }
}

impl Store {
    /// The entries about `subject` (`brand:dairy`), oldest first, at most
    /// 10,000.
    pub async fn audit_entries_about(&self, subject: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query("SELECT * FROM audit WHERE subject = $1 ORDER BY seq LIMIT 10000")
            .bind(subject)
            .fetch_all(self.reader())
            .await?;
        Ok(rows.iter().map(entry).collect())
    }

    /// Entries after `after`, at most `limit`, oldest first.
    pub async fn audit_entries(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query("SELECT * FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(self.reader())
            .await?;
        Ok(rows.iter().map(entry).collect())
    }

    /// Walks the whole chain: numbering from 1 without gaps, each entry's
    /// previous hash equal to the entry before's hash, each hash recomputed.
    /// Returns the number of entries, or the first entry that fails.
    pub async fn verify_audit(&self) -> Result<Result<u64, BrokenChain>, StoreError> {
        let mut prev = GENESIS.to_owned();
        let mut expected = 1;
        let mut after = 0;
        loop {
            let batch = self.audit_entries(after, 10_000).await?;
            if batch.is_empty() {
                return Ok(Ok((expected - 1) as u64));
            }
            for e in &batch {
                let broken = |why: String| Ok(Err(BrokenChain { seq: e.seq, why }));
                if e.seq != expected {
                    return broken(format!(
                        "expected entry {expected} here (an entry is missing)"
                    ));
                }
                if e.prev_hash != prev {
                    return broken("its previous hash is not the hash of the entry before".into());
                }
                let hash = entry_hash(
                    e.seq,
                    e.at,
                    &e.actor,
                    &e.action,
                    &e.subject,
                    &e.detail,
                    &e.prev_hash,
                );
                if hash != e.hash {
                    return broken("its content does not match its hash (it was altered)".into());
                }
                prev = e.hash.clone();
                expected += 1;
                after = e.seq;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    async fn log_of(n: i64) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.db")).await.unwrap();
        for i in 0..n {
            let mut tx = store.begin().await.unwrap();
            tx.audit(
                Timestamp(i),
                "operator",
                "test",
                &format!("s{i}"),
                &json!({"i": i}),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        (dir, store)
    }

    #[tokio::test]
    async fn an_untouched_chain_verifies() {
        let (_dir, store) = log_of(5).await;
        assert_eq!(store.verify_audit().await.unwrap(), Ok(5));
    }

    #[tokio::test]
    async fn updates_and_deletes_are_refused_by_the_database() {
        let (_dir, store) = log_of(2).await;
        let mut tx = store.begin().await.unwrap();
        let err = sqlx::query("UPDATE audit SET detail = '{}' WHERE seq = 1")
            .execute(&mut *tx.tx)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
        let err = sqlx::query("DELETE FROM audit WHERE seq = 2")
            .execute(&mut *tx.tx)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }

    /// What an attacker with the database file could do: drop the triggers
    /// and rewrite. The chain names the first altered entry.
    async fn tamper(store: &Store, sql: &str) {
        let mut tx = store.begin().await.unwrap();
        for stmt in [
            "DROP TRIGGER audit_no_update",
            "DROP TRIGGER audit_no_delete",
            sql,
        ] {
            sqlx::query(stmt).execute(&mut *tx.tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn an_altered_entry_is_named() {
        let (_dir, store) = log_of(5).await;
        tamper(&store, "UPDATE audit SET subject = 'x' WHERE seq = 3").await;
        let broken = store.verify_audit().await.unwrap().unwrap_err();
        assert_eq!(broken.seq, 3);
        assert!(broken.why.contains("altered"));
    }

    #[tokio::test]
    async fn a_removed_entry_is_named() {
        let (_dir, store) = log_of(5).await;
        tamper(&store, "DELETE FROM audit WHERE seq = 2").await;
        let broken = store.verify_audit().await.unwrap().unwrap_err();
        assert_eq!(broken.seq, 3);
        assert!(broken.why.contains("missing"));
    }

    #[tokio::test]
    async fn a_rehashed_entry_still_breaks_the_next_link() {
        let (_dir, store) = log_of(4).await;
        let e = &store.audit_entries(1, 1).await.unwrap()[0];
        let forged = entry_hash(
            e.seq,
            e.at,
            &e.actor,
            &e.action,
            "forged",
            &e.detail,
            &e.prev_hash,
        );
        tamper(
            &store,
            &format!("UPDATE audit SET subject = 'forged', hash = '{forged}' WHERE seq = 2"),
        )
        .await;
        let broken = store.verify_audit().await.unwrap().unwrap_err();
        assert_eq!(broken.seq, 3);
    }
}

//! Compiled plugins, shared by every node through the store: the node that
//! receives an upload compiles it once and stores the artifact; another
//! node (or this one with an empty cache directory) fetches it instead of
//! compiling. Keyed by the component's hash and the engine's fingerprint.

use sqlx::Row;

use super::{Store, StoreError, Tx};
use vitrine_types::time::Timestamp;

impl Tx {
    /// Stores the artifact of `sha256` for `fingerprint`, replacing one
    /// that was there (a node that could not load it compiled it again).
    pub async fn put_artifact(
        &mut self,
        sha256: &str,
        fingerprint: &str,
        bytes: &[u8],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO artifacts (sha256, fingerprint, bytes, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sha256, fingerprint) DO UPDATE SET bytes = excluded.bytes, \
             created_at = excluded.created_at",
        )
        .bind(sha256)
        .bind(fingerprint)
        .bind(bytes)
        .bind(at.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The artifact of `sha256` for `fingerprint`, if a node stored one.
    pub async fn artifact(
        &self,
        sha256: &str,
        fingerprint: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT bytes FROM artifacts WHERE sha256 = $1 AND fingerprint = $2")
            .bind(sha256)
            .bind(fingerprint)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// Whether a node stored the artifact of `sha256` for `fingerprint`
    /// (without reading it).
    pub async fn has_artifact(&self, sha256: &str, fingerprint: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 FROM artifacts WHERE sha256 = $1 AND fingerprint = $2")
            .bind(sha256)
            .bind(fingerprint)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.is_some())
    }

    /// The hashes of every artifact stored for `fingerprint`.
    pub async fn artifact_hashes(
        &self,
        fingerprint: &str,
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let rows = sqlx::query("SELECT sha256 FROM artifacts WHERE fingerprint = $1")
            .bind(fingerprint)
            .fetch_all(self.reader())
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// Deletes every shared artifact (nodes then compile again and share
    /// anew). For benchmarks and for an operator who wants the store
    /// smaller after removing plugin versions.
    pub async fn forget_artifacts(&self) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM artifacts")
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected())
    }
}

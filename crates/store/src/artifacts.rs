//! Compiled plugins, shared by every node through the store: the node that
//! receives an upload compiles it once and stores the artifact; another
//! node (or this one with an empty cache directory) fetches it instead of
//! compiling. Keyed by the component's hash and the engine's fingerprint.
//!
//! Stored compressed with LZ4 (machine code halves; a new node reads every
//! artifact at start, and reading them is the database's work: half the
//! bytes, half the time, while decompressing costs about 0.1 ms per
//! artifact). Rows stored before compression are read as they are.

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
        .bind(compress(bytes))
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
        row.map(|r| decompress(r.get(0))).transpose()
    }

    /// The artifacts stored for `fingerprint` among `sha256s`, as
    /// `(sha256, bytes)`, fetched 64 to a query (a new node reads hundreds
    /// at start: one round trip each would cost more than mapping them).
    /// Hashes with no artifact are left out.
    pub async fn artifacts(
        &self,
        fingerprint: &str,
        sha256s: &[String],
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        const PER_QUERY: usize = 64;
        let mut found = Vec::with_capacity(sha256s.len());
        for chunk in sha256s.chunks(PER_QUERY) {
            let list = (0..chunk.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT sha256, bytes FROM artifacts WHERE fingerprint = $1 AND sha256 IN ({list})"
            );
            let mut query = sqlx::query(&sql).bind(fingerprint);
            for sha256 in chunk {
                query = query.bind(sha256);
            }
            let rows = query.fetch_all(self.reader()).await?;
            for row in &rows {
                found.push((row.get(0), decompress(row.get(1))?));
            }
        }
        Ok(found)
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

/// What marks a compressed artifact: no wasmtime artifact (an ELF file)
/// starts with it.
const LZ4_MAGIC: &[u8; 4] = b"VLZ4";

fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut out = LZ4_MAGIC.to_vec();
    out.extend(lz4_flex::compress_prepend_size(bytes));
    out
}

fn decompress(stored: Vec<u8>) -> Result<Vec<u8>, StoreError> {
    match stored.strip_prefix(LZ4_MAGIC) {
        Some(compressed) => lz4_flex::decompress_size_prepended(compressed).map_err(|e| {
            StoreError::Corrupt(format!("a stored artifact does not decompress: {e}"))
        }),
        None => Ok(stored),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_round_trip_through_compression_and_old_rows_read_as_they_are() {
        let elf = b"\x7fELF\x02\x01\x01 machine code machine code machine code".to_vec();
        assert_eq!(decompress(compress(&elf)).unwrap(), elf);
        assert_eq!(decompress(elf.clone()).unwrap(), elf);
        let mut damaged = compress(&elf);
        damaged.truncate(8);
        assert!(decompress(damaged).is_err());
    }
}

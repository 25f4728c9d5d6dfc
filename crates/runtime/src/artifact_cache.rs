//! Precompiled plugins on disk, so that a restart maps machine code instead
//! of recompiling every plugin (compiling takes tens of milliseconds per
//! plugin; mapping a cached artifact about a tenth of a millisecond).
//!
//! Files are named `<component sha256>-<engine fingerprint>.cwasm`: a new
//! wasmtime version or a changed code-affecting setting gets new files, never
//! stale code. Files are written to a temporary name and renamed, so a crash
//! cannot leave a torn artifact under a valid name.
//!
//! Security: loading an artifact runs the machine code in it, so the cache
//! directory must be writable by the operator only. Artifacts are only ever
//! produced here, by this engine, from components that were validated first;
//! bytes uploaded by a brand are never deserialized.

use std::io;
use std::path::{Path, PathBuf};

use wasmtime::Engine;
use wasmtime::component::Component;

use super::engine::engine_fingerprint;

/// A directory of precompiled components for one engine configuration.
#[derive(Debug, Clone)]
pub struct ArtifactCache {
    dir: PathBuf,
    fingerprint: String,
}

impl ArtifactCache {
    /// Opens (creating it if needed) the cache in `dir` for `engine`.
    pub fn open(dir: impl Into<PathBuf>, engine: &Engine) -> io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(ArtifactCache {
            dir,
            fingerprint: engine_fingerprint(engine),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, sha256: &str) -> PathBuf {
        self.dir
            .join(format!("{sha256}-{}.cwasm", self.fingerprint))
    }

    /// The cached component for `sha256`, if present and loadable. A file
    /// that fails to load is removed and reported as a miss.
    #[allow(unsafe_code)]
    pub fn load(&self, engine: &Engine, sha256: &str) -> Option<Component> {
        let path = self.path(sha256);
        if !path.is_file() {
            return None;
        }
        // SAFETY: the file was written by `store` below from a component this
        // engine compiled, under a name that includes the engine fingerprint,
        // in a directory only the operator can write (see the module docs).
        // wasmtime additionally checks the artifact's header and version.
        match unsafe { Component::deserialize_file(engine, &path) } {
            Ok(component) => Some(component),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "discarding unloadable cached artifact");
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Saves `component` under `sha256`. Failures are logged, not returned:
    /// the cache only ever saves time.
    pub fn store(&self, sha256: &str, component: &Component) {
        match component.serialize() {
            Ok(bytes) => self.store_bytes(sha256, &bytes),
            Err(e) => {
                tracing::warn!(dir = %self.dir.display(), error = %e, "could not serialise a compiled plugin");
            }
        }
    }

    /// Saves an artifact this engine's compile worker produced under
    /// `sha256` (see `runtime::compile`).
    pub(crate) fn store_bytes(&self, sha256: &str, bytes: &[u8]) {
        let path = self.path(sha256);
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = result {
            tracing::warn!(dir = %self.dir.display(), error = %e, "could not cache a compiled plugin");
        }
    }

    /// The engine fingerprint its artifacts are keyed by (with the
    /// component's hash): artifacts of another fingerprint never load.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Whether an artifact for `sha256` is cached for this engine.
    pub fn contains(&self, sha256: &str) -> bool {
        self.path(sha256).is_file()
    }

    /// The cached artifact's bytes for `sha256`, to share with other nodes
    /// through the store.
    pub fn read(&self, sha256: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(sha256)).ok()
    }

    /// Puts an artifact fetched from the platform's own store under
    /// `sha256`. Trusted as the cache directory is: the store only ever
    /// holds artifacts a node of this platform compiled from a validated
    /// component, keyed by the engine fingerprint (never bytes uploaded by
    /// a brand), and whoever can write the database can already change
    /// what the platform does. A damaged one is discarded when loaded, as
    /// any cached file.
    pub fn import(&self, sha256: &str, bytes: &[u8]) {
        self.store_bytes(sha256, bytes);
    }

    /// Number of artifacts for this engine currently in the cache.
    pub fn len(&self) -> usize {
        std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| {
                        e.file_name()
                            .to_string_lossy()
                            .ends_with(&format!("-{}.cwasm", self.fingerprint))
                    })
                    .count()
            })
            .unwrap_or(0)
    }

    /// Whether the cache holds no artifact for this engine.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

//! The platform: the decision core with its state in the store. Every
//! operation of the HTTP API (and of `vitrine demo`) is a method here; the
//! API only maps HTTP to these methods and their errors to statuses.
//!
//! State is held in memory for speed (the registered plugins, households,
//! the order book, brand reports) and written through to SQLite in the same
//! step, each change in one transaction with its audit entry. At start the
//! memory is rebuilt from the store: enabled plugins are loaded (from the
//! artifact cache, filled from the store's compiled artifacts when it is
//! empty, so nothing another node compiled is compiled again), the live and
//! recent orders are put back in the order book with the brands each
//! household bought from (not the whole history).
//!
//! One concept per file: [`clock`], [`metrics`], `operator` (brands,
//! plugins, policy, households' creation), `household` (a household's own
//! data, needs, decisions and orders), `brand` (what a brand may read).

mod bidder;
mod brand;
pub mod clock;
mod fulfilment;
pub mod household;
pub mod inbox;
pub mod metrics;
mod operator;
pub mod subscriptions;
mod tokens;
pub mod webhook;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

pub use self::CycleHealth as NeedsCycleHealth;
pub use bidder::PluginBidder;
pub use brand::{BrandOrder, PluginStatus};
pub use clock::Clock;
pub use household::{HouseholdExport, NeedRef, NeedView};
pub use metrics::Metrics;
pub use operator::{Created, HouseholdCreated, Upload};

use vitrine_core::decision::{DecisionConfig, DecisionEngine};
use vitrine_core::household::{Household, HouseholdId};
use vitrine_core::needs::NeedsEngine;
use vitrine_core::reports::Pseudonymiser;
use vitrine_runtime::{CompileWorker, Limits, LoadError, Runtime};
use vitrine_store::brands::PluginVersion;
use vitrine_store::tokens::{Principal, new_token};
use vitrine_store::{Backend, Location, Store, StoreError, StoreLock};
use vitrine_types::time::Timestamp;

/// The platform's settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlatformConfig {
    /// The database: a SQLite file (the default, `vitrine.db`) or a
    /// PostgreSQL URL (several nodes on one database).
    pub db: Location,
    /// Where compiled plugins are cached on this machine; default:
    /// `<db>.artifacts` beside a SQLite file, `vitrine.artifacts` in the
    /// working directory with PostgreSQL (the store holds every artifact
    /// anyway: this is a node's local copy).
    pub artifact_dir: Option<PathBuf>,
    /// The sandbox's limits.
    pub limits: Limits,
    /// The decision core's settings.
    pub decision: DecisionConfig,
    /// What households' webhooks may reach.
    pub webhooks: webhook::WebhookPolicy,
    /// Where uploaded components are compiled: `vitrine serve` compiles in
    /// a bounded child process (see `runtime::compile`); the default
    /// compiles in-process, for embedders and tests that only upload
    /// components they trust.
    #[serde(skip)]
    pub compile_worker: CompileWorker,
}

impl Default for PlatformConfig {
    fn default() -> Self {
        PlatformConfig {
            db: Location::Sqlite(PathBuf::from("vitrine.db")),
            artifact_dir: None,
            limits: Limits::default(),
            decision: DecisionConfig::default(),
            webhooks: webhook::WebhookPolicy::default(),
            compile_worker: CompileWorker::InProcess,
        }
    }
}

/// Why an operation was refused or failed. Each kind has a stable code and
/// maps to one HTTP status in the API.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// The thing does not exist (or is not the caller's).
    #[error("{0} not found")]
    NotFound(String),
    /// It already exists, or the state does not allow the operation.
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
    },
    /// The input is well-formed but refused (a bad plugin, a bad field).
    #[error("{message}")]
    Invalid {
        /// Stable code.
        code: &'static str,
        /// Explanation.
        message: String,
        /// The field at fault, as a path (`consumption[3].at`), when one is.
        field: Option<String>,
    },
    /// The store failed.
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl PlatformError {
    /// A refusal of bad input.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> PlatformError {
        PlatformError::Invalid {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// A refusal of one field of the input.
    pub fn invalid_field(
        code: &'static str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> PlatformError {
        PlatformError::Invalid {
            code,
            message: message.into(),
            field: Some(field.into()),
        }
    }

    /// The field at fault, when one is named.
    pub fn field(&self) -> Option<&str> {
        match self {
            PlatformError::Invalid { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// A conflict with the current state.
    pub(crate) fn conflict(code: &'static str, message: impl Into<String>) -> PlatformError {
        PlatformError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            PlatformError::NotFound(_) => "not_found",
            PlatformError::Conflict { code, .. } | PlatformError::Invalid { code, .. } => code,
            PlatformError::Store(_) => "internal",
        }
    }
}

/// The running platform.
pub struct Platform {
    store: Store,
    runtime: Runtime,
    engine: DecisionEngine<PluginBidder>,
    needs: NeedsEngine,
    households: RwLock<HashMap<String, Arc<Household>>>,
    /// PostgreSQL: the version (in the store) of each household this node
    /// holds; a household whose store version differs is read again.
    household_versions: std::sync::Mutex<HashMap<String, i64>>,
    /// This node's name in shared work (`node-` and 8 random bytes).
    node: String,
    /// What this node serves: (version, revision) by brand, as the store
    /// had it, and the store's `plugins_generation` then.
    plugins_held: std::sync::Mutex<(i64, PluginsHeld)>,
    /// Serialises changes to households' documents (decisions read
    /// snapshots and never wait on it).
    household_writes: tokio::sync::Mutex<()>,
    audit_names: Pseudonymiser,
    metrics: Metrics,
    clock: Clock,
    cycle: std::sync::Mutex<CycleState>,
    webhook_policy: webhook::WebhookPolicy,
    webhook_client: reqwest::Client,
}

/// The (version, revision) of each brand's plugin a node serves.
type PluginsHeld = HashMap<String, (i64, i64)>;

/// When the needs cycle last started and finished (wall clock).
#[derive(Debug, Default, Clone, Copy)]
struct CycleState {
    period: Option<std::time::Duration>,
    started: Option<std::time::Instant>,
    finished: Option<std::time::Instant>,
}

/// The needs cycle's health, for `/healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum CycleHealth {
    /// No periodic cycle runs on this node.
    Off,
    /// It finished within the last three periods (or has not had the
    /// time to finish its first one).
    Ok {
        /// Seconds since it last finished, if it has.
        last_finished_secs_ago: Option<u64>,
    },
    /// It has not finished for three periods: stopped or stuck.
    Stalled {
        /// Seconds since it last finished, if it ever did.
        last_finished_secs_ago: Option<u64>,
    },
}

fn secret(hex_text: &str) -> Result<[u8; 32], StoreError> {
    hex::decode(hex_text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| StoreError::Corrupt("a stored secret is not 32 bytes of hex".into()))
}

impl Platform {
    /// Opens the store at `config.db` (creating it), loads the enabled
    /// plugins and rebuilds the in-memory state.
    pub async fn open(config: PlatformConfig, clock: Clock) -> Result<Platform, PlatformError> {
        let store = Store::connect(&config.db).await?;
        let random = || hex::encode(rand::random::<[u8; 32]>());
        let pseudonyms = secret(&store.setting_or_init("pseudonym_secret", random).await?)?;
        let audit_names = secret(&store.setting_or_init("audit_secret", random).await?)?;
        let artifacts = config
            .artifact_dir
            .clone()
            .unwrap_or_else(|| match &config.db {
                Location::Sqlite(path) => path.with_extension("artifacts"),
                Location::Postgres(_) => PathBuf::from("vitrine.artifacts"),
            });
        let runtime = Runtime::build_with(
            config.limits.clone(),
            vitrine_runtime::Tuning::default(),
            Some(artifacts),
            config.compile_worker.clone(),
        )
        .map_err(|e| PlatformError::invalid("runtime", e.to_string()))?;
        let k_salt = store
            .setting_or_init("k_anonymity_salt", || {
                hex::encode(rand::random::<[u8; 16]>())
            })
            .await?;
        let k_salt: [u8; 16] = hex::decode(&k_salt)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                StoreError::Corrupt("the k-anonymity salt is not 16 bytes of hex".into())
            })?;
        let engine =
            DecisionEngine::with_k_salt(config.decision, Pseudonymiser::new(pseudonyms), k_salt);
        if let Some(policy) = store.policy().await? {
            engine
                .set_policy(policy)
                .map_err(|e| PlatformError::invalid("policy", e))?;
        }
        if let Some(bounds) = store.setting("bounds_policy").await? {
            let bounds = serde_json::from_str(&bounds).map_err(StoreError::from)?;
            engine
                .set_bounds(bounds)
                .map_err(|e| PlatformError::invalid("bounds", e))?;
        }
        let platform = Platform {
            store,
            runtime,
            engine,
            needs: NeedsEngine::default(),
            households: RwLock::new(HashMap::new()),
            household_versions: std::sync::Mutex::default(),
            node: format!("node-{}", hex::encode(rand::random::<[u8; 8]>())),
            plugins_held: std::sync::Mutex::default(),
            household_writes: tokio::sync::Mutex::new(()),
            audit_names: Pseudonymiser::new(audit_names),
            metrics: Metrics::default(),
            clock,
            cycle: std::sync::Mutex::new(CycleState::default()),
            webhook_client: webhook::client(&config.webhooks)?,
            webhook_policy: config.webhooks,
        };
        platform.restore().await?;
        Ok(platform)
    }

    async fn restore(&self) -> Result<(), PlatformError> {
        // What is enabled, as of now: a change while the plugins load makes
        // the next `sync_plugins` load it.
        let generation = self.store.plugins_generation().await?;
        let revisions = self.store.enabled_revisions().await?;
        *self.plugins_held.lock().unwrap_or_else(|p| p.into_inner()) = (
            generation,
            revisions
                .into_iter()
                .map(|(brand, version, revision)| (brand, (version, revision)))
                .collect(),
        );
        // Plugins load on every core: from the artifact cache each is a map
        // and a link, but a cold cache compiles every one of them.
        let enabled = self.store.enabled_versions().await?;
        // What another node compiled is copied from the store, not compiled
        // again; what is in no store yet is shared once loaded.
        let mut unshared = Vec::new();
        let mut missing = std::collections::HashSet::new();
        if let Some(cache) = self.runtime.cache() {
            let stored = self.store.artifact_hashes(cache.fingerprint()).await?;
            for (version, _) in &enabled {
                if !stored.contains(&version.sha256) {
                    unshared.push(version.sha256.clone());
                } else if !cache.contains(&version.sha256) {
                    missing.insert(version.sha256.clone());
                }
            }
        }
        // Batches of plugins are fetched (their artifacts read from the
        // store) by this task while the batches before them load on every
        // core: on a new node the database's reads and the mapping overlap.
        const BATCH: usize = 64;
        let lanes = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (ready, batches) = tokio::sync::mpsc::channel::<Vec<_>>(lanes);
        let batches = Arc::new(tokio::sync::Mutex::new(batches));
        let loaders: Vec<_> = (0..lanes)
            .map(|_| {
                let batches = batches.clone();
                let runtime = self.runtime.clone();
                let store = self.store.clone();
                tokio::spawn(async move {
                    let mut loaded = Vec::new();
                    loop {
                        let Some(batch) = batches.lock().await.recv().await else {
                            break;
                        };
                        // From the artifact, by the stored hash: the
                        // component is neither read nor hashed.
                        let lane = runtime.clone();
                        let done = tokio::task::spawn_blocking(move || {
                            batch
                                .into_iter()
                                .map(|(version, catalog): (PluginVersion, String)| {
                                    let plugin = load_cached(&lane, &version, catalog.as_bytes());
                                    (version, plugin)
                                })
                                .collect::<Vec<_>>()
                        })
                        .await
                        .map_err(|e| e.to_string())?;
                        // What has no artifact anywhere is compiled from its
                        // bytes (and shared once loaded).
                        for (version, plugin) in done {
                            let plugin = match plugin {
                                Some(plugin) => plugin,
                                None => load_stored(&store, &runtime, &version).await,
                            };
                            loaded.push((version, plugin));
                        }
                    }
                    Ok::<_, String>(loaded)
                })
            })
            .collect();
        // Two fetchers take alternate batches, so that the database reads
        // with two backends while this node maps and links.
        let mut fetchers: Vec<Vec<Vec<_>>> = vec![Vec::new(), Vec::new()];
        let mut rest = enabled;
        let mut turn = 0;
        while !rest.is_empty() {
            let tail = rest.split_off(BATCH.min(rest.len()));
            fetchers[turn % 2].push(std::mem::replace(&mut rest, tail));
            turn += 1;
        }
        let missing = Arc::new(missing);
        let fetchers: Vec<_> = fetchers
            .into_iter()
            .map(|batches| {
                let store = self.store.clone();
                let cache = self.runtime.cache().cloned();
                let missing = missing.clone();
                let ready = ready.clone();
                tokio::spawn(async move {
                    for batch in batches {
                        if let Some(cache) = &cache {
                            fetch_artifacts(&store, cache, &missing, &batch).await;
                        }
                        if ready.send(batch).await.is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(ready);
        for fetcher in fetchers {
            let _ = fetcher.await;
        }
        for lane in loaders {
            let loaded = lane
                .await
                .map_err(|e| e.to_string())
                .and_then(|done| done)
                .map_err(|e| PlatformError::invalid("load_panicked", e))?;
            for (version, plugin) in loaded {
                match plugin {
                    Ok(plugin) => {
                        if !plugin.compile_stats().cached && !unshared.contains(&version.sha256) {
                            unshared.push(version.sha256.clone());
                        }
                        self.engine
                            .register(&version.brand, PluginBidder::new(plugin));
                    }
                    Err(e) => tracing::error!(
                        brand = %version.brand, version = version.version, error = %e,
                        "a stored plugin no longer loads; the brand is left out of auctions"
                    ),
                }
            }
        }
        if !unshared.is_empty() {
            self.share_artifacts(&unshared).await;
        }
        // Versions first: a household changed between the two reads is
        // held with an older version than its document, so read again.
        if self.store.backend() == Backend::Postgres {
            *self
                .household_versions
                .lock()
                .unwrap_or_else(|p| p.into_inner()) =
                self.store.household_versions().await?.into_iter().collect();
        }
        let stored = self.store.households().await?;
        self.households
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .extend(stored.into_iter().map(|h| (h.id.0.clone(), Arc::new(h))));
        self.sync_k_anonymity().await?;
        let today = self.now().day();
        // Only what the book holds: live orders and settled ones from the
        // last `SETTLED_ORDERS_KEPT_DAYS` (no mandate looks further back),
        // plus the brands each household ever bought from. Start-up follows
        // what is live, not the history.
        let since = today
            .plus(-vitrine_core::mandate::SETTLED_ORDERS_KEPT_DAYS)
            .start();
        for order in self.store.book_orders(since).await? {
            self.engine.orders().restore(order, today);
        }
        for (household, brand) in self.store.household_brands().await? {
            self.engine
                .orders()
                .remember_brands(&HouseholdId(household), [brand]);
        }
        Ok(())
    }

    /// Loads a plugin off the async threads (compiling is CPU work). Its
    /// compiled artifact comes from the store when a node already compiled
    /// it; when this node compiles it, the artifact goes to the store for
    /// the others.
    async fn load_blocking(
        &self,
        wasm: Vec<u8>,
        catalog: Vec<u8>,
        limits: vitrine_runtime::PluginLimits,
    ) -> Result<vitrine_runtime::Plugin, PlatformError> {
        let sha256 = vitrine_runtime::sha256_hex(&wasm);
        let shared = self.fetch_artifact(&sha256).await;
        let runtime = self.runtime.clone();
        let plugin = tokio::task::spawn_blocking(move || load(&runtime, &wasm, &catalog, &limits))
            .await
            .map_err(|e| PlatformError::invalid("load_panicked", e.to_string()))??;
        // Compiled here: the store had none, or one this node could not
        // load (discarded from the cache, and replaced in the store now).
        if !shared || !plugin.compile_stats().cached {
            self.share_artifacts(std::slice::from_ref(&sha256)).await;
        }
        Ok(plugin)
    }

    /// Makes sure the artifact cache has `sha256`'s compiled artifact when
    /// the store has one (copying it from there). Returns whether the store
    /// has it. A store that fails is logged: the plugin is then compiled.
    async fn fetch_artifact(&self, sha256: &str) -> bool {
        let Some(cache) = self.runtime.cache() else {
            return false;
        };
        let fetched = if cache.contains(sha256) {
            self.store.has_artifact(sha256, cache.fingerprint()).await
        } else {
            self.import_artifact(sha256).await
        };
        fetched.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not read a compiled plugin from the store");
            false
        })
    }

    /// Copies `sha256`'s artifact from the store into the cache; whether
    /// the store had one.
    async fn import_artifact(&self, sha256: &str) -> Result<bool, StoreError> {
        let Some(cache) = self.runtime.cache() else {
            return Ok(false);
        };
        Ok(
            match self.store.artifact(sha256, cache.fingerprint()).await? {
                Some(bytes) => {
                    cache.import(sha256, &bytes);
                    true
                }
                None => false,
            },
        )
    }

    /// Puts the cached artifacts of `sha256s` in the store, for the other
    /// nodes. Failures are logged: sharing only ever saves another node's
    /// time.
    async fn share_artifacts(&self, sha256s: &[String]) {
        let Some(cache) = self.runtime.cache() else {
            return;
        };
        let shared = async {
            let now = self.now();
            let mut tx = self.store.begin().await?;
            for sha256 in sha256s {
                if let Some(bytes) = cache.read(sha256) {
                    tx.put_artifact(sha256, cache.fingerprint(), &bytes, now)
                        .await?;
                }
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = shared {
            tracing::warn!(error = %e, "could not share compiled plugins through the store");
        }
    }

    /// Makes sure `token` is an operator token (the first operator token
    /// comes from `VITRINE_OPERATOR_TOKEN`). Returns a new token when none
    /// was given and no operator token exists yet (shown once).
    pub async fn ensure_operator_token(
        &self,
        token: Option<&str>,
    ) -> Result<Option<String>, PlatformError> {
        let now = self.now();
        let (token, fresh) = match token {
            Some(t) if t.len() < 16 => {
                return Err(PlatformError::invalid(
                    "weak_token",
                    "VITRINE_OPERATOR_TOKEN must be at least 16 characters",
                ));
            }
            Some(t) if self.store.is_revoked(t).await? => {
                return Err(PlatformError::invalid(
                    "revoked_token",
                    "this VITRINE_OPERATOR_TOKEN was revoked; set a new one (it is added as an operator token at start)",
                ));
            }
            Some(t) => (t.to_owned(), false),
            None if self.store.has_operator_token().await? => return Ok(None),
            None => (new_token(), true),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_token(&token, &Principal::Operator, now).await?;
        tx.commit().await?;
        Ok(fresh.then_some(token))
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The decision core.
    pub fn engine(&self) -> &DecisionEngine<PluginBidder> {
        &self.engine
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Now, by the platform's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Who `token` speaks for.
    pub async fn principal(&self, token: &str) -> Result<Option<Principal>, PlatformError> {
        Ok(self.store.principal(token).await?)
    }

    /// How a household is named in the audit log.
    fn audit_name(&self, household: &HouseholdId) -> String {
        format!(
            "household:{}",
            self.audit_names.pseudonym("audit", household)
        )
    }

    /// How a principal is named in the audit log.
    fn actor(&self, principal: &Principal) -> String {
        match principal {
            Principal::Operator => "operator".into(),
            Principal::Brand(b) => format!("brand:{b}"),
            Principal::Household(h) => self.audit_name(&HouseholdId(h.clone())),
        }
    }

    /// A household's current snapshot.
    pub fn household(&self, id: &str) -> Result<Arc<Household>, PlatformError> {
        self.households
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
            .ok_or_else(|| PlatformError::NotFound(format!("household {id}")))
    }

    /// Serves what the store says is enabled, when it changed since this
    /// node last looked (another node uploaded, enabled, disabled or rolled
    /// back a version, or changed its limits or catalog): each changed
    /// brand's version is loaded (its compiled artifact comes from the
    /// store: nothing is compiled) and swapped in, each brand no longer
    /// enabled leaves the auctions. One small read when nothing changed.
    /// Returns how many brands changed.
    pub async fn sync_plugins(&self) -> Result<usize, PlatformError> {
        let generation = self.store.plugins_generation().await?;
        let held = {
            let held = self.plugins_held.lock().unwrap_or_else(|p| p.into_inner());
            if held.0 == generation {
                return Ok(0);
            }
            held.1.clone()
        };
        let wanted: HashMap<String, (i64, i64)> = self
            .store
            .enabled_revisions()
            .await?
            .into_iter()
            .map(|(brand, version, revision)| (brand, (version, revision)))
            .collect();
        let mut now_held = HashMap::new();
        let mut changed = 0;
        for (brand, key) in &wanted {
            if held.get(brand) == Some(key) {
                now_held.insert(brand.clone(), *key);
                continue;
            }
            let Some((record, wasm, catalog)) = self.store.version_bytes(brand, key.0).await?
            else {
                continue;
            };
            match self
                .load_blocking(wasm, catalog.into_bytes(), record.limits)
                .await
            {
                Ok(plugin) => {
                    self.engine.register(brand, PluginBidder::new(plugin));
                    now_held.insert(brand.clone(), *key);
                    changed += 1;
                }
                Err(e) => tracing::error!(
                    brand = %brand, version = key.0, error = %e,
                    "an enabled plugin does not load on this node; the brand is left out of its auctions"
                ),
            }
        }
        for brand in held.keys().filter(|b| !wanted.contains_key(*b)) {
            self.engine.unregister(brand);
            changed += 1;
        }
        *self.plugins_held.lock().unwrap_or_else(|p| p.into_inner()) = (generation, now_held);
        Ok(changed)
    }

    /// Counts, in this node's k-anonymity registry, the sightings in the
    /// store within the window: at start, and on PostgreSQL at every needs
    /// cycle, so a node also counts the households other nodes decided for
    /// (between two syncs it counts fewer, and shares less, never more).
    pub async fn sync_k_anonymity(&self) -> Result<usize, PlatformError> {
        let today = self.now().day();
        let registry = self.engine.k_anonymity();
        let sightings = self
            .store
            .k_sightings_since(today.plus(-registry.window_days()))
            .await?;
        let seen = sightings.len();
        for (key, hash, day) in sightings {
            registry.observe(&key, &hash, day);
        }
        Ok(seen)
    }

    /// Shares plugin suspensions between the nodes on one database: a
    /// plugin this node suspended (it failed call after call here) is
    /// recorded in the store, and one another node suspended is suspended
    /// here too, until the same moment, then probed as usual. Run every
    /// second with the plugin watch on PostgreSQL. Returns how many
    /// suspensions this node took from others.
    pub async fn sync_suspensions(&self) -> Result<usize, PlatformError> {
        let now_ms = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis(),
        )
        .unwrap_or(i64::MAX);
        let bidders = self.engine.bidders();
        for entrant in &bidders {
            let plugin = &entrant.bidder.plugin;
            let health = plugin.health_status();
            if health.suspended && health.retry_in_ms > 0 {
                self.store
                    .record_suspension(&vitrine_store::brands::Suspension {
                        brand: entrant.brand.clone(),
                        sha256: plugin.sha256().to_owned(),
                        until_ms: now_ms
                            .saturating_add(i64::try_from(health.retry_in_ms).unwrap_or(i64::MAX)),
                        failures: i64::from(health.failures_in_a_row),
                    })
                    .await?;
            }
        }
        let mut taken = 0;
        for suspension in self.store.suspensions(now_ms).await? {
            let Some(entrant) = bidders.iter().find(|e| {
                e.brand == suspension.brand && e.bidder.plugin.sha256() == suspension.sha256
            }) else {
                continue;
            };
            let plugin = &entrant.bidder.plugin;
            if !plugin.health_status().suspended {
                let left = u64::try_from(suspension.until_ms - now_ms).unwrap_or(0);
                plugin.suspend_for(
                    std::time::Duration::from_millis(left),
                    u32::try_from(suspension.failures).unwrap_or(u32::MAX),
                );
                taken += 1;
            }
        }
        Ok(taken)
    }

    /// Holds household `id`'s lock across every node on the database until
    /// the lock is released, and brings this node's copy of the household
    /// and its orders up to date with the store (PostgreSQL: another node
    /// may have changed them). Every change to a household's orders,
    /// budgets or profile happens under it, so two nodes never spend one
    /// budget twice. On SQLite there is one node: nothing to do.
    pub(crate) async fn lock_household(&self, id: &str) -> Result<StoreLock, PlatformError> {
        let lock = self.store.lock(&format!("household:{id}")).await?;
        if self.store.backend() == Backend::Postgres {
            self.sync_household(id).await?;
            let today = self.now().day();
            let since = today
                .plus(-vitrine_core::mandate::SETTLED_ORDERS_KEPT_DAYS)
                .start();
            let (orders, brands) = self.store.household_book(id, since).await?;
            let household = HouseholdId(id.to_owned());
            let book = self.engine.orders();
            book.forget(&household);
            for order in orders {
                book.restore(order, today);
            }
            book.remember_brands(&household, brands);
        }
        Ok(lock)
    }

    /// PostgreSQL: reads household `id` again when the store holds another
    /// version than this node (another node changed it, created it or
    /// erased it). One indexed read when nothing changed. The API calls it
    /// before every route about a household; on SQLite it does nothing.
    pub async fn sync_household(&self, id: &str) -> Result<(), PlatformError> {
        if self.store.backend() != Backend::Postgres {
            return Ok(());
        }
        let held = self
            .household_versions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .copied();
        let stored = self.store.household_version(id).await?;
        if stored.is_some() && stored == held {
            return Ok(());
        }
        match self.store.household(id).await? {
            Some((household, version)) => {
                self.households
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(id.to_owned(), Arc::new(household));
                self.household_versions
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(id.to_owned(), version);
            }
            None => {
                self.households
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(id);
                self.household_versions
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(id);
                self.engine.orders().forget(&HouseholdId(id.to_owned()));
            }
        }
        Ok(())
    }

    /// This node changed household `id` in the store: its version there
    /// moved, so the next [`Platform::sync_household`] reads it again.
    pub(crate) fn household_changed(&self, id: &str) {
        self.household_versions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }

    /// Every household's id.
    pub(crate) fn household_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .households
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .keys()
            .cloned()
            .collect();
        ids.sort();
        ids
    }

    /// Declares that the needs cycle runs every `period` (for `/healthz`).
    pub fn set_cycle_period(&self, period: Option<std::time::Duration>) {
        let mut cycle = self.cycle.lock().unwrap_or_else(|p| p.into_inner());
        cycle.period = period;
        cycle.started = period.map(|_| std::time::Instant::now());
    }

    fn cycle_started(&self) {
        self.cycle.lock().unwrap_or_else(|p| p.into_inner()).started =
            Some(std::time::Instant::now());
    }

    fn cycle_finished(&self) {
        self.cycle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .finished = Some(std::time::Instant::now());
    }

    /// Whether the needs cycle keeps running: stalled when it has not
    /// finished for three of its periods.
    pub(crate) fn cycle_health(&self) -> CycleHealth {
        let cycle = *self.cycle.lock().unwrap_or_else(|p| p.into_inner());
        let Some(period) = cycle.period else {
            return CycleHealth::Off;
        };
        let since = |t: Option<std::time::Instant>| t.map(|t| t.elapsed());
        let last_finished_secs_ago = since(cycle.finished).map(|d| d.as_secs());
        let reference = cycle.finished.or(cycle.started);
        match reference {
            Some(t) if t.elapsed() > period * 3 => CycleHealth::Stalled {
                last_finished_secs_ago,
            },
            _ => CycleHealth::Ok {
                last_finished_secs_ago,
            },
        }
    }

    /// Closes the store.
    pub async fn close(&self) {
        self.store.close().await;
    }
}

/// Whether `id` is a usable identifier: 1 to 64 of `a-z`, `0-9`, `-`, `_`.
pub(crate) fn is_identifier(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Loads a plugin under `limits` (runtime limits tightened).
fn load(
    runtime: &Runtime,
    wasm: &[u8],
    catalog: &[u8],
    limits: &vitrine_runtime::PluginLimits,
) -> Result<vitrine_runtime::Plugin, PlatformError> {
    let catalog = runtime
        .parse_catalog(catalog)
        .map_err(|e| PlatformError::invalid(e.code(), e.to_string()))?;
    limited(runtime.load(wasm, catalog), limits)
}

/// A loaded plugin under its operator's `limits`, or why it did not load.
fn limited(
    loaded: Result<vitrine_runtime::Plugin, LoadError>,
    limits: &vitrine_runtime::PluginLimits,
) -> Result<vitrine_runtime::Plugin, PlatformError> {
    loaded
        .map_err(|e| PlatformError::invalid(e.code(), e.to_string()))?
        .with_limits(limits)
        .map_err(|e| PlatformError::invalid("limits", e.to_string()))
}

/// Loads an accepted version from its compiled artifact in the cache, by
/// the hash the store recorded at upload, under its limits; `None` when the
/// cache has no artifact for it.
fn load_cached(
    runtime: &Runtime,
    version: &PluginVersion,
    catalog: &[u8],
) -> Option<Result<vitrine_runtime::Plugin, PlatformError>> {
    let catalog = match runtime.parse_catalog(catalog) {
        Ok(catalog) => catalog,
        Err(e) => return Some(Err(PlatformError::invalid(e.code(), e.to_string()))),
    };
    let size = usize::try_from(version.size_bytes).unwrap_or(usize::MAX);
    let loaded = runtime.load_cached(&version.sha256, size, catalog)?;
    Some(limited(loaded, &version.limits))
}

/// Loads a version from its bytes in the store (compiling it when no
/// artifact is cached), off the async threads.
async fn load_stored(
    store: &Store,
    runtime: &Runtime,
    version: &PluginVersion,
) -> Result<vitrine_runtime::Plugin, PlatformError> {
    let (record, wasm, catalog) = store
        .version_bytes(&version.brand, version.version)
        .await?
        .ok_or_else(|| {
            PlatformError::NotFound(format!("{} version {}", version.brand, version.version))
        })?;
    let runtime = runtime.clone();
    tokio::task::spawn_blocking(move || load(&runtime, &wasm, catalog.as_bytes(), &record.limits))
        .await
        .map_err(|e| PlatformError::invalid("load_panicked", e.to_string()))?
}

/// Copies into `cache` the artifacts the store holds for the versions of
/// `batch` whose hash is in `missing`. Failures are logged: the plugin is
/// then compiled, which only costs time.
async fn fetch_artifacts(
    store: &Store,
    cache: &vitrine_runtime::ArtifactCache,
    missing: &std::collections::HashSet<String>,
    batch: &[(PluginVersion, String)],
) {
    let wanted: Vec<String> = batch
        .iter()
        .filter(|(version, _)| missing.contains(&version.sha256))
        .map(|(version, _)| version.sha256.clone())
        .collect();
    if wanted.is_empty() {
        return;
    }
    match store.artifacts(cache.fingerprint(), &wanted).await {
        Ok(found) => {
            for (sha256, bytes) in found {
                cache.import(&sha256, &bytes);
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not read compiled plugins from the store"),
    }
}

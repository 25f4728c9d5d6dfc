//! The service under load: `POST /v1/households/{id}/decisions` over
//! loopback HTTP with 20 registered brands, each request a new need, the
//! decision stored with its order, ledger entry and audit entry before the
//! answer. The server runs on its own runtime; the load generator (reqwest,
//! keep-alive connections, a closed loop per connection) on another, in
//! the same process, sharing the machine's cores as a separate process
//! would.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::Serialize;
use serde_json::json;

use super::Stats;
use vitrine_core::mandate::{Budget, Mandate, Period};
use vitrine_service::api::{ApiConfig, serve};
use vitrine_service::platform::{Clock, Platform, PlatformConfig, Upload};
use vitrine_sim::samples::SAMPLES;
use vitrine_sim::scenario::{demo_start, family};
use vitrine_types::time::Timestamp;

/// The load's shape.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct HttpBench {
    /// Registered brands (the samples, repeated under distinct ids).
    pub brands: usize,
    /// Households the requests spread over.
    pub households: usize,
    /// Concurrent keep-alive connections, each a closed loop.
    pub connections: usize,
    /// Measured seconds (after one second of warm-up).
    pub seconds: u64,
    /// Nodes serving the load (more than one: on PostgreSQL), each a
    /// platform of its own in this process on its own port, sharing the
    /// database; connection `c` goes to node `c % nodes`.
    pub nodes: usize,
}

/// What the load measured.
#[derive(Debug, Clone, Serialize)]
pub struct HttpReport {
    /// The shape.
    pub config: HttpBench,
    /// Decisions answered 201 per second.
    pub decisions_per_second: f64,
    /// Latency of the answered decisions, as the client saw it.
    pub latency: Stats,
    /// Answers other than 201.
    pub errors: u64,
    /// Brands asked per decision, on average (eligible by category).
    pub brands_asked_mean: f64,
    /// Decisions that placed or asked for an order.
    pub orders: u64,
    /// The database: `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Decisions answered 201 per second by each node.
    pub per_node: Vec<f64>,
}

/// What the load generator reads of an answer (the rest is skipped, not
/// built into a tree).
#[derive(serde::Deserialize)]
struct Answer {
    requests: Vec<serde::de::IgnoredAny>,
    placement: AnswerPlacement,
}

#[derive(serde::Deserialize)]
struct AnswerPlacement {
    order: Option<serde::de::IgnoredAny>,
}

/// The categories the needs rotate through (every sample is eligible for
/// one of them).
const CATEGORIES: &[(&str, &str, u32)] = &[
    ("food/dairy/milk", "millilitre", 1_000),
    ("food/dairy/yogurt", "piece", 8),
    ("food/bakery/bread", "piece", 1),
    ("school/supplies/primary", "piece", 1),
];

/// A brand to register: id, component, catalog.
pub(super) type BrandUpload<'a> = (String, &'a [u8], &'a str);

/// The service running on its own runtime over a temporary database, with
/// brands registered and households created.
pub(super) struct Served {
    pub(super) platform: Arc<Platform>,
    /// Each household's token; household `i` is `hh-i`.
    pub(super) tokens: Vec<String>,
    pub(super) addr: std::net::SocketAddr,
    /// More nodes on the same database: each platform, its address, and
    /// what stops its server.
    extra: Vec<(
        Arc<Platform>,
        std::net::SocketAddr,
        tokio::sync::oneshot::Sender<()>,
    )>,
    /// Brands whose upload was refused, with the reason.
    pub(super) refused: Vec<(String, String)>,
    stop: tokio::sync::oneshot::Sender<()>,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

/// The day the load's needs are raised on.
pub(super) fn load_day() -> vitrine_types::time::Day {
    demo_start().plus(14)
}

/// Starts the service with `brands` (a refused upload is recorded, not
/// fatal) and `households` households, each with a generous mandate so
/// that most decisions place an order.
pub(super) fn start_service(
    brands: &[BrandUpload<'_>],
    households: usize,
    limits: vitrine_runtime::Limits,
    db: Option<&vitrine_store::Location>,
) -> anyhow::Result<Served> {
    let dir = tempfile::tempdir()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("server")
        .build()?;
    let db = db
        .cloned()
        .unwrap_or_else(|| dir.path().join("bench.db").into());
    let (platform, tokens, addr, stop, refused) = runtime.block_on(async {
        // Serving from the start: nothing is asked before the brands and
        // households below exist.
        let (platform, addr, stop) =
            node_on(&db, dir.path().join("bench.artifacts"), limits).await?;
        let mut refused = Vec::new();
        for (id, wasm, catalog) in brands {
            platform.create_brand(id, id).await?;
            let upload = Upload {
                wasm,
                catalog_json: Some(catalog),
                enable: true,
            };
            if let Err(e) = platform.upload_plugin(id, upload).await {
                refused.push((id.clone(), e.to_string()));
            }
        }
        let mut tokens = Vec::new();
        for h in 0..households {
            let mut resident = family(&format!("hh-{h}"), h as u64);
            let mut mandate = Mandate::new("everything", &["food", "school"]);
            mandate.budgets = vec![Budget {
                period: Period::Week,
                limit_minor: vitrine_types::MAX_MONEY_MINOR,
            }];
            mandate.new_brand_asks = false;
            resident.household.mandates = vec![mandate];
            tokens.push(platform.create_household(resident.household).await?.token);
        }
        anyhow::Ok((platform, tokens, addr, stop, refused))
    })?;
    Ok(Served {
        platform,
        tokens,
        addr,
        extra: Vec::new(),
        refused,
        stop,
        runtime,
        _dir: dir,
    })
}

/// A platform serving the API on a port of its own, on `db`.
async fn node_on(
    db: &vitrine_store::Location,
    artifacts: std::path::PathBuf,
    limits: vitrine_runtime::Limits,
) -> anyhow::Result<(
    Arc<Platform>,
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
)> {
    let platform = Arc::new(
        Platform::open(
            PlatformConfig {
                db: db.clone(),
                artifact_dir: Some(artifacts),
                limits,
                ..PlatformConfig::default()
            },
            Clock::manual(Timestamp::at(load_day(), 21)),
        )
        .await?,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = platform.clone();
    tokio::spawn(async move {
        let _ = serve(served, listener, ApiConfig::default(), None, async {
            let _ = stopped.await;
        })
        .await;
    });
    Ok((platform, addr, stop))
}

impl Served {
    /// Stops the server and closes the database.
    pub(super) fn stop(self) {
        let _ = self.stop.send(());
        self.runtime.block_on(self.platform.close());
        for (platform, _, stop) in self.extra {
            let _ = stop.send(());
            self.runtime.block_on(platform.close());
        }
    }

    /// Every node's address, the first one's first.
    fn addrs(&self) -> Vec<std::net::SocketAddr> {
        std::iter::once(self.addr)
            .chain(self.extra.iter().map(|(_, addr, _)| *addr))
            .collect()
    }
}

/// The body of decision `n` for household `h`: a new need, its category
/// rotating over [`CATEGORIES`].
pub(super) fn need_body(n: u64, h: usize) -> serde_json::Value {
    let today = load_day();
    let (category, unit, amount) = CATEGORIES[n as usize % CATEGORIES.len()];
    let day = today.0;
    json!({"need": {
        "id": format!("need-load-{n}"), "household": format!("hh-{h}"),
        "kind": "seasonal", "category": category,
        "quantity": {"amount": amount, "unit": unit},
        "earliest_day": day + 1, "latest_day": day + 6,
        "raised_at": Timestamp::at(today, 21).0,
        "reason": {"kind": "seasonal", "rule": "load", "description": "load", "child": null, "event_day": day + 2}
    }})
}

/// Runs the load on a temporary SQLite database and returns the
/// measurements.
pub fn http_bench(config: HttpBench) -> anyhow::Result<HttpReport> {
    http_bench_on(config, None)
}

/// Runs the load on `db` (an empty database: the brands and households
/// are created in it), or a temporary SQLite database.
pub fn http_bench_on(
    config: HttpBench,
    db: Option<&vitrine_store::Location>,
) -> anyhow::Result<HttpReport> {
    let brands: Vec<BrandUpload<'_>> = (0..config.brands)
        .map(|i| {
            let sample = &SAMPLES[i % SAMPLES.len()];
            (
                format!("{}-{i}", sample.name),
                sample.wasm,
                sample.catalog_json,
            )
        })
        .collect();
    let mut served = start_service(&brands, config.households, Default::default(), db)?;
    let backend = db.map_or("sqlite", |d| d.backend().as_str());
    if config.nodes > 1 {
        let db = db
            .filter(|d| d.backend() == vitrine_store::Backend::Postgres)
            .context("more than one node needs a PostgreSQL --db")?;
        for n in 1..config.nodes {
            let artifacts = served._dir.path().join(format!("node-{n}.artifacts"));
            let node = served
                .runtime
                .block_on(node_on(db, artifacts, Default::default()))?;
            served.extra.push(node);
        }
    }
    let addrs = served.addrs();
    anyhow::ensure!(
        served.refused.is_empty(),
        "samples refused: {:?}",
        served.refused
    );
    let tokens = served.tokens.clone();
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(1)
        .thread_name("load")
        .build()?;
    let counter = Arc::new(AtomicU64::new(0));
    let report = client_rt.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(config.connections)
            .build()?;
        let warmup_until = Instant::now() + Duration::from_secs(1);
        let end = warmup_until + Duration::from_secs(config.seconds);
        let mut tasks = Vec::new();
        for c in 0..config.connections {
            let client = client.clone();
            let node = c % addrs.len();
            let base = format!("http://{}", addrs[node]);
            let tokens = tokens.clone();
            let counter = counter.clone();
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let (mut errors, mut asked, mut orders) = (0u64, 0u64, 0u64);
                while Instant::now() < end {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let h = (n as usize + c) % tokens.len();
                    let body = need_body(n, h);
                    let started = Instant::now();
                    let response = client
                        .post(format!("{base}/v1/households/hh-{h}/decisions"))
                        .bearer_auth(&tokens[h])
                        .json(&body)
                        .send()
                        .await;
                    let answer = match response {
                        Ok(r) if r.status().as_u16() == 201 => r.json::<Answer>().await.ok(),
                        _ => None,
                    };
                    let elapsed = started.elapsed();
                    if started >= warmup_until {
                        if let Some(answer) = answer {
                            asked += answer.requests.len() as u64;
                            orders += u64::from(answer.placement.order.is_some());
                            latencies.push(elapsed);
                        } else {
                            errors += 1;
                        }
                    }
                }
                (node, latencies, errors, asked, orders)
            }));
        }
        let mut latencies = Vec::new();
        let mut per_node = vec![0.0; addrs.len()];
        let (mut errors, mut asked, mut orders) = (0, 0, 0);
        for task in tasks {
            let (node, l, e, a, o) = task.await.context("a load task failed")?;
            per_node[node] += l.len() as f64 / config.seconds as f64;
            latencies.extend(l);
            errors += e;
            asked += a;
            orders += o;
        }
        anyhow::ensure!(!latencies.is_empty(), "no decision was answered");
        let answered = latencies.len();
        Ok(HttpReport {
            config,
            decisions_per_second: answered as f64 / config.seconds as f64,
            latency: Stats::of(&mut latencies),
            errors,
            brands_asked_mean: asked as f64 / answered.max(1) as f64,
            orders,
            backend,
            per_node,
        })
    });
    served.stop();
    report
}

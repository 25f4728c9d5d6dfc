//! The console's pages under load: every page of the household, the brand
//! and the operator fetched over loopback HTTP with its session cookie, as
//! a browser would, by concurrent keep-alive connections, over the HTTP
//! benchmark's households (each with orders already decided). A page reads
//! the store and the platform's memory; it never calls a plugin, so its
//! time does not depend on the brands.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::Stats;
use super::http::{BrandUpload, need_body, start_service};
use vitrine_sim::samples::SAMPLES;
use vitrine_store::tokens::Principal;

/// The load's shape.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PagesBench {
    /// Households (the pages of a household are fetched for households
    /// picked in turn).
    pub households: usize,
    /// Decisions made for each household before measuring (its orders).
    pub decisions_per_household: usize,
    /// Concurrent keep-alive connections.
    pub connections: usize,
    /// Seconds measured per page.
    pub seconds: u64,
}

/// Paths to fetch, each with the session token to send.
type Targets = Vec<(String, String)>;

/// One page's measurements.
#[derive(Debug, Clone, Serialize)]
pub struct PageRow {
    /// The page (`/household`, ...), and whose.
    pub page: String,
    /// Pages answered 200 per second.
    pub per_second: f64,
    /// Time to the whole page, as the client saw it.
    pub latency: Stats,
    /// Answers other than 200.
    pub errors: u64,
    /// The page's size.
    pub bytes: usize,
}

/// What the run measured.
#[derive(Debug, Clone, Serialize)]
pub struct PagesReport {
    /// The shape.
    pub config: PagesBench,
    /// One row per page.
    pub rows: Vec<PageRow>,
}

/// Runs the benchmark.
pub fn pages_bench(config: PagesBench) -> anyhow::Result<PagesReport> {
    let brands: Vec<BrandUpload<'_>> = SAMPLES
        .iter()
        .map(|s| (s.name.to_owned(), s.wasm, s.catalog_json))
        .collect();
    let served = start_service(
        &brands,
        config.households,
        vitrine_runtime::Limits::default(),
        None,
    )?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(config.connections)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let base = format!("http://{}", served.addr);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let platform = served.platform.clone();
    // Eight tokens per connection for the brand and the operator: the
    // rate limit is per token (100 requests a second, as the API's), and a
    // browser is one person, not sixteen closed loops; with one token the
    // limit, not the page, would be measured.
    let (brands, operators, orders) = runtime.block_on(async {
        // Each household's orders: decided over the API, as in `http`.
        let mut n = 0;
        let mut orders = Vec::new();
        for (h, token) in served.tokens.iter().enumerate() {
            for _ in 0..config.decisions_per_household {
                let answer: serde_json::Value = client
                    .post(format!("{base}/v1/households/hh-{h}/decisions"))
                    .bearer_auth(token)
                    .json(&need_body(n, h))
                    .send()
                    .await?
                    .json()
                    .await?;
                n += 1;
                if let Some(order) = answer["placement"]["order"]["id"].as_str() {
                    orders.push((format!("/household/orders/{order}"), token.clone()));
                }
            }
        }
        let mut brands = Vec::new();
        let mut operators = Vec::new();
        for _ in 0..config.connections * 8 {
            brands.push(
                platform
                    .issue_token(&Principal::Brand(SAMPLES[0].name.to_owned()))
                    .await?
                    .token,
            );
            operators.push(platform.issue_token(&Principal::Operator).await?.token);
        }
        anyhow::Ok((brands, operators, orders))
    })?;
    let every = |path: &str, tokens: &[String]| -> Vec<(String, String)> {
        tokens
            .iter()
            .map(|t| (path.to_owned(), t.clone()))
            .collect()
    };
    let mut pages: Vec<(&str, &str, Targets)> = vec![
        (
            "/household",
            "household",
            every("/household", &served.tokens),
        ),
        (
            "/household/budgets",
            "household",
            every("/household/budgets", &served.tokens),
        ),
        (
            "/household/pantry",
            "household",
            every("/household/pantry", &served.tokens),
        ),
        (
            "/household/control",
            "household",
            every("/household/control", &served.tokens),
        ),
    ];
    if !orders.is_empty() {
        pages.push(("/household/orders/{order}", "household", orders));
    }
    pages.push(("/brand", "brand", every("/brand", &brands)));
    pages.push(("/brand/orders", "brand", every("/brand/orders", &brands)));
    pages.push(("/operator", "operator", every("/operator", &operators)));
    pages.push((
        "/operator/policy",
        "operator",
        every("/operator/policy", &operators),
    ));
    let mut rows = Vec::new();
    for (page, who, targets) in pages {
        rows.push(runtime.block_on(measure(&client, &base, page, who, targets, config))?);
    }
    drop(runtime);
    served.stop();
    Ok(PagesReport { config, rows })
}

/// Fetches each of `targets` (a path and the session token to send) in
/// turn, from `connections` closed loops, for `seconds`.
async fn measure(
    client: &reqwest::Client,
    base: &str,
    page: &str,
    who: &str,
    targets: Targets,
    config: PagesBench,
) -> anyhow::Result<PageRow> {
    let errors = Arc::new(AtomicU64::new(0));
    let bytes = Arc::new(AtomicU64::new(0));
    let next = Arc::new(AtomicU64::new(0));
    let targets: Arc<Vec<(String, String)>> = Arc::new(
        targets
            .into_iter()
            .map(|(path, token)| (format!("{base}{path}"), token))
            .collect(),
    );
    // One second of warm-up, then the measured window.
    let warm_until = Instant::now() + Duration::from_secs(1);
    let until = warm_until + Duration::from_secs(config.seconds);
    let mut loops = Vec::new();
    for _ in 0..config.connections {
        let (client, errors, bytes, next, targets) = (
            client.clone(),
            errors.clone(),
            bytes.clone(),
            next.clone(),
            targets.clone(),
        );
        loops.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < until {
                let i = next.fetch_add(1, Ordering::Relaxed) as usize % targets.len();
                let (url, token) = &targets[i];
                let started = Instant::now();
                let answer = client
                    .get(url)
                    .header("cookie", format!("vitrine_session={token}"))
                    .send()
                    .await;
                let ok = match answer {
                    Ok(r) if r.status() == 200 => match r.bytes().await {
                        Ok(body) => {
                            bytes.store(body.len() as u64, Ordering::Relaxed);
                            true
                        }
                        Err(_) => false,
                    },
                    _ => false,
                };
                if started < warm_until {
                    continue;
                }
                if ok {
                    samples.push(started.elapsed());
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for l in loops {
        samples.extend(l.await?);
    }
    anyhow::ensure!(!samples.is_empty(), "{page}: no page was answered");
    let per_second = samples.len() as f64 / config.seconds as f64;
    Ok(PageRow {
        page: format!("{page} ({who})"),
        per_second,
        latency: Stats::of(&mut samples),
        errors: errors.load(Ordering::Relaxed),
        bytes: bytes.load(Ordering::Relaxed) as usize,
    })
}

/// The report as a table.
pub fn print_pages(report: &PagesReport) {
    let c = &report.config;
    println!(
        "Console pages over loopback: {} households ({} decisions each), {} connections, {} s per page",
        c.households, c.decisions_per_household, c.connections, c.seconds
    );
    println!(
        "  {:<44} {:>9} {:>9} {:>9} {:>8} {:>7}",
        "page", "pages/s", "p50 ms", "p99 ms", "KiB", "errors"
    );
    for r in &report.rows {
        println!(
            "  {:<44} {:>9.0} {:>9.2} {:>9.2} {:>8.1} {:>7}",
            r.page,
            r.per_second,
            r.latency.p50_us / 1_000.0,
            r.latency.p99_us / 1_000.0,
            r.bytes as f64 / 1024.0,
            r.errors
        );
    }
}

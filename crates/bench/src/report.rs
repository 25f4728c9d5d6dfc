//! Writes benchmark results into `docs/BENCHMARKS.md` (`vitrine-bench
//! report`, run by `scripts/bench.sh`). Each table sits between
//! `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in the document; only
//! what lies between the markers is replaced, so the prose around the tables
//! is kept. Results are the JSON documents the benchmark commands print,
//! read from one directory:
//!
//! | file | written by |
//! | --- | --- |
//! | `run.json` | the script: `date`, `commit`, `rustc`, `node`, `machine` |
//! | `bench.json` | `vitrine-bench run --json` |
//! | `http-8.json`, `http-16.json` | `vitrine-bench http --json --connections N` |
//! | `cold-start.json` | `vitrine-bench cold-start --json` |
//! | `memory.json` | `vitrine-bench memory --json` |
//!
//! A missing file leaves its tables as they were.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use serde_json::Value;

/// Renders every table whose results are in `results` and splices them
/// into `doc`; returns the new document and the names of the tables written.
pub fn render(doc: &str, results: &Path) -> anyhow::Result<(String, Vec<String>)> {
    let read = |name: &str| -> anyhow::Result<Option<Value>> {
        let path = results.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => {
                Ok(Some(serde_json::from_slice(&bytes).with_context(|| {
                    format!("{} is not JSON", path.display())
                })?))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    };
    let mut tables = BTreeMap::new();
    if let Some(run) = read("run.json")? {
        tables.insert("run", run_table(&run));
    }
    let bench = read("bench.json")?;
    if let Some(bench) = &bench {
        tables.insert("isolated", isolated_table(&bench["isolated_call"]));
        tables.insert("samples", samples_table(&bench["isolated_call"]));
        tables.insert("auction", auction_table(&bench["auction"]));
        tables.insert("decision", decision_table(&bench["decision"]));
    }
    let http: Vec<Value> = ["http-8.json", "http-16.json"]
        .into_iter()
        .map(read)
        .collect::<anyhow::Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    if !http.is_empty() {
        tables.insert("http", http_table(&http));
    }
    let cold = read("cold-start.json")?;
    if let Some(cold) = &cold {
        tables.insert("cold-start", cold_start_table(cold));
    }
    let memory = read("memory.json")?;
    if let Some(memory) = &memory {
        tables.insert("memory", memory_table(memory));
    }
    tables.insert(
        "targets",
        targets_table(bench.as_ref(), &http, cold.as_ref(), memory.as_ref()),
    );
    let mut out = doc.to_owned();
    let mut written = Vec::new();
    for (name, table) in tables {
        if splice(&mut out, name, &table) {
            written.push(name.to_owned());
        }
    }
    Ok((out, written))
}

/// Replaces what lies between the markers of `name`; false when the
/// document has no such markers.
pub(crate) fn splice(doc: &mut String, name: &str, table: &str) -> bool {
    let open = format!("<!-- bench:{name} -->");
    let close = format!("<!-- /bench:{name} -->");
    let Some(start) = doc.find(&open) else {
        return false;
    };
    let body = start + open.len();
    let Some(end) = doc[body..].find(&close).map(|e| body + e) else {
        return false;
    };
    doc.replace_range(body..end, &format!("\n{}\n", table.trim_end()));
    true
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn us(v: &Value) -> String {
    let x = num(v);
    if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn ms(v: &Value) -> String {
    format!("{:.2}", num(v) / 1_000.0)
}

fn ratio(v: &Value) -> String {
    if v.is_null() {
        "–".into()
    } else {
        format!("{:.2}", num(v))
    }
}

fn run_table(run: &Value) -> String {
    let mut t = String::from("| | |\n| --- | --- |\n");
    for (key, label) in [
        ("date", "measured on"),
        ("commit", "commit"),
        ("machine", "machine"),
        ("rustc", "rustc"),
        ("node", "node"),
    ] {
        let value = run[key].as_str().unwrap_or("–");
        let _ = writeln!(t, "| {label} | {value} |");
    }
    t
}

fn isolated_table(iso: &Value) -> String {
    let mut t = String::from(
        "| contender | p50 µs | p99 µs | production ÷ contender (p50) |\n| --- | ---: | ---: | ---: |\n",
    );
    let row = |t: &mut String, name: &str, stats: &Value, r: String| {
        let _ = writeln!(
            t,
            "| {name} | {} | {} | {r} |",
            us(&stats["p50_us"]),
            us(&stats["p99_us"])
        );
    };
    row(
        &mut t,
        "floor: minimal component, plain wasmtime, pooling",
        &iso["floor"],
        format!("**{}**", ratio(&iso["ratio_to_floor"])),
    );
    row(
        &mut t,
        "floor on the production engine",
        &iso["floor_on_production_engine"],
        "–".into(),
    );
    row(
        &mut t,
        "**production**: dairy sample, every limit, denied WASI",
        &iso["production"],
        "1.00".into(),
    );
    row(
        &mut t,
        "production without the host-work meter",
        &iso["unmetered"],
        ratio(&iso["ratio_to_unmetered"]),
    );
    row(
        &mut t,
        "same component, plain wasmtime (no limits, stock WASI)",
        &iso["same_component_plain"],
        ratio(&iso["ratio_to_same_component_plain"]),
    );
    row(
        &mut t,
        "same logic, native Rust",
        &iso["native"],
        ratio(&iso["ratio_to_native"]),
    );
    if iso["v8_fresh_context"].is_null() {
        t.push_str("| same logic, JavaScript, fresh V8 context | not measured (no Node) | | |\n");
    } else {
        let v8 = num(&iso["v8_ratio_to_production"]);
        row(
            &mut t,
            "same logic, JavaScript, fresh V8 context (Node `vm`)",
            &iso["v8_fresh_context"],
            format!("{:.3} (V8 is {v8:.1}× production)", 1.0 / v8),
        );
    }
    t
}

fn samples_table(iso: &Value) -> String {
    let mut t = String::from(
        "| sample | p50 µs | p99 µs | × floor (p50) | fuel | setup / instantiate / call / teardown µs |\n| --- | ---: | ---: | ---: | ---: | --- |\n",
    );
    for s in iso["samples"].as_array().into_iter().flatten() {
        let p = &s["phases_us"];
        let _ = writeln!(
            t,
            "| {} | {} | {} | **{}** | {} | {:.1} / {:.1} / {:.1} / {:.1} |",
            s["name"].as_str().unwrap_or("?"),
            us(&s["stats"]["p50_us"]),
            us(&s["stats"]["p99_us"]),
            ratio(&s["ratio_to_floor"]),
            s["fuel_used"],
            num(&p["setup"]),
            num(&p["instantiate"]),
            num(&p["call"]),
            num(&p["teardown"]),
        );
    }
    t
}

fn auction_table(auction: &Value) -> String {
    let mut t = String::from(
        "| plugins | of which loop | p50 ms | p90 ms | p99 ms | offers scored | timeouts | well-behaved calls lost | auctions |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    // JSON objects come back with sorted keys: order the rows by size,
    // well-behaved runs first.
    let mut points: Vec<&Value> = auction
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| key.starts_with("plugins_"))
        .map(|(_, p)| p)
        .collect();
    points.sort_by_key(|p| (p["loopers"].as_u64() > Some(0), p["plugins"].as_u64()));
    for p in points {
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {:.1} | {:.1} | {:.2} | {} |",
            p["plugins"],
            p["loopers"],
            ms(&p["p50_us"]),
            ms(&p["p90_us"]),
            ms(&p["p99_us"]),
            num(&p["offers_per_auction"]),
            num(&p["timeouts_per_auction"]),
            num(&p["good_calls_lost_per_auction"]),
            p["samples"],
        );
    }
    let errors: Vec<String> = auction
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, p)| {
            let errors = p["good_call_errors"].as_object()?;
            let list: Vec<String> = errors
                .iter()
                .map(|(code, n)| format!("{n} {code}"))
                .collect();
            (!list.is_empty()).then(|| format!("{key}: {}", list.join(", ")))
        })
        .collect();
    if !errors.is_empty() {
        let _ = writeln!(
            t,
            "\nWell-behaved calls that did not answer with offers, whole run: {}.",
            errors.join("; ")
        );
    }
    t
}

fn decision_table(decision: &Value) -> String {
    let mut t = String::from(
        "| registry | p50 µs | p90 µs | p99 µs | plugins called | needs p50 µs | auction p50 µs |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for d in [&decision["all_eligible"], &decision["mixed"]] {
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {:.1} | {} | {} |",
            d["name"].as_str().unwrap_or("?"),
            us(&d["stats"]["p50_us"]),
            us(&d["stats"]["p90_us"]),
            us(&d["stats"]["p99_us"]),
            num(&d["plugins_called"]),
            us(&d["needs_p50_us"]),
            us(&d["auction_p50_us"]),
        );
    }
    t
}

fn http_table(runs: &[Value]) -> String {
    let mut t = String::from(
        "| connections | decisions/s | p50 ms | p90 ms | p99 ms | errors | brands asked per decision |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for r in runs {
        let _ = writeln!(
            t,
            "| {} | {:.0} | {} | {} | {} | {} | {:.1} |",
            r["config"]["connections"],
            num(&r["decisions_per_second"]),
            ms(&r["latency"]["p50_us"]),
            ms(&r["latency"]["p90_us"]),
            ms(&r["latency"]["p99_us"]),
            r["errors"],
            num(&r["brands_asked_mean"]),
        );
    }
    t
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn warm_ms(cold: &Value) -> f64 {
    let runs: Vec<f64> = cold["warm_ms"]
        .as_array()
        .into_iter()
        .flatten()
        .map(num)
        .collect();
    median(&runs)
}

fn cold_start_table(cold: &Value) -> String {
    let runs: Vec<String> = cold["warm_ms"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| format!("{:.0}", num(v)))
        .collect();
    format!(
        "| plugin versions (all enabled) | warm cache: median (runs) | new node: empty cache, artifacts from the store | cold: nothing compiled anywhere | server resident after a warm start | preparing the database |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n| {} | {:.0} ms ({} ms) | {:.0} ms | {:.0} ms | {:.0} MiB | {:.0} s |\n",
        cold["versions"],
        warm_ms(cold),
        runs.join(", "),
        num(&cold["new_node_ms"]),
        num(&cold["cold_ms"]),
        num(&cold["warm_resident_bytes"]) / 1_048_576.0,
        num(&cold["prepare_ms"]) / 1_000.0,
    )
}

fn memory_table(memory: &Value) -> String {
    let mut t = format!(
        "Resident memory per loaded plugin ({} distinct dairy copies): **{:.0} KiB**.\n\n| isolated calls made | resident MiB |\n| ---: | ---: |\n",
        memory["plugins_loaded"],
        num(&memory["resident_per_plugin_bytes"]) / 1024.0
    );
    for point in memory["resident_after_calls"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let _ = writeln!(t, "| {} | {:.1} |", point[0], num(&point[1]) / 1_048_576.0);
    }
    let _ = writeln!(
        t,
        "\nLast ÷ first checkpoint: **{:.3}**. Calls that did not answer: {}.",
        num(&memory["growth_ratio"]),
        memory["failed_calls"].as_u64().unwrap_or(0)
    );
    t
}

fn targets_table(
    bench: Option<&Value>,
    http: &[Value],
    cold: Option<&Value>,
    memory: Option<&Value>,
) -> String {
    let mut t = String::from("| target | measured | met |\n| --- | ---: | :---: |\n");
    let mut row = |target: &str, measured: String, met: bool| {
        let _ = writeln!(
            t,
            "| {target} | {measured} | {} |",
            if met { "yes" } else { "**no**" }
        );
    };
    if let Some(bench) = bench {
        let r = num(&bench["isolated_call"]["ratio_to_floor"]);
        row(
            "isolated call ≤ 2× the floor (p50)",
            format!("{r:.2}×"),
            r <= 2.0,
        );
        let a = &bench["auction"];
        let p99 = num(&a["plugins_50"]["p99_us"]) / 1_000.0;
        row(
            "50-plugin auction p99 ≤ 2 ms",
            format!("{p99:.2} ms"),
            p99 <= 2.0,
        );
        let deadline = num(&a["deadline_ms"]);
        let looped = num(&a["plugins_50_with_loopers"]["p99_us"]) / 1_000.0;
        row(
            &format!(
                "with loopers, p99 ≤ deadline + 2 ms ({} ms)",
                deadline + 2.0
            ),
            format!("{looped:.2} ms"),
            looped <= deadline + 2.0,
        );
    }
    if let Some(best) = http
        .iter()
        .max_by(|a, b| num(&a["decisions_per_second"]).total_cmp(&num(&b["decisions_per_second"])))
    {
        let rate = num(&best["decisions_per_second"]);
        let p99 = num(&best["latency"]["p99_us"]) / 1_000.0;
        row(
            "≥ 2,000 decisions/s over HTTP, 20 brands, p99 ≤ 25 ms",
            format!(
                "{rate:.0}/s, p99 {p99:.1} ms ({} connections)",
                best["config"]["connections"]
            ),
            rate >= 2_000.0 && p99 <= 25.0,
        );
    }
    if let Some(cold) = cold {
        let warm = warm_ms(cold);
        row(
            &format!(
                "cold start, {} versions, warm cache ≤ 1 s",
                cold["versions"]
            ),
            format!("{warm:.0} ms"),
            warm <= 1_000.0,
        );
        if let Some(new_node) = cold["new_node_ms"].as_f64() {
            row(
                &format!(
                    "a new node (empty cache), {} versions, ≤ 1 s",
                    cold["versions"]
                ),
                format!("{new_node:.0} ms"),
                new_node <= 1_000.0,
            );
        }
    }
    if let Some(memory) = memory {
        let g = num(&memory["growth_ratio"]);
        let points = memory["resident_after_calls"].as_array();
        let span = points
            .map(|p| format!("{} → {} calls", p[0][0], p[p.len() - 1][0]))
            .unwrap_or_default();
        row(
            "resident memory after 1,000,000 calls within 5% of after 10,000",
            format!("{:+.1}% ({span})", (g - 1.0) * 100.0),
            g <= 1.05,
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_replaces_only_between_markers_and_reports_missing_ones() {
        let mut doc = "intro\n<!-- bench:x -->\nold\n<!-- /bench:x -->\noutro\n".to_owned();
        assert!(splice(&mut doc, "x", "| new |"));
        assert_eq!(
            doc,
            "intro\n<!-- bench:x -->\n| new |\n<!-- /bench:x -->\noutro\n"
        );
        assert!(splice(&mut doc, "x", "| newer |"));
        assert!(doc.contains("| newer |") && !doc.contains("| new |"));
        assert!(!splice(&mut doc, "y", "| z |"));
    }

    #[test]
    fn targets_are_judged_from_the_results() {
        let bench = serde_json::json!({
            "isolated_call": { "ratio_to_floor": 1.5 },
            "auction": {
                "deadline_ms": 50,
                "plugins_50": { "p99_us": 2_500.0 },
                "plugins_50_with_loopers": { "p99_us": 51_000.0 }
            }
        });
        let table = targets_table(Some(&bench), &[], None, None);
        assert!(table.contains("| isolated call ≤ 2× the floor (p50) | 1.50× | yes |"));
        assert!(table.contains("| 50-plugin auction p99 ≤ 2 ms | 2.50 ms | **no** |"));
        assert!(table.contains("(52 ms) | 51.00 ms | yes |"));
    }
}

//! `vitrine-bench` as `scripts/bench.sh` runs it: a short HTTP run, and the
//! tables of docs/BENCHMARKS.md rewritten from results.

use std::path::Path;
use std::process::{Command, Output};

fn vitrine_bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vitrine-bench"))
        .args(args)
        .output()
        .expect("the vitrine-bench binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn bench_http_serves_decisions_without_errors() {
    let out = vitrine_bench(&[
        "http",
        "--brands",
        "6",
        // Enough households that none passes the per-token rate limit.
        "--households",
        "40",
        "--connections",
        "2",
        "--seconds",
        "1",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    assert_eq!(report["errors"], 0, "{report}");
    assert!(report["decisions_per_second"].as_f64().unwrap() > 0.0);
}

#[test]
fn bench_report_rewrites_only_the_marked_tables_and_refuses_bad_results() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    std::fs::write(
        results.join("memory.json"),
        r#"{"plugins_loaded": 2, "resident_per_plugin_bytes": 409600,
            "resident_after_calls": [[10000, 1048576], [1000000, 1069547]],
            "growth_ratio": 1.02}"#,
    )
    .unwrap();
    let doc = dir.path().join("BENCH.md");
    std::fs::write(
        &doc,
        "# Kept\n<!-- bench:memory -->\nold\n<!-- /bench:memory -->\n<!-- bench:targets -->\n<!-- /bench:targets -->\nkept too\n",
    )
    .unwrap();
    let out = vitrine_bench(&["report", "--results", s(&results), "--doc", s(&doc)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&doc).unwrap();
    assert!(text.starts_with("# Kept\n") && text.ends_with("kept too\n"));
    assert!(!text.contains("old"));
    assert!(text.contains("**400 KiB**"), "{text}");
    assert!(
        text.contains("+2.0% (10000 → 1000000 calls) | yes |"),
        "{text}"
    );

    std::fs::write(results.join("memory.json"), "{not json").unwrap();
    let out = vitrine_bench(&["report", "--results", s(&results), "--doc", s(&doc)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("memory.json is not JSON"));
    assert_eq!(
        std::fs::read_to_string(&doc).unwrap(),
        text,
        "nothing written"
    );
}

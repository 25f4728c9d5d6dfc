#!/usr/bin/env bash
# Runs every benchmark at full size and rewrites the tables of
# docs/BENCHMARKS.md from the results: the isolated call against the floor,
# plain wasmtime, native Rust and V8 (Node, when installed); auctions of 1 to
# 200 plugins, with and without looping plugins; whole decisions in-process;
# decisions over loopback HTTP (8 and 16 connections); cold start with 1,000
# plugin versions (artifact cache warm and cold); resident memory per plugin
# and over 1,000,000 calls. About 6 minutes after the release build
# (5 min 43 s on 2026-11-23).
#
#   scripts/bench.sh                 # everything, then the tables
#   scripts/bench.sh --criterion     # also the criterion benches of hot paths
#
# Results stay in target/bench-results/*.json. Run it on an otherwise idle
# machine: the benchmarks share its cores with nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

criterion=false
for arg in "$@"; do
    case "$arg" in
        --criterion) criterion=true ;;
        *) echo "usage: scripts/bench.sh [--criterion]" >&2; exit 2 ;;
    esac
done

rustup target add wasm32-wasip2 >/dev/null
# The benchmarks have their own binary; the cold start starts `vitrine serve`
# from the binary beside it.
cargo build --release -p vitrine -p vitrine-bench
bench=target/release/vitrine-bench
results=target/bench-results
mkdir -p "$results"

started=$(date +%s)
step() { echo "== $1 ($(($(date +%s) - started)) s so far)" >&2; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//' || true)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
node_version=$(node --version 2>/dev/null || echo "not installed")
cat >"$results/run.json" <<JSON
{
  "date": "$(date -u +%Y-%m-%d)",
  "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')",
  "machine": "$(nproc) cores (${cpu:-unknown CPU}), $mem, Linux $(uname -r)",
  "rustc": "$(rustc --version)",
  "node": "$node_version"
}
JSON

step "isolated call, auctions, decisions: vitrine-bench run --json"
"$bench" run --json >"$results/bench.json"
for connections in 8 16; do
    step "HTTP, $connections connections: vitrine-bench http --connections $connections --json"
    "$bench" http --connections "$connections" --json >"$results/http-$connections.json"
done
step "cold start: vitrine-bench cold-start --versions 1000 --json"
"$bench" cold-start --versions 1000 --json >"$results/cold-start.json"
step "memory: vitrine-bench memory --calls 1000000 --json"
"$bench" memory --calls 1000000 --json >"$results/memory.json"
step "tables"
"$bench" report --results "$results" --doc docs/BENCHMARKS.md
if $criterion; then
    step "criterion: cargo bench -p vitrine-bench --bench hot_paths"
    cargo bench -p vitrine-bench --bench hot_paths
fi
step "done"

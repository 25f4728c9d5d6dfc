#!/usr/bin/env bash
# Compares `vitrine-bench run --quick` of the work tree against an earlier
# revision, in alternating runs (base, current, current, base, ...) on the
# same machine, and prints the median over runs of each run pair's ratio
# (current ÷ base) for the isolated call, the 50-plugin auction and whole
# decisions. The machines are noisy; ratios measured this way move by a few
# hundredths between invocations, absolute numbers by much more.
#
#   scripts/compare.sh 683c3df        # 10 pairs, ~3 min after the builds
#   scripts/compare.sh 683c3df 20     # more pairs
#
# The revision is built once, in a worktree under target/compare/ with its
# own target directory (a release build from scratch takes ~11 minutes).
# Revisions from before the workspace split (no crates/bench) ran the
# benchmarks as `vitrine bench`; both layouts are handled.
set -euo pipefail
cd "$(dirname "$0")/.."

rev=${1:?usage: scripts/compare.sh REVISION [PAIRS]}
pairs=${2:-10}
sha=$(git rev-parse --short "$rev")
base_tree=target/compare/$sha
base_target=target/compare/$sha-target

rustup target add wasm32-wasip2 >/dev/null
cargo build --release -p vitrine-bench
if [ ! -d "$base_tree" ]; then
    git worktree add --detach "$base_tree" "$sha" >/dev/null
fi
if [ -d "$base_tree/crates/bench" ]; then
    base_package=vitrine-bench base_cmd=(vitrine-bench run)
else
    base_package=vitrine base_cmd=(vitrine bench)
fi
(cd "$base_tree" && CARGO_TARGET_DIR="$PWD/../$sha-target" cargo build --release -p "$base_package")

results=target/compare/$sha-results
rm -rf "$results" && mkdir -p "$results"
for i in $(seq 1 "$pairs"); do
    if ((i % 2)); then order="base current"; else order="current base"; fi
    for who in $order; do
        if [ "$who" = base ]; then
            "$base_target/release/${base_cmd[0]}" "${base_cmd[1]}" --quick --json >"$results/$who-$i.json"
        else
            target/release/vitrine-bench run --quick --json >"$results/$who-$i.json"
        fi
    done
done

python3 - "$results" "$pairs" "$sha" <<'PY'
import json, statistics, sys

results, pairs, sha = sys.argv[1], int(sys.argv[2]), sys.argv[3]
measures = {
    "isolated call, production ÷ floor (p50)": lambda d: d["isolated_call"]["ratio_to_floor"],
    "isolated call, production p50 µs": lambda d: d["isolated_call"]["production_us"],
    "50-plugin auction p50 µs": lambda d: d["auction"]["plugins_50"]["p50_us"],
    "50-plugin auction p99 µs": lambda d: d["auction"]["plugins_50"]["p99_us"],
    "decision, 20 brands all bidding, p50 µs": lambda d: d["decision"]["all_eligible"]["stats"]["p50_us"],
    "decision, 20 brands mixed, p50 µs": lambda d: d["decision"]["mixed"]["stats"]["p50_us"],
}
print(f"| measure | {sha} (median) | current (median) | current ÷ {sha}, median of {pairs} pairs (min–max) |")
print("| --- | ---: | ---: | ---: |")
for name, get in measures.items():
    base = [get(json.load(open(f"{results}/base-{i}.json"))) for i in range(1, pairs + 1)]
    cur = [get(json.load(open(f"{results}/current-{i}.json"))) for i in range(1, pairs + 1)]
    ratios = [c / b for b, c in zip(base, cur)]
    print(
        f"| {name} | {statistics.median(base):.2f} | {statistics.median(cur):.2f} | "
        f"**{statistics.median(ratios):.3f}** ({min(ratios):.2f}–{max(ratios):.2f}) |"
    )
PY

#!/usr/bin/env bash
# What a plugin can make the host do with its whole fuel budget: the
# host-burner fixture (tests/hostile/host-burner) in each of its modes, and,
# for reference, the looper (pure instructions), each run by
# `vitrine plugin run` in the production sandbox until its fuel runs out.
# Prints one Markdown table (median of 15 runs per row) for
# docs/BENCHMARKS.md, "Host work, charged to fuel". About 30 s after the
# builds.
#
#   scripts/host-work.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target add wasm32-wasip2 >/dev/null
cargo build --release -p vitrine
cargo build --profile guest --target wasm32-wasip2 --target-dir target/guests \
    -p hostile-host-burner -p hostile-looper
vitrine=target/release/vitrine
guests=target/guests/wasm32-wasip2/guest
request=examples/requests/yogurt.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
payload=$(head -c 512000 /dev/zero | tr '\0' p)

# One row: label, component, catalog (JSON).
row() {
    local label=$1 wasm=$2 catalog=$work/catalog.json
    printf '%s' "$3" >"$catalog"
    for _ in $(seq 15); do
        # Running out of fuel is an error: `plugin run` exits 1 after
        # printing its report.
        { "$vitrine" plugin run "$wasm" --request "$request" --catalog "$catalog" || true; } |
            python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["wall_time_us"], d["cpu_time_us"], d["fuel_used"], d["host_fuel"], d.get("error", {}).get("error", "answered"))'
    done | sort -n | sed -n 8p | {
        read -r wall cpu fuel host outcome
        echo "| $label | $wall | $cpu | $fuel | $host | $outcome |"
    }
}

echo "| plugin, mode | wall µs | CPU µs | fuel used | of which host work | outcome |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
row "looper: instructions only" "$guests/hostile_looper.wasm" '{}'
burner=$guests/hostile_host_burner.wasm
row "log, 131,000-byte messages" "$burner" '{"mode":"log","bytes":"131000"}'
row "log, 1-byte messages" "$burner" '{"mode":"log","bytes":"1"}'
row "catalog.get of a 500 KiB value" "$burner" "{\"mode\":\"catalog\",\"bytes\":\"0\",\"payload\":\"$payload\"}"
row "stdout, 64 KiB writes" "$burner" '{"mode":"stdout","bytes":"65536"}'
row "stdout, 1-byte writes" "$burner" '{"mode":"stdout","bytes":"1"}'
row "stderr, 4 KiB writes" "$burner" '{"mode":"stderr","bytes":"4096"}'

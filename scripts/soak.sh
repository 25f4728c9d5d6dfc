#!/usr/bin/env bash
# The soak: `vitrine-bench soak` for SECONDS (default 300, at most 600) with the
# sample brands, the embedded looper and every hostile plugin of
# tests/hostile registered side by side; resident memory, open descriptors,
# threads and latency printed per window; exit 1 if memory grows more than
# the bound (64 MiB) after the first window, descriptors more than 16, a
# well-behaved brand's call fails after the first window, or a decision
# fails. Production limits apply, so plugins that keep failing are
# suspended; extra arguments go to `vitrine-bench soak` (`--suspend-after 0` runs
# every hostile call). See docs/SECURITY.md.
#
#   scripts/soak.sh [SECONDS [vitrine-bench soak options]]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
rustup target add wasm32-wasip2 >/dev/null
# The test kit's build script compiles the hostile plugins into target/guests.
cargo build -p vitrine-testkit
cargo build --release -p vitrine-bench
shopt -s nullglob
hostile=(target/guests/wasm32-wasip2/guest/hostile_*.wasm)
if [ ${#hostile[@]} -eq 0 ]; then
    echo "no hostile plugins under target/guests (did the test kit's build run?)" >&2
    exit 2
fi
exec target/release/vitrine-bench soak --seconds "$seconds" "$@" --hostile "${hostile[@]}"

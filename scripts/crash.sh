#!/usr/bin/env bash
# Crash safety, looped: `vitrine serve` is killed with SIGKILL during a burst
# of decisions at ROUNDS points drawn from SEED, restarted on the same
# database, and checked (acknowledged decisions present, one order per need
# at most, ledger equal to orders, audit chain intact). See
# crates/cli/tests/all/crash_safety.rs and docs/SECURITY.md.
#
#   scripts/crash.sh [ROUNDS [SEED]]      # default: 20 rounds, seed 7
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
seed=${2:-7}
rustup target add wasm32-wasip2 >/dev/null
VITRINE_CRASH_ROUNDS=$rounds VITRINE_CRASH_SEED=$seed \
    cargo test -p vitrine --test all crash_safety -- --nocapture

#!/usr/bin/env bash
# Runs each fuzz target for a bounded time with cargo fuzz (libFuzzer):
#   request_json   the request format of the CLI and the API
#   offer_json     the offer format and offer validation
#   plugin_answer  the host/plugin boundary, through a plugin that answers
#                  whatever offers the fuzzer describes (tests/hostile/fuzz-offers)
#   api_body       every JSON body route of the API, through the real router
# The corpus in tests/fuzz/corpus/<target> is read and grown in place (commit
# what is worth keeping). A crash stops the script; its input is saved under
# tests/fuzz/artifacts/<target>/. Once fixed, copy that input into the
# corpus: tests/fuzz_corpus.rs then replays it in every `cargo test`.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]     # default: 60 s, all four
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(request_json offer_json plugin_answer api_body)
fi
rustup target add wasm32-wasip2 >/dev/null
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo fuzz passes nightly-only flags to rustc; the stable toolchain accepts
# them with RUSTC_BOOTSTRAP. No sanitizer: the code under test is safe Rust
# (the host denies unsafe code), so the fuzzer looks for panics, aborts and
# broken invariants, which the targets assert.
export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
    echo "== $target: ${seconds} s" >&2
    cargo fuzz run --fuzz-dir tests/fuzz --sanitizer none "$target" \
        "tests/fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1
done

#!/usr/bin/env bash
# Build times of a revision, as docs/BENCHMARKS.md ("Build") reports them:
# a fresh `cargo build --release -p vitrine` in a clean clone with its own
# target directory, then an incremental rebuild after touching one file in
# the API, one in the decision core and one in the runtime (each touch is
# undone and rebuilt before the next), then the binary's size, whole and
# stripped.
#
#   scripts/build-times.sh HEAD       # ~15 minutes on our 2-core machine
#   scripts/build-times.sh 7b5d0df    # before the workspace split (host/)
#
# Run it on an otherwise idle machine; compare revisions measured one after
# the other in the same session.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: scripts/build-times.sh REVISION}
sha=$(git rev-parse --short "$rev")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/src"
git -C "$work/src" checkout -q "$sha"
cd "$work/src"
export CARGO_TARGET_DIR="$work/target"
if [ -d crates/service ]; then
    files=(crates/service/src/api/household.rs crates/core/src/auction/scoring.rs crates/runtime/src/fanout.rs)
else
    files=(host/src/api/household.rs host/src/auction/scoring.rs host/src/runtime/fanout.rs)
fi
rustup target add wasm32-wasip2 >/dev/null
seconds() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "revision $sha"
echo "fresh release build: $(seconds cargo build -q --release -p vitrine) s"
for f in "${files[@]}"; do
    echo "// touched" >>"$f"
    echo "after touching $f: $(seconds cargo build -q --release -p vitrine) s"
    git checkout -q -- "$f"
    cargo build -q --release -p vitrine
done
size=$(stat -c %s "$CARGO_TARGET_DIR/release/vitrine")
strip -o "$work/stripped" "$CARGO_TARGET_DIR/release/vitrine"
echo "binary: $size bytes ($(stat -c %s "$work/stripped") stripped)"

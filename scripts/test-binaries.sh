#!/usr/bin/env bash
# The test executables `cargo test --workspace` builds: how many, and their
# sizes (docs/BENCHMARKS.md, "Build").
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --no-run --message-format json 2>/dev/null | python3 -c '
import json, os, sys
found = set()
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        found.add((m["package_id"].split("#")[0].rsplit("/", 1)[-1], m["target"]["name"], m["executable"]))
total = 0
for package, target, exe in sorted(found):
    size = os.path.getsize(exe)
    total += size
    print(f"{size / 1e6:8.1f} MB  {package} ({target})")
print(f"{len(found)} test executables, {total / 1e6:.0f} MB in all")
'

#!/usr/bin/env bash
# Compares the needs engine's stock-out predictions with statsforecast's
# AutoETS (weekly season), ADIDA and TSB on the same generated worlds
# (docs/BENCHMARKS.md §9). Installs the pinned statsforecast in a virtual
# environment under target/ (PyPI); takes about two minutes.
#
#   scripts/forecast-baselines.sh [SERIES_PER_WORLD] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
per_world="${1:-60}"
seed="${2:-11}"
venv=target/forecast-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet -r scripts/forecast-requirements.txt
cargo run --quiet --release -p vitrine-bench -- needs-worlds \
    --out target/worlds --per-world "$per_world" --seed "$seed"
echo
"$venv/bin/python" scripts/forecast-baselines.py target/worlds

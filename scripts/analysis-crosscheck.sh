#!/usr/bin/env bash
# Cross-checks of `remsim sensitivity` and `remsim discover` against the reference tools
# their users know (issue 15), installed into the virtual environment the Python package's
# tests use too (scripts/python-venv.sh):
#
#   1. Sobol': SALib's `saltelli.sample` gives the same design as design.csv, and SALib's
#      `sobol.analyze` on trials.csv (design order) gives every S1 and ST of
#      sensitivity.csv within 0.01.
#   2. Morris: SALib's `morris.analyze` on design.csv and trials.csv gives μ* and σ within
#      0.01 (relative to the largest μ*).
#   3. PRIM: the EMA Workbench's `prim` on inputs.csv and the trials of interest peels
#      the same trajectory as discover.csv (same restricted parameters, coverage and
#      density within 0.05 at every point), and the reported box's coverage and density
#      recompute from inputs.csv and trials.csv.
#
# Small samples on the 18-month test world (tests/data/batch/short.toml), so it runs in
# well under a minute once the packages are installed.
# Environment: REMSIM_PY_VENV (default target/python-venv; scripts/python-venv.sh), REMSIM_BIN
# (a remsim to use instead of building target/release/remsim).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/python-venv.sh
source scripts/python-venv.sh

# $REMSIM_BIN: a remsim already built (.ci/run passes the workspace tests' own).
remsim="${REMSIM_BIN:-}"
if [[ -z "$remsim" ]]; then
    cargo build --release --quiet
    remsim=target/release/remsim
fi
config=tests/data/batch/short.toml
work=target/analysis-crosscheck
rm -rf "$work"
mkdir -p "$work"
outcomes=peak_price.nd.cn_usd_per_kg,peak_price.dy.row_usd_per_kg

echo "-- Sobol': remsim sensitivity --samples 64 vs SALib"
"$remsim" sensitivity "$config" --method sobol --samples 64 --seed 0 \
    --outcome "$outcomes" --out "$work/sobol" --quiet
"$py" scripts/analysis_crosscheck.py sobol "$work/sobol"

echo "-- Morris: remsim sensitivity --samples 20 vs SALib"
"$remsim" sensitivity "$config" --method morris --samples 20 --seed 0 \
    --outcome "$outcomes" --out "$work/morris" --quiet
"$py" scripts/analysis_crosscheck.py morris "$work/morris"

echo "-- PRIM: remsim discover on a 600-trial batch vs the EMA Workbench"
"$remsim" run "$config" --trials 600 --seed 1 --out "$work/batch" --quiet
column=peak_price.dy.row_usd_per_kg
# The top quarter of the Dy price peaks: a base rate PRIM can concentrate.
cut=$("$py" -c "import pandas as pd; print(pd.read_csv('$work/batch/trials.csv')['$column'].quantile(0.75))")
"$remsim" discover "$work/batch" --where "$column > $cut"
"$py" scripts/analysis_crosscheck.py prim "$work/batch" "$column" "$cut"

echo "analysis cross-checks passed"

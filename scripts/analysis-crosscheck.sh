#!/usr/bin/env bash
# Cross-checks of `remsim sensitivity` and `remsim discover` against the reference tools
# their users know (issue 15), installed into a virtual environment:
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
# Environment: REMSIM_XCHECK_VENV (default target/xcheck-venv).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${REMSIM_XCHECK_VENV:-target/xcheck-venv}"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import SALib, ema_workbench, pandas" 2>/dev/null; then
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's python3 lacks ensurepip until python3-venv is installed.
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet SALib ema_workbench pandas
fi
py="$venv/bin/python"

cargo build --release --quiet
remsim=target/release/remsim
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

#!/usr/bin/env bash
# The remsim Python package (issue 16): builds it with `pip install ./python` into a virtual
# environment, runs its tests (python/tests: the DataFrames equal the CLI's CSV files of the
# same batch, Parquet and CSV hold the same values, any folder loads, a bad config raises
# with remsim's message, an interrupt leaves a resumable folder, merged Parquet shards are the
# same bytes for any shard count, the EMA Workbench drives remsim) and executes
# examples/quickstart.ipynb headless with nbclient, failing if any cell errors.
#
# The extension is compiled into the workspace's target/ (CARGO_TARGET_DIR), so it reuses
# the crates `cargo build --release` already compiled instead of starting from zero.
# The virtual environment is scripts/python-venv.sh's, shared with the analysis cross-checks.
# Environment: REMSIM_PY_VENV (default target/python-venv), REMSIM_BIN (a remsim built with
# the `parquet` feature, to use instead of building target/release/remsim).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/python-venv.sh
source scripts/python-venv.sh

# The command line with Parquet output, for the tests' CLI side ($REMSIM_BIN if given:
# .ci/run passes the workspace tests' own, which has the feature).
if [[ -z "${REMSIM_BIN:-}" ]]; then
    cargo build --release --quiet --features parquet
    REMSIM_BIN="$PWD/target/release/remsim"
fi
echo "-- pip install ./python"
CARGO_TARGET_DIR="$PWD/target" "$venv/bin/pip" install --quiet --force-reinstall --no-deps ./python

echo "-- pytest python/tests"
REMSIM_BIN="$REMSIM_BIN" "$venv/bin/pytest" -q python/tests

echo "-- examples/quickstart.ipynb, headless"
"$py" - <<'PY'
import nbformat
from nbclient import NotebookClient

nb = nbformat.read("examples/quickstart.ipynb", as_version=4)
NotebookClient(nb, timeout=900, kernel_name="python3",
               resources={"metadata": {"path": "examples"}}).execute()
print(f"executed {sum(c.cell_type == 'code' for c in nb.cells)} code cells without error")
PY
echo "python package checks passed"

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
# Environment: REMSIM_PY_VENV (default target/python-venv).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${REMSIM_PY_VENV:-target/python-venv}"
packages=(maturin pytest pyarrow pandas polars tqdm nbclient nbformat ipykernel matplotlib SALib ema_workbench)
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import maturin, pytest, pyarrow, polars, nbclient, ipykernel, matplotlib, SALib, ema_workbench" 2>/dev/null; then
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's python3 lacks ensurepip until python3-venv is installed.
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet "${packages[@]}"
fi
py="$venv/bin/python"

# The command line with Parquet output, for the tests' CLI side.
cargo build --release --quiet --features parquet
echo "-- pip install ./python"
CARGO_TARGET_DIR="$PWD/target" "$venv/bin/pip" install --quiet --force-reinstall --no-deps ./python

echo "-- pytest python/tests"
REMSIM_BIN="$PWD/target/release/remsim" "$venv/bin/pytest" -q python/tests

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

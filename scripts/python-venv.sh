# Sourced by scripts/python-test.sh and scripts/analysis-crosscheck.sh: the one virtual
# environment both use, so CI creates and fills it once instead of twice (the cross-checks'
# SALib, EMA Workbench and pandas are a subset of the Python package's test needs, and
# installing them took about a minute of CI's time). Created on first use, and refilled if
# any of the packages is missing; sets `venv` and `py`.
# Environment: REMSIM_PY_VENV (default target/python-venv).

venv="${REMSIM_PY_VENV:-target/python-venv}"
# What the Python package's tests and notebook need (maturin builds it), and what the
# analysis cross-checks compare remsim with (SALib, the EMA Workbench, pandas).
venv_packages=(maturin pytest pyarrow pandas polars tqdm nbclient nbformat ipykernel matplotlib SALib ema_workbench)
if [[ ! -x "$venv/bin/python" ]] ||
    ! "$venv/bin/python" -c "import maturin, pytest, pyarrow, pandas, polars, tqdm, nbclient, nbformat, ipykernel, matplotlib, SALib, ema_workbench" 2>/dev/null; then
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's python3 lacks ensurepip until python3-venv is installed.
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet "${venv_packages[@]}"
fi
py="$venv/bin/python"

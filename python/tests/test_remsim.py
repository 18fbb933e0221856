"""The remsim Python package against the command line (issue 16): DataFrames equal the CSV
files of the same batch, Parquet and CSV hold the same values, any folder loads, a bad
config raises with remsim's message, an interrupt leaves a resumable folder, and merged
Parquet shards are the same bytes for any shard count.

Uses the 18-month test world (tests/data/batch/short.toml) so each batch takes seconds, and
the `remsim` binary of target/release (or $REMSIM_BIN) for the command-line side."""

import _thread
import hashlib
import os
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import remsim

REPO = Path(__file__).resolve().parents[2]
SHORT = REPO / "tests" / "data" / "batch" / "short.toml"
BIN = Path(os.environ.get("REMSIM_BIN", REPO / "target" / "release" / "remsim"))


def cli(*args, check=True):
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, check=check)


def cli_run(out, trials, seed=0, config=SHORT, *extra):
    cli("run", config, "--trials", trials, "--seed", seed, "--out", out, "--quiet", *extra)
    return Path(out)


def assert_same_values(frame: pd.DataFrame, csv: pd.DataFrame):
    """`frame` (typed, from Parquet) holds exactly the values of `csv` (as pandas reads
    the CSV): same columns and rows, floats bit for bit, months as YYYY-MM, names as
    text."""
    assert list(frame.columns) == list(csv.columns)
    assert len(frame) == len(csv)
    for name in csv.columns:
        ours, theirs = frame[name], csv[name]
        if pd.api.types.is_datetime64_any_dtype(ours):
            text = ours.dt.strftime("%Y-%m").where(ours.notna(), None)
            expected = theirs.where(theirs.notna(), None)
            assert text.tolist() == expected.tolist(), name
        elif isinstance(ours.dtype, pd.CategoricalDtype) or ours.dtype == object:
            assert ours.astype(str).tolist() == theirs.fillna("").astype(str).tolist(), name
        else:
            a = ours.to_numpy(dtype=float)
            b = theirs.to_numpy(dtype=float)
            assert np.array_equal(a, b, equal_nan=True), name


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """A CLI batch with --format both and a series."""
    out = tmp_path_factory.mktemp("both") / "batch"
    return cli_run(out, 200, 0, SHORT, "--format", "both", "--series", "price.nd.cn,price.dy.row")


def test_run_gives_the_cli_summary(tmp_path):
    b = remsim.run(config=SHORT, trials=50, seed=0, progress=False, out=tmp_path / "py")
    folder = cli_run(tmp_path / "cli", 50, 0)
    expected = pd.read_csv(folder / "summary.csv")
    assert b.summary.shape == expected.shape
    assert_same_values(b.summary, expected)
    assert_same_values(b.trials, pd.read_csv(folder / "trials.csv"))
    assert_same_values(b.inputs, pd.read_csv(folder / "inputs.csv"))
    assert b.manifest["seed"] == 0 and b.manifest["trials"] == 50
    assert b.manifest["config_hash"] == remsim.load(folder).manifest["config_hash"]


def test_parquet_files_hold_the_csv_values(both):
    for table in ("summary", "trials", "inputs", "series"):
        parquet = pq.read_table(both / f"{table}.parquet").to_pandas(date_as_object=False)
        assert_same_values(parquet, pd.read_csv(both / f"{table}.csv"))
    meta = pq.read_metadata(both / "trials.parquet").metadata
    manifest = remsim.load(both).manifest
    assert meta[b"remsim.config_hash"].decode() == manifest["config_hash"]
    assert meta[b"remsim.seed"].decode() == "0"
    schema = pq.read_schema(both / "summary.parquet")
    assert str(schema.field("date").type) == "date32[day]"
    assert str(schema.field("metric").type).startswith("dictionary<values=string")
    assert cli("verify", both).stdout.startswith(f"{both}: complete")


def test_load_reads_csv_and_parquet_folders_alike(both, tmp_path):
    csv_only = cli_run(tmp_path / "csv", 200, 0)
    parquet_only = cli_run(tmp_path / "parquet", 200, 0, SHORT, "--format", "parquet")
    assert not (parquet_only / "trials.csv").exists()
    frames = [remsim.load(f).trials for f in (csv_only, parquet_only, both)]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    pd.testing.assert_frame_equal(frames[0], frames[2])
    assert len(frames[0]) == 200
    assert str(frames[0]["peak_month.nd.cn"].dtype).startswith("datetime64")
    polars = remsim.load(parquet_only).to_polars("trials")
    assert polars.shape == frames[0].shape


def test_a_bad_config_raises_with_the_cli_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "builtin:baseline"\n\n[scenario]\nend = 2030\n')
    with pytest.raises(remsim.ConfigError) as err:
        remsim.run(config=bad, trials=5, progress=False)
    message = str(err.value)
    assert f"{bad}:4:1: scenario.end:" in message, message
    printed = cli("check", bad, check=False)
    assert printed.returncode == 2
    assert message.splitlines()[0] in printed.stderr
    with pytest.raises(remsim.ConfigError):
        remsim.run(config={"extends": "builtin:baseline", "scenario": {"nonsense": 1}}, trials=5)


def test_a_dict_config_runs(tmp_path):
    b = remsim.run(
        config={"extends": str(SHORT), "scenario": {"name": "from-dict"}},
        trials=20,
        progress=False,
        out=tmp_path / "dict",
        format="csv",
    )
    assert b.manifest["scenario"] == "from-dict"
    assert len(b.trials) == 20


def _interrupt_once_started(out, timeout_s=60.0):
    """Sends KeyboardInterrupt to the main thread as soon as the batch has made its folder.

    A fixed delay raced the batch: 4,000 trials of the short world once took longer than
    1.5 s, and after the engine got faster they finished before the interrupt came.
    """
    deadline = time.monotonic() + timeout_s
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    _thread.interrupt_main()


def test_keyboard_interrupt_leaves_a_resumable_folder(tmp_path):
    out = tmp_path / "interrupted"
    watcher = threading.Thread(target=_interrupt_once_started, args=(out,), daemon=True)
    watcher.start()
    with pytest.raises(KeyboardInterrupt):
        remsim.run(config=SHORT, trials=4000, seed=3, progress=False, out=out)
    watcher.join()
    state = cli("verify", out, check=False)
    assert state.returncode == 3, state.stdout + state.stderr
    assert "resumable from trial" in state.stdout
    b = remsim.run(out=out, resume=True, progress=False)
    assert len(b.trials) == 4000
    assert cli("verify", out).returncode == 0
    # The finished folder holds what an uninterrupted batch writes.
    whole = cli_run(tmp_path / "whole", 4000, 3, SHORT, "--format", "parquet")
    assert sha(out / "trials.parquet") == sha(whole / "trials.parquet")


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_merged_parquet_is_the_same_bytes_for_any_shard_count(tmp_path):
    whole = cli_run(tmp_path / "whole", 120, 5, SHORT, "--format", "parquet")
    for count in (2, 3):
        shards = []
        for k in range(count):
            shards.append(
                cli_run(tmp_path / f"s{count}-{k}", 120, 5, SHORT, "--shard", f"{k}/{count}",
                        "--format", "parquet")
            )
        merged = tmp_path / f"merged{count}"
        cli("merge", *shards, "--out", merged, "--quiet", "--format", "parquet")
        for table in ("summary", "trials", "inputs"):
            assert sha(merged / f"{table}.parquet") == sha(whole / f"{table}.parquet"), table
        assert not (merged / "trials.csv").exists()


def test_trial_metrics_and_compare(tmp_path):
    t = remsim.trial(SHORT, seed=0, trial=1)
    assert len(t) == 18 and "price.nd.cn" in t.columns
    assert t["date"].iloc[0] == pd.Timestamp("2025-01-01")
    m = remsim.metrics()
    assert {"name", "unit", "kind", "description"} <= set(m.columns)
    assert "peak_month.nd.cn" in set(m["name"])
    # A shock of the short world (compare needs the same months): faster EV growth.
    shock = {
        "extends": str(SHORT),
        "scenario": {"name": "fast-ev"},
        "demand": [{"id": "ev-traction", "growth_per_year": 0.3}],
    }
    c = remsim.compare(SHORT, shock, trials=10, progress=False, out=tmp_path / "cmp")
    assert len(c.diff_trials) == 10
    assert len(c.base.trials) == 10 and len(c.shock.trials) == 10


def test_ema_workbench_drives_remsim():
    ema = pytest.importorskip("ema_workbench")
    import remsim.ema

    model = remsim.ema.model(
        "short",
        uncertainties={"demand[ev-traction].growth_per_year": (0.05, 0.15)},
        levers={"recyclers[ganzhou-recyclers].collection_rate": (0.01, 0.5)},
        outcomes=["peak_price.nd.cn_usd_per_kg"],
        base=SHORT,
        trials=4,
    )
    experiments, outcomes = ema.perform_experiments(model, scenarios=3, policies=2)
    assert len(experiments) == 6
    values = outcomes[remsim.ema.identifier("peak_price.nd.cn_usd_per_kg")]
    assert len(values) == 6 and np.isfinite(values).all()


def test_sweep_and_sensitivity(tmp_path):
    sweep_file = tmp_path / "grid.toml"
    sweep_file.write_text(
        f'base = "{SHORT}"\ntrials = 5\nseed = 0\ndesign = "grid"\n\n'
        '[[parameter]]\npath = "policy.china.export_licence_approval"\nvalues = [0.3, 0.9]\n'
    )
    w = remsim.sweep(sweep_file, progress=False, out=tmp_path / "sweep", format="both")
    assert len(w.table) == 2 and len(w.points) == 2
    assert all(len(p.trials) == 5 for p in w.points)
    assert (tmp_path / "sweep" / "point-000" / "results" / "trials.parquet").exists()
    bad = tmp_path / "bad-sweep.toml"
    bad.write_text(f'base = "{SHORT}"\ntrials = 5\ndesign = "grid"\n')
    with pytest.raises(remsim.ConfigError):
        remsim.sweep(bad, progress=False, out=tmp_path / "bad")
    s = remsim.sensitivity(SHORT, "morris", 2, ["peak_price.nd.cn_usd_per_kg"],
                           progress=False, out=tmp_path / "sens")
    assert {"parameter", "mu_star"} <= set(s.indices.columns)
    assert len(s.batch.trials) == len(s.design)
    assert (tmp_path / "sens" / "trials.parquet").exists()
    assert not (tmp_path / "sens" / "trials.csv").exists()

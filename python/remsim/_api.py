"""The commands: :func:`run`, :func:`compare`, :func:`sweep`, :func:`sensitivity`,
:func:`trial` and :func:`metrics`."""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _remsim
from ._results import Batch, Comparison, Sensitivity, Sweep

Config = Union[str, "os.PathLike[str]", Mapping]

#: Where configs given as dicts are written, for the life of the process.
_CONFIG_DIR = tempfile.TemporaryDirectory(prefix="remsim-config-")
_written = 0


def _config_path(config: Optional[Config]) -> Optional[str]:
    """A config as remsim's commands take it: ``None`` for the embedded baseline, else a
    file path (a dict is written to a TOML file; a relative ``extends`` in it is taken
    relative to the working directory). Raises :class:`ConfigError` on mistakes."""
    global _written
    if config is None or (isinstance(config, str) and config == "baseline"):
        _remsim.check_config(None)
        return None
    if isinstance(config, Mapping):
        table = dict(config)
        base = table.get("extends")
        if isinstance(base, str) and not base.startswith("builtin:"):
            table["extends"] = str(Path(base).resolve())
        _written += 1
        path = Path(_CONFIG_DIR.name) / f"config-{_written}.toml"
        path.write_text(_remsim.dict_to_toml(table), encoding="utf-8")
        _remsim.check_config(str(path))
        return str(path)
    path = str(Path(config))
    _remsim.check_config(path)
    return path


def _out(out: Optional[Union[str, "os.PathLike[str]"]], prefix: str) -> str:
    if out is not None:
        return str(Path(out))
    return tempfile.mkdtemp(prefix=f"remsim-{prefix}-")


def _bar(total: Optional[int], progress: bool, what: str):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="trial", desc=what, file=sys.stderr)


def _follow(start_job, total: Optional[int], progress: bool, what: str, folder: str) -> None:
    """Starts the job (``start_job()``, which runs without the GIL), polls it, advances
    the progress bar, and on KeyboardInterrupt stops it after its current block — the
    folder keeps its checkpoint — and raises KeyboardInterrupt again once it has
    stopped."""
    bar = _bar(total, progress, what)
    start = _remsim.trials_done()
    job = start_job()
    shown = 0
    try:
        while not job.finished():
            time.sleep(0.1)
            if bar is not None:
                done = _remsim.trials_done() - start
                bar.update(done - shown)
                shown = done
        code = job.wait()
    except KeyboardInterrupt:
        job.stop()
        job.wait()
        raise KeyboardInterrupt(
            f"remsim stopped after the current block; {folder} keeps its checkpoint "
            f"(resume with remsim.run(out={folder!r}, resume=True))"
        ) from None
    finally:
        if bar is not None:
            bar.update((_remsim.trials_done() - start) - shown)
            bar.close()
    if code != 0:
        raise _remsim.RemsimError(f"remsim {what} exited with status {code}")


def run(
    config: Optional[Config] = "baseline",
    trials: int = 1000,
    seed: int = 0,
    threads: Optional[int] = None,
    series: Optional[Iterable[str]] = None,
    progress: bool = True,
    *,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    format: str = "parquet",
    every: str = "month",
    resume: bool = False,
    force: bool = False,
) -> Batch:
    """Runs a Monte Carlo batch, like ``remsim run``, and returns its :class:`Batch`.

    ``config`` is ``"baseline"`` (the embedded baseline), a scenario file's path, or a
    dict in the scenario file's shape (e.g. ``{"extends": "configs/baseline.toml",
    "scenario": {"end": "2030-12"}}``). Trial *i* depends only on (config, seed, *i*):
    any ``threads`` gives the same numbers. ``series`` names metrics to keep for every
    trial and month (``Batch.series``). ``out`` is the results folder (default: a new
    temporary folder); ``format`` is ``"parquet"`` (default), ``"csv"`` or ``"both"``.
    With ``resume=True`` an interrupted folder ``out`` is finished (pass the same
    ``series``); ``force=True`` overwrites ``out``.

    Raises :class:`ConfigError` for a config with mistakes, :class:`RemsimError` for
    other failures, and KeyboardInterrupt after stopping cleanly on Ctrl-C.
    """
    path = None if (resume and config == "baseline") else _config_path(config)
    folder = _out(out, "run")
    job = lambda: _remsim.start_run(
        path,
        folder,
        None if (resume and trials == 1000) else int(trials),
        None if (resume and seed == 0) else int(seed),
        threads,
        list(series or []),
        every,
        format,
        resume,
        force or (out is None),
    )
    _follow(job, None if resume else int(trials), progress, "run", folder)
    return Batch(folder)


def compare(
    base: Config,
    shock: Config,
    trials: int = 1000,
    seed: int = 0,
    threads: Optional[int] = None,
    progress: bool = True,
    *,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    format: str = "parquet",
    force: bool = False,
) -> Comparison:
    """Compares a shock with its base, paired trial by trial (``remsim compare``): both
    run with the same seed, so trial *i* differs only by what the shock changes. Returns a
    :class:`Comparison` (``.base``, ``.shock``, ``.diff_summary``, ``.diff_trials``,
    ``.outcomes``)."""
    base_path = _config_path(base) or "builtin:baseline"
    shock_path = _config_path(shock) or "builtin:baseline"
    base_file = _builtin_file(base_path)
    shock_file = _builtin_file(shock_path)
    folder = _out(out, "compare")
    job = lambda: _remsim.start_compare(
        base_file, shock_file, folder, int(trials), int(seed), threads, format,
        force or (out is None),
    )
    # The bar counts the two batches' trials (the pairing pass after them is not counted).
    _follow(job, 2 * int(trials), progress, "compare", folder)
    return Comparison(folder)


def _builtin_file(path: str) -> str:
    """A file for a command that needs one: the embedded baseline as a one-line file that
    extends it."""
    if path != "builtin:baseline":
        return path
    global _written
    _written += 1
    file = Path(_CONFIG_DIR.name) / "baseline.toml"
    file.write_text('extends = "builtin:baseline"\n', encoding="utf-8")
    return str(file)


def sweep(
    sweep_file: Union[str, "os.PathLike[str]"],
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: bool = True,
    *,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    format: str = "parquet",
    force: bool = False,
) -> Sweep:
    """Runs a sweep file (``remsim sweep``; see ``configs/sweeps/``): every point as a
    batch. ``trials`` and ``seed`` override the file's. Returns a :class:`Sweep`
    (``.table`` is ``sweep.csv``, ``.points`` each point's :class:`Batch`)."""
    points = _remsim.check_sweep(str(sweep_file))
    folder = _out(out, "sweep")
    job = lambda: _remsim.start_sweep(
        str(sweep_file), folder, trials, seed, threads, format, force or (out is None)
    )
    total = None if trials is None else points * int(trials)
    _follow(job, total, progress, "sweep", folder)
    return Sweep(folder)


def sensitivity(
    config: Config,
    method: str,
    samples: int,
    outcomes: Sequence[str],
    seed: int = 0,
    threads: Optional[int] = None,
    progress: bool = True,
    *,
    levels: int = 4,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    format: str = "parquet",
    force: bool = False,
) -> Sensitivity:
    """Global sensitivity of ``outcomes`` (trials columns) to the config's uncertain
    parameters (``remsim sensitivity``): ``method`` ``"sobol"`` (Saltelli's design, N
    (D + 2) trials) or ``"morris"`` (N trajectories). Returns a :class:`Sensitivity`
    (``.indices``, ``.design``, ``.batch``)."""
    path = _builtin_file(_config_path(config) or "builtin:baseline")
    folder = _out(out, "sensitivity")
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    job = lambda: _remsim.start_sensitivity(
        path, method, int(samples), list(outcomes), int(seed), folder, int(levels),
        threads, format, force or (out is None),
    )
    _follow(job, None, progress, "sensitivity", folder)
    return Sensitivity(folder)


def trial(config: Optional[Config] = "baseline", seed: int = 0, trial: int = 0) -> pd.DataFrame:
    """One trial's month-by-month trajectory (``remsim trial``): one row per month
    (``tick``, ``date``, then every metric). Trial ``trial`` of seed ``seed`` is the same
    trial as in any batch of that config and seed."""
    path = _config_path(config)
    with tempfile.TemporaryDirectory(prefix="remsim-trial-") as tmp:
        out = Path(tmp) / "trial.csv"
        _remsim.write_trial(path, int(seed), int(trial), str(out))
        frame = pd.read_csv(out)
    if "date" in frame.columns:
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m")
    return frame


def metrics() -> pd.DataFrame:
    """The metric catalog (``remsim metrics``): ``name``, ``unit``, ``kind``,
    ``description`` of every monthly metric and per-trial outcome."""
    return pd.read_csv(io.StringIO(_remsim.metrics_csv()))


__all__ = ["compare", "metrics", "run", "sensitivity", "sweep", "trial"]

"""Results folders read back as DataFrames: :class:`Batch`, :class:`Comparison`,
:class:`Sweep`, :class:`Sensitivity` and :func:`load`."""

from __future__ import annotations

import json
import os
import tempfile
from functools import cached_property
from pathlib import Path
from typing import List, Optional, Union

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import _remsim

TABLES = ("summary", "trials", "inputs", "series")

PathLike = Union[str, "os.PathLike[str]"]


def _arrow(folder: Path, table: str, manifest: dict) -> Optional[pa.Table]:
    """The table as Arrow: its Parquet file, else its CSV converted by remsim's own
    converter (so a CSV folder gives the same types and values as a Parquet one)."""
    parquet = folder / f"{table}.parquet"
    if parquet.exists():
        return pq.read_table(parquet)
    csv = folder / f"{table}.csv"
    if not csv.exists():
        return None
    with tempfile.TemporaryDirectory(prefix="remsim-load-") as tmp:
        out = Path(tmp) / f"{table}.parquet"
        _remsim.csv_to_parquet(
            table,
            str(csv),
            str(out),
            manifest.get("config_hash", ""),
            int(manifest.get("seed", 0)),
            manifest.get("remsim_version", ""),
        )
        return pq.read_table(out)


def _pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas: dates as datetime64, names as categories, zero-copy where the
    column allows it."""
    return table.to_pandas(date_as_object=False)


class Batch:
    """A finished (or interrupted) batch's results folder.

    Attributes are read lazily, once: ``summary``, ``trials``, ``inputs`` and ``series``
    (pandas DataFrames, ``None`` where the folder has no such table) and ``manifest`` (the
    folder's ``manifest.json`` as a dict: config hash, seed, trials, resolved config, …).
    """

    def __init__(self, folder: PathLike):
        self.folder = Path(folder)
        if not (self.folder / "manifest.json").exists():
            raise _remsim.RemsimError(
                f"{self.folder} is not a remsim results folder: it has no manifest.json"
            )

    def __repr__(self) -> str:
        m = self.manifest
        return (
            f"<remsim.Batch {m.get('scenario')!r} seed={m.get('seed')} "
            f"trials={m.get('trials')} folder={str(self.folder)!r}>"
        )

    @cached_property
    def manifest(self) -> dict:
        """The folder's ``manifest.json``."""
        with open(self.folder / "manifest.json", encoding="utf-8") as f:
            return json.load(f)

    def arrow(self, table: str) -> Optional[pa.Table]:
        """One table (``summary``, ``trials``, ``inputs`` or ``series``) as a
        ``pyarrow.Table``, or ``None`` if the folder has none."""
        if table not in TABLES:
            raise ValueError(f"table must be one of {TABLES}, not {table!r}")
        return _arrow(self.folder, table, self.manifest)

    def _frame(self, table: str) -> Optional[pd.DataFrame]:
        t = self.arrow(table)
        return None if t is None else _pandas(t)

    @cached_property
    def summary(self) -> Optional[pd.DataFrame]:
        """Quantiles of every metric, month by month (``metric``, ``tick``, ``date``, ``n``,
        ``mean``, ``sd``, ``min``, ``p01`` … ``p99``, ``max``, ``se``, ``unit``)."""
        return self._frame("summary")

    @cached_property
    def trials(self) -> Optional[pd.DataFrame]:
        """One row of outcomes per trial (``trial``, ``seed``, then every outcome column of
        ``remsim metrics``)."""
        return self._frame("trials")

    @cached_property
    def inputs(self) -> Optional[pd.DataFrame]:
        """Each trial's drawn uncertain inputs (``trial``, then one column per config
        path)."""
        return self._frame("inputs")

    @cached_property
    def series(self) -> Optional[pd.DataFrame]:
        """The metrics chosen with ``series=`` for every trial (``trial``, ``metric``,
        ``date``, ``value``); ``None`` without them."""
        return self._frame("series")

    def to_polars(self, table: Optional[str] = None):
        """The tables as polars DataFrames: one (``table``), or a dict of all present."""
        import polars as pl

        if table is not None:
            t = self.arrow(table)
            return None if t is None else pl.from_arrow(t)
        out = {}
        for name in TABLES:
            t = self.arrow(name)
            if t is not None:
                out[name] = pl.from_arrow(t)
        return out


def _csv(path: Path) -> Optional[pd.DataFrame]:
    return pd.read_csv(path) if path.exists() else None


class Comparison:
    """A ``remsim compare`` folder: ``base`` and ``shock`` (:class:`Batch`),
    ``diff_summary`` (the paired difference shock − base, per metric per month),
    ``diff_trials`` (per-trial paired deltas) and ``outcomes`` (per outcome: medians,
    the paired difference's median and 90% interval, …)."""

    def __init__(self, folder: PathLike):
        self.folder = Path(folder)
        self.base = Batch(self.folder / "base")
        self.shock = Batch(self.folder / "shock")

    def __repr__(self) -> str:
        return f"<remsim.Comparison folder={str(self.folder)!r}>"

    @cached_property
    def diff_summary(self) -> Optional[pd.DataFrame]:
        """``diff_summary.csv``."""
        return _csv(self.folder / "diff_summary.csv")

    @cached_property
    def diff_trials(self) -> Optional[pd.DataFrame]:
        """``diff_trials.csv``."""
        return _csv(self.folder / "diff_trials.csv")

    @cached_property
    def outcomes(self) -> Optional[pd.DataFrame]:
        """``diff_outcomes.csv``."""
        return _csv(self.folder / "diff_outcomes.csv")


class Sweep:
    """A ``remsim sweep`` folder: ``table`` (``sweep.csv``: each point's parameters and
    the outcomes' p05/p50/p95) and ``points`` (each point's :class:`Batch`)."""

    def __init__(self, folder: PathLike):
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"<remsim.Sweep folder={str(self.folder)!r}>"

    @cached_property
    def table(self) -> pd.DataFrame:
        """``sweep.csv``."""
        return pd.read_csv(self.folder / "sweep.csv")

    @cached_property
    def points(self) -> List[Batch]:
        """Each point's results, in point order."""
        dirs = sorted(self.folder.glob("point-*/results"))
        return [Batch(d) for d in dirs]


class Sensitivity:
    """A ``remsim sensitivity`` folder: ``indices`` (``sensitivity.csv``: S1/ST and their
    intervals, or μ*, its interval and σ, per outcome and parameter), ``design``
    (``design.csv``: the unit-cube design) and ``batch`` (its :class:`Batch`)."""

    def __init__(self, folder: PathLike):
        self.folder = Path(folder)
        self.batch = Batch(self.folder)

    def __repr__(self) -> str:
        return f"<remsim.Sensitivity folder={str(self.folder)!r}>"

    @cached_property
    def indices(self) -> pd.DataFrame:
        """``sensitivity.csv``."""
        return pd.read_csv(self.folder / "sensitivity.csv")

    @cached_property
    def design(self) -> pd.DataFrame:
        """``design.csv``."""
        return pd.read_csv(self.folder / "design.csv")


def load(folder: PathLike) -> Union[Batch, Comparison, Sweep, Sensitivity]:
    """Any results folder remsim wrote, CSV or Parquet: a batch (:class:`Batch`), a
    comparison (:class:`Comparison`), a sweep (:class:`Sweep`) or a sensitivity analysis
    (:class:`Sensitivity`)."""
    path = Path(folder)
    if (path / "sensitivity.csv").exists():
        return Sensitivity(path)
    if (path / "manifest.json").exists():
        return Batch(path)
    if (path / "base" / "manifest.json").exists() and (path / "shock").exists():
        return Comparison(path)
    if (path / "sweep.csv").exists():
        return Sweep(path)
    raise _remsim.RemsimError(f"{path} is not a remsim results folder")


__all__: List[str] = ["Batch", "Comparison", "Sensitivity", "Sweep", "load"]

"""Type hints of the `remsim` package (see remsim/__init__.py for the docs)."""

import os
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Union

import pandas as pd
import pyarrow as pa

_PathLike = Union[str, os.PathLike[str]]
_Config = Union[str, os.PathLike[str], Mapping]

__version__: str

class ConfigError(ValueError):
    """A config with mistakes: one `file:line:col: field: expected …` line per problem."""

class RemsimError(Exception):
    """A command that failed for another reason than its config."""

class Batch:
    folder: Path
    def __init__(self, folder: _PathLike) -> None: ...
    @property
    def manifest(self) -> dict: ...
    @property
    def summary(self) -> Optional[pd.DataFrame]: ...
    @property
    def trials(self) -> Optional[pd.DataFrame]: ...
    @property
    def inputs(self) -> Optional[pd.DataFrame]: ...
    @property
    def series(self) -> Optional[pd.DataFrame]: ...
    def arrow(self, table: str) -> Optional[pa.Table]: ...
    def to_polars(self, table: Optional[str] = None): ...

class Comparison:
    folder: Path
    base: Batch
    shock: Batch
    def __init__(self, folder: _PathLike) -> None: ...
    @property
    def diff_summary(self) -> Optional[pd.DataFrame]: ...
    @property
    def diff_trials(self) -> Optional[pd.DataFrame]: ...
    @property
    def outcomes(self) -> Optional[pd.DataFrame]: ...

class Sweep:
    folder: Path
    def __init__(self, folder: _PathLike) -> None: ...
    @property
    def table(self) -> pd.DataFrame: ...
    @property
    def points(self) -> List[Batch]: ...

class Sensitivity:
    folder: Path
    batch: Batch
    def __init__(self, folder: _PathLike) -> None: ...
    @property
    def indices(self) -> pd.DataFrame: ...
    @property
    def design(self) -> pd.DataFrame: ...

def run(
    config: Optional[_Config] = "baseline",
    trials: int = 1000,
    seed: int = 0,
    threads: Optional[int] = None,
    series: Optional[Iterable[str]] = None,
    progress: bool = True,
    *,
    out: Optional[_PathLike] = None,
    format: str = "parquet",
    every: str = "month",
    resume: bool = False,
    force: bool = False,
) -> Batch: ...
def compare(
    base: _Config,
    shock: _Config,
    trials: int = 1000,
    seed: int = 0,
    threads: Optional[int] = None,
    progress: bool = True,
    *,
    out: Optional[_PathLike] = None,
    format: str = "parquet",
    force: bool = False,
) -> Comparison: ...
def sweep(
    sweep_file: _PathLike,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: bool = True,
    *,
    out: Optional[_PathLike] = None,
    format: str = "parquet",
    force: bool = False,
) -> Sweep: ...
def sensitivity(
    config: _Config,
    method: str,
    samples: int,
    outcomes: Sequence[str],
    seed: int = 0,
    threads: Optional[int] = None,
    progress: bool = True,
    *,
    levels: int = 4,
    out: Optional[_PathLike] = None,
    format: str = "parquet",
    force: bool = False,
) -> Sensitivity: ...
def trial(config: Optional[_Config] = "baseline", seed: int = 0, trial: int = 0) -> pd.DataFrame: ...
def metrics() -> pd.DataFrame: ...
def load(folder: _PathLike) -> Union[Batch, Comparison, Sweep, Sensitivity]: ...

"""remsim from Python: run the rare-earth industry simulator and get pandas DataFrames.

The engine is remsim's Rust library, called in-process: batches run on remsim's own
threads with the GIL released, write the same results folder as the command line, and
are read back as DataFrames (typed: months as dates, names as categories, outcomes as
float64). Quick start::

    import remsim
    b = remsim.run(trials=200, seed=0)        # the embedded baseline
    b.summary                                 # quantiles of every metric, month by month
    b.trials                                  # one row of outcomes per trial
    remsim.load("results/baseline-s0").trials # any results folder, CSV or Parquet

Ctrl-C (KeyboardInterrupt) stops a batch after its current block and leaves a folder that
``remsim.run(out=folder, resume=True)`` (or ``remsim run --resume --out folder``) finishes.
A config with mistakes raises :class:`ConfigError` carrying remsim's
``file:line:col: field: expected …`` lines.
"""

from ._remsim import ConfigError, RemsimError, __version__
from ._results import Batch, Comparison, Sensitivity, Sweep, load
from ._api import compare, metrics, run, sensitivity, sweep, trial

__all__ = [
    "Batch",
    "Comparison",
    "ConfigError",
    "RemsimError",
    "Sensitivity",
    "Sweep",
    "__version__",
    "compare",
    "load",
    "metrics",
    "run",
    "sensitivity",
    "sweep",
    "trial",
]

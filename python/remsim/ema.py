"""remsim as a model of the EMA Workbench (``pip install ema_workbench``).

Uncertainties and levers are config paths — the names ``remsim check`` lists and sweep
files use, e.g. ``demand[ev-traction].growth_per_year`` or
``recyclers[ganzhou-recyclers].collection_rate`` — and outcomes are columns of the
trials table (``remsim.metrics()`` lists them). Each experiment runs a small batch of a
scenario that extends ``base`` and sets the experiment's values, and reports a statistic
of each outcome over its trials::

    from ema_workbench import perform_experiments
    import remsim.ema

    model = remsim.ema.model(
        "recycling",
        uncertainties={"demand[ev-traction].growth_per_year": (0.05, 0.15)},
        levers={"recyclers[ganzhou-recyclers].collection_rate": (0.01, 0.5)},
        outcomes=["price_mean.ndpr.cn.2035", "profit_cum.cn_musd"],
        trials=20,
    )
    experiments, outcomes = perform_experiments(model, scenarios=8, policies=2)

Every experiment uses the same ``seed``, so experiments differ only by their values
(common random numbers). The EMA Workbench wants identifiers as names, so each path's
parameter is named with its non-word characters replaced by ``_``
(``demand_ev_traction__growth_per_year``) and maps back to the path; outcome names are
treated the same way.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Dict, Mapping, Optional, Sequence, Tuple, Union

from . import _remsim
from ._api import run

Range = Tuple[float, float]


def identifier(path: str) -> str:
    """The EMA Workbench name of a config path or outcome column."""
    name = re.sub(r"\W", "_", path)
    return name if not name[:1].isdigit() else f"_{name}"


def model(
    name: str,
    uncertainties: Mapping[str, Range],
    outcomes: Sequence[str],
    levers: Optional[Mapping[str, Range]] = None,
    base: Union[str, Path] = "builtin:baseline",
    trials: int = 20,
    seed: int = 0,
    statistic: str = "median",
    threads: Optional[int] = None,
):
    """An ``ema_workbench.Model`` running remsim.

    ``uncertainties`` and ``levers`` map config paths to ``(low, high)`` ranges
    (``RealParameter``s); ``outcomes`` are trials columns, each reported as ``statistic``
    (``"median"``, ``"mean"``, or any pandas reduction name) over the ``trials`` trials of
    an experiment. ``base`` is the scenario the experiments extend: a file path, or the
    embedded baseline.
    """
    from ema_workbench import Model, RealParameter, ScalarOutcome

    base_ref = base if str(base).startswith("builtin:") else str(Path(base).resolve())
    workdir = tempfile.TemporaryDirectory(prefix="remsim-ema-")
    counter = {"n": 0}

    def experiment(**values: float) -> Dict[str, float]:
        paths = list(values)
        text = _remsim.point_config(base_ref, paths, [float(values[p]) for p in paths])
        counter["n"] += 1
        config = Path(workdir.name) / f"experiment-{counter['n']}.toml"
        config.write_text(text, encoding="utf-8")
        batch = run(
            config, trials=trials, seed=seed, threads=threads, progress=False, format="parquet"
        )
        table = batch.trials
        result = {identifier(o): float(getattr(table[o], statistic)()) for o in outcomes}
        _remove(batch.folder)
        return result

    m = Model(name, function=experiment)
    m.uncertainties = [
        RealParameter(identifier(p), float(lo), float(hi), variable_name=p)
        for p, (lo, hi) in uncertainties.items()
    ]
    m.levers = [
        RealParameter(identifier(p), float(lo), float(hi), variable_name=p)
        for p, (lo, hi) in (levers or {}).items()
    ]
    m.outcomes = [ScalarOutcome(identifier(o)) for o in outcomes]
    # The scenario files live as long as the model.
    m._remsim_workdir = workdir  # noqa: SLF001
    return m


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


__all__ = ["identifier", "model"]

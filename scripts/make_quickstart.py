"""Writes examples/quickstart.ipynb (unexecuted) from the cells below: the notebook's
source of truth, so its JSON stays reviewable. Run: python scripts/make_quickstart.py"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = [
    new_markdown_cell(
        "# remsim quickstart\n\n"
        "Run the baseline from Python, plot the Nd and Dy price fans, compare the "
        "rare-earth-free-motor shock with its base (paired trial by trial), and find which "
        "uncertain inputs drive an outcome. Install with `pip install ./python` from a clone "
        "of remsim; see docs/python.md."
    ),
    new_code_cell(
        "import os\n"
        "from pathlib import Path\n\n"
        "import matplotlib.pyplot as plt\n"
        "import pandas as pd\n"
        "import remsim\n\n"
        "# The repository root (the notebook lives in examples/).\n"
        "ROOT = Path.cwd() if (Path.cwd() / 'configs').exists() else Path.cwd().parent\n"
        "# Trials per batch: small enough to run in CI in seconds; raise it for real work.\n"
        "TRIALS = int(os.environ.get('REMSIM_NOTEBOOK_TRIALS', '200'))"
    ),
    new_markdown_cell("## The baseline\n\nA batch of the embedded baseline; `b.summary` holds "
                      "every metric's quantiles month by month, `b.trials` one row of outcomes per trial."),
    new_code_cell(
        "b = remsim.run(trials=TRIALS, seed=0)\n"
        "print(b, b.summary.shape, b.trials.shape)\n"
        "b.trials[['peak_price.nd.cn_usd_per_kg', 'peak_month.nd.cn', 'price_mean.dy.row.2030']].describe()"
    ),
    new_code_cell(
        "def fan(ax, summary, metric, title):\n"
        "    s = summary[summary['metric'] == metric]\n"
        "    ax.fill_between(s['date'], s['p05'], s['p95'], alpha=0.2, label='p05–p95')\n"
        "    ax.fill_between(s['date'], s['p25'], s['p75'], alpha=0.4, label='p25–p75')\n"
        "    ax.plot(s['date'], s['p50'], label='median')\n"
        "    ax.set_title(title)\n"
        "    ax.set_ylabel(s['unit'].iloc[0])\n\n"
        "fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))\n"
        "fan(axes[0], b.summary, 'price.nd.cn', 'Nd oxide price, China')\n"
        "fan(axes[1], b.summary, 'price.dy.row', 'Dy oxide price, rest of world')\n"
        "axes[0].legend()\n"
        "fig.tight_layout()"
    ),
    new_markdown_cell("## A shock: rare-earth-free motors\n\nBoth scenarios run with the same "
                      "seed, so trial *i* differs only by what the shock changes (common random numbers)."),
    new_code_cell(
        "c = remsim.compare('baseline', ROOT / 'configs/shocks/ree-free-motors.toml', trials=TRIALS, seed=0)\n"
        "c.outcomes.head(8)"
    ),
    new_code_cell(
        "fig, ax = plt.subplots(figsize=(6, 3.5))\n"
        "diff = c.diff_summary.assign(date=lambda d: pd.to_datetime(d['date'], format='%Y-%m'))\n"
        "fan(ax, diff,"
        "    'price.nd.cn', 'Nd price, China: shock − base (paired)')\n"
        "ax.axhline(0, color='k', lw=0.5)\n"
        "fig.tight_layout()"
    ),
    new_markdown_cell("## What drives the NdPr price?\n\nMorris elementary effects over the "
                      "baseline's uncertain parameters (`remsim.sensitivity`; Sobol' indices with "
                      "`method='sobol'`). The design and trials are in `s.batch` for SALib too."),
    new_code_cell(
        "s = remsim.sensitivity('baseline', method='morris', samples=4,\n"
        "                       outcomes=['price_mean.ndpr.cn.2030'], seed=0)\n"
        "s.indices.sort_values('mu_star', ascending=False).head(8)"
    ),
    new_code_cell(
        "# The same batch with SALib, as a cross-check of the top driver.\n"
        "from SALib.analyze import morris as morris_analyze\n"
        "import numpy as np\n"
        "names = list(s.design.columns[1:])\n"
        "problem = {'num_vars': len(names), 'names': names, 'bounds': [[0, 1]] * len(names)}\n"
        "y = s.batch.trials['price_mean.ndpr.cn.2030'].to_numpy()\n"
        "res = morris_analyze.analyze(problem, s.design[names].to_numpy(), y, num_levels=4)\n"
        "top_salib = names[int(np.argmax(res['mu_star']))]\n"
        "top_remsim = s.indices.sort_values('mu_star', ascending=False)['parameter'].iloc[0]\n"
        "print('top driver — remsim:', top_remsim, '| SALib:', top_salib)"
    ),
]

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
})
out = Path(__file__).resolve().parents[1] / "examples" / "quickstart.ipynb"
nbformat.write(nb, out)
print(f"wrote {out}")

"""Checks remsim's sensitivity and discovery results against the reference tools.

Usage: analysis_crosscheck.py sobol DIR | morris DIR | prim DIR

sobol:  SALib's sobol.analyze on DIR/trials.csv (design order) reproduces every S1 and ST
        of DIR/sensitivity.csv within 0.01, and DIR/design.csv is SALib's saltelli.sample.
morris: SALib's morris.analyze on DIR/design.csv and DIR/trials.csv reproduces mu_star
        and sigma within 0.01 (relative to the largest mu_star).
prim:   the EMA Workbench's prim on DIR/inputs.csv and the trials of interest finds the
        same peeling trajectory as DIR/discover.csv (restricted parameters, coverage and
        density within 0.05 at every point), and the selected box's coverage and density
        equal those recomputed from inputs.csv with its bounds.
"""

import sys
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
TOL = 0.01


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def problem_of(design):
    names = [c for c in design.columns if c != "trial"]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def sobol(folder):
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import saltelli

    design = pd.read_csv(f"{folder}/design.csv")
    trials = pd.read_csv(f"{folder}/trials.csv")
    ours = pd.read_csv(f"{folder}/sensitivity.csv")
    problem = problem_of(design)
    d = problem["num_vars"]
    n = len(design) // (d + 2)
    reference = saltelli.sample(problem, n, calc_second_order=False)
    gap = np.abs(reference - design[problem["names"]].to_numpy()).max()
    print(f"design.csv vs SALib saltelli.sample({n}): max |diff| = {gap:.3g}")
    if gap > 1e-12:
        fail("design.csv is not SALib's Saltelli design")
    worst = 0.0
    for outcome, rows in ours.groupby("outcome", sort=False):
        y = trials[outcome].to_numpy(dtype=float)
        si = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=1)
        rows = rows.set_index("parameter").loc[problem["names"]]
        for key in ["S1", "ST"]:
            delta = np.abs(rows[key].to_numpy() - si[key])
            worst = max(worst, delta.max())
            print(f"{outcome} {key}: max |remsim - SALib| = {delta.max():.2e} over {d} parameters")
    if worst > TOL:
        fail(f"Sobol' indices differ from SALib's by {worst}")


def morris(folder):
    from SALib.analyze import morris as morris_analyze

    design = pd.read_csv(f"{folder}/design.csv")
    trials = pd.read_csv(f"{folder}/trials.csv")
    ours = pd.read_csv(f"{folder}/sensitivity.csv")
    problem = problem_of(design)
    x = design[problem["names"]].to_numpy()
    worst = 0.0
    for outcome, rows in ours.groupby("outcome", sort=False):
        y = trials[outcome].to_numpy(dtype=float)
        si = morris_analyze.analyze(problem, x, y, num_levels=4, seed=1)
        rows = rows.set_index("parameter").loc[problem["names"]]
        scale = max(np.max(np.abs(si["mu_star"])), 1e-300)
        for key in ["mu_star", "sigma"]:
            delta = np.abs(rows[key].to_numpy() - np.asarray(si[key])) / scale
            worst = max(worst, delta.max())
            print(f"{outcome} {key}: max |remsim - SALib| / max mu_star = {delta.max():.2e}")
    if worst > TOL:
        fail(f"Morris measures differ from SALib's by {worst} (relative)")


def prim(folder, column, threshold):
    from ema_workbench.analysis import prim as ema_prim

    inputs = pd.read_csv(f"{folder}/inputs.csv")
    trials = pd.read_csv(f"{folder}/trials.csv")
    ours = pd.read_csv(f"{folder}/discover.csv")
    x = inputs.drop(columns="trial").astype(float)
    y = (trials[column] > threshold).to_numpy()
    base = y.mean()
    # For a binary y EMA's threshold both marks the cases of interest (y >= threshold) and
    # accepts the final box (mean >= threshold); a tiny one marks y == 1 and keeps any box,
    # so the whole trajectory compares (the peeling does not depend on it).
    alg = ema_prim.Prim(x, y, threshold=1e-9, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
    box = alg.find_box()
    theirs = box.peeling_trajectory
    points = ours.groupby("point", sort=True)
    print(f"trajectory: remsim {len(points)} points, EMA {len(theirs)} points; base rate {base:.3f}")
    if len(points) != len(theirs):
        fail("the peeling trajectories differ in length")
    init = box.box_lims[0]
    for (i, rows), (_, ref) in zip(points, theirs.iterrows()):
        lims = box.box_lims[i]
        restricted = sorted(c for c in x.columns if not (lims[c] == init[c]).all())
        mine = sorted(p for p in rows["parameter"].dropna())
        first = rows.iloc[0]
        if mine != restricted:
            fail(f"point {i}: remsim restricts {mine}, EMA {restricted}")
        for key in ["coverage", "density"]:
            if abs(first[key] - ref[key]) > 0.05:
                fail(f"point {i}: {key} {first[key]} vs EMA {ref[key]}")
    chosen = ours[ours["selected"] == 1]
    inside = np.ones(len(x), dtype=bool)
    for _, r in chosen.dropna(subset=["parameter"]).iterrows():
        inside &= (x[r["parameter"]] >= r["lower"]).to_numpy() & (x[r["parameter"]] <= r["upper"]).to_numpy()
    coverage = (y & inside).sum() / y.sum()
    density = (y & inside).sum() / inside.sum()
    row = chosen.iloc[0]
    print(
        f"selected point {int(row['point'])}: coverage {row['coverage']:.4f} (recomputed {coverage:.4f}), "
        f"density {row['density']:.4f} (recomputed {density:.4f}) = {density / base:.2f}x the base rate"
    )
    if abs(coverage - row["coverage"]) > 1e-12 or abs(density - row["density"]) > 1e-12:
        fail("the selected box's coverage or density does not recompute")


if __name__ == "__main__":
    kind, folder = sys.argv[1], sys.argv[2]
    if kind == "sobol":
        sobol(folder)
    elif kind == "morris":
        morris(folder)
    else:
        prim(folder, sys.argv[3], float(sys.argv[4]))
    print(f"{kind}: ok")

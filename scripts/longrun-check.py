#!/usr/bin/env python3
"""Issue 14's long-run figures from a results folder's summary.csv (standard library only).

Prints, per price metric of Nd, Pr, Dy, Tb, La and Ce in both regions: the median annual
price 2026-2030 as a multiple of the 2024 USGS MCS level (calibration.md section 8), the
max/min ratio of the median annual path over 2035-2050, and the p95/p05 ratio in the last
month of 2050; then China's median mine share at the end of 2035 and, from trials.csv, the
share of trial-months at the cap (worst element and region), at the floor and short (La,
Ce).

    python3 scripts/longrun-check.py results/baseline-s0
    python3 scripts/longrun-check.py --compare results/compare-...   # paired shock effects
"""
import csv
import collections
import sys
from pathlib import Path

# USGS MCS 2025 annual average, USD/kg oxide (calibration.md section 8).
MCS_2024 = {"nd": 56.0, "pr": 56.0, "dy": 260.0, "tb": 810.0, "la": 1.0, "ce": 1.0}


def main(folder: Path) -> None:
    rows = collections.defaultdict(dict)
    with open(folder / "summary.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["metric"]][row["date"]] = row

    def yearly_median(metric: str, year: int):
        values = [float(rows[metric][d]["p50"]) for d in rows[metric] if d.startswith(f"{year}-")]
        return sum(values) / len(values) if values else None

    print(f"{'metric':14} {'2026-30 p50 / MCS 2024':>28} {'35-50 max/min':>14} {'2050 p95/p05':>13}")
    for element in MCS_2024:
        for region in ("cn", "row"):
            metric = f"price.{element}.{region}"
            if metric not in rows:
                continue
            near = [yearly_median(metric, y) for y in range(2026, 2031)]
            near = " ".join(f"{v / MCS_2024[element]:.1f}" for v in near if v is not None)
            far = [v for v in (yearly_median(metric, y) for y in range(2035, 2051)) if v]
            last = rows[metric].get("2050-12")
            spread = float(last["p95"]) / float(last["p05"]) if last else float("nan")
            ratio = max(far) / min(far) if far else float("nan")
            print(f"{metric:14} {near:>28} {ratio:14.2f} {spread:13.1f}")
    share = rows.get("mine.cn_share", {}).get("2035-12")
    if share:
        print(f"China's mine share, 2035-12 median: {float(share['p50']):.3f}")
    trials_file = folder / "trials.csv"
    if trials_file.exists():
        months = len({d for d in rows.get("price.nd.cn", {})})
        with open(trials_file, newline="") as handle:
            trials = list(csv.DictReader(handle))
        if trials and months:
            total = len(trials) * months

            def share_of(column: str) -> float:
                return sum(float(t[column]) for t in trials) / total

            caps = [(share_of(c), c) for c in trials[0] if c.startswith("cap_months.")]
            worst = max(caps) if caps else (float("nan"), "-")
            print(f"trial-months at the cap, worst: {worst[0]:.3%} ({worst[1]})")
            floors = [
                f"{c.removeprefix('floor_months.')} {share_of(c):.1%}"
                for c in trials[0]
                if c.startswith("floor_months.")
                and c.split(".")[1] in ("nd", "pr", "dy", "tb", "la", "ce")
            ]
            print("trial-months at the floor: " + ", ".join(floors))
            short = [f"{e} {share_of('shortage_months.' + e):.1%}" for e in ("la", "ce")]
            print("trial-months short: " + ", ".join(short))


def compare(folder: Path) -> None:
    """Per year 2030-2050, the median paired difference (shock - base) of the Nd and Dy
    prices in both regions, as a share of the base's median: the annual mean of the monthly
    p50 of diff_summary.csv over the annual mean of the base's monthly p50."""
    def medians(path: Path):
        out = collections.defaultdict(lambda: collections.defaultdict(list))
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                out[row["metric"]][int(row["date"][:4])].append(float(row["p50"]))
        return out

    diff = medians(folder / "diff_summary.csv")
    base = medians(folder / "base" / "summary.csv")
    for metric in ("price.nd.cn", "price.nd.row", "price.dy.cn", "price.dy.row"):
        rel = []
        for year in range(2030, 2051):
            d = sum(diff[metric][year]) / len(diff[metric][year])
            b = sum(base[metric][year]) / len(base[metric][year])
            rel.append(d / b)
        print(f"{metric:14} min {min(rel):+.1%} max {max(rel):+.1%}  "
              + " ".join(f"{v:+.0%}" for v in rel[::5]))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--compare":
        compare(Path(sys.argv[2]))
    elif len(sys.argv) == 2:
        main(Path(sys.argv[1]))
    else:
        sys.exit(__doc__)

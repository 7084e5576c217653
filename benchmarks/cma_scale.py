"""CMA at scale: 10,000 subjects against 200,000 comps (issue 4 target: under 20 s on this machine).

    python benchmarks/cma_scale.py                          # 10,000 x 200,000; appends to RESULTS.md
    python benchmarks/cma_scale.py --subjects 2000 --comps 50000 --no-results

The comps are invented but shaped like a metro MLS export: 200,000 rows over about 60 x 60 miles in 40 towns of
different density (most sales within a few miles of a town centre, some rural), 24 months of closed sales (92%),
active (5%) and pending (3%) listings with list prices and days on market, 2% distressed, four property types,
prices from a hedonic formula with a town premium, a 0.5%/month trend and 10% noise. Subjects are 10,000 homes
placed the same way, valued as of one date (a refresh of 10,000 leads). Timed: parsing the comps (the same parsers
as the Comps sheet) and the whole CMA (selection with the cKDTree ladder, market areas, adjustments, calibration,
reconciliation), in one process, best of --repeat runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from leadtracker.cma import run_cma  # noqa: E402
from leadtracker.cma_data import parse_comps, subject_frame, usable_comps  # noqa: E402
from leadtracker.schema import COMP_COLUMNS  # noqa: E402

AS_OF = pd.Timestamp("2026-03-16")
TYPES = np.array(["Single Family", "Townhouse", "Condo", "Duplex"], dtype=object)


def _places(rng: np.random.Generator, n: int, towns: np.ndarray, spread: np.ndarray) -> tuple[np.ndarray, ...]:
    town = rng.integers(0, len(towns), n)
    rural = rng.random(n) < 0.05
    radius = np.where(rural, rng.uniform(0, 30, n), np.abs(rng.normal(0, spread[town])))
    angle = rng.uniform(0, 2 * np.pi, n)
    lat = towns[town, 0] + radius * np.sin(angle) / 69.0
    lon = towns[town, 1] + radius * np.cos(angle) / (69.0 * np.cos(np.radians(towns[town, 0])))
    return lat, lon, town


def _homes(rng: np.random.Generator, n: int, towns, spread, premium) -> dict[str, np.ndarray]:
    lat, lon, town = _places(rng, n, towns, spread)
    kind = rng.choice(len(TYPES), n, p=[0.7, 0.15, 0.1, 0.05])
    gla = np.clip(rng.lognormal(np.log(1800) - 0.3 * (kind == 2), 0.3, n), 500, 8000).round(-1)
    beds = np.clip(np.round(gla / 600 + rng.normal(0, 0.6, n)), 1, 7)
    baths = np.clip(np.round((gla / 900 + rng.normal(0, 0.4, n)) * 2) / 2, 1, 6)
    year = rng.integers(1920, 2025, n)
    lot = np.where(kind == 2, np.nan, np.clip(rng.lognormal(np.log(7000), 0.5, n), 1000, 200_000).round(-1))
    garage = np.where(kind == 2, 0, rng.integers(0, 4, n))
    return {"lat": lat, "lon": lon, "town": town, "kind": kind, "gla": gla, "beds": beds, "baths": baths,
            "year": year, "lot": lot, "garage": garage, "premium": premium[town]}


def make_comps(n: int, seed: int = 20260316) -> tuple[pd.DataFrame, tuple]:
    rng = np.random.default_rng(seed)
    towns = np.column_stack([rng.uniform(33.3, 34.2, 40), rng.uniform(-112.5, -111.5, 40)])
    spread = rng.uniform(0.5, 4.0, 40)
    premium = rng.normal(0, 0.25, 40)
    h = _homes(rng, n, towns, spread, premium)
    status = rng.choice(np.array(["Sold", "Active", "Pending"], dtype=object), n, p=[0.92, 0.05, 0.03])
    months_ago = rng.uniform(0, 24, n)
    sale_date = AS_OF - pd.to_timedelta(months_ago * 30.4375, unit="D")
    value = np.exp(12.0 + 0.55 * np.log(h["gla"] / 1800) + 0.04 * h["baths"] + 0.03 * h["garage"]
                   + 0.002 * (h["year"] - 1980) + h["premium"] - 0.005 * months_ago - 0.15 * (h["kind"] == 2)
                   + rng.normal(0, 0.10, n))
    distressed = rng.random(n) < 0.02
    price = np.where(distressed, value * 0.8, value).round(-2)
    list_price = (value / rng.uniform(0.93, 1.02, n)).round(-3)
    dom = rng.integers(3, 150, n)
    sold = status == "Sold"
    frame = pd.DataFrame({
        "Status": status, "Sale Price": np.where(sold, price, np.nan), "List Price": list_price,
        "Sale Date": np.where(sold, sale_date.to_numpy(), np.datetime64("NaT")),
        "List Date": (np.where(sold, sale_date.to_numpy(), np.datetime64(AS_OF))
                      - pd.to_timedelta(dom, unit="D").to_numpy()),
        "Days on Market": dom, "Beds": h["beds"], "Baths": h["baths"], "Sq Ft": h["gla"], "Lot Sq Ft": h["lot"],
        "Year Built": h["year"], "Garage Spaces": h["garage"], "Property Type": TYPES[h["kind"]],
        "Latitude": h["lat"].round(6), "Longitude": h["lon"].round(6),
        "Distressed": np.where(distressed, "REO", "Standard"), "MLS Number": [f"S{i:07d}" for i in range(n)],
        "ZIP": [f"85{t:03d}" for t in h["town"]],
    })
    frame["Sale Date"] = pd.to_datetime(frame["Sale Date"])
    frame = frame.reindex(columns=[c.name for c in COMP_COLUMNS])
    frame = frame.astype(object).where(frame.notna(), None)
    frame.index = pd.RangeIndex(2, n + 2)
    return frame, (rng, towns, spread, premium)


def make_subjects(n: int, world: tuple) -> pd.DataFrame:
    rng, towns, spread, premium = world
    h = _homes(rng, n, towns, spread, premium)
    values = pd.DataFrame({"Lead ID": [f"L-{i}" for i in range(n)], "Sq Ft": h["gla"], "Beds": h["beds"],
                           "Baths": h["baths"], "Year Built": h["year"], "Lot Sq Ft": h["lot"],
                           "Garage Spaces": h["garage"], "Property Type": TYPES[h["kind"]], "Latitude": h["lat"],
                           "Longitude": h["lon"], "ZIP": [f"85{t:03d}" for t in h["town"]]})
    return subject_frame(values, pd.Series(AS_OF, index=values.index))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--comps", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-results", action="store_true")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    raw, world = make_comps(args.comps)
    subjects = make_subjects(args.subjects, world)
    built = time.perf_counter() - start
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        comps = usable_comps(parse_comps(raw))
        t1 = time.perf_counter()
        run = run_cma(subjects, comps)
        t2 = time.perf_counter()
        runs.append((t2 - t0, t1 - t0, t2 - t1))
    total, parse_s, cma_s = min(runs)
    valued = int(run.values["mid"].notna().sum())
    pairs = len(run.lines)
    text = (f"| {args.subjects:,} | {args.comps:,} | {parse_s:.1f} | {cma_s:.1f} | **{total:.1f}** | {valued:,} "
            f"({valued / args.subjects:.1%}) | {pairs:,} | {len(run.markets):,} |")
    header = ("| Subjects | Comps | Parse comps s | CMA s | Total s | Valued | Comp lines | Market areas |\n"
              "|---:|---:|---:|---:|---:|---:|---:|---:|")
    verdict = (f"- {args.subjects:,} subjects x {args.comps:,} comps: {total:.1f} s against a target of under 20 s: "
               f"**{'met' if total < 20 else 'NOT met'}** (best of {args.repeat}; data built in {built:.0f} s; "
               f"k = {run.k:.2f} from {run.calibration.get('n')} recent sales).")
    print(header + "\n" + text + "\n\n" + verdict)
    if not args.no_results and args.subjects == 10_000 and args.comps == 200_000:
        machine = (f"`nproc` {os.cpu_count()}, {platform.platform()}; Python {platform.python_version()}, "
                   f"pandas {pd.__version__}, numpy {np.__version__}")
        section = (f"\n## CMA scale, {dt.datetime.now():%Y-%m-%d %H:%M}\n\n- Machine: {machine}\n"
                   f"- Command: `python benchmarks/cma_scale.py`\n- Data: see the docstring of "
                   "benchmarks/cma_scale.py (invented metro MLS export, one as-of date).\n\n"
                   + header + "\n" + text + "\n\n" + verdict + "\n")
        with open(ROOT / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as handle:
            handle.write(section)
    return 0 if total < 20 else 1


if __name__ == "__main__":
    sys.exit(main())

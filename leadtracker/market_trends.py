"""Market trends of an area, the way Fannie Mae's Form 1004MC reads a market (../shared/reference/cma.md §5).

From closed sales before the as-of date and the listings of the area:
- median price per sq ft of the last 3 months against the 3 months ending 3, 6 and 12 months earlier, as % change
  (a window with fewer than 5 sales is left blank rather than guessed);
- the 12-month trend of price per sq ft, annualised, labelled increasing / stable / declining at ±5% a year;
- median days on market and median sale-to-list ratio of the last 6 months;
- active and pending listings, and months of supply = active listings / closed sales per month (last 6 months).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 30.4375
MIN_WINDOW_SALES = 5
TREND_LABEL_LIMIT = 0.05  # a year


def _months_ago(as_of: np.datetime64, dates) -> np.ndarray:
    return (np.datetime64(as_of, "ns") - np.asarray(dates, "datetime64[ns]")).astype("timedelta64[s]").astype(float) \
        / 86400.0 / DAYS_PER_MONTH


def area_trends(sold: pd.DataFrame, listings: pd.DataFrame, as_of: np.datetime64) -> dict[str, object]:
    """Trend figures for one area; every figure is None when its window holds too few sales."""
    ago = _months_ago(as_of, sold["date"])
    ppsf = np.asarray(sold["price"], float) / np.asarray(sold["gla"], float)
    out: dict[str, object] = {}

    def median_ppsf(start: float, end: float) -> tuple[float | None, int]:
        inside = (ago >= start) & (ago < end) & np.isfinite(ppsf)
        n = int(inside.sum())
        return (float(np.median(ppsf[inside])) if n >= MIN_WINDOW_SALES else None), n

    now, n_now = median_ppsf(0, 3)
    out["ppsf_3mo"] = now
    out["sales_3mo"] = n_now
    for months in (3, 6, 12):
        before, _ = median_ppsf(months, months + 3)
        out[f"change_{months}mo"] = (now / before - 1.0) if now is not None and before is not None else None
    last_year = (ago < 12) & np.isfinite(ppsf) & (ppsf > 0)
    out["sales_12mo"] = int(last_year.sum())
    if last_year.sum() >= 10 and np.ptp(ago[last_year]) > 1:
        slope = np.polyfit(-ago[last_year], np.log(ppsf[last_year]), 1)[0]
        annual = float(np.exp(12 * slope) - 1)
        out["trend_12mo"] = annual
        out["trend_label"] = ("increasing" if annual > TREND_LABEL_LIMIT else
                              "declining" if annual < -TREND_LABEL_LIMIT else "stable")
    else:
        out["trend_12mo"], out["trend_label"] = None, None
    recent = ago < 6
    dom = np.asarray(sold["dom"], float)[recent]
    dom = dom[np.isfinite(dom)]
    out["dom_6mo"] = float(np.median(dom)) if len(dom) >= MIN_WINDOW_SALES else None
    ratio = (np.asarray(sold["price"], float) / np.asarray(sold["list"], float))[recent]
    ratio = ratio[(ratio >= 0.5) & (ratio <= 1.5)]
    out["sale_to_list_6mo"] = float(np.median(ratio)) if len(ratio) >= MIN_WINDOW_SALES else None
    status = np.asarray(listings["status"], object) if len(listings) else np.array([], dtype=object)
    active = int((status == "active").sum())
    out["active"] = active
    out["pending"] = int((status == "pending").sum())
    per_month = recent.sum() / 6.0
    out["months_supply"] = float(active / per_month) if active and per_month > 0 else None
    return out


def describe(trend: dict[str, object] | pd.Series) -> str:
    """One line an agent can read to a homeowner."""
    parts = []
    changes = [(m, trend.get(f"change_{m}mo")) for m in (3, 6, 12)]
    shown = [f"{_pct(v)} over {m} months" for m, v in changes if v is not None and v == v]
    if shown:
        parts.append("Median price per sq ft " + ", ".join(shown))
    label = trend.get("trend_12mo")
    if label is not None and label == label:
        parts.append(f"12-month trend {_pct(label)} a year ({trend.get('trend_label')})")
    dom = trend.get("dom_6mo")
    if dom is not None and dom == dom:
        parts.append(f"median {dom:.0f} days on market")
    ratio = trend.get("sale_to_list_6mo")
    if ratio is not None and ratio == ratio:
        parts.append(f"homes sold at {ratio:.1%} of list price")
    active = trend.get("active") or 0
    supply = trend.get("months_supply")
    if active:
        text = f"{active} active listing{'s' if active != 1 else ''}"
        if supply is not None and supply == supply:
            text += f" ({supply:.1f} months of supply)"
        parts.append(text)
    sales = trend.get("sales_12mo")
    if sales is not None:
        parts.append(f"{sales} sale{'s' if sales != 1 else ''} in the last 12 months")
    return "; ".join(parts) + "." if parts else "Too few sales to describe the market trend."


def _pct(value: float) -> str:
    return f"{value:+.1%}"

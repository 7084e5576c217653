"""CMA: low / mid / high for every subject from the comps behind it, with a confidence score and market trends.

    comps (cma_data) -> selection (cma_select) -> market areas and rates (cma_adjust) -> adjusted comps (time,
    listing discount, location, implied condition: a share of what a comp sold above or below homes like it
    nearby, then each fact)
    -> reconciliation: weights, mid, dispersion -> the subject's own earlier sale, where the comps file holds one
    (cma_own_sale), reconciled beside the comps by the two estimates' expected errors
    -> a range calibrated to hold about 80% of sale prices

Weights follow cma.md §4.2: similarity exp(-D) / (gross adjustment + 5%) x status (sold 1, pending 0.75, active
0.5). The half-width is h = max(5%, k x dispersion x sqrt(1 + 1/n)) + penalties (far comps, old comps, heavy
adjustments, only three comps, matched by ZIP, missing facts). k is calibrated on every run by valuing the most
recent closed sales before the as-of date the same way (no sale on or after it is ever seen), so the range holds
about 80% of sale prices in the market at hand; with too few such sales, the default measured on the benchmarks
serves. Confidence = 1 − expected error (the FSD convention): 1 − h / 1.2816.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .cma_adjust import FEATURES, MarketParams, Markets, adjust, market_areas
from .cma_data import SOLD
from .cma_own_sale import OwnSaleParams, own_sale_lines, own_sale_weight
from .cma_select import SelectParams, Selection, select_comps

STATUS_WEIGHT = {"sold": 1.0, "pending": 0.75, "active": 0.5}
Z80 = 1.2816  # the two-sided 80% point of a normal distribution


@dataclass(frozen=True)
class CmaParams:
    select: SelectParams = field(default_factory=SelectParams)
    market: MarketParams = field(default_factory=MarketParams)
    own_sale: OwnSaleParams = field(default_factory=OwnSaleParams)
    k: float | None = None          # None: calibrate on the run's own recent sales
    default_k: float = 1.6
    coverage: float = 0.80
    h_min: float = 0.05
    calibration_sample: int = 400
    calibration_min: int = 40
    weighted_median: bool = False
    round_to: float = 1000.0


@dataclass(frozen=True)
class CmaRun:
    values: pd.DataFrame     # per subject (subjects' index): low, mid, high, confidence, n_sold, n_listings, ...
    lines: pd.DataFrame      # per chosen comp (own False) and own earlier sale (own True): s, c, dist, D, price,
                             # adjustments, adjusted, weight, own_note, ...
    markets: pd.DataFrame    # per market area: rates, time rate, sale-to-list, trends
    k: float
    calibration: dict[str, object]
    comps: pd.DataFrame      # the comps `lines.c` points into (usable, not distressed)


def run_cma(subjects: pd.DataFrame, comps: pd.DataFrame, params: CmaParams = CmaParams()) -> CmaRun:
    """Value every subject. `comps` holds usable rows (cma_data.usable_comps); distressed ones are set aside here."""
    pool = comps[~comps["distressed"].to_numpy(bool)].reset_index(drop=True)
    subjects = subjects.reset_index(drop=False).rename(columns={subjects.index.name or "index": "_index"})
    values, lines, markets = _value(subjects, pool, params)
    k, calibration = (params.k, {"source": "given"}) if params.k is not None else calibrate(subjects, pool, params)
    values = _range(values, k, params)
    values.index = subjects["_index"].to_numpy()
    values.index.name = None
    return CmaRun(values, lines, markets.table, k, calibration, pool)


def _value(subjects: pd.DataFrame, pool: pd.DataFrame, params: CmaParams) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                                     Markets]:
    selection: Selection = select_comps(subjects, pool, params.select)
    markets = market_areas(subjects, pool, params.market)
    lines = adjust(selection.pairs, subjects, pool, markets)
    lines = _weights(lines, pool)
    values = _reconcile(lines, selection.subjects, subjects, markets, params)
    own = own_sale_lines(subjects, pool, markets, params.market, params.own_sale)
    values, lines = _with_own_sale(values, lines.assign(own=False, own_note=None), own, params)
    return values, lines, markets


def _with_own_sale(values: pd.DataFrame, lines: pd.DataFrame, own: pd.DataFrame,
                   params: CmaParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reconcile the comps' value with the subject's own earlier sale: mid = (1 - w) x comps + w x own sale; the
    comps' weights shrink by (1 - w) and the dispersion is taken over every weighted line around the new mid."""
    values = values.assign(own_weight=0.0, own_adjusted=np.nan, comps_mid=values["mid_raw"])
    if own.empty:
        return values, lines
    s = own["s"].to_numpy()
    grid, disp = values["mid_raw"].to_numpy(float)[s], values["disp"].to_numpy(float)[s]
    w = own_sale_weight(own, np.where(np.isfinite(grid), disp, np.nan), params.own_sale)
    own = own.assign(weight=w)
    own.loc[~np.isfinite(grid) & own["own_note"].isna().to_numpy(), "own_note"] = (
        "not weighed: too few comparable sales for a value")
    x = own["adjusted"].to_numpy(float)
    mid = np.where(w > 0, (1 - w) * grid + w * np.nan_to_num(x), grid)
    spread = (1 - w) * ((disp * grid) ** 2 + (grid - mid) ** 2) + w * (np.nan_to_num(x) - mid) ** 2
    values.loc[values.index[s], "mid_raw"] = mid
    values.loc[values.index[s], "disp"] = np.where(w > 0, np.sqrt(spread) / mid, disp)
    values.loc[values.index[s], "own_weight"] = w
    values.loc[values.index[s], "own_adjusted"] = x
    share = pd.Series(1 - w, index=s).reindex(lines["s"].to_numpy()).fillna(1.0).to_numpy()
    lines = lines.assign(weight=lines["weight"].to_numpy(float) * share)
    return values, pd.concat([lines, own.reindex(columns=lines.columns)], ignore_index=True)


def _weights(lines: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    if lines.empty:
        return lines.assign(weight=pd.Series(dtype=float), status=pd.Series(dtype=object))
    status = pool["status"].to_numpy(object)[lines["c"].to_numpy()]
    status_weight = pd.Series(status).map(STATUS_WEIGHT).fillna(0).to_numpy(float)
    raw = np.exp(-lines["D"].to_numpy(float)) / (lines["gross_pct"].to_numpy(float) + 0.05) * status_weight
    raw = np.where(lines["usable"].to_numpy(bool), raw, 0.0)
    total = pd.Series(raw).groupby(lines["s"].to_numpy()).transform("sum").to_numpy()
    return lines.assign(weight=np.where(total > 0, raw / np.where(total > 0, total, 1), 0.0), status=status)


def _reconcile(lines: pd.DataFrame, info: pd.DataFrame, subjects: pd.DataFrame, markets: Markets,
               params: CmaParams) -> pd.DataFrame:
    n = len(subjects)
    out = info.copy()
    out["area"] = markets.area_of
    for name in ("mid_raw", "disp", "gross_median", "oldest_months", "n_sold", "n_listings"):
        out[name] = np.nan
    if not lines.empty:
        used = lines[lines["weight"] > 0]
        s = used["s"].to_numpy()
        w, a = used["weight"].to_numpy(float), used["adjusted"].to_numpy(float)
        mid = pd.Series(w * a).groupby(s).sum()
        if params.weighted_median:
            mid = _weighted_median(used)
        centre = mid.reindex(s).to_numpy()
        disp = np.sqrt(pd.Series(w * (a - centre) ** 2).groupby(s).sum()) / mid
        groups = used.groupby("s")
        out.loc[mid.index, "mid_raw"] = mid.to_numpy()
        out.loc[disp.index, "disp"] = disp.to_numpy()
        out.loc[mid.index, "gross_median"] = groups["gross_pct"].median()
        out.loc[mid.index, "oldest_months"] = groups["months"].max()
        out.loc[mid.index, "n_sold"] = (~used["listing"]).groupby(s).sum()
        out.loc[mid.index, "n_listings"] = used["listing"].groupby(s).sum()
    missing = np.zeros(n)
    for feature, penalty in (("gla", 0.05), ("beds", 0.01), ("baths", 0.01), ("yb", 0.01)):
        missing += np.where(subjects[feature].isna().to_numpy(), penalty, 0.0)
    penalties = (0.02 * (out["radius"].to_numpy(float) > 1.0) + 0.02 * (out["oldest_months"].to_numpy(float) > 6)
                 + 0.02 * (out["gross_median"].to_numpy(float) > 0.25) + 0.03 * (out["n_sold"].to_numpy(float) <= 3)
                 + 0.03 * (out["by"].to_numpy(object) == "ZIP") + 0.02 * (out["months"].to_numpy(float) > 12)
                 + missing)
    out["penalty"] = penalties
    return out


def _weighted_median(used: pd.DataFrame) -> pd.Series:
    ordered = used.sort_values(["s", "adjusted"])
    cum = ordered.groupby("s")["weight"].cumsum()
    first = ordered[cum.to_numpy() >= 0.5].groupby("s")["adjusted"].first()
    return first


def _half_width(values: pd.DataFrame, k: float, params: CmaParams) -> np.ndarray:
    n = values["n_sold"].to_numpy(float) + values["n_listings"].to_numpy(float)
    spread = k * values["disp"].to_numpy(float) * np.sqrt(1 + 1 / np.maximum(n, 1))
    return np.maximum(params.h_min, spread) + values["penalty"].to_numpy(float)


def _range(values: pd.DataFrame, k: float, params: CmaParams) -> pd.DataFrame:
    out = values.copy()
    h = _half_width(out, k, params)
    mid = out["mid_raw"].to_numpy(float)
    step = params.round_to
    out["mid"] = np.round(mid / step) * step
    out["low"] = np.round(mid * (1 - h) / step) * step
    out["high"] = np.round(mid * (1 + h) / step) * step
    out["half_width"] = h
    out["confidence"] = np.clip(1 - h / Z80, 0, 0.99)
    blank = ~np.isfinite(mid)
    out.loc[blank, ["mid", "low", "high", "half_width", "confidence"]] = np.nan
    return out


def calibration_subjects(pool: pd.DataFrame, first_as_of: np.datetime64, sample: int) -> pd.DataFrame:
    """The most recent closed sales before the earliest as-of date, as subjects valued at their own sale date."""
    recent = pool[(pool["status"] == SOLD) & (pool["date"] < first_as_of) &
                  (pool["date"] >= first_as_of - np.timedelta64(365, "D"))]
    recent = recent.sort_values("date", ascending=False, kind="stable").head(sample)
    subjects = recent[["beds", "baths", "gla", "lot", "yb", "eff_yb", "garage", "type", "quality", "cond", "wf",
                       "area", "lat", "lon", "zip", "parcel", "address"]].copy()
    subjects["id"] = recent["cid"]
    subjects["as_of"] = recent["date"]
    subjects["_truth"] = recent["price"]
    return subjects.reset_index(drop=True)


def calibrate(subjects: pd.DataFrame, pool: pd.DataFrame, params: CmaParams) -> tuple[float, dict[str, object]]:
    """The k whose range holds `params.coverage` of recent sale prices, valued as the subjects are."""
    if subjects.empty:
        return params.default_k, {"source": "default", "n": 0}
    first = subjects["as_of"].min().to_datetime64()
    sample = calibration_subjects(pool, first, params.calibration_sample)
    if len(sample) < params.calibration_min:
        return params.default_k, {"source": "default", "n": len(sample)}
    values, _, _ = _value(sample, pool, params)
    truth = sample["_truth"].to_numpy(float)
    mid = values["mid_raw"].to_numpy(float)
    ok = np.isfinite(mid)
    if ok.sum() < params.calibration_min:
        return params.default_k, {"source": "default", "n": int(ok.sum())}
    error = np.abs(truth[ok] / mid[ok] - 1)
    grid = np.arange(0.0, 6.01, 0.05)
    cover = np.array([(error <= _half_width(values[ok], k, params)).mean() for k in grid])
    reach = np.flatnonzero(cover >= params.coverage)
    k = float(grid[reach[0]]) if len(reach) else float(grid[-1])
    return k, {"source": "recent sales", "n": int(ok.sum()), "coverage": float(cover[grid == k][0]),
               "mdape": float(np.median(error))}


__all__ = ["CmaParams", "CmaRun", "run_cma", "FEATURES"]

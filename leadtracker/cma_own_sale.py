"""The subject's own earlier sale: its price moved to the as-of date by the area's price index, one more line of
the reconciliation beside the comps (never one of them).

Why: appraisal practice analyses the subject's own sales (USPAP Standards Rule 1-5(b): sales of the subject within
the prior three years; Fannie Mae Selling Guide B4-1.3-08: the subject's prior sale and transfer history), and a
home's own price carries what no comp can: its condition and finish. On the Seattle sales (benchmarks/RESULTS.md),
19% of the subjects had an earlier sale in the file; moved by the index, a sale 12-36 months old was within a median
6.5% of the new price (the comps: 10%), 4-7 years old within 8%, but under 12 months old 12-22% off: quick resales
follow renovations (flips), so such a sale is shown and not weighed.

Which sale: the latest closed sale of the same home before the as-of date (distressed sales are already out of the
pool): the same Parcel ID when both rows have one, else the same address, else the same spot (within about 30 feet)
with the same Sq Ft and Year Built. A sale on or after the as-of date is never seen.

Time: a monthly index like the comps' (cma_adjust.TimeIndex), over the 84 months before the as-of month so that
older sales are covered; a sale before the index's first month, or an area without an index, gets no weight.
Facts recorded differently at that sale (an addition, a new bath) are adjusted at the area's rates, as a comp's.

Weight: the two estimates are combined by their expected errors (inverse variance): w = v_comps / (v_comps + v_own),
v_comps = dispersion of the adjusted comps² + 3%² (agreeing comps still miss), v_own = (8% + 2% a year beyond two
years)²: about half on average where the sale is 1-4 years old.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .cma_adjust import Cols, MarketParams, Markets, TimeIndex, _index_cell, adjust
from .cma_data import SOLD
from .cma_select import DAYS_PER_MONTH, _fold, chord, months_between, unit_xyz


@dataclass(frozen=True)
class OwnSaleParams:
    use: bool = True
    index_months: int = 84          # the index that moves the sale reaches this far back
    min_months: float = 12.0        # a resale sooner is shown, not weighed (renovation flips)
    same_spot_feet: float = 30.0
    comps_floor: float = 0.03       # error of the comps even when they agree
    own_error: float = 0.08         # error of the moved sale up to two years old
    own_error_per_year: float = 0.02  # and its growth beyond two years


NOT_WEIGHED = {
    "recent": "not weighed: sold less than 12 months before; a quick resale often follows a renovation",
    "no_index": "not weighed: no price index of the area reaches back to this sale",
}


def find_own_sales(subjects: pd.DataFrame, pool: pd.DataFrame, params: OwnSaleParams = OwnSaleParams()
                   ) -> pd.DataFrame:
    """Per subject with one: s (subject position), c (pool position) of its latest earlier closed sale."""
    empty = pd.DataFrame({"s": pd.Series(dtype=np.int64), "c": pd.Series(dtype=np.int64)})
    if subjects.empty or pool.empty:
        return empty
    sold = pool["status"].eq(SOLD).to_numpy() & pool["date"].notna().to_numpy()
    comps = pd.DataFrame({"c": np.arange(len(pool)), "date": pool["date"].to_numpy("datetime64[ns]"),
                          "parcel": pool["parcel"].to_numpy(object), "addr": _fold(pool["address"].to_numpy(object)),
                          "gla": pool["gla"].to_numpy(float), "yb": pool["yb"].to_numpy(float),
                          "lat": pool["lat"].to_numpy(float), "lon": pool["lon"].to_numpy(float)})[sold]
    subs = pd.DataFrame({"s": np.arange(len(subjects)), "as_of": subjects["as_of"].to_numpy("datetime64[ns]"),
                         "parcel": subjects["parcel"].to_numpy(object),
                         "addr": _fold(subjects["address"].to_numpy(object)),
                         "gla": subjects["gla"].to_numpy(float), "yb": subjects["yb"].to_numpy(float),
                         "lat": subjects["lat"].to_numpy(float), "lon": subjects["lon"].to_numpy(float)})
    facts = ["s", "c", "date", "as_of"]
    by_parcel = subs.dropna(subset=["parcel"]).merge(comps.dropna(subset=["parcel"]), on="parcel")
    by_address = subs.dropna(subset=["addr"]).merge(comps.dropna(subset=["addr"]), on="addr",
                                                     suffixes=("", "_c"))
    by_address = by_address[~_differ(by_address["parcel"], by_address["parcel_c"])]
    by_spot = _same_spot(subs, comps, params)
    by_spot = by_spot[~_differ(by_spot["parcel"], by_spot["parcel_c"]) & ~_differ(by_spot["addr"], by_spot["addr_c"])]
    found = [by_parcel[facts], by_address[facts], by_spot[facts]]
    pairs = pd.concat(found, ignore_index=True).drop_duplicates(["s", "c"])
    pairs = pairs[pairs["date"] < pairs["as_of"]]
    if pairs.empty:
        return empty
    latest = pairs.sort_values(["s", "date", "c"]).groupby("s").tail(1)
    return latest[["s", "c"]].astype(np.int64).sort_values("s").reset_index(drop=True)


def _differ(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Both known and not equal (two different homes)."""
    return (a.notna() & b.notna() & (a.astype(object) != b.astype(object))).to_numpy(bool)


def _same_spot(subs: pd.DataFrame, comps: pd.DataFrame, params: OwnSaleParams) -> pd.DataFrame:
    """Sales within a few feet of the subject with the same Sq Ft and Year Built (where both are known)."""
    columns = ["s", "c", "date", "as_of", "parcel", "parcel_c", "addr", "addr_c"]
    subs = subs.dropna(subset=["lat", "lon", "gla"])
    comps = comps.dropna(subset=["lat", "lon", "gla"])
    if subs.empty or comps.empty:
        return pd.DataFrame(columns=columns)
    from scipy.spatial import cKDTree

    tree = cKDTree(unit_xyz(comps["lat"].to_numpy(), comps["lon"].to_numpy()))
    near = tree.query_ball_point(unit_xyz(subs["lat"].to_numpy(), subs["lon"].to_numpy()),
                                 r=chord(params.same_spot_feet / 5280.0))
    lengths = np.fromiter((len(x) for x in near), dtype=np.int64, count=len(near))
    if not lengths.sum():
        return pd.DataFrame(columns=columns)
    left = subs.iloc[np.repeat(np.arange(len(subs)), lengths)].reset_index(drop=True)
    right = comps.iloc[np.concatenate([np.asarray(x, dtype=np.int64) for x in near])].reset_index(drop=True)
    yb_left, yb_right = left["yb"].to_numpy(), right["yb"].to_numpy()
    same = (left["gla"].to_numpy() == right["gla"].to_numpy()) & (
        (yb_left == yb_right) | np.isnan(yb_left) | np.isnan(yb_right))
    return pd.DataFrame({"s": left["s"].to_numpy()[same], "c": right["c"].to_numpy()[same],
                         "date": right["date"].to_numpy()[same], "as_of": left["as_of"].to_numpy()[same],
                         "parcel": left["parcel"].to_numpy()[same], "parcel_c": right["parcel"].to_numpy()[same],
                         "addr": left["addr"].to_numpy()[same], "addr_c": right["addr"].to_numpy()[same]})


def long_indexes(own: pd.DataFrame, subjects: pd.DataFrame, pool: pd.DataFrame, markets: Markets,
                 market_params: MarketParams, params: OwnSaleParams) -> tuple[object, ...]:
    """Per market area holding an own sale: a price index over `params.index_months` (else None)."""
    out: list[object] = [None] * len(markets.table)
    if own.empty:
        return tuple(out)
    index_params = replace(market_params, index_months=params.index_months)
    sold = pool["status"].eq(SOLD).to_numpy() & (pool["type"].to_numpy(object) != "Land")
    dates = pool["date"].to_numpy("datetime64[ns]")
    lat, lon = pool["lat"].to_numpy(float), pool["lon"].to_numpy(float)
    has_xy = np.isfinite(lat) & np.isfinite(lon)
    xyz = unit_xyz(np.nan_to_num(lat), np.nan_to_num(lon))
    zips = pool["zip"].to_numpy(object)
    columns = Cols.of(pool)
    cache: dict[tuple[object, ...], object] = {}
    trees: dict[np.datetime64, tuple[object, np.ndarray]] = {}
    area_of = markets.area_of[own["s"].to_numpy()]
    for a in np.unique(area_of[area_of >= 0]):
        s = own["s"].to_numpy()[area_of == a][0]
        as_of = subjects["as_of"].to_numpy("datetime64[ns]")[s]
        month_start = np.datetime64(as_of, "M").astype("datetime64[ns]")
        start = month_start - np.timedelta64(int(params.index_months * DAYS_PER_MONTH), "D")
        window = sold & (dates >= start) & (dates < month_start)
        sub_lat, sub_lon = subjects["lat"].to_numpy(float)[s], subjects["lon"].to_numpy(float)[s]
        if np.isfinite(sub_lat) and np.isfinite(sub_lon):
            cell, centre = _index_cell(sub_lat, sub_lon, market_params.index_cell_miles)
            key: tuple[object, ...] = (month_start, "cell", cell)
            if key not in cache:
                if month_start not in trees:
                    from scipy.spatial import cKDTree

                    rows = np.flatnonzero(window & has_xy)
                    trees[month_start] = (cKDTree(xyz[rows]) if len(rows) else None, rows)
                tree, rows = trees[month_start]
                chosen = (rows[np.atleast_1d(tree.query(centre, k=min(market_params.index_cap, len(rows)))[1])]
                          if tree is not None else rows)
                cache[key] = TimeIndex.build(columns.take(chosen), month_start, index_params)
        else:
            zip_code = subjects["zip"].to_numpy(object)[s]
            key = (month_start, "zip", zip_code)
            if key not in cache:
                cache[key] = TimeIndex.build(columns.take(np.flatnonzero(window & (zips == zip_code))), month_start,
                                             index_params)
        out[a] = cache[key]
    return tuple(out)


def own_sale_lines(subjects: pd.DataFrame, pool: pd.DataFrame, markets: Markets, market_params: MarketParams,
                   params: OwnSaleParams = OwnSaleParams(), indexes: tuple[object, ...] | None = None
                   ) -> pd.DataFrame:
    """One adjusted line per subject with an own sale: time by the long index (per market area; measured here
    unless given), no location adjustment (same place), facts by the area's rates; `own_note` says why a line is
    not weighed (None when it is)."""
    own = find_own_sales(subjects, pool, params) if params.use else pd.DataFrame({"s": [], "c": []})
    own = own[markets.area_of[own["s"].to_numpy(np.int64)] >= 0] if len(own) else own
    if own.empty:
        return pd.DataFrame()
    if indexes is None:
        indexes = long_indexes(own, subjects, pool, markets, market_params, params)
    pairs = pd.DataFrame({"s": own["s"].to_numpy(np.int64), "c": own["c"].to_numpy(np.int64), "dist": 0.0, "D": 0.0,
                          "months": 0.0, "listing": False})
    lines = adjust(pairs, subjects, pool, replace(markets, indexes=indexes, locations=()))
    as_of = subjects["as_of"].to_numpy("datetime64[ns]")[pairs["s"].to_numpy()]
    sale = pool["date"].to_numpy("datetime64[ns]")[pairs["c"].to_numpy()]
    lines["months"] = months_between(as_of, sale)
    index = [indexes[a] for a in markets.area_of[pairs["s"].to_numpy()]]
    covered = np.array([i is not None and sale_day >= i.mid_days[0] - 15
                        for i, sale_day in zip(index, sale.astype("datetime64[D]").astype(float))], dtype=bool)
    lines["own_note"] = np.where(lines["months"].to_numpy() < params.min_months, NOT_WEIGHED["recent"],
                                 np.where(covered, None, NOT_WEIGHED["no_index"]))
    lines["own_note"] = lines["own_note"].astype(object).where(lines["own_note"].notna(), None)
    lines["own"] = True
    lines["status"] = SOLD
    return lines


def own_sale_weight(own_lines: pd.DataFrame, disp: np.ndarray, params: OwnSaleParams = OwnSaleParams()
                    ) -> np.ndarray:
    """The own sale's share of the value, per own-sale line: v_comps / (v_comps + v_own); 0 when not weighed."""
    years_beyond_two = np.maximum(own_lines["months"].to_numpy(float) - 24.0, 0.0) / 12.0
    v_own = (params.own_error + params.own_error_per_year * years_beyond_two) ** 2
    v_comps = np.nan_to_num(disp, nan=0.0) ** 2 + params.comps_floor ** 2
    weight = v_comps / (v_comps + v_own)
    usable = own_lines["own_note"].isna().to_numpy() & np.isfinite(own_lines["adjusted"].to_numpy(float))
    return np.where(usable & np.isfinite(disp), weight, 0.0)

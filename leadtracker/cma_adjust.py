"""Market areas and the adjustments that bring each comp to the subject.

A market area is the neighbourhood a group of subjects shares (same property type, same as-of month, a cell of
about 2 miles, or a ZIP for subjects without coordinates). For each area, from its closed sales before the as-of
date only (../shared/reference/cma.md §2):

- time: a monthly price index of the area (a hedonic index: log price on the sale month, with size, quality,
  age, baths, lot, property type and location held constant, Huber-robust) over the 36 whole months before the
  as-of month, on the nearest 4,000 sales (houses and townhouses together), smoothed over 3 months; a comp moves
  by the index from its sale date to the as-of date, the days after the last full month carried on at the
  index's slope of the last 12 months (clipped to ±2% a month). Seattle rose about 1% a month in 2015-16 in
  steps a straight line misses; the index cut the Seattle error (benchmarks/RESULTS.md). Where the index cannot
  be measured (fewer than 200 sales or 12 months), the old rule serves: the monthly rate of a log-linear fit over
  the last 12 months, 0 unless |t| >= 2;
- rates: a robust (Huber) regression of the log of the time-adjusted price on log living area, baths, garage, log
  lot, year built, quality, condition and beds over 24 months, location held constant. A rate is a share of the
  comp's price per unit of difference (a bath worth 4% of a comp's price here); living area and lot are
  elasticities (1% more living area is worth rate_gla % more). Each rate is clipped to sane bounds and blended
  with a rule-of-thumb grid when the area has few sales (all rule of thumb below 5 sales per rate);
- sale-to-list: the median sale / list price of the last 6 months (12 when thin), trimmed to 0.5-1.5, which turns
  a listing's asking price into an expected sale price.

Each comp is adjusted in a fixed order (time, list-to-sale, then each feature), every step a dollar amount equal to
the price so far times (exp(rate x (subject - comp)) - 1): the dollar lines add up exactly to the adjusted price,
and a percentage rate stays right for a $200,000 comp and a $2,000,000 one. Multiplicative adjustments of a
log-linear hedonic model beat dollar ones on the Seattle sales (benchmarks/RESULTS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cma_select import DAYS_PER_MONTH, age_years, chord, chord_to_miles, months_between, unit_xyz
from .cma_data import SOLD
from .market_trends import area_trends

FEATURES = ("gla", "baths", "garage", "lot", "yb", "quality", "cond", "beds")
ADJUSTMENT_NAMES = {"gla": "Size", "beds": "Beds", "baths": "Baths", "garage": "Garage", "lot": "Lot",
                    "yb": "Age", "quality": "Quality", "cond": "Condition"}
LOG_FEATURES = ("gla", "lot")  # adjusted by the log ratio (elasticities)
# Rule-of-thumb rates and clip bounds (cma.md §2.2), as shares of price: GLA 0.40 x price per sq ft [0.15, 0.75] is
# an elasticity of 0.40 [0.15, 0.75]; a bath 4% [0, 8%]; a garage space 3% [0, 8%]; a year of age 0.2% [0, 1%]; a
# condition step 3% [0, 6%]; beds 0 [-3%, 3%] (living area carries them). Lot and quality grade are ours: a lot
# elasticity of 0.05 [0, 0.25]; a quality grade step 6% [0, 25%] (a county grade step is a different build).
FALLBACK = {"gla": 0.40, "beds": 0.0, "baths": 0.04, "garage": 0.03, "lot": 0.05, "yb": 0.002, "quality": 0.06,
            "cond": 0.03}
BOUNDS = {"gla": (0.15, 0.75), "beds": (-0.03, 0.03), "baths": (0.0, 0.08), "garage": (0.0, 0.08),
          "lot": (0.0, 0.25), "yb": (0.0, 0.01), "quality": (0.0, 0.25), "cond": (0.0, 0.06)}


POOL_COLUMNS = ("price", "list", "olp", "date", "dom", "gla", "lot", "lat", "lon", "area", "status", "type",
                "eff_yb", *FEATURES)


class Cols(dict):
    """A pool of comps as numpy columns: market areas are measured thousands of times, and plain arrays cost a
    fraction of DataFrame indexing."""

    @classmethod
    def of(cls, frame: "pd.DataFrame | Cols", index: np.ndarray | None = None) -> "Cols":
        if isinstance(frame, Cols):
            return frame if index is None else frame.take(index)
        arrays = {name: frame[name].to_numpy() for name in dict.fromkeys(POOL_COLUMNS) if name in frame}
        out = cls(arrays)
        return out if index is None else out.take(index)

    def take(self, rows: np.ndarray) -> "Cols":
        return Cols({name: values[rows] for name, values in self.items()})

    def __len__(self) -> int:
        return len(next(iter(self.values()))) if dict.__len__(self) else 0


@dataclass(frozen=True)
class MarketParams:
    cell_miles: float = 2.0
    pool_radii: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0, 25.0)
    pool_min: int = 80            # closed sales in 24 months that make a market area
    pool_cap: int = 500           # at most the nearest this many
    pool_months: int = 24
    trend_months: int = 12
    trend_min: int = 30
    max_monthly_rate: float = 0.02
    slr_months: int = 6
    slr_min: int = 5
    huber: float = 1.5
    iterations: int = 4
    location_k: int = 40          # nearest sales behind a location level ...
    location_decay: float = 5.0   # ... each weighted exp(-decay x miles): a sale 0.14 mi away counts half
    location_weight: float = 1.0
    location_limit: float = 0.20
    # a comp that sold above (below) homes like it around it likely had better (worse) condition or updates than its
    # facts show: that share of its premium comes off (goes on), the premium read at most +-limit (log)
    premium_share: float = 0.25
    premium_limit: float = 0.30
    index_months: int = 36        # the monthly price index: months of sales before the as-of date
    index_cap: int = 4000         # at most the nearest this many sales
    index_min: int = 200          # fewer: no index, the 12-month slope serves
    index_smooth: int = 3         # months in the centred moving average
    use_index: bool = True
    index_all_types: bool = True  # houses and townhouses share one index (a type term holds the gap)
    index_cell_miles: float = 25.0  # one index per cell this size and as-of month (around the cell's centre)


@dataclass(frozen=True)
class Markets:
    area_of: np.ndarray           # per subject: its row in `table`, or -1
    table: pd.DataFrame           # per area: n, M, P, lot cap, rate_*, time rate and its evidence, SLR, trends
    locations: tuple[object, ...] = ()  # per area: its LocationIndex, or None
    indexes: tuple[object, ...] = ()    # per area: its TimeIndex, or None (then the area's time_rate serves)


def market_areas(subjects: pd.DataFrame, comps: pd.DataFrame, params: MarketParams = MarketParams()) -> Markets:
    """Group subjects into market areas and measure each area from the comps sold before its as-of date."""
    n = len(subjects)
    keys = _area_keys(subjects, params)
    area_of = np.full(n, -1, dtype=np.int64)
    rows: list[dict[str, object]] = []
    if n == 0:
        return Markets(area_of, pd.DataFrame())
    comp_xyz = unit_xyz(np.nan_to_num(comps["lat"].to_numpy(float)), np.nan_to_num(comps["lon"].to_numpy(float)))
    has_xy = comps["lat"].notna().to_numpy() & comps["lon"].notna().to_numpy()
    sold = comps["status"].eq(SOLD).to_numpy()
    dates = comps["date"].to_numpy("datetime64[ns]")
    listed = comps["listed"].to_numpy("datetime64[ns]")
    types = comps["type"].to_numpy(object)
    zips = comps["zip"].to_numpy(object)
    columns = Cols.of(comps)
    masks: dict[tuple[object, object], tuple[np.ndarray, np.ndarray]] = {}
    trees: dict[tuple[object, object], tuple[object, np.ndarray, object, np.ndarray]] = {}
    locations: list[object] = []
    indexes: list[object] = []
    index_trees: dict[tuple[object, object], tuple[object, np.ndarray]] = {}
    index_cache: dict[tuple[object, ...], object] = {}
    for key, members in pd.Series(np.arange(n)).groupby(keys, sort=True):
        members = members.to_numpy()
        first = subjects["as_of"].iloc[members].min().to_datetime64()
        subject_type = key[1]
        if (first, subject_type) not in masks:
            typed = types == subject_type if subject_type != "" else types != "Land"
            start = first - np.timedelta64(int(params.pool_months * DAYS_PER_MONTH), "D")
            masks[(first, subject_type)] = (typed & sold & (dates >= start) & (dates < first),
                                            typed & ~sold & ~(listed >= first))
        in_time, listings = masks[(first, subject_type)]
        where = key[2]
        if where[0] == "cell":
            if (first, subject_type) not in trees:
                trees[(first, subject_type)] = (*_tree(comp_xyz, in_time & has_xy), *_tree(comp_xyz, listings & has_xy))
            sold_tree, sold_index, listing_tree, listing_index = trees[(first, subject_type)]
            centre = unit_xyz(np.array([subjects["lat"].iloc[members].mean()]),
                              np.array([subjects["lon"].iloc[members].mean()]))[0]
            pool, radius = _pool_by_radius(centre, sold_tree, sold_index, params)
            near = (listing_index[listing_tree.query_ball_point(centre, r=chord(radius))]
                    if listing_tree is not None else np.array([], dtype=np.int64))
            label = f"within {radius:g} mi"
        elif where[0] == "zip":
            pool = np.flatnonzero(in_time & (zips == where[1]))
            near = np.flatnonzero(listings & (zips == where[1]))
            label = f"ZIP {where[1]}"
            if len(pool) < params.trend_min:
                pool, label = np.flatnonzero(in_time), "all comps"
        else:
            pool, near, label = np.flatnonzero(in_time), np.flatnonzero(listings), "all comps"
        index = None
        if params.use_index:
            # sales of whole months before the as-of month: one index serves every subject of the month
            month_start = np.datetime64(first, "M").astype("datetime64[ns]")
            if (month_start, subject_type) not in index_trees:
                typed = types != "Land" if params.index_all_types or subject_type == "" else types == subject_type
                start = month_start - np.timedelta64(int(params.index_months * DAYS_PER_MONTH), "D")
                index_trees[(month_start, subject_type)] = _tree(comp_xyz, typed & sold & has_xy & (dates >= start)
                                                                 & (dates < month_start))
            index_tree, index_rows = index_trees[(month_start, subject_type)]
            type_key = "" if params.index_all_types else subject_type
            if where[0] == "cell" and index_tree is not None:
                cell, cell_centre = _index_cell(subjects["lat"].iloc[members].mean(),
                                                subjects["lon"].iloc[members].mean(), params.index_cell_miles)
                cache_key = (month_start, type_key, cell if len(index_rows) > params.index_cap else None)
                if cache_key not in index_cache:
                    k = min(params.index_cap, len(index_rows))
                    index_pool = index_rows[np.atleast_1d(index_tree.query(cell_centre, k=k)[1])]
                    index_cache[cache_key] = TimeIndex.build(columns.take(index_pool), month_start, params)
                index = index_cache[cache_key]
            else:
                index = TimeIndex.build(columns.take(pool), first, params)
        area = measure_area(columns.take(pool), columns.take(near), first, params, index)
        location = area.pop("_location", None)
        locations.append(location.of_rows(pool) if location is not None else None)
        indexes.append(index)
        if index is not None:
            area.update(time_rate=index.slope, time_method="index", time_n=index.n, time_months=index.months)
        else:
            area.update(time_method="slope")
        area.update(area_label=label, type=subject_type or "any type", as_of=first,
                    location_weight=params.location_weight, location_limit=params.location_limit,
                    premium_share=params.premium_share, premium_limit=params.premium_limit)
        area_of[members] = len(rows)
        rows.append(area)
    return Markets(area_of, pd.DataFrame(rows), tuple(locations), tuple(indexes))


def _area_keys(subjects: pd.DataFrame, params: MarketParams) -> pd.Series:
    month = subjects["as_of"].dt.to_period("M").astype(str)
    types = subjects["type"].fillna("")
    cell_lat = params.cell_miles / 69.0
    lat, lon = subjects["lat"], subjects["lon"]
    cell_lon = cell_lat / np.cos(np.radians(lat.fillna(0).clip(-80, 80)))
    where = []
    for la, lo, cl, z in zip(lat, lon, cell_lon, subjects["zip"]):
        if la == la and lo == lo:
            where.append(("cell", f"{int(np.floor(la / cell_lat))}:{int(np.floor(lo / cl))}"))
        elif z is not None and z == z:
            where.append(("zip", z))
        else:
            where.append(("all", ""))
    return pd.Series(list(zip(month, types, where)), index=subjects.index).set_axis(range(len(subjects)))


def _index_cell(lat: float, lon: float, miles: float) -> tuple[tuple[int, int], np.ndarray]:
    """The grid cell of about `miles` a side holding a point, and the cell's centre as a unit vector."""
    step_lat = miles / 69.0
    i = int(np.floor(lat / step_lat))
    centre_lat = (i + 0.5) * step_lat
    step_lon = step_lat / np.cos(np.radians(np.clip(centre_lat, -80, 80)))
    j = int(np.floor(lon / step_lon))
    return (i, j), unit_xyz(np.array([centre_lat]), np.array([(j + 0.5) * step_lon]))[0]


def _tree(xyz: np.ndarray, mask: np.ndarray) -> tuple[object, np.ndarray]:
    from scipy.spatial import cKDTree

    index = np.flatnonzero(mask)
    return (cKDTree(xyz[index]) if len(index) else None), index


def _pool_by_radius(centre: np.ndarray, tree, index: np.ndarray, params: MarketParams) -> tuple[np.ndarray, float]:
    """The closed sales of the first radius of the ladder that holds `pool_min` of them, at most the `pool_cap`
    nearest; with none that large, those within the widest radius."""
    if tree is None:
        return np.array([], dtype=np.int64), params.pool_radii[-1]
    k = min(params.pool_cap, len(index))
    distance, found = tree.query(centre, k=k)
    distance, found = np.atleast_1d(distance), np.atleast_1d(found)
    miles = chord_to_miles(distance)
    for radius in params.pool_radii:
        inside = miles <= radius
        if inside.sum() >= params.pool_min:
            return index[found[inside]], radius
    return index[found[miles <= params.pool_radii[-1]]], params.pool_radii[-1]


def measure_area(pool: pd.DataFrame, listings: pd.DataFrame, as_of: np.datetime64,
                 params: MarketParams = MarketParams(), index: "TimeIndex | None" = None) -> dict[str, object]:
    """Time rate, adjustment rates, sale-to-list and trends of one market area, from sales before `as_of`."""
    pool, listings = Cols.of(pool), Cols.of(listings)
    out: dict[str, object] = {"n": len(pool)}
    prices = np.asarray(pool["price"], float)
    months_ago = months_between(np.datetime64(as_of, "ns"), np.asarray(pool["date"], "datetime64[ns]"))
    rate, t_stat, n_trend = _time_rate(pool, months_ago, params)
    out.update(time_rate=rate, time_t=t_stat, time_n=n_trend)
    if index is not None:
        adjusted = prices * np.exp(index.at(np.array([as_of])) - index.at(np.asarray(pool["date"])))
    else:
        adjusted = prices * np.exp(rate * months_ago)
    gla = np.asarray(pool["gla"], float)
    M = float(np.median(adjusted)) if len(pool) else np.nan
    P = float(np.median(adjusted / gla)) if len(pool) else np.nan
    lots = np.asarray(pool["lot"], float)
    out.update(M=M, P=P, lot_cap=float(2 * np.nanmedian(lots)) if np.isfinite(lots).any() else np.nan)
    fitted, n_fit, used, location = _rates(pool, adjusted, out["lot_cap"], params)
    out["_location"] = location
    for feature in FEATURES:
        fallback = FALLBACK[feature]
        value = fitted.get(feature)
        low, high = BOUNDS[feature]
        if value is None or not np.isfinite(value):
            rate_f, source = fallback, "rule of thumb"
        else:
            clipped = float(np.clip(value, low, high))
            weight = float(np.clip((n_fit - 5 * used) / (25 * used), 0, 1)) if used else 0.0
            rate_f = weight * clipped + (1 - weight) * fallback
            source = "local sales" if weight == 1 else ("rule of thumb" if weight == 0 else "local sales + rule of thumb")
        out[f"rate_{feature}"] = rate_f
        out[f"source_{feature}"] = source
    out.update(_sale_to_list(pool, months_ago, params))
    out.update(area_trends(pool, listings, as_of))
    return out


def _location_terms(pool: pd.DataFrame) -> list[np.ndarray]:
    """Location held constant: x, y (miles from the pool's centre) and their squares and product."""
    lat, lon = np.asarray(pool["lat"], float), np.asarray(pool["lon"], float)
    if len(pool) < 30 or np.isnan(lat).mean() > 0.2 or np.isnan(lon).mean() > 0.2:
        return []
    lat0, lon0 = np.nanmean(lat), np.nanmean(lon)
    y = np.nan_to_num((lat - lat0) * 69.0)
    x = np.nan_to_num((lon - lon0) * 69.0 * np.cos(np.radians(lat0)))
    terms = [x, y, x * x, y * y, x * y]
    return [t for t in terms if np.std(t) > 1e-9]


def _area_dummies(pool: pd.DataFrame) -> list[np.ndarray]:
    areas = np.asarray(pool["area"], object)
    known = areas[pd.notna(areas)]
    if len(known) < 20:
        return []
    names, counts = np.unique(known.astype(str), return_counts=True)
    big = names[counts >= 10]
    if len(big) < 2:
        return []
    return [(areas == a).astype(float) for a in big[1:]]


def _design(pool: pd.DataFrame, names: tuple[str, ...], lot_cap: float) -> tuple[list[str], list[np.ndarray]]:
    """Columns present in 80% of the pool and varying; gaps filled with the median."""
    used, columns = [], []
    for name in names:
        values = np.array(pool[name], dtype=float)
        if name == "yb" and "eff_yb" in pool:  # age as the market prices it: effective age where known
            effective = np.asarray(pool["eff_yb"], dtype=float)
            values = np.where(np.isfinite(effective), effective, values)
        if name == "lot" and np.isfinite(lot_cap):
            values = np.minimum(values, lot_cap)
        if name in LOG_FEATURES:
            values = np.log(values)
        known = np.isfinite(values)
        if not len(values) or known.mean() < 0.8 or np.std(values[known]) < 1e-9:
            continue
        values[~known] = np.nanmedian(values)
        used.append(name)
        columns.append(values)
    return used, columns


def huber_fit(X: np.ndarray, y: np.ndarray, c: float = 1.5, iterations: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Robust least squares (Huber weights by IRLS, normal equations); returns coefficients and standard errors."""
    w = np.ones(len(y))
    ridge = 1e-9 * np.eye(X.shape[1])
    beta = np.zeros(X.shape[1])
    for _ in range(iterations):
        xtw = (X * w[:, None]).T
        try:
            beta = np.linalg.solve(xtw @ X + ridge, xtw @ y)
        except np.linalg.LinAlgError:
            beta = np.linalg.lstsq(X * np.sqrt(w)[:, None], y * np.sqrt(w), rcond=None)[0]
        resid = y - X @ beta
        scale = 1.4826 * np.median(np.abs(resid - np.median(resid))) or 1.0
        u = np.abs(resid) / (c * scale)
        w = np.where(u <= 1, 1.0, 1.0 / np.maximum(u, 1e-12))
    resid = y - X @ beta
    dof = max(len(y) - X.shape[1], 1)
    sigma2 = float(np.sum(w * resid**2) / dof)
    try:
        cov = sigma2 * np.linalg.inv((X * w[:, None]).T @ X + ridge)
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
    except np.linalg.LinAlgError:
        se = np.full(X.shape[1], np.inf)
    return beta, se


def _time_rate(pool: pd.DataFrame, months_ago: np.ndarray, params: MarketParams) -> tuple[float, float, int]:
    recent = months_ago <= params.trend_months
    n = int(recent.sum())
    if n < params.trend_min:
        return 0.0, 0.0, n
    part = pool.take(recent)
    used, columns = _design(part, ("gla", "quality", "yb", "baths"), np.nan)
    X = np.column_stack([np.ones(n), -months_ago[recent], *columns, *_location_terms(part), *_area_dummies(part)])
    if n <= X.shape[1] + 5:
        return 0.0, 0.0, n
    beta, se = huber_fit(X, np.log(np.asarray(part["price"], float)), params.huber, params.iterations)
    t = float(beta[1] / se[1]) if se[1] > 0 else 0.0
    if not np.isfinite(t) or abs(t) < 2:
        return 0.0, t if np.isfinite(t) else 0.0, n
    return float(np.clip(beta[1], -params.max_monthly_rate, params.max_monthly_rate)), t, n


def _rates(pool: pd.DataFrame, adjusted: np.ndarray, lot_cap: float,
           params: MarketParams) -> tuple[dict[str, float], int, int, object]:
    n = len(pool)
    used, columns = _design(pool, FEATURES, lot_cap)
    if n < 10 or not used:
        return {}, n, len(FEATURES), None
    X = np.column_stack([np.ones(n), *columns, *_location_terms(pool), *_area_dummies(pool)])
    if n <= X.shape[1] + 5:
        return {}, n, len(used), None
    y = np.log(adjusted)
    beta, _ = huber_fit(X, y, params.huber, params.iterations)
    # what is left once the home itself is priced: location, plus noise that the nearest sales average out
    home = np.column_stack(columns) @ beta[1:len(used) + 1]
    location = LocationIndex.build(pool, y - home - np.median(y - home), params.location_k,
                                   params.location_decay)
    return {name: float(beta[i + 1]) for i, name in enumerate(used)}, n, len(used), location


LOCATION_MIN_SALES = 40  # located sales an area needs for a location level (fewer: no location adjustment)


class LocationIndex:
    """How much more (or less) homes sell for around a point than the same home elsewhere in the area: the mean of
    the price left unexplained by the home's facts over the nearest sales (log scale), each weighted by
    exp(-decay x miles): the nearer sale says more about the spot, as an appraiser reads the block before the
    neighbourhood. A plain mean of the 20 nearest let a sale across a busy road count as much as the house next
    door (measured on both benchmarks' held-out halves: benchmarks/RESULTS.md)."""

    def __init__(self, xyz: np.ndarray, residual: np.ndarray, k: int, decay: float = 0.0,
                 rows: np.ndarray | None = None) -> None:
        from scipy.spatial import cKDTree

        self.tree = cKDTree(xyz)
        self.residual = residual
        self.k = min(k, len(residual) - 1)
        self.decay = decay
        self.rows = rows          # each sale's row in the comps frame (None: not known)
        self.located: np.ndarray | None = None

    @classmethod
    def build(cls, pool: pd.DataFrame, residual: np.ndarray, k: int, decay: float = 0.0) -> "LocationIndex | None":
        lat, lon = np.asarray(pool["lat"], float), np.asarray(pool["lon"], float)
        ok = np.isfinite(lat) & np.isfinite(lon)
        if ok.sum() < LOCATION_MIN_SALES:
            return None
        index = cls(unit_xyz(lat[ok], lon[ok]), residual[ok], k, decay)
        index.located = ok
        return index

    def of_rows(self, pool_rows: np.ndarray) -> "LocationIndex":
        """Tie each sale to its row in the comps frame (`pool_rows`: the rows the index was built from)."""
        rows = np.asarray(pool_rows)
        self.rows = rows[self.located] if self.located is not None else rows
        return self

    def premium(self, comp_rows: np.ndarray, level: np.ndarray) -> np.ndarray:
        """How far each comp sold above (+) or below (-) homes like it around it (log): its own unexplained price
        less the location level at its place; NaN for a comp that is not one of the index's sales."""
        out = np.full(len(comp_rows), np.nan)
        if self.rows is None or not len(self.rows):
            return out
        order = np.argsort(self.rows, kind="stable")
        sorted_rows = self.rows[order]
        at = np.clip(np.searchsorted(sorted_rows, comp_rows), 0, len(sorted_rows) - 1)
        found = sorted_rows[at] == comp_rows
        out[found] = self.residual[order[at[found]]] - level[found]
        return out

    def level(self, lat: np.ndarray, lon: np.ndarray, skip_self: bool) -> np.ndarray:
        """Location level at each point (NaN without coordinates); a point that is itself a sale of the pool is
        left out of its own average."""
        out = np.full(len(lat), np.nan)
        ok = np.isfinite(lat) & np.isfinite(lon)
        if not ok.any():
            return out
        k = self.k + 1 if skip_self else self.k
        distance, index = self.tree.query(unit_xyz(lat[ok], lon[ok]), k=k)
        distance, index = distance.reshape(int(ok.sum()), -1), index.reshape(int(ok.sum()), -1)
        if skip_self:
            own = distance[:, 0] < 1e-12
            index = np.where(own[:, None], index[:, 1:], index[:, :-1])
            distance = np.where(own[:, None], distance[:, 1:], distance[:, :-1])
        weight = np.exp(-self.decay * chord_to_miles(distance))
        out[ok] = (weight * self.residual[index]).sum(axis=1) / weight.sum(axis=1)
        return out


class TimeIndex:
    """The area's monthly price index (log scale): where prices stood each month, the same home held constant.
    `at(dates)` reads it between month midpoints and carries it on past the last month at `slope` a month."""

    def __init__(self, mid_days: np.ndarray, level: np.ndarray, slope: float, n: int) -> None:
        self.mid_days, self.level, self.slope, self.n = mid_days, level, slope, n
        self.months = len(level)

    @classmethod
    def build(cls, pool: "Cols", as_of: np.datetime64, params: MarketParams = MarketParams()) -> "TimeIndex | None":
        n = len(pool)
        if n < params.index_min:
            return None
        dates = np.asarray(pool["date"], "datetime64[ns]")
        month = dates.astype("datetime64[M]")
        names, code = np.unique(month, return_inverse=True)
        if len(names) < 12:
            return None
        lots = np.asarray(pool["lot"], float)
        lot_cap = float(2 * np.nanmedian(lots)) if np.isfinite(lots).any() else np.nan
        used, columns = _design(pool, ("gla", "quality", "yb", "baths", "lot"), lot_cap)
        dummies = [(code == j).astype(float) for j in range(1, len(names))]
        kinds = np.asarray(pool["type"], object) if "type" in pool else np.array([], dtype=object)
        present = [k for k in pd.unique(kinds) if k is not None and k == k]
        type_terms = [(kinds == k).astype(float) for k in present[1:]]
        X = np.column_stack([np.ones(n), *columns, *type_terms, *_location_terms(pool), *_area_dummies(pool),
                             *dummies])
        if n <= X.shape[1] + 20:
            return None
        beta, _ = huber_fit(X, np.log(np.asarray(pool["price"], float)), params.huber, params.iterations)
        raw = np.concatenate([[0.0], beta[-len(dummies):]]) if dummies else np.zeros(1)
        level = pd.Series(raw).rolling(params.index_smooth, center=True, min_periods=1).mean().to_numpy()
        mid_days = (names.astype("datetime64[D]") + np.timedelta64(14, "D")).astype(float)
        last = min(12, len(level))
        slope = np.polyfit((mid_days[-last:] - mid_days[-1]) / DAYS_PER_MONTH, level[-last:], 1)[0]
        slope = float(np.clip(slope, -params.max_monthly_rate, params.max_monthly_rate))
        return cls(mid_days, level - level[-1], slope, n)

    def at(self, dates: np.ndarray) -> np.ndarray:
        days = np.asarray(dates, "datetime64[ns]").astype("datetime64[D]").astype(float)
        beyond = np.maximum(days - self.mid_days[-1], 0.0) / DAYS_PER_MONTH
        return np.interp(days, self.mid_days, self.level) + self.slope * beyond


def _sale_to_list(pool: pd.DataFrame, months_ago: np.ndarray, params: MarketParams) -> dict[str, object]:
    price = np.asarray(pool["price"], float)
    ratio = price / np.asarray(pool["list"], float)
    ratio_orig = price / np.asarray(pool["olp"], float)
    dom = np.asarray(pool["dom"], float)
    out: dict[str, object] = {"slr": np.nan, "slr_orig": np.nan, "slr_n": 0, "dom_median": np.nan}
    for months in (params.slr_months, 12, params.pool_months):
        recent = months_ago <= months
        ok = recent & (ratio >= 0.5) & (ratio <= 1.5)
        if ok.sum() >= params.slr_min:
            out.update(slr=float(np.median(ratio[ok])), slr_n=int(ok.sum()), slr_months=months)
            ok_orig = recent & (ratio_orig >= 0.5) & (ratio_orig <= 1.5)
            if ok_orig.sum() >= params.slr_min:
                out["slr_orig"] = float(np.median(ratio_orig[ok_orig]))
            break
    for months in (params.slr_months, 12, params.pool_months):
        known = (months_ago <= months) & np.isfinite(dom)
        if known.sum() >= params.slr_min:
            out["dom_median"] = float(np.median(dom[known]))
            break
    return out


def adjust(pairs: pd.DataFrame, subjects: pd.DataFrame, comps: pd.DataFrame, markets: Markets) -> pd.DataFrame:
    """One line per chosen comp: its price, each dollar adjustment, the adjusted price and net/gross shares."""
    if pairs.empty:
        return pairs.assign(**{c: pd.Series(dtype=float) for c in LINE_COLUMNS})
    s, c = pairs["s"].to_numpy(), pairs["c"].to_numpy()
    area = markets.area_of[s]
    table = markets.table
    get = {name: table[name].to_numpy(float)[area] for name in
           ["time_rate", "slr", "slr_orig", "dom_median", "lot_cap"] + [f"rate_{f}" for f in FEATURES]}
    listing = pairs["listing"].to_numpy(bool)
    as_of = subjects["as_of"].to_numpy("datetime64[ns]")[s]
    sale_date = comps["date"].to_numpy("datetime64[ns]")[c]
    contract = comps["pend"].to_numpy("datetime64[ns]")[c]
    contract = np.where(np.isnat(contract), sale_date - np.timedelta64(30, "D"), contract)
    price = np.where(listing, comps["list"].to_numpy(float)[c], comps["price"].to_numpy(float)[c])
    months = np.where(listing, 0.0, np.maximum(months_between(as_of, contract), 0.0))
    running = price.copy()
    time_log = get["time_rate"] * months
    for a in np.unique(area[area >= 0]):
        index = markets.indexes[a] if a < len(markets.indexes) else None
        if index is not None:
            rows = np.flatnonzero((area == a) & ~listing)
            time_log[rows] = index.at(as_of[rows]) - index.at(sale_date[rows])
            months[rows] = months_between(as_of[rows], sale_date[rows])
    time_adj = np.where(listing, 0.0, running * (np.exp(time_log) - 1.0))
    running = running + time_adj
    # listings: asking price x the area's sale-to-list ratio; stale ones (DOM > 1.5 x the median) lose another 1%
    # per 30 days beyond the median, at most 5%
    dom = comps["dom"].to_numpy(float)[c]
    excess = np.clip((dom - get["dom_median"]) / 30.0, 0, 5)
    stale = np.where(dom > 1.5 * get["dom_median"], np.floor(excess) * 0.01, 0.0)
    factor = get["slr"] * (1 - np.nan_to_num(stale))
    usable = ~listing | np.isfinite(factor)
    listing_adj = np.where(listing & usable, running * (np.nan_to_num(factor, nan=1.0) - 1.0), 0.0)
    running = running + listing_adj
    lines = pairs.copy()
    lines["price"] = price
    lines["time_months"] = months
    lines["adj_time"] = time_adj
    lines["adj_listing"] = np.where(usable, listing_adj, np.nan)
    gross = np.abs(time_adj) + np.abs(listing_adj)
    gap, premium = _location_gap(pairs, subjects, comps, markets)
    location_adj = running * (np.exp(np.nan_to_num(gap)) - 1.0)
    running = running + location_adj
    lines["adj_location"] = location_adj
    gross = gross + np.abs(location_adj)
    share = _area_value(markets, "premium_share", area)
    premium_adj = running * (np.exp(-share * np.nan_to_num(premium)) - 1.0)
    running = running + premium_adj
    lines["premium"] = premium
    lines["adj_premium"] = premium_adj
    gross = gross + np.abs(premium_adj)
    for feature in FEATURES:
        sv = subjects[feature].to_numpy(float)[s]
        cv = comps[feature].to_numpy(float)[c]
        if feature == "lot":
            sv, cv = np.fmin(sv, get["lot_cap"]), np.fmin(cv, get["lot_cap"])
        if feature == "yb":
            sv, cv = age_years(sv, cv, _column(subjects, "eff_yb")[s], _column(comps, "eff_yb")[c])
        gap = np.log(sv / cv) if feature in LOG_FEATURES else sv - cv
        amount = np.nan_to_num(running * (np.exp(get[f"rate_{feature}"] * gap) - 1.0))
        lines[f"adj_{feature}"] = amount
        running = running + amount
        gross = gross + np.abs(amount)
    lines["adjusted"] = np.where(usable, running, np.nan)
    lines["net_pct"] = (running - price) / price
    lines["gross_pct"] = gross / price
    lines["usable"] = usable
    return lines


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy(float) if name in frame else np.full(len(frame), np.nan)


def _area_value(markets: Markets, name: str, area: np.ndarray) -> np.ndarray:
    """A per-area setting for each line (0 where the line has no area or the table lacks the setting)."""
    if name not in markets.table or not len(markets.table):
        return np.zeros(len(area))
    values = markets.table[name].to_numpy(float)
    return np.where(area >= 0, values[np.maximum(area, 0)], 0.0)


def _location_gap(pairs: pd.DataFrame, subjects: pd.DataFrame, comps: pd.DataFrame,
                  markets: Markets) -> tuple[np.ndarray, np.ndarray]:
    """Per pair, from the subject's area index: the log location level of the subject minus that of the comp, and
    the comp's own premium over homes like it around it (clipped; NaN where the comp is not one of the area's
    sales, such as a listing)."""
    s, c = pairs["s"].to_numpy(), pairs["c"].to_numpy()
    area = markets.area_of[s]
    gap = np.zeros(len(pairs))
    premium = np.full(len(pairs), np.nan)
    weight, limit = markets.table["location_weight"].to_numpy(float), markets.table["location_limit"].to_numpy(float)
    premium_limit = (markets.table["premium_limit"].to_numpy(float) if "premium_limit" in markets.table
                     else np.zeros(len(markets.table)))  # a table without it (built by hand): no premium
    for a in np.unique(area[area >= 0]):
        index = markets.locations[a] if a < len(markets.locations) else None
        if index is None:
            continue
        rows = np.flatnonzero(area == a)
        here = index.level(subjects["lat"].to_numpy(float)[s[rows]], subjects["lon"].to_numpy(float)[s[rows]], True)
        there = index.level(comps["lat"].to_numpy(float)[c[rows]], comps["lon"].to_numpy(float)[c[rows]], True)
        gap[rows] = np.clip(weight[a] * (here - there), -limit[a], limit[a])
        premium[rows] = np.clip(index.premium(c[rows], there), -premium_limit[a], premium_limit[a])
    return gap, premium


LINE_COLUMNS = ("price", "time_months", "adj_time", "adj_listing", "adj_location", "premium", "adj_premium",
                *(f"adj_{f}" for f in FEATURES), "adjusted",
                "net_pct", "gross_pct")

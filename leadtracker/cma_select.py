"""Comp selection: eligibility filters, a widening radius, a similarity score, and the comps each subject gets.

Appraisal and BPO practice (../shared/reference/cma.md §1): same property type; sold in the last 12 months (24 as a
flagged last resort); living area within ±25% (|ln ratio| <= 0.29); year built within 25 years (40 for homes built
before 1950); beds within 1 (2 from 5 beds up); search 0.5 -> 1 -> 2 -> 5 miles until enough closed sales qualify.
Where subject and comp both have an Effective Age (the assessor's age, younger for a renovated home), it stands in
for the year built in the filter, the score and the age adjustment. A subject without coordinates draws comps from
its ZIP and says so. Distressed sales (REO, short sale, foreclosure) never value a home; the subject's own earlier
sales are not comps of it (cma_own_sale weighs the latest beside them).

Everything is vectorised over (subject, candidate) pairs; a `scipy.spatial.cKDTree` per property type and month
finds the candidates, so 10,000 subjects against 200,000 sales take seconds (benchmarks/cma_scale.py).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cma_data import ACTIVE, PENDING, SOLD

EARTH_MILES = 3958.8
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class SelectParams:
    radii: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0)
    months: int = 12                 # sold within this many months of the as-of date
    widened_months: int = 24         # last resort, flagged
    stop_at: int = 3                 # closed sales that end the radius ladder
    min_sold: int = 3                # fewer: no value
    max_sold: int = 5
    max_listings: int = 2
    gla_log_limit: float = 0.29      # ln(1.33)
    year_limit: float = 25
    old_year_limit: float = 40       # subjects built before 1950
    beds_limit: float = 1
    big_beds_limit: float = 2        # subjects with 5+ beds
    zip_distance_miles: float = 1.0  # how far a ZIP-matched comp counts in the score
    weights: tuple[tuple[str, float], ...] = ()  # overrides of SCORE_WEIGHTS
    quality_limit: float | None = None  # |quality grade gap| allowed (None: any)


# Similarity distance weights (cma.md §1.3): lower D = more similar; similarity = exp(-D). Months since the sale
# count 0, not cma.md's 0.04: the area's monthly index moves every comp to the as-of date; in a moving market an
# older sale still weighs less in the reconciliation through its larger time adjustment (gross); the 12-month
# window and the range's penalty for sales over 6 months old still hold. Ranking on age as well passed over
# better-matched homes (benchmarks/RESULTS.md: held-out 2016 Seattle subjects and Ames).
SCORE_WEIGHTS = {"dist": 1.0, "gla": 2.0, "yb": 0.02, "months": 0.0, "beds": 0.15, "baths": 0.20, "lot": 0.25,
                 "cond": 0.15, "quality": 0.30, "garage": 0.10, "area": 0.5, "wf": 1.0}
# What a gap counts when the subject knows the fact and the comp does not.
MISSING_GAP = {"gla": 0.2, "yb": 10.0, "beds": 1.0, "baths": 1.0, "lot": 0.5, "cond": 1.0, "quality": 1.0,
               "garage": 1.0}


def unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def chord(miles: float) -> float:
    return 2.0 * np.sin(miles / EARTH_MILES / 2.0)


def chord_to_miles(c: np.ndarray) -> np.ndarray:
    return 2.0 * EARTH_MILES * np.arcsin(np.clip(c / 2.0, 0.0, 1.0))


def months_between(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """Months (30.44-day) from `earlier` to `later`, datetime64 arrays."""
    return (later - earlier).astype("timedelta64[s]").astype(float) / 86400.0 / DAYS_PER_MONTH


@dataclass
class Arrays:
    """Columns of a frame as numpy arrays, for gathers by position."""

    def __init__(self, frame: pd.DataFrame, names: tuple[str, ...]) -> None:
        for name in names:
            if name not in frame and name in OPTIONAL:
                setattr(self, name, np.full(len(frame), np.nan))
                continue
            series = frame[name]
            if name in ("date", "pend", "listed", "as_of"):
                setattr(self, name, series.to_numpy(dtype="datetime64[ns]"))
            elif name in NUMERIC:
                setattr(self, name, pd.to_numeric(series, errors="coerce").to_numpy(dtype=float))
            else:
                setattr(self, name, series.astype(object).where(series.notna(), None).to_numpy(dtype=object))
        self.n = len(frame)


NUMERIC = ("beds", "baths", "gla", "lot", "yb", "eff_yb", "garage", "quality", "cond", "wf", "lat", "lon")
OPTIONAL = ("eff_yb",)  # facts a frame built by hand may lack


def export_date(C: Arrays) -> np.datetime64:
    """The day the comps were exported, taken as the latest sale, pending or list date they hold. A listing is as
    the export shows it (price, status, days on market), so it serves only subjects valued on or after that day: a
    subject valued in the past (the range calibration's recent sales, `cma --as-of` a past date) would otherwise
    see a later market."""
    dates = np.concatenate([C.date, C.pend, C.listed])
    dates = dates[~np.isnat(dates)]
    return dates.max() if dates.size else np.datetime64("NaT", "ns")


@dataclass(frozen=True)
class Selection:
    pairs: pd.DataFrame     # s, c, dist (mi, NaN when matched by ZIP), D, months, listing: the chosen comps
    subjects: pd.DataFrame  # per subject: by (distance | ZIP | None), radius, months, sold_found


def select_comps(subjects: pd.DataFrame, comps: pd.DataFrame, params: SelectParams = SelectParams()) -> Selection:
    """Choose comps for every subject. `comps` must hold usable, non-distressed rows only (cma_data)."""
    n = len(subjects)
    info = pd.DataFrame({"by": pd.Series([None] * n, dtype=object), "radius": np.nan,
                         "months": float(params.months), "sold_found": 0})
    if n == 0 or len(comps) == 0:
        return Selection(_empty_pairs(), info)
    S = Arrays(subjects, NUMERIC + ("as_of", "type", "area", "zip", "parcel", "address"))
    C = Arrays(comps, NUMERIC + ("date", "pend", "listed", "type", "area", "zip", "parcel", "address", "status"))
    C.sold = C.status == SOLD
    C.listing = (C.status == ACTIVE) | (C.status == PENDING)
    C.export = export_date(C)
    C.xyz = unit_xyz(np.nan_to_num(C.lat), np.nan_to_num(C.lon))
    S.addr_key, C.addr_key = _fold(S.address), _fold(C.address)
    C.has_xy = ~np.isnan(C.lat) & ~np.isnan(C.lon)
    has_xy = ~np.isnan(S.lat) & ~np.isnan(S.lon)
    chosen: list[pd.DataFrame] = []
    spatial = np.flatnonzero(has_xy)
    if len(spatial):
        chosen.append(_ladder(spatial, S, C, params, info))
    by_zip = np.flatnonzero(~has_xy & pd.notna(S.zip))
    if len(by_zip):
        chosen.append(_zip_pairs(by_zip, S, C, params, info))
    pairs = pd.concat(chosen, ignore_index=True) if chosen else _empty_pairs()
    return Selection(_pick(pairs, params), info)


def _empty_pairs() -> pd.DataFrame:
    return pd.DataFrame({"s": pd.Series(dtype=np.int64), "c": pd.Series(dtype=np.int64),
                         "dist": pd.Series(dtype=float), "D": pd.Series(dtype=float),
                         "months": pd.Series(dtype=float), "listing": pd.Series(dtype=bool)})


def _groups(positions: np.ndarray, S: Arrays) -> dict[tuple[object, object], np.ndarray]:
    """Subjects by (as-of month, property type): each group shares one candidate tree."""
    months = S.as_of[positions].astype("datetime64[M]")
    frame = pd.DataFrame({"p": positions, "m": months, "t": S.type[positions]})
    return {key: group["p"].to_numpy() for key, group in frame.groupby(["m", "t"], dropna=False, sort=True)}


def _window(C: Arrays, subject_type: object, first_as_of: np.datetime64, last_as_of: np.datetime64,
            months: int) -> np.ndarray:
    """Comps that could serve some subject of a group: same type, sold in the window or listed."""
    start = first_as_of - np.timedelta64(int(months * DAYS_PER_MONTH) + 1, "D")
    sold = C.sold & (C.date >= start) & (C.date < last_as_of)
    listing = C.listing & ~(C.listed >= last_as_of) & ~(last_as_of < C.export)
    keep = sold | listing
    if subject_type is not None and not (isinstance(subject_type, float) and np.isnan(subject_type)):
        keep &= C.type == subject_type
    else:
        keep &= C.type != "Land"
    return np.flatnonzero(keep)


def _ladder(positions: np.ndarray, S: Arrays, C: Arrays, params: SelectParams, info: pd.DataFrame) -> pd.DataFrame:
    from scipy.spatial import cKDTree

    found: list[pd.DataFrame] = []
    for (_, subject_type), members in _groups(positions, S).items():
        as_of = S.as_of[members]
        pool = _window(C, subject_type, as_of.min(), as_of.max(), params.widened_months)
        pool = pool[C.has_xy[pool]]
        if len(pool) == 0:
            continue
        tree = cKDTree(C.xyz[pool])
        sub_xyz = unit_xyz(S.lat[members], S.lon[members])
        todo = np.arange(len(members))
        steps = [(r, params.months, params.stop_at) for r in params.radii]
        steps[-1] = (params.radii[-1], params.months, params.min_sold)
        steps.append((params.radii[-1], params.widened_months, params.min_sold))
        for radius, months, needed in steps:
            if len(todo) == 0:
                break
            lists = tree.query_ball_point(sub_xyz[todo], r=chord(radius), workers=-1, return_sorted=False)
            lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
            local = np.repeat(todo, lengths)
            cand = pool[np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(lengths.sum()))]
            s = members[local]
            dist = chord_to_miles(np.linalg.norm(sub_xyz[local] - C.xyz[cand], axis=1))
            ok, age = _eligible(s, cand, S, C, params, months)
            s, cand, dist, age, local = s[ok], cand[ok], dist[ok], age[ok], local[ok]
            sold_count = np.bincount(local[C.sold[cand]], minlength=len(members))
            done_local = np.flatnonzero(sold_count >= needed)
            done_local = np.intersect1d(done_local, todo, assume_unique=True)
            take = np.isin(local, done_local)
            found.append(_scored(s[take], cand[take], dist[take], age[take], S, C, params))
            done_subjects = members[done_local]
            info.loc[done_subjects, "by"] = "distance"
            info.loc[done_subjects, "radius"] = radius
            info.loc[done_subjects, "months"] = float(months)
            info.loc[done_subjects, "sold_found"] = sold_count[done_local]
            left = np.setdiff1d(todo, done_local, assume_unique=True)
            info.loc[members[left], "sold_found"] = sold_count[left]
            info.loc[members[left], "radius"] = radius
            todo = left
    return pd.concat(found, ignore_index=True) if found else _empty_pairs()


def _zip_pairs(positions: np.ndarray, S: Arrays, C: Arrays, params: SelectParams, info: pd.DataFrame) -> pd.DataFrame:
    """Subjects without coordinates: candidates are the comps in the same ZIP (12 months, then 24)."""
    comp_zip = pd.DataFrame({"c": np.arange(C.n), "zip": C.zip}).dropna()
    subject_zip = pd.DataFrame({"s": positions, "zip": S.zip[positions]})
    pairs = subject_zip.merge(comp_zip, on="zip")
    s, c = pairs["s"].to_numpy(np.int64), pairs["c"].to_numpy(np.int64)
    found: list[pd.DataFrame] = []
    todo = positions
    for months in (params.months, params.widened_months):
        here = np.isin(s, todo)
        ok, age = _eligible(s[here], c[here], S, C, params, months)
        ss, cc, age = s[here][ok], c[here][ok], age[ok]
        type_ok = _same_type(ss, cc, S, C)
        ss, cc, age = ss[type_ok], cc[type_ok], age[type_ok]
        counts = pd.Series(C.sold[cc]).groupby(ss).sum()
        done = counts.index[counts.to_numpy() >= params.min_sold].to_numpy()
        take = np.isin(ss, done)
        found.append(_scored(ss[take], cc[take], np.full(int(take.sum()), np.nan), age[take], S, C, params))
        info.loc[done, ["by", "radius", "months"]] = ["ZIP", np.nan, float(months)]
        info.loc[counts.index, "sold_found"] = counts.to_numpy()
        todo = np.setdiff1d(todo, done)
    info.loc[todo, "by"] = None
    return pd.concat(found, ignore_index=True) if found else _empty_pairs()


def _same_type(s: np.ndarray, c: np.ndarray, S: Arrays, C: Arrays) -> np.ndarray:
    st, ct = S.type[s], C.type[c]
    unknown = pd.isna(st)
    return np.where(unknown, ct != "Land", st == ct)


def _eligible(s: np.ndarray, c: np.ndarray, S: Arrays, C: Arrays, params: SelectParams,
              months: int) -> tuple[np.ndarray, np.ndarray]:
    """Hard filters on pairs; returns the mask and each pair's months from sale to the as-of date."""
    as_of = S.as_of[s]
    age = months_between(as_of, C.date[c])
    sold_ok = C.sold[c] & (C.date[c] < as_of) & (age <= months)
    listing_ok = C.listing[c] & ~(C.listed[c] >= as_of) & ~(as_of < C.export)
    ok = sold_ok | listing_ok
    gla_gap = np.abs(np.log(C.gla[c] / S.gla[s]))
    ok &= ~(gla_gap > params.gla_log_limit)
    subject_year, comp_year = age_years(S.yb[s], C.yb[c], S.eff_yb[s], C.eff_yb[c])
    year_limit = np.where(subject_year < 1950, params.old_year_limit, params.year_limit)
    ok &= ~(np.abs(comp_year - subject_year) > year_limit)
    beds_limit = np.where(S.beds[s] >= 5, params.big_beds_limit, params.beds_limit)
    ok &= ~(np.abs(C.beds[c] - S.beds[s]) > beds_limit)
    if params.quality_limit is not None:
        ok &= ~(np.abs(C.quality[c] - S.quality[s]) > params.quality_limit)
    same_parcel = pd.notna(S.parcel[s]) & (S.parcel[s] == C.parcel[c])
    same_address = pd.notna(S.addr_key[s]) & (S.addr_key[s] == C.addr_key[c])
    ok &= ~(same_parcel | same_address)
    return ok, np.where(C.sold[c], age, 0.0)


def age_years(subject_yb: np.ndarray, comp_yb: np.ndarray, subject_eff: np.ndarray,
              comp_eff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The years that age is compared by, per pair: effective years built where both rows have one (a renovated
    home counts as younger), else years built."""
    both = np.isfinite(subject_eff) & np.isfinite(comp_eff)
    return np.where(both, subject_eff, subject_yb), np.where(both, comp_eff, comp_yb)


def _fold(values: np.ndarray) -> np.ndarray:
    """Addresses folded for comparison ("12 Oak St." == "12 oak st"); None stays None."""
    series = pd.Series(values, dtype=object)
    folded = series.str.casefold().str.replace(r"[^0-9a-z ]+", "", regex=True).str.split().str.join(" ")
    return folded.where(series.map(lambda v: isinstance(v, str)), None).to_numpy(dtype=object)


def _gap(sv: np.ndarray, cv: np.ndarray, key: str, log: bool = False) -> np.ndarray:
    """|subject − comp| per pair; MISSING_GAP where only the subject knows; 0 where the subject does not."""
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = np.abs(np.log(cv / sv))
    else:
        gap = np.abs(sv - cv)
    gap = np.where(np.isnan(cv) & ~np.isnan(sv), MISSING_GAP.get(key, 0.0), gap)
    return np.nan_to_num(gap, nan=0.0)


def _scored(s, c, dist, age, S: Arrays, C: Arrays, params: SelectParams) -> pd.DataFrame:
    w = {**SCORE_WEIGHTS, **dict(params.weights)}
    D = w["dist"] * np.where(np.isnan(dist), params.zip_distance_miles, dist)
    D = D + w["gla"] * _gap(S.gla[s], C.gla[c], "gla", log=True) + w["lot"] * _gap(S.lot[s], C.lot[c], "lot", log=True)
    D = D + w["yb"] * _gap(*age_years(S.yb[s], C.yb[c], S.eff_yb[s], C.eff_yb[c]), "yb")
    for key in ("beds", "baths", "cond", "quality", "garage"):
        D = D + w[key] * _gap(getattr(S, key)[s], getattr(C, key)[c], key)
    D = D + w["months"] * age
    area_s, area_c = S.area[s], C.area[c]
    D = D + w["area"] * (pd.notna(area_s) & pd.notna(area_c) & (area_s != area_c))
    D = D + w["wf"] * (~np.isnan(S.wf[s]) & ~np.isnan(C.wf[c]) & (S.wf[s] != C.wf[c]))
    return pd.DataFrame({"s": s.astype(np.int64), "c": c.astype(np.int64), "dist": dist, "D": D, "months": age,
                         "listing": ~C.sold[c]})


def _pick(pairs: pd.DataFrame, params: SelectParams) -> pd.DataFrame:
    """The best `max_sold` closed sales and `max_listings` listings per subject, most similar first."""
    if pairs.empty:
        return pairs
    ordered = pairs.sort_values(["s", "listing", "D", "c"], kind="stable")
    rank = ordered.groupby(["s", "listing"], sort=False).cumcount()
    limit = np.where(ordered["listing"], params.max_listings, params.max_sold)
    picked = ordered[rank.to_numpy() < limit]
    sold = picked.loc[~picked["listing"], "s"].value_counts()
    enough = sold.index[sold.to_numpy() >= params.min_sold]
    return picked[picked["s"].isin(enough)].reset_index(drop=True)

"""Location level by distance-weighted neighbours, and comps ranked without a penalty for sale age (the index moves
them to the as-of date): small cases worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from cma_builders import comp, subjects, usable

from leadtracker.cma import CmaParams, run_cma
from leadtracker.cma_adjust import LocationIndex, MarketParams
from leadtracker.cma_select import EARTH_MILES, SCORE_WEIGHTS, SelectParams, unit_xyz

LAT0, LON0 = 47.6, -122.3


def _north(miles: float) -> tuple[float, float]:
    """A point `miles` due north of (LAT0, LON0), on the sphere the engine measures with."""
    return LAT0 + math.degrees(miles / EARTH_MILES), LON0


def _index(miles: list[float], residuals: list[float], k: int, decay: float) -> LocationIndex:
    points = np.array([_north(m) for m in miles])
    return LocationIndex(unit_xyz(points[:, 0], points[:, 1]), np.array(residuals), k, decay)


def test_nearer_sales_count_more_in_the_location_level():
    # sales 0.1, 0.2 and 0.4 mi away, left unexplained by their facts by +10%, 0% and -20% (log); one 1 mi away
    # (+90%) is beyond the k = 3 nearest
    index = _index([0.1, 0.2, 0.4, 1.0], [0.10, 0.0, -0.20, 0.90], k=3, decay=5.0)
    level = index.level(np.array([LAT0]), np.array([LON0]), skip_self=False)[0]
    w = [math.exp(-0.5), math.exp(-1.0), math.exp(-2.0)]  # 0.6065, 0.3679, 0.1353
    assert level == pytest.approx((0.10 * w[0] + 0.0 * w[1] - 0.20 * w[2]) / sum(w), abs=1e-9)
    assert level == pytest.approx(0.030264, abs=1e-6)
    # no decay: the plain mean of the three, -0.0333, as the engine measured it before
    flat = _index([0.1, 0.2, 0.4, 1.0], [0.10, 0.0, -0.20, 0.90], k=3, decay=0.0)
    assert flat.level(np.array([LAT0]), np.array([LON0]), skip_self=False)[0] == pytest.approx(-0.1 / 3)


def test_a_sale_at_the_point_itself_is_left_out():
    # the home's own sale (at the point, +50%) is not part of its location level
    index = _index([0.0, 0.1, 0.2, 0.4, 1.0], [0.50, 0.10, 0.0, -0.20, 0.90], k=3, decay=5.0)
    level = index.level(np.array([LAT0]), np.array([LON0]), skip_self=True)[0]
    assert level == pytest.approx(0.030264, abs=1e-6)
    # a point without coordinates has no level
    assert np.isnan(index.level(np.array([np.nan]), np.array([LON0]), skip_self=True)[0])


def test_defaults_are_forty_neighbours_a_sale_a_seventh_of_a_mile_away_counting_half():
    params = MarketParams()
    assert params.location_k == 40 and params.location_decay == 5.0
    assert math.exp(-params.location_decay * 0.14) == pytest.approx(0.5, abs=0.01)  # 0.14 mi: half weight


def test_a_well_matched_sale_of_eleven_months_ago_beats_recent_larger_homes():
    # five sales a month old, 10% larger than the subject; one identical home sold 11 months ago
    recent = [comp(330_000, dt.date(2026, 10, 29), north=0.1 + 0.01 * i, **{"Sq Ft": 2200}) for i in range(5)]
    older = comp(300_000, dt.date(2025, 12, 29), north=0.12)
    run = run_cma(subjects([{}]), usable(recent + [older]), CmaParams())
    lines = run.lines[~run.lines["own"].astype(bool)]
    assert SCORE_WEIGHTS["months"] == 0.0
    assert len(lines) == 5
    chosen_dates = run.comps["date"].to_numpy()[lines["c"].to_numpy()]
    assert np.datetime64("2025-12-29") in chosen_dates.astype("datetime64[D]")
    # D = 1.0 x miles for the identical home; 1.0 x miles + 2.0 x ln(1.1) = miles + 0.1906 for the larger ones
    first = lines.sort_values("D").iloc[0]
    assert first["D"] == pytest.approx(0.12, abs=1e-3)
    assert sorted(lines["D"])[1] == pytest.approx(0.10 + 2.0 * math.log(1.1), abs=1e-3)
    # with the old 0.04 a month, 11 months (0.44) would have ranked it last and left it out
    run_old = run_cma(subjects([{}]), usable(recent + [older]),
                      CmaParams(select=SelectParams(weights=(("months", 0.04),))))
    old_dates = run_old.comps["date"].to_numpy()[run_old.lines["c"].to_numpy()].astype("datetime64[D]")
    assert np.datetime64("2025-12-29") not in old_dates


# --- a comp that sold above homes like it around it -------------------------------------------------------------

def test_premium_is_the_comps_own_unexplained_price_less_its_places_level():
    # the comp (row 7 of the comps file) is the sale at the point (+50%); around it +10%, 0%, -20% at 0.1, 0.2, 0.4 mi
    index = _index([0.0, 0.1, 0.2, 0.4, 1.0], [0.50, 0.10, 0.0, -0.20, 0.90], k=3, decay=5.0)
    index.rows = np.array([7, 3, 4, 5, 6])
    there = index.level(np.array([LAT0]), np.array([LON0]), skip_self=True)
    assert index.premium(np.array([7]), there)[0] == pytest.approx(0.50 - 0.030264, abs=1e-6)
    # a comp that is not one of the index's sales (a listing, a sale outside the area's pool) has none
    assert np.isnan(index.premium(np.array([8]), there)[0])


def _premium_line(comp_residual: float) -> pd.Series:
    """One comp, sold for $400,000 on the subject's as-of day (no time adjustment), standing where the subject does
    (no location adjustment). The area's location index: the comp's own sale `comp_residual` (log) above what its
    facts explain; its three neighbours, 0.1 mi north, south and east, at +0.10, +0.10 and -0.05."""
    from cma_builders import at, subjects as subject_rows, usable as usable_rows

    from leadtracker.cma_adjust import FEATURES, Markets, adjust

    rows = [comp(400_000, dt.date(2026, 11, 29), north=0.0)] + [
        comp(300_000, dt.date(2026, 10, 1), north=n, east=e) for n, e in ((0.1, 0.0), (-0.1, 0.0), (0.0, 0.1))]
    points = np.array([at(0.0, 0.0), at(0.1, 0.0), at(-0.1, 0.0), at(0.0, 0.1)])
    index = LocationIndex(unit_xyz(points[:, 0], points[:, 1]), np.array([comp_residual, 0.10, 0.10, -0.05]), k=3,
                          decay=0.0, rows=np.array([0, 1, 2, 3]))
    params = MarketParams()
    row = {"time_rate": 0.0, "slr": np.nan, "slr_orig": np.nan, "dom_median": np.nan, "lot_cap": 14_000.0,
           "location_weight": 1.0, "location_limit": 0.2, "premium_share": params.premium_share,
           "premium_limit": params.premium_limit, **{f"rate_{f}": 0.0 for f in FEATURES}}
    markets = Markets(np.array([0]), pd.DataFrame([row]), (index,), (None,))
    pairs = pd.DataFrame({"s": [0], "c": [0], "dist": [0.0], "D": [0.0], "months": [0.0], "listing": [False]})
    return adjust(pairs, subject_rows([{"north": 0.0, "east": 0.0}]), usable_rows(rows), markets).iloc[0]


def test_a_quarter_of_a_comps_premium_over_its_block_comes_off_as_implied_condition():
    line = _premium_line(0.30)
    # same place, same level: no location adjustment. The neighbours average (0.10 + 0.10 - 0.05) / 3 = 0.05, so
    # the comp sold 0.25 (log) above homes like it nearby; a quarter of that comes off: 400,000 x (e^-0.0625 - 1)
    assert line["adj_location"] == pytest.approx(0.0, abs=1e-6)
    assert line["premium"] == pytest.approx(0.25)
    assert line["adj_premium"] == pytest.approx(400_000 * (math.exp(-0.0625) - 1), abs=0.01)
    assert line["adj_premium"] == pytest.approx(-24_234.77, abs=0.01)
    assert line["adjusted"] == pytest.approx(400_000 * math.exp(-0.0625), abs=0.01)
    assert line["gross_pct"] == pytest.approx(abs(line["adj_premium"]) / 400_000)
    # a comp that sold below its block gains: -0.15 - 0.05 = -0.20, a quarter of that goes on
    assert _premium_line(-0.15)["adj_premium"] == pytest.approx(400_000 * (math.exp(0.05) - 1), abs=0.01)


def test_the_premium_read_is_capped_at_thirty_percent():
    # 0.90 - 0.05 = 0.85 (log) above its block: read as 0.30, so 7.5% comes off, not 21%
    line = _premium_line(0.90)
    assert line["premium"] == pytest.approx(0.30)
    assert line["adj_premium"] == pytest.approx(400_000 * (math.exp(-0.075) - 1), abs=0.01)


def test_the_cma_sheet_says_why_a_comp_carries_an_implied_condition_adjustment():
    from leadtracker.cma_refresh import ADJUSTMENT_LABEL, _premium_notes

    assert ADJUSTMENT_LABEL["premium"] == "Implied condition adj"
    notes = _premium_notes(pd.DataFrame({"premium": [0.20, -0.12, 0.05, np.nan]}))
    assert notes[0] == ("sold 22% above homes like it nearby: part of that is taken as better condition or updates "
                        "than its facts show")  # e^0.20 - 1 = 22.1%
    assert notes[1].startswith("sold 11% below homes like it nearby") and "worse condition" in notes[1]
    assert notes[2] == "" and notes[3] == ""  # under 10%, or not one of the area's sales: no note

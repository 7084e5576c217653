"""The area's monthly price index that moves every comp in time, worked out by hand (cma_adjust.TimeIndex)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from cma_builders import comp, subjects, usable

from leadtracker.cma_adjust import FEATURES, Markets, MarketParams, TimeIndex, adjust

AS_OF = np.datetime64("2026-11-29")


def _index() -> TimeIndex:
    """September 2026 stood 2% (log) below October; +1% a month after October."""
    mids = np.array(["2026-09-15", "2026-10-15"], dtype="datetime64[D]").astype(float)
    return TimeIndex(mids, np.array([-0.02, 0.0]), 0.01, 300)


def test_index_is_read_between_month_midpoints_and_carried_on_at_its_slope():
    index = _index()
    # 30 September is halfway from 15 September to 15 October: -0.01
    assert index.at(np.array(["2026-09-30"], dtype="datetime64[ns]"))[0] == pytest.approx(-0.01)
    # 29 November is 45 days after 15 October: 45 / 30.4375 months at +1%
    assert index.at(np.array([AS_OF], dtype="datetime64[ns]"))[0] == pytest.approx(0.01 * 45 / 30.4375)
    # before the first month the index stays at its first level
    assert index.at(np.array(["2026-01-01"], dtype="datetime64[ns]"))[0] == pytest.approx(-0.02)


def test_a_comp_moves_by_the_index_from_its_sale_date_to_the_as_of_date():
    row = {"time_rate": 0.5, "slr": np.nan, "slr_orig": np.nan, "dom_median": np.nan, "lot_cap": 14_000.0,
           "location_weight": 1.0, "location_limit": 0.2, **{f"rate_{f}": 0.0 for f in FEATURES}}
    markets = Markets(np.array([0]), pd.DataFrame([row]), (None,), (_index(),))
    pairs = pd.DataFrame({"s": [0], "c": [0], "dist": [0.1], "D": [0.1], "months": [0.0], "listing": [False]})
    line = adjust(pairs, subjects([{}]), usable([comp(400_000, dt.date(2026, 9, 30))]), markets).iloc[0]
    expected = 400_000 * (math.exp(0.01 * 45 / 30.4375 + 0.01) - 1)  # 400,000 x (e^0.024784 - 1) = 10,037.63
    assert line["adj_time"] == pytest.approx(expected, abs=0.01)
    assert line["adj_time"] == pytest.approx(10_037.63, abs=0.01)
    assert line["adjusted"] == pytest.approx(400_000 + expected, abs=0.01)


def _growing_market(n: int = 600, monthly: float = 0.01, seed: int = 3) -> pd.DataFrame:
    """Noise-free sales over 36 months: ln price = 12.6 + 0.5 ln(sq ft / 2000) + 0.1 per grade + 1% a month."""
    rng = np.random.default_rng(seed)
    day = rng.integers(0, 36 * 30, n)
    date = np.datetime64("2023-11-01") + day.astype("timedelta64[D]")
    months = (date.astype("datetime64[M]") - np.datetime64("2023-11", "M")).astype(int)
    gla = rng.integers(1400, 2800, n).astype(float)
    grade = rng.integers(6, 10, n).astype(float)
    price = np.exp(12.6 + 0.5 * np.log(gla / 2000) + 0.1 * grade + monthly * months)
    return pd.DataFrame({"price": price, "date": date.astype("datetime64[ns]"), "gla": gla, "quality": grade,
                         "yb": rng.integers(1950, 2010, n).astype(float), "baths": rng.integers(1, 4, n).astype(float),
                         "lot": rng.integers(3000, 9000, n).astype(float), "garage": np.nan, "cond": np.nan,
                         "beds": np.nan, "lat": 47.6 + rng.uniform(0, 0.02, n), "lon": -122.3 + rng.uniform(0, 0.02, n),
                         "area": None, "type": "Single Family", "status": "sold"})


def test_the_index_of_a_market_rising_one_percent_a_month():
    index = TimeIndex.build(_growing_market(), np.datetime64("2026-11-01"), MarketParams())
    assert index is not None and index.months == 36
    steps = np.diff(index.level)
    # a 3-month centred average of a straight line is the line, except at the two ends
    assert steps[1:-1] == pytest.approx(0.01, abs=1e-6)
    assert index.slope == pytest.approx(0.01, abs=1e-3)


def test_too_few_sales_give_no_index():
    assert TimeIndex.build(_growing_market(n=150), np.datetime64("2026-11-01"), MarketParams()) is None

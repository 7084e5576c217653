"""The subject's own earlier sale (cma_own_sale) and the Effective Age column, worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from cma_builders import comp, comps_frame, subjects, usable

from leadtracker.cma import CmaParams, run_cma
from leadtracker.cma_adjust import FEATURES, Markets, MarketParams, TimeIndex, adjust
from leadtracker.cma_data import parse_comps
from leadtracker.cma_own_sale import OwnSaleParams, find_own_sales, own_sale_lines, own_sale_weight
from leadtracker.cma_refresh import cma_sheet

AS_OF = dt.date(2026, 11, 29)


def _area_row(**rates: float) -> dict[str, object]:
    return {"time_rate": 0.0, "slr": np.nan, "slr_orig": np.nan, "dom_median": np.nan, "lot_cap": 14_000.0,
            "location_weight": 1.0, "location_limit": 0.2, **{f"rate_{f}": rates.get(f, 0.0) for f in FEATURES}}


def _one_percent_a_month() -> TimeIndex:
    """36 months, November 2023 to October 2026, rising 1% (log) a month; carried on at +1% a month."""
    months = np.arange(np.datetime64("2023-11"), np.datetime64("2026-11"))
    mids = (months.astype("datetime64[D]") + np.timedelta64(14, "D")).astype(float)
    return TimeIndex(mids, 0.01 * (np.arange(36) - 35.0), 0.01, 500)


# --- which sale is the home's own ---------------------------------------------------------------------------------

def test_the_own_sale_is_the_latest_earlier_sale_of_the_same_parcel_address_or_spot():
    pool = usable([
        comp(250_000, dt.date(2022, 5, 1), north=0.0, **{"Parcel ID": "P-1"}),          # 0: older sale of P-1
        comp(280_000, dt.date(2024, 6, 1), north=0.0, **{"Parcel ID": "P-1"}),          # 1: latest of P-1
        comp(320_000, dt.date(2026, 12, 1), north=0.0, **{"Parcel ID": "P-1"}),         # 2: after the as-of date
        comp(300_000, dt.date(2024, 1, 10), north=0.0, **{"Parcel ID": "P-9"}),         # 3: same spot, other parcel
        comp(200_000, dt.date(2023, 3, 1), north=1.0, Address="7 Elm Street"),          # 4: by address
        comp(210_000, dt.date(2023, 4, 1), north=2.0),                                   # 5: by spot and facts
        comp(215_000, dt.date(2023, 4, 1), north=3.0, **{"Sq Ft": 2400}),               # 6: same spot, other home
    ])
    subject_rows = [{"north": 0.0, "Parcel ID": "P-1"}, {"north": 1.0, "Property Address": "7 elm street"},
                    {"north": 2.0}, {"north": 3.0}]
    own = find_own_sales(subjects(subject_rows, AS_OF), pool)
    assert own.to_dict("list") == {"s": [0, 1, 2], "c": [1, 4, 5]}


def test_a_sale_on_the_as_of_date_is_never_the_own_sale():
    pool = usable([comp(280_000, AS_OF, north=0.0, **{"Parcel ID": "P-1"})])
    assert find_own_sales(subjects([{"Parcel ID": "P-1"}], AS_OF), pool).empty


# --- moved by the index, weighed by the errors ----------------------------------------------------------------------

def test_a_sale_24_months_ago_moves_by_the_area_index_to_the_as_of_date():
    pool = usable([comp(400_000, dt.date(2024, 11, 15), north=0.0, **{"Parcel ID": "P-1"})])
    subject = subjects([{"Parcel ID": "P-1"}], AS_OF)
    markets = Markets(np.array([0]), pd.DataFrame([_area_row()]), (None,), (None,))
    line = own_sale_lines(subject, pool, markets, MarketParams(), indexes=(_one_percent_a_month(),)).iloc[0]
    # November 2024 stood 23% (log) below October 2026; 29 November is 45 days past 15 October at +1% a month:
    # 400,000 x e^(0.23 + 0.01 x 45 / 30.4375) = 400,000 x e^0.244784 = 510,938.35
    assert line["adjusted"] == pytest.approx(510_938.35, abs=0.01)
    assert line["adj_time"] == pytest.approx(110_938.35, abs=0.01) and line["adj_location"] == 0.0
    assert line["months"] == pytest.approx(744 / 30.4375) and line["own_note"] is None
    # comps at 400,000 spread by 10%: v_comps = 0.10² + 0.03² = 0.0109; 24.44 months old:
    # v_own = (0.08 + 0.02 x 0.4435 / 12)² = 0.0065188; w = 0.0109 / (0.0109 + 0.0065188) = 0.62576
    weight = own_sale_weight(pd.DataFrame([line]), np.array([0.10]))[0]
    assert weight == pytest.approx(0.62576, abs=1e-5)


def test_a_fact_recorded_differently_at_that_sale_is_adjusted_at_the_area_rate():
    # sold with 1 bath, has 2 now: one bath at 4% of the price
    pool = usable([comp(400_000, dt.date(2024, 11, 15), north=0.0, Baths=1, **{"Parcel ID": "P-1"})])
    markets = Markets(np.array([0]), pd.DataFrame([_area_row(baths=0.04)]), (None,), (None,))
    line = own_sale_lines(subjects([{"Parcel ID": "P-1"}], AS_OF), pool, markets, MarketParams(),
                          indexes=(_one_percent_a_month(),)).iloc[0]
    assert line["adj_baths"] == pytest.approx(510_938.35 * (math.exp(0.04) - 1), abs=0.01)


@pytest.mark.parametrize("months, disp, expected", [
    (24, 0.10, 0.0109 / (0.0109 + 0.0064)),             # 0.630
    (48, 0.10, 0.0109 / (0.0109 + 0.12 ** 2)),          # 0.431: two years beyond two, 8% + 4%
    (30, 0.0, 0.0009 / (0.0009 + 0.09 ** 2)),           # agreeing comps still carry 3%
    (6, 0.10, 0.0),                                     # a quick resale: shown, not weighed
])
def test_the_weight_follows_the_expected_errors(months, disp, expected):
    note = "not weighed: sold less than 12 months before" if months < 12 else None
    line = pd.DataFrame({"months": [float(months)], "adjusted": [500_000.0], "own_note": [note]})
    assert own_sale_weight(line, np.array([disp]))[0] == pytest.approx(expected, abs=1e-9)


def _growing_market(n: int = 700, seed: int = 5) -> list[dict[str, object]]:
    """Sales over five years around the subject, prices rising 1% a month, with some spread."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        months_ago = rng.uniform(0.5, 60)
        day = pd.Timestamp(AS_OF) - pd.Timedelta(days=months_ago * 30.4375)
        gla = float(rng.integers(1700, 2300))
        price = round(300_000 * (gla / 2000) ** 0.5 * math.exp(-0.01 * months_ago + rng.normal(0, 0.05)), -2)
        rows.append(comp(price, day.date(), north=rng.uniform(-0.4, 0.4), east=rng.uniform(-0.4, 0.4),
                         **{"Sq Ft": gla, "Parcel ID": f"P-{i}"}))
    return rows


def test_the_value_reconciles_the_comps_with_the_own_sale_and_the_sheet_shows_it():
    rows = _growing_market()
    # the subject last sold 30 months ago for 230,000 (about 300,000 today at 1% a month)
    rows.append(comp(230_000, (pd.Timestamp(AS_OF) - pd.Timedelta(days=913)).date(), north=0.0,
                     **{"Parcel ID": "HOME"}))
    subject = subjects([{"Parcel ID": "HOME", "Property Address": "9 Home Row"}], AS_OF)
    run = run_cma(subject, usable(rows), CmaParams(k=1.5))
    v = run.values.iloc[0]
    own = run.lines[run.lines["own"]].iloc[0]
    comps = run.lines[~run.lines["own"]]
    assert own["price"] == 230_000 and own["own_note"] is None
    assert 0.28 < own["adjusted"] / 230_000 - 1 < 0.38  # 30 months at about 1% a month
    w = v["own_weight"]
    assert 0.1 < w < 0.9 and own["weight"] == w
    assert comps["weight"].sum() == pytest.approx(1 - w)
    comps_mid = float((comps["weight"] * comps["adjusted"]).sum() / (1 - w))
    assert v["comps_mid"] == pytest.approx(comps_mid)
    assert v["mid_raw"] == pytest.approx((1 - w) * comps_mid + w * own["adjusted"])
    assert v["n_sold"] == len(comps) <= 5  # the own sale is not one of the comps
    sheet = cma_sheet(run, subject, pd.Series(["L-1"]), pd.Timestamp(AS_OF)).frame
    line = sheet[sheet["Line"] == "Own sale"].iloc[0]
    sold_on = (pd.Timestamp(AS_OF) - pd.Timedelta(days=913)).strftime("%b %d, %Y")
    assert line["Notes"] == (f"This home's own sale on {sold_on} at $230,000, moved to today's market by the area "
                             f"index: ${round(own['adjusted']):,.0f}, weight {w:.0%}")
    assert list(sheet["Line"]).index("Own sale") == list(sheet["Line"]).index("Value") - 1
    value = sheet[sheet["Line"] == "Value"].iloc[0]
    assert f"and this home's own earlier sale ({w:.0%})" in value["Notes"]


def test_without_enough_comps_the_own_sale_alone_gives_no_value():
    rows = [comp(300_000, dt.date(2026, 10, 1), north=0.1), comp(305_000, dt.date(2026, 9, 1), north=0.2),
            comp(230_000, dt.date(2024, 5, 1), north=0.0, **{"Parcel ID": "HOME"})]
    run = run_cma(subjects([{"Parcel ID": "HOME"}], AS_OF), usable(rows), CmaParams(k=1.5))
    assert np.isnan(run.values.iloc[0]["mid"])
    assert not (run.lines["own"] & (run.lines["weight"] > 0)).any()


def test_own_sales_can_be_turned_off():
    rows = _growing_market(400) + [comp(230_000, dt.date(2024, 5, 1), north=0.0, **{"Parcel ID": "HOME"})]
    run = run_cma(subjects([{"Parcel ID": "HOME"}], AS_OF), usable(rows),
                  CmaParams(k=1.5, own_sale=OwnSaleParams(use=False)))
    assert not run.lines["own"].any() and run.values.iloc[0]["own_weight"] == 0


# --- Effective Age ----------------------------------------------------------------------------------------------

def test_effective_age_is_read_by_its_aliases_and_a_year_is_converted():
    frame = comps_frame([comp(300_000, dt.date(2016, 5, 1), Age=100), comp(300_000, dt.date(2016, 5, 1), Age=100)])
    frame["Effective Age"] = [20, 1995]  # an age at the sale, then an Effective Year Built
    parsed = parse_comps(frame).frame
    assert parsed["yb"].tolist() == [1990, 1990]  # Year Built wins over Age (both given by the builder)
    assert parsed["eff_yb"].tolist() == [1996, 1995]
    from leadtracker.schema import COMP_COLUMNS, SUBJECT_COLUMNS

    column = next(c for c in COMP_COLUMNS if c.name == "Effective Age")
    assert {"eff_age", "Effective Year Built"} <= set(column.aliases)
    assert "Effective Age" in [c.name for c in SUBJECT_COLUMNS]


@pytest.mark.parametrize("subject_eff, comp_eff, expected_gap", [
    (10, 30, 20),    # both known: the effective ages, 20 years apart
    (10, None, 0),   # the comp has none: years built (both 1990)
    (None, 30, 0),   # the subject has none: years built
])
def test_effective_age_replaces_age_for_the_age_adjustment_when_both_have_it(subject_eff, comp_eff,
                                                                             expected_gap):
    comp_row = comp(400_000, dt.date(2026, 11, 1), **({"Effective Age": comp_eff} if comp_eff else {}))
    subject = subjects([{"Effective Age": subject_eff} if subject_eff else {}], AS_OF)
    markets = Markets(np.array([0]), pd.DataFrame([_area_row(yb=0.002)]), (None,), (None,))
    pairs = pd.DataFrame({"s": [0], "c": [0], "dist": [0.1], "D": [0.1], "months": [0.0], "listing": [False]})
    line = adjust(pairs, subject, usable([comp_row]), markets).iloc[0]
    # a year younger is worth 0.2%: 400,000 x (e^(0.002 x gap) - 1); effective ages 10 (2016) vs 30 (2026): the
    # effective years built are 2016 and 1996
    assert line["adj_yb"] == pytest.approx(400_000 * (math.exp(0.002 * expected_gap) - 1), abs=0.01)

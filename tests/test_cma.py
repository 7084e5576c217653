"""The CMA engine on small cases worked out by hand: each adjustment, the radius ladder, the listing discount,
no future sale, distressed sales, too few comps, missing facts, subjects without coordinates."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from cma_builders import at, comp, subjects, usable

from leadtracker.cma import CmaParams, run_cma
from leadtracker.cma_adjust import FEATURES, Markets, adjust, measure_area
from leadtracker.cma_data import distressed_flags, statuses, type_group
from leadtracker.market_trends import area_trends

AS_OF = dt.date(2026, 11, 29)


def value(subject_rows, comp_rows, **params):
    run = run_cma(subjects(subject_rows), usable(comp_rows), CmaParams(**params))
    return run, run.values.iloc[0]


def test_three_identical_comps_give_their_price_and_the_narrowest_range():
    run, v = value([{}], [comp(300_000, dt.date(2026, 10, 15), north=d) for d in (0.1, 0.2, 0.3)])
    assert v["mid"] == 300_000
    assert v["n_sold"] == 3 and v["radius"] == 0.5 and v["by"] == "distance"
    # no spread between the comps: h = 5% minimum + 3% for having only three comps
    assert v["half_width"] == pytest.approx(0.08)
    assert (v["low"], v["high"]) == (276_000, 324_000)
    assert v["confidence"] == pytest.approx(1 - 0.08 / 1.2816)
    assert run.lines["adjusted"].tolist() == [300_000.0] * 3


# --- each adjustment, with rates given -------------------------------------------------------------------------

def _markets(**rates: float) -> Markets:
    row = {"time_rate": 0.0, "slr": np.nan, "slr_orig": np.nan, "dom_median": np.nan, "lot_cap": 14_000.0,
           "location_weight": 1.0, "location_limit": 0.2, **{f"rate_{f}": 0.0 for f in FEATURES}}
    row.update({k if k in ("time_rate", "slr", "dom_median", "lot_cap") else f"rate_{k}": v for k, v in rates.items()})
    return Markets(np.array([0]), pd.DataFrame([row]))


def _line(subject: dict, comp_row: dict, markets: Markets) -> pd.Series:
    subject_frame = subjects([subject])
    comps = usable([comp_row])
    listing = comp_row.get("Status", "Sold") != "Sold"
    pairs = pd.DataFrame({"s": [0], "c": [0], "dist": [0.1], "D": [0.1], "months": [0.0], "listing": [listing]})
    return adjust(pairs, subject_frame, comps, markets).iloc[0]


# (subject facts, comp facts, rates, the adjustment's column, its dollar amount worked out by hand)
CASES = [
    # 150 days from the contract date (sale date 2026-08-01 minus 30 days) to the as-of date = 4.928 months at +1%
    ("time", {}, {"Sale Date": dt.date(2026, 8, 1)}, {"time_rate": 0.01}, "adj_time",
     400_000 * (math.exp(0.01 * 150 / 30.4375) - 1)),
    ("size", {"Sq Ft": 2200}, {"Sq Ft": 2000}, {"gla": 0.5}, "adj_gla", 400_000 * (1.1 ** 0.5 - 1)),
    ("baths", {"Baths": 3}, {"Baths": 2}, {"baths": 0.04}, "adj_baths", 400_000 * (math.exp(0.04) - 1)),
    ("garage", {"Garage Spaces": 2}, {"Garage Spaces": 1}, {"garage": 0.03}, "adj_garage",
     400_000 * (math.exp(0.03) - 1)),
    ("lot", {"Lot Sq Ft": 9000}, {"Lot Sq Ft": 7000}, {"lot": 0.05}, "adj_lot", 400_000 * ((9 / 7) ** 0.05 - 1)),
    ("lot capped at twice the median", {"Lot Sq Ft": 40_000}, {"Lot Sq Ft": 7000}, {"lot": 0.05}, "adj_lot",
     400_000 * ((14_000 / 7000) ** 0.05 - 1)),
    ("age", {"Year Built": 2000}, {"Year Built": 1990}, {"yb": 0.002}, "adj_yb", 400_000 * (math.exp(0.02) - 1)),
    ("quality", {"Quality": 8}, {"Quality": 7}, {"quality": 0.06}, "adj_quality", 400_000 * (math.exp(0.06) - 1)),
    ("condition", {"Condition": 4}, {"Condition": 3}, {"cond": 0.03}, "adj_cond", 400_000 * (math.exp(0.03) - 1)),
    ("beds", {"Beds": 4}, {"Beds": 3}, {"beds": -0.01}, "adj_beds", 400_000 * (math.exp(-0.01) - 1)),
]


@pytest.mark.parametrize("name, subject, comp_facts, rates, column, expected", CASES, ids=[c[0] for c in CASES])
def test_each_adjustment(name, subject, comp_facts, rates, column, expected):
    sold = comp_facts.pop("Sale Date", dt.date(2026, 11, 20))
    line = _line(subject, comp(400_000, sold, **comp_facts), _markets(**rates))
    assert line[column] == pytest.approx(expected, abs=0.01)
    others = [c for c in ("adj_time", "adj_listing", "adj_location", *(f"adj_{f}" for f in FEATURES)) if c != column]
    assert all(line[c] == 0 for c in others)
    assert line["adjusted"] == pytest.approx(400_000 + expected, abs=0.01)
    assert line["gross_pct"] == pytest.approx(abs(expected) / 400_000)


def test_hand_figures_for_two_adjustments():
    """The formulas above, in dollars a person can check: a bath at 4% of a $400,000 comp, 10% more living area
    at a 0.5 elasticity."""
    assert _line({"Baths": 3}, comp(400_000, dt.date(2026, 11, 20), Baths=2), _markets(baths=0.04))[
        "adj_baths"] == pytest.approx(16_324.30, abs=0.01)
    assert _line({"Sq Ft": 2200}, comp(400_000, dt.date(2026, 11, 20)), _markets(gla=0.5))[
        "adj_gla"] == pytest.approx(19_523.54, abs=0.01)


def test_adjustments_chain_and_add_up():
    line = _line({"Baths": 3, "Sq Ft": 2200}, comp(400_000, dt.date(2026, 8, 1), Baths=2),
                 _markets(time_rate=0.01, baths=0.04, gla=0.5))
    after_time = 400_000 * math.exp(0.01 * 150 / 30.4375)
    after_size = after_time * 1.1 ** 0.5
    assert line["adj_gla"] == pytest.approx(after_time * (1.1 ** 0.5 - 1))
    assert line["adj_baths"] == pytest.approx(after_size * (math.exp(0.04) - 1))
    parts = line["adj_time"] + line["adj_gla"] + line["adj_baths"]
    assert line["adjusted"] == pytest.approx(400_000 + parts)


# --- rates derived from the local market ------------------------------------------------------------------------

def _market(n: int, baths_effect: float = 0.05, seed: int = 7) -> pd.DataFrame:
    """Noise-free sales: ln price = 12.6 + 0.5 ln(sq ft / 2000) + baths effect per bath + 0.02 per garage space
    + 0.003 per year built after 1990 + 1% a month."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        gla = float(rng.integers(1400, 2800))
        baths = float(rng.integers(1, 4))
        garage = float(rng.integers(0, 3))
        year = float(rng.integers(1960, 2015))
        months_ago = float(rng.uniform(0.5, 11.5))
        sold = pd.Timestamp(AS_OF) - pd.Timedelta(days=months_ago * 30.4375)
        price = math.exp(12.6 + 0.5 * math.log(gla / 2000) + baths_effect * baths + 0.02 * garage
                         + 0.003 * (year - 1990) - 0.01 * months_ago)
        rows.append(comp(price, sold.date(), north=float(rng.uniform(-0.5, 0.5)), east=float(rng.uniform(-0.5, 0.5)),
                         **{"Sq Ft": gla, "Baths": baths, "Garage Spaces": garage, "Year Built": year,
                            "Lot Sq Ft": 7000, "Beds": 3}))
    return usable(rows)


def test_rates_come_from_the_local_market():
    area = measure_area(_market(200), _market(0), np.datetime64(AS_OF))
    assert area["rate_gla"] == pytest.approx(0.5, abs=0.02)
    assert area["rate_baths"] == pytest.approx(0.05, abs=0.005)
    assert area["rate_garage"] == pytest.approx(0.02, abs=0.005)
    assert area["rate_yb"] == pytest.approx(0.003, abs=0.0005)
    assert area["time_rate"] == pytest.approx(0.01, abs=0.001) and area["time_t"] > 2
    assert area["source_baths"] == "local sales"


def test_rates_are_clipped_and_thin_markets_fall_back_to_the_grid():
    negative = measure_area(_market(200, baths_effect=-0.10), _market(0), np.datetime64(AS_OF))
    assert negative["rate_baths"] == 0.0  # a bath never lowers a price: clipped to the bound
    thin = measure_area(_market(8), _market(0), np.datetime64(AS_OF))
    assert thin["rate_baths"] == 0.04 and thin["rate_gla"] == 0.40 and thin["source_gla"] == "rule of thumb"
    assert thin["time_rate"] == 0.0  # fewer than 30 sales: no trend is claimed


# --- selection -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("miles, radius", [(0.3, 0.5), (0.8, 1.0), (1.5, 2.0), (4.0, 5.0)])
def test_radius_ladder_widens_until_three_sales_qualify(miles, radius):
    far = [comp(300_000, dt.date(2026, 9, 1), north=miles, east=0.01 * i) for i in range(3)]
    _, v = value([{}], far)
    assert v["radius"] == radius and v["n_sold"] == 3 and v["mid"] == 300_000


def test_ladder_stops_at_the_first_radius_with_three_sales():
    near = [comp(300_000, dt.date(2026, 9, 1), north=0.3, east=0.01 * i) for i in range(3)]
    far = [comp(500_000, dt.date(2026, 9, 1), north=0.8, east=0.01 * i) for i in range(3)]
    run, v = value([{}], near + far)
    assert v["radius"] == 0.5 and v["mid"] == 300_000 and len(run.lines) == 3


def test_beyond_five_miles_there_is_no_value():
    run, v = value([{}], [comp(300_000, dt.date(2026, 9, 1), north=7 + 0.01 * i) for i in range(5)])
    assert np.isnan(v["mid"]) and np.isnan(v["low"]) and np.isnan(v["high"])
    assert run.lines.empty


def test_filters_keep_other_types_sizes_ages_and_bed_counts_out():
    good = [comp(300_000, dt.date(2026, 9, 1), north=0.2 + 0.01 * i) for i in range(3)]
    bad = [comp(900_000, dt.date(2026, 9, 1), north=0.05, **{"Property Type": "Condo"}),
           comp(900_000, dt.date(2026, 9, 1), north=0.05, **{"Sq Ft": 2800}),   # +40% living area
           comp(900_000, dt.date(2026, 9, 1), north=0.05, **{"Year Built": 1960}),
           comp(900_000, dt.date(2026, 9, 1), north=0.05, Beds=5)]
    run, v = value([{}], good + bad)
    assert v["mid"] == 300_000 and len(run.lines) == 3


def test_no_sale_on_or_after_the_as_of_date_is_ever_used():
    before = [comp(300_000, dt.date(2026, 11, 1), north=0.2 + 0.01 * i) for i in range(3)]
    later = [comp(9_000_000, AS_OF, north=0.05), comp(9_000_000, dt.date(2026, 12, 5), north=0.05),
             comp(9_000_000, dt.date(2027, 3, 1), north=0.01)]
    run, v = value([{}], before + later)
    assert v["mid"] == 300_000
    dates = run.comps["date"].to_numpy()[run.lines["c"].to_numpy()]
    assert (dates < np.datetime64(AS_OF)).all()


def test_old_sales_serve_only_as_a_flagged_last_resort():
    old = [comp(300_000, dt.date(2025, 6, 1), north=0.2 + 0.01 * i) for i in range(3)]  # 18 months before
    _, v = value([{}], old)
    assert v["months"] == 24 and v["mid"] > 300_000 * 0.99
    _, none = value([{}], [comp(300_000, dt.date(2024, 6, 1), north=0.2 + 0.01 * i) for i in range(3)])
    assert np.isnan(none["mid"])


def test_distressed_sales_are_kept_out():
    normal = [comp(300_000, dt.date(2026, 9, 1), north=0.3 + 0.01 * i) for i in range(3)]
    distressed = [comp(150_000, dt.date(2026, 10, 1), north=0.02, Distressed=word)
                  for word in ("Yes", "REO", "Short Sale", "Bank Owned")]
    run, v = value([{}], normal + distressed)
    assert v["mid"] == 300_000 and len(run.lines) == 3
    assert not run.comps["distressed"].any()


def test_distressed_words():
    flags, odd = distressed_flags(pd.Series(["Standard", "Short Sale", "REO", None, "No", "Third Party Approval",
                                             "Foreclosure", "Normal", "Abnorml"], dtype=object))
    assert flags.tolist() == [False, True, True, False, False, False, True, False, True]
    assert odd.tolist()[5] == "Third Party Approval" and odd.notna().sum() == 1


def test_statuses_and_types_are_read_the_way_mls_exports_write_them():
    status, unknown = statuses(pd.Series(["Closed", "ACT", "Pending", "Expired", "Under Contract", None, "Sold?"],
                                         dtype=object),
                               pd.Series([True] * 7), pd.Series([True] * 7))
    assert status.tolist() == ["sold", "active", "pending", "other", "pending", "sold", "other"]
    assert unknown.tolist()[6] == "Sold?"
    assert type_group(pd.Series(["SFR", "Single Family Residence", "townhouse", "Condominium", "Duplex", None],
                                dtype=object)).tolist() == ["Single Family", "Single Family", "Townhouse", "Condo",
                                                            "Multi-Family", None]


def test_too_few_comps_leave_the_value_blank():
    run, v = value([{}], [comp(300_000, dt.date(2026, 9, 1), north=0.2), comp(310_000, dt.date(2026, 9, 1))])
    assert np.isnan(v["mid"]) and v["sold_found"] == 2 and v["by"] is None


def test_missing_subject_facts_are_not_adjusted_and_widen_the_range():
    comps = [comp(300_000, dt.date(2026, 10, 1), north=0.1 * (i + 1), **{"Sq Ft": 1800 + 200 * i}) for i in range(3)]
    full_run, full = value([{}], comps, k=1.6)
    bare_run, bare = value([{"Sq Ft": None, "Baths": None}], comps, k=1.6)
    assert (bare_run.lines["adj_gla"] == 0).all() and (bare_run.lines["adj_baths"] == 0).all()
    assert not (full_run.lines["adj_gla"] == 0).all()
    assert bare["penalty"] == pytest.approx(full["penalty"] + 0.06)  # +5% without Sq Ft, +1% without Baths
    assert bare["half_width"] > full["half_width"]


def test_a_comp_missing_a_fact_is_still_used():
    comps = [comp(300_000, dt.date(2026, 10, 1), north=0.1 * (i + 1)) for i in range(2)]
    comps.append(comp(300_000, dt.date(2026, 10, 1), north=0.3, **{"Year Built": None, "Garage Spaces": None}))
    run, v = value([{}], comps)
    assert v["n_sold"] == 3 and v["mid"] == 300_000


def test_a_subject_without_coordinates_is_matched_by_zip():
    same_zip = [comp(300_000, dt.date(2026, 10, 1), north=0.5 * i) for i in range(3)]
    other_zip = [comp(900_000, dt.date(2026, 10, 1), north=0.01, ZIP="33606") for _ in range(3)]
    run, v = value([{"no_coordinates": True}], same_zip + other_zip)
    assert v["by"] == "ZIP" and v["mid"] == 300_000 and np.isnan(run.lines["dist"]).all()
    assert v["penalty"] >= 0.03  # matched by ZIP: a wider range
    _, nowhere = value([{"no_coordinates": True, "ZIP": None}], same_zip)
    assert np.isnan(nowhere["mid"])


def test_own_earlier_sale_is_not_a_comp():
    subject = {"Property Address": "12 Oak St."}
    comps = [comp(300_000, dt.date(2026, 10, 1), north=0.1 * (i + 1)) for i in range(3)]
    comps.append(comp(100_000, dt.date(2026, 6, 1), north=0.0, Address="12 OAK ST"))
    run, v = value([subject], comps)
    comp_lines, own = run.lines[~run.lines["own"]], run.lines[run.lines["own"]]
    assert v["mid"] == 300_000 and len(comp_lines) == 3 and 3 not in set(comp_lines["c"])
    # shown as the home's own sale, not weighed: sold 6 months ago (a quick resale often follows a renovation)
    assert own["c"].tolist() == [3] and own["weight"].tolist() == [0.0]
    assert own["own_note"].iloc[0].startswith("not weighed: sold less than 12 months before")


# --- listings ----------------------------------------------------------------------------------------------------

def _sold_with_list_prices(n: int = 6) -> list[dict]:
    # sold at 95% of the list price, 20 days on market
    return [comp(380_000, dt.date(2026, 10, 1), north=0.1 + 0.01 * i, **{"List Price": 400_000,
                                                                         "Days on Market": 20})
            for i in range(n)]


def test_listing_is_discounted_by_the_local_sale_to_list_ratio():
    active = comp(None, None, north=0.05, status="Active", **{"List Price": 500_000, "Days on Market": 10})
    run, _ = value([{}], _sold_with_list_prices() + [active])
    line = run.lines[run.lines["listing"]].iloc[0]
    assert line["adj_listing"] == pytest.approx(-25_000) and line["adjusted"] == pytest.approx(475_000)
    assert line["adj_time"] == 0
    assert line["status"] == "active" and line["weight"] > 0
    sold_weight = run.lines[~run.lines["listing"]]["weight"].max()
    assert line["weight"] < sold_weight  # an active listing counts half as much as a sale


def test_stale_listing_loses_one_percent_a_month_beyond_the_median():
    stale = comp(None, None, north=0.05, status="Active", **{"List Price": 500_000, "Days on Market": 100})
    run, _ = value([{}], _sold_with_list_prices() + [stale])
    line = run.lines[run.lines["listing"]].iloc[0]
    # 100 days vs a median of 20: two whole 30-day steps beyond the median, 2% more off
    assert line["adj_listing"] == pytest.approx(500_000 * (0.95 * 0.98 - 1))


def test_listing_without_a_local_ratio_does_not_set_the_value():
    sold = [comp(300_000, dt.date(2026, 10, 1), north=0.1 * (i + 1)) for i in range(3)]
    pending = comp(None, None, north=0.05, status="Pending", **{"List Price": 900_000})
    run, v = value([{}], sold + [pending])
    line = run.lines[run.lines["listing"]].iloc[0]
    assert line["weight"] == 0 and np.isnan(line["adjusted"]) and v["mid"] == 300_000


def test_listings_never_replace_three_sales():
    sold = [comp(300_000, dt.date(2026, 10, 1), north=0.1 * (i + 1)) for i in range(2)]
    listings = [comp(None, None, north=0.05, status="Active", **{"List Price": 300_000}) for _ in range(3)]
    _, v = value([{}], sold + listings)
    assert np.isnan(v["mid"])


# --- trends --------------------------------------------------------------------------------------------------------

def test_trends_compare_three_month_windows_of_price_per_sq_ft():
    rows = []
    for months_ago, ppsf in ((1, 220.0), (4, 200.0), (7, 190.0), (13, 160.0)):
        for i in range(5):
            sold = pd.Timestamp(AS_OF) - pd.Timedelta(days=months_ago * 30.4375 + i)
            rows.append(comp(ppsf * 2000, sold.date(), **{"List Price": ppsf * 2000 / 0.98, "Days on Market": 30}))
    sold = usable(rows)
    active = usable([comp(None, None, status="Active", **{"List Price": 500_000}) for _ in range(4)])
    trends = area_trends(sold, active, np.datetime64(AS_OF))
    assert trends["change_3mo"] == pytest.approx(220 / 200 - 1)
    assert trends["change_6mo"] == pytest.approx(220 / 190 - 1)
    assert trends["change_12mo"] == pytest.approx(220 / 160 - 1)
    assert trends["dom_6mo"] == 30 and trends["sale_to_list_6mo"] == pytest.approx(0.98)
    assert trends["active"] == 4
    # 10 sales in the last 6 months = 1.67 a month; 4 active listings = 2.4 months of supply
    assert trends["months_supply"] == pytest.approx(4 / (10 / 6))
    assert trends["trend_label"] == "increasing"


def test_trend_windows_with_too_few_sales_stay_blank():
    sold = usable([comp(300_000, dt.date(2026, 11, 1)), comp(300_000, dt.date(2026, 7, 1))])
    trends = area_trends(sold, usable([]), np.datetime64(AS_OF))
    assert trends["change_3mo"] is None and trends["trend_12mo"] is None and trends["months_supply"] is None


def test_positions_helper_is_in_miles():
    lat, lon = at(1.0, 0.0)
    assert (lat - 27.95) * 69.0 == pytest.approx(1.0)


def test_a_listing_serves_only_subjects_valued_on_or_after_the_export():
    """Listings are as the export shows them (the latest date the comps hold, here a sale on 2026-10-01). A home
    valued as of an earlier day, like the recent sales the range is calibrated on, must not see them."""
    sold = _sold_with_list_prices()  # three sales on 2026-10-01: the export is from that day or later
    active = comp(None, None, north=0.05, status="Active", **{"List Price": 500_000, "Days on Market": 10})
    earlier = [comp(380_000, dt.date(2026, 8, 1), north=0.1 + 0.01 * i, **{"List Price": 400_000})
               for i in range(3)]
    past = run_cma(subjects([{}], as_of=dt.date(2026, 9, 15)), usable(earlier + sold + [active]), CmaParams())
    assert not past.lines["listing"].any()  # valued on 2026-09-15: the listing is a later market
    assert past.values.iloc[0]["n_sold"] == 3
    now = run_cma(subjects([{}], as_of=dt.date(2026, 11, 29)), usable(earlier + sold + [active]), CmaParams())
    assert now.lines["listing"].sum() == 1  # valued after the export: the listing is today's market

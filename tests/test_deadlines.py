"""Foreclosure deadlines: worked examples checked by hand against each statute, estimates labelled, bad input safe.

Calendars used by hand (2026): Mon Jan 19 MLK Day; Tue Mar 31 Cesar Chavez Day (CA); Mon Sep 7 Labor Day.
First Tuesdays: Jan 1 2030 and Jul 4 2028 are Tuesdays (so Texas and Georgia sell on Wed Jan 2 2030 / Wed Jul 5
2028); Jan 6 2026 and Jan 5 2027 are the first Tuesdays of those months.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from leadtracker.deadlines import DEADLINE_COLUMNS, compute_deadlines, sale_days_on_or_after
from leadtracker.rules import RULES, SaleDays

TODAY = pd.Timestamp("2026-01-05")
DATES = ("Default Date", "Notice Date", "Filing Date", "Sale Date")


def leads(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame([{"State": r.get("State"), **{c: pd.Timestamp(r[c]) if r.get(c) else pd.NaT
                                                       for c in DATES}} for r in rows],
                         columns=["State", *DATES])
    for column in DATES:
        frame[column] = frame[column].astype("datetime64[ns]")
    return frame


def one(today: pd.Timestamp = TODAY, **row) -> pd.Series:
    return compute_deadlines(leads(row), today).iloc[0]


def day(value: str) -> pd.Timestamp:
    return pd.Timestamp(value)


# --- Federal dates -------------------------------------------------------------------------------------------

def test_earliest_filing_is_121_days_after_the_first_missed_payment():
    row = one(State="CA", **{"Default Date": "2025-09-01"})
    assert row["Earliest Filing"] == day("2025-12-31")  # Sep 1 + 121 days (Reg X 1024.41(f))
    assert "12 CFR 1024.41(f)" in row["Timeline Note"]


def test_loss_mitigation_line_is_37_days_before_a_scheduled_sale():
    row = one(State="CA", **{"Default Date": "2025-06-01", "Sale Date": "2026-06-12"})
    assert "received before Wed May 6, 2026 (37 days before the sale)" in row["Timeline Note"]
    assert "12 CFR 1024.41(g)" in row["Timeline Note"]


# --- Cure deadlines: the worked examples -----------------------------------------------------------------------

@pytest.mark.parametrize("state, sale, cure", [
    # MD: 1 business day before; a Tuesday sale after Monday's MLK holiday -> the Friday before.
    ("MD", "2026-01-20", "2026-01-16"),
    ("MD", "2026-06-10", "2026-06-09"),   # Wednesday sale, ordinary week -> Tuesday
    # CA: 5 business days before the sale (Civ. Code 2924c(e)).
    ("CA", "2026-06-12", "2026-06-05"),   # Fri -> the Friday before
    ("CA", "2026-09-08", "2026-08-31"),   # Tue after Labor Day: Fri 4, Thu 3, Wed 2, Tue 1, Mon Aug 31
    ("CA", "2026-04-01", "2026-03-24"),   # Cesar Chavez Day (Tue Mar 31) is a California holiday
    # AZ: the last day before the sale that is not a Saturday or legal holiday (Sundays are holidays there).
    ("AZ", "2026-09-08", "2026-09-04"),   # Mon Labor Day, Sun, Sat all skipped -> Fri
    ("AZ", "2026-03-02", "2026-02-27"),   # Monday sale -> Friday
    ("AZ", "2026-03-04", "2026-03-03"),   # Wednesday sale -> Tuesday
    # WA: 11 days before the sale (RCW 61.24.090); NV owner-occupied: 5 days (NRS 107.0805).
    ("WA", "2026-05-15", "2026-05-04"),
    ("NV", "2026-05-15", "2026-05-10"),
])
def test_cure_deadline_before_a_scheduled_sale(state, sale, cure):
    row = one(State=state, **{"Default Date": "2025-06-01", "Sale Date": sale})
    assert row["Cure Deadline"] == day(cure)
    assert not row["_cure_estimated"]
    assert "Cure deadline " + pd.Timestamp(cure).strftime("%a %b") in row["Timeline Note"]


def test_massachusetts_cure_is_90_days_after_the_right_to_cure_notice():
    row = one(State="MA", **{"Default Date": "2025-08-01", "Notice Date": "2025-12-01"})
    assert row["Cure Deadline"] == day("2026-03-01")  # 30 + 31 + 28 + 1 days
    assert "s. 35A" in row["Timeline Note"]


def test_illinois_cure_counts_from_filing_and_says_it_is_an_estimate():
    row = one(State="IL", **{"Default Date": "2025-01-01", "Filing Date": "2025-06-01"})
    assert row["Cure Deadline"] == day("2025-08-30")
    assert row["_cure_estimated"]
    assert "Estimated cure deadline" in row["Timeline Note"]
    assert "service of the summons" in row["Timeline Note"]


@pytest.mark.parametrize("state, words", [
    ("NY", "New York sets no statutory reinstatement deadline"),
    ("FL", "certificate of sale"),
    ("GA", "no statutory reinstatement right"),
    ("TX", "mailed notice of default"),
])
def test_no_cure_date_where_the_law_sets_none_the_sheet_can_compute(state, words):
    row = one(State=state, **{"Default Date": "2025-06-01", "Sale Date": "2026-03-03"})
    assert pd.isna(row["Cure Deadline"])
    assert "No cure deadline shown" in row["Timeline Note"]
    assert words in row["Timeline Note"]


# --- Sale days: Texas and Georgia ------------------------------------------------------------------------------

@pytest.mark.parametrize("state, notice, expected", [
    ("TX", "2026-12-01", "2027-01-05"),   # +21 days = Dec 22 -> first Tuesday of January 2027
    ("TX", "2029-12-05", "2030-01-02"),   # +21 = Dec 26 -> Jan 1 2030 is a Tuesday: Wednesday Jan 2
    ("TX", "2028-06-10", "2028-07-05"),   # +21 = Jul 1 -> Jul 4 2028 is the first Tuesday: Wednesday Jul 5
    ("TX", "2026-01-13", "2026-02-03"),   # +21 = Feb 3, itself the first Tuesday
    ("TX", "2026-01-20", "2026-03-03"),   # +21 = Feb 10, the second Tuesday -> first Tuesday of March
    ("GA", "2026-06-05", "2026-07-07"),   # +30 = Jul 5 -> first Tuesday Jul 7
    ("GA", "2029-12-02", "2030-01-02"),   # O.C.G.A. 9-13-161: Wednesday after a New Year's Day Tuesday
])
def test_estimated_sale_snaps_to_the_states_sale_day(state, notice, expected):
    row = one(State=state, **{"Notice Date": notice})
    assert row["Est. Sale Date"] == day(expected)
    assert row["_sale_estimated"]
    assert pd.isna(row["_sale_date"])  # an estimate never becomes the real sale date
    assert "ESTIMATED sale date" in row["Timeline Note"]
    assert "first Tuesday" in row["Timeline Note"] or day(expected).weekday() == 1


def test_texas_sale_day_rule_only_from_its_effective_date():
    before = sale_days_on_or_after(np.array(["2013-06-20"], dtype="datetime64[D]"),
                                   SaleDays.FIRST_TUESDAY_OR_WEDNESDAY_AFTER_JAN1_JUL4, np.array([], "M8[D]"),
                                   np.datetime64("2017-09-01"))
    assert before[0] == np.datetime64("2013-07-02")  # Jul 2, 2013 was the first Tuesday: no holiday issue
    old_rule = sale_days_on_or_after(np.array(["2012-12-10"], dtype="datetime64[D]"),
                                     SaleDays.FIRST_TUESDAY_OR_WEDNESDAY_AFTER_JAN1_JUL4, np.array([], "M8[D]"),
                                     np.datetime64("2017-09-01"))
    assert old_rule[0] == np.datetime64("2013-01-01")  # Jan 1, 2013 (a Tuesday) was still a sale day then


# --- Redemption: MI and MN six months --------------------------------------------------------------------------

@pytest.mark.parametrize("state, sale, ends", [
    ("MI", "2026-03-05", "2026-09-05"),
    ("MN", "2026-08-31", "2027-02-28"),   # six calendar months, clipped to the month's end
])
def test_six_month_redemption(state, sale, ends):
    row = one(today=pd.Timestamp("2026-10-01"), State=state, **{"Default Date": "2025-06-01", "Sale Date": sale})
    assert row["Redemption Ends"] == day(ends)
    assert row["_redemption_ends"] == day(ends)
    assert row["_redemption_known"]
    assert "Redemption runs 6 months after the sale" in row["Timeline Note"]


def test_no_redemption_state_has_blank_redemption_and_helper_equal_to_sale():
    row = one(State="CA", **{"Default Date": "2025-06-01", "Sale Date": "2026-06-12"})
    assert pd.isna(row["Redemption Ends"])
    assert row["_redemption_known"]
    assert row["_redemption_ends"] == day("2026-06-12")
    assert "No redemption after the sale" in row["Timeline Note"]


# --- Estimates are labelled; unknown stays unknown ------------------------------------------------------------

def test_california_estimate_from_the_notice_of_default_is_labelled():
    row = one(State="CA", **{"Default Date": "2025-06-01", "Notice Date": "2025-10-15"})
    # NOD Oct 15 + 3 months + 20 days = Feb 4, 2026 (a Wednesday, a business day).
    assert row["Est. Sale Date"] == day("2026-02-04")
    assert row["Days to Sale"] == 30
    assert row["_sale_estimated"] and row["_cure_estimated"]
    assert row["Cure Deadline"] == day("2026-01-28")  # 5 business days before the estimated sale
    note = row["Timeline Note"]
    assert "ESTIMATED sale date Wed Feb 4, 2026" in note and "this is an estimate" in note
    assert "Estimated cure deadline Wed Jan 28, 2026" in note


def test_estimate_from_the_default_date_uses_the_fannie_mae_time_frame():
    row = one(State="AL", **{"Default Date": "2025-06-01"})
    # Last paid installment May 1, 2025 + 420 days = Jun 25, 2026 (Fannie Mae 2019 exhibit for Alabama).
    assert row["Est. Sale Date"] == day("2026-06-25")
    assert row["_sale_estimated"]
    assert "420-day" in row["Timeline Note"]


def test_a_state_whose_figures_are_unknown_leaves_dates_blank_and_says_why():
    row = one(State="AL", **{"Default Date": "2025-06-01", "Sale Date": "2026-03-03"})
    assert pd.isna(row["Cure Deadline"]) and pd.isna(row["Redemption Ends"])
    assert not row["_redemption_known"] and pd.isna(row["_redemption_ends"])
    assert row["_sale_date"] == day("2026-03-03")
    note = row["Timeline Note"]
    assert "No cure deadline shown: no statute was verified" in note
    assert "Redemption after the sale is unknown" in note


def test_stale_estimate_is_left_blank_with_a_reason():
    row = one(today=pd.Timestamp("2030-01-01"), State="AZ", **{"Default Date": "2025-06-01"})
    assert pd.isna(row["Est. Sale Date"]) and pd.isna(row["Days to Sale"])
    assert "usual timeline has already run out" in row["Timeline Note"]


# --- Bad input: a Data Issues entry and blank cells, never a crash -------------------------------------------

@pytest.mark.parametrize("row, words, note", [
    ({"State": None, "Default Date": "2025-06-01", "Sale Date": "2026-03-03"}, "need the property's State",
     "No deadlines: the State is missing or not a US state (see Data Issues)."),
    ({"State": "ZZ", "Default Date": "2025-06-01"}, "need the property's State",
     "No deadlines: the State is missing or not a US state (see Data Issues)."),
    ({"State": "CA"}, "need at least one of Default Date",
     "No deadlines: no Default, Notice, Filing or Sale Date on file."),
    ({"State": "NY", "Default Date": "2026-01-01", "Sale Date": "2025-01-01"},
     "Sale Date Wed Jan 1, 2025 is before the Default Date",
     "No deadlines: the Sale Date is before the Default Date (see Data Issues)."),
])
def test_bad_inputs_give_an_issue_and_blank_state_deadlines(row, words, note):
    out = one(**row)
    assert words in out["_deadline_issue"]
    for column in ("Earliest Filing", "Est. Sale Date", "Cure Deadline", "Redemption Ends", "Days to Sale"):
        assert pd.isna(out[column]), column
    assert out["Timeline Note"] == note


def test_good_rows_have_no_issue():
    assert one(State="CA", **{"Default Date": "2025-06-01"})["_deadline_issue"] is None


def test_output_shape_and_types_for_refresh():
    frame = leads({"State": "CA", "Default Date": "2025-06-01", "Sale Date": "2026-06-12"},
                  {"State": None}, {"State": "TX", "Notice Date": "2026-01-10"})
    frame.index = [10, 11, 12]
    out = compute_deadlines(frame, TODAY)
    assert list(out.index) == [10, 11, 12]
    for column in DEADLINE_COLUMNS + ("_sale_date", "_redemption_known", "_redemption_ends"):
        assert column in out.columns
    for column in ("Earliest Filing", "Est. Sale Date", "Cure Deadline", "Redemption Ends", "_sale_date",
                   "_redemption_ends"):
        assert out[column].dtype == "datetime64[ns]", column
    assert out["_redemption_known"].dtype == bool
    assert out.loc[10, "Days to Sale"] == 158


def test_empty_input():
    out = compute_deadlines(leads(), TODAY)
    assert out.empty and "Est. Sale Date" in out.columns


def test_a_large_mixed_batch_is_computed_state_by_state():
    """Speed is measured in benchmarks/refresh.py; here: many states at once give each row its own state's rules."""
    rng = np.random.default_rng(7)
    n = 20_000
    states = np.array(list(RULES) + [None, "ZZ"], dtype=object)
    frame = pd.DataFrame({
        "State": rng.choice(states, n),
        "Default Date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
        "Notice Date": pd.Timestamp("2024-06-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
        "Filing Date": pd.NaT,
        "Sale Date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")})
    frame.loc[rng.random(n) < 0.5, "Sale Date"] = pd.NaT
    for column in DATES:
        frame[column] = frame[column].astype("datetime64[ns]")
    out = compute_deadlines(frame, TODAY)
    assert len(out) == n
    unknown = ~frame["State"].isin(list(RULES))
    assert out.loc[unknown, "Earliest Filing"].isna().all()
    assert out.loc[unknown, "_deadline_issue"].notna().all()
    for state in ("MI", "TX", "CA"):  # each row matches the same row computed alone
        rows = frame.index[(frame["State"] == state) & frame["Sale Date"].notna()][:3]
        for row in rows:
            alone = compute_deadlines(frame.loc[[row]], TODAY).iloc[0]
            for column in ("Redemption Ends", "Cure Deadline", "Est. Sale Date"):
                a, b = out.loc[row, column], alone[column]
                assert (pd.isna(a) and pd.isna(b)) or a == b, (state, column)


# --- The per-lead timeline table (letters) and the `timeline` command ----------------------------------------

def test_timeline_table_for_a_maryland_lead():
    from leadtracker.timeline import TIMELINE_COLUMNS, lead_timeline
    table = lead_timeline("MD", TODAY, default_date="2025-09-01", sale_date="2026-01-20")
    assert tuple(table.columns) == TIMELINE_COLUMNS
    by_stage = table.set_index("Stage")
    assert by_stage.at["Last day to cure", "Date"] == day("2026-01-16")
    assert by_stage.at["Loss-mitigation deadline", "Date"] == day("2025-12-14")
    assert by_stage.at["Foreclosure sale", "Date"] == day("2026-01-20")
    assert not by_stage["Estimate"].any()
    dated = table["Date"].dropna()
    assert dated.is_monotonic_increasing
    sources = dict(zip(table["Stage"], table["Source"]))
    assert "12 CFR 1024.41(g)" in sources["Loss-mitigation deadline"]
    assert "Md." in sources["Last day to cure"] and "7-105" in sources["Last day to cure"]
    assert sources["Servicer contact"] == "12 CFR 1024.39 (Regulation X)"
    assert sources["Earliest first filing"] == "12 CFR 1024.41(f) (Regulation X)"
    assert sources["First missed payment"] == sources["Foreclosure sale"] == "Lead record"  # the agent's dates
    assert "Maryland" in sources["Redemption after the sale"]


def test_timeline_table_marks_estimates_in_words_too():
    from leadtracker.timeline import lead_timeline
    table = lead_timeline("CA", TODAY, default_date="2025-06-01", notice_date="2025-10-15").set_index("Stage")
    assert bool(table.at["Foreclosure sale", "Estimate"])
    assert table.at["Foreclosure sale", "What it means"].startswith("ESTIMATED sale date")
    assert bool(table.at["Last day to cure", "Estimate"])
    assert table.at["Last day to cure", "What it means"].startswith("Estimated:")


def test_timeline_command_prints_dates_rules_and_sources(capsys):
    from leadtracker.timeline_cli import main
    code = main(["TX", "--default-date", "2026-01-01", "--notice-date", "2029-12-05", "--today", "2029-12-10"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "Wed Jan 2, 2030  Foreclosure sale (ESTIMATE)" in printed
    assert "H.B. 1128" in printed and "Source:" in printed
    assert "Days to the estimated sale: 23" in printed


def test_timeline_command_points_at_the_problem_it_printed(capsys):
    """The command line has no Data Issues column: the note points at the problem printed above it."""
    from leadtracker.timeline_cli import main
    code = main(["CA", "--default-date", "2026-05-01", "--sale-date", "2026-03-01", "--today", "2026-04-01"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "Problem: " in printed
    assert "Note: No deadlines: the Sale Date is before the Default Date (the problem above)." in printed
    assert "Data Issues" not in printed


@pytest.mark.parametrize("argv, words", [
    (["ZZ"], "'ZZ' is not a US state code"),
    (["CA", "--default-date", "banana"], "Default Date 'banana' is not a date"),
])
def test_timeline_command_refuses_unreadable_input(capsys, argv, words):
    from leadtracker.timeline_cli import main
    assert main(argv) == 2
    assert words in capsys.readouterr().out


def test_timeline_subcommand_plugs_into_a_parent_parser():
    import argparse

    from leadtracker.timeline_cli import add_parser, run
    parser = argparse.ArgumentParser(prog="leadtracker")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["timeline", "MI", "--sale-date", "2026-03-05", "--today", "2026-04-01"])
    assert args.func is run
    assert args.state == "MI" and args.sale_date == "2026-03-05"


def test_today_says_when_the_sale_date_is_an_estimate():
    """Estimates are never shown as facts: Today's "Why now" says "about ... (estimated)" when there is no Sale Date."""
    from builders import TODAY, computed, lead, row_of

    scheduled = lead("L-1", State="CA", ZIP="92503", **{"Sale Date": TODAY + dt.timedelta(days=40)})
    estimated = lead("L-2", State="CA", ZIP="92503", **{"Notice Date": TODAY - dt.timedelta(days=30)})
    result = computed([scheduled, estimated], [])
    why = result.today.set_index("Lead ID")["Why now"]
    assert why["L-1"] == "New lead: reach out today; sale in 40 days"
    days = int(row_of(result, "L-2")["Days to Sale"])
    assert days > 0
    assert why["L-2"] == f"New lead: reach out today; sale in about {days} days (estimated)"

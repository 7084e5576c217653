"""A quick-log entry has no time of its own: its Activity row is stamped at the refresh (Source quick-log), so its
call is never judged against calling hours, yet it counts towards the call caps. Import stamps its rows, and the
quick-log entries its refresh consumes, in the agent's time zone (Settings), not the machine's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from builders import TODAY, computed, days_ago, lead, row_of, store_for, touch
from leadtracker.importers.command import run_import

AUSTIN = {"City": "Austin", "State": "TX", "ZIP": "78701", "Phone": "(512) 555-0102"}


def logged_rows(result) -> pd.DataFrame:
    rows = result.changes.activity_rows
    return rows[rows["Source"] == "quick-log"]


def test_a_call_quick_logged_before_calling_hours_is_not_called_a_violation():
    """Spoke yesterday at 3 PM, logged at 8:30 AM ET (7:30 AM in Austin): a row, no false violation."""
    person = lead("L-1", **AUSTIN, **{"Log Outcome": "Spoke", "Log Note": "talked at 3 PM yesterday"})
    result = computed([person], [touch("L-1", "D1", days_ago(2))],
                      now=dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(8, 30)))
    rows = logged_rows(result)
    assert list(rows["Outcome"]) == ["Spoke"] and list(rows["Note"]) == ["talked at 3 PM yesterday"]
    assert list(rows["Timestamp"]) == [dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(8, 30))]
    assert "outside calling hours" not in (row_of(result, "L-1")["Data Issues"] or "")


def test_a_quick_logged_call_counts_towards_the_cap():
    """Florida allows 3 calls in 24 hours (Fla. Stat. 501.616(6)(b)): two typed today and one quick-logged use them."""
    now = dt.datetime.combine(TODAY, dt.time(13, 0))
    history = [touch("L-1", "D2", now - dt.timedelta(hours=h), "No Answer", "Call") for h in (4, 2)]
    person = lead("L-1", **{"Log Outcome": "No Answer", "Log Channel": "Call"})
    result = computed([person], history, now=now)
    assert "3 of 3 calls used in 24 hours" in row_of(result, "L-1")["Contact Rules"]
    listed = result.today[result.today["Lead ID"] == "L-1"]
    assert not listed["Channel"].isin(["Call", "Text"]).any()  # only the letter that is owed
    assert "Call logged" not in (row_of(result, "L-1")["Data Issues"] or "")


def test_a_quick_logged_call_names_the_call_step_that_was_due_and_not_a_letter_step():
    due_call = lead("L-1", **{"Log Outcome": "Left Voicemail"})  # D1 went out yesterday: the D2 call is due
    due_letter = lead("L-2", Phone="(813) 555-0143", **{"Log Outcome": "Spoke"})  # new: the D1 letter is due
    result = computed([due_call, due_letter], [touch("L-1", "D1", days_ago(1))],
                      now=dt.datetime.combine(TODAY, dt.time(10, 0)))
    rows = logged_rows(result).set_index("Lead ID")
    assert (rows.at["L-1", "Step"], rows.at["L-1", "Channel"]) == ("D2", "Call")
    assert pd.isna(rows.at["L-2", "Step"]) and rows.at["L-2", "Channel"] == "Call"
    assert row_of(result, "L-2")["Next Step"] == "D1"  # the letter is still owed


def test_import_stamps_rows_in_the_agents_time_zone(tmp_path):
    zone = ZoneInfo("Pacific/Honolulu")  # ten hours behind UTC all year, so a machine clock in UTC shows
    store = store_for([lead("L-1", **{"Log Outcome": "Spoke"})], [touch("L-1", "D1", days_ago(1))],
                      settings={"Time Zone": "Pacific/Honolulu"})
    vendor = tmp_path / "list.csv"
    vendor.write_text("Owner Name,Property Address,City,State,ZIP\nCasey Drummond,5 Pine Ct,Dallas,TX,75201\n")
    before = dt.datetime.now(zone).replace(tzinfo=None, microsecond=0) - dt.timedelta(minutes=1)
    run_import(store, vendor, rejects_dir=tmp_path)
    after = dt.datetime.now(zone).replace(tzinfo=None) + dt.timedelta(minutes=1)
    sheet = store.sheets["Activity"]
    rows = pd.DataFrame(sheet[1:], columns=sheet[0])
    mine = rows[rows["Source"].isin(["import", "quick-log"])]
    assert set(mine["Source"]) == {"import", "quick-log"}
    stamps = pd.to_datetime(mine["Timestamp"])
    assert ((stamps >= before) & (stamps <= after)).all(), list(stamps)

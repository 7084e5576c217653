"""One bad row never stops a refresh (issue 2, DESIGN §11): a workbook with more than 30 kinds of bad values
refreshes, keeps every row where it was with the values the agent typed, and names each problem in that row's
Data Issues (column name and value). Duplicate Lead IDs are reported on both rows and never merged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from leadtracker import schema
from leadtracker.cli import main
from leadtracker.commands import run_refresh
from leadtracker.store import MemoryStore

TODAY = dt.date(2026, 11, 29)
LONG_NOTE = ("Owner says the roof leaks and the lender stopped answering. " * 90)[:5000]
HYPERLINK = '=HYPERLINK("http://evil.example","click")'
BASE = {"Owner Name": "Ok Owner", "Property Address": "1 Test St", "City": "Miami", "State": "FL",
        "ZIP": "33101", "Phone": "3055550100", "Notice Date": dt.datetime(2026, 10, 1)}

# (Lead ID, {column: bad value}, [text the row's Data Issues must contain]); a value of ("error", "#N/A") is typed
# as an Excel error cell, ("text", ...) as text even when it starts with "=".
CASES: list[tuple[object, dict, list[str]]] = [
    ("B-01", {"Sale Date": "soon-ish"}, ["Sale Date 'soon-ish'"]),
    ("B-02", {"Loan Balance": "N/A"}, ["Loan Balance 'N/A'"]),
    ("B-03", {"Est. Value": "$1,2,3"}, ["Est. Value '$1,2,3'"]),
    ("B-04", {"Loan Balance": -5000}, ["Loan Balance '-5000'", "negative"]),
    ("B-05", {"State": "ZZ"}, ["State 'ZZ'"]),
    ("B-06", {"Notice Date": "📅 last week"}, ["Notice Date '📅 last week'"]),
    ("B-07", {"Sale Date": ("error", "#N/A")}, ["Sale Date", "'#N/A'"]),
    ("B-08", {"Loan Balance": ("error", "#VALUE!")}, ["Loan Balance", "'#VALUE!'"]),
    ("B-09", {"Est. Value": ("error", "#DIV/0!")}, ["Est. Value", "'#DIV/0!'"]),
    ("B-10", {"Phone": ("error", "#REF!")}, ["Phone", "'#REF!'"]),
    ("B-11", {"Owner Name": ("error", "#NAME?")}, ["Owner Name", "'#NAME?'"]),
    ("B-12", {"Default Date": True}, ["Default Date", "'True'"]),
    ("B-13", {"Sale Date": False}, ["Sale Date", "'False'"]),
    ("B-14", {"Loan Balance": dt.datetime(2026, 1, 5)}, ["Loan Balance '2026-01-05"]),
    ("B-15", {"Do Not Call": "maybe"}, ["Do Not Call 'maybe'"]),
    ("B-16", {"Phone": "1234567890123"}, ["Phone '1234567890123'"]),
    ("B-17", {"Email": "not an email"}, ["Email 'not an email'"]),
    ("B-18", {"ZIP": "ABCDE"}, ["ZIP 'ABCDE'"]),
    ("B-19", {"Notice Date": "03/01/1066"}, ["Notice Date '03/01/1066'"]),
    ("B-20", {"Sale Date": "12/31/9999"}, ["Sale Date '12/31/9999'"]),
    ("B-21", {"Filing Date": dt.datetime(2999, 1, 1)}, ["Filing Date '2999-01-01"]),
    ("B-22", {"Sale Date": "2026-12-15T10:00:00-05:00"}, ["Sale Date '2026-12-15T10:00:00-05:00'"]),
    ("B-23", {"Distress Score": "high"}, ["Distress Score 'high'"]),
    ("B-24", {"Beds": "3.5.1"}, ["Beds '3.5.1'"]),
    ("B-25", {"Mailing State": "Narnia"}, ["Mailing State 'Narnia'"]),
    ("B-26", {"Mailing ZIP": 123456}, ["Mailing ZIP '123456'"]),
    ("B-27", {"Meeting Date": "TBD"}, ["Meeting Date 'TBD'"]),
    ("B-28", {"Received": 12}, ["Received '12'"]),
    ("B-29", {"Phone 2": "555-0100"}, ["Phone 2 '555-0100'"]),
    ("B-30", {"Latitude": "north"}, ["Latitude 'north'"]),
    ("B-31", {"Other Liens": "(1,000)"}, ["Other Liens '(1,000)'", "negative"]),
    ("B-32", {"DNC Checked": "yes"}, ["DNC Checked 'yes'"]),
    ("B-33", {"Log Outcome": "Maybe later"}, ["Log Outcome 'Maybe later'"]),
    ("B-34", {"Log Note": "left a card on the door"}, ["Log Note is waiting for a Log Outcome"]),
    ("B-35", {"Log Outcome": "Spoke", "Log Channel": "Pigeon"}, ["Log Channel 'Pigeon'"]),
    ("B-36", {}, ["Activity row 2: Timestamp 'yesterday'"]),
    ("B-37", {}, ["Activity row 3: Outcome 'Maybe'"]),
    ("B-38", {"Year Built": "nineteen-ten"}, ["Year Built 'nineteen-ten'"]),
    ("B-39", {"Sq Ft": "-1200"}, ["Sq Ft '-1200'", "negative"]),
    ("B-40", {"Do Not Text": 7}, ["Do Not Text '7'"]),
    # values that are odd but not problems: kept exactly, no Data Issue
    ("OK-01", {"Owner Name": "🏠 María José 😀"}, []),
    ("OK-02", {"Notes": LONG_NOTE}, []),
    ("OK-03", {"Owner Name": ("text", HYPERLINK)}, []),
    ("OK-04", {"Owner Name": 12345}, []),
    ("OK-05", {"Sale Date": "   ", "Loan Balance": " \t "}, []),
    ("OK-06", {"Log Outcome": "Left Voicemail", "Log Note": "spoke to tenant"}, []),
]
DUPLICATES = [("DUP-1", {"Sale Date": dt.datetime(2026, 12, 19)}), ("DUP-1", {}), (1001, {}), ("1001", {})]
HEADERS = [c.name for c in schema.LEAD_COLUMNS if c.kind is not schema.Kind.COMPUTED] + ["My Own Column"]


def build(path: Path) -> list[object]:
    """The workbook; returns the Lead IDs in row order (None for the blank one)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    ws.append(HEADERS)
    rows = [(lead, values) for lead, values, _ in CASES] + DUPLICATES + [(None, {"Owner Name": "No Id Yet"})]
    for r, (lead, values) in enumerate(rows, start=2):
        # each lead its own number: a ticked Do-Not box closes its number on every lead holding it
        record = dict(BASE, **{"Lead ID": lead, "My Own Column": f"mine {r}", "Phone": f"30555501{r:02d}"})
        record.update(values)
        for c, header in enumerate(HEADERS, start=1):
            value = record.get(header)
            cell = ws.cell(r, c)
            if isinstance(value, tuple):
                kind, text = value
                cell.value = text
                cell.data_type = "e" if kind == "error" else "s"
            else:
                cell.value = value
    activity = wb.create_sheet("Activity")
    activity.append([c.name for c in schema.ACTIVITY_COLUMNS])
    activity.append(["X-1", "yesterday", "B-36", "D1", "Letter", "Outbound", "Sent", None, "manual", None, None])
    activity.append(["X-2", dt.datetime(2026, 11, 20, 9), "B-37", "D1", "Call", "Outbound", "Maybe", None, None,
                     None, None])
    activity.append(["X-3", dt.datetime(2026, 11, 21, 9), "GHOST-9", "D1", "Call", "Outbound", "Spoke", None, None,
                     None, None])
    activity.append(["X-4", None, "B-01", "D1", "Call", "Outbound", "Spoke", None, None, None,
                     None])
    activity["B5"].value, activity["B5"].data_type = "#VALUE!", "e"
    wb.save(path)
    return [lead for lead, _ in rows]


def cell_values(ws, last_input_col: int) -> list[list[tuple[object, str]]]:
    return [[(ws.cell(r, c).value, ws.cell(r, c).data_type) for c in range(1, last_input_col + 1)]
            for r in range(2, ws.max_row + 1)]


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    path = tmp_path_factory.mktemp("bad") / "Bad Rows.xlsx"
    ids = build(path)
    before_wb = openpyxl.load_workbook(path)
    before = cell_values(before_wb["Leads"], len(HEADERS))
    before_activity = [[c.value for c in row] for row in before_wb["Activity"].iter_rows()]
    code = main(["refresh", str(path), "--today", TODAY.isoformat()])
    wb = openpyxl.load_workbook(path)
    return {"code": code, "path": path, "ids": ids, "before": before, "before_activity": before_activity,
            "wb": wb, "cols": {c.value: c.column for c in wb["Leads"][1] if c.value}}


def issues_of(refreshed, row: int) -> str:
    return refreshed["wb"]["Leads"].cell(row, refreshed["cols"]["Data Issues"]).value or ""


def test_refresh_succeeds(refreshed, capsys):
    assert refreshed["code"] == 0


def test_more_than_thirty_kinds_of_bad_value():
    assert sum(1 for lead, _, expected in CASES if expected) >= 30


def test_every_row_is_still_there_in_order_with_its_values(refreshed):
    ws = refreshed["wb"]["Leads"]
    cols = refreshed["cols"]
    after = cell_values(ws, len(HEADERS))
    assert len(after) == len(refreshed["before"])
    consumed_row = 2 + [lead for lead, _, _ in CASES].index("OK-06")
    blank_id_row = 2 + refreshed["ids"].index(None)
    for offset, (old, new) in enumerate(zip(refreshed["before"], after)):
        row = offset + 2
        for header, old_cell, new_cell in zip(HEADERS, old, new):
            if row == consumed_row and header in ("Log Outcome", "Log Note"):
                assert new_cell[0] is None, (row, header)  # a good quick-log entry is consumed
            elif row == blank_id_row and header == "Lead ID":
                assert str(new_cell[0]).startswith("LT-")
            else:
                assert new_cell == old_cell, (row, header, old_cell, new_cell)
    long_note = ws.cell(2 + [lead for lead, _, _ in CASES].index("OK-02"), cols["Notes"]).value
    assert long_note == LONG_NOTE and len(long_note) == 5000
    # every lead has its computed columns
    assert all(ws.cell(r, cols["Stage"]).value for r in range(2, ws.max_row + 1))


@pytest.mark.parametrize("lead, values, expected", CASES, ids=[c[0] for c in CASES])
def test_each_problem_is_named_in_its_row(refreshed, lead, values, expected):
    row = 2 + refreshed["ids"].index(lead)
    text = issues_of(refreshed, row)
    for fragment in expected:
        assert fragment in text, f"row {row} ({lead}): {fragment!r} not in Data Issues {text!r}"
    if not expected:
        assert text == "", f"row {row} ({lead}) has no problem but Data Issues says {text!r}"


def test_bad_quick_log_entries_are_not_consumed(refreshed):
    ws = refreshed["wb"]["Leads"]
    cols = refreshed["cols"]
    for lead, column, value in (("B-33", "Log Outcome", "Maybe later"),
                                ("B-34", "Log Note", "left a card on the door"),
                                ("B-35", "Log Outcome", "Spoke"), ("B-35", "Log Channel", "Pigeon")):
        row = 2 + refreshed["ids"].index(lead)
        assert ws.cell(row, cols[column]).value == value
    activity = refreshed["wb"]["Activity"]
    act_cols = {c.value: c.column for c in activity[1]}
    logged = [(activity.cell(r, act_cols["Lead ID"]).value, activity.cell(r, act_cols["Outcome"]).value,
               activity.cell(r, act_cols["Note"]).value) for r in range(2, activity.max_row + 1)]
    assert logged[:4] == [(row[2], row[6], row[7]) for row in refreshed["before_activity"][1:]]
    assert logged[4] == ("OK-06", "Left Voicemail", "spoke to tenant")
    # the Do Not Call ticked on the sheet is recorded once as an opt-out (the audit trail of issue 8)
    assert logged[5:] == [("B-15", "Opted Out", "Do Not Call is marked on the Leads sheet"),
                          ("B-40", "Opted Out", "Do Not Text is marked on the Leads sheet")]


def test_unknown_activity_lead_is_reported_and_kept(tmp_path, capsys):
    path = tmp_path / "Ghost.xlsx"
    build(path)
    assert main(["refresh", str(path), "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "GHOST-9" in out and "not on Leads" in out
    activity = openpyxl.load_workbook(path)["Activity"]
    assert any(c.value == "GHOST-9" for c in activity["C"])


def test_duplicate_ids_are_reported_on_both_rows_and_not_merged(refreshed):
    ws = refreshed["wb"]["Leads"]
    cols = refreshed["cols"]
    ids = refreshed["ids"]
    first, second = [2 + i for i, lead in enumerate(ids) if lead == "DUP-1"]
    assert f"Lead ID 'DUP-1' is also on row {second}" in issues_of(refreshed, first)
    assert f"Lead ID 'DUP-1' is also on row {first}" in issues_of(refreshed, second)
    # each row keeps its own computed values: only the first has a sale date
    assert ws.cell(first, cols["Days to Sale"]).value == 20
    # the second has only the Notice Date: Florida's estimate counts from the first missed payment (Fannie Mae's
    # 810 days), which it lacks, so its sale cannot be estimated; it does not borrow the first row's sale date
    assert ws.cell(second, cols["Days to Sale"]).value is None
    assert ws.cell(second, cols["Timeline Note"]).value.startswith(
        "Florida: no sale date can be estimated from the dates on file.")
    assert ws.cell(first, cols["Lead ID"]).value == ws.cell(second, cols["Lead ID"]).value == "DUP-1"
    number, text = [2 + i for i, lead in enumerate(ids) if lead in (1001, "1001")]
    assert f"Lead ID '1001' is also on row {text}" in issues_of(refreshed, number)
    assert f"Lead ID '1001' is also on row {number}" in issues_of(refreshed, text)
    assert ws.cell(number, cols["Lead ID"]).value == 1001 and ws.cell(text, cols["Lead ID"]).value == "1001"


def test_hostile_owner_name_stays_text_everywhere(refreshed):
    wb = refreshed["wb"]
    row = 2 + refreshed["ids"].index("OK-03")
    cell = wb["Leads"].cell(row, refreshed["cols"]["Owner Name"])
    assert (cell.value, cell.data_type) == (HYPERLINK, "s")
    on_today = [c for line in wb["Today"].iter_rows() for c in line if c.value == HYPERLINK]
    assert on_today, "the new lead with the hostile name is due today, so it is on Today"
    assert all(c.data_type == "s" for c in on_today)


def test_timezone_aware_datetimes_are_read_not_fatal():
    """Google Sheets and other stores can hand over timezone-aware datetimes; openpyxl cannot even store them."""
    headers = ["Lead ID", "Owner Name", "Property Address", "State", "Phone", "Sale Date", "Notice Date"]
    eastern = dt.timezone(dt.timedelta(hours=-5))
    store = MemoryStore({"Leads": [headers,
                                   ["TZ-1", "Tia Zed", "5 Zone St", "FL", "3055550155",
                                    dt.datetime(2026, 12, 19, 10, 0, tzinfo=eastern),
                                    pd.Timestamp("2026-10-01 08:00", tz="America/New_York")]]})
    report = run_refresh(store, TODAY)
    row = dict(zip(store.table("Leads")[0], store.table("Leads")[1]))
    assert row["Days to Sale"] == 20
    assert not row["Data Issues"] or "Sale Date" not in row["Data Issues"]
    assert report.result.leads["Stage"].tolist() == ["New"]

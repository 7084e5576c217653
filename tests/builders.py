"""Small builders for workbooks in tests: invented people only."""

from __future__ import annotations

import datetime as dt
import itertools

from leadtracker import schema
from leadtracker.commands import read_tables, run_refresh
from leadtracker.refresh import refresh
from leadtracker.store import MemoryStore

TODAY = dt.date(2026, 11, 29)
ACTIVITY_HEADERS = [c.name for c in schema.ACTIVITY_COLUMNS]
_ids = itertools.count(1)


def days_ago(n: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=n), dt.time(hour, 0))


def lead(lead_id: str = "L-1", **values: object) -> dict[str, object]:
    """A lead with every contact channel open unless told otherwise."""
    row: dict[str, object] = {
        "Lead ID": lead_id, "Owner Name": "Avery Quill", "Property Address": "12 Test Lane", "City": "Tampa",
        "State": "FL", "ZIP": "33602", "Phone": "(813) 555-0142", "Email": "avery.quill@example.com",
        "DNC Checked": TODAY - dt.timedelta(days=3),  # calls need a Do Not Call check within 31 days
    }
    row.update(values)
    return row


def touch(lead_id: str, step: str | None, when: dt.datetime, outcome: str = "Sent", channel: str | None = None,
          direction: str = "Outbound") -> dict[str, object]:
    if channel is None:
        channel = {"D2": "Call", "D4": "Call", "D6": "Call"}.get(step or "", "Letter")
    return {"Activity ID": f"T-{next(_ids)}", "Timestamp": when, "Lead ID": lead_id, "Step": step,
            "Channel": channel, "Direction": direction, "Outcome": outcome, "Source": "test"}


def sequence_touches(lead_id: str, first_day_ago: int, through: int, late: dict[int, int] | None = None) -> list:
    """D1..D{through} done on schedule from day 1 = `first_day_ago` days ago; `late` shifts step k by n days."""
    late = late or {}
    rows, shift = [], 0
    for k in range(1, through + 1):
        shift += late.get(k, 0)
        rows.append(touch(lead_id, f"D{k}", days_ago(first_day_ago - (k - 1) - shift)))
    return rows


def store_for(leads: list[dict], activity: list[dict] | None = None, settings: dict | None = None,
              plan: list[list] | None = None) -> MemoryStore:
    headers = list(dict.fromkeys(h for row in leads for h in row)) or ["Lead ID"]
    sheets = {"Leads": [headers] + [[row.get(h) for h in headers] for row in leads],
              "Activity": [ACTIVITY_HEADERS] + [[row.get(h) for h in ACTIVITY_HEADERS] for row in activity or []]}
    if settings:
        sheets["Settings"] = [["Setting", "Value"]] + [[k, v] for k, v in settings.items()]
    if plan:
        sheets["Plan"] = plan
    return MemoryStore(sheets)


def computed(leads: list[dict], activity: list[dict] | None = None, settings: dict | None = None,
             plan: list[list] | None = None, today: dt.date = TODAY, now: dt.datetime | None = None):
    """Refresh in memory at `now` (the agent's wall clock; default today at 9:00 AM); returns the Result (leads
    with computed columns by sheet row, Today, changes)."""
    store = store_for(leads, activity, settings, plan)
    tables = read_tables(store)
    return refresh(tables, now or dt.datetime.combine(today, dt.time(9, 0)))


def row_of(result, lead_id: str) -> dict[str, object]:
    rows = result.leads[result.leads["Lead ID"] == lead_id]
    assert len(rows) == 1, f"expected one row for {lead_id}, found {len(rows)}"
    return rows.iloc[0].to_dict()


def refresh_store(store: MemoryStore, today: dt.date = TODAY):
    return run_refresh(store, today)


def save_xlsx(store: MemoryStore, path):
    """A memory store's sheets written as a real .xlsx (the commands then open it as an agent's workbook)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in store.sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path

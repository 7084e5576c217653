"""One contract every store passes: read a sheet as a table; fill cells; write computed columns by Lead ID;
append rows idempotently; replace a tool-owned sheet; commit. Run on MemoryStore, XlsxStore (a real file), the
xlwings store, and the Google Sheets store (against the local fake of the Sheets API)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from leadtracker.errors import SheetError
from leadtracker.schema import ACTIVITY_COLUMNS, Column, LEAD_COLUMNS
from leadtracker.store import CellFill, CellUpdate, ChartSpec, MemoryStore, ToolSheet
from leadtracker.xlsx_store import XlsxStore

SHEETS = {
    "Leads": [
        ["My Tracker"],  # a title row above the headers: the header row is found by its names
        ["Owner", "Lead ID", "Site Address", "My Column", "Stage", "Log Outcome"],
        ["Avery Quill", "L-1", "1 Oak St", "keep me", "old", "Spoke"],
        [None, None, None, None, None, None],
        ["Blake Ferrow", None, "2 Elm St", 42, None, None],
        ["Casey Dunmore", "L-1", "3 Ash St", "dup", None, None],
    ],
    "activity": [  # names match case-insensitively
        ["Activity ID", "Timestamp", "Lead ID", "Step", "Channel", "Direction", "Outcome", "Note", "Source",
         "Ref", "By"],
        ["A-1", dt.datetime(2026, 11, 1, 9), "L-1", "D1", "Letter", "Outbound", "Sent", None, None, None, None],
    ],
    "Notes": [["anything"], ["the agent's own sheet"]],
    "Team List": [["ID", "Owner"], ["T-7", "Drew Lark"]],  # a vendor's id header, no computed columns yet
}


class MemoryCase:
    def make(self, tmp_path):
        return MemoryStore(SHEETS)

    def reopen(self, store, tmp_path):
        return store


class XlsxCase:
    fast_read = True

    def make(self, tmp_path):
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, rows in SHEETS.items():
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append(row)
        path = tmp_path / "book.xlsx"
        wb.save(path)
        return XlsxStore(path, fast_read=self.fast_read)

    def reopen(self, store, tmp_path):
        return XlsxStore(store.path, fast_read=self.fast_read)


class XlsxOpenpyxlReadCase(XlsxCase):
    """The same file read through openpyxl's own cell model (no calamine)."""

    fast_read = False


class XlwingsCase:
    """A workbook open in Excel, through the xlwings store, over the double of the xlwings API it uses."""

    def make(self, tmp_path):
        from addin.xlwings_store import XlwingsStore
        from xlwings_double import Book

        return XlwingsStore(Book(SHEETS))

    def reopen(self, store, tmp_path):
        from addin.xlwings_store import XlwingsStore

        return XlwingsStore(store.book)


class GsheetCase:
    """A Google Sheet through the Sheets API store, served by the local fake of the API over real HTTP."""

    def make(self, tmp_path):
        from fake_sheets import SERVICE_ACCOUNT, gsheet_store, service_account_file, shared_fake

        fake = shared_fake()
        key = fake.create("Contract", SHEETS, editors=[SERVICE_ACCOUNT])
        return gsheet_store(fake, key, service_account_file(fake, tmp_path))

    def reopen(self, store, tmp_path):
        from fake_sheets import gsheet_store, service_account_file, shared_fake

        fake = shared_fake()
        return gsheet_store(fake, store.key, service_account_file(fake, tmp_path))


class XlsxPatchCase(XlsxCase):
    """The same file saved by PatchingXlsxStore (only the changed cells rewritten; falls back to XlsxStore)."""

    def make(self, tmp_path):
        from leadtracker.xlsx_patch import PatchingXlsxStore

        return PatchingXlsxStore(super().make(tmp_path).path)

    def reopen(self, store, tmp_path):
        from leadtracker.xlsx_patch import PatchingXlsxStore

        return PatchingXlsxStore(store.path)


@pytest.fixture(params=[MemoryCase(), XlsxCase(), XlsxOpenpyxlReadCase(), XlwingsCase(), GsheetCase(),
                        XlsxPatchCase()],
                ids=["memory", "xlsx", "xlsx-openpyxl", "xlwings", "gsheet", "xlsx-patch"])
def case(request):
    return request.param


def test_read_finds_the_header_row_and_keeps_sheet_row_numbers(case, tmp_path):
    store = case.make(tmp_path)
    data = store.read("LEADS", LEAD_COLUMNS)
    assert data.name == "Leads"
    assert data.header_row == 2
    assert list(data.rows.index) == [3, 5, 6]  # the blank row 4 is not a lead
    frame = data.canonical(LEAD_COLUMNS)
    assert list(frame["Owner Name"]) == ["Avery Quill", "Blake Ferrow", "Casey Dunmore"]
    assert list(frame["Property Address"]) == ["1 Oak St", "2 Elm St", "3 Ash St"]
    assert frame["Phone"].isna().all()  # a column the sheet lacks reads as blank
    assert store.read("Nowhere", LEAD_COLUMNS) is None


def test_fill_cells_only_where_the_cell_still_holds_what_was_read(case, tmp_path):
    store = case.make(tmp_path)
    done = store.fill_cells("Leads", LEAD_COLUMNS, [
        CellFill(5, "Lead ID", None, "LT-NEW"),
        CellFill(3, "Log Outcome", "Spoke", None),
        CellFill(3, "Lead ID", None, "WRONG"),  # not blank any more: left alone
    ])
    assert done == 2
    store.commit()
    frame = case.reopen(store, tmp_path).read("Leads", LEAD_COLUMNS).canonical(LEAD_COLUMNS)
    assert list(frame["Lead ID"]) == ["L-1", "LT-NEW", "L-1"]
    assert frame["Log Outcome"].isna().all()


def test_write_computed_by_lead_id_adds_missing_columns_and_keeps_others(case, tmp_path):
    store = case.make(tmp_path)
    computed = [c for c in LEAD_COLUMNS if c.name in ("Stage", "Due Date", "Data Issues")]
    frame = pd.DataFrame({
        "Lead ID": ["L-1", "L-1"],
        "Stage": ["New", "Cadence"],
        "Due Date": [dt.datetime(2026, 11, 29), dt.datetime(2026, 12, 1)],
        "Data Issues": ["=HYPERLINK(\"x\")", None],
    })
    written = store.write_computed("Leads", tuple(computed), "Lead ID", frame)
    assert written == 2
    store.commit()
    data = case.reopen(store, tmp_path).read("Leads", LEAD_COLUMNS)
    assert list(data.headers) == ["Owner", "Lead ID", "Site Address", "My Column", "Stage", "Log Outcome",
                                  "Due Date", "Data Issues"]
    frame = data.canonical(LEAD_COLUMNS)
    # the k-th row holding an id receives the k-th value for it; duplicates are never merged
    assert list(frame["Stage"]) == ["New", None, "Cadence"]
    assert list(frame["Due Date"])[0] == dt.datetime(2026, 11, 29)
    assert list(frame["Data Issues"])[0] == "=HYPERLINK(\"x\")"
    assert list(data.rows[3]) == ["keep me", 42, "dup"]


def test_write_computed_finds_the_key_column_by_its_alias_on_a_sheet_without_computed_columns(case, tmp_path):
    store = case.make(tmp_path)
    stage = tuple(c for c in LEAD_COLUMNS if c.name == "Stage")
    assert store.write_computed("Team List", stage, "Lead ID", pd.DataFrame({"Lead ID": ["T-7"], "Stage": ["New"]})) == 1
    store.commit()
    data = case.reopen(store, tmp_path).read("Team List", LEAD_COLUMNS)
    assert list(data.headers) == ["ID", "Owner", "Stage"]
    assert list(data.canonical(LEAD_COLUMNS)["Stage"]) == ["New"]


def test_append_rows_is_idempotent_by_id(case, tmp_path):
    store = case.make(tmp_path)
    rows = pd.DataFrame([
        {"Activity ID": "A-1", "Lead ID": "L-1", "Outcome": "Sent"},  # already there
        {"Activity ID": "A-2", "Timestamp": dt.datetime(2026, 11, 2, 9), "Lead ID": "L-1", "Outcome": "Spoke",
         "Note": "=cmd|' /C calc'!A0"},
    ])
    assert store.append_rows("Activity", ACTIVITY_COLUMNS, rows, "Activity ID") == 1
    assert store.append_rows("Activity", ACTIVITY_COLUMNS, rows, "Activity ID") == 0
    store.commit()
    data = case.reopen(store, tmp_path).read("Activity", ACTIVITY_COLUMNS).canonical(ACTIVITY_COLUMNS)
    assert list(data["Activity ID"]) == ["A-1", "A-2"]
    assert list(data["Note"])[1] == "=cmd|' /C calc'!A0"


def test_append_rows_creates_a_missing_sheet_with_headers(case, tmp_path):
    store = case.make(tmp_path)
    added = store.append_rows("Settings", (Column("Setting"), Column("Value")),
                              pd.DataFrame([{"Setting": "Agent Name", "Value": "Jordan Avery"}]), None)
    assert added == 1
    store.commit()
    data = case.reopen(store, tmp_path).read("Settings", (Column("Setting"), Column("Value")))
    assert list(data.headers) == ["Setting", "Value"]
    assert data.rows.iloc[0].tolist() == ["Agent Name", "Jordan Avery"]


def test_replace_sheet_rebuilds_a_tool_sheet_and_leaves_the_agents_sheets(case, tmp_path):
    store = case.make(tmp_path)
    frame = pd.DataFrame({"Stage": ["New", "Cadence"], "Leads": [3, 4]})
    chart = ChartSpec("bar", "Leads by stage", "Stage", "Leads", "E3", 0, 2)
    store.replace_sheet(ToolSheet("Dashboard", frame, charts=(chart,)))
    store.replace_sheet(ToolSheet("Dashboard", frame.assign(Leads=[5, 6]), charts=(chart,)))
    store.commit()
    reopened = case.reopen(store, tmp_path)
    data = reopened.read("Dashboard", (Column("Stage"), Column("Leads")))
    assert data.canonical((Column("Stage"), Column("Leads")))["Leads"].tolist() == [5, 6]
    notes = reopened.read("Notes", (Column("anything"),))
    assert notes.rows.iloc[0].tolist() == ["the agent's own sheet"]


def test_commit_is_what_makes_changes_last(case, tmp_path):
    store = case.make(tmp_path)
    store.fill_cells("Leads", LEAD_COLUMNS, [CellFill(5, "Lead ID", None, "LT-NEW")])
    assert isinstance(store.commit(), str)
    frame = case.reopen(store, tmp_path).read("Leads", LEAD_COLUMNS).canonical(LEAD_COLUMNS)
    assert "LT-NEW" in set(frame["Lead ID"])


def test_a_read_after_a_write_sees_the_write(case, tmp_path):
    store = case.make(tmp_path)
    before = store.read("Leads", LEAD_COLUMNS).canonical(LEAD_COLUMNS)
    assert before["Lead ID"].isna().sum() == 1
    store.fill_cells("Leads", LEAD_COLUMNS, [CellFill(5, "Lead ID", None, "LT-NEW")])
    after = store.read("Leads", LEAD_COLUMNS).canonical(LEAD_COLUMNS)
    assert list(after["Lead ID"]) == ["L-1", "LT-NEW", "L-1"]
    store.replace_sheet(ToolSheet("Today", pd.DataFrame({"Lead ID": ["L-1"]})))
    store.replace_sheet(ToolSheet("Today", pd.DataFrame({"Lead ID": ["L-9"]})))
    today = store.read("Today", (Column("Lead ID"),)).canonical((Column("Lead ID"),))
    assert list(today["Lead ID"]) == ["L-9"]


def test_both_xlsx_readers_see_the_same_values(tmp_path):
    """calamine (fast) and openpyxl's cell model must read a refreshed tracker identically."""
    from leadtracker.cli import main

    assert main(["demo", str(tmp_path), "--today", "2026-11-29"]) == 0
    path = tmp_path / "LeadTracker-demo.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Leads"]["B2"].value = "#N/A"
    wb["Leads"]["B2"].data_type = "e"  # an error cell, which calamine alone would read as blank
    wb.save(path)
    for sheet, columns in (("Leads", LEAD_COLUMNS), ("Activity", ACTIVITY_COLUMNS)):
        fast = XlsxStore(path).read(sheet, columns)
        plain = XlsxStore(path, fast_read=False).read(sheet, columns)
        assert fast.headers == plain.headers and fast.header_row == plain.header_row
        pd.testing.assert_frame_equal(fast.rows, plain.rows)
    assert XlsxStore(path).read("Leads", LEAD_COLUMNS).rows.iloc[0, 1] == "#N/A"


def test_long_sheets_read_the_same_values_as_fresh_objects(case, tmp_path):
    """Sheets of 5,000+ rows are read column by column into fresh string objects: same values, no sharing."""
    store = case.make(tmp_path)
    rows = pd.DataFrame([{"Activity ID": f"N-{i}", "Lead ID": "L-1", "Outcome": "Sent",
                          "Note": f"note {i} ✓", "Timestamp": dt.datetime(2026, 1, 1, 9)} for i in range(6000)])
    assert store.append_rows("Activity", ACTIVITY_COLUMNS, rows, "Activity ID") == 6000
    store.commit()
    data = case.reopen(store, tmp_path).read("Activity", ACTIVITY_COLUMNS).canonical(ACTIVITY_COLUMNS)
    assert len(data) == 6001
    assert list(data["Note"])[1:4] == ["note 0 ✓", "note 1 ✓", "note 2 ✓"]
    assert list(data["Timestamp"])[-1] == dt.datetime(2026, 1, 1, 9)
    assert data["Outcome"].iloc[5] == "Sent" and data["Outcome"].iloc[5] is not data["Outcome"].iloc[6]


def test_update_cells_by_lead_id_only_where_the_cell_still_holds_what_was_read(case, tmp_path):
    store = case.make(tmp_path)
    store.fill_cells("Leads", LEAD_COLUMNS, [CellFill(5, "Lead ID", None, "L-2")])
    done = store.update_cells("Leads", LEAD_COLUMNS, "Lead ID", [
        CellUpdate("L-2", "Property Address", "2 Elm St", "2 Elm Street"),  # found by id, as read: set
        CellUpdate("L-2", "Owner Name", "Someone Else", "Wrong"),  # edited since it was read: left alone
        CellUpdate("L-1", "Owner Name", "Avery Quill", "Ambiguous"),  # L-1 is on two rows: which one is unknown
        CellUpdate("L-9", "Owner Name", None, "Nobody"),  # no such lead
        CellUpdate("L-2", "Phone", None, "+18135550142"),  # a column the sheet lacks is added
        CellUpdate("L-2", "Sale Date", None, dt.datetime(2027, 1, 15)),
        CellUpdate("L-2", "Notes", None, "=cmd|' /C calc'!A0"),
    ])
    assert done == 4
    store.commit()
    data = case.reopen(store, tmp_path).read("Leads", LEAD_COLUMNS)
    assert list(data.headers)[:6] == ["Owner", "Lead ID", "Site Address", "My Column", "Stage", "Log Outcome"]
    assert list(data.headers)[6:] == ["Phone", "Sale Date", "Notes"]
    frame = data.canonical(LEAD_COLUMNS)
    assert list(frame["Property Address"]) == ["1 Oak St", "2 Elm Street", "3 Ash St"]
    assert list(frame["Owner Name"]) == ["Avery Quill", "Blake Ferrow", "Casey Dunmore"]
    assert list(frame["Phone"]) == [None, "+18135550142", None]
    assert list(frame["Sale Date"])[1] == dt.datetime(2027, 1, 15)
    assert list(frame["Notes"])[1] == "=cmd|' /C calc'!A0"  # stored as text, never run
    assert list(data.rows[3]) == ["keep me", 42, "dup"]


def test_update_cells_needs_the_key_column(case, tmp_path):
    store = case.make(tmp_path)
    with pytest.raises(SheetError, match="Lead ID"):
        store.update_cells("Notes", (Column("anything"),), "Lead ID", [CellUpdate("L-1", "anything", None, 1)])

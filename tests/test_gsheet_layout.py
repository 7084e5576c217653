"""`leadtracker gsheet init`: the template laid out in an empty Google Sheet (checked in the fake's state)."""

from __future__ import annotations

import pytest

import gsheet_helpers as gh
from fake_sheets import SERVICE_ACCOUNT, FakeSheets, service_account_file
from leadtracker import schema
from leadtracker.errors import LeadTrackerError
from leadtracker.schema import Kind
from leadtracker.settings import SETTING_SPECS
from leadtracker.template import LEADS_ORDER, PLAN_ROWS, SHEET_ORDER
from sync.gsheet_client import connect
from sync.gsheet_layout import init_sheet


@pytest.fixture(scope="module")
def fake():
    with FakeSheets() as server:
        yield server


@pytest.fixture(scope="module")
def laid_out(fake, tmp_path_factory):
    key_file = service_account_file(fake, tmp_path_factory.mktemp("keys"))
    fake.reset_log()
    key = gh.laid_out(fake, key_file)
    return key, key_file, fake.requests(lambda r: r.path.startswith("/v4/") and key in r.path)


def template_list(letter: str) -> list[str]:
    """The dropdown values the Excel template gives a column of Leads."""
    from sync.gsheet_layout import template_workbook

    for dv in template_workbook()["Leads"].data_validations.dataValidation:
        if any(r.min_col == ord(letter) - 64 for r in dv.sqref.ranges):
            return dv.formula1.strip('"').split(",")
    raise KeyError(letter)


def header_entries(fake, key, title):
    sheet = fake.book(key).by_title(title)
    return sheet, sheet.rows[0]


def test_every_template_sheet_in_order_in_three_requests(fake, laid_out):
    key, _, requests = laid_out
    assert [s.title for s in fake.book(key).sheets] == list(SHEET_ORDER)
    assert [r.method for r in requests] == ["GET", "GET", "POST"]  # look, check it is empty, lay out at once


def test_leads_headers_and_the_colour_of_who_owns_each_column(fake, laid_out):
    key, _, _ = laid_out
    sheet, header = header_entries(fake, key, "Leads")
    assert [e.value for e in header] == list(LEADS_ORDER)
    kinds = {c.name: c.kind for c in schema.LEAD_COLUMNS}
    fills = {Kind.INPUT: {"red": 0.12156863, "green": 0.21960784, "blue": 0.39215687},
             Kind.COMPUTED: {"red": 0.8509804, "green": 0.8509804, "blue": 0.8509804},
             Kind.QUICK_LOG: {"red": 0.7764706, "green": 0.9372549, "blue": 0.80784315}}
    for entry in header:
        assert entry.fmt["backgroundColor"] == fills[kinds[entry.value]], entry.value
        bold = entry.fmt["textFormat"].get("bold", False)
        assert bold == (kinds[entry.value] is not Kind.COMPUTED), entry.value  # as in the Excel template
    stage = header[LEADS_ORDER.index("Stage")]
    assert "rewritten on every refresh" in stage.note and stage.fmt["textFormat"]["italic"] is True
    assert "Quick log" in header[LEADS_ORDER.index("Log Outcome")].note


def test_dropdowns_cover_the_whole_columns(fake, laid_out):
    key, _, _ = laid_out
    sheet = fake.book(key).by_title("Leads")
    outcome_col = LEADS_ORDER.index("Log Outcome")
    state_col = LEADS_ORDER.index("State")
    for row in (1, 500, sheet.row_count - 1):
        rule = sheet.get(row, outcome_col).validation
        assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == template_list(chr(65 + outcome_col))
        assert set(template_list(chr(65 + outcome_col))) <= set(schema.OUTCOMES)
        assert rule["strict"] is True and rule["showCustomUi"] is True
        states = sheet.get(row, state_col).validation["condition"]["values"]
        assert {v["userEnteredValue"] for v in states} == set(schema.US_STATES)
    assert getattr(sheet.get(0, outcome_col), "validation", None) is None  # not on the header
    for name in ("Do Not Call", "Do Not Text", "Do Not Email", "Do Not Mail"):
        rule = sheet.get(3, LEADS_ORDER.index(name)).validation
        assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == ["Yes", "No"]


def test_overdue_and_due_today_highlights(fake, laid_out):
    key, _, _ = laid_out
    sheet = fake.book(key).by_title("Leads")
    due = LEADS_ORDER.index("Due Date")
    letter = chr(65 + due)
    formulas = [(r["ranges"][0]["startColumnIndex"], r["booleanRule"]["condition"]["values"][0]["userEnteredValue"],
                 r["booleanRule"]["format"].get("backgroundColor")) for r in sheet.conditional_formats]
    assert (due, f'=AND(${letter}2<>"",${letter}2<TODAY())', {"red": 1, "green": 0.78039217, "blue": 0.80784315}) \
        in formulas
    assert (LEADS_ORDER.index("Next Step"), f'=AND(${letter}2<>"",${letter}2=TODAY())',
            {"red": 1, "green": 0.92156863, "blue": 0.6117647}) in formulas
    assert all(r["ranges"][0]["startRowIndex"] == 1 and "endRowIndex" not in r["ranges"][0]
               for r in sheet.conditional_formats)


def test_estimated_dates_are_grey_italics_without_a_sale_date(fake, laid_out):
    from openpyxl.utils import get_column_letter

    key, _, _ = laid_out
    sheet = fake.book(key).by_title("Leads")
    sale = get_column_letter(LEADS_ORDER.index("Sale Date") + 1)
    for name in ("Est. Sale Date", "Days to Sale", "Cure Deadline", "Redemption Ends"):
        column = LEADS_ORDER.index(name)
        letter = get_column_letter(column + 1)
        rules = [r["booleanRule"] for r in sheet.conditional_formats if r["ranges"][0]["startColumnIndex"] == column]
        assert [r["condition"] for r in rules] == [{"type": "CUSTOM_FORMULA", "values": [
            {"userEnteredValue": f'=AND(${letter}2<>"",${sale}2="")'}]}], name
        text = rules[0]["format"]["textFormat"]
        assert text["italic"] is True and "backgroundColor" not in rules[0]["format"]
        assert text["foregroundColor"] == pytest.approx({"red": 0x7F / 255, "green": 0x7F / 255, "blue": 0x7F / 255})


def test_frozen_headers_widths_and_number_formats(fake, laid_out):
    key, _, _ = laid_out
    leads = fake.book(key).by_title("Leads")
    assert (leads.frozen_rows, leads.frozen_cols) == (1, 2)
    assert fake.book(key).by_title("Activity").frozen_rows == 1
    due = LEADS_ORDER.index("Due Date")
    assert leads.get(5, due).fmt["numberFormat"] == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    money = LEADS_ORDER.index("Loan Balance")
    assert leads.get(5, money).fmt["numberFormat"]["type"] == "CURRENCY"
    assert leads.column_sizes[LEADS_ORDER.index("Owner Name")] > leads.column_sizes[LEADS_ORDER.index("State")]


def test_computed_columns_are_protected_with_a_warning_only(fake, laid_out):
    key, _, _ = laid_out
    sheet = fake.book(key).by_title("Leads")
    protected = sorted(p["range"]["startColumnIndex"] for p in sheet.protected_ranges)
    computed = sorted(LEADS_ORDER.index(c.name) for c in schema.LEAD_COLUMNS if c.kind is Kind.COMPUTED)
    assert protected == computed
    assert all(p["warningOnly"] and "endRowIndex" not in p["range"] for p in sheet.protected_ranges)


def test_settings_plan_and_the_refresh_now_checkbox(fake, laid_out):
    key, _, _ = laid_out
    rows = fake.values(key, "Settings")
    labels = [r[0] for r in rows[1:]]
    assert labels[:len(SETTING_SPECS)] == [s.label for s in SETTING_SPECS]
    assert labels[-1] == "Refresh now" and rows[-1][1] is False
    sheet = fake.book(key).by_title("Settings")
    assert sheet.get(len(rows) - 1, 1).validation["condition"]["type"] == "BOOLEAN"
    plan = fake.values(key, "Plan")
    assert [r[0] for r in plan[1:]] == [p[0] for p in PLAN_ROWS]
    assert fake.values(key, "Today") == [["Rebuilt by Lead Tracker on every refresh"]]


def test_init_refuses_a_sheet_that_holds_data(fake, tmp_path):
    key_file = service_account_file(fake, tmp_path)
    key = fake.create("Busy", {"Sheet1": [["Owner", "Address"], ["Avery Quill", "1 Oak St"]]},
                      editors=[SERVICE_ACCOUNT])
    with pytest.raises(LeadTrackerError, match="only lays out an empty sheet.*leadtracker refresh gsheet:"):
        init_sheet(connect(key_file, root=fake.url), key)
    assert fake.values(key, "Sheet1") == [["Owner", "Address"], ["Avery Quill", "1 Oak St"]]
    assert [s.title for s in fake.book(key).sheets] == ["Sheet1"]

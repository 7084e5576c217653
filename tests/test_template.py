"""The shipped tracker template and the demo workbook, checked as an agent's Excel would see them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from office import soffice_convert
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from leadtracker import demo, schema, template
from leadtracker.errors import UsageError
from leadtracker.settings import SETTING_SPECS

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "workbook_templates" / "tracker.xlsx"
TODAY = dt.date(2025, 3, 14)
INPUT_RGB, QUICK_RGB, COMPUTED_RGB = "1F3864", "C6EFCE", "D9D9D9"


def _rgb(color) -> str:
    return (color.rgb or "")[-6:].upper() if color is not None and isinstance(color.rgb, str) else ""


def _headers(ws) -> list[object]:
    return [c.value for c in ws[1]]


def _letters(ws) -> dict[str, str]:
    return {str(c.value): c.column_letter for c in ws[1] if c.value is not None}


def _validations_by_column(ws) -> dict[str, list]:
    """Column letter -> data validations whose ranges start at row 2 of that column."""
    found: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = range_boundaries(rng.coord)
            for col in range(min_col, max_col + 1):
                found.setdefault(get_column_letter(col), []).append((dv, min_row, max_row))
    return found


def _list_values(dv) -> list[str]:
    return dv.formula1.strip('"').split(",")


@pytest.fixture(scope="module")
def wb():
    assert COMMITTED.exists(), "workbook_templates/tracker.xlsx missing: run python -m leadtracker.template"
    return load_workbook(COMMITTED)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    demo.write_demo_workbook(path, TODAY)
    return path


@pytest.fixture(scope="module")
def demo_wb(demo_path):
    return load_workbook(demo_path)


def _records(ws) -> list[dict[str, object]]:
    headers = _headers(ws)
    rows = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        if all(v is None for v in row):
            continue
        rows.append({str(h): v for h, v in zip(headers, row) if h is not None})
    return rows


# --- the template ------------------------------------------------------------------------------------------------


def test_sheets_in_order_with_leads_active(wb):
    assert wb.sheetnames == ["Leads", "Activity", "Comps", "Settings", "Plan", "Stories", "Today", "Dashboard",
                             "CMA"]
    assert wb.active.title == "Leads"
    assert wb.properties.title == "Preforeclosure Lead Tracker"


def test_template_path_is_the_shipped_file():
    assert Path(str(template.TEMPLATE_PATH)).resolve() == COMMITTED.resolve()
    assert template.TEMPLATE_PATH.is_file()


def test_every_canonical_lead_header_present_once(wb):
    headers = _headers(wb["Leads"])
    for column in schema.LEAD_COLUMNS:
        assert headers.count(column.name) == 1, column.name
    assert len(headers) == len(schema.LEAD_COLUMNS)
    # identity and the next action come first
    assert headers[:2] == ["Lead ID", "Owner Name"]
    assert headers.index("Next Step") < 12 and headers.index("Due Date") < 12
    mapped = schema.map_headers(headers, schema.LEAD_COLUMNS)
    assert not mapped.unknown and not mapped.duplicates


def test_header_styles_mark_the_three_kinds(wb):
    ws = wb["Leads"]
    for cell in ws[1]:
        kind = schema.LEAD_COLUMN_BY_NAME[cell.value].kind
        fill = _rgb(cell.fill.fgColor)
        if kind is schema.Kind.INPUT:
            assert fill == INPUT_RGB and cell.font.b and _rgb(cell.font.color) == "FFFFFF", cell.value
            assert not cell.font.i
        elif kind is schema.Kind.QUICK_LOG:
            assert fill == QUICK_RGB, cell.value
            assert cell.comment is not None and "Activity" in cell.comment.text
        else:
            assert fill == COMPUTED_RGB and cell.font.i, cell.value
            assert cell.comment is not None
            assert "Computed by Lead Tracker: rewritten on every refresh" in cell.comment.text
    fills = {schema.Kind.INPUT: INPUT_RGB, schema.Kind.QUICK_LOG: QUICK_RGB, schema.Kind.COMPUTED: COMPUTED_RGB}
    assert len(set(fills.values())) == 3


def test_leads_table_covers_every_header(wb):
    ws = wb["Leads"]
    table = ws.tables["Leads"]
    assert table.displayName == "Leads"
    assert table.tableStyleInfo is not None and table.tableStyleInfo.name
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    assert (min_col, min_row, max_row) == (1, 1, 2)
    assert max_col == ws.max_column == len(schema.LEAD_COLUMNS)
    assert [c.name for c in table.tableColumns] == _headers(ws)


def test_leads_dropdowns(wb):
    ws = wb["Leads"]
    letter = _letters(ws)
    by_col = _validations_by_column(ws)
    expected = {
        "Log Outcome": list(schema.OUTCOMES),
        "Log Channel": list(schema.CHANNELS),
        "State": list(schema.US_STATES),
        "Mailing State": list(schema.US_STATES),
        "Do Not Call": ["Yes", "No"],
        "Do Not Text": ["Yes", "No"],
        "Do Not Email": ["Yes", "No"],
        "Do Not Mail": ["Yes", "No"],
    }
    for name, values in expected.items():
        entries = by_col.get(letter[name])
        assert entries, f"no dropdown on {name}"
        dv, first, last = entries[0]
        assert dv.type == "list" and _list_values(dv) == values, name
        assert (first, last) == (2, 20000), name
        assert len(dv.formula1) <= 257
    validated = {col for col in by_col}
    assert letter["Lead ID"] not in validated and letter["Due Date"] not in validated


def test_due_date_conditional_formatting(wb):
    ws = wb["Leads"]
    letter = _letters(ws)
    due, step = letter["Due Date"], letter["Next Step"]
    rules_by_range: dict[str, list] = {}
    for cf in ws.conditional_formatting:
        rules_by_range.setdefault(str(cf.sqref), []).extend(cf.rules)
    for target in (due, step):
        rules = rules_by_range.get(f"{target}2:{target}20000")
        assert rules and len(rules) == 2, f"no due-date formatting on column {target}"
        formulas = [r.formula[0] for r in rules]
        for formula in formulas:
            assert f"${due}2" in formula and "TODAY()" in formula
            assert f'${due}2<>""' in formula  # blank is neither overdue nor due today
            # no other column letter sneaks in
            assert set(re.findall(r"\$([A-Z]+)\d", formula)) == {due}
        overdue = next(r for r in rules if "<TODAY()" in r.formula[0])
        today = next(r for r in rules if "=TODAY()" in r.formula[0])
        assert _rgb(overdue.dxf.fill.bgColor) == "FFC7CE"  # red
        assert _rgb(today.dxf.fill.bgColor) == "FFEB9C"  # amber


def test_estimated_dates_are_grey_italics_without_a_sale_date(wb):
    """Estimates are never shown as facts: a date worked out from an estimated sale is styled and its header says
    so."""
    ws = wb["Leads"]
    letter = _letters(ws)
    sale = letter["Sale Date"]
    rules_by_range: dict[str, list] = {}
    for cf in ws.conditional_formatting:
        rules_by_range.setdefault(str(cf.sqref), []).extend(cf.rules)
    for name in ("Est. Sale Date", "Days to Sale", "Cure Deadline", "Redemption Ends"):
        column = letter[name]
        rules = rules_by_range.get(f"{column}2:{column}20000")
        assert rules and [r.formula[0] for r in rules] == [f'AND(${column}2<>"",${sale}2="")'], name
        assert rules[0].dxf.font.i and _rgb(rules[0].dxf.font.color) == "7F7F7F"
        assert "Grey italics: an estimate" in ws[f"{column}1"].comment.text


def test_frozen_panes(wb):
    assert wb["Leads"].freeze_panes in ("A2", "C2")
    for name in ("Activity", "Settings", "Plan"):
        assert wb[name].freeze_panes == "A2", name
    assert wb["Comps"].freeze_panes in ("A2", "B2")


def test_widths_and_number_formats_follow_schema(wb):
    ws = wb["Leads"]
    letter = _letters(ws)
    for column in schema.LEAD_COLUMNS:
        col = letter[column.name]
        assert ws.column_dimensions[col].width == pytest.approx(column.width), column.name
        if column.number_format:
            assert ws[f"{col}2"].number_format == column.number_format, column.name
    assert ws[f"{letter['Due Date']}2"].number_format == "yyyy-mm-dd"
    assert ws[f"{letter['Sale Date']}2"].number_format == "yyyy-mm-dd"
    assert ws[f"{letter['Loan Balance']}2"].number_format == '"$"#,##0'
    assert ws[f"{letter['Est. Value']}2"].number_format == '"$"#,##0'


def test_activity_sheet(wb):
    ws = wb["Activity"]
    assert _headers(ws) == [c.name for c in schema.ACTIVITY_COLUMNS]
    table = ws.tables["Activity"]
    assert range_boundaries(table.ref) == (1, 1, len(schema.ACTIVITY_COLUMNS), 2)
    outcome = _letters(ws)["Outcome"]
    dv, first, last = _validations_by_column(ws)[outcome][0]
    assert _list_values(dv) == list(schema.OUTCOMES) and (first, last) == (2, 20000)
    assert ws[f"{_letters(ws)['Timestamp']}2"].number_format == "yyyy-mm-dd hh:mm"


def test_comps_sheet(wb):
    ws = wb["Comps"]
    assert _headers(ws) == [
        "Status", "Address", "City", "State", "ZIP", "Sale Price", "List Price", "Original List Price", "Sale Date",
        "Pending Date", "List Date", "Days on Market", "Beds", "Baths", "Sq Ft", "Lot Sq Ft", "Year Built", "Age",
        "Effective Age", "Garage Spaces", "Property Type", "Quality", "Condition", "Waterfront", "Area", "Latitude",
        "Longitude", "Distressed", "MLS Number", "Parcel ID"]
    assert _headers(ws) == [c.name for c in schema.COMP_COLUMNS]
    assert range_boundaries(ws.tables["Comps"].ref) == (1, 1, 30, 2)
    assert ws[f"{_letters(ws)['Sale Price']}2"].number_format == '"$"#,##0'
    assert ws[f"{_letters(ws)['Sale Date']}2"].number_format == "yyyy-mm-dd"


def test_settings_rows_for_every_spec(wb):
    ws = wb["Settings"]
    assert _headers(ws) == ["Setting", "Value", "What it means"]
    rows = {r[0]: (r[1], r[2]) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == [s.label for s in SETTING_SPECS]
    for spec in SETTING_SPECS:
        value, help_text = rows[spec.label]
        assert help_text == spec.help
        assert value == (spec.default if spec.default != "" else None), spec.label
    assert range_boundaries(ws.tables["Settings"].ref) == (1, 1, 3, len(SETTING_SPECS) + 1)


def test_settings_template_parses_to_defaults(wb):
    import pandas as pd

    from leadtracker.settings import Settings, parse_settings

    ws = wb["Settings"]
    frame = pd.DataFrame([r[:2] for r in ws.iter_rows(min_row=2, values_only=True)], columns=["Setting", "Value"])
    settings, messages = parse_settings(frame)
    assert messages == []
    assert settings == Settings()


def test_plan_rows(wb):
    ws = wb["Plan"]
    assert _headers(ws) == [c.name for c in schema.PLAN_COLUMNS]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in rows] == ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "N", "R"]
    assert [r[1] for r in rows] == [1, 2, 3, 4, 5, 6, 7, 14, 90]
    assert [r[2] for r in rows] == ["Letter + Email", "Call", "Email, Letter", "Call, Text, Email", "Email, Letter",
                                    "Call", "Email, Letter", "Call, Email, Letter", "Letter, Email"]
    assert [r[4] for r in rows] == ["d1_intro", None, "d3_cma", "d4_meeting", "d5_options", None, "d7_recap",
                                    "nurture", "reengage"]
    for r in rows:
        assert r[3] and len(r[3]) > 20  # a purpose in plain words
    import pandas as pd

    from leadtracker.plan import DEFAULT_PLAN, parse_plan

    plan, messages = parse_plan(pd.DataFrame(rows, columns=[c.name for c in schema.PLAN_COLUMNS]))
    assert messages == []
    shape = lambda p: [(s.code, s.day, s.channels, s.together) for s in p.sequence + (p.nurture, p.reengage)]
    assert shape(plan) == shape(DEFAULT_PLAN)
    assert range_boundaries(ws.tables["Plan"].ref) == (1, 1, 5, 10)
    notes = " ".join(c.comment.text for c in ws[1] if c.comment)
    assert "edit" in notes and "Day" in notes and "Channels" in notes


def test_stories_sheet(wb):
    ws = wb["Stories"]
    assert _headers(ws) == ["Title", "Story", "Use"]
    assert range_boundaries(ws.tables["Stories"].ref) == (1, 1, 3, 2)
    assert "Day 6" in ws["B1"].comment.text and "left out" in ws["B1"].comment.text
    dv, first, last = _validations_by_column(ws)["C"][0]
    assert _list_values(dv) == ["Yes", "No"] and (first, last) == (2, 20000)


@pytest.mark.parametrize("name", ["Today", "Dashboard", "CMA"])
def test_tool_sheets_say_they_are_rebuilt(wb, name):
    ws = wb[name]
    assert ws["A1"].value == "Rebuilt by Lead Tracker on every refresh"
    assert ws["A1"].comment is not None and "Rebuilt by Lead Tracker on every refresh" in ws["A1"].comment.text
    assert ws.max_row == 1 and ws.max_column == 1


def test_committed_template_matches_generator(tmp_path, wb):
    fresh_path = tmp_path / "fresh.xlsx"
    template.build_tracker_template(fresh_path)
    fresh = load_workbook(fresh_path)
    assert fresh.sheetnames == wb.sheetnames
    for name in wb.sheetnames:
        a, b = wb[name], fresh[name]
        assert [[c.value for c in row] for row in a.iter_rows()] == [[c.value for c in row] for row in b.iter_rows()]
        assert dict(a.tables.items()) == dict(b.tables.items())
        assert [(str(d.sqref), d.formula1) for d in a.data_validations.dataValidation] == \
               [(str(d.sqref), d.formula1) for d in b.data_validations.dataValidation], name


def test_new_workbook_copies_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "my leads.xlsx"
    template.new_workbook(target)
    assert target.read_bytes() == COMMITTED.read_bytes()
    with pytest.raises(UsageError) as info:
        template.new_workbook(target)
    assert str(target) in str(info.value)
    assert target.read_bytes() == COMMITTED.read_bytes()


# --- the demo workbook -------------------------------------------------------------------------------------------


def test_demo_leads(demo_wb):
    ws = demo_wb["Leads"]
    leads = _records(ws)
    assert 45 <= len(leads) <= 60
    ids = [lead["Lead ID"] for lead in leads]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"L-\d{4}", i) for i in ids)
    assert range_boundaries(ws.tables["Leads"].ref) == (1, 1, len(schema.LEAD_COLUMNS), len(leads) + 1)
    states = {lead["State"] for lead in leads}
    assert {"FL", "TX", "CA", "AZ", "MI", "MN", "NJ", "GA", "OH", "WA"} <= states
    # computed columns are left for refresh
    for name in schema.COMPUTED_LEAD_COLUMNS:
        assert all(lead[name] is None for lead in leads), name


def test_demo_names_and_contacts_are_invented(demo_wb):
    leads = _records(demo_wb["Leads"])
    pool = {n.casefold() for n in demo.LAST_NAMES}
    names = [lead["Owner Name"] for lead in leads]
    assert len(set(names)) == len(names)
    for name in names:
        assert any(tok.casefold() in pool for tok in name.split()), name
    for lead in leads:
        for key in ("Phone", "Phone 2"):
            if lead[key]:
                assert re.fullmatch(r"\(\d{3}\) 555-01\d{2}", lead[key]), lead[key]
        if lead["Email"]:
            assert re.search(r"@example\.(com|net|org)$", lead["Email"]), lead["Email"]
    assert sum(1 for lead in leads if not lead["Email"]) >= 5
    assert sum(1 for lead in leads if not lead["Phone"]) >= 3
    assert sum(1 for lead in leads if lead["Do Not Call"] == "Yes") >= 2
    absentee = [lead for lead in leads if lead["Mailing Address"] and lead["Mailing Address"] != lead[
        "Property Address"]]
    assert len(absentee) >= 3


def test_demo_dates_and_money(demo_wb):
    ws = demo_wb["Leads"]
    letter = _letters(ws)
    leads = _records(ws)
    for lead in leads:
        default = lead["Default Date"]
        assert isinstance(default, dt.datetime)
        months = (TODAY - default.date()).days / 30.44
        assert 4 <= months <= 10.5, (lead["Lead ID"], default)
        assert isinstance(lead["Notice Date"], dt.datetime) and lead["Notice Date"].date() < TODAY
        assert isinstance(lead["Received"], dt.datetime) and lead["Received"].date() <= TODAY
        assert 1 <= lead["Distress Score"] <= 100
        assert lead["Loan Balance"] > 0 and lead["Est. Value"] > 0
        for key in ("Beds", "Baths", "Sq Ft", "Year Built"):
            assert lead[key], key
    for row in range(2, len(leads) + 2):
        for name in ("Default Date", "Notice Date", "Sale Date", "Received"):
            cell = ws[f"{letter[name]}{row}"]
            if cell.value is not None:
                assert cell.is_date and cell.number_format == "yyyy-mm-dd", (name, row)
        assert ws[f"{letter['Loan Balance']}{row}"].number_format == '"$"#,##0'
    days = [(lead["Sale Date"].date() - TODAY).days for lead in leads if lead["Sale Date"]]
    assert sum(1 for d in days if 0 < d <= 7) >= 2
    assert sum(1 for d in days if 7 < d <= 30) >= 3
    assert sum(1 for d in days if d < 0) >= 2
    assert sum(1 for lead in leads if not lead["Sale Date"]) >= 3
    assert len(days) > len(leads) / 2


def test_demo_activity_ledger(demo_wb):
    leads = _records(demo_wb["Leads"])
    ws = demo_wb["Activity"]
    activity = _records(ws)
    lead_ids = {lead["Lead ID"] for lead in leads}
    assert range_boundaries(ws.tables["Activity"].ref) == (1, 1, len(schema.ACTIVITY_COLUMNS), len(activity) + 1)
    ids = [a["Activity ID"] for a in activity]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"demo-\d{4}", i) for i in ids)
    per_lead: dict[str, int] = {}
    for a in activity:
        assert a["Lead ID"] in lead_ids
        assert a["Outcome"] in schema.OUTCOMES
        assert a["Channel"] in schema.CHANNELS
        assert a["Step"] in {"D1", "D2", "D3", "D4", "D5", "D6", "D7", "N", "R", "Meeting"}
        assert a["Direction"] in {"Outbound", "Inbound"}
        assert a["Source"] == "demo" and a["By"] == "Jordan Avery" and a["Note"]
        assert isinstance(a["Timestamp"], dt.datetime) and a["Timestamp"].date() <= TODAY
        if a["Direction"] == "Outbound" and a["Channel"] in ("Letter", "Email"):
            assert a["Outcome"] in {"Sent", "Meeting Set"}
        if a["Channel"] == "Call" and a["Step"] != "Meeting" and a["Outcome"] not in {
                "Spoke", "Left Voicemail", "No Answer"}:
            assert a["Outcome"] in {"Wrong Number", "Meeting Set", "Not Ready", "Not Interested", "Do Not Contact",
                                    "Lost"}
        per_lead[a["Lead ID"]] = per_lead.get(a["Lead ID"], 0) + 1
    assert max(per_lead.values()) <= 14
    for row in range(2, len(activity) + 2):
        assert ws[f"B{row}"].is_date
    # ledger in time order
    stamps = [a["Timestamp"] for a in activity]
    assert stamps == sorted(stamps)


def test_demo_exercises_the_cadence(demo_wb):
    leads = {lead["Lead ID"]: lead for lead in _records(demo_wb["Leads"])}
    activity = _records(demo_wb["Activity"])
    by_lead: dict[str, list[dict]] = {}
    for a in activity:
        by_lead.setdefault(a["Lead ID"], []).append(a)
    untouched = [i for i in leads if i not in by_lead]
    assert len(untouched) >= 4
    assert sum(1 for i in untouched if leads[i]["Received"].date() == TODAY) >= 2
    outcomes = {a["Outcome"] for a in activity}
    for needed in ("Not Ready", "Not Interested", "Meeting Set", "Listed", "Closed", "Lost", "Do Not Contact",
                   "Bounced", "Wrong Number", "Replied", "Spoke", "Left Voicemail", "No Answer", "Sent"):
        assert needed in outcomes, needed
    replied = [a for a in activity if a["Outcome"] == "Replied"]
    assert all(a["Direction"] == "Inbound" for a in replied)

    def ago(outcome: str) -> int:
        return (TODAY - next(a for a in activity if a["Outcome"] == outcome)["Timestamp"].date()).days

    assert ago("Not Ready") == 40
    assert ago("Not Interested") == 100
    meeting = [lead for lead in leads.values() if lead["Meeting Date"] and
               (lead["Meeting Date"].date() - TODAY).days == 2]
    assert len(meeting) == 1
    assert any(a["Outcome"] == "Meeting Set" for a in by_lead[meeting[0]["Lead ID"]])
    # nurture: the whole week done more than 14 days ago, some N touches since
    nurture = [rows for rows in by_lead.values()
               if {"D1", "D7"} <= {a["Step"] for a in rows}
               and (TODAY - max(a["Timestamp"].date() for a in rows if a["Step"] == "D7")).days > 14]
    assert len(nurture) >= 4
    assert sum(1 for rows in nurture if any(a["Step"] == "N" for a in rows)) >= 3
    # mid-cadence leads at different steps
    last_steps = {max(a["Step"] for a in rows if a["Step"].startswith("D"))
                  for rows in by_lead.values() if not any(a["Step"] in ("D7", "N", "Meeting") for a in rows)}
    assert {"D1", "D2", "D3", "D4"} <= last_steps


def test_demo_quick_log_entries(demo_wb):
    leads = _records(demo_wb["Leads"])
    logged = [lead for lead in leads if lead["Log Outcome"]]
    assert sorted(lead["Log Outcome"] for lead in logged) == ["Left Voicemail", "Spoke"]
    spoke = next(lead for lead in logged if lead["Log Outcome"] == "Spoke")
    assert spoke["Log Note"] and spoke["Phone"] and spoke["Do Not Call"] != "Yes"


def test_demo_settings(demo_wb):
    rows = {r[0]: r[1] for r in demo_wb["Settings"].iter_rows(min_row=2, values_only=True)}
    assert rows["Agent Name"] == "Jordan Avery"
    assert rows["Brokerage"] == "Harbor Point Realty"
    assert rows["Time Zone"] == "America/New_York"
    assert rows["Agent Email"].endswith("@example.com")
    assert "555-01" in rows["Agent Phone"] and rows["License Number"] and rows["Office Address"]
    assert set(rows) == {s.label for s in SETTING_SPECS}


def test_demo_comps_cover_the_leads(demo_wb):
    comps = _records(demo_wb["Comps"])
    leads = _records(demo_wb["Leads"])
    assert range_boundaries(demo_wb["Comps"].tables["Comps"].ref)[3] == len(comps) + 1
    assert {c["Status"] for c in comps} <= {"Sold", "Active", "Pending"}
    sold_cities = {c["City"] for c in comps if c["Status"] == "Sold"}
    assert {lead["City"] for lead in leads} <= sold_cities
    for c in comps:
        if c["Status"] == "Sold":
            assert c["Sale Price"] > 0 and isinstance(c["Sale Date"], dt.datetime)


def test_demo_keeps_the_template_machinery(demo_wb, wb):
    for name in ("Leads", "Activity"):
        assert [(str(d.sqref), d.formula1) for d in demo_wb[name].data_validations.dataValidation] == \
               [(str(d.sqref), d.formula1) for d in wb[name].data_validations.dataValidation]
    assert demo_wb["Leads"].freeze_panes == wb["Leads"].freeze_panes
    assert len(list(demo_wb["Leads"].conditional_formatting)) == len(list(wb["Leads"].conditional_formatting))
    assert demo_wb.sheetnames == wb.sheetnames


def test_demo_is_deterministic_for_a_given_day(tmp_path, demo_wb):
    again = tmp_path / "again.xlsx"
    demo.write_demo_workbook(again, TODAY)
    other = load_workbook(again)
    for name in ("Leads", "Activity", "Comps", "Settings"):
        assert list(other[name].iter_rows(values_only=True)) == list(demo_wb[name].iter_rows(values_only=True))


def test_demo_refuses_to_overwrite(demo_path):
    with pytest.raises(UsageError):
        demo.write_demo_workbook(demo_path, TODAY)


def test_demo_converts_to_pdf_with_libreoffice(demo_path, tmp_path):
    pdf = soffice_convert(demo_path, "pdf", tmp_path)
    assert pdf.read_bytes()[:4] == b"%PDF"
    assert pdf.stat().st_size > 10_000


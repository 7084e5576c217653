"""The tracker template: the workbook an agent starts from, and the copy the `new` command hands out.

`build_tracker_template(path)` writes it from the workbook contract in `schema.py` and the settings in
`settings.py`; `python -m leadtracker.template` regenerates the shipped `workbook_templates/tracker.xlsx`.
`new_workbook(path)` copies the shipped file, so an agent's new workbook never depends on openpyxl at run time.
"""

from __future__ import annotations

import datetime as _dt
import shutil
from importlib import resources
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from . import schema
from .errors import UsageError
from .schema import Column, Kind
from .settings import SETTING_SPECS

TEMPLATE_PATH = resources.files("workbook_templates") / "tracker.xlsx"
"""The shipped template (a Traversable; a real path when the package is installed from files)."""

WORKBOOK_TITLE = "Preforeclosure Lead Tracker"
SHEET_ORDER = (
    schema.SHEET_LEADS, schema.SHEET_ACTIVITY, schema.SHEET_COMPS, schema.SHEET_SETTINGS, schema.SHEET_PLAN,
    schema.SHEET_STORIES, schema.SHEET_TODAY, schema.SHEET_DASHBOARD, schema.SHEET_CMA,
)
VALIDATION_LAST_ROW = 20000
COMMENT_AUTHOR = "Lead Tracker"
COMPUTED_NOTE = "Computed by Lead Tracker: rewritten on every refresh. Type elsewhere; edits here are replaced."
# dates worked out from an estimated sale (no Sale Date yet) are shown in grey italics: never as facts
ESTIMATE_COLUMNS = ("Est. Sale Date", "Days to Sale", "Cure Deadline", "Redemption Ends")
ESTIMATE_NOTE = (" Grey italics: an estimate, because there is no Sale Date yet; the Timeline Note says how it was "
                 "worked out.")
ESTIMATE_FONT = Font(italic=True, color="7F7F7F")
QUICK_LOG_NOTE = ("Quick log: record a touch here (pick an outcome, add a note). The next refresh turns it into an "
                  "Activity row and clears these cells.")
TOOL_SHEET_NOTE = "Rebuilt by Lead Tracker on every refresh"
PLAN_NOTE = ("You may edit this plan: change a step's Day (days after Day 1), its Channels (tried in order, "
             "comma-separated: Letter, Email, Call, Text), Purpose or Template. Keep the Step codes "
             "(D1..D7, N = nurture every Day days after D7, R = re-engage Day days after Not Ready).")
YES_NO = ("Yes", "No")

# Header fills: the colour tells an agent who owns the column.
INPUT_FILL = PatternFill("solid", fgColor="1F3864")      # dark blue: yours
QUICK_LOG_FILL = PatternFill("solid", fgColor="C6EFCE")  # green: log a touch here
COMPUTED_FILL = PatternFill("solid", fgColor="D9D9D9")   # grey: the tool's
INPUT_FONT = Font(bold=True, color="FFFFFF")
QUICK_LOG_FONT = Font(bold=True, color="006100")
COMPUTED_FONT = Font(italic=True, color="404040")
OVERDUE_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")   # red
DUE_TODAY_FILL = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")  # amber
TABLE_STYLE = "TableStyleLight9"

# Leads column order: who and where, what to do next, the quick log, how to reach them, then the rest.
LEADS_ORDER: tuple[str, ...] = (
    "Lead ID", "Owner Name", "Property Address", "City", "State", "ZIP",
    "Stage", "Next Step", "Next Channel", "Due Date", "Days Overdue", "Priority",
    "Log Outcome", "Log Note", "Log Channel",
    "Phone", "Phone 2", "Email", "Co-Owner Name", "Contact Rules",
    "Cadence Day", "Touches", "Last Touch", "Last Outcome", "Meeting Date",
    "Default Date", "Notice Date", "Filing Date", "Sale Date", "Earliest Filing", "Est. Sale Date", "Days to Sale",
    "Cure Deadline", "Redemption Ends", "Timeline Note",
    "Lender", "Loan Balance", "Other Liens", "Est. Value", "CMA Low", "CMA Mid", "CMA High", "CMA Comps",
    "Est. Equity", "Short Sale Likely", "Distress Score",
    "County", "Mailing Address", "Mailing City", "Mailing State", "Mailing ZIP",
    "Beds", "Baths", "Sq Ft", "Lot Sq Ft", "Year Built", "Garage Spaces", "Property Type", "Latitude", "Longitude",
    "Source", "Received", "Assigned To", "Do Not Call", "Do Not Text", "Do Not Email", "Do Not Mail", "DNC Checked",
    "Notes", "Data Issues",
)
assert sorted(LEADS_ORDER) == sorted(c.name for c in schema.LEAD_COLUMNS), "LEADS_ORDER must list every column"

COMPS_COLUMNS: tuple[Column, ...] = schema.COMP_COLUMNS  # the Comps sheet's headers, aliases and formats
SETTINGS_HELP_HEADER = "What it means"

PLAN_ROWS: tuple[tuple[str, int, str, str, str], ...] = (
    ("D1", 1, "Letter + Email",
     "Personal introduction to every owner by name, in plain words with no jargon", "d1_intro"),
    ("D2", 2, "Call", "Introduce yourself as a local agent and ask open questions", ""),
    ("D3", 3, "Email, Letter",
     "Send their market analysis (low, mid and high value with the comps) and their foreclosure timeline", "d3_cma"),
    ("D4", 4, "Call, Text, Email", "Ask for a 15-minute meeting, offering two specific times", "d4_meeting"),
    ("D5", 5, "Email, Letter",
     "Explain their options, short sale or foreclosure, with their own numbers (net sheet)", "d5_options"),
    ("D6", 6, "Call", "Answer their questions and share success stories (with names left out)", ""),
    ("D7", 7, "Email, Letter", "Recap the week, the next steps, and the plan to stay in touch every two weeks",
     "d7_recap"),
    ("N", 14, "Call, Email, Letter",
     "Every 14 days after D7: a touch that brings value, such as a market update or a helpful resource", "nurture"),
    ("R", 90, "Letter, Email",
     "90 days after Not Ready or Not Interested: a gentle check-in, then the every-14-days touches resume",
     "reengage"),
)


def build_tracker_template(path: str | Path) -> None:
    """Write the tracker template workbook to `path` (overwriting it)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in SHEET_ORDER:
        wb.create_sheet(name)
    _build_leads(wb[schema.SHEET_LEADS])
    _build_activity(wb[schema.SHEET_ACTIVITY])
    _build_comps(wb[schema.SHEET_COMPS])
    _build_settings(wb[schema.SHEET_SETTINGS])
    _build_plan(wb[schema.SHEET_PLAN])
    _build_stories(wb[schema.SHEET_STORIES])
    for name in schema.TOOL_SHEETS:
        _build_tool_sheet(wb[name])
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == schema.SHEET_LEADS
    fixed = _dt.datetime(2024, 1, 1)
    wb.properties.title = WORKBOOK_TITLE
    wb.properties.subject = "Preforeclosure leads, follow-up cadence, deadlines and CMA"
    wb.properties.creator = COMMENT_AUTHOR
    wb.properties.lastModifiedBy = COMMENT_AUTHOR
    wb.properties.keywords = "preforeclosure, leads, follow-up"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def new_workbook(path: str | Path) -> None:
    """Copy the shipped template to `path`; never overwrites an existing file."""
    target = Path(path)
    if target.exists():
        raise UsageError(f"{target} already exists; choose a new file name (I never overwrite a workbook).")
    if not target.parent.exists():
        raise UsageError(f"The folder {target.parent} does not exist; create it first or choose another path.")
    with resources.as_file(TEMPLATE_PATH) as source:
        shutil.copyfile(source, target)


# --- sheets -----------------------------------------------------------------------------------------------------


def _build_leads(ws: Worksheet) -> None:
    columns = [schema.LEAD_COLUMN_BY_NAME[name] for name in LEADS_ORDER]
    _write_table(ws, "Leads", columns)
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        _style_header(cell, column.kind)
        if column.kind is Kind.COMPUTED:
            cell.comment = _comment(COMPUTED_NOTE + (ESTIMATE_NOTE if column.name in ESTIMATE_COLUMNS else ""))
        elif column.kind is Kind.QUICK_LOG:
            cell.comment = _comment(QUICK_LOG_NOTE)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "C2"

    letter = {name: get_column_letter(i) for i, name in enumerate(LEADS_ORDER, start=1)}
    _list_validation(ws, [letter["Log Outcome"]], schema.OUTCOMES, "Outcome",
                     "Pick what happened on this touch; refresh moves it to Activity.")
    _list_validation(ws, [letter["Log Channel"]], schema.CHANNELS, "Channel",
                     "Optional: how you reached them (otherwise the lead's next channel).")
    _list_validation(ws, [letter["State"], letter["Mailing State"]], tuple(schema.US_STATES), "State",
                     "Two-letter state code, e.g. FL.")
    _list_validation(ws, [letter[n] for n in ("Do Not Call", "Do Not Text", "Do Not Email", "Do Not Mail")],
                     YES_NO, "Opt-out", "Yes means never contact this lead this way.")

    due = letter["Due Date"]
    overdue = f'AND(${due}2<>"",${due}2<TODAY())'
    due_today = f'AND(${due}2<>"",${due}2=TODAY())'
    for target in (letter["Due Date"], letter["Next Step"]):
        rng = f"{target}2:{target}{VALIDATION_LAST_ROW}"
        ws.conditional_formatting.add(rng, FormulaRule(formula=[overdue], fill=OVERDUE_FILL, stopIfTrue=True))
        ws.conditional_formatting.add(rng, FormulaRule(formula=[due_today], fill=DUE_TODAY_FILL, stopIfTrue=True))
    sale = letter["Sale Date"]
    for target in ESTIMATE_COLUMNS:
        column = letter[target]
        ws.conditional_formatting.add(f"{column}2:{column}{VALIDATION_LAST_ROW}", FormulaRule(
            formula=[f'AND(${column}2<>"",${sale}2="")'], font=ESTIMATE_FONT))


def _build_activity(ws: Worksheet) -> None:
    _write_table(ws, "Activity", list(schema.ACTIVITY_COLUMNS))
    for cell in ws[1]:
        _style_header(cell, Kind.INPUT)
    ws.cell(row=1, column=1).comment = _comment(
        "The history of every touch, one row each. Lead Tracker appends here (quick log, letters, email sync); "
        "it never edits or deletes a row. You may add rows by hand.")
    ws.freeze_panes = "A2"
    names = [c.name for c in schema.ACTIVITY_COLUMNS]
    letter = {name: get_column_letter(i) for i, name in enumerate(names, start=1)}
    _list_validation(ws, [letter["Outcome"]], schema.OUTCOMES, "Outcome", "What happened on this touch.")
    _list_validation(ws, [letter["Channel"]], schema.CHANNELS, "Channel", "How the touch was made.")
    _list_validation(ws, [letter["Direction"]], ("Outbound", "Inbound"), "Direction",
                     "Outbound: you reached out. Inbound: they contacted you.")


def _build_comps(ws: Worksheet) -> None:
    _write_table(ws, "Comps", list(COMPS_COLUMNS))
    for cell in ws[1]:
        _style_header(cell, Kind.INPUT)
    ws.cell(row=1, column=1).comment = _comment(
        "Paste or import an MLS export here: Sold, Pending and Active listings near your leads. "
        "Lead Tracker picks comps from this sheet for each lead's CMA.")
    ws.freeze_panes = "B2"
    letter = {c.name: get_column_letter(i) for i, c in enumerate(COMPS_COLUMNS, start=1)}
    _list_validation(ws, [letter["Status"]], ("Sold", "Pending", "Active"), "Status", "Sold, Pending or Active.")
    _list_validation(ws, [letter["Distressed"]], YES_NO, "Distressed", "Yes for REO, short or foreclosure sales.")


def _build_settings(ws: Worksheet) -> None:
    columns = [*schema.SETTINGS_COLUMNS, Column(SETTINGS_HELP_HEADER, width=70)]
    _write_table(ws, "Settings", columns, rows=len(SETTING_SPECS))
    for cell in ws[1]:
        _style_header(cell, Kind.INPUT)
    for row, spec in enumerate(SETTING_SPECS, start=2):
        ws.cell(row=row, column=1, value=spec.label).font = Font(bold=True)
        value = spec.default if spec.default != "" else None
        value_cell = ws.cell(row=row, column=2, value=value)
        value_cell.alignment = Alignment(horizontal="left")
        if spec.kind == "money":
            value_cell.number_format = schema.MONEY_FORMAT
        elif spec.kind == "percent":
            value_cell.number_format = "0.0"
        help_cell = ws.cell(row=row, column=3, value=spec.help)
        help_cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=1, column=2).comment = _comment(
        "Type your values in this column. A value Lead Tracker cannot read falls back to its default, with a "
        "message after the next refresh. Percentages are plain numbers: 6 means 6%.")
    ws.freeze_panes = "A2"


def _build_plan(ws: Worksheet) -> None:
    _write_table(ws, "Plan", list(schema.PLAN_COLUMNS), rows=len(PLAN_ROWS))
    for cell in ws[1]:
        _style_header(cell, Kind.INPUT)
    for row, values in enumerate(PLAN_ROWS, start=2):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value if value != "" else None)
            if col == 4:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col in (1, 2, 3):
        ws.cell(row=1, column=col).comment = _comment(PLAN_NOTE)
    ws.freeze_panes = "A2"


STORIES_NOTE = ("Success stories for the Day 6 letter: a few sentences each about an owner you helped, with names, "
                "addresses and anything else that could identify them left out. Letters include up to two; a row "
                "with Use = No is skipped.")


def _build_stories(ws: Worksheet) -> None:
    _write_table(ws, "Stories", list(schema.STORY_COLUMNS))
    for cell in ws[1]:
        _style_header(cell, Kind.INPUT)
        cell.comment = _comment(STORIES_NOTE)
    ws.freeze_panes = "A2"
    _list_validation(ws, [get_column_letter(3)], YES_NO, "Use", "No keeps the story out of letters.")


def _build_tool_sheet(ws: Worksheet) -> None:
    cell = ws.cell(row=1, column=1, value=TOOL_SHEET_NOTE)
    cell.font = Font(italic=True, color="808080")
    cell.comment = _comment(TOOL_SHEET_NOTE + ". Anything typed on this sheet is replaced.")
    ws.column_dimensions["A"].width = 40


# --- helpers ----------------------------------------------------------------------------------------------------


def _write_table(ws: Worksheet, name: str, columns: list[Column], rows: int = 1) -> None:
    """Headers in row 1, widths and number formats, and an Excel Table over the header plus `rows` data rows."""
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.cell(row=1, column=index, value=column.name)
        ws.column_dimensions[letter].width = column.width
        if column.number_format:
            ws.column_dimensions[letter].number_format = column.number_format
            for row in range(2, rows + 2):
                ws.cell(row=row, column=index).number_format = column.number_format
    ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showFirstColumn=False, showLastColumn=False,
                                          showRowStripes=True, showColumnStripes=False)
    ws.add_table(table)


def _style_header(cell, kind: Kind) -> None:
    fill, font = {
        Kind.INPUT: (INPUT_FILL, INPUT_FONT),
        Kind.QUICK_LOG: (QUICK_LOG_FILL, QUICK_LOG_FONT),
        Kind.COMPUTED: (COMPUTED_FILL, COMPUTED_FONT),
    }[kind]
    cell.fill = fill
    cell.font = font
    cell.alignment = Alignment(wrap_text=True, vertical="center")


def _comment(text: str) -> Comment:
    comment = Comment(text, COMMENT_AUTHOR)
    comment.width = 300
    comment.height = 110
    return comment


def _list_validation(ws: Worksheet, letters: list[str], values: tuple[str, ...], title: str, prompt: str) -> None:
    formula = '"' + ",".join(values) + '"'
    if len(formula) > 257:
        raise ValueError(f"dropdown list for {title} is longer than Excel allows")
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    dv.error = f"Pick one of: {', '.join(values)}" if len(values) <= 8 else "Pick a value from the list."
    dv.errorTitle = title
    dv.prompt = prompt
    dv.promptTitle = title
    dv.showErrorMessage = True
    dv.showInputMessage = True
    for letter in letters:
        dv.add(f"{letter}2:{letter}{VALIDATION_LAST_ROW}")
    ws.add_data_validation(dv)


def _default_output() -> Path:
    return Path(__file__).resolve().parent.parent / "workbook_templates" / "tracker.xlsx"


def main() -> None:
    out = _default_output()
    build_tracker_template(out)
    print(f"Wrote {out}")


if __name__ == "__main__":
    main()

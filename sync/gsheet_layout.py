"""`leadtracker gsheet init`: lay the tracker out in an empty Google Sheet.

The layout is the shipped Excel template (workbook_templates/tracker.xlsx, built by leadtracker/template.py),
translated sheet by sheet: headers with the colour that says who owns a column, header notes, Settings and Plan
rows, dropdowns, the overdue / due-today highlights, frozen header rows, widths and number formats. On top of that
the Google Sheet gets what only a shared sheet needs: computed columns protected with a warning (a teammate who
types there is warned the tool rewrites them) and a `Refresh now` checkbox on Settings for the sync (`watch`).

Everything is sent in one spreadsheets:batchUpdate, which Google applies whole or not at all.
"""

from __future__ import annotations

import random
from importlib import resources

from leadtracker import schema
from leadtracker.schema import Kind

from .gsheet_cells import cell, grid_range, number_format, quote
from .gsheet_client import GoogleSheetError, SheetsAPI

REFRESH_LABEL = "Refresh now"
REFRESH_HELP = ("Tick the box and the sync (leadtracker watch) refreshes the sheet within seconds, then clears the "
                "tick.")
PROTECTION_NOTE = "Lead Tracker: computed column, rewritten on every refresh"
MIN_ROWS = 1000
LAST_TEMPLATE_ROW = 20000  # template validations and highlights run to row 20000: here they cover the whole column
EMPTY_SHEET_NAMES = ("sheet1", "sheet 1", "feuille 1", "hoja 1", "tabelle1", "foglio1", "planilha1")


def template_workbook():
    import openpyxl

    from leadtracker.template import TEMPLATE_PATH

    with resources.as_file(TEMPLATE_PATH) as path:
        return openpyxl.load_workbook(path)


def init_sheet(api: SheetsAPI, key: str) -> str:
    """Lay the tracker out in the spreadsheet `key`; refuses a sheet that already holds tracker data."""
    meta = api.metadata(key, "properties(title),sheets(properties(sheetId,title,gridProperties))")
    title = meta.get("properties", {}).get("title", key)
    sheets = {s["properties"]["title"]: s["properties"] for s in meta.get("sheets", [])}
    wb = template_workbook()
    wanted = [ws.title for ws in wb.worksheets]
    clash = [t for t in sheets if t.casefold() in {w.casefold() for w in wanted}]
    blank = [t for t in sheets if t.casefold() in EMPTY_SHEET_NAMES]
    answers = api.batch_get(key, [quote(t) for t in clash + blank])
    holding = [t for t, a in zip(clash + blank, answers) if a.get("values")]
    if holding:
        raise GoogleSheetError(
            f"Google Sheet '{title}' already has {', '.join(holding)} with data in it, and gsheet init only lays out "
            f"an empty sheet. To use the tracker on a sheet you already have, run: leadtracker refresh gsheet:{key} "
            "(it adds the columns and sheets that are missing and never changes what you typed).")
    if clash:
        raise GoogleSheetError(f"Google Sheet '{title}' already has sheets named {', '.join(clash)}; delete or "
                               "rename them (they are empty) and run gsheet init again.")
    requests = layout_requests(wb, sheets, blank)
    api.batch_update(key, requests)
    return (f"Laid out Google Sheet '{title}' as a Lead Tracker: {', '.join(wanted)}. Share it with your team, add "
            f"leads on Leads, then run: leadtracker watch gsheet:{key}")


def layout_requests(wb, existing: dict[str, dict], reusable: list[str]) -> list[dict]:
    """The batchUpdate requests that build every template sheet (reusing an empty default sheet for the first)."""
    taken = {p["sheetId"] for p in existing.values()}
    requests: list[dict] = []
    ids: dict[str, int] = {}
    spare = list(reusable)
    for index, ws in enumerate(wb.worksheets):
        rows = max(MIN_ROWS, ws.max_row + 50)
        cols = max(26, ws.max_column + 2)
        if spare:
            old = existing[spare.pop(0)]
            ids[ws.title] = old["sheetId"]
            requests.append({"updateSheetProperties": {
                "properties": {"sheetId": old["sheetId"], "title": ws.title, "index": index,
                               "gridProperties": {"rowCount": rows, "columnCount": cols}},
                "fields": "title,index,gridProperties.rowCount,gridProperties.columnCount"}})
        else:
            sheet_id = random.randint(1, 2**31 - 1)
            while sheet_id in taken:
                sheet_id = random.randint(1, 2**31 - 1)
            taken.add(sheet_id)
            ids[ws.title] = sheet_id
            requests.append({"addSheet": {"properties": {
                "sheetId": sheet_id, "title": ws.title, "index": index,
                "gridProperties": {"rowCount": rows, "columnCount": cols}}}})
    for ws in wb.worksheets:
        requests += sheet_requests(ws, ids[ws.title])
    return requests


def sheet_requests(ws, sheet_id: int) -> list[dict]:
    requests: list[dict] = []
    rows = []
    last_row = 0
    for r, line in enumerate(ws.iter_rows(min_row=1, max_row=ws.max_row), start=1):
        values = [_cell(c) for c in line]
        while values and not values[-1]:
            values.pop()
        rows.append({"values": values} if values else {})
        if values:
            last_row = r
    extra = _refresh_row() if ws.title == schema.SHEET_SETTINGS else None
    if extra is not None:
        rows = rows[:last_row] + [extra]
    if rows:
        requests.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                                         "rows": rows, "fields": "userEnteredValue,userEnteredFormat,note"}})
    if extra is not None:
        requests.append({"setDataValidation": {"range": grid_range(sheet_id, last_row, last_row + 1, 1, 2),
                                               "rule": {"condition": {"type": "BOOLEAN"}, "strict": True}}})
    from openpyxl.utils import column_index_from_string

    for letter, dimension in ws.column_dimensions.items():
        col = column_index_from_string(letter) - 1
        if dimension.width:
            requests.append({"updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
                "properties": {"pixelSize": int(dimension.width * 7 + 5)}, "fields": "pixelSize"}})
        nf = number_format(dimension.number_format) if dimension.number_format not in (None, "General") else None
        if nf:
            requests.append({"repeatCell": {"range": grid_range(sheet_id, 1, None, col, col + 1),
                                            "cell": {"userEnteredFormat": {"numberFormat": nf}},
                                            "fields": "userEnteredFormat.numberFormat"}})
    for r, dimension in ws.row_dimensions.items():
        if dimension.height:
            requests.append({"updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": r - 1, "endIndex": r},
                "properties": {"pixelSize": int(dimension.height * 4 / 3)}, "fields": "pixelSize"}})
    if ws.freeze_panes:
        from openpyxl.utils.cell import coordinate_from_string

        letters, row = coordinate_from_string(ws.freeze_panes)
        requests.append({"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": {
            "frozenRowCount": row - 1, "frozenColumnCount": column_index_from_string(letters) - 1}},
            "fields": "gridProperties.frozenRowCount,gridProperties.frozenColumnCount"}})
    requests += _validations(ws, sheet_id)
    requests += _highlights(ws, sheet_id)
    if ws.title == schema.SHEET_LEADS:
        requests += _protect_computed(ws, sheet_id)
    return requests


def _cell(c) -> dict:
    fmt: dict = {}
    if c.fill is not None and c.fill.fill_type == "solid" and _hex(c.fill.fgColor):
        fmt["backgroundColor"] = _rgb(_hex(c.fill.fgColor))
    text: dict = {}
    if c.font is not None:
        if c.font.b:
            text["bold"] = True
        if c.font.i:
            text["italic"] = True
        if c.font.sz and float(c.font.sz) != 11:
            text["fontSize"] = int(float(c.font.sz))
        if c.font.color is not None and _hex(c.font.color):
            text["foregroundColor"] = _rgb(_hex(c.font.color))
    if text:
        fmt["textFormat"] = text
    if c.alignment is not None:
        if c.alignment.wrap_text:
            fmt["wrapStrategy"] = "WRAP"
        if c.alignment.vertical in ("center", "top"):
            fmt["verticalAlignment"] = "MIDDLE" if c.alignment.vertical == "center" else "TOP"
        if c.alignment.horizontal == "left":
            fmt["horizontalAlignment"] = "LEFT"
    pattern = c.number_format if c.number_format not in (None, "General") and c.value is not None else None
    data = cell(c.value, pattern, fmt) if c.value is not None or fmt else {}
    if c.comment is not None:
        data["note"] = c.comment.text
    return data


def _hex(colour) -> str | None:
    value = getattr(colour, "rgb", None)
    if isinstance(value, str) and len(value) in (6, 8) and getattr(colour, "type", "rgb") == "rgb":
        return value[-6:]
    return None


def _rgb(hex_colour: str) -> dict:
    return {"red": int(hex_colour[0:2], 16) / 255, "green": int(hex_colour[2:4], 16) / 255,
            "blue": int(hex_colour[4:6], 16) / 255}


def _ranges(sqref, sheet_id: int) -> list[dict]:
    out = []
    for rng in sqref.ranges:
        end = None if rng.max_row >= LAST_TEMPLATE_ROW else rng.max_row
        out.append(grid_range(sheet_id, rng.min_row - 1, end, rng.min_col - 1, rng.max_col))
    return out


def _validations(ws, sheet_id: int) -> list[dict]:
    requests = []
    for dv in ws.data_validations.dataValidation:
        if dv.type != "list" or not dv.formula1 or not dv.formula1.startswith('"'):
            continue
        values = dv.formula1.strip('"').split(",")
        rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in values]},
                "strict": bool(dv.showErrorMessage), "showCustomUi": True}
        if dv.prompt:
            rule["inputMessage"] = dv.prompt
        for grid in _ranges(dv.sqref, sheet_id):
            requests.append({"setDataValidation": {"range": grid, "rule": rule}})
    return requests


def _highlights(ws, sheet_id: int) -> list[dict]:
    requests = []
    for formatting in ws.conditional_formatting:
        for rule in formatting.rules:
            if rule.type != "expression" or not rule.formula:
                continue
            fill = rule.dxf.fill if rule.dxf is not None else None
            font = rule.dxf.font if rule.dxf is not None else None
            colour = _hex(fill.bgColor) or _hex(fill.fgColor) if fill is not None else None
            look: dict = {"backgroundColor": _rgb(colour)} if colour else {}
            if font is not None:  # grey italics: a date worked out from an estimated sale
                text = {"italic": True} if font.i else {}
                if _hex(font.color):
                    text["foregroundColor"] = _rgb(_hex(font.color))
                if text:
                    look["textFormat"] = text
            boolean = {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=" + rule.formula[0]}]},
                       "format": look}
            requests.append({"addConditionalFormatRule": {"rule": {
                "ranges": _ranges(formatting.sqref, sheet_id), "booleanRule": boolean}, "index": 0}})
    requests.reverse()  # each is added at index 0: reversed, they keep the template's order
    return requests


def _protect_computed(ws, sheet_id: int) -> list[dict]:
    computed = {c.name for c in schema.LEAD_COLUMNS if c.kind is Kind.COMPUTED}
    requests = []
    for c in ws[1]:
        if c.value in computed:
            requests.append({"addProtectedRange": {"protectedRange": {
                "range": grid_range(sheet_id, None, None, c.column - 1, c.column), "description": PROTECTION_NOTE,
                "warningOnly": True}}})
    return requests


def _refresh_row() -> dict:
    """The Settings row the sync watches: a checkbox a teammate ticks to refresh now."""
    return {"values": [cell(REFRESH_LABEL, fmt={"textFormat": {"bold": True}}), cell(False),
                       cell(REFRESH_HELP, fmt={"wrapStrategy": "WRAP", "verticalAlignment": "TOP"})]}


def refresh_control_requests(sheet_id: int, row0: int) -> list[dict]:
    """Add the Refresh now row (label, checkbox, help) at 0-based row `row0` of Settings."""
    return [{"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": row0, "columnIndex": 0},
                             "rows": [_refresh_row()],
                             "fields": "userEnteredValue,userEnteredFormat"}},
            {"setDataValidation": {"range": grid_range(sheet_id, row0, row0 + 1, 1, 2),
                                   "rule": {"condition": {"type": "BOOLEAN"}, "strict": True}}}]


__all__ = ["init_sheet", "layout_requests", "refresh_control_requests", "REFRESH_LABEL"]

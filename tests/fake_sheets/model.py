"""The fake's state: spreadsheets of sheets of cells, and the Sheets API v4 operations on them.

Semantics follow the API reference and, where the reference is silent, gspread's recorded real responses
(../shared/reference/gspread_cassettes/, checked by tests/test_fake_sheets.py): trimmed value ranges, range echoes
clamped to the grid, titles quoted only when they must be, table detection on append, atomic batchUpdate.
"""

from __future__ import annotations

import copy
import json
import random
import string
from dataclasses import dataclass, field

from . import a1
from .batch import BatchRequests
from .cells import (Cell, entry, fmt_of, formula_of, is_empty, parts, raw_input, render, user_entered, value_of,
                    with_parts)
from .errors import ApiError, bad_request

DEFAULT_FORMAT = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10, "bold": False,
                   "italic": False, "strikethrough": False, "underline": False,
                   "foregroundColorStyle": {"rgbColor": {}}},
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
THEME = {"primaryFontFamily": "Arial", "themeColors": [
    {"colorType": "TEXT", "color": {"rgbColor": {}}},
    {"colorType": "BACKGROUND", "color": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
    {"colorType": "ACCENT1", "color": {"rgbColor": {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}}},
    {"colorType": "ACCENT2", "color": {"rgbColor": {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}}},
    {"colorType": "ACCENT3", "color": {"rgbColor": {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}}},
    {"colorType": "ACCENT4", "color": {"rgbColor": {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}}},
    {"colorType": "ACCENT5", "color": {"rgbColor": {"red": 1, "green": 0.42745098, "blue": 0.003921569}}},
    {"colorType": "ACCENT6", "color": {"rgbColor": {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}}},
    {"colorType": "LINK", "color": {"rgbColor": {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}}},
]}


def new_key() -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    return "1" + "".join(random.choice(alphabet) for _ in range(43))


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int
    row_count: int = 1000
    col_count: int = 26
    frozen_rows: int = 0
    frozen_cols: int = 0
    hidden: bool = False
    hide_gridlines: bool = False
    tab_color: dict | None = None
    rows: list = field(default_factory=list)  # ragged rows of entries
    protected_ranges: list = field(default_factory=list)
    conditional_formats: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    column_sizes: dict = field(default_factory=dict)
    row_hidden: set = field(default_factory=set)
    col_hidden: set = field(default_factory=set)

    # --- cells ----------------------------------------------------------------------------------------------
    def get(self, r: int, c: int):
        if r < len(self.rows):
            row = self.rows[r]
            if c < len(row):
                return row[c]
        return None

    def put(self, r: int, c: int, e) -> None:
        if e is None and (r >= len(self.rows) or c >= len(self.rows[r])):
            return
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        if len(row) <= c:
            row.extend([None] * (c + 1 - len(row)))
        row[c] = e

    def last_row_with_data(self) -> int:
        """0-based index of the last row holding a value or formula; -1 when there is none."""
        for r in range(len(self.rows) - 1, -1, -1):
            if any(not is_empty(e) for e in self.rows[r]):
                return r
        return -1

    def properties(self) -> dict:
        grid = {"rowCount": self.row_count, "columnCount": self.col_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        if self.hide_gridlines:
            grid["hideGridlines"] = True
        props = {"sheetId": self.sheet_id, "title": self.title, "index": self.index, "sheetType": "GRID",
                 "gridProperties": grid}
        if self.hidden:
            props["hidden"] = True
        if self.tab_color:
            props["tabColor"] = self.tab_color
            props["tabColorStyle"] = {"rgbColor": self.tab_color}
        return props


class Spreadsheet(BatchRequests):
    def __init__(self, key: str, title: str, owner: str | None = None) -> None:
        self.key = key
        self.title = title
        self.locale = "en_US"
        self.time_zone = "Etc/GMT"
        self.sheets: list[Sheet] = []
        self.editors: set[str] | None = None if owner is None else {owner}
        self.version = 1

    # --- sheets -----------------------------------------------------------------------------------------------
    def add_sheet(self, title: str | None = None, rows: int = 1000, cols: int = 26, sheet_id: int | None = None,
                  index: int | None = None) -> Sheet:
        if title is None:
            n = len(self.sheets) + 1
            while any(s.title == f"Sheet{n}" for s in self.sheets):
                n += 1
            title = f"Sheet{n}"
        if any(s.title.casefold() == title.casefold() for s in self.sheets):
            raise bad_request(f'Invalid requests[0].addSheet: A sheet with the name "{title}" already exists. '
                              "Please enter another name.")
        if sheet_id is None:
            sheet_id = 0 if not self.sheets else random.randint(1, 2**31 - 1)
            while any(s.sheet_id == sheet_id for s in self.sheets):
                sheet_id = random.randint(1, 2**31 - 1)
        elif any(s.sheet_id == sheet_id for s in self.sheets):
            raise bad_request(f"Invalid requests[0].addSheet: Sheet with id {sheet_id} already exists.")
        position = len(self.sheets) if index is None else max(0, min(index, len(self.sheets)))
        sheet = Sheet(sheet_id, title, position, rows, cols)
        self.sheets.insert(position, sheet)
        self._reindex()
        return sheet

    def _reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.index = i

    def by_title(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise bad_request(f"Unable to parse range: {a1.quote_title(title)}")

    def by_id(self, sheet_id: int, request: str = "") -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise bad_request(f"Invalid {request}: No grid with id: {sheet_id}")

    # --- rollback ---------------------------------------------------------------------------------------------
    def checkpoint(self):
        sheets = []
        for sheet in self.sheets:
            saved = copy.copy(sheet)
            saved.rows = [list(r) for r in sheet.rows]
            saved.protected_ranges = list(sheet.protected_ranges)
            saved.conditional_formats = list(sheet.conditional_formats)
            saved.charts = list(sheet.charts)
            saved.column_sizes = dict(sheet.column_sizes)
            saved.row_hidden = set(sheet.row_hidden)
            saved.col_hidden = set(sheet.col_hidden)
            sheets.append(saved)
        return (self.title, self.locale, self.time_zone, sheets)

    def restore(self, saved) -> None:
        self.title, self.locale, self.time_zone, self.sheets = saved

    # --- ranges -----------------------------------------------------------------------------------------------
    def resolve(self, text: str, for_write: bool = False) -> tuple[Sheet, int, int, int, int, bool]:
        """(sheet, row0, col0, row1, col1, single_cell) for an A1 range; reads clamp to the grid, writes refuse to go
        beyond it."""
        try:
            span = a1.parse(text)
        except a1.A1Error:
            raise bad_request(f"Unable to parse range: {text}") from None
        if span.title is None:
            sheet = self.sheets[0]
        else:
            try:
                sheet = self.by_title(span.title)
            except ApiError:
                raise bad_request(f"Unable to parse range: {text}") from None
        r0 = span.row0 or 0
        c0 = span.col0 or 0
        r1 = sheet.row_count if span.row1 is None else span.row1
        c1 = sheet.col_count if span.col1 is None else span.col1
        single = span.row1 is not None and span.col1 is not None and r1 - r0 == 1 and c1 - c0 == 1
        if for_write:
            return sheet, r0, c0, r1, c1, single
        if r0 >= sheet.row_count or c0 >= sheet.col_count:
            raise bad_request(f"Range ({a1.quote_title(sheet.title)}!{text.rpartition('!')[2]}) exceeds grid "
                              f"limits. Max rows: {sheet.row_count}, max columns: {sheet.col_count}")
        return sheet, r0, c0, min(r1, sheet.row_count), min(c1, sheet.col_count), single

    # --- values -----------------------------------------------------------------------------------------------
    def values_get(self, text: str, major: str = "ROWS", option: str = "FORMATTED_VALUE",
                   date_option: str = "SERIAL_NUMBER") -> dict:
        sheet, r0, c0, r1, c1, _ = self.resolve(text)
        grid = []
        for r in range(r0, min(r1, len(sheet.rows))):
            row = sheet.rows[r]
            out = [render(row[c], option, date_option) for c in range(c0, min(c1, len(row)))]
            grid.append(out)
        if major == "COLUMNS":
            width = max((len(r) for r in grid), default=0)
            grid = [[row[c] if c < len(row) else "" for row in grid] for c in range(width)]
        for row in grid:
            while row and row[-1] == "":
                row.pop()
        while grid and not grid[-1]:
            grid.pop()
        result = {"range": a1.format_range(sheet.title, r0, c0, r1, c1), "majorDimension": major}
        if grid:
            result["values"] = grid
        return result

    def values_update(self, text: str, values: list, option: str, major: str = "ROWS") -> dict:
        sheet, r0, c0, r1, c1, single = self.resolve(text, for_write=True)
        if option not in ("RAW", "USER_ENTERED"):
            raise bad_request("Invalid valueInputOption: " + str(option))
        check_values(values)
        if major == "COLUMNS":
            width = max((len(v) for v in values), default=0)
            values = [[col[r] if r < len(col) else None for col in values] for r in range(width)]
        height = len(values)
        width = max((len(v) for v in values), default=0)
        if not single:
            if height > r1 - r0:
                raise bad_request(f"Requested writing within range [{text}], but tried writing to row "
                                  f"[{r0 + height}]")
            if width > c1 - c0:
                raise bad_request(f"Requested writing within range [{text}], but tried writing to column "
                                  f"[{a1.column_letters(c0 + width - 1)}]")
        if r0 + height > sheet.row_count or c0 + width > sheet.col_count:
            last = a1.column_letters(c0 + width - 1) + str(r0 + height)
            raise bad_request(f"Range ({a1.quote_title(sheet.title)}!{last}) exceeds grid limits. Max rows: "
                              f"{sheet.row_count}, max columns: {sheet.col_count}")
        cells, rows_written, cols_written = 0, set(), set()
        for dr, row in enumerate(values):
            for dc, value in enumerate(row):
                if value is None:
                    continue  # null leaves the cell as it is
                cells += 1
                rows_written.add(dr)
                cols_written.add(dc)
                self._write_value(sheet, r0 + dr, c0 + dc, value, option)
        self.version += 1
        if not height or not width:
            return {"spreadsheetId": self.key}
        return {"spreadsheetId": self.key,
                "updatedRange": a1.format_range(sheet.title, r0, c0, r0 + height, c0 + width),
                "updatedRows": len(rows_written), "updatedColumns": len(cols_written), "updatedCells": cells}

    def _write_value(self, sheet: Sheet, r: int, c: int, value, option: str) -> None:
        old = sheet.get(r, c)
        keep = parts(old)
        if value == "":
            sheet.put(r, c, with_parts(old, value=None, formula=None))
            return
        new = (raw_input if option == "RAW" else user_entered)(value, keep["fmt"])
        sheet.put(r, c, with_parts(new, note=keep["note"], validation=keep["validation"], fmt=fmt_of(new)))

    def values_clear(self, text: str) -> str:
        sheet, r0, c0, r1, c1, _ = self.resolve(text)
        for r in range(r0, min(r1, len(sheet.rows))):
            row = sheet.rows[r]
            for c in range(c0, min(c1, len(row))):
                if row[c] is not None:
                    row[c] = with_parts(row[c], value=None, formula=None)
        self.version += 1
        return a1.format_range(sheet.title, r0, c0, r1, c1)

    def values_append(self, text: str, values: list, option: str, insert: str = "OVERWRITE",
                      major: str = "ROWS") -> dict:
        sheet, r0, c0, r1, c1, _ = self.resolve(text, for_write=True)
        if major == "COLUMNS":
            width = max((len(v) for v in values), default=0)
            values = [[col[r] if r < len(col) else None for col in values] for r in range(width)]
        span = a1.parse(text)
        whole = span.row1 is None and span.col1 is None or not (r1 - r0 == 1 and c1 - c0 == 1)
        table = self._find_table(sheet, r0, c0, min(r1, sheet.row_count), min(c1, sheet.col_count), whole)
        result = {"spreadsheetId": self.key}
        if table is None:
            target_row, target_col = r0, c0
        else:
            tr0, tc0, tr1, tc1 = table
            result["tableRange"] = a1.format_range(sheet.title, tr0, tc0, tr1, tc1)
            target_row, target_col = tr1, tc0
        height = len(values)
        width = max((len(v) for v in values), default=0)
        if insert == "INSERT_ROWS" and target_row < len(sheet.rows):
            self._insert_rows(sheet, target_row, height)
        if target_row + height > sheet.row_count:
            sheet.row_count = target_row + height
        if target_col + width > sheet.col_count:
            sheet.col_count = target_col + width
        cells = 0
        for dr, row in enumerate(values):
            for dc, value in enumerate(row):
                if value is None:
                    continue
                cells += 1
                self._write_value(sheet, target_row + dr, target_col + dc, value, option)
        self.version += 1
        result["updates"] = {"spreadsheetId": self.key,
                             "updatedRange": a1.format_range(sheet.title, target_row, target_col,
                                                             target_row + height, target_col + width),
                             "updatedRows": height, "updatedColumns": width, "updatedCells": cells}
        return result

    def _find_table(self, sheet: Sheet, r0: int, c0: int, r1: int, c1: int, whole: bool):
        """The "table" append writes after, as (row0, col0, row1, col1) or None: from a given first cell, the block
        that starts there; for a whole range, the block holding the range's last value."""
        def filled(r, c):
            return not is_empty(sheet.get(r, c))

        if not whole:
            if not filled(r0, c0):
                return None
            last_col = c0
            while last_col + 1 < sheet.col_count and filled(r0, last_col + 1):
                last_col += 1
            last_row = r0
            while last_row + 1 < sheet.row_count and any(filled(last_row + 1, c) for c in range(c0, last_col + 1)):
                last_row += 1
            return r0, c0, last_row + 1, last_col + 1
        last_row = -1
        for r in range(min(r1, len(sheet.rows)) - 1, r0 - 1, -1):
            if any(filled(r, c) for c in range(c0, min(c1, len(sheet.rows[r])))):
                last_row = r
                break
        if last_row < 0:
            return None
        row = sheet.rows[last_row]
        last_col = max(c for c in range(c0, min(c1, len(row))) if filled(last_row, c))
        first_col = last_col
        while first_col - 1 >= c0 and filled(last_row, first_col - 1):
            first_col -= 1
        first_row = last_row
        while first_row - 1 >= r0 and any(filled(first_row - 1, c) for c in range(first_col, last_col + 1)):
            first_row -= 1
        return first_row, first_col, last_row + 1, last_col + 1

    # --- structure --------------------------------------------------------------------------------------------
    def _insert_rows(self, sheet: Sheet, at: int, n: int, inherit_from_before: bool = False) -> None:
        if at < len(sheet.rows):
            template = []
            if inherit_from_before and at > 0:
                template = [entry(None, None, fmt_of(e)) for e in sheet.rows[at - 1]]
            sheet.rows[at:at] = [list(template) for _ in range(n)]
        sheet.row_count += n
        self._shift_ranges(sheet, "ROWS", at, n)

    def _insert_cols(self, sheet: Sheet, at: int, n: int) -> None:
        for row in sheet.rows:
            if at < len(row):
                row[at:at] = [None] * n
        sheet.col_count += n
        self._shift_ranges(sheet, "COLUMNS", at, n)

    def _delete(self, sheet: Sheet, dimension: str, start: int, end: int) -> None:
        if dimension == "ROWS":
            del sheet.rows[start:end]
            sheet.row_count -= end - start
        else:
            for row in sheet.rows:
                del row[start:end]
            sheet.col_count -= end - start
        self._shift_ranges(sheet, dimension, end, -(end - start), removed=(start, end))

    def _shift_ranges(self, sheet: Sheet, dimension: str, at: int, n: int, removed=None) -> None:
        """Protected ranges and conditional formats move with inserted and deleted rows or columns."""
        lo, hi = ("startRowIndex", "endRowIndex") if dimension == "ROWS" else ("startColumnIndex", "endColumnIndex")

        def moved(gr: dict) -> dict:
            gr = dict(gr)
            for key in (lo, hi):
                if key in gr and gr[key] >= at:
                    gr[key] = gr[key] + n
                elif removed and key in gr and removed[0] < gr[key] < removed[1]:
                    gr[key] = removed[0]
            return gr

        sheet.protected_ranges = [dict(p, range=moved(p["range"])) for p in sheet.protected_ranges]
        sheet.conditional_formats = [dict(f, ranges=[moved(r) for r in f["ranges"]]) for f in
                                     sheet.conditional_formats]

    def grid_bounds(self, gr: dict, request: str = "") -> tuple[Sheet, int, int, int, int]:
        sheet = self.by_id(gr.get("sheetId", 0), request)
        r0 = gr.get("startRowIndex", 0)
        r1 = gr.get("endRowIndex", sheet.row_count)
        c0 = gr.get("startColumnIndex", 0)
        c1 = gr.get("endColumnIndex", sheet.col_count)
        if r1 > sheet.row_count or c1 > sheet.col_count or r0 < 0 or c0 < 0 or r0 > r1 or c0 > c1:
            raise bad_request(f"Invalid {request}: GridRange is out of bounds of the sheet "
                              f"{a1.quote_title(sheet.title)} ({sheet.row_count} rows, {sheet.col_count} columns).")
        return sheet, r0, c0, r1, c1

    # --- batchUpdate ------------------------------------------------------------------------------------------
    def batch_update(self, requests: list, caller: str | None) -> list:
        saved = self.checkpoint()
        replies = []
        try:
            for i, request in enumerate(requests):
                if len(request) != 1:
                    raise bad_request(f"Invalid requests[{i}]: exactly one kind of request is allowed")
                (kind, body), = request.items()
                handler = getattr(self, "_req_" + kind, None)
                if handler is None:
                    raise bad_request(f"Invalid requests[{i}]: the fake Sheets API does not implement {kind}")
                try:
                    replies.append(handler(body or {}, caller, f"requests[{i}].{kind}"))
                except ApiError as error:
                    if error.message.startswith("Invalid requests[0]") and i:
                        error.message = error.message.replace("requests[0]", f"requests[{i}]", 1)
                    raise
        except BaseException:
            self.restore(saved)
            raise
        self.version += 1
        return replies

    # --- spreadsheets.get -------------------------------------------------------------------------------------
    def resource(self, ranges: list[str], grid_data: bool) -> dict:
        sheets = []
        wanted: dict[int, list] = {}
        for text in ranges:
            sheet, r0, c0, r1, c1, _ = self.resolve(text)
            wanted.setdefault(sheet.sheet_id, []).append((r0, c0, r1, c1))
        for sheet in self.sheets:
            if ranges and sheet.sheet_id not in wanted:
                continue
            item = {"properties": sheet.properties()}
            if grid_data:
                spans = wanted.get(sheet.sheet_id) or [(0, 0, sheet.row_count, sheet.col_count)]
                item["data"] = [self._grid_data(sheet, *span) for span in spans]
            if sheet.conditional_formats:
                item["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
            if sheet.protected_ranges:
                item["protectedRanges"] = copy.deepcopy(sheet.protected_ranges)
            if sheet.charts:
                item["charts"] = copy.deepcopy(sheet.charts)
            sheets.append(item)
        return {"spreadsheetId": self.key,
                "properties": {"title": self.title, "locale": self.locale, "autoRecalc": "ON_CHANGE",
                               "timeZone": self.time_zone, "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
                               "spreadsheetTheme": copy.deepcopy(THEME)},
                "sheets": sheets,
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.key}/edit"}

    def _grid_data(self, sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> dict:
        data: dict = {}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        row_data = []
        for r in range(r0, min(r1, len(sheet.rows))):
            row = sheet.rows[r]
            row_data.append({"values": [cell_data(row[c]) for c in range(c0, min(c1, len(row)))]})
        if row_data:
            data["rowData"] = row_data
        return data


def check_values(values) -> None:
    """ValueRange.values must be a list of lists (protobuf ListValue); Google names the bad value."""
    bad = values if not isinstance(values, list) else next((v for v in values if not isinstance(v, list)), None)
    if bad is None:
        return
    text = json.dumps(bad)
    message = f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), {text}"
    error = ApiError(400, message)
    error.details = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                      "fieldViolations": [{"field": "data.values", "description": message}]}]
    raise error


def cell_data(e) -> dict:
    """A cell as CellData (userEnteredValue, effectiveValue, formattedValue, formats, note, validation)."""
    out: dict = {}
    value, formula = value_of(e), formula_of(e)
    if formula is not None:
        out["userEnteredValue"] = {"formulaValue": formula}
    elif value is not None:
        out["userEnteredValue"] = _typed(value)
    if value is not None:
        out["effectiveValue"] = _typed(value)
        out["formattedValue"] = render(e, "FORMATTED_VALUE", "SERIAL_NUMBER")
    if isinstance(e, Cell):
        if e.fmt:
            out["userEnteredFormat"] = copy.deepcopy(e.fmt)
        if e.note:
            out["note"] = e.note
        if e.validation:
            out["dataValidation"] = copy.deepcopy(e.validation)
    return out


def _typed(value) -> dict:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": value}


__all__ = ["ApiError", "Spreadsheet", "Sheet", "cell_data", "new_key", "Cell"]

"""spreadsheets.batchUpdate in the fake: one method per request kind (addSheet, updateCells, sortRange, ...).

`Spreadsheet.batch_update` (model.py) applies a batch through these handlers on a checkpoint and rolls the whole
batch back if one request is invalid, as Google does.
"""

from __future__ import annotations

import copy
import random

from . import a1
from .cells import colour, entry, is_empty, number, parts, sort_key, with_parts
from .errors import bad_request


class BatchRequests:
    """The request handlers, mixed into Spreadsheet: `_req_<kind>(body, caller, where)` returns the reply."""

    def _req_addSheet(self, body, caller, where):
        props = body.get("properties", {})
        grid = props.get("gridProperties", {})
        sheet = self.add_sheet(props.get("title"), grid.get("rowCount", 1000), grid.get("columnCount", 26),
                               props.get("sheetId"), props.get("index"))
        sheet.frozen_rows = grid.get("frozenRowCount", 0)
        sheet.frozen_cols = grid.get("frozenColumnCount", 0)
        sheet.hidden = bool(props.get("hidden", False))
        return {"addSheet": {"properties": sheet.properties()}}

    def _req_deleteSheet(self, body, caller, where):
        sheet = self.by_id(body.get("sheetId", 0), where)
        if len(self.sheets) == 1:
            raise bad_request(f"Invalid {where}: You can't remove all the sheets in a document.")
        self.sheets.remove(sheet)
        self._reindex()
        return {}

    def _req_updateSheetProperties(self, body, caller, where):
        props = body.get("properties", {})
        sheet = self.by_id(props.get("sheetId", 0), where)
        for path in _field_paths(body.get("fields", "")):
            value = _dig(props, path)
            if path in (("title",),):
                if any(s is not sheet and s.title.casefold() == str(value).casefold() for s in self.sheets):
                    raise bad_request(f'Invalid {where}: A sheet with the name "{value}" already exists. Please '
                                      "enter another name.")
                sheet.title = value
            elif path == ("index",):
                self.sheets.remove(sheet)
                self.sheets.insert(max(0, min(int(value or 0), len(self.sheets))), sheet)
                self._reindex()
            elif path == ("hidden",):
                if value and all(s.hidden for s in self.sheets if s is not sheet):
                    raise bad_request(f"Invalid {where}: You can't hide all the sheets in a document.")
                sheet.hidden = bool(value)
            elif path[0] == "gridProperties":
                grid = props.get("gridProperties", {})
                keys = [path[1]] if len(path) > 1 else list(grid)
                for key in keys:
                    value = grid.get(key, 0)
                    if key == "rowCount":
                        sheet.row_count = int(value)
                        del sheet.rows[int(value):]
                    elif key == "columnCount":
                        sheet.col_count = int(value)
                        for row in sheet.rows:
                            del row[int(value):]
                    elif key == "frozenRowCount":
                        sheet.frozen_rows = int(value or 0)
                    elif key == "frozenColumnCount":
                        sheet.frozen_cols = int(value or 0)
                    elif key == "hideGridlines":
                        sheet.hide_gridlines = bool(value)
            elif path[0] in ("tabColorStyle", "tabColor"):
                style = props.get("tabColorStyle", {}).get("rgbColor") if path[0] == "tabColorStyle" else \
                    props.get("tabColor")
                sheet.tab_color = colour(style) if style else None
            else:
                raise bad_request(f"Invalid {where}: the fake does not support the field {'.'.join(path)}")
        return {}

    def _req_updateSpreadsheetProperties(self, body, caller, where):
        props = body.get("properties", {})
        for path in _field_paths(body.get("fields", "")):
            key = path[0]
            if key == "title":
                self.title = props.get("title", "")
            elif key == "timeZone":
                self.time_zone = props.get("timeZone", "")
            elif key == "locale":
                self.locale = props.get("locale", "")
            else:
                raise bad_request(f"Invalid {where}: the fake does not support the field {key}")
        return {}

    def _req_appendDimension(self, body, caller, where):
        sheet = self.by_id(body.get("sheetId", 0), where)
        length = int(body.get("length", 0))
        if length <= 0:
            raise bad_request(f"Invalid {where}: length must be positive")
        if body.get("dimension") == "COLUMNS":
            sheet.col_count += length
        else:
            sheet.row_count += length
        return {}

    def _req_insertDimension(self, body, caller, where):
        gr = body.get("range", {})
        sheet = self.by_id(gr.get("sheetId", 0), where)
        start, end = gr.get("startIndex", 0), gr.get("endIndex", 0)
        if end <= start:
            raise bad_request(f"Invalid {where}: endIndex must be greater than startIndex")
        if gr.get("dimension") == "COLUMNS":
            self._insert_cols(sheet, start, end - start)
        else:
            self._insert_rows(sheet, start, end - start, bool(body.get("inheritFromBefore")))
        return {}

    def _req_deleteDimension(self, body, caller, where):
        gr = body.get("range", {})
        sheet = self.by_id(gr.get("sheetId", 0), where)
        start, end = gr.get("startIndex", 0), gr.get("endIndex", 0)
        limit = sheet.row_count if gr.get("dimension") == "ROWS" else sheet.col_count
        if not 0 <= start < end <= limit:
            raise bad_request(f"Invalid {where}: range is out of bounds")
        self._delete(sheet, gr.get("dimension", "ROWS"), start, end)
        return {}

    def _req_sortRange(self, body, caller, where):
        sheet, r0, c0, r1, c1 = self.grid_bounds(body.get("range", {}), where)
        specs = body.get("sortSpecs", [])
        block = [[sheet.get(r, c) for c in range(c0, c1)] for r in range(r0, min(r1, len(sheet.rows)))]
        for spec in reversed(specs):  # stable sorts, last key first
            col = spec.get("dimensionIndex", 0) - c0
            descending = spec.get("sortOrder", "ASCENDING") == "DESCENDING"
            filled = [row for row in block if not is_empty(row[col])]
            blank = [row for row in block if is_empty(row[col])]
            filled.sort(key=lambda row: sort_key(row[col]), reverse=descending)
            block = filled + blank  # blanks stay at the end either way
        for dr, row in enumerate(block):
            for dc, e in enumerate(row):
                sheet.put(r0 + dr, c0 + dc, e)
        return {}

    def _req_repeatCell(self, body, caller, where):
        sheet, r0, c0, r1, c1 = self.grid_bounds(body.get("range", {}), where)
        cell = body.get("cell", {})
        fields = body.get("fields", "")
        for r in range(r0, r1):
            for c in range(c0, c1):
                sheet.put(r, c, _apply_cell_data(sheet.get(r, c), cell, fields))
        return {}

    def _req_updateCells(self, body, caller, where):
        rows = body.get("rows", [])
        fields = body.get("fields", "")
        if "range" in body:
            sheet, r0, c0, r1, c1 = self.grid_bounds(body["range"], where)
            for r in range(r0, r1):
                data_row = rows[r - r0].get("values", []) if r - r0 < len(rows) else []
                if r >= len(sheet.rows) and not data_row:
                    continue
                for c in range(c0, c1):
                    data = data_row[c - c0] if c - c0 < len(data_row) else {}
                    old = sheet.get(r, c)
                    if old is None and not data:
                        continue
                    sheet.put(r, c, _apply_cell_data(old, data, fields))
            return {}
        start = body.get("start", {})
        sheet = self.by_id(start.get("sheetId", 0), where)
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        height = len(rows)
        width = max((len(r.get("values", [])) for r in rows), default=0)
        if r0 + height > sheet.row_count or c0 + width > sheet.col_count:
            raise bad_request(f"Invalid {where}: GridCoordinate is out of bounds of the sheet "
                              f"{a1.quote_title(sheet.title)}")
        for dr, row in enumerate(rows):
            for dc, data in enumerate(row.get("values", [])):
                sheet.put(r0 + dr, c0 + dc, _apply_cell_data(sheet.get(r0 + dr, c0 + dc), data, fields))
        return {}

    def _req_appendCells(self, body, caller, where):
        sheet = self.by_id(body.get("sheetId", 0), where)
        rows = body.get("rows", [])
        fields = body.get("fields", "")
        start = sheet.last_row_with_data() + 1
        width = max((len(r.get("values", [])) for r in rows), default=0)
        if start + len(rows) > sheet.row_count:
            sheet.row_count = start + len(rows)
        if width > sheet.col_count:
            sheet.col_count = width
        for dr, row in enumerate(rows):
            for dc, data in enumerate(row.get("values", [])):
                sheet.put(start + dr, dc, _apply_cell_data(sheet.get(start + dr, dc), data, fields))
        return {}

    def _req_setDataValidation(self, body, caller, where):
        sheet, r0, c0, r1, c1 = self.grid_bounds(body.get("range", {}), where)
        rule = body.get("rule")
        for r in range(r0, r1):
            for c in range(c0, c1):
                old = sheet.get(r, c)
                if old is None and rule is None:
                    continue
                sheet.put(r, c, with_parts(old, validation=copy.deepcopy(rule)))
        return {}

    def _req_addProtectedRange(self, body, caller, where):
        requested = body.get("protectedRange", {})
        gr = requested.get("range", {})
        sheet, *_ = self.grid_bounds(gr, where)
        pr_id = random.randint(1, 2**31 - 1)
        echo_range = {k: v for k, v in gr.items() if k != "sheetId" or v}
        stored = {"protectedRangeId": pr_id, "range": echo_range}
        if requested.get("description"):
            stored["description"] = requested["description"]
        if requested.get("warningOnly"):
            stored["warningOnly"] = True
        stored["requestingUserCanEdit"] = True
        reply = dict(stored, editors={})
        users = set((requested.get("editors") or {}).get("users") or [])
        if caller:
            users.add(caller)  # the requesting user stays an editor, warning-only or not
        stored["editors"] = {"users": sorted(users)} if users else {}
        sheet.protected_ranges.append(stored)
        return {"addProtectedRange": {"protectedRange": reply}}

    def _req_deleteProtectedRange(self, body, caller, where):
        pr_id = body.get("protectedRangeId")
        for sheet in self.sheets:
            for pr in sheet.protected_ranges:
                if pr["protectedRangeId"] == pr_id:
                    sheet.protected_ranges = [p for p in sheet.protected_ranges if p is not pr]
                    return {}
        raise bad_request(f"Invalid {where}: No protected range with id: {pr_id}")

    def _req_addConditionalFormatRule(self, body, caller, where):
        rule = copy.deepcopy(body.get("rule", {}))
        ranges = rule.get("ranges") or []
        if not ranges:
            raise bad_request(f"Invalid {where}: ConditionalFormatRule must have at least one range")
        sheet, *_ = self.grid_bounds(ranges[0], where)
        index = body.get("index", len(sheet.conditional_formats))
        rule["ranges"] = [{k: v for k, v in r.items() if k != "sheetId" or v} for r in ranges]
        boolean = rule.get("booleanRule")
        if boolean and boolean.get("format"):
            boolean["format"] = _format(boolean["format"])
        sheet.conditional_formats.insert(index, rule)
        return {}

    def _req_deleteConditionalFormatRule(self, body, caller, where):
        sheet = self.by_id(body.get("sheetId", 0), where)
        index = body.get("index", 0)
        if not 0 <= index < len(sheet.conditional_formats):
            raise bad_request(f"Invalid {where}: No conditional format on sheet {sheet.sheet_id} at index {index}")
        del sheet.conditional_formats[index]
        return {}

    def _req_addChart(self, body, caller, where):
        chart = copy.deepcopy(body.get("chart", {}))
        anchor = chart.get("position", {}).get("overlayPosition", {}).get("anchorCell", {})
        sheet = self.by_id(anchor.get("sheetId", 0), where)
        chart["chartId"] = chart.get("chartId") or random.randint(1, 2**31 - 1)
        sheet.charts.append(chart)
        return {"addChart": {"chart": chart}}

    def _req_deleteEmbeddedObject(self, body, caller, where):
        object_id = body.get("objectId")
        for sheet in self.sheets:
            for chart in sheet.charts:
                if chart["chartId"] == object_id:
                    sheet.charts = [c for c in sheet.charts if c is not chart]
                    return {}
        raise bad_request(f"Invalid {where}: No embedded object with id: {object_id}")

    def _req_updateDimensionProperties(self, body, caller, where):
        gr = body.get("range", {})
        sheet = self.by_id(gr.get("sheetId", 0), where)
        props = body.get("properties", {})
        for path in _field_paths(body.get("fields", "")):
            for index in range(gr.get("startIndex", 0), gr.get("endIndex", 0)):
                if path == ("pixelSize",) and gr.get("dimension") == "COLUMNS":
                    sheet.column_sizes[index] = props.get("pixelSize")
                elif path == ("hiddenByUser",):
                    target = sheet.row_hidden if gr.get("dimension") == "ROWS" else sheet.col_hidden
                    (target.add if props.get("hiddenByUser") else target.discard)(index)
                elif path != ("pixelSize",):
                    raise bad_request(f"Invalid {where}: the fake does not support the field {'.'.join(path)}")
        return {}


def _field_paths(fields: str) -> list[tuple[str, ...]]:
    """'gridProperties/rowCount,title' or 'userEnteredFormat(backgroundColor,textFormat)' -> paths."""
    from .fields import parse_mask

    def walk(tree, prefix):
        for key, sub in tree.items():
            if sub:
                yield from walk(sub, prefix + (key,))
            else:
                yield prefix + (key,)

    return list(walk(parse_mask(fields), ()))


def _dig(data: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _apply_cell_data(old, data: dict, fields: str):
    """Set the parts of a cell that `fields` names from CellData `data` (a part named but absent is cleared)."""
    p = parts(old)
    for path in _field_paths(fields or "*"):
        head = path[0]
        if head == "*":
            p = parts(None)
            _set_value(p, data.get("userEnteredValue"))
            p["fmt"] = _format(data.get("userEnteredFormat"))
            p["note"] = data.get("note")
            p["validation"] = copy.deepcopy(data.get("dataValidation"))
        elif head == "userEnteredValue":
            _set_value(p, data.get("userEnteredValue"))
        elif head == "userEnteredFormat":
            if len(path) == 1:
                p["fmt"] = _format(data.get("userEnteredFormat"))
            else:
                fmt = copy.deepcopy(p["fmt"]) or {}
                source = data.get("userEnteredFormat") or {}
                key = path[1]
                if key in source:
                    fmt[key] = copy.deepcopy(source[key])
                    if key in ("backgroundColor", "textFormat"):
                        fmt = _format(fmt)
                else:
                    fmt.pop(key, None)
                p["fmt"] = fmt or None
        elif head == "note":
            p["note"] = data.get("note") or None
        elif head == "dataValidation":
            p["validation"] = copy.deepcopy(data.get("dataValidation"))
        else:
            raise bad_request(f"the fake does not support the CellData field {'.'.join(path)}")
    return entry(**p)


def _set_value(p: dict, value: dict | None) -> None:
    p["formula"] = None
    if not value:
        p["value"] = None
    elif "formulaValue" in value:
        from .cells import evaluate

        p["formula"] = value["formulaValue"]
        p["value"] = evaluate(value["formulaValue"])
    elif "stringValue" in value:
        p["value"] = value["stringValue"]
    elif "numberValue" in value:
        p["value"] = number(float(value["numberValue"]))
    elif "boolValue" in value:
        p["value"] = bool(value["boolValue"])
    else:
        p["value"] = None


def _format(fmt: dict | None) -> dict | None:
    """User-entered formats as Google echoes them: colours quantised, with the *Style twins filled in."""
    if not fmt:
        return None
    fmt = copy.deepcopy(fmt)
    if "backgroundColor" in fmt:
        fmt["backgroundColor"] = colour(fmt["backgroundColor"])
        fmt["backgroundColorStyle"] = {"rgbColor": dict(fmt["backgroundColor"])}
    text = fmt.get("textFormat")
    if isinstance(text, dict) and "foregroundColor" in text:
        text["foregroundColor"] = colour(text["foregroundColor"])
        text["foregroundColorStyle"] = {"rgbColor": dict(text["foregroundColor"])}
    return fmt

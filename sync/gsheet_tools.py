"""The sheets the tool owns (Today, Dashboard, CMA) rebuilt on a Google Sheet.

One structural unit (applied whole by spreadsheets:batchUpdate) grows the grid if needed, removes the old charts,
writes the title and header rows over the whole sheet, which clears every other cell, sets number formats by column,
freezes the header, sets widths and draws the charts; the table's values then go as RAW values, compact and never
parsed as formulas.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from leadtracker.store import ChartSpec, ToolSheet

from .gsheet_cells import a1, cell, encoded_size, grid_range, number_format, rgb, to_wire

TOOL_HEADER_FILL = "1F3864"


def tool_sheet_requests(sheet: ToolSheet, sheet_id: int, grid_size: list[int], chart_ids, limit: int):
    """(structural requests, value ranges, new [rows, columns] of the grid) that rebuild `sheet`."""
    columns = [str(c) for c in sheet.frame.columns]
    header_row = 3 if sheet.title else 1  # 1-based, as the other stores lay tool sheets out
    head: list[dict] = []
    if sheet.title:
        head.append({"values": [cell(sheet.title, fmt={"textFormat": {"bold": True, "fontSize": 13}})]})
        head.append({})
    header_fmt = {"backgroundColor": rgb(TOOL_HEADER_FILL),
                  "textFormat": {"bold": True, "foregroundColor": rgb("FFFFFF")}}
    head.append({"values": [cell(name, fmt=header_fmt if name.strip() else None) for name in columns]})
    data = [[to_wire(v) for v in record] for record in sheet.frame.itertuples(index=False)]  # None: left blank
    needed_rows = max(header_row + len(data) + 20, 100)
    needed_cols = max(len(columns), 1)
    for chart in sheet.charts:
        needed_cols = max(needed_cols, anchor(chart.anchor)[1] + 8)
    unit: list[dict] = []
    grow = {}
    if needed_rows > grid_size[0]:
        grow["rowCount"] = needed_rows
    if needed_cols > grid_size[1]:
        grow["columnCount"] = needed_cols
    if grow:
        unit.append({"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": grow},
                                               "fields": ",".join(f"gridProperties.{k}" for k in grow)}})
    for chart_id in chart_ids:
        unit.append({"deleteEmbeddedObject": {"objectId": chart_id}})
    unit.append({"updateCells": {"range": {"sheetId": sheet_id}, "rows": head,
                                 "fields": "userEnteredValue,userEnteredFormat"}})
    for index, name in enumerate(columns):
        nf = number_format(sheet.number_formats.get(name) or date_pattern(sheet.frame[name]))
        if nf and data:
            unit.append({"repeatCell": {
                "range": grid_range(sheet_id, header_row, header_row + len(data), index, index + 1),
                "cell": {"userEnteredFormat": {"numberFormat": nf}}, "fields": "userEnteredFormat.numberFormat"}})
    unit.append({"updateSheetProperties": {
        "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": header_row}},
        "fields": "gridProperties.frozenRowCount"}})
    for index, name in enumerate(columns):
        unit.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": index, "endIndex": index + 1},
            "properties": {"pixelSize": int(sheet.widths.get(name, 12) * 7 + 10)}, "fields": "pixelSize"}})
    for chart in sheet.charts:
        unit.append({"addChart": {"chart": chart_request(sheet_id, chart, columns, header_row, len(sheet.frame))}})
    ranges = row_ranges(sheet.name, header_row, len(columns), data, limit) if data and columns else []
    return unit, ranges, [max(grid_size[0], needed_rows), max(grid_size[1], needed_cols)]


def row_ranges(title: str, first_row0: int, width: int, rows: list[list], limit: int) -> list[dict]:
    """A table's rows as ValueRanges (ROWS), each small enough for one request."""
    out, start = [], 0
    budget = limit - 400
    while start < len(rows):
        end, size = start, 0
        while end < len(rows):
            size += encoded_size(rows[end]) + 1
            if size > budget and end > start:
                break
            end += 1
        out.append({"range": a1(title, first_row0 + start, 0, first_row0 + end, width), "majorDimension": "ROWS",
                    "values": rows[start:end]})
        start = end
    return out


def date_pattern(series: pd.Series) -> str | None:
    """The number format for a column of datetimes without one of its own (dates, or dates with times)."""
    values = [v for v in series.to_numpy(dtype=object) if isinstance(v, (pd.Timestamp, dt.datetime)) and v == v]
    if not values:
        return None
    return "yyyy-mm-dd hh:mm" if any(v.hour or v.minute for v in values) else "yyyy-mm-dd"


def anchor(ref: str) -> tuple[int, int]:
    """'H3' -> (2, 7), 0-based row and column."""
    match = re.match(r"^([A-Z]+)(\d+)$", ref)
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)) - 1, col - 1


def chart_request(sheet_id: int, spec: ChartSpec, columns: list[str], header_row: int, rows: int) -> dict:
    """A ChartSpec as a native Sheets chart over the table's rows first_row..last_row (the header names the series
    when the chart starts at the first row)."""
    value_col = columns.index(spec.value_column)
    category_col = columns.index(spec.category_column)
    end = header_row + (spec.last_row if spec.last_row is not None else rows)  # 0-based, exclusive
    start = header_row - 1 if spec.first_row == 0 else header_row + spec.first_row

    def source(col: int) -> dict:
        return {"sourceRange": {"sources": [grid_range(sheet_id, start, end, col, col + 1)]}}

    anchor_row, anchor_col = anchor(spec.anchor)
    axes = [{"position": "BOTTOM_AXIS", "title": spec.x_title}, {"position": "LEFT_AXIS", "title": spec.y_title}]
    return {
        "spec": {"title": spec.title, "basicChart": {
            "chartType": "COLUMN" if spec.kind == "bar" else "LINE", "legendPosition": "NO_LEGEND",
            "axis": [a for a in axes if a["title"]], "headerCount": 1 if spec.first_row == 0 else 0,
            "domains": [{"domain": source(category_col)}],
            "series": [{"series": source(value_col), "targetAxis": "LEFT_AXIS"}]}},
        "position": {"overlayPosition": {"anchorCell": {"sheetId": sheet_id, "rowIndex": anchor_row,
                                                        "columnIndex": anchor_col},
                                         "widthPixels": 600, "heightPixels": 280}},
    }

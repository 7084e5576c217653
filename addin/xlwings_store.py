"""XlwingsStore: the Store over a workbook open in Excel, through xlwings (the ribbon's store).

It uses only the part of the `xw.Book` API that classic xlwings, xlwings Server and xlwings Lite share, listed in
XLWINGS_API and pinned by tests/test_xlwings_store.py: sheet access, used-range values, range values and number
formats, adding and clearing sheets. So the same store would serve a Server or Lite front end unchanged.

How it writes:
- Nothing reaches Excel before `commit`: cells are collected, then written as few rectangular blocks as possible,
  one call each (the computed columns of a refresh go in one call per contiguous run of columns; never cell by
  cell). A failure while computing therefore leaves the workbook as it was.
- Text that Excel would turn into something else when set through `.value` (a formula: "=...", "+...", "-...",
  "@..."; a number, date, time, percentage or TRUE/FALSE typed as text; a leading apostrophe) is written with
  Excel's text prefix, an apostrophe, so it stays the text it was, never a formula.
- Whole-number floats read back as ints (Excel stores every number as a float), as XlsxStore reads them, so a
  refresh computes the same values through either store.
- Nothing is saved: the changes are in the open workbook, and the agent saves it as usual.

What the shared API cannot do is left out, not faked: column widths, frozen panes, header colours and the
Dashboard's charts are not drawn by this store (the tables themselves are complete).
"""

from __future__ import annotations

import datetime as dt
import re

from leadtracker.errors import WorkbookError
from leadtracker.schema import Kind
from leadtracker.store import GridStore, ToolSheet, grid_get, grid_put, safe_cell_value

# The xlwings calls this store makes, by the class of the object they are made on. tests/test_xlwings_store.py
# checks that the double implements exactly these, that xlwings' classic classes have them, and that xlwings'
# remote engine (Server, Lite) implements what they rest on.
XLWINGS_API = {
    "Book": ("name", "sheets"),
    "Sheets": ("__iter__", "__getitem__", "add"),
    "Sheet": ("name", "used_range", "range", "clear_contents"),
    "Range": ("row", "column", "options", "value", "value=", "number_format="),
}

_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
           "september|october|november|december")
_NUMBER_WORD = re.compile(r"^[-+(]?[$€£]?[-+]?(\d[\d,]*\.?\d*|\.\d+)(e[-+]?\d+)?%?\)?$", re.I)
_DATE_WORD = re.compile(rf"^(\d+|{_MONTHS}|am|pm|a|p)$", re.I)


def excel_would_convert(text: str) -> bool:
    """True when Excel, given this text as a cell's value, would store something other than the text itself."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped[0] in "=+-@" or text[0] == "'":
        return True
    if stripped.upper() in ("TRUE", "FALSE") or stripped.startswith("#"):
        return True
    if _NUMBER_WORD.match(stripped.replace(" ", "")):
        return True
    if not any(ch.isdigit() for ch in stripped):
        return False
    words = [w for w in re.split(r"[\s,/\-:.]+", stripped) if w]
    return bool(words) and all(_DATE_WORD.match(w) for w in words)  # 3/15/2026, Mar 15, 5:30 PM, 15-Mar


def to_excel(value: object) -> object:
    """A value as it should be handed to xlwings so that Excel stores exactly it."""
    value = safe_cell_value(value)
    if isinstance(value, str) and excel_would_convert(value):
        return "'" + value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def from_excel(value: object) -> object:
    """A value as xlwings returned it, in the shapes the XlsxStore reads: whole floats as ints, "" as blank."""
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if value == "":
        return None
    return value


def rectangles(cells: dict[tuple[int, int], object]) -> list[tuple[int, int, int, int]]:
    """Cover the cells with rectangles (first row, first col, last row, last col) that hold only these cells:
    runs of consecutive rows per column, then neighbouring columns with the same run merged into one block."""
    by_column: dict[int, list[int]] = {}
    for row, col in cells:
        by_column.setdefault(col, []).append(row)
    runs: dict[tuple[int, int], list[int]] = {}
    for col, rows in by_column.items():
        rows.sort()
        start = previous = rows[0]
        for row in rows[1:] + [None]:
            if row is not None and row == previous + 1:
                previous = row
                continue
            runs.setdefault((start, previous), []).append(col)
            if row is not None:
                start = previous = row
    blocks = []
    for (first_row, last_row), columns in runs.items():
        columns.sort()
        start = previous = columns[0]
        for col in columns[1:] + [None]:
            if col is not None and col == previous + 1:
                previous = col
                continue
            blocks.append((first_row, start, last_row, previous))
            if col is not None:
                start = previous = col
    return sorted(blocks)


class XlwingsStore(GridStore):
    """A workbook open in Excel (`xw.Book.caller()`), read once per sheet and written in blocks at commit."""

    def __init__(self, book) -> None:
        super().__init__()
        self.book = book
        self.label = book.name
        self._names = [sheet.name for sheet in book.sheets]
        self._grids: dict[str, list[list[object]]] = {}
        self._pending: dict[str, dict[tuple[int, int], object]] = {}
        self._formats: dict[str, dict[tuple[int, int], str]] = {}
        self._new_columns: set[tuple[str, int]] = set()
        self._created: list[str] = []
        self._replaced: dict[str, ToolSheet] = {}
        self.write_calls = 0  # calls that set values (one per block): reported by benchmarks and tests

    # --- primitives -------------------------------------------------------------------------------
    def _sheet_key(self, sheet: str) -> str | None:
        for name in self._names:
            if name.casefold() == sheet.casefold():
                return name
        return None

    def _rows(self, sheet: str) -> list[list[object]]:
        if sheet not in self._grids:
            self._grids[sheet] = self._read_sheet(sheet)
        return self._grids[sheet]

    def _read_sheet(self, sheet: str) -> list[list[object]]:
        """The sheet's values from A1 to the end of its used range, in one call."""
        used = self.book.sheets[sheet].used_range
        values = used.options(ndim=2, err_to_str=True).value
        top, left = used.row, used.column
        rows: list[list[object]] = [[] for _ in range(top - 1)]
        for line in values:
            rows.append([None] * (left - 1) + [from_excel(v) for v in line])
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        return rows

    def _get(self, sheet: str, row: int, col: int) -> object:
        return grid_get(self._rows(sheet), row, col)

    def _write_cell(self, sheet: str, row: int, col: int, value: object, number_format: str | None = None,
                    header_kind: Kind | None = None) -> None:
        grid_put(self._rows(sheet), row, col, value)
        self._pending.setdefault(sheet, {})[(row, col)] = value
        if header_kind is not None:
            self._new_columns.add((sheet, col))  # a column the store adds starts unformatted: it may format it
        elif number_format and value is not None and (sheet, col) in self._new_columns:
            self._formats.setdefault(sheet, {})[(row, col)] = number_format

    def _create_sheet(self, sheet: str) -> str:
        self._names.append(sheet)
        self._created.append(sheet)
        self._grids[sheet] = []
        return sheet

    def replace_sheet(self, sheet: ToolSheet) -> None:
        name = self._sheet_key(sheet.name)
        if name is None:
            name = self._create_sheet(sheet.name)
        self._generations[name] = self._generations.get(name, 0) + 1
        self._replaced[name] = sheet
        self._pending.pop(name, None)
        self._formats.pop(name, None)
        self._grids[name] = [list(r) for r in tool_sheet_grid(sheet)]

    # --- commit -----------------------------------------------------------------------------------
    def commit(self) -> str:
        """Write into the open workbook: the leads' cells first, the tool sheets (Today, Dashboard) last. Excel
        takes each block as it comes, so if it stops part-way the message says the workbook is partly updated."""
        try:
            self._write_all()
        except Exception as error:  # noqa: BLE001 - COM errors come in many types; one message says what to do
            self._pending, self._formats, self._created, self._replaced = {}, {}, [], {}
            raise WorkbookError(
                f"Excel stopped taking changes part-way ({type(error).__name__}: {error}), so {self.label} is only "
                "partly updated. Close it without saving and run Refresh again, or just run Refresh again.") \
                from error
        changed = len(self._pending) + len(self._replaced)
        self._pending, self._formats, self._created, self._replaced = {}, {}, [], {}
        if not changed:
            return f"Nothing in {self.label} needed changing."
        return f"Updated {self.label} in Excel. Save the workbook to keep the changes."

    def _write_all(self) -> None:
        sheets = self.book.sheets
        for name in self._created:
            existing = [s for s in sheets]
            sheets.add(name=name, after=existing[-1])
        for name, cells in self._pending.items():
            target = sheets[name]
            for first_row, first_col, last_row, last_col in rectangles(cells):
                block = [[to_excel(cells[(r, c)]) for c in range(first_col, last_col + 1)]
                         for r in range(first_row, last_row + 1)]
                target.range((first_row, first_col), (last_row, last_col)).value = block
                self.write_calls += 1
        for name, formats in self._formats.items():
            target = sheets[name]
            by_format: dict[str, dict[tuple[int, int], object]] = {}
            for cell, number_format in formats.items():
                by_format.setdefault(number_format, {})[cell] = None
            for number_format, cells in by_format.items():
                for first_row, first_col, last_row, last_col in rectangles(cells):
                    target.range((first_row, first_col), (last_row, last_col)).number_format = number_format
        for name, tool in self._replaced.items():
            target = sheets[name]
            target.clear_contents()
            grid = tool_sheet_grid(tool)
            width = max(len(r) for r in grid)
            block = [[to_excel(v) for v in r] + [None] * (width - len(r)) for r in grid]
            target.range((1, 1), (len(block), width)).value = block
            self.write_calls += 1
            first = len(grid) - len(tool.frame) + 1
            for c, column in enumerate(tool.frame.columns, start=1):
                number_format = tool.number_formats.get(column)
                if number_format and len(tool.frame):
                    target.range((first, c), (len(grid), c)).number_format = number_format


def tool_sheet_grid(sheet: ToolSheet) -> list[list[object]]:
    """A tool-owned sheet as rows: an optional title line and a blank row, the header row, then the table."""
    rows: list[list[object]] = []
    if sheet.title:
        rows += [[sheet.title], []]
    rows.append([str(c) for c in sheet.frame.columns])
    rows += [[safe_cell_value(v) for v in r] for r in sheet.frame.itertuples(index=False)]
    return rows

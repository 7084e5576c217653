"""A small double of the xlwings objects the add-in uses, behaving as xlwings over a real Excel workbook does.

It implements exactly XLWINGS_API (addin/xlwings_store.py) plus the ribbon's few App and Book calls
(addin/ribbon.py RIBBON_API); any other attribute raises AttributeError, so a new xlwings call in the add-in fails
the tests until both the pinned list and this double are updated (tests/test_xlwings_store.py checks they agree).

Behaviour copied from xlwings and Excel, because the store has to cope with it:
- `.value` of one cell is a scalar, of one row or column a 1-D list, else a 2-D list; `.options(ndim=2)` always
  gives a 2-D list. Blank cells read as None, every number as a float, dates as datetime; error cells as None, or as
  their text ("#N/A") with `err_to_str=True`.
- Setting `.value` writes a 2-D list from the range's top-left cell. Text is taken as Excel takes typed text:
  "=..." (and "+...", "-..." or "@..." that are not numbers) becomes a formula; text that reads as a number, a date,
  TRUE/FALSE becomes that number, date or boolean; a leading apostrophe makes the rest plain text.
- `used_range` spans from the first to the last non-empty row and column (A1 on an empty sheet).
- Sheet names are matched case-insensitively, as Excel does.
Every call that sets values is recorded in `book.value_writes` (sheet, top-left, shape) for block-count checks.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

FORMULA = "formula"
ERROR = "error"
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$", re.I)
_DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%m/%d/%Y %H:%M")


def excel_parse(value: Any) -> Any:
    """What Excel stores when this value is set through COM (Range.Value), as xlwings hands it over."""
    if value is None or isinstance(value, (bool, float)):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        raise TypeError(f"xlwings cannot write a {type(value).__name__} ({value!r}) to a cell")
    if value == "":
        return None
    if value.startswith("'"):
        return value[1:]
    text = value.strip()
    plain = text.replace(",", "").replace("$", "")
    if _NUMBER.match(plain):
        return float(plain)
    if text.endswith("%") and _NUMBER.match(plain[:-1]):
        return float(plain[:-1]) / 100
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    for form in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, form)
        except ValueError:
            pass
    if text and text[0] in "=+-@":
        return (FORMULA, value)
    return value


class _Strict:
    """Attribute access outside what the class defines is an error, never a silent fallback."""

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"the xlwings double has no {type(self).__name__}.{name}: the add-in used an xlwings "
                             "call outside the pinned subset (addin/xlwings_store.py XLWINGS_API)")


class Range(_Strict):
    def __init__(self, sheet: "Sheet", first: tuple[int, int], last: tuple[int, int], ndim: int | None = None,
                 err_to_str: bool = False) -> None:
        self._sheet, self._first, self._last = sheet, first, last
        self._ndim, self._err_to_str = ndim, err_to_str

    @property
    def row(self) -> int:
        return self._first[0]

    @property
    def column(self) -> int:
        return self._first[1]

    def options(self, ndim: int | None = None, err_to_str: bool = False) -> "Range":
        return Range(self._sheet, self._first, self._last, ndim, err_to_str)

    def _read(self, stored: Any) -> Any:
        if isinstance(stored, tuple):
            if stored[0] == ERROR:
                return stored[1] if self._err_to_str else None
            raise AssertionError(f"a formula {stored[1]!r} was written where the add-in meant text")
        return stored

    @property
    def value(self) -> Any:
        (r1, c1), (r2, c2) = self._first, self._last
        grid = [[self._read(self._sheet._cells.get((r, c))) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if self._ndim == 2:
            return grid
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        if len(grid) == 1:
            return grid[0]
        if len(grid[0]) == 1:
            return [line[0] for line in grid]
        return grid

    @value.setter
    def value(self, data: Any) -> None:
        if not (isinstance(data, list) and data and all(isinstance(line, list) for line in data)):
            data = [[data]]
        width = len(data[0])
        if any(len(line) != width for line in data):
            raise ValueError("xlwings writes rectangular 2-D lists; rows of different lengths were given")
        book = self._sheet._book
        if book.fail_after_writes is not None and len(book.value_writes) >= book.fail_after_writes:
            raise RuntimeError("Call was rejected by callee.")  # what Excel says over COM when it is busy
        (r1, c1), (r2, c2) = self._first, self._last
        if (r2, c2) != (r1, c1) and (r2 - r1 + 1, c2 - c1 + 1) != (len(data), width):
            raise ValueError(f"{len(data)}x{width} values do not fit the range {self._first}:{self._last}")
        for i, line in enumerate(data):
            for j, item in enumerate(line):
                stored = excel_parse(item)
                if stored is None:
                    self._sheet._cells.pop((r1 + i, c1 + j), None)
                else:
                    self._sheet._cells[(r1 + i, c1 + j)] = stored
        self._sheet._book.value_writes.append((self._sheet.name, (r1, c1), (len(data), width)))

    @property
    def number_format(self) -> str:
        raise NotImplementedError("reading number_format is not in the API xlwings Server and Lite share")

    @number_format.setter
    def number_format(self, value: str) -> None:
        (r1, c1), (r2, c2) = self._first, self._last
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self._sheet._formats[(r, c)] = value


class Sheet(_Strict):
    def __init__(self, book: "Book", name: str, rows: list[list[Any]] | None = None) -> None:
        self._book, self._name = book, name
        self._cells: dict[tuple[int, int], Any] = {}
        self._formats: dict[tuple[int, int], str] = {}
        for r, line in enumerate(rows or [], start=1):
            for c, item in enumerate(line, start=1):
                if isinstance(item, tuple) or item is None:
                    if item is not None:
                        self._cells[(r, c)] = item
                    continue
                self._cells[(r, c)] = excel_parse("'" + item if isinstance(item, str) else item)

    @property
    def name(self) -> str:
        return self._name

    @property
    def used_range(self) -> Range:
        if not self._cells:
            return Range(self, (1, 1), (1, 1))
        rows = [r for r, _ in self._cells]
        cols = [c for _, c in self._cells]
        return Range(self, (min(rows), min(cols)), (max(rows), max(cols)))

    def range(self, first: tuple[int, int], last: tuple[int, int] | None = None) -> Range:
        return Range(self, first, last or first)

    def clear_contents(self) -> None:
        self._cells.clear()

    # for tests: the sheet as a user would see its values
    def table(self) -> list[list[Any]]:
        if not self._cells:
            return []
        last_row = max(r for r, _ in self._cells)
        last_col = max(c for _, c in self._cells)
        return [[self._cells.get((r, c)) for c in range(1, last_col + 1)] for r in range(1, last_row + 1)]


class Sheets(_Strict):
    def __init__(self, book: "Book") -> None:
        self._book = book
        self._items: list[Sheet] = []

    def __iter__(self):
        return iter(list(self._items))

    def __getitem__(self, key: str | int) -> Sheet:
        if isinstance(key, int):
            return self._items[key]
        for sheet in self._items:
            if sheet.name.casefold() == key.casefold():
                return sheet
        raise KeyError(key)

    def add(self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        if name is None or any(s.name.casefold() == name.casefold() for s in self._items):
            raise ValueError(f"Excel cannot add a sheet named {name!r}")
        sheet = Sheet(self._book, name)
        index = self._items.index(after) + 1 if after is not None else (
            self._items.index(before) if before is not None else 0)
        self._items.insert(index, sheet)
        return sheet


class App(_Strict):
    """The ribbon's view of Excel: a status bar and message boxes (recorded for the tests)."""

    def __init__(self) -> None:
        self.alerts: list[dict[str, Any]] = []
        self.status_history: list[Any] = []

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: str | None = None) -> str:
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"

    def _set_status(self, value: Any) -> None:
        self.status_history.append(value)

    status_bar = property(None, _set_status)  # the ribbon only sets it


class Book(_Strict):
    def __init__(self, sheets: dict[str, list[list[Any]]], name: str = "Leads.xlsx",
                 fullname: str | None = None) -> None:
        self._name = name
        self._fullname = fullname or name
        self.value_writes: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
        self.fail_after_writes: int | None = None  # Excel refuses every value write after this many
        self._sheets = Sheets(self)
        for sheet_name, rows in sheets.items():
            self._sheets._items.append(Sheet(self, sheet_name, rows))
        self._app = App()

    @property
    def name(self) -> str:
        return self._name

    @property
    def fullname(self) -> str:
        return self._fullname

    @property
    def sheets(self) -> Sheets:
        return self._sheets

    @property
    def app(self) -> App:
        return self._app


TEST_HELPERS = {"table", "value_writes", "fail_after_writes", "alerts", "status_history"}


def surface() -> dict[str, set[str]]:
    """The public surface of this double by class, in the notation of XLWINGS_API: "name" to read, "name=" to set,
    "__iter__"/"__getitem__" for iteration and indexing. tests/test_xlwings_store.py compares it with the pins."""
    found = {}
    for cls in (Book, Sheets, Sheet, Range, App):
        names = set()
        for name, member in vars(cls).items():
            if name in TEST_HELPERS or (name.startswith("_") and name not in ("__iter__", "__getitem__")):
                continue
            if isinstance(member, property):
                if member.fget is not None and name != "number_format":  # number_format: the double refuses reads
                    names.add(name)
                if member.fset is not None:
                    names.add(name + "=")
            else:
                names.add(name)
        found[cls.__name__] = names
    return found

"""The Store protocol, what a refresh asks a store to change, and MemoryStore.

A store is a workbook seen as named sheets of rows. The core never touches a spreadsheet library; it reads
`SheetData` and returns `Changes`, and `apply_changes` hands those to any store through five calls:

    read          a sheet as a table (header row found by known column names)
    fill_cells    set single cells (a blank Lead ID, a consumed quick-log cell) only if they still hold what was read
    update_cells  set input cells of rows found by Lead ID (an import filling blanks), only if they still hold what
                  was read
    write_computed  computed columns by Lead ID (the k-th row with an id gets the k-th value for it)
    append_rows   rows at the end of a sheet, skipping ids already present (idempotent)
    replace_sheet a tool-owned sheet, rebuilt whole
    commit        make it all durable at once

`GridStore` implements the protocol over five cell-level primitives, so MemoryStore and XlsxStore share one
implementation of matching and ownership; every store must pass tests/test_store_contract.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Protocol, Sequence

import pandas as pd

from .errors import SheetError
from .schema import LEAD_COLUMN_BY_NAME, Column, Kind, map_headers
from .values import looks_like_formula, nones

HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class SheetData:
    """A sheet as read: the raw header row and the non-blank data rows, indexed by sheet row number (1-based)."""

    name: str
    headers: tuple[object, ...]
    rows: pd.DataFrame  # columns 0..n-1 by position, object values as the cells hold them
    header_row: int

    def canonical(self, columns: tuple[Column, ...]) -> pd.DataFrame:
        """The rows with canonical column names for every column found (missing ones are all None)."""
        header_map = map_headers(list(self.headers), columns)
        frame = pd.DataFrame(index=self.rows.index)
        for column in columns:
            position = header_map.positions.get(column.name)
            if position is not None and position in self.rows.columns:
                frame[column.name] = self.rows[position]
            else:
                frame[column.name] = nones(self.rows.index)
        return frame

    def header_map(self, columns: tuple[Column, ...]):
        return map_headers(list(self.headers), columns)


@dataclass(frozen=True)
class CellFill:
    """Set one cell of a data row, only if it still holds `expected` (it may have been edited since it was read)."""

    row: int
    column: str  # canonical column name
    expected: object
    value: object


@dataclass(frozen=True)
class CellUpdate:
    """Set one cell of the row whose key column (Lead ID) holds `key`, only if it still holds `expected`.

    Rows are found by key, not position, so a teammate's sort between read and write cannot misplace a value; a key
    on no row or on several rows is skipped (which row was meant is unknown)."""

    key: str
    column: str  # canonical column name; a column the sheet lacks is added at the right end
    expected: object
    value: object


@dataclass(frozen=True)
class ChartSpec:
    """A native chart on a tool-owned sheet, drawn from columns of its table."""

    kind: str  # "bar" or "line"
    title: str
    category_column: str
    value_column: str
    anchor: str  # top-left cell, e.g. "H2"
    first_row: int = 0  # rows of the table the chart covers (0-based, end exclusive); None for all
    last_row: int | None = None
    y_title: str = ""
    x_title: str = ""


@dataclass(frozen=True)
class ToolSheet:
    """A sheet the tool owns and rebuilds whole: a table, its number formats and widths, and its charts."""

    name: str
    frame: pd.DataFrame
    number_formats: dict[str, str] = field(default_factory=dict)
    widths: dict[str, float] = field(default_factory=dict)
    charts: tuple[ChartSpec, ...] = ()
    title: str = ""  # a line above the table (row 1); the table then starts on row 3


@dataclass(frozen=True)
class Changes:
    """Everything one refresh changes, as data. `apply_changes` carries it out on a store."""

    leads_sheet: str
    computed: pd.DataFrame  # "Lead ID" plus computed columns, one row per lead row, in sheet order
    computed_columns: tuple[Column, ...]
    fills: tuple[CellFill, ...]  # new Lead IDs first, then consumed quick-log cells (value None)
    activity_rows: pd.DataFrame  # canonical Activity columns
    activity_columns: tuple[Column, ...]
    tool_sheets: tuple[ToolSheet, ...]
    messages: tuple[str, ...] = ()


class Store(Protocol):
    """A workbook: its sheets read as tables and written only where the tool owns the cells."""

    label: str

    def read(self, sheet: str, columns: tuple[Column, ...]) -> SheetData | None: ...

    def fill_cells(self, sheet: str, columns: tuple[Column, ...], fills: Sequence[CellFill]) -> int: ...

    def write_computed(self, sheet: str, columns: tuple[Column, ...], key: str, frame: pd.DataFrame) -> int: ...

    def update_cells(self, sheet: str, columns: tuple[Column, ...], key: str,
                     updates: Sequence[CellUpdate]) -> int: ...

    def append_rows(self, sheet: str, columns: tuple[Column, ...], frame: pd.DataFrame, unique: str | None) -> int: ...

    def replace_sheet(self, sheet: ToolSheet) -> None: ...

    def commit(self) -> str: ...


def apply_changes(store: Store, changes: Changes, all_columns: tuple[Column, ...]) -> str:
    """Carry out a refresh's changes on a store and commit them; returns what the commit reports."""
    store.fill_cells(changes.leads_sheet, all_columns, changes.fills)
    store.write_computed(changes.leads_sheet, changes.computed_columns, "Lead ID", changes.computed)
    if len(changes.activity_rows):
        store.append_rows("Activity", changes.activity_columns, changes.activity_rows, "Activity ID")
    for sheet in changes.tool_sheets:
        store.replace_sheet(sheet)
    return store.commit()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or (
        isinstance(value, float) and value != value)


def same_value(a: object, b: object) -> bool:
    if is_blank(a) and is_blank(b):
        return True
    return a == b


def find_header_row(rows: Sequence[Sequence[object]], columns: tuple[Column, ...]) -> int | None:
    """The 0-based index of the first of the top rows that names at least one known column (most matches wins)."""
    best, best_count = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = len(map_headers(list(row), columns).positions)
        if count > best_count:
            best, best_count = index, count
    return best


def key_text(value: object) -> str | None:
    """Lead IDs compare as trimmed text, so 1001 and "1001" are the same lead."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


COMPACT_MIN_ROWS = 5_000


def compact_text(values) -> list[object]:
    """The column's text as fresh string objects, allocated one after another.

    A workbook is read row by row, so one column's strings lie scattered among every other cell's objects; the
    refresh then walks each column many times. Copying a long column's strings once, in column order, makes those
    walks about twice as fast (measured in benchmarks/refresh.py at 100,000 leads).
    """
    return [v.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass") if type(v) is str else v
            for v in values]


def grid_get(rows: list[list[object]], row: int, col: int) -> object:
    """The value at 1-based (row, col) of a grid of row lists, None beyond its edges."""
    if row - 1 < len(rows) and col - 1 < len(rows[row - 1]):
        return rows[row - 1][col - 1]
    return None


def grid_put(rows: list[list[object]], row: int, col: int, value: object) -> None:
    """Set 1-based (row, col) of a grid of row lists, growing it as needed."""
    while len(rows) < row:
        rows.append([])
    line = rows[row - 1]
    while len(line) < col:
        line.append(None)
    line[col - 1] = value


def safe_cell_value(value: object) -> object:
    """What the tool writes: NaN/NaT become blank; pandas timestamps become datetimes."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def key_column(key: str) -> Column:
    """The key column with its aliases ("ID", "Lead #"), so a sheet is found by it before it has computed columns."""
    return LEAD_COLUMN_BY_NAME.get(key) or Column(key)


class GridStore(ABC):
    """The Store protocol over cell primitives; subclasses say how cells are read and written."""

    label = "workbook"

    def __init__(self) -> None:
        self._generations: dict[str, int] = {}
        self._read_cache: dict[tuple[str, tuple[Column, ...]], tuple[int, SheetData]] = {}

    # --- primitives -------------------------------------------------------------------------------
    @abstractmethod
    def _sheet_key(self, sheet: str) -> str | None:
        """The sheet's name as the workbook spells it (names match case-insensitively), or None."""

    @abstractmethod
    def _rows(self, sheet: str) -> list[tuple[object, ...]]:
        """The sheet's values as rows (1-based row r is item r-1), kept current as cells are written."""

    @abstractmethod
    def _write_cell(self, sheet: str, row: int, col: int, value: object, number_format: str | None = None,
                    header_kind: Kind | None = None) -> None:
        """Write one cell (1-based row and col). Text that looks like a formula is stored as text."""

    @abstractmethod
    def _get(self, sheet: str, row: int, col: int) -> object:
        """The value of one cell as the store holds it now."""

    def _set(self, sheet: str, row: int, col: int, value: object, number_format: str | None = None,
             header_kind: Kind | None = None) -> None:
        self._generations[sheet] = self._generations.get(sheet, 0) + 1  # cached reads of the sheet are stale
        self._write_cell(sheet, row, col, value, number_format, header_kind)

    @abstractmethod
    def _create_sheet(self, sheet: str) -> str:
        """Add an empty sheet; returns its name."""

    def _extend_table(self, sheet: str, last_col: int, last_row: int | None = None) -> None:
        """Grow an Excel Table on the sheet to cover new columns or rows (no-op where there are no tables)."""

    # --- protocol ---------------------------------------------------------------------------------
    def read(self, sheet: str, columns: tuple[Column, ...]) -> SheetData | None:
        name = self._sheet_key(sheet)
        if name is None:
            return None
        generation = self._generations.get(name, 0)
        cached = self._read_cache.get((name, columns))
        if cached is not None and cached[0] == generation:
            return cached[1]
        data = self._read(name, columns)
        self._read_cache[(name, columns)] = (generation, data)
        return data

    def _layout(self, sheet: str, columns: tuple[Column, ...]) -> tuple[str, int, tuple[object, ...], dict[str, int]]:
        """Where the header row is and where each known column sits, without reading the rows into a table."""
        name = self._sheet_key(sheet)
        rows = self._rows(name) if name is not None else []
        header_index = find_header_row(rows, columns)
        if name is None or header_index is None:
            raise SheetError(f"{self.label}: sheet {sheet!r} has no header row with the columns I need "
                             f"(for example {columns[0].name!r}).")
        headers = tuple(rows[header_index])
        return name, header_index + 1, headers, dict(map_headers(list(headers), columns).positions)

    def _read(self, name: str, columns: tuple[Column, ...]) -> SheetData:
        rows = self._rows(name)
        header_index = find_header_row(rows, columns)
        if header_index is None:
            return SheetData(name, (), pd.DataFrame(), 1 if not rows else len(rows) + 1)
        headers = tuple(rows[header_index])
        width = len(headers)
        data = []
        numbers = []
        for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
            if all(is_blank(v) for v in row):
                continue
            values = list(row[:width]) + [None] * (width - len(row))
            data.append(values)
            numbers.append(offset)
        index = pd.Index(numbers, name="row")
        if len(data) < COMPACT_MIN_ROWS:
            frame = pd.DataFrame(data, index=index, columns=range(width), dtype=object)
        else:
            columns_of_values = zip(*data) if data else [()] * width
            frame = pd.DataFrame({c: pd.Series(compact_text(values), index=index, dtype=object)
                                  for c, values in enumerate(columns_of_values)}, index=index)
        return SheetData(name, headers, frame, header_index + 1)

    def fill_cells(self, sheet: str, columns: tuple[Column, ...], fills: Sequence[CellFill]) -> int:
        if not fills:
            return 0
        name, _, _, positions = self._layout(sheet, columns)
        done = 0
        for fill in fills:
            col = positions.get(fill.column)
            if col is None:
                continue
            if not same_value(self._get(name, fill.row, col + 1), fill.expected):
                continue  # edited since it was read: the agent's value wins
            self._set(name, fill.row, col + 1, fill.value)
            done += 1
        return done

    def write_computed(self, sheet: str, columns: tuple[Column, ...], key: str, frame: pd.DataFrame) -> int:
        name, header_row, headers, positions = self._layout(sheet, (key_column(key),) + columns)
        if key not in positions:
            raise SheetError(f"{self.label}: sheet {name!r} has no {key!r} column.")
        key_col = positions[key]
        last_col = len(headers)
        for column in columns:  # a missing computed column is added at the right end
            if column.name not in positions and column.name in frame.columns:
                last_col += 1
                self._set(name, header_row, last_col, column.name, header_kind=column.kind)
                positions[column.name] = last_col - 1
        if last_col > len(headers):
            self._extend_table(name, last_col)
        # k-th row holding an id receives the k-th computed row for that id
        targets: dict[str, list[int]] = {}
        for row_number, row in enumerate(self._rows(name)[header_row:], start=header_row + 1):
            k = key_text(row[key_col]) if key_col < len(row) else None
            if k is not None:
                targets.setdefault(k, []).append(row_number)
        keys = [key_text(v) for v in frame[key]]
        used: dict[str, int] = {}
        picked, row_numbers = [], []
        for i, k in enumerate(keys):
            if k is None:
                continue
            n = used.get(k, 0)
            rows_for_key = targets.get(k, [])
            if n >= len(rows_for_key):
                continue  # the row is gone (another process deleted it): nothing to write
            used[k] = n + 1
            picked.append(i)
            row_numbers.append(rows_for_key[n])
        self._generations[name] = self._generations.get(name, 0) + 1
        for column in columns:
            if column.name in frame.columns:
                values = [safe_cell_value(v) for v in frame[column.name].to_numpy(dtype=object)[picked]]
                self._write_column(name, positions[column.name] + 1, row_numbers, values, column.number_format)
        return len(picked)

    def update_cells(self, sheet: str, columns: tuple[Column, ...], key: str,
                     updates: Sequence[CellUpdate]) -> int:
        if not updates:
            return 0
        name, header_row, headers, positions = self._layout(sheet, (key_column(key),) + columns)
        if key not in positions:
            raise SheetError(f"{self.label}: sheet {name!r} has no {key!r} column.")
        rows_by_key: dict[str, list[int]] = {}
        for row_number, row in enumerate(self._rows(name)[header_row:], start=header_row + 1):
            k = key_text(row[positions[key]]) if positions[key] < len(row) else None
            if k is not None:
                rows_by_key.setdefault(k, []).append(row_number)
        by_name = {c.name: c for c in columns}
        last_col = len(headers)
        done = 0
        for update in updates:
            rows = rows_by_key.get(key_text(update.key) or "", [])
            column = by_name.get(update.column)
            if len(rows) != 1 or column is None:
                continue
            if update.column not in positions:  # a column the sheet lacks: added at the right end
                if not is_blank(update.expected):
                    continue
                last_col += 1
                self._set(name, header_row, last_col, column.name, header_kind=column.kind)
                positions[column.name] = last_col - 1
                self._extend_table(name, last_col)
            col = positions[update.column] + 1
            if not self._same_as_read(self._get(name, rows[0], col), update.expected):
                continue  # changed since it was read: what is there now wins
            self._set(name, rows[0], col, safe_cell_value(update.value), column.number_format)
            self._updated(name, key, update, column)
            done += 1
        return done

    def _same_as_read(self, current: object, expected: object) -> bool:
        """Whether a cell still holds what was read (a store whose values travel as text compares them so)."""
        return same_value(current, expected)

    def _updated(self, sheet: str, key: str, update: CellUpdate, column: Column) -> None:
        """Hook: a store that writes at commit (a shared Google Sheet) remembers each update to place it then."""

    def _write_column(self, sheet: str, col: int, rows: list[int], values: list[object],
                      number_format: str | None) -> None:
        """Write one column's cells; stores with a faster bulk path override this."""
        for row, value in zip(rows, values):
            self._write_cell(sheet, row, col, value, number_format)

    def append_rows(self, sheet: str, columns: tuple[Column, ...], frame: pd.DataFrame, unique: str | None) -> int:
        name = self._sheet_key(sheet)
        if name is None:
            name = self._create_sheet(sheet)
        data = self.read(name, columns)
        if data is None or not data.headers:
            header_row = 1 if data is None else data.header_row
            for col, column in enumerate(columns, start=1):
                self._set(name, header_row, col, column.name, header_kind=column.kind)
            data = self.read(name, columns)
            assert data is not None
        header_map = data.header_map(columns)
        positions = dict(header_map.positions)
        last_col = len(data.headers)
        for column in columns:
            if column.name not in positions and column.name in frame.columns:
                last_col += 1
                self._set(name, data.header_row, last_col, column.name, header_kind=column.kind)
                positions[column.name] = last_col - 1
        existing: set[str] = set()
        if unique is not None and unique in header_map.positions and len(data.rows):
            existing = {k for k in map(key_text, data.rows[header_map.positions[unique]]) if k}
        next_row = (int(data.rows.index.max()) if len(data.rows) else data.header_row) + 1
        formats = {c.name: c.number_format for c in columns}
        added = 0
        for record in frame.to_dict("records"):
            if unique is not None:
                k = key_text(record.get(unique))
                if k is None or k in existing:
                    continue
                existing.add(k)
            for column_name, value in record.items():
                if column_name in positions:
                    self._set(name, next_row, positions[column_name] + 1, safe_cell_value(value),
                              formats.get(column_name))
            next_row += 1
            added += 1
        if added or last_col > len(data.headers):
            self._extend_table(name, last_col, next_row - 1)
        return added


class MemoryStore(GridStore):
    """A workbook in memory: sheets are lists of rows. Shipped in the package for tests and dry runs."""

    def __init__(self, sheets: dict[str, list[list[object]]] | None = None, label: str = "memory") -> None:
        super().__init__()
        self.sheets: dict[str, list[list[object]]] = {k: [list(r) for r in v] for k, v in (sheets or {}).items()}
        self.tool_sheets: dict[str, ToolSheet] = {}
        self.label = label
        self.commits = 0
        self.text_cells: set[tuple[str, int, int]] = set()  # cells written as text that looks like a formula

    def _sheet_key(self, sheet: str) -> str | None:
        for name in list(self.sheets) + list(self.tool_sheets):
            if name.casefold() == sheet.casefold():
                return name
        return None

    def _rows(self, sheet: str) -> list[tuple[object, ...]]:
        if sheet in self.tool_sheets:
            tool = self.tool_sheets[sheet]
            return [tuple(tool.frame.columns)] + [tuple(r) for r in tool.frame.itertuples(index=False)]
        return [tuple(r) for r in self.sheets[sheet]]

    def _get(self, sheet: str, row: int, col: int) -> object:
        return grid_get(self.sheets[sheet], row, col)

    def _write_cell(self, sheet: str, row: int, col: int, value: object, number_format: str | None = None,
                    header_kind: Kind | None = None) -> None:
        grid_put(self.sheets[sheet], row, col, value)
        if looks_like_formula(value):
            self.text_cells.add((sheet, row, col))

    def _create_sheet(self, sheet: str) -> str:
        self.sheets[sheet] = []
        return sheet

    def replace_sheet(self, sheet: ToolSheet) -> None:
        existing = self._sheet_key(sheet.name)
        self._generations[sheet.name] = self._generations.get(sheet.name, 0) + 1
        if existing is not None:
            self.sheets.pop(existing, None)
            self.tool_sheets.pop(existing, None)
        self.tool_sheets[sheet.name] = sheet

    def commit(self) -> str:
        self.commits += 1
        return f"{self.label}: committed"

    def table(self, sheet: str) -> list[list[object]]:
        """The sheet's rows, for tests."""
        name = self._sheet_key(sheet)
        if name is None:
            raise KeyError(sheet)
        return [list(r) for r in self._rows(name)]

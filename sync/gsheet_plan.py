"""Turn what a command asked the Google Sheets store to change into API requests, against the sheet as it is now.

Teammates edit the sheet while a refresh computes, so nothing is written by the row numbers of the first read.
Just before writing, the store re-reads the key columns (Lead ID, Activity ID), the cells it means to change, and the
top rows (to find the header again). Each change is then placed on the row that holds the same lead *now*:

- a lead is the k-th row holding its Lead ID (as in every store); a row without an ID is found by its owner,
  address and contact cells;
- a cell the tool was going to fill or clear (a new Lead ID, a consumed quick-log cell) is changed only if it still
  holds what was read; a quick-log entry edited meanwhile is left for the next run, with its Activity row;
- computed cells are compared with what the row holds now and only differing cells are written, as RAW values in
  values:batchUpdate requests under 2 MB each;
- Activity rows whose id the sheet already holds are skipped, so a retried write never duplicates one.

Everything except computed values (new sheets and columns, ids, cleared quick-log cells, Activity rows, Today and
Dashboard) goes in spreadsheets:batchUpdate requests, which Google applies all together or not at all: an Activity
row and the clearing of the quick-log cells it came from land together. Appended cells carry values only; one
repeatCell per date column formats the new rows.

Requests are filled before a new one starts: appended rows that belong to no quick-log cell and value ranges are cut
into pieces of at most PIECE bytes, so a request stops at most one piece short of the 2 MB limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from leadtracker.schema import Column, Kind, map_headers
from leadtracker.store import HEADER_SEARCH_ROWS, ToolSheet, find_header_row, key_column, key_text

from .gsheet_cells import a1, cell, encode, encoded_size, grid_range, number_format, rgb, same, to_wire, value_cell
from .gsheet_tools import date_pattern, tool_sheet_requests

MAX_REQUEST_BYTES = 1_900_000  # Google recommends at most 2 MB per request; leave room for the envelope
PIECE = 64_000  # rows and ranges that may go in any request are cut this fine, so requests fill up before a new one
RUN_GAP = 8  # unchanged cells bridged by nulls inside one written range before a new range is cheaper
FINGERPRINT = ("Owner Name", "Property Address", "City", "ZIP", "Phone", "Email", "Mailing Address")
QUICK_LOG_REF = re.compile(r"^Leads row (\d+)$")
HEADER_FILLS = {Kind.INPUT: "1F3864", Kind.QUICK_LOG: "C6EFCE", Kind.COMPUTED: "D9D9D9"}
HEADER_TEXT = {Kind.INPUT: "FFFFFF", Kind.QUICK_LOG: "006100", Kind.COMPUTED: "404040"}
PROTECTION_NOTE = "Lead Tracker: computed column, rewritten on every refresh"


@dataclass(frozen=True)
class SheetMeta:
    title: str
    sheet_id: int
    rows: int
    cols: int
    charts: tuple[int, ...] = ()


@dataclass(frozen=True)
class FillIntent:
    sheet: str
    row: int  # sheet row when it was read
    column: str
    expected: object
    value: object
    kind: Kind


@dataclass(frozen=True)
class ComputedIntent:
    sheet: str
    columns: tuple[Column, ...]
    key: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class UpdateIntent:
    sheet: str
    key: str  # the key column's name (Lead ID)
    key_value: str
    column: Column
    expected: object
    value: object


@dataclass(frozen=True)
class AppendIntent:
    sheet: str
    columns: tuple[Column, ...]
    frame: pd.DataFrame
    unique: str | None


@dataclass
class Current:
    """A sheet as re-read just before writing: rows with None where a column was not fetched."""

    grid: list[list]
    fetched: set[int] | None  # column indexes read; None = every column

    def value(self, row: int, col: int):
        if row - 1 < len(self.grid):
            line = self.grid[row - 1]
            if col < len(line):
                return line[col]
        return None


class NeedFull(Exception):
    """The re-read missed a column the plan needs (a teammate moved columns): read the whole sheet."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.title = title


@dataclass
class Summary:
    computed_cells: int = 0
    computed_rows: int = 0
    filled: int = 0
    appended: dict[str, int] = field(default_factory=dict)
    tool_sheets: list[str] = field(default_factory=list)
    left_for_next_run: int = 0  # quick-log entries edited while refreshing
    gone: int = 0  # rows deleted while refreshing
    moved_duplicates: int = 0  # leads sharing a Lead ID whose rows moved while refreshing (values left)
    columns_added: list[str] = field(default_factory=list)


@dataclass
class Plan:
    structure: list[dict]  # spreadsheets:batchUpdate parts, in order
    finish: Callable[[], list[list[dict]]]  # values:batchUpdate data, one list per request (worked out on demand)
    summary: Summary

    def values(self) -> list[list[dict]]:
        """The computed values, compared with the re-read: worked out after the structure is sent, so the ids and
        cleared quick-log cells, which go by row number, leave as soon as possible after the re-read."""
        return self.finish()


@dataclass
class Layout:
    header_row: int | None  # 1-based
    headers: list
    positions: dict[str, int]


def layout(grid: list[list], columns: tuple[Column, ...]) -> Layout:
    index = find_header_row(grid[:HEADER_SEARCH_ROWS], columns)
    if index is None:
        return Layout(None, [], {})
    headers = list(grid[index])
    while headers and headers[-1] is None:
        headers.pop()
    return Layout(index + 1, headers, dict(map_headers(headers, columns).positions))


class Planner:
    def __init__(self, meta: dict[str, SheetMeta], read: dict[str, list[list]], current: dict[str, Current],
                 new_sheets: dict[str, int], limit: int = MAX_REQUEST_BYTES) -> None:
        self.meta = meta  # by title, as the sheet is now
        self.read = read  # grids as first read (pristine)
        self.current = current
        self.new_sheets = new_sheets  # title -> sheetId to create
        self.limit = limit
        self.summary = Summary()
        self.structure_requests: list[dict] = []
        self.linked_units: list[list[dict]] = []
        self.other_units: list[list[dict]] = []
        self.tool_units: list[list[dict]] = []
        self.values: dict[tuple[str, int], dict[int, object]] = {}  # (title, col) -> row -> value
        self.stale_rows: set[int] = set()  # Leads rows (as read) whose quick-log entry must wait
        self.logged_rows: set[int] = set()  # Leads rows (as read) whose Activity row an earlier try already added
        self.grid_size: dict[str, list[int]] = {t: [m.rows, m.cols] for t, m in meta.items()}
        self.new_ids: dict[str, dict[str, list[int]]] = {}
        self.added: dict[str, dict[str, int]] = {}  # columns added at the right end, by sheet
        self.present: dict[tuple[str, str | None], set[str]] = {}  # ids on a sheet, plus those queued to append
        self.table_ranges: list[dict] = []  # tool sheets' tables, written as values after their sheet is cleared
        self.width: dict[str, int] = {}
        self.deferred: list[tuple] = []  # computed intents to compare once the structure is sent

    # --- helpers ----------------------------------------------------------------------------------------------
    def sheet_id(self, title: str) -> int:
        if title in self.meta:
            return self.meta[title].sheet_id
        if title not in self.new_sheets:  # deleted by a teammate since it was read: made again
            taken = {m.sheet_id for m in self.meta.values()} | set(self.new_sheets.values())
            sheet_id = max(taken, default=0) + 1
            self.new_sheets[title] = sheet_id
            self.structure_requests.insert(0, {"addSheet": {"properties": {
                "sheetId": sheet_id, "title": title, "gridProperties": {"rowCount": 1000, "columnCount": 26}}}})
            self.grid_size[title] = [1000, 26]
        return self.new_sheets[title]

    def _current(self, title: str) -> Current:
        return self.current.get(title) or Current([], None)

    def _need(self, title: str, cols) -> None:
        fetched = self._current(title).fetched
        if fetched is not None and any(c not in fetched for c in cols):
            raise NeedFull(title)

    def _grow(self, title: str, rows: int = 0, cols: int = 0) -> None:
        size = self.grid_size.setdefault(title, [1000, 26])
        if cols > size[1]:
            self.structure_requests.append({"appendDimension": {"sheetId": self.sheet_id(title),
                                                                "dimension": "COLUMNS", "length": cols - size[1]}})
            size[1] = cols
        if rows > size[0]:
            self.structure_requests.append({"appendDimension": {"sheetId": self.sheet_id(title),
                                                                "dimension": "ROWS", "length": rows - size[0]}})
            size[0] = rows

    # --- the plan ---------------------------------------------------------------------------------------------
    def plan(self, fills: list[FillIntent], computed: list[ComputedIntent], appends: list[AppendIntent],
             tools: list[ToolSheet], fill_columns: dict[str, tuple[Column, ...]],
             updates: list[UpdateIntent] = ()) -> Plan:
        for title, sheet_id in self.new_sheets.items():
            self.structure_requests.append({"addSheet": {"properties": {
                "sheetId": sheet_id, "title": title, "gridProperties": {"rowCount": 1000, "columnCount": 26}}}})
            self.grid_size[title] = [1000, 26]
        self.logged_rows = self._logged_before(appends)
        by_sheet: dict[str, list[FillIntent]] = {}
        for fill in fills:
            by_sheet.setdefault(fill.sheet, []).append(fill)
        sheets = list(dict.fromkeys([f.sheet for f in fills] + [u.sheet for u in updates] +
                                    [c.sheet for c in computed]))
        for title in sheets:
            columns = fill_columns.get(title, ())
            sheet_computed = [c for c in computed if c.sheet == title]
            sheet_updates = [u for u in updates if u.sheet == title]
            extra = [c for i in sheet_computed for c in i.columns] + [u.column for u in sheet_updates] + \
                [key_column(i.key) for i in sheet_computed] + [key_column(u.key) for u in sheet_updates]
            extra += [Column(name) for name in FINGERPRINT]  # rows without an id, or sharing one, are told apart
            for column in extra:
                if column.name not in [c.name for c in columns]:
                    columns = columns + (column,)
            self._plan_rows(title, columns, by_sheet.get(title, []), sheet_computed, sheet_updates)
        for intent in appends:
            self._plan_append(intent)
        for tool in tools:
            self._plan_tool(tool)
        return Plan(self._pack_structure(), self._finish, self.summary)

    def _finish(self) -> list[list[dict]]:
        for args in self.deferred:
            self._plan_computed(*args)
        self.deferred = []
        return self._pack_values()

    def _logged_before(self, appends: list[AppendIntent]) -> set[int]:
        """Leads rows (as read) whose quick-log Activity row is in the sheet now but was not when it was read: an
        earlier try of this commit landed it, and with it (same atomic request) the clearing of its cells."""
        rows: set[int] = set()
        for intent in appends:
            if intent.unique is None or intent.sheet in self.new_sheets or intent.unique not in intent.frame.columns:
                continue
            now_grid = self._current(intent.sheet)
            now = layout(now_grid.grid, intent.columns)
            if intent.unique not in now.positions:
                continue
            col = now.positions[intent.unique]
            self._need(intent.sheet, [col])
            here = {key_text(now_grid.value(r, col)) for r in range(now.header_row + 1, len(now_grid.grid) + 1)}
            read_grid = self.read.get(intent.sheet, [])
            before = layout(read_grid, intent.columns)
            then = {key_text(_get(read_grid, r, before.positions.get(intent.unique)))
                    for r in range((before.header_row or 0) + 1, len(read_grid) + 1)} if before.header_row else set()
            landed = 0
            for record in intent.frame.to_dict("records"):
                k = key_text(record.get(intent.unique))
                if k is None or k not in here or k in then:
                    continue
                landed += 1  # counted as added by this run; the append skips it
                source_row = _quick_log_row(record)
                if source_row is not None:
                    rows.add(source_row)
            if landed:
                self.summary.appended[intent.sheet] = self.summary.appended.get(intent.sheet, 0) + landed
        return rows

    # --- rows keyed by Lead ID --------------------------------------------------------------------------------
    def _plan_rows(self, title: str, columns: tuple[Column, ...], fills: list[FillIntent],
                   computed: list[ComputedIntent], updates: list[UpdateIntent]) -> None:
        read_grid = self.read.get(title, [])
        before = layout(read_grid, columns)
        now_grid = self._current(title)
        now = layout(now_grid.grid, columns)
        if now.header_row is None:
            self._need(title, [0])
            self.summary.gone += len({f.row for f in fills})
            return
        key_name = computed[0].key if computed else updates[0].key if updates else "Lead ID"
        if key_name not in now.positions:
            key_name = None
        self.width[title] = len(now.headers)
        prints = [c for c in FINGERPRINT if c in now.positions and c in before.positions] or \
            [c for c in now.positions if c in before.positions and c != key_name]
        used = {f.column for f in fills} | {c.name for i in computed for c in i.columns if c.name in i.frame.columns}
        used |= {u.column.name for u in updates}
        used |= {key_name} if key_name else set()
        used |= set(prints) if fills else set()
        if any(f.kind is Kind.QUICK_LOG for f in fills):  # each entry is compared whole
            used |= {c.name for c in columns if c.kind is Kind.QUICK_LOG}
        self._need(title, [now.positions[name] for name in used if name in now.positions])
        locate = RowLocator(read_grid, before, now_grid, now, key_name, prints)
        if any(len(rows) > 1 for rows in locate.read_keys.values()):  # shared ids are told apart by these
            self._need(title, [now.positions[name] for name in prints])

        # fills: quick-log cells of a row go (or wait) together
        rows_of: dict[int, list[FillIntent]] = {}
        for fill in fills:
            rows_of.setdefault(fill.row, []).append(fill)
        quick_columns = [c.name for c in columns if c.kind is Kind.QUICK_LOG and c.name in before.positions]
        for row, row_fills in rows_of.items():
            target = locate.row(row)
            if target is None:
                target = self._landed_new_id(row_fills, key_name, locate)
            quick = [f for f in row_fills if f.kind is Kind.QUICK_LOG]
            if quick and row in self.logged_rows:
                row_fills = [f for f in row_fills if f.kind is not Kind.QUICK_LOG]  # logged and cleared already
                quick = []
            # the whole entry (outcome, note, channel) as read, or it waits: a note typed meanwhile is not orphaned
            ok_quick = target is not None and all(
                name in now.positions and same(to_wire(now_grid.value(target, now.positions[name])),
                                               to_wire(_get(read_grid, row, before.positions[name])))
                for name in quick_columns) and all(
                f.column in now.positions and same(to_wire(now_grid.value(target, now.positions[f.column])),
                                                   to_wire(f.expected)) for f in quick)
            if quick and not ok_quick:
                self.stale_rows.add(row)
                if target is None and not locate.moved_duplicate(row):
                    self.summary.gone += 1
                else:
                    self.summary.left_for_next_run += 1
            for fill in row_fills:
                if fill.kind is Kind.QUICK_LOG and not ok_quick:
                    continue
                if target is None or fill.column not in now.positions:
                    continue
                col = now.positions[fill.column]
                if not same(to_wire(now_grid.value(target, col)), to_wire(fill.expected)):
                    continue  # typed over since it was read: the agent's value wins
                request = _set_cell(self.sheet_id(title), target, col, fill.value)
                (self.linked_units if fill.kind is Kind.QUICK_LOG else self.other_units).append([request])
                self.summary.filled += 1
                if fill.column == key_name and key_text(fill.value):
                    self.new_ids.setdefault(title, {}).setdefault(key_text(fill.value), []).append(target)

        # input cells of rows found by Lead ID (an import filling blanks)
        if updates:
            rows_for_key = self._rows_for_key(title, locate)
            for update in updates:
                rows = rows_for_key.get(key_text(update.key_value) or "", [])
                if len(rows) != 1:
                    continue  # gone, or on several rows: which one was meant is unknown
                fresh = update.column.name not in now.positions
                if fresh and not same(to_wire(update.expected), None):
                    continue
                col = self._position(title, now, update.column)
                old = None if fresh else now_grid.value(rows[0], col)
                if not same(to_wire(old), to_wire(update.expected)):
                    continue  # changed since it was read: what is there now wins
                self.other_units.append([_set_cell(self.sheet_id(title), rows[0], col, update.value)])
                self.summary.filled += 1

        # computed values, on the row that holds each lead now: missing columns are added with the structure; the
        # values are compared after it is sent (the slow part, kept out of the gap between re-read and write)
        for intent in computed:
            for column in intent.columns:
                if column.name in intent.frame.columns:
                    self._position(title, now, column)
            self.deferred.append((title, intent, now, now_grid, locate))

    @staticmethod
    def _landed_new_id(fills: list[FillIntent], key_name: str | None, locate: "RowLocator") -> int | None:
        """The row a new Lead ID from an earlier try of this commit landed on (ids are random: one row holds it)."""
        for fill in fills:
            k = key_text(fill.value) if fill.column == key_name else None
            if k is not None and k not in locate.read_keys and len(locate.current_keys.get(k, [])) == 1:
                return locate.current_keys[k][0]
        return None

    def _rows_for_key(self, title: str, locate: "RowLocator") -> dict[str, list[int]]:
        rows_for_key = {k: list(v) for k, v in locate.current_keys.items()}
        for k, rows in self.new_ids.get(title, {}).items():
            rows_for_key.setdefault(k, []).extend(rows)
        return rows_for_key

    def _position(self, title: str, now: "Layout", column: Column) -> int:
        """Where a column is now; a column the sheet lacks is added at the right end (once)."""
        if column.name in now.positions:
            return now.positions[column.name]
        added = self.added.setdefault(title, {})
        if column.name not in added:
            added[column.name] = self.width[title]
            self.width[title] += 1
            self._add_column(title, now.header_row, added[column.name], column)
        return added[column.name]

    def _plan_computed(self, title: str, intent: ComputedIntent, now: Layout, now_grid: Current,
                       locate: "RowLocator") -> None:
        frame = intent.frame
        positions = {c.name: self._position(title, now, c) for c in intent.columns if c.name in frame.columns}
        rows_for_key = self._rows_for_key(title, locate)
        used: dict[str, int] = {}
        picked: list[int] = []
        targets: list[int] = []
        for i, value in enumerate(frame[intent.key].to_numpy(dtype=object)):
            k = key_text(value)
            if k is None:
                continue
            n = used.get(k, 0)
            rows = rows_for_key.get(k, [])
            if n >= len(rows):
                continue  # the lead's row is gone (deleted meanwhile): nothing to write
            if k in locate.unsure:
                if n == 0:
                    self.summary.moved_duplicates += 1
                used[k] = n + 1
                continue  # rows sharing this Lead ID moved: which is which is unknown until the next read
            used[k] = n + 1
            picked.append(i)
            targets.append(rows[n])
        changed_rows: set[int] = set()
        for column in intent.columns:
            if column.name not in frame.columns:
                continue
            col = positions[column.name]
            slot = self.values.setdefault((title, col), {})
            fresh = column.name not in now.positions
            values = frame[column.name].to_numpy(dtype=object)
            for i, row in zip(picked, targets):
                new = to_wire(values[i])
                old = None if fresh else to_wire(now_grid.value(row, col))
                if not same(new, old):
                    slot[row] = new
                    changed_rows.add(row)
        self.summary.computed_cells = sum(len(v) for v in self.values.values())
        self.summary.computed_rows += len(changed_rows)

    def _add_column(self, title: str, header_row: int, col: int, column: Column) -> None:
        sheet_id = self.sheet_id(title)
        self._grow(title, cols=col + 1)
        self.structure_requests.append({"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": header_row - 1, "columnIndex": col},
            "rows": [{"values": [cell(column.name, fmt=_header_format(column.kind))]}],
            "fields": "userEnteredValue,userEnteredFormat"}})
        nf = number_format(column.number_format)
        if nf:
            self.structure_requests.append({"repeatCell": {
                "range": grid_range(sheet_id, header_row, None, col, col + 1),
                "cell": {"userEnteredFormat": {"numberFormat": nf}}, "fields": "userEnteredFormat.numberFormat"}})
        if column.kind is Kind.COMPUTED:
            self.structure_requests.append({"addProtectedRange": {"protectedRange": {
                "range": grid_range(sheet_id, None, None, col, col + 1), "description": PROTECTION_NOTE,
                "warningOnly": True}}})
        self.summary.columns_added.append(column.name)

    # --- appends ------------------------------------------------------------------------------------------------
    def _plan_append(self, intent: AppendIntent) -> None:
        title = intent.sheet
        new = title in self.new_sheets
        now_grid = self._current(title)
        now = layout(now_grid.grid, intent.columns) if not new else Layout(None, [], {})
        sheet_id = self.sheet_id(title)
        if now.header_row is None:
            positions = {c.name: i for i, c in enumerate(intent.columns)}
            header = [cell(c.name, fmt=_header_format(c.kind)) for c in intent.columns]
            header_unit = [{"appendCells": {"sheetId": sheet_id, "rows": [{"values": header}],
                                            "fields": "userEnteredValue,userEnteredFormat"}}]
            self.other_units.append(header_unit)
            existing: set[str] = set()
            landed: dict[tuple, int] = {}
        else:
            self.width.setdefault(title, len(now.headers))
            positions = dict(now.positions)
            for column in intent.columns:
                if column.name not in positions and column.name in intent.frame.columns:
                    positions[column.name] = self._position(title, now, column)
            existing = set()
            landed = _landed_rows(self.read.get(title, []), now_grid.grid, now.header_row) \
                if intent.unique is None else {}
            if intent.unique is not None and intent.unique in now.positions:
                col = now.positions[intent.unique]
                self._need(title, [col])
                existing = self.present.get((title, intent.unique))
                if existing is None:
                    existing = {k for k in (key_text(now_grid.value(r, col)) for r in
                                            range(now.header_row + 1, len(now_grid.grid) + 1)) if k}
        existing = self.present.setdefault((title, intent.unique), existing)
        linked, others = [], []
        width = max(positions.values(), default=-1) + 1
        first_new_row = max(len(now_grid.grid), 1 if now.header_row is None else now.header_row)
        column_formats = [{"repeatCell": {  # one format per column instead of one per appended cell
            "range": grid_range(sheet_id, first_new_row, None, positions[name], positions[name] + 1),
            "cell": {"userEnteredFormat": {"numberFormat": number_format(pattern)}},
            "fields": "userEnteredFormat.numberFormat"}}
            for name, pattern in _append_formats(intent).items() if name in positions and number_format(pattern)]
        for record in intent.frame.to_dict("records"):
            if intent.unique is not None:
                k = key_text(record.get(intent.unique))
                if k is None or k in existing:
                    continue
                existing.add(k)
            source_row = _quick_log_row(record)
            if source_row is not None and source_row in self.stale_rows:
                continue  # its quick-log cells changed since the read: logged on the next run instead
            if now.header_row is not None and intent.unique is None:
                signature = _row_signature({positions[n]: v for n, v in record.items() if n in positions})
                if landed.get(signature, 0) > 0:
                    landed[signature] -= 1  # an earlier try of this commit already added it
                    continue
            values = [{} for _ in range(width)]
            for name, value in record.items():
                if name in positions:
                    values[positions[name]] = value_cell(value)
            while values and not values[-1]:
                values.pop()
            (linked if source_row is not None else others).append({"values": values})
        self.summary.appended[title] = self.summary.appended.get(title, 0) + len(linked) + len(others)
        # rows that clear a quick-log cell go whole with it; other rows in pieces that fill each request
        for group, units, budget in ((linked, self.linked_units, self.limit), (others, self.other_units, PIECE)):
            for chunk in self._chunks(group, budget):
                units.append([{"appendCells": {"sheetId": sheet_id, "rows": chunk, "fields": "userEnteredValue"}}]
                             + column_formats)

    def _chunks(self, rows: list[dict], limit: int) -> list[list[dict]]:
        chunks, current, size = [], [], 0
        budget = min(limit, self.limit) - 1_000
        for row in rows:
            row_size = encoded_size(row) + 1
            if current and size + row_size > budget:
                chunks.append(current)
                current, size = [], 0
            current.append(row)
            size += row_size
        if current:
            chunks.append(current)
        return chunks

    # --- tool-owned sheets --------------------------------------------------------------------------------------
    def _plan_tool(self, sheet: ToolSheet) -> None:
        title = sheet.name
        charts = self.meta[title].charts if title in self.meta else ()
        unit, ranges, size = tool_sheet_requests(sheet, self.sheet_id(title), self.grid_size.get(title, [1000, 26]),
                                                 charts, min(self.limit, PIECE))
        self.grid_size[title] = size
        self.tool_units.append(unit)
        self.table_ranges += ranges
        self.summary.tool_sheets.append(title)

    # --- packing into requests under the size limit --------------------------------------------------------------
    def _pack_structure(self) -> list[dict]:
        parts: list[list[dict]] = []
        current: list[dict] = []
        size = 0
        units = ([self.structure_requests] if self.structure_requests else []) + self.linked_units + \
            self.other_units + self.tool_units
        for unit in units:
            unit_size = encoded_size(unit)
            if current and size + unit_size > self.limit - 100:
                parts.append(current)
                current, size = [], 0
            current.extend(unit)
            size += unit_size
        if current:
            parts.append(current)
        return [_last_of_each_format(part) for part in parts]

    def _pack_values(self) -> list[list[dict]]:
        ranges: list[dict] = list(self.table_ranges)
        for (title, col), cells in sorted(self.values.items()):
            rows = sorted(cells)
            start = 0
            while start < len(rows):
                end = start
                while end + 1 < len(rows) and rows[end + 1] - rows[end] <= RUN_GAP:
                    end += 1
                first, last = rows[start], rows[end]
                column = [_raw(cells[r]) if r in cells else None for r in range(first, last + 1)]
                ranges.extend(self._split_range(title, col, first, column))
                start = end + 1
        requests: list[list[dict]] = []
        current: list[dict] = []
        size = 0
        for item in ranges:
            item_size = encoded_size(item) + 1
            if current and size + item_size > self.limit - 200:
                requests.append(current)
                current, size = [], 0
            current.append(item)
            size += item_size
        if current:
            requests.append(current)
        return requests

    def _split_range(self, title: str, col: int, first: int, column: list) -> list[dict]:
        """One column run as ValueRanges, each small enough to fit in a request."""
        out, start = [], 0
        budget = min(self.limit, PIECE) - 400
        while start < len(column):
            end, size = start, 0
            while end < len(column):
                size += encoded_size(column[end]) + 1
                if size > budget and end > start:
                    break
                end += 1
            out.append({"range": a1(title, first - 1 + start, col, first - 1 + end),
                        "majorDimension": "COLUMNS", "values": [column[start:end]]})
            start = end
        return out


class RowLocator:
    """Where each row of the first read is now: by Lead ID (k-th occurrence), else by its fingerprint cells."""

    def __init__(self, read_grid: list[list], before: Layout, now_grid: Current, now: Layout, key: str | None,
                 prints: list[str]) -> None:
        self.read_grid = read_grid
        self.before = before
        self.key = key
        self.prints = prints
        self.read_keys, self.read_blank = self._index(read_grid, before, lambda r, c: _get(read_grid, r, c))
        self.current_keys, self.current_blank = self._index(now_grid.grid, now, now_grid.value)
        self.unsure = self._moved_duplicates(read_grid, before, now_grid, now)

    def _moved_duplicates(self, read_grid, before: Layout, now_grid: Current, now: Layout) -> set[str]:
        """Lead IDs on more than one row whose rows are not where they were, holding the same owner and address:
        the k-th occurrence may be another lead now (a sort swaps them), so nothing is written to them."""
        unsure = set()
        cols = [(before.positions[p], now.positions[p]) for p in self.prints
                if p in before.positions and p in now.positions]
        for k in set(self.read_keys) | set(self.current_keys):
            then, here = self.read_keys.get(k, []), self.current_keys.get(k, [])
            if len(then) < 2 and len(here) < 2:
                continue
            if then != here or any(not same(to_wire(_get(read_grid, r, b)), to_wire(now_grid.value(r, n)))
                                   for r in then for b, n in cols):
                unsure.add(k)
        return unsure

    def moved_duplicate(self, read_row: int) -> bool:
        key_col = self.before.positions.get(self.key) if self.key else None
        k = key_text(_get(self.read_grid, read_row, key_col)) if key_col is not None else None
        return k is not None and k in self.unsure

    def _index(self, grid, lay: Layout, value):
        keys: dict[str, list[int]] = {}
        blank: dict[tuple, list[int]] = {}
        if lay.header_row is None:
            return keys, blank
        key_col = lay.positions.get(self.key) if self.key else None
        cols = [lay.positions[p] for p in self.prints if p in lay.positions]
        for row in range(lay.header_row + 1, len(grid) + 1):
            k = key_text(value(row, key_col)) if key_col is not None else None
            if k is not None:
                keys.setdefault(k, []).append(row)
                continue
            fp = tuple(_fold(value(row, c)) for c in cols)
            if any(v is not None for v in fp):
                blank.setdefault(fp, []).append(row)
        return keys, blank

    def row(self, read_row: int) -> int | None:
        key_col = self.before.positions.get(self.key) if self.key else None
        k = key_text(_get(self.read_grid, read_row, key_col)) if key_col is not None else None
        if k is not None:
            then, now = self.read_keys.get(k, []), self.current_keys.get(k, [])
        else:
            cols = [self.before.positions[p] for p in self.prints if p in self.before.positions]
            fp = tuple(_fold(_get(self.read_grid, read_row, c)) for c in cols)
            then, now = self.read_blank.get(fp, []), self.current_blank.get(fp, [])
        if read_row not in then or (k is not None and k in self.unsure):
            return None
        n = then.index(read_row)
        return now[n] if n < len(now) else None


def _last_of_each_format(requests: list[dict]) -> list[dict]:
    """Each appended piece carries its sheet's column formats; within one request only the last copy of each is
    needed (it comes after every piece before it), so the earlier copies are dropped."""
    last = {}
    for index, request in enumerate(requests):
        if "repeatCell" in request:
            last[encode(request)] = index
    keep = set(last.values())
    return [r for i, r in enumerate(requests) if "repeatCell" not in r or i in keep]


def _append_formats(intent: AppendIntent) -> dict[str, str]:
    """Number formats of the appended columns: the schema's, else dates (with times if any) for datetime values."""
    out = {}
    for column in intent.columns:
        pattern = column.number_format
        if not pattern and column.name in intent.frame.columns:
            pattern = date_pattern(intent.frame[column.name])
        if pattern:
            out[column.name] = pattern
    return out


def _get(grid: list[list], row: int, col: int | None):
    if col is None or row - 1 >= len(grid):
        return None
    line = grid[row - 1]
    return line[col] if col < len(line) else None


def _row_signature(values: dict[int, object]) -> tuple:
    return tuple(sorted((c, to_wire(v)) for c, v in values.items() if to_wire(v) is not None))


def _landed_rows(read_grid: list[list], now_grid: list[list], header_row: int | None) -> dict[tuple, int]:
    """Rows the sheet holds now more often than when it was read (added by an earlier try of this commit)."""
    if header_row is None:
        return {}

    def counts(grid):
        out: dict[tuple, int] = {}
        for row in grid[header_row:]:
            signature = _row_signature(dict(enumerate(row)))
            if signature:
                out[signature] = out.get(signature, 0) + 1
        return out

    before, after = counts(read_grid), counts(now_grid)
    return {s: n - before.get(s, 0) for s, n in after.items() if n > before.get(s, 0)}


def _fold(value) -> object:
    wire = to_wire(value)
    return " ".join(wire.split()).casefold() if isinstance(wire, str) else wire


def _raw(value):
    """A RAW value: '' clears the cell (null would leave it as it is)."""
    return "" if value is None else value


def _set_cell(sheet_id: int, row: int, col: int, value) -> dict:
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": row - 1, "columnIndex": col},
                            "rows": [{"values": [cell(value)]}], "fields": "userEnteredValue"}}


def _header_format(kind: Kind) -> dict:
    return {"backgroundColor": rgb(HEADER_FILLS[kind]),
            "textFormat": {"bold": True, "italic": kind is Kind.COMPUTED, "foregroundColor": rgb(HEADER_TEXT[kind])}}


def _quick_log_row(record: dict) -> int | None:
    """The Leads row a quick-log Activity row came from (refresh writes its Ref as 'Leads row N')."""
    if record.get("Source") != "quick-log":
        return None
    match = QUICK_LOG_REF.match(str(record.get("Ref") or ""))
    return int(match.group(1)) if match else None


__all__ = ["Planner", "Plan", "SheetMeta", "FillIntent", "ComputedIntent", "AppendIntent", "UpdateIntent",
           "Current", "NeedFull", "Summary", "layout"]

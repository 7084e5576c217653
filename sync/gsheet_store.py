"""GsheetStore: a team's shared Google Sheet as a Store (the same contract as the .xlsx store).

Reading: one metadata request, then one values:batchGet of every input sheet the tracker uses (Leads, Activity,
Settings, Plan, Comps), unformatted, dates as serial numbers. Date columns of the workbook contract come back as
datetimes, like the other stores.

Writing: nothing is sent until `commit`. Changes are kept as what was asked (fill these cells if they still hold
this, write these computed values for these Lead IDs, append these rows unless their ids are there, replace these
tool sheets); `commit` re-reads the key columns and then writes by Lead ID (sync/gsheet_plan.py), so a teammate
sorting, inserting or deleting rows or typing meanwhile cannot make a value land on the wrong lead or lose an edit.
A routine refresh is five requests whatever the row count: metadata, read, re-read, one structural batchUpdate
(ids, Activity rows, cleared quick-log cells, Today, Dashboard), and RAW computed values in requests under 2 MB.
The first refresh of a sheet writes every computed cell, so there the bytes set the count: each request is filled
close to 2 MB before the next one starts.

A failed write is retried up to the policy's cap with backoff; every retry starts again from a fresh re-read, so
what already landed is seen and not written twice (an Activity row is appended only when the sheet shows it is
not there).
"""

from __future__ import annotations

import random
import time
from typing import Callable, Sequence

import pandas as pd

from leadtracker.schema import SHEET_SETTINGS, Column, Kind, ValueType
from leadtracker.store import (HEADER_SEARCH_ROWS, CellFill, CellUpdate, GridStore, SheetData, ToolSheet, grid_get,
                               grid_put, key_text, same_value)

from . import gsheet_plan as planning
from .gsheet_cells import a1, from_read, from_serial, quote, to_wire
from .gsheet_client import GoogleSheetError, RetryableWrite, RetryPolicy, SheetsAPI, StaleLayout

PREFETCH = ("Leads", "Activity", "Settings", "Plan", "Comps")
CONTROL_SETTINGS = ("refresh now",)  # Settings rows that drive the sync, not the computation
METADATA_FIELDS = ("spreadsheetId,properties(title,timeZone),sheets(properties(sheetId,title,index,"
                   "gridProperties(rowCount,columnCount,frozenRowCount)),charts(chartId),"
                   "protectedRanges(protectedRangeId,description,range))")


class GsheetStore(GridStore):
    """A Google Sheet read and written through the Sheets API v4 (see the module docstring)."""

    def __init__(self, key: str, api: SheetsAPI, policy: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None) -> None:
        super().__init__()
        self.key = key
        self.api = api
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.label = f"Google Sheet {key[:8]}…"
        self.title: str | None = None
        self._meta: dict[str, planning.SheetMeta] | None = None
        self._read_grids: dict[str, list[list]] = {}  # as read from Google, never changed
        self._grids: dict[str, list[list]] = {}  # as read plus this session's changes (what reads see)
        self._new_sheets: dict[str, int] = {}
        self._fills: list[planning.FillIntent] = []
        self._fill_columns: dict[str, tuple[Column, ...]] = {}
        self._computed: list[planning.ComputedIntent] = []
        self._updates: list[planning.UpdateIntent] = []
        self._appends: list[planning.AppendIntent] = []
        self._tools: dict[str, ToolSheet] = {}
        self.last_summary: planning.Summary | None = None
        self.read_only = False
        self._requests_mark = api.requests_sent  # the run's reads count too in what commit reports

    # --- metadata and reads -----------------------------------------------------------------------------------
    def metadata(self) -> dict[str, planning.SheetMeta]:
        if self._meta is None:
            answer = self.api.metadata(self.key, METADATA_FIELDS)
            self.title = answer.get("properties", {}).get("title") or self.key
            self.label = f"Google Sheet '{self.title}'"
            self._meta = {}
            for sheet in answer.get("sheets", []):
                props = sheet["properties"]
                grid = props.get("gridProperties", {})
                self._meta[props["title"]] = planning.SheetMeta(
                    props["title"], props.get("sheetId", 0), grid.get("rowCount", 0), grid.get("columnCount", 0),
                    tuple(c["chartId"] for c in sheet.get("charts", []) or []))
        return self._meta

    def _sheet_key(self, sheet: str) -> str | None:
        for name in list(self._grids) + list(self.metadata()):
            if name.casefold() == sheet.casefold():
                return name
        return None

    def _rows(self, sheet: str) -> list[list]:
        if sheet not in self._grids:
            self._load(sheet)
        return self._grids[sheet]

    def _load(self, sheet: str) -> None:
        """Read the sheet, and with the first read every input sheet the tracker uses: one request."""
        titles = [sheet]
        if not self._read_grids:
            for name in self.metadata():
                if name.casefold() in {p.casefold() for p in PREFETCH} and name not in titles:
                    titles.append(name)
        answers = self.api.batch_get(self.key, [quote(t) for t in titles])
        for title, answer in zip(titles, answers):
            grid = [[from_read(v) for v in row] for row in answer.get("values", [])]
            self._read_grids[title] = grid
            self._grids[title] = grid

    def _writable(self, sheet: str) -> list[list]:
        """The session copy of a sheet, separate from the grid as read (copied on the first change)."""
        rows = self._rows(sheet)
        if rows is self._read_grids.get(sheet):
            rows = [list(r) for r in rows]
            self._grids[sheet] = rows
        return rows

    def _get(self, sheet: str, row: int, col: int) -> object:
        return grid_get(self._rows(sheet), row, col)

    def _write_cell(self, sheet: str, row: int, col: int, value: object, number_format: str | None = None,
                    header_kind: Kind | None = None) -> None:
        grid_put(self._writable(sheet), row, col, to_wire(value))

    def _create_sheet(self, sheet: str) -> str:
        taken = {m.sheet_id for m in self.metadata().values()} | set(self._new_sheets.values())
        sheet_id = self.rng.randint(1, 2**31 - 1)
        while sheet_id in taken:
            sheet_id = self.rng.randint(1, 2**31 - 1)
        self._new_sheets[sheet] = sheet_id
        self._read_grids[sheet] = []
        self._grids[sheet] = []
        return sheet

    def _read(self, name: str, columns: tuple[Column, ...]) -> SheetData:
        data = super()._read(name, columns)
        if not data.headers or data.rows.empty:
            return data
        header_map = data.header_map(columns)
        frame = data.rows
        dates = [header_map.positions[c.name] for c in columns
                 if c.type is ValueType.DATE and c.name in header_map.positions]
        control = name.casefold() == SHEET_SETTINGS.casefold() and "Setting" in header_map.positions
        if not dates and not control:
            return data
        frame = frame.copy()
        for position in dates:
            if position in frame.columns:
                frame[position] = pd.Series([_as_date(v) for v in frame[position].to_numpy(dtype=object)],
                                            index=frame.index, dtype=object)
        if control:
            labels = frame[header_map.positions["Setting"]].map(lambda v: str(v).strip().casefold() if v else "")
            frame = frame[~labels.isin(CONTROL_SETTINGS)]
        return SheetData(data.name, data.headers, frame, data.header_row)

    # --- the protocol: remember what was asked, show it to later reads -----------------------------------------
    def fill_cells(self, sheet: str, columns: tuple[Column, ...], fills: Sequence[CellFill]) -> int:
        if not fills:
            return 0
        name, _, _, positions = self._layout(sheet, columns)
        kinds = {c.name: c.kind for c in columns}
        done = 0
        for fill in fills:
            col = positions.get(fill.column)
            if col is None:
                continue
            if not same_value(to_wire(self._get(name, fill.row, col + 1)), to_wire(fill.expected)):
                continue  # edited since it was read: the agent's value wins
            self._set(name, fill.row, col + 1, fill.value)
            self._fills.append(planning.FillIntent(name, fill.row, fill.column, fill.expected, fill.value,
                                                   kinds.get(fill.column, Kind.INPUT)))
            done += 1
        known = self._fill_columns.get(name, ())
        self._fill_columns[name] = known + tuple(c for c in columns if c not in known)
        return done

    def write_computed(self, sheet: str, columns: tuple[Column, ...], key: str, frame: pd.DataFrame) -> int:
        written = super().write_computed(sheet, columns, key, frame)
        name = self._sheet_key(sheet)
        self._computed.append(planning.ComputedIntent(name, columns, key, frame))
        return written

    def _same_as_read(self, current: object, expected: object) -> bool:
        return same_value(to_wire(current), to_wire(expected))

    def _updated(self, sheet: str, key: str, update: CellUpdate, column: Column) -> None:
        """Remembered so commit can find the lead's row again, whoever sorted the sheet meanwhile."""
        self._updates.append(planning.UpdateIntent(sheet, key, update.key, column, update.expected, update.value))

    def append_rows(self, sheet: str, columns: tuple[Column, ...], frame: pd.DataFrame, unique: str | None) -> int:
        before = self._sheet_key(sheet)
        had_headers = before is not None and before not in self._new_sheets and bool(
            self.read(before, columns).headers)
        added = super().append_rows(sheet, columns, frame, unique)
        name = self._sheet_key(sheet)
        if not len(frame) and had_headers:
            return added
        self._appends.append(planning.AppendIntent(name, columns, frame, unique))
        return added

    def replace_sheet(self, sheet: ToolSheet) -> None:
        name = self._sheet_key(sheet.name)
        if name is None:
            name = self._create_sheet(sheet.name)
        self._generations[name] = self._generations.get(name, 0) + 1
        rows: list[list] = []
        if sheet.title:
            rows += [[sheet.title], []]
        rows.append([str(c) for c in sheet.frame.columns])
        rows += [[to_wire(v) for v in record] for record in sheet.frame.itertuples(index=False)]
        self._grids[name] = rows
        self._tools.pop(name, None)
        self._tools[name] = ToolSheet(name, sheet.frame, sheet.number_formats, sheet.widths, sheet.charts,
                                      sheet.title)

    def pending(self) -> bool:
        return bool(self._fills or self._updates or self._computed or self._appends or self._tools or
                    self._new_sheets)

    # --- commit -----------------------------------------------------------------------------------------------
    def commit(self) -> str:
        if self.read_only:
            raise GoogleSheetError(f"{self.label} was opened only to read; nothing was saved.")
        if not self.pending():
            return f"{self.label}: nothing to change."
        failures, waited, relooks = 0, 0.0, 0
        full: set[str] = set()
        while True:
            try:
                plan = self._plan(full)
                self._send(plan)
                break
            except StaleLayout:
                relooks += 1  # a tab was deleted or renamed meanwhile: look at the tabs again and plan again
                if relooks > 2:
                    raise
                self._meta = None
            except RetryableWrite as problem:
                failures += 1
                if failures >= self.policy.attempts:
                    raise GoogleSheetError(
                        f"{self.label} did not take the changes: Google answered {problem.reason} {failures} times "
                        f"in a row (tries are capped at {self.policy.attempts}; waited {waited:.0f} s in all). "
                        "What landed before is in the sheet and nothing was written twice. Run again later.") \
                        from None
                wait = self.policy.delay(failures, problem.retry_after, self.rng)
                waited += wait
                self.sleep(wait)
                self._meta = None  # see what landed (new sheets, grid sizes) before planning again
        summary = plan.summary
        self.last_summary = summary
        self._forget()
        requests = self.api.requests_sent - self._requests_mark  # every request since the last commit, reads too
        self._requests_mark = self.api.requests_sent
        return self._report(summary, requests)

    def _plan(self, full: set[str]) -> planning.Plan:
        for _ in range(3):
            meta = self.metadata()
            for title in list(self._new_sheets):
                if title in meta:  # created by an earlier try that did land
                    del self._new_sheets[title]
            current = self._reread(full)
            planner = planning.Planner(meta, self._read_grids, current, dict(self._new_sheets))
            try:
                return planner.plan(self._fills, self._computed, self._appends, list(self._tools.values()),
                                    self._fill_columns, self._updates)
            except planning.NeedFull as need:
                full.add(need.title)
        raise GoogleSheetError(f"{self.label}: the columns kept moving while saving; nothing was written. Run again.")

    def _reread(self, full: set[str]) -> dict[str, planning.Current]:
        """One values:batchGet of the top rows, the key columns and the cells to be written, as they are now."""
        meta = self.metadata()
        wanted: dict[str, set[int] | None] = {}
        for intent in self._fills + self._updates:
            wanted.setdefault(intent.sheet, set())
        for intent in self._computed:
            wanted.setdefault(intent.sheet, set())
        for intent in self._appends:
            wanted.setdefault(intent.sheet, set())
        ranges: list[tuple[str, str, int]] = []
        current: dict[str, planning.Current] = {}
        for title in wanted:
            if title not in meta:
                continue
            if title in full:
                ranges.append((title, quote(title), 0))
                current[title] = planning.Current([], None)
                continue
            cols = self._needed_columns(title)
            if any(i.sheet == title and i.unique is None and len(i.frame) for i in self._appends):
                full.add(title)
                ranges.append((title, quote(title), 0))
                current[title] = planning.Current([], None)
                continue
            current[title] = planning.Current([], set(cols))
            ranges.append((title, f"{quote(title)}!1:{HEADER_SEARCH_ROWS}", -1))
            for first, last in _spans(sorted(cols)):
                ranges.append((title, a1(title, 0, first, None, last + 1), first))
        if not ranges:
            return current
        answers = self.api.batch_get(self.key, [text for _, text, _ in ranges])
        for (title, _, first), answer in zip(ranges, answers):
            grid = current[title].grid
            values = answer.get("values", [])
            offset = 0 if first < 0 else first
            for r, row in enumerate(values):
                while len(grid) <= r:
                    grid.append([])
                line = grid[r]
                for c, value in enumerate(row):
                    col = offset + c
                    while len(line) <= col:
                        line.append(None)
                    line[col] = from_read(value)
        return current

    def _needed_columns(self, title: str) -> list[int]:
        """Columns of the first read that the plan will look at: keys, cells to fill, computed cells."""
        read = self._read_grids.get(title, [])
        columns: tuple[Column, ...] = self._fill_columns.get(title, ())
        for intent in self._computed:
            if intent.sheet == title:
                columns += intent.columns + (Column(intent.key),)
        for intent in self._appends:
            if intent.sheet == title and intent.unique:
                columns += (Column(intent.unique),)
            if intent.sheet == title and intent.unique is None and len(intent.frame):
                return list(range(max((len(r) for r in read), default=0) + 1))  # whole rows are compared
        updates = [u for u in self._updates if u.sheet == title]
        columns += tuple(u.column for u in updates) + tuple(Column(u.key) for u in updates)
        columns += tuple(Column(name) for name in planning.FINGERPRINT if name not in {c.name for c in columns})
        lay = planning.layout(read, columns)
        names = {f.column for f in self._fills if f.sheet == title}
        names |= {u.column.name for u in updates} | {u.key for u in updates}
        names |= {c.name for i in self._computed if i.sheet == title for c in i.columns} | \
            {i.key for i in self._computed if i.sheet == title}
        names |= {i.unique for i in self._appends if i.sheet == title and i.unique}
        if any(f.sheet == title for f in self._fills):
            names |= set(planning.FINGERPRINT) | {"Lead ID"}
            if any(f.sheet == title and f.kind is Kind.QUICK_LOG for f in self._fills):
                names |= {c.name for c in columns if c.kind is Kind.QUICK_LOG}  # each entry is compared whole
        keys = {i.key for i in self._computed if i.sheet == title} & set(lay.positions)
        if any(_repeats(read, lay, lay.positions[k]) for k in keys):
            names |= set(planning.FINGERPRINT)  # rows sharing a Lead ID are told apart by these
        return sorted({lay.positions[n] for n in names if n in lay.positions})

    def _send(self, plan: planning.Plan) -> None:
        for requests in plan.structure:  # new ids, cleared quick-log cells, Activity rows: right after the re-read
            self.api.batch_update(self.key, requests)
        for data in plan.values():
            self.api.write_values(self.key, data)

    def _forget(self) -> None:
        """After a commit, later reads fetch the sheet again."""
        self._fills, self._updates, self._computed, self._appends, self._tools = [], [], [], [], {}
        self._fill_columns, self._new_sheets = {}, {}
        self._read_grids, self._grids, self._meta = {}, {}, None
        self._read_cache.clear()
        self._generations.clear()

    def _report(self, summary: planning.Summary, requests: int) -> str:
        parts = []
        if summary.computed_cells:
            parts.append(f"{summary.computed_cells:,} computed cell{'s' if summary.computed_cells != 1 else ''} "
                         f"changed on {summary.computed_rows:,} row{'s' if summary.computed_rows != 1 else ''}")
        else:
            parts.append("computed columns already up to date")
        for title, count in summary.appended.items():
            if count:
                parts.append(f"{count:,} row{'s' if count != 1 else ''} added to {title}")
        if summary.tool_sheets:
            names = summary.tool_sheets
            parts.append((", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]) + " rebuilt")
        text = f"Saved to {self.label}: " + ", ".join(parts) + f" ({requests} request{'s' if requests != 1 else ''})."
        if summary.columns_added:
            text += " Added the column" + ("s " if len(summary.columns_added) > 1 else " ") + \
                ", ".join(summary.columns_added) + "."
        if summary.left_for_next_run:
            n = summary.left_for_next_run
            text += (f" {n} quick-log entr{'ies were' if n != 1 else 'y was'} edited by a teammate while this ran; "
                     "left in place for the next refresh.")
        if summary.gone:
            n = summary.gone
            text += f" {n} row{'s were' if n != 1 else ' was'} deleted while this ran; nothing was written there."
        if summary.moved_duplicates:
            n = summary.moved_duplicates
            text += (f" {n} Lead ID{'s' if n != 1 else ''} on more than one row moved while this ran; "
                     f"{'their' if n != 1 else 'its'} computed cells wait for the next refresh (see Data Issues).")
        return text


def _as_date(value: object) -> object:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 2958466:
        return from_serial(value)
    return value


def _repeats(grid: list[list], lay: planning.Layout, col: int) -> bool:
    """Whether a key occurs on more than one row below the header."""
    seen: set[str] = set()
    for line in grid[lay.header_row or 0:]:
        k = key_text(line[col]) if col < len(line) else None
        if k is not None:
            if k in seen:
                return True
            seen.add(k)
    return False


def _spans(cols: list[int], gap: int = 2) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for col in cols:
        if spans and col - spans[-1][1] <= gap + 1:
            spans[-1] = (spans[-1][0], col)
        else:
            spans.append((col, col))
    return spans


def open_gsheet(target: str, read_only: bool = False, credentials=None, sleep=None) -> GsheetStore:
    """The store for a `gsheet:<key or link>` target (credentials and API root from the environment)."""
    from .gsheet_client import connect, parse_target

    key = parse_target(target)
    api = connect(credentials, sleep=sleep)
    store = GsheetStore(key, api, sleep=sleep or time.sleep)
    store.read_only = read_only
    store.metadata()  # fail early, with a clear message, if the sheet is missing or not shared
    return store

"""Commands: a store in, a report out. The CLI, the ribbon and the sheet sync all call these."""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import schema
from .errors import UsageError
from .refresh import Result, Tables, gc_paused, refresh
from .settings import parse_settings
from .store import Store, apply_changes

ALL_LEAD_COLUMNS = schema.LEAD_COLUMNS


@dataclass(frozen=True)
class RefreshReport:
    result: Result
    saved: str
    summary: str
    messages: tuple[str, ...]


def open_store(target: str, read_only: bool = False) -> Store:
    """The store for a command-line target: a path to an .xlsx workbook, or gsheet:<key or link> for a shared
    Google Sheet (credentials from LEADTRACKER_GOOGLE_CREDENTIALS; see sync/gsheet_store.py)."""
    if str(target).startswith("gsheet:"):
        from sync.gsheet_store import open_gsheet

        return open_gsheet(str(target), read_only=read_only)
    from .xlsx_store import XlsxStore

    return XlsxStore(target, read_only=read_only)


def read_tables(store: Store) -> Tables:
    return Tables(
        leads=store.read(schema.SHEET_LEADS, schema.LEAD_COLUMNS),
        activity=store.read(schema.SHEET_ACTIVITY, schema.ACTIVITY_COLUMNS),
        settings=store.read(schema.SHEET_SETTINGS, schema.SETTINGS_COLUMNS),
        plan=store.read(schema.SHEET_PLAN, schema.PLAN_COLUMNS),
        comps=store.read(schema.SHEET_COMPS, schema.COMP_COLUMNS),
    )


def moment(tables: Tables, today: dt.date | dt.datetime | None) -> dt.datetime:
    """--now gives the agent's wall-clock time itself; --today D means that date at 9:00 AM; otherwise the current
    time in the agent's time zone (Settings)."""
    if isinstance(today, dt.datetime):
        return today.replace(tzinfo=None, second=0, microsecond=0)
    if today is not None:
        return dt.datetime.combine(today, dt.time(9, 0))
    settings, _ = parse_settings(tables.settings.canonical(schema.SETTINGS_COLUMNS)
                                 if tables.settings is not None and tables.settings.headers else None)
    return dt.datetime.now(settings.zone).replace(tzinfo=None)


def ensure_input_sheets(store: Store) -> list[str]:
    """A missing input sheet is created with its headers (DESIGN §4)."""
    created = []
    empty = pd.DataFrame()
    for name, columns in ((schema.SHEET_LEADS, schema.LEAD_COLUMNS), (schema.SHEET_ACTIVITY,
                                                                      schema.ACTIVITY_COLUMNS),
                          (schema.SHEET_SETTINGS, schema.SETTINGS_COLUMNS)):
        data = store.read(name, columns)
        if data is None or not data.headers:
            store.append_rows(name, columns, empty.reindex(columns=[c.name for c in columns]), None)
            created.append(name)
    return created


def run_refresh(store: Store, today: dt.date | dt.datetime | None = None, progress=None) -> RefreshReport:
    with gc_paused():
        return _run_refresh(store, today, progress)


def _run_refresh(store: Store, today: dt.date | dt.datetime | None, progress) -> RefreshReport:
    say = progress or (lambda message: None)
    say(f"Reading {store.label}")
    created = ensure_input_sheets(store)
    tables = read_tables(store)
    now = moment(tables, today)
    count = len(tables.leads.rows) if tables.leads is not None else 0
    say(f"Computing {count:,} lead rows")
    result = refresh(tables, now)
    say("Saving")
    saved = apply_changes(store, result.changes, ALL_LEAD_COLUMNS)
    messages = tuple(f"Added the missing {name} sheet." for name in created) + result.changes.messages
    return RefreshReport(result, saved, summarize(result), messages)


def compute_today(store: Store, today: dt.date | dt.datetime | None = None) -> Result:
    """Refresh in memory only: nothing is written."""
    tables = read_tables(store)
    return refresh(tables, moment(tables, today))


def summarize(result: Result) -> str:
    leads = result.leads
    changes = result.changes
    stage = leads["Stage"] if len(leads) else pd.Series(dtype=object)
    today = result.today
    with_issues = int(leads["Data Issues"].notna().sum()) if len(leads) else 0
    parts = [f"Refreshed {len(leads):,} lead{'s' if len(leads) != 1 else ''}",
             f"{int((stage == 'New').sum())} new",
             f"{len(today)} on Today"]
    text = ", ".join(parts) + "."
    rows = changes.activity_rows
    if len(rows):
        source = rows["Source"] if "Source" in rows.columns else pd.Series("", index=rows.index)
        logged = int(source.eq("quick-log").sum())
        records = len(rows) - logged
        if logged:
            text += f" {logged} quick-log entr{'ies' if logged != 1 else 'y'} moved to Activity."
        if records:
            text += (f" {records} contact record{'s' if records != 1 else ''} (Do Not Call checks, opt-outs) "
                     "added to Activity.")
    if with_issues:
        text += (f" {with_issues} row{'s have' if with_issues != 1 else ' has'} data issues "
                 "(see the Data Issues column).")
    return text


def format_today(today: pd.DataFrame, width: int = 120) -> str:
    """Today as a plain-text table for the terminal."""
    if today.empty:
        return "Nothing is due today."
    columns = [("#", "Rank", 3), ("Channel", "Channel", 14), ("Lead", "Lead ID", 10), ("Owner", "Owner Name", 22),
               ("Step", "Step", 7), ("Due", "Due Date", 10), ("Late", "Days Overdue", 4),
               ("Contact", "Contact", 28), ("When", "Allowed", 24), ("Why now", "Why now", 36)]
    lines = ["  ".join(title.ljust(size) for title, _, size in columns).rstrip()]
    lines.append("  ".join("-" * size for _, _, size in columns))
    for _, row in today.iterrows():
        cells = []
        for title, key, size in columns:
            value = row[key]
            if value is None or (isinstance(value, float) and value != value):
                text = ""
            elif isinstance(value, (pd.Timestamp, dt.date)):
                text = f"{value:%Y-%m-%d}"
            elif isinstance(value, float):
                text = f"{value:.0f}"
            else:
                text = " ".join(str(value).split())
            if title in WRAPPED:  # when and why are read whole: they go on over the next lines
                cells.append(textwrap.wrap(text, size) or [""])
            else:
                cells.append([text[: size - 1] + "…" if len(text) > size else text])
        for line in range(max(len(cell) for cell in cells)):
            lines.append("  ".join((cell[line] if line < len(cell) else "").ljust(size)
                                   for cell, (_, _, size) in zip(cells, columns)).rstrip())
    return "\n".join(lines)


WRAPPED = ("When", "Why now")


def stderr_progress(message: str) -> None:
    if sys.stderr.isatty():
        print(f"… {message}", file=sys.stderr, flush=True)


def import_comps(store: Store, path: str | Path):
    """`leadtracker import-comps FILE --into WORKBOOK`: an MLS export onto the Comps sheet (comps_commands.py)."""
    from .comps_commands import import_comps as run_import

    return run_import(store, path)


def value_subjects(subjects: str | Path, comps: str | Path, out: str | Path, as_of: dt.date | None = None):
    """`leadtracker cma SUBJECTS --comps COMPS --out OUT`: low/mid/high per subject to a CSV (comps_commands.py)."""
    from .comps_commands import value_files

    return value_files(subjects, comps, out, as_of)


def run_letters(store: Store, out: str | Path, steps: tuple[str, ...] = (), lead_ids: tuple[str, ...] = (),
                pdf: bool = False, today: dt.date | None = None, progress=None, workbook: str | Path | None = None):
    """`leadtracker letters WORKBOOK --out DIR`: every letter due today, written and logged (documents/command.py)."""
    from .documents.command import run_letters as run

    return run(store, workbook or workbook_path(store), out, steps, lead_ids, pdf, today, progress)


def run_emails(store: Store, out: str | Path, send: bool = False, steps: tuple[str, ...] = (),
               lead_ids: tuple[str, ...] = (), today: dt.date | None = None, progress=None,
               workbook: str | Path | None = None, environ: dict[str, str] | None = None):
    """`leadtracker emails WORKBOOK --out DIR [--send]`: every email due today as a draft, or sent
    (documents/command.py)."""
    from .documents.command import run_emails as run

    return run(store, workbook or workbook_path(store), out, send, steps, lead_ids, today, progress, environ)


def workbook_path(store: Store) -> Path | None:
    """The workbook's file on this computer (an .xlsx store's path, an open Excel book's full name), if it has one."""
    path = getattr(store, "path", None) or getattr(getattr(store, "book", None), "fullname", None)
    if path is None or "://" in str(path) or not Path(str(path)).is_absolute() and not Path(str(path)).exists():
        return None
    return Path(str(path))


def new_workbook(path: Path) -> str:
    from .template import new_workbook as copy_template

    copy_template(path)
    return f"Created {path} from the Lead Tracker template. Add leads on the Leads sheet, then run: " \
           f"leadtracker refresh {path}"

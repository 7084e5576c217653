"""`leadtracker sync-email SOURCE... --into WORKBOOK`: read every source, match, append Activity rows, refresh.

Everything is saved in one commit at the end (the refresh's atomic save): a failure part-way (an IMAP login
refused, a source that is not an email log) changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from leadtracker import schema
from leadtracker.commands import RefreshReport, read_tables, run_refresh
from leadtracker.errors import UsageError
from leadtracker.plan import parse_plan
from leadtracker.settings import Settings, parse_settings
from leadtracker.store import Store, ToolSheet

from . import events as ev
from .events import address_key
from .imap import ImapSettings
from .matching import KnownMessages, LeadIndex
from .own_log import iter_log, own_log_path
from .registry import ReadContext, resolve
from .sync import Counts, Ledger, Problem, Sync

SHEET_EMAIL_SYNC = "Email Sync"
MAX_LISTED = 20_000
PROBLEM_COLUMNS = ["Problem", "Source", "Where", "Time", "Event", "Address", "Subject", "Message-ID", "Detail"]


@dataclass(frozen=True)
class SyncReport:
    counts: Counts
    by_source: dict[str, Counts]
    problems: tuple[Problem, ...]
    refresh: RefreshReport
    notes: tuple[str, ...] = ()  # an earlier outbound log moved into place


def settings_of(store: Store) -> tuple[Settings, object]:
    tables = read_tables(store)
    settings, _ = parse_settings(tables.settings.canonical(schema.SETTINGS_COLUMNS)
                                 if tables.settings is not None and tables.settings.headers else None)
    return settings, tables


def run_sync_email(store: Store, sources: list[str], workbook: str | Path | None = None,
                   since: dt.date | None = None, today: dt.date | None = None,
                   progress: Callable[[str], None] | None = None, environ: dict[str, str] | None = None
                   ) -> SyncReport:
    say = progress or (lambda message: None)
    if not sources:
        raise UsageError("Name at least one email log to sync (a file, a folder, own, or imap:).")
    say(f"Reading {store.label}")
    settings, tables = settings_of(store)
    plan, _ = parse_plan(tables.plan.canonical(schema.PLAN_COLUMNS)
                         if tables.plan is not None and tables.plan.headers else None)
    zone = settings.zone
    leads = LeadIndex.from_sheet(tables.leads)
    known = KnownMessages()
    ledger = Ledger(tables.activity, known, zone)
    moved: list[str] = []  # an earlier version's log for a Google Sheet, moved to where it is kept now
    own_path = own_log_path(workbook, say=moved.append) if workbook is not None else None
    resolved = []
    for source in sources:
        if source.strip().lower() == "own":
            if own_path is None or not own_path.exists():
                where = f"for this Google Sheet ({own_path})" if str(workbook).startswith("gsheet:") else \
                    f"beside the workbook ({own_path.name if own_path else 'none'})"
                raise UsageError(f"There is no outbound log {where} yet; "
                                 "it is written when the tool sends email.")
            source = str(own_path)
        resolved.append((source, *resolve(source)))
    # our own Message-IDs first, so a reply read before the log still finds its lead
    own_logs = {Path(target) for _, reader, target in resolved if reader.name == "own"}
    if own_path is not None and own_path.exists():
        own_logs.add(own_path)
    for path in own_logs:
        for item in iter_log(path):
            if isinstance(item, ev.EmailEvent) and item.kind in (ev.SENT, ev.DRAFT):
                known.add(item.message_id, item.lead_id or "", item.step, item.provider_id)
    imap = ImapSettings.from_table(tables.settings.canonical(schema.SETTINGS_COLUMNS)
                                   if tables.settings is not None and tables.settings.headers else None)
    agent = {a for a in (address_key(settings.agent_email), address_key(imap.imap_user)) if a}
    context = ReadContext(agent_addresses=frozenset(agent), settings=imap, since=since, progress=say,
                          environ=environ)
    sync = Sync(leads, known, ledger, zone, since)
    for source, reader, target in resolved:
        label = f"{reader.name} {Path(target).name}" if reader.name != "imap" else target
        say(f"Reading {label}")
        for item in reader.extract(target, context):
            sync.add(item, label)
    sync.finish(plan)
    if sync.rows:
        say(f"Adding {len(sync.rows):,} Activity rows")
        frame = pd.DataFrame(sync.rows, columns=[c.name for c in schema.ACTIVITY_COLUMNS])
        store.append_rows(schema.SHEET_ACTIVITY, schema.ACTIVITY_COLUMNS, frame, "Activity ID")
    store.replace_sheet(problems_sheet(sync.problems))
    report = run_refresh(store, today, progress)
    return SyncReport(sync.counts, sync.by_source, tuple(sync.problems), report, tuple(moved))


def problems_sheet(problems: list[Problem]) -> ToolSheet:
    listed = problems[:MAX_LISTED]
    frame = pd.DataFrame([[p.kind, p.source, p.where,
                           p.time.replace(tzinfo=None, microsecond=0) if p.time is not None else None,
                           p.event, p.address, p.subject, p.message_id, p.detail] for p in listed],
                         columns=PROBLEM_COLUMNS, dtype=object)
    unmatched = sum(p.kind == "Unmatched" for p in problems)
    rejected = len(problems) - unmatched
    if not problems:
        title = "Last email sync: every event was read and matched to a lead."
    else:
        title = (f"Last email sync: {unmatched:,} event(s) matched no lead (add the address to the lead's Email or "
                 f"Email 2, then sync again) and {rejected:,} line(s) could not be read.")
        if len(problems) > MAX_LISTED:
            title += f" The first {MAX_LISTED:,} are listed."
    return ToolSheet(SHEET_EMAIL_SYNC, frame, number_formats={"Time": "yyyy-mm-dd hh:mm"},
                     widths={"Problem": 11, "Source": 24, "Where": 30, "Time": 17, "Event": 11, "Address": 28,
                             "Subject": 36, "Message-ID": 30, "Detail": 50}, title=title)


def format_report(report: SyncReport, shown: int = 10) -> str:
    c = report.counts
    lines = [*report.notes, f"Read {c.read:,} email event(s).",
             f"  matched    {c.matched:,}  (new Activity rows {c.new:,}, duplicate {c.duplicate:,}, "
             f"not recorded {c.not_recorded:,})",
             f"  new        {c.new:,}",
             f"  duplicate  {c.duplicate:,}",
             f"  unmatched  {c.unmatched:,}",
             f"  rejected   {c.rejected:,}"]
    if c.before_since:
        lines.append(f"  before --since  {c.before_since:,}")
    if c.ignored:
        reasons = ", ".join(f"{reason}: {n:,}" for reason, n in c.ignored_reasons.most_common())
        lines.append(f"  ignored    {c.ignored:,}  ({reasons})")
    if c.not_recorded_kinds:
        kinds = ", ".join(f"{kind.replace('_', ' ')}: {n:,}" for kind, n in c.not_recorded_kinds.most_common())
        lines.append(f"  not recorded: {kinds}")
    if len(report.by_source) > 1:
        for label, counts in report.by_source.items():
            lines.append(f"  {label}: matched {counts.matched:,}, new {counts.new:,}, duplicate "
                         f"{counts.duplicate:,}, unmatched {counts.unmatched:,}, rejected {counts.rejected:,}")
    for kind in ("Rejected", "Unmatched"):
        listed = [p for p in report.problems if p.kind == kind]
        if listed:
            lines.append(f"{kind} (all on the {SHEET_EMAIL_SYNC} sheet):")
            for problem in listed[:shown]:
                what = problem.detail if kind == "Rejected" else \
                    f"{problem.event} {problem.address or ''}".strip()
                lines.append(f"  {problem.where}: {what}")
            if len(listed) > shown:
                lines.append(f"  … and {len(listed) - shown:,} more")
    return "\n".join(lines)

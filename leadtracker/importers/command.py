"""The import command: a vendor file and a store in, a report out. The CLI and the ribbon call `run_import`.

    read the file -> pick the importer -> extract -> normalise (bad rows set aside) -> read Leads and Activity
    -> plan (new leads, cells to fill or update, Activity rows) -> write -> refresh (new leads on top of Today)
    -> commit once
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .. import schema
from ..documents.text import csv_cell
from ..errors import UsageError
from ..refresh import IssueLog, assign_lead_ids
from ..settings import parse_settings
from ..store import Store
from . import choose_importer, importer_named, known_header_count
from .merge import Plan, plan_import
from .normalize import Prepared, prepare
from .reading import RawTable, read_file

REJECTS_SHOWN = 10


@dataclass(frozen=True)
class ImportReport:
    file: Path
    vendor: str
    read_as: str
    added: int
    updated: int
    unchanged: int
    rejected: int
    merged_in_file: int
    skipped_lines: int
    filled_cells: int
    updated_cells: int
    kept_cells: int
    rejects: list[tuple[int, str]]  # (file row, reason), rejected rows and skipped lines, in file order
    rejects_path: Path | None
    saved: str
    dry_run: bool
    refreshed: bool
    messages: list[str] = field(default_factory=list)
    new_lead_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        lines = [f"{verb} {self.file.name} as a {self.vendor} list ({self.read_as})."]
        rows = [("Added", self.added, "new lead", "new leads"),
                ("Updated", self.updated, "lead", "leads"),
                ("Unchanged", self.unchanged, "lead already on the sheet", "leads already on the sheet"),
                ("Rejected", self.rejected, "row", "rows")]
        for label, count, one, many in rows:
            lines.append(f"  {label:<10}{count:>7,}  {one if count == 1 else many}")
        if self.updated:
            lines[-3] += (f" ({self.filled_cells} blank cell{'s' if self.filled_cells != 1 else ''} filled, "
                          f"{self.updated_cells} vendor fact{'s' if self.updated_cells != 1 else ''} updated)")
        if self.added and self.refreshed:
            lines[1] += " (at the top of Today)"
        if self.merged_in_file:
            lines.append(f"  {self.merged_in_file:,} duplicate row{'s' if self.merged_in_file != 1 else ''} of the "
                         "same house merged into one lead")
        if self.skipped_lines:
            lines.append(f"  {self.skipped_lines:,} line{'s' if self.skipped_lines != 1 else ''} skipped that "
                         "are not leads (blank, repeated headers, notes)")
        if self.kept_cells:
            lines.append(f"Kept your value in {self.kept_cells} cell{'s' if self.kept_cells != 1 else ''} where the "
                         "list says something else (noted in Activity).")
        rejected = [(r, why) for r, why in self.rejects if not why.startswith("skipped")]
        if rejected:
            lines.append("Rows not imported:")
            for row, reason in rejected[:REJECTS_SHOWN]:
                lines.append(f"  row {row}: {reason}")
            if len(rejected) > REJECTS_SHOWN:
                lines.append(f"  ... and {len(rejected) - REJECTS_SHOWN} more")
        if self.rejects_path is not None:
            lines.append(f"Rejects report: {self.rejects_path}")
        lines.extend(self.messages)
        if self.saved:
            lines.append(self.saved)
        elif self.dry_run:
            lines.append("Dry run: nothing was changed.")
        return "\n".join(lines)


def agents_now(store: Store) -> dt.datetime:
    """The agent's wall-clock time now, in the time zone on Settings (Activity times are the agent's, not the
    machine's: a server clock in UTC would stamp rows hours off)."""
    data = store.read(schema.SHEET_SETTINGS, schema.SETTINGS_COLUMNS)
    settings, _ = parse_settings(data.canonical(schema.SETTINGS_COLUMNS) if data is not None and data.headers
                                 else None)
    return dt.datetime.now(settings.zone).replace(tzinfo=None, microsecond=0)


def read_lead_file(path: Path, vendor: str | None = None):
    """The file's table and the importer for it (`vendor` overrides the recognition)."""
    table = read_file(Path(path), known_header_count)
    importer = importer_named(vendor) if vendor else choose_importer(table.headers, Path(path).name)
    return table, importer


def run_import(store: Store, path: str | Path, vendor: str | None = None, dry_run: bool = False,
               now: dt.datetime | None = None, refresh: bool = True, progress=None,
               rejects_dir: Path | None = None) -> ImportReport:
    say = progress or (lambda message: None)
    path = Path(path)
    now = (now or agents_now(store)).replace(microsecond=0)
    say(f"Reading {path.name}")
    table, importer = read_lead_file(path, vendor)
    extracted = importer.extract(table)
    source_name = importer.name if importer.name != "Generic" else path.name
    prepared = prepare(extracted, source_name, now)
    if len(prepared.leads) == 0 and not prepared.rejects and not table.rows:
        raise UsageError(f"{path.name} has a header row but no lead rows.")

    from ..commands import ensure_input_sheets, run_refresh

    say(f"Reading {store.label}")
    if not dry_run:
        ensure_input_sheets(store)
    leads_data = store.read(schema.SHEET_LEADS, schema.LEAD_COLUMNS)
    activity_data = store.read(schema.SHEET_ACTIVITY, schema.ACTIVITY_COLUMNS)
    if leads_data is not None and leads_data.headers and not leads_data.rows.empty:
        leads = leads_data.canonical(schema.LEAD_COLUMNS)
    else:
        leads = pd.DataFrame({c.name: pd.Series(dtype=object) for c in schema.LEAD_COLUMNS})
    ids, id_fills = assign_lead_ids(leads, IssueLog(leads.index))
    activity = (activity_data.canonical(schema.ACTIVITY_COLUMNS)
                if activity_data is not None and activity_data.headers and not activity_data.rows.empty else None)
    say(f"Matching {len(prepared.leads):,} houses against {len(leads):,} leads")
    plan = plan_import(leads, ids, activity, prepared, source_name, path.name, now)

    saved = ""
    rejects = _rejects(table, prepared)
    rejects_path = None
    if not dry_run:
        say("Writing")
        _write(store, plan, id_fills)
        if refresh:
            report = run_refresh(store, now, progress)  # quick-log entries stamped now, as the import rows
            saved = report.saved
        else:
            saved = store.commit()
        if rejects:
            rejects_path = write_rejects_report(table, rejects, rejects_dir or path.parent)
    filled = sum(len(c.filled) for c in plan.changes)
    changed = sum(len(c.updated) for c in plan.changes)
    kept = sum(len(c.kept) for c in plan.changes)
    messages = list(plan.messages)
    if not refresh and plan.new_leads.shape[0] and not dry_run:
        messages.append(f"Run: leadtracker refresh {store.label} to put the new leads on Today.")
    return ImportReport(
        file=path, vendor=importer.name, read_as="; ".join(table.notes) or "read", added=len(plan.new_leads),
        updated=len(plan.updated), unchanged=len(plan.unchanged), rejected=len(prepared.rejects),
        merged_in_file=prepared.merged_rows, skipped_lines=len(table.skipped), filled_cells=filled,
        updated_cells=changed, kept_cells=kept, rejects=rejects, rejects_path=rejects_path, saved=saved,
        dry_run=dry_run, refreshed=refresh and not dry_run, messages=messages,
        new_lead_ids=list(plan.new_leads["Lead ID"]))


def import_into_workbook(workbook: str | Path, path: str | Path, vendor: str | None = None, dry_run: bool = False,
                         now: dt.datetime | None = None, refresh_next: bool = True, progress=None) -> ImportReport:
    """The CLI's import into an .xlsx file, saved by patching only the cells it writes: seconds, even for a big
    workbook. `refresh_next` says the caller refreshes afterwards (see `refresh_after_import`)."""
    from ..commands import open_store
    from ..xlsx_patch import PatchingXlsxStore

    target = Path(workbook)
    if target.suffix.lower() in (".xlsx", ".xlsm"):
        store = PatchingXlsxStore(target, read_only=dry_run)
    else:
        store = open_store(str(workbook), read_only=dry_run)
    report = run_import(store, path, vendor, dry_run, now, refresh=False, progress=progress)
    if refresh_next:
        report = replace(report, messages=[m for m in report.messages if not m.startswith("Run: leadtracker")])
    return report


def refresh_after_import(workbook: str | Path, now: dt.datetime | None = None, progress=None):
    """Refresh the workbook an import has just saved, so new leads reach Today; the backup kept beside it stays the
    version from before the import."""
    from ..commands import open_store, run_refresh
    from ..xlsx_store import backup_path

    backup = backup_path(Path(os.path.realpath(workbook)))
    before_import = backup.with_name(f".~{backup.name}")
    if backup.exists():
        os.replace(backup, before_import)
    try:
        return run_refresh(open_store(str(workbook)), now, progress)  # None: now in the Settings time zone
    finally:
        if before_import.exists():
            os.replace(before_import, backup)


def _write(store: Store, plan: Plan, id_fills) -> None:
    data = store.read(schema.SHEET_LEADS, schema.LEAD_COLUMNS)
    if data is not None and data.headers and "Lead ID" not in data.header_map(schema.LEAD_COLUMNS).positions:
        # an agent's own sheet without ids: the column is added at the right end, so leads can be found by id
        store.append_rows(schema.SHEET_LEADS, schema.LEAD_COLUMNS, pd.DataFrame(columns=["Lead ID"]), None)
    if id_fills:
        store.fill_cells(schema.SHEET_LEADS, schema.LEAD_COLUMNS, id_fills)
    if plan.updates:
        store.update_cells(schema.SHEET_LEADS, schema.LEAD_COLUMNS, "Lead ID", plan.updates)
    if len(plan.new_leads):
        new = plan.new_leads
        present = [c for c in new.columns if c == "Lead ID" or new[c].notna().any()]
        store.append_rows(schema.SHEET_LEADS, schema.LEAD_COLUMNS, new[present], "Lead ID")
    if len(plan.activity):
        store.append_rows(schema.SHEET_ACTIVITY, schema.ACTIVITY_COLUMNS, plan.activity, "Activity ID")


def _rejects(table: RawTable, prepared: Prepared) -> list[tuple[int, str]]:
    found = [(r.row, r.reason) for r in prepared.rejects]
    found += [(s.row, f"skipped: {s.reason}") for s in table.skipped]
    return sorted(found)


def write_rejects_report(table: RawTable, rejects: list[tuple[int, str]], folder: Path) -> Path:
    """A CSV of the rows not imported: file row, reason, then the row as the file had it, so it can be fixed and
    imported again. Text a spreadsheet would run as a formula is written with a leading apostrophe."""
    by_row = {n: cells for n, cells in zip(table.row_numbers, table.rows)}
    by_row.update({s.row: list(s.cells) for s in table.skipped})
    target = folder / f"{table.path.stem} - rejects.csv"
    try:
        handle = open(target, "w", newline="", encoding="utf-8-sig")
    except OSError:
        target = Path.cwd() / f"{table.path.stem} - rejects.csv"
        handle = open(target, "w", newline="", encoding="utf-8-sig")
    with handle:
        writer = csv.writer(handle)
        writer.writerow(["File Row", "Reason"] + [_safe(h) for h in table.headers])
        for row, reason in rejects:
            writer.writerow([row, _safe(reason)] + [_safe(v) for v in by_row.get(row, [])])
    return target


def _safe(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return csv_cell(value)

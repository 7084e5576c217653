"""The merge-status column that Google Sheets mail-merge add-ons keep beside each recipient: YAMM (Yet Another Mail
Merge) and Mailmeteor. Read from the sheet downloaded as .xlsx or .csv, or from the tracker workbook itself when the
agent merged from it.

Format: YAMM writes a "Merge status" column with EMAIL_SENT, EMAIL_OPENED, EMAIL_CLICKED, RESPONDED, BOUNCED or
UNSUBSCRIBED; the status moves up as the contact engages (clicked, responded and unsubscribed imply opened), and
the cell's note tells when it happened (https://yamm.com/help/track-campaign/about-tracker/
opened-clicked-bounced-emails-what-do-tracking-stats-mean/). Mailmeteor's merge status column holds SENT, OPENED,
CLICKED, BOUNCED, REPLIED or UNSUBSCRIBED (older versions EMAIL_SENT, EMAIL_OPENED, EMAIL_CLICKED;
https://support.mailmeteor.com/introduction/advanced/tracking-report). Both are states, not events: each status
stands for what it implies (OPENED = sent, then opened). The time is the first date found in the cell's note (kept
in .xlsx downloads, lost in .csv), else the file's time, and then the Note says the date is unknown. A campaign is
the sheet (its tab name); one address has one message per campaign.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Iterator

import pandas as pd

from leadtracker.schema import normalize_header

from . import events as ev
from .csvio import folded, iter_rows
from .events import EmailEvent, Rejected, address_key, one_line
from .registry import Item, Probe, ReadContext, Reader, register

STATUS_HEADERS = ("mergestatus", "mailmergestatus", "yammmergestatus", "mailmeteorstatus", "mailmeteormergestatus")
EMAIL_HEADERS = ("email", "emailaddress", "email1", "primaryemail", "recipient", "recipients", "to", "emailto")
LEAD_HEADERS = ("leadid", "id", "lead", "leadnumber", "recordid")
STATES = {
    "EMAIL_SENT": (ev.SENT,), "SENT": (ev.SENT,),
    "EMAIL_OPENED": (ev.SENT, ev.OPEN), "OPENED": (ev.SENT, ev.OPEN),
    "EMAIL_CLICKED": (ev.SENT, ev.CLICK), "CLICKED": (ev.SENT, ev.CLICK),
    "RESPONDED": (ev.SENT, ev.REPLY), "REPLIED": (ev.SENT, ev.REPLY),
    "BOUNCED": (ev.BOUNCE,), "EMAIL_BOUNCED": (ev.BOUNCE,),
    "UNSUBSCRIBED": (ev.SENT, ev.UNSUBSCRIBE),
}
_DATE_IN_NOTE = re.compile(
    r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?|\d{1,2}/\d{1,2}/\d{2,4}(?:,? \d{1,2}:\d{2}(?::\d{2})?"
    r"(?: ?[AaPp][Mm])?)?|\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8} \d{1,2}, \d{4}(?:,? \d{1,2}:\d{2}(?::\d{2})?"
    r"(?: ?[AaPp][Mm])?)?")


def note_time(note: str | None) -> dt.datetime | None:
    """The first date (and time) written in a cell note, as UTC."""
    if not note:
        return None
    found = _DATE_IN_NOTE.search(note)
    if not found:
        return None
    try:
        stamp = pd.to_datetime(found.group(0).replace(",", ""))
    except (ValueError, OverflowError):
        return None
    if pd.isna(stamp) or not 1970 <= stamp.year < 2100:
        return None
    stamp = stamp.to_pydatetime()
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


def state_events(status: str, address_text: object, lead_id: object, note: str | None, campaign: str,
                 file_time: dt.datetime, where: str) -> list[EmailEvent | Rejected]:
    text = status.strip().upper().replace(" ", "_")
    if not text:
        return []
    kinds = STATES.get(text)
    if kinds is None:
        if text.startswith(("ERROR", "FAILED", "EMAIL_NOT_SENT", "NOT_SENT", "SKIPPED")):
            kinds = (ev.NOT_SENT,)
        else:
            return [Rejected(where, f"unknown merge status {one_line(status, 40)!r}")]
    address = address_key(address_text)
    if address is None:
        return [Rejected(where, f"{one_line(address_text, 60)!r} is not an email address")]
    time = note_time(note)
    lead = str(lead_id).strip() if lead_id not in (None, "") else None
    if isinstance(lead_id, float) and lead_id.is_integer():
        lead = str(int(lead_id))
    return [EmailEvent(kind=kind, source="merge-status", where=where, time=time or file_time, address=address,
                       provider_id=f"merge:{campaign}:{address}", lead_id=lead, campaign=campaign,
                       detail=f"merge status {text}", time_known=time is not None) for kind in kinds]


def _columns(headers: list[object]) -> tuple[int, int, int | None] | None:
    names = folded([str(h) if h is not None else "" for h in headers])
    status = next((names[h] for h in STATUS_HEADERS if h in names), None)
    email = next((names[h] for h in EMAIL_HEADERS if h in names), None)
    if status is None or email is None:
        return None
    return status, email, next((names[h] for h in LEAD_HEADERS if h in names), None)


@register
class MergeStatusReader(Reader):
    """A sheet with a YAMM or Mailmeteor merge-status column (.xlsx or .csv; see the module docstring)."""

    name = "merge-status"
    label = "YAMM / Mailmeteor merge status (sheet)"

    def identify(self, probe: Probe) -> bool:
        if probe.is_dir:
            return False
        if probe.suffix in (".csv", ".txt"):
            first = probe.head.decode("utf-8", "replace").split("\n", 1)[0]
            return any(h in normalize_header(first) for h in ("mergestatus", "mailmeteorstatus"))
        if probe.suffix in (".xlsx", ".xlsm"):
            return _xlsx_has_status(probe.path)
        return False

    def extract(self, source: str, context: ReadContext) -> Iterator[Item]:
        path = Path(source)
        file_time = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc)
        if path.suffix.lower() in (".csv", ".txt"):
            yield from self._csv(path, file_time)
        else:
            yield from self._xlsx(path, file_time)

    def _csv(self, path: Path, file_time: dt.datetime) -> Iterator[Item]:
        layout = None
        campaign = path.stem
        for line, row in iter_rows(path):
            where = f"{path.name} line {line}"
            if layout is None:
                layout = _columns(row or [])
                if layout is None:
                    yield Rejected(where, "no Merge status and email columns in the first row")
                    return
                continue
            if row is None:
                yield Rejected(where, "not text in the file's encoding; row skipped")
                continue
            status, email, lead = layout
            cells = row + [""] * (max(layout[0], layout[1], lead or 0) + 1 - len(row))
            yield from state_events(cells[status], cells[email], cells[lead] if lead is not None else None, None,
                                    campaign, file_time, where)

    def _xlsx(self, path: Path, file_time: dt.datetime) -> Iterator[Item]:
        import openpyxl

        workbook = openpyxl.load_workbook(path, data_only=True)
        try:
            for sheet in workbook.worksheets:
                rows = sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, 10))
                found = None
                for row in rows:
                    layout = _columns([c.value for c in row])
                    if layout is not None:
                        found = (row[0].row, layout)
                        break
                if found is None:
                    continue
                header_row, (status, email, lead) = found
                for row in sheet.iter_rows(min_row=header_row + 1):
                    if len(row) <= max(status, email):
                        continue
                    cell = row[status]
                    if cell.value in (None, ""):
                        continue
                    note = cell.comment.text if cell.comment is not None else None
                    where = f"{path.name} sheet {sheet.title!r} row {cell.row}"
                    lead_value = row[lead].value if lead is not None and lead < len(row) else None
                    yield from state_events(str(cell.value), row[email].value, lead_value, note, sheet.title,
                                            file_time, where)
        finally:
            workbook.close()


def _xlsx_has_status(path: Path) -> bool:
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(nrows=10)
            if any(_columns(list(row)) is not None for row in rows):
                return True
    except Exception:  # not a workbook calamine can read: not ours to recognise
        return False
    return False

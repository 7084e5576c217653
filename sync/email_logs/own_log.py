"""This tool's own outbound email log: the format, a writer for the code that sends, and its reader.

The log is the source of truth for what the tool itself sent (letters-and-email, issue 6, writes it): every line
ties our own Message-ID to the lead and the plan step, so the Sent folder's copy of the same message, the ESP's
events about it and the homeowner's reply (In-Reply-To) all land on the right lead and count once.

File: `<Workbook name>.email-log.jsonl` beside the workbook (`own_log_path`; a Google Sheet's in the user's data
folder), UTF-8, one JSON object per line,
appended (never rewritten). The sync names it with the source `own`. Fields:

    v            1 (format version)                                            required
    time         when it happened, ISO 8601 with offset ("2026-11-02T14:03:11Z")  required
    event        "sent"    the SMTP server accepted the message for `to`         required
                 "refused" the SMTP server refused `to` (smtp_code 5xx: the address does not work -> bounce;
                           4xx: temporary, not recorded)
                 "draft"   an .eml draft was written, not sent: registers the Message-ID so the copy that
                           later turns up in the Sent folder is matched to the lead and step
    message_id   the Message-ID header we set, with or without <>               required
    lead_id      the X-Lead-Id header value                                      required
    to           the recipient address (one line per recipient)                  required
    step         the plan step (D1..D7, N, R, Meeting)                           recommended
    subject      the Subject header                                              optional
    from         the From address                                                optional
    template     the template used (d3_cma, ...)                                 optional
    smtp_code    the SMTP reply code (250, 550, ...)                             optional
    smtp_response the SMTP reply text                                            optional
    provider_message_id  an ESP's own id for the message (SendGrid X-Message-Id, Postmark MessageID), so that
                 ESP events without our Message-ID still find the message        optional

Example line:
    {"v": 1, "time": "2026-11-02T14:03:11Z", "event": "sent", "message_id": "<lead-L1.d3.1a2b@agent.example>",
     "lead_id": "L-1", "to": "avery.quill@example.com", "step": "D3", "subject": "Your home's value"}

No personal data beyond what the workbook already holds goes into the log; never a password or token.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .events import (BOUNCE, DRAFT, SENT, SOFT_BOUNCE, EmailEvent, Rejected, address_key, clean_message_id,
                     from_iso)
from .jsonio import Record, iter_records
from .registry import Probe, ReadContext, Reader, register

FORMAT_VERSION = 1
SUFFIX = ".email-log.jsonl"
EVENTS = ("sent", "refused", "draft")


def own_log_path(workbook: str | Path, folders: tuple[Path, ...] = (),
                 say: Callable[[str], None] | None = None) -> Path:
    """Where the tool's outbound log for a workbook lives (`emails` writes it, `sync-email own` reads it):
    `MyLeads.email-log.jsonl` beside `MyLeads.xlsx`; for a Google Sheet (`gsheet:<link or key>`), which has no
    folder on this computer, `gsheet-<key>.email-log.jsonl` in this user's data folder (`data_folder`), the same
    whatever folder a command runs in.

    Earlier versions kept a Google Sheet's log elsewhere: in the `emails --out` folder, named after the link as
    typed (`https-docs.google.com-spreadsheets-d-<key, cut short>.email-log.jsonl`), then as
    `gsheet-<key>.email-log.jsonl` in the folder the command ran in. While the log is not in its place yet, one
    found in the current folder or in `folders` is moved there, once, and `say` is told: without it `emails --send`
    would send again what an interrupted run had sent, and `sync-email own` would find no log."""
    if str(workbook).startswith("gsheet:"):
        from ..gsheet_client import parse_target

        key = parse_target(str(workbook))
        path = data_folder() / f"gsheet-{key}{SUFFIX}"
        if not path.exists():
            _adopt_earlier_logs(path, key, (Path.cwd(), *folders), say or (lambda message: None))
        return path
    path = Path(workbook)
    return path.with_name(path.stem + SUFFIX)


def _earlier_log(name: str, key: str) -> bool:
    """Is a file of this name a Google Sheet's log as an earlier version named it (the key whole, or cut short at
    the end of a 60-character name)?"""
    if not name.endswith(SUFFIX):
        return False
    stem = name[: -len(SUFFIX)]
    return key in stem or any(stem.endswith(key[:n]) for n in range(16, len(key)))


def _adopt_earlier_logs(path: Path, key: str, folders: tuple[Path, ...], say: Callable[[str], None]) -> None:
    found: list[Path] = []
    for folder in dict.fromkeys(Path(f).resolve() for f in folders):
        if folder.is_dir() and folder != path.parent.resolve():
            found += sorted(f for f in folder.iterdir() if f.is_file() and _earlier_log(f.name, key))
    if not found:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = b"".join(f.read_bytes().rstrip(b"\n") + b"\n" for f in found)  # append-only lines: joined, in order
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(payload)
    os.replace(partial, path)
    for earlier in found:
        earlier.unlink()
    say(f"Moved this Google Sheet's outbound email log from {' and '.join(str(f) for f in found)} to {path}, "
        "where emails and sync-email own keep it now.")


def data_folder(environ=os.environ) -> Path:
    """This user's leadtracker data folder: %LOCALAPPDATA%\\leadtracker on Windows, else
    $XDG_DATA_HOME/leadtracker (~/.local/share/leadtracker)."""
    if os.name == "nt" and environ.get("LOCALAPPDATA"):
        return Path(environ["LOCALAPPDATA"]) / "leadtracker"
    return Path(environ.get("XDG_DATA_HOME") or "~/.local/share").expanduser() / "leadtracker"


@dataclass(frozen=True)
class OutboundRecord:
    """One line of the log. `time` must be timezone-aware."""

    time: dt.datetime
    event: str
    message_id: str
    lead_id: str
    to: str
    step: str | None = None
    subject: str | None = None
    sender: str | None = None
    template: str | None = None
    smtp_code: int | None = None
    smtp_response: str | None = None
    provider_message_id: str | None = None

    def to_json(self) -> str:
        if self.event not in EVENTS:
            raise ValueError(f"event must be one of {EVENTS}, not {self.event!r}")
        if self.time.tzinfo is None:
            raise ValueError("time must be timezone-aware")
        data = {"v": FORMAT_VERSION, "time": self.time.isoformat(), "event": self.event,
                "message_id": self.message_id, "lead_id": self.lead_id, "to": self.to, "step": self.step,
                "subject": self.subject, "from": self.sender, "template": self.template,
                "smtp_code": self.smtp_code, "smtp_response": self.smtp_response,
                "provider_message_id": self.provider_message_id}
        return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)


def append_records(path: str | Path, records: list[OutboundRecord]) -> None:
    """Append lines to the log in one write, flushed to disk: a crash never leaves half a line behind another."""
    if not records:
        return
    payload = "".join(r.to_json() + "\n" for r in records).encode("utf-8")
    Path(path).parent.mkdir(parents=True, exist_ok=True)  # a Google Sheet's log: the user's data folder
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)


@register
class OwnLogReader(Reader):
    """This tool's outbound log (format above)."""

    name = "own"
    label = "this tool's outbound log"

    def identify(self, probe: Probe) -> bool:
        if probe.is_dir:
            return False
        if probe.path.name.endswith(SUFFIX):
            return True
        first = probe.first_line()
        return first.startswith("{") and '"v"' in first and '"message_id"' in first and '"lead_id"' in first

    def extract(self, source: str, context: ReadContext) -> Iterator[EmailEvent | Rejected]:
        for item in iter_records(Path(source)):
            if isinstance(item, Record):
                yield parse_record(item.value, item.where)
            else:
                yield item


def parse_record(value: object, where: str) -> EmailEvent | Rejected:
    if not isinstance(value, dict):
        return Rejected(where, "not a log entry (expected an object with time, event, message_id, lead_id, to)")
    event = value.get("event")
    if event not in EVENTS:
        return Rejected(where, f"unknown event type {str(event)!r} (expected sent, refused or draft)")
    time = from_iso(value.get("time"))
    if time is None:
        return Rejected(where, f"time {str(value.get('time'))!r} is not an ISO 8601 date and time")
    message_id = clean_message_id(value.get("message_id"))
    lead_id = value.get("lead_id")
    to = address_key(value.get("to"))
    missing = [name for name, v in (("message_id", message_id), ("lead_id", lead_id), ("to", to)) if not v]
    if missing:
        return Rejected(where, f"missing or unreadable {', '.join(missing)}")
    kind = SENT if event == "sent" else DRAFT if event == "draft" else _refusal(value.get("smtp_code"))
    return EmailEvent(
        kind=kind, source="own", where=where, time=time, address=to, message_id=message_id,
        provider_id=value.get("provider_message_id") or None, lead_id=str(lead_id).strip(),
        step=(str(value["step"]).strip() or None) if value.get("step") else None, subject=value.get("subject"),
        detail=value.get("smtp_response"))


def _refusal(code: object) -> str:
    try:
        number = int(code)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return BOUNCE
    return SOFT_BOUNCE if 400 <= number < 500 else BOUNCE


def iter_log(path: Path) -> Iterator[EmailEvent | Rejected]:
    """The log's events (used to learn our own Message-IDs even when the log is not a sync source)."""
    for item in iter_records(path):
        yield parse_record(item.value, item.where) if isinstance(item, Record) else item

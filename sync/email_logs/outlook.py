"""Outlook's CSV export of a mail folder (File > Open & Export > Import/Export > Export to a file > Comma Separated
Values, choosing Sent Items).

Format: the export's fixed header `Subject, Body, From: (Name), From: (Address), From: (Type), To: (Name),
To: (Address), To: (Type), CC: (Name), CC: (Address), CC: (Type), BCC: (Name), BCC: (Address), BCC: (Type),
Billing Information, Categories, Importance, Mileage, Sensitivity` (the same header appears in public code that
writes or reads these exports, e.g. a `HEADER` list found through the library's code search; several addresses in
one cell are separated by ";"). It is written in the Windows code page (cp1252) unless Unicode was chosen. It has
no date and no Message-ID: each message gets the export file's time, its Note says the date is unknown, and its
identity is its recipient, subject and the start of its body. `From: (Type)` "EX" means an Exchange address
(/O=.../CN=...) rather than an internet one; such a sender cannot be compared with a lead's address.

Rows sent by a lead (a reply exported from another folder) become possible replies (an opt-out when the start of
their Body, above the quoted original, asks for no more email: opt_out.py); every other row is a message the agent
sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Iterator

from leadtracker.schema import normalize_header

from . import events as ev
from .csvio import find_column, folded, header_line, table_rows
from .events import EmailEvent, Rejected, address_key
from .opt_out import TEXT_CHARS, new_text, text_asks
from .registry import Item, Probe, ReadContext, Reader, register

REQUIRED = ("subject", "fromaddress", "toaddress")


def split_addresses(text: str | None) -> list[str]:
    out = []
    for part in (text or "").replace(",", ";").split(";"):
        key = address_key(part)
        if key and key not in out:
            out.append(key)
    return out


@register
class OutlookCsvReader(Reader):
    """An Outlook CSV export (see the module docstring)."""

    name = "outlook"
    label = "Outlook CSV export"

    def identify(self, probe: Probe) -> bool:
        if probe.is_dir or probe.suffix not in (".csv", ".txt"):
            return False
        head = probe.head.decode("cp1252", errors="replace").lstrip("\ufeff").lstrip("ï»¿")
        columns = {normalize_header(h) for h in header_line(head)}
        return all(name in columns for name in REQUIRED)

    def extract(self, source: str, context: ReadContext) -> Iterator[Item]:
        path = Path(source)
        file_time = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc)
        positions: dict[str, int | None] | None = None
        for row in table_rows(path):
            if isinstance(row, Rejected):
                yield row
                continue
            where = row.where
            if positions is None:
                columns = folded(row.header)
                positions = {name: find_column(columns, *aliases) for name, aliases in (
                    ("subject", ("Subject",)), ("body", ("Body",)), ("from", ("From: (Address)",)),
                    ("from_type", ("From: (Type)",)), ("to", ("To: (Address)",)), ("cc", ("CC: (Address)",)),
                    ("bcc", ("BCC: (Address)",)))}

            def cell(name: str) -> str:
                position = positions[name]
                return row.cells[position].strip() if position is not None and position < len(row.cells) else ""

            subject = " ".join(cell("subject").split()) or None
            sender = address_key(cell("from")) if cell("from_type").upper() != "EX" else None
            fingerprint = hashlib.sha1("|".join((cell("to").lower(), subject or "", cell("body")[:200]))
                                       .encode("utf-8")).hexdigest()[:16]
            recipients = split_addresses(cell("to")) + split_addresses(cell("cc")) + split_addresses(cell("bcc"))
            if sender is not None and sender not in context.agent_addresses and not recipients:
                yield Rejected(where, "no sender and no recipient address; row skipped")
                continue
            if sender is not None and context.agent_addresses and sender not in context.agent_addresses:
                yield EmailEvent(kind=ev.INBOUND, source=self.name, where=where, time=file_time, address=sender,
                                 provider_id=f"outlook:{fingerprint}", subject=subject, time_known=False,
                                 opt_out=text_asks(new_text(cell("body")[:TEXT_CHARS])))
                continue
            if not recipients:
                yield Rejected(where, f"To: (Address) {cell('to')[:60]!r} holds no email address; row skipped")
                continue
            for recipient in recipients:
                yield EmailEvent(kind=ev.SENT, source=self.name, where=where, time=file_time, address=recipient,
                                 provider_id=f"outlook:{fingerprint}", subject=subject, time_known=False)

"""mbox files: Google Takeout's Mail export and Thunderbird's folder files.

Format: RFC 4155 ("The application/mbox Media Type"): messages one after another, each starting with a "From "
separator line after a blank line (or at the start of the file); body lines that begin with "From " are quoted
">From ". Google Takeout writes one mbox with every message and an `X-Gmail-Labels` header (comma-separated labels,
"Sent" for sent mail, "Chat" for chat transcripts; https://support.google.com/accounts/answer/3024190 and
mboxviewer.net's notes on Gmail labels). Thunderbird keeps each folder as an mbox file named after it ("Sent").

Read as a stream: only a message's headers and the start of its body are kept (the first 64 KB, where a reply's
own text is; up to 2 MB of a delivery report), so memory stays flat for a multi-gigabyte Takeout file; Python's
mailbox.mbox would first index the whole file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

from .events import Ignored, Rejected
from .messages import message_events, needs_body, parse_headers
from .opt_out import BODY_BYTES
from .registry import Item, Probe, ReadContext, Reader, register

MAX_HEADER = 512 * 1024
MAX_BODY = 2 * 1024 * 1024
FROM_LINE_FORMATS = ("%a %b %d %H:%M:%S %Y", "%a %b %d %H:%M:%S %z %Y", "%a %b %d %H:%M %Y")


def sent_folder_hint(path: Path) -> bool | None:
    """A file or folder named like a Sent folder holds sent mail; other names say nothing."""
    name = path.name.lower()
    if any(word in name for word in ("sent", "gesendet", "envoy", "enviad", "outbox")):
        return True
    if any(word in name for word in ("inbox", "posteingang")):
        return False
    return None


def from_line_time(line: bytes) -> dt.datetime | None:
    parts = line.decode("ascii", errors="replace").split()
    if len(parts) < 3:
        return None
    text = " ".join(parts[2:])
    for fmt in FROM_LINE_FORMATS:
        try:
            stamp = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)
    return None


def iter_messages(path: Path) -> Iterator[tuple[int, bytes, bytes, bytes, bool]]:
    """(line number, From_ line, header bytes, the start of the body, headers complete) for each message."""
    with open(path, "rb") as handle:
        number = 0
        start_line = 0
        from_line = b""
        header: list[bytes] = []
        header_size = 0
        body: list[bytes] = []
        body_size = 0
        body_limit = BODY_BYTES
        in_header = False
        started = False
        previous_blank = True
        for number, line in enumerate(handle, start=1):
            if line.startswith(b"From ") and previous_blank:
                if started:
                    yield start_line, from_line, b"".join(header), b"".join(body), not in_header
                started, start_line, from_line = True, number, line
                header, header_size, body, body_size, in_header = [], 0, [], 0, True
                previous_blank = False
                continue
            previous_blank = line in (b"\n", b"\r\n")
            if not started:
                continue
            if in_header:
                if previous_blank:
                    in_header = False
                    body_limit = MAX_BODY if needs_body(parse_headers(b"".join(header))) else BODY_BYTES
                elif header_size < MAX_HEADER:
                    header.append(line)
                    header_size += len(line)
            elif body_size < body_limit:
                body.append(line[1:] if line.startswith(b">From ") else line)
                body_size += len(line)
        if started:
            yield start_line, from_line, b"".join(header), b"".join(body), not in_header


@register
class MboxReader(Reader):
    """An mbox file (see the module docstring)."""

    name = "mbox"
    label = "mbox (Google Takeout, Thunderbird)"

    def identify(self, probe: Probe) -> bool:
        if probe.is_dir:
            return False
        return probe.head.startswith(b"From ") or probe.suffix in (".mbox", ".mbx")

    def extract(self, source: str, context: ReadContext) -> Iterator[Item]:
        path = Path(source)
        hint = sent_folder_hint(path)
        count = 0
        for line, from_line, raw_header, body, complete in iter_messages(path):
            count += 1
            if count % 5000 == 0:
                context.progress(f"{path.name}: {count:,} messages read")
            where = f"{path.name} line {line}"
            if not complete:
                yield Rejected(where, "the file ends inside this message's headers (truncated); message skipped")
                continue
            headers = parse_headers(raw_header + b"\n")
            if not len(headers):
                yield Ignored("mbox entry without headers")
                continue
            yield from message_events(headers, raw_header + b"\n" + body,
                                      source=self.name, where=where, agent_addresses=context.agent_addresses,
                                      sent_folder=hint, fallback_time=from_line_time(from_line))

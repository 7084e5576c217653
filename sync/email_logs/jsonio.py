"""Streaming JSON records from event exports, with bad lines reported and the rest read.

Accepted layouts, in the forms providers and webhook loggers produce them:
- JSON lines: one event object per line, or one webhook batch (an array of events) per line;
- one JSON array of events (a SendGrid webhook batch), any size, streamed element by element;
- an object holding the events under a list key ("items" for Mailgun's Events API, "emails" for Mailchimp's
  email-activity report, "_json" as some SendGrid loggers save it), streamed the same way;
- one or several pretty-printed objects one after another (saved webhook bodies).
Memory stays bounded by one record (plus a 1 MB read buffer), whatever the file size.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

from .events import Rejected

CHUNK = 1 << 20
MAX_RECORD = 8 << 20  # no event is this large; past it a broken record is reported instead of read further
LIST_KEYS = ("items", "emails", "events", "_json", "Bounces", "Opens", "Clicks", "Messages")
_LIST_KEY = re.compile(r'^\s*\{[^\[\]{}]*?"(' + "|".join(map(re.escape, LIST_KEYS)) + r')"\s*:\s*\[', re.S)
_DECODER = json.JSONDecoder()


class Record:
    """A decoded JSON object and where it came from."""

    __slots__ = ("value", "where")

    def __init__(self, value: object, where: str) -> None:
        self.value = value
        self.where = where


def iter_records(path: Path) -> Iterator[Record | Rejected]:
    """Every JSON object in the file (arrays are opened), as Records, and a Rejected for each unreadable part."""
    name = path.name
    with open(path, "rb") as handle:
        first = _first_content_line(handle)
        handle.seek(0)
        if first is not None and _is_complete_json(first):
            yield from _iter_lines(handle, name)
        else:
            yield from _iter_document(handle, name)


def _first_content_line(handle) -> bytes | None:
    for raw in handle:
        if raw.strip():
            return raw.strip().lstrip(b"\xef\xbb\xbf")
    return None


def _is_complete_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def _iter_lines(handle, name: str) -> Iterator[Record | Rejected]:
    loads = json.loads
    for number, raw in enumerate(handle, start=1):
        line = raw.strip()
        if not line:
            continue
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        where = f"{name} line {number}"
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            yield Rejected(where, f"not UTF-8 text (byte {error.start + 1}); line skipped")
            continue
        try:
            value = loads(text)
        except ValueError as error:
            yield Rejected(where, _json_problem(error, text))
            continue
        if isinstance(value, list):
            for position, item in enumerate(value, start=1):
                yield Record(item, f"{where} item {position}")
        else:
            yield Record(value, where)


def _json_problem(error: ValueError, text: str) -> str:
    message = str(error).split(":")[0]
    if isinstance(error, json.JSONDecodeError) and error.pos >= len(text.rstrip()) - 1:
        return "the record is cut short (truncated JSON); line skipped"
    return f"not valid JSON ({message}); line skipped"


class _Stream:
    """Text read in chunks, with the line number of the current position."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.buffer = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self._pending = b""

    def fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK)
        if not chunk:
            self.eof = True
            if self._pending:
                self.buffer = self.buffer[self.pos:] + self._pending.decode("utf-8", errors="replace")
                self.pos = 0
                self._pending = b""
            return False
        data = self._pending + chunk
        try:
            text = data.decode("utf-8")
            self._pending = b""
        except UnicodeDecodeError as error:
            if error.start >= len(data) - 3:  # a character split across chunks
                text = data[: error.start].decode("utf-8")
                self._pending = data[error.start:]
            else:
                text = data.decode("utf-8", errors="replace")
                self._pending = b""
        if self.buffer == "" and text.startswith("\ufeff"):
            text = text[1:]
        self.buffer = self.buffer[self.pos:] + text
        self.pos = 0
        return True

    def skip_space(self, also: str = "") -> str | None:
        """Skip whitespace (and the characters in `also`); the next character, or None at the end."""
        while True:
            while self.pos < len(self.buffer):
                char = self.buffer[self.pos]
                if char in " \t\r\n" or char in also:
                    if char == "\n":
                        self.line += 1
                    self.pos += 1
                else:
                    return char
            if not self.fill():
                return None

    def decode(self) -> object:
        """The JSON value at the position, reading more text as needed; raises ValueError if it is not one."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                # an error at the end of the text read so far (or a string still open) may only mean the record
                # goes on in the next chunk: read more, up to MAX_RECORD; any other error is a real one
                incomplete = error.pos >= len(self.buffer) - 1 or error.msg.startswith("Unterminated string")
                if incomplete and len(self.buffer) - self.pos < MAX_RECORD and self.fill():
                    continue
                raise
            self.line += self.buffer.count("\n", self.pos, end)
            self.pos = end
            return value

    def skip_to_next_record(self) -> None:
        """After a broken record: on to the next line that starts a new object ("{" first on the line)."""
        self.skip_line()
        while True:
            while True:
                newline = self.buffer.find("\n", self.pos)
                if newline >= 0 or self.eof:
                    break
                self.fill()
            line = self.buffer[self.pos:newline if newline >= 0 else len(self.buffer)]
            if line.lstrip().startswith(("{", "]")) or newline < 0:
                return
            self.pos = newline + 1
            self.line += 1

    def skip_line(self) -> None:
        while True:
            newline = self.buffer.find("\n", self.pos)
            if newline >= 0:
                self.pos = newline + 1
                self.line += 1
                return
            self.pos = len(self.buffer)
            if not self.fill():
                return


def _iter_document(handle, name: str) -> Iterator[Record | Rejected]:
    stream = _Stream(handle)
    stream.fill()
    head = stream.buffer[:CHUNK]
    listed = _LIST_KEY.match(head)
    if listed:  # {"items": [ ... ]}: stream the list's elements
        stream.line += head.count("\n", 0, listed.end())
        stream.pos = listed.end()
        yield from _iter_array_elements(stream, name)
        return
    while True:
        char = stream.skip_space()
        if char is None:
            return
        where = f"{name} line {stream.line}"
        if char == "[":
            stream.pos += 1
            yield from _iter_array_elements(stream, name)
            continue
        try:
            value = stream.decode()
        except ValueError as error:
            if stream.eof and stream.buffer[stream.pos:].strip() and "Expecting" in str(error):
                yield Rejected(where, "the file ends in the middle of a record (truncated JSON); the rest of the "
                                     "file was read")
                return
            yield Rejected(where, f"not valid JSON ({str(error).split(':')[0]}); skipped to the next event")
            stream.skip_to_next_record()
            continue
        yield Record(value, where)


def _iter_array_elements(stream: _Stream, name: str) -> Iterator[Record | Rejected]:
    position = 0
    while True:
        char = stream.skip_space(",")
        if char is None:
            yield Rejected(f"{name} line {stream.line}", "the file ends before the list of events is closed "
                                                         "(truncated JSON); everything before was read")
            return
        if char == "]":
            stream.pos += 1
            return
        where = f"{name} line {stream.line}"
        position += 1
        try:
            value = stream.decode()
        except ValueError as error:
            if stream.eof:
                yield Rejected(where, "the file ends in the middle of an event (truncated JSON); everything "
                                      "before was read")
                stream.pos = len(stream.buffer)  # nothing after a cut-off record is readable
                return
            yield Rejected(where, f"not valid JSON ({str(error).split(':')[0]}); skipped to the next event")
            stream.skip_to_next_record()
            continue
        yield Record(value, where)

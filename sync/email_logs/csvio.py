"""CSV exports read as text whatever their encoding, with columns found by header (case, spaces and punctuation
ignored), one row at a time."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Iterator, NamedTuple

from leadtracker.schema import normalize_header

from .events import Rejected

csv.field_size_limit(16 * 1024 * 1024)  # an Outlook export puts whole message bodies in a cell


def detect_encoding(path: Path, sample_bytes: int = 4 << 20) -> str:
    """utf-16 with a BOM; utf-8 (with or without BOM) when the text is UTF-8 or any line of it holds UTF-8
    beyond ASCII (then a line that is not UTF-8 is a bad line, reported); else cp1252, what Outlook and Excel on
    Windows write."""
    with open(path, "rb") as handle:
        head = handle.read(sample_bytes)
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    for line in head.splitlines()[:-1]:
        if max(line, default=0) > 127:
            try:
                line.decode("utf-8")
                return "utf-8-sig"
            except UnicodeDecodeError:
                continue
    return "cp1252"


def header_line(probe_text: str) -> list[str]:
    first = probe_text.split("\n", 1)[0]
    try:
        return next(csv.reader([first]))
    except (StopIteration, csv.Error):
        return []


def folded(headers: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for position, header in enumerate(headers):
        out.setdefault(normalize_header(header), position)
    return out


def find_column(columns: dict[str, int], *names: str) -> int | None:
    for name in names:
        position = columns.get(normalize_header(name))
        if position is not None:
            return position
    return None


def iter_rows(path: Path) -> Iterator[tuple[int, list[str] | None]]:
    """(line number where the row starts, cells) for every row, the header row first. A row holding bytes that
    are not text in the file's encoding comes back as (line, None) and reading goes on with the next line."""
    encoding = detect_encoding(path)
    reader = csv.reader(_decoded_lines(path, encoding))
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield line, None
            line = reader.line_num + 1
            continue
        yield line, (None if row and row[0] == BAD_LINE else row)
        line = reader.line_num + 1


BAD_LINE = "\x00undecodable\x00"


def _decoded_lines(path: Path, encoding: str) -> Iterator[str]:
    if encoding == "utf-16":
        with open(path, encoding="utf-16", newline="") as handle:
            yield from handle
        return
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            try:
                yield raw.decode(codec, errors="replace" if codec == "cp1252" else "strict")
            except UnicodeDecodeError:
                yield BAD_LINE + "\n"


class CsvRow(NamedTuple):
    where: str  # "file.csv line 12"
    header: list[str]
    cells: list[str]


def table_rows(path: Path) -> Iterator[CsvRow | Rejected]:
    """The data rows of a CSV with the header they sit under. An unreadable header ends the file with one Rejected,
    a row that is not text in the file's encoding is one Rejected, and blank rows are skipped."""
    header: list[str] | None = None
    for line, row in iter_rows(path):
        where = f"{path.name} line {line}"
        if header is None:
            if row is None:
                yield Rejected(where, "the header row is not readable text")
                return
            header = row
        elif row is None:
            yield Rejected(where, "not text in the file's encoding; row skipped")
        elif any(cell.strip() for cell in row):
            yield CsvRow(where, header, row)

"""A1 notation as the Sheets API v4 reads and echoes it (written independently of the product's own helpers, so a
shared mistake cannot hide). Rows and columns here are 0-based, end-exclusive, like GridRange."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^\$?([A-Za-z]{0,3})\$?([0-9]*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[Rr][0-9]*[Cc][0-9]*$")


class A1Error(ValueError):
    """A range the API would answer with 400 "Unable to parse range"."""


def column_index(letters: str) -> int:
    """'A' -> 0, 'Z' -> 25, 'AA' -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letters(index: int) -> str:
    """0 -> 'A', 26 -> 'AA'."""
    index += 1
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def quote_title(title: str) -> str:
    """Titles are echoed bare when they are plain words that cannot be read as a cell ('Sheet1'), else quoted
    ("'D3'", "'My sheet'"), with ' doubled inside quotes."""
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class Span:
    """A parsed range: None on a side means open (the grid's edge)."""

    title: str | None
    row0: int | None
    col0: int | None
    row1: int | None  # exclusive
    col1: int | None  # exclusive


def split_title(text: str) -> tuple[str | None, str]:
    """("Sheet1", "A1:B2") from "Sheet1!A1:B2"; a quoted title may hold '!' and doubled quotes."""
    if text.startswith("'"):
        i, title = 1, ""
        while i < len(text):
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title += "'"
                    i += 2
                    continue
                rest = text[i + 1:]
                if rest == "":
                    return title, ""
                if not rest.startswith("!"):
                    raise A1Error(text)
                return title, rest[1:]
            title += text[i]
            i += 1
        raise A1Error(text)
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def _endpoint(text: str) -> tuple[int | None, int | None]:
    match = _CELL.match(text)
    if not match or (not match.group(1) and not match.group(2)):
        raise A1Error(text)
    col = column_index(match.group(1)) if match.group(1) else None
    row = int(match.group(2)) - 1 if match.group(2) else None
    if row is not None and row < 0:
        raise A1Error(text)
    return row, col


def parse(text: str) -> Span:
    """Parse 'Sheet1!A1:B2', 'Sheet1', "'My sheet'!A:A", 'A1', '2:3', 'A2:C', 'A1:1'."""
    title, cells = split_title(text)
    if cells == "":
        return Span(title, None, None, None, None)
    if title is None and ":" not in cells and not _looks_like_cells(cells):
        return Span(cells, None, None, None, None)  # a bare sheet title
    start, sep, end = cells.partition(":")
    try:
        r0, c0 = _endpoint(start)
        if not sep:
            if r0 is None or c0 is None:  # 'A' or '3' alone: whole column / row
                return Span(title, r0, c0, None if r0 is None else r0 + 1, None if c0 is None else c0 + 1)
            return Span(title, r0, c0, r0 + 1, c0 + 1)
        r1, c1 = _endpoint(end)
    except A1Error:
        if title is None:
            return Span(cells, None, None, None, None)
        raise
    rows = (r0, r1) if r0 is None or r1 is None else (min(r0, r1), max(r0, r1))
    cols = (c0, c1) if c0 is None or c1 is None else (min(c0, c1), max(c0, c1))
    return Span(title, rows[0], cols[0] if cols[0] is not None else (0 if r0 is not None else None),
                None if rows[1] is None else rows[1] + 1, None if cols[1] is None else cols[1] + 1)


def _looks_like_cells(text: str) -> bool:
    try:
        _endpoint(text)
        return True
    except A1Error:
        return False


def format_range(title: str, row0: int, col0: int, row1: int, col1: int) -> str:
    """'Sheet1!A1:D4'; one cell is 'Sheet1!B2'."""
    start = f"{column_letters(col0)}{row0 + 1}"
    if row1 - row0 == 1 and col1 - col0 == 1:
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{column_letters(col1 - 1)}{row1}"

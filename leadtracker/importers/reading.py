"""Reading a vendor file into rows of cells: any encoding, delimiter or layout junk a real export carries.

CSV text may be UTF-8 (with or without a byte-order mark), UTF-16 (with a mark, or detected by its zero bytes) or
Windows-1252; a file that mixes UTF-8 and Windows-1252 lines (two exports pasted together) is read line by line.
The delimiter (comma, semicolon, tab or pipe) is the one that splits the first lines into the most consistent
number of fields. The header row is the one of the first rows that names the most known columns, so title lines
above it are skipped; blank lines, repeated header rows and trailing lines that are not data ("Total: 57 records")
are set aside with a reason. Excel files (.xlsx, .xlsm, .xls) are read with calamine.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import UsageError
from ..schema import normalize_header

DELIMITERS = (",", ";", "\t", "|")
HEADER_SEARCH_ROWS = 30
SNIFF_LINES = 60
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".tab", "")


@dataclass(frozen=True)
class SkippedLine:
    row: int  # row (line) number in the file, 1-based
    reason: str
    cells: tuple[object, ...]


@dataclass(frozen=True)
class RawTable:
    """A file's header row and data rows, each data row with its row (line) number in the file."""

    path: Path
    headers: tuple[str, ...]
    rows: list[list[object]]
    row_numbers: list[int]
    skipped: list[SkippedLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the file was read: encoding, delimiter, sheet
    encoding: str = ""
    delimiter: str = ""


def read_file(path: Path, known_headers: Callable[[list[object]], int]) -> RawTable:
    """Read a lead file. `known_headers(row)` says how many cells of a row are column names an importer knows."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path} does not exist.")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give the lead file itself (.csv or .xlsx).")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        grid, notes = _excel_rows(path, known_headers)
        return _table(path, grid, known_headers, notes, encoding="", delimiter="")
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":  # an Excel file with a .csv name
        grid, notes = _excel_rows(path, known_headers)
        return _table(path, grid, known_headers, notes, encoding="", delimiter="")
    text, encoding, notes = decode(data)
    delimiter = sniff_delimiter(text)
    grid = _csv_rows(text, delimiter)
    notes.insert(0, f"{encoding}, {DELIMITER_NAMES[delimiter]}-separated")
    return _table(path, grid, known_headers, notes, encoding=encoding, delimiter=delimiter)


DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Bytes -> text, the encoding's name, and notes about anything unusual."""
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return _clean(data[3:].decode("utf-8", errors="replace")), "UTF-8 (with BOM)", notes
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _clean(data.decode("utf-16", errors="replace")), "UTF-16", notes
    sample = data[:4000]
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:  # UTF-16 without a mark
        even_zeros = sample[0::2].count(0)
        odd_zeros = sample[1::2].count(0)
        codec = "utf-16-be" if even_zeros > odd_zeros else "utf-16-le"
        return _clean(data.decode(codec, errors="replace")), "UTF-16", notes
    try:
        return _clean(data.decode("utf-8")), "UTF-8", notes
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    decoded, legacy = [], []
    for number, line in enumerate(lines, start=1):
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(line.decode("cp1252", errors="replace"))
            legacy.append(number)
    non_ascii = sum(1 for line in lines if not line.isascii())
    if len(legacy) == non_ascii:  # every line with accented letters is Windows-1252: the whole file is
        return _clean("".join(decoded)), "Windows-1252", notes
    shown = ", ".join(str(n) for n in legacy[:5]) + (" ..." if len(legacy) > 5 else "")
    notes.append(f"{len(legacy)} line(s) were not UTF-8 and were read as Windows-1252 (lines {shown})")
    return _clean("".join(decoded)), "UTF-8 mixed with Windows-1252", notes


def _clean(text: str) -> str:
    return text.replace("\x00", "")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one consistent width (more than one field)."""
    lines = [line for line in text.splitlines()[:SNIFF_LINES * 2] if line.strip()][:SNIFF_LINES]
    if not lines:
        return ","
    sample = "\n".join(lines)
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter)]
        widths = [w for w in widths if w > 1]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        score = (count, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(text: str, delimiter: str) -> list[tuple[int, list[object]]]:
    """(line number where the record starts, cells) for every record; cells trimmed, blanks as None."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[tuple[int, list[object]]] = []
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:  # a stray quote: read the rest of that line as plain cells
            row = []
        out.append((start, [_cell(v) for v in row]))
        start = reader.line_num + 1
    return out


def _cell(value: str) -> object:
    text = value.replace("\u00a0", " ").strip()
    return text if text else None


def _excel_rows(path: Path, known_headers: Callable[[list[object]], int]) -> tuple[list[tuple[int, list]], list[str]]:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as error:  # pragma: no cover - python-calamine is a dependency
        raise UsageError("Reading Excel files needs the python-calamine package.") from error
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # noqa: BLE001 - calamine raises its own error types
        raise UsageError(f"{path.name} could not be read as an Excel file ({error}).") from None
    best_name, best_rows, best_score = None, [], -1
    for name in book.sheet_names:
        try:
            values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001 - a chart sheet or an unreadable sheet: try the others
            continue
        score = max((known_headers(list(r)) for r in values[:HEADER_SEARCH_ROWS]), default=0)
        if score > best_score:
            best_name, best_rows, best_score = name, values, score
    if best_name is None:
        raise UsageError(f"{path.name} has no sheet with rows to import.")
    grid = [(i, [_excel_cell(v) for v in row]) for i, row in enumerate(best_rows, start=1)]
    notes = [f"Excel workbook, sheet {best_name!r}"]
    return grid, notes


def _excel_cell(value: object) -> object:
    if isinstance(value, str):
        return _cell(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _blank(row: list[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _table(path: Path, grid: list[tuple[int, list[object]]], known_headers: Callable[[list[object]], int],
           notes: list[str], encoding: str, delimiter: str) -> RawTable:
    header_at, best = None, 0
    for index, (_, row) in enumerate(grid[:HEADER_SEARCH_ROWS]):
        count = known_headers(row)
        if count > best:
            header_at, best = index, count
    if header_at is None:
        raise UsageError(f"{path.name}: I could not find a header row naming the columns (for example "
                         "'Address', 'City', 'Owner'). Is this a lead list?")
    header_cells = grid[header_at][1]
    while header_cells and header_cells[-1] is None:
        header_cells = header_cells[:-1]
    headers = tuple("" if h is None else str(h).strip() for h in header_cells)
    folded = [normalize_header(h) for h in headers]
    skipped = [SkippedLine(n, "above the header row", tuple(r)) for n, r in grid[:header_at] if not _blank(r)]
    width = len(headers)
    rows, numbers = [], []
    for number, row in grid[header_at + 1:]:
        if _blank(row):
            continue
        cells = list(row[:width]) + [None] * max(0, width - len(row))
        row_folded = [normalize_header(v) if isinstance(v, str) else None for v in cells]
        same = sum(1 for a, b in zip(row_folded, folded) if a and a == b)
        if same >= max(2, (sum(1 for f in folded if f) + 1) // 2):
            skipped.append(SkippedLine(number, "a repeated header row", tuple(cells)))
            continue
        rows.append(cells)
        numbers.append(number)
    rows, numbers, junk = _drop_trailing_junk(rows, numbers, width)
    skipped.extend(junk)
    if header_at:
        notes.append(f"header on row {grid[header_at][0]}")
    return RawTable(path, headers, rows, numbers, sorted(skipped, key=lambda s: s.row), notes, encoding, delimiter)


def _drop_trailing_junk(rows: list[list[object]], numbers: list[int],
                        width: int) -> tuple[list[list[object]], list[int], list[SkippedLine]]:
    """Lines at the end that fill at most one cell of a wide table ("Total: 57", "Exported by ...") are not leads."""
    junk: list[SkippedLine] = []
    if width < 3:
        return rows, numbers, junk
    while rows:
        filled = [v for v in rows[-1] if v is not None and not (isinstance(v, str) and not v.strip())]
        if len(filled) > 1:
            break
        junk.append(SkippedLine(numbers[-1], "not a lead row (a note at the end of the file)", tuple(rows[-1])))
        rows, numbers = rows[:-1], numbers[:-1]
    return rows, numbers, junk

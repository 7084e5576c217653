"""Files in and out of the CMA: a comps or subjects file (CSV or .xlsx) read as a table with canonical columns.

Headers are matched by name and alias exactly as on the workbook's sheets, so an MLS export, the King County sales
file or a sheet saved as CSV all work without renaming.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import UsageError
from .schema import Column, map_headers
from .store import find_header_row, is_blank
from .values import nones


def read_rows(path: str | Path) -> list[list[object]]:
    """All rows of a .csv or the first sheet of an .xlsx, values as the file holds them (CSV cells as text)."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path} was not found.")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        import csv

        with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
            sample = handle.read(65536)
            handle.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
            except csv.Error:
                dialect = csv.excel
            return [[None if cell.strip() == "" else cell for cell in row] for row in csv.reader(handle, dialect)]
    if suffix in (".xlsx", ".xlsm"):
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(path))
            rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as error:  # noqa: BLE001 - one sentence for any unreadable file
            raise UsageError(f"{path.name} could not be read as a workbook ({error}).") from error
        return [[None if v == "" else v for v in row] for row in rows]
    raise UsageError(f"{path.name}: use a .csv or .xlsx file (saved from Excel or the MLS export).")


def read_table(path: str | Path, columns: tuple[Column, ...], what: str) -> tuple[pd.DataFrame, list[str]]:
    """The file's rows with canonical column names (index = line number in the file) and the headers not used."""
    rows = read_rows(path)
    header_index = find_header_row(rows, columns)
    if header_index is None:
        names = ", ".join(c.name for c in columns[:6])
        raise UsageError(f"{Path(path).name}: no header row with the {what} columns I know (for example {names}).")
    headers = rows[header_index]
    header_map = map_headers(list(headers), columns)
    body = [(number, row) for number, row in enumerate(rows[header_index + 1:], start=header_index + 2)
            if not all(is_blank(v) for v in row)]
    index = pd.Index([number for number, _ in body], name="line")
    frame = pd.DataFrame(index=index)
    for column in columns:
        position = header_map.positions.get(column.name)
        if position is None:
            frame[column.name] = nones(index)
        else:
            frame[column.name] = pd.Series([row[position] if position < len(row) else None for _, row in body],
                                           index=index, dtype=object)
    return frame, list(header_map.unknown)

"""Values between Python and the Sheets API: what a RAW write sends, what an UNFORMATTED_VALUE read gives back,
A1 ranges, and CellData for batchUpdate requests.

Dates travel as serial numbers (days since 1899-12-30, the epoch Sheets and Excel share) and show as dates through
the cell's number format. Text always travels as text: a RAW value or a CellData stringValue is never parsed, so
"=IMPORTXML(...)" from an imported file stays the characters an agent sees, never a formula.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re

import pandas as pd

EPOCH = dt.datetime(1899, 12, 30)
DAY = dt.timedelta(days=1)

Wire = None | str | int | float | bool


def to_wire(value: object) -> Wire:
    """The JSON value a RAW write sends for a Python value (None for a blank cell)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes, dt.datetime, dt.date)):
        value = value.item()  # numpy scalars
        if isinstance(value, bool):
            return value
    if isinstance(value, pd.Timestamp):
        if value is pd.NaT or pd.isna(value):
            return None
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return serial(value.replace(tzinfo=None))
    if isinstance(value, dt.date):
        return serial(dt.datetime.combine(value, dt.time()))
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return value if value != "" else None
    return str(value)


def serial(when: dt.datetime) -> int | float:
    days = (when - EPOCH) / DAY
    rounded = round(days, 9)
    return int(rounded) if rounded.is_integer() else rounded


def from_serial(days: float) -> dt.datetime:
    """A serial number as a datetime, to the nearest second (Sheets stores a double)."""
    when = EPOCH + dt.timedelta(days=float(days))
    return (when + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


def from_read(value: object) -> object:
    """A value from an UNFORMATTED_VALUE read: blank text is an empty cell."""
    return None if value == "" else value


def same(a: Wire, b: Wire) -> bool:
    """Cell equality as a user sees it: blank is blank, True is not 1, 46355 is 46355.0."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
    return a == b


# --- A1 ---------------------------------------------------------------------------------------------------------
def column_letters(index0: int) -> str:
    """0 -> 'A', 26 -> 'AA'."""
    index = index0 + 1
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def quote(title: str) -> str:
    """A sheet title as an A1 prefix: always quoted, inner quotes doubled ("'Bob''s leads'")."""
    return "'" + title.replace("'", "''") + "'"


def a1(title: str, row0: int, col0: int, row1: int | None = None, col1: int | None = None) -> str:
    """'Leads'!G2:G501 from 0-based, end-exclusive bounds; row1 None means open to the bottom."""
    start = f"{column_letters(col0)}{row0 + 1}"
    last_col = column_letters((col1 if col1 is not None else col0 + 1) - 1)
    end = last_col if row1 is None else f"{last_col}{row1}"
    return f"{quote(title)}!{start}:{end}"


# --- CellData for spreadsheets.batchUpdate ----------------------------------------------------------------------
_DATE_TOKENS = re.compile(r"y|d", re.I)
_TIME_TOKENS = re.compile(r"h|s", re.I)


def number_format(pattern: str | None) -> dict | None:
    """An Excel-style number format from the schema ('yyyy-mm-dd', '"$"#,##0', '0') as a Sheets NumberFormat."""
    if not pattern:
        return None
    if _DATE_TOKENS.search(pattern.replace('"$"', "")):
        kind = "DATE_TIME" if _TIME_TOKENS.search(pattern) else "DATE"
    elif "$" in pattern:
        kind = "CURRENCY"
    elif pattern.endswith("%"):
        kind = "PERCENT"
    else:
        kind = "NUMBER"
    return {"type": kind, "pattern": pattern}


def cell(value: object, pattern: str | None = None, fmt: dict | None = None) -> dict:
    """CellData for one value. Text goes as stringValue (never a formula); dates as numberValue with a date format."""
    wire = to_wire(value)
    data: dict = {}
    if isinstance(wire, bool):
        data["userEnteredValue"] = {"boolValue": wire}
    elif isinstance(wire, (int, float)):
        data["userEnteredValue"] = {"numberValue": wire}
    elif wire is not None:
        data["userEnteredValue"] = {"stringValue": wire}
    user_format = dict(fmt or {})
    if pattern is None and isinstance(value, (dt.datetime, pd.Timestamp)) and wire is not None:
        pattern = "yyyy-mm-dd hh:mm" if serial_has_time(wire) else "yyyy-mm-dd"
    nf = number_format(pattern) if wire is not None and not isinstance(wire, (str, bool)) else None
    if nf:
        user_format["numberFormat"] = nf
    if user_format:
        data["userEnteredFormat"] = user_format
    return data


def value_cell(value: object) -> dict:
    """CellData with the value only (its column's number format is set once for many rows)."""
    wire = to_wire(value)
    if isinstance(wire, bool):
        return {"userEnteredValue": {"boolValue": wire}}
    if isinstance(wire, (int, float)):
        return {"userEnteredValue": {"numberValue": wire}}
    return {} if wire is None else {"userEnteredValue": {"stringValue": wire}}


def serial_has_time(wire: Wire) -> bool:
    return isinstance(wire, float) and not float(wire).is_integer()


def rgb(hex_colour: str) -> dict:
    return {"red": int(hex_colour[0:2], 16) / 255, "green": int(hex_colour[2:4], 16) / 255,
            "blue": int(hex_colour[4:6], 16) / 255}


def grid_range(sheet_id: int, row0: int | None = None, row1: int | None = None, col0: int | None = None,
               col1: int | None = None) -> dict:
    out: dict = {"sheetId": sheet_id}
    for name, value in (("startRowIndex", row0), ("endRowIndex", row1), ("startColumnIndex", col0),
                        ("endColumnIndex", col1)):
        if value is not None:
            out[name] = value
    return out


def encoded_size(body: object) -> int:
    """Bytes of the JSON body as the client sends it (compact, UTF-8)."""
    return len(encode(body))


def encode(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")

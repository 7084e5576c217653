"""Values as a homeowner reads them: money, dates written out, text that is safe inside a document or a CSV."""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

from ..values import looks_like_formula

# XML 1.0 allows tab, newline and carriage return among the control characters; docxtpl turns \a, \f and \v in a
# value into paragraph, page and line breaks, which a cell's text must never do.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(value: object) -> str:
    """A cell's value as one safe line of text: '' for blank, None, NaN or NaT; control characters dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if value is pd.NaT:
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return long_date(value)
    text = str(value)
    if text.strip().casefold() in ("nan", "none", "nat", "null"):
        return ""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return " ".join(text.split())


def clean_block(value: object) -> str:
    """Like `clean`, but keeps line breaks (a story of several paragraphs)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = _CONTROL.sub(" ", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line) if any(lines) else ""


def number(value: object) -> float | None:
    if value is None or value is pd.NaT:
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(result) or math.isinf(result) else result


def money(value: object) -> str:
    """$250,000 (whole dollars); negative as -$12,500; '' when unknown."""
    amount = number(value)
    if amount is None:
        return ""
    rounded = round(amount)
    return f"-${-rounded:,.0f}" if rounded < 0 else f"${rounded:,.0f}"


def to_date(value: object) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp.date()


def long_date(value: object) -> str:
    """March 4, 2026 ('' when unknown)."""
    day = to_date(value)
    return f"{day:%B} {day.day}, {day.year}" if day else ""


def weekday_date(value: object) -> str:
    """Wednesday, March 4, 2026."""
    day = to_date(value)
    return f"{day:%A}, {day:%B} {day.day}, {day.year}" if day else ""


def clock(moment: dt.datetime) -> str:
    """10:00 AM, 2:30 PM."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def join_words(items: list[str], conjunction: str = "and") -> str:
    """['a'] -> 'a'; ['a','b'] -> 'a and b'; ['a','b','c'] -> 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


# What a spreadsheet may read as the start of a formula in a CSV cell: = + - @ (values.looks_like_formula), and a tab
# or carriage return in front of one (OWASP "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection).
_CSV_LEADS = ("\t", "\r")
# A phone number as typed: digits, spaces, + - . ( ) only, starting with + ( or a digit. With no letters it can call
# no function (HYPERLINK, DDE), so a phone column keeps "+44 20 7946 0018" as written for the SMS tool reading it.
_PHONE_TEXT = re.compile(r"[+(]?\d[\d ().+-]*")


def csv_cell(value: object, phone: bool = False) -> object:
    """A value for a CSV cell that a spreadsheet opens as text, never as a formula: text that could start one gets a
    leading apostrophe; numbers, dates and blanks pass unchanged. `phone`: the cell is a phone column, and a phone
    number in it is written as it is. The one rule for every CSV the tool writes."""
    if not isinstance(value, str) or not value:
        return value
    if phone and _PHONE_TEXT.fullmatch(value.strip()):
        return value
    return "'" + value if looks_like_formula(value) or value[:1] in _CSV_LEADS else value


def csv_safe(value: object, phone: bool = False) -> str:
    """`csv_cell` of the value as one clean line of text."""
    return csv_cell(clean(value), phone)


def file_part(text: str, limit: int = 40) -> str:
    """Text for a file name: letters, digits, dot, dash and underscore only."""
    part = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return part[:limit] or "x"

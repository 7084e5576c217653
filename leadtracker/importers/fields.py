"""Which Leads columns an import may change, and values in the forms the import compares and records.

- Vendor-owned facts: what the vendor knows better than the agent and re-reports every week (the sale date after
  a postponement, the balance, the notice dates, the lender, the property's facts). A re-import updates them, unless
  the agent changed the cell by hand (see ledger.py for how that is known).
- Everything else the import only fills when blank: who the owners are, how to reach them, the mailing address, the
  agent's own columns.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

import pandas as pd

from ..schema import LEAD_COLUMN_BY_NAME, ValueType
from .contacts import e164

VENDOR_FACTS: tuple[str, ...] = (
    "Lender", "Loan Balance", "Other Liens", "Est. Value", "Distress Score", "Default Date", "Notice Date",
    "Filing Date", "Sale Date", "Beds", "Baths", "Sq Ft", "Lot Sq Ft", "Year Built", "Garage Spaces",
    "Property Type", "Latitude", "Longitude", "County")
# Columns where a different vendor value next to the agent's is worth an Activity note ("kept ..., list says ...").
NOTED_WHEN_KEPT: frozenset[str] = frozenset(VENDOR_FACTS + (
    "Phone", "Phone 2", "Email", "Mailing Address", "Mailing City", "Mailing State", "Mailing ZIP", "Do Not Call",
    "Do Not Text", "Do Not Email", "Do Not Mail"))
NUMERIC = (ValueType.MONEY, ValueType.NUMBER, ValueType.INTEGER, ValueType.PERCENT)


def column_type(column: str) -> ValueType:
    return LEAD_COLUMN_BY_NAME[column].type


def comparable(column: str, value: object) -> str | None:
    """A value reduced to what matters when comparing two of them: '2026-12-01', '245000', '+18135550142', 'yes',
    text folded to lower case with single spaces. Blank -> None."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    kind = column_type(column)
    if kind is ValueType.DATE:
        stamp = _date(value)
        return stamp.strftime("%Y-%m-%d") if stamp is not None else _text(value)
    if kind in NUMERIC:
        number = _number(value)
        return _plain_number(number) if number is not None else _text(value)
    if kind is ValueType.PHONE:
        text = _text(value)
        if text is None:
            return None
        number, _ = e164(text)
        return number or text
    if kind is ValueType.FLAG:
        text = _text(value)
        if text is None:
            return None
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "yes" if text in ("yes", "y", "true", "1", "x", "dnc") else "no" if text in (
            "no", "n", "false", "0") else text
    if kind is ValueType.ZIP:
        text = _text(value)
        if text is None:
            return None
        digits = text.split("-")[0].replace(" ", "")
        if isinstance(value, (int, float)) or digits.isdigit():
            return digits.zfill(5)[:5] if len(digits) <= 5 else digits[:5]
        return text
    return _text(value)


def shown(column: str, value: object) -> str:
    """A value as the Activity notes write it: dates as 2026-12-01, money as $245,000."""
    kind = column_type(column)
    if kind is ValueType.DATE:
        stamp = _date(value)
        if stamp is not None:
            return stamp.strftime("%Y-%m-%d")
    if kind is ValueType.MONEY:
        number = _number(value)
        if number is not None:
            return f"${number:,.0f}" if float(number).is_integer() else f"${number:,.2f}"
    if kind in NUMERIC:
        number = _number(value)
        if number is not None:
            return _plain_number(number)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def noted_comparable(column: str, text: str) -> str | None:
    """The comparable form of a value as a note wrote it (see `shown`)."""
    kind = column_type(column)
    if kind is ValueType.MONEY or kind in NUMERIC:
        cleaned = text.replace("$", "").replace(",", "").strip()
        try:
            return _plain_number(float(cleaned))
        except ValueError:
            return comparable(column, text)
    return comparable(column, text)


def _text(value: object) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    text = " ".join(str(value).split()).casefold()
    return text or None


def _date(value: object) -> dt.datetime | None:
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (str, int, float)):
        return _date_of(value)
    return None


@lru_cache(maxsize=20_000)
def _date_of(value: str | int | float) -> dt.datetime | None:
    from ..values import parse_dates

    parsed = parse_dates(pd.Series([value], dtype=object), "value").values.iloc[0]
    return None if pd.isna(parsed) else pd.Timestamp(parsed).to_pydatetime()


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and not math.isfinite(value) else float(value)
    return _number_of(str(value))


@lru_cache(maxsize=20_000)
def _number_of(value: str) -> float | None:
    from ..values import parse_money

    parsed = parse_money(pd.Series([value], dtype=object), "value", allow_negative=True).values.iloc[0]
    return None if pd.isna(parsed) else float(parsed)


def _plain_number(number: float) -> str:
    rounded = round(float(number), 2)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.2f}".rstrip("0").rstrip(".")

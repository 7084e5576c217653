"""Reading the values agents and vendors type: dates, money, numbers, flags, states, ZIPs, phones and emails.

Every parser takes a column (an object Series as read from the sheet) and returns the parsed values plus, for each
row, a plain-words problem or None. A value that cannot be read becomes blank and a problem; it never raises.
Parsers work on whole columns (vectorised) because they run on every row of every refresh.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from .schema import US_STATES, ValueType

EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
PLACEHOLDERS = frozenset({"n/a", "na", "tbd", "unknown", "none", "null", "?", "-", "--", "pending"})
DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M", "%m-%d-%Y", "%m-%d-%y", "%Y/%m/%d", "%b %d, %Y", "%B %d, %Y", "%b %d %Y",
                "%B %d %Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%d %B %Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S",
                "%m/%d/%Y %I:%M %p", "%m/%d/%y %H:%M", "%m/%d/%y %I:%M %p", "%m.%d.%Y")
EXCEL_EPOCH = np.datetime64("1899-12-30")
# Serials for 1954-10-01 .. 2119-08-20: dates a lead row can plausibly hold. Other numbers are not dates.
SERIAL_MIN, SERIAL_MAX = 20_000, 80_000
TRUE_WORDS = frozenset({"y", "yes", "true", "x", "1", "1.0", "dnc", "t", "on", "✓", "✔", "opted out", "opt out"})
FALSE_WORDS = frozenset({"n", "no", "false", "0", "0.0", "f", "off", "ok"})
STATE_BY_NAME = {name.casefold(): code for code, name in US_STATES.items()}
MONEY_PATTERN = r"^\(?-?\$?-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\)?([km])?$"
NUMBER_PATTERN = r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$"
EMAIL_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"


def nones(index: pd.Index) -> pd.Series:
    """An object column of None (pd.Series(None, dtype=object) would hold NaN)."""
    return pd.Series([None] * len(index), index=index, dtype=object)


@dataclass(frozen=True)
class Parsed:
    values: pd.Series
    issues: pd.Series  # str or None per row


def show(value: object, limit: int = 40) -> str:
    """A value as it should appear inside a message: quoted, one line, never more than `limit` characters."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


# What each cell holds, as a small integer per cell, so masks are numpy comparisons
K_NONE, K_STR, K_BOOL, K_INT, K_FLOAT, K_DATETIME, K_OTHER = range(7)
_KIND_OF_TYPE = {type(None): K_NONE, str: K_STR, bool: K_BOOL, np.bool_: K_BOOL, int: K_INT, np.int64: K_INT,
                 float: K_FLOAT, np.float64: K_FLOAT, dt.datetime: K_DATETIME, pd.Timestamp: K_DATETIME,
                 dt.date: K_DATETIME}


_KIND_OF_INFERRED = {"string": K_STR, "datetime": K_DATETIME, "date": K_DATETIME, "integer": K_INT,
                     "floating": K_FLOAT, "mixed-integer-float": K_FLOAT, "boolean": K_BOOL, "empty": K_NONE}


def _kinds(series: pd.Series) -> pd.Series:
    """What each cell holds; NaN floats count as blank. Uniform columns take one C pass (infer_dtype)."""
    blank = series.isna().to_numpy()
    single = _KIND_OF_INFERRED.get(infer_dtype(series, skipna=True))
    if single is not None:
        codes = np.where(blank, K_NONE, single).astype(np.int8)
    else:
        codes = series.map(type).map(_KIND_OF_TYPE).fillna(K_OTHER).to_numpy(dtype=np.int8)
        codes[(codes == K_FLOAT) & blank] = K_NONE
    return pd.Series(codes, index=series.index)


def _strings(series: pd.Series, kinds: pd.Series) -> pd.Series:
    """The stripped text of the string cells (NaN elsewhere), as an object column."""
    values = series.to_numpy(dtype=object)
    rows = np.flatnonzero(kinds.to_numpy() == K_STR)
    text = np.full(len(values), np.nan, dtype=object)
    if len(rows):
        text[rows] = np.fromiter((value.strip() for value in values[rows]), dtype=object, count=len(rows))
    return pd.Series(text, index=series.index, dtype=object)


def _blank(series: pd.Series, kinds: pd.Series, text: pd.Series) -> pd.Series:
    return (kinds == K_NONE) | (kinds == K_STR) & (text == "")


def _issue(mask: pd.Series, series: pd.Series, template: str, label: str) -> pd.Series:
    """Messages for the masked rows, e.g. "Sale Date 'N/A' is not a date"."""
    out = nones(series.index)
    if mask.any():
        out[mask] = [template.format(label=label, value=show(v)) for v in series[mask]]
    return out


def _combine(*issue_series: pd.Series) -> pd.Series:
    result = issue_series[0].copy()
    for other in issue_series[1:]:
        fill = result.isna() & other.notna()
        result[fill] = other[fill]
    return result


def _error_cells(series: pd.Series, text: pd.Series, label: str) -> tuple[pd.Series, pd.Series]:
    errors = pd.Series(False, index=series.index)
    present = text.dropna()
    if len(present):
        hashed = present[present.str.startswith("#")]
        if len(hashed):
            errors[hashed.index] = hashed.str.upper().isin(EXCEL_ERRORS)
    return errors.fillna(False).astype(bool), _issue(errors.fillna(False).astype(bool), series,
                                                     "{label} shows the Excel error {value}", label)


def parse_dates(series: pd.Series, label: str, keep_time: bool = False, kinds: pd.Series | None = None) -> Parsed:
    kinds = _kinds(series) if kinds is None else kinds
    if kinds.isin([K_DATETIME, K_NONE]).all():  # the usual case: real date cells
        try:
            stamps = pd.Series(pd.DatetimeIndex(series.to_numpy(dtype=object)), index=series.index)
        except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
            stamps = None  # mixed time zones, far-away years: the careful path below
        usable = (stamps is not None and stamps.dt.tz is None and stamps.notna().sum() == series.notna().sum()
                  and not ((stamps.dt.year < 1900) | (stamps.dt.year > 2100)).any())
        if usable:
            stamps = stamps.astype("datetime64[ns]")
            return Parsed(stamps if keep_time else stamps.dt.normalize(), nones(series.index))
    text = _strings(series, kinds)
    blank = _blank(series, kinds, text)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")

    is_datetime = kinds.eq(K_DATETIME)
    if is_datetime.any():
        out[is_datetime] = _to_timestamps(series[is_datetime].map(_to_datetime))

    is_number = kinds.isin([K_INT, K_FLOAT]) & ~blank
    if is_number.any():
        numbers = pd.to_numeric(series[is_number], errors="coerce").astype(float)
        ok = numbers.between(SERIAL_MIN, SERIAL_MAX)
        days = numbers[ok]
        out[days.index] = EXCEL_EPOCH + pd.to_timedelta(days, unit="D")

    is_text = (kinds == K_STR) & ~blank
    if is_text.any():
        remaining = text[is_text]
        parsed = pd.Series(pd.NaT, index=remaining.index, dtype="datetime64[ns]")
        for fmt in DATE_FORMATS:
            todo = parsed.isna()
            if not todo.any():
                break
            parsed[todo] = _to_timestamps(remaining[todo], fmt)
        serial_text = pd.to_numeric(remaining[parsed.isna()], errors="coerce")
        serial_text = serial_text[serial_text.between(SERIAL_MIN, SERIAL_MAX)]
        parsed[serial_text.index] = EXCEL_EPOCH + pd.to_timedelta(serial_text.astype(float), unit="D")
        out[parsed.index] = parsed

    out_of_range = out.notna() & ((out.dt.year < 1900) | (out.dt.year > 2100))
    out[out_of_range] = pd.NaT
    outside = out_of_range | (is_datetime & out.isna())
    unread_text = (kinds == K_STR) & out.isna() & ~blank
    if unread_text.any():
        candidates = text[unread_text]
        date_like = candidates.str.match(r"^\d{1,2}/\d{1,2}/\d{4}$|^\d{4}-\d{2}-\d{2}").astype(bool)
        outside[candidates.index[date_like & _year_outside(candidates)]] = True
    unread = out.isna() & ~blank
    is_error, error_issues = _error_cells(series, text, label)
    is_bool = kinds == K_BOOL
    issues = _combine(
        error_issues,
        _issue(is_bool, series, "{label} holds {value}, a yes/no value, not a date", label),
        _issue(outside, series,
               "{label} {value} is outside the years 1900–2100; left blank", label),
        _issue(unread & text.str.casefold().isin(PLACEHOLDERS).fillna(False).astype(bool), series,
               "{label} {value} is not a date; left blank", label),
        _issue(unread, series, "{label} {value} is not a date I can read (use a date like 3/15/2026)", label),
    )
    if not keep_time:
        out = out.dt.normalize()
    return Parsed(out, issues.where(unread | is_error, None))


def _year_outside(text: pd.Series) -> pd.Series:
    years = pd.to_numeric(text.str.extract(r"(\d{4})")[0], errors="coerce")
    return ((years < 1900) | (years > 2100)).fillna(False).astype(bool)


def _to_timestamps(values: pd.Series, fmt: str | None = None) -> pd.Series:
    """pd.to_datetime that turns every failure, out-of-range years included, into NaT."""
    try:
        return pd.to_datetime(values, format=fmt, errors="coerce").astype("datetime64[ns]")
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.Series([_one_timestamp(v, fmt) for v in values], index=values.index, dtype="datetime64[ns]")


def _one_timestamp(value: object, fmt: str | None) -> object:
    try:
        stamp = pd.to_datetime(value, format=fmt, errors="coerce")
        return stamp if stamp is not pd.NaT and 1900 <= stamp.year <= 2100 else pd.NaT
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT


def _to_datetime(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _parse_amounts(series: pd.Series, label: str, pattern: str, what: str, allow_negative: bool,
                   kinds: pd.Series | None = None) -> Parsed:
    kinds = _kinds(series) if kinds is None else kinds
    if kinds.isin([K_INT, K_FLOAT, K_NONE]).all():  # the usual case: real numbers
        numbers = pd.to_numeric(series, errors="coerce").astype(float)
        if allow_negative or not (numbers < 0).any():
            finite = numbers.where(np.isfinite(numbers))
            if finite.notna().sum() == numbers.notna().sum():
                return Parsed(finite, nones(series.index))
    text = _strings(series, kinds)
    blank = _blank(series, kinds, text)
    out = pd.Series(np.nan, index=series.index, dtype=float)
    is_number = kinds.isin([K_INT, K_FLOAT]) & ~blank
    if is_number.any():
        out[is_number] = pd.to_numeric(series[is_number], errors="coerce").astype(float)
    is_text = (kinds == K_STR) & ~blank
    if is_text.any():
        cleaned = text[is_text].str.replace(" ", "", regex=False).str.lower()
        good = cleaned.str.fullmatch(pattern).fillna(False).astype(bool)
        good_text = cleaned[good]
        negative = good_text.str.startswith("(") | good_text.str.contains("-", regex=False)
        multiplier = good_text.str[-1].map({"k": 1_000.0, "m": 1_000_000.0}).fillna(1.0)
        digits = good_text.str.replace(r"[^0-9.]", "", regex=True)
        amounts = pd.to_numeric(digits, errors="coerce") * multiplier
        amounts[negative] = -amounts[negative]
        out[amounts.index] = amounts
    out[~np.isfinite(out)] = np.nan
    unread = out.isna() & ~blank
    negative = out < 0
    if not allow_negative:
        out[negative] = np.nan
    is_error, error_issues = _error_cells(series, text, label)
    issues = _combine(
        error_issues,
        _issue((kinds == K_BOOL), series, "{label} holds {value}, a yes/no value, not " + what, label),
        _issue(unread, series, "{label} {value} is not " + what + " I can read", label),
        _issue(negative if not allow_negative else negative & False, series,
               "{label} {value} is negative; left blank", label),
    )
    mask = unread | is_error | (negative if not allow_negative else negative & False)
    return Parsed(out, issues.where(mask, None))


def parse_money(series: pd.Series, label: str, allow_negative: bool = False, kinds: pd.Series | None = None) -> Parsed:
    return _parse_amounts(series, label, MONEY_PATTERN, "an amount", allow_negative, kinds)


def parse_numbers(series: pd.Series, label: str, allow_negative: bool = False,
                  kinds: pd.Series | None = None) -> Parsed:
    return _parse_amounts(series, label, NUMBER_PATTERN, "a number", allow_negative, kinds)


def parse_flags(series: pd.Series, label: str, kinds: pd.Series | None = None) -> Parsed:
    """Do-Not flags. Anything that is not clearly "no" counts as yes: a flag we cannot read must not allow contact."""
    kinds = _kinds(series) if kinds is None else kinds
    text = _strings(series, kinds)
    blank = _blank(series, kinds, text)
    words = series.astype(str).str.strip().str.casefold()
    is_true = words.isin(TRUE_WORDS) | series.map(lambda v: v is True)
    is_false = words.isin(FALSE_WORDS) | series.map(lambda v: v is False)
    is_date = kinds.eq(K_DATETIME)  # a date typed into the flag: opted out on that date
    unread = ~blank & ~is_true & ~is_false & ~is_date
    out = (is_true | is_date | unread) & ~blank & ~is_false
    issues = _issue(unread, series, "{label} {value} is not Yes or No; treated as Yes to be safe", label)
    return Parsed(out.astype(bool), issues.where(unread, None))


def parse_states(series: pd.Series, label: str, kinds: pd.Series | None = None) -> Parsed:
    kinds = _kinds(series) if kinds is None else kinds
    text = _strings(series, kinds)
    blank = _blank(series, kinds, text)
    upper = text.str.upper().str.replace(".", "", regex=False)
    by_code = upper.where(upper.isin(US_STATES.keys()))
    by_name = text.str.casefold().map(STATE_BY_NAME)
    out = by_code.fillna(by_name)
    unread = out.isna() & ~blank
    issues = _issue(unread, series, "{label} {value} is not a US state (use the two-letter code, like FL)", label)
    return Parsed(out.astype(object).where(out.notna(), None), issues.where(unread, None))


def parse_zips(series: pd.Series, label: str, kinds: pd.Series | None = None) -> Parsed:
    kinds = _kinds(series) if kinds is None else kinds
    text = _strings(series, kinds)
    blank = _blank(series, kinds, text)
    numbers = pd.to_numeric(series.where(kinds.isin([K_INT, K_FLOAT])), errors="coerce")
    whole = numbers.where((numbers % 1 == 0) & numbers.between(0, 99999))
    from_number = whole.dropna().astype(int).astype(str).str.zfill(5)
    zip_like = text.str.fullmatch(r"\d{5}(?:-?\d{4})?").fillna(False).astype(bool)
    from_text = text.str.slice(0, 5).where(zip_like)
    short = text.str.fullmatch(r"\d{3,4}").fillna(False).astype(bool)  # Excel dropped the leading zeros
    from_text[short] = text[short].str.zfill(5)
    out = from_text.copy()
    out[from_number.index] = from_number
    unread = out.isna() & ~blank
    issues = _issue(unread, series, "{label} {value} is not a ZIP code", label)
    return Parsed(out.astype(object).where(out.notna(), None), issues.where(unread, None))


def parse_phones(series: pd.Series, label: str, kinds: pd.Series | None = None) -> Parsed:
    """US phone numbers as +1 and ten digits; anything else is reported and not dialled."""
    kinds = _kinds(series) if kinds is None else kinds
    text = _strings(series, kinds)
    blank = _blank(series, kinds, text)
    present = ~blank
    out = nones(series.index)
    if present.any():  # one call per cell (numbers rarely repeat), over the array rather than the Series
        at = np.flatnonzero(present.to_numpy(dtype=bool))
        cells = out.to_numpy(dtype=object).copy()
        cells[at] = [_dialable(str(int(v)) if isinstance(v, float) and v.is_integer() else v)
                     for v in series.to_numpy(dtype=object)[at]]
        out = pd.Series(cells, index=series.index, dtype=object)
    unread = out.isna() & ~blank
    is_error, error_issues = _error_cells(series, text, label)
    issues = _combine(error_issues,
                      _issue(unread, series, "{label} {value} is not a US phone number I can dial", label))
    return Parsed(out.astype(object).where(out.notna(), None), issues.where(unread, None))


_EXTENSION = re.compile(r"(?i)\s*(ext|x)\.?\s*\d+$")
_NOT_DIGIT = re.compile(r"\D")
_US_NUMBER = re.compile(r"[2-9][0-9]{2}[2-9][0-9]{6}")


_KEEP_DIGITS = {i: None for i in range(128) if not chr(i).isdigit()}


def _dialable(value: object) -> str | None:
    """'(305) 555-1234 x12' -> '+13055551234'; None when it is not a US number."""
    text = str(value)
    if "x" in text or "X" in text:  # an extension: "305-555-1234 x12", "ext. 12"
        text = _EXTENSION.sub("", text)
    digits = text.translate(_KEEP_DIGITS)
    if not digits.isascii():
        digits = _NOT_DIGIT.sub("", digits)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return "+1" + digits if _US_NUMBER.fullmatch(digits) else None


def parse_emails(series: pd.Series, label: str, kinds: pd.Series | None = None) -> Parsed:
    kinds = _kinds(series) if kinds is None else kinds
    text = _strings(series, kinds)
    blank = _blank(series, kinds, text)
    cleaned = text.str.removeprefix("mailto:")
    valid = cleaned.str.fullmatch(EMAIL_PATTERN).fillna(False).astype(bool)
    out = cleaned.where(valid)
    unread = out.isna() & ~blank
    issues = _issue(unread, series, "{label} {value} is not an email address", label)
    return Parsed(out.astype(object).where(out.notna(), None), issues.where(unread, None))


def parse_text(series: pd.Series, label: str, kinds: pd.Series | None = None) -> Parsed:
    """Trimmed text; blanks as None; an Excel error cell (#N/A...) is reported, not kept; numbers and dates typed
    into a text column read as the text they show. One pass over the cells (names and addresses rarely repeat)."""
    kinds = _kinds(series) if kinds is None else kinds
    codes = kinds.to_numpy()
    values = series.to_numpy(dtype=object)
    out = np.full(len(values), None, dtype=object)
    issues = np.full(len(values), None, dtype=object)
    rows = np.flatnonzero(codes == K_STR)
    for i, text in zip(rows, (value.strip() for value in values[rows])):
        if not text:
            continue
        if text[0] == "#" and text.upper() in EXCEL_ERRORS:
            issues[i] = f"{label} shows the Excel error {show(values[i])}"
        else:
            out[i] = text
    others = np.flatnonzero((codes != K_STR) & (codes != K_NONE))
    for i in others:  # numbers and dates typed into a text column
        out[i] = _plain_text(values[i])
    return Parsed(pd.Series(out, index=series.index, dtype=object),
                  pd.Series(issues, index=series.index, dtype=object))


def text_keys(series: pd.Series) -> pd.Series:
    """key_text for a whole column: trimmed text, whole numbers without ".0", None for blanks."""
    codes, keys = text_key_codes(series)
    return pd.Series(keys[codes], index=series.index, dtype=object)


def text_key_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """text_keys as (codes, keys): row i's key is keys[codes[i]]; the last key is None (the blanks).

    Ledgers name the same lead on many rows, so each distinct cell is keyed once and lookups (is this a known
    lead?) run over the distinct keys only."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(uniques) and _may_merge_flags(uniques) and _has_flags(series, None):  # True == 1: key every cell
        keys = _text_keys(series).to_numpy(dtype=object)
        return np.arange(len(keys)), np.append(keys, None)
    keys = _text_keys(pd.Series(list(uniques) + [None], dtype=object)).to_numpy(dtype=object)
    return np.where(codes < 0, len(uniques), codes), keys


def _text_keys(series: pd.Series) -> pd.Series:
    kinds = _kinds(series)
    text = _strings(series, kinds)
    out = text.astype(object).where((kinds == K_STR) & text.ne(""), None)
    others = series.notna() & (kinds != K_STR)
    if others.any():
        out[others] = [_plain_text(v) for v in series[others]]
    return out


def cell_kinds(series: pd.Series) -> pd.Series:
    """What each cell holds (K_NONE, K_STR, ...), computed once and handed to the parsers."""
    return _kinds(series)


def nonblank(series: pd.Series) -> pd.Series:
    """True where a cell holds something other than nothing or spaces."""
    kinds = _kinds(series)
    return ~_blank(series, kinds, _strings(series, kinds))


def _plain_text(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


PARSERS = {
    ValueType.TEXT: parse_text,
    ValueType.DATE: parse_dates,
    ValueType.MONEY: parse_money,
    ValueType.NUMBER: parse_numbers,
    ValueType.INTEGER: parse_numbers,
    ValueType.PERCENT: parse_numbers,
    ValueType.FLAG: parse_flags,
    ValueType.STATE: parse_states,
    ValueType.ZIP: parse_zips,
    ValueType.PHONE: parse_phones,
    ValueType.EMAIL: parse_emails,
}


FACTORIZE_MIN_ROWS = 2_000


def parse_column(kind: ValueType, series: pd.Series, label: str, kinds: pd.Series | None = None,
                 **options: object) -> Parsed:
    """Parse a column, reading each distinct value only once.

    Lead lists repeat themselves (states, cities, dates, outcomes, the same Lead ID on many Activity rows), so a
    column is parsed through its distinct values and expanded back: same result, a fraction of the work.
    Columns where True, 1 and 1.0 could meet go straight to the parser (distinct values would merge them).
    """
    parser = PARSERS[kind]
    if len(series) >= FACTORIZE_MIN_ROWS and _repeats(series.iloc[:FACTORIZE_MIN_ROWS]):
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        if len(uniques) <= len(series) // 2 and not (_may_merge_flags(uniques) and _has_flags(series, kinds)):
            distinct = pd.Series(list(uniques) + [None], dtype=object)
            result = parser(distinct, label, **options)
            take = np.where(codes < 0, len(uniques), codes)
            values = pd.Series(result.values.to_numpy()[take], index=series.index, dtype=result.values.dtype)
            issues = pd.Series(result.issues.to_numpy(dtype=object)[take], index=series.index, dtype=object)
            return Parsed(values, issues)
    return parser(series, label, kinds=_kinds(series) if kinds is None else kinds, **options)


def _repeats(sample: pd.Series) -> bool:
    """Whether a column's first rows repeat enough for distinct-value parsing to pay (ids and addresses don't)."""
    return sample.nunique() <= len(sample) * 0.95


def _has_flags(series: pd.Series, kinds: pd.Series | None) -> bool:
    return bool(((_kinds(series) if kinds is None else kinds) == K_BOOL).any())


def _may_merge_flags(uniques: np.ndarray) -> bool:
    """True when a yes/no cell and a 0 or 1 could have been merged into one distinct value (True == 1 == 1.0)."""
    values = np.asarray(uniques, dtype=object)
    if not len(values):
        return False
    with np.errstate(all="ignore"):
        return bool(((values == 0) | (values == 1)).any())


def looks_like_formula(value: object) -> bool:
    """True for text a spreadsheet would run as a formula if it were typed in: = + - @ at the start."""
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@")

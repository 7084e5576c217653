"""Cell values as the fake stores them, how USER_ENTERED input is parsed, and how values render for each
valueRenderOption. A grid entry is None (empty), a bare value (str, int, float, bool) or a `Cell` when it carries a
formula, a format, a note or a validation rule; entries are replaced, never changed in place, so a batch can be
rolled back by keeping the old row lists."""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
import re

import numpy as np

EPOCH = dt.datetime(1899, 12, 30)


class Cell:
    __slots__ = ("value", "formula", "fmt", "note", "validation")

    def __init__(self, value=None, formula=None, fmt=None, note=None, validation=None):
        self.value = value
        self.formula = formula
        self.fmt = fmt
        self.note = note
        self.validation = validation

    def __repr__(self) -> str:
        return f"Cell({self.value!r}, formula={self.formula!r})"


def entry(value=None, formula=None, fmt=None, note=None, validation=None):
    """The smallest entry that holds these parts."""
    if value == "":
        value = None
    if formula is None and fmt is None and note is None and validation is None:
        return value
    return Cell(value, formula, fmt, note, validation)


def parts(e) -> dict:
    if isinstance(e, Cell):
        return {"value": e.value, "formula": e.formula, "fmt": e.fmt, "note": e.note, "validation": e.validation}
    return {"value": e, "formula": None, "fmt": None, "note": None, "validation": None}


def with_parts(e, **changes):
    p = parts(e)
    p.update(changes)
    return entry(**p)


def value_of(e):
    return e.value if isinstance(e, Cell) else e


def formula_of(e):
    return e.formula if isinstance(e, Cell) else None


def fmt_of(e):
    return e.fmt if isinstance(e, Cell) else None


def is_empty(e) -> bool:
    return value_of(e) is None and formula_of(e) is None


# --- input ------------------------------------------------------------------------------------------------------
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?$|^[+-]?\.\d+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_PERCENT = re.compile(r"^[+-]?\d+(\.\d+)?%$")
_CURRENCY = re.compile(r"^\$(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def serial(when: dt.datetime) -> float:
    return (when - EPOCH) / dt.timedelta(days=1)


def number(value: float):
    """JSON numbers as Google writes them: integral values without a fraction."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def raw_input(value, fmt):
    """valueInputOption=RAW: stored as given; text is never parsed, so '=1+1' stays text."""
    if isinstance(value, str):
        return entry(value, None, fmt)
    if isinstance(value, bool):
        return entry(value, None, fmt)
    if isinstance(value, (int, float)):
        return entry(number(float(value)) if isinstance(value, float) else value, None, fmt)
    return entry(None if value is None else str(value), None, fmt)


def user_entered(value, fmt):
    """valueInputOption=USER_ENTERED, simplified: formulas (arithmetic evaluated), numbers, dates, percents,
    booleans, and a leading apostrophe forcing text."""
    if not isinstance(value, str):
        return raw_input(value, fmt)
    text = value
    if text.startswith("'"):
        return entry(text[1:], None, fmt)
    if text.startswith("="):
        return entry(evaluate(text), text, fmt)
    stripped = text.strip()
    if _NUMBER.match(stripped):
        n = float(stripped.replace(",", ""))
        if "," in stripped:
            decimals = len(stripped.split(".")[1]) if "." in stripped else 0
            fmt = _merge_number_format(fmt, "NUMBER", "#,##0" + ("." + "0" * decimals if decimals else ""))
        return entry(number(n), None, fmt)
    if _PERCENT.match(stripped):
        return entry(number(float(stripped[:-1]) / 100), None, _merge_number_format(fmt, "PERCENT", "0%"))
    if _CURRENCY.match(stripped):
        return entry(number(float(stripped[1:].replace(",", ""))), None,
                     _merge_number_format(fmt, "CURRENCY", '"$"#,##0.00'))
    for pattern, order, fmt_pattern in ((_ISO_DATE, (0, 1, 2), "yyyy-mm-dd"), (_US_DATE, (2, 0, 1), "M/d/yyyy")):
        match = pattern.match(stripped)
        if match:
            y, m, d = (int(match.group(i + 1)) for i in order)
            try:
                when = dt.datetime(y, m, d)
            except ValueError:
                break
            return entry(number(serial(when)), None, _merge_number_format(fmt, "DATE", fmt_pattern))
    if stripped.upper() in ("TRUE", "FALSE"):
        return entry(stripped.upper() == "TRUE", None, fmt)
    return entry(text, None, fmt)


def _merge_number_format(fmt, kind, pattern):
    merged = dict(fmt or {})
    if "numberFormat" not in merged:
        merged["numberFormat"] = {"type": kind, "pattern": pattern}
    return merged


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow}


def evaluate(formula: str):
    """Arithmetic formulas ('= 1 / 1024', '=4/2') are computed; anything else gives '#NAME?' (the fake has no
    functions or cell references)."""
    text = formula[1:].strip().replace("^", "**")
    try:
        tree = ast.parse(text, mode="eval")
        result = _eval(tree.body)
    except (SyntaxError, ValueError, ZeroDivisionError, TypeError):
        return "#NAME?"
    return number(float(result))


def _eval(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _eval(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    raise ValueError("unsupported")


# --- output -----------------------------------------------------------------------------------------------------
DATE_TYPES = ("DATE", "DATE_TIME", "TIME")


def number_format(e) -> dict | None:
    fmt = fmt_of(e)
    return fmt.get("numberFormat") if fmt else None


def render(e, option: str, date_option: str):
    """A cell as values.get returns it for valueRenderOption / dateTimeRenderOption."""
    value = value_of(e)
    if option == "FORMULA" and formula_of(e) is not None:
        return formula_of(e)
    if value is None:
        return ""
    nf = number_format(e)
    is_date = nf is not None and nf.get("type") in DATE_TYPES and isinstance(value, (int, float)) \
        and not isinstance(value, bool)
    if option == "FORMATTED_VALUE":
        return formatted(value, nf)
    if is_date and date_option == "FORMATTED_STRING":
        return formatted(value, nf)
    return value


def formatted(value, nf) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    pattern = (nf or {}).get("pattern")
    kind = (nf or {}).get("type")
    if kind in DATE_TYPES:
        return format_date(value, pattern or ("yyyy-mm-dd" if kind == "DATE" else "yyyy-mm-dd hh:mm:ss"))
    if pattern:
        return format_number(value, pattern)
    return general(value)


def general(value) -> str:
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        return f"{value:.10E}".replace("E+", "E+").rstrip("0")
    return text


def format_number(value, pattern: str) -> str:
    body = pattern.replace('"', "").replace("\\", "")
    percent = body.endswith("%")
    if percent:
        value = value * 100
        body = body[:-1]
    prefix = re.match(r"^[^#0,.]*", body).group(0)
    core = body[len(prefix):]
    decimals = len(core.split(".")[1]) if "." in core else 0
    grouped = "," in core
    text = f"{abs(value):,.{decimals}f}" if grouped else f"{abs(value):.{decimals}f}"
    return ("-" if value < 0 else "") + prefix + text + ("%" if percent else "")


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|AM/PM|.", re.I)


def format_date(value, pattern: str) -> str:
    when = EPOCH + dt.timedelta(days=float(value))
    when = (when + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
    tokens = _TOKEN.findall(pattern)
    out = []
    for i, token in enumerate(tokens):
        low = token.lower()
        near_time = any(t.lower() in ("h", "hh") for t in tokens[max(0, i - 2):i]) or any(
            t.lower() in ("s", "ss") for t in tokens[i + 1:i + 3])
        if low == "yyyy":
            out.append(f"{when.year:04d}")
        elif low == "yy":
            out.append(f"{when.year % 100:02d}")
        elif low == "mmmm":
            out.append(_MONTHS[when.month - 1])
        elif low == "mmm":
            out.append(_MONTHS[when.month - 1][:3])
        elif low in ("mm", "m"):
            unit = when.minute if near_time else when.month
            out.append(f"{unit:02d}" if low == "mm" else str(unit))
        elif low == "dddd":
            out.append(_DAYS[when.weekday()])
        elif low == "ddd":
            out.append(_DAYS[when.weekday()][:3])
        elif low in ("dd", "d"):
            out.append(f"{when.day:02d}" if low == "dd" else str(when.day))
        elif low in ("hh", "h"):
            hour = when.hour
            if any(t.lower() == "am/pm" for t in tokens):
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("ss", "s"):
            out.append(f"{when.second:02d}" if low == "ss" else str(when.second))
        elif low == "am/pm":
            out.append("AM" if when.hour < 12 else "PM")
        else:
            out.append(token)
    return "".join(out)


def float32(value: float):
    """Colours are kept as 8-bit channels in 32-bit floats and echoed in their shortest form: 0.5 comes back as
    0.49803922 (127/255), as the recorded tab-colour answer shows."""
    quantised = math.floor(value * 255 + 1e-6) / 255
    text = repr(np.float32(quantised))
    if text.startswith("np.float32("):
        text = text[len("np.float32("):-1]
    result = float(text)
    return int(result) if result.is_integer() else result


def colour(rgb: dict) -> dict:
    out = {}
    for key in ("red", "green", "blue", "alpha"):
        if key in rgb and rgb[key]:
            value = float32(float(rgb[key])) if key != "alpha" else rgb[key]
            if value:
                out[key] = value
    return out


def sort_key(e):
    """Sheets sorts numbers before text before booleans; text compares without case; blanks always go last
    (handled by the caller)."""
    value = value_of(e)
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, (int, float)):
        return (0, value if not math.isnan(value) else 0)
    return (1, str(value).casefold())

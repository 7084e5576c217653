"""The Settings sheet as one typed, validated object.

The sheet is two columns, Setting | Value. A label the tool does not know is kept (it is the agent's) and
reported; a value that cannot be read falls back to its default, with a message that says which and why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from .schema import normalize_header


@dataclass(frozen=True)
class SettingSpec:
    label: str
    field: str
    default: object
    kind: str  # text | int | percent | money | zone
    help: str
    minimum: float | None = None
    maximum: float | None = None


SETTING_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("Agent Name", "agent_name", "", "text", "Your name, as it signs letters and emails"),
    SettingSpec("Brokerage", "brokerage", "", "text", "Your brokerage, for the letterhead"),
    SettingSpec("License Number", "license_number", "", "text", "Your real-estate license number"),
    SettingSpec("Agent Phone", "agent_phone", "", "text", "The number homeowners call you on"),
    SettingSpec("Agent Email", "agent_email", "", "text", "The address emails come from and replies go to"),
    SettingSpec("Office Address", "office_address", "", "text",
                "Your physical office address (required in every email by CAN-SPAM)"),
    SettingSpec("Time Zone", "time_zone", "America/New_York", "zone",
                "Your time zone, as an IANA name such as America/Chicago"),
    SettingSpec("Daily Capacity", "daily_capacity", 20, "int",
                "How many contacts Today lists (new leads and replies are never cut)", 1, 1000),
    SettingSpec("Compress Within Days", "compress_within_days", 30, "int",
                "With the sale this many days away or less, nurture touches come every 3 days", 1, 365),
    SettingSpec("Compressed Interval Days", "compressed_interval_days", 3, "int",
                "Days between nurture touches when the sale is near", 1, 60),
    SettingSpec("Daily Within Days", "daily_within_days", 7, "int",
                "With the sale this many days away or less, nurture touches come daily", 0, 365),
    SettingSpec("Commission %", "commission_pct", 6.0, "percent", "Total commission on a sale, in percent", 0, 20),
    SettingSpec("Closing Cost %", "closing_cost_pct", 2.0, "percent", "Seller closing costs, in percent", 0, 20),
    SettingSpec("Marketing Cost", "marketing_cost", 1500.0, "money", "Marketing and preparation costs, in dollars",
                0, 1_000_000),
)
SPEC_BY_LABEL = {normalize_header(s.label): s for s in SETTING_SPECS}


@dataclass(frozen=True)
class Settings:
    agent_name: str = ""
    brokerage: str = ""
    license_number: str = ""
    agent_phone: str = ""
    agent_email: str = ""
    office_address: str = ""
    time_zone: str = "America/New_York"
    daily_capacity: int = 20
    compress_within_days: int = 30
    compressed_interval_days: int = 3
    daily_within_days: int = 7
    commission_pct: float = 6.0
    closing_cost_pct: float = 2.0
    marketing_cost: float = 1500.0
    unknown_labels: tuple[str, ...] = field(default=(), compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def parse_settings(table: pd.DataFrame | None) -> tuple[Settings, list[str]]:
    """Read a Setting | Value table (columns already canonical). Returns the settings and the messages."""
    if table is None or table.empty or "Setting" not in table.columns:
        return Settings(), []
    values: dict[str, object] = {}
    messages: list[str] = []
    unknown: list[str] = []
    for position, (label, value) in enumerate(zip(table["Setting"], table.get("Value", pd.Series(dtype=object)))):
        if label is None or str(label).strip() == "":
            continue
        spec = SPEC_BY_LABEL.get(normalize_header(label))
        if spec is None:
            unknown.append(str(label))
            continue
        if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
            continue
        parsed, problem = _parse_value(spec, value)
        if problem:
            messages.append(f"Settings: {spec.label} {problem}; using the default {spec.default!r}.")
        else:
            values[spec.field] = parsed
    if unknown:
        messages.append("Settings: not a setting I know, kept as is: " + ", ".join(repr(u) for u in unknown) + ".")
    return dataclasses.replace(Settings(), unknown_labels=tuple(unknown), **values), messages


def _parse_value(spec: SettingSpec, value: object) -> tuple[object, str | None]:
    text = str(value).strip()
    if spec.kind == "text":
        return text, None
    if spec.kind == "zone":
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            return None, f"{text!r} is not a time zone name (use one like America/New_York)"
        return text, None
    cleaned = text.replace("$", "").replace(",", "").replace("%", "").strip()
    try:
        number = float(cleaned)
    except ValueError:
        return None, f"{text!r} is not a number"
    if spec.kind == "percent" and isinstance(value, float) and 0 < number < 1 and "%" not in text:
        number *= 100  # Excel stores 6% as 0.06
    if spec.kind == "int":
        if not number.is_integer():
            return None, f"{text!r} is not a whole number"
        number = int(number)
    if spec.minimum is not None and number < spec.minimum or spec.maximum is not None and number > spec.maximum:
        return None, f"{text!r} is outside {spec.minimum:g}–{spec.maximum:g}"
    return number, None

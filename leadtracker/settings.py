"""The Settings sheet as one typed, validated object.

The sheet is two columns, Setting | Value. A label the tool does not know is kept (it is the agent's) and
reported; a value that cannot be read falls back to its default, with a message that says which and why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
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
    SettingSpec("Logo", "logo", "", "text",
                "Optional: the path of your logo picture (PNG or JPEG) for the top of every letter"),
    SettingSpec("Template Folder", "template_folder", "", "text",
                "Optional: a folder with your own letter and email templates; a file there (d1_intro.docx, "
                "d3_cma.txt, ...) replaces the built-in one of the same name"),
    SettingSpec("Working Hours", "working_hours", "09:00-17:00", "hours",
                "When you can meet, in your time zone, Monday to Friday: the Day 4 meeting request offers two "
                "times inside these hours (for example 9:00-17:00)"),
    SettingSpec("SMTP Host", "smtp_host", "", "text",
                "Your outgoing mail server, for sending email (for example smtp.gmail.com). The password never goes "
                "here: set LEADTRACKER_SMTP_PASSWORD or store it with: keyring set leadtracker-smtp USER@HOST"),
    SettingSpec("SMTP Port", "smtp_port", 587, "int", "The mail server's port: 587 for STARTTLS, 465 for SSL", 1,
                65535),
    SettingSpec("SMTP User", "smtp_user", "", "text", "Your login on the mail server, usually your email address"),
    SettingSpec("SMTP TLS", "smtp_tls", "STARTTLS", "tls",
                "How the connection is protected: STARTTLS (port 587), SSL (port 465), or None (only for a mail "
                "server on this computer)"),
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
    logo: str = ""
    template_folder: str = ""
    working_hours: str = "09:00-17:00"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_tls: str = "STARTTLS"
    unknown_labels: tuple[str, ...] = field(default=(), compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def working_window(self) -> tuple[dt.time, dt.time]:
        """Working Hours as (start, end) times of day."""
        start, end = self.working_hours.split("-")
        return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


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
    if spec.kind == "hours":
        return _parse_hours(text)
    if spec.kind == "tls":
        choice = TLS_CHOICES.get(text.casefold())
        if choice is None:
            return None, f"{text!r} is not one of STARTTLS, SSL or None"
        return choice, None
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


TLS_CHOICES = {"starttls": "STARTTLS", "tls": "STARTTLS", "yes": "STARTTLS", "ssl": "SSL", "ssl/tls": "SSL",
               "implicit": "SSL", "none": "None", "no": "None", "off": "None", "plain": "None"}
_HOUR = r"(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?"
_HOURS = re.compile(rf"^\s*{_HOUR}\s*(?:-|–|to)\s*{_HOUR}\s*$", re.I)


def _parse_hours(text: str) -> tuple[object, str | None]:
    """'9-5', '9am-5pm', '9:00 AM - 5:30 PM', '09:00-17:00' -> '09:00-17:00' (a 5 with no am/pm after a morning
    start means 5 PM)."""
    found = _HOURS.match(text)
    problem = f"{text!r} is not a span of hours like 9:00-17:00"
    if not found:
        return None, problem
    times = []
    for hour, minute, half in (found.groups()[:3], found.groups()[3:]):
        h, m = int(hour), int(minute or 0)
        if half:
            if not 1 <= h <= 12:
                return None, problem
            h = h % 12 + (12 if half.lower().startswith("p") else 0)
        times.append([h, m])
    (h1, m1), (h2, m2) = times
    if not found.group(6) and not found.group(3) and h1 <= 12 and h2 <= h1 and h2 < 12:
        h2 += 12  # "9-5": the end is in the afternoon
    if not (0 <= h1 < 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60) or (h2, m2) <= (h1, m1) or (h2 == 24 and m2):
        return None, problem
    if h2 == 24:
        h2, m2 = 23, 59
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}", None

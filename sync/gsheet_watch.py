"""`leadtracker watch gsheet:KEY`: the team's sync loop.

It refreshes the sheet every `--every` (5 minutes by default) and, in between, looks at the `Refresh now` checkbox
on the Settings sheet every few seconds: a teammate who ticks it gets a refresh within seconds. The tick is cleared
as the refresh starts (so a tick made during a refresh asks for another one), and the row's help cell says when the
last refresh ran, or why it failed. Every time it writes or prints is in the Settings sheet's Time Zone (the one
the refresh computes in), read with the tick. Each look is one small read; with the default 10 seconds that is 6 reads a
minute, well inside Google's 60 reads per minute per user.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadtracker.errors import LeadTrackerError, UsageError

from .gsheet_cells import quote
from .gsheet_client import GoogleSheetError, RetryableWrite, SheetsAPI
from .gsheet_layout import REFRESH_HELP, REFRESH_LABEL, refresh_control_requests

DEFAULT_EVERY = 300.0
DEFAULT_POLL = 10.0
MIN_EVERY = 30.0
MIN_POLL = 2.0


def parse_duration(text: str) -> float:
    """'5m', '90s', '1h', '2m30s' or a number of seconds."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*(h|m|s)", text)
    if not parts or "".join(n + u for n, u in parts) != text.replace(" ", ""):
        raise UsageError(f"{text!r} is not a duration; write it like 5m, 90s or 1h.")
    return sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)


@dataclass
class Control:
    """Where the Refresh now row is on Settings, and whether it is ticked."""

    sheet: str
    row: int  # 1-based
    ticked: bool
    zone: ZoneInfo | None = None  # the Settings sheet's Time Zone, when it names one


def find_control(api: SheetsAPI, key: str, settings_title: str) -> Control | None:
    answer = api.batch_get(key, [f"{quote(settings_title)}!A1:B"])[0]
    rows = answer.get("values", [])
    zone = next((_zone(r[1]) for r in rows if len(r) > 1 and str(r[0]).strip().casefold() == "time zone"), None)
    for row, values in enumerate(rows, start=1):
        if values and str(values[0]).strip().casefold() == REFRESH_LABEL.casefold():
            value = values[1] if len(values) > 1 else None
            ticked = value is True or str(value).strip().upper() in ("TRUE", "YES", "X", "1")
            return Control(settings_title, row, ticked, zone)
    return None


def _zone(text: object) -> ZoneInfo | None:
    try:
        return ZoneInfo(str(text).strip()) if str(text or "").strip() else None
    except (ZoneInfoNotFoundError, ValueError):
        return None  # the refresh reports the bad name in Settings


def settings_sheet(api: SheetsAPI, key: str) -> tuple[str, int, int]:
    """(title, sheetId, rowCount) of the Settings sheet."""
    meta = api.metadata(key, "sheets(properties(sheetId,title,gridProperties(rowCount)))")
    for sheet in meta.get("sheets", []):
        props = sheet["properties"]
        if props["title"].casefold() == "settings":
            return props["title"], props.get("sheetId", 0), props.get("gridProperties", {}).get("rowCount", 0)
    raise GoogleSheetError("The Google Sheet has no Settings sheet; run leadtracker gsheet init on a new sheet, or "
                           "leadtracker refresh once to add it.")


def ensure_control(api: SheetsAPI, key: str) -> Control:
    """The Refresh now row, added below the last Settings row when the sheet does not have one yet."""
    title, sheet_id, rows = settings_sheet(api, key)
    control = find_control(api, key, title)
    if control is not None:
        return control
    answer = api.batch_get(key, [quote(title)])[0]
    values = answer.get("values", [])
    last = len(values)
    zone = next((_zone(r[1]) for r in values if len(r) > 1 and str(r[0]).strip().casefold() == "time zone"), None)
    requests = refresh_control_requests(sheet_id, last)
    if last + 1 > rows:
        requests.insert(0, {"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": 10}})
    api.batch_update(key, requests)
    return Control(title, last + 1, False, zone)


def write_control(api: SheetsAPI, key: str, control: Control, status: str, clear_tick: bool) -> None:
    """Clear the tick (when asked) and put the status in the row's help cell; a failure here only loses the
    status line."""
    data = [{"range": f"{quote(control.sheet)}!C{control.row}", "values": [[f"{REFRESH_HELP} {status}"]]}]
    if clear_tick:
        data.insert(0, {"range": f"{quote(control.sheet)}!B{control.row}", "values": [[False]]})
    try:
        api.write_values(key, data)
    except (RetryableWrite, GoogleSheetError):
        pass


def watch(target: str, every: float = DEFAULT_EVERY, poll: float = DEFAULT_POLL,
          say: Callable[[str], None] = print, refreshes: int | None = None,
          sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
          connect_api: Callable[[], SheetsAPI] | None = None, today: dt.date | None = None,
          now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> int:
    """Keep the sheet refreshed until interrupted (or until `refreshes` refreshes have run, for tests)."""
    from leadtracker.commands import run_refresh
    from leadtracker.settings import Settings

    from .gsheet_client import connect, parse_target
    from .gsheet_store import GsheetStore

    if every < MIN_EVERY:
        raise UsageError(f"--every must be at least {MIN_EVERY:.0f} seconds (Google's quotas are per minute).")
    if poll < MIN_POLL:
        raise UsageError(f"--poll must be at least {MIN_POLL:.0f} seconds.")
    key = parse_target(target)
    api = connect_api() if connect_api else connect()
    control = ensure_control(api, key)
    zone = control.zone or Settings().zone  # the sheet's clock, not this computer's

    def clock_time() -> dt.datetime:
        return now().astimezone(zone)

    say(f"Watching gsheet:{key}: a refresh every {_human(every)}, and within {_human(poll)} of a tick in "
        f"Settings > {REFRESH_LABEL}. Stop with Ctrl+C.")
    done = 0
    asked = False
    while refreshes is None or done < refreshes:
        started = clock_time()
        if asked:
            write_control(api, key, control, f"Refreshing now (asked at {started:%H:%M:%S %Z})…", clear_tick=True)
        try:
            store = GsheetStore(key, api, sleep=sleep)
            report = run_refresh(store, today)
            zone = report.result.settings.zone
            stamp = clock_time()
            say(f"{stamp:%Y-%m-%d %H:%M:%S %Z} {report.summary} {report.saved}")
            for message in report.messages:
                say(f"  {message}")
            status = f"Last refresh: {stamp:%a %b %d, %I:%M %p %Z} ({report.summary})"
        except LeadTrackerError as error:
            stamp = clock_time()
            say(f"{stamp:%Y-%m-%d %H:%M:%S %Z} Refresh failed: {error}")
            status = f"Last refresh failed at {stamp:%a %b %d, %I:%M %p %Z}: {error}"
        except Exception as error:  # noqa: BLE001 - the team's sync keeps running; the next tick tries again
            stamp = clock_time()
            say(f"{stamp:%Y-%m-%d %H:%M:%S %Z} Refresh failed unexpectedly ({type(error).__name__}: "
                f"{error}); trying again at the next tick.")
            status = (f"Last refresh failed at {stamp:%a %b %d, %I:%M %p %Z} ({type(error).__name__}); see the sync's "
                      "output.")
        done += 1
        write_control(api, key, control, status, clear_tick=False)
        if refreshes is not None and done >= refreshes:
            break
        asked = False
        due = clock() + every
        while clock() < due:
            sleep(min(poll, max(0.0, due - clock())))
            try:
                found = find_control(api, key, control.sheet)
            except LeadTrackerError as error:
                say(f"Could not look at {REFRESH_LABEL}: {error}")
                continue
            if found is not None:
                control = found
                zone = found.zone or zone
                if found.ticked:
                    asked = True
                    say(f"{clock_time():%Y-%m-%d %H:%M:%S %Z} {REFRESH_LABEL} was ticked: refreshing.")
                    break
    return 0


def _human(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds:g} seconds"

"""The Day 4 meeting request: two concrete times, and an .ics file for each.

Two 15-minute times inside the agent's Working Hours (Settings, in the agent's time zone), on different business
days (Monday to Friday, not a US federal holiday) within the next three business days, never in the past and never
sooner than two hours from now, and only at an hour that is reasonable for the homeowner (8 AM to 8 PM in their time
zone, inside the 8 AM to 9 PM window of 47 CFR 64.1200(c)(1) for a call). Times are shown in the homeowner's zone.
A batch of letters spreads leads over different times, so two owners are not offered the same half hour.

Each time gets its own .ics (RFC 5545, icalendar). They are proposals, so they are METHOD:PUBLISH, STATUS:TENTATIVE
"add to calendar" files with a stable UID (lead, step, time): the owner keeps the one that suits them, and a second
run makes the same files rather than new events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays

from .text import clock

MEETING_MINUTES = 15
LEAD_EARLIEST = dt.time(8, 0)   # the homeowner's local time
LEAD_LATEST = dt.time(20, 0)
LEAD_TIME_SOURCE = "47 CFR 64.1200(c)(1)"
STEP_MINUTES = 30
BUSINESS_DAYS = 3
MIN_NOTICE = dt.timedelta(hours=2)


@dataclass(frozen=True)
class Slot:
    start: dt.datetime                # aware, in the agent's zone
    end: dt.datetime
    shown_in: tuple[ZoneInfo, ...]    # the homeowner's zone; two when State and ZIP leave it open

    @property
    def local(self) -> dt.datetime:
        return self.start.astimezone(self.shown_in[0])

    @property
    def when(self) -> str:
        """Tuesday, March 17 at 10:00 AM EDT (9:00 AM CDT when the owner's zone is not certain)."""
        moment = self.local
        text = f"{moment:%A}, {moment:%B} {moment.day} at {clock(moment)} {moment.tzname()}"
        others = []
        for zone in self.shown_in[1:]:
            other = self.start.astimezone(zone)
            if other.utcoffset() != moment.utcoffset():
                others.append(f"{clock(other)} {other.tzname()}")
        return text + (f" ({', '.join(others)})" if others else "")

    @property
    def short(self) -> str:
        """Tue Mar 17, 10:00 AM."""
        moment = self.local
        return f"{moment:%a} {moment:%b} {moment.day}, {clock(moment)}"


@dataclass
class SlotBook:
    """Times already offered in this batch, so each lead gets different ones where the hours allow."""

    taken: set[dt.datetime] = field(default_factory=set)


def business_days(after: dt.date, count: int, first: dt.date | None = None) -> list[dt.date]:
    """The next `count` Monday-to-Friday days after `after` (or from `first`) that are not US federal holidays."""
    day = first or after + dt.timedelta(days=1)
    found: list[dt.date] = []
    calendar = holidays.US(years=range(day.year, day.year + 2))
    while len(found) < count:
        if day.weekday() < 5 and day not in calendar:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def meeting_slots(now: dt.datetime, agent_zone: ZoneInfo, window: tuple[dt.time, dt.time],
                  lead_zones: tuple[ZoneInfo, ...], book: SlotBook, seed: str, first_day: dt.date | None = None
                  ) -> tuple[Slot, ...]:
    """Two slots on different days (fewer only when the hours allow no more); `now` is timezone-aware. A time must
    suit the homeowner in every zone they may be in."""
    now = now.astimezone(agent_zone)
    lead_zones = tuple(lead_zones) or (agent_zone,)
    days = business_days(now.date(), BUSINESS_DAYS, first_day)
    per_day = [c for c in (_candidates(day, now, agent_zone, window, lead_zones) for day in days) if c]
    offset = int(hashlib.sha1(seed.encode("utf-8", "surrogatepass")).hexdigest()[:8], 16)
    chosen: list[Slot] = []
    for position, candidates in enumerate(per_day[:2]):
        start_at = (offset + position * (len(candidates) // 2)) % len(candidates)
        ordered = candidates[start_at:] + candidates[:start_at]
        pick = next((c for c in ordered if c not in book.taken), ordered[0])
        book.taken.add(pick)
        chosen.append(Slot(pick, pick + dt.timedelta(minutes=MEETING_MINUTES), lead_zones))
    return tuple(chosen)


def _candidates(day: dt.date, now: dt.datetime, zone: ZoneInfo, window: tuple[dt.time, dt.time],
                lead_zones: tuple[ZoneInfo, ...]) -> list[dt.datetime]:
    start = dt.datetime.combine(day, window[0], tzinfo=zone)
    end = dt.datetime.combine(day, window[1], tzinfo=zone)
    out = []
    moment = start
    length = dt.timedelta(minutes=MEETING_MINUTES)
    while moment + length <= end:
        if moment >= now + MIN_NOTICE and all(_suits(moment, moment + length, z) for z in lead_zones):
            out.append(moment)
        moment += dt.timedelta(minutes=STEP_MINUTES)
    return out


def _suits(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> bool:
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return (local_start.time() >= LEAD_EARLIEST and local_end.time() <= LEAD_LATEST
            and local_end.date() == local_start.date())


def _param_text(text: str) -> str:
    """A display name as an iCalendar parameter value (no double quotes or control characters, RFC 5545 3.2)."""
    return " ".join(re.sub(r'["\x00-\x1f\x7f]', " ", text).split())


def invite(slot: Slot, *, uid: str, summary: str, description: str, location: str, organizer_name: str,
           organizer_email: str, stamp: dt.datetime) -> bytes:
    """One proposed time as an .ics file."""
    from icalendar import Calendar, Event, vCalAddress, vText

    calendar = Calendar()
    calendar.add("prodid", "-//Preforeclosure Lead Tracker//Meeting request//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(dt.timezone.utc))
    event.add("dtstart", slot.start)
    event.add("dtend", slot.end)
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event.add("location", location)
    event.add("status", "TENTATIVE")
    event.add("transp", "OPAQUE")
    event.add("sequence", 0)
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        if organizer_name:
            organizer.params["cn"] = vText(_param_text(organizer_name))
        event["organizer"] = organizer
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()

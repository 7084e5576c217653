"""May this lead be called, texted, emailed or mailed now, and if not, why and when next.

Two kinds of limits meet here. Lasting ones close a channel until something changes (Do Not Call, a Do Not Call
check more than 31 days old, no consent to text, an opt-out, an unsubscribe, returned mail); they feed the cadence,
so it never plans a step on a closed channel. Time limits open and close through the day (calling hours in the
homeowner's own time zone, Sundays and holidays in some states, a cap of calls per 24 hours); they decide whether a
call or text due today is listed now, later today, or not today. Every rule comes from `rules.contact`, with its
citation. Everything is computed per distinct (state, time zones) pair or over the few leads a cap touches.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd

from .rules.contact import (CALLING_RULES, DNC_CHECK_VALID_DAYS, INQUIRY_RELATIONSHIP_MONTHS, OPT_OUT_WORDS,
                            CallingRule)
from .cadence import PHONE
from .phone_opt_outs import NONE as NO_CLOSED_NUMBERS
from .phone_opt_outs import NUMBER_ISSUE, TEXT_PHONE, ClosedNumbers, number_limits
from .timezones import STATE_ZONES, ZONE_SEPARATOR, factorize_rows, lead_zones, zip_states, zone_label

UTC = dt.timezone.utc
TIMED_CHANNELS = ("Call", "Text")
CONSENT = "Text Consent"
OPTED_OUT = "Opted Out"
DNC_CHECKED = "DNC Checked"
TEXT_STOP_CHANNELS = ("Text", "Call", None)  # an Opted Out row on these stops texts until a later Text Consent
AUDIT_OUTCOMES = frozenset({CONSENT, OPTED_OUT, DNC_CHECKED})  # records of what the agent knew: never touches
INQUIRY_OUTCOMES = frozenset({"Replied", "Meeting Set", "Met"})
_OPT_OUT = re.compile(r"\b(" + "|".join(w.replace(" ", r"[\s-]?") for w in OPT_OUT_WORDS) + r")\b", re.I)


@dataclass(frozen=True)
class Moment:
    """The moment a refresh runs: the agent's wall-clock time and zone, and the same instant in UTC."""

    local: dt.datetime
    zone: ZoneInfo

    @property
    def utc(self) -> dt.datetime:
        return self.local.replace(tzinfo=self.zone).astimezone(UTC)

    def agent_time(self, instant: dt.datetime) -> dt.datetime:
        return instant.astimezone(self.zone)


@dataclass(frozen=True)
class Window:
    """Calling hours for one (state, zones) pair at one moment (and the owner's mailing state and zones, when the
    owner may live elsewhere: then a call must be allowed in both places)."""

    text: str  # "8 AM–8 PM ET", with the day rules
    open_now: bool
    closes: dt.datetime | None  # UTC, when open now
    opens: dt.datetime | None  # UTC, the next opening when closed now
    citation: str
    intervals: tuple[tuple[dt.datetime, dt.datetime], ...]
    zone: str  # the zone times are written in
    owner_zone: str | None = None  # the owner's mailing-address zone(s) ("A|B"), when not the property's
    cap: int | None = None  # calls allowed per 24 hours: the stricter of the states' caps
    cap_source: str = ""  # "FL allows 3 (Fla. Stat. 501.616(6)(b))"

    def next_open_at_or_after(self, instant: dt.datetime) -> dt.datetime | None:
        for start, end in self.intervals:
            if end > instant:
                return max(start, instant)
        return None


def is_opt_out(text: object) -> str | None:
    """The opt-out word in a reply ("STOP", "opt out", ...), or None."""
    if not isinstance(text, str):
        return None
    found = _OPT_OUT.search(text)
    return found.group(1) if found else None


# --- calling hours -------------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _holidays(state: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.US(subdiv=state, years=year).keys())


@lru_cache(maxsize=1024)  # a refresh asks for the same (rule, zone, moment) once per pair of places it joins
def _local_hours(rule: CallingRule, zone: str, now_utc: dt.datetime, days: int = 10) -> tuple:
    """The rule's calling hours on each day from yesterday on, read on the clock of `zone`, as UTC intervals."""
    tz = ZoneInfo(zone)
    today = now_utc.astimezone(tz).date()
    out = []
    for offset in range(-1, days):
        day = today + dt.timedelta(days=offset)
        hours = rule.hours[day.weekday()]
        if hours is None or (rule.no_holidays and day in _holidays(rule.state, day.year)):
            continue
        out.append((dt.datetime.combine(day, hours[0], tz).astimezone(UTC),
                    dt.datetime.combine(day, hours[1], tz).astimezone(UTC)))
    return tuple(out)


def _intersect(first: list[tuple], second: list[tuple]) -> list[tuple]:
    out, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        start, end = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if start < end:
            out.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return out


def _clock(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    text = f"{hour}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}"
    return f"{text} {'AM' if moment.hour < 12 else 'PM'}"


def _span(interval: tuple[dt.datetime, dt.datetime], zone: str) -> str:
    tz = ZoneInfo(zone)
    return f"{_clock(interval[0].astimezone(tz))}–{_clock(interval[1].astimezone(tz))}"


def calling_window(state: str, zones: tuple[str, ...], now_utc: dt.datetime, owner_state: str | None = None,
                   owner_zones: tuple[str, ...] = ()) -> Window | None:
    """The calling hours of a lead in `state` who may be in any of `zones`; None when the state is unknown.

    An owner whose mailing address is elsewhere (`owner_state`, `owner_zones`) may be called only when the call is
    allowed both at the property and at that address, under both states' rules (the hours are those of the called
    party's location, 47 CFR 64.1200(c)(1), and nobody knows which of the two it is)."""
    rule = CALLING_RULES.get(state)
    if rule is None or not zones:
        return None
    owner_rule = CALLING_RULES.get(owner_state or "") if owner_zones else None
    parts = [(rule, zones)] + ([(owner_rule, owner_zones)] if owner_rule is not None else [])
    intervals: list | None = None
    for part_rule, part_zones in parts:
        for zone in part_zones + ((part_rule.fixed_clock,) if part_rule.fixed_clock else ()):
            hours = _local_hours(part_rule, zone, now_utc)
            intervals = hours if intervals is None else _intersect(intervals, hours)
    intervals = intervals or []
    current = next(((s, e) for s, e in intervals if s <= now_utc < e), None)
    upcoming = next(((s, e) for s, e in intervals if s > now_utc), None)
    shown = current or upcoming
    rules = [part_rule for part_rule, _ in parts]
    if shown is not None:
        hours = f"{_span(shown, zones[0])} {zone_label(zones[0])}"
    else:
        hours = "no calling hours in the next days"
    days = [word for flag, word in ((any(r.no_sundays for r in rules), "Sundays"),
                                    (any(r.no_holidays for r in rules), "holidays")) if flag]
    if shown is not None and any(len({h for h in r.hours if h is not None}) > 1 for r in rules):  # differ by day
        hours += f" on {shown[0].astimezone(ZoneInfo(zones[0])):%a}"
    if days:
        hours += ", not " + " or ".join(days)
    if len(zones) > 1:
        hours += " (two time zones: " + "/".join(zone_label(z) for z in zones) + ")"
    owner_zone = None
    if owner_rule is not None and not set(owner_zones) <= set(zones):  # the owner may be on another clock
        owner_zones = tuple(sorted(owner_zones, key=lambda z: z in zones))  # the clock that differs first
        owner_zone = ZONE_SEPARATOR.join(owner_zones)
        where = "/".join(zone_label(z) for z in owner_zones)
        hours += f" (owner in {where}: {_span(shown, owner_zones[0])})" if shown is not None else \
            f" (owner in {where})"
    elif owner_rule is not None and owner_state != state and not owner_rule.federal_only:
        hours += f" (owner in {owner_state}: its rules too)"
    citations = list(dict.fromkeys(r.citation for r in rules))
    capped = [r for r in rules if r.calls_per_24h is not None]
    strictest = min(capped, key=lambda r: r.calls_per_24h) if capped else None
    cap_source = (f"{strictest.state} allows {strictest.calls_per_24h} ("
                  f"{'; '.join(c.citation for c in strictest.cap_sources)})") if strictest is not None else ""
    return Window(hours, current is not None, current[1] if current else None,
                  None if current else (upcoming[0] if upcoming else None), "; ".join(citations), tuple(intervals),
                  zones[0], owner_zone, strictest.calls_per_24h if strictest is not None else None, cap_source)


def lead_windows(states: pd.Series, zips: pd.Series, now_utc: dt.datetime, mailing_states: pd.Series | None = None,
                 mailing_zips: pd.Series | None = None, mailing_addresses: pd.Series | None = None,
                 property_addresses: pd.Series | None = None) -> tuple[np.ndarray, list]:
    """Each lead's calling `Window`, as (codes, windows): lead i's window is windows[codes[i]] (None where the state
    is unknown). One computation per distinct (state, zones) pair, and per distinct (state, zones, owner's state
    and zones) for the few owners whose mailing address lies in another state or time zone."""
    zones = lead_zones(states, zips)
    state = states.astype(object).where(states.notna(), "")
    codes, uniques = factorize_rows(state, zones)
    windows = [calling_window(s, tuple(z.split(ZONE_SEPARATOR)) if z else (), now_utc) for s, z in uniques]
    windows.append(None)
    if mailing_states is None:
        return codes, windows
    away, owner_states, owner_zones = _owners_elsewhere(state, zips, zones, mailing_states, mailing_zips,
                                                        mailing_addresses, property_addresses)
    away_codes = codes[away]
    known = np.array([w is not None for w in windows], dtype=bool)[away_codes]  # no State: no calls anyway
    away, away_codes = away[known], away_codes[known]
    if not len(away):
        return codes, windows
    pairs, distinct = factorize_rows(away_codes, owner_states[known], owner_zones[known])
    for code, owner_state, owner_zone in distinct:
        s, z = uniques[code]
        windows.append(calling_window(s, tuple(z.split(ZONE_SEPARATOR)) if z else (), now_utc, owner_state,
                                      tuple(owner_zone.split(ZONE_SEPARATOR))))
    codes = codes.copy()
    codes[away] = len(uniques) + 1 + pairs
    return codes, windows


def _owners_elsewhere(state: pd.Series, zips: pd.Series, zones: pd.Series, mailing_states: pd.Series,
                      mailing_zips: pd.Series | None, mailing_addresses: pd.Series | None = None,
                      property_addresses: pd.Series | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions, owner states, owner zones) of the leads whose owner may live in another state or zone than the
    property: a Mailing State that is another state, a Mailing ZIP in another zone, a Mailing State left blank
    whose ZIP lies in another state or zone (the ZIP's prefix says the state), or a Mailing State spanning two
    zones with no ZIP and a mailing address that is not the property (then either zone, like a property without
    a ZIP). Only leads whose mailing state or ZIP differs from the property's are looked up."""
    nothing = (np.empty(0, dtype=int), np.empty(0, dtype=object), np.empty(0, dtype=object))
    owner_state = mailing_states.to_numpy(dtype=object)
    owner_zip = (mailing_zips.to_numpy(dtype=object) if mailing_zips is not None
                 else np.full(len(owner_state), None, dtype=object))
    property_state = state.to_numpy(dtype=object)
    property_zip = zips.to_numpy(dtype=object)
    has_zip = pd.notna(owner_zip)
    unstated = np.flatnonzero(pd.isna(owner_state) & has_zip & (owner_zip != property_zip))
    if len(unstated):  # the ZIP says the state; an area outside the states (PR, APO) stays unknown
        inferred = zip_states(pd.Series(owner_zip[unstated])).to_numpy(dtype=object)
        owner_state = owner_state.copy()
        owner_state[unstated] = np.where(pd.Series(inferred, dtype=object).isin(STATE_ZONES), inferred, None)
    known = pd.notna(owner_state)
    same_state = owner_state == property_state
    differs = known & (~same_state | (has_zip & (owner_zip != property_zip)))
    no_zip = np.flatnonzero(known & same_state & ~has_zip)
    no_zip = no_zip[pd.Series(owner_state[no_zip], dtype=object).isin(_MULTI_ZONE_STATES).to_numpy(dtype=bool)]
    if len(no_zip) and mailing_addresses is not None:  # somewhere in a state of two zones, unless at the property
        away = _another_address(mailing_addresses.iloc[no_zip], None if property_addresses is None
                                else property_addresses.iloc[no_zip])
        differs[no_zip[away]] = True
    candidates = np.flatnonzero(differs)
    if not len(candidates):
        return nothing
    index = mailing_states.index[candidates]
    their_zones = lead_zones(pd.Series(owner_state[candidates], index=index),
                             pd.Series(owner_zip[candidates], index=index)).to_numpy(dtype=object)
    elsewhere = (their_zones != "") & ((owner_state[candidates] != property_state[candidates])
                                       | (their_zones != zones.to_numpy(dtype=object)[candidates]))
    return candidates[elsewhere], owner_state[candidates][elsewhere], their_zones[elsewhere]


_MULTI_ZONE_STATES = [state for state, zones in STATE_ZONES.items() if len(zones) > 1]


def _address_key(addresses: pd.Series) -> pd.Series:
    return addresses.astype(object).where(addresses.notna(), "").astype(str).str.casefold() \
        .str.replace(r"[^0-9a-z]+", " ", regex=True).str.strip()


def _another_address(mailing: pd.Series, property_: pd.Series | None) -> np.ndarray:
    """Whether each Mailing Address is filled in and is not the property's address."""
    filled = _address_key(mailing)
    if property_ is None:
        return (filled != "").to_numpy(dtype=bool)
    return ((filled != "") & (filled.to_numpy(dtype=object) != _address_key(property_).to_numpy(dtype=object))) \
        .to_numpy(dtype=bool)


def owner_place_issues(leads: pd.DataFrame) -> pd.Series:
    """The Data Issue of a lead whose owner's mailing address is filled in but whose place is unknown (no Mailing
    State, and no Mailing ZIP in a US state): calling hours then follow the property only, which the agent should
    know. None elsewhere; only leads with a blank Mailing State are looked at."""
    out = pd.Series(np.full(len(leads), None, dtype=object), index=leads.index, dtype=object)
    if "Mailing State" not in leads.columns or "Mailing Address" not in leads.columns:
        return out
    mailing_zip = leads["Mailing ZIP"] if "Mailing ZIP" in leads.columns else pd.Series(None, index=leads.index)
    unstated = np.flatnonzero(pd.isna(leads["Mailing State"].to_numpy(dtype=object)))
    unstated = unstated[pd.notna(leads["Mailing Address"].to_numpy(dtype=object)[unstated])
                        & pd.notna(leads["State"].to_numpy(dtype=object)[unstated])]
    if not len(unstated):
        return out
    zips = mailing_zip.iloc[unstated]
    state = zip_states(zips).to_numpy(dtype=object)
    unknown = ~pd.Series(state, dtype=object).isin(STATE_ZONES).to_numpy(dtype=bool)
    unknown &= _another_address(leads["Mailing Address"].iloc[unstated], leads["Property Address"].iloc[unstated]
                                if "Property Address" in leads.columns else None)
    if zips.notna().any() and "ZIP" in leads.columns:  # the owner's ZIP is the property's: the same place
        unknown &= (zips.to_numpy(dtype=object) != leads["ZIP"].iloc[unstated].to_numpy(dtype=object))
    rows = unstated[unknown]
    follows = "calling hours follow the property's time zone only"
    cells = out.to_numpy(dtype=object).copy()
    cells[rows] = [f"Mailing ZIP {z} is in no US state and Mailing State is blank: {follows}; check both"
                   if isinstance(z, str) and z else
                   f"Mailing State and Mailing ZIP don't say where the owner lives: {follows}; add them"
                   for z in zips.to_numpy(dtype=object)[unknown]]
    return pd.Series(cells, index=leads.index, dtype=object)


# --- what the ledger says ------------------------------------------------------------------------------------------


def ledger_utc(stamps: pd.Series, zone: ZoneInfo) -> pd.Series:
    """Ledger times (the agent's wall clock) as UTC."""
    values = pd.DatetimeIndex(stamps.to_numpy(dtype="datetime64[ns]"))
    local = values.tz_localize(zone, ambiguous=np.zeros(len(values), dtype=bool), nonexistent="shift_forward")
    return pd.Series(local.tz_convert(UTC), index=stamps.index)


def calls_last_24h(keys: pd.Series, activity: pd.DataFrame, moment: Moment) -> dict[str, list[dt.datetime]]:
    """Each lead's outbound call attempts in the 24 hours up to now (UTC times, oldest first)."""
    if activity.empty:
        return {}
    since = pd.Timestamp(moment.local - dt.timedelta(hours=26))
    recent = activity[(activity["_ts"] >= since) & activity["Channel"].isin(["Call"]) & activity["_attempt"]]
    if recent.empty:
        return {}
    stamps = ledger_utc(recent["_ts"], moment.zone)
    now = pd.Timestamp(moment.utc)
    inside = (stamps > now - pd.Timedelta(hours=24)) & (stamps <= now)
    out: dict[str, list[dt.datetime]] = {}
    for key, stamp in zip(recent["_key"][inside], stamps[inside]):
        out.setdefault(key, []).append(stamp.to_pydatetime())
    return {key: sorted(times) for key, times in out.items()}


def _latest(keys: pd.Series, rows: pd.DataFrame) -> pd.Series:
    """Per lead, the latest `_ts` among `rows` (NaT when none)."""
    if rows.empty:
        return pd.Series(pd.NaT, index=keys.index, dtype="datetime64[ns]")
    return keys.map(rows.groupby("_key")["_ts"].max()).astype("datetime64[ns]")


class _Ledger:
    """The ledger's outcomes and channels factorized once, so each selection is a cheap integer test."""

    def __init__(self, activity: pd.DataFrame) -> None:
        self.activity = activity
        self._outcomes = pd.factorize(activity["Outcome"])
        self._channels = pd.factorize(activity["Channel"])

    def outcome_in(self, *values: str) -> np.ndarray:
        codes, uniques = self._outcomes
        return np.isin(codes, [i for i, u in enumerate(uniques) if u in values])

    def channel_in(self, *values: str | None) -> np.ndarray:
        codes, uniques = self._channels
        wanted = [i for i, u in enumerate(uniques) if u in values]
        return np.isin(codes, wanted) | ((codes < 0) if None in values else False)

    def rows(self, mask: np.ndarray) -> pd.DataFrame:
        return self.activity.loc[mask, ["_key", "_ts"]]


def consent_given(keys: pd.Series, ledger: _Ledger) -> pd.Series:
    """Per lead, when the latest Text Consent was logged (NaT when none)."""
    return _latest(keys, ledger.rows(ledger.outcome_in(CONSENT)))


def text_consent(keys: pd.Series, ledger: _Ledger, opt_outs: pd.DataFrame,
                 given: pd.Series | None = None) -> pd.Series:
    """Whether each lead's latest word on texting is a consent: a logged Text Consent after any opt-out (of texts,
    of calls, or of everything: texts are calls under the TCPA, 47 CFR 64.1200(d)(3))."""
    given = consent_given(keys, ledger) if given is None else given
    stops = pd.concat([ledger.rows(ledger.outcome_in(OPTED_OUT) & ledger.channel_in(*TEXT_STOP_CHANNELS)),
                       opt_outs[["_key", "_ts"]]])
    withdrawn = _latest(keys, stops)
    return given.notna() & (withdrawn.isna() | (given > withdrawn))


def last_inquiry(keys: pd.Series, ledger: _Ledger) -> pd.Series:
    """When each homeowner last reached out (a reply, a meeting): the start of a 3-month permission to call."""
    return _latest(keys, ledger.rows(ledger.outcome_in(*INQUIRY_OUTCOMES)))


def find_opt_outs(rows: pd.DataFrame) -> pd.DataFrame:
    """Replies by text (or with no channel) whose words revoke consent: `_key`, `_ts`, `word`, `ref`.

    `rows` has `_key`, `_ts`, Channel, Direction, Outcome, Note and Ref. Only what the homeowner sent counts; an
    outbound text saying "reply STOP to opt out" is not an opt-out."""
    empty = pd.DataFrame(columns=["_key", "_ts", "word", "ref"])
    if rows.empty:
        return empty
    inbound = rows["Direction"].astype(str).str.casefold().eq("inbound") | rows["Outcome"].eq("Replied")
    by_text = rows["Channel"].isna() | rows["Channel"].eq("Text")
    candidates = rows[inbound & by_text & rows["Note"].notna() & ~rows["Outcome"].isin(AUDIT_OUTCOMES)]
    if candidates.empty:
        return empty
    codes, notes = pd.factorize(candidates["Note"])
    words = np.array([is_opt_out(n) for n in notes], dtype=object)[codes]
    found = candidates.assign(word=words)[pd.notna(words)]
    return pd.DataFrame({"_key": found["_key"], "_ts": found["_ts"], "word": found["word"], "ref": found["Ref"]})


# --- lasting limits ------------------------------------------------------------------------------------------------


def lasting_blocks(leads: pd.DataFrame, activity: pd.DataFrame, opt_outs: pd.DataFrame, today: pd.Timestamp,
                   reasons: pd.DataFrame, closed: ClosedNumbers = NO_CLOSED_NUMBERS) -> pd.DataFrame:
    """`reasons` (channel -> why closed, "" when open) with the legal limits added for calls and texts.

    `leads` has `_key`, State, DNC Checked (parsed dates), Phone and Phone 2. A missing or stale Do Not Call check
    closes calls and texts unless the homeowner reached out in the last 3 months; texts also need a consent on
    record. `closed` holds the numbers opt-outs closed on whatever lead they were logged (`phone_opt_outs`): such a
    number is neither called nor texted here (texts reopen with a later Text Consent of this lead); the lead's
    other numbers stay in use. Adds `TEXT_PHONE`, the number to text, and `NUMBER_ISSUE`, the Data Issue naming a
    number another lead's opt-out closed."""
    out = reasons.copy()
    out[TEXT_PHONE] = out[PHONE] if PHONE in out.columns else None
    out[NUMBER_ISSUE] = np.full(len(out), None, dtype=object)
    keys = leads["_key"]
    ledger = _Ledger(activity)
    checked = leads["DNC Checked"]
    age = (today - checked).dt.days.to_numpy(dtype=float)
    inquiry = last_inquiry(keys, ledger)
    # an inquiry permits calls for 3 months; a stop request or Do Not Call ends that permission
    stopped_keys = set(opt_outs["_key"])
    opted_out = keys.isin(stopped_keys) | leads["Do Not Call"].astype(bool)
    invited = (inquiry.notna() & (inquiry >= today - pd.DateOffset(months=INQUIRY_RELATIONSHIP_MONTHS))
               & ~opted_out).to_numpy()
    dnc = np.full(len(leads), "", dtype=object)
    dnc[np.isnan(age)] = "Do Not Call check needed"
    stale = np.flatnonzero(age > DNC_CHECK_VALID_DAYS)
    dnc[stale] = [f"Do Not Call check is {int(a)} days old" for a in age[stale]]
    dnc[age < 0] = "DNC Checked date is in the future"
    dnc[invited] = ""
    no_state = leads["State"].isna().to_numpy()
    given = consent_given(keys, ledger)
    consent = text_consent(keys, ledger, opt_outs, given).to_numpy()
    text_stops = ledger.outcome_in(OPTED_OUT) & ledger.channel_in(*TEXT_STOP_CHANNELS)
    stopped = (keys.isin(stopped_keys) | keys.isin(set(activity.loc[text_stops, "_key"]))).to_numpy() & ~consent
    limits = number_limits(leads, reasons, given, closed) if not closed.events.empty else None
    number_text = np.full(len(leads), "", dtype=object)
    if limits is not None:  # a number closed by an opt-out, here or on another lead: like the lead's own opt-out
        call = out["Call"].to_numpy(dtype=object).copy()
        at = limits.positions
        call[at] = np.where(call[at] == "", limits.call, call[at])
        out["Call"] = call
        number_text[at] = limits.text
        for column, values in ((PHONE, limits.phone), (TEXT_PHONE, limits.text_phone), (NUMBER_ISSUE, limits.issue)):
            cells = out[column].to_numpy(dtype=object).copy()
            cells[at] = values
            out[column] = cells
    for channel in TIMED_CHANNELS:
        current = out[channel]
        extra = np.where(no_state, "State needed for calling hours", dnc)
        if channel == "Text":
            extra = np.where(extra != "", extra, np.where(
                stopped, "opted out of texts", np.where(number_text != "", number_text,
                                                        np.where(consent, "", "no consent to text on record"))))
        out[channel] = current.where(current.ne(""), extra)
    return out


# --- the moment ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Per lead: its calling window, the calls it has had in 24 hours, and when a call or text is next allowed."""

    index: pd.Index
    window_codes: np.ndarray  # lead i's window is window_list[window_codes[i]]
    window_list: list  # Window or None
    calls: dict[str, list[dt.datetime]]
    capped: dict[int, dt.datetime | None]  # position -> when the cap lets the next call through (None: not soon)
    cap_text: pd.Series  # "2 of 3 calls used in 24 hours" or ""
    place_issues: pd.Series | None = None  # Data Issues: an owner's mailing place that cannot be read

    @property
    def windows(self) -> pd.Series:
        return pd.Series(np.array(self.window_list, dtype=object)[self.window_codes], index=self.index, dtype=object)


def timing(leads: pd.DataFrame, activity: pd.DataFrame, moment: Moment) -> Timing:
    now = moment.utc
    codes, windows = lead_windows(leads["State"], leads["ZIP"], now, leads.get("Mailing State"),
                                  leads.get("Mailing ZIP"), leads.get("Mailing Address"),
                                  leads.get("Property Address"))
    calls = calls_last_24h(leads["_key"], activity, moment)
    cap_text = np.full(len(leads), "", dtype=object)
    capped: dict[int, dt.datetime | None] = {}
    keys = leads["_key"].to_numpy(dtype=object)
    for i in np.flatnonzero(leads["_key"].isin(list(calls)).to_numpy()) if calls else ():
        window = windows[codes[i]]
        if window is None or window.cap is None:
            continue
        made = calls[keys[i]]
        cap_text[i] = f"{len(made)} of {window.cap} calls used in 24 hours"
        if len(made) >= window.cap:
            release = made[len(made) - window.cap] + dt.timedelta(hours=24)
            capped[int(i)] = window.next_open_at_or_after(max(release, now))
    return Timing(leads.index, codes, windows, calls, capped, pd.Series(cap_text, index=leads.index, dtype=object),
                  owner_place_issues(leads))


def allowed_text(timing_: Timing, moment: Moment) -> pd.Series:
    """For a call or text: "Now, until 8 PM ET", "From 9 AM CT (10 AM your time)", or "" when not today.

    Worded once per window; only the few leads held back by a call cap are worded one by one."""
    per_window = np.array([_allowed_words(w, None if w is None else (moment.utc if w.open_now else w.opens), moment)
                           for w in timing_.window_list], dtype=object)
    out = per_window[timing_.window_codes]
    for position, when in timing_.capped.items():
        out[position] = _allowed_words(timing_.window_list[timing_.window_codes[position]], when, moment)
    return pd.Series(out, index=timing_.index, dtype=object)


def _allowed_words(window: Window | None, when: dt.datetime | None, moment: Moment) -> str:
    if window is None or when is None:
        return ""
    tz = ZoneInfo(window.zone)
    if when <= moment.utc:
        closes = window.closes or when
        return f"Now, until {_clock(closes.astimezone(tz))} {zone_label(window.zone)}" + _owner_clock(window, closes)
    agent_when = moment.agent_time(when)
    if agent_when.date() != moment.local.date():
        return ""
    text = f"From {_clock(when.astimezone(tz))} {zone_label(window.zone)}" + _owner_clock(window, when)
    if when.astimezone(tz).utcoffset() != agent_when.utcoffset():
        text += f" ({_clock(agent_when)} your time)"
    return text


def _owner_clock(window: Window, instant: dt.datetime) -> str:
    """" (owner in PT: 5 PM)" where the owner's mailing address is in another zone, else ""."""
    if window.owner_zone is None:
        return ""
    zones = window.owner_zone.split(ZONE_SEPARATOR)
    return f" (owner in {'/'.join(zone_label(z) for z in zones)}: {_clock(instant.astimezone(ZoneInfo(zones[0])))})"


# What Contact Rules says of a lead whose plan has ended: no channel is offered, whatever is open on paper
ENDED_WORDS = {"Do Not Contact": "Do not contact: asked on {day}",
               "Closed": "Plan ended: Closed on {day}; no contact planned",
               "Lost": "Plan ended: Lost on {day}; no contact planned"}


def rules_text(reasons: pd.DataFrame, timing_: Timing, channels: tuple[str, ...], stage: pd.Series | None = None,
               since: pd.Series | None = None) -> pd.Series:
    """The Contact Rules cell: "Call, Text 8 AM–8 PM ET · 2 of 3 calls used in 24 hours · OK: Email, Letter ·
    Not: ..." — worded once per distinct combination. A lead whose `stage` is Do Not Contact, Closed or Lost gets
    `ENDED_WORDS` instead, dated by `since` (when that outcome was logged)."""
    out = _channel_rules_text(reasons, timing_, channels)
    if stage is not None:
        ended = np.flatnonzero(stage.reindex(out.index).isin(list(ENDED_WORDS)).to_numpy())
        if len(ended):
            days = (since.reindex(out.index).iloc[ended] if since is not None
                    else pd.Series(pd.NaT, index=out.index[ended]))
            cells = out.to_numpy(dtype=object).copy()
            cells[ended] = [ENDED_WORDS[s].format(day=f"{d:%Y-%m-%d}" if pd.notna(d) else "an unknown date")
                            for s, d in zip(stage.reindex(out.index).iloc[ended], days)]
            out = pd.Series(cells, index=out.index, dtype=object)
    return out


def _channel_rules_text(reasons: pd.DataFrame, timing_: Timing, channels: tuple[str, ...]) -> pd.Series:
    texts = np.array([w.text if w is not None else "" for w in timing_.window_list], dtype=object)
    window_text = pd.Series(texts[timing_.window_codes], index=timing_.index).reindex(reasons.index)
    frame = reasons[list(channels)].assign(_window=window_text, _cap=timing_.cap_text)
    columns = list(frame.columns)
    # one integer per row from each column's codes, then one wording per distinct combination
    values = {c: frame[c].fillna("").to_numpy(dtype=object) for c in columns}
    combined = np.zeros(len(frame), dtype=np.int64)
    for c in columns:
        codes, uniques = pd.factorize(values[c])
        combined = pd.factorize(combined * (len(uniques) + 1) + codes)[0].astype(np.int64)  # stays small
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    worded = np.array([_words({c: values[c][i] for c in columns}, channels) for i in first], dtype=object)
    return pd.Series(worded[inverse] if len(frame) else [], index=reasons.index, dtype=object)


def _words(row: dict[str, str], channels: tuple[str, ...]) -> str:
    parts = []
    timed = [c for c in TIMED_CHANNELS if c in channels and row[c] == ""]
    if timed and row["_window"]:
        parts.append(f"{', '.join(timed)} {row['_window']}")
        if row["_cap"]:
            parts.append(row["_cap"])
    untimed = [c for c in channels if c not in TIMED_CHANNELS and row[c] == ""]
    if untimed:
        parts.append("OK: " + ", ".join(untimed))
    blocked = [f"{c} ({row[c]})" for c in channels if row[c] != ""]
    if blocked:
        parts.append("Not: " + ", ".join(blocked))
    if not timed and not untimed:
        parts.insert(0, "No channel open")
    return " · ".join(parts)


def call_outside_hours(window: Window | None, when_utc: dt.datetime, calls_before: int) -> str | None:
    """Why a call made at `when_utc` broke a rule (outside hours, over the cap), or None."""
    if window is None:
        return None
    inside = any(start <= when_utc < end for start, end in window.intervals)
    tz = ZoneInfo(window.zone)
    if not inside:
        return (f"Call logged at {_clock(when_utc.astimezone(tz))} {zone_label(window.zone)}, outside calling hours "
                f"{window.text} ({window.citation}); kept in Activity")
    if window.cap is not None and calls_before >= window.cap:
        return f"Call logged as number {calls_before + 1} in 24 hours; {window.cap_source}; kept in Activity"
    return None

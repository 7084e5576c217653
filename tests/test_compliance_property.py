"""A property test: whatever the leads, histories and moment, Today never proposes a contact the rules forbid.

The oracle below reads the rules data (hours per weekday, holidays, fixed clocks, caps) and checks each proposal on
the homeowner's own clock with zoneinfo, independently of how compliance.py computes its windows. Half the scenarios
run a plan whose D2 is a text, and most leads are "texters" (a phone, a Do Not Call check, a Text Consent), so texts
are proposed often; `SEEN` counts the channels proposed and the last test fails if texts never were.

Some owners live elsewhere: their Mailing State / ZIP is another state, another zone, or both (`MAILING_PLACES`,
each written with the zone it lies in). The called party may be at either place (47 CFR 64.1200(c)(1)), so the
oracle asks for a call or text allowed at both, each under its own state's rules, and the stricter call cap;
`ABSENT` counts what was proposed to such owners, and a test fails if calls to them never were."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

import holidays
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builders import computed, touch
from leadtracker.rules.contact import CALLING_RULES, DNC_CHECK_VALID_DAYS
from leadtracker.timezones import zones_for

PLACES = [("FL", "33602"), ("FL", "32501"), ("FL", None), ("TX", "79901"), ("TX", "75201"), ("AL", "36602"),
          ("RI", "02903"), ("MS", "39201"), ("NE", "69101"), ("AZ", "86001"), ("HI", "96813"), ("CT", "06103"),
          ("KY", "40202"), ("PA", "19103"), ("GA", "30303"), ("AK", "99501"), (None, None)]
AGENT_ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
               "Pacific/Honolulu"]
DAYS = [dt.date(2026, 3, 8), dt.date(2026, 11, 1), dt.date(2026, 11, 26), dt.date(2026, 12, 25),
        dt.date(2026, 7, 4), dt.date(2026, 5, 4), dt.date(2026, 11, 29), dt.date(2026, 11, 30)]
EVENTS = ["letter", "call", "call", "consent", "consent", "stop", "unsubscribed", "bounced", "replied",
          "wrong number", "opt out call", "opt out email", "opt out"]
PHONE_1, PHONE_2 = "(305) 555-0142", "(305) 555-0177"
TEXT_PLAN = [["Step", "Day", "Channels", "Purpose", "Template"],
             ["D1", 1, "Letter + Email", "Introduce yourself", "d1_intro"],
             ["D2", 2, "Text, Call", "A short hello by text", ""],
             ["D3", 3, "Email, Letter", "The market analysis", ""],
             ["N", 14, "Call, Email, Letter", "Stay in touch", ""], ["R", 90, "Letter, Email", "Check back", ""]]
# Where owners who live elsewhere get their mail: (state, city, ZIP, the zone it lies in, read off a map, not
# looked up in leadtracker.timezones). Against the properties above they are in another state and zone (Riverside
# for a Tampa house), another state in the same zone (Atlanta for Tampa), or the same state in another zone
# (El Paso 799xx for Dallas, Pensacola for Tampa, Paducah for Louisville, Scottsbluff for North Platte).
MAILING_PLACES = [("CA", "Riverside", "92503", "America/Los_Angeles"), ("FL", "Tampa", "33602", "America/New_York"),
                  ("FL", "Pensacola", "32501", "America/Chicago"), ("GA", "Atlanta", "30303", "America/New_York"),
                  ("TX", "Houston", "77084", "America/Chicago"), ("TX", "El Paso", "79901-1234", "America/Denver"),
                  ("TX", "El Paso", "79912", "America/Denver"), ("PA", "Philadelphia", "19103", "America/New_York"),
                  ("RI", "Providence", "02903", "America/New_York"), ("MS", "Jackson", "39201", "America/Chicago"),
                  ("OK", "Tulsa", "74103", "America/Chicago"), ("MD", "Baltimore", "21201", "America/New_York"),
                  ("AZ", "Phoenix", "85004", "America/Phoenix"), ("HI", "Honolulu", "96813", "Pacific/Honolulu"),
                  ("AK", "Anchorage", "99501", "America/Anchorage"),
                  ("UT", "Salt Lake City", "84111", "America/Denver"),
                  ("WA", "Seattle", "98101", "America/Los_Angeles"), ("KY", "Paducah", "42001", "America/Chicago"),
                  ("NE", "Scottsbluff", "69361", "America/Denver"), ("NY", "Albany", "12207", "America/New_York")]
MAILING_ZONES = {zip_code: zone for _, _, zip_code, zone in MAILING_PLACES}
ZONE_OF_LABEL = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "MST": "America/Phoenix",
                 "PT": "America/Los_Angeles", "AKT": "America/Anchorage", "HAT": "America/Adak",
                 "HT": "Pacific/Honolulu"}
FROM = re.compile(r"From (\d{1,2})(?::(\d\d))? (AM|PM) ([A-Z]+)\b")
SEEN: Counter = Counter()  # channels the property test saw proposed, across all its examples
ABSENT: Counter = Counter()  # (channel, "Now"/"From", where the owner lives) proposed to owners who live elsewhere


def texter(i: int, day: dt.date, now: dt.datetime, **values: object) -> tuple[dict, list[dict]]:
    """A lead (in Tampa unless told) whose text is due today: a phone, a fresh Do Not Call check, consent, D1 done
    yesterday."""
    key = f"P-{i}"
    row = {"Lead ID": key, "Owner Name": f"Invented Owner {i}", "Property Address": f"{i + 1} Test Lane",
           "City": "Testville", "State": "FL", "ZIP": "33602", "Phone": PHONE_1, "Phone 2": None,
           "Email": f"owner{i}@example.com", "DNC Checked": day - dt.timedelta(days=10), "Do Not Call": False,
           "Do Not Text": False, "Do Not Email": False}
    row.update(values)
    history = [touch(key, None, now - dt.timedelta(days=5), "Text Consent", "Text", direction="Inbound"),
               touch(key, "D1", now - dt.timedelta(days=1))]
    return row, history


@st.composite
def scenarios(draw):
    day = draw(st.sampled_from(DAYS) | st.dates(dt.date(2026, 1, 2), dt.date(2026, 12, 30)))
    hour = draw(st.integers(0, 23) | st.sampled_from([5, 6, 7, 8, 9, 10, 11, 17, 18, 19, 20, 21]))  # edges
    now = dt.datetime.combine(day, dt.time(hour, draw(st.sampled_from([0, 1, 29, 59]))))
    leads, history = [], []
    plan = draw(st.sampled_from([None, TEXT_PLAN]))
    for i in range(draw(st.integers(1, 5))):
        key = f"P-{i}"
        if plan is not None and draw(st.integers(0, 9)) < 6:  # a texter, with the random events below on top
            row, touches = texter(i, day, now, **{"Phone 2": draw(st.sampled_from([None, PHONE_2])),
                                                  **_mailing(draw, "FL", "33602", f"{i + 1} Test Lane")})
            leads.append(row)
            history.extend(touches)
            for _ in range(draw(st.integers(0, 2))):
                history.append(_event(draw, key, now))
            continue
        if draw(st.integers(0, 9)) < 3:  # an owner who lives elsewhere, a call due (no consent to text)
            state, zip_code = draw(st.sampled_from([place for place in PLACES if place[0]]))
            row, touches = texter(i, day, now, State=state, ZIP=zip_code,
                                  **_mailing(draw, state, zip_code, f"{i + 1} Test Lane", away=True))
            leads.append(row)
            history.extend(touches[1:] + _recent_calls(draw, key, now, 2))
            for _ in range(draw(st.integers(0, 2))):
                history.append(_event(draw, key, now))
            continue
        state, zip_code = draw(st.sampled_from(PLACES))
        age = draw(st.sampled_from([None, 0, 10, 10, 20, DNC_CHECK_VALID_DAYS, DNC_CHECK_VALID_DAYS + 1, 200, -2]))
        leads.append({
            "Lead ID": key, "Owner Name": f"Invented Owner {i}", "Property Address": f"{i + 1} Test Lane",
            "City": "Testville", "State": state, "ZIP": zip_code,
            "Phone": draw(st.sampled_from([PHONE_1] * 3 + [None])),
            "Phone 2": draw(st.sampled_from([None, None, PHONE_2])),
            "Email": draw(st.sampled_from([f"owner{i}@example.com", None])),
            "DNC Checked": None if age is None else day - dt.timedelta(days=age),
            "Do Not Call": draw(st.sampled_from([False] * 3 + [True])), "Do Not Text": draw(st.booleans()),
            "Do Not Email": draw(st.booleans()), **_mailing(draw, state, zip_code, f"{i + 1} Test Lane"),
        })
        if draw(st.integers(0, 9)) < 7:  # most leads are in the sequence with a call (D2) or text (D4) due
            first = now - dt.timedelta(days=draw(st.sampled_from([1, 1, 3])), hours=draw(st.integers(0, 5)))
            history.append(touch(key, "D1", first))
            if first <= now - dt.timedelta(days=3):
                history.append(touch(key, "D2", first + dt.timedelta(days=1), "Spoke", "Call"))
                history.append(touch(key, "D3", first + dt.timedelta(days=2)))
        for _ in range(draw(st.integers(0, 6))):
            history.append(_event(draw, key, now))
        history.extend(_recent_calls(draw, key, now, 5))
    return (now, draw(st.sampled_from(AGENT_ZONES)), leads, sorted(history, key=lambda r: r["Timestamp"]),
            plan)


def _recent_calls(draw, key: str, now: dt.datetime, one_in: int) -> list[dict]:
    """For one lead in `one_in`, 1-3 calls in the last 26 hours: the call caps (the stricter state's) bite."""
    if draw(st.integers(1, one_in)) > 1:
        return []
    return [touch(key, None, now - dt.timedelta(minutes=draw(st.integers(1, 60 * 26))), "No Answer", "Call")
            for _ in range(draw(st.sampled_from([1, 2, 3, 3, 3])))]


def _mailing(draw, state: str | None, zip_code: str | None, address: str, away: bool = False) -> dict:
    """No mailing address (half the leads), the property itself, or (all `away` owners) a place elsewhere from
    `MAILING_PLACES`: in the same state where it has one, else anywhere."""
    where = draw(st.integers(6 if away else 0, 9))
    if where < 5:
        return {}
    if where == 5:
        return {"Mailing Address": address, "Mailing City": "Testville", "Mailing State": state,
                "Mailing ZIP": zip_code}
    same_state = [p for p in MAILING_PLACES if p[0] == state and p[2] != zip_code]
    mailing_state, city, mailing_zip, _ = draw(st.sampled_from(same_state if where == 6 and same_state
                                                               else MAILING_PLACES))
    return {"Mailing Address": "7 Away Rd", "Mailing City": city, "Mailing State": mailing_state,
            "Mailing ZIP": mailing_zip}


def _event(draw, key: str, now: dt.datetime) -> dict:
    event = draw(st.sampled_from(EVENTS))
    when = now - dt.timedelta(minutes=draw(st.integers(1, 60 * 24 * 120)))
    inbound = {"direction": "Inbound"}
    return {
        "letter": lambda: touch(key, "D1", when),
        "call": lambda: touch(key, None, when, "No Answer", "Call"),
        "consent": lambda: touch(key, None, when, "Text Consent", "Text", **inbound),
        "stop": lambda: dict(touch(key, None, when, "Replied", "Text", **inbound), Note="STOP"),
        "unsubscribed": lambda: touch(key, None, when, "Unsubscribed", "Email", **inbound),
        "bounced": lambda: touch(key, None, when, "Bounced", "Email", **inbound),
        "replied": lambda: touch(key, None, when, "Replied", "Email", **inbound),
        "wrong number": lambda: touch(key, None, when, "Wrong Number", "Call"),
        "opt out call": lambda: touch(key, None, when, "Opted Out", "Call", **inbound),
        "opt out email": lambda: touch(key, None, when, "Opted Out", "Email", **inbound),
        "opt out": lambda: dict(touch(key, None, when, "Opted Out", "Call", **inbound), Channel=None),
    }[event]()


def _texter_example(now: dt.datetime, **values: object) -> tuple:
    row, history = texter(0, now.date(), now, **values)
    return now, "America/New_York", [row], history, TEXT_PLAN


def _absentee_example(now: dt.datetime, **values: object) -> tuple:
    """A lead whose owner's mail goes elsewhere, its D2 call due today on the default plan (no consent to text)."""
    row, history = texter(0, now.date(), now, **values)
    return now, "America/New_York", [row], history[1:], None


def places(lead: dict) -> list[tuple[str, tuple[str, ...]]]:
    """Where the called party may be, as (state, zones): the property, and the owner's mailing place unless the
    mailing address is the property's."""
    out = [(lead["State"], zones_for(lead["State"], lead["ZIP"]))]
    if lead.get("Mailing State") and (lead["Mailing State"], lead["Mailing ZIP"]) != (lead["State"], lead["ZIP"]):
        out.append((lead["Mailing State"], (MAILING_ZONES[lead["Mailing ZIP"]],)))
    return out


def elsewhere(lead: dict) -> str | None:
    """How the owner's mailing place differs from the property: "other state, other zone" etc.; None at home."""
    spots = places(lead)
    if len(spots) == 1:
        return None
    (state, zones), (owner_state, (owner_zone,)) = spots
    return (f"{'other' if owner_state != state else 'same'} state, "
            f"{'same' if owner_zone in zones else 'other'} zone")


def legal_everywhere(lead: dict, instant: dt.datetime) -> bool:
    return all(legal_moment(state, zones, instant) for state, zones in places(lead))


def call_cap(lead: dict) -> int | None:
    """The stricter of the places' caps of calls per 24 hours."""
    caps = [CALLING_RULES[state].calls_per_24h for state, _ in places(lead)]
    return min((c for c in caps if c is not None), default=None)


def clock(moment: dt.datetime) -> str:
    return f"{moment.hour % 12 or 12}{f':{moment.minute:02d}' if moment.minute else ''} " \
           f"{'AM' if moment.hour < 12 else 'PM'}"


def opening(allowed: str, instant: dt.datetime) -> dt.datetime:
    """The moment a "From 9 AM CT ..." proposal names: later on the agent's today."""
    hour, minute, half, label = FROM.match(allowed).groups()
    zone = ZoneInfo(ZONE_OF_LABEL[label])
    at = dt.time(int(hour) % 12 + (12 if half == "PM" else 0), int(minute or 0))
    for offset in (-1, 0, 1):
        moment = dt.datetime.combine(instant.astimezone(zone).date() + dt.timedelta(days=offset), at, zone)
        if moment > instant and moment.astimezone(instant.tzinfo).date() == instant.date():
            return moment
    raise AssertionError(f"{allowed!r} names no moment later on the agent's today ({instant})")


def legal_moment(state: str, zones: tuple[str, ...], instant: dt.datetime) -> bool:
    rule = CALLING_RULES[state]
    for zone in zones + ((rule.fixed_clock,) if rule.fixed_clock else ()):
        local = instant.astimezone(ZoneInfo(zone))
        hours = rule.hours[local.weekday()]
        if hours is None or not hours[0] <= local.time().replace(tzinfo=None) < hours[1]:
            return False
        if rule.no_holidays and local.date() in holidays.US(subdiv=state, years=local.year):
            return False
    return True


def open_numbers(lead: dict, mine: list[dict]) -> list[str]:
    """The lead's numbers left after its Wrong Number rows (none names a number here: each closes the shown one)."""
    numbers = [n for n in (lead["Phone"], lead.get("Phone 2")) if n]
    return numbers[sum(1 for r in mine if r["Outcome"] == "Wrong Number"):]


def numbers_opted_out(leads: list[dict], history: list[dict]) -> tuple[set, dict]:
    """The numbers any lead's opt-out closed: for calls (for good), and for texts (number -> the latest stop). An
    opt-out naming no number is about its lead's numbers left after Wrong Numbers (47 CFR 64.1200(d)(3), (a)(10)).
    A ticked Do Not Call box closes calls and texts to those numbers, Do Not Text texts, and no consent reopens them
    while it is ticked."""
    calls, texts = set(), {}
    for lead in leads:
        mine = [r for r in history if r["Lead ID"] == lead["Lead ID"]]
        for number in open_numbers(lead, mine):
            if lead["Do Not Call"]:
                calls.add(number)
            if lead["Do Not Call"] or lead["Do Not Text"]:
                texts[number] = dt.datetime.max
        for r in mine:
            opted = r["Outcome"] == "Opted Out"
            stops_calls = opted and r["Channel"] in ("Call", None)
            if not (stops_calls or (opted and r["Channel"] == "Text") or r.get("Note") == "STOP"):
                continue
            for number in open_numbers(lead, mine):
                if stops_calls:
                    calls.add(number)
                texts[number] = max(texts.get(number, r["Timestamp"]), r["Timestamp"])
    return calls, texts


def calls_within_24h(history, key, instant, zone):
    """Calls in the 24 real hours up to `instant` (in UTC: a day with a clock change has 23 or 25 hours); a ledger
    time the clock change makes ambiguous reads as standard time, one it skips as just after the change."""
    end = pd.Timestamp(instant).tz_convert("UTC")
    return sum(1 for r in history if r["Lead ID"] == key and r["Channel"] == "Call" and end - pd.Timedelta(hours=24)
               < pd.Timestamp(r["Timestamp"]).tz_localize(zone, ambiguous=False, nonexistent="shift_forward") <= end)


TEXT_NOW = _texter_example(dt.datetime(2026, 11, 30, 10, 0))  # a Monday, inside 8 AM-8 PM ET
TEXT_LATER = _texter_example(dt.datetime(2026, 11, 30, 6, 30))  # before the window opens: "From 8 AM ET"
TEXT_TO_PHONE_2 = _texter_example(dt.datetime(2026, 11, 30, 10, 0), **{"Phone 2": PHONE_2})
TEXT_TO_PHONE_2[3].append(touch("P-0", "D2", dt.datetime(2026, 11, 30, 9, 0), "Wrong Number", "Text"))
# a Tampa house (Florida: 8 AM-8 PM ET), the owner's mail in Riverside (federal 8 AM-9 PM PT = 11 AM-midnight ET)
RIVERSIDE = {"Mailing Address": "4 Palm Dr", "Mailing City": "Riverside", "Mailing State": "CA", "Mailing ZIP": "92503"}
OWNER_ASLEEP = _absentee_example(dt.datetime(2026, 11, 30, 8, 0), **RIVERSIDE)  # 5 AM in Riverside: no call yet
OWNER_AWAKE = _absentee_example(dt.datetime(2026, 11, 30, 11, 30), **RIVERSIDE)  # 8:30 AM there: call
# an Atlanta house (federal 8 AM-9 PM), the owner's mail in Tampa: Florida's 8 PM close applies too
OWNER_IN_FLORIDA = _absentee_example(dt.datetime(2026, 11, 30, 19, 30), City="Atlanta", State="GA", ZIP="30303",
                                     **{"Mailing Address": "9 Bay Ct", "Mailing City": "Tampa",
                                        "Mailing State": "FL", "Mailing ZIP": "33602"})
# the same at noon after three calls this morning: Florida's cap of 3 calls in 24 hours applies too
OWNER_IN_FLORIDA_CALLED = _absentee_example(dt.datetime(2026, 11, 30, 12, 0), **OWNER_IN_FLORIDA[2][0])
OWNER_IN_FLORIDA_CALLED[3].extend(touch("P-0", None, dt.datetime(2026, 11, 30, hour, 0), "No Answer", "Call")
                                  for hour in (9, 10, 11))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
@example(TEXT_NOW)
@example(TEXT_LATER)
@example(TEXT_TO_PHONE_2)
@example(OWNER_ASLEEP)
@example(OWNER_AWAKE)
@example(OWNER_IN_FLORIDA)
@example(OWNER_IN_FLORIDA_CALLED)
def test_today_never_proposes_a_forbidden_contact(scenario):
    now, agent_zone, leads, history, plan = scenario
    result = computed(leads, history, settings={"Time Zone": agent_zone}, plan=plan, now=now, today=now.date())
    zone = ZoneInfo(agent_zone)
    instant = now.replace(tzinfo=zone)
    by_key = {row["Lead ID"]: row for row in leads}
    no_calls, no_texts = numbers_opted_out(leads, history)  # an opt-out follows the number to every lead
    for proposal in result.today.to_dict("records"):
        lead = by_key[proposal["Lead ID"]]
        key = lead["Lead ID"]
        channels = str(proposal["Channel"]).split(" + ")
        SEEN.update(channels)
        mine = [r for r in history if r["Lead ID"] == key]
        opted = {r["Channel"] for r in mine if r["Outcome"] == "Opted Out"}
        if "Call" in channels or "Text" in channels:
            consents = [r["Timestamp"] for r in mine if r["Outcome"] == "Text Consent"]
            usable = {"Call": [n for n in open_numbers(lead, mine) if n not in no_calls],
                      "Text": [n for n in open_numbers(lead, mine)
                               if n not in no_texts or (consents and max(consents) > no_texts[n])]}
            for channel in {"Call", "Text"} & set(channels):
                assert usable[channel], (channel, usable, proposal)
            if channels[0] in usable:
                assert proposal["Contact"] == usable[channels[0]][0], (usable, proposal)
            assert not lead["Do Not Call"] and lead["State"]
            age = (now.date() - lead["DNC Checked"]).days if lead["DNC Checked"] else None
            replied = [r["Timestamp"] for r in mine if r["Outcome"] == "Replied"]
            stopped = any(r.get("Note") == "STOP" for r in mine)
            recent_inquiry = bool(replied) and max(replied) >= now - dt.timedelta(days=92) and not stopped
            assert (age is not None and 0 <= age <= DNC_CHECK_VALID_DAYS) or recent_inquiry
            allowed = proposal["Allowed"]
            if allowed.startswith("Now"):
                when = instant
            else:  # later today: the moment named must be allowed then, in every place, within the cap
                assert allowed.startswith("From"), allowed
                when = opening(allowed, instant)
            assert legal_everywhere(lead, when), (lead, now, allowed)
            cap = call_cap(lead)
            if cap and "Call" in channels:
                assert calls_within_24h(history, key, when, zone) < cap, (cap, lead, now, allowed)
            where = elsewhere(lead)
            if where:
                ABSENT.update((channel, allowed.split()[0].rstrip(","), where) for channel in channels
                              if channel in ("Call", "Text"))
                owner_zone = places(lead)[1][1][0]
                if owner_zone not in zones_for(lead["State"], lead["ZIP"]) and not allowed.startswith("Now"):
                    owner_clock = clock(when.astimezone(ZoneInfo(owner_zone)))
                    assert f": {owner_clock})" in allowed, (allowed, owner_clock)  # "(owner in PT: 8 AM)"
        if "Call" in channels:  # a request to stop calls is honoured for good: 47 CFR 64.1200(d)(3)
            assert not opted & {"Call", None}, (opted, proposal)
        if "Text" in channels:
            assert not lead["Do Not Text"]
            consents = [r["Timestamp"] for r in mine if r["Outcome"] == "Text Consent"]
            stops = [r["Timestamp"] for r in mine if r.get("Note") == "STOP"
                     or (r["Outcome"] == "Opted Out" and r["Channel"] in ("Text", "Call", None))]
            assert consents and (not stops or max(consents) > max(stops))
        if "Email" in channels:  # no email after an opt-out: 15 U.S.C. 7704(a)(4)
            assert lead["Email"] and not lead["Do Not Email"]
            assert not any(r["Outcome"] in ("Unsubscribed", "Bounced") for r in mine)
            assert not opted & {"Email", None}, (opted, proposal)


def test_the_property_proposed_texts_calls_and_emails():
    """The text rules above are only tested if texts are proposed: the examples must include some."""
    if not SEEN:  # run on its own (-k): run the property first
        test_today_never_proposes_a_forbidden_contact()
    assert SEEN["Text"] >= 3 and SEEN["Call"] >= 3 and SEEN["Email"] >= 3, SEEN


def test_the_property_proposed_calls_to_owners_who_live_elsewhere():
    """The two-place rule is only tested if calls to owners who live elsewhere are proposed, now and later, in
    another zone and in another state of the same zone."""
    if not ABSENT:
        test_today_never_proposes_a_forbidden_contact()
    calls = Counter({(when, where): n for (channel, when, where), n in ABSENT.items() if channel == "Call"})
    assert sum(calls.values()) >= 10, ABSENT
    for when in ("Now", "From"):
        assert sum(n for (at, where), n in calls.items() if at == when and "other zone" in where) >= 3, ABSENT
    for kind in ("other state, other zone", "other state, same zone", "same state, other zone"):
        assert sum(n for (_, _, where), n in ABSENT.items() if where == kind) >= 1, ABSENT


def test_the_absentee_examples_are_called_when_both_places_allow():
    for scenario, allowed in [(OWNER_ASLEEP, "From 11 AM ET (owner in PT: 8 AM)"),
                              (OWNER_AWAKE, "Now, until 8 PM ET (owner in PT: 5 PM)"),
                              (OWNER_IN_FLORIDA, "Now, until 8 PM ET")]:
        now, zone, leads, history, plan = scenario
        today = computed(leads, history, settings={"Time Zone": zone}, plan=plan, now=now, today=now.date()).today
        assert today[["Channel", "Contact", "Allowed"]].to_dict("records") == [
            {"Channel": "Call", "Contact": PHONE_1, "Allowed": allowed}]
    now, zone, leads, history, plan = OWNER_IN_FLORIDA_CALLED
    today = computed(leads, history, settings={"Time Zone": zone}, plan=plan, now=now, today=now.date()).today
    assert "Call" not in set(today["Channel"])


def test_the_text_examples_propose_texts():
    for scenario, allowed, contact in [(TEXT_NOW, "Now, until 8 PM ET", PHONE_1),
                                       (TEXT_LATER, "From 8 AM ET", PHONE_1),
                                       (TEXT_TO_PHONE_2, "Now, until 8 PM ET", PHONE_2)]:
        now, zone, leads, history, plan = scenario
        today = computed(leads, history, settings={"Time Zone": zone}, plan=plan, now=now, today=now.date()).today
        assert today[["Channel", "Contact", "Allowed"]].to_dict("records") == [
            {"Channel": "Text", "Contact": contact, "Allowed": allowed}]

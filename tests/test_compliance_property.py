"""A property test: whatever the leads, histories and moment, Today never proposes a contact the rules forbid.

The oracle below reads the rules data (hours per weekday, holidays, fixed clocks, caps) and checks each proposal on
the homeowner's own clock with zoneinfo, independently of how compliance.py computes its windows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
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
          "wrong number"]


@st.composite
def scenarios(draw):
    day = draw(st.sampled_from(DAYS) | st.dates(dt.date(2026, 1, 2), dt.date(2026, 12, 30)))
    hour = draw(st.integers(0, 23) | st.sampled_from([5, 6, 7, 8, 9, 10, 11, 17, 18, 19, 20, 21]))  # edges
    now = dt.datetime.combine(day, dt.time(hour, draw(st.sampled_from([0, 1, 29, 59]))))
    leads, history = [], []
    for i in range(draw(st.integers(1, 5))):
        key = f"P-{i}"
        state, zip_code = draw(st.sampled_from(PLACES))
        age = draw(st.sampled_from([None, 0, 10, 10, 20, DNC_CHECK_VALID_DAYS, DNC_CHECK_VALID_DAYS + 1, 200, -2]))
        leads.append({
            "Lead ID": key, "Owner Name": f"Invented Owner {i}", "Property Address": f"{i + 1} Test Lane",
            "City": "Testville", "State": state, "ZIP": zip_code,
            "Phone": draw(st.sampled_from(["(305) 555-0142"] * 3 + [None])),
            "Email": draw(st.sampled_from([f"owner{i}@example.com", None])),
            "DNC Checked": None if age is None else day - dt.timedelta(days=age),
            "Do Not Call": draw(st.sampled_from([False] * 3 + [True])), "Do Not Text": draw(st.booleans()),
            "Do Not Email": draw(st.booleans()),
        })
        if draw(st.integers(0, 9)) < 7:  # most leads are in the sequence with a call (D2) or text (D4) due
            first = now - dt.timedelta(days=draw(st.sampled_from([1, 1, 3])), hours=draw(st.integers(0, 5)))
            history.append(touch(key, "D1", first))
            if first <= now - dt.timedelta(days=3):
                history.append(touch(key, "D2", first + dt.timedelta(days=1), "Spoke", "Call"))
                history.append(touch(key, "D3", first + dt.timedelta(days=2)))
        for _ in range(draw(st.integers(0, 6))):
            event = draw(st.sampled_from(EVENTS))
            when = now - dt.timedelta(minutes=draw(st.integers(1, 60 * 24 * 120)))
            if event == "letter":
                history.append(touch(key, "D1", when))
            elif event == "call":
                history.append(touch(key, None, when, "No Answer", "Call"))
            elif event == "consent":
                history.append(touch(key, None, when, "Text Consent", "Text", direction="Inbound"))
            elif event == "stop":
                history.append(dict(touch(key, None, when, "Replied", "Text", direction="Inbound"), Note="STOP"))
            elif event == "unsubscribed":
                history.append(touch(key, None, when, "Unsubscribed", "Email", direction="Inbound"))
            elif event == "bounced":
                history.append(touch(key, None, when, "Bounced", "Email", direction="Inbound"))
            elif event == "replied":
                history.append(touch(key, None, when, "Replied", "Email", direction="Inbound"))
            else:
                history.append(touch(key, None, when, "Wrong Number", "Call"))
    return now, draw(st.sampled_from(AGENT_ZONES)), leads, sorted(history, key=lambda r: r["Timestamp"])


def legal_moment(state: str, zip_code: str | None, instant: dt.datetime) -> bool:
    rule = CALLING_RULES[state]
    zones = zones_for(state, zip_code) + ((rule.fixed_clock,) if rule.fixed_clock else ())
    for zone in zones:
        local = instant.astimezone(ZoneInfo(zone))
        hours = rule.hours[local.weekday()]
        if hours is None or not hours[0] <= local.time().replace(tzinfo=None) < hours[1]:
            return False
        if rule.no_holidays and local.date() in holidays.US(subdiv=state, years=local.year):
            return False
    return True


def calls_within_24h(history, key, instant, zone):
    return sum(1 for r in history if r["Lead ID"] == key and r["Channel"] == "Call"
               and instant - dt.timedelta(hours=24) < r["Timestamp"].replace(tzinfo=zone) <= instant)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_today_never_proposes_a_forbidden_contact(scenario):
    now, agent_zone, leads, history = scenario
    result = computed(leads, history, settings={"Time Zone": agent_zone}, now=now, today=now.date())
    zone = ZoneInfo(agent_zone)
    instant = now.replace(tzinfo=zone)
    by_key = {row["Lead ID"]: row for row in leads}
    for proposal in result.today.to_dict("records"):
        lead = by_key[proposal["Lead ID"]]
        key = lead["Lead ID"]
        channels = str(proposal["Channel"]).split(" + ")
        mine = [r for r in history if r["Lead ID"] == key]
        if "Call" in channels or "Text" in channels:
            assert lead["Phone"] and not lead["Do Not Call"] and lead["State"]
            age = (now.date() - lead["DNC Checked"]).days if lead["DNC Checked"] else None
            replied = [r["Timestamp"] for r in mine if r["Outcome"] == "Replied"]
            stopped = any(r.get("Note") == "STOP" for r in mine)
            recent_inquiry = bool(replied) and max(replied) >= now - dt.timedelta(days=92) and not stopped
            assert (age is not None and 0 <= age <= DNC_CHECK_VALID_DAYS) or recent_inquiry
            allowed = proposal["Allowed"]
            if allowed.startswith("Now"):
                assert legal_moment(lead["State"], lead["ZIP"], instant), (lead, now, allowed)
                rule = CALLING_RULES[lead["State"]]
                if rule.calls_per_24h and "Call" in channels:
                    assert calls_within_24h(history, key, instant, zone) < rule.calls_per_24h
            else:
                assert allowed.startswith("From"), allowed
        if "Text" in channels:
            assert not lead["Do Not Text"]
            consents = [r["Timestamp"] for r in mine if r["Outcome"] == "Text Consent"]
            stops = [r["Timestamp"] for r in mine if r.get("Note") == "STOP"]
            assert consents and (not stops or max(consents) > max(stops))
        if "Email" in channels:
            assert lead["Email"] and not lead["Do Not Email"]
            assert not any(r["Outcome"] in ("Unsubscribed", "Bounced") for r in mine)

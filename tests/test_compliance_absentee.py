"""An owner whose mailing address is in another state or time zone than the property: a call or text is allowed
only when it is allowed in both places, under both states' rules (47 CFR 64.1200(c)(1): the called party's local
time, and nobody knows which of the two places they are at)."""

from __future__ import annotations

import datetime as dt

import pytest

import pandas as pd

from builders import TODAY, computed, days_ago, lead, row_of, touch
from leadtracker.timezones import CENTRAL, EASTERN, MOUNTAIN, lead_zones

MONDAY = TODAY + dt.timedelta(days=1)  # 2026-11-30
RIVERSIDE = {"Mailing Address": "4 Palm Dr", "Mailing City": "Riverside", "Mailing State": "CA",
             "Mailing ZIP": "92503", "Phone": "(951) 555-0106"}
TAMPA_MAIL = {"Mailing Address": "9 Bay Ct", "Mailing City": "Tampa", "Mailing State": "FL", "Mailing ZIP": "33602"}
ATLANTA = {"City": "Atlanta", "State": "GA", "ZIP": "30303", "Phone": "(404) 555-0101"}


def at(clock: str) -> dt.datetime:
    return dt.datetime.combine(MONDAY, dt.time.fromisoformat(clock))


def allowed(result, lead_id: str = "L-1") -> str | None:
    rows = result.today[result.today["Lead ID"] == lead_id]
    if not len(rows):
        return None
    assert rows.iloc[0]["Channel"] == "Call"
    return rows.iloc[0]["Allowed"]


def call_due(**values: object) -> tuple[list[dict], list[dict]]:
    return [lead("L-1", **values)], [touch("L-1", "D1", days_ago(1))]


@pytest.mark.parametrize("clock, expected", [
    # property in Tampa (Florida: 8 AM-8 PM ET), owner in Riverside (federal 8 AM-9 PM PT = 11 AM-midnight ET)
    ("08:00", "From 11 AM ET (owner in PT: 8 AM)"),
    ("10:59", "From 11 AM ET (owner in PT: 8 AM)"),
    ("11:00", "Now, until 8 PM ET (owner in PT: 5 PM)"),
    ("19:59", "Now, until 8 PM ET (owner in PT: 5 PM)"),
    ("20:00", None),
])
def test_an_owner_in_another_zone_is_called_only_when_both_clocks_allow(clock, expected):
    result = computed(*call_due(**RIVERSIDE), now=at(clock))
    assert allowed(result) == expected
    assert row_of(result, "L-1")["Contact Rules"].startswith("Call 11 AM–8 PM ET (owner in PT: 8 AM–5 PM) · ")


def test_the_owners_state_rules_apply_in_the_same_zone():
    """Property in Georgia (federal 8 AM-9 PM), owner in Florida: Florida's 8 PM close and 3 calls a day apply."""
    people, history = call_due(**ATLANTA, **TAMPA_MAIL)
    assert allowed(computed(people, history, now=at("19:59"))) == "Now, until 8 PM ET"
    assert allowed(computed(people, history, now=at("20:00"))) is None
    result = computed(people, history, now=at("19:59"))
    assert row_of(result, "L-1")["Contact Rules"].startswith("Call 8 AM–8 PM ET (owner in FL: its rules too) · ")
    calls = [touch("L-1", "D2", at(clock), "No Answer", "Call") for clock in ("09:00", "10:00", "11:00")]
    capped = computed(people, history + calls, now=at("12:00"))
    assert allowed(capped) is None
    assert "3 of 3 calls used in 24 hours" in row_of(capped, "L-1")["Contact Rules"]
    # the same lead without the Florida mailing address: Georgia has no cap, the federal 9 PM close
    plain = computed(*call_due(**ATLANTA), now=at("20:00"))
    assert allowed(plain) == "Now, until 9 PM ET"


def test_same_state_other_zone():
    """Property in El Paso (Mountain), owner in Houston (Central), Texas 9 AM-9 PM in both: 10 AM-9 PM CT."""
    people, history = call_due(City="El Paso", State="TX", ZIP="79901", Phone="(915) 555-0110",
                               **{"Mailing City": "Houston", "Mailing State": "TX", "Mailing ZIP": "77084"})
    early = computed(people, history, now=at("10:59"))  # the agent is in Eastern time: 8:59 AM MT, 9:59 AM CT
    assert allowed(early) == "From 9 AM MT (owner in CT: 10 AM) (11 AM your time)"
    rules = row_of(early, "L-1")["Contact Rules"]
    assert rules.startswith("Call 9 AM–8 PM MT on Mon (owner in CT: 10 AM–9 PM) · ")
    assert allowed(computed(people, history, now=at("11:00"))) == "Now, until 8 PM MT (owner in CT: 9 PM)"
    assert allowed(computed(people, history, now=at("21:59"))) == "Now, until 8 PM MT (owner in CT: 9 PM)"
    assert allowed(computed(people, history, now=at("22:00"))) is None


def test_an_owner_at_the_property_or_next_door_keeps_the_property_window():
    same = {"Mailing Address": "12 Test Lane", "Mailing City": "Tampa", "Mailing State": "FL", "Mailing ZIP": "33602"}
    across_town = {**same, "Mailing Address": "80 Elm St", "Mailing ZIP": "33614"}
    people = [lead("L-1", **same), lead("L-2", Phone="(813) 555-0143", **across_town),
              lead("L-3", Phone="(813) 555-0144")]
    history = [touch(k, "D1", days_ago(1)) for k in ("L-1", "L-2", "L-3")]
    result = computed(people, history, now=at("08:00"))
    for key in ("L-1", "L-2", "L-3"):
        assert allowed(result, key) == "Now, until 8 PM ET"
        assert row_of(result, key)["Contact Rules"].startswith("Call 8 AM–8 PM ET · ")


def test_a_zip_in_a_prefix_that_straddles_a_zone_line_is_settled_by_the_whole_zip():
    """799xx is El Paso (Mountain) but for 79942; 324xx is the Panhandle (Central) but for 32456 and 32457."""
    zones = lead_zones(pd.Series(["TX", "TX", "TX", "FL", "FL", "FL"]),
                       pd.Series(["79901", "79942", "799", "32401", "32456", None]))
    assert list(zones) == [MOUNTAIN, CENTRAL, f"{CENTRAL}|{MOUNTAIN}", CENTRAL, EASTERN, f"{EASTERN}|{CENTRAL}"]

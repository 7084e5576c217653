"""An owner whose mailing address is in another state or time zone than the property: a call or text is allowed
only when it is allowed in both places, under both states' rules (47 CFR 64.1200(c)(1): the called party's local
time, and nobody knows which of the two places they are at)."""

from __future__ import annotations

import datetime as dt

import pytest

import pandas as pd

from builders import TODAY, computed, days_ago, lead, row_of, touch
from leadtracker.timezones import CENTRAL, EASTERN, MOUNTAIN, lead_zones, zip_states

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


# --- a mailing place given by half: the ZIP without the state, the state without the ZIP -------------------------

RIVERSIDE_ZIP_ONLY = {**RIVERSIDE, "Mailing State": None}


@pytest.mark.parametrize("clock, expected", [
    # Mailing State blank: the ZIP 92503 says California (federal 8 AM-9 PM PT = 11 AM-midnight ET)
    ("10:59", "From 11 AM ET (owner in PT: 8 AM)"),
    ("11:00", "Now, until 8 PM ET (owner in PT: 5 PM)"),
    ("19:59", "Now, until 8 PM ET (owner in PT: 5 PM)"),
    ("20:00", None),
])
def test_a_blank_mailing_state_is_read_from_the_mailing_zip(clock, expected):
    result = computed(*call_due(**RIVERSIDE_ZIP_ONLY), now=at(clock))
    assert allowed(result) == expected
    assert row_of(result, "L-1")["Contact Rules"].startswith("Call 11 AM–8 PM ET (owner in PT: 8 AM–5 PM) · ")
    assert "Mailing" not in (row_of(result, "L-1")["Data Issues"] or "")


def test_the_state_read_from_the_mailing_zip_brings_its_rules():
    """Property in Georgia (federal 8 AM-9 PM), Mailing ZIP 33602 (Tampa) with no state: Florida closes at 8 PM."""
    people, history = call_due(**ATLANTA, **{**TAMPA_MAIL, "Mailing State": None})
    assert allowed(computed(people, history, now=at("19:59"))) == "Now, until 8 PM ET"
    assert allowed(computed(people, history, now=at("20:00"))) is None


@pytest.mark.parametrize("clock, expected", [
    # property in Tampa (Eastern), owner somewhere in Florida (the Panhandle is Central): 9 AM-8 PM ET
    ("08:59", "From 9 AM ET (owner in CT/ET: 8 AM)"),
    ("09:00", "Now, until 8 PM ET (owner in CT/ET: 7 PM)"),
    ("19:59", "Now, until 8 PM ET (owner in CT/ET: 7 PM)"),
    ("20:00", None),
])
def test_a_mailing_state_of_two_zones_without_a_zip_keeps_both_zones(clock, expected):
    owner = {"Mailing Address": "77 Gulf Breeze Rd", "Mailing State": "FL", "Mailing ZIP": None}
    assert allowed(computed(*call_due(**owner), now=at(clock))) == expected


@pytest.mark.parametrize("clock, expected", [
    # property in El Paso (Mountain), owner somewhere in Texas (mostly Central), Texas 9 AM-9 PM in both
    ("10:59", "From 9 AM MT (owner in CT/MT: 10 AM) (11 AM your time)"),
    ("11:00", "Now, until 8 PM MT (owner in CT/MT: 9 PM)"),
    ("21:59", "Now, until 8 PM MT (owner in CT/MT: 9 PM)"),
    ("22:00", None),
])
def test_the_same_state_without_a_mailing_zip_keeps_the_states_other_zone(clock, expected):
    people, history = call_due(City="El Paso", State="TX", ZIP="79901", Phone="(915) 555-0110",
                               **{"Mailing Address": "500 Main St", "Mailing State": "TX", "Mailing ZIP": None})
    assert allowed(computed(people, history, now=at(clock))) == expected


def test_an_owner_at_the_property_without_a_mailing_zip_keeps_the_property_window():
    at_home = {"Mailing Address": "12 test lane.", "Mailing State": "FL", "Mailing ZIP": None}
    result = computed(*call_due(**at_home), now=at("08:00"))
    assert allowed(result) == "Now, until 8 PM ET"
    assert "Mailing" not in (row_of(result, "L-1")["Data Issues"] or "")


@pytest.mark.parametrize("mailing_zip, issue", [
    (None, "Mailing State and Mailing ZIP don't say where the owner lives: calling hours follow the property's "
           "time zone only; add them"),
    ("12-34", "Mailing State and Mailing ZIP don't say where the owner lives"),
    ("00901", "Mailing ZIP 00901 is in no US state and Mailing State is blank: calling hours follow the "
              "property's time zone only; check both"),
])
def test_an_owner_whose_place_is_unknown_is_said_in_data_issues(mailing_zip, issue):
    owner = {"Mailing Address": "4 Palm Dr", "Mailing State": None, "Mailing ZIP": mailing_zip}
    result = computed(*call_due(**owner), now=at("08:00"))
    assert allowed(result) == "Now, until 8 PM ET"  # the property's hours, as before
    assert issue in row_of(result, "L-1")["Data Issues"]


def test_no_data_issue_where_the_owner_lives_at_the_property_or_no_mailing_address_is_given():
    people = [lead("L-1", **{"Mailing Address": "12 Test Lane", "Mailing State": None}),
              lead("L-2", Phone="(813) 555-0143", **{"Mailing State": None, "Mailing ZIP": None}),
              lead("L-3", Phone="(813) 555-0144", **{"Mailing Address": "4 Palm Dr", "Mailing ZIP": "33602"})]
    result = computed(people, [touch(k, "D1", days_ago(1)) for k in ("L-1", "L-2", "L-3")], now=at("08:00"))
    for key in ("L-1", "L-2", "L-3"):
        assert allowed(result, key) == "Now, until 8 PM ET"
        assert "Mailing" not in (row_of(result, key)["Data Issues"] or "")


def test_zip_states_follow_the_usps_prefixes():
    zips = pd.Series(["92503", "33602-1234", "06390", "06320", "73960", "73939", "00901", "09001", "21301", "abc",
                      None])
    assert list(zip_states(zips)) == ["CA", "FL", "NY", "CT", "TX", "OK", "PR", "AE", None, None, None]

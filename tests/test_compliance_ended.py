"""Contact Rules of a lead whose plan has ended: Do Not Contact says no contact at all; Closed and Lost say the plan
has ended. None of them is on Today, whatever channel is still open on paper."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import TODAY, computed, days_ago, lead, row_of, touch


def ended(lead_id: str, outcome: str, when: dt.datetime) -> tuple[dict, list[dict]]:
    """A lead with every channel open, a letter sent 10 days ago and `outcome` logged on a call at `when`."""
    return lead(lead_id), [touch(lead_id, "D1", days_ago(10)), touch(lead_id, None, when, outcome, "Call")]


@pytest.mark.parametrize("outcome, words", [
    ("Do Not Contact", "Do not contact: asked on 2026-11-24"),
    ("Closed", "Plan ended: Closed on 2026-11-24; no contact planned"),
    ("Lost", "Plan ended: Lost on 2026-11-24; no contact planned"),
])
def test_contact_rules_of_an_ended_lead_offer_no_channel(outcome, words):
    person, history = ended("L-1", outcome, days_ago(5, hour=15))
    result = computed([person], history, now=dt.datetime.combine(TODAY, dt.time(10, 0)))
    row = row_of(result, "L-1")
    assert row["Stage"] == outcome
    assert row["Contact Rules"] == words
    assert "OK:" not in row["Contact Rules"] and "Call" not in row["Contact Rules"]
    assert "L-1" not in set(result.today["Lead ID"])


def test_the_latest_ending_is_the_one_named_and_a_live_lead_keeps_its_channels():
    person, history = ended("L-1", "Lost", days_ago(20))
    history.append(touch("L-1", None, days_ago(2, hour=11), "Do Not Contact", "Call"))
    live, live_history = lead("L-2", Phone="(813) 555-0143"), [touch("L-2", "D1", days_ago(1))]
    result = computed([person, live], history + live_history, now=dt.datetime.combine(TODAY, dt.time(10, 0)))
    assert row_of(result, "L-1")["Contact Rules"] == "Do not contact: asked on 2026-11-27"
    assert row_of(result, "L-2")["Contact Rules"] == ("Call 8 AM–8 PM ET · OK: Email, Letter · "
                                                      "Not: Text (no consent to text on record)")
    assert list(result.today["Lead ID"]) == ["L-2"]

"""Contact rules at their boundaries: calling hours in the homeowner's zone, caps, Do Not Call checks, consent."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from builders import TODAY, computed, days_ago, lead, row_of, store_for, touch
from leadtracker.commands import read_tables, run_refresh
from leadtracker.compliance import is_opt_out
from leadtracker.rules.contact import CALLING_RULES, US_JURISDICTIONS
from leadtracker.timezones import STATE_ZONES, zones_for

ATLANTA = {"City": "Atlanta", "State": "GA", "ZIP": "30303", "Phone": "(404) 555-0101"}


def call_due(lead_id: str = "L-1", **values: object) -> tuple[dict, list[dict]]:
    """A lead whose D2 call is due today (D1 went out yesterday)."""
    return lead(lead_id, **values), [touch(lead_id, "D1", days_ago(1))]


def today_row(result, lead_id: str = "L-1") -> dict | None:
    rows = result.today[result.today["Lead ID"] == lead_id]
    return rows.iloc[0].to_dict() if len(rows) else None


def at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock))


@pytest.mark.parametrize("state_values, clock, allowed", [
    # Florida: 8 AM-8 PM in the homeowner's zone (Fla. Stat. 501.616(6)(a)); the agent is in Eastern time too
    ({}, "07:59", "From 8 AM ET"),
    ({}, "08:00", "Now, until 8 PM ET"),
    ({}, "19:59", "Now, until 8 PM ET"),
    ({}, "20:00", None),
    # Georgia: the federal 8 AM-9 PM (47 CFR 64.1200(c)(1))
    (ATLANTA, "07:59", "From 8 AM ET"),
    (ATLANTA, "08:00", "Now, until 9 PM ET"),
    (ATLANTA, "20:59", "Now, until 9 PM ET"),
    (ATLANTA, "21:00", None),
])
def test_calling_hours_boundaries(state_values, clock, allowed):
    person, history = call_due(**state_values)
    result = computed([person], history, now=at(TODAY + dt.timedelta(days=1), clock))
    row = today_row(result)
    if allowed is None:
        assert row is None  # the window has closed for today: the call comes back tomorrow
        assert row_of(result, "L-1")["Next Step"] == "D2"
    else:
        assert (row["Channel"], row["Allowed"]) == ("Call", allowed)


@pytest.mark.parametrize("clock, allowed", [
    ("04:59", "From 8 AM ET (5 AM your time)"),
    ("05:00", "Now, until 8 PM ET"),
    ("16:59", "Now, until 8 PM ET"),
    ("17:00", None),
])
def test_an_agent_in_another_zone_calls_on_the_homeowners_clock(clock, allowed):
    person, history = call_due()  # Tampa, Florida: Eastern
    result = computed([person], history, settings={"Time Zone": "America/Los_Angeles"},
                      now=at(TODAY + dt.timedelta(days=1), clock))
    row = today_row(result)
    assert (row["Allowed"] if row else None) == allowed


@pytest.mark.parametrize("day, clock, allowed", [
    # 8 March 2026: Eastern time springs forward; Arizona does not. 8 AM EDT is 5 AM in Phoenix that day...
    (dt.date(2026, 3, 8), "04:59", "From 8 AM ET (5 AM your time)"),
    (dt.date(2026, 3, 8), "05:00", "Now, until 9 PM ET"),
    # ...and 6 AM in Phoenix the day before, under EST
    (dt.date(2026, 3, 7), "05:59", "From 8 AM ET (6 AM your time)"),
    (dt.date(2026, 3, 7), "06:00", "Now, until 9 PM ET"),
])
def test_daylight_saving_change_day(day, clock, allowed):
    person = lead("L-1", **ATLANTA, **{"DNC Checked": day - dt.timedelta(days=3)})
    history = [touch("L-1", "D1", at(day - dt.timedelta(days=1), "10:00"))]
    result = computed([person], history, settings={"Time Zone": "America/Phoenix"}, now=at(day, clock),
                      today=day)
    assert today_row(result)["Allowed"] == allowed


def test_florida_third_call_in_24_hours():
    now = at(TODAY + dt.timedelta(days=1), "09:00")
    person, history = call_due()
    two = history + [touch("L-1", None, now - dt.timedelta(hours=h), "No Answer", "Call") for h in (23, 3)]
    result = computed([person], two, now=now)
    assert "2 of 3 calls used in 24 hours" in row_of(result, "L-1")["Contact Rules"]
    assert today_row(result)["Allowed"] == "Now, until 8 PM ET"

    three = two + [touch("L-1", None, now - dt.timedelta(hours=1), "Left Voicemail", "Call")]
    result = computed([person], three, now=now)
    assert "3 of 3 calls used in 24 hours" in row_of(result, "L-1")["Contact Rules"]
    assert today_row(result)["Allowed"] == "From 10 AM ET"  # the call of 23 hours ago drops out at 10 AM

    late = [r for r in three if r["Timestamp"] != now - dt.timedelta(hours=23)] + [
        touch("L-1", None, now - dt.timedelta(hours=2), "No Answer", "Call")]
    result = computed([person], late, now=now)
    assert today_row(result) is None  # the third call of the day was 3 hours ago: no fourth call today

    georgia = computed([lead("L-1", **ATLANTA)], three, now=now)  # no cap in Georgia
    assert today_row(georgia)["Allowed"] == "Now, until 9 PM ET"


@pytest.mark.parametrize("age, call_open", [(0, True), (31, True), (32, False), (None, False)])
def test_do_not_call_check_is_good_for_31_days(age, call_open):
    checked = None if age is None else TODAY + dt.timedelta(days=1) - dt.timedelta(days=age)
    person, history = call_due(**{"DNC Checked": checked})
    result = computed([person], history, today=TODAY + dt.timedelta(days=1))
    row = row_of(result, "L-1")
    assert (row["Next Channel"] == "Call") is call_open
    if age == 32:
        assert "Call (Do Not Call check is 32 days old)" in row["Contact Rules"]
    if age is None:
        assert "Call (Do Not Call check needed)" in row["Contact Rules"]


def test_a_reply_lets_the_agent_call_back_for_three_months_without_a_fresh_check():
    person, history = call_due(**{"DNC Checked": None})
    replied = history + [touch("L-1", None, days_ago(1, 15), "Replied", "Email", direction="Inbound")]
    assert "Call 8 AM–8 PM ET" in row_of(computed([person], replied), "L-1")["Contact Rules"]
    long_ago = [touch("L-1", "D1", days_ago(120)), touch("L-1", None, days_ago(100), "Replied", "Email",
                                                         direction="Inbound")]
    assert "Call (Do Not Call check needed)" in row_of(computed([person], long_ago), "L-1")["Contact Rules"]


def test_texts_need_consent_and_stop_ends_it():
    person = lead("L-1")
    assert "Text (no consent to text on record)" in row_of(computed([person]), "L-1")["Contact Rules"]
    consent = [touch("L-1", None, days_ago(5), "Text Consent", "Text", direction="Inbound")]
    assert "Call, Text 8 AM–8 PM ET" in row_of(computed([person], consent), "L-1")["Contact Rules"]
    stop = consent + [dict(touch("L-1", None, days_ago(2), "Replied", "Text", direction="Inbound"),
                           Note="Stop texting me please")]
    assert "Text (opted out of texts)" in row_of(computed([person], stop), "L-1")["Contact Rules"]
    again = stop + [touch("L-1", None, days_ago(1), "Text Consent", "Text", direction="Inbound")]
    assert "Call, Text 8 AM–8 PM ET" in row_of(computed([person], again), "L-1")["Contact Rules"]


def test_a_stop_reply_ticks_do_not_text_and_is_recorded_once():
    person = lead("L-1", **{"Do Not Text": None})
    history = [touch("L-1", "D1", days_ago(3)),
               dict(touch("L-1", None, days_ago(1), "Replied", "Text", direction="Inbound"), Note="END")]
    store = store_for([person], history)
    report = run_refresh(store, TODAY)
    # the check, the reply's opt-out, and the number the reply is about (phone_opt_outs)
    assert "3 contact records (Do Not Call checks, opt-outs) added to Activity." in report.summary
    leads = store.sheets["Leads"]
    assert leads[1][leads[0].index("Do Not Text")] == "Yes"
    activity = pd.DataFrame(store.sheets["Activity"][1:], columns=store.sheets["Activity"][0])
    opted = activity[activity["Outcome"] == "Opted Out"]
    assert list(opted["Note"]) == [f"Replied 'END' by text on {days_ago(1):%Y-%m-%d %H:%M}: no more texts unless "
                                   "they give consent again",
                                   f"The opt-out from texts on {days_ago(1):%Y-%m-%d} is about (813) 555-0142 (the "
                                   f"lead's Phone on {TODAY:%Y-%m-%d}): it is not texted again, on any lead, without "
                                   "a new Text Consent, even if this Lead ID changes. If the opt-out was logged by "
                                   "mistake, delete this row with it."]
    assert list(opted["Ref"])[1] == "(813) 555-0142"
    assert list(activity.loc[activity["Outcome"] == "DNC Checked", "Note"]) == [
        f"Do Not Call lists checked on {TODAY - dt.timedelta(days=3):%Y-%m-%d}: not marked Do Not Call"]
    rows = len(activity)
    run_refresh(store, TODAY)  # the same day again: nothing new
    assert len(store.sheets["Activity"]) - 1 == rows
    # an outbound text that says "reply STOP" is not an opt-out
    outbound = [dict(touch("L-2", "D4", days_ago(1), "Sent", "Text"), Note="Reply STOP to opt out")]
    assert "opted out" not in row_of(computed([lead("L-2")], outbound), "L-2")["Contact Rules"]


@pytest.mark.parametrize("text, word", [("STOP", "STOP"), ("please unsubscribe me", "unsubscribe"),
                                        ("Opt-out", "Opt-out"), ("cancel.", "cancel"), ("ok, stopping by", None),
                                        ("weekend works", None), (None, None)])
def test_opt_out_words(text, word):
    assert is_opt_out(text) == word


def test_a_call_typed_outside_the_window_is_kept_and_flagged():
    typed = touch("L-1", "D2", at(TODAY, "21:30"), "No Answer", "Call")
    result = computed([lead("L-1")], [touch("L-1", "D1", days_ago(1)), typed], now=at(TODAY, "21:45"))
    issues = row_of(result, "L-1")["Data Issues"]
    assert "Call logged at 9:30 PM ET, outside calling hours" in issues and "Fla. Stat. 501.616(6)(a)" in issues
    # a day later the row is still there, the warning has gone; a date typed without a time is not judged
    later = computed([lead("L-1")], [touch("L-1", "D1", days_ago(1)), typed], now=at(TODAY + dt.timedelta(days=1),
                                                                                       "21:31"))
    assert "Call logged" not in (row_of(later, "L-1")["Data Issues"] or "")
    dated = touch("L-1", "D2", dt.datetime.combine(TODAY, dt.time(0, 0)), "No Answer", "Call")
    assert "Call logged" not in (row_of(computed([lead("L-1")], [touch("L-1", "D1", days_ago(1)), dated],
                                                 now=at(TODAY, "10:00")), "L-1")["Data Issues"] or "")


def test_a_fourth_typed_call_in_24_hours_is_flagged():
    calls = [touch("L-1", "D2", at(TODAY, clock), "No Answer", "Call") for clock in ("09:00", "11:00", "13:00",
                                                                                    "15:00")]
    issues = row_of(computed([lead("L-1")], calls, now=at(TODAY, "16:00")), "L-1")["Data Issues"]
    assert issues.endswith("; Call logged as number 4 in 24 hours; FL allows 3 (Fla. Stat. 501.616(6)(b)); kept in "
                           "Activity")  # the first three are within the cap


def test_contact_rules_cell_says_what_is_allowed_and_until_when():
    now = at(TODAY, "10:00")
    history = [touch("L-1", None, now - dt.timedelta(hours=h), "No Answer", "Call") for h in (5, 2)]
    text = row_of(computed([lead("L-1")], history, now=now), "L-1")["Contact Rules"]
    assert text == ("Call 8 AM–8 PM ET · 2 of 3 calls used in 24 hours · OK: Email, Letter · "
                    "Not: Text (no consent to text on record)")


def test_unknown_state_closes_calls_until_it_is_filled():
    text = row_of(computed([lead("L-1", State=None)]), "L-1")["Contact Rules"]
    assert "Call (State needed for calling hours)" in text


@pytest.mark.parametrize("state, zip_code, zones", [
    ("FL", "33602", ("America/New_York",)), ("FL", "32501", ("America/Chicago",)),
    ("FL", "32456", ("America/New_York",)), ("FL", None, ("America/New_York", "America/Chicago")),
    ("TX", "79901", ("America/Denver",)), ("TX", "75201", ("America/Chicago",)),
    ("IN", "46534", ("America/Chicago",)), ("IN", "46204", ("America/New_York",)),
    ("AZ", "85004", ("America/Phoenix",)), ("AZ", "86001", ("America/Phoenix", "America/Denver")),
    ("NE", "69101", ("America/Chicago", "America/Denver")), ("HI", "96813", ("Pacific/Honolulu",)),
])
def test_time_zone_from_state_and_zip(state, zip_code, zones):
    assert zones_for(state, zip_code) == zones


def test_a_zip_that_straddles_two_zones_gets_the_narrower_window():
    # Nebraska 691xx lies on both sides of the Central/Mountain line: 8 AM Mountain is 9 AM Central
    person, history = call_due(City="North Platte", State="NE", ZIP="69101")
    result = computed([person], history, settings={"Time Zone": "America/Chicago"},
                      now=at(TODAY + dt.timedelta(days=1), "08:30"))
    assert today_row(result)["Allowed"] == "From 9 AM CT"


def test_sunday_and_holiday_rules():
    sunday = at(dt.date(2026, 11, 29), "12:00")  # a Sunday
    person, history = call_due(City="Mobile", State="AL", ZIP="36602", Phone="(251) 555-0100")
    assert today_row(computed([person], history, now=sunday, today=sunday.date())) is None
    thanksgiving = at(dt.date(2026, 11, 26), "12:00")
    before = [touch("L-1", "D1", at(dt.date(2026, 11, 25), "10:00"))]  # D1 the day before: the D2 call is due
    assert today_row(computed([person], before, now=thanksgiving, today=thanksgiving.date())) is None
    assert today_row(computed([person], before, now=thanksgiving + dt.timedelta(days=1),
                              today=dt.date(2026, 11, 27)))["Allowed"] == "Now, until 8 PM CT"  # the day after
    monday = at(dt.date(2026, 11, 30), "12:00")
    assert today_row(computed([person], history, now=monday, today=monday.date()))["Allowed"] == \
        "Now, until 8 PM CT"


def test_every_jurisdiction_has_a_calling_rule_and_a_zone():
    assert len(US_JURISDICTIONS) == 51
    assert set(CALLING_RULES) == set(US_JURISDICTIONS) == set(STATE_ZONES)
    for rule in CALLING_RULES.values():
        assert rule.sources and all(s.url.startswith("http") for s in rule.sources)
        assert any("64.1200(c)(1)" in s.citation for s in rule.sources) or rule.state == "DC"
        for hours in rule.hours:
            assert hours is None or (hours[0] >= dt.time(8) and hours[1] <= dt.time(21))


def test_refresh_and_today_take_now(tmp_path, capsys):
    from leadtracker.cli import main
    from leadtracker.demo import write_demo_workbook

    path = tmp_path / "demo.xlsx"
    write_demo_workbook(path, TODAY)
    assert main(["today", str(path), "--now", "2026-11-30T06:30"]) == 0
    early = capsys.readouterr().out
    assert "From 8 AM" in early and "Now, until" not in early.split("Call", 1)[-1].split("Email", 1)[0]
    assert main(["today", str(path), "--now", "2026-11-30T10:30"]) == 0
    later = capsys.readouterr().out
    assert "Now, until 9 PM ET" in later or "Now, until 8 PM ET" in later
    with pytest.raises(SystemExit) as bad:
        main(["refresh", str(path), "--now", "2026-11-30T25:00"])
    assert bad.value.code == 2
    assert "is not a moment in the form YYYY-MM-DDTHH:MM" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["refresh", str(path), "--now", "2026-11-30T10:30", "--today", "2026-11-30"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_text_due_today_comes_with_a_draft_to_send():
    """Issue 6: a short draft per due text on the Today sheet (never sent by the tool)."""
    plan = [["Step", "Day", "Channels", "Purpose", "Template"],
            ["D1", 1, "Letter + Email", "Introduce yourself", "d1_intro"],
            ["D2", 2, "Text", "A short hello by text", ""],
            ["N", 14, "Call, Email, Letter", "Stay in touch", ""], ["R", 90, "Letter, Email", "Check back", ""]]
    history = [touch("L-1", None, days_ago(9), "Text Consent", "Text", direction="Inbound"),
               touch("L-1", "D1", days_ago(1))]
    agent = {"Agent Name": "Robin Vale", "Brokerage": "Harbor Realty"}
    owner = {"Owner Name": "QUILL AVERY J", "Property Address": "12 Test Lane", "City": "Tampa"}
    today = computed([lead("L-1", **owner)], history, settings=agent, plan=plan, now=at(TODAY, "10:00")).today
    assert list(today["Channel"]) == ["Text"]
    draft = today["Text Draft"].iloc[0]
    assert draft.startswith("Hi Avery, this is Robin Vale with Harbor Realty. I help homeowners in Tampa")
    assert draft.endswith("Reply STOP to opt out.") and len(draft) <= 320
    no_consent = computed([lead("L-1", **owner)], history[1:], settings=agent, plan=plan, now=at(TODAY, "10:00"))
    assert list(no_consent.today["Channel"]) != ["Text"]  # no consent on record: never a text, so no draft

"""Opt-outs on any channel and wrong numbers: what the Contact Rules cell says and what Today lists.

Expectations are worked out by hand from the default plan (D1 Letter + Email, D2 Call, D3 Email else Letter, D4
Call/Text/Email) on TODAY = Sunday 2026-11-29 at 9:00 AM, for a Tampa lead (8 AM-8 PM ET, Fla. Stat. 501.616)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from builders import TODAY, computed, days_ago, lead, row_of, touch
from leadtracker.cadence import PHONE, channel_availability
from leadtracker.rules.contact import OPT_OUT_SOURCES

PHONE_1, PHONE_2 = "(813) 555-0142", "(813) 555-0199"
NINE = dt.datetime.combine(TODAY, dt.time(9, 0))


def opted_out(channel: str | None, days: int) -> dict:
    return dict(touch("L-1", None, days_ago(days, 15), "Opted Out", "Call", direction="Inbound"), Channel=channel)


def today_rows(result) -> list[dict]:
    return result.today[["Lead ID", "Channel", "Contact"]].to_dict("records")


# D1 letter yesterday: D2 (Call) is due today. D1 two days ago and D2 spoken yesterday: D3 (Email) is due today.
D2_DUE = [touch("L-1", "D1", days_ago(1))]
D3_DUE = [touch("L-1", "D1", days_ago(2)), touch("L-1", "D2", days_ago(1, 8), "Spoke", "Call")]  # 25 h ago
CONSENT = touch("L-1", None, days_ago(9), "Text Consent", "Text", direction="Inbound")


@pytest.mark.parametrize("history, next_channel, rules, today", [
    # "stop calling me" on the phone: calls closed for good, texts too (texts are calls under the TCPA); D2 falls
    # back to email
    (D2_DUE + [opted_out("Call", 1)], "Email",
     "OK: Email, Letter · Not: Call (opted out on 2026-11-28), Text (opted out of texts)",
     [{"Lead ID": "L-1", "Channel": "Email", "Contact": "avery.quill@example.com"}]),
    # an email opt-out: the D3 email becomes a letter (CAN-SPAM, 15 U.S.C. 7704(a)(4))
    (D3_DUE + [opted_out("Email", 1)], "Letter",
     "Call 8 AM–8 PM ET · OK: Letter · Not: Text (no consent to text on record), Email (opted out on 2026-11-28)",
     [{"Lead ID": "L-1", "Channel": "Letter", "Contact": "12 Test Lane, Tampa, FL, 33602"}]),
    # an opt-out with no channel closes every channel: nothing is left, so nothing is listed
    (D2_DUE + [opted_out(None, 1)], "",
     "No channel open · Not: Call (opted out on 2026-11-28), Text (opted out of texts), "
     "Email (opted out on 2026-11-28), Letter (opted out on 2026-11-28)", []),
    # no more letters: the call due today is untouched
    (D2_DUE + [opted_out("Letter", 1)], "Call",
     "Call 8 AM–8 PM ET · OK: Email · Not: Text (no consent to text on record), Letter (opted out on 2026-11-28)",
     [{"Lead ID": "L-1", "Channel": "Call", "Contact": PHONE_1}]),
    # the opt-out is dated by its first row; a later reply is no consent to be called again
    (D2_DUE + [opted_out("Call", 3), opted_out("Call", 1),
               touch("L-1", None, days_ago(0, 8), "Replied", "Email", direction="Inbound")], "Email",
     "OK: Email, Letter · Not: Call (opted out on 2026-11-26), Text (opted out of texts)",
     [{"Lead ID": "L-1", "Channel": "Email", "Contact": "avery.quill@example.com"}]),
    # a Text Consent given after a call opt-out opens texts again, never calls
    (D2_DUE + [opted_out("Call", 3), touch("L-1", None, days_ago(2), "Text Consent", "Text", direction="Inbound")],
     "Email", "Text 8 AM–8 PM ET · OK: Email, Letter · Not: Call (opted out on 2026-11-26)",
     [{"Lead ID": "L-1", "Channel": "Email", "Contact": "avery.quill@example.com"}]),
    # ... but a consent given before the opt-out does not
    ([CONSENT] + D2_DUE + [opted_out("Call", 1)], "Email",
     "OK: Email, Letter · Not: Call (opted out on 2026-11-28), Text (opted out of texts)",
     [{"Lead ID": "L-1", "Channel": "Email", "Contact": "avery.quill@example.com"}]),
], ids=["call", "email", "no channel", "letter", "first date, reply does not reopen", "text consent after",
        "text consent before"])
def test_an_opt_out_closes_its_channel_from_then_on(history, next_channel, rules, today):
    result = computed([lead("L-1")], history)
    row = row_of(result, "L-1")
    assert row["Next Channel"] == next_channel
    assert row["Contact Rules"] == rules
    assert today_rows(result) == today


def test_opt_out_rules_carry_their_citations():
    assert [s.citation for s in OPT_OUT_SOURCES["Call"]] == ["47 CFR 64.1200(d)(3)", "47 CFR 64.1200(a)(10)"]
    assert [s.citation for s in OPT_OUT_SOURCES["Email"]] == ["15 U.S.C. 7704(a)(4)", "16 CFR 316.5"]
    assert OPT_OUT_SOURCES["Letter"] == ()  # honoured, but no statute is claimed


def test_an_email_opt_out_stops_email_drafts_even_for_a_named_step(tmp_path):
    from document_builders import TODAY as DOC_TODAY, base_lead, touch as doc_touch, workbook
    from leadtracker.documents.command import run_emails

    leads = [base_lead("L-1", "Alden Fairbrook")]
    history = [doc_touch("L-1", "D1", 5, "Letter"), doc_touch("L-1", None, 3, "Email", "Opted Out", "Inbound")]
    report = run_emails(workbook(leads, history), tmp_path / "w.xlsx", tmp_path / "out", today=DOC_TODAY,
                        refresh=False, lead_ids=("L-1",), steps=("D3",))
    assert report.drafts == []
    assert [(s.lead_id, s.reason) for s in report.skipped] == [("L-1", "email not allowed: opted out on 2026-11-26")]


# --- wrong numbers ------------------------------------------------------------------------------------------------

def wrong(channel: str = "Call", hour: int = 8, **logged: object) -> dict:
    return dict(touch("L-1", "D2", days_ago(0, hour), "Wrong Number", channel), **logged)


@pytest.mark.parametrize("phones, history, next_channel, call_rule, contact", [
    # one number, wrong: calls close and D2 falls to email
    ({}, D2_DUE + [wrong()], "Email", "Not: Call (wrong number), Text (wrong number)", "avery.quill@example.com"),
    # two numbers: the one shown (Phone) was wrong, so Today moves to Phone 2
    ({"Phone 2": PHONE_2}, D2_DUE + [wrong()], "Call", "Call 8 AM–8 PM ET", PHONE_2),
    # both tried and wrong
    ({"Phone 2": PHONE_2}, D2_DUE + [wrong(hour=7), wrong()], "Email",
     "Not: Call (wrong number), Text (wrong number)", "avery.quill@example.com"),
    # only Phone 2 on file: it is the one shown, and it was wrong
    ({"Phone": None, "Phone 2": PHONE_2}, D2_DUE + [wrong()], "Email", "Not: Call (wrong number)",
     "avery.quill@example.com"),
], ids=["one number", "moves to phone 2", "both wrong", "only phone 2"])
def test_a_wrong_number_closes_that_number_and_today_moves_to_the_next(phones, history, next_channel, call_rule,
                                                                       contact):
    result = computed([lead("L-1", **phones)], history)
    row = row_of(result, "L-1")
    assert row["Next Step"] == "D2"  # a wrong number reached nobody: the step is still to do
    assert row["Next Channel"] == next_channel
    assert call_rule in row["Contact Rules"]
    assert today_rows(result) == [{"Lead ID": "L-1", "Channel": next_channel, "Contact": contact}]


def test_a_text_to_a_wrong_number_moves_to_phone_2():
    plan = [["Step", "Day", "Channels", "Purpose", "Template"],
            ["D1", 1, "Letter + Email", "Introduce yourself", "d1_intro"],
            ["D2", 2, "Text", "A short hello by text", ""],
            ["N", 14, "Call, Email, Letter", "Stay in touch", ""], ["R", 90, "Letter, Email", "Check back", ""]]
    history = [CONSENT] + D2_DUE + [wrong("Text")]
    result = computed([lead("L-1", **{"Phone 2": PHONE_2})], history, plan=plan)
    assert today_rows(result) == [{"Lead ID": "L-1", "Channel": "Text", "Contact": PHONE_2}]
    both = computed([lead("L-1", **{"Phone 2": PHONE_2})], history + [wrong("Text", hour=8)], plan=plan)
    assert "Text (wrong number)" in row_of(both, "L-1")["Contact Rules"]
    assert list(both.today["Channel"]) != ["Text"]


def _frames(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    leads = pd.DataFrame({"_key": ["L-1"], "Phone": ["+18135550142"], "Phone 2": ["+18135550199"],
                          "Email": [None], "Property Address": [None], "Mailing Address": [None],
                          "Do Not Call": [False], "Do Not Text": [False], "Do Not Email": [False],
                          "Do Not Mail": [False]})
    activity = pd.DataFrame([{"_key": "L-1", "_ts": pd.Timestamp(NINE), "Channel": "Call", "Outcome": "Wrong Number",
                              "Note": None, "Ref": None, **row} for row in rows])
    return leads, activity


@pytest.mark.parametrize("logged, phone, call", [
    ([{}], "+18135550199", ""),  # names no number: the one shown (Phone) is closed
    ([{"Note": "not them; wrong number at 813.555.0199"}], "+18135550142", ""),  # names Phone 2: Phone stays
    ([{"Ref": "+1 (813) 555-0142"}], "+18135550199", ""),  # names Phone
    ([{"Note": "said (727) 555-0100 is someone else"}], "+18135550199", ""),  # not on file: the shown one
    ([{"Ref": "813-555-0199"}, {}], None, "wrong number"),  # Phone 2 named, then the shown Phone
    # the documented simple rule: rows naming no number close the first number left after the named ones, so
    # naming Phone again after an unnamed row closes both (erring towards not dialling a wrong number)
    ([{}, {"Note": "8135550142 again"}], None, "wrong number"),
], ids=["unnamed", "note names phone 2", "ref names phone 1", "unknown number", "named then unnamed",
        "unnamed then the same named"])
def test_the_number_a_wrong_number_row_names_is_the_one_closed(logged, phone, call):
    """`channel_availability` reads the number from an Activity row's Ref or Note when the ledger carries them."""
    leads, activity = _frames(logged)
    reasons = channel_availability(leads, activity)
    assert reasons.at[0, PHONE] == phone
    assert reasons.at[0, "Call"] == call


@pytest.mark.parametrize("logged, contact", [
    ({"Ref": PHONE_2}, PHONE_1),  # the row names Phone 2: Phone is still the one to dial
    ({"Note": "wrong number, reached 813.555.0142 instead"}, PHONE_2),  # names Phone: Today moves to Phone 2
    ({}, PHONE_2),  # names none: the number shown (Phone) is closed
], ids=["ref names phone 2", "note names phone", "names none"])
def test_a_refresh_reads_the_number_a_wrong_number_row_names(logged, contact):
    """Through a whole refresh: the ledger carries Ref and Note of Wrong Number rows to the rule above."""
    result = computed([lead("L-1", **{"Phone 2": PHONE_2})], D2_DUE + [wrong(hour=8, **logged)])
    assert today_rows(result) == [{"Lead ID": "L-1", "Channel": "Call", "Contact": contact}]


def test_unticking_do_not_call_opens_calls_again_but_texts_wait_for_a_new_consent():
    """A ticked Do Not Call is logged once as an Opted Out row (Source contact-rules): a record of the box, so
    unticking the box opens calls again. The homeowner's own "stop calling" (a logged Opted Out) stays for good.
    Texts stay closed until a Text Consent given after the box was ticked (texts are calls under the TCPA)."""
    from leadtracker.contact_audit import SOURCE

    ticked = dict(touch("L-1", None, days_ago(2, 9), "Opted Out", "Call"), Source=SOURCE,
                  Note="Do Not Call is marked on the Leads sheet")
    result = computed([lead("L-1")], [CONSENT] + D2_DUE + [ticked])
    row = row_of(result, "L-1")
    assert row["Next Channel"] == "Call"
    assert row["Contact Rules"] == ("Call 8 AM–8 PM ET · OK: Email, Letter · Not: Text (opted out of texts)")
    assert today_rows(result) == [{"Lead ID": "L-1", "Channel": "Call", "Contact": PHONE_1}]
    # the homeowner's own request, logged by the agent, is not undone by any box
    asked = dict(ticked, Source="quick-log", Note="please stop calling")
    row = row_of(computed([lead("L-1")], [CONSENT] + D2_DUE + [asked]), "L-1")
    assert "Call (opted out on 2026-11-27)" in row["Contact Rules"]

"""Steps that did not reach the homeowner (a bounced email, a returned letter), and pauses logged the same day as
the touch before them or the reply after them.

Expectations are worked out by hand from the default plan (D1 Letter + Email, D2 Call, D3 Email else Letter, D4
Call/Text/Email, ... D7; N every 14 days rotating Call, Email, Letter; R 90 days after Not Ready, Letter then Email)
on TODAY = Sunday 2026-11-29 at 9:00 AM. The leads carry no foreclosure dates, so every Data Issues cell also says
so (NO_DATES)."""

from __future__ import annotations

import pandas as pd

from builders import computed, days_ago, lead, row_of, sequence_touches, touch

NO_DATES = "Foreclosure deadlines need at least one of Default Date, Notice Date, Filing Date or Sale Date"
SHOWN = ["Stage", "Next Step", "Next Channel", "Due Date", "Data Issues"]


def shown(result, lead_id: str = "L-1") -> dict:
    row = row_of(result, lead_id)
    values = {name: row[name] for name in SHOWN}
    values["Due Date"] = None if pd.isna(values["Due Date"]) else values["Due Date"].date().isoformat()
    return values


def expected(stage: str, step: str, channel: str, due: str | None, issues: str = NO_DATES) -> dict:
    return {"Stage": stage, "Next Step": step, "Next Channel": channel, "Due Date": due, "Data Issues": issues}


def with_ref(row: dict, ref: str) -> dict:
    return dict(row, Ref=ref)


# D1 on 2026-11-19, D2 (a call) on 11-20: D3 is due 11-21 (day 1 + 2, and the day after D2).
D1_D2 = sequence_touches("L-1", 10, 2)
D3_EMAIL = touch("L-1", "D3", days_ago(7, 10), "Sent", "Email")  # 2026-11-22 10:00


# --- 1. a bounced email or a returned letter does not do its step ---

def test_email_sync_sent_then_bounced_keeps_the_step_due_and_moves_it_to_a_letter():
    # email sync writes a Sent row, then a Bounced row for the same message (same step, same time here)
    bounce = touch("L-1", "D3", days_ago(7, 10), "Bounced", "Email", direction="Inbound")
    result = computed([lead("L-1")], D1_D2 + [D3_EMAIL, bounce])
    assert shown(result) == expected("Cadence", "D3", "Letter", "2026-11-21")
    assert "Email (bounced)" in row_of(result, "L-1")["Contact Rules"]


def test_the_same_email_without_its_bounce_does_the_step():
    result = computed([lead("L-1")], D1_D2 + [D3_EMAIL])
    # D4 is due the day after D3 (11-23), a call
    assert shown(result) == expected("Cadence", "D4", "Call", "2026-11-23")


def test_a_returned_letter_keeps_the_step_due_on_a_channel_still_open():
    letter = touch("L-1", "D3", days_ago(7, 10), "Sent", "Letter")
    returned = touch("L-1", "D3", days_ago(3, 10), "Returned Mail", "Letter", direction="Inbound")
    result = computed([lead("L-1", Email=None)], D1_D2 + [letter, returned])
    # no email, letters closed by the returned mail: D3 falls to the first open channel, a call
    assert shown(result) == expected("Cadence", "D3", "Call", "2026-11-21")


def test_a_returned_letter_logged_without_a_channel_is_a_letter():
    letter = touch("L-1", "D3", days_ago(7, 10), "Sent", "Letter")
    returned = dict(touch("L-1", "D3", days_ago(3, 10), "Returned Mail", direction="Inbound"), Channel=None)
    result = computed([lead("L-1")], D1_D2 + [letter, returned])
    assert shown(result) == expected("Cadence", "D3", "Email", "2026-11-21")


def test_a_bounce_naming_no_step_undoes_the_send_with_the_same_message_id():
    sent = with_ref(D3_EMAIL, "<d3.l1@example.com>")
    bounce = with_ref(touch("L-1", None, days_ago(6, 8), "Bounced", "Email", direction="Inbound"),
                      "<d3.l1@example.com>")
    result = computed([lead("L-1")], D1_D2 + [sent, bounce])
    assert shown(result) == expected("Cadence", "D3", "Letter", "2026-11-21")


def test_a_bounce_naming_no_step_and_another_message_leaves_the_step_done():
    sent = with_ref(D3_EMAIL, "<d3.l1@example.com>")
    bounce = with_ref(touch("L-1", None, days_ago(6, 8), "Bounced", "Email", direction="Inbound"),
                      "<other@example.com>")
    result = computed([lead("L-1")], D1_D2 + [sent, bounce])
    # D3 done 11-22, so D4 is due 11-23; the bounce still closes email
    assert shown(result) == expected("Cadence", "D4", "Call", "2026-11-23")
    assert "Email (bounced)" in row_of(result, "L-1")["Contact Rules"]


def test_the_letter_of_a_two_channel_step_still_does_it_when_the_email_bounces():
    d1 = [touch("L-1", "D1", days_ago(10), "Sent", "Letter"), touch("L-1", "D1", days_ago(10), "Sent", "Email"),
          touch("L-1", "D1", days_ago(10, 11), "Bounced", "Email", direction="Inbound")]
    result = computed([lead("L-1")], d1)
    # D1 done on 11-19 by its letter: D2, a call, is due 11-20
    assert shown(result) == expected("Cadence", "D2", "Call", "2026-11-20")


def test_a_bounce_before_the_step_is_sent_again_does_not_undo_the_later_send():
    bounce = touch("L-1", "D3", days_ago(7, 11), "Bounced", "Email", direction="Inbound")
    letter = touch("L-1", "D3", days_ago(5, 10), "Sent", "Letter")  # 11-24: the step done again, by letter
    result = computed([lead("L-1")], D1_D2 + [D3_EMAIL, bounce, letter])
    assert shown(result) == expected("Cadence", "D4", "Call", "2026-11-25")


def test_a_bounce_logged_in_the_sheet_names_the_email_it_is_about():
    # D3 was emailed 11-22, so D4 (Call, Text, Email) is next; the agent logs the bounce on the lead's row
    result = computed([lead("L-1", **{"Log Outcome": "Bounced"})], D1_D2 + [D3_EMAIL])
    logged = result.changes.activity_rows
    bounce = logged[logged["Outcome"].eq("Bounced")]
    assert bounce[["Lead ID", "Step", "Channel"]].to_dict("records") == [
        {"Lead ID": "L-1", "Step": "D3", "Channel": "Email"}]
    assert shown(result) == expected("Cadence", "D3", "Letter", "2026-11-21")


# --- 2. a pause and the touch before it on the same day are ordered by the hour ---

# D1..D7 from 2026-05-13; Not Ready on 07-02 (paused until 09-30, then R was due)
PAUSED_LONG_AGO = sequence_touches("L-1", 200, 7) + [touch("L-1", None, days_ago(150), "Not Ready", "Call")]


def test_not_ready_in_answer_to_the_reengagement_touch_the_same_day_pauses_again():
    history = PAUSED_LONG_AGO + [touch("L-1", "R", days_ago(10, 9), "Sent", "Letter"),
                                 touch("L-1", None, days_ago(10, 15), "Not Ready", "Call")]
    result = computed([lead("L-1")], history)
    # paused from 11-19 for 90 days: R due 2027-02-17
    assert shown(result) == expected("Paused", "R", "Letter", "2027-02-17")


def test_reengagement_sent_after_a_not_ready_the_same_day_resumes_nurture():
    history = PAUSED_LONG_AGO + [touch("L-1", None, days_ago(10, 9), "Not Ready", "Call"),
                                 touch("L-1", "R", days_ago(10, 15), "Sent", "Letter")]
    result = computed([lead("L-1")], history)
    # N every 14 days after the last touch (11-19): 12-03; no N yet, so the rotation starts with a call
    assert shown(result) == expected("Nurture", "N", "Call", "2026-12-03")


def test_a_reply_before_a_not_ready_the_same_day_does_not_end_the_pause():
    history = sequence_touches("L-1", 40, 7) + [
        touch("L-1", None, days_ago(5, 9), "Replied", "Email", direction="Inbound"),
        touch("L-1", None, days_ago(5, 15), "Not Ready", "Call")]
    result = computed([lead("L-1")], history)
    # paused from 11-24: R due 2027-02-22
    assert shown(result) == expected("Paused", "R", "Letter", "2027-02-22")


def test_a_reply_after_a_not_ready_the_same_day_ends_the_pause():
    history = sequence_touches("L-1", 40, 7) + [
        touch("L-1", None, days_ago(5, 9), "Not Ready", "Call"),
        touch("L-1", None, days_ago(5, 15), "Replied", "Email", direction="Inbound")]
    result = computed([lead("L-1")], history)
    # they came back: nurture 14 days after the last outbound touch (the 11-24 call), first a call; Engaged
    assert shown(result) == expected("Engaged", "N", "Call", "2026-12-08")

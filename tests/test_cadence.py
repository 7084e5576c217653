"""The follow-up plan of DESIGN §5, case by case, with a fixed today (2026-11-29)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from builders import TODAY, computed, days_ago, lead, row_of, sequence_touches, touch

T = pd.Timestamp(TODAY)


def day(offset: int) -> pd.Timestamp:
    return T + pd.Timedelta(days=offset)


def test_new_lead_is_due_today_with_letter_and_email():
    result = computed([lead("L-1")])
    row = row_of(result, "L-1")
    assert row["Stage"] == "New"
    assert row["Next Step"] == "D1"
    assert row["Next Channel"] == "Letter + Email"
    assert row["Due Date"] == T
    assert row["Days Overdue"] == 0
    assert row["Touches"] == 0
    assert row["Cadence Day"] is None
    assert list(result.today["Lead ID"]) == ["L-1"]


def test_new_lead_without_email_gets_a_letter_only():
    row = row_of(computed([lead("L-1", Email=None)]), "L-1")
    assert row["Next Channel"] == "Letter"


@pytest.mark.parametrize("k", range(2, 8))
def test_each_step_falls_due_on_its_day(k):
    # day 1 was k-1 days ago; steps before k done on schedule: step k is due today
    result = computed([lead("L-1")], sequence_touches("L-1", k - 1, k - 1))
    row = row_of(result, "L-1")
    assert row["Next Step"] == f"D{k}"
    assert row["Due Date"] == T
    assert row["Days Overdue"] == 0
    assert row["Cadence Day"] == k
    assert row["Stage"] == "Cadence"
    assert "L-1" in set(result.today["Lead ID"])


@pytest.mark.parametrize("k", range(1, 7))
def test_step_done_on_time_sets_the_next_one_for_its_own_day(k):
    # day 1 was k-1 days ago and steps 1..k are all done on schedule: step k+1 is due tomorrow
    result = computed([lead("L-1")], sequence_touches("L-1", k - 1, k))
    row = row_of(result, "L-1")
    assert row["Next Step"] == f"D{k + 1}"
    assert row["Due Date"] == day(1)
    assert row["Days Overdue"] == 0
    assert "L-1" not in set(result.today["Lead ID"])


def test_a_late_step_shifts_the_later_steps():
    # day 1 ten days ago; D2 done 4 days late (6 days ago... i.e. day1+5); D3 is due the day after, not on day 3
    activity = [touch("L-1", "D1", days_ago(10)), touch("L-1", "D2", days_ago(5))]
    row = row_of(computed([lead("L-1")], activity), "L-1")
    assert row["Next Step"] == "D3"
    assert row["Due Date"] == day(-4)
    assert row["Days Overdue"] == 4


def test_overdue_step_stays_due():
    activity = [touch("L-1", "D1", days_ago(8)), touch("L-1", "D2", days_ago(7))]
    result = computed([lead("L-1")], activity)
    row = row_of(result, "L-1")
    assert row["Next Step"] == "D3"
    assert row["Due Date"] == day(-6)
    assert row["Days Overdue"] == 6
    today = result.today.set_index("Lead ID")
    assert today.loc["L-1", "Days Overdue"] == 6
    assert "6 days overdue" in today.loc["L-1", "Why now"]


def test_d1_not_done_but_a_call_made_keeps_d1_due_from_day_one():
    row = row_of(computed([lead("L-1")], [touch("L-1", "D2", days_ago(3))]), "L-1")
    assert row["Next Step"] == "D1"
    assert row["Due Date"] == day(-3)
    assert row["Days Overdue"] == 3


def test_nurture_every_14_days_after_d7_rotating_channels():
    activity = sequence_touches("L-1", 20, 7)  # D7 done 14 days ago
    row = row_of(computed([lead("L-1")], activity), "L-1")
    assert row["Stage"] == "Nurture"
    assert row["Next Step"] == "N"
    assert row["Due Date"] == T
    assert row["Next Channel"] == "Call"  # first nurture touch: Call, then Email, then Letter

    activity.append(touch("L-1", "N", days_ago(3), channel="Call", outcome="Spoke"))
    row = row_of(computed([lead("L-1")], activity), "L-1")
    assert row["Due Date"] == day(11)
    assert row["Next Channel"] == "Email"
    assert row["Stage"] == "Engaged"  # they spoke

    activity.append(touch("L-1", "N", days_ago(1), channel="Email"))
    row = row_of(computed([lead("L-1")], activity), "L-1")
    assert row["Next Channel"] == "Letter"
    assert row["Due Date"] == day(13)


@pytest.mark.parametrize("sale_in, interval", [(45, 14), (30, 3), (20, 3), (7, 1), (3, 1)])
def test_auction_compresses_nurture(sale_in, interval):
    activity = sequence_touches("L-1", 30, 7)
    activity.append(touch("L-1", "N", days_ago(1), channel="Call", outcome="No Answer"))
    sale = dt.datetime.combine(TODAY + dt.timedelta(days=sale_in), dt.time())
    row = row_of(computed([lead("L-1", **{"Sale Date": sale})], activity), "L-1")
    assert row["Next Step"] == "N"
    assert row["Due Date"] == day(-1 + interval)
    assert row["Days to Sale"] == sale_in


def test_compression_thresholds_come_from_settings():
    activity = sequence_touches("L-1", 30, 7) + [touch("L-1", "N", days_ago(1), channel="Call")]
    sale = dt.datetime.combine(TODAY + dt.timedelta(days=40), dt.time())
    row = row_of(computed([lead("L-1", **{"Sale Date": sale})], activity,
                          settings={"Compress Within Days": 45}), "L-1")
    assert row["Due Date"] == day(2)


def test_not_ready_pauses_for_90_days():
    activity = sequence_touches("L-1", 60, 3) + [touch("L-1", "D4", days_ago(40), "Not Ready", "Call")]
    result = computed([lead("L-1")], activity)
    row = row_of(result, "L-1")
    assert row["Stage"] == "Paused"
    assert row["Next Step"] == "R"
    assert row["Due Date"] == day(50)
    assert "L-1" not in set(result.today["Lead ID"])


def test_pause_ends_with_re_engagement_then_nurture_resumes():
    activity = sequence_touches("L-1", 120, 3) + [touch("L-1", "D4", days_ago(100), "Not Interested", "Call")]
    result = computed([lead("L-1")], activity)
    row = row_of(result, "L-1")
    assert row["Next Step"] == "R"
    assert row["Due Date"] == day(-10)
    assert row["Days Overdue"] == 10
    assert row["Next Channel"] == "Letter"
    assert "L-1" in set(result.today["Lead ID"])

    activity.append(touch("L-1", "R", days_ago(2), channel="Letter"))
    row = row_of(computed([lead("L-1")], activity), "L-1")
    assert row["Stage"] == "Nurture"
    assert row["Next Step"] == "N"
    assert row["Due Date"] == day(12)


def test_meeting_set_is_due_on_the_meeting_date():
    meeting = dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(15, 0))
    activity = sequence_touches("L-1", 5, 3) + [touch("L-1", "D4", days_ago(1), "Meeting Set", "Call")]
    row = row_of(computed([lead("L-1", **{"Meeting Date": meeting})], activity), "L-1")
    assert row["Stage"] == "Meeting Set"
    assert row["Next Step"] == "Meeting"
    assert row["Next Channel"] == "Meeting"
    assert row["Due Date"] == day(2)


def test_meeting_set_without_a_date_says_so():
    activity = [touch("L-1", "D1", days_ago(3)), touch("L-1", "D2", days_ago(1), "Meeting Set", "Call")]
    row = row_of(computed([lead("L-1")], activity), "L-1")
    assert row["Stage"] == "Meeting Set"
    assert "Meeting Date" in row["Data Issues"]


def test_met_returns_the_lead_to_the_plan_as_engaged():
    activity = sequence_touches("L-1", 6, 4)
    activity.append(touch("L-1", "D4", days_ago(3), "Meeting Set", "Call"))
    activity.append(touch("L-1", "Meeting", days_ago(1), "Met", "Meeting"))
    row = row_of(computed([lead("L-1")], activity), "L-1")
    assert row["Stage"] == "Engaged"
    assert row["Next Step"] == "D5"


@pytest.mark.parametrize("outcome, stage", [("Listed", "Listed"), ("Under Contract", "Listed"),
                                            ("Closed", "Closed"), ("Lost", "Lost"),
                                            ("Do Not Contact", "Do Not Contact")])
def test_final_outcomes_stop_the_plan(outcome, stage):
    activity = sequence_touches("L-1", 10, 4) + [touch("L-1", None, days_ago(1), outcome, "Call")]
    result = computed([lead("L-1")], activity)
    row = row_of(result, "L-1")
    assert row["Stage"] == stage
    assert row["Next Step"] == ""
    assert pd.isna(row["Due Date"])
    assert "L-1" not in set(result.today["Lead ID"])


def test_bounced_email_removes_email():
    activity = [touch("L-1", "D1", days_ago(2), "Sent", "Letter"), touch("L-1", "D1", days_ago(2), "Bounced",
                                                                         "Email"),
                touch("L-1", "D2", days_ago(1), "No Answer", "Call")]
    row = row_of(computed([lead("L-1")], activity), "L-1")
    assert row["Next Step"] == "D3"
    assert row["Next Channel"] == "Letter"  # D3 is Email, else Letter
    assert "Email (bounced)" in row["Contact Rules"]


def test_wrong_number_removes_calls_and_the_step_falls_to_another_channel():
    activity = [touch("L-1", "D1", days_ago(1), "Sent", "Letter"),
                touch("L-1", "D2", days_ago(0), "Wrong Number", "Call")]
    row = row_of(computed([lead("L-1")], activity), "L-1")
    assert row["Next Step"] == "D2"  # a wrong number did not reach them: the step is not done
    assert row["Next Channel"] == "Email"
    assert "Call (wrong number)" in row["Contact Rules"]


def test_do_not_call_and_returned_mail():
    activity = [touch("L-1", "D1", days_ago(3), "Returned Mail", "Letter")]
    row = row_of(computed([lead("L-1", **{"Do Not Call": "Yes", "Email": None})], activity), "L-1")
    assert row["Stage"] == "Needs Contact Info"
    assert row["Next Step"] == ""
    assert row["Next Channel"] == ""
    assert row["Contact Rules"] == ("No channel open · Not: Call (Do Not Call), Text (Do Not Call), "
                                    "Email (no email), Letter (returned mail)")


def test_no_channel_at_all_needs_contact_info():
    result = computed([lead("L-1", Phone=None, Email=None, **{"Property Address": None})])
    row = row_of(result, "L-1")
    assert row["Stage"] == "Needs Contact Info"
    assert row["Next Step"] == ""
    assert row["Contact Rules"].startswith("No channel open")
    assert result.today.empty


def test_sale_passed_without_redemption_stops_the_plan():
    sale = dt.datetime.combine(TODAY - dt.timedelta(days=10), dt.time())
    row = row_of(computed([lead("L-1", State="TX", **{"Sale Date": sale})], sequence_touches("L-1", 20, 3)), "L-1")
    assert row["Stage"] == "Sale Passed"
    assert row["Next Step"] == ""
    assert row["Days to Sale"] == -10


def test_sale_passed_with_redemption_keeps_the_plan_going():
    sale = dt.datetime.combine(TODAY - dt.timedelta(days=30), dt.time())
    row = row_of(computed([lead("L-1", State="MI", **{"Sale Date": sale})], sequence_touches("L-1", 40, 7)), "L-1")
    assert row["Stage"] == "Redemption"
    assert row["Next Step"] == "N"
    assert row["Redemption Ends"] == pd.Timestamp(sale) + pd.DateOffset(months=6)


def test_redemption_over_means_sale_passed():
    sale = dt.datetime.combine(TODAY - dt.timedelta(days=200), dt.time())
    row = row_of(computed([lead("L-1", State="MI", **{"Sale Date": sale})]), "L-1")
    assert row["Stage"] == "Sale Passed"


def test_reply_makes_the_lead_engaged_and_first_on_today():
    leads = [lead("L-1"), lead("L-2", **{"Owner Name": "Blake Ferrow"})]
    activity = (sequence_touches("L-1", 10, 2) + sequence_touches("L-2", 3, 3) +
                [touch("L-2", "D3", days_ago(0, 8), "Replied", "Email", direction="Inbound")])
    result = computed(leads, activity)
    assert row_of(result, "L-2")["Stage"] == "Engaged"
    assert result.today.sort_values("Rank").iloc[0]["Lead ID"] == "L-2"
    assert "replied" in result.today.set_index("Lead ID").loc["L-2", "Why now"]


def test_opened_email_does_not_complete_a_step():
    activity = [touch("L-1", "D1", days_ago(3)), touch("L-1", "D2", days_ago(2), "Spoke", "Call"),
                touch("L-1", "D3", days_ago(1), "Opened", "Email")]
    row = row_of(computed([lead("L-1")], activity), "L-1")
    assert row["Next Step"] == "D3"


def test_plan_sheet_overrides_the_default_plan():
    plan = [["Step", "Day", "Channels", "Purpose", "Template"],
            ["D1", 1, "Letter", "Hello", "d1_intro"], ["D2", 4, "Call", "Call them", ""],
            ["N", 10, "Email, Letter", "Update", "nurture"]]
    result = computed([lead("L-1")], [touch("L-1", "D1", days_ago(1))], plan=plan)
    row = row_of(result, "L-1")
    assert row["Next Step"] == "D2"
    assert row["Due Date"] == day(2)  # day 1 was yesterday, D2 on day 4

    result = computed([lead("L-1")], [touch("L-1", "D1", days_ago(5)), touch("L-1", "D2", days_ago(2))], plan=plan)
    row = row_of(result, "L-1")
    assert row["Next Step"] == "N" and row["Due Date"] == day(8) and row["Next Channel"] == "Email"


def test_bad_plan_row_falls_back_with_a_message():
    plan = [["Step", "Day", "Channels", "Purpose", "Template"], ["D1", "soon", "Pigeon", "", ""],
            ["D2", 2, "Call", "", ""]]
    result = computed([lead("L-1")], plan=plan)
    text = " ".join(result.changes.messages)
    assert "'soon'" in text and "Pigeon" in text


def test_today_is_cut_at_capacity_but_never_cuts_new_leads():
    leads = [lead(f"N-{i}") for i in range(3)] + [lead(f"D-{i}") for i in range(10)]
    activity = [touch(f"D-{i}", "D1", days_ago(5)) for i in range(10)]
    result = computed(leads, activity, settings={"Daily Capacity": 5})
    ids = list(result.today["Lead ID"])
    assert len(ids) == 5
    assert {"N-0", "N-1", "N-2"} <= set(ids)

    result = computed(leads, activity, settings={"Daily Capacity": 2})
    assert set(result.today["Lead ID"]) == {"N-0", "N-1", "N-2"}


def test_today_ranks_nearest_sale_first_and_groups_by_channel():
    sale_soon = dt.datetime.combine(TODAY + dt.timedelta(days=5), dt.time())
    sale_later = dt.datetime.combine(TODAY + dt.timedelta(days=60), dt.time())
    leads = [lead("A", **{"Sale Date": sale_later}), lead("B", **{"Sale Date": sale_soon}),
             lead("C", Email=None, **{"Sale Date": sale_later})]
    activity = [touch(x, "D1", days_ago(3)) for x in "ABC"] + [touch(x, "D2", days_ago(2), "Spoke", "Call")
                                                                 for x in "ABC"]
    result = computed(leads, activity)
    ranks = result.today.set_index("Lead ID")["Rank"]
    assert ranks["B"] < ranks["A"]
    assert list(result.today["Channel"]) == sorted(result.today["Channel"], key=["Email", "Letter"].index)

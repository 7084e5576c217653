"""A homeowner's call or text opt-out follows the phone number to every lead that has it.

A do-not-call request attaches to the telephone number (47 CFR 64.1200(d)(3)) and so does a revoked consent
(47 CFR 64.1200(a)(10)); the ledger is keyed by Lead ID. So a renamed Lead ID, or the same number on a second lead
(another property, a new vendor list), must not make the number callable again. Expectations are worked out by hand
on TODAY = Sunday 2026-11-29 at 9:00 AM for Tampa leads (8 AM-8 PM ET, Fla. Stat. 501.616), with a plan whose first
step is a call (so a lead that is New again would be called today). Invented people, 555-01xx numbers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from builders import TODAY, computed, lead, row_of, save_xlsx, store_for, touch
from leadtracker.cli import main
from leadtracker.commands import open_store, run_refresh

NUMBER = "(813) 555-0123"  # Morgan Tillbrook's cell
OTHER = "(813) 555-0177"  # a second number of the same lead
OPTED_OUT_ON = dt.datetime(2026, 10, 3, 14, 0)
CALL_FIRST = [["Step", "Day", "Channels", "Purpose", "Template"],
              ["D1", 1, "Call, Text, Letter", "Call to introduce yourself", ""],
              ["D2", 3, "Letter, Email", "A short letter", ""],
              ["N", 14, "Call, Email, Letter", "Stay in touch", ""],
              ["R", 90, "Letter, Email", "Check back", ""]]
TEXT_FIRST = [CALL_FIRST[0], ["D1", 1, "Text, Call, Letter", "A short hello by text", ""]] + CALL_FIRST[2:]
PHONE_DIGITS = re.compile(r"555\D?01\d\d")


def morgan(lead_id: str, **values: object) -> dict:
    return lead(lead_id, **{"Owner Name": "Morgan Tillbrook", "Phone": NUMBER, "Email": None,
                            "Notice Date": dt.date(2026, 9, 1), **values})


def second_property(lead_id: str = "PF-2", **values: object) -> dict:
    """The same homeowner on a second property, from another vendor list (the number typed another way)."""
    return morgan(lead_id, **{"Property Address": "48 Harbor Way", "Phone": "813-555-0123", **values})


def opt_out(lead_id: str, channel: str | None = "Call", when: dt.datetime = OPTED_OUT_ON, **values) -> dict:
    return dict(touch(lead_id, None, when, "Opted Out", "Call", direction="Inbound"), Channel=channel, **values)


def stop_reply(lead_id: str, when: dt.datetime = OPTED_OUT_ON) -> dict:
    return dict(touch(lead_id, None, when, "Replied", "Text", direction="Inbound"), Note="STOP")


def consent(lead_id: str, when: dt.datetime) -> dict:
    return touch(lead_id, None, when, "Text Consent", "Text", direction="Inbound")


def today_rows(result) -> list[dict]:
    return result.today[["Lead ID", "Channel", "Contact"]].to_dict("records")


def on_today(result, lead_id: str) -> list[dict]:
    return [r for r in today_rows(result) if r["Lead ID"] == lead_id]


# --- a second lead with the same number ----------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["813-555-0123", "+1 813 555 0123", "813.555.0123", "8135550123"])
def test_a_second_lead_with_the_same_number_is_neither_called_nor_texted(typed):
    """PF-1's homeowner asked not to be called; PF-2 (a second property) has the same number, typed differently.
    PF-2 even has a Text Consent, but one given before the opt-out, so texts close too (texts are calls under the
    TCPA)."""
    history = [touch("PF-1", "D1", dt.datetime(2026, 10, 1, 10), "Spoke", "Call"), opt_out("PF-1"),
               consent("PF-2", dt.datetime(2026, 9, 20, 10))]
    result = computed([morgan("PF-1"), second_property(Phone=typed)], history, plan=CALL_FIRST)
    row = row_of(result, "PF-2")
    assert row["Next Step"] == "D1"
    assert row["Next Channel"] == "Letter"
    assert row["Contact Rules"] == ("OK: Letter · Not: Call (number opted out on 2026-10-03 on lead PF-1), "
                                    "Text (number opted out on 2026-10-03 on lead PF-1), Email (no email)")
    assert "Phone (813) 555-0123 asked not to be called (Activity for lead PF-1, 2026-10-03)" in row["Data Issues"]
    assert on_today(result, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Letter",
                                         "Contact": "48 Harbor Way, Tampa, FL, 33602"}]
    # the lead the homeowner asked on says it in its own words, with no Data Issue about itself
    own = row_of(result, "PF-1")
    assert "Call (opted out on 2026-10-03)" in own["Contact Rules"]
    assert own["Data Issues"] is None


def test_a_text_consent_after_the_opt_out_opens_texts_on_the_other_lead_but_never_calls():
    history = [opt_out("PF-1"), consent("PF-2", dt.datetime(2026, 10, 20, 10))]
    result = computed([morgan("PF-1"), second_property()], history, plan=CALL_FIRST)
    row = row_of(result, "PF-2")
    assert row["Next Channel"] == "Text"
    assert "Not: Call (number opted out on 2026-10-03 on lead PF-1)" in row["Contact Rules"]
    assert "Text 8 AM–8 PM ET" in row["Contact Rules"]
    assert on_today(result, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Text", "Contact": NUMBER}]


def test_another_number_on_the_same_lead_stays_usable():
    """PF-2 has the opted-out number and one of its own: calls go to its own number."""
    history = [opt_out("PF-1")]
    result = computed([morgan("PF-1"), second_property(**{"Phone 2": OTHER})], history, plan=CALL_FIRST)
    row = row_of(result, "PF-2")
    assert row["Next Channel"] == "Call"
    assert "Call 8 AM–8 PM ET" in row["Contact Rules"]
    assert "Phone (813) 555-0123 asked not to be called (Activity for lead PF-1, 2026-10-03)" in row["Data Issues"]
    assert on_today(result, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Call", "Contact": OTHER}]
    # the other way round: the opted-out number is Phone 2, so Phone is dialled and Phone 2 is named
    swapped = computed([morgan("PF-1"), second_property(Phone=OTHER, **{"Phone 2": "813-555-0123"})], history,
                       plan=CALL_FIRST)
    assert on_today(swapped, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Call", "Contact": OTHER}]
    assert "Phone 2 (813) 555-0123 asked not to be called" in row_of(swapped, "PF-2")["Data Issues"]


def test_a_stop_reply_closes_texts_to_the_number_on_every_lead_until_a_new_consent():
    """A STOP by text withdraws consent to texts only: PF-2 is called instead, and texted again once PF-2 logs a
    Text Consent given after the STOP."""
    before = consent("PF-2", dt.datetime(2026, 9, 20, 10))
    result = computed([morgan("PF-1"), second_property()], [stop_reply("PF-1"), before], plan=TEXT_FIRST)
    row = row_of(result, "PF-2")
    assert row["Next Channel"] == "Call"
    assert "Text (number opted out of texts on 2026-10-03 on lead PF-1)" in row["Contact Rules"]
    assert "Phone (813) 555-0123 asked not to be texted (Activity for lead PF-1, 2026-10-03)" in row["Data Issues"]
    assert on_today(result, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Call", "Contact": NUMBER}]
    again = computed([morgan("PF-1"), second_property()],
                     [stop_reply("PF-1"), before, consent("PF-2", dt.datetime(2026, 10, 9, 10))], plan=TEXT_FIRST)
    assert on_today(again, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Text", "Contact": NUMBER}]
    assert row_of(again, "PF-2")["Data Issues"] is None


def test_an_opt_out_that_names_a_number_closes_that_number_only():
    """Morgan asked, on PF-1, not to be called on the work number (Phone 2): a lead with the work number is not
    called; a lead with PF-1's other number is."""
    note = "please stop calling 813.555.0177, that is my work phone"
    leads = [morgan("PF-1", **{"Phone 2": OTHER}), second_property(),
             morgan("PF-3", **{"Property Address": "7 Quay St", "Phone": OTHER})]
    result = computed(leads, [opt_out("PF-1", Note=note)], plan=CALL_FIRST)
    assert on_today(result, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Call", "Contact": NUMBER}]
    assert row_of(result, "PF-2")["Data Issues"] is None
    assert "Call (number opted out on 2026-10-03 on lead PF-1)" in row_of(result, "PF-3")["Contact Rules"]
    assert on_today(result, "PF-3")[0]["Channel"] == "Letter"


# --- Lead IDs that are no longer on Leads --------------------------------------------------------------------------

def _rename(path: Path, old: str, new: str, **values: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Leads"]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[headers.index("Lead ID")].value == old:
            row[headers.index("Lead ID")].value = new
            for column, value in values.items():
                row[headers.index(column)].value = value
    wb.save(path)


def _activity(path: Path) -> pd.DataFrame:
    rows = list(openpyxl.load_workbook(path)["Activity"].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_a_renamed_lead_keeps_its_opt_out(tmp_path, capsys):
    """The agent quick-logs Morgan's "stop calling me" on PF-1, then renames PF-1 to PF-7 by hand. The refresh that
    logged the opt-out recorded which number it is about, so PF-7's number stays closed."""
    asked = morgan("PF-1", **{"DNC Checked": dt.date(2026, 10, 1), "Log Outcome": "Opted Out", "Log Channel": "Call",
                              "Log Note": "asked us to stop calling"})
    path = save_xlsx(store_for([asked], plan=CALL_FIRST), tmp_path / "Tracker.xlsx")
    assert main(["refresh", str(path), "--now", "2026-10-03T14:00"]) == 0
    pinned = _activity(path)
    pinned = pinned[pinned["Activity ID"].astype(str).str.startswith("NUM-")]
    assert list(zip(pinned["Lead ID"], pinned["Channel"], pinned["Outcome"], pinned["Ref"], pinned["Timestamp"])) == [
        ("PF-1", "Call", "Opted Out", NUMBER, OPTED_OUT_ON)]

    _rename(path, "PF-1", "PF-7", **{"DNC Checked": TODAY - dt.timedelta(days=3)})
    capsys.readouterr()
    assert main(["refresh", str(path), "--today", TODAY.isoformat()]) == 0
    printed = capsys.readouterr().out
    report = run_refresh(open_store(str(path)), TODAY)  # the same workbook once more, to look at the result
    row = row_of(report.result, "PF-7")
    assert row["Stage"] == "New"  # the rest of PF-1's history is not PF-7's until the agent fixes the Lead IDs
    assert "Call (number opted out on 2026-10-03 on lead PF-1)" in row["Contact Rules"]
    assert "Phone (813) 555-0123 asked not to be called (Activity for lead PF-1, 2026-10-03)" in row["Data Issues"]
    assert on_today(report.result, "PF-7") == [{"Lead ID": "PF-7", "Channel": "Letter",
                                                "Contact": "12 Test Lane, Tampa, FL, 33602"}]
    assert "PF-1 is not on Leads; its opt-out from calls on 2026-10-03 still closes" in printed
    assert "now on lead PF-7" in printed
    assert not PHONE_DIGITS.search(printed), printed  # no phone number in what the command prints
    # the record of the number is written once
    assert (_activity(path)["Activity ID"].astype(str).str.startswith("NUM-")).sum() == 1


def test_an_orphan_opt_out_naming_no_number_is_named_in_the_message(tmp_path, capsys):
    """Renamed before any refresh recorded the number: the tool cannot know it, so it says which Lead ID has the
    opt-out and what to do, without printing the number."""
    path = save_xlsx(store_for([morgan("PF-7")], [opt_out("PF-1")], plan=CALL_FIRST), tmp_path / "Tracker.xlsx")
    assert main(["refresh", str(path), "--today", TODAY.isoformat()]) == 0
    printed = capsys.readouterr().out
    assert ("Activity: PF-1 is not on Leads but has an opt-out from calls on 2026-10-03; the number it is about is "
            "not recorded") in printed
    assert "If PF-1 was renamed, type its new Lead ID in those Activity rows" in printed
    assert not PHONE_DIGITS.search(printed), printed


def test_an_opted_out_number_that_no_lead_has_any_more_blocks_nothing():
    """PF-9 was deleted from Leads; its opt-out named its number, which no lead has now."""
    history = [opt_out("PF-9", Note="asked us to stop calling (813) 555-0166")]
    result = computed([second_property(**{"Phone 2": OTHER})], history, plan=CALL_FIRST)
    row = row_of(result, "PF-2")
    assert row["Data Issues"] is None
    assert on_today(result, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Call", "Contact": NUMBER}]
    assert any("PF-9 is not on Leads; its opt-out from calls on 2026-10-03 still closes its number on every lead "
               "(no lead has that number now)" in m for m in result.changes.messages), \
        result.changes.messages
    # and with no leads at all, the refresh still runs
    empty = computed([], history, plan=CALL_FIRST)
    assert empty.today.empty


# --- a ticked Do-Not box follows the number too, while it is ticked ------------------------------------------------

def test_a_do_not_call_box_closes_the_number_on_the_other_lead_until_it_is_unticked():
    """The agent ticks Do Not Call on PF-1 (the homeowner asked, or the number is on the registry). PF-2, the same
    homeowner's second property, is neither called nor texted on that number (texts are calls under the TCPA), even
    with a Text Consent; its own second number stays in use. Unticked, the number opens again: the box decides."""
    leads = [morgan("PF-1", **{"Do Not Call": True}),
             second_property(**{"Phone 2": OTHER}), morgan("PF-3", Phone="(813) 555-0199")]
    history = [consent("PF-2", dt.datetime(2026, 11, 20, 10))]
    result = computed(leads, history, plan=CALL_FIRST)
    row = row_of(result, "PF-2")
    assert on_today(result, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Call", "Contact": OTHER}]
    assert row["Data Issues"] == ("Phone (813) 555-0123 is marked Do Not Call on lead PF-1: it is not called or "
                                  "texted for this lead either")
    only_that_number = computed([leads[0], second_property(), leads[2]], history, plan=CALL_FIRST)
    alone = row_of(only_that_number, "PF-2")
    assert alone["Next Channel"] == "Letter"
    assert alone["Contact Rules"] == ("OK: Letter · Not: Call (number marked Do Not Call on lead PF-1), "
                                      "Text (number marked Do Not Call on lead PF-1), Email (no email)")
    # the lead with the box keeps its own wording and no Data Issue; a lead with another number is untouched
    assert "Call (Do Not Call)" in row_of(only_that_number, "PF-1")["Contact Rules"]
    assert row_of(only_that_number, "PF-1")["Data Issues"] is None
    assert on_today(only_that_number, "PF-3") == [{"Lead ID": "PF-3", "Channel": "Call",
                                                   "Contact": "(813) 555-0199"}]
    unticked = computed([morgan("PF-1"), second_property(), leads[2]], history, plan=CALL_FIRST)
    assert on_today(unticked, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Call", "Contact": NUMBER}]
    assert row_of(unticked, "PF-2")["Data Issues"] is None


def test_a_do_not_text_box_closes_texts_only_and_a_consent_does_not_reopen_them():
    leads = [morgan("PF-1", **{"Do Not Text": True}), second_property()]
    history = [consent("PF-2", dt.datetime(2026, 11, 20, 10))]  # given after the box was ticked, perhaps: no matter
    result = computed(leads, history, plan=TEXT_FIRST)
    row = row_of(result, "PF-2")
    assert on_today(result, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Call", "Contact": NUMBER}]
    assert "Text (number marked Do Not Text on lead PF-1)" in row["Contact Rules"]
    assert row["Data Issues"] == ("Phone (813) 555-0123 is marked Do Not Text on lead PF-1: it is not texted for "
                                  "this lead either")


def test_a_box_on_a_wrong_number_does_not_close_it_for_the_lead_it_belongs_to():
    """PF-1's Phone turned out to be a wrong number (somebody else's), then its box was ticked: the box is about
    PF-1's homeowner, so the number stays open for PF-2, whose homeowner it is."""
    history = [touch("PF-1", "D1", dt.datetime(2026, 11, 2, 10), "Wrong Number", "Call")]
    result = computed([morgan("PF-1", **{"Do Not Call": True}), second_property(**{"Owner Name": "Rowan Ellery"})],
                      history, plan=CALL_FIRST)
    assert on_today(result, "PF-2") == [{"Lead ID": "PF-2", "Channel": "Call", "Contact": NUMBER}]
    assert row_of(result, "PF-2")["Data Issues"] is None

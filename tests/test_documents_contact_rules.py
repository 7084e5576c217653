"""Contact rules the letters and emails commands enforce on every path: no Day-1 companion after a lead stopped, an
opt-out that follows the address to every lead, the texts CSV carrying the permitted calling window, Activity rows
saved without a refresh, and one CSV-safety rule for every CSV the tool writes."""

from __future__ import annotations

import csv
import datetime as dt
from email import policy
from email.parser import BytesParser

import pandas as pd
import pytest
from builders import save_xlsx
from document_builders import TODAY, activity_rows, base_lead, comps_rows, touch, workbook
from smtp_server import PASSWORD, SmtpServer

from leadtracker import schema
from leadtracker.comps_commands import value_files
from leadtracker.documents.command import _write_texts, format_emails, run_emails, run_letters
from leadtracker.documents.selection import read_workbook, text_jobs
from leadtracker.documents.text import csv_cell, csv_safe
from leadtracker.xlsx_store import XlsxStore

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # aiosmtpd's own, in its server thread
ENV = {"LEADTRACKER_SMTP_PASSWORD": PASSWORD}
TEXT_PLAN = [["Step", "Day", "Channels", "Purpose", "Template"], ["D1", 1, "Letter + Email", "Intro", "d1_intro"],
             ["D2", 2, "Call", "Call", ""], ["D3", 3, "Email, Letter", "CMA", "d3_cma"],
             ["D4", 4, "Text, Email", "Meeting", "d4_meeting"]]


def _drafted(report) -> list[tuple[str, str]]:
    """(file name, To address) of each .eml written, read back from disk."""
    out = []
    for path in report.drafts:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        out.append((path.name, message["To"].addresses[0].addr_spec))
    return out


def _reasons(report) -> dict[str, str]:
    return {s.lead_id: s.reason for s in report.skipped}


# --- 1: no companion after the lead stopped -------------------------------------------------------------------------

def test_no_day_one_companion_email_after_do_not_contact_or_a_meeting(tmp_path):
    leads = [base_lead("L-1", "Alden Fairbrook"), base_lead("L-2", "Briony Wexford"),
             base_lead("L-3", "Corwin Yardley"), base_lead("L-4", "Delphine Ashcombe")]
    activity = [touch("L-1", "D1", 0), touch("L-1", None, 0, "Call", "Do Not Contact", "Inbound"),
                touch("L-2", "D1", 0), touch("L-2", None, 0, "Call", "Meeting Set", "Inbound"),
                touch("L-3", "D1", 0), touch("L-3", None, 0, "Call", "Not Interested", "Inbound"),
                touch("L-4", "D1", 0)]  # the control: its email half is still owed
    store = workbook(leads, activity)
    stages = read_workbook(store, TODAY).result.leads.set_index("Lead ID")["Stage"].to_dict()
    assert stages == {"L-1": "Do Not Contact", "L-2": "Meeting Set", "L-3": "Paused", "L-4": "Cadence"}
    report = run_emails(store, tmp_path / "w.xlsx", tmp_path / "out", today=TODAY, refresh=False)
    assert _drafted(report) == [("2026-11-29_L-4_D1_d1_intro.eml", "l-4@example.com")]
    assert sorted(p.name for p in (tmp_path / "out" / "emails-2026-11-29").glob("*.eml")) == [
        "2026-11-29_L-4_D1_d1_intro.eml"]
    assert _reasons(report) == {"L-1": "stage Do Not Contact: no more contact",
                                "L-2": "a meeting is set; nothing to send",
                                "L-3": "stage Paused: the email half of D1 is not sent"}
    assert "L-1 (Alden Fairbrook) D1: stage Do Not Contact: no more contact" in format_emails(report)


def test_no_day_one_companion_letter_after_do_not_contact(tmp_path):
    leads = [base_lead("L-1", "Alden Fairbrook"), base_lead("L-2", "Briony Wexford")]
    activity = [touch("L-1", "D1", 0, "Email"), touch("L-1", None, 0, "Call", "Do Not Contact", "Inbound"),
                touch("L-2", "D1", 0, "Email")]
    store = workbook(leads, activity)
    report = run_letters(store, tmp_path / "w.xlsx", tmp_path / "out", today=TODAY, refresh=False)
    assert [p.name for p in report.letters] == ["2026-11-29_L-2_D1_d1_intro.docx"]
    assert _reasons(report) == {"L-1": "stage Do Not Contact: no more contact"}
    logged = [(r["Lead ID"], r["Step"]) for r in activity_rows(store) if r["Source"] == "letters"]
    assert logged == [("L-2", "D1")]


# --- 2: an opt-out follows the address ------------------------------------------------------------------------------

def test_an_opted_out_address_is_never_emailed_on_any_lead(tmp_path):
    leads = [
        base_lead("L-1", "Alden Fairbrook", Email="same@example.com"),
        base_lead("L-2", "Briony Wexford", Email="Same+news@Example.com"),  # the same mailbox, written differently
        base_lead("L-3", "Corwin Yardley", Email="shared@example.org", **{"Do Not Email": "Yes"}),
        base_lead("L-4", "Delphine Ashcombe", Email="shared@example.org"),
        base_lead("L-5", "Emrys Colborne", Email="gone@example.com"),
        base_lead("L-6", "Fenella Marchbank", Email="gone@example.com"),
        base_lead("L-7", "Gideon Harrowgate", Email="asked@example.com"),
        base_lead("L-8", "Hester Pellingham", Email="asked@example.com"),
        base_lead("L-9", "Ivo Tremayne"),  # the control
    ]
    activity = [touch("L-1", None, 3, "Email", "Unsubscribed", "Inbound"),
                touch("L-5", None, 2, "Email", "Bounced", "Inbound"),
                touch("L-7", None, 2, "Email", "Opted Out", "Inbound")]
    store = workbook(leads, activity)
    report = run_emails(store, tmp_path / "w.xlsx", tmp_path / "out", today=TODAY, refresh=False)
    assert _drafted(report) == [("2026-11-29_L-9_D1_d1_intro.eml", "l-9@example.com")]
    reasons = _reasons(report)
    assert reasons["L-2"] == "email not allowed: same@example.com unsubscribed on lead L-1"
    assert reasons["L-4"] == "email not allowed: shared@example.org is marked Do Not Email on lead L-3"
    assert reasons["L-6"] == "email not allowed: gone@example.com bounced on lead L-5"
    assert reasons["L-8"] == "email not allowed: asked@example.com opted out on lead L-7"
    assert "L-2 (Briony Wexford) D1: email not allowed: same@example.com unsubscribed on lead L-1" in \
        format_emails(report)
    # a named lead and a forced step do not get round it either
    named = run_emails(store, tmp_path / "w.xlsx", tmp_path / "named", today=TODAY, refresh=False,
                       lead_ids=("L-2",), steps=("D3",))
    assert named.drafts == [] and _reasons(named) == {
        "L-2": "email not allowed: same@example.com unsubscribed on lead L-1"}



def test_an_unsubscribed_address_stays_closed_after_the_lead_s_email_is_changed(tmp_path):
    """sync-email names the address in the Unsubscribed row's Note; the agent then types the owner's new address on
    L-1 and a re-imported list brings the old one back on L-2: the old one is still never emailed. An address in a
    note the agent typed on an opt-out (where the owner asked to be written to instead) closes nothing."""
    from email_log_files import at, sendgrid_event, write_json

    from sync.email_logs.command import run_sync_email

    before = workbook([base_lead("L-1", "Alden Fairbrook", Email="old.box@example.com")])
    events = write_json(tmp_path / "sendgrid.json", [
        sendgrid_event("unsubscribe", "old.box@example.com", at(26), 1, "d1", lead_id="L-1")])
    run_sync_email(before, [str(events)], None, today=TODAY)
    synced = [row for row in activity_rows(before) if row["Outcome"] == "Unsubscribed"]
    assert [(r["Lead ID"], r["Note"]) for r in synced] == [("L-1", "Unsubscribed: never email old.box@example.com")]

    typed = {**touch("L-3", None, 2, "Email", "Opted Out", "Inbound"),
             "Note": "no more email to her; she asked us to write to her son at kin@example.com"}
    after = workbook([base_lead("L-1", "Alden Fairbrook", Email="new.box@example.com"),
                      base_lead("L-2", "Alden Fairbrook", Email="Old.Box@example.com"),  # the list, re-imported
                      base_lead("L-3", "Briony Wexford", Email="briony@example.com"),
                      base_lead("L-4", "Corwin Wexford", Email="kin@example.com")], synced + [typed])
    report = run_emails(after, tmp_path / "w.xlsx", tmp_path / "out", today=TODAY, refresh=False)
    assert _reasons(report) == {"L-1": "email not allowed: unsubscribed",  # its own row, whatever its address
                                "L-2": "email not allowed: old.box@example.com unsubscribed on lead L-1",
                                "L-3": "email not allowed: opted out on 2026-11-27"}
    assert _drafted(report) == [("2026-11-29_L-4_D1_d1_intro.eml", "kin@example.com")]

def test_a_ticked_box_record_does_not_outlive_the_box_but_a_homeowner_opt_out_does(tmp_path):
    from leadtracker.contact_audit import SOURCE

    leads = [base_lead("L-1", "Alden Fairbrook", Email="same@example.com"),  # box unticked since
             base_lead("L-2", "Briony Wexford", Email="same@example.com"),
             base_lead("L-3", "Corwin Yardley", Email="told@example.com"),
             base_lead("L-4", "Delphine Ashcombe", Email="told@example.com")]
    box = {**touch("L-1", None, 3, "Email", "Opted Out", "Inbound"), "Source": SOURCE}
    said = touch("L-3", None, 3, None, "Opted Out", "Inbound")  # no channel: every channel, email too
    store = workbook(leads, [box, said])
    report = run_emails(store, tmp_path / "w.xlsx", tmp_path / "out", today=TODAY, refresh=False)
    assert sorted(_drafted(report)) == [("2026-11-29_L-1_D1_d1_intro.eml", "same@example.com")]
    assert _reasons(report) == {  # L-2 is open too; it waits only because one address gets one email a day
        "L-2": "another lead with the same email address (L-1) comes first in this run; one email per address a "
               "day, so this one goes on a later day",
        "L-4": "email not allowed: told@example.com opted out on lead L-3"}


def test_a_refused_address_is_not_tried_again_for_another_lead_in_the_same_run(tmp_path):
    leads = [base_lead("L-1", "Alden Fairbrook", Email="perrin@bounce.example.com"),
             base_lead("L-2", "Briony Wexford", Email="perrin@bounce.example.com"),
             base_lead("L-3", "Corwin Yardley")]
    with SmtpServer() as server:
        store = workbook(leads, settings=server.settings())
        report = run_emails(store, tmp_path / "w.xlsx", tmp_path / "out", send=True, today=TODAY, environ=ENV,
                            refresh=False)
        received = [r.recipients for r in server.received]
    assert report.sent == ["L-3 D1 to l-3@example.com"] and received == [["l-3@example.com"]]
    assert [line.split(":")[0] for line in report.refused] == ["L-1 D1 to perrin@bounce.example.com"]
    assert _reasons(report) == {"L-2": "email not allowed: perrin@bounce.example.com bounced on lead L-1"}
    rows = sorted((r["Lead ID"], r["Outcome"]) for r in activity_rows(store) if r["Source"] == "emails")
    assert rows == [("L-1", "Bounced"), ("L-3", "Sent")]


# --- 3 and 5: the texts CSV -----------------------------------------------------------------------------------------

def _texts_store():
    leads = [base_lead("L-1", "Alden Fairbrook", Email=None),
             base_lead("L-2", "Briony Wexford", Email=None, Phone="(512) 555-0143", State="TX", City="Austin",
                       ZIP="78704")]
    activity = []
    for lead in ("L-1", "L-2"):
        activity += [touch(lead, "D1", 6), touch(lead, "D2", 5, "Call", "Spoke"), touch(lead, "D3", 4),
                     touch(lead, None, 5, "Text", "Text Consent", "Inbound")]
    store = workbook(leads, activity)
    store.sheets["Plan"] = TEXT_PLAN
    return store


def test_the_texts_csv_carries_the_permitted_window(tmp_path):
    store = _texts_store()
    monday_early = dt.datetime(2026, 11, 30, 8, 30)  # the agent's 8:30 AM ET; Texas texts wait for 9 AM CT
    report = run_emails(store, tmp_path / "w.xlsx", tmp_path / "out", today=monday_early, refresh=False)
    assert report.text_count == 2
    with open(report.texts, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["Lead ID", "Owner", "Phone", "Allowed", "Step", "Message"]
    assert [(r["Lead ID"], r["Phone"], r["Allowed"], r["Step"]) for r in rows] == [
        ("L-1", "(813) 555-0142", "Now, until 8 PM ET", "D4"),
        ("L-2", "(512) 555-0143", "From 9 AM CT (10 AM your time)", "D4")]
    today_sheet = read_workbook(store, monday_early).result.today.set_index("Lead ID")["Allowed"].to_dict()
    assert {r["Lead ID"]: r["Allowed"] for r in rows} == today_sheet  # the same words Today shows


def test_a_phone_number_in_the_texts_csv_keeps_its_plus(tmp_path):
    store = _texts_store()
    book = read_workbook(store, dt.datetime(2026, 11, 30, 10, 0))
    jobs = text_jobs(book)
    jobs[0]["contact"] = "+44 20 7946 0018"  # as an SMS tool must dial it
    jobs[1]["contact"] = "=HYPERLINK(\"http://example.com\")"  # not a phone number: made harmless
    target = tmp_path / "texts.csv"
    assert _write_texts(jobs, book, target) == 2
    with open(target, encoding="utf-8-sig", newline="") as handle:
        phones = [r["Phone"] for r in csv.DictReader(handle)]
    assert phones == ["+44 20 7946 0018", "'=HYPERLINK(\"http://example.com\")"]


# --- 5: one CSV-safety rule -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "phone", "expected"), [
    ("=1+2", False, "'=1+2"), ("+1 (813) 555-0142", False, "'+1 (813) 555-0142"),
    ("+1 (813) 555-0142", True, "+1 (813) 555-0142"), ("+44 20 7946 0018", True, "+44 20 7946 0018"),
    ("\t=cmd|' /C calc'!A0", False, "'\t=cmd|' /C calc'!A0"), ("\rnote", False, "'\rnote"),
    ("@SUM(A1)", True, "'@SUM(A1)"), ("+1 =HYPERLINK(x)", True, "'+1 =HYPERLINK(x)"),
    ("-555-0142", True, "'-555-0142"), ("(813) 555-0142", False, "(813) 555-0142"), ("Tampa", False, "Tampa"),
    (412000, False, 412000), (None, False, None), ("", False, ""),
])
def test_csv_cell_neutralises_formulas_but_not_phone_numbers(value, phone, expected):
    assert csv_cell(value, phone=phone) == expected


def test_csv_safe_cleans_the_text_first():
    assert csv_safe("  =1+2 ") == "'=1+2" and csv_safe(None) == "" and csv_safe("+1 813 555 0142", phone=True) == \
        "+1 813 555 0142"


def test_cma_out_makes_formula_looking_ids_text(tmp_path):
    pd.DataFrame(comps_rows()).to_csv(tmp_path / "comps.csv", index=False)
    lead = base_lead("x", "o")
    columns = ["Address", "City", "State", "ZIP", "Beds", "Baths", "Sq Ft", "Year Built", "Lot Sq Ft",
               "Property Type", "Latitude", "Longitude"]
    rows = [{"Lead ID": lead_id, **{c: lead.get(c) for c in columns}, "Address": lead["Property Address"],
             "As Of": "2026-11-29"} for lead_id in ("=1+2", "@SUM(A1)", "S-1")]
    pd.DataFrame(rows).to_csv(tmp_path / "subjects.csv", index=False)
    report = value_files(tmp_path / "subjects.csv", tmp_path / "comps.csv", tmp_path / "values.csv")
    assert report.valued == 3
    with open(tmp_path / "values.csv", newline="") as handle:
        result = list(csv.DictReader(handle))
    assert [r["Lead ID"] for r in result] == ["'=1+2", "'@SUM(A1)", "S-1"]
    assert [r["CMA Mid"] for r in result] == ["299000"] * 3  # numbers stay numbers


# --- 4: Activity rows saved without a refresh -----------------------------------------------------------------------

def test_emails_without_refresh_save_their_activity_rows(tmp_path):
    with SmtpServer() as server:
        memory = workbook([base_lead("L-1", "Alden Fairbrook")], settings=server.settings())
        path = save_xlsx(memory, tmp_path / "MyLeads.xlsx")
        report = run_emails(XlsxStore(path), path, tmp_path / "out", send=True, today=TODAY, environ=ENV,
                            refresh=False)
    assert report.sent == ["L-1 D1 to l-1@example.com"] and report.logged == 1
    saved = XlsxStore(path).read(schema.SHEET_ACTIVITY, schema.ACTIVITY_COLUMNS).canonical(schema.ACTIVITY_COLUMNS)
    assert [(r["Lead ID"], r["Step"], r["Channel"], r["Outcome"]) for r in saved.to_dict("records")] == [
        ("L-1", "D1", "Email", "Sent")]

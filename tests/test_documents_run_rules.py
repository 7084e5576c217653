"""Rules for one letters or emails run as a whole: the documents read exactly the Activity the refresh reads (a row
dated in the future is ignored by both), and one email per address a day (two leads on one mailbox get one email
today, however many runs; the other goes on a later day)."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from builders import save_xlsx
from document_builders import TODAY, activity_rows, base_lead, touch, workbook
from smtp_server import PASSWORD, SmtpServer

from leadtracker.documents.command import format_emails, run_emails
from leadtracker.documents.selection import read_workbook
from leadtracker.xlsx_store import XlsxStore

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # aiosmtpd's own, in its server thread
ENV = {"LEADTRACKER_SMTP_PASSWORD": PASSWORD}
TYPO = dt.datetime(2062, 11, 28, 10, 0)  # 2062 typed for 2026
SAME_ADDRESS = ("another lead with the same email address ({first}) comes first in this run; one email per address "
                "a day, so this one goes on a later day")
EARLIER_TODAY = ("another lead with the same email address ({first}) was emailed today; one email per address a "
                 "day, so this one goes on a later day")


def _sheet(path, name) -> list[dict]:
    sheet = openpyxl.load_workbook(path)[name]
    headers = [c.value for c in sheet[1]]
    return [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]


def _future(row: dict) -> dict:
    return {**row, "Timestamp": TYPO}


# --- 1: a future-dated Activity row is ignored by the documents as by the refresh ------------------------------------

def test_a_future_dated_row_does_not_hold_back_the_letter_or_email_due_today(tmp_path, capsys):
    from leadtracker.cli import main

    leads = [base_lead("L-1", "Alden Fairbrook"), base_lead("L-2", "Briony Wexford"),
             base_lead("L-3", "Corwin Yardley"), base_lead("L-4", "Delphine Ashcombe")]
    activity = [
        _future(touch("L-1", "D1", 0, "Letter", "Returned Mail", "Inbound")),  # its only row: a typo
        _future(touch("L-2", "D1", 0, "Email", "Bounced", "Inbound")),         # its only row: a typo
        touch("L-3", "D1", 1, "Letter"), _future(touch("L-3", "D1", 0, "Email")),  # the email half is still owed
        touch("L-4", "D1", 1, "Letter"),  # the control: its email half is owed
    ]
    book = save_xlsx(workbook(leads, activity), tmp_path / "MyLeads.xlsx")
    computed = read_workbook(XlsxStore(book), TODAY).result.leads.set_index("Lead ID")
    assert computed.loc[["L-1", "L-2"], "Next Step"].tolist() == ["D1", "D1"]  # the refresh ignores the typos
    assert computed.loc[["L-1", "L-2"], "Next Channel"].tolist() == ["Letter + Email"] * 2

    assert main(["letters", str(book), "--out", str(tmp_path / "out"), "--today", TODAY.isoformat()]) == 0
    printed = capsys.readouterr().out
    letters = sorted(p.name for p in (tmp_path / "out" / "letters-2026-11-29").glob("*.docx"))
    assert letters == ["2026-11-29_L-1_D1_d1_intro.docx", "2026-11-29_L-2_D1_d1_intro.docx"], printed
    assert "not allowed" not in printed

    assert main(["emails", str(book), "--out", str(tmp_path / "out"), "--today", TODAY.isoformat()]) == 0
    printed = capsys.readouterr().out
    drafts = sorted(p.name for p in (tmp_path / "out" / "emails-2026-11-29").glob("*.eml"))
    assert drafts == ["2026-11-29_L-1_D1_d1_intro.eml", "2026-11-29_L-2_D1_d1_intro.eml",
                      "2026-11-29_L-3_D1_d1_intro.eml", "2026-11-29_L-4_D1_d1_intro.eml"], printed
    assert "Skipped" not in printed

    logged = sorted((r["Lead ID"], r["Step"]) for r in _sheet(book, "Activity") if r["Source"] == "letters")
    assert logged == [("L-1", "D1"), ("L-2", "D1")]
    issues = {r["Lead ID"]: r["Data Issues"] or "" for r in _sheet(book, "Leads")}
    for lead in ("L-1", "L-2", "L-3"):  # still reported where the agent looks, so the typo gets fixed
        assert "Timestamp 2062-11-28 is in the future; row ignored" in issues[lead]
    assert "in the future" not in issues["L-4"]


# --- 2: one email per address per run -------------------------------------------------------------------------------

def _shared_leads():
    return [base_lead("L-1", "Alden Fairbrook", Email="homeowner@example.com"),
            base_lead("L-2", "Briony Wexford", Email="  HomeOwner@Example.COM "),  # the same owner's second house
            base_lead("L-3", "Corwin Yardley")]


def test_two_leads_on_one_address_get_one_email_a_day_and_the_other_goes_the_next_day(tmp_path):
    book = tmp_path / "MyLeads.xlsx"
    with SmtpServer() as server:
        store = workbook(_shared_leads(), settings=server.settings())
        report = run_emails(store, book, tmp_path / "out", send=True, today=TODAY, environ=ENV)
        received = sorted((r.recipients[0], r.message["X-Lead-Id"]) for r in server.received)
        assert received == [("homeowner@example.com", "L-1"), ("l-3@example.com", "L-3")]
        assert report.sent == ["L-1 D1 to homeowner@example.com", "L-3 D1 to l-3@example.com"]
        assert {s.lead_id: s.reason for s in report.skipped} == {"L-2": SAME_ADDRESS.format(first="L-1")}
        assert f"L-2 (Briony Wexford) D1: {SAME_ADDRESS.format(first='L-1')}" in format_emails(report)
        sent = sorted((r["Lead ID"], r["Step"]) for r in activity_rows(store)
                      if r["Channel"] == "Email" and r["Outcome"] == "Sent")
        assert sent == [("L-1", "D1"), ("L-3", "D1")]
        log = [json.loads(line) for line in (tmp_path / "MyLeads.email-log.jsonl").read_text().splitlines()]
        assert sorted((line["lead_id"], line["event"]) for line in log) == [("L-1", "sent"), ("L-3", "sent")]

        # L-2's step is not done: it is still due; a second run today still holds it, tomorrow's run emails it
        leads = read_workbook(store, TODAY).result.leads.set_index("Lead ID")
        assert (leads.at["L-2", "Next Step"], leads.at["L-2", "Next Channel"]) == ("D1", "Letter + Email")
        assert leads.at["L-2", "Due Date"].date() <= TODAY
        same_day = run_emails(store, book, tmp_path / "out", send=True, today=TODAY, environ=ENV)
        assert same_day.sent == [] and len(server.received) == 2
        assert {s.lead_id: s.reason for s in same_day.skipped} == {"L-2": EARLIER_TODAY.format(first="L-1")}
        tomorrow = TODAY + dt.timedelta(days=1)
        again = run_emails(store, book, tmp_path / "out", send=True, today=tomorrow, environ=ENV)
        assert again.sent == ["L-2 D1 to HomeOwner@Example.COM"] and again.skipped == []
        assert [r.message["X-Lead-Id"] for r in server.received] == ["L-1", "L-3", "L-2"]


def test_drafts_and_named_leads_also_make_one_email_per_address(tmp_path):
    leads = _shared_leads() + [base_lead("L-4", "Delphine Ashcombe", Email="homeowner+house3@example.com")]
    store = workbook(leads)
    report = run_emails(store, tmp_path / "w.xlsx", tmp_path / "out", today=TODAY, refresh=False)
    assert sorted(p.name for p in report.drafts) == ["2026-11-29_L-1_D1_d1_intro.eml",
                                                     "2026-11-29_L-3_D1_d1_intro.eml"]
    assert {s.lead_id: s.reason for s in report.skipped} == {"L-2": SAME_ADDRESS.format(first="L-1"),
                                                             "L-4": SAME_ADDRESS.format(first="L-1")}
    log = [json.loads(line) for line in (tmp_path / "w.email-log.jsonl").read_text().splitlines()]
    assert sorted(line["lead_id"] for line in log) == ["L-1", "L-3"]  # no draft registered for L-2 or L-4
    named = run_emails(store, tmp_path / "w.xlsx", tmp_path / "named", today=TODAY, refresh=False,
                       lead_ids=("L-2", "L-1"), steps=("D3",))
    assert [p.name for p in named.drafts] == ["2026-11-29_L-1_D3_d3_cma.eml"]  # sheet order, not argument order
    assert {s.lead_id: s.reason for s in named.skipped} == {"L-2": SAME_ADDRESS.format(first="L-1")}


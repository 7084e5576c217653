"""Emails: sent through a real SMTP server on 127.0.0.1 (aiosmtpd) and read back; drafts; the outbound log that
sync-email reads; opted-out, unsubscribed and bounced leads skipped and listed; nothing sent twice; text drafts."""

from __future__ import annotations

import csv
import json
import re

import pytest
from document_builders import TODAY, activity_rows, base_lead, touch, workbook
from icalendar import Calendar
from smtp_server import PASSWORD, SmtpServer

from leadtracker.documents.command import format_emails, run_emails
from leadtracker.errors import UsageError
from sync.email_logs.command import run_sync_email
from sync.email_logs.own_log import iter_log, own_log_path

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # aiosmtpd's own, in its server thread
ENV = {"LEADTRACKER_SMTP_PASSWORD": PASSWORD}


def leads_and_history():
    leads = [
        base_lead("L-1", "SMITHERS JOHN A & MARY B", Email="john.smithers@example.com"),
        base_lead("L-2", "Oren Galloway", **{"Do Not Email": "Yes"}),
        base_lead("L-3", "Verity Hollinsworth"),
        base_lead("L-4", "Silas Kettleby"),
        base_lead("L-5", "Perrin Ormsby", Email="perrin@bounce.example.com"),
        base_lead("L-6", "Rowena Ashgrove", **{"Co-Owner Name": "Tamsin Ashgrove"}),
        base_lead("L-7", "Caspian Lockridge", Phone=None),
        base_lead("L-8", "Nerissa Thistlewood", Email="nerissa@busy.example.com"),
    ]
    activity = [
        touch("L-3", "D1", 5), touch("L-3", "D2", 4, "Call", "Spoke"),
        touch("L-3", None, 3, "Email", "Unsubscribed", "Inbound"),
        touch("L-4", "D1", 5), touch("L-4", "D2", 4, "Call", "No Answer"),
        touch("L-4", None, 3, "Email", "Bounced", "Inbound"),
        touch("L-6", "D1", 4), touch("L-6", "D1", 4, "Email"), touch("L-6", "D2", 3, "Call", "Left Voicemail"),
        touch("L-7", "D1", 6), touch("L-7", "D2", 5, "Email"), touch("L-7", "D3", 4, "Email"),
    ]
    return leads, activity


@pytest.fixture()
def server():
    with SmtpServer() as running:
        yield running


def test_send_through_a_real_smtp_server(server, tmp_path):
    leads, activity = leads_and_history()
    store = workbook(leads, activity, settings=server.settings())
    book = tmp_path / "MyLeads.xlsx"
    report = run_emails(store, book, tmp_path / "out", send=True, today=TODAY, environ=ENV)
    assert sorted(report.sent) == ["L-1 D1 to john.smithers@example.com", "L-6 D3 to l-6@example.com",
                                   "L-7 D4 to l-7@example.com"]
    assert server.capture.logins == ["jordan.avery@example.com"]
    by_lead = {r.message["X-Lead-Id"]: r for r in server.received}
    assert sorted(by_lead) == ["L-1", "L-6", "L-7"]
    # headers
    first = by_lead["L-1"].message
    assert first["From"] == "Jordan Avery <jordan.avery@example.com>"
    assert first["To"] == "John and Mary Smithers <john.smithers@example.com>"
    assert first["Subject"] == "A note from Jordan Avery, a local real estate agent"
    assert re.fullmatch(r"<lt\.L1\.D1\.20261129\.[0-9a-f]{12}@example\.com>", first["Message-ID"])
    assert first["X-Lead-Step"] == "D1"
    assert first["List-Unsubscribe"] == "<mailto:jordan.avery@example.com?subject=unsubscribe>"
    assert first["X-Unsent"] is None and first["Date"]
    # bodies: plain text and HTML, each with the office address and the opt-out
    text = first.get_body(("plain",)).get_content()
    html = first.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Dear John and Mary Smithers," in body
        assert "400 Harbor Point Blvd, Suite 210, Tampa, FL 33602" in body
        assert "unsubscribe" in body and "solicitation" in body and "not your lender" in body
    assert "<strong>Jordan Avery</strong>" in html and "{{" not in html and "{{" not in text
    # Day 3: the market analysis and timeline as a PDF
    analysis = [p for p in by_lead["L-6"].message.iter_attachments()]
    assert [a.get_content_type() for a in analysis] == ["application/pdf"]
    assert analysis[0].get_filename() == "Market-analysis-and-timeline_4871-Fernleaf-Ave.pdf"
    import io

    from pypdf import PdfReader

    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(analysis[0].get_content())).pages)
    assert "Dear Rowena and Tamsin Ashgrove," in pdf_text and "Your timeline" in pdf_text
    assert re.search(r"between \$[\d,]+ and \$[\d,]+", " ".join(pdf_text.split()))
    # Day 4: two times, each as a calendar file, on different days, in the owner's zone
    invites = [a for a in by_lead["L-7"].message.iter_attachments()]
    assert [a.get_content_type() for a in invites] == ["text/calendar", "text/calendar"]
    days = set()
    for item in invites:
        calendar = Calendar.from_ical(item.get_content() if isinstance(item.get_content(), bytes)
                                      else item.get_content().encode())
        assert calendar["METHOD"] == "PUBLISH"
        assert calendar.walk("VTIMEZONE"), "a VTIMEZONE for the TZID"
        event = calendar.walk("VEVENT")[0]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo is not None and (end - start).total_seconds() == 15 * 60
        assert start.date() > TODAY and start.weekday() < 5 and 9 <= start.hour < 17
        assert str(event["UID"]).startswith("L-7-D4-") and "Jordan Avery" in str(event["SUMMARY"])
        days.add(start.date())
    assert len(days) == 2
    body = by_lead["L-7"].message.get_body(("plain",)).get_content()
    assert len(re.findall(r"  - \w+day, \w+ \d+ at \d+:\d\d [AP]M E[SD]T", body)) == 2
    # skipped and listed, with the reason
    reasons = {s.lead_id: s.reason for s in report.skipped}
    assert reasons == {"L-2": "email not allowed: Do Not Email", "L-3": "email not allowed: unsubscribed",
                       "L-4": "email not allowed: bounced"}
    printed = format_emails(report)
    assert "Skipped 3:" in printed and "L-3 (Verity Hollinsworth) D3: email not allowed: unsubscribed" in printed
    # refused: 550 is a bounce on the lead's ledger; 451 is only a later try
    assert sorted(r.split(":")[0] for r in report.refused) == ["L-5 D1 to perrin@bounce.example.com",
                                                               "L-8 D1 to nerissa@busy.example.com"]
    rows = activity_rows(store)
    sent = [r for r in rows if r["Source"] == "emails" and r["Outcome"] == "Sent"]
    assert sorted(r["Lead ID"] for r in sent) == ["L-1", "L-6", "L-7"]
    assert all(r["Channel"] == "Email" and r["Ref"].startswith("<lt.") for r in sent)
    bounced = [r for r in rows if r["Source"] == "emails" and r["Outcome"] == "Bounced"]
    assert [(r["Lead ID"], r["Channel"]) for r in bounced] == [("L-5", "Email")]
    # the outbound log: the own-log format sync-email reads
    log = own_log_path(book)
    assert log == tmp_path / "MyLeads.email-log.jsonl"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert {(line["lead_id"], line["event"], line.get("smtp_code")) for line in lines} == {
        ("L-1", "sent", 250), ("L-6", "sent", 250), ("L-7", "sent", 250), ("L-5", "refused", 550),
        ("L-8", "refused", 451)}
    for line in lines:
        assert {"v", "time", "event", "message_id", "lead_id", "to", "step", "subject"} <= set(line)
    assert all(not getattr(item, "message", "").startswith("not") for item in iter_log(log))
    assert PASSWORD not in log.read_text(encoding="utf-8")
    assert all(PASSWORD not in str(value) for row in rows for value in row.values())
    # sent copies kept for the agent's records
    assert len(list((tmp_path / "out" / "emails-2026-11-29" / "sent").glob("*.eml"))) == 3

    # the same day again: nothing is sent twice (the 451 is tried again, and refused again)
    before = len(server.received)
    again = run_emails(store, book, tmp_path / "out", send=True, today=TODAY, environ=ENV)
    assert len(server.received) == before and again.sent == []
    assert [r.split(":")[0] for r in again.refused] == ["L-8 D1 to nerissa@busy.example.com"]
    assert {s.lead_id for s in again.skipped} >= {"L-5"}  # the bounce closed email for L-5
    # sync-email reads the log and finds every event already on the ledger
    sync = run_sync_email(store, ["own"], book, today=TODAY)
    assert sync.counts.new == 0 and sync.counts.duplicate >= 4
    assert len(activity_rows(store)) == len(rows)


def test_an_interrupted_run_is_finished_without_sending_again(server, tmp_path):
    leads, activity = leads_and_history()
    book = tmp_path / "MyLeads.xlsx"
    first = workbook(leads[:1], settings=server.settings())
    run_emails(first, book, tmp_path / "out", send=True, today=TODAY, environ=ENV)
    assert len(server.received) == 1
    # the workbook was not saved (say Excel had it open): the log knows, so nothing goes out twice
    fresh = workbook(leads[:1], settings=server.settings())
    report = run_emails(fresh, book, tmp_path / "out", send=True, today=TODAY, environ=ENV)
    assert len(server.received) == 1
    assert report.already_sent == ["L-1 D1 to john.smithers@example.com"] and report.logged == 1
    assert [r["Outcome"] for r in activity_rows(fresh) if r["Channel"] == "Email"] == ["Sent"]


def test_drafts_register_their_message_ids_for_the_sent_folder(tmp_path):
    leads, _ = leads_and_history()
    store = workbook(leads[:2])
    book = tmp_path / "MyLeads.xlsx"
    report = run_emails(store, book, tmp_path / "out", today=TODAY)
    assert [p.name for p in report.drafts] == ["2026-11-29_L-1_D1_d1_intro.eml"]
    from email import policy
    from email.parser import BytesParser

    draft = BytesParser(policy=policy.default).parsebytes(report.drafts[0].read_bytes())
    assert draft["X-Unsent"] == "1" and draft["X-Lead-Id"] == "L-1"
    assert "Dear John and Mary Smithers," in draft.get_body(("plain",)).get_content()
    assert [r for r in activity_rows(store) if r["Channel"] == "Email"] == []  # a draft is not a touch
    events = [json.loads(line) for line in own_log_path(book).read_text().splitlines()]
    assert [(e["event"], e["lead_id"], e["step"]) for e in events] == [("draft", "L-1", "D1")]
    run_emails(store, book, tmp_path / "out", today=TODAY)
    assert len(own_log_path(book).read_text().splitlines()) == 1  # the same draft is registered once
    # the agent sends it from their mail program; the Sent folder's copy lands on L-1's D1
    sent_copy = tmp_path / "Sent"
    sent_copy.mkdir()
    del draft["X-Unsent"]
    del draft["X-Lead-Id"]  # even a mail program that drops our header is matched by the Message-ID
    (sent_copy / "copy.eml").write_bytes(draft.as_bytes())
    sync = run_sync_email(store, [str(sent_copy)], book, today=TODAY)
    assert sync.counts.new == 1
    [row] = [r for r in activity_rows(store) if r["Outcome"] == "Sent"]
    assert (row["Lead ID"], row["Step"], row["Channel"]) == ("L-1", "D1", "Email")


def test_text_drafts_for_the_texts_due_today(tmp_path):
    plan = [["Step", "Day", "Channels", "Purpose", "Template"], ["D1", 1, "Letter + Email", "Intro", "d1_intro"],
            ["D2", 2, "Call", "Call", ""], ["D3", 3, "Email, Letter", "CMA", "d3_cma"],
            ["D4", 4, "Text, Email", "Meeting", "d4_meeting"]]
    lead = base_lead("L-1", "SMITHERS JOHN A & MARY B", Email=None)
    activity = [touch("L-1", "D1", 6), touch("L-1", "D2", 5, "Call", "Spoke"), touch("L-1", "D3", 4),
                touch("L-1", None, 5, "Text", "Text Consent", "Inbound")]  # they said texts are fine
    store = workbook([lead], activity)
    store.sheets["Plan"] = plan
    report = run_emails(store, tmp_path / "w.xlsx", tmp_path / "out", today=TODAY)
    assert report.text_count == 1
    with open(report.texts, encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert (row["Lead ID"], row["Step"], row["Phone"]) == ("L-1", "D4", "(813) 555-0142")
    message = row["Message"]
    assert message.startswith("Hi John and Mary, this is Jordan Avery with Harbor Point Realty.")
    assert re.search(r"I am free \w{3} \w{3} \d+, \d+:\d\d [AP]M or \w{3} \w{3} \d+, \d+:\d\d [AP]M\.", message)
    assert message.endswith("Reply STOP to opt out.") and len(message) <= 320


def test_sending_needs_settings_and_a_password(server, tmp_path):
    leads, _ = leads_and_history()
    with pytest.raises(UsageError, match="SMTP Host is blank"):
        run_emails(workbook(leads[:1]), tmp_path / "w.xlsx", tmp_path, send=True, today=TODAY, environ=ENV)
    with pytest.raises(UsageError, match="LEADTRACKER_SMTP_PASSWORD"):
        run_emails(workbook(leads[:1], settings=server.settings()), tmp_path / "w.xlsx", tmp_path, send=True,
                   today=TODAY, environ={})
    with pytest.raises(UsageError, match="refused the login") as refused:
        run_emails(workbook(leads[:1], settings=server.settings()), tmp_path / "w.xlsx", tmp_path, send=True,
                   today=TODAY, environ={"LEADTRACKER_SMTP_PASSWORD": "wrong-password"})
    assert "wrong-password" not in str(refused.value)
    with pytest.raises(UsageError, match="Office Address"):
        run_emails(workbook(leads[:1], settings={"Office Address": None}), tmp_path / "w.xlsx", tmp_path,
                   today=TODAY)
    plain = {**server.settings(), "SMTP Host": "mail.example.org"}
    with pytest.raises(UsageError, match="unencrypted"):
        run_emails(workbook(leads[:1], settings=plain), tmp_path / "w.xlsx", tmp_path, send=True, today=TODAY,
                   environ=ENV)
    assert server.received == []


def test_the_email_half_of_day_one_follows_the_letter(tmp_path):
    leads = [base_lead("L-1", "Alden Fairbrook"), base_lead("L-2", "Briony Wexford", Email=None),
             base_lead("L-3", "Corwin Yardley")]
    activity = [touch("L-1", "D1", 0), touch("L-2", "D1", 0),  # today's letters went out
                touch("L-3", "D1", 5), touch("L-3", "D2", 4, "Call", "Spoke"), touch("L-3", "D3", 3)]
    store = workbook(leads, activity)
    report = run_emails(store, tmp_path / "w.xlsx", tmp_path / "out", today=TODAY)
    assert [p.name for p in report.drafts] == ["2026-11-29_L-1_D1_d1_intro.eml"]
    assert report.skipped == []  # no email for L-2 is not an opt-out; L-3 has moved on past Day 1

"""A homeowner who answers our email's footer ("reply with the word unsubscribe") is never emailed again: the
reply's own words (not what it quotes from our email) make an Unsubscribed row, never a Replied one, through every
reader that has the message's text (mbox, .eml, IMAP, Outlook CSV) and the real sync command."""

from __future__ import annotations

import datetime as dt
import imaplib
from email.message import EmailMessage

import openpyxl
import pytest
from builders import days_ago, touch
from email_log_files import (AGENT, LEADS, OUTLOOK_HEADER, at, message, outlook_row, tracker, write_csv,
                             write_mbox)
from imap_server import PASSWORD, Dovecot

from leadtracker.cli import main
from sync.email_logs.command import run_sync_email
from sync.email_logs.imap import PASSWORD_VARIABLE

TODAY = dt.date(2026, 11, 29)
FOOTER = ("Pat Agent · Real estate agent\n12 Office Park, Tampa, FL 33602\n"
          "This email is a solicitation for real estate services. I am not your lender or a government agency.\n"
          "To stop these emails, reply unsubscribe (or write to pat.agent@agent.example), and I will not email "
          "you again.")
OUR_EMAIL = "Hi Avery,\n\nI help homeowners in Tampa weigh their options. Could we talk this week?\n\n" + FOOTER
ASKED = "Unsubscribed: never email avery.quill@example.com (asked by email to be removed)"


def sent_before():
    """L-1 and L-2 were emailed D1 five days ago (the message the homeowners answer)."""
    return [touch("L-1", "D1", days_ago(5), "Sent", "Email"), touch("L-2", "D1", days_ago(5), "Sent", "Email")]


def sync(store, *sources, environ=None):
    return run_sync_email(store, [str(s) for s in sources], None, today=TODAY, environ=environ)


def synced_rows(store) -> list[tuple[str, str, str]]:
    rows = store.table("Activity")
    found = [dict(zip(rows[0], r)) for r in rows[1:]]
    return sorted((r["Lead ID"], r["Outcome"], r["Note"]) for r in found if str(r["Source"]).startswith("email:"))


def lead_row(store, lead_id: str) -> dict:
    rows = store.table("Leads")
    return next(dict(zip(rows[0], r)) for r in rows[1:] if r[rows[0].index("Lead ID")] == lead_id)


def today_reasons(store, lead_id: str) -> list[str]:
    rows = store.table("Today")
    return [" ".join(str(v) for v in r) for r in rows[1:] if lead_id in r]


def quoted(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))


def gmail_reply(new_text: str, when: dt.datetime, message_id: str, sender: str = "Avery Quill "
                "<avery.quill@example.com>", subject: str = "Re: A note about 12 Test Lane") -> EmailMessage:
    """A top-posted plain-text reply quoting our email below 'On ... wrote:', as Gmail writes it."""
    body = (f"{new_text}\n\nOn Tue, Nov 24, 2026 at 9:00 AM Pat Agent <{AGENT}>\nwrote:\n\n" + quoted(OUR_EMAIL))
    return message(sender, AGENT, subject, when, message_id, body=body, In_Reply_To="<d1.l1@agent.example>")


def assert_opted_out(store, lead_id: str = "L-1") -> None:
    """An Unsubscribed row only; email closed; not Engaged; Today does not ask to answer a reply."""
    lead = lead_row(store, lead_id)
    assert "Email (unsubscribed)" in lead["Contact Rules"]
    assert "Email" not in str(lead["Next Channel"])
    assert lead["Stage"] != "Engaged" and lead["Last Outcome"] == "Unsubscribed"
    assert not any("They replied" in reason for reason in today_reasons(store, lead_id))


def test_a_reply_saying_unsubscribe_in_an_mbox_is_an_unsubscribe_not_a_reply(tmp_path):
    store = tracker(activity=sent_before())
    inbox = write_mbox(tmp_path / "Inbox.mbox", [
        (gmail_reply("unsubscribe", at(25), "r1@example.com"), "Wed Nov 25 14:00:00 +0000 2026")])
    report = sync(store, inbox)
    assert synced_rows(store) == [("L-1", "Unsubscribed", ASKED)]
    assert (report.counts.matched, report.counts.new) == (1, 1)
    assert_opted_out(store)


def test_please_remove_me_in_an_eml_file_is_an_unsubscribe(tmp_path):
    store = tracker(activity=sent_before())
    folder = tmp_path / "Inbox"
    folder.mkdir()
    reply = gmail_reply("Please remove me from your mailing list.\n\nThanks,\nAvery", at(25), "r2@example.com")
    (folder / "reply.eml").write_bytes(reply.as_bytes())
    sync(store, folder)
    assert synced_rows(store) == [("L-1", "Unsubscribed", ASKED)]
    assert_opted_out(store)


UNSUBSCRIBED, REPLIED = "Unsubscribed", "Replied"
# What a homeowner writes above our quoted email, and what it must become. Requests are tied to email or a list;
# the same verbs about a mortgage, a loan, a deed or an auction are questions to answer, never an unsubscribe.
SENTENCES = [
    ("I'm not selling so please remove me from your list", UNSUBSCRIBED),   # a "not" far back does not cancel
    ("I do not wish to receive any more emails", UNSUBSCRIBED),
    ("Please don't send me any more emails", UNSUBSCRIBED),
    ("Quit emailing me", UNSUBSCRIBED),
    ("Stop please", UNSUBSCRIBED),
    ("Why not just unsubscribe me", UNSUBSCRIBED),
    ("I don\u2019t want to sell, so stop emailing me", UNSUBSCRIBED),
    ("Not interested, remove me.", UNSUBSCRIBED),
    ("STOP!!", UNSUBSCRIBED),
    ("opt out", UNSUBSCRIBED),
    ("I no longer wish to receive these emails.", UNSUBSCRIBED),
    ("Please stop sending me these emails", UNSUBSCRIBED),
    ("Take me off of your mailing list please", UNSUBSCRIBED),
    ("I never signed up for this - unsubscribe", UNSUBSCRIBED),
    ("No thank you - please don't contact me again", UNSUBSCRIBED),
    ("Can you remove me from the mortgage? My ex kept the house. Please call me.", REPLIED),
    ("take me off the loan", REPLIED),
    ("Can you remove me, or my ex, from the loan?", REPLIED),
    ("remove my name from the deed", REPLIED),
    ("opt out of the foreclosure auction", REPLIED),
    ("How do I remove my name from the deed after my divorce? Can you help?", REPLIED),
    ("Is there a way to stop the foreclosure? The sale is December 5.", REPLIED),
    ("don't unsubscribe me", REPLIED),
    ("do not remove me from the list", REPLIED),
    ("I do not want to unsubscribe, keep the updates coming.", REPLIED),
    ("Don't contact me at work, call my cell after 5.", REPLIED),
]


@pytest.mark.parametrize("new_text, expected", SENTENCES, ids=[text[:40] for text, _ in SENTENCES])
def test_what_the_homeowner_wrote_decides_unsubscribe_or_reply(tmp_path, new_text, expected):
    """Each sentence as a real Gmail-style reply (our email, footer and all, quoted below) in an mbox, synced."""
    store = tracker(activity=sent_before())
    inbox = write_mbox(tmp_path / "Inbox.mbox", [
        (gmail_reply(new_text, at(25), "r1@example.com"), "Wed Nov 25 14:00:00 +0000 2026")])
    sync(store, inbox)
    assert [(lead, outcome) for lead, outcome, _ in synced_rows(store)] == [("L-1", expected)]
    if expected == UNSUBSCRIBED:
        assert_opted_out(store)
    else:
        assert_still_emailable_and_engaged(store)


def assert_still_emailable_and_engaged(store, lead_id: str = "L-1") -> None:
    lead = lead_row(store, lead_id)
    assert "unsubscribed" not in str(lead["Contact Rules"]).lower()
    assert lead["Stage"] == "Engaged" and lead["Last Outcome"] == "Replied"


def test_a_subject_about_stopping_the_auction_is_a_question_not_an_unsubscribe(tmp_path):
    store = tracker(activity=sent_before())
    question = message("Avery Quill <avery.quill@example.com>", AGENT, "Stop the auction?", at(25),
                       "q1@example.com", body="Can you help me stop the foreclosure auction on December 5?")
    sync(store, write_mbox(tmp_path / "Inbox.mbox", [(question, "Wed Nov 25 14:00:00 +0000 2026")]))
    assert [(lead, outcome) for lead, outcome, _ in synced_rows(store)] == [("L-1", REPLIED)]
    assert_still_emailable_and_engaged(store)


@pytest.mark.parametrize("answer, expected", [("No. Please remove me", UNSUBSCRIBED),
                                              ("Yes, call me after 5 on Tuesday.", REPLIED)])
def test_a_bottom_posted_reply_is_read_below_the_quote(tmp_path, answer, expected):
    """Attribution and our email quoted first (footer and its "unsubscribe" included), the answer underneath."""
    body = (f"On Tue, Nov 24, 2026 at 9:00 AM Pat Agent <{AGENT}> wrote:\n" + quoted(OUR_EMAIL)
            + f"\n\n{answer}\n\nAvery\n")
    reply = message("Avery Quill <avery.quill@example.com>", AGENT, "Re: A note about 12 Test Lane", at(25),
                    "b1@example.com", body=body, In_Reply_To="<d1.l1@agent.example>")
    folder = tmp_path / "Inbox"
    folder.mkdir()
    (folder / "reply.eml").write_bytes(reply.as_bytes())
    sync(store := tracker(activity=sent_before()), folder)
    assert [(lead, outcome) for lead, outcome, _ in synced_rows(store)] == [("L-1", expected)]


def test_a_quoted_footer_line_wrapped_without_its_marker_is_not_a_request(tmp_path):
    """Some clients wrap a long quoted line and leave its tail unmarked right below: "unsubscribe" there is ours."""
    body = (f"Call me Tuesday please.\n\nOn Tue, Nov 24, 2026 at 9:00 AM Pat Agent <{AGENT}> wrote:\n"
            "> Could we talk this week?\n> To stop these emails, reply\nunsubscribe\n")
    reply = message("Avery Quill <avery.quill@example.com>", AGENT, "Re: A note about 12 Test Lane", at(25),
                    "w1@example.com", body=body)
    sync(store := tracker(activity=sent_before()),
         write_mbox(tmp_path / "Inbox.mbox", [(reply, "Wed Nov 25 14:00:00 +0000 2026")]))
    assert [(lead, outcome) for lead, outcome, _ in synced_rows(store)] == [("L-1", REPLIED)]


def test_a_reply_in_a_charset_python_does_not_know_is_still_read(tmp_path):
    """A phone mail app labels its text "x-mac-unknown": the Latin-1 bytes are still read, the request honoured."""
    raw = ("From: Avery Quill <avery.quill@example.com>\r\nTo: " + AGENT + "\r\n"
           "Subject: Re: A note about 12 Test Lane\r\nDate: Wed, 25 Nov 2026 14:00:00 +0000\r\n"
           "Message-ID: <c1@example.com>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=\"x-mac-unknown\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           ).encode("ascii") + "No gracias, se\u00f1or. Please remove me from your list.\r\n".encode("latin-1")
    folder = tmp_path / "Inbox"
    folder.mkdir()
    (folder / "reply.eml").write_bytes(raw)
    sync(store := tracker(activity=sent_before()), folder)
    assert synced_rows(store) == [("L-1", UNSUBSCRIBED, ASKED)]
    assert_opted_out(store)


def _outlook_style(new_text: str) -> str:
    """Outlook quotes without '>': a rule, then a From/Sent/To/Subject block, then our email as it was."""
    return (f"{new_text}\n\n________________________________\nFrom: Pat Agent <{AGENT}>\n"
            "Sent: Tuesday, November 24, 2026 9:00 AM\nTo: Avery Quill <avery.quill@example.com>\n"
            "Subject: A note about 12 Test Lane\n\n" + OUR_EMAIL)


def _html_reply(new_html: str, when: dt.datetime, message_id: str) -> EmailMessage:
    """An HTML-only reply quoting our email inside Gmail's quote block (no '>' on any line)."""
    footer = "".join(f"<p>{line}</p>" for line in OUR_EMAIL.split("\n") if line)
    msg = EmailMessage()
    msg["From"] = "Avery Quill <avery.quill@example.com>"
    msg["To"] = AGENT
    msg["Subject"] = "Re: A note about 12 Test Lane"
    msg["Date"] = "Wed, 25 Nov 2026 14:00:00 +0000"
    msg["Message-ID"] = f"<{message_id}>"
    msg.set_content(f'<html><head><style>p {{margin:0}}</style></head><body><div dir="ltr">{new_html}</div><br>'
                    f'<div class="gmail_quote"><div class="gmail_attr">On Tue, Nov 24, 2026 Pat Agent wrote:</div>'
                    f'<blockquote class="gmail_quote">{footer}</blockquote></div></body></html>', subtype="html")
    return msg


@pytest.mark.parametrize("first_reply", ["gmail", "outlook", "html", "negation", "mailing list"])
def test_our_footer_quoted_back_is_a_reply_and_a_later_request_is_an_unsubscribe(tmp_path, first_reply):
    """The homeowner first answers (quoting our footer, in each client's style, or saying they want to stay on
    the list; or their HOA newsletter, whose own footer offers an unsubscribe link), then asks to be removed: the
    first is a reply, only the second an opt-out."""
    store = tracker(activity=sent_before())
    if first_reply == "gmail":
        first = gmail_reply("Sounds good. Can you call me Tuesday after 5?", at(25), "r1@example.com")
    elif first_reply == "outlook":
        first = message("Avery Quill <avery.quill@example.com>", AGENT, "RE: A note about 12 Test Lane", at(25),
                        "r1@example.com", body=_outlook_style("Sounds good. Can you call me Tuesday after 5?"))
    elif first_reply == "html":
        first = _html_reply("Sounds good. Can you call me <b>Tuesday</b> after 5?", at(25), "r1@example.com")
    elif first_reply == "negation":
        first = gmail_reply("Please don't unsubscribe me, I would like the price estimate.", at(25),
                            "r1@example.com")
    else:
        first = message("Avery Quill <avery.quill@example.com>", AGENT, "Bay Court HOA news, November", at(25),
                        "r1@example.com", body="Unsubscribe | View in your browser\n\nPool closes Dec 1.",
                        List_Unsubscribe="<mailto:avery.quill@example.com?subject=unsubscribe>")
    later = gmail_reply("Take me off your list, we decided to stay.", at(27), "r9@example.com")
    inbox = write_mbox(tmp_path / "Inbox.mbox", [(first, "Wed Nov 25 14:00:00 +0000 2026"),
                                                 (later, "Fri Nov 27 14:00:00 +0000 2026")])
    sync(store, inbox)
    outcomes = [(lead, outcome) for lead, outcome, _ in synced_rows(store)]
    assert sorted(outcomes) == [("L-1", "Replied"), ("L-1", "Unsubscribed")]
    lead = lead_row(store, "L-1")
    assert "Email (unsubscribed)" in lead["Contact Rules"] and "Email" not in str(lead["Next Channel"])


def test_a_subject_of_unsubscribe_is_an_unsubscribe_only(tmp_path):
    """The List-Unsubscribe mailto our emails carry sends an empty message with Subject "unsubscribe"."""
    store = tracker(activity=sent_before())
    request = message("Avery Quill <avery.quill@example.com>", AGENT, "Unsubscribe", at(25), "u1@example.com",
                      body="")
    inbox = write_mbox(tmp_path / "Inbox.mbox", [(request, "Wed Nov 25 14:00:00 +0000 2026")])
    report = sync(store, inbox)
    assert synced_rows(store) == [("L-1", "Unsubscribed", ASKED)]
    assert (report.counts.matched, report.counts.new) == (1, 1)
    assert_opted_out(store)


def test_only_the_start_of_a_huge_message_is_read_and_the_request_still_counts(tmp_path):
    """A reply carrying a 3 MB photo: the text above it is found, the attachment is never read."""
    store = tracker(activity=sent_before())
    reply = gmail_reply("Stop emailing me.", at(25), "r3@example.com")
    reply.add_attachment(b"\xff\xd8" + b"\x00" * 3_000_000, maintype="image", subtype="jpeg", filename="house.jpg")
    folder = tmp_path / "Saved"
    folder.mkdir()
    (folder / "photo reply.eml").write_bytes(reply.as_bytes())
    sync(store, folder)
    assert synced_rows(store) == [("L-1", "Unsubscribed", ASKED)]


def test_outlook_csv_row_from_a_lead_asking_to_be_removed(tmp_path):
    store = tracker(activity=sent_before())
    csv_path = write_csv(tmp_path / "Inbox.csv", OUTLOOK_HEADER, [
        outlook_row("RE: A note about 12 Test Lane", _outlook_style("Please do not email me again."),
                    AGENT, sender="avery.quill@example.com"),
        outlook_row("RE: 9 Mill Rd", _outlook_style("Yes, I am interested. Call me."), AGENT,
                    sender="blake.ferrow@example.org")], encoding="cp1252")
    sync(store, csv_path)
    outcomes = [(lead, outcome) for lead, outcome, _ in synced_rows(store)]
    assert outcomes == [("L-1", "Unsubscribed"), ("L-2", "Replied")]
    assert_opted_out(store)


@pytest.fixture(scope="module")
def imap_server():
    dovecot = Dovecot()
    try:
        connection = imaplib.IMAP4("127.0.0.1", dovecot.port)
        connection.login(AGENT, PASSWORD)
        assert connection.create("Replies")[0] == "OK"
        for msg in (gmail_reply("UNSUBSCRIBE", at(25), "r1@example.com"),
                    message("Blake Ferrow <blake.ferrow@example.org>", AGENT, "Re: 9 Mill Rd", at(26),
                            "r2@example.org", body="Yes please, send the estimate.\n\n" + quoted(OUR_EMAIL))):
            stamp = imaplib.Time2Internaldate(at(26).timestamp())
            assert connection.append("Replies", None, stamp, msg.as_bytes())[0] == "OK"
        connection.logout()
        yield dovecot
    finally:
        dovecot.stop()


def test_an_imap_folder_reply_asking_to_unsubscribe(imap_server):
    store = tracker(activity=sent_before())
    source = f"imap://{AGENT.replace('@', '%40')}@127.0.0.1:{imap_server.port}/Replies"
    sync(store, source, environ={PASSWORD_VARIABLE: PASSWORD})
    outcomes = [(lead, outcome) for lead, outcome, _ in synced_rows(store)]
    assert outcomes == [("L-1", "Unsubscribed"), ("L-2", "Replied")]
    assert_opted_out(store)
    assert lead_row(store, "L-2")["Stage"] == "Engaged"


def test_the_cli_on_a_real_workbook(tmp_path, capsys):
    """`leadtracker sync-email` into a real .xlsx: the workbook's Leads, Activity and Today say it."""
    path = tmp_path / "MyLeads.xlsx"
    assert main(["new", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Leads"]
    headers = [c.value for c in ws[1]]
    for name, value in LEADS[0].items():
        ws.cell(row=2, column=headers.index(name) + 1, value=value)
    for row in wb["Settings"].iter_rows(min_row=2):
        if row[0].value == "Agent Email":
            row[1].value = AGENT
    wb.save(path)
    inbox = write_mbox(tmp_path / "Inbox.mbox", [
        (gmail_reply("unsubscribe", at(25), "r1@example.com"), "Wed Nov 25 14:00:00 +0000 2026")])
    assert main(["sync-email", str(inbox), "--into", str(path), "--today", "2026-11-29"]) == 0
    wb = openpyxl.load_workbook(path)
    activity = _records(wb["Activity"])
    assert [(r["Lead ID"], r["Outcome"], r["Note"]) for r in activity if str(r["Source"]).startswith("email:")] \
        == [("L-1", "Unsubscribed", ASKED)]
    lead = next(r for r in _records(wb["Leads"]) if r["Lead ID"] == "L-1")
    assert "Email (unsubscribed)" in lead["Contact Rules"] and lead["Stage"] != "Engaged"
    today = [" ".join(map(str, r)) for r in wb["Today"].iter_rows(values_only=True) if "L-1" in r]
    assert not any("They replied" in row for row in today)


def _records(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(v is not None for v in r)]

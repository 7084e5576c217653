"""Each email-log reader on a real file in its provider's documented format (invented people)."""

from __future__ import annotations

import datetime as dt

import openpyxl
from email_log_files import (AGENT, OUTLOOK_HEADER, at, bounce_report, epoch, mailgun_event, message,
                             outlook_row, postmark_event, sendgrid_event, write_csv, write_json, write_json_lines,
                             write_mbox)
from openpyxl.comments import Comment

from sync.email_logs import events as ev
from sync.email_logs.events import EmailEvent, Ignored, Rejected, address_key
from sync.email_logs.own_log import OutboundRecord, append_records
from sync.email_logs.registry import ReadContext, resolve

CONTEXT = ReadContext(agent_addresses=frozenset({AGENT}))


def read(source) -> tuple[str, list]:
    reader, target = resolve(str(source))
    return reader.name, list(reader.extract(target, CONTEXT))


def kinds(items) -> list[tuple]:
    return [(i.kind, i.address) for i in items if isinstance(i, EmailEvent)]


def test_addresses_compare_without_case_display_name_or_plus_tag():
    assert address_key('"Quill, Avery" <Avery.Quill+Offers@Example.COM>') == "avery.quill@example.com"
    assert address_key("mailto:dana@example.com") == "dana@example.com"
    assert address_key("not an address") is None and address_key("a@b") is None


def test_own_log_written_by_the_sender_and_read_back(tmp_path):
    path = tmp_path / "MyLeads.email-log.jsonl"
    append_records(path, [
        OutboundRecord(at(2), "sent", "<d1.l1@agent.example>", "L-1", "avery.quill@example.com", step="D1",
                       subject="A note about 12 Test Lane", smtp_code=250),
        OutboundRecord(at(2), "refused", "<d1.l3@agent.example>", "L-3", "casey.dunmore@example.com", step="D1",
                       smtp_code=550, smtp_response="5.1.1 no such user"),
        OutboundRecord(at(2), "refused", "<d1.l4@agent.example>", "L-4", "dana.ortolan@example.com", step="D1",
                       smtp_code=451),
        OutboundRecord(at(3), "draft", "<d3.l2@agent.example>", "L-2", "blake.ferrow@example.org", step="D3"),
    ])
    name, items = read(path)
    assert name == "own"
    assert [(i.kind, i.lead_id, i.step, i.message_id) for i in items] == [
        (ev.SENT, "L-1", "D1", "d1.l1@agent.example"), (ev.BOUNCE, "L-3", "D1", "d1.l3@agent.example"),
        (ev.SOFT_BOUNCE, "L-4", "D1", "d1.l4@agent.example"), (ev.DRAFT, "L-2", "D3", "d3.l2@agent.example")]
    assert items[0].time == at(2) and items[0].subject == "A note about 12 Test Lane"


def test_sendgrid_webhook_batch(tmp_path):
    path = write_json(tmp_path / "sendgrid.json", [
        sendgrid_event("processed", "avery.quill@example.com", at(3), 1, "m1", lead_id="L-1", step="D3"),
        sendgrid_event("delivered", "avery.quill@example.com", at(3, 14, 1), 2, "m1", response="250 OK"),
        sendgrid_event("open", "avery.quill@example.com", at(3, 14, 2), 3, "m1", sg_machine_open=True,
                       useragent="Mozilla/5.0", ip="17.58.0.1"),
        sendgrid_event("open", "avery.quill@example.com", at(4), 4, "m1", sg_machine_open=False),
        sendgrid_event("click", "avery.quill@example.com", at(4, 15), 5, "m1", url="https://agent.example/cma"),
        sendgrid_event("bounce", "casey.dunmore@example.com", at(3), 6, "m2", type="bounce", status="5.1.1",
                       reason="550 5.1.1 The email account that you tried to reach does not exist"),
        sendgrid_event("bounce", "dana.ortolan@example.com", at(3), 7, "m3", type="blocked", status="4.0.0"),
        sendgrid_event("dropped", "blake.ferrow@example.org", at(3), 8, "m4", reason="Bounced Address"),
        sendgrid_event("spamreport", "dana.ortolan@example.com", at(5), 9, "m3"),
        sendgrid_event("group_unsubscribe", "blake.ferrow@example.org", at(5), 10, "m4", asm_group_id=10),
        sendgrid_event("deferred", "dana.ortolan@example.com", at(3), 11, "m3", attempt="5"),
    ])
    name, items = read(path)
    assert name == "sendgrid"
    assert kinds(items) == [
        (ev.SENT, "avery.quill@example.com"), (ev.SENT, "avery.quill@example.com"),
        (ev.OPEN, "avery.quill@example.com"), (ev.OPEN, "avery.quill@example.com"),
        (ev.CLICK, "avery.quill@example.com"), (ev.BOUNCE, "casey.dunmore@example.com"),
        (ev.SOFT_BOUNCE, "dana.ortolan@example.com"), (ev.BOUNCE, "blake.ferrow@example.org"),
        (ev.COMPLAINT, "dana.ortolan@example.com"), (ev.UNSUBSCRIBE, "blake.ferrow@example.org"),
        (ev.DEFERRED, "dana.ortolan@example.com")]
    assert items[0].lead_id == "L-1" and items[0].step == "D3" and items[0].message_id == "m1@agent.example"
    assert items[2].weak and not items[3].weak and items[2].provider_id == "SGXm1"
    assert items[4].detail == "https://agent.example/cma"


def test_sendgrid_csv_export(tmp_path):
    path = write_csv(tmp_path / "activity.csv", ["email", "event", "timestamp", "smtp-id", "sg_event_id",
                                                 "sg_message_id", "lead_id", "reason", "type"], [
        ["avery.quill@example.com", "processed", epoch(at(3)), "<m1@agent.example>", "a1", "SGX1.f", "L-1", "", ""],
        ["casey.dunmore@example.com", "bounce", epoch(at(3)), "<m2@agent.example>", "a2", "SGX2.f", "",
         "550 no such user", "bounce"],
        ["dana.ortolan@example.com", "open", "not a time", "", "a3", "SGX3.f", "", "", ""],
    ])
    name, items = read(path)
    assert name == "sendgrid-csv"
    assert kinds(items) == [(ev.SENT, "avery.quill@example.com"), (ev.BOUNCE, "casey.dunmore@example.com")]
    assert items[0].lead_id == "L-1" and items[0].message_id == "m1@agent.example"
    assert isinstance(items[2], Rejected) and items[2].where == "activity.csv line 4"


def test_mailgun_events_api_page_and_webhook_bodies(tmp_path):
    page = write_json(tmp_path / "mailgun-events.json", {"items": [
        mailgun_event("accepted", "avery.quill@example.com", at(3), 1, "mg1",
                      **{"user-variables": {"lead_id": "L-1", "step": "D5"}}),
        mailgun_event("delivered", "avery.quill@example.com", at(3, 14, 1), 2, "mg1",
                      **{"delivery-status": {"code": 250, "message": "OK"}}),
        mailgun_event("opened", "avery.quill@example.com", at(3, 14, 1), 3, "mg1",
                      **{"client-info": {"user-agent": "Mozilla/5.0", "bot": "apple"}}),
        mailgun_event("failed", "casey.dunmore@example.com", at(3), 4, "mg2", severity="permanent",
                      reason="bounce", **{"delivery-status": {"code": 550, "message": "No such mailbox"}}),
        mailgun_event("failed", "dana.ortolan@example.com", at(3), 5, "mg3", severity="temporary",
                      reason="generic"),
        mailgun_event("complained", "dana.ortolan@example.com", at(6), 6, "mg3"),
    ], "paging": {"next": "https://api.mailgun.net/v3/agent.example/events/W3siYiI6", "previous": "x"}})
    name, items = read(page)
    assert name == "mailgun"
    assert kinds(items) == [(ev.SENT, "avery.quill@example.com"), (ev.SENT, "avery.quill@example.com"),
                            (ev.OPEN, "avery.quill@example.com"), (ev.BOUNCE, "casey.dunmore@example.com"),
                            (ev.SOFT_BOUNCE, "dana.ortolan@example.com"), (ev.COMPLAINT, "dana.ortolan@example.com")]
    assert items[0].lead_id == "L-1" and items[0].step == "D5" and items[0].message_id == "mg1@mg.agent.example"
    assert items[2].weak and items[3].detail == "No such mailbox"

    hooks = write_json_lines(tmp_path / "mailgun-webhooks.jsonl", [
        {"signature": {"timestamp": "1793700000", "token": "t1", "signature": "s"},
         "event-data": mailgun_event("unsubscribed", "blake.ferrow@example.org", at(7), 7, "mg4")}])
    name, items = read(hooks)
    assert name == "mailgun" and kinds(items) == [(ev.UNSUBSCRIBE, "blake.ferrow@example.org")]


def test_postmark_webhooks(tmp_path):
    path = write_json_lines(tmp_path / "postmark.jsonl", [
        postmark_event("Delivery", "avery.quill@example.com", at(3), "0001", Details="Test delivery webhook",
                       Metadata={"lead_id": "L-1", "step": "D7"}),
        postmark_event("Bounce", "casey.dunmore@example.com", at(3), "0002", ID=42, Type="HardBounce",
                       TypeCode=1, Inactive=True, Description="The server was unable to deliver your message"),
        postmark_event("Bounce", "dana.ortolan@example.com", at(3), "0003", ID=43, Type="Transient", TypeCode=2),
        postmark_event("Open", "avery.quill@example.com", at(3, 15), "0001", FirstOpen=True,
                       UserAgent="Mozilla/5.0"),
        postmark_event("Click", "avery.quill@example.com", at(3, 16), "0001",
                       OriginalLink="https://agent.example/options"),
        postmark_event("SubscriptionChange", "blake.ferrow@example.org", at(4), "0004", SuppressSending=True,
                       SuppressionReason="ManualSuppression", Origin="Recipient"),
        postmark_event("SpamComplaint", "dana.ortolan@example.com", at(5), "0003", ID=44, Type="SpamComplaint"),
    ])
    name, items = read(path)
    assert name == "postmark"
    assert kinds(items) == [(ev.SENT, "avery.quill@example.com"), (ev.BOUNCE, "casey.dunmore@example.com"),
                            (ev.SOFT_BOUNCE, "dana.ortolan@example.com"), (ev.OPEN, "avery.quill@example.com"),
                            (ev.CLICK, "avery.quill@example.com"), (ev.UNSUBSCRIBE, "blake.ferrow@example.org"),
                            (ev.COMPLAINT, "dana.ortolan@example.com")]
    assert items[0].lead_id == "L-1" and items[0].provider_id == "883953f4-6105-42a2-a16a-0001"
    assert items[0].time == at(3)  # ISO time with 7 fraction digits and a -05:00 offset
    assert items[3].weak


def test_mailchimp_activity_csv_and_json(tmp_path):
    path = write_csv(tmp_path / "campaign-activity.csv",
                     ["Email Address", "Action", "Timestamp", "URL", "Type", "Campaign ID"], [
                         ["avery.quill@example.com", "sent", "2026-11-03T14:00:00+00:00", "", "", "c66a200cda"],
                         ["avery.quill@example.com", "open", "2026-11-03T15:00:00+00:00", "", "", "c66a200cda"],
                         ["casey.dunmore@example.com", "bounce", "2026-11-03T14:00:05+00:00", "", "hard",
                          "c66a200cda"],
                         ["dana.ortolan@example.com", "bounce", "2026-11-03T14:00:05+00:00", "", "soft",
                          "c66a200cda"],
                         ["blake.ferrow@example.org", "shared", "2026-11-03T14:00:05+00:00", "", "", "c66a200cda"]])
    name, items = read(path)
    assert name == "mailchimp"
    assert kinds(items) == [(ev.SENT, "avery.quill@example.com"), (ev.OPEN, "avery.quill@example.com"),
                            (ev.BOUNCE, "casey.dunmore@example.com"), (ev.SOFT_BOUNCE, "dana.ortolan@example.com")]
    assert isinstance(items[-1], Rejected) and "unknown activity 'shared'" in items[-1].message

    api = write_json(tmp_path / "email-activity.json", {"emails": [
        {"campaign_id": "c66a200cda", "list_id": "10c097ca71", "list_is_active": True,
         "email_id": "cff65fb4c5f5828666ad846443720efd", "email_address": "avery.quill@example.com",
         "activity": [{"action": "open", "timestamp": "2026-11-03T15:00:00+00:00", "ip": "203.0.113.9"},
                      {"action": "click", "timestamp": "2026-11-03T15:01:00+00:00",
                       "url": "https://agent.example/cma", "ip": "203.0.113.9"}]}],
        "campaign_id": "c66a200cda", "total_items": 1})
    name, items = read(api)
    assert name == "mailchimp"
    assert kinds(items) == [(ev.OPEN, "avery.quill@example.com"), (ev.CLICK, "avery.quill@example.com")]


def test_gmail_takeout_mbox(tmp_path):
    sent = message(f"Pat Agent <{AGENT}>", '"Quill, Avery" <Avery.Quill@example.com>', "Your home's value",
                   at(3), "cma.l1@agent.example", X_Gmail_Labels="Sent,Important",
                   body="From the comps I pulled...\nFrom here, options.")
    reply = message("Avery Quill <avery.quill@example.com>", AGENT, "Re: Your home's value", at(4),
                    "reply1@mail.example.com", In_Reply_To="<cma.l1@agent.example>",
                    References="<cma.l1@agent.example>", X_Gmail_Labels="Inbox")
    chat = message("Avery Quill <avery.quill@example.com>", AGENT, "Chat with Avery", at(4), "chat1@gmail",
                   X_Gmail_Labels="Chat")
    away = message("Blake Ferrow <blake.ferrow@example.org>", AGENT, "Out of office", at(4), "ooo1@example.org",
                   Auto_Submitted="auto-replied", X_Gmail_Labels="Inbox")
    failed = message(f"Pat Agent <{AGENT}>", "casey.dunmore@example.com", "Options for 40 Elm St", at(3),
                     "opt.l3@agent.example", X_Lead_Id="L-3")
    bad_date = message(f"Pat Agent <{AGENT}>", "dana.ortolan@example.com", "Checking in", at(5), "chk.l4@x",
                       X_Gmail_Labels="Sent")
    bad_date.replace_header("Date", "someday soon")
    path = write_mbox(tmp_path / "All mail Including Spam and Trash.mbox", [
        (sent, "Tue Nov 03 14:00:00 +0000 2026"), (reply, "Wed Nov 04 14:00:00 +0000 2026"),
        (chat, "Wed Nov 04 14:00:00 +0000 2026"), (away, "Wed Nov 04 14:00:00 +0000 2026"),
        (bounce_report(failed, "casey.dunmore@example.com", at(3, 14, 5)), "Tue Nov 03 14:05:00 +0000 2026"),
        (bad_date, "Thu Nov 05 09:30:00 +0000 2026")])
    name, items = read(path)
    assert name == "mbox"
    assert kinds(items) == [(ev.SENT, "avery.quill@example.com"), (ev.INBOUND, "avery.quill@example.com"),
                            (ev.AUTO_REPLY, "blake.ferrow@example.org"), (ev.BOUNCE, "casey.dunmore@example.com"),
                            (ev.SENT, "dana.ortolan@example.com")]
    assert [i.reason for i in items if isinstance(i, Ignored)] == ["Google Takeout chat"]
    sent_event, reply_event = items[0], items[1]
    assert sent_event.message_id == "cma.l1@agent.example" and sent_event.subject == "Your home's value"
    assert reply_event.refs == ("cma.l1@agent.example",)
    bounce = [i for i in items if isinstance(i, EmailEvent) and i.kind == ev.BOUNCE][0]
    assert bounce.message_id == "opt.l3@agent.example" and bounce.lead_id == "L-3" and "5.1.1" in bounce.detail
    # an unreadable Date falls back to the mbox separator's date
    assert items[-1].time == dt.datetime(2026, 11, 5, 9, 30, tzinfo=dt.timezone.utc)


def test_eml_folder_with_sent_subfolder_and_a_draft(tmp_path):
    folder = tmp_path / "Exported mail"
    (folder / "Sent").mkdir(parents=True)
    (folder / "Inbox").mkdir()
    (folder / "Sent" / "1.eml").write_bytes(message(
        "Pat Agent <pat@other-alias.example>", "dana.ortolan@example.com, blake.work@example.net",
        "Two times to meet", at(6), "meet.1@agent.example").as_bytes())
    (folder / "Sent" / "2.eml").write_bytes(message(
        f"Pat Agent <{AGENT}>", "avery.quill@example.com", "Draft: recap", at(6), "draft.1@agent.example",
        X_Unsent="1", X_Lead_Id="L-1").as_bytes())
    (folder / "Inbox" / "3.eml").write_bytes(message(
        "Dana Ortolan <dana.ortolan@example.com>", AGENT, "Re: Two times to meet", at(7),
        "r.dana@example.com", In_Reply_To="<meet.1@agent.example>").as_bytes())
    name, items = read(folder)
    assert name == "eml"
    assert kinds(items) == [(ev.INBOUND, "dana.ortolan@example.com"), (ev.SENT, "dana.ortolan@example.com"),
                            (ev.SENT, "blake.work@example.net"), (ev.DRAFT, "avery.quill@example.com")]


def test_outlook_csv_export_in_the_windows_code_page(tmp_path):
    path = write_csv(tmp_path / "Sent Items.csv", OUTLOOK_HEADER, [
        outlook_row("Café meeting about 9 Mill Rd", "Hi José,\r\nWould Tuesday work?", "blake.ferrow@example.org;"
                    "blake.work@example.net", "Blake Ferrow"),
        outlook_row("Your options", "Hello Casey", "casey.dunmore@example.com", "Casey Dunmore"),
    ], encoding="cp1252")
    name, items = read(path)
    assert name == "outlook"
    assert kinds(items) == [(ev.SENT, "blake.ferrow@example.org"), (ev.SENT, "blake.work@example.net"),
                            (ev.SENT, "casey.dunmore@example.com")]
    assert items[0].subject == "Café meeting about 9 Mill Rd" and not items[0].time_known


def test_yamm_merge_status_sheet_with_notes(tmp_path):
    path = tmp_path / "Mail merge.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "November intro"
    ws.append(["First Name", "Email Address", "Merge status"])
    ws.append(["Avery", "avery.quill@example.com", "EMAIL_OPENED"])
    ws.append(["Blake", "blake.ferrow@example.org", "RESPONDED"])
    ws.append(["Casey", "casey.dunmore@example.com", "BOUNCED"])
    ws.append(["Dana", "dana.ortolan@example.com", "UNSUBSCRIBED"])
    ws.append(["Eli", "eli@example.com", "SOMETHING_ELSE"])
    ws["C2"].comment = Comment("Email opened on 11/3/2026 3:15:00 PM", "YAMM")
    wb.save(path)
    name, items = read(path)
    assert name == "merge-status"
    assert kinds(items) == [(ev.SENT, "avery.quill@example.com"), (ev.OPEN, "avery.quill@example.com"),
                            (ev.SENT, "blake.ferrow@example.org"), (ev.REPLY, "blake.ferrow@example.org"),
                            (ev.BOUNCE, "casey.dunmore@example.com"), (ev.SENT, "dana.ortolan@example.com"),
                            (ev.UNSUBSCRIBE, "dana.ortolan@example.com")]
    assert items[0].time == dt.datetime(2026, 11, 3, 15, 15, tzinfo=dt.timezone.utc) and items[0].time_known
    assert not items[2].time_known and items[0].campaign == "November intro"
    assert isinstance(items[-1], Rejected) and "SOMETHING_ELSE" in items[-1].message


def test_mailmeteor_status_csv(tmp_path):
    path = write_csv(tmp_path / "Leads - Sheet1.csv", ["Lead ID", "Email", "Merge status"], [
        ["L-1", "avery.quill@example.com", "SENT"], ["L-3", "casey.dunmore@example.com", "CLICKED"],
        ["L-4", "dana.ortolan@example.com", ""]])
    name, items = read(path)
    assert name == "merge-status"
    assert [(i.kind, i.lead_id) for i in items] == [(ev.SENT, "L-1"), (ev.SENT, "L-3"), (ev.CLICK, "L-3")]

"""sync-email end to end: events become Activity rows with the right effect on each lead, nothing twice, nothing
unmatched dropped, bad lines reported while the rest syncs."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from pathlib import Path

import openpyxl
import pytest
from builders import days_ago, touch
from email_log_files import (AGENT, OUTLOOK_HEADER, at, bounce_report, mailgun_event, message, outlook_row,
                             postmark_event, sendgrid_event, tracker, write_csv, write_json, write_json_lines,
                             write_mbox)

from leadtracker.cli import main
from sync.email_logs.command import format_report, run_sync_email
from sync.email_logs.mbox import MboxReader
from sync.email_logs.own_log import OutboundRecord, append_records, own_log_path
from sync.email_logs.registry import ReadContext

TODAY = dt.date(2026, 11, 29)


def sync(store, *sources, workbook=None, since=None):
    return run_sync_email(store, [str(s) for s in sources], workbook, since=since, today=TODAY)


def activity(store) -> list[dict]:
    rows = store.table("Activity")
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def lead_row(store, lead_id: str) -> dict:
    rows = store.table("Leads")
    return next(dict(zip(rows[0], r)) for r in rows[1:] if r[rows[0].index("Lead ID")] == lead_id)


def test_effects_on_the_sheet(tmp_path):
    """Sent completes its step, a hard bounce closes email, a spam complaint opts out, a reply engages, an open
    (even a strong one) never completes a step."""
    store = tracker(activity=[touch("L-1", "D1", days_ago(5)), touch("L-1", "D2", days_ago(4), "No Answer",
                                                                    "Call"), touch("L-2", "D1", days_ago(5))])
    events = write_json(tmp_path / "sendgrid.json", [
        sendgrid_event("processed", "avery.quill@example.com", at(26), 1, "d3", lead_id="L-1", step="D3"),
        sendgrid_event("bounce", "casey.dunmore@example.com", at(26), 2, "c1", type="bounce", status="5.1.1",
                       reason="550 5.1.1 user unknown"),
        sendgrid_event("spamreport", "dana.ortolan@example.com", at(26), 3, "d1"),
        sendgrid_event("open", "blake.ferrow@example.org", at(26), 4, "b1", sg_machine_open=False),
    ])
    reply = message("Blake Ferrow <blake.work@example.net>", AGENT, "Re: 9 Mill Rd", at(27), "r1@example.net")
    inbox = write_mbox(tmp_path / "Inbox.mbox", [(reply, "Fri Nov 27 14:00:00 +0000 2026")])
    report = sync(store, events, inbox)
    c = report.counts
    assert (c.read, c.matched, c.new, c.duplicate, c.unmatched, c.rejected) == (5, 5, 5, 0, 0, 0)

    rows = {(r["Lead ID"], r["Outcome"]): r for r in activity(store) if r["Source"] != "test"}
    sent = rows[("L-1", "Sent")]
    assert (sent["Step"], sent["Channel"], sent["Direction"], sent["Ref"]) == ("D3", "Email", "Outbound",
                                                                              "<d3@agent.example>")
    assert sent["Timestamp"] == dt.datetime(2026, 11, 26, 9, 0)  # 14:00 UTC in the agent's New York time
    assert rows[("L-3", "Bounced")]["Direction"] == "Inbound"
    assert "spam" in rows[("L-4", "Unsubscribed")]["Note"]
    assert rows[("L-2", "Replied")]["Note"] == "Replied: Re: 9 Mill Rd"

    avery, blake, casey, dana = (lead_row(store, k) for k in ("L-1", "L-2", "L-3", "L-4"))
    assert avery["Next Step"] == "D4"  # D3 done by the synced email
    assert "Email (bounced)" in casey["Contact Rules"] and "Email" not in casey["Next Channel"]
    assert "Email (unsubscribed)" in dana["Contact Rules"]
    assert blake["Stage"] == "Engaged" and blake["Last Outcome"] == "Replied"
    assert blake["Touches"] == 1 and blake["Next Step"] == "D2"  # an open is not a touch and completes nothing


def test_three_syncs_give_the_same_workbook_as_one(tmp_path):
    """Real .xlsx from the template; every source kind at once, synced three times."""
    path = tmp_path / "MyLeads.xlsx"
    assert main(["new", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Leads"]
    headers = [c.value for c in ws[1]]
    from email_log_files import LEADS
    for offset, lead in enumerate(LEADS):
        for name, value in lead.items():
            if name in headers:
                ws.cell(row=2 + offset, column=headers.index(name) + 1, value=value)
    ws.cell(row=1, column=ws.max_column + 1, value="Email 2")
    ws.cell(row=3, column=ws.max_column, value="blake.work@example.net")
    table = ws.tables["Leads"]
    table.ref = f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{1 + len(LEADS)}"
    settings = wb["Settings"]
    for row in settings.iter_rows(min_row=2):
        if row[0].value == "Agent Email":
            row[1].value = AGENT
    wb.save(path)

    append_records(own_log_path(path), [
        OutboundRecord(at(20), "sent", "<d1.l1@agent.example>", "L-1", "avery.quill@example.com", step="D1",
                       subject="A note about 12 Test Lane"),
        OutboundRecord(at(20), "sent", "<d1.l2@agent.example>", "L-2", "blake.ferrow@example.org", step="D1",
                       subject="A note about 9 Mill Rd", provider_message_id="883953f4-6105-42a2-a16a-0002")])
    sources = [
        "own",
        write_json(tmp_path / "sendgrid.json", [
            sendgrid_event("delivered", "avery.quill@example.com", at(20, 14, 1), 1, "d1.l1"),
            sendgrid_event("open", "avery.quill@example.com", at(21), 2, "d1.l1")]),
        write_json_lines(tmp_path / "postmark.jsonl", [
            postmark_event("Delivery", "blake.ferrow@example.org", at(20, 14, 2), "0002"),
            postmark_event("Bounce", "casey.dunmore@example.com", at(22), "0003", ID=9, Type="HardBounce")]),
        write_json(tmp_path / "mailgun.json", {"items": [
            mailgun_event("complained", "dana.ortolan@example.com", at(23), 1)], "paging": {}}),
        write_mbox(tmp_path / "Sent.mbox", [(message(
            f"Pat Agent <{AGENT}>", "avery.quill@example.com", "A note about 12 Test Lane", at(20),
            "d1.l1@agent.example", X_Lead_Id="L-1"), "Fri Nov 20 14:00:00 +0000 2026")]),
        write_csv(tmp_path / "Sent Items.csv", OUTLOOK_HEADER, [
            outlook_row("=HYPERLINK(\"http://x.example\")", "Hi", "dana.ortolan@example.com")], encoding="cp1252"),
    ]
    args = ["sync-email", *map(str, sources), "--into", str(path), "--today", "2026-11-29"]
    assert main(args) == 0
    once = _values(path)
    for _ in range(2):
        assert main(args) == 0
    assert _values(path) == once
    activity_rows = [r for r in once["Activity"][1:] if any(v is not None for v in r)]
    outcomes = sorted((r[2], r[6]) for r in activity_rows)
    # one Sent per message although the own log, SendGrid, Postmark and the Sent folder all reported them
    assert outcomes == [("L-1", "Opened"), ("L-1", "Sent"), ("L-2", "Sent"), ("L-3", "Bounced"),
                        ("L-4", "Sent"), ("L-4", "Unsubscribed")]
    # a subject that looks like a formula is stored as text, never run
    wb = openpyxl.load_workbook(path)
    notes = [c for c in wb["Activity"]["H"] if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert notes and all(c.data_type == "s" for c in notes)


def _values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets
            if ws.title in ("Leads", "Activity", "Email Sync")}


def test_cli_prints_the_counts(tmp_path, capsys):
    path = tmp_path / "MyLeads.xlsx"
    assert main(["new", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Leads"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("Lead ID") + 1, value="L-1")
    ws.cell(row=2, column=headers.index("Owner Name") + 1, value="Avery Quill")
    ws.cell(row=2, column=headers.index("Email") + 1, value="avery.quill@example.com")
    wb.save(path)
    events = write_json_lines(tmp_path / "events.jsonl", [
        sendgrid_event("processed", "avery.quill@example.com", at(25), 1, "a"),
        sendgrid_event("processed", "stranger@example.net", at(25), 2, "b")])
    capsys.readouterr()
    assert main(["sync-email", str(events), "--into", str(path), "--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert "matched    1" in out and "new        1" in out and "unmatched  1" in out and "rejected   0" in out
    assert "stranger@example.net" in out
    assert main(["sync-email", str(events), "--into", str(path), "--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert "new        0" in out and "duplicate  1" in out
    wb = openpyxl.load_workbook(path)
    listed = [r for r in wb["Email Sync"].iter_rows(values_only=True) if r and r[0] == "Unmatched"]
    assert len(listed) == 1 and listed[0][5] == "stranger@example.net"


def test_cli_explains_an_unknown_file(tmp_path, capsys):
    path = tmp_path / "MyLeads.xlsx"
    assert main(["new", str(path)]) == 0
    odd = tmp_path / "notes.txt"
    odd.write_text("shopping list\n")
    assert main(["sync-email", str(odd), "--into", str(path)]) == 2
    assert "I do not recognise notes.txt as an email log" in capsys.readouterr().err


def test_matching_order_lead_id_then_message_id_then_address(tmp_path):
    store = tracker()
    log = own_log_path(tmp_path / "MyLeads.xlsx")
    append_records(log, [OutboundRecord(at(10), "sent", "<d5.l3@agent.example>", "L-3",
                                        "casey.dunmore@example.com", step="D5", subject="Options")])
    mbox = write_mbox(tmp_path / "Inbox.mbox", [
        # a reply from an address no lead has, answering our message: In-Reply-To finds Casey
        (message("C. Dunmore <cd.personal@example.net>", AGENT, "Re: Options", at(11), "r.cd@example.net",
                 In_Reply_To="<d5.l3@agent.example>"), "Wed Nov 11 14:00:00 +0000 2026"),
        # a message to Avery's +tagged, upper-case address, carrying no id: the address finds her
        (message(f"Pat Agent <{AGENT}>", "AVERY.QUILL+homes@Example.com", "Hello", at(12), "h.l1@agent.example"),
         "Thu Nov 12 14:00:00 +0000 2026"),
        # X-Lead-Id wins over the address (Dana's message to Avery's address)
        (message(f"Pat Agent <{AGENT}>", "avery.quill@example.com", "For Dana", at(12), "x.l4@agent.example",
                 X_Lead_Id="L-4"), "Thu Nov 12 15:00:00 +0000 2026"),
        # newsletters are not replies and not the sheet's business
        (message("News <news@shop.example>", AGENT, "Sale!", at(12), "n1@shop.example"),
         "Thu Nov 12 16:00:00 +0000 2026"),
    ])
    report = sync(store, mbox, workbook=tmp_path / "MyLeads.xlsx")
    rows = sorted((r["Lead ID"], r["Outcome"], r["Note"]) for r in activity(store))
    assert rows == [("L-1", "Sent", "Subject: Hello"), ("L-3", "Replied", "Replied: Re: Options"),
                    ("L-4", "Sent", "Subject: For Dana")]
    assert report.counts.ignored_reasons["received mail not from a lead"] == 1


def test_steps_are_inferred_for_mail_sent_outside_the_tool(tmp_path):
    store = tracker(activity=[touch("L-1", "D1", days_ago(9), channel="Letter"),
                              touch("L-1", "D2", days_ago(8), "Left Voicemail", "Call")])
    sent = [(message(f"Pat Agent <{AGENT}>", "avery.quill@example.com", subject, at(day), f"s{day}@agent.example"),
             f"Fri Nov {day:02d} 14:00:00 +0000 2026") for day, subject in ((22, "Your CMA"), (23, "Two times"),
                                                                            (24, "Options"))]
    sync(store, write_mbox(tmp_path / "Sent.mbox", sent))
    steps = [(r["Note"], r["Step"]) for r in activity(store) if r["Source"] == "email:mbox"]
    assert steps == [("Subject: Your CMA", "D3"), ("Subject: Two times", "D4"), ("Subject: Options", "D5")]
    assert lead_row(store, "L-1")["Next Step"] == "D6"


def test_opens_count_once_per_message_and_weak_opens_are_marked(tmp_path):
    store = tracker()
    events = write_json_lines(tmp_path / "sg.jsonl", [
        sendgrid_event("processed", "avery.quill@example.com", at(20), 1, "m", lead_id="L-1", step="D3"),
        sendgrid_event("open", "avery.quill@example.com", at(20, 14, 1), 2, "m", sg_machine_open=True),
        sendgrid_event("open", "avery.quill@example.com", at(20, 18), 3, "m", sg_machine_open=True),
        sendgrid_event("open", "avery.quill@example.com", at(21), 4, "m"),
        sendgrid_event("open", "avery.quill@example.com", at(22), 5, "m"),
        sendgrid_event("click", "avery.quill@example.com", at(22), 6, "m", url="https://agent.example/a"),
        sendgrid_event("click", "avery.quill@example.com", at(22), 7, "m", url="https://agent.example/b")])
    report = sync(store, events)
    notes = [r["Note"] for r in activity(store)]
    assert len(notes) == 4 and report.counts.duplicate == 3
    assert sum("weak signal" in n for n in notes) == 1 and notes.count("Opened") == 1
    assert lead_row(store, "L-1")["Touches"] == 1


def test_malformed_input_each_bad_line_reported_the_rest_synced(tmp_path):
    store = tracker()
    good = [json.dumps(sendgrid_event("processed", "avery.quill@example.com", at(20), 1, "a")),
            json.dumps(sendgrid_event("processed", "casey.dunmore@example.com", at(20), 2, "c"))]
    lines = tmp_path / "events.jsonl"
    lines.write_bytes("\n".join([
        good[0],
        good[1][:40],                                                                   # truncated line
        json.dumps({**sendgrid_event("processed", "dana.ortolan@example.com", at(20), 3, "d"),
                    "timestamp": "yesterday-ish"}),                                     # bad date
        json.dumps(sendgrid_event("teleported", "dana.ortolan@example.com", at(20), 4, "d")),  # unknown type
        good[1],
    ]).encode("utf-8") + b"\n" + "{\"email\": \"blake.ferrow@example.org\", \"note\": \"caf\xe9\"}".encode(
        "latin-1") + b"\n")                                                             # not UTF-8
    truncated_array = tmp_path / "batch.json"
    batch = json.dumps([sendgrid_event("processed", "blake.ferrow@example.org", at(21), 5, "b"),
                        sendgrid_event("open", "blake.ferrow@example.org", at(21), 6, "b")], indent=1)
    truncated_array.write_text(batch[: len(batch) - 30], encoding="utf-8")  # cut inside the second event
    report = sync(store, lines, truncated_array)
    problems = {(p.where, p.detail) for p in report.problems if p.kind == "Rejected"}
    wheres = sorted(where for where, _ in problems)
    assert wheres == ["batch.json line 11", "events.jsonl line 2", "events.jsonl line 3", "events.jsonl line 4",
                      "events.jsonl line 6"]
    details = " | ".join(d for _, d in sorted(problems))
    assert "truncated" in details and "is not a time" in details and "unknown event type 'teleported'" in details
    assert "not UTF-8" in details
    assert sorted(r["Lead ID"] for r in activity(store)) == ["L-1", "L-2", "L-3"]
    assert report.counts.rejected == 5 and report.counts.new == 3


def test_since_skips_older_events(tmp_path):
    store = tracker()
    events = write_json_lines(tmp_path / "sg.jsonl", [
        sendgrid_event("processed", "avery.quill@example.com", at(10), 1, "old"),
        sendgrid_event("processed", "avery.quill@example.com", at(25), 2, "new")])
    report = sync(store, events, since=dt.date(2026, 11, 20))
    assert [r["Ref"] for r in activity(store)] == ["<new@agent.example>"]
    assert report.counts.before_since == 1
    assert "before --since  1" in format_report(report)


def test_a_second_address_and_co_owners_sharing_an_address(tmp_path):
    store = tracker()
    rows = store.sheets["Leads"]
    headers = rows[0]
    rows.append([{"Lead ID": "L-5", "Owner Name": "Avery Quill Jr", "Email": "avery.quill@example.com"}.get(h)
                 for h in headers])
    events = write_json_lines(tmp_path / "sg.jsonl", [
        sendgrid_event("processed", "Blake.Work@example.net", at(20), 1, "w"),
        sendgrid_event("processed", "avery.quill@example.com", at(20), 2, "shared")])
    report = sync(store, events)
    assert sorted(r["Lead ID"] for r in activity(store)) == ["L-1", "L-2", "L-5"]
    assert report.counts.matched == 2 and report.counts.new == 3


def test_a_50_mb_mbox_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "Takeout.mbox"
    body = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 40 + "\n") * 40  # ~90 KB
    count = 0
    with open(path, "wb") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            count += 1
            msg = message(f"Pat Agent <{AGENT}>", "avery.quill@example.com", f"Update {count}", at(3),
                          f"u{count}@agent.example", body=body, X_Gmail_Labels="Sent")
            handle.write(f"From 1{count}@xxx Tue Nov 03 14:00:00 +0000 2026\n".encode() + msg.as_bytes() + b"\n")
    assert path.stat().st_size >= 50 * 1024 * 1024
    tracemalloc.start()
    try:
        seen = sum(1 for item in MboxReader().extract(str(path), ReadContext(agent_addresses=frozenset({AGENT})))
                   if getattr(item, "kind", None) == "sent")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while reading a 50 MB mbox"


@pytest.mark.parametrize("name", ["own", "imap:"])
def test_clear_errors_for_missing_setup(tmp_path, name):
    store = tracker()
    from leadtracker.errors import UsageError
    with pytest.raises(UsageError) as error:
        run_sync_email(store, [name], tmp_path / "MyLeads.xlsx", today=TODAY, environ={})
    text = str(error.value)
    assert ("no outbound log beside the workbook" in text) if name == "own" else ("IMAP Host" in text)

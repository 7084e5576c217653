"""Real email-log files in each provider's documented format, about invented people (example.com addresses).

Each writer follows the format its reader's docstring cites (sync/email_logs/*.py); the payloads copy the fields of
the providers' sample payloads."""

from __future__ import annotations

import csv
import datetime as dt
import json
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from builders import store_for

UTC = dt.timezone.utc
AGENT = "pat.agent@agent.example"


def at(day: int, hour: int = 14, minute: int = 0) -> dt.datetime:
    """A moment in November 2026 (UTC)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


LEADS = [
    {"Lead ID": "L-1", "Owner Name": "Avery Quill", "Property Address": "12 Test Lane", "City": "Tampa",
     "State": "FL", "ZIP": "33602", "Phone": "(813) 555-0142", "Email": "avery.quill@example.com"},
    {"Lead ID": "L-2", "Owner Name": "Blake Ferrow", "Property Address": "9 Mill Rd", "City": "Austin",
     "State": "TX", "ZIP": "78701", "Phone": "(512) 555-0177", "Email": "Blake.Ferrow@Example.org",
     "Email 2": "blake.work@example.net"},
    {"Lead ID": "L-3", "Owner Name": "Casey Dunmore", "Property Address": "40 Elm St", "City": "Columbus",
     "State": "OH", "ZIP": "43215", "Phone": "(614) 555-0119", "Email": "casey.dunmore@example.com"},
    {"Lead ID": "L-4", "Owner Name": "Dana Ortolan", "Property Address": "7 Bay Ct", "City": "Phoenix",
     "State": "AZ", "ZIP": "85004", "Phone": "(602) 555-0130", "Email": "dana.ortolan@example.com"},
]
SETTINGS = {"Agent Name": "Pat Agent", "Agent Email": AGENT, "Time Zone": "America/New_York"}


def tracker(activity: list[dict] | None = None, settings: dict | None = None):
    return store_for([dict(row) for row in LEADS], activity, settings or SETTINGS)


# --- JSON providers ----------------------------------------------------------------------------------------------

def write_json_lines(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")
    return path


def sendgrid_event(event: str, email: str, moment: dt.datetime, n: int, message: str = "m1", **extra) -> dict:
    record = {"email": email, "timestamp": epoch(moment), "event": event, "sg_event_id": f"sgev-{n}",
              "sg_message_id": f"SGX{message}.filter0001.16648.5515E0B88.0", "category": "preforeclosure"}
    if event in ("processed", "delivered", "deferred", "bounce", "dropped"):
        record["smtp-id"] = f"<{message}@agent.example>"
    record.update(extra)
    return record


def mailgun_event(event: str, recipient: str, moment: dt.datetime, n: int, message: str = "mg1", **extra) -> dict:
    record = {"id": f"mgev-{n}", "event": event, "timestamp": moment.timestamp() + 0.123456, "log-level": "info",
              "recipient": recipient, "recipient-domain": recipient.split("@")[1], "tags": [],
              "user-variables": {}, "flags": {"is-authenticated": True, "is-test-mode": False},
              "message": {"headers": {"to": recipient, "message-id": f"{message}@mg.agent.example",
                                      "from": f"Pat Agent <{AGENT}>", "subject": "Your options"},
                          "attachments": [], "size": 4210}}
    record.update(extra)
    return record


def postmark_event(record_type: str, address: str, moment: dt.datetime, message: str = "pm-0001", **extra) -> dict:
    time_field = {"Delivery": "DeliveredAt", "Bounce": "BouncedAt", "SpamComplaint": "BouncedAt",
                  "Open": "ReceivedAt", "Click": "ReceivedAt", "SubscriptionChange": "ChangedAt"}[record_type]
    stamp = moment.astimezone(dt.timezone(dt.timedelta(hours=-5))).isoformat(timespec="microseconds")
    record = {"RecordType": record_type, "ServerID": 23, "MessageStream": "outbound",
              "MessageID": f"883953f4-6105-42a2-a16a-{message}", time_field: stamp[:-6] + "1" + stamp[-6:],
              "Tag": "preforeclosure", "Metadata": {}}
    record["Email" if record_type in ("Bounce", "SpamComplaint") else "Recipient"] = address
    record.update(extra)
    return record


# --- CSV ---------------------------------------------------------------------------------------------------------

def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


OUTLOOK_HEADER = ["Subject", "Body", "From: (Name)", "From: (Address)", "From: (Type)", "To: (Name)",
                  "To: (Address)", "To: (Type)", "CC: (Name)", "CC: (Address)", "CC: (Type)", "BCC: (Name)",
                  "BCC: (Address)", "BCC: (Type)", "Billing Information", "Categories", "Importance", "Mileage",
                  "Sensitivity"]


def outlook_row(subject: str, body: str, to: str, to_name: str = "", sender: str = AGENT) -> list[str]:
    return [subject, body, "Pat Agent", sender, "SMTP", to_name, to, "SMTP", "", "", "", "", "", "", "", "",
            "Normal", "", "Normal"]


# --- RFC 5322 messages -------------------------------------------------------------------------------------------

def message(sender: str, to: str, subject: str, moment: dt.datetime, message_id: str, body: str = "Hello.",
            **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(moment)
    msg["Message-ID"] = f"<{message_id}>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def bounce_report(original: EmailMessage, recipient: str, moment: dt.datetime, status: str = "5.1.1") -> bytes:
    """An RFC 3464 delivery status notification for `original`, as a mail server sends it."""
    boundary = "==DSN-boundary-42=="
    headers = "".join(f"{k}: {v}\r\n" for k, v in original.items() if k.lower() in (
        "from", "to", "subject", "date", "message-id", "x-lead-id"))
    text = (f"From: Mail Delivery Subsystem <mailer-daemon@mx.example.net>\r\nTo: {AGENT}\r\n"
            f"Subject: Delivery Status Notification (Failure)\r\nDate: {format_datetime(moment)}\r\n"
            f"Message-ID: <dsn-{abs(hash(recipient)) % 10**8}@mx.example.net>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"\r\n\r\n"
            f"--{boundary}\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n"
            f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mx.example.net\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: {status}\r\n"
            f"Diagnostic-Code: smtp; 550 {status} The email account does not exist\r\n\r\n"
            f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n{headers}\r\n"
            f"--{boundary}--\r\n")
    return text.encode("utf-8")


def write_mbox(path: Path, messages: list[tuple[bytes | EmailMessage, str]]) -> Path:
    """(message, From_ line date text) pairs; bodies' 'From ' lines are quoted as mbox requires."""
    with open(path, "wb") as handle:
        for msg, from_date in messages:
            raw = msg if isinstance(msg, bytes) else msg.as_bytes()
            raw = raw.replace(b"\r\n", b"\n")
            lines = [(b">" + line if line.startswith(b"From ") else line) for line in raw.split(b"\n")]
            handle.write(f"From 1791234567890123456@xxx {from_date}\n".encode("ascii"))
            handle.write(b"\n".join(lines).rstrip(b"\n") + b"\n\n")
    return path

"""SendGrid (Twilio) events: the Event Webhook's JSON and a CSV export of the same events.

Format, from Twilio's "Event Webhook Reference" (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/
event) and its sample payloads: every event has `email`, `timestamp` (Unix seconds), `event`, `sg_event_id` and
`sg_message_id`; delivery events also carry `smtp-id` (the RFC Message-ID). Event types: processed, dropped,
delivered, deferred, bounce (`type` "bounce" = permanent, "blocked" = temporary), open (`sg_machine_open` true when a
machine such as Apple Mail Privacy Protection fetched the pixel), click (`url`), spamreport, unsubscribe,
group_unsubscribe, group_resubscribe. Custom arguments set at send time (`custom_args`) come back as top-level keys:
we read `lead_id` and `step` ("Never place PII in this field", says the same page; a Lead ID is not PII).
`sg_message_id` is the X-Message-Id returned at send time plus a ".filter..." suffix; the prefix is the message's
provider id (https://www.twilio.com/docs/sendgrid/glossary/x-message-id).

The CSV reader takes the same fields as columns (webhook names such as `email`, `timestamp`, `event`, `smtp-id`,
or the Email Activity API's names `to_email`, `msg_id`, `event_name`, `processed`, `bounce_type`; Twilio does not
publish the CSV's exact header, so columns are found by name, not position). Event names of the Email Activity API
(https://www.twilio.com/docs/sendgrid/api-reference/email-activity) are accepted too: bounced, opened, clicked,
spam_report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from leadtracker.schema import normalize_header

from . import events as ev
from .csvio import header_line, table_rows
from .events import EmailEvent, Rejected, address_key, clean_message_id, from_epoch, from_iso, one_line
from .jsonio import Record, iter_records
from .registry import Probe, ReadContext, Reader, register

EVENT_NAMES = {
    "processed": ev.SENT, "delivered": ev.SENT, "deferred": ev.DEFERRED, "bounce": ev.BOUNCE,
    "bounced": ev.BOUNCE, "dropped": ev.NOT_SENT, "open": ev.OPEN, "opened": ev.OPEN, "click": ev.CLICK,
    "clicked": ev.CLICK, "spamreport": ev.COMPLAINT, "spam_report": ev.COMPLAINT, "unsubscribe": ev.UNSUBSCRIBE,
    "group_unsubscribe": ev.UNSUBSCRIBE, "group_resubscribe": ev.NOT_SENT,
}
# dropped: SendGrid did not send because the address is on a suppression list, which tells us about the address
DROP_REASONS = {"bounced address": ev.BOUNCE, "invalid": ev.BOUNCE, "unsubscribed address": ev.UNSUBSCRIBE,
                "spam reporting address": ev.COMPLAINT}
LEAD_KEYS = ("leadid", "xleadid", "lead")
CSV_ALIASES = {  # folded CSV header -> webhook field name
    "email": "email", "toemail": "email", "recipient": "email", "emailaddress": "email",
    "timestamp": "timestamp", "processed": "timestamp", "eventtime": "timestamp", "time": "timestamp",
    "event": "event", "eventname": "event", "smtpid": "smtp-id", "messageid": "smtp-id",
    "sgmessageid": "sg_message_id", "msgid": "sg_message_id", "sgeventid": "sg_event_id", "reason": "reason",
    "type": "type", "bouncetype": "type", "status": "status", "url": "url", "useragent": "useragent",
    "httpuseragent": "useragent", "sgmachineopen": "sg_machine_open", "subject": "subject", "response": "response",
    "leadid": "lead_id", "xleadid": "lead_id", "step": "step",
}


def to_event(data: dict, where: str, source: str) -> EmailEvent | Rejected:
    name = str(data.get("event") or "").strip().lower()
    kind = EVENT_NAMES.get(name)
    if kind is None:
        return Rejected(where, f"unknown event type {name or '(blank)'!r}")
    raw_time = data.get("timestamp")
    time = from_epoch(raw_time) if not isinstance(raw_time, str) or raw_time.strip().replace(".", "").isdigit() \
        else from_iso(raw_time)
    if time is None:
        return Rejected(where, f"timestamp {one_line(raw_time, 40)!r} is not a time")
    address = address_key(data.get("email"))
    if address is None:
        return Rejected(where, f"email {one_line(data.get('email'), 60)!r} is not an email address")
    detail = data.get("reason") or data.get("response") or data.get("url")
    if name == "dropped":
        kind = DROP_REASONS.get(str(data.get("reason") or "").strip().lower(), ev.NOT_SENT)
    elif kind == ev.BOUNCE:
        bounce_type = str(data.get("type") or "").strip().lower()
        status = str(data.get("status") or "").strip()
        if bounce_type in ("blocked", "soft", "expired") or status.startswith("4"):
            kind = ev.SOFT_BOUNCE
    weak = kind == ev.OPEN and str(data.get("sg_machine_open")).strip().lower() in ("true", "1", "yes")
    provider = str(data.get("sg_message_id") or "").split(".", 1)[0] or None
    lead_id = step = None
    for key, value in data.items():
        folded_key = normalize_header(key)
        if folded_key in LEAD_KEYS and value not in (None, ""):
            lead_id = str(value).strip()
        elif folded_key == "step" and value not in (None, ""):
            step = str(value).strip()
    return EmailEvent(kind=kind, source=source, where=where, time=time, address=address,
                      message_id=clean_message_id(data.get("smtp-id")), provider_id=provider,
                      event_id=data.get("sg_event_id") or None, lead_id=lead_id, step=step,
                      subject=data.get("subject") or None, weak=weak, detail=one_line(detail) if detail else None)


@register
class SendGridJsonReader(Reader):
    """SendGrid Event Webhook events saved as JSON (a batch array, JSON lines, or one batch per line)."""

    name = "sendgrid"
    label = "SendGrid event webhook (JSON)"

    def identify(self, probe: Probe) -> bool:
        if probe.is_dir:
            return False
        head = probe.text_head
        return '"sg_event_id"' in head or ('"sg_message_id"' in head and '"event"' in head)

    def extract(self, source: str, context: ReadContext) -> Iterator[EmailEvent | Rejected]:
        for item in iter_records(Path(source)):
            if isinstance(item, Record):
                if isinstance(item.value, dict):
                    yield to_event(item.value, item.where, self.name)
                else:
                    yield Rejected(item.where, "not an event object")
            else:
                yield item


@register
class SendGridCsvReader(Reader):
    """SendGrid events exported as CSV (see the module docstring for the columns)."""

    name = "sendgrid-csv"
    label = "SendGrid events (CSV export)"

    def identify(self, probe: Probe) -> bool:
        if probe.is_dir or probe.suffix not in (".csv", ".txt"):
            return False
        columns = {normalize_header(h) for h in header_line(probe.text_head)}
        has_event = bool(columns & {"event", "eventname"})
        sendgrid_ids = bool(columns & {"sgeventid", "sgmessageid", "smtpid", "msgid"})
        return has_event and sendgrid_ids and bool(columns & {"email", "toemail"})

    def extract(self, source: str, context: ReadContext) -> Iterator[EmailEvent | Rejected]:
        path = Path(source)
        names: list[str | None] = []
        for row in table_rows(path):
            if isinstance(row, Rejected):
                yield row
                continue
            names = names or [CSV_ALIASES.get(normalize_header(h), h) for h in row.header]
            data = {name: cell.strip() for name, cell in zip(names, row.cells) if name and cell.strip()}
            yield to_event(data, row.where, self.name)


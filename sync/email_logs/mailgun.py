"""Mailgun events: pages of the Events API (`{"items": [...], "paging": {...}}`), webhook bodies
(`{"signature": {...}, "event-data": {...}}`), or the event objects one per line.

Format, from Mailgun's documentation: Events API (https://documentation.mailgun.com/docs/mailgun/api-reference/
send/mailgun/events, and the sample responses in mailgun/documentation source/api-events.rst) and webhook payloads
(https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/webhook-payloads). Each event has `event`
(accepted, rejected, delivered, failed, opened, clicked, unsubscribed, complained, stored), `timestamp` (Unix
seconds with a fraction), `id`, `recipient`, `message.headers.message-id` (the RFC Message-ID without brackets),
`message.headers.subject`, `user-variables` (set at send time with `v:lead_id`, `v:step`), `severity` on failed
events ("permanent" or "temporary"), `delivery-status` with the SMTP `code` and `message`, `reason`. Opens and
clicks carry `client-info.bot`: "apple" for Apple Mail Privacy Protection, "gmail" or "generic" for other machines
(https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages/open-click-bot-detect).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from . import events as ev
from .events import EmailEvent, Rejected, address_key, clean_message_id, from_epoch, one_line
from .jsonio import Record, iter_records
from .registry import Probe, ReadContext, Reader, register

EVENT_NAMES = {"accepted": ev.SENT, "delivered": ev.SENT, "failed": ev.BOUNCE, "rejected": ev.NOT_SENT,
               "opened": ev.OPEN, "clicked": ev.CLICK, "unsubscribed": ev.UNSUBSCRIBE, "complained": ev.COMPLAINT,
               "stored": ev.NOT_SENT}
# Mailgun's reasons for not even trying: the address is on a suppression list
SUPPRESSED = {"suppress-bounce": ev.BOUNCE, "suppress-unsubscribe": ev.UNSUBSCRIBE,
              "suppress-complaint": ev.COMPLAINT}


def to_event(data: dict, where: str) -> EmailEvent | Rejected:
    if "event-data" in data and isinstance(data["event-data"], dict):
        data = data["event-data"]
    name = str(data.get("event") or "").strip().lower()
    kind = EVENT_NAMES.get(name)
    if kind is None:
        return Rejected(where, f"unknown event type {name or '(blank)'!r}")
    time = from_epoch(data.get("timestamp"))
    if time is None:
        return Rejected(where, f"timestamp {one_line(data.get('timestamp'), 40)!r} is not a time")
    message = data.get("message") if isinstance(data.get("message"), dict) else {}
    headers = message.get("headers") if isinstance(message.get("headers"), dict) else {}
    address = address_key(data.get("recipient") or headers.get("to"))
    if address is None:
        return Rejected(where, f"recipient {one_line(data.get('recipient'), 60)!r} is not an email address")
    status = data.get("delivery-status") if isinstance(data.get("delivery-status"), dict) else {}
    reason = str(data.get("reason") or "").strip().lower()
    if kind in (ev.BOUNCE, ev.NOT_SENT) and reason in SUPPRESSED:
        kind = SUPPRESSED[reason]
    elif name == "failed" and str(data.get("severity") or "").lower() == "temporary":
        kind = ev.SOFT_BOUNCE
    client = data.get("client-info") if isinstance(data.get("client-info"), dict) else {}
    variables = data.get("user-variables") if isinstance(data.get("user-variables"), dict) else {}
    lead_id = variables.get("lead_id") or variables.get("lead-id") or variables.get("leadId")
    detail = status.get("message") or status.get("description") or data.get("url") or reason or None
    return EmailEvent(kind=kind, source="mailgun", where=where, time=time, address=address,
                      message_id=clean_message_id(headers.get("message-id")), event_id=data.get("id") or None,
                      lead_id=str(lead_id).strip() if lead_id not in (None, "") else None,
                      step=str(variables["step"]).strip() if variables.get("step") else None,
                      subject=headers.get("subject") or None, weak=bool(client.get("bot")),
                      detail=one_line(detail) if detail else None)


@register
class MailgunReader(Reader):
    """Mailgun Events API pages, webhook bodies or event lines (see the module docstring)."""

    name = "mailgun"
    label = "Mailgun events (JSON)"

    def identify(self, probe: Probe) -> bool:
        head = probe.text_head
        return not probe.is_dir and ('"event-data"' in head or ('"user-variables"' in head and '"event"' in head)
                                     or ('"items"' in head and '"log-level"' in head)
                                     or ('"recipient-domain"' in head and '"event"' in head))

    def extract(self, source: str, context: ReadContext) -> Iterator[EmailEvent | Rejected]:
        for item in iter_records(Path(source)):
            if isinstance(item, Record):
                if isinstance(item.value, dict) and "paging" in item.value and "items" in item.value:
                    for position, event in enumerate(item.value.get("items") or [], start=1):
                        yield to_event(event, f"{item.where} item {position}") if isinstance(event, dict) \
                            else Rejected(item.where, "not an event object")
                elif isinstance(item.value, dict):
                    yield to_event(item.value, item.where)
                else:
                    yield Rejected(item.where, "not an event object")
            else:
                yield item

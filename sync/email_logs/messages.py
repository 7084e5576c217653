"""RFC 5322 messages (from an mbox, .eml files or an IMAP folder) turned into events.

A message is one of:
- a delivery status notification (RFC 3464: multipart/report; report-type=delivery-status): a bounce for each
  failed `Final-Recipient` (`Action: failed`, a 5.x.x `Status` is permanent, 4.x.x temporary), tied to the
  original message by the Message-ID and X-Lead-Id in its returned headers;
- a message the agent sent: Gmail's `X-Gmail-Labels` includes "Sent" (Google Takeout), the folder is a Sent
  folder, the From address is the agent's (Settings: Agent Email), or it carries our `X-Lead-Id` header; one event
  per To/Cc/Bcc recipient. An `X-Unsent: 1` message is a draft this tool wrote, not a sent message;
- an automatic answer (RFC 3834 `Auto-Submitted` other than "no", `X-Autoreply`, `X-Autorespond`,
  `Precedence: auto_reply`): counted, never a reply;
- any other received message: a possible reply, decided when matching (from a lead's address, or answering one
  of our Message-IDs through In-Reply-To/References); marked `opt_out` when its own new text (not the lines it
  quotes from our email) asks for no more email (opt_out.py), which makes it an unsubscribe instead. Mailing-list
  mail (RFC 2369/2919 List-Id or List-Unsubscribe, `Precedence: bulk`) is never a homeowner's own reply, so its
  body is not read: newsletters are most of an inbox;
- a Google Takeout chat (label "Chat"): not mail, ignored.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser

from . import events as ev
from .events import EmailEvent, Ignored, Rejected, address_key, clean_message_id, message_ids, one_line
from .opt_out import message_asks

_HEADER_PARSER = BytesHeaderParser()
_PARSER = BytesParser()
AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponse")


def parse_headers(raw: bytes) -> Message:
    return _HEADER_PARSER.parsebytes(raw)


def needs_body(headers: Message) -> bool:
    """Only delivery reports need more than the headers."""
    content_type = (headers.get("Content-Type") or "").lower()
    return "multipart/report" in content_type or "delivery-status" in content_type


def header_text(value: object) -> str | None:
    if value is None:
        return None
    try:
        text = str(make_header(decode_header(str(value))))
    except (UnicodeError, LookupError, ValueError, TypeError):
        text = str(value)
    text = " ".join(text.split())
    return text or None


def message_time(headers: Message, fallback: dt.datetime | None) -> tuple[dt.datetime | None, str | None]:
    """The Date header as an aware datetime, else the fallback (mbox From_ line, IMAP INTERNALDATE)."""
    raw = headers.get("Date")
    if raw:
        try:
            stamp = email.utils.parsedate_to_datetime(str(raw))
        except (TypeError, ValueError, IndexError):
            stamp = None
        if stamp is not None:
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=dt.timezone.utc)
            if 1970 <= stamp.year < 2100:
                return stamp, None
        if fallback is not None:
            return fallback, None
        return None, f"Date {one_line(raw, 40)!r} is not a date"
    if fallback is not None:
        return fallback, None
    return None, "the message has no Date"


def addresses(headers: Message, *names: str) -> list[str]:
    found = []
    values = [str(v) for name in names for v in (headers.get_all(name) or [])]
    for _, addr in email.utils.getaddresses(values):
        key = address_key(addr)
        if key and key not in found:
            found.append(key)
    return found


def is_auto_reply(headers: Message) -> bool:
    auto = (headers.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return True
    if any(headers.get(name) for name in AUTO_HEADERS):
        return True
    return (headers.get("Precedence") or "").strip().lower() in ("auto_reply", "auto-reply")


def is_bulk(headers: Message) -> bool:
    if headers.get("List-Id") or headers.get("List-Unsubscribe"):
        return True
    return (headers.get("Precedence") or "").strip().lower() in ("bulk", "list", "junk")


def message_events(headers: Message, body: bytes | None, *, source: str, where: str,
                   agent_addresses: frozenset[str], sent_folder: bool | None = None,
                   fallback_time: dt.datetime | None = None) -> list[EmailEvent | Rejected | Ignored]:
    """The events one message stands for (see the module docstring). `body` is the whole message (headers, then
    the start of its body: all of a delivery report, opt_out.BODY_BYTES of other mail), or None when the reader
    has only the headers."""
    labels = [label.strip().lower() for label in str(headers.get("X-Gmail-Labels") or "").split(",") if label]
    if "chat" in labels:
        return [Ignored("Google Takeout chat")]
    if needs_body(headers) and body is not None:
        report = delivery_report(body, source=source, where=where, fallback_time=fallback_time)
        if report:
            return report
    time, problem = message_time(headers, fallback_time)
    subject = header_text(headers.get("Subject"))
    label = f"{where}{' (' + one_line(subject, 50) + ')' if subject else ''}"
    if time is None:
        return [Rejected(label, f"{problem}; message skipped")]
    message_id = clean_message_id(headers.get("Message-ID"))
    lead_id = (str(headers.get("X-Lead-Id")).strip() or None) if headers.get("X-Lead-Id") else None
    senders = addresses(headers, "From")
    sent = ("sent" in labels or sent_folder is True or bool(set(senders) & agent_addresses)
            or (lead_id is not None and sent_folder is not False))
    if sent:
        if (headers.get("X-Unsent") or "").strip() == "1":
            kind = ev.DRAFT
        else:
            kind = ev.SENT
        recipients = addresses(headers, "To", "Cc", "Bcc")
        if not recipients:
            return [Rejected(label, "a sent message with no recipient address; skipped")]
        step = (str(headers.get("X-Lead-Step")).strip() or None) if headers.get("X-Lead-Step") else None
        return [EmailEvent(kind=kind, source=source, where=where, time=time, address=recipient,
                           message_id=message_id, lead_id=lead_id, step=step, subject=subject)
                for recipient in recipients]
    if not senders:
        return [Rejected(label, "a received message with no From address; skipped")]
    refs = message_ids(headers.get("In-Reply-To")) + message_ids(headers.get("References"))
    kind = ev.AUTO_REPLY if is_auto_reply(headers) else ev.INBOUND
    return [EmailEvent(kind=kind, source=source, where=where, time=time, address=senders[0],
                       message_id=message_id, subject=subject, refs=tuple(dict.fromkeys(refs)),
                       opt_out=kind == ev.INBOUND and not is_bulk(headers) and message_asks(body))]


def delivery_report(raw: bytes, *, source: str, where: str,
                    fallback_time: dt.datetime | None) -> list[EmailEvent | Rejected | Ignored]:
    """Bounces from an RFC 3464 delivery status notification, tied to the original message."""
    message = _PARSER.parsebytes(raw)
    if message.get_content_type() != "multipart/report":
        return []
    time, _ = message_time(message, fallback_time)
    statuses: list[Message] = []
    original: Message | None = None
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            payload = part.get_payload()
            if isinstance(payload, list):
                statuses.extend(p for p in payload if isinstance(p, Message))
            elif isinstance(payload, str):
                statuses.extend(_status_blocks(payload))
        elif content_type in ("text/rfc822-headers", "message/rfc822-headers"):
            payload = part.get_payload(decode=True) or b""
            original = parse_headers(payload)
        elif content_type == "message/rfc822" and original is None:
            payload = part.get_payload()
            original = payload[0] if isinstance(payload, list) and payload else None
    out: list[EmailEvent | Rejected | Ignored] = []
    message_id = clean_message_id(original.get("Message-ID")) if original is not None else None
    lead_id = (str(original.get("X-Lead-Id")).strip() or None) if original is not None and \
        original.get("X-Lead-Id") else None
    subject = header_text(original.get("Subject")) if original is not None else None
    for block in statuses:
        recipient = block.get("Final-Recipient") or block.get("Original-Recipient")
        if not recipient:
            continue
        action = (block.get("Action") or "").strip().lower()
        status = (block.get("Status") or "").strip()
        if action not in ("failed", "delayed"):
            continue
        address = address_key(str(recipient).split(";", 1)[-1])
        if address is None:
            continue
        kind = ev.BOUNCE if action == "failed" and status.startswith("5") else ev.SOFT_BOUNCE
        diagnostic = block.get("Diagnostic-Code")
        out.append(EmailEvent(kind=kind, source=source, where=where, time=time, address=address,
                              message_id=message_id, lead_id=lead_id, subject=subject,
                              detail=one_line(f"{status} {diagnostic or ''}".strip())))
    if not out:
        return [Ignored("delivery report without a failed recipient")]
    return out


def _status_blocks(text: str) -> list[Message]:
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return [_HEADER_PARSER.parsebytes(b.encode("utf-8", "replace") + b"\n") for b in blocks]

"""What every email-log reader produces: one `EmailEvent` per thing that happened to one message for one address,
or a `Rejected` record for an input line that could not be read, or an `Ignored` record for mail that is not part
of the outbound log (a chat in a Takeout mbox, a newsletter in the inbox).

Readers only translate their source's vocabulary into these kinds; matching to leads and the effect on the sheet
happen later, in one place (sync.py), so every source behaves the same.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

# Event kinds. Only the first group becomes Activity rows; the second is counted, never a touch.
SENT = "sent"                # the message left for this recipient (sent, processed, accepted, delivered)
BOUNCE = "bounce"            # permanent failure: the address does not work
UNSUBSCRIBE = "unsubscribe"  # the recipient asked for no more email
COMPLAINT = "complaint"      # the recipient marked it as spam: treated as an unsubscribe
REPLY = "reply"              # the recipient wrote back
OPEN = "open"                # engagement signal only (weak when a privacy proxy fetched the pixel)
CLICK = "click"              # engagement signal only
RECORDED = (SENT, BOUNCE, UNSUBSCRIBE, COMPLAINT, REPLY, OPEN, CLICK)

SOFT_BOUNCE = "soft_bounce"  # temporary failure; the provider retries
DEFERRED = "deferred"
NOT_SENT = "not_sent"        # dropped or rejected before sending, for a reason that says nothing about the address
AUTO_REPLY = "auto_reply"    # out-of-office and other automatic answers: not a reply
DRAFT = "draft"              # written by this tool but not sent: registers the Message-ID only
INFORMATIONAL = (SOFT_BOUNCE, DEFERRED, NOT_SENT, AUTO_REPLY, DRAFT)

# A received message the readers cannot yet call a reply: matching decides (from a lead, or answering our mail).
INBOUND = "inbound"


class EmailEvent(NamedTuple):
    """One event for one address. Times are timezone-aware (UTC when the source gives no zone) or None."""

    kind: str
    source: str                       # reader name, e.g. "sendgrid"
    where: str                        # file and line (or folder and UID) for messages about it
    time: dt.datetime | None = None
    address: str | None = None        # the lead's side: recipient of what we sent, sender of a reply
    message_id: str | None = None     # RFC 5322 Message-ID without angle brackets (of the reply, for replies)
    provider_id: str | None = None    # the provider's own message id (SendGrid sg_message_id, Postmark MessageID)
    event_id: str | None = None       # the provider's id for this event, when it has one
    lead_id: str | None = None        # explicit: X-Lead-Id header, custom args, metadata
    step: str | None = None           # the plan step the message was for, when the source says
    subject: str | None = None
    refs: tuple[str, ...] = ()        # In-Reply-To and References of a received message
    weak: bool = False                # an open by a privacy proxy (Apple Mail Privacy Protection) or a scanner
    detail: str | None = None         # bounce reason, clicked URL, SMTP reply
    campaign: str | None = None       # a merge campaign (sheet) for state sources without message ids
    time_known: bool = True           # False when the source has no date and `time` is the file's time
    opt_out: bool = False             # a received message whose own new text asks for no more email (opt_out.py)


class Rejected(NamedTuple):
    """An input line or record that could not be read; reported with where it is, the rest goes on."""

    where: str
    message: str


class Ignored(NamedTuple):
    """Mail that is not part of the outbound log, counted by reason (chats, received mail not from a lead)."""

    reason: str


_BRACKETS = re.compile(r"<([^<>]*)>")
_PLUS_TAG = re.compile(r"\+[^@]*@")


def clean_message_id(value: object) -> str | None:
    """'<abc@x.example>' -> 'abc@x.example'. Case is kept: the local part of a Message-ID is case-sensitive."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    found = _BRACKETS.search(text)
    if found:
        text = found.group(1)
    text = "".join(text.split())
    return text or None


def message_ids(value: object) -> tuple[str, ...]:
    """All ids in an In-Reply-To or References header, in order."""
    if value is None:
        return ()
    text = str(value)
    found = _BRACKETS.findall(text)
    if not found:
        found = text.split()
    return tuple(i for i in ("".join(f.split()) for f in found) if i)


def address_key(value: object) -> str | None:
    """The form addresses are compared in: lower case, no display name, a +tag dropped ('Ann+news@X.com' ->
    'ann@x.com'). Returns None for anything that is not an address."""
    if value is None:
        return None
    text = str(value).strip()
    if "<" in text:
        found = _BRACKETS.search(text)
        if found:
            text = found.group(1)
    text = text.strip().strip('"').strip("'").lower()
    if text.startswith("mailto:"):
        text = text[7:]
    if text.count("@") != 1 or " " in text:
        return None
    local, domain = text.split("@")
    if not local or "." not in domain:
        return None
    if "+" in local:
        local = local.split("+", 1)[0]
    return f"{local}@{domain}"


def from_epoch(value: object) -> dt.datetime | None:
    """Unix seconds (int, float or text) -> aware UTC datetime; None if not a plausible time."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not 0 < seconds < 4_102_444_800:  # before 2100
        return None
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def from_iso(value: object) -> dt.datetime | None:
    """ISO 8601 text -> aware datetime (UTC when no offset). Postmark sends 7 fraction digits, which are trimmed."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    if not 1970 <= stamp.year < 2100:
        return None
    return stamp


def one_line(value: object, limit: int = 160) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""Postmark webhooks: the JSON bodies Postmark posts, saved one per line, as an array, or one after another.

Format, from Postmark's webhook documentation (https://postmarkapp.com/developer/webhooks/webhooks-overview, the
delivery, bounce, open-tracking, click, spam-complaint and subscription-change webhook pages) and the typings of
its official library (ActiveCampaign/postmark.js, src/client/models/webhooks/payload/*.ts): `RecordType` is
Delivery, Bounce, SpamComplaint, Open, Click or SubscriptionChange; `MessageID` is Postmark's own id (a UUID, not
the RFC Message-ID); the address is `Recipient` (Delivery, Open, Click, SubscriptionChange) or `Email` (Bounce,
SpamComplaint); times are ISO 8601 in `DeliveredAt`, `BouncedAt`, `ReceivedAt` or `ChangedAt`; `Metadata` holds
what was attached at send time (we read `lead_id` and `step`). Bounce `Type` says how bad it is: HardBounce,
BadEmailAddress, ManuallyDeactivated... are permanent; Transient, SoftBounce, DnsError are temporary; AutoResponder
is an automatic answer. A SubscriptionChange with `SuppressSending` true is an opt-out (`SuppressionReason`
ManualSuppression, HardBounce or SpamComplaint says which). Postmark gives no machine-open flag; an open whose user
agent is the bare "Mozilla/5.0" that Apple's proxy sends is marked weak (Postmark on Apple Mail Privacy Protection:
https://postmarkapp.com/support/article/1257-open-tracking-and-apple-mail).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from . import events as ev
from .events import EmailEvent, Rejected, address_key, from_iso, one_line
from .jsonio import Record, iter_records
from .registry import Probe, ReadContext, Reader, register

RECORD_TYPES = {"Delivery": ev.SENT, "Bounce": ev.BOUNCE, "SpamComplaint": ev.COMPLAINT, "Open": ev.OPEN,
                "Click": ev.CLICK, "SubscriptionChange": ev.UNSUBSCRIBE}
BOUNCE_TYPES = {
    "HardBounce": ev.BOUNCE, "BadEmailAddress": ev.BOUNCE, "ManuallyDeactivated": ev.BOUNCE, "Blocked": ev.BOUNCE,
    "Unsubscribe": ev.UNSUBSCRIBE, "SpamNotification": ev.COMPLAINT, "SpamComplaint": ev.COMPLAINT,
    "Transient": ev.SOFT_BOUNCE, "SoftBounce": ev.SOFT_BOUNCE, "DnsError": ev.SOFT_BOUNCE,
    "AutoResponder": ev.AUTO_REPLY, "AddressChange": ev.AUTO_REPLY, "ChallengeVerification": ev.AUTO_REPLY,
    "OpenRelayTest": ev.NOT_SENT, "Unknown": ev.NOT_SENT, "VirusNotification": ev.NOT_SENT,
    "Unconfirmed": ev.NOT_SENT, "SMTPApiError": ev.NOT_SENT, "InboundError": ev.NOT_SENT,
    "DMARCPolicy": ev.NOT_SENT, "TemplateRenderingFailed": ev.NOT_SENT, "Subscribe": ev.NOT_SENT,
}
SUPPRESSION = {"HardBounce": ev.BOUNCE, "SpamComplaint": ev.COMPLAINT, "ManualSuppression": ev.UNSUBSCRIBE}
TIME_FIELDS = ("DeliveredAt", "BouncedAt", "ReceivedAt", "ChangedAt")
APPLE_PROXY_AGENT = "Mozilla/5.0"


def to_event(data: dict, where: str) -> EmailEvent | Rejected:
    record_type = data.get("RecordType")
    kind = RECORD_TYPES.get(str(record_type))
    if kind is None:
        return Rejected(where, f"unknown RecordType {str(record_type)!r}")
    if record_type == "Bounce":
        kind = BOUNCE_TYPES.get(str(data.get("Type")), ev.BOUNCE if data.get("Inactive") else ev.SOFT_BOUNCE)
    elif record_type == "SubscriptionChange":
        if data.get("SuppressSending") is False:
            kind = ev.NOT_SENT  # resubscribed
        else:
            kind = SUPPRESSION.get(str(data.get("SuppressionReason")), ev.UNSUBSCRIBE)
    raw_time = next((data[f] for f in TIME_FIELDS if data.get(f)), None)
    time = from_iso(raw_time)
    if time is None:
        return Rejected(where, f"time {one_line(raw_time, 40)!r} is not an ISO 8601 date and time")
    address = address_key(data.get("Recipient") or data.get("Email"))
    if address is None:
        return Rejected(where, "no recipient address (Recipient or Email)")
    metadata = data.get("Metadata") if isinstance(data.get("Metadata"), dict) else {}
    lead_id = metadata.get("lead_id") or metadata.get("LeadId") or metadata.get("lead-id")
    detail = data.get("Details") or data.get("Description") or data.get("OriginalLink")
    weak = kind == ev.OPEN and str(data.get("UserAgent") or "").strip() == APPLE_PROXY_AGENT
    return EmailEvent(kind=kind, source="postmark", where=where, time=time, address=address,
                      provider_id=str(data["MessageID"]) if data.get("MessageID") else None,
                      event_id=f"{record_type}:{data['ID']}" if data.get("ID") else None,
                      lead_id=str(lead_id).strip() if lead_id not in (None, "") else None,
                      step=str(metadata["step"]).strip() if metadata.get("step") else None,
                      subject=data.get("Subject") or None, weak=weak, detail=one_line(detail) if detail else None)


@register
class PostmarkReader(Reader):
    """Postmark webhook bodies (see the module docstring)."""

    name = "postmark"
    label = "Postmark webhooks (JSON)"

    def identify(self, probe: Probe) -> bool:
        head = probe.text_head
        return not probe.is_dir and '"RecordType"' in head and '"MessageID"' in head

    def extract(self, source: str, context: ReadContext) -> Iterator[EmailEvent | Rejected]:
        for item in iter_records(Path(source)):
            if isinstance(item, Record):
                yield to_event(item.value, item.where) if isinstance(item.value, dict) \
                    else Rejected(item.where, "not a webhook object")
            else:
                yield item

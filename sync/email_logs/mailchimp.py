"""Mailchimp campaign activity: the email-activity report as CSV (one row per activity) or as the API's JSON.

Format, from the Mailchimp Marketing API "Email Activity Reports" (GET /reports/{campaign_id}/email-activity,
https://mailchimp.com/developer/marketing/api/email-activity-reports/list-email-activity/): a list `emails`, each
with `campaign_id`, `list_id`, `email_id`, `email_address` and `activity`, a list of `{action, type, timestamp,
url, ip}` where `action` is open, click or bounce and `type` is the bounce type (hard or soft). The CSV form holds
the same fields one activity per row, columns found by name ("Email Address" / email_address, "Action" /
"Activity", "Timestamp", "URL", "Type" / "Bounce Type", "Campaign ID"); `sent`, `unsubscribe` and `abuse` rows
(Mailchimp's sent-to, unsubscribed and abuse-report lists flattened the same way) are read too. Mailchimp carries no
Message-ID or lead id: events are matched to leads by address, and one campaign's activity for one address is one
message. Mailchimp gives no machine-open flag, so its opens are never marked weak (and, like every open, never
complete a step).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from leadtracker.schema import normalize_header

from . import events as ev
from .csvio import folded, header_line, table_rows
from .events import EmailEvent, Rejected, address_key, from_iso, one_line
from .jsonio import Record, iter_records
from .registry import Probe, ReadContext, Reader, register

ACTIONS = {"open": ev.OPEN, "opened": ev.OPEN, "click": ev.CLICK, "clicked": ev.CLICK, "bounce": ev.BOUNCE,
           "bounced": ev.BOUNCE, "sent": ev.SENT, "unsubscribe": ev.UNSUBSCRIBE, "unsub": ev.UNSUBSCRIBE,
           "unsubscribed": ev.UNSUBSCRIBE, "abuse": ev.COMPLAINT, "spam": ev.COMPLAINT}


def to_event(address_text: object, action: object, timestamp: object, bounce_type: object, url: object,
             campaign: object, where: str) -> EmailEvent | Rejected:
    name = str(action or "").strip().lower()
    kind = ACTIONS.get(name)
    if kind is None:
        return Rejected(where, f"unknown activity {name or '(blank)'!r}")
    address = address_key(address_text)
    if address is None:
        return Rejected(where, f"{one_line(address_text, 60)!r} is not an email address")
    time = from_iso(str(timestamp).strip().replace(" ", "T", 1)) if timestamp else None
    if time is None:
        return Rejected(where, f"timestamp {one_line(timestamp, 40)!r} is not a date and time")
    if kind == ev.BOUNCE and str(bounce_type or "").strip().lower() == "soft":
        kind = ev.SOFT_BOUNCE
    campaign_text = str(campaign).strip() if campaign else None
    return EmailEvent(kind=kind, source="mailchimp", where=where, time=time, address=address,
                      provider_id=f"{campaign_text}:{address}" if campaign_text else None,
                      detail=one_line(url) if url else None, campaign=campaign_text)


@register
class MailchimpReader(Reader):
    """Mailchimp email-activity report, CSV or JSON (see the module docstring)."""

    name = "mailchimp"
    label = "Mailchimp campaign activity (CSV or JSON)"

    def identify(self, probe: Probe) -> bool:
        if probe.is_dir:
            return False
        head = probe.text_head
        if '"email_address"' in head and '"activity"' in head:
            return True
        if probe.suffix not in (".csv", ".txt"):
            return False
        columns = {normalize_header(h) for h in header_line(head)}
        return bool(columns & {"emailaddress"}) and bool(columns & {"action", "activity"}) and "timestamp" in columns

    def extract(self, source: str, context: ReadContext) -> Iterator[EmailEvent | Rejected]:
        path = Path(source)
        with open(path, "rb") as handle:
            head = handle.read(65536).decode("utf-8", "replace")
        if '"email_address"' in head:
            yield from self._json(path)
        else:
            yield from self._csv(path)

    def _json(self, path: Path) -> Iterator[EmailEvent | Rejected]:
        for item in iter_records(path):
            if not isinstance(item, Record):
                yield item
                continue
            value = item.value
            emails = value.get("emails") if isinstance(value, dict) and "emails" in value else [value]
            for email in emails:
                if not isinstance(email, dict) or not isinstance(email.get("activity"), list):
                    yield Rejected(item.where, "not an email-activity entry (email_address with activity)")
                    continue
                for position, activity in enumerate(email["activity"], start=1):
                    if not isinstance(activity, dict):
                        yield Rejected(item.where, "an activity that is not an object")
                        continue
                    yield to_event(email.get("email_address"), activity.get("action"), activity.get("timestamp"),
                                   activity.get("type"), activity.get("url"), email.get("campaign_id"),
                                   f"{item.where} activity {position}")

    def _csv(self, path: Path) -> Iterator[EmailEvent | Rejected]:
        pick: dict[str, int | None] | None = None
        for row in table_rows(path):
            if isinstance(row, Rejected):
                yield row
                continue
            if pick is None:
                columns = folded(row.header)
                pick = {name: next((columns[c] for c in candidates if c in columns), None) for name, candidates in (
                    ("address", ("emailaddress", "email")), ("action", ("action", "activity")),
                    ("time", ("timestamp", "time", "date")), ("type", ("type", "bouncetype")),
                    ("url", ("url", "link")), ("campaign", ("campaignid", "campaign")))}

            def cell(name: str) -> str | None:
                position = pick[name]
                return row.cells[position] if position is not None and position < len(row.cells) else None

            yield to_event(cell("address"), cell("action"), cell("time"), cell("type"), cell("url"),
                           cell("campaign"), row.where)

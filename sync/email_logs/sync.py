"""Email events -> Activity rows: one place decides, for every source alike, what an event means for the lead.

Effects (issue 7, DESIGN §9):
- Sent: an Outbound "Sent" row for the plan step it was for (the step the message carries, the one our log
  recorded, else the earliest pending email step of the plan): it completes that step.
- A hard bounce: an Inbound "Bounced" row on the Email channel, which closes email for the lead (cadence reads it).
- Unsubscribe, spam complaint: an Inbound "Unsubscribed" row, the email opt-out; never emailed again. A reply
  that asks to be removed (its Subject, or the homeowner's own lines, not the ones quoting our email: opt_out.py) is
  one too, and only that: not a Replied row, so an opt-out never makes the lead Engaged.
- Reply: an Inbound "Replied" row: the lead becomes Engaged.
- Open, click: "Opened"/"Clicked" rows, engagement signals that never complete a step; an open by a privacy proxy
  is written as weak. Only the first open (and first weak open) and the first click of a message are kept.
- Deferrals, soft bounces, automatic replies, drafts: counted, no row.
No input cell is ever written: opt-outs and bounces live in the ledger, where the refresh reads them.

Idempotent: each row's Activity ID is a hash of the lead, what happened and the message's identity (its
Message-ID when the event carries it, else the provider's id), so the same event read again, from the same source
or another one, gives the same id and is skipped. A sent message known to one source only by an ESP id or by its
subject (Outlook, mail merges) is also recognised as a copy when the lead already has an emailed row within 15
minutes with a compatible subject.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pandas as pd

from leadtracker import schema
from leadtracker.cadence import NOT_DELIVERED, PAUSING, SIGNALS
from leadtracker.plan import Plan
from leadtracker.store import SheetData, key_text

from . import events as ev
from .events import EmailEvent, Ignored, Rejected, one_line
from .matching import KnownMessages, LeadIndex, match
from .opt_out import subject_asks

ID_PREFIX = "E-"
SOURCE_PREFIX = "email:"
SAME_MESSAGE_WINDOW = dt.timedelta(minutes=15)
EFFECTS = {  # kind -> (Outcome, Direction, id group)
    ev.SENT: ("Sent", "Outbound", "sent"),
    ev.BOUNCE: ("Bounced", "Inbound", "bounce"),
    ev.UNSUBSCRIBE: ("Unsubscribed", "Inbound", "unsub"),
    ev.COMPLAINT: ("Unsubscribed", "Inbound", "complaint"),
    ev.REPLY: ("Replied", "Inbound", "reply"),
    ev.OPEN: ("Opened", "Inbound", "open"),
    ev.CLICK: ("Clicked", "Inbound", "click"),
}
FAMILY = {"sendgrid-csv": "sendgrid"}


@dataclass
class Counts:
    read: int = 0
    matched: int = 0
    new: int = 0
    duplicate: int = 0
    not_recorded: int = 0
    unmatched: int = 0
    rejected: int = 0
    ignored: int = 0
    before_since: int = 0
    ignored_reasons: Counter = field(default_factory=Counter)
    not_recorded_kinds: Counter = field(default_factory=Counter)


@dataclass
class Problem:
    """An unmatched event or a rejected line, for the Email Sync sheet and the terminal."""

    kind: str  # "Unmatched" or "Rejected"
    source: str
    where: str
    detail: str
    time: dt.datetime | None = None
    event: str | None = None
    address: str | None = None
    subject: str | None = None
    message_id: str | None = None


@dataclass
class _SentRow:
    time: dt.datetime | None
    rfc: str | None
    subject: str | None


def subject_key(text: str | None) -> str | None:
    if not text:
        return None
    folded = re.sub(r"^((re|fw|fwd|aw|wg)\s*:\s*)+", "", " ".join(text.split()).casefold())
    return folded or None


def note_subject(note: object) -> str | None:
    text = key_text(note)
    if not text or not text.startswith("Subject: "):
        return None
    return text[len("Subject: "):].split(" · ", 1)[0]


def activity_id(lead: str, group: str, message_key: str) -> str:
    digest = hashlib.sha1(f"{lead}|{group}|{message_key}".encode("utf-8", "surrogatepass")).hexdigest()
    return ID_PREFIX + digest[:16].upper()


class Ledger:
    """What the Activity sheet already holds that the sync must not repeat."""

    def __init__(self, activity: SheetData | None, known: KnownMessages, zone: ZoneInfo) -> None:
        self.ids: set[str] = set()
        self.sent: dict[str, list[_SentRow]] = {}
        self.rows: pd.DataFrame = pd.DataFrame(columns=["Lead ID", "Step", "Direction", "Outcome", "Timestamp"])
        if activity is None or not activity.headers or activity.rows.empty:
            return
        raw = activity.canonical(schema.ACTIVITY_COLUMNS)
        self.ids = {k for k in map(key_text, raw["Activity ID"]) if k}
        self.rows = raw[["Lead ID", "Step", "Direction", "Outcome", "Timestamp"]].copy()
        self.rows["Lead ID"] = [key_text(v) for v in raw["Lead ID"]]
        emailed = raw[raw["Channel"].map(lambda v: str(v).strip().casefold() == "email" if v else False)]
        for lead, step, outcome, ref, note, stamp in zip(emailed["Lead ID"], emailed["Step"], emailed["Outcome"],
                                                         emailed["Ref"], emailed["Note"], emailed["Timestamp"]):
            lead = key_text(lead)
            if lead is None:
                continue
            ref_text = key_text(ref) or ""
            rfc = ev.clean_message_id(ref_text) if ref_text.startswith("<") else None
            if str(outcome).strip() == "Sent":
                known.add(rfc, lead, key_text(step))
                when = stamp.replace(tzinfo=zone) if isinstance(stamp, dt.datetime) else None
                self.sent.setdefault(lead, []).append(_SentRow(when, rfc, subject_key(note_subject(note))))

    def is_copy(self, lead: str, when: dt.datetime | None, time_known: bool, rfc: str | None,
                subject: str | None) -> bool:
        """A sent message another source already recorded without a shared Message-ID."""
        for row in self.sent.get(lead, ()):
            if rfc and row.rfc:
                continue  # both have Message-IDs and the ids differ (equal ids already share an Activity ID)
            compatible = subject is None or row.subject is None or subject == row.subject
            if not time_known or row.time is None:
                if subject is not None and subject == row.subject:
                    return True
                continue
            if compatible and when is not None and abs(when - row.time) <= SAME_MESSAGE_WINDOW:
                return True
        return False


class Sync:
    """Feed it events (any order, any sources); `rows` are the Activity rows to append."""

    def __init__(self, leads: LeadIndex, known: KnownMessages, ledger: Ledger, zone: ZoneInfo,
                 since: dt.date | None) -> None:
        self.leads = leads
        self.known = known
        self.ledger = ledger
        self.zone = zone
        self.since = dt.datetime.combine(since, dt.time(0), tzinfo=zone) if since else None
        self.counts = Counts()
        self.by_source: dict[str, Counts] = {}
        self.rows: list[dict[str, object]] = []
        self.problems: list[Problem] = []
        self.inbound: list[tuple[EmailEvent, str]] = []
        self._created: set[str] = set()

    # --- intake -----------------------------------------------------------------------------------
    def add(self, item: EmailEvent | Rejected | Ignored, source_label: str) -> None:
        counts = self.by_source.setdefault(source_label, Counts())
        if isinstance(item, Rejected):
            self._count(counts, "rejected")
            self.problems.append(Problem("Rejected", source_label, item.where, item.message))
            return
        if isinstance(item, Ignored):
            self._count(counts, "ignored")
            self.counts.ignored_reasons[item.reason] += 1
            return
        self._count(counts, "read")
        if self.since is not None and item.time_known and item.time is not None and item.time < self.since:
            self._count(counts, "before_since")
            return
        if item.kind == ev.INBOUND:
            self.inbound.append((item, source_label))  # decided at the end, once every source has named our messages
            return
        self._handle(item, source_label, counts)

    def finish(self, plan: Plan) -> None:
        for item, label in self.inbound:
            counts = self.by_source.setdefault(label, Counts())
            leads, _, step = match(item, self.leads, self.known)
            if not leads:
                self._count(counts, "ignored")
                self.counts.ignored_reasons["received mail not from a lead"] += 1
                continue
            if item.opt_out or subject_asks(item.subject):
                self._count(counts, "matched")
                self._record(item._replace(kind=ev.UNSUBSCRIBE, detail="asked by email to be removed"), leads,
                             step, counts)
            else:
                self._handle(item._replace(kind=ev.REPLY), label, counts, leads=leads)
        self.inbound = []
        infer_steps(self.rows, self.ledger, plan)

    # --- one event --------------------------------------------------------------------------------
    def _handle(self, event: EmailEvent, label: str, counts: Counts, leads: list[str] | None = None) -> None:
        step = None
        if leads is None:
            leads, _, step = match(event, self.leads, self.known)
        if not leads:
            if event.kind == ev.DRAFT:
                self._count(counts, "not_recorded")
                return
            self._count(counts, "unmatched")
            self.problems.append(Problem(
                "Unmatched", label, event.where, "no lead has this address or id", event.time, event.kind,
                event.address, event.subject, event.message_id or event.provider_id))
            return
        self._count(counts, "matched")
        if event.kind in (ev.SENT, ev.DRAFT):
            for lead in leads:
                self.known.add(self.known.rfc_for(event), lead, event.step or step, event.provider_id)
        if event.kind not in EFFECTS:
            self._count(counts, "not_recorded")
            self.counts.not_recorded_kinds[event.kind] += 1
            return
        self._record(event, leads, step, counts)

    def _record(self, event: EmailEvent, leads: list[str], step: str | None, counts: Counts) -> None:
        outcome, direction, group = EFFECTS[event.kind]
        if event.kind == ev.OPEN and event.weak:
            group = "open-weak"
        rfc = self.known.rfc_for(event) if event.kind == ev.SENT else event.message_id
        family = FAMILY.get(event.source, event.source)
        if rfc:
            message_key = "m:" + rfc
        elif event.provider_id:
            message_key = f"p:{family}:{event.provider_id}"
        elif event.event_id:
            message_key = f"e:{family}:{event.event_id}"
        else:
            message_key = f"f:{event.time.isoformat() if event.time else ''}|{event.subject or ''}"
        when = event.time.astimezone(self.zone) if event.time is not None else None
        for lead in leads:
            row_id = activity_id(lead, group, message_key)
            if row_id in self.ledger.ids or row_id in self._created:
                self._count(counts, "duplicate")
                continue
            subject = subject_key(event.subject)
            if event.kind == ev.SENT and self.ledger.is_copy(lead, when, event.time_known, rfc, subject):
                self._count(counts, "duplicate")
                continue
            self._created.add(row_id)
            self._count(counts, "new")
            if event.kind == ev.SENT:
                self.ledger.sent.setdefault(lead, []).append(_SentRow(when, rfc, subject))
            self.rows.append({
                "Activity ID": row_id,
                "Timestamp": when.replace(tzinfo=None, microsecond=0) if when is not None else None,
                "Lead ID": lead, "Step": event.step or step, "Channel": "Email", "Direction": direction,
                "Outcome": outcome, "Note": note_for(event), "Source": SOURCE_PREFIX + event.source,
                "Ref": f"<{rfc}>" if rfc else (event.provider_id or event.event_id), "By": None,
            })

    def _count(self, counts: Counts, name: str) -> None:
        setattr(self.counts, name, getattr(self.counts, name) + 1)
        setattr(counts, name, getattr(counts, name) + 1)


def note_for(event: EmailEvent) -> str:
    extra = [] if event.time_known else ["date unknown (the export has none; the file's date is used)"]
    who = event.address  # named on a closing row: it stays closed if the lead's Email is changed later
    if event.kind == ev.SENT:
        text = f"Subject: {one_line(event.subject, 120)}" if event.subject else "Email sent"
    elif event.kind == ev.BOUNCE:
        text = f"Bounced: {who or 'the address'} does not work" + \
            (f" ({one_line(event.detail, 100)})" if event.detail else "")
    elif event.kind == ev.UNSUBSCRIBE:
        text = f"Unsubscribed: never email {who or 'again'}" + \
            (f" ({event.detail})" if event.detail and "asked" in event.detail else "")
    elif event.kind == ev.COMPLAINT:
        text = f"Marked the email as spam: never email {who or 'again'}"
    elif event.kind == ev.REPLY:
        text = f"Replied: {one_line(event.subject, 120)}" if event.subject else "Replied"
    elif event.kind == ev.OPEN:
        text = "Opened" + (" (probably automatic: a privacy proxy such as Apple Mail Privacy Protection; weak "
                           "signal)" if event.weak else "")
    else:
        text = "Clicked" + (f" {one_line(event.detail, 100)}" if event.detail else "")
    return " · ".join([text] + extra)


def infer_steps(rows: list[dict[str, object]], ledger: Ledger, plan: Plan) -> None:
    """Give each sent row without a step the plan step it most likely did: the earliest step of the sequence not
    done yet that an email can do; after the sequence, re-engagement while paused, else the nurture touch."""
    pending = [r for r in rows if r["Outcome"] == "Sent" and not r["Step"]]
    if not pending:
        return
    leads = {r["Lead ID"] for r in pending}
    done: dict[str, set[str]] = {lead: set() for lead in leads}
    paused: dict[str, dt.datetime] = {}
    history = ledger.rows[ledger.rows["Lead ID"].isin(leads)]
    records = [(r["Lead ID"], key_text(r["Step"]), key_text(r["Direction"]), key_text(r["Outcome"]),
                r["Timestamp"]) for r in history.to_dict("records")]
    records += [(r["Lead ID"], r["Step"], r["Direction"], r["Outcome"], r["Timestamp"]) for r in rows
                if r["Lead ID"] in leads and r["Step"]]
    for lead, step, direction, outcome, stamp in records:
        if outcome in PAUSING and isinstance(stamp, dt.datetime):
            if lead not in paused or stamp > paused[lead]:
                paused[lead] = stamp
        if step and (direction or "").casefold() != "inbound" and outcome not in SIGNALS | NOT_DELIVERED:
            done[lead].add(step)
    email_steps = [s.code for s in plan.sequence if "Email" in s.channels]
    for row in sorted(pending, key=lambda r: (r["Lead ID"], r["Timestamp"] or dt.datetime.min)):
        lead = row["Lead ID"]
        open_steps = [code for code in email_steps if code not in done[lead]]
        if open_steps:
            row["Step"] = open_steps[0]
        elif lead in paused and plan.reengage.code not in done[lead]:
            row["Step"] = plan.reengage.code
        else:
            row["Step"] = plan.nurture.code
        done[lead].add(row["Step"])

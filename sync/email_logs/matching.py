"""Which lead an email event belongs to, in the order DESIGN §9 gives: the lead id the message carries
(X-Lead-Id, ESP custom args or metadata), then our own Message-IDs (a reply's In-Reply-To/References, an ESP's
copy of the id), then the address: lower case, display name and +tag dropped, against each lead's Email and second
address (Email 2 and the vendor spellings of it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from leadtracker import schema
from leadtracker.schema import Column, ValueType
from leadtracker.store import SheetData
from leadtracker.values import text_keys

from .events import EmailEvent, address_key, clean_message_id

# A lead's second address: not a column of the core contract (nothing else uses it), read here by its usual names.
SECOND_EMAIL = Column("Email 2", type=ValueType.EMAIL, aliases=(
    "Email2", "Secondary Email", "Secondary Email1", "Email Address 2", "Alt Email", "Alternate Email",
    "Other Email", "Second Email"))
_SPLIT = re.compile(r"[;,\s]+")

BY_LEAD_ID = "lead id"
BY_MESSAGE_ID = "message id"
BY_REPLY = "in-reply-to"
BY_ADDRESS = "address"


@dataclass
class LeadIndex:
    keys: set[str] = field(default_factory=set)
    by_address: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_sheet(cls, leads: SheetData | None) -> "LeadIndex":
        index = cls()
        if leads is None or not leads.headers or leads.rows.empty:
            return index
        raw = leads.canonical(schema.LEAD_COLUMNS + (SECOND_EMAIL,))
        keys = text_keys(raw["Lead ID"])
        for key, first, second in zip(keys, raw["Email"], raw["Email 2"]):
            if key is None:
                continue
            index.keys.add(key)
            for cell in (first, second):
                if cell is None or (isinstance(cell, float) and cell != cell):
                    continue
                for part in _SPLIT.split(str(cell)):
                    address = address_key(part)
                    if address is not None:
                        owners = index.by_address.setdefault(address, [])
                        if key not in owners:
                            owners.append(key)
        return index


@dataclass
class KnownMessages:
    """Our own messages: Message-ID -> (lead, step), from the tool's log, the ledger's Ref column and messages
    matched earlier in the same sync; and an ESP's own ids -> our Message-ID, from the tool's log."""

    by_message: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    by_provider: dict[str, str] = field(default_factory=dict)

    def add(self, message_id: str | None, lead: str, step: str | None, provider_id: str | None = None) -> None:
        if message_id:
            known = self.by_message.get(message_id)
            if known is None or (known[1] is None and step):
                self.by_message[message_id] = (lead, step)
            if provider_id:
                self.by_provider.setdefault(provider_id, message_id)

    def lookup(self, event: EmailEvent) -> tuple[str, str | None] | None:
        if event.message_id and event.message_id in self.by_message:
            return self.by_message[event.message_id]
        if event.provider_id:
            mapped = self.by_provider.get(event.provider_id)
            if mapped and mapped in self.by_message:
                return self.by_message[mapped]
        return None

    def rfc_for(self, event: EmailEvent) -> str | None:
        if event.message_id:
            return event.message_id
        return self.by_provider.get(event.provider_id) if event.provider_id else None


def match(event: EmailEvent, leads: LeadIndex, known: KnownMessages) -> tuple[list[str], str | None,
                                                                               str | None]:
    """(lead keys, how they were found, the step our records give for the message)."""
    found = known.lookup(event)
    step = found[1] if found else None
    if event.lead_id and event.lead_id in leads.keys:
        return [event.lead_id], BY_LEAD_ID, step
    if found and found[0] in leads.keys:
        return [found[0]], BY_MESSAGE_ID, step
    for ref in event.refs:
        answered = known.by_message.get(clean_message_id(ref) or "")
        if answered and answered[0] in leads.keys:
            return [answered[0]], BY_REPLY, answered[1]
    if event.address and event.address in leads.by_address:
        return list(leads.by_address[event.address]), BY_ADDRESS, step
    return [], None, None

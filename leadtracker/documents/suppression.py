"""Addresses that are never emailed again, whichever lead they sit on.

An opt-out belongs to the address, not to the lead row: CAN-SPAM forbids any further commercial email to a recipient
who asked not to get it (15 U.S.C. 7704(a)(4)), and DESIGN §8 says an opted-out address is never emailed again. Two
lead rows often share one address (the same owners on two properties, a re-imported list), so the run collects,
from the whole workbook: leads marked Do Not Email, and the Activity rows that close an address on the Email channel
(Unsubscribed, which sync-email also writes for a spam complaint; Opted Out, except the record the tool logs for a
ticked box; Bounced). A closing row that sync-email or `emails --send` wrote names its address in its Note, so that
address stays closed after the lead's Email is changed. An address is compared in sync's form
(sync.email_logs.events.address_key: lower case, +tag dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .text import clean

SOURCE_EMAILS = "emails"  # the Source of the Activity rows `emails` writes (sent, bounced)
NAMED = "_named_addresses"  # the parsed ledger's column of addresses a closing row names (named_addresses)
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")

# Activity outcome -> the words for it; a row counts on the Email channel or on no channel (as cadence reads them:
# Unsubscribed and Bounced are email's, an Opted Out with no channel closes every channel).
CLOSING = {"Unsubscribed": "unsubscribed", "Opted Out": "opted out", "Bounced": "bounced"}


@dataclass(frozen=True)
class Closed:
    address: str   # compared form
    lead_id: str   # the lead whose row closed it
    why: str       # "unsubscribed", "opted out", "bounced", "is marked Do Not Email"

    @property
    def reason(self) -> str:
        return f"email not allowed: {self.address} {self.why} on lead {self.lead_id}"


def address_of(value: object) -> str | None:
    from sync.email_logs.events import address_key

    return address_key(clean(value) or None)


def closed_addresses(leads: pd.DataFrame, activity: pd.DataFrame) -> dict[str, Closed]:
    """Compared address -> the first thing that closed it (the lead's Do Not Email flag, then the ledger in time
    order)."""
    out: dict[str, Closed] = {}
    if leads.empty or "Email" not in leads.columns:
        return out
    addresses: dict[object, list[str]] = {}  # the ledger's _key is the Leads sheet's Lead ID value
    for lead_id, email in zip(leads["Lead ID"], leads["Email"]):
        key = address_of(email)
        if key and clean(lead_id):
            addresses.setdefault(lead_id, []).append(key)
    if "Do Not Email" in leads.columns:
        flagged = leads["Do Not Email"].astype(object).fillna(False).astype(bool)
        for lead_id, email in zip(leads.loc[flagged, "Lead ID"], leads.loc[flagged, "Email"]):
            key = address_of(email)
            if key:
                out.setdefault(key, Closed(key, clean(lead_id), "is marked Do Not Email"))
    if not activity.empty:
        outcome = activity["Outcome"]
        on_email = activity["Channel"].eq("Email") | activity["Channel"].isna()  # no channel: every channel
        # an Opted Out row the tool logged for a ticked Do Not Email box is the box's record: the box decides (above)
        box = activity["_flag_record"].fillna(False).astype(bool) if "_flag_record" in activity.columns else False
        rows = activity[outcome.isin(list(CLOSING)) & on_email & ~box].sort_values("_ts", kind="stable")
        named = rows[NAMED] if NAMED in rows.columns else pd.Series((), index=rows.index, dtype=object)
        for key, what, also in zip(rows["_key"], rows["Outcome"], named):
            for address in (*addresses.get(key, ()), *(also if isinstance(also, tuple) else ())):
                out.setdefault(address, Closed(address, clean(key), CLOSING[what]))
    return out


def named_addresses(raw_activity: pd.DataFrame, activity: pd.DataFrame) -> pd.Series:
    """For the ledger's closing rows written by sync-email or `emails --send`, the address their Note names
    ("Unsubscribed: never email x@example.com"), so it stays closed after the lead's Email is changed; aligned with
    `activity` (the parsed ledger, whose index is the sheet's). Notes an agent typed are not read: an address there
    may be one the owner asked to be written to instead."""
    from sync.email_logs.sync import SOURCE_PREFIX

    out = pd.Series(None, index=activity.index, dtype=object)
    rows = activity.index[activity["Outcome"].isin(list(CLOSING))] if len(activity) else activity.index
    for row in rows:
        written_by = clean(raw_activity.at[row, "Source"]) or ""
        if written_by.startswith(SOURCE_PREFIX) or written_by == SOURCE_EMAILS:
            found = tuple(k for k in map(address_of, _ADDRESS.findall(clean(raw_activity.at[row, "Note"]) or ""))
                          if k)
            out[row] = found or None
    return out


def emailed_on(leads: pd.DataFrame, activity: pd.DataFrame, day) -> dict[str, str]:
    """Compared address -> a lead whose email to it went out on `day` (an Email row Sent or Delivered, by this tool,
    sync-email or the quick log).

    One address gets one email a day: two leads on one mailbox (the same owners' second house) would otherwise get
    the second email from a second `emails --send` run the same day, once the first lead's step is done."""
    out: dict[str, str] = {}
    if leads.empty or activity.empty or "Email" not in leads.columns:
        return out
    sent = activity["Outcome"].isin(["Sent", "Delivered"]) & activity["Channel"].eq("Email") \
        & ~activity["_inbound"].fillna(False).astype(bool) & activity["_ts"].dt.date.eq(day)
    senders = set(activity.loc[sent, "_key"].dropna())
    if not senders:
        return out
    mine = leads["Lead ID"].isin(senders).to_numpy(dtype=bool)  # only the senders' addresses are read
    ids, emails = leads["Lead ID"].to_numpy(dtype=object)[mine], leads["Email"].to_numpy(dtype=object)[mine]
    for lead_id, email in zip(ids, emails):
        key = address_of(email)
        if key:
            out.setdefault(key, clean(lead_id))
    return out

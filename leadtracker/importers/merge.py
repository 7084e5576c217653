"""Dedupe and merge: which imported houses are new, and what changes on the leads already in the workbook.

The same lead is the same normalised street address and unit in the same ZIP (without a ZIP on either side: the
same city and state, spelled either way: addresses.place_key). A house already on the sheet:
- gets its blank cells filled from the list;
- gets vendor-owned facts (fields.VENDOR_FACTS) updated when the cell still holds what the last import recorded
  for it, i.e. the agent has not changed it (ledger.py);
- keeps everything else as it is; a vendor value that differs from what the agent typed is noted in Activity.
Every fill and update is one Activity row (Source = import) saying old -> new; a new lead gets one row listing
what the vendor said about it. Pure: tables in, a plan out; no spreadsheet library here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

import pandas as pd

from ..schema import ACTIVITY_COLUMNS, ValueType
from ..store import CellUpdate, key_text
from ..values import parse_column, text_keys
from . import ledger
from .addresses import parse_address, place_key
from .base import IMPORTABLE_NAMES
from .contacts import checked_email, e164
from .fields import NOTED_WHEN_KEPT, VENDOR_FACTS, column_type, comparable, noted_comparable, shown
from .normalize import Prepared

RECORDED = tuple(VENDOR_FACTS) + tuple(sorted(NOTED_WHEN_KEPT - set(VENDOR_FACTS)))  # what a new lead's note lists
NEVER_ON_EXISTING = frozenset({"Received", "Source"})
PHONES = ("Phone", "Phone 2")  # when a lead arrived, and from where, stay as first recorded
TYPED = (ValueType.DATE, ValueType.MONEY, ValueType.NUMBER, ValueType.INTEGER, ValueType.PERCENT)
WRITE_ORDER = tuple(c for c in IMPORTABLE_NAMES)


@dataclass(frozen=True)
class LeadChange:
    lead_id: str
    row: int  # sheet row of the lead
    file_rows: list[int]
    filled: list[str] = field(default_factory=list)  # "Phone: (blank) -> +18135550142"
    updated: list[str] = field(default_factory=list)  # "Sale Date: 2026-12-01 -> 2027-01-15"
    kept: list[str] = field(default_factory=list)  # "Sale Date: kept 2026-12-20 ...; list says 2027-01-15"


@dataclass(frozen=True)
class Plan:
    new_leads: pd.DataFrame  # Lead ID + Leads input columns, cell values
    updates: list[CellUpdate]
    activity: pd.DataFrame  # canonical Activity columns
    changes: list[LeadChange]  # one per matched lead
    messages: list[str]

    @property
    def updated(self) -> list[LeadChange]:
        return [c for c in self.changes if c.filled or c.updated]

    @property
    def unchanged(self) -> list[LeadChange]:
        return [c for c in self.changes if not (c.filled or c.updated)]


def house_number(text: object) -> str | None:
    """The leading digits of an address ("123" of "123B N Main St"); None when it does not start with one."""
    match = _NUMBER.match(str(text))
    return match.group(1).lstrip("0") or "0" if match else None


_NUMBER = re.compile(r"\s*(\d+)")


def existing_keys(leads: pd.DataFrame, wanted: set[tuple[str | None, str]] | None = None
                  ) -> tuple[dict[tuple[str, str], list[int]], dict[tuple[str, str], list[int]]]:
    """Lookups (street key, ZIP) -> sheet rows and (street key, CITY|ST) -> sheet rows for the leads on the sheet.

    `wanted`: the (house number, ZIP or CITY|ST) pairs of the imported houses. The same house has the same number in
    the same place, so a sheet row whose pair is not wanted cannot match and its address is not parsed (parsing is
    the slow part on a big sheet). Rows whose address does not start with a number are always parsed."""
    by_zip: dict[tuple[str, str], list[int]] = {}
    by_place: dict[tuple[str, str], list[int]] = {}
    if leads.empty:
        return by_zip, by_place
    zips = parse_column(ValueType.ZIP, leads["ZIP"], "ZIP").values.tolist()
    states = parse_column(ValueType.STATE, leads["State"], "State").values.tolist()
    cities = leads["City"].tolist()
    for i, (row, raw) in enumerate(zip(leads.index, leads["Property Address"].tolist())):
        if raw is None or (isinstance(raw, float) and raw != raw):
            continue
        if wanted is not None:
            number = house_number(raw)
            place = place_key(cities[i], states[i])
            if number is not None and zips[i] and place and (number, zips[i]) not in wanted and (
                    number, place) not in wanted:
                continue
            if number is not None and zips[i] and not place and (number, zips[i]) not in wanted:
                continue
            if number is not None and not zips[i] and place and (number, place) not in wanted:
                continue
        address = parse_address(" ".join(str(raw).split()))
        if not address.street_key:
            continue
        zip5 = zips[i] or (address.zip[:5] if address.zip else None)
        city = cities[i] if isinstance(cities[i], str) and cities[i].strip() else address.city
        state = states[i] or address.state
        if zip5:
            by_zip.setdefault((address.key, zip5), []).append(row)
        place = place_key(city, state)
        if place:
            by_place.setdefault((address.key, place), []).append(row)
    return by_zip, by_place


def plan_import(leads: pd.DataFrame, lead_ids: pd.Series, activity: pd.DataFrame | None, prepared: Prepared,
                vendor: str, file_name: str, now: dt.datetime) -> Plan:
    """`leads`: the Leads sheet's rows in canonical columns, indexed by sheet row; `lead_ids`: their Lead IDs as
    text (blank ones already assigned); `activity`: the Activity sheet in canonical columns (or None)."""
    wanted: set[tuple[str | None, str]] = set()
    for address, zip5, place in zip(prepared.leads["Property Address"], prepared.leads["_zip5"],
                                    prepared.leads["_place"]):
        number = house_number(address)
        wanted.update((number, locality) for locality in (zip5, place) if locality)
    by_zip, by_place = existing_keys(leads, wanted)
    last = ledger.last_imported(activity, set(RECORDED))
    taken = set(lead_ids.dropna())
    stamp = now.replace(microsecond=0)
    new_rows: list[dict] = []
    updates: list[CellUpdate] = []
    records: list[dict] = []
    changes: list[LeadChange] = []
    messages: list[str] = []
    for record in prepared.leads.to_dict("records"):
        rows = by_zip.get((record["_key"], record["_zip5"])) if record["_zip5"] else None
        if not rows and record["_place"]:
            rows = by_place.get((record["_key"], record["_place"]))
        where = _where(file_name, record["_rows"])
        if rows:
            row = rows[0]
            lead_id = lead_ids.get(row)
            if len(rows) > 1:
                messages.append(f"{_address(record)} is on Leads rows {', '.join(map(str, rows))}; "
                                f"the list was matched to row {row}.")
            change = _merge_one(leads.loc[row], lead_id, row, record, last, where, stamp, updates, records)
            changes.append(change)
            continue
        lead_id = _new_id(record, taken)
        taken.add(lead_id)
        new_rows.append({"Lead ID": lead_id, **{c: record[c] for c in WRITE_ORDER if c in record}})
        facts = {c: shown(c, record[c]) for c in RECORDED if not _blank(record.get(c))}
        records.append(_activity(ledger.activity_id(lead_id, "new"), stamp, lead_id,
                                 ledger.new_lead_note(vendor, where, record["_listed"], facts), where))
    columns = ["Lead ID"] + list(WRITE_ORDER)
    return Plan(pd.DataFrame(new_rows, columns=columns), updates,
                pd.DataFrame(records, columns=[c.name for c in ACTIVITY_COLUMNS]), changes, messages)


def _merge_one(current: pd.Series, lead_id: str | None, row: int, record: dict,
               last: dict[tuple[str, str], str], where: str, stamp: dt.datetime, updates: list[CellUpdate],
               records: list[dict]) -> LeadChange:
    change = LeadChange(lead_id or "", int(row), record["_rows"])
    if lead_id is None:
        return change
    for column in WRITE_ORDER:
        if column in NEVER_ON_EXISTING:
            continue
        value = record.get(column)
        if _blank(value) or not _usable(column, value):
            continue
        raw = current.get(column)
        now_value = comparable(column, raw)
        listed = comparable(column, value)
        if now_value == listed:
            continue
        if column in PHONES and listed in {comparable(c, current.get(c)) for c in PHONES}:
            continue  # the lead has this number already, in the other phone cell
        if now_value is None:
            note = ledger.change_note(column, None, shown(column, value))
            change.filled.append(note)
        else:
            history = last.get((lead_id, column), ledger.Record(None, None))
            untouched = history.written is not None and noted_comparable(column, history.written) == now_value
            if column in VENDOR_FACTS and untouched:
                note = ledger.change_note(column, shown(column, raw), shown(column, value))
                change.updated.append(note)
            else:
                reason = ledger.KEPT_REASONS[2] if untouched else ledger.KEPT_REASONS[0] \
                    if history.written is not None else ledger.KEPT_REASONS[1]
                note = ledger.kept_note(column, shown(column, raw), shown(column, value), reason)
                if column in NOTED_WHEN_KEPT:
                    if history.listed is None or noted_comparable(column, history.listed) != listed:
                        records.append(_activity(ledger.activity_id(lead_id, column, "kept", now_value, listed),
                                                 stamp, lead_id, note, where))
                    change.kept.append(note)
                continue
        updates.append(CellUpdate(lead_id, column, raw, value))
        records.append(_activity(ledger.activity_id(lead_id, column, now_value, listed), stamp, lead_id, note,
                                 where))
    return change


def _usable(column: str, value: object) -> bool:
    """Only values the import could read go into a lead that already exists (never 'week of the 5th')."""
    kind = column_type(column)
    if kind in TYPED:
        return not isinstance(value, str)
    if kind is ValueType.PHONE:
        return e164(str(value))[0] is not None
    if kind is ValueType.EMAIL:
        return checked_email(str(value))[0] is not None
    return True


def _activity(activity_id: str, stamp: dt.datetime, lead_id: str, note: str, ref: str) -> dict:
    return {"Activity ID": activity_id, "Timestamp": stamp, "Lead ID": lead_id, "Step": None, "Channel": None,
            "Direction": None, "Outcome": None, "Note": note, "Source": ledger.SOURCE, "Ref": ref, "By": None}


def _new_id(record: dict, taken: set[str]) -> str:
    seed = f"{record['_key']}@{record['_zip5'] or record['_place']}"
    digest = hashlib.sha1(seed.encode("utf-8")).hexdigest().upper()
    candidate, n = f"LT-{digest[:6]}", 0
    while candidate in taken:
        n += 1
        candidate = f"LT-{digest[:6]}-{n}"
    return candidate


def _where(file_name: str, rows: list[int]) -> str:
    if len(rows) == 1:
        return f"{file_name} row {rows[0]}"
    return f"{file_name} rows {', '.join(map(str, rows))}"


def _address(record: dict) -> str:
    return ", ".join(str(p) for p in (record.get("Property Address"), record.get("City"), record.get("State"))
                     if p)


def _blank(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


def lead_id_text(series: pd.Series) -> pd.Series:
    return text_keys(series)


__all__ = ["Plan", "LeadChange", "plan_import", "existing_keys", "key_text"]

"""From a vendor's raw rows to lead rows ready to write: normal-case names, parsed addresses with a match key,
E.164 phones, checked emails, real dates and amounts; bad rows set aside with their reason; the file's own
duplicates merged.

Every value that can be read is written in its normal form; one that cannot (a Sale Date of 'week of the 5th')
is kept as the vendor wrote it, as text, so the refresh names it in the row's Data Issues; placeholders like 'N/A'
and 'TBD' become blanks. Formula-looking text ('=cmd|...') is never reshaped and is stored as text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ..schema import LEAD_COLUMN_BY_NAME, ValueType
from ..values import PLACEHOLDERS, looks_like_formula, parse_column, show
from .addresses import parse_address, place_key, title_place
from .base import IMPORTABLE_NAMES
from .contacts import pick_email, pick_phones
from .names import MAX_NAME_LENGTH, split_owners

MAX_ADDRESS_LENGTH = 150
MAX_CELL_LENGTH = 32_000  # Excel holds at most 32,767 characters in a cell
PARSED_TYPES = (ValueType.DATE, ValueType.MONEY, ValueType.NUMBER, ValueType.INTEGER, ValueType.PERCENT,
                ValueType.STATE, ValueType.ZIP)
SIGNED = frozenset({"Latitude", "Longitude"})
FLAG_COLUMNS = ("Do Not Text", "Do Not Email", "Do Not Mail")


@dataclass(frozen=True)
class Reject:
    row: int
    reason: str


@dataclass(frozen=True)
class Prepared:
    """Lead rows ready to merge: Leads input columns as cell values, plus `_key` (street + unit), `_zip5`,
    `_place` (addresses.place_key), `_rows` (file rows merged into it), `_listed` (owner and address as the vendor
    wrote them), `_warnings` (notes about values that were not used as given)."""

    leads: pd.DataFrame
    rejects: list[Reject]
    merged_rows: int  # file rows folded into another row for the same house
    merges: list[tuple[int, list[int]]] = field(default_factory=list)  # (first row, the rows merged into it)


def prepare(extracted: pd.DataFrame, source_name: str, now: dt.datetime) -> Prepared:
    rows = extracted.reset_index(drop=True)
    n = len(rows)
    rejects: list[Reject] = []
    reject_reason: list[str | None] = [None] * n
    warnings: list[list[str]] = [[] for _ in range(n)]
    out = pd.DataFrame(index=rows.index)

    # --- property address, its match key, and the place -------------------------------------------------------
    raw_address = rows["Property Address"].tolist()
    parsed = [parse_address(_text(a)) if _text(a) else None for a in raw_address]
    states = parse_column(ValueType.STATE, rows["State"], "State")
    zips = parse_column(ValueType.ZIP, rows["ZIP"], "ZIP")
    city = [title_place(_text(c)) if _text(c) else None for c in rows["City"]]
    state = states.values.tolist()
    zip5 = zips.values.tolist()
    for i, address in enumerate(parsed):
        text = _text(raw_address[i])
        if address is None:
            reject_reason[i] = "no property address"
            continue
        if len(text) > MAX_ADDRESS_LENGTH:
            reject_reason[i] = f"Property Address is {len(text)} characters long; not an address"
            continue
        if looks_like_formula(text) or not address.street_key:
            reject_reason[i] = f"Property Address {show(text)} is not a street address"
            continue
        if not address.has_number:
            reject_reason[i] = f"Property Address {show(text)} has no house number"
            continue
        if city[i] is None and address.city:
            city[i] = title_place(address.city)
        if state[i] is None and address.state:
            state[i] = parse_column(ValueType.STATE, pd.Series([address.state], dtype=object), "State").values[0]
        if zip5[i] is None and address.zip:
            zip5[i] = parse_column(ValueType.ZIP, pd.Series([address.zip], dtype=object), "ZIP").values[0]
        if zip5[i] is not None and (state[i] is None or city[i] is None):
            place = zip_place(zip5[i])
            if place is not None:
                if state[i] is None:
                    state[i] = place[1]
                    warnings[i].append(f"State {place[1]} taken from ZIP {zip5[i]}")
                if city[i] is None:
                    city[i] = place[0]
        if zip5[i] is None and (city[i] is None or state[i] is None):
            reject_reason[i] = f"{show(text)} has no ZIP, nor a city and state, to tell which town it is in"
    for i, issue in enumerate(states.issues):
        if issue and state[i] is None and _text(rows.at[i, "State"]):
            state[i] = _text(rows.at[i, "State"])
            warnings[i].append(issue)
    for i, issue in enumerate(zips.issues):
        if issue and zip5[i] is None and _text(rows.at[i, "ZIP"]):
            warnings[i].append(issue)
    out["Property Address"] = [a.line if a is not None else None for a in parsed]
    out["City"], out["State"], out["ZIP"] = city, state, zip5
    out["_key"] = [a.key if a is not None else None for a in parsed]
    out["_zip5"] = zip5
    out["_place"] = [place_key(c, s) for c, s in zip(city, state)]

    # --- owners -------------------------------------------------------------------------------------------------
    owners, co_owners = [], []
    for i, (raw, ordered, co_raw, co_ordered) in enumerate(zip(rows["_owner_raw"], rows["_owner_ordered"],
                                                               rows["_co_owner_raw"], rows["_co_owner_ordered"])):
        text = _text(raw)
        if text and len(text) > MAX_NAME_LENGTH and reject_reason[i] is None:
            reject_reason[i] = f"Owner name is {len(text)} characters long (at most {MAX_NAME_LENGTH}); not a name"
        split = _owners(text, bool(ordered))
        co_text = _text(co_raw)
        co = _owners(co_text, bool(co_ordered)).owner if co_text else None
        owners.append(split.owner)
        co_owners.append(co or split.co_owner)
    out["Owner Name"], out["Co-Owner Name"] = owners, co_owners
    out["_listed"] = [", ".join(p for p in (_text(o), _text(a)) if p) for o, a in zip(rows["_owner_raw"],
                                                                                      raw_address)]

    # --- phones, emails, do-not-call ---------------------------------------------------------------------------
    phone1, phone2, no_call, email = [], [], [], []
    for i, (phones, emails, blocked) in enumerate(zip(rows["_phones"], rows["_emails"], rows["_no_calls"])):
        picked = pick_phones(phones, bool(blocked))
        phone1.append(picked.phone)
        phone2.append(picked.phone2)
        no_call.append("Yes" if picked.do_not_call else None)
        warnings[i].extend(picked.warnings)
        address, notes = pick_email(emails)
        email.append(address)
        warnings[i].extend(notes)
    out["Phone"], out["Phone 2"], out["Email"], out["Do Not Call"] = phone1, phone2, email, no_call

    # --- every other column, parsed as the refresh parses it ---------------------------------------------------
    for name in sorted(IMPORTABLE_NAMES - set(out.columns)):
        column = LEAD_COLUMN_BY_NAME[name]
        out[name] = _typed(rows[name], column.type, name, warnings)
    for name in ("Mailing City", "County"):
        out[name] = [title_place(v) for v in out[name]]
    out["Mailing Address"] = [parse_address(v).line if isinstance(v, str) and v else v
                              for v in out["Mailing Address"]]
    received = out["Received"]
    out["Received"] = [r if isinstance(r, (dt.datetime, pd.Timestamp)) else now for r in received]
    out["Source"] = [s if s else source_name for s in out["Source"]]
    out["_rows"] = [[int(r)] for r in rows["_row"]]
    out["_warnings"] = warnings
    for i, reason in enumerate(reject_reason):
        if reason:
            rejects.append(Reject(int(rows.at[i, "_row"]), reason))
    good = out[[r is None for r in reject_reason]]
    merged, merges = _merge_duplicates(good)
    return Prepared(merged.reset_index(drop=True), rejects, len(good) - len(merged), merges)


@lru_cache(maxsize=50_000)
def _owners(text: str | None, ordered: bool):
    return split_owners(text, first_name_first=ordered)


def _typed(raw: pd.Series, kind: ValueType, label: str, warnings: list[list[str]]) -> list[object]:
    """Cell values for one column: parsed where readable; unreadable text kept as written, placeholders blank."""
    if raw.isna().all():
        return [None] * len(raw)
    if kind is ValueType.FLAG:
        return ["Yes" if _yes(v) else None for v in raw]
    if kind not in PARSED_TYPES:
        return [_clip(_text(v)) if _text(v) else None for v in raw]
    options = {"allow_negative": True} if label in SIGNED else {}
    result = parse_column(kind, raw, label, **options)
    values = result.values.astype(object).where(result.values.notna(), None).tolist()
    for i, (value, issue) in enumerate(zip(values, result.issues)):
        if value is None and issue:
            text = _text(raw.iloc[i])
            if text and text.casefold() not in PLACEHOLDERS:
                values[i] = _clip(text)
                warnings[i].append(issue)
        elif isinstance(value, pd.Timestamp):
            values[i] = value.to_pydatetime()
    return values


def _merge_duplicates(leads: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, list[int]]]]:
    """Rows of the file for the same house become one: the first row, its blanks filled from the later ones, phones
    gathered, a different owner on a later row becoming the co-owner."""
    if leads.empty:
        return leads, []
    locality = leads["_zip5"].where(leads["_zip5"].notna(), leads["_place"])
    group = leads["_key"] + "@" + locality.astype(str)
    repeated = group.duplicated(keep=False)
    if not repeated.any():
        return leads, []
    keep = pd.Series(True, index=leads.index)
    replacements: dict[object, pd.Series] = {}
    merges = []
    for _, members in leads[repeated].groupby(group[repeated], sort=False):  # only the houses listed twice
        first = members.iloc[0].copy()
        keep[members.index[1:]] = False
        if len(members) > 1:
            for _, other in members.iloc[1:].iterrows():
                for column in leads.columns:
                    if column.startswith("_") or column in ("Phone", "Phone 2", "Co-Owner Name"):
                        continue
                    if _empty(first[column]) and not _empty(other[column]):
                        first[column] = other[column]
                phones = [p for p in (first["Phone"], first["Phone 2"], other["Phone"], other["Phone 2"])
                          if not _empty(p)]
                dialable = [p for p in phones if str(p).startswith("+")]  # E.164: read as a valid number
                distinct = list(dict.fromkeys(dialable or phones))
                first["Phone"] = distinct[0] if distinct else None
                first["Phone 2"] = distinct[1] if len(distinct) > 1 else None
                if _empty(first["Co-Owner Name"]):
                    other_owner = other["Co-Owner Name"] if other["Owner Name"] == first["Owner Name"] \
                        else other["Owner Name"]
                    first["Co-Owner Name"] = None if _empty(other_owner) else other_owner
                first["_rows"] = first["_rows"] + other["_rows"]
                first["_warnings"] = first["_warnings"] + other["_warnings"]
            merges.append((first["_rows"][0], first["_rows"][1:]))
        replacements[members.index[0]] = first
    merged = leads[keep].copy()
    for index, row in replacements.items():
        for column in merged.columns:
            merged.at[index, column] = row[column]
    return merged.reset_index(drop=True), merges


_ZIP_PLACES: dict[str, tuple[str, str]] | None = None


def zip_place(zip5: str) -> tuple[str, str] | None:
    """(city, state) of a US ZIP code, from the `zipcodes` package's bundled data (no network)."""
    global _ZIP_PLACES
    if _ZIP_PLACES is None:
        try:
            import zipcodes
        except ImportError:  # pragma: no cover - a dependency
            _ZIP_PLACES = {}
        else:
            _ZIP_PLACES = {z["zip_code"]: (z["city"], z["state"]) for z in zipcodes.list_all()}
    return _ZIP_PLACES.get(str(zip5)[:5])


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return " ".join(str(value).split())


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CELL_LENGTH else text[:MAX_CELL_LENGTH]


def _yes(value: object) -> bool:
    from .base import _yes as yes

    return yes(value)


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()

"""A vendor importer is data: how to recognise the vendor's file, and which of its columns feed which Leads column.

`Importer.identify(headers)` says whether a file's header row is this vendor's; `Importer.extract(table)` turns
the file's rows into Leads input columns (raw values, as the vendor wrote them) plus the phones, emails and owner
name parts that need more than one column. Normalisation and merging happen later, the same for every vendor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd

from ..schema import LEAD_COLUMNS, Kind, map_headers, normalize_header
from .reading import RawTable

# A source is a header, or a tuple of headers whose non-blank values are joined with a space ("houseNumber" +
# "street" -> "12 Oak St").
Source = str | tuple[str, ...]

IMPORTABLE = tuple(c for c in LEAD_COLUMNS if c.kind is Kind.INPUT and c.name not in ("Lead ID",))
IMPORTABLE_NAMES = frozenset(c.name for c in IMPORTABLE)
# Filled from the dedicated phone/email/owner logic, never straight from a header alias of a vendor file.
SPECIAL = frozenset({"Phone", "Phone 2", "Email", "Owner Name", "Co-Owner Name", "Do Not Call"})


@dataclass(frozen=True)
class Importer:
    name: str
    source: str  # where the column names come from (vendor document, sample file, or the generic aliases)
    identify_all: tuple[str, ...] = ()  # every one of these headers must be present
    identify_any: tuple[str, ...] = ()  # and at least one of these (when given)
    identify_prefix: str = ""  # or a header starting with this text
    columns: Mapping[str, tuple[Source, ...]] = field(default_factory=dict)  # first non-blank source wins
    units: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # address column -> unit number headers
    owner: tuple[Source, ...] = ()  # one cell with the owner(s) as the vendor writes them ("SMITH JOHN & MARY")
    owner_parts: tuple[tuple[str, str], ...] = ()  # (first name, last name) headers: the order is known
    co_owner: tuple[Source, ...] = ()
    co_owner_parts: tuple[tuple[str, str], ...] = ()
    phones: tuple[tuple[str, str | None], ...] = ()  # (number header, that number's do-not-call header)
    emails: tuple[str, ...] = ()
    do_not_call: tuple[str, ...] = ()  # yes/no headers that close calls to the lead (a litigator flag)
    use_aliases: bool = True  # other Leads columns found by the schema's header aliases
    prefer_aliases: bool = False  # aliases before the declared columns (a file that echoes its input columns)

    def identify(self, headers: tuple[str, ...]) -> bool:
        folded = {normalize_header(h) for h in headers}
        if self.identify_prefix:
            prefix = normalize_header(self.identify_prefix)
            if any(f.startswith(prefix) for f in folded):
                return True
        if not self.identify_all and not self.identify_any:
            return False
        if not all(normalize_header(h) in folded for h in self.identify_all):
            return False
        return not self.identify_any or any(normalize_header(h) in folded for h in self.identify_any)

    def known_headers(self) -> set[str]:
        """Every header this importer reads, folded."""
        names: set[str] = set()
        for sources in list(self.columns.values()) + [self.owner, self.co_owner]:
            for source in sources:
                names.update(normalize_header(h) for h in ((source,) if isinstance(source, str) else source))
        for pair in self.owner_parts + self.co_owner_parts:
            names.update(normalize_header(h) for h in pair)
        for units in self.units.values():
            names.update(normalize_header(h) for h in units)
        for number, dnc in self.phones:
            names.add(normalize_header(number))
            if dnc:
                names.add(normalize_header(dnc))
        names.update(normalize_header(h) for h in self.emails + self.do_not_call)
        names.discard("")
        return names

    def extract(self, table: RawTable) -> pd.DataFrame:
        """One row per file row: Leads input columns as raw values, plus `_owner_raw`, `_owner_ordered`,
        `_co_owner_raw`, `_co_owner_ordered`, `_phones` [(raw, do-not-call)], `_emails`, `_no_calls`, `_row`."""
        position = {}
        for i, header in enumerate(table.headers):
            position.setdefault(normalize_header(header), i)
        frame = pd.DataFrame(table.rows, columns=range(len(table.headers)), dtype=object) if table.rows else \
            pd.DataFrame(columns=range(len(table.headers)), dtype=object)
        index = pd.RangeIndex(len(frame))

        def column(header: str) -> pd.Series | None:
            i = position.get(normalize_header(header))
            if i is None:
                return None
            return frame[i]

        def pick(sources: tuple[Source, ...]) -> pd.Series:
            out = pd.Series([None] * len(frame), index=index, dtype=object)
            for source in sources:
                values = _joined([column(h) for h in source]) if isinstance(source, tuple) else column(source)
                if values is None:
                    continue
                fill = out.isna() & values.notna()
                out[fill] = values[fill]
            return out

        out = pd.DataFrame(index=index)
        aliased = self._aliased(table.headers) if self.use_aliases else {}
        for name in sorted(IMPORTABLE_NAMES - SPECIAL):
            declared = tuple(self.columns.get(name, ()))
            by_alias = aliased.get(name, ())
            out[name] = pick(by_alias + declared if self.prefer_aliases else declared + by_alias)
        for name, unit_headers in self.units.items():
            out[name] = _with_unit(out[name], pick(tuple(unit_headers)))
        owner_cell = pick(self.owner + tuple(aliased.get("_owner", ())))
        co_cell = pick(self.co_owner + tuple(aliased.get("_co_owner", ())))
        owner_parts = _parts(self.owner_parts, column, index)
        co_parts = _parts(self.co_owner_parts, column, index)
        for name, cell, parts in (("_owner", owner_cell, owner_parts), ("_co_owner", co_cell, co_parts)):
            if self.prefer_aliases:  # the file's own columns first, the echoed input columns after
                out[f"{name}_raw"] = cell.where(cell.notna(), parts)
                out[f"{name}_ordered"] = cell.isna() & parts.notna()
            else:  # first and last name columns first: their order is known
                out[f"{name}_raw"] = parts.where(parts.notna(), cell)
                out[f"{name}_ordered"] = parts.notna()
        phone_sources = list(self.phones) + [(h, None) for h in aliased.get("_phones", ())]
        phone_lists = [(n.tolist(), [_yes(v) for v in d] if d is not None else None)
                       for n, d in ((column(n), column(d) if d else None) for n, d in phone_sources) if n is not None]
        out["_phones"] = [[(numbers[i], flags[i] if flags is not None else False) for numbers, flags in phone_lists
                           if numbers[i] is not None] for i in range(len(frame))]
        email_lists = [c.tolist() for c in (column(h) for h in self.emails + aliased.get("_emails", ()))
                       if c is not None]
        out["_emails"] = [[c[i] for c in email_lists if c[i] is not None] for i in range(len(frame))]
        flag_lists = [[_yes(v) for v in c] for c in (column(h) for h in self.do_not_call + aliased.get("_no_calls", ()))
                      if c is not None]
        out["_no_calls"] = [any(c[i] for c in flag_lists) for i in range(len(frame))]
        out["_row"] = table.row_numbers
        return out

    def _aliased(self, headers: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """Headers the schema's aliases recognise among those this importer does not declare: Leads column ->
        headers (several for phones), plus `_owner`, `_co_owner`, `_phones`, `_emails`, `_no_calls`."""
        header_map = map_headers(list(headers), LEAD_COLUMNS)
        taken = self.known_headers()
        special = {"Owner Name": "_owner", "Co-Owner Name": "_co_owner", "Phone": "_phones", "Phone 2": "_phones",
                   "Email": "_emails", "Do Not Call": "_no_calls"}
        found: dict[str, tuple[str, ...]] = {}
        for name, position in sorted(header_map.positions.items(), key=lambda item: item[1]):
            header = headers[position]
            if normalize_header(header) in taken or name not in IMPORTABLE_NAMES | set(special):
                continue
            key = special.get(name, name)
            found[key] = found.get(key, ()) + (header,)
        return found


def _joined(parts: list[pd.Series | None]) -> pd.Series | None:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    text = [p.map(lambda v: "" if v is None else str(v).strip()) for p in parts]
    out = text[0]
    for piece in text[1:]:
        out = (out + " " + piece).str.strip()
    return out.where(out.ne(""), None).astype(object)


def _with_unit(address: pd.Series, unit: pd.Series) -> pd.Series:
    """"12 Oak St" + "4B" -> "12 Oak St #4B"; a unit with its own word ("Apt 4") is appended as written."""
    def combine(street: object, number: object) -> object:
        if number is None or street is None:
            return street
        text = str(number).strip()
        words = text.split()
        if not words or text.upper() in str(street).upper().split() or f"#{text}".upper() in str(street).upper():
            return street
        spelled = text.startswith("#") or (len(words) > 1 and words[0].isalpha())  # "#4", "Apt 4", "Unit B"
        return f"{street} {text}" if spelled else f"{street} #{text}"
    return pd.Series([combine(s, u) for s, u in zip(address, unit)], index=address.index, dtype=object)


def _parts(pairs: tuple[tuple[str, str], ...], column, index: pd.Index) -> pd.Series:
    """"First Last" from (first name, last name) header pairs, the first pair with a value winning."""
    result = pd.Series([None] * len(index), index=index, dtype=object)
    for first, last in pairs:
        joined = _joined([column(first), column(last)])
        if joined is not None:
            result = result.where(result.notna(), joined)
    return result


YES = frozenset({"y", "yes", "true", "1", "x", "dnc", "t", "litigator", "on"})


def _yes(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value == 1
    return str(value).strip().casefold() in YES

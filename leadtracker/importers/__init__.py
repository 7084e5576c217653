"""Vendor lead lists -> Leads rows: small declarative importers in a plain registry.

    reading.py    bytes -> header row and data rows (encodings, delimiters, junk lines)
    base.py       the Importer declaration: identify + extract (a column map)
    vendors.py    PropStream, PropertyRadar, BatchLeads/BatchData, DealMachine, LeadList.Pro-style, Generic
    names.py, addresses.py, contacts.py, normalize.py   owner names, addresses and match keys, phones and emails
    fields.py, ledger.py, merge.py    who owns which column, the Activity records, dedupe and merge
    command.py    run_import: a file and a store in, a report out

A file is claimed by the one vendor importer that recognises its headers (two claiming it is an error; --vendor
settles it); a file no vendor claims is read by the generic importer when the schema's aliases find an address.
"""

from __future__ import annotations

from ..errors import UsageError
from ..schema import LEAD_COLUMNS, alias_index, normalize_header
from .base import Importer
from .vendors import ALL, GENERIC, VENDORS

_KNOWN: set[str] | None = None


def known_header_count(row: list[object]) -> int:
    """How many cells of a row are column names some importer (or the schema's aliases) knows."""
    global _KNOWN
    if _KNOWN is None:
        _KNOWN = set(alias_index(LEAD_COLUMNS))
        for importer in ALL:
            _KNOWN |= importer.known_headers()
    return sum(1 for cell in row if isinstance(cell, str) and normalize_header(cell) in _KNOWN)


def importer_named(name: str) -> Importer:
    """The importer for a --vendor name, matched loosely ("propstream", "BatchLeads", "batchdata", "leadlist")."""
    wanted = normalize_header(name)
    for importer in ALL:
        names = {normalize_header(part) for part in importer.name.replace("-style", "").split("/")}
        names.add(normalize_header(importer.name))
        if wanted in names or any(n.startswith(wanted) for n in names if len(wanted) >= 4):
            return importer
    choices = ", ".join(i.name for i in ALL)
    raise UsageError(f"--vendor {name!r} is not one I know; use one of: {choices}.")


def choose_importer(headers: tuple[str, ...], file_name: str = "the file") -> Importer:
    claims = [importer for importer in VENDORS if importer.identify(headers)]
    if len(claims) > 1:
        names = " and ".join(i.name for i in claims)
        options = " or ".join(f"--vendor {i.name.split('/')[0].replace('-style', '')}" for i in claims)
        raise UsageError(f"{file_name}: the {names} importers both recognise these columns; say which it is "
                         f"with {options}.")
    if claims:
        return claims[0]
    positions = _generic_positions(headers)
    if "Property Address" not in positions:
        raise UsageError(f"{file_name}: I do not recognise these columns as a lead list (no property address "
                         "column such as 'Property Address', 'Address' or 'Site Address'). Rename the address "
                         "column, or say which vendor it is with --vendor.")
    return GENERIC


def _generic_positions(headers: tuple[str, ...]) -> dict[str, int]:
    from ..schema import map_headers

    return dict(map_headers(list(headers), LEAD_COLUMNS).positions)


__all__ = ["Importer", "ALL", "VENDORS", "GENERIC", "choose_importer", "importer_named", "known_header_count"]

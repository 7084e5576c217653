"""What the import writes into the Activity ledger, and how it reads it back.

How the import knows what the agent typed: every value an import puts into a vendor-owned cell (Sale Date, Loan
Balance, Notice Date, ...) is recorded in an Activity row (Source = import) of that lead: the new lead's row lists
them ("Facts: Sale Date = 2026-12-01; Loan Balance = $245,000"), and each later change says old -> new. On the next
import, a vendor-owned cell that still holds the last value an import recorded for it was not touched by the agent,
so the vendor's newer value may replace it. A cell that holds anything else was typed or corrected by hand and is
never overwritten: the import records "kept ..., list says ..." instead. A lead typed by hand has no such record,
so none of its values is ever overwritten; blanks are filled either way.

Notes are plain sentences the agent can read in the Activity sheet; the parts the import reads back are:
    New lead from PropStream (week12.csv row 14). As listed: SMITH JOHN & MARY. Facts: Sale Date = 2026-12-01; ...
    Sale Date: 2026-12-01 -> 2027-01-15          (a vendor update, or "(blank) -> ..." for a filled blank)
    Sale Date: kept 2026-12-20 (changed by hand); list says 2027-01-15
The reason in a "kept" note is "changed by hand" (the cell differs from what an import wrote), "not set by an
import" (no import ever wrote it: a lead typed by hand), or "only blanks are filled" (owners, phones, emails and
the mailing address are filled, never replaced). A "kept" note records what the list said, so it is not repeated,
but not as a value written into the cell.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pandas as pd

SOURCE = "import"
BLANK = "(blank)"
_CHANGE = re.compile(r"^(?P<column>[^:]+): (?P<old>.*) -> (?P<new>.*)$")
KEPT_REASONS = ("changed by hand", "not set by an import", "only blanks are filled")
_KEPT = re.compile(r"^(?P<column>[^:]+): kept (?P<kept>.*) \((?:" + "|".join(KEPT_REASONS)
                   + r")\); list says (?P<new>.*)$")
_FACTS = re.compile(r"Facts: (?P<facts>.*)$")


def clean(text: object) -> str:
    """A value as it may appear in a note: one line, none of the separators the notes use."""
    value = " ".join(str(text).split())
    return value.replace("->", "-").replace(";", ",").replace(" = ", " ").replace("Facts:", "Facts")


def new_lead_note(vendor: str, where: str, listed: str, facts: dict[str, str]) -> str:
    note = f"New lead from {vendor} ({where})."
    if listed:
        note += f" As listed: {clean(listed)}."
    if facts:
        note += " Facts: " + "; ".join(f"{column} = {clean(value)}" for column, value in facts.items())
    return note


def change_note(column: str, old: str | None, new: str) -> str:
    return f"{column}: {clean(old) if old else BLANK} -> {clean(new)}"


def kept_note(column: str, kept: str, listed: str, reason: str = KEPT_REASONS[0]) -> str:
    return f"{column}: kept {clean(kept)} ({reason}); list says {clean(listed)}"


@dataclass(frozen=True)
class Record:
    written: str | None  # the last value an import wrote into the cell, as the note says it
    listed: str | None  # the last value a list gave for it (written or not)


def last_imported(activity: pd.DataFrame | None, columns: set[str]) -> dict[tuple[str, str], Record]:
    """(Lead ID, column) -> what the import notes recorded for it, oldest first so the latest wins. `activity` has
    canonical Activity columns."""
    if activity is None or activity.empty:
        return {}
    source = activity["Source"].astype(str).str.strip().str.casefold()
    rows = activity[source.eq(SOURCE) & activity["Note"].notna() & activity["Lead ID"].notna()]
    if rows.empty:
        return {}
    stamps = pd.to_datetime(rows["Timestamp"], errors="coerce")
    order = pd.DataFrame({"ts": stamps, "n": range(len(rows))}, index=rows.index).sort_values(["ts", "n"],
                                                                                              na_position="first")
    found: dict[tuple[str, str], Record] = {}
    for index in order.index:
        lead = _key(rows.at[index, "Lead ID"])
        for column, value, written in read_note(str(rows.at[index, "Note"]), columns):
            before = found.get((lead, column), Record(None, None))
            found[(lead, column)] = Record(value if written else before.written, value)
    return found


def read_note(note: str, columns: set[str]) -> list[tuple[str, str, bool]]:
    """(column, value, whether it was written into the cell) for each value one import note records."""
    note = note.strip()
    match = _KEPT.match(note)
    if match and match.group("column") in columns:
        return [(match.group("column"), match.group("new"), False)]
    match = _CHANGE.match(note)
    if match and match.group("column") in columns:
        return [(match.group("column"), match.group("new"), True)]
    match = _FACTS.search(note)
    if not match:
        return []
    pairs = []
    for part in match.group("facts").split("; "):
        column, sep, value = part.partition(" = ")
        if sep and column in columns:
            pairs.append((column, value, True))
    return pairs


def activity_id(*parts: object) -> str:
    """A stable id, so writing the same record twice adds it once."""
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:12].upper()
    return f"IMP-{digest}"


def _key(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()

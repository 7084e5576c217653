"""The audit trail of what the agent knew and when: every Do Not Call check, consent and opt-out as an Activity row.

A Do Not Call check typed in `DNC Checked`, a Do-Not flag ticked on the Leads sheet, and a homeowner's "STOP" in a
logged text reply each become one Activity row (Source "contact-rules") the first time a refresh sees them; so does
the number an opt-out from calls or texts is about, when the opt-out names none (`phone_opt_outs`: the opt-out then
follows that number even after the Lead ID is renamed). Ids are derived from what they record, so a second refresh
adds nothing. Consents are logged by the agent as Text Consent outcomes: those are Activity rows already.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .compliance import DNC_CHECKED, OPTED_OUT, find_opt_outs
from .phone_opt_outs import CALL, PIN_PREFIX, named_phone, pretty
from .store import CellFill

SOURCE = "contact-rules"
FLAG_CHANNELS = {"Do Not Call": "Call", "Do Not Text": "Text", "Do Not Email": "Email", "Do Not Mail": "Letter"}


def ledger_opt_outs(activity: pd.DataFrame, raw_activity: pd.DataFrame | None) -> pd.DataFrame:
    """Opt-out replies in the ledger as read (`activity` keeps the sheet's row numbers as its index), with `number`:
    the ten digits the reply's Ref or Note names ("" when none)."""
    if raw_activity is None or activity.empty:
        return _with_numbers(find_opt_outs(pd.DataFrame()), None)
    inbound = activity["_inbound"] & (activity["Channel"].isna() | activity["Channel"].isin(["Text"]))
    rows = activity[inbound]
    if rows.empty:
        return _with_numbers(find_opt_outs(pd.DataFrame()), None)
    found = find_opt_outs(rows.assign(Note=raw_activity.loc[rows.index, "Note"].to_numpy(),
                                      Ref=raw_activity.loc[rows.index, "Activity ID"].to_numpy()))
    return _with_numbers(found, raw_activity)


def new_row_opt_outs(new_activity: pd.DataFrame) -> pd.DataFrame:
    """Opt-out replies among the rows this refresh logs (quick-log)."""
    if new_activity.empty:
        return _with_numbers(find_opt_outs(pd.DataFrame()), None)
    rows = pd.DataFrame({"_key": new_activity["Lead ID"], "_ts": pd.to_datetime(new_activity["Timestamp"]),
                         "Channel": new_activity["Channel"], "Direction": new_activity["Direction"],
                         "Outcome": new_activity["Outcome"], "Note": new_activity["Note"],
                         "Ref": new_activity["Activity ID"]})
    return _with_numbers(find_opt_outs(rows), new_activity)


def _with_numbers(found: pd.DataFrame, cells: pd.DataFrame | None) -> pd.DataFrame:
    """`found` with `number`, the phone number its row's Ref or Note cell names (`cells`, indexed alike)."""
    if cells is None or found.empty:
        return found.assign(number=pd.Series("", index=found.index, dtype=object))
    return found.assign(number=named_phone(cells.loc[found.index, ["Ref", "Note"]]).to_numpy(dtype=object))


def audit_rows(leads: pd.DataFrame, raw: pd.DataFrame, opt_outs: pd.DataFrame, known_ids: set[str],
               now: dt.datetime, by: str | None, numbers: pd.DataFrame | None = None
               ) -> tuple[pd.DataFrame, list[CellFill]]:
    """Activity rows for checks and opt-outs not yet recorded, and the Do Not Text cells to tick for opt-outs.

    `leads` is parsed (index = sheet row) with `_key`, DNC Checked and the Do-Not flags; `raw` the cells as read;
    `known_ids` the ids of the audit rows already in the ledger; `numbers` the numbers of opt-outs naming none
    (`phone_opt_outs.ClosedNumbers.to_record`). Only rows not yet recorded are built."""
    stamp = now.replace(microsecond=0, tzinfo=None)
    keyed = leads[leads["_key"].notna()]
    chunks: list[pd.DataFrame] = []

    def add(ids, keys, channel, outcome, notes, direction="Outbound", refs=None) -> None:
        new = np.array([activity_id not in known_ids for activity_id in ids], dtype=bool)
        if new.any():
            chunks.append(pd.DataFrame({
                "Activity ID": np.asarray(ids, dtype=object)[new], "Lead ID": np.asarray(keys, dtype=object)[new],
                "Channel": channel, "Direction": direction, "Outcome": outcome,
                "Note": np.asarray(notes, dtype=object)[new],
                "Ref": np.asarray(refs, dtype=object)[new] if refs is not None else None}))

    checked = keyed[keyed["DNC Checked"].notna()]
    if len(checked):
        days = _iso_days(checked["DNC Checked"]).to_numpy(dtype=object)
        keys = checked["_key"].to_numpy(dtype=object)
        marked = checked["Do Not Call"].to_numpy(dtype=bool)
        ids = [f"DNC-{key}-{day.replace('-', '')}" for key, day in zip(keys, days)]
        fresh = np.flatnonzero([activity_id not in known_ids for activity_id in ids])  # usually none
        add([ids[i] for i in fresh], keys[fresh], "Call", DNC_CHECKED,
            [f"Do Not Call lists checked on {days[i]}: "
             + ("the number is marked Do Not Call" if marked[i] else "not marked Do Not Call") for i in fresh])
    replied_stop = set(opt_outs["_key"]) if len(opt_outs) else set()
    for flag, channel in FLAG_CHANNELS.items():
        flagged = keyed["_key"][keyed[flag].to_numpy(dtype=bool)]
        if channel == "Text" and replied_stop:  # ticked because of a STOP reply: that reply is the record
            flagged = flagged[~flagged.isin(replied_stop)]
        add([f"OPT-{key}-{channel}" for key in flagged], flagged, channel, OPTED_OUT,
            [f"{flag} is marked on the Leads sheet"] * len(flagged))
    if len(opt_outs):
        when = pd.to_datetime(opt_outs["_ts"])
        add([f"OPT-{key}-Text-{w:%Y%m%d%H%M%S}" for key, w in zip(opt_outs["_key"], when)], opt_outs["_key"],
            "Text", OPTED_OUT,
            [f"Replied '{word}' by text on {w:%Y-%m-%d %H:%M}: no more texts unless they give consent again"
             for word, w in zip(opt_outs["word"], when)], direction="Inbound", refs=list(opt_outs["ref"]))
    pinned = _number_rows(numbers, stamp, known_ids) if numbers is not None and len(numbers) else None
    if not chunks and (pinned is None or pinned.empty):
        return pd.DataFrame(), []
    rows = pd.concat(chunks, ignore_index=True).drop_duplicates("Activity ID").reset_index(drop=True) \
        if chunks else pd.DataFrame()
    rows = rows.assign(Timestamp=stamp, Step=None, Source=SOURCE, By=by or None)
    if pinned is not None and len(pinned):  # dated as the opt-out they are about
        rows = pd.concat([rows, pinned.assign(Step=None, Source=SOURCE, By=by or None)], ignore_index=True)
    rows["Ref"] = rows["Ref"].astype(object).where(rows["Ref"].notna(), None)
    return rows, _text_fills(leads, raw, rows)


def _number_rows(numbers: pd.DataFrame, stamp: dt.datetime, known_ids: set[str]) -> pd.DataFrame:
    """One row per number an opt-out naming none is about, dated as the opt-out, the number in Ref (those whose id
    is not in `known_ids`)."""
    numbers = numbers.sort_values(["_key", "kind", "_ts", "column"], kind="stable")
    when = [pd.Timestamp(w).to_pydatetime().replace(microsecond=0) for w in numbers["_ts"]]
    seen: dict[tuple, int] = {}
    ids, notes = [], []
    for key, kind, moment, column, number in zip(numbers["_key"], numbers["kind"], when, numbers["column"],
                                                 numbers["number"]):
        event = (key, kind, moment)
        seen[event] = seen.get(event, 0) + 1
        ids.append(f"{PIN_PREFIX}{key}-{kind}-{moment:%Y%m%d%H%M%S}-{seen[event]}")
        what = "calls" if kind == CALL else "texts"
        never = ("not called again, on any lead, nor texted without a new Text Consent" if kind == CALL
                 else "not texted again, on any lead, without a new Text Consent")
        notes.append(f"The opt-out from {what} on {moment:%Y-%m-%d} is about {pretty(number)} (the lead's {column} "
                     f"on {stamp:%Y-%m-%d}): it is {never}, even if this Lead ID changes. If the opt-out was logged "
                     "by mistake, delete this row with it.")
    rows = pd.DataFrame({"Activity ID": ids, "Lead ID": numbers["_key"].to_numpy(dtype=object),
                         "Channel": numbers["kind"].to_numpy(dtype=object), "Direction": None, "Outcome": OPTED_OUT,
                         "Note": notes, "Ref": [pretty(n) for n in numbers["number"]],
                         "Timestamp": pd.to_datetime(pd.Series(when, dtype=object))})
    return rows[~rows["Activity ID"].isin(known_ids)].drop_duplicates("Activity ID")


def known_audit_ids(raw_activity: pd.DataFrame | None) -> set[str]:
    """The ids of the audit rows already written (by Source, so a 500,000-row ledger costs one comparison)."""
    if raw_activity is None or raw_activity.empty:
        return set()
    mine = raw_activity["Source"].isin([SOURCE]).to_numpy(dtype=bool)
    return {str(i).strip() for i in raw_activity["Activity ID"].to_numpy(dtype=object)[mine] if i is not None}


def _iso_days(dates: pd.Series) -> pd.Series:
    """Dates as YYYY-MM-DD text, each distinct date formatted once (a list of 100,000 leads has a few hundred)."""
    codes, uniques = pd.factorize(dates)
    text = np.array([f"{d:%Y-%m-%d}" for d in uniques] + [""], dtype=object)
    return pd.Series(text[np.where(codes < 0, len(uniques), codes)], index=dates.index, dtype=object)


def _text_fills(leads: pd.DataFrame, raw: pd.DataFrame, new_rows: pd.DataFrame) -> list[CellFill]:
    """Tick Do Not Text for a lead whose reply opts out, the first time the reply is seen (an agent who later
    logs a new consent and clears the cell is not overruled)."""
    replies = new_rows[new_rows["Outcome"].eq(OPTED_OUT) & new_rows["Direction"].eq("Inbound")]
    replies = replies[~replies["Activity ID"].astype(str).str.startswith(PIN_PREFIX)]
    if replies.empty:
        return []
    stopped = leads.index[leads["_key"].isin(set(replies["Lead ID"])) & ~leads["Do Not Text"].to_numpy(dtype=bool)]
    return [CellFill(int(row), "Do Not Text", raw.at[row, "Do Not Text"], "Yes") for row in stopped]

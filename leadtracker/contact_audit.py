"""The audit trail of what the agent knew and when: every Do Not Call check, consent and opt-out as an Activity row.

A Do Not Call check typed in `DNC Checked`, a Do-Not flag ticked on the Leads sheet, and a homeowner's "STOP" in a
logged text reply each become one Activity row (Source "contact-rules") the first time a refresh sees them. Ids
are derived from what they record, so a second refresh adds nothing. Consents are logged by the agent as Text
Consent outcomes: those are Activity rows already.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .compliance import DNC_CHECKED, OPTED_OUT, find_opt_outs
from .store import CellFill

SOURCE = "contact-rules"
FLAG_CHANNELS = {"Do Not Call": "Call", "Do Not Text": "Text", "Do Not Email": "Email", "Do Not Mail": "Letter"}


def ledger_opt_outs(activity: pd.DataFrame, raw_activity: pd.DataFrame | None) -> pd.DataFrame:
    """Opt-out replies in the ledger as read (`activity` keeps the sheet's row numbers as its index)."""
    if raw_activity is None or activity.empty:
        return find_opt_outs(pd.DataFrame())
    inbound = activity["_inbound"] & (activity["Channel"].isna() | activity["Channel"].eq("Text"))
    rows = activity[inbound]
    if rows.empty:
        return find_opt_outs(pd.DataFrame())
    return find_opt_outs(rows.assign(Note=raw_activity.loc[rows.index, "Note"].to_numpy(),
                                     Ref=raw_activity.loc[rows.index, "Activity ID"].to_numpy()))


def new_row_opt_outs(new_activity: pd.DataFrame) -> pd.DataFrame:
    """Opt-out replies among the rows this refresh logs (quick-log)."""
    if new_activity.empty:
        return find_opt_outs(pd.DataFrame())
    rows = pd.DataFrame({"_key": new_activity["Lead ID"], "_ts": pd.to_datetime(new_activity["Timestamp"]),
                         "Channel": new_activity["Channel"], "Direction": new_activity["Direction"],
                         "Outcome": new_activity["Outcome"], "Note": new_activity["Note"],
                         "Ref": new_activity["Activity ID"]})
    return find_opt_outs(rows)


def audit_rows(leads: pd.DataFrame, raw: pd.DataFrame, opt_outs: pd.DataFrame, known_ids: set[str],
               now: dt.datetime, by: str | None) -> tuple[pd.DataFrame, list[CellFill]]:
    """Activity rows for checks and opt-outs not yet recorded, and the Do Not Text cells to tick for opt-outs.

    `leads` is parsed (index = sheet row) with `_key`, DNC Checked and the Do-Not flags; `raw` the cells as read;
    `known_ids` the ids of the audit rows already in the ledger. Only rows not yet recorded are built."""
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
    if not chunks:
        return pd.DataFrame(), []
    rows = pd.concat(chunks, ignore_index=True).drop_duplicates("Activity ID").reset_index(drop=True)
    rows = rows.assign(Timestamp=stamp, Step=None, Source=SOURCE, By=by or None)
    rows["Ref"] = rows["Ref"].astype(object).where(rows["Ref"].notna(), None)
    return rows, _text_fills(leads, raw, rows)


def known_audit_ids(raw_activity: pd.DataFrame | None) -> set[str]:
    """The ids of the audit rows already written (by Source, so a 500,000-row ledger costs one comparison)."""
    if raw_activity is None or raw_activity.empty:
        return set()
    mine = raw_activity["Source"].eq(SOURCE).to_numpy(dtype=bool)
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
    if replies.empty:
        return []
    stopped = leads.index[leads["_key"].isin(set(replies["Lead ID"])) & ~leads["Do Not Text"].to_numpy(dtype=bool)]
    return [CellFill(int(row), "Do Not Text", raw.at[row, "Do Not Text"], "Yes") for row in stopped]

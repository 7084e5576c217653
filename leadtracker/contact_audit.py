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


def audit_rows(leads: pd.DataFrame, raw: pd.DataFrame, opt_outs: pd.DataFrame, known_ids: pd.Series,
               now: dt.datetime, by: str | None) -> tuple[pd.DataFrame, list[CellFill]]:
    """Activity rows for checks and opt-outs not yet recorded, and the Do Not Text cells to tick for opt-outs.

    `leads` is parsed (index = sheet row) with `_key`, DNC Checked and the Do-Not flags; `raw` the cells as read;
    `known_ids` the Activity IDs already in the ledger."""
    stamp = now.replace(microsecond=0, tzinfo=None)
    keyed = leads[leads["_key"].notna()]
    frames = []

    checked = keyed[keyed["DNC Checked"].notna()]
    if len(checked):
        day = checked["DNC Checked"].dt.strftime("%Y-%m-%d")
        marked = checked["Do Not Call"].to_numpy(dtype=bool)
        frames.append(pd.DataFrame({
            "Activity ID": "DNC-" + checked["_key"].astype(str) + "-" + day.str.replace("-", "", regex=False),
            "Lead ID": checked["_key"], "Channel": "Call", "Outcome": DNC_CHECKED,
            "Note": "Do Not Call lists checked on " + day + np.where(
                marked, ": the number is marked Do Not Call", ": not marked Do Not Call"),
        }))
    replied_stop = set(opt_outs["_key"]) if len(opt_outs) else set()
    for flag, channel in FLAG_CHANNELS.items():
        flagged = keyed[keyed[flag].to_numpy(dtype=bool)]
        if channel == "Text" and replied_stop:  # ticked because of a STOP reply: that reply is the record
            flagged = flagged[~flagged["_key"].isin(replied_stop)]
        if len(flagged):
            frames.append(pd.DataFrame({
                "Activity ID": "OPT-" + flagged["_key"].astype(str) + "-" + channel, "Lead ID": flagged["_key"],
                "Channel": channel, "Outcome": OPTED_OUT, "Note": f"{flag} is marked on the Leads sheet"}))
    if len(opt_outs):
        when = pd.to_datetime(opt_outs["_ts"])
        frames.append(pd.DataFrame({
            "Activity ID": "OPT-" + opt_outs["_key"].astype(str) + "-Text-" + when.dt.strftime("%Y%m%d%H%M%S"),
            "Lead ID": opt_outs["_key"], "Channel": "Text", "Outcome": OPTED_OUT,
            "Note": ("Replied '" + opt_outs["word"].astype(str) + "' by text on " + when.dt.strftime("%Y-%m-%d %H:%M")
                     + ": no more texts unless they give consent again"),
            "Ref": opt_outs["ref"]}))
    if not frames:
        return pd.DataFrame(), []
    rows = pd.concat(frames, ignore_index=True).drop_duplicates("Activity ID")
    rows = rows[~rows["Activity ID"].isin(known_ids.dropna())]
    if rows.empty:
        return pd.DataFrame(), []
    rows = rows.assign(Timestamp=stamp, Step=None, Direction="Outbound", Source=SOURCE, By=by or None)
    rows.loc[rows["Outcome"].eq(OPTED_OUT) & rows["Activity ID"].str.contains("-Text-"), "Direction"] = "Inbound"
    if "Ref" not in rows:
        rows["Ref"] = None
    rows["Ref"] = rows["Ref"].astype(object).where(rows["Ref"].notna(), None)
    rows = rows.reset_index(drop=True)
    return rows, _text_fills(leads, raw, rows)


def _text_fills(leads: pd.DataFrame, raw: pd.DataFrame, new_rows: pd.DataFrame) -> list[CellFill]:
    """Tick Do Not Text for a lead whose reply opts out, the first time the reply is seen (an agent who later
    logs a new consent and clears the cell is not overruled)."""
    replies = new_rows[new_rows["Outcome"].eq(OPTED_OUT) & new_rows["Direction"].eq("Inbound")]
    if replies.empty:
        return []
    stopped = leads.index[leads["_key"].isin(set(replies["Lead ID"])) & ~leads["Do Not Text"].to_numpy(dtype=bool)]
    return [CellFill(int(row), "Do Not Text", raw.at[row, "Do Not Text"], "Yes") for row in stopped]

"""The Today list: every new lead and every lead whose step is due, ranked, cut at the daily capacity.

Ranking (DESIGN §5): new leads and unanswered replies first (the newest lead on top: speed to lead), then the
nearest sale, the most overdue, engagement, distress score and equity. New leads and replies are never cut.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cadence import PHONE
from .plan import Plan
from .settings import Settings

TODAY_COLUMNS = ("Rank", "Channel", "Lead ID", "Owner Name", "Contact", "Step", "What to do", "Due Date",
                 "Days Overdue", "Days to Sale", "Stage", "Why now", "Allowed", "Text Draft")
CHANNEL_GROUPS = ("Call", "Text", "Email", "Letter", "Meeting")
TIMED = ("Call", "Text")  # channels with calling hours


def rank_today(leads: pd.DataFrame, cadence: pd.DataFrame, today: pd.Timestamp, settings: Settings) -> pd.Series:
    """Priority rank (1 = first) for every lead that is due today or new; NaN for the rest."""
    due = cadence["Due Date"].notna() & (cadence["Due Date"] <= today) & cadence["Next Step"].ne("")
    candidates = due | cadence["_new"]
    frame = pd.DataFrame({
        "top": ~(cadence["_new"] | cadence["_replied"]),
        "fresh": -leads["Received"].fillna(pd.Timestamp("1900-01-01")).astype("int64"),
        "sale": leads["Days to Sale"].where(leads["Days to Sale"] >= 0).fillna(np.inf),
        "overdue": -cadence["Days Overdue"].fillna(0),
        "engaged": ~cadence["_engaged"],
        "distress": -leads["Distress Score"].fillna(0),
        "equity": -leads["_equity"].fillna(-np.inf),
        "sheet_row": leads.index.to_numpy(),
    }, index=leads.index)[candidates]
    frame.loc[frame["top"], "fresh"] = 0  # recency only orders the new leads and replies
    ordered = frame.sort_values(["top", "fresh", "sale", "overdue", "engaged", "distress", "equity", "sheet_row"],
                                kind="stable")
    rank = pd.Series(np.nan, index=leads.index)
    rank[ordered.index] = np.arange(1, len(ordered) + 1)
    return rank


def build_today(leads: pd.DataFrame, cadence: pd.DataFrame, rank: pd.Series, reasons: pd.DataFrame,
                plan: Plan, settings: Settings, today: pd.Timestamp,
                timed_allowed: pd.Series | None = None) -> pd.DataFrame:
    """The Today sheet: the ranked list cut at capacity (never cutting new leads and replies), grouped by channel.

    `timed_allowed` says for each lead when a call or text is allowed today ("Now, until 8 PM ET", "From 9 AM
    CT"); a call or text that is not allowed at any time today is left off (it comes back when its window opens)."""
    listed = rank.dropna().sort_values()
    if timed_allowed is not None:
        first = _first_channel(cadence["Next Channel"].reindex(listed.index))
        closed = np.isin(first, TIMED) & timed_allowed.reindex(listed.index).fillna("").eq("").to_numpy()
        listed = listed[~closed]
    protected = (cadence["_new"] | cadence["_replied"]).reindex(listed.index)
    room = max(settings.daily_capacity - int(protected.sum()), 0)
    others = listed[~protected]
    keep = listed[protected].index.append(others.index[:room])
    rows = leads.loc[keep]
    steps = cadence.loc[keep]
    channel = steps["Next Channel"].fillna("")
    primary = pd.Series(_first_channel(channel), index=channel.index, dtype=object)
    out = pd.DataFrame(index=keep)
    out["Rank"] = rank[keep].astype(int)
    out["Channel"] = channel
    out["Lead ID"] = rows["Lead ID"]
    out["Owner Name"] = rows["Owner Name"]
    out["Contact"] = _contact(rows, primary, reasons[PHONE].reindex(keep) if PHONE in reasons.columns else None)
    out["Step"] = steps["Next Step"]
    purposes = {code: plan.step(code).purpose for code in plan.codes}
    out["What to do"] = steps["Next Step"].map(purposes).fillna("").astype(object)
    out["Due Date"] = steps["Due Date"]
    out["Days Overdue"] = steps["Days Overdue"]
    out["Days to Sale"] = rows["Days to Sale"]
    out["Stage"] = steps["Stage"]
    out["Why now"] = _why(rows, steps)
    out["Allowed"] = _allowed(reasons.loc[keep], primary)
    if timed_allowed is not None:
        timed = primary.isin(TIMED)
        out.loc[timed, "Allowed"] = timed_allowed.reindex(keep)[timed]
    out["Text Draft"] = _text_drafts(rows, steps, primary, settings)
    group = primary.map({c: i for i, c in enumerate(CHANNEL_GROUPS)}).fillna(len(CHANNEL_GROUPS))
    out = out.assign(_group=group).sort_values(["_group", "Rank"], kind="stable").drop(columns="_group")
    return out[list(TODAY_COLUMNS)].reset_index(drop=True)


def _text_drafts(rows: pd.DataFrame, steps: pd.DataFrame, primary: pd.Series, settings: Settings) -> pd.Series:
    """A short text to send for each text due today (a draft: the tool never sends texts)."""
    out = pd.Series("", index=rows.index, dtype=object)
    texts = primary.eq("Text").to_numpy()
    if texts.any():
        from .documents.sms import today_drafts  # the name parser loads only when a text is due

        due = rows[texts]
        out[texts] = today_drafts(list(due["Owner Name"]), list(due["Co-Owner Name"]), list(due["Property Address"]),
                                  list(due["City"]), list(steps.loc[due.index, "Next Step"]), settings.agent_name,
                                  settings.brokerage)
    return out


def _first_channel(channels: pd.Series) -> np.ndarray:
    """"Letter + Email" -> "Letter", each distinct value split once."""
    codes, uniques = pd.factorize(channels.fillna(""))
    firsts = np.array([str(u).split(" + ")[0] for u in uniques] + [""], dtype=object)
    return firsts[np.where(codes < 0, len(uniques), codes)]


def _phones(values: pd.Series) -> pd.Series:
    text = values.fillna("").astype(str)
    us = text.str.match(r"^\+1\d{10}$")
    pretty = "(" + text.str[2:5] + ") " + text.str[5:8] + "-" + text.str[8:]
    return pretty.where(us, text)


def _joined(rows: pd.DataFrame, columns: list[str]) -> pd.Series:
    parts = [rows[c].fillna("").astype(str).str.strip() for c in columns]
    out = parts[0]
    for part in parts[1:]:
        out = out + np.where((out != "") & (part != ""), ", ", "") + part
    return out


def _contact(rows: pd.DataFrame, primary: pd.Series, dial: pd.Series | None = None) -> pd.Series:
    """What to dial, write to or visit. `dial` is the number still open per lead (`cadence.wrong_numbers`: a
    number logged as a Wrong Number is never shown again); without it, Phone, else Phone 2."""
    phone = _phones(rows["Phone"].where(rows["Phone"].notna(), rows["Phone 2"]) if dial is None else dial)
    email = rows["Email"].fillna("").astype(str)
    mailing = _joined(rows, ["Mailing Address", "Mailing City", "Mailing State", "Mailing ZIP"])
    property_address = _joined(rows, ["Property Address", "City", "State", "ZIP"])
    letter = mailing.where(rows["Mailing Address"].notna(), property_address)
    choices = np.select([primary.isin(["Call", "Text"]), primary.eq("Email"), primary.eq("Letter"),
                         primary.eq("Meeting")], [phone, email, letter, property_address], default="")
    return pd.Series(choices, index=rows.index, dtype=object)


def _plural(count: pd.Series, word: str) -> pd.Series:
    whole = count.fillna(0).astype(int)
    return whole.astype(str) + f" {word}" + np.where(whole == 1, "", "s")


def _why(rows: pd.DataFrame, steps: pd.DataFrame) -> pd.Series:
    overdue = steps["Days Overdue"].fillna(0)
    due_text = steps["Due Date"].dt.strftime("%b %d").fillna("")
    reason = np.select(
        [steps["_new"].to_numpy(dtype=bool), steps["_replied"].to_numpy(dtype=bool), (overdue > 0).to_numpy()],
        ["New lead: reach out today", "They replied: answer today",
         (steps["Next Step"] + " was due " + due_text + " (" + _plural(overdue, "day") + " overdue)").to_numpy()],
        default=(steps["Next Step"] + " is due today").to_numpy())
    days = rows["Days to Sale"]
    estimated = rows["_sale_estimated"].fillna(False).astype(bool).to_numpy() if "_sale_estimated" in rows.columns \
        else np.zeros(len(rows), dtype=bool)  # no Sale Date yet: an estimate is never shown as a fact
    counted = _plural(days, "day")
    sale = np.where(days.notna() & (days >= 0),
                    np.where(estimated, "; sale in about " + counted + " (estimated)", "; sale in " + counted), "")
    return pd.Series(reason, index=rows.index, dtype=object) + sale


def _allowed(reasons: pd.DataFrame, primary: pd.Series) -> pd.Series:
    text = {"Call": "Phone on file, not on Do Not Call", "Text": "Phone on file, no text opt-out",
            "Email": "Email on file, not opted out", "Letter": "Address on file, no mail opt-out",
            "Meeting": "Meeting agreed"}
    return primary.map(text).fillna("").astype(object)

"""Phone numbers a homeowner asked not to be called or texted on, whichever lead they sit on.

A request not to be called attaches to the telephone number (47 CFR 64.1200(d)(3)), and so does a revoked consent
to calls and texts (47 CFR 64.1200(a)(10)). The Activity ledger is keyed by Lead ID, though, so a Lead ID renamed by
hand, or the same number on a second lead (another property, a new vendor list), would make the number callable
again. Here the request follows the number, as an email opt-out follows the address (documents/suppression.py).

Which opt-outs: an Opted Out row on Call, on Text or on no channel, and a STOP reply by text. An opt-out from calls
(Call or no channel) closes calls to the number for good and texts to it until the lead logs a Text Consent after it;
an opt-out from texts closes texts only, until such a consent. A ticked Do Not Call box closes calls and texts to its
lead's numbers on every lead holding them, Do Not Text texts, for as long as it is ticked: the box decides, so the
Opted Out row the tool logs for it is the box's record, not the homeowner's request, and is not read here.

Which number an opt-out is about:
- the number its Ref or Note names, read as a Wrong Number row's is (`cadence.named_number`), when it is a US number;
- else its lead's numbers that no Wrong Number closed: those the lead had when a refresh first saw the opt-out, which
  that refresh records in Activity rows of its own (`contact_audit`: Activity ID "NUM-...", the number in Ref, dated
  as the opt-out), and those it has now. The ledger does not say which number was dialled or which one texted STOP;
  the homeowner's request already closes calls on every number of their lead, so every number follows; a wrong
  number is somebody else's, not theirs to opt out. The records keep the number closed after the Lead ID is renamed
  or the row deleted; an opt-out on a Lead ID not on Leads that no record places is named in a message instead.

The lead the opt-out was logged on keeps its own wording ("opted out on ..."); a lead whose number another Lead ID's
opt-out closed says so in Data Issues, and its other numbers stay in use.

Only the few opt-out rows and the leads holding their numbers are looked at; with no opt-out nothing here runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cadence import DIALLABLE, PHONE, named_number, open_numbers
from .values import parse_phones

PIN_PREFIX = "NUM-"  # Activity IDs of the rows that record which number an opt-out is about
TEXT_PHONE = "_text_phone"  # reasons column: the number to text (PHONE is the one to call)
NUMBER_ISSUE = "_number_issue"  # reasons column: a Data Issue naming a number another lead's opt-out closed
CALL, TEXT = "Call", "Text"
PHONE_COLUMNS = ("Phone", "Phone 2")
BOXES = ((CALL, "Do Not Call"), (TEXT, "Do Not Text"))
BOX_TIME = pd.Timestamp("2262-01-01")  # a box has no date; after every consent, so only unticking it reopens
MAX_MESSAGES = 10
_EVENT_COLUMNS = ["number", "kind", "_key", "_ts"]


def _frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "_ts" else object) for c in columns})


@dataclass(frozen=True)
class ClosedNumbers:
    """The numbers opt-outs close. `events`: one row per (opt-out, number) with `number` (+1 and ten digits, as
    `values.parse_phones` writes a lead's phone), `kind` (CALL or TEXT), `_key` (the Lead ID it was logged under) and
    `_ts`. `unplaced`: opt-outs on Lead IDs not on Leads whose number is not known (`_key`, `kind`, `_ts`).
    `to_record`: the numbers of opt-outs naming none that no Activity row records yet (`events` columns plus
    `column`, the lead's column it was read from)."""

    events: pd.DataFrame
    unplaced: pd.DataFrame
    to_record: pd.DataFrame

    def holders(self, leads: pd.DataFrame) -> np.ndarray:
        """Positions of the leads with a closed number."""
        if self.events.empty or leads.empty:
            return np.empty(0, dtype=int)
        numbers = set(self.events["number"])
        held = np.zeros(len(leads), dtype=bool)
        for column in PHONE_COLUMNS:
            held |= leads[column].isin(numbers).to_numpy(dtype=bool)
        return np.flatnonzero(held)


NONE = ClosedNumbers(_frame(_EVENT_COLUMNS), _frame(["_key", "kind", "_ts"]), _frame(_EVENT_COLUMNS + ["column"]))


def _as_numbers(digits: pd.Series) -> pd.Series:
    """Ten digits (or "") as the form a lead's phone is kept in (`values.parse_phones`), None when not a US number
    (an id such as Q-1234567890AB holds ten digits that are no phone number)."""
    if digits.empty:
        return pd.Series([], index=digits.index, dtype=object)
    text = digits.astype(object).where(digits.astype(object).fillna("").ne(""), None)
    return parse_phones(text, "Ref").values


def named_phone(rows: pd.DataFrame) -> pd.Series:
    """The ten digits of the first US number a row's Ref, else its Note, names ("" when none)."""
    out = pd.Series("", index=rows.index, dtype=object)
    for column in ("Ref", "Note"):
        if column in rows.columns:
            digits = named_number(rows[[column]])
            usable = _as_numbers(digits).notna().to_numpy(dtype=bool)
            out = out.where(out.ne("") | ~usable, digits)
    return out


def opt_out_rows(activity: pd.DataFrame) -> pd.DataFrame:
    """The homeowner's Opted Out rows on a phone channel (Call, Text or none), with their kind."""
    rows = activity[activity["Outcome"].isin(["Opted Out"])] if len(activity) else activity
    if rows.empty:
        return rows.assign(kind=pd.Series(dtype=object))
    if "_flag_record" in rows.columns:
        rows = rows[~rows["_flag_record"].fillna(False).astype(bool)]
    channel = rows["Channel"]
    rows = rows[channel.isna() | channel.isin([CALL, TEXT])]
    return rows.assign(kind=np.where(rows["Channel"].eq(TEXT), TEXT, CALL))


def closed_numbers(leads: pd.DataFrame, activity: pd.DataFrame, stop_replies: pd.DataFrame) -> ClosedNumbers:
    """The numbers closed by the ledger's opt-outs and STOP replies (`compliance.find_opt_outs`, with `number`: the
    ten digits the reply names, if any), and by the Do-Not boxes of leads sharing a number with another lead.
    `leads` has `_key`, Phone and Phone 2 (parsed) and the boxes; `activity` the engine's rows, with Note and Ref on
    Opted Out rows and `_number_record` marking the rows that record an opt-out's number (Activity ID "NUM-...")."""
    closed = _ledger_closed(leads, activity, stop_replies)
    boxes = _box_events(leads, activity)
    if boxes.empty:
        return closed
    events = pd.concat([closed.events, boxes], ignore_index=True) if len(closed.events) else boxes
    return ClosedNumbers(events, closed.unplaced, closed.to_record)


def _box_events(leads: pd.DataFrame, activity: pd.DataFrame) -> pd.DataFrame:
    """A ticked Do Not Call or Do Not Text box as events on the lead's numbers (`_ts` BOX_TIME), for the numbers
    another lead row also holds: the same owner's second property must not be called either. The box decides: unticked,
    its events are gone. Its own lead's box is read by the contact rules already, so only shared numbers matter; they
    are found by counting each number's rows once."""
    boxed = {kind: leads[column].fillna(False).astype(bool).to_numpy() for kind, column in BOXES
             if column in leads.columns}
    ticked = np.logical_or.reduce(list(boxed.values())) if boxed else np.zeros(len(leads), dtype=bool)
    if not ticked.any():
        return _frame(_EVENT_COLUMNS)
    both = np.concatenate([leads[column].to_numpy(dtype=object) for column in PHONE_COLUMNS])
    codes, _ = pd.factorize(both)
    rows = np.bincount(codes[codes >= 0]) if (codes >= 0).any() else np.zeros(0, dtype=int)
    shared = np.zeros(len(both), dtype=bool)
    shared[codes >= 0] = rows[codes[codes >= 0]] > 1
    n = len(leads)
    candidates = ticked & (shared[:n] | shared[n:])
    if not candidates.any():
        return _frame(_EVENT_COLUMNS)
    keys = leads["_key"].to_numpy(dtype=object)
    candidates &= pd.notna(keys)
    numbers = _open_numbers_of(leads[candidates], activity)  # a number a Wrong Number closed is not theirs to close
    numbers = numbers[numbers["number"].isin(set(both[shared]))]
    parts = []
    for kind, flags in boxed.items():
        mine = numbers[numbers["_key"].isin(set(keys[flags & candidates]))]
        parts.append(pd.DataFrame({"number": mine["number"], "kind": kind, "_key": mine["_key"], "_ts": BOX_TIME}))
    return pd.concat(parts, ignore_index=True)[_EVENT_COLUMNS].drop_duplicates(ignore_index=True)


def _ledger_closed(leads: pd.DataFrame, activity: pd.DataFrame, stop_replies: pd.DataFrame) -> ClosedNumbers:
    rows = opt_out_rows(activity)
    parts = []
    if len(rows):
        pin = rows["_number_record"].fillna(False).astype(bool) if "_number_record" in rows.columns else False
        parts.append(pd.DataFrame({"_key": rows["_key"], "_ts": rows["_ts"], "kind": rows["kind"],
                                   "digits": named_phone(rows), "pin": pin}))
    if len(stop_replies):
        digits = stop_replies["number"] if "number" in stop_replies.columns else ""
        parts.append(pd.DataFrame({"_key": stop_replies["_key"], "_ts": stop_replies["_ts"], "kind": TEXT,
                                   "digits": digits, "pin": False}))
    if not parts:
        return NONE
    found = pd.concat(parts, ignore_index=True)
    found = found[found["_key"].notna() & found["_ts"].notna()]
    if found.empty:
        return NONE
    found = found.assign(_ts=pd.to_datetime(found["_ts"]), number=_as_numbers(found["digits"]).to_numpy())
    named = found[found["number"].notna()]
    unnamed = found[found["number"].isna()]
    # an opt-out naming no number is about its lead's numbers; the ones already recorded are in `named`
    when = unnamed["_ts"].dt.floor("s")
    recorded = set(zip(named.loc[named["pin"], "_key"], named.loc[named["pin"], "kind"],
                       named.loc[named["pin"], "_ts"].dt.floor("s")))
    done = np.array([event in recorded for event in zip(unnamed["_key"], unnamed["kind"], when)], dtype=bool)
    on_leads = unnamed["_key"].isin(set(leads["_key"].dropna())).to_numpy(dtype=bool) if len(leads) else \
        np.zeros(len(unnamed), dtype=bool)
    held = _lead_numbers(leads, activity, set(unnamed.loc[on_leads, "_key"]))
    current = unnamed[on_leads].drop(columns="number").merge(held, on="_key")
    events = pd.concat([named[_EVENT_COLUMNS], current[_EVENT_COLUMNS]], ignore_index=True)
    fresh = [event not in recorded for event in zip(current["_key"], current["kind"], current["_ts"].dt.floor("s"))]
    to_record = current[np.array(fresh, dtype=bool)] if len(current) else NONE.to_record
    unplaced = unnamed[~on_leads & ~done][["_key", "kind", "_ts"]]
    return ClosedNumbers(events.drop_duplicates(ignore_index=True), unplaced.reset_index(drop=True),
                         to_record[_EVENT_COLUMNS + ["column"]].drop_duplicates(ignore_index=True))


def _lead_numbers(leads: pd.DataFrame, activity: pd.DataFrame, keys: set) -> pd.DataFrame:
    """(`_key`, `number`, `column`) for the numbers of the leads with these keys that no Wrong Number closed."""
    if not keys:
        return _frame(["_key", "number", "column"])
    return _open_numbers_of(leads[leads["_key"].isin(keys)], activity)


def _open_numbers_of(mine: pd.DataFrame, activity: pd.DataFrame) -> pd.DataFrame:
    dial = open_numbers(mine, activity)
    parts = [pd.DataFrame({"_key": mine.loc[open_, "_key"], "number": mine.loc[open_, column], "column": column})
             for column, open_ in zip(PHONE_COLUMNS, dial)]
    return pd.concat(parts, ignore_index=True)


# --- per lead ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberLimits:
    """For the leads holding a closed number (`positions`): the Call and Text reasons when no number is left for
    them ("" when one is), the number to call and the number to text (None when none), and the Data Issue."""

    positions: np.ndarray
    call: np.ndarray
    text: np.ndarray
    phone: np.ndarray
    text_phone: np.ndarray
    issue: np.ndarray


def number_limits(leads: pd.DataFrame, reasons: pd.DataFrame, consent: pd.Series,
                  closed: ClosedNumbers) -> NumberLimits | None:
    """What the closed numbers leave each lead holding one. `reasons` has `DIALLABLE` (numbers no Wrong Number
    closed); `consent` is each lead's latest Text Consent (NaT when none): texts to a number reopen when it is later
    than every opt-out closing texts to it. One small loop over the leads that hold a closed number."""
    positions = closed.holders(leads)
    if not len(positions):
        return None
    by_number: dict[str, list[tuple]] = {}
    for number, kind, key, when in sorted(zip(closed.events["number"], closed.events["kind"], closed.events["_key"],
                                              closed.events["_ts"]), key=lambda e: e[3]):
        by_number.setdefault(number, []).append((when, kind, key))
    phones = [leads[c].to_numpy(dtype=object) for c in PHONE_COLUMNS]
    dial = [reasons[c].to_numpy(dtype=bool) for c in DIALLABLE]
    keys = leads["_key"].to_numpy(dtype=object)
    given = consent.to_numpy(dtype="datetime64[ns]")
    n = len(positions)
    call, text, issue = (np.full(n, "", dtype=object) for _ in range(3))
    phone, text_phone = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    for at, i in enumerate(positions):
        consented = None if np.isnat(given[i]) else pd.Timestamp(given[i])
        notes, call_why, text_why = [], None, None
        for slot, column in enumerate(PHONE_COLUMNS):
            number = phones[slot][i]
            if number is None or (isinstance(number, float) and np.isnan(number)):
                continue
            events = by_number.get(number, [])
            closing_calls = [e for e in events if e[1] == CALL]
            closing_texts = [e for e in events if consented is None or e[0] >= consented]
            calls, stops = _cited(closing_calls, keys[i]), _cited(closing_texts, keys[i])
            if dial[slot][i] and calls is None and phone[at] is None:
                phone[at] = number
            if dial[slot][i] and stops is None and text_phone[at] is None:
                text_phone[at] = number
            call_why = call_why or calls
            text_why = text_why or stops
            # the Data Issue is for a number closed by other leads' opt-outs only: the lead's own says it already
            closing = closing_calls or closing_texts
            if dial[slot][i] and closing and all(e[2] != keys[i] for e in closing):
                notes.append(_issue(column, number, calls or stops, calls is not None))
        if phone[at] is None and call_why is not None:
            call[at] = _reason(call_why)
        if text_phone[at] is None and text_why is not None:
            text[at] = _reason(text_why)
        issue[at] = "; ".join(notes) or None
    return NumberLimits(positions, call, text, phone, text_phone, issue)


def _cited(events: list[tuple], own_key: object) -> tuple | None:
    """The opt-out to name: the first one logged under another Lead ID, else the first; None when there is none."""
    if not events:
        return None
    return next((e for e in events if e[2] != own_key), events[0])


def _day(when: object) -> str:
    return f"{pd.Timestamp(when):%Y-%m-%d}"


def _box(kind: str) -> str:
    return "Do Not Text" if kind == TEXT else "Do Not Call"


def _reason(event: tuple) -> str:
    when, kind, key = event
    if when == BOX_TIME:
        return f"number marked {_box(kind)} on lead {key}"
    return f"number opted out{' of texts' if kind == TEXT else ''} on {_day(when)} on lead {key}"


def _issue(column: str, number: str, event: tuple, calls: bool) -> str:
    when, kind, key = event
    if when == BOX_TIME:
        return (f"{column} {pretty(number)} is marked {_box(kind)} on lead {key}: it is not "
                f"{'called or texted' if calls else 'texted'} for this lead either")
    if calls:
        return (f"{column} {pretty(number)} asked not to be called (Activity for lead {key}, {_day(when)}): it is not "
                "called again, nor texted without a new Text Consent")
    return (f"{column} {pretty(number)} asked not to be texted (Activity for lead {key}, {_day(when)}): it is not "
            "texted without a new Text Consent")


def pretty(number: str) -> str:
    """"+18135550123" -> "(813) 555-0123", as the Today sheet shows a number."""
    text = str(number)
    if len(text) == 12 and text.startswith("+1") and text[2:].isdigit():
        return f"({text[2:5]}) {text[5:8]}-{text[8:]}"
    return text


def dial_for(reasons: pd.DataFrame, next_channel: pd.Series) -> pd.Series:
    """The number to show on Today: the one to text where the lead's next channel is a text, else the one to call.
    They differ only for the few leads whose numbers an opt-out closed for calls or texts alone."""
    call, text = reasons[PHONE].to_numpy(dtype=object), reasons[TEXT_PHONE].to_numpy(dtype=object)
    differs = np.flatnonzero(call != text)
    if not len(differs):
        return reasons[PHONE]
    channel = next_channel.reindex(reasons.index).to_numpy(dtype=object)[differs]
    texting = differs[np.array([str(c or "").split(" + ")[0] == TEXT for c in channel], dtype=bool)]
    out = call.copy()
    out[texting] = text[texting]
    return pd.Series(out, index=reasons.index, dtype=object)


# --- what the agent is told about Lead IDs not on Leads ------------------------------------------------------------


def orphan_messages(closed: ClosedNumbers, leads: pd.DataFrame) -> list[str]:
    """Workbook-level messages for the opt-outs of Lead IDs that are not on Leads. They name Lead IDs and dates, never
    a number or a name: the command line prints them."""
    events = closed.events[closed.events["_ts"].ne(BOX_TIME)]  # a box is on a lead of the sheet
    if events.empty and closed.unplaced.empty:
        return []
    asked = set(events["_key"])
    known = set(leads["_key"][leads["_key"].isin(asked)]) if len(leads) and asked else set()
    events = events[~events["_key"].isin(known)]
    unplaced = closed.unplaced
    orphans = sorted(set(events["_key"]) | set(unplaced["_key"]), key=str)
    if not orphans:
        return []
    positions = closed.holders(leads)
    holders: dict[str, list[str]] = {}
    for column in PHONE_COLUMNS:
        for number, key in zip(leads[column].to_numpy(dtype=object)[positions],
                               leads["_key"].to_numpy(dtype=object)[positions]):
            if number is not None and key is not None and key not in holders.get(number, []):
                holders.setdefault(number, []).append(key)
    messages = []
    for key in orphans[:MAX_MESSAGES]:
        lost = unplaced[unplaced["_key"].eq(key)]
        if len(lost):
            messages.append(
                f"Activity: {key} is not on Leads but has {_kinds(lost)}; the number it is about is not recorded, so "
                f"it cannot follow that number to another lead. If {key} was renamed, type its new Lead ID in those "
                "Activity rows (or the number in their Note) and refresh again.")
            continue
        mine = events[events["_key"].eq(key)]
        numbers = sorted(set(mine["number"]))
        now_on = sorted({k for number in numbers for k in holders.get(number, [])}, key=str)
        where = (f"now on lead{'s' if len(now_on) > 1 else ''} {', '.join(map(str, now_on[:5]))}"
                 + (f" and {len(now_on) - 5} more" if len(now_on) > 5 else "")) if now_on else \
            f"no lead has {'that number' if len(numbers) == 1 else 'those numbers'} now"
        messages.append(
            f"Activity: {key} is not on Leads; its {_kinds(mine, article=False)} still "
            f"close{'s' if mine['kind'].nunique() == 1 else ''} its number{'s' if len(numbers) > 1 else ''} on every "
            f"lead ({where}). If {key} was renamed, type its new "
            "Lead ID in its Activity rows so the rest of its history counts too.")
    if len(orphans) > MAX_MESSAGES:
        messages.append(f"Activity: {len(orphans) - MAX_MESSAGES} more Lead IDs that are not on Leads have opt-outs "
                        "from calls or texts; look for Opted Out rows in Activity.")
    return messages


def _kinds(rows: pd.DataFrame, article: bool = True) -> str:
    """"an opt-out from calls on 2026-10-03" or "opt-outs from calls on 2026-10-03 and texts on 2026-10-05"."""
    firsts = rows.groupby("kind")["_ts"].min().sort_values()
    parts = [f"{'calls' if kind == CALL else 'texts'} on {_day(when)}" for kind, when in firsts.items()]
    head = ("an opt-out from " if article else "opt-out from ") if len(parts) == 1 else "opt-outs from "
    return head + " and ".join(parts)

"""refresh(tables, now) -> Changes: the heart of the tracker, a pure function of the sheets and the moment.

    read sheets -> parse and validate every input column (problems go to the row's Data Issues)
    -> deadlines -> contact channels -> cadence -> quick-log cells become Activity rows (cadence again for those
    leads) -> Today and Dashboard -> Changes (computed columns by Lead ID, cells to fill, rows to append)

No spreadsheet library here: stores turn sheets into `SheetData` and carry out the `Changes`.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from .cadence import (CHANNEL_ORDER, OUTCOME_CHANNEL, PHONE, REASON_PREFIX, UNDELIVERED, channel_availability,
                      classify_activity, compute_cadence, void_undelivered)
from .compliance import (Moment, Timing, allowed_text, call_outside_hours, lasting_blocks, ledger_utc, rules_text,
                         timing)
from .contact_audit import SOURCE as AUDIT_SOURCE
from .contact_audit import audit_rows, known_audit_ids, ledger_opt_outs, new_row_opt_outs
from .dashboard import build_dashboard
from .phone_opt_outs import NUMBER_ISSUE, PIN_PREFIX, closed_numbers, dial_for, orphan_messages
from .cma_refresh import lead_cma
from .deadlines import compute_deadlines
from .plan import Plan, parse_channels, parse_plan
from .priority import build_today, rank_today
from .schema import ACTIVITY_COLUMNS, LEAD_COLUMNS, OUTCOMES, Kind, ValueType
from .settings import Settings, parse_settings
from .store import CellFill, Changes, SheetData, ToolSheet, key_text
from .values import nones, nonblank, parse_column, parse_dates, show, text_key_codes, text_keys

MAX_ISSUES_TEXT = 2000
SIGNED_COLUMNS = frozenset({"Latitude", "Longitude"})
INPUT_COLUMNS = tuple(c for c in LEAD_COLUMNS if c.kind is not Kind.COMPUTED)
COMPUTED_COLUMNS = tuple(c for c in LEAD_COLUMNS if c.kind is Kind.COMPUTED)
_OUTCOME_BY_FOLD = {o.casefold(): o for o in OUTCOMES}
_CHANNEL_BY_FOLD = {c.casefold(): c for c in schema.CHANNELS}
QUICK_LOG_SOURCE = "quick-log"


@dataclass(frozen=True)
class Tables:
    leads: SheetData | None
    activity: SheetData | None
    settings: SheetData | None
    plan: SheetData | None
    comps: SheetData | None = None


@dataclass(frozen=True)
class Result:
    changes: Changes
    settings: Settings
    today: pd.DataFrame
    leads: pd.DataFrame  # parsed lead rows with computed columns, for commands that print


class IssueLog:
    """Problems per lead row, kept in the order found; joined into the Data Issues column."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self.by_row: dict[object, list[str]] = {}

    def add(self, issues: pd.Series) -> None:
        found = issues[issues.notna()]
        for row, message in found.items():
            self.by_row.setdefault(row, []).append(message)

    def add_at(self, rows: list[object], messages: list[str]) -> None:
        for row, message in zip(rows, messages):
            self.by_row.setdefault(row, []).append(message)

    def joined(self) -> pd.Series:
        out = nones(self.index)
        rows = [row for row in self.by_row if row in out.index]
        if rows:
            texts = ["; ".join(self.by_row[row]) for row in rows]
            out.loc[rows] = [t if len(t) <= MAX_ISSUES_TEXT else t[: MAX_ISSUES_TEXT - 1] + "…" for t in texts]
        return out


def parse_leads(raw: pd.DataFrame) -> tuple[pd.DataFrame, IssueLog]:
    """Every input column parsed by its type; problems recorded per row."""
    issues = IssueLog(raw.index)
    parsed = pd.DataFrame(index=raw.index)
    for column in INPUT_COLUMNS:
        if column.kind is Kind.QUICK_LOG:
            parsed[column.name] = raw[column.name]
            continue
        if raw[column.name].isna().all():  # a column the sheet lacks or left empty: nothing to read
            parsed[column.name] = _blank_column(column.type, raw.index)
            continue
        options = {"allow_negative": True} if column.name in SIGNED_COLUMNS else {}
        result = parse_column(column.type, raw[column.name], column.name, **options)
        parsed[column.name] = result.values
        issues.add(result.issues)
    return parsed, issues


def _has_input(raw: pd.DataFrame) -> pd.Series:
    """Rows with something typed in an input cell; rows with only computed values or spaces are not leads.

    Counting stops at three filled cells per row, so a full sheet costs a few column scans, not one per column."""
    inputs = [c.name for c in INPUT_COLUMNS]
    filled = np.zeros(len(raw), dtype=np.int8)
    for name in inputs:
        unsure = np.flatnonzero(filled < 3)
        if not len(unsure):
            break
        filled[unsure] += raw[name].iloc[unsure].notna().to_numpy(dtype=np.int8)
    has_input = pd.Series(filled > 0, index=raw.index)
    doubtful = has_input & (filled <= 2)
    if doubtful.any():
        has_input[doubtful] = pd.concat([nonblank(raw.loc[doubtful, c]) for c in inputs], axis=1).any(axis=1)
    return has_input


def _blank_column(kind: ValueType, index: pd.Index) -> pd.Series:
    if kind is ValueType.DATE:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if kind in (ValueType.MONEY, ValueType.NUMBER, ValueType.INTEGER, ValueType.PERCENT):
        return pd.Series(np.nan, index=index, dtype=float)
    if kind is ValueType.FLAG:
        return pd.Series(False, index=index, dtype=bool)
    return nones(index)


def assign_lead_ids(raw: pd.DataFrame, issues: IssueLog) -> tuple[pd.Series, list[CellFill]]:
    """Lead ID as text per row; blank ones get a stable new id; duplicates are reported, never merged."""
    keys = text_keys(raw["Lead ID"])
    fills: list[CellFill] = []
    taken = set(keys.dropna())
    for row in keys[keys.isna()].index:
        seed = "|".join(str(raw.at[row, c]) for c in ("Property Address", "Owner Name", "ZIP")) + f"|{row}"
        digest = hashlib.sha1(seed.encode("utf-8")).hexdigest().upper()
        n = 0
        new_id = f"LT-{digest[:6]}"
        while new_id in taken:
            n += 1
            new_id = f"LT-{digest[:6]}-{n}"
        taken.add(new_id)
        keys[row] = new_id
        fills.append(CellFill(int(row), "Lead ID", raw.at[row, "Lead ID"], new_id))
    duplicated = keys.duplicated(keep=False)
    if duplicated.any():
        rows, messages = [], []
        for key, group in keys[duplicated].groupby(keys[duplicated]):
            for row in group.index:
                others = [str(r) for r in group.index if r != row]
                rows.append(row)
                where = f"row{'s' if len(others) > 1 else ''} {', '.join(others)}"
                messages.append(f"Lead ID {show(key)} is also on {where}; both kept, please make them unique")
        issues.add_at(rows, messages)
    return keys, fills


def _lookup(values: pd.Series, by_fold: dict[str, str], keep_unknown: bool) -> pd.Series:
    """Case-insensitive match of text cells to a closed list (each distinct spelling looked up once)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    matched = [by_fold.get(str(u).casefold(), u if keep_unknown else None) for u in uniques] + [None]
    picks = np.array(matched, dtype=object)[np.where(codes < 0, len(uniques), codes)]
    return pd.Series(picks, index=values.index, dtype=object)


def _choice(cells: pd.Series, label: str, by_fold: dict[str, str], keep_unknown: bool) -> pd.Series:
    """A column of a closed list (Outcome, Channel): each distinct cell read and looked up once."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    text = parse_column(ValueType.TEXT, pd.Series(list(uniques) + [None], dtype=object), label).values
    picks = _lookup(text, by_fold, keep_unknown).to_numpy(dtype=object)
    return pd.Series(picks[np.where(codes < 0, len(uniques), codes)], index=cells.index, dtype=object)


def parse_activity(data: SheetData | None, known_keys: set[str], now: dt.datetime | None = None
                   ) -> tuple[pd.DataFrame, list[tuple[str, str]], list[str]]:
    """Ledger rows usable by the engine, problems as (lead key, message), and workbook-level messages.

    With `now`, a row stamped more than a day after it (a typo such as 2027 for 2026) is reported and left out: it
    would otherwise count as done a step nobody took and push every due date a year on."""
    empty = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "_ts" else object)
                          for c in ("_key", "_ts", "Step", "Channel", "Direction", "Outcome", "Activity ID", "Note",
                                    "Ref")})
    empty["_flag_record"] = pd.Series(dtype=bool)
    empty["_number_record"] = pd.Series(dtype=bool)
    if data is None or data.rows.empty:
        return classify_activity(empty), [], []
    raw = data.canonical(ACTIVITY_COLUMNS)
    key_codes, distinct_keys = text_key_codes(raw["Lead ID"])
    keys = pd.Series(distinct_keys[key_codes], index=raw.index, dtype=object)
    distinct_present = np.array([key is not None for key in distinct_keys], dtype=bool)
    has_key = pd.Series(distinct_present[key_codes], index=raw.index)
    stamps = parse_dates(raw["Timestamp"], "Timestamp", keep_time=True)
    outcome = _choice(raw["Outcome"], "Outcome", _OUTCOME_BY_FOLD, keep_unknown=False)
    channel = _choice(raw["Channel"], "Channel", _CHANNEL_BY_FOLD, keep_unknown=True)
    wrong_number = outcome.eq("Wrong Number")
    opted_out = outcome.eq("Opted Out")
    flag_record = pd.Series(False, index=raw.index)
    number_record = pd.Series(False, index=raw.index)  # which number an opt-out is about (phone_opt_outs)
    if opted_out.any():  # an opt-out the tool logged because a Do-Not box is ticked: the box decides, not the row
        rows = opted_out.index[opted_out]
        ids = raw.loc[rows, "Activity ID"].to_numpy(dtype=object)
        number_record[rows] = [isinstance(i, str) and i.startswith(PIN_PREFIX) for i in ids]
        flag_record[rows] = raw.loc[rows, "Source"].astype(object).eq(AUDIT_SOURCE).to_numpy(dtype=bool) \
            & ~number_record[rows].to_numpy(dtype=bool)
    step = parse_column(ValueType.TEXT, raw["Step"], "Step").values
    frame = pd.DataFrame({
        "_key": keys, "_ts": stamps.values, "Step": step,
        "Channel": channel, "Direction": parse_column(ValueType.TEXT, raw["Direction"], "Direction").values,
        "Outcome": outcome,
        # the number a Wrong Number or an opt-out names, if any (Ref or Note); only those rows carry them (ledgers
        # run long)
        "Note": _only_at(raw["Note"], wrong_number | opted_out),
        "Ref": _only_at(raw["Ref"], _ref_needed(raw, keys, outcome, step, wrong_number) | opted_out),
        "_number_record": number_record.values,
        "_flag_record": flag_record.values,
    }, index=raw.index)
    problems: list[tuple[str, str]] = []
    bad_time = frame["_ts"].isna() & has_key
    # Rows an import writes (Source "import", no Outcome) record where a lead's values came from: not touches.
    # Only rows without a known outcome can be such records, so only those are read (ledgers run to 500k rows).
    no_outcome = outcome.isna() & has_key
    is_record = pd.Series(False, index=raw.index)
    if no_outcome.any():
        rows = no_outcome.index[no_outcome]
        source = parse_column(ValueType.TEXT, raw.loc[rows, "Source"], "Source").values
        is_record[rows] = (source.str.casefold().eq("import") & ~nonblank(raw.loc[rows, "Outcome"])).to_numpy()
    bad_outcome = no_outcome & ~is_record
    future = pd.Series(False, index=raw.index)
    if now is not None:
        latest = np.datetime64(now.replace(tzinfo=None) + dt.timedelta(days=1), "ns")
        future = has_key & (frame["_ts"].to_numpy(dtype="datetime64[ns]") > latest)
    for row in frame.index[bad_time]:
        problems.append((keys[row], f"Activity row {row}: Timestamp {show(raw.at[row, 'Timestamp'])} is not a "
                                    "date; row ignored"))
    for row in frame.index[future]:
        problems.append((keys[row], f"Activity row {row}: Timestamp {frame.at[row, '_ts']:%Y-%m-%d} is in the "
                                    "future; row ignored"))
    for row in frame.index[bad_outcome & ~bad_time & ~future]:
        problems.append((keys[row], f"Activity row {row}: Outcome {show(raw.at[row, 'Outcome'])} is not one of "
                                    "the outcomes in the list; row ignored"))
    messages = []
    known = pd.Index(list(known_keys))
    distinct_unknown = distinct_present & (known.get_indexer(distinct_keys) < 0)
    unknown = distinct_unknown[key_codes]
    if unknown.any():
        sample = ", ".join(sorted(set(distinct_keys[distinct_unknown]))[:5])
        messages.append(f"Activity: {int(unknown.sum())} row(s) name a Lead ID that is not on Leads "
                        f"(for example {sample}); they are kept and count for no lead's plan.")
    usable = frame[has_key & ~bad_time & ~future & ~bad_outcome & ~is_record]
    return classify_activity(usable), problems, messages


def _only_at(values: pd.Series, mask: pd.Series) -> pd.Series:
    """The cells where `mask` holds, None elsewhere: a column the engine reads on a few rows of a long ledger (kept
    as objects: pandas would otherwise convert a column of text to its string type, row by row)."""
    out = np.full(len(values), None, dtype=object)
    where = np.flatnonzero(mask.to_numpy(dtype=bool))
    if where.size:
        out[where] = values.to_numpy(dtype=object)[where]
    return pd.Series(out, index=values.index, dtype=object)


def _ref_needed(raw: pd.DataFrame, keys: pd.Series, outcome: pd.Series, step: pd.Series,
                wrong_number: pd.Series) -> pd.Series:
    """The rows whose Ref the engine reads: a Wrong Number's (the number it names), and where a Bounced / Returned
    Mail row names no step, its Ref and the Refs of that lead's other rows (the Message-ID ties a bounce to its send;
    `cadence.void_undelivered`). A quick-log row's Ref names a sheet row, not a message, so it is left out."""
    failed = outcome.index[outcome.isin(UNDELIVERED).to_numpy()]
    stepless = failed[step[failed].isna().to_numpy() & keys[failed].notna().to_numpy()]
    if not len(stepless):
        return wrong_number
    rows = keys.isin(set(keys[stepless]))
    rows[failed.difference(stepless)] = False
    at = rows.index[rows.to_numpy()]
    source = raw.loc[at, "Source"].astype(object).where(raw.loc[at, "Source"].notna(), "")
    rows[at] = ~source.astype(str).str.strip().str.casefold().eq(QUICK_LOG_SOURCE).to_numpy()
    return wrong_number | rows


def _last_sends(activity: pd.DataFrame, keys: set) -> dict[tuple[str, str], str]:
    """(lead, channel) -> the step of the lead's latest completing row on that channel: what a bounce or a
    returned letter logged now is about."""
    rows = activity[activity["_completes"] & activity["Step"].notna() & activity["_key"].isin(keys)]
    if rows.empty:
        return {}
    latest = rows.sort_values("_ts", kind="stable").groupby(["_key", "Channel"])["Step"].last()
    return latest.to_dict()


def quick_log(raw: pd.DataFrame, keys: pd.Series, cadence: pd.DataFrame, now: dt.datetime,
              settings: Settings, plan: Plan, issues: IssueLog,
              activity: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[CellFill]]:
    """Log Outcome / Log Note / Log Channel cells -> Activity rows, and the cells to clear.

    A Bounced or Returned Mail names the step of the send it is about (the latest on its channel), so that step is
    due again; any other outcome names the step due now."""
    outcome_cells = raw["Log Outcome"]
    note_cells = raw["Log Note"]
    channel_cells = raw["Log Channel"]
    filled = nonblank(outcome_cells)
    note_only = ~filled & nonblank(note_cells)
    issues.add_at(list(raw.index[note_only]),
                  ["Log Note is waiting for a Log Outcome (pick one from the list), then refresh"] * int(
                      note_only.sum()))
    records, fills, bad_rows, bad_messages = [], [], [], []
    stamp = now.replace(microsecond=0, tzinfo=None)
    logged = outcome_cells[filled].map(lambda cell: _OUTCOME_BY_FOLD.get((key_text(cell) or "").casefold()))
    failed = logged.index[logged.isin(UNDELIVERED)]
    last_sends = _last_sends(activity, set(keys[failed])) if activity is not None and len(failed) else {}
    for row in raw.index[filled]:
        typed = key_text(outcome_cells[row])
        outcome = _OUTCOME_BY_FOLD.get(typed.casefold())
        channel_typed = key_text(channel_cells[row])
        channel = None
        if channel_typed:
            channels, _, unknown = parse_channels(channel_typed)
            channel = channels[0] if channels and not unknown else None
            if channel is None:
                bad_rows.append(row)
                bad_messages.append(f"Log Channel {show(channel_typed)} is not one of "
                                    f"{', '.join(schema.CHANNELS)}; not logged yet")
                continue
        if outcome is None:
            bad_rows.append(row)
            bad_messages.append(f"Log Outcome {show(typed)} is not one of the outcomes in the list; not logged yet")
            continue
        step = cadence.at[row, "Next Step"] or None
        planned = cadence.at[row, "Next Channel"] or ""
        channel = channel or OUTCOME_CHANNEL.get(outcome) or planned.split(" + ")[0] or None
        planned_step = plan.step(step) if step else None
        rotating = step in (plan.nurture.code, plan.reengage.code)
        if planned_step is not None and not rotating and channel not in planned_step.channels + ("Meeting",):
            step = None  # a call logged while a letter is due is a touch, but it does not do the letter's job
        if outcome in UNDELIVERED:
            step = last_sends.get((keys[row], channel))
        note = key_text(note_cells[row])
        seed = f"{keys[row]}|{stamp.isoformat()}|{outcome}|{note}|{row}"
        records.append({
            "Activity ID": "Q-" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:12].upper(),
            "Timestamp": stamp, "Lead ID": keys[row], "Step": step, "Channel": channel,
            "Direction": "Inbound" if outcome == "Replied" else "Outbound", "Outcome": outcome,
            "Note": note, "Source": QUICK_LOG_SOURCE, "Ref": f"Leads row {row}", "By": settings.agent_name or None,
        })
        for column, cells in (("Log Outcome", outcome_cells), ("Log Note", note_cells),
                              ("Log Channel", channel_cells)):
            if key_text(cells[row]) is not None:
                fills.append(CellFill(int(row), column, cells[row], None))
    issues.add_at(bad_rows, bad_messages)
    columns = [c.name for c in ACTIVITY_COLUMNS]
    return pd.DataFrame(records, columns=columns), fills


def flag_typed_calls(ledger: pd.DataFrame, raw_activity: pd.DataFrame | None, activity: pd.DataFrame,
                     parsed: pd.DataFrame, contact: Timing, moment: Moment, issues: IssueLog) -> None:
    """A call typed into Activity with its time in the last 24 hours, outside the homeowner's calling hours or over a
    state's cap, is kept, and said so in Data Issues (for that day).

    Only times the agent typed are judged. A quick-log entry has no time of its own: its row is stamped when the
    refresh read it (Source quick-log), so the call may have been made hours before, and judging that stamp would
    write a false violation. A date typed without a time is not judged either. Quick-logged calls still count
    towards the caps (`compliance.calls_last_24h`), which errs on the safe side. `ledger` is the Activity sheet as
    read (its index is the sheet's), `activity` the same with this refresh's quick-log rows."""
    if ledger.empty or raw_activity is None:
        return
    now = pd.Timestamp(moment.local)
    stamps = ledger["_ts"].to_numpy(dtype="datetime64[ns]")
    near = np.flatnonzero((stamps > (now - pd.Timedelta(hours=26)).to_datetime64()) & (stamps <= now.to_datetime64()))
    rows = ledger.iloc[near]
    rows = rows[rows["Channel"].isin(["Call"]).to_numpy() & rows["_attempt"].to_numpy(dtype=bool)]
    if rows.empty:
        return
    source = raw_activity.loc[rows.index, "Source"].astype(object)
    quick = source.where(source.notna(), "").astype(str).str.strip().str.casefold().eq(QUICK_LOG_SOURCE)
    timed = rows["_ts"].ne(rows["_ts"].dt.normalize())
    rows = rows[(~quick & timed).to_numpy()]
    when = ledger_utc(rows["_ts"], moment.zone) if len(rows) else None
    if when is None or not (inside := when > pd.Timestamp(moment.utc) - pd.Timedelta(hours=24)).any():
        return
    rows, when = rows[inside.to_numpy()], when[inside]
    first = ~parsed["_key"].duplicated().to_numpy()
    position_of = pd.Series(np.flatnonzero(first), index=parsed["_key"].to_numpy()[first])
    all_stamps = activity["_ts"].to_numpy(dtype="datetime64[ns]")
    calls = activity.iloc[np.flatnonzero(all_stamps > (now - pd.Timedelta(hours=50)).to_datetime64())]
    calls = calls[calls["_key"].isin(set(rows["_key"])) & calls["Channel"].isin(["Call"]) & calls["_attempt"]]
    call_times = ledger_utc(calls["_ts"], moment.zone).groupby(calls["_key"].to_numpy()).agg(list)
    for key, instant in zip(rows["_key"], when):
        position = position_of.get(key)
        if position is None:
            continue
        window = contact.window_list[contact.window_codes[position]]
        before = sum(1 for t in call_times.get(key, []) if instant - pd.Timedelta(hours=24) < t < instant)
        problem = call_outside_hours(window, instant.to_pydatetime(), before)
        if problem:
            issues.add_at([parsed.index[position]], [problem])


def _integers(series: pd.Series) -> pd.Series:
    """Whole numbers as Python ints (None for blank), as every store can write them."""
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    present = ~np.isnan(values)
    out = np.full(len(values), None, dtype=object)
    out[present] = values[present].astype(np.int64).tolist()
    return pd.Series(out, index=series.index, dtype=object)


@contextmanager
def gc_paused():
    """Pause Python's cycle collector: with a workbook of millions of cells in memory, each automatic pass walks all
    of them, which costs more than the computation itself. Nothing here builds cycles worth collecting early."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def refresh(tables: Tables, now: dt.datetime) -> Result:
    """Compute every computed column, the Activity rows to append, and the Today and Dashboard sheets."""
    with gc_paused():
        return _refresh(tables, now)


def _refresh(tables: Tables, now: dt.datetime) -> Result:
    today = pd.Timestamp(now.date())
    settings, messages = parse_settings(
        tables.settings.canonical(schema.SETTINGS_COLUMNS) if tables.settings is not None and
        tables.settings.headers else None)
    plan, plan_messages = parse_plan(
        tables.plan.canonical(schema.PLAN_COLUMNS) if tables.plan is not None and tables.plan.headers else None)
    messages += plan_messages
    leads_sheet = tables.leads.name if tables.leads is not None else schema.SHEET_LEADS
    if tables.leads is None or not tables.leads.headers or tables.leads.rows.empty:
        raw = pd.DataFrame({c.name: pd.Series(dtype=object) for c in LEAD_COLUMNS})
    else:
        raw = tables.leads.canonical(LEAD_COLUMNS)
        header_map = tables.leads.header_map(LEAD_COLUMNS)
        for header, canonical in header_map.duplicates:
            messages.append(f"Leads: column {header!r} also means {canonical!r}; the first one is used.")
        raw = raw[_has_input(raw)]

    parsed, issues = parse_leads(raw)
    keys, id_fills = assign_lead_ids(raw, issues)
    parsed["Lead ID"] = keys
    parsed["_key"] = keys
    activity, activity_problems, activity_messages = parse_activity(tables.activity, set(keys.dropna()), now)
    messages += activity_messages
    if activity_problems:
        by_key: dict[str, list[str]] = {}
        for key, message in activity_problems:
            by_key.setdefault(key, []).append(message)
        issues.add(keys.map(lambda k: "; ".join(by_key[k]) if k in by_key else None))

    deadlines = compute_deadlines(parsed, today)
    if "_deadline_issue" in deadlines.columns:
        issues.add(deadlines["_deadline_issue"])
    parsed = parsed.join(deadlines)
    cma = lead_cma(parsed, tables.comps, settings, today)  # CMA, net sheet and the CMA sheet (cma_refresh.py)
    issues.add(cma.issues)
    messages += cma.messages
    parsed["_equity"] = cma.equity

    # what may be used at all (data, opt-outs, Do Not Call checks, consent); time of day comes later
    raw_activity = tables.activity.canonical(ACTIVITY_COLUMNS) if tables.activity is not None and \
        not tables.activity.rows.empty else None
    opt_outs = ledger_opt_outs(activity, raw_activity)
    closed = closed_numbers(parsed, activity, opt_outs)  # opt-outs follow the phone number to every lead
    reasons = lasting_blocks(parsed, activity, opt_outs, today, channel_availability(parsed, activity), closed)
    engine_input = parsed.join(reasons.add_prefix(REASON_PREFIX))
    cadence = compute_cadence(engine_input, activity, plan, settings, today)
    new_activity, clear_fills = quick_log(raw, keys, cadence, now, settings, plan, issues, activity)
    ledger = activity  # the sheet's own rows, before the quick-log rows join them
    if len(new_activity):
        logged = classify_activity(_as_engine_rows(new_activity))
        activity = pd.concat([activity, logged], ignore_index=True) if len(activity) else logged
        if logged["Outcome"].isin(UNDELIVERED).any():  # a bounce logged now undoes the send it names
            activity = void_undelivered(activity)
        new_stops = new_row_opt_outs(new_activity)
        opt_outs = pd.concat([opt_outs, new_stops], ignore_index=True) if len(new_stops) else opt_outs
        logged_keys = set(new_activity["Lead ID"])
        if len(new_stops) or new_activity["Outcome"].eq("Opted Out").any():  # its number closes on other leads too
            closed = closed_numbers(parsed, activity, opt_outs)
            logged_keys |= set(parsed["_key"].iloc[closed.holders(parsed)].dropna())
        touched = parsed.index[parsed["_key"].isin(logged_keys)]
        their_activity = activity[activity["_key"].isin(logged_keys)]
        reasons.loc[touched] = lasting_blocks(parsed.loc[touched], their_activity, opt_outs, today,
                                              channel_availability(parsed.loc[touched], their_activity), closed)
        engine_input = parsed.loc[touched].join(reasons.loc[touched].add_prefix(REASON_PREFIX))
        cadence.loc[touched] = compute_cadence(engine_input, their_activity, plan, settings, today)

    # the moment: calling hours in each homeowner's zone, calls made in the last 24 hours
    moment = Moment(now.replace(tzinfo=None), settings.zone)
    contact = timing(parsed, activity, moment)
    flag_typed_calls(ledger, raw_activity, activity, parsed, contact, moment, issues)
    issues.add(contact.place_issues)
    audit, text_fills = audit_rows(parsed, raw, opt_outs, known_audit_ids(raw_activity), now, settings.agent_name,
                                   closed.to_record)
    issues.add(reasons[NUMBER_ISSUE])
    messages += orphan_messages(closed, parsed)
    if len(audit):
        columns = [c.name for c in ACTIVITY_COLUMNS]
        new_activity = pd.concat([new_activity, audit.reindex(columns=columns)], ignore_index=True) \
            if len(new_activity) else audit.reindex(columns=columns)

    no_meeting_date = cadence["Stage"].eq("Meeting Set") & parsed["Meeting Date"].isna()
    issues.add_at(list(parsed.index[no_meeting_date]),
                  ["Meeting Set is logged but Meeting Date is blank; add the date so the meeting is scheduled"]
                  * int(no_meeting_date.sum()))
    rank = rank_today(parsed, cadence, today, settings)
    reasons[PHONE] = dial_for(reasons, cadence["Next Channel"])  # the number to text where a text is next
    today_sheet = build_today(parsed, cadence, rank, reasons, plan, settings, today, allowed_text(contact, moment))

    computed = pd.DataFrame(index=parsed.index)
    computed["Lead ID"] = keys
    for column in COMPUTED_COLUMNS:
        if column.name in cadence.columns:
            computed[column.name] = cadence[column.name]
        elif column.name in deadlines.columns:
            computed[column.name] = deadlines[column.name]
        elif column.name in cma.columns.columns:
            computed[column.name] = cma.columns[column.name]
        else:
            computed[column.name] = None
    computed["Priority"] = rank
    computed["Contact Rules"] = rules_text(reasons, contact, CHANNEL_ORDER, cadence["Stage"], cadence["_stage_since"])
    computed["Data Issues"] = issues.joined()
    for column in COMPUTED_COLUMNS:
        if column.type is ValueType.INTEGER:
            computed[column.name] = _integers(computed[column.name])
    # dates stay datetime64 (NaT for blank): stores turn them into cell values as they write

    dashboard = build_dashboard(cadence, activity, today)
    tool_sheets = (
        ToolSheet(schema.SHEET_TODAY, today_sheet.astype(object).where(today_sheet.notna(), None),
                  number_formats={"Due Date": schema.DATE_FORMAT},
                  widths={"Channel": 13, "Owner Name": 24, "Contact": 30, "What to do": 50, "Why now": 36,
                          "Allowed": 30, "Due Date": 11, "Text Draft": 60},
                  title=f"Today, {today:%A %B %d, %Y}: {len(today_sheet)} contact"
                        f"{'s' if len(today_sheet) != 1 else ''}"),
        dashboard,
        cma.sheet,
    )
    changes = Changes(
        leads_sheet=leads_sheet, computed=computed.reset_index(drop=True),
        computed_columns=COMPUTED_COLUMNS, fills=tuple(id_fills + clear_fills + text_fills),
        activity_rows=new_activity, activity_columns=ACTIVITY_COLUMNS, tool_sheets=tool_sheets,
        messages=tuple(messages))
    shown = parsed.drop(columns=list(deadlines.columns)).join(computed.drop(columns=["Lead ID"]))
    return Result(changes, settings, today_sheet, shown)


def _as_engine_rows(rows: pd.DataFrame) -> pd.DataFrame:
    opted_out = rows["Outcome"].eq("Opted Out")  # the number an opt-out is about may be in its Note
    return pd.DataFrame({
        "_key": rows["Lead ID"], "_ts": pd.to_datetime(rows["Timestamp"]), "Step": rows["Step"],
        "Channel": rows["Channel"], "Direction": rows["Direction"], "Outcome": rows["Outcome"],
        "Activity ID": rows["Activity ID"], "Note": rows["Note"].where(opted_out, None),
        "Ref": rows["Ref"].where(opted_out, None),
    })


__all__ = ["Tables", "Result", "refresh"]

"""The follow-up engine: each lead's stage, next step, channel and due date, derived from the Activity ledger.

The ledger is the single source of truth, so the same ledger and the same day always give the same answer.
Rules (DESIGN §5): day 1 is the first outbound touch; step k is due on day1 + (day_k - 1) or the day after step
k-1 was done, whichever is later; a step is done when an outbound Activity row names it (not when it bounced,
came back, reached a wrong number, or was merely opened). After the sequence, a touch every 14 days (every 3 with
the sale 30 days away, daily with it 7 days away). Not Ready / Not Interested pause the lead for 90 days, then R.

Everything here works on whole columns: one pass of group-bys over the ledger, then numpy over a
(leads x steps) matrix of completion dates. It never loops over leads in Python.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .plan import MEETING, Plan, PlanStep
from .schema import RECORD_OUTCOMES
from .settings import Settings

CHANNEL_ORDER = ("Call", "Text", "Email", "Letter")
FALLBACK_ORDER = ("Call", "Email", "Letter", "Text")
REASON_PREFIX = "_no_"  # columns "_no_Call" ... hold why a channel is closed ("" when open)
PHONE = "_phone"  # the reasons column with the number to call or text (a wrong number moves it to Phone 2)
DIALLABLE = ("_dial_1", "_dial_2")  # reasons columns: Phone / Phone 2 not closed by a Wrong Number
OPTED_OUT = "Opted Out"

NOT_DELIVERED = frozenset({"Bounced", "Returned Mail", "Wrong Number"})
UNDELIVERED = frozenset({"Bounced", "Returned Mail"})  # the message itself did not arrive: its step is not done
SIGNALS = frozenset({"Opened", "Clicked", "Unsubscribed"})  # engagement or opt-out evidence, never a touch
RECORDS = frozenset(RECORD_OUTCOMES)  # consents, opt-outs, Do Not Call checks: what the agent knew, never a touch
ENGAGED = frozenset({"Replied", "Spoke", "Met"})
MAJOR = ("Meeting Set", "Met", "Not Ready", "Not Interested", "Listed", "Under Contract", "Closed", "Lost",
         "Do Not Contact")
TERMINAL = {"Closed": "Closed", "Lost": "Lost", "Do Not Contact": "Do Not Contact"}
LISTED = frozenset({"Listed", "Under Contract"})
PAUSING = frozenset({"Not Ready", "Not Interested"})

# The channel an outcome implies, when the agent did not say
OUTCOME_CHANNEL = {"Spoke": "Call", "Left Voicemail": "Call", "No Answer": "Call", "Wrong Number": "Call",
                   "Bounced": "Email", "Opened": "Email", "Clicked": "Email", "Unsubscribed": "Email",
                   "Returned Mail": "Letter", "Met": "Meeting"}


def _days(series: pd.Series) -> np.ndarray:
    """Dates as float days since the epoch (NaN for blank), for numpy arithmetic."""
    values = series.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    out = values.astype("int64").astype(float)
    out[np.isnat(values)] = np.nan
    return out


def _dates(days: np.ndarray, index: pd.Index) -> pd.Series:
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    ok = ~np.isnan(days)
    if ok.any():
        out[ok] = (days[ok].astype("int64")).astype("datetime64[D]").astype("datetime64[ns]")
    return out


def classify_activity(activity: pd.DataFrame) -> pd.DataFrame:
    """Add the flags the engine needs: outbound attempt, completes a step, engagement."""
    outcome = activity["Outcome"]
    codes, directions = pd.factorize(activity["Direction"], use_na_sentinel=True)
    inbound_codes = [i for i, d in enumerate(directions) if str(d).strip().casefold() == "inbound"]
    inbound = pd.Series(np.isin(codes, inbound_codes), index=activity.index) | outcome.eq("Replied")
    flagged = activity.assign(
        _inbound=inbound,
        _attempt=~inbound & ~outcome.isin(SIGNALS | RECORDS),
        _completes=~inbound & ~outcome.isin(SIGNALS | NOT_DELIVERED | RECORDS),
    )
    return void_undelivered(flagged)


def void_undelivered(activity: pd.DataFrame) -> pd.DataFrame:
    """Clear `_completes` on the sends that bounced or came back (DESIGN §5: such a step did not reach them).

    A Bounced / Returned Mail row undoes the lead's earlier-or-same-time completing rows that name the same step on
    the same channel (the outcome's channel when the row has none); a failure naming no step undoes the sends with
    the same Ref (the Message-ID email sync and the email sender write on both rows). Only the few leads with such a
    row are looked at, so the usual ledger costs one `isin`.
    """
    failed = activity["Outcome"].isin(UNDELIVERED).to_numpy()
    if not failed.any():
        return activity
    fails = activity.loc[failed, ["_key", "_ts", "Step", "Channel", "Outcome"]].dropna(subset=["_key"])
    implied = fails["Outcome"].map(OUTCOME_CHANNEL)
    fails = fails.assign(Channel=fails["Channel"].where(fails["Channel"].notna(), implied))
    completes = activity["_completes"].to_numpy(dtype=bool)
    candidates = np.flatnonzero(completes & activity["_key"].isin(fails["_key"].unique()).to_numpy())
    if not len(candidates):
        return activity
    done = activity.iloc[candidates][["_key", "_ts", "Step", "Channel"]].assign(_at=candidates)
    hits = [_later_failures(done, fails, ["_key", "Step", "Channel"])]
    stepless = fails["Step"].isna().to_numpy()
    if stepless.any() and "Ref" in activity.columns:
        refs = activity["Ref"].to_numpy(dtype=object)
        hits.append(_later_failures(done.assign(Ref=refs[candidates]),
                                    fails[stepless].assign(Ref=refs[np.flatnonzero(failed)[stepless]]),
                                    ["_key", "Ref"]))
    voided = np.concatenate(hits)
    if not len(voided):
        return activity
    completes = completes.copy()
    completes[voided] = False
    return activity.assign(_completes=completes)


def _later_failures(done: pd.DataFrame, fails: pd.DataFrame, on: list[str]) -> np.ndarray:
    """Positions (`_at`) of the completing rows undone by a failure with the same `on` values, logged then or later."""
    fails = fails.dropna(subset=on)
    done = done.dropna(subset=on) if len(fails) else done
    if done.empty or fails.empty:
        return np.empty(0, dtype=int)
    pairs = done[on + ["_ts", "_at"]].merge(fails[on + ["_ts"]], on=on, suffixes=("", "_failed"))
    return pairs.loc[pairs["_ts_failed"] >= pairs["_ts"], "_at"].to_numpy(dtype=int)


def channel_availability(leads: pd.DataFrame, activity: pd.DataFrame) -> pd.DataFrame:
    """Which channels each lead may be reached on, and why not where not; plus `_phone`, the number to dial.

    `leads` has parsed contact columns (Phone, Phone 2, Email, Property Address, Mailing Address, the Do-Not flags)
    and `_key`. The ledger adds what the sheet does not say: bounces, unsubscribes, returned mail, wrong numbers and
    opt-outs. An "Opted Out" row closes its channel from then on (a row without a channel closes every channel):
    a request to stop calls must be honoured (47 CFR 64.1200(d)(3)) and so must an email opt-out (15 U.S.C.
    7704(a)(4)); `rules.contact.OPT_OUT_SOURCES` holds the citations. Calls, emails and letters have no outcome
    that gives consent back, so they stay closed; texts are re-opened by a later Text Consent, which
    `compliance.lasting_blocks` weighs (so Text is left to it here). A Wrong Number closes one number
    (`wrong_numbers`); calls and texts close only when no number is left. `DIALLABLE` says which numbers are still
    worth dialling, for `compliance.lasting_blocks` to weigh the opt-outs that follow a number (`phone_opt_outs`).
    """
    closing = activity[activity["Outcome"].isin(["Bounced", "Unsubscribed", "Returned Mail"])]

    def count(outcome: str, channel: str | None = None) -> pd.Series:
        rows = closing[closing["Outcome"].eq(outcome)]
        if channel is not None:  # a bounce logged without a channel is still a bounce
            rows = rows[rows["Channel"].eq(channel) | rows["Channel"].isna()]
        if rows.empty:
            return pd.Series(0, index=leads.index)
        return leads["_key"].map(rows.groupby("_key").size()).fillna(0)

    phones = leads["Phone"].notna().astype(int) + leads["Phone 2"].notna().astype(int)
    dial_1, dial_2 = open_numbers(leads, activity)
    phone = _either(dial_1, leads["Phone"], dial_2, leads["Phone 2"])
    wrong = phones.gt(0) & phone.isna()
    bounced = count("Bounced", "Email") > 0
    unsubscribed = count("Unsubscribed") > 0
    returned = count("Returned Mail", "Letter") > 0
    has_address = leads["Property Address"].notna() | leads["Mailing Address"].notna()
    opt_out_rows = activity[activity["Outcome"].isin([OPTED_OUT])]  # few rows: each channel looks only at these
    opt_out_rows = opt_out_rows[~_flag_records(opt_out_rows)]
    opted = {channel: _opted_out_since(leads, opt_out_rows, channel) for channel in ("Call", "Email", "Letter")}

    reasons = pd.DataFrame(index=leads.index)
    reasons["Call"] = np.select(
        [phones.eq(0), leads["Do Not Call"], opted["Call"].ne(""), wrong],
        ["no phone", "Do Not Call", opted["Call"], "wrong number"], default="")
    reasons["Text"] = np.select(
        [phones.eq(0), leads["Do Not Text"], leads["Do Not Call"], wrong],
        ["no phone", "Do Not Text", "Do Not Call", "wrong number"], default="")
    reasons["Email"] = np.select(
        [leads["Email"].isna(), leads["Do Not Email"], opted["Email"].ne(""), unsubscribed, bounced],
        ["no email", "Do Not Email", opted["Email"], "unsubscribed", "bounced"], default="")
    reasons["Letter"] = np.select(
        [~has_address, leads["Do Not Mail"], opted["Letter"].ne(""), returned],
        ["no address", "Do Not Mail", opted["Letter"], "returned mail"], default="")
    reasons[PHONE] = phone
    reasons[DIALLABLE[0]], reasons[DIALLABLE[1]] = dial_1.to_numpy(dtype=bool), dial_2.to_numpy(dtype=bool)
    return reasons


def _flag_records(activity: pd.DataFrame) -> pd.Series:
    """Opted Out rows the tool logged because a Do-Not box was ticked (Source "contact-rules"): a record of the box,
    not the homeowner's request, so unticking the box opens the channel again. The homeowner's own opt-outs (a
    quick-log entry, an unsubscribe, a STOP reply) are other rows and stay for good."""
    if "_flag_record" not in activity.columns:
        return pd.Series(False, index=activity.index)
    return activity["_flag_record"].fillna(False).astype(bool)


def _opted_out_since(leads: pd.DataFrame, opt_outs: pd.DataFrame, channel: str) -> pd.Series:
    """"opted out on 2026-11-20" (the first of the homeowner's Opted Out rows on `channel` or on no channel), or ""
    per lead. `opt_outs` holds only those rows."""
    rows = opt_outs[opt_outs["Channel"].eq(channel) | opt_outs["Channel"].isna()]
    if rows.empty:
        return pd.Series("", index=leads.index, dtype=object)
    first = pd.to_datetime(rows.groupby("_key")["_ts"].min())
    words = ("opted out on " + first.dt.strftime("%Y-%m-%d")).astype(object)
    return leads["_key"].map(words).fillna("").astype(object)


_NUMBER = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?(\d{3})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})(?!\d)")


def _last_ten(values: pd.Series) -> pd.Series:
    """A phone value as its last ten digits ("" when blank), so "+18135550142" matches "(813) 555-0142"."""
    return values.fillna("").astype(str).str.replace(r"\D", "", regex=True).str[-10:]


def named_number(rows: pd.DataFrame) -> pd.Series:
    """The phone number a ledger row's Note or Ref names, as ten digits ("" when it names none)."""
    out = pd.Series("", index=rows.index, dtype=object)
    for column in ("Ref", "Note"):
        if column in rows.columns:
            found = rows[column].astype(object).where(rows[column].notna(), "").astype(str).str.extract(_NUMBER)
            digits = (found[0] + found[1] + found[2]).fillna("")
            out = out.where(out.ne(""), digits)
    return out


def wrong_numbers(leads: pd.DataFrame, activity: pd.DataFrame) -> pd.Series:
    """Per lead, the phone value still worth dialling after Wrong Number rows (None when none is left)."""
    open_1, open_2 = open_numbers(leads, activity)
    return _either(open_1, leads["Phone"], open_2, leads["Phone 2"])


def open_numbers(leads: pd.DataFrame, activity: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per lead, whether Phone and whether Phone 2 are on file and not closed by Wrong Number rows.

    A Wrong Number row closes the number its Ref or Note names when that is one of the lead's numbers; a row
    naming none of them closes the number the agent was shown, taken as the first one still open (Phone, then
    Phone 2) after the named ones are closed, whatever the order of the rows. So with two numbers, one Wrong Number
    moves calls and texts to Phone 2, and a second closes both (also when it names the number already closed: a
    simple rule that errs towards closing). The ledger carries Ref and Note only where the caller read them in.
    """
    first, second = leads["Phone"], leads["Phone 2"]
    rows = activity[activity["Outcome"].isin(["Wrong Number"])]  # isin: 4x faster than eq on objects
    rows = rows[rows["_key"].isin(set(leads["_key"].dropna()))] if len(rows) else rows
    if rows.empty:
        return first.notna(), second.notna()
    named = named_number(rows)
    keys = leads["_key"]
    involved = keys.isin(set(rows["_key"]))  # only leads with a Wrong Number row need their digits
    digits_1, digits_2 = _last_ten(first[involved]), _last_ten(second[involved])
    known = pd.DataFrame({"_key": keys[involved], "one": digits_1, "two": digits_2}).dropna(subset=["_key"])
    known = known.drop_duplicates("_key").set_index("_key")
    number_1 = rows["_key"].map(known["one"]).fillna("")
    number_2 = rows["_key"].map(known["two"]).fillna("")
    hits_1 = named.ne("") & named.eq(number_1)
    hits_2 = named.ne("") & named.eq(number_2)

    def per_lead(mask: pd.Series) -> pd.Series:
        chosen = rows.loc[mask, "_key"]
        return keys.map(chosen.value_counts()).fillna(0).astype(int)

    unnamed = per_lead(~hits_1 & ~hits_2)
    open_1 = first.notna() & per_lead(hits_1).eq(0)
    open_2 = second.notna() & per_lead(hits_2).eq(0)
    # each row naming neither number closes the first one still open
    open_1, open_2 = open_1 & unnamed.lt(1), open_2 & unnamed.lt(1 + open_1.astype(int))
    return open_1, open_2


def _either(use_first: pd.Series, first: pd.Series, use_second: pd.Series, second: pd.Series) -> pd.Series:
    """first where use_first, else second where use_second, else None."""
    out = np.where(use_first.to_numpy(dtype=bool), first.to_numpy(dtype=object),
                   np.where(use_second.to_numpy(dtype=bool), second.to_numpy(dtype=object), None))
    return pd.Series(out, index=first.index, dtype=object)


def _choose(available: pd.DataFrame, step: PlanStep, start: np.ndarray | None = None) -> np.ndarray:
    """The channel(s) for a step per lead: first available of the step's list (beginning at `start` for a
    rotating step), all available ones for a `together` step, else the first available of any, else ""."""
    n = len(available)
    chosen = np.full(n, "", dtype=object)
    listed = [c for c in step.channels if c in available.columns]
    if listed:
        matrix = available[listed].to_numpy(dtype=bool)
        names = np.array(listed, dtype=object)
        if step.together:
            chosen = np.array([" + ".join(names[row]) for row in matrix], dtype=object)
        else:
            first = np.zeros(n, dtype=int) if start is None else np.asarray(start, dtype=int)
            for offset in reversed(range(len(listed))):
                candidate = (first + offset) % len(listed)
                ok = matrix[np.arange(n), candidate]
                chosen = np.where(ok, names[candidate], chosen)
    for channel in FALLBACK_ORDER:
        chosen = np.where((chosen == "") & available[channel].to_numpy(dtype=bool), channel, chosen)
    return chosen


class _Ledger:
    """The usable ledger rows of known leads as numpy arrays in time order, with per-lead reductions."""

    def __init__(self, code: np.ndarray, day: np.ndarray, outcome: np.ndarray, step: np.ndarray,
                 attempt: np.ndarray, completes: np.ndarray, leads: int, second: np.ndarray | None = None) -> None:
        self.code, self.day, self.attempt, self.completes, self.leads = code, day, attempt, completes, leads
        self.second = day * 86400.0 if second is None else second  # the full timestamp, for same-day order
        self._outcome_codes, self._outcomes = pd.factorize(outcome, use_na_sentinel=True)
        self._step_codes, self._steps = pd.factorize(step, use_na_sentinel=True)
        self._positions = np.arange(len(code))

    @classmethod
    def of(cls, activity: pd.DataFrame, uniques: pd.Index | np.ndarray) -> "_Ledger":
        codes = pd.Index(uniques).get_indexer(activity["_key"]) if len(activity) else np.empty(0, dtype=int)
        rows = np.flatnonzero(codes >= 0)
        stamps = activity["_ts"].to_numpy(dtype="datetime64[ns]")[rows]
        if len(rows) > 1 and not (stamps[1:] >= stamps[:-1]).all():  # the ledger is usually in time order
            order = np.argsort(stamps, kind="stable")
            rows, stamps = rows[order], stamps[order]
        day = stamps.astype("datetime64[D]").astype("int64").astype(float)
        second = stamps.astype("datetime64[s]").astype("int64").astype(float)

        def column(name: str, dtype: object) -> np.ndarray:
            return activity[name].to_numpy(dtype=dtype)[rows]

        return cls(codes[rows], day, column("Outcome", object), column("Step", object),
                   column("_attempt", bool), column("_completes", bool), len(uniques), second)

    def outcome_in(self, outcomes) -> np.ndarray:
        wanted = [i for i, value in enumerate(self._outcomes) if value in outcomes]
        return np.isin(self._outcome_codes, wanted)

    def step_is(self, code: str) -> np.ndarray:
        wanted = [i for i, value in enumerate(self._steps) if value == code]
        return np.isin(self._step_codes, wanted)

    def reduce(self, rows: np.ndarray, how: str) -> np.ndarray:
        """Per lead code: the min / max / last day of the selected rows, or how many there are."""
        code = self.code[rows]
        if how == "size":
            return np.bincount(code, minlength=self.leads)
        if how == "last":
            return _pick(self.day, self._last_position(rows), np.nan)
        if how == "last second":  # the latest row's full timestamp, in seconds
            return _pick(self.second, self._last_position(rows), np.nan)
        out = np.full(self.leads, np.inf if how == "min" else -np.inf)
        (np.minimum if how == "min" else np.maximum).at(out, code, self.day[rows])
        out[np.isinf(out)] = np.nan
        return out

    def last_outcome(self, rows: np.ndarray | None) -> np.ndarray:
        """Per lead code: the outcome of the latest selected row (None when there is none)."""
        last = self._last_position(np.ones(len(self.code), dtype=bool) if rows is None else rows)
        picked = _pick(self._outcome_codes, last, -1)
        return _pick(np.asarray(self._outcomes, dtype=object), picked, None)

    def _last_position(self, rows: np.ndarray) -> np.ndarray:
        last = np.full(self.leads, -1)
        np.maximum.at(last, self.code[rows], self._positions[rows])
        return last


def _pick(values: np.ndarray, positions: np.ndarray, blank: object) -> np.ndarray:
    """values[positions], with `blank` where a position is -1."""
    padded = np.append(values, np.array([blank], dtype=values.dtype if blank is not None else object))
    return padded[np.where(positions >= 0, positions, len(values))]


def compute_cadence(leads: pd.DataFrame, activity: pd.DataFrame, plan: Plan, settings: Settings,
                    today: pd.Timestamp) -> pd.DataFrame:
    """Stage, next step, channel and due date for every lead row.

    `leads`: index = sheet row; columns `_key` (Lead ID text), channel reasons from `channel_availability`
    (`_no_Call` ... `_no_Letter`: "" when allowed), Meeting Date, Received, `_sale_date`, `_redemption_known`,
    `_redemption_ends`, Days to Sale. `activity`: `_key`, `_ts` (datetime), Step, Channel, Direction, Outcome
    (validated), as classified by `classify_activity`.
    """
    idx = leads.index
    keys = leads["_key"]
    today_day = float(np.datetime64(today.normalize(), "D").astype("int64"))
    # leads and ledger rows share integer codes for their Lead ID, so every per-lead figure is a numpy take
    codes_of_leads, uniques = pd.factorize(keys)
    has_key = codes_of_leads >= 0
    ledger = _Ledger.of(activity, uniques)
    lead_at = np.maximum(codes_of_leads, 0)

    def per_lead(per_code: np.ndarray, blank: object = np.nan) -> np.ndarray:
        return np.where(has_key, per_code[lead_at], blank)

    attempts = ledger.attempt
    completes = ledger.completes
    day1 = per_lead(ledger.reduce(attempts, "min"))
    touches = per_lead(ledger.reduce(attempts, "size"), 0).astype(int)
    last_touch = per_lead(ledger.reduce(attempts, "max"))
    last_outcome = per_lead(ledger.last_outcome(~ledger.outcome_in(RECORDS)), None)
    last_completed = per_lead(ledger.reduce(completes, "max"))

    # completion date of each sequence step: a (leads x steps) matrix
    codes = [s.code for s in plan.sequence]
    done = np.column_stack([per_lead(ledger.reduce(completes & ledger.step_is(code), "min")) for code in codes]) \
        if codes else np.empty((len(idx), 0))
    offsets = np.array([s.day for s in plan.sequence], dtype=float)

    # the latest decisive outcome (meeting, pause, listing, end) and the latest sign of engagement
    major = ledger.outcome_in(MAJOR)
    major_outcome = per_lead(ledger.last_outcome(major), None)
    major_day = per_lead(ledger.reduce(major, "last"))
    engaged_day = per_lead(ledger.reduce(ledger.outcome_in(ENGAGED), "max"))
    # a pause and what ends it can fall on one day, so they are ordered by their full timestamps
    major_second = per_lead(ledger.reduce(major, "last second"))
    engaged_second = per_lead(ledger.reduce(ledger.outcome_in(ENGAGED), "last second"))
    reengage_second = per_lead(ledger.reduce(completes & ledger.step_is(plan.reengage.code), "last second"))
    nurture_count = per_lead(ledger.reduce(completes & ledger.step_is(plan.nurture.code), "size"), 0).astype(int)

    available = leads[[REASON_PREFIX + c for c in CHANNEL_ORDER]].eq("")
    available.columns = list(CHANNEL_ORDER)
    any_channel = available.any(axis=1).to_numpy()

    # --- sequence position ---
    not_done = np.isnan(done)
    has_pending = not_done.any(axis=1)
    k = np.where(has_pending, not_done.argmax(axis=1), len(codes))
    k_safe = np.minimum(k, len(codes) - 1)
    base_due = day1 + offsets[k_safe] - 1
    prev_done = np.where(k > 0, done[np.arange(len(idx)), np.maximum(k - 1, 0)] + 1, np.nan)
    seq_due = np.fmax(base_due, prev_done)

    # --- nurture rhythm, compressed near the sale ---
    days_to_sale = _days(leads["_sale_date"]) - today_day  # a scheduled sale, never an estimate
    interval = np.full(len(idx), float(plan.nurture.day))
    near = ~np.isnan(days_to_sale) & (days_to_sale >= 0)
    interval[near & (days_to_sale <= settings.compress_within_days)] = min(
        settings.compressed_interval_days, plan.nurture.day)
    interval[near & (days_to_sale <= settings.daily_within_days)] = 1
    nurture_due = last_completed + interval

    # --- pause and re-engagement ---
    major_arr = major_outcome
    paused = np.isin(major_arr, list(PAUSING))
    came_back = paused & (engaged_second > major_second)
    reengaged_after = paused & (reengage_second > major_second)
    resumed = came_back | reengaged_after
    pause_ends = major_day + plan.reengage.day
    still_paused = paused & ~resumed

    new = np.isnan(day1)
    in_sequence = ~new & has_pending & ~resumed
    in_nurture = ~new & (~has_pending | resumed)

    next_step = np.full(len(idx), "", dtype=object)
    due = np.full(len(idx), np.nan)
    next_step[new] = codes[0]
    due[new] = today_day
    seq_codes = np.array(codes, dtype=object)
    next_step[in_sequence] = seq_codes[k_safe[in_sequence]]
    due[in_sequence] = seq_due[in_sequence]
    next_step[in_nurture] = plan.nurture.code
    due[in_nurture] = nurture_due[in_nurture]
    next_step[still_paused] = plan.reengage.code
    due[still_paused] = pause_ends[still_paused]

    met_after = per_lead(ledger.reduce(completes & ledger.step_is(MEETING), "max"))
    meeting_set = (major_arr == "Meeting Set") & ~(met_after >= major_day)
    meeting_day = _days(leads["Meeting Date"])
    next_step[meeting_set] = MEETING
    due[meeting_set] = np.where(np.isnan(meeting_day[meeting_set]), today_day, meeting_day[meeting_set])

    # --- stage ---
    stage = np.full(len(idx), "Cadence", dtype=object)
    stage[in_nurture] = "Nurture"
    stage[new] = "New"
    engaged = ~np.isnan(engaged_day) & ~still_paused
    stage[engaged & ~new] = "Engaged"
    stage[still_paused & (today_day < pause_ends)] = "Paused"
    stage[still_paused & (today_day >= pause_ends)] = "Nurture"
    stage[meeting_set] = "Meeting Set"
    no_contact = ~any_channel & ~meeting_set
    stage[no_contact] = "Needs Contact Info"

    sale_day = _days(leads["_sale_date"])
    redemption_end = _days(leads["_redemption_ends"])
    sale_passed = ~np.isnan(sale_day) & (sale_day < today_day)
    in_redemption = sale_passed & leads["_redemption_known"].to_numpy(dtype=bool) & (
        redemption_end > sale_day) & (redemption_end >= today_day)
    stage[in_redemption & ~no_contact] = "Redemption"
    stage[sale_passed & ~in_redemption] = "Sale Passed"
    listed = np.isin(major_arr, list(LISTED))
    stage[listed] = "Listed"
    for outcome, name in TERMINAL.items():
        stage[major_arr == outcome] = name
    stopped = np.isin(stage, ["Sale Passed", "Listed", "Closed", "Lost", "Do Not Contact", "Needs Contact Info"])
    next_step[stopped] = ""
    due[stopped] = np.nan

    # --- channels for the step ---
    next_channel = np.full(len(idx), "", dtype=object)
    for step in plan.sequence + (plan.nurture, plan.reengage):
        rows = next_step == step.code
        if rows.any():
            start = nurture_count[rows] if step.code == plan.nurture.code else None
            next_channel[rows] = _choose(available[rows], step, start)
    next_channel[next_step == MEETING] = "Meeting"

    overdue = np.where(np.isnan(due), np.nan, np.maximum(today_day - due, 0))
    cadence_day = np.where(new | stopped, np.nan, today_day - day1 + 1)

    out = pd.DataFrame(index=idx)
    out["Stage"] = stage
    out["Cadence Day"] = cadence_day
    out["Next Step"] = next_step
    out["Next Channel"] = next_channel
    out["Due Date"] = _dates(due, idx)
    out["Days Overdue"] = overdue
    out["Touches"] = touches
    out["Last Touch"] = _dates(last_touch, idx)
    out["Last Outcome"] = pd.Series(last_outcome, index=idx, dtype=object)
    out["_new"] = new & ~stopped
    replied_last = last_outcome == "Replied"
    out["_replied"] = replied_last & ~stopped
    out["_engaged"] = engaged
    out["_stage_since"] = _dates(major_day, idx)  # when the latest decisive outcome (an ending) was logged
    return out

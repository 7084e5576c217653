"""Foreclosure deadlines per lead: federal Reg X dates plus the state's rules (leadtracker/rules).

`compute_deadlines` is the one entry point refresh uses. It returns, for every lead row, the computed columns of
DESIGN §6 and helper columns:

- `_sale_date`: the real, scheduled Sale Date only (never an estimate);
- `_redemption_known`: the state's post-sale redemption period is known (including known to be none);
- `_redemption_ends`: real sale + redemption period (the sale date itself when there is none; NaT when unknown);
- `_sale_estimated`, `_cure_estimated`, `_redemption_estimated`: which shown dates are estimates;
- `_sale_basis`: "scheduled" (the Sale Date), "law" (earliest lawful date after the latest step), "typical"
  (Fannie Mae time frame from the first missed payment), or None;
- `_deadline_issue`: a plain-words problem for the row's Data Issues (missing state, no dates, dates out of
  order), or None.

Everything is vectorised per state (at most 51 groups); business days come from the `holidays` package (US federal
holidays plus the state's own).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from .rules import RULES, CureKind, SaleDays, StateRules

DEADLINE_COLUMNS = ("Earliest Filing", "Est. Sale Date", "Days to Sale", "Cure Deadline", "Redemption Ends",
                    "Timeline Note")
HELPER_COLUMNS = ("_sale_date", "_redemption_known", "_redemption_ends", "_sale_estimated", "_cure_estimated",
                  "_redemption_estimated", "_sale_basis", "_deadline_issue")
# Reg X 12 CFR 1024.41(f)(1): no first notice or filing until the loan is more than 120 days delinquent.
REG_X_FIRST_FILING_DAYS = 121
# Reg X 12 CFR 1024.41(g): a complete application received more than 37 days before a sale blocks that sale.
REG_X_LOSS_MIT_DAYS = 37
REG_X_FILING_CITATION = "12 CFR 1024.41(f)"
REG_X_LOSS_MIT_CITATION = "12 CFR 1024.41(g)"
DATE_INPUTS = ("Default Date", "Notice Date", "Filing Date", "Sale Date")
_D = "datetime64[D]"
_NS = "datetime64[ns]"


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def fmt_date(value: object) -> str:
    """A date as people write it: 'Tue Jun 9, 2026' (no platform-specific strftime flags)."""
    day = pd.Timestamp(value).date()  # type: ignore[arg-type]
    return _label(day.toordinal() - _EPOCH_ORDINAL)


@lru_cache(maxsize=65536)
def _label(epoch_day: int) -> str:
    day = dt.date.fromordinal(epoch_day + _EPOCH_ORDINAL)
    return f"{_WEEKDAYS[day.weekday()]} {_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _fmt_many(days: np.ndarray) -> np.ndarray:
    """Format an array of datetime64[D] (NaT allowed) via its unique values: fast on 100k rows."""
    codes, uniques = pd.factorize(days)
    labels = np.array([_label(int(u)) for u in np.asarray(uniques, dtype=_D).astype(np.int64)] + [""], dtype=object)
    return labels[codes]  # code -1 (NaT) picks the trailing ""


@lru_cache(maxsize=256)
def holiday_days(state: str, first_year: int, last_year: int) -> np.ndarray:
    """US federal holidays plus the state's own, as sorted datetime64[D], for the years given."""
    calendar = holidays.US(subdiv=state, years=range(first_year, last_year + 1))
    return np.array(sorted(calendar.keys()), dtype=_D)


def _year_span(*arrays: np.ndarray) -> tuple[int, int]:
    years = [a[~np.isnat(a)].astype("datetime64[Y]").astype(int) + 1970 for a in arrays]
    years = [y for y in years if y.size]
    if not years:
        return 2000, 2000
    lo, hi = min(int(y.min()) for y in years), max(int(y.max()) for y in years)
    return max(lo - 1, 1900), min(hi + 1, 2200)


def _add_offset(days: np.ndarray, months: int, extra_days: int) -> np.ndarray:
    out = days.copy()
    if months:
        out = (pd.Series(out.astype(_NS)) + pd.DateOffset(months=months)).to_numpy().astype(_D)
    return out + np.timedelta64(extra_days, "D")


def sale_days_on_or_after(days: np.ndarray, rule: SaleDays, holiday: np.ndarray,
                          effective: np.datetime64 | None = None) -> np.ndarray:
    """The first day on or after each date on which the state holds foreclosure sales."""
    ok = ~np.isnat(days)
    out = np.full(days.shape, np.datetime64("NaT"), dtype=_D)
    d = days[ok]
    if rule is SaleDays.ANY_BUSINESS_DAY:
        out[ok] = np.busday_offset(d, 0, roll="forward", holidays=holiday)
        return out
    month = d.astype("datetime64[M]")
    this_month = _first_sale_day(month, rule, effective)
    next_month = _first_sale_day(month + np.timedelta64(1, "M"), rule, effective)
    out[ok] = np.where(this_month >= d, this_month, next_month)
    return out


def _first_sale_day(month: np.ndarray, rule: SaleDays, effective: np.datetime64 | None) -> np.ndarray:
    """The sale day of each month: its first Tuesday, moved to Wednesday when that is Jan 1 or Jul 4 (TX, GA)."""
    tuesday = np.busday_offset(month.astype(_D), 0, roll="forward", weekmask="Tue")
    if rule is SaleDays.FIRST_TUESDAY_OR_WEDNESDAY_AFTER_JAN1_JUL4:
        month_day = (tuesday - tuesday.astype("datetime64[M]")).astype(int) + 1
        month_no = tuesday.astype("datetime64[M]").astype(int) % 12 + 1
        holiday = (month_no == 1) & (month_day == 1) | (month_no == 7) & (month_day == 4)
        if effective is not None:
            holiday &= tuesday >= effective
        tuesday = np.where(holiday, tuesday + np.timedelta64(1, "D"), tuesday)
    return tuesday


def cure_deadlines(rules: StateRules, sale: np.ndarray, notice: np.ndarray, filing: np.ndarray,
                   holiday: np.ndarray) -> np.ndarray:
    """The last day to cure under the state's rule, as datetime64[D] (NaT where its anchor date is missing)."""
    rule = rules.cure_rule
    out = np.full(sale.shape, np.datetime64("NaT"), dtype=_D)
    if rule is None:
        return out
    if rule.kind is CureKind.CALENDAR_DAYS_BEFORE_SALE:
        return sale - np.timedelta64(rule.days, "D")
    if rule.kind is CureKind.DAYS_AFTER_NOTICE:
        return notice + np.timedelta64(rule.days, "D")
    if rule.kind is CureKind.DAYS_AFTER_FILING:
        return filing + np.timedelta64(rule.days, "D")
    ok = ~np.isnat(sale)
    if rule.kind is CureKind.BUSINESS_DAYS_BEFORE_SALE:
        # "n business days before the sale": step back n days that are neither weekends nor holidays.
        out[ok] = np.busday_offset(sale[ok], -rule.days, roll="forward", holidays=holiday)
    elif rule.kind is CureKind.LAST_NON_SATURDAY_NON_HOLIDAY_BEFORE_SALE:
        # AZ 33-813(A): the last day before the sale that is not a Saturday or legal holiday. Sundays are legal
        # holidays in Arizona (A.R.S. 1-301(A)(1)), so the day is the previous Monday-to-Friday non-holiday.
        out[ok] = np.busday_offset(sale[ok], -1, roll="forward", weekmask="Mon Tue Wed Thu Fri", holidays=holiday)
    return out


def _as_days(series: pd.Series) -> np.ndarray:
    values = pd.to_datetime(series, errors="coerce")
    return values.to_numpy(dtype=_NS).astype(_D)


def _to_series(days: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series(days.astype(_NS), index=index)


def compute_deadlines(leads: pd.DataFrame, today: pd.Timestamp) -> pd.DataFrame:
    """Deadline columns for parsed lead rows (State, Default Date, Notice Date, Filing Date, Sale Date)."""
    index = leads.index
    n = len(index)
    today_d = np.datetime64(pd.Timestamp(today).date(), "D")
    state = leads["State"].astype(object)
    default, notice, filing, sale = (_as_days(leads[c]) for c in DATE_INPUTS)
    nat = np.full(n, np.datetime64("NaT"), dtype=_D)

    known_state = state.isin(list(RULES)).to_numpy(dtype=bool)
    no_dates = np.isnat(default) & np.isnat(notice) & np.isnat(filing) & np.isnat(sale)
    issue = np.full(n, None, dtype=object)
    note = np.full(n, None, dtype=object)
    out_of_order = np.zeros(n, dtype=bool)
    for label, values in (("Sale Date", sale), ("Filing Date", filing), ("Notice Date", notice)):
        mask = ~np.isnat(default) & (values < default)
        fresh = mask & ~out_of_order
        if fresh.any():
            issue[fresh] = _messages(f"{label} ", _fmt_many(values[fresh]),
                                     " is before the Default Date; check both dates (deadlines left blank)")
            note[fresh] = f"No deadlines: the {label} is before the Default Date (see Data Issues)."
        out_of_order |= mask
    missing_state = ~known_state & ~out_of_order
    issue[missing_state & ~no_dates] = ("Foreclosure deadlines need the property's State (a two-letter code like "
                                        "FL); deadlines left blank until it is filled in")
    issue[no_dates & ~out_of_order] = ("Foreclosure deadlines need at least one of Default Date, Notice Date, "
                                       "Filing Date or Sale Date")
    note[missing_state & ~no_dates] = "No deadlines: the State is missing or not a US state (see Data Issues)."
    note[no_dates] = "No deadlines: no Default, Notice, Filing or Sale Date on file."

    usable = known_state & ~out_of_order & ~no_dates
    default_ok = np.where(usable, default, nat)  # bad or missing inputs: every deadline cell stays blank
    earliest_filing = default_ok + np.timedelta64(REG_X_FIRST_FILING_DAYS, "D")

    est_sale, cure, red_show, red_real = nat.copy(), nat.copy(), nat.copy(), nat.copy()
    sale_est = np.zeros(n, dtype=bool)
    cure_est = np.zeros(n, dtype=bool)
    basis = np.full(n, None, dtype=object)
    red_known = np.zeros(n, dtype=bool)
    codes = state.to_numpy(dtype=object)
    for code in pd.unique(codes[known_state]):
        rows = np.flatnonzero(codes == code)
        rules = RULES[code]
        red_known[rows] = rules.redemption_period is not None
        if rules.redemption_period is not None:
            real = sale[rows]
            red_real[rows] = _add_offset(real, rules.redemption_period.months, rules.redemption_period.days)
        rows = rows[usable[rows]]
        if not rows.size:
            continue
        parts = _state_deadlines(rules, default[rows], notice[rows], filing[rows], sale[rows], today_d)
        est_sale[rows], sale_est[rows], cure[rows], cure_est[rows], red_show[rows], row_notes, row_basis = parts
        basis[rows] = row_basis
        note[rows] = row_notes

    days_to_sale = (est_sale - today_d).astype("timedelta64[D]").astype(float)
    days_to_sale[np.isnat(est_sale)] = np.nan

    out = pd.DataFrame(index=index)
    out["Earliest Filing"] = _to_series(earliest_filing, index)
    out["Est. Sale Date"] = _to_series(est_sale, index)
    out["Days to Sale"] = pd.Series(days_to_sale, index=index)
    out["Cure Deadline"] = _to_series(cure, index)
    out["Redemption Ends"] = _to_series(red_show, index)
    out["Timeline Note"] = pd.Series(note, index=index, dtype=object)
    out["_sale_date"] = _to_series(sale, index)
    out["_redemption_known"] = pd.Series(red_known, index=index)
    out["_redemption_ends"] = _to_series(red_real, index)
    out["_sale_estimated"] = pd.Series(sale_est, index=index)
    out["_cure_estimated"] = pd.Series(cure_est & ~np.isnat(cure), index=index)
    out["_redemption_estimated"] = pd.Series(sale_est & ~np.isnat(red_show), index=index)
    out["_sale_basis"] = pd.Series(basis, index=index, dtype=object)
    out["_deadline_issue"] = pd.Series(issue, index=index, dtype=object)
    return out


def _messages(prefix: str, middle: np.ndarray, suffix: str) -> np.ndarray:
    return np.asarray(prefix + middle.astype(object) + suffix, dtype=object)


def _state_deadlines(rules: StateRules, default: np.ndarray, notice: np.ndarray, filing: np.ndarray,
                     sale: np.ndarray, today: np.datetime64):
    """Dates and notes for the rows of one state (all usable: dates in order, at least one date)."""
    n = len(default)
    nat = np.full(n, np.datetime64("NaT"), dtype=_D)
    first_year, last_year = _year_span(default, notice, filing, sale, np.array([today]))
    last_year += 4  # estimates reach a few years past the latest input
    holiday = holiday_days(rules.code, first_year, last_year)
    effective = (np.datetime64(rules.sale_days.effective, "D")
                 if rules.sale_days is not None and rules.sale_days.effective else None)

    has_sale = ~np.isnat(sale)
    # Estimate 1: the earliest the law allows after the latest public step on file.
    statutory = nat.copy()
    if rules.sale_rule is not None:
        anchor = notice if rules.sale_rule.anchor == "notice" else filing
        statutory = _add_offset(anchor, rules.sale_rule.months, rules.sale_rule.days)
    # Estimate 2: the typical total from the first missed payment (counted from the last paid installment, one
    # month before it).
    typical = nat.copy()
    if rules.estimate is not None:
        typical = _add_offset(default, -1, rules.estimate.days_from_last_paid)
    use_statutory = ~has_sale & ~np.isnat(statutory) & (statutory >= today)
    use_typical = ~has_sale & ~use_statutory & ~np.isnat(typical) & (typical >= today)
    raw_estimate = np.where(use_statutory, statutory, np.where(use_typical, typical, nat))
    snapped = sale_days_on_or_after(raw_estimate, rules.sale_days_rule, holiday, effective)
    est_sale = np.where(has_sale, sale, snapped)
    sale_est = ~has_sale & ~np.isnat(est_sale)
    stale = ~has_sale & np.isnat(est_sale) & (~np.isnat(statutory) | ~np.isnat(typical))

    cure = cure_deadlines(rules, est_sale, notice, filing, holiday)
    rule = rules.cure_rule
    sale_based = rule is not None and rule.kind in (CureKind.BUSINESS_DAYS_BEFORE_SALE,
                                                    CureKind.CALENDAR_DAYS_BEFORE_SALE,
                                                    CureKind.LAST_NON_SATURDAY_NON_HOLIDAY_BEFORE_SALE)
    cure_est = (sale_est if sale_based else np.zeros(n, dtype=bool)) | bool(rule is not None and rule.approximate)

    period = rules.redemption_period
    red_show = nat.copy()
    if period is not None and not period.none:
        red_show = _add_offset(est_sale, period.months, period.days)

    notes = _notes(rules, sale=sale, est_sale=est_sale, sale_est=sale_est, use_statutory=use_statutory,
                   snapped_moved=sale_est & (snapped != raw_estimate), stale=stale, cure=cure, cure_est=cure_est,
                   red_show=red_show, default=default, notice=notice, filing=filing)
    basis = np.full(n, None, dtype=object)
    basis[has_sale] = "scheduled"
    basis[sale_est & use_statutory] = "law"
    basis[sale_est & ~use_statutory] = "typical"
    return est_sale, sale_est, cure, cure_est, red_show, notes, basis


def _notes(rules: StateRules, *, sale, est_sale, sale_est, use_statutory, snapped_moved, stale, cure, cure_est,
           red_show, default, notice, filing) -> np.ndarray:
    """One short paragraph per row naming the rule behind each date; estimates say they are estimates."""
    n = len(sale)
    name = rules.name
    text = np.full(n, f"{name}:", dtype=object)
    has_sale = ~np.isnat(sale)

    # The sale.
    text[has_sale] = text[has_sale] + _messages(" sale scheduled for ", _fmt_many(sale[has_sale]), ".")
    if sale_est.any():
        est = _fmt_many(est_sale)
        basis = np.full(n, "", dtype=object)
        if rules.sale_rule is not None:
            step = rules.notice_means if rules.sale_rule.anchor == "notice" else "the filing"
            basis[use_statutory] = (f" (the earliest the law allows: {rules.sale_rule.length()} after {step}, "
                                    f"{rules.sale_rule.citation})")
        if rules.estimate is not None:
            basis[sale_est & ~use_statutory] = f" (from the first missed payment, using {rules.estimate.label})"
        where = ("the next business day" if rules.sale_days_rule is SaleDays.ANY_BUSINESS_DAY
                 else f"the next sale day, the {rules.sale_days_rule.value}")
        moved = np.where(snapped_moved, f", moved to {where}", "").astype(object)
        text[sale_est] = (text[sale_est] + " ESTIMATED sale date " + est[sale_est].astype(object)
                          + basis[sale_est] + moved[sale_est]
                          + " - no sale is scheduled yet, so this is an estimate.")
    no_sale = ~has_sale & ~sale_est
    text[no_sale & stale] = text[no_sale & stale] + (" no sale date is on file and the usual timeline has already "
                                                     "run out; check the county record for a scheduled sale.")
    text[no_sale & ~stale] = text[no_sale & ~stale] + " no sale date can be estimated from the dates on file."

    # The cure deadline.
    has_cure = ~np.isnat(cure)
    if rules.cure is not None and rules.cure_rule is not None:
        cure_text = _fmt_many(cure)
        label = np.where(cure_est, " Estimated cure deadline ", " Cure deadline ").astype(object)
        extra = f" ({rules.cure_rule.approximation})" if rules.cure_rule.approximate else ""
        text[has_cure] = (text[has_cure] + label[has_cure] + cure_text[has_cure].astype(object)
                          + f": {rules.cure.text}{extra}.")
        missing = ~has_cure
        text[missing] = text[missing] + " Cure deadline: needs the date its rule counts from."
    else:
        why = next((u for u in rules.unknowns if u.startswith("cure")), "cure deadline: not on file")
        text = text + f" No cure deadline shown: {why.removeprefix('cure deadline: ')}."

    # Redemption after the sale.
    period = rules.redemption_period
    if period is None:
        why = next((u for u in rules.unknowns if u.startswith("redemption")), "not on file")
        text = text + f" Redemption after the sale is unknown ({why.removeprefix('redemption after the sale: ')})."
    elif period.none:
        text = text + f" {period.describe()}."
    else:
        has_red = ~np.isnat(red_show)
        label = np.where(sale_est, " Estimated redemption end ", " Redemption ends ").astype(object)
        text[has_red] = (text[has_red] + label[has_red] + _fmt_many(red_show)[has_red].astype(object)
                         + f": {period.describe()}.")
        text[~has_red] = text[~has_red] + f" {period.describe()}."

    # Federal lines: the 37-day loss-mitigation line for a scheduled sale, and the first filing date.
    if has_sale.any():
        line = sale - np.timedelta64(REG_X_LOSS_MIT_DAYS, "D")
        text[has_sale] = text[has_sale] + _messages(
            " A complete loss-mitigation application received before ", _fmt_many(line[has_sale]),
            f" (37 days before the sale) must be reviewed before any sale ({REG_X_LOSS_MIT_CITATION}).")
    first_step_missing = np.isnat(notice) & np.isnat(filing) & ~has_sale & ~np.isnat(default)
    if first_step_missing.any():
        first = default + np.timedelta64(REG_X_FIRST_FILING_DAYS, "D")
        text[first_step_missing] = text[first_step_missing] + _messages(
            " First filing allowed from ", _fmt_many(first[first_step_missing]),
            f" (more than 120 days after the first missed payment, {REG_X_FILING_CITATION}).")
    return text

"""Foreclosure deadlines per lead: federal Reg X dates plus the state's rules (leadtracker/rules).

`compute_deadlines` is the one entry point refresh uses. It returns, for every lead row, the computed columns of
DESIGN §6 and two helper columns the cadence needs: `_sale_date` (a real, scheduled sale only) and
`_redemption_known` (whether the state's post-sale redemption period is known).
"""

from __future__ import annotations

import pandas as pd

from .rules import redemption_period

DEADLINE_COLUMNS = ("Earliest Filing", "Est. Sale Date", "Days to Sale", "Cure Deadline", "Redemption Ends",
                    "Timeline Note")
# Reg X 12 CFR 1024.41(f)(1): no first notice or filing until the loan is more than 120 days delinquent.
REG_X_FIRST_FILING_DAYS = 121


def compute_deadlines(leads: pd.DataFrame, today: pd.Timestamp) -> pd.DataFrame:
    """Deadline columns for parsed lead rows (State, Default Date, Notice Date, Filing Date, Sale Date)."""
    out = pd.DataFrame(index=leads.index)
    default_date = leads["Default Date"]
    sale = leads["Sale Date"]
    out["Earliest Filing"] = default_date + pd.Timedelta(days=REG_X_FIRST_FILING_DAYS)
    out["Est. Sale Date"] = sale
    out["Days to Sale"] = (sale - today).dt.days
    out["Cure Deadline"] = pd.Series(pd.NaT, index=leads.index, dtype="datetime64[ns]")

    periods = leads["State"].map(redemption_period)
    known = periods.notna()
    redemption_ends = pd.Series(pd.NaT, index=leads.index, dtype="datetime64[ns]")
    for state_period in periods[known & sale.notna()].unique():
        rows = (periods == state_period) & sale.notna()
        redemption_ends[rows] = sale[rows] + state_period.offset
    out["Redemption Ends"] = redemption_ends.where(redemption_ends > sale)
    out["_sale_date"] = sale
    out["_redemption_known"] = known
    out["_redemption_ends"] = redemption_ends

    notes = pd.Series("", index=leads.index, dtype=object)
    has_default = default_date.notna()
    notes[has_default] = "Earliest first filing: 121 days after the first missed payment (12 CFR 1024.41(f))."
    passed = sale.notna() & (sale < today)
    notes[passed & known] = [
        (p.describe() + ".") for p in periods[passed & known]]
    notes[passed & ~known] = "Sale date has passed; this state's redemption period is not on file."
    out["Timeline Note"] = notes.where(notes != "", None)
    return out

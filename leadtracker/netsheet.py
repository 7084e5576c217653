"""The seller's net sheet: what a sale at market value would leave the owner after the loan, liens and costs.

    Est. Equity = value − Loan Balance − Other Liens − commission − closing costs − marketing

The value is the lead's CMA Mid; a lead without one uses the Est. Value on its row (the agent's or the vendor's
figure) and says so. Commission and closing costs are percentages of the value and marketing a dollar amount,
all from the Settings sheet. A negative equity means the sale would not pay off what is owed: Short Sale Likely.
An unknown Loan Balance leaves the equity unknown (blank), never assumed to be zero; blank Other Liens count as
none. `net_sheet` works on whole columns for the refresh; `net_sheet_lines` gives one lead's breakdown for letters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .settings import Settings

BASIS_CMA = "CMA Mid"
BASIS_EST_VALUE = "Est. Value"


def net_sheet(cma_mid: pd.Series, est_value: pd.Series, loan: pd.Series, liens: pd.Series,
              settings: Settings) -> pd.DataFrame:
    """Per lead: value basis, value, costs, equity and Short Sale Likely ("Yes"/"No"/None when unknown)."""
    mid = pd.to_numeric(cma_mid, errors="coerce").astype(float)
    fallback = pd.to_numeric(est_value, errors="coerce").astype(float)
    value = mid.where(mid.notna(), fallback)
    basis = np.full(len(mid), None, dtype=object)
    basis[fallback.notna().to_numpy()] = BASIS_EST_VALUE
    basis[mid.notna().to_numpy()] = BASIS_CMA
    commission = value * settings.commission_pct / 100.0
    closing = value * settings.closing_cost_pct / 100.0
    marketing = pd.Series(np.where(value.notna(), settings.marketing_cost, np.nan), index=value.index)
    owed = pd.to_numeric(loan, errors="coerce").astype(float)
    other = pd.to_numeric(liens, errors="coerce").astype(float).fillna(0.0)
    equity = (value - owed - other - commission - closing - marketing).round(0)
    short = np.full(len(equity), None, dtype=object)
    short[(equity >= 0).to_numpy()] = "No"
    short[(equity < 0).to_numpy()] = "Yes"
    return pd.DataFrame({"basis": pd.Series(basis, index=value.index, dtype=object), "value": value, "commission": commission, "closing_costs": closing,
                         "marketing": marketing, "loan_balance": owed, "other_liens": other,
                         "equity": equity, "short_sale_likely": pd.Series(short, index=value.index, dtype=object)})


@dataclass(frozen=True)
class NetSheetLine:
    label: str
    amount: float | None  # negative for what comes off the sale price


@dataclass(frozen=True)
class NetSheet:
    basis: str | None
    lines: tuple[NetSheetLine, ...]
    equity: float | None
    short_sale_likely: bool | None


def net_sheet_lines(lead: pd.Series | dict, settings: Settings) -> NetSheet:
    """One lead's net sheet, line by line, for the Day 5 options letter ("with their own numbers")."""
    get = lead.get
    frame = net_sheet(pd.Series([get("CMA Mid")]), pd.Series([get("Est. Value")]), pd.Series([get("Loan Balance")]),
                      pd.Series([get("Other Liens")]), settings).iloc[0]
    if frame["basis"] is None:
        return NetSheet(None, (), None, None)

    def amount(value: float) -> float | None:
        return None if value != value else float(value)

    lines = (
        NetSheetLine(f"Estimated sale price ({frame['basis']})", amount(frame["value"])),
        NetSheetLine(f"Commission ({settings.commission_pct:g}%)", -frame["commission"]),
        NetSheetLine(f"Closing costs ({settings.closing_cost_pct:g}%)", -frame["closing_costs"]),
        NetSheetLine("Marketing and preparation", -frame["marketing"]),
        NetSheetLine("Loan balance", amount(-frame["loan_balance"])),
        NetSheetLine("Other liens", -frame["other_liens"]),
    )
    equity = amount(frame["equity"])
    return NetSheet(frame["basis"], lines, equity, None if equity is None else equity < 0)

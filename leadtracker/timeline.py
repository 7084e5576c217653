"""A homeowner's own foreclosure timeline as a table (stage, date, what it means, source): for letters and the CLI.

Built from the same computation as the sheet (`compute_deadlines`) plus the state's sourced figures, so a letter
never says anything the sheet does not. Estimated dates carry `Estimate = True` and say so in their words.
"""

from __future__ import annotations

import pandas as pd

from .deadlines import REG_X_FIRST_FILING_DAYS, REG_X_LOSS_MIT_DAYS, compute_deadlines
from .rules import RULES, rules_for

TIMELINE_COLUMNS = ("Stage", "Date", "Estimate", "What it means", "Source")
REG_X_39 = "12 CFR 1024.39 (Regulation X)"
REG_X_41F = "12 CFR 1024.41(f) (Regulation X)"
REG_X_41G = "12 CFR 1024.41(g) (Regulation X)"


def _ts(value: object) -> pd.Timestamp:
    if value is None or value is pd.NaT:
        return pd.NaT  # type: ignore[return-value]
    return pd.Timestamp(value)  # type: ignore[arg-type]


def lead_timeline(state: object, today: object, default_date: object = None, notice_date: object = None,
                  filing_date: object = None, sale_date: object = None) -> pd.DataFrame:
    """The dated steps of one lead's foreclosure, in date order, then the steps whose date is unknown."""
    lead = pd.DataFrame({"State": [state if isinstance(state, str) else None],
                         "Default Date": [_ts(default_date)], "Notice Date": [_ts(notice_date)],
                         "Filing Date": [_ts(filing_date)], "Sale Date": [_ts(sale_date)]})
    for column in ("Default Date", "Notice Date", "Filing Date", "Sale Date"):
        lead[column] = lead[column].astype("datetime64[ns]")
    row = compute_deadlines(lead, pd.Timestamp(today)).iloc[0]
    rules = rules_for(state)
    steps: list[tuple[str, object, bool, str, str]] = []

    default = lead.at[0, "Default Date"]
    if pd.notna(default):
        steps.append(("First missed payment", default, False, "The payment that was not made (Default Date).",
                      "Lead record"))
        steps.append(("Servicer contact", default + pd.Timedelta(days=36), False,
                      "By now the servicer must try to reach the owner live, and by day 45 send a written "
                      "notice of loss-mitigation options.", REG_X_39))
        steps.append(("Earliest first filing", row["Earliest Filing"], False,
                      f"No foreclosure notice or filing may be made before the loan is more than 120 days late "
                      f"({REG_X_FIRST_FILING_DAYS} days after the missed payment).", REG_X_41F))
    if rules is not None:
        if pd.notna(lead.at[0, "Notice Date"]):
            steps.append(("Notice on record", lead.at[0, "Notice Date"], False,
                          f"In {rules.name} this is {rules.notice_means}.", "Lead record"))
        if pd.notna(lead.at[0, "Filing Date"]):
            steps.append(("Filing on record", lead.at[0, "Filing Date"], False,
                          "The foreclosure filing on record.", "Lead record"))
        if rules.cure is not None:
            estimate = bool(row["_cure_estimated"])
            prefix = "Estimated: " if estimate else ""
            if pd.isna(row["Cure Deadline"]):
                why = next((u for u in rules.unknowns if u.startswith("cure")), "cure deadline: not computed")
                prefix = f"No date: {why.removeprefix('cure deadline: ')}. "
            steps.append(("Last day to cure", row["Cure Deadline"], estimate, prefix + rules.cure.text + ".",
                          rules.cure.citation))
        sale = row["_sale_date"]
        if pd.notna(sale):
            steps.append(("Loss-mitigation deadline", sale - pd.Timedelta(days=REG_X_LOSS_MIT_DAYS), False,
                          "A complete loss-mitigation application received before this date must be reviewed "
                          "before any sale.", REG_X_41G))
        est_sale = row["Est. Sale Date"]
        basis = row["_sale_basis"]
        if basis == "scheduled":
            what, source = "The scheduled foreclosure sale.", "Lead record"
        elif basis == "law" and rules.sale_rule is not None and rules.notice_to_sale is not None:
            what = ("ESTIMATED sale date: no sale is scheduled yet; this is the earliest the law allows. "
                    + rules.notice_to_sale.text + ".")
            source = rules.notice_to_sale.citation
        elif basis == "typical" and rules.typical_total is not None:
            what = "ESTIMATED sale date: no sale is scheduled yet. " + rules.typical_total.text + "."
            source = rules.typical_total.citation
        else:
            what, source = "No sale is scheduled and none can be estimated from the dates on file.", "Not on file"
        if rules.sale_days is not None and pd.notna(est_sale):
            what += f" {rules.sale_days.text}."
            source = f"{source}; {rules.sale_days.citation}"
        steps.append(("Foreclosure sale", est_sale, bool(row["_sale_estimated"]), what, source))
        period = rules.redemption_period
        if period is None:
            why = next((u for u in rules.unknowns if u.startswith("redemption")), "no reliable source")
            steps.append(("Redemption after the sale", pd.NaT, False,
                          f"Unknown: {why.removeprefix('redemption after the sale: ')}.", "Not on file"))
        elif not period.none:
            estimated = bool(row["_redemption_estimated"])
            steps.append(("Redemption ends", row["Redemption Ends"], estimated,
                          ("Estimated: " if estimated else "") + rules.redemption.text + ".",
                          rules.redemption.citation))
        else:
            steps.append(("Redemption after the sale", pd.NaT, False, rules.redemption.text + ".",
                          rules.redemption.citation))
    table = pd.DataFrame(steps, columns=list(TIMELINE_COLUMNS))
    table["Date"] = pd.to_datetime(table["Date"]).astype("datetime64[ns]")
    table["_undated"] = table["Date"].isna()
    return (table.sort_values(["_undated", "Date"], kind="stable").drop(columns="_undated")
            .reset_index(drop=True))


__all__ = ["TIMELINE_COLUMNS", "lead_timeline", "RULES"]

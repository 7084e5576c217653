"""The Dashboard sheet: leads by stage and touches per day over the last 30 days, each with a native chart."""

from __future__ import annotations

import pandas as pd

from .schema import SHEET_DASHBOARD, STAGES
from .store import ChartSpec, ToolSheet

DAYS = 30


def build_dashboard(cadence: pd.DataFrame, activity: pd.DataFrame, today: pd.Timestamp) -> ToolSheet:
    by_stage = cadence["Stage"].value_counts().reindex(list(STAGES), fill_value=0)
    days = pd.date_range(today - pd.Timedelta(days=DAYS - 1), today, freq="D")
    attempts = activity[activity["_attempt"]] if len(activity) else activity
    per_day = (attempts["_ts"].dt.normalize().value_counts() if len(attempts) else pd.Series(dtype=int))
    per_day = per_day.reindex(days, fill_value=0)
    rows = max(len(by_stage), len(days))
    frame = pd.DataFrame({
        "Stage": list(by_stage.index) + [None] * (rows - len(by_stage)),
        "Leads": [int(v) for v in by_stage.to_numpy()] + [None] * (rows - len(by_stage)),
        " ": [None] * rows,
        "Date": list(days) + [None] * (rows - len(days)),
        "Touches": [int(v) for v in per_day.to_numpy()] + [None] * (rows - len(days)),
    })
    due_today = int(((cadence["Due Date"] == today) & cadence["Next Step"].ne("")).sum())
    overdue = int(((cadence["Due Date"] < today) & cadence["Next Step"].ne("")).sum())
    title = (f"{len(cadence)} leads · {int(cadence['_new'].sum())} new · {due_today} due today · "
             f"{overdue} overdue · as of {today:%Y-%m-%d}")
    charts = (
        ChartSpec("bar", "Leads by stage", "Stage", "Leads", "H3", 0, len(by_stage), y_title="Leads"),
        ChartSpec("line", f"Touches per day, last {DAYS} days", "Date", "Touches", "H20", 0, len(days),
                  y_title="Touches"),
    )
    return ToolSheet(SHEET_DASHBOARD, frame.astype(object).where(frame.notna(), None),
                     number_formats={"Date": "mmm d"}, widths={"Stage": 20, "Leads": 8, " ": 3, "Date": 10,
                                                               "Touches": 9},
                     charts=charts, title=title)

"""State foreclosure rules as data: one record per jurisdiction, each figure with its source.

This first cut carries only the post-sale redemption period, which the cadence needs to tell Redemption from
Sale Passed. A state whose period is not well sourced stays unknown (None), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class RedemptionPeriod:
    months: int
    days: int
    source: str
    confidence: str

    @property
    def offset(self) -> pd.DateOffset:
        return pd.DateOffset(months=self.months, days=self.days)

    def describe(self) -> str:
        if not self.months and not self.days:
            return f"No redemption after the sale ({self.source})"
        length = f"{self.months} months" if self.months else f"{self.days} days"
        return f"Redemption runs {length} after the sale ({self.source})"

    def __hash__(self) -> int:  # used as a group key
        return hash((self.months, self.days, self.source))


NONE = 0
REDEMPTION: dict[str, RedemptionPeriod] = {
    # Research: ../shared/reference/foreclosure_timelines.md (§4, state table) with the URLs its CSV lists.
    "AZ": RedemptionPeriod(0, 0, "A.R.S. 33-811(E)", "high"),
    "CA": RedemptionPeriod(0, 0, "Cal. Civ. Code 2924h; no redemption after a trustee sale", "high"),
    "FL": RedemptionPeriod(0, 0, "Fla. Stat. 45.0315: redemption ends when the certificate of sale is filed",
                           "high"),
    "MA": RedemptionPeriod(0, 0, "M.G.L. c. 244; no post-sale redemption", "high"),
    "MD": RedemptionPeriod(0, 0, "Md. Real Prop. 7-105; no post-sale redemption", "high"),
    "MI": RedemptionPeriod(6, 0, "MCL 600.3240(8): 6 months for most homes", "high"),
    "MN": RedemptionPeriod(6, 0, "Minn. Stat. 580.23: 6 months for most homes", "medium"),
    "NJ": RedemptionPeriod(0, 10, "N.J. Ct. R. 4:65-5: 10 days after the sheriff's sale", "high"),
    "NV": RedemptionPeriod(0, 0, "NRS 107.080; no redemption after a trustee sale", "high"),
    "NY": RedemptionPeriod(0, 0, "N.Y. RPAPL art. 13; no post-sale redemption", "high"),
    "TX": RedemptionPeriod(0, 0, "Tex. Prop. Code 51.002; no post-sale redemption for the owner", "high"),
}


def redemption_period(state: object) -> RedemptionPeriod | None:
    """The post-sale redemption period for a state code, or None when it is not known."""
    if not isinstance(state, str):
        return None
    return REDEMPTION.get(state)

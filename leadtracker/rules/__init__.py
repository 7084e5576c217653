"""State foreclosure rules as data: one record per jurisdiction (50 states + DC), each figure with its source.

`RULES` maps a two-letter code to its `StateRules` (see states.py for the records and sources.py for the
citations). A fact the research could not source reliably is None, never guessed; the record's `unknowns` says why.
"""

from __future__ import annotations

from .model import (CureKind, CureRule, Estimate, Figure, Process, RedemptionPeriod, SaleDays, SaleRule, Source,
                    StateRules)
from .states import RULES

__all__ = ["RULES", "CureKind", "CureRule", "Estimate", "Figure", "Process", "RedemptionPeriod", "SaleDays",
           "SaleRule", "Source", "StateRules", "REDEMPTION", "redemption_period", "rules_for"]

# The known post-sale redemption periods (including known-to-be-none), by state code.
REDEMPTION: dict[str, RedemptionPeriod] = {
    code: rules.redemption_period for code, rules in RULES.items() if rules.redemption_period is not None}


def rules_for(state: object) -> StateRules | None:
    """The rules for a state code, or None for a blank or unknown code."""
    if not isinstance(state, str):
        return None
    return RULES.get(state.strip().upper())


def redemption_period(state: object) -> RedemptionPeriod | None:
    """The post-sale redemption period for a state code, or None when it is not known."""
    rules = rules_for(state)
    return rules.redemption_period if rules else None

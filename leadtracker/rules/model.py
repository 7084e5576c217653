"""The shape of a state's foreclosure rules: frozen records in which every figure carries its sources.

A `Figure` is one sourced statement (for example "Reinstatement until 5 business days before the sale"). It cannot
be built without at least one `Source` and a confidence, so "a figure without a source" is unrepresentable. A fact
nobody has sourced is not a Figure at all: the field is None and the record says why in `unknowns`.

Some figures also drive date arithmetic; they carry a small typed rule next to the words (`CureRule`, `SaleRule`,
`RedemptionPeriod`, `Estimate`). The words say what the law says; the rule says what the tool computes from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

import pandas as pd

CONFIDENCE_LEVELS = ("high", "medium", "low")


@dataclass(frozen=True)
class Source:
    """Where a figure comes from: a citation a person can look up, and the address it was read at."""

    citation: str
    url: str

    def __post_init__(self) -> None:
        if not self.citation.strip() or not self.url.startswith(("http://", "https://")):
            raise ValueError(f"a source needs a citation and an http(s) URL, got {self.citation!r} {self.url!r}")


@dataclass(frozen=True)
class Figure:
    """One sourced statement about a state's foreclosure law, with how sure the research is."""

    text: str
    sources: tuple[Source, ...]
    confidence: str
    effective: dt.date | None = None  # when the rule took effect, for rules that changed over time

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a figure needs its words")
        if not self.sources or not all(isinstance(s, Source) for s in self.sources):
            raise ValueError(f"figure {self.text!r} has no source")
        if self.confidence not in CONFIDENCE_LEVELS:
            raise ValueError(f"figure {self.text!r}: confidence must be one of {CONFIDENCE_LEVELS}")

    @property
    def citation(self) -> str:
        """The citations, joined: what a letter or note prints after the rule."""
        return "; ".join(s.citation for s in self.sources)


class Process(Enum):
    JUDICIAL = "judicial"
    NON_JUDICIAL = "non-judicial"
    BOTH = "both"


class CureKind(Enum):
    """How the last day to cure (reinstate) is set, as far as the tool can compute it."""

    BUSINESS_DAYS_BEFORE_SALE = "business days before the sale"
    CALENDAR_DAYS_BEFORE_SALE = "calendar days before the sale"
    # AZ: the last day before the sale that is not a Saturday or a legal holiday (Sundays are legal holidays there).
    LAST_NON_SATURDAY_NON_HOLIDAY_BEFORE_SALE = "last day before the sale that is not a Saturday or legal holiday"
    DAYS_AFTER_NOTICE = "days after the notice"
    DAYS_AFTER_FILING = "days after the filing"


@dataclass(frozen=True)
class CureRule:
    kind: CureKind
    days: int = 0
    # True when the anchor the tool has is only an approximation of the anchor in the statute (IL counts from
    # service of the summons; the sheet only has the Filing Date), so the computed date is an estimate.
    approximate: bool = False
    approximation: str = ""


class SaleDays(Enum):
    ANY_BUSINESS_DAY = "any business day"
    FIRST_TUESDAY = "first Tuesday of the month"
    FIRST_TUESDAY_OR_WEDNESDAY_AFTER_JAN1_JUL4 = (
        "first Tuesday of the month (the Wednesday after, when that Tuesday is January 1 or July 4)")


@dataclass(frozen=True)
class SaleRule:
    """The statutory floor from the first public step (the sheet's Notice Date) to the earliest lawful sale."""

    days: int = 0
    months: int = 0
    anchor: str = "notice"  # "notice" (the sheet's Notice Date) or "filing" (the Filing Date)
    approximate: bool = False  # the sheet's date is only an approximation of the statute's anchor
    citation: str = ""  # the short statute reference a note prints, e.g. "A.R.S. 33-807(D)"

    @property
    def offset(self) -> pd.DateOffset:
        return pd.DateOffset(months=self.months, days=self.days)

    def length(self) -> str:
        parts = [f"{self.months} months"] if self.months else []
        if self.days:
            parts.append(f"{self.days} days")
        return " and ".join(parts)


@dataclass(frozen=True)
class Estimate:
    """A typical total from default to sale, used only to estimate a sale date that is not yet scheduled.

    `days_from_last_paid` counts from the due date of the last paid installment (LPI), the way Fannie Mae's
    allowable foreclosure time frames do; the first missed payment (Default Date) is one month after the LPI.
    """

    days_from_last_paid: int
    label: str  # e.g. "Fannie Mae's allowable time frame (2019 exhibit)"


@dataclass(frozen=True)
class RedemptionPeriod:
    """The owner's statutory right to redeem after the sale; zero months and days means none."""

    months: int
    days: int
    source: str
    confidence: str

    @property
    def offset(self) -> pd.DateOffset:
        return pd.DateOffset(months=self.months, days=self.days)

    @property
    def none(self) -> bool:
        return not self.months and not self.days

    def length(self) -> str:
        parts = []
        if self.months:
            parts.append(f"{self.months} month" + ("s" if self.months != 1 else ""))
        if self.days:
            parts.append(f"{self.days} day" + ("s" if self.days != 1 else ""))
        return " and ".join(parts)

    def describe(self) -> str:
        if self.none:
            return f"No redemption after the sale ({self.source})"
        return f"Redemption runs {self.length()} after the sale ({self.source})"

    def __hash__(self) -> int:  # used as a group key
        return hash((self.months, self.days, self.source))


@dataclass(frozen=True)
class StateRules:
    """One jurisdiction's foreclosure rules for residential mortgages. None means unknown, never zero."""

    code: str
    name: str
    process: Figure
    process_type: Process
    usual_process: Process
    notice_means: str  # what the sheet's Notice Date is in this state ("the recorded notice of default", ...)
    notices: tuple[Figure, ...] = ()
    notice_to_sale: Figure | None = None
    sale_rule: SaleRule | None = None
    publication: Figure | None = None
    cure: Figure | None = None
    cure_rule: CureRule | None = None
    redemption: Figure | None = None
    redemption_period: RedemptionPeriod | None = None
    mediation: Figure | None = None
    sale_days: Figure | None = None
    sale_days_rule: SaleDays = SaleDays.ANY_BUSINESS_DAY
    typical_total: Figure | None = None
    estimate: Estimate | None = None
    unknowns: tuple[str, ...] = field(default=())  # plain words: what is not known and why

    def __post_init__(self) -> None:
        if self.cure_rule is not None and self.cure is None:
            raise ValueError(f"{self.code}: a cure rule needs the sourced cure figure behind it")
        if self.redemption_period is not None and self.redemption is None:
            raise ValueError(f"{self.code}: a redemption period needs the sourced redemption figure behind it")
        if self.sale_rule is not None and not self.sale_rule.citation:
            raise ValueError(f"{self.code}: a sale rule needs its short citation")
        if self.sale_rule is not None and self.notice_to_sale is None:
            raise ValueError(f"{self.code}: a sale rule needs the sourced notice-to-sale figure behind it")
        if self.estimate is not None and self.typical_total is None:
            raise ValueError(f"{self.code}: an estimate needs the sourced typical total behind it")
        if self.sale_days_rule is not SaleDays.ANY_BUSINESS_DAY and self.sale_days is None:
            raise ValueError(f"{self.code}: a sale-day rule needs the sourced sale-day figure behind it")

    def figures(self) -> tuple[tuple[str, Figure], ...]:
        """Every known figure, named by what it is about."""
        named: list[tuple[str, Figure | None]] = [("process", self.process)]
        named += [(f"notice {i + 1}", f) for i, f in enumerate(self.notices)]
        named += [("notice to sale", self.notice_to_sale), ("publication", self.publication),
                  ("cure", self.cure), ("redemption", self.redemption), ("mediation", self.mediation),
                  ("sale days", self.sale_days), ("typical total", self.typical_total)]
        return tuple((name, fig) for name, fig in named if fig is not None)

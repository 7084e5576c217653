"""The state rules registry: every jurisdiction present, every figure sourced, unknowns stay unknown."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from leadtracker.rules import (REDEMPTION, RULES, CureKind, Figure, Process, SaleDays, Source, StateRules,
                               redemption_period, rules_for)
from leadtracker.rules.model import CONFIDENCE_LEVELS, RedemptionPeriod
from leadtracker.schema import US_STATES


def test_all_50_states_and_dc_have_a_record():
    assert set(RULES) == set(US_STATES)
    assert len(RULES) == 51
    assert "DC" in RULES
    for code, rules in RULES.items():
        assert rules.code == code
        assert rules.name == US_STATES[code]


def test_every_record_names_its_process_with_a_source():
    for rules in RULES.values():
        assert isinstance(rules.process_type, Process)
        assert isinstance(rules.usual_process, Process)
        assert rules.process.sources, rules.code
        assert rules.notice_means


def test_no_figure_lacks_a_source_or_a_confidence():
    checked = 0
    for rules in RULES.values():
        for name, figure in rules.figures():
            assert isinstance(figure, Figure), (rules.code, name)
            assert figure.sources, (rules.code, name)
            for source in figure.sources:
                assert source.citation.strip(), (rules.code, name)
                assert source.url.startswith(("http://", "https://")), (rules.code, name)
            assert figure.confidence in CONFIDENCE_LEVELS, (rules.code, name)
            checked += 1
    assert checked > 51 * 2  # process and typical total at least, for every jurisdiction


def test_a_figure_cannot_be_built_without_a_source():
    with pytest.raises(ValueError, match="no source"):
        Figure("Redemption runs 6 months", (), "high")
    with pytest.raises(ValueError, match="confidence"):
        Figure("Redemption runs 6 months", (Source("MCL 600.3240", "https://example.org/x"),), "sure")
    with pytest.raises(ValueError):
        Source("MCL 600.3240", "not a url")


def test_every_computed_rule_rests_on_a_sourced_figure():
    for rules in RULES.values():
        if rules.cure_rule is not None:
            assert rules.cure is not None, rules.code
        if rules.redemption_period is not None:
            assert rules.redemption is not None, rules.code
        if rules.sale_rule is not None:
            assert rules.notice_to_sale is not None and rules.sale_rule.citation, rules.code
        if rules.sale_days_rule is not SaleDays.ANY_BUSINESS_DAY:
            assert rules.sale_days is not None, rules.code
        assert rules.estimate is not None and rules.typical_total is not None, rules.code


def test_a_record_refuses_a_computed_rule_without_its_figure():
    base = RULES["AL"]
    with pytest.raises(ValueError, match="redemption"):
        StateRules(code="AL", name="Alabama", process=base.process, process_type=base.process_type,
                   usual_process=base.usual_process, notice_means="x",
                   redemption_period=RedemptionPeriod(12, 0, "guess", "low"))


def test_unknown_stays_unknown_and_says_why():
    # Alabama: the research found only old, conflicting tables for cure and redemption.
    al = RULES["AL"]
    assert al.cure is None and al.cure_rule is None
    assert al.redemption is None and redemption_period("AL") is None
    assert any(u.startswith("cure") for u in al.unknowns)
    assert any(u.startswith("redemption") for u in al.unknowns)
    # Colorado's owner redemption is not stated in current sources: unknown, not zero.
    assert redemption_period("CO") is None
    assert any("75 days" in u for u in RULES["CO"].unknowns)


@pytest.mark.parametrize("code, months, days", [
    ("MI", 6, 0), ("MN", 6, 0), ("NJ", 0, 10), ("WY", 3, 0),
    ("CA", 0, 0), ("AZ", 0, 0), ("TX", 0, 0), ("MD", 0, 0), ("NY", 0, 0), ("FL", 0, 0), ("MA", 0, 0),
])
def test_redemption_periods(code, months, days):
    period = redemption_period(code)
    assert period is not None
    assert (period.months, period.days) == (months, days)
    assert REDEMPTION[code] is period
    assert pd.Timestamp("2026-03-05") + period.offset == pd.Timestamp("2026-03-05") + pd.DateOffset(
        months=months, days=days)
    hash(period)


def test_redemption_period_describes_itself_with_its_statute():
    assert redemption_period("MI").describe() == (
        "Redemption runs 6 months after the sale (MCL 600.3240(8): 6 months for most homes)")
    assert redemption_period("AZ").describe().startswith("No redemption after the sale (A.R.S. 33-811(E)")
    assert redemption_period(None) is None
    assert redemption_period("ZZ") is None
    assert rules_for(" ca ").code == "CA"


@pytest.mark.parametrize("code, kind, days", [
    ("CA", CureKind.BUSINESS_DAYS_BEFORE_SALE, 5),
    ("MD", CureKind.BUSINESS_DAYS_BEFORE_SALE, 1),
    ("AZ", CureKind.LAST_NON_SATURDAY_NON_HOLIDAY_BEFORE_SALE, 0),
    ("MA", CureKind.DAYS_AFTER_NOTICE, 90),
    ("IL", CureKind.DAYS_AFTER_FILING, 90),
    ("WA", CureKind.CALENDAR_DAYS_BEFORE_SALE, 11),
])
def test_cure_rules_from_the_statutes(code, kind, days):
    rule = RULES[code].cure_rule
    assert (rule.kind, rule.days) == (kind, days)


def test_sale_day_rules_and_rules_that_changed_over_time():
    assert RULES["TX"].sale_days_rule is SaleDays.FIRST_TUESDAY_OR_WEDNESDAY_AFTER_JAN1_JUL4
    assert RULES["TX"].sale_days.effective == dt.date(2017, 9, 1)  # H.B. 1128
    assert RULES["GA"].sale_days_rule is SaleDays.FIRST_TUESDAY_OR_WEDNESDAY_AFTER_JAN1_JUL4  # O.C.G.A. 9-13-161
    ma_cure_notice = RULES["MA"].notices[0]
    assert "90-day" in ma_cure_notice.text and ma_cure_notice.effective == dt.date(2016, 1, 1)
    assert RULES["CA"].sale_days_rule is SaleDays.ANY_BUSINESS_DAY

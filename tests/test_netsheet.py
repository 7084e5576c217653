"""The seller's net sheet, worked out by hand: what a sale would leave after the loan, liens and costs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from leadtracker.netsheet import BASIS_CMA, BASIS_EST_VALUE, net_sheet, net_sheet_lines
from leadtracker.settings import Settings


def test_equity_is_mid_less_loan_liens_commission_closing_and_marketing():
    settings = Settings(commission_pct=5.0, closing_cost_pct=1.5, marketing_cost=2_000)
    net = net_sheet(pd.Series([400_000.0, None, None, 300_000.0]), pd.Series([None, 350_000.0, None, 999_999.0]),
                    pd.Series([300_000.0, 400_000.0, 100_000.0, None]), pd.Series([20_000.0, None, None, None]),
                    settings)
    # 400,000 − 300,000 − 20,000 − 20,000 (5%) − 6,000 (1.5%) − 2,000 = 52,000
    assert net.loc[0, "equity"] == 52_000 and net.loc[0, "short_sale_likely"] == "No"
    assert net.loc[0, "basis"] == BASIS_CMA
    # no CMA: the row's Est. Value; 350,000 − 400,000 − 17,500 − 5,250 − 2,000 = −74,750
    assert net.loc[1, "equity"] == -74_750 and net.loc[1, "short_sale_likely"] == "Yes"
    assert net.loc[1, "basis"] == BASIS_EST_VALUE
    # no value at all, or no loan balance: unknown, never assumed
    assert math.isnan(net.loc[2, "equity"]) and net.loc[2, "short_sale_likely"] is None
    assert math.isnan(net.loc[3, "equity"]) and net.loc[3, "short_sale_likely"] is None
    assert net.loc[3, "basis"] == BASIS_CMA  # the CMA wins over Est. Value


def test_lines_for_the_options_letter():
    sheet = net_sheet_lines({"CMA Mid": 250_000, "Est. Value": 240_000, "Loan Balance": 245_000,
                             "Other Liens": 5_000}, Settings())
    assert sheet.basis == BASIS_CMA
    assert [(line.label, line.amount) for line in sheet.lines] == [
        ("Estimated sale price (CMA Mid)", 250_000), ("Commission (6%)", -15_000), ("Closing costs (2%)", -5_000),
        ("Marketing and preparation", -1_500), ("Loan balance", -245_000), ("Other liens", -5_000)]
    assert sheet.equity == pytest.approx(-21_500) and sheet.short_sale_likely is True
    assert sum(line.amount for line in sheet.lines) == pytest.approx(sheet.equity)
    empty = net_sheet_lines({}, Settings())
    assert empty.basis is None and empty.lines == () and empty.equity is None

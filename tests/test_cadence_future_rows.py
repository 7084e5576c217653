"""An Activity row dated more than a day after the refresh (a typo such as 2027 for 2026) is reported in its lead's
Data Issues and left out of the engine, as a row whose Timestamp is not a date is.

Expectations are worked out by hand from the default plan (D1 Letter + Email, D2 Call) on TODAY = Sunday
2026-11-29 at 9:00 AM. The leads carry no foreclosure dates, so every Data Issues cell also says so (NO_DATES)."""

from __future__ import annotations

import datetime as dt

from builders import TODAY, computed, days_ago, lead, row_of, touch
from test_cadence_undelivered import NO_DATES, expected, shown


def test_a_row_dated_next_year_is_reported_in_its_lead_and_ignored():
    result = computed([lead("L-1")], [touch("L-1", "D1", days_ago(-365))])
    assert shown(result) == expected(
        "New", "D1", "Letter + Email", "2026-11-29",
        f"Activity row 2: Timestamp 2027-11-29 is in the future; row ignored; {NO_DATES}")
    assert row_of(result, "L-1")["Touches"] == 0


def test_a_row_stamped_later_today_is_a_touch_and_two_days_ahead_is_not():
    later_today = touch("L-1", "D1", dt.datetime.combine(TODAY, dt.time(20, 0)))  # clocks differ; within a day
    result = computed([lead("L-1"), lead("L-2")],
                      [later_today, touch("L-2", "D1", days_ago(-2))])
    assert shown(result, "L-1") == expected("Cadence", "D2", "Call", "2026-11-30")
    assert shown(result, "L-2") == expected(
        "New", "D1", "Letter + Email", "2026-11-29",
        f"Activity row 3: Timestamp 2026-12-01 is in the future; row ignored; {NO_DATES}")

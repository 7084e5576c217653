"""Reading what agents and vendors type, and what the header aliases and Settings accept."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from leadtracker.schema import LEAD_COLUMNS, ValueType, map_headers, normalize_header
from leadtracker.settings import Settings, parse_settings
from leadtracker.values import (parse_dates, parse_emails, parse_flags, parse_money, parse_phones, parse_states,
                                parse_zips)


def one(parser, value, **kwargs):
    result = parser(pd.Series([value], dtype=object), "Col", **kwargs)
    return result.values.iloc[0], result.issues.iloc[0]


@pytest.mark.parametrize("value, expected", [
    ("3/15/2026", "2026-03-15"), ("03/15/26", "2026-03-15"), ("2026-03-15", "2026-03-15"),
    ("Mar 15, 2026", "2026-03-15"), ("March 15, 2026", "2026-03-15"), ("15-Mar-2026", "2026-03-15"),
    (46096, "2026-03-15"), (46096.0, "2026-03-15"), ("46096", "2026-03-15"),
    (dt.datetime(2026, 3, 15, 14, 30), "2026-03-15"), (dt.date(2026, 3, 15), "2026-03-15"),
    (dt.datetime(2026, 3, 15, 14, 30, tzinfo=dt.timezone.utc), "2026-03-15"),
])
def test_dates_in_the_common_us_forms(value, expected):
    parsed, issue = one(parse_dates, value)
    assert parsed == pd.Timestamp(expected)
    assert issue is None


@pytest.mark.parametrize("value, words", [
    ("N/A", "'N/A' is not a date"), ("soon", "'soon' is not a date I can read"), (True, "yes/no value"),
    ("#N/A", "Excel error '#N/A'"), (5, "'5' is not a date"), ("13/45/2026", "is not a date"),
    ("1066-10-14", "is outside the years 1900–2100"), (dt.datetime(2999, 1, 1), "outside the years"),
])
def test_dates_that_cannot_be_read_are_named(value, words):
    parsed, issue = one(parse_dates, value)
    assert pd.isna(parsed)
    assert words in issue and issue.startswith("Col")


@pytest.mark.parametrize("value, expected", [
    ("$250,000", 250000.0), ("250000", 250000.0), (250000, 250000.0), ("$1,234.56", 1234.56), ("250k", 250000.0),
    ("$1.2M", 1200000.0), (" $ 99 ", 99.0),
])
def test_money(value, expected):
    assert one(parse_money, value) == (expected, None)


@pytest.mark.parametrize("value, words", [("$1,2,3", "is not an amount"), ("-5", "negative"),
                                          ("($100)", "negative"), ("lots", "is not an amount"),
                                          (False, "yes/no"), ("#VALUE!", "Excel error")])
def test_money_problems(value, words):
    parsed, issue = one(parse_money, value)
    assert pd.isna(parsed) and words in issue


def test_blank_cells_are_not_problems():
    for parser in (parse_dates, parse_money, parse_states, parse_zips, parse_phones, parse_emails):
        result = parser(pd.Series([None, "", "   ", float("nan")], dtype=object), "Col")
        assert result.issues.isna().all(), parser.__name__


@pytest.mark.parametrize("value, expected, problem", [
    ("Yes", True, False), ("Y", True, False), (True, True, False), ("x", True, False), (1, True, False),
    ("No", False, False), (False, False, False), (None, False, False), ("", False, False), (0, False, False),
    ("maybe", True, True),  # unreadable opt-out flags count as opted out
    (dt.datetime(2026, 1, 5), True, False),
])
def test_flags_err_on_the_safe_side(value, expected, problem):
    parsed, issue = one(parse_flags, value)
    assert parsed is expected or parsed == expected
    assert (issue is not None) == problem


@pytest.mark.parametrize("value, expected", [("fl", "FL"), ("Florida", "FL"), (" TX ", "TX"), ("D.C.", "DC"),
                                             ("district of columbia", "DC")])
def test_states(value, expected):
    assert one(parse_states, value) == (expected, None)


def test_unknown_state():
    parsed, issue = one(parse_states, "ZZ")
    assert parsed is None and "'ZZ' is not a US state" in issue


@pytest.mark.parametrize("value, expected", [(2134, "02134"), ("02134-1234", "02134"), ("2134", "02134"),
                                             (33101.0, "33101")])
def test_zips_keep_their_leading_zeros(value, expected):
    assert one(parse_zips, value) == (expected, None)


@pytest.mark.parametrize("value, expected", [("(305) 555-1234", "+13055551234"), (3055551234, "+13055551234"),
                                             ("1-305-555-1234", "+13055551234"), ("305.555.1234 x12", "+13055551234")])
def test_phones(value, expected):
    assert one(parse_phones, value) == (expected, None)


@pytest.mark.parametrize("value", ["555-1234", "1234567890123", "(011) 555-1234", "call me"])
def test_bad_phones_are_named_and_not_dialled(value):
    parsed, issue = one(parse_phones, value)
    assert parsed is None and "is not a US phone number" in issue


def test_emails():
    assert one(parse_emails, "Avery.Quill+x@Example.com") == ("Avery.Quill+x@Example.com", None)
    parsed, issue = one(parse_emails, "not an email")
    assert parsed is None and "'not an email' is not an email address" in issue


@pytest.mark.parametrize("header, canonical", [
    ("Owner", "Owner Name"), ("OWNER 1 FULL NAME", "Owner Name"), ("Owner(s)", "Owner Name"),
    ("Site Address", "Property Address"), ("Property Zip", "ZIP"), ("Auction Date", "Sale Date"),
    ("NOD Date", "Notice Date"), ("Recording Date", "Notice Date"), ("Mortgage Balance", "Loan Balance"),
    ("Est. Loan Balance", "Loan Balance"), ("est loan balance", "Loan Balance"), ("Bedrooms", "Beds"),
    ("Bathrooms", "Baths"), ("Living Sq Ft", "Sq Ft"), ("  lead   id ", "Lead ID"), ("E-mail", "Email"),
    ("Pre-FC Auction Date", "Sale Date"), ("Est. Remaining balance of Open Loans", "Loan Balance"),
])
def test_header_aliases(header, canonical):
    assert map_headers([header], LEAD_COLUMNS).positions == {canonical: 0}


def test_headers_fold_case_space_and_punctuation():
    assert normalize_header("Est. Value") == normalize_header("EST VALUE") == "estvalue"


def test_exact_header_beats_an_alias_and_duplicates_are_reported():
    header_map = map_headers(["Owner", "Owner Name", "My Notes", "Owner(s)"], LEAD_COLUMNS)
    assert header_map.positions["Owner Name"] == 1
    assert header_map.unknown == ("My Notes",)
    assert ("Owner", "Owner Name") in header_map.duplicates


def test_settings_defaults_and_values():
    frame = pd.DataFrame({"Setting": ["Agent Name", "daily capacity", "Commission %", "Time Zone", "Favourite"],
                          "Value": ["Jordan Avery", 25, 0.05, "America/Chicago", "blue"]})
    settings, messages = parse_settings(frame)
    assert settings.agent_name == "Jordan Avery"
    assert settings.daily_capacity == 25
    assert settings.commission_pct == 5.0
    assert settings.time_zone == "America/Chicago"
    assert settings.unknown_labels == ("Favourite",)
    assert messages == ["Settings: not a setting I know, kept as is: 'Favourite'."]


def test_bad_settings_fall_back_with_a_message():
    frame = pd.DataFrame({"Setting": ["Daily Capacity", "Time Zone", "Closing Cost %"],
                          "Value": ["lots", "Mars/Olympus", 150]})
    settings, messages = parse_settings(frame)
    assert settings == Settings()
    assert messages[0] == "Settings: Daily Capacity 'lots' is not a number; using the default 20."
    assert "'Mars/Olympus' is not a time zone name" in messages[1]
    assert "outside 0–20" in messages[2]


@pytest.mark.parametrize("kind", list(ValueType))
def test_parsing_distinct_values_once_gives_the_same_answer(kind):
    """parse_column reads each distinct value once on long columns; it must agree with the plain parser."""
    from leadtracker.values import PARSERS, parse_column

    sample = ["3/15/2026", dt.datetime(2026, 3, 15), 46096, "$250,000", 250000, 2134, "02134", "FL", "Florida",
              "(305) 555-1234", "a@example.com", "Yes", "no", "N/A", "#N/A", None, "", "  ", "12.5", -3, 1.0]
    column = pd.Series(sample * 150, dtype=object)
    fast = parse_column(kind, column, "Col")
    plain = PARSERS[kind](column, "Col")
    pd.testing.assert_series_equal(fast.values, plain.values, check_dtype=False)
    assert fast.issues.tolist() == plain.issues.tolist()

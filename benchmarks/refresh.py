"""Refresh benchmark (issue 2 acceptance): how long a refresh takes on 1,000 / 10,000 / 100,000 leads.

For each size it builds a tracker workbook from the template (invented but realistic leads, about 5 Activity rows
each), then measures, every measurement in a fresh forked process on a fresh copy of the file:

    (a) baseline   openpyxl.load_workbook(path) + wb.save(other)       (what any openpyxl tool pays)
    (b) refresh    leadtracker.commands.run_refresh(XlsxStore(copy), today)   (end to end, as the CLI runs it)
    (d) open/read  XlsxStore(copy), then read_tables(store)
    (c) compute    leadtracker.refresh.refresh(tables, now) on the tables already read (pure, no I/O)
    (e) write      apply_changes(store, result.changes, ...) including the save

Small sizes are run several times (median); 100k once. A table is printed and a dated section appended to
benchmarks/RESULTS.md. Usage:

    python benchmarks/refresh.py [--sizes 1000,10000,100000] [--out benchmarks/out] [--profile]
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import datetime as dt
import gc
import io
import multiprocessing
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import time
import traceback
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402
from openpyxl.comments import Comment  # noqa: E402

from leadtracker import schema  # noqa: E402
from leadtracker.commands import ALL_LEAD_COLUMNS, moment, read_tables, run_refresh  # noqa: E402
from leadtracker.refresh import refresh  # noqa: E402
from leadtracker.store import apply_changes  # noqa: E402
from leadtracker.xlsx_store import XlsxStore  # noqa: E402

TEMPLATE = ROOT / "workbook_templates" / "tracker.xlsx"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TODAY = dt.date(2026, 3, 16)  # the benchmark's fixed "today": data dates are laid out around it
SEED = 20260316
TARGET_COMPUTE_100K = 3.0  # seconds, pure compute for 100,000 leads
TARGET_RATIO_10K = 1.5  # refresh / bare load+save for 10,000 leads
WORKBOOK_NOTE = (
    "built from workbook_templates/tracker.xlsx with openpyxl write-only mode; every template sheet in order with "
    "its header row (values, fills, fonts, comments), widths, column number formats, frozen panes, Excel Tables "
    "(grown to the data), data validations (template ranges, rows 2..20000) and conditional formats; Settings and "
    "Plan rows as shipped; Comps empty. Leads: all input columns filled with invented values (ids, names, co-owners, "
    "addresses in 41 cities in 29 states + DC, ZIPs partly as numbers, phones in 4 formats, example.* emails, lenders, "
    "balances, liens, values, scores, default/notice/filing/sale dates, beds/baths/sqft/lot/year/garage, type, "
    "lat/lon, source, received, agent, meeting dates, Do-Not flags, DNC checked, notes); computed columns blank; "
    "one lead in 50 with the phone number of another (the same owner's second property); about 2% messy cells "
    "(text dates, '187k', 'TBD', bad phones/emails/states/ZIPs), 0.5% blank Lead IDs, 0.1% duplicated ids, 1% "
    "quick-log entries. Activity: about 5 rows per lead (D1..D7 then N, Letter/Email/Call/Text, "
    "realistic outcomes, some terminal: Meeting Set, Not Interested, Do Not Contact...), chronological.")

# --- invented data pools (phones in the 555 exchange, no one's listed number; emails use example.* domains) ----------

FIRST = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William",
    "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Karen", "Carlos", "Sarah", "Daniel", "Lisa",
    "Matthew", "Nancy", "Anthony", "Sandra", "Mark", "Betty", "Luis", "Ashley", "Steven", "Emily", "Andrew",
    "Kimberly", "Jose", "Margaret", "Kevin", "Donna", "Brian", "Michelle", "Tyrone", "Carol", "Hiroshi", "Amanda",
    "Kwame", "Melissa", "Dmitri", "Deborah", "Rafael", "Stephanie", "Marcus", "Rebecca", "Nguyen", "Laura",
    "Ahmed", "Sharon", "Terrence", "Cynthia", "Diego", "Kathleen", "Samuel", "Amy", "Ramon", "Angela", "Derek",
    "Shirley", "Tremaine", "Brenda", "Vikram", "Pamela", "Olumide", "Nicole", "Gregory", "Anna", "Francisco",
    "Samantha", "Wesley", "Katherine", "Jamal", "Christine", "Ezekiel", "Debra", "Omar", "Rachel", "Ivan", "Carolyn",
)
LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
    "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
    "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Okafor", "Kowalski", "Yamamoto", "O'Brien",
    "Van der Berg", "St. Pierre", "McAllister", "Delgado-Ruiz", "Abernathy", "Thibodeaux", "Lindqvist", "Nakashima",
    "Castellanos", "Marchetti", "Washington", "Jefferson", "Boudreaux", "Fitzgerald", "Oyelaran", "Petrov",
)
STREET_NAMES = (
    "Maple", "Oak", "Cedar", "Pine", "Elm", "Willow", "Birch", "Magnolia", "Sycamore", "Hickory", "Juniper", "Aspen",
    "Heron Point", "Quail Run", "Copper Creek", "Lantern Hill", "Old Mill", "Harvest Moon", "Sandpiper", "Meadowlark",
    "Ridgecrest", "Brookstone", "Foxtail", "Silver Birch", "Orchard Gate", "Stonehaven", "Tidewater", "Bluebonnet",
    "Martin Luther King Jr", "Washington", "Lincoln", "Jefferson", "Franklin", "Park", "Lake", "Hillside", "Sunset",
    "2nd", "3rd", "4th", "5th", "14th", "21st", "Main", "Church", "Mill", "River", "Spring", "Valley", "Highland",
)
STREET_TYPES = ("St", "Ave", "Dr", "Ln", "Ct", "Rd", "Blvd", "Way", "Pl", "Ter", "Cir", "Trl")
UNITS = ("", "", "", "", "", "", "", "", " Apt 2", " Unit B", " #104", " Apt 3C")
LENDERS = (
    "Wells Fargo Bank NA", "JPMorgan Chase Bank", "Bank of America NA", "U.S. Bank NA", "Rocket Mortgage LLC",
    "PennyMac Loan Services", "Mr. Cooper (Nationstar)", "Freedom Mortgage", "LoanDepot.com", "Lakeview Loan Servicing",
    "Carrington Mortgage Services", "NewRez LLC", "Shellpoint Mortgage Servicing", "Deutsche Bank National Trust Co",
    "Summit Coast Mortgage", "Keystone Federal Savings", "Prairie Trust Bank", "Bayline Home Loans",
)
SOURCES = ("PropStream", "ListSource", "County records", "ATTOM", "Foreclosure.com", "Referral", "BatchLeads")
AGENTS = ("Jordan Avery", "Casey Morgan", "Riley Chen", "Sam Ortiz")
PROPERTY_TYPES = ("Single Family",) * 8 + ("Townhouse", "Condo", "Duplex", "Mobile Home")
NOTES = (
    None, None, None, None, None, "Vacant per neighbor", "Owner relocated out of state", "Tenant occupied",
    "Needs roof", "Probate possible", "Spoke with daughter, call after 5pm", "Driveby: well kept",
    "Code violations on file", "Listed FSBO last year", "Bankruptcy filed 2025 (ch. 13)", "Prefers text",
    "Hoarder house?", "HOA lien too", "Second lien with county", "Divorce in progress",
)
# (city, state, zip, county, area code, lat, lon, $/sqft, weight)
CITIES = (
    ("Tampa", "FL", "33612", "Hillsborough", "813", 28.05, -82.46, 235, 6),
    ("Orlando", "FL", "32808", "Orange", "407", 28.58, -81.44, 220, 5),
    ("Jacksonville", "FL", "32210", "Duval", "904", 30.26, -81.73, 185, 4),
    ("Miami", "FL", "33147", "Miami-Dade", "305", 25.85, -80.24, 330, 4),
    ("Houston", "TX", "77084", "Harris", "281", 29.83, -95.66, 150, 6),
    ("San Antonio", "TX", "78228", "Bexar", "210", 29.46, -98.57, 145, 4),
    ("Dallas", "TX", "75217", "Dallas", "214", 32.72, -96.68, 175, 4),
    ("Riverside", "CA", "92503", "Riverside", "951", 33.89, -117.44, 340, 5),
    ("Sacramento", "CA", "95823", "Sacramento", "916", 38.48, -121.44, 300, 4),
    ("Fresno", "CA", "93706", "Fresno", "559", 36.70, -119.80, 230, 2),
    ("Phoenix", "AZ", "85033", "Maricopa", "602", 33.49, -112.21, 245, 5),
    ("Las Vegas", "NV", "89110", "Clark", "702", 36.17, -115.06, 235, 4),
    ("Detroit", "MI", "48228", "Wayne", "313", 42.36, -83.22, 75, 4),
    ("Grand Rapids", "MI", "49507", "Kent", "616", 42.93, -85.65, 175, 2),
    ("Minneapolis", "MN", "55411", "Hennepin", "612", 45.00, -93.30, 205, 2),
    ("Newark", "NJ", "07106", "Essex", "973", 40.73, -74.23, 255, 3),
    ("Toms River", "NJ", "08753", "Ocean", "732", 39.98, -74.16, 285, 2),
    ("Atlanta", "GA", "30310", "Fulton", "404", 33.73, -84.42, 205, 4),
    ("Columbus", "OH", "43207", "Franklin", "614", 39.90, -82.97, 175, 3),
    ("Cleveland", "OH", "44105", "Cuyahoga", "216", 41.45, -81.63, 95, 3),
    ("Chicago", "IL", "60629", "Cook", "773", 41.78, -87.71, 185, 5),
    ("Philadelphia", "PA", "19124", "Philadelphia", "215", 40.02, -75.09, 145, 4),
    ("Pittsburgh", "PA", "15210", "Allegheny", "412", 40.41, -79.98, 120, 2),
    ("Charlotte", "NC", "28212", "Mecklenburg", "704", 35.19, -80.75, 215, 3),
    ("Tacoma", "WA", "98404", "Pierce", "253", 47.21, -122.41, 315, 2),
    ("Baltimore", "MD", "21215", "Baltimore City", "410", 39.35, -76.68, 140, 3),
    ("New York", "NY", "11434", "Queens", "718", 40.68, -73.78, 420, 3),
    ("Hartford", "CT", "06112", "Hartford", "860", 41.79, -72.70, 160, 1),
    ("Boston", "MA", "02124", "Suffolk", "617", 42.29, -71.07, 450, 1),
    ("Memphis", "TN", "38118", "Shelby", "901", 35.04, -89.93, 95, 2),
    ("Birmingham", "AL", "35211", "Jefferson", "205", 33.46, -86.85, 90, 1),
    ("Denver", "CO", "80219", "Denver", "303", 39.70, -105.03, 330, 2),
    ("St. Louis", "MO", "63136", "St. Louis", "314", 38.74, -90.26, 95, 2),
    ("Indianapolis", "IN", "46218", "Marion", "317", 39.81, -86.10, 110, 2),
    ("Louisville", "KY", "40211", "Jefferson", "502", 38.24, -85.81, 120, 1),
    ("New Orleans", "LA", "70126", "Orleans", "504", 30.02, -89.98, 150, 1),
    ("Oklahoma City", "OK", "73110", "Oklahoma", "405", 35.46, -97.40, 120, 1),
    ("Salt Lake City", "UT", "84104", "Salt Lake", "801", 40.75, -111.94, 310, 1),
    ("Portland", "OR", "97266", "Multnomah", "503", 45.48, -122.56, 320, 1),
    ("Columbia", "SC", "29203", "Richland", "803", 34.05, -81.01, 125, 1),
    ("Washington", "DC", "20019", "District of Columbia", "202", 38.89, -76.94, 380, 1),
)
# (step, day offset, channels tried, call-type outcomes)
CADENCE = (("D1", 0, ("Letter", "Email")), ("D2", 1, ("Call",)), ("D3", 2, ("Email",)), ("D4", 3, ("Call", "Text")),
           ("D5", 4, ("Letter",)), ("D6", 5, ("Call",)), ("D7", 6, ("Email",)))
OUTCOMES_BY_CHANNEL = {
    "Call": (("No Answer", 45), ("Left Voicemail", 35), ("Spoke", 12), ("Wrong Number", 3), ("Not Ready", 3),
             ("Not Interested", 2)),
    "Text": (("Delivered", 80), ("Replied", 15), ("Wrong Number", 5)),
    "Email": (("Sent", 60), ("Opened", 25), ("Clicked", 5), ("Replied", 5), ("Bounced", 5)),
    "Letter": (("Sent", 95), ("Returned Mail", 5)),
}
TERMINAL = (("Meeting Set", 40), ("Not Interested", 25), ("Do Not Contact", 10), ("Listed", 10), ("Lost", 10),
            ("Closed", 5))


# --- building the workbooks ------------------------------------------------------------------------------------


def _pick(rng: np.random.Generator, pool, n: int, weights=None) -> list:
    p = None
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        p = w / w.sum()
    return [pool[i] for i in rng.choice(len(pool), size=n, p=p)]


def _dates(base: dt.date, offsets: np.ndarray) -> list[dt.date]:
    o = base.toordinal()
    return [dt.date.fromordinal(o + int(d)) for d in offsets]


def _sprinkle(rng: np.random.Generator, values: list, share: float, bad: tuple) -> int:
    """Replace a share of the values by messy ones a real export holds (text that does not parse)."""
    hits = np.flatnonzero(rng.random(len(values)) < share)
    for i in hits:
        values[i] = bad[int(rng.integers(len(bad)))]
    return len(hits)


def make_leads(n: int, rng: np.random.Generator) -> tuple[dict[str, list], dict[str, int]]:
    """Input columns of n invented leads, as a dict of column name -> values (as an agent's sheet holds them)."""
    stats: dict[str, int] = {}
    city_ix = rng.choice(len(CITIES), size=n, p=np.array([c[-1] for c in CITIES]) / sum(c[-1] for c in CITIES))
    cities = [CITIES[i] for i in city_ix]
    first, last = _pick(rng, FIRST, n), _pick(rng, LAST, n)
    co_first = _pick(rng, FIRST, n)
    has_co = rng.random(n) < 0.35
    numbers = rng.integers(100, 19999, size=n)
    streets = _pick(rng, STREET_NAMES, n)
    types = _pick(rng, STREET_TYPES, n)
    units = _pick(rng, UNITS, n)
    address = [f"{num} {s} {t}{u}" for num, s, t, u in zip(numbers, streets, types, units)]
    absentee = rng.random(n) < 0.22
    m_numbers = rng.integers(100, 9999, size=n)
    m_city_ix = rng.choice(len(CITIES), size=n)
    phones_ok = rng.random(n) < 0.78
    phone2 = rng.random(n) < 0.25
    email_ok = rng.random(n) < 0.55
    ppsf = np.array([c[7] for c in cities], dtype=float)
    sqft = np.clip(rng.normal(1650, 500, n), 600, 5200).round(-1)
    value = (sqft * ppsf * rng.uniform(0.8, 1.25, n)).round(-3)
    ltv = rng.beta(5, 2.2, n) * 1.15
    balance = (value * ltv).round(-2)
    liens = np.where(rng.random(n) < 0.15, rng.integers(3, 60, n) * 1000, 0)
    received = rng.integers(0, 240, n)  # days before today
    notice = received + rng.integers(0, 30, n)
    default = notice + rng.integers(60, 180, n)
    judicial = {"FL", "NJ", "OH", "IL", "PA", "NY", "CT", "IN", "KY", "LA", "SC", "MD"}
    is_judicial = np.array([c[1] in judicial for c in cities])
    filing = notice - rng.integers(0, 20, n)
    has_filing = is_judicial & (rng.random(n) < 0.7)
    sale_offset = rng.integers(-40, 220, n)  # sale relative to today (some already passed)
    has_sale = rng.random(n) < 0.6
    meeting = rng.integers(-20, 15, n)
    has_meeting = rng.random(n) < 0.03
    dnc_checked = received - rng.integers(0, 5, n)
    has_dnc_checked = rng.random(n) < 0.45
    assigned = _pick(rng, AGENTS, n)

    def maybe(mask, values):
        return [v if m else None for v, m in zip(values, mask)]

    # a number per lead, as on a real list: lines of the 555 exchange counted per city; one lead in 50 has the number
    # of the lead before it in its city (the same owner's second property). Typed four ways.
    lines = pd.Series(city_ix).groupby(city_ix).cumcount().to_numpy()
    lines = np.where((np.arange(n) % 50 == 49) & (lines > 0), lines - 1, lines)

    def phone(area: str, k: int, number: int) -> str:
        fmt = k % 4
        line = f"{number % 10_000:04d}"
        return (f"({area}) 555-{line}", f"{area}-555-{line}", f"{area}.555.{line}", f"+1 {area} 555 {line}")[fmt]

    ks = rng.integers(0, 10_000, size=n)
    email_domains = ("example.com", "example.net", "example.org")
    cols: dict[str, list] = {
        "Lead ID": [f"PF-{100001 + i}" for i in range(n)],
        "Owner Name": [f"{f} {l}" for f, l in zip(first, last)],
        "Co-Owner Name": maybe(has_co, [f"{f} {l}" for f, l in zip(co_first, last)]),
        "Property Address": address,
        "City": [c[0] for c in cities],
        "State": [c[1] for c in cities],
        "ZIP": [c[2] if i % 7 else int(c[2]) for i, c in enumerate(cities)],  # some ZIPs typed as numbers
        "County": [c[3] for c in cities],
        "Mailing Address": [f"{m} {s} {t}" if a else adr for m, s, t, a, adr in
                            zip(m_numbers, _pick(rng, STREET_NAMES, n), _pick(rng, STREET_TYPES, n), absentee,
                                address)],
        "Mailing City": [CITIES[j][0] if a else c[0] for j, a, c in zip(m_city_ix, absentee, cities)],
        "Mailing State": [CITIES[j][1] if a else c[1] for j, a, c in zip(m_city_ix, absentee, cities)],
        "Mailing ZIP": [CITIES[j][2] if a else c[2] for j, a, c in zip(m_city_ix, absentee, cities)],
        "Phone": maybe(phones_ok, [phone(c[4], int(k), line) for c, k, line in zip(cities, ks, lines)]),
        "Phone 2": maybe(phones_ok & phone2, [phone(c[4], int(k) + 37, line + 5_000)
                                              for c, k, line in zip(cities, ks, lines)]),
        "Email": maybe(email_ok, [f"{f.lower()}.{l.lower().replace(' ', '').replace(chr(39), '')}{k % 100}@"
                                  f"{email_domains[k % 3]}" for f, l, k in zip(first, last, ks)]),
        "Lender": _pick(rng, LENDERS, n),
        "Loan Balance": [float(b) for b in balance],
        "Other Liens": [int(x) if x else None for x in liens],
        "Est. Value": [int(v) for v in value],
        "Distress Score": [int(x) for x in rng.integers(1, 100, n)],
        "Default Date": _dates(TODAY, -default),
        "Notice Date": _dates(TODAY, -notice),
        "Filing Date": maybe(has_filing, _dates(TODAY, -filing)),
        "Sale Date": maybe(has_sale, _dates(TODAY, sale_offset)),
        "Beds": [int(x) for x in rng.choice([1, 2, 3, 3, 3, 4, 4, 5, 6], n)],
        "Baths": [float(x) for x in rng.choice([1, 1.5, 2, 2, 2.5, 3, 3.5], n)],
        "Sq Ft": [int(x) for x in sqft],
        "Lot Sq Ft": [int(x) for x in rng.integers(1800, 21000, n)],
        "Year Built": [int(x) for x in rng.integers(1905, 2022, n)],
        "Garage Spaces": [int(x) for x in rng.choice([0, 0, 1, 2, 2, 3], n)],
        "Property Type": _pick(rng, PROPERTY_TYPES, n),
        "Latitude": [round(c[5] + float(d), 6) for c, d in zip(cities, rng.normal(0, 0.05, n))],
        "Longitude": [round(c[6] + float(d), 6) for c, d in zip(cities, rng.normal(0, 0.05, n))],
        "Source": _pick(rng, SOURCES, n),
        "Received": _dates(TODAY, -received),
        "Assigned To": assigned,
        "Meeting Date": maybe(has_meeting, _dates(TODAY, meeting)),
        "Do Not Call": _pick(rng, (None, None, None, None, "No", "No", "Yes", "Y"), n),
        "Do Not Text": _pick(rng, (None, None, None, None, None, "No", "Yes"), n),
        "Do Not Email": _pick(rng, (None,) * 12 + ("Yes",), n),
        "Do Not Mail": _pick(rng, (None,) * 30 + ("Yes",), n),
        "DNC Checked": maybe(has_dnc_checked, _dates(TODAY, -dnc_checked)),
        "Notes": _pick(rng, NOTES, n),
        "Log Outcome": [None] * n, "Log Note": [None] * n, "Log Channel": [None] * n,
    }
    # What real vendor exports and hand edits hold besides clean values.
    for name, share, bad in (
            ("Default Date", 0.02, ("03/15/2025", "2025-07-01", "Aug 4, 2025", "TBD", "unknown")),
            ("Sale Date", 0.02, ("04/30/2026", "2026-05-12", "postponed", "TBD")),
            ("Loan Balance", 0.02, ("$215,000", "187k", "n/a", "see notes")),
            ("Est. Value", 0.01, ("$310,500", "approx 250k")),
            ("Phone", 0.01, ("555-0199", "call office", "(813) 555-01")),
            ("Email", 0.01, ("none", "jsmith@", "owner at example.com")),
            ("State", 0.005, ("Florida", "Tex.", "Calif")),
            ("ZIP", 0.005, ("336", "33612-1234", "N/A")),
            ("Beds", 0.01, ("3+1", "studio")),
            ("Do Not Call", 0.005, ("maybe", "see notes"))):
        stats[f"messy {name}"] = _sprinkle(rng, cols[name], share, bad)
    blank_ids = np.flatnonzero(rng.random(n) < 0.005)  # newly pasted rows without an id: refresh assigns one
    for i in blank_ids:
        cols["Lead ID"][i] = None
    dupes = np.flatnonzero(rng.random(n) < 0.001)  # a re-exported lead pasted twice
    for i in dupes:
        if i > 0:
            cols["Lead ID"][i] = cols["Lead ID"][i - 1]
    quick = np.flatnonzero(rng.random(n) < 0.01)  # touches typed into the quick-log cells since the last refresh
    for i in quick:
        cols["Log Outcome"][i] = ("Left Voicemail", "No Answer", "Spoke", "Sent", "Meeting Set")[i % 5]
        cols["Log Note"][i] = ("Called at lunch", None, "Wants numbers by Friday", None, "Tue 6pm at the house")[i % 5]
        cols["Log Channel"][i] = ("Call", None, "Call", "Letter", None)[i % 5]
    stats.update({"blank Lead IDs": len(blank_ids), "duplicated Lead IDs": len(dupes),
                  "quick-log rows": len(quick)})
    return cols, stats


def make_activity(leads: dict[str, list], rng: np.random.Generator) -> list[list]:
    """About 5 history rows per lead, in the order they happened, as rows of ACTIVITY_COLUMNS."""
    n = len(leads["Lead ID"])
    out: list[tuple] = []
    received = leads["Received"]
    steps_done = rng.choice(np.arange(0, 11), size=n, p=np.array([9, 11, 14, 15, 15, 12, 9, 6, 4, 3, 2]) / 100)
    start_lag = rng.integers(0, 4, n)
    drift = rng.integers(0, 2, n)
    terminal = rng.random(n) < 0.12
    channel_outcome_rng = rng.random(n * 12)
    u = 0
    call_names = {ch: ([o for o, _ in v], np.cumsum([w for _, w in v]) / sum(w for _, w in v))
                  for ch, v in OUTCOMES_BY_CHANNEL.items()}
    term_names = [o for o, _ in TERMINAL]
    term_cdf = np.cumsum([w for _, w in TERMINAL]) / sum(w for _, w in TERMINAL)
    today_ord = TODAY.toordinal()
    for i in range(n):
        lead_id = leads["Lead ID"][i]
        if lead_id is None:
            continue
        day1 = received[i].toordinal() + int(start_lag[i])
        agent = leads["Assigned To"][i]
        plan = list(CADENCE) + [("N", 6 + 14 * k, ("Call", "Email", "Letter")[k % 3:k % 3 + 1]) for k in range(1, 4)]
        last = None
        for step, offset, channels in plan[: int(steps_done[i])]:
            day = day1 + offset + int(drift[i]) * (offset // 3)
            if day >= today_ord:
                break
            for channel in channels:
                names, cdf = call_names[channel]
                outcome = names[int(np.searchsorted(cdf, channel_outcome_rng[u % len(channel_outcome_rng)]))]
                u += 1
                hour = {"Letter": 9, "Email": 8, "Call": 10, "Text": 11}[channel]
                when = dt.datetime.fromordinal(day) + dt.timedelta(hours=hour, minutes=(u * 7) % 60)
                out.append((when, lead_id, step, channel, outcome, agent))
                last = (day, agent)
        if terminal[i] and last is not None and last[0] + 1 < today_ord:
            outcome = term_names[int(np.searchsorted(term_cdf, channel_outcome_rng[u % len(channel_outcome_rng)]))]
            u += 1
            when = dt.datetime.fromordinal(last[0] + 1) + dt.timedelta(hours=14, minutes=u % 60)
            out.append((when, lead_id, None, "Call", outcome, agent))
    out.sort(key=lambda r: r[0])
    rows = []
    for k, (when, lead_id, step, channel, outcome, agent) in enumerate(out, start=1):
        inbound = outcome in ("Replied", "Bounced", "Returned Mail", "Opened", "Clicked")
        source = "email-sync" if channel == "Email" else ("quick-log" if channel in ("Call", "Text") else "manual")
        ref = f"USPS 9400 1000 {k:010d}" if channel == "Letter" else (f"msg-{k:08x}" if channel == "Email" else None)
        note = {"Spoke": "Owner open to talk, asked about timeline", "Left Voicemail": "Left VM with callback number",
                "Meeting Set": "Meeting at the property", "Not Interested": "Says they will catch up with the bank",
                "Returned Mail": "Returned: no such number"}.get(outcome)
        rows.append([f"A-{k:08d}", when, lead_id, step, channel, "Inbound" if inbound else "Outbound", outcome,
                     note, source, ref, agent])
    return rows


def _copy_cell(ws, src, value=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=src.value if value is None else value)
    if src.has_style:
        cell.font = copy.copy(src.font)
        cell.fill = copy.copy(src.fill)
        cell.alignment = copy.copy(src.alignment)
        cell.border = copy.copy(src.border)
        cell.number_format = src.number_format
    if src.comment is not None:
        comment = Comment(src.comment.text, src.comment.author)
        comment.width, comment.height = src.comment.width, src.comment.height
        cell.comment = comment
    return cell


def build_workbook(path: Path, n: int, template: Path = TEMPLATE) -> dict[str, object]:
    """A tracker workbook of n leads, written with openpyxl's write-only mode from the template's sheets.

    Kept from the template: every sheet in order, header rows (values, fills, fonts, comments), column widths and
    column number formats, frozen panes, the Excel Tables (grown to cover the data), data validations (the
    template's ranges, rows 2..20000) and conditional formats, the Settings and Plan rows, the tool-sheet notes.
    """
    started = time.perf_counter()
    rng = np.random.default_rng(SEED + n)
    leads, stats = make_leads(n, rng)
    activity = make_activity(leads, rng)
    src_wb = openpyxl.load_workbook(template)
    wb = openpyxl.Workbook(write_only=True)
    wb.properties.title = src_wb.properties.title
    wb.properties.creator = src_wb.properties.creator
    for src in src_wb.worksheets:
        ws = wb.create_sheet(src.title)
        for key, dim in src.column_dimensions.items():
            if dim.width:
                ws.column_dimensions[key].width = dim.width
            if dim.has_style and dim.number_format != "General":
                ws.column_dimensions[key].number_format = dim.number_format
        if src.row_dimensions[1].height:
            ws.row_dimensions[1].height = src.row_dimensions[1].height
        if src.freeze_panes:
            ws.freeze_panes = src.freeze_panes
        ws.sheet_view.tabSelected = src.sheet_view.tabSelected
        for dv in src.data_validations.dataValidation:
            ws.data_validations.append(copy.deepcopy(dv))
        for cf in src.conditional_formatting:
            for rule in cf.rules:
                rule = copy.deepcopy(rule)
                if rule.dxf is None and rule.dxfId is not None:
                    rule.dxf = copy.deepcopy(src_wb._differential_styles[rule.dxfId])
                    rule.dxfId = None
                ws.conditional_formatting.add(str(cf.sqref), rule)
        header = [c for c in next(src.iter_rows(min_row=1, max_row=1))]
        headers = [c.value for c in header]
        ws.append([_copy_cell(ws, c) for c in header])
        last_row = 1
        if src.title == schema.SHEET_LEADS:
            names = [str(h) for h in headers]
            columns = [leads.get(name) for name in names]
            for i in range(n):
                ws.append([col[i] if col is not None else None for col in columns])
            last_row = n + 1
        elif src.title == schema.SHEET_ACTIVITY:
            assert [str(h) for h in headers] == [c.name for c in schema.ACTIVITY_COLUMNS], headers
            for row in activity:
                ws.append(row)
            last_row = len(activity) + 1
        else:  # Comps stays empty; Settings, Plan and the tool sheets keep the template's rows
            for row in src.iter_rows(min_row=2):
                if any(c.value is not None for c in row):
                    ws.append([_copy_cell(ws, c) for c in row])
                    last_row += 1
                else:
                    ws.append([])
        for table in src.tables.values():
            table = copy.deepcopy(table)
            first, _, _ = table.ref.partition(":")
            last_col = "".join(ch for ch in table.ref.split(":")[1] if ch.isalpha())
            table.ref = f"{first}:{last_col}{max(last_row, 2)}"
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref
            with warnings.catch_warnings():  # the columns are copied from the template's table
                warnings.simplefilter("ignore", UserWarning)
                ws.add_table(table)
    wb.save(path)
    stats.update({"leads": n, "activity rows": len(activity), "build seconds": time.perf_counter() - started,
                  "MB": path.stat().st_size / 1e6})
    return stats


def check_against_template(path: Path, template: Path = TEMPLATE) -> list[str]:
    """Differences between a built workbook and the template: sheets, headers, tables, validations, formats."""
    problems = []
    a = openpyxl.load_workbook(template)
    b = openpyxl.load_workbook(path, read_only=False)
    if a.sheetnames != b.sheetnames:
        problems.append(f"sheets {b.sheetnames} != template {a.sheetnames}")
    for wa in a.worksheets:
        wb_ = b[wa.title]
        ha = [c.value for c in wa[1]]
        hb = [c.value for c in wb_[1]][: len(ha)]
        if ha != hb:
            problems.append(f"{wa.title}: headers differ")
        if sorted(wa.tables) != sorted(wb_.tables):
            problems.append(f"{wa.title}: tables {sorted(wb_.tables)} != {sorted(wa.tables)}")
        if len(wa.data_validations.dataValidation) != len(wb_.data_validations.dataValidation):
            problems.append(f"{wa.title}: data validations differ")
        if len(list(wa.conditional_formatting)) != len(list(wb_.conditional_formatting)):
            problems.append(f"{wa.title}: conditional formats differ")
        if wa.freeze_panes != wb_.freeze_panes:
            problems.append(f"{wa.title}: freeze panes differ")
        ca = sum(1 for c in wa[1] if c.comment)
        cb = sum(1 for c in wb_[1] if c.comment)
        if ca != cb:
            problems.append(f"{wa.title}: header comments {cb} != {ca}")
        if wa.title in (schema.SHEET_SETTINGS, schema.SHEET_PLAN):
            va = [[c.value for c in r] for r in wa.iter_rows()]
            vb = [[c.value for c in r] for r in wb_.iter_rows()]
            if va != vb:
                problems.append(f"{wa.title}: rows differ")
    return problems


# --- measuring ---------------------------------------------------------------------------------------------------


def _child(conn, func, args) -> None:
    try:
        gc.collect()
        value = func(*args)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MB
        conn.send(("ok", value, peak))
    except BaseException:  # noqa: BLE001 - report any crash to the parent
        conn.send(("error", traceback.format_exc(), 0.0))
    finally:
        conn.close()


def in_child(func, *args):
    """Run func(*args) in a fresh forked process: every measurement starts from the same clean memory."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, func, args))
    process.start()
    child.close()
    status, value, peak = parent.recv()
    process.join()
    if status != "ok":
        raise ChildCrash(value)
    return value, peak


class ChildCrash(Exception):
    pass


def fresh_copy(path: Path, tag: str) -> Path:
    target = path.with_name(f"{path.stem}.{tag}.xlsx")
    for p in (target, target.with_name(f"{target.stem}.backup.xlsx"),
              target.with_name(f"{target.stem} (refreshed).xlsx")):
        if p.exists():
            p.unlink()
    shutil.copyfile(path, target)
    return target


def measure_baseline(path: str, other: str) -> float:
    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(path)
    wb.save(other)
    return time.perf_counter() - t0


def measure_refresh(path: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    report = run_refresh(XlsxStore(path), TODAY)
    return time.perf_counter() - t0, report.summary + " " + report.saved


def measure_steps(path: str, compute_runs: int) -> dict[str, object]:
    t0 = time.perf_counter()
    store = XlsxStore(path)
    t1 = time.perf_counter()
    tables = read_tables(store)
    t2 = time.perf_counter()
    now = moment(tables, TODAY)
    computes, cpus, result = [], [], None
    for _ in range(compute_runs):
        gc.collect()
        c0, p0 = time.perf_counter(), time.process_time()
        result = refresh(tables, now)
        computes.append(time.perf_counter() - c0)
        cpus.append(time.process_time() - p0)
    t3 = time.perf_counter()
    apply_changes(store, result.changes, ALL_LEAD_COLUMNS)
    t4 = time.perf_counter()
    return {"open": t1 - t0, "read": t2 - t1, "compute": computes, "compute_cpu": cpus, "write": t4 - t3,
            "today_rows": len(result.today), "activity_added": len(result.changes.activity_rows),
            "issues": int(result.leads["Data Issues"].notna().sum())}


def _stats_text(profiler: cProfile.Profile, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    out.write("--- by own time (tottime) ---\n")
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


def profile_refresh(path: str, top: int = 25) -> str:
    """cProfile of the whole run_refresh, then of the pure compute step alone (tables already read)."""
    profiler = cProfile.Profile()
    profiler.enable()
    run_refresh(XlsxStore(path), TODAY)
    profiler.disable()
    text = "=== run_refresh(XlsxStore(copy), today) ===\n" + _stats_text(profiler, top)
    store = XlsxStore(path)
    tables = read_tables(store)
    now = moment(tables, TODAY)
    profiler = cProfile.Profile()
    profiler.enable()
    refresh(tables, now)
    profiler.disable()
    return text + "\n=== refresh(tables, now) alone (pure compute) ===\n" + _stats_text(profiler, top)


def repeats_for(n: int) -> int:
    return 5 if n <= 2_000 else 3 if n <= 20_000 else 1


# --- reporting ---------------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(len(os.sched_getaffinity(0)))
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "?"
    return {"nproc": nproc, "cpu": cpu, "ram": ram, "python": platform.python_version(),
            "pandas": pd.__version__, "openpyxl": openpyxl.__version__, "numpy": np.__version__,
            "os": platform.platform(), "commit": commit}


COMPUTE_RUNS = 3  # the pure compute step is timed this many times on the same tables (the first run is cold)


def fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}" if x < 100 else f"{x:.0f}"


def table_lines(rows: list[dict]) -> list[str]:
    head = ("| Leads | Activity rows | File MB | Runs | (a) bare load+save s | (b) refresh s | (b)/(a) | "
            "(d) open s | (d) read_tables s | (c) compute s | (e) write+save s | peak RSS refresh MB | "
            "daily: bare load+save s | daily: refresh s | daily ratio |")
    lines = [head, "|" + "|".join(["---:"] * 15) + "|"]
    for r in rows:
        ratio = (r["refresh"] / r["baseline"]) if r.get("refresh") and r.get("baseline") else None
        daily = (r["daily_refresh"] / r["daily_baseline"]) if r.get("daily_refresh") else None
        lines.append(
            f"| {r['n']:,} | {r['activity']:,} | {r['mb']:.1f} | {r['runs']} | {fmt_s(r.get('baseline'))} | "
            f"{fmt_s(r.get('refresh'))} | {'—' if ratio is None else f'{ratio:.2f}x'} | {fmt_s(r.get('open'))} | "
            f"{fmt_s(r.get('read'))} | {fmt_s(r.get('compute'))} ({fmt_s(r.get('compute_first'))} first, "
            f"{fmt_s(r.get('compute_cpu'))} CPU) | {fmt_s(r.get('write'))} | "
            f"{'—' if not r.get('peak') else format(r['peak'], ',.0f')} | {fmt_s(r.get('daily_baseline'))} | "
            f"{fmt_s(r.get('daily_refresh'))} | {'—' if daily is None else f'{daily:.2f}x'} |")
    return lines


def verdicts(rows: list[dict]) -> list[str]:
    out = []
    by_n = {r["n"]: r for r in rows}
    r = by_n.get(100_000)
    if r and r.get("compute") is not None:
        worst = r.get("compute_worst", r["compute"])
        ok = worst < TARGET_COMPUTE_100K
        out.append(f"- Pure compute, 100,000 leads: median {r['compute']:.2f} s, slowest of the runs {worst:.2f} s "
                   f"(first {r.get('compute_first', r['compute']):.2f} s; {r.get('compute_cpu', 0):.2f} s of CPU), "
                   f"against a target of under {TARGET_COMPUTE_100K:.0f} s: **{'met' if ok else 'NOT met'}** "
                   f"(1-minute load average {r.get('load', 0):.1f} on {os.cpu_count()} cores when measured).")
    else:
        out.append("- Pure compute, 100,000 leads: not measured in this run.")
    r = by_n.get(10_000)
    if r and r.get("refresh") and r.get("baseline"):
        ratio = r["refresh"] / r["baseline"]
        ok = ratio <= TARGET_RATIO_10K
        out.append(f"- Refresh of 10,000 leads: {r['refresh']:.2f} s = {ratio:.2f}x the bare load+save "
                   f"({r['baseline']:.2f} s), target at most {TARGET_RATIO_10K}x: **{'met' if ok else 'NOT met'}**.")
    else:
        out.append("- Refresh of 10,000 leads vs bare load+save: not measured in this run.")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="lead counts, comma-separated")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out",
                        help="folder for the generated workbooks (default benchmarks/out, git-ignored)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the refresh of the middle size and print the top 25 cumulative entries")
    parser.add_argument("--reuse", action="store_true", help="reuse workbooks already built in --out")
    parser.add_argument("--no-results", action="store_true", help="do not append to benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    command = "python " + " ".join([os.path.relpath(__file__, ROOT)] + (argv if argv is not None else sys.argv[1:]))
    info = machine()
    print(f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram']} RAM; Python {info['python']}, "
          f"pandas {info['pandas']}, openpyxl {info['openpyxl']}, numpy {info['numpy']}; commit {info['commit']}")
    template = TEMPLATE
    if not template.exists():
        from leadtracker.template import build_tracker_template

        template = out / "template.xlsx"
        build_tracker_template(template)

    rows: list[dict] = []
    builds: list[dict] = []
    crashes: list[str] = []
    for n in sizes:
        path = out / f"leads_{n}.xlsx"
        if args.reuse and path.exists():
            print(f"\n== {n:,} leads: reusing {path}")
            activity = sum(1 for _ in openpyxl.load_workbook(path, read_only=True)["Activity"].iter_rows()) - 1
            stats = {"leads": n, "activity rows": activity, "MB": path.stat().st_size / 1e6, "build seconds": None}
        else:
            print(f"\n== {n:,} leads: building {path} ...", flush=True)
            stats, _ = in_child(build_workbook, path, n, template)
            print(f"   built in {stats['build seconds']:.1f} s: {stats['activity rows']:,} activity rows, "
                  f"{stats['MB']:.1f} MB; {stats['blank Lead IDs']} blank ids, {stats['duplicated Lead IDs']} "
                  f"duplicate ids, {stats['quick-log rows']} quick-log rows", flush=True)
            if n == min(sizes):
                problems = check_against_template(path, template)
                print("   template check: " + ("same sheets, headers, tables, validations, conditional formats, "
                                               "comments, panes" if not problems else "; ".join(problems)))
        builds.append(stats)
        runs = repeats_for(n)
        row = {"n": n, "activity": stats["activity rows"], "mb": stats["MB"], "runs": runs}
        base = []
        for k in range(runs):
            src = fresh_copy(path, "baseline")
            seconds, _ = in_child(measure_baseline, str(src), str(out / f"leads_{n}.saved.xlsx"))
            base.append(seconds)
            print(f"   (a) bare load+save run {k + 1}/{runs}: {seconds:.2f} s", flush=True)
        row["baseline"] = statistics.median(base)
        full, peaks = [], []
        try:
            for k in range(runs):
                src = fresh_copy(path, "refresh")
                (seconds, summary), peak = in_child(measure_refresh, str(src))
                full.append(seconds)
                peaks.append(peak)
                print(f"   (b) refresh run {k + 1}/{runs}: {seconds:.2f} s (peak RSS {peak:,.0f} MB)  {summary}",
                      flush=True)
            row["refresh"] = statistics.median(full)
            row["peak"] = max(peaks)
            src = fresh_copy(path, "steps")
            steps, _ = in_child(measure_steps, str(src), max(runs, COMPUTE_RUNS))
            row.update({"open": steps["open"], "read": steps["read"], "compute": statistics.median(steps["compute"]),
                        "compute_first": steps["compute"][0], "compute_worst": max(steps["compute"]),
                        "compute_cpu": statistics.median(steps["compute_cpu"]), "write": steps["write"],
                        "load": os.getloadavg()[0]})
            print(f"   steps: open {steps['open']:.2f} s, read_tables {steps['read']:.2f} s, compute "
                  f"{', '.join(f'{c:.2f}' for c in steps['compute'])} s, write+save {steps['write']:.2f} s; "
                  f"{steps['today_rows']} on Today, {steps['activity_added']} quick-log rows moved, "
                  f"{steps['issues']} rows with data issues", flush=True)
            # the daily case: the same workbook, already refreshed once (its computed columns filled)
            refreshed = path.with_name(f"{path.stem}.refresh.xlsx")
            daily_source = path.with_name(f"{path.stem}.daily-source.xlsx")
            shutil.copyfile(refreshed, daily_source)
            daily_base, daily_full = [], []
            for k in range(runs):
                src = fresh_copy(daily_source, "daily-baseline")
                seconds, _ = in_child(measure_baseline, str(src), str(out / f"leads_{n}.daily-saved.xlsx"))
                daily_base.append(seconds)
                src = fresh_copy(daily_source, "daily-refresh")
                (seconds2, _), _ = in_child(measure_refresh, str(src))
                daily_full.append(seconds2)
                print(f"   daily run {k + 1}/{runs}: bare load+save {seconds:.2f} s, refresh {seconds2:.2f} s",
                      flush=True)
            row["daily_baseline"] = statistics.median(daily_base)
            row["daily_refresh"] = statistics.median(daily_full)
        except ChildCrash as crash:
            print(f"   REFRESH CRASHED on {path}:\n{crash}", flush=True)
            crashes.append(f"{n:,} leads ({path.name}):\n\n```\n{crash}\n```")
        rows.append(row)
        gc.collect()

    profile_text = None
    if args.profile and sizes:
        middle = sorted(sizes)[len(sizes) // 2]
        src = fresh_copy(out / f"leads_{middle}.xlsx", "profile")
        print(f"\n== cProfile of run_refresh on {middle:,} leads", flush=True)
        try:
            profile_text, _ = in_child(profile_refresh, str(src))
            profile_text = profile_text.replace(str(ROOT) + "/", "").replace(
                os.path.dirname(os.path.dirname(openpyxl.__file__)) + "/", "")
            print(profile_text)
            (out / f"profile_{middle}.txt").write_text(profile_text)
        except ChildCrash as crash:
            print(f"profile run crashed:\n{crash}")

    lines = table_lines(rows)
    print("\n" + "\n".join(lines))
    print("\n".join(verdicts(rows)))
    for crash in crashes:
        print("CRASH: " + crash)
    if not args.no_results:
        append_results(info, command, rows, builds, crashes, profile_text, args.profile and sizes)
        print(f"\nAppended to {RESULTS}")
    return 1 if crashes else 0


def append_results(info, command, rows, builds, crashes, profile_text, profiled) -> None:
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    section = [
        f"## {now}: sizes {', '.join(format(r['n'], ',') for r in rows)}",
        "",
        f"- Machine: `nproc` {info['nproc']}, {info['cpu']}, {info['ram']} RAM, {info['os']}",
        f"- Python {info['python']}, pandas {info['pandas']}, openpyxl {info['openpyxl']}, numpy {info['numpy']}; "
        f"code at commit {info['commit']} (plus any uncommitted work in the tree)",
        f"- Command: `{command}`",
        f"- Benchmark today: {TODAY.isoformat()}; data seed {SEED}+n",
        "- Workbooks: " + "; ".join(
            f"{b['leads']:,} leads + {b['activity rows']:,} Activity rows, {b['MB']:.1f} MB"
            + (f" (built in {b['build seconds']:.0f} s)" if b.get("build seconds") else "") for b in builds),
        f"- Workbook contents: {WORKBOOK_NOTE}",
        "",
        *table_lines(rows),
        "",
        "Seconds, median of the runs; each measurement in a fresh forked process on a fresh copy. (a) "
        "`openpyxl.load_workbook(path)` + `save(other)`; (b) `run_refresh(XlsxStore(copy), today)` end to end; "
        "(d) `XlsxStore(copy)` (opens the workbook) then `read_tables(store)`; (c) `refresh(tables, now)` alone, "
        f"timed {COMPUTE_RUNS} times on the same tables (median; the first run and the median CPU time beside it); "
        "(e) `apply_changes` including the save. Peak RSS is the refresh process's high-water mark. The daily "
        "columns repeat (a) and (b) on the workbook that (b) produced: a tracker already refreshed once, as an "
        "agent's workbook is on every later day.",
        "",
        *verdicts(rows),
    ]
    if crashes:
        section += ["", "Crashes:", ""] + crashes
    if profiled and profile_text:
        top = []
        for part in profile_text.split("=== ")[1:]:  # each profile: its title and top cumulative entries
            kept = [ln for ln in part.split("--- by own time")[0].splitlines() if ln.strip()]
            top += ["=== " + kept[0]] + kept[1:] + [""]
        section += ["", "<details><summary>cProfile of the middle size, top entries (cumulative)</summary>", "",
                    "```", *top, "```", "", "</details>"]
    text = "\n".join(section) + "\n"
    existing = RESULTS.read_text() if RESULTS.exists() else "# Refresh benchmark results\n"
    if not existing.endswith("\n"):
        existing += "\n"
    RESULTS.write_text(existing + "\n" + text)


if __name__ == "__main__":
    sys.exit(main())

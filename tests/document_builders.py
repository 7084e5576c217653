"""Workbooks for the letters and emails tests: invented owners of every kind, an agent, comps and stories."""

from __future__ import annotations

import datetime as dt

from cma_builders import at, comp

from leadtracker import schema
from leadtracker.store import MemoryStore

TODAY = dt.date(2026, 11, 29)  # a Sunday; Thursday Nov 26 was Thanksgiving
AGENT = {
    "Agent Name": "Jordan Avery", "Brokerage": "Harbor Point Realty", "License Number": "SL-3748",
    "Agent Phone": "(813) 555-0100", "Agent Email": "jordan.avery@example.com",
    "Office Address": "400 Harbor Point Blvd, Suite 210, Tampa, FL 33602", "Time Zone": "America/New_York",
    "Working Hours": "9:00-17:00",
}
HOSTILE_OWNER = "Ann \"Annie\" O'Neil-Brackett <ann>"
HOSTILE_CO_OWNER = "Bo {{ agent.name }} {% if true %}Jr{% endif %} & Co"
HOSTILE_STREET = "12 <Main> & Oak St"
HOSTILE_BROKERAGE = "Smith & Sons \"Realty\" <Group> {{ 7*7 }}"
HOSTILE_STORY = "They sold for more than they owed & moved <closer> to family. {{ secret }} {% for x in y %}"


def _days(n: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=n), dt.time(10, 0))


def base_lead(lead_id: str, owner: object, **values: object) -> dict[str, object]:
    lat, lon = at(0.0, 0.0)
    row: dict[str, object] = {
        "Lead ID": lead_id, "Owner Name": owner, "Property Address": "4871 Fernleaf Ave", "City": "Tampa",
        "State": "FL", "ZIP": "33602", "Phone": "(813) 555-0142", "Email": f"{lead_id.lower()}@example.com",
        "Loan Balance": 210_000, "Est. Value": 290_000, "Default Date": dt.date(2026, 4, 1),
        "Notice Date": dt.date(2026, 8, 10), "Sale Date": dt.date(2027, 1, 12), "Beds": 3, "Baths": 2,
        "Sq Ft": 2000, "Year Built": 1990, "Lot Sq Ft": 7000, "Garage Spaces": 2, "Property Type": "Single Family",
        "Latitude": lat, "Longitude": lon, "Received": TODAY - dt.timedelta(days=2),
        "DNC Checked": TODAY - dt.timedelta(days=2),
    }
    row.update(values)
    return row


def varied_leads() -> list[dict[str, object]]:
    """Owners of every kind the salutation rules know, in several states, with and without numbers."""
    return [
        base_lead("L-1", "SMITHERS JOHN A & MARY B"),
        base_lead("L-2", "John Quillon", **{"Co-Owner Name": "Mary Jonesby", "State": "TX", "City": "AUSTIN",
                                             "ZIP": "78704", "Mailing Address": "500 West Elm Avenue, Suite 200",
                                             "Mailing City": "Austin", "Mailing State": "TX", "Mailing ZIP": "78701",
                                             "Sale Date": None}),
        base_lead("L-3", "ESTATE OF ROBERT FAIRWEATHER", **{"State": "CA", "City": "Sacramento", "ZIP": "95814",
                                                            "Loan Balance": None, "Sale Date": None}),
        base_lead("L-4", "PEMBERTON FAMILY LIVING TRUST", **{"Co-Owner Name": "DEBORAH K PEMBERTON TR",
                                                             "State": "AZ", "City": "Phoenix", "ZIP": "85004",
                                                             "Loan Balance": 420_000}),
        base_lead("L-5", "A&B HOLDINGS LLC", **{"State": "GA", "City": "Atlanta", "ZIP": "30303",
                                                "Property Address": "77 Peachtree Street Northwest Unit 5"}),
        base_lead("L-6", "JOHN QUINCE", **{"State": "MI", "City": "Detroit", "ZIP": "48201"}),
        base_lead("L-7", "Thanh Nguyenson", **{"State": "WA", "City": "Seattle", "ZIP": "98101",
                                               "Latitude": None, "Longitude": None, "Sale Date": dt.date(2026, 12, 8)}),
        base_lead("L-8", "VAN DER BERGEN PIETER & ANNA", **{"State": "NJ", "City": "Newark", "ZIP": "07102",
                                                            "Default Date": None, "Notice Date": None,
                                                            "Sale Date": None}),
    ]


def comps_rows() -> list[dict[str, object]]:
    rows = []
    for i, (north, east, price) in enumerate([(0.1, 0.0, 295_000), (0.0, 0.2, 310_000), (-0.2, 0.1, 285_000),
                                              (0.3, -0.1, 300_000), (0.15, 0.25, 305_000)]):
        rows.append(comp(price, dt.date(2026, 9, 1) + dt.timedelta(days=9 * i), north, east,
                         Address=f"{100 + i * 11} Heron Point Way", City="Tampa", State="FL",
                         **{"MLS Number": f"T{5000 + i}"}))
    rows.append(comp(None, None, 0.05, 0.05, "Active", Address="9 Kestrel Ave", City="Tampa", State="FL",
                     **{"List Price": 315_000, "List Date": dt.date(2026, 11, 1), "MLS Number": "T6000"}))
    return rows


def stories_rows() -> list[list[object]]:
    return [["Title", "Story", "Use"],
            ["A short sale that worked", "A couple two streets over sold before their sale date and started fresh.",
             "Yes"],
            ["Not used", "This one is switched off.", "No"],
            ["More time", "A widow caught up with her lender's help and kept her home.", None]]


def workbook(leads: list[dict], activity: list[dict] | None = None, settings: dict | None = None,
             comps: list[dict] | None = None, stories: list[list[object]] | None = None) -> MemoryStore:
    lead_headers = [c.name for c in schema.LEAD_COLUMNS]
    activity_headers = [c.name for c in schema.ACTIVITY_COLUMNS]
    comp_headers = [c.name for c in schema.COMP_COLUMNS]
    sheets = {
        "Leads": [lead_headers] + [[row.get(h) for h in lead_headers] for row in leads],
        "Activity": [activity_headers] + [[row.get(h) for h in activity_headers] for row in activity or []],
        "Settings": [["Setting", "Value"]] + [[k, v] for k, v in {**AGENT, **(settings or {})}.items()],
        "Comps": [comp_headers] + [[row.get(h) for h in comp_headers] for row in (comps if comps is not None
                                                                                 else comps_rows())],
    }
    if stories is not None:
        sheets["Stories"] = stories
    return MemoryStore(sheets)


def touch(lead_id: str, step: str, days_ago: int, channel: str = "Letter", outcome: str = "Sent",
          direction: str = "Outbound") -> dict[str, object]:
    return {"Activity ID": f"T-{lead_id}-{step}-{channel}-{outcome}-{days_ago}", "Timestamp": _days(days_ago),
            "Lead ID": lead_id, "Step": step, "Channel": channel, "Direction": direction, "Outcome": outcome,
            "Source": "test"}


def activity_rows(store: MemoryStore) -> list[dict[str, object]]:
    table = store.table("Activity")
    headers = table[0]
    return [dict(zip(headers, row)) for row in table[1:] if any(v is not None for v in row)]

"""Builders for CMA tests: comps and subjects placed by miles from a point, with invented addresses."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from leadtracker.cma_data import parse_comps, subject_frame, usable_comps
from leadtracker.schema import COMP_COLUMNS

ORIGIN = (27.95, -82.46)  # a point in Tampa
MILES_PER_DEGREE_LAT = 69.0


def at(north_miles: float = 0.0, east_miles: float = 0.0) -> tuple[float, float]:
    lat = ORIGIN[0] + north_miles / MILES_PER_DEGREE_LAT
    lon = ORIGIN[1] + east_miles / (MILES_PER_DEGREE_LAT * np.cos(np.radians(ORIGIN[0])))
    return lat, lon


def comp(price: float | None = 300_000, sold: dt.date | None = dt.date(2026, 10, 1), north: float = 0.1,
         east: float = 0.0, status: str = "Sold", **facts: object) -> dict[str, object]:
    lat, lon = at(north, east)
    row: dict[str, object] = {"Status": status, "Sale Price": price, "Sale Date": sold, "Sq Ft": 2000, "Beds": 3,
                              "Baths": 2, "Year Built": 1990, "Lot Sq Ft": 7000, "Garage Spaces": 2,
                              "Property Type": "Single Family", "Latitude": lat, "Longitude": lon, "ZIP": "33602"}
    row.update(facts)
    return row


def comps_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Rows as the Comps sheet gives them (canonical columns, index = sheet rows from 2)."""
    frame = pd.DataFrame(rows).reindex(columns=[c.name for c in COMP_COLUMNS])
    frame = frame.astype(object).where(frame.notna(), None)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def usable(rows: list[dict[str, object]]) -> pd.DataFrame:
    return usable_comps(parse_comps(comps_frame(rows)))


def subjects(rows: list[dict[str, object]], as_of: dt.date = dt.date(2026, 11, 29)) -> pd.DataFrame:
    base = {"Sq Ft": 2000, "Beds": 3, "Baths": 2, "Year Built": 1990, "Lot Sq Ft": 7000, "Garage Spaces": 2,
            "Property Type": "Single Family", "ZIP": "33602"}
    records = []
    for i, row in enumerate(rows):
        record = {"Lead ID": f"S-{i + 1}", **base}
        if "north" in row or "east" in row or ("Latitude" not in row and "no_coordinates" not in row):
            lat, lon = at(row.get("north", 0.0), row.get("east", 0.0))  # type: ignore[arg-type]
            record.update({"Latitude": lat, "Longitude": lon})
        record.update({k: v for k, v in row.items() if k not in ("north", "east", "no_coordinates")})
        records.append(record)
    frame = pd.DataFrame(records)
    for name in ("Sq Ft", "Beds", "Baths", "Year Built", "Lot Sq Ft", "Garage Spaces", "Latitude", "Longitude"):
        if name in frame:
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return subject_frame(frame, pd.Series(pd.Timestamp(as_of), index=frame.index))

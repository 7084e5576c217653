"""Reviewer round 3: one house is one lead however the unit or the town is spelled, and different homes stay apart.

Each case imports a one-row vendor CSV into a Leads sheet that already holds the house as the agent typed it, and
checks what the agent would see: how many leads the sheet has afterwards and whether the import added one.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from leadtracker import schema
from leadtracker.importers.addresses import parse_address, place_key
from leadtracker.importers.command import run_import
from leadtracker.store import MemoryStore

NOW = dt.datetime(2026, 11, 29, 9, 0)
HEADERS = ["Owner Name", "Property Address", "City", "State", "ZIP"]


@pytest.mark.parametrize("a,b,same", [
    ("5 Oak Ave Apt 4B", "5 OAK AVE #4-B", True),
    ("5 Oak Ave Apt 4B", "5 Oak Ave Unit 4 B", True),
    ("5 Oak Ave Apt 4-B", "5 OAK AVE APT 4 - B", True),
    ("5 Oak Ave Unit B-04", "5 Oak Ave Unit B4", True),
    ("5 Oak Ave # 04B", "5 Oak Ave Apt 4B", True),
    ("5 Oak Ave Apt 1-2", "5 Oak Ave Bldg 1 Apt 2", True),  # "1-2": building 1, unit 2
    ("5 Oak Ave Apt 4B", "5 Oak Ave Apt 4C", False),
    ("5 Oak Ave Apt 1-2", "5 Oak Ave Apt 12", False),  # a hyphen between two numbers separates them
    ("5 Oak Ave Apt 12-3", "5 Oak Ave Apt 1-23", False),
    ("5 Oak Ave Apt 4B", "5 Oak Ave", False),
    ("5 Oak Ave Apt 10", "5 Oak Ave Apt 1", False),
])
def test_unit_spellings(a, b, same):
    assert (parse_address(a).key == parse_address(b).key) is same, (parse_address(a).key, parse_address(b).key)


def test_unit_keys_as_written():
    assert parse_address("5 OAK AVE #4-B").key == "5 OAK AVE#4B"
    assert parse_address("5 Oak Ave Apt 1-2").unit == "1 2"
    assert parse_address("5 Oak Ave Apt 12").unit == "12"


@pytest.mark.parametrize("a,b,same", [
    (("St. Petersburg", "FL"), ("ST PETERSBURG", "FL"), True),
    (("Saint Petersburg", "FL"), ("St Petersburg", "fl"), True),
    (("Ft. Myers", "FL"), ("FORT MYERS", "FL"), True),
    (("Mount Dora", "FL"), ("MT DORA", "FL"), True),
    (("North Miami Beach", "FL"), ("N. Miami Beach", "FL"), True),
    (("Winston-Salem", "NC"), ("WINSTON SALEM", "NC"), True),
    (("De Land", "FL"), ("DeLand", "FL"), True),
    (("Cañon City", "CO"), ("CANON CITY", "CO"), True),
    (("Coeur d'Alene", "ID"), ("COEUR D ALENE", "ID"), True),
    (("St. Petersburg", "FL"), ("Petersburg", "FL"), False),
    (("Fort Myers", "FL"), ("Fort Myers Beach", "FL"), False),
    (("Ste. Genevieve", "MO"), ("St. Genevieve", "MO"), False),
    (("Portland", "OR"), ("Portland", "ME"), False),
])
def test_town_spellings(a, b, same):
    assert (place_key(*a) == place_key(*b)) is same, (place_key(*a), place_key(*b))


def test_place_key_needs_a_city_and_a_state():
    assert place_key("St. Petersburg", "FL") == "STPETERSBURG|FL"
    assert place_key(None, "FL") is None and place_key("  ", "FL") is None and place_key("Tampa", None) is None


def _import(tmp_path: Path, on_sheet: list, listed: list) -> tuple[int, list[tuple]]:
    store = MemoryStore({"Leads": [["Lead ID"] + HEADERS, ["A-1"] + on_sheet],
                         "Activity": [[c.name for c in schema.ACTIVITY_COLUMNS]]})
    path = tmp_path / "list.csv"
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows([HEADERS, listed])
    report = run_import(store, path, now=NOW, refresh=False)
    leads = store.read("Leads", schema.LEAD_COLUMNS).canonical(schema.LEAD_COLUMNS)
    return report.added, list(leads[["Lead ID", "Property Address", "City", "ZIP"]].itertuples(index=False))


@pytest.mark.parametrize("on_sheet,listed,added", [
    # the reviewer's repro: the same house, unit written with a hyphen, same ZIP
    (["Cy Ng", "5 Oak Ave Apt 4B", "Tampa", "FL", "33602"], ["NG CY", "5 OAK AVE #4-B", "TAMPA", "FL", "33602"], 0),
    # the reviewer's repro: no ZIP on the sheet, the town spelled another way
    (["Flo Po", "3 Gulf Blvd", "St. Petersburg", "FL", None], ["PO FLO", "3 GULF BLVD", "ST PETERSBURG", "FL", ""], 0),
    (["Flo Po", "3 Gulf Blvd", "Saint Petersburg", "FL", None],
     ["PO FLO", "3 GULF BLVD", "ST PETERSBURG", "FL", "33706"], 0),
    (["Al Ko", "9 Bay St", "Ft. Myers", "FL", None], ["KO AL", "9 BAY ST", "FORT MYERS", "FL", ""], 0),
    # different homes stay apart
    (["Cy Ng", "5 Oak Ave Apt 4B", "Tampa", "FL", "33602"], ["NG CY", "5 OAK AVE #4-C", "TAMPA", "FL", "33602"], 1),
    (["Cy Ng", "5 Oak Ave Apt 12", "Tampa", "FL", "33602"], ["NG CY", "5 OAK AVE APT 1-2", "TAMPA", "FL", "33602"], 1),
    (["Flo Po", "3 Gulf Blvd", "St. Petersburg", "FL", None], ["PO FLO", "3 GULF BLVD", "PETERSBURG", "FL", ""], 1),
])
def test_import_finds_the_house_already_on_the_sheet(tmp_path, on_sheet, listed, added):
    got_added, leads = _import(tmp_path, on_sheet, listed)
    assert got_added == added
    assert len(leads) == 1 + added
    assert leads[0][:3] == ("A-1", on_sheet[1], on_sheet[2])  # the agent's row keeps its spelling


def test_a_matched_lead_without_a_zip_gets_the_lists_zip(tmp_path):
    _, leads = _import(tmp_path, ["Flo Po", "3 Gulf Blvd", "St. Petersburg", "FL", None],
                       ["PO FLO", "3 GULF BLVD", "ST PETERSBURG", "FL", "33706"])
    assert leads == [("A-1", "3 Gulf Blvd", "St. Petersburg", "33706")]

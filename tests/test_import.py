"""Issue 5: vendor lead lists import without duplicates or lost edits.

Real files throughout: the vendor fixtures in tests/fixtures/imports (real column layouts, invented people), real
.xlsx trackers from the template, the real CLI; LibreOffice opens the result where formula safety matters.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from fixtures.imports import make_fixtures as fx
from leadtracker import schema
from leadtracker.cli import main
from leadtracker.errors import UsageError
from leadtracker.importers import choose_importer, importer_named
from leadtracker.importers.command import read_lead_file, run_import
from leadtracker.store import MemoryStore
from leadtracker.xlsx_store import XlsxStore

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
TODAY = "2026-11-29"
NOW = dt.datetime(2026, 11, 29, 9, 0)


def new_tracker(tmp_path: Path, name: str = "Tracker.xlsx") -> Path:
    path = tmp_path / name
    assert main(["new", str(path)]) == 0
    return path


def leads_of(path: Path) -> pd.DataFrame:
    data = XlsxStore(path).read("Leads", schema.LEAD_COLUMNS)
    return data.canonical(schema.LEAD_COLUMNS)


def activity_of(path: Path) -> pd.DataFrame:
    return XlsxStore(path).read("Activity", schema.ACTIVITY_COLUMNS).canonical(schema.ACTIVITY_COLUMNS)


def import_cli(capsys, *args: str) -> str:
    capsys.readouterr()
    assert main(["import", *args, "--today", TODAY]) == 0
    return capsys.readouterr().out


def counts(out: str) -> dict[str, int]:
    found = {}
    for line in out.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ("Added", "Updated", "Unchanged", "Rejected") and words[1][0].isdigit():
            found[words[0]] = int(words[1].replace(",", ""))
    return found


def one(frame: pd.DataFrame, column: str, value: object) -> pd.Series:
    rows = frame[frame[column] == value]
    assert len(rows) == 1, f"expected one row with {column} = {value!r}, found {len(rows)}"
    return rows.iloc[0]


def write_propstream(path: Path, change: dict[str, dict[str, object]] | None = None) -> Path:
    """The PropStream fixture, with some rows changed (by Address) as next week's export would have them."""
    rows = fx.propstream_rows()
    for row in rows:
        row.update((change or {}).get(row["Address"], {}))
    fx.write_csv(path, fx.PROPSTREAM_HEADERS, rows)
    return path


# --- acceptance --------------------------------------------------------------------------------------------------

def test_importing_the_same_file_twice_adds_nothing_the_second_time(tmp_path, capsys):
    tracker = new_tracker(tmp_path)
    first = import_cli(capsys, str(FIXTURES / "propstream_preforeclosure.csv"), "--into", str(tracker))
    assert counts(first) == {"Added": 6, "Updated": 0, "Unchanged": 0, "Rejected": 0}
    before = leads_of(tracker)
    activity_before = activity_of(tracker)
    second = import_cli(capsys, str(FIXTURES / "propstream_preforeclosure.csv"), "--into", str(tracker))
    assert counts(second) == {"Added": 0, "Updated": 0, "Unchanged": 6, "Rejected": 0}
    after = leads_of(tracker)
    inputs = [c.name for c in schema.LEAD_COLUMNS if c.kind is schema.Kind.INPUT]
    pd.testing.assert_frame_equal(before[inputs], after[inputs])
    assert len(activity_of(tracker)) == len(activity_before)  # no Activity row either


@pytest.mark.parametrize("fixture", ["propertyradar_export_cp1252.csv", "dealmachine_properties.xlsx",
                                     "batchdata_skiptrace.xlsx", "leadlist_lis_pendens.tsv",
                                     "county_export_bom.csv", "messy_list.csv"])
def test_every_vendor_file_imports_idempotently(fixture, tmp_path):
    store = MemoryStore({})
    first = run_import(store, FIXTURES / fixture, now=NOW, refresh=False, rejects_dir=tmp_path)
    second = run_import(store, FIXTURES / fixture, now=NOW, refresh=False, rejects_dir=tmp_path)
    assert first.added > 0
    assert (second.added, second.updated, second.unchanged) == (0, 0, first.added)


def test_a_phone_the_agent_corrected_survives_a_reimport_with_a_different_vendor_phone(tmp_path, capsys):
    tracker = new_tracker(tmp_path)
    import_cli(capsys, str(FIXTURES / "propstream_preforeclosure.csv"), "--into", str(tracker))
    lead = one(leads_of(tracker), "Property Address", "1207 Magnolia Ave")
    assert lead["Phone"] == "+18135550110"
    # the agent calls, finds the number wrong, and types the right one into the cell
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Leads"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, headers.index("Lead ID") + 1).value ==
               lead["Lead ID"])
    ws.cell(row, headers.index("Phone") + 1).value = "(813) 555-0177"
    wb.save(tracker)
    # next week's list carries yet another number for the owner, and a postponed sale date
    week2 = write_propstream(tmp_path / "propstream_week2.csv", {
        "1207 MAGNOLIA AVE": {"Phone 1": "(813) 555-0199", "Phone 1 DNC": "N"},
        # the vendor now lists the Smiths' numbers the other way round: nothing to change or note
        "4821 W HERON POINT BLVD": {"Phone 1": "(813) 555-0188", "Phone 2": "(813) 555-0142", "Phone 2 DNC": "N"}})
    out = import_cli(capsys, str(week2), "--into", str(tracker))
    assert counts(out)["Added"] == 0
    after = one(leads_of(tracker), "Lead ID", lead["Lead ID"])
    assert after["Phone"] == "(813) 555-0177"  # the agent's number, exactly as typed
    notes = list(activity_of(tracker)["Note"].dropna())
    assert "Phone: kept (813) 555-0177 (changed by hand); list says +18135550199" in notes
    assert "Kept your value in 1 cell" in out
    assert counts(out)["Updated"] == 0


def test_a_reimport_updates_vendor_facts_fills_blanks_and_keeps_what_the_agent_typed(tmp_path, capsys):
    tracker = new_tracker(tmp_path)
    import_cli(capsys, str(FIXTURES / "propstream_preforeclosure.csv"), "--into", str(tracker))
    leads = leads_of(tracker)
    smith = one(leads, "Property Address", "4821 W Heron Point Blvd #12B")
    palmetto = one(leads, "Property Address", "2714 W Palmetto St")
    sandpiper = one(leads, "Property Address", "88 Sandpiper Ct")
    assert smith["Sale Date"] == dt.datetime(2027, 1, 15)
    assert pd.isna(palmetto["Sale Date"]) and sandpiper["Sale Date"] == dt.datetime(2027, 2, 3)
    # the agent learns the real Sandpiper sale date from the trustee and types it in
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Leads"]
    headers = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, headers.index("Lead ID") + 1).value == sandpiper["Lead ID"]:
            ws.cell(r, headers.index("Sale Date") + 1).value = dt.datetime(2027, 2, 10)
    wb.save(tracker)
    week2 = write_propstream(tmp_path / "week2.csv", {
        "4821 W HERON POINT BLVD": {"Pre-FC Auction Date": "02/12/2027", "Pre-FC Unpaid Balance": "$247,310"},
        "2714 W PALMETTO ST": {"Pre-FC Auction Date": "03/05/2027"},
        "88 SANDPIPER CT": {"Pre-FC Auction Date": "02/17/2027"},
        "5906 N OLA AVE": {"Phone 1": "(813) 555-0199"},
    })
    out = import_cli(capsys, str(week2), "--into", str(tracker))
    assert counts(out) == {"Added": 0, "Updated": 2, "Unchanged": 4, "Rejected": 0}
    after = leads_of(tracker)
    assert one(after, "Lead ID", smith["Lead ID"])["Sale Date"] == dt.datetime(2027, 2, 12)  # postponed
    assert one(after, "Lead ID", smith["Lead ID"])["Loan Balance"] == 247310
    assert one(after, "Lead ID", palmetto["Lead ID"])["Sale Date"] == dt.datetime(2027, 3, 5)  # a blank filled
    assert one(after, "Lead ID", sandpiper["Lead ID"])["Sale Date"] == dt.datetime(2027, 2, 10)  # the agent's
    activity = activity_of(tracker)
    mine = activity[activity["Lead ID"] == smith["Lead ID"]]
    assert set(mine["Source"]) == {"import"}
    assert "Sale Date: 2027-01-15 -> 2027-02-12" in set(mine["Note"])
    assert "Loan Balance: $245,000 -> $247,310" in set(mine["Note"])
    assert "Sale Date: (blank) -> 2027-03-05" in set(activity["Note"])
    assert "Sale Date: kept 2027-02-10 (changed by hand); list says 2027-02-17" in set(activity["Note"])
    # the owner's phone in the list changed, but phones are only ever filled: the first one stays, with a note
    assert "Phone: kept +18135550171 (only blanks are filled); list says +18135550199" in set(activity["Note"])
    # the same file again changes nothing
    again = import_cli(capsys, str(week2), "--into", str(tracker))
    assert counts(again) == {"Added": 0, "Updated": 0, "Unchanged": 6, "Rejected": 0}
    assert len(activity_of(tracker)) == len(activity)


def test_a_lead_typed_by_hand_gets_blanks_filled_and_nothing_overwritten(tmp_path, capsys):
    tracker = new_tracker(tmp_path)
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Leads"]
    headers = [c.value for c in ws[1]]
    typed = {"Lead ID": "MY-1", "Owner Name": "Johnny Smith", "Property Address": "4821 West Heron Point Blvd Unit 12B",
             "City": "Tampa", "State": "FL", "ZIP": "33612", "Sale Date": dt.datetime(2027, 1, 8),
             "Notes": "met at open house"}
    for key, value in typed.items():
        ws.cell(2, headers.index(key) + 1).value = value
    wb.save(tracker)
    out = import_cli(capsys, str(FIXTURES / "propstream_preforeclosure.csv"), "--into", str(tracker))
    assert counts(out) == {"Added": 5, "Updated": 1, "Unchanged": 0, "Rejected": 0}
    lead = one(leads_of(tracker), "Lead ID", "MY-1")
    assert lead["Owner Name"] == "Johnny Smith" and lead["Notes"] == "met at open house"
    assert lead["Property Address"] == "4821 West Heron Point Blvd Unit 12B"
    assert lead["Sale Date"] == dt.datetime(2027, 1, 8)  # typed by hand: never replaced
    assert lead["Co-Owner Name"] == "Mary B. Smith" and lead["Phone"] == "+18135550142"  # blanks filled
    assert lead["Loan Balance"] == 245000 and lead["Lender"] == "WELLS FARGO BANK NA"
    notes = set(activity_of(tracker)["Note"])
    assert "Sale Date: kept 2027-01-08 (not set by an import); list says 2027-01-15" in notes


def test_a_messy_file_imports_every_good_row_and_reports_every_bad_one(tmp_path, capsys):
    tracker = new_tracker(tmp_path)
    messy = tmp_path / "messy_list.csv"
    shutil.copy(FIXTURES / "messy_list.csv", messy)
    out = import_cli(capsys, str(messy), "--into", str(tracker))
    assert counts(out) == {"Added": 7, "Updated": 0, "Unchanged": 0, "Rejected": 3}
    assert "UTF-8 mixed with Windows-1252" in out
    assert "row 8: Owner name is 300 characters long (at most 120); not a name" in out
    assert "row 9: no property address" in out
    assert "row 10: Property Address 'No address on file' is not a street address" in out
    report = tmp_path / "messy_list - rejects.csv"
    with open(report, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["File Row", "Reason", "Owner"]
    reasons = {int(r[0]): r[1] for r in rows[1:]}
    assert reasons == {
        1: "skipped: above the header row",
        8: "Owner name is 300 characters long (at most 120); not a name",
        9: "no property address",
        10: "Property Address 'No address on file' is not a street address",
        11: "skipped: a repeated header row",
        18: "skipped: not a lead row (a note at the end of the file)",
    }
    leads = leads_of(tracker)
    assert sorted(leads["Property Address"]) == sorted([
        "1450 Bayshore Dr", "2201 Sunset Point Rd", "77 Pelican Pl", "8 Harbor View Ln", "620 Bellevue Ave",
        "55 Tidewater Way Unit 3", "3107 Jacarandá Ct"])
    rene = one(leads, "Property Address", "3107 Jacarandá Ct")  # a UTF-8 line in the same file
    assert (rene["Owner Name"], rene["Co-Owner Name"]) == ("René Castellanos", "Zoë Castellanos")
    assert one(leads, "Property Address", "620 Bellevue Ave")["Owner Name"] == "José Peña"  # the cp1252 line
    petrov = one(leads, "Property Address", "8 Harbor View Ln")
    assert petrov["Phone"] == "+442079460958"  # a foreign number in E.164, named in Data Issues, never dialled
    assert "Phone '+442079460958' is not a US phone number I can dial" in petrov["Data Issues"]
    garcia = one(leads, "Property Address", "1450 Bayshore Dr")  # "1450 Bayshore Drive" later in the file
    assert garcia["Co-Owner Name"] == "Ken Nakashima" and garcia["Phone"] == "+17275550120"
    # formula-looking values are stored as text: openpyxl sees strings, LibreOffice shows them verbatim
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Leads"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "cmd|" in c.value]
    assert {c.value for c in cells} == {"=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"}
    assert all(c.data_type == "s" for c in cells)
    from office import soffice_convert

    exported = soffice_convert(tracker, "csv", tmp_path)
    text = exported.read_text(encoding="utf-8", errors="replace")
    assert "=cmd|' /C calc'!A0" in text and "@SUM(1+1)*cmd|' /C calc'!A0" in text


def test_new_leads_get_received_and_go_to_the_top_of_today(tmp_path, capsys):
    workbook = tmp_path / "demo"
    assert main(["demo", str(workbook), "--today", TODAY]) == 0
    tracker = workbook / "LeadTracker-demo.xlsx"
    capsys.readouterr()
    out = import_cli(capsys, str(FIXTURES / "county_export_bom.csv"), "--into", str(tracker))
    assert counts(out)["Added"] == 2 and "Refreshed" in out
    leads = leads_of(tracker)
    new = leads[leads["Source"] == "county_export_bom.csv"]
    assert len(new) == 2
    assert set(new["Received"]) == {dt.datetime(2026, 11, 29, 9, 0)}  # no vendor date: the moment of import
    assert set(new["Stage"]) == {"New"}
    # above every lead already in the plan and every lead received before today; only leads that also came in
    # today (the demo has three) share the top with them
    others = leads.drop(new.index)
    earlier = others[(others["Received"] < dt.datetime(2026, 11, 29)) | (others["Stage"] != "New")]
    assert new["Priority"].max() < earlier["Priority"].dropna().min()
    assert new["Priority"].max() <= 2 + len(others[(others["Received"] >= dt.datetime(2026, 11, 29))])
    columns = (schema.Column("Lead ID"), schema.Column("Rank"))
    ranked = XlsxStore(tracker).read("Today", columns).canonical(columns)
    assert set(ranked[ranked["Rank"] <= new["Priority"].max()]["Lead ID"]) >= set(new["Lead ID"])
    ps = MemoryStore({})
    report = run_import(ps, FIXTURES / "propstream_preforeclosure.csv", now=NOW, refresh=False,
                        rejects_dir=tmp_path)
    received = ps.read("Leads", schema.LEAD_COLUMNS).canonical(schema.LEAD_COLUMNS)
    smith = one(received, "Owner Name", "John A. Smith")
    assert smith["Received"] == dt.datetime(2026, 11, 24)  # the vendor's "Date Added to List"
    assert report.added == 6


def test_dry_run_changes_nothing(tmp_path, capsys):
    tracker = new_tracker(tmp_path)
    messy = tmp_path / "messy_list.csv"
    shutil.copy(FIXTURES / "messy_list.csv", messy)
    before = tracker.read_bytes()
    out = import_cli(capsys, str(messy), "--into", str(tracker), "--dry-run")
    assert out.startswith("Would import messy_list.csv")
    assert counts(out) == {"Added": 7, "Updated": 0, "Unchanged": 0, "Rejected": 3}
    assert "Dry run: nothing was changed." in out
    assert tracker.read_bytes() == before
    assert not (tmp_path / "messy_list - rejects.csv").exists()
    assert not (tmp_path / "Tracker.backup.xlsx").exists()


def test_import_rows_in_activity_are_records_not_touches(tmp_path):
    store = MemoryStore({})
    run_import(store, FIXTURES / "propstream_preforeclosure.csv", now=NOW, refresh=True, rejects_dir=tmp_path)
    leads = store.read("Leads", schema.LEAD_COLUMNS).canonical(schema.LEAD_COLUMNS)
    assert set(leads["Stage"]) == {"New"}
    assert list(leads["Touches"]) == [0] * 6
    assert leads["Data Issues"].isna().all()


# --- recognising vendors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fixture,vendor", [
    ("propstream_preforeclosure.csv", "PropStream"),
    ("propertyradar_export_cp1252.csv", "PropertyRadar"),
    ("dealmachine_properties.xlsx", "DealMachine"),
    ("batchdata_skiptrace.xlsx", "BatchLeads/BatchData"),
    ("leadlist_lis_pendens.tsv", "LeadList.Pro-style"),
    ("county_export_bom.csv", "Generic"),
    ("messy_list.csv", "Generic"),
])
def test_each_vendor_file_is_recognised(fixture, vendor):
    _, importer = read_lead_file(FIXTURES / fixture)
    assert importer.name == vendor
    assert importer.source  # every importer says where its column names come from


def test_two_importers_claiming_a_file_is_an_error_and_vendor_settles_it(tmp_path):
    headers = fx.PROPSTREAM_HEADERS + ["Input Data: Property Address", "Input Data: Property City"]
    path = tmp_path / "both.csv"
    fx.write_csv(path, headers, fx.propstream_rows())
    with pytest.raises(UsageError, match="PropStream and BatchLeads/BatchData importers both recognise"):
        read_lead_file(path)
    _, importer = read_lead_file(path, vendor="propstream")
    assert importer.name == "PropStream"
    assert importer_named("BatchLeads").name == "BatchLeads/BatchData"
    with pytest.raises(UsageError, match="not one I know"):
        importer_named("zillow")
    with pytest.raises(UsageError, match="no property address column"):
        choose_importer(("Name", "Phone"), "contacts.csv")


def test_vendor_columns_land_in_the_right_leads_columns(tmp_path):
    store = MemoryStore({})
    run_import(store, FIXTURES / "propstream_preforeclosure.csv", now=NOW, refresh=False, rejects_dir=tmp_path)
    leads = store.read("Leads", schema.LEAD_COLUMNS).canonical(schema.LEAD_COLUMNS)
    smith = one(leads, "Owner Name", "John A. Smith")
    assert smith["Co-Owner Name"] == "Mary B. Smith"
    assert (smith["City"], smith["State"], smith["ZIP"], smith["County"]) == ("Tampa", "FL", "33612", "Hillsborough")
    assert smith["Notice Date"] == dt.datetime(2026, 10, 2) and smith["Sale Date"] == dt.datetime(2027, 1, 15)
    assert smith["Loan Balance"] == 245000  # Pre-FC Unpaid Balance wins over the estimate of open loans
    assert smith["Est. Value"] == 318000 and smith["Sq Ft"] == 1480 and smith["Baths"] == 2
    assert smith["Mailing Address"] == "4821 W Heron Point Blvd #12B"
    # Phone 2 of row 1 is on the DNC list: the dialable number from the file's duplicate row is used instead
    assert (smith["Phone"], smith["Phone 2"]) == ("+18135550142", "+18135550188")
    quill = one(leads, "Owner Name", "Avery Quill")  # only a DNC number: kept, and the lead is Do Not Call
    assert (quill["Phone"], quill["Do Not Call"]) == ("+18135550110", "Yes")
    assert one(leads, "Owner Name", "Okafor Family Living Trust")["Do Not Call"] == "Yes"  # a litigator
    assert one(leads, "Owner Name", "Estate of Robert Jones")["Mailing City"] == "St Petersburg"
    assert one(leads, "Owner Name", "Bayview Holdings LLC")["Lender"] == "LAKEVIEW LOAN SERVICING LLC"

    radar = MemoryStore({})
    run_import(radar, FIXTURES / "propertyradar_export_cp1252.csv", now=NOW, refresh=False,
               rejects_dir=tmp_path)
    leads = radar.read("Leads", schema.LEAD_COLUMNS).canonical(schema.LEAD_COLUMNS)
    linker = one(leads, "Owner Name", "Jon J. Linker")
    assert linker["Co-Owner Name"] == "Aimee C. Linker"
    assert linker["State"] == "CA"  # PropertyRadar has no State column: it comes from the ZIP
    assert linker["Mailing Address"] == "PO Box 1187" and linker["Est. Value"] == 598000
    nunez = one(leads, "Property Address", "1342 Peña Ct")  # Windows-1252 bytes read correctly
    assert (nunez["Owner Name"], nunez["Co-Owner Name"]) == ("José L. Nuñez", "María Núñez")
    assert one(leads, "Property Address", "2201 Capitol Ave Apt 304")["Owner Name"] == "Patrick O'Brien"

    deal = MemoryStore({})
    run_import(deal, FIXTURES / "dealmachine_properties.xlsx", now=NOW, refresh=False, rejects_dir=tmp_path)
    leads = deal.read("Leads", schema.LEAD_COLUMNS).canonical(schema.LEAD_COLUMNS)
    tremaine = one(leads, "Owner Name", "Tremaine Washington")
    assert (tremaine["Co-Owner Name"], tremaine["Est. Value"], tremaine["Loan Balance"]) == (
        "Kesha Washington", 268000, 166200)
    assert (tremaine["Phone"], tremaine["Phone 2"]) == ("+12815550117", "+12815550118")
    assert one(leads, "Owner Name", "Lan Nguyen")["Property Address"] == "15102 Quail Run Ln Unit 7"

    batch = MemoryStore({})
    run_import(batch, FIXTURES / "batchdata_skiptrace.xlsx", now=NOW, refresh=False, rejects_dir=tmp_path)
    leads = batch.read("Leads", schema.LEAD_COLUMNS).canonical(schema.LEAD_COLUMNS)
    assert one(leads, "Property Address", "4417 Lantern Hill Rd")["Co-Owner Name"] == "Helen M. Kowalski"
    assert one(leads, "Property Address", "4417 Lantern Hill Rd")["Sale Date"] == dt.datetime(2027, 2, 18)
    assert one(leads, "Property Address", "991 Harvest Moon Way")["Owner Name"] == "Dmitri Petrov"  # Input Data

    lis = MemoryStore({})
    run_import(lis, FIXTURES / "leadlist_lis_pendens.tsv", now=NOW, refresh=False, rejects_dir=tmp_path)
    leads = lis.read("Leads", schema.LEAD_COLUMNS).canonical(schema.LEAD_COLUMNS)
    orchard = one(leads, "Property Address", "27 Orchard Gate Rd")
    assert (orchard["ZIP"], orchard["Notice Date"], orchard["Loan Balance"]) == (
        "07960", dt.datetime(2026, 11, 12), 371950)
    assert one(leads, "Property Address", "140 Stonehaven Ter Apt 2")["ZIP"] == "07960"  # "7960": zero restored

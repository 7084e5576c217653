"""PatchingXlsxStore: an import saved by rewriting only the cells it writes. The contract suite runs it too
(tests/test_store_contract.py); these tests check what only a patch can get wrong: the rest of the package kept byte
for byte, Excel Tables and formats, parts openpyxl would drop, the fallback, and LibreOffice reading the result."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.drawing.image import Image

from leadtracker import schema
from leadtracker.cli import main
from leadtracker.errors import WorkbookLockedError
from leadtracker.importers.command import import_into_workbook, run_import
from leadtracker.store import CellUpdate
from leadtracker.xlsx_patch import PatchingXlsxStore
from leadtracker.xlsx_store import XlsxStore

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
NOW = dt.datetime(2026, 11, 29, 9, 0)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def tracker(tmp_path: Path) -> Path:
    path = tmp_path / "Tracker.xlsx"
    assert main(["new", str(path)]) == 0
    return path


def test_an_import_rewrites_only_the_sheets_it_writes_and_grows_their_tables(tmp_path):
    path = tracker(tmp_path)
    before = members(path)
    store = PatchingXlsxStore(path)
    report = run_import(store, FIXTURES / "messy_list.csv", now=NOW, refresh=False, rejects_dir=tmp_path)
    assert store.saved_by == "patch"
    assert report.added == 7 and "Saved Tracker.xlsx" in report.saved
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every part's checksum holds, the copied ones included
    after = members(path)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/tables/table1.xml",
                       "xl/tables/table2.xml", "xl/styles.xml"}  # Leads, Activity, their tables, two formats
    assert set(after) == set(before)
    wb = openpyxl.load_workbook(path)
    assert wb["Leads"].tables["Leads"].ref == "A1:BR8"  # header + 7 leads
    assert wb["Activity"].tables["Activity"].ref == "A1:K8"
    leads = wb["Leads"]
    headers = [c.value for c in leads[1]]
    sale = leads.cell(2, headers.index("Sale Date") + 1)
    assert sale.value == dt.datetime(2026, 12, 18) and sale.number_format == "yyyy-mm-dd"
    owner = leads.cell(3, headers.index("Owner Name") + 1)
    assert owner.value == "=cmd|' /C calc'!A0" and owner.data_type == "s" and owner.quotePrefix
    assert XlsxStore(path).read("Leads", schema.LEAD_COLUMNS).canonical(schema.LEAD_COLUMNS)["Lead ID"].notna().all()


def test_libreoffice_reads_the_patched_workbook(tmp_path):
    from office import soffice_convert

    path = tracker(tmp_path)
    import_into_workbook(path, FIXTURES / "propstream_preforeclosure.csv", now=NOW, refresh_next=False)
    resaved = soffice_convert(path, "xlsx", tmp_path)
    wb = openpyxl.load_workbook(resaved)
    ws = wb["Leads"]
    headers = [c.value for c in ws[1]]
    owners = {ws.cell(r, headers.index("Owner Name") + 1).value for r in range(2, ws.max_row + 1)}
    assert {"John A. Smith", "Avery Quill", "Bayview Holdings LLC", "Estate of Robert Jones"} <= owners
    sale = [ws.cell(r, headers.index("Sale Date") + 1).value for r in range(2, ws.max_row + 1)]
    assert dt.datetime(2027, 1, 15) in sale


def test_parts_openpyxl_would_drop_survive_a_patch(tmp_path):
    """A picture on the Leads sheet and a macro part: XlsxStore cannot keep them and writes a copy; a patch keeps
    them byte for byte and saves in place."""
    path = tracker(tmp_path)
    wb = openpyxl.load_workbook(path)
    picture = tmp_path / "logo.png"
    picture.write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))
    wb["Leads"].add_image(Image(str(picture)), "BT2")
    wb.save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"not really a macro, but a part openpyxl drops")
    before = members(path)
    report = import_into_workbook(path, FIXTURES / "county_export_bom.csv", now=NOW, refresh_next=False)
    assert report.added == 2 and report.saved.startswith("Saved Tracker.xlsx")
    after = members(path)
    for name in before:
        if name.startswith(("xl/media/", "xl/drawings/", "xl/vbaProject")):
            assert after[name] == before[name], name
    assert not (tmp_path / "Tracker (refreshed).xlsx").exists()


def test_a_write_the_patch_cannot_do_falls_back_to_openpyxl(tmp_path):
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    ws.append(["Lead ID", "Owner Name", "Est. Value", "Loan Balance"])
    ws.append(["L-1", "Avery Quill", "=D2*1.5", 100000])
    wb.save(path)
    store = PatchingXlsxStore(path)
    # Est. Value holds a formula with no cached result: the cell reads blank, so an import may fill it
    assert store.update_cells("Leads", schema.LEAD_COLUMNS, "Lead ID",
                              [CellUpdate("L-1", "Est. Value", None, 250000)]) == 1
    message = store.commit()
    assert message.startswith("Saved book.xlsx") and store.saved_by == "openpyxl"
    assert openpyxl.load_workbook(path)["Leads"]["C2"].value == 250000


def test_dry_run_reads_an_open_workbook_and_saves_nothing(tmp_path):
    path = tracker(tmp_path)
    lock = tmp_path / ".~lock.Tracker.xlsx#"
    lock.write_text("someone")
    before = path.read_bytes()
    report = import_into_workbook(path, FIXTURES / "county_export_bom.csv", now=NOW, dry_run=True)
    assert report.added == 2 and path.read_bytes() == before
    with pytest.raises(WorkbookLockedError, match="open in Excel or LibreOffice"):
        import_into_workbook(path, FIXTURES / "county_export_bom.csv", now=NOW)
    lock.unlink()


def test_the_backup_is_the_workbook_from_before_the_import(tmp_path, capsys):
    path = tracker(tmp_path)
    original = path.read_bytes()
    assert main(["import", str(FIXTURES / "propstream_preforeclosure.csv"), "--into", str(path),
                 "--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert "Refreshed" in out and "Tracker.backup.xlsx" in out
    assert (tmp_path / "Tracker.backup.xlsx").read_bytes() == original
    assert not list(tmp_path.glob(".~*"))


def test_an_agents_own_sheet_gets_ids_and_the_columns_it_lacks(tmp_path):
    """A Leads sheet of the agent's own, with other headers, no Lead ID and no Excel Table."""
    from openpyxl.styles import Font, PatternFill

    path = tmp_path / "Own.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    ws.append(["Owner", "Site Address", "City", "ST", "Zip", "Auction Date", "My Notes"])
    for cell in ws[1]:
        cell.fill = PatternFill("solid", start_color="FFC000")
        cell.font = Font(bold=True)
    ws.append(["Jane Roe", "15 Elm Ct", "Dayton", "OH", "45410", dt.datetime(2027, 1, 2), "call after 5"])
    wb.create_sheet("Activity").append([c.name for c in schema.ACTIVITY_COLUMNS])
    wb.create_sheet("Settings").append(["Setting", "Value"])
    wb.save(path)
    store = PatchingXlsxStore(path)
    report = run_import(store, FIXTURES / "county_export_bom.csv", now=NOW, refresh=False, rejects_dir=tmp_path)
    assert store.saved_by == "patch"
    assert (report.added, report.updated, report.filled_cells) == (1, 1, 4)
    ws = openpyxl.load_workbook(path)["Leads"]
    headers = [c.value for c in ws[1]]
    assert headers[:8] == ["Owner", "Site Address", "City", "ST", "Zip", "Auction Date", "My Notes", "Lead ID"]
    assert {"Phone", "Lender", "Loan Balance", "Notice Date", "Source", "Received"} <= set(headers)
    assert all(c.font.b and c.fill.start_color.rgb == "00FFC000" for c in ws[1])  # new headers look like hers
    jane = {h: ws.cell(2, i + 1).value for i, h in enumerate(headers)}
    assert (jane["Owner"], jane["Auction Date"], jane["My Notes"]) == ("Jane Roe", dt.datetime(2027, 1, 2),
                                                                       "call after 5")
    assert jane["Lead ID"].startswith("LT-") and jane["Phone"] == "+19375550102"
    assert jane["Source"] is None and jane["Received"] is None  # when and whence she came stay hers to say

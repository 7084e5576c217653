"""What must never happen to an agent's .xlsx (issue 2, DESIGN §11), checked on real files through the CLI.

1. A refresh changes nothing but computed columns, the quick-log cells it consumed, the blank Lead IDs it filled,
   rows appended to Activity, and the tool-owned sheets (Today, Dashboard, CMA).
2. Saves are atomic: temp file in the same folder, os.replace, one backup, permissions kept, failure leaves the
   original byte-identical and no temp file behind.
3. A lock file (Excel ~$Name.xlsx, LibreOffice .~lock.Name.xlsx#) means refuse, exit 2, no traceback.
4. Parts openpyxl cannot keep (a chart the agent drew, VBA) mean: original untouched, "Name (refreshed).xlsx".
5. Text from data that starts with = + - @ is stored as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import openpyxl
import pytest
from office import soffice_convert
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from leadtracker import schema
from leadtracker.cli import main
from leadtracker.template import new_workbook

TODAY = "2026-11-29"
TOOL_SHEETS = {s.casefold() for s in schema.TOOL_SHEETS}
COMPUTED = {schema.normalize_header(c) for c in schema.COMPUTED_LEAD_COLUMNS}
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


# --- helpers -----------------------------------------------------------------------------------------------------

def refresh(path: Path, capsys, *extra: str) -> tuple[int, str, str]:
    code = main(["refresh", str(path), "--today", TODAY, *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76"  # comma, double quote, UTF-8


def _csv_rows(path: Path) -> list[list[str]]:
    import csv

    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def leftovers(folder: Path) -> list[str]:
    """Temp files a save could leave behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~leadtracker") or p.suffix == ".tmp")


def cell_state(cell) -> tuple:
    value = cell.value
    if isinstance(value, CellRichText):
        value = ("rich", repr(value))
    elif type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
        value = (type(value).__name__, getattr(value, "ref", None), getattr(value, "text", None))
    return (
        value, cell.data_type, cell.number_format, repr(cell.font), repr(cell.fill), repr(cell.border),
        repr(cell.alignment), cell.comment.text if cell.comment else None,
        cell.comment.author if cell.comment else None, cell.hyperlink.target if cell.hyperlink else None,
    )


def sheet_properties(ws) -> dict:
    validations = sorted(
        (dv.type or "", dv.formula1 or "", dv.formula2 or "", str(dv.sqref), bool(dv.allow_blank),
         dv.errorTitle or "", dv.error or "", dv.operator or "")
        for dv in ws.data_validations.dataValidation)
    conditional = sorted(
        (str(cf.sqref), rule.type or "", rule.operator or "", tuple(rule.formula or ()), rule.priority or 0,
         repr(rule.dxf.fill) if rule.dxf is not None else "", repr(rule.dxf.font) if rule.dxf is not None else "")
        for cf in ws.conditional_formatting for rule in cf.rules)
    tables = {t.name: (t.ref, t.displayName, [c.name for c in t.tableColumns],
                     t.tableStyleInfo.name if t.tableStyleInfo else None, t.headerRowCount, t.totalsRowCount)
              for t in ws.tables.values()}
    return {
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "validations": validations,
        "conditional": conditional,
        "freeze": ws.freeze_panes,
        "autofilter": ws.auto_filter.ref,
        "widths": {k: (d.width, d.hidden, d.customWidth) for k, d in ws.column_dimensions.items()
                   if d.customWidth or d.hidden},
        "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height is not None},
        "tables": tables,
        "local_names": {n: d.attr_text for n, d in ws.defined_names.items()},
        "state": ws.sheet_state,
        "tab": ws.sheet_properties.tabColor.rgb if ws.sheet_properties.tabColor else None,
        "print_area": ws.print_area,
    }


def snapshot(path: Path) -> dict:
    wb = openpyxl.load_workbook(path, rich_text=True)
    sheets = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                state = cell_state(cell)
                if state[0] is not None or state[7] is not None or cell.has_style:
                    cells[cell.coordinate] = state
        sheets[ws.title] = {"cells": cells, "props": sheet_properties(ws), "max_row": ws.max_row,
                            "max_col": ws.max_column}
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    wb.close()
    return {"order": [s for s in sheets], "sheets": sheets, "names": names}


def sheet_xml(path: Path, sheet: str) -> str:
    """The raw XML of one worksheet part, found through the workbook's relationships."""
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        for node in workbook.iter("{%s}sheet" % NS["m"]):
            if node.get("name") == sheet:
                target = targets[node.get(rid)]
                part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
                return archive.read(part).decode("utf-8")
    raise KeyError(sheet)


def raw_cell(xml: str, coordinate: str) -> str:
    match = re.search(rf'<c r="{coordinate}"[^>]*?(/>|>.*?</c>)', xml, flags=re.S)
    assert match, f"cell {coordinate} not in the sheet XML"
    return match.group(0)


def header_columns(ws, header_row: int) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[header_row] if c.value is not None}


# --- an agent's own workbook ------------------------------------------------------------------------------------

LEADS_HEADERS = ["My Rank", "Site Address", "Owner", "Property Zip", "State", "Auction Date", "Mortgage Balance",
                 "Est. Value", "Bedrooms", "Lead ID", "Log Outcome", "Log Note", "Commission", "Stage",
                 "Next Step", "Data Issues", "Phone", "My Notes"]


def build_agent_workbook(path: Path) -> None:
    """Everything an agent's hand-kept workbook tends to have, built with openpyxl."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    ws["A1"] = "Preforeclosures - South Florida (Nov)"
    ws["A1"].font = Font(bold=True, size=14, color="C00000")
    ws.merge_cells("A1:F1")
    ws.append(LEADS_HEADERS)
    rows = [
        [1, "12 Oak St", "Jane Roe", "33101", "FL", dt.datetime(2027, 1, 15), 150000, "=G3*2", 3, "L-1",
         "Spoke", "talked about options", "=H3*0.03", None, None, None, "3055550101", "call after 5"],
        [2, "40 Elm Ave", "John Doe", "33102", "FL", dt.datetime(2027, 2, 1), 90000, 250000, 4, None,
         None, None, "=H4*0.03", None, None, None, "3055550102", "#N/A"],
        [3, "7 Pine Rd", "Ann Lee", "33103", "FL", None, 120000, 300000, 2, "L-3",
         None, None, "=H5*0.03", None, None, None, None, None],
    ]
    for row in rows:
        ws.append(row)
    assert ws["R4"].data_type == "e"  # an Excel error value in the agent's own column
    ws["R5"] = CellRichText([TextBlock(InlineFont(b=True), "Hot: "), "motivated seller"])
    # formats, fonts, fills, borders, alignment
    for r in range(3, 6):
        ws.cell(r, 6).number_format = "mm/dd/yyyy"
        ws.cell(r, 7).number_format = '"$"#,##0.00'
        ws.cell(r, 8).number_format = '"$"#,##0'
        ws.cell(r, 13).number_format = "0.00%"
    ws["C3"].font = Font(bold=True, italic=True, color="1F4E79", name="Georgia")
    for c in range(1, 19):
        ws.cell(4, c).fill = PatternFill("solid", fgColor="FFFF00")
        ws.cell(2, c).font = Font(bold=True)
        ws.cell(2, c).border = Border(bottom=Side(style="thin"))
    ws["B3"].alignment = Alignment(wrap_text=True, horizontal="center")
    ws["N3"].fill = PatternFill("solid", fgColor="00B050")  # agent styled a computed cell: style must stay
    # comments and a hyperlink
    ws["C3"].comment = Comment("Met her at the open house", "Agent")
    ws["A2"].comment = Comment("My own ranking", "Agent")
    ws["B4"].hyperlink = "https://maps.example/40-elm"
    # data validation (on an input column and on the agent's column) and conditional formatting
    states = DataValidation(type="list", formula1='"FL,GA"', allow_blank=True)
    states.add("E3:E200")
    rank = DataValidation(type="whole", operator="between", formula1="1", formula2="10")
    rank.add("A3:A200")
    ws.add_data_validation(states)
    ws.add_data_validation(rank)
    ws.conditional_formatting.add("A3:A200", CellIsRule(operator="lessThan", formula=["2"],
                                                        fill=PatternFill("solid", bgColor="FFC7CE")))
    ws.conditional_formatting.add("G3:G200", FormulaRule(formula=["G3>100000"], font=Font(color="9C0006")))
    # panes, filter, widths, heights, tab colour
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = "A2:R5"
    ws.column_dimensions["B"].width = 31.5
    ws.column_dimensions["R"].width = 44
    ws.column_dimensions["M"].hidden = True
    ws.row_dimensions[1].height = 28
    ws.sheet_properties.tabColor = "1072BA"

    activity = wb.create_sheet("Activity")
    activity.append([c.name for c in schema.ACTIVITY_COLUMNS])
    activity.append(["A-OLD-1", dt.datetime(2026, 11, 20, 10, 0), "L-3", "D1", "Letter", "Outbound", "Sent",
                     "first letter", "manual", None, "Me"])
    activity["H2"].font = Font(italic=True)

    pipeline = wb.create_sheet("My Pipeline")
    pipeline.append(["Month", "Leads", "Listings"])
    pipeline.append(["Oct", 12, 2])
    pipeline.append(["Nov", 18, 3])
    pipeline.append(["Total", "=SUM(B2:B3)", "=SUM(C2:C3)"])
    pipeline["E1"] = "=COUNTA(Leads!C3:C200)"
    table = Table(displayName="PipelineTable", ref="A1:C3")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    pipeline.add_table(table)
    pipeline.column_dimensions["A"].width = 18
    pipeline.defined_names["LocalTotal"] = DefinedName("LocalTotal", attr_text="'My Pipeline'!$B$4")

    lists = wb.create_sheet("Lists")
    lists["A1"], lists["A2"] = "FL", "GA"
    lists.sheet_state = "hidden"
    wb.defined_names["StateList"] = DefinedName("StateList", attr_text="Lists!$A$1:$A$2")
    wb.defined_names["LeadOwners"] = DefinedName("LeadOwners", attr_text="Leads!$C$3:$C$200")
    wb.save(path)


# --- 1. nothing but the tool's cells changes ----------------------------------------------------------------------

def test_refresh_changes_only_the_tools_cells(tmp_path, capsys):
    path = tmp_path / "My Leads.xlsx"
    build_agent_workbook(path)
    before = snapshot(path)

    code, out, err = refresh(path, capsys)
    assert code == 0, err
    assert "Traceback" not in err
    after = snapshot(path)

    # sheets: the agent's keep their order; only missing input sheets and tool sheets are new
    kept = [s for s in after["order"] if s in before["order"]]
    assert kept == before["order"]
    added = {s.casefold() for s in after["order"] if s not in before["order"]}
    assert added <= TOOL_SHEETS | {"settings"}, added
    assert {"today", "dashboard"} <= added
    assert after["names"] == before["names"]

    leads_before, leads_after = before["sheets"]["Leads"], after["sheets"]["Leads"]
    wb = openpyxl.load_workbook(path)
    ws = wb["Leads"]
    headers_after = header_columns(ws, 2)
    computed_cols = {col for header, col in headers_after.items() if schema.normalize_header(header) in COMPUTED}
    old_width = leads_before["max_col"]
    new_headers = [ws.cell(2, c).value for c in range(old_width + 1, ws.max_column + 1)]
    # the computed columns the agent did not have are added at the right end, in contract order
    present = {schema.normalize_header(h) for h in LEADS_HEADERS}
    assert new_headers == [c for c in schema.COMPUTED_LEAD_COLUMNS if schema.normalize_header(c) not in present]

    owner_col = LEADS_HEADERS.index("Lead ID") + 1
    log_outcome, log_note = LEADS_HEADERS.index("Log Outcome") + 1, LEADS_HEADERS.index("Log Note") + 1
    allowed = {f"{get_column_letter(owner_col)}4"}  # the blank Lead ID
    allowed |= {f"{get_column_letter(log_outcome)}3", f"{get_column_letter(log_note)}3"}  # consumed quick log
    changed = []
    for coordinate in sorted(set(leads_before["cells"]) | set(leads_after["cells"])):
        col = openpyxl.utils.cell.coordinate_from_string(coordinate)
        col_index, row = openpyxl.utils.column_index_from_string(col[0]), col[1]
        if row > 2 and col_index in computed_cols:
            continue  # computed data cells are the tool's
        if col_index > old_width:
            continue  # a computed column the tool added
        if coordinate in allowed:
            continue
        if leads_before["cells"].get(coordinate) != leads_after["cells"].get(coordinate):
            changed.append((coordinate, leads_before["cells"].get(coordinate), leads_after["cells"].get(coordinate)))
    assert changed == [], f"Leads cells the tool does not own changed: {changed[:5]}"

    # the allowed cells changed only as allowed: value cleared/filled, style kept
    id_before, id_after = leads_before["cells"].get("J4"), leads_after["cells"]["J4"]
    assert id_after[0].startswith("LT-") and (id_before is None or id_before[0] is None)
    assert id_before is None or id_before[2:] == id_after[2:]  # the row's yellow fill stays
    for coordinate in (f"{get_column_letter(log_outcome)}3", f"{get_column_letter(log_note)}3"):
        assert leads_after["cells"].get(coordinate, (None,))[0] is None
        if coordinate in leads_after["cells"]:
            assert leads_after["cells"][coordinate][2:] == leads_before["cells"][coordinate][2:]
    # the agent's green fill on a computed cell survives its value being written
    assert leads_after["cells"]["N3"][4] == leads_before["cells"]["N3"][4]
    assert leads_after["props"] == leads_before["props"]

    # Activity: old rows untouched, the quick-log entry appended below them
    act_before, act_after = before["sheets"]["Activity"], after["sheets"]["Activity"]
    for coordinate, state in act_before["cells"].items():
        assert act_after["cells"].get(coordinate) == state, coordinate
    assert act_after["props"] == act_before["props"]
    activity = wb["Activity"]
    assert activity.max_row == 3
    logged = {activity.cell(1, c).value: activity.cell(3, c).value for c in range(1, activity.max_column + 1)}
    assert (logged["Lead ID"], logged["Outcome"], logged["Note"]) == ("L-1", "Spoke", "talked about options")

    # every other sheet of the agent's: every cell and property the same
    for name in ("My Pipeline", "Lists"):
        assert after["sheets"][name] == before["sheets"][name], name

    # the values a user checks: formulas kept as formulas, ids and names in place
    assert ws["H3"].value == "=G3*2" and ws["H3"].data_type == "f"
    assert ws["M4"].value == "=H4*0.03"
    assert [ws.cell(r, 3).value for r in (3, 4, 5)] == ["Jane Roe", "John Doe", "Ann Lee"]
    assert ws["J3"].value == "L-1" and ws["J5"].value == "L-3"
    assert wb["My Pipeline"]["B4"].value == "=SUM(B2:B3)"
    wb.close()

    # a real spreadsheet application opens the result and sees the rows
    csv = soffice_convert(path, "csv", tmp_path).read_text(encoding="utf-8", errors="replace")
    for text in ("Jane Roe", "John Doe", "Ann Lee", "12 Oak St", "L-3"):
        assert text in csv
    assert id_after[0] in csv
    pdf = soffice_convert(path, "pdf", tmp_path)
    assert pdf.read_bytes()[:4] == b"%PDF"


def test_second_refresh_same_day_changes_no_value(tmp_path, capsys):
    path = tmp_path / "Leads.xlsx"
    build_agent_workbook(path)
    assert refresh(path, capsys)[0] == 0
    first = snapshot(path)
    assert refresh(path, capsys)[0] == 0
    second = snapshot(path)
    assert second == first


def test_table_on_leads_grows_over_added_computed_columns_only(tmp_path, capsys):
    """An Excel Table over Leads: the table keeps its name and style; new computed columns join it."""
    path = tmp_path / "Tabled.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    ws.append(["Lead ID", "Owner Name", "Property Address", "Phone", "My Column"])
    ws.append(["T-1", "Pat Kim", "1 Bay Rd", "3055550111", "keep me"])
    ws.append(["T-2", "Sam Poe", "2 Bay Rd", "3055550112", "and me"])
    table = Table(displayName="LeadsTable", ref="A1:E3")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    wb.save(path)
    code, _, err = refresh(path, capsys)
    assert code == 0, err
    wb = openpyxl.load_workbook(path)
    ws = wb["Leads"]
    t = ws.tables["LeadsTable"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["Lead ID", "Owner Name", "Property Address", "Phone", "My Column"]
    assert t.ref == f"A1:{get_column_letter(len(headers))}3"
    assert [c.name for c in t.tableColumns] == headers
    assert t.tableStyleInfo.name == "TableStyleLight9"
    assert [ws.cell(r, 5).value for r in (2, 3)] == ["keep me", "and me"]
    exported = _csv_rows(soffice_convert(path, CSV_UTF8, tmp_path))  # LibreOffice reads the same table
    assert exported[0][:5] == headers[:5] and [row[4] for row in exported[1:3]] == ["keep me", "and me"]


def test_formula_inputs_keep_their_calculated_values(tmp_path, capsys):
    """An Est. Value typed as a formula in Excel: after a refresh the file still holds the value Excel computed,
    so the next refresh (and any reader that does not recalculate) sees the same Est. Value."""
    source = tmp_path / "src.xlsx"
    build_agent_workbook(source)
    # let LibreOffice calculate and save, as Excel would: formula cells then carry cached values
    calculated = soffice_convert(source, "xlsx", tmp_path)
    path = tmp_path / "Calculated.xlsx"
    shutil.copy(calculated, path)
    values = openpyxl.load_workbook(path, data_only=True)["Leads"]
    assert values["H3"].value == 300000  # =G3*2
    code, out, err = refresh(path, capsys)
    assert code == 0, err
    # LibreOffice writes an empty drawing part beside cell comments: that alone must not stop a save in place
    assert "Saved Calculated.xlsx" in out and not (tmp_path / "Calculated (refreshed).xlsx").exists()
    values = openpyxl.load_workbook(path, data_only=True)["Leads"]
    assert values["H3"].value == 300000
    assert values["M4"].value == pytest.approx(7500)
    assert values["R4"].value == "#N/A"
    formulas = openpyxl.load_workbook(path)["Leads"]
    assert formulas["H3"].value == "=G3*2"
    pipeline = openpyxl.load_workbook(path, data_only=True)["My Pipeline"]
    assert (pipeline["B4"].value, pipeline["E1"].value) == (30, 3)
    # the next refresh reads the same Est. Value, so it computes the same Priority for every lead
    first = [c.value for c in openpyxl.load_workbook(path)["Leads"]["A"]]
    priorities = _column_values(path, "Priority")
    assert refresh(path, capsys)[0] == 0
    assert _column_values(path, "Priority") == priorities
    assert [c.value for c in openpyxl.load_workbook(path)["Leads"]["A"]] == first


def _column_values(path: Path, header: str) -> list[object]:
    ws = openpyxl.load_workbook(path)["Leads"]
    col = header_columns(ws, 2)[header]
    return [ws.cell(r, col).value for r in range(3, ws.max_row + 1)]


def test_workbook_reached_through_a_symlink_is_saved_where_it_lives(tmp_path, capsys):
    real_folder = tmp_path / "Dropbox"
    real_folder.mkdir()
    real = real_folder / "Leads.xlsx"
    small_workbook(real)
    link = tmp_path / "Leads.xlsx"
    link.symlink_to(real)
    code, out, err = refresh(link, capsys)
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == real
    ws = openpyxl.load_workbook(real)["Leads"]
    assert ws.cell(2, header_columns(ws, 1)["Stage"]).value is not None
    assert leftovers(real_folder) == [] and leftovers(tmp_path) == []


# --- 2. atomic save --------------------------------------------------------------------------------------------

def small_workbook(path: Path) -> None:
    new_workbook(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Leads"]
    cols = header_columns(ws, 1)
    for r, (lead, owner) in enumerate((("S-1", "Ada Moss"), ("S-2", "Ben Ruiz")), start=2):
        ws.cell(r, cols["Lead ID"], lead)
        ws.cell(r, cols["Owner Name"], owner)
        ws.cell(r, cols["Property Address"], f"{r} Main St")
        ws.cell(r, cols["Phone"], f"30555501{r:02d}")
    wb.save(path)


def test_save_goes_through_a_temp_file_in_the_same_folder(tmp_path, capsys, monkeypatch):
    path = tmp_path / "Atomic.xlsx"
    small_workbook(path)
    original = path.read_bytes()
    saved_to: list[Path] = []
    replaced: list[tuple[Path, Path]] = []
    real_save, real_replace = openpyxl.Workbook.save, os.replace

    def spy_save(self, filename):
        saved_to.append(Path(filename))
        return real_save(self, filename)

    def spy_replace(src, dst, *args, **kwargs):
        replaced.append((Path(src), Path(dst)))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(openpyxl.Workbook, "save", spy_save)
    monkeypatch.setattr(os, "replace", spy_replace)
    code, out, err = refresh(path, capsys)
    assert code == 0, err
    assert len(saved_to) == 1
    assert saved_to[0].parent == path.parent and saved_to[0] != path
    assert replaced == [(saved_to[0], path)]
    assert not saved_to[0].exists()
    backup = tmp_path / "Atomic.backup.xlsx"
    assert backup.read_bytes() == original
    assert "Atomic.backup.xlsx" in out
    assert leftovers(tmp_path) == []


def test_one_backup_holds_the_previous_version_and_permissions_are_kept(tmp_path, capsys):
    path = tmp_path / "Twice.xlsx"
    small_workbook(path)
    os.chmod(path, 0o640)
    original = path.read_bytes()
    assert refresh(path, capsys)[0] == 0
    first = path.read_bytes()
    assert first != original
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert refresh(path, capsys)[0] == 0
    backups = [p.name for p in tmp_path.iterdir() if "backup" in p.name]
    assert backups == ["Twice.backup.xlsx"]
    assert (tmp_path / "Twice.backup.xlsx").read_bytes() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Twice.backup.xlsx", "Twice.xlsx"]


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), PermissionError(13, "Permission denied")])
def test_failed_save_leaves_the_original_and_no_temp_file(tmp_path, capsys, monkeypatch, error):
    path = tmp_path / "Fails.xlsx"
    small_workbook(path)
    assert refresh(path, capsys)[0] == 0  # a backup from an earlier run exists
    backup = tmp_path / "Fails.backup.xlsx"
    original, old_backup = path.read_bytes(), backup.read_bytes()
    real_save = openpyxl.Workbook.save

    def half_save(self, filename):
        real_save(self, filename)
        with open(filename, "r+b") as handle:  # a half-written file, then the disk gives out
            handle.truncate(100)
        raise error

    monkeypatch.setattr(openpyxl.Workbook, "save", half_save)
    code, out, err = refresh(path, capsys)
    assert code == 2
    assert "Traceback" not in err
    assert "Fails.xlsx" in err and "saved" in err
    assert path.read_bytes() == original
    assert backup.read_bytes() == old_backup
    assert leftovers(tmp_path) == []
    openpyxl.load_workbook(path).close()


def test_failed_replace_leaves_the_original_and_no_temp_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "Replace.xlsx"
    small_workbook(path)
    original = path.read_bytes()

    def broken_replace(src, dst, *args, **kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "replace", broken_replace)
    code, out, err = refresh(path, capsys)
    assert code == 2 and "Traceback" not in err and "Replace.xlsx" in err
    assert path.read_bytes() == original
    assert leftovers(tmp_path) == []


# --- 3. lock files -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lock_name", ["~$Locked.xlsx", ".~lock.Locked.xlsx#"])
def test_lock_file_means_refuse(tmp_path, capsys, lock_name):
    path = tmp_path / "Locked.xlsx"
    small_workbook(path)
    original = path.read_bytes()
    (tmp_path / lock_name).write_bytes(b"lock")
    code, out, err = refresh(path, capsys)
    assert code == 2
    assert "Traceback" not in err and err.count("\n") == 1
    assert "Locked.xlsx" in err and lock_name in err and "open" in err and "Close it" in err
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([lock_name, "Locked.xlsx"])


# --- 4. parts openpyxl cannot keep ------------------------------------------------------------------------------

def add_agent_chart(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("My Charts")
    ws.append(["Month", "Deals"])
    for month, deals in (("Sep", 1), ("Oct", 3), ("Nov", 2)):
        ws.append([month, deals])
    chart = BarChart()
    chart.title = "My deals"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=4))
    ws.add_chart(chart, "D2")
    wb.save(path)


def make_xlsm(xlsx: Path, xlsm: Path) -> None:
    """An .xlsm the way Excel writes one: a vbaProject.bin part, its relationship and content types."""
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                text = data.decode("utf-8")
                text = text.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                text = text.replace("</Types>", '<Override PartName="/xl/vbaProject.bin" '
                                    'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
                data = text.encode("utf-8")
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.decode("utf-8").replace(
                    "</Relationships>", '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                    'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>').encode("utf-8")
            dst.writestr(item, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


def test_agent_chart_means_write_a_refreshed_copy(tmp_path, capsys):
    path = tmp_path / "Charted.xlsx"
    small_workbook(path)
    add_agent_chart(path)
    original = path.read_bytes()
    code, out, err = refresh(path, capsys)
    assert code == 0, err
    assert path.read_bytes() == original
    copy = tmp_path / "Charted (refreshed).xlsx"
    assert copy.exists()
    assert "Charted (refreshed).xlsx" in out and "My Charts" in out and "untouched" in out
    assert "chart" in out.casefold()
    assert not (tmp_path / "Charted.backup.xlsx").exists()
    assert leftovers(tmp_path) == []
    wb = openpyxl.load_workbook(copy)
    ws = wb["Leads"]
    cols = header_columns(ws, 1)
    assert ws.cell(2, cols["Stage"]).value is not None and ws.cell(2, cols["Lead ID"]).value == "S-1"
    assert "Today" in wb.sheetnames


def test_macros_mean_write_a_refreshed_copy(tmp_path, capsys):
    plain = tmp_path / "plain.xlsx"
    small_workbook(plain)
    path = tmp_path / "Macro Book.xlsm"
    make_xlsm(plain, path)
    openpyxl.load_workbook(path, keep_vba=True).close()  # a workbook openpyxl can read
    original = path.read_bytes()
    code, out, err = refresh(path, capsys)
    assert code == 0, err
    assert path.read_bytes() == original
    copy = tmp_path / "Macro Book (refreshed).xlsx"
    assert copy.exists() and "Macro Book (refreshed).xlsx" in out
    assert "macros" in out.casefold() or "vba" in out.casefold()
    with zipfile.ZipFile(copy) as archive:  # a plain .xlsx that Excel will open under that extension
        types = archive.read("[Content_Types].xml").decode("utf-8")
        assert "macroEnabled" not in types
    exported = _csv_rows(soffice_convert(copy, CSV_UTF8, tmp_path))  # LibreOffice opens the copy, leads intact
    leads = openpyxl.load_workbook(copy)["Leads"]
    assert exported[0][:3] == [leads.cell(1, c).value for c in (1, 2, 3)]
    assert [row[1] for row in exported[1:3]] == [leads.cell(r, 2).value for r in (2, 3)]


SPARKLINES = ('<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
              'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:sparklineGroups '
              'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:sparklineGroup>'
              '<x14:colorSeries rgb="FF376092"/><x14:sparklines><x14:sparkline><xm:f>Trend!A1:C1</xm:f>'
              '<xm:sqref>D1</xm:sqref></x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups>'
              '</ext></extLst>')


def test_sparklines_mean_write_a_refreshed_copy(tmp_path, capsys):
    """Excel writes sparklines as a worksheet extension, which openpyxl drops on load (with only a warning)."""
    plain = tmp_path / "plain.xlsx"
    small_workbook(plain)
    wb = openpyxl.load_workbook(plain)
    trend = wb.create_sheet("Trend")
    trend.append([3, 5, 4])
    wb.save(plain)
    path = tmp_path / "Sparks.xlsx"
    part = f"xl/worksheets/sheet{wb.sheetnames.index('Trend') + 1}.xml"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        assert sheet_xml(plain, "Trend") == src.read(part).decode("utf-8")
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                data = data.decode("utf-8").replace("</worksheet>", SPARKLINES + "</worksheet>").encode("utf-8")
            dst.writestr(item, data)
    original = path.read_bytes()
    code, out, err = refresh(path, capsys)
    assert code == 0, err
    assert path.read_bytes() == original
    assert (tmp_path / "Sparks (refreshed).xlsx").exists()
    assert "sparklines" in out and "'Trend'" in out


DYNAMIC_ARRAY_METADATA = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<metadata '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray"><metadataTypes count="1">'
    '<metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" pasteValues="1" merge="1" '
    'splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" coerce="1" cellMeta="1"/>'
    '</metadataTypes><futureMetadata name="XLDAPR" count="1"><bk><extLst><ext '
    'uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}"><xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext>'
    '</extLst></bk></futureMetadata><cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata></metadata>')


def test_dynamic_array_formulas_mean_write_a_refreshed_copy(tmp_path, capsys):
    """A spilling FILTER on the agent's own sheet, as Excel 365 writes it (cm="1" pointing into xl/metadata.xml).
    openpyxl drops that part, and Excel would then show a fixed {=FILTER(...)} that no longer spills."""
    plain = tmp_path / "plain.xlsx"
    small_workbook(plain)
    wb = openpyxl.load_workbook(plain)
    wb.create_sheet("Hot List").append(["Hot leads"])
    wb.save(plain)
    path = tmp_path / "Spills.xlsx"
    part = f"xl/worksheets/sheet{wb.sheetnames.index('Hot List') + 1}.xml"
    cell = ('<row r="2"><c r="A2" t="str" cm="1"><f t="array" ref="A2:A3">_xlfn._xlws.FILTER(Leads!B2:B3,'
            'Leads!A2:A3&lt;&gt;"")</f><v>x</v></c></row>')
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        assert sheet_xml(plain, "Hot List") == src.read(part).decode("utf-8")
        for item in src.infolist():
            data = src.read(item.filename).decode("utf-8") if item.filename.endswith(("xml", "rels")) else None
            if item.filename == part:
                data = data.replace("</sheetData>", cell + "</sheetData>")
            elif item.filename == "[Content_Types].xml":
                data = data.replace("</Types>", '<Override PartName="/xl/metadata.xml" ContentType="application/'
                                    'vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>", '<Relationship Id="rIdMeta" Type="http://schemas.'
                                    'openxmlformats.org/officeDocument/2006/relationships/sheetMetadata" '
                                    'Target="metadata.xml"/></Relationships>')
            dst.writestr(item, data.encode("utf-8") if data is not None else src.read(item.filename))
        dst.writestr("xl/metadata.xml", DYNAMIC_ARRAY_METADATA)
    openpyxl.load_workbook(path).close()  # a workbook openpyxl reads (and would save without the spill marking)
    original = path.read_bytes()
    code, out, err = refresh(path, capsys)
    assert code == 0, err
    assert path.read_bytes() == original
    assert (tmp_path / "Spills (refreshed).xlsx").exists()
    assert "dynamic-array (spilling) formulas" in out and "untouched" in out


def test_own_dashboard_charts_never_block_saving_in_place(tmp_path, capsys):
    path = tmp_path / "Tracker.xlsx"
    small_workbook(path)
    for _ in range(2):
        code, out, err = refresh(path, capsys)
        assert code == 0, err
        assert "Saved Tracker.xlsx" in out and "refreshed" not in out.split("Saved")[-1]
    with zipfile.ZipFile(path) as archive:
        assert any(n.startswith("xl/charts/") for n in archive.namelist())  # the Dashboard has its charts
    assert not (tmp_path / "Tracker (refreshed).xlsx").exists()


# --- 5. text never becomes a formula -----------------------------------------------------------------------------

HOSTILE_OWNER = '=HYPERLINK("http://x","y")'


def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path, capsys):
    path = tmp_path / "Inject.xlsx"
    new_workbook(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Leads"]
    cols = header_columns(ws, 1)
    rows = [
        {"Lead ID": "+1234", "Owner Name": HOSTILE_OWNER, "Property Address": "@SUM(1,1)", "Phone": "3055550120",
         "Log Outcome": "Spoke", "Log Note": "-2+3 said call back"},
        {"Lead ID": "I-2", "Owner Name": "Plain Owner", "Property Address": "9 Safe St", "Phone": "=1+2",
         "Email": "+cmd|' /C calc'!A0"},
    ]
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            cell = ws.cell(r, cols[header], value)
            cell.data_type = "s"  # typed or imported as text, the way a CSV import stores it
    settings = wb["Settings"]
    for row in settings.iter_rows(min_row=2):
        if row[0].value == "Agent Name":
            row[1].value = "@evil"
            row[1].data_type = "s"
    activity = wb["Activity"]
    activity.append(["A-1", dt.datetime(2026, 11, 20, 9), "I-2", "D1", "Letter", "Outbound", "Sent", None, "mail",
                     None, None])
    wb.save(path)

    code, out, err = refresh(path, capsys)
    assert code == 0, err
    wb = openpyxl.load_workbook(path)
    written: list[tuple[str, str]] = []  # (sheet, coordinate) of every tool-written formula-looking value
    today = wb["Today"]
    owner_cells = [c for row in today.iter_rows() for c in row if c.value == HOSTILE_OWNER]
    assert owner_cells, "the hostile owner name should be on Today (the lead is new and due)"
    id_cells = [c for row in today.iter_rows() for c in row if c.value == "+1234"]
    assert id_cells
    written += [("Today", c.coordinate) for c in owner_cells + id_cells]
    activity = wb["Activity"]
    act_cols = header_columns(activity, 1)
    logged = [r for r in range(2, activity.max_row + 1) if activity.cell(r, act_cols["Lead ID"]).value == "+1234"]
    assert len(logged) == 1
    r = logged[0]
    assert activity.cell(r, act_cols["Note"]).value == "-2+3 said call back"
    assert activity.cell(r, act_cols["By"]).value == "@evil"
    written += [("Activity", activity.cell(r, act_cols[c]).coordinate) for c in ("Lead ID", "Note", "By")]
    leads = wb["Leads"]
    issues = leads.cell(3, cols["Data Issues"]).value
    assert "Phone '=1+2'" in issues and "Email '+cmd|' /C calc'!A0'" in issues
    assert leads.cell(2, cols["Lead ID"]).value == "+1234"  # the agent's cell itself is untouched
    written.append(("Leads", leads.cell(3, cols["Data Issues"]).coordinate))
    for sheet, coordinate in written:
        cell = wb[sheet][coordinate]
        assert cell.data_type != "f", (sheet, coordinate, cell.value)
        assert isinstance(cell.value, str)
        xml = raw_cell(sheet_xml(path, sheet), coordinate)
        assert "<f>" not in xml and "<f " not in xml, (sheet, coordinate, xml)
    # and a real spreadsheet application agrees: the owner's text shows as text, not a link named "y"
    csv = soffice_convert(path, "csv", tmp_path).read_text(encoding="utf-8", errors="replace")
    assert "+1234" in csv


@pytest.mark.parametrize("use_lxml", ["True", "False"])
def test_formula_results_kept_with_either_xml_writer(tmp_path, use_lxml):
    """openpyxl writes an empty formula result as <v></v> when lxml is installed and as <v/> without it; the
    results are put back either way (and a string result gets t="str", whatever type the writer guessed)."""
    import subprocess
    import sys

    path = tmp_path / "f.xlsx"
    script = (
        "import openpyxl, sys\nfrom pathlib import Path\n"
        "from leadtracker.xlsx_store import keep_formula_results\n"
        "wb = openpyxl.Workbook(); ws = wb.active; ws.title = 'Leads'\n"
        "ws['A1'] = 150000; ws['B1'] = '=A1*2'; ws['C1'] = '=TEXT(A1,\"0\")'\n"
        "wb.save(sys.argv[1])\n"
        "keep_formula_results(Path(sys.argv[1]), {'Leads': {'B1': 300000, 'C1': '150000'}})\n")
    env = dict(os.environ, OPENPYXL_LXML=use_lxml, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, env=env)
    values = openpyxl.load_workbook(path, data_only=True)["Leads"]
    assert (values["B1"].value, values["C1"].value) == (300000, "150000")
    formulas = openpyxl.load_workbook(path)["Leads"]
    assert (formulas["B1"].value, formulas["C1"].value) == ("=A1*2", '=TEXT(A1,"0")')


@pytest.mark.parametrize("store_class", ["XlsxStore", "PatchingXlsxStore"])
def test_a_save_by_another_program_during_the_run_is_kept(tmp_path, store_class):
    """The agent saves the workbook in Excel while a refresh is computing: the refresh must not replace it."""
    from leadtracker.commands import run_refresh
    from leadtracker.errors import WorkbookError
    from leadtracker.xlsx_patch import PatchingXlsxStore
    from leadtracker.xlsx_store import XlsxStore

    path = tmp_path / "Busy.xlsx"
    small_workbook(path)
    store = {"XlsxStore": XlsxStore, "PatchingXlsxStore": PatchingXlsxStore}[store_class](path)
    # meanwhile, in Excel: a note typed and saved
    wb = openpyxl.load_workbook(path)
    ws = wb["Leads"]
    notes = header_columns(ws, 1)["Notes"]
    ws.cell(row=2, column=notes, value="Called back, wants a meeting")
    wb.save(path)
    stamp = path.stat()
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 2_000_000_000))  # a clock tick later, as Excel's
    saved = path.read_bytes()
    with pytest.raises(WorkbookError, match="was saved by another program while this ran, so nothing was written"):
        run_refresh(store, dt.date(2026, 11, 29))
    assert path.read_bytes() == saved  # the agent's save is what is on disk
    assert openpyxl.load_workbook(path)["Leads"].cell(row=2, column=notes).value == "Called back, wants a meeting"
    assert leftovers(tmp_path) == []
    # and the next run includes it
    run_refresh(XlsxStore(path), dt.date(2026, 11, 29))
    ws = openpyxl.load_workbook(path)["Leads"]
    assert ws.cell(row=2, column=notes).value == "Called back, wants a meeting"
    assert ws.cell(row=2, column=header_columns(ws, 1)["Stage"]).value

"""The ribbon end to end: on_click for every button against the xlwings double of the workbook in Excel, Refresh
writing what the CLI writes, and every failure ending as one message box."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

import xlwings_double
from addin import ribbon
from addin.build import ADDIN_DIR
from leadtracker.cli import main
from leadtracker.demo import write_demo_workbook

TODAY = dt.date(2026, 11, 30)
NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


def book_from_xlsx(path: Path) -> xlwings_double.Book:
    """The workbook as Excel would hold it after opening the file."""
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    return xlwings_double.Book(sheets, name=path.name, fullname=str(path))


def normalised(rows) -> list[list[object]]:
    """Cell values as a user compares them: numbers as floats, blanks as None, trailing blanks dropped."""
    out = []
    for row in rows:
        line = [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else (None if v == "" else v)
                for v in row]
        while line and line[-1] is None:
            line.pop()
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


@pytest.fixture
def demo(tmp_path) -> Path:
    path = tmp_path / "Leads.xlsx"
    write_demo_workbook(path, TODAY)
    return path


def test_every_ribbon_button_maps_to_a_button_of_the_table_and_the_dispatcher():
    root = ElementTree.parse(ADDIN_DIR / "customUI.xml").getroot()
    buttons = list(root.iter(f"{NS}button"))
    assert {b.get("id") for b in buttons} == set(ribbon.BUTTONS)
    assert {b.get("onAction") for b in buttons} == {"LeadTrackerRibbon.OnRibbon"}
    assert all(b.get("imageMso") and b.get("label") == ribbon.BUTTONS[b.get("id")].label for b in buttons)
    for button in ribbon.BUTTONS.values():
        assert button.command is None or button.command.split(".")[0] in ("leadtracker", "sync")


def test_refresh_writes_the_same_values_as_the_cli(demo, tmp_path):
    cli_copy = tmp_path / "cli.xlsx"
    shutil.copy(demo, cli_copy)
    book = book_from_xlsx(demo)
    assert main(["refresh", str(cli_copy), "--today", TODAY.isoformat()]) == 0
    message = ribbon.on_click("refresh", book=book, today=TODAY)
    assert "Refreshed 50 leads" in message and "Save the workbook" in message
    assert book.app.alerts[-1]["mode"] == "info" and book.app.alerts[-1]["prompt"] == message
    expected = openpyxl.load_workbook(cli_copy, data_only=True)
    assert [s.name for s in book.sheets] == expected.sheetnames
    for ws in expected.worksheets:
        want = normalised(ws.iter_rows(values_only=True))
        got = normalised(book.sheets[ws.title].table())
        assert got == want, ws.title
    leads = book.sheets["Leads"].table()
    stage = leads[0].index("Stage")
    assert {row[stage] for row in leads[1:]} >= {"New", "Cadence"}  # the values an agent looks at are there


def test_refresh_twice_changes_nothing_the_second_time(demo):
    book = book_from_xlsx(demo)
    ribbon.on_click("refresh", book=book, today=TODAY)
    first = {s.name: s.table() for s in book.sheets}
    ribbon.on_click("refresh", book=book, today=TODAY)
    assert {s.name: s.table() for s in book.sheets} == first


def test_today_shows_the_list_the_cli_prints_and_writes_nothing(demo):
    from leadtracker.commands import compute_today
    from leadtracker.xlsx_store import XlsxStore

    expected = compute_today(XlsxStore(demo, read_only=True), TODAY).today.sort_values("Rank")
    book = book_from_xlsx(demo)
    message = ribbon.on_click("today", book=book, today=TODAY)
    assert book.value_writes == []
    lines = message.splitlines()
    assert lines[0].startswith(f"{len(expected)} contacts for today (")
    first = expected.iloc[0]
    assert lines[2] == f"1. {first['Channel']}: {first['Owner Name']} ({first['Lead ID']}) {first['Step']}"
    assert len(lines) == 2 + min(10, len(expected)) + (1 if len(expected) > 10 else 0)


def _choose(path: Path):
    def ask(app, request):
        assert request.title
        return [path]
    return ask


SAMPLES = {
    "import_leads": "Owner Name,Property Address,City,State,ZIP\nJordan Avery,12 Birch Ln,Columbus,OH,43004\n",
    "import_comps": "Address,Status,Sold Price,Sold Date,Sq Ft,Beds,Baths\n14 Birch Ln,Sold,250000,2026-09-01,1500,3,2\n",
    "sync_email": '{"v": 1, "time": "2026-11-29T14:03:11Z", "event": "sent", "message_id": "<m1@agent.example>", '
                  '"lead_id": "L-0001", "to": "avery@example.com", "step": "D1"}\n',
}
SUFFIXES = {"sync_email": ".email-log.jsonl"}


@pytest.mark.parametrize("button_id", sorted(ribbon.BUTTONS))
def test_every_button_runs_end_to_end_and_ends_in_one_message(button_id, demo, tmp_path):
    book = book_from_xlsx(demo)
    sample = tmp_path / f"{button_id}{SUFFIXES.get(button_id, '.csv')}"
    sample.write_text(SAMPLES.get(button_id, ""), encoding="utf-8")
    message = ribbon.on_click(button_id, book=book, today=TODAY, ask_files=_choose(sample))
    assert len(book.app.alerts) == 1 and book.app.alerts[0]["prompt"] == message
    assert book.app.status_history[-1] is False  # the status bar is handed back to Excel
    assert book.app.alerts[0]["mode"] == "info", message
    assert "could not finish" not in message and "is not available in this version" not in message


def test_help_names_every_button(demo):
    message = ribbon.on_click("help", book=book_from_xlsx(demo))
    for button in ribbon.BUTTONS.values():
        if button.id != "help":
            assert button.label in message


def test_a_cancelled_file_dialog_changes_nothing(demo):
    book = book_from_xlsx(demo)
    message = ribbon.on_click("import_leads", book=book, ask_files=lambda app, request: None)
    assert message == "No file was chosen, so nothing was changed." and book.value_writes == []


def test_a_workbook_problem_is_one_message_and_the_workbook_is_untouched():
    book = xlwings_double.Book({"Leads": [["Owner", "Site Address"], ["Avery Quill", "1 Oak St"]]})
    message = ribbon.on_click("refresh", book=book, today=TODAY)
    assert message == ("Leads.xlsx: sheet 'Leads' has no header row with the columns I need "
                       "(for example 'Lead ID').")
    assert book.app.alerts == [{"prompt": message, "title": "Lead Tracker: Refresh", "buttons": "ok",
                                "mode": "critical"}]
    assert book.value_writes == []


def test_an_unexpected_error_is_one_message_and_a_log_entry(demo, tmp_path, monkeypatch):
    log = tmp_path / "leadtracker.log"
    monkeypatch.setattr(ribbon, "LOG_FILE", log)

    def broken_dialog(app, request):
        raise RuntimeError("the dialog broke")

    book = book_from_xlsx(demo)
    message = ribbon.on_click("import_leads", book=book, ask_files=broken_dialog)
    assert message.startswith("Import Leads could not finish: RuntimeError: the dialog broke. Nothing was changed")
    assert book.app.alerts[0]["mode"] == "critical" and book.value_writes == []
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_an_unknown_button_says_how_to_fix_it(demo):
    message = ribbon.on_click("frobnicate", book=book_from_xlsx(demo))
    assert "unknown to this version" in message and "leadtracker addin install" in message


def test_import_leads_button_adds_the_list_as_the_cli_does(demo, tmp_path):
    """Import Leads runs the real importer on the chosen file against the workbook in front of the user."""
    book = book_from_xlsx(demo)
    before = len(book.sheets["Leads"].table())
    sample = tmp_path / "list.csv"
    sample.write_text(SAMPLES["import_leads"], encoding="utf-8")
    message = ribbon.on_click("import_leads", book=book, today=TODAY, ask_files=_choose(sample))
    assert message.startswith("Imported list.csv"), message
    assert "Added" in message and "1  new lead" in message
    leads = book.sheets["Leads"].table()
    header = leads[0]
    assert len(leads) == before + 1
    added = leads[-1]
    assert (added[header.index("Owner Name")], added[header.index("Property Address")]) == ("Jordan Avery",
                                                                                             "12 Birch Ln")
    assert added[header.index("Stage")] == "New"  # refreshed: on Today at once
    again = ribbon.on_click("import_leads", book=book, today=TODAY, ask_files=_choose(sample))
    assert "0  new leads" in again and len(book.sheets["Leads"].table()) == before + 1


def test_sync_email_log_button_brings_a_log_into_activity(demo, tmp_path):
    import json

    book = book_from_xlsx(demo)
    leads = book.sheets["Leads"].table()
    header = leads[0]
    lead = next(r for r in leads[1:] if r[header.index("Email")])
    lead_id, address = lead[header.index("Lead ID")], lead[header.index("Email")]
    log = tmp_path / "Leads.email-log.jsonl"
    log.write_text(json.dumps({"v": 1, "time": "2026-11-29T14:03:11Z", "event": "sent",
                               "message_id": "<ribbon-test-1@agent.example>", "lead_id": lead_id, "to": address,
                               "step": "D3", "subject": "Your home's value"}) + "\n", encoding="utf-8")
    ribbon.on_click("refresh", book=book, today=TODAY)  # the demo's quick-log entries move to Activity first
    before = len(book.sheets["Activity"].table())
    message = ribbon.on_click("sync_email", book=book, today=TODAY, ask_files=_choose(log))
    assert message.startswith("Read 1 email event(s).") and "Refreshed 50 leads" in message, message
    activity = book.sheets["Activity"].table()
    assert len(activity) == before + 1
    added = dict(zip(activity[0], activity[-1]))
    assert added["Lead ID"] == lead_id and added["Channel"] == "Email"
    again = ribbon.on_click("sync_email", book=book, today=TODAY, ask_files=_choose(log))
    assert len(book.sheets["Activity"].table()) == before + 1 and "duplicate  1" in again


def test_import_comps_adds_what_the_cli_adds(demo, tmp_path):
    sample = tmp_path / "sold.csv"
    sample.write_text(SAMPLES["import_comps"], encoding="utf-8")
    cli_copy = tmp_path / "cli.xlsx"
    shutil.copy(demo, cli_copy)
    book = book_from_xlsx(demo)
    comps_before = len(book.sheets["Comps"].table())
    assert main(["import-comps", str(sample), "--into", str(cli_copy)]) == 0
    message = ribbon.on_click("import_comps", book=book, today=TODAY, ask_files=_choose(sample))
    assert book.app.alerts[0]["mode"] == "info", message
    expected = openpyxl.load_workbook(cli_copy, data_only=True)["Comps"]
    got = book.sheets["Comps"].table()
    assert normalised(got) == normalised(expected.iter_rows(values_only=True))
    assert len(got) == comps_before + 1 and "14 Birch Ln" in got[-1]


def test_every_button_maps_to_a_command_that_exists():
    """The ribbon runs what the CLI runs: each button's command is a function this version has."""
    for button in ribbon.BUTTONS.values():
        if button.id == "help":
            assert button.command is None
            continue
        assert callable(ribbon.resolve(button.command)), button.id


def test_excel_refusing_writes_part_way_says_the_workbook_is_partly_updated(demo):
    book = book_from_xlsx(demo)
    today_before = book.sheets["Today"].table()
    assert today_before  # what Today showed before
    book.fail_after_writes = 1  # the first block lands, then Excel is busy
    message = ribbon.on_click("refresh", book=book, today=TODAY)
    assert "partly updated" in message and "run Refresh again" in message
    assert "Nothing was changed" not in message
    assert book.app.alerts[0]["mode"] == "critical" and len(book.value_writes) == 1
    # the leads' own cells went first; Today was not cleared before Excel stopped
    assert book.value_writes[0][0] == "Leads"
    assert book.sheets["Today"].table() == today_before

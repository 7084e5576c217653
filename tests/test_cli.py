"""The command line as an agent uses it: new, refresh, today, demo; errors as one sentence, never a traceback."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from office import soffice_convert

from leadtracker.cli import main

ROOT = Path(__file__).resolve().parents[1]


def cell_values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def add_leads(path: Path, rows: list[dict]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Leads"]
    headers = [c.value for c in ws[1]]
    for offset, row in enumerate(rows):
        for name, value in row.items():
            ws.cell(row=2 + offset, column=headers.index(name) + 1, value=value)
    table = ws.tables["Leads"]
    table.ref = f"A1:{table.ref.split(':')[1].rstrip('0123456789')}{1 + max(len(rows), 1)}"
    wb.save(path)


def test_new_then_refresh_fills_every_row(tmp_path, capsys):
    path = tmp_path / "MyLeads.xlsx"
    assert main(["new", str(path)]) == 0
    add_leads(path, [
        {"Owner Name": "Avery Quill", "Property Address": "12 Test Lane", "City": "Tampa", "State": "FL",
         "ZIP": "33602", "Phone": "(813) 555-0142", "Log Outcome": "Sent", "Log Note": "intro letter"},
        {"Lead ID": "L-2", "Owner Name": "Blake Ferrow", "Property Address": "9 Mill Rd", "State": "TX",
         "Sale Date": dt.datetime(2026, 12, 10)},
    ])
    capsys.readouterr()
    assert main(["refresh", str(path), "--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert "Refreshed 2 leads" in out and "1 quick-log entry moved to Activity" in out
    assert "previous version kept as MyLeads.backup.xlsx" in out

    wb = openpyxl.load_workbook(path)
    leads = wb["Leads"]
    headers = [c.value for c in leads[1]]
    first = {h: c.value for h, c in zip(headers, leads[2])}
    second = {h: c.value for h, c in zip(headers, leads[3])}
    assert first["Lead ID"].startswith("LT-")  # a blank Lead ID got a stable id
    assert first["Log Outcome"] is None and first["Log Note"] is None  # the quick-log was consumed
    assert first["Stage"] == "Cadence" and first["Next Step"] == "D2"
    assert first["Due Date"] == dt.datetime(2026, 11, 30)
    assert second["Stage"] == "New" and second["Days to Sale"] == 11
    assert leads.cell(row=3, column=headers.index("Due Date") + 1).number_format == "yyyy-mm-dd"
    activity = [r for r in wb["Activity"].iter_rows(min_row=2, values_only=True) if any(r)]
    assert len(activity) == 1
    assert activity[0][2] == first["Lead ID"] and activity[0][3] == "D1" and activity[0][6] == "Sent"
    today = [r for r in wb["Today"].iter_rows(values_only=True)]
    assert today[0][0].startswith("Today, Sunday November 29, 2026")
    assert wb["Dashboard"]._charts, "the Dashboard has native charts"


def test_a_second_refresh_with_the_same_day_changes_no_value(tmp_path):
    path = tmp_path / "demo"
    assert main(["demo", str(path), "--today", "2026-11-29"]) == 0
    workbook = path / "LeadTracker-demo.xlsx"
    before = cell_values(workbook)
    assert main(["refresh", str(workbook), "--today", "2026-11-29"]) == 0
    after = cell_values(workbook)
    assert after == before


def test_today_prints_and_changes_nothing(tmp_path, capsys):
    assert main(["demo", str(tmp_path), "--today", "2026-11-29"]) == 0
    workbook = tmp_path / "LeadTracker-demo.xlsx"
    raw = workbook.read_bytes()
    capsys.readouterr()
    assert main(["today", str(workbook), "--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["#", "Channel", "Lead", "Owner", "Step", "Due", "Late", "Contact",
                                           "When", "Why", "now"]
    assert "New lead: reach out today" in out
    assert workbook.read_bytes() == raw
    (tmp_path / "~$LeadTracker-demo.xlsx").write_text("owner")  # open in Excel: reading is still fine
    assert main(["today", str(workbook), "--today", "2026-11-29"]) == 0
    assert workbook.read_bytes() == raw


def test_demo_writes_a_realistic_workbook(tmp_path, capsys):
    assert main(["demo", str(tmp_path), "--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert "Refreshed 50 leads" in out
    pdf = soffice_convert(tmp_path / "LeadTracker-demo.xlsx", "pdf", tmp_path)  # a real spreadsheet app opens it
    assert pdf.read_bytes()[:4] == b"%PDF" and pdf.stat().st_size > 20_000
    wb = openpyxl.load_workbook(tmp_path / "LeadTracker-demo.xlsx")
    headers = [c.value for c in wb["Leads"][1]]
    stages = {r[headers.index("Stage")] for r in wb["Leads"].iter_rows(min_row=2, values_only=True)}
    assert {"New", "Cadence", "Nurture", "Paused", "Meeting Set", "Listed", "Closed", "Lost", "Do Not Contact",
            "Engaged", "Redemption"} <= stages


@pytest.mark.parametrize("args, words", [
    (["refresh", "missing.xlsx"], "missing.xlsx does not exist"),
    (["refresh", "notes.txt"], "is not an .xlsx workbook"),
    (["refresh", "broken.xlsx"], "is not a valid .xlsx workbook"),
    (["refresh", "gsheet:abc"], "does not name a Google Sheet"),
    (["new", "exists.xlsx"], "already exists"),
])
def test_user_errors_are_one_sentence_and_exit_non_zero(tmp_path, monkeypatch, capsys, args, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.xlsx").write_text("not a zip")
    (tmp_path / "exists.xlsx").write_text("x")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_bad_date_argument_is_explained(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["today", "x.xlsx", "--today", "29/11/2026"])
    assert exit_info.value.code == 2
    assert "'29/11/2026' is not a date in the form YYYY-MM-DD" in capsys.readouterr().err


def test_console_script_runs_as_installed(tmp_path):
    """The `leadtracker` entry point, run as a separate process the way a user runs it."""
    beside_python = Path(sys.executable).with_name("leadtracker")  # pip puts it beside the interpreter
    exe = str(beside_python) if beside_python.exists() else shutil.which("leadtracker")
    assert exe, "the leadtracker console script is not installed (pip install . puts it beside python)"
    command = [exe]
    done = subprocess.run(command + ["demo", str(tmp_path), "--today", "2026-11-29"], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Demo workbook:" in done.stdout
    help_text = subprocess.run(command + ["--help"], capture_output=True, text=True, timeout=60).stdout
    for name in ("new", "refresh", "today", "demo"):
        assert name in help_text


def test_wheel_ships_the_templates(tmp_path):
    """A plain (non-editable) install carries workbook_templates/tracker.xlsx."""
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w",
                           str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = next(tmp_path.glob("leadtracker-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "workbook_templates/tracker.xlsx" in names
    assert "leadtracker/cli.py" in names
    entry = [n for n in names if n.endswith("entry_points.txt")]
    assert entry and "leadtracker = leadtracker.cli:main" in zipfile.ZipFile(wheel).read(entry[0]).decode()

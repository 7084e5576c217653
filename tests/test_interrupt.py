"""Ctrl+C in the middle of a command: the message says truthfully what was left behind, and running the command
again finishes the job. The command runs as a user runs it, in its own Python process, and gets a real SIGINT while
it works (in this process a SIGINT can land in a garbage-collector callback that a test plugin installs, where
Python swallows it)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys

import openpyxl
import pytest

import gsheet_helpers as gh
from builders import TODAY, lead
from fake_sheets import FakeSheets, service_account_file
from leadtracker import schema
from leadtracker.cli import main
from leadtracker.template import new_workbook


STARTED = "main() starts"


def _start(argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """`leadtracker ARGV` in a new Python process; returns once main() is about to run."""
    # Ctrl+C raises KeyboardInterrupt, as in a terminal (a parent that ignores SIGINT would pass that on)
    code = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "from leadtracker.cli import main; print(%r, flush=True); sys.exit(main(sys.argv[1:]))" % STARTED)
    process = subprocess.Popen([sys.executable, "-c", code, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, **(env or {})})
    assert process.stdout.readline().strip() == STARTED
    return process


def test_ctrl_c_during_a_sheet_refresh_says_it_may_be_partly_updated_and_a_rerun_finishes(tmp_path, monkeypatch):
    with FakeSheets() as fake:
        key_file = service_account_file(fake, tmp_path / "keys")
        env = {"LEADTRACKER_GOOGLE_CREDENTIALS": str(key_file), "LEADTRACKER_SHEETS_API": fake.url}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        key = gh.laid_out(fake, key_file)
        gh.fill(fake, key, "Leads", [lead(f"L-{i}", **({"Log Outcome": "Spoke"} if i == 1 else {}))
                                     for i in range(1, 4)])
        running: list[subprocess.Popen] = []
        # the first write of the refresh lands on the sheet, and then Ctrl+C reaches the command
        fake.before(lambda request: request.method == "POST",
                    lambda server: running[0].send_signal(signal.SIGINT), nth=1)
        running.append(_start(["refresh", f"gsheet:{key}", "--today", TODAY.isoformat()], env))
        out, err = running[0].communicate(timeout=120)
        assert running[0].returncode == 130, err
        assert "The Google Sheet may be partly updated: run the same command again to finish" in err
        assert "workbook was not changed" not in err and "Traceback" not in err
        writes = [r for r in gh.api_requests(fake) if r.method == "POST"]
        assert len(writes) == 1  # it stopped after one write: the sheet is part-way
        assert main(["refresh", f"gsheet:{key}", "--today", TODAY.isoformat()]) == 0
        leads = gh.leads_table(fake, key)
        assert [row["Lead ID"] for row in leads] == ["L-1", "L-2", "L-3"] and all(row["Stage"] for row in leads)
        assert leads[0]["Log Outcome"] in (None, "")  # the quick-log cell was turned into one Activity row
        ids = [row[0] for row in fake.values(key, "Activity")[1:] if row]
        assert len(ids) == len(set(ids)) and sum(1 for row in fake.values(key, "Activity")[1:]
                                                 if row and row[2] == "L-1" and "Spoke" in row) == 1


def test_ctrl_c_during_a_workbook_refresh_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "Leads.xlsx"
    new_workbook(path)
    book = openpyxl.load_workbook(path)
    sheet = book[schema.SHEET_LEADS]
    headers = [cell.value for cell in sheet[1]]
    for i in range(1, 4001):  # enough rows that loading alone takes well over the moment before Ctrl+C
        row = lead(f"L-{i}", **{"Owner Name": f"Owner {i}"})
        sheet.append([row.get(h) for h in headers])
    book.save(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    process = _start(["refresh", str(path), "--today", TODAY.isoformat()])
    time_to_interrupt = 0.3  # main() has begun loading 4,000 leads, which takes seconds
    try:
        process.wait(timeout=time_to_interrupt)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, (out, err)
    assert "stopped before saving; the workbook was not changed" in err and "Traceback" not in err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not [p.name for p in tmp_path.iterdir() if p.name != "Leads.xlsx"]  # no temporary file left behind
    assert main(["refresh", str(path), "--today", TODAY.isoformat()]) == 0


@pytest.mark.parametrize("argv, on_sheet", [(["refresh", "gsheet:abc"], True), (["refresh", "Leads.xlsx"], False),
                                            (["emails", "gsheet:abc", "--out", "mail", "--send"], True)])
def test_the_message_follows_the_target(argv, on_sheet):
    from leadtracker.cli import build_parser, interrupted_message

    text = interrupted_message(build_parser().parse_args(argv))
    assert ("partly updated" in text) is on_sheet and ("was not changed" in text) is not on_sheet
    assert "outbound log" in text

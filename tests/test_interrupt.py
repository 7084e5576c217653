"""Ctrl+C in the middle of a command: the message says truthfully what was left behind, and running the command
again finishes the job. The interrupts are real SIGINTs delivered to this process while the command works."""

from __future__ import annotations

import hashlib
import os
import signal
import threading

import openpyxl
import pytest

import gsheet_helpers as gh
from builders import TODAY, lead
from fake_sheets import FakeSheets, service_account_file
from leadtracker import schema
from leadtracker.cli import main
from leadtracker.template import new_workbook


def _interrupt(_fake=None) -> None:
    os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_during_a_sheet_refresh_says_it_may_be_partly_updated_and_a_rerun_finishes(tmp_path, monkeypatch,
                                                                                         capsys):
    with FakeSheets() as fake:
        key_file = service_account_file(fake, tmp_path / "keys")
        monkeypatch.setenv("LEADTRACKER_GOOGLE_CREDENTIALS", str(key_file))
        monkeypatch.setenv("LEADTRACKER_SHEETS_API", fake.url)
        key = gh.laid_out(fake, key_file)
        gh.fill(fake, key, "Leads", [lead(f"L-{i}", **({"Log Outcome": "Spoke"} if i == 1 else {}))
                                     for i in range(1, 4)])
        # the first write of the refresh lands on the sheet, and then Ctrl+C reaches the command
        fake.before(lambda request: request.method == "POST", lambda server: _interrupt(), nth=1)
        assert main(["refresh", f"gsheet:{key}", "--today", TODAY.isoformat()]) == 130
        err = capsys.readouterr().err
        assert "The Google Sheet may be partly updated: run the same command again to finish" in err
        assert "workbook was not changed" not in err
        writes = [r for r in gh.api_requests(fake) if r.method == "POST"]
        assert len(writes) == 1  # it stopped after one write: the sheet is part-way
        assert main(["refresh", f"gsheet:{key}", "--today", TODAY.isoformat()]) == 0
        leads = gh.leads_table(fake, key)
        assert [row["Lead ID"] for row in leads] == ["L-1", "L-2", "L-3"] and all(row["Stage"] for row in leads)
        assert leads[0]["Log Outcome"] in (None, "")  # the quick-log cell was turned into one Activity row
        ids = [row[0] for row in fake.values(key, "Activity")[1:] if row]
        assert len(ids) == len(set(ids)) and sum(1 for row in fake.values(key, "Activity")[1:]
                                                 if row and row[2] == "L-1" and "Spoke" in row) == 1


def test_ctrl_c_during_a_workbook_refresh_leaves_the_file_as_it_was(tmp_path, capsys):
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
    timer = threading.Timer(0.2, _interrupt)
    timer.start()
    try:
        code = main(["refresh", str(path), "--today", TODAY.isoformat()])
    finally:
        timer.cancel()
    assert code == 130
    err = capsys.readouterr().err
    assert "stopped before saving; the workbook was not changed" in err
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

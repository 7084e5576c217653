"""A Google Sheet's outbound email log kept by an earlier version (in the `emails --out` folder, named after the
link; or as gsheet-<key>.email-log.jsonl in the folder a command ran in) is moved, once, to where it is kept now,
so `emails --send` does not send again what an interrupted run sent and `sync-email own` finds the log."""

from __future__ import annotations

import datetime as dt
import json

import gsheet_helpers as gh
from document_builders import AGENT, TODAY, base_lead
from smtp_server import PASSWORD, SmtpServer
from test_gsheet_cli import env, fake, url  # noqa: F401 - the fake Google Sheets API and a user's shell

from leadtracker.cli import main
from leadtracker.documents.mail import message_id_for
from leadtracker.documents.text import file_part
from sync.email_logs.own_log import OutboundRecord, append_records, own_log_path

DAY = ["--today", TODAY.isoformat()]


def _sheet(fake, env, team_settings: dict) -> str:  # noqa: F811
    key = gh.laid_out(fake, env)
    gh.fill(fake, key, "Leads", [base_lead("L-1", "Avery Quill", Email="avery.quill@example.com"),
                                 base_lead("L-2", "Blake Ferrow", Email="blake.ferrow@example.com")])
    team = fake.teammate(key)
    for name, value in {**AGENT, **team_settings}.items():
        team.type("Settings", f"B{team.find_row('Settings', 'Setting', name)}", str(value))
    return key


def _sent(lead_id: str, address: str) -> OutboundRecord:
    """What an interrupted `emails --send` left: the message went out, the run stopped before Activity was saved."""
    message_id = message_id_for(lead_id, "D1", TODAY, address, "example.com")
    return OutboundRecord(dt.datetime.combine(TODAY, dt.time(14), dt.timezone.utc), "sent", message_id, lead_id,
                          address, step="D1", subject="Hello")


def _email_rows(fake, key: str, lead_id: str) -> list[list]:  # noqa: F811
    return [r for r in fake.values(key, "Activity")[1:] if r[2] == lead_id and r[4] == "Email" and r[6] == "Sent"]


def test_emails_send_does_not_resend_what_a_log_in_the_out_folder_says_was_sent(fake, env, tmp_path, monkeypatch,
                                                                                capsys):  # noqa: F811
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    with SmtpServer() as server:
        key = _sheet(fake, env, server.settings())
        out = tmp_path / "Emails"
        earlier = out / (file_part(url(key)[len("gsheet:"):], 60) + ".email-log.jsonl")  # as an earlier version did
        append_records(earlier, [_sent("L-1", "avery.quill@example.com")])
        monkeypatch.setenv("LEADTRACKER_SMTP_PASSWORD", PASSWORD)
        assert main(["emails", url(key), "--out", str(out), "--send", "--lead", "L-1"] + DAY) == 0
        assert server.received == []  # the homeowner does not get the same email twice
    log = own_log_path(url(key))
    assert f"Moved this Google Sheet's outbound email log from {earlier} to {log}" in capsys.readouterr().out
    assert not earlier.exists()
    assert [json.loads(line)["lead_id"] for line in log.read_text().splitlines()] == ["L-1"]
    assert len(_email_rows(fake, key, "L-1")) == 1  # the send the interrupted run did not save is on Activity now


def test_sync_email_own_finds_a_log_kept_in_the_folder_it_runs_in(fake, env, tmp_path, monkeypatch,
                                                                  capsys):  # noqa: F811
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    key = _sheet(fake, env, {})
    desk = tmp_path / "desk"
    earlier = desk / f"gsheet-{key}.email-log.jsonl"
    append_records(earlier, [_sent("L-2", "blake.ferrow@example.com")])
    monkeypatch.chdir(desk)
    assert main(["sync-email", "own", "--into", url(key)] + DAY) == 0
    log = own_log_path(url(key))
    assert f"Moved this Google Sheet's outbound email log from {earlier} to {log}" in capsys.readouterr().out
    assert len(_email_rows(fake, key, "L-2")) == 1
    assert main(["sync-email", "own", "--into", url(key)] + DAY) == 0  # once: the next run reads the log in place
    assert "Moved" not in capsys.readouterr().out and len(_email_rows(fake, key, "L-2")) == 1

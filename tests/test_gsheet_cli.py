"""gsheet: targets on the command line, as a user runs them: credentials and the API root from the environment,
`gsheet init`, `gsheet credentials`, `watch` with the Refresh now tick, and the messages when something is wrong."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

import gsheet_helpers as gh
from builders import TODAY, lead
from fake_sheets import SERVICE_ACCOUNT, FakeSheets, service_account_file
from leadtracker.cli import main
from leadtracker.errors import UsageError
from sync.gsheet_watch import parse_duration, watch


@pytest.fixture(scope="module")
def fake():
    with FakeSheets() as server:
        yield server


@pytest.fixture
def env(fake, tmp_path, monkeypatch):
    """A user's shell: HOME of their own, the key file named by LEADTRACKER_GOOGLE_CREDENTIALS, the API root set
    to the fake."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    key_file = service_account_file(fake, tmp_path / "keys")
    monkeypatch.setenv("LEADTRACKER_GOOGLE_CREDENTIALS", str(key_file))
    monkeypatch.setenv("LEADTRACKER_SHEETS_API", fake.url)
    return key_file


def url(key: str) -> str:
    return f"gsheet:https://docs.google.com/spreadsheets/d/{key}/edit#gid=0"


def two_leads(fake, key_file) -> str:
    key = gh.laid_out(fake, key_file)
    gh.fill(fake, key, "Leads", [lead("L-1", **{"Log Outcome": "Spoke"}),
                                 lead("L-2", **{"Owner Name": "Blake Ferrow"})])
    return key


def test_refresh_and_today_take_a_gsheet_link(fake, env, capsys):
    key = two_leads(fake, env)
    assert main(["refresh", url(key), "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Refreshed 2 leads" in out and "Saved to Google Sheet 'Team leads'" in out
    assert all(r["Stage"] for r in gh.leads_table(fake, key))
    grant = fake.grants[-1]  # the token the command asked for: this service account, spreadsheets only
    assert grant["iss"] == SERVICE_ACCOUNT and grant["scope"] == "https://www.googleapis.com/auth/spreadsheets"
    fake.reset_log()
    assert main(["today", f"gsheet:{key}", "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Blake Ferrow" in out
    assert not [r for r in gh.api_requests(fake) if r.method != "GET"]  # today changes nothing
    assert all(r.caller == SERVICE_ACCOUNT for r in gh.api_requests(fake))


def test_the_api_root_override_is_where_requests_go(fake, env, monkeypatch, capsys):
    key = two_leads(fake, env)
    monkeypatch.setenv("LEADTRACKER_SHEETS_API", fake.url + "/v4/")  # the /v4 suffix is tolerated
    fake.reset_log()
    assert main(["refresh", f"gsheet:{key}", "--today", TODAY.isoformat()]) == 0
    assert len(gh.api_requests(fake)) >= 4
    monkeypatch.setenv("LEADTRACKER_SHEETS_API", "sheets proxy")
    assert main(["refresh", f"gsheet:{key}"]) == 2
    assert "LEADTRACKER_SHEETS_API='sheets proxy' is not a URL" in capsys.readouterr().err
    # the access token never travels in clear to another machine, and a password in the address is never echoed
    monkeypatch.setenv("LEADTRACKER_SHEETS_API", "http://proxy.example.com")
    assert main(["refresh", f"gsheet:{key}"]) == 2
    assert "is not encrypted (http://)" in capsys.readouterr().err
    monkeypatch.setenv("LEADTRACKER_SHEETS_API", "https://agent:hunter2-secret@proxy.example.com")
    assert main(["refresh", f"gsheet:{key}"]) == 2
    err = capsys.readouterr().err
    assert "holds a user name or password" in err and "hunter2" not in err and "agent:" not in err
    fake.reset_log()
    monkeypatch.setenv("LEADTRACKER_SHEETS_API", fake.url.replace("127.0.0.1", "localhost"))
    assert main(["refresh", f"gsheet:{key}", "--today", TODAY.isoformat()]) == 0  # http to this computer is fine
    assert len(gh.api_requests(fake)) >= 4


def test_gsheet_init_and_new_lay_out_an_empty_sheet(fake, env, capsys):
    for command in (["gsheet", "init"], ["new"]):
        key = fake.create("Fresh", editors=[SERVICE_ACCOUNT])
        assert main(command + [url(key)]) == 0
        assert "Laid out Google Sheet 'Fresh'" in capsys.readouterr().out
        assert [s.title for s in fake.book(key).sheets][:2] == ["Leads", "Activity"]


def test_messages_when_something_is_wrong(fake, env, monkeypatch, tmp_path, capsys):
    private = fake.create("Private", editors=["owner@example.com"])
    assert main(["refresh", f"gsheet:{private}"]) == 2
    err = capsys.readouterr().err
    assert f"not shared with {SERVICE_ACCOUNT}" in err and "Share" in err and "Traceback" not in err

    assert main(["refresh", "gsheet:" + "1" + "Z" * 43]) == 2
    assert "No Google Sheet has that key" in capsys.readouterr().err

    assert main(["refresh", "gsheet:not-a-key"]) == 2
    assert "does not name a Google Sheet" in capsys.readouterr().err

    monkeypatch.setenv("LEADTRACKER_GOOGLE_CREDENTIALS", str(tmp_path / "missing.json"))
    assert main(["refresh", f"gsheet:{private}"]) == 2
    assert "missing.json named by LEADTRACKER_GOOGLE_CREDENTIALS does not exist" in capsys.readouterr().err

    monkeypatch.delenv("LEADTRACKER_GOOGLE_CREDENTIALS")
    assert main(["refresh", f"gsheet:{private}"]) == 2
    err = capsys.readouterr().err
    assert "No Google credentials" in err and "LEADTRACKER_GOOGLE_CREDENTIALS" in err


def test_a_bad_key_file_is_named_without_printing_the_key(fake, env, monkeypatch, tmp_path, capsys):
    info = json.loads(env.read_text())
    key = fake.create("Any", editors=[SERVICE_ACCOUNT])
    oauth_client = tmp_path / "client_secret.json"
    oauth_client.write_text(json.dumps({"installed": {"client_id": "x", "client_secret": "s3cret-value"}}))
    monkeypatch.setenv("LEADTRACKER_GOOGLE_CREDENTIALS", str(oauth_client))
    assert main(["refresh", f"gsheet:{key}"]) == 2
    err = capsys.readouterr().err
    assert "is not a service-account key" in err and "s3cret-value" not in err
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(dict(info, private_key=info["private_key"][:200] + "garbage")))
    monkeypatch.setenv("LEADTRACKER_GOOGLE_CREDENTIALS", str(broken))
    assert main(["refresh", f"gsheet:{key}"]) == 2
    err = capsys.readouterr().err
    assert "key" in err and "PRIVATE KEY" not in err and info["private_key"][30:60] not in err


def test_gsheet_credentials_saves_the_key_for_this_user_only(fake, env, monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("LEADTRACKER_GOOGLE_CREDENTIALS")
    assert main(["gsheet", "credentials", str(env)]) == 0
    saved = tmp_path / "home" / ".config" / "leadtracker" / "google-service-account.json"
    assert saved.exists() and oct(os.stat(saved).st_mode & 0o777) == "0o600"
    assert "readable by you only" in capsys.readouterr().out
    key = two_leads(fake, env)
    assert main(["refresh", f"gsheet:{key}", "--today", TODAY.isoformat()]) == 0  # found without the variable


def test_import_into_a_google_sheet_from_the_command_line(fake, env, tmp_path, capsys):
    key = two_leads(fake, env)
    csv = tmp_path / "list.csv"
    csv.write_text("Owner Name,Property Address,City,State,ZIP\nCasey Dunmore,5 Ash St,Tampa,FL,33602\n")
    assert main(["import", str(csv), "--into", f"gsheet:{key}", "--today", TODAY.isoformat()]) == 0
    rows = gh.leads_table(fake, key)
    casey = next(r for r in rows if r["Owner Name"] == "Casey Dunmore")
    assert casey["Lead ID"] and casey["Stage"] == "New"


def test_parse_duration():
    assert parse_duration("5m") == 300 and parse_duration("90s") == 90 and parse_duration("1h") == 3600
    assert parse_duration("2m30s") == 150 and parse_duration("45") == 45
    with pytest.raises(UsageError, match="not a duration"):
        parse_duration("soon")


def test_watch_refreshes_within_seconds_of_a_tick_and_clears_it(fake, env):
    key = two_leads(fake, env)
    lines: list[tuple[float, str]] = []
    finished = threading.Event()

    def say(text: str) -> None:
        lines.append((time.monotonic(), text))

    def run():
        try:
            watch(f"gsheet:{key}", every=600, poll=2, say=say, refreshes=2)
        finally:
            finished.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30

    def status_row() -> tuple[int, str]:
        settings = fake.values(key, "Settings")
        row = next(i for i, r in enumerate(settings, start=1) if r and r[0] == "Refresh now")
        return row, str(settings[row - 1][2] if len(settings[row - 1]) > 2 else "")

    # the status note is written just after the refresh reports "Saved to": wait for both
    while not (any("Saved to" in text for _, text in lines) and "Last refresh:" in status_row()[1]) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert time.monotonic() < deadline, "the first refresh of watch did not finish within 30 s"
    row, status = status_row()
    assert "Last refresh:" in status
    fake.teammate(key).type("Settings", f"B{row}", "TRUE")
    ticked = time.monotonic()
    assert finished.wait(30), "the tick did not start a refresh within 30 s"  # every=600 s: only the tick can
    saved = [t for t, text in lines if "Saved to" in text]
    assert len(saved) == 2 and saved[1] > ticked
    settings = fake.values(key, "Settings")
    assert settings[row - 1][1] is False and "Last refresh:" in settings[row - 1][2]


def test_watch_tells_the_time_in_the_sheets_time_zone(fake, env):
    """The computer runs on UTC; the team's Settings say Los Angeles: every time watch writes or prints is 07:52."""
    import datetime as dt

    key = two_leads(fake, env)
    team = fake.teammate(key)
    team.type("Settings", f"B{team.find_row('Settings', 'Setting', 'Time Zone')}", "America/Los_Angeles")
    tick = team.find_row("Settings", "Setting", "Refresh now")
    team.type("Settings", f"B{tick}", "TRUE")  # asked for before watch starts: the first look sees it
    seen: list[str] = []

    def second_refresh(f):  # the status as the asked-for refresh starts; and Google refuses that refresh
        seen.append(f.values(key, "Settings")[tick - 1][2])
        f.inject(400, times=1, match=f"{key}:batchUpdate")

    fake.before("fields=spreadsheetId", second_refresh, nth=2)
    lines: list[str] = []
    utc = dt.datetime(2026, 11, 29, 15, 52, 0, tzinfo=dt.timezone.utc)
    watch(f"gsheet:{key}", every=600, poll=2, say=lines.append, refreshes=2, sleep=lambda s: None,
          today=TODAY, now=lambda: utc)
    assert len(seen) == 1 and seen[0].endswith("Refreshing now (asked at 07:52:00 PST)…"), seen
    status = fake.values(key, "Settings")[tick - 1][2]
    assert "Last refresh failed at Sun Nov 29, 07:52 AM PST" in status, status
    stamped = [line for line in lines if line[:4] == "2026"]
    assert len(stamped) == 3 and all(line.startswith("2026-11-29 07:52:00 PST ") for line in stamped), lines
    assert "15:52" not in " ".join(lines) + status


def test_watch_adds_the_refresh_now_row_to_a_sheet_that_lacks_it(fake, env):
    key = fake.create("Plain", {"Leads": [["Lead ID", "Owner Name", "State"], ["L-1", "Avery Quill", "FL"]],
                                "Settings": [["Setting", "Value"], ["Agent Name", "Jordan Avery"]]},
                      editors=[SERVICE_ACCOUNT])
    watch(f"gsheet:{key}", every=600, poll=2, say=lambda text: None, refreshes=1)
    settings = fake.values(key, "Settings")
    assert settings[1][:2] == ["Agent Name", "Jordan Avery"] and settings[2][:2] == ["Refresh now", False]
    assert fake.book(key).by_title("Settings").get(2, 1).validation["condition"]["type"] == "BOOLEAN"


def test_sync_email_into_a_google_sheet_reads_the_log_kept_for_it(fake, env, tmp_path, monkeypatch, capsys):
    import datetime as dt

    from sync.email_logs.own_log import OutboundRecord, append_records, own_log_path

    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    key = two_leads(fake, env)
    monkeypatch.chdir(tmp_path)
    log = own_log_path(url(key))
    assert log == tmp_path / "home" / ".local" / "share" / "leadtracker" / f"gsheet-{key}.email-log.jsonl"
    append_records(log, [OutboundRecord(dt.datetime(2026, 11, 28, 14, tzinfo=dt.timezone.utc), "sent",
                                        "<d1-l2@example.com>", "L-2", "blake.ferrow@example.com", step="D1",
                                        subject="Hello from your neighbour")])
    assert main(["sync-email", "own", "--into", url(key), "--today", TODAY.isoformat()]) == 0
    rows = [r for r in fake.values(key, "Activity")[1:] if r[2] == "L-2" and r[4] == "Email"]
    assert len(rows) == 1 and rows[0][3] == "D1" and rows[0][6] == "Sent"
    assert main(["sync-email", "own", "--into", url(key), "--today", TODAY.isoformat()]) == 0
    emails = [r for r in fake.values(key, "Activity")[1:] if r[2] == "L-2" and r[4] == "Email"]
    assert len(emails) == 1  # a resync adds nothing


def test_emails_and_sync_email_own_share_one_log_for_a_google_sheet(fake, env, tmp_path, monkeypatch, capsys):
    """`emails` writes the Google Sheet's outbound log where `sync-email own` looks for it, whichever folder each
    runs in: drafts, then sending through a real SMTP server, then the sync, on the same gsheet target."""
    from document_builders import AGENT, TODAY as DAY, base_lead
    from smtp_server import PASSWORD, SmtpServer

    from sync.email_logs.own_log import own_log_path

    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    key = gh.laid_out(fake, env)
    gh.fill(fake, key, "Leads", [base_lead("L-1", "Avery Quill", Email="avery.quill@example.com"),
                                 base_lead("L-2", "Blake Ferrow", Email="blake.ferrow@example.com")])
    team = fake.teammate(key)
    with SmtpServer() as server:
        for name, value in {**AGENT, **server.settings()}.items():
            team.type("Settings", f"B{team.find_row('Settings', 'Setting', name)}", str(value))
        monkeypatch.setenv("LEADTRACKER_SMTP_PASSWORD", PASSWORD)
        for folder in ("desk", "elsewhere"):
            (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / "desk")
        day = ["--today", DAY.isoformat()]
        assert main(["emails", url(key), "--out", str(tmp_path / "drafts"), "--lead", "L-2"] + day) == 0
        assert main(["emails", url(key), "--out", str(tmp_path / "out"), "--send", "--lead", "L-1"] + day) == 0
        assert [r.message["X-Lead-Id"] for r in server.received] == ["L-1"]
    log = own_log_path(url(key))
    assert log == tmp_path / "home" / ".local" / "share" / "leadtracker" / f"gsheet-{key}.email-log.jsonl"
    assert f"logged in {log}" in capsys.readouterr().out  # the user is told where it is
    events = sorted((line["event"], line["lead_id"]) for line in map(json.loads, log.read_text().splitlines()))
    assert events == [("draft", "L-2"), ("sent", "L-1")]
    assert len(list((tmp_path / "drafts").rglob("*.eml"))) == 1 and list(tmp_path.rglob("*.email-log.jsonl")) == [log]
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert main(["sync-email", "own", "--into", url(key)] + day) == 0
    out = capsys.readouterr().out
    assert "Read 2 email event(s)." in out, out  # the draft's registration and the sent message, from that log
    sent = [r for r in fake.values(key, "Activity")[1:] if r[4] == "Email" and r[6] == "Sent"]
    assert [r[2] for r in sent] == ["L-1"]  # logged once by emails --send; the sync adds no second row

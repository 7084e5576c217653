"""The fake Sheets API (tests/fake_sheets/) against reality: gspread's recorded real-Google interactions replayed
through it must come back as Google answered them; real gspread and google-auth work against it over HTTP; its
test hooks (faults, teammates, request log) do what the other tests rely on."""

from __future__ import annotations

import datetime as dt

import gspread
import pytest
import requests
from google.auth.exceptions import RefreshError
from google.oauth2.service_account import Credentials

from fake_sheets import SERVICE_ACCOUNT, FakeSheets, redirect_session, service_account_file
from fake_sheets.model import Spreadsheet
from fake_sheets.replay import BUNDLE, SHARED, load_bundle, load_directory, replay, unsupported

IMPLEMENTED = {name[len("_req_"):] for name in dir(Spreadsheet) if name.startswith("_req_")}
SCOPE = "https://www.googleapis.com/auth/spreadsheets"


@pytest.fixture(scope="module")
def fake():
    with FakeSheets() as server:
        yield server


@pytest.fixture
def client(fake, tmp_path):
    path = service_account_file(fake, tmp_path)
    creds = Credentials.from_service_account_file(str(path), scopes=[SCOPE])
    gc = gspread.Client(auth=creds, session=redirect_session(fake, creds))
    yield gc
    gc.http_client.session.close()


def test_bundle_is_the_recorded_cassettes():
    """The committed bundle holds gspread's cassettes unchanged (checked against ../shared when it is there)."""
    bundle = load_bundle()
    assert len(bundle) == 124 and BUNDLE.stat().st_size < 200_000
    if SHARED.is_dir():
        assert bundle == load_directory(SHARED)


def test_recorded_google_answers_replay_identically(fake):
    """Every cassette within the part of the API the fake implements gets Google's exact answers back."""
    bundle = load_bundle()
    in_scope = {name: c for name, c in bundle.items() if unsupported(c, IMPLEMENTED) is None}
    out_of_scope = {unsupported(c, IMPLEMENTED) for name, c in bundle.items() if name not in in_scope}
    assert len(in_scope) >= 100, "the fake must keep covering what gspread and the tracker use"
    assert out_of_scope <= {"addNamedRange", "mergeCells", "Drive export", "Drive copy",
                            "Drive upload (CSV import)", "Drive file listing", "autoResizeDimensions",
                            "setBasicFilter", "copyPaste", "addDimensionGroup"}
    interactions = 0
    failures = {}
    for name, cassette in in_scope.items():
        problems = replay(fake, cassette)
        interactions += len(cassette["interactions"])
        if problems:
            failures[name] = problems[:3]
    assert not failures, "\n".join(f"{n}: {p}" for n, p in failures.items())
    assert interactions > 1000  # hundreds of real request/answer pairs, values, ranges, errors and metadata


def test_replay_notices_a_difference(fake):
    """The replay check is not vacuous: a doctored Google answer is reported."""
    cassette = load_bundle()["WorksheetTest.test_update_and_get.json"]
    doctored = {"interactions": [dict(i) for i in cassette["interactions"]]}
    for item in doctored["interactions"]:
        body = item["response"]["body"]["string"]
        if '"b2"' in body and item["request"]["method"] == "GET":
            item["response"] = {**item["response"], "body": {"string": body.replace('"b2"', '"B2"')}}
    assert any("B2" in p for p in replay(fake, doctored))


def test_real_gspread_reads_writes_appends_and_sorts(fake, client):
    key = fake.create("Team", {"Leads": [["Lead ID", "Owner"], ["L-2", "Blake"], ["L-1", "Avery"]]},
                      editors=[SERVICE_ACCOUNT])
    ws = client.open_by_key(key).worksheet("Leads")
    assert ws.get_all_values() == [["Lead ID", "Owner"], ["L-2", "Blake"], ["L-1", "Avery"]]
    ws.update([["=IMPORTXML(\"http://x\",\"//a\")"]], "B4")  # RAW by default: text
    ws.append_rows([["L-3", "Casey"]], value_input_option="RAW", table_range="A1")
    assert fake.cell(key, "Leads", "B4").formula is None
    assert fake.cell(key, "Leads", "B4").value == '=IMPORTXML("http://x","//a")'
    ws.update([["=1+1"]], "C2", value_input_option="USER_ENTERED")  # typed: a formula
    assert fake.cell(key, "Leads", "C2").formula == "=1+1" and fake.cell(key, "Leads", "C2").value == 2
    ws.sort((1, "asc"), range="A2:C5")
    assert [r[0] for r in ws.get_all_values()[1:]] == ["L-1", "L-2", "L-3", ""]
    assert ws.get("A1:B1", value_render_option="UNFORMATTED_VALUE") == [["Lead ID", "Owner"]]
    records = ws.get_all_records(numericise_ignore=["all"])
    assert records[0] == {"Lead ID": "L-1", "Owner": "Avery", "": ""}


def test_tokens_come_from_a_signed_jwt_and_carry_the_scope(fake, client):
    key = fake.create("Scoped", editors=[SERVICE_ACCOUNT])
    client.open_by_key(key)
    grant = fake.grants[-1]
    assert grant["iss"] == SERVICE_ACCOUNT and grant["scope"] == SCOPE
    assert grant["aud"] == "https://oauth2.googleapis.com/token"


def test_unauthenticated_unshared_and_missing_answers(fake, client):
    key = fake.create("Private", editors=["someone@example.com"])
    answer = requests.get(f"{fake.url}/v4/spreadsheets/{key}")
    assert answer.status_code == 401 and answer.json()["error"]["status"] == "UNAUTHENTICATED"
    with pytest.raises(PermissionError):  # gspread's answer to a 403
        client.open_by_key(key)
    assert fake.requests(key)[-1].status == 403
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        client.open_by_key("1" + "x" * 43)


def test_a_forged_key_gets_no_token(fake, tmp_path):
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = service_account_file(fake, tmp_path)
    fake.register_key(SERVICE_ACCOUNT, rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key())
    try:
        creds = Credentials.from_service_account_file(str(path), scopes=[SCOPE])
        gc = gspread.Client(auth=creds, session=redirect_session(fake, creds))
        with pytest.raises(RefreshError, match="invalid_grant"):
            gc.open_by_key(fake.create("Any", editors=[SERVICE_ACCOUNT]))
    finally:
        service_account_file(fake, tmp_path)  # put the real public key back for other tests


def test_injected_faults_and_request_log(fake, client):
    key = fake.create("Faults", {"S": [["a"]]}, editors=[SERVICE_ACCOUNT])
    ws = client.open_by_key(key).worksheet("S")
    fake.reset_log()
    fake.inject(429, times=1, match="values/", retry_after=7)
    with pytest.raises(gspread.exceptions.APIError) as error:
        ws.get_all_values()
    assert error.value.code == 429 and error.value.response.headers["Retry-After"] == "7"
    assert ws.get_all_values() == [["a"]]
    fake.inject(500, times=1, match=":batchUpdate", after_apply=True)
    with pytest.raises(gspread.exceptions.APIError):
        ws.update_title("Renamed")  # applied, then answered 500
    assert [s.title for s in fake.book(key).sheets] == ["Renamed"]
    statuses = [r.status for r in fake.requests(key)]
    assert statuses.count(429) == 1 and statuses.count(500) == 1


def test_teammate_hook_runs_between_requests(fake, client):
    key = fake.create("Hook", {"S": [["Lead ID"], ["L-2"], ["L-1"]]}, editors=[SERVICE_ACCOUNT])
    ws = client.open_by_key(key).worksheet("S")
    fake.before("values/", lambda f: f.teammate(key).sort("S", "Lead ID"), nth=2)
    first = ws.get_all_values()
    second = ws.get_all_values()
    assert first == [["Lead ID"], ["L-2"], ["L-1"]] and second == [["Lead ID"], ["L-1"], ["L-2"]]


def test_dates_render_as_google_renders_them(fake, client):
    key = fake.create("Dates", {"S": [[dt.datetime(2026, 11, 29), dt.datetime(2026, 11, 29, 9, 30), 0.5]]},
                      editors=[SERVICE_ACCOUNT])
    ws = client.open_by_key(key).worksheet("S")
    assert ws.get_all_values() == [["2026-11-29", "2026-11-29 09:30", "0.5"]]
    assert ws.get("A1:C1", value_render_option="UNFORMATTED_VALUE",
                  date_time_render_option="SERIAL_NUMBER") == [[46355, 46355.395833333336, 0.5]]


def test_writes_beyond_the_grid_are_refused_like_google(fake, client):
    key = fake.create("Grid", {"S": [["x"]]}, editors=[SERVICE_ACCOUNT])
    ws = client.open_by_key(key).worksheet("S")
    rows = fake.book(key).by_title("S").row_count
    with pytest.raises(gspread.exceptions.APIError, match="exceeds grid limits"):
        ws.update([["y"]], f"A{rows + 1}")

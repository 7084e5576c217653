"""The shared Google Sheet: refreshes through the Sheets API store against the local fake (real HTTP, real gspread
and google-auth), with teammates editing mid-sync, quota answers and server errors, and values from imported files.

Every test makes its own spreadsheet, laid out by `gsheet init`, in one fake server for the module.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

import gsheet_helpers as gh
from builders import TODAY, lead, touch
from fake_sheets import FakeSheets, service_account_file
from leadtracker.commands import run_refresh
from leadtracker.errors import LeadTrackerError
from sync.gsheet_client import RetryPolicy
from sync.gsheet_plan import MAX_REQUEST_BYTES, PIECE

LIMIT = 2_000_000  # Google's recommended maximum request size
STATES = ("FL", "CA", "TX", "GA", "OH", "NY", "AZ", "NC", "MI", "IL")


@pytest.fixture(scope="module")
def fake():
    with FakeSheets() as server:
        yield server


@pytest.fixture
def key_file(fake, tmp_path):
    return service_account_file(fake, tmp_path)


class Sleeper:
    """Records the waits a store asks for, without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def team_leads(n: int = 24) -> list[dict]:
    """Distinct invented leads: each has its own sale date, so Priority and Timeline Note tell them apart."""
    out = []
    for i in range(n):
        out.append(lead(f"L-{i + 1:03d}", **{
            "Owner Name": f"Owner {chr(65 + i % 26)}{i} Testperson", "Property Address": f"{100 + i} Test Lane",
            "State": STATES[i % len(STATES)], "ZIP": f"{33600 + i}", "Phone": f"(813) 555-01{i % 100:02d}",
            "Sale Date": dt.datetime(2027, 1, 1) + dt.timedelta(days=3 * i)}))
    return out


def agent_rows(fake, key) -> list[list]:
    """Activity rows other than the contact-rules audit trail (Do Not Call checks and opt-outs, issue 8)."""
    rows = fake.values(key, "Activity")
    source = rows[0].index("Source")
    return [r for r in rows[1:] if (r[source] if len(r) > source else None) != "contact-rules"]


def sheet_with(fake, key_file, leads: list[dict], activity: list[dict] | None = None) -> str:
    key = gh.laid_out(fake, key_file)
    gh.fill(fake, key, "Leads", leads)
    gh.fill(fake, key, "Activity", activity or [])
    return key


def expected_by_lead(report) -> dict[str, dict]:
    """What the refresh computed for each lead (the pure result), by Lead ID."""
    leads = report.result.leads
    return {row["Lead ID"]: row for row in leads.to_dict("records")}


def assert_every_value_on_its_lead(fake, key, report, columns=("Priority", "Stage", "Next Step", "Timeline Note")):
    expected = expected_by_lead(report)
    checked = 0
    for row in gh.leads_table(fake, key):
        lead_id = row["Lead ID"]
        if lead_id not in expected:
            continue
        for column in columns:
            want = expected[lead_id][column]
            want = None if want is None or (isinstance(want, float) and want != want) or want == "" else want
            got = row[column]
            assert got == want, f"{column} of {lead_id} is {got!r}, computed {want!r}"
            checked += 1
    assert checked >= len(expected) * len(columns) - len(columns) * 2
    return checked


# --- request budget and sizes -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_sheet(fake, tmp_path_factory):
    """10,000 leads with about 52,000 Activity rows from the refresh benchmark's generator, laid out by init and
    refreshed once (the first refresh fills every computed cell)."""
    key_file = service_account_file(fake, tmp_path_factory.mktemp("keys"))
    leads, history, today = gh.benchmark_leads(10_000)
    key = sheet_with(fake, key_file, leads, history)
    fake.reset_log()
    first = run_refresh(gh.store(fake, key, key_file), today)
    first_requests = gh.api_requests(fake)
    return key, key_file, today, first, first_requests


def test_the_first_refresh_of_10000_leads_writes_in_requests_under_2_mb(big_sheet):
    key, key_file, today, report, requests = big_sheet
    assert len(report.result.leads) == 10_000
    assert max(r.body_bytes for r in requests) < LIMIT
    writes = [r for r in requests if r.method == "POST"]
    reads = [r for r in requests if r.method == "GET"]
    assert len(reads) == 3  # metadata, the batched read, the re-read before writing
    # every computed cell of 10,000 rows is new: its bytes, not its rows, set the number of writes, and each
    # request is filled before the next one starts (no request more than needed, of either kind)
    for values in (False, True):
        sent = [r for r in writes if r.path.endswith("/values:batchUpdate") == values]
        full = MAX_REQUEST_BYTES - PIECE  # pieces of rows or ranges are at most PIECE bytes
        assert len(sent) <= math.ceil(sum(r.body_bytes for r in sent) / full), [r.body_bytes for r in sent]
    assert len(requests) <= 10


def test_a_routine_refresh_of_10000_leads_makes_at_most_5_requests(fake, big_sheet):
    key, key_file, today, _, _ = big_sheet
    for day in (today, today + dt.timedelta(days=1)):  # again the same day, then the next day (dates move)
        fake.reset_log()
        report = run_refresh(gh.store(fake, key, key_file), day)
        requests = gh.api_requests(fake)
        lines = [f"{r.method} {r.path.rsplit('/', 1)[-1][-24:]} {r.body_bytes}" for r in requests]
        assert len(requests) <= 5, lines
        assert [r.method for r in requests[:3]] == ["GET", "GET", "GET"]
        assert all(r.status == 200 and r.body_bytes < LIMIT for r in requests)
        assert "Today" in report.saved


def test_the_request_count_does_not_grow_with_the_row_count(fake, key_file):
    counts = {}
    for n in (200, 2_000):
        leads, history, today = gh.benchmark_leads(n, seed=7)
        key = sheet_with(fake, key_file, leads, history)
        run_refresh(gh.store(fake, key, key_file), today)
        fake.reset_log()
        run_refresh(gh.store(fake, key, key_file), today + dt.timedelta(days=1))
        counts[n] = len(gh.api_requests(fake))
    assert counts[200] == counts[2_000] <= 5


# --- a teammate at work between our read and our write -------------------------------------------------------------
BETWEEN_READ_AND_WRITE = "values:batchGet"  # the 2nd batchGet is the re-read just before writing


def refresh_with_teammate(fake, key, key_file, action, nth: int = 2, today: dt.date = TODAY):
    fake.before(BETWEEN_READ_AND_WRITE, action, nth=nth)
    return run_refresh(gh.store(fake, key, key_file), today)


def test_teammate_sorts_mid_sync_and_every_value_lands_on_its_lead(fake, key_file):
    key = sheet_with(fake, key_file, team_leads())
    report = refresh_with_teammate(fake, key, key_file,
                                   lambda f: f.teammate(key).sort("Leads", "Owner Name", descending=True))
    order = [r["Owner Name"] for r in gh.leads_table(fake, key)]
    assert order == sorted(order, reverse=True)  # the sort happened before our write
    assert assert_every_value_on_its_lead(fake, key, report) >= 90


def test_teammate_sorts_only_some_columns_and_values_still_land_right(fake, key_file):
    """Data > Sort range on columns A:F only moves ids without their computed cells; each cell is compared with what
    it holds now, so the moved rows are rewritten."""
    key = sheet_with(fake, key_file, team_leads())
    run_refresh(gh.store(fake, key, key_file), TODAY)
    report = refresh_with_teammate(
        fake, key, key_file, lambda f: f.teammate(key).sort("Leads", "Lead ID", descending=True, columns=(0, 6)),
        today=TODAY + dt.timedelta(days=1))
    assert assert_every_value_on_its_lead(fake, key, report) >= 90


def test_teammate_inserts_a_row_mid_sync(fake, key_file):
    key = sheet_with(fake, key_file, team_leads())

    def insert(f):
        f.teammate(key).insert_row("Leads", 5, ["", "Dana Newlead", "9 Fresh St", "Tampa", "FL", "33601"])

    report = refresh_with_teammate(fake, key, key_file, insert)
    rows = gh.leads_table(fake, key)
    new = next(r for r in rows if r["Owner Name"] == "Dana Newlead")
    assert new["Lead ID"] is None and new["Stage"] is None  # not read: left for the next refresh, untouched
    assert assert_every_value_on_its_lead(fake, key, report) >= 90
    second = run_refresh(gh.store(fake, key, key_file), TODAY)
    new = next(r for r in gh.leads_table(fake, key) if r["Owner Name"] == "Dana Newlead")
    assert new["Lead ID"].startswith("LT-") and new["Stage"] == "New"
    assert_every_value_on_its_lead(fake, key, second)


def test_teammate_deletes_a_row_mid_sync(fake, key_file):
    key = sheet_with(fake, key_file, team_leads())
    report = refresh_with_teammate(fake, key, key_file, lambda f: f.teammate(key).delete_row("Leads", 4))
    rows = gh.leads_table(fake, key)
    assert len(rows) == 23 and "L-003" not in {r["Lead ID"] for r in rows}
    assert assert_every_value_on_its_lead(fake, key, report) >= 88


def test_teammate_edits_an_input_cell_mid_sync_and_the_edit_stays(fake, key_file):
    key = sheet_with(fake, key_file, team_leads())

    def edit(f):
        team = f.teammate(key)
        row = team.find_row("Leads", "Lead ID", "L-007")
        team.type("Leads", team.ref("Leads", "Phone", row), "(727) 555-0199")
        team.type("Leads", team.ref("Leads", "Notes", row), "=HYPERLINK(\"x\")")

    refresh_with_teammate(fake, key, key_file, edit)
    row = next(r for r in gh.leads_table(fake, key) if r["Lead ID"] == "L-007")
    assert row["Phone"] == "(727) 555-0199"
    assert row["Stage"] == "New"  # our computed values landed on that row too


def test_a_quick_log_entry_changed_mid_sync_is_left_for_the_next_run(fake, key_file):
    leads = team_leads(6)
    leads[2].update({"Log Outcome": "Spoke", "Log Note": "wants a call back"})
    leads[4].update({"Log Outcome": "Left Voicemail"})
    key = sheet_with(fake, key_file, leads)

    def retype(f):
        team = f.teammate(key)
        row = team.find_row("Leads", "Lead ID", "L-003")
        team.type("Leads", team.ref("Leads", "Log Outcome", row), "Meeting Set")
        other = team.find_row("Leads", "Lead ID", "L-002")
        team.type("Leads", team.ref("Leads", "Log Outcome", other), "No Answer")  # a new entry mid-sync

    report = refresh_with_teammate(fake, key, key_file, retype)
    rows = {r["Lead ID"]: r for r in gh.leads_table(fake, key)}
    assert rows["L-003"]["Log Outcome"] == "Meeting Set" and rows["L-003"]["Log Note"] == "wants a call back"
    assert rows["L-002"]["Log Outcome"] == "No Answer"
    assert rows["L-005"]["Log Outcome"] is None  # consumed as read
    outcomes = [(r[2], r[6]) for r in agent_rows(fake, key)]
    assert outcomes == [("L-005", "Left Voicemail")]  # nothing logged for the entry that changed
    assert "left in place for the next refresh" in report.saved
    run_refresh(gh.store(fake, key, key_file), TODAY)
    outcomes = sorted((r[2], r[6]) for r in agent_rows(fake, key))
    assert outcomes == [("L-002", "No Answer"), ("L-003", "Meeting Set"), ("L-005", "Left Voicemail")]
    rows = {r["Lead ID"]: r for r in gh.leads_table(fake, key)}
    assert rows["L-003"]["Log Outcome"] is None and rows["L-003"]["Log Note"] is None


@pytest.mark.parametrize("cell", ["Log Note", "Log Channel"])
def test_a_note_or_channel_typed_mid_sync_keeps_the_whole_entry_for_the_next_run(fake, key_file, cell):
    """The cell was empty when read: logging the outcome without it would clear the outcome and orphan the note."""
    leads = team_leads(6)
    leads[2]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads)
    typed = {"Log Note": "wants a call back Tuesday 5pm", "Log Channel": "Text"}[cell]

    def add(f):
        team = f.teammate(key)
        team.type("Leads", team.ref("Leads", cell, team.find_row("Leads", "Lead ID", "L-003")), typed)

    report = refresh_with_teammate(fake, key, key_file, add)
    row = next(r for r in gh.leads_table(fake, key) if r["Lead ID"] == "L-003")
    assert row["Log Outcome"] == "Spoke" and row[cell] == typed  # neither cleared
    assert agent_rows(fake, key) == []  # and no Activity row without its clear
    assert "1 quick-log entry was edited by a teammate while this ran" in report.saved
    run_refresh(gh.store(fake, key, key_file), TODAY)
    logged = [(r[2], r[4], r[6], r[7]) for r in agent_rows(fake, key)]
    assert logged == [("L-003", "Text" if cell == "Log Channel" else "Call", "Spoke",
                       typed if cell == "Log Note" else None)]
    row = next(r for r in gh.leads_table(fake, key) if r["Lead ID"] == "L-003")
    assert row["Log Outcome"] is None and row[cell] is None and "waiting" not in (row["Data Issues"] or "")
    run_refresh(gh.store(fake, key, key_file), TODAY)
    assert len(agent_rows(fake, key)) == 1  # idempotent


def test_leads_sharing_an_id_that_a_sort_swaps_get_nothing_until_the_next_run(fake, key_file):
    """Two rows hold L-002 (a pasted duplicate, flagged in Data Issues); sorted by owner between read and write they
    keep their positions but swap leads: the k-th row with the id is another lead, so neither row is written."""
    leads = team_leads(6)
    leads[4]["Lead ID"] = "L-002"
    key = sheet_with(fake, key_file, leads)
    report = refresh_with_teammate(fake, key, key_file,
                                   lambda f: f.teammate(key).sort("Leads", "Owner Name", descending=True))
    own = {r["Owner Name"]: r for r in report.result.leads.to_dict("records")}
    shared = [r for r in gh.leads_table(fake, key) if r["Lead ID"] == "L-002"]
    assert [r["Owner Name"] for r in shared] == ["Owner E4 Testperson", "Owner B1 Testperson"]  # swapped
    for row in shared:
        assert row["Days to Sale"] is None and row["Timeline Note"] is None  # not another lead's values
    assert "1 Lead ID on more than one row moved while this ran" in report.saved
    others = [r for r in gh.leads_table(fake, key) if r["Lead ID"] != "L-002"]
    assert all(r["Days to Sale"] == own[r["Owner Name"]]["Days to Sale"] for r in others)
    report = run_refresh(gh.store(fake, key, key_file), TODAY)
    own = {r["Owner Name"]: r for r in report.result.leads.to_dict("records")}
    for row in (r for r in gh.leads_table(fake, key) if r["Lead ID"] == "L-002"):
        assert row["Days to Sale"] == own[row["Owner Name"]]["Days to Sale"]
        assert row["Timeline Note"] == own[row["Owner Name"]]["Timeline Note"]
        assert "Lead ID" in row["Data Issues"]


def test_leads_sharing_an_id_that_stay_put_are_written(fake, key_file):
    leads = team_leads(6)
    leads[4]["Lead ID"] = "L-002"
    key = sheet_with(fake, key_file, leads)
    report = refresh_with_teammate(fake, key, key_file, lambda f: f.teammate(key).sort("Leads", "ZIP"))  # no move
    assert "more than one row" not in report.saved
    own = {r["Owner Name"]: r for r in report.result.leads.to_dict("records")}
    assert all(r["Days to Sale"] == own[r["Owner Name"]]["Days to Sale"] for r in gh.leads_table(fake, key))


def test_a_new_lead_gets_its_id_on_its_own_row_after_a_sort(fake, key_file):
    leads = team_leads(8)
    leads[3]["Lead ID"] = None
    leads[3]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads)
    report = refresh_with_teammate(fake, key, key_file, lambda f: f.teammate(key).sort("Leads", "ZIP", True))
    row = next(r for r in gh.leads_table(fake, key) if r["Owner Name"] == leads[3]["Owner Name"])
    assert row["Lead ID"].startswith("LT-") and row["Log Outcome"] is None
    logged = [(r[2], r[6]) for r in agent_rows(fake, key)]
    assert logged == [(row["Lead ID"], "Spoke")]
    assert_every_value_on_its_lead(fake, key, report)


def test_teammate_adds_activity_by_hand_mid_sync(fake, key_file):
    leads = team_leads(4)
    leads[0]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads, [touch("L-002", "D1", dt.datetime(2026, 11, 20, 9))])

    def typed(f):
        gh.fill(f, key, "Activity", [{"Activity ID": "HAND-1", "Timestamp": dt.datetime(2026, 11, 28, 15),
                                      "Lead ID": "L-004", "Outcome": "Spoke", "Channel": "Call"}])

    refresh_with_teammate(fake, key, key_file, typed)
    ids = [r[0] for r in agent_rows(fake, key)]
    assert ids[:2] == [ids[0], "HAND-1"] and len(ids) == 3 and ids[2].startswith("Q-")


def test_a_sort_between_re_read_and_write_is_repaired_by_the_next_refresh(fake, key_file):
    """The last gap (between the re-read and the write, one round trip) cannot be closed without a conditional
    write, which the API lacks; values are compared with the sheet on every refresh, so the next one repairs it."""
    key = sheet_with(fake, key_file, team_leads())
    fake.before(":batchUpdate", lambda f: f.teammate(key).sort("Leads", "Owner Name", descending=True))
    run_refresh(gh.store(fake, key, key_file), TODAY)
    report = run_refresh(gh.store(fake, key, key_file), TODAY)
    assert assert_every_value_on_its_lead(fake, key, report) >= 90


def test_ids_and_cleared_cells_leave_before_the_computed_values_are_compared(fake, key_file, monkeypatch):
    """The writes that go by row number (new ids, cleared quick-log cells) are sent right after the re-read; the
    slow comparison of every computed cell (about 0.4 s of a routine refresh at 10,000 leads) comes after, so a sort
    has that much less time to land in between."""
    from sync import gsheet_plan

    leads = team_leads(6)
    leads[1]["Lead ID"] = None
    leads[2]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads)
    order: list[str] = []
    compare = gsheet_plan.Planner._plan_computed

    def spied(self, *args):
        order.append("computed values compared")
        return compare(self, *args)

    monkeypatch.setattr(gsheet_plan.Planner, "_plan_computed", spied)
    fake.before(f"{key}:batchUpdate", lambda f: order.append("ids and cleared cells sent"))
    report = run_refresh(gh.store(fake, key, key_file), TODAY)
    assert order == ["ids and cleared cells sent", "computed values compared"]
    assert_every_value_on_its_lead(fake, key, report)


# --- quotas and server errors ----------------------------------------------------------------------------------
def test_429_then_success_is_done_after_waiting_retry_after(fake, key_file):
    leads = team_leads(5)
    leads[1]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads)
    fake.inject(429, times=1, match="values:batchUpdate", retry_after=7)
    fake.inject(429, times=1, match="values:batchGet", retry_after=3)
    sleeper = Sleeper()
    report = run_refresh(gh.store(fake, key, key_file, sleep=sleeper), TODAY)
    assert "Saved to" in report.saved
    # one wait per refusal, in order (the read, then the write), each at least what Google asked for
    assert len(sleeper.waits) == 2 and sleeper.waits[0] >= 3 and sleeper.waits[1] >= 7, sleeper.waits
    assert [r[6] for r in agent_rows(fake, key)] == ["Spoke"]
    assert all(r["Stage"] for r in gh.leads_table(fake, key))


def test_a_429_after_new_ids_landed_reports_no_deleted_rows_and_counts_every_request(fake, key_file):
    """The structural write (new ids, the Activity row, the cleared cell) lands; the computed values get a 429. The
    retry finds the new ids on their rows: nothing was deleted, and the count covers every request of the run."""
    leads = team_leads(4)
    for one in leads[:2]:
        one["Lead ID"] = None
    leads[0]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads)
    fake.inject(429, times=1, match="values:batchUpdate", retry_after=1)
    fake.reset_log()
    report = run_refresh(gh.store(fake, key, key_file), TODAY)
    sent = gh.api_requests(fake)
    assert [r.status for r in sent].count(429) == 1 and len(sent) >= 8  # reads, writes, the 429, and the retry
    assert f"({len(sent)} requests)." in report.saved, report.saved
    assert "deleted" not in report.saved and "teammate" not in report.saved
    rows = gh.leads_table(fake, key)
    assert all(r["Lead ID"] and r["Stage"] for r in rows) and len(rows) == 4
    assert [(r[2], r[6]) for r in agent_rows(fake, key)] == [(rows[0]["Lead ID"], "Spoke")]
    assert "rows added to Activity" in report.saved  # the row the first try added is this run's


def test_a_write_applied_then_500_is_not_reported_as_a_teammate_edit(fake, key_file):
    leads = team_leads(4)
    leads[2]["Log Outcome"] = "No Answer"
    key = sheet_with(fake, key_file, leads)
    run_refresh(gh.store(fake, key, key_file), TODAY)
    team = fake.teammate(key)
    team.type("Leads", team.ref("Leads", "Log Outcome", team.find_row("Leads", "Lead ID", "L-004")), "Spoke")
    fake.inject(500, times=2, match=f"{key}:batchUpdate", after_apply=True)
    fake.reset_log()
    report = run_refresh(gh.store(fake, key, key_file), TODAY)
    assert "teammate" not in report.saved and "deleted" not in report.saved, report.saved
    assert f"({len(gh.api_requests(fake))} requests)" in report.saved
    assert sorted((r[2], r[6]) for r in agent_rows(fake, key)) == [("L-003", "No Answer"), ("L-004", "Spoke")]
    assert all(r["Log Outcome"] is None for r in gh.leads_table(fake, key))


def test_a_routine_refresh_reports_every_request_it_made(fake, key_file):
    key = sheet_with(fake, key_file, team_leads(6))
    run_refresh(gh.store(fake, key, key_file), TODAY)
    fake.reset_log()
    report = run_refresh(gh.store(fake, key, key_file), TODAY + dt.timedelta(days=1))
    assert f"({len(gh.api_requests(fake))} requests)" in report.saved
    assert len(gh.api_requests(fake)) == 5


@pytest.mark.parametrize("after_apply", [True, False], ids=["applied-then-500", "refused-with-500"])
def test_a_persistent_500_stops_after_the_cap_and_appends_nothing_twice(fake, key_file, after_apply):
    leads = team_leads(5)
    leads[0]["Log Outcome"] = "Left Voicemail"
    leads[3]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads)
    fake.inject(500, times=1000, match=f"{key}:batchUpdate", after_apply=after_apply)
    sleeper = Sleeper()
    policy = RetryPolicy(attempts=4)
    with pytest.raises(LeadTrackerError) as error:
        run_refresh(gh.store(fake, key, key_file, sleep=sleeper, policy=policy), TODAY)
    message = str(error.value)
    assert "500" in message and "4 times" in message and "nothing was written twice" in message
    assert len(fake.requests(lambda r: r.line.endswith(f"{key}:batchUpdate") and r.status == 500)) == 4  # the cap
    assert len(sleeper.waits) == 3
    outcomes = [r[6] for r in agent_rows(fake, key)]
    assert outcomes == (["Left Voicemail", "Spoke"] if after_apply else [])
    logged = {r["Lead ID"]: r["Log Outcome"] for r in gh.leads_table(fake, key)}
    assert logged["L-001"] == (None if after_apply else "Left Voicemail")  # cleared with its Activity row, or kept
    fake.faults.clear()
    run_refresh(gh.store(fake, key, key_file), TODAY)  # later, Google is back
    assert sorted(r[6] for r in agent_rows(fake, key)) == ["Left Voicemail", "Spoke"]


def test_a_dropped_connection_after_the_append_landed_appends_nothing_twice(fake, key_file):
    leads = team_leads(3)
    leads[2]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads)
    fake.inject(500, times=1, match=f"{key}:batchUpdate", after_apply=True, disconnect=True)
    report = run_refresh(gh.store(fake, key, key_file), TODAY)
    assert "Saved to" in report.saved
    assert [r[6] for r in agent_rows(fake, key)] == ["Spoke"]


def test_reads_are_retried_a_capped_number_of_times(fake, key_file):
    key = sheet_with(fake, key_file, team_leads(2))
    fake.inject(503, times=100, match="values:batchGet")
    sleeper = Sleeper()
    with pytest.raises(LeadTrackerError, match="could not be read.*5 times"):
        run_refresh(gh.store(fake, key, key_file, sleep=sleeper), TODAY)
    assert len(sleeper.waits) == 4
    fake.faults.clear()


def test_a_very_long_retry_after_stops_instead_of_hanging(fake, key_file):
    key = sheet_with(fake, key_file, team_leads(2))
    fake.inject(429, times=1, match="values:batchUpdate", retry_after=3600)
    with pytest.raises(LeadTrackerError, match="wait 60 minutes"):
        run_refresh(gh.store(fake, key, key_file, sleep=Sleeper()), TODAY)


def test_backoff_grows_exponentially_with_full_jitter_and_honours_retry_after():
    import random

    policy = RetryPolicy(attempts=6, base_delay=1.0, max_delay=32.0)
    rng = random.Random(5)
    for failures in range(1, 8):
        waits = [policy.delay(failures, None, rng) for _ in range(200)]
        cap = min(32.0, 2 ** (failures - 1))
        assert 0 <= min(waits) and max(waits) <= cap and max(waits) > cap * 0.8
    assert policy.delay(1, 12.0, rng) >= 12.0


def test_a_refused_structural_write_changes_nothing(fake, key_file):
    leads = team_leads(3)
    leads[1]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads)
    fake.inject(400, times=1, match=f"{key}:batchUpdate")
    with pytest.raises(LeadTrackerError, match="refused"):
        run_refresh(gh.store(fake, key, key_file), TODAY)
    rows = {r["Lead ID"]: r for r in gh.leads_table(fake, key)}
    assert rows["L-002"]["Log Outcome"] == "Spoke" and rows["L-002"]["Stage"] is None
    assert agent_rows(fake, key) == []


# --- values from outside never run as formulas -------------------------------------------------------------------
def test_an_imported_owner_name_that_looks_like_a_formula_is_text(fake, key_file, tmp_path):
    from leadtracker.importers.command import run_import

    key = sheet_with(fake, key_file, team_leads(2))
    csv = tmp_path / "week12.csv"
    csv.write_text("Owner Name,Property Address,City,State,ZIP,Phone\n"
                   '"=IMPORTXML(""http://x"",""//a"")",77 Sample Rd,Tampa,FL,33602,(813) 555-0177\n',
                   encoding="utf-8")
    run_import(gh.store(fake, key, key_file), csv, now=dt.datetime(2026, 11, 29, 9), refresh=False)
    run_refresh(gh.store(fake, key, key_file), TODAY)
    row = next(r for r in gh.leads_table(fake, key) if r["Property Address"] == "77 Sample Rd")
    team = fake.teammate(key)
    at = team.ref("Leads", "Owner Name", team.find_row("Leads", "Property Address", "77 Sample Rd"))
    cell = fake.cell(key, "Leads", at)
    assert cell.formula is None and cell.value == '=IMPORTXML("http://x","//a")'
    assert row["Stage"] == "New"
    today = fake.values(key, "Today")
    owner_col = today[2].index("Owner Name")
    line = next(i for i, r in enumerate(today) if len(r) > owner_col and r[owner_col] and "IMPORTXML" in r[owner_col])
    shown = fake.cell(key, "Today", f"{chr(65 + owner_col)}{line + 1}")
    assert shown.formula is None and shown.value == '=IMPORTXML("http://x","//a")'
    # typed into the browser, the same text would become a live formula: the check above can fail
    team.type("Leads", at, '=IMPORTXML("http://x","//a")')
    assert fake.cell(key, "Leads", at).formula is not None


# --- sheets the tool owns -----------------------------------------------------------------------------------------
def test_today_and_dashboard_are_replaced_not_piled_up(fake, key_file):
    key = sheet_with(fake, key_file, team_leads(12))
    run_refresh(gh.store(fake, key, key_file), TODAY)
    first_today = fake.values(key, "Today")
    fake.teammate(key).delete_row("Leads", 12)
    gh.fill(fake, key, "Leads", [])
    run_refresh(gh.store(fake, key, key_file), TODAY + dt.timedelta(days=1))
    today = fake.values(key, "Today")
    assert today[0][0].startswith("Today, Monday November 30, 2026")
    assert len(today) <= len(first_today)
    dashboard = fake.book(key).by_title("Dashboard")
    assert len(dashboard.charts) == 2  # rebuilt, not added again
    assert fake.values(key, "Dashboard")[2][:2] == ["Stage", "Leads"]


def test_activity_timestamps_are_dates_in_the_sheet(fake, key_file):
    leads = team_leads(2)
    leads[0]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads)
    run_refresh(gh.store(fake, key, key_file), TODAY)
    row = fake.teammate(key).find_row("Activity", "Outcome", "Spoke")
    stamp = fake.cell(key, "Activity", f"B{row}")
    assert stamp.value == pytest.approx((dt.datetime(2026, 11, 29, 9) - dt.datetime(1899, 12, 30)).days + 0.375)
    assert stamp.fmt["numberFormat"]["type"] == "DATE_TIME"
    # every row this refresh added (quick-log rows and the contact-rules audit rows alike) shows a date
    dates = [r[1] for r in fake.values(key, "Activity")[1:]]
    assert len(dates) >= 3
    for number in range(2, len(dates) + 2):
        assert fake.cell(key, "Activity", f"B{number}").fmt["numberFormat"]["type"] == "DATE_TIME", number


def test_the_refresh_now_row_is_not_an_unknown_setting(fake, key_file):
    key = sheet_with(fake, key_file, team_leads(2))
    report = run_refresh(gh.store(fake, key, key_file), TODAY)
    assert not any("Refresh now" in m for m in report.messages)


def test_a_sheet_not_made_by_init_gets_its_missing_columns_and_sheets(fake, key_file):
    key = fake.create("Own sheet", {"leads": [["Owner", "Site Address", "State", "Auction Date", "Lead ID"],
                                              ["Avery Quill", "1 Oak St", "FL", dt.datetime(2027, 2, 1)]]},
                      editors=[gh.SERVICE_ACCOUNT])
    report = run_refresh(gh.store(fake, key, key_file), TODAY)
    titles = [s.title for s in fake.book(key).sheets]
    assert {"Activity", "Settings", "Today", "Dashboard"} <= set(titles)
    rows = fake.values(key, "leads")
    assert rows[0][:5] == ["Owner", "Site Address", "State", "Auction Date", "Lead ID"]
    assert "Stage" in rows[0] and rows[0].count("Lead ID") == 1
    assert rows[1][4].startswith("LT-") and rows[1][rows[0].index("Stage")] == "New"
    assert "Added the missing Activity sheet." in report.messages


def test_a_tool_sheet_deleted_mid_sync_is_made_again(fake, key_file):
    leads = team_leads(3)
    leads[0]["Log Outcome"] = "Spoke"
    key = sheet_with(fake, key_file, leads)

    def delete_today(f):
        book = f.book(key)
        book.batch_update([{"deleteSheet": {"sheetId": book.by_title("Today").sheet_id}}], "teammate@example.com")

    refresh_with_teammate(fake, key, key_file, delete_today)
    assert fake.values(key, "Today")[0][0].startswith("Today, Sunday November 29, 2026")
    assert [r[6] for r in agent_rows(fake, key)] == ["Spoke"]

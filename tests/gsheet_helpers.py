"""Helpers for the Google Sheets tests: a spreadsheet laid out by `gsheet init` in the fake, filled with leads."""

from __future__ import annotations

import datetime as dt
import importlib.util
from functools import lru_cache
from pathlib import Path

from fake_sheets import SERVICE_ACCOUNT, gsheet_store, seed_entry
from leadtracker import schema
from sync.gsheet_client import RetryPolicy, connect
from sync.gsheet_layout import init_sheet

ROOT = Path(__file__).resolve().parent.parent
ACTIVITY_HEADERS = [c.name for c in schema.ACTIVITY_COLUMNS]


def laid_out(fake, key_file, title: str = "Team leads") -> str:
    """A new spreadsheet shared with the service account and laid out by `gsheet init`; returns its key."""
    key = fake.create(title, {"Sheet1": []}, editors=[SERVICE_ACCOUNT])
    init_sheet(connect(key_file, root=fake.url), key)
    return key


def fill(fake, key: str, title: str, records: list[dict]) -> None:
    """Type rows under the sheet's header (as a teammate pasting them would), after the rows already there."""
    with fake.lock:
        sheet = fake.book(key).by_title(title)
        headers = [getattr(e, "value", e) for e in sheet.rows[0]]
        position = {h: i for i, h in enumerate(headers) if h}
        start = sheet.last_row_with_data() + 1
        if start + len(records) > sheet.row_count:
            sheet.row_count = start + len(records) + 100
        for r, record in enumerate(records, start=start):
            for name, value in record.items():
                if value is not None and name in position:
                    sheet.put(r, position[name], seed_entry(value))


def leads_table(fake, key: str) -> list[dict]:
    """Leads as records by header (None for empty cells), in sheet order."""
    rows = fake.values(key, "Leads")
    headers = rows[0]
    return [{h: (row[i] if i < len(row) else None) for i, h in enumerate(headers)} for row in rows[1:] if row]


def store(fake, key: str, key_file, sleep=None, policy: RetryPolicy | None = None):
    return gsheet_store(fake, key, key_file, sleep=sleep, policy=policy)


@lru_cache(maxsize=1)
def _benchmark_module():
    spec = importlib.util.spec_from_file_location("refresh_benchmark", ROOT / "benchmarks" / "refresh.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def benchmark_leads(n: int, seed: int = 20260316) -> tuple[list[dict], list[dict], dt.date]:
    """n invented leads and their Activity history from the refresh benchmark's generator (realistic values, a
    share of messy cells, blank and duplicated ids, quick-log entries), and the date they are built around."""
    import numpy as np

    bench = _benchmark_module()
    rng = np.random.default_rng(seed)
    columns, _ = bench.make_leads(n, rng)
    activity = bench.make_activity(columns, rng)
    names = list(columns)
    leads = [{name: columns[name][i] for name in names} for i in range(n)]
    history = [dict(zip(ACTIVITY_HEADERS, row)) for row in activity]
    return leads, history, bench.TODAY


def api_requests(fake) -> list:
    """Requests to the Sheets API (the OAuth token exchange, once an hour per process, is not one)."""
    return fake.requests(lambda r: r.path.startswith("/v4/"))

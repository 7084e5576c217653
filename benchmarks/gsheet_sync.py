"""Google Sheets sync benchmark (issue 9): requests and bytes per refresh of a shared sheet, by lead count.

For each size, a spreadsheet is laid out by `gsheet init` in the local fake of the Sheets API (tests/fake_sheets,
real HTTP on 127.0.0.1, real gspread and google-auth), filled with the refresh benchmark's invented leads and their
Activity history, then refreshed three times through the product's store, as `leadtracker refresh gsheet:...`:

    first     every computed cell is new (the first refresh of a sheet)
    again     the same day, nothing changed (a `watch` tick)
    next day  the day after (due dates, days overdue and days to sale move)

It reports Sheets API requests (the OAuth token exchange is not one), the largest request body, bytes sent and
received, and seconds (on 127.0.0.1: Google adds its own latency per request). A section is appended to
benchmarks/RESULTS.md. Usage:

    python benchmarks/gsheet_sync.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import gsheet_helpers as gh  # noqa: E402
from fake_sheets import FakeSheets, service_account_file  # noqa: E402
from leadtracker.commands import run_refresh  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def measure(size: int, keys: Path) -> list[dict]:
    rows = []
    with FakeSheets() as fake:
        key_file = service_account_file(fake, keys)
        leads, history, today = gh.benchmark_leads(size)
        key = gh.laid_out(fake, key_file)
        gh.fill(fake, key, "Leads", leads)
        gh.fill(fake, key, "Activity", history)
        for label, day in (("first", today), ("again", today), ("next day", today + dt.timedelta(days=1))):
            fake.reset_log()
            started = time.perf_counter()
            report = run_refresh(gh.store(fake, key, key_file), day)
            seconds = time.perf_counter() - started
            requests = gh.api_requests(fake)
            rows.append({"size": size, "activity": len(history), "run": label, "requests": len(requests),
                         "reads": sum(r.method == "GET" for r in requests),
                         "writes": sum(r.method == "POST" for r in requests),
                         "largest": max(r.body_bytes for r in requests),
                         "sent": sum(r.body_bytes for r in requests), "seconds": seconds,
                         "saved": report.saved})
            print(f"{size:>7,} {label:<8} {rows[-1]['requests']:>3} requests ({rows[-1]['reads']} reads, "
                  f"{rows[-1]['writes']} writes), largest {rows[-1]['largest'] / 1e6:.2f} MB, sent "
                  f"{rows[-1]['sent'] / 1e6:.2f} MB, {seconds:.1f} s", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--no-results", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as keys:
        for size in sizes:
            rows += measure(size, Path(keys) / str(size))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if not args.no_results:
        append_results(rows, " ".join(["python", "benchmarks/gsheet_sync.py", "--sizes", args.sizes]), peak)
    return 0


def append_results(rows: list[dict], command: str, peak_mb: float) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or os.environ.get("BENCH_COMMIT", "an exported tree")
    lines = [
        "", f"## Google Sheets sync: requests per refresh ({dt.datetime.now():%Y-%m-%d %H:%M})", "",
        f"- Machine: {platform.machine()}, {platform.platform()}, Python {platform.python_version()}; code at "
        f"{commit} (plus any uncommitted work in the tree)",
        f"- Command: `{command}`",
        "- Sheet: laid out by `gsheet init` in the local fake of the Sheets API (tests/fake_sheets, HTTP on "
        "127.0.0.1, real gspread and google-auth); leads and Activity from the refresh benchmark's generator. "
        "Requests are Sheets API requests counted by the fake (the OAuth token exchange, once an hour, is not one); "
        "seconds are on 127.0.0.1, so Google's own latency per request comes on top.",
        f"- Peak RSS of the process (fake server and client together): {peak_mb:,.0f} MB",
        "",
        "| Leads | Activity rows | Refresh | Requests | Reads | Writes | Largest request MB | Sent MB | Seconds |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['size']:,} | {r['activity']:,} | {r['run']} | {r['requests']} | {r['reads']} | "
                     f"{r['writes']} | {r['largest'] / 1e6:.2f} | {r['sent'] / 1e6:.2f} | {r['seconds']:.1f} |")
    sizes = sorted({r["size"] for r in rows})
    most = {n: max(r["requests"] for r in rows if r["size"] == n and r["run"] != "first") for n in sizes}
    routine = "; ".join(f"{most[n]} at {n:,} leads" for n in sizes)
    lines += ["", f"- Routine refreshes (the same day, the next day), requests at most: {routine}. The first refresh "
              "of "
              "a sheet writes every computed cell; those values go in requests under 2 MB each (Google's recommended "
              "maximum), so their number follows the bytes written. Largest request of the run: "
              f"{max(r['largest'] for r in rows) / 1e6:.2f} MB."]
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())

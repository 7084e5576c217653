"""Email-log sync benchmark (issue 7 acceptance): 1,000,000 events against 100,000 leads.

Builds 100,000 invented leads (in a MemoryStore, so the workbook's own load and save, measured by
benchmarks/refresh.py, are not counted twice) and 1,000,000 events in four real files:
    own log      100,000 lines  (one sent D1 email per lead)
    SendGrid     600,000 JSON lines (processed/delivered of those messages and of 50,000 more with custom args,
                 opens, 30% machine opens, clicks, bounces, unsubscribes, spam reports)
    Postmark     200,000 JSON lines (Delivery, Open, Click, Bounce for 50,000 messages)
    Mailgun      100,000 JSON lines (accepted, delivered, opened, clicked, failed)
then measures, in this process:
    (s) sync     read every file, match every event, dedupe, build the Activity rows (run_sync_email's work
                 before it appends and refreshes)
    (a) append   append those rows to the Activity sheet of the in-memory workbook
    (r) refresh  the refresh that follows (100,000 leads, the new ledger)
    (2) resync   the same sources again: every event a duplicate, no row added
and appends a dated section to benchmarks/RESULTS.md. Usage:

    python benchmarks/email_sync.py [--leads 100000] [--events 1000000] [--out benchmarks/out/email]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from leadtracker import schema  # noqa: E402
from leadtracker.commands import read_tables, run_refresh  # noqa: E402
from leadtracker.plan import parse_plan  # noqa: E402
from leadtracker.settings import parse_settings  # noqa: E402
from leadtracker.store import MemoryStore  # noqa: E402
from sync.email_logs.command import run_sync_email  # noqa: E402
from sync.email_logs.matching import KnownMessages, LeadIndex  # noqa: E402
from sync.email_logs.own_log import iter_log  # noqa: E402
from sync.email_logs.registry import ReadContext, resolve  # noqa: E402
from sync.email_logs.sync import Ledger, Sync  # noqa: E402

BASE = dt.datetime(2026, 11, 2, 13, 0, tzinfo=dt.timezone.utc)


def build_store(leads: int) -> MemoryStore:
    headers = ["Lead ID", "Owner Name", "Property Address", "City", "State", "ZIP", "Phone", "Email"]
    rows = [headers] + [[f"L-{i}", f"Owner {i}", f"{i} Test Lane", "Tampa", "FL", "33602", "(813) 555-0142",
                         f"owner{i}@example.com"] for i in range(leads)]
    settings = [["Setting", "Value"], ["Agent Email", "pat.agent@agent.example"], ["Time Zone", "America/New_York"]]
    return MemoryStore({"Leads": rows, "Activity": [[c.name for c in schema.ACTIVITY_COLUMNS]], "Settings": settings})


def write_sources(out: Path, leads: int, events: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    own, sendgrid, postmark, mailgun = (out / "MyLeads.email-log.jsonl", out / "sendgrid.jsonl",
                                        out / "postmark.jsonl", out / "mailgun.jsonl")
    budget = {"own": leads, "sendgrid": int(events * 0.6), "postmark": int(events * 0.2)}
    budget["mailgun"] = events - sum(budget.values())

    def stamp(minutes: float) -> dt.datetime:
        return BASE + dt.timedelta(minutes=minutes)

    with open(own, "w") as handle:
        for i in range(budget["own"]):
            handle.write(json.dumps({"v": 1, "time": stamp(i / 100).isoformat(), "event": "sent",
                                     "message_id": f"<d1.{i}@agent.example>", "lead_id": f"L-{i}",
                                     "to": f"owner{i}@example.com", "step": "D1",
                                     "subject": f"A note about {i} Test Lane"}) + "\n")
    with open(sendgrid, "w") as handle:
        written, n = 0, 0
        while written < budget["sendgrid"]:
            i = n % leads
            mid = f"d1.{i}" if n < leads else f"sg{n}"
            base = {"email": f"owner{i}@example.com", "sg_message_id": f"SG{n}.filter0001", "category": "pf"}
            if n >= leads:
                base.update(lead_id=f"L-{i}", step="N")
            kinds = ["processed", "delivered", "open"] + rng.choice([[], ["open"], ["click"], ["open", "click"]])
            roll = rng.random()
            if roll < 0.01:
                kinds = ["processed", "bounce"]
            elif roll < 0.015:
                kinds += ["unsubscribe"]
            elif roll < 0.016:
                kinds += ["spamreport"]
            for k, kind in enumerate(kinds):
                record = dict(base, event=kind, timestamp=int(stamp(n / 50 + k).timestamp()),
                              sg_event_id=f"e{n}-{k}")
                if kind in ("processed", "delivered", "bounce"):
                    record["smtp-id"] = f"<{mid}@agent.example>"
                if kind == "bounce":
                    record.update(type="bounce", status="5.1.1", reason="550 5.1.1 user unknown")
                if kind == "open":
                    record["sg_machine_open"] = rng.random() < 0.3
                if kind == "click":
                    record["url"] = "https://agent.example/cma"
                handle.write(json.dumps(record) + "\n")
                written += 1
                if written >= budget["sendgrid"]:
                    break
            n += 1
    with open(postmark, "w") as handle:
        written, n = 0, 0
        while written < budget["postmark"]:
            i = (n * 7) % leads
            for k, kind in enumerate(["Delivery", "Open", "Click", "Open"] if rng.random() > 0.01 else
                                     ["Bounce"]):
                field = {"Delivery": "DeliveredAt", "Open": "ReceivedAt", "Click": "ReceivedAt",
                         "Bounce": "BouncedAt"}[kind]
                record = {"RecordType": kind, "MessageID": f"pm-{n}", field: stamp(n / 20 + k).isoformat(),
                          "Recipient" if kind != "Bounce" else "Email": f"owner{i}@example.com",
                          "Metadata": {"lead_id": f"L-{i}", "step": "N"}, "MessageStream": "outbound"}
                if kind == "Bounce":
                    record.update(Type="HardBounce", ID=n)
                handle.write(json.dumps(record) + "\n")
                written += 1
                if written >= budget["postmark"]:
                    break
            n += 1
    with open(mailgun, "w") as handle:
        written, n = 0, 0
        while written < budget["mailgun"]:
            i = (n * 13) % leads
            for k, kind in enumerate(["accepted", "delivered", "opened", "clicked"]):
                record = {"event": kind, "id": f"mg{n}-{k}", "timestamp": stamp(n / 10 + k).timestamp(),
                          "recipient": f"owner{i}@example.com", "user-variables": {},
                          "message": {"headers": {"message-id": f"mg{n}@mg.agent.example", "subject": "Update"}}}
                handle.write(json.dumps(record) + "\n")
                written += 1
                if written >= budget["mailgun"]:
                    break
            n += 1
    return [own, sendgrid, postmark, mailgun]


def core_sync(store: MemoryStore, sources: list[Path]) -> Sync:
    """What run_sync_email does before it appends and refreshes."""
    tables = read_tables(store)
    settings, _ = parse_settings(tables.settings.canonical(schema.SETTINGS_COLUMNS))
    plan, _ = parse_plan(None)
    leads = LeadIndex.from_sheet(tables.leads)
    known = KnownMessages()
    ledger = Ledger(tables.activity, known, settings.zone)
    for item in iter_log(sources[0]):
        if getattr(item, "kind", None) == "sent":
            known.add(item.message_id, item.lead_id, item.step, item.provider_id)
    sync = Sync(leads, known, ledger, settings.zone, None)
    context = ReadContext(agent_addresses=frozenset({"pat.agent@agent.example"}))
    for source in sources:
        reader, target = resolve(str(source))
        for item in reader.extract(target, context):
            sync.add(item, reader.name)
    sync.finish(plan)
    return sync


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "email")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    sources = write_sources(args.out, args.leads, args.events)
    built = time.perf_counter() - started
    sizes = sum(p.stat().st_size for p in sources) / 1e6
    lines = sum(1 for p in sources for _ in open(p))
    store = build_store(args.leads)
    print(f"{lines:,} events in {len(sources)} files ({sizes:.0f} MB), {args.leads:,} leads; built in {built:.0f} s")

    t0 = time.perf_counter()
    sync = core_sync(store, sources)
    t_sync = time.perf_counter() - t0
    c = sync.counts
    print(f"(s) sync: {t_sync:.1f} s  read {c.read:,} matched {c.matched:,} new {c.new:,} duplicate "
          f"{c.duplicate:,} not recorded {c.not_recorded:,} unmatched {c.unmatched:,} rejected {c.rejected:,}")

    t0 = time.perf_counter()
    frame = pd.DataFrame(sync.rows, columns=[col.name for col in schema.ACTIVITY_COLUMNS])
    store.append_rows(schema.SHEET_ACTIVITY, schema.ACTIVITY_COLUMNS, frame, "Activity ID")
    t_append = time.perf_counter() - t0
    print(f"(a) append {len(frame):,} rows: {t_append:.1f} s")
    t0 = time.perf_counter()
    run_refresh(store, dt.date(2026, 11, 29))
    t_refresh = time.perf_counter() - t0
    print(f"(r) refresh: {t_refresh:.1f} s")

    t0 = time.perf_counter()
    report = run_sync_email(store, [str(p) for p in sources], None, today=dt.date(2026, 11, 29))
    t_again = time.perf_counter() - t0
    print(f"(2) resync, end to end incl. refresh: {t_again:.1f} s  new {report.counts.new:,} duplicate "
          f"{report.counts.duplicate:,}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB")
    if args.no_record:
        return
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    section = f"""
# Email-log sync benchmark (issue 7)

## {dt.datetime.now():%Y-%m-%d %H:%M}: {lines:,} events against {args.leads:,} leads

- Machine: `nproc` {os.cpu_count()}, {platform.platform()}, Python {platform.python_version()}, pandas {pd.__version__}; code at commit {commit} (plus uncommitted work in the tree); other engineers share the 2 cores
- Command: `python benchmarks/email_sync.py --leads {args.leads} --events {args.events}`
- Input: 4 files, {sizes:.0f} MB: own log {args.leads:,} lines; SendGrid 60%, Postmark 20%, Mailgun the rest (JSON lines; processed/delivered, opens with 30% machine opens, clicks, bounces, unsubscribes, spam reports). Leads in a MemoryStore (the workbook's own load and save are in the refresh benchmark above).

| Stage | Seconds | Result |
|---|---:|---|
| (s) sync: read, match, dedupe, build rows | {t_sync:.1f} | read {c.read:,}, matched {c.matched:,}, new rows {c.new:,}, duplicate {c.duplicate:,}, not recorded {c.not_recorded:,}, unmatched {c.unmatched:,}, rejected {c.rejected:,} |
| (a) append the rows to Activity (memory) | {t_append:.1f} | {len(frame):,} rows |
| (r) refresh that follows | {t_refresh:.1f} | {args.leads:,} leads |
| (2) the same sources again, end to end with refresh | {t_again:.1f} | new {report.counts.new:,}, duplicate {report.counts.duplicate:,} |

- 1,000,000 events against 100,000 leads in under 60 s (stage s): **{"met" if t_sync < 60 else "NOT met"}** ({t_sync:.1f} s). Peak RSS {peak:,.0f} MB.
"""
    with open(ROOT / "benchmarks" / "RESULTS.md", "a") as handle:
        handle.write(section)
    print("Appended to benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()

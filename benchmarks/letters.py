"""Letters benchmark (issue 6 acceptance): 1,000 letters as .docx in under 60 s, and the PDF conversion rate.

Builds 1,000 invented leads of every owner kind (households, different surnames, estates, trusts, companies) with
comps, stories and histories, in a MemoryStore (the workbook's own load and save are measured by
benchmarks/refresh.py), then measures, in this process:
    (d) docx     `run_letters` for all 1,000 leads, 125 per template (d1_intro ... reengage, named leads with
                 --step), end to end: reading and refreshing the workbook, contexts (CMA comps, timeline, net sheet,
                 meeting times), rendering each .docx, labels, mailing CSV, Activity rows
    (p) pdf      the same 1,000 letters to one print-ready PDF through LibreOffice headless (letters_pdf: one
                 soffice process per 150 letters, then pypdf joins them), pages and letters per second
and appends a dated section to benchmarks/RESULTS.md. Usage:

    python benchmarks/letters.py [--letters 1000] [--out benchmarks/out/letters] [--no-pdf]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from document_builders import TODAY, base_lead, comps_rows, stories_rows, touch, workbook  # noqa: E402

from leadtracker.documents.command import run_letters  # noqa: E402
from leadtracker.documents.pdf import find_soffice, letters_pdf  # noqa: E402

STEPS = ("D1", "D3", "D4", "D5", "D6", "D7", "N", "R")
FIRST = ("Alden", "Bettina", "Corwin", "Delphine", "Emmett", "Florencia", "Gideon", "Harriet", "Ignatius",
         "Josefina", "Kellan", "Lavinia", "Marcellus", "Nerissa", "Oren", "Philippa")
LAST = ("Ashgrove", "Brackenridge", "Culverhouse", "Dunmore", "Everhart", "Fairbrook", "Galloway", "Hollinsworth",
        "Ingleby", "Jessup", "Kettleby", "Larkspur", "Merriweather", "Northcott", "Oakhaven", "Pemberton")
STATES = (("FL", "Tampa", "33602"), ("TX", "Austin", "78704"), ("CA", "Sacramento", "95814"),
          ("AZ", "Phoenix", "85004"), ("GA", "Atlanta", "30303"), ("MI", "Detroit", "48201"),
          ("WA", "Seattle", "98101"), ("NJ", "Newark", "07102"), ("OH", "Columbus", "43215"))


def owner(i: int) -> dict[str, object]:
    first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    other = FIRST[(i + 5) % len(FIRST)]
    kind = i % 6
    if kind == 0:
        return {"Owner Name": f"{last.upper()} {first.upper()} A & {other.upper()} B"}
    if kind == 1:
        return {"Owner Name": f"{first} {last}", "Co-Owner Name": f"{other} {LAST[(i + 3) % len(LAST)]}"}
    if kind == 2:
        return {"Owner Name": f"ESTATE OF {first.upper()} {last.upper()}"}
    if kind == 3:
        return {"Owner Name": f"{last.upper()} FAMILY LIVING TRUST", "Co-Owner Name": f"{last.upper()} {other.upper()} TR"}
    if kind == 4:
        return {"Owner Name": f"{last.upper()} HOLDINGS LLC"}
    return {"Owner Name": f"{first} {last}"}


def history(lead_id: str, step: str) -> list[dict[str, object]]:
    """Activity that makes `step` the lead's due step today (letters on letter steps, calls on call steps)."""
    order = ["D1", "D2", "D3", "D4", "D5", "D6", "D7"]
    if step == "R":
        return [touch(lead_id, "D1", 100), touch(lead_id, "D2", 99, "Call", "Spoke"),
                touch(lead_id, None, 91, "Call", "Not Ready")]
    done = order if step == "N" else order[:order.index(step)]
    start = 30 if step == "N" else len(done) + 1
    return [touch(lead_id, code, start - k, "Call" if code in ("D2", "D4", "D6") else "Letter",
                  "Spoke" if code in ("D2", "D4", "D6") else "Sent") for k, code in enumerate(done)]


def build(letters: int):
    """Leads whose due step today is spread evenly over the eight letter templates."""
    leads, activity = [], []
    for i in range(letters):
        state, city, zip_code = STATES[i % len(STATES)]
        step = STEPS[i % len(STEPS)]
        extra = owner(i)
        extra["Email"] = None  # letters, not emails: the email steps fall to a letter
        if step in ("D4", "D6", "N"):
            extra["Phone"] = None  # the call steps and the nurture call fall to a letter
        if i % 4 == 1:
            extra.update({"Mailing Address": f"{200 + i} Harbor Point Blvd Apt {i % 9 + 1}", "Mailing City": "Miami",
                          "Mailing State": "FL", "Mailing ZIP": "33101"})
        lead_id = f"B-{i + 1:04d}"
        leads.append(base_lead(lead_id, extra.pop("Owner Name"), State=state, City=city, ZIP=zip_code,
                               **{"Property Address": f"{1000 + i} Juniper Glen Rd", **extra}))
        activity += history(lead_id, step)
    return workbook(leads, activity, comps=comps_rows(), stories=stories_rows())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "letters")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    store = build(args.letters)
    started = time.perf_counter()
    report = run_letters(store, args.out / "MyLeads.xlsx", args.out, today=TODAY)
    paths = report.letters
    assert not report.skipped, report.skipped[:3]
    docx_seconds = time.perf_counter() - started
    size_mb = sum(p.stat().st_size for p in paths) / 1e6
    counts: dict[str, int] = {}
    for path in paths:
        template = path.stem.split("_", 3)[3]
        counts[template] = counts.get(template, 0) + 1
    by_template = ", ".join(f"{name} {n}" for name, n in counts.items())
    print(f"(d) {len(paths):,} letters as .docx in {docx_seconds:.1f} s ({len(paths) / docx_seconds:.1f} a second)")
    pdf_line = "not measured (--no-pdf)"
    if not args.no_pdf:
        if find_soffice() is None:
            pdf_line = "not measured: LibreOffice is not installed"
        else:
            version = subprocess.run([find_soffice(), "--version"], capture_output=True, text=True).stdout.strip()
            started = time.perf_counter()
            pages = letters_pdf(paths, args.out / "letters.pdf")
            pdf_seconds = time.perf_counter() - started
            pdf_line = (f"{len(paths):,} letters, {pages:,} pages in {pdf_seconds:.1f} s: "
                        f"{len(paths) / pdf_seconds:.1f} letters and {pages / pdf_seconds:.1f} pages a second "
                        f"({version or 'LibreOffice'})")
            print(f"(p) {pdf_line}")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    met = "**met**" if docx_seconds < 60 and len(paths) >= 1000 else "**NOT met**"
    section = f"""
## Letters benchmark ({dt.datetime.now():%Y-%m-%d %H:%M}): {len(paths):,} letters

- Machine: `nproc` {os.cpu_count()}, {platform.platform()}, Python {platform.python_version()}; code at commit {commit} (plus uncommitted work in the tree); other engineers share the 2 cores
- Command: `python benchmarks/letters.py --letters {args.letters}`
- Data: {args.letters:,} invented leads (households in recorder order, different surnames, estates, trusts with trustees, LLCs, plain names; a quarter absentee) in 9 states, 6 comps, 2 stories, and Activity histories that make the letter due today spread evenly over the {len(STEPS)} templates ({", ".join(STEPS)}); one `run_letters(store, ..., today={TODAY})` on a MemoryStore, as `leadtracker letters` runs
- (d) .docx end to end (read + refresh of the workbook, contexts with CMA comps, timeline, net sheet and meeting times, render, labels, mailing CSV, Activity rows, refresh after): **{docx_seconds:.1f} s** for {len(paths):,} letters ({len(paths) / docx_seconds:.1f} a second, {size_mb:.0f} MB); by template: {by_template}; target under 60 s: {met}
- (p) PDF through LibreOffice headless (batches of 150 per soffice process, joined with pypdf): {pdf_line}
"""
    with open(ROOT / "benchmarks" / "RESULTS.md", "a") as handle:
        handle.write(section)
    print("Appended to benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()

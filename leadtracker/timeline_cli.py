"""`leadtracker timeline STATE --default-date D [...]`: print each computed date with its rule and source.

Wired into the main CLI by `add_parser(subparsers)`; also runs alone: `python -m leadtracker.timeline_cli TX ...`.
"""

from __future__ import annotations

import argparse
import sys
import textwrap

import pandas as pd

from .deadlines import compute_deadlines, fmt_date
from .rules import rules_for
from .timeline import lead_timeline
from .values import parse_dates

DATE_OPTIONS = (("--default-date", "Default Date", "due date of the first missed payment"),
                ("--notice-date", "Notice Date", "first public foreclosure step (NOD, notice of sale, ...)"),
                ("--filing-date", "Filing Date", "foreclosure filing / lis pendens"),
                ("--sale-date", "Sale Date", "scheduled auction"))


def _configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("state", metavar="STATE", help="two-letter state code, e.g. TX (DC included)")
    for flag, _, help_text in DATE_OPTIONS:
        parser.add_argument(flag, metavar="DATE", help=help_text)
    parser.add_argument("--today", metavar="DATE", help="count from this day instead of today")
    parser.set_defaults(func=run)
    return parser


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `timeline` subcommand to the main CLI's subparsers."""
    parser = subparsers.add_parser(
        "timeline", help="show a lead's foreclosure dates with the rule and source behind each",
        description="Show each foreclosure date for a lead with its rule and source. Estimates are marked.")
    return _configure(parser)


def _parse(text: str | None, label: str) -> tuple[pd.Timestamp | None, str | None]:
    if text is None:
        return None, None
    parsed = parse_dates(pd.Series([text], dtype=object), label)
    value = parsed.values.iloc[0]
    return (None if pd.isna(value) else pd.Timestamp(value)), parsed.issues.iloc[0]


def run(args: argparse.Namespace, out=None) -> int:
    """Print the timeline; 0 when done, 2 when an input cannot be read."""
    out = out or sys.stdout
    rules = rules_for(args.state)
    if rules is None:
        print(f"'{args.state}' is not a US state code (use the two-letter code, like TX or DC).", file=out)
        return 2
    dates: dict[str, pd.Timestamp | None] = {}
    for flag, label, _ in DATE_OPTIONS + (("--today", "Today", ""),):
        value, problem = _parse(getattr(args, flag.lstrip("-").replace("-", "_")), label)
        if problem:
            print(problem, file=out)
            return 2
        dates[label] = value
    today = dates.pop("Today") or pd.Timestamp.today().normalize()
    lead = pd.DataFrame({"State": [rules.code], **{k: [v if v is not None else pd.NaT] for k, v in dates.items()}})
    for column in dates:
        lead[column] = lead[column].astype("datetime64[ns]")
    row = compute_deadlines(lead, today).iloc[0]

    print(f"{rules.name} ({rules.code}) - {rules.process.text} [{rules.process.confidence} confidence]", file=out)
    print(f"Today: {fmt_date(today)}", file=out)
    if row["_deadline_issue"]:
        print(f"Problem: {row['_deadline_issue']}", file=out)
    print("", file=out)
    table = lead_timeline(rules.code, today, dates["Default Date"], dates["Notice Date"], dates["Filing Date"],
                          dates["Sale Date"])
    for _, step in table.iterrows():
        when = "no date" if pd.isna(step["Date"]) else fmt_date(step["Date"])
        mark = " (ESTIMATE)" if step["Estimate"] else ""
        print(f"{when:>17}  {step['Stage']}{mark}", file=out)
        for line in textwrap.wrap(step["What it means"], 90):
            print(f"{'':19}{line}", file=out)
        print(f"{'':19}Source: {step['Source']}", file=out)
    if pd.notna(row["Days to Sale"]):
        kind = "estimated " if row["_sale_estimated"] else ""
        print(f"\nDays to the {kind}sale: {int(row['Days to Sale'])}", file=out)
    note = str(row["Timeline Note"])  # the sheet's wording; here the problem is printed above, not in Data Issues
    print("\nNote: " + (note.replace(" (see Data Issues)", " (the problem above)") if row["_deadline_issue"] else note),
          file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _configure(argparse.ArgumentParser(prog="leadtracker timeline",
                                                description="Show a lead's foreclosure dates with rules and sources."))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())

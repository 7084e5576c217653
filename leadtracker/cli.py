"""The leadtracker command: parse the arguments, open the store, run one command, print. Errors are caught in
one place and shown as one sentence with a non-zero exit, never a traceback.

Examples:
    leadtracker new MyLeads.xlsx
    leadtracker refresh MyLeads.xlsx --today 2026-11-30
    leadtracker today MyLeads.xlsx
    leadtracker refresh gsheet:https://docs.google.com/spreadsheets/d/KEY/edit
    leadtracker watch gsheet:KEY --every 5m
    leadtracker demo
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .errors import LeadTrackerError, UsageError

WORKBOOK_HELP = "the tracker workbook (.xlsx), or gsheet:<link or key> for a shared Google Sheet"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def _moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a moment in the form YYYY-MM-DDTHH:MM "
                                         "(for example 2026-11-30T08:15)") from None


def _add_when(command: argparse.ArgumentParser) -> None:
    """--today D (that date at 9:00 AM) or --now YYYY-MM-DDTHH:MM (your local time, zone from Settings)."""
    when = command.add_mutually_exclusive_group()
    when.add_argument("--today", type=_date, help="as of this date (YYYY-MM-DD), at 9:00 AM your time")
    when.add_argument("--now", type=_moment, help="as of this moment, your local time (YYYY-MM-DDTHH:MM); "
                                                  "calling hours are checked in each homeowner's time zone")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadtracker",
        description="A follow-up system inside your lead spreadsheet: stages, next steps, due dates and a "
                    "Today list for every preforeclosure lead.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    new = sub.add_parser("new", help="create a new tracker workbook from the template",
                         description="Create a new tracker workbook from the template. Example: "
                                     "leadtracker new MyLeads.xlsx")
    new.add_argument("path", type=Path, help="the .xlsx file to create, or gsheet:<link or key> to lay out "
                                              "an empty Google Sheet")

    refresh = sub.add_parser("refresh", help="recompute every lead row, Today and Dashboard",
                             description="Recompute the computed columns of every lead, move quick-log entries "
                                         "to Activity, and rebuild Today and Dashboard. Example: "
                                         "leadtracker refresh MyLeads.xlsx --today 2026-11-30")
    refresh.add_argument("workbook", help=WORKBOOK_HELP)
    _add_when(refresh)

    today = sub.add_parser("today", help="print today's contacts (changes nothing)",
                           description="Print the Today list without changing the workbook. Example: "
                                       "leadtracker today MyLeads.xlsx")
    today.add_argument("workbook", help=WORKBOOK_HELP)
    _add_when(today)

    lead_list = sub.add_parser(
        "import", help="add a vendor lead list (CSV or .xlsx) to the Leads sheet without duplicates",
        description="Add the leads of a vendor list (PropStream, PropertyRadar, BatchLeads/BatchData, DealMachine, "
                    "LeadList.Pro-style, or any list with recognisable headers) to the workbook. A house already on "
                    "the sheet is not added again: its blank cells are filled and the vendor's facts (sale date, "
                    "balance, notice dates) updated, never a value you typed. Then the workbook is refreshed, so new "
                    "leads are at the top of Today. Example: leadtracker import week12.csv --into MyLeads.xlsx")
    lead_list.add_argument("file", help="the vendor's list (.csv, .txt or .xlsx)")
    lead_list.add_argument("--into", required=True, metavar="WORKBOOK", help=WORKBOOK_HELP)
    lead_list.add_argument("--vendor", help="the list's vendor, when the file is not recognised or is claimed by "
                                            "two (propstream, propertyradar, batchleads, dealmachine, leadlist, "
                                            "generic)")
    lead_list.add_argument("--dry-run", action="store_true", help="report what would change; change nothing")
    lead_list.add_argument("--no-refresh", action="store_true", help="import only; refresh later")
    lead_list.add_argument("--today", type=_date, help="import and refresh as of this date (YYYY-MM-DD)")

    demo = sub.add_parser("demo", help="write a demo workbook of invented leads, refresh it, print Today",
                          description="Write a realistic demo workbook of about 50 invented leads with some "
                                      "history, refresh it, and print Today. Example: leadtracker demo")
    demo.add_argument("directory", nargs="?", type=Path, default=Path("leadtracker-demo"),
                      help="folder for the demo workbook (default: ./leadtracker-demo)")
    demo.add_argument("--today", type=_date, help="as of this date (YYYY-MM-DD)")

    sync_email = sub.add_parser(
        "sync-email", help="bring outbound email logs into the Activity sheet",
        description="Read email logs (this tool's own log, SendGrid, Mailgun, Postmark, Mailchimp, YAMM or "
                    "Mailmeteor merge status, an mbox such as Gmail Takeout, a folder of .eml files, an Outlook CSV "
                    "export, or an IMAP Sent folder), match each event to a lead, add it to Activity, then refresh. "
                    "Syncing the same logs again adds nothing. Example: leadtracker sync-email own "
                    "sendgrid-events.json Sent.mbox --into MyLeads.xlsx")
    sync_email.add_argument("sources", nargs="+", metavar="SOURCE",
                            help="a log file or folder; 'own' for this tool's log beside the workbook; 'imap:' for "
                                 "the IMAP Sent folder on the Settings sheet (or imaps://you@host/Sent); "
                                 "KIND:PATH to name the format")
    sync_email.add_argument("--into", required=True, metavar="WORKBOOK", help=WORKBOOK_HELP)
    sync_email.add_argument("--since", type=_date, help="only events on or after this date (YYYY-MM-DD)")
    sync_email.add_argument("--today", type=_date, help="refresh as of this date (YYYY-MM-DD)")

    comps = sub.add_parser("import-comps", help="add an MLS export (CSV or .xlsx) to the Comps sheet",
                           description="Append the rows of an MLS export or sales file to the workbook's Comps "
                                       "sheet (columns matched by name; rows already there are skipped). Example: "
                                       "leadtracker import-comps sold_last_year.csv --into MyLeads.xlsx")
    comps.add_argument("file", help="the export (.csv or .xlsx)")
    comps.add_argument("--into", required=True, metavar="WORKBOOK", help=WORKBOOK_HELP)

    cma = sub.add_parser("cma", help="value a file of homes from a file of comps (low, mid, high)",
                         description="Write one row per subject home with its CMA low, mid and high, confidence, "
                                     "number of comps and comp ids. A subject's 'As Of' column, else --as-of, else "
                                     "today, is the date it is valued at; sales on or after it are never used. "
                                     "Example: leadtracker cma homes.csv --comps sales.csv --out values.csv")
    cma.add_argument("subjects", help="the homes to value (.csv or .xlsx)")
    cma.add_argument("--comps", required=True, help="sales and listings to use as comps (.csv or .xlsx)")
    cma.add_argument("--out", required=True, help="the CSV file to write")
    cma.add_argument("--as-of", type=_date, dest="as_of", help="value as of this date (YYYY-MM-DD)")

    from . import timeline_cli

    timeline_cli.add_parser(sub)

    from addin import cli as addin_cli

    addin_cli.add_parser(sub)

    from .documents import cli as documents_cli

    documents_cli.add_parsers(sub)

    from sync import gsheet_cli

    gsheet_cli.add_parsers(sub)
    return parser


def run(args: argparse.Namespace) -> int:
    from . import commands

    if args.command == "new":
        if str(args.path).startswith("gsheet:"):
            from sync import gsheet_cli

            print(gsheet_cli.init(str(args.path)))
            return 0
        print(commands.new_workbook(args.path))
        return 0
    if args.command == "refresh":
        report = commands.run_refresh(commands.open_store(args.workbook), args.now or args.today,
                                      commands.stderr_progress)
        for message in report.messages:
            print(message)
        print(report.summary)
        print(report.saved)
        return 0
    if args.command == "today":
        result = commands.compute_today(commands.open_store(args.workbook, read_only=True), args.now or args.today)
        print(commands.format_today(result.today))
        return 0
    if args.command == "import":
        from .importers.command import import_into_workbook, refresh_after_import

        now = dt.datetime.combine(args.today, dt.time(9, 0)) if args.today else None
        refresh_next = not (args.no_refresh or args.dry_run)
        report = import_into_workbook(args.into, args.file, vendor=args.vendor, dry_run=args.dry_run, now=now,
                                      refresh_next=refresh_next, progress=commands.stderr_progress)
        print(report.summary(), flush=True)
        if refresh_next:
            refreshed = refresh_after_import(args.into, now, commands.stderr_progress)
            for message in refreshed.messages:
                print(message)
            print(refreshed.summary)
            print(refreshed.saved)
        return 0
    if args.command == "demo":
        from .demo import write_demo_workbook

        directory: Path = args.directory
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "LeadTracker-demo.xlsx"
        today = args.today or dt.date.today()
        if path.exists():
            path.unlink()
        write_demo_workbook(path, today)
        report = commands.run_refresh(commands.open_store(str(path)), today, commands.stderr_progress)
        print(f"Demo workbook: {path}")
        print(report.summary)
        print()
        print(commands.format_today(report.result.today))
        return 0
    if args.command == "sync-email":
        from sync.email_logs.command import format_report, run_sync_email

        report = run_sync_email(commands.open_store(args.into), args.sources, args.into, args.since, args.today,
                                commands.stderr_progress)
        print(format_report(report))
        for message in report.refresh.messages:
            print(message)
        print(report.refresh.summary)
        print(report.refresh.saved)
        return 0
    if args.command == "import-comps":
        report = commands.import_comps(commands.open_store(args.into), args.file)
        for problem in report.problems:
            print(problem)
        print(report.summary(Path(args.file).name))
        print(report.saved)
        return 0
    if args.command == "cma":
        report = commands.value_subjects(args.subjects, args.comps, args.out, args.as_of)
        for problem in report.problems:
            print(problem)
        print(report.summary())
        return 0
    if args.command in ("gsheet", "watch"):
        from sync import gsheet_cli

        return gsheet_cli.run(args)
    if args.command in ("letters", "emails"):
        from .documents import cli as documents_cli

        return documents_cli.run(args)
    if args.command == "addin":
        from addin import cli as addin_cli

        return addin_cli.run(args)
    if args.command == "timeline":
        from . import timeline_cli

        return timeline_cli.run(args)
    raise UsageError(f"unknown command {args.command!r}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run(args)
    except LeadTrackerError as error:
        print(f"leadtracker: {error}", file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(f"leadtracker: {error.filename or error} was not found.", file=sys.stderr)
        return 2
    except PermissionError as error:
        print(f"leadtracker: permission denied for {error.filename or error}; is it open in another program?",
              file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and cut short: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(interrupted_message(args), file=sys.stderr)
        return 130


def interrupted_message(args: argparse.Namespace) -> str:
    """What Ctrl+C left behind. A workbook file is only ever replaced whole, so it is as it was; a Google Sheet is
    written in several requests, so it may be partly updated, and running the command again finishes the job."""
    sent = " Emails already sent with --send are in the outbound log, and the next run records them."
    if any(isinstance(value, str) and value.startswith("gsheet:") for value in vars(args).values()):
        return ("leadtracker: stopped. The Google Sheet may be partly updated: run the same command again to finish "
                "(a refresh is safe to repeat, and no Activity row is added twice)." + sent)
    return "leadtracker: stopped before saving; the workbook was not changed." + sent.replace(
        "outbound log,", "outbound log beside it,")


if __name__ == "__main__":
    sys.exit(main())

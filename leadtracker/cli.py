"""The leadtracker command: parse the arguments, open the store, run one command, print. Errors are caught in
one place and shown as one sentence with a non-zero exit, never a traceback.

Examples:
    leadtracker new MyLeads.xlsx
    leadtracker refresh MyLeads.xlsx --today 2026-11-30
    leadtracker today MyLeads.xlsx
    leadtracker demo
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .errors import LeadTrackerError, UsageError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


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
    new.add_argument("path", type=Path, help="the .xlsx file to create")

    refresh = sub.add_parser("refresh", help="recompute every lead row, Today and Dashboard",
                             description="Recompute the computed columns of every lead, move quick-log entries "
                                         "to Activity, and rebuild Today and Dashboard. Example: "
                                         "leadtracker refresh MyLeads.xlsx --today 2026-11-30")
    refresh.add_argument("workbook", help="the tracker workbook (.xlsx)")
    refresh.add_argument("--today", type=_date, help="compute as of this date (YYYY-MM-DD), at 9:00 AM")

    today = sub.add_parser("today", help="print today's contacts (changes nothing)",
                           description="Print the Today list without changing the workbook. Example: "
                                       "leadtracker today MyLeads.xlsx")
    today.add_argument("workbook", help="the tracker workbook (.xlsx)")
    today.add_argument("--today", type=_date, help="as of this date (YYYY-MM-DD)")

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
    sync_email.add_argument("--into", required=True, metavar="WORKBOOK", help="the tracker workbook (.xlsx)")
    sync_email.add_argument("--since", type=_date, help="only events on or after this date (YYYY-MM-DD)")
    sync_email.add_argument("--today", type=_date, help="refresh as of this date (YYYY-MM-DD)")

    from . import timeline_cli

    timeline_cli.add_parser(sub)

    from addin import cli as addin_cli

    addin_cli.add_parser(sub)
    return parser


def run(args: argparse.Namespace) -> int:
    from . import commands

    if args.command == "new":
        print(commands.new_workbook(args.path))
        return 0
    if args.command == "refresh":
        report = commands.run_refresh(commands.open_store(args.workbook), args.today, commands.stderr_progress)
        for message in report.messages:
            print(message)
        print(report.summary)
        print(report.saved)
        return 0
    if args.command == "today":
        result = commands.compute_today(commands.open_store(args.workbook, read_only=True), args.today)
        print(commands.format_today(result.today))
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
        print("leadtracker: stopped; nothing was saved.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""The `letters` and `emails` subcommands, added to the main CLI by `add_parsers(subparsers)`."""

from __future__ import annotations

import argparse
import datetime as dt


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", help="the tracker workbook (.xlsx)")
    parser.add_argument("--out", required=True, metavar="DIR", help="the folder to write into (made if needed)")
    parser.add_argument("--step", action="append", default=[], metavar="STEP",
                        help="only this plan step (D1, D3, ..., N, R); with --lead, this step's document for them")
    parser.add_argument("--lead", action="append", default=[], metavar="ID", nargs="+",
                        help="only these leads (Lead IDs), whether or not their step is due today")
    parser.add_argument("--today", type=_date, help="as of this date (YYYY-MM-DD)")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    letters = sub.add_parser(
        "letters", help="write every letter due today (Word files, labels, mailing list; --pdf for one PDF)",
        description="Write every letter due today as a Word file an agent can edit, an Avery 5160 label sheet and a "
                    "mailing list (CSV), and record each letter on the Activity sheet. With --pdf, also one "
                    "print-ready PDF of all of them (needs LibreOffice). Running it again the same day records "
                    "nothing twice. Example: leadtracker letters MyLeads.xlsx --out Letters --pdf")
    _common(letters)
    letters.add_argument("--pdf", action="store_true", help="also write one combined, print-ready PDF")

    emails = sub.add_parser(
        "emails", help="write every email due today as a draft (.eml), or --send them; text-message drafts",
        description="Write every email due today as a draft (.eml, opens in Outlook or Apple Mail), or send them "
                    "with --send through the mail server on the Settings sheet (password from the "
                    "LEADTRACKER_SMTP_PASSWORD environment variable or the system keyring). Leads who asked not to "
                    "be emailed, unsubscribed or bounced are skipped and listed. Also writes short drafts for the "
                    "texts due today. Example: leadtracker emails MyLeads.xlsx --out Emails --send")
    _common(emails)
    emails.add_argument("--send", action="store_true", help="send now instead of writing drafts")


def run(args: argparse.Namespace) -> int:
    from ..commands import open_store, run_emails, run_letters, stderr_progress

    steps = tuple(s.strip().upper() if s.strip().upper() not in ("MEETING",) else "Meeting" for s in args.step)
    steps = tuple("N" if s == "NURTURE" else "R" if s in ("REENGAGE", "RE-ENGAGE") else s for s in steps)
    leads = tuple(i for group in args.lead for i in group)
    store = open_store(args.workbook)
    if args.command == "letters":
        report = run_letters(store, args.out, steps, leads, args.pdf, args.today, stderr_progress, args.workbook)
    else:
        report = run_emails(store, args.out, args.send, steps, leads, args.today, stderr_progress, args.workbook)
    from .command import format_emails, format_letters

    print(format_letters(report) if args.command == "letters" else format_emails(report))
    if report.refresh is not None:
        for message in report.refresh.messages:
            print(message)
        print(report.refresh.summary)
        print(report.refresh.saved)
    return 0

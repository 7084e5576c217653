"""The Google Sheets subcommands: `gsheet init`, `gsheet credentials` and `watch`. Imported by leadtracker/cli.py
when it builds its parser; gspread itself is imported only when a command runs."""

from __future__ import annotations

import argparse


def add_parsers(sub) -> None:
    gsheet = sub.add_parser("gsheet", help="set up a team's shared Google Sheet",
                            description="Set up a team's shared Google Sheet. Examples: leadtracker gsheet init "
                                        "gsheet:https://docs.google.com/spreadsheets/d/KEY/edit ; leadtracker gsheet "
                                        "credentials ~/Downloads/lead-sync-key.json")
    actions = gsheet.add_subparsers(dest="gsheet_command", metavar="ACTION")
    actions.required = True
    init = actions.add_parser("init", help="lay the tracker out in an empty Google Sheet",
                              description="Lay the tracker out in an empty Google Sheet shared with the service "
                                          "account: every sheet of the template, headers, dropdowns, highlights, "
                                          "frozen headers, computed columns protected with a warning, Settings with "
                                          "a Refresh now checkbox. Example: leadtracker gsheet init gsheet:KEY")
    init.add_argument("sheet", help="gsheet:<the sheet's link or key>")
    credentials = actions.add_parser("credentials", help="remember the service-account key file for this user",
                                     description="Copy a Google service-account key file (JSON) to this user's "
                                                 "settings folder (readable by you only), so gsheet: targets work "
                                                 "without LEADTRACKER_GOOGLE_CREDENTIALS. Example: leadtracker gsheet "
                                                 "credentials ~/Downloads/lead-sync-key.json")
    credentials.add_argument("key_file", help="the service account's JSON key file")

    watch = sub.add_parser("watch", help="keep a shared Google Sheet refreshed (the team's sync)",
                           description="Refresh a shared Google Sheet every few minutes, and within seconds when a "
                                       "teammate ticks Refresh now on the Settings sheet. Runs until Ctrl+C. "
                                       "Example: leadtracker watch gsheet:KEY --every 5m")
    watch.add_argument("sheet", help="gsheet:<the sheet's link or key>")
    watch.add_argument("--every", default="5m", help="time between refreshes, like 5m, 90s or 1h (default 5m)")
    watch.add_argument("--poll", default="10s", help="how often to look at the Refresh now box (default 10s)")


def run(args: argparse.Namespace) -> int:
    from leadtracker.errors import UsageError

    if args.command == "watch":
        from .gsheet_watch import parse_duration, watch

        _require_gsheet(args.sheet)
        try:
            return watch(args.sheet, parse_duration(args.every), parse_duration(args.poll))
        except KeyboardInterrupt:
            print("Stopped watching.")
            return 0
    if args.gsheet_command == "init":
        print(init(args.sheet))
        return 0
    if args.gsheet_command == "credentials":
        from .gsheet_client import save_credentials

        path = save_credentials(args.key_file)
        print(f"Saved the service-account key to {path} (readable by you only). gsheet: targets now use it unless "
              "LEADTRACKER_GOOGLE_CREDENTIALS names another key.")
        return 0
    raise UsageError(f"unknown gsheet action {args.gsheet_command!r}")


def init(target: str) -> str:
    from .gsheet_client import connect, parse_target
    from .gsheet_layout import init_sheet

    _require_gsheet(target)
    return init_sheet(connect(), parse_target(target))


def _require_gsheet(target: str) -> None:
    from leadtracker.errors import UsageError

    if not str(target).startswith("gsheet:"):
        raise UsageError(f"{target!r} is not a Google Sheet: write gsheet: followed by the sheet's link or key. "
                         "(For a workbook file, use leadtracker refresh.)")

"""`leadtracker addin build|install`: the command-line side of the Excel add-in (wired into leadtracker/cli.py)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    addin = sub.add_parser("addin", help="build or install the Excel ribbon add-in (LeadTracker.xlam)",
                           description="The Lead Tracker tab for Excel on Windows and Mac. Examples: "
                                       "leadtracker addin build --out dist; leadtracker addin install")
    actions = addin.add_subparsers(dest="addin_command", metavar="ACTION")
    actions.required = True
    build = actions.add_parser("build", help="write LeadTracker.xlam (works on any computer, Linux included)",
                               description="Write LeadTracker.xlam: the ribbon, its VBA (as source) and the "
                                           "xlwings module from the installed xlwings. Example: "
                                           "leadtracker addin build --out dist")
    build.add_argument("--out", type=Path, default=Path("."), metavar="DIR",
                       help="folder to write LeadTracker.xlam into (default: the current folder)")
    install = actions.add_parser("install", help="install the add-in into Excel and point it at this Python",
                                 description="Build the add-in, put it in Excel's startup folder, set the Python "
                                             "it runs, and print what is left to do. Example: "
                                             "leadtracker addin install")
    install.add_argument("--startup-dir", type=Path, metavar="DIR",
                         help="install into this folder instead of asking Excel for its startup folder")


def run(args: argparse.Namespace) -> int:
    if args.addin_command == "build":
        from .build import build_xlam

        path = build_xlam(args.out)
        print(f"Wrote {path} ({path.stat().st_size:,} bytes). Install it on a computer with Excel with: "
              "leadtracker addin install")
        return 0
    from .install import install

    print(install(args.startup_dir))
    return 0

"""What the Lead Tracker ribbon buttons do: `on_click(id)`, called by the VBA dispatcher through xlwings' RunPython.

Each button maps, through the one table BUTTONS, to the same command function the CLI calls (named as
"module:function"), and to a small runner that hands it the store and whatever the button asked for (a file, an
output folder). The store is XlwingsStore over the workbook in front of the user (`xw.Book.caller()`).

Every outcome ends in one message box: the command's report, or one plain sentence saying what went wrong and what
to do. A button whose command is not in this version says so plainly; wiring it later is one row of BUTTONS.
The progress of long runs shows in Excel's status bar.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import logging
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from leadtracker.errors import LeadTrackerError, UsageError

# The xlwings calls the ribbon makes besides the store's (XLWINGS_API): all in classic xlwings, where RunPython
# runs. Pinned with the store's list by tests/test_xlwings_store.py. (The file dialogs in addin/dialogs.py use
# Excel's own dialog through classic xlwings' `app.api` on Windows and AppleScript on the Mac; they are outside
# this list because no double can stand in for them: addin/README.md has their manual check.)
RIBBON_API = {
    "Book": ("app", "fullname"),
    "App": ("alert", "status_bar="),
}
TITLE = "Lead Tracker"
MESSAGE_LIMIT = 900  # Excel's message box shows about 1,024 characters
LOG_FILE = Path.home() / ".leadtracker" / "leadtracker.log"


@dataclass(frozen=True)
class FileRequest:
    """A file dialog: its title, the kinds of file it offers, whether several files may be chosen."""

    title: str
    kinds: tuple[str, ...]
    description: str
    multiple: bool = False


@dataclass
class Click:
    """What a runner gets: the workbook, the store over it, and what the user chose."""

    book: Any
    store: Any
    files: list[Path]
    today: dt.date | None
    progress: Callable[[str], None]


@dataclass(frozen=True)
class Button:
    id: str
    label: str
    command: str | None  # "module:function": the function the CLI calls for the same job
    run: Callable[[Callable[..., Any], Click], str]
    ask: FileRequest | None = None


# --- runners: call the command as the CLI does and turn its report into the message ---------------------------------
def _refresh(command: Callable[..., Any], click: Click) -> str:
    report = command(click.store, click.today, click.progress)
    return "\n".join([*report.messages, report.summary, report.saved])


def _today(command: Callable[..., Any], click: Click) -> str:
    result = command(click.store, click.today)
    return today_message(result.today)


def _with_files(command: Callable[..., Any], click: Click) -> str:
    target = click.files if len(click.files) != 1 else click.files[0]
    report = command(click.store, target, **_optional(command, today=click.today, progress=click.progress))
    return report_text(report)


def _sync_email(command: Callable[..., Any], click: Click) -> str:
    from sync.email_logs.command import format_report

    report = command(click.store, [str(f) for f in click.files], local_path(click.book), None, click.today,
                     click.progress)
    refresh = report.refresh
    return "\n".join([format_report(report), "", *refresh.messages, refresh.summary, refresh.saved])


def _import_leads(command: Callable[..., Any], click: Click) -> str:
    """Each chosen lead list imported as `leadtracker import FILE --into WORKBOOK` does, then refreshed."""
    return "\n\n".join(command(click.store, str(path), progress=click.progress).summary() for path in click.files)


def _import_comps(command: Callable[..., Any], click: Click) -> str:
    lines = []
    for path in click.files:
        report = command(click.store, str(path))
        lines += [*report.problems, report.summary(path.name), report.saved]
    return "\n".join(lines)


def _to_folder(kind: str) -> Callable[[Callable[..., Any], Click], str]:
    def run(command: Callable[..., Any], click: Click) -> str:
        folder = output_folder(click.book, kind, click.today)
        report = command(click.store, folder, **_optional(command, today=click.today, progress=click.progress))
        return report_text(report) + f"\n\nThe files are in {folder}."
    return run


def _help(command: Callable[..., Any] | None, click: Click) -> str:
    lines = ["The Lead Tracker tab works on the workbook in front of you:", ""]
    for button in BUTTONS.values():
        if button.id != "help":
            lines.append(f"• {button.label}: {BUTTON_HELP[button.id]}")
    lines += ["", "Nothing is saved for you: save the workbook as usual to keep the changes.",
              "The user guide is the README of the leadtracker package (addin/README.md for the add-in)."]
    return "\n".join(lines)


BUTTON_HELP = {
    "refresh": "recomputes stage, next step and due date for every lead and rebuilds Today and Dashboard.",
    "today": "shows today's contacts in order, without changing anything.",
    "letters": "writes the letters that are due into a folder beside the workbook.",
    "emails": "writes the emails that are due as drafts into a folder beside the workbook.",
    "import_leads": "adds a vendor's lead list (you choose the file); your own edits are never overwritten.",
    "import_comps": "adds an MLS export of comparable sales to the Comps sheet.",
    "sync_email": "reads email logs you choose and records what was sent, bounced, unsubscribed or answered.",
}
LEAD_FILES = FileRequest("Choose the lead list to import", ("csv", "xlsx", "xls", "txt"),
                         "Lead lists (CSV or Excel)")
COMP_FILES = FileRequest("Choose the MLS export of comparable sales", ("csv", "xlsx", "xls", "txt"),
                         "MLS exports (CSV or Excel)")
LOG_FILES = FileRequest("Choose the email logs to bring in", ("csv", "json", "jsonl", "mbox", "eml", "txt"),
                        "Email logs", multiple=True)

# The one table: button id (customUI.xml) -> the command it runs.
BUTTONS: dict[str, Button] = {b.id: b for b in (
    Button("refresh", "Refresh", "leadtracker.commands:run_refresh", _refresh),
    Button("today", "Today", "leadtracker.commands:compute_today", _today),
    Button("letters", "Letters", "leadtracker.commands:run_letters", _to_folder("Letters")),
    Button("emails", "Emails", "leadtracker.commands:run_emails", _to_folder("Emails")),
    Button("import_leads", "Import Leads", "leadtracker.importers.command:run_import", _import_leads, LEAD_FILES),
    Button("import_comps", "Import Comps", "leadtracker.commands:import_comps", _import_comps, COMP_FILES),
    Button("sync_email", "Sync Email Log", "sync.email_logs.command:run_sync_email", _sync_email, LOG_FILES),
    Button("help", "Help", None, _help),
)}


# --- the entry point ---------------------------------------------------------------------------------------------
def on_click(control_id: str, book: Any = None, today: dt.date | None = None,
             ask_files: Callable[[Any, FileRequest], Sequence[Path] | None] | None = None) -> str:
    """Run the button's command on the caller's workbook and show the outcome in Excel; returns the message.

    `book`, `today` and `ask_files` are for tests and scripts; from Excel only the id is passed."""
    book = book if book is not None else caller_book()
    app = book.app
    button = BUTTONS.get(control_id)
    label = button.label if button is not None else control_id
    mode = "info"
    try:
        message = _click(button, control_id, book, today, ask_files)
    except LeadTrackerError as error:
        message, mode = str(error), "critical"
    except FileNotFoundError as error:
        message, mode = f"{error.filename or error} was not found.", "critical"
    except PermissionError as error:
        message, mode = (f"Permission denied for {error.filename or error}; is it open in another program?",
                         "critical")
    except Exception as error:  # noqa: BLE001 - one message for anything, never a traceback in a message box
        _log(traceback.format_exc())
        message, mode = (f"{label} could not finish: {type(error).__name__}: {error}. Nothing was changed in the "
                         f"workbook. The details are in {LOG_FILE}."), "critical"
    finally:
        _status(app, False)  # hand the status bar back to Excel
    show(app, message, f"{TITLE}: {label}", mode)
    return message


def _click(button: Button | None, control_id: str, book: Any, today: dt.date | None,
           ask_files: Callable[[Any, FileRequest], Sequence[Path] | None] | None) -> str:
    if button is None:
        raise UsageError(f"The ribbon button {control_id!r} is unknown to this version of Lead Tracker. "
                         "Reinstall the add-in with: leadtracker addin install")
    command = resolve(button.command) if button.command else None
    if button.command and command is None:
        return (f"{button.label} is not available in this version of Lead Tracker yet. Update Lead Tracker "
                "(in the Lead Tracker folder: pip install --upgrade .) to get it.")
    files: list[Path] = []
    if button.ask is not None:
        chosen = (ask_files or _default_dialog)(book.app, button.ask)
        if not chosen:
            return "No file was chosen, so nothing was changed."
        files = [Path(f) for f in chosen]
    from .xlwings_store import XlwingsStore

    store = XlwingsStore(book)
    click = Click(book, store, files, today, lambda text: _status(book.app, f"{TITLE}: {text}…"))
    _status(book.app, f"{TITLE}: {button.label}…")
    return button.run(command, click)


def resolve(command: str | None) -> Callable[..., Any] | None:
    """The function named "module:function", or None when this version does not have it."""
    if not command:
        return None
    module_name, _, function_name = command.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            return None
        raise
    function = getattr(module, function_name, None)
    return function if callable(function) else None


def caller_book() -> Any:
    """The workbook the button was clicked in (xlwings' RunPython passes it on the command line)."""
    import xlwings as xw

    return xw.Book.caller()


# --- messages ------------------------------------------------------------------------------------------------------
def today_message(today) -> str:
    """Today's list as a short message: how many, by channel, then the first ten in order."""
    if today is None or len(today) == 0:
        return "Nothing is due today."
    counts = today["Channel"].fillna("Other").value_counts()
    parts = ", ".join(f"{n} {channel.lower()}" for channel, n in counts.items())
    lines = [f"{len(today)} contact{'s' if len(today) != 1 else ''} for today ({parts}):", ""]
    for _, row in today.sort_values("Rank", kind="stable").head(10).iterrows():
        owner = row.get("Owner Name") or "(no name)"
        step = row.get("Step") or ""
        lines.append(f"{int(row['Rank'])}. {row['Channel']}: {owner} ({row['Lead ID']}) {step}".rstrip())
    if len(today) > 10:
        lines.append(f"… and {len(today) - 10} more: refresh, then see the Today sheet.")
    return "\n".join(lines)


def report_text(report: Any) -> str:
    """A command's report as the message: its messages and summary where it has them, else its text."""
    if isinstance(report, str):
        return report
    parts = [*getattr(report, "messages", ()), getattr(report, "summary", None), getattr(report, "saved", None)]
    text = "\n".join(str(p) for p in parts if p)
    return text or str(report)


def show(app: Any, message: str, title: str, mode: str) -> None:
    if len(message) > MESSAGE_LIMIT:
        message = message[:MESSAGE_LIMIT - 1] + "…"
    app.alert(message, title=title, buttons="ok", mode=mode)


def _status(app: Any, text: str | bool) -> None:
    try:
        app.status_bar = text
    except NotImplementedError:  # xlwings Server and Lite have no status bar
        pass


def _log(text: str) -> None:
    try:
        LOG_FILE.parent.mkdir(parents=True, exist_ok=True)
        with LOG_FILE.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {dt.datetime.now():%Y-%m-%d %H:%M:%S}\n{text}\n")
    except OSError:
        logging.getLogger(__name__).exception("could not write %s", LOG_FILE)


def _optional(command: Callable[..., Any], **candidates: Any) -> dict[str, Any]:
    """The keyword arguments among `candidates` that the command accepts."""
    try:
        parameters = inspect.signature(command).parameters
    except (TypeError, ValueError):
        return {}
    return {k: v for k, v in candidates.items() if k in parameters and v is not None}


def local_path(book: Any) -> Path | None:
    """The workbook's file on this computer, or None (a new, unsaved workbook; one opened from a web address)."""
    text = str(book.fullname)
    path = Path(text)
    return path if path.is_absolute() and "://" not in text else None


def output_folder(book: Any, kind: str, today: dt.date | None) -> Path:
    """Where letters or emails go: a dated folder beside the workbook (in Documents for an unsaved workbook)."""
    full = local_path(book)
    base = full.parent if full is not None else Path.home() / "Documents"
    return base / f"{kind} {(today or dt.date.today()).isoformat()}"


def _default_dialog(app: Any, request: FileRequest) -> Sequence[Path] | None:
    from .dialogs import ask_open_files

    return ask_open_files(app, request)

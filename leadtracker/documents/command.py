"""`leadtracker letters` and `leadtracker emails`: every letter or email due today, written, logged, and the
workbook refreshed.

letters WORKBOOK --out DIR [--step S] [--lead ID ...] [--pdf] [--today D]
    one .docx per letter (DIR/letters-DATE/), an Avery 5160 label sheet and a mailing CSV, with --pdf one combined
    print-ready PDF (LibreOffice headless), .ics files for Day 4 meeting times, and one Activity row per letter
    (Channel Letter, Outcome Sent, Ref = the file name). The row's id is the lead, step and day, so generating the
    same letters again the same day logs nothing twice.
emails WORKBOOK --out DIR [--send] [--step S] [--lead ID ...] [--today D]
    one .eml per email (plain text + HTML; Day 3 carries the market analysis and timeline as a PDF, Day 4 the two
    meeting times as .ics files) and short text-message drafts for the texts due today (texts-DATE.csv). Without
    --send the .eml files are drafts to open and send from a mail program; their Message-IDs go into the outbound
    log, so the copies sync-email later finds in the Sent folder count for the right lead and step. With --send
    they go out through the SMTP server on the Settings sheet: each accepted message is appended to the outbound
    log at once (so an interrupted run never sends twice) and becomes an Activity row with the same id sync-email
    gives it, so a later `sync-email own` adds nothing; a refused address becomes a Bounced row. An address gets one
    email a day, drafts or sent: two leads on one mailbox go one a day, in sheet order (an Email row Sent today on
    Activity holds the address too).
The outbound log is sync/email_logs/own_log.py's format (`MyLeads.email-log.jsonl` beside the workbook): one JSON
line per message and recipient with time, lead id, step, to, subject and message id (the issue's CSV columns) plus
the event, the template and the SMTP reply. One format, one writer, one reader.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import pandas as pd

from .. import schema
from ..commands import RefreshReport, run_refresh
from ..errors import UsageError
from ..store import Store
from .addresses import mailing_address
from .context import LeadExtras, build_context, home_context
from .labels import label_for_row, labels_pdf, mailing_csv, merge_mailing, read_mailing_csv
from .mail import Attachment, build_message, message_id_for, require_sender, sender_domain, valid_address
from .meetings import SlotBook, business_days, invite, meeting_slots
from .pdf import PdfUnavailable, convert_to_pdf, find_soffice, INSTALL_HINT, letters_pdf
from .selection import Job, Skipped, Workbook, read_workbook, select, text_jobs
from .sms import sms_draft
from .suppression import SOURCE_EMAILS, Closed, address_of, closed_addresses, emailed_on
from .templates import LETTER_SUFFIX, TEXT_SUFFIX, HTML_SUFFIX, EmailTemplate, LetterTemplate, TemplateFinder
from .text import clean, csv_safe, file_part

MEETING_STEP = "D4"
ATTACH_ANALYSIS = ("D3",)
SOURCE_LETTERS = "letters"

Progress = Callable[[str], None]


class _RefreshedReport:
    """What the ribbon shows after a run: the refresh's messages and where the workbook was saved."""

    refresh: RefreshReport | None

    @property
    def messages(self) -> tuple[str, ...]:
        return self.refresh.messages if self.refresh else ()

    @property
    def saved(self) -> str:
        return self.refresh.saved if self.refresh else ""


@dataclass
class LettersReport(_RefreshedReport):
    folder: Path
    letters: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    pdf: Path | None = None
    pdf_pages: int = 0
    labels: Path | None = None
    mailing: Path | None = None
    mailing_rows: int = 0     # letters in the day's mailing list and labels, this run's and earlier runs' today
    earlier_rows: int = 0     # of them, from an earlier run today
    set_aside: Path | None = None  # a day's mailing CSV whose columns were changed, kept under this name
    mailing_problem: str = ""  # why the mailing list, labels or PDF could not be made (the letters are logged)
    invites: list[Path] = field(default_factory=list)
    logged: int = 0
    already_logged: int = 0
    zone_note: str = ""
    refresh: RefreshReport | None = None

    @property
    def summary(self) -> str:
        return format_letters(self, shown=5)


@dataclass
class EmailsReport(_RefreshedReport):
    folder: Path
    drafts: list[Path] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)          # "L-1 D3 to ann@example.com"
    already_sent: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    texts: Path | None = None
    text_count: int = 0
    logged: int = 0
    log_path: Path | None = None
    log_moved: str = ""  # says where an earlier version's outbound log was moved from
    notes: list[str] = field(default_factory=list)
    zone_note: str = ""
    refresh: RefreshReport | None = None

    @property
    def summary(self) -> str:
        return format_emails(self, shown=5)


# --- shared ---------------------------------------------------------------------------------------------------------

def _finder(book: Workbook, workbook: str | Path | None) -> TemplateFinder:
    return TemplateFinder(book.settings.template_folder or None, workbook)


def _logo(book: Workbook, workbook: str | Path) -> str | None:
    logo = clean(book.settings.logo)
    if not logo:
        return None
    path = Path(logo).expanduser()
    if not path.is_absolute() and workbook is not None and not str(workbook).startswith("gsheet:"):
        path = Path(workbook).resolve().parent / path
    if not path.is_file():
        raise UsageError(f"Settings: Logo {logo!r} is not a picture file I can find ({path}); fix the path or leave "
                         "it blank.")
    return str(path)


def lead_zones(lead: dict, fallback: ZoneInfo) -> tuple[tuple[ZoneInfo, ...], bool]:
    """The homeowner's time zone(s) from State and ZIP (leadtracker.timezones.zones_for: two when a state spans two
    zones and the ZIP does not settle it), else the agent's zone; the flag says whether the owner's zone was known."""
    try:
        from ..timezones import zones_for
    except ImportError:
        return (fallback,), False
    names = zones_for(clean(lead.get("State")).upper() or None, clean(lead.get("ZIP")) or None)
    zones = tuple(ZoneInfo(name) for name in names)
    return (zones, True) if zones else ((fallback,), False)


def _slots(book: Workbook, job: Job, medium: str, slot_book: SlotBook, zones_used: list[bool]):
    if job.step != MEETING_STEP:
        return ()
    settings = book.settings
    zones, known = lead_zones(job.lead, settings.zone)
    zones_used.append(known)
    now = book.now.replace(tzinfo=settings.zone)
    first = None
    if medium == "letter":  # a letter takes a few days to arrive: offer times after that
        first = business_days(book.today, 3)[-1] + dt.timedelta(days=1)
    return meeting_slots(now, settings.zone, settings.working_window, zones, slot_book, job.lead_id, first)


def _zone_note(zones_used: list[bool], settings) -> str:
    if not zones_used or all(zones_used):
        return ""
    return (f"Meeting times are shown in your time zone ({settings.time_zone}) for "
            f"{zones_used.count(False)} lead(s) whose State does not tell their time zone.")


def _extras(book: Workbook, job: Job, slots=()) -> LeadExtras:
    return LeadExtras(book.comps.get(job.lead_id, ()), book.markets.get(job.lead_id, ""), tuple(slots),
                      book.stories if job.template == "d6_questions" else ())


def _invites(book: Workbook, job: Job, slots) -> list[tuple[str, bytes]]:
    settings = book.settings
    home = home_context(job.lead)
    stamp = book.now.replace(tzinfo=settings.zone)
    out = []
    for number, slot in enumerate(slots, start=1):
        uid = f"{file_part(job.lead_id)}-{job.step}-{slot.start.astimezone(dt.timezone.utc):%Y%m%dT%H%MZ}@" \
              f"{sender_domain(settings.agent_email)}"
        location = f"By phone{(' at ' + settings.agent_phone) if settings.agent_phone else ''}, or in person if " \
                   "you prefer"
        description = (f"A 15-minute conversation with {clean(settings.agent_name)} about {home['street']}: your "
                       f"market analysis and your options, with no obligation. To confirm or change the time, call "
                       f"or email {' or '.join(p for p in (settings.agent_phone, settings.agent_email) if p)}.")
        data = invite(slot, uid=uid, summary=f"15 minutes with {clean(settings.agent_name)}",
                      description=description, location=location, organizer_name=clean(settings.agent_name),
                      organizer_email=clean(settings.agent_email), stamp=stamp)
        name = f"{file_part(job.lead_id)}_{job.step}_option-{number}_{slot.local:%a-%b-%d-%H%M}.ics"
        out.append((name, data))
    return out


def _needs_timeline(source) -> bool:
    from .context import NO_TIMELINE_TEMPLATES

    return source.own or source.name not in NO_TIMELINE_TEMPLATES


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (a temp file in the same folder, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".part-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _activity_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[c.name for c in schema.ACTIVITY_COLUMNS])


def _append_activity(store: Store, rows: list[dict]) -> int:
    if not rows:
        return 0
    return store.append_rows(schema.SHEET_ACTIVITY, schema.ACTIVITY_COLUMNS, _activity_frame(rows), "Activity ID")


def _existing_ids(store: Store) -> set[str]:
    data = store.read(schema.SHEET_ACTIVITY, schema.ACTIVITY_COLUMNS)
    if data is None or not data.headers or data.rows.empty:
        return set()
    from ..store import key_text

    return {k for k in map(key_text, data.canonical(schema.ACTIVITY_COLUMNS)["Activity ID"]) if k}


def letter_activity_id(lead_id: str, step: str, day: dt.date) -> str:
    digest = hashlib.sha1(f"{lead_id}|{step}|Letter|{day.isoformat()}".encode("utf-8", "surrogatepass"))
    return "DOC-" + digest.hexdigest()[:16].upper()


def _stamp(book: Workbook) -> dt.datetime:
    return book.now.replace(microsecond=0, tzinfo=None)


# --- letters --------------------------------------------------------------------------------------------------------

def run_letters(store: Store, workbook: str | Path | None, out: str | Path, steps: tuple[str, ...] = (),
                lead_ids: tuple[str, ...] = (), pdf: bool = False, today: dt.date | None = None,
                progress: Progress | None = None, refresh: bool = True) -> LettersReport:
    say = progress or (lambda message: None)
    if pdf and find_soffice() is None:
        raise UsageError("--pdf needs LibreOffice, which is not installed. " + INSTALL_HINT)
    say(f"Reading {store.label}")
    book = read_workbook(store, today)
    settings = book.settings
    if not clean(settings.agent_name):
        raise UsageError("Settings: Agent Name is blank. Letters are signed with your name; fill in Agent Name, "
                         "Brokerage, Agent Phone, Agent Email and Office Address on the Settings sheet.")
    if not (clean(settings.agent_phone) or clean(settings.agent_email)):
        raise UsageError("Settings: Agent Phone and Agent Email are both blank; a letter must say how to reach you.")
    finder = _finder(book, workbook)
    logo = _logo(book, workbook)
    jobs, skipped = select(book, "Letter", finder, steps, lead_ids)
    folder = Path(out) / f"letters-{book.today.isoformat()}"
    report = LettersReport(folder, skipped=list(skipped))
    templates: dict[str, LetterTemplate] = {}
    mailing: list[dict] = []
    activity: list[dict] = []
    slot_book = SlotBook()
    zones_used: list[bool] = []
    for number, job in enumerate(jobs, start=1):
        address = mailing_address(job.lead)
        if address.problem:
            _skip(report, job, f"cannot be mailed: {address.problem}")
            continue
        if job.template not in templates:
            source = finder.find(job.template, LETTER_SUFFIX)
            if source is None:
                _skip(report, job, f"no letter template {job.template}.docx")
                continue
            templates[job.template] = LetterTemplate(source)
        slots = _slots(book, job, "letter", slot_book, zones_used)
        context = build_context(job.lead, job.owner, address, settings, book.today, "letter",
                                _extras(book, job, slots), _needs_timeline(templates[job.template].source))
        context["step"] = job.step
        data = templates[job.template].render(context, logo)
        name = f"{book.today.isoformat()}_{file_part(job.lead_id)}_{job.step}_{job.template}.docx"
        path = folder / name
        _write(path, data)
        report.letters.append(path)
        for invite_name, invite_data in _invites(book, job, slots):
            target = folder / "invites" / invite_name
            _write(target, invite_data)
            report.invites.append(target)
        names = list(job.owner.label_lines) + ["", ""]
        mailing.append({"Lead ID": job.lead_id, "Step": job.step, "Letter": name, "Name": names[0],
                        "Name 2": names[1], "Address": address.delivery, "City": address.city.upper(),
                        "State": address.state, "ZIP": address.zip, "Address Line": address.display_street,
                        "City State ZIP": address.display_last})
        activity.append({
            "Activity ID": letter_activity_id(job.lead_id, job.step, book.today), "Timestamp": _stamp(book),
            "Lead ID": job.lead_id, "Step": job.step, "Channel": "Letter", "Direction": "Outbound",
            "Outcome": "Sent", "Note": f"Letter {job.template} to {address.delivery}, {address.last_line}",
            "Source": SOURCE_LETTERS, "Ref": name, "By": clean(settings.agent_name) or None})
        if number % 25 == 0:
            say(f"Wrote {number:,} of {len(jobs):,} letters")
    report.zone_note = _zone_note(zones_used, settings)
    # The letters are written: they are logged first, so nothing that stops the mailing list, the labels or the
    # PDF (a list locked or re-saved in Excel, a full disk) leaves letters on disk that the next run writes again.
    existing = _existing_ids(store)
    report.already_logged = sum(1 for row in activity if row["Activity ID"] in existing)
    fresh = [row for row in activity if row["Activity ID"] not in existing]
    report.logged = _append_activity(store, fresh)
    try:
        if report.letters:
            _mailing_and_labels(report, book, mailing, pdf, say)
    except (OSError, UnicodeError, csv.Error, ValueError) as problem:
        report.mailing_problem = f"{type(problem).__name__}: {problem}"
        report.mailing = report.labels = report.pdf = None
        report.mailing_rows = report.earlier_rows = report.pdf_pages = 0
    except BaseException:
        if fresh:
            store.commit()
        raise
    if refresh and (fresh or report.letters):
        report.refresh = run_refresh(store, today, progress)
    elif fresh:
        store.commit()
    return report


def _mailing_and_labels(report: LettersReport, book: Workbook, mailing: list[dict], pdf: bool,
                        say: Progress) -> None:
    """The day's mailing CSV and label sheet (this run's letters added to any earlier run's today), and the PDF."""
    folder, stem = report.folder, book.today.isoformat()
    report.mailing = folder / f"mailing-{stem}.csv"
    earlier = read_mailing_csv(report.mailing)
    if earlier is None:  # the agent changed its columns: keep it beside the new one, never overwrite it
        report.set_aside = report.mailing.with_name(f"mailing-{stem}-{_stamp(book):%H%M%S}.csv")
        os.replace(report.mailing, report.set_aside)
        earlier = []
    day_list = merge_mailing(earlier, mailing)
    report.mailing_rows, report.earlier_rows = len(day_list), len(day_list) - len(mailing)
    report.labels = folder / f"labels-{stem}.pdf"
    labels_pdf([label_for_row(row) for row in day_list], report.labels)
    mailing_csv(day_list, report.mailing)
    if pdf:
        report.pdf = folder / f"letters-{stem}.pdf"
        day_letters = [folder / row["Letter"] for row in day_list if row.get("Letter")]
        day_letters = [p for p in day_letters if p.is_file()] if report.earlier_rows else report.letters
        report.pdf_pages = letters_pdf(day_letters, report.pdf, say)


# --- emails ---------------------------------------------------------------------------------------------------------

@dataclass
class _Email:
    job: Job
    message_id: str
    to: str
    subject: str
    message: EmailMessage | None
    file: Path


def run_emails(store: Store, workbook: str | Path | None, out: str | Path, send: bool = False, steps: tuple[str, ...] = (),
               lead_ids: tuple[str, ...] = (), today: dt.date | None = None, progress: Progress | None = None,
               environ: dict[str, str] | None = None, refresh: bool = True) -> EmailsReport:
    from sync.email_logs.own_log import OutboundRecord, append_records, iter_log
    from sync.email_logs import events as ev

    say = progress or (lambda message: None)
    say(f"Reading {store.label}")
    book = read_workbook(store, today)
    settings = book.settings
    require_sender(settings)
    finder = _finder(book, workbook)
    folder = Path(out) / f"emails-{book.today.isoformat()}"
    moved: list[str] = []  # an earlier version's log for a Google Sheet, moved to where it is kept now
    log_path = outbound_log_path(workbook, out, moved.append)
    report = EmailsReport(folder, log_path=log_path, log_moved=" ".join(moved))
    account = password = None
    if send:
        from .smtp import account_from, password_for

        account = account_from(settings)
        password = password_for(account, environ)
    jobs, skipped = select(book, "Email", finder, steps, lead_ids)
    report.skipped = list(skipped)
    closed = closed_addresses(book.result.leads, book.activity)  # per address, across every lead (CAN-SPAM)
    # One email per address per run: two leads on one mailbox (the same owners' second house, a typo) would get two
    # emails at once. The first in sheet order takes the address; the other is not logged, so it stays due.
    emailed: dict[str, str] = {}  # compared address -> the lead it goes to in this run
    earlier = emailed_on(book.result.leads, book.activity, book.today)  # ... or went to earlier today
    waiting: list[tuple[Job, str]] = []  # the other leads on those addresses, listed once sending is over
    known_sent: set[str] = set()
    known_drafts: set[str] = set()
    if log_path.exists():
        for item in iter_log(log_path):
            if isinstance(item, ev.EmailEvent) and item.message_id:
                (known_sent if item.kind == ev.SENT else known_drafts).add(item.message_id)
    domain = sender_domain(settings.agent_email)
    templates: dict[str, EmailTemplate] = {}
    slot_book = SlotBook()
    zones_used: list[bool] = []
    prepared: list[tuple[_Email, dict]] = []
    analyses: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="leadtracker-mail-") as scratch:
        for job in jobs:
            to = clean(job.lead.get("Email"))
            if not valid_address(to):
                _skip(report, job, f"Email {to!r} is not an address I can send to")
                continue
            if address_of(to) in closed:
                _skip(report, job, closed[address_of(to)].reason)
                continue
            key = address_of(to) or to.casefold()
            if key in emailed or earlier.get(key, job.lead_id) != job.lead_id:
                waiting.append((job, key))
                continue
            if job.template not in templates:
                text_source = finder.find(job.template, TEXT_SUFFIX)
                if text_source is None:
                    _skip(report, job, f"no email template {job.template}.txt")
                    continue
                templates[job.template] = EmailTemplate(text_source, finder.find(job.template, HTML_SUFFIX))
            slots = _slots(book, job, "email", slot_book, zones_used)
            address = mailing_address(job.lead)
            context = build_context(job.lead, job.owner, address, settings, book.today, "email",
                                    _extras(book, job, slots), _needs_timeline(templates[job.template].text_source))
            context["step"] = job.step
            subject, text, html = templates[job.template].render(context)
            message_id = message_id_for(job.lead_id, job.step, book.today, to, domain)
            attachments = [Attachment(name, data, "text", "calendar", {"method": "PUBLISH"})
                           for name, data in _invites(book, job, slots)]
            if job.step in ATTACH_ANALYSIS:
                analysis = _analysis_docx(book, job, finder, address, scratch, workbook)
                if analysis is not None:
                    analyses[job.lead_id + "|" + job.step] = analysis
            name = f"{book.today.isoformat()}_{file_part(job.lead_id)}_{job.step}_{job.template}.eml"
            email = _Email(job, message_id, to, subject, None, folder / name)
            prepared.append((email, {"text": text, "html": html, "attachments": attachments}))
            emailed[key] = job.lead_id
        pdfs = _analysis_pdfs(analyses, Path(scratch), report, say)
        for email, parts in prepared:
            job = email.job
            extra = pdfs.get(job.lead_id + "|" + job.step)
            attachments = list(parts["attachments"])
            if extra is not None:
                street = file_part(home_context(job.lead)["street"], 30)
                subtype = "pdf" if extra.suffix == ".pdf" else \
                    "vnd.openxmlformats-officedocument.wordprocessingml.document"
                attachments.append(Attachment(f"Market-analysis-and-timeline_{street}{extra.suffix}",
                                              extra.read_bytes(), "application", subtype))
            email.message = build_message(
                settings=settings, to_name=job.owner.phrase, to_email=email.to, subject=email.subject,
                text=parts["text"], html=parts["html"], lead_id=job.lead_id, step=job.step,
                message_id=email.message_id, when=book.now.replace(tzinfo=settings.zone),
                attachments=tuple(attachments), draft=not send)
    report.zone_note = _zone_note(zones_used, settings)
    emails = [email for email, _ in prepared]
    activity: list[dict] = []
    now_aware = book.now.replace(tzinfo=settings.zone)
    if not send:
        drafts = []
        for email in emails:
            _write(email.file, email.message.as_bytes())
            report.drafts.append(email.file)
            bare = email.message_id.strip("<>")
            if bare not in known_drafts and bare not in known_sent:
                drafts.append(OutboundRecord(now_aware, "draft", email.message_id, email.job.lead_id, email.to,
                                             email.job.step, email.subject, settings.agent_email,
                                             email.job.template))
        append_records(log_path, drafts)
    else:
        from .smtp import Sender

        pending = []
        for email in emails:
            line = f"{email.job.lead_id} {email.job.step} to {email.to}"
            if email.message_id.strip("<>") in known_sent:
                report.already_sent.append(line)
                activity.append(_sent_row(email, book, settings))  # in case the last run stopped before saving
            else:
                pending.append(email)
        if pending:
            say(f"Sending {len(pending):,} email(s) through {account.host}")
            with Sender(account, password) as sender:
                for number, email in enumerate(pending, start=1):  # one per address: see `waiting`
                    result = sender.send(email.message)
                    line = f"{email.job.lead_id} {email.job.step} to {email.to}"
                    stamp = dt.datetime.now(dt.timezone.utc)
                    if result.accepted:
                        append_records(log_path, [OutboundRecord(stamp, "sent", email.message_id, email.job.lead_id,
                                                                 email.to, email.job.step, email.subject,
                                                                 settings.agent_email, email.job.template,
                                                                 result.code, result.response)])
                        report.sent.append(line)
                        activity.append(_sent_row(email, book, settings))
                        copy = email.message
                        _write(folder / "sent" / email.file.name, copy.as_bytes())
                    else:
                        append_records(log_path, [OutboundRecord(stamp, "refused", email.message_id,
                                                                 email.job.lead_id, email.to, email.job.step,
                                                                 email.subject, settings.agent_email,
                                                                 email.job.template, result.code, result.response)])
                        report.refused.append(f"{line}: {result.code} {result.response}")
                        if result.permanent:
                            activity.append(_bounce_row(email, book, result))
                            key = address_of(email.to)
                            if key:
                                closed.setdefault(key, Closed(key, email.job.lead_id, "bounced"))
                    if number % 25 == 0:
                        say(f"Sent {number:,} of {len(pending):,}")
    for job, key in waiting:  # an address refused for good on the first lead is closed now: say that instead
        _skip(report, job, closed[key].reason if key in closed else
              f"another lead with the same email address ({emailed[key]}) comes first in this run; one email per "
              "address a day, so this one goes on a later day" if key in emailed else
              f"another lead with the same email address ({earlier[key]}) was emailed today; one email per "
              "address a day, so this one goes on a later day")
    texts = text_jobs(book)
    if texts:
        report.texts = Path(out) / f"texts-{book.today.isoformat()}.csv"
        report.text_count = _write_texts(texts, book, report.texts)
    existing = _existing_ids(store)
    fresh = [row for row in activity if row["Activity ID"] not in existing]
    report.logged = _append_activity(store, fresh)
    if refresh and fresh:
        report.refresh = run_refresh(store, today, progress)
    elif fresh:
        store.commit()
    return report


def outbound_log_path(workbook: str | Path | None, out: str | Path,
                      say: Callable[[str], None] = lambda message: None) -> Path:
    """Where `sync-email own` finds it (`own_log_path`: beside the workbook; a Google Sheet's in the user's data
    folder); for an unsaved book, in the output folder."""
    from sync.email_logs.own_log import SUFFIX, own_log_path

    if workbook is None:
        return Path(out) / ("leadtracker" + SUFFIX)
    return own_log_path(workbook, folders=(Path(out),), say=say)


def _sent_row(email: _Email, book: Workbook, settings) -> dict:
    from sync.email_logs.sync import activity_id

    bare = email.message_id.strip("<>")
    return {"Activity ID": activity_id(email.job.lead_id, "sent", "m:" + bare), "Timestamp": _stamp(book),
            "Lead ID": email.job.lead_id, "Step": email.job.step, "Channel": "Email", "Direction": "Outbound",
            "Outcome": "Sent", "Note": f"Subject: {email.subject}", "Source": SOURCE_EMAILS,
            "Ref": email.message_id, "By": clean(settings.agent_name) or None}


def _bounce_row(email: _Email, book: Workbook, result) -> dict:
    from sync.email_logs.sync import activity_id

    bare = email.message_id.strip("<>")
    return {"Activity ID": activity_id(email.job.lead_id, "bounce", "m:" + bare), "Timestamp": _stamp(book),
            "Lead ID": email.job.lead_id, "Step": email.job.step, "Channel": "Email", "Direction": "Inbound",
            "Outcome": "Bounced", "Note": f"Bounced: {email.to} does not work ({result.code} {result.response})",
            "Source": SOURCE_EMAILS, "Ref": email.message_id, "By": None}


def _analysis_docx(book: Workbook, job: Job, finder: TemplateFinder, address, scratch: str,
                   workbook: str | Path) -> Path | None:
    """The Day 3 market analysis and timeline as a letter, to attach to the email."""
    source = finder.find(job.template, LETTER_SUFFIX)
    if source is None:
        return None
    context = build_context(job.lead, job.owner, address, book.settings, book.today, "letter", _extras(book, job))
    context["step"] = job.step
    data = LetterTemplate(source).render(context, _logo(book, workbook))
    path = Path(scratch) / f"{file_part(job.lead_id)}_{job.step}_analysis.docx"
    _write(path, data)
    return path


def _analysis_pdfs(analyses: dict[str, Path], scratch: Path, report: EmailsReport, say: Progress) -> dict[str, Path]:
    if not analyses:
        return {}
    try:
        pdfs = convert_to_pdf(list(analyses.values()), scratch / "pdf", say)
    except PdfUnavailable:
        report.notes.append("LibreOffice is not installed, so the market analysis is attached as a Word file "
                            "instead of a PDF. " + INSTALL_HINT)
        return dict(analyses)
    return dict(zip(analyses.keys(), pdfs))


# Allowed: the calling window as the Today sheet words it ("Now, until 8 PM ET", "From 9 AM CT (8 AM your time)"), so
# a bulk-SMS tool or the agent sends each text inside the homeowner's permitted hours (compliance.allowed_text).
TEXT_COLUMNS = ("Lead ID", "Owner", "Phone", "Allowed", "Step", "Message")


def _write_texts(texts: list[dict], book: Workbook, target: Path) -> int:
    from .names import addressee

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEXT_COLUMNS)
    slot_book = SlotBook()
    zones: list[bool] = []
    settings = book.settings
    for item in texts:
        lead = item["lead"]
        owner = addressee(lead.get("Owner Name"), lead.get("Co-Owner Name"))
        job = Job(lead, clean(lead.get("Lead ID")), item["step"], "", owner)
        slots = _slots(book, job, "email", slot_book, zones)
        home = home_context(lead)
        message = sms_draft(item["step"], owner, settings.agent_name, settings.brokerage,
                            home["street"] if home["street"] != "your home" else "", home["city"], slots)
        writer.writerow([csv_safe(job.lead_id), csv_safe(owner.phrase or clean(lead.get("Owner Name"))),
                         csv_safe(item["contact"], phone=True), csv_safe(item["allowed"]), csv_safe(item["step"]),
                         csv_safe(message)])
    _write(target, buffer.getvalue().encode("utf-8-sig"))
    return len(texts)


# --- reports for the terminal ----------------------------------------------------------------------------------------

def _skip(report, job, reason: str) -> None:
    """List a due letter or email that was not made, with why."""
    report.skipped.append(Skipped(job.lead_id, clean(job.lead.get("Owner Name")), job.step, reason))


def _skipped_lines(skipped: list[Skipped], shown: int = 30) -> list[str]:
    if not skipped:
        return []
    lines = [f"Skipped {len(skipped)}:"]
    skipped = sorted(skipped, key=lambda s: ("not allowed" not in s.reason, s.lead_id))  # opt-outs first
    for item in skipped[:shown]:
        who = f" ({item.owner})" if item.owner else ""
        lines.append(f"  {item.lead_id}{who}{' ' + item.step if item.step else ''}: {item.reason}")
    if len(skipped) > shown:
        lines.append(f"  … and {len(skipped) - shown} more")
    return lines


def format_letters(report: LettersReport, shown: int = 30) -> str:
    if not report.letters:
        lines = ["No letters are due." if not report.skipped else "No letters written."]
    else:
        lines = [f"Wrote {len(report.letters)} letter{'s' if len(report.letters) != 1 else ''} in {report.folder}"]
        if report.pdf:
            lines.append(f"  print-ready PDF: {report.pdf.name} ({report.pdf_pages} pages)")
        if report.labels:
            lines.append(f"  labels (Avery 5160): {report.labels.name}")
        if report.mailing:
            lines.append(f"  mailing list: {report.mailing.name}")
        if report.earlier_rows:
            lines.append(f"  the mailing list and labels cover all {report.mailing_rows} letters written today "
                         f"({report.earlier_rows} from an earlier run, {report.mailing_rows - report.earlier_rows} "
                         "from this one)" + (" and so does the PDF" if report.pdf else ""))
        if report.set_aside:
            lines.append(f"  the earlier {report.mailing.name} had changed columns, so it was kept as "
                         f"{report.set_aside.name}")
        if report.mailing_problem:
            lines.append(f"  the mailing list and labels could not be made ({report.mailing_problem}). The letters "
                         "are written and logged in Activity, so they will not be written again; address their "
                         "envelopes from the letters themselves (each shows the owner's mailing address). If the "
                         "mailing list is open in Excel, close it before the next run.")
        if report.invites:
            lines.append(f"  meeting times as calendar files: invites/ ({len(report.invites)})")
        lines.append(f"  Activity: {report.logged} new row(s)" + (
            f", {report.already_logged} already logged today" if report.already_logged else ""))
    if report.zone_note:
        lines.append(report.zone_note)
    lines += _skipped_lines(report.skipped, shown)
    return "\n".join(lines)


def _log_name(path: Path | None) -> str:
    """The log's name (it is beside the workbook), or its whole path when it is elsewhere (a Google Sheet's)."""
    if path is None:
        return "the outbound log"
    return str(path) if path.name.startswith("gsheet-") else path.name


def format_emails(report: EmailsReport, shown: int = 30) -> str:
    lines = [report.log_moved] if report.log_moved else []
    if report.drafts:
        lines.append(f"Wrote {len(report.drafts)} email draft{'s' if len(report.drafts) != 1 else ''} in "
                     f"{report.folder} (open each and press Send; sync-email records them once they are sent)")
    if report.sent:
        lines.append(f"Sent {len(report.sent)} email{'s' if len(report.sent) != 1 else ''}; logged in "
                     f"{_log_name(report.log_path)} and on Activity "
                     f"({report.logged} new row(s)).")
    if report.already_sent:
        lines.append(f"Already sent today, not sent again: {len(report.already_sent)}")
    if report.refused:
        lines.append(f"Refused by the mail server: {len(report.refused)}")
        lines += [f"  {line}" for line in report.refused[:20]]
    if not (report.drafts or report.sent or report.already_sent or report.refused):
        lines.append("No emails are due." if not report.skipped else "No emails written.")
    if report.texts:
        lines.append(f"Text-message drafts: {report.text_count} in {report.texts} (send them from your phone)")
    lines += report.notes
    if report.zone_note:
        lines.append(report.zone_note)
    lines += _skipped_lines(report.skipped, shown)
    return "\n".join(lines)

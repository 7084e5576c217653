"""The readers in one plain registry: each says whether it recognises a source (`identify`) and turns it into
events (`extract`). A source is a file, a folder, `own` (this tool's log beside the workbook) or an IMAP address;
`KIND:PATH` (for example `sendgrid-csv:activity.csv`) names the reader when recognition is not wanted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ClassVar, Iterator

from leadtracker.errors import UsageError

from .events import EmailEvent, Ignored, Rejected

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Probe:
    """What readers look at to recognise a file: its path, name and first bytes."""

    path: Path
    head: bytes = b""
    is_dir: bool = False

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @property
    def text_head(self) -> str:
        return self.head.decode("utf-8", errors="replace").lstrip("\ufeff")

    def first_line(self) -> str:
        return self.text_head.split("\n", 1)[0].strip()


@dataclass
class ReadContext:
    """What readers may need beyond the source: the agent's own addresses (to tell sent from received mail),
    the workbook's Settings (IMAP host and user), a progress callback and the --since date."""

    agent_addresses: frozenset[str] = frozenset()
    settings: object = None
    since: dt.date | None = None
    progress: Callable[[str], None] = field(default=lambda message: None)
    environ: dict[str, str] | None = None  # defaults to os.environ (tests pass their own)


Item = EmailEvent | Rejected | Ignored


class Reader:
    """One source format. Subclasses set `name` and `label`, cite the format's documentation in their docstring,
    and implement `identify` and `extract`."""

    name: ClassVar[str]
    label: ClassVar[str]

    def identify(self, probe: Probe) -> bool:
        raise NotImplementedError

    def extract(self, source: str, context: ReadContext) -> Iterator[Item]:
        raise NotImplementedError


READERS: list[Reader] = []
# The order recognition tries them in: specific formats before general ones (a SendGrid CSV before any CSV).
ORDER = ("own", "sendgrid", "sendgrid-csv", "mailgun", "postmark", "mailchimp", "merge-status", "outlook", "mbox",
         "eml", "imap")


def register(reader_class: type[Reader]) -> type[Reader]:
    if reader_named(reader_class.name) is None:
        READERS.append(reader_class())
        READERS.sort(key=lambda r: ORDER.index(r.name) if r.name in ORDER else len(ORDER))
    return reader_class


def reader_named(name: str) -> Reader | None:
    for reader in READERS:
        if reader.name == name:
            return reader
    return None


def probe(path: Path) -> Probe:
    if path.is_dir():
        return Probe(path, b"", True)
    with open(path, "rb") as handle:
        return Probe(path, handle.read(HEAD_BYTES), False)


def resolve(source: str) -> tuple[Reader, str]:
    """The reader for a source argument, and the source as that reader takes it."""
    _load_readers()
    lowered = source.lower()
    if lowered.startswith(("imap:", "imaps:")):
        return reader_named("imap"), source  # type: ignore[return-value]
    if ":" in source and not Path(source).exists():
        kind, rest = source.split(":", 1)
        named = reader_named(kind.lower())
        if named is not None and len(kind) > 1:
            return named, rest
    path = Path(source)
    if not path.exists():
        raise UsageError(f"{source} was not found. Give a file or folder of email logs, 'own' for this tool's "
                         "own log, or imap: for the IMAP Sent folder named on the Settings sheet.")
    found = probe(path)
    for reader in READERS:
        if reader.identify(found):
            return reader, source
    kinds = ", ".join(r.name for r in READERS)
    raise UsageError(f"I do not recognise {path.name} as an email log. If you know what it is, put its kind in "
                     f"front, for example sendgrid-csv:{path.name} (kinds: {kinds}).")


def _load_readers() -> None:
    """Import the reader modules so they register."""
    from . import own_log, sendgrid, mailgun, postmark, mailchimp, merge_status, outlook, mbox, eml, imap  # noqa

"""A folder of .eml files (Thunderbird's and Apple Mail's "Save as", Outlook for Mac, drag-and-drop exports).

Format: one RFC 5322 message per file (https://www.rfc-editor.org/rfc/rfc5322). The folder is searched with its
subfolders; a folder named like "Sent" marks its messages as sent. Only the headers and the start of the body are
read (the first 64 KB, where a reply's own text is; up to 2 MB of a delivery report), one file at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .events import Rejected
from .mbox import MAX_BODY, MAX_HEADER, sent_folder_hint
from .messages import message_events, needs_body, parse_headers
from .opt_out import BODY_BYTES
from .registry import Item, Probe, ReadContext, Reader, register

SUFFIXES = (".eml", ".emlx", ".msg.eml")


def read_head(path: Path) -> tuple[bytes, bytes]:
    """The header block, and the message with the start of its body (all of a delivery report; both capped)."""
    with open(path, "rb") as handle:
        if path.suffix.lower() == ".emlx":
            handle.readline()  # Apple Mail's .emlx starts with the message's byte count
        header = bytearray()
        for line in handle:
            if line in (b"\n", b"\r\n"):
                break
            if len(header) < MAX_HEADER:
                header += line
        limit = MAX_BODY if needs_body(parse_headers(bytes(header) + b"\n")) else BODY_BYTES
        return bytes(header), bytes(header) + b"\n" + handle.read(limit)


@register
class EmlFolderReader(Reader):
    """A folder of .eml files (see the module docstring). A single .eml file works too."""

    name = "eml"
    label = "folder of .eml files"

    def identify(self, probe: Probe) -> bool:
        if probe.is_dir:
            return any(p.suffix.lower() in (".eml", ".emlx") for p in probe.path.rglob("*") if p.is_file())
        return probe.suffix in (".eml", ".emlx")

    def extract(self, source: str, context: ReadContext) -> Iterator[Item]:
        root = Path(source)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*")
                                                     if p.is_file() and p.suffix.lower() in (".eml", ".emlx"))
        for count, path in enumerate(files, start=1):
            if count % 2000 == 0:
                context.progress(f"{root.name}: {count:,} of {len(files):,} messages read")
            where = str(path.relative_to(root)) if path != root else path.name
            try:
                header, whole = read_head(path)
            except OSError as error:
                yield Rejected(where, f"cannot be read ({error.strerror or error})")
                continue
            headers = parse_headers(header + b"\n")
            if not len(headers):
                yield Rejected(where, "not an email message (no headers)")
                continue
            hint = next((h for h in (sent_folder_hint(folder) for folder in [path.parent, *path.parent.parents]
                                     if folder != root.parent) if h is not None), None)
            yield from message_events(headers, whole, source=self.name, where=where,
                                      agent_addresses=context.agent_addresses, sent_folder=hint)

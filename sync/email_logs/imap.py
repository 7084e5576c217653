"""An IMAP folder, the Sent folder by default, read with the standard library's imaplib.

Protocol: IMAP4rev1 (RFC 3501). The Sent folder is the one LIST marks `\\Sent` (RFC 6154 special-use), else the
usual names ("Sent", "Sent Items", "[Gmail]/Sent Mail", "INBOX.Sent"...). The folder is opened read-only and headers
are fetched with BODY.PEEK, so nothing is marked read; `--since` becomes a server-side SEARCH SINCE. In any other
folder (the INBOX, say) the first 64 KB of each body come too (a partial fetch, BODY.PEEK[TEXT]<0.65536>), where a
reply's own text says whether it asks to be removed; a delivery report is fetched whole so its bounce is read.

Where: the source `imap:` takes host, user, port and folder from the Settings sheet (IMAP Host, IMAP User, IMAP Port
(993 = TLS from the start), IMAP Folder); `imap://user@host:port/Folder` or `imaps://...` name them on the command
line. The password never goes in the workbook or on the command line: it comes from the environment variable
LEADTRACKER_IMAP_PASSWORD, else from the system keyring (service "leadtracker-imap", user "user@host", stored with
`keyring set leadtracker-imap user@host`). A plain connection must switch to TLS (STARTTLS) before the password is
sent, except to this computer itself (127.0.0.1), where test servers run.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import unquote, urlsplit

from leadtracker.errors import UsageError
from leadtracker.passwords import stored_password

from .events import Rejected
from .messages import message_events, needs_body, parse_headers
from .opt_out import BODY_BYTES
from .registry import Item, Probe, ReadContext, Reader, register

PASSWORD_VARIABLE = "LEADTRACKER_IMAP_PASSWORD"
KEYRING_SERVICE = "leadtracker-imap"
SENT_NAMES = ("sent", "sent items", "sent messages", "sent mail", "[gmail]/sent mail", "[google mail]/sent mail",
              "inbox.sent", "inbox/sent", "gesendet", "gesendete elemente", "éléments envoyés", "enviados")
BATCH = 200
TIMEOUT = 60
_LIST_LINE = re.compile(rb'^\((?P<flags>[^)]*)\) (?P<sep>"[^"]*"|NIL) (?P<name>.+)$')
_MESSAGE_START = re.compile(rb"^\d+ \(")
_HEADER_ITEM = re.compile(rb"BODY\[HEADER\]\s*\{\d+\}\s*$")
_TEXT_ITEM = re.compile(rb"BODY\[TEXT\](<\d+>)?\s*\{\d+\}\s*$")


SETTING_LABELS = {"imaphost": "imap_host", "imapuser": "imap_user", "imapport": "imap_port",
                  "imapfolder": "imap_folder"}


@dataclass(frozen=True)
class ImapSettings:
    """IMAP Host, IMAP User, IMAP Port and IMAP Folder from the Settings sheet (Setting | Value rows)."""

    imap_host: str = ""
    imap_user: str = ""
    imap_port: int = 993
    imap_folder: str = ""

    @classmethod
    def from_table(cls, table) -> "ImapSettings":
        if table is None or table.empty or "Setting" not in table.columns:
            return cls()
        from leadtracker.schema import normalize_header

        values: dict[str, object] = {}
        for label, value in zip(table["Setting"], table["Value"]):
            field_name = SETTING_LABELS.get(normalize_header(label))
            if field_name is None or value is None or str(value).strip() == "":
                continue
            text = str(value).strip()
            if field_name == "imap_port":
                try:
                    values[field_name] = int(float(text))
                except ValueError:
                    raise UsageError(f"Settings: IMAP Port {text!r} is not a port number (993 or 143)") from None
            else:
                values[field_name] = text
        return cls(**values)


@dataclass(frozen=True)
class Account:
    host: str
    user: str
    port: int
    tls: bool          # TLS from the start (port 993 / imaps://)
    folder: str | None

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}"

    @property
    def loopback(self) -> bool:
        try:
            return ipaddress.ip_address(socket.gethostbyname(self.host)).is_loopback
        except (OSError, ValueError):
            return False


def account_for(source: str, settings: object) -> Account:
    if source.lower().rstrip(":/") in ("imap", "imaps"):
        host = getattr(settings, "imap_host", "") or ""
        user = getattr(settings, "imap_user", "") or ""
        if not host or not user:
            raise UsageError("imap: needs IMAP Host and IMAP User on the Settings sheet (for example "
                             "imap.gmail.com and you@example.com), or name them: imaps://you@imap.example.com")
        port = int(getattr(settings, "imap_port", 993) or 993)
        return Account(host, user, port, port == 993, getattr(settings, "imap_folder", "") or None)
    parts = urlsplit(source)
    if parts.password:
        raise UsageError("Do not put the IMAP password on the command line; set the LEADTRACKER_IMAP_PASSWORD "
                         "environment variable or store it in the system keyring (service leadtracker-imap).")
    if not parts.hostname or not parts.username:
        raise UsageError(f"{source} is not an IMAP address like imaps://you@imap.example.com/Sent")
    tls = parts.scheme.lower() == "imaps"
    folder = unquote(parts.path.lstrip("/")) or None
    return Account(parts.hostname, unquote(parts.username), parts.port or (993 if tls else 143), tls, folder)


def password_for(account: Account, environ: dict[str, str] | None) -> str:
    return stored_password("IMAP", PASSWORD_VARIABLE, KEYRING_SERVICE, account.label, environ)


def connect(account: Account, password: str) -> imaplib.IMAP4:
    """A logged-in connection. The server's certificate is checked against the system's trusted authorities and
    its name (imaplib's default context checks neither, which would hand the password to anyone in between)."""
    try:
        if account.tls:
            connection: imaplib.IMAP4 = imaplib.IMAP4_SSL(account.host, account.port, timeout=TIMEOUT,
                                                          ssl_context=ssl.create_default_context())
        else:
            connection = imaplib.IMAP4(account.host, account.port, timeout=TIMEOUT)
            if "STARTTLS" in connection.capabilities:
                connection.starttls(ssl_context=ssl.create_default_context())
            elif not account.loopback:
                connection.logout()
                raise UsageError(f"{account.host} offers no encryption (STARTTLS) on port {account.port}; I will "
                                 "not send your password unencrypted. Use imaps:// (port 993).")
    except ssl.SSLCertVerificationError as error:
        raise UsageError(f"The IMAP server {account.host}:{account.port} did not prove who it is "
                         f"({error.verify_message}); your password was not sent. Check the IMAP Host name, or ask "
                         "your mail provider for its IMAP settings.") from error
    except (OSError, imaplib.IMAP4.error) as error:
        raise UsageError(f"Cannot reach the IMAP server {account.host}:{account.port} ({error}).") from error
    try:
        connection.login(account.user, password)
    except imaplib.IMAP4.error as error:
        connection.logout()
        reason = str(error).replace(password, "***") if password else str(error)
        raise UsageError(f"The IMAP server refused the login for {account.label} ({reason}). Check the user and "
                         "the password (Gmail and Outlook.com need an app password).") from error
    return connection


def list_folders(connection: imaplib.IMAP4) -> list[tuple[str, set[str]]]:
    status, data = connection.list()
    if status != "OK":
        return []
    folders = []
    for line in data:
        if isinstance(line, tuple):
            line = line[0] + b" " + line[1]
        found = _LIST_LINE.match(line or b"")
        if not found:
            continue
        name = found.group("name").decode("utf-8", "replace").strip()
        if name.startswith('"') and name.endswith('"'):
            name = name[1:-1].replace('\\"', '"')
        flags = {f.lower() for f in found.group("flags").decode("ascii", "replace").split()}
        folders.append((name, flags))
    return folders


def sent_folder(connection: imaplib.IMAP4) -> str:
    folders = list_folders(connection)
    for name, flags in folders:
        if "\\sent" in flags:
            return name
    by_name = {name.lower(): name for name, _ in folders}
    for candidate in SENT_NAMES:
        if candidate in by_name:
            return by_name[candidate]
    names = ", ".join(name for name, _ in folders[:12])
    raise UsageError(f"I cannot tell which IMAP folder holds sent mail (folders: {names}). Name it, for example "
                     "imaps://you@imap.example.com/Sent, or set IMAP Folder on the Settings sheet.")


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _internal_date(meta: bytes) -> dt.datetime | None:
    found = re.search(rb'INTERNALDATE "([^"]+)"', meta)
    if not found:
        return None
    try:
        return dt.datetime.strptime(found.group(1).decode("ascii").strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None


def fetch_headers(connection: imaplib.IMAP4, uids: list[bytes], with_text: bool = False
                  ) -> Iterator[tuple[bytes, dt.datetime | None, bytes, bytes | None]]:
    """(uid, INTERNALDATE, header bytes, the first BODY_BYTES of the body or None) for each message, BATCH at a
    time; the body only `with_text`."""
    items = "UID INTERNALDATE BODY.PEEK[HEADER]" + (f" BODY.PEEK[TEXT]<0.{BODY_BYTES}>" if with_text else "")
    for start in range(0, len(uids), BATCH):
        batch = b",".join(uids[start:start + BATCH]).decode("ascii")
        status, data = connection.uid("FETCH", batch, f"({items})")
        if status != "OK":
            raise UsageError(f"The IMAP server would not send the messages ({status}).")
        yield from _fetched(data)


def _fetched(data: list) -> Iterator[tuple[bytes, dt.datetime | None, bytes, bytes | None]]:
    """One FETCH response's messages. imaplib gives each literal as a (text before it, literal) pair and the text
    after the last one as plain bytes; a server may put UID after the literals and the items in any order."""
    meta, header, text = b"", None, None
    for part in data:
        before = part[0] if isinstance(part, tuple) else part
        if not isinstance(before, bytes):
            continue
        if _MESSAGE_START.match(before) and header is not None:
            yield _one_fetched(meta, header, text)
            meta, header, text = b"", None, None
        meta += before
        if isinstance(part, tuple):
            if _TEXT_ITEM.search(before):
                text = part[1]
            elif _HEADER_ITEM.search(before):
                header = part[1]
    if header is not None:
        yield _one_fetched(meta, header, text)


def _one_fetched(meta: bytes, header: bytes, text: bytes | None) -> tuple[bytes, dt.datetime | None, bytes,
                                                                          bytes | None]:
    uid = re.search(rb"UID (\d+)", meta)
    return (uid.group(1) if uid else b"?"), _internal_date(meta), header, text


@register
class ImapReader(Reader):
    """An IMAP folder, the Sent folder unless named (see the module docstring)."""

    name = "imap"
    label = "IMAP folder (Sent by default)"

    def identify(self, probe: Probe) -> bool:
        return False  # named by its source form (imap:, imap://, imaps://), never recognised from a file

    def extract(self, source: str, context: ReadContext) -> Iterator[Item]:
        account = account_for(source, context.settings)
        connection = connect(account, password_for(account, context.environ))
        try:
            folder = account.folder or sent_folder(connection)
            flags = next((f for name, f in list_folders(connection) if name == folder), set())
            is_sent = "\\sent" in flags or folder.lower() in SENT_NAMES or None
            status, data = connection.select(_quoted(folder), readonly=True)
            if status != "OK":
                raise UsageError(f"The IMAP folder {folder!r} cannot be opened on {account.host} "
                                 f"({(data[0] or b'').decode('utf-8', 'replace')}).")
            criteria = ["SINCE", context.since.strftime("%d-%b-%Y")] if context.since else ["ALL"]
            status, data = connection.uid("SEARCH", None, *criteria)
            uids = (data[0] or b"").split() if status == "OK" else []
            context.progress(f"IMAP {folder}: {len(uids):,} messages")
            for count, (uid, internal, raw, text) in enumerate(fetch_headers(connection, uids, is_sent is not True),
                                                               start=1):
                if count % 1000 == 0:
                    context.progress(f"IMAP {folder}: {count:,} of {len(uids):,} messages read")
                where = f"IMAP {folder} UID {uid.decode('ascii', 'replace')}"
                headers = parse_headers(raw)
                if not len(headers):
                    yield Rejected(where, "the server sent no headers for this message")
                    continue
                body = raw + text if text is not None else None
                if needs_body(headers):
                    status, whole = connection.uid("FETCH", uid.decode("ascii"), "(BODY.PEEK[])")
                    body = next((p[1] for p in whole if isinstance(p, tuple)), None) if status == "OK" else None
                yield from message_events(headers, body, source=self.name, where=where,
                                          agent_addresses=context.agent_addresses, sent_folder=is_sent,
                                          fallback_time=internal)
        finally:
            try:
                connection.logout()
            except (OSError, imaplib.IMAP4.error):
                pass

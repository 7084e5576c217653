"""The HTTP layer to the Google Sheets API: credentials, the API root, and a bounded retry policy.

gspread 6 carries the requests (its HTTPClient, an AuthorizedSession that fetches and refreshes the
service-account token). Its BackOffHTTPClient is not used: in 6.2.1 it never stops retrying (its stop test compares
a wait already capped at 128 s with 128), ignores Retry-After, adds no jitter and re-sends a non-idempotent append
after an ambiguous 5xx. Here reads are retried a capped number of times with full-jitter exponential backoff,
honouring Retry-After; writes are never retried blindly: a failed write raises `RetryableWrite` and the store
re-reads the sheet to see what landed before it tries again (sync/gsheet_store.py).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from leadtracker.errors import UsageError, WorkbookError

from .gsheet_cells import encode

log = logging.getLogger("leadtracker.gsheet")

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)  # the sheets it is shared with, nothing on Drive
GOOGLE_SHEETS_ROOT = "https://sheets.googleapis.com"
API_ENV = "LEADTRACKER_SHEETS_API"
CREDENTIALS_ENV = "LEADTRACKER_GOOGLE_CREDENTIALS"
USER_CREDENTIALS = Path("~/.config/leadtracker/google-service-account.json")
GSPREAD_CREDENTIALS = Path("~/.config/gspread/service_account.json")
TIMEOUT = (10, 120)  # connect, read (seconds): gspread's default is to wait for ever
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,}$")


class GoogleSheetError(WorkbookError):
    """The Google Sheet cannot be reached or used as asked."""


class StaleLayout(GoogleSheetError):
    """A request named a tab that is gone or renamed since the sheet was looked at (a teammate changed the tabs)."""


@dataclass
class RetryableWrite(Exception):
    """A write failed in a way worth trying again: 429 (not applied) or a 5xx/timeout (perhaps applied)."""

    status: int | None
    reason: str
    retry_after: float | None = None
    maybe_applied: bool = True

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class RetryPolicy:
    """Capped attempts with full-jitter exponential backoff; a server's Retry-After is waited out in full."""

    attempts: int = 5  # tries in all, the first included
    base_delay: float = 1.0
    max_delay: float = 32.0
    max_retry_after: float = 300.0  # Google asking for a longer pause than this stops the run instead

    def delay(self, failures: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait after the `failures`-th failure in a row (1-based)."""
        backoff = rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (failures - 1)))
        if retry_after is None:
            return backoff
        if retry_after > self.max_retry_after:
            raise GoogleSheetError(f"Google asked to wait {retry_after / 60:.0f} minutes before trying again "
                                   "(its quota is used up); nothing more was written. Run again later.")
        return max(retry_after, backoff)


def parse_target(target: str) -> str:
    """The spreadsheet key in 'gsheet:<key>' or 'gsheet:<https://docs.google.com/spreadsheets/d/<key>/edit...>'."""
    text = target[len("gsheet:"):] if target.startswith("gsheet:") else target
    text = text.strip()
    match = re.search(r"/spreadsheets/d/([A-Za-z0-9_-]+)", text)
    key = match.group(1) if match else text
    if not KEY_PATTERN.match(key):
        raise UsageError(f"{target!r} does not name a Google Sheet. Use gsheet: followed by the sheet's link "
                         "(https://docs.google.com/spreadsheets/d/.../edit) or the long key in that link.")
    return key


def api_root(environ=os.environ) -> str:
    """The API root: Google, or LEADTRACKER_SHEETS_API (a proxy, or a local fake in tests)."""
    root = environ.get(API_ENV, "").strip()
    if not root:
        return GOOGLE_SHEETS_ROOT
    parts = urlsplit(root)
    if parts.username or parts.password:  # never echoed: it may hold a password
        raise UsageError(f"{API_ENV} holds a user name or password; the Google access token is the only credential "
                         "sent. Give the proxy's address alone, like https://proxy.example.com.")
    if not re.match(r"^https?://[^/\s]+", root):
        raise UsageError(f"{API_ENV}={root!r} is not a URL; set it to an address like https://proxy.example.com "
                         "or unset it to reach Google.")
    if parts.scheme.lower() == "http" and not _loopback(parts.hostname or ""):
        raise UsageError(f"{API_ENV}={root!r} is not encrypted (http://); the Google access token would travel in "
                         "clear. Use https://, or http:// only to this computer (127.0.0.1).")
    root = root.rstrip("/")
    return root[:-3] if root.endswith("/v4") else root


def _loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def credentials_path(explicit: str | os.PathLike | None = None, environ=os.environ) -> Path:
    """Where the service-account key file is: an explicit path, else LEADTRACKER_GOOGLE_CREDENTIALS, else the
    key saved with `leadtracker gsheet credentials`, else gspread's usual place."""
    if explicit:
        candidates = [(Path(explicit).expanduser(), "the path given")]
    elif environ.get(CREDENTIALS_ENV, "").strip():
        candidates = [(Path(environ[CREDENTIALS_ENV].strip()).expanduser(), CREDENTIALS_ENV)]
    else:
        candidates = [(USER_CREDENTIALS.expanduser(), None), (GSPREAD_CREDENTIALS.expanduser(), None)]
    for path, source in candidates:
        if path.is_file():
            return path
        if source is not None:
            raise GoogleSheetError(f"The Google service-account key file {path} named by {source} does not exist.")
    raise GoogleSheetError(
        "No Google credentials. Download a service-account key (JSON) from Google Cloud and either run "
        "`leadtracker gsheet credentials PATH/TO/key.json` once, or set LEADTRACKER_GOOGLE_CREDENTIALS to its path. "
        "The README section 'A team's Google Sheet' walks through it.")


def load_key(path: Path) -> dict:
    """The service-account key as a dict, checked enough to give a clear message (never the key itself)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GoogleSheetError(f"{path} is not a readable service-account key file ({type(error).__name__}).") \
            from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise GoogleSheetError(f"{path} is not a service-account key: in Google Cloud, create a key for a service "
                               "account (IAM & Admin > Service Accounts > Keys > Add key > JSON).")
    missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    if missing:
        raise GoogleSheetError(f"{path} lacks {', '.join(missing)}; download a fresh JSON key for the service "
                               "account.")
    return info


def http_client_class():
    """gspread's HTTPClient with the API root, compact JSON bodies, a timeout and bounded retries of reads."""
    import gspread
    import requests
    from google.auth import exceptions as auth_errors

    class BoundedRetryHTTPClient(gspread.HTTPClient):
        root = GOOGLE_SHEETS_ROOT
        policy = RetryPolicy()
        sleep: Callable[[float], None] = staticmethod(time.sleep)
        rng = random.Random()
        client_email = "the service account"
        requests_sent = 0

        def request(self, method, endpoint, params=None, data=None, json=None, files=None, headers=None):
            url = self.root + endpoint[len(GOOGLE_SHEETS_ROOT):] if endpoint.startswith(GOOGLE_SHEETS_ROOT) \
                else endpoint
            if json is not None:
                data, json = encode(json), None
                headers = dict(headers or {}, **{"Content-Type": "application/json; charset=utf-8"})
            read = method.upper() == "GET"
            failures = 0
            while True:
                self.requests_sent += 1
                try:
                    response = self.session.request(method=method, url=url, params=params, data=data,
                                                    headers=headers, timeout=self.timeout)
                except (auth_errors.RefreshError, auth_errors.TransportError) as error:
                    raise credential_error(error, self.client_email) from None
                except (requests.ConnectionError, requests.Timeout) as error:
                    problem = RetryableWrite(None, f"no answer from {self.root} ({type(error).__name__})",
                                             maybe_applied=not isinstance(error, requests.ConnectTimeout))
                else:
                    log.debug("%s %s -> %s (%d bytes sent)", method.upper(), url.split("?")[0],
                              response.status_code, len(data or b""))
                    if response.ok:
                        return response
                    if response.status_code not in RETRY_STATUSES:
                        raise api_error(response, self.client_email)
                    problem = RetryableWrite(response.status_code, describe(response),
                                             retry_after(response), response.status_code != 429)
                if not read:
                    raise problem
                failures += 1
                if failures >= self.policy.attempts:
                    raise GoogleSheetError(f"Google Sheets could not be read: {problem.reason}, {failures} times in "
                                           f"a row (tries are capped at {self.policy.attempts}). Run again later.")
                wait = self.policy.delay(failures, problem.retry_after, self.rng)
                log.info("Google Sheets answered %s; trying again in %.1f s", problem.reason, wait)
                self.sleep(wait)

    return BoundedRetryHTTPClient


def retry_after(response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def describe(response) -> str:
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = response.reason or ""
    return f"{response.status_code} {message}".strip()


def api_error(response, client_email: str) -> GoogleSheetError:
    """A clear sentence for an answer that retrying cannot fix."""
    status = response.status_code
    detail = describe(response)
    if status == 403 and "insufficient" not in detail.lower():
        return GoogleSheetError(f"The Google Sheet is not shared with {client_email}. In the sheet, click Share, add "
                                f"{client_email} as an Editor (untick 'Notify'), then run again.")
    if status == 404:
        return GoogleSheetError("No Google Sheet has that key. Copy the link from the browser's address bar "
                                f"(https://docs.google.com/spreadsheets/d/.../edit) and share the sheet with "
                                f"{client_email}.")
    if status == 400 and ("No grid with id" in detail or "Unable to parse range" in detail):
        return StaleLayout(f"The sheet's tabs changed while this ran ({detail}).")
    if status == 401:
        return GoogleSheetError("Google did not accept the service account's sign-in (401). Check that the Google "
                                "Sheets API is enabled in the Google Cloud project and that the key is current.")
    return GoogleSheetError(f"Google Sheets refused the request: {detail}.")


def credential_error(error: Exception, client_email: str) -> GoogleSheetError:
    from google.auth import exceptions as auth_errors

    if isinstance(error, auth_errors.RefreshError):
        text = str(error.args[0]) if error.args else ""
        return GoogleSheetError(f"Google refused the service-account key for {client_email} ({text[:120]}). The key "
                                "may have been deleted or the account disabled: create a new JSON key.")
    return GoogleSheetError(f"Could not reach Google to sign in ({type(error).__name__}); check the internet "
                            "connection and try again.")


class SheetsAPI:
    """The Sheets API calls the tracker makes; each method is one HTTP request."""

    def __init__(self, http, client_email: str) -> None:
        self.http = http
        self.client_email = client_email

    @property
    def requests_sent(self) -> int:
        return self.http.requests_sent

    def _url(self, key: str, tail: str = "") -> str:
        return f"{GOOGLE_SHEETS_ROOT}/v4/spreadsheets/{key}{tail}"

    def metadata(self, key: str, fields: str) -> dict:
        return self.http.request("get", self._url(key), params={"fields": fields}).json()

    def batch_get(self, key: str, ranges: list[str]) -> list[dict]:
        """Values of several ranges in one request: numbers as numbers, dates as serial numbers."""
        if not ranges:
            return []
        params = {"ranges": ranges, "valueRenderOption": "UNFORMATTED_VALUE",
                  "dateTimeRenderOption": "SERIAL_NUMBER", "majorDimension": "ROWS"}
        return self.http.request("get", self._url(key, "/values:batchGet"), params=params).json()["valueRanges"]

    def write_values(self, key: str, data: list[dict]) -> dict:
        """values:batchUpdate with valueInputOption RAW: text is stored as text, never parsed as a formula."""
        body = {"valueInputOption": "RAW", "data": data}
        return self.http.request("post", self._url(key, "/values:batchUpdate"), json=body).json()

    def batch_update(self, key: str, requests: list[dict]) -> dict:
        """spreadsheets:batchUpdate: the requests apply together or not at all."""
        return self.http.request("post", self._url(key, ":batchUpdate"), json={"requests": requests}).json()


def connect(credentials: str | os.PathLike | None = None, root: str | None = None,
            policy: RetryPolicy | None = None, sleep: Callable[[float], None] | None = None) -> SheetsAPI:
    """A signed-in Sheets API client for the service account (scope: spreadsheets only)."""
    import gspread
    from google.oauth2 import service_account

    path = credentials_path(credentials)
    info = load_key(path)
    try:
        creds = service_account.Credentials.from_service_account_info(info, scopes=list(SCOPES))
    except (ValueError, KeyError) as error:
        raise GoogleSheetError(f"{path} holds a service-account key Google's library cannot use "
                               f"({type(error).__name__}); download a fresh JSON key.") from None
    client = gspread.Client(auth=creds, http_client=http_client_class())
    http = client.http_client
    http.root = root or api_root()
    http.policy = policy or RetryPolicy()
    http.client_email = info["client_email"]
    if sleep is not None:
        http.sleep = sleep
    http.set_timeout(TIMEOUT)
    return SheetsAPI(http, info["client_email"])


def save_credentials(source: str | os.PathLike) -> Path:
    """Copy a service-account key file to the per-user place the tool looks (readable by this user only)."""
    path = Path(source).expanduser()
    info = load_key(path)
    target = USER_CREDENTIALS.expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(info, handle)
    os.chmod(target, 0o600)
    return target

"""A real HTTP server on 127.0.0.1 that answers like the Google Sheets API v4 (and the few Drive and OAuth routes
gspread and google-auth call), for tests: real gspread and real google-auth talk to it over a socket.

Test hooks: `inject` answers chosen requests with 429/500 (before or after applying them, or by dropping the
connection), `before` runs a "teammate" action before a chosen request, `log` counts every request with its body
size, `quota_per_minute` answers 429 past a per-user rate, and direct state access seeds and inspects sheets.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from . import a1
from .cells import Cell, entry, serial, value_of, formula_of
from .fields import apply_mask, parse_mask, trim_grid
from .model import ApiError, Spreadsheet, new_key

SHEETS_SCOPES = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive",
                 "https://www.googleapis.com/auth/drive.file")
READONLY_SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",
                   "https://www.googleapis.com/auth/drive.readonly")
DRIVE_SCOPES = ("https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/drive.file")
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"  # the aud Google requires, whatever token_uri is
DATE_FORMAT = {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
DATETIME_FORMAT = {"numberFormat": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}}


@dataclass
class Logged:
    method: str
    path: str
    query: str
    body_bytes: int
    status: int = 0
    caller: str | None = None

    @property
    def line(self) -> str:
        return f"{self.method} {unquote(self.path)}" + (f"?{self.query}" if self.query else "")


@dataclass
class Fault:
    status: int
    times: int
    match: Callable[[Logged], bool]
    retry_after: float | None = None
    after_apply: bool = False  # the request takes effect, then the answer is an error (an ambiguous failure)
    disconnect: bool = False  # drop the connection instead of answering
    hits: int = 0


@dataclass
class Hook:
    match: Callable[[Logged], bool]
    action: Callable[["FakeSheets"], None]
    nth: int = 1
    seen: int = 0
    done: bool = False


@dataclass
class Identity:
    email: str
    scopes: tuple[str, ...]
    expires: float


def matcher(match) -> Callable[[Logged], bool]:
    """A predicate over a logged request: a callable, or text found in "METHOD /decoded/path?query"."""
    if match is None:
        return lambda request: True
    if callable(match):
        return match
    return lambda request: match in request.line


class FakeSheets:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.log: list[Logged] = []
        self.faults: list[Fault] = []
        self.hooks: list[Hook] = []
        self.tokens: dict[str, Identity] = {}
        self.public_keys: dict[str, object] = {}
        self.grants: list[dict] = []  # JWT claims of every token request, for tests on scopes
        self.max_body_bytes: int | None = None
        self.quota_per_minute: int | None = None
        self._quota_hits: dict[str, list[float]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-sheets", daemon=True)
        self._thread.start()

    # --- lifecycle --------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "FakeSheets":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- test hooks -------------------------------------------------------------------------------------------
    def inject(self, status: int, times: int = 1, match=None, retry_after: float | None = None,
               after_apply: bool = False, disconnect: bool = False) -> Fault:
        fault = Fault(status, times, matcher(match), retry_after, after_apply, disconnect)
        with self.lock:
            self.faults.append(fault)
        return fault

    def before(self, match, action: Callable[["FakeSheets"], None], nth: int = 1) -> Hook:
        """Run `action(fake)` just before the nth request matching `match` is served (a teammate at work)."""
        hook = Hook(matcher(match), action, nth)
        with self.lock:
            self.hooks.append(hook)
        return hook

    def requests(self, match=None) -> list[Logged]:
        test = matcher(match)
        with self.lock:
            return [r for r in self.log if test(r)]

    def reset_log(self) -> None:
        with self.lock:
            self.log.clear()

    def register_key(self, email: str, public_key) -> None:
        self.public_keys[email] = public_key

    def issue_token(self, email: str, scopes: tuple[str, ...] = SHEETS_SCOPES) -> str:
        token = "fake-" + secrets.token_urlsafe(24)
        self.tokens[token] = Identity(email, scopes, time.time() + 3600)
        return token

    # --- state --------------------------------------------------------------------------------------------------
    def create(self, title: str = "Team leads", sheets: dict[str, list[list]] | None = None,
               editors: list[str] | None = None, key: str | None = None) -> str:
        """A spreadsheet holding `sheets` (title -> rows of Python values; datetimes become dated serials)."""
        with self.lock:
            key = key or new_key()
            book = Spreadsheet(key, title)
            book.editors = None if editors is None else set(editors)
            for title_, rows in (sheets or {"Sheet1": []}).items():
                sheet = book.add_sheet(title_, max(1000, len(rows) + 100),
                                       max([26] + [len(r) + 5 for r in rows]))
                sheet.rows = [[seed_entry(v) for v in row] for row in rows]
            self.spreadsheets[key] = book
            return key

    def book(self, key: str) -> Spreadsheet:
        return self.spreadsheets[key]

    def values(self, key: str, title: str) -> list[list]:
        """A sheet's values as rows (None for empty cells), trailing blanks trimmed."""
        with self.lock:
            sheet = self.book(key).by_title(title)
            rows = [[value_of(e) for e in row] for row in sheet.rows]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def cell(self, key: str, title: str, ref: str):
        """The stored entry of one cell ('B7'): value, formula (None unless it is a formula), format."""
        span = a1.parse(ref)
        with self.lock:
            e = self.book(key).by_title(title).get(span.row0, span.col0)
        return e if isinstance(e, Cell) else Cell(e)

    def teammate(self, key: str) -> "Teammate":
        return Teammate(self, key)

    # --- request handling -------------------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers, body: bytes) -> tuple[int, dict, bytes | None]:
        """(status, headers, body); body None means: drop the connection."""
        parts = urlsplit(raw_path)
        request = Logged(method, parts.path, parts.query, len(body))
        with self.lock:
            self.log.append(request)
            for hook in self.hooks:
                if not hook.done and hook.match(request):
                    hook.seen += 1
                    if hook.seen == hook.nth:
                        hook.done = True
                        hook.action(self)
            fault = next((f for f in self.faults if f.hits < f.times and f.match(request)), None)
            if fault is not None:
                fault.hits += 1
            if fault is not None and not fault.after_apply:
                request.status = fault.status
                return self._fault_answer(fault)
            status, extra, payload = self._dispatch(method, parts, headers, body, request)
            request.status = status
            if fault is not None:
                request.status = fault.status
                return self._fault_answer(fault)
            return status, extra, payload

    def _fault_answer(self, fault: Fault):
        if fault.disconnect:
            return fault.status, {}, None
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = f"{fault.retry_after:g}"
        messages = {429: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute "
                         "per user' of service 'sheets.googleapis.com'.",
                    500: "Internal error encountered.", 503: "The service is currently unavailable."}
        error = ApiError(fault.status, messages.get(fault.status, "Injected failure."))
        return fault.status, headers, _json(error.body())

    def _dispatch(self, method, parts, headers, body, request):
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        try:
            if path == "/token" and method == "POST":
                return self._token(body)
            caller = self._authenticate(headers, path, method)
            request.caller = caller.email
            if self.max_body_bytes is not None and len(body) > self.max_body_bytes:
                raise ApiError(400, f"Request payload size exceeds the limit: {self.max_body_bytes} bytes.")
            self._charge_quota(caller.email)
            payload = json.loads(body.decode("utf-8")) if body else {}
            if path.startswith("/v4/spreadsheets"):
                return 200, {}, _json(self._sheets(method, path, query, payload, caller))
            if path.startswith("/drive/v3/files"):
                return self._drive(method, path, query, payload, caller)
            raise ApiError(404, f"The fake Sheets API has no route {method} {path}.")
        except ApiError as error:
            headers = {"WWW-Authenticate": "Bearer"} if error.code == 401 else {}
            return error.code, headers, _json(error.body())
        except (ValueError, KeyError, TypeError) as error:
            return 400, {}, _json(ApiError(400, f"Invalid request: {error}").body())

    def _charge_quota(self, email: str) -> None:
        if self.quota_per_minute is None:
            return
        now = time.time()
        hits = [t for t in self._quota_hits.get(email, []) if now - t < 60]
        if len(hits) >= self.quota_per_minute:
            raise ApiError(429, "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per "
                                "user' of service 'sheets.googleapis.com'.")
        hits.append(now)
        self._quota_hits[email] = hits

    # --- OAuth ------------------------------------------------------------------------------------------------
    def _token(self, body: bytes):
        form = {k: v[0] for k, v in parse_qs(body.decode("ascii")).items()}
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return 400, {}, _json({"error": "unsupported_grant_type"})
        try:
            claims = verify_jwt(form.get("assertion", ""), self.public_keys, GOOGLE_TOKEN_AUDIENCE)
        except ValueError as error:
            return 400, {}, _json({"error": "invalid_grant", "error_description": str(error)})
        self.grants.append(claims)
        scopes = tuple(claims.get("scope", "").split())
        token = self.issue_token(claims["iss"], scopes)
        return 200, {}, _json({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _authenticate(self, headers, path: str, method: str) -> Identity:
        value = headers.get("Authorization", "")
        identity = self.tokens.get(value[7:]) if value.startswith("Bearer ") else None
        if identity is None or identity.expires < time.time():
            raise ApiError(401, "Request is missing required authentication credential. Expected OAuth 2 access "
                                "token, login cookie or other valid authentication credential. See "
                                "https://developers.google.com/identity/sign-in/web/devconsole-project.")
        allowed = DRIVE_SCOPES if path.startswith("/drive") else SHEETS_SCOPES + (
            READONLY_SCOPES if method == "GET" else ())
        if not set(identity.scopes) & set(allowed):
            raise ApiError(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED")
        return identity

    # --- Sheets routes ----------------------------------------------------------------------------------------
    def _sheets(self, method, path, query, payload, caller: Identity) -> dict:
        match = re.match(r"^/v4/spreadsheets/([^/:]+)(.*)$", path)
        if not match:
            raise ApiError(404, "Requested entity was not found.")
        book = self._book_for(unquote(match.group(1)), caller)
        rest = match.group(2)
        one = lambda name: query.get(name, [None])[0]  # noqa: E731
        if rest == "" and method == "GET":
            ranges = query.get("ranges", [])
            grid = (one("includeGridData") or "false").lower() == "true"
            fields = one("fields")
            resource = book.resource(ranges, grid or bool(fields and "data" in fields))
            if fields:
                resource = trim_grid(apply_mask(resource, parse_mask(fields)))
            return resource
        if rest == ":batchUpdate" and method == "POST":
            replies = book.batch_update(payload.get("requests", []), caller.email)
            answer = {"spreadsheetId": book.key, "replies": replies}
            if payload.get("includeSpreadsheetInResponse"):
                answer["updatedSpreadsheet"] = book.resource([], False)
            return answer
        if rest == "/values:batchGet" and method == "GET":
            return {"spreadsheetId": book.key, "valueRanges": [
                book.values_get(r, one("majorDimension") or "ROWS", one("valueRenderOption") or "FORMATTED_VALUE",
                                one("dateTimeRenderOption") or "SERIAL_NUMBER") for r in query.get("ranges", [])]}
        if rest == "/values:batchUpdate" and method == "POST":
            return self._values_batch_update(book, payload)
        if rest == "/values:batchClear" and method == "POST":
            saved = book.checkpoint()
            try:
                cleared = [book.values_clear(r) for r in payload.get("ranges", [])]
            except ApiError:
                book.restore(saved)
                raise
            return {"spreadsheetId": book.key, "clearedRanges": cleared}
        values = re.match(r"^/values/([^:]*)(?::(append|clear))?$", rest)
        if values:
            text = unquote(values.group(1))
            verb = values.group(2)
            if verb is None and method == "GET":
                return book.values_get(text, one("majorDimension") or "ROWS",
                                       one("valueRenderOption") or "FORMATTED_VALUE",
                                       one("dateTimeRenderOption") or "SERIAL_NUMBER")
            if verb is None and method == "PUT":
                return book.values_update(text, payload.get("values", []), one("valueInputOption"),
                                          payload.get("majorDimension") or "ROWS")
            if verb == "append" and method == "POST":
                return book.values_append(text, payload.get("values", []), one("valueInputOption"),
                                          one("insertDataOption") or "OVERWRITE",
                                          payload.get("majorDimension") or "ROWS")
            if verb == "clear" and method == "POST":
                return {"spreadsheetId": book.key, "clearedRange": book.values_clear(text)}
        raise ApiError(404, f"The fake Sheets API has no route {method} {path}.")

    def _values_batch_update(self, book: Spreadsheet, payload: dict) -> dict:
        option = payload.get("valueInputOption")
        saved = book.checkpoint()
        responses, rows, cols, cells, sheets = [], set(), set(), 0, set()
        try:
            for item in payload.get("data", []):
                answer = book.values_update(item["range"], item.get("values", []), option,
                                            item.get("majorDimension") or "ROWS")
                responses.append(answer)
                if "updatedRange" in answer:
                    span = a1.parse(answer["updatedRange"])
                    rows.update((span.title, r) for r in range(span.row0, span.row1))
                    cols.update((span.title, c) for c in range(span.col0, span.col1))
                    cells += answer["updatedCells"]
                    sheets.add(span.title)
        except ApiError:
            book.restore(saved)
            raise
        return {"spreadsheetId": book.key, "totalUpdatedRows": len(rows), "totalUpdatedColumns": len(cols),
                "totalUpdatedCells": cells, "totalUpdatedSheets": len(sheets), "responses": responses}

    def _book_for(self, key: str, caller: Identity) -> Spreadsheet:
        book = self.spreadsheets.get(key)
        if book is None:
            raise ApiError(404, "Requested entity was not found.")
        if book.editors is not None and caller.email not in book.editors:
            raise ApiError(403, "The caller does not have permission")
        return book

    # --- Drive routes (enough for gspread's create / open / delete) -------------------------------------------
    def _drive(self, method, path, query, payload, caller: Identity):
        match = re.match(r"^/drive/v3/files(?:/([^/]+))?$", path)
        if not match:
            raise ApiError(404, f"The fake Drive API has no route {method} {path}.")
        key = match.group(1)
        if key is None and method == "POST":
            book = Spreadsheet(new_key(), payload.get("name", "Untitled spreadsheet"))
            book.add_sheet("Sheet1")
            book.created = dt.datetime.now(dt.timezone.utc)
            self.spreadsheets[book.key] = book
            return 200, {}, _json({"kind": "drive#file", "id": book.key, "name": book.title,
                                   "mimeType": "application/vnd.google-apps.spreadsheet"})
        book = self.spreadsheets.get(key or "")
        if book is None:
            raise ApiError(404, f"File not found: {key}.")
        if method == "DELETE":
            del self.spreadsheets[key]
            return 204, {}, b""
        if method == "GET":
            stamp = getattr(book, "created", dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S.%f")
            info = {"kind": "drive#file", "id": book.key, "name": book.title,
                    "mimeType": "application/vnd.google-apps.spreadsheet", "createdTime": stamp[:-3] + "Z",
                    "modifiedTime": stamp[:-3] + "Z", "version": str(book.version)}
            fields = query.get("fields", [None])[0]
            if fields:
                info = apply_mask(info, parse_mask(fields))
            return 200, {}, _json(info)
        raise ApiError(404, f"The fake Drive API has no route {method} {path}.")


class Teammate:
    """Someone editing the sheet in their browser: sorts, inserts and deletes rows, types into cells."""

    def __init__(self, fake: FakeSheets, key: str) -> None:
        self.fake = fake
        self.key = key

    def _sheet(self, title: str):
        return self.fake.book(self.key).by_title(title)

    def sort(self, title: str, header: str, descending: bool = False, header_row: int = 1,
             columns: tuple[int, int] | None = None) -> None:
        """Data > Sort range by the column under `header` (rows below the header; all columns unless `columns`
        gives a 0-based [start, end) span, as when only part of the sheet is selected)."""
        with self.fake.lock:
            sheet = self._sheet(title)
            col = [value_of(e) for e in sheet.rows[header_row - 1]].index(header)
            last = sheet.last_row_with_data() + 1
            c0, c1 = columns or (0, sheet.col_count)
            self.fake.book(self.key).batch_update([{"sortRange": {
                "range": {"sheetId": sheet.sheet_id, "startRowIndex": header_row, "endRowIndex": last,
                          "startColumnIndex": c0, "endColumnIndex": c1},
                "sortSpecs": [{"dimensionIndex": col, "sortOrder": "DESCENDING" if descending else "ASCENDING"}]}}],
                "teammate@example.com")

    def insert_row(self, title: str, row: int, values: list | None = None) -> None:
        """Insert a row before sheet row `row` (1-based), optionally typing values into it."""
        with self.fake.lock:
            sheet = self._sheet(title)
            self.fake.book(self.key).batch_update([{"insertDimension": {
                "range": {"sheetId": sheet.sheet_id, "dimension": "ROWS", "startIndex": row - 1, "endIndex": row},
                "inheritFromBefore": row > 1}}], "teammate@example.com")
            for c, value in enumerate(values or []):
                if value is not None:
                    sheet.put(row - 1, c, seed_entry(value))

    def delete_row(self, title: str, row: int) -> None:
        with self.fake.lock:
            sheet = self._sheet(title)
            self.fake.book(self.key).batch_update([{"deleteDimension": {
                "range": {"sheetId": sheet.sheet_id, "dimension": "ROWS", "startIndex": row - 1, "endIndex": row}}}],
                "teammate@example.com")

    def type(self, title: str, ref: str, text) -> None:
        """Type into a cell as in the browser (USER_ENTERED: '=...' becomes a formula)."""
        with self.fake.lock:
            self.fake.book(self.key).values_update(f"{a1.quote_title(title)}!{ref}", [[text]], "USER_ENTERED")

    def find_row(self, title: str, header: str, value, header_row: int = 1) -> int:
        """The 1-based sheet row whose `header` column holds `value`."""
        with self.fake.lock:
            sheet = self._sheet(title)
            col = [value_of(e) for e in sheet.rows[header_row - 1]].index(header)
            for r, row in enumerate(sheet.rows):
                if r >= header_row and col < len(row) and value_of(row[col]) == value:
                    return r + 1
        raise KeyError(f"{header} = {value!r} not found on {title}")

    def ref(self, title: str, header: str, row: int, header_row: int = 1) -> str:
        with self.fake.lock:
            col = [value_of(e) for e in self._sheet(title).rows[header_row - 1]].index(header)
        return f"{a1.column_letters(col)}{row}"


def seed_entry(value):
    """How a value typed or pasted into Sheets is held: dates as serial numbers with a date format."""
    if isinstance(value, dt.datetime):
        return entry(_number(serial(value)), None, DATE_FORMAT if value.time() == dt.time(0) else DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return entry(_number(serial(dt.datetime.combine(value, dt.time()))), None, DATE_FORMAT)
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    return entry(value)


def _number(value: float):
    return int(value) if float(value).is_integer() else value


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def verify_jwt(assertion: str, keys: dict, audience: str) -> dict:
    """Check a service account's signed JWT (RS256) the way Google's token endpoint would."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        head, body, signature = assertion.split(".")
        header = json.loads(_b64(head))
        claims = json.loads(_b64(body))
    except (ValueError, json.JSONDecodeError):
        raise ValueError("Invalid JWT.") from None
    if header.get("alg") != "RS256":
        raise ValueError("Invalid JWT algorithm.")
    key = keys.get(claims.get("iss"))
    if key is None:
        raise ValueError("Invalid JWT Signature.")
    try:
        key.verify(_b64(signature), f"{head}.{body}".encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise ValueError("Invalid JWT Signature.") from None
    if claims.get("aud") != audience:
        raise ValueError("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
    if not claims.get("iat", 0) - 300 <= time.time() <= claims.get("exp", 0) + 300:
        raise ValueError("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
    return claims


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _handler(fake: FakeSheets):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # headers and body go out in two writes; without this, Nagle's algorithm and the client's delayed ACK
            # hold every answer back by about 40 ms
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *args) -> None:  # quiet
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            status, headers, payload = fake.handle(self.command, self.path, self.headers, body)
            if payload is None:  # an injected dropped connection
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.send_response(status)
            if payload:
                self.send_header("Content-Type", "application/json; charset=UTF-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler


__all__ = ["FakeSheets", "Teammate", "Logged", "seed_entry", "formula_of"]

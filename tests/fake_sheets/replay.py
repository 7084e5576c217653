"""Replay gspread's recorded real-Google interactions (cassettes) against the fake and diff the answers.

The cassettes come from gspread's own test suite (MIT, LICENSE-gspread.txt), copied unchanged from
../shared/reference/gspread_cassettes/ into cassettes.json.gz so a clean clone can run the check; `python -m
fake_sheets.replay --bundle DIR` rebuilds the bundle. Each cassette is replayed in order: the spreadsheet Drive
creates is created in the fake and its id mapped; ids Google picks at random (sheetId of addSheet) are passed in
the request, which the API allows; everything else must come back exactly as Google answered.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
BUNDLE = HERE / "cassettes.json.gz"
SHARED = HERE.parents[2] / "shared" / "reference" / "gspread_cassettes"
RECORDED_CALLER = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"
HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
RANDOM_IDS = ("protectedRangeId",)
DRIVE_TIMES = ("createdTime", "modifiedTime")


def load_bundle(path: Path = BUNDLE) -> dict[str, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def load_directory(directory: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))}


def write_bundle(directory: Path, path: Path = BUNDLE) -> None:
    data = json.dumps(load_directory(directory), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def unsupported(cassette: dict, implemented: set[str]) -> str | None:
    """Why the fake does not model this cassette (an operation outside the part of the API it implements)."""
    for item in cassette["interactions"]:
        request = item["request"]
        method, uri = request["method"], request["uri"]
        path = uri.split("?")[0]
        if "googleapis.com/upload" in uri:
            return "Drive upload (CSV import)"
        if "/drive/v3/files" in path:
            tail = path.split("/drive/v3/files", 1)[1]
            if method == "GET" and tail == "":
                return "Drive file listing"
            if tail.count("/") > 1:
                return "Drive " + tail.split("/")[-1]
            continue
        if path.endswith(":batchUpdate") and "/values" not in path:
            for sub in json.loads(request["body"])["requests"]:
                kind = next(iter(sub))
                if kind not in implemented:
                    return kind
    return None


def replay(fake, cassette: dict) -> list[str]:
    """Send every recorded request to the fake; returns the differences from Google's recorded answers."""
    token = fake.issue_token(RECORDED_CALLER, ("https://www.googleapis.com/auth/drive",
                                               "https://www.googleapis.com/auth/spreadsheets"))
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    ids: dict[str, str] = {}  # recorded spreadsheet id -> fake id
    random_ids: dict[object, object] = {}  # fake random id -> recorded id
    problems: list[str] = []
    try:
        for number, item in enumerate(cassette["interactions"]):
            request, recorded = item["request"], item["response"]
            uri = request["uri"]
            for host in HOSTS:
                uri = uri.replace(host, fake.url)
            for old, new in ids.items():
                uri = uri.replace(old, new)
            body = request.get("body")
            expected_status = recorded["status"]["code"]
            expected_text = recorded["body"]["string"]
            key = _spreadsheet_key(uri)
            if expected_status == 403 and key and key not in fake.spreadsheets:
                fake.create("Someone else's sheet", key=key, editors=["owner@example.com"])  # exists, not shared
            if body:
                for fake_id, recorded_id in random_ids.items():
                    body = body.replace(f'"protectedRangeId": {recorded_id}', f'"protectedRangeId": {fake_id}')
            if body and "addSheet" in body and expected_status == 200:
                body = _pin_sheet_ids(body, json.loads(expected_text))
            headers = {"Content-Type": "application/json"} if body else {}
            answer = session.request(request["method"], uri, data=body.encode("utf-8") if body else None,
                                     headers=headers)
            if request["method"] == "POST" and uri.split("?")[0].endswith("/drive/v3/files") and answer.ok:
                ids[json.loads(expected_text)["id"]] = answer.json()["id"]
            where = f"#{number} {request['method']} {request['uri'].split('googleapis.com')[-1][:90]}"
            if answer.status_code != expected_status:
                problems.append(f"{where}: status {answer.status_code}, Google answered {expected_status}: "
                                f"{answer.text[:300]}")
                continue
            if not expected_text.strip():
                continue
            got = _normalise(answer.text, ids, random_ids, json.loads(expected_text))
            want = json.loads(expected_text)
            if got != want:
                problems.append(f"{where}:\n    fake:   {json.dumps(got)[:600]}\n    google: {json.dumps(want)[:600]}")
    finally:
        session.close()
    return problems


def _spreadsheet_key(uri: str) -> str | None:
    match = re.search(r"/v4/spreadsheets/([^/:?]+)", uri)
    return match.group(1) if match else None


def _pin_sheet_ids(body: str, expected: dict) -> str:
    data = json.loads(body)
    replies = expected.get("replies", [])
    for sub, reply in zip(data.get("requests", []), replies):
        if "addSheet" in sub and "addSheet" in reply:
            sub["addSheet"].setdefault("properties", {})["sheetId"] = reply["addSheet"]["properties"]["sheetId"]
    return json.dumps(data)


def _normalise(text: str, ids: dict[str, str], random_ids: dict, want) -> object:
    for recorded, fake_id in ids.items():
        text = text.replace(fake_id, recorded)
    got = json.loads(text)
    _adopt_random_ids(got, want, random_ids)
    return got


def _adopt_random_ids(got, want, mapping: dict) -> None:
    """Ids Google picks at random (protected ranges) are compared by position, and drive timestamps by form."""
    if isinstance(got, dict) and isinstance(want, dict):
        for key in list(got):
            if key in RANDOM_IDS and key in want:
                mapping.setdefault(got[key], want[key])
                got[key] = mapping[got[key]]
            elif key in DRIVE_TIMES and key in want and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$",
                                                                   str(got[key])):
                got[key] = want[key]
            elif key in want:
                _adopt_random_ids(got[key], want[key], mapping)
    elif isinstance(got, list) and isinstance(want, list):
        for g, w in zip(got, want):
            _adopt_random_ids(g, w, mapping)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bundle":
        write_bundle(Path(sys.argv[2]))
        print(f"wrote {BUNDLE}")
    else:
        print("usage: python -m fake_sheets.replay --bundle ../shared/reference/gspread_cassettes")

"""A local fake of the Google Sheets API v4 over real HTTP (127.0.0.1), for tests. See server.py."""

import atexit

from .credentials import SERVICE_ACCOUNT, service_account_file
from .server import FakeSheets, Teammate, seed_entry


def redirect_session(fake, credentials):
    """An authorised requests session for plain gspread that sends Google's API hosts to the fake and refuses
    every other address, so a test can never reach Google."""
    from google.auth.transport.requests import AuthorizedSession

    class RedirectSession(AuthorizedSession):
        HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")

        def request(self, method, url, *args, **kwargs):
            for host in self.HOSTS:
                if url.startswith(host):
                    url = fake.url + url[len(host):]
                    break
            else:
                if not url.startswith(fake.url):
                    raise RuntimeError(f"test tried to reach {url}")
            return super().request(method, url, *args, **kwargs)

    return RedirectSession(credentials)


_SHARED: list = []


def shared_fake() -> FakeSheets:
    """One fake server for a whole test run (each test makes its own spreadsheet in it)."""
    if not _SHARED:
        fake = FakeSheets()
        atexit.register(fake.close)
        _SHARED.append(fake)
    return _SHARED[0]


def gsheet_store(fake, key: str, key_file, sleep=None, **options):
    """The product's GsheetStore on a fake spreadsheet, signed in with a service-account key file."""
    from sync.gsheet_client import RetryPolicy, connect
    from sync.gsheet_store import GsheetStore

    policy = options.pop("policy", None) or RetryPolicy()
    api = connect(key_file, root=fake.url, policy=policy, sleep=sleep or (lambda seconds: None))
    return GsheetStore(key, api, policy=policy, sleep=sleep or (lambda seconds: None), **options)


__all__ = ["shared_fake", "gsheet_store", "FakeSheets", "Teammate", "seed_entry", "service_account_file",
           "SERVICE_ACCOUNT", "redirect_session"]

"""The IMAP Sent folder against a real IMAP server (Dovecot) on 127.0.0.1: no mocked imaplib."""

from __future__ import annotations

import datetime as dt
import imaplib

import keyring
import pytest
from email_log_files import AGENT, at, bounce_report, message, tracker
from imap_server import PASSWORD, Dovecot
from keyring.backend import KeyringBackend

from leadtracker.errors import UsageError
from sync.email_logs.command import run_sync_email
from sync.email_logs.imap import KEYRING_SERVICE, PASSWORD_VARIABLE

TODAY = dt.date(2026, 11, 29)
ENV = {PASSWORD_VARIABLE: PASSWORD}


@pytest.fixture(scope="module")
def server():
    dovecot = Dovecot()
    try:
        connection = imaplib.IMAP4("127.0.0.1", dovecot.port)
        connection.login(AGENT, PASSWORD)
        sent = [
            message(f"Pat Agent <{AGENT}>", "Avery Quill <avery.quill@example.com>", "Your home's value", at(20),
                    "d3.l1@agent.example", X_Lead_Id="L-1", X_Lead_Step="D3"),
            message(f"Pat Agent <{AGENT}>", "blake.work@example.net", "Checking in", at(21), "manual.l2@gmail.example"),
            message(f"Pat Agent <{AGENT}>", "casey.dunmore@example.com", "Options for 40 Elm St", at(21),
                    "d5.l3@agent.example", X_Lead_Id="L-3", X_Lead_Step="D5"),
            message(f"Pat Agent <{AGENT}>", "cousin@family.example", "Thanksgiving", at(22), "family@gmail.example"),
            message(f"Pat Agent <{AGENT}>", "dana.ortolan@example.com", "A note about 7 Bay Ct", at(2),
                    "d1.l4@agent.example", X_Lead_Id="L-4", X_Lead_Step="D1"),
        ]
        for msg in sent:
            status, _ = connection.append("Sent", None, imaplib.Time2Internaldate(msg_time(msg)), msg.as_bytes())
            assert status == "OK"
        failed = message(f"Pat Agent <{AGENT}>", "dana.ortolan@example.com", "Meeting times", at(23),
                         "d4.l4@agent.example", X_Lead_Id="L-4")
        inbox = [
            message("Casey Dunmore <casey.dunmore@example.com>", AGENT, "Re: Options for 40 Elm St", at(24),
                    "reply.cd@example.com", In_Reply_To="<d5.l3@agent.example>").as_bytes(),
            bounce_report(failed, "dana.ortolan@example.com", at(23, 14, 2)),
        ]
        for raw in inbox:
            assert connection.append("INBOX", None, imaplib.Time2Internaldate(at(24).timestamp()), raw)[0] == "OK"
        connection.logout()
        yield dovecot
    finally:
        dovecot.stop()


def msg_time(msg) -> float:
    from email.utils import parsedate_to_datetime
    return parsedate_to_datetime(msg["Date"]).timestamp()


def settings(port: int, **extra) -> dict:
    values = {"Agent Email": AGENT, "Time Zone": "America/New_York", "IMAP Host": "127.0.0.1",
              "IMAP User": AGENT, "IMAP Port": port}
    values.update(extra)
    return values


def rows_of(store) -> list[dict]:
    rows = store.table("Activity")
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_sent_folder_from_settings_then_again_adds_nothing(server):
    store = tracker(settings=settings(server.port))
    report = run_sync_email(store, ["imap:"], None, today=TODAY, environ=ENV)
    c = report.counts
    assert (c.read, c.matched, c.new, c.duplicate, c.unmatched, c.rejected) == (5, 4, 4, 0, 1, 0)
    got = sorted((r["Lead ID"], r["Step"], r["Outcome"], r["Ref"]) for r in rows_of(store))
    assert got == [("L-1", "D3", "Sent", "<d3.l1@agent.example>"),
                   ("L-2", "D1", "Sent", "<manual.l2@gmail.example>"),  # no step on it: the plan's first email step
                   ("L-3", "D5", "Sent", "<d5.l3@agent.example>"),
                   ("L-4", "D1", "Sent", "<d1.l4@agent.example>")]
    assert [p.address for p in report.problems if p.kind == "Unmatched"] == ["cousin@family.example"]

    again = run_sync_email(store, ["imap:"], None, today=TODAY, environ=ENV)
    assert (again.counts.new, again.counts.duplicate) == (0, 4)
    assert len(rows_of(store)) == 4

    # the folder was read without marking anything read
    connection = imaplib.IMAP4("127.0.0.1", server.port)
    connection.login(AGENT, PASSWORD)
    connection.select("Sent", readonly=True)
    status, flags = connection.fetch("1:*", "(FLAGS)")
    connection.logout()
    assert status == "OK" and not any(b"\\Seen" in f for f in flags)


def test_since_is_asked_of_the_server(server):
    store = tracker(settings=settings(server.port))
    report = run_sync_email(store, ["imap:"], None, since=dt.date(2026, 11, 15), today=TODAY, environ=ENV)
    assert report.counts.read == 4  # the Nov 2 message was not even fetched
    assert "L-4" not in {r["Lead ID"] for r in rows_of(store)}


def test_inbox_replies_and_bounces_through_an_imap_address(server):
    store = tracker(settings=settings(server.port))
    run_sync_email(store, ["imap:"], None, today=TODAY, environ=ENV)
    report = run_sync_email(store, [f"imap://{AGENT.replace('@', '%40')}@127.0.0.1:{server.port}/INBOX"], None,
                            today=TODAY, environ=ENV)
    assert report.counts.new == 2
    new = {(r["Lead ID"], r["Outcome"]) for r in rows_of(store) if r["Outcome"] != "Sent"}
    assert new == {("L-3", "Replied"), ("L-4", "Bounced")}
    leads = store.table("Leads")
    by_id = {r[leads[0].index("Lead ID")]: dict(zip(leads[0], r)) for r in leads[1:]}
    assert by_id["L-3"]["Stage"] == "Engaged"
    assert "Email (bounced)" in by_id["L-4"]["Contact Rules"]


def test_password_from_the_keyring(server):
    class MemoryKeyring(KeyringBackend):
        priority = 1
        stored: dict = {}

        def get_password(self, service, username):
            return self.stored.get((service, username))

        def set_password(self, service, username, password):
            self.stored[(service, username)] = password

        def delete_password(self, service, username):
            self.stored.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        keyring.set_password(KEYRING_SERVICE, f"{AGENT}@127.0.0.1", PASSWORD)
        store = tracker(settings=settings(server.port))
        report = run_sync_email(store, ["imap:"], None, today=TODAY, environ={})
        assert report.counts.new == 4
    finally:
        keyring.set_keyring(previous)


def test_wrong_password_is_a_clear_error_without_the_password(server):
    store = tracker(settings=settings(server.port))
    with pytest.raises(UsageError) as error:
        run_sync_email(store, ["imap:"], None, today=TODAY, environ={PASSWORD_VARIABLE: "wrong-horse"})
    assert "refused the login" in str(error.value) and "wrong-horse" not in str(error.value)
    assert store.commits == 0  # nothing saved


def test_no_password_anywhere_says_how_to_set_one(server):
    store = tracker(settings=settings(server.port))
    previous = keyring.get_keyring()
    from keyring.backends.fail import Keyring as FailKeyring
    keyring.set_keyring(FailKeyring())
    try:
        with pytest.raises(UsageError) as error:
            run_sync_email(store, ["imap:"], None, today=TODAY, environ={})
    finally:
        keyring.set_keyring(previous)
    assert PASSWORD_VARIABLE in str(error.value) and "keyring set leadtracker-imap" in str(error.value)


def test_a_server_with_an_untrusted_certificate_never_gets_the_password(tmp_path):
    """imaps:// to a server whose certificate no trusted authority signed (a self-signed one, as someone in
    between would present): the connection is refused before LOGIN, with a message that says so."""
    import socket
    import ssl
    import subprocess
    import threading

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    received: list[bytes] = []

    def serve():
        raw, _ = listener.accept()
        try:
            with context.wrap_socket(raw, server_side=True) as tls:
                tls.sendall(b"* OK IMAP4rev1 ready\r\n")
                received.append(tls.recv(4096))
        except (ssl.SSLError, OSError):
            pass  # the client hung up during the handshake, as it should

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    store = tracker()
    with pytest.raises(UsageError) as error:
        run_sync_email(store, [f"imaps://agent@127.0.0.1:{port}/Sent"], None, today=TODAY,
                       environ={PASSWORD_VARIABLE: "correct-horse"})
    thread.join(10)
    listener.close()
    assert "did not prove who it is" in str(error.value) and "your password was not sent" in str(error.value)
    assert "correct-horse" not in str(error.value)
    assert not any(b"LOGIN" in chunk.upper() for chunk in received)
    assert store.commits == 0

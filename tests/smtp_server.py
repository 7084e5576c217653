"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts, for the email tests.

It takes a login (any user, the password given), refuses recipients at bounce.example.com for good (550) and at
busy.example.com for now (451), and accepts everything else, keeping the raw message.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

PASSWORD = "s3cret-app-password"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes
    authenticated: bool

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.raw)  # type: ignore[return-value]


@dataclass
class Capture:
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@bounce.example.com"):
            return "550 5.1.1 No such user here"
        if address.endswith("@busy.example.com"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or
                                      envelope.content, session.authenticated))
        return "250 2.0.0 OK queued"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


def free_port() -> int:
    with socket.socket() as probe:  # aiosmtpd cannot start on port 0 (it checks the port it was given)
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self) -> None:
        self.capture = Capture()
        self.port = free_port()
        self.controller = Controller(self.capture, hostname="127.0.0.1", port=self.port,
                                     authenticator=self.capture.authenticate, auth_require_tls=False)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.capture.received

    def settings(self, user: str = "jordan.avery@example.com") -> dict[str, object]:
        return {"SMTP Host": "127.0.0.1", "SMTP Port": self.port, "SMTP User": user, "SMTP TLS": "None"}

"""Sending through the agent's own mail server (smtplib), with the password kept out of the workbook.

Where: SMTP Host, SMTP Port, SMTP User and SMTP TLS on the Settings sheet. The password comes from the environment
variable LEADTRACKER_SMTP_PASSWORD, else the system keyring (service "leadtracker-smtp", user "USER@HOST", stored
once with `keyring set leadtracker-smtp USER@HOST`), never from the workbook, the command line or a log. TLS is
STARTTLS (port 587) or SSL (port 465); a plain connection is allowed only to a server on this computer (127.0.0.1),
where test servers and local relays run.
"""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from ..errors import LeadTrackerError, UsageError
from ..passwords import stored_password
from ..settings import Settings

PASSWORD_VARIABLE = "LEADTRACKER_SMTP_PASSWORD"
KEYRING_SERVICE = "leadtracker-smtp"
TIMEOUT = 60


@dataclass(frozen=True)
class SmtpAccount:
    host: str
    port: int
    user: str
    tls: str  # STARTTLS, SSL or None

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}" if self.user else self.host

    @property
    def loopback(self) -> bool:
        """This computer, by name or address (no DNS lookup: a name that merely resolves there does not count)."""
        if self.host.casefold() == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return False


@dataclass(frozen=True)
class SendResult:
    accepted: bool
    code: int
    response: str

    @property
    def permanent(self) -> bool:
        return not self.accepted and 500 <= self.code < 600


def account_from(settings: Settings) -> SmtpAccount:
    if not settings.smtp_host:
        raise UsageError("Settings: SMTP Host is blank, so I cannot send. Fill in SMTP Host, SMTP Port, SMTP User "
                         "and SMTP TLS on the Settings sheet (for example smtp.gmail.com, 587, you@example.com, "
                         "STARTTLS), or leave out --send to write drafts you send yourself.")
    return SmtpAccount(settings.smtp_host.strip(), int(settings.smtp_port), settings.smtp_user.strip(),
                       settings.smtp_tls)


def password_for(account: SmtpAccount, environ: dict[str, str] | None = None) -> str | None:
    """The password, or None when the server takes no login (no SMTP User)."""
    if not account.user:
        return None
    return stored_password("SMTP", PASSWORD_VARIABLE, KEYRING_SERVICE, account.label, environ)


class Sender:
    """One SMTP session for a batch: `with Sender(account, password) as s: s.send(message)`."""

    def __init__(self, account: SmtpAccount, password: str | None) -> None:
        self.account = account
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "Sender":
        account = self.account
        if account.tls not in ("SSL", "STARTTLS") and not account.loopback:
            raise UsageError(f"SMTP TLS is None, but {account.host} is not this computer; I will not send your mail "
                             "or password unencrypted. Use STARTTLS (port 587) or SSL (port 465).")
        try:
            if account.tls == "SSL":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(account.host, account.port, timeout=TIMEOUT,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(account.host, account.port, timeout=TIMEOUT)
                smtp.ehlo()
                if account.tls == "STARTTLS":
                    if not smtp.has_extn("starttls"):
                        smtp.quit()
                        raise UsageError(f"{account.host}:{account.port} does not offer STARTTLS; use SMTP TLS = "
                                         "SSL with port 465, or the port your provider gives for STARTTLS.")
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
        except (OSError, smtplib.SMTPException) as error:
            raise UsageError(f"Cannot reach the mail server {account.host}:{account.port} ({error}). Check SMTP "
                             "Host and SMTP Port on the Settings sheet, and your internet connection.") from error
        if account.user:
            try:
                smtp.login(account.user, self._password or "")
            except smtplib.SMTPException as error:
                smtp.close()
                reason = str(error).replace(self._password, "***") if self._password else str(error)
                raise UsageError(f"The mail server refused the login for {account.label} ({reason}). Check SMTP "
                                 "User and the password (Gmail and Outlook.com need an app password).") from error
        self._smtp = smtp
        return self

    def send(self, message: EmailMessage) -> SendResult:
        assert self._smtp is not None
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, response = next(iter(error.recipients.values()))
            return SendResult(False, int(code), _text(response))
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            return SendResult(False, int(error.smtp_code), _text(error.smtp_error))
        except (OSError, smtplib.SMTPException) as error:
            raise LeadTrackerError(f"The connection to {self.account.host} broke while sending ({error}); what was "
                                   "sent is logged. Run the same command again to send the rest.") from error
        if refused:
            code, response = next(iter(refused.values()))
            return SendResult(False, int(code), _text(response))
        return SendResult(True, 250, "accepted")

    def __exit__(self, *exc) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

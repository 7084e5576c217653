"""Email messages: plain text and HTML, the headers that tie a message to its lead, the footer every commercial
email must carry, and attachments (the market analysis PDF, meeting invites).

Headers: our own Message-ID (the key the email-log sync matches on, so it is set here and logged), X-Lead-Id and
X-Lead-Step (what the sync reads first, DESIGN §9), List-Unsubscribe with a mailto (RFC 2369; sync-email reads a reply as an
opt-out when its subject or its own new text asks to be removed: sync/email_logs/opt_out.py), and X-Unsent: 1 on drafts so Outlook opens an .eml
as a new message to send. The footer is added here, not in the templates, so an edited template can never drop it: the
agent's physical postal address and a working opt-out, and the message marked as a solicitation (CAN-SPAM Act,
15 U.S.C. 7704(a)(3), (a)(5); 16 CFR 316), plus a plain statement that the agent is not the lender or a government
agency.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from markupsafe import escape

from ..errors import UsageError
from ..settings import Settings
from .text import clean


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    maintype: str
    subtype: str
    params: dict = field(default_factory=dict)


def sender_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower() or "leadtracker.invalid"


def message_id_for(lead_id: str, step: str, day: dt.date, address: str, domain: str) -> str:
    """The same lead, step, day and address always get the same Message-ID, so a second run is recognised."""
    token = hashlib.sha1(f"{lead_id}|{step}|{day.isoformat()}|{address.lower()}".encode("utf-8", "surrogatepass"))
    slug = re.sub(r"[^A-Za-z0-9]+", "", lead_id)[:24] or "lead"
    step_slug = re.sub(r"[^A-Za-z0-9]+", "", step)[:12] or "step"
    return f"<lt.{slug}.{step_slug}.{day:%Y%m%d}.{token.hexdigest()[:12]}@{domain}>"


def unsubscribe_mailto(settings: Settings) -> str:
    return f"mailto:{settings.agent_email}?subject=unsubscribe"


def footer_lines(settings: Settings) -> list[str]:
    name = clean(settings.agent_name)
    brokerage = clean(settings.brokerage)
    license_number = clean(settings.license_number)
    identity = " · ".join(p for p in (name, f"Real estate agent, {brokerage}" if brokerage else "Real estate agent",
                                      f"License {license_number}" if license_number else "") if p)
    return [
        identity,
        clean(settings.office_address),
        "This email is a solicitation for real estate services. I am not your lender or a government agency. If "
        "your home is listed with another agent, please disregard it.",
        f"To stop emails from me, reply with the word unsubscribe (or write to {clean(settings.agent_email)}), and "
        "I will not email you again.",
    ]


def require_sender(settings: Settings) -> None:
    """Emails need the agent's address to come from and an office address for the footer (CAN-SPAM)."""
    missing = [label for label, value in (("Agent Name", settings.agent_name), ("Agent Email", settings.agent_email),
                                          ("Office Address", settings.office_address)) if not clean(value)]
    if missing:
        raise UsageError(f"Settings: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} blank. Every email "
                         "carries your name, your address to reply to, and your office's postal address (the law "
                         "for commercial email asks for it); fill them in on the Settings sheet, then run again.")
    if "@" not in settings.agent_email:
        raise UsageError(f"Settings: Agent Email {settings.agent_email!r} is not an email address.")


def html_document(subject: str, body: str, settings: Settings) -> str:
    footer = "<br>\n".join(str(escape(line)) for line in footer_lines(settings)[:2] if line)
    notes = "".join(f"<p style=\"margin:6px 0\">{escape(line)}</p>" for line in footer_lines(settings)[2:])
    link = str(escape(unsubscribe_mailto(settings)))
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + str(escape(subject)) + "</title></head>\n"
            "<body style=\"font-family:Calibri,Arial,sans-serif;font-size:15px;line-height:1.5;color:#222\">\n"
            + body + "\n<hr style=\"border:none;border-top:1px solid #ccc;margin-top:24px\">\n"
            "<div style=\"font-size:12px;color:#595959\"><p style=\"margin:6px 0\">" + footer + "</p>\n" + notes
            + f"<p style=\"margin:6px 0\"><a href=\"{link}\">Unsubscribe</a></p></div>\n</body></html>\n")


def build_message(*, settings: Settings, to_name: str, to_email: str, subject: str, text: str, html: str | None,
                  lead_id: str, step: str, message_id: str, when: dt.datetime, attachments: tuple[Attachment, ...] = (),
                  draft: bool = False) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = Address(display_name=clean(settings.agent_name), addr_spec=clean(settings.agent_email))
    message["To"] = Address(display_name=clean(to_name), addr_spec=clean(to_email))
    message["Subject"] = clean(subject)
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id
    message["X-Lead-Id"] = clean(lead_id)
    message["X-Lead-Step"] = clean(step)
    message["List-Unsubscribe"] = f"<{unsubscribe_mailto(settings)}>"
    if draft:
        message["X-Unsent"] = "1"
    footer = "\n".join(line for line in footer_lines(settings) if line)
    message.set_content(text.rstrip("\n") + "\n\n-- \n" + footer + "\n")
    if html is not None:
        message.add_alternative(html_document(subject, html, settings), subtype="html")
    for item in attachments:
        message.add_attachment(item.data, maintype=item.maintype, subtype=item.subtype, filename=item.filename,
                               params=item.params or None)
    return message


def valid_address(address: str) -> bool:
    """An address a message can be sent to (syntax only; no lookups)."""
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError):
        return False
    return "@" in address and "." in address.rpartition("@")[2]

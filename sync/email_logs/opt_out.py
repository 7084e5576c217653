"""Does a homeowner's email ask for no more email? Our footer says "reply with the word unsubscribe", so a reply
saying so (in its Subject, or in the first lines of its own new text) is an opt-out: an Unsubscribed row, never a
Replied one (15 U.S.C. 7704(a)(4): honour the request; see leadtracker/rules/contact.py EMAIL_OPT_OUT).

Precision over recall, because a false opt-out stops all email to a lead who wanted it:
- only the reply's own new text counts: lines quoted from our email (">" lines, everything after "On ... wrote:",
  "-----Original Message-----", an Outlook "From: / Sent:" block, a "-- " signature or Gmail's and Outlook's HTML
  quote blocks) are dropped, so our own footer quoted back ("reply unsubscribe") is not a request;
- only the first FIRST_LINES non-blank lines of it, where a short reply says what it wants;
- a phrase after a negation in the same clause ("please don't unsubscribe me") does not count.
Bounded: at most BODY_BYTES of the raw message body are read, and TEXT_CHARS of its text examined.
"""

from __future__ import annotations

import html
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

BODY_BYTES = 64 * 1024   # raw body bytes a reader keeps for a received message (MIME headers, HTML styles...)
TEXT_CHARS = 4 * 1024    # decoded text examined
FIRST_LINES = 6          # non-blank lines of new text in which an opt-out counts

# The opt-out phrases, case-insensitive and word-bounded. Keep the list small: each is an unambiguous request.
PHRASES = re.compile(r"""\b(
      unsubscribe
    | remove\s+(me|us|my\s+(e-?mail|address|name))
    | take\s+(me|us)\s+off
    | stop\s+(e-?mailing|sending|contacting|writing|messaging|(the\s+|these\s+|your\s+)?e-?mails)
    | (do\s+not|don't|dont|never)\s+(e-?mail|contact|message|write\s+to)\s+(me|us)
    | opt(\s+me)?[\s-]*out
    | no\s+more\s+e-?mails
)\b""", re.I | re.X)
ALONE = re.compile(r"^\W*(please\W+)?(stop|remove)\W*$", re.I)  # a reply that is just "STOP" or "Remove."
NEGATION = re.compile(r"\b(don't|dont|do\s+not|not(?!\s+interested)|no\s+need\s+to)\b", re.I)
CLAUSE_END = re.compile(r"[.,;:!?()]")
SUBJECT = re.compile(r"^\s*((re|aw|sv|antw)\s*:\s*)*(unsubscribe|remove me|stop|opt[ -]?out|"
                     r"do not (e-?mail|contact) me)\b", re.I)

# Where quoted text starts in a plain-text reply.
_WROTE = re.compile(r"^(on|le|am|el)\b.{0,300}(wrote|a écrit|schrieb|escribió)\s*:?\s*$", re.I | re.S)
_SEPARATOR = re.compile(r"^\s*(-{2,}\s*(original message|forwarded message|message d'origine)\s*-{2,}|_{10,}|"
                        r"-- ?)\s*$", re.I)
_HEADER_LINE = re.compile(r"^\s*\*?(from|sent|date|to|subject|cc)\s*:\*?\s", re.I)
# Where quoted text starts in an HTML reply: Gmail, Outlook, Thunderbird, Yahoo and Apple Mail quote blocks.
_HTML_QUOTE = re.compile(r"<blockquote|class=\"?gmail_quote|id=\"?divRplyFwdMsg|id=\"?appendonsend|"
                         r"class=\"?moz-cite-prefix|class=\"?yahoo_quoted|<hr\b", re.I)
_HTML_DROP = re.compile(r"<(head|style|script)\b.*?</\1\s*>", re.I | re.S)
_HTML_BREAK = re.compile(r"<(br|/p|/div|/tr|/li|/h\d|p|div|li)\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"<[^>]*>")

_PARSER = BytesParser(policy=policy.default)


def subject_asks(subject: str | None) -> bool:
    """A Subject that starts with an opt-out ("unsubscribe", "Re: Remove me")."""
    return bool(subject) and bool(SUBJECT.match(subject))


def message_asks(raw: bytes | None) -> bool:
    """Whether a received message's own new text asks for no more email. `raw` is the message, headers and (a
    bounded start of) its body; anything unreadable counts as no request."""
    if not raw:
        return False
    return text_asks(new_text(message_text(raw)))


def message_text(raw: bytes) -> str:
    """The message's plain-text part, else its HTML part turned into text (quote blocks cut off), capped."""
    try:
        message = _PARSER.parsebytes(raw)
        if not isinstance(message, EmailMessage):
            return ""
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        content = part.get_content()
    except (LookupError, ValueError, UnicodeError, TypeError, AttributeError, KeyError):
        return ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = html_text(content[: BODY_BYTES])
    return content[:TEXT_CHARS]


def html_text(markup: str) -> str:
    """The text of an HTML reply above its quote block."""
    quote = _HTML_QUOTE.search(markup)
    if quote:
        markup = markup[: quote.start()]
    markup = _HTML_DROP.sub(" ", markup)
    markup = _HTML_BREAK.sub("\n", markup)
    return html.unescape(_HTML_TAG.sub("", markup))


def new_text(text: str) -> list[str]:
    """The first FIRST_LINES non-blank lines the sender wrote, before (or between) quoted lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _SEPARATOR.match(line) or _WROTE.match(stripped) or (
                stripped.lower().startswith(("on ", "le ", "am ", "el ")) and index + 1 < len(lines)
                and _WROTE.match(stripped + " " + lines[index + 1].strip())):
            break
        if _HEADER_LINE.match(line) and any(_HEADER_LINE.match(n) for n in lines[index + 1:index + 5]):
            break  # an Outlook-style "From: ... Sent: ... To: ..." block heads the quoted original
        if stripped.startswith(">") or not stripped:
            continue
        out.append(stripped)
        if len(out) == FIRST_LINES:
            break
    return out


def text_asks(lines: list[str]) -> bool:
    """An opt-out phrase in these lines, not after a negation in its clause; or a first line that is only
    "stop" or "remove"."""
    if lines and ALONE.match(lines[0]):
        return True
    for line in lines:
        line = line.replace("\u2019", "'")
        for found in PHRASES.finditer(line):
            before = CLAUSE_END.split(line[: found.start()])[-1]
            if found.group(1).lower().startswith(("do", "never")) or not NEGATION.search(before):
                return True
    return False

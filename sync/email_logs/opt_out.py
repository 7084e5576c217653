"""Does a homeowner's email ask for no more email? Our footer says "reply unsubscribe", so a reply saying so (in
its Subject, or in its own new text) is an opt-out: an Unsubscribed row, never a Replied one (15 U.S.C.
7704(a)(4): honour the request; see leadtracker/rules/contact.py EMAIL_OPT_OUT).

Both errors hurt: a missed request keeps emailing someone who said stop (a CAN-SPAM violation), and a false one
closes email for good on a homeowner who asked a real question ("Can you remove me from the mortgage?",
"take me off the loan", "opt out of the auction" are everyday preforeclosure and divorce questions). So a phrase
counts only when it is about email or a list, and these are the phrases (case-insensitive, whole words, "'" or
"’", "e-mail" or "email"):
- "unsubscribe", anywhere ("unsubscribe me", "why not just unsubscribe me"), except footer wording quoted
  without ">" ("reply unsubscribe", "to stop these emails", "click unsubscribe", "the unsubscribe link");
- remove / delete / take off + me, us, my name, my (e-mail) address, aimed at email or a list:
  "remove me from your/the/this (mailing/email/contact) list", "... from your emails/mailings/database",
  "take me off (of) your/the (mailing/email) list", "take me off your emails"; or "remove me", "take me off"
  ending its clause ("Not interested, remove me.", "Please take me off!") in a sentence that is no question;
- "stop" or "quit" + "emailing (me)", "sending (me) (any more) (these/your) emails/messages/these",
  "contacting me by/via email";
- "do not", "don't", "never" + "email me", "contact me" (ending its clause, or + again/anymore/ever);
- "do not / don't send me (any) (more/further) emails", "do not / don't / no longer wish|want to receive|get
  (any) (more/further) (your/these) emails", "don't want any more emails", "no more emails";
- "opt me out"; "opt out" alone on a line, or + "of/from your/these/the emails/list/mailing(s)";
- a line that is only "stop", "remove", "unsubscribe", "opt out", "remove me", "take me off" (with "please",
  punctuation): "STOP!!", "Stop please".
A phrase whose verb comes right after a negator ("don't unsubscribe me", "do not remove me from the list",
"please don't stop emailing me", "I do not want to unsubscribe") is not a request; a "not" further back in the
clause ("I'm not selling so please remove me from your list") does not cancel it. "Why not" is no negator.

Only the homeowner's own lines count: lines quoted from our email (">" or "|" lines, an "On ... wrote:"
attribution, "-----Original Message-----", "Begin forwarded message:", an Outlook "From: / Sent:" block, a "-- "
signature, and Gmail's and Outlook's HTML quote blocks) are dropped, so our own footer quoted back is not a request.
A bottom-posted reply (attribution, ">" lines, a blank line, then the answer) is read below its quote too; text
after an attribution or separator that is not ">"-quoted is the original, unmarked, and is not read. At most
FIRST_LINES own lines are examined (a long signature's corporate disclaimer is not the homeowner's words).
Bounded: at most BODY_BYTES of the raw message body are read, and TEXT_CHARS of its text examined. A body in a
charset Python does not know is decoded as UTF-8, else Latin-1; undecodable bytes are replaced, never fatal.
"""

from __future__ import annotations

import html
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

BODY_BYTES = 64 * 1024   # raw body bytes a reader keeps for a received message (MIME headers, HTML styles...)
TEXT_CHARS = 4 * 1024    # decoded text examined
FIRST_LINES = 12         # own (non-quoted, non-blank) lines in which an opt-out counts

_EMAIL = r"e-?mails?"
_WHO = r"(me|us|my\s+(e-?mail(\s+address)?|address|name))"
_LIST_TARGET = (r"(your|the|this|these|that|all(\s+of)?\s+your|any)\s+(mailing\s+|e-?mail(ing)?\s+|contact\s+|"
                r"distribution\s+|marketing\s+|call\s+)?(list|lists|database|e-?mails|mailings?|contacts)"
                r"(?!\s+of\b)")
_CLAUSE_END = r"(?=\s*(\.|!|,|;|$|\bplease\b|\bthanks?\b|\bthank\s+you\b|\basap\b|\bnow\b|\bimmediately\b))"

# Each phrase's first word is its verb, the word a negator must directly precede to cancel it ("VERB" group).
PHRASES = re.compile(rf"""\b(
      (?P<v1>unsubscribe)\b
    | (?P<v2>remove|delete)\s+{_WHO}\s+from\s+{_LIST_TARGET}
    | (?P<v3>remove|delete)\s+(me|us|my\s+e-?mail(\s+address)?){_CLAUSE_END}
    | (?P<v4>take)\s+{_WHO}\s+off\s+(of\s+)?{_LIST_TARGET}
    | (?P<v5>take)\s+(me|us)\s+off{_CLAUSE_END}
    | (?P<v6>stop|quit)\s+(e-?mailing(\s+me|\s+us)?
                          | sending\s+(me\s+|us\s+)?(any\s+more\s+|anymore\s+|more\s+)?(these\s+|your\s+|the\s+)?
                            ({_EMAIL}|messages|these)
                          | contacting\s+(me|us)\s+(by|via|through|over)\s+e-?mail)\b
    | (do\s+not|don't|dont|never)\s+(e-?mail)\s+(me|us)\b
    | (do\s+not|don't|dont|never)\s+contact\s+(me|us)(\s+(again|anymore|any\s+more|ever)\b|{_CLAUSE_END})
    | (do\s+not|don't|dont|never)\s+send\s+(me\s+|us\s+)?(any\s+)?(more\s+|further\s+|other\s+)?({_EMAIL}|these)\b
    | ((do\s+not|don't|dont)\s+(wish|want)|no\s+longer\s+(wish|want))\s+to\s+(receive|get)\s+(any\s+)?
          (more\s+|further\s+)?(your\s+|these\s+)?({_EMAIL}|these|messages\s+from\s+you)\b
    | (do\s+not|don't|dont)\s+want\s+(any\s+)?(more\s+)?(of\s+)?(your\s+|these\s+)?{_EMAIL}\b
    | no\s+more\s+(e-?mails|e-?mailing)\b
    | (?P<v7>opt)\s+me\s+out\b
    | (?P<v8>opt)[\s-]*out\s+(of|from)\s+(your|these|the|all)\s+({_EMAIL}|list|lists|mailing\s+list|mailings?)\b
)""", re.I | re.X)
_VERBS = ("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8")
# A line that is the request and nothing else: "STOP", "Stop please", "Remove.", "opt-out".
ALONE = re.compile(r"^\W*((please|pls)\W+)?(stop|remove|unsubscribe|opt[\s-]*out|remove\s+me|take\s+me\s+off)"
                   r"(\W+(please|pls|thanks?|thank\s+you))?\W*$", re.I)
# A negator right before the verb (a "please" or "want to" may sit between), but not "why not".
NEGATED = re.compile(r"(?<!why\s)\b(not|don't|dont|never|didn't|didnt|no\s+need\s+to)"
                     r"(\s+(please|pls|want\s+(you\s+)?to|wish\s+(you\s+)?to|need\s+(you\s+)?to|mean\s+to|"
                     r"ask\s+you\s+to|have\s+to))*\s*$", re.I)
# "unsubscribe" in footer wording (ours, or a newsletter's, pasted without ">"), not the homeowner's request.
FOOTER_WORDING = re.compile(r"(\b(reply|replying|respond|responding|write|writing|click|clicking|to\s+stop|"
                            r"if\s+you\s+(no\s+longer\s+)?(wish|want|would\s+like)\s+to)\b[^.!?;]{0,40}$)", re.I)
FOOTER_AFTER = re.compile(r"^\W{0,3}(link|here|button|at\s+any\s+time|anytime)\b", re.I)
QUESTION_END = re.compile(r"[^.!?]*\?")  # the sentence ends in a question mark
SUBJECT_PREFIX = re.compile(r"^\s*(((re|aw|sv|antw|fw|fwd)\s*(\[\d+\])?\s*:)\s*)*", re.I)

# Where quoted text starts in a plain-text reply.
_WROTE = re.compile(r"^(on|le|am|el)\b.{0,300}(wrote|a écrit|schrieb|escribió)\s*:?\s*$", re.I | re.S)
_SEPARATOR = re.compile(r"^\s*(-{2,}\s*(original message|forwarded message|message d'origine)\s*-{2,}|_{10,}|"
                        r"begin forwarded message:?|-- ?)\s*$", re.I)
_HEADER_LINE = re.compile(r"^\s*\*?(from|sent|date|to|subject|cc)\s*:\*?\s", re.I)
# Where quoted text starts in an HTML reply: Gmail, Outlook, Thunderbird, Yahoo and Apple Mail quote blocks.
_HTML_QUOTE = re.compile(r"<blockquote|class=\"?gmail_quote|id=\"?divRplyFwdMsg|id=\"?appendonsend|"
                         r"class=\"?moz-cite-prefix|class=\"?yahoo_quoted|<hr\b", re.I)
_HTML_DROP = re.compile(r"<(head|style|script)\b.*?</\1\s*>", re.I | re.S)
_HTML_BREAK = re.compile(r"<(br|/p|/div|/tr|/li|/h\d|p|div|li)\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"<[^>]*>")

_PARSER = BytesParser(policy=policy.default)


def subject_asks(subject: str | None) -> bool:
    """A Subject that is an opt-out ("unsubscribe", "Re: Remove me", "STOP", "Please remove me from your list");
    "Stop the auction?" is not."""
    if not subject:
        return False
    return text_asks([SUBJECT_PREFIX.sub("", subject)])


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
        content = decoded(part)
    except (LookupError, ValueError, UnicodeError, TypeError, AttributeError, KeyError):
        return ""
    if part.get_content_subtype() == "html":
        content = html_text(content[: BODY_BYTES])
    return content[:TEXT_CHARS]


def decoded(part: EmailMessage) -> str:
    """A text part's content: its charset with undecodable bytes replaced; a charset Python does not know ("x-
    unknown", a typo) is read as UTF-8, else Latin-1 (which reads any byte), never as no text at all."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = str(part.get_payload() or "").encode("utf-8", "replace")
    charset = part.get_content_charset() or "us-ascii"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("latin-1")


def html_text(markup: str) -> str:
    """The text of an HTML reply above its quote block."""
    quote = _HTML_QUOTE.search(markup)
    if quote:
        markup = markup[: quote.start()]
    markup = _HTML_DROP.sub(" ", markup)
    markup = _HTML_BREAK.sub("\n", markup)
    return html.unescape(_HTML_TAG.sub("", markup))


def _is_quoted(stripped: str) -> bool:
    return stripped.startswith((">", "|"))


def _attribution(lines: list[str], index: int) -> int:
    """How many lines an "On <date>, <name> wrote:" attribution starting here spans (clients wrap it onto up to
    three lines), or 0."""
    stripped = lines[index].strip()
    if _WROTE.match(stripped):
        return 1
    if not stripped.lower().startswith(("on ", "le ", "am ", "el ")):
        return 0
    joined = stripped
    for extra in range(1, 3):
        if index + extra >= len(lines):
            break
        joined += " " + lines[index + extra].strip()
        if _WROTE.match(joined):
            return extra + 1
    return 0


def new_text(text: str) -> list[str]:
    """The first FIRST_LINES non-blank lines the sender wrote: above the quote of a top-posted reply, and between
    and below the ">" blocks of a bottom-posted or interleaved one."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    index = 0
    after_quote = False   # just left a quoted block: own text resumes only after a blank line (a quoting client
    #                       that wraps a long quoted line leaves the rest of it unmarked, right below)
    while index < len(lines) and len(out) < FIRST_LINES:
        line = lines[index]
        stripped = line.strip()
        span = _attribution(lines, index)
        if span:
            following = next((n.strip() for n in lines[index + span:] if n.strip()), "")
            if not _is_quoted(following):
                break         # the original follows unmarked (Apple Mail, Gmail in plain text): nothing more is theirs
            index += span
            after_quote = True
            continue
        if _SEPARATOR.match(line):
            break
        if _HEADER_LINE.match(line) and any(_HEADER_LINE.match(n) for n in lines[index + 1:index + 5]):
            break  # an Outlook-style "From: ... Sent: ... To: ..." block heads the quoted original
        if _is_quoted(stripped):
            after_quote = True
        elif not stripped:
            after_quote = False
        elif not after_quote:
            out.append(stripped)
        index += 1
    return out


def text_asks(lines: list[str]) -> bool:
    """An opt-out phrase (see the module docstring) in these lines whose verb no negator directly precedes, or a
    line that is only "stop", "remove" or "unsubscribe"."""
    for line in lines:
        line = line.replace("\u2019", "'").replace("\u2018", "'")
        if ALONE.match(line):
            return True
        for found in PHRASES.finditer(line):
            verb = next((name for name in _VERBS if found.group(name)), None)
            before = line[: found.start(verb) if verb else found.start()]
            if verb and NEGATED.search(before):
                continue
            if verb == "v1" and (FOOTER_WORDING.search(before) or FOOTER_AFTER.match(line[found.end():])):
                continue
            if verb in ("v3", "v5") and QUESTION_END.match(line[found.end():]):
                continue  # "Can you remove me, or my ex, from the loan?": a question, not a request
            return True
    return False

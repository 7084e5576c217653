"""Phones to E.164 with phonenumbers, emails checked with email-validator (syntax only, no network look-ups).

A lead keeps two phones. Numbers the vendor marks do-not-call go last: they are used only when there is no other
number, and then the lead is marked Do Not Call. A number that is not a valid phone number is kept as written in
the Phone cell only when there is no valid one, so the refresh names it in the row's Data Issues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..values import looks_like_formula, show


@dataclass(frozen=True)
class Phones:
    phone: str | None
    phone2: str | None
    do_not_call: bool
    warnings: tuple[str, ...] = field(default=())


@lru_cache(maxsize=100_000)
def e164(raw: str) -> tuple[str | None, str | None]:
    """(E.164 number or None, why not / a note). US is the default region for numbers without a country code."""
    import phonenumbers

    text = " ".join(raw.split())
    if looks_like_formula(text) and not text.startswith("+"):
        return None, f"Phone {show(text)} is not a phone number"
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None, f"Phone {show(text)} is not a phone number"
    if not phonenumbers.is_valid_number(number):
        return None, f"Phone {show(text)} is not a valid phone number"
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.country_code != 1 or phonenumbers.region_code_for_number(number) not in ("US", None):
        region = phonenumbers.region_code_for_number(number) or f"+{number.country_code}"
        return formatted, f"Phone {formatted} is a {region} number, not a US one; it is kept but not dialled"
    return formatted, None


def pick_phones(candidates: list[tuple[object, bool]], no_calls: bool) -> Phones:
    """Up to two numbers from (raw, vendor do-not-call flag) in the vendor's order."""
    warnings: list[str] = []
    callable_, blocked, invalid = [], [], []
    seen: set[str] = set()
    for raw, dnc in candidates:
        text = _text(raw)
        if not text:
            continue
        number, note = e164(text)
        if note:
            warnings.append(note)
        if number is None:
            invalid.append(text)
            continue
        if number in seen:
            continue
        seen.add(number)
        (blocked if dnc else callable_).append(number)
    chosen = callable_[:2]
    do_not_call = no_calls
    if not chosen and blocked:
        chosen = blocked[:2]
        do_not_call = True
    if not chosen and invalid:
        chosen = invalid[:1]  # kept as written: the refresh reports it in Data Issues
    return Phones(chosen[0] if chosen else None, chosen[1] if len(chosen) > 1 else None, do_not_call,
                  tuple(warnings))


@lru_cache(maxsize=100_000)
def checked_email(raw: str) -> tuple[str | None, str | None]:
    from email_validator import EmailNotValidError, validate_email

    text = raw.strip().removeprefix("mailto:")
    if looks_like_formula(text):
        return None, f"Email {show(text)} is not an email address"
    try:
        return validate_email(text, check_deliverability=False).normalized, None
    except EmailNotValidError as error:
        return None, f"Email {show(text)} is not an email address ({str(error).rstrip('.')})"


def pick_email(candidates: list[object]) -> tuple[str | None, tuple[str, ...]]:
    warnings: list[str] = []
    invalid: list[str] = []
    for raw in candidates:
        text = _text(raw)
        if not text:
            continue
        email, note = checked_email(text)
        if email:
            return email, tuple(warnings)
        warnings.append(note or "")
        invalid.append(text)
    return (invalid[0] if invalid else None), tuple(warnings)


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float):
        if raw != raw:
            return ""
        if raw.is_integer():
            return str(int(raw))
    return str(raw).strip()

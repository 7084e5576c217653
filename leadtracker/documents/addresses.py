"""Where a letter goes: the Mailing Address when there is one (absentee owners), else the property, written the
USPS way for labels and envelopes and in normal case inside the letter.

USPS Publication 28 (pe.usps.com/text/pub28): upper case; punctuation left out except the hyphen of a ZIP+4
(§ 2 "Uniform address format"); directionals and street suffixes in their standard abbreviations (Appendix B, C1);
the unit at the end of the delivery line with its standard designator (Appendix C2: APT, STE, ...; "#" when the
designator is unknown, "425 FLOWER BLVD # 72"); last line "CITY ST  ZIP" with two spaces before the ZIP.
Nothing here is address validation (CASS): the agent's cells are kept as typed and only formatted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..importers.addresses import DIRECTIONS, STREET_TYPES, parse_address, title_place
from ..schema import US_STATES
from .text import clean

UNIT_DESIGNATORS = {  # Pub 28 Appendix C2
    "APARTMENT": "APT", "APT": "APT", "BASEMENT": "BSMT", "BSMT": "BSMT", "BUILDING": "BLDG", "BLDG": "BLDG",
    "DEPARTMENT": "DEPT", "DEPT": "DEPT", "FLOOR": "FL", "FL": "FL", "FRONT": "FRNT", "FRNT": "FRNT",
    "HANGAR": "HNGR", "LOBBY": "LBBY", "LOT": "LOT", "LOWER": "LOWR", "OFFICE": "OFC", "OFC": "OFC",
    "PENTHOUSE": "PH", "PH": "PH", "PIER": "PIER", "REAR": "REAR", "ROOM": "RM", "RM": "RM", "SIDE": "SIDE",
    "SLIP": "SLIP", "SPACE": "SPC", "SPC": "SPC", "STOP": "STOP", "SUITE": "STE", "STE": "STE",
    "TRAILER": "TRLR", "TRLR": "TRLR", "UNIT": "UNIT", "UPPER": "UPPR", "UPPR": "UPPR", "#": "#", "NO": "#",
    "NUMBER": "#",
}
_STRIP = re.compile(r"[^\w\s#/-]")  # punctuation USPS lets us omit (keep # and the / of fractions like 1/2)


@dataclass(frozen=True)
class MailingAddress:
    delivery: str          # USPS delivery line: "123 N MAIN ST APT 4B"
    last_line: str         # "TAMPA FL  33602"
    display_street: str    # "123 N Main St Apt 4B"
    display_last: str      # "Tampa, FL 33602"
    city: str
    state: str
    zip: str
    is_mailing: bool       # True when it is the owner's mailing address, not the property
    problem: str = ""      # why it cannot be mailed to ("" when it can)

    @property
    def lines(self) -> tuple[str, str]:
        return self.delivery, self.last_line

    @property
    def display_lines(self) -> tuple[str, str]:
        return self.display_street, self.display_last


def mailing_address(lead: dict) -> MailingAddress:
    """The address a letter to this lead goes to, from its Leads row (parsed values)."""
    if clean(lead.get("Mailing Address")):
        return _address(lead.get("Mailing Address"), lead.get("Mailing City"), lead.get("Mailing State"),
                        lead.get("Mailing ZIP"), True)
    return _address(lead.get("Property Address"), lead.get("City"), lead.get("State"), lead.get("ZIP"), False)


def property_address(lead: dict) -> MailingAddress:
    return _address(lead.get("Property Address"), lead.get("City"), lead.get("State"), lead.get("ZIP"), False)


def as_capitals(text: str) -> str:
    """An address typed all in lower case ("12 n main st apt 4") in capitals, so it is put in normal case the way a
    vendor's capitals are ("12 N Main St Apt 4"); any other text as it is (mixed case is kept as typed)."""
    return text.upper() if text == text.lower() else text


def _address(street: object, city: object, state: object, zip_code: object, is_mailing: bool) -> MailingAddress:
    raw = as_capitals(clean(street))
    parsed = parse_address(raw) if raw else None
    city_text = as_capitals(clean(city)) or (parsed.city if parsed and parsed.city else "")
    state_text = _state(clean(state) or (parsed.state if parsed and parsed.state else ""))
    zip_text = _zip(clean(zip_code) or (parsed.zip if parsed and parsed.zip else ""))
    street_line = parsed.line if parsed else ""
    delivery = usps_delivery_line(street_line) if street_line else ""
    city_display = str(title_place(city_text.strip(" ,"))) if city_text else ""
    last = " ".join(p for p in (_usps_words(city_display), state_text) if p)
    last_line = f"{last}  {zip_text}".strip() if zip_text else last
    display_last = ", ".join(p for p in (city_display, " ".join(p for p in (state_text, zip_text) if p)) if p)
    where = "Mailing Address" if is_mailing else "Property Address"
    problem = ""
    if not delivery:
        problem = f"{where} is blank"
    elif not zip_text and not (city_text and state_text):
        problem = f"{where} {raw!r} has no ZIP, and no city and state either"
    return MailingAddress(delivery, last_line, street_line, display_last, city_display, state_text, zip_text,
                          is_mailing, problem)


def usps_delivery_line(street: str) -> str:
    """'123 North Main Street, Apartment 4B' -> '123 N MAIN ST APT 4B'."""
    tokens = _tokens(street)
    if tokens is None:
        return _usps_words(street)
    words: list[str] = []
    unit_type: str | None = None
    unit_ids: list[str] = []
    for token, label in tokens:
        bare = _STRIP.sub("", token).upper()
        if label in ("PlaceName", "StateName", "ZipCode", "CountryName"):
            continue
        if not bare:
            continue
        if label == "OccupancyType":
            unit_type = UNIT_DESIGNATORS.get(bare.strip("#"), bare) if bare != "#" else "#"
        elif label == "OccupancyIdentifier":
            if bare.startswith("#"):
                unit_type = unit_type or "#"
                bare = bare.lstrip("#")
            if bare:
                unit_ids.append(bare)
        elif label.endswith("Directional"):
            words.append(DIRECTIONS.get(bare, bare))
        elif label.endswith("PostType") or label.endswith("PreType"):
            words.append(STREET_TYPES.get(bare, bare))
        elif label == "USPSBoxType":
            words.append("BOX" if bare == "BOX" else "PO" if bare in ("PO", "POST", "P") else bare)
        else:
            words.append(bare)
    line = " ".join(words).replace("PO OFFICE", "PO").replace("PO PO", "PO")
    if unit_ids:
        line += f" {unit_type or '#'} {' '.join(unit_ids)}"
    return " ".join(line.split())


def _tokens(street: str) -> list[tuple[str, str]] | None:
    import usaddress

    try:
        return list(usaddress.parse(street))
    except Exception:  # noqa: BLE001 - an address usaddress cannot label is written word by word
        return None


def _usps_words(text: str) -> str:
    return " ".join(_STRIP.sub("", text).upper().split())


def _state(text: str) -> str:
    upper = text.upper().replace(".", "").strip()
    if upper in US_STATES:
        return upper
    by_name = {name.upper(): code for code, name in US_STATES.items()}
    return by_name.get(upper, upper)


def _zip(text: str) -> str:
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) == 9:
        return f"{digits[:5]}-{digits[5:]}"
    if 3 <= len(digits) <= 5:
        return digits.zfill(5)
    return text

"""Property addresses: parsed with usaddress, reduced to a match key, and shown in normal case.

The match key is what makes "123 North Main Street Apt 4", "123 N. MAIN ST #4" and "123 n main st, unit 4" the
same house: the street part's words in USPS Publication 28 abbreviations (Street -> ST, North -> N, First -> 1ST),
upper case, no punctuation, and the unit's identifier alone (Apt 4 = Unit 4 = #4 = # 04; Apt 4B = #4-B). The same
lead is the same key in the same ZIP (or, without a ZIP, the same place_key: city and state, "St. Petersburg" =
"ST PETERSBURG"). usaddress (a trained parser of US addresses)
finds the unit and splits a one-line address ("12 Oak St, Tampa, FL 33602") into street, city, state and ZIP; an
address it cannot label falls back to the same word rules on the raw text, so keys agree either way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..values import looks_like_formula

# USPS Publication 28, Appendix C1 (street suffixes), the common ones: written form -> standard abbreviation
STREET_TYPES = {
    "ALLEY": "ALY", "ALLEE": "ALY", "ALY": "ALY", "ANNEX": "ANX", "ARCADE": "ARC", "AVENUE": "AVE", "AV": "AVE",
    "AVEN": "AVE", "AVENU": "AVE", "AVN": "AVE", "AVNUE": "AVE", "AVE": "AVE", "BAYOU": "BYU", "BEACH": "BCH",
    "BEND": "BND", "BLUFF": "BLF", "BOULEVARD": "BLVD", "BOUL": "BLVD", "BOULV": "BLVD", "BLVD": "BLVD",
    "BRANCH": "BR", "BRIDGE": "BRG", "BROOK": "BRK", "BYPASS": "BYP", "CAMP": "CP", "CANYON": "CYN", "CAPE": "CPE",
    "CAUSEWAY": "CSWY", "CENTER": "CTR", "CENTRE": "CTR", "CIRCLE": "CIR", "CIRC": "CIR", "CIRCL": "CIR",
    "CRCL": "CIR", "CIR": "CIR", "CLIFF": "CLF", "CLUB": "CLB", "COMMON": "CMN", "CORNER": "COR", "COURSE": "CRSE",
    "COURT": "CT", "CRT": "CT", "CT": "CT", "COURTS": "CTS", "COVE": "CV", "CREEK": "CRK", "CRESCENT": "CRES",
    "CREST": "CRST", "CROSSING": "XING", "CROSSROAD": "XRD", "CURVE": "CURV", "DALE": "DL", "DAM": "DM",
    "DIVIDE": "DV", "DRIVE": "DR", "DRIV": "DR", "DRV": "DR", "DR": "DR", "ESTATE": "EST", "ESTATES": "ESTS",
    "EXPRESSWAY": "EXPY", "EXTENSION": "EXT", "FALLS": "FLS", "FERRY": "FRY", "FIELD": "FLD", "FIELDS": "FLDS",
    "FLAT": "FLT", "FOREST": "FRST", "FORGE": "FRG", "FORK": "FRK", "FORT": "FT", "FREEWAY": "FWY", "GARDEN": "GDN",
    "GARDENS": "GDNS", "GATEWAY": "GTWY", "GLEN": "GLN", "GREEN": "GRN", "GROVE": "GRV", "HARBOR": "HBR",
    "HAVEN": "HVN", "HEIGHTS": "HTS", "HIGHWAY": "HWY", "HIGHWY": "HWY", "HIWAY": "HWY", "HWY": "HWY", "HILL": "HL",
    "HILLS": "HLS", "HOLLOW": "HOLW", "ISLAND": "IS", "JUNCTION": "JCT", "KNOLL": "KNL", "LAKE": "LK",
    "LAKES": "LKS", "LANDING": "LNDG", "LANE": "LN", "LN": "LN", "LIGHT": "LGT", "LOOP": "LOOP", "MANOR": "MNR",
    "MEADOW": "MDW", "MEADOWS": "MDWS", "MILL": "ML", "MILLS": "MLS", "MOUNT": "MT", "MOUNTAIN": "MTN",
    "ORCHARD": "ORCH", "OVAL": "OVAL", "PARK": "PARK", "PARKWAY": "PKWY", "PARKWY": "PKWY", "PKWAY": "PKWY",
    "PKY": "PKWY", "PKWY": "PKWY", "PASS": "PASS", "PATH": "PATH", "PIKE": "PIKE", "PINE": "PNE", "PINES": "PNES",
    "PLACE": "PL", "PL": "PL", "PLAIN": "PLN", "PLAINS": "PLNS", "PLAZA": "PLZ", "POINT": "PT", "POINTE": "PT",
    "PORT": "PRT", "PRAIRIE": "PR", "RANCH": "RNCH", "RIDGE": "RDG", "RIVER": "RIV", "ROAD": "RD", "RD": "RD",
    "ROUTE": "RTE", "ROW": "ROW", "RUN": "RUN", "SHORE": "SHR", "SHORES": "SHRS", "SPRING": "SPG", "SPRINGS": "SPGS",
    "SQUARE": "SQ", "SQR": "SQ", "STATION": "STA", "STREAM": "STRM", "STREET": "ST", "STR": "ST", "STRT": "ST",
    "ST": "ST", "STREETS": "STS", "SUMMIT": "SMT", "TERRACE": "TER", "TERR": "TER", "TER": "TER", "TRACE": "TRCE",
    "TRAIL": "TRL", "TRAILS": "TRL", "TRL": "TRL", "TURNPIKE": "TPKE", "VALLEY": "VLY", "VIEW": "VW", "VILLAGE": "VLG",
    "VILLE": "VL", "VISTA": "VIS", "WALK": "WALK", "WAY": "WAY", "WELL": "WL", "WELLS": "WLS", "WOODS": "WDS",
}
DIRECTIONS = {"NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "NORTHEAST": "NE", "NORTHWEST": "NW",
              "SOUTHEAST": "SE", "SOUTHWEST": "SW", "N": "N", "S": "S", "E": "E", "W": "W", "NE": "NE", "NW": "NW",
              "SE": "SE", "SW": "SW"}
ORDINALS = {"FIRST": "1ST", "SECOND": "2ND", "THIRD": "3RD", "FOURTH": "4TH", "FIFTH": "5TH", "SIXTH": "6TH",
            "SEVENTH": "7TH", "EIGHTH": "8TH", "NINTH": "9TH", "TENTH": "10TH"}
# Pub 28 Appendix C2 (secondary unit designators), written forms
UNIT_WORDS = frozenset({"APT", "APARTMENT", "UNIT", "STE", "SUITE", "#", "NO", "NUM", "NUMBER", "LOT", "SPC",
                        "SPACE", "RM", "ROOM", "FL", "FLOOR", "BLDG", "BUILDING", "TRLR", "TRAILER", "DEPT", "PH",
                        "PENTHOUSE", "BSMT", "BASEMENT", "REAR", "FRNT", "FRONT", "LOWR", "UPPR", "SIDE", "OFC",
                        "SLIP", "PIER", "HNGR", "STOP", "KEY", "UNT"})
WORD_MAP = {**STREET_TYPES, **DIRECTIONS, **ORDINALS}
DISPLAY_UPPER = frozenset({"N", "S", "E", "W", "NE", "NW", "SE", "SW", "PO", "US", "FM", "SR", "CR", "II", "III"})
STREET_LABELS = ("AddressNumberPrefix", "AddressNumber", "AddressNumberSuffix", "StreetNamePreModifier",
                 "StreetNamePreDirectional", "StreetNamePreType", "StreetName", "StreetNamePostType",
                 "StreetNamePostDirectional", "StreetNamePostModifier", "USPSBoxType", "USPSBoxID",
                 "USPSBoxGroupType", "USPSBoxGroupID", "BuildingName", "CornerOf", "IntersectionSeparator",
                 "LandmarkName", "SecondStreetName", "SecondStreetNamePostType", "SecondStreetNamePreDirectional",
                 "SecondStreetNamePostDirectional", "SecondStreetNamePreType", "SecondStreetNamePreModifier")
UNIT_LABELS = ("OccupancyType", "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier")
PLACE_LABELS = ("PlaceName", "StateName", "ZipCode", "CountryName")
_PUNCT = re.compile(r"[.,;:'\"()]")
_HASH = re.compile(r"#\s*")
_UNIT_SPLIT = re.compile(r"[-\s]+")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")


@dataclass(frozen=True)
class Address:
    line: str  # the street line as it should be shown: "123 N Main St Apt 4"
    street_key: str  # "123 N MAIN ST"
    unit: str  # "4", "" when none
    city: str | None  # found inside a one-line address, else None
    state: str | None
    zip: str | None
    has_number: bool  # a house number (a street name alone is not an address)

    @property
    def key(self) -> str:
        return f"{self.street_key}#{self.unit}" if self.unit else self.street_key


@lru_cache(maxsize=200_000)
def parse_address(raw: str) -> Address:
    """A street line (or a whole one-line address) -> display line, match key, unit, and any city/state/ZIP."""
    text = " ".join(str(raw).replace("\u00a0", " ").split())
    if looks_like_formula(text):
        return Address(text, "", "", None, None, None, False)
    tokens = _labelled(text)
    if tokens is None:
        street, unit = _split_unit(text.upper().replace(",", " ").split())
        return Address(_show(text), _street_key(street), _unit_key(unit), None, None, None,
                       bool(street) and street[0][:1].isdigit())
    street_words = [t for t, label in tokens if label in STREET_LABELS]
    unit_words = [t for t, label in tokens if label in UNIT_LABELS]
    place = {label: " ".join(t for t, lab in tokens if lab == label).strip(" ,") for label in PLACE_LABELS}
    if any(label in PLACE_LABELS for _, label in tokens):
        shown = " ".join(t for t, label in tokens if label not in PLACE_LABELS).strip(" ,").rstrip(",")
    else:
        shown = text
    shown = re.sub(r"#\s+(?=\w)", "#", shown)
    has_number = any(label == "AddressNumber" for _, label in tokens) or any(
        label == "USPSBoxID" for _, label in tokens)
    key_words = [w.upper() for w in street_words]
    if not unit_words:  # a trailing designator usaddress left in the street ("12 Oak St Apt 4" read oddly)
        key_words, unit_words = _split_unit(key_words)
    return Address(_show(shown), _street_key(key_words), _unit_key([w.upper() for w in unit_words]),
                   place.get("PlaceName") or None, place.get("StateName") or None, place.get("ZipCode") or None,
                   has_number)


def _labelled(text: str) -> list[tuple[str, str]] | None:
    import usaddress

    try:
        return [(token, label) for token, label in usaddress.parse(text)]
    except Exception:  # noqa: BLE001 - usaddress raises on ambiguous input; the word rules take over
        return None


def _split_unit(words: list[str]) -> tuple[list[str], list[str]]:
    """Street words and unit words: the unit starts at the first designator after the house number and name."""
    flat: list[str] = []
    for word in words:
        if word.startswith("#") and word != "#":
            flat.extend(["#", word[1:]])
        else:
            flat.append(word)
    for i, word in enumerate(flat):
        if i >= 2 and _PUNCT.sub("", word).upper() in UNIT_WORDS and i < len(flat) - 1:
            return flat[:i], flat[i:]
    return flat, []


def _street_key(words: list[str]) -> str:
    out = []
    for word in words:
        bare = _PUNCT.sub("", word).upper()
        if not bare:
            continue
        out.append(WORD_MAP.get(bare, bare))
    return " ".join(out)


def _unit_key(words: list[str]) -> str:
    """The unit's identifiers, one per designator ("Bldg 2 Apt 4" -> "2 4"). Inside one identifier a hyphen or
    space is only how it was typed where it sits next to a letter (4-B = 4 B = 4B, B-04 = B4), but between two
    numbers it separates them: "1-2" (building 1, unit 2) = "1 2", never unit "12". Leading zeros go (# 04 = 4)."""
    groups: list[list[str]] = [[]]
    for word in words:
        bare = _PUNCT.sub("", _HASH.sub("", word)).upper()
        if not bare or bare in UNIT_WORDS:
            groups.append([])
        else:
            groups[-1].extend(p for p in _UNIT_SPLIT.split(bare) if p)
    ids = []
    for parts in (g for g in groups if g):
        joined = parts[0]
        for part in parts[1:]:
            joined += " " + part if joined[-1].isdigit() and part[0].isdigit() else part
        ids.append(joined)
    return _LEADING_ZEROS.sub("", " ".join(ids))


def _show(text: str) -> str:
    """Normal case for an all-capitals address ("123 N MAIN ST APT 4B" -> "123 N Main St Apt 4B"); an address
    already in mixed case is kept as written."""
    text = " ".join(text.split()).strip(" ,")
    if text != text.upper():
        return text
    words = []
    for word in text.split():
        bare = _PUNCT.sub("", word)
        if any(ch.isdigit() for ch in bare):  # 1ST -> 1st; 12B, #4, 3C stay as written
            words.append(word.lower() if re.fullmatch(r"\d+(ST|ND|RD|TH)", bare) else word)
        elif bare in DISPLAY_UPPER:
            words.append(word)
        else:
            words.append("-".join(p.capitalize() for p in word.lower().split("-")))
    return " ".join(words)


# Common shortenings in US place names, folded the same way on the sheet and in the list ("St. Petersburg" =
# "SAINT PETERSBURG", "Ft Myers" = "Fort Myers", "N Miami Beach" = "North Miami Beach")
# ("PT" is left alone: it is Port in one town and Point in another)
PLACE_WORDS = {"SAINT": "ST", "SAINTE": "STE", "FORT": "FT", "MOUNT": "MT",
               **{k: v for k, v in DIRECTIONS.items() if len(k) > 2}}


def place_key(city: object, state: object) -> str | None:
    """The match key of a town: "CITY|ST" with the city's accents, punctuation and spaces folded and its common
    shortenings applied ("St. Petersburg", "ST PETERSBURG", "Saint Petersburg" -> "STPETERSBURG|FL"); None without
    both a city and a state. One function for the sheet's leads and the imported list, so both sides agree."""
    if not isinstance(city, str) or not city.strip() or state is None or not str(state).strip():
        return None
    plain = unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode("ascii").upper()
    words = re.sub(r"[^A-Z0-9]+", " ", plain.replace("'", "")).split()
    folded = "".join(PLACE_WORDS.get(w, w) for w in words)
    return f"{folded or city.strip().upper()}|{str(state).strip().upper()}"


def title_place(text: object) -> object:
    """City names in normal case when written in capitals ("PORT ST LUCIE" -> "Port St Lucie")."""
    if not isinstance(text, str) or text != text.upper() or looks_like_formula(text):
        return text
    return " ".join("-".join(p.capitalize() for p in w.lower().split("-")) for w in text.split())

"""Owner names as vendors write them -> Owner Name and Co-Owner Name in normal case, for letters.

Vendor and county lists write owners the recorder's way: "SMITH JOHN A & MARY B" (last name first, the second owner
sharing it), "SMITH, JOHN", "JOHN A SMITH ETUX" (first name first, with a deed word), "ESTATE OF ROBERT JONES",
"JONES FAMILY LIVING TRUST", "ACME HOLDINGS LLC". The rules, in order:

- deed and tenancy words (ETUX, ETAL, H/W, JTWROS, ...) are dropped;
- companies (LLC, INC, BANK, ...) and trusts stay one name, in title case ("Acme Holdings LLC");
- estates read "Estate of Robert Jones"; a person followed by TR/TRS/TRUSTEE reads "Deborah K. Roberts, Trustee";
- people: "LAST, FIRST MIDDLE" when there is a comma; "FIRST M LAST" when a single initial sits between two names;
  otherwise an upper-case cell is last name first (the recorder's order) and a mixed-case cell first name first;
- a second owner without a last name ("MARY B") takes the first owner's; more than two owners join with " & ".
A name already in mixed case keeps the agent's or vendor's casing. Deterministic rules, not a statistical model:
probablepeople reads recorder-style names inconsistently ("O'BRIEN PATRICK" as given name O'Brien).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..values import looks_like_formula

DEED_WORDS = ("ET UX", "ETUX", "ET AL", "ETAL", "ET VIR", "ETVIR", "ET CON", "H/W", "H&W", "HW", "W/H", "JTWROS",
              "JT TEN", "JTRS", "JT", "TEN COM", "TENANTS IN COMMON", "TIC", "AS JOINT TENANTS", "JOINT TENANTS",
              "HUSBAND AND WIFE", "HUSBAND & WIFE", "HIS WIFE", "HER HUSBAND", "LE", "L/E", "SURV", "DECD",
              "DEC'D", "DECEASED", "ETC")
COMPANY_WORDS = frozenset({
    "LLC", "L.L.C.", "INC", "INC.", "INCORPORATED", "CORP", "CORP.", "CORPORATION", "CO", "CO.", "COMPANY", "LP",
    "L.P.", "LLP", "LTD", "PLLC", "PC", "BANK", "ASSOCIATION", "ASSN", "HOLDINGS", "PROPERTIES", "INVESTMENTS",
    "INVESTMENT", "REALTY", "PARTNERS", "PARTNERSHIP", "GROUP", "FUND", "CHURCH", "MINISTRIES", "HOA", "AUTHORITY",
    "FOUNDATION", "N.A.", "FSB", "MORTGAGE", "SERVICES", "ENTERPRISES", "VENTURES", "CAPITAL", "HOMES",
    "DEVELOPMENT", "MANAGEMENT", "RENTALS", "LENDING", "FINANCIAL", "FEDERAL", "NATIONAL", "SAVINGS", "CREDIT",
    "UNION", "HUD", "SECRETARY", "DEPARTMENT", "CITY", "COUNTY", "STATE", "UNIVERSITY", "SCHOOL", "DISTRICT",
    "ASSOCIATES", "TRUST", "TRUSTS", "REVOCABLE", "IRREVOCABLE", "LIVING", "FAMILY"})
TRUSTEE_WORDS = frozenset({"TR", "TRS", "TRUSTEE", "TRUSTEES", "TTEE", "TTEES"})
ESTATE_WORDS = frozenset({"ESTATE", "EST"})
SUFFIXES = {"JR": "Jr.", "JR.": "Jr.", "SR": "Sr.", "SR.": "Sr.", "II": "II", "III": "III", "IV": "IV", "V": "V"}
PARTICLES = frozenset({"VAN", "VON", "DE", "DEL", "DELA", "DER", "DEN", "LA", "LE", "DA", "DI", "DOS", "DAS", "DU",
                       "ST", "ST.", "SAINT", "TEN", "TER", "MAC", "BIN", "AL", "EL"})
UPPER_WORDS = frozenset({"LLC", "LP", "LLP", "PLLC", "PC", "NA", "N.A.", "FSB", "HOA", "USA", "II", "III", "IV",
                         "HUD", "US", "L.L.C.", "L.P."})
LOWER_WORDS = frozenset({"OF", "AND", "THE", "FOR", "AT", "IN"})
WORD_FIXES = {"INC": "Inc.", "CORP": "Corp.", "CO": "Co.", "LTD": "Ltd.", "ASSN": "Assn."}
SPLITTERS = re.compile(r"\s*(?:&|\bAND\b|/|;|\+)\s*", re.IGNORECASE)
# a deed word never starts the cell: "LE VAN NAM" is Mr. Le, not a life estate
_DEED = re.compile(r"(?<=\s)(?:" + "|".join(re.escape(w) for w in sorted(DEED_WORDS, key=len, reverse=True))
                   + r")(?=\s|$|,)", re.IGNORECASE)
_DEED_KEEP_LE = re.compile(r"(?<=\s)(?:" + "|".join(re.escape(w) for w in sorted(DEED_WORDS, key=len, reverse=True)
                                                     if w != "LE") + r")(?=\s|$|,)", re.IGNORECASE)
MAX_NAME_LENGTH = 120
# Vietnamese names put the family name first, THI and VAN are middle names ("NGUYEN THI HOA"): there Hoa is a given
# name, not a homeowners' association. The most common family names (together about 90% of Vietnamese people).
VIETNAMESE_FAMILY_NAMES = frozenset({
    "NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "PHAN", "VU", "VO", "DANG", "BUI", "DO", "HO", "NGO", "DUONG",
    "LY", "TRUONG", "DINH", "DAO", "LUONG", "TRINH", "CAO", "LUU", "QUACH", "TA", "TON", "THAI", "LAM", "MAI", "HA",
    "VUONG", "DIEP", "LA"})
VIETNAMESE_MIDDLE_NAMES = frozenset({"THI", "VAN"})
VIETNAMESE_ONLY_FAMILY_NAMES = VIETNAMESE_FAMILY_NAMES - {"LE", "DO", "HO", "TA", "TON", "THAI", "LAM", "MAI", "HA",
                                                          "LA", "LY", "CAO", "VU", "VO"}  # never a given name


@dataclass(frozen=True)
class Owners:
    owner: str | None
    co_owner: str | None
    kind: str  # "person", "household", "company", "trust", "estate", "kept" (left as written), "blank"


def split_owners(raw: object, first_name_first: bool = False) -> Owners:
    """The vendor's owner cell -> (owner, co-owner) in normal case. `first_name_first` when the name was put
    together from first- and last-name columns, so its order is known."""
    if raw is None:
        return Owners(None, None, "blank")
    text = " ".join(str(raw).split())
    if not text:
        return Owners(None, None, "blank")
    if looks_like_formula(text) or len(text) > MAX_NAME_LENGTH:
        return Owners(text, None, "kept")  # not a name to reshape; stored as text
    mixed = text != text.upper() and text != text.lower()
    upper = text.upper()
    words = set(re.findall(r"[A-Z.']+", upper))
    if words & ESTATE_WORDS and not words & (COMPANY_WORDS - {"FAMILY", "LIVING"}):
        return _estate(text, mixed)
    first = upper.split()[0].strip(",")
    if words & COMPANY_WORDS == {"HOA"} and (first in VIETNAMESE_FAMILY_NAMES or words & VIETNAMESE_MIDDLE_NAMES):
        words = words - {"HOA"}  # Hoa the given name ("NGUYEN THI HOA")
    if words & COMPANY_WORDS:
        kind = "trust" if words & {"TRUST", "TRUSTS", "REVOCABLE", "IRREVOCABLE"} else "company"
        return Owners(_title(_DEED.sub(" ", text), mixed), None, kind)
    deed = _DEED_KEEP_LE if first in VIETNAMESE_FAMILY_NAMES else _DEED  # "PHAM LE": Le is his given name
    cleaned = " ".join(deed.sub(" ", text).replace(",", ", ").split()).strip(" ,")
    trustee = False
    tokens = cleaned.split()
    if tokens and tokens[-1].upper().strip(",") in TRUSTEE_WORDS:
        trustee = True
        cleaned = " ".join(tokens[:-1]).strip(" ,")
    parts = [p.strip(" ,") for p in SPLITTERS.split(cleaned) if p.strip(" ,")]
    if not parts:
        return Owners(None, None, "blank")
    people: list[str] = []
    surnames: list[str | None] = []
    for i, part in enumerate(parts):
        single = len(part.split()) == 1
        given_first = first_name_first or (bool(surnames) and surnames[0] is None)  # "JOHN & MARY SMITH"
        name, last = _person(part, mixed, given_first, surnames[0] if surnames and surnames[0] else None)
        if name:
            people.append(name)
            surnames.append(None if single and not i else last)
    if not people:
        return Owners(None, None, "blank")
    if len(people) > 1 and surnames[0] is None and surnames[-1]:  # "JOHN & MARY SMITH": John shares Smith
        people[0] = f"{people[0]} {surnames[-1]}"
    if trustee:
        people[-1] = f"{people[-1]}, Trustee" if len(people) == 1 else people[-1]
        if len(people) > 1:
            people = [f"{p}" for p in people]
            people[-1] = f"{people[-1]}, Trustees"
    co = " & ".join(people[1:]) or None
    return Owners(people[0], co, "household" if co else "person")


def _estate(text: str, mixed: bool) -> Owners:
    upper = text.upper()
    match = re.match(r"^(?:THE\s+)?(?:ESTATE|EST)\s+OF\s+(.+)$", upper)
    if match:
        inner = text[len(text) - len(match.group(1)):]
        name, _ = _person(_DEED.sub(" ", inner).strip(" ,"), mixed, True, None)
    else:
        inner = re.sub(r"(?i)[\s,]+(?:ESTATE|EST)(?:\s+OF)?\b.*$", "", text)
        name, _ = _person(_DEED.sub(" ", inner).strip(" ,"), mixed, False, None)
    return Owners(f"Estate of {name}" if name else _title(text, mixed), None, "estate")


def _person(part: str, mixed: bool, first_name_first: bool, family: str | None) -> tuple[str | None, str | None]:
    """One person's name in display form, and their last name (for a second owner who shares it)."""
    if "," in part:
        last, _, rest = part.partition(",")
        given = rest.split()
        suffix = [t for t in given if t.upper() in SUFFIXES]
        given = [t for t in given if t.upper() not in SUFFIXES]
        return _display(given, last.split(), suffix, mixed), _case(last.strip(), mixed)
    tokens = part.split()
    suffix = [t for t in tokens if t.upper() in SUFFIXES and t is not tokens[0]]
    tokens = [t for t in tokens if not (t.upper() in SUFFIXES and t is not tokens[0])]
    if not tokens:
        return None, None
    initial = [len(t.strip(".")) == 1 for t in tokens]
    if family is not None and (len(tokens) == 1 or (len(tokens) == 2 and initial[1])):
        return _display(tokens, family.split(), suffix, True if mixed else False), family
    if len(tokens) == 1:
        return _case(tokens[0], mixed), _case(tokens[0], mixed)
    vietnamese = _vietnamese(tokens, mixed)
    if vietnamese is not None:
        given, last = vietnamese
        return _display(given, last, suffix, mixed), _case(last[0], mixed)
    if first_name_first or mixed or (len(tokens) >= 3 and initial[1] and not initial[-1]):
        last_start = len(tokens) - 1
        while last_start > 1 and tokens[last_start - 1].upper() in PARTICLES:
            last_start -= 1
        given, last = tokens[:last_start], tokens[last_start:]
    else:  # the recorder's order: LAST FIRST MIDDLE, a last name may start with particles (VAN DER BERG)
        end = 1
        while end < len(tokens) - 1 and tokens[end - 1].upper() in PARTICLES:
            end += 1
        last, given = tokens[:end], tokens[end:]
    return _display(given, last, suffix, mixed), " ".join(_case(t, mixed) for t in last)


def _vietnamese(tokens: list[str], typed: bool) -> tuple[list[str], list[str]] | None:
    """(given and middle, family) for a Vietnamese name written family name first: "NGUYEN THI HOA" and "NGUYEN HOA
    THI" are Hoa Thi Nguyen (THI and VAN are middle names); "NGUYEN HOA" in a vendor's capitals is Hoa Nguyen (not
    when `typed` in mixed case: an agent may have written it either way). None for any other name (then the usual
    rules decide)."""
    upper = [t.upper().strip(",") for t in tokens]
    if upper[0] not in VIETNAMESE_FAMILY_NAMES or len(tokens) not in (2, 3):
        return None
    if len(tokens) == 3 and upper[1] in VIETNAMESE_MIDDLE_NAMES and upper[2] not in VIETNAMESE_MIDDLE_NAMES:
        return [tokens[2], tokens[1]], [tokens[0]]
    if len(tokens) == 3 and upper[2] in VIETNAMESE_MIDDLE_NAMES and upper[1] not in VIETNAMESE_MIDDLE_NAMES:
        return [tokens[1], tokens[2]], [tokens[0]]
    if len(tokens) == 2 and not typed and upper[0] in VIETNAMESE_ONLY_FAMILY_NAMES:
        return [tokens[1]], [tokens[0]]
    return None


def _display(given: list[str], last: list[str], suffix: list[str], mixed: bool) -> str:
    words = [_initial(t, mixed) for t in given] + [_case(t, mixed) for t in last]
    text = " ".join(w for w in words if w)
    if suffix:
        text += " " + " ".join(SUFFIXES.get(s.upper(), s) for s in suffix)
    return text


def _initial(token: str, mixed: bool) -> str:
    bare = token.strip(".")
    if len(bare) == 1 and bare.isalpha():
        return bare.upper() + "."
    return _case(token, mixed)


def _case(token: str, mixed: bool) -> str:
    """One word in normal case: O'Brien, McDonald, Delgado-Ruiz. Mixed-case input is kept as written."""
    if mixed:
        return token
    return "-".join(_word_case(piece) for piece in token.split("-"))


def _word_case(word: str) -> str:
    if not word:
        return word
    upper = word.upper()
    if upper in SUFFIXES:
        return SUFFIXES[upper]
    lowered = word.lower()
    if "'" in lowered:  # O'BRIEN -> O'Brien, D'ANGELO -> D'Angelo
        head, _, tail = lowered.partition("'")
        return head.capitalize() + "'" + tail.capitalize()
    if lowered.startswith("mc") and len(lowered) > 3:
        return "Mc" + lowered[2:].capitalize()
    return lowered.capitalize()


def _title(text: str, mixed: bool) -> str:
    """Company and trust names: title case, legal forms kept (LLC, N.A.), small words lower ("Bank of America")."""
    text = " ".join(text.replace(" ,", ",").split()).strip(" ,")
    if mixed:
        return text
    out = []
    for i, word in enumerate(text.split()):
        bare = word.upper().rstrip(",")
        tail = word[len(bare):] if word.upper().startswith(bare) else ""
        if bare in UPPER_WORDS:
            shown = bare
        elif bare in WORD_FIXES:
            shown = WORD_FIXES[bare]
        elif bare in LOWER_WORDS and i:
            shown = bare.lower()
        elif bare == "TR" and i:
            shown = "Trust"
        else:
            shown = "-".join(_word_case(p) for p in bare.split("-"))
        out.append(shown + tail)
    return " ".join(out)

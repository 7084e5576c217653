"""Who a letter is to: every owner by name, in normal case, with a salutation that fits.

    John A. Smith + Mary B. Smith        -> Dear John and Mary Smith,
    John Smith + Mary Jones              -> Dear John Smith and Mary Jones,
    Estate of Robert Jones               -> Dear Personal Representative of the Estate of Robert Jones,
    Jones Family Living Trust            -> Dear Trustee of the Jones Family Living Trust,
    + Deborah K. Roberts, Trustee        -> Dear Deborah Roberts, Trustee of the Jones Family Living Trust,
    Acme Holdings LLC                    -> Dear Manager of Acme Holdings LLC,
    DOE JANE DECD, JANE DOE ESTATE       -> Dear Personal Representative of the Estate of Jane Doe,
    HEIRS OF JANE DOE                    -> Dear Heirs of Jane Doe,
    JANE DOE LIFE EST, SMITH JOHN H/W    -> Dear Jane Doe, Dear John Smith (the life tenant; a marital-status mark)
    DR KAREN WHITE, JOHN SMITH ET AL     -> Dear Karen White, Dear John Smith (titles and "and others" left out)
    MRS SMITH, MR & MRS JOHN SMITH       -> Dear Mrs. Smith, Dear Mr. and Mrs. Smith (no given name to greet: the
                                            title stays; the couple's envelope reads "Mr. and Mrs. John Smith")
    SMITH JOHN DECD & MARY               -> Dear Mary Smith (a deceased owner who shares the cell with a living one:
                                            the living owner is greeted)
    DR HORTON INC, H&W REALTY LLC        -> Dear Manager of Dr Horton Inc. / H&W Realty LLC (a company's or a trust's
                                            name keeps every word: titles and marks are read only in people's names)

Cells are read with the importer's rules (importers/names.py: deed words dropped, recorder order, households), so
"SMITH JOHN A & MARY B" and "John and Mary Smith" both greet John and Mary Smith. For an upper-case cell whose order
the rules cannot know ("JOHN SMITH" or "SMITH JOHN"), probablepeople's tagger, trained on US names, says whether it
starts with a given name. There is no "Dear Homeowner": a lead without an owner name gets no letter and is listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache

from ..importers.names import PARTICLES, SPLITTERS, SUFFIXES, TRUSTEE_WORDS, split_owners
from .text import clean, join_words

ENTITY_KINDS = ("estate", "trust", "company")
ROLE = re.compile(r",\s*(Trustees?|Personal Representative|Executor|Executrix|Administrator)\s*$", re.I)
_SURNAME_PREFIX = re.compile(r"^(O'|D'|MC|MAC)", re.I)
_INITIAL = re.compile(r"[A-Za-z]\.?")
_SHOUTED_INITIALS = re.compile(r"\b([A-Z])&([a-z])\b")  # "A&b Holdings" (title case of A&B) -> "A&B Holdings"


@dataclass(frozen=True)
class Person:
    full: str      # as written in the letter: "John A. Smith Jr."
    given: str     # "John"
    surname: str   # "Smith" ("" for a one-word name)
    suffix: str    # "Jr."
    role: str      # "Trustee", ""
    title: str = ""  # "Mrs.", "Mr. and Mrs.": only for a name written with no given name to greet

    @property
    def short(self) -> str:
        """Given name and surname, no middle names: "John Smith Jr."; "Mrs. Smith" for a titled name."""
        if self.title:
            return " ".join(p for p in (self.title, self.surname, self.suffix) if p)
        return " ".join(p for p in (self.given, self.surname, self.suffix) if p)


@dataclass(frozen=True)
class Addressee:
    kind: str                       # person, household, estate, trust, company, mixed, blank
    names: tuple[str, ...]          # every owner and entity, as written ("John A. Smith", "Acme Holdings LLC")
    phrase: str                     # who the letter is to: "John and Mary Smith"
    salutation: str                 # "Dear John and Mary Smith,"
    greeting_name: str              # for a short text or email opening: "John and Mary", "Robert Jones's family"
    address_lines: tuple[str, ...]  # the name lines of the inside address, normal case
    label_lines: tuple[str, ...]    # the name lines of a label or envelope, upper case, at most two

    @property
    def blank(self) -> bool:
        return self.kind == "blank"

    @property
    def deceased(self) -> str:
        """Whose estate this is ("Robert L. Jones"); '' for an addressee that is not an estate."""
        name = self.names[-1] if self.kind in ("estate", "heirs") and self.names else ""
        for lead in ("Estate of ", "Heirs of "):
            if name.casefold().startswith(lead.casefold()):
                return name[len(lead):]
        return ""


# Vendor marks read before the importer's rules see the cell (the importer drops some of them, and a mark left in
# the cell confuses the name-order tagger): who the owner is depends on them.
_ET_AL = re.compile(r"(?<!\S)ET\s*AL\.?(?!\S)", re.I)                    # "and others": the named owner is enough
_MARITAL = re.compile(r"(?<!\S)(?:H/[EW]|W/[HE]|H&W|HW|WH|HUSB?/WIFE|HUSBAND/WIFE|WIFE/HUSB(?:AND)?)(?!\S)", re.I)
_LIFE_ESTATE = re.compile(r"(?<!\S)(?:LIFE\s+EST(?:ATE)?|L/E)\.?(?!\S)", re.I)  # names the living life tenant
_DECEASED = re.compile(r"(?<!\S)(?:DECD|DEC'D|DECEASED)\.?(?!\S)", re.I)
_ESTATE_OF = re.compile(r"^(?:THE\s+)?EST(?:ATE)?\s+OF\s+(?P<name>.+)$|^(?P<before>.+?)[\s,]+EST(?:ATE)?\.?$", re.I)
_HEIRS_OF = re.compile(r"^(?:THE\s+)?(?:UNKNOWN\s+)?HEIRS\s+(?:OF|TO)\s+(?P<name>.+)$|^(?P<before>.+?)[\s,]+HEIRS$",
                       re.I)
_TITLE = re.compile(r"(^|&\s*|\bAND\s+)(?:DR|MR|MRS|MS|MISS|REV|PROF)\.?\s+", re.I)  # "Dear John", not "Dear Mr."
_TITLES = {"DR": "Dr.", "MR": "Mr.", "MRS": "Mrs.", "MS": "Ms.", "MISS": "Miss", "REV": "Rev.", "PROF": "Prof."}
_TITLE_AND_SURNAME = re.compile(r"^(?P<title>DR|MR|MRS|MS|MISS|REV|PROF)\.?\s+(?P<surname>[^\s&/,]+)$", re.I)
_MR_AND_MRS = re.compile(r"^MR\.?\s*(?:&|AND)\s*MRS\.?\s+(?P<name>[^&/,]+)$", re.I)
_ESTATE_WORD = re.compile(r"(?<!\S)EST(?:ATE)?\.?\s*$", re.I)  # "SMITH JOHN ESTATE" (one owner of several)
# Short words of an upper-case name that are abbreviations, not initials: "Mt Vernon LLC", never "MT Vernon LLC".
_ABBREVIATIONS = frozenset({"MT", "ST", "FT", "PT", "DR", "JR", "SR", "MR", "MRS", "MS", "CT", "LN", "RD", "BLVD",
                            "HWY", "PKWY", "PL", "SQ", "TWP", "BROS", "MGMT", "MTG", "MTGE", "SVCS", "CNTY", "CTR"})
_TAG = re.compile(r"<[^<>]*>")
_SLASH = "\ue000"  # a "/" inside <...> while the cell is split at "/" between owners


def _is_entity(text: str) -> bool:
    """A company's or a trust's name ("DR HORTON INC", "H&W REALTY LLC"), whose words are all its own."""
    return split_owners(text).kind in ("company", "trust")


def _entity_name(text: str) -> tuple[str, str]:
    """(kind, name) of a company or trust, with the words the importer would drop as deed marks ("H&W", "L/E")
    kept as written."""
    kept: list[str] = []

    def hold(found: re.Match) -> str:
        kept.append(found.group(0).upper())
        return f" {chr(0xE010 + len(kept) - 1)} "

    owners = split_owners(_LIFE_ESTATE.sub(hold, _MARITAL.sub(hold, text)))
    name = _SHOUTED_INITIALS.sub(lambda m: f"{m.group(1)}&{m.group(2).upper()}", owners.owner or "")
    name = _vowelless_capitals(name, text)
    for i, word in enumerate(kept):
        name = name.replace(chr(0xE010 + i), word)
    return owners.kind, " ".join(name.split())


def _titled(text: str) -> Person | None:
    """A person named by title and surname ("MRS SMITH") or a couple by the husband's name ("MR & MRS JOHN
    SMITH"): there is no given name to greet, so the title stays ("Dear Mrs. Smith", "Dear Mr. and Mrs. Smith")."""
    alone = _TITLE_AND_SURNAME.match(text)
    if alone:
        title, surname = _TITLES[alone.group("title").upper()], _one_person(alone.group("surname")) or ""
        return Person(f"{title} {surname}", "", surname, "", "", title) if surname else None
    couple = _MR_AND_MRS.match(text)
    if couple:
        husband = split_owners(couple.group("name").strip(), first_name_first=True)  # this form is given name first
        if husband.kind == "person" and husband.owner and len(husband.owner.split()) > 1:
            person = _person(husband.owner)
            return Person(f"Mr. and Mrs. {husband.owner}", person.given, person.surname, person.suffix, "",
                          "Mr. and Mrs.")
    return None


def _living_owners(text: str) -> list[Person] | None:
    """The living owners of a cell that also names a deceased one ("SMITH JOHN DECD & MARY" -> Mary Smith,
    "SMITH JOHN ESTATE & MARY SMITH" -> Mary Smith): a letter greets the living, not the one who died. None when
    no owner in the cell is marked deceased, or every one is."""
    parts = [p.strip(" ,") for p in SPLITTERS.split(text) if p.strip(" ,")]
    dead = [bool(_DECEASED.search(p) or _ESTATE_WORD.search(p)) for p in parts]
    if len(parts) < 2 or not any(dead) or all(dead):
        return None
    unmarked = " & ".join(" ".join(_ESTATE_WORD.sub(" ", _DECEASED.sub(" ", p)).split()) for p in parts)
    owners = split_owners(unmarked, first_name_first=_given_name_first(unmarked))
    people = [clean(n) for n in (owners.owner, *(owners.co_owner or "").split(" & ")) if clean(n)]
    if owners.kind not in ("person", "household") or len(people) != len(parts):
        return None
    # a living owner written in full reads in its own order ("MARY SMITH"); a given name alone shares the surname
    return [_person(_one_person(part) or name if len(part.split()) > 1 else name)
            for part, name, died in zip(parts, people, dead) if not died]


def _marks(text: str) -> tuple[str, str]:
    """The cell without its vendor marks, and what they say of the owner: "deceased", "heirs" or ""."""
    text = _ET_AL.sub(" ", _MARITAL.sub(" ", _LIFE_ESTATE.sub(" ", text)))
    text = " ".join(text.split()).strip(" ,&")
    if _titled(text):
        return text, ""
    text, died = _DECEASED.subn(" ", text)
    for _ in range(3):
        text = _TITLE.sub(r"\1", " ".join(text.split()))
    text = " ".join(text.split()).strip(" ,&")
    heirs = _HEIRS_OF.match(text)
    if heirs:
        return heirs.group("name") or heirs.group("before"), "heirs"
    return text, "deceased" if died else ""


def _one_person(text: str) -> str | None:
    """One person's name from a cell, in normal case, or None when the cell holds more than one or not a person."""
    owners = split_owners(text, first_name_first=_given_name_first(text))
    return owners.owner if owners.kind == "person" and owners.owner and "," not in owners.owner else None


def _late_owner(text: str, mark: str) -> tuple[str, str] | None:
    """("estate", "Estate of Jane Doe") for a deceased owner or an estate written either way round, ("heirs", "Heirs
    of Jane Doe") for heirs, in the order the name-order rules read (not always the recorder's)."""
    if mark == "heirs":
        person = _one_person(text)
        return ("heirs", f"Heirs of {person}") if person else None
    if mark == "deceased":
        person = _one_person(text)
        return ("estate", f"Estate of {person}") if person else None
    found = _ESTATE_OF.match(text)
    if found:
        person = _one_person(found.group("name") or found.group("before"))
        return ("estate", f"Estate of {person}") if person else None
    return None


def _vowelless_capitals(name: str, cell: str) -> str:
    """Title case keeps "ABC" as written: a word of the upper-case cell with no vowel stays in capitals."""
    if cell != cell.upper():
        return name
    keep = {w for w in re.findall(r"[A-Z]{2,}", cell) if not re.search(r"[AEIOUY]", w)} - _ABBREVIATIONS
    return re.sub(r"[A-Za-z]+", lambda m: m.group(0).upper() if m.group(0).upper() in keep else m.group(0), name)


def _restored(who: Addressee) -> Addressee:
    def put_back(value):
        if isinstance(value, tuple):
            return tuple(put_back(v) for v in value)
        return value.replace(_SLASH, "/") if isinstance(value, str) else value

    return Addressee(*(put_back(getattr(who, f.name)) for f in fields(Addressee)))


def addressee(owner_name: object, co_owner_name: object = None) -> Addressee:
    """The addressee of a lead from its Owner Name and Co-Owner Name cells."""
    people: list[Person] = []
    entities: list[tuple[str, str]] = []  # (kind, name)
    for cell in (owner_name, co_owner_name):
        text = _TAG.sub(lambda m: m.group(0).replace("/", _SLASH), clean(cell))
        if text and _is_entity(text):
            entities.append(_entity_name(text))
            continue
        living = _living_owners(_ET_AL.sub(" ", _MARITAL.sub(" ", _LIFE_ESTATE.sub(" ", text))))
        if living:
            people.extend(living)
            continue
        text, mark = _marks(text)
        if not text:
            continue
        titled = _titled(text)
        if titled:
            people.append(titled)
            continue
        late = _late_owner(text, mark)
        if late:
            entities.append(late)
            continue
        owners = split_owners(text, first_name_first=_given_name_first(text))
        if owners.kind in ENTITY_KINDS:
            if owners.owner:
                name = _SHOUTED_INITIALS.sub(lambda m: f"{m.group(1)}&{m.group(2).upper()}", owners.owner)
                entities.append((owners.kind, _vowelless_capitals(name, text)))
            continue
        for name in (owners.owner, *(owners.co_owner or "").split(" & ")):
            name = clean(name)
            if name and owners.kind != "blank":
                people.append(_person(name))
    people = _share_surnames(_unique(people))
    entities = list(dict.fromkeys(entities))
    if not people and not entities:
        return Addressee("blank", (), "", "", "", (), ())
    phrases, address_lines, label_lines = _phrases(people, entities)
    phrase = join_words(phrases)
    couple = len(people) > 1 or any(" and " in p.title for p in people)
    kind = ("household" if couple else "person") if not entities else (
        entities[0][0] if not people and len(entities) == 1 else "mixed")
    names = tuple(p.full + (f", {p.role}" if p.role else "") for p in people) + tuple(n for _, n in entities)
    return _restored(Addressee(kind, names, phrase, f"Dear {phrase},", _greeting(people, entities),
                               tuple(address_lines), _label(label_lines)))


@lru_cache(maxsize=20_000)
def _given_name_first(text: str) -> bool:
    """For an upper-case cell: does it start with a given name ("JOHN SMITH") rather than a surname ("SMITH JOHN")?
    Mixed-case cells and cells with a comma already say their order."""
    if text != text.upper() or "," in text or not re.search(r"[A-Z]", text):
        return False
    words = text.split()
    while words and words[-1].strip(",") in TRUSTEE_WORDS:  # "DEBORAH K ROBERTS TR": the role is not the name
        words.pop()
    try:
        import probablepeople

        tagged, kind = probablepeople.tag(" ".join(words))
    except Exception:  # noqa: BLE001 - the tagger gives up on odd input; the recorder's order stands
        return False
    if kind not in ("Person", "Household") or not tagged:
        return False
    first_label = next(iter(tagged))
    first_word = tagged[first_label].split()[0] if tagged[first_label] else ""
    return first_label in ("GivenName", "FirstInitial") and not _SURNAME_PREFIX.match(first_word)


def _person(name: str) -> Person:
    role = ""
    found = ROLE.search(name)
    if found:
        role = found.group(1).title()
        name = name[: found.start()].strip(" ,")
    tokens = name.split()
    suffix_tokens = [t for t in tokens[1:] if t.upper().rstrip(".") in {s.rstrip(".") for s in SUFFIXES}]
    core = [t for t in tokens if t not in suffix_tokens]
    suffix = " ".join(SUFFIXES.get(t.upper(), t) for t in suffix_tokens)
    if len(core) <= 1:
        return Person(name, core[0] if core else name, "", suffix, role)
    start = len(core) - 1
    while start > 1 and core[start - 1].upper() in PARTICLES:
        start -= 1
    given = [t for t in core[:start] if not _INITIAL.fullmatch(t)] or core[:1]
    return Person(name, " ".join(given), " ".join(core[start:]), suffix, role)


def _unique(people: list[Person]) -> list[Person]:
    seen: set[str] = set()
    out = []
    for person in people:
        key = person.short.casefold()
        if key not in seen:
            seen.add(key)
            out.append(person)
    return out


def _share_surnames(people: list[Person]) -> list[Person]:
    """A one-word co-owner ("MARY") shares the first owner's surname."""
    family = next((p.surname for p in people if p.surname), "")
    return [Person(f"{p.full} {family}", p.given, family, p.suffix, p.role) if not p.surname and family and i
            else p for i, p in enumerate(people)]


def _people_phrase(people: list[Person]) -> str:
    surnames = {p.surname.casefold() for p in people}
    if len(people) > 1 and len(surnames) == 1 and people[0].surname and not any(p.suffix or p.title
                                                                                 for p in people[:-1]):
        last = people[-1]
        return join_words([p.given for p in people[:-1]] + [last.short])
    return join_words([p.short for p in people])


def _the(name: str) -> str:
    """'the Jones Trust' in mid-sentence, whether or not the name starts with 'The'."""
    return f"the {name[4:]}" if name.casefold().startswith("the ") else f"the {name}"


def _phrases(people: list[Person], entities: list[tuple[str, str]]) -> tuple[list[str], list[str], list[str]]:
    trustees = [p for p in people if p.role.casefold().startswith("trustee")]
    others = [p for p in people if p not in trustees]
    phrases: list[str] = []
    address: list[str] = []
    labels: list[str] = []
    if others:
        phrases.append(_people_phrase(others))
        surnames = {p.surname.casefold() for p in others}
        if len(others) == 1:
            address.append(others[0].full)
        elif len(surnames) == 1:
            address.append(phrases[-1])
        else:
            address.extend(p.full for p in others)
        labels.append(others[0].full if len(others) == 1 and others[0].title else phrases[-1])
    trusts = [name for kind, name in entities if kind == "trust"]
    if trustees:
        role = "Trustees" if len(trustees) > 1 else "Trustee"
        named = join_words([p.short for p in trustees])
        if trusts:
            trust = trusts.pop(0)
            phrases.append(f"{named}, {role} of {_the(trust)}")
            address.extend([f"{named}, {role}", trust])
            labels.extend([f"{named} {role}", trust])
        else:
            phrases.append(f"{named}, {role}")
            address.append(phrases[-1])
            labels.append(f"{named} {role}")
    for kind, name in entities:
        if kind == "trust" and name not in trusts:
            continue
        if kind == "heirs":
            phrases.append(name)
            address.append(name)
            labels.append(name)
        elif kind == "estate":
            phrases.append(f"Personal Representative of {_the(name)}")
            address.extend(["Personal Representative", name])
            labels.extend(["Personal Representative", name])
        elif kind == "trust":
            phrases.append(f"Trustee of {_the(name)}")
            address.extend(["Trustee", name])
            labels.extend(["Trustee", name])
        else:
            phrases.append(f"Manager of {name}")
            address.extend([name, "Attn: Manager"])
            labels.extend([name, "Attn Manager"])
    return phrases, address, labels


def _greeting(people: list[Person], entities: list[tuple[str, str]]) -> str:
    """The name a short, friendly message opens with: given names for people ("John and Mary")."""
    if people:
        return join_words([p.short if p.title else p.given.split()[0] for p in people])
    kind, name = entities[0]
    if kind == "heirs":
        return name
    if kind == "estate":
        return f"Personal Representative of {_the(name)}"
    return f"{'Trustee' if kind == 'trust' else 'Manager'} of {_the(name) if kind == 'trust' else name}"


def _label(lines: list[str]) -> tuple[str, ...]:
    """Upper-case name lines for a label or envelope (USPS prefers capitals, no punctuation): at most two."""
    upper = [re.sub(r"[.,]", "", " ".join(line.split())).upper() for line in lines if line]
    if len(upper) > 2:
        upper = [upper[0], " ".join(upper[1:])]
    return tuple(upper)

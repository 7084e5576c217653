"""Comps and CMA subjects as typed frames: the one place where sheet cells become numbers for the CMA.

Both are read through the header aliases of `schema.COMP_COLUMNS` / `schema.SUBJECT_COLUMNS` and the parsers of
`values.py`. Short internal names keep the engine readable:

    gla living area (sq ft)   lot lot size (sq ft)   yb year built   quality/cond numeric grades   wf waterfront
    eff_yb effective year built (from Effective Age; NaN when the row has none)
    status sold | pending | active | other           price sale price   list / olp list and original list price
    date sale (closing) date  pend contract date     listed list date   dom days on market
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import COMP_COLUMNS, SUBJECT_COLUMNS, Column, ValueType
from .values import nones, parse_column, show, text_keys

SOLD, PENDING, ACTIVE, OTHER = "sold", "pending", "active", "other"
_STATUS_WORDS = {
    SOLD: ("sold", "closed", "sld", "s", "cls", "settled", "closed sale", "sale", "recorded"),
    PENDING: ("pending", "p", "pnd", "pend", "under contract", "uc", "contingent", "active contingent",
              "active under contract", "backup", "backup offer", "sale pending", "option pending", "c", "ctg"),
    ACTIVE: ("active", "a", "act", "new", "for sale", "coming soon active", "price change", "back on market",
             "new listing"),
    OTHER: ("expired", "withdrawn", "cancelled", "canceled", "terminated", "off market", "temporarily off market",
            "coming soon", "x", "w", "e", "t", "hold", "leased", "rented"),
}
STATUS_BY_WORD = {word: status for status, words in _STATUS_WORDS.items() for word in words}

# Property types grouped the way comps are chosen: a condo is never a comp for a house.
TYPE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Condo", ("condo", "condominium", "apartment", "co-op", "coop", "cooperative", "stock cooperative",
               "high rise", "mid rise", "flat")),
    ("Townhouse", ("townhouse", "townhome", "town house", "town home", "attached", "rowhouse", "row house",
                   "twin", "twinhome", "villa", "sfa", "single family attached", "patio home", "duplex unit")),
    ("Multi-Family", ("duplex", "triplex", "fourplex", "quadplex", "2-4", "2 to 4", "multi", "multifamily",
                      "multi-family", "two family", "2 family", "income")),
    ("Manufactured", ("manufactured", "mobile", "modular", "trailer")),
    ("Land", ("land", "lot", "vacant", "acreage", "farm", "ranch land")),
    ("Single Family", ("sfr", "sf", "single family", "single-family", "singlefamily", "single family residence",
                       "single family residential", "single family detached", "sfd", "detached", "house",
                       "residential", "residence", "res", "1 story", "2 story", "ranch", "colonial", "bungalow",
                       "cape cod", "split level", "1fam", "onefam")),
)
_DISTRESS_WORDS = ("short sale", "shortsale", "reo", "bank owned", "bank-owned", "lender owned", "foreclos",
                   "auction", "hud", "real estate owned", "distress", "abnorml", "abnormal", "pre-foreclosure",
                   "court ordered", "sheriff", "trustee", "in default", "notice of default")
_NOT_DISTRESSED = ("standard", "normal", "none", "no", "n", "false", "0", "arms length", "arm's length",
                   "regular", "conventional", "partial", "new construction")
_WORD = re.compile(r"[^a-z0-9' -]+")


@dataclass(frozen=True)
class Parsed:
    frame: pd.DataFrame          # typed, internal names, index = sheet row (or file line)
    problems: tuple[str, ...]    # one plain sentence per unusable row or unreadable value (capped)
    unused: int                  # rows that cannot serve as comps


def type_group(values: pd.Series) -> pd.Series:
    """'SFR', 'Single Family Residence', 'sfr' -> 'Single Family'; unknown text stays as typed (trimmed)."""
    def one(value: object) -> object:
        if value is None:
            return None
        text = " ".join(_WORD.sub(" ", str(value).casefold()).split())
        if not text:
            return None
        for group, words in TYPE_GROUPS:
            if text in words:
                return group
        for group, words in TYPE_GROUPS:
            if any(len(w) > 3 and w in text for w in words):
                return group
        return str(value).strip()
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([one(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[np.where(codes < 0, len(uniques), codes)], index=values.index, dtype=object)


def statuses(values: pd.Series, has_sale: pd.Series, has_list: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each row's status (sold/pending/active/other) and the text of statuses not recognised (else None).
    A blank status means sold when the row has a sale price and date (public records), else active."""
    folded = values.map(lambda v: None if v is None else " ".join(str(v).casefold().replace("-", " ").split()))
    status = folded.map(STATUS_BY_WORD)
    blank = folded.isna() | folded.eq("")
    status = status.where(~blank, np.where(has_sale, SOLD, np.where(has_list, ACTIVE, OTHER)))
    unknown = status.isna()
    unknown_text = values.where(unknown, None)
    return status.where(~unknown, OTHER).astype(object), unknown_text


def distressed_flags(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """True for REO, short sale, foreclosure, auction...; the text of values that are neither (else None)."""
    def one(value: object) -> tuple[bool, bool]:
        if value is None or value is False:
            return False, False
        if value is True:
            return True, False
        if isinstance(value, (int, float)):
            return bool(value), value not in (0, 1)
        text = " ".join(str(value).casefold().split())
        if text in ("yes", "y", "true", "1", "x"):
            return True, False
        if any(word in text for word in _DISTRESS_WORDS):
            return True, False
        if not text or text in _NOT_DISTRESSED or any(text.startswith(w) for w in _NOT_DISTRESSED[:2]):
            return False, False
        return False, True
    pairs = [one(v) for v in values]
    flags = pd.Series([p[0] for p in pairs], index=values.index, dtype=bool)
    odd = pd.Series([p[1] for p in pairs], index=values.index, dtype=bool)
    return flags, values.where(odd, None)


def _parsed(raw: pd.DataFrame, columns: tuple[Column, ...], problems: list[str], where: str) -> pd.DataFrame:
    out = pd.DataFrame(index=raw.index)
    for column in columns:
        series = raw[column.name]
        if column.type is ValueType.TEXT or series.isna().all():
            out[column.name] = parse_column(ValueType.TEXT, series, column.name).values \
                if column.type is ValueType.TEXT else _blank(column.type, raw.index)
            continue
        options = {"allow_negative": True} if column.name in ("Latitude", "Longitude") else {}
        result = parse_column(column.type, series, column.name, **options)
        out[column.name] = result.values
        for row, message in result.issues.dropna().items():
            problems.append(f"{where} row {row}: {message}")
    return out


def _blank(kind: ValueType, index: pd.Index) -> pd.Series:
    if kind is ValueType.DATE:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if kind is ValueType.FLAG:
        return pd.Series(False, index=index, dtype=bool)
    if kind in (ValueType.TEXT, ValueType.STATE, ValueType.ZIP):
        return nones(index)
    return pd.Series(np.nan, index=index, dtype=float)


def _positive(series: pd.Series) -> pd.Series:
    return series.where(series > 0)


def _coordinates(lat: pd.Series, lon: pd.Series) -> tuple[pd.Series, pd.Series]:
    ok = lat.between(-90, 90) & lon.between(-180, 180) & ~((lat == 0) & (lon == 0))
    return lat.where(ok), lon.where(ok)


def parse_comps(raw: pd.DataFrame, where: str = "Comps", max_problems: int = 8) -> Parsed:
    """Canonical Comps columns (as `SheetData.canonical(COMP_COLUMNS)` gives them) -> the engine's comp frame."""
    problems: list[str] = []
    p = _parsed(raw, COMP_COLUMNS, problems, where)
    price, listp = _positive(p["Sale Price"]), _positive(p["List Price"])
    status, unknown_status = statuses(p["Status"], price.notna() & p["Sale Date"].notna(), listp.notna())
    for row, text in unknown_status.dropna().items():
        problems.append(f"{where} row {row}: Status {show(text)} is not Sold, Pending, Active or Expired; not used")
    distressed, odd = distressed_flags(raw["Distressed"].where(raw["Distressed"].notna(), None))
    for row, text in odd.dropna().items():
        problems.append(f"{where} row {row}: Distressed {show(text)} is not Yes/No or a sale type I know; "
                        "treated as a normal sale")
    lat, lon = _coordinates(p["Latitude"], p["Longitude"])
    frame = pd.DataFrame({
        "status": status, "price": price, "list": listp, "olp": _positive(p["Original List Price"]),
        "date": p["Sale Date"], "pend": p["Pending Date"], "listed": p["List Date"],
        "dom": p["Days on Market"].where(p["Days on Market"] >= 0),
        "beds": p["Beds"], "baths": p["Baths"], "gla": _positive(p["Sq Ft"]), "lot": _positive(p["Lot Sq Ft"]),
        "yb": _year_built(p, p["Sale Date"].fillna(p["List Date"])),
        "eff_yb": effective_year(p["Effective Age"], p["Sale Date"].fillna(p["List Date"])),
        "garage": p["Garage Spaces"],
        "type": type_group(p["Property Type"]), "quality": p["Quality"], "cond": p["Condition"],
        "wf": p["Waterfront"].astype(float).where(raw["Waterfront"].notna()),
        "area": text_keys(p["Area"]), "lat": lat, "lon": lon, "zip": p["ZIP"], "distressed": distressed,
        "cid": _ids(p, raw.index), "parcel": text_keys(p["Parcel ID"]), "address": p["Address"],
        "city": p["City"],
    }, index=raw.index)
    usable = _usable(frame)
    for row in frame.index[~usable & frame["status"].ne(OTHER)][:max_problems]:
        problems.append(f"{where} row {row}: {_why_unusable(frame.loc[row])}; not used")
    unused = int((~usable).sum())
    if len(problems) > max_problems:
        problems = problems[:max_problems] + [f"… and {len(problems) - max_problems} more"]
    return Parsed(frame, tuple(problems), unused)


def _ids(p: pd.DataFrame, index: pd.Index) -> pd.Series:
    ids = text_keys(p["MLS Number"])
    fallback = text_keys(p["Parcel ID"])
    rows = pd.Series([f"row {r}" for r in index], index=index, dtype=object)
    return ids.where(ids.notna(), fallback.where(fallback.notna(), rows))


def _year_built(p: pd.DataFrame, when: pd.Series) -> pd.Series:
    """Year Built, else the year of `when` minus Age (public records give age at sale)."""
    year = p["Year Built"].where(p["Year Built"].between(1600, 2100))
    from_age = when.dt.year - p["Age"].where(p["Age"].between(0, 400))
    return year.fillna(from_age)


def effective_year(values: pd.Series, when: pd.Series) -> pd.Series:
    """Effective Age as an effective year built: an age (0-400) counts back from the year of `when`; a year
    (1600-2100, an "Effective Year Built" column) is taken as it is."""
    values = pd.to_numeric(values, errors="coerce").astype(float)
    year = values.where(values.between(1600, 2100))
    return year.fillna(when.dt.year - values.where(values.between(0, 400)))


def _usable(frame: pd.DataFrame) -> pd.Series:
    """Rows the engine can use: a sold row needs price, date and living area; a listing needs list price and
    living area. Other statuses (expired, withdrawn) never value a home."""
    sold = frame["status"].eq(SOLD) & frame["price"].notna() & frame["date"].notna()
    listing = frame["status"].isin([ACTIVE, PENDING]) & frame["list"].notna()
    located = frame["lat"].notna() | frame["zip"].notna()
    return (sold | listing) & frame["gla"].notna() & located


def _why_unusable(row: pd.Series) -> str:
    if row["status"] == SOLD and pd.isna(row["price"]):
        return "a sold row without a Sale Price"
    if row["status"] == SOLD and pd.isna(row["date"]):
        return "a sold row without a Sale Date"
    if row["status"] in (ACTIVE, PENDING) and pd.isna(row["list"]):
        return f"a {row['status']} listing without a List Price"
    if pd.isna(row["gla"]):
        return "no Sq Ft (living area)"
    return "no Latitude/Longitude and no ZIP"


def usable_comps(parsed: Parsed) -> pd.DataFrame:
    return parsed.frame[_usable(parsed.frame)]


SUBJECT_FIELDS = {"Beds": "beds", "Baths": "baths", "Sq Ft": "gla", "Lot Sq Ft": "lot", "Garage Spaces": "garage",
                  "Quality": "quality", "Condition": "cond", "Latitude": "lat", "Longitude": "lon", "ZIP": "zip"}


def subject_frame(values: pd.DataFrame, as_of: pd.Series) -> pd.DataFrame:
    """Subjects from parsed values with canonical names (Leads or a subjects file) and their as-of dates. Facts a
    sheet lacks (Leads have no Quality or Parcel ID) are simply unknown."""
    index = values.index

    def number(name: str) -> pd.Series:
        if name not in values:
            return pd.Series(np.nan, index=index, dtype=float)
        return pd.to_numeric(values[name], errors="coerce").astype(float)

    def text(name: str) -> pd.Series:
        return values[name] if name in values else nones(index)

    lat, lon = _coordinates(number("Latitude"), number("Longitude"))
    year = number("Year Built")
    year = year.where(year.between(1600, 2100))
    year = year.fillna(as_of.dt.year - number("Age").where(number("Age").between(0, 400)))
    frame = pd.DataFrame({
        "id": text("Lead ID"), "beds": number("Beds"), "baths": number("Baths"), "gla": _positive(number("Sq Ft")),
        "lot": _positive(number("Lot Sq Ft")), "yb": year,
        "eff_yb": effective_year(number("Effective Age"), as_of), "garage": number("Garage Spaces"),
        "type": type_group(text("Property Type")), "quality": number("Quality"), "cond": number("Condition"),
        "wf": number("Waterfront"), "area": text_keys(text("Area")), "lat": lat, "lon": lon, "zip": text("ZIP"),
        "parcel": text_keys(text("Parcel ID")),
        "address": values["Property Address"] if "Property Address" in values else text("Address"),
        "as_of": as_of.astype("datetime64[ns]"),
    }, index=index)
    for name in ("beds", "baths", "garage"):
        frame[name] = frame[name].where(frame[name] >= 0)
    return frame


def parse_subjects(raw: pd.DataFrame, default_as_of: pd.Timestamp, where: str = "Subjects") -> tuple[pd.DataFrame,
                                                                                                     list[str]]:
    """A subjects file (canonical SUBJECT_COLUMNS) -> subjects; a row's As Of wins over `default_as_of`."""
    problems: list[str] = []
    p = _parsed(raw, SUBJECT_COLUMNS, problems, where)
    as_of = p["As Of"].fillna(default_as_of)
    p["Waterfront"] = p["Waterfront"].astype(float).where(raw["Waterfront"].notna())
    ids = text_keys(raw["Lead ID"])
    p["Lead ID"] = ids.where(ids.notna(), pd.Series([f"line {r}" for r in raw.index], index=raw.index))
    return subject_frame(p, as_of), problems

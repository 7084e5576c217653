"""Each lead's time zone(s), from State and ZIP, for calling hours in the called party's local time.

Calling-hour rules are set in the called person's local time (47 CFR 64.1200(c)(1)), so the tool needs the
homeowner's zone, not the agent's. Most states lie in one zone. In the fourteen that span two, the 3-digit ZIP
prefix settles it where the whole prefix lies on one side of the line; a prefix that straddles the line, or a
missing ZIP, keeps both zones, and a call must then be allowed in both (the most restrictive reading).

The zone lines are those of 49 CFR Part 71 (the legal boundaries of US time zones,
https://www.ecfr.gov/current/title-49/subtitle-A/part-71); the ZIP prefixes were matched to the counties on
each side. Where that match is not certain the prefix is listed as mixed on purpose.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EASTERN, CENTRAL, MOUNTAIN, ARIZONA = "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix"
PACIFIC, ALASKA, ALEUTIAN, HAWAII = "America/Los_Angeles", "America/Anchorage", "America/Adak", "Pacific/Honolulu"

# How a zone is written next to a time ("8 AM-9 PM ET")
ZONE_LABELS = {EASTERN: "ET", CENTRAL: "CT", MOUNTAIN: "MT", ARIZONA: "MST", PACIFIC: "PT", ALASKA: "AKT",
               ALEUTIAN: "HAT", HAWAII: "HT"}

# Every zone a state spans; the first is where most of its people live.
STATE_ZONES: dict[str, tuple[str, ...]] = {
    "AL": (CENTRAL,), "AK": (ALASKA, ALEUTIAN), "AZ": (ARIZONA, MOUNTAIN), "AR": (CENTRAL,), "CA": (PACIFIC,),
    "CO": (MOUNTAIN,), "CT": (EASTERN,), "DE": (EASTERN,), "DC": (EASTERN,), "FL": (EASTERN, CENTRAL),
    "GA": (EASTERN,), "HI": (HAWAII,), "ID": (MOUNTAIN, PACIFIC), "IL": (CENTRAL,), "IN": (EASTERN, CENTRAL),
    "IA": (CENTRAL,), "KS": (CENTRAL, MOUNTAIN), "KY": (EASTERN, CENTRAL), "LA": (CENTRAL,), "ME": (EASTERN,),
    "MD": (EASTERN,), "MA": (EASTERN,), "MI": (EASTERN, CENTRAL), "MN": (CENTRAL,), "MS": (CENTRAL,),
    "MO": (CENTRAL,), "MT": (MOUNTAIN,), "NE": (CENTRAL, MOUNTAIN), "NV": (PACIFIC, MOUNTAIN), "NH": (EASTERN,),
    "NJ": (EASTERN,), "NM": (MOUNTAIN,), "NY": (EASTERN,), "NC": (EASTERN,), "ND": (CENTRAL, MOUNTAIN),
    "OH": (EASTERN,), "OK": (CENTRAL,), "OR": (PACIFIC, MOUNTAIN), "PA": (EASTERN,), "RI": (EASTERN,),
    "SC": (EASTERN,), "SD": (CENTRAL, MOUNTAIN), "TN": (CENTRAL, EASTERN), "TX": (CENTRAL, MOUNTAIN),
    "UT": (MOUNTAIN,), "VT": (EASTERN,), "VA": (EASTERN,), "WA": (PACIFIC,), "WV": (EASTERN,), "WI": (CENTRAL,),
    "WY": (MOUNTAIN,),
}

# In the states that span two zones: the 3-digit ZIP prefixes lying wholly in the state's other zone, and the
# prefixes that straddle the line, with the 5-digit ZIPs known to lie in the zone that is not the state's first.
# Built from per-ZIP zone data (the `zipcodes` package, cross-checked with timezonefinder's zone polygons); a
# straddling prefix whose ZIP is not listed keeps both zones. Arizona's Navajo Nation ZIPs are not listed: the
# data misplaces some of them (Flagstaff, Page), so 860 and 865 keep both zones.
_WHOLE_PREFIX: dict[str, dict[str, str]] = {
    "FL": {"325": CENTRAL},
    "ID": {"838": PACIFIC},
    "IN": {"463": CENTRAL, "464": CENTRAL, "476": CENTRAL, "477": CENTRAL},
    "KY": {"420": CENTRAL, "421": CENTRAL, "422": CENTRAL, "423": CENTRAL, "424": CENTRAL},
    "NE": {"693": MOUNTAIN},
    "SD": {"577": MOUNTAIN},
    "TN": {"374": EASTERN, "376": EASTERN, "378": EASTERN, "379": EASTERN},
    "TX": {"885": MOUNTAIN},
}
_SPLIT_PREFIX: dict[str, dict[str, dict[str, str]]] = {
    "AK": {"995": {"99546": ALEUTIAN, "99547": ALEUTIAN}},
    "AZ": {"860": {}, "865": {}},
    "FL": {"324": {"32456": EASTERN, "32457": EASTERN}},
    "ID": {"835": {}},
    "IN": {"465": {"46531": CENTRAL, "46532": CENTRAL, "46534": CENTRAL}, "469": {"46968": CENTRAL},
           "475": {}, "479": {z: CENTRAL for z in ("47922", "47943", "47948", "47951", "47963", "47964", "47977",
                                                 "47978")}},
    "KS": {"677": {z: MOUNTAIN for z in ("67733", "67735", "67741", "67758", "67761", "67762")},
           "678": {z: MOUNTAIN for z in ("67836", "67878", "67879")}},
    "KY": {"401": {}, "426": {z: CENTRAL for z in ("42602", "42603", "42629", "42642")}, "427": {}},
    "MI": {"498": {}, "499": {}},
    "NE": {"690": {z: MOUNTAIN for z in ("69021", "69023", "69027", "69030", "69033", "69037", "69041", "69045")},
           "691": {}, "692": {z: MOUNTAIN for z in ("69211", "69216", "69218", "69219")}},
    "ND": {"585": {z: MOUNTAIN for z in ("58529", "58533", "58562", "58564", "58569")}, "586": {}},
    "NV": {"898": {"89883": MOUNTAIN}},
    "OR": {"979": {}},
    "SD": {"575": {z: MOUNTAIN for z in ("57521", "57537", "57543", "57547", "57551", "57552", "57553", "57567",
                                          "57574", "57577")},
           "576": {}},
    "TN": {"373": {}, "377": {"37723": CENTRAL}},
    "TX": {"798": {z: MOUNTAIN for z in ("79821", "79835", "79836", "79837", "79838", "79839", "79847", "79849",
                                          "79851", "79853")},
           "799": {"79942": CENTRAL}},
}
# where the list above is complete, the prefix's other ZIPs are all on one side; elsewhere they keep both zones
_SPLIT_REST: dict[tuple[str, str], str] = {
    ("FL", "324"): CENTRAL, ("IN", "465"): EASTERN, ("IN", "469"): EASTERN, ("IN", "479"): EASTERN,
    ("KS", "677"): CENTRAL, ("KS", "678"): CENTRAL, ("KY", "426"): EASTERN, ("NE", "690"): CENTRAL,
    ("NE", "692"): CENTRAL, ("ND", "585"): CENTRAL, ("SD", "575"): CENTRAL, ("TN", "377"): EASTERN,
    ("TX", "798"): CENTRAL, ("TX", "799"): MOUNTAIN, ("AK", "995"): ALASKA, ("NV", "898"): PACIFIC,
}

ZONE_SEPARATOR = "|"


# The state of each 3-digit ZIP prefix in use: USPS assigns every prefix to one state or area (the prefixes are
# listed in USPS Domestic Mail Manual Labeling List L002, "3-Digit ZIP Code Prefix Matrix",
# https://pe.usps.com/text/LabelingLists/L002.htm). Checked against every ZIP of the `zipcodes` package (3.0.0,
# built from USPS data): each prefix's ZIPs lie in its state but for the few in _ZIP_STATE_EXCEPTIONS (and the
# APO/DPO ZIPs 09905, 09980-09984, which the package files under NJ). A prefix not listed is not in use, so its
# state stays unknown. PR, VI, GU (969 also serves the islands near Guam) and the military AA, AE, AP are listed
# so that they read as outside the states rather than as unknown.
_PREFIX_STATE_RANGES = """
005 NY|006-007 PR|008 VI|009 PR|010-027 MA|028-029 RI|030-038 NH|039-049 ME|050-054 VT|055 MA|056-059 VT|060-069 CT
070-089 NJ|090-099 AE|100-149 NY|150-196 PA|197-199 DE|200 DC|201 VA|202-205 DC|206-212 MD|214-219 MD|220-246 VA
247-268 WV|270-289 NC|290-299 SC|300-319 GA|320-339 FL|340 AA|341-342 FL|344 FL|346-347 FL|349 FL|350-352 AL
354-369 AL|370-385 TN|386-397 MS|398-399 GA|400-418 KY|420-427 KY|430-459 OH|460-479 IN|480-499 MI|500-516 IA
520-528 IA|530-532 WI|534-535 WI|537-549 WI|550-551 MN|553-567 MN|569 DC|570-577 SD|580-588 ND|590-599 MT
600-620 IL|622-629 IL|630-631 MO|633-641 MO|644-658 MO|660-662 KS|664-679 KS|680-681 NE|683-693 NE|700-701 LA
703-708 LA|710-714 LA|716-729 AR|730-731 OK|733 TX|734-741 OK|743-749 OK|750-770 TX|772-799 TX|800-816 CO
820-831 WY|832-838 ID|840-847 UT|850-853 AZ|855-857 AZ|859-860 AZ|863-865 AZ|870-871 NM|873-884 NM|885 TX|888 DC
889-891 NV|893-895 NV|897-898 NV|900-908 CA|910-928 CA|930-961 CA|962-966 AP|967-968 HI|969 GU|970-979 OR
980-986 WA|988-994 WA|995-999 AK"""
_ZIP_STATE_EXCEPTIONS = {"06390": "NY", "20588": "MD", "20598": "VA", "72643": "MO", "73960": "TX", "83414": "WY",
                         "96799": "AS"}


def _prefix_states() -> np.ndarray:
    out = np.full(1000, None, dtype=object)
    for entry in _PREFIX_STATE_RANGES.replace("\n", "|").strip("|").split("|"):
        prefixes, state = entry.split()
        first, _, last = prefixes.partition("-")
        out[int(first): int(last or first) + 1] = state
    return out


PREFIX_STATES = _prefix_states()  # PREFIX_STATES[925] == "CA"; None where the prefix is not in use


def zip_states(zips: pd.Series) -> pd.Series:
    """The state or area (like "CA", "PR", "AE") each ZIP lies in, from its prefix; None where the ZIP is blank,
    unreadable or its prefix not in use. For a Mailing State left blank: the ZIP still says where the owner is."""
    text = zips.astype(object).where(zips.notna(), "").astype(str).str.strip()
    readable = text.str.match(r"^\d{5}(?:-?\d{4})?$").to_numpy(dtype=bool)
    out = np.full(len(text), None, dtype=object)
    if readable.any():
        codes = text[readable]
        found = PREFIX_STATES[codes.str.slice(0, 3).astype(int).to_numpy()]
        exceptions = codes.str.slice(0, 5).map(_ZIP_STATE_EXCEPTIONS).to_numpy(dtype=object)
        out[readable] = np.where(pd.notna(exceptions), exceptions, found)
    return pd.Series(out, index=zips.index, dtype=object)


def zones_for(state: str | None, zip_code: str | None) -> tuple[str, ...]:
    """The zones a lead may be in: one where State and ZIP settle it, every zone of the state otherwise;
    () when the state is unknown."""
    zones = STATE_ZONES.get(state or "")
    if zones is None:
        return ()
    if len(zones) == 1:
        return zones
    code = (zip_code or "").strip()
    prefix = code[:3]
    if len(prefix) < 3 or not prefix.isdigit():
        return zones
    split = _SPLIT_PREFIX.get(state, {}).get(prefix)
    if split is not None:
        if code[:5] in split:
            return (split[code[:5]],)
        rest = _SPLIT_REST.get((state, prefix))
        return (rest,) if rest is not None and len(code) >= 5 else zones
    return (_WHOLE_PREFIX.get(state, {}).get(prefix, zones[0]),)


def factorize_rows(*columns: pd.Series | np.ndarray) -> tuple[np.ndarray, list[tuple]]:
    """(codes, distinct rows) of several columns taken together, like factorizing a MultiIndex but without
    building a tuple per row (which costs ~30 ms per 100,000 rows): each column is factorized to integers, the
    integers combined, and only the first row of each distinct combination is read back."""
    n = len(columns[0])
    combined = np.zeros(n, dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(np.asarray(column, dtype=object), use_na_sentinel=True)
        combined = pd.factorize(combined * (len(uniques) + 1) + (codes + 1))[0].astype(np.int64)  # stays small
    codes, distinct = pd.factorize(combined)
    first = np.zeros(len(distinct), dtype=np.int64)
    first[codes[::-1]] = np.arange(n - 1, -1, -1)
    values = [np.asarray(column, dtype=object)[first] for column in columns]
    return codes, list(zip(*values)) if len(distinct) else []


def lead_zones(states: pd.Series, zips: pd.Series) -> pd.Series:
    """zones_for per lead, as "Zone" or "Zone|Zone" text ("" when the state is unknown); each distinct
    (state, ZIP prefix) pair is resolved once."""
    prefix = zips.astype(object).where(zips.notna(), "").astype(str).str.slice(0, 3)
    state = states.astype(object).where(states.notna(), "").astype(str)
    codes, uniques = factorize_rows(state, prefix)
    resolved = np.array([ZONE_SEPARATOR.join(zones_for(s or None, z or None)) for s, z in uniques], dtype=object)
    out = resolved[codes] if len(codes) else np.empty(0, dtype=object)
    # a prefix that straddles a zone line is settled by the full ZIP: only those few rows are read one by one
    split = np.array([p in _SPLIT_PREFIX.get(s, {}) for s, p in uniques], dtype=bool)
    if split.any():
        rows = np.flatnonzero(split[codes])
        full = zips.astype(object).to_numpy()[rows]
        out = out.copy()
        out[rows] = [ZONE_SEPARATOR.join(zones_for(s or None, str(z) if isinstance(z, str) else None))
                     for s, z in zip(state.to_numpy(dtype=object)[rows], full)]
    return pd.Series(out, index=states.index, dtype=object)


def zone_label(zone: str) -> str:
    return ZONE_LABELS.get(zone, zone)

"""Contact rules as data: when a homeowner may be called or texted, with the law behind each figure.

One `CallingRule` per jurisdiction (50 states + DC): the federal window (47 CFR 64.1200(c)(1): 8 AM to 9 PM in the
called party's local time) is the floor, and a state record narrows it where the state's own statute does
(hours, Sundays, holidays, a cap on calls per 24 hours). A state without a stricter rule of its own carries the
federal figures and says so. Not legal advice: these are the rules the tool enforces, each with its citation. The
research behind the records, with how far each figure was verified, is docs/contact_rules_research.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .model import Source

ECFR_64_1200 = "https://www.ecfr.gov/current/title-47/chapter-I/subchapter-B/part-64/subpart-L/section-64.1200"
ECFR_310_4 = "https://www.ecfr.gov/current/title-16/chapter-I/subchapter-C/part-310/section-310.4"
ECFR_316_5 = "https://www.ecfr.gov/current/title-16/chapter-I/subchapter-C/part-316/section-316.5"

FEDERAL_HOURS = (Source("47 CFR 64.1200(c)(1)", ECFR_64_1200),
                 Source("16 CFR 310.4(c) (Telemarketing Sales Rule)", ECFR_310_4))
DNC_SCRUB = (Source("47 CFR 64.1200(c)(2)(i)(D)", ECFR_64_1200),
             Source("16 CFR 310.4(b)(3)(iv)", ECFR_310_4))
EBR_INQUIRY = (Source("47 CFR 64.1200(f)(5)", ECFR_64_1200),)
CONSENT_REVOCATION = (Source("47 CFR 64.1200(a)(10)", ECFR_64_1200),)
EMAIL_OPT_OUT = (Source("15 U.S.C. 7704(a)(4)", "https://www.law.cornell.edu/uscode/text/15/7704"),
                 Source("16 CFR 316.5", ECFR_316_5))
COMPANY_DO_NOT_CALL = (Source("47 CFR 64.1200(d)(3)", ECFR_64_1200),)
# What an "Opted Out" Activity row closes, and why. Calls and emails have no outcome that gives consent back, so an
# opt-out closes them for good; texts re-open with a later "Text Consent" (prior express consent, 47 CFR
# 64.1200(a)(10) on revoking it). Texts are calls under the TCPA, so a request to stop calls stops texts as well.
# Letters have no statute behind the opt-out: the homeowner's word is honoured all the same.
OPT_OUT_SOURCES: dict[str, tuple[Source, ...]] = {
    "Call": COMPANY_DO_NOT_CALL + CONSENT_REVOCATION,
    "Text": COMPANY_DO_NOT_CALL + CONSENT_REVOCATION,
    "Email": EMAIL_OPT_OUT,
    "Letter": (),
}

# A Do Not Call scrub is good for 31 days: the safe harbor needs lists refreshed from the registry at least that often.
DNC_CHECK_VALID_DAYS = 31
# An inquiry from the homeowner makes a call to them permitted (not a "telephone solicitation") for 3 months.
INQUIRY_RELATIONSHIP_MONTHS = 3
# Words that revoke consent when a homeowner replies with them (the FCC's per-se reasonable means of revocation).
OPT_OUT_WORDS = ("stop", "quit", "end", "revoke", "opt out", "cancel", "unsubscribe")


CONFIDENCE = ("verified", "partly verified", "unverified")


@dataclass(frozen=True)
class CallingRule:
    """When calls (and texts) are allowed in one jurisdiction, in the called person's local time.

    `hours` has one entry per weekday, Monday first: (start, end), or None for a day without calls. A rule whose
    figures come only from secondary sources is still enforced (it is stricter than the federal floor, so obeying
    it never breaks the law) and says so in `confidence`."""

    state: str
    hours: tuple[tuple[dt.time, dt.time] | None, ...]
    sources: tuple[Source, ...]
    confidence: str = "verified"
    no_holidays: bool = False
    calls_per_24h: int | None = None
    cap_sources: tuple[Source, ...] = ()
    fixed_clock: str | None = None  # a rule written in a fixed clock (Mississippi: Central Standard Time)
    note: str = ""

    def __post_init__(self) -> None:
        if not self.sources:
            raise ValueError(f"{self.state}: a calling rule needs its source")
        if self.calls_per_24h is not None and not self.cap_sources:
            raise ValueError(f"{self.state}: a call cap needs its source")
        if len(self.hours) != 7 or any(h is not None and not h[0] < h[1] for h in self.hours):
            raise ValueError(f"{self.state}: seven days of hours, each opening before it closes")
        if self.confidence not in CONFIDENCE:
            raise ValueError(f"{self.state}: confidence must be one of {CONFIDENCE}")

    @property
    def citation(self) -> str:
        return "; ".join(s.citation for s in self.sources)

    @property
    def no_sundays(self) -> bool:
        return self.hours[6] is None

    @property
    def federal_only(self) -> bool:
        return self.sources == FEDERAL_HOURS


def _hours(start: int, end: int) -> tuple[dt.time, dt.time]:
    """A state window, never wider than the federal one (which applies everywhere as well)."""
    return dt.time(max(start, 8)), dt.time(min(end, 21))


def _federal(state: str) -> CallingRule:
    return CallingRule(state, (_hours(8, 21),) * 7, FEDERAL_HOURS,
                       note="No stricter state calling-hour rule is recorded; the federal window applies.")


def _state(state: str, start: int, end: int, *sources: Source, saturday: tuple[int, int] | None = None,
           sunday: tuple[int, int] | None | bool = True, **options: object) -> CallingRule:
    weekday = _hours(start, end)
    sat = _hours(*saturday) if saturday else weekday
    sun = None if sunday is None else (_hours(*sunday) if isinstance(sunday, tuple) else weekday)
    return CallingRule(state, (weekday,) * 5 + (sat, sun), tuple(sources) + FEDERAL_HOURS, **options)


def _src(citation: str, url: str) -> Source:
    return Source(citation, url)


_FL = "https://www.flsenate.gov/Laws/Statutes/2024/501.616"
_OK = "https://govt.westlaw.com/okjc/Document/N072A891022B011ED81A8F3289CC136A8"
_MD = "https://lexace.ai/us/statute/maryland/CL-14-4502"
_OR = "https://production.jdsupra.com/legalnews/oregon-passes-new-telephone-8210765"
_WA = "https://app.leg.wa.gov/RCW/default.aspx?cite=80.36.390"
_CT = "https://cga.ct.gov/current/pub/chap_743m.htm"
_KY = "https://lawserver.com/law/state/kentucky/ks-statutes/kentucky_statutes_367-46955"
_AL = "https://www.law.cornell.edu/regulations/alabama/Ala-Admin-Code-r-770-X-5-.17"
_LA = "https://lpsc.louisiana.gov/DNC_Emergency"
_MS = "https://getpocketlaw.com/law/state_mississippi/section-77-3-723-rules-for-authorized-calls_57b73fa7ff73"
_MA = "https://regulations.justia.com/states/massachusetts/201-cmr/title-201-cmr-12-00/section-12-02"
_RI = "http://webserver.rilin.state.ri.us/Statutes/TITLE5/5-61/5-61-3.6.HTM"
_UT = "https://codes.findlaw.com/ut/title-13-commerce-and-trade/ut-code-sect-13-25a-103/"
_NM = "https://law.justia.com/codes/new-mexico/2006/nmrc/jd_57-12-22-13117.html"
_TX = "https://statutes.capitol.texas.gov/Docs/BC/htm/BC.301.htm"
_MN = "https://www.revisor.mn.gov/statutes/cite/325E.30"
_MI = "https://www.legislature.mi.gov/Laws/MCL?objectName=mcl-750-540e"
_WY = "https://cliclaw.com/library/us-state-laws/telemarketing-sms/wyoming-telephone-solicitation-wy-stat-%C2%A7-40-12-301-et-seq"
_PA = "https://govt.westlaw.com/pac/Document/NE4CC77F0E9F711E9BEFE89A994168F89"
_PA_SB992 = "https://www.pasenategop.com/news/brooks-bill-to-strengthen-protections-against-telemarketers-passes-senate"
_DC = "https://code.dccouncil.gov/us/dc/council/code/sections/22-3226.08"

_STATE_RULES: tuple[CallingRule, ...] = (
    _state("FL", 8, 20, _src("Fla. Stat. 501.616(6)(a)", _FL), calls_per_24h=3,
           cap_sources=(_src("Fla. Stat. 501.616(6)(b)", _FL),),
           note="At most 3 calls to the same person about the same subject in 24 hours, from any number. "
                "Real-estate licensees are not exempt (Fla. Stat. 501.604)."),
    _state("OK", 8, 20, _src("Okla. Stat. tit. 15, 775C.4", _OK), calls_per_24h=3,
           cap_sources=(_src("Okla. Stat. tit. 15, 775C.4", _OK),), confidence="partly verified",
           note="Oklahoma Telephone Solicitation Act (HB 3168, 2022); covers texts. Exemptions (775C.5) not "
                "fully read."),
    _state("MD", 8, 20, _src("Md. Code, Com. Law 14-4502(c)", _MD), calls_per_24h=3,
           cap_sources=(_src("Md. Code, Com. Law 14-4502(c)", _MD),), confidence="partly verified",
           note="Stop the Spam Calls Act of 2023, in force 1 Jan 2024: 3 calls or texts per 24 hours."),
    _state("OR", 8, 20, _src("Oregon HB 3865 (2025), ORS 646.563", _OR), calls_per_24h=3,
           cap_sources=(_src("Oregon HB 3865 (2025), ORS 646.563", _OR),), confidence="partly verified",
           note="In force 1 Jan 2026; covers texts; the cap does not apply within an established business "
                "relationship (not modelled: the cap is always applied)."),
    _state("WA", 8, 20, _src("RCW 80.36.390", _WA),
           note="Real-estate agents are named as covered callers."),
    _state("CT", 9, 20, _src("Conn. Gen. Stat. 42-288a(c)", _CT), confidence="partly verified",
           note="Covers texts since P.A. 23-98."),
    _state("KY", 10, 21, _src("KRS 367.46955(16)", _KY), confidence="partly verified"),
    _state("AL", 8, 20, _src("Ala. Admin. Code r. 770-X-5-.17", _AL), sunday=None, no_holidays=True,
           note="No solicitation calls on Sundays or holidays."),
    _state("LA", 8, 20, _src("La. PSC General Order R-29617, V(A); La. R.S. 45:844.11 et seq.", _LA),
           sunday=None, no_holidays=True, confidence="unverified",
           note="All telephone solicitation is banned during a declared state of emergency (La. R.S. 45:844.31)."),
    _state("MS", 8, 20, _src("Miss. Code Ann. 77-3-723(1)", _MS), sunday=None, fixed_clock="Etc/GMT+6",
           note="Hours are in Central Standard Time: 9 AM-8 PM while daylight time is in force."),
    _state("MA", 8, 20, _src("201 CMR 12.02(2)", _MA)),
    _state("RI", 9, 18, _src("R.I. Gen. Laws 5-61-3.6 and 5-61-2", _RI), saturday=(10, 17), sunday=None,
           no_holidays=True, confidence="partly verified",
           note="Weekdays 9 AM-6 PM, Saturdays 10 AM-5 PM; no Sundays or holidays."),
    _state("UT", 8, 21, _src("Utah Code 13-25a-103(3)", _UT), sunday=None, no_holidays=True,
           note="Not on Sundays or legal holidays without prior express consent."),
    _state("NM", 9, 21, _src("N.M. Stat. Ann. 57-12-22(B)(5)", _NM), confidence="partly verified"),
    _state("TX", 9, 21, _src("Tex. Bus. & Com. Code 301.051", _TX), sunday=(12, 21), confidence="partly verified",
           note="Sundays from noon."),
    _state("MN", 9, 21, _src("Minn. Stat. 325E.30", _MN), confidence="unverified"),
    _state("MI", 9, 21, _src("MCL 750.540e(1)(f)", _MI), confidence="unverified"),
    _state("WY", 8, 20, _src("Wyo. Stat. 40-12-302(d)", _WY), confidence="unverified"),
    _state("PA", 9, 19, _src("73 P.S. 2245(a)(1), (a)(10)", _PA), _src("Pennsylvania SB 992 (2025-26)", _PA_SB992),
           sunday=None, no_holidays=True, confidence="unverified",
           note="Legal holidays are banned (Act 73 of 2019). SB 992 (9 AM-7 PM, no Sundays, texts covered) is "
                "reported enacted as Act 47 of 2026; enforced here until that is confirmed either way."),
    CallingRule("DC", (_hours(8, 21),) * 7, (_src("D.C. Code 22-3226.08(3)", _DC),) + FEDERAL_HOURS,
                note="The same window as the federal rule."),
)

US_JURISDICTIONS = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
    "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
)

CALLING_RULES: dict[str, CallingRule] = {code: _federal(code) for code in US_JURISDICTIONS}
CALLING_RULES.update({rule.state: rule for rule in _STATE_RULES})
CALLING_RULES["NV"] = replace(CALLING_RULES["NV"], note=(
    "A vendor table lists 9 AM-8 PM; the enacting text of NRS 598.0918 (AB 337, 2001) matches the federal window. "
    "The federal window is applied until the current statute is read."))
CALLING_RULES["AZ"] = replace(CALLING_RULES["AZ"], note=(
    "Reported (unverified): A.R.S. 44-1278(B)(3) bars unsolicited sales calls to mobile numbers outright. The "
    "tool cannot tell a mobile number from a landline; check before calling an Arizona cell phone."))

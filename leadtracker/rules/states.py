"""One record per jurisdiction (50 states + DC): the foreclosure rules for residential mortgages, each figure sourced.

Research: ../shared/reference/foreclosure_timelines.md and .csv (source keys as there), with the figures the tool
computes from re-checked against statute text or a court quoting it (sources marked "checked" in sources.py).
Where the research found nothing reliable, the field is None and `unknowns` says why. Nothing here is guessed.

Confidence: high = statute text or an official page read for this module; medium = a secondary source that agrees
with the statute as far as it was checked, or a single good secondary source; low = old aggregate tables.
"""

from __future__ import annotations

import datetime as dt

from .model import (CureKind, CureRule, Estimate, Figure, Process, RedemptionPeriod, SaleDays, SaleRule,
                    StateRules)
from .sources import cite


def F(text: str, *keys: str, conf: str = "high", effective: dt.date | None = None) -> Figure:
    return Figure(text, cite(*keys), conf, effective)


NJ_, JU_, BO_ = Process.NON_JUDICIAL, Process.JUDICIAL, Process.BOTH

# Fannie Mae's preferred method and allowable days from the last paid installment to the sale, per jurisdiction:
# the 1/1/2019 exhibit where the research has it, otherwise the older (about 2015-16) exhibit.
FANNIE: dict[str, tuple[str, Process, int, str]] = {
    "AL": ("Alabama", NJ_, 420, "FNMA19"), "AK": ("Alaska", NJ_, 480, "FNMA19"),
    "AZ": ("Arizona", NJ_, 450, "FNMA19"), "AR": ("Arkansas", NJ_, 420, "FNMA19"),
    "CA": ("California", NJ_, 480, "FNMA19"), "CO": ("Colorado", NJ_, 450, "FNMA19"),
    "CT": ("Connecticut", JU_, 660, "FNMA19"), "DE": ("Delaware", JU_, 720, "FNMA19"),
    "DC": ("District of Columbia", JU_, 1230, "FNMA19"), "FL": ("Florida", JU_, 810, "FNMA19"),
    "GA": ("Georgia", NJ_, 330, "FNMA19"), "HI": ("Hawaii", JU_, 900, "FNMA19"),
    "ID": ("Idaho", NJ_, 630, "FNMA19"), "IL": ("Illinois", JU_, 600, "FNMAOLD"),
    "IN": ("Indiana", JU_, 510, "FNMAOLD"), "IA": ("Iowa", JU_, 540, "FNMAOLD"),
    "KS": ("Kansas", JU_, 480, "FNMAOLD"), "KY": ("Kentucky", JU_, 510, "FNMAOLD"),
    "LA": ("Louisiana", JU_, 540, "FNMAOLD"), "ME": ("Maine", JU_, 1050, "FNMAOLD"),
    "MD": ("Maryland", NJ_, 570, "FNMAOLD"), "MA": ("Massachusetts", NJ_, 930, "FNMAOLD"),
    "MI": ("Michigan", NJ_, 300, "FNMAOLD"), "MN": ("Minnesota", NJ_, 390, "FNMAOLD"),
    "MS": ("Mississippi", NJ_, 360, "FNMAOLD"), "MO": ("Missouri", NJ_, 330, "FNMAOLD"),
    "MT": ("Montana", NJ_, 420, "FNMAOLD"), "NE": ("Nebraska", NJ_, 480, "FNMA19"),
    "NV": ("Nevada", NJ_, 930, "FNMA19"), "NH": ("New Hampshire", NJ_, 480, "FNMA19"),
    "NJ": ("New Jersey", JU_, 1530, "FNMA19"), "NM": ("New Mexico", JU_, 930, "FNMA19"),
    "NY": ("New York", JU_, 1740, "FNMA19"), "NC": ("North Carolina", NJ_, 420, "FNMA19"),
    "ND": ("North Dakota", JU_, 630, "FNMA19"), "OH": ("Ohio", JU_, 510, "FNMA19"),
    "OK": ("Oklahoma", JU_, 570, "FNMA19"), "OR": ("Oregon", NJ_, 960, "FNMA19"),
    "PA": ("Pennsylvania", JU_, 690, "FNMA19"), "RI": ("Rhode Island", NJ_, 720, "FNMAOLD"),
    "SC": ("South Carolina", JU_, 540, "FNMAOLD"), "SD": ("South Dakota", JU_, 510, "FNMAOLD"),
    "TN": ("Tennessee", NJ_, 300, "FNMAOLD"), "TX": ("Texas", NJ_, 390, "FNMAOLD"),
    "UT": ("Utah", NJ_, 420, "FNMAOLD"), "VT": ("Vermont", JU_, 870, "FNMAOLD"),
    "VA": ("Virginia", NJ_, 360, "FNMAOLD"), "WA": ("Washington", NJ_, 540, "FNMAOLD"),
    "WV": ("West Virginia", NJ_, 390, "FNMAOLD"), "WI": ("Wisconsin", JU_, 510, "FNMAOLD"),
    "WY": ("Wyoming", NJ_, 360, "FNMAOLD"),
}

NO_CURE_STATUTE = "cure deadline: no statute was verified (only the mortgage's own reinstatement clause)"
NO_REDEMPTION_SOURCE = "redemption after the sale: the only sources are old tables that conflict or are unverified"


def _typical(code: str) -> tuple[Figure, Estimate]:
    name, _, days, key = FANNIE[code]
    if key == "FNMA19":
        vintage, conf = "1/1/2019 exhibit", "medium"
    else:
        vintage, conf = "older exhibit, about 2015-16; may be stale", "low"
    text = (f"Fannie Mae allows up to {days} days from the last paid installment to the sale for a routine, "
            f"uncontested {name} foreclosure ({vintage}); real cases often take longer")
    return F(text, key, conf=conf), Estimate(days, f"Fannie Mae's {days}-day time frame for {name}")


def _fannie_process(code: str) -> Figure:
    name, method, _, key = FANNIE[code]
    conf = "medium" if key == "FNMA19" else "low"
    return F(f"{method.value.capitalize()} foreclosure is Fannie Mae's preferred method in {name}", key, conf=conf)


def _record(code: str, *, process: Figure | None = None, process_type: Process | None = None,
            usual: Process | None = None, notice_means: str = "the first public foreclosure step on record",
            unknowns: tuple[str, ...] | None = None, **fields: object) -> StateRules:
    name, method, _, _ = FANNIE[code]
    typical, estimate = _typical(code)
    if unknowns is None:
        unknowns = tuple(u for u, missing in ((NO_CURE_STATUTE, "cure" not in fields),
                                              (NO_REDEMPTION_SOURCE, "redemption" not in fields)) if missing)
    return StateRules(code=code, name=name, process=process or _fannie_process(code),
                      process_type=process_type or method, usual_process=usual or process_type or method,
                      notice_means=notice_means, typical_total=typical, estimate=estimate, unknowns=unknowns,
                      **fields)  # type: ignore[arg-type]


def _none(citation: str, conf: str) -> RedemptionPeriod:
    return RedemptionPeriod(0, 0, citation, conf)


_DETAILED: dict[str, StateRules] = {}


def _add(rules: StateRules) -> None:
    _DETAILED[rules.code] = rules


_add(_record(
    "AZ", process=F("Trustee's sale under a deed of trust is the usual route; a lender may instead foreclose in "
                    "court (which ends the statutory right to reinstate when filed)", "AZPR", "AZESQ", "FNMA19"),
    process_type=BO_, usual=NJ_, notice_means="the recorded notice of trustee's sale",
    notices=(F("Copy of the recorded notice of sale mailed by certified or registered mail within 30 days after "
               "recording (A.R.S. 33-809(B))", "AZ809"),
             F("Notice of sale posted on the property at least 20 days before the sale (A.R.S. 33-808(A)(3))", "AZ808")),
    notice_to_sale=F("The sale may be held no earlier than the 91st day after the notice of sale is recorded "
                     "(A.R.S. 33-807(D))", "AZPR", "AZZ"),
    sale_rule=SaleRule(days=91, citation="A.R.S. 33-807(D)"),
    publication=F("Once a week for 4 consecutive weeks; the last at least 10 days before the sale "
                  "(A.R.S. 33-808(A)(4))", "AZ808"),
    cure=F("Reinstate before 5:00 p.m. Mountain Standard Time on the last day, other than a Saturday or legal "
           "holiday, before the sale (A.R.S. 33-813(A)); Sundays are legal holidays in Arizona (A.R.S. 1-301(A)(1))",
           "AZ813", "AZ1301"),
    cure_rule=CureRule(CureKind.LAST_NON_SATURDAY_NON_HOLIDAY_BEFORE_SALE),
    redemption=F("No redemption after a trustee's sale (A.R.S. 33-811(E))", "AZPR"),
    redemption_period=_none("A.R.S. 33-811(E)", "high"),
    sale_days=F("Sales are held on a day other than a Saturday or legal holiday, 9 a.m. to 5 p.m. Mountain "
                "Standard Time (A.R.S. 33-808(B))", "AZ808"),
    unknowns=("mediation: no Arizona program was found",),
))

_add(_record(
    "CA", process=F("Non-judicial trustee's sale under a deed of trust is the usual route", "CALC", "FNMA19"),
    process_type=BO_, usual=NJ_, notice_means="the recorded notice of default",
    notices=(F("Servicer must contact (or try to contact) the owner and wait 30 days before recording the notice of "
               "default (Civ. Code 2923.5/2923.55)", "CATL", conf="medium"),
             F("Notice of default mailed within 10 business days after recording", "CALC", conf="medium"),
             F("Notice of sale posted, mailed and published at least 20 days before the sale", "CAEQ", "CAAMB",
               conf="medium")),
    notice_to_sale=F("The notice of sale may not be given until 3 months after the notice of default is recorded, "
                     "and must be given at least 20 days before the sale: at least 3 months and 20 days "
                     "(computed from Civ. Code 2924(a)(3) and 2924f)", "CAFT"),
    sale_rule=SaleRule(months=3, days=20, citation="Cal. Civ. Code 2924(a)(3), 2924f"),
    publication=F("Once a week for 3 consecutive weeks in the 20 days before the sale", "CAAMB", conf="medium"),
    cure=F("Reinstate until 5 business days before the date of sale (Civ. Code 2924c(e))", "CA2924C", "CAHICKS"),
    cure_rule=CureRule(CureKind.BUSINESS_DAYS_BEFORE_SALE, 5),
    redemption=F("No redemption after a trustee's sale; for 1-4 unit homes, Civ. Code 2924m lets eligible bidders "
                 "act for 15 days (notice of intent) and 45 days (final bid) after the auction, until 1/1/2031",
                 "CA2924M", "CALC"),
    redemption_period=_none("Cal. Civ. Code 2924h/2924m; no owner redemption after a trustee's sale", "high"),
    sale_days=F("Sales may be held on any business day, Monday to Friday, 9 a.m. to 5 p.m. (Civ. Code 2924g)",
                "CAFT", conf="medium"),
    unknowns=("mediation: no statewide program was found",),
))

_add(_record(
    "CO", process=F("Non-judicial sale by the county Public Trustee, with a Rule 120 court order", "COPUEB", "FNMA19"),
    process_type=NJ_, notice_means="the recorded Notice of Election and Demand (NED)",
    notices=(F("Combined notice mailed within 20 days after the NED is recorded, and again 45 to 60 days before "
               "the first scheduled sale (C.R.S. 38-38-103)", "CO103"),),
    notice_to_sale=F("The sale is set 110 to 125 calendar days after the NED is recorded", "CODOUG", "COPUEB"),
    sale_rule=SaleRule(days=110, citation="C.R.S. 38-38"),
    publication=F("5 consecutive weeks in a newspaper of general circulation", "CODOUG", "COPUEB"),
    cure=F("File an intent to cure at least 15 calendar days before the sale, and pay the cure amount by 12:00 noon "
           "the day before the sale (C.R.S. 38-38-104)", "CODOUG", "COLTGC"),
    cure_rule=CureRule(CureKind.CALENDAR_DAYS_BEFORE_SALE, 1),
    unknowns=("redemption after the sale: no owner redemption is stated in current sources; old tables (pre-2008 "
              "law) list 75 days, so it stays unknown", "mediation: no program was found"),
))

_add(_record(
    "CT", process=F("Judicial: strict foreclosure (the court sets law days) or foreclosure by sale", "CTNOLO",
                    "ALLFC", "FNMA19", conf="medium"),
    process_type=JU_, notice_means="the filing of the foreclosure complaint",
    mediation=F("Foreclosure Mediation Program for owner-occupied 1-4 family homes: file an appearance and the "
                "mediation certificate within 15 days of the return date; mediation ends at the 3rd session or 7 "
                "months after the return date (C.G.S. 49-31n); program runs through 6/30/2029", "CTLC", "CTMED",
                "CTNOLO", conf="medium"),
    unknowns=(NO_CURE_STATUTE, "redemption: in strict foreclosure the court sets the law days case by case"),
))

_add(_record(
    "DC", process=F("Two tracks: power of sale (notice of default plus a mediation certificate) or a court action",
                    "DCPF", "DC815", conf="medium"),
    process_type=BO_, usual=NJ_, notice_means="the notice of default (with the mediation election form)",
    notices=(F("Written notice of default by certified and first-class mail, copy to the Mayor, with a mediation "
               "election form; no power-of-sale sale without a mediation certificate (D.C. Code 42-815(b))",
               "DC815", conf="medium"),
             F("Notice of the sale at least 30 days before the sale", "DCCAFN", conf="medium")),
    mediation=F("Return the mediation election form within about 30 days of the notice-of-default package; "
                "mediation is scheduled about 90 days after the package is mailed", "DCPF", conf="medium"),
))

_add(_record(
    "FL", process=F("Judicial foreclosure", "FLLC", "FNMA19"), process_type=JU_,
    notice_means="the filing of the foreclosure complaint and lis pendens",
    notices=(F("Contractual breach letter, usually 30 days to cure, before acceleration", "FLLC", conf="medium"),
             F("20 days after service to respond to the complaint", "FLLC", conf="medium")),
    notice_to_sale=F("The judgment sets the sale not less than 20 nor more than 35 days after the final judgment, "
                     "later if the plaintiff agrees (Fla. Stat. 45.031(1)(a))", "FL45031"),
    publication=F("Once a week for 2 consecutive weeks; the second at least 5 days before the sale "
                  "(Fla. Stat. 45.031)", "FLSFL"),
    cure=F("No separate statutory reinstatement; the owner may redeem by paying the judgment amount until the "
           "clerk files the certificate of sale, or a later time set in the judgment (Fla. Stat. 45.0315)",
           "FLRED", "FLBURR"),
    redemption=F("Redemption ends when the certificate of sale is filed; none afterwards (Fla. Stat. 45.0315)",
                 "FLRED", "FLBURR"),
    redemption_period=_none("Fla. Stat. 45.0315: redemption ends when the certificate of sale is filed", "high"),
    unknowns=("cure deadline: it is the filing of the certificate of sale, a date the sheet does not hold",
              "mediation: circuit-level programs were not verified"),
))

_add(_record(
    "GA", process=F("Non-judicial sale under the power of sale in a security deed", "GAFLL", "FNMA19",
                    conf="medium"),
    process_type=NJ_, notice_means="the notice of sale mailed to the owner",
    notices=(F("Written notice of the sale to the debtor at least 30 days before the sale, by registered or "
               "certified mail or overnight delivery (O.C.G.A. 44-14-162.2)", "GAFLL", conf="medium"),),
    notice_to_sale=F("At least 30 days from the mailed notice to the sale (O.C.G.A. 44-14-162.2)", "GAFLL",
                     conf="medium"),
    sale_rule=SaleRule(days=30, citation="O.C.G.A. 44-14-162.2"),
    publication=F("Once a week for the 4 weeks before the sale in the county legal organ; weeks are calendar "
                  "weeks", "GA141", "GAPB", conf="medium"),
    redemption=F("No redemption after the sale", "GAFLL", "ALLFC", conf="medium"),
    redemption_period=_none("O.C.G.A. 44-14; no redemption after a power-of-sale foreclosure", "medium"),
    sale_days=F("Sales are held on the first Tuesday of the month, 10 a.m. to 4 p.m.; when that Tuesday is New "
                "Year's Day or Independence Day, on the Wednesday after (O.C.G.A. 9-13-161(a)); power-of-sale "
                "sales follow the time of sheriff's sales", "GA9161", "GAOLIVER", "GAPB"),
    sale_days_rule=SaleDays.FIRST_TUESDAY_OR_WEDNESDAY_AFTER_JAN1_JUL4,
    unknowns=("cure deadline: Georgia has no statutory reinstatement right that was found; only the security "
              "deed's own clause", "mediation: no program was found"),
))

_add(_record(
    "IL", process=F("Judicial foreclosure", "ILTB", "FNMAOLD"), process_type=JU_,
    notice_means="the filing of the foreclosure complaint",
    notices=(F("Homeowner notice attached to the summons (735 ILCS 5/15-1504.5); 30 days to answer", "IL1507",
               "ILTB", conf="medium"),),
    notice_to_sale=F("No sale until the reinstatement and redemption periods have expired (15-1507(b)); "
                     "redemption runs to the later of 7 months after service or 3 months after judgment "
                     "(15-1603(b)): at least 7 months after service", "IL1507", "IL1603"),
    sale_rule=SaleRule(months=7, anchor="filing", approximate=True,
                       citation="735 ILCS 5/15-1507(b), 15-1603(b)"),
    publication=F("Once a week for 3 consecutive calendar weeks; the research found conflicting windows "
                  "(45/7 vs 42/21 days before the sale)", "ILIDPS", "ILTB", conf="medium"),
    cure=F("Reinstate within 90 days after the owner is served with the summons, or submits to the court "
           "(735 ILCS 5/15-1602); once every 5 years", "IL1602"),
    cure_rule=CureRule(CureKind.DAYS_AFTER_FILING, 90, approximate=True,
                       approximation="counted from the Filing Date; the law counts from service of the summons, "
                                     "which comes later, so the real deadline is no earlier than this"),
    redemption=F("Redemption ends before the sale: the later of 7 months after service or 3 months after judgment "
                 "(15-1603(b)(1)); a special 30-day right after confirmation applies only when the lender buys "
                 "for less than the amount owed", "IL1603", "ILBETH", conf="medium"),
    redemption_period=_none("735 ILCS 5/15-1603: redemption ends before the sale", "medium"),
    mediation=F("County programs only (for example Lake County: request within 42 days of service)", "ILTB",
                conf="medium"),
))

_add(_record(
    "MA", process=F("Non-judicial power-of-sale foreclosure; the lender first brings a Servicemembers (SCRA) case "
                    "in the Land Court, with 20 days to answer", "MAFH", "FNMAOLD", conf="medium"),
    process_type=NJ_, notice_means="the 90-day right-to-cure notice (M.G.L. c. 244, s. 35A)",
    notices=(F("90-day right-to-cure notice before the lender may accelerate or foreclose, once in any 5 years "
               "(M.G.L. c. 244, s. 35A); 90 days again since 1/1/2016 (150 days from 2010 through 2015)",
               "MA35A", "MADOB", "MA209", effective=dt.date(2016, 1, 1)),
             F("Notice of sale by registered mail at least 14 days before the sale (M.G.L. c. 244, s. 14)",
               "MA14", "MALRI")),
    notice_to_sale=F("At least 90 days (right to cure) plus 21 days (first publication before the sale, the sale "
                     "day not counted): about 111 days (computed)", "MA35A", "MA14", "MAFITCH"),
    sale_rule=SaleRule(days=111, citation="M.G.L. c. 244, ss. 35A, 14"),
    publication=F("Once in each of 3 successive weeks, the first at least 21 days before the sale; the sale day "
                  "does not count toward the 21 days", "MA14", "MALRI", "MAFITCH"),
    cure=F("Cure by paying the amounts due within 90 days after the right-to-cure notice (M.G.L. c. 244, "
           "s. 35A(a), (b)); later reinstatement only as the mortgage allows", "MA35A", "MADOB",
           effective=dt.date(2016, 1, 1)),
    cure_rule=CureRule(CureKind.DAYS_AFTER_NOTICE, 90),
    redemption=F("No redemption after a power-of-sale foreclosure sale; the owner may pay off the loan until the "
                 "sale", "MANOLO", conf="medium"),
    redemption_period=_none("M.G.L. c. 244; no redemption after a power-of-sale foreclosure", "medium"),
    unknowns=("mediation: no statewide program was found",),
))

_add(_record(
    "MD", process=F("Quasi-judicial: a power-of-sale or assent-to-decree sale, but the case starts with an Order to "
                    "Docket in circuit court and the court ratifies the sale", "MDTL", "MDRT", "MDNOLO"),
    process_type=BO_, usual=NJ_, notice_means="the Notice of Intent to Foreclose (NOI)",
    notices=(F("Notice of Intent to Foreclose, with a loss-mitigation application, at least 45 days before filing; "
               "the Order to Docket may not be filed until the later of 90 days after default or 45 days after "
               "the NOI", "MDBW", "MDTL"),
             F("Written notice of the sale to the owner not earlier than 30 and not later than 10 days before the "
               "sale (Real Prop. 7-105.4(c)(2))", "MD1054")),
    publication=F("Notice of sale published for 3 consecutive weeks", "MDRT", "MDNOLO", conf="medium"),
    cure=F("Reinstate up to 1 business day before the foreclosure sale (Md. Code, Real Prop. 7-105.1, as "
           "summarised by two secondary sources)", "MDTL", "MDNOLO", conf="medium"),
    cure_rule=CureRule(CureKind.BUSINESS_DAYS_BEFORE_SALE, 1),
    redemption=F("No redemption after the sale; the owner may pay off the loan until the court ratifies the sale",
                 "MDNOLORED", "MDRT", conf="medium"),
    redemption_period=_none("Md. Real Prop. 7-105; no post-sale redemption", "medium"),
    mediation=F("Request foreclosure mediation within 25 days after service of the final loss-mitigation "
                "affidavit ($50 fee, waivable); the hearing office holds it within 60 days", "MDCAL", "MDLOGAN"),
    unknowns=("minimum time to the sale: the research copy was garbled, so it stays unknown",),
))

_add(_record(
    "MI", process=F("Foreclosure by advertisement (non-judicial) is usual; judicial foreclosure is available",
                    "MIRT", "MILI", conf="medium"),
    process_type=BO_, usual=NJ_, notice_means="the first published notice of sale",
    notices=(F("No statutory default notice before the sale notice; the notice of sale must state the redemption "
               "period", "MIRT", conf="medium"),),
    notice_to_sale=F("The sale is at least 28 days after the first publication", "MIRT", conf="medium"),
    sale_rule=SaleRule(days=28, citation="Michigan notice-of-sale rules"),
    publication=F("Once a week for 4 successive weeks; posted on the property within 15 days after the first "
                  "publication; a postponement of more than a week needs new publication", "MILI", "MIRT",
                  conf="medium"),
    redemption=F("6 months after the sale for most homes (1-4 units, amount claimed more than two-thirds of the "
                 "original debt); 12 months otherwise; 30 days if abandoned (MCL 600.3240(8), 600.3241a)",
                 "MI3240", "MIORL"),
    redemption_period=RedemptionPeriod(6, 0, "MCL 600.3240(8): 6 months for most homes", "high"),
    unknowns=("cure deadline: Michigan sets none by statute; the mortgage governs",
              "mediation: the MCL 600.3205a program's current status was not verified"),
))

_add(_record(
    "MN", process=F("Foreclosure by advertisement (Minn. Stat. ch. 580) is the default method", "MNRAM", "FNMAOLD",
                    conf="medium"),
    process_type=BO_, usual=NJ_, notice_means="the first published notice of sale",
    notices=(F("Pre-foreclosure counseling notice for owner-occupied homes; notice of default with at least 30 "
               "days to cure reported for conventional loans", "MNRAM", "MNPF", conf="medium"),),
    publication=F("Notice of sale published for 6 consecutive weeks", "MNPF", conf="medium"),
    redemption=F("6 months after the sheriff's sale (Minn. Stat. 580.23 subd. 1); 12 months in the cases of "
                 "subd. 2; 5 weeks if the owner files a postponement affidavit", "MN58023", "MNPF"),
    redemption_period=RedemptionPeriod(6, 0, "Minn. Stat. 580.23 subd. 1: 6 months for most homes", "high"),
))

_add(_record(
    "NV", process=F("Non-judicial trustee's sale", "NV080", "FNMA19"), process_type=NJ_,
    notice_means="the recorded notice of default",
    notices=(F("Pre-default notice at least 30 days before the notice of default is recorded (NRS 107.500)",
               "NV500"),),
    notice_to_sale=F("Not less than 3 months after the notice of default is recorded (NRS 107.080(2)(c)); about 3 "
                     "months and 21 days in practice", "NV080", "NVKG", conf="medium"),
    sale_rule=SaleRule(months=3, days=21, citation="NRS 107.080(2)(c)"),
    publication=F("Notice of sale published for 3 consecutive weeks", "NVKG", conf="medium"),
    cure=F("For owner-occupied housing, cure until 5 days before the sale (NRS 107.0805(1)(a)); otherwise 35 days "
           "after the notice of default (NRS 107.080(2)(a))", "NV0805", "NV080"),
    cure_rule=CureRule(CureKind.CALENDAR_DAYS_BEFORE_SALE, 5),
    redemption=F("No redemption after a trustee's sale", "RT", conf="low"),
    redemption_period=_none("NRS 107.080; no redemption after a trustee's sale (old table)", "low"),
    mediation=F("Foreclosure Mediation Program for owner-occupied housing: the notice-of-default package includes "
                "an election form, and no sale without a mediation certificate (NRS 107.086)", "NV086"),
))

_add(_record(
    "NJ", process=F("Judicial foreclosure", "NJFS", "FNMA19"), process_type=JU_,
    notice_means="the Notice of Intention to Foreclose (Fair Foreclosure Act)",
    notices=(F("Notice of Intention to Foreclose at least 30 days (and not more than 180 days) before filing, by "
               "certified or registered mail", "NJAMX"),
             F("35 days after service to answer; notice of the sheriff's sale at least 10 days before it", "NJFS",
               "NJMET", conf="medium")),
    cure=F("Cure until the final judgment is entered (Fair Foreclosure Act)", "NJMET"),
    redemption=F("10 days after the sheriff's sale (or until the deed is delivered) to redeem or move to object",
                 "NJMET", conf="medium"),
    redemption_period=RedemptionPeriod(0, 10, "10 days after the sheriff's sale (NJ Fair Foreclosure practice)",
                                       "medium"),
    mediation=F("Foreclosure Mediation Program notice is served with the summons and complaint", "NJFS",
                conf="medium"),
    unknowns=("cure deadline: it is the date of final judgment, which the sheet does not hold",),
))

_add(_record(
    "NY", process=F("Judicial foreclosure (RPAPL article 13); no practical non-judicial option for home loans",
                    "NYAB", "FNMA19"),
    process_type=JU_, notice_means="the 90-day pre-foreclosure notice (RPAPL 1304)",
    notices=(F("90-day notice before the lender starts a foreclosure action on a home loan, by registered or "
               "certified and first-class mail (RPAPL 1304)", "NY1304"),),
    notice_to_sale=F("The sale falls on day 28 to 35 after the first publication (4-week option) or day 21 to 28 "
                     "(3-week option) (RPAPL 231)", "NY231"),
    publication=F("Once a week for 4 successive weeks, or at least twice a week for 3 successive weeks "
                  "(RPAPL 231)", "NY231"),
    redemption=F("No redemption after the sale; the owner may pay off the loan until the sale", "NYNOLO",
                 conf="medium"),
    redemption_period=_none("N.Y. RPAPL art. 13; no post-sale redemption", "medium"),
    mediation=F("Mandatory settlement conference for owner-occupied home loans, held within 60 days after proof "
                "of service is filed (CPLR 3408)", "NY3408"),
    unknowns=("cure deadline: New York sets no statutory reinstatement deadline; the mortgage governs",),
))

_add(_record(
    "NC", process=F("Non-judicial power of sale with a hearing before the clerk of court", "NC16", "FNMA19",
                    conf="medium"),
    process_type=NJ_, notice_means="the notice of hearing before the clerk",
    notices=(F("Notice of hearing served at least 10 days before the hearing (posting: 20 days) "
               "(G.S. 45-21.16)", "NC16", conf="medium"),
             F("Notice of sale mailed at least 20 days before the sale (G.S. 45-21.17(4))", "NC17")),
    notice_to_sale=F("At least 10 days' hearing notice plus 20 days' sale notice: about 30 days (computed lower "
                     "bound)", "NC16", "NC17", conf="medium"),
    sale_rule=SaleRule(days=30, citation="G.S. 45-21.16, 45-21.17"),
    publication=F("Posted at the courthouse at least 20 days before the sale; published once a week for at least "
                  "2 weeks, the last no more than 10 days before the sale (G.S. 45-21.17)", "NC17"),
    unknowns=(NO_CURE_STATUTE, "redemption after the sale: there is an upset-bid period whose length was not "
              "verified"),
))

_add(_record(
    "OH", process=F("Judicial foreclosure only", "OHNOLO", "FNMA19", conf="medium"), process_type=JU_,
    notice_means="the filing of the foreclosure complaint",
    publication=F("Notice of the sheriff's sale for 3 consecutive weeks (R.C. 2329.27(A))", "OH2329_27",
                  conf="medium"),
    cure=F("No statutory reinstatement; the owner may redeem by paying the judgment until the court confirms the "
           "sale (R.C. 2329.33)", "OH2329_33", conf="medium"),
    redemption=F("Redemption until the court confirms the sale, usually within 30 days of the return of the writ; "
                 "none after confirmation (R.C. 2329.33, 2329.31)", "OH2329_33", "OH2329_31", "OHNOLO",
                 conf="medium"),
    unknowns=("redemption after the sale: it runs until the court confirms the sale, a date the sheet does not "
              "hold",),
))

_add(_record(
    "OR", process=F("Trustee's sale is common; judicial foreclosure is available", "ORPR", "FNMA19",
                    conf="medium"),
    process_type=BO_, usual=NJ_, notice_means="the notice of sale served on the occupants",
    notices=(F("Notice of sale served on occupants at least 120 days before the sale (ORS 86.774)", "OR774",
               conf="medium"),),
    notice_to_sale=F("At least 120 days from service of the notice of sale; postponements up to 180 days without "
                     "a new notice", "OR774", "ORPR", conf="medium"),
    sale_rule=SaleRule(days=120, citation="ORS 86.774"),
    publication=F("Once a week for 4 weeks; the last at least 20 days before the sale", "ORPR", conf="medium"),
    cure=F("Cure not later than 5 days before the date last set for the sale (ORS 86.778)", "OR771", "ORPR",
           conf="medium"),
    cure_rule=CureRule(CureKind.CALENDAR_DAYS_BEFORE_SALE, 5),
    redemption=F("No redemption after a non-judicial sale (180 days after a judicial sale)", "ORPR", conf="medium"),
    redemption_period=_none("ORS 86; no redemption after a trustee's sale", "medium"),
))

_add(_record(
    "PA", process=F("Judicial foreclosure", "PAMI", "FNMA19", conf="medium"), process_type=JU_,
    notice_means="the Act 6 / Act 91 notice of intention to foreclose",
    notices=(F("Act 6 notice of intention to foreclose: 30 days to cure before a foreclosure action (41 P.S. 403, "
               "below a loan-amount threshold); Act 91 (HEMAP) notice status to be verified", "PAMI", "PASG",
               conf="medium"),),
    redemption=F("No redemption after the sheriff's sale", "RT", conf="low"),
    redemption_period=_none("No post-sale redemption in Pennsylvania (old table)", "low"),
    unknowns=("cure deadline: the Act 6 section 404 deadline was not verified",),
))

_add(_record(
    "TX", process=F("Non-judicial sale under a deed of trust's power of sale is usual", "TXSMF", "FNMAOLD"),
    process_type=BO_, usual=NJ_, notice_means="the notice of sale (posted at the courthouse and filed with the "
                                              "county clerk)",
    notices=(F("Notice of default giving at least 20 days to cure before the notice of sale, for a residence "
               "homestead (Tex. Prop. Code 51.002(d))", "TXSMF", "TXINT"),
             F("Notice of sale at least 21 days before the sale, by certified mail, filed with the county clerk "
               "and posted at the courthouse (51.002(b))", "TXSMF", "TXINT"),
             F("Notice to the IRS at least 25 days before the sale when a federal tax lien is junior", "TXINT",
               conf="medium")),
    notice_to_sale=F("At least 21 days from the notice of sale to the sale (51.002(b))", "TXSMF", "TXINT"),
    sale_rule=SaleRule(days=21, citation="Tex. Prop. Code 51.002(b)"),
    publication=F("No newspaper publication: courthouse posting and county-clerk filing 21 days before the sale",
                  "TXSMF", "TXINT"),
    cure=F("At least 20 days to cure after the notice of default (51.002(d)); most Texas deeds of trust also allow "
           "reinstatement until 5 days before the sale (contract, not statute)", "TXSMF", "UI19"),
    redemption=F("No redemption for the owner after a deed-of-trust sale; the IRS has 120 days when its lien is "
                 "junior", "RT", "TXINT", conf="low"),
    redemption_period=_none("Tex. Prop. Code 51.002; no post-sale redemption for the owner (old table)", "low"),
    sale_days=F("Sales are held on the first Tuesday of the month, 10 a.m. to 4 p.m.; when that Tuesday is "
                "January 1 or July 4, on the first Wednesday of the month (51.002(a), (a-1), H.B. 1128, effective "
                "9/1/2017)", "TXHB1128", "TXDAG", effective=dt.date(2017, 9, 1)),
    sale_days_rule=SaleDays.FIRST_TUESDAY_OR_WEDNESDAY_AFTER_JAN1_JUL4,
    unknowns=("cure deadline: the 20 days run from the mailed notice of default, a date the sheet does not hold",
              "mediation: no state program was found"),
))

_add(_record(
    "VA", process=F("Non-judicial trustee's sale is usual", "VART", "FNMAOLD", conf="medium"), process_type=NJ_,
    notice_means="the written notice of sale to the owner",
    notices=(F("Contractual default notice with 30 days to cure; written notice of sale to the owner 14 days before "
               "the sale (Va. Code 55.1-321)", "VART", conf="medium"),),
    notice_to_sale=F("The sale is at least 8 days after the first advertisement and no more than 30 days after the "
                     "last; the owner's notice comes 14 days before the sale", "VAEW", "VART", conf="medium"),
    sale_rule=SaleRule(days=14, citation="Va. Code 55.1-321"),
    publication=F("As the deed of trust says (at least once a week for 2 weeks), else once a week for 4 weeks",
                  "VAEW", conf="medium"),
    redemption=F("No redemption after the sale", "VART", conf="medium"),
    redemption_period=_none("No post-sale redemption in Virginia", "medium"),
))

_add(_record(
    "WA", process=F("Non-judicial trustee's sale under the Deed of Trust Act (RCW 61.24) is usual", "WARCW",
                    "FNMAOLD", conf="medium"),
    process_type=BO_, usual=NJ_, notice_means="the notice of default",
    notices=(F("Owner-occupied homes: contact letter, and no notice of default until 30 days after it "
               "(RCW 61.24.031)", "WARCW", conf="medium"),
             F("Notice of trustee's sale recorded, mailed and posted at least 90 days before the sale, and at "
               "least 30 days after the notice of default", "WASB", "WAFDB", conf="medium")),
    notice_to_sale=F("At least 120 days from the notice of default to the sale (30 + 90, computed); at least 190 "
                     "days after default", "WASB", "WAFDB", conf="medium"),
    sale_rule=SaleRule(days=120, citation="RCW 61.24"),
    publication=F("Published twice: between the 32nd and 28th day, and between the 11th and 7th day before the "
                  "sale", "WASB", "WAFDB", conf="medium"),
    cure=F("Cure until 11 days before the sale (RCW 61.24.090)", "WASB", "WAFDB", conf="medium"),
    cure_rule=CureRule(CureKind.CALENDAR_DAYS_BEFORE_SALE, 11),
    redemption=F("No redemption after a trustee's sale (RCW 61.24.050)", "WARCW", conf="medium"),
    redemption_period=_none("RCW 61.24.050; no redemption after a trustee's sale", "medium"),
    mediation=F("Foreclosure Fairness Act mediation for owner-occupied homes, by referral of a housing counselor or "
                "attorney, no later than 90 days before the sale date (RCW 61.24.163)", "WA163", conf="medium"),
))

_add(_record(
    "WY", notice_means="the notice of intent to foreclose",
    notices=(F("Notice of intent to foreclose by certified mail at least 10 days before the first publication",
               "WYFS", conf="low"),),
    publication=F("Once a week for 4 consecutive weeks", "WYFS", conf="low"),
    cure=F("No statutory right to reinstate", "WYFS", conf="low"),
    redemption=F("3 months after the sale (12 months for agricultural land)", "WYFS", conf="low"),
    redemption_period=RedemptionPeriod(3, 0, "Wyoming: 3 months after the sale (foreclosuresource.org summary)",
                                       "low"),
))

RULES: dict[str, StateRules] = {code: _DETAILED.get(code) or _record(code) for code in FANNIE}

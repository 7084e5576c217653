"""One lead's template context: plain data only (dicts, lists, strings, booleans), every value already worded the
way a homeowner reads it, so a template never prints "None", "nan" or a raw number, and a blank cell never leaves a
gap in a sentence. The field names are the ones the README lists for agents who write their own templates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from ..importers.addresses import parse_address
from ..netsheet import BASIS_CMA, net_sheet_lines
from ..rules import rules_for
from ..schema import US_STATES
from ..settings import Settings
from ..timeline import lead_timeline
from .addresses import MailingAddress, as_capitals
from .meetings import Slot
from .names import Addressee
from .text import clean, clean_block, join_words, long_date, money, number, to_date

PLAIN_STAGE = {
    "First missed payment": "First missed payment",
    "Servicer contact": "Your lender must reach out",
    "Earliest first filing": "Earliest a foreclosure can start",
    "Notice on record": "Notice on record",
    "Filing on record": "Foreclosure filed",
    "Last day to cure": "Last day to catch up on payments",
    "Loss-mitigation deadline": "Last day to apply for help from your lender",
    "Foreclosure sale": "Foreclosure sale",
    "Redemption ends": "Last day to buy the home back",
    "Redemption after the sale": "Buying the home back after the sale",
}
STATUS_WORDS = {"sold": "Sold", "pending": "Under contract", "active": "For sale", "contingent": "Under contract"}
MAX_COMPS = 6


@dataclass(frozen=True)
class LeadExtras:
    """What a lead's letter needs beyond its row: comps from the CMA sheet, the market line, times, stories."""

    comps: tuple[dict, ...] = ()
    market: str = ""
    slots: tuple[Slot, ...] = ()
    stories: tuple[dict, ...] = ()


def agent_context(settings: Settings) -> dict:
    name = clean(settings.agent_name)
    brokerage = clean(settings.brokerage)
    license_number = clean(settings.license_number)
    phone = clean(settings.agent_phone)
    email = clean(settings.agent_email)
    office = clean(settings.office_address)
    with_firm = f" with {brokerage}" if brokerage else ""
    licensed = f" (License {license_number})" if license_number else ""
    return {
        "name": name, "brokerage": brokerage, "license": license_number, "phone": phone, "email": email,
        "office_address": office, "logo": "", "with_firm": with_firm,
        "firm_line": " · ".join(p for p in (brokerage, f"License {license_number}" if license_number else "") if p),
        "contact_line": " · ".join(p for p in (phone, email) if p),
        "contact": join_words([p for p in (phone, email) if p], "or"),
        "phone_or_email": phone or email,
        "signature_line": " · ".join(p for p in ("Real estate agent" + (f", {brokerage}" if brokerage else ""),
                                                 f"License {license_number}" if license_number else "", phone) if p),
        "footer_note": f"{name} is a licensed real estate agent{with_firm}{licensed}, not your lender, a lawyer or a "
                       "government agency. If your home is listed with another agent, please disregard this letter.",
    }


def home_context(lead: dict) -> dict:
    raw = as_capitals(clean(lead.get("Property Address")))
    street = parse_address(raw).line if raw else ""
    city = as_capitals(clean(lead.get("City"))) or (parse_address(raw).city or "" if raw else "")
    from ..importers.addresses import title_place

    city = str(title_place(city)) if city else ""
    state = clean(lead.get("State")).upper()
    return {
        "street": street or "your home", "city": city, "state": state,
        "state_name": US_STATES.get(state, "your state"), "zip": clean(lead.get("ZIP")),
        "area": city or "your area", "area_short": city or "your area",
        "line": ", ".join(p for p in (street, city, " ".join(p for p in (state, clean(lead.get("ZIP"))) if p)) if p),
    }


def cma_context(lead: dict, comps: tuple[dict, ...]) -> dict:
    low, mid, high = (number(lead.get(k)) for k in ("CMA Low", "CMA Mid", "CMA High"))
    rows = [_comp(c) for c in comps][:MAX_COMPS]
    sold = sum(1 for c in comps if str(c.get("Status") or "").casefold() == "sold")
    listed = len(comps) - sold
    if sold or listed:
        parts = [f"{sold} recent sale{'s' if sold != 1 else ''}" if sold else "",
                 f"{listed} home{'s' if listed != 1 else ''} for sale or under contract" if listed else ""]
        basis = f"{join_words([p for p in parts if p])} near your home"
    else:
        basis = "recent sales near your home"
    has_value = mid is not None and low is not None and high is not None
    return {"has_value": has_value, "low": money(low), "mid": money(mid), "high": money(high), "basis": basis,
            "comps": rows, "has_comps": bool(rows)}


def _comp(row: dict) -> dict:
    address = clean(row.get("Address"))
    address = re.sub(r"\s*\([^()]*\)\s*$", "", address)  # the CMA sheet adds the MLS number in brackets
    address = parse_address(as_capitals(address)).line if address else "A nearby home"
    status = STATUS_WORDS.get(clean(row.get("Status")).casefold(), clean(row.get("Status")) or "Sold")
    sqft = number(row.get("Sq Ft"))
    beds, baths = number(row.get("Beds")), number(row.get("Baths"))
    size = [f"{sqft:,.0f} sq ft" if sqft else "", f"{beds:g} bd" if beds else "", f"{baths:g} ba" if baths else ""]
    distance = number(row.get("Distance mi"))
    return {"address": address, "status": status, "date": long_date(row.get("Date")),
            "price": money(row.get("Price")), "size": ", ".join(p for p in size if p) or "size not on file",
            "distance": f"{distance:.1f} mi" if distance is not None else "nearby"}


def timeline_context(lead: dict, today: dt.date) -> dict:
    table = lead_timeline(clean(lead.get("State")).upper() or None, pd.Timestamp(today), lead.get("Default Date"),
                          lead.get("Notice Date"), lead.get("Filing Date"), lead.get("Sale Date"))
    rules = rules_for(clean(lead.get("State")).upper() or None)
    no_redemption = bool(rules and rules.redemption_period and rules.redemption_period.none)
    # only an old table says so (TX, NV, PA): a homeowner must not read "none" as settled
    unsure_none = no_redemption and rules.redemption_period.confidence == "low"
    rows, sources = [], []
    sale_day, sale_estimated, sale_meaning = None, False, ""
    for step in table.itertuples(index=False):
        stage, when, estimate, meaning, source = step
        day = to_date(when)
        note = written_dates(clean(meaning).replace("ESTIMATED sale date: ", "Estimated: ").replace(
            "a date the sheet does not hold", "a date I do not have yet").replace(" (Default Date)", ""))
        date_text = (long_date(day) + (" (estimate)" if estimate else "")) if day else "Not known yet"
        if day is None and stage == "Last day to cure":
            date_text, note = _undated_cure(note)
        elif day is None and stage == "Redemption after the sale":
            date_text = "None after the sale" if no_redemption else date_text
            note = _unknown_rule(note)
            if unsure_none:
                date_text = "Not confirmed"
                note = ("Older tables say there is no right to buy the home back after the sale, but I could not "
                        "confirm this from a current source; a local real estate attorney can tell you.")
        rows.append({"stage": PLAIN_STAGE.get(stage, clean(stage)), "date": date_text, "note": note})
        for part in written_dates(_NOTES_TO_SELF.sub("", clean(source))).split("; "):
            if part and part not in ("Lead record", "Not on file") and part not in sources:
                sources.append(part)
        if stage == "Foreclosure sale":
            sale_day, sale_estimated, sale_meaning = day, bool(estimate), note
    state_name = US_STATES.get(clean(lead.get("State")).upper(), "your state")
    summary, sale_phrase, time_answer = _sale_words(sale_day, sale_estimated, sale_meaning, today, state_name)
    return {"rows": rows, "has_rows": bool(rows), "sources": "; ".join(sources) or "the dates on file",
            "summary": summary, "sale_phrase": sale_phrase, "time_answer": time_answer}


_NO_DATE = re.compile(r"^No date: (?P<why>.*?)\. (?P<rule>.*)$")
# why the sheet cannot date the cure deadline -> the words a homeowner reads in the Date column
_CURE_WHEN = (("final judgment", "Set by the court at the final judgment"),
              ("certificate of sale", "When the clerk files the certificate of sale"),
              ("notice of default", "Counted from the notice of default"))


def _undated_cure(note: str) -> tuple[str, str]:
    """The cure row without a date: what sets the date, in plain words, and the rule itself ("No date: it is the date
    of final judgment, which the sheet does not hold. Cure until ..." -> "Set by the court at the final judgment",
    "Cure until ..."). A state with no statutory cure says so instead of "not computed"."""
    found = _NO_DATE.match(note)
    if not found:
        return "Not set yet", note
    why, rule = found.group("why"), found.group("rule")
    when = next((words for key, words in _CURE_WHEN if key in why), "")
    if not when:
        when = "None set by law" if rule.startswith("No ") else "Not set yet"
    return when, rule


def _unknown_rule(note: str) -> str:
    """'Unknown: the only sources are old tables ...' is a note to the agent; a homeowner reads what it means."""
    if not note.startswith("Unknown: "):
        return note
    why = re.sub(r"^redemption[^:]*: ", "", note.removeprefix("Unknown: "))
    if re.search(r"sources|tables|verified", why):
        return "I could not confirm this rule from a current source; a local real estate attorney can tell you."
    return why[:1].upper() + why[1:]


# the research's own marks in source names ("(checked)", "(checked; text as copied)"), not for a homeowner
_NOTES_TO_SELF = re.compile(r"\s*\((?:checked|text as copied|as quoted)[^()]*\)|,? as (?:summarised|quoted)\b")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def written_dates(text: str) -> str:
    """'effective 9/1/2017' -> 'effective September 1, 2017': dates in the rules' wording, written out."""
    def word(found: re.Match) -> str:
        try:
            return long_date(dt.date(int(found.group(3)), int(found.group(1)), int(found.group(2))))
        except ValueError:
            return found.group(0)

    return _SLASH_DATE.sub(word, text)


def _sale_words(day: dt.date | None, estimated: bool, meaning: str, today: dt.date, state_name: str
                ) -> tuple[str, str, str]:
    yours = "Until a foreclosure sale takes place, the home is yours, and you can still sell it or work something " \
            "out with your lender."
    if day is None:
        summary = "No foreclosure sale date has been set yet, and none can be worked out from the dates on file."
        return summary, "", f"No sale date has been set yet. {yours}"
    days = (day - today).days
    if not estimated:
        if days < 0:
            summary = (f"The sale date on record, {long_date(day)}, has passed. If it was postponed, please tell me "
                       "the new date so I can update your timeline.")
            return summary, "", summary
        when = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} from now"
        summary = f"The foreclosure sale of your home is scheduled for {long_date(day)}, {when}."
        return summary, f", which is scheduled for {long_date(day)}", f"{summary} {yours}"
    earliest = "earliest the law allows" in meaning
    if earliest:
        summary = (f"No sale date has been set yet. Under {state_name} law, the earliest a sale could take place is "
                   f"about {long_date(day)}.")
        phrase = f", which could be as soon as about {long_date(day)}"
    else:
        summary = (f"No sale date has been set yet. In {state_name}, foreclosures like yours often reach a sale "
                   f"around {long_date(day)}, though every case is different.")
        phrase = f", often around {long_date(day)} in {state_name}"
    return summary, phrase, f"{summary} {yours}"


def net_context(lead: dict, settings: Settings) -> dict:
    sheet = net_sheet_lines(lead, settings)
    if sheet.basis is None:
        return {"has_value": False, "rows": [], "summary": "", "missing": (
            "I do not have a value for your home yet, so I cannot work out your numbers. As soon as I do, I will "
            "send them to you.")}
    if sheet.equity is None:
        return {"has_value": False, "rows": [], "summary": "", "missing": (
            "I do not know your loan balance, so I cannot work out your numbers yet. If you share a recent mortgage "
            "statement, I will put them together for you.")}
    rows = []
    for line in sheet.lines:
        label = line.label
        if label.startswith("Estimated sale price"):
            label = ("Estimated sale price (from recent sales nearby)" if sheet.basis == BASIS_CMA else
                     "Estimated sale price (from the estimated value on file)")
        if line.amount is None or (line.label == "Other liens" and not line.amount):
            continue
        rows.append({"label": label, "amount": money(line.amount)})
    equity = sheet.equity
    if equity > 0:
        rows.append({"label": "What you could keep (estimate)", "amount": money(equity)})
        summary = (f"A sale at today's value could leave you about {money(equity)} after the loan and the costs of "
                   "selling.")
    elif equity < 0:
        rows.append({"label": "Shortfall (estimate)", "amount": money(equity)})
        summary = (f"A sale at today's value would likely fall about {money(-equity)} short of what is owed. That is "
                   "where a short sale, approved by your lender, can help.")
    else:
        rows.append({"label": "What you could keep (estimate)", "amount": "$0"})
        summary = "A sale at today's value would about cover what is owed and the costs of selling."
    return {"has_value": True, "rows": rows, "summary": summary, "missing": ""}


def owner_feelings(owner: Addressee) -> dict:
    """The kind words that fit who reads the letter: a family hears "you and your family"; an estate's personal
    representative hears sympathy for the person who died; a company's manager hears neither."""
    if owner.kind == "company":
        return {"sorry": "", "well_wish": "I hope all is well."}
    if owner.kind in ("estate", "heirs"):
        late = owner.deceased
        return {"sorry": f", and I am sorry for the loss of {late}" if late else "",
                "well_wish": "I hope all is well."}
    return {"sorry": ", and I am sorry if this is a hard time for you and your family",
            "well_wish": "I hope you and your family are well."}


NO_TIMELINE = {"rows": [], "has_rows": False, "sources": "", "summary": "", "sale_phrase": "", "time_answer": ""}
NO_TIMELINE_TEMPLATES = frozenset({"d1_intro", "d4_meeting", "nurture"})  # built-in ones that never show it


def build_context(lead: dict, owner: Addressee, address: MailingAddress, settings: Settings, today: dt.date,
                  medium: str, extras: LeadExtras = LeadExtras(), needs_timeline: bool = True) -> dict:
    """Everything a template may use, for one lead and one medium ("letter" or "email"). `needs_timeline=False`
    skips the foreclosure timeline (the slowest part) for a built-in template that does not show it."""
    agent = agent_context(settings)
    home = home_context(lead)
    cma = cma_context(lead, extras.comps)
    timeline = timeline_context(lead, today) if needs_timeline else NO_TIMELINE
    net = net_context(lead, settings)
    slots = [{"when": s.when, "short": s.short} for s in extras.slots]
    if medium == "email":
        slot_note = (f"Each time is attached as a calendar file. Reply to this email or call me at "
                     f"{agent['phone_or_email']} to confirm.")
    else:
        slot_note = f"If one of them works, call or text me at {agent['phone_or_email']} to confirm."
    value = (f"between {cma['low']} and {cma['high']}, most likely around {cma['mid']}" if cma["has_value"] else
             "I am still gathering recent sales to estimate it")
    market = clean(extras.market)
    market_text = (f"From the most recent sales near you: {market}" if market and not market.startswith("Too few")
                   else f"There have not been enough recent sales right around your home to show a clear trend, "
                        f"but I follow every sale in {home['area']} and will let you know when the numbers move.")
    return {
        "medium": medium, "a_medium": "an email" if medium == "email" else f"a {medium}",
        "date": long_date(today), "step": "",
        "agent": agent, "home": home,
        "owner": {"salutation": owner.salutation, "names": owner.phrase, "greeting": owner.greeting_name,
                  "all": list(owner.names), **owner_feelings(owner)},
        "mail_to": [*owner.address_lines, *(line for line in address.display_lines if line)],
        "cma": cma, "timeline": timeline, "net": net,
        "slots": slots, "slot_note": slot_note,
        "stories": [dict(s) for s in extras.stories],
        "market": {"text": market_text},
        "recap": {"value": value, "numbers": net["summary"],
                  "value_clause": f": the latest estimate is between {cma['low']} and {cma['high']}"
                  if cma["has_value"] else ""},
    }


def story_rows(frame: pd.DataFrame | None, limit: int = 2) -> tuple[dict, ...]:
    """The first `limit` stories to use from a Stories sheet (canonical columns)."""
    if frame is None or frame.empty:
        return ()
    out = []
    for title, text, use in zip(frame["Title"], frame["Story"], frame["Use"]):
        body = clean_block(text)
        if not body or clean(use).casefold() in ("no", "n", "false", "0", "off"):
            continue
        heading = clean(title)
        out.append({"title": heading, "dash": ": " if heading else "", "text": body})
        if len(out) == limit:
            break
    return tuple(out)

"""Short text-message drafts for the texts due today. They are drafts only: this tool never sends a text.

Kept under 320 characters (two SMS segments) and always ending with the opt-out carriers expect ("Reply STOP to
opt out"; under FCC 24-18 a STOP reply revokes consent and must be honoured).
"""

from __future__ import annotations

from .meetings import Slot
from .names import Addressee
from .text import clean, join_words

OPT_OUT = "Reply STOP to opt out."

PURPOSE = {
    "D1": "I help homeowners in {area} understand their options. Could I send you a free value estimate of your home?",
    "D2": "I help homeowners in {area} understand their options. Is there a good time for a quick call?",
    "D3": "I put together a free market analysis of {street}. May I email or mail it to you?",
    "D4": "Would you have 15 minutes to talk about your options for {street}?",
    "D5": "I can walk you through your options for {street}, with your own numbers. Would that help?",
    "D6": "Do you have any questions I can answer about your situation? Happy to help, no obligation.",
    "D7": "Just checking in. I am here whenever you would like to talk about {street}.",
    "N": "Checking in with a quick market update for {area}. Anything I can help with?",
    "R": "It has been a while, so I wanted to check in. Anything I can help with about {street}?",
    "Meeting": "Looking forward to our meeting. Let me know if the time still works for you.",
}


def sms_draft(step: str, owner: Addressee, agent_name: str, brokerage: str, street: str, area: str,
              slots: tuple[Slot, ...] = ()) -> str:
    first_name = clean(agent_name)
    hello = f"Hi {owner.greeting_name}," if owner.greeting_name and not owner.greeting_name.startswith(
        ("Manager", "Trustee", "Personal", "Heirs")) else "Hello,"
    who = f"this is {first_name}" + (f" with {clean(brokerage)}" if brokerage else ", a local real estate agent")
    purpose = PURPOSE.get(step, PURPOSE["N"]).format(street=street or "your home", area=area or "your area")
    if step == "D4" and slots:
        purpose += f" I am free {join_words([s.short for s in slots], 'or')}."
    text = f"{hello} {who}. {purpose} {OPT_OUT}"
    return " ".join(text.split())


def today_drafts(owners: list, co_owners: list, streets: list, areas: list, steps: list, agent_name: str,
                 brokerage: str) -> list[str]:
    """The draft for each text on the Today sheet, addressed to the owner by name."""
    from .names import addressee

    return [sms_draft(step or "N", addressee(owner, co_owner), agent_name, brokerage, clean(street or ""),
                      clean(area or ""))
            for owner, co_owner, street, area, step in zip(owners, co_owners, streets, areas, steps)]

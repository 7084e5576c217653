"""The follow-up plan: the 7-day sequence, then a touch every two weeks, and re-engagement after a pause.

An agent may edit the plan on the optional Plan sheet (Step | Day | Channels | Purpose | Template). Channels are
listed in order of preference ("Email, Letter" = email, else a letter); "Letter + Email" means both at once.
For the nurture step N, Day is the interval in days; for the re-engagement step R, the pause in days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .schema import CHANNELS

NURTURE = "N"
REENGAGE = "R"
MEETING = "Meeting"


@dataclass(frozen=True)
class PlanStep:
    code: str
    day: int
    channels: tuple[str, ...]
    purpose: str
    template: str = ""
    together: bool = False  # use every available channel of the list at once


@dataclass(frozen=True)
class Plan:
    sequence: tuple[PlanStep, ...]
    nurture: PlanStep
    reengage: PlanStep

    def step(self, code: str) -> PlanStep | None:
        for step in self.sequence + (self.nurture, self.reengage):
            if step.code == code:
                return step
        if code == MEETING:
            return MEETING_STEP
        return None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.sequence) + (self.nurture.code, self.reengage.code, MEETING)


MEETING_STEP = PlanStep(MEETING, 0, ("Meeting",), "Meet as agreed: bring the market analysis and their options")

DEFAULT_PLAN = Plan(
    sequence=(
        PlanStep("D1", 1, ("Letter", "Email"), "Send a personal introduction letter to every owner by name, "
                 "and an email when allowed; no jargon", "d1_intro", together=True),
        PlanStep("D2", 2, ("Call",), "Call to introduce yourself as a local agent; ask open questions",
                 "call notes"),
        PlanStep("D3", 3, ("Email", "Letter"), "Send the market analysis (low/mid/high with comps) and their "
                 "foreclosure timeline", "d3_cma"),
        PlanStep("D4", 4, ("Call", "Text", "Email"), "Ask for a 15-minute meeting, offering two specific times",
                 "d4_meeting"),
        PlanStep("D5", 5, ("Email", "Letter"), "Explain their options: short sale vs foreclosure, with their "
                 "numbers", "d5_options"),
        PlanStep("D6", 6, ("Call",), "Call to answer questions; share stories of owners you have helped",
                 "call notes"),
        PlanStep("D7", 7, ("Email", "Letter"), "Recap the week, the next steps, and how you will stay in touch",
                 "d7_recap"),
    ),
    nurture=PlanStep(NURTURE, 14, ("Call", "Email", "Letter"), "A touch that brings value: a market update or "
                     "a useful resource", "nurture"),
    reengage=PlanStep(REENGAGE, 90, ("Letter", "Email"), "Gently reconnect after the pause", "reengage",
                      together=False),
)

_CHANNEL_BY_FOLD = {c.casefold(): c for c in CHANNELS} | {"phone": "Call", "mail": "Letter", "sms": "Text"}


def parse_channels(text: object) -> tuple[tuple[str, ...], bool, list[str]]:
    """'Email, Letter' -> (('Email','Letter'), False); 'Letter + Email' -> (('Letter','Email'), True)."""
    raw = "" if text is None else str(text)
    together = "+" in raw or " and " in raw.casefold()
    parts = [p.strip() for p in re.split(r"[,+/;]|\band\b|\bthen\b|\belse\b|\bor\b", raw, flags=re.I) if p.strip()]
    channels, unknown = [], []
    for part in parts:
        channel = _CHANNEL_BY_FOLD.get(part.casefold())
        if channel is None:
            unknown.append(part)
        elif channel not in channels:
            channels.append(channel)
    return tuple(channels), together, unknown


def parse_plan(frame: pd.DataFrame | None) -> tuple[Plan, list[str]]:
    """The plan from a Plan sheet (canonical columns), or the default plan. Bad rows fall back with a message."""
    if frame is None or frame.empty or frame["Step"].isna().all():
        return DEFAULT_PLAN, []
    messages: list[str] = []
    sequence: list[PlanStep] = []
    nurture, reengage = DEFAULT_PLAN.nurture, DEFAULT_PLAN.reengage
    for row_number, row in frame.iterrows():
        code = str(row["Step"]).strip() if row["Step"] is not None else ""
        if not code:
            continue
        where = f"Plan row {row_number}"
        default = DEFAULT_PLAN.step(code)
        try:
            day = int(float(row["Day"]))
        except (TypeError, ValueError):
            messages.append(f"{where}: Day {row['Day']!r} for step {code} is not a whole number; "
                            f"{'using ' + str(default.day) if default else 'step skipped'}.")
            if default is None:
                continue
            day = default.day
        channels, together, unknown = parse_channels(row["Channels"])
        if unknown:
            messages.append(f"{where}: channel {', '.join(map(repr, unknown))} is not one of "
                            f"{', '.join(CHANNELS)}; ignored.")
        if not channels:
            if default is None:
                messages.append(f"{where}: step {code} has no channel I know; step skipped.")
                continue
            channels, together = default.channels, default.together
        purpose = str(row["Purpose"]).strip() if row["Purpose"] else (default.purpose if default else code)
        template = str(row["Template"]).strip() if row["Template"] else (default.template if default else "")
        step = PlanStep(code, day, channels, purpose, template, together)
        if code.upper() == NURTURE:
            nurture = PlanStep(NURTURE, max(day, 1), channels, purpose, template, together)
        elif code.upper() == REENGAGE:
            reengage = PlanStep(REENGAGE, max(day, 1), channels, purpose, template, together)
        elif code == MEETING:
            messages.append(f"{where}: the Meeting step follows the lead's Meeting Date; row ignored.")
        else:
            sequence.append(step)
    if not sequence:
        messages.append("Plan: no sequence steps found; using the default 7-day plan.")
        sequence = list(DEFAULT_PLAN.sequence)
    ordered = sorted(sequence, key=lambda s: s.day)
    if [s.code for s in ordered] != [s.code for s in sequence]:
        messages.append("Plan: steps are used in order of their Day.")
    codes = [s.code for s in ordered]
    if len(set(codes)) != len(codes):
        messages.append("Plan: a step code appears twice; using the default 7-day plan.")
        return DEFAULT_PLAN, messages
    return Plan(tuple(ordered), nurture, reengage), messages

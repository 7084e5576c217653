"""Which lead gets which document today, and why the others do not.

Everything is read the way a refresh reads it (the pure `refresh`, nothing written): each lead's Next Step, Next
Channel and Due Date, and the channel availability the cadence uses (Do Not Mail/Email, unsubscribed, bounced,
returned mail, no address or email: cadence.channel_availability). A document is due when the lead's step is due
today or overdue and its channel is the one asked for. A step done with several channels at once ("Letter + Email"
on Day 1) keeps its other channel due for a week after the first was done (until a later step is done), so running
`letters` before `emails` does not lose the email, unless the lead has since stopped (Do Not Contact, Closed, Lost,
Listed, Sale Passed), set a meeting or paused: then the companion is listed as skipped, never sent. Named leads (--lead) get their current step, or --step, whenever that channel is open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .. import schema
from ..cadence import channel_availability
from ..commands import moment, read_tables
from ..plan import MEETING, Plan, parse_plan
from ..refresh import Result, parse_activity, refresh
from ..store import Store
from .context import story_rows
from .names import Addressee, addressee
from .suppression import NAMED, named_addresses
from .text import clean, to_date

COMPANION_DAYS = 7
MISSING = ("no email", "no address", "no phone")  # not an opt-out: nothing to list when the step went another way
STOPPED = ("Do Not Contact", "Closed", "Lost")
# Stages in which the cadence sends nothing (cadence.py: `stopped`, Meeting Set, Paused): no companion half either
HELD = STOPPED + ("Sale Passed", "Listed", "Needs Contact Info", "Meeting Set", "Paused")


@dataclass(frozen=True)
class Job:
    lead: dict            # the lead's parsed row with its computed columns
    lead_id: str
    step: str
    template: str
    owner: Addressee


@dataclass(frozen=True)
class Skipped:
    lead_id: str
    owner: str
    step: str
    reason: str


@dataclass(frozen=True)
class Workbook:
    """A workbook read once for a run: the refresh result and what documents need beyond it."""

    result: Result
    plan: Plan
    now: dt.datetime          # naive, in the agent's time zone
    activity: pd.DataFrame    # classified ledger rows (_key, _ts, Step, Channel, Outcome, ...)
    reasons: pd.DataFrame     # per lead row: "" when a channel is open, else why not
    comps: dict[str, tuple[dict, ...]]
    markets: dict[str, str]
    stories: tuple[dict, ...]

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def settings(self):
        return self.result.settings


def read_workbook(store: Store, today: dt.date | None) -> Workbook:
    tables = read_tables(store)
    now = moment(tables, today)
    result = refresh(tables, now)
    plan, _ = parse_plan(tables.plan.canonical(schema.PLAN_COLUMNS)
                         if tables.plan is not None and tables.plan.headers else None)
    leads = result.leads
    keys = leads["Lead ID"] if len(leads) else pd.Series(dtype=object)
    # the same `now` as the refresh: a row dated in the future (2062 for 2026) is left out here too, so it cannot
    # close a channel or pass for a step done that the Due Date says is still owed
    activity, _, _ = parse_activity(tables.activity, set(keys.dropna()), now)
    if len(activity):
        activity[NAMED] = named_addresses(tables.activity.canonical(schema.ACTIVITY_COLUMNS), activity)
    reasons = channel_availability(leads.assign(_key=keys), activity) if len(leads) else pd.DataFrame()
    comps, markets = _cma_lines(result)
    stories_sheet = store.read(schema.SHEET_STORIES, schema.STORY_COLUMNS)
    stories = story_rows(stories_sheet.canonical(schema.STORY_COLUMNS)
                         if stories_sheet is not None and stories_sheet.headers else None)
    return Workbook(result, plan, now, activity, reasons, comps, markets, stories)


def _cma_lines(result: Result) -> tuple[dict[str, tuple[dict, ...]], dict[str, str]]:
    """Each lead's comps (the lines used for its value) and market line, from the CMA sheet the refresh built."""
    sheet = next((s.frame for s in result.changes.tool_sheets if s.name == schema.SHEET_CMA), None)
    if sheet is None or "Line" not in sheet.columns or sheet.empty:
        return {}, {}
    comps: dict[str, list[dict]] = {}
    markets: dict[str, str] = {}
    for row in sheet.to_dict("records"):
        lead, line, notes = clean(row.get("Lead ID")), clean(row.get("Line")), clean(row.get("Notes"))
        if not lead:
            continue
        if line == "Market":
            markets[lead] = notes
        elif line.split(" ")[0] in ("Sold", "Pending", "Active", "Contingent") and not notes.startswith("not used"):
            comps.setdefault(lead, []).append(row)
    return {k: tuple(v) for k, v in comps.items()}, markets


def select(book: Workbook, channel: str, finder, steps: tuple[str, ...] = (), lead_ids: tuple[str, ...] = ()
           ) -> tuple[list[Job], list[Skipped]]:
    """The documents to make on `channel` ("Letter" or "Email"), and the leads passed over, with the reason."""
    leads = book.result.leads
    jobs: list[Job] = []
    skipped: list[Skipped] = []
    if leads.empty:
        return jobs, skipped
    today = pd.Timestamp(book.today)
    wanted = {clean(i).casefold(): clean(i) for i in lead_ids if clean(i)}
    found_ids: set[str] = set()
    companions = _companions(book, channel)
    for row_index, lead in leads.iterrows():
        lead_id = clean(lead["Lead ID"])
        owner_text = clean(lead.get("Owner Name"))
        step = clean(lead.get("Next Step"))
        if wanted:
            if lead_id.casefold() not in wanted:
                continue
            found_ids.add(lead_id.casefold())
            step = steps[0] if steps else step
            if not step:
                skipped.append(Skipped(lead_id, owner_text, "", f"no step is due (stage {clean(lead['Stage'])})"))
                continue
            if clean(lead.get("Stage")) in STOPPED:
                skipped.append(Skipped(lead_id, owner_text, step, f"stage {clean(lead['Stage'])}: no more contact"))
                continue
        else:
            due = pd.notna(lead.get("Due Date")) and lead["Due Date"] <= today and bool(step)
            planned = channel in clean(lead.get("Next Channel")).split(" + ")
            if due and not planned and not (steps and step not in steps):
                plan_step = book.plan.step(step)
                reason = book.reasons.at[row_index, channel] if channel in book.reasons.columns else ""
                if plan_step is not None and channel in plan_step.channels and reason and reason not in MISSING:
                    # the step would use this channel, but the lead closed it: say so (and it went another way)
                    skipped.append(Skipped(lead_id, owner_text, step, f"{channel.lower()} not allowed: {reason}"))
                    continue
            if not (due and planned):
                step = companions.get(lead_id, "")
                if not step:
                    continue
            if steps and step not in steps:
                continue
            held = _held(clean(lead.get("Stage")), channel, step)
            if held:  # a companion is owed only while the cadence goes on (never after Do Not Contact)
                skipped.append(Skipped(lead_id, owner_text, step, held))
                continue
        reason = book.reasons.at[row_index, channel] if channel in book.reasons.columns else ""
        if reason:
            if not wanted and reason in MISSING:
                continue  # the other half of a Letter + Email step, for a lead with no email: nothing to say
            skipped.append(Skipped(lead_id, owner_text, step, f"{channel.lower()} not allowed: {reason}"))
            continue
        if step == MEETING:
            skipped.append(Skipped(lead_id, owner_text, step, "a meeting is set; nothing to send"))
            continue
        plan_step = book.plan.step(step)
        template = finder.template_for(step, plan_step.template if plan_step else None)
        if template is None:
            skipped.append(Skipped(lead_id, owner_text, step, f"{step} is a call step with no "
                                   f"{'letter' if channel == 'Letter' else 'email'} template (add one named "
                                   f"{step.lower()} to your Template Folder to send one)"))
            continue
        owner = addressee(lead.get("Owner Name"), lead.get("Co-Owner Name"))
        if owner.blank:
            skipped.append(Skipped(lead_id, owner_text, step, "Owner Name is blank; every letter and email greets "
                                   "the owners by name, so add it on the Leads sheet"))
            continue
        jobs.append(Job(lead.to_dict(), lead_id, step, template, owner))
    for missing in sorted(set(wanted) - found_ids):
        skipped.append(Skipped(wanted[missing], "", steps[0] if steps else "",
                               "no lead with this Lead ID on the Leads sheet"))
    return jobs, skipped


def _held(stage: str, channel: str, step: str) -> str:
    """Why a lead in `stage` gets no document today ("" when it may): the same words the --lead branch uses."""
    if stage in STOPPED:
        return f"stage {stage}: no more contact"
    if stage == "Meeting Set":
        return "a meeting is set; nothing to send"
    if stage in HELD:
        return f"stage {stage}: the {channel.lower()} half of {step} is not sent"
    return ""


def _companions(book: Workbook, channel: str) -> dict[str, str]:
    """Leads whose together-step (Day 1: Letter + Email) was done on another channel in the last week but not yet on
    this one: lead id -> step."""
    together = [s.code for s in book.plan.sequence if s.together and channel in s.channels]
    activity = book.activity
    if not together or activity.empty:
        return {}
    since = pd.Timestamp(book.today) - pd.Timedelta(days=COMPANION_DAYS)
    rows = activity[activity["Step"].isin(together) & ~activity["_inbound"]]
    done_other = rows[rows["_completes"] & rows["Channel"].ne(channel) & (rows["_ts"] >= since)]
    on_channel = rows[rows["Channel"].eq(channel)]
    have = set(zip(on_channel["_key"], on_channel["Step"]))
    order = {s.code: i for i, s in enumerate(book.plan.sequence)}
    done = activity[activity["_completes"] & ~activity["_inbound"] & activity["Step"].isin(list(order))]
    furthest: dict[str, int] = {}
    for key, step in zip(done["_key"], done["Step"]):
        furthest[key] = max(furthest.get(key, -1), order[step])
    out: dict[str, str] = {}
    for key, step in zip(done_other["_key"], done_other["Step"]):
        if (key, step) not in have and furthest.get(key, -1) <= order[step]:  # not once the lead has moved on
            out.setdefault(key, step)
    return out


def text_jobs(book: Workbook) -> list[dict]:
    """The texts due today, as the Today sheet lists them (channel Text), with each lead's row."""
    today_sheet = book.result.today
    if today_sheet.empty:
        return []
    leads = book.result.leads.set_index("Lead ID", drop=False)
    out = []
    for row in today_sheet.to_dict("records"):
        if clean(row.get("Channel")).split(" + ")[0] != "Text":
            continue
        lead_id = clean(row.get("Lead ID"))
        if lead_id in leads.index:
            lead = leads.loc[lead_id]
            if isinstance(lead, pd.DataFrame):
                lead = lead.iloc[0]
            out.append({"lead": lead.to_dict(), "step": clean(row.get("Step")), "contact": clean(row.get("Contact")),
                        "allowed": clean(row.get("Allowed"))})
    return out


def due_day(lead: dict) -> dt.date | None:
    return to_date(lead.get("Due Date"))

"""The demo workbook: the shipped template filled with ~50 invented preforeclosure leads and their history.

Every person, phone number and email address here is invented: names are drawn from fixed pools, phone numbers use
the 555-01xx range reserved for fiction, and emails use the reserved example.com/.net/.org domains. A fixed seed
makes the workbook the same for the same `today`; dates move with `today`, so the cadence always has something
due. The workbook is written as an agent would hand it over, before any refresh: computed columns are blank.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import schema
from .template import COMPS_COLUMNS, new_workbook

SEED = 20240611
AGENT = "Jordan Avery"
TEAMMATE = "Casey Morgan"
LEAD_COUNT = 50

DEMO_SETTINGS: dict[str, object] = {
    "Agent Name": AGENT,
    "Brokerage": "Harbor Point Realty",
    "License Number": "SL-3748215",
    "Agent Phone": "(813) 555-0100",
    "Agent Email": "jordan.avery@example.com",
    "Office Address": "400 Harbor Point Blvd, Suite 210, Tampa, FL 33602",
    "Time Zone": "America/New_York",
}

FIRST_NAMES = (
    "Alden", "Bettina", "Corwin", "Delphine", "Emmett", "Florencia", "Gideon", "Harriet", "Ignatius", "Josefina",
    "Kellan", "Lavinia", "Marcellus", "Nerissa", "Oren", "Philippa", "Quentin", "Rosalind", "Silas", "Theodora",
    "Ulysses", "Verity", "Wendell", "Ximena", "Yusuf", "Zinnia", "Anselm", "Briony", "Caspian", "Dorothea",
    "Evander", "Fenella", "Griffin", "Honora", "Isadora", "Jarvis", "Kerensa", "Leander", "Marisol", "Niall",
    "Odessa", "Perrin", "Rowena", "Sterling", "Tamsin", "Vaughn", "Wilhelmina", "Zebulon",
)
LAST_NAMES = (
    "Ashgrove", "Brackenridge", "Culverhouse", "Dunmore", "Everhart", "Fairbrook", "Galloway", "Hollinsworth",
    "Ingleby", "Jessup", "Kettleby", "Larkspur", "Merriweather", "Northcott", "Oakhaven", "Pemberton", "Quillfeather",
    "Ravensworth", "Stonebridge", "Thistlewood", "Underhill", "Vantongeren", "Wexford", "Yardley", "Zellweger",
    "Amberly", "Blackwood", "Copperfield", "Dellacroce", "Eastwick", "Foxcroft", "Greenhalgh", "Hartigan",
    "Ironside", "Juniper", "Kingsolver", "Lockridge", "Moorcroft", "Nettleship", "Ormsby", "Prendergast",
    "Quarrington", "Rookwood", "Sandoval-Reyes", "Tremaine", "Ulverston", "Valcourt", "Whitcombe", "Okonkwo-Hale",
    "Marchetti", "Lindqvist", "Castellanos", "Nakashima", "Abernathy", "Thibodeaux",
)
STREETS = (
    "Maple Hollow Ln", "Cedar Ridge Dr", "Willow Bend Ct", "Heron Point Way", "Juniper Glen Rd", "Lantern Hill Ave",
    "Brookstone Pl", "Quail Run Dr", "Copper Creek Blvd", "Sparrow Ln", "Amber Meadow Ct", "Foxtail Way",
    "Silver Birch Rd", "Kestrel Ave", "Larkwood Dr", "Harvest Moon Ln", "Pinecrest Ter", "Old Mill Rd",
    "Bluebonnet Trl", "Driftwood Ct", "Sandpiper St", "Orchard Gate Dr", "Fernleaf Ave", "Stonehaven Way",
    "Meadowlark Ln", "Thornberry Ct", "Aspen Trail Dr", "Ridgecrest Ave", "Wren Hollow Rd", "Tidewater Pl",
)
LENDERS = (
    "Summit Coast Mortgage", "Keystone Federal Savings", "Prairie Trust Bank", "Bayline Home Loans",
    "Northgate Servicing", "Redwood Capital Lending", "Lakeshore Mortgage Co", "Granite State Servicing",
)
SOURCES = ("PropStream export", "County records", "ListSource", "Foreclosure list", "Referral")
PROPERTY_TYPES = ("Single Family",) * 7 + ("Townhouse", "Condo")
JUDICIAL = {"FL", "NJ", "OH", "IL", "PA"}


@dataclass(frozen=True)
class City:
    name: str
    state: str
    zip: str
    county: str
    lat: float
    lon: float
    area_code: str
    price_per_sqft: int


CITIES = (
    City("Tampa", "FL", "33612", "Hillsborough", 28.0473, -82.4584, "813", 235),
    City("Orlando", "FL", "32808", "Orange", 28.5770, -81.4398, "407", 220),
    City("Jacksonville", "FL", "32210", "Duval", 30.2640, -81.7330, "904", 185),
    City("Houston", "TX", "77084", "Harris", 29.8302, -95.6618, "281", 150),
    City("San Antonio", "TX", "78228", "Bexar", 29.4600, -98.5690, "210", 145),
    City("Riverside", "CA", "92503", "Riverside", 33.8860, -117.4430, "951", 340),
    City("Sacramento", "CA", "95823", "Sacramento", 38.4760, -121.4430, "916", 300),
    City("Phoenix", "AZ", "85033", "Maricopa", 33.4940, -112.2130, "602", 245),
    City("Mesa", "AZ", "85210", "Maricopa", 33.3890, -111.8430, "480", 265),
    City("Detroit", "MI", "48228", "Wayne", 42.3550, -83.2170, "313", 75),
    City("Grand Rapids", "MI", "49507", "Kent", 42.9290, -85.6450, "616", 175),
    City("Minneapolis", "MN", "55411", "Hennepin", 45.0000, -93.3000, "612", 205),
    City("Saint Paul", "MN", "55106", "Ramsey", 44.9680, -93.0500, "651", 195),
    City("Newark", "NJ", "07106", "Essex", 40.7330, -74.2290, "973", 255),
    City("Toms River", "NJ", "08753", "Ocean", 39.9770, -74.1600, "732", 285),
    City("Atlanta", "GA", "30310", "Fulton", 33.7270, -84.4220, "404", 205),
    City("Macon", "GA", "31204", "Bibb", 32.8580, -83.6810, "478", 105),
    City("Columbus", "OH", "43207", "Franklin", 39.8970, -82.9680, "614", 175),
    City("Cleveland", "OH", "44105", "Cuyahoga", 41.4510, -81.6310, "216", 95),
    City("Tacoma", "WA", "98404", "Pierce", 47.2130, -122.4120, "253", 315),
    City("Spokane", "WA", "99205", "Spokane", 47.6960, -117.4470, "509", 235),
    City("Chicago", "IL", "60629", "Cook", 41.7780, -87.7110, "773", 185),
    City("Las Vegas", "NV", "89110", "Clark", 36.1730, -115.0560, "702", 235),
    City("Philadelphia", "PA", "19124", "Philadelphia", 40.0180, -75.0890, "215", 145),
    City("Charlotte", "NC", "28212", "Mecklenburg", 35.1900, -80.7460, "704", 215),
)
CITY_BY_NAME = {c.name: c for c in CITIES}


@dataclass
class Scenario:
    """What happened to one lead so far; `kind` picks the Activity history, `sale` the auction date."""

    kind: str
    sale: str  # week | month | later | past | none
    city: str | None = None
    steps: int = 0  # cadence steps done (cadence kinds)
    shift: int = 0  # days the cadence runs ahead (+) or behind (-) schedule
    flags: dict[str, object] = field(default_factory=dict)


def _scenarios() -> list[Scenario]:
    s = Scenario
    return [
        # New, no history: three received today (speed to lead), three in the last days.
        s("new", "later", flags={"received": 0}),
        s("new", "month", flags={"received": 0}),
        s("new", "none", flags={"received": 0, "email": False}),
        s("new", "week", flags={"received": 1}),
        s("new", "later", flags={"received": 2, "phone": False}),
        s("new", "none", flags={"received": 1}),
        s("new", "later", flags={"received": 3, "phone": False, "email": False, "dnm": True}),  # Needs Contact Info
        s("new", "later", flags={"received": 1, "email": False}),
        # Mid-cadence, D1..Dk done, the next step due today, tomorrow or a little overdue.
        s("cadence", "month", steps=1, shift=0),
        s("cadence", "later", steps=1, shift=1),
        s("cadence", "week", steps=1, shift=-1, flags={"dnc": True}),
        s("cadence", "later", steps=2, shift=0),
        s("cadence", "month", steps=2, shift=1),
        s("cadence", "none", steps=2, shift=-2),
        s("cadence", "later", steps=3, shift=0),
        s("cadence", "month", steps=3, shift=-1),
        s("cadence", "week", steps=3, shift=1),
        s("cadence", "later", steps=4, shift=0),
        s("cadence", "month", steps=4, shift=-3),
        s("cadence", "later", steps=5, shift=0),
        s("cadence", "later", steps=6, shift=1),
        s("cadence", "none", steps=4, shift=1, flags={"email": False}),
        # Done late: one step three days late; one lead whose D3 is four days overdue.
        s("late", "later", steps=4, flags={"late_step": 3, "late_by": 3}),
        s("overdue", "month", steps=2),
        # Quick-log demo: D1 done yesterday, D2 call due today, logged in the row.
        s("quicklog", "later", steps=1, flags={"log": ("Spoke", "Talked 10 min; open to a CMA, call back Thursday")}),
        s("quicklog", "month", steps=1, flags={"log": ("Left Voicemail", "")}),
        # Nurture: the week's plan done more than 14 days ago, some N touches since.
        s("nurture", "later", flags={"day1_ago": 24}),
        s("nurture", "later", flags={"day1_ago": 38}),
        s("nurture", "month", flags={"day1_ago": 52, "dnc": True}),
        s("nurture", "none", flags={"day1_ago": 66}),
        s("nurture", "later", flags={"day1_ago": 80, "email": False}),
        s("nurture", "later", flags={"day1_ago": 31}),
        s("nurture", "none", flags={"day1_ago": 45}),
        s("nurture", "later", flags={"day1_ago": 59}),
        # After the auction: states with a redemption period.
        s("nurture", "past", city="Detroit", flags={"day1_ago": 70, "sale_ago": 20}),
        s("nurture", "past", city="Minneapolis", flags={"day1_ago": 75, "sale_ago": 45}),
        # Paused after Not Ready (40 days ago) and Not Interested (100 days ago, re-engagement due).
        s("paused", "later", flags={"paused_ago": 40, "outcome": "Not Ready"}),
        s("paused", "none", flags={"paused_ago": 100, "outcome": "Not Interested"}),
        # Engagement and endings.
        s("meeting_set", "month"),
        s("met", "later"),
        s("listed", "later"),
        s("closed", "none"),
        s("lost", "past", flags={"sale_ago": 12}),
        s("do_not_contact", "later"),
        s("bounced", "month"),
        s("wrong_number", "later"),
        s("replied", "week"),
        s("spoke", "later"),
        s("unsubscribed", "later"),
        s("returned_mail", "month"),
    ]


class _Demo:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.rng = random.Random(SEED)
        self.used_names: set[str] = set()
        self.used_addresses: set[str] = set()
        self.leads: list[dict[str, object]] = []
        self.activity: list[dict[str, object]] = []
        self.comps: list[dict[str, object]] = []

    # --- leads ----------------------------------------------------------------------------------------------

    def build(self) -> None:
        scenarios = _scenarios()
        assert len(scenarios) == LEAD_COUNT
        rng = self.rng
        city_cycle = [c for c in CITIES] * 2
        rng.shuffle(city_cycle)
        for number, scenario in enumerate(scenarios, start=1001):
            city = CITY_BY_NAME[scenario.city] if scenario.city else city_cycle.pop()
            lead = self._lead(f"L-{number}", city, scenario)
            self.leads.append(lead)
            self._history(lead, scenario)
            self._comps_for(lead, city)
        self.activity.sort(key=lambda row: (row["Timestamp"], row["Lead ID"]))
        for index, row in enumerate(self.activity, start=1):
            row["Activity ID"] = f"demo-{index:04d}"

    def _name(self) -> tuple[str, str]:
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self.used_names:
                self.used_names.add(f"{first} {last}")
                return first, last

    def _address(self) -> str:
        while True:
            address = f"{self.rng.randint(110, 9890)} {self.rng.choice(STREETS)}"
            if address not in self.used_addresses:
                self.used_addresses.add(address)
                return address

    def _phone(self, city: City) -> str:
        return f"({city.area_code}) 555-01{self.rng.randint(0, 99):02d}"

    def _lead(self, lead_id: str, city: City, sc: Scenario) -> dict[str, object]:
        rng, today = self.rng, self.today
        first, last = self._name()
        style = rng.random()
        if style < 0.12:
            owner = f"{last.upper()} {first.upper()} {rng.choice('ABCDEJKLMRST')}"  # vendor style
        elif style < 0.16:
            owner = f"{last} Family Trust"
        else:
            owner = f"{first} {last}"
        co_owner = None
        if rng.random() < 0.35:
            co_first, _ = self._name()
            co_owner = f"{co_first} {last}"

        sqft = rng.randrange(900, 3200, 10)
        value = round(sqft * city.price_per_sqft * rng.uniform(0.88, 1.12), -3)
        loan = round(value * rng.uniform(0.55, 1.12), -2)
        other_liens = round(rng.uniform(4000, 35000), -2) if rng.random() < 0.2 else None

        default_ago = rng.randint(125, 300)
        default = today - dt.timedelta(days=default_ago)
        notice = default + dt.timedelta(days=rng.randint(121, max(122, default_ago - 5)))
        sale = {
            "week": lambda: today + dt.timedelta(days=rng.randint(1, 7)),
            "month": lambda: today + dt.timedelta(days=rng.randint(8, 30)),
            "later": lambda: today + dt.timedelta(days=rng.randint(31, 140)),
            "past": lambda: today - dt.timedelta(days=int(sc.flags.get("sale_ago", 10))),
            "none": lambda: None,
        }[sc.sale]()
        if sale is not None and (sale - notice).days < 90:  # an auction comes months after the first notice
            notice = sale - dt.timedelta(days=rng.randint(95, 120))
            default = min(default, notice - dt.timedelta(days=rng.randint(121, 140)))
        filing = notice + dt.timedelta(days=rng.randint(0, 3)) if city.state in JUDICIAL else None

        has_phone = sc.flags.get("phone", rng.random() < 0.88)
        has_email = sc.flags.get("email", rng.random() < 0.72)
        local = f"{first}.{last}".lower().replace("-", "")
        email = f"{local}{rng.randint(1, 99)}@{rng.choice(('example.com', 'example.net', 'example.org'))}"

        address = self._address()
        absentee = rng.random() < 0.12 or lead_id in ("L-1012", "L-1029", "L-1041")
        if absentee:
            other = rng.choice([c for c in CITIES if c.state != city.state])
            mailing = (self._address(), other.name, other.state, other.zip)
        elif rng.random() < 0.7:
            mailing = (address, city.name, city.state, city.zip)
        else:
            mailing = (None, None, None, None)  # vendor left it blank: mail goes to the property

        received_ago = sc.flags.get("received")
        if received_ago is None:
            received_ago = self._day1_ago(sc) + rng.randint(0, 3)
        received = today - dt.timedelta(days=int(received_ago))

        dnc = "Yes" if sc.flags.get("dnc") else rng.choice((None, None, "No"))
        lead: dict[str, object] = {
            "Lead ID": lead_id,
            "Owner Name": owner,
            "Co-Owner Name": co_owner,
            "Property Address": address,
            "City": city.name,
            "State": city.state,
            "ZIP": city.zip,
            "County": city.county,
            "Mailing Address": mailing[0],
            "Mailing City": mailing[1],
            "Mailing State": mailing[2],
            "Mailing ZIP": mailing[3],
            "Phone": self._phone(city) if has_phone else None,
            "Phone 2": self._phone(city) if has_phone and rng.random() < 0.3 else None,
            "Email": email if has_email else None,
            "Lender": rng.choice(LENDERS),
            "Loan Balance": loan,
            "Other Liens": other_liens,
            "Est. Value": value,
            "Distress Score": rng.randint(1, 100),
            "Default Date": default,
            "Notice Date": notice,
            "Filing Date": filing,
            "Sale Date": sale,
            "Beds": rng.choice((2, 3, 3, 3, 4, 4, 5)),
            "Baths": rng.choice((1, 1.5, 2, 2, 2.5, 3, 3.5)),
            "Sq Ft": sqft,
            "Lot Sq Ft": rng.randrange(2800, 12500, 50) if rng.random() < 0.85 else None,
            "Year Built": rng.randint(1924, 2016),
            "Garage Spaces": rng.choice((0, 1, 1, 2, 2, 2, 3)),
            "Property Type": rng.choice(PROPERTY_TYPES),
            "Latitude": round(city.lat + rng.uniform(-0.03, 0.03), 6),
            "Longitude": round(city.lon + rng.uniform(-0.03, 0.03), 6),
            "Source": rng.choice(SOURCES),
            "Received": received,
            "Assigned To": AGENT if rng.random() < 0.85 else TEAMMATE,
            "Meeting Date": None,
            "Do Not Call": dnc,
            "Do Not Text": None,
            "Do Not Email": None,
            "Do Not Mail": "Yes" if sc.flags.get("dnm") else None,
            "DNC Checked": received if has_phone else None,
            "Notes": None,
        }
        if absentee:
            lead["Notes"] = "Absentee owner: mail to the mailing address"
        if "log" in sc.flags:
            outcome, note = sc.flags["log"]  # type: ignore[misc]
            lead["Log Outcome"] = outcome
            lead["Log Note"] = note or None
            lead["Log Channel"] = "Call"
            lead["Phone"] = lead["Phone"] or self._phone(city)
            lead["Do Not Call"] = None
        if sc.kind in ("meeting_set",):
            lead["Meeting Date"] = today + dt.timedelta(days=2)
        if sc.kind in ("spoke", "replied", "meeting_set", "met", "listed", "closed", "wrong_number", "lost",
                       "do_not_contact", "paused"):
            lead["Phone"] = lead["Phone"] or self._phone(city)
            lead["Do Not Call"] = None
        if sc.kind in ("bounced", "replied", "unsubscribed", "returned_mail"):
            lead["Email"] = email
        lead["_day1_ago"] = self._day1_ago(sc)
        return lead

    def _day1_ago(self, sc: Scenario) -> int:
        """How many days ago the first touch was (0 for leads with no history yet)."""
        fixed = {"new": 0, "overdue": 6, "late": 9, "meeting_set": 5, "met": 20, "listed": 45, "closed": 150,
                 "lost": 70, "do_not_contact": 9, "bounced": 3, "wrong_number": 4, "replied": 3, "spoke": 5,
                 "unsubscribed": 6, "returned_mail": 12}
        if sc.kind in fixed:
            return fixed[sc.kind]
        if sc.kind in ("cadence", "quicklog"):
            # steps D1..Dk done on schedule, so D(k+1) falls due `shift` days from today
            return sc.steps - sc.shift if sc.kind == "cadence" else 1
        if sc.kind == "paused":
            return int(sc.flags["paused_ago"]) + 5
        return int(sc.flags.get("day1_ago", 30))

    # --- activity -------------------------------------------------------------------------------------------

    def _channels(self, lead: dict[str, object]) -> dict[str, bool]:
        return {
            "Letter": lead.get("Do Not Mail") != "Yes",
            "Email": bool(lead.get("Email")) and lead.get("Do Not Email") != "Yes",
            "Call": bool(lead.get("Phone")) and lead.get("Do Not Call") != "Yes",
        }

    def _touch(self, lead: dict[str, object], step: str, day: dt.date, channel: str, outcome: str,
               note: str, direction: str = "Outbound", ref: str | None = None) -> None:
        hour = {"Letter": 9, "Email": 8, "Call": 10, "Text": 11, "Meeting": 10}[channel]
        minute = self.rng.choice((0, 10, 20, 30, 40, 50))
        when = dt.datetime.combine(day, dt.time(hour + self.rng.randint(0, 6), minute))
        if day == self.today:
            when = dt.datetime.combine(day, dt.time(8, self.rng.randint(0, 45)))
        if ref is None and channel == "Email":
            lead_id = str(lead["Lead ID"]).lower()
            ref = f"<{lead_id}.{step.lower()}.{day:%Y%m%d}@mail.example.com>"
        self.activity.append({
            "Activity ID": None, "Timestamp": when, "Lead ID": lead["Lead ID"], "Step": step, "Channel": channel,
            "Direction": direction, "Outcome": outcome, "Note": note, "Source": "demo", "Ref": ref, "By": AGENT,
        })

    _STEP_NOTES = {
        "D1": ("Intro letter mailed", "Intro email sent"),
        "D3": ("CMA and timeline mailed", "CMA and timeline emailed"),
        "D5": ("Options letter (short sale vs foreclosure) mailed", "Options email with net sheet sent"),
        "D7": ("Week recap letter mailed", "Week recap email sent"),
        "N": ("Market update letter mailed", "Market update email sent"),
        "R": ("Re-engagement letter mailed", "Re-engagement email sent"),
    }
    _TEMPLATES = {"D1": "d1_intro", "D3": "d3_cma", "D4": "d4_meeting", "D5": "d5_options", "D7": "d7_recap",
                  "N": "nurture", "R": "reengage"}

    def _step(self, lead: dict[str, object], step: str, day: dt.date, call_outcome: str | None = None,
              n_index: int = 0) -> None:
        """Record one plan step the way an agent would have done it, on the first channel available."""
        ok = self._channels(lead)
        rng = self.rng
        letter_ref = f"{self._TEMPLATES.get(step, step.lower())}.docx"

        def call(note_default: str) -> None:
            outcome = call_outcome or rng.choice(("Left Voicemail", "Left Voicemail", "No Answer"))
            note = {"Left Voicemail": note_default, "No Answer": "No answer, no voicemail box",
                    "Spoke": "Spoke briefly; open to hearing options"}.get(outcome, note_default)
            self._touch(lead, step, day, "Call", outcome, note)

        def written() -> None:
            notes = self._STEP_NOTES[step]
            if ok["Email"]:
                self._touch(lead, step, day, "Email", "Sent", notes[1])
            elif ok["Letter"]:
                self._touch(lead, step, day, "Letter", "Sent", notes[0], ref=letter_ref)
            elif ok["Call"]:
                call("Left a voicemail instead of writing")

        if step == "D1":
            if ok["Letter"]:
                self._touch(lead, step, day, "Letter", "Sent", "Intro letter mailed", ref=letter_ref)
            if ok["Email"]:
                self._touch(lead, step, day, "Email", "Sent", "Intro email sent")
        elif step in ("D2", "D6"):
            if ok["Call"]:
                call("Voicemail: introduced myself as a local agent" if step == "D2"
                     else "Voicemail: offered to answer any questions")
            else:
                self._fallback(lead, step, day)
        elif step == "D4":
            if ok["Call"]:
                call("Voicemail: asked for 15 minutes Tue 10am or Wed 5pm")
            elif ok["Email"]:
                self._touch(lead, step, day, "Email", "Sent", "Meeting request email: two time slots")
            elif ok["Letter"]:
                self._touch(lead, step, day, "Letter", "Sent", "Meeting request letter", ref=letter_ref)
        elif step == "N":
            order = ("Call", "Email", "Letter")
            for offset in range(3):
                channel = order[(n_index + offset) % 3]
                if ok[channel]:
                    if channel == "Call":
                        call("Voicemail: checking in, market update offered")
                    else:
                        notes = self._STEP_NOTES["N"]
                        self._touch(lead, step, day, channel, "Sent", notes[1] if channel == "Email" else notes[0],
                                    ref=letter_ref if channel == "Letter" else None)
                    break
        else:  # D3, D5, D7, R: email, else letter
            written()

    def _fallback(self, lead: dict[str, object], step: str, day: dt.date) -> None:
        """A call step for a lead that cannot be called: the agent writes instead."""
        ok = self._channels(lead)
        text = "Follow-up email (no phone to call)" if step == "D2" else "Questions welcome email (no phone to call)"
        if ok["Email"]:
            self._touch(lead, step, day, "Email", "Sent", text)
        elif ok["Letter"]:
            self._touch(lead, step, day, "Letter", "Sent", text.replace("email", "letter"),
                        ref=f"{step.lower()}_note.docx")

    def _week(self, lead: dict[str, object], day1: dt.date, upto: int, outcomes: dict[int, str] | None = None,
              late: dict[int, int] | None = None) -> dt.date:
        """Steps D1..D{upto} on schedule (plus any lateness); returns the day the last one was done."""
        day = day1
        lateness = 0
        for k in range(1, upto + 1):
            lateness += (late or {}).get(k, 0)
            day = day1 + dt.timedelta(days=k - 1 + lateness)
            self._step(lead, f"D{k}", day, call_outcome=(outcomes or {}).get(k))
        return day

    def _history(self, lead: dict[str, object], sc: Scenario) -> None:
        today = self.today
        day1 = today - dt.timedelta(days=int(lead.pop("_day1_ago")))  # type: ignore[arg-type]
        ago = lambda n: today - dt.timedelta(days=n)  # noqa: E731
        kind = sc.kind
        if kind == "new":
            return
        if kind in ("cadence", "quicklog"):
            self._week(lead, day1, sc.steps)
        elif kind == "late":
            self._week(lead, day1, sc.steps, late={int(sc.flags["late_step"]): int(sc.flags["late_by"])})
        elif kind == "overdue":
            self._week(lead, day1, sc.steps)
        elif kind == "nurture":
            d7 = self._week(lead, day1, 7)
            n = 1
            while d7 + dt.timedelta(days=14 * n) < today:
                self._step(lead, "N", d7 + dt.timedelta(days=14 * n), n_index=n)
                n += 1
        elif kind == "paused":
            paused = ago(int(sc.flags["paused_ago"]))
            self._week(lead, day1, 5)
            self._touch(lead, "D6", paused, "Call", str(sc.flags["outcome"]),
                        "Said the timing is not right; call back in a few months"
                        if sc.flags["outcome"] == "Not Ready" else "Not interested in selling; was polite")
        elif kind == "meeting_set":
            self._week(lead, day1, 3)
            self._touch(lead, "D4", day1 + dt.timedelta(days=3), "Call", "Meeting Set",
                        f"Meeting set for {lead['Meeting Date']:%a %b %d} at 10am at the property")
        elif kind in ("met", "listed", "closed"):
            meeting = day1 + dt.timedelta(days=6)
            lead["Meeting Date"] = meeting
            self._week(lead, day1, 3, outcomes={2: "Spoke"})
            self._touch(lead, "D4", day1 + dt.timedelta(days=3), "Call", "Meeting Set",
                        "Booked a kitchen-table meeting")
            self._touch(lead, "Meeting", meeting, "Meeting", "Met",
                        "Walked through short sale vs foreclosure with their numbers", direction="Outbound")
            if kind == "met":
                self._step(lead, "D7", meeting + dt.timedelta(days=1))
            if kind in ("listed", "closed"):
                self._touch(lead, "Meeting", meeting + dt.timedelta(days=5), "Meeting", "Listed",
                            "Listing agreement signed; short sale package to lender")
            if kind == "closed":
                self._touch(lead, "Meeting", meeting + dt.timedelta(days=48), "Call", "Under Contract",
                            "Offer accepted; lender approval pending")
                self._touch(lead, "Meeting", meeting + dt.timedelta(days=95), "Meeting", "Closed",
                            "Short sale closed; foreclosure avoided")
        elif kind == "lost":
            self._week(lead, day1, 7)
            self._step(lead, "N", day1 + dt.timedelta(days=20), n_index=0)
            self._touch(lead, "N", ago(10), "Call", "Lost", "Home sold at auction; owners moving out")
        elif kind == "do_not_contact":
            self._week(lead, day1, 1)
            self._touch(lead, "D2", day1 + dt.timedelta(days=1), "Call", "Do Not Contact",
                        "Asked not to be contacted again")
        elif kind == "bounced":
            self._touch(lead, "D1", day1, "Letter", "Sent", "Intro letter mailed", ref="d1_intro.docx")
            self._touch(lead, "D1", day1, "Email", "Sent", "Intro email sent")
            self._touch(lead, "D1", day1, "Email", "Bounced", "Mailbox does not exist", direction="Inbound")
            self._step(lead, "D2", day1 + dt.timedelta(days=1), call_outcome="No Answer")
        elif kind == "wrong_number":
            self._week(lead, day1, 1)
            self._touch(lead, "D2", day1 + dt.timedelta(days=1), "Call", "Wrong Number",
                        "Number belongs to someone else")
        elif kind == "replied":
            self._week(lead, day1, 1)
            self._touch(lead, "D1", ago(1), "Email", "Replied",
                        "Replied: asked what a short sale would mean for their credit", direction="Inbound")
        elif kind == "spoke":
            self._week(lead, day1, 3, outcomes={2: "Spoke"})
        elif kind == "unsubscribed":
            self._week(lead, day1, 3)
            self._touch(lead, "D3", day1 + dt.timedelta(days=3), "Email", "Unsubscribed",
                        "Clicked unsubscribe in the CMA email", direction="Inbound")
            self._step(lead, "D4", day1 + dt.timedelta(days=3))
        elif kind == "returned_mail":
            self._week(lead, day1, 3)
            self._touch(lead, "D1", day1 + dt.timedelta(days=8), "Letter", "Returned Mail",
                        "Intro letter returned: not deliverable as addressed", direction="Inbound")

    # --- comps ----------------------------------------------------------------------------------------------

    def _comps_for(self, lead: dict[str, object], city: City) -> None:
        rng, today = self.rng, self.today
        subject_sqft = int(lead["Sq Ft"])  # type: ignore[arg-type]
        ppsf = float(lead["Est. Value"]) / subject_sqft  # type: ignore[arg-type]
        statuses = ["Sold"] * rng.randint(4, 6) + ["Active"] + (["Pending"] if rng.random() < 0.5 else [])
        for status in statuses:
            sqft = max(700, int(round(subject_sqft * rng.uniform(0.8, 1.2), -1)))
            dom = rng.randint(6, 95)
            if status == "Sold":
                sale_date = today - dt.timedelta(days=rng.randint(12, 300))
                list_date = sale_date - dt.timedelta(days=dom + rng.randint(25, 40))
            elif status == "Pending":
                sale_date = None
                list_date = today - dt.timedelta(days=dom)
            else:
                sale_date = None
                dom = rng.randint(3, 70)
                list_date = today - dt.timedelta(days=dom)
            months_ago = (today - (sale_date or today)).days / 30.4
            trend = 1 - 0.003 * months_ago
            distressed = rng.random() < 0.06
            market = sqft * ppsf * trend * rng.uniform(0.92, 1.08) * (0.86 if distressed else 1)
            list_price = round(market * rng.uniform(1.0, 1.05), -3)
            sale_price = round(market, -2) if status == "Sold" else None
            self.comps.append({
                "Status": status,
                "Address": self._address(),
                "City": city.name,
                "State": city.state,
                "ZIP": city.zip,
                "Sale Price": sale_price,
                "List Price": list_price,
                "Sale Date": sale_date,
                "List Date": list_date,
                "Days on Market": dom,
                "Beds": max(1, int(lead["Beds"]) + rng.choice((-1, 0, 0, 1))),  # type: ignore[arg-type]
                "Baths": max(1.0, float(lead["Baths"]) + rng.choice((-0.5, 0, 0, 0.5))),  # type: ignore[arg-type]
                "Sq Ft": sqft,
                "Lot Sq Ft": rng.randrange(2800, 12500, 50),
                "Year Built": int(lead["Year Built"]) + rng.randint(-8, 8),  # type: ignore[arg-type]
                "Garage Spaces": rng.choice((0, 1, 2, 2)),
                "Property Type": lead["Property Type"],
                "Latitude": round(float(lead["Latitude"]) + rng.uniform(-0.012, 0.012), 6),  # type: ignore[arg-type]
                "Longitude": round(float(lead["Longitude"]) + rng.uniform(-0.012, 0.012), 6),  # type: ignore[arg-type]
                "Distressed": "Yes" if distressed else "No",
                "MLS Number": f"DM{rng.randint(1000000, 9999999)}",
            })


def write_demo_workbook(path: str | Path, today: dt.date) -> None:
    """Write the demo workbook to `path` (a new file): the template, filled as of `today`, not yet refreshed."""
    if isinstance(today, dt.datetime):
        today = today.date()
    demo = _Demo(today)
    demo.build()
    path = Path(path)
    new_workbook(path)
    wb = load_workbook(path)
    _fill(wb[schema.SHEET_LEADS], "Leads", demo.leads, {c.name: c.number_format for c in schema.LEAD_COLUMNS})
    _fill(wb[schema.SHEET_ACTIVITY], "Activity", demo.activity,
          {c.name: c.number_format for c in schema.ACTIVITY_COLUMNS})
    _fill(wb[schema.SHEET_COMPS], "Comps", demo.comps, {c.name: c.number_format for c in COMPS_COLUMNS})
    settings = wb[schema.SHEET_SETTINGS]
    for row in settings.iter_rows(min_row=2):
        label = row[0].value
        if label in DEMO_SETTINGS:
            row[1].value = DEMO_SETTINGS[label]
    wb.properties.title = "Preforeclosure Lead Tracker (demo)"
    wb.properties.description = f"Invented demo data as of {today.isoformat()}; every name and number is fictional."
    wb.save(path)


def _fill(ws: Worksheet, table_name: str, rows: list[dict[str, object]], formats: dict[str, str | None]) -> None:
    """Write `rows` under the sheet's headers (matched by name) and stretch the Excel Table over them."""
    headers = [cell.value for cell in ws[1]]
    position = {str(h): i for i, h in enumerate(headers, start=1) if h is not None}
    for r, record in enumerate(rows, start=2):
        for name, value in record.items():
            column = position.get(name)
            if column is None:
                continue
            cell = ws.cell(row=r, column=column, value=value)
            fmt = formats.get(name)
            if fmt and value is not None:
                cell.number_format = fmt
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = schema.DATE_FORMAT
    # Keep every column's format on empty cells too, so typed values look right.
    for name, column in position.items():
        fmt = formats.get(name)
        if fmt:
            for r in range(2, len(rows) + 2):
                ws.cell(row=r, column=column).number_format = fmt
    table = ws.tables[table_name]
    last_col = get_column_letter(len(headers))
    table.ref = f"A1:{last_col}{max(2, len(rows) + 1)}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref


def main() -> None:
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "demo.xlsx")
    write_demo_workbook(target, dt.date.today())
    print(f"Wrote {target}")


if __name__ == "__main__":
    main()

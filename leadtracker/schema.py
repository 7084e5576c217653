"""The workbook contract: sheet names, canonical columns, header aliases and who owns each column.

Columns are found by header, never by position. A header matches a canonical column when the two are equal after
folding case and dropping spaces and punctuation ("Est. Loan Balance" == "estloanbalance"), or when it is one of
the column's aliases (the usual vendor spellings, from ../shared/reference/vendor_formats.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """Who owns a column: the agent (input), the tool (computed), or both in turn (quick-log)."""

    INPUT = "input"
    QUICK_LOG = "quick-log"
    COMPUTED = "computed"


class ValueType(Enum):
    TEXT = "text"
    DATE = "date"
    MONEY = "money"
    NUMBER = "number"
    INTEGER = "integer"
    FLAG = "flag"
    STATE = "state"
    ZIP = "zip"
    PHONE = "phone"
    EMAIL = "email"
    PERCENT = "percent"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.INPUT
    type: ValueType = ValueType.TEXT
    aliases: tuple[str, ...] = ()
    width: float = 14
    number_format: str | None = None


DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = '"$"#,##0'
INTEGER_FORMAT = "0"

SHEET_LEADS = "Leads"
SHEET_ACTIVITY = "Activity"
SHEET_COMPS = "Comps"
SHEET_SETTINGS = "Settings"
SHEET_PLAN = "Plan"
SHEET_TODAY = "Today"
SHEET_DASHBOARD = "Dashboard"
SHEET_CMA = "CMA"
SHEET_STORIES = "Stories"

INPUT_SHEETS = (SHEET_LEADS, SHEET_ACTIVITY, SHEET_COMPS, SHEET_SETTINGS)
TOOL_SHEETS = (SHEET_TODAY, SHEET_DASHBOARD, SHEET_CMA)

I, Q, C = Kind.INPUT, Kind.QUICK_LOG, Kind.COMPUTED
T = ValueType


def _col(name: str, kind: Kind = I, type: ValueType = T.TEXT, aliases: tuple[str, ...] = (), width: float = 14,
         fmt: str | None = None) -> Column:
    if fmt is None:
        fmt = {T.DATE: DATE_FORMAT, T.MONEY: MONEY_FORMAT}.get(type)
    return Column(name, kind, type, aliases, width, fmt)


LEAD_COLUMNS: tuple[Column, ...] = (
    _col("Lead ID", aliases=("ID", "Lead #", "Lead Number", "Record ID"), width=11),
    _col("Owner Name", aliases=(
        "Owner", "Owners", "Owner(s)", "Owner 1 Full Name", "Owner 1 Name", "Owner1 Name", "Primary Owner",
        "Owner Full Name", "Primary Name", "Homeowner", "Homeowner Name", "Borrower", "Borrower Name", "Name",
        "Full Name", "Defendant", "Trustor"), width=24),
    _col("Co-Owner Name", aliases=(
        "Co Owner", "Co-Owner", "Owner 2", "Owner 2 Full Name", "Owner 2 Name", "Owner2 Name", "Secondary Owner",
        "Secondary Name", "Second Owner"), width=20),
    _col("Property Address", aliases=(
        "Address", "Site Address", "Situs Address", "Property Street", "Street Address", "Property Address Full",
        "Property Address Line 1", "Subject Address", "Full Address", "PropertyAddressFull"), width=28),
    _col("City", aliases=("Property City", "Site City", "Situs City", "Property Address City"), width=14),
    _col("State", type=T.STATE, aliases=(
        "Property State", "Site State", "Situs State", "ST", "Property Address State", "State/Province",
        "State Or Province", "SitusStateCode"), width=7),
    _col("ZIP", type=T.ZIP, aliases=(
        "Zip Code", "Zipcode", "Postal Code", "Property Zip", "Property Zip Code", "Site Zip", "Situs Zip",
        "Property Address Zipcode", "Property Address Zip"), width=8),
    _col("County", aliases=("Property County", "Situs County", "County Or Parish", "Property Address County")),
    _col("Mailing Address", aliases=(
        "Mail Address", "Mail Street Address", "Owner Mailing Address", "Mailing Street", "Owner Address",
        "Owner Address Line 1", "Primary Mailing Address"), width=26),
    _col("Mailing City", aliases=("Mail City", "Owner City", "Owner Address City", "Primary Mailing City")),
    _col("Mailing State", type=T.STATE, aliases=("Mail State", "Owner State", "Owner Address State",
                                                  "Primary Mailing State"), width=8),
    _col("Mailing ZIP", type=T.ZIP, aliases=("Mail Zip", "Mail Zip Code", "Mailing Zip Code", "Owner Zip",
                                              "Owner Address Zip", "Primary Mailing Zip"), width=9),
    _col("Phone", type=T.PHONE, aliases=(
        "Phone 1", "Phone1", "Phone Number", "Primary Phone", "Cell", "Mobile", "Cell Phone", "Mobile Phone",
        "Primary Mobile Phone1", "Owner Phone", "Telephone"), width=15),
    _col("Phone 2", type=T.PHONE, aliases=("Phone2", "Secondary Phone", "Alt Phone", "Alternate Phone",
                                           "Home Phone", "Secondary Mobile Phone1"), width=15),
    _col("Email", type=T.EMAIL, aliases=("Email 1", "Email1", "Email Address", "E-mail", "Primary Email",
                                         "Primary Email1", "Owner Email"), width=24),
    _col("Lender", aliases=("Lender Name", "Pre-FC Lender", "Loan 1 Lender", "Mortgage Lender", "Beneficiary",
                            "Plaintiff", "Servicer"), width=18),
    _col("Loan Balance", type=T.MONEY, aliases=(
        "Mortgage Balance", "Est. Loan Balance", "Estimated Loan Balance", "Loan Amount Owed", "Unpaid Balance",
        "Pre-FC Unpaid Balance", "Est. Remaining balance of Open Loans", "Total Loan Balance", "Loan 1 Balance",
        "Open Loan Balance", "Estimated Balance", "Mortgage Amount Owed"), width=13),
    _col("Other Liens", type=T.MONEY, aliases=("Other Lien Amount", "Second Mortgage", "Junior Liens",
                                               "Total Liens"), width=12),
    _col("Est. Value", type=T.MONEY, aliases=(
        "Estimated Value", "Est Value", "AVM", "Market Value", "Estimated Market Value", "Property Value",
        "Value"), width=13),
    _col("Distress Score", type=T.NUMBER, aliases=("Distress", "Motivation Score", "Score", "Lead Score"), width=9),
    _col("Default Date", type=T.DATE, aliases=(
        "First Missed Payment", "Missed Payment Date", "Delinquency Date", "Date of Default", "Default"),
        width=12),
    _col("Notice Date", type=T.DATE, aliases=(
        "NOD Date", "Notice of Default Date", "NOD Recording Date", "Lis Pendens Date", "LP Date",
        "Pre-FC Recording Date", "Recording Date", "Notice Recording Date", "Default Recording Date",
        "Notice of Default"), width=12),
    _col("Filing Date", type=T.DATE, aliases=("Case Filing Date", "Filed Date", "Complaint Date", "Case Filed",
                                              "Foreclosure Filing Date"), width=12),
    _col("Sale Date", type=T.DATE, aliases=(
        "Auction Date", "Pre-FC Auction Date", "Trustee Sale Date", "Sheriff Sale Date", "Foreclosure Sale Date",
        "Scheduled Sale Date", "NTS Sale Date", "Sale"), width=12),
    _col("Beds", type=T.NUMBER, aliases=("Bedrooms", "Bedrooms Total", "# Bedrooms", "BR", "Total Bedrooms"),
         width=6),
    _col("Baths", type=T.NUMBER, aliases=("Bathrooms", "Total Bathrooms", "Bathrooms Total", "BA",
                                          "Bathrooms Total Integer", "Total Baths"), width=6),
    _col("Sq Ft", type=T.NUMBER, aliases=(
        "Living Sq Ft", "Living Area", "Square Feet", "SqFt", "Building Sqft", "Building Square Feet",
        "Living Area Sq Ft", "Approx SqFt", "Heated Sq Ft", "GLA"), width=8, fmt="#,##0"),
    _col("Lot Sq Ft", type=T.NUMBER, aliases=("Lot Size", "Lot Size Sqft", "Lot Square Feet", "Lot Size Square Feet",
                                              "Approx Lot SqFt", "Lot Area"), width=9, fmt="#,##0"),
    _col("Year Built", type=T.INTEGER, aliases=("Yr Built", "YearBuilt", "Built"), width=8, fmt=INTEGER_FORMAT),
    _col("Garage Spaces", type=T.NUMBER, aliases=("Garage", "Garage Stalls", "Parking Spaces"), width=8),
    _col("Property Type", aliases=("Type", "Dwelling Type", "Property Use", "Land Use", "Property Sub Type"),
         width=12),
    _col("Latitude", type=T.NUMBER, aliases=("Lat", "Geo Lat", "Property Lat"), width=10),
    _col("Longitude", type=T.NUMBER, aliases=("Lon", "Lng", "Long", "Geo Lon", "Property Lng"), width=10),
    _col("Source", aliases=("Lead Source", "List Source", "Vendor"), width=12),
    _col("Received", type=T.DATE, aliases=("Date Received", "Date Added", "Added", "Lead Date", "Created",
                                           "Import Date"), width=11),
    _col("Assigned To", aliases=("Agent", "Assigned Agent", "Owner Agent", "Assignee"), width=12),
    _col("Meeting Date", type=T.DATE, aliases=("Appointment", "Appointment Date", "Meeting"), width=12),
    _col("Do Not Call", type=T.FLAG, aliases=("DNC", "Phone DNC", "Phone 1 DNC", "Do-Not-Call"), width=8),
    _col("Do Not Text", type=T.FLAG, aliases=("No Text", "Do-Not-Text", "No SMS"), width=8),
    _col("Do Not Email", type=T.FLAG, aliases=("No Email", "Do-Not-Email", "Email Opt Out", "Email Opt-Out"),
         width=8),
    _col("Do Not Mail", type=T.FLAG, aliases=("No Mail", "Do-Not-Mail"), width=8),
    _col("DNC Checked", type=T.DATE, aliases=("DNC Check Date", "DNC Scrub Date", "DNC Scrubbed"), width=11),
    _col("Notes", aliases=("Note", "Comments", "Agent Notes", "Remarks"), width=30),
    _col("Log Outcome", Q, width=14),
    _col("Log Note", Q, width=22),
    _col("Log Channel", Q, width=10),
    _col("Stage", C, width=13),
    _col("Cadence Day", C, T.INTEGER, width=8, fmt=INTEGER_FORMAT),
    _col("Next Step", C, width=9),
    _col("Next Channel", C, width=13),
    _col("Due Date", C, T.DATE, width=11),
    _col("Days Overdue", C, T.INTEGER, width=8, fmt=INTEGER_FORMAT),
    _col("Priority", C, T.INTEGER, width=8, fmt=INTEGER_FORMAT),
    _col("Touches", C, T.INTEGER, width=8, fmt=INTEGER_FORMAT),
    _col("Last Touch", C, T.DATE, width=11),
    _col("Last Outcome", C, width=13),
    _col("Earliest Filing", C, T.DATE, width=11),
    _col("Est. Sale Date", C, T.DATE, width=11),
    _col("Days to Sale", C, T.INTEGER, width=8, fmt=INTEGER_FORMAT),
    _col("Cure Deadline", C, T.DATE, width=11),
    _col("Redemption Ends", C, T.DATE, width=11),
    _col("Timeline Note", C, width=36),
    _col("CMA Low", C, T.MONEY, width=11),
    _col("CMA Mid", C, T.MONEY, width=11),
    _col("CMA High", C, T.MONEY, width=11),
    _col("CMA Comps", C, width=16),
    _col("Est. Equity", C, T.MONEY, width=11),
    _col("Short Sale Likely", C, width=9),
    _col("Contact Rules", C, width=36),
    _col("Data Issues", C, width=40),
)

ACTIVITY_COLUMNS: tuple[Column, ...] = (
    _col("Activity ID", width=20),
    _col("Timestamp", type=T.DATE, aliases=("Date", "Date/Time", "Time", "When"), width=17, fmt="yyyy-mm-dd hh:mm"),
    _col("Lead ID", aliases=("Lead", "ID"), width=11),
    _col("Step", width=7),
    _col("Channel", width=9),
    _col("Direction", width=9),
    _col("Outcome", aliases=("Result",), width=14),
    _col("Note", aliases=("Notes",), width=36),
    _col("Source", width=10),
    _col("Ref", aliases=("Reference",), width=18),
    _col("By", aliases=("Agent", "User"), width=10),
)

PLAN_COLUMNS: tuple[Column, ...] = (
    _col("Step", width=8),
    _col("Day", type=T.INTEGER, aliases=("Day Offset", "Days"), width=6),
    _col("Channels", aliases=("Channel",), width=26),
    _col("Purpose", width=60),
    _col("Template", width=14),
)

# Stories: short, anonymised accounts of owners the agent has helped, for the Day 6 letter (one row each).
STORY_COLUMNS: tuple[Column, ...] = (
    _col("Title", aliases=("Headline", "Situation"), width=28),
    _col("Story", aliases=("Text", "Success Story", "What Happened"), width=90),
    _col("Use", type=T.FLAG, aliases=("Use In Letters", "Active", "Include"), width=8),
)

SETTINGS_COLUMNS: tuple[Column, ...] = (
    _col("Setting", aliases=("Name", "Key"), width=28),
    _col("Value", width=40),
)

# The Comps sheet: an MLS export (sold, pending, active) or public sales records. Aliases cover the RESO names
# (ClosePrice, LivingArea, ...), common MLS spellings, and the King County columns of seattle_sales_dev.csv.
_NUM = "#,##0"
COMP_COLUMNS: tuple[Column, ...] = (
    _col("Status", aliases=("Listing Status", "Standard Status", "StandardStatus", "MLS Status", "MlsStatus",
                            "Sale Status", "Current Status", "Stat"), width=9),
    _col("Address", aliases=("Property Address", "Street Address", "Full Address", "Unparsed Address",
                             "UnparsedAddress", "Site Address", "Situs Address", "Addr"), width=26),
    _col("City", aliases=("Property City", "Postal City", "PostalCity"), width=14),
    _col("State", type=T.STATE, aliases=("State Or Province", "StateOrProvince", "Property State", "ST"), width=7),
    _col("ZIP", type=T.ZIP, aliases=("Postal Code", "PostalCode", "Zip Code", "Zipcode", "Property Zip"), width=8),
    _col("Sale Price", type=T.MONEY, aliases=(
        "Sold Price", "Close Price", "ClosePrice", "Closed Price", "Sales Price", "Sold Amount", "SP",
        "Sold $"), width=12),
    _col("List Price", type=T.MONEY, aliases=("ListPrice", "Current Price", "Current List Price", "Asking Price",
                                              "LP"), width=12),
    _col("Original List Price", type=T.MONEY, aliases=("OriginalListPrice", "Orig List Price", "Original Price",
                                                       "OLP"), width=12),
    _col("Sale Date", type=T.DATE, aliases=(
        "Close Date", "CloseDate", "Closed Date", "Sold Date", "Date Sold", "Closing Date", "Settled Date",
        "COE Date"), width=11),
    _col("Pending Date", type=T.DATE, aliases=("Contract Date", "Under Contract Date", "PurchaseContractDate",
                                               "Purchase Contract Date", "Pending"), width=11),
    _col("List Date", type=T.DATE, aliases=("Listing Date", "ListingContractDate", "Listing Contract Date",
                                            "On Market Date", "OnMarketDate"), width=11),
    _col("Days on Market", type=T.NUMBER, aliases=("DOM", "CDOM", "DaysOnMarket", "Cumulative Days on Market",
                                                   "CumulativeDaysOnMarket", "Days On Mkt"), width=9,
         fmt=INTEGER_FORMAT),
    _col("Beds", type=T.NUMBER, aliases=("Bedrooms", "Bedrooms Total", "BedroomsTotal", "# Bedrooms", "BR",
                                         "Total Bedrooms"), width=6),
    _col("Baths", type=T.NUMBER, aliases=("Bathrooms", "Total Bathrooms", "Bathrooms Total", "BA", "Total Baths",
                                          "BathroomsTotalDecimal", "BathroomsTotalInteger"), width=6),
    _col("Sq Ft", type=T.NUMBER, aliases=(
        "Living Sq Ft", "Living Area", "LivingArea", "Square Feet", "SqFt", "Building Sqft", "Total Sq Ft",
        "tot_sf", "Above Grade Finished Area", "Approx SqFt", "Heated Sq Ft", "GLA"), width=8, fmt=_NUM),
    _col("Lot Sq Ft", type=T.NUMBER, aliases=("Lot Size", "Lot Size Sqft", "Lot Square Feet", "Lot Size Square Feet",
                                              "LotSizeSquareFeet", "lot_sf", "Lot SF", "Lot Area"), width=9, fmt=_NUM),
    _col("Year Built", type=T.INTEGER, aliases=("Yr Built", "YearBuilt", "Yr Blt", "Built"), width=8,
         fmt=INTEGER_FORMAT),
    _col("Age", type=T.NUMBER, aliases=("Building Age", "Home Age", "Age at Sale"), width=6),
    # the assessor's effective age (a renovated home counts as younger); a year (Effective Year Built) is converted
    _col("Effective Age", type=T.NUMBER, aliases=("eff_age", "Eff Age", "Effective Age at Sale", "EffectiveAge",
                                                  "Effective Year Built", "EffectiveYearBuilt", "Eff Year Built",
                                                  "Eff Yr Built", "Effective Year"), width=9),
    _col("Garage Spaces", type=T.NUMBER, aliases=("Garage", "GarageSpaces", "Garage Stalls", "Garage Cars",
                                                  "Parking Spaces"), width=8),
    _col("Property Type", aliases=("Type", "PropertyType", "Property Sub Type", "PropertySubType", "Use Type",
                                   "use_type", "Dwelling Type", "Prop Type", "Land Use"), width=12),
    _col("Quality", type=T.NUMBER, aliases=("Building Grade", "bldg_grade", "Grade", "Quality Grade",
                                            "Construction Quality", "Overall Quality", "Overall Qual"), width=8),
    _col("Condition", type=T.NUMBER, aliases=("Overall Condition", "Overall Cond", "Condition Rating",
                                              "Property Condition"), width=8),
    _col("Waterfront", type=T.FLAG, aliases=("wfnt", "Waterfront YN", "WaterfrontYN", "Water Front"), width=9),
    _col("Area", aliases=("Neighborhood", "Neighbourhood", "Subdivision", "Subdivision Name", "SubdivisionName",
                          "MLS Area", "MLSAreaMajor", "Market Area"), width=10),
    _col("Latitude", type=T.NUMBER, aliases=("Lat", "Geo Lat", "Property Lat"), width=10, fmt="0.000000"),
    _col("Longitude", type=T.NUMBER, aliases=("Lon", "Lng", "Long", "Geo Lon", "Property Lng"), width=11,
         fmt="0.000000"),
    _col("Distressed", aliases=("Distressed Sale", "Special Listing Conditions", "SpecialListingConditions",
                                "Sale Type", "Sale Condition", "REO/Short Sale", "Distressed YN"), width=9),
    _col("MLS Number", aliases=("MLS #", "MLS", "MLS No", "MLS ID", "MLS Num", "Listing ID", "ListingId",
                                "Listing Key", "ListingKey", "List Number", "Comp ID", "Sale ID", "sale_id"),
         width=12),
    _col("Parcel ID", aliases=("APN", "Parcel", "Parcel Number", "PIN", "pinx", "Tax ID", "Parcel No"), width=12),
)

# A `leadtracker cma` subjects file: the property facts of Comps, an id, and the date to value at.
SUBJECT_COLUMNS: tuple[Column, ...] = (
    _col("Lead ID", aliases=("ID", "Subject ID", "Lead #", "Lead Number", "Record ID", "Sale ID", "sale_id")),
    *(c for c in COMP_COLUMNS if c.name in (
        "Address", "City", "State", "ZIP", "Beds", "Baths", "Sq Ft", "Lot Sq Ft", "Year Built", "Age",
        "Effective Age", "Garage Spaces", "Property Type", "Quality", "Condition", "Waterfront", "Area", "Latitude",
        "Longitude", "Parcel ID")),
    _col("As Of", type=T.DATE, aliases=("Effective Date", "Valuation Date", "As-Of Date", "As Of Date")),
)

# The Log Outcome dropdown and the Activity outcomes: a closed list (DESIGN §5).
OUTCOMES: tuple[str, ...] = (
    "Sent", "Delivered", "Opened", "Clicked", "Bounced", "Unsubscribed", "Replied", "Spoke", "Left Voicemail",
    "No Answer", "Wrong Number", "Returned Mail", "Meeting Set", "Met", "Not Ready", "Not Interested",
    "Do Not Contact", "Listed", "Under Contract", "Closed", "Lost", "Text Consent", "Opted Out", "DNC Checked",
)
# Outcomes that record what the agent knew (consents, opt-outs, Do Not Call checks): never a touch or a step.
RECORD_OUTCOMES: tuple[str, ...] = ("Text Consent", "Opted Out", "DNC Checked")
CHANNELS: tuple[str, ...] = ("Call", "Text", "Email", "Letter", "Meeting")
STAGES: tuple[str, ...] = (
    "New", "Cadence", "Engaged", "Meeting Set", "Nurture", "Paused", "Listed", "Redemption", "Sale Passed",
    "Closed", "Lost", "Do Not Contact", "Needs Contact Info",
)

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming",
}

_FOLD = re.compile(r"[^0-9a-z]+")


def normalize_header(text: object) -> str:
    """Fold a header for matching: lower case, no spaces or punctuation ("Est. Loan Balance" -> "estloanbalance")."""
    if text is None:
        return ""
    return _FOLD.sub("", str(text).casefold())


def alias_index(columns: tuple[Column, ...]) -> dict[str, str]:
    """Folded header -> canonical name, canonical names first so an alias can never shadow a real column."""
    index: dict[str, str] = {}
    for column in columns:
        index.setdefault(normalize_header(column.name), column.name)
    for column in columns:
        for alias in column.aliases:
            index.setdefault(normalize_header(alias), column.name)
    return index


@dataclass(frozen=True)
class HeaderMap:
    """Where each canonical column sits in a sheet's header row (0-based positions), and headers not recognised."""

    positions: dict[str, int]
    unknown: tuple[str, ...]
    duplicates: tuple[tuple[str, str], ...]  # (header ignored, canonical column it would have been)

    def has(self, name: str) -> bool:
        return name in self.positions


def map_headers(headers: list[object] | tuple[object, ...], columns: tuple[Column, ...]) -> HeaderMap:
    """Match a header row against a sheet's columns; the first header claiming a column wins."""
    index = alias_index(columns)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[tuple[str, str]] = []
    canonical = {normalize_header(c.name) for c in columns}
    exact: dict[str, int] = {}
    for i, h in enumerate(headers):
        if normalize_header(h) in canonical:
            exact.setdefault(normalize_header(h), i)
    # A header spelled exactly as a canonical column beats an alias that happens to come first.
    for canonical_folded, position in exact.items():
        positions[index[canonical_folded]] = position
    for position, header in enumerate(headers):
        folded = normalize_header(header)
        if not folded:
            continue
        name = index.get(folded)
        if name is None:
            unknown.append(str(header))
        elif positions.get(name) != position:
            if name in positions:
                duplicates.append((str(header), name))
            else:
                positions[name] = position
    return HeaderMap(positions, tuple(unknown), tuple(duplicates))


def columns_of(kind: Kind, columns: tuple[Column, ...] = LEAD_COLUMNS) -> tuple[Column, ...]:
    return tuple(c for c in columns if c.kind is kind)


COMPUTED_LEAD_COLUMNS = tuple(c.name for c in columns_of(Kind.COMPUTED))
LEAD_COLUMN_BY_NAME = {c.name: c for c in LEAD_COLUMNS}

"""The importers: one declaration per vendor export, each saying where its column names come from.

Sources are the research notes in ../shared/reference/vendor_formats.md (section and source labels given below);
confidence is theirs. Where a vendor's headers could not be found, the importer says so and reads what is
documented, never guessed names.
"""

from __future__ import annotations

from .base import Importer

PROPSTREAM = Importer(
    name="PropStream",
    source=("PropStream's own list-export column labels (vendor_formats.md §1a-1f: PS-A, the column definitions "
            "PropStream's web app sends; PS-B/PS-C/PS-F importers written against real CSVs; PS-D/PS-E for the "
            "separate Contacts/skip-trace file). Confidence high for property, owner, loan and Pre-FC columns, "
            "medium for the phone/email/DNC columns."),
    identify_all=("Owner 1 First Name", "Owner 1 Last Name", "Address"),
    identify_any=("Pre-FC Recording Date", "Pre-FC Auction Date", "Pre-FC Lender", "Pre-FC Unpaid Balance",
                  "Est. Remaining balance of Open Loans", "Total Open Loans", "Mailing Care of Name",
                  "Foreclosure Factor", "Date Added to List", "Marketing Lists", "Building Sqft", "Total Bathrooms",
                  "Est. Loan-to-Value", "Unit #", "Mailing Unit #"),
    columns={
        "Property Address": ("Address", "Street Address"),
        "City": ("City",), "State": ("State",), "ZIP": ("Zip",), "County": ("County",),
        "Mailing Address": ("Mailing Address", "Mail Street Address"),
        "Mailing City": ("Mailing City", "Mail City"), "Mailing State": ("Mailing State", "Mail State"),
        "Mailing ZIP": ("Mailing Zip", "Mail Zip"),
        "Lender": ("Pre-FC Lender", "Loan 1 Lender"),
        "Loan Balance": ("Pre-FC Unpaid Balance", "Est. Remaining balance of Open Loans", "Loan 1 Balance"),
        "Est. Value": ("Est. Value",),
        "Notice Date": ("Pre-FC Recording Date",),
        "Sale Date": ("Pre-FC Auction Date",),
        "Beds": ("Bedrooms",), "Baths": ("Total Bathrooms",), "Sq Ft": ("Building Sqft",),
        "Lot Sq Ft": ("Lot Size Sqft",), "Year Built": ("Year Built", "Effective Year Built"),
        "Property Type": ("Property Type",),
        "Received": ("Date Added to List",),
        "Do Not Mail": ("Do Not Mail",),
    },
    units={"Property Address": ("Unit #",), "Mailing Address": ("Mailing Unit #",)},
    owner_parts=(("Owner 1 First Name", "Owner 1 Last Name"), ("First Name", "Last Name")),
    co_owner_parts=(("Owner 2 First Name", "Owner 2 Last Name"),),
    owner=("Pre-FC Borrower 1 Name",),
    phones=tuple((f"Phone {n}", f"Phone {n} DNC") for n in range(1, 6)) + (("Cell", None),),
    emails=tuple(f"Email {n}" for n in range(1, 5)),
    do_not_call=("Litigator",),
)

PROPERTYRADAR = Importer(
    name="PropertyRadar",
    source=("A real PropertyRadar CSV export's 39-column header (vendor_formats.md §2, PR-A, confidence high). "
            "PropertyRadar's foreclosure, default, auction and lender column names were not found, so they are "
            "read only where the schema's aliases recognise them."),
    identify_all=("Owner", "Address", "Mail Address"),
    identify_any=("Owner Occ?", "Est Equity $", "Est Equity %", "Purchase Mos Since", "Primary Mobile Phone1",
                  "Foreclosure?", "High Equity?", "Listed for Sale?", "Primary Email1"),
    columns={
        "Property Type": ("Type",), "Property Address": ("Address",), "City": ("City",), "State": ("State",),
        "ZIP": ("ZIP",), "Latitude": ("Latitude",), "Longitude": ("Longitude",), "Year Built": ("Yr Built",),
        "Sq Ft": ("Sq Ft",), "Beds": ("Beds",), "Baths": ("Baths",), "Est. Value": ("Est Value",),
        "Mailing Address": ("Mail Address",), "Mailing City": ("Mail City",), "Mailing State": ("Mail State",),
        "Mailing ZIP": ("Mail ZIP",),
    },
    owner=("Owner", "Primary Name"),
    co_owner=("Secondary Name",),
    phones=(("Primary Mobile Phone1", None), ("Secondary Mobile Phone1", None)),
    emails=("Primary Email1", "Secondary Email1"),
)

_DM_CONTACTS = range(1, 21)  # the 393-column export carries 20 contact blocks
DEALMACHINE = Importer(
    name="DealMachine",
    source=("DealMachine's Properties export, snake_case headers from a real 393-column export "
            "(vendor_formats.md §4a: DM-A, with DM-B and DM-C; confidence medium)."),
    identify_all=("property_address_line_1",),
    identify_any=("property_id", "owner_1_name", "property_address_full", "owner_address_line_1",
                  "contact_1_phone1", "total_bedrooms", "property_address_zipcode"),
    columns={
        "Property Address": ("property_address_line_1", "property_address_full"),
        "City": ("property_address_city",), "State": ("property_address_state",),
        "ZIP": ("property_address_zipcode",), "County": ("property_address_county",),
        "Latitude": ("property_lat",), "Longitude": ("property_lng",),
        "Mailing Address": ("owner_address_line_1",), "Mailing City": ("owner_address_city",),
        "Mailing State": ("owner_address_state",), "Mailing ZIP": ("owner_address_zip",),
        "Property Type": ("property_type",), "Beds": ("total_bedrooms",), "Baths": ("total_baths",),
        "Sq Ft": ("building_square_feet",), "Lot Sq Ft": ("lot_square_feet",),
        "Year Built": ("year_built", "effective_year_built"), "Est. Value": ("estimated_value",),
        "Loan Balance": ("total_loan_balance",), "Lender": ("lender_name",),
    },
    units={"Property Address": ("property_address_line_2",), "Mailing Address": ("owner_address_line_2",)},
    owner_parts=(("owner_1_firstname", "owner_1_lastname"),),
    owner=("owner_1_name", "contact_1_name"),
    co_owner_parts=(("owner_2_firstname", "owner_2_lastname"),),
    co_owner=("owner_2_name",),
    phones=tuple((f"contact_{n}_phone{k}", None) for n in _DM_CONTACTS for k in (1, 2, 3)),
    emails=tuple(f"contact_{n}_email{k}" for n in _DM_CONTACTS for k in (1, 2, 3)),
)

BATCHDATA = Importer(
    name="BatchLeads/BatchData",
    source=("BatchData's Property Skip Trace results (vendor_formats.md §3, BD-A: vendor help article, confidence "
            "high for the 'Input Data: ...' block). The file keeps every uploaded column first, read here with the "
            "schema's aliases; the 'Input Data: ...' copies fill what those lack. BatchLeads list-export headers "
            "and BatchData's output-field spellings were not found, so none are assumed."),
    identify_prefix="Input Data:",
    columns={
        "Property Address": ("Input Data: Property Address",), "City": ("Input Data: Property City",),
        "State": ("Input Data: Property State",), "ZIP": ("Input Data: Property Zip",),
        "Mailing Address": ("Input Data: Mailing Address",), "Mailing City": ("Input Data: Mailing City",),
        "Mailing State": ("Input Data: Mailing State",), "Mailing ZIP": ("Input Data: Mailing Zip",),
    },
    owner_parts=(("Input Data: First Name", "Input Data: Last Name"),),
    prefer_aliases=True,
)

LEADLIST_PRO = Importer(
    name="LeadList.Pro-style",
    source=("LeadList.Pro's own export headers were not found (vendor_formats.md §5 and market_and_compliance.md "
            "name the vendor but not its columns). This importer reads the pre-foreclosure list layout documented "
            "from a real lis pendens list (vendor_formats.md §5c, LP-A, confidence high): camelCase columns, the "
            "street split into houseNumber + street, no owner names."),
    identify_all=("houseNumber", "street"),
    identify_any=("parcelID", "recordType", "foreclosureStatus", "LastNoticeDate", "estimatedBalance",
                  "defaultAmount", "fullAddress"),
    columns={
        "Property Address": (("houseNumber", "street"), "fullAddress"),
        "City": ("city",), "State": ("state",), "ZIP": ("zip",),
        "Loan Balance": ("estimatedBalance",), "Est. Value": ("estimatedValue",),
        "Property Type": ("propertyType",), "Beds": ("beds",), "Baths": ("baths",), "Sq Ft": ("sqft",),
        "Notice Date": ("LastNoticeDate",),
    },
)

GENERIC = Importer(
    name="Generic",
    source=("Any CSV or Excel list whose headers the schema's aliases recognise (leadtracker/schema.py, built from "
            "vendor_formats.md): 'Owner', 'Site Address', 'Auction Date', 'NOD Date', 'Mortgage Balance', ..."),
    owner_parts=(("Owner 1 First Name", "Owner 1 Last Name"), ("Owner First Name", "Owner Last Name"),
                 ("First Name", "Last Name")),
    co_owner_parts=(("Owner 2 First Name", "Owner 2 Last Name"),),
    units={"Property Address": ("Unit", "Unit #", "Unit Number", "Apt", "Property Unit")},
)

# Vendor importers in the order they are tried; the generic importer serves a file no vendor claims.
VENDORS: tuple[Importer, ...] = (PROPSTREAM, PROPERTYRADAR, BATCHDATA, DEALMACHINE, LEADLIST_PRO)
ALL: tuple[Importer, ...] = VENDORS + (GENERIC,)

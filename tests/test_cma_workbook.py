"""The CMA as an agent meets it, on real files: King County sales pasted onto the Comps sheet of a real workbook,
an MLS export imported with `import-comps`, `leadtracker cma` on the Seattle sales, and a workbook without comps."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from leadtracker.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEATTLE = ROOT / "tests" / "fixtures" / "sales" / "seattle_sales_dev.csv"  # a copy of ../shared/data's
TODAY = "2016-07-01"


@pytest.fixture(scope="module")
def seattle() -> pd.DataFrame:
    if not SEATTLE.exists():
        pytest.fail(f"{SEATTLE} is missing: the real sales data ship with the repository (tests/fixtures/sales)")
    frame = pd.read_csv(SEATTLE, dtype={"pinx": str, "sale_id": str})
    frame["date"] = pd.to_datetime(frame["sale_date"])
    return frame


def _workbook(tmp_path: Path, name: str = "Tracker.xlsx") -> Path:
    path = tmp_path / name
    assert main(["new", str(path)]) == 0
    return path


def _put_rows(path: Path, sheet: str, headers: list[str], rows: list[list[object]], replace_headers: bool) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    current = [c.value for c in ws[1]]
    if replace_headers:  # the agent pastes an export, headers and all, onto a fresh sheet of that name
        index = wb.sheetnames.index(sheet)
        wb.remove(ws)
        ws = wb.create_sheet(sheet, index)
        for col, header in enumerate(headers, start=1):
            ws.cell(row=1, column=col, value=header)
        positions = list(range(1, len(headers) + 1))
    else:
        positions = [current.index(h) + 1 for h in headers]
    for r, row in enumerate(rows, start=2):
        for col, value in zip(positions, row):
            ws.cell(row=r, column=col, value=value)
    if not replace_headers and sheet in ws.tables:
        table = ws.tables[sheet]
        table.ref = f"A1:{table.ref.split(':')[1].rstrip('0123456789')}{1 + max(len(rows), 1)}"
    wb.save(path)


def _records(path: Path, sheet: str, header_row: int = 1) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path)[sheet]
    headers = [c.value for c in ws[header_row]]
    out = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if any(v is not None for v in row):
            out.append(dict(zip(headers, row)))
    return out


def _lead_from_sale(sale: pd.Series, lead_id: str, loan: float) -> dict[str, object]:
    return {"Lead ID": lead_id, "Owner Name": "Avery Quill", "Property Address": f"{lead_id} Test Lane",
            "City": "Seattle", "State": "WA", "ZIP": "98122", "Phone": "(206) 555-0142",
            "Latitude": float(sale["latitude"]), "Longitude": float(sale["longitude"]), "Sq Ft": int(sale["tot_sf"]),
            "Beds": int(sale["beds"]), "Baths": float(sale["baths"]), "Lot Sq Ft": int(sale["lot_sf"]),
            "Year Built": 2016 - int(sale["age"]), "Property Type": "SFR" if sale["use_type"] == "sfr" else "Townhome",
            "Loan Balance": loan, "Other Liens": 10_000, "Est. Value": 500_000}


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory, seattle):
    """A tracker whose Comps sheet holds the King County sales before July 2016, pasted with their own headers,
    and six leads: four homes that really sold in the second half of 2016, one without coordinates, one without
    Sq Ft. Refreshed as of 2016-07-01."""
    tmp_path = tmp_path_factory.mktemp("cma")
    path = _workbook(tmp_path)
    before = seattle[seattle["date"] < TODAY]
    headers = list(pd.read_csv(SEATTLE, nrows=0).columns)
    _put_rows(path, "Comps", headers, before[headers].astype(object).values.tolist(), replace_headers=True)
    ordinary = seattle["bldg_grade"].between(7, 9) & (seattle["wfnt"] == 0) & (seattle["sale_price"] < 1_200_000)
    later = seattle[(seattle["date"] >= "2016-08-01") & ordinary & (seattle["use_type"] == "sfr")
                    ].sort_values("sale_id").head(4)
    leads = [_lead_from_sale(sale, f"L-{i + 1}", loan) for i, ((_, sale), loan) in
             enumerate(zip(later.iterrows(), (200_000, 1_500_000, 400_000, 300_000)))]
    no_coordinates = dict(leads[0], **{"Lead ID": "L-5", "Latitude": None, "Longitude": None})
    no_size = dict(leads[1], **{"Lead ID": "L-6", "Sq Ft": None})
    leads += [no_coordinates, no_size]
    names = list(dict.fromkeys(k for lead in leads for k in lead))
    _put_rows(path, "Leads", names, [[lead.get(n) for n in names] for lead in leads], replace_headers=False)
    assert main(["refresh", str(path), "--today", TODAY]) == 0
    return path, later


def test_leads_get_low_mid_high_and_their_comps(refreshed, capsys):
    path, later = refreshed
    leads = {r["Lead ID"]: r for r in _records(path, "Leads")}
    for i, (_, sale) in enumerate(later.iterrows(), start=1):
        lead = leads[f"L-{i}"]
        low, mid, high = lead["CMA Low"], lead["CMA Mid"], lead["CMA High"]
        assert isinstance(mid, int) and low < mid < high and mid % 1000 == 0
        assert "sold" in lead["CMA Comps"] and "within" in lead["CMA Comps"] and "confidence" in lead["CMA Comps"]
        # the home really sold later in 2016: the estimate made in July is in the right neighbourhood of it
        assert 0.65 < mid / sale["sale_price"] < 1.5
        # the net sheet, by hand: mid − loan − liens − 6% − 2% − $1,500
        expected = round(mid - lead["Loan Balance"] - 10_000 - 0.06 * mid - 0.02 * mid - 1500)
        assert lead["Est. Equity"] == expected
        assert lead["Short Sale Likely"] == ("Yes" if expected < 0 else "No")
    assert leads["L-2"]["Short Sale Likely"] == "Yes"  # owes $1.5M


def test_a_lead_without_coordinates_says_so_and_gets_no_invented_number(refreshed):
    path, _ = refreshed
    lead = {r["Lead ID"]: r for r in _records(path, "Leads")}["L-5"]
    assert lead["CMA Low"] is None and lead["CMA Mid"] is None and lead["CMA High"] is None
    assert "only 0 comparable sales in ZIP 98122" in lead["Data Issues"]
    assert "Est. Equity uses Est. Value" in lead["Data Issues"]
    assert lead["Est. Equity"] == round(500_000 - 200_000 - 10_000 - 30_000 - 10_000 - 1500)


def test_a_lead_without_sq_ft_is_valued_and_says_what_was_not_adjusted(refreshed):
    path, _ = refreshed
    leads = {r["Lead ID"]: r for r in _records(path, "Leads")}
    lead, same_home_with_size = leads["L-6"], leads["L-2"]  # L-6 is L-2 with its Sq Ft left blank
    assert lead["CMA Low"] < lead["CMA Mid"] < lead["CMA High"]
    width = (lead["CMA High"] - lead["CMA Low"]) / lead["CMA Mid"]
    assert width > (same_home_with_size["CMA High"] - same_home_with_size["CMA Low"]) / same_home_with_size["CMA Mid"]
    assert "CMA: Sq Ft blank, so comps were not adjusted for it and the range is wider" in lead["Data Issues"]


def test_cma_sheet_shows_every_comp_adjustment_weight_and_value(refreshed, seattle):
    path, _ = refreshed
    leads = {r["Lead ID"]: r for r in _records(path, "Leads")}
    ws = openpyxl.load_workbook(path)["CMA"]
    assert "CMA as of July 01, 2016" in ws["A1"].value
    lines = _records(path, "CMA", header_row=3)
    for lead_id in ("L-1", "L-2", "L-3", "L-4", "L-6"):
        block = [line for line in lines if line["Lead ID"] == lead_id]
        kinds = [line["Line"] for line in block]
        assert kinds[0] == "Subject" and kinds[-3:] == ["Value", "Rates", "Market"]
        comps = [line for line in block if line["Line"].startswith("Sold")]
        own = [line for line in block if line["Line"] == "Own sale"]  # the home's own earlier sale, where found
        assert 3 <= len(comps) <= 5 and len(own) <= 1
        assert sum(c["Weight"] for c in comps + own) == pytest.approx(1.0, abs=1e-3)
        for line in own:
            assert line["Date"] < dt.datetime(2016, 7, 1) and line["Notes"].startswith("This home's own sale on")
            assert f"moved to today's market by the area index: ${line['Adjusted Price']:,.0f}" in line["Notes"]
            if line["Weight"] > 0:
                # the sheet keeps the weight to 4 places, the summary rounds the exact one: 1 point either way
                shown = re.search(r"plus the home's own earlier sale \(weight (\d+)%\)", leads[lead_id]["CMA Comps"])
                assert shown and abs(int(shown.group(1)) - line["Weight"] * 100) <= 0.51
        for c in comps:
            assert c["Date"] < dt.datetime(2016, 7, 1) and c["Distance mi"] <= 5
            adjustments = sum(c[k] or 0 for k in c if isinstance(k, str) and k.endswith(" adj"))
            assert c["Adjusted Price"] == pytest.approx(c["Price"] + adjustments, abs=len(comps) + 12)
            parcel = c["Address"]  # no street address in these records: the parcel number stands in
            assert parcel in set(seattle["pinx"]) or parcel.split(" ")[-1].strip("()") in set(seattle["sale_id"])
        value = block[-3]
        assert value["Adjusted Price"] == leads[lead_id]["CMA Mid"]
        assert f"Low ${leads[lead_id]['CMA Low']:,}" in value["Notes"]
        assert "Rates from" in block[-2]["Notes"] and "time" in block[-2]["Notes"]
        assert "sales in the last 12 months" in block[-1]["Notes"]
    without = [line for line in lines if line["Lead ID"] == "L-5"]
    assert [line["Line"] for line in without] == ["Subject"]
    assert "Not enough comparable sales" in without[0]["Notes"]


def test_a_second_refresh_gives_the_same_values(refreshed, tmp_path):
    path, _ = refreshed
    copy = tmp_path / "again.xlsx"
    copy.write_bytes(path.read_bytes())
    before = {r["Lead ID"]: (r["CMA Low"], r["CMA Mid"], r["CMA High"]) for r in _records(copy, "Leads")}
    assert main(["refresh", str(copy), "--today", TODAY]) == 0
    after = {r["Lead ID"]: (r["CMA Low"], r["CMA Mid"], r["CMA High"]) for r in _records(copy, "Leads")}
    assert before == after


def test_without_comps_the_cma_is_blank_and_the_sheet_says_how_to_add_them(tmp_path, capsys):
    path = _workbook(tmp_path)
    _put_rows(path, "Leads", ["Lead ID", "Owner Name", "Property Address", "State", "ZIP", "Loan Balance",
                              "Est. Value"],
              [["L-1", "Avery Quill", "12 Test Lane", "FL", "33602", 250_000, 300_000],
               ["L-2", "Blake Ferrow", "9 Mill Rd", "FL", "33602", None, 300_000]], replace_headers=False)
    assert main(["refresh", str(path), "--today", "2026-11-29"]) == 0
    leads = {r["Lead ID"]: r for r in _records(path, "Leads")}
    assert leads["L-1"]["CMA Mid"] is None and leads["L-1"]["CMA Comps"] is None
    assert leads["L-1"]["Est. Equity"] == 300_000 - 250_000 - 18_000 - 6_000 - 1_500
    assert leads["L-1"]["Short Sale Likely"] == "No"
    assert leads["L-2"]["Est. Equity"] is None and leads["L-2"]["Short Sale Likely"] is None  # loan unknown
    assert "CMA" not in (leads["L-1"]["Data Issues"] or "")
    notes = openpyxl.load_workbook(path)["CMA"]
    assert "No comps yet" in notes["A4"].value and "import-comps" in notes["A4"].value


# --- import-comps --------------------------------------------------------------------------------------------------

MLS_HEADERS = ["ListingId", "StandardStatus", "UnparsedAddress", "PostalCode", "ClosePrice", "CloseDate",
               "ListPrice", "DaysOnMarket", "BedroomsTotal", "BathroomsTotalDecimal", "LivingArea",
               "LotSizeSquareFeet", "YearBuilt", "GarageSpaces", "PropertySubType", "Latitude", "Longitude",
               "SpecialListingConditions", "ListAgentFullName"]
MLS_ROWS = [
    ["M-101", "Closed", "14 Palm Way", "33602", "$310,000", "10/02/2026", "$319,900", "21", "3", "2", "1,980",
     "7,200", "1991", "2", "Single Family Residence", "27.9512", "-82.4601", "Standard", "Quinn Harlow"],
    ["M-102", "Closed", "=HYPERLINK(\"http://example.com\",\"22 Palm Way\")", "33602", "289000", "2026-09-15",
     "299000", "35", "3", "2", "1900", "6800", "1988", "2", "Single Family Residence", "27.9521", "-82.4612",
     "Short Sale", "Quinn Harlow"],
    ["M-103", "Active", "31 Palm Way", "33602", "", "", "$335,000", "12", "3", "2.5", "2100", "7000", "1995", "2",
     "Single Family Residence", "27.9530", "-82.4598", "Standard", "Quinn Harlow"],
    ["M-104", "Closed", "40 Palm Way", "33602", "TBD", "09/30/2026", "", "", "3", "2", "2000", "7000", "1990", "2",
     "Single Family Residence", "27.9535", "-82.4605", "", "Quinn Harlow"],
]


def _mls_csv(tmp_path: Path) -> Path:
    path = tmp_path / "mls export.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(MLS_HEADERS)
        writer.writerows(MLS_ROWS)
    return path


def test_import_comps_maps_an_mls_export_types_its_cells_and_skips_what_is_there(tmp_path, capsys):
    path = _workbook(tmp_path)
    export = _mls_csv(tmp_path)
    capsys.readouterr()
    assert main(["import-comps", str(export), "--into", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Imported 4 comp rows from mls export.csv onto the Comps sheet." in out
    assert "Columns not imported (not comp facts I know): ListAgentFullName." in out
    assert "Sale Price 'TBD' is not an amount" in out
    wb = openpyxl.load_workbook(path)
    ws = wb["Comps"]
    headers = [c.value for c in ws[1]]
    rows = [dict(zip(headers, (c for c in row))) for row in ws.iter_rows(min_row=2, max_row=5)]
    assert rows[0]["Sale Price"].value == 310_000 and rows[0]["Sale Date"].value == dt.datetime(2026, 10, 2)
    assert rows[0]["Sq Ft"].value == 1980 and rows[0]["Latitude"].value == pytest.approx(27.9512)
    assert rows[0]["MLS Number"].value == "M-101" and rows[0]["Status"].value == "Closed"
    assert rows[1]["Distressed"].value == "Short Sale"
    # a formula in the export stays text: it never runs in the agent's workbook
    assert rows[1]["Address"].data_type == "s" and rows[1]["Address"].value.startswith("=HYPERLINK")
    assert rows[3]["Sale Price"].value == "TBD"  # unreadable cells keep the text, for the agent to fix
    assert ws.tables["Comps"].ref.endswith("5")
    capsys.readouterr()
    assert main(["import-comps", str(export), "--into", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Imported 0 comp rows" in out and "4 already there were skipped" in out
    assert len(_records(path, "Comps")) == 4


def test_imported_comps_value_a_lead(tmp_path, capsys):
    path = _workbook(tmp_path)
    assert main(["import-comps", str(_mls_csv(tmp_path)), "--into", str(path)]) == 0
    extra = tmp_path / "more.csv"
    with open(extra, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["MLS #", "Status", "Sold Price", "Close Date", "Sq Ft", "Beds", "Baths", "Year Built",
                         "Property Type", "Lat", "Lng"])
        writer.writerow(["M-201", "Sold", "305000", "8/20/2026", "2050", "3", "2", "1992", "SFR", "27.9505",
                         "-82.4590"])
        writer.writerow(["M-202", "Sold", "298000", "7/11/2026", "1950", "3", "2", "1989", "SFR", "27.9499",
                         "-82.4620"])
    assert main(["import-comps", str(extra), "--into", str(path)]) == 0
    _put_rows(path, "Leads", ["Lead ID", "Owner Name", "Property Address", "State", "ZIP", "Sq Ft", "Beds", "Baths",
                              "Year Built", "Property Type", "Latitude", "Longitude", "Loan Balance"],
              [["L-1", "Avery Quill", "12 Test Lane", "FL", "33602", 2000, 3, 2, 1990, "Single Family", 27.9515,
                -82.4605, 200_000]], replace_headers=False)
    capsys.readouterr()
    assert main(["refresh", str(path), "--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert "1 distressed sale (REO, short sale, foreclosure) kept out of the market comps" in out
    lead = _records(path, "Leads")[0]
    assert lead["CMA Low"] < lead["CMA Mid"] < lead["CMA High"]
    assert 280_000 <= lead["CMA Mid"] <= 330_000
    assert lead["CMA Comps"].startswith("3 sold")
    lines = _records(path, "CMA", header_row=3)
    used = {line["Address"] for line in lines if line["Line"].startswith(("Sold", "Active"))}
    assert not any("22 Palm Way" in a for a in used)  # the short sale is not a comp
    assert any(a.startswith("31 Palm Way") for a in used)  # the active listing is shown


# --- the cma command -------------------------------------------------------------------------------------------------

def test_cma_command_values_real_sales_without_looking_ahead(tmp_path, seattle, capsys):
    subjects = seattle[seattle["date"].dt.year == 2016].sort_values("sale_id").head(40).copy()
    subjects["As Of"] = subjects["sale_date"]
    subject_file = tmp_path / "subjects.csv"
    subjects.drop(columns=["date"]).to_csv(subject_file, index=False)
    out = tmp_path / "values.csv"
    capsys.readouterr()
    assert main(["cma", str(subject_file), "--comps", str(SEATTLE), "--out", str(out)]) == 0
    assert "Valued" in capsys.readouterr().out
    result = pd.read_csv(out, dtype={"Lead ID": str})
    assert list(result.columns[:9]) == ["Lead ID", "CMA Low", "CMA Mid", "CMA High", "Confidence", "Comps",
                                        "Sold Comps", "Listings", "Comp IDs"]
    assert len(result) == 40 and result["Lead ID"].tolist() == subjects["sale_id"].tolist()
    valued = result[result["CMA Mid"].notna()]
    assert len(valued) >= 38
    by_id = seattle.set_index("sale_id")
    for row, subject in zip(valued.itertuples(), subjects.set_index("sale_id").loc[valued["Lead ID"]].itertuples()):
        assert row._2 < row._3 < row._4 and 0 < row.Confidence < 1 and 3 <= row.Comps <= 7
        ids = [i for i in row._9.split("; ") if not i.startswith("own sale ")]
        own = [i.removeprefix("own sale ") for i in row._9.split("; ") if i.startswith("own sale ")]
        assert len(ids) == row.Comps and len(own) <= 1
        for comp_id in ids:
            comp = by_id.loc[comp_id]
            assert comp["date"] < subject.date  # never a sale on or after the subject's as-of date
            assert comp["pinx"] != subject.pinx  # never the subject's own sale as a comp
        for sale_id in own:  # its own earlier sale is named as such
            assert by_id.loc[sale_id, "pinx"] == subject.pinx and by_id.loc[sale_id, "date"] < subject.date
    assert valued["Comp IDs"].str.contains("own sale ").any()
    errors = (valued["CMA Mid"] / subjects.set_index("sale_id").loc[valued["Lead ID"], "sale_price"].to_numpy() - 1)
    assert errors.abs().median() < 0.2


def test_cma_command_uses_as_of_when_the_file_has_no_as_of_column(tmp_path, seattle):
    subjects = seattle[seattle["date"].dt.year == 2016].sort_values("sale_id").head(10)
    subject_file = tmp_path / "subjects.csv"
    subjects.drop(columns=["date", "sale_date", "sale_price"]).to_csv(subject_file, index=False)
    out = tmp_path / "values.csv"
    assert main(["cma", str(subject_file), "--comps", str(SEATTLE), "--out", str(out), "--as-of", "2015-01-01"]) == 0
    result = pd.read_csv(out, dtype={"Lead ID": str})
    by_id = seattle.set_index("sale_id")
    ids = [i.removeprefix("own sale ") for cell in result["Comp IDs"].dropna() for i in cell.split("; ")]
    assert ids and all(by_id.loc[i, "date"] < pd.Timestamp("2015-01-01") for i in ids)


def test_cma_command_errors_are_one_sentence(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["cma", str(missing), "--comps", str(missing), "--out", str(tmp_path / "o.csv")]) == 2
    assert "nope.csv was not found" in capsys.readouterr().err
    junk = tmp_path / "junk.csv"
    junk.write_text("a,b,c\n1,2,3\n")
    assert main(["cma", str(junk), "--comps", str(junk), "--out", str(tmp_path / "o.csv")]) == 2
    assert "no header row" in capsys.readouterr().err

"""Normalisation for imports: owner names, address match keys, phones, emails, file encodings and delimiters."""

from __future__ import annotations

import pytest

from leadtracker.importers import known_header_count
from leadtracker.importers.addresses import parse_address
from leadtracker.importers.contacts import checked_email, e164, pick_phones
from leadtracker.importers.ledger import Record, change_note, kept_note, last_imported, new_lead_note, read_note
from leadtracker.importers.names import split_owners
from leadtracker.importers.reading import read_file


@pytest.mark.parametrize("raw,owner,co_owner", [
    ("SMITH JOHN A & MARY B", "John A. Smith", "Mary B. Smith"),
    ("SMITH, JOHN", "John Smith", None),
    ("JOHN A SMITH ETUX", "John A. Smith", None),
    ("ESTATE OF ROBERT JONES", "Estate of Robert Jones", None),
    ("JONES ROBERT EST", "Estate of Robert Jones", None),
    ("JONES FAMILY LIVING TRUST", "Jones Family Living Trust", None),
    ("ACME HOLDINGS LLC", "Acme Holdings LLC", None),
    ("LINKER,JON J & AIMEE C", "Jon J. Linker", "Aimee C. Linker"),
    ("O'BRIEN PATRICK", "Patrick O'Brien", None),
    ("MCDONALD RONALD J JR", "Ronald J. McDonald Jr.", None),
    ("DELGADO-RUIZ CARLOS & ANA", "Carlos Delgado-Ruiz", "Ana Delgado-Ruiz"),
    ("VAN DER BERG PIETER", "Pieter Van Der Berg", None),
    ("SMITH JOHN A & JONES MARY B", "John A. Smith", "Mary B. Jones"),
    ("TAYLOR JAMES & LINDA & ROBERT", "James Taylor", "Linda Taylor & Robert Taylor"),
    ("JOHN & MARY SMITH", "John Smith", "Mary Smith"),
    ("ROBERTS DEBORAH K TR", "Deborah K. Roberts, Trustee", None),
    ("HERNANDEZ LUIS H/W", "Luis Hernandez", None),
    ("WELLS FARGO BANK NA", "Wells Fargo Bank NA", None),
    ("John and Mary Smith", "John Smith", "Mary Smith"),
    ("Avery Quill", "Avery Quill", None),  # already in normal case: kept as written
    ("=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", None),  # not reshaped; stored as text
    ("", None, None),
])
def test_owner_names_in_normal_case(raw, owner, co_owner):
    split = split_owners(raw)
    assert (split.owner, split.co_owner) == (owner, co_owner)


def test_first_and_last_name_columns_keep_their_order():
    assert split_owners("JOHN SMITH", first_name_first=True).owner == "John Smith"
    assert split_owners("MARY ELLEN VAN DER BERG", first_name_first=True).owner == "Mary Ellen Van Der Berg"
    assert split_owners("SMITH JOHN").owner == "John Smith"  # recorder's order without the hint


@pytest.mark.parametrize("variants", [
    ["123 North Main Street Apt 4", "123 N. MAIN ST #4", "123 n main st, unit 4", "123 N Main St # 04",
     "123 NORTH MAIN STREET APARTMENT 4"],
    ["4821 W Heron Point Blvd Unit 12B, Tampa, FL 33612-1234", "4821 WEST HERON POINT BOULEVARD #12B",
     "4821 W HERON POINT BLVD UNIT 12B"],
    ["77 FIRST AVE", "77 1st Avenue"],
    ["210 E 21ST ST #2", "210 East 21st Street Apartment 2"],
])
def test_spellings_of_one_address_share_one_key(variants):
    keys = {parse_address(v).key for v in variants}
    assert len(keys) == 1, keys


def test_units_tell_apart_homes_at_one_street_address():
    assert parse_address("55 Tidewater Way Unit 3").key != parse_address("55 Tidewater Way Unit 4").key
    assert parse_address("55 Tidewater Way Unit 3").key != parse_address("55 Tidewater Way").key
    assert parse_address("55 Tidewater Way Unit 3").unit == "3"


def test_a_one_line_address_is_split_and_shown_in_normal_case():
    address = parse_address("4821 W HERON POINT BLVD UNIT 12B, TAMPA, FL 33612")
    assert (address.line, address.city, address.state, address.zip) == (
        "4821 W Heron Point Blvd Unit 12B", "TAMPA", "FL", "33612")
    assert parse_address("210 E 21ST ST #2").line == "210 E 21st St #2"
    assert parse_address("123 n main st, unit 4").line == "123 n main st, unit 4"  # mixed case: as written
    assert not parse_address("Main Street").has_number


def test_phones_to_e164_and_what_is_not_a_phone():
    assert e164("(813) 555-0142") == ("+18135550142", None)
    assert e164("813.555.0142 x12")[0] == "+18135550142"
    number, note = e164("+44 20 7946 0958")
    assert number == "+442079460958" and "GB number, not a US one" in note
    assert e164("555-0199") == (None, "Phone '555-0199' is not a valid phone number")
    assert e164("=cmd|' /C calc'!A0")[0] is None
    picked = pick_phones([("813-555-0157", True), ("(813) 555-0142", False), ("call office", False)], False)
    assert (picked.phone, picked.phone2, picked.do_not_call) == ("+18135550142", None, False)
    only_dnc = pick_phones([("813-555-0157", True)], False)
    assert (only_dnc.phone, only_dnc.do_not_call) == ("+18135550157", True)
    invalid = pick_phones([("555-01", False)], False)
    assert invalid.phone == "555-01"  # kept as written so the refresh names it in Data Issues


def test_emails_are_checked_without_the_network():
    assert checked_email("John.Smith@Example.COM") == ("John.Smith@example.com", None)
    email, note = checked_email("owner at example.com")
    assert email is None and note.startswith("Email 'owner at example.com' is not an email address")


def test_ledger_notes_read_back_what_the_import_recorded():
    columns = {"Sale Date", "Loan Balance", "Lender"}
    note = new_lead_note("PropStream", "week12.csv row 4", "SMITH JOHN; MARY -> X",
                         {"Sale Date": "2027-01-15", "Loan Balance": "$245,000", "Lender": "A; B = C"})
    assert read_note(note, columns) == [("Sale Date", "2027-01-15", True), ("Loan Balance", "$245,000", True),
                                        ("Lender", "A, B C", True)]
    assert read_note(change_note("Sale Date", "2027-01-15", "2027-02-12"), columns) == [
        ("Sale Date", "2027-02-12", True)]
    assert read_note(change_note("Sale Date", None, "2027-02-12"), columns) == [("Sale Date", "2027-02-12", True)]
    for reason in ("changed by hand", "not set by an import", "only blanks are filled"):
        kept = kept_note("Lender", "Bank (of) X", "Bank Y", reason)
        assert kept == f"Lender: kept Bank (of) X ({reason}); list says Bank Y"
        assert read_note(kept, columns) == [("Lender", "Bank Y", False)]  # listed, not written into the cell
    assert read_note("Called, left a voicemail", columns) == []
    import datetime as dt

    import pandas as pd

    activity = pd.DataFrame([
        {"Timestamp": dt.datetime(2026, 11, 30), "Lead ID": "L-1", "Note": change_note("Sale Date", "a", "2027-03-01"),
         "Source": "import"},
        {"Timestamp": dt.datetime(2026, 11, 29), "Lead ID": "L-1", "Note": note, "Source": "import"},
        {"Timestamp": dt.datetime(2026, 12, 1), "Lead ID": "L-1", "Note": change_note("Sale Date", "a", "2027-04-01"),
         "Source": "quick-log"},  # not an import record
    ])
    activity.loc[len(activity)] = {"Timestamp": dt.datetime(2026, 12, 2), "Lead ID": "L-1", "Source": "import",
                                   "Note": kept_note("Sale Date", "2027-03-09", "2027-03-20")}
    found = last_imported(activity, columns)
    assert found[("L-1", "Sale Date")] == Record(written="2027-03-01", listed="2027-03-20")
    assert found[("L-1", "Loan Balance")] == Record("$245,000", "$245,000")


ROWS = [["Owner", "Property Address", "City", "State", "Zip"],
        ["PEÑA JOSÉ", "620 Bellevue Ave", "Largo", "FL", "33770"],
        ["GARCIA MARIA", "1450 Bayshore Dr", "Largo", "FL", "33770"]]


def _text(delimiter: str) -> str:
    return "".join(delimiter.join(row) + "\r\n" for row in ROWS)


@pytest.mark.parametrize("encoding,bom,label", [
    ("utf-8", b"", "UTF-8"), ("utf-8", b"\xef\xbb\xbf", "UTF-8 (with BOM)"), ("cp1252", b"", "Windows-1252"),
    ("utf-16", b"", "UTF-16"), ("utf-16-le", b"", "UTF-16"), ("utf-16-be", b"", "UTF-16"),
])
@pytest.mark.parametrize("delimiter,name", [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_encodings_and_delimiters(tmp_path, encoding, bom, label, delimiter, name):
    path = tmp_path / "list.csv"
    path.write_bytes(bom + _text(delimiter).encode(encoding))
    table = read_file(path, known_header_count)
    assert table.headers == tuple(ROWS[0])
    assert table.rows == [list(r) for r in ROWS[1:]]
    assert table.notes[0] == f"{label}, {name}-separated"


def test_junk_around_the_table_is_set_aside_with_reasons(tmp_path):
    path = tmp_path / "list.csv"
    lines = ["Leads export,,,,", "", ",".join(ROWS[0]), ",".join(ROWS[1]), "", ",,,,", ",".join(ROWS[0]),
             ",".join(ROWS[2]), "", "Page 1 of 1", "Generated by a county system"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_file(path, known_header_count)
    assert table.row_numbers == [4, 8]
    assert [(s.row, s.reason) for s in table.skipped] == [
        (1, "above the header row"), (7, "a repeated header row"),
        (10, "not a lead row (a note at the end of the file)"),
        (11, "not a lead row (a note at the end of the file)")]

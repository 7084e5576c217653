"""What a homeowner reads, checked as a homeowner reads it: articles, salutations from vendor name forms, kind words
that fit who the letter is to, the timeline's wording, addresses as typed in lower case, and the day's mailing list
when letters are written in more than one run."""

from __future__ import annotations

import csv
import email
from email import policy
from pathlib import Path

import pytest
from document_builders import TODAY, activity_rows, base_lead, workbook
from test_letters import docx_text

from leadtracker.documents.command import format_letters, run_emails, run_letters


def _letter(tmp_path: Path, lead: dict, step: str = "D1") -> str:
    report = run_letters(workbook([lead]), tmp_path / "w.xlsx", tmp_path / "out", steps=(step,),
                         lead_ids=(lead["Lead ID"],), today=TODAY, refresh=False)
    assert len(report.letters) == 1, report.skipped
    return " ".join(docx_text(report.letters[0]).split())


def _email(tmp_path: Path, lead: dict, step: str = "D1") -> email.message.EmailMessage:
    report = run_emails(workbook([lead]), tmp_path / "w.xlsx", tmp_path / "out", steps=(step,),
                        lead_ids=(lead["Lead ID"],), today=TODAY, refresh=False)
    assert len(report.drafts) == 1, report.skipped
    return email.message_from_bytes(report.drafts[0].read_bytes(), policy=policy.default)


def _bodies(message: email.message.EmailMessage) -> tuple[str, str]:
    return (" ".join(message.get_body(("plain",)).get_content().split()),
            " ".join(message.get_body(("html",)).get_content().split()))


# --- 1. "an email", "a letter" --------------------------------------------------------------------------------------

def test_day_one_email_says_an_email_and_the_letter_says_a_letter(tmp_path):
    text, html = _bodies(_email(tmp_path / "e", base_lead("L-1", "Oren Galloway")))
    for body in (text, html):
        assert "I know an email like this can be unwelcome" in body
        assert "a email" not in body
    letter = _letter(tmp_path / "l", base_lead("L-1", "Oren Galloway"))
    assert "I know a letter like this can be unwelcome, and I am sorry if this is a hard time for you and your " \
           "family." in letter


# --- 4. kind words that fit the addressee ---------------------------------------------------------------------------

def test_estate_representative_hears_sympathy_for_the_person_who_died(tmp_path):
    letter = _letter(tmp_path, base_lead("L-1", "ESTATE OF ROBERT L JONES"))
    assert "Dear Personal Representative of the Estate of Robert L. Jones," in letter
    assert "I know a letter like this can be unwelcome, and I am sorry for the loss of Robert L. Jones." in letter
    assert "you and your family" not in letter


def test_company_manager_is_not_offered_family_sympathy(tmp_path):
    letter = _letter(tmp_path / "d1", base_lead("L-1", "ACME HOLDINGS LLC"))
    assert "Dear Manager of Acme Holdings LLC," in letter
    assert "I know a letter like this can be unwelcome." in letter
    assert "family" not in letter and "hard time" not in letter
    later = _letter(tmp_path / "r", base_lead("L-1", "ACME HOLDINGS LLC"), step="R")
    assert "I wanted to check in. I hope all is well." in later and "family" not in later
    person = _letter(tmp_path / "p", base_lead("L-1", "Oren Galloway"), step="R")
    assert "I wanted to check in. I hope you and your family are well." in person


# --- 5. an address typed in lower case reads like one typed in capitals ---------------------------------------------

@pytest.mark.parametrize("street, city", [("12 n main st apt 4", "tampa"), ("12 N MAIN ST APT 4", "TAMPA")])
def test_lower_case_address_is_put_in_normal_case_like_capitals(tmp_path, street, city):
    lead = base_lead("L-1", "Oren Galloway", **{"Property Address": street, "City": city})
    message = _email(tmp_path / "e", lead, step="R")
    assert message["Subject"] == "Checking in about 12 N Main St Apt 4"
    letter = _letter(tmp_path / "l", lead, step="R")
    assert "12 N Main St Apt 4 Tampa, FL 33602" in letter
    assert "main st" not in letter and "tampa" not in letter


# --- 4. the timeline in the homeowner's words -----------------------------------------------------------------------

def test_timeline_says_what_sets_a_date_the_sheet_cannot_know(tmp_path):
    nj = _letter(tmp_path / "nj", base_lead("L-1", "Oren Galloway", State="NJ", City="Newark", ZIP="07102"), "D3")
    assert "Last day to catch up on payments | Set by the court at the final judgment | Cure until the final " \
           "judgment is entered (Fair Foreclosure Act)." in nj
    oh = _letter(tmp_path / "oh", base_lead("L-1", "Oren Galloway", State="OH", City="Columbus", ZIP="43215"), "D3")
    assert "Last day to catch up on payments | None set by law | No statutory reinstatement;" in oh
    assert "Buying the home back after the sale | Not known yet | It runs until the court confirms the sale, a date " \
           "I do not have yet." in oh
    for letter in (nj, oh):
        assert "sheet" not in letter and "computed" not in letter and "No date" not in letter
        assert "Unknown:" not in letter


def test_timeline_says_none_where_the_rule_says_there_is_no_redemption(tmp_path):
    ca = _letter(tmp_path, base_lead("L-1", "Oren Galloway", State="CA", City="Sacramento", ZIP="95814"), "D3")
    assert "Buying the home back after the sale | None after the sale | No redemption after a trustee's sale" in ca
    assert "Not known yet" not in ca


@pytest.mark.parametrize("state, city, zip_code", [("TX", "Houston", "77002"), ("NV", "Las Vegas", "89101"),
                                                   ("PA", "Philadelphia", "19103")])
def test_timeline_is_cautious_where_only_an_old_table_says_there_is_no_redemption(tmp_path, state, city, zip_code):
    letter = _letter(tmp_path, base_lead("L-1", "Oren Galloway", State=state, City=city, ZIP=zip_code), "D3")
    assert "Buying the home back after the sale | Not confirmed | Older tables say there is no right to buy the " \
           "home back after the sale, but I could not confirm this from a current source; a local real estate " \
           "attorney can tell you." in letter
    assert "None after the sale" not in letter


# --- 3. the day's mailing list and labels cover every letter written that day ---------------------------------------

def _mailing(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_second_run_the_same_day_adds_to_the_mailing_list_and_labels(tmp_path):
    from pypdf import PdfReader

    leads = [base_lead("L-1", "Oren Galloway"),
             base_lead("L-2", "Lavinia Dunmore", **{"Property Address": "9 Kestrel Ave"}),
             base_lead("L-3", "Thaddeus Quillfeather", **{"Property Address": "31 Osprey Ln"})]
    store = workbook(leads)
    first = run_letters(store, tmp_path / "w.xlsx", tmp_path, steps=("D1",), lead_ids=("L-1", "L-2"), today=TODAY,
                        refresh=False)
    assert len(first.letters) == 2
    second = run_letters(store, tmp_path / "w.xlsx", tmp_path, steps=("D3",), lead_ids=("L-2", "L-3"),
                         today=TODAY, refresh=False, pdf=True)
    assert second.mailing == first.mailing
    rows = _mailing(second.mailing)
    assert [(r["Lead ID"], r["Step"], r["Name"]) for r in rows] == [
        ("L-1", "D1", "OREN GALLOWAY"), ("L-2", "D1", "LAVINIA DUNMORE"), ("L-2", "D3", "LAVINIA DUNMORE"),
        ("L-3", "D3", "THADDEUS QUILLFEATHER")]
    labels = " ".join(page.extract_text() for page in PdfReader(str(second.labels)).pages)
    for line in ("OREN GALLOWAY", "4871 FERNLEAF AVE", "9 KESTREL AVE", "31 OSPREY LN", "TAMPA FL  33602"):
        assert line in labels
    assert labels.count("LAVINIA DUNMORE") == 2 and labels.count("TAMPA FL  33602") == 4
    assert "cover all 4 letters written today (2 from an earlier run, 2 from this one) and so does the PDF" in \
        format_letters(second)
    assert second.pdf_pages >= 4
    # the same letter again: its row is replaced, not repeated
    third = run_letters(store, tmp_path / "w.xlsx", tmp_path, steps=("D3",), lead_ids=("L-3",), today=TODAY,
                        refresh=False)
    assert [(r["Lead ID"], r["Step"]) for r in _mailing(third.mailing)] == [
        ("L-1", "D1"), ("L-2", "D1"), ("L-2", "D3"), ("L-3", "D3")]
    assert " ".join(p.extract_text() for p in PdfReader(str(third.labels)).pages).count("TAMPA FL  33602") == 4


def test_a_mailing_list_whose_columns_were_changed_is_kept_aside(tmp_path):
    store = workbook([base_lead("L-1", "Oren Galloway")])
    folder = tmp_path / f"letters-{TODAY.isoformat()}"
    folder.mkdir()
    mine = folder / f"mailing-{TODAY.isoformat()}.csv"
    mine.write_text("Who,Where\nMy own list,Somewhere\n", encoding="utf-8")
    report = run_letters(store, tmp_path / "w.xlsx", tmp_path, steps=("D1",), today=TODAY, refresh=False)
    assert report.set_aside is not None and report.set_aside.read_text(encoding="utf-8") == \
        "Who,Where\nMy own list,Somewhere\n"
    assert [r["Lead ID"] for r in _mailing(mine)] == ["L-1"]
    assert f"so it was kept as {report.set_aside.name}" in format_letters(report)


def test_mailing_cells_read_back_as_they_were_written(tmp_path):
    from leadtracker.documents.labels import mailing_csv, read_mailing_csv

    row = {"Lead ID": "L-1", "Step": "D1", "Letter": "x.docx",
           "Name": "=HYPERLINK(\"http://example.com\")", "Name 2": "'Tis Holdings", "Address": "-12 OAK ST",
           "City": "TAMPA", "State": "FL", "ZIP": "33602"}
    target = tmp_path / "mailing.csv"
    mailing_csv([row], target)
    assert _mailing(target)[0]["Name"].startswith("'=")  # a spreadsheet opens it as text
    back = read_mailing_csv(target)[0]
    assert (back["Name"], back["Name 2"], back["Address"]) == (row["Name"], "'Tis Holdings", "-12 OAK ST")


# --- 2. salutations from vendor name forms, in letters and in Today's text drafts ------------------------------------

@pytest.mark.parametrize("owner, salutation, text_greeting", [
    ("JOHN SMITH ET AL", "Dear John Smith,", "Hi John,"),
    ("JOHN DOE ESTATE", "Dear Personal Representative of the Estate of John Doe,", "Hello,"),
    ("JANE DOE LIFE EST", "Dear Jane Doe,", "Hi Jane,"),
    ("SMITH JOHN H/E", "Dear John Smith,", "Hi John,"),
    ("SMITH JOHN H/W", "Dear John Smith,", "Hi John,"),
    ("DR KAREN WHITE", "Dear Karen White,", "Hi Karen,"),
    ("Mr. John Smith", "Dear John Smith,", "Hi John,"),
    ("HEIRS OF JANE DOE", "Dear Heirs of Jane Doe,", "Hello,"),
    ("DOE JANE DECD", "Dear Personal Representative of the Estate of Jane Doe,", "Hello,"),
    ("JLM PROPERTIES LLC", "Dear Manager of JLM Properties LLC,", "Hello,"),
    # Vietnamese names put the family name first: Hoa is a given name here, not a homeowners' association, and Le a
    # family name, not a life estate
    ("NGUYEN THI HOA", "Dear Hoa Thi Nguyen,", "Hi Hoa,"),
    ("NGUYEN HOA THI", "Dear Hoa Thi Nguyen,", "Hi Hoa,"),
    ("TRAN THI HOA", "Dear Hoa Thi Tran,", "Hi Hoa,"),
    ("NGUYEN HOA", "Dear Hoa Nguyen,", "Hi Hoa,"),
    ("LE VAN NAM", "Dear Nam Van Le,", "Hi Nam,"),
    ("LE THI MAI", "Dear Mai Thi Le,", "Hi Mai,"),
    ("OAKWOOD HOA", "Dear Manager of Oakwood HOA,", "Hello,"),
    ("SMITH JOHN LE", "Dear John Smith,", "Hi John,"),
    ("PHAM LE", "Dear Le Pham,", "Hi Le,"),
])
def test_vendor_name_forms_read_as_a_homeowner_expects(owner, salutation, text_greeting):
    from leadtracker.documents.names import addressee
    from leadtracker.documents.sms import today_drafts

    assert addressee(owner).salutation == salutation
    [draft] = today_drafts([owner], [None], ["12 Elm St"], ["Tampa"], ["D2"], "Jordan Avery", "")
    assert draft.startswith(f"{text_greeting} this is Jordan Avery")


def test_deceased_owners_letter_goes_to_the_estate_with_sympathy(tmp_path):
    letter = _letter(tmp_path, base_lead("L-1", "DOE JANE DECD"))
    assert "Dear Personal Representative of the Estate of Jane Doe," in letter
    assert "I am sorry for the loss of Jane Doe." in letter and "Dear Jane Doe" not in letter


def test_markup_in_a_name_is_printed_literally_never_split_at_its_slash(tmp_path):
    owner = "Tom <b>Rivers</b> & Jerry \"Jo\" O'Hara"
    letter = _letter(tmp_path / "l", base_lead("L-1", owner))
    assert "Dear Tom <b>Rivers</b> and Jerry \"Jo\" O'Hara," in letter
    assert "<, b>" not in letter and "Rivers<" not in letter.replace("Rivers</b>", "")
    text, html = _bodies(_email(tmp_path / "e", base_lead("L-1", owner)))
    assert "Dear Tom <b>Rivers</b> and Jerry \"Jo\" O'Hara," in text
    assert "Dear Tom &lt;b&gt;Rivers&lt;/b&gt; and Jerry &#34;Jo&#34; O&#39;Hara," in html


# --- review 4: titles and marks only in people's names; the living co-owner; Excel's re-saved mailing list -----------

@pytest.mark.parametrize("owner, salutation, label", [
    ("DR HORTON INC", "Dear Manager of Dr Horton Inc.,", ("DR HORTON INC", "ATTN MANAGER")),
    ("MS PROPERTIES LLC", "Dear Manager of Ms Properties LLC,", ("MS PROPERTIES LLC", "ATTN MANAGER")),
    ("MR BIG LLC", "Dear Manager of Mr Big LLC,", ("MR BIG LLC", "ATTN MANAGER")),
    ("PROF HOLDINGS LLC", "Dear Manager of Prof Holdings LLC,", ("PROF HOLDINGS LLC", "ATTN MANAGER")),
    ("HW PROPERTIES LLC", "Dear Manager of HW Properties LLC,", ("HW PROPERTIES LLC", "ATTN MANAGER")),
    ("H&W PROPERTIES LLC", "Dear Manager of H&W Properties LLC,", ("H&W PROPERTIES LLC", "ATTN MANAGER")),
    ("MT VERNON LLC", "Dear Manager of Mt Vernon LLC,", ("MT VERNON LLC", "ATTN MANAGER")),
    ("ST JOHN LLC", "Dear Manager of St John LLC,", ("ST JOHN LLC", "ATTN MANAGER")),
    ("EST OF J SMITH", "Dear Personal Representative of the Estate of J. Smith,",
     ("PERSONAL REPRESENTATIVE", "ESTATE OF J SMITH")),
    ("MRS SMITH", "Dear Mrs. Smith,", ("MRS SMITH",)),
    ("MR & MRS JOHN SMITH", "Dear Mr. and Mrs. Smith,", ("MR AND MRS JOHN SMITH",)),
    ("SMITH JOHN DECD & MARY", "Dear Mary Smith,", ("MARY SMITH",)),
    ("SMITH JOHN ESTATE & MARY SMITH", "Dear Mary Smith,", ("MARY SMITH",)),
    # fixed earlier: still so
    ("PMJ LLC", "Dear Manager of PMJ LLC,", ("PMJ LLC", "ATTN MANAGER")),
    ("DR KAREN WHITE", "Dear Karen White,", ("KAREN WHITE",)),
    ("ESTATE OF SMITH JOHN", "Dear Personal Representative of the Estate of John Smith,",
     ("PERSONAL REPRESENTATIVE", "ESTATE OF JOHN SMITH")),
    ("SMITH JOHN & DR MARY", "Dear John and Mary Smith,", ("JOHN AND MARY SMITH",)),
])
def test_titles_and_marks_are_read_only_in_peoples_names(owner, salutation, label):
    from leadtracker.documents.names import addressee

    who = addressee(owner)
    assert (who.salutation, who.label_lines) == (salutation, label)


def test_a_couple_by_the_husbands_name_is_greeted_as_a_couple(tmp_path):
    letter = _letter(tmp_path, base_lead("L-1", "MR & MRS JOHN SMITH"))
    assert "Mr. and Mrs. John Smith 4871 Fernleaf Ave" in letter  # the inside address
    assert "Dear Mr. and Mrs. Smith," in letter and "Dear John Smith" not in letter


def test_a_deceased_owner_sharing_the_cell_is_not_greeted(tmp_path):
    letter = _letter(tmp_path, base_lead("L-1", "SMITH JOHN DECD & MARY"))
    assert "Dear Mary Smith," in letter
    assert "John" not in letter.split("Dear Mary Smith,")[0]  # neither in the address nor in the greeting


def test_a_mailing_list_re_saved_in_excel_is_read_back_with_its_accents_and_zip(tmp_path):
    from pypdf import PdfReader

    store = workbook([base_lead("L-1", "José Peña", **{"Property Address": "12 Elm St", "City": "Boston",
                                                       "State": "MA", "ZIP": "02134"}),
                      base_lead("L-2", "Oren Galloway")])
    first = run_letters(store, tmp_path / "w.xlsx", tmp_path, steps=("D1",), lead_ids=("L-1",), today=TODAY,
                        refresh=False)
    # Excel's "CSV (Comma delimited)": Windows-1252, no byte-order mark, the ZIP read as the number 2134
    text = first.mailing.read_text(encoding="utf-8-sig")
    assert ",02134," in text
    first.mailing.write_bytes(text.replace(",02134,", ",2134,").encode("cp1252"))
    second = run_letters(store, tmp_path / "w.xlsx", tmp_path, steps=("D1",), lead_ids=("L-2",), today=TODAY,
                         refresh=False)
    assert not second.mailing_problem
    rows = _mailing(second.mailing)
    assert [(r["Lead ID"], r["Name"], r["ZIP"]) for r in rows] == [("L-1", "JOSÉ PEÑA", "02134"),
                                                                   ("L-2", "OREN GALLOWAY", "33602")]
    labels = " ".join(page.extract_text() for page in PdfReader(str(second.labels)).pages)
    assert "JOSÉ PEÑA" in labels and "BOSTON MA  02134" in labels and "TAMPA FL  33602" in labels
    assert {r["Lead ID"] for r in activity_rows(store) if r["Channel"] == "Letter"} == {"L-1", "L-2"}


def test_letters_are_logged_even_when_the_mailing_list_cannot_be_written(tmp_path):
    store = workbook([base_lead("L-1", "Oren Galloway")])
    folder = tmp_path / f"letters-{TODAY.isoformat()}"
    (folder / f"mailing-{TODAY.isoformat()}.csv").mkdir(parents=True)  # a folder where the list goes: cannot write
    report = run_letters(store, tmp_path / "w.xlsx", tmp_path, steps=("D1",), today=TODAY, refresh=False)
    assert len(report.letters) == 1 and report.letters[0].is_file()
    assert [(r["Lead ID"], r["Step"], r["Outcome"]) for r in activity_rows(store) if r["Channel"] == "Letter"] == [
        ("L-1", "D1", "Sent")]
    message = format_letters(report)
    assert "the mailing list and labels could not be made" in message
    assert "written and logged in Activity, so they will not be written again" in message
    again = run_letters(store, tmp_path / "w.xlsx", tmp_path, steps=("D1",), today=TODAY, refresh=False)
    assert again.letters == []  # no second mailing of the same letter

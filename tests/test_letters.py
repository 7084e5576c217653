"""Letters: every template for owners of every kind, read back as a homeowner would read them; safe rendering of
hostile cell values; every .docx opened by python-docx and converted by LibreOffice; labels, mailing list, Activity
rows, and nothing logged twice."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from document_builders import (HOSTILE_BROKERAGE, HOSTILE_CO_OWNER, HOSTILE_OWNER, HOSTILE_STORY, HOSTILE_STREET,
                               TODAY, activity_rows, base_lead, stories_rows, touch, varied_leads, workbook)
from lxml import etree

from leadtracker.documents.command import format_letters, run_letters
from leadtracker.documents.pdf import convert_to_pdf, find_soffice
from leadtracker.errors import UsageError

STEPS = ("D1", "D3", "D4", "D5", "D6", "D7", "N", "R")
TEMPLATE = {"D1": "d1_intro", "D3": "d3_cma", "D4": "d4_meeting", "D5": "d5_options", "D6": "d6_questions",
            "D7": "d7_recap", "N": "nurture", "R": "reengage"}
# What each owner cell must read as somewhere in the letter (the names a homeowner expects to see)
OWNER_WORDS = {
    "L-1": ["John", "Mary", "Smithers"], "L-2": ["John Quillon", "Mary Jonesby"],
    "L-3": ["Estate of Robert Fairweather", "Personal Representative"],
    "L-4": ["Pemberton Family Living Trust", "Deborah", "Trustee"], "L-5": ["A&B Holdings LLC", "Manager"],
    "L-6": ["John Quince"], "L-7": ["Thanh Nguyenson"], "L-8": ["Pieter", "Anna", "Van Der Bergen"],
}
SALUTATIONS = {
    "L-1": "Dear John and Mary Smithers,", "L-2": "Dear John Quillon and Mary Jonesby,",
    "L-3": "Dear Personal Representative of the Estate of Robert Fairweather,",
    "L-4": "Dear Deborah Pemberton, Trustee of the Pemberton Family Living Trust,",
    "L-5": "Dear Manager of A&B Holdings LLC,", "L-6": "Dear John Quince,", "L-7": "Dear Thanh Nguyenson,",
    "L-8": "Dear Pieter and Anna Van Der Bergen,",
}
UPPER_CELLS = ("SMITHERS", "FAIRWEATHER", "PEMBERTON", "QUINCE", "BERGEN", "DEBORAH")
ALLOWED_CAPS = {"HUD", "LLC", "CFR", "ZIP", "MLS", "FL", "TX", "CA", "AZ", "GA", "MI", "WA", "NJ", "II", "AM", "PM",
                "EST", "EDT", "CST", "CDT", "MST", "PST", "SL", "IRS"}


def docx_text(path: Path, tables: bool = True) -> str:
    """Everything a reader sees: header, body paragraphs and tables, footer."""
    document = Document(str(path))
    parts = []
    section = document.sections[0]
    for table in section.header.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    parts += [p.text for p in document.paragraphs]
    for table in document.tables if tables else ():
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def all_letters(tmp_path_factory):
    """Every template for every varied lead (named leads with --step), in one workbook."""
    out = tmp_path_factory.mktemp("letters")
    store = workbook(varied_leads(), stories=stories_rows())
    written: dict[tuple[str, str], Path] = {}
    for step in STEPS:
        report = run_letters(store, out / "w.xlsx", out / step, steps=(step,),
                             lead_ids=tuple(OWNER_WORDS), today=TODAY, refresh=False)
        assert not report.skipped, report.skipped
        for path in report.letters:
            lead = path.name.split("_")[1]
            written[(lead, step)] = path
    return written


def test_every_template_for_every_owner(all_letters):
    assert set(all_letters) == {(lead, step) for lead in OWNER_WORDS for step in STEPS}
    for (lead, step), path in all_letters.items():
        assert path.name == f"2026-11-29_{lead}_{step}_{TEMPLATE[step]}.docx"


@pytest.mark.parametrize("step", STEPS)
def test_text_checks(all_letters, step):
    for lead in OWNER_WORDS:
        text = docx_text(all_letters[(lead, step)])
        where = f"{lead} {step}"
        assert SALUTATIONS[lead] in text, where
        for words in OWNER_WORDS[lead]:
            assert words in text, (where, words)
        assert "Homeowner," not in text and "Dear Homeowner" not in text, where
        for word in UPPER_CELLS:  # owner names as vendors write them never reach the page
            assert not re.search(rf"\b{word}\b", text), (where, word)
        prose = "\n".join(line for line in docx_text(all_letters[(lead, step)], tables=False).split("\n")
                          if not line.startswith("Sources: "))  # the timeline and its sources cite statutes (MCL)
        shouting = {w for w in re.findall(r"\b[A-Z]{2,}\b", prose)} - ALLOWED_CAPS
        assert not shouting, (where, shouting)
        for placeholder in ("{{", "}}", "{%", "%}", "{#"):
            assert placeholder not in text, (where, placeholder)
        # a value that leaked as Python's None; "None after the sale" / "None set by law" are the timeline's words
        assert not re.search(r"\b(None|nan|NaN|NaT|null)\b(?! after the sale| set by law)", text), where
        # money: every amount is "$" and grouped digits; no raw floats
        for amount in re.findall(r"\$\S+", text):
            assert re.fullmatch(r"\$\d{1,3}(,\d{3})*[.,;:)]?", amount), (where, amount)
        assert not re.search(r"\b\d{4,}\.\d+\b", re.sub(r"CFR \d+\.\d+", "", text)), where  # 250000.0
        assert not re.search(r"\b\d{6,}\b", text.replace("3748", "")), where
        # dates written out: never 2026-11-29 or 11/29/2026
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", text), where
        assert "November 29, 2026" in text, where
        assert "Jordan Avery" in text and "400 Harbor Point Blvd" in text, where


def test_letters_say_who_the_agent_is_not(all_letters):
    for (lead, step), path in all_letters.items():
        text = docx_text(all_letters[(lead, step)])
        assert "not your lender" in text and "government agency" in text, (lead, step)
    options = docx_text(all_letters[("L-1", "D5")])
    assert "I cannot stop or postpone a foreclosure" in options
    for (lead, step), path in all_letters.items():
        text = docx_text(path).casefold()
        for promise in ("stop your foreclosure", "save your home", "guarantee", "we can stop"):
            assert promise not in text, (lead, step, promise)


def test_cma_letter_has_the_range_the_comps_and_the_timeline(all_letters):
    text = docx_text(all_letters[("L-1", "D3")])
    found = re.search(r"between (\$[\d,]+) and (\$[\d,]+) in today's market, most likely around (\$[\d,]+)", text)
    assert found, text
    low, high, mid = (int(v.strip("$").replace(",", "")) for v in found.groups())
    assert low < mid < high and 250_000 < mid < 350_000
    assert "100 Heron Point Way | Sold | September 1, 2026 | $295,000" in text
    assert "Foreclosure sale | January 12, 2027" in text
    assert "The foreclosure sale of your home is scheduled for January 12, 2027, 44 days from now." in text
    assert "12 CFR 1024.41(f) (Regulation X)" in text  # the timeline's sources are named
    # a lead with no sale date gets an honest estimate or "not set", never a made-up date
    ca = docx_text(all_letters[("L-3", "D3")])
    assert "No sale date has been set yet." in ca
    nj = docx_text(all_letters[("L-8", "D3")])
    assert "No foreclosure sale date has been set yet, and none can be worked out from the dates on file." in nj
    # without coordinates the CMA says so plainly instead of inventing a value
    wa = docx_text(all_letters[("L-7", "D3")])
    assert "I do not yet have enough recent sales near your home" in wa and "between $" not in wa


def test_options_letter_shows_their_own_net_sheet(all_letters):
    text = docx_text(all_letters[("L-1", "D5")])
    assert "Loan balance | -$210,000" in text
    assert re.search(r"Commission \(6%\) \| -\$[\d,]+", text)
    assert re.search(r"What you could keep \(estimate\) \| \$[\d,]+", text)
    assert "A sale at today's value could leave you about $" in text
    underwater = docx_text(all_letters[("L-4", "D5")])
    assert re.search(r"Shortfall \(estimate\) \| -\$[\d,]+", underwater)
    assert "short of what is owed" in underwater
    unknown = docx_text(all_letters[("L-3", "D5")])
    assert "I do not know your loan balance" in unknown


def test_meeting_letter_offers_two_times_on_different_days(all_letters):
    text = docx_text(all_letters[("L-1", "D4")])
    times = re.findall(r"((Monday|Tuesday|Wednesday|Thursday|Friday), (December|November) (\d+) at (\d+:\d\d [AP]M) "
                       r"E[SD]T)", text)
    assert len(times) == 2, text
    assert times[0][3] != times[1][3]
    # a letter takes days to arrive, so its times come after the three business days following today
    assert all(int(t[3]) >= 3 for t in times if t[2] == "December")
    # Arizona does not observe daylight time: the owner's clock is shown (MST), when the time zones are known
    arizona = docx_text(all_letters[("L-4", "D4")])
    assert re.search(r"at \d+:\d\d [AP]M (MST|EST)", arizona)


def test_questions_letter_uses_stories_that_are_switched_on(all_letters):
    text = docx_text(all_letters[("L-1", "D6")])
    assert "A short sale that worked: A couple two streets over sold" in text
    assert "More time: A widow caught up" in text
    assert "switched off" not in text
    assert "Names and details are left out to protect their privacy." in text


def test_hostile_values_appear_literally_and_every_letter_opens(tmp_path):
    leads = [base_lead("L-9", HOSTILE_OWNER, **{"Co-Owner Name": HOSTILE_CO_OWNER,
                                                 "Property Address": HOSTILE_STREET})]
    stories = [["Title", "Story", "Use"], ["Injected <b>", HOSTILE_STORY, "Yes"]]
    store = workbook(leads, settings={"Brokerage": HOSTILE_BROKERAGE}, stories=stories)
    paths = []
    for step in STEPS:
        report = run_letters(store, tmp_path / "w.xlsx", tmp_path / step, steps=(step,), lead_ids=("L-9",),
                             today=TODAY, refresh=False)
        paths += report.letters
    assert len(paths) == len(STEPS)
    for path in paths:
        import zipfile

        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if name.endswith(".xml"):
                    etree.fromstring(package.read(name))  # strict: well-formed XML in every part
        text = docx_text(path)
        assert 'Ann "Annie" O\'Neil-Brackett <ann>' in text, path.name
        assert "{{ agent.name }} {% if true %}Jr{% endif %}" in text, path.name  # printed, not run
        assert HOSTILE_STREET in text, path.name
        assert HOSTILE_BROKERAGE in text, path.name
        assert "49" not in re.findall(r"\b49\b", text)  # {{ 7*7 }} in a cell is never evaluated
    story = docx_text(next(p for p in paths if "_D6_" in p.name))
    assert "Injected <b>: " + HOSTILE_STORY in story
    # LibreOffice opens every one and turns it into a PDF that still says what the cells say
    pdfs = convert_to_pdf(paths, tmp_path / "pdf")
    assert [p.stem for p in pdfs] == [p.stem for p in paths]
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = " ".join(text.split())
        assert "<ann>" in flat and "O'Neil-Brackett" in flat, pdf.name
        assert "{{ agent.name }}" in flat and "12 <Main> & Oak St" in flat, pdf.name


def test_all_generated_letters_convert_in_libreoffice(all_letters, tmp_path):
    assert find_soffice(), "LibreOffice (soffice) must be installed for this test: apt-get install " \
                           "libreoffice-writer-nogui"
    paths = sorted(all_letters.values())
    for path in paths:
        Document(str(path))  # python-docx opens each one
    pdfs = convert_to_pdf(paths, tmp_path)
    assert len(pdfs) == len(paths) == 64
    from pypdf import PdfReader

    for pdf in pdfs:
        reader = PdfReader(str(pdf))
        assert 1 <= len(reader.pages) <= 4, pdf.name
        first = reader.pages[0].extract_text()
        assert "Jordan Avery" in first and "Harbor Point Realty" in first, pdf.name


# --- the command on a workbook ---------------------------------------------------------------------------------------

def test_due_letters_are_written_logged_once_and_labelled(tmp_path):
    leads = varied_leads()[:3] + [
        base_lead("L-20", "Lavinia Dunmore", **{"Do Not Mail": "Yes", "Phone": None}),
        base_lead("L-21", None, **{"Co-Owner Name": None}),
        base_lead("L-22", "Oren Galloway", **{"Email": None}),
    ]
    activity = [touch("L-22", "D1", 3), touch("L-22", "D2", 2, channel="Call", outcome="Spoke")]
    store = workbook(leads, activity)
    report = run_letters(store, tmp_path / "w.xlsx", tmp_path, today=TODAY, pdf=True)
    names = sorted(p.name for p in report.letters)
    assert names == sorted(["2026-11-29_L-1_D1_d1_intro.docx", "2026-11-29_L-2_D1_d1_intro.docx",
                            "2026-11-29_L-22_D3_d3_cma.docx", "2026-11-29_L-3_D1_d1_intro.docx"])
    reasons = {s.lead_id: s.reason for s in report.skipped}
    assert reasons["L-20"] == "letter not allowed: Do Not Mail"
    assert reasons["L-21"].startswith("Owner Name is blank")
    # Activity: one row per letter, Ref = the file
    rows = [r for r in activity_rows(store) if r["Source"] == "letters"]
    assert sorted(r["Ref"] for r in rows) == names
    assert {(r["Channel"], r["Outcome"], r["Direction"]) for r in rows} == {("Letter", "Sent", "Outbound")}
    assert report.logged == 4
    # the print-ready PDF: one letter after another
    from pypdf import PdfReader

    assert report.pdf is not None and len(PdfReader(str(report.pdf)).pages) == report.pdf_pages >= 4
    # the mailing list goes to the Mailing Address of the absentee owner, USPS style
    with open(report.mailing, encoding="utf-8-sig", newline="") as handle:
        mailing = {row["Lead ID"]: row for row in csv.DictReader(handle)}
    assert mailing["L-2"]["Address"] == "500 W ELM AVE STE 200"
    assert (mailing["L-2"]["City"], mailing["L-2"]["State"], mailing["L-2"]["ZIP"]) == ("AUSTIN", "TX", "78701")
    assert mailing["L-2"]["Name"] == "JOHN QUILLON AND MARY JONESBY"
    assert mailing["L-3"]["Name"] == "PERSONAL REPRESENTATIVE" and mailing["L-3"]["Name 2"] == \
        "ESTATE OF ROBERT FAIRWEATHER"
    from pypdf import PdfReader as Reader

    labels = Reader(str(report.labels)).pages[0].extract_text()
    assert "500 W ELM AVE STE 200" in labels and "AUSTIN TX  78701" in labels
    # the refresh after it moved every lead on: the same letters are not due again today
    again = run_letters(store, tmp_path / "w.xlsx", tmp_path, today=TODAY)
    assert again.letters == [] and again.logged == 0
    assert "No letters" in format_letters(again)
    # asking for the same letter again writes it, but logs nothing twice
    named = run_letters(store, tmp_path / "w.xlsx", tmp_path, steps=("D1",), lead_ids=("L-1",), today=TODAY)
    assert [p.name for p in named.letters] == ["2026-11-29_L-1_D1_d1_intro.docx"]
    assert named.logged == 0 and named.already_logged == 1
    assert len([r for r in activity_rows(store) if r["Source"] == "letters"]) == 4


def test_letters_need_the_agents_name(tmp_path):
    store = workbook(varied_leads()[:1], settings={"Agent Name": None})
    with pytest.raises(UsageError, match="Agent Name is blank"):
        run_letters(store, tmp_path / "w.xlsx", tmp_path, today=TODAY)


def test_agent_template_folder_overrides_one_file(tmp_path):
    folder = tmp_path / "my templates"
    folder.mkdir()
    document = Document()
    document.add_paragraph("{{ owner.salutation }}")
    document.add_paragraph("My own words for {{ home.street }}.")
    document.save(str(folder / "d1_intro.docx"))
    store = workbook(varied_leads()[:1], settings={"Template Folder": str(folder)})
    report = run_letters(store, tmp_path / "w.xlsx", tmp_path / "out", steps=("D1",), lead_ids=("L-1",),
                         today=TODAY, refresh=False)
    assert docx_text(report.letters[0]).split("\n")[:2] == ["Dear John and Mary Smithers,",
                                                            "My own words for 4871 Fernleaf Ave."]
    other = run_letters(store, tmp_path / "w.xlsx", tmp_path / "out3", steps=("D3",), lead_ids=("L-1",),
                        today=TODAY, refresh=False)
    assert "market analysis" in docx_text(other.letters[0])  # the built-in template for the others
    # a typo in the agent's template stops with the file's name, not a blank in the letter
    bad = Document()
    bad.add_paragraph("{{ owner.salutaton }}")
    bad.save(str(folder / "d1_intro.docx"))
    with pytest.raises(UsageError, match=r"your template .*d1_intro\.docx uses a field I do not have"):
        run_letters(store, tmp_path / "w.xlsx", tmp_path / "out2", steps=("D1",), lead_ids=("L-1",), today=TODAY,
                    refresh=False)


def test_committed_templates_are_what_the_script_builds():
    from leadtracker.documents.build_templates import built_files, default_root

    root = default_root()
    for relative, data in built_files().items():
        assert (root / relative).read_bytes() == data, f"{relative} is stale: run python -m " \
                                                       "leadtracker.documents.build_templates"


def test_the_cli_on_a_real_workbook(tmp_path, capsys, monkeypatch):
    from openpyxl import load_workbook

    from leadtracker.cli import main
    from leadtracker.demo import write_demo_workbook

    book = tmp_path / "MyLeads.xlsx"
    write_demo_workbook(book, TODAY)
    assert main(["letters", str(book), "--out", str(tmp_path / "out"), "--today", "2026-11-29", "--pdf"]) == 0
    printed = capsys.readouterr().out
    count = int(re.search(r"Wrote (\d+) letters", printed).group(1))
    assert count >= 5 and "print-ready PDF: letters-2026-11-29.pdf" in printed
    folder = tmp_path / "out" / "letters-2026-11-29"
    assert len(list(folder.glob("*.docx"))) == count and (folder / "labels-2026-11-29.pdf").is_file()
    sheet = load_workbook(book)["Activity"]
    headers = [c.value for c in sheet[1]]
    logged = [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    letters = [row for row in logged if row["Source"] == "letters"]
    assert len(letters) == count and {row["Ref"] for row in letters} == {p.name for p in folder.glob("*.docx")}
    assert main(["letters", str(book), "--out", str(tmp_path / "out"), "--today", "2026-11-29"]) == 0
    assert "No letters" in capsys.readouterr().out
    # emails as drafts, from the same workbook
    assert main(["emails", str(book), "--out", str(tmp_path / "out"), "--today", "2026-11-29"]) == 0
    printed = capsys.readouterr().out
    drafts = list((tmp_path / "out" / "emails-2026-11-29").glob("*.eml"))
    assert drafts and f"Wrote {len(drafts)} email draft" in printed
    assert (tmp_path / "MyLeads.email-log.jsonl").is_file()
    # a named lead that is not there, and a clear word when LibreOffice is missing
    assert main(["letters", str(book), "--out", str(tmp_path / "x"), "--lead", "L-9999", "--today",
                 "2026-11-29"]) == 0
    assert "L-9999: no lead with this Lead ID on the Leads sheet" in capsys.readouterr().out
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))  # the real lookup, with nothing to find
    monkeypatch.setattr("leadtracker.documents.pdf.KNOWN_PLACES", ())
    assert main(["letters", str(book), "--out", str(tmp_path / "y"), "--pdf"]) == 2
    assert "--pdf needs LibreOffice, which is not installed" in capsys.readouterr().err


def test_the_logo_from_settings_is_in_the_letterhead(tmp_path):
    import zipfile

    from PIL import Image

    Image.new("RGB", (120, 40), (31, 56, 100)).save(tmp_path / "logo.png")
    store = workbook(varied_leads()[:1], settings={"Logo": "logo.png"})  # beside the workbook
    report = run_letters(store, tmp_path / "MyLeads.xlsx", tmp_path / "out", today=TODAY, refresh=False)
    with zipfile.ZipFile(report.letters[0]) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        header_rels = package.read("word/_rels/header1.xml.rels").decode()
    assert len(media) == 1 and "image" in header_rels
    pdf = convert_to_pdf(report.letters, tmp_path / "pdf")[0]
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) >= 3  # the header lines of pdfimages, and the logo
    missing = workbook(varied_leads()[:1], settings={"Logo": "nowhere.png"})
    with pytest.raises(UsageError, match="Logo 'nowhere.png' is not a picture file I can find"):
        run_letters(missing, tmp_path / "MyLeads.xlsx", tmp_path / "out2", today=TODAY, refresh=False)

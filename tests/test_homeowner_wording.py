"""What a homeowner reads, checked as a homeowner reads it: articles, salutations from vendor name forms, kind words
that fit who the letter is to, the timeline's wording, addresses as typed in lower case, and the day's mailing list
when letters are written in more than one run."""

from __future__ import annotations

import csv
import email
from email import policy
from pathlib import Path

import pytest
from document_builders import TODAY, base_lead, workbook
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


# --- 1. "an email", "a letter" ---------------------------------------------------------------------------------------

def test_day_one_email_says_an_email_and_the_letter_says_a_letter(tmp_path):
    text, html = _bodies(_email(tmp_path / "e", base_lead("L-1", "Oren Galloway")))
    for body in (text, html):
        assert "I know an email like this can be unwelcome" in body
        assert "a email" not in body
    letter = _letter(tmp_path / "l", base_lead("L-1", "Oren Galloway"))
    assert "I know a letter like this can be unwelcome, and I am sorry if this is a hard time for you and your " \
           "family." in letter


# --- 4. kind words that fit the addressee ----------------------------------------------------------------------------

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


# --- 5. an address typed in lower case reads like one typed in capitals -----------------------------------------------

@pytest.mark.parametrize("street, city", [("12 n main st apt 4", "tampa"), ("12 N MAIN ST APT 4", "TAMPA")])
def test_lower_case_address_is_put_in_normal_case_like_capitals(tmp_path, street, city):
    lead = base_lead("L-1", "Oren Galloway", **{"Property Address": street, "City": city})
    message = _email(tmp_path / "e", lead, step="R")
    assert message["Subject"] == "Checking in about 12 N Main St Apt 4"
    letter = _letter(tmp_path / "l", lead, step="R")
    assert "12 N Main St Apt 4 Tampa, FL 33602" in letter
    assert "main st" not in letter and "tampa" not in letter


# --- 4. the timeline in the homeowner's words ---------------------------------------------------------------------------

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

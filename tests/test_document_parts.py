"""The parts of letters and emails, one at a time: salutations, USPS addresses, meeting times and invites, labels,
the sandboxed renderer, Message-IDs, settings, and the installed package carrying the templates."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from leadtracker.documents.addresses import mailing_address, usps_delivery_line
from leadtracker.documents.labels import AVERY_5160, Label, labels_pdf
from leadtracker.documents.mail import message_id_for
from leadtracker.documents.meetings import SlotBook, business_days, invite, meeting_slots
from leadtracker.documents.names import addressee
from leadtracker.documents.templates import EmailTemplate, TemplateProblem, TemplateSource, environment
from leadtracker.documents.text import csv_safe, long_date, money
from leadtracker.settings import Settings, parse_settings

ROOT = Path(__file__).resolve().parent.parent
NY, CHICAGO, PHOENIX, LA = (ZoneInfo(z) for z in ("America/New_York", "America/Chicago", "America/Phoenix",
                                                    "America/Los_Angeles"))


@pytest.mark.parametrize("owner, co_owner, salutation", [
    ("John A. Smith", "Mary B. Smith", "Dear John and Mary Smith,"),
    ("SMITH JOHN A & MARY B", None, "Dear John and Mary Smith,"),
    ("John and Mary Smith", None, "Dear John and Mary Smith,"),
    ("SMITH JOHN", "MARY", "Dear John and Mary Smith,"),
    ("John Smith", "Mary Jones", "Dear John Smith and Mary Jones,"),
    ("JOHN SMITH & MARY JONES", None, "Dear John Smith and Mary Jones,"),
    ("JOHN SMITH", None, "Dear John Smith,"),  # given name first, as probablepeople reads it
    ("SMITH JOHN", None, "Dear John Smith,"),  # the recorder's order
    ("JOHN A SMITH ETUX", None, "Dear John Smith,"),
    ("SMITH JOHN JR & JANE", None, "Dear John Smith Jr. and Jane Smith,"),
    ("ESTATE OF ROBERT JONES", None, "Dear Personal Representative of the Estate of Robert Jones,"),
    ("JONES ROBERT ESTATE", None, "Dear Personal Representative of the Estate of Robert Jones,"),
    ("JONES FAMILY LIVING TRUST", None, "Dear Trustee of the Jones Family Living Trust,"),
    ("JONES FAMILY LIVING TRUST", "DEBORAH K JONES TR",
     "Dear Deborah Jones, Trustee of the Jones Family Living Trust,"),
    ("The Jones Trust", None, "Dear Trustee of the Jones Trust,"),
    ("ACME HOLDINGS LLC", None, "Dear Manager of Acme Holdings LLC,"),
    ("A&B PROPERTIES INC", None, "Dear Manager of A&B Properties Inc.,"),
    ("O'BRIEN PATRICK", None, "Dear Patrick O'Brien,"),
    ("VAN DER BERG PIETER & ANNA", None, "Dear Pieter and Anna Van Der Berg,"),
    ("Ana María López-García", None, "Dear Ana María López-García,"),
])
def test_salutations(owner, co_owner, salutation):
    who = addressee(owner, co_owner)
    assert who.salutation == salutation
    assert "Homeowner" not in who.salutation
    assert who.salutation == who.salutation.strip()


def test_no_name_is_no_salutation_never_dear_homeowner():
    for blank in (None, "", "   ", float("nan")):
        assert addressee(blank, None).blank
    assert not addressee(None, "Mary Smith").blank  # a co-owner alone is still someone to write to


def test_addressee_lines():
    household = addressee("SMITH JOHN A & MARY B")
    assert household.names == ("John A. Smith", "Mary B. Smith")
    assert household.address_lines == ("John and Mary Smith",)
    assert household.label_lines == ("JOHN AND MARY SMITH",)
    assert household.greeting_name == "John and Mary"
    mixed = addressee("John Smith", "Mary Jones")
    assert mixed.address_lines == ("John Smith", "Mary Jones")
    estate = addressee("ESTATE OF ROBERT JONES")
    assert estate.label_lines == ("PERSONAL REPRESENTATIVE", "ESTATE OF ROBERT JONES")
    company = addressee("ACME HOLDINGS LLC")
    assert company.address_lines == ("Acme Holdings LLC", "Attn: Manager")


@pytest.mark.parametrize("street, usps", [
    ("123 North Main Street Apartment 4B", "123 N MAIN ST APT 4B"),
    ("123 N. Main St., Apt. 4B", "123 N MAIN ST APT 4B"),
    ("425 Flower Boulevard #72", "425 FLOWER BLVD # 72"),
    ("500 West Elm Avenue, Suite 200", "500 W ELM AVE STE 200"),
    ("234 Northwest Smith Street", "234 NW SMITH ST"),
    ("PO Box 28", "PO BOX 28"),
    ("RR 4 Box 87A", "RR 4 BOX 87A"),
    ("77 Peachtree Street Northwest Unit 5", "77 PEACHTREE ST NW UNIT 5"),
])
def test_usps_delivery_lines(street, usps):
    assert usps_delivery_line(street) == usps


def test_mail_goes_to_the_mailing_address_when_there_is_one():
    absentee = mailing_address({"Property Address": "12 Oak St", "City": "Tampa", "State": "FL", "ZIP": "33602",
                                "Mailing Address": "500 W Elm Ave Ste 200", "Mailing City": "AUSTIN",
                                "Mailing State": "Texas", "Mailing ZIP": "787011234"})
    assert absentee.is_mailing and absentee.lines == ("500 W ELM AVE STE 200", "AUSTIN TX  78701-1234")
    assert absentee.display_lines == ("500 W Elm Ave Ste 200", "Austin, TX 78701-1234")
    one_line = mailing_address({"Property Address": "12 Oak St", "Mailing Address": "9 Bay Rd, Miami, FL 33101"})
    assert one_line.lines == ("9 BAY RD", "MIAMI FL  33101")
    at_home = mailing_address({"Property Address": "12 OAK ST", "City": "TAMPA", "State": "FL", "ZIP": "33602"})
    assert not at_home.is_mailing and at_home.display_lines == ("12 Oak St", "Tampa, FL 33602")
    assert mailing_address({"Property Address": "12 Oak St"}).problem.endswith("no ZIP, and no city and state "
                                                                               "either")
    assert mailing_address({}).problem == "Property Address is blank"


def test_money_dates_and_csv_cells():
    assert money(250000.0) == "$250,000" and money(-12500.4) == "-$12,500" and money(None) == ""
    assert money(float("nan")) == "" and money("x") == ""
    assert long_date(pd.Timestamp("2026-03-04")) == "March 4, 2026" and long_date(pd.NaT) == ""
    assert csv_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and csv_safe("-5") == "'-5"
    assert csv_safe("Oak St") == "Oak St"


# --- meeting times ----------------------------------------------------------------------------------------------------

def test_business_days_skip_weekends_and_holidays():
    # Wednesday Nov 25, 2026: Thursday is Thanksgiving
    assert business_days(dt.date(2026, 11, 25), 3) == [dt.date(2026, 11, 27), dt.date(2026, 11, 30),
                                                      dt.date(2026, 12, 1)]


def test_two_times_on_different_days_in_working_hours_in_the_owners_zone():
    now = dt.datetime(2026, 11, 25, 15, 0, tzinfo=NY)
    slots = meeting_slots(now, NY, (dt.time(9), dt.time(17)), (LA,), SlotBook(), "L-1")
    assert len(slots) == 2 and slots[0].start.date() != slots[1].start.date()
    allowed = set(business_days(now.date(), 3))
    for slot in slots:
        assert slot.start.date() in allowed and slot.start > now
        assert dt.time(9) <= slot.start.astimezone(NY).time() and slot.end.astimezone(NY).time() <= dt.time(17)
        local = slot.start.astimezone(LA)
        assert dt.time(8) <= local.time() <= dt.time(19, 45)  # a reasonable hour where the owner lives
        assert slot.when.endswith("PST") and f"at {local.hour % 12 or 12}:{local.minute:02d}" in slot.when


def test_times_are_spread_over_leads_and_never_sooner_than_two_hours():
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=NY)
    book = SlotBook()
    offered = [meeting_slots(now, NY, (dt.time(9), dt.time(17)), (NY,), book, f"L-{i}") for i in range(10)]
    starts = [s.start for pair in offered for s in pair]
    assert len(set(starts)) == len(starts)
    assert all(s >= now + dt.timedelta(hours=2) for s in starts)


def test_two_possible_zones_show_both_clocks():
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=NY)
    [first, _] = meeting_slots(now, NY, (dt.time(9), dt.time(17)), (NY, CHICAGO), SlotBook(), "L-1")
    assert "EST (" in first.when and "CST)" in first.when


def test_hours_that_never_suit_the_owner_offer_no_time():
    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=NY)
    assert meeting_slots(now, NY, (dt.time(9), dt.time(10)), (ZoneInfo("Pacific/Honolulu"),), SlotBook(),
                         "L-1") == ()


def test_invite_is_rfc5545_with_a_timezone_and_a_stable_uid():
    from icalendar import Calendar

    now = dt.datetime(2026, 12, 1, 8, 0, tzinfo=NY)
    [slot, _] = meeting_slots(now, NY, (dt.time(9), dt.time(17)), (PHOENIX,), SlotBook(), "L-1")
    data = invite(slot, uid="L-1-D4-x@example.com", summary="15 minutes with Jordan Avery",
                  description="Market analysis, your options; no obligation.", location="By phone, Tampa",
                  organizer_name='Jordan "JA" Avery', organizer_email="jordan@example.com", stamp=now)
    calendar = Calendar.from_ical(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == slot.start and str(event["STATUS"]) == "TENTATIVE"
    assert str(event["UID"]) == "L-1-D4-x@example.com"
    assert str(event["LOCATION"]) == "By phone, Tampa" and b"By phone\\, Tampa" in data
    assert event["ORGANIZER"].params["CN"] == "Jordan JA Avery"
    assert invite(slot, uid="L-1-D4-x@example.com", summary="15 minutes with Jordan Avery",
                  description="Market analysis, your options; no obligation.", location="By phone, Tampa",
                  organizer_name='Jordan "JA" Avery', organizer_email="jordan@example.com", stamp=now) == data


# --- labels -----------------------------------------------------------------------------------------------------------

def test_avery_5160_geometry():
    sheet = AVERY_5160
    assert sheet.per_page == 30
    assert sheet.origin(0) == (0.1875 * 72, 792 - 36 - 72)
    assert sheet.origin(1)[0] == pytest.approx((0.1875 + 2.75) * 72)
    assert sheet.origin(29) == (pytest.approx((0.1875 + 5.5) * 72), pytest.approx(792 - 36 - 720))
    assert sheet.origin(30) == sheet.origin(0)


def test_label_sheet_places_each_address_on_its_label(tmp_path):
    from pypdf import PdfReader

    labels = [Label((f"OWNER {i:02d}", f"{100 + i} MAIN ST", "TAMPA FL  33602")) for i in range(32)]
    labels[5] = Label(("PERSONAL REPRESENTATIVE OF THE ESTATE OF A VERY LONG NAME INDEED", "1 A ST", "X FL  33602"))
    target = tmp_path / "labels.pdf"
    assert labels_pdf(labels, target, start_at=2) == 2
    reader = PdfReader(str(target))
    assert len(reader.pages) == 2
    seen: list[tuple[str, float, float]] = []
    reader.pages[0].extract_text(visitor_text=lambda text, cm, tm, font, size: seen.append((text.strip(), tm[4],
                                                                                            tm[5]))
                                 if text.strip() else None)
    placed = {text: (x, y) for text, x, y in seen}
    for i in (0, 1, 7):
        x0, y0 = AVERY_5160.origin(i + 2)
        x, y = placed[f"{100 + i} MAIN ST"]
        assert x0 < x < x0 + AVERY_5160.label_width and y0 < y < y0 + AVERY_5160.label_height
    long_line = next(text for text, _, _ in seen if text.startswith("PERSONAL"))
    assert long_line.startswith("PERSONAL REPRESENTATIVE OF THE ESTATE")  # shrunk to fit, not dropped


# --- rendering, messages, settings ------------------------------------------------------------------------------------

def test_the_sandbox_refuses_python_internals(tmp_path):
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        environment(True).from_string("{{ ''.__class__.__mro__[1].__subclasses__() }}").render()
    text = tmp_path / "evil.txt"
    text.write_text("Subject: hi\n\n{{ owner.__class__.__init__.__globals__ }}\n")
    with pytest.raises(TemplateProblem, match="tries something templates may not do"):
        EmailTemplate(TemplateSource("evil", text, True), None).render({"owner": {"a": 1}})


def test_html_email_escapes_values_and_text_keeps_them():
    from leadtracker.documents.build_templates import D1, build_html, build_text

    html = environment(True).from_string(build_html(D1))
    value = {"name": "<script>alert(1)</script> & {{ x }}"}
    context = {"owner": {"salutation": value["name"], "sorry": ""}, "agent": {k: "" for k in (
        "name", "with_firm", "contact", "signature_line")}, "home": {"area": "", "street": "", "state_name": ""},
        "medium": "email", "a_medium": "an email"}
    rendered = html.render(context)
    assert "<script>" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {{ x }}" in rendered
    text = environment(False).from_string(build_text(D1).partition("\n")[2]).render(context)
    assert "<script>alert(1)</script> & {{ x }}" in text


def test_message_ids_are_stable_per_lead_step_day_and_address():
    day = dt.date(2026, 11, 29)
    first = message_id_for("L-1", "D3", day, "a@example.com", "example.com")
    assert first == message_id_for("L-1", "D3", day, "A@example.com", "example.com")
    assert first != message_id_for("L-1", "D3", day + dt.timedelta(days=1), "a@example.com", "example.com")
    assert first != message_id_for("L-1", "D4", day, "a@example.com", "example.com")
    assert first.startswith("<lt.L1.D3.20261129.") and first.endswith("@example.com>")


def test_new_settings_read_and_fall_back():
    table = pd.DataFrame({"Setting": ["Working Hours", "SMTP Port", "SMTP TLS", "Template Folder", "SMTP Host"],
                          "Value": ["9am-5:30pm", "465", "ssl", "My Templates", "smtp.example.com"]})
    settings, messages = parse_settings(table)
    assert messages == []
    assert settings.working_hours == "09:00-17:30" and settings.working_window == (dt.time(9), dt.time(17, 30))
    assert (settings.smtp_port, settings.smtp_tls, settings.template_folder, settings.smtp_host) == (
        465, "SSL", "My Templates", "smtp.example.com")
    bad = pd.DataFrame({"Setting": ["Working Hours", "SMTP TLS", "SMTP Port"], "Value": ["all day", "maybe", "0"]})
    settings, messages = parse_settings(bad)
    assert settings.working_hours == Settings().working_hours and settings.smtp_tls == "STARTTLS"
    assert settings.smtp_port == 587 and len(messages) == 3
    assert "Working Hours 'all day' is not a span of hours like 9:00-17:00" in messages[0]


def test_the_wheel_carries_the_templates_and_they_are_found_from_it(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w",
                           str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = next(tmp_path.glob("leadtracker-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("d1_intro", "d3_cma", "d4_meeting", "d5_options", "d6_questions", "d7_recap", "nurture",
                 "reengage"):
        assert {f"workbook_templates/letters/{name}.docx", f"workbook_templates/emails/{name}.txt",
                f"workbook_templates/emails/{name}.html"} <= names
    assert "leadtracker/documents/command.py" in names
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    probe = ("from leadtracker.documents.templates import TemplateFinder\n"
             "source = TemplateFinder().find('d3_cma', '.docx')\n"
             "print(source.path)")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                           cwd=tmp_path, env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"})
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == str(installed / "workbook_templates" / "letters" / "d3_cma.docx")

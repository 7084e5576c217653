"""Writes the built-in letter and email templates from the wording below, so they are reproducible:

    python -m leadtracker.documents.build_templates        (rewrites workbook_templates/letters and /emails)

Each template is written once here as blocks (paragraphs, headings, lists, tables, conditions) and rendered three
ways: a .docx an agent edits in Word (docxtpl tags), a plain-text email body and an HTML email body. The shipped
files are committed, so agents can open them in Word; tests check they equal what this script writes.

The wording follows DESIGN §8 and the issue: every owner by name, warm and plain, no jargon, nothing that promises to
stop or postpone a foreclosure, and where options are offered a plain statement that the agent is not the lender or
a government agency. The HUD housing-counseling line (1-800-569-4287) is HUD's published number for free,
HUD-approved counselors (hud.gov/counseling); the review of a complete application before a sale is 12 CFR
1024.41(g) (Regulation X), the same source the timeline uses.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

HUD_LINE = "1-800-569-4287"
DOCX_EPOCH = dt.datetime(2024, 1, 1)


# --- blocks ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class P:
    text: str
    small: bool = False
    after: float | None = None  # space after, in points (letters only)


@dataclass(frozen=True)
class H:
    text: str


@dataclass(frozen=True)
class Bullets:
    loop: str        # "s in slots"
    item: str        # "{{ s.when }}"


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]  # fixed bullet points (may hold tags)


@dataclass(frozen=True)
class If:
    condition: str
    then: tuple
    otherwise: tuple = ()


@dataclass(frozen=True)
class Loop:
    loop: str
    body: tuple


@dataclass(frozen=True)
class Table:
    loop: str                              # "c in cma.comps"
    columns: tuple[tuple[str, str], ...]   # (header, cell)
    text_row: str                          # one line per row in plain text
    widths: tuple[float, ...] = ()         # inches


@dataclass(frozen=True)
class Only:
    medium: str  # "letter" or "email"
    blocks: tuple


@dataclass(frozen=True)
class Spec:
    name: str
    subject: str
    blocks: tuple
    sign_off: str = "Warm regards,"


OPENING = (Only("letter", (P("{{ date }}", after=18), Loop("line in mail_to", (P("{{ line }}", after=0),)),
                           P("", after=6))),
           P("{{ owner.salutation }}"))
CONTACT = "{{ agent.contact }}"


def closing(text: str) -> tuple:
    return (P(text),)


# --- the wording ---------------------------------------------------------------------------------------------------

TIMELINE_TABLE = (
    Table("t in timeline.rows", (("Step", "{{ t.stage }}"), ("Date", "{{ t.date }}"), ("What it means", "{{ t.note }}")),
          "{{ t.stage }}: {{ t.date }}. {{ t.note }}", (1.6, 1.3, 3.6)),
    P("Sources: {{ timeline.sources }}.", small=True),
)

D1 = Spec("d1_intro", "A note from {{ agent.name }}, a local real estate agent", (
    *OPENING,
    P("My name is {{ agent.name }}. I am a real estate agent{{ agent.with_firm }}, and I help homeowners in "
      "{{ home.area }}."),
    P("I am writing because public records show a notice about the mortgage on {{ home.street }}. I know "
      "{{ a_medium }} like this can be unwelcome{{ owner.sorry }}."),
    P("I am not your lender, and I do not work for a bank or a government agency. What I can do is help you see "
      "where you stand: what your home is worth in today's market, how much time the process usually allows in "
      "{{ home.state_name }}, and what choices you have. Many homeowners have more choices than they expect, "
      "especially early on."),
    P("If it would help, I will put together a free market analysis of your home, based on recent sales nearby. "
      "There is no cost and no obligation, and what you tell me stays between us."),
    P("You can reach me at " + CONTACT + ". If you would rather not hear from me, just tell me, and I will respect "
      "that."),
))

D3 = Spec("d3_cma", "What your home at {{ home.street }} may be worth, and your timeline", (
    *OPENING,
    P("As promised, here is a market analysis of your home at {{ home.street }}, and a timeline of the foreclosure "
      "process as it applies to you. I hope it gives you a clearer picture."),
    H("What your home may be worth"),
    If("cma.has_value", (
        P("Based on {{ cma.basis }}, I estimate your home would sell for between {{ cma.low }} and {{ cma.high }} "
          "in today's market, most likely around {{ cma.mid }}."),
        If("cma.has_comps", (
            P("These are the sales and listings I compared it with:"),
            Table("c in cma.comps", (("Home", "{{ c.address }}"), ("Status", "{{ c.status }}"),
                                     ("Date", "{{ c.date }}"), ("Price", "{{ c.price }}"),
                                     ("Size", "{{ c.size }}"), ("Distance", "{{ c.distance }}")),
                  "{{ c.address }}: {{ c.status }} {{ c.date }} for {{ c.price }} ({{ c.size }}, {{ c.distance }})",
                  (2.1, 0.7, 1.1, 0.9, 1.2, 0.7)),
        )),
        P("An estimate is not an appraisal. Condition, updates and the market on the day you sell all matter, and "
          "I am glad to walk through the home with you to make it sharper."),
    ), (
        P("I do not yet have enough recent sales near your home to give you a range I would stand behind. I am "
          "gathering them, and I will send the analysis as soon as I can."),
    )),
    H("Your timeline"),
    P("{{ timeline.summary }}"),
    If("timeline.has_rows", TIMELINE_TABLE),
    P("Please check every date against the papers you received and with your lender; those are the final word. "
      "A HUD-approved housing counselor can also go through them with you for free: call " + HUD_LINE + "."),
    P("If anything here raises a question, call me at " + CONTACT + "."),
))

D4 = Spec("d4_meeting", "15 minutes this week? Two times that may suit you", (
    *OPENING,
    P("Would you have 15 minutes for a short conversation? We can talk by phone, or meet at your home or my office, "
      "whichever is easier for you. I will bring your market analysis and answer any questions you have, with no "
      "pressure and no obligation."),
    If("slots", (
        P("I have set aside two times for you:"),
        Bullets("s in slots", "{{ s.when }}"),
        P("{{ slot_note }} If neither time suits you, tell me what does and I will make it work."),
    ), (
        P("Please call or text me at {{ agent.phone_or_email }}, and we will find a time that works for you."),
    )),
    P("Talking with me costs nothing. Even a short conversation can make the next few weeks feel less uncertain."),
))

D5 = Spec("d5_options", "Your options for {{ home.street }}, with your own numbers", (
    *OPENING,
    P("When a home falls behind on payments, most owners have a few paths. I want to lay two of them out plainly, "
      "with your own numbers, so you can decide what is right for you."),
    H("Selling, including a short sale"),
    P("You can sell the home before any foreclosure sale. If it sells for more than you owe, the money left after "
      "the loan and the costs of selling is yours. If it would sell for less than you owe, your lender may agree "
      "to accept less; that is called a short sale. The lender has to approve it, and approval takes time, so "
      "starting early matters."),
    H("Foreclosure"),
    P("If nothing changes, your lender can have the home sold at a public auction{{ timeline.sale_phrase }}. In a "
      "foreclosure the owner usually receives nothing from that sale, and it affects your credit for years."),
    H("Your numbers"),
    If("net.has_value", (
        P("Here is an estimate of a sale at today's value:"),
        Table("n in net.rows", (("", "{{ n.label }}"), ("Amount", "{{ n.amount }}")), "{{ n.label }}: {{ n.amount }}",
              (4.2, 1.6)),
        P("{{ net.summary }}"),
        P("These are estimates, not an offer or a promise. Your lender's payoff statement has the exact amounts.",
          small=True),
    ), (
        P("{{ net.missing }}"),
    )),
    H("Other paths"),
    P("Your lender may also offer a repayment plan, a loan modification or a pause in payments. Ask them what they "
      "offer and what papers they need: a complete application received more than 37 days before a sale has to be "
      "reviewed before that sale can go ahead (12 CFR 1024.41(g)). A HUD-approved housing counselor can help you "
      "apply, for free: " + HUD_LINE + "."),
    P("Please know that I am a real estate agent. I am not your lender, a lawyer, a tax adviser or a government "
      "agency, and I cannot stop or postpone a foreclosure. What I can do is help you sell on your own terms, if "
      "that is what you choose. For legal or tax questions, please talk with a lawyer or a tax professional."),
    P("If you would like to go through these numbers together, call me at " + CONTACT + "."),
))

D6 = Spec("d6_questions", "Answers to questions homeowners often ask me", (
    *OPENING,
    P("Homeowners in your situation often ask me the same few questions, so I thought I would answer them here."),
    H("How much time do I have?"),
    P("{{ timeline.time_answer }}"),
    H("Can I still sell my home?"),
    P("Yes. Until a foreclosure sale takes place, the home is yours and you can sell it. If it is worth less than "
      "you owe, your lender may approve a short sale."),
    H("Do I have to pay you anything?"),
    P("No. Talking with me is free. If you decide to sell, my commission is paid out of the sale at closing, as with "
      "any home sale, and never up front."),
    H("Will I still owe money after a short sale?"),
    P("It depends on your lender and your state's laws. Ask the lender to say in writing whether they will forgive "
      "the rest of the debt, and talk with a lawyer or a tax professional before you sign."),
    H("Does talking with you mean I have to sell?"),
    P("Not at all. You decide. I can also point you to a free HUD-approved housing counselor (" + HUD_LINE + ") if "
      "you would like to explore keeping the home."),
    If("stories", (
        H("A few homeowners I have helped"),
        Loop("story in stories", (P("{{ story.title }}{{ story.dash }}{{ story.text }}"),)),
        P("Names and details are left out to protect their privacy.", small=True),
    )),
    P("If you have a question I did not answer here, call me at " + CONTACT + ". I am a real estate agent, not your "
      "lender or a government agency, and I will give you a straight answer or tell you who can."),
))

D7 = Spec("d7_recap", "A short recap, and how I will stay in touch", (
    *OPENING,
    P("Over the past week I have sent you a few things, and I want to bring them together in one place."),
    Items((
        "Your home's value: {{ recap.value }}",
        "Your timeline: {{ timeline.summary }}",
        "Your options: selling (with a short sale if the home is worth less than you owe), working out a plan with "
        "your lender, or letting the foreclosure run its course. {{ recap.numbers }}",
    )),
    P("What happens next is up to you. If you would like to talk, call me at " + CONTACT + ". If now is not the "
      "right time, that is fine too. I will check in about every two weeks with a short market update or something "
      "useful, and you can ask me to stop at any time."),
))

NURTURE = Spec("nurture", "A short market update for {{ home.area_short }}", (
    *OPENING,
    P("I hope things are going as well as they can. Here is a short update on the housing market near "
      "{{ home.street }}."),
    P("{{ market.text }}"),
    If("cma.has_value", (
        P("Based on the latest sales, your home's value is likely between {{ cma.low }} and {{ cma.high }}."),
    )),
    P("A resource that may help: HUD-approved housing counselors give free, confidential advice about keeping or "
      "selling a home. You can reach one at " + HUD_LINE + "."),
    P("If your situation has changed, or you have a question, I am here: " + CONTACT + "."),
))

REENGAGE = Spec("reengage", "Checking in about {{ home.street }}", (
    *OPENING,
    P("It has been a few months since we were last in touch, and I wanted to check in. "
      "{{ owner.well_wish }}"),
    P("Situations change. If it would help, I will update your home's market value for free{{ recap.value_clause }}."),
    P("{{ timeline.summary }}"),
    P("If you would like to talk, call me at " + CONTACT + ". If you would rather not hear from me again, just say "
      "so, and I will not write again."),
))

SPECS = (D1, D3, D4, D5, D6, D7, NURTURE, REENGAGE)


# --- .docx ---------------------------------------------------------------------------------------------------------

def build_docx(spec: Spec) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(1)
    section.top_margin, section.bottom_margin = Inches(0.6), Inches(0.7)
    section.header_distance, section.footer_distance = Inches(0.4), Inches(0.35)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.08

    header = section.header
    table = header.add_table(1, 2, Inches(6.5))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Inches(4.6), Inches(1.9)
    grid = table._tbl.tblGrid.gridCol_lst
    grid[0].w, grid[1].w = Inches(4.6), Inches(1.9)
    lines = (("{{ agent.name }}", 15, True, "1F3864"), ("{{ agent.firm_line }}", 9.5, False, "404040"),
             ("{{ agent.contact_line }}", 9.5, False, "404040"), ("{{ agent.office_address }}", 9.5, False, "404040"))
    first = True
    for text, size, bold, color in lines:
        paragraph = left.paragraphs[0] if first else left.add_paragraph()
        first = False
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.font.color.rgb = Pt(size), bold, RGBColor.from_string(color)
    logo = right.paragraphs[0]
    logo.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    logo.add_run("{{ agent.logo }}")
    header.paragraphs[0].paragraph_format.space_after = Pt(0)
    _bottom_border(header.add_paragraph())

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run("{{ agent.footer_note }}")
    run.font.size, run.font.color.rgb = Pt(8), RGBColor.from_string("595959")

    _docx_blocks(doc, spec.blocks)
    doc.add_paragraph(spec.sign_off).paragraph_format.space_before = Pt(6)
    doc.add_paragraph().paragraph_format.space_after = Pt(12)
    signature = doc.add_paragraph()
    signature.paragraph_format.space_after = Pt(0)
    signature.add_run("{{ agent.name }}").bold = True
    doc.add_paragraph("{{ agent.signature_line }}").paragraph_format.space_after = Pt(0)

    props = doc.core_properties
    props.title = spec.name
    props.author = props.last_modified_by = "Lead Tracker"
    props.created = props.modified = DOCX_EPOCH
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return _stable_zip(out.getvalue())


def _bottom_border(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph.paragraph_format.space_after = Pt(0)
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "1F3864")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def _docx_blocks(doc, blocks: tuple) -> None:
    from docx.shared import Inches, Pt, RGBColor

    for block in blocks:
        if isinstance(block, Only):
            if block.medium == "letter":
                _docx_blocks(doc, block.blocks)
        elif isinstance(block, P):
            paragraph = doc.add_paragraph()
            if block.after is not None:
                paragraph.paragraph_format.space_after = Pt(block.after)
            run = paragraph.add_run(block.text)
            if block.small:
                run.font.size, run.font.color.rgb = Pt(9), RGBColor.from_string("595959")
        elif isinstance(block, H):
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(8)
            paragraph.paragraph_format.space_after = Pt(3)
            paragraph.paragraph_format.keep_with_next = True
            run = paragraph.add_run(block.text)
            run.bold, run.font.color.rgb = True, RGBColor.from_string("1F3864")
        elif isinstance(block, Bullets):
            doc.add_paragraph("{%p for " + block.loop + " %}")
            doc.add_paragraph(block.item, style="List Bullet")
            doc.add_paragraph("{%p endfor %}")
        elif isinstance(block, Items):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, If):
            doc.add_paragraph("{%p if " + block.condition + " %}")
            _docx_blocks(doc, block.then)
            if block.otherwise:
                doc.add_paragraph("{%p else %}")
                _docx_blocks(doc, block.otherwise)
            doc.add_paragraph("{%p endif %}")
        elif isinstance(block, Loop):
            doc.add_paragraph("{%p for " + block.loop + " %}")
            _docx_blocks(doc, block.body)
            doc.add_paragraph("{%p endfor %}")
        elif isinstance(block, Table):
            table = doc.add_table(rows=4, cols=len(block.columns))
            table.style = "Table Grid"
            table.autofit = False
            for i, (title, cell) in enumerate(block.columns):
                header = table.rows[0].cells[i]
                run = header.paragraphs[0].add_run(title)
                run.bold, run.font.size = True, Pt(9.5)
                value = table.rows[2].cells[i].paragraphs[0].add_run(cell)
                value.font.size = Pt(9.5)
                if block.widths:
                    table._tbl.tblGrid.gridCol_lst[i].w = Inches(block.widths[i])  # what LibreOffice reads
                    for row in table.rows:
                        row.cells[i].width = Inches(block.widths[i])
            table.rows[1].cells[0].paragraphs[0].add_run("{%tr for " + block.loop + " %}")
            table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
            doc.add_paragraph().paragraph_format.space_after = Pt(2)
        else:
            raise TypeError(f"unknown block {block!r}")


DROPPED_PARTS = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _stable_zip(data: bytes) -> bytes:
    """The same bytes on every run (fixed timestamps and order inside the .docx, a zip), and slim: python-docx's
    default package carries 800 KB of style XML (164 styles, a Word 2010 copy of them, a thumbnail of a blank
    page) that every letter would parse and write again. The styles the templates use stay, with the styles they
    are based on; Word supplies any other built-in style when the agent picks it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist() if not name.startswith(DROPPED_PARTS)}
    parts["word/styles.xml"] = _used_styles(parts)
    for rels in ("_rels/.rels", "word/_rels/document.xml.rels"):
        parts[rels] = re.sub(rb'<Relationship [^>]*Target="[^"]*(stylesWithEffects|thumbnail|customXml)[^"]*"/>', b"",
                             parts[rels])
    parts["[Content_Types].xml"] = re.sub(rb'<Override PartName="/(word/stylesWithEffects|customXml)[^>]*/>', b"",
                                          parts["[Content_Types].xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, parts[name])
    return out.getvalue()


def _used_styles(parts: dict[str, bytes]) -> bytes:
    from lxml import etree

    text = b"".join(parts[name] for name in parts if re.match(r"word/(document|header\d*|footer\d*)\.xml$", name))
    used = {m.decode() for m in re.findall(rb'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', text)}
    styles = etree.fromstring(parts["word/styles.xml"])
    by_id = {s.get(W + "styleId"): s for s in styles.iter(W + "style")}
    keep = used | {i for i, s in by_id.items() if s.get(W + "default") == "1"}
    pending = list(keep)
    while pending:
        style = by_id.get(pending.pop())
        for tag in ("basedOn", "link", "next"):
            ref = style.find(W + tag) if style is not None else None
            if ref is not None and ref.get(W + "val") not in keep:
                keep.add(ref.get(W + "val"))
                pending.append(ref.get(W + "val"))
    for style_id, style in by_id.items():
        if style_id not in keep:
            styles.remove(style)
    latent = styles.find(W + "latentStyles")
    if latent is not None:
        styles.remove(latent)
    return etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- email: plain text and HTML -------------------------------------------------------------------------------------

def build_text(spec: Spec) -> str:
    lines = [f"Subject: {spec.subject}", ""]
    _text_blocks(lines, spec.blocks)
    lines += [spec.sign_off, "{{ agent.name }}", "{{ agent.signature_line }}"]
    return "\n".join(lines) + "\n"


def _text_blocks(lines: list[str], blocks: tuple) -> None:
    for block in blocks:
        if isinstance(block, Only):
            if block.medium == "email":
                _text_blocks(lines, block.blocks)
        elif isinstance(block, P):
            lines += [block.text, ""]
        elif isinstance(block, H):
            lines += [block.text, "-" * min(len(block.text), 40)]
        elif isinstance(block, Bullets):
            lines += ["{% for " + block.loop + " %}", "  - " + block.item, "{% endfor %}", ""]
        elif isinstance(block, Items):
            lines += ["  - " + item for item in block.items] + [""]
        elif isinstance(block, If):
            lines.append("{% if " + block.condition + " %}")
            _text_blocks(lines, block.then)
            if block.otherwise:
                lines.append("{% else %}")
                _text_blocks(lines, block.otherwise)
            lines.append("{% endif %}")
        elif isinstance(block, Loop):
            lines.append("{% for " + block.loop + " %}")
            _text_blocks(lines, block.body)
            lines.append("{% endfor %}")
        elif isinstance(block, Table):
            lines += ["{% for " + block.loop + " %}", "  - " + block.text_row, "{% endfor %}", ""]


_TAG = re.compile(r"({{.*?}}|{%.*?%})")


def _html_text(text: str) -> str:
    """Static words escaped for HTML, template tags kept as they are (the values are escaped when rendered)."""
    return "".join(part if _TAG.fullmatch(part) else str(escape(part)) for part in _TAG.split(text))


def build_html(spec: Spec) -> str:
    parts = ["<!-- The body of the email; the footer with your office address and the opt-out is added when it is "
             "written. -->"]
    _html_blocks(parts, spec.blocks)
    parts.append(f"<p>{_html_text(spec.sign_off)}<br>\n<strong>{{{{ agent.name }}}}</strong><br>\n"
                 "{{ agent.signature_line }}</p>")
    return "\n".join(parts) + "\n"


CELL = 'style="border:1px solid #bfbfbf;padding:4px 8px;text-align:left"'


def _html_blocks(parts: list[str], blocks: tuple) -> None:
    for block in blocks:
        if isinstance(block, Only):
            if block.medium == "email":
                _html_blocks(parts, block.blocks)
        elif isinstance(block, P):
            style = ' style="font-size:12px;color:#595959"' if block.small else ""
            parts.append(f"<p{style}>{_html_text(block.text)}</p>")
        elif isinstance(block, H):
            parts.append(f'<p style="margin:18px 0 4px;font-weight:bold;color:#1F3864">{_html_text(block.text)}</p>')
        elif isinstance(block, Bullets):
            parts.append("<ul>{% for " + block.loop + " %}<li>" + _html_text(block.item) + "</li>{% endfor %}</ul>")
        elif isinstance(block, Items):
            parts.append("<ul>" + "".join(f"<li>{_html_text(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, If):
            parts.append("{% if " + block.condition + " %}")
            _html_blocks(parts, block.then)
            if block.otherwise:
                parts.append("{% else %}")
                _html_blocks(parts, block.otherwise)
            parts.append("{% endif %}")
        elif isinstance(block, Loop):
            parts.append("{% for " + block.loop + " %}")
            _html_blocks(parts, block.body)
            parts.append("{% endfor %}")
        elif isinstance(block, Table):
            head = "".join(f"<th {CELL}>{_html_text(title)}</th>" for title, _ in block.columns)
            cells = "".join(f"<td {CELL}>{_html_text(cell)}</td>" for _, cell in block.columns)
            parts.append('<table style="border-collapse:collapse;font-size:14px;margin:6px 0 12px">'
                         f"<tr>{head}</tr>{{% for {block.loop} %}}<tr>{cells}</tr>{{% endfor %}}</table>")


# --- writing -------------------------------------------------------------------------------------------------------

def built_files() -> dict[str, bytes]:
    """Relative path -> bytes of every built-in template."""
    files: dict[str, bytes] = {}
    for spec in SPECS:
        files[f"letters/{spec.name}.docx"] = build_docx(spec)
        files[f"emails/{spec.name}.txt"] = build_text(spec).encode("utf-8")
        files[f"emails/{spec.name}.html"] = build_html(spec).encode("utf-8")
    return files


def default_root() -> Path:
    return Path(__file__).resolve().parents[2] / "workbook_templates"


def write_templates(root: Path | None = None) -> list[Path]:
    root = root or default_root()
    written = []
    for relative, data in built_files().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def main() -> None:
    for path in write_templates():
        print(f"Wrote {path}")


if __name__ == "__main__":
    main()

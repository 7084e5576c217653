"""Mailing labels (Avery 5160 and its twins 5260, 5960, 8160, 8460: 30 per US Letter sheet) and the mailing CSV.

Avery 5160 geometry (../shared/reference/letters_and_email.md §A7): labels 2.625 x 1 in, 3 across and 10 down, top
margin 0.5 in, left margin 0.1875 in, 0.125 in between columns, none between rows. Text is the USPS form of the
address (addresses.py) in Helvetica 9 pt, shrunk to as small as 6 pt for a long line, at most five lines a label.
The CSV has the same lines as separate columns, for a print shop or a mail-merge in Word. A second run on the same
day adds to that day's CSV (one row per lead and step, the newest kept) and the labels are rebuilt from all of it, so
the day's list and label sheet cover every letter written that day.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .text import csv_cell, csv_safe

INCH = 72.0


@dataclass(frozen=True)
class LabelSheet:
    page_width: float = 8.5 * INCH
    page_height: float = 11 * INCH
    label_width: float = 2.625 * INCH
    label_height: float = 1.0 * INCH
    columns: int = 3
    rows: int = 10
    top: float = 0.5 * INCH
    left: float = 0.1875 * INCH
    column_gap: float = 0.125 * INCH
    row_gap: float = 0.0
    padding: float = 0.12 * INCH

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def origin(self, position: int) -> tuple[float, float]:
        """Bottom-left corner (PDF points) of the label at `position` (0-based, across then down) on its page."""
        row, column = divmod(position % self.per_page, self.columns)
        x = self.left + column * (self.label_width + self.column_gap)
        y = self.page_height - self.top - (row + 1) * self.label_height - row * self.row_gap
        return x, y


AVERY_5160 = LabelSheet()


@dataclass(frozen=True)
class Label:
    lines: tuple[str, ...]


def _font(text: str) -> tuple[str, bool]:
    """Helvetica for Latin-1 text; a Unicode TrueType font when the system has one and the text needs it."""
    try:
        text.encode("latin-1")
        return "Helvetica", True
    except UnicodeEncodeError:
        pass
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "C:/Windows/Fonts/arial.ttf",
                 "/Library/Fonts/Arial Unicode.ttf", "/System/Library/Fonts/Supplemental/Arial Unicode.ttf"):
        if Path(path).is_file():
            if "LabelUnicode" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("LabelUnicode", path))
            return "LabelUnicode", True
    return "Helvetica", False


def labels_pdf(labels: list[Label], target: Path, sheet: LabelSheet = AVERY_5160, start_at: int = 0) -> int:
    """Write the label sheets (skipping `start_at` labels of a partly used first sheet); returns the page count."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    partial = target.with_name(target.name + ".part")
    pdf = canvas.Canvas(str(partial), pagesize=(sheet.page_width, sheet.page_height), invariant=1)
    pdf.setTitle("Mailing labels (Avery 5160)")
    pdf.setAuthor("Lead Tracker")
    for i, label in enumerate(labels):
        position = i + start_at
        if i > 0 and position % sheet.per_page == 0:
            pdf.showPage()
        x, y = sheet.origin(position)
        lines = [line for line in label.lines if line][:5]
        width = sheet.label_width - 2 * sheet.padding
        size = 9.0
        font, _ = _font(" ".join(lines))
        while size > 6 and max(stringWidth(line, font, size) for line in lines) > width:
            size -= 0.5
        leading = size * 1.18
        block = leading * len(lines)
        top = y + (sheet.label_height + block) / 2 - size
        for n, line in enumerate(lines):
            text = line
            while stringWidth(text, font, size) > width and len(text) > 1:
                text = text[:-1]
            pdf.setFont(font, size)
            pdf.drawString(x + sheet.padding, top - n * leading, text)
    if labels:
        pdf.showPage()
    pdf.save()
    os.replace(partial, target)
    return math.ceil((len(labels) + start_at) / sheet.per_page) if labels else 0


MAILING_COLUMNS = ("Lead ID", "Step", "Letter", "Name", "Name 2", "Address", "City", "State", "ZIP",
                   "Address Line", "City State ZIP")


def mailing_csv(rows: list[dict], target: Path) -> None:
    """The mailing list as CSV (UTF-8 with a byte-order mark, so Excel reads accents); no cell can run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MAILING_COLUMNS)
    for row in rows:
        writer.writerow([csv_safe(row.get(column, "")) for column in MAILING_COLUMNS])
    partial = target.with_name(target.name + ".part")
    partial.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    os.replace(partial, target)


def read_mailing_csv(path: Path) -> list[dict] | None:
    """The rows of a mailing CSV this tool wrote (cells as they were before `csv_safe`); [] when there is none, None
    when the file is not one (its columns were changed). The agent may have opened and saved it in Excel, whose
    "CSV (Comma delimited)" is Windows-1252 and drops a ZIP's leading zeros ("02134" -> 2134): both are undone."""
    if not path.is_file():
        return []
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or not {"Lead ID", "Step", "Address"} <= set(reader.fieldnames):
        return None
    rows = [{column: _unescaped(row.get(column) or "") for column in MAILING_COLUMNS} for row in reader]
    for row in rows:
        row["ZIP"] = zero_padded_zip(row["ZIP"])
    return rows


_SHORT_ZIP = re.compile(r"(\d{3,4})(-\d{4})?")


def zero_padded_zip(value: str) -> str:
    """A ZIP that a spreadsheet read as a number, with its leading zeros back: "2134" -> "02134", "501-1234" ->
    "00501-1234"; anything else as it is."""
    found = _SHORT_ZIP.fullmatch(value.strip())
    return found.group(1).zfill(5) + (found.group(2) or "") if found else value


def _unescaped(value: str) -> str:
    """Undo `csv_cell`'s leading apostrophe, and only that one: "'=cmd" -> "=cmd"; "'Tis" stays."""
    return value[1:] if value.startswith("'") and csv_cell(value[1:]) == value else value


def merge_mailing(earlier: list[dict], new: list[dict]) -> list[dict]:
    """The day's mailing list: earlier rows in their order, a lead's letter for the same step replaced by the new
    one (the .docx was rewritten too), then the new letters."""
    fresh = {(row["Lead ID"], row["Step"]): row for row in new}
    merged = [fresh.pop((row["Lead ID"], row["Step"]), row) for row in earlier]
    return merged + [row for row in new if (row["Lead ID"], row["Step"]) in fresh]


def label_for_row(row: dict) -> Label:
    """A mailing-list row's label: name lines, then the USPS delivery line and "CITY ST  ZIP"."""
    from .addresses import _usps_words

    city_state = " ".join(p for p in (_usps_words(str(row.get("City") or "")), row.get("State") or "") if p)
    last = f"{city_state}  {row['ZIP']}".strip() if row.get("ZIP") else city_state
    return Label(tuple(str(row.get(k) or "") for k in ("Name", "Name 2", "Address")) + (last,))

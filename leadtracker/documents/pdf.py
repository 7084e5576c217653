"""Letters to one print-ready PDF through LibreOffice headless, the same layout engine agents' Word files get.

One `soffice` process converts a whole batch (starting LibreOffice costs about a second; each further letter about
a tenth of one, see ../shared/reference/letters_and_email.md §A4), with its own throw-away profile so it never
collides with a LibreOffice the agent has open; the PDFs are then joined in order with pypdf.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from ..errors import LeadTrackerError

BATCH = 150
SECONDS_PER_FILE = 5
KNOWN_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
)
INSTALL_HINT = ("Install LibreOffice (free, libreoffice.org; on Debian or Ubuntu: apt-get install "
                "libreoffice-writer-nogui), or leave out --pdf: the .docx letters print from Word as they are.")


class PdfUnavailable(LeadTrackerError):
    """LibreOffice is not installed, so no PDF can be made."""


def find_soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((place for place in KNOWN_PLACES if Path(place).is_file()), None)


def convert_to_pdf(documents: list[Path], out_dir: Path, progress: Callable[[str], None] | None = None
                   ) -> list[Path]:
    """Each .docx as a PDF in `out_dir` (same stem), converted in batches; returns the PDFs in order."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable("Cannot make the PDF: LibreOffice is not installed. " + INSTALL_HINT)
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="leadtracker-lo-") as scratch:
        env = {**os.environ, "TMPDIR": scratch, "HOME": os.environ.get("HOME", scratch)}
        profile = Path(scratch, "profile").as_uri()
        for start in range(0, len(documents), BATCH):
            batch = documents[start:start + BATCH]
            if progress:
                progress(f"Converting letters {start + 1}-{start + len(batch)} of {len(documents)} to PDF")
            command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                       "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, batch)]
            try:
                done = subprocess.run(command, capture_output=True, text=True, env=env,
                                      timeout=60 + SECONDS_PER_FILE * len(batch), check=False)
            except subprocess.TimeoutExpired:
                raise LeadTrackerError(f"LibreOffice took too long converting {len(batch)} letters to PDF and was "
                                       "stopped; the .docx letters are ready. Try again, or with fewer letters "
                                       "(--step or --lead).") from None
            for document in batch:
                pdf = out_dir / (document.stem + ".pdf")
                if not pdf.is_file():
                    detail = (done.stderr or done.stdout or "").strip().splitlines()[-1:] or ["no message"]
                    raise LeadTrackerError(f"LibreOffice did not convert {document.name} to PDF (exit "
                                           f"{done.returncode}: {detail[0]}); the .docx letters are ready.")
                results.append(pdf)
    return results


def combine_pdfs(pdfs: list[Path], target: Path) -> int:
    """Join PDFs in order into one file (written atomically); returns its page count."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(str(pdf))
    partial = target.with_name(target.name + ".part")
    with open(partial, "wb") as handle:
        writer.write(handle)
    pages = len(writer.pages)
    writer.close()
    os.replace(partial, target)
    return pages


def letters_pdf(documents: list[Path], target: Path, progress: Callable[[str], None] | None = None) -> int:
    """One print-ready PDF of all the letters, in order; returns the page count."""
    with tempfile.TemporaryDirectory(prefix="leadtracker-pdf-") as scratch:
        pdfs = convert_to_pdf(documents, Path(scratch), progress)
        return combine_pdfs(pdfs, target)

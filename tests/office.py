"""LibreOffice headless, to prove a real spreadsheet program opens what the tool writes."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest


def soffice_convert(path: Path, fmt: str, tmp_path: Path, timeout: int = 180) -> Path:
    """Open the workbook in LibreOffice headless and export it as `fmt` (pdf, csv, xlsx); returns the export."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed (no 'soffice' on PATH). Install it, e.g. "
                    "'apt-get install libreoffice-calc-nogui', so this test can open the workbook in a real "
                    "spreadsheet program.")
    profile = Path("/tmp") / f"lt-lo-profile-{uuid.uuid4().hex}"
    outdir = tmp_path / f"lo-{fmt}-{uuid.uuid4().hex[:6]}"
    outdir.mkdir()
    try:
        result = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
             "--outdir", str(outdir), str(path)],
            capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    produced = list(outdir.iterdir())
    assert len(produced) == 1, f"LibreOffice exported nothing (exit {result.returncode}): {result.stdout} {result.stderr}"
    return produced[0]

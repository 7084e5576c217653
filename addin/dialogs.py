"""File dialogs for the import buttons, shown by Excel itself so they sit in front of the workbook.

Windows: Excel's GetOpenFilename through classic xlwings' COM object (`app.api`). Mac: AppleScript's `choose file`
(Python runs outside Excel's sandbox there). Neither can run without Excel, so tests pass their own chooser to
`on_click`; addin/README.md has the manual check on both platforms.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Sequence


def ask_open_files(app: Any, request) -> Sequence[Path] | None:
    """The files the user picked, or None when the dialog was cancelled."""
    if sys.platform.startswith("win"):
        patterns = ";".join(f"*.{kind}" for kind in request.kinds)
        chosen = app.api.GetOpenFilename(FileFilter=f"{request.description} ({patterns}),{patterns}",
                                         Title=request.title, MultiSelect=request.multiple)
        if chosen is False or chosen is None:
            return None
        return [Path(p) for p in (chosen if isinstance(chosen, (list, tuple)) else [chosen])]
    if sys.platform == "darwin":
        multiple = " with multiple selections allowed" if request.multiple else ""
        title = request.title.replace('"', "'")
        script = (f'set chosen to choose file with prompt "{title}"{multiple}\n'
                  'if class of chosen is list then\n'
                  '  set out to ""\n'
                  '  repeat with f in chosen\n'
                  '    set out to out & POSIX path of f & linefeed\n'
                  '  end repeat\n'
                  '  return out\n'
                  'end if\n'
                  'return POSIX path of chosen')
        done = subprocess.run(["osascript", "-e", script], capture_output=True, text=True)
        if done.returncode != 0:  # cancelled (error -128) or no dialog possible
            return None
        return [Path(line) for line in done.stdout.splitlines() if line.strip()]
    from leadtracker.errors import UsageError

    raise UsageError("Choosing a file from Excel works on Windows and Mac only; use the command line here.")

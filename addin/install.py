"""`leadtracker addin install`: put LeadTracker.xlam where Excel loads it at start and point it at this Python.

Where Excel is present (Windows, Mac) the add-in goes into Excel's startup folder (XLSTART) through xlwings' own
installer, which asks Excel for the folder and reloads the add-in in running Excel windows. `--startup-dir` names
the folder instead (another Excel profile, a shared folder, or a test). Then:
- the interpreter: INTERPRETER_WIN / INTERPRETER_MAC in the add-in's user config file, which xlwings' VBA reads
  (%USERPROFILE%\\.leadtracker\\leadtracker.conf on Windows; ~/Library/Containers/com.microsoft.Excel/Data/
  leadtracker.conf on the Mac, inside Excel's sandbox);
- on the Mac, xlwings' AppleScript into ~/Library/Application Scripts/com.microsoft.Excel, which RunPython needs
  to start Python from sandboxed Excel (what `xlwings runpython install` does).
The returned text ends with what only the user can do (restart Excel, trust settings).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from leadtracker.errors import UsageError, WorkbookError

from .build import ADDIN_NAME, CONFIG_NAME, build_xlam, xlwings_dir


def config_path(platform: str, home: Path) -> Path:
    """The add-in's user config file, where xlwings' VBA (GetConfigFilePath) looks for it."""
    if platform == "darwin":
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{CONFIG_NAME}.conf"
    return home / f".{CONFIG_NAME}" / f"{CONFIG_NAME}.conf"


def write_config(path: Path, settings: dict[str, str]) -> None:
    """Set keys in an xlwings config file ("KEY","value" per line), keeping every other line as it was."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [line for line in lines if line.split(",", 1)[0].strip('"').upper() not in
            {k.upper() for k in settings}]
    kept += [f'"{key}","{value}"' for key, value in settings.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".part")
    temp.write_text("\n".join(kept) + "\n", encoding="utf-8")
    os.replace(temp, path)


def install(startup_dir: str | os.PathLike[str] | None = None, platform: str = sys.platform,
            home: Path | None = None, python: str = sys.executable) -> str:
    """Install the add-in and its settings; returns what was done and what is left for the user."""
    home = home or Path.home()
    windows, mac = platform.startswith("win"), platform == "darwin"
    if startup_dir is None and not (windows or mac):
        raise UsageError("Excel does not run here, so there is no Excel to install the add-in into. On the "
                         "Windows or Mac computer with Excel run, in the Lead Tracker folder: pip install . then "
                         "leadtracker addin install. (leadtracker addin build --out DIR writes the file alone.)")
    done: list[str] = []
    with tempfile.TemporaryDirectory(prefix="leadtracker-addin-") as folder:
        built = build_xlam(folder)
        if startup_dir is not None:
            target = Path(startup_dir) / ADDIN_NAME
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(built, target.with_name(target.name + ".part"))
            os.replace(target.with_name(target.name + ".part"), target)
        else:
            target = _install_with_xlwings(built)
    done.append(f"Installed {target}.")
    if windows or mac:
        config = config_path(platform, home)
        write_config(config, {f"INTERPRETER_{'MAC' if mac else 'WIN'}": python})
        done.append(f"The add-in runs Python from {python} (set in {config}).")
    if mac:
        scripts = home / "Library" / "Application Scripts" / "com.microsoft.Excel"
        scripts.mkdir(parents=True, exist_ok=True)
        import xlwings

        script = xlwings_dir() / f"xlwings-{xlwings.__version__}.applescript"
        shutil.copy(script, scripts / script.name)
        done.append(f"Copied xlwings' {script.name} to {scripts}, so Excel can start Python.")
    return "\n".join(done + ["", "What is left for you:"] + next_steps(platform, target.parent))


def next_steps(platform: str, folder: Path) -> list[str]:
    if platform.startswith("win"):
        return [
            "1. Quit Excel if it is open, then start it again. The Lead Tracker tab appears on the ribbon.",
            "2. Excel's startup folder (XLSTART) is one of its trusted locations, so the add-in's macros run. If "
            "the tab is missing or Excel warns about macros, your organisation may have changed that: in Excel, "
            f"File > Options > Trust Center > Trust Center Settings > Trusted Locations > Add new location: {folder}",
            "3. If you copied LeadTracker.xlam from a download or an email instead: right-click the file, "
            "Properties, tick Unblock, OK (Windows blocks macros in files from the internet).",
        ]
    if platform == "darwin":
        return [
            "1. Quit Excel completely (Excel > Quit Excel, or Cmd-Q), then start it again.",
            "2. If Excel asks whether to enable macros in LeadTracker.xlam, choose Enable Macros.",
            "3. If the Lead Tracker tab is missing: Tools > Excel Add-ins..., Browse..., choose "
            f"{folder / ADDIN_NAME}, and tick it.",
        ]
    return [f"Copy {folder / ADDIN_NAME} to the computer with Excel and run: leadtracker addin install there."]


def _install_with_xlwings(built: Path) -> Path:
    """xlwings' installer: ask Excel for its startup folder, copy the add-in there, reload it in running Excel."""
    try:
        from xlwings.cli import _addin_install, get_addin_dir

        folder = Path(get_addin_dir())
        _addin_install(str(built))
    except Exception as error:  # noqa: BLE001 - Excel missing or not answering: one clear sentence
        raise WorkbookError(f"Could not reach Excel to find its startup folder ({error}). Start Excel once, then "
                            "run this again, or name the folder: leadtracker addin install --startup-dir DIR") \
            from error
    target = folder / ADDIN_NAME
    if not target.exists():
        raise WorkbookError(f"xlwings did not copy the add-in to {folder}; is Excel running with that folder "
                            "read-only? Quit Excel and run this again.")
    return target

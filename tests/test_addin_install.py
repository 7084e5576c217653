"""`leadtracker addin install`: where the add-in and its settings go on Windows and on the Mac, and the plain
refusal where no Excel can run. (Asking a running Excel for its startup folder needs Excel: see addin/README.md.)"""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlwings

from addin.install import install
from leadtracker.cli import main


def test_on_windows_the_addin_goes_to_the_startup_folder_and_python_into_the_user_config(tmp_path):
    home, startup = tmp_path / "home", tmp_path / "XLSTART"
    config = home / ".leadtracker" / "leadtracker.conf"
    config.parent.mkdir(parents=True)
    config.write_text('"PYTHONPATH","C:\\Users\\agent\\lib"\n"INTERPRETER_WIN","C:\\Old\\python.exe"\n')
    text = install(startup, platform="win32", home=home, python="C:\\Python311\\python.exe")
    with zipfile.ZipFile(startup / "LeadTracker.xlam") as archive:
        assert "xl/vbaProject.bin" in archive.namelist() and archive.testzip() is None
    # the format xlwings' own config files use ("KEY","value"), which its VBA GetConfigFromFile reads
    assert config.read_text().splitlines() == ['"PYTHONPATH","C:\\Users\\agent\\lib"',
                                               '"INTERPRETER_WIN","C:\\Python311\\python.exe"']
    assert f"Installed {startup / 'LeadTracker.xlam'}." in text
    assert "Trusted Locations" in text and "Unblock" in text and "start it again" in text


def test_on_the_mac_python_is_set_inside_excels_sandbox_and_runpython_gets_its_applescript(tmp_path):
    home, startup = tmp_path / "home", tmp_path / "XLSTART"
    text = install(startup, platform="darwin", home=home, python="/usr/local/bin/python3")
    config = home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "leadtracker.conf"
    assert config.read_text() == '"INTERPRETER_MAC","/usr/local/bin/python3"\n'
    script = home / "Library" / "Application Scripts" / "com.microsoft.Excel" / \
        f"xlwings-{xlwings.__version__}.applescript"
    assert script.read_bytes() == (Path(xlwings.__file__).parent / script.name).read_bytes()
    assert "Cmd-Q" in text and "Enable Macros" in text and (startup / "LeadTracker.xlam").exists()


def test_where_excel_cannot_run_install_says_what_to_do_instead(capsys):
    assert main(["addin", "install"]) == 2
    error = capsys.readouterr().err
    assert "Excel does not run here" in error and "leadtracker addin install" in error

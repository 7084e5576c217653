"""LeadTracker.xlam as built on Linux: a valid package, a ribbon that validates against Office's customUI schema,
and a VBA project that independent readers (oletools/olefile, LibreOffice) read back as exactly our sources,
source-only, with no sign of VBA stomping."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import warnings

import olefile
import pytest
from office import soffice_convert

with warnings.catch_warnings():  # oletools 0.60 calls pyparsing names that newer pyparsing deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream

from addin import build, cfb, ovba, ribbon
from leadtracker.cli import main

NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_UI = "{http://schemas.microsoft.com/office/2006/01/customui}"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the same, while oletools parses
CALLBACK = re.compile(r"^\s*(Public\s+)?Sub\s+(\w+)\s*\(\s*(ByRef\s+)?control\s+As\s+IRibbonControl\s*\)\s*$",
                      re.M | re.I)


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("addin")
    assert main(["addin", "build", "--out", str(out)]) == 0
    return out / "LeadTracker.xlam"


@pytest.fixture(scope="module")
def modules(xlam) -> dict[str, str]:
    parser = VBA_Parser(str(xlam))
    try:
        assert parser.detect_vba_macros()
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_the_package_is_a_valid_zip_with_content_types_and_relationships(xlam):
    with zipfile.ZipFile(xlam) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
        defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{NS_CT}Default")}
        overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{NS_CT}Override")}
        for name in names - {"[Content_Types].xml"}:
            assert "/" + name in overrides or name.rsplit(".", 1)[-1] in defaults, f"{name} has no content type"
        assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
        for rels_name in [n for n in names if n.endswith(".rels")]:
            base = rels_name.replace("_rels/", "").removesuffix(".rels")
            folder = base.rsplit("/", 1)[0] + "/" if "/" in base else ""
            for rel in ElementTree.fromstring(archive.read(rels_name)).iter(f"{NS_REL}Relationship"):
                assert folder + rel.get("Target") in names, f"{rels_name} points at a missing part"
        root_rels = {r.get("Type"): r.get("Target") for r in
                     ElementTree.fromstring(archive.read("_rels/.rels")).iter(f"{NS_REL}Relationship")}
        assert root_rels["http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"] == \
            "customUI/customUI.xml"
        book_rels = {r.get("Type") for r in ElementTree.fromstring(
            archive.read("xl/_rels/workbook.xml.rels")).iter(f"{NS_REL}Relationship")}
        assert "http://schemas.microsoft.com/office/2006/relationships/vbaProject" in book_rels
        assert archive.read("customUI/customUI.xml") == (build.ADDIN_DIR / "customUI.xml").read_bytes()


def audit(path: Path) -> dict:
    """Validate with openxml-audit (the Open XML SDK's schemas, customUI included), in its own process."""
    done = subprocess.run([sys.executable, "-m", "openxml_audit", "-o", "json", str(path)], capture_output=True,
                          text=True, check=False, timeout=300)
    return json.loads(done.stdout)[0]


def test_the_package_and_its_customui_validate_against_the_office_schemas(xlam, tmp_path):
    report = audit(xlam)
    assert report["valid"] and report["error_count"] == 0 and report["warning_count"] == 0, report
    broken = tmp_path / "broken.xlam"  # the same validator rejects a ribbon that breaks the customUI schema
    with zipfile.ZipFile(xlam) as source, zipfile.ZipFile(broken, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "customUI/customUI.xml":
                data = data.replace(b'size="large"', b'size="huge"', 1)
            out.writestr(info, data)
    errors = audit(broken)["errors"]
    assert [e["part_uri"] for e in errors] == ["/customUI/customUI.xml"]


def test_the_vba_modules_decode_to_exactly_our_sources(modules):
    assert set(modules) == {"ThisWorkbook", "Sheet1", "LeadTrackerRibbon", "xlwings", "Dictionary"}
    for path in build.ADDIN_DIR.glob("*.bas"):
        name = re.match(r'Attribute VB_Name = "(\w+)"', path.read_text(encoding="cp1252")).group(1)
        assert lf(modules[name]) == lf(path.read_text(encoding="cp1252"))
    installed = (build.xlwings_dir() / "xlwings_custom_addin.bas").read_text(encoding="cp1252")
    ours, theirs = lf(modules["xlwings"]).split("\n"), lf(installed).split("\n")
    changed = [(a, b) for a, b in zip(ours, theirs) if a != b]
    assert len(ours) == len(theirs) and changed == [
        ('Public Const PROJECT_NAME As String = "leadtracker"', 'Public Const PROJECT_NAME As String = "myaddin"')]
    cls = lf((build.xlwings_dir() / "addin" / "Dictionary.cls").read_text(encoding="cp1252"))
    body = cls.split("Attribute VB_Description", 1)[1].split("\n", 1)[1]
    assert lf(modules["Dictionary"]).endswith(body)


def test_every_button_calls_a_ribbon_callback_that_exists_in_the_project(xlam, modules):
    with zipfile.ZipFile(xlam) as archive:
        ui = ElementTree.fromstring(archive.read("customUI/customUI.xml"))
    actions = {b.get("id"): b.get("onAction") for b in ui.iter(f"{NS_UI}button")}
    assert set(actions) == set(ribbon.BUTTONS)
    for button_id, action in actions.items():
        module, sub = action.split(".")
        assert sub in [m.group(2) for m in CALLBACK.finditer(modules[module])], f"{button_id}: no {action}"
        command = ribbon.BUTTONS[button_id].command
        assert command is None or callable(ribbon.resolve(command)), f"{button_id}: {command} does not exist"
    dispatcher = modules["LeadTrackerRibbon"]
    assert 'RunPython "import addin.ribbon as r; r.on_click(\'" & control.Id & "\')"' in dispatcher
    assert re.search(r"^Public Function RunPython\(", modules["xlwings"], re.M)


def test_the_project_is_source_only_and_oletools_sees_no_stomping(xlam):
    parser = VBA_Parser(str(xlam))
    try:
        assert parser.detect_vba_stomping() is False
        results = parser.analyze_macros()
        assert not [r for r in results if "stomping" in str(r).lower()]
    finally:
        parser.close()
    with zipfile.ZipFile(xlam) as archive:
        ole = olefile.OleFileIO(archive.read("xl/vbaProject.bin"))
    try:
        assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00])
        for name in ("LeadTrackerRibbon", "xlwings", "Dictionary", "ThisWorkbook", "Sheet1"):
            stream = ole.openstream(f"VBA/{name}").read()
            source = bytes(decompress_stream(bytearray(stream)))  # the whole stream is compressed source: no p-code
            assert source.startswith(f'Attribute VB_Name = "{name}"'.encode())
        project = ole.openstream("PROJECT").read().decode("cp1252")
        fields = dict(line.split("=", 1) for line in project.splitlines() if "=" in line and '"' in line)
        assert ovba.decrypt(bytes.fromhex(fields["CMG"].strip('"'))) == bytes(4)  # not protected
        assert ovba.decrypt(bytes.fromhex(fields["DPB"].strip('"'))) == b"\x00"  # no password
        assert ovba.decrypt(bytes.fromhex(fields["GC"].strip('"'))) == b"\xff"  # visible
        assert_red_black(ole)
    finally:
        ole.close()


def assert_red_black(ole: olefile.OleFileIO) -> None:
    """Every storage's children form a red-black tree in [MS-CFB] order."""
    entries = ole.direntries

    def walk(sid: int) -> tuple[int, list[str]]:
        if sid == cfb.NOSTREAM:
            return 1, []
        entry = entries[sid]
        for child in (entry.sid_left, entry.sid_right):
            if entry.color == cfb.RED and child != cfb.NOSTREAM:
                assert entries[child].color == cfb.BLACK, "a red node has a red child"
        left_height, left = walk(entry.sid_left)
        right_height, right = walk(entry.sid_right)
        assert left_height == right_height, "black heights differ"
        return left_height + (entry.color == cfb.BLACK), left + [entry.name] + right

    for entry in entries:
        if entry is not None and entry.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
            _, names = walk(entry.sid_child)
            assert names == sorted(names, key=cfb.sort_key) and len(names) == len(entry.kids)


def test_the_encryption_reads_what_excel_wrote():
    """CMG/DPB/GC as written into xlwings' shipped template decrypt to 'not protected, no password, visible'."""
    with zipfile.ZipFile(build.xlwings_dir() / "quickstart_addin_ribbon.xlam") as archive:
        ole = olefile.OleFileIO(archive.read("xl/vbaProject.bin"))
    project = ole.openstream("PROJECT").read().decode("cp1252")
    ole.close()
    fields = dict(line.split("=", 1) for line in project.splitlines() if line[:3] in ("CMG", "DPB", "GC="))
    assert ovba.decrypt(bytes.fromhex(fields["CMG"].strip('"'))) == bytes(4)
    assert ovba.decrypt(bytes.fromhex(fields["GC"].strip('"'))) == b"\xff"
    for seed in range(256):
        assert ovba.decrypt(ovba.encrypt("{ABC}", b"data", seed)) == b"data"


@pytest.mark.parametrize("size", [0, 1, 3, 17, 4095, 4096, 4097, 10000])
def test_compression_round_trips_through_oletools(size):
    text = (b"Sub OnRibbon(control As IRibbonControl)\r\n    RunPython \"x\"\r\nEnd Sub\r\n" * 300)[:size]
    packed = ovba.compress(text)
    assert ovba.decompress(packed) == text == bytes(decompress_stream(bytearray(packed)))
    if size >= 4096:
        assert len(packed) < size / 2  # it really compresses


def test_libreoffice_loads_the_vba_project_and_lists_the_dispatcher(xlam, tmp_path):
    """LibreOffice will not open an add-in (.xlam); a copy saved as a macro workbook (.xlsm) opens."""
    copy = tmp_path / "LeadTracker.xlsm"
    with zipfile.ZipFile(xlam) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.ms-excel.addin.macroEnabled.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            out.writestr(info, data)
    ods = soffice_convert(copy, "ods", tmp_path)
    with zipfile.ZipFile(ods) as archive:
        library = ElementTree.fromstring(archive.read("Basic/LeadTracker/script-lb.xml"))
        module = ElementTree.fromstring(archive.read("Basic/LeadTracker/LeadTrackerRibbon.xml"))
    names = {e.get("{http://openoffice.org/2000/library}name") for e in library}
    assert {"LeadTrackerRibbon", "xlwings", "Dictionary", "ThisWorkbook", "Sheet1"} <= names
    assert "Public Sub OnRibbon(control As IRibbonControl)" in module.text
    assert "Rem Attribute VBA_ModuleType=VBAModule" in module.text

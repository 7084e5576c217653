"""`leadtracker addin build`: write LeadTracker.xlam on any platform, Linux included, from text sources only.

The package holds the ribbon (addin/customUI.xml), a hidden `leadtracker.conf` sheet (the xlwings settings the
add-in needs), and a VBA project written source-only (addin/ovba.py) from:
- addin/*.bas, the dispatcher the ribbon calls;
- the xlwings VBA module for custom add-ins and its Dictionary class, read from the installed xlwings package
  (BSD-3 and MIT; nothing from xlwings' licensed `pro` part), with PROJECT_NAME set to "leadtracker" as xlwings'
  custom add-in docs say, so its settings live in leadtracker.conf and ~/.leadtracker/leadtracker.conf;
- the two document modules Excel expects (ThisWorkbook, Sheet1).
No binary made elsewhere goes in: every byte of the .xlam comes from these sources.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from leadtracker.errors import UsageError

from . import ovba

ADDIN_DIR = Path(__file__).resolve().parent
ADDIN_NAME = "LeadTracker.xlam"
PROJECT_NAME = "LeadTracker"  # the VBA project's name (not a module's: VBA forbids a module named like its project)
CONFIG_NAME = "leadtracker"  # xlwings' PROJECT_NAME: the add-in's config sheet and file are named after it
CONFIG_SHEET = f"{CONFIG_NAME}.conf"
# Settings on the add-in's own config sheet (xlwings reads "<PROJECT_NAME>.conf" in the add-in, after the active
# workbook's and before the user's file). The workbook's folder is kept off sys.path: the package is installed.
ADDIN_SETTINGS = (("ADD_WORKBOOK_TO_PYTHONPATH", "false"),)
PROJECT_NAME_LINE = re.compile(r'^(Public Const PROJECT_NAME As String = )"[^"]*"', re.M)

CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_THEME = "application/vnd.openxmlformats-officedocument.theme+xml"
CT_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
REL_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_RIBBON = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
REL_APP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
REL_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def xlwings_dir() -> Path:
    try:
        import xlwings
    except ImportError as error:
        raise UsageError("xlwings is not installed; install it with: pip install xlwings") from error
    return Path(xlwings.__file__).resolve().parent


def xlwings_module() -> ovba.Module:
    """xlwings' VBA module for custom add-ins, as installed, with PROJECT_NAME set to ours."""
    path = xlwings_dir() / "xlwings_custom_addin.bas"
    if not path.exists():
        raise UsageError(f"The installed xlwings has no {path.name}; install xlwings 0.30 or newer.")
    text = path.read_bytes().decode(ovba.ENCODING)
    patched, count = PROJECT_NAME_LINE.subn(rf'\1"{CONFIG_NAME}"', text)
    if count != 1:
        raise UsageError(f"{path} has no PROJECT_NAME constant to set; this xlwings version is not supported.")
    return ovba.Module("xlwings", "standard", patched)


def dictionary_class() -> ovba.Module:
    """The Dictionary class xlwings' module uses on the Mac (VBA-Dictionary, MIT), as installed with xlwings."""
    path = xlwings_dir() / "addin" / "Dictionary.cls"
    if not path.exists():
        raise UsageError(f"The installed xlwings has no {path}; install xlwings 0.30 or newer.")
    return ovba.class_module(path.read_bytes().decode(ovba.ENCODING))


def own_modules() -> list[ovba.Module]:
    """addin/*.bas, each a standard module named by its VB_Name attribute."""
    modules = []
    for path in sorted(ADDIN_DIR.glob("*.bas")):
        text = path.read_bytes().decode(ovba.ENCODING)
        match = re.match(r'Attribute VB_Name = "([^"]+)"', text)
        if match is None:
            raise UsageError(f"{path.name} does not start with an Attribute VB_Name line.")
        modules.append(ovba.Module(match.group(1), "standard", text))
    return modules


def vba_modules() -> list[ovba.Module]:
    return ([ovba.document_module("ThisWorkbook", ovba.BASE_WORKBOOK),
             ovba.document_module("Sheet1", ovba.BASE_WORKSHEET)]
            + own_modules() + [xlwings_module(), dictionary_class()])


def theme_xml() -> bytes:
    """The default Office theme, as openpyxl writes it into every workbook it saves."""
    from openpyxl.writer.theme import theme_xml as text

    return text.encode("utf-8")


def ribbon_xml() -> bytes:
    return (ADDIN_DIR / "customUI.xml").read_bytes()


def _relationships(rels: list[tuple[str, str, str]]) -> str:
    items = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in rels)
    return (XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + items + "</Relationships>")


def _cell(ref: str, index: int) -> str:
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def package_parts(modules: list[ovba.Module] | None = None, project_id: str | None = None,
                  seed: int | None = None) -> dict[str, bytes]:
    """Every part of LeadTracker.xlam by its name in the zip."""
    modules = vba_modules() if modules is None else modules
    content_types = (
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{CT_RELS}"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT_ADDIN}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT_SHEET}"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CT_STYLES}"/>'
        f'<Override PartName="/xl/vbaProject.bin" ContentType="{CT_VBA}"/>'
        f'<Override PartName="/xl/theme/theme1.xml" ContentType="{CT_THEME}"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT_STRINGS}"/>'
        f'<Override PartName="/docProps/core.xml" ContentType="{CT_CORE}"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{CT_APP}"/>'
        "</Types>")
    root_rels = _relationships([("rId1", REL_DOCUMENT, "xl/workbook.xml"),
                                ("rId2", REL_RIBBON, "customUI/customUI.xml"),
                                ("rId3", REL_CORE, "docProps/core.xml"),
                                ("rId4", REL_APP, "docProps/app.xml")])
    workbook = (XML_HEAD + f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_R}">'
                '<workbookPr codeName="ThisWorkbook"/>'
                '<bookViews><workbookView visibility="hidden"/></bookViews>'
                f'<sheets><sheet name="{CONFIG_SHEET}" sheetId="1" r:id="rId1"/></sheets>'
                "</workbook>")
    workbook_rels = _relationships([("rId1", REL_SHEET, "worksheets/sheet1.xml"),
                                    ("rId2", REL_STYLES, "styles.xml"),
                                    ("rId3", REL_VBA, "vbaProject.bin"),
                                    ("rId4", REL_THEME, "theme/theme1.xml"),
                                    ("rId5", REL_STRINGS, "sharedStrings.xml")])
    strings = [text for pair in ADDIN_SETTINGS for text in pair]
    rows = "".join(f'<row r="{n}">{_cell(f"A{n}", 2 * n - 2)}{_cell(f"B{n}", 2 * n - 1)}</row>'
                   for n in range(1, len(ADDIN_SETTINGS) + 1))
    shared = (XML_HEAD + f'<sst xmlns="{NS_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
              + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings) + "</sst>")
    sheet = (XML_HEAD + f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}"><sheetPr codeName="Sheet1"/>'
             f'<cols><col min="1" max="1" width="32" customWidth="1"/></cols><sheetData>{rows}</sheetData>'
             "</worksheet>")
    styles = (XML_HEAD + f'<styleSheet xmlns="{NS_MAIN}">'
              '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
              '<fills count="2"><fill><patternFill patternType="none"/></fill>'
              '<fill><patternFill patternType="gray125"/></fill></fills>'
              '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
              '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
              '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
              '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
              "</styleSheet>")
    core = (XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Lead Tracker</dc:title>'
            "<dc:description>The Lead Tracker ribbon tab for Excel.</dc:description></cp:coreProperties>")
    app = (XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
           'properties"><Application>Microsoft Excel</Application></Properties>')
    return {
        "[Content_Types].xml": content_types.encode("utf-8"),
        "_rels/.rels": root_rels.encode("utf-8"),
        "docProps/core.xml": core.encode("utf-8"),
        "docProps/app.xml": app.encode("utf-8"),
        "customUI/customUI.xml": ribbon_xml(),
        "xl/workbook.xml": workbook.encode("utf-8"),
        "xl/_rels/workbook.xml.rels": workbook_rels.encode("utf-8"),
        "xl/worksheets/sheet1.xml": sheet.encode("utf-8"),
        "xl/styles.xml": styles.encode("utf-8"),
        "xl/sharedStrings.xml": shared.encode("utf-8"),
        "xl/theme/theme1.xml": theme_xml(),
        "xl/vbaProject.bin": ovba.vba_project_bin(PROJECT_NAME, modules, project_id, seed),
    }


def build_xlam(out_dir: str | os.PathLike[str] = ".", name: str = ADDIN_NAME) -> Path:
    """Write the add-in into `out_dir` (created if needed) through a temp file and an atomic rename."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    parts = package_parts()
    descriptor, temp_name = tempfile.mkstemp(prefix=".~leadtracker-", suffix=".xlam", dir=folder)
    os.close(descriptor)
    try:
        with zipfile.ZipFile(temp_name, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, data in parts.items():
                archive.writestr(zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0)), data,
                                 compress_type=zipfile.ZIP_DEFLATED)
        os.replace(temp_name, target)
    finally:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
    return target

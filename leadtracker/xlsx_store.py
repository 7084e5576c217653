"""XlsxStore: a closed .xlsx workbook on disk, through openpyxl (the embedded default).

Safety rules (DESIGN §11):
- a workbook open in Excel or LibreOffice (a lock file beside it) is refused;
- saves go to a temp file in the same folder, then atomically replace the original; one backup is kept;
- parts openpyxl would drop (pictures, shapes and charts the agent made, slicers, form controls, macros, ...)
  mean the original is never overwritten: the result goes to "Name (refreshed).xlsx" beside it, saying why;
- text that looks like a formula is stored as text, never run.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from .errors import WorkbookError, WorkbookLockedError
from .schema import TOOL_SHEETS, Kind
from .store import GridStore, ToolSheet, grid_get, grid_put
from .values import looks_like_formula

HEADER_FILLS = {Kind.INPUT: "1F3864", Kind.QUICK_LOG: "375623", Kind.COMPUTED: "D9D9D9"}
TOOL_HEADER_FILL = "1F3864"
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# Package parts openpyxl does not carry through a load and save, found by round-trip tests
# (tests/test_xlsx_preservation.py) and openpyxl's documentation ("openpyxl does currently not read all possible
# items in an Excel file so shapes will be lost from existing files").
UNKEPT_PARTS = (
    ("xl/vbaProject.bin", "it contains macros (VBA)"),
    ("xl/slicers/", "it has slicers"),
    ("xl/slicerCaches/", "it has slicers"),
    ("xl/timelines/", "it has timeline filters"),
    ("xl/ctrlProps/", "it has form controls"),
    ("xl/activeX/", "it has ActiveX controls"),
    ("xl/threadedComments/", "it has threaded comments"),
    ("xl/pivotTables/", "it has pivot tables"),
    ("xl/connections.xml", "it has data connections"),
    ("xl/model/", "it has a data model"),
    # Excel 365 writes this part only for what needs it: dynamic-array (spilling) formulas such as FILTER or UNIQUE,
    # and data types; without it Excel shows such a formula as a fixed {=...} array that no longer spills
    ("xl/metadata.xml", "it has dynamic-array (spilling) formulas or data types"),
    ("xl/richData/", "it has pictures or data types in cells"),
)


def file_stamp(path: Path) -> tuple[int, int]:
    """When the workbook file was last written, and its size: how a save made by someone else is noticed."""
    info = os.stat(os.path.realpath(path))
    return info.st_mtime_ns, info.st_size


def refuse_if_saved_meanwhile(path: Path, stamp: tuple[int, int]) -> None:
    """Stop before replacing a workbook that was saved by another program (Excel, a teammate on a shared drive)
    after this run read it: replacing it would throw that work away."""
    if file_stamp(path) != stamp:
        raise WorkbookError(
            f"{path.name} was saved by another program while this ran, so nothing was written: your changes there "
            "are kept. Run the command again to include them.")


def lock_files(path: Path) -> list[Path]:
    """Lock files Excel (~$Name.xlsx) and LibreOffice (.~lock.Name.xlsx#) leave while the workbook is open."""
    candidates = [path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")]
    return [c for c in candidates if c.exists()]


def unkept_parts(path: Path) -> list[str]:
    """Reasons this workbook cannot be saved in place by openpyxl without losing something of the agent's."""
    reasons: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for prefix, reason in UNKEPT_PARTS:
                if any(n == prefix or n.startswith(prefix) for n in names) and reason not in reasons:
                    reasons.append(reason)
            tool = {s.casefold() for s in TOOL_SHEETS}
            for sheet in sheets_with_drawings(archive, names):
                if sheet.casefold() not in tool:
                    reasons.append(f"sheet {sheet!r} has pictures, shapes or charts")
            for sheet, kinds in sheet_extensions(archive, names).items():
                if sheet.casefold() not in tool:
                    reasons.append(f"sheet {sheet!r} has {', '.join(kinds)} (Excel extensions this tool cannot "
                                   "keep)")
    except zipfile.BadZipFile as error:
        raise WorkbookError(f"{path.name} is not a valid .xlsx workbook ({error}).") from error
    return reasons


_EXT_TAIL = 1 << 20  # the worksheet-level <extLst> is the sheet's last element: only the tail is searched
_EXT_URI = re.compile(rb'<(?:\w+:)?ext\b[^>]*?\buri="([^"]+)"')
_EXT_NAMES = {"SPARKLINE GROUP": "sparklines", "CONDITIONAL FORMATTING": "extended conditional formatting",
              "DATA VALIDATION": "extended data validation (dropdowns)", "SLICER LIST": "slicers",
              "TIMELINE REF": "timeline filters", "PROTECTED RANGE": "protected ranges",
              "IGNORED ERROR": "ignored-error settings", "WEB EXTENSION": "web add-in data"}


def sheet_extensions(archive: zipfile.ZipFile, names: list[str]) -> dict[str, list[str]]:
    """Sheet name -> what its worksheet-level <extLst> holds. openpyxl drops every worksheet extension on load
    (sparklines, Excel 2010 data bars and icon sets, cross-sheet dropdowns, ...), so each one is a loss."""
    from openpyxl.xml.constants import EXT_TYPES

    try:
        parts = sheet_parts(archive)
    except KeyError:
        return {}
    found: dict[str, list[str]] = {}
    for sheet, part in parts.items():
        if part not in names:
            continue
        tail = b""
        with archive.open(part) as stream:
            while chunk := stream.read(_EXT_TAIL):
                tail = (tail + chunk)[-2 * _EXT_TAIL:]
        start = max(tail.rfind(b"<extLst"), tail.rfind(b":extLst"))
        if start < 0 or tail.rfind(b"</sheetData>") > start:
            continue
        kinds: list[str] = []
        for uri in _EXT_URI.findall(tail[start:]):
            kind = EXT_TYPES.get(uri.decode("ascii", "replace").upper(), "Unknown")
            text = _EXT_NAMES.get(kind.upper(), f"{kind.lower()} extensions")
            if text not in kinds:
                kinds.append(text)
        if kinds:
            found[sheet] = kinds
    return found


def sheets_with_drawings(archive: zipfile.ZipFile, names: list[str]) -> list[str]:
    """Names of the sheets that carry a drawing part (pictures, shapes, charts)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return []
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{NS_PKG_REL}Relationship")}
    found = []
    for sheet in workbook.iter(f"{NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{NS_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if rels_name not in names:
            continue
        sheet_rels = ElementTree.fromstring(archive.read(rels_name))
        for rel in sheet_rels.iter(f"{NS_PKG_REL}Relationship"):
            if rel.get("Type", "").endswith("/drawing") and _drawing_has_content(archive, names, part, rel):
                found.append(sheet.get("name", "?"))
                break
    return found


def _drawing_has_content(archive: zipfile.ZipFile, names: list[str], sheet_part: str, rel) -> bool:
    """True unless the drawing part is there and anchors nothing. LibreOffice writes an empty drawing for every
    sheet with cell comments; losing it loses nothing, so it must not stop a save in place."""
    target = rel.get("Target", "")
    if rel.get("TargetMode") == "External":
        return True
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(sheet_part), target))
    if part not in names:
        return True
    try:
        drawing = ElementTree.fromstring(archive.read(part))
    except ElementTree.ParseError:
        return True
    return len(drawing) > 0


def refreshed_copy_path(path: Path) -> Path:
    return path.with_name(f"{path.stem} (refreshed).xlsx")


def backup_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.backup{path.suffix}")


class XlsxStore(GridStore):
    """A workbook file. Reads and writes go to an in-memory openpyxl workbook until `commit` saves it safely."""

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False, fast_read: bool = True) -> None:
        """Open the workbook. `read_only` is for commands that only look (today): a workbook open in Excel is
        fine to read, and commit refuses. `fast_read` reads values with calamine where it is installed."""
        import openpyxl

        super().__init__()
        self.path = Path(path)
        self.read_only = read_only
        self.label = self.path.name
        if not self.path.exists():
            raise WorkbookError(f"{self.path} does not exist. Create one with: leadtracker new {self.path}")
        if self.path.suffix.lower() not in (".xlsx", ".xlsm"):
            raise WorkbookError(f"{self.path.name} is not an .xlsx workbook; save it from Excel as .xlsx first.")
        if not read_only:
            self._refuse_if_open()
        self.copy_reasons = unkept_parts(self.path)
        self._stamp = file_stamp(self.path)  # before reading: a save during the read is noticed too
        try:
            self.wb = openpyxl.load_workbook(self.path, keep_vba=False, rich_text=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise WorkbookError(f"{self.path.name} could not be opened as a workbook ({error}).") from error
        self._cache: dict[str, list[list[object]]] = {}
        self._cached_values = None
        self._calamine = None
        self._fast_read = fast_read
        self._rebuilt: set[str] = set()  # sheets changed in memory since the file was read

    def _refuse_if_open(self) -> None:
        locks = lock_files(self.path)
        if locks:
            raise WorkbookLockedError(
                f"{self.path.name} is open in Excel or LibreOffice (found {locks[0].name}). Close it there and "
                "run again.")

    # --- primitives ---------------------------------------------------------------------------------
    def _sheet_key(self, sheet: str) -> str | None:
        for name in self.wb.sheetnames:
            if name.casefold() == sheet.casefold():
                return name
        return None

    def _rows(self, sheet: str) -> list[tuple[object, ...]]:
        if sheet not in self._cache:
            on_disk = self._fast_read and sheet not in self._rebuilt and self._file_values(sheet)
            self._cache[sheet] = on_disk if on_disk is not None and on_disk is not False else self._grid(
                self.wb[sheet])
        return self._cache[sheet]  # rows as lists, kept current by _write_cell; callers only read them

    def _file_values(self, sheet: str) -> list[list[object]] | None:
        """The sheet's values read straight from the file by calamine (Rust), as the agent last saw them.

        Same values as the openpyxl model holds at open time (formula cells as their last calculated value), read
        several times faster, and as freshly made Python objects lying together in memory: the computation over
        them runs about twice as fast as over the values scattered among openpyxl's millions of cell objects.
        None when calamine is not installed or cannot read the file; the openpyxl path then serves.
        """
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:
            return None
        try:
            if self._calamine is None:
                self._calamine = CalamineWorkbook.from_path(str(self.path))
            values = self._calamine.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001 - any reader failure falls back to the openpyxl model
            return None
        rows = [[_from_calamine(v) for v in row] for row in values]
        for (r, c), cell in getattr(self.wb[sheet], "_cells", {}).items():
            if cell.data_type == "e":  # calamine reads error cells (#N/A, #REF!, ...) as blank: keep them
                grid_put(rows, r, c, cell.value)
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        return rows

    def _grid(self, ws) -> list[list[object]]:
        """The sheet's values as rows of a list, formula cells read as their last calculated value.

        Reads the cells that exist (openpyxl's cell map) instead of iter_rows, which would create an empty cell
        object for every blank position of the used range and make both the read and the save slower.
        """
        cells = getattr(ws, "_cells", None)
        if cells is None:  # a future openpyxl without the cell map: the public, slower way
            cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
        if not cells:
            return []
        last_row = max(r for r, _ in cells)
        last_col = max(c for _, c in cells)
        rows: list[list[object]] = [[None] * last_col for _ in range(last_row)]
        formulas = []
        for (r, c), cell in cells.items():
            if cell.data_type == "f":
                formulas.append((r, c))
            else:
                rows[r - 1][c - 1] = cell.value
        for r, c in formulas:
            rows[r - 1][c - 1] = self._cached_value(ws.title, r, c)
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        return rows

    def _cached_value(self, sheet: str, row: int, col: int) -> object:
        import openpyxl

        if self._cached_values is None:
            book = openpyxl.load_workbook(self.path, data_only=True, read_only=True)
            self._cached_values = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                                   for ws in book.worksheets}
            book.close()
        rows = self._cached_values.get(sheet, [])
        if row - 1 < len(rows) and col - 1 < len(rows[row - 1]):
            return rows[row - 1][col - 1]
        return None

    def _get(self, sheet: str, row: int, col: int) -> object:
        return grid_get(self._rows(sheet), row, col)

    def _write_cell(self, sheet: str, row: int, col: int, value: object, number_format: str | None = None,
                    header_kind: Kind | None = None) -> None:
        cell = self.wb[sheet].cell(row=row, column=col)
        put_value(cell, value, number_format)
        if header_kind is not None:
            style_header(cell, HEADER_FILLS[header_kind], italic=header_kind is Kind.COMPUTED,
                         dark_text=header_kind is Kind.COMPUTED)
        if sheet in self._cache:
            grid_put(self._cache[sheet], row, col, value)

    def _write_column(self, sheet: str, col: int, rows: list[int], values: list[object],
                      number_format: str | None) -> None:
        ws = self.wb[sheet]
        existing = ws._cells if hasattr(ws, "_cells") else None
        cache = self._cache.get(sheet)
        for row, value in zip(rows, values):
            if value is None and existing is not None and (row, col) not in existing:
                continue  # blank stays blank: no cell object needed
            cell = ws.cell(row=row, column=col)
            if cell.value != value or type(cell.value) is not type(value):
                put_value(cell, value, number_format)
            if cache is not None:
                grid_put(cache, row, col, value)

    def _create_sheet(self, sheet: str) -> str:
        self.wb.create_sheet(sheet)
        self._cache[sheet] = []
        return sheet

    def _extend_table(self, sheet: str, last_col: int, last_row: int | None = None) -> None:
        from openpyxl.utils import get_column_letter, range_boundaries
        from openpyxl.worksheet.table import TableColumn

        ws = self.wb[sheet]
        for table in ws.tables.values():
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            new_max_col = max(max_col, last_col)
            new_max_row = max(max_row, last_row or 0)
            if new_max_col == max_col and new_max_row == max_row:
                continue
            for col in range(max_col + 1, new_max_col + 1):
                header = ws.cell(row=min_row, column=col).value
                table.tableColumns.append(TableColumn(id=len(table.tableColumns) + 1, name=str(header)))
            table.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(new_max_col)}{new_max_row}"
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref

    # --- tool-owned sheets ---------------------------------------------------------------------------
    def replace_sheet(self, sheet: ToolSheet) -> None:
        from openpyxl.utils import get_column_letter

        existing = self._sheet_key(sheet.name)
        active = self.wb.active.title if self.wb.active is not None else None
        if existing is not None:
            index = self.wb.sheetnames.index(existing)
            self.wb.remove(self.wb[existing])
            ws = self.wb.create_sheet(existing, index)
        else:
            ws = self.wb.create_sheet(sheet.name)
        if active is not None and active in self.wb.sheetnames:
            self.wb.active = self.wb.sheetnames.index(active)
        self._cache.pop(ws.title, None)
        self._rebuilt.add(ws.title)
        self._generations[ws.title] = self._generations.get(ws.title, 0) + 1  # cached reads are stale
        header_row = 1
        if sheet.title:
            write_cell(ws.cell(row=1, column=1), sheet.title)
            ws.cell(row=1, column=1).font = _font(bold=True, size=13)
            header_row = 3
        columns = list(sheet.frame.columns)
        for c, name in enumerate(columns, start=1):
            cell = ws.cell(row=header_row, column=c)
            write_cell(cell, name)
            if str(name).strip():
                style_header(cell, TOOL_HEADER_FILL)
            ws.column_dimensions[get_column_letter(c)].width = sheet.widths.get(name, 12)
        formats = [sheet.number_formats.get(name) for name in columns]
        for r, values in enumerate(sheet.frame.itertuples(index=False), start=header_row + 1):
            for c, value in enumerate(values, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c)
                write_cell(cell, _plain(value))
                if formats[c - 1]:
                    cell.number_format = formats[c - 1]
        last_row = header_row + max(len(sheet.frame), 1)
        if columns and not sheet.charts:
            ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last_row}"
        ws.freeze_panes = f"A{header_row + 1}"
        for chart in sheet.charts:
            ws.add_chart(_chart(ws, chart, columns, header_row, len(sheet.frame)), chart.anchor)

    def _formula_results(self) -> dict[str, dict[str, object]]:
        """The last calculated value of every formula cell of the agent's, by sheet and coordinate.

        openpyxl saves formulas without their results; Excel recalculates on open, but everything that reads the
        file without calculating (the next refresh, pandas, previews) would see blanks, so an Est. Value typed as a
        formula would read as missing. The results are written back into the saved file (keep_formula_results).
        """
        found: dict[str, dict[str, object]] = {}
        for ws in self.wb.worksheets:
            for cell in list(ws._cells.values()):
                if cell.data_type != "f":
                    continue
                value = self._cached_value(ws.title, cell.row, cell.column)
                if value is not None:
                    found.setdefault(ws.title, {})[cell.coordinate] = value
        return found

    # --- commit --------------------------------------------------------------------------------------
    def commit(self) -> str:
        if self.read_only:
            raise WorkbookError(f"{self.path.name} was opened only to read; nothing was saved.")
        # A workbook reached through a symbolic link (a synced folder, a shortcut) is saved where it really lives;
        # replacing the link itself would leave the real file stale and the link a detached copy.
        real = Path(os.path.realpath(self.path))
        target = real if not self.copy_reasons else refreshed_copy_path(self.path)
        temp: Path | None = None
        try:
            descriptor, temp_name = tempfile.mkstemp(prefix=".~leadtracker-", suffix=".xlsx", dir=target.parent)
            os.close(descriptor)
            temp = Path(temp_name)
            cached = self._formula_results()
            self.wb.save(temp)
            if cached:
                keep_formula_results(temp, cached)
            with open(temp, "rb") as handle:
                os.fsync(handle.fileno())
            shutil.copymode(real, temp)  # keep the workbook's permissions, not the temp file's
            self._refuse_if_open()
            if target == real:
                refuse_if_saved_meanwhile(real, self._stamp)
                shutil.copy2(real, backup_path(real))
            os.replace(temp, target)
            _fsync_folder(target.parent)
            if target == real:
                self._stamp = file_stamp(real)  # a later commit of this store compares with what it wrote
        except PermissionError as error:
            raise WorkbookError(f"{target.name} could not be saved: permission denied. Is it open in another "
                                f"program, or read-only? {self.path.name} was not changed.") from error
        except OSError as error:  # disk full, folder gone, a network drive dropped: one sentence, no traceback
            reason = error.strerror or str(error)
            raise WorkbookError(f"{target.name} could not be saved ({reason}); "
                                f"{self.path.name} was not changed.") from error
        finally:
            if temp is not None and temp.exists():
                temp.unlink()
        if target != real:
            return (f"Wrote {target.name} beside {self.path.name} and left the original untouched, because "
                    f"{'; '.join(self.copy_reasons)}, which this tool cannot keep when it saves.")
        return f"Saved {self.path.name} (previous version kept as {backup_path(real).name})."


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened (Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# openpyxl writes an empty result as <v/> with the standard library's XML writer and as <v></v> with lxml
_FORMULA_CELL = re.compile(
    r'<c r="([A-Z]{1,3}[0-9]+)"([^>]*)>(<f(?:\s[^>]*)?>.*?</f>|<f(?:\s[^>]*)?/>)(?:<v\s*/>|<v>\s*</v>)(?=</c>)', re.S)
_TYPE_ATTRIBUTE = re.compile(r'\s+t="[^"]*"')


def keep_formula_results(path: Path, cached: dict[str, dict[str, object]]) -> None:
    """Put formula results (`cached`, by sheet title and coordinate) back into a workbook openpyxl has just saved,
    as the <v> value each formula cell had when the workbook was read. Parts are rewritten only where needed."""
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.utils.datetime import to_excel

    with zipfile.ZipFile(path) as archive:
        parts = sheet_parts(archive)
        wanted = {parts[title]: values for title, values in cached.items() if title in parts}
        if not wanted:
            return
        rewritten: dict[str, bytes] = {}
        for part, values in wanted.items():
            xml = archive.read(part).decode("utf-8")

            def fill(match: re.Match) -> str:
                value = values.get(match.group(1))
                if value is None:
                    return match.group(0)
                kind = None
                if isinstance(value, bool):
                    text, kind = ("1" if value else "0"), "b"
                elif isinstance(value, (int, float)):
                    text = repr(value) if isinstance(value, float) else str(value)
                elif isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
                    try:
                        text = repr(float(to_excel(value)))
                    except (TypeError, ValueError):
                        return match.group(0)
                elif isinstance(value, str):
                    kind = "e" if value in ERROR_CODES else "str"
                    text = escape(value)
                else:
                    return match.group(0)
                attributes = _TYPE_ATTRIBUTE.sub("", match.group(2))
                if kind is not None:
                    attributes += f' t="{kind}"'
                return f'<c r="{match.group(1)}"{attributes}>{match.group(3)}<v>{text}</v>'

            rewritten[part] = _FORMULA_CELL.sub(fill, xml).encode("utf-8")
        staging = path.with_name(path.name + ".part")
        try:
            with zipfile.ZipFile(staging, "w", zipfile.ZIP_DEFLATED) as out:
                for info in archive.infolist():
                    out.writestr(info, rewritten.get(info.filename) or archive.read(info.filename))
        except BaseException:
            staging.unlink(missing_ok=True)
            raise
    os.replace(staging, path)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> worksheet part name inside the package."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{NS_PKG_REL}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{NS_REL}id"), "")
        parts[sheet.get("name", "")] = (target.lstrip("/") if target.startswith("/")
                                        else posixpath.normpath(posixpath.join("xl", target)))
    return parts


def _from_calamine(value: object) -> object:
    """calamine's cell values in the shapes openpyxl gives: blank as None, dates as datetimes, whole-number
    floats as ints (Excel stores every number as a float)."""
    kind = type(value)
    if kind is str:
        return value if value else None
    if kind is float:
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def put_value(cell, value: object, number_format: str | None) -> None:
    """Write a computed value; give it the column's number format unless the agent formatted the cell."""
    was_general = cell.number_format == "General"
    write_cell(cell, value)
    if number_format and value is not None and was_general:
        cell.number_format = number_format


def write_cell(cell, value: object) -> None:
    """Write a value; text that a spreadsheet would run as a formula is stored as text with a quote prefix."""
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, str) and _ILLEGAL.search(value):
        cell.value = _ILLEGAL.sub("", value)


_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _plain(value: object) -> object:
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def _font(bold: bool = False, size: float | None = None, italic: bool = False, color: str | None = None):
    from openpyxl.styles import Font

    return Font(bold=bold, size=size, italic=italic, color=color)


def style_header(cell, fill: str, italic: bool = False, dark_text: bool = False) -> None:
    from openpyxl.styles import PatternFill

    cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
    cell.font = _font(bold=True, italic=italic, color="000000" if dark_text else "FFFFFF")


def _chart(ws, spec, columns: list[str], header_row: int, rows: int):
    from openpyxl.chart import BarChart, LineChart, Reference

    chart = BarChart() if spec.kind == "bar" else LineChart()
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.legend = None
    chart.height, chart.width = 7.5, 16
    value_col = columns.index(spec.value_column) + 1
    category_col = columns.index(spec.category_column) + 1
    last = header_row + (spec.last_row if spec.last_row is not None else rows)
    data = Reference(ws, min_col=value_col, min_row=header_row, max_row=last)
    categories = Reference(ws, min_col=category_col, min_row=header_row + 1 + spec.first_row, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    return chart

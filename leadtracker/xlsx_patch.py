"""PatchingXlsxStore: a closed .xlsx saved by rewriting only the cells that change.

openpyxl loads every cell of a workbook into objects and writes every one back: about 20 seconds per 10,000 leads
with their Activity. An import changes a few cells of existing leads and appends rows, so this store reads values
with calamine and, on commit, copies the package part by part, editing only the worksheet XML of the sheets it
wrote: changed cells are replaced in place (keeping their style), new rows are appended, the sheet's dimension and
its Excel Tables are grown to cover them, and the few cell formats needed (a date format, text that must stay text)
are added to styles.xml. Every other byte of the workbook is kept as it was, so macros, pictures, pivot tables and
slicers survive too. Saves are atomic, with the previous version kept, as XlsxStore does.

Anything this store does not patch (a new sheet, a rebuilt tool sheet, a cell holding a formula, a row without its
number) makes the commit fall back to XlsxStore: the file is opened with openpyxl, the same writes are replayed in
order, and XlsxStore saves it with its own safety rules.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import struct
import tempfile
import zipfile
from bisect import bisect_right
from pathlib import Path
from xml.sax.saxutils import escape

from .errors import WorkbookError, WorkbookLockedError
from .schema import Kind
from .store import GridStore, ToolSheet, grid_get, grid_put
from .values import looks_like_formula

_ROW = re.compile(rb"<row\b([^>]*?)(/?)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_SPANS = re.compile(rb'\s+spans="[^"]*"')
_DIMENSION = re.compile(rb'<dimension\s+ref="([^"]*)"\s*/>')
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
DEFAULT_DATE_FORMAT = "yyyy-mm-dd h:mm:ss"


class PatchUnsupported(Exception):
    """Something the patch path does not do; the commit falls back to XlsxStore."""


def column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: bytes | str) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    value = 0
    for ch in letters:
        value = value * 26 + ord(ch) - 64
    return value


class PatchingXlsxStore(GridStore):
    """A workbook file, read with calamine and written by patching its XML (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False) -> None:
        """Open the workbook; `read_only` reads it even while Excel has it open, and refuses to save."""
        super().__init__()
        from .xlsx_store import lock_files

        self.path = Path(path)
        self.label = self.path.name
        self.read_only = read_only
        if not self.path.exists():
            raise WorkbookError(f"{self.path} does not exist. Create one with: leadtracker new {self.path}")
        if self.path.suffix.lower() not in (".xlsx", ".xlsm"):
            raise WorkbookError(f"{self.path.name} is not an .xlsx workbook; save it from Excel as .xlsx first.")
        self._lock_files = lock_files
        if not read_only:
            self._refuse_if_open()
        from .xlsx_store import file_stamp

        self._stamp = file_stamp(self.path)
        try:
            with zipfile.ZipFile(self.path) as archive:
                from .xlsx_store import sheet_parts

                self._parts = sheet_parts(archive)
        except (zipfile.BadZipFile, KeyError) as error:
            raise WorkbookError(f"{self.path.name} could not be opened as a workbook ({error}).") from error
        self._cache: dict[str, list[list[object]]] = {}
        self._calamine = None
        self._ops: list[tuple] = []  # sheets created, tables grown, sheets replaced, in order (cells: _cells)
        self._cells: dict[str, dict[int, dict[int, tuple[object, str | None, Kind | None]]]] = {}
        self._tables: dict[str, tuple[int, int]] = {}
        self._unsupported: list[str] = []
        self.saved_by = ""  # "patch" or "openpyxl": how the last commit saved the file

    def _refuse_if_open(self) -> None:
        locks = self._lock_files(self.path)
        if locks:
            raise WorkbookLockedError(
                f"{self.path.name} is open in Excel or LibreOffice (found {locks[0].name}). Close it there and "
                "run again.")

    # --- primitives -------------------------------------------------------------------------------
    def _sheet_key(self, sheet: str) -> str | None:
        for name in list(self._parts) + [s for s in self._cache if s not in self._parts]:
            if name.casefold() == sheet.casefold():
                return name
        return None

    def _rows(self, sheet: str) -> list[list[object]]:
        if sheet not in self._cache:
            self._cache[sheet] = self._file_values(sheet)
        return self._cache[sheet]

    def _file_values(self, sheet: str) -> list[list[object]]:
        from python_calamine import CalamineWorkbook

        if self._calamine is None:
            self._calamine = CalamineWorkbook.from_path(str(self.path))
        try:
            values = self._calamine.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as error:  # noqa: BLE001 - calamine's own error types
            raise WorkbookError(f"{self.path.name}: sheet {sheet!r} could not be read ({error}).") from None
        # as xlsx_store._from_calamine, written inline (millions of cells): "" -> None, 3.0 -> 3, date -> datetime
        date, whole = dt.date, 2.0 ** 53
        rows = [[(v or None) if (kind := type(v)) is str
                 else (int(v) if v.is_integer() and -whole < v < whole else v) if kind is float
                 else dt.datetime(v.year, v.month, v.day) if kind is date
                 else v for v in row] for row in values]
        while rows and rows[-1].count(None) == len(rows[-1]):
            rows.pop()
        return rows

    def _read(self, name: str, columns):
        """GridStore._read, built column by column: the same table, a few times faster on long sheets."""
        import pandas as pd

        from .store import SheetData, find_header_row

        rows = self._rows(name)
        header_index = find_header_row(rows, columns)
        if header_index is None:
            return SheetData(name, (), pd.DataFrame(), 1 if not rows else len(rows) + 1)
        headers = tuple(rows[header_index])
        width = len(headers)
        data, numbers = [], []
        for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
            empty = row.count(None)
            if empty == len(row) or (len(row) - empty <= 3 and not any(
                    v is not None and (type(v) is not str or v.strip()) for v in row)):
                continue  # a blank row is not data, nor is one of a few cells of spaces
            data.append(row[:width] + [None] * (width - len(row)) if len(row) < width else row[:width])
            numbers.append(offset)
        index = pd.Index(numbers, name="row")
        by_column = list(zip(*data)) if data else [()] * width
        frame = pd.DataFrame({c: pd.Series(list(values), index=index, dtype=object)
                              for c, values in enumerate(by_column)}, index=index)
        return SheetData(name, headers, frame, header_index + 1)

    def _get(self, sheet: str, row: int, col: int) -> object:
        return grid_get(self._rows(sheet), row, col)

    def _write_cell(self, sheet: str, row: int, col: int, value: object, number_format: str | None = None,
                    header_kind: Kind | None = None) -> None:
        rows = self._rows(sheet)
        if value is None and header_kind is None and grid_get(rows, row, col) is None and col not in self._cells.get(
                sheet, {}).get(row, {}):
            return  # blank over blank (most new-row cells of a long table): nothing to write
        self._cells.setdefault(sheet, {}).setdefault(row, {})[col] = (value, number_format, header_kind)
        grid_put(rows, row, col, value)

    def _create_sheet(self, sheet: str) -> str:
        self._ops.append(("create", sheet))
        self._unsupported.append(f"a new sheet {sheet!r}")
        self._cache[sheet] = []
        return sheet

    def _extend_table(self, sheet: str, last_col: int, last_row: int | None = None) -> None:
        self._ops.append(("table", sheet, last_col, last_row))
        col, row = self._tables.get(sheet, (0, 0))
        self._tables[sheet] = (max(col, last_col), max(row, last_row or 0))

    def replace_sheet(self, sheet: ToolSheet) -> None:
        self._ops.append(("replace", sheet))
        self._unsupported.append(f"the rebuilt {sheet.name!r} sheet")
        existing = self._sheet_key(sheet.name) or sheet.name
        self._generations[existing] = self._generations.get(existing, 0) + 1
        self._cache[existing] = [list(sheet.frame.columns)] + [list(r) for r in sheet.frame.itertuples(index=False)]

    # --- commit -----------------------------------------------------------------------------------
    def commit(self) -> str:
        if self.read_only:
            raise WorkbookError(f"{self.path.name} was opened only to read; nothing was saved.")
        if not self._ops and not self._cells:
            return f"{self.path.name}: nothing to save."
        reasons = list(self._unsupported)
        temp: Path | None = None
        from .xlsx_store import refuse_if_saved_meanwhile

        refuse_if_saved_meanwhile(self.path, self._stamp)  # the openpyxl path below reads the file again too
        if not reasons:
            real = Path(os.path.realpath(self.path))
            try:
                descriptor, name = tempfile.mkstemp(prefix=".~leadtracker-", suffix=".xlsx", dir=real.parent)
                os.close(descriptor)
                temp = Path(name)
                patch_package(real, temp, self._cells, self._tables)
                with open(temp, "rb") as handle:
                    os.fsync(handle.fileno())
                shutil.copymode(real, temp)
                self._refuse_if_open()
                from .xlsx_store import _fsync_folder, backup_path, file_stamp

                refuse_if_saved_meanwhile(real, self._stamp)
                shutil.copy2(real, backup_path(real))
                os.replace(temp, real)
                _fsync_folder(real.parent)
                self._stamp = file_stamp(real)
                self._ops.clear()
                self._cells.clear()
                self._tables.clear()
                self.saved_by = "patch"
                return f"Saved {self.path.name} (previous version kept as {backup_path(real).name})."
            except PatchUnsupported as why:
                reasons.append(str(why))
            except PermissionError as error:
                raise WorkbookError(f"{self.path.name} could not be saved: permission denied. Is it open in "
                                    f"another program, or read-only? It was not changed.") from error
            except OSError as error:
                raise WorkbookError(f"{self.path.name} could not be saved ({error.strerror or error}); it was not "
                                    "changed.") from error
            finally:
                if temp is not None and temp.exists():
                    temp.unlink()
        return self._commit_through_openpyxl()

    def _commit_through_openpyxl(self) -> str:
        """Replay every write on an XlsxStore and let it save (the slower path that handles everything)."""
        from .xlsx_store import XlsxStore

        store = XlsxStore(self.path, fast_read=True)
        for op in self._ops:  # new sheets first, so their cells have somewhere to go
            if op[0] == "create" and store._sheet_key(op[1]) is None:
                store._create_sheet(op[1])
        for sheet, rows in self._cells.items():
            if store._sheet_key(sheet) is None:
                store._create_sheet(sheet)
            for row, writes in rows.items():
                for col, (value, number_format, header_kind) in writes.items():
                    store._set(sheet, row, col, value, number_format, header_kind)
        for op in self._ops:
            if op[0] == "table":
                store._extend_table(op[1], op[2], op[3])
            elif op[0] == "replace":
                store.replace_sheet(op[1])
        self._ops.clear()
        self._cells.clear()
        self._tables.clear()
        self.saved_by = "openpyxl"
        message = store.commit()
        from .xlsx_store import file_stamp

        self._stamp = file_stamp(self.path)
        return message


# --- the package patch ------------------------------------------------------------------------------------------

def patch_package(source: Path, target: Path, cells: dict[str, dict[int, dict[int, tuple]]],
                  tables: dict[str, tuple[int, int]]) -> None:
    """Copy the workbook at `source` to `target`, with `cells` (sheet -> row -> col -> (value, number format,
    header kind)) written and each sheet's tables grown to (last col, last row) in `tables`."""
    from .xlsx_store import sheet_parts

    with zipfile.ZipFile(source) as archive:
        parts = sheet_parts(archive)
        names = set(archive.namelist())
        styles = Styles(archive.read("xl/styles.xml")) if "xl/styles.xml" in names else None
        rewritten: dict[str, bytes] = {}
        for sheet, rows in cells.items():
            part = parts.get(sheet)
            if part is None or part not in names:
                raise PatchUnsupported(f"sheet {sheet!r} is not in the file")
            if styles is None:
                raise PatchUnsupported("the workbook has no styles part")
            rewritten[part] = patch_sheet(archive.read(part), rows, styles)
        for sheet, (last_col, last_row) in tables.items():
            part = parts.get(sheet)
            if part is None:
                continue
            for table_part in _table_parts(archive, part, names):
                xml = rewritten.get(table_part) or archive.read(table_part)
                header_cells = cells.get(sheet, {})
                rewritten[table_part] = grow_table(xml, last_col, last_row, header_cells)
        if styles is not None and styles.changed:
            rewritten["xl/styles.xml"] = styles.xml()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out, open(source, "rb") as raw:
            for info in archive.infolist():
                data = rewritten.get(info.filename)
                if data is None and _copy_compressed(raw, info, out):
                    continue  # an untouched part: its compressed bytes copied as they are
                if data is None:
                    data = archive.read(info.filename)
                clone = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                clone.compress_type = info.compress_type
                clone.external_attr = info.external_attr
                level = (3 if len(data) > 8_000_000 else 6) if info.compress_type == zipfile.ZIP_DEFLATED else None
                out.writestr(clone, data, compresslevel=level)  # a big sheet: faster, a little larger


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def _copy_compressed(source, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> bool:
    """Copy one member's compressed bytes into `out` without inflating and deflating them again (most of a big
    workbook is untouched). False when the member is one this does not handle (ZIP64, encrypted): then it is
    copied the ordinary way."""
    if info.file_size >= 1 << 31 or info.compress_size >= 1 << 31 or info.flag_bits & 0x01 or info.extra:
        return False
    source.seek(info.header_offset)
    header = source.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        return False
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        return False
    source.seek(info.header_offset + _LOCAL_HEADER.size + fields[10] + fields[11])
    data = source.read(info.compress_size)
    if len(data) != info.compress_size:
        return False
    clone = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    clone.compress_type = info.compress_type
    clone.external_attr = info.external_attr
    clone.create_system = info.create_system
    clone.flag_bits = info.flag_bits & ~0x08  # sizes go in the local header, no data descriptor
    clone.CRC, clone.compress_size, clone.file_size = info.CRC, info.compress_size, info.file_size
    clone.header_offset = out.fp.tell()
    out.fp.write(clone.FileHeader(zip64=False))
    out.fp.write(data)
    out.filelist.append(clone)
    out.NameToInfo[clone.filename] = clone
    out.start_dir = out.fp.tell()
    out._didModify = True
    return True


def _table_parts(archive: zipfile.ZipFile, sheet_part: str, names: set[str]) -> list[str]:
    import posixpath
    from xml.etree import ElementTree

    rels_name = posixpath.join(posixpath.dirname(sheet_part), "_rels", posixpath.basename(sheet_part) + ".rels")
    if rels_name not in names:
        return []
    found = []
    for rel in ElementTree.fromstring(archive.read(rels_name)):
        if rel.get("Type", "").endswith("/table"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(sheet_part), target))
            if part in names:
                found.append(part)
    return found


def grow_table(xml: bytes, last_col: int, last_row: int, cells: dict[int, dict[int, tuple]]) -> bytes:
    """A table part with its range (and its autofilter's) grown to cover `last_col` and `last_row`; new columns
    get <tableColumn> entries named after the header cells written."""
    text = xml.decode("utf-8")
    match = re.search(r'<table\b[^>]*?\bref="([^"]+)"', text)
    if not match:
        raise PatchUnsupported("a table without a range")
    ref = _REF.match(match.group(1))
    if not ref or not ref.group(3):
        raise PatchUnsupported("a table range I cannot read")
    first_col, first_row = column_index(ref.group(1)), int(ref.group(2))
    max_col, max_row = column_index(ref.group(3)), int(ref.group(4))
    new_col, new_row = max(max_col, last_col), max(max_row, last_row)
    if (new_col, new_row) == (max_col, max_row):
        return xml
    new_ref = f"{column_letters(first_col)}{first_row}:{column_letters(new_col)}{new_row}"
    old_ref = match.group(1)
    text = text.replace(f'ref="{old_ref}"', f'ref="{new_ref}"')  # the table's and its autoFilter's
    if new_col > max_col:
        columns = re.search(r'<tableColumns\b[^>]*\bcount="(\d+)"[^>]*>', text)
        if not columns:
            raise PatchUnsupported("a table without its column list")
        ids = [int(i) for i in re.findall(r'<tableColumn\b[^>]*\bid="(\d+)"', text)]
        next_id = max(ids, default=0) + 1
        added = []
        for col in range(max_col + 1, new_col + 1):
            header = cells.get(first_row, {}).get(col)
            name = str(header[0]) if header is not None and header[0] is not None else f"Column{col}"
            added.append(f'<tableColumn id="{next_id}" name="{escape(name, {chr(34): "&quot;"})}"/>')
            next_id += 1
        count = int(columns.group(1)) + len(added)
        text = text.replace(columns.group(0), columns.group(0).replace(f'count="{columns.group(1)}"',
                                                                       f'count="{count}"'), 1)
        text = text.replace("</tableColumns>", "".join(added) + "</tableColumns>", 1)
    return text.encode("utf-8")


class Styles:
    """The cell formats of styles.xml, and the few this store adds: a number format on a cell's own style, or the
    same style marked so that text stays text (quotePrefix)."""

    def __init__(self, xml: bytes) -> None:
        self._xml = xml.decode("utf-8")
        cell_xfs = re.search(r"<cellXfs\b[^>]*>(.*?)</cellXfs>", self._xml, re.S)
        if cell_xfs is None:
            raise PatchUnsupported("styles.xml has no cell formats")
        self._xfs = re.findall(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", cell_xfs.group(1), re.S)
        self._formats: dict[str, int] = {}
        for element in re.findall(r"<numFmt\b[^>]*>", self._xml):
            number = re.search(r'numFmtId="(\d+)"', element)
            code = re.search(r'formatCode="([^"]*)"', element)
            if number and code:
                self._formats.setdefault(_unescape(code.group(1)), int(number.group(1)))
        self._added_formats: dict[str, int] = {}
        self._added_xfs: list[str] = []
        self._derived: dict[tuple[int, str | None, bool], int] = {}
        self._general: dict[int, bool] = {}
        self.changed = False

    def is_general(self, style: int) -> bool:
        known = self._general.get(style)
        if known is None:
            match = re.search(r'numFmtId="(\d+)"', self._xf(style).split(">", 1)[0])
            known = self._general[style] = match is None or match.group(1) == "0"
        return known

    def derived(self, style: int, number_format: str | None, text: bool) -> int:
        """The index of `style` with `number_format` set and/or quotePrefix on, added once."""
        key = (style, number_format, text)
        if key in self._derived:
            return self._derived[key]
        xf = self._xf(style)
        if number_format:
            format_id = self._format_id(number_format)
            xf = _set_attribute(xf, "numFmtId", str(format_id))
            xf = _set_attribute(xf, "applyNumberFormat", "1")
        if text:
            xf = _set_attribute(xf, "quotePrefix", "1")
        index = len(self._xfs) + len(self._added_xfs)
        self._added_xfs.append(xf)
        self._derived[key] = index
        self.changed = True
        return index

    def _xf(self, style: int) -> str:
        if style < len(self._xfs):
            return self._xfs[style]
        if style - len(self._xfs) < len(self._added_xfs):
            return self._added_xfs[style - len(self._xfs)]
        return self._xfs[0] if self._xfs else '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'

    def _format_id(self, code: str) -> int:
        builtin = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
                   "mm-dd-yy": 14, "@": 49}
        if code in builtin:
            return builtin[code]
        if code in self._formats:
            return self._formats[code]
        if code in self._added_formats:
            return self._added_formats[code]
        used = list(self._formats.values()) + list(self._added_formats.values())
        new_id = max([163] + used) + 1
        self._added_formats[code] = new_id
        return new_id

    def xml(self) -> bytes:
        text = self._xml
        if self._added_formats:
            entries = "".join(f'<numFmt numFmtId="{i}" formatCode="{escape(c, {chr(34): "&quot;"})}"/>'
                              for c, i in self._added_formats.items())
            if re.search(r"<numFmts\b", text):
                text = re.sub(r"</numFmts>", lambda m: entries + "</numFmts>", text, count=1)
                text = re.sub(r'(<numFmts\b[^>]*\bcount=")(\d+)(")',
                              lambda m: f"{m.group(1)}{int(m.group(2)) + len(self._added_formats)}{m.group(3)}",
                              text, count=1)
            else:
                block = f'<numFmts count="{len(self._added_formats)}">{entries}</numFmts>'
                text = re.sub(r"(<styleSheet\b[^>]*>)", lambda m: m.group(1) + block, text, count=1)
        if self._added_xfs:
            text = re.sub(r"</cellXfs>", lambda m: "".join(self._added_xfs) + "</cellXfs>", text, count=1)
            total = len(self._xfs) + len(self._added_xfs)
            text = re.sub(r'(<cellXfs\b[^>]*\bcount=")(\d+)(")', lambda m: f"{m.group(1)}{total}{m.group(3)}",
                          text, count=1)
        return text.encode("utf-8")


def _set_attribute(element: str, name: str, value: str) -> str:
    pattern = re.compile(rf'\b{name}="[^"]*"')
    if pattern.search(element.split(">", 1)[0]):
        head, sep, tail = element.partition(">")
        return pattern.sub(f'{name}="{value}"', head, count=1) + sep + tail
    return re.sub(r"^<xf\b", f'<xf {name}="{value}"', element, count=1)


def _unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def patch_sheet(xml: bytes, rows: dict[int, dict[int, tuple]], styles: Styles) -> bytes:
    """A worksheet part with the given cells written: existing rows edited in place, new rows inserted in order."""
    opening = re.search(rb"<sheetData\s*/>|<sheetData\b[^>]*>", xml)
    if opening is None:
        raise PatchUnsupported("a worksheet without sheet data")
    if opening.group(0).endswith(b"/>"):
        xml = xml[:opening.start()] + b"<sheetData></sheetData>" + xml[opening.end():]
        opening = re.search(rb"<sheetData\b[^>]*>", xml)
    start = opening.end()
    end = xml.index(b"</sheetData>", start)
    first_written = min(rows)
    scan_from = start
    last = xml.rfind(b"<row ", start, end)
    if last >= 0:  # appending after the last row (the usual import): only the last row needs reading
        number = _ROW_NUMBER.search(xml, last, xml.index(b">", last))
        if number is not None and int(number.group(1)) < first_written:
            scan_from = last
    numbers: list[int] = []
    spans: list[tuple[int, int, bool]] = []  # (start, end of the start tag, self-closing)
    for match in _ROW.finditer(xml, scan_from, end):
        number = _ROW_NUMBER.search(match.group(1))
        if number is None:
            raise PatchUnsupported("a row without its number")
        numbers.append(int(number.group(1)))
        spans.append((match.start(), match.end(), match.group(2) == b"/"))
    if any(b <= a for a, b in zip(numbers, numbers[1:])):
        raise PatchUnsupported("rows out of order")
    pieces: list[bytes] = [xml[:scan_from]]
    cursor = scan_from
    max_row, max_col = 0, 0
    for row in sorted(rows):
        writes = rows[row]
        max_row = max(max_row, row)
        max_col = max(max_col, max(writes))
        at = bisect_right(numbers, row) - 1
        if at >= 0 and numbers[at] == row:
            row_start, tag_end, closed = spans[at]
            row_end = tag_end if closed else xml.index(b"</row>", tag_end) + len(b"</row>")
            pieces.append(xml[cursor:row_start])
            pieces.append(_patched_row(xml[row_start:tag_end], b"" if closed else xml[tag_end:row_end - 6],
                                       closed, row, writes, styles))
            cursor = row_end
        else:
            insert_at = spans[at + 1][0] if at + 1 < len(spans) else end
            if insert_at < cursor:
                raise PatchUnsupported("rows out of order")
            pieces.append(xml[cursor:insert_at])
            pieces.append(b'<row r="%d">' % row + b"".join(_cell(row, col, writes[col], None, styles, {})
                                                          for col in sorted(writes)) + b"</row>")
            cursor = insert_at
    pieces.append(xml[cursor:])
    head = _grow_dimension(pieces[0][:start], max_row, max_col)  # <dimension> sits before <sheetData>
    pieces[0] = head + pieces[0][start:]
    return b"".join(pieces)


def _patched_row(tag: bytes, body: bytes, closed: bool, row: int, writes: dict[int, tuple],
                 styles: Styles) -> bytes:
    existing: dict[int, bytes] = {}
    order: list[int] = []
    for match in _CELL.finditer(body):
        ref = _CELL_REF.search(match.group(1))
        if ref is None:
            raise PatchUnsupported("a cell without its reference")
        col = column_index(ref.group(1))
        existing[col] = match.group(0)
        order.append(col)
    if order != sorted(order):
        raise PatchUnsupported("cells out of order")
    styles_by_col = {}
    for col, raw in existing.items():
        style = _STYLE.search(raw.split(b">", 1)[0])
        styles_by_col[col] = int(style.group(1)) if style else 0
    for col in writes:
        if col in existing and (b"<f>" in existing[col] or b"<f " in existing[col] or b"<f/>" in existing[col]):
            raise PatchUnsupported("a cell holding a formula")
    cells = dict(existing)
    for col, write in writes.items():
        cells[col] = _cell(row, col, write, styles_by_col.get(col), styles, styles_by_col)
    start_tag = _SPANS.sub(b"", tag[:-2] + b">" if closed else tag)
    return start_tag + b"".join(cells[c] for c in sorted(cells)) + b"</row>"


def _cell(row: int, col: int, write: tuple, style: int | None, styles: Styles, row_styles: dict[int, int]) -> bytes:
    value, number_format, header_kind = write
    base = style if style is not None else 0
    if header_kind is not None and style is None and row_styles:  # a new header: dressed like those to its left
        left = [c for c in row_styles if c < col]
        base = row_styles[max(left)] if left else 0
    value = _plain(value)
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        if looks_like_formula(value):
            base = styles.derived(base, None, True)
    elif value is not None and styles.is_general(base):
        fmt = number_format or (DEFAULT_DATE_FORMAT if isinstance(value, dt.datetime) else None)
        if fmt:
            base = styles.derived(base, fmt, False)
    ref = f"{column_letters(col)}{row}".encode("ascii")
    style_attr = b' s="%d"' % base if base else b""
    if value is None:
        return b'<c r="' + ref + b'"' + style_attr + b"/>"
    if isinstance(value, bool):
        return b'<c r="' + ref + b'"' + style_attr + b' t="b"><v>' + (b"1" if value else b"0") + b"</v></c>"
    if isinstance(value, (int, float)):
        return b'<c r="' + ref + b'"' + style_attr + b"><v>" + repr(value).encode("ascii") + b"</v></c>"
    if isinstance(value, dt.datetime):
        from openpyxl.utils.datetime import to_excel

        return b'<c r="' + ref + b'"' + style_attr + b"><v>" + repr(float(to_excel(value))).encode() + b"</v></c>"
    text = escape(str(value))
    space = b' xml:space="preserve"' if text != text.strip() else b""
    return (b'<c r="' + ref + b'"' + style_attr + b' t="inlineStr"><is><t' + space + b">" + text.encode("utf-8")
            + b"</t></is></c>")


def _plain(value: object) -> object:
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is dt.datetime:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if value is None or kind.__name__ == "NaTType":
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    elif hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _grow_dimension(xml: bytes, max_row: int, max_col: int) -> bytes:
    match = _DIMENSION.search(xml)
    if match is None:
        return xml
    ref = _REF.match(match.group(1).decode("ascii"))
    if ref is None:
        return xml
    first = f"{ref.group(1)}{ref.group(2)}"
    last_col = column_index(ref.group(3) or ref.group(1))
    last_row = int(ref.group(4) or ref.group(2))
    new_ref = f"{first}:{column_letters(max(last_col, max_col))}{max(last_row, max_row)}"
    return xml[:match.start()] + f'<dimension ref="{new_ref}"/>'.encode("ascii") + xml[match.end():]

"""The xlwings store beyond the shared contract (tests/test_store_contract.py runs that on it too): the pinned
xlwings API subset, writes in blocks, text that stays text, and reading a sheet whose used range is not at A1."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import xlwings

import xlwings_double
from addin.ribbon import RIBBON_API
from addin.xlwings_store import XLWINGS_API, XlwingsStore, excel_would_convert, rectangles
from leadtracker.schema import ACTIVITY_COLUMNS, LEAD_COLUMNS
from leadtracker.store import CellFill


def pinned() -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for table in (XLWINGS_API, RIBBON_API):
        for cls, attributes in table.items():
            names.setdefault(cls, set()).update(attributes)
    return names


def test_the_double_implements_exactly_the_pinned_xlwings_calls():
    """A new xlwings call in the add-in fails the tests (the double raises) until both lists are updated."""
    assert xlwings_double.surface() == pinned()
    book = xlwings_double.Book({"Leads": [["Lead ID"]]})
    with pytest.raises(AttributeError, match="outside the pinned subset"):
        book.sheets["Leads"].autofit()


def test_classic_xlwings_has_every_pinned_call():
    classes = {"Book": xlwings.Book, "Sheets": xlwings.main.Sheets, "Sheet": xlwings.Sheet,
               "Range": xlwings.Range, "App": xlwings.App}
    for cls, attributes in pinned().items():
        for attribute in attributes:
            member = getattr(classes[cls], attribute.rstrip("="), None)
            assert member is not None, f"xlwings.{cls} has no {attribute}"
            if attribute.endswith("="):
                assert isinstance(member, property) and member.fset is not None, f"xlwings.{cls}.{attribute}"


# What each store call rests on in xlwings' remote engine (used by xlwings Server and Lite), by impl class.
REMOTE_IMPLEMENTATION = {
    ("Book", "name"): ("Book", "name"), ("Book", "sheets"): ("Book", "sheets"),
    ("Sheets", "__iter__"): ("Sheets", "__iter__"), ("Sheets", "__getitem__"): ("Sheets", "__call__"),
    ("Sheets", "add"): ("Sheets", "add"),
    ("Sheet", "name"): ("Sheet", "name"), ("Sheet", "used_range"): ("Sheet", "used_range"),
    ("Sheet", "range"): ("Sheet", "range"), ("Sheet", "clear_contents"): ("Sheet", "clear_contents"),
    ("Range", "options"): None,  # engine-independent: xlwings/main.py converts whatever the engine returns
    ("Range", "row"): ("Range", "row"), ("Range", "column"): ("Range", "column"),
    ("Range", "value"): ("Range", "raw_value"), ("Range", "value="): ("Range", "raw_value"),
    ("Range", "number_format="): ("Range", "number_format"),
}


def _remote_classes() -> dict[str, dict[str, list[ast.FunctionDef]]]:
    """The remote engine's classes and their methods, read from its source (the module itself needs a licence)."""
    source = Path(xlwings.__file__).parent / "pro" / "_xlremote.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    classes: dict[str, dict[str, list[ast.FunctionDef]]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            methods: dict[str, list[ast.FunctionDef]] = {}
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    methods.setdefault(item.name, []).append(item)
            classes[node.name] = methods
    return classes


def _only_raises(function: ast.FunctionDef) -> bool:
    body = [n for n in function.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def test_xlwings_server_and_lite_implement_what_the_store_uses():
    remote = _remote_classes()
    assert set(REMOTE_IMPLEMENTATION) == {(c, a) for c, names in XLWINGS_API.items() for a in names}
    for (cls, attribute), implementation in REMOTE_IMPLEMENTATION.items():
        if implementation is None:
            continue
        impl_cls, impl_name = implementation
        definitions = remote[impl_cls].get(impl_name, [])
        assert definitions, f"the remote engine has no {impl_cls}.{impl_name} (for {cls}.{attribute})"
        if attribute.endswith("="):  # the setter must be there and do something
            setters = [d for d in definitions if any(isinstance(x, ast.Attribute) and x.attr == "setter"
                                                     for x in d.decorator_list)]
            assert setters and not _only_raises(setters[0]), f"{impl_cls}.{impl_name} cannot be set remotely"
        else:
            assert not _only_raises(definitions[0]), f"{impl_cls}.{impl_name} is not implemented remotely"


def test_text_that_excel_would_convert_is_written_as_that_text():
    book = xlwings_double.Book({"Activity": [[c.name for c in ACTIVITY_COLUMNS]]})
    store = XlwingsStore(book)
    notes = ["=1+2", "+1 555 0100", "-call back", "@home", "0123", "3/15/2026", "Mar 15, 2026", "5:30 PM", "TRUE",
             "12%", "$1,000", "'quoted'", "#N/A", "plain words 3 times", "1e5"]
    rows = pd.DataFrame([{"Activity ID": f"A-{i}", "Lead ID": "L-1", "Note": note} for i, note in enumerate(notes)])
    assert store.append_rows("Activity", ACTIVITY_COLUMNS, rows, "Activity ID") == len(notes)
    store.commit()
    note_col = [c.name for c in ACTIVITY_COLUMNS].index("Note")
    assert [r[note_col] for r in book.sheets["Activity"].table()[1:]] == notes
    assert not excel_would_convert("plain words 3 times") and excel_would_convert("15-Mar")


def test_nothing_reaches_excel_before_commit_and_computed_columns_go_in_one_block():
    leads = [["Lead ID", "Owner Name", "Stage", "Next Step", "Due Date"]]
    leads += [[f"L-{i}", f"Owner {i}", None, None, None] for i in range(1, 301)]
    book = xlwings_double.Book({"Leads": leads})
    store = XlwingsStore(book)
    columns = tuple(c for c in LEAD_COLUMNS if c.name in ("Stage", "Next Step", "Due Date"))
    frame = pd.DataFrame({"Lead ID": [f"L-{i}" for i in range(1, 301)], "Stage": "Cadence", "Next Step": "D2",
                          "Due Date": dt.datetime(2026, 12, 1)})
    assert store.write_computed("Leads", columns, "Lead ID", frame) == 300
    store.fill_cells("Leads", LEAD_COLUMNS, [CellFill(7, "Owner Name", "Owner 6", "Owner Six")])
    assert book.value_writes == []  # nothing written yet: a failure before commit leaves the workbook as it was
    store.commit()
    blocks = sorted(book.value_writes)
    assert blocks == [("Leads", (2, 3), (300, 3)), ("Leads", (7, 2), (1, 1))]
    table = book.sheets["Leads"].table()
    assert table[300][2:] == ["Cadence", "D2", dt.datetime(2026, 12, 1)] and table[6][1] == "Owner Six"


def test_a_new_computed_column_gets_its_number_format_in_one_call():
    book = xlwings_double.Book({"Leads": [["Lead ID"], ["L-1"], ["L-2"]]})
    store = XlwingsStore(book)
    due = next(c for c in LEAD_COLUMNS if c.name == "Due Date")
    store.write_computed("Leads", (due,), "Lead ID", pd.DataFrame({"Lead ID": ["L-1", "L-2"],
                                                                   "Due Date": [dt.datetime(2026, 12, 1)] * 2}))
    store.commit()
    sheet = book.sheets["Leads"]
    assert sheet.table()[0] == ["Lead ID", "Due Date"]
    assert sheet._formats == {(2, 2): due.number_format, (3, 2): due.number_format}


def test_reads_a_used_range_that_does_not_start_at_a1():
    book = xlwings_double.Book({"Leads": [[], [], [None, None, "Lead ID", "Owner"], [None, None, 1001, "Avery"]]})
    data = XlwingsStore(book).read("Leads", LEAD_COLUMNS)
    assert data.header_row == 3 and list(data.rows.index) == [4]
    frame = data.canonical(LEAD_COLUMNS)
    assert frame["Lead ID"].tolist() == [1001] and type(frame["Lead ID"].iloc[0]) is int  # Excel's 1001.0
    assert frame["Owner Name"].tolist() == ["Avery"]


def test_error_cells_read_as_their_text_like_the_xlsx_store():
    book = xlwings_double.Book({"Leads": [["Lead ID", "Sale Date"], ["L-1", (xlwings_double.ERROR, "#N/A")]]})
    frame = XlwingsStore(book).read("Leads", LEAD_COLUMNS).canonical(LEAD_COLUMNS)
    assert frame["Sale Date"].tolist() == ["#N/A"]


def test_rectangles_cover_exactly_the_cells():
    cells = {(r, c): None for r in range(2, 6) for c in (3, 4, 5)} | {(9, 3): None, (2, 8): None}
    assert rectangles(cells) == [(2, 3, 5, 5), (2, 8, 2, 8), (9, 3, 9, 3)]

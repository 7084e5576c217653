"""The comps commands: `import-comps` (an MLS export onto the Comps sheet) and `cma` (value a file of subjects).

import-comps appends the export's rows under the Comps sheet's own headers (matched by name and alias; a column
the sheet lacks is added at the right end), typed as numbers and dates so Excel sorts and formats them, and skips
rows already on the sheet (same MLS Number, or same address, sale date and price), so importing the same export
twice adds nothing. Cells of the file never become formulas (the store writes formula-looking text as text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .cma import CmaParams, CmaRun, run_cma
from .cma_data import parse_comps, parse_subjects, usable_comps
from .cma_files import read_table
from .errors import UsageError
from .schema import COMP_COLUMNS, SHEET_COMPS, SUBJECT_COLUMNS, ValueType
from .store import Store, key_text
from .values import parse_column

COMP_NAMES = [c.name for c in COMP_COLUMNS]


@dataclass(frozen=True)
class ImportReport:
    added: int
    skipped_duplicates: int
    ignored_columns: tuple[str, ...]
    problems: tuple[str, ...]
    saved: str

    def summary(self, source: str) -> str:
        text = (f"Imported {self.added:,} comp row{'s' if self.added != 1 else ''} from {source} onto the "
                f"{SHEET_COMPS} sheet")
        if self.skipped_duplicates:
            text += f"; {self.skipped_duplicates:,} already there were skipped"
        text += "."
        if self.ignored_columns:
            text += " Columns not imported (not comp facts I know): " + ", ".join(self.ignored_columns[:12])
            text += ", …" if len(self.ignored_columns) > 12 else ""
            text += "."
        return text


def typed_comp_rows(raw: pd.DataFrame) -> pd.DataFrame:
    """File cells as the values a spreadsheet should hold: numbers as numbers, dates as dates; a cell that cannot be
    read keeps its text so the agent sees it (and the refresh reports it)."""
    out = pd.DataFrame(index=raw.index)
    for column in COMP_COLUMNS:
        series = raw[column.name]
        if series.isna().all():
            continue
        if column.type in (ValueType.TEXT, ValueType.STATE, ValueType.FLAG) or column.name == "Distressed":
            out[column.name] = series.map(lambda v: v.strip() if isinstance(v, str) else v)
            continue
        options = {"allow_negative": True} if column.name in ("Latitude", "Longitude") else {}
        parsed = parse_column(column.type, series, column.name, **options).values
        if column.type is ValueType.DATE:
            values = [v.to_pydatetime() if isinstance(v, pd.Timestamp) and v is not pd.NaT else None
                      for v in parsed]
        elif column.type is ValueType.ZIP:
            values = list(parsed)
        else:
            values = [None if v != v else (int(v) if float(v).is_integer() else float(v)) for v in parsed]
        kept = [v if v is not None else (raw_value if raw_value is not None else None)
                for v, raw_value in zip(values, series)]
        out[column.name] = pd.Series(kept, index=raw.index, dtype=object)
    return out


def _keys(frame: pd.DataFrame) -> list[str | None]:
    """A row's identity: its MLS Number, else address + sale date + price (+ status)."""
    keys = []
    for record in frame.to_dict("records"):
        mls = key_text(record.get("MLS Number"))
        if mls:
            keys.append("mls:" + mls.casefold())
            continue
        parts = [key_text(record.get(n)) for n in ("Address", "Parcel ID", "Sale Date", "Sale Price", "List Price",
                                                    "Status")]
        parts = [" ".join(str(p).casefold().split()) if p is not None else "" for p in parts]
        keys.append("row:" + "|".join(parts) if any(parts[:2]) else None)
    return keys


def import_comps(store: Store, path: str | Path) -> ImportReport:
    raw, unknown = read_table(path, COMP_COLUMNS, "comps")
    if raw.empty:
        raise UsageError(f"{Path(path).name} has a header row but no data rows.")
    rows = typed_comp_rows(raw)
    parsed = parse_comps(raw, where=Path(path).name)
    existing = store.read(SHEET_COMPS, COMP_COLUMNS)
    seen: set[str] = set()
    if existing is not None and existing.headers and len(existing.rows):
        canonical = existing.canonical(COMP_COLUMNS)
        seen = {k for k in _keys(typed_comp_rows(canonical)) if k}
    keys = _keys(rows)
    fresh, duplicates = [], 0
    for position, key in enumerate(keys):
        if key is not None and key in seen:
            duplicates += 1
            continue
        if key is not None:
            seen.add(key)
        fresh.append(position)
    new_rows = rows.iloc[fresh]
    columns = tuple(c for c in COMP_COLUMNS if c.name in new_rows.columns)
    if existing is None or not existing.headers:
        columns = COMP_COLUMNS  # a new Comps sheet gets every header, in the template's order
    added = store.append_rows(SHEET_COMPS, columns, new_rows.reindex(columns=[c.name for c in columns]), None) \
        if len(new_rows) else 0
    saved = store.commit()
    return ImportReport(added, duplicates, tuple(unknown), parsed.problems, saved)


@dataclass(frozen=True)
class CmaFileReport:
    subjects: int
    valued: int
    k: float
    calibration: dict[str, object]
    out: Path
    problems: tuple[str, ...]

    def summary(self) -> str:
        how = (f"calibrated on {self.calibration.get('n')} recent sales" if self.calibration.get("source") ==
               "recent sales" else f"{self.calibration.get('source')}: too few recent sales to calibrate")
        return (f"Valued {self.valued:,} of {self.subjects:,} subject{'s' if self.subjects != 1 else ''}; "
                f"wrote {self.out}. Range factor k = {self.k:.2f} ({how}).")


OUT_COLUMNS = ("Lead ID", "CMA Low", "CMA Mid", "CMA High", "Confidence", "Comps", "Sold Comps", "Listings",
               "Comp IDs", "Matched By", "Radius mi", "Reason")


def value_files(subjects_path: str | Path, comps_path: str | Path, out_path: str | Path,
                as_of: dt.date | None = None, params: CmaParams = CmaParams()) -> CmaFileReport:
    """One output row per subject: id, low, mid, high, confidence, number of comps and the comp ids (the subject's
    own earlier sale, where it is weighed, among them as "own sale ID"; it is not counted as a comp)."""
    default = pd.Timestamp(as_of or dt.date.today())
    subject_raw, _ = read_table(subjects_path, SUBJECT_COLUMNS, "subject")
    comp_raw, _ = read_table(comps_path, COMP_COLUMNS, "comps")
    subjects, subject_problems = parse_subjects(subject_raw, default, where=Path(subjects_path).name)
    parsed = parse_comps(comp_raw, where=Path(comps_path).name)
    run = run_cma(subjects, usable_comps(parsed), params)
    out = cma_table(run, subjects)
    out_path = Path(out_path)
    if out_path.parent and not out_path.parent.exists():
        raise UsageError(f"The folder {out_path.parent} does not exist.")
    from .documents.text import csv_cell

    safe = out.map(csv_cell)
    safe.to_csv(out_path, index=False)
    return CmaFileReport(len(subjects), int(out["CMA Mid"].notna().sum()), run.k, run.calibration, out_path,
                         tuple(subject_problems[:8]) + parsed.problems)


def _whole(series: pd.Series) -> pd.array:
    """Dollars as whole numbers (blank where there is no value), so the CSV reads 412000, not 412000.0."""
    return pd.array(series.round().to_numpy(), dtype="Int64")


def cma_table(run: CmaRun, subjects: pd.DataFrame) -> pd.DataFrame:
    values = run.values
    lines = run.lines[run.lines["weight"] > 0] if not run.lines.empty else run.lines
    pool = run.comps
    comp_ids = pd.Series(dtype=object)
    if len(lines):
        ids = pool["cid"].to_numpy(object)[lines["c"].to_numpy()].astype(str)
        if "own" in lines:  # the subject's own earlier sale, weighed beside the comps, named as such
            ids = np.where(lines["own"].to_numpy(bool), np.char.add("own sale ", ids), ids)
        ordered = pd.DataFrame({"s": lines["s"].to_numpy(), "id": ids, "w": lines["weight"].to_numpy()})
        ordered = ordered.sort_values(["s", "w"], ascending=[True, False])
        comp_ids = ordered.groupby("s")["id"].agg(lambda x: "; ".join(map(str, x)))
    position = pd.Series(np.arange(len(values)), index=values.index)
    reason = np.where(values["mid"].isna(),
                      np.where(subjects["lat"].isna() & subjects["zip"].isna(), "no coordinates or ZIP",
                               "fewer than 3 comparable sales"), None)
    n_sold = values["n_sold"]
    n_list = values["n_listings"]
    return pd.DataFrame({
        "Lead ID": subjects["id"].to_numpy(object),
        "CMA Low": _whole(values["low"]), "CMA Mid": _whole(values["mid"]), "CMA High": _whole(values["high"]),
        "Confidence": values["confidence"].round(3).to_numpy(),
        "Comps": (n_sold.fillna(0) + n_list.fillna(0)).astype(int).to_numpy(),
        "Sold Comps": n_sold.fillna(0).astype(int).to_numpy(), "Listings": n_list.fillna(0).astype(int).to_numpy(),
        "Comp IDs": comp_ids.reindex(position.to_numpy()).to_numpy(object),
        "Matched By": values["by"].to_numpy(object), "Radius mi": values["radius"].where(values["by"].eq("distance")
                                                                                       ).to_numpy(),
        "Reason": reason,
    }, columns=list(OUT_COLUMNS))

"""The CMA inside a refresh: Leads' CMA Low/Mid/High/Comps, Est. Equity and Short Sale Likely, the rows' CMA
issues, and the tool-owned CMA sheet that shows every lead's comps, adjustments, weights and values.

`lead_cma(parsed_leads, comps_sheet, settings, today)` is the one call refresh makes. With an empty Comps sheet it
costs a few vectorised column operations (the net sheet on Est. Value), so a 100,000-lead refresh does not notice
it. Leads' values are as of today: sales on or after today are never used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cma import CmaParams, CmaRun, run_cma
from .cma_adjust import ADJUSTMENT_NAMES, FEATURES
from .cma_data import parse_comps, subject_frame, usable_comps
from .market_trends import describe
from .netsheet import BASIS_EST_VALUE, net_sheet
from .schema import COMP_COLUMNS, DATE_FORMAT, MONEY_FORMAT, SHEET_CMA
from .settings import Settings
from .store import SheetData, ToolSheet
from .values import nones

LEAD_CMA_COLUMNS = ("CMA Low", "CMA Mid", "CMA High", "CMA Comps", "Est. Equity", "Short Sale Likely")
MAX_SHEET_LINES = 1_000_000
PERCENT = "0.0%"
ADJUSTMENT_LABEL = {"time": "Time adj", "listing": "List-to-sale adj", "location": "Location adj",
                    "premium": "Implied condition adj", **{f: f"{ADJUSTMENT_NAMES[f]} adj" for f in FEATURES}}
ADJUSTMENT_COLUMNS = tuple(ADJUSTMENT_LABEL.values())
SHEET_COLUMNS = ("Lead ID", "Line", "Address", "Status", "Date", "Distance mi", "Sq Ft", "Beds", "Baths",
                 "Year Built", "Effective Year Built", "Lot Sq Ft", "Garage", "Price", *ADJUSTMENT_COLUMNS,
                 "Adjusted Price", "Net %", "Gross %", "Weight", "Notes")
EMPTY_NOTE = ("No comps yet. Paste an MLS export (sold, pending and active listings near your leads) on the Comps "
              "sheet, or run: leadtracker import-comps EXPORT.csv --into WORKBOOK.xlsx, then refresh.")


@dataclass(frozen=True)
class LeadCma:
    columns: pd.DataFrame          # LEAD_CMA_COLUMNS, index = lead rows
    issues: pd.Series              # text or None per lead row
    equity: pd.Series              # float (NaN unknown), for priority
    sheet: ToolSheet
    messages: tuple[str, ...]
    run: CmaRun | None = None


def lead_cma(leads: pd.DataFrame, comps: SheetData | None, settings: Settings, today: pd.Timestamp,
             params: CmaParams = CmaParams()) -> LeadCma:
    index = leads.index
    money = pd.Series(np.nan, index=index, dtype=float)  # blank (NaN) money cells are written as empty
    columns = pd.DataFrame({"CMA Low": money, "CMA Mid": money, "CMA High": money, "CMA Comps": nones(index)},
                           index=index)
    issues = nones(index)
    if comps is None or not comps.headers or comps.rows.empty:
        net = net_sheet(pd.Series(np.nan, index=index), leads["Est. Value"], leads["Loan Balance"],
                        leads["Other Liens"], settings)
        _net_columns(columns, net)
        return LeadCma(columns, issues, net["equity"], _empty_sheet(), ())
    parsed = parse_comps(comps.canonical(COMP_COLUMNS), where=comps.name)
    usable = usable_comps(parsed)
    messages = list(_comp_messages(parsed, comps.name, len(usable)))
    subjects = subject_frame(leads, pd.Series(today, index=index))
    run = run_cma(subjects, usable, params)
    values = run.values
    columns["CMA Low"] = _money(values["low"])
    columns["CMA Mid"] = _money(values["mid"])
    columns["CMA High"] = _money(values["high"])
    columns["CMA Comps"] = _comps_text(values, subjects)
    net = net_sheet(values["mid"], leads["Est. Value"], leads["Loan Balance"], leads["Other Liens"], settings)
    _net_columns(columns, net)
    issues = _issues(values, subjects, net)
    sheet = cma_sheet(run, subjects, leads["Lead ID"], today)
    return LeadCma(columns, issues, net["equity"], sheet, tuple(messages), run)


def _money(series: pd.Series) -> pd.Series:
    return series.astype(float)


def _net_columns(columns: pd.DataFrame, net: pd.DataFrame) -> None:
    columns["Est. Equity"] = _money(net["equity"])
    columns["Short Sale Likely"] = net["short_sale_likely"]


def _comp_messages(parsed, sheet: str, usable: int) -> list[str]:
    out = []
    distressed = int(parsed.frame["distressed"].sum())
    if usable == 0:
        out.append(f"{sheet}: none of its {len(parsed.frame)} rows can serve as a comp (each needs a status, a price, "
                   "a sale date for sold homes, Sq Ft, and Latitude/Longitude or a ZIP); CMA values are blank.")
    elif parsed.unused:
        out.append(f"{sheet}: {parsed.unused} of {len(parsed.frame)} rows are not used as comps.")
    if distressed:
        out.append(f"{sheet}: {distressed} distressed sale{'s' if distressed != 1 else ''} (REO, short sale, "
                   "foreclosure) kept out of the market comps.")
    if parsed.problems:
        out.append(f"{sheet}: " + "; ".join(parsed.problems) + ".")
    return out


def _comps_text(values: pd.DataFrame, subjects: pd.DataFrame) -> pd.Series:
    """"5 sold + 1 listing within 0.5 mi; confidence 84%" per lead with a value."""
    has = values["mid"].notna()
    out = nones(values.index)
    if not has.any():
        return out
    v = values[has]
    sold = v["n_sold"].astype(int).astype(str) + " sold"
    listings = v["n_listings"].fillna(0).astype(int)
    listing_text = np.where(listings > 0, " + " + listings.astype(str) + np.where(listings == 1, " listing",
                                                                                    " listings"), "")
    where = np.where(v["by"].eq("ZIP"), " in ZIP " + subjects.loc[v.index, "zip"].astype(str) + " (no coordinates)",
                     " within " + v["radius"].map(lambda r: f"{r:g}") + " mi")
    older = np.where(v["months"] > 12, "; sales up to 24 months old", "")
    own = v["own_weight"].fillna(0.0) if "own_weight" in v else pd.Series(0.0, index=v.index)
    older = older + np.where(own > 0, "; plus the home's own earlier sale (weight " + (own * 100).round().astype(int)
                             .astype(str) + "%)", "")
    confidence = "; confidence " + (v["confidence"] * 100).round().astype(int).astype(str) + "%"
    out[has] = sold + listing_text + where + older + confidence
    return out


def _issues(values: pd.DataFrame, subjects: pd.DataFrame, net: pd.DataFrame) -> pd.Series:
    out = nones(values.index)
    messages: dict[object, list[str]] = {}
    blank = values["mid"].isna()
    no_place = subjects["lat"].isna() & subjects["zip"].isna()
    for row in values.index[blank & no_place]:
        messages.setdefault(row, []).append("CMA needs Latitude/Longitude or a ZIP to find comps; CMA left blank")
    for row in values.index[blank & ~no_place]:
        found = int(values.at[row, "sold_found"])
        where = (f"in ZIP {subjects.at[row, 'zip']}" if pd.isna(subjects.at[row, "lat"])
                 else "within 5 mi")
        messages.setdefault(row, []).append(
            f"CMA: only {found} comparable sale{'s' if found != 1 else ''} {where} in the last 24 months (3 are "
            "needed); CMA left blank" + ("; Est. Equity uses Est. Value" if net.at[row, "basis"] == BASIS_EST_VALUE
                                         else ""))
    valued = ~blank
    by_zip = valued & values["by"].eq("ZIP")
    for row in values.index[by_zip]:
        messages.setdefault(row, []).append(
            f"CMA matched comps by ZIP {subjects.at[row, 'zip']} because the lead has no Latitude/Longitude")
    facts = {"gla": "Sq Ft", "beds": "Beds", "baths": "Baths", "yb": "Year Built"}
    missing = pd.DataFrame({label: subjects[f].isna() for f, label in facts.items()})
    gaps = valued & missing.any(axis=1)
    for row in values.index[gaps]:
        names = [label for label in facts.values() if missing.at[row, label]]
        messages.setdefault(row, []).append(
            f"CMA: {', '.join(names)} blank, so comps were not adjusted for {'it' if len(names) == 1 else 'them'} "
            "and the range is wider")
    untyped = valued & subjects["type"].isna()
    for row in values.index[untyped]:
        messages.setdefault(row, []).append("CMA: Property Type is blank; comps of every home type were considered")
    for row, texts in messages.items():
        out[row] = "; ".join(texts)
    return out


def _empty_sheet() -> ToolSheet:
    frame = pd.DataFrame({"Notes": [EMPTY_NOTE]})
    return ToolSheet(SHEET_CMA, frame, widths={"Notes": 120}, title="CMA: comps behind each lead's value")


def cma_sheet(run: CmaRun, subjects: pd.DataFrame, lead_ids: pd.Series, today: pd.Timestamp) -> ToolSheet:
    """One block per lead: the subject, each comp with every adjustment and its weight, the value, the rates used
    and the market trend. Leads without a value show the reason."""
    values = run.values
    comps = run.comps
    positions = np.arange(len(values))
    ids = lead_ids.reindex(values.index).to_numpy(object)
    blocks = []
    subject_rows = pd.DataFrame({
        "Lead ID": ids, "Line": "Subject", "Address": subjects["address"].to_numpy(object), "Status": None,
        "Date": pd.Timestamp(today), "Sq Ft": subjects["gla"].to_numpy(), "Beds": subjects["beds"].to_numpy(),
        "Baths": subjects["baths"].to_numpy(), "Year Built": subjects["yb"].to_numpy(),
        "Effective Year Built": _effective(subjects), "Lot Sq Ft": subjects["lot"].to_numpy(),
        "Garage": subjects["garage"].to_numpy(),
        "Notes": np.where(values["mid"].isna(), "Not enough comparable sales for a value (see Data Issues)",
                          "The home being valued, as of the date shown"),
        "_order": positions, "_rank": 0})
    blocks.append(subject_rows)
    lines = run.lines
    own = lines["own"].to_numpy(bool) if "own" in lines else np.zeros(len(lines), bool)
    if own.any():
        blocks.append(_own_sale_rows(lines[own], comps, ids))
    lines = lines[~own]
    if len(lines):
        s, c = lines["s"].to_numpy(), lines["c"].to_numpy()
        status = lines["status"].to_numpy(object)
        rank = lines.sort_values(["s", "listing", "weight"], ascending=[True, True, False]).groupby(
            ["s", "listing"]).cumcount().reindex(lines.index).to_numpy() + 1
        label = np.char.add(np.char.add(np.char.capitalize(status.astype(str)), " "), rank.astype(str))
        comp_address = comps["address"].to_numpy(object)[c]
        comp_id = comps["cid"].to_numpy(object)[c]
        address = np.where(pd.isna(comp_address), comp_id, comp_address)
        address = np.where(pd.isna(comp_address), address, address + " (" + comp_id.astype(str) + ")")
        date = np.where(lines["listing"].to_numpy(bool), comps["listed"].to_numpy("datetime64[ns]")[c],
                        comps["date"].to_numpy("datetime64[ns]")[c])
        flags = np.where(np.abs(lines["net_pct"]) > 0.15, "net adjustment over 15%", "")
        flags = _join(flags, np.where(lines["gross_pct"] > 0.25, "gross adjustment over 25%", ""))
        flags = _join(flags, _premium_notes(lines))
        flags = np.where(lines["usable"].to_numpy(bool), flags,
                         "not used for the value: no local sale-to-list ratio to discount the asking price")
        comp_rows = pd.DataFrame({
            "Lead ID": ids[s], "Line": label, "Address": address, "Status": np.char.capitalize(status.astype(str)),
            "Date": date, "Distance mi": np.round(lines["dist"].to_numpy(float), 2),
            "Sq Ft": comps["gla"].to_numpy()[c], "Beds": comps["beds"].to_numpy()[c],
            "Baths": comps["baths"].to_numpy()[c], "Year Built": comps["yb"].to_numpy()[c],
            "Effective Year Built": _effective(comps)[c], "Lot Sq Ft": comps["lot"].to_numpy()[c],
            "Garage": comps["garage"].to_numpy()[c],
            "Price": lines["price"].to_numpy(),
            **{label: np.round(lines[f"adj_{key}"].to_numpy(float)) for key, label in ADJUSTMENT_LABEL.items()},
            "Adjusted Price": np.round(lines["adjusted"].to_numpy(float)),
            "Net %": np.round(lines["net_pct"].to_numpy(float), 4),
            "Gross %": np.round(lines["gross_pct"].to_numpy(float), 4),
            "Weight": np.round(lines["weight"].to_numpy(float), 4), "Notes": flags,
            "_order": s, "_rank": rank + np.where(lines["listing"].to_numpy(bool), 100, 0)})
        blocks.append(comp_rows)
    has = values["mid"].notna().to_numpy()
    value_rows = pd.DataFrame({
        "Lead ID": ids[has], "Line": "Value", "Adjusted Price": values["mid"].to_numpy()[has],
        "Notes": _value_notes(values[has], run), "_order": positions[has], "_rank": 200})
    blocks.append(value_rows)
    area = values["area"].to_numpy(int)
    in_area = has & (area >= 0)
    if in_area.any() and len(run.markets):
        markets = run.markets
        rate_text = _rates_text(markets)
        trend_text = [describe(row) for row in markets.to_dict("records")]
        blocks.append(pd.DataFrame({"Lead ID": ids[in_area], "Line": "Rates",
                                    "Notes": np.array(rate_text, dtype=object)[area[in_area]],
                                    "_order": positions[in_area], "_rank": 201}))
        blocks.append(pd.DataFrame({"Lead ID": ids[in_area], "Line": "Market",
                                    "Notes": np.array(trend_text, dtype=object)[area[in_area]],
                                    "_order": positions[in_area], "_rank": 202}))
    frame = pd.concat(blocks, ignore_index=True).sort_values(["_order", "_rank"], kind="stable")
    frame = frame.reindex(columns=list(SHEET_COLUMNS)).head(MAX_SHEET_LINES)
    frame = frame.astype(object).where(frame.notna(), None)
    money = {name: MONEY_FORMAT for name in ("Price", *ADJUSTMENT_COLUMNS, "Adjusted Price")}
    widths = {"Lead ID": 11, "Line": 9, "Address": 30, "Status": 8, "Date": 11, "Notes": 90, "Distance mi": 9,
              "Effective Year Built": 9,
              **{name: 11 for name in ("Price", "Adjusted Price", *ADJUSTMENT_COLUMNS)}}
    return ToolSheet(SHEET_CMA, frame,
                     number_formats={**money, "Date": DATE_FORMAT, "Net %": PERCENT, "Gross %": PERCENT,
                                     "Weight": PERCENT, "Lot Sq Ft": "#,##0", "Sq Ft": "#,##0"},
                     widths=widths,
                     title=f"CMA as of {today:%B %d, %Y}: each lead's comps, adjustments, weights and value "
                           f"(range calibrated to hold about 80% of sale prices; k = {run.k:.2f})")


def _effective(frame: pd.DataFrame) -> np.ndarray:
    return frame["eff_yb"].to_numpy(float) if "eff_yb" in frame else np.full(len(frame), np.nan)


def _own_sale_rows(own: pd.DataFrame, comps: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
    """The subject's own earlier sale, its own line after the comps: what it sold for, moved by the area index."""
    s, c = own["s"].to_numpy(), own["c"].to_numpy()
    date = comps["date"].to_numpy("datetime64[ns]")[c]
    price, adjusted, weight = (own[name].to_numpy(float) for name in ("price", "adjusted", "weight"))
    notes = []
    for day, paid, moved, share, why in zip(pd.to_datetime(date), price, adjusted, weight, own["own_note"]):
        text = (f"This home's own sale on {day:%b %d, %Y} at ${paid:,.0f}, moved to today's market by the area "
                f"index: ${moved:,.0f}")
        notes.append(f"{text}, weight {share:.0%}" if why is None else f"{text}; {why}")
    comp_id = comps["cid"].to_numpy(object)[c]
    comp_address = comps["address"].to_numpy(object)[c]
    address = np.where(pd.isna(comp_address), comp_id, comp_address.astype(str) + " (" + comp_id.astype(str) + ")")
    return pd.DataFrame({
        "Lead ID": ids[s], "Line": "Own sale", "Address": address, "Status": "Sold", "Date": date,
        "Distance mi": 0.0, "Sq Ft": comps["gla"].to_numpy()[c], "Beds": comps["beds"].to_numpy()[c],
        "Baths": comps["baths"].to_numpy()[c], "Year Built": comps["yb"].to_numpy()[c],
        "Effective Year Built": _effective(comps)[c], "Lot Sq Ft": comps["lot"].to_numpy()[c],
        "Garage": comps["garage"].to_numpy()[c], "Price": price,
        **{label: np.round(own[f"adj_{key}"].to_numpy(float)) for key, label in ADJUSTMENT_LABEL.items()},
        "Adjusted Price": np.round(adjusted), "Net %": np.round(own["net_pct"].to_numpy(float), 4),
        "Gross %": np.round(own["gross_pct"].to_numpy(float), 4), "Weight": np.round(weight, 4),
        "Notes": np.array(notes, dtype=object), "_order": s, "_rank": 150})


def _join(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Two columns of notes, "; " between them where both say something."""
    both = (first != "") & (second != "")
    return np.where(both, first + "; " + second, np.where(first == "", second, first))


def _premium_notes(lines: pd.DataFrame) -> np.ndarray:
    """Why a comp carries an implied condition adjustment, where it is 10% or more off homes like it nearby."""
    premium = np.nan_to_num(lines["premium"].to_numpy(float)) if "premium" in lines else np.zeros(len(lines))
    gap = np.abs(np.expm1(premium))
    text = ("sold " + np.round(gap * 100).astype(int).astype(str) + "% " + np.where(premium > 0, "above", "below")
            + " homes like it nearby: part of that is taken as " + np.where(premium > 0, "better", "worse")
            + " condition or updates than its facts show")
    return np.where(gap >= 0.10, text, "").astype(object)


def _value_notes(values: pd.DataFrame, run: CmaRun) -> np.ndarray:
    notes = []
    for row in values.itertuples():
        listings = int(row.n_listings) if row.n_listings == row.n_listings else 0
        comps = f"{int(row.n_sold)} sold" + (f" + {listings} listing{'s' if listings != 1 else ''}" if listings else "")
        own = getattr(row, "own_weight", 0.0)
        if own == own and own > 0:
            comps += f" ({1 - own:.0%}) and this home's own earlier sale ({own:.0%})"
        notes.append(f"Low ${row.low:,.0f} · Mid ${row.mid:,.0f} · High ${row.high:,.0f} · confidence "
                     f"{row.confidence:.0%} · weighted average of {comps}; range ±{row.half_width:.1%}")
    return np.array(notes, dtype=object)


def _rates_text(markets: pd.DataFrame) -> list[str]:
    out = []
    for row in markets.to_dict("records"):
        P = row.get("P")
        size = f"size {row['rate_gla']:.2f} × price per sq ft"
        if P == P and P:
            size += f" (≈${row['rate_gla'] * P:,.0f} per sq ft here)"
        parts = [size, f"bath {row['rate_baths']:.1%}", f"garage space {row['rate_garage']:.1%}",
                 f"lot {row['rate_lot']:.2f} × lot ratio", f"year built {row['rate_yb']:.2%}",
                 f"quality grade {row['rate_quality']:.1%}", f"condition step {row['rate_cond']:.1%}",
                 f"bed {row['rate_beds']:.1%}"]
        time = row.get("time_rate") or 0.0
        evidence = f"t = {row.get('time_t', 0):.1f}, {row.get('time_n', 0)} sales in 12 months"
        time_text = (f"time {time:+.2%} a month ({evidence})" if time else
                     f"time 0 (no clear trend: {evidence})")
        if row.get("time_method") == "index":
            time_text = (f"time by the area's monthly price index ({row.get('time_n', 0)} sales over "
                         f"{row.get('time_months', 0):.0f} months; {time:+.2%} a month since the last full month)")
        slr = row.get("slr")
        slr_text = (f"; listings × {slr:.3f} sale-to-list ({row.get('slr_n')} sales)" if slr == slr and slr else
                    "; listings not used for the value (no local sale-to-list ratio)")
        out.append(f"Rates from {row['n']} {row['type']} sales {row['area_label']} (24 months, "
                   f"{row['source_gla']}): " + ", ".join(parts) + "; " + time_text + slr_text)
    return out

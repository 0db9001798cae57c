"""ONS "Crime in England and Wales: Police Force Area data tables" (quarterly workbooks).

Each edition is an Excel workbook for a year ending in a quarter ("year ending March 2019").
The tables used here:

* ``Table P1``: police recorded crime by offence group, number of offences (total excluding
  fraud in the third column);
* ``Table P3``: the same as a rate per 1,000 population, with the population used;
* ``Table P6`` (March editions only): the Crime Survey's share of adults who experienced or
  witnessed anti-social behaviour, with ONS's flags of a significant difference from England
  and Wales (``*``) and from the year before (``*↑``/``*↓``) and the unweighted base.

The workbooks are laid out for print: titles, two-row headings with merged cells, footnote
digits glued to names ("ENGLAND AND WALES6", "Cheshire7") and to codes ("E230000118"),
trailing spaces in sheet and area names, notes under the data. The reader finds each table's
heading row by its "Area Code" cell, keeps the rows whose first cell is an ONS area code
(K04 England and Wales, E92/W92 the nations, E12 the English regions, E23/W15 the 43
territorial police force areas) or that name British Transport Police, strips the footnote
marks, and refuses a workbook whose layout it does not recognise, naming the file, the sheet,
the row and what it expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from evaluation.errors import DataValidationError, Problem, ProblemReport

_CODE = re.compile(r"^([EWK]\d{8})")
_FOOTNOTE = re.compile(r"[\d,\s()]+$")
_EDITION = re.compile(r"year ending (January|February|March|April|May|June|July|August|"
                      r"September|October|November|December) (\d{4})")
LEVELS = {"K04": "country", "E92": "nation", "W92": "nation", "E12": "region",
          "E23": "force", "W15": "force"}
BTP = "British Transport Police"
FORCES = 43  # territorial police force areas of England and Wales
TERRITORIAL_FORCES: tuple[str, ...] = (
    "Cleveland", "Durham", "Northumbria", "Cheshire", "Cumbria", "Greater Manchester",
    "Lancashire", "Merseyside", "Humberside", "North Yorkshire", "South Yorkshire",
    "West Yorkshire", "Derbyshire", "Leicestershire", "Lincolnshire", "Northamptonshire",
    "Nottinghamshire", "Staffordshire", "Warwickshire", "West Mercia", "West Midlands",
    "Bedfordshire", "Cambridgeshire", "Essex", "Hertfordshire", "Norfolk", "Suffolk",
    "London, City of", "Metropolitan Police", "Hampshire", "Kent", "Surrey", "Sussex",
    "Thames Valley", "Avon and Somerset", "Devon and Cornwall", "Dorset", "Gloucestershire",
    "Wiltshire", "Dyfed-Powys", "Gwent", "North Wales", "South Wales",
)
"""The 43 territorial police force areas as ONS names them in Table P1 (checked against the
bundled editions by the tests)."""


def force_key(name: str) -> str:
    """A force name for matching: lower case, '&' as 'and', without 'Police', 'Constabulary'
    or 'Police Service' ('Devon & Cornwall Police' -> 'devon and cornwall')."""
    key = name.lower().replace("&", "and")
    for word in ("constabulary", "police service of", "police", "service"):
        key = key.replace(word, "")
    return " ".join(key.split())


def territorial_force(name: str) -> str:
    """``name`` as ONS names the force (case, '&' and 'Police' forgiven), or ValueError with
    the closest name ("did you mean")."""
    import difflib

    by_key = {force_key(f): f for f in TERRITORIAL_FORCES}
    by_key.update({"city of london": "London, City of", "metropolitan": "Metropolitan Police"})
    if force_key(name) in by_key:
        return by_key[force_key(name)]
    close = difflib.get_close_matches(force_key(name), list(by_key), n=1, cutoff=0.6)
    hint = f" Did you mean '{by_key[close[0]]}'?" if close else ""
    raise ValueError(f"'{name}' is not one of the {FORCES} police force areas of England and "
                     f"Wales.{hint}")


_AREA = {
    "code": pa.Column(str, pa.Check.str_matches(r"^[EWK]\d{8}$"), nullable=True),
    "name": pa.Column(str, pa.Check.str_length(min_value=2)),
    "level": pa.Column(str, pa.Check.isin(["country", "nation", "region", "force", "other"])),
    "sheet_row": pa.Column(int, pa.Check.ge(1)),
}
RECORDED_CRIME = pa.DataFrameSchema({
    **_AREA,
    "region": pa.Column(str),
    "offences": pa.Column(float, pa.Check.ge(0), nullable=True),
    "population": pa.Column(float, pa.Check.gt(0), nullable=True),
    "rate_per_1000": pa.Column(float, pa.Check.ge(0), nullable=True),
    "edition": pa.Column(str),
}, strict=True)
"""The tidy form of Tables P1 and P3 (one row per area)."""
ASB_SURVEY = pa.DataFrameSchema({
    **_AREA,
    "percent": pa.Column(float, pa.Check.in_range(0, 100)),
    "different_from_ew": pa.Column(bool),
    "change_on_year": pa.Column(str, pa.Check.isin(["up", "down", ""])),
    "base": pa.Column(float, pa.Check.gt(0)),
    "edition": pa.Column(str),
}, strict=True)
"""The tidy form of Table P6 (one row per survey area)."""


def _validated(frame: pd.DataFrame, schema: pa.DataFrameSchema, path: Path, table: str
               ) -> pd.DataFrame:
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        for case in exc.failure_cases.itertuples(index=False):
            index = case.index
            row = (int(frame["sheet_row"].iloc[int(index)])
                   if index is not None and not pd.isna(index) else None)
            problems.append(Problem(str(path), f"sheet '{table}': {case.check}", row=row,
                                    column=str(case.column), value=str(case.failure_case)))
        raise DataValidationError(ProblemReport(problems)) from exc


@dataclass(frozen=True)
class Edition:
    """One workbook: its file and the year it covers (the 12 months to ``year_ending``)."""

    path: Path
    year_ending: pd.Period  # the last month of the 12

    @property
    def label(self) -> str:
        return f"year ending {self.year_ending.strftime('%B %Y')}"


def _problem(path: Path, sheet: str, message: str, row: int | None = None,
             expected: str | None = None) -> DataValidationError:
    return DataValidationError(ProblemReport([Problem(
        str(path), f"sheet '{sheet.strip()}': {message}", row=row, expected=expected)]))


def edition_of(path: str | Path) -> Edition:
    """The edition of a workbook, from the title in its Notes sheet (cell A1)."""
    path = Path(path)
    try:
        book = pd.ExcelFile(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets one message
        raise DataValidationError(ProblemReport([Problem(
            str(path), f"not a readable Excel workbook ({exc})",
            expected="an ONS Police Force Area data tables workbook (.xlsx)")])) from exc
    sheets = {s.strip(): s for s in book.sheet_names}
    if "Notes" not in sheets:
        raise _problem(path, "Notes", "the workbook has no Notes sheet",
                       expected="the ONS PFA tables' Notes sheet with the edition's title")
    title = str(pd.read_excel(book, sheet_name=sheets["Notes"], header=None,
                              nrows=1).iat[0, 0])
    m = _EDITION.search(title)
    if not m:
        raise _problem(path, "Notes", f"the title {title!r} names no 'year ending <month> "
                       "<year>'", row=1, expected="e.g. 'year ending March 2019'")
    month = pd.Timestamp(f"1 {m.group(1)} 2000").month
    return Edition(path, pd.Period(f"{m.group(2)}-{month:02d}", "M"))


def editions(folder: str | Path) -> list[Edition]:
    """Every workbook in ``folder``, oldest first; two workbooks of one edition are an error."""
    found = sorted((edition_of(p) for p in Path(folder).glob("*.xlsx")),
                   key=lambda e: e.year_ending)
    for a, b in zip(found, found[1:], strict=False):
        if a.year_ending == b.year_ending:
            raise DataValidationError(ProblemReport([Problem(
                str(b.path), f"the same edition ({b.label}) as {a.path.name}",
                expected="one workbook per edition")]))
    return found


PUBLICATION_LAG_MONTHS = 4
"""ONS publishes each edition about three and a half months after its year ends (the year
ending December 2018 on 25 April 2019, the year ending March 2019 on 18 July 2019): an
edition counts as published by a date when its year ended at least this many months before
the date's month."""


def edition_for(folder: str | Path, period_end: object, table: str | None = None,
                missing_ok: bool = False, published_by: object = None,
                lag_months: int = PUBLICATION_LAG_MONTHS) -> Edition | None:
    """The latest edition whose year ends by ``period_end`` (never a later one), that was
    published by ``published_by`` (the paper's date) when given, and that holds ``table``
    when given (``Table P6`` is only in the March editions). With ``missing_ok``, None
    instead of the error when there is no such edition."""
    end = pd.Period(str(period_end)[:7], "M")
    if published_by not in (None, ""):
        end = min(end, pd.Period(str(published_by)[:7], "M") - lag_months)
    found = editions(folder)
    usable = [e for e in found if e.year_ending <= end and (table is None or _has(e, table))]
    if not usable and missing_ok:
        return None
    if not usable:
        have = ", ".join(e.label for e in found) or "none"
        what = f" with {table}" if table else ""
        raise DataValidationError(ProblemReport([Problem(
            str(folder), f"no edition of the ONS PFA tables{what} for a year ending by "
            f"{end.strftime('%B %Y')} (and published by the paper's date, if given)",
            expected=f"one of the editions in the folder ({have})")]))
    return usable[-1]


def year_before(folder: str | Path, edition: Edition) -> Edition | None:
    """The edition for the year before ``edition`` (12 months earlier), or None."""
    earlier = [e for e in editions(folder) if e.year_ending == edition.year_ending - 12]
    return earlier[0] if earlier else None


def _has(edition: Edition, table: str) -> bool:
    sheets = {s.strip() for s in pd.ExcelFile(edition.path).sheet_names}
    if table not in sheets:
        return False
    if table == "Table P6":  # in later editions P6 is another table (knife crime)
        raw = _sheet(edition.path, table)
        return "anti-social behaviour" in str(raw.iat[0, 0]).lower()
    return True


def _sheet(path: Path, table: str) -> pd.DataFrame:
    book = pd.ExcelFile(path)
    sheets = {s.strip(): s for s in book.sheet_names}
    if table not in sheets:
        raise _problem(path, table, "the edition has no such table",
                       expected=f"a sheet named '{table}'")
    return pd.read_excel(book, sheet_name=sheets[table], header=None)


def _areas(path: Path, table: str, raw: pd.DataFrame) -> list[tuple[int, str | None, str]]:
    """(row, code, clean name) of each area row below the 'Area Code' heading."""
    heading = next((i for i in range(min(15, len(raw)))
                    if str(raw.iat[i, 0]).strip() == "Area Code"), None)
    if heading is None:
        raise _problem(path, table, "no 'Area Code' heading in the first 15 rows", row=None,
                       expected="the ONS layout: a heading row with 'Area Code' in column A")
    rows = []
    for i in range(heading + 1, len(raw)):
        code, name = raw.iat[i, 0], raw.iat[i, 1]
        m = _CODE.match(str(code).strip())
        if m or (isinstance(name, str) and name.strip().startswith(BTP)):
            clean = _FOOTNOTE.sub("", str(name)).strip() if isinstance(name, str) else ""
            rows.append((i, m.group(1) if m else None, clean))
    return rows


def _level(code: str | None, name: str) -> str:
    if code is None:
        return "other"
    if name == "City of London / Metropolitan Police":
        return "force"  # the Crime Survey's London unit, coded as the region
    return LEVELS.get(code[:3], "other")


def _number(path: Path, table: str, row: int, column: str, value: object) -> float:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iat[0]
    if pd.isna(number) and str(value).strip() not in ("..", "+", ":", "-"):
        raise DataValidationError(ProblemReport([Problem(
            str(path), f"sheet '{table}': not a number", row=row + 1, column=column,
            value=str(value), expected="a number, or an ONS marker ('..', '+', ':', '-')")]))
    return float(number)


def _regions(areas: list[tuple[int, str | None, str]]) -> dict[int, str]:
    """Each force row's region: the English region (or Wales) row above it."""
    out, current = {}, ""
    for row, code, name in areas:
        level = _level(code, name)
        if level == "region" or (level == "nation" and code and code.startswith("W")):
            current = name
        elif level == "force":
            out[row] = current
    return out


def _check_forces(path: Path, table: str, frame: pd.DataFrame, expected: int = FORCES) -> None:
    n = int((frame["level"] == "force").sum())
    if n != expected:
        raise _problem(path, table, f"{n} police force areas found", expected=f"{expected}")


def recorded_crime(edition: Edition) -> pd.DataFrame:
    """Police recorded crime (excluding fraud) for the year: Table P1's number of offences
    and Table P3's rate per 1,000 and population, one row per area.

    Columns (:data:`RECORDED_CRIME`): code, name, level (country, nation, region, force,
    other), sheet_row (the row in the workbook), region (for a force), offences, population,
    rate_per_1000, edition. British Transport Police is
    level "other" (no population, no rate). Raises :class:`DataValidationError` naming the
    file, sheet and row when the layout is not the ONS one or a force is missing."""
    p1 = _sheet(edition.path, "Table P1")
    a1 = _areas(edition.path, "Table P1", p1)
    counts = [_number(edition.path, "Table P1", row, "C", p1.iat[row, 2]) for row, _, _ in a1]
    p3 = _sheet(edition.path, "Table P3")
    a3 = _areas(edition.path, "Table P3", p3)
    regions = _regions(a1)
    rates = {code: (row, name) for row, code, name in a3 if code}
    out = []
    for (row, code, name), offences in zip(a1, counts, strict=True):
        level = _level(code, name)
        population = rate = float("nan")
        if code in rates:
            r3 = rates[code][0]
            population = _number(edition.path, "Table P3", r3, "C", p3.iat[r3, 2])
            rate = _number(edition.path, "Table P3", r3, "F", p3.iat[r3, 5])
        out.append({"code": code, "name": name, "level": level, "sheet_row": row + 1,
                    "region": regions.get(row, ""), "offences": offences,
                    "population": population, "rate_per_1000": rate,
                    "edition": edition.label})
    frame = _validated(pd.DataFrame(out), RECORDED_CRIME, edition.path, "Table P1")
    _check_forces(edition.path, "Table P1", frame)
    return frame


def asb_survey(edition: Edition) -> pd.DataFrame:
    """The Crime Survey's share of adults who experienced or witnessed any anti-social
    behaviour (Table P6, March editions), with ONS's flags.

    Columns (:data:`ASB_SURVEY`): code, name, level, sheet_row, percent, different_from_ew
    (True where ONS flags ``*``), change_on_year ("up", "down" or ""), base (unweighted
    adults), edition. London's Metropolitan Police and City of London are one unit in the
    survey (42 units)."""
    raw = _sheet(edition.path, "Table P6")
    if "anti-social behaviour" not in str(raw.iat[0, 0]).lower():
        raise _problem(edition.path, "Table P6", f"this edition's Table P6 is "
                       f"{str(raw.iat[0, 0])[:70]!r}", row=1,
                       expected="the Crime Survey's experiences of anti-social behaviour "
                                "(published in the March editions)")
    rows = []
    for row, code, name in _areas(edition.path, "Table P6", raw):
        level = _level(code, name)
        if code == "E12000007" and level == "region" and any(
                r[2] == "City of London / Metropolitan Police" for r in rows):
            continue
        flag_ew = str(raw.iat[row, 4]).strip() if pd.notna(raw.iat[row, 4]) else ""
        flag_py = str(raw.iat[row, 5]).strip() if pd.notna(raw.iat[row, 5]) else ""
        rows.append((row, code, name, level, flag_ew, flag_py))
    out = [{"code": code, "name": name, "level": level, "sheet_row": row + 1,
            "percent": _number(edition.path, "Table P6", row, "D", raw.iat[row, 3]),
            "different_from_ew": flag_ew.startswith("*"),
            "change_on_year": "up" if "↑" in flag_py else "down" if "↓" in flag_py else "",
            "base": _number(edition.path, "Table P6", row, "P", raw.iat[row, 15]),
            "edition": edition.label}
           for row, code, name, level, flag_ew, flag_py in rows]
    frame = _validated(pd.DataFrame(out), ASB_SURVEY, edition.path, "Table P6")
    _check_forces(edition.path, "Table P6", frame, expected=FORCES - 1)
    return frame


#: The Crime Survey's region names for the ONS regions of the police force area tables.
CSEW_REGIONS: dict[str, str] = {"East": "East of England"}


def region_of(folder: str | Path, force: str) -> str:
    """The force's English region (or Wales) as the Crime Survey names it, from the latest
    edition in ``folder``."""
    latest = editions(folder)[-1]
    table = recorded_crime(latest)
    name = territorial_force(force)
    keys = {territorial_force(n): r for n, r in zip(table["name"], table["region"], strict=True)
            if r}
    region = keys.get(name, "")
    region = region.title() if region.isupper() else region  # 'WALES' is a nation row
    return CSEW_REGIONS.get(region, region)

"""Read the published figures transcribed from the source papers (``data/seed/``).

These files are part of the package's own data; a malformed one is reported with its file,
row and column like any other input. :func:`published_verdict` says whether the data bear a
published figure out, for every section that checks one.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from evaluation.errors import DataValidationError, Problem, ProblemReport

SEED_FILES: dict[str, tuple[str, ...]] = {
    "seed_figures.csv": (
        "figure_id", "measure", "value", "unit", "qualifier", "period_start", "period_end",
        "document", "paragraph", "quote",
    ),
    "appendix1_public_contact_2018.csv": (
        "quarter", "period_start", "period_end", "online", "web_chat", "published_total",
        "published_change",
    ),
    "report_type_mix_2018.csv": ("category", "percent"),
}
QUALIFIERS = ("exact", "over", "around")
AROUND_TOLERANCE = 0.05  # "around X" is borne out within 5% of X


def stated_precision(published: float) -> int:
    """Power of ten a published figure is stated to: 20000 -> 4, 1990 -> 1, 21 -> 0, and
    minus its decimal places for a figure with decimals: 86.5 -> -1, 3.25 -> -2 (so "86.5%"
    is matched by data that round to 86.5, not to 87)."""
    if published == 0:
        return 0
    if not float(published).is_integer():
        return -len(repr(float(published)).split(".")[1].rstrip("0"))
    digits = 0
    value = int(abs(published))
    while value % 10 == 0:
        value //= 10
        digits += 1
    return digits


def published_verdict(
    value: float | None, published: float, qualifier: str, *,
    tolerance: float = AROUND_TOLERANCE, round_as_published: bool = False,
) -> str:
    """Whether the data bear out a published figure: "consistent", "not consistent" or
    "no data" (``value`` missing).

    "over" needs the data above the figure, "around" within ``tolerance`` of it, "exact"
    equal to it; with ``round_as_published`` the data are first rounded as the paper rounds
    (20,000 is stated to the nearest 10,000).
    """
    if qualifier not in QUALIFIERS:
        raise ValueError(f"qualifier must be one of {QUALIFIERS}, got {qualifier!r}")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    if qualifier == "over":
        ok = value > published
    elif qualifier == "around":
        ok = abs(value - published) <= tolerance * published
    else:
        shown = round(value, -stated_precision(published)) if round_as_published else value
        ok = shown == published
    return "consistent" if ok else "not consistent"


def read_seed(seed_dir: str | Path, name: str) -> pd.DataFrame:
    """Read one seed file, checking its columns (and qualifiers for ``seed_figures.csv``)."""
    path = Path(seed_dir) / name
    if name not in SEED_FILES:
        raise ValueError(f"unknown seed file {name!r}; expected one of {sorted(SEED_FILES)}")
    if not path.is_file():
        raise DataValidationError(
            ProblemReport([Problem(str(path), "seed file not found", expected="the file")])
        )
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    report = ProblemReport()
    missing = [c for c in SEED_FILES[name] if c not in df.columns]
    for col in missing:
        report.extend([Problem(str(path), "missing column", row=1, column=col)])
    if name == "seed_figures.csv" and not missing:
        for i, q in enumerate(df["qualifier"], start=2):
            if q not in QUALIFIERS:
                report.extend([Problem(str(path), "unknown qualifier", row=i,
                                       column="qualifier", value=q,
                                       expected=" or ".join(QUALIFIERS))])
        for i, v in enumerate(df["value"], start=2):
            if pd.isna(pd.to_numeric(v, errors="coerce")):
                report.extend([Problem(str(path), "not a number", row=i, column="value",
                                       value=v, expected="a number")])
    if not report.ok:
        raise DataValidationError(report, f"Seed file {path} is malformed")
    return df


def seed_figures(seed_dir: str | Path) -> pd.DataFrame:
    """All published figures, ``value`` numeric, indexed by ``figure_id``."""
    df = read_seed(seed_dir, "seed_figures.csv")
    df["value"] = pd.to_numeric(df["value"])
    return df.set_index("figure_id")


def appendix1_as_published(seed_dir: str | Path) -> pd.DataFrame:
    """Appendix 1 of the 2019 letter exactly as published (quarters and the Total row)."""
    df = read_seed(seed_dir, "appendix1_public_contact_2018.csv")
    for col in ("online", "web_chat", "published_total"):
        df[col] = pd.to_numeric(df[col])
    df["published_change"] = pd.to_numeric(df["published_change"].replace("", None))
    return df


def report_type_mix(seed_dir: str | Path) -> pd.DataFrame:
    """The 2018 online report-type mix (percent as published)."""
    df = read_seed(seed_dir, "report_type_mix_2018.csv")
    df["percent"] = pd.to_numeric(df["percent"])
    return df

"""Is every number in a sentence traceable to a published table?

A number written in a finding ("86.5%", "20,797", "+167", "£55,000", "3.5 minutes") is traceable
when some cell of the table it cites holds that value: exactly, after rounding to the decimals
written, or — for a percentage — as a proportion (0.865) or a percentage (86.5). Years (2000 to
2039), the phrase "12 months", days of a month and references such as "Appendix 1" or
"paragraph 8.2" are not measurements and are not checked, nor are the threshold in "p < 0.001"
the level in "95% confidence interval" and the unit in "per 1,000".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

_NUMBER = re.compile(
    r"(?P<pre>£)?(?P<sign>[+\-−])?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?(?P<pct>%)?"
)
_EXEMPT = re.compile(r"\bp < 0\.001\b|"  # a threshold written for a tiny p-value
                     r"\b95% (?:confidence interval|CI)\b|"  # the interval's level, not a figure
                     r"\bper 1,000\b|"  # a rate's unit
                     r"\b(?:12|twelve) months\b|"
                     r"\b(?:Appendix|Table|Figure|section|paragraph|Annex)\s+\d+(?:\.\d+)*|\b(?:19|20)\d{2}[-/]\d{2}\b|"
                     r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|"
                     r"September|October|November|December)\b")


def numbers_in(text: str) -> list[tuple[str, float, int, bool]]:
    """Each measurement in ``text``: (as written, value, decimals written, is a percentage)."""
    cleaned = _EXEMPT.sub(" ", text)
    found = []
    for m in _NUMBER.finditer(cleaned):
        start = m.start()
        if start > 0 and (cleaned[start - 1].isalnum() or cleaned[start - 1] in "_"):
            continue  # part of a word or identifier (e.g. "Q4", "B12")
        whole = m.group("num").replace(",", "")
        dec = m.group("dec") or ""
        value = float(whole + dec)
        if m.group("sign") in ("-", "−"):
            value = -value
        if not dec and not m.group("pct") and not m.group("pre") and 2000 <= value <= 2039 \
                and "," not in m.group("num"):
            continue  # a year
        found.append((m.group(0), value, len(dec) - 1 if dec else 0, bool(m.group("pct"))))
    return found


def _numeric_cells(tables: Iterable[pd.DataFrame]) -> np.ndarray:
    cells: list[float] = []
    for df in tables:
        for col in df.columns:
            series = df[col]
            if series.dtype == object or str(series.dtype).startswith("str"):
                series = pd.to_numeric(series.astype(str).str.replace(r"[£,%+]", "", regex=True),
                                       errors="coerce")
            values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
            cells.extend(values[~np.isnan(values)].tolist())
    return np.array(cells, dtype=float)


def _label_numbers(tables: Iterable[pd.DataFrame]) -> set[str]:
    """Numbers written inside the tables' text cells ('101 calls answered …', '2016 paper
    10.6'): a sentence quoting a label quotes the table, not a measurement."""
    found: set[str] = set()
    for df in tables:
        for col in df.columns:
            series = df[col]
            if series.dtype == object or str(series.dtype).startswith("str"):
                for cell in series.dropna().astype(str):
                    found.update(m.group(0) for m in _NUMBER.finditer(cell))
    return found


def untraceable(text: str, tables: Iterable[pd.DataFrame]) -> list[str]:
    """The numbers in ``text`` that no cell of ``tables`` supports (a number that is part of
    a text cell, such as an indicator's name, counts as supported)."""
    tables = list(tables)
    cells = _numeric_cells(tables)
    labels = _label_numbers(tables)
    missing = []
    for written, value, decimals, pct in numbers_in(text):
        if written in labels:
            continue
        candidates = [cells, -cells]
        if pct:
            candidates += [100 * cells, -100 * cells]
        tol = 0.5 * 10 ** (-decimals) + 1e-9
        ok = any(np.any(np.abs(c - value) <= tol) for c in candidates if c.size)
        if not ok:
            missing.append(written)
    return missing

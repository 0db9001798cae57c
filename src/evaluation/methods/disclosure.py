"""Small-number suppression, so that no published table can identify a victim or respondent.

A count of people or cases from 1 to ``threshold − 1`` (10 by default, a run parameter) is
shown as ``[c]``, as are rates whose base or numerator is suppressed. Secondary suppression
follows: where a total row (or total column) would let a reader subtract their way back to a
suppressed cell, the next smallest cell in the same line is suppressed too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

SUPPRESSED = "[c]"


def footnote(threshold: int) -> str:
    """The footnote every suppressed table carries."""
    return (f"{SUPPRESSED}: suppressed because it counts fewer than {threshold} people or "
            "cases, or because it would reveal such a count.")


@dataclass(frozen=True)
class Suppressed:
    """A table after suppression, with how many cells were hidden and why."""

    table: pd.DataFrame
    primary: int
    secondary: int
    threshold: int

    @property
    def any(self) -> bool:
        return self.primary + self.secondary > 0

    @property
    def footnote(self) -> str:
        return footnote(self.threshold)


def is_small(value: object, threshold: int) -> bool:
    """True for a count from 1 to ``threshold − 1`` (zero is not disclosive)."""
    if value is None or isinstance(value, str):
        return False
    try:
        v = float(value)
    except (TypeError, ValueError):
        return False
    return not np.isnan(v) and 1 <= v < threshold


def _secondary_in_line(mask: pd.DataFrame, values: pd.DataFrame, cells: list[tuple[int, str]]
                       ) -> int:
    """Within one line of cells that sum to a published total, make sure no lone cell is
    recoverable: if exactly one is suppressed, suppress the smallest remaining non-zero one."""
    hidden = [c for c in cells if mask.at[c]]
    if len(hidden) != 1:
        return 0
    candidates = [c for c in cells if not mask.at[c] and pd.notna(values.at[c])
                  and float(values.at[c]) > 0]
    if not candidates:
        return 0
    smallest = min(candidates, key=lambda c: float(values.at[c]))
    mask.at[smallest] = True
    return 1


def suppress(
    df: pd.DataFrame,
    count_columns: Sequence[str],
    rate_columns: Mapping[str, Sequence[str]] | None = None,
    threshold: int = 10,
    total_row: int | None = None,
    total_column: str | None = None,
) -> Suppressed:
    """Suppress small counts in ``count_columns`` and the rates that depend on them.

    ``rate_columns`` maps a rate column to the count columns it is computed from (its base and
    numerator). ``total_row`` is the position of a row holding column totals (e.g. -1 for the
    last row); ``total_column`` names a column holding the row total of ``count_columns``.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    rate_columns = dict(rate_columns or {})
    for col in [*count_columns, *rate_columns, *(c for v in rate_columns.values() for c in v)]:
        if col not in df.columns:
            raise ValueError(f"suppress: no column {col!r} in the table")
    values = df.reset_index(drop=True)
    mask = pd.DataFrame(False, index=values.index, columns=values.columns)
    for col in count_columns:
        mask[col] = [is_small(v, threshold) for v in values[col]]
    # A zero beside a suppressed count in the same row reveals it (e.g. "0 dissatisfied" in a
    # group whose respondents are hidden says all of them were satisfied): hide it too.
    hidden_rows = mask[list(count_columns)].any(axis=1)
    for col in count_columns:
        zero = pd.to_numeric(values[col], errors="coerce").eq(0)
        mask[col] = mask[col] | (hidden_rows & zero)
    primary = int(mask.to_numpy().sum())

    secondary = 0
    n = len(values)
    tr = None if total_row is None else (total_row % n if n else None)
    part_rows = [i for i in range(n) if i != tr]
    part_cols = [c for c in count_columns if c != total_column]
    changed = True
    while changed:
        before = secondary
        if tr is not None:
            for col in count_columns:
                secondary += _secondary_in_line(mask, values, [(i, col) for i in part_rows])
        if total_column is not None:
            for i in range(n):
                secondary += _secondary_in_line(mask, values, [(i, c) for c in part_cols])
        changed = secondary != before

    for rate, sources in rate_columns.items():
        mask[rate] = mask[rate] | mask[list(sources)].any(axis=1)
    out = values.astype(object).where(~mask, SUPPRESSED)
    out.index = df.index
    return Suppressed(out, primary, secondary, threshold)


def unsuppressed_small_counts(df: pd.DataFrame, count_columns: Sequence[str], threshold: int
                              ) -> list[tuple[int, str, object]]:
    """Cells of ``count_columns`` that still hold a count from 1 to threshold − 1."""
    return [(i, col, v) for col in count_columns if col in df.columns
            for i, v in enumerate(df[col]) if is_small(v, threshold)]

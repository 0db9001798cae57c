"""The analyst's commentary rendered from the indicator registry.

``{{ calls_101_within_30s.value }}`` becomes "88.0%", formatted by the indicator's unit, from
the run's ``indicators.csv``; a literal number that matches no figure of the registry (a
figure typed by hand, which would silently go out of date) is reported as a warning.
"""

from __future__ import annotations

import math

import pandas as pd

from evaluation.config.commentary import REFERENCE, Commentary
from evaluation.methods.periods import month_name
from evaluation.report.previous import format_value
from evaluation.report.trace import untraceable

SYNTHETIC_LABEL = "Example commentary written for the SYNTHETIC sample force"


def _field(row: pd.Series, fld: str) -> str:
    unit = str(row["unit"])
    if fld == "name":
        return str(row["name"])
    if fld == "period":
        return f"{month_name(row['period_start'])} to {month_name(row['period_end'])}"
    if fld == "previous_period":
        return str(row["previous_period"])
    value = row[fld]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "(not available)"
    if fld == "change" and unit == "percent":
        return f"{100 * float(value):+.1f} pp"
    if fld == "change":
        return f"{float(value):+,.0f}" if unit == "count" else f"{float(value):+,.1f}"
    return format_value(float(value), unit)


def render(text: str, registry: pd.DataFrame | None) -> str:
    """``text`` with each reference replaced by the registry's figure."""
    if registry is None:
        return REFERENCE.sub(lambda m: f"[{m.group(1)}.{m.group(2)}: no registry]", text)
    rows = registry.set_index("id")

    def one(m: object) -> str:
        ident, fld = m.group(1), m.group(2)  # type: ignore[attr-defined]
        if ident not in rows.index:
            return f"[{ident}: not in this run's registry]"
        return _field(rows.loc[ident], fld)

    return REFERENCE.sub(one, text)


def unchecked_figures(commentary: Commentary, registry: pd.DataFrame | None) -> list[str]:
    """A warning for each piece of commentary with a literal number that matches no figure
    of the registry (references are rendered first, so only hand-typed figures count)."""
    if registry is None:
        return []
    out = []
    for where, text in commentary.texts():
        literal = REFERENCE.sub(" ", text)
        missing = untraceable(literal, [registry])
        if missing:
            out.append(f"commentary ({where}): {', '.join(repr(m) for m in missing)} "
                       "matches no figure of this run's indicators; write it as a reference "
                       "({{ indicator.field }}) or check it")
    return out

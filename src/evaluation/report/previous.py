"""What changed since the previous paper (``evaluation report --previous reports/<run>``).

Compares the scorecard of this run with the scorecard of the earlier run, indicator by
indicator, and says in plain words what moved. When either run has no scorecard it compares
the periods and the headline findings instead.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.report.blocks import Finding, from_dict
from evaluation.report.formatting import fmt_gbp, fmt_int, fmt_number, fmt_pct

SCORECARD_CSV = Path("tables") / "00_summary__scorecard.csv"
SCORECARD_COLUMNS = ("indicator", "latest_value", "latest_period", "unit")
"""The columns of the scorecard table that a comparison with the previous paper reads."""


def format_value(value: float, unit: str) -> str:
    """A scorecard value as the board reads it, by its unit."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "percent":
        return fmt_pct(value)
    if unit == "gbp":
        return fmt_gbp(value)
    if unit == "count":
        return fmt_int(value)
    return fmt_number(value)


def _findings(run: Path) -> list[str]:
    texts = []
    for path in sorted((run / "sections").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        texts += [b.text for b in map(from_dict, data["blocks"]) if isinstance(b, Finding)]
    return texts


def compare_scorecards(before: pd.DataFrame, now: pd.DataFrame) -> list[str]:
    """One sentence per indicator whose latest value differs between the two scorecards."""
    merged = now.merge(before, on="indicator", how="left", suffixes=("", "_previous"))
    sentences = []
    for row in merged.itertuples(index=False):
        prev = row.latest_value_previous
        if prev is None or (isinstance(prev, float) and math.isnan(prev)):
            sentences.append(f"{row.indicator}: new on the scorecard, "
                             f"{format_value(row.latest_value, row.unit)} "
                             f"({row.latest_period}).")
            continue
        if prev == row.latest_value:
            continue
        sentences.append(
            f"{row.indicator}: {format_value(prev, row.unit)} "
            f"({row.latest_period_previous}) in the previous paper, "
            f"{format_value(row.latest_value, row.unit)} ({row.latest_period}) now."
        )
    return sentences


REGISTRY_CSV = Path("indicators.csv")

_VARIATION_WORDS = {"improvement": "improving", "concern": "concern", "neutral": "changed",
                    "common cause": "stable", "not stable": "not stable",
                    "line only": "line only", "no data": "no data"}
_ASSURANCE_WORDS = {"pass": "meets target", "fail": "misses target",
                    "inconsistent": "may meet or miss"}


def _word(value: object, words: dict[str, str]) -> str:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    return words.get(text, text or "none")


def compare_registries(before: pd.DataFrame, now: pd.DataFrame) -> list[str]:
    """What moved between two runs' indicator registries (``indicators.csv``), in at most
    three sentences: the indicators whose Making Data Count variation or assurance icon
    changed (from → to), and the targets newly missed or newly met."""
    merged = now.merge(before, on="id", how="inner", suffixes=("", "_previous"))
    variation, assurance, missed, met = [], [], [], []
    for _, r in merged.iterrows():
        a, b = _word(r["spc_status_previous"], _VARIATION_WORDS), _word(r["spc_status"],
                                                                          _VARIATION_WORDS)
        if a != b:
            variation.append(f"{r['name']} ({a} to {b})")
        a, b = (_word(r["assurance_previous"], _ASSURANCE_WORDS),
                _word(r["assurance"], _ASSURANCE_WORDS))
        if a != b and "none" not in (a, b):
            assurance.append(f"{r['name']} ({a} to {b})")
        was, now_met = str(r["target_met_previous"]), str(r["target_met"])
        if was == "yes" and now_met == "no":
            missed.append(str(r["name"]))
        elif was == "no" and now_met == "yes":
            met.append(str(r["name"]))
    out = []
    if variation:
        out.append(f"Variation changed for {len(variation)} indicator"
                   f"{'s' if len(variation) > 1 else ''}: {'; '.join(variation)}.")
    if assurance:
        out.append(f"Assurance changed for {'; '.join(assurance)}.")
    if missed or met:
        out.append("Targets newly missed: " + ("; ".join(missed) or "none") + ". Newly met: "
                   + ("; ".join(met) or "none") + ".")
    return out or ["No indicator's variation, assurance or target verdict has changed."]


def check_previous(previous_run: Path, manifest: dict[str, Any]) -> str | None:
    """Why an earlier pack cannot be compared with (None when it can), checked before a run
    starts rather than after it."""
    params = manifest.get("params")
    if not isinstance(params, dict) or not all(
            k in params for k in ("run_name", "period_start", "period_end")):
        return "its manifest.json records no run name and period"
    scorecard = previous_run / SCORECARD_CSV
    if scorecard.exists():
        try:
            table = pd.read_csv(scorecard)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            return f"its scorecard table {SCORECARD_CSV} cannot be read ({exc})"
        missing = [c for c in SCORECARD_COLUMNS if c not in table.columns]
        if missing:
            return f"its scorecard table {SCORECARD_CSV} lacks the column '{missing[0]}'"
    return None


def changes_since(previous_run: Path, current_run: Path) -> list[str]:
    """Sentences on what changed between ``previous_run`` and ``current_run`` (run folders)."""
    manifest = json.loads((previous_run / "manifest.json").read_text(encoding="utf-8"))
    p = manifest["params"]
    lines = [f"The previous paper ('{p['run_name']}') covered {p['period_start']} to "
             f"{p['period_end']}."]
    before_reg, now_reg = previous_run / REGISTRY_CSV, current_run / "tables" / \
        "00_summary__indicators.csv"
    if before_reg.is_file() and now_reg.is_file():
        try:
            before = pd.read_csv(before_reg)
            needed = {"id", "name", "spc_status", "assurance", "target_met"}
            if needed <= set(before.columns):
                return lines + compare_registries(before, pd.read_csv(now_reg))
        except (ValueError, OSError, UnicodeDecodeError):
            pass  # an older or damaged registry: compare the scorecards instead
    before_csv, now_csv = previous_run / SCORECARD_CSV, current_run / SCORECARD_CSV
    if before_csv.is_file() and now_csv.is_file():
        changed = compare_scorecards(pd.read_csv(before_csv), pd.read_csv(now_csv))
        lines += changed or ["No scorecard indicator has changed since then."]
        return lines
    old = set(_findings(previous_run))
    new = [t for t in _findings(current_run) if t not in old]
    if new:
        lines.append(f"{len(new)} finding(s) differ from the previous paper; they are marked in "
                     "the summary above.")
    else:
        lines.append("The headline findings are the same as in the previous paper.")
    return lines

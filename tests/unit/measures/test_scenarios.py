"""Scenario files (tests/data/measures/<module>/<function>/NN_case.*): each measures function
on each input, compared with the expected output worked independently of the code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from evaluation.data import loaders
from evaluation.measures import call_handling, victim_satisfaction, victims_hub
from evaluation.methods import disclosure

DATA = Path(__file__).resolve().parents[2] / "data" / "measures"


def _funnel_table(path: Path, p: dict) -> pd.DataFrame:
    hub = pd.read_csv(path)
    return victims_hub.funnel_table(hub, {k: tuple(v) for k, v in p["periods"].items()})


def _window_rates(path: Path, p: dict) -> pd.DataFrame:
    monthly = pd.read_csv(path)
    monthly["month"] = pd.PeriodIndex(monthly["month"], freq="M")
    monthly["rate"] = monthly["satisfied"] / monthly["respondents"].where(
        monthly["respondents"] > 0)
    return victim_satisfaction.window_rates(monthly, p["period_end"], months=p["months"],
                                            questions=p["questions"])


def _monthly_kpis(path: Path, p: dict) -> pd.DataFrame:
    logs = loaders.load("call_logs", path)  # typed through the data contract
    out = call_handling.monthly_kpis(logs, p["target_s"], callback_within_s=p["callback_within_s"])
    out["month"] = pd.to_datetime(out["month"].astype(str)).dt.strftime("%Y-%m")
    return out


def _suppress(path: Path, p: dict) -> pd.DataFrame:
    table = pd.read_csv(path)
    return disclosure.suppress(table, p["count_columns"], threshold=p["threshold"],
                               total_row=p["total_row"]).table


RUNNERS: dict[tuple[str, str], Callable[[Path, dict], pd.DataFrame]] = {
    ("victims_hub", "funnel_table"): _funnel_table,
    ("victim_satisfaction", "window_rates"): _window_rates,
    ("call_handling", "monthly_kpis"): _monthly_kpis,
    ("disclosure", "suppress"): _suppress,
}
CASES = sorted(DATA.glob("*/*/*.input.csv"))


def test_every_scenario_folder_has_a_runner_and_cases() -> None:
    folders = {(p.parent.parent.name, p.parent.name) for p in CASES}
    assert folders == set(RUNNERS)
    assert len(CASES) >= 8


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name.split('.')[0]}"
                                             for c in CASES])
def test_scenario(case: Path) -> None:
    stem = case.name.removesuffix(".input.csv")
    params_file = case.with_name(f"{stem}.params.json")
    params = json.loads(params_file.read_text()) if params_file.is_file() else {}
    expected = pd.read_csv(case.with_name(f"{stem}.expected.csv"), dtype=str,
                           keep_default_na=False)
    got = RUNNERS[(case.parent.parent.name, case.parent.name)](case, params)
    got = got[list(expected.columns)].reset_index(drop=True)
    # compare as the CSV a reader gets: numbers in full precision, blanks for missing
    as_text = got.astype(object).where(got.notna(), "").astype(str)
    for col in expected.columns:
        numeric = pd.to_numeric(expected[col].replace("", None), errors="coerce")
        if numeric.notna().any() and (numeric.notna() | (expected[col] == "")).all():
            left = pd.to_numeric(got[col], errors="coerce").astype("float64")
            pd.testing.assert_series_equal(left, numeric.astype("float64"), check_names=False,
                                           rtol=1e-12, obj=f"column {col!r}")
        else:
            pd.testing.assert_series_equal(as_text[col], expected[col], check_names=False,
                                           obj=f"column {col!r}")

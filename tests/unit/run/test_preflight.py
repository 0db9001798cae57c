"""Checks made before any kernel starts: datasets found, contracts met, the period covered,
section parameters of the declared types."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluation.data import loaders
from evaluation.errors import EvaluationError, ParameterError
from evaluation.run import preflight

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "sample"


def _copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(SAMPLE / name, tmp_path / name)
    return tmp_path


def test_months_needed_are_the_period_and_the_same_months_a_year_earlier() -> None:
    first, last = preflight.months_needed("2018-04-01", "2019-03-31")
    assert (str(first), str(last)) == ("2017-04", "2019-03")


def test_a_period_past_the_end_of_the_data_stops_the_run_naming_the_months(
        tmp_path: Path) -> None:
    _copy(tmp_path, "engagement_activities.csv")
    with pytest.raises(preflight.InputCheckError) as exc:
        preflight.check_inputs(["06_engagement_and_communications"], tmp_path, "2018-10-01",
                               "2019-09-30", set())
    text = str(exc.value)
    assert ("engagement_activities.csv covers 2012-12 to 2019-03; the run needs 2017-10 to "
            "2019-09") in text
    # one message per problem: the three other datasets of the section are missing
    assert "correspondence: no file in" in text and "volunteers: no file in" in text
    assert len(exc.value.problems) == 4


def test_an_optional_dataset_short_of_the_period_is_a_warning(tmp_path: Path) -> None:
    _copy(tmp_path, "call_handling_monthly.csv", "call_logs.parquet", "call_handler_rota.csv")
    warnings = preflight.check_inputs(["02_call_handling"], tmp_path, "2018-04-01",
                                      "2019-03-31", {"call_logs"})
    assert len(warnings) == 1 and "call_logs.parquet covers 2018-04 to 2019-03" in warnings[0]
    with pytest.raises(preflight.InputCheckError, match="list 'call_logs' under optional"):
        preflight.check_inputs(["02_call_handling"], tmp_path, "2018-04-01", "2019-03-31",
                               set())


def test_a_duplicated_grant_register_stops_the_run(tmp_path: Path) -> None:
    reg = pd.read_csv(SAMPLE / "grants.csv", dtype=str, keep_default_na=False)
    pd.concat([reg] * 10).to_csv(tmp_path / "grants.csv", index=False)
    with pytest.raises(preflight.InputCheckError, match="duplicate key grant_id"):
        preflight.check_inputs(["05_grants"], tmp_path, "2018-04-01", "2019-03-31", set())


def test_an_extract_saved_as_xlsx_is_found_by_dataset_name(tmp_path: Path) -> None:
    df = pd.read_csv(SAMPLE / "victims_hub.csv", dtype=str, keep_default_na=False)
    df.to_excel(tmp_path / "victims_hub.xlsx", index=False)
    assert loaders.dataset_path(tmp_path, "victims_hub") == tmp_path / "victims_hub.xlsx"
    assert preflight.check_inputs(["04_victims_hub"], tmp_path, "2018-04-01", "2019-03-31",
                                  set()) == []
    shutil.copy(SAMPLE / "victims_hub.csv", tmp_path)
    with pytest.raises(EvaluationError, match="2 files in .*victims_hub.csv, victims_hub.xlsx"):
        loaders.dataset_path(tmp_path, "victims_hub")


def test_checks_are_cached_by_file_hash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _copy(data, "victims_hub.csv")
    cache = tmp_path / "cache"
    hashes = {str((data / "victims_hub.csv").resolve()): "abc123"}
    preflight.check_inputs(["04_victims_hub"], data, "2018-04-01", "2019-03-31", set(), cache,
                           hashes)
    assert (cache / "preflight" / "victims_hub-abc123.json").is_file()


DECLARED = {"extra_handlers": {"inferred_type_name": "float", "default": "2.0"},
            "target_101_s": {"inferred_type_name": "int", "default": "30"},
            "compare_year": {"inferred_type_name": "str", "default": "'2015/16'"},
            "flag": {"inferred_type_name": "bool", "default": "True"}}


@pytest.mark.parametrize(("key", "value"), [("extra_handlers", "three"),
                                            ("target_101_s", 30.5), ("target_101_s", True),
                                            ("compare_year", 2015), ("flag", 1)])
def test_section_parameters_of_the_wrong_type_fail_before_the_kernel(key: str,
                                                                      value: object) -> None:
    with pytest.raises(ParameterError, match=rf"section_params.02_call_handling.{key}: "
                                             "expected"):
        preflight.check_section_types("02_call_handling", Path("02_call_handling.ipynb"),
                                      {key: value}, DECLARED)


def test_section_parameters_of_the_right_type_pass() -> None:
    preflight.check_section_types("02_call_handling", Path("x.ipynb"),
                                  {"extra_handlers": 3, "target_101_s": 20,
                                   "compare_year": "2016/17", "flag": False}, DECLARED)


@pytest.mark.parametrize("run_file", ["sample.yaml", "example-period.yaml"])
def test_the_bundled_run_files_pass_the_checks_on_the_bundled_data(run_file: str) -> None:
    """The README's own example once failed on the bundled data (its period was after the
    sample ends); every run file shipped in params/ must pass the checks as it stands."""
    from evaluation.config.params import load_params

    params = load_params(ROOT / "params" / run_file)
    warnings = preflight.check_inputs(params.sections, params.data_dir,
                                      params.period_start.isoformat(),
                                      params.period_end.isoformat(),
                                      set(params.optional_datasets))
    assert all("call_logs" in w for w in warnings)

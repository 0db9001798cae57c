"""The params model: merging, validation and messages that name the key and the file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evaluation.config.params import load_params
from evaluation.errors import ParameterError

ROOT = Path(__file__).resolve().parents[3]


def _write(tmp_path: Path, text: str, name: str = "run.yaml") -> Path:
    (tmp_path / "defaults.yaml").write_text((ROOT / "params" / "defaults.yaml").read_text()
                                            .replace("../", f"{ROOT}/"))
    path = tmp_path / name
    path.write_text(text)
    return path


def test_sample_params_merge_defaults_and_run_file() -> None:
    p = load_params(ROOT / "params" / "sample.yaml")
    assert p.run_name == "sample"
    assert p.period_start == date(2018, 4, 1)
    assert p.board == "Business Coordination Board"  # from defaults.yaml
    assert p.data_dir == (ROOT / "data" / "sample").resolve()  # relative to the file


def test_unknown_key_suggests_the_closest_known_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "run_name: x\npaper_date: 2019-01-01\nperiod_start: 2018-01-01\n"
                            "period_end: 2018-12-31\nperiod_strat: 2018-01-01\n")
    with pytest.raises(ParameterError) as err:
        load_params(path)
    assert "unknown key 'period_strat'" in str(err.value)
    assert "Did you mean 'period_start'?" in str(err.value)
    assert str(path) in str(err.value)


def test_bad_date_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "run_name: x\npaper_date: 2019-01-01\nperiod_start: 2018-13-01\n"
                            "period_end: 2018-12-31\n")
    with pytest.raises(ParameterError) as err:
        load_params(path)
    text = str(err.value)
    assert "key 'period_start'" in text and str(path) in text and "2018-13-01" in text


def test_wrong_type_names_the_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "run_name: x\npaper_date: 2019-01-01\nperiod_start: 2018-01-01\n"
                            "period_end: 2018-12-31\nworkers: many\n")
    with pytest.raises(ParameterError, match="key 'workers'"):
        load_params(path)


def test_period_in_wrong_order_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "run_name: x\npaper_date: 2019-01-01\nperiod_start: 2019-01-01\n"
                            "period_end: 2018-12-31\n")
    with pytest.raises(ParameterError, match="after period_end"):
        load_params(path)


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="not found.*--params"):
        load_params(tmp_path / "nope.yaml")


def test_malformed_yaml_gives_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "run_name: [unclosed\n")
    with pytest.raises(ParameterError, match="not valid YAML at line"):
        load_params(path)


def test_section_params_merge_per_section(tmp_path: Path) -> None:
    path = _write(tmp_path, "run_name: x\npaper_date: 2019-01-01\nperiod_start: 2018-01-01\n"
                            "period_end: 2018-12-31\nsection_params:\n  01_public_contact:\n"
                            "    synthetic_data: false\n")
    p = load_params(path)
    assert p.section_params == {"01_public_contact": {"synthetic_data": False}}


def test_the_public_threshold_cannot_be_below_the_boards(tmp_path: Path) -> None:
    path = _write(tmp_path, "run_name: x\npaper_date: 2019-01-01\nperiod_start: 2018-01-01\n"
                            "period_end: 2018-12-31\npublic_disclosure_threshold: 5\n")
    with pytest.raises(ParameterError, match="public_disclosure_threshold 5 is below "
                                             "disclosure_threshold 10"):
        load_params(path)

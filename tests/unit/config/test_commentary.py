"""The analyst's commentary: read and checked before any kernel, rendered from the registry,
with figures typed by hand flagged."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.config.commentary import check_references, read_commentary
from evaluation.errors import ParameterError
from evaluation.report.commentary import render, unchecked_figures

ROOT = Path(__file__).resolve().parents[3]


def _registry() -> pd.DataFrame:
    return pd.DataFrame([
        {"id": "answered", "name": "Answered", "unit": "percent", "value": 0.8799,
         "previous_value": 0.9078, "change": -0.0279, "target": float("nan"), "lower": 0.879,
         "upper": 0.881, "period_start": "2018-04", "period_end": "2019-03",
         "previous_period": "April 2017 to March 2018"},
        {"id": "specials", "name": "Specials", "unit": "count", "value": 230.0,
         "previous_value": 243.0, "change": -13.0, "target": 300.0, "lower": float("nan"),
         "upper": float("nan"), "period_start": "2018-04", "period_end": "2019-03",
         "previous_period": "April 2017 to March 2018"},
    ])


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "commentary.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_references_are_rendered_by_the_indicators_unit() -> None:
    text = ("{{ answered.value }} against {{ answered.previous_value }} ({{ answered.change }}), "
            "{{ specials.value }} of a target of {{ specials.target }} in "
            "{{ specials.period }}; {{ answered.target }}")
    assert render(text, _registry()) == (
        "88.0% against 90.8% (-2.8 pp), 230 of a target of 300 in April 2018 to March 2019; "
        "(not available)")


def test_a_figure_typed_by_hand_is_flagged(tmp_path: Path) -> None:
    path = _write(tmp_path, "summary:\n  - Answered fell to 88.0% ({{ answered.value }}), "
                            "and 94% a year before that.\n")
    warnings = unchecked_figures(read_commentary(path), _registry())
    assert len(warnings) == 1 and "'94%'" in warnings[0] and "summary" in warnings[0]
    assert "88.0%" not in warnings[0]  # a literal that matches the registry is fine


def test_bad_commentary_gives_one_message_naming_the_file_and_key(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="key 'evidence.0.date'"):
        read_commentary(_write(tmp_path, "evidence:\n  - source: HMIC\n    date: soon\n"
                                         "    finding: good\n"))
    with pytest.raises(ParameterError, match="key 'sumary'"):
        read_commentary(_write(tmp_path, "sumary: [x]\n"))
    with pytest.raises(ParameterError, match="key 'responding.0.result'"):
        read_commentary(_write(tmp_path, "responding:\n  - concern: a\n    action: b\n"))
    with pytest.raises(ParameterError, match="not found"):
        read_commentary(tmp_path / "missing.yaml")
    path = _write(tmp_path, "summary:\n  - '{{ answerd.value }} and "
                            "{{ answered.vaule }} and {{ oops'\n"
                            "sections:\n  99_nothing: [x]\n"
                            "recommendations:\n  drop: [gone]\n")
    c = read_commentary(path)
    with pytest.raises(ParameterError) as err:
        check_references(c, ["answered", "specials"], path, ["00_summary"])
    text = str(err.value)
    assert text.startswith(f"{path}: ")  # the file, then each problem with its line
    assert "line 2: summary: '{{ answerd.value }}' names no indicator" in text
    assert "line 2: summary: '{{ answered.vaule }}': the field must be one of" in text
    assert "line 2: summary: a '{{' that is not a reference" in text and "('{{ oops')" in text
    assert "line 4: sections: '99_nothing' is not a section of this run" in text
    assert "line 6: recommendations.drop: 'gone' is not an indicator" in text


def test_the_sample_commentary_is_valid_and_labelled_synthetic() -> None:
    from evaluation.config.framework import read_framework

    path = ROOT / "params" / "commentary" / "sample.yaml"
    c = read_commentary(path)
    ids = [i.id for i in read_framework(ROOT / "params" / "framework.yaml").indicators]
    check_references(c, ids, path, ["00_summary", "02_call_handling",
                                    "06_engagement_and_communications"])
    assert c.synthetic and c.responding and c.evidence

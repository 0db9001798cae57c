"""Every params file validates and supplies only parameters the notebooks declare.

Papermill only logs an unknown parameter, so this test is what stops a misspelt section
parameter from being silently ignored.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.config.params import load_params
from evaluation.errors import ParameterError
from evaluation.run.pipeline import declared_parameters, plan_sections

ROOT = Path(__file__).resolve().parents[3]
RUN_FILES = sorted(p for p in (ROOT / "params").glob("*.yaml")
                   if p.name not in ("defaults.yaml", "framework.yaml"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("run_file", RUN_FILES, ids=lambda p: p.name)
def test_params_file_supplies_only_declared_parameters(run_file: Path) -> None:
    params = load_params(run_file)
    for plan in plan_sections(params):
        declared = declared_parameters(plan.notebook)
        assert set(plan.parameters) <= set(declared), plan.section
        for key in params.section_params.get(plan.section, {}):
            assert key in declared


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_parameter_has_a_type_and_help(notebook: Path) -> None:
    declared = declared_parameters(notebook)
    assert "output_dir" in declared
    for name, info in declared.items():
        assert info["inferred_type_name"] not in ("None", ""), name
        assert info["help"], f"{notebook.name}: parameter {name} has no '# help' comment"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_declares_kernel_python3(notebook: Path) -> None:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_misspelt_section_parameter_is_an_error_before_any_kernel(
    tmp_path: Path, write_defaults
) -> None:
    run = tmp_path / "run.yaml"
    run.write_text(
        "run_name: x\npaper_date: 2019-01-01\nperiod_start: 2018-01-01\nperiod_end: 2018-12-31\n"
        "sections: [01_public_contact]\n"
        "section_params:\n  01_public_contact:\n    seed_dri: /tmp\n"
    )
    write_defaults(tmp_path)
    with pytest.raises(ParameterError, match="'seed_dri' is not a parameter.*'seed_dir'"):
        plan_sections(load_params(run))


def test_unknown_section_is_an_error_with_suggestion(tmp_path: Path, write_defaults) -> None:
    run = tmp_path / "run.yaml"
    run.write_text("run_name: x\npaper_date: 2019-01-01\nperiod_start: 2018-01-01\n"
                   "period_end: 2018-12-31\nsections: [01_public_contakt]\n")
    write_defaults(tmp_path)
    with pytest.raises(ParameterError, match="Did you mean '01_public_contact'"):
        plan_sections(load_params(run))

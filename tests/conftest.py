"""Shared fixtures: the repository's folders, and the shared real data when it is present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return ROOT / "data" / "seed"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return ROOT / "data" / "sample"


def _write_defaults(dest: Path, keep_relative: tuple[str, ...] = ()) -> Path:
    """Write params/defaults.yaml into ``dest`` with each ``../<folder>`` made absolute (this
    repository's folder), except folders starting with one of ``keep_relative`` (which then
    resolve beside ``dest``, e.g. a temporary copy of data/)."""
    text = (ROOT / "params" / "defaults.yaml").read_text()

    def absolute(match: re.Match[str]) -> str:
        folder = match.group(1)
        return match.group(0) if folder.startswith(keep_relative) else f"{ROOT}/{folder}"

    text = re.sub(r"\.\./([\w/.-]+)", absolute, text)
    # the framework sits beside defaults.yaml in params/: the real one, wherever dest is
    text = re.sub(r"^framework: framework\.yaml", f"framework: {ROOT}/params/framework.yaml", text,
                  flags=re.M)
    path = dest / "defaults.yaml"
    path.write_text(text)
    return path


@pytest.fixture(scope="session")
def write_defaults():
    """A function writing the project's defaults.yaml into a temporary params folder."""
    return _write_defaults


def _run_section(section: str, out: Path, **parameters: object) -> Path:
    """Execute notebooks/<section>.ipynb with papermill into ``out`` (its output_dir)."""
    import papermill

    notebook = ROOT / "notebooks" / f"{section}.ipynb"
    papermill.execute_notebook(
        str(notebook), str(out / f"{section}.ipynb"),
        parameters={"output_dir": str(out), **parameters}, cwd=str(notebook.parent),
        kernel_name="python3", progress_bar=False,
    )
    return out


@pytest.fixture(scope="session")
def run_section():
    """A function running one section notebook through papermill, as the batch run does."""
    return _run_section


def _notebooks_with(dest: Path, section: str, body: str) -> Path:
    """A notebooks folder in ``dest``: the real 01 notebook plus ``<section>.ipynb``, whose only
    cell after its parameters runs ``body`` (e.g. a failure or a long sleep)."""
    import shutil

    import nbformat

    nbdir = dest / "notebooks"
    nbdir.mkdir()
    shutil.copy(ROOT / "notebooks" / "01_public_contact.ipynb", nbdir)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    params = nbformat.v4.new_code_cell('output_dir: str = ""  # help: output folder')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, nbdir / f"{section}.ipynb")
    return nbdir


@pytest.fixture(scope="session")
def notebooks_with():
    """A function writing a notebooks folder with one made-up section beside the real 01."""
    return _notebooks_with

"""The section cache: an unchanged re-run executes nothing; any change re-runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e

RUN = """
import json, sys
from evaluation.run.pipeline import run_report
summary = run_report(sys.argv[1], sys.argv[2], use_cache=sys.argv[3] == "cache")
print(json.dumps({"cached": [o.cached for o in summary.outcomes], "ok": summary.ok,
                  "engine": summary.engine,
                  "papermill": "papermill" in sys.modules,
                  "nbconvert": "nbconvert" in sys.modules}))
"""


def _run(params: Path, out: Path, cache: bool = True) -> dict:
    proc = subprocess.run([sys.executable, "-c", RUN, str(params), str(out),
                           "cache" if cache else "no"], capture_output=True, text=True,
                          cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def project(tmp_path: Path, write_defaults) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "seed", data / "seed")
    (data / "sample").mkdir()
    shutil.copy(ROOT / "data" / "sample" / "public_contact.csv", data / "sample")
    params = tmp_path / "params"
    params.mkdir()
    write_defaults(params, keep_relative=("data",))
    (params / "run.yaml").write_text("run_name: c\npaper_date: 2019-04-30\n"
                                     "period_start: 2018-04-01\nperiod_end: 2019-03-31\n"
                                     "sections: [01_public_contact]\n")
    return tmp_path


def test_unchanged_rerun_reuses_sections_and_paper_without_papermill(project: Path) -> None:
    params, out = project / "params" / "run.yaml", project / "reports" / "c"
    cold = _run(params, out)
    assert cold["cached"] == [False] and cold["ok"] and cold["papermill"]
    warm = _run(params, out)
    assert warm["cached"] == [True] and warm["engine"] == "cache"
    assert not warm["papermill"] and not warm["nbconvert"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["sections"][0]["cached"]
    assert (out / "pdf" / "c-board-paper.pdf").is_file()
    assert (out / "tables" / "01_public_contact__appendix1.csv").is_file()


def test_changed_input_or_no_cache_runs_again(project: Path) -> None:
    params, out = project / "params" / "run.yaml", project / "reports" / "c"
    _run(params, out)
    assert _run(params, out, cache=False)["cached"] == [False]
    seed = project / "data" / "seed" / "appendix1_public_contact_2018.csv"
    seed.write_text(seed.read_text().replace("887", "886"))
    again = _run(params, out)
    assert again["cached"] == [False]
    table = (out / "tables" / "01_public_contact__appendix1.csv").read_text()
    assert "886" in table


def test_previous_run_is_summarised_in_the_new_paper(project: Path) -> None:
    params = project / "params" / "run.yaml"
    first = project / "reports" / "first"
    _run(params, first)
    second = project / "reports" / "second"
    proc = subprocess.run([sys.executable, "-m", "evaluation.cli", "report", "--params",
                           str(params), "--out", str(second), "--previous", str(first)],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    paper = (second / "paper.md").read_text()
    assert "## Since the previous paper" in paper
    assert "The previous paper ('c') covered 2018-04-01 to 2019-03-31." in paper
    assert json.loads((second / "manifest.json").read_text())["previous"] == str(first)
    bad = subprocess.run([sys.executable, "-m", "evaluation.cli", "report", "--params",
                          str(params), "--out", str(second), "--previous", str(project)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert bad.returncode == 2 and "no manifest.json there" in bad.stderr


def test_a_change_to_a_file_the_section_never_read_keeps_it_cached(project: Path) -> None:
    params, out = project / "params" / "run.yaml", project / "reports" / "c"
    unrelated = project / "data" / "sample" / "victims_hub.csv"
    shutil.copy(ROOT / "data" / "sample" / "victims_hub.csv", unrelated)
    _run(params, out)
    record = json.loads((out / "sections" / "01_public_contact.json").read_text())
    read = {Path(p).name for p in record["inputs"]}
    assert {"public_contact.csv", "appendix1_public_contact_2018.csv"} <= read
    assert "victims_hub.csv" not in read
    unrelated.write_text(unrelated.read_text() + "\n")
    assert _run(params, out)["cached"] == [True]
    (project / "params" / "run.yaml").write_text(
        (project / "params" / "run.yaml").read_text()
        + "section_params:\n  01_public_contact:\n    spc_months: 30\n")
    assert _run(params, out)["cached"] == [False]  # its own parameter changed


def test_data_read_before_the_section_writer_is_tracked(project: Path) -> None:
    """05_grants reads its register before creating its SectionWriter: a change to the
    register must still re-run it (tracking starts at the kernel's first import)."""
    shutil.copy(ROOT / "data" / "sample" / "grants.csv", project / "data" / "sample")
    params = project / "params" / "run.yaml"
    params.write_text(params.read_text().replace("[01_public_contact]", "[05_grants]"))
    out = project / "reports" / "g"
    _run(params, out)
    record = json.loads((out / "sections" / "05_grants.json").read_text())
    assert "grants.csv" in {Path(p).name for p in record["inputs"]}
    grants = project / "data" / "sample" / "grants.csv"
    grants.write_text(grants.read_text() + "\n")  # new bytes, same records
    assert _run(params, out)["cached"] == [False]


def test_a_reused_kernel_gives_the_same_tables_as_fresh_kernels(project: Path) -> None:
    shutil.copy(ROOT / "data" / "sample" / "victims_hub.csv", project / "data" / "sample")
    params = project / "params" / "run.yaml"
    base = params.read_text().replace("[01_public_contact]", "[01_public_contact, 04_victims_hub]")
    outs = {}
    for reuse in ("true", "false"):
        params.write_text(base + f"workers: 1\nreuse_kernels: {reuse}\n")
        outs[reuse] = project / "reports" / f"k-{reuse}"
        result = _run(params, outs[reuse], cache=False)
        assert result["ok"], result
    tables = sorted(p.name for p in (outs["true"] / "tables").glob("*.csv"))
    assert any(t.startswith("04_victims_hub") for t in tables)
    for name in tables:
        assert (outs["true"] / "tables" / name).read_bytes() == \
            (outs["false"] / "tables" / name).read_bytes(), name
    record = json.loads((outs["true"] / "sections" / "04_victims_hub.json").read_text())
    read = {Path(p).name for p in record["inputs"]}
    assert "victims_hub.csv" in read and "public_contact.csv" not in read  # reads were reset

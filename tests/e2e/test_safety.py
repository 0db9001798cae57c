"""Never lose a file, never publish a wrong paper: real runs into folders that hold a good
pack, concurrent runs, verify after any change, and stopping a run by signal."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evaluation.run import outdir
from evaluation.run.pipeline import sha256_file

ROOT = Path(__file__).resolve().parents[2]
PROXY = (ROOT / "data" / "real" / "oxford-cc-grants-360giving" /
         "oxford-city-council-grants-awarded-2014-15-to-2017-18.csv")
pytestmark = pytest.mark.e2e


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evaluation.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _run_file(tmp: Path, write_defaults, sections: str, nbdir: Path | None = None,
              extra: str = "") -> Path:
    (tmp / "params").mkdir(exist_ok=True)
    write_defaults(tmp / "params")
    run = tmp / "params" / "run.yaml"
    text = ("run_name: safety\npaper_date: 2019-04-30\nperiod_start: 2018-04-01\n"
            f"period_end: 2019-03-31\nsections: {sections}\n{extra}")
    if nbdir is not None:
        text += f"notebooks_dir: {nbdir}\n"
    run.write_text(text)
    return run


@pytest.fixture(scope="module")
def good_pack(tmp_path_factory: pytest.TempPathFactory, write_defaults) -> tuple[Path, Path]:
    """A complete pack of sections 01 and 05 (05 on a copy of the 360Giving file, named by a
    section parameter outside the data folders)."""
    tmp = tmp_path_factory.mktemp("good")
    giving = tmp / "grants-360.csv"
    shutil.copy(PROXY, giving)
    run = _run_file(tmp, write_defaults, "[01_public_contact, 05_grants]",
                    extra=f"section_params:\n  05_grants:\n    grants_source: 360giving\n"
                          f"    giving360_path: {giving}\n")
    out = tmp / "reports" / "safety"
    proc = _cli("report", "--params", str(run), "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, giving


def _copy_pack(pack: Path, tmp: Path) -> Path:
    dest = tmp / "copy"
    shutil.copytree(pack, dest)
    return dest


def test_manifest_hashes_every_output_and_the_file_a_parameter_names(good_pack) -> None:
    out, giving = good_pack
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tool"] == outdir.TOOL
    assert str(giving.resolve()) in manifest["inputs"]
    outputs = manifest["output_files"]
    assert "html/safety-board-paper.html" in outputs and "pdf/safety-board-paper.pdf" in outputs
    assert any(k.startswith("tables/") for k in outputs)
    assert any(k.startswith("executed/") for k in outputs)
    assert outputs == {k: v for k, v in _tree(out).items() if k != "manifest.json"}
    assert len(manifest["code"]["fingerprint"]) == 64


def test_verify_fails_naming_an_edited_paper(good_pack, tmp_path: Path) -> None:
    pack = _copy_pack(good_pack[0], tmp_path)
    ok = _cli("verify", str(pack), "--allow-dirty")
    assert ok.returncode == 0, ok.stdout
    html = pack / "html" / "safety-board-paper.html"
    html.write_text(html.read_text().replace("Public contact", "Public kontact"))
    bad = _cli("verify", str(pack), "--allow-dirty")
    assert bad.returncode == 1 and f"CHANGED output: {html}" in bad.stdout


def test_verify_names_the_public_version_deleted_or_leaking_a_small_count(good_pack,
                                                                         tmp_path: Path) -> None:
    pack = _copy_pack(good_pack[0], tmp_path)
    ok = _cli("verify", str(pack), "--allow-dirty")
    assert "The public version for the Police and Crime Panel: html/safety-public-paper.html" \
        in ok.stdout
    (pack / "pdf" / "safety-public-paper.pdf").unlink()
    bad = _cli("verify", str(pack), "--allow-dirty")
    assert bad.returncode == 1
    assert ("MISSING: the public version for the Police and Crime Panel: "
            "pdf/safety-public-paper.pdf") in bad.stdout
    # a section record whose public rows were edited to show a count of 12
    pack = _copy_pack(good_pack[0], tmp_path / "again")
    for record in sorted((pack / "sections").glob("*.json")):
        data = json.loads(record.read_text())
        tables = [b for b in data["blocks"] if b["type"] == "table" and b.get("count_columns")
                  and b.get("public_rows")]
        if tables:
            t = tables[0]
            t["public_rows"][0][t["columns"].index(t["count_columns"][0])] = "12"
            record.write_text(json.dumps(data))
            break
    bad = _cli("verify", str(pack), "--allow-dirty")
    assert bad.returncode == 1 and "DISCLOSURE: the public version for the Police and Crime " \
        "Panel would print counts below 20" in bad.stdout


def test_verify_fails_naming_a_deleted_table_and_an_extra_file(good_pack,
                                                               tmp_path: Path) -> None:
    pack = _copy_pack(good_pack[0], tmp_path)
    table = sorted((pack / "tables").glob("*.csv"))[0]
    table.unlink()
    (pack / "tables" / "my-edit.csv").write_text("a\n1\n")
    (pack / "datalink").symlink_to(ROOT / "data", target_is_directory=True)
    bad = _cli("verify", str(pack), "--allow-dirty")
    assert bad.returncode == 1
    assert f"MISSING output: {table}" in bad.stdout
    assert f"EXTRA file not written by the run: {pack / 'tables' / 'my-edit.csv'}" in bad.stdout
    assert f"EXTRA link not written by the run: {pack / 'datalink'}" in bad.stdout


def test_verify_fails_when_the_file_a_parameter_named_is_edited(good_pack,
                                                                tmp_path: Path) -> None:
    pack, giving = good_pack
    copy = _copy_pack(pack, tmp_path)
    original = giving.read_bytes()
    try:
        giving.write_bytes(original + b"\n")
        bad = _cli("verify", str(copy), "--allow-dirty")
        assert bad.returncode == 1 and f"CHANGED since the paper was made: {giving}" in bad.stdout
    finally:
        giving.write_bytes(original)


def test_verify_fails_when_the_code_changed_or_was_uncommitted(good_pack,
                                                               tmp_path: Path) -> None:
    pack = _copy_pack(good_pack[0], tmp_path)
    manifest_path = pack / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["code"]["fingerprint"] = "0" * 64  # as if the package's code had been edited
    manifest_path.write_text(json.dumps(manifest))
    bad = _cli("verify", str(pack), "--allow-dirty")
    assert bad.returncode == 1 and "CHANGED code" in bad.stdout
    manifest["code"]["fingerprint"] = json.loads(
        (good_pack[0] / "manifest.json").read_text())["code"]["fingerprint"]
    manifest["code"]["dirty"] = True
    manifest_path.write_text(json.dumps(manifest))
    dirty = _cli("verify", str(pack))
    assert dirty.returncode == 1 and "uncommitted changes" in dirty.stdout
    assert _cli("verify", str(pack), "--allow-dirty").returncode == 0


def test_a_failed_run_leaves_the_good_pack_untouched(good_pack, tmp_path: Path,
                                                     write_defaults, notebooks_with) -> None:
    pack = _copy_pack(good_pack[0], tmp_path)
    before = _tree(pack)
    nbdir = notebooks_with(tmp_path, "02_extra", "raise ValueError('grant register is empty')")
    run = _run_file(tmp_path, write_defaults, "[01_public_contact, 02_extra]", nbdir)
    proc = _cli("report", "--params", str(run), "--out", str(pack))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert _tree(pack) == before
    draft = tmp_path / "copy.draft"
    assert json.loads((draft / "manifest.json").read_text())["status"] == "failed"
    assert [p.name for p in (draft / "pdf").iterdir()] == [
        "safety-board-paper-DRAFT-INCOMPLETE.pdf"]
    assert not list(tmp_path.glob(".copy.staging-*"))


def test_a_second_run_into_the_same_folder_is_refused_at_once(tmp_path: Path,
                                                              write_defaults) -> None:
    run = _run_file(tmp_path, write_defaults, "[01_public_contact]")
    out = tmp_path / "reports" / "safety"
    with outdir.RunLock(out):
        proc = _cli("report", "--params", str(run), "--out", str(out))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"Another run is writing to {out} (pid {os.getpid()}, started" in proc.stderr
    assert not out.exists()


def _children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (from /proc)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for k in map(int, kids):
                if k not in found:
                    found.add(k)
                    todo.append(k)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _start_slow_run(tmp_path: Path, write_defaults,
                    notebooks_with) -> tuple[subprocess.Popen[str], set[int]]:
    nbdir = notebooks_with(tmp_path, "02_extra", "import time\ntime.sleep(120)")
    run = _run_file(tmp_path, write_defaults, "[02_extra, 01_public_contact]", nbdir,
                    extra="reuse_kernels: true\n")
    out = tmp_path / "reports" / "slow"
    proc = subprocess.Popen([sys.executable, "-m", "evaluation.cli", "report", "--params",
                             str(run), "--out", str(out)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until both workers have started a kernel
        kids = _children(proc.pid)
        kernels = [k for k in kids if "ipykernel" in _cmdline(k)]
        if len(kernels) >= 1 and list((tmp_path / "reports").glob(".slow.staging-*")):
            time.sleep(2)
            return proc, _children(proc.pid)
        time.sleep(0.5)
    proc.kill()
    pytest.fail("the run did not start its kernels in two minutes")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def _wait_gone(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _alive(pids):
        time.sleep(0.25)
    return _alive(pids)


def test_ctrl_c_stops_workers_and_kernels_promptly_leaving_no_half_pack(
        tmp_path: Path, write_defaults, notebooks_with) -> None:
    proc, kids = _start_slow_run(tmp_path, write_defaults, notebooks_with)
    stopped = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - stopped
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err and "interrupted" in err
    assert took < 30, f"took {took:.0f} s to stop"  # not the 120 s the section would take
    assert not _wait_gone(kids, 15), "workers or kernels left running"
    reports = tmp_path / "reports"
    assert sorted(p.name for p in reports.iterdir()) == [".opcc-evaluation-cache"]


def test_killing_the_parent_takes_its_workers_and_kernels_with_it(
        tmp_path: Path, write_defaults, notebooks_with) -> None:
    proc, kids = _start_slow_run(tmp_path, write_defaults, notebooks_with)
    proc.kill()
    proc.communicate(timeout=30)
    assert not _wait_gone(kids, 20), "orphaned workers or kernels"
    # the next run into the same folder removes the killed run's staging
    run = _run_file(tmp_path, write_defaults, "[01_public_contact]")
    done = _cli("report", "--params", str(run), "--out", str(tmp_path / "reports" / "slow"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "removed the staging folder of an interrupted run" in done.stderr
    assert not list((tmp_path / "reports").glob(".slow.staging-*"))

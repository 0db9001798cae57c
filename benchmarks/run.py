"""Benchmarks of issue 7, each a RATIO of two things measured in the same run on this machine.

    .venv/bin/python benchmarks/run.py           # everything (about 15 minutes on 2 cores);
                                                 # writes docs/performance.md and
                                                 # benchmarks/results/full.json
    .venv/bin/python benchmarks/run.py --quick   # 1 M calls, no 100 M, one repetition;
                                                 # writes benchmarks/results/quick.json only

(a) the full board pack cold (``evaluation report --no-cache``, one process) against a
    straightforward loop: the papermill CLI for each notebook, the jupyter nbconvert CLI for
    each, then the paper rendered by the package in a fresh process;
(b) a re-run with nothing changed, with one section's parameter changed and with one data
    file changed, against the cold run that filled the cache, on a temporary copy of
    params/, data/ and notebooks/ (nothing in the repository changes);
(c) N call records in Parquet to monthly KPIs: DuckDB SQL (and the Ibis expression on
    DuckDB) against a straightforward pandas read + groupby, each a whole process, time and
    peak RSS (from ``os.wait4`` of the child);
(d) 10 x N call records with DuckDB: peak RSS and time growth from N;
plus the import cost of papermill and nbconvert in this environment, and (full run) the Ibis
expression on a local PySpark session at N.

Call logs are generated on demand with ``evaluation synth --calls`` under benchmarks/data/
(git-ignored) and reused while their row count matches.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
DATA = BENCH / "data"
BIN = Path(sys.executable).parent
PY = str(Path(sys.executable))
DOC = ROOT / "docs" / "performance.md"
START_MARK = "<!-- results:start (written by benchmarks/run.py; do not edit by hand) -->"
END_MARK = "<!-- results:end -->"
GOALS = {"a": 0.25, "b_noop": 0.05, "b_section": 0.3, "c_time": 0.35, "c_rss": 0.2,
         "d_rss_mb": 1024.0, "d_growth": 11.0}

log = logging.getLogger("benchmarks")


# --------------------------------------------------------------------------- measuring
def measure(cmd: Sequence[str], label: str, cwd: Path = ROOT) -> dict[str, Any]:
    """Run ``cmd`` as a child process: wall seconds, peak RSS (MB) of the child, exit code.

    Output goes to a log file (read afterwards), so no pipe can fill and stall the child.
    Peak RSS is ``ru_maxrss`` from ``os.wait4``: the largest resident set of the child or of
    any descendant it waited for.
    """
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # as CI: an Agg backend in the environment drops notebook plots
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    result = {"label": label, "seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024,
              "rc": proc.returncode, "cmd": " ".join(_short(c) for c in cmd)}
    if proc.returncode != 0:
        result["output_tail"] = text[-2000:]
        log.error("%s failed (exit %s):\n%s", label, proc.returncode, text[-2000:])
    else:
        last = text.strip().splitlines()[-1] if text.strip() else ""
        if last.startswith("{"):
            result["child"] = json.loads(last)
    log.info("%-34s %7.2f s  %7.0f MB  rc=%s", label, seconds, result["peak_rss_mb"],
             proc.returncode)
    return result


def _short(part: str) -> str:
    return part.replace(str(ROOT) + "/", "").replace(tempfile.gettempdir() + "/", "$TMP/")


def _median(runs: list[dict[str, Any]], key: str = "seconds") -> float:
    return float(statistics.median(r[key] for r in runs))


def machine() -> dict[str, Any]:
    """The machine and the versions that matter."""
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as fh:
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", fh.read()).group(1))  # type: ignore[union-attr]
    versions = {}
    for name in ("opcc-evaluation", "pandas", "numpy", "pyarrow", "duckdb", "ibis-framework",
                 "sqlglot", "pyspark", "papermill", "nbconvert", "nbclient", "ipykernel",
                 "matplotlib", "seaborn", "typst", "pypandoc-binary"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True,
                              check=False).stderr.splitlines()[0]
    except OSError:
        java = "not installed"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kb / 1024**2, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "java": java, "versions": versions, "git_commit": commit,
            "loadavg_start": os.getloadavg()}


# --------------------------------------------------------------------------- imports
def bench_imports(reps: int) -> dict[str, Any]:
    """Wall time of a fresh interpreter importing papermill / nbconvert (median of reps)."""
    from importlib.util import find_spec

    snippets = {"bare interpreter": "pass", "papermill": "import papermill",
                "nbconvert": "import nbconvert",
                "nbconvert HTMLExporter": "from nbconvert import HTMLExporter",
                "papermill + nbconvert": "import papermill, nbconvert",
                "evaluation.measures.call_handling": "import evaluation.measures.call_handling"}
    out: dict[str, Any] = {"rfc3987_syntax_installed": find_spec("rfc3987_syntax") is not None,
                           "median_s": {}}
    for name, code in snippets.items():
        runs = [measure([PY, "-c", code], f"import {name}") for _ in range(reps)]
        out["median_s"][name] = _median(runs)
    return out


# --------------------------------------------------------------------------- (a) the pack
def _loop(params_file: Path, work: Path, tag: str) -> dict[str, Any]:
    """The straightforward loop: papermill CLI per notebook, nbconvert CLI per notebook, paper."""
    import yaml

    from evaluation.config.params import load_params
    from evaluation.run.pipeline import plan_sections

    params = load_params(params_file)
    plans = plan_sections(params)  # the same parameters the pipeline passes (not timed)
    loop_dir = work / f"loop-{tag}"
    (loop_dir / "executed").mkdir(parents=True)
    steps: list[dict[str, Any]] = []
    start = time.perf_counter()
    for plan in plans:
        values = dict(plan.parameters)
        if "output_dir" in values:
            values["output_dir"] = str(loop_dir)
        pfile = loop_dir / f"{plan.section}.yaml"
        pfile.write_text(yaml.safe_dump(values), encoding="utf-8")
        steps.append(measure(
            [str(BIN / "papermill"), str(plan.notebook),
             str(loop_dir / "executed" / f"{plan.section}.ipynb"), "-f", str(pfile),
             "--cwd", str(plan.notebook.parent), "-k", "python3", "--no-progress-bar"],
            f"loop papermill {plan.section[:14]}"))
    for plan in plans:
        steps.append(measure(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
             "--output-dir", str(loop_dir / "html"),
             str(loop_dir / "executed" / f"{plan.section}.ipynb")],
            f"loop nbconvert {plan.section[:14]}"))
    steps.append(measure([PY, str(BENCH / "loop_paper.py"), str(params_file), str(loop_dir),
                          ",".join(p.section for p in plans)], "loop paper"))
    total = time.perf_counter() - start
    return {"seconds": total, "rc": max(s["rc"] for s in steps), "sections": len(plans),
            "papermill_s": sum(s["seconds"] for s in steps if "papermill" in s["label"]),
            "nbconvert_s": sum(s["seconds"] for s in steps if "nbconvert" in s["label"]),
            "paper_s": steps[-1]["seconds"], "steps": steps}


def _report_cmd(params_file: Path, out: Path, no_cache: bool) -> list[str]:
    return [str(BIN / "evaluation"), "report", "--params", str(params_file), "--out", str(out)
            ] + (["--no-cache"] if no_cache else [])


def _manifest(run_dir: Path) -> dict[str, Any]:
    path = run_dir / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def bench_pack(reps: int, work: Path) -> dict[str, Any]:
    """(a): the cold pack against the loop, alternating, ``reps`` times each."""
    params_file = _copy_inputs(work / "pack-inputs")  # a snapshot: the tree may be edited
    loops, colds = [], []
    for i in range(reps):
        loops.append(_loop(params_file, work, str(i)))
        log.info("loop total %.1f s", loops[-1]["seconds"])
        out = work / f"cold-{i}"
        run = measure(_report_cmd(params_file, out, no_cache=True), f"pack cold --no-cache #{i}")
        run["section_seconds"] = {s["section"]: s["seconds"]
                                  for s in _manifest(out).get("sections", [])}
        colds.append(run)
    loop_s, cold_s = _median(loops), _median(colds)
    return {"loop": loops, "cold": colds, "loop_s": loop_s, "cold_s": cold_s,
            "ratio": cold_s / loop_s, "ok": all(r["rc"] == 0 for r in loops + colds)}


# --------------------------------------------------------------------------- (b) the cache
def _copy_inputs(dest: Path) -> Path:
    for name in ("params", "data", "notebooks"):
        shutil.copytree(ROOT / name, dest / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dest / "params" / "sample.yaml"


def _change_section_parameter(params_file: Path, step: int = 1) -> str:
    """Set one notebook parameter of one section in the copied run file; say which."""
    import papermill
    import yaml

    from evaluation.config.params import load_params

    params = load_params(params_file)
    globals_ = set(params.global_notebook_params()) | {"output_dir"}
    preferred = ("06_engagement_and_communications", "response_target_days")
    choice = None
    for section in [preferred[0]] + list(params.sections):
        if section not in params.sections:
            continue
        declared = papermill.inspect_notebook(str(params.notebook_path(section)))
        ints = [k for k, v in declared.items()
                if k not in globals_ and v["inferred_type_name"] == "int"]
        names = [preferred[1]] if section == preferred[0] and preferred[1] in declared else ints
        if names:
            choice = (section, names[0], int(str(declared[names[0]]["default"])) + step)
            break
    if choice is None:
        raise RuntimeError("no section declares an integer parameter to change")
    data = yaml.safe_load(params_file.read_text(encoding="utf-8")) or {}
    data.setdefault("section_params", {}).setdefault(choice[0], {})[choice[1]] = choice[2]
    params_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return f"section_params.{choice[0]}.{choice[1]} = {choice[2]}"


def _change_data_file(data_dir: Path, step: int = 1) -> str:
    """Change one amount in the copied grants.csv (still valid); say which."""
    path = data_dir / "grants.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    col = header.index("amount_gbp")
    fields = lines[1].split(",")
    fields[col] = str(int(float(fields[col])) + 100 * step)
    lines[1] = ",".join(fields)
    path.write_text("".join(lines), encoding="utf-8")
    return f"{path.name}: first grant's amount_gbp + {100 * step}"


def _rerun_counts(run: dict[str, Any], run_dir: Path) -> dict[str, Any]:
    sections = _manifest(run_dir).get("sections", [])
    run["sections_run"] = sum(not s.get("cached") for s in sections)
    run["sections_reused"] = sum(bool(s.get("cached")) for s in sections)
    run["renderer"] = _manifest(run_dir).get("renderer")
    return run


def _edit_notebook(notebook: Path) -> str:
    """Append a markdown cell to the copied notebook (the section's own input); say which."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Edited for the cache benchmark."))
    nbformat.write(nb, str(notebook))
    return f"{notebook.name}: one markdown cell appended"


def bench_cache(work: Path, noop_reps: int) -> dict[str, Any]:
    """(b): cold runs, then re-runs with nothing changed and with one input changed.

    The changes: one section's notebook edited, one section's parameter changed, one data
    file changed. Other engineers edit src/evaluation while this runs, and any edit rightly
    changes every cache key, so before each measurement the cache is warmed until a run
    executes no section, and a measurement during which the package's source changed is
    repeated (``code_fingerprint`` before and after).
    """
    from evaluation.run.cache import code_fingerprint

    root = work / "cache"
    params_file = _copy_inputs(root)
    out = root / "reports" / "bench"

    def run(label: str, no_cache: bool = False) -> dict[str, Any]:
        return _rerun_counts(measure(_report_cmd(params_file, out, no_cache), label), out)

    def settle() -> None:
        for _ in range(4):
            if run("cache: warming (not measured)")["sections_run"] == 0:
                return
        log.warning("the cache never settled: the source keeps changing")

    def changed_run(label: str, change: Any) -> tuple[dict[str, Any], str]:
        for attempt in range(3):
            settle()
            before = code_fingerprint()
            what = change(attempt)
            result = run(label)
            if code_fingerprint() == before:
                return result, what
            log.warning("the package's source changed during %r; repeating", label)
        return result, what + " (source edited during the run: not a clean measurement)"

    colds = [run("cache: cold, empty cache"), run("cache: cold, --no-cache", no_cache=True)]
    noop: list[dict[str, Any]] = []
    for i in range(noop_reps):
        settle()
        noop.append(run(f"cache: nothing changed #{i}"))
    params = yaml_load(params_file)
    sections = params.get("sections") or yaml_load(params_file.parent / "defaults.yaml")[
        "sections"]
    target_nb = root / "notebooks" / f"{sections[-1]}.ipynb"
    notebook, what_nb = changed_run("cache: one section's notebook edited",
                                    lambda _: _edit_notebook(target_nb))
    original = params_file.read_text(encoding="utf-8")

    def change_param(attempt: int) -> str:
        params_file.write_text(original, encoding="utf-8")
        return _change_section_parameter(params_file, attempt + 1)

    section, what_param = changed_run("cache: one section's parameter", change_param)
    params_file.write_text(original, encoding="utf-8")
    data, what_data = changed_run(
        "cache: one data file", lambda a: _change_data_file(root / "data" / "sample", a + 1))
    valid_noop = [r for r in noop if r["sections_run"] == 0] or noop
    cold_s = _median(colds)
    return {"cold": colds, "noop": noop, "notebook": notebook, "section": section,
            "data": data, "changed_notebook": what_nb, "changed_parameter": what_param,
            "changed_data": what_data, "cold_s": cold_s, "noop_s": _median(valid_noop),
            "noop_valid": len(valid_noop), "ratio_noop": _median(valid_noop) / cold_s,
            "ratio_notebook": notebook["seconds"] / cold_s,
            "ratio_section": section["seconds"] / cold_s,
            "ratio_data": data["seconds"] / cold_s,
            "ok": all(r["rc"] == 0 for r in [*colds, *noop, notebook, section, data])}


def yaml_load(path: Path) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


# --------------------------------------------------------------------------- (c), (d) calls
def call_logs(n: int) -> tuple[Path, dict[str, Any] | None]:
    """benchmarks/data/calls_<n>.parquet, generated (streaming) unless already there."""
    import pyarrow.parquet as pq

    path = DATA / f"calls_{n}.parquet"
    if path.is_file():
        try:
            if pq.ParquetFile(path).metadata.num_rows == n:
                return path, None
        except Exception:  # a half-written file from an interrupted run
            log.warning("%s unreadable; generating it again", path)
    gen = measure([str(BIN / "evaluation"), "synth", "--calls", str(n), "--out", str(path),
                   "--overwrite"],
                  f"generate {n:,} calls")
    gen["file_mb"] = path.stat().st_size / 1024**2 if path.is_file() else None
    return path, gen


def _kpis(engine: str, path: Path, tag: str) -> dict[str, Any]:
    return measure([PY, str(BENCH / "kpis.py"), engine, str(path)], f"{engine} {tag}")


def bench_calls(n: int, reps: int, engines: Sequence[str]) -> dict[str, Any]:
    """(c): each engine as a whole process on N calls, alternating, ``reps`` times."""
    path, gen = call_logs(n)
    runs: dict[str, list[dict[str, Any]]] = {e: [] for e in engines}
    for i in range(reps):
        for engine in engines:
            runs[engine].append(_kpis(engine, path, f"{n / 1e6:g}M #{i}"))
    base = [measure([PY, "-c", "import evaluation.measures.call_handling"], "import callhandling")
            for _ in range(reps)]
    summary = {e: {"seconds": _median(r), "peak_rss_mb": _median(r, "peak_rss_mb"),
                   "ok": all(x["rc"] == 0 for x in r)} for e, r in runs.items()}
    result = {"n": n, "file_mb": path.stat().st_size / 1024**2, "generate": gen, "runs": runs,
              "summary": summary, "import_only": {"seconds": _median(base),
                                                  "peak_rss_mb": _median(base, "peak_rss_mb")}}
    if "pandas" in summary:
        for e in engines:
            if e != "pandas":
                summary[e]["time_ratio"] = summary[e]["seconds"] / summary["pandas"]["seconds"]
                summary[e]["rss_ratio"] = (summary[e]["peak_rss_mb"]
                                           / summary["pandas"]["peak_rss_mb"])
    return result


# --------------------------------------------------------------------------- report
def _fmt_goal(value: float, goal: float, unit: str = "") -> str:
    ok = value <= goal
    shown = f"{value:.0f}" if value >= 100 else f"{value:.3g}"
    return (f"{shown}{unit} | ≤ {goal:g}{unit} | "
            + ("**met**" if ok else f"**missed** ({value / goal:.2f}× the goal)"))


def render(results: dict[str, Any]) -> str:
    """The results block of docs/performance.md."""
    m = results["machine"]
    lines = [START_MARK, "",
             f"Measured {results['finished'][:16].replace('T', ' ')} UTC "
             f"({'quick' if results['quick'] else 'full'} run; this invocation took "
             f"{results['seconds'] / 60:.1f} minutes).", "",
             *([f"Parts {', '.join(results['kept_from_previous']['parts'])} are kept from "
                f"the run finished {results['kept_from_previous']['finished'][:16]} UTC "
                "(same machine); the others were measured again.", ""]
               if results.get("kept_from_previous") else []),
             "### Machine", "",
             f"- {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, no swap use "
             f"assumed; {m['os']}",
             f"- Python {m['python']}; {m['java']}; git commit {m['git_commit']}",
             "- load average (1, 5, 15 min) at the start "
             f"{', '.join(f'{x:.2f}' for x in m['loadavg_start'])} and the end "
             f"{', '.join(f'{x:.2f}' for x in results['loadavg_end'])} (other engineers' "
             "tests share these 2 cores)",
             "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()), "",
             "### Goals", "", "| benchmark | ratio measured | goal | result |",
             "| --- | --- | --- | --- |"]
    a, b, c, d = (results.get(k) for k in ("a", "b", "c", "d"))
    if a:
        lines.append(f"| (a) full pack cold / straightforward loop | "
                     f"{_fmt_goal(a['ratio'], GOALS['a'])} |")
    if b:
        lines.append(f"| (b) re-run, nothing changed / cold | "
                     f"{_fmt_goal(b['ratio_noop'], GOALS['b_noop'])} |")
        lines.append(f"| (b) re-run, one section's notebook edited / cold | "
                     f"{_fmt_goal(b['ratio_notebook'], GOALS['b_section'])} |")
        lines.append(f"| (b) re-run, one section's parameter changed / cold | "
                     f"{_fmt_goal(b['ratio_section'], GOALS['b_section'])} |")
        if b["data"].get("sections_run") == 0:  # a changed input must re-run its reader
            lines.append(f"| (b) re-run, one data file changed / cold | {b['ratio_data']:.3g} "
                         "| ≤ 0.4 | **not valid**: no section re-ran, so the section that "
                         "reads the file was reused stale (see below) |")
        else:
            lines.append(f"| (b) re-run, one data file changed / cold | "
                         f"{_fmt_goal(b['ratio_data'], GOALS['b_section'])} |")
    if c and "duckdb" in c["summary"]:
        s = c["summary"]["duckdb"]
        lines.append(f"| (c) {c['n'] / 1e6:g} M calls, DuckDB / pandas, time | "
                     f"{_fmt_goal(s['time_ratio'], GOALS['c_time'])} |")
        lines.append(f"| (c) {c['n'] / 1e6:g} M calls, DuckDB / pandas, peak RSS | "
                     f"{_fmt_goal(s['rss_ratio'], GOALS['c_rss'])} |")
        if "ibis" in c["summary"]:
            s = c["summary"]["ibis"]
            lines.append(f"| (c') {c['n'] / 1e6:g} M calls, Ibis on DuckDB / pandas, time | "
                         f"{_fmt_goal(s['time_ratio'], GOALS['c_time'])} |")
            lines.append(f"| (c') {c['n'] / 1e6:g} M calls, Ibis on DuckDB / pandas, peak RSS | "
                         f"{_fmt_goal(s['rss_ratio'], GOALS['c_rss'])} |")
    if d and c:
        s = d["summary"]["duckdb"]
        lines.append(f"| (d) {d['n'] / 1e6:g} M calls, DuckDB peak RSS (MB) | "
                     f"{_fmt_goal(s['peak_rss_mb'], GOALS['d_rss_mb'])} |")
        growth = s["seconds"] / c["summary"]["duckdb"]["seconds"]
        lines.append(f"| (d) DuckDB time {d['n'] / 1e6:g} M / {c['n'] / 1e6:g} M | "
                     f"{_fmt_goal(growth, GOALS['d_growth'])} |")
        if "ibis" in d["summary"] and "ibis" in c["summary"]:
            si = d["summary"]["ibis"]
            lines.append(f"| (d') {d['n'] / 1e6:g} M calls, Ibis on DuckDB peak RSS (MB) | "
                         f"{_fmt_goal(si['peak_rss_mb'], GOALS['d_rss_mb'])} |")
            growth = si["seconds"] / c["summary"]["ibis"]["seconds"]
            lines.append(f"| (d') Ibis time {d['n'] / 1e6:g} M / {c['n'] / 1e6:g} M | "
                         f"{_fmt_goal(growth, GOALS['d_growth'])} |")
    lines += ["", "### Raw timings (seconds; peak RSS in MB)", ""]
    if a:
        lines += ["(a) the pack, each repetition (the ratio uses medians):", "",
                  "| run | wall s | papermill s | nbconvert s | paper s | peak RSS MB |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for i, lp in enumerate(a["loop"]):
            lines.append(f"| loop #{i} ({lp['sections']} notebooks) | {lp['seconds']:.1f} | "
                         f"{lp['papermill_s']:.1f} | {lp['nbconvert_s']:.1f} | "
                         f"{lp['paper_s']:.1f} | "
                         f"{max(s['peak_rss_mb'] for s in lp['steps']):.0f} |")
        for i, r in enumerate(a["cold"]):
            lines.append(f"| `evaluation report --no-cache` #{i} | {r['seconds']:.1f} | | | | "
                         f"{r['peak_rss_mb']:.0f} |")
        secs = a["cold"][-1].get("section_seconds", {})
        if secs:
            lines += ["", "Section times inside the last cold run (in worker processes, two at "
                      "a time): " + ", ".join(f"{k} {v:.1f} s" for k, v in secs.items()) + "."]
        lines.append("")
    if b:
        lines += ["(b) the cache, on a temporary copy of params/, data/ and notebooks/:", "",
                  "| run | wall s | sections run | reused | paper | peak RSS MB |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for r in [*b["cold"], *b["noop"], b["notebook"], b["section"], b["data"]]:
            lines.append(f"| {r['label']} | {r['seconds']:.2f} | {r.get('sections_run')} | "
                         f"{r.get('sections_reused')} | {r.get('renderer')} | "
                         f"{r['peak_rss_mb']:.0f} |")
        lines += ["", f"Notebook edited: `{b['changed_notebook']}`; "
                  f"parameter changed: `{b['changed_parameter']}`; data file changed: "
                  f"`{b['changed_data']}`. Ratios use the median of the cold runs "
                  f"({b['cold_s']:.1f} s) and of the {b['noop_valid']} no-op re-runs that "
                  "executed no section.", ""]
    for key in ("c", "d"):
        x = results.get(key)
        if not x:
            continue
        lines += [f"({key}) {x['n']:,} call records, {x['file_mb']:.0f} MB of Parquet "
                  "(import of evaluation.measures.call_handling alone: "
                  f"{x['import_only']['seconds']:.2f} "
                  f"s, {x['import_only']['peak_rss_mb']:.0f} MB):", "",
                  "| engine | run | wall s | import s | compute s | peak RSS MB |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for engine, runs in x["runs"].items():
            for r in runs:
                ch = r.get("child", {})
                lines.append(f"| {engine} | {r['label']} | {r['seconds']:.2f} | "
                             f"{ch.get('import_s', float('nan')):.2f} | "
                             f"{ch.get('compute_s', float('nan')):.2f} | "
                             f"{r['peak_rss_mb']:.0f} |")
        if x.get("generate"):
            g = x["generate"]
            lines.append(f"| (generating the file with `evaluation synth --calls`) | | "
                         f"{g['seconds']:.1f} | | | {g['peak_rss_mb']:.0f} |")
        lines.append("")
    if results.get("spark"):
        sp = results["spark"]
        r = sp["runs"]["spark"][0]
        ch = r.get("child", {})
        lines += [f"(spark) The same Ibis expression on a local PySpark session (local[2], "
                  f"driver memory 2 GB) on the same {sp['n']:,} calls: {r['seconds']:.1f} s "
                  f"whole process, of which {ch.get('compute_s', float('nan')):.1f} s from "
                  "starting the JVM to the KPIs in pandas; peak RSS of the Python process "
                  f"{r['peak_rss_mb']:.0f} MB (the JVM, given up to 2 GB of heap, is not "
                  "counted: it is not a waited-for child).", ""]
    if results.get("imports"):
        im = results["imports"]
        lines += ["Import cost in the batch environment (.venv; fresh interpreter, median of "
                  f"{results['import_reps']}; rfc3987-syntax installed: "
                  f"{'yes' if im['rfc3987_syntax_installed'] else 'no'}):", "",
                  "| import | wall s | over a bare interpreter |", "| --- | --- | --- |"]
        bare = im["median_s"]["bare interpreter"]
        for name, s in im["median_s"].items():
            lines.append(f"| {name} | {s:.2f} | {s - bare:+.2f} |")
        lines.append("")
    lines += [END_MARK]
    return "\n".join(lines)


def write_doc(block: str) -> None:
    """Replace the results block of docs/performance.md (the rest is written by hand)."""
    text = DOC.read_text(encoding="utf-8") if DOC.is_file() else (
        "# Performance\n\n" + START_MARK + "\n" + END_MARK + "\n")
    if START_MARK not in text:
        text += "\n" + START_MARK + "\n" + END_MARK + "\n"
    head, rest = text.split(START_MARK, 1)
    tail = rest.split(END_MARK, 1)[1] if END_MARK in rest else ""
    DOC.write_text(head + block + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="1 M calls, no 100 M, no Spark, one repetition; results to "
                        "benchmarks/results/quick.json only")
    parser.add_argument("--only", default="imports,c,d,a,b,spark",
                        help="comma-separated subset of imports,a,b,c,d,spark")
    parser.add_argument("--calls", type=int, default=None,
                        help="N for (c) (default 10,000,000; --quick 1,000,000); (d) uses 10 N")
    parser.add_argument("--merge", action="store_true",
                        help="with --only: keep the other parts from the last results file "
                        "(their time is noted) and write the docs if every part is there")
    parser.add_argument("--docs", action="store_true",
                        help="write docs/performance.md even for a quick or partial run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    only = set(args.only.split(","))
    quick = args.quick
    n = args.calls or (1_000_000 if quick else 10_000_000)
    reps = 1 if quick else 2
    started = time.perf_counter()
    results: dict[str, Any] = {"quick": quick, "machine": machine(), "import_reps": 5}
    with tempfile.TemporaryDirectory(prefix="evaluation-bench-") as tmp:
        work = Path(tmp)
        if "imports" in only:
            results["imports"] = bench_imports(results["import_reps"])
        if "c" in only:
            results["c"] = bench_calls(n, reps, ("pandas", "duckdb", "ibis"))
        if "d" in only and not quick:
            results["d"] = bench_calls(10 * n, reps, ("duckdb", "ibis"))
        if "a" in only:
            results["a"] = bench_pack(reps, work)
        if "b" in only:
            results["b"] = bench_cache(work, 3)
        if "spark" in only and not quick:
            try:
                import pyspark  # noqa: F401
                results["spark"] = bench_calls(n, 1, ("spark",))
            except ImportError:
                log.warning("pyspark not installed: Spark benchmark skipped")
    results["seconds"] = time.perf_counter() - started
    out = BENCH / "results" / ("quick.json" if quick else "full.json")
    if args.merge and out.is_file():
        previous = json.loads(out.read_text(encoding="utf-8"))
        kept = [k for k in ("imports", "a", "b", "c", "d", "spark")
                if k not in results and k in previous]
        for key in kept:
            results[key] = previous[key]
        if kept:
            results["kept_from_previous"] = {"parts": kept, "finished": previous["finished"]}
            only |= set(kept)
    results["loadavg_end"] = os.getloadavg()
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    block = render(results)
    sys.stdout.write(block + "\n")
    if args.docs or (not quick and only >= {"a", "b", "c", "d"}):
        write_doc(block)
        log.info("wrote %s", DOC)
    log.info("raw results in %s", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

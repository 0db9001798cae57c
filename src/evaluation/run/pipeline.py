"""The batch run: parameters → section notebooks (papermill, in parallel) → HTML → paper → PDF.

The run is built in a staging folder beside its destination and moved into place only when it
has finished, so a reader never finds a half-written pack. A run with a failed section keeps
its executed notebooks and manifest for diagnosis, and its paper is rendered only as a draft
marked DRAFT — INCOMPLETE on every page, under a file name that says so.
"""

from __future__ import annotations

import difflib
import json
import logging
import multiprocessing
import multiprocessing.util
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evaluation import __version__
from evaluation.config.params import ReportParams, load_params
from evaluation.data.reading import file_sha256
from evaluation.errors import EvaluationError, ParameterError
from evaluation.run import outdir
from evaluation.run.preflight import check_inputs, check_section_types

log = logging.getLogger(__name__)

HIDDEN_CELL_TAGS = ("parameters", "injected-parameters")


@dataclass(frozen=True)
class SectionPlan:
    """One notebook to run, with exactly the parameters it declares."""

    section: str
    notebook: Path
    parameters: dict[str, Any]


@dataclass
class SectionOutcome:
    section: str
    status: str  # "ok" or "failed"
    seconds: float
    error: str | None = None
    failed_cell: int | None = None
    cached: bool = False


@dataclass
class RunSummary:
    """What a run produced; ``ok`` is True only when every section succeeded."""

    run_dir: Path
    outcomes: list[SectionOutcome]
    html: Path | None = None
    pdf: Path | None = None
    engine: str | None = None

    @property
    def ok(self) -> bool:
        return all(o.status == "ok" for o in self.outcomes)

    @property
    def failed(self) -> list[SectionOutcome]:
        return [o for o in self.outcomes if o.status != "ok"]


sha256_file = file_sha256
"""SHA-256 of a file's bytes, read in blocks (the loaders' own, so inputs hash one way)."""


def declared_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook's ``parameters`` cell declares (name → type, default, help)."""
    import papermill

    return papermill.inspect_notebook(str(notebook))


def check_notebooks(params: ReportParams) -> None:
    """Every section named in the run has its notebook, or one error naming the key, the
    folder and the sections there are."""
    available = sorted(p.stem for p in params.notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    for section in params.sections:
        if not params.notebook_path(section).is_file():
            close = difflib.get_close_matches(section, available, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ParameterError(
                f"sections: no notebook for section '{section}' in {params.notebooks_dir}.{hint}"
                f" Available: {', '.join(available) or 'none'}."
            )


def check_framework(params: ReportParams) -> None:
    """The objectives-and-indicators file, read and checked now if the scorecard runs."""
    if "00_summary" not in params.sections or params.framework is None:
        return
    if not params.framework.is_file():
        raise ParameterError(f"framework: {params.framework} not found (the objectives and "
                             "indicators file the 00_summary scorecard reads).")
    from evaluation.measures.scorecard import load_framework

    load_framework(params.framework)


def plan_sections(
    params: ReportParams,
    declared_lookup: Callable[[Path], dict[str, dict[str, Any]]] = declared_parameters,
) -> list[SectionPlan]:
    """Match the run's parameters to each notebook, before any kernel starts.

    Every notebook receives the global parameters it declares plus its ``section_params``;
    a section parameter the notebook does not declare is an error (papermill would only log
    it and carry on). ``declared_lookup`` reads a notebook's declared parameters (the cache
    passes one that avoids importing papermill when the notebook is unchanged).
    """
    check_notebooks(params)
    plans: list[SectionPlan] = []
    for section in params.sections:
        notebook = params.notebook_path(section)
        declared = declared_lookup(notebook)
        overrides = params.section_params.get(section, {})
        unknown = [k for k in overrides if k not in declared]
        if unknown:
            key = unknown[0]
            close = difflib.get_close_matches(key, list(declared), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ParameterError(
                f"section_params.{section}: '{key}' is not a parameter of {notebook.name}.{hint}"
                f" Its parameters: {', '.join(declared)}."
            )
        check_section_types(section, notebook, overrides, declared)
        values = {k: v for k, v in params.global_notebook_params().items() if k in declared}
        values.update(overrides)
        if "output_dir" in declared:
            values["output_dir"] = ""  # filled with the run folder by the worker
        plans.append(SectionPlan(section, notebook, values))
    return plans


# One kernel per worker process, reused from section to section: starting a kernel and
# importing pandas, matplotlib and the package costs ~4 s, more than many sections take.
_WORKER_KERNEL: Any = None

RESET_CODE = (
    "%reset -f\n"
    "import matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt\n"
    "import evaluation.data.read_log as _reads\n_reads.reset()\ndel _reads\n"
)


def _shutdown_worker_kernel() -> None:
    global _WORKER_KERNEL
    if _WORKER_KERNEL is not None:
        try:
            _WORKER_KERNEL.shutdown_kernel(now=True)
        except Exception:  # the kernel may already be gone
            log.debug("kernel already stopped", exc_info=True)
        _WORKER_KERNEL = None


def _worker_kernel(cwd: Path) -> Any:
    """This worker's kernel (started on first use), its namespace reset for a new section."""
    global _WORKER_KERNEL
    from jupyter_client.manager import KernelManager

    if _WORKER_KERNEL is None or not _WORKER_KERNEL.is_alive():
        _shutdown_worker_kernel()
        km = KernelManager(kernel_name="python3")
        # the kernel's own start-up notices (e.g. about its local TCP transport) are not the
        # user's business; errors in cells still reach the executed notebook and the manifest
        km.start_kernel(cwd=str(cwd), extra_arguments=["--IPKernelApp.log_level=ERROR"])
        _WORKER_KERNEL = km
        multiprocessing.util.Finalize(None, _shutdown_worker_kernel, exitpriority=10)
        return km
    client = _WORKER_KERNEL.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive(RESET_CODE, timeout=60, store_history=False)
    finally:
        client.stop_channels()
    return _WORKER_KERNEL


def _execute_section(plan: SectionPlan, executed: Path, output_dir: Path,
                     reuse_kernel: bool = True) -> SectionOutcome:
    """Run one notebook with papermill (in a worker process), in the worker's kernel."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from evaluation.data.read_log import ENV_FLAG

    start = time.perf_counter()
    parameters = dict(plan.parameters)
    if "output_dir" in parameters:
        parameters["output_dir"] = str(output_dir)
    os.environ[ENV_FLAG] = "1"  # the kernel inherits it: note the files the section reads
    for attempt in (1, 2):
        try:
            extra = {"km": _worker_kernel(plan.notebook.parent)} if reuse_kernel else {}
            papermill.execute_notebook(
                str(plan.notebook), str(executed), parameters=parameters,
                kernel_name="python3", cwd=str(plan.notebook.parent), progress_bar=False,
                log_output=False, **extra,
            )
        except PapermillExecutionError as exc:
            return SectionOutcome(plan.section, "failed", time.perf_counter() - start,
                                  f"{exc.ename}: {exc.evalue}", exc.exec_count)
        except Exception as exc:  # kernel died or failed to start, notebook unreadable ...
            if reuse_kernel:
                _shutdown_worker_kernel()
            if attempt == 1 and "kernel" in str(exc).lower():
                log.warning("section %s: %s; trying once more", plan.section, exc)
                continue
            return SectionOutcome(plan.section, "failed", time.perf_counter() - start,
                                  f"{type(exc).__name__}: {exc}")
        break
    return SectionOutcome(plan.section, "ok", time.perf_counter() - start)


def _worker_init() -> None:
    """In each worker: leave Ctrl-C to the parent (which stops the run), stop this worker's
    kernel on SIGTERM, and die with the parent (Linux), so no worker or kernel is orphaned."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def _terminate(signum: int, frame: object) -> None:
        _shutdown_worker_kernel()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
            if os.getppid() == 1:  # the parent died before prctl took effect
                os._exit(1)
        except (OSError, AttributeError):
            log.debug("could not tie the worker's life to its parent", exc_info=True)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop every worker at once (each stops its kernel on SIGTERM); queued sections are
    cancelled, not run."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + 10
    for proc in processes:
        proc.join(max(0.1, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()


def execute_sections(
    plans: list[SectionPlan],
    run_dir: Path,
    workers: int,
    expected_seconds: dict[str, float] | None = None,
    on_done: Callable[[SectionOutcome], None] | None = None,
    reuse_kernels: bool = True,
) -> list[SectionOutcome]:
    """Run the notebooks in parallel worker processes; one failure never stops the others.

    The longest sections (by ``expected_seconds``, e.g. their last run) start first, which
    shortens the whole run; ``on_done`` is called in this process as each section finishes
    (the pipeline exports its HTML while the others are still running).
    """
    executed_dir = run_dir / "executed"
    executed_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers, len(plans)))
    expected = expected_seconds or {}
    order = sorted(plans, key=lambda p: -expected.get(p.section, 0.0))
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    outcomes: dict[str, SectionOutcome] = {}
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)
    try:
        futures = {
            pool.submit(_execute_section, p, executed_dir / p.notebook.name, run_dir,
                        reuse_kernels): p
            for p in order
        }
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except BrokenProcessPool as exc:
                plan = futures[future]
                outcome = SectionOutcome(plan.section, "failed", 0.0,
                                         f"its worker process stopped ({exc})")
            outcomes[outcome.section] = outcome
            if outcome.status == "ok":
                log.info("section %s ran in %.1f s", outcome.section, outcome.seconds)
            else:
                log.error("section %s FAILED: %s", outcome.section, outcome.error)
            if on_done is not None:
                on_done(outcome)
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown(wait=True)
    return [outcomes[p.section] for p in plans]


def export_html(executed: Path, out: Path) -> None:
    """Executed notebook → HTML with code, prompts and parameter cells hidden."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(executed), as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(HIDDEN_CELL_TAGS), enabled=True), enabled=True
    )
    body, _ = exporter.from_notebook_node(nb)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")


def _git_commit() -> dict[str, Any]:
    src = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(src), "status", "--porcelain", "--", "."],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": head, "dirty": bool(dirty)}


def input_files(params: ReportParams, params_files: list[Path]) -> list[Path]:
    """Every file a run reads: parameters, notebooks, every file in the data folders and every
    file a section parameter names (e.g. a 360Giving file outside the data folders)."""
    files: set[Path] = {p.resolve() for p in params_files if p.is_file()}
    files.update(params.notebook_path(s).resolve() for s in params.sections)
    if params.framework and params.framework.is_file():
        files.add(params.framework.resolve())
    for folder in (params.data_dir, params.seed_dir, params.real_dir):
        if folder.is_dir():
            files.update(p.resolve() for p in folder.rglob("*")
                         if p.is_file() and not p.name.startswith("."))
    files.update(p.resolve() for p in named_files(params))
    return sorted(files)


def named_files(params: ReportParams) -> list[Path]:
    """Files named by section parameters (values that are paths of existing files, read from
    the notebooks' folder as the kernel reads them, or from the data folder)."""
    out: list[Path] = []
    for values in params.section_params.values():
        for value in values.values():
            if not isinstance(value, str) or not value or len(value) > 4096:
                continue
            for base in (params.notebooks_dir, params.data_dir):
                candidate = Path(value) if Path(value).is_absolute() else base / value
                if candidate.is_file():
                    out.append(candidate)
                    break
    return out


def protected_inputs(params: ReportParams, params_files: list[Path]) -> dict[Path, str]:
    """The folders and files a run reads, which no pack may be written into or over."""
    out: dict[Path, str] = {
        params.data_dir: "data folder", params.seed_dir: "seed folder",
        params.real_dir: "real-data folder", params.notebooks_dir: "notebooks folder",
    }
    files = [p for p in [*params_files, params.framework] if p is not None and p.is_file()]
    inputs = (params.data_dir.resolve(), params.notebooks_dir.resolve())
    for path in files:
        out.setdefault(path.resolve(), "params file")
        folder = path.resolve().parent
        # the params folder, unless it is the project's own folder (it holds the data)
        if not any(folder == i or folder in i.parents for i in inputs):
            out.setdefault(folder, "params folder")
    for path in named_files(params):
        out.setdefault(path.resolve(), "input file")
    return out


def hash_inputs(files: list[Path]) -> dict[str, str]:
    return {str(p): sha256_file(p) for p in files}


def hash_outputs(run_dir: Path) -> dict[str, str]:
    """SHA-256 of every file of a pack (relative path → hash), except its manifest."""
    return {str(p.relative_to(run_dir)): sha256_file(p) for p in sorted(run_dir.rglob("*"))
            if p.is_file() and p.name != "manifest.json"
            and p.name != outdir.STAGING_MARKER}


def _provenance_lines(manifest: dict[str, Any]) -> list[str]:
    """The manifest in plain words, for the paper's provenance appendix."""
    code = manifest["code"]
    commit = code.get("commit") or "unknown (not a git checkout)"
    dirty = " with uncommitted changes" if code.get("dirty") else ""
    params = manifest["params"]
    lines = [
        f"Produced by the evaluation package version {code['version']} (git commit "
        f"{commit}{dirty}) on {manifest['started'][:10]}, with Python {code['python']}.",
        f"Run '{params['run_name']}' for the period {params['period_start']} to "
        f"{params['period_end']}; parameters from "
        + " and ".join(f"`{Path(p).name}`" for p in manifest["params_files"]) + ".",
    ]
    folders: dict[str, list[str]] = {}
    for path in manifest["inputs"]:
        p = Path(path)
        key = next((str(Path(*p.parts[i:-1])) for i in range(len(p.parts))
                    if p.parts[i] in ("data", "params", "notebooks")), str(p.parent))
        folders.setdefault(key, []).append(p.name)
    for folder, names in sorted(folders.items()):
        shown = ", ".join(f"`{n}`" for n in sorted(names)[:6])
        more = f" and {len(names) - 6} more" if len(names) > 6 else ""
        lines.append(f"`{folder}/`: {len(names)} file(s): {shown}{more}.")
    lines.append(
        f"All {len(manifest['inputs'])} input files are listed with their SHA-256 hashes in "
        "manifest.json beside this paper; `evaluation verify <run folder>` recomputes them and "
        "says whether this paper still matches its inputs and code."
    )
    return lines


def _read_previous(previous: str | Path | None) -> Path | None:
    """The ``--previous`` run folder, checked now (not after the whole run)."""
    if previous is None:
        return None
    folder = Path(previous).resolve()
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise ParameterError(f"--previous {previous}: no manifest.json there; give the folder "
                             "of an earlier run, e.g. reports/2019-q3.")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParameterError(f"--previous {previous}: manifest.json cannot be read ({exc}); "
                             "give the folder of a complete earlier run.") from None
    if not isinstance(data, dict) or data.get("status") != "complete":
        status = data.get("status") if isinstance(data, dict) else "unknown"
        raise ParameterError(f"--previous {previous}: not a complete run (status {status}); "
                             "compare with the last complete paper.")
    from evaluation.report.previous import check_previous

    problem = check_previous(folder, data)
    if problem:
        raise ParameterError(f"--previous {previous}: {problem}; give the folder of a complete "
                             "earlier run of this tool.")
    return folder


def run_report(
    params_file: str | Path,
    out_dir: str | Path | None = None,
    defaults_file: str | Path | None = None,
    previous: str | Path | None = None,
    use_cache: bool = True,
) -> RunSummary:
    """Execute every section for the run in ``params_file`` and build the pack.

    Before any kernel starts, the destination is checked (:mod:`evaluation.run.outdir`: never a
    folder of other files or of the inputs) and locked, and every dataset the sections read is
    checked against its contract and for the period (:mod:`evaluation.run.preflight`). Sections
    whose notebook, parameters, input data and package code are unchanged since a previous
    run are restored from the cache instead of being executed (``use_cache=False`` forces a
    full run). ``previous`` is an earlier run folder: the summary then says what changed since
    that paper. A complete run replaces the pack at the destination; a failed one is written
    to ``<destination>.draft`` and leaves the pack untouched.
    """
    params_path = Path(params_file)
    params = load_params(params_path, defaults_file)
    defaults_path = Path(defaults_file) if defaults_file else params_path.parent / "defaults.yaml"
    final = (Path(out_dir) if out_dir else Path("reports") / params.run_name).resolve()
    previous_dir = _read_previous(previous)
    check_notebooks(params)
    check_framework(params)
    protected = protected_inputs(params, [defaults_path, params_path])
    outdir.check_destination(final, protected, previous_dir)
    with outdir.RunLock(final):
        outdir.check_destination(final, protected, previous_dir)  # as it is now we hold it
        return _run_locked(_Run(params, params_path, defaults_path, final, previous_dir,
                                use_cache))


@dataclass
class _Run:
    """What one run works from, passed from stage to stage."""

    params: ReportParams
    params_path: Path
    defaults_path: Path
    final: Path
    previous_dir: Path | None
    use_cache: bool
    staging: Path = Path()
    warnings: list[str] = field(default_factory=list)


def _run_locked(run: _Run) -> RunSummary:
    """Check the inputs, plan the sections, and run them in a staging folder of this run."""
    from evaluation.run.cache import RunCache

    params, params_path, defaults_path, final = (run.params, run.params_path,
                                                 run.defaults_path, run.final)
    cache = RunCache(outdir.cache_dir(final))
    files = input_files(params, [defaults_path, params_path])
    inputs_before = hash_inputs(files)
    run.warnings = check_inputs(
        params.sections, params.data_dir, params.period_start.isoformat(),
        params.period_end.isoformat(), set(params.optional_datasets), cache.root,
        inputs_before, _dataset_overrides(params))
    for text in run.warnings:
        log.warning("%s", text)
    by_path = {str(params.notebook_path(s)): inputs_before[str(params.notebook_path(s).resolve())]
               for s in params.sections}
    plans = plan_sections(params, lambda nb: cache.declared(nb, by_path[str(nb)]))

    run.staging = outdir.new_staging(final)
    try:
        return _run_in(run, plans, files, inputs_before, cache)
    except BaseException:
        outdir.discard_staging(run.staging)  # never a half pack, and the good one untouched
        raise


def _dataset_overrides(params: ReportParams) -> dict[str, Path]:
    """Datasets whose file a section parameter names instead of the dataset's own name."""
    logs = params.section_params.get("02_call_handling", {}).get("call_logs_file")
    if isinstance(logs, str) and logs:
        return {"call_logs": params.data_dir / logs}
    return {}


def _run_in(run: _Run, plans: list[SectionPlan], files: list[Path],
            inputs_before: dict[str, str], cache: Any) -> RunSummary:
    """Run (or reuse) every section in the run's staging folder and assemble the pack."""
    from evaluation.run.cache import code_fingerprint, digest

    params, staging, reuse = run.params, run.staging, run.use_cache
    params_path, defaults_path, previous_dir = run.params_path, run.defaults_path, run.previous_dir
    started = datetime.now(UTC)
    code_hash = code_fingerprint()
    # data = every input except notebooks and params files (those enter through the key)
    not_data = {str(params.notebook_path(s).resolve()) for s in params.sections}
    not_data |= {str(p.resolve()) for p in (defaults_path, params_path)}
    data_inputs = {p: h for p, h in inputs_before.items() if p not in not_data}
    keys = {p.section: digest(p.section, inputs_before[str(p.notebook.resolve())],
                              p.parameters, code_hash, __version__) for p in plans}

    outcomes: dict[str, SectionOutcome] = {}
    to_run = []
    for plan in plans:
        if reuse and cache.restore_section(plan.section, keys[plan.section], staging,
                                           data_inputs):
            outcomes[plan.section] = SectionOutcome(plan.section, "ok", 0.0, cached=True)
        else:
            to_run.append(plan)

    def finished(outcome: SectionOutcome) -> None:
        """Export and cache a section as soon as it has run (in this process)."""
        executed = staging / "executed" / f"{outcome.section}.ipynb"
        if executed.is_file():
            export_html(executed, staging / "html" / f"{outcome.section}.html")
        record = staging / "sections" / f"{outcome.section}.json"
        if outcome.status == "ok" and record.is_file():
            cache.store_section(outcome.section, keys[outcome.section], staging,
                                _inputs_used(record, data_inputs))
        cache.note_seconds(outcome.section, outcome.seconds)

    if to_run:
        for outcome in execute_sections(to_run, staging, params.workers,
                                        cache.expected_seconds(), finished,
                                        params.reuse_kernels):
            outcomes[outcome.section] = outcome
    ordered = [outcomes[p.section] for p in plans]

    inputs_after = hash_inputs(files)
    changed = [p for p, h in inputs_before.items() if inputs_after.get(p) != h]
    if changed:
        raise EvaluationError(
            "Input files changed while the run was in progress (inputs must never be "
            f"modified): {', '.join(changed)}"
        )
    inputs = dict(inputs_before)
    for read in _files_read(staging):
        if read not in inputs and Path(read).is_file():
            inputs[read] = sha256_file(Path(read))
    paper_key = digest(keys, sorted(data_inputs.items()), params.model_dump_json(), code_hash,
                       _previous_key(previous_dir))
    manifest = _base_manifest(run, started, inputs, code_hash)
    return _assemble(run, manifest, ordered, cache if reuse else None, paper_key)


def _files_read(staging: Path) -> list[str]:
    """Every file the sections recorded reading (outside the run's own folder and the
    package's own source, which the code fingerprint covers)."""
    out: set[str] = set()
    for record in (staging / "sections").glob("*.json"):
        try:
            out.update(json.loads(record.read_text(encoding="utf-8")).get("inputs", []))
        except (OSError, ValueError):
            continue
    package = str(Path(__file__).resolve().parents[1])  # the code: its fingerprint covers it
    return sorted(p for p in out if not p.startswith((str(staging), package)))


def _inputs_used(record: Path, data_inputs: dict[str, str]) -> dict[str, str]:
    """The data files a section read (from its record), with their hashes; every data file
    when the section recorded none of them (so the cache can only be too careful)."""
    read = json.loads(record.read_text(encoding="utf-8")).get("inputs", [])
    used = {p: data_inputs[p] for p in read if p in data_inputs}
    return used or dict(data_inputs)


def _previous_key(previous_dir: Path | None) -> str | None:
    if previous_dir is None:
        return None
    return sha256_file(previous_dir / "manifest.json")


def _base_manifest(run: _Run, started: datetime, inputs: dict[str, str], code_hash: str
                   ) -> dict[str, Any]:
    """The manifest's record of the run before the paper exists."""
    return {
        "tool": outdir.TOOL,
        "status": "complete",
        "started": started.isoformat(timespec="seconds"),
        "finished": None,
        "code": {"version": __version__, **_git_commit(), "python": platform.python_version(),
                 "fingerprint": code_hash},
        "params": json.loads(run.params.model_dump_json()),
        "params_files": [str(run.defaults_path.resolve()), str(run.params_path.resolve())],
        "previous": str(run.previous_dir) if run.previous_dir else None,
        "inputs": inputs,
        "input_warnings": list(run.warnings),
        "sections": [],
    }


def _section_records(staging: Path, outcomes: list[SectionOutcome]) -> list[Any]:
    """Each section's record; a section that ran but recorded nothing counts as failed."""
    from evaluation.report.paper import SectionRecord

    records = []
    for o in outcomes:
        path = staging / "sections" / f"{o.section}.json"
        if o.status == "ok" and path.is_file():
            records.append(SectionRecord.read(path))
            continue
        if o.status == "ok":
            o.status, o.error = "failed", "the section did not record its results"
        title = o.section.split("_", 1)[-1].replace("_", " ").capitalize()
        records.append(SectionRecord(o.section, title, [], o.error))
    return records


def _render(run: _Run, manifest: dict[str, Any], records: list[Any],
            outcomes: list[SectionOutcome], html_out: Path, pdf_out: Path, draft: bool,
            cache: Any, paper_key: str) -> str:
    """The paper's Markdown, HTML and PDF (from the cache when nothing changed); returns the
    renderer used."""
    from evaluation.report.paper import build_markdown
    from evaluation.report.previous import changes_since
    from evaluation.report.render import render_paper

    params, staging = run.params, run.staging
    if cache and not draft and cache.restore_paper(paper_key, staging) is not None:
        return "cache"
    reasons = [f"section {o.section} failed ({o.error})" for o in outcomes if o.status != "ok"]
    changes = changes_since(run.previous_dir, staging) if run.previous_dir else None
    markdown = build_markdown(params, records, _provenance_lines(manifest),
                              draft_reasons=reasons if draft else None, changes=changes,
                              input_warnings=run.warnings)
    paper_md = staging / "paper.md"
    paper_md.write_text(markdown, encoding="utf-8")
    result = render_paper(
        paper_md, html_out, pdf_out, title=params.title, header_left=params.organisation,
        footer_left=f"{params.board} — {params.paper_date:%d %B %Y}", draft=draft,
    )
    if cache and not draft:
        cache.store_paper(paper_key, staging, [paper_md, html_out, pdf_out])
    return result.engine


def _assemble(run: _Run, manifest: dict[str, Any], outcomes: list[SectionOutcome], cache: Any,
              paper_key: str) -> RunSummary:
    """Write the paper (complete, or a marked draft) and the manifest, and move into place."""
    staging = run.staging
    records = _section_records(staging, outcomes)
    manifest["sections"] = [asdict(o) for o in outcomes]
    draft = any(o.status != "ok" for o in outcomes)
    manifest["status"] = "failed" if draft else "complete"
    stem = f"{run.params.run_name}-board-paper" + ("-DRAFT-INCOMPLETE" if draft else "")
    html_out, pdf_out = staging / "html" / f"{stem}.html", staging / "pdf" / f"{stem}.pdf"
    engine = _render(run, manifest, records, outcomes, html_out, pdf_out, draft, cache,
                     paper_key)
    manifest["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    manifest["renderer"] = engine
    manifest["outputs"] = {"html": str(html_out.relative_to(staging)),
                           "pdf": str(pdf_out.relative_to(staging))}
    manifest["output_files"] = hash_outputs(staging)
    try:
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2),
                                               encoding="utf-8")
    except OSError as exc:
        raise outdir.unwritable(staging.parent, exc) from None
    where = outdir.publish(staging, run.final, complete=not draft)
    return RunSummary(where, outcomes, where / manifest["outputs"]["html"],
                      where / manifest["outputs"]["pdf"], engine)

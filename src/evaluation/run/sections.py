"""Executing the section notebooks: papermill in parallel worker processes, each reusing one
kernel, and each executed notebook exported to HTML without its code.

One failed section never stops the others; stopping the run (Ctrl-C, SIGTERM) stops every
worker and its kernel.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("evaluation.run.pipeline")  # the run's one logger, as before the split

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
        # the kernel's own output on stderr (start-up notices about its local TCP transport,
        # or the traceback of a kernel stopped while a failed section winds down, seen now and
        # then under load) is not the user's business and must not look like a crash of the
        # run: errors in cells reach the executed notebook and the manifest, and a kernel
        # that dies is reported by the section's outcome
        km.start_kernel(cwd=str(cwd), extra_arguments=["--IPKernelApp.log_level=ERROR"],
                        stderr=subprocess.DEVNULL)
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


def export_html(executed: Path, out: Path, title: str | None = None) -> None:
    """Executed notebook → HTML with code, prompts and parameter cells hidden, titled by the
    section (``title``, or the notebook's first heading) rather than "Notebook"."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(executed), as_version=4)
    if title is None:
        first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
        heading = next((line[2:].strip() for line in (first.source if first else "").split("\n")
                        if line.startswith("# ")), None)
        title = heading or executed.stem
    nb.metadata["title"] = title
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(HIDDEN_CELL_TAGS), enabled=True), enabled=True
    )
    body, _ = exporter.from_notebook_node(nb)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")

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
import shutil
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation import __version__
from evaluation.config.params import ReportParams, load_params
from evaluation.errors import EvaluationError, ParameterError
from evaluation.run import outdir
from evaluation.run.manifest import (
    MANIFEST,
    base_manifest,
    hash_inputs,
    provenance_lines,
    read_previous,
    sha256_file,
    write_manifest,
)
from evaluation.run.preflight import check_inputs, check_section_types
from evaluation.run.sections import SectionOutcome, SectionPlan, execute_sections, export_html

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    """What a run produced; ``ok`` is True only when every section succeeded."""

    run_dir: Path
    outcomes: list[SectionOutcome]
    html: Path | None = None
    pdf: Path | None = None
    engine: str | None = None
    public_html: Path | None = None  # the public version for the Police and Crime Panel
    public_pdf: Path | None = None

    @property
    def ok(self) -> bool:
        return all(o.status == "ok" for o in self.outcomes)

    @property
    def failed(self) -> list[SectionOutcome]:
        return [o for o in self.outcomes if o.status != "ok"]


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


def check_commentary(params: ReportParams) -> None:
    """The analyst's commentary, read and its references checked against the framework's
    indicators and the run's sections, before any kernel starts."""
    if params.commentary is None:
        return
    from evaluation.config.commentary import check_references, read_commentary

    commentary = read_commentary(params.commentary)
    ids: list[str] = []
    if params.framework is not None and params.framework.is_file():
        from evaluation.config.framework import read_framework

        ids = [i.id for i in read_framework(params.framework).indicators]
    check_references(commentary, ids, params.commentary, list(params.sections))


def check_framework(params: ReportParams) -> None:
    """The objectives-and-indicators file, read and checked now if the scorecard runs."""
    if "00_summary" not in params.sections or params.framework is None:
        return
    if not params.framework.is_file():
        raise ParameterError(f"framework: {params.framework} not found (the objectives and "
                             "indicators file the 00_summary scorecard reads).")
    from evaluation.measures.scorecard import load_framework

    framework = load_framework(params.framework)
    check_process_changes(framework, params)


def check_process_changes(framework: Any, params: ReportParams) -> None:
    """Every recorded process change (``rebase_at``) must fall inside its indicator's data,
    after its first month: one message naming the file, the indicator and the key, before
    any kernel starts."""
    from evaluation.measures.scorecard import Sources, measure_series

    changed = [(i, ind) for i, ind in enumerate(framework.indicators) if ind.rebase_at]
    if not changed:
        return
    sources = Sources(params.data_dir, params.real_dir, params.period_end.isoformat())
    problems = []
    for i, ind in changed:
        try:
            series = measure_series(ind.measure, sources)
        except Exception:  # noqa: BLE001 - an unreadable source is reported by its section
            continue
        if series.empty:
            continue
        first, last = series.index[0], series.index[-1]
        for k, change in enumerate(ind.rebase_at):
            month = pd.Period(change.month, "M")
            if not first < month <= last:
                problems.append(
                    f"{params.framework}: indicators[{i}] (id '{ind.id}'): key "
                    f"'rebase_at.{k}.month' is {change.month}, outside the data of measure "
                    f"'{ind.measure}' ({first} to {last}); a process change must fall after "
                    "the first month of the data and not after the last.")
    if problems:
        raise ParameterError("Invalid framework:\n  " + "\n  ".join(problems)
                             + "\nFix the file and run again.")


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


def input_files(params: ReportParams, params_files: list[Path]) -> list[Path]:
    """Every file a run reads: parameters, notebooks, every file in the data folders and every
    file a section parameter names (e.g. a 360Giving file outside the data folders)."""
    files: set[Path] = {p.resolve() for p in params_files if p.is_file()}
    files.update(params.notebook_path(s).resolve() for s in params.sections)
    if params.framework and params.framework.is_file():
        files.add(params.framework.resolve())
    if params.commentary and params.commentary.is_file():
        files.add(params.commentary.resolve())
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


def hash_outputs(run_dir: Path) -> dict[str, str]:
    """SHA-256 of every file of a pack (relative path → hash), except its manifest."""
    return {str(p.relative_to(run_dir)): sha256_file(p) for p in sorted(run_dir.rglob("*"))
            if p.is_file() and p.name != MANIFEST
            and p.name != outdir.STAGING_MARKER}


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
    previous_dir = read_previous(previous)
    check_notebooks(params)
    check_framework(params)
    check_commentary(params)
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
    manifest = base_manifest(run.params.model_dump_json(), [defaults_path, params_path],
                             previous_dir, started, inputs, run.warnings, code_hash)
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
    return sorted(p for p in out if not p.startswith((str(staging), package, *_NOT_INPUTS)))


# What the Python process itself reads (the interpreter and its libraries, the system's
# configuration and the kernel's files, font caches) is no input of the paper.
_NOT_INPUTS = tuple(dict.fromkeys(
    f"{str(Path(p).resolve()).rstrip('/')}/" for p in (
        sys.prefix, sys.base_prefix, sys.exec_prefix, "/etc", "/sys", "/proc", "/usr", "/dev",
        "/run", Path.home() / ".cache", Path.home() / ".config", Path.home() / ".local")))


def _inputs_used(record: Path, data_inputs: dict[str, str]) -> dict[str, str]:
    """The data files a section read (from its record), with their hashes; every data file
    when the section recorded none of them (so the cache can only be too careful)."""
    read = json.loads(record.read_text(encoding="utf-8")).get("inputs", [])
    used = {p: data_inputs[p] for p in read if p in data_inputs}
    return used or dict(data_inputs)


def _previous_key(previous_dir: Path | None) -> str | None:
    if previous_dir is None:
        return None
    return sha256_file(previous_dir / MANIFEST)


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


PUBLIC_MARKDOWN = "paper-public.md"


def paper_versions(params: ReportParams, html_out: Path, pdf_out: Path, staging: Path,
                   draft: bool) -> dict[str, dict[str, Any]]:
    """The manifest's entry for each version of the paper the run writes: the Board's, and
    (for a complete run with ``public_version``) the public one for the Police and Crime
    Panel. A draft is never published, so it has no public version."""
    versions: dict[str, dict[str, Any]] = {"board": {
        "audience": params.board, "markdown": "paper.md",
        "html": str(html_out.relative_to(staging)), "pdf": str(pdf_out.relative_to(staging)),
        "disclosure_threshold": params.disclosure_threshold}}
    if params.public_version and not draft:
        stem = f"{params.run_name}-public-paper"
        versions["public"] = {
            "audience": params.panel, "markdown": PUBLIC_MARKDOWN,
            "html": f"html/{stem}.html", "pdf": f"pdf/{stem}.pdf",
            "disclosure_threshold": params.public_disclosure_threshold,
            "leaves_out": "what the sections, the framework or the commentary mark restricted"}
    return versions


def _render(run: _Run, manifest: dict[str, Any], records: list[Any],
            outcomes: list[SectionOutcome], html_out: Path, pdf_out: Path, draft: bool,
            cache: Any, paper_key: str) -> str:
    """The paper's Markdown, HTML and PDF, and its public version's (from the cache when
    nothing changed); returns the renderer used."""
    from evaluation.report.paper import build_markdown, disclosure_problems
    from evaluation.report.previous import changes_since
    from evaluation.report.render import render_paper

    params, staging = run.params, run.staging
    versions = manifest["versions"]
    if cache and not draft and cache.restore_paper(paper_key, staging) is not None:
        return "cache"
    reasons = [f"section {o.section} failed ({o.error})" for o in outcomes if o.status != "ok"]
    changes = changes_since(run.previous_dir, staging) if run.previous_dir else None
    commentary, registry = None, None
    if params.commentary is not None:
        from evaluation.config.commentary import read_commentary

        commentary = read_commentary(params.commentary)
    if (staging / INDICATORS_TABLE).is_file():
        import pandas as pd

        registry = pd.read_csv(staging / INDICATORS_TABLE)
    written = []
    engine = ""
    for name, version in versions.items():
        public = name == "public"
        if public:
            problems = disclosure_problems(records, params.public_disclosure_threshold,
                                           registry)
            if problems:
                raise EvaluationError(
                    "The public version would print counts below its threshold of "
                    f"{params.public_disclosure_threshold}, so it is not written: "
                    + "; ".join(problems[:5]) + (" ..." if len(problems) > 5 else ""))
        markdown = build_markdown(params, records, provenance_lines(manifest),
                                  draft_reasons=reasons if draft else None, changes=changes,
                                  input_warnings=run.warnings, commentary=commentary,
                                  registry=registry, public=public)
        paper_md = staging / version["markdown"]
        paper_md.write_text(markdown, encoding="utf-8")
        audience = params.panel if public else params.board
        result = render_paper(
            paper_md, staging / version["html"], staging / version["pdf"],
            title=params.title + (" (public version)" if public else ""),
            header_left=params.organisation,
            header_right=params.panel + " — public version" if public else params.board,
            footer_left=f"{audience} — {params.paper_date:%d %B %Y}"
                        + (" — public version" if public else ""), draft=draft,
            author=f"{params.author}, {params.organisation}",
            subject=(f"Public version for the {params.panel} of the report to the "
                     if public else "Report to the ")
                    + f"{params.board}: {params.title}, "
                      f"{params.period_start:%B %Y} to {params.period_end:%B %Y}",
            label="SYNTHETIC SAMPLE — NOT REAL DATA" if params.synthetic_data else "",
        )
        engine = result.engine
        written += [paper_md, staging / version["html"], staging / version["pdf"]]
    if cache and not draft:
        cache.store_paper(paper_key, staging, written)
    return engine


INDICATORS_TABLE = "tables/00_summary__indicators.csv"


def _copy_indicators(staging: Path) -> None:
    """The indicator table (every indicator for the period, computed once by 00_summary)
    beside the paper as ``indicators.csv``, the file other tools read."""
    table = staging / INDICATORS_TABLE
    if table.is_file():
        shutil.copyfile(table, staging / "indicators.csv")


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
    manifest["versions"] = paper_versions(run.params, html_out, pdf_out, staging, draft)
    engine = _render(run, manifest, records, outcomes, html_out, pdf_out, draft, cache,
                     paper_key)
    _copy_indicators(staging)
    manifest["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    manifest["renderer"] = engine
    manifest["outputs"] = {"html": str(html_out.relative_to(staging)),
                           "pdf": str(pdf_out.relative_to(staging))}
    manifest["output_files"] = hash_outputs(staging)
    try:
        write_manifest(staging, manifest)
    except OSError as exc:
        raise outdir.unwritable(staging.parent, exc) from None
    where = outdir.publish(staging, run.final, complete=not draft)
    public = manifest["versions"].get("public")
    return RunSummary(where, outcomes, where / manifest["outputs"]["html"],
                      where / manifest["outputs"]["pdf"], engine,
                      where / public["html"] if public else None,
                      where / public["pdf"] if public else None)

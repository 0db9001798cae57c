"""Run parameters: YAML files merged and validated into a typed model before any kernel starts.

``params/defaults.yaml`` holds the defaults; a run file (e.g. ``params/sample.yaml``) overrides
them. Relative paths in a file are read relative to that file's folder, so a run works from
any working directory. Every problem names the key and the file it came from.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from evaluation.errors import ParameterError

PATH_KEYS = ("data_dir", "seed_dir", "real_dir", "notebooks_dir", "framework", "commentary")


class ReportParams(BaseModel):
    """Everything one board-pack run needs, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str
    board: str
    author: str
    organisation: str
    force_name: str
    paper_date: date
    period_start: date
    period_end: date
    recommendation: str
    data_dir: Path
    seed_dir: Path
    real_dir: Path
    notebooks_dir: Path
    framework: Path | None = None
    # the analyst's commentary for this run (evaluation.config.commentary); none by default
    commentary: Path | None = None
    synthetic_data: StrictBool
    # a whole number from 2 to 100 (true/false is not a threshold: True would read as 1,
    # which turns suppression off)
    disclosure_threshold: StrictInt = Field(ge=2, le=100)
    # the public version for the Police and Crime Panel: its stricter threshold (at least
    # the Board's), and whether the run makes it
    public_disclosure_threshold: StrictInt = Field(default=20, ge=2, le=100)
    public_version: StrictBool = True
    panel: str = "Police and Crime Panel"
    workers: StrictInt = Field(ge=1, le=16)
    reuse_kernels: StrictBool = True
    # months in every XmR chart of the run (scorecard and chapters alike), ending at the
    # period's end, so an indicator gets one SPC verdict wherever it is shown
    spc_months: StrictInt = Field(default=24, ge=12, le=240)
    # the force's peer group as the user names it (ONS police force area names), e.g. its
    # most similar group; empty: the forces of its region
    peers: list[str] = Field(default_factory=list)
    sections: list[str] = Field(min_length=1)
    section_params: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # datasets the run may lack for the period: their sections show the months they have
    # and say so, instead of the run stopping before it starts
    optional_datasets: list[str] = Field(default_factory=list)

    @field_validator("force_name")
    @classmethod
    def _a_force(cls, v: str) -> str:
        from evaluation.data.ons_pfa import territorial_force

        return territorial_force(v)

    @field_validator("peers")
    @classmethod
    def _forces(cls, v: list[str]) -> list[str]:
        from evaluation.data.ons_pfa import territorial_force

        return [territorial_force(name) for name in v]

    @field_validator("optional_datasets")
    @classmethod
    def _known_datasets(cls, v: list[str]) -> list[str]:
        from evaluation.data.loaders import DATASETS

        for name in v:
            if name not in DATASETS:
                close = difflib.get_close_matches(name, DATASETS, n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise ValueError(f"'{name}' is not a dataset.{hint} Datasets: "
                                 f"{', '.join(DATASETS)}")
        return v

    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, v: list[str]) -> list[str]:
        for name in v:
            if not re.fullmatch(r"[0-9]{2}_[A-Za-z0-9_]+", name):
                raise ValueError(f"'{name}' is not a section name (two digits, an underscore "
                                 "and a name, e.g. 01_public_contact; no paths)")
        dupes = sorted({s for s in v if v.count(s) > 1})
        if dupes:
            raise ValueError(f"sections listed twice: {', '.join(dupes)}")
        return v

    @model_validator(mode="after")
    def _period_in_order(self) -> ReportParams:
        if self.period_start > self.period_end:
            raise ValueError(
                f"period_start {self.period_start} is after period_end {self.period_end}"
            )
        if self.public_disclosure_threshold < self.disclosure_threshold:
            raise ValueError(
                f"public_disclosure_threshold {self.public_disclosure_threshold} is below "
                f"disclosure_threshold {self.disclosure_threshold}: the public version's "
                "threshold must be at least the Board's")
        unknown = sorted(set(self.section_params) - set(self.sections))
        if unknown:
            raise ValueError(
                f"section_params names section(s) not in 'sections': {', '.join(unknown)}"
            )
        return self

    def notebook_path(self, section: str) -> Path:
        return self.notebooks_dir / f"{section}.ipynb"

    def global_notebook_params(self) -> dict[str, Any]:
        """Parameters every section may declare; each notebook receives those it declares."""
        return {
            "data_dir": str(self.data_dir),
            "seed_dir": str(self.seed_dir),
            "real_dir": str(self.real_dir),
            "framework_path": str(self.framework) if self.framework else "",
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "paper_date": self.paper_date.isoformat(),
            "force_name": self.force_name,
            "disclosure_threshold": self.disclosure_threshold,
            "public_disclosure_threshold": self.public_disclosure_threshold,
            "synthetic_data": self.synthetic_data,
            "spc_months": self.spc_months,
            "peers": ", ".join(self.peers),
        }


class _Loader(yaml.SafeLoader):
    """Safe YAML loader that leaves dates as text, so pydantic reports a bad date by key, and
    refuses a key given twice in one mapping (YAML would silently keep the last)."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None,
                        f"key '{key}' appears twice (lines {seen[key]} and "
                        f"{key_node.start_mark.line + 1}); keep one",
                        key_node.start_mark)
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]


_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ParameterError(
            f"Parameters file not found: {path}. "
            "Pass an existing file, e.g. --params params/sample.yaml."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(
            f"{path}: not UTF-8 text (byte {exc.start + 1} cannot be read as UTF-8). Save the "
            "file as UTF-8 and run again."
        ) from None
    except OSError as exc:
        raise ParameterError(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParameterError(
            f"{path}: not valid YAML{where}: {problem}. Fix the file's syntax and run again."
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping of key: value at the top level.")
    return data


def _resolve_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    out = dict(data)
    for key in PATH_KEYS:
        value = out.get(key)
        if isinstance(value, str) and value:
            p = Path(value)
            out[key] = str(p if p.is_absolute() else (base / p).resolve())
    return out


def _suggest(key: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def load_params(run_file: str | Path, defaults_file: str | Path | None = None) -> ReportParams:
    """Merge ``defaults_file`` (default: ``defaults.yaml`` beside the run file) and ``run_file``.

    Raises :class:`ParameterError` naming the key and the file for an unknown key (with a
    suggestion), a wrong type, a bad date or a missing value.
    """
    run_path = Path(run_file)
    defaults_path = Path(defaults_file) if defaults_file else run_path.parent / "defaults.yaml"
    layers: list[tuple[Path, dict[str, Any]]] = []
    if defaults_path.is_file() and defaults_path.resolve() != run_path.resolve():
        layers.append((defaults_path, _read_yaml(defaults_path)))
    layers.append((run_path, _read_yaml(run_path)))

    known = list(ReportParams.model_fields)
    merged: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    for path, data in layers:
        for key in data:
            if key not in known:
                raise ParameterError(
                    f"{path}: unknown key '{key}'.{_suggest(key, known)} "
                    f"Known keys: {', '.join(known)}."
                )
        data = _resolve_paths(data, path.parent)
        for key, value in data.items():
            if key == "section_params" and isinstance(value, dict):
                base = dict(merged.get(key, {}))
                for section, params in value.items():
                    if params is not None and not isinstance(params, dict):
                        raise ParameterError(
                            f"{path}: key 'section_params.{section}': expected a mapping of "
                            f"parameter: value, found {params!r}. Fix the file and run again."
                        )
                    base[section] = {**base.get(section, {}), **(params or {})}
                merged[key] = base
            else:
                merged[key] = value
            origin[key] = path

    try:
        return ReportParams.model_validate(merged)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            key = loc[0] if loc else ""
            where = origin.get(key, run_path)
            if not loc:
                lines.append(f"{where}: {err['msg']}")
                continue
            found = err.get("input")
            found_text = "" if err["type"] == "missing" else f" (found {found!r})"
            lines.append(f"{where}: key '{'.'.join(loc)}': {err['msg']}{found_text}")
        raise ParameterError(
            "Invalid parameters:\n  " + "\n  ".join(lines) + "\nFix the file(s) and run again."
        ) from None

"""The indicator framework: Police and Crime Plan objectives, their indicators, targets with
their sources and the recorded process changes (``params/framework.yaml``).

This is the one place an indicator is defined: its plain-English name, unit, direction of
improvement, target and where the target comes from, and the months its process changed
(SPC limits restart there, with the reason shown on the chart). The measures layer computes
each indicator (:mod:`evaluation.measures.scorecard` checks that its measure exists); the
report layer only describes them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evaluation.config.params import _read_yaml, _suggest
from evaluation.errors import ParameterError

__all__ = ["Framework", "Indicator", "Objective", "ProcessChange", "check_references",
           "read_framework"]

Unit = Literal["percent", "count", "gbp", "number"]
Improvement = Literal["increase", "decrease", "neutral"]


class Objective(BaseModel):
    """An objective of the Police and Crime Plan or of the communications strategy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    kind: Literal["Police and Crime Plan", "Communications"]
    statement: str = Field(min_length=1)


class ProcessChange(BaseModel):
    """A recorded change to the process behind an indicator: SPC limits restart there."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    reason: str = Field(min_length=1)


class Indicator(BaseModel):
    """One indicator: what is measured, which way is better, and its optional target."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    objective: str
    measure: str
    improvement: Improvement
    unit: Unit
    target: float | None = None
    target_measure: str | None = None
    target_name: str | None = None
    target_source: str | None = None
    minimum_important_difference: float | None = Field(default=None, gt=0)
    mid_basis: str | None = None
    rebase_at: list[ProcessChange] = Field(default_factory=list)
    evidence: str = Field(min_length=1)
    caveat: str | None = None
    # who the Board asks to report when the indicator is a concern
    owner: str = "the Constabulary"
    # left out of the public version for the Police and Crime Panel (e.g. operationally
    # sensitive); the Board's paper shows it
    restricted: bool = False

    @property
    def is_comparator(self) -> bool:
        """Is its 'target' a comparator (e.g. the England and Wales rate): a benchmark to
        be set beside, with no Making Data Count assurance, not a target to meet?"""
        return (self.target_source or "").lstrip().lower().startswith("comparator")


class Framework(BaseModel):
    """The objectives and their indicators, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    objectives: list[Objective] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)

    def objective(self, objective_id: str) -> Objective:
        """The objective with this id."""
        return next(o for o in self.objectives if o.id == objective_id)

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id (a clear error naming the known ids otherwise)."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        ids = [i.id for i in self.indicators]
        raise ParameterError(f"the framework has no indicator '{indicator_id}'."
                             f"{_suggest(indicator_id, ids)} Indicators: {', '.join(ids)}.")

    def changes(self, indicator_id: str) -> tuple[list[str], list[str]]:
        """The recorded process changes of an indicator: (months, reasons), for
        :func:`evaluation.methods.spc.xmr`'s ``rebase_at`` and ``reasons``."""
        changes = self.indicator(indicator_id).rebase_at
        return [c.month for c in changes], [c.reason for c in changes]

    def spc_options(self, indicator_id: str) -> dict[str, Any]:
        """Keyword arguments for an XmR chart of the indicator: its recorded process changes
        (``rebase_at``, ``reasons``) and its target (None without one)."""
        months, reasons = self.changes(indicator_id)
        return {"rebase_at": months, "reasons": reasons,
                "target": self.indicator(indicator_id).target}


_MODELS: dict[str, type[BaseModel]] = {"indicators": Indicator, "objectives": Objective}
_NESTED: dict[str, type[BaseModel]] = {"rebase_at": ProcessChange}


def _where(data: dict[str, Any], loc: Sequence[Any]) -> str:
    """'indicators[3] (id 'x')' for a location in the raw YAML."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        text = f"{loc[0]}[{loc[1]}]"
        try:
            item_id = data[loc[0]][loc[1]].get("id")
        except (KeyError, IndexError, AttributeError, TypeError):
            item_id = None
        return text + (f" (id '{item_id}')" if item_id else "")
    return str(loc[0]) if loc else "top level"


def _validation_message(path: Path, data: dict[str, Any], exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            parent = loc[:-1]
            nested = [str(p) for p in parent if str(p) in _NESTED]
            model = (_NESTED[nested[-1]] if nested else
                     _MODELS.get(str(parent[0])) if parent else Framework)
            known = list((model or Framework).model_fields)
            where = _where(data, parent) if parent else "top level"
            lines.append(f"{path}: {where}: unknown key '{key}'.{_suggest(key, known)} "
                         f"Known keys: {', '.join(known)}.")
            continue
        where = _where(data, loc)
        field_name = ".".join(str(p) for p in loc[2:]) if len(loc) > 2 else ""
        if err["type"] == "string_pattern_mismatch" and str(loc[-1]) == "month":
            lines.append(f"{path}: {where}: key '{field_name}' must be a month written "
                         f"YYYY-MM (found {err.get('input')!r})")
            continue
        key = f" key '{field_name}'" if field_name else ""
        found = "" if err["type"] == "missing" else f" (found {err.get('input')!r})"
        lines.append(f"{path}: {where}:{key} {err['msg']}{found}")
    return "Invalid framework:\n  " + "\n  ".join(lines) + "\nFix the file and run again."


def check_references(framework: Framework, path: Path,
                     measures: Collection[str] | None = None) -> None:
    """Cross-field checks: ids unique, objectives defined, targets with a source, each
    measure registered (when ``measures`` is given). One message lists every problem."""
    problems = []
    for kind, items in (("objective", framework.objectives), ("indicator", framework.indicators)):
        ids = [i.id for i in items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"{path}: {kind} id(s) listed twice: {', '.join(dupes)}")
    objective_ids = [o.id for o in framework.objectives]
    for i, ind in enumerate(framework.indicators):
        where = f"{path}: indicators[{i}] (id '{ind.id}')"
        if ind.objective not in objective_ids:
            problems.append(f"{where}: objective '{ind.objective}' is not defined."
                            f"{_suggest(ind.objective, objective_ids)} "
                            f"Objectives: {', '.join(objective_ids)}.")
        if measures is not None:
            known = sorted(measures)
            for key, name in (("measure", ind.measure), ("target_measure", ind.target_measure)):
                if name is not None and name not in measures:
                    problems.append(f"{where}: {key} '{name}' is not a registered measure."
                                    f"{_suggest(name, known)} Measures: {', '.join(known)}.")
        problems.extend(_target_problems(ind, where))
        months = [c.month for c in ind.rebase_at]
        if len(set(months)) < len(months):
            problems.append(f"{where}: rebase_at lists a month twice ({', '.join(months)}).")
    if problems:
        raise ParameterError("Invalid framework:\n  " + "\n  ".join(problems)
                             + "\nFix the file and run again.")


def _target_problems(ind: Indicator, where: str) -> list[str]:
    problems = []
    if ind.target is not None and ind.target_measure is not None:
        problems.append(f"{where}: give either target or target_measure, not both.")
    if ind.unit == "percent" and ind.target is not None and not 0 <= ind.target <= 1:
        problems.append(f"{where}: target {ind.target:g} is a percent indicator's target; "
                        f"write it as a proportion from 0 to 1 (e.g. {ind.target / 100:g}).")
    has_target = ind.target is not None or ind.target_measure is not None
    if has_target and not (ind.target_source or "").strip():
        problems.append(f"{where}: the target has no source: add key 'target_source' (the "
                        "Police and Crime Plan, a national standard, a comparator or a local "
                        "aspiration, with where it is written). No target is invented.")
    if ind.target_source and not has_target:
        problems.append(f"{where}: target_source is given but there is no target.")
    if ind.minimum_important_difference is not None and not (ind.mid_basis or "").strip():
        problems.append(f"{where}: minimum_important_difference needs 'mid_basis' (why a "
                        "change of that size matters, and who agreed it).")
    if (ind.unit == "percent" and ind.minimum_important_difference is not None
            and ind.minimum_important_difference >= 1):
        problems.append(f"{where}: minimum_important_difference of a percent indicator is a "
                        "proportion (0.02 for 2 percentage points).")
    if ind.improvement == "neutral" and has_target:
        problems.append(f"{where}: a neutral indicator (no better or worse direction) cannot "
                        "have a target.")
    return problems


def read_framework(path: str | Path, measures: Collection[str] | None = None) -> Framework:
    """Read and validate a framework YAML file.

    Raises :class:`ParameterError` naming the file and the key: an unknown key (with a
    did-you-mean suggestion), a wrong type, an undefined objective, a target without a
    source, a process change that is not a month or has no reason, and (when ``measures`` is
    given) a measure that is not registered.
    """
    if not str(path):
        raise ParameterError("No framework file was given: set 'framework: framework.yaml' in "
                             "the params file (or framework_path in the notebook).")
    file = Path(path)
    data = _read_yaml(file)
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        raise ParameterError(_validation_message(file, data, exc)) from None
    check_references(framework, file, measures)
    return framework

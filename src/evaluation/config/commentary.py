"""The analyst's commentary for a run: the judgement the figures cannot give.

A commentary file (YAML, named by ``commentary:`` in the run's params) holds, all optional:

* ``summary``: paragraphs for page one, after the key messages (the "so what");
* ``sections``: paragraphs per section id, placed after the chapter's own indicators;
* ``responding``: the 2016 paper's "concern → action → result" list ("you said, we did"),
  each ``{concern, action, result}``, printed as a table in the Responding chapter;
* ``evidence``: independent evidence (e.g. HMICFRS PEEL findings), each ``{source, date,
  finding}``, printed in the Conclusion with its date;
* ``recommendations``: ``drop`` (indicator ids whose rule-made ask the analyst removes) and
  ``add`` (asks written by the analyst, each completing "The Board is recommended to ...");
* ``synthetic``: true when the commentary describes the synthetic sample force (it is then
  labelled as an example).

A paragraph of ``summary`` or ``sections`` may be written as ``{text: ..., restricted: true}``:
the Board's paper prints it, the public version for the Police and Crime Panel leaves it out.

Figures are written as references to the indicator registry, ``{{ <indicator id>.<field> }}``
(fields: :data:`FIELDS`), and rendered from the run's data, so a commentary never goes out
of date silently; a literal number that matches no figure of the run is a warning in the
data-quality appendix.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evaluation.errors import ParameterError

FIELDS = ("value", "previous_value", "change", "target", "lower", "upper", "period",
          "previous_period", "name")
REFERENCE = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\.([a-z_]+)\s*\}\}")


class Passage(BaseModel):
    """A paragraph with a mark: ``restricted`` ones are left out of the public version."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str = Field(min_length=1)
    restricted: bool = False


def passage_text(p: str | Passage) -> str:
    return p if isinstance(p, str) else p.text


def is_restricted(p: str | Passage) -> bool:
    return isinstance(p, Passage) and p.restricted


class Action(BaseModel):
    """One concern the public raised, what was done and what came of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    concern: str = Field(min_length=1)
    action: str = Field(min_length=1)
    result: str = Field(min_length=1)


class Evidence(BaseModel):
    """A finding of an independent body, with its date."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str = Field(min_length=1)
    date: date
    finding: str = Field(min_length=1)


class Asks(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    drop: list[str] = Field(default_factory=list)
    add: list[str] = Field(default_factory=list)


class Commentary(BaseModel):
    """The commentary file, validated (unknown keys are errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    synthetic: bool = False
    summary: list[str | Passage] = Field(default_factory=list)
    sections: dict[str, list[str | Passage]] = Field(default_factory=dict)
    responding: list[Action] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    recommendations: Asks = Field(default_factory=Asks)

    def texts(self) -> list[tuple[str, str]]:
        """(where, text) of every piece of prose, for the reference and figure checks."""
        out = [("summary", passage_text(t)) for t in self.summary]
        out += [(f"sections.{s}", passage_text(t)) for s, ts in self.sections.items()
                for t in ts]
        for i, a in enumerate(self.responding):
            out += [(f"responding[{i}].{k}", getattr(a, k)) for k in ("concern", "action",
                                                                      "result")]
        out += [(f"evidence[{i}].finding", e.finding) for i, e in enumerate(self.evidence)]
        out += [(f"recommendations.add[{i}]", t) for i, t in enumerate(self.recommendations.add)]
        return out


def read_commentary(path: str | Path) -> Commentary:
    """Read and check a commentary file; one :class:`ParameterError` naming the file and the
    key for anything wrong (an unknown key, a missing part of an action, a bad date)."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"commentary: {path} not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{path}: not readable YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: a commentary is a mapping of keys (summary, sections, "
                             "responding, evidence, recommendations)")
    try:
        return Commentary.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"key '{'.'.join(str(p) for p in e['loc'])}': {e['msg']}"
                             for e in exc.errors())
        raise ParameterError(f"{path}: {problems}") from None


def _line_of(lines: list[str], pattern: str) -> int | None:
    """The first line (1-based) of the file that matches ``pattern`` (a regex)."""
    for n, line in enumerate(lines, start=1):
        if re.search(pattern, line):
            return n
    return None


def check_references(commentary: Commentary, indicator_ids: list[str], path: str | Path,
                     sections: list[str] | None = None) -> None:
    """Every ``{{ id.field }}`` names an indicator of the framework and a known field, every
    dropped ask an indicator, and every section a section of the run: one message naming the
    file, the line and the reference, before any kernel starts."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    found: list[tuple[str, str]] = []  # (pattern locating it in the file, message)
    for where, text in commentary.texts():
        for ident, fld in REFERENCE.findall(text):
            ref = rf"\{{\{{\s*{re.escape(ident)}\.{re.escape(fld)}\s*\}}\}}"
            if ident not in indicator_ids:
                found.append((ref, f"{where}: '{{{{ {ident}.{fld} }}}}' names no indicator of "
                                   "the framework"))
            elif fld not in FIELDS:
                found.append((ref, f"{where}: '{{{{ {ident}.{fld} }}}}': the field must be one "
                                   f"of {', '.join(FIELDS)}"))
        rest = REFERENCE.sub("", text)
        if "{{" in rest:
            bad = rest[rest.index("{{"):][:30].split("\n")[0]
            found.append((re.escape(bad[:12]), f"{where}: a '{{{{' that is not a reference of "
                                               "the form {{ indicator_id.field }} "
                                               f"('{bad.strip()}')"))
    for ident in commentary.recommendations.drop:
        if ident not in indicator_ids:
            found.append((rf"\b{re.escape(ident)}\b",
                          f"recommendations.drop: '{ident}' is not an indicator"))
    for section in commentary.sections:
        if sections is not None and section not in sections:
            found.append((rf"^\s*{re.escape(section)}\s*:",
                          f"sections: '{section}' is not a section of this run"))
    problems = []
    for pattern, message in found:
        line = _line_of(lines, pattern)
        problems.append(f"line {line}: {message}" if line else message)
    if problems:
        raise ParameterError(f"{path}: " + "; ".join(problems))

"""Errors a user can act on: each names the file, the row, the column and what was expected."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the row as a spreadsheet user counts it: the header is row 1 and the first
    record is row 2. ``None`` means the problem concerns the whole file or a whole column.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: str | None = None
    severity: Severity = "error"

    def format(self) -> str:
        """One line: ``file, row N, column 'c': message (found 'v'; expected ...)``."""
        where = [Path(self.file).name if self.file else "<input>"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = f"{self.severity.upper()}: {', '.join(where)}: {self.message}"
        details = []
        if self.value is not None and str(self.value) != "":
            details.append(f"found {self.value!r}")
        if self.expected:
            details.append(f"expected {self.expected}")
        if details:
            text += f" ({'; '.join(details)})"
        return text


@dataclass
class ProblemReport:
    """All problems found across one or more files, errors and warnings told apart."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings alone are acceptable)."""
        return not self.errors

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def format(self) -> str:
        """Every problem, one per line, then a per-file summary."""
        lines = [p.format() for p in self.problems]
        per_file: Counter[tuple[str, str]] = Counter(
            (p.file, p.severity) for p in self.problems
        )
        files = sorted({p.file for p in self.problems})
        if files:
            lines.append("")
            lines.append("Summary:")
        for f in files:
            n_err = per_file[(f, "error")]
            n_warn = per_file[(f, "warning")]
            lines.append(f"  {f}: {n_err} error(s), {n_warn} warning(s)")
        return "\n".join(lines)


class EvaluationError(Exception):
    """Base class for errors shown to the user as one clear message, never a traceback."""


class DataValidationError(EvaluationError):
    """An input file failed its data contract. ``report`` holds every problem found."""

    def __init__(self, report: ProblemReport, context: str = "") -> None:
        self.report = report
        head = context or "Input data failed validation"
        n = len(report.errors)
        super().__init__(f"{head}: {n} error(s)\n{report.format()}")


class ParameterError(EvaluationError):
    """A parameters file is missing, malformed or holds an unknown key or bad value."""

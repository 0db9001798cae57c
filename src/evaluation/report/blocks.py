"""What a notebook records for the paper, as typed blocks.

:class:`evaluation.report.publish.SectionWriter` makes them and writes them to the section's
record (``sections/<section>.json``); :mod:`evaluation.report.paper` reads them back and lays
out the paper. Both sides use these classes, so a block's fields are checked where it is made
and read by name, never by string keys.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class Block:
    """A block of a section: its kind, and the engagement chapter it belongs to (if any)."""

    kind: ClassVar[str] = ""
    part: str | None = field(default=None, kw_only=True)
    # left out of the public version for the Police and Crime Panel
    restricted: bool = field(default=False, kw_only=True)
    # why the block stays in the section (for analysts) but not in the paper: data from after
    # the paper's date, say
    outside: str | None = field(default=None, kw_only=True)

    @property
    def type(self) -> str:
        return self.kind

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in the section's record (``type`` names the kind)."""
        data = {"type": self.kind, **asdict(self)}
        if data.get("part") is None:
            data.pop("part", None)
        if not data.get("restricted"):
            data.pop("restricted", None)
        if data.get("outside") is None:
            data.pop("outside", None)
        return data


@dataclass(frozen=True)
class Heading(Block):
    kind: ClassVar[str] = "heading"
    text: str


@dataclass(frozen=True)
class Paragraph(Block):
    kind: ClassVar[str] = "paragraph"
    text: str
    # the counts of people or cases the sentence quotes: the public version leaves the
    # sentence out when one is below its (stricter) disclosure threshold
    counts: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Finding(Block):
    """A key finding: in the section and collected into the paper's summary."""

    kind: ClassVar[str] = "finding"
    text: str
    table: str | None = None  # the table whose numbers the sentence quotes
    chapter: str | None = None  # the section whose chapter it opens (else the summary's)
    indicator: str | None = None  # the registry's indicator whose figures it quotes
    counts: list[int] = field(default_factory=list)  # as Paragraph.counts


@dataclass(frozen=True)
class Recommendation(Block):
    """An ask of the Board, written by rule from the indicator registry (``indicator`` is
    the one it is about; the analyst's commentary may drop it by that id)."""

    kind: ClassVar[str] = "recommendation"
    text: str
    indicator: str | None = None
    table: str | None = None
    owner: str | None = None  # who is asked to report ...
    subject: str | None = None  # ... on what: the paper lists one owner's subjects together


def ask_text(owner: str, subject: str) -> str:
    """The words of an ask with an owner and a subject, completing "The Board is recommended
    to ...".

    >>> ask_text("the OPCC", "Hub contact (a concern)")[:55]
    'ask the OPCC to report to the next Board on Hub contact'
    """
    return (f"ask {owner} to report to the next Board on {subject}: the reasons, the action "
            "planned and when it should show.")


@dataclass(frozen=True)
class Note(Block):
    kind: ClassVar[str] = "note"
    text: str


@dataclass(frozen=True)
class Conclusion(Block):
    kind: ClassVar[str] = "conclusion"
    text: str


@dataclass(frozen=True)
class Quality(Block):
    """A data-quality remark for the paper's data-quality appendix."""

    kind: ClassVar[str] = "quality"
    section: str
    text: str


@dataclass(frozen=True)
class Table(Block):
    """A table as printed (cells already formatted and suppressed) and its CSV."""

    kind: ClassVar[str] = "table"
    name: str
    caption: str
    columns: list[str]
    rows: list[list[str]]
    csv: str
    appendix: bool = False
    count_columns: list[str] = field(default_factory=list)
    footnote: str | None = None
    paper: bool | None = None  # True: always in the paper; False: never; None: if it fits
    annex: str | None = None  # "published": goes to the published-figures appendix
    # the rows and footnote suppressed at the public version's threshold (None: the table
    # has no counts of people or cases, so both versions print ``rows``)
    public_rows: list[list[str]] | None = None
    public_footnote: str | None = None


@dataclass(frozen=True)
class Figure(Block):
    """A chart: its PNG, title, caption, alt text and the CSV of the data behind it."""

    kind: ClassVar[str] = "figure"
    name: str
    title: str
    caption: str
    alt: str
    png: str
    csv: str | None = None


KINDS: dict[str, type[Block]] = {
    cls.kind: cls for cls in (Heading, Paragraph, Finding, Recommendation, Note, Conclusion,
                              Quality, Table, Figure)
}


def from_dict(data: dict[str, Any]) -> Block:
    """A block from its JSON form; unknown kinds and missing fields are errors."""
    kind = data.get("type")
    if kind not in KINDS:
        raise ValueError(f"unknown block type {kind!r}; expected one of {', '.join(KINDS)}")
    cls = KINDS[kind]
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})

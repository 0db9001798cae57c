"""Assemble the board paper (one Markdown source) from the executed sections' records.

The paper follows the house style of the 2016 Business Coordination Board paper: a header
block (To / From / Date), the title, numbered sections (1 Purpose, 2 Recommendation, ...)
and numbered paragraphs (1.1, 1.2, ...). The same Markdown is rendered to HTML and to PDF by
:mod:`evaluation.render`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.config import ReportParams
from evaluation.formatting import fmt_int

SYNTHETIC_WARNING = (
    "This pack was produced from the SYNTHETIC sample force bundled with the package "
    "(data/sample). Figures quoted from the 2016 board paper and the 2019 letter are real "
    "published figures; every other number describes synthetic data and must not be read as "
    "real performance."
)


@dataclass
class SectionRecord:
    """One executed section as recorded by :class:`evaluation.publish.SectionWriter`."""

    section_id: str
    title: str
    blocks: list[dict[str, Any]]
    failed_reason: str | None = None

    @classmethod
    def read(cls, path: Path) -> SectionRecord:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["section_id"], data["title"], data["blocks"])


@dataclass
class _Numbering:
    section: int = 0
    paragraph: int = 0
    table: int = 0
    figure: int = 0
    out: list[str] = field(default_factory=list)

    def heading(self, title: str) -> None:
        self.section += 1
        self.paragraph = 0
        self.out.append(f"\n# {self.section}. {title}\n")

    def sub(self, title: str) -> None:
        self.out.append(f"\n## {title}\n")

    def para(self, text: str) -> None:
        self.paragraph += 1
        self.out.append(f"{self.section}.{self.paragraph}\u2003{text}\n")


def _escape_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(columns: list[str], rows: list[list[str]], caption: str) -> str:
    """A pipe table with a header row and a caption (Pandoc's ``Table:`` syntax)."""
    head = "| " + " | ".join(_escape_cell(c) for c in columns) + " |"
    numeric = [
        all(re.fullmatch(r"[-+£]?[\d,.]+%?|–|\[c\]", str(r[i]).strip() or "–") for r in rows)
        for i in range(len(columns))
    ]
    rule = "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"
    body = ["| " + " | ".join(_escape_cell(c) for c in r) + " |" for r in rows]
    return "\n".join([head, rule, *body, "", f"Table: {caption}", ""])


def _blocks(num: _Numbering, record: SectionRecord) -> None:
    if record.failed_reason is not None:
        num.out.append(
            "\n::: {.not-available}\n"
            f"**Not available:** this section failed to run: {record.failed_reason}\n"
            ":::\n"
        )
        return
    for block in record.blocks:
        kind = block["type"]
        if kind == "heading":
            num.sub(block["text"])
        elif kind in ("paragraph", "finding"):
            num.para(block["text"])
        elif kind == "note":
            num.out.append(f"\n::: {{.note}}\n**Note.** {block['text']}\n:::\n")
        elif kind == "table" and not block.get("appendix"):
            num.table += 1
            caption = f"Table {num.table}: {block['caption']}"
            num.out.append(markdown_table(block["columns"], block["rows"], caption))
            if block.get("footnote"):
                num.out.append(f"*{block['footnote']}*\n")
        elif kind == "figure":
            num.figure += 1
            alt = block["alt"].replace('"', "'")
            num.out.append(
                f"![Figure {num.figure}: {block['caption']}]({block['png']})"
                f'{{fig-alt="{alt}" width="100%"}}\n'
            )


def header_block(params: ReportParams) -> str:
    """The To / From / Date block and the title, as in the 2016 paper."""
    date_text = f"{params.paper_date.day} {params.paper_date:%B %Y}"
    return (
        f"**To:** {params.board}  \n**From:** {params.author}  \n**Date:** {date_text}\n\n"
        f"**{params.title.upper()}**\n"
    )


def findings(records: list[SectionRecord]) -> list[str]:
    """Every key finding recorded by the sections, in section order."""
    return [b["text"] for r in records for b in r.blocks if b["type"] == "finding"]


def build_markdown(
    params: ReportParams,
    records: list[SectionRecord],
    provenance: list[str],
    draft_reasons: list[str] | None = None,
) -> str:
    """The whole paper as Pandoc Markdown."""
    period = (f"{params.period_start.day} {params.period_start:%B %Y} to "
              f"{params.period_end.day} {params.period_end:%B %Y}")
    num = _Numbering()
    num.out.append(header_block(params))
    if draft_reasons:
        num.out.append(
            "\n::: {.draft}\n**DRAFT — INCOMPLETE.** This paper is not complete and must not be "
            "circulated: " + "; ".join(draft_reasons) + "\n:::\n"
        )
    num.out.append("\n::: {.contents}\n:::\n")
    num.heading("Purpose")
    num.para(
        f"The purpose of this report is to update the {params.board} (\u201cthe Board\u201d) on "
        "how the Police and Crime Commissioner (\u201cthe Commissioner\u201d) is engaging with "
        "the public, the action being taken in response and its value, for the period "
        f"{period}."
    )
    num.heading("Recommendation")
    num.para(params.recommendation)
    num.heading("Summary of the evidence")
    summary = findings(records)
    if summary:
        for text in summary:
            num.para(text)
    else:
        num.para("No section produced a finding for this period.")
    num.heading("Background")
    num.para(
        "The Policing Protocol Order 2011 sets out the Commissioner's duty to \u201cprovide the "
        "local link between the police and communities, working to translate the legitimate "
        "desires and aspirations of the public into action\u201d. This paper evaluates that "
        "engagement measure by measure; every figure is computed from the data listed in the "
        "provenance appendix."
    )
    if params.synthetic_data:
        num.para(SYNTHETIC_WARNING)
    for record in records:
        num.heading(record.title)
        _blocks(num, record)
    num.heading("Conclusion")
    n_ok = sum(r.failed_reason is None for r in records)
    num.para(
        f"This paper reports {fmt_int(n_ok)} of {fmt_int(len(records))} sections of the "
        "evaluation for the period. The Board is asked to note the findings summarised in "
        "section 3."
    )
    num.out.append("\n# Appendix A. Provenance\n")
    num.out.extend(f"- {line}\n" for line in provenance)
    return "\n".join(num.out)

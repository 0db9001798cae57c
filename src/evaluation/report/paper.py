"""Assemble the board paper (one Markdown source) from the executed sections' records.

The paper follows the house style of the 2016 Business Coordination Board paper: a header
block (To / From / Date), the title, numbered sections (1 Purpose, 2 Recommendation, ...)
and numbered paragraphs (1.1, 1.2, ...). After the summary, the scorecard and the
background come the five kinds of engagement of the 2016 paper (Listening, Responding,
Consulting, Collaborating, Empowering), then one chapter per measure, the Conclusion and
appendices (public contact table, data quality, methods, provenance). The same Markdown is
rendered to HTML and to PDF by :mod:`evaluation.report.render`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.config.commentary import Commentary, is_restricted, passage_text
from evaluation.config.params import ReportParams
from evaluation.report.blocks import (
    Block,
    Conclusion,
    Figure,
    Finding,
    Heading,
    Note,
    Paragraph,
    Quality,
    Recommendation,
    Table,
    ask_text,
    from_dict,
)
from evaluation.report.commentary import SYNTHETIC_LABEL, render, unchecked_figures

ENGAGEMENT_PARTS = ("Listening", "Responding", "Consulting", "Collaborating", "Empowering")
PART_INTROS = {
    "Listening": "The Commissioner listens to public concerns through correspondence, public "
                 "meetings, surgeries and the Commissioner's outreach.",
    "Responding": "The Commissioner responds to the concerns raised to ensure they are acted "
                  "upon, and holds the Constabulary to account for the service it gives.",
    "Consulting": "The Commissioner consults the public to obtain their feedback, for example "
                  "on the policing element of the council tax (the precept).",
    "Collaborating": "The Commissioner collaborates with partners to tackle crime and "
                     "disorder.",
    "Empowering": "The Commissioner empowers people through funding projects, capacity "
                  "building and involvement in community schemes and volunteering.",
}
PART_MEASURES = {
    "Listening": ("01_public_contact", "06_engagement_and_communications"),
    "Responding": ("04_victims_hub", "03_victim_satisfaction", "02_call_handling"),
    "Consulting": ("06_engagement_and_communications", "03_victim_satisfaction"),
    "Collaborating": ("05_grants", "07_crime_and_confidence"),
    "Empowering": ("05_grants",),
}
SUMMARY_SECTION = "00_summary"
MAX_PAPER_COLUMNS = 7  # wider tables do not fit an A4 page legibly
MAX_PAPER_ROWS = 24    # longer ones belong in the data, not the paper
APPENDIX_TABLE = ("01_public_contact", "appendix1")

SYNTHETIC_WARNING = (
    "This pack was produced from the SYNTHETIC sample force bundled with the package "
    "(data/sample). Figures quoted from the 2016 board paper and the 2019 letter are real "
    "published figures, and the crime and confidence context uses real public data; every "
    "other number describes synthetic data and must not be read as real performance."
)

METHODS = [
    "Proportions are given with Wilson score 95% confidence intervals (Wilson 1927). Rolling "
    "12-month rates pool the numerators and denominators of the twelve months.",
    "The 95% intervals on call and contact shares are sampling intervals over nearly every "
    "call or contact, so they are narrow; they do not show the month-to-month variation that "
    "the tests of change and the SPC charts measure.",
    "Survey proportions (for example the force against England and Wales, a group against "
    "all other respondents) are compared with the pooled two-proportion z-test. Operational "
    "rates over thousands of calls or referrals a month are compared month by month (Welch's "
    "t-test on the monthly rates), so the noise a change must beat is the month-to-month "
    "variation, not sampling of each call. Two periods compared never overlap.",
    "Evidence is worded by the p-value: below 0.01 'statistically significant', 0.01 to 0.1 "
    "'weak evidence', 0.1 or more 'no evidence of a real change'; a significant change "
    "smaller than the indicator's minimum important difference is 'a small change'. "
    "Differences of percentages are in percentage points (pp). Several comparisons made "
    "together (groups, topics) have their p-values adjusted by Holm's method (Holm 1979).",
    "Monthly series are shown as XmR statistical process control charts following NHS "
    "England's Making Data Count (as NHSRplotthedots after its pull request 180): process "
    "limits at the mean ± 2.66 × the mean moving range; special cause is a point outside the "
    "limits, a run of 7 rising or falling points (classed by the direction of the run), 2 of "
    "3 points close to a limit, or 7 points on one side of the mean. Limits restart at each "
    "process change recorded in the indicator framework, with its reason on the chart. Where "
    "most points of the latest phase are special cause (and still are without its most "
    "extreme point), the chart is drawn without limits and no variation is reported; its "
    "assurance is given only when every month of the phase meets (or every month misses) "
    "the target. Rolling and cumulative series get no SPC.",
    "Changes are computed from unrounded figures, so a change can differ by 0.1 from the "
    "difference of the rounded values printed beside it.",
    "Funnel plots compare units of different size against control limits at 95% and 99.8% "
    "(Spiegelhalter 2005); the units are tested for overdispersion and, where it is present, "
    "the random-effects limits are used.",
    "Call-handling staffing uses Erlang C and Erlang A (callers hang up after an exponential "
    "patience) with handle time and patience measured from the call logs. The model is "
    "back-tested against each month of the period; staffing needs are stated only when its "
    "mean absolute error is within the stated tolerance.",
    "Trends are tested with the Mann–Kendall test and sized with Sen's slope.",
    "Disclosure control: any count of people or cases from 1 to the threshold minus one, and "
    "any rate based on such a count, is shown as [c]; where a total would reveal a suppressed "
    "figure, another is suppressed too.",
    "Details and sources of every method are in docs/methods.md of the package.",
]


@dataclass
class SectionRecord:
    """One executed section as recorded by :class:`evaluation.report.publish.SectionWriter`."""

    section_id: str
    title: str
    blocks: list[Block]
    failed_reason: str | None = None

    def __post_init__(self) -> None:
        # blocks as read from a section's JSON record become typed blocks
        self.blocks = [b if isinstance(b, Block) else from_dict(b) for b in self.blocks]

    @classmethod
    def read(cls, path: Path) -> SectionRecord:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["section_id"], data["title"], data["blocks"])


@dataclass
class Version:
    """Which paper is being written: the Board's (restricted), or the public version for the
    Police and Crime Panel, which suppresses counts below its stricter ``threshold`` and leaves
    out what the sections, the framework or the commentary mark restricted."""

    public: bool = False
    threshold: int = 10
    restricted_indicators: frozenset[str] = frozenset()
    restricted_names: frozenset[str] = frozenset()
    # what the version left out (a key per item, each counted once) and why: "indicator",
    # "restricted" or "small" (it quotes a count below the threshold)
    hidden: dict[str, str] = field(default_factory=dict)

    @property
    def left_out(self) -> int:
        """How many paragraphs, tables, charts and indicators the version left out."""
        return len(self.hidden)

    def left_out_words(self) -> str:
        """What the version left out, by reason: '1 restricted indicator, 2 restricted
        passages and 3 passages quoting a count below 20'."""
        small = f"with a count below {self.threshold}"
        words = {"indicator": ("restricted indicator", "restricted indicators"),
                 "restricted": ("restricted passage", "restricted passages"),
                 "small": (f"passage {small}", f"passages {small}")}
        reasons = list(self.hidden.values())
        parts = [f"{n} {words[k][n > 1]}" for k in words if (n := reasons.count(k))]
        return _join(parts) if parts else "nothing"

    @classmethod
    def of(cls, params: ReportParams, registry: pd.DataFrame | None, public: bool) -> Version:
        ids, names = frozenset(), frozenset()
        if public and registry is not None and "restricted" in registry:
            marked = registry.loc[registry["restricted"].astype(str).str.lower() == "true"]
            ids, names = frozenset(marked["id"].astype(str)), frozenset(marked["name"].astype(str))
        return cls(public, params.public_disclosure_threshold if public
                   else params.disclosure_threshold, ids, names)

    def shows(self, block: Block) -> bool:
        """Is the block in this version? (Counting what the public version leaves out.)"""
        if not self.public:
            return True
        if not self.shows_indicator(getattr(block, "indicator", None)):
            return False  # counted once per indicator, wherever it appears
        small = any(1 <= c < self.threshold for c in getattr(block, "counts", []) or [])
        if block.restricted or small:
            self.hidden[repr(block)] = "restricted" if block.restricted else "small"
            return False
        return True

    def shows_indicator(self, indicator: str | None) -> bool:
        if self.public and indicator in self.restricted_indicators:
            self.hidden[f"indicator {indicator}"] = "indicator"
            return False
        return True

    def table(self, block: Table) -> Table:
        """The table as this version prints it (the public rows where it has counts)."""
        if not self.public or block.public_rows is None:
            return block
        return dataclasses.replace(block, rows=block.public_rows,
                                   footnote=block.public_footnote)


@dataclass
class _Writer:
    section: int = 0
    paragraph: int = 0
    table: int = 0
    figure: int = 0
    out: list[str] = field(default_factory=list)
    supporting: list[Table] = field(default_factory=list)
    prefix: str = ""  # "B" in Appendix B: its paragraphs are B.1, B.2, ...
    notes_seen: set[str] = field(default_factory=set)
    v: Version = field(default_factory=Version)

    def heading(self, title: str) -> None:
        self.section += 1
        self.paragraph = 0
        self.prefix = str(self.section)
        self.out.append(f"\n# {self.section}. {title}\n")

    def appendix(self, letter: str, title: str) -> None:
        self.paragraph = 0
        self.prefix = letter
        self.out.append(f"\n# Appendix {letter}. {title}\n")

    def sub(self, title: str, level: int = 2) -> None:
        self.out.append(f"\n{'#' * level} {title}\n")

    def para(self, text: str) -> None:
        self.paragraph += 1
        self.out.append(f"{self.prefix}.{self.paragraph}\u2003{text}\n")

    def box(self, cls: str, text: str) -> None:
        self.out.append(f"\n::: {{.{cls}}}\n{text}\n:::\n")

    def note_once(self, text: str) -> None:
        """A boxed note, printed the first time only (the sections' shared caveats)."""
        if text not in self.notes_seen:
            self.notes_seen.add(text)
            self.box("note", f"**Note.** {text}")

    def table_block(self, block: Table, cls: str | None = None) -> None:
        self.table += 1
        caption = f"Table {self.table}: {block.caption}"
        text = markdown_table(block.columns, block.rows, caption)
        if block.footnote:
            text += "\n*" + block.footnote.replace("*", "\\*") + "*\n"
        if cls is None and len(block.rows) > MAX_PAPER_ROWS:
            cls = "breakable"  # longer than a page: it may run over pages
        self.out.append(f"\n::: {{.{cls}}}\n{text}\n:::\n" if cls else text)

    def figure_block(self, block: Figure, width: str = "100%") -> None:
        self.figure += 1
        alt = block.alt.replace('"', "'").replace("\n", " ")
        self.out.append(
            f"![Figure {self.figure}: {block.caption}]({block.png})"
            f'{{alt="{alt}" width="{width}"}}\n'
        )


def _escape_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(columns: list[str], rows: list[list[str]], caption: str) -> str:
    """A pipe table with a header row and a caption (Pandoc's ``Table:`` syntax)."""
    head = "| " + " | ".join(_escape_cell(_label(c)) for c in columns) + " |"
    numeric = [
        all(re.fullmatch(r"[-+£]?[\d,.]+%?|–|\[c\]", str(r[i]).strip() or "–") for r in rows)
        for i in range(len(columns))
    ]
    # Pandoc sizes wrapped columns by the dashes under each heading: give each column dashes in
    # proportion to its longest word or cell (capped), so long text gets the room it needs.
    # A first column of text that labels rows of short cells (an indicator, an area) may take
    # more room; a table of prose columns shares the width evenly.
    longest = [max((len(str(r[i])) for r in rows), default=0) for i in range(len(columns))]
    label_first = not numeric[0] and all(n <= 30 for n in longest[1:])
    widths = []
    for i, c in enumerate(columns):
        longest_cell = longest[i]
        longest_word = max((len(w) for w in str(c).split()), default=1)
        cap = 48 if i == 0 and label_first else 26
        widths.append(max(14, min(cap, max(longest_cell, longest_word + 4))))
    rule = "|" + "|".join(("-" * (w - 1) + ":") if n else (":" + "-" * (w - 1))
                          for w, n in zip(widths, numeric, strict=True)) + "|"
    if len(rule) <= 72:  # short tables keep Pandoc's natural widths
        rule = "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"
    body = ["| " + " | ".join(_escape_cell(c) for c in r) + " |" for r in rows]
    return "\n".join([head, rule, *body, "", f"Table: {caption}", ""])


def _label(column: str) -> str:
    """A column name as a heading: 'change_pct' → 'Change (%)', 'mean' → 'Mean'."""
    if column != column.lower() or " " in column:
        return column  # already written for people
    text = column.replace("_pct", " (%)").replace("_gbp", " (£)").replace("_s", " (s)") \
        if column.endswith(("_pct", "_gbp", "_s")) else column
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]


def _emit(w: _Writer, blocks: list[Block], level: int = 2) -> None:
    for block in blocks:
        if block.outside:
            w.note_once(block.outside)
            continue
        if isinstance(block, Table) and (block.appendix or block.annex is not None):
            continue  # printed in its appendix, or in neither version
        if not w.v.shows(block):
            continue
        if isinstance(block, Table):
            block = w.v.table(block)
        if isinstance(block, Heading):
            w.sub(block.text, level)
        elif isinstance(block, Paragraph | Finding):
            w.para(block.text)
        elif isinstance(block, Note):
            w.note_once(block.text)
        elif isinstance(block, Table):
            fits = (len(block.columns) <= MAX_PAPER_COLUMNS
                    and len(block.rows) <= MAX_PAPER_ROWS)
            if block.paper is False or (block.paper is None and not fits):
                w.supporting.append(block)
            else:
                w.table_block(block)
        elif isinstance(block, Figure):
            w.figure_block(block)


def _has_body(record: SectionRecord) -> bool:
    """Does the section have content of its own (outside the engagement chapters)?"""
    return any(isinstance(b, Paragraph | Table | Figure) and not b.part for b in record.blocks)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def header_block(params: ReportParams, version: Version | None = None) -> str:
    """The To / From / Date block and the title, as in the 2016 paper (the public version is
    addressed to the Police and Crime Panel)."""
    date_text = f"{params.paper_date.day} {params.paper_date:%B %Y}"
    public = version is not None and version.public
    to = params.panel if public else params.board
    title = params.title.upper()
    return (
        f"**To:** {to}  \n**From:** {params.author}  \n**Date:** {date_text}\n\n"
        f"**{title}**\n"
    )


def public_notice(params: ReportParams) -> str:
    """The public version's box on page one: what it is and what it leaves out."""
    return (f"**PUBLIC VERSION**: counts of people below {params.public_disclosure_threshold} "
            f"are [c]{LEFT_OUT}.")


LEFT_OUT = "\u2060{left out}\u2060"  # filled in once the whole paper is written
LEFT_OUT_WORDS = "\u2060{left out, in words}\u2060"


def findings(records: list[SectionRecord]) -> list[dict[str, Any]]:
    """Every key finding recorded by the sections, in section order."""
    return [dict(b.to_dict(), section_id=r.section_id) for r in records for b in r.blocks
            if isinstance(b, Finding)]


def asks(records: list[SectionRecord]) -> list[tuple[str | None, str]]:
    """(indicator, ask) the scorecard chose by rule (one per indicator of concern)."""
    return [(b.indicator, b.text) for b in ask_blocks(records)]


def ask_blocks(records: list[SectionRecord]) -> list[Recommendation]:
    """The scorecard's asks, as recorded."""
    return [b for r in records if r.section_id == SUMMARY_SECTION and not r.failed_reason
            for b in r.blocks if isinstance(b, Recommendation)]


def ask_paragraphs(items: list[Recommendation | str],
                   lead: str = "The Board is recommended to") -> list[str]:
    """The asks as the Recommendation prints them: the subjects of one owner under one ask
    (a list), an ask without an owner or written by the analyst as it is. ``lead`` opens
    each (the public version reports them: 'The Board was asked to')."""
    by_owner: dict[str, list[Recommendation]] = {}
    out: list[str | list[Recommendation]] = []
    for item in items:
        if isinstance(item, Recommendation) and item.owner and item.subject:
            if item.owner not in by_owner:
                by_owner[item.owner] = []
                out.append(by_owner[item.owner])
            by_owner[item.owner].append(item)
        else:
            out.append(item.text if isinstance(item, Recommendation) else item)
    texts = []
    for entry in out:
        if isinstance(entry, str):
            texts.append(f"{lead} {entry}")
        elif len(entry) == 1:
            texts.append(f"{lead} {ask_text(str(entry[0].owner), str(entry[0].subject))}")
        else:
            texts.append(f"{lead} ask {entry[0].owner} to report to the next Board on each of "
                         "the following: the reasons, the action planned and when it should "
                         "show.\n\n" + "\n".join(f"- {b.subject}" for b in entry))
    return texts


EVIDENCE_MAX_AGE_DAYS = 2 * 365  # older independent evidence is said to be dated


class _Notes:
    """The analyst's commentary as the paper prints it (nothing without a commentary)."""

    def __init__(self, commentary: Commentary | None, registry: pd.DataFrame | None,
                 version: Version | None = None, period_start: Any = None) -> None:
        self.c = commentary
        self.registry = registry
        self.v = version or Version()
        self.period_start = period_start

    def _kept(self, passages: list[Any]) -> list[str]:
        out = []
        for p in passages:
            if self.v.public and is_restricted(p):
                self.v.hidden[f"commentary {passage_text(p)}"] = "restricted"
                continue
            out.append(self._r(passage_text(p)))
        return out

    def _r(self, text: str) -> str:
        return render(text, self.registry)

    def label(self) -> str:
        return f" ({SYNTHETIC_LABEL.lower()[0] + SYNTHETIC_LABEL[1:]})" if self.c and \
            self.c.synthetic else ""

    def summary(self) -> list[str]:
        return self._kept(self.c.summary) if self.c else []

    def section(self, section_id: str) -> list[str]:
        return self._kept(self.c.sections.get(section_id, [])) if self.c else []

    def responding(self) -> Table | None:
        if not self.c or not self.c.responding:
            return None
        rows = [[self._r(a.concern), self._r(a.action), self._r(a.result)]
                for a in self.c.responding]
        return Table(name="you_said_we_did", caption="You said, we did: concerns raised, the "
                     "action taken and its result", columns=["You said", "We did", "Result"],
                     rows=rows, csv="")

    def evidence(self) -> list[str]:
        if not self.c:
            return []
        out = []
        for e in self.c.evidence:
            text = f"{e.source} ({e.date.day} {e.date:%B %Y}): {self._r(e.finding)}"
            if self.period_start is not None and \
                    (self.period_start - e.date).days > EVIDENCE_MAX_AGE_DAYS:
                text += (" This finding is from more than two years before the period; a "
                         "current inspection finding would be stronger evidence.")
            out.append(text)
        return out

    def asks(self, records: list[SectionRecord]) -> list[Recommendation | str]:
        """The rule-made asks the analyst kept, then the analyst's own (as text)."""
        drop = set(self.c.recommendations.drop) if self.c else set()
        out: list[Recommendation | str] = [b for b in ask_blocks(records)
                                           if b.indicator not in drop
                                           and b.indicator not in self.v.restricted_indicators]
        if self.c:
            out += [self._r(t) for t in self.c.recommendations.add]
        return out

    def warnings(self) -> list[str]:
        return unchecked_figures(self.c, self.registry) if self.c else []


def key_messages(records: list[SectionRecord]) -> list[dict[str, Any]]:
    """Page one's key messages: the scorecard's findings, chosen by rule from the indicator
    registry. Each chapter's own findings open that chapter and are not repeated here; only
    when the scorecard did not run do the chapters' findings stand in."""
    scorecard = [f for f in findings(records)
                 if f["section_id"] == SUMMARY_SECTION and not f.get("chapter")]
    ok = any(r.section_id == SUMMARY_SECTION and not r.failed_reason for r in records)
    return scorecard if ok else [f for f in findings(records) if not f.get("chapter")]


def _find_table(records: list[SectionRecord], section_id: str, name: str) -> Table | None:
    for r in records:
        if r.section_id == section_id:
            for b in r.blocks:
                if isinstance(b, Table) and b.name == name:
                    return b
    return None


MAX_CHAPTER_FINDINGS = 3  # a chapter opens with its two or three key findings
HEADLINE_FIGURE_WIDTH = "72%"
#: The one chart each chapter shows in the main body: about the reporting period (the
#: SPC window or the period itself), never the long-run context, which stays in Appendix B.
HEADLINE_FIGURES = {
    "01_public_contact": "digital_share_spc",
    "02_call_handling": "xmr_101_within_target",
    "03_victim_satisfaction": "whole_experience_spc",
    "04_victims_hub": "hub_funnel_period",
    "06_engagement_and_communications": "activities_by_month",
    "07_crime_and_confidence": "crime_rate_funnel",
}


def build_markdown(
    params: ReportParams,
    records: list[SectionRecord],
    provenance: list[str],
    draft_reasons: list[str] | None = None,
    changes: list[str] | None = None,
    input_warnings: list[str] | None = None,
    commentary: Commentary | None = None,
    registry: pd.DataFrame | None = None,
    public: bool = False,
) -> str:
    """The whole paper as Pandoc Markdown (``public``: the version for the Police and Crime
    Panel; see :class:`Version`).

    The main body is short: page one (Purpose, the asks, the key messages and the indicator
    summary), the analyst's view, the Background, the five kinds of engagement and one
    chapter per measure, each opening with its two or three key findings and its headline
    chart, then the Conclusion. Every other paragraph, table and chart of the sections is
    printed once, in Appendix B (the evidence by chapter), which each chapter points to.

    ``commentary`` is the analyst's (:mod:`evaluation.config.commentary`), rendered from
    ``registry`` (the run's indicators.csv): page one's view, each chapter's commentary, the
    "you said, we did" table, the independent evidence and the edits to the asks.

    ``changes`` are sentences on what changed since the previous paper (see
    :mod:`evaluation.report.previous`); ``input_warnings`` are what the checks made before any
    section ran found (e.g. an optional dataset that does not cover the period), for the
    data-quality appendix.
    """
    w = _Writer(v=Version.of(params, registry, public))
    notes = _Notes(commentary, registry, w.v, params.period_start)
    evidence: list[_Evidence] = []
    _page_one(w, params, records, draft_reasons, changes, notes, registry)
    w.out.append("\n::: {.contents}\n:::\n")
    if notes.summary():
        w.heading("The analyst's view" + notes.label())
        for text in notes.summary():
            w.para(text)
    _background(w, params, w.v.public)
    measure_records = [r for r in records if r.section_id != SUMMARY_SECTION]
    chapter_figures: dict[str, list[tuple[str | None, str]]] = {}
    for f in findings(records):
        if f["section_id"] == SUMMARY_SECTION and f.get("chapter") and \
                w.v.shows_indicator(f.get("indicator")):
            chapter_figures.setdefault(f["chapter"], []).append((f.get("indicator"), f["text"]))
    _engagement_chapters(w, measure_records, notes, evidence)
    _measure_chapters(w, measure_records, chapter_figures, notes, evidence,
                      _priority(records, registry))
    _conclusion(w, records, notes)
    _appendices(w, params, records, provenance,
                [*(input_warnings or []), *notes.warnings()], evidence)
    n = w.v.left_out
    left = (f"; {n} {'item' if n == 1 else 'items'} left out (Appendix F)" if n
            else "; nothing left out")
    return "\n".join(w.out).replace(LEFT_OUT, left).replace(LEFT_OUT_WORDS,
                                                            w.v.left_out_words())


@dataclass
class _Evidence:
    """A chapter's evidence for Appendix B: what its main-body pages leave out."""

    title: str
    opening: list[str]
    blocks: list[Block]


def _is_real(measure: object) -> bool:
    """Is the registry's source measure read from REAL public data (a context measure)?"""
    from evaluation.measures.scorecard import MEASURES

    return bool(getattr(MEASURES.get(str(measure)), "context", False))


def _data_label(indicator: str | None, registry: pd.DataFrame | None, synthetic: bool) -> str:
    """What kind of data a key message's figure is: REAL public data (the context measures
    read from public data), SYNTHETIC (the sample force) or the force's own data."""
    if indicator is not None and registry is not None and "id" in registry:
        row = registry.loc[registry["id"] == indicator]
        if len(row) and _is_real(row["measure"].iloc[0]):
            return "REAL public data"
    return "SYNTHETIC" if synthetic else "the force's data"


def _priority(records: list[SectionRecord], registry: pd.DataFrame | None
              ) -> dict[str, int]:
    """The order in which a chapter's indicators are its key findings: those the Board is
    asked about first, then those with a significant change, then the rest; an indicator
    with no figure for the period last."""
    asked = {i for i, _ in asks(records) if i}
    out: dict[str, int] = {}
    if registry is None or "id" not in registry:
        return out
    for _, r in registry.iterrows():
        gone = isinstance(r.get("not_available"), str) and bool(r.get("not_available"))
        out[str(r["id"])] = (3 if gone else 0 if r["id"] in asked
                             else 1 if str(r.get("change_evidence")) == "strong" else 2)
    return out


def _missing_sections(records: list[SectionRecord]) -> list[str]:
    return [f"{r.title} ({r.failed_reason})" for r in records if r.failed_reason]


def _page_one(w: _Writer, params: ReportParams, records: list[SectionRecord],
              draft_reasons: list[str] | None, changes: list[str] | None, notes: _Notes,
              registry: pd.DataFrame | None) -> None:
    """Page one, the paper for a busy member: To/From/Date and title, Purpose, the asks, the
    key messages, the indicator summary with its icons and what changed since the last
    paper."""
    period = (f"{params.period_start.day} {params.period_start:%B %Y} to "
              f"{params.period_end.day} {params.period_end:%B %Y}")
    period = f"from {period}"
    w.out.append(header_block(params, w.v))
    synthetic = ("**SYNTHETIC SAMPLE — NOT REAL DATA** unless marked REAL or quoted from "
                 "the source papers."
                 if params.synthetic_data else "")
    if w.v.public:
        w.box("public", public_notice(params) + (f" {synthetic}" if synthetic else ""))
    elif synthetic:
        w.box("note", synthetic)
    if draft_reasons:
        missing = _missing_sections(records)
        w.box("draft", "**DRAFT — INCOMPLETE.** This paper is not complete and must not be "
                       "circulated. "
              + (f"Sections missing: {'; '.join(missing)}. " if missing else "")
              + "Reasons: " + "; ".join(draft_reasons) + ".")
    w.heading("Purpose")
    if w.v.public:
        w.para(f"To inform the {params.panel} of the evaluation reported to the Board on "
               f"{params.paper_date.day} {params.paper_date:%B %Y} "
               f"({params.period_start:%B %Y} to {params.period_end:%B %Y}).")
    else:
        w.para(
            "To update the Board on how the Commissioner engages with the public to understand "
            f"their concerns, what is done about them and its value, {period}."
        )
    w.heading("Recommendation")
    if w.v.public:
        w.para("The Panel is asked to note this report; the Board was asked to note it and to "
               "ask for these reports:")
    else:
        w.para(params.recommendation)
    lead = "The Board was asked to" if w.v.public else "The Board is recommended to"
    for text in ask_paragraphs(notes.asks(records), lead):
        w.para(text)
    w.heading("Key messages")
    summary = [f for f in key_messages(records) if w.v.shows_indicator(f.get("indicator"))]
    for item in summary:
        label = _data_label(item.get("indicator"), registry, params.synthetic_data)
        w.para(f"{item['text']} *[{label}]*")
    if not summary:
        w.para("No section produced a finding for this period.")
    board = _find_table(records, SUMMARY_SECTION, "scorecard_board")
    if board is not None:
        keep = [i for i, c in enumerate(board.columns) if c != "Objective"]
        short = {"Reporting period": "Period", "Change on the year before": "Change"}
        w.table_block(Table(
            name="indicator_summary",
            caption=_glance_caption(board.caption),
            columns=[short.get(board.columns[i], board.columns[i]) for i in keep],
            rows=[[row[i].replace(" (significant)", "*") for i in keep] for row in board.rows
                  if row[board.columns.index("Indicator")] not in w.v.restricted_names],
            csv=board.csv,
            footnote=_glance_key(registry, params.synthetic_data, w.v)), cls="compact")
    if changes:
        w.sub("Since the previous paper")
        for text in changes:
            w.para(text)
    w.out.append("\n::: {.pagebreak}\n:::\n")


def _glance_key(registry: pd.DataFrame | None, synthetic: bool, v: Version) -> str:
    """The key under page one's table: the icons in words, and which rows are real data."""
    text = ("* p < 0.01. \u25b2H/\u25bcL special cause, higher/lower; ~ no signal; not "
            "stable: too variable to judge; line only: rolling or running total. \u2714P meets "
            "the target every month; \u2718F misses it every month; ? may meet or miss.")
    if synthetic and registry is not None and "measure" in registry:
        real = [str(r["name"]) for _, r in registry.iterrows()
                if _is_real(r["measure"]) and str(r["name"]) not in v.restricted_names]
        text += (" All rows SYNTHETIC" + (f" except {_join(real)} (REAL)"
                                              if real else "") + ".")
    return text


def _glance_caption(caption: str) -> str:
    """The scorecard's caption for page one's table."""
    m = re.search(r"reporting period \(([^)]*)\).*?over up to (\d+) months", caption)
    if not m:
        return "Indicators at a glance (by objective: Appendix A). " + caption
    return (f"Indicators at a glance: {m.group(1)} against the same months a year earlier; "
            f"variation and assurance over up to {m.group(2)} months (by objective: "
            "Appendix A).")


def _background(w: _Writer, params: ReportParams, public: bool = False) -> None:
    w.heading("Background")
    w.para(
        "In exercising the powers conferred under the Police Reform and Social Responsibility "
        "Act 2011, the Policing Protocol Order 2011 sets out the Commissioner's duty to "
        "\u201cprovide the local link between the police and communities, working to translate "
        "the legitimate desires and aspirations of the public into action\u201d. Engagement is "
        "how the Commissioner learns those desires and aspirations, and how the public see "
        "them acted upon."
    )
    w.para(
        "The value of engagement is hard to measure: trust, reassurance or a concern heard "
        "show in no dataset, and where an outcome moves, engagement is seldom its only cause. "
        "This paper therefore reports what can be counted (the service the public receive, "
        "the contact they make, the activity and the money spent) as evidence about "
        "engagement, not as its value."
    )
    w.para(
        "The Commissioner's engagement takes five forms: listening, responding, consulting, "
        "collaborating and empowering. This paper evaluates each, then each measure in turn. "
        "Each chapter opens with its key findings and one chart; the rest of the evidence "
        "behind them is in Appendix B. Every figure is computed from the data listed in the "
        f"{'Board' + chr(39) + 's pack' if public else 'provenance appendix'}, and the "
        "sentences are written from the results by rules."
    )
    if params.synthetic_data:
        w.para(SYNTHETIC_WARNING)


def _engagement_chapters(w: _Writer, measure_records: list[SectionRecord], notes: _Notes,
                         evidence: list[_Evidence]) -> None:
    """One chapter per kind of engagement: what it is, its findings, and where its evidence
    and outcomes are (Appendix B and the measure chapters, numbered as they will be
    printed)."""
    part_blocks = {
        part: [b for r in measure_records if not r.failed_reason for b in r.blocks
               if b.part == part]
        for part in ENGAGEMENT_PARTS
    }
    parts_present = [p for p in ENGAGEMENT_PARTS if part_blocks[p]]
    chapter_of: dict[str, str] = {}
    number = w.section + len(parts_present) + 1
    for record in measure_records:
        if record.failed_reason or _has_body(record):
            chapter_of[record.section_id] = f"section {number} ({record.title})"
            number += 1
    for part in parts_present:
        w.heading(part)
        w.para(PART_INTROS[part])
        lead = [b for b in part_blocks[part] if isinstance(b, Finding)]
        lead += _top_up(part_blocks[part], len(lead))
        for b in lead:
            if w.v.shows(b):
                w.para(b.text)
        if part == "Responding" and notes.responding():
            w.sub("You said, we did" + notes.label())
            w.table_block(notes.responding())
        rest = [b for b in part_blocks[part] if b not in lead]
        refs = [chapter_of[s] for s in PART_MEASURES.get(part, ()) if s in chapter_of]
        where = []
        if rest:
            evidence.append(_Evidence(part, [], rest))
            where.append(f"the evidence of this chapter is in Appendix B{len(evidence)}")
        if refs:
            where.append("evidence of the outcomes is reported in " + _join(refs))
        if where:
            text = "; ".join(where)
            w.para(text[:1].upper() + text[1:] + ".")


MIN_CHAPTER_FINDINGS = 2


def _top_up(blocks: list[Block], have: int) -> list[Block]:
    """The paragraphs that bring a chapter's opening up to two findings when it has fewer:
    its first ones, before any sub-heading (the long-run context comes under one)."""
    out: list[Block] = []
    for b in blocks:
        if have + len(out) >= MIN_CHAPTER_FINDINGS or isinstance(b, Heading):
            break
        if type(b) is Paragraph and not b.outside:
            out.append(b)
    return out


def _measure_chapters(w: _Writer, measure_records: list[SectionRecord],
                      registry_figures: dict[str, list[tuple[str | None, str]]],
                      notes: _Notes, evidence: list[_Evidence], priority: dict[str, int]
                      ) -> None:
    """One chapter per measure section: its two or three key findings (its indicators as the
    registry holds them, most important first, then its own findings), the analyst's
    commentary and its headline chart; the rest of its evidence goes to Appendix B."""
    for record in measure_records:
        if record.failed_reason:
            w.heading(record.title)
            w.box("not-available",
                  f"**Not available:** this section failed to run: {record.failed_reason}")
            continue
        if not _has_body(record):
            continue
        w.heading(record.title)
        ranked = sorted(registry_figures.get(record.section_id, []),
                        key=lambda f: priority.get(str(f[0]), 2))
        opening = [text for _, text in ranked]
        opening += [b.text for b in record.blocks if isinstance(b, Finding) and not b.part
                    and not b.outside and w.v.shows(b)]
        for text in opening[:MAX_CHAPTER_FINDINGS]:
            w.para(text)
        if notes.section(record.section_id):
            w.box("commentary", "**Commentary" + notes.label() + ".** "
                  + " ".join(notes.section(record.section_id)))
        own = [b for b in record.blocks if not b.part and not isinstance(b, Finding)]
        lead = _top_up(own, len(opening))
        for b in lead:
            if w.v.shows(b):
                w.para(b.text)
        own = [b for b in own if b not in lead]
        headline = next((b for b in own if isinstance(b, Figure) and not b.restricted
                         and not b.outside
                         and b.name == HEADLINE_FIGURES.get(record.section_id)), None)
        if headline is not None:
            w.figure_block(headline, HEADLINE_FIGURE_WIDTH)
        rest = [b for b in own if b is not headline]
        if rest or opening[MAX_CHAPTER_FINDINGS:]:
            evidence.append(_Evidence(record.title, opening[MAX_CHAPTER_FINDINGS:], rest))
            w.para(f"The evidence behind these findings is in Appendix B{len(evidence)}.")


def _conclusion(w: _Writer, records: list[SectionRecord], notes: _Notes) -> None:
    w.heading("Conclusion")
    for b in (b for r in records for b in r.blocks if isinstance(b, Conclusion)):
        if w.v.shows(b):
            w.para(b.text)
    if notes.evidence():
        w.sub("Independent evidence" + notes.label())
        for text in notes.evidence():
            w.para(text)
    n_ok = sum(r.failed_reason is None for r in records)
    n_asks = len(notes.asks(records))
    agree = (f", and to agree the {n_asks} asks of section 2" if n_asks > 1 else
             ", and to agree the ask of section 2" if n_asks else "")
    asked = (f"The Board was asked to note the key messages of section 3{agree}; the Panel is "
             "asked to note this report." if w.v.public else
             f"The Board is asked to note the key messages of section 3{agree}.")
    ran = (f"All {n_ok} sections of the evaluation ran for the period." if n_ok == len(records)
           else f"{n_ok} of the {len(records)} sections of the evaluation ran for the period; "
                "page one names those missing.")
    w.para(f"{ran} {asked}")


def _appendices(w: _Writer, params: ReportParams, records: list[SectionRecord],
                provenance: list[str], input_warnings: list[str] | None,
                evidence: list[_Evidence]) -> None:
    """The scorecard in full, the evidence by chapter, public contact figures, published
    figures, data quality, methods, supporting tables and provenance."""
    w.appendix("A", "The objectives scorecard in full")
    scorecard = {r.section_id: r for r in records}.get(SUMMARY_SECTION)
    if scorecard is None or scorecard.failed_reason:
        w.box("not-available", "**Not available:** "
              + (scorecard.failed_reason if scorecard else "the scorecard did not run"))
    else:
        _emit(w, [b for b in scorecard.blocks if not isinstance(b, Finding)
                  and not (isinstance(b, Table) and b.name == "scorecard_board")])

    w.appendix("B", "The evidence by chapter")
    w.out.append("Each chapter's tables, charts and the rest of its findings, in the order of "
                 "the chapters.\n")
    for n, item in enumerate(evidence, start=1):
        w.sub(f"B{n}. {item.title}")
        w.prefix, w.paragraph = f"B{n}", 0  # its paragraphs are B3.1, B3.2, ...
        for text in item.opening:
            w.para(text)
        _emit(w, item.blocks, level=3)

    w.appendix("C", "Public contact figures")
    appendix = _find_table(records, *APPENDIX_TABLE)
    if appendix is not None:
        w.out.append("Online reports and web chats by quarter, as in Appendix 1 of the letter "
                     "to the Police and Crime Panel of 22 January 2019, with totals and changes "
                     "recomputed from the counts.\n")
        w.table_block(appendix)
    else:
        w.out.append("The public contact section did not produce its table.\n")

    _published_appendix(w, params, records)

    w.appendix("E", "Data quality")
    notes: dict[str, list[str]] = {}  # each remark once, with every section that met it
    for text in input_warnings or []:
        notes.setdefault(text, ["Checks before the run"])
    for b in (b for r in records for b in r.blocks if isinstance(b, Quality)):
        sections = notes.setdefault(b.text, [])
        if b.section not in sections:
            sections.append(b.section)
    if notes:
        grouped = group_quality(notes)
        if any(n > 1 for _, _, n in grouped):
            w.out.append("Remarks the loaders made about many files of one dataset are added up "
                         "here; each file's rows are in its section's record "
                         "(sections/<section>.json) and in the section's HTML.\n")
        w.out.extend(f"- *{_join(sections)}*: {text}\n" for text, sections, _ in grouped)
    else:
        w.out.append("No data-quality warnings were raised by the loaders or the sections.\n")

    w.appendix("F", "Methods")
    w.out.extend(f"- {text}\n" for text in METHODS)
    w.out.append(f"- Disclosure threshold for this paper: {w.v.threshold}"
                 + (f" (the public version's; the Board's paper uses "
                    f"{params.disclosure_threshold}).\n" if w.v.public else ".\n"))
    if w.v.public:
        w.out.append(f"- Left out of this public version: {LEFT_OUT_WORDS} (what the "
                     "sections, the indicator framework or the commentary mark restricted, and "
                     f"sentences that quote a count below {w.v.threshold}).\n")

    w.appendix("G", "Supporting tables")
    if w.v.public:
        w.out.append("The tables too wide or too long to print here are in the Board's pack; "
                     "they are not published with this version.\n")
    elif w.supporting:
        w.out.append("These tables are too wide or too long to print legibly here. Each is in "
                     "the pack's tables/ folder as CSV and in the section's HTML export.\n")
        w.out.extend(f"- {b.caption}: `{b.csv}`\n" for b in w.supporting)
    else:
        w.out.append("Every table of the evaluation is printed above.\n")

    w.appendix("H", "Provenance")
    if w.v.public:
        w.out.append("The Board's pack records every input, every output and the code that "
                     "made this paper, so that it can be checked; the data sources and their "
                     "licences are listed in the data folders' README files of the package.\n")
    else:
        w.out.extend(f"- {line}\n" for line in provenance)


PUBLISHED_COLUMNS = ["Published figure", "Source", "As published", "In the data", "Which data",
                     "Verdict"]


def _source_order(source: str) -> tuple[int, tuple[int, ...], str]:
    """The 2016 paper's paragraphs in order (7.9 before 10.2), then the 2019 letter's."""
    document, _, where = source.partition(" paper ") if " paper " in source else \
        ("letter", "", source)
    numbers = tuple(int(n) for n in re.findall(r"\d+", where)) if document != "letter" else ()
    return (0 if document != "letter" else 1, numbers, source)


def published_rows(records: list[SectionRecord]) -> list[list[str]]:
    """Every section's checks of published figures (tables recorded with
    ``annex="published"``), as one list of rows in the order of the source papers."""
    rows = []
    for block in (b for r in records for b in r.blocks
                  if isinstance(b, Table) and b.annex == "published"):
        index = [block.columns.index(c) for c in PUBLISHED_COLUMNS]
        rows += [[row[i] for i in index] for row in block.rows]
    return sorted(rows, key=lambda r: _source_order(r[1]))


def _published_appendix(w: _Writer, params: ReportParams, records: list[SectionRecord]) -> None:
    """Appendix D: each figure of the source papers against the data for the window it
    states, in one table; on synthetic data a calibration check of the sample."""
    title = ("Published figures against the data: a calibration check of the synthetic sample"
             if params.synthetic_data else "Published figures against the data: reconciliation")
    w.appendix("D", title)
    rows = published_rows(records)
    if not rows:
        w.out.append("No section checked a published figure.\n")
        return
    verdicts = [r[-1] for r in rows]
    n_ok, n_none = verdicts.count("consistent"), verdicts.count("not in the data")
    n_bad = len(rows) - n_ok - n_none
    if params.synthetic_data:
        w.out.append(
            "The synthetic sample force was built to resemble the figures published in the "
            "2016 board paper and the 2019 letter to the Police and Crime Panel, so setting "
            "them beside the sample checks the sample, not the force: this table is not "
            "evidence about performance. On a real force's data the same table reconciles the "
            "data with what was published.\n")
    text = (f"Of {len(rows)} figures, {n_ok} are consistent with the data for the window the "
            f"source states")
    if n_bad:
        bad = [f"{r[0]} ({r[1]}: published {r[2]}, {r[3]} in the data)"
               for r in rows if r[-1] not in ("consistent", "not in the data")]
        text += f"; {n_bad} {'is' if n_bad == 1 else 'are'} not: " + "; ".join(bad)
    if n_none:
        text += (f"; {n_none} cannot be checked because no dataset of the pack holds them "
                 "(the reason is given in the table)")
    w.out.append(text + ". \u201cOver\u201d needs the data above the figure, \u201caround"
                 "\u201d within 5% of it, and an exact figure must match once the data are "
                 "rounded as the source rounds.\n")
    w.table_block(Table(name="published_figures", caption=title.split(": ")[0] + ", by "
                        "source and paragraph", columns=PUBLISHED_COLUMNS, rows=rows,
                        csv="tables/*__published*.csv"))


_FILE_NOTE = re.compile(r"^(?P<file>[^,\s]+), row \d+, column '(?P<column>[^']+)': "
                        r"(?P<n>\d[\d,]*) row\(s\) (?P<what>.*?)(?: \(rows [^)]*\))?$")


def group_quality(notes: dict[str, list[str]]) -> list[tuple[str, list[str], int]]:
    """(text, sections, files) for the data-quality appendix: a loader's remark about the
    same column of many files (police.uk's twelve monthly files, say) becomes one line with
    the rows added up; examples that differ by file ("e.g. ...") are left out of it.

    >>> group_quality({"2024-01-x-street.csv, row 5, column 'Location': 2 row(s) have no "
    ...                "location (rows 5, 6)": ["Crime"],
    ...                "2024-02-x-street.csv, row 9, column 'Location': 3 row(s) have no "
    ...                "location (rows 9, 10, 11)": ["Crime"]})[0][0][:60]
    "column 'Location': 5 rows in 2 files (2024-01-x-street.csv t"
    """
    groups: dict[tuple[str, str, tuple[str, ...]], list[tuple[str, int]]] = {}
    other: list[tuple[str, list[str], int]] = []
    for text, sections in notes.items():
        m = _FILE_NOTE.match(text)
        if not m:
            other.append((text, sections, 1))
            continue
        what = re.sub(r" \(e\.g\. [^)]*\)", "", m.group("what"))
        key = (m.group("column"), what, tuple(sections))
        groups.setdefault(key, []).append((m.group("file"), int(m.group("n").replace(",", ""))))
    out = list(other)
    for (column, what, sections), files in groups.items():
        if len(files) == 1:
            out.append((f"{files[0][0]}, column '{column}': {files[0][1]:,} row(s) {what}",
                        list(sections), 1))
            continue
        names = sorted(f for f, _ in files)
        total = sum(n for _, n in files)
        out.append((f"column '{column}': {total:,} rows in {len(files)} files ({names[0]} to "
                    f"{names[-1]}) {what}", list(sections), len(files)))
    return out


def _count(cell: str) -> int | None:
    text = str(cell).replace(",", "").strip()
    return int(text) if re.fullmatch(r"\d+", text) else None


def disclosure_problems(records: list[SectionRecord], threshold: int,
                        registry: pd.DataFrame | None = None) -> list[str]:
    """What the public version would print below its threshold: every cell of a count column
    of a table it shows, and every count a sentence it keeps declares. Empty when the public
    version is safe to publish (the run refuses to write it otherwise)."""
    v = Version(True, threshold)
    problems = []
    for r in records:
        for b in r.blocks:
            if not v.shows(b):
                continue
            if isinstance(b, Table) and b.count_columns:
                shown = v.table(b)
                cols = [shown.columns.index(c) for c in b.count_columns if c in shown.columns]
                for n, row in enumerate(shown.rows, start=1):
                    for i in cols:
                        value = _count(row[i])
                        if value is not None and 1 <= value < threshold:
                            problems.append(f"{r.section_id}, table '{b.name}', row {n}, column "
                                            f"'{shown.columns[i]}': {value} (below {threshold})")
    return problems

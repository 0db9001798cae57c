"""What a section notebook shows, recorded so the board paper can be assembled from it.

A notebook creates one :class:`SectionWriter` and calls ``paragraph``, ``finding``, ``table``
and ``figure``. Each call displays its block in the notebook (so the analyst sees it in
JupyterLab) and, when the batch run gives an ``output_dir``, records it: the data behind
every table and chart goes to ``tables/<section>__<name>.csv``, every chart to
``figures/<section>__<name>.png``, and the ordered blocks to ``sections/<section>.json``,
from which :mod:`evaluation.report.paper` writes the paper.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from evaluation.data import read_log
from evaluation.methods.disclosure import SUPPRESSED, suppress
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
)
from evaluation.report.charts import Chart
from evaluation.report.formatting import Formatter, fmt_value

log = logging.getLogger(__name__)
SYNTHETIC_CHART_LABEL = "SYNTHETIC SAMPLE — NOT REAL DATA"



def _display(obj: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return
    display(obj)


def _html(text: str) -> Any:
    from IPython.display import HTML

    return HTML(text)


def _markdown(text: str) -> Any:
    from IPython.display import Markdown

    return Markdown(text)


def format_table(df: pd.DataFrame, formats: Mapping[str, Formatter] | None = None) -> pd.DataFrame:
    """Apply a formatter per column (others as text); missing values shown as '–'."""
    formats = dict(formats or {})
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        fmt = formats.get(col)
        if fmt is not None:
            out[col] = [v if isinstance(v, str) and v == SUPPRESSED else fmt(v)
                        for v in df[col]]
        else:
            out[col] = ["–" if pd.isna(v) else str(v) for v in df[col]]
    return out


def _holds_proportion(values: pd.Series, fmt: Formatter) -> bool:
    """Does the column hold proportions (0.865) that the paper prints as percentages (86.5%,
    or a difference as 4.3 pp)? Told by the formatter: it shows each value times 100."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if numbers.empty or (numbers == 0).all():
        return False
    for v in numbers.loc[numbers != 0].head(5):
        text = str(fmt(v)).strip()
        unit = next((u for u in ("%", " pp", " percentage points") if text.endswith(u)), None)
        if unit is None:
            return False
        try:
            shown = float(text.removesuffix(unit).replace(",", "").replace("\u2212", "-"))
        except ValueError:
            return False
        if abs(shown - 100 * float(v)) > 0.51:
            return False
    return True


def proportion_names(data: pd.DataFrame, formats: Mapping[str, Formatter] | None
                     ) -> dict[str, str]:
    """CSV column names for the columns that hold proportions the paper prints as
    percentages, so a CSV never calls 0.865 a percentage: 'Satisfied (%)' → 'Satisfied
    (proportion)', 'Within target (% of answered)' → 'Within target (proportion of
    answered)', 'Lower 95% limit' → 'Lower 95% limit (proportion)'.

    >>> from evaluation.report.formatting import fmt_pct
    >>> proportion_names(pd.DataFrame({"Satisfied (%)": [0.865], "Lower 95% limit": [0.8],
    ...                                "Count": [3]}),
    ...                  {"Satisfied (%)": fmt_pct, "Lower 95% limit": fmt_pct})
    {'Satisfied (%)': 'Satisfied (proportion)', 'Lower 95% limit': 'Lower 95% limit (proportion)'}
    """
    out = {}
    for col, fmt in (formats or {}).items():
        if col not in data.columns or not _holds_proportion(data[col], fmt):
            continue
        name = str(col)
        out[col] = (name.replace("(%)", "(proportion)") if "(%)" in name else
                    name.replace("(% of ", "(proportion of ") if "(% of " in name else
                    f"{name} (proportion)")
    return out


@dataclass
class SectionWriter:
    """Collects a section's blocks, shows them, and writes them when ``output_dir`` is set."""

    section_id: str
    title: str
    output_dir: str | Path | None = None
    synthetic_data: bool = False
    disclosure_threshold: int = 10
    public_disclosure_threshold: int | None = None
    blocks: list[Block] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._root = Path(self.output_dir) if self.output_dir else None
        self._part: str | None = None
        self._outside: str | None = None
        read_log.start()  # note the files read from here on (the batch run starts at import)
        if self._root is not None:
            for sub in ("tables", "figures", "sections"):
                (self._root / sub).mkdir(parents=True, exist_ok=True)
        if self.synthetic_data:
            self.note(
                "This section uses the SYNTHETIC sample force where it shows call, survey, "
                "grant or engagement records; published figures from the source papers are "
                "labelled with their paper and paragraph."
            )

    def _add(self, block: Block) -> None:
        if self._part is not None:
            block = dataclasses.replace(block, part=self._part)
        if self._outside is not None:
            block = dataclasses.replace(block, outside=self._outside)
        self.blocks.append(block)

    def outside_paper(self, reason: str | None) -> None:
        """Keep the following blocks in this section (its HTML, for analysts) but out of the
        paper, which says ``reason`` once instead (e.g. the data are from after the paper's
        date); ``None`` returns to normal."""
        self._outside = reason
        if reason:
            _display(_markdown(f"*Not in the paper:* {reason}"))

    # -- text -------------------------------------------------------------------------
    def part(self, name: str | None) -> None:
        """Place the following blocks in a chapter of the paper named for a kind of
        engagement ("Listening", "Responding", "Consulting", "Collaborating", "Empowering");
        ``None`` returns to this section's own chapter."""
        from evaluation.report.paper import ENGAGEMENT_PARTS

        if name is not None and name not in ENGAGEMENT_PARTS:
            raise ValueError(f"part must be one of {ENGAGEMENT_PARTS}, got {name!r}")
        self._part = name
        if name:
            _display(_markdown(f"## {name}"))

    def heading(self, text: str) -> None:
        """A sub-heading within the section."""
        self._add(Heading(text))
        _display(_markdown(f"## {text}"))

    def paragraph(self, text: str, counts: Sequence[int] = (), restricted: bool = False
                  ) -> None:
        """A numbered paragraph of the paper (plain English, written from results).

        ``counts``: the counts of people or cases the sentence quotes (the public version
        leaves it out when one is below its threshold); ``restricted``: the public version
        leaves it out."""
        self._add(Paragraph(text, [int(c) for c in counts], restricted=restricted))
        _display(_markdown(text))

    def finding(self, text: str, table: str | None = None, in_period: bool = True,
                chapter: str | None = None, indicator: str | None = None,
                counts: Sequence[int] = ()) -> None:
        """A key finding: shown here and opening its chapter of the paper (the scorecard's
        findings are the paper's key messages).

        ``table`` names the table whose numbers the sentence quotes. ``chapter`` places it
        at the head of another section's chapter (the scorecard writes each chapter's
        indicators from the registry). A finding about data outside the reporting period
        (``in_period=False``, e.g. the latest public data end before the period starts) is
        kept as a plain paragraph of the chapter. ``indicator`` names the registry's
        indicator whose figures the sentence quotes.
        """
        if not in_period:
            self.paragraph(text, counts)
            return
        self._add(Finding(text, table, chapter=chapter, indicator=indicator,
                          counts=[int(c) for c in counts]))
        _display(_markdown(f"**Finding.** {text}"))

    def recommendation(self, text: str, indicator: str | None = None,
                       table: str | None = "indicators", owner: str | None = None,
                       subject: str | None = None) -> None:
        """An ask for the paper's Recommendation section (chosen by rule; see
        :func:`evaluation.report.chapters.scorecard.recommendations`). With ``owner`` and
        ``subject`` the paper lists the subjects of one owner under one ask."""
        self._add(Recommendation(text, indicator, table, owner, subject))
        _display(_markdown(f"**Recommendation.** The Board is recommended to {text}"))

    def note(self, text: str) -> None:
        """A boxed note (caveat, data-quality remark)."""
        self._add(Note(text))
        _display(_html(f'<div class="note" role="note"><strong>Note.</strong> '
                       f"{html.escape(text)}</div>"))

    # -- tables and figures -----------------------------------------------------------
    def table(
        self,
        df: pd.DataFrame,
        name: str,
        caption: str,
        formats: Mapping[str, Formatter] | None = None,
        data: pd.DataFrame | None = None,
        appendix: bool = False,
        counts: Sequence[str] = (),
        rates: Mapping[str, Sequence[str]] | None = None,
        total_row: int | None = None,
        total_column: str | None = None,
        paper: bool | None = None,
        annex: str | None = None,
        restricted: bool = False,
    ) -> None:
        """Show ``df`` formatted; write the unformatted data (``data`` or ``df``) to CSV.

        ``counts`` names columns that count people or cases: small numbers in them (and the
        ``rates`` computed from them) are suppressed in both the shown table and the CSV, as
        in :func:`evaluation.methods.disclosure.suppress`. With ``counts``, ``data`` must have the
        same columns as ``df``. ``paper``: True prints the table in the board paper even when
        it is wide, False never prints it there, None (default) prints it when it fits a page.
        ``annex="published"`` sends it to the paper's published-figures appendix instead.
        With counts, the rows suppressed at the public version's stricter threshold are kept
        too; ``restricted`` leaves the table out of the public version.
        """
        footnote = None
        public_rows, public_footnote = None, None
        if counts:
            kwargs = {"count_columns": list(counts), "rate_columns": rates,
                      "threshold": self.disclosure_threshold, "total_row": total_row,
                      "total_column": total_column}
            if self.public_disclosure_threshold is not None:
                public = suppress(df, **{**kwargs, "threshold": self.public_disclosure_threshold})
                public_rows = format_table(public.table.reset_index(drop=True), formats
                                           ).astype(str).values.tolist()
                public_footnote = public.footnote if public.any else None
            result = suppress(df, **kwargs)
            df = result.table
            data = suppress(data, **kwargs).table if data is not None else None
            if result.any:
                footnote = result.footnote
        shown = format_table(df.reset_index(drop=True), formats)
        csv_name = f"{self.section_id}__{name}.csv"
        if self._root is not None:
            raw = data if data is not None else df
            raw.rename(columns=proportion_names(raw, formats)).to_csv(
                self._root / "tables" / csv_name, index=False)
        self._add(Table(
            name=name, caption=caption, columns=[str(c) for c in shown.columns],
            rows=shown.astype(str).values.tolist(), csv=f"tables/{csv_name}", appendix=appendix,
            count_columns=[str(c) for c in counts], footnote=footnote, paper=paper,
            annex=annex, public_rows=public_rows, public_footnote=public_footnote,
            restricted=restricted,
        ))
        _display(_html(
            f"<p><strong>{html.escape(caption)}</strong></p>"
            + shown.to_html(index=False, escape=True, border=0, classes="board-table")
            + (f"<p><small>{html.escape(footnote)}</small></p>" if footnote else "")
        ))

    def published_figures(self, checks: pd.DataFrame, name: str = "published_figures",
                          what: str = "Figures of the source papers") -> None:
        """Record checks of published figures (rows of
        :func:`evaluation.measures.engagement.check_published`) for the paper's one
        published-figures appendix, not for the chapter: they describe the windows the
        source papers state, not the reporting period. On synthetic data the caption says it
        is a calibration check of the sample."""
        label = (" (a calibration check of the synthetic sample, not evidence about the force)"
                 if self.synthetic_data else " (a reconciliation with what was published)")
        shown = checks.drop(columns=["figure_id"], errors="ignore")
        self.table(shown, name, f"{what} against the data for the windows they state{label}",
                   formats={"In the data": fmt_value}, data=checks, annex="published")

    def figure(self, chart: Chart, name: str, caption: str, data: pd.DataFrame | None = None,
               published: bool = False) -> None:
        """Show a chart with its alt text; save the PNG and the data behind it. A chart of
        synthetic data says so on the chart (bottom right) and at the end of its alt text;
        ``published=True`` marks a chart of figures quoted from a source paper, which is not
        synthetic even in a synthetic section."""
        alt = chart.alt_text
        if chart.caption_note and chart.caption_note not in caption:
            caption = f"{caption.rstrip()} {chart.caption_note}"
        if self.synthetic_data and not published:
            chart.figure.text(0.995, 0.003, SYNTHETIC_CHART_LABEL, ha="right", va="bottom",
                              fontsize=7, color="#b00020", fontweight="bold")
            alt = f"{alt.rstrip()} ({SYNTHETIC_CHART_LABEL}.)"
        png = chart._repr_png_()
        png_name = f"{self.section_id}__{name}.png"
        csv = None
        if self._root is not None:
            (self._root / "figures" / png_name).write_bytes(png)
            if data is not None:
                csv_name = f"{self.section_id}__{name}_data.csv"
                data.to_csv(self._root / "tables" / csv_name, index=False)
                csv = f"tables/{csv_name}"
        self._add(Figure(name=name, title=chart.title, caption=caption, alt=alt,
                         png=f"figures/{png_name}", csv=csv))
        plt.close(chart.figure)
        b64 = base64.b64encode(png).decode("ascii")
        _display(_html(
            f'<figure><img src="data:image/png;base64,{b64}" alt="{html.escape(alt)}"'
            f' style="max-width:100%"/><figcaption>{html.escape(caption)}</figcaption></figure>'
        ))

    def conclusion(self, text: str) -> None:
        """A sentence for the paper's Conclusion (e.g. the scorecard's overall verdict)."""
        self.blocks.append(Conclusion(text))
        _display(_markdown(f"**Conclusion.** {text}"))

    def data_quality(self, text: str) -> None:
        """A data-quality remark for the paper's data-quality appendix."""
        self.blocks.append(Quality(self.title, text))
        _display(_markdown(f"*Data quality:* {text}"))

    def _record_loader_warnings(self) -> None:
        """Every data-quality warning the loaders raised for this section, as quality remarks
        (all of them: a warning that bears on a published figure is never cut off)."""
        for text in read_log.warnings_noted():
            self.blocks.append(Quality(self.title, text))

    # -- output -----------------------------------------------------------------------
    def close(self) -> Path | None:
        """Write ``sections/<section_id>.json``; call once at the end of the notebook."""
        self._record_loader_warnings()
        if self._root is None:
            return None
        path = self._root / "sections" / f"{self.section_id}.json"
        payload = {"section_id": self.section_id, "title": self.title,
                   "blocks": [b.to_dict() for b in self.blocks],
                   "inputs": read_log.files_read()}
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
        tmp.replace(path)
        log.info("wrote %s (%d blocks)", path, len(self.blocks))
        return path

"""House style for every chart: colour-blind-safe palette, titles, labelled axes, alt text.

Every chart function returns a :class:`Chart`, which carries the figure together with the
alt text written from the data, so that notebooks and the board paper never show a chart
without a description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#7F7F7F",
}
PALETTE: list[str] = [
    OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky_blue", "black")
]
# Making Data Count colours for SPC variation.
VARIATION_COLOURS: dict[str, str] = {
    "improvement": OKABE_ITO["blue"],
    "concern": OKABE_ITO["orange"],
    "common cause": OKABE_ITO["grey"],
    "neutral": OKABE_ITO["purple"],
}


@dataclass
class Chart:
    """A figure with the words a screen-reader user and a reviewer need."""

    figure: Figure
    title: str
    alt_text: str

    def _repr_png_(self) -> bytes:  # lets a notebook cell display a Chart directly
        from io import BytesIO

        buf = BytesIO()
        self.figure.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        return buf.getvalue()

    def save(self, path: str, dpi: int = 150) -> None:
        """Write the figure as PNG (or SVG by extension)."""
        self.figure.savefig(path, dpi=dpi, bbox_inches="tight")


def apply_house_style() -> None:
    """Set seaborn/matplotlib defaults used by every chart in a board pack."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=1.0)
    plt.rcParams.update(
        {
            "figure.figsize": (8.0, 4.2),
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "figure.dpi": 110,
        }
    )


def finish_axes(ax: plt.Axes, title: str, xlabel: str, ylabel: str) -> None:
    """Give an axes its title and axis labels (with units), as every chart must have."""
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def thousands(x: float, _pos: int | None = None) -> str:
    """Axis tick formatter: 12,345."""
    return f"{x:,.0f}"


def percent(x: float, _pos: int | None = None) -> str:
    """Axis tick formatter for proportions held as 0–1: 85%."""
    return f"{x:.0%}"


def line_chart(
    data: pd.DataFrame,
    x: str,
    y: str,
    hue: str | None,
    title: str,
    xlabel: str,
    ylabel: str,
    alt_text: str,
    y_format: str = "thousands",
    hue_order: Sequence[str] | None = None,
) -> Chart:
    """A house-style line chart of ``y`` against ``x``, one line per ``hue`` level."""
    apply_house_style()
    fig, ax = plt.subplots()
    sns.lineplot(
        data=data, x=x, y=y, hue=hue, hue_order=hue_order, style=hue, markers=True,
        dashes=False, ax=ax, palette=PALETTE[: data[hue].nunique()] if hue else None,
    )
    finish_axes(ax, title, xlabel, ylabel)
    ax.yaxis.set_major_formatter(percent if y_format == "percent" else thousands)
    if hue:
        ax.legend(title=None, loc="upper left")
    fig.autofmt_xdate()
    fig.tight_layout()
    return Chart(figure=fig, title=title, alt_text=alt_text)

"""SPC and funnel charts: Making Data Count look, icons with words, alt text from the data."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from evaluation.methods.spc import xmr
from evaluation.report.charts import (
    VARIATION_COLOURS,
    Chart,
    assurance_icon,
    funnel_chart,
    icon_figure,
    spc_chart,
    variation_icon,
)

matplotlib.use("Agg")

VALUES = [89, 86, 75, 77, 81, 74, 72, 78, 76, 82, 77, 54, 66, 77, 86]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_spc_alt_text_is_written_from_the_result():
    chart = spc_chart(xmr(VALUES), "Confidence", "Month", "Confident (%)")
    assert isinstance(chart, Chart)
    text = chart.alt_text
    assert "15 monthly points" in text
    assert "mean 76.7" in text
    assert "process limits 57.1 to 96.2" in text
    assert "the latest point (month 15, 86.0) shows common cause variation" in text
    assert "one point below the lower process limit (month 12)" in text
    assert "values from 54.0 (month 12) to 89.0 (month 1)" in text


def test_spc_alt_text_names_dates_and_target_assurance():
    idx = pd.date_range("2023-04-01", periods=15, freq="MS")
    result = xmr(pd.Series(VALUES, index=idx), target=50)
    text = spc_chart(result, "Confidence", "Month", "Confident (%)").alt_text
    assert "(Mar 2024)" in text
    assert "target 50.0: consistently passes the target" in text


def test_spc_chart_has_title_axis_labels_and_colours_points_by_variation():
    chart = spc_chart(xmr(VALUES), "Confidence", "Month", "Confident (%)")
    ax = chart.figure.axes[0]
    assert ax.get_title(loc="left") == "Confidence"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Month", "Confident (%)")
    colours = {
        to_hex(c.get_facecolor()[0]) for c in ax.collections if len(c.get_offsets())
    }
    assert to_hex(VARIATION_COLOURS["concern"]) in colours
    assert to_hex(VARIATION_COLOURS["common cause"]) in colours
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"Mean", "Process limits", "Concern", "Common cause"} <= set(legend)


def test_spc_chart_draws_the_target_line_when_given():
    chart = spc_chart(xmr(VALUES, target=80), "Confidence", "Month", "Confident (%)")
    legend = [t.get_text() for t in chart.figure.axes[0].get_legend().get_texts()]
    assert "Target" in legend


def test_spc_chart_scale_draws_and_describes_seconds_as_minutes():
    seconds = xmr([120.0, 180.0] * 6, target=240)  # mean 150 s = 2.5 min, target 4 min
    chart = spc_chart(seconds, "Wait", "Month", "Minutes", scale=60)
    ax = chart.figure.axes[0]
    mean_line = next(line for line in ax.get_lines() if line.get_label() == "Mean")
    assert np.allclose(mean_line.get_ydata(), 2.5)
    assert "mean 2.5" in chart.alt_text and "target 4.0" in chart.alt_text
    assert seconds.points["mean"].iloc[0] == 150  # the result itself is left in seconds


def test_variation_icon_says_the_variation_in_words_not_only_colour():
    high = xmr([10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 30])
    icon = variation_icon(high)
    assert icon.kind == "improvement"
    assert icon.letter == "H"
    assert "improvement" in icon.label and "higher" in icon.label
    low = variation_icon(xmr([10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, -10]))
    assert (low.kind, low.letter) == ("concern", "L")
    assert variation_icon(xmr(VALUES)).label == "Common cause variation"


@pytest.mark.parametrize(
    ("target", "kind", "letter"), [(50, "pass", "P"), (100, "fail", "F"), (80, "inconsistent", "?")]
)
def test_assurance_icon_has_letter_and_label(target, kind, letter):
    icon = assurance_icon(xmr(VALUES, target=target))
    assert (icon.kind, icon.letter) == (kind, letter)
    assert icon.label


def test_assurance_icon_is_none_without_target():
    assert assurance_icon(xmr(VALUES)) is None


def test_icon_figure_is_a_small_figure():
    fig = icon_figure(variation_icon(xmr(VALUES)))
    assert fig.get_size_inches().tolist() == [0.5, 0.5]


def _funnel_inputs():
    n = np.array([120, 180, 250, 300, 340, 410, 480, 520, 610, 700])
    x = np.round(n * np.array([0.6, 0.62, 0.61, 0.3, 0.63, 0.6, 0.9, 0.62, 0.61, 0.6]))
    return x, n


def test_funnel_chart_alt_text_names_units_outside_the_outer_limits():
    x, n = _funnel_inputs()
    names = [f"Force {c}" for c in "ABCDEFGHIJ"]
    chart = funnel_chart(x, n, 0.6, "Satisfaction", "Respondents", "Satisfied (%)", labels=names)
    assert "Funnel plot of 10 units" in chart.alt_text
    assert "one unit above the 99.8% limit (Force G)" in chart.alt_text
    assert "one unit below it (Force D)" in chart.alt_text
    ax = chart.figure.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Respondents", "Satisfied (%)")


def test_funnel_chart_colours_follow_the_improvement_direction():
    x, n = _funnel_inputs()
    chart = funnel_chart(x, n, 0.6, "S", "n", "%", improvement="decrease")
    ax = chart.figure.axes[0]
    above = [c for c in ax.collections if c.get_label() == "Above 99.8% limit"][0]
    assert to_hex(above.get_facecolor()[0]) == to_hex(VARIATION_COLOURS["concern"])


def test_funnel_chart_rings_and_names_the_highlighted_unit_and_labels_the_target():
    x, n = _funnel_inputs()
    names = [f"Force {c}" for c in "ABCDEFGHIJ"]
    chart = funnel_chart(x, n, 0.6, "S", "n", "%", labels=names, highlight="Force B",
                         target_label="England and Wales (60.0%)")
    ax = chart.figure.axes[0]
    ring = next(c for c in ax.collections if c.get_label() == "Force B")
    assert ring.get_offsets().tolist() == [[180.0, 112 / 180]]  # 180 x 0.62 rounds to 112
    assert "Force B" in [t.get_text() for t in ax.texts]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "England and Wales (60.0%)" in legend and "Target" not in legend
    assert "Force B is ringed (62.2% of 180)" in chart.alt_text


def test_funnel_chart_rejects_a_highlight_that_is_not_a_unit():
    x, n = _funnel_inputs()
    with pytest.raises(ValueError, match="highlight"):
        funnel_chart(x, n, 0.6, "S", "n", "%", labels=list("ABCDEFGHIJ"), highlight="Z")


def test_funnel_chart_legend_lists_only_the_bands_that_hold_units():
    n = np.array([100, 200, 400, 800])
    x = n * 0.5  # every unit on the target
    chart = funnel_chart(x, n, 0.5, "S", "n", "%")
    legend = [t.get_text() for t in chart.figure.axes[0].get_legend().get_texts()]
    assert "Within 99.8% limits" in legend
    assert "Above 99.8% limit" not in legend and "Below 99.8% limit" not in legend


def test_funnel_chart_log_axis_ticks_are_plain_round_numbers():
    x, n = _funnel_inputs()  # n from 120 to 700: the axis runs from 96 to 770
    chart = funnel_chart(x, n, 0.6, "S", "n", "%")
    ax = chart.figure.axes[0]
    chart.figure.canvas.draw()
    assert ax.get_xlim() == pytest.approx((96, 770))
    assert list(ax.get_xticks()) == [100.0, 200.0, 500.0]
    labels = [t.get_text() for t in ax.get_xticklabels(which="both") if t.get_text()]
    assert labels == ["100", "200", "500"]  # no minor-tick labels such as 2x10^2


def test_funnel_chart_rejects_mismatched_labels_and_bad_direction():
    x, n = _funnel_inputs()
    with pytest.raises(ValueError, match="labels"):
        funnel_chart(x, n, 0.6, "S", "n", "%", labels=["only one"])
    with pytest.raises(ValueError, match="improvement"):
        funnel_chart(x, n, 0.6, "S", "n", "%", improvement="up")

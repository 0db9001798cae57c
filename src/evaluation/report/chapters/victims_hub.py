"""Words, charts and display tables for the victims hub chapter of the paper.

The figures come from :mod:`evaluation.measures.victims_hub` (victims' Hub: the referral
funnel, stage conversion rates, monthly contact rate (XmR) and); this module only describes
them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from evaluation.measures.victims_hub import (
    CONVERSIONS,
    STAGE_LABELS,
    STAGES,
)
from evaluation.methods.spc import XmRResult
from evaluation.report import narrative
from evaluation.report.charts import PALETTE, Chart, apply_house_style, finish_axes, thousands
from evaluation.report.formatting import (
    Formatter,
    fmt_int,
    fmt_pct,
    fmt_pp,
)

# figure_id in data/seed/seed_figures.csv -> funnel column



AROUND_TOLERANCE = 0.05


def conversion_sentence(conversions: pd.DataFrame, period: str = "Reporting period",
                        confidence: float = 0.95) -> str:
    """Plain English on the contact and support rates for one period of ``conversion_table``."""
    rows = conversions.loc[conversions["Period"] == period].set_index("Conversion")
    if rows.empty:
        return f"There are no Victims' Hub figures for the {period.lower()}."
    contact = rows.loc[CONVERSIONS[0][2]]
    support = rows.loc[CONVERSIONS[1][2]]
    months = contact["Months"]
    if contact["Base"] == 0:
        return f"No victims were referred to the Victims' Hub in {months}."
    level = f"{confidence:.0%}"
    text = (
        f"From {months} the Victims' Hub received {fmt_int(contact['Base'])} referrals and "
        f"contacted {fmt_int(contact['Victims'])} of those victims "
        f"({fmt_pct(contact['Rate'])}; {level} confidence interval {fmt_pct(contact['Lower'])} "
        f"to {fmt_pct(contact['Upper'])})."
    )
    if support["Base"] > 0:
        text += (
            f" Of the victims contacted, {fmt_int(support['Victims'])} accepted support "
            f"({fmt_pct(support['Rate'])}; {level} confidence interval "
            f"{fmt_pct(support['Lower'])} to {fmt_pct(support['Upper'])})."
        )
    return text


def compare_periods_sentence(comparison: pd.DataFrame) -> str:
    """The reporting period's contact rate against the months just before it, with the
    month-by-month test (:func:`evaluation.measures.victims_hub.period_comparison`), worded
    by :func:`narrative.evidence_phrase`. Overlapping intervals are not a test, and the
    period is not compared with the record since launch that contains it."""
    if comparison.empty:
        return ("There are not enough months before the reporting period to compare its "
                "contact rate with.")
    r = comparison.iloc[0]
    diff = float(r["Rate"] - r["Previous rate"])
    size = fmt_pp(abs(diff)).lstrip("+")
    move = "the same as" if diff == 0 else f"{size} {'higher' if diff > 0 else 'lower'} than"
    return (f"The hub contacted {fmt_pct(r['Rate'])} of the victims referred in "
            f"{r['Period']}, {move} in {r['Previous period']} ({fmt_pct(r['Previous rate'])}): "
            + narrative.evidence_phrase(r["p-value"], float(r["Change (pp)"]) / 100,
                                        "increase", r["Test"]) + ".")


def funnel_chart(funnel: pd.DataFrame, period: str) -> Chart:
    """Horizontal bars of the funnel for one period of :func:`funnel_table`, each labelled
    with its count and its rate (of referrals, or of those contacted)."""
    f = funnel.loc[funnel["Period"] == period].set_index("Stage")
    if f.empty:
        raise ValueError(f"funnel_chart: no rows for period {period!r}")
    months = str(f["Months"].iloc[0])
    counts = {s: float(f.loc[STAGE_LABELS[s], "Victims"]) for s in STAGES}

    def share(num: str, base: str) -> float:
        return counts[num] / counts[base] if counts[base] > 0 else float("nan")

    labels = {
        "referred": f"{fmt_int(counts['referred'])}",
        "contacted": f"{fmt_int(counts['contacted'])} ({fmt_pct(share('contacted', 'referred'))}"
                     " of referred)",
        "not_contactable": f"{fmt_int(counts['not_contactable'])} "
                           f"({fmt_pct(share('not_contactable', 'referred'))} of referred)",
        "supported": f"{fmt_int(counts['supported'])} "
                     f"({fmt_pct(share('supported', 'contacted'))} of contacted)",
        "declined": f"{fmt_int(counts['declined'])} "
                    f"({fmt_pct(share('declined', 'contacted'))} of contacted)",
    }
    order = list(STAGES)
    apply_house_style()
    fig, ax = plt.subplots(figsize=(8.0, 3.6))
    colours = [PALETTE[0] if s in ("referred", "contacted", "supported") else PALETTE[1]
               for s in order]
    ypos = list(range(len(order)))[::-1]
    values = [counts[s] for s in order]
    ax.barh(ypos, values, color=colours)
    top = max(values) if max(values) > 0 else 1.0
    for y, v, s in zip(ypos, values, order, strict=True):
        ax.text(v + top * 0.01, y, labels[s], va="center", fontsize=9)
    ax.set_yticks(ypos, [STAGE_LABELS[s] for s in order])
    ax.set_xlim(0, top * 1.45)
    title = f"Victims' Hub referral funnel, {months}"
    finish_axes(ax, title, "Victims (count)", "")
    ax.xaxis.set_major_formatter(thousands)
    ax.grid(axis="y", visible=False)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=PALETTE[0], label="Moved on through the funnel"),
                       Patch(color=PALETTE[1], label="Left the funnel")],
              loc="lower right", fontsize=8)
    fig.tight_layout()
    alt = (
        f"Horizontal bar chart of the Victims' Hub funnel, {months}. "
        f"{fmt_int(counts['referred'])} victims were referred; {labels['contacted']} were "
        f"contacted and {labels['not_contactable']} could not be contacted after three "
        f"attempts; {labels['supported']} accepted support and {labels['declined']} declined it."
    )
    return Chart(figure=fig, title=title, alt_text=alt)


def xmr_sentence(result: XmRResult, measure: str = "monthly contact rate") -> str:
    """What the XmR chart of a rate held as 0–1 shows (:func:`narrative.xmr_sentence`)."""
    return narrative.xmr_sentence(result, f"The {measure}", fmt_pct)


def headline_finding(conversions: pd.DataFrame, period: str = "Reporting period") -> str:
    """The section's headline: referrals, contact rate and support rate in the period."""
    return conversion_sentence(conversions, period)


#: How each of the chapter's tables is printed: table name -> column -> format.
FORMATS: dict[str, dict[str, Formatter]] = {
    'hub_funnel': {
        'Victims': fmt_int,
        'Share of referrals': fmt_pct,
    },
    'hub_conversion': {
        'Victims': fmt_int,
        'Base': fmt_int,
        'Rate': fmt_pct,
        'Lower': fmt_pct,
        'Upper': fmt_pct,
        'Confidence level': fmt_pct,
    },
    'hub_contact_rate_xmr': {
        'Referred': fmt_int,
        'Contacted': fmt_int,
        'Contact rate': fmt_pct,
        'Mean': fmt_pct,
        'Lower process limit': fmt_pct,
        'Upper process limit': fmt_pct,
    },
}

"""Words, charts and display tables for the victims hub chapter of the paper.

The figures come from :mod:`evaluation.measures.victims_hub` (victims' Hub: the referral
funnel, stage conversion rates, monthly contact rate (XmR) and); this module only describes
them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from evaluation.data.published import published_verdict
from evaluation.measures.victims_hub import (
    CONVERSIONS,
    STAGE_LABELS,
    STAGES,
    select_months,
)
from evaluation.methods.periods import months_label
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
PUBLISHED_STAGES: dict[str, str] = {
    "hub_referrals": "referred",
    "hub_contacted": "contacted",
    "hub_not_contactable": "not_contactable",
    "hub_supported": "supported",
    "hub_declined": "declined",
}


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


def reconcile_published(hub: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Check the Victims' Hub figures of the 2016 paper (``hub_*`` rows of the seed figures)
    against the monthly data.

    Each figure is summed over the months from its ``period_start`` to the last whole month
    before its ``period_end`` (the paper's date). "over X" is supported when the data exceed
    X, "exact" when they equal it, "around" when within 5%.
    """
    rows = []
    for figure_id, column in PUBLISHED_STAGES.items():
        if figure_id not in figures.index:
            continue
        fig = figures.loc[figure_id]
        end = pd.Timestamp(fig["period_end"])
        last_month = end.to_period("M")
        if end != last_month.to_timestamp(how="end").normalize():
            last_month -= 1
        months = select_months(hub, fig["period_start"] or None, str(last_month))
        computed = float(months[column].sum())
        value, qualifier = float(fig["value"]), str(fig["qualifier"])
        ok = published_verdict(computed, value, qualifier,
                               tolerance=AROUND_TOLERANCE) == "consistent"
        rows.append({
            "Published figure": fig["measure"],
            "As published": f"{qualifier} {fmt_int(value)}" if qualifier != "exact"
            else fmt_int(value),
            "Published value": value,
            "Months": months_label(months),
            "In the data": computed,
            "Supported": "yes" if ok and not months.empty else "no",
            "Source": f"{fig['document']} paragraph {fig['paragraph']}",
        })
    return pd.DataFrame(rows)


def reconciliation_sentence(table: pd.DataFrame) -> str:
    """One sentence per published figure: does the data support it?"""
    if table.empty:
        return "The seed figures hold no Victims' Hub figures to reconcile."
    parts = [narrative.published_check(r["Published figure"], fmt_int(r["In the data"]),
                                       r["Months"], r["Supported"] == "yes",
                                       r["As published"])
             for _, r in table.iterrows()]
    n_ok = int((table["Supported"] == "yes").sum())
    head = narrative.published_summary(n_ok, len(table), "Victims' Hub figures")
    return head + " " + " ".join(parts)


def headline_finding(conversions: pd.DataFrame, period: str = "Reporting period") -> str:
    """The section's headline: referrals, contact rate and support rate in the period."""
    return conversion_sentence(conversions, period)


def reconciliation_finding(table: pd.DataFrame) -> str:
    """A short finding on the 2016 paper's referral figure and how many figures hold."""
    if table.empty:
        return "No published Victims' Hub figures were available to reconcile."
    ref = table.iloc[0]
    n_ok = int((table["Supported"] == "yes").sum())
    words = "all" if n_ok == len(table) else ("none" if n_ok == 0 else "only some")
    verdict = "supporting" if ref["Supported"] == "yes" else "which does not support"
    return (f"For {ref['Months']} the Victims' Hub data show {fmt_int(ref['In the data'])} "
            f"referrals, {verdict} the 2016 paper's \u201c{ref['As published']}\u201d; "
            f"{words} of the paper's Victims' Hub figures are supported by the data.")


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
    'hub_reconciliation': {
        'Published value': fmt_int,
        'In the data': fmt_int,
    },
}

"""Published against computed: each figure of the source papers recomputed from the data for
the window the paper states, beside the published value.

The paper for a reporting period quotes its own period's figures; the source papers' figures
belong to other windows (the 12 months to March 2015, to December 2015 ...), so they are
checked here, each for its own window, and shown apart from the evaluation. On the bundled
sample, whose synthetic force is calibrated to those figures, this table is a calibration
check of the sample, not evidence about the force; on a real force's data it is a
reconciliation with what was published.
"""

from __future__ import annotations

import pandas as pd

from evaluation.measures import victim_satisfaction
from evaluation.measures.engagement import check_published, published_checks
from evaluation.methods.periods import to_month, window_label

__all__ = ["victim_satisfaction_checks"]


def _window_end(figures: pd.DataFrame, figure_id: str) -> str:
    return str(to_month(figures.loc[figure_id, "period_end"]))


def victim_satisfaction_checks(responses: pd.DataFrame, comparators: pd.DataFrame,
                               figures: pd.DataFrame, area: str = "England and Wales"
                               ) -> pd.DataFrame:
    """The 2016 paper's victim satisfaction figures (the force's 86.5% and England and
    Wales's 83.8% for the 12 months to March 2015; burglary victims' 91% to December 2015),
    each recomputed for the window the seed figures give it. Rows of
    :func:`evaluation.measures.engagement.check_published`; figures the seed file does not
    hold are left out."""
    monthly = victim_satisfaction.monthly_counts(responses)
    rows = []
    if "victim_satisfaction_force" in figures.index:
        end = _window_end(figures, "victim_satisfaction_force")
        rate = victim_satisfaction.window_rates(monthly, end, questions=("whole_experience",))
        rows.append(check_published(figures, "victim_satisfaction_force",
                                    100 * float(rate["rate"].iloc[0]), window_label(end)))
    if "victim_satisfaction_national" in figures.index:
        end = _window_end(figures, "victim_satisfaction_national")
        hit = comparators.loc[(comparators["area"] == area)
                              & (comparators["question"] == "whole_experience")
                              & (comparators["period_end"].astype(str).str[:7] == end)]
        if not hit.empty:
            value = 100 * float(hit["satisfied"].iloc[0]) / float(hit["respondents"].iloc[0])
            rows.append(check_published(figures, "victim_satisfaction_national", value,
                                        f"{area}, {window_label(end)}"))
    if "burglary_victim_satisfaction" in figures.index:
        end = _window_end(figures, "burglary_victim_satisfaction")
        groups = victim_satisfaction.group_rates(responses, "crime_group", end)
        burglary = groups.loc[groups["group"] == "burglary"]
        if not burglary.empty:
            rows.append(check_published(figures, "burglary_victim_satisfaction",
                                        100 * float(burglary["rate"].iloc[0]),
                                        f"burglary victims, {window_label(end)}"))
    return published_checks(rows)

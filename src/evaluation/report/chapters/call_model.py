"""Words and display tables for the call-centre queueing model: what it was given, how it
did against each month of the period (the back-test), and whether its staffing figures can
be stated. The figures come from :mod:`evaluation.measures.call_model`.
"""

from __future__ import annotations

import pandas as pd

from evaluation.measures.call_model import BACKTEST_LABELS
from evaluation.report.formatting import fmt_number, fmt_pct

__all__ = ["FORMATS", "backtest_sentence", "inputs_sentence", "model_fits", "readable",
           "staffing_caveat"]


def _signed(v: float) -> str:
    return "–" if pd.isna(v) else f"{float(v):+.1f}"


FORMATS: dict[str, object] = {
    BACKTEST_LABELS["offered"]: lambda v: f"{int(v):,}",
    BACKTEST_LABELS["months"]: lambda v: f"{int(v)}",
    BACKTEST_LABELS["predicted_service_level"]: fmt_pct,
    BACKTEST_LABELS["actual_service_level"]: fmt_pct,
    BACKTEST_LABELS["service_level_error_pp"]: _signed,
    BACKTEST_LABELS["predicted_abandonment"]: fmt_pct,
    BACKTEST_LABELS["actual_abandonment"]: fmt_pct,
    BACKTEST_LABELS["abandonment_error_pp"]: _signed,
    BACKTEST_LABELS["service_level_mae_pp"]: fmt_number,
    BACKTEST_LABELS["abandonment_mae_pp"]: fmt_number,
    BACKTEST_LABELS["tolerance_pp"]: fmt_number,
    BACKTEST_LABELS["fits"]: lambda v: "yes" if bool(v) else "no",
    BACKTEST_LABELS["service_level_bias_pp"]: _signed,
    BACKTEST_LABELS["abandonment_bias_pp"]: _signed,
}


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its plain-English headings."""
    return table.rename(columns=BACKTEST_LABELS)


def inputs_sentence(handle_s: dict[str, float], patience_s: dict[str, float], measured: bool,
                    shrinkage: float, shrinkage_source: str) -> str:
    """What the model was given, and where each input comes from."""
    how = ("measured from the call logs (end of the call less answer, by hour of the week; "
           "after-call work is not in the logs)"
           if measured else "assumed (the call logs hold no end times)")
    parts = [f"{fmt_number(handle_s[line], 0)} seconds for {line} calls"
             for line in sorted(handle_s)]
    pats = [f"{fmt_number(patience_s[line], 0)} seconds for {line} calls"
            for line in sorted(patience_s)]
    return (f"The queueing model (Erlang A: callers hang up if kept waiting) uses a mean "
            f"handle time of {' and '.join(parts)}, {how}; a mean caller patience of "
            f"{' and '.join(pats)}, estimated from the logs (the time all callers waited over "
            f"the number who hung up); and the rota's handlers on shift less shrinkage of "
            f"{fmt_pct(shrinkage, 0)} ({shrinkage_source}).")


def model_fits(summary: pd.DataFrame, line: str) -> bool:
    """Whether the back-test of ``line`` is within its tolerance."""
    rows = summary.set_index("line") if not summary.empty else summary
    return bool(line in rows.index and rows.loc[line, "fits"])


def backtest_sentence(summary: pd.DataFrame, line: str) -> str:
    """How the model did against each month, and what follows for its staffing figures."""
    if summary.empty or line not in set(summary["line"]):
        return (f"The queueing model could not be tested for {line} calls (no rota or no call "
                "logs for the period), so the paper states no staffing needs from it.")
    r = summary.set_index("line").loc[line]
    months = (f"{pd.Period(r['first_month'], 'M').strftime('%B %Y')} to "
              f"{pd.Period(r['last_month'], 'M').strftime('%B %Y')}")
    text = (f"Tested against each of the {int(r['months'])} months from {months}, the model "
            f"predicted {fmt_pct(r['predicted_service_level'])} of {line} calls answered "
            f"within target where {fmt_pct(r['actual_service_level'])} were, a mean absolute "
            "error of "
            f"{fmt_number(r['service_level_mae_pp'])} percentage points "
            f"({fmt_number(r['abandonment_mae_pp'])} for abandonment)")
    if r["fits"]:
        return (text + f", within the tolerance of {fmt_number(r['tolerance_pp'])} points, so "
                "its staffing figures below can be used.")
    way = "better" if r["service_level_bias_pp"] > 0 else "worse"
    return (text + f": outside the tolerance of {fmt_number(r['tolerance_pp'])} points. The "
            f"model describes a service {way} than the one callers received, so the paper "
            "states no staffing needs from it. " + _likely_reason(r))


def _likely_reason(r: pd.Series) -> str:
    if r["service_level_bias_pp"] > 0:
        return ("The likeliest reason is the handlers' time: the model treats every rostered "
                "handler as taking calls all shift, less the stated shrinkage, while breaks, "
                "training, absence and after-call work take more. A measured shrinkage (or "
                "handlers logged in by hour) from the Constabulary would let the model be "
                "tested again.")
    return ("The model expects worse service than happened: the rota may understate the "
            "handlers taking calls (overtime, supervisors answering), or callers may be more "
            "patient at busy times than on average.")


def staffing_caveat(summary: pd.DataFrame, line: str) -> str:
    """The one line the staffing section says when the back-test rules its figures out."""
    return (f"No staffing need is stated for {line} calls: the back-test above found the "
            "queueing model (Erlang C and A, with the rota) does not describe this service well "
            "enough to say how many handlers are needed. Its figures are in the section's "
            "tables for the analyst, not in this paper.")

"""One wording for every XmR chart: it says which months its mean and limits describe."""

from __future__ import annotations

import warnings

import pandas as pd

from evaluation.methods.spc import xmr
from evaluation.report import narrative


def _series(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2018-01-01", periods=len(values), freq="MS"))


def test_a_single_phase_is_described_over_all_its_months() -> None:
    result = xmr(_series([10, 12] * 6), improvement="neutral")
    text = narrative.xmr_sentence(result, "The count", lambda v: f"{v:.0f}", per=" a month")
    assert text.startswith("The count averaged 11 a month over the 12 months from January "
                           "2018 to December 2018, with process limits of 6 to 16.")
    assert "recalculated" not in text


def test_after_a_process_change_the_mean_is_that_of_the_latest_phase_and_says_so() -> None:
    # a reviewer read "averaged 11.2% over the 36 months" where 11.2% was the mean since the
    # change (18 months): the sentence must name the months the mean describes
    values = [10, 12] * 6 + [20, 22] * 6
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = xmr(_series(values), improvement="increase",
                     rebase_at=[pd.Timestamp("2019-01-01")])
    text = narrative.xmr_sentence(result, "The count", lambda v: f"{v:.0f}")
    assert text.startswith("The count averaged 21 over the 12 months from January 2019 to "
                           "December 2019")
    assert ("The limits were recalculated from January 2019, when the process changed; the "
            "mean before was 11. The chart shows 24 months from January 2018.") in text


def test_trial_limits_name_the_short_phase_not_the_latest():
    import warnings as _w

    values = [10, 11, 9] * 3 + [20, 21, 19] * 6  # a 9-point phase, then an 18-point one
    with _w.catch_warnings():
        _w.simplefilter("ignore", UserWarning)
        result = xmr(_series(values), rebase_at=[pd.Timestamp("2018-10-01")],
                     reasons=["new rota"])
    text = narrative.xmr_sentence(result, "The count", lambda v: f"{v:.0f}")
    assert "from October 2018, when new rota; the mean before was 10" in text
    assert ("The limits of the phase from January 2018 (9 points) rest on fewer than 12 "
            "points and are trial limits.") in text
    assert "With only" not in text

"""Appendix 1 of the 2019 letter, rebuilt from its counts and reconciled."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.data import published
from evaluation.measures import calibration, public_contact
from evaluation.report.chapters import public_contact as public_contact_chapter

SEED = Path(__file__).resolve().parents[3] / "data" / "seed"


def test_appendix1_totals_and_changes_are_computed_from_counts() -> None:
    table = public_contact.appendix1_table(published.appendix1_as_published(SEED))
    expected = pd.DataFrame({
        "quarter": ["January to March 2018", "April to June 2018", "July to September 2018",
                    "October to December 2018", "Total"],
        "online": [887, 1529, 1572, 1673, 5661],
        "web_chat": [3966, 3472, 3816, 3882, 15136],
        "overall_total": [4853, 5001, 5388, 5555, 20797],
        "change": [float("nan"), 148.0, 387.0, 167.0, float("nan")],
    })
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)


def test_reconciliation_finds_only_the_wrong_q4_change() -> None:
    checks = public_contact_chapter.reconcile_appendix1(published.appendix1_as_published(SEED),
                                                stated_total=20797)
    failed = [c for c in checks if not c.ok]
    assert len(checks) == 11
    assert [c.name for c in failed] == ["October to December 2018: change on previous quarter"]
    assert failed[0].published == -167 and failed[0].computed == 167
    summary = public_contact_chapter.reconciliation_summary(checks)
    assert "10 of 11 checks of Appendix 1 agree" in summary
    assert "5,555 − 5,388 = +167" in summary and "sign is reversed" in summary


def test_reconciliation_of_a_consistent_table_reports_no_disagreement() -> None:
    pub = published.appendix1_as_published(SEED)
    pub.loc[3, "published_change"] = 167
    checks = public_contact_chapter.reconcile_appendix1(pub)
    assert all(c.ok for c in checks)
    assert "consistent with its own counts" in public_contact_chapter.reconciliation_summary(checks)


def test_wrong_quarter_total_is_detected() -> None:
    pub = published.appendix1_as_published(SEED)
    pub.loc[1, "published_total"] = 5000
    failed = [c for c in public_contact_chapter.reconcile_appendix1(pub) if not c.ok]
    assert "April to June 2018: overall total" in [c.name for c in failed]


def test_report_type_mix_sums_to_100() -> None:
    check = public_contact.mix_sums_to_100(published.report_type_mix(SEED))
    assert check.ok and check.computed == 100


def test_appendix1_rejects_negative_counts() -> None:
    bad = pd.DataFrame({"quarter": ["Q1"], "online": [-1], "web_chat": [3]})
    with pytest.raises(ValueError, match="negative"):
        public_contact.appendix1_table(bad)


def test_seed_figures_keep_the_papers_qualifiers() -> None:
    figs = published.seed_figures(SEED)
    assert figs.loc["calls_999_101_2016", "value"] == 435000
    assert figs.loc["calls_999_101_2016", "qualifier"] == "over"
    assert figs.loc["calls_101_per_month", "qualifier"] == "around"
    assert figs.loc["online_reports_q1_2016", "value"] == 72
    assert figs.loc["online_and_webchat_2018", "qualifier"] == "exact"


def test_channel_mix_shares_sum_to_one_each_month() -> None:
    monthly = pd.DataFrame({
        "month": ["2018-01", "2018-01", "2018-02", "2018-02"],
        "channel": ["101", "web chat", "101", "web chat"],
        "contacts": [300, 100, 200, 200],
    })
    mix = public_contact.channel_mix(monthly)
    assert mix.groupby("month")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    share = public_contact.digital_share(monthly)
    assert share["digital_share"].tolist() == pytest.approx([0.25, 0.5])


def _monthly() -> pd.DataFrame:
    rows = []
    for year in (2017, 2018):
        for month in range(1, 13):
            rows.append({"month": f"{year}-{month:02d}", "channel": "101", "contacts": 100})
            rows.append({"month": f"{year}-{month:02d}", "channel": "web chat",
                         "contacts": 10 if year == 2017 else 25})
    return pd.DataFrame(rows)


def test_period_comparison_against_the_same_months_a_year_earlier() -> None:
    out = public_contact.period_comparison(_monthly(), "2018-01-01", "2018-12-31")
    out = out.set_index("channel")
    assert out.loc["web chat", "contacts"] == 300 and out.loc["web chat", "previous_year"] == 120
    assert out.loc["web chat", "change_pct"] == pytest.approx(1.5)
    assert out.loc["All channels", "contacts"] == 1500
    assert out.loc["101", "share"] == pytest.approx(1200 / 1500)


def test_digital_share_summary_and_sentence() -> None:
    share = public_contact.digital_share(_monthly())
    summary = public_contact.digital_share_summary(share, "2018-01-01", "2018-12-31")
    assert summary["digital_share"].tolist() == pytest.approx([300 / 1500, 120 / 1320])
    sentence = public_contact_chapter.digital_share_sentence(summary)
    assert sentence.startswith("Between January 2018 and December 2018, 20.0% of 1,500")
    assert "against 9.1% in the same months a year earlier" in sentence


def test_published_volume_checks_respect_the_over_qualifier() -> None:
    monthly = pd.DataFrame({"month": ["2016-01", "2017-01"], "channel": ["101", "999"],
                            "contacts": [435001, 447000]})
    out = calibration.public_contact_checks(monthly, published.seed_figures(SEED))
    out = out.loc[out["figure_id"].str.startswith("calls_999_101")]
    assert out["Verdict"].tolist() == ["consistent", "not consistent"]  # 447,000 is not over
    assert out["As published"].tolist() == ["over 435,000", "over 447,000"]


def test_channel_spc_flags_a_step_change_as_special_cause() -> None:
    months = pd.period_range("2017-01", periods=24, freq="M")
    mix = pd.DataFrame({"month": months, "channel": "web chat",
                        "contacts": [100.0] * 12 + [200.0] * 12})
    mix["contacts"] += [i % 3 for i in range(24)]
    out = public_contact.channel_spc(mix, months=24)
    assert out.loc[0, "latest_variation"] == "neutral"  # volumes: no better direction
    assert "outside limits" in out.loc[0, "special_causes_in_window"]  # takes precedence

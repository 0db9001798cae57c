"""Appendix 1 of the 2019 letter, rebuilt from its counts and reconciled."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation import contact, seed

SEED = Path(__file__).resolve().parents[2] / "data" / "seed"


def test_appendix1_totals_and_changes_are_computed_from_counts() -> None:
    table = contact.appendix1_table(seed.appendix1_as_published(SEED))
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
    checks = contact.reconcile_appendix1(seed.appendix1_as_published(SEED), stated_total=20797)
    failed = [c for c in checks if not c.ok]
    assert len(checks) == 11
    assert [c.name for c in failed] == ["October to December 2018: change on previous quarter"]
    assert failed[0].published == -167 and failed[0].computed == 167
    summary = contact.reconciliation_summary(checks)
    assert "10 of 11 checks of Appendix 1 agree" in summary
    assert "5,555 − 5,388 = +167" in summary and "sign is reversed" in summary


def test_reconciliation_of_a_consistent_table_reports_no_disagreement() -> None:
    pub = seed.appendix1_as_published(SEED)
    pub.loc[3, "published_change"] = 167
    checks = contact.reconcile_appendix1(pub)
    assert all(c.ok for c in checks)
    assert "consistent with its own counts" in contact.reconciliation_summary(checks)


def test_wrong_quarter_total_is_detected() -> None:
    pub = seed.appendix1_as_published(SEED)
    pub.loc[1, "published_total"] = 5000
    failed = [c for c in contact.reconcile_appendix1(pub) if not c.ok]
    assert "April to June 2018: overall total" in [c.name for c in failed]


def test_report_type_mix_sums_to_100() -> None:
    check = contact.mix_sums_to_100(seed.report_type_mix(SEED))
    assert check.ok and check.computed == 100


def test_appendix1_rejects_negative_counts() -> None:
    bad = pd.DataFrame({"quarter": ["Q1"], "online": [-1], "web_chat": [3]})
    with pytest.raises(ValueError, match="negative"):
        contact.appendix1_table(bad)


def test_seed_figures_keep_the_papers_qualifiers() -> None:
    figs = seed.seed_figures(SEED)
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
    mix = contact.channel_mix(monthly)
    assert mix.groupby("month")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    share = contact.digital_share(monthly)
    assert share["digital_share"].tolist() == pytest.approx([0.25, 0.5])

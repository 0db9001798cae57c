"""Recorded crime rates, ranks among forces, the funnel and our test of the Crime Survey's ASB
measure against ONS's flags (REAL ONS data bundled in data/real)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from evaluation.data import ons_pfa
from evaluation.errors import EvaluationError
from evaluation.measures import crime
from evaluation.report.chapters import crime as crime_chapter
from evaluation.report.trace import untraceable

ROOT = Path(__file__).resolve().parents[3]
ONS = ROOT / "data" / "real" / "ons-pfa-tables-2018-2019"


@pytest.fixture(scope="module")
def rates():
    now = ons_pfa.edition_for(ONS, "2019-03-31")
    before = ons_pfa.year_before(ONS, now)
    return crime.recorded_crime_rates(ons_pfa.recorded_crime(now),
                                      ons_pfa.recorded_crime(before))


def test_rates_carry_the_year_before_and_its_change(rates) -> None:
    cambs = rates.set_index("area").loc["Cambridgeshire"]
    assert cambs["rate_before"] == pytest.approx(78.68, abs=0.01)
    assert cambs["change_pct"] == pytest.approx(100 * (76.435 / 78.6797 - 1), abs=0.01)
    ew = rates.set_index("area").loc["England and Wales"]
    assert ew["change_pct"] == pytest.approx(100 * (89.4905 / 83.5248 - 1), abs=0.01)


def test_forces_are_ranked_lowest_rate_first_within_all_and_their_peers(rates) -> None:
    ranks = crime.force_ranks(rates, "cambridgeshire")  # case forgiven
    forces = rates.loc[(rates["level"] == "force") & rates["rate_per_1000"].notna()]
    lower = int((forces["rate_per_1000"] < 76.435).sum())  # counted here, by hand
    cambs = ranks.loc[ranks["is_force"]].iloc[0]
    assert cambs["rank"] == lower + 1 == 19
    assert ranks.attrs["forces"] == 42 and ranks.attrs["unranked"] == ["London, City of"]
    east = ranks.loc[ranks["in_peers"]].sort_values("peer_rank")
    assert list(east["area"]) == ["Norfolk", "Suffolk", "Hertfordshire", "Cambridgeshire",
                                  "Bedfordshire", "Essex"]
    assert ranks.attrs["peers"] == "the 6 forces of the East region"
    named = crime.force_ranks(rates, "Cambridgeshire", ["Norfolk", "Essex", "Kent"])
    assert named.loc[named["is_force"], "peer_rank"].iloc[0] == 2  # Norfolk lower
    assert named.attrs["peers"] == "the 4 forces named as its peer group"
    sentence = crime_chapter.recorded_crime_sentence(rates, ranks)
    assert "19th lowest rate of the 42 forces" in sentence
    assert "4th lowest of the 6 forces of the East region" in sentence
    summary = crime.crime_rate_summary(rates, ranks)
    assert untraceable(sentence, [summary]) == []
    assert "(ONS publishes no rate for London, City of in this edition.)" in sentence


def test_a_force_that_is_not_a_force_gets_a_suggestion(rates) -> None:
    with pytest.raises(EvaluationError, match="Did you mean 'Cambridgeshire'"):
        crime.check_force(rates, "Cambridgshire")
    with pytest.raises(EvaluationError, match="not one of the 43 police force areas"):
        crime.force_ranks(rates, "Cambridgeshire", ["Gotham"])
    assert crime.check_force(rates, "Devon & Cornwall") == "Devon and Cornwall"


def test_the_funnel_finds_overdispersion_between_forces(rates) -> None:
    funnel = crime.crime_rate_funnel(rates)
    assert len(funnel) == 42
    assert funnel.attrs["target"] == pytest.approx(5257081 / 58744600)
    assert funnel.attrs["overdispersion"]["present"]
    assert funnel.attrs["overdispersion"]["method"] == "additive"


def test_our_asb_test_is_checked_against_onss_flags() -> None:
    asb = ons_pfa.asb_survey(ons_pfa.edition_for(ONS, "2019-03-31", "Table P6"))
    simple = crime.asb_significance(asb, 1.0)
    # Cambridgeshire by hand: 37.44% of 626 against the rest of England and Wales
    n_all, p_all, n, p = 34113, 0.3779143, 626, 0.3743940
    rest = (p_all * n_all - p * n) / (n_all - n)
    pooled = p_all
    z = (p - rest) / math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / (n_all - n)))
    cambs = simple.set_index("area").loc["Cambridgeshire"]
    assert cambs["z"] == pytest.approx(z, abs=1e-3)
    assert not cambs["different"] and cambs["agree"]
    # a simple-random-sample test flags more forces than ONS does; the design factor
    # (which widens the standard error) brings it into agreement
    designed = crime.asb_significance(asb, 1.3)
    # the force's 95% interval, widened by the design factor (worked by hand)
    half = 1.959964 * math.sqrt(p * (1 - p) / n) * 1.3
    row = designed.set_index("area").loc["Cambridgeshire"]
    assert (row["lower"], row["upper"]) == pytest.approx((100 * (p - half), 100 * (p + half)),
                                                         abs=1e-3)
    assert simple["different"].sum() > simple["ons_different"].sum()
    assert designed["agree"].sum() > simple["agree"].sum()
    assert designed["agree"].all()
    with pytest.raises(ValueError, match="design_factor must be positive"):
        crime.asb_significance(asb, 0)


@pytest.mark.parametrize("force", ["Kent", "South Wales", "Norfolk", "Metropolitan Police"])
def test_any_force_gets_its_rate_ranks_and_region(rates, force) -> None:
    ranks = crime.force_ranks(rates, force)
    row = rates.set_index("area").loc[force]
    # ONS's rate is the P1 count over the P3 population, per 1,000
    assert row["rate_per_1000"] == pytest.approx(1000 * row["offences"] / row["population"],
                                                 abs=0.01)
    mine = ranks.loc[ranks["is_force"]].iloc[0]
    assert mine["rank"] == int((ranks["rate_per_1000"] < row["rate_per_1000"]).sum()) + 1
    region = ons_pfa.region_of(ONS, force)
    assert region == {"Kent": "South East", "South Wales": "Wales", "Norfolk": "East of England",
                      "Metropolitan Police": "London"}[force]
    assert crime_chapter.the(region) in (region, f"the {region}")


def test_another_forces_police_uk_files_are_not_shown_as_this_ones() -> None:
    import pandas as pd

    street = pd.DataFrame({"Falls within": ["Cambridgeshire Constabulary"] * 3})
    assert crime.policeuk_is_of(street, "Cambridgeshire")
    assert not crime.policeuk_is_of(street, "Norfolk")
    assert crime.policeuk_is_of(pd.DataFrame({"Falls within": ["City of London Police"]}),
                                "London, City of")
    note = crime_chapter.other_force_note("Norfolk", "Cambridgeshire Constabulary", "x")
    assert note.startswith("Street-level police.uk records for Norfolk are not in the data")

"""The public version for the Police and Crime Panel: one run, stricter suppression, restricted
items left out, and a check that refuses a count below its threshold."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evaluation.config.commentary import Commentary
from evaluation.config.params import load_params
from evaluation.report.paper import SectionRecord, build_markdown, disclosure_problems

ROOT = Path(__file__).resolve().parents[3]
PARAMS = load_params(ROOT / "params" / "sample.yaml")  # Board 10, public 20

REGISTRY = pd.DataFrame({
    "id": ["calls", "secret"], "name": ["Calls answered", "Secret indicator"],
    "measure": ["calls_101_within_target", "calls_101_abandonment"],
    "restricted": [False, True]})


def _records() -> list[SectionRecord]:
    board = {"type": "table", "name": "scorecard_board", "caption": "Objectives scorecard: x",
             "columns": ["Objective", "Indicator", "Reporting period", "Change on the year "
                         "before", "Variation", "Assurance"],
             "rows": [["O", "Calls answered", "88.0%", "-2.8 pp", "not stable", "no target"],
                      ["O", "Secret indicator", "7.1%", "+1.6 pp", "not stable", "no target"]],
             "csv": "tables/b.csv", "paper": True}
    return [
        SectionRecord("00_summary", "Objectives scorecard", [
            {"type": "finding", "text": "Calls answered fell.", "indicator": "calls"},
            {"type": "finding", "text": "Secret indicator rose.", "indicator": "secret"},
            {"type": "finding", "text": "Calls answered: 88.0%.", "indicator": "calls",
             "chapter": "03_victims"},
            {"type": "finding", "text": "Secret indicator: 7.1%.", "indicator": "secret",
             "chapter": "03_victims"},
            {"type": "recommendation", "text": "ask X on Secret.", "indicator": "secret",
             "owner": "the Constabulary", "subject": "Secret indicator (worse)"},
            {"type": "recommendation", "text": "ask X on Calls.", "indicator": "calls",
             "owner": "the Constabulary", "subject": "Calls answered (worse)"},
            board]),
        SectionRecord("03_victims", "Victims", [
            {"type": "paragraph", "text": "Across groups, 12 Asian respondents were satisfied.",
             "counts": [12]},
            {"type": "paragraph", "text": "Across groups, 45 respondents.", "counts": [45]},
            {"type": "paragraph", "text": "An operational detail.", "restricted": True},
            {"type": "table", "name": "groups", "caption": "By group",
             "columns": ["Group", "Respondents"], "rows": [["Asian", "12"], ["White", "884"]],
             "public_rows": [["Asian", "[c]"], ["White", "[c]"]],
             "public_footnote": "[c]: fewer than 20", "count_columns": ["Respondents"],
             "csv": "tables/g.csv"},
        ]),
    ]


COMMENTARY = Commentary.model_validate({"sections": {"03_victims": [
    "Open view.", {"text": "Confidential view.", "restricted": True}]}})


def test_the_boards_paper_prints_everything_at_its_own_threshold() -> None:
    md = build_markdown(PARAMS, _records(), [], registry=REGISTRY, commentary=COMMENTARY)
    for text in ("12 Asian respondents", "An operational detail.", "| Asian | 12 |",
                 "Secret indicator rose.", "Secret indicator (worse)", "| Secret indicator",
                 "Confidential view.", "Secret indicator: 7.1%."):
        assert text in md, text
    assert "**To:** Business Coordination Board" in md and "PUBLIC VERSION" not in md
    assert "- Disclosure threshold for this paper: 10." in md


def test_the_public_version_suppresses_again_and_leaves_out_what_is_restricted() -> None:
    md = build_markdown(PARAMS, _records(), [], registry=REGISTRY, commentary=COMMENTARY,
                        public=True)
    assert md.startswith("**To:** Police and Crime Panel")
    for text in ("12 Asian respondents", "An operational detail.", "| Asian | 12 |",
                 "Secret indicator", "Confidential view."):
        assert text not in md, text
    for text in ("Calls answered fell.", "Calls answered (worse)", "| Calls answered",
                 "Across groups, 45 respondents.", "| Asian | [c] |", "[c]: fewer than 20",
                 "Open view.", "Calls answered: 88.0%."):
        assert text in md, text
    # page one says what it is and how much it left out: the sentence quoting 12, the
    # restricted paragraph, the restricted indicator and the restricted commentary
    assert ("**PUBLIC VERSION**: counts of people below 20 are [c]; 4 items left out "
            "(Appendix F). **SYNTHETIC SAMPLE") in md
    assert ("- Left out of this public version: 1 restricted indicator, 2 restricted passages "
            "and 1 passage with a count below 20 (what the sections") in md
    assert "1.1\u2003To inform the Police and Crime Panel of the evaluation reported to the " \
        "Board on 30 April 2019 (April 2018 to March 2019)." in md
    assert "2.1\u2003The Panel is asked to note this report;" in md
    assert "they are not published with this version" in md  # no list of the Board's CSVs
    assert "- Disclosure threshold for this paper: 20 (the public version's; the Board's " \
        "paper uses 10)." in md


def test_the_disclosure_check_finds_a_count_below_the_public_threshold() -> None:
    records = _records()
    assert disclosure_problems(records, 20) == []  # the public rows are used
    leaky = dict(records[1].blocks[3].to_dict(), public_rows=[["Asian", "12"],
                                                              ["White", "884"]])
    records.append(SectionRecord("04_hub", "Hub", [leaky]))
    assert disclosure_problems(records, 20) == [
        "04_hub, table 'groups', row 1, column 'Respondents': 12 (below 20)"]
    assert disclosure_problems(records, 10) == []

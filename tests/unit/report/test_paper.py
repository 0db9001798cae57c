"""The board paper's Markdown: house style, numbering, chapters, draft marking."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from evaluation.config.params import load_params
from evaluation.report.blocks import Paragraph
from evaluation.report.paper import SectionRecord, build_markdown, markdown_table
from evaluation.report.previous import compare_registries, compare_scorecards

ROOT = Path(__file__).resolve().parents[3]
PARAMS = load_params(ROOT / "params" / "sample.yaml")


def _table(name: str, columns: int, rows: int = 2, **extra) -> dict:
    return {"type": "table", "name": name, "caption": f"{name} caption",
            "columns": [f"c{i}" for i in range(columns)],
            "rows": [[str(i)] * columns for i in range(rows)], "csv": f"tables/{name}.csv",
            **extra}


def _records() -> list[SectionRecord]:
    return [
        SectionRecord("01_public_contact", "Public contact", [
            {"type": "finding", "text": "Contacts were 20,797.", "table": "appendix1"},
            {"type": "paragraph", "text": "A paragraph on contact."},
            _table("appendix1", 3),
            {"type": "figure", "name": "f", "title": "T", "caption": "A chart",
             "alt": 'Alt "text" here', "png": "figures/f.png"},
        ]),
        SectionRecord("06_engagement", "Engagement", [
            {"type": "paragraph", "text": "Listening sentence.", "part": "Listening"},
            {"type": "paragraph", "text": "Own sentence."},
            _table("wide", 9),
        ]),
    ]


def test_house_style_header_and_numbered_sections() -> None:
    md = build_markdown(PARAMS, _records(), ["provenance line"])
    assert md.startswith("**To:** Business Coordination Board  \n**From:** Chief Executive")
    assert "**Date:** 30 April 2019" in md
    headings = re.findall(r"^# (.+)$", md, flags=re.M)
    assert headings[:4] == ["1. Purpose", "2. Recommendation", "3. Key messages",
                            "4. Background"]
    assert "5. Listening" in headings and "6. Public contact" in headings
    assert headings[-1] == "Appendix H. Provenance"
    assert "2.1\u2003The Board is recommended to note this report." in md
    assert "3.1\u2003Contacts were 20,797." in md  # findings lead the summary


def test_engagement_chapter_refers_to_measure_chapters_by_number() -> None:
    md = build_markdown(PARAMS, _records(), [])
    # a chapter with no finding of its own opens with its first paragraphs (up to two)
    assert "5.2\u2003Listening sentence." in md
    assert "5.3\u2003Evidence of the outcomes is reported in section 6 (Public contact)." in md
    records = _records()
    records[1].blocks[1:1] = [Paragraph("Second.", part="Listening"),
                              Paragraph("Third.", part="Listening")]
    md = build_markdown(PARAMS, records, [])
    assert "5.3\u2003Second." in md
    assert "B1.1\u2003Third." in md.split("## B1. Listening")[1].split("## B2.")[0]
    assert ("5.4\u2003The evidence of this chapter is in Appendix B1; evidence of the outcomes "
            "is reported in section 6 (Public contact).") in md


def test_wide_tables_go_to_the_supporting_appendix_and_figures_keep_alt_text() -> None:
    md = build_markdown(PARAMS, _records(), [])
    assert "wide caption: `tables/wide.csv`" in md
    assert "| C0 | C1 | C2 |" in md  # headings capitalised
    assert "alt=\"Alt 'text' here\"" in md


def test_failed_section_gives_a_draft_with_a_not_available_box() -> None:
    records = [*_records(), SectionRecord("05_grants", "Grants", [], "ValueError: empty")]
    md = build_markdown(PARAMS, records, [], draft_reasons=["section 05_grants failed"])
    assert "**DRAFT — INCOMPLETE.**" in md
    assert "**Not available:** this section failed to run: ValueError: empty" in md


def test_markdown_table_has_a_header_row_and_caption() -> None:
    text = markdown_table(["Quarter", "Contacts"], [["Q1", "4,853"]], "Table 1: Contacts")
    lines = text.splitlines()
    assert lines[0] == "| Quarter | Contacts |" and lines[1] == "|:---|---:|"
    assert "Table: Table 1: Contacts" in text


def test_compare_scorecards_names_what_moved() -> None:
    before = pd.DataFrame({"indicator": ["Satisfaction", "Calls"], "latest_value": [0.85, 0.9],
                           "latest_period": ["2018-03", "2018-03"], "unit": ["percent"] * 2})
    now = pd.DataFrame({"indicator": ["Satisfaction", "Calls", "New"],
                        "latest_value": [0.87, 0.9, 12.0],
                        "latest_period": ["2019-03"] * 3, "unit": ["percent", "percent", "count"]})
    assert compare_scorecards(before, now) == [
        "Satisfaction: 85.0% (2018-03) in the previous paper, 87.0% (2019-03) now.",
        "New: new on the scorecard, 12 (2019-03).",
    ]


def test_a_data_quality_remark_met_by_two_sections_is_listed_once() -> None:
    note = {"type": "quality", "text": "12 rows have no location"}
    records = [SectionRecord("00_summary", "Scorecard", [dict(note, section="Scorecard")]),
               SectionRecord("07_crime", "Crime", [dict(note, section="Crime"),
                                                  {"type": "paragraph", "text": "x"}])]
    md = build_markdown(PARAMS, records, [])
    assert md.count("12 rows have no location") == 1
    assert "- *Scorecard and Crime*: 12 rows have no location" in md


def _published_block(section: str, rows: list[list[str]]) -> dict:
    return {"type": "table", "name": "published_figures", "caption": "checks",
            "columns": ["Published figure", "Source", "As published", "In the data",
                        "Which data", "Verdict"],
            "rows": rows, "csv": f"tables/{section}__published_figures.csv",
            "annex": "published"}


def test_published_figures_go_to_one_appendix_in_the_order_of_the_papers() -> None:
    records = _records() + [
        SectionRecord("05_grants", "Grants", [
            {"type": "paragraph", "text": "Grants sentence."},
            _published_block("05_grants", [
                ["Youth Fund projects", "2016 paper 10.2", "37", "37", "awards", "consistent"]]),
        ]),
        SectionRecord("04_victims_hub", "Victims' Hub", [
            {"type": "paragraph", "text": "Hub sentence."},
            _published_block("04_victims_hub", [
                ["Referrals", "2016 paper 7.9", "over 10,000", "9,000", "months",
                 "not consistent"],
                ["Newsletter", "2019 letter Strategy", "20,000", "19,965", "January 2019",
                 "consistent"],
                ["Estate saving", "2016 paper 7.3", "£700,000", "–", "no estate data",
                 "not in the data"]]),
        ]),
    ]
    md = build_markdown(PARAMS, records, [])
    body, appendix = md.split("# Appendix D. Published figures against the data")
    assert "Youth Fund projects" not in body and "Referrals" not in body  # not in chapters
    appendix = appendix.split("# Appendix E.")[0]
    assert appendix.startswith(": a calibration check of the synthetic sample")
    assert "not evidence about performance" in appendix
    # the 2016 paper by paragraph (7.3, 7.9, 10.2), then the 2019 letter
    order = [appendix.index(n) for n in ("| Estate saving", "| Referrals",
                                         "| Youth Fund projects", "| Newsletter")]
    assert order == sorted(order)
    assert "Of 4 figures, 2 are consistent" in appendix
    assert "1 is not: Referrals (2016 paper 7.9: published over 10,000, 9,000 in the data)" \
        in appendix
    assert "1 cannot be checked because no dataset of the pack holds them" in appendix


def test_published_appendix_on_real_data_is_a_reconciliation() -> None:
    params = PARAMS.model_copy(update={"synthetic_data": False})
    records = [SectionRecord("05_grants", "Grants", [_published_block("05_grants", [
        ["Youth Fund projects", "2016 paper 10.2", "37", "37", "awards", "consistent"]])])]
    md = build_markdown(params, records, [])
    assert "# Appendix D. Published figures against the data: reconciliation" in md
    assert "calibration" not in md.split("# Appendix D.")[1].split("# Appendix E.")[0]


def test_the_recommendation_asks_for_what_the_scorecard_found() -> None:
    records = [SectionRecord("00_summary", "Objectives scorecard", [
        {"type": "finding", "text": "Answered fell.", "table": "indicators"},
        {"type": "recommendation", "text": "ask the Constabulary to report to the next Board "
         "on Answered (88.0%).", "indicator": "answered", "table": "indicators"},
    ])] + _records()
    md = build_markdown(PARAMS, records, [])
    recommendation = md.split("# 2. Recommendation")[1].split("# 3.")[0]
    assert "2.1\u2003The Board is recommended to note this report." in recommendation
    assert ("2.2\u2003The Board is recommended to ask the Constabulary to report to the next "
            "Board on Answered (88.0%).") in recommendation
    assert "and to agree the ask of section 2." in md.split("Conclusion")[1]


def _sentences(md: str) -> list[str]:
    """The paper's paragraphs without their numbers."""
    return [re.sub(r"^[0-9A-H]+\d*\.\d+\u2003", "", p.strip()) for p in md.split("\n")
            if re.match(r"^[0-9A-H]+\d*\.\d+\u2003", p)]


def test_a_chapter_opens_with_three_findings_and_points_to_its_evidence() -> None:
    opening = [{"type": "finding", "text": f"Indicator {i}: figure.", "table": "indicators",
                "chapter": "02_calls", "indicator": f"i{i}"} for i in range(5)]
    records = [
        SectionRecord("00_summary", "Objectives scorecard", opening),
        SectionRecord("02_calls", "Call handling", [
            {"type": "note", "text": "Synthetic caveat."},
            {"type": "paragraph", "text": "Detail."},
            {"type": "heading", "text": "Longer-term context"},
            _table("calls", 3),
        ]),
        SectionRecord("03_victims", "Victims", [{"type": "note", "text": "Synthetic caveat."},
                                                {"type": "paragraph", "text": "Survey."}]),
    ]
    md = build_markdown(PARAMS, records, [])
    chapter = md.split("# 5. Call handling")[1].split("\n# ")[0]
    assert [s for s in _sentences(chapter)] == [
        "Indicator 0: figure.", "Indicator 1: figure.", "Indicator 2: figure.",
        "The evidence behind these findings is in Appendix B1."]
    evidence = md.split("## B1. Call handling")[1].split("## B2.")[0]
    assert "Indicator 3: figure." in evidence and "Indicator 4: figure." in evidence
    assert "### Longer-term context" in evidence and "Table" in evidence
    assert md.count("Synthetic caveat.") == 1  # a caveat the sections share, printed once
    sentences = _sentences(md)
    assert len(sentences) == len(set(sentences))


def test_asks_of_one_owner_are_one_recommendation_with_a_list() -> None:
    asks = [{"type": "recommendation", "text": f"ask the Constabulary to report on {n}.",
             "indicator": n, "table": "indicators", "owner": "the Constabulary",
             "subject": f"{n} (worse)"} for n in ("Answered", "Abandoned")]
    asks.append({"type": "recommendation", "text": "ask the OPCC to report on Hub.",
                 "indicator": "hub", "table": "indicators", "owner": "the OPCC",
                 "subject": "Hub (concern)"})
    md = build_markdown(PARAMS, [SectionRecord("00_summary", "Objectives scorecard", asks),
                                 *_records()], [])
    recommendation = md.split("# 2. Recommendation")[1].split("# 3.")[0]
    assert ("2.2\u2003The Board is recommended to ask the Constabulary to report to the next "
            "Board on each of the following: the reasons, the action planned and when it should "
            "show.\n\n- Answered (worse)\n- Abandoned (worse)") in recommendation
    assert ("2.3\u2003The Board is recommended to ask the OPCC to report to the next Board on "
            "Hub (concern): the reasons, the action planned and when it should show.") \
        in recommendation
    assert "and to agree the 3 asks of section 2." in md


def test_each_key_message_says_what_kind_of_data_its_figure_is() -> None:
    registry = pd.DataFrame({"id": ["calls", "charges"],
                             "measure": ["calls_101_within_target", "charge_rate"]})
    records = [SectionRecord("00_summary", "Objectives scorecard", [
        {"type": "finding", "text": "Calls fell.", "indicator": "calls"},
        {"type": "finding", "text": "Charges rose.", "indicator": "charges"}]), *_records()]
    md = build_markdown(PARAMS, records, [], registry=registry)
    assert "3.1\u2003Calls fell. *[SYNTHETIC]*" in md
    assert "3.2\u2003Charges rose. *[REAL public data]*" in md
    real = build_markdown(PARAMS.model_copy(update={"synthetic_data": False}), records, [],
                          registry=registry)
    assert "3.1\u2003Calls fell. *[the force's data]*" in real


def test_a_drafts_page_one_names_the_missing_sections() -> None:
    records = [*_records(), SectionRecord("05_grants", "Grants", [], "ValueError: empty")]
    md = build_markdown(PARAMS, records, [], draft_reasons=["section 05_grants failed"])
    page_one = md.split("# 1. Purpose")[0]
    assert "**DRAFT — INCOMPLETE.**" in page_one
    assert "Sections missing: Grants (ValueError: empty)." in page_one


def test_compare_registries_names_icon_transitions_and_targets_newly_missed_or_met() -> None:
    def reg(rows):
        return pd.DataFrame(rows, columns=["id", "name", "spc_status", "assurance",
                                           "target_met"])
    before = reg([["a", "Answered", "common cause", "pass", "yes"],
                  ["b", "Abandoned", "common cause", None, None],
                  ["c", "Specials", "not stable", "fail", "no"],
                  ["d", "Steady", "common cause", None, None]])
    now = reg([["a", "Answered", "concern", "inconsistent", "no"],
               ["b", "Abandoned", "improvement", None, None],
               ["c", "Specials", "not stable", "fail", "yes"],
               ["d", "Steady", "common cause", None, None],
               ["e", "New one", "common cause", None, None]])
    assert compare_registries(before, now) == [
        "Variation changed for 2 indicators: Answered (stable to concern); Abandoned (stable "
        "to improving).",
        "Assurance changed for Answered (meets target to may meet or miss).",
        "Targets newly missed: Answered. Newly met: Specials.",
    ]
    assert compare_registries(before, before) == [
        "No indicator's variation, assurance or target verdict has changed."]

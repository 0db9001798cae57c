"""SectionWriter: what a notebook shows is what the paper is assembled from."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from evaluation.methods.disclosure import SUPPRESSED
from evaluation.report.charts import Chart
from evaluation.report.formatting import fmt_int
from evaluation.report.publish import SectionWriter, format_table


def _chart() -> Chart:
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    return Chart(fig, "A title", "Line rising from 3 to 4 over two months.")


def test_without_output_dir_nothing_is_written(tmp_path: Path) -> None:
    section = SectionWriter("09_x", "X")
    section.table(pd.DataFrame({"n": [1]}), "t", "caption")
    assert section.close() is None
    assert list(tmp_path.iterdir()) == []


def test_blocks_tables_and_figures_are_recorded(tmp_path: Path) -> None:
    section = SectionWriter("09_x", "X", tmp_path, synthetic_data=True)
    section.paragraph("A paragraph.")
    section.finding("Finding 20,797.", table="t")
    section.table(pd.DataFrame({"n": [20797]}), "t", "Caption", formats={"n": fmt_int})
    section.figure(_chart(), "f", "Figure caption", data=pd.DataFrame({"x": [1]}))
    path = section.close()
    data = json.loads(path.read_text())
    kinds = [b["type"] for b in data["blocks"]]
    assert kinds == ["note", "paragraph", "finding", "table", "figure"]  # synthetic note first
    table = data["blocks"][3]
    assert table["rows"] == [["20,797"]] and table["csv"] == "tables/09_x__t.csv"
    assert pd.read_csv(tmp_path / table["csv"])["n"].tolist() == [20797]
    figure = data["blocks"][4]
    assert figure["alt"].startswith("Line rising") and (tmp_path / figure["png"]).is_file()
    assert figure["alt"].endswith("(SYNTHETIC SAMPLE — NOT REAL DATA.)")  # said on the chart too
    assert (tmp_path / "tables" / "09_x__f_data.csv").is_file()
    real = SectionWriter("09_y", "Y", tmp_path / "real", synthetic_data=False)
    real.figure(_chart(), "f", "Figure caption")
    block = json.loads(real.close().read_text())["blocks"][-1]
    assert "SYNTHETIC" not in block["alt"]


def test_counts_are_suppressed_in_the_shown_table_and_the_csv(tmp_path: Path) -> None:
    section = SectionWriter("09_x", "X", tmp_path, disclosure_threshold=10)
    df = pd.DataFrame({"group": ["a", "b", "Total"], "n": [4, 96, 100]})
    section.table(df, "groups", "Groups", counts=["n"], total_row=-1)
    block = section.blocks[-1]
    assert [r[1] for r in block.rows] == [SUPPRESSED, SUPPRESSED, "100"]
    assert block.count_columns == ["n"] and "fewer than 10" in block.footnote
    csv = pd.read_csv(tmp_path / block.csv, dtype=str)
    assert csv["n"].tolist() == [SUPPRESSED, SUPPRESSED, "100"]


def test_parts_tag_blocks_and_reject_unknown_names(tmp_path: Path) -> None:
    section = SectionWriter("09_x", "X", tmp_path)
    section.part("Listening")
    section.paragraph("In the listening chapter.")
    section.part(None)
    section.paragraph("In the section's own chapter.")
    assert section.blocks[0].part == "Listening" and section.blocks[1].part is None
    assert section.blocks[0].to_dict()["part"] == "Listening"
    assert "part" not in section.blocks[1].to_dict()
    with pytest.raises(ValueError, match="part must be one of"):
        section.part("Shouting")


def test_format_table_keeps_suppressed_cells_and_shows_missing_as_dash() -> None:
    df = pd.DataFrame({"n": [SUPPRESSED, 1234, None], "label": ["a", None, "c"]})
    out = format_table(df, {"n": fmt_int})
    assert out["n"].tolist() == [SUPPRESSED, "1,234", "–"]
    assert out["label"].tolist() == ["a", "–", "c"]


def test_loader_warnings_become_data_quality_remarks(tmp_path: Path) -> None:
    from evaluation.data import loaders, read_log

    read_log.reset()
    section = SectionWriter("09_x", "X", tmp_path)
    extract = tmp_path / "public_contact.csv"
    extract.write_text("month,channel,contacts,notes\n2018-04,101,30000,checked\n")
    loaders.load("public_contact", extract)
    data = json.loads(section.close().read_text())
    quality = [b for b in data["blocks"] if b["type"] == "quality"]
    assert len(quality) == 1 and quality[0]["section"] == "X"
    assert "public_contact.csv" in quality[0]["text"] and "notes" in quality[0]["text"]
    assert str(extract.resolve()) in data["inputs"]


def test_a_table_keeps_its_rows_suppressed_at_the_public_threshold(tmp_path: Path) -> None:
    section = SectionWriter("09_x", "X", tmp_path, disclosure_threshold=10,
                            public_disclosure_threshold=20)
    df = pd.DataFrame({"group": ["A", "B", "C", "Total"], "people": [12, 25, 40, 77]})
    section.table(df, "t", "Caption", formats={"people": fmt_int}, counts=["people"],
                  total_row=-1)
    section.paragraph("12 people said so.", counts=[12])
    section.table(pd.DataFrame({"x": [1]}), "r", "Restricted", restricted=True)
    data = json.loads(section.close().read_text())
    table = next(b for b in data["blocks"] if b.get("name") == "t")
    # the Board's rows show 12 (10 or more); the public rows hide it and, so that the total
    # cannot give it away, one more
    assert [r[1] for r in table["rows"]] == ["12", "25", "40", "77"]
    public = [r[1] for r in table["public_rows"]]
    assert public[0] == SUPPRESSED and public.count(SUPPRESSED) >= 2 and public[-1] == "77"
    assert "fewer than 20" in table["public_footnote"] and table["footnote"] is None
    paragraph = next(b for b in data["blocks"] if b["type"] == "paragraph")
    assert paragraph["counts"] == [12]
    assert next(b for b in data["blocks"] if b.get("name") == "r")["restricted"] is True

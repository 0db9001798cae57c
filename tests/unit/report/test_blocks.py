"""Typed blocks: what a notebook records, written to JSON and read back unchanged."""

from __future__ import annotations

import json

import pytest

from evaluation.report import blocks


@pytest.mark.parametrize("block", [
    blocks.Heading("Listening"),
    blocks.Paragraph("Contacts rose.", part="Listening"),
    blocks.Finding("Contacts were 20,797.", table="appendix1"),
    blocks.Note("Synthetic."),
    blocks.Conclusion("Stable."),
    blocks.Quality("Crime", "12 rows have no location"),
    blocks.Table(name="t", caption="A table", columns=["a"], rows=[["1"]], csv="tables/t.csv",
                 count_columns=["a"], footnote="[c] = fewer than 10", paper=True),
    blocks.Figure(name="f", title="T", caption="A chart", alt="Alt", png="figures/f.png"),
], ids=lambda b: b.kind)
def test_a_block_survives_the_section_record(block: blocks.Block) -> None:
    data = json.loads(json.dumps(block.to_dict()))
    assert data["type"] == block.kind
    assert blocks.from_dict(data) == block


def test_a_record_from_an_older_run_without_a_part_reads_as_no_part() -> None:
    block = blocks.from_dict({"type": "paragraph", "text": "x"})
    assert block.part is None and "part" not in block.to_dict()


def test_an_unknown_kind_or_a_missing_field_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown block type 'chart'"):
        blocks.from_dict({"type": "chart", "text": "x"})
    with pytest.raises(TypeError):
        blocks.from_dict({"type": "table", "name": "t"})

"""Schemas: one per dataset, documented, consistent with docs/data.md and their own examples."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from evaluation.data.loaders import DATASETS, validate_files
from evaluation.data.schemas import (
    SATISFACTION_LABELS,
    SATISFIED_LABELS,
    SCHEMAS,
    data_dictionary,
    kind_of,
)

DOCS = Path(__file__).parents[3] / "docs" / "data.md"


def test_every_dataset_has_a_schema_with_typed_documented_columns() -> None:
    for name in DATASETS:
        schema = SCHEMAS[name]
        for column in schema.columns.values():
            assert kind_of(column) in {"text", "int", "float", "bool", "month", "date", "datetime"}
            assert column.description
            assert "example" in column.metadata


@pytest.mark.parametrize("dataset", [d for d in DATASETS if d != "grants_360giving"])
def test_a_row_of_the_documented_examples_is_valid(dataset: str, tmp_path: Path) -> None:
    columns = SCHEMAS[dataset].columns
    path = tmp_path / f"{dataset}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(columns))
        writer.writerow([c.metadata["example"] for c in columns.values()])
    report = validate_files(dataset, [path], today=date(2030, 1, 1))
    assert report.errors == []


def test_schema_rejects_a_channel_outside_the_contract() -> None:
    df = pd.DataFrame({"month": pd.to_datetime(["2018-01-01"]), "channel": ["fax"],
                       "contacts": [3]})
    with pytest.raises(pa.errors.SchemaErrors) as info:
        SCHEMAS["public_contact"].validate(df, lazy=True)
    assert info.value.failure_cases["failure_case"].tolist() == ["fax"]


def test_schema_rejects_duplicate_keys() -> None:
    df = pd.DataFrame({"month": pd.to_datetime(["2018-01-01"] * 2), "channel": ["999"] * 2,
                       "contacts": [3, 4]})
    with pytest.raises(pa.errors.SchemaErrors):
        SCHEMAS["public_contact"].validate(df, lazy=True)


def test_satisfied_means_the_first_three_of_seven_labels() -> None:
    assert len(SATISFACTION_LABELS) == 7
    assert SATISFIED_LABELS == ("completely satisfied", "very satisfied", "fairly satisfied")


def test_docs_data_md_holds_the_current_data_dictionary() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert data_dictionary() in text, "regenerate docs/data.md from schemas.data_dictionary()"
    for name in DATASETS:
        assert f"### `{name}`" in text

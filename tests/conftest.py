"""Shared fixtures: the repository's folders, and the shared real data when it is present."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return ROOT / "data" / "seed"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return ROOT / "data" / "sample"

"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# CI lays shared/ beside the clone; ALLYPATH_SHARED points elsewhere when needed.
SHARED = Path(os.environ.get("ALLYPATH_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared/ not found at {SHARED}; set ALLYPATH_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def reference_dir(shared_dir: Path) -> Path:
    return shared_dir / "reference"


@pytest.fixture(scope="session")
def exports_dir(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "exports"

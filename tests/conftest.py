"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import launched_chromium

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Debian chromium per test module."""
    with launched_chromium() as chromium:
        yield chromium

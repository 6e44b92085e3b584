"""Fixtures shared by every test module."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from browser_support import launched_chromium

REPO = Path(__file__).resolve().parent.parent
# CI lays shared/ beside the clone; ALLYPATH_SHARED points elsewhere when needed.
SHARED = Path(os.environ.get("ALLYPATH_SHARED", REPO.parent / "shared"))


def pytest_xdist_setupnodes(config: pytest.Config, specs: Sequence[Any]) -> None:
    """Give each xdist worker a data folder of its own (``ALLYPATH_DATA_DIR``), set before it starts.

    Workers inherit the controller's environment, and Django reads the folder while pytest starts,
    before any conftest of the worker runs. With ``pytest -n 2 tests/web`` the controller had set one
    folder (tests/web/conftest.py), so both workers shared it and one worker's clean-up of staged
    uploads removed the other's.
    """
    for spec in specs:
        spec.env["ALLYPATH_DATA_DIR"] = tempfile.mkdtemp(prefix=f"allypath-tests-{spec.id}-")


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

"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import CHROMIUM_ARGS

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
    """One Debian chromium per test module, driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
    # are still synchronous, so Django's async-safety guard is lifted for these tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield chromium
        from django.db import connections

        # ORM calls made while Playwright's loop runs get their own connection: close it, or the test
        # database (PostgreSQL) cannot be dropped at the end of the session.
        connections.close_all()
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

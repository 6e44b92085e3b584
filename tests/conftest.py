"""Fixtures shared by every test module."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from browser_support import launched_chromium

REPO = Path(__file__).resolve().parent.parent
# Everything the tests read lives in the repository (issue 15, point 8): a user's clone has no
# ../shared. tests/reference/README.md and tests/fixtures/exports/PROVENANCE.md say where each file
# came from and under which licence.
REFERENCE = REPO / "tests" / "reference"
EXPORTS = REPO / "tests" / "fixtures" / "exports"
# CI clones main beside a copy of the project's shared folder. Opening anything in it fails the
# test, so a green run proves that no test needs it (tests/test_self_contained.py).
OUT_OF_REACH = (REPO.parent / "shared").resolve()
_OUT_OF_REACH_PREFIX = str(OUT_OF_REACH) + os.sep


def _refuse_out_of_reach(event: str, args: tuple[Any, ...]) -> None:
    if event not in ("open", "os.listdir", "os.scandir") or not args:
        return
    target = args[0]
    if not isinstance(target, (str, bytes, os.PathLike)):
        return  # a file descriptor
    path = os.path.abspath(os.fsdecode(target))
    if path == str(OUT_OF_REACH) or path.startswith(_OUT_OF_REACH_PREFIX):
        raise PermissionError(f"tests must not read outside the repository: {path}")


sys.addaudithook(_refuse_out_of_reach)


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
def reference_dir() -> Path:
    """Public datasets and R's expected values (``data/``, ``expected/``; ``r/`` made them)."""
    return REFERENCE


@pytest.fixture(scope="session")
def exports_dir() -> Path:
    """Real survey-tool exports (Qualtrics, SurveyMonkey, SPSS)."""
    return EXPORTS


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Debian chromium per test module."""
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture(autouse=True)
def fresh_rate_limit_counters() -> None:
    """Each test starts with empty submission counters (the ``ratelimit`` cache is per process).

    Without it, tests that submit add up in a worker: run densely (the database tests again on
    PostgreSQL), they passed 300 submissions a minute from 127.0.0.1 and got 429s meant for a flood.
    """
    if "django" in sys.modules:
        from django.apps import apps

        if apps.ready:
            from django.core.cache import caches

            caches["ratelimit"].clear()

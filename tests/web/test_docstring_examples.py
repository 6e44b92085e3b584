"""Every example in the web's docstrings runs (with Django set up by this folder's conftest)."""

from __future__ import annotations

import pytest

from docstring_examples import modules_with_examples, run_examples

MODULES = modules_with_examples(web=True)


def test_the_examples_are_found() -> None:
    assert MODULES["allypath.web.dashboard.frames"] is True


@pytest.mark.parametrize("module", MODULES)
def test_the_docstring_examples_run(module: str) -> None:
    run_examples(module, MODULES[module])

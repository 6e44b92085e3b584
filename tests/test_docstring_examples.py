"""Every example in allypath's docstrings runs and prints what it says (the web's: tests/web/).

The examples are documentation people copy (pingouin's and scikit-learn's style): one that no longer
holds is worse than none.
"""

from __future__ import annotations

import pytest

from docstring_examples import modules_with_examples, run_examples

MODULES = modules_with_examples(web=False)


def test_the_examples_are_found() -> None:
    assert len(MODULES) >= 50
    assert MODULES["allypath.privacy.audit"] is True
    assert MODULES["allypath.stats.invariance"] is False  # it needs a data set: shown, not run


@pytest.mark.parametrize("module", MODULES)
def test_the_docstring_examples_run(module: str) -> None:
    run_examples(module, MODULES[module])

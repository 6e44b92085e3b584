"""as_written: how every "(got ...)" of a bad value quotes it (the readers' messages use it)."""

from __future__ import annotations

import numpy as np
import pytest

from allypath._written import as_written


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (9.0, "9"),  # a float column holds 9.0 where 9 was typed
        (np.float64(9.0), "9"),
        (np.float32(-1.0), "-1"),
        (np.int64(7), "7"),
        (7, "7"),
        (2.5, "2.5"),
        (1e300, "1e+300"),  # not three hundred digits
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (float("nan"), "nan"),
        ("agree", "'agree'"),
        (np.str_("x"), "'x'"),
        (True, "True"),
        (None, "None"),
    ],
)
def test_a_value_is_written_as_a_person_wrote_it(value, written):
    assert as_written(value) == written

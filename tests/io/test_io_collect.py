"""apply_mapping_collecting: every problem of a file at once, each row named, with apply_mapping's rules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from allypath.instrument import load_instrument
from allypath.io import Mapping, apply_mapping, read_any
from allypath.io.collect import apply_mapping_collecting


def test_a_clean_file_gives_the_same_frame_as_apply_mapping(exports_dir: Path) -> None:
    source = read_any(exports_dir / "sample.sav")
    mapping = Mapping.from_yaml("items:\n  ap1: {column: myord, values: {low: 1, medium: 3, high: 5}}\n")
    found = apply_mapping_collecting(source, mapping, load_instrument())
    assert found.problems == ()
    assert found.frame is not None
    pd.testing.assert_frame_equal(found.frame, apply_mapping(source, mapping, load_instrument()))
    assert found.frame["ap1"].tolist() == [1, 3, 5, 1, 1]


def test_every_row_and_every_kind_of_problem_is_listed(exports_dir: Path) -> None:
    source = read_any(exports_dir / "sample.sav")
    mapping = Mapping.from_yaml(
        "required: [ap1, ap2]\n"
        "attributes: {unit: mychar, level: no_such_column}\n"
        "items:\n"
        "  ap1: {column: myord, values: {low: 1, medium: 3}}\n"  # 'high' (row 3) is not mapped
        "  am1: mynum\n"  # -1000.3, -1.4 and 1000.3 are outside 1..5 (rows 3, 4, 5)
        "  zz9: mylabl\n"  # not an item of the instrument
    )
    found = apply_mapping_collecting(source, mapping, load_instrument())
    assert found.frame is None
    got = [(p.row, p.column) for p in found.problems]
    assert got == [
        (None, None),  # zz9
        (None, "ap2"),  # required, not mapped
        (0, "no_such_column"),
        (3, "mynum"),
        (3, "myord"),
        (4, "mynum"),
        (5, "mynum"),
    ]
    messages = {(p.row, p.column): p.message for p in found.problems}
    assert "zz9" in messages[(None, None)]
    assert messages[(3, "myord")].startswith("value 3 is not in the mapping of item 'ap1'")
    assert messages[(4, "mynum")] == "value -1.4 of item 'am1' is outside its scale 1..5"
    assert all(p.file == str(exports_dir / "sample.sav") for p in found.problems if p.row is not None)

"""The io layer against the packaged instrument (allypath.instrument.load_instrument)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from io_testkit import write_qualtrics

from allypath.instrument import load_instrument
from allypath.io import apply_mapping, codebook_rows, detect_mapping, read_any, write_spss


def _responses(n: int, seed: int = 0) -> pd.DataFrame:
    instrument = load_instrument()
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {"respondent_id": pd.Series([f"r{i}" for i in range(n)], dtype="str")}
    for column in instrument.columns:
        if column.is_text:
            columns[column.id] = pd.Series(["free text"] * n, dtype="str")
        else:
            values = rng.integers(column.min, column.max + 1, n).astype(float)
            values[rng.random(n) < 0.1] = np.nan
            columns[column.id] = pd.array(values, dtype="Int64")
    return pd.DataFrame(columns)


def test_spss_export_detects_and_maps_back_to_the_same_frame(tmp_path: Path) -> None:
    instrument = load_instrument()
    frame = _responses(40)
    source = read_any(write_spss(frame, tmp_path / "all.sav", instrument))
    proposal = detect_mapping(source, instrument)
    assert proposal.unmatched == ()
    assert all(entry.confidence == 1.0 for entry in proposal.items)
    pd.testing.assert_frame_equal(apply_mapping(source, proposal, instrument), frame)


def test_reworded_french_export_is_matched_item_by_item(tmp_path: Path) -> None:
    instrument = load_instrument()
    rng = np.random.default_rng(3)
    items = [item for item in instrument.items if item.type == "likert"]
    order = rng.permutation(len(items))

    def reworded(text: str) -> str:  # drop about a third of the words, lower-case, no commas
        return " ".join(w for w in text.split() if rng.random() > 0.3).lower().replace(",", "")

    columns = [("ResponseId", "ID de réponse")]
    truth = {}
    for k, index in enumerate(order):
        columns.append((f"Q{k + 1}", reworded(items[index].text["fr"])))
        truth[items[index].id] = f"Q{k + 1}"
    rows = []
    for r in range(20):
        row = [f"R_{r}"]
        for index in order:
            anchors = items[index].scale.anchors
            row.append(anchors[int(rng.integers(1, 6))]["fr"].upper())
        rows.append(row)
    source = read_any(write_qualtrics(tmp_path / "fr.csv", columns, rows))
    proposal = detect_mapping(source, instrument)
    found = {entry.item: entry.column for entry in proposal.items if entry.item in truth}
    assert found == truth
    wide = apply_mapping(source, proposal, instrument)
    first = items[order[0]]
    label = rows[0][1]
    expected = next(v for v, t in first.scale.anchors.items() if t["fr"].upper() == label)
    assert wide[first.id].iloc[0] == expected


def test_codebook_rows_cover_every_column_in_every_language() -> None:
    instrument = load_instrument()
    rows = codebook_rows(instrument)
    assert [r["column"] for r in rows] == [c.id for c in instrument.columns]
    for language in instrument.languages:
        assert all(r[f"text_{language}"] for r in rows)

"""detect_mapping proposes item matches by text similarity, in any instrument language."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat
from io_testkit import (
    AGREE_EN,
    FRENCH_EXPORT_COLUMNS,
    FRENCH_EXPORT_ROWS,
    build_instrument,
    write_qualtrics,
)

from allypath.io import Mapping, apply_mapping, detect_mapping, read_any


def test_french_qualtrics_export_is_matched_to_french_item_texts(tmp_path: Path) -> None:
    path = write_qualtrics(tmp_path / "export.csv", FRENCH_EXPORT_COLUMNS, FRENCH_EXPORT_ROWS)
    proposal = detect_mapping(read_any(path), build_instrument())
    assert proposal.respondent_id == "ResponseId"
    assert proposal.attributes == {"unit": "Department"}
    assert proposal.instrument == "allypath-test"
    assert proposal.source_format == "qualtrics"
    matched = {entry.item: entry for entry in proposal.items}
    assert set(matched) == {"ap01", "ap02", "sp1", "kc", "ot1"}
    assert set(proposal.unmatched) == {"en01", "en02"}
    ap01 = matched["ap01"]
    assert ap01.column == "Q1"
    assert ap01.values == {"D'accord": 4, "Pas du tout d'accord": 1, "tout à fait d'accord": 5}
    assert ap01.note is not None
    assert "Ne sais pas" in ap01.note  # no anchor for it: the reviewer decides
    assert matched["ap02"].column == "Q2"
    assert matched["ap02"].range == (1.0, 5.0)
    assert matched["ap02"].confidence > 0.8
    kc = matched["kc"]
    assert kc.kind == "checklist"
    assert kc.columns == {"parental_leave": "Q3_1", "flexible_work": "Q3_2", "pay_gap": "Q3_3"}
    assert matched["ot1"].kind == "text"
    assert matched["ot1"].column == "Q4"
    assert matched["sp1"].column == "Q5"
    for entry in proposal.items:
        assert entry.confidence is not None
        assert 0.0 < entry.confidence <= 1.0


def test_proposal_is_yaml_a_person_can_review_and_then_apply(tmp_path: Path) -> None:
    path = write_qualtrics(tmp_path / "export.csv", FRENCH_EXPORT_COLUMNS, FRENCH_EXPORT_ROWS)
    source = read_any(path)
    proposal = detect_mapping(source, build_instrument())
    text = proposal.to_yaml()
    assert text.startswith("# allypath import mapping")
    assert "confidence:" in text
    assert "source_text:" in text
    reviewed = Mapping.from_yaml(text)
    assert reviewed == proposal
    # The reviewer's decision for the unmatched label: read it as missing.
    decided = Mapping.from_yaml(text + 'missing: ["Ne sais pas"]\n')
    wide = apply_mapping(source, decided, build_instrument())
    assert wide["ap01"].tolist()[:2] == [4, 1]
    assert pd.isna(wide["ap01"].iloc[2])
    assert wide["kc_flexible_work"].tolist()[:2] == [0, 1]


def test_spss_value_labels_are_matched_to_anchors(tmp_path: Path) -> None:
    codes = {float(i): label for i, label in enumerate(AGREE_EN)}  # coded 0..4, scale is 1..5
    frame = pd.DataFrame({"respid": [1.0, 2.0], "ap01": [0.0, 4.0], "attitude_b": [3.0, 1.0]})
    path = tmp_path / "labelled.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={
            "respid": "Respondent ID",
            "ap01": "Agreement 1",
            "attitude_b": "I don't see why men should take part in gender-equity initiatives",
        },
        variable_value_labels={"ap01": codes, "attitude_b": codes},
    )
    source = read_any(path)
    proposal = detect_mapping(source, build_instrument())
    assert proposal.respondent_id == "respid"
    ap01 = proposal.item("ap01")
    assert ap01.column == "ap01"  # named after the item id: certain
    assert ap01.values == {label: i + 1 for i, label in enumerate(AGREE_EN)}
    assert min(ap01.value_confidence.values()) > 0.9
    assert proposal.item("ap02").column == "attitude_b"
    wide = apply_mapping(source, proposal)
    assert wide["ap01"].tolist() == [1, 5]
    assert wide["ap02"].tolist() == [4, 2]


def test_numeric_columns_coded_from_zero_get_a_proposed_shift(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "respondent_id,ap01,I do not see why men should take part in gender equity initiatives\n"
        "r1,3,0\nr2,5,4\n",
        encoding="utf-8",
    )
    source = read_any(path)
    proposal = detect_mapping(source, build_instrument())
    exact = proposal.item("ap01")
    assert exact.column == "ap01"
    assert exact.range == (1.0, 5.0)
    assert exact.confidence == 1.0
    shifted = proposal.item("ap02")
    assert shifted.values == {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}
    assert shifted.confidence <= 0.5
    assert "shifting by 1" in shifted.note
    assert apply_mapping(source, proposal)["ap02"].tolist() == [1, 5]


def test_a_shift_from_zero_is_proposed_only_when_the_values_reach_both_ends(tmp_path: Path) -> None:
    """Values that merely fit under the top of the shifted scale are no proof of a 0-based coding
    (a review: a 0/1 ticked-option column was proposed for a 1..5 item as 0->1 ... 4->5, so a tick
    became "Disagree", with a note claiming the values ran 0..4). A shift needs 0 and the top."""
    text = "I do not see why men should take part in gender equity initiatives"
    cases = {"0,1,2,3": None, "0,2,4": "values seen run 0..4 (3 different)"}
    for values, note in cases.items():
        path = tmp_path / "wide.csv"
        rows = "".join(f"r{k},{v}\n" for k, v in enumerate(values.split(",")))
        path.write_text(f"respondent_id,{text}\n{rows}", encoding="utf-8")
        proposal = detect_mapping(read_any(path), build_instrument())
        entry = proposal.item("ap02")
        if note is None:
            assert entry.values == {} and entry.range == (1.0, 5.0)
            assert "observed values 0..3 fall outside the scale 1..5" in entry.note
        else:
            assert entry.values == {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}
            assert note in entry.note


def test_a_zero_one_tick_column_is_not_proposed_for_an_agreement_item(tmp_path: Path) -> None:
    """A column holding only 0 and 1 is a ticked option, not a 1..5 rating: not a candidate for an
    item whose values do not include 0 (unless named after the item)."""
    text = "I do not see why men should take part in gender equity initiatives"
    path = tmp_path / "wide.csv"
    path.write_text(f"respondent_id,{text}\nr1,0\nr2,1\nr3,\n", encoding="utf-8")
    proposal = detect_mapping(read_any(path), build_instrument())
    assert "ap02" in proposal.unmatched
    assert all(entry.column != text for entry in proposal.items)


def test_a_group_of_ticks_goes_to_the_checklist_whose_options_it_holds(tmp_path: Path) -> None:
    """A LimeSurvey question "Which of these policies exist where you work?" with two tick columns
    (Parental leave, Flexible work) was proposed for the initiatives item ``ep`` (its question reads
    more alike) with no column at all, a proposal that could not even be loaded, while ``kc``, whose
    options those columns are, stayed unmatched (a review). The columns decide between checklists."""
    from allypath.instrument import load_instrument
    from allypath.io import read_limesurvey

    path = tmp_path / "results.csv"
    heads = [
        "id. Response ID",
        "KC[SQ001]. Which of these policies exist where you work? [Parental leave]",
        "KC[SQ002]. Which of these policies exist where you work? [Flexible work]",
    ]
    rows = [["1", "Y", ""], ["2", "", "Y"], ["3", "Y", "Y"]]
    text = "".join(";".join(f'"{c}"' for c in r) + "\r\n" for r in [heads, *rows])
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    proposal = detect_mapping(read_limesurvey(path), load_instrument())
    entries = {entry.item: entry for entry in proposal.items}
    assert "ep" not in entries
    assert dict(entries["kc"].columns) == {"parental_leave": "KC[SQ001]", "flexible_work": "KC[SQ002]"}
    assert Mapping.from_yaml(proposal.to_yaml()).items == proposal.items  # the proposal loads back

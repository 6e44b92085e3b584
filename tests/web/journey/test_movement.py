"""Movement between two placements is claimed only beyond the margin of error of a difference."""

from __future__ import annotations

import math

import pytest

from allypath.web.journey.movement import Z, certainty, index_margin, movement


def _placed(index: float, se: float, top: float = 0.9) -> dict[str, object]:
    rest = (1 - top) / 3
    return {
        "status": "scored",
        "stage": 2,
        "index": index,
        "index_se": se,
        "p_apathy": rest,
        "p_ambivalence": top,
        "p_reflective": rest,
        "p_energised": rest,
    }


def test_a_change_inside_the_margin_is_not_called_movement():
    margin = Z * math.hypot(5, 5)  # about 13.9
    assert movement(_placed(40, 5), _placed(40 + margin - 0.5, 5)).key == "moved_unclear"
    assert movement(_placed(40, 5), _placed(40 + margin + 0.5, 5)).key == "moved_forward"
    assert movement(_placed(40, 5), _placed(40 - margin - 0.5, 5)).key == "moved_back"
    said = movement(_placed(40, 5), _placed(60, 5))
    assert (said.before, said.after, said.margin) == (40, 60, 14)


def test_no_claim_when_either_side_is_not_placed():
    unplaced = {"status": "suspect", "stage": None, "index": None}
    assert movement(unplaced, _placed(90, 1)).key == "moved_cannot"
    assert movement(_placed(10, 1), {"status": "insufficient"}).key == "moved_cannot"


@pytest.mark.parametrize(("top", "key"), [(0.95, "sure_high"), (0.7, "sure_mid"), (0.45, "sure_low")])
def test_how_sure_in_words(top, key):
    assert certainty(_placed(50, 3, top)) == (key, round(100 * top))


def test_an_estimate_is_never_certain_and_a_margin_never_zero():
    assert certainty(_placed(99.9, 0.1, 0.9999))[1] == 99
    assert index_margin(_placed(50, 0.0)) == 1
    assert index_margin(_placed(50, 5.0)) == 10

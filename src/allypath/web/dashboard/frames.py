"""Responses of some waves as the scored frame the analytics read (docs/architecture.md).

One row per stored response: ``respondent_id`` (the response's random id: the privacy gate's member
key), ``wave`` (the wave's label), the invitation's coarse ``level`` and ``region``, ``panel_key``
(panel waves), the scored result, the turning points as ``tp_<option>`` 0/1 columns and the
open-text answers ``ot1``/``ot2``. ``score_knowledge_check`` is computed here, against the policies
the organisation declares (``Organisation.policies``): missing for everyone until it declares them.

Units form a hierarchy; a filter on a unit means its whole subtree. Each depth gets its own column
(:func:`unit_column`: ``unit`` for the top level, ``unit2`` for the level below, ...) holding the
path of the response's ancestor at that depth, so ``{"unit2": "Sales/EMEA"}`` selects everyone in
Sales/EMEA and below, the same people in every wave, and a breakdown by sub-unit is a breakdown by
the next column. Nothing here aggregates: the frame goes to ``allypath.analytics``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from allypath.web.orgs.models import Invitation, Wave

__all__ = ["UNIT_PATH", "invitation_frame", "knowledge_share", "response_frame", "unit_column", "wave_labels"]

UNIT_PATH = "unit_path"
# scored-output fields the analytics do not read (labels, provenance)
_SKIP = {"reason", "stage_label", "instrument", "scoring_model", "respondent_id"}
_TEXT = ("ot1", "ot2")
_TURNING_POINTS = "tp"
_KNOWLEDGE_CHECK = "kc"


def knowledge_share(chosen: object, declared: dict[str, bool]) -> float:
    """Share of the declared policies a man classified right: ticked if the organisation has it, left
    unticked if it does not (NaN when he skipped the question or nothing is declared).

    Examples
    --------
    >>> knowledge_share(["flexible_work"], {"flexible_work": True, "pay_gap_review": False})
    1.0
    >>> knowledge_share(["pay_gap_review"], {"flexible_work": True, "pay_gap_review": False})
    0.0
    """
    if not isinstance(chosen, list) or not declared:
        return float("nan")
    right = sum((option in chosen) == has for option, has in declared.items())
    return right / len(declared)


def unit_column(depth: int) -> str:
    """The frame column holding each row's ancestor unit at ``depth`` (0 = top level)."""
    return "unit" if depth == 0 else f"unit{depth + 1}"


def wave_labels(waves: Iterable[Wave]) -> dict[int, str]:
    """Each wave's label in the data: its name, with its id where two waves share a name."""
    waves = list(waves)
    names = [w.name for w in waves]
    return {w.pk: w.name if names.count(w.name) == 1 else f"{w.name} (#{w.pk})" for w in waves}


def _add_unit_columns(frame: pd.DataFrame, depth: int) -> pd.DataFrame:
    parts = frame[UNIT_PATH].astype("string").str.split("/")
    for level in range(depth + 1):
        ancestor = parts.map(lambda p, n=level + 1: "/".join(p[:n]) if len(p) >= n else pd.NA)
        frame[unit_column(level)] = ancestor.astype("string")
    return frame


def _turning_points(answers: dict[str, Any], options: Sequence[str]) -> dict[str, float]:
    chosen = answers.get(_TURNING_POINTS)
    if not isinstance(chosen, list):
        return {f"tp_{o}": np.nan for o in options}
    return {f"tp_{o}": float(o in chosen) for o in options}


def response_frame(
    waves: Sequence[Wave],
    labels: dict[int, str],
    depth: int,
    declared_policies: dict[str, bool] | None = None,
) -> pd.DataFrame:
    """The stored responses of ``waves`` as one scored frame (see the module docstring).

    ``labels`` maps wave id to the ``wave`` column's value; ``depth`` is the deepest unit level;
    ``declared_policies`` the organisation's policies (option id -> has it) the knowledge check is
    scored against.
    """
    declared = {str(k): bool(v) for k, v in (declared_policies or {}).items()}
    from allypath.model import TURNING_POINTS
    from allypath.web.survey.models import Response

    options = [t.key for t in TURNING_POINTS]
    rows = []
    fields = ("id", "wave_id", "unit__path", "level", "region", "panel_key", "result", "answers")
    for rid, wave_id, path, level, region, panel, result, answers in (
        Response.objects.filter(wave__in=waves).order_by("id").values_list(*fields).iterator(2000)
    ):
        row = {k: v for k, v in result.items() if k not in _SKIP}
        row.update(_turning_points(answers, options))
        row["score_knowledge_check"] = knowledge_share(answers.get(_KNOWLEDGE_CHECK), declared)
        row.update({t: answers.get(t) for t in _TEXT})
        row.update(
            respondent_id=str(rid),
            wave=labels[wave_id],
            unit_path=path,
            level=level or pd.NA,
            region=region or pd.NA,
            panel_key=panel or pd.NA,
        )
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["respondent_id", "wave", UNIT_PATH, "level", "region", "stage"])
    for column in ("respondent_id", "wave", UNIT_PATH, "level", "region", "panel_key"):
        if column in frame:
            frame[column] = frame[column].astype("string")
    return _add_unit_columns(frame, depth)


def invitation_frame(wave: Wave, depth: int) -> pd.DataFrame:
    """The wave's invitations (HR's own population, not responses): unit columns, level, region."""
    rows = Invitation.objects.filter(wave=wave).values_list("unit__path", "level", "region")
    frame = pd.DataFrame(list(rows), columns=[UNIT_PATH, "level", "region"], dtype="string")
    frame = frame.replace({"": pd.NA})
    return _add_unit_columns(frame, depth)

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

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Count, TextField
from django.db.models.functions import MD5, Cast, Concat

from allypath.web import db_changes
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
    # an organisation has far fewer units than rows: each path's ancestors are worked out once
    paths = frame[UNIT_PATH].astype("string")
    units = [str(p).split("/") for p in paths.dropna().unique()]
    for level in range(depth + 1):
        ancestors = {"/".join(p): "/".join(p[: level + 1]) for p in units if len(p) > level}
        frame[unit_column(level)] = paths.map(ancestors).astype("string")
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

    Every dashboard page asks for its organisation's frame at least twice (its figures and the
    summary that opens it), and building it (decoding every stored answer, then the frame) costs
    far more than reading the rows: the frame is kept for the rows as stored (each row's fields and
    an MD5 of its stored result and answers), so an unchanged database gives the frame built before
    and any change to a row builds it anew. On SQLite, while the database is unchanged
    (``web/db_changes.py``) the key is not worked out again either. The caller gets a shallow copy
    (copy-on-write: its changes stay its own).
    """
    declared = {str(k): bool(v) for k, v in (declared_policies or {}).items()}
    from allypath.web.survey.models import Response

    # read before the rows: a commit in between then changes the state after it, never before
    state = db_changes.state(Response)
    settings = json.dumps([sorted(labels.items()), depth, sorted(declared.items())])
    asked = ("frame key", tuple(w.pk for w in waves), settings)
    key = _seen_since(state, asked)
    if key is None:
        key = _frame_key(_stored_rows(waves, text=False), labels, depth, declared)
    with _FRAMES_LOCK:  # a worker serves on two threads: one may drop the key the other just found
        frame = _FRAMES.get(key)
        if frame is not None:
            _FRAMES.move_to_end(key)
    if frame is None:
        rows = _stored_rows(waves, text=True)
        # keyed by the rows it is built from: a response arriving between the two reads is in both
        # the frame and its key, never in one only
        key = _frame_key(rows, labels, depth, declared)
        frame = _build_frame(rows, labels, depth, declared)
        with _FRAMES_LOCK:
            _FRAMES[key] = frame
            while len(_FRAMES) > _FRAMES_KEPT:
                _FRAMES.popitem(last=False)
    _remember(state, asked, key)
    return frame.copy(deep=False)


#: Frames built lately, by the exact state they were built from (:func:`_frame_key`). A few: each
#: worker keeps the organisations its users are looking at (about 900 bytes a response, measured on
#: the demo: 90 MB for 100,000).
_FRAMES: OrderedDict[str, pd.DataFrame] = OrderedDict()
_FRAMES_KEPT = 4
_FRAMES_LOCK = threading.Lock()
_FIELDS = ("id", "wave_id", "unit__path", "level", "region", "panel_key", "stored")


#: Per thread (a Django connection is a thread's own): the database's state last seen
#: (``web/db_changes.py``) and what was read from it then: frame keys by waves and settings,
#: invitation counts by wave and depth.
_SEEN = threading.local()
_SEEN_KEPT = 16


def _seen_since(now: db_changes.State | None, asked: tuple[Any, ...]) -> Any:
    """What was read for ``asked`` while the database was as it is ``now`` (None if nothing).

    On SQLite the frame key's MD5 of every row's answers runs in Python, row by row: about a third of
    a dashboard page at 6,700 responses (measured). SQLite tells in constant time that nothing changed.
    """
    if not db_changes.same(getattr(_SEEN, "state", None), now):
        return None
    return _SEEN.kept.get(asked)


def _remember(then: db_changes.State | None, asked: tuple[Any, ...], value: Any) -> None:
    if then is None:
        return
    if not db_changes.same(getattr(_SEEN, "state", None), then):
        _SEEN.state, _SEEN.kept = then, {}
    _SEEN.kept[asked] = value
    while len(_SEEN.kept) > _SEEN_KEPT:
        del _SEEN.kept[next(iter(_SEEN.kept))]


def _stored_rows(waves: Sequence[Wave], *, text: bool) -> list[tuple[Any, ...]]:
    """Each response's fields as stored and ``stored``, the MD5 of its result and answers as stored
    (computed by the database: the key of an unchanged frame reads no answer); with ``text`` also its
    result and answers as their JSON text (not decoded)."""
    from allypath.web.survey.models import Response

    as_text = (Cast("result", TextField()), Cast("answers", TextField()))
    stored = MD5(Concat(*as_text, output_field=TextField()))
    rows = Response.objects.filter(wave__in=waves).annotate(stored=stored).order_by("id")
    return list(rows.values_list(*_FIELDS, *(as_text if text else ())).iterator(2000))


def _frame_key(
    rows: list[tuple[Any, ...]], labels: dict[int, str], depth: int, declared: dict[str, bool]
) -> str:
    """A digest of everything the frame is built from: every row as stored and the settings."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(json.dumps([sorted(labels.items()), depth, sorted(declared.items())]).encode())
    for row in rows:
        digest.update(repr(row[: len(_FIELDS)]).encode())
    return digest.hexdigest()


def _build_frame(
    rows: list[tuple[Any, ...]], labels: dict[int, str], depth: int, declared: dict[str, bool]
) -> pd.DataFrame:
    from allypath.model import TURNING_POINTS

    options = [t.key for t in TURNING_POINTS]
    records = []
    for rid, wave_id, path, level, region, panel, _, result_text, answers_text in rows:
        result, answers = json.loads(result_text), json.loads(answers_text)
        record = {k: v for k, v in result.items() if k not in _SKIP}
        record.update(_turning_points(answers, options))
        record["score_knowledge_check"] = knowledge_share(answers.get(_KNOWLEDGE_CHECK), declared)
        record.update({t: answers.get(t) for t in _TEXT})
        record.update(
            respondent_id=str(rid),
            wave=labels[wave_id],
            unit_path=path,
            level=level or pd.NA,
            region=region or pd.NA,
            panel_key=panel or pd.NA,
        )
        records.append(record)
    frame = pd.DataFrame(records)
    if frame.empty:
        frame = pd.DataFrame(columns=["respondent_id", "wave", UNIT_PATH, "level", "region", "stage"])
    for column in ("respondent_id", "wave", UNIT_PATH, "level", "region", "panel_key"):
        if column in frame:
            frame[column] = frame[column].astype("string")
    return _add_unit_columns(frame, depth)


def invitation_frame(wave: Wave, depth: int) -> pd.DataFrame:
    """The wave's invitations (HR's own population, not responses), counted in the database: one row
    per unit, level and region invited (unit columns, level, region) with ``invited``, how many.

    Counted, not listed: a page needs only how many were invited in each group, and a large
    organisation's wave invites tens of thousands of people. On SQLite the counts are kept while the
    database is unchanged, as the frame's key is (:func:`response_frame`)."""
    state = db_changes.state(Invitation)  # before the count: see response_frame
    asked = ("invitations", wave.pk, depth)
    kept = _seen_since(state, asked)
    if kept is None:
        keys = ("unit__path", "level", "region")
        rows = Invitation.objects.filter(wave=wave).order_by().values_list(*keys).annotate(n=Count("id"))
        kept = pd.DataFrame(list(rows), columns=[UNIT_PATH, "level", "region", "invited"])
        kept = kept.astype({UNIT_PATH: "string", "level": "string", "region": "string", "invited": "int64"})
        kept = _add_unit_columns(kept.replace({"": pd.NA}), depth)
        _remember(state, asked, kept)
    return kept.copy(deep=False)

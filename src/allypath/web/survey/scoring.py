"""Score submissions with the core into JSON-safe values: one (``score_record``, no pandas), or a
file's rows (``allypath.score``, one DataFrame). Both give the same values for the same answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import pandas as pd

import allypath
from allypath._values import plain
from allypath.instrument import Instrument
from allypath.scoring import score_record
from allypath.web.survey.answers import wide_row

__all__ = ["RUSHED_REASON", "score_many", "score_one", "set_aside"]

#: The reason of answers sent faster than the questions can be read (allypath.web.survey.pace).
RUSHED_REASON = "answered faster than the questions can be read (under 2 seconds a question)"
# What a row set aside keeps: who, why, how it was scored and the careless statistics, not a stage.
_KEPT = ("status", "reason", "form", "instrument", "scoring_model", "person_fit", "longest_run")
_KEPT_TOO = ("answer_sd", "reverse_conflicts")


def score_one(clean: Mapping[str, Any], instrument: Instrument, form: str) -> dict[str, Any]:
    """The scored-output row (docs/architecture.md, "Contracts") for one respondent's clean answers.

    The wide row goes straight into the kernel (:func:`allypath.scoring.score_record`): no DataFrame
    is built, which made up most of a submission's scoring time (profile in BENCHMARKS.md). The
    values are those :func:`score_many` gives for the same answers, to the last bit.
    """
    active = instrument.form(form)
    record = {
        column: None if value is None else float(cast(Any, value))  # as score_many's float64 columns
        for column, value in wide_row(clean, active).items()
        if not active.column(column).is_text
    }
    scored = score_record(record, instrument, form=form, on_error="mark")
    return {key: plain(value) for key, value in scored.items() if not active.has_column(key)}


def score_many(
    cleans: Sequence[Mapping[str, Any]], instrument: Instrument, form: str
) -> list[dict[str, Any]]:
    """:func:`score_one` for many respondents in one ``allypath.score`` call (an imported file)."""
    if not cleans:
        return []
    active = instrument.form(form)
    rows = [wide_row(clean, active) for clean in cleans]
    frame = pd.DataFrame(rows, columns=list(rows[0]))
    text_columns = [c.id for c in active.columns if c.is_text]
    numeric = [c for c in frame.columns if c not in text_columns]
    frame[numeric] = frame[numeric].astype("float64")
    scored = allypath.score(frame.drop(columns=text_columns), instrument, form=form, on_error="mark")
    # The wide answers are stored separately; keep only the scored columns here.
    return [
        {str(k): plain(v) for k, v in record.items() if not active.has_column(str(k))}
        for record in scored.to_dict("records")
    ]


def set_aside(result: Mapping[str, Any], reason: str) -> dict[str, Any]:
    """A scored row set aside as careless for ``reason`` (added to any it had): status ``suspect``
    and, as the engine leaves such a row, no stage, probabilities, index or context stage."""
    out = dict(result)
    if out.get("status") == "insufficient":
        return out  # too few answers already says why no stage is shown
    for key in out:
        if key in _KEPT or key in _KEPT_TOO or key.startswith("score_"):
            continue
        if key.startswith(("p_", "context_")) or key in _PLACEMENT:
            out[key] = None
    out["status"] = "suspect"
    out["reason"] = "; ".join(r for r in (out.get("reason") or "", reason) if r)
    return out


_PLACEMENT = (
    "stage",
    "stage_label",
    "index",
    "index_se",
    "between_stages",
    "trailing_stage",
    "leading_stage",
    "perception_gap",
)

"""The one scoring entry point: responses -> construct scores -> stage probabilities (DESIGN §5).

``score`` checks the answers, runs the numeric kernel (:mod:`allypath.scoring.kernel`) and lays the
result out in the scored-output contract. Nothing here loops over respondents.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from allypath.errors import DataError
from allypath.instrument import Instrument, load_instrument
from allypath.model import STAGES
from allypath.scoring.answers import Answers, read_answers, unknown_item_columns
from allypath.scoring.kernel import KernelResult, run_kernel
from allypath.scoring.plan import build_plan
from allypath.scoring.stage_model import StageModel, load_stage_model

__all__ = ["PROBABILITY_COLUMNS", "choose_form", "score"]

PROBABILITY_COLUMNS = tuple(f"p_{stage.key}" for stage in STAGES)
_LABELS = [s.label.get_lang("en") for s in STAGES]


def choose_form(columns: list[str] | pd.Index, instrument: Instrument) -> str:
    """``full`` when the table has the full form's stage items, else ``short`` if it has those."""
    present = set(columns)
    stage_items = [i.id for c in instrument.constructs_of("stage") for i in c.items]
    if all(i in present for i in stage_items):
        return "full"
    short_items = [i.id for c in instrument.form("short").constructs_of("stage") for i in c.items]
    if short_items and all(i in present for i in short_items):
        return "short"
    return "full"


def score(
    responses: pd.DataFrame,
    instrument: Instrument | None = None,
    *,
    model: StageModel | None = None,
    form: str | None = None,
    on_error: str = "raise",
    answer_key: Mapping[str, bool] | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Score a wide response table: one output row per input row (DESIGN §5 "Scored output").

    Parameters
    ----------
    responses : wide table, one row per response, one column per item id.
    instrument : the instrument the answers belong to (default: the packaged one).
    model : the stage scoring model (default: the packaged, versioned model).
    form : ``"full"`` or ``"short"``; by default chosen from the columns present.
    on_error : ``"raise"`` (a :class:`DataError` naming row and column) or ``"mark"`` (the row is
        ``insufficient`` with the reason).
    answer_key : the organisation's actual policies for the knowledge check, option id -> bool.
    source : file name for error messages.

    Returns
    -------
    DataFrame with the input's attribute columns, then ``status``, ``reason``, ``stage``,
    ``stage_label``, ``p_<stage>``, ``index``, ``index_se``, ``between_stages``, ``trailing_stage``,
    ``leading_stage``, ``perceived_stage``, ``perception_gap``, ``score_<construct>``,
    ``context_<name>_stage``, ``instrument`` and ``scoring_model``.

    Examples
    --------
    >>> import allypath
    >>> scored = allypath.score(allypath.simulate(200, seed=1))
    >>> bool((scored[list(PROBABILITY_COLUMNS)].sum(axis=1) - 1).abs().max() < 1e-9)
    True
    """
    instrument = instrument or load_instrument()
    model = model or load_stage_model()
    if not all(isinstance(c, str) for c in responses.columns):
        responses = responses.rename(columns=str)
    columns = list(responses.columns)
    unknown = unknown_item_columns(columns, instrument)
    if unknown:
        raise DataError(
            f"unknown item column(s) for instrument {instrument.id} {instrument.version}: "
            f"{', '.join(unknown)}",
            file=source,
            column=unknown[0],
        )
    if len(set(columns)) != len(columns):
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        raise DataError(f"duplicated column(s): {', '.join(duplicated)}", file=source, column=duplicated[0])
    form = form or choose_form(responses.columns, instrument)
    active = instrument.form(form)
    answers = read_answers(responses, active, on_error=on_error, source=source)
    plan = build_plan(active, model)
    result = run_kernel(answers.matrix, plan)

    reasons = answers.problems.copy()
    bad_rows = reasons != ""
    needed = plan.construct_needed[plan.stage_scale_index]
    sizes = plan.construct_sizes[plan.stage_scale_index]
    for slot, k in enumerate(plan.stage_scale_index):
        count = result.construct_counts[:, k]
        short = (count < needed[slot]) & (reasons == "")
        if short.any():
            name = plan.construct_names[k]
            reasons[short] = [
                f"{name}: {c} of {sizes[slot]} items answered (needs {int(needed[slot])})"
                for c in count[short]
            ]
    _unplace(result, bad_rows)
    attributes = [c for c in columns if not instrument.has_column(c)]
    out = _assemble(
        responses, attributes, active, model, result, reasons, answers, plan.construct_names, answer_key
    )
    out.attrs["instrument"] = f"{instrument.id} {instrument.version}"
    out.attrs["form"] = form
    out.attrs["scoring_model"] = model.label
    return out


def _unplace(result: KernelResult, rows: np.ndarray) -> None:
    """Rows with bad cells (``on_error="mark"``) get no stage, whatever their other answers say."""
    if not rows.any():
        return
    result.placed[rows] = False
    result.probabilities[rows] = np.nan
    for array in (result.stage, result.trailing, result.leading):
        array[rows] = 0
    result.index[rows] = np.nan
    result.index_se[rows] = np.nan
    result.between[rows] = False
    for stages in result.context_stages.values():
        stages[rows] = 0


def _int8(values: np.ndarray) -> pd.arrays.IntegerArray:
    """1..4 codes with 0 meaning "none" as a nullable Int8 array."""
    return pd.arrays.IntegerArray(values.astype(np.int8), values == 0)


def _assemble(
    responses: pd.DataFrame,
    attribute_columns: list[str],
    instrument: Instrument,
    model: StageModel,
    result: KernelResult,
    reasons: np.ndarray,
    answers: Answers,
    construct_names: tuple[str, ...],
    answer_key: Mapping[str, bool] | None,
) -> pd.DataFrame:
    n = len(reasons)
    placed = result.placed
    out: dict[str, object] = {}
    if "respondent_id" not in attribute_columns:
        out["respondent_id"] = pd.array([None] * n, dtype="string")
    for name in attribute_columns:
        out[str(name)] = responses[name].array
    out["status"] = pd.Categorical.from_codes(
        np.where(placed, 0, 1), categories=pd.Index(["scored", "insufficient"])
    )
    reason_codes, reason_values = pd.factorize(reasons, sort=True)
    out["reason"] = pd.Categorical.from_codes(reason_codes, categories=pd.Index(reason_values.astype(str)))
    out["stage"] = _int8(result.stage)
    out["stage_label"] = pd.Categorical.from_codes(
        result.stage.astype(np.int16) - 1, categories=pd.Index(_LABELS)
    )
    for j, name in enumerate(PROBABILITY_COLUMNS):
        out[name] = result.probabilities[:, j]
    out["index"] = result.index
    out["index_se"] = result.index_se
    out["between_stages"] = pd.arrays.BooleanArray(result.between, ~placed)
    out["trailing_stage"] = _int8(result.trailing)
    out["leading_stage"] = _int8(result.leading)
    perceived = _perceived_stage(answers, instrument)
    perceived_codes = np.nan_to_num(perceived, nan=0).astype(np.int8)
    out["perceived_stage"] = _int8(perceived_codes)
    gap = perceived_codes - result.stage
    out["perception_gap"] = pd.arrays.IntegerArray(gap.astype(np.int8), (perceived_codes == 0) | ~placed)
    for k, construct_id in enumerate(construct_names):
        out[f"score_{construct_id}"] = result.construct_scores[:, k]
    knowledge = _knowledge_check(answers, instrument, answer_key)
    if knowledge is not None:
        out["score_knowledge_check"] = knowledge
    participation = _participation(answers, instrument)
    if participation is not None:
        out["participation_count"] = participation
    for name, stages in result.context_stages.items():
        out[f"context_{name}_stage"] = _int8(stages)
    out["instrument"] = pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int8), categories=pd.Index([f"{instrument.id} {instrument.version}"])
    )
    out["scoring_model"] = pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int8), categories=pd.Index([model.label])
    )
    return pd.DataFrame(out, index=responses.index)


def _perceived_stage(answers: Answers, instrument: Instrument) -> np.ndarray:
    items = [i for c in instrument.constructs_of("self_placement") for i in c.items]
    values = answers.get(items[0].id) if items else None
    return np.full(answers.n_rows, np.nan) if values is None else values


def _knowledge_check(
    answers: Answers, instrument: Instrument, answer_key: Mapping[str, bool] | None
) -> np.ndarray | None:
    """Share of the knowledge-check options classified correctly (NaN when not answered)."""
    checks = [i for c in instrument.constructs_of("knowledge") for i in c.items if i.type == "checklist"]
    if not checks:
        return None
    n = answers.n_rows
    right = np.zeros(n)
    judged = np.zeros(n)
    for item in checks:
        for option in item.options:
            values = answers.get(f"{item.id}_{option.id}")
            if values is None or option.exclusive:
                continue
            truth = answer_key.get(option.id or "", option.correct) if answer_key else option.correct
            if truth is None:
                continue
            ok = ~np.isnan(values)
            right += ok & ((values == 1) == truth)
            judged += ok
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(judged > 0, right / np.maximum(judged, 1), np.nan)


def _participation(answers: Answers, instrument: Instrument) -> np.ndarray | None:
    """Number of initiatives taken part in (NaN when the checklist was not answered)."""
    lists = [i for c in instrument.constructs_of("engagement") for i in c.items if i.type == "checklist"]
    if not lists:
        return None
    n = answers.n_rows
    total = np.zeros(n)
    seen = np.zeros(n, dtype=bool)
    for item in lists:
        for option in item.options:
            values = answers.get(f"{item.id}_{option.id}")
            if values is None:
                continue
            ok = ~np.isnan(values)
            seen |= ok
            if not option.exclusive:
                total += np.where(ok, values, 0)
    return np.where(seen, total, np.nan)

"""The one scoring entry point: responses -> construct scores -> stage probabilities (docs/architecture.md).

``score`` checks the answers, runs the numeric kernel (:mod:`allypath.scoring.kernel`) and lays the
result out in the scored-output contract. ``score_arrow`` does the same on an Arrow table and returns
one: large files and the out-of-core engines never build a pandas frame. Both share every step but the
last (turning the output columns into pandas or Arrow arrays), so their results are the same cells.
Nothing here loops over respondents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from allypath._values import plain
from allypath.errors import DataError
from allypath.instrument import Instrument, load_instrument
from allypath.model import STAGES
from allypath.scoring.answers import Answers, Table, read_answers, read_record, unknown_item_columns
from allypath.scoring.careless import flag_careless
from allypath.scoring.kernel import KernelResult, ScoringPlan, run_kernel
from allypath.scoring.plan import build_plan
from allypath.scoring.stage_model import STAGE_INFORMATIVE_KINDS, StageModel, load_stage_model

__all__ = [
    "CAREFUL_COLUMNS",
    "PROBABILITY_COLUMNS",
    "STATUSES",
    "choose_form",
    "context_columns",
    "kept_columns",
    "score",
    "score_arrow",
    "score_record",
]

PROBABILITY_COLUMNS = tuple(f"p_{stage.key}" for stage in STAGES)
#: ``status`` values: placed, too few or bad answers, set aside as careless.
STATUSES = ("scored", "insufficient", "suspect")
#: The careless-responding statistics, one column each (:mod:`allypath.scoring.careless`).
CAREFUL_COLUMNS = ("person_fit", "longest_run", "answer_sd", "reverse_conflicts")


def context_columns(context: str) -> tuple[str, ...]:
    """A context's probability columns, ``context_<name>_p_<stage>``, in stage order."""
    return tuple(f"context_{context}_{column}" for column in PROBABILITY_COLUMNS)


_LABELS = [s.label.get_lang("en") for s in STAGES]


def choose_form(columns: Sequence[str] | pd.Index, instrument: Instrument) -> str:
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
    """Score a wide response table: one output row per input row (docs/architecture.md).

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
    DataFrame with the input's attribute columns, then ``status`` (``scored``, ``insufficient`` or
    ``suspect``), ``reason``, ``stage``, ``stage_label``, ``p_<stage>``, ``index``, ``index_se``,
    ``between_stages``, ``trailing_stage``, ``leading_stage``, ``perceived_stage``,
    ``perception_gap``, ``score_<construct>``, ``context_<name>_stage`` and
    ``context_<name>_p_<stage>``, ``person_fit``, ``longest_run``, ``answer_sd``,
    ``reverse_conflicts``, ``instrument`` and ``scoring_model``. A ``suspect`` row failed a
    careless-responding check (``reason`` names each) and, like an ``insufficient`` one, has no stage.

    Examples
    --------
    >>> import allypath
    >>> scored = allypath.score(allypath.simulate(200, seed=1))
    >>> placed = scored[scored["status"] == "scored"]
    >>> bool((placed[list(PROBABILITY_COLUMNS)].sum(axis=1) - 1).abs().max() < 1e-9)
    True
    """
    if not all(isinstance(c, str) for c in responses.columns):
        responses = responses.rename(columns=str)
    scored = _score_columns(responses, instrument, model, form, on_error, answer_key, source)
    out: dict[str, object] = {}
    for name, column in scored.columns:
        out[name] = responses[name].array if column is None else column.to_pandas()
    frame = pd.DataFrame(out, index=responses.index)
    frame.attrs.update(scored.attrs)
    return frame


def score_arrow(
    responses: pa.Table,
    instrument: Instrument | None = None,
    *,
    model: StageModel | None = None,
    form: str | None = None,
    on_error: str = "raise",
    answer_key: Mapping[str, bool] | None = None,
    source: str | None = None,
    keep: Sequence[str] | None = None,
) -> pa.Table:
    """:func:`score` for an Arrow table: the same output columns, as Arrow arrays.

    Attribute columns pass through untouched (no copy); the result holds the cells
    ``pa.Table.from_pandas(score(responses.to_pandas()))`` would, and ``instrument``, ``form`` and
    ``scoring_model`` in its schema metadata (``allypath.*`` keys). ``keep`` (names, or prefixes
    ending in ``_``: :func:`kept_columns`) gives only those columns, and the others are never turned
    into Arrow arrays (a tenth of the scoring time when a report keeps a third of ~80 columns).

    Examples
    --------
    >>> import allypath, pyarrow as pa
    >>> table = pa.Table.from_pandas(allypath.simulate(50, seed=1), preserve_index=False)
    >>> score_arrow(table).schema.metadata[b"allypath.form"]
    b'full'
    """
    scored = _score_columns(responses, instrument, model, form, on_error, answer_key, source)
    columns = dict(scored.columns)
    names = kept_columns(list(columns), keep)
    arrays = []
    for name in names:
        column = columns[name]
        arrays.append(responses.column(name) if column is None else column.to_arrow())
    table = pa.Table.from_arrays(arrays, names=names)
    return table.replace_schema_metadata({f"allypath.{k}": v for k, v in scored.attrs.items()})


def kept_columns(names: Sequence[str], keep: Sequence[str] | None) -> list[str]:
    """Names in ``keep`` (exactly, or by a prefix ending in ``_``), in their own order; all if None.

    >>> kept_columns(["stage", "p_apathy", "p_ambivalence", "unit"], ["p_", "stage"])
    ['stage', 'p_apathy', 'p_ambivalence']
    """
    if keep is None:
        return list(names)
    prefixes = tuple(k for k in keep if k.endswith("_"))
    exact = set(keep)
    return [n for n in names if n in exact or n.startswith(prefixes)]


def score_record(
    record: Mapping[str, object],
    instrument: Instrument | None = None,
    *,
    model: StageModel | None = None,
    form: str | None = None,
    on_error: str = "raise",
    answer_key: Mapping[str, bool] | None = None,
    source: str | None = None,
) -> dict[str, object]:
    """:func:`score` for one respondent given as a wide row ``{column: value}``, without pandas.

    What a web submission needs: the answers go straight into a one-row matrix for the kernel, and
    the output row comes back as plain Python values. It is the row
    ``score(pd.DataFrame([record])).to_dict("records")[0]`` holds, cell for cell, with every missing
    cell (NaN, ``<NA>``) as ``None``; the column order is the same.

    Examples
    --------
    >>> row = score_record({"ap1": 1, "am1": 2, "re1": 4, "en1": 5})
    >>> row["status"], row["stage"]
    ('insufficient', None)
    """
    instrument = instrument or load_instrument()
    model = model or load_stage_model()
    record = {str(k): v for k, v in record.items()}
    columns = list(record)
    chosen = _check_columns(columns, instrument, form, source)
    answers = read_record(record, instrument.form(chosen), on_error=on_error, source=source)
    scored = _score_answers(answers, columns, instrument, model, chosen, form is None, answer_key)
    return {
        name: plain(record[name]) if column is None else column.value(0) for name, column in scored.columns
    }


@dataclass(frozen=True)
class _Column:
    """One output column, kept as numpy until the caller picks pandas or Arrow.

    ``kind`` is ``float`` (``values``), ``int`` or ``bool`` (``values`` with a ``missing`` mask),
    ``category`` (``values`` are codes into ``categories``, -1 = missing) or ``text`` (all missing).
    """

    kind: str
    values: np.ndarray
    missing: np.ndarray | None = None
    categories: tuple[str, ...] = ()

    @property
    def mask(self) -> np.ndarray:
        return np.zeros(len(self.values), dtype=bool) if self.missing is None else self.missing

    def to_pandas(self) -> object:
        if self.kind == "float":
            return self.values
        if self.kind == "int":
            return pd.arrays.IntegerArray(self.values, self.mask)
        if self.kind == "bool":
            return pd.arrays.BooleanArray(self.values, self.mask)
        if self.kind == "category":
            return pd.Categorical.from_codes(self.values, categories=pd.Index(self.categories))
        return pd.array(np.full(len(self.values), None, dtype=object), dtype="string")

    def value(self, row: int) -> object:
        """One cell as a plain Python value (``None`` when missing): the value ``to_pandas()``'s
        column gives in ``DataFrame.to_dict``."""
        if self.kind == "float":
            number = float(self.values[row])
            return None if np.isnan(number) else number
        if self.kind in ("int", "bool"):
            if self.missing is not None and self.missing[row]:
                return None
            return bool(self.values[row]) if self.kind == "bool" else int(self.values[row])
        if self.kind == "category":
            code = int(self.values[row])
            return None if code < 0 else self.categories[code]
        return None

    def to_arrow(self) -> pa.Array:
        if self.kind == "float":
            # NaN -> null, as pandas writes it (a mask is 4-8x faster than from_pandas=True).
            return pa.array(self.values, mask=np.isnan(self.values))
        if self.kind in ("int", "bool"):
            return pa.array(self.values, mask=self.mask)
        if self.kind == "category":
            # The index width pandas would choose for as many categories, so both paths agree.
            width = (
                np.int8
                if len(self.categories) < 127
                else np.int16
                if len(self.categories) < 32767
                else np.int32
            )
            codes: np.ndarray = self.values.astype(width)
            return pa.DictionaryArray.from_arrays(
                pa.array(codes, mask=codes < 0), pa.array(self.categories, type=pa.large_string())
            )
        return pa.nulls(len(self.values), type=pa.large_string())


@dataclass(frozen=True)
class _Scored:
    """The output in contract order: ``(name, column)``, with ``None`` for a passed-through attribute."""

    columns: list[tuple[str, _Column | None]]
    attrs: dict[str, str]


def _score_columns(
    responses: Table,
    instrument: Instrument | None,
    model: StageModel | None,
    form: str | None,
    on_error: str,
    answer_key: Mapping[str, bool] | None,
    source: str | None,
) -> _Scored:
    instrument = instrument or load_instrument()
    model = model or load_stage_model()
    columns = [
        str(c) for c in (responses.column_names if isinstance(responses, pa.Table) else responses.columns)
    ]
    chosen = _check_columns(columns, instrument, form, source)
    answers = read_answers(responses, instrument.form(chosen), on_error=on_error, source=source)
    return _score_answers(answers, columns, instrument, model, chosen, form is None, answer_key)


def _check_columns(columns: list[str], instrument: Instrument, form: str | None, source: str | None) -> str:
    """Refuse unknown item columns and duplicated columns; the form to score (``form`` or chosen)."""
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
    chosen = form or choose_form(columns, instrument)
    _refuse_missing_scales(columns, instrument.form(chosen), source)
    return chosen


def _refuse_missing_scales(columns: list[str], active: Instrument, source: str | None) -> None:
    """Refuse input without a single column of a stage scale: nobody in it could be placed, and scoring
    it would only mark every row insufficient (each form has every stage scale). A blank column is
    fine: the respondents skipped the scale, which their rows say."""
    present = set(columns)
    for construct in active.constructs_of("stage"):
        ids = [item.id for item in active.items if item.construct == construct.id]
        if ids and not present.intersection(ids):
            raise DataError(
                f"no column of the stage scale {construct.label.get_lang('en')!r} ({', '.join(ids)}), so"
                " nobody could be placed: are these answers to"
                f" {active.id} {active.version} under its column names? (allypath import detect maps"
                " another tool's export)",
                file=source,
                column=ids[0],
            )


def _score_answers(
    answers: Answers,
    columns: list[str],
    instrument: Instrument,
    model: StageModel,
    form: str,
    per_row: bool,
    answer_key: Mapping[str, bool] | None,
) -> _Scored:
    """Checked answers (of ``instrument.form(form)``) -> the output columns; ``per_row``: each row by
    the form it answered."""
    active = instrument.form(form)
    plan = build_plan(active, model)
    result = run_kernel(answers.matrix, plan)
    reasons = answers.problems.copy()
    bad_rows = reasons != ""
    _explain_short_scales(result, plan, reasons, np.ones(len(reasons), dtype=bool))

    # A file may mix the two forms (a pulse wave appended to a full one): rows that answered none of
    # the full form's own stage-informative items are scored as the short form, each row by its form.
    short_rows = _short_form_rows(answers, active, instrument) if per_row and form == "full" else None
    if short_rows is not None and short_rows.any():
        short_form = instrument.form("short")
        short_plan = build_plan(short_form, model)
        short_columns = [answers.position[c.id] for c in short_form.columns]
        short_result = run_kernel(
            answers.matrix[np.ix_(short_rows, np.asarray(short_columns, dtype=np.intp))], short_plan
        )
        _take_rows(result, plan, short_result, short_plan, short_rows)
        reasons[short_rows & ~bad_rows] = ""
        _explain_short_scales(result, plan, reasons, short_rows, short_plan)
    row_forms = np.zeros(len(reasons), dtype=np.int8) if short_rows is None else short_rows.astype(np.int8)
    _unplace(result, bad_rows)
    suspect, careless = flag_careless(
        model.careless,
        result.person_fit,
        result.longest_run,
        result.answer_sd,
        result.reverse_conflicts,
        result.placed.copy(),
    )
    status = np.where(result.placed, 0, 1).astype(np.int8)
    if suspect.any():
        status[suspect] = 2
        reasons[suspect] = careless[suspect]
        _unplace(result, suspect)
    attributes = [c for c in columns if not instrument.has_column(c)]
    out = _output_columns(
        attributes, active, model, result, status, reasons, answers, plan.construct_names, answer_key
    )
    forms = (form, "short") if form == "full" else (form,)
    out.insert(len(out) - 2, ("form", _Column("category", row_forms, categories=forms)))
    attrs = {
        "instrument": f"{instrument.id} {instrument.version}",
        "form": form if not row_forms.any() else "short" if row_forms.all() else "mixed",
        "scoring_model": model.label,
    }
    return _Scored(columns=out, attrs=attrs)


def _short_form_rows(answers: Answers, full: Instrument, instrument: Instrument) -> np.ndarray | None:
    """Rows that answered the short form: none of the full form's own stage-informative items, at
    least one of the short form's. None when the instrument has no short form."""
    try:
        short_form = instrument.form("short")
    except KeyError:
        return None
    short_ids = {c.id for c in short_form.columns}
    full_only = [
        answers.position[c.id]
        for c in full.columns
        if c.id not in short_ids and c.id in answers.present and c.item.kind in STAGE_INFORMATIVE_KINDS
    ]
    shared = [answers.position[c.id] for c in short_form.columns if c.item.kind in STAGE_INFORMATIVE_KINDS]
    if not full_only or not shared:
        return None
    # Column by column (the matrix is column-major): a full-form file leaves no candidate row after
    # its first few columns, and the short form's columns are read for the candidates alone.
    matrix = answers.matrix
    none_of_full = np.isnan(matrix[:, full_only[0]])
    for j in full_only[1:]:
        if not none_of_full.any():
            return none_of_full
        none_of_full &= np.isnan(matrix[:, j])
    candidates = np.flatnonzero(none_of_full)
    some_of_short = np.zeros(len(candidates), dtype=bool)
    for j in shared:
        some_of_short |= ~np.isnan(matrix[candidates, j])
    none_of_full[candidates] = some_of_short
    return none_of_full


def _take_rows(
    result: KernelResult,
    plan: ScoringPlan,
    rows_result: KernelResult,
    rows_plan: ScoringPlan,
    rows: np.ndarray,
) -> None:
    """Write ``rows_result`` (scored by another form's plan) into ``rows`` of ``result``.

    Constructs are matched by name; a construct the other form does not ask about has no score.
    Context stages the other form does not ask about stay unplaced.
    """
    for name in ("probabilities", "placed", "stage", "between", "trailing", "leading", "index", "index_se"):
        getattr(result, name)[rows] = getattr(rows_result, name)
    for name in ("person_fit", "longest_run", "answer_sd", "reverse_conflicts"):
        getattr(result, name)[rows] = getattr(rows_result, name)
    slots = {construct: k for k, construct in enumerate(rows_plan.construct_names)}
    for k, construct in enumerate(plan.construct_names):
        if construct in slots:
            result.construct_scores[rows, k] = rows_result.construct_scores[:, slots[construct]]
            result.construct_counts[rows, k] = rows_result.construct_counts[:, slots[construct]]
        else:
            result.construct_scores[rows, k] = np.nan
            result.construct_counts[rows, k] = 0
    for context, stages in result.context_stages.items():
        if context in rows_result.context_stages:
            stages[rows] = rows_result.context_stages[context]
            result.context_probabilities[context][rows] = rows_result.context_probabilities[context]
        else:
            stages[rows] = 0
            result.context_probabilities[context][rows] = np.nan


def _explain_short_scales(
    result: KernelResult,
    plan: ScoringPlan,
    reasons: np.ndarray,
    rows: np.ndarray,
    rows_plan: ScoringPlan | None = None,
) -> None:
    """Name, for ``rows`` without a problem yet, each stage scale answered too thinly to place them.

    ``rows_plan`` (another form's plan) sets the items per scale and the answered items needed.
    """
    rules = rows_plan or plan
    names = [rules.construct_names[k] for k in rules.stage_scale_index]
    needed = rules.construct_needed[rules.stage_scale_index]
    sizes = rules.construct_sizes[rules.stage_scale_index]
    for name, need, size in zip(names, needed, sizes, strict=True):
        count = result.construct_counts[:, plan.construct_names.index(name)]
        # the few rows below the rule first: comparing every row's reason text costs more
        short = np.flatnonzero((count < need) & rows)
        short = short[reasons[short] == ""]
        if len(short):
            reasons[short] = [
                f"{name}: {c} of {size} items answered (needs {int(need)})" for c in count[short]
            ]


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
    for probabilities in result.context_probabilities.values():
        probabilities[rows] = np.nan


def _int8(values: np.ndarray) -> _Column:
    """1..4 codes with 0 meaning "none" as a nullable int8 column."""
    return _Column("int", values.astype(np.int8), values == 0)


def _one_value(n: int, value: str) -> _Column:
    return _Column("category", np.zeros(n, dtype=np.int8), categories=(value,))


def _reason_column(reasons: np.ndarray) -> _Column:
    """Reasons as categories sorted with "" first; only the (few) rows with a reason are factorised."""
    given = np.flatnonzero(reasons != "")
    codes = np.zeros(len(reasons), dtype=np.int32)
    if not len(given):
        return _Column("category", codes, categories=("",))
    values, inverse = np.unique(reasons[given].astype(str), return_inverse=True)
    codes[given] = inverse + 1
    return _Column("category", codes, categories=("", *values.tolist()))


def _output_columns(
    attribute_columns: list[str],
    instrument: Instrument,
    model: StageModel,
    result: KernelResult,
    status: np.ndarray,
    reasons: np.ndarray,
    answers: Answers,
    construct_names: tuple[str, ...],
    answer_key: Mapping[str, bool] | None,
) -> list[tuple[str, _Column | None]]:
    n = len(reasons)
    placed = result.placed
    out: list[tuple[str, _Column | None]] = []
    if "respondent_id" not in attribute_columns:
        out.append(("respondent_id", _Column("text", np.empty(n, dtype=np.int8))))
    out.extend((name, None) for name in attribute_columns)
    out.append(("status", _Column("category", status, categories=STATUSES)))
    out.append(("reason", _reason_column(reasons)))
    out.append(("stage", _int8(result.stage)))
    out.append(
        ("stage_label", _Column("category", result.stage.astype(np.int16) - 1, categories=tuple(_LABELS)))
    )
    out.extend(
        (name, _Column("float", result.probabilities[:, j])) for j, name in enumerate(PROBABILITY_COLUMNS)
    )
    out.append(("index", _Column("float", result.index)))
    out.append(("index_se", _Column("float", result.index_se)))
    out.append(("between_stages", _Column("bool", result.between, ~placed)))
    out.append(("trailing_stage", _int8(result.trailing)))
    out.append(("leading_stage", _int8(result.leading)))
    perceived = _perceived_stage(answers, instrument)
    perceived_codes = np.nan_to_num(perceived, nan=0).astype(np.int8)
    out.append(("perceived_stage", _int8(perceived_codes)))
    gap = (perceived_codes - result.stage).astype(np.int8)
    out.append(("perception_gap", _Column("int", gap, (perceived_codes == 0) | ~placed)))
    out.extend(
        (f"score_{construct_id}", _Column("float", result.construct_scores[:, k]))
        for k, construct_id in enumerate(construct_names)
    )
    knowledge = _knowledge_check(answers, instrument, answer_key)
    if knowledge is not None:
        out.append(("score_knowledge_check", _Column("float", knowledge)))
    participation = _participation(answers, instrument)
    if participation is not None:
        out.append(("participation_count", _Column("float", participation)))
    for name, stages in result.context_stages.items():
        out.append((f"context_{name}_stage", _int8(stages)))
        probabilities = result.context_probabilities[name]
        out.extend(
            (column, _Column("float", probabilities[:, j])) for j, column in enumerate(context_columns(name))
        )
    out.append(("person_fit", _Column("float", result.person_fit)))
    out.append(("longest_run", _Column("int", result.longest_run.astype(np.int16), result.longest_run == 0)))
    out.append(("answer_sd", _Column("float", result.answer_sd)))
    out.append(("reverse_conflicts", _Column("int", result.reverse_conflicts)))
    out.append(("instrument", _one_value(n, f"{instrument.id} {instrument.version}")))
    out.append(("scoring_model", _one_value(n, model.label)))
    return out


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

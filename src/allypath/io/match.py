"""Propose a mapping: match source columns to instrument items by the similarity of their texts.

Texts are compared as TF-IDF vectors of character 3-5-grams (scikit-learn), which works in any
script and survives small wording differences, punctuation and accents; every language of the
instrument is tried and the best one counts, so a French export matches the French item texts.
Columns are assigned to items one to one (Hungarian algorithm on the similarity matrix), then value
labels (SPSS labels, Qualtrics choice texts) are matched to scale anchors the same way. Every match
carries a confidence so that a person can review the proposal before it is applied.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from allypath.io._records import squash
from allypath.io._source import SourceColumn, SourceTable
from allypath.io.googleforms import split_choices
from allypath.io.mapping import ItemMapping, Mapping

if TYPE_CHECKING:
    from allypath.instrument import Instrument, Item
    from allypath.model.text import Text

__all__ = ["ATTRIBUTE_ALIASES", "RESPONDENT_ID_ALIASES", "detect_mapping"]

#: Normalised column names taken as the respondent id.
RESPONDENT_ID_ALIASES = frozenset(
    {"respondent_id", "respondentid", "responseid", "response_id", "_recordid", "id"}
)
#: Normalised column names -> the wide-format attribute they become.
ATTRIBUTE_ALIASES = {
    "org": "org",
    "organisation": "org",
    "organization": "org",
    "company": "org",
    "unit": "unit",
    "department": "unit",
    "team": "unit",
    "division": "unit",
    "level": "level",
    "grade": "level",
    "seniority": "level",
    "region": "region",
    "wave": "wave",
    "language": "language",
    "userlanguage": "language",
    "startlanguage": "language",
}
_MAX_DISTINCT = 40  # a text column with more distinct values is free text, not choice text
_UNUSABLE_TYPES = frozenset({"date", "datetime", "time", "boolean"})


def _normalise_name(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


@dataclass(frozen=True)
class _Candidate:
    """Something an item can be read from: one column, or a multi-column group."""

    key: str
    text: str
    column: SourceColumn | None = None
    members: tuple[SourceColumn, ...] = ()


class _Similarity:
    """Cosine similarity of TF-IDF character n-gram vectors, fitted on every text involved."""

    def __init__(self, corpus: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            lowercase=True,
            strip_accents="unicode",
            sublinear_tf=True,
        )
        self._vectorizer.fit([t for t in corpus if t.strip()] or ["-"])

    def matrix(self, left: Sequence[str], right: Sequence[str]) -> np.ndarray:
        """``left x right`` cosine similarities in [0, 1]."""
        if not left or not right:
            return np.zeros((len(left), len(right)))
        a = self._vectorizer.transform(left)
        b = self._vectorizer.transform(right)
        return np.asarray((a @ b.T).toarray(), dtype=float).clip(0.0, 1.0)

    def best_over_languages(self, texts: Sequence[Text], right: Sequence[str]) -> np.ndarray:
        """For each ``Text``, the best similarity over its languages against each of ``right``."""
        best = np.zeros((len(texts), len(right)))
        versions = [(i, v) for i, text in enumerate(texts) for v in text.values() if v.strip()]
        if not versions or not right:
            return best
        scores = self.matrix([v for _, v in versions], right)
        owners = np.array([i for i, _ in versions])
        np.maximum.at(best, owners, scores)  # the best language of each text, per column
        return best


def _assign(scores: np.ndarray, floor: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs (row, col, score) maximising the total score, keeping scores >= floor."""
    from scipy.optimize import linear_sum_assignment

    if scores.size == 0:
        return []
    rows, cols = linear_sum_assignment(-scores)
    return [(r, c, float(scores[r, c])) for r, c in zip(rows, cols, strict=True) if scores[r, c] >= floor]


def detect_mapping(source: SourceTable, instrument: Instrument, *, min_confidence: float = 0.35) -> Mapping:
    """Propose a mapping from ``source`` columns to ``instrument`` items, for a person to review.

    Parameters
    ----------
    source : SourceTable
        Any reader's output.
    instrument : Instrument
        The instrument the data answers (any of its languages may match).
    min_confidence : float
        Text similarity (0-1) below which a column is not proposed for an item.

    Returns
    -------
    Mapping
        ``respondent_id`` and attributes recognised by column name; one :class:`ItemMapping` per
        matched item with ``confidence`` (text similarity times the quality of the value match),
        ``source_text`` (what matched), ``values`` (source labels -> scale values, with
        ``value_confidence``) and a ``note`` where something needs a decision; ``unmatched``
        lists the items no column matched. Save it with :func:`save_mapping` for review.

    Examples
    --------
    >>> proposal = detect_mapping(read_any("export.sav"), load_instrument())  # doctest: +SKIP
    >>> print(proposal.to_yaml())  # doctest: +SKIP
    """
    respondent_id, attributes = _identify_attributes(source)
    reserved = set(attributes.values()) | ({respondent_id} if respondent_id else set())
    # A file already in the wide format names checklist columns <item>_<option>: take them as such.
    exact = _wide_checklists(source, instrument)
    reserved |= {column for entry in exact.values() for column in entry.columns.values()}
    singles = [
        _Candidate(key=c.name, text=_column_text(c), column=c)
        for c in source.columns
        if c.name not in reserved
    ]
    groups = [
        _Candidate(key=name, text=members[0].label or name, members=members)
        for name, members in source.groups().items()
        if not reserved & {m.name for m in members}
    ]
    candidates = singles + groups
    items = [item for item in instrument.items if item.id not in exact]
    corpus = [c.text for c in candidates] + [c.option or "" for c in source.columns]
    corpus += [t for item in items for t in _item_corpus(item)]
    corpus += [str(v) for c in source.columns for v in c.value_labels.values()]
    similarity = _Similarity(corpus)
    scores = similarity.best_over_languages([i.text for i in items], [c.text for c in candidates])
    ticks = _tick_columns(source)
    for i, item in enumerate(items):
        for j, candidate in enumerate(candidates):
            if candidate.column is not None and candidate.column.name.casefold() == item.id:
                scores[i, j] = 1.0  # the export already uses the item ids as column names
            elif not _compatible(item, candidate, source, ticks):
                scores[i, j] = 0.0
            elif item.type == "checklist" and candidate.column is None:
                scores[i, j] = _group_score(item, candidate, similarity, float(scores[i, j]))
    entries: dict[str, ItemMapping] = dict(exact)
    for i, j, score in _assign(scores, min_confidence):
        entry = _propose(items[i], candidates[j], score, source, similarity)
        # Rounded as the YAML shows them, so a saved proposal loads back equal.
        confidence = None if entry.confidence is None else round(float(entry.confidence), 2)
        entries[items[i].id] = replace(entry, confidence=confidence)
    every = list(instrument.items)
    return Mapping(
        items=tuple(entries[item.id] for item in every if item.id in entries),
        respondent_id=respondent_id,
        attributes=attributes,
        instrument=instrument.id,
        version=instrument.version,
        source_format=source.format,
        unmatched=tuple(item.id for item in every if item.id not in entries),
    )


def _wide_checklists(source: SourceTable, instrument: Instrument) -> dict[str, ItemMapping]:
    names = set(source.names)
    found: dict[str, ItemMapping] = {}
    for item in instrument.items:
        if item.type != "checklist":
            continue
        columns = {
            str(o.id): f"{item.id}_{o.id}"
            for o in item.options
            if o.id is not None and f"{item.id}_{o.id}" in names
        }
        if columns:
            share = len(columns) / len([o for o in item.options if o.id is not None])
            found[item.id] = ItemMapping(
                item=item.id,
                kind="checklist",
                columns=columns,
                confidence=round(share, 2),
                source_text=f"{item.id}_<option> columns",
            )
    return found


def _identify_attributes(source: SourceTable) -> tuple[str | None, dict[str, str]]:
    respondent_id = None
    attributes: dict[str, str] = {}
    for column in source.columns:
        names = {_normalise_name(column.name), _normalise_name(column.label or "")}
        if respondent_id is None and names & RESPONDENT_ID_ALIASES:
            respondent_id = column.name
            continue
        for name in names:
            target = ATTRIBUTE_ALIASES.get(name)
            if target is not None and target not in attributes:
                attributes[target] = column.name
                break
    return respondent_id, attributes


def _column_text(column: SourceColumn) -> str:
    if column.group is not None and column.option:
        # A matrix row (SurveyMonkey, LimeSurvey arrays): the row text is the item's statement.
        return f"{column.option} {column.label or ''}".strip()
    return column.text


def _item_corpus(item: Item) -> list[str]:
    texts = list(item.text.values())
    if item.scale is not None:
        texts += [t for anchor in item.scale.anchors.values() for t in anchor.values()]
    texts += [t for option in item.options for t in option.text.values()]
    return texts


def _compatible(
    item: Item, candidate: _Candidate, source: SourceTable, ticks: frozenset[str] = frozenset()
) -> bool:
    if candidate.column is None:
        return item.type == "checklist"
    kind = candidate.column.type
    if kind in _UNUSABLE_TYPES:
        return False
    if item.type == "text":
        return kind in {"string", "empty"}
    if item.type == "checklist":
        return kind == "string"  # joined choices in one cell (Google Forms, Qualtrics text)
    if candidate.column.name in ticks:
        # A 0/1 column (a ticked option) answers a scale only if 0 is one of its values.
        return 0 in _anchors(item)
    return True


def _propose(
    item: Item, candidate: _Candidate, score: float, source: SourceTable, sim: _Similarity
) -> ItemMapping:
    if item.type == "text":
        assert candidate.column is not None
        return ItemMapping(
            item=item.id,
            kind="text",
            column=candidate.column.name,
            confidence=score,
            source_text=candidate.text,
        )
    if item.type == "checklist":
        if candidate.column is None:
            return _propose_group(item, candidate, score, source, sim)
        return _propose_joined(item, candidate.column, score, source, sim)
    assert candidate.column is not None
    return _propose_scale(item, candidate.column, score, source, sim)


def _anchors(item: Item) -> dict[int, Text]:
    if item.type == "likert" and item.scale is not None:
        anchors = {int(v): t for v, t in item.scale.anchors.items()}
        na = item.not_applicable
        if na is not None and na.value is not None:
            anchors[int(na.value)] = na.text  # "Does not apply to me": matched like an anchor
        return anchors
    return {int(o.value): o.text for o in item.options if o.value is not None}


def _propose_scale(
    item: Item, column: SourceColumn, score: float, source: SourceTable, sim: _Similarity
) -> ItemMapping:
    anchors = _anchors(item)
    na = item.not_applicable.value if item.not_applicable is not None else None
    on_scale = [value for value in anchors if value != na]  # the range: without "does not apply"
    low, high = min(on_scale), max(on_scale)
    series = source.data[column.name].dropna()
    # Labels of user-missing codes (SPSS "-1 = undetermined") are not answers.
    missing = {str(code) for code in column.missing_codes}
    labels: dict[Hashable, str] = {
        code: label for code, label in column.value_labels.items() if str(code) not in missing
    }
    numeric = column.type in {"integer", "number", "empty"}
    if column.type == "string":
        distinct = list(dict.fromkeys(str(v) for v in series.tolist()))[: _MAX_DISTINCT + 1]
        if len(distinct) > _MAX_DISTINCT:
            return ItemMapping(
                item=item.id,
                column=column.name,
                confidence=score * 0.3,
                source_text=column.text,
                note=f"the column holds more than {_MAX_DISTINCT} different texts: free text?",
            )
        labels = {text: text for text in distinct}
        numeric = False
    base = dict(item=item.id, column=column.name, source_text=column.text)
    if labels:
        values, confidence, note = _match_labels(labels, anchors, sim, keep_codes=numeric)
        quality = float(np.mean(list(confidence.values()))) if confidence else 0.0
        return ItemMapping(
            **base,  # type: ignore[arg-type]
            values=values,
            value_confidence=confidence,
            confidence=score * quality,
            note=note,
        )
    observed = series.to_numpy(dtype=float) if len(series) else np.array([])
    if observed.size == 0 or (observed.min() >= low and observed.max() <= high):
        note = "the column is empty" if observed.size == 0 else None
        return ItemMapping(
            **base,  # type: ignore[arg-type]
            range=(float(low), float(high)),
            confidence=score,
            note=note,
        )
    if _coded_from_zero(observed, low, high, on_scale):
        seen = np.unique(observed)
        shifted = {int(v): int(v) + low for v in range(high - low + 1)}
        return ItemMapping(
            **base,  # type: ignore[arg-type]
            values=shifted,  # type: ignore[arg-type]
            confidence=score * 0.5,
            note=(
                f"values seen run {seen[0]:g}..{seen[-1]:g} ({len(seen)} different), the scale "
                f"{low}..{high}: proposed shifting by {low}"
            ),
        )
    return ItemMapping(
        **base,  # type: ignore[arg-type]
        range=(float(low), float(high)),
        confidence=score * 0.3,
        note=(
            f"observed values {observed.min():g}..{observed.max():g} fall outside the scale "
            f"{low}..{high}: give 'values'"
        ),
    )


def _coded_from_zero(observed: np.ndarray, low: int, high: int, on_scale: list[int]) -> bool:
    """Whether numbers outside the scale look like the same scale coded from 0 (``0..high-low``).

    The rule: every value is a whole number, and the values seen reach both ends of the shifted
    scale -- 0 and ``high - low`` -- for a scale of at least three points with no gaps. Values that
    merely fit under the top (a 0/1 tick column against a 1..5 scale, or 0..3 that may be a
    four-point scale) are not proof of a shift: a tick would become "Disagree".
    """
    span = high - low
    if span < 2 or set(on_scale) != set(range(low, high + 1)) or observed.size == 0:
        return False
    whole = bool(np.all(observed == np.round(observed)))
    return whole and observed.min() == 0 and observed.max() == span


def _tick_columns(source: SourceTable) -> frozenset[str]:
    """Numeric columns holding nothing but 0 and 1 (with some 0): ticks, not a rating."""
    ticks: set[str] = set()
    for column in source.columns:
        if column.type not in {"integer", "number"} or column.value_labels:
            continue
        seen = set(source.data[column.name].dropna().unique().tolist())
        if seen and 0 in seen and seen <= {0, 1}:
            ticks.add(column.name)
    return frozenset(ticks)


def _match_labels(
    labels: dict[Hashable, str],
    anchors: dict[int, Text],
    sim: _Similarity,
    *,
    keep_codes: bool,
) -> tuple[dict[Hashable, Any], dict[Hashable, float], str | None]:
    """Match value labels to anchors one to one; keyed by label text (readable) unless ambiguous."""
    codes = list(labels)
    texts = [squash(labels[c]) for c in codes]
    values = list(anchors)
    scores = sim.best_over_languages([anchors[v] for v in values], texts).T
    pairs = _assign(scores, 0.2)
    if not pairs and keep_codes and len(codes) == len(values):
        # Labels in a language the instrument lacks: fall back on the order of the codes.
        order = sorted(codes, key=lambda c: float(c))  # type: ignore[arg-type]
        pairs = [(codes.index(c), k, 0.5) for k, c in enumerate(order)]
    readable = len(set(texts)) == len(texts)
    mapped: dict[Hashable, Any] = {}
    confidence: dict[Hashable, float] = {}
    for r, c, s in pairs:
        key: Hashable = texts[r] if readable else codes[r]
        mapped[key] = int(values[c])
        confidence[key] = round(s, 2)
    left = [texts[r] for r in range(len(codes)) if r not in {p[0] for p in pairs}]
    note = None
    if left:
        note = (
            f"no anchor matched {', '.join(map(repr, left))}: map it under 'values' or list it "
            "under 'missing'"
        )
    return mapped, confidence, note


def _option_pairs(item: Item, group: _Candidate, sim: _Similarity) -> list[tuple[int, int, float]]:
    """(option, member, similarity) of the checklist's options matched to the group's columns."""
    options = [o for o in item.options if o.id is not None]
    texts = [m.option or m.label or m.name for m in group.members]
    return _assign(sim.best_over_languages([o.text for o in options], texts), 0.2)


def _group_score(item: Item, group: _Candidate, sim: _Similarity, question: float) -> float:
    """How well a group of tick columns answers a checklist: its question and its columns.

    A group whose question reads alike but none of whose columns is one of the checklist's options
    (the policies asked about, proposed for the initiatives taken part in, with no column) is no
    candidate. One whose every column is an option is one, however its question is worded: the
    question's words and the share of its columns that are options count half each (an export may ask
    fewer options than the instrument).
    """
    pairs = _option_pairs(item, group, sim)
    if not pairs:
        return 0.0
    return max(question, (question + len(pairs) / len(group.members)) / 2)


def _propose_group(
    item: Item, group: _Candidate, score: float, source: SourceTable, sim: _Similarity
) -> ItemMapping:
    options = [o for o in item.options if o.id is not None]
    members = list(group.members)
    pairs = _option_pairs(item, group, sim)
    columns = {str(options[r].id): members[c].name for r, c, _ in pairs}
    confidence = {str(options[r].id): round(s, 2) for r, _, s in pairs}
    mr = (source.metadata.get("multiple_response_sets") or {}).get(group.key) or {}
    checked: tuple[Any, ...] = ()
    if mr.get("is_dichotomy") and mr.get("counted_value") is not None:
        checked = (mr["counted_value"],)
    missing_options = [str(o.id) for o in options if str(o.id) not in columns]
    quality = len(columns) / len(options) if options else 0.0
    return ItemMapping(
        item=item.id,
        kind="checklist",
        columns=columns,
        checked=checked,
        value_confidence=confidence,  # type: ignore[arg-type]
        confidence=score * quality,
        source_text=group.text,
        note=f"no column for option(s) {', '.join(missing_options)}" if missing_options else None,
    )


def _propose_joined(
    item: Item, column: SourceColumn, score: float, source: SourceTable, sim: _Similarity
) -> ItemMapping:
    """A checklist answered in one cell: choose the option language that splits most cells."""
    options = [o for o in item.options if o.id is not None]
    cells = [str(v) for v in source.data[column.name].dropna().unique().tolist()]
    languages = sorted({lang for o in options for lang in o.text})
    best: tuple[float, dict[Hashable, Any]] = (-1.0, {})
    for lang in languages:
        labels: dict[Hashable, Any] = {o.text.get_lang(lang): str(o.id) for o in options}
        ok = sum(split_choices(cell, map(str, labels)) is not None for cell in cells)
        share = ok / len(cells) if cells else 0.0
        if share > best[0]:
            best = (share, dict(labels))
    share, values = best
    return ItemMapping(
        item=item.id,
        kind="checklist",
        column=column.name,
        split=True,
        values=values,
        confidence=score * max(share, 0.0),
        source_text=column.text,
        note=None if share == 1.0 else f"{share:.0%} of the answers split into known options",
    )

"""Responses imported from a survey-tool export into a wave of kind ``imported``: check, then store.

:func:`check_import` applies the reviewed mapping (collecting every problem, with
:func:`allypath.io.collect.apply_mapping_collecting`), finds each row's unit among the organisation's
units, and checks the answers of the whole wide frame at once with
:func:`~allypath.instrument.answers.check_wide`: the rules, codes and reasons a survey submission is
checked with (:func:`~allypath.instrument.answers.check_answers`), column by column.
:func:`import_responses` then stores the rows in one transaction,
scored in one batch with the same steps as :func:`~allypath.web.survey.scoring.score_one`, into a
new imported wave (or an empty draft one), and writes the audit entry in the same transaction: any
problem and nothing is written.

Imported rows follow the rule of every response row (see ``models.py``): no respondent id from the
file is read (the mapping's ``respondent_id`` and unmapped columns are dropped before applying), no
time finer than the day (every row gets the wave's last day), a random id, and hashes of random
values where a survey response keeps its submission and receipt hashes: nobody holds a receipt code,
so no individual report of an imported row can be opened.
"""

from __future__ import annotations

import math
import secrets
import uuid
from collections.abc import Hashable, Sequence
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from django.db import transaction
from django.http import HttpRequest

from allypath.errors import DataError
from allypath.instrument import Instrument
from allypath.instrument.answers import check_wide
from allypath.io import Mapping, SourceTable
from allypath.io.collect import apply_mapping_collecting
from allypath.web.orgs.errors import WaveStateError
from allypath.web.orgs.instruments import wave_instrument
from allypath.web.orgs.keys import receipt_for, receipt_hash, submission_key
from allypath.web.orgs.models import Organisation, PrivacyMode, Unit, Wave, WaveKind, WaveStatus
from allypath.web.survey.models import Response
from allypath.web.survey.scoring import score_many
from allypath.web.survey.submission import body_hash

__all__ = [
    "CheckedImport",
    "ImportOptions",
    "ImportProblem",
    "ImportedRow",
    "check_import",
    "import_responses",
]

_ATTRIBUTE_MAX = 100  # Response.level / Response.region


@dataclass(frozen=True)
class ImportProblem:
    """One problem: ``row`` is the data row (1-based, as the CLI counts), 0 the header, None the mapping."""

    file: str
    row: int | None
    column: str
    message: str

    @classmethod
    def of(cls, error: DataError, file: str) -> ImportProblem:
        return cls(file, error.row, error.column or "", error.message)

    @property
    def where(self) -> str:
        return "whole file" if self.row is None else "header" if self.row == 0 else f"row {self.row}"


@dataclass(frozen=True)
class ImportOptions:
    """How rows become responses: their unit (from a source column, or one unit for every row), the
    form of the instrument the answers are checked against and the language they were given in."""

    form: str = "full"
    language: str = "en"
    unit_column: str | None = None
    unit_path: str | None = None


@dataclass(frozen=True)
class ImportedRow:
    row: int
    unit_id: int
    level: str
    region: str
    answers: dict[str, Any]


@dataclass
class CheckedImport:
    file: str
    options: ImportOptions
    total: int
    rows: list[ImportedRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    blank: int = 0  # rows with no answer at all: skipped, not imported

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _source_columns(mapping: Mapping, item_id: str) -> str:
    entry = mapping.item(item_id)
    return ", ".join(entry.source_columns) if entry is not None else item_id


class _Units:
    """Unit values of a file -> the organisation's units: by path, else by a name only one unit has."""

    def __init__(self, org: Organisation) -> None:
        units = list(Unit.objects.filter(org=org).only("id", "path", "name"))
        self.paths = {u.path: u.pk for u in units}
        self.folded: dict[str, list[int]] = {}
        for u in units:
            for key in {u.path.casefold(), u.name.casefold()}:
                self.folded.setdefault(key, []).append(u.pk)

    def find(self, value: str) -> tuple[int | None, str]:
        if not value:
            return None, "has no unit"
        if value in self.paths:
            return self.paths[value], ""
        matches = self.folded.get(value.casefold(), [])
        if len(set(matches)) == 1:
            return matches[0], ""
        if matches:
            return None, f"unit {value!r} names more than one unit; use its full path"
        return None, f"unit {value!r} is not a unit of this organisation (see its Units page)"


def _answers(record: MappingType[Hashable, Any], form: Instrument, mapped: set[str]) -> dict[str, Any]:
    """A checked wide-frame row as the clean answers a submission stores (skipped questions left out)."""
    answers: dict[str, Any] = {}
    for item in form.items:
        if item.id not in mapped:
            continue
        if item.type == "checklist":
            ticks: dict[str | None, Any] = {o.id: record.get(f"{item.id}_{o.id}") for o in item.options}
            known = {k: v for k, v in ticks.items() if _text(v) != ""}
            if known:
                answers[item.id] = [k for k, v in known.items() if float(v) == 1.0]
            continue
        value: Any = record.get(item.id)
        if _text(value) == "":
            continue
        answers[item.id] = str(value).strip() if item.type == "text" else int(value)
    return answers


def _without_problem_items(mapping: Mapping, found: Sequence[DataError]) -> Mapping:
    """``mapping`` without the items whose columns had problems, so the rest of the file can be checked."""
    columns = {p.column for p in found if p.column}
    keep = tuple(
        entry
        for entry in mapping.items
        if entry.item not in columns and not columns.intersection(entry.source_columns)
    )
    return replace(mapping, items=keep, required=())


def check_import(
    org: Organisation,
    source: SourceTable,
    mapping: Mapping,
    options: ImportOptions,
    instrument: Instrument,
    *,
    file: str,
) -> CheckedImport:
    """Every problem of importing ``source`` with ``mapping`` into ``org``, or the rows ready to store.

    ``file`` is the name the user knows the upload by (problems name it, not a temporary path).
    """
    checked = CheckedImport(file=file, options=options, total=len(source))
    problems = checked.problems
    # Respondent ids and unmapped columns are never read: nothing in the file identifies a row.
    attributes = {k: v for k, v in mapping.attributes.items() if k in ("level", "region")}
    if options.unit_column:
        attributes["unit"] = options.unit_column
    elif not options.unit_path:
        problems.append(
            ImportProblem(file, None, "unit", "choose the column holding each row's unit, or one unit")
        )
    mapping = replace(mapping, respondent_id=None, keep_unmapped=False, attributes=attributes)
    form = instrument.form(options.form)
    in_form = {item.id for item in form.items}
    for entry in mapping.items:
        if entry.item not in in_form and any(entry.item == i.id for i in instrument.items):
            problems.append(
                ImportProblem(
                    file,
                    None,
                    ", ".join(entry.source_columns),
                    f"item {entry.item!r} is not a question of the {options.form} form; choose the full "
                    "form or remove it from the mapping",
                )
            )
    if not any(entry.item in in_form for entry in mapping.items):
        problems.append(
            ImportProblem(file, None, "items", "the mapping maps no question of the form: nothing to import")
        )
    collected = apply_mapping_collecting(source, mapping, instrument)
    problems += [ImportProblem.of(p, file) for p in collected.problems]
    frame = collected.frame
    answered_aside = pd.Series(False, index=range(len(source)))
    if frame is None:
        # Every problem in one pass: a bad answer value must not hide an unknown unit until it is fixed.
        # Set the items with problems aside and check the rest of each row (units, attributes, answers).
        kept = _without_problem_items(mapping, collected.problems)
        aside = [
            c for e in mapping.items if e not in kept.items for c in e.source_columns if c in source.names
        ]
        if aside:  # rows answered only in the set-aside columns still need a valid unit
            cells = source.data[aside].astype("string").fillna("").apply(lambda col: col.str.strip() != "")
            answered_aside = pd.Series(cells.any(axis=1).to_numpy(), index=range(len(source)))
        mapping = kept
        frame = apply_mapping_collecting(source, mapping, instrument).frame
    units = _Units(org)
    fixed: int | None = None
    if not options.unit_column:
        fixed, why = units.find(options.unit_path or "")
        if fixed is None:
            problems.append(ImportProblem(file, None, "unit", why))
    if frame is None or (fixed is None and not options.unit_column):
        return checked
    mapped = {entry.item for entry in mapping.items}
    bad_answers = check_wide(frame, form, mapped)
    for index, record in enumerate(frame.to_dict("records")):
        row = index + 1
        errors = bad_answers[index]
        answers = {} if errors else _answers(record, form, mapped)
        if not errors and not answers and not answered_aside[index]:
            checked.blank += 1
            continue
        unit_id = fixed
        if options.unit_column:
            unit_id, why = units.find(_text(record.get("unit")))
            if unit_id is None:
                problems.append(ImportProblem(file, row, options.unit_column, why))
        coarse = {}
        for name in ("level", "region"):
            coarse[name] = _text(record.get(name))
            if len(coarse[name]) > _ATTRIBUTE_MAX:
                problems.append(
                    ImportProblem(file, row, attributes[name], f"{name} is longer than {_ATTRIBUTE_MAX}")
                )
        problems += [
            ImportProblem(file, row, _source_columns(mapping, e.item), f"item {e.item!r} {e.message}")
            for e in errors
        ]
        if unit_id is not None and not errors:
            checked.rows.append(ImportedRow(row, unit_id, coarse["level"], coarse["region"], answers))
    if problems:
        checked.rows.clear()  # nothing is imported while any problem stands
        problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    if not problems and not checked.rows:
        problems.append(ImportProblem(file, None, "items", "no row holds an answer: nothing to import"))
    return checked


def import_responses(request: HttpRequest, checked: CheckedImport, wave: Wave) -> int:
    """Store the checked rows in ``wave`` -- a new (unsaved) imported wave, or an empty draft one --
    and close it, all in one transaction with its audit entry. Returns the number of responses."""
    from allypath.web.audit import record_access

    if not checked.ok:
        raise DataError("the file has problems: nothing was imported", file=checked.file)
    if wave.kind != WaveKind.IMPORTED or wave.privacy_mode != PrivacyMode.ANONYMOUS:
        raise WaveStateError("responses from a file go into an anonymous wave of kind 'imported'")
    if wave.form != checked.options.form or checked.options.language not in wave.languages:
        raise WaveStateError("the file was checked against another form or language than the wave's")
    instrument = wave_instrument(wave.instrument_id, wave.instrument_version)
    cleans = [r.answers for r in checked.rows]
    results = score_many(cleans, instrument, wave.form)  # before the write lock
    language = checked.options.language
    with transaction.atomic():
        if wave.pk is not None:
            locked = Wave.objects.select_for_update().filter(pk=wave.pk).first()
            if locked is None or locked.status != WaveStatus.DRAFT or locked.responses.exists():
                raise WaveStateError(f"wave {wave.pk} is no longer an empty draft")
        wave.finish_import()
        responses = []
        for row, result in zip(checked.rows, results, strict=True):
            scored = result.get("status") == "scored"
            responses.append(
                Response(
                    wave=wave,
                    unit_id=row.unit_id,
                    level=row.level,
                    region=row.region,
                    language=language,
                    submitted_on=wave.closes_on,
                    answers=row.answers,
                    result=result,
                    status=str(result.get("status") or ""),
                    stage=result.get("stage") if scored else None,
                    submission_key=submission_key(secrets.token_urlsafe(24), uuid.uuid4()),
                    body_hash=body_hash(row.answers, language, secrets.token_hex(16)),
                    receipt_hash=receipt_hash(receipt_for(secrets.token_urlsafe(24), uuid.uuid4())),
                )
            )
        Response.objects.bulk_create(responses, batch_size=500)
        record_access(request, org=wave.org, wave=wave, group="all", view="console.import_responses")
    return len(responses)

"""Console import of survey responses from an export file (issue 6, item 5): org admins only.

Upload (staged privately, see ``import_stage``) -> preview of the proposed mapping, reviewable and
replaceable by a reviewed YAML -> check (every problem per row and column, all of them as CSV) ->
import into a wave of kind ``imported`` in one transaction (``allypath.web.survey.imported``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from allypath.errors import AllypathError, DataError
from allypath.io import Mapping, SourceTable
from allypath.web.console.import_forms import ImportSettingsForm, MappingUploadForm, ResponseUploadForm
from allypath.web.console.import_mapping_edit import edit_mapping
from allypath.web.console.import_stage import Stage, create_stage, open_stage
from allypath.web.console.views import base_context, org_for
from allypath.web.orgs.instruments import available_instrument
from allypath.web.orgs.models import Organisation, Role
from allypath.web.survey.imported import CheckedImport, ImportProblem, check_import, import_responses

__all__ = ["import_mapping_yaml", "import_preview", "import_problems_csv", "import_upload"]

SHOWN_PROBLEMS = 50  # problems listed on the page; the CSV holds all of them
_TEMPLATE = "console/imports/preview.html"


def _problem(exc: DataError, file: str) -> ImportProblem:
    return ImportProblem(exc.file or file, exc.row, exc.column or "", exc.message)


def _no_store(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    org = org_for(request, slug, Role.ORG_ADMIN)
    form = ResponseUploadForm(request.POST or None, request.FILES or None)
    problems: list[ImportProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stage = create_stage(
                org, request.user, upload.name or "upload", upload.chunks(), form.cleaned_data["mapping"]
            )
        except DataError as exc:
            problems = [_problem(exc, upload.name or "upload")]
        else:
            return redirect("console:import_preview", slug=org.slug, key=stage.key)
    status = 422 if problems or form.errors else 200
    context = base_context(
        request,
        org,
        "Import responses from a file",
        form=form,
        problems=problems,
        problem_count=len(problems),
    )
    return render(request, "console/imports/upload.html", context, status=status)


def _mapping_rows(mapping: Mapping) -> list[dict[str, Any]]:
    instrument = available_instrument()
    known = {item.id: item for item in instrument.items}
    rows = []
    for entry in mapping.items:
        item = known.get(entry.item)
        columns = dict(entry.columns) if entry.columns else {}
        rows.append(
            {
                "item": entry.item,
                "text": item.text["en"] if item is not None else "(not an item of the instrument)",
                "kind": entry.kind,
                "column": entry.column or "",
                "columns": columns,
                "source_text": entry.source_text or "",
                "values": [(str(k), v) for k, v in entry.values.items()],
                "range": entry.range,
                "confidence": entry.confidence,
                "low": entry.confidence is not None and entry.confidence < 0.8,
                "note": entry.note or "",
                "editable": not entry.columns,
                "values_text": "\n".join(f"{k} = {v}" for k, v in entry.values.items()),
            }
        )
    return rows


def _settings_form(request: HttpRequest, org: Organisation, source: SourceTable, mapping: Mapping) -> Any:
    data = (
        request.POST
        if request.method == "POST" and request.POST.get("action") in ("check", "import")
        else None
    )
    return ImportSettingsForm(
        data, org=org, columns=list(source.names), unit_column=mapping.attributes.get("unit", "")
    )


def _render(
    request: HttpRequest,
    org: Organisation,
    stage: Stage,
    *,
    settings_form: Any = None,
    mapping_form: MappingUploadForm | None = None,
    checked: CheckedImport | None = None,
    problems: list[ImportProblem] | None = None,
    status: int = 200,
) -> HttpResponse:
    source = stage.source()
    mapping = stage.mapping()
    rows = _mapping_rows(mapping)
    problems = list(problems or []) + (checked.problems if checked is not None else [])
    context = base_context(
        request,
        org,
        f"Import {stage.name}",
        stage=stage,
        source=source,
        mapping=mapping,
        mapping_rows=rows,
        review_rows=[r for r in rows if r["low"] or r["note"]],
        confident_rows=[r for r in rows if not (r["low"] or r["note"])],
        source_names=list(source.names),
        unmatched_questions=[
            (item.id, item.text["en"])
            for item in available_instrument().items
            if item.id not in {r["item"] for r in rows}
        ],
        ignored=[c for c in (mapping.respondent_id,) if c],
        settings_form=settings_form or _settings_form(request, org, source, mapping),
        mapping_form=mapping_form or MappingUploadForm(),
        checked=checked,
        problems=problems[:SHOWN_PROBLEMS],
        problem_count=len(problems),
    )
    return render(request, _TEMPLATE, context, status=status)


@login_required
def import_preview(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    org = org_for(request, slug, Role.ORG_ADMIN)
    stage = open_stage(org, request.user, key)
    if request.method != "POST":
        return _render(request, org, stage)
    action = request.POST.get("action")
    if action == "discard":
        stage.discard()
        messages.success(request, "The uploaded file was removed; nothing was imported.")
        return redirect("console:import_upload", slug=org.slug)
    if action == "mapping":
        return _replace_mapping(request, org, stage)
    if action == "edit_mapping":
        return _edit_mapping(request, org, stage)
    if action in ("check", "import"):
        return _check_or_import(request, org, stage, action)
    messages.error(request, "Unknown action.")
    return redirect("console:import_preview", slug=org.slug, key=stage.key)


def _replace_mapping(request: HttpRequest, org: Organisation, stage: Stage) -> HttpResponse:
    form = MappingUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, org, stage, mapping_form=form, status=422)
    try:
        mapping = Mapping.from_yaml(form.cleaned_data["mapping"], file="mapping.yaml")
    except DataError as exc:
        return _render(request, org, stage, problems=[_problem(exc, "mapping.yaml")], status=422)
    stage.save_mapping(mapping)
    messages.success(request, "Your mapping replaces the proposal. Check the file with it next.")
    return redirect("console:import_preview", slug=org.slug, key=stage.key)


def _edit_mapping(request: HttpRequest, org: Organisation, stage: Stage) -> HttpResponse:
    """Save the edits made on the review page, all or none."""
    questions = [item.id for item in available_instrument().items]
    mapping, found = edit_mapping(stage.mapping(), request.POST, stage.source().names, questions)
    if found:
        problems = [ImportProblem("mapping", None, "", message) for message in found]
        return _render(request, org, stage, problems=problems, status=422)
    stage.save_mapping(mapping)
    messages.success(request, "Mapping changed. Check the file with it next.")
    return redirect("console:import_preview", slug=org.slug, key=stage.key)


def _check_or_import(request: HttpRequest, org: Organisation, stage: Stage, action: str) -> HttpResponse:
    source = stage.source()
    mapping = stage.mapping()
    form = _settings_form(request, org, source, mapping)
    if not form.is_valid():
        return _render(request, org, stage, settings_form=form, status=422)
    checked = check_import(org, source, mapping, form.options(), form.target_instrument(), file=stage.name)
    stage.save_problems(checked.problems)
    if action == "check" or not checked.ok:
        status = 200 if checked.ok else 422
        return _render(request, org, stage, settings_form=form, checked=checked, status=status)
    if not stage.claim():  # a second click while the first import runs
        problem = ImportProblem(stage.name, None, "", "this file is already being imported (see Waves)")
        return _render(request, org, stage, settings_form=form, problems=[problem], status=409)
    try:
        wave = form.wave()
        count = import_responses(request, checked, wave)
    except (ValidationError, AllypathError) as exc:
        stage.release()
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        problem = ImportProblem(stage.name, None, "wave", message)
        return _render(request, org, stage, settings_form=form, problems=[problem], status=422)
    stage.discard()
    skipped = f" {checked.blank} rows without any answer were skipped." if checked.blank else ""
    messages.success(request, f"Imported {count} responses into {wave.name}.{skipped}")
    return redirect("console:wave", slug=org.slug, pk=wave.pk)


@login_required
def import_mapping_yaml(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    org = org_for(request, slug, Role.ORG_ADMIN)
    stage = open_stage(org, request.user, key)
    response = HttpResponse(stage.mapping_yaml(), content_type="application/yaml; charset=utf-8")
    return _no_store(response, "mapping.yaml")


@login_required
def import_problems_csv(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    org = org_for(request, slug, Role.ORG_ADMIN)
    stage = open_stage(org, request.user, key)
    response = HttpResponse(stage.problems_csv(), content_type="text/csv; charset=utf-8")
    return _no_store(response, "import-problems.csv")

"""The HR dashboard in the console: overview, group explorer, heatmap, trends, transitions, action plan,
comments and the board-report exports.

A thin skin over :mod:`allypath.web.dashboard`: every page checks its request
(:func:`~allypath.web.dashboard.query.resolve`, which starts with the access helper), asks
:mod:`~allypath.web.dashboard.service` for the view's result (read from the organisation's release,
audited) and draws it with the board report's chart helpers, so a page and its export agree. No
figure is computed and no privacy rule decided here. A refused filter shows the gate's message and no
number.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from allypath.errors import RequestProblem
from allypath.model import STAGE_KEYS
from allypath.reports.board import (
    EVERYONE_LABEL,
    FACTOR_LABELS,
    INTERVENTION_LABELS,
    STAGE_NAMES,
    board_html,
    board_pdf,
    board_xlsx,
    factor_chart,
    index_change_chart,
    stage_mix_chart,
    table_csv,
    transition_chart,
)
from allypath.web.dashboard import service
from allypath.web.dashboard.deferred import with_retry_after
from allypath.web.dashboard.forms import AdoptForm, PlanItemForm
from allypath.web.dashboard.query import DashboardInputError, DashboardQuery, filter_options, resolve
from allypath.web.dashboard.results import Record, Result
from allypath.web.orgs.access import get_for, membership_for
from allypath.web.orgs.models import Organisation, Role
from allypath.web.plans.models import AdoptedItem

TABS = (
    ("dashboard", "Overview"),
    ("dashboard_groups", "Groups"),
    ("dashboard_heatmap", "Barriers and enablers"),
    ("dashboard_contexts", "Contexts"),
    ("dashboard_trends", "Trends"),
    ("dashboard_transitions", "Transitions"),
    ("dashboard_plan", "Action plan"),
    ("dashboard_comments", "Comments"),
)
#: Dashboard pages without a tab of their own: their title, and the tab whose section they belong to.
PAGES = {
    "dashboard_follow_up": ("Follow-up of the action plan", "dashboard_plan"),
    "dashboard_deck": ("Workshop deck", "dashboard"),
}
#: The languages the summary at the top of every page is written in (``?lang=``, English by default).
LANGUAGES = (("en", "English"), ("fr", "Français"), ("ar", "العربية"))
EXPORTS = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: The export links as HR reads them: the workbook has headers in words, the CSV the API's keys.
EXPORT_LABELS = {
    "pdf": "PDF",
    "html": "web page",
    "xlsx": "Excel workbook",
    "csv": "CSV data for analysts (the API's column keys)",
}


# --------------------------------------------------------------------------- page scaffolding


def dashboard_language(request: HttpRequest) -> tuple[QueryDict, str]:
    """The request's dashboard parameters without ``lang``, and the summary's language."""
    params = request.GET.copy()
    chosen = params.pop("lang", ["en"])[-1]
    return params, chosen if chosen in dict(LANGUAGES) else "en"


def _summary_languages(request: HttpRequest, current: str) -> list[tuple[str, str, str, bool]]:
    """(code, name, link, current) of each language the summary can be read in, same selection."""
    out = []
    for code, name in LANGUAGES:
        params = request.GET.copy()
        params["lang"] = code
        out.append((code, name, f"{request.path}?{params.urlencode()}", code == current))
    return out


def dashboard_context(request: HttpRequest, slug: str, tab: str, **extra: Any) -> dict[str, Any]:
    org = get_for(request.user, Organisation, slug=slug)
    membership = membership_for(request.user, org)
    title = dict(TABS).get(tab) or PAGES.get(tab, ("Dashboard", ""))[0]
    suffix = "?" + request.GET.urlencode() if request.GET else ""
    # the tab of the page, or of the section a page without a tab belongs to (said as "true": the
    # reader is within it, not on it)
    section = PAGES.get(tab, ("", ""))[1]
    links = [
        (
            reverse(f"console:{name}", args=[slug]) + suffix,
            label,
            "page" if name == tab else "true" if name == section else "",
        )
        for name, label in TABS
    ]
    exports = [
        (EXPORT_LABELS[fmt], reverse("console:dashboard_export", args=[slug, fmt]) + suffix)
        for fmt in EXPORTS
    ]
    _, language = dashboard_language(request)
    return {
        "title": f"Dashboard: {title}",
        "org": org,
        "membership": membership,
        "lang": "en",
        "dir": "ltr",
        "tab_links": links,
        "exports": exports,
        "tab": tab,
        "params": request.GET,
        "options": filter_options(org, membership),
        "stage_names": STAGE_NAMES,
        "stage_keys": STAGE_KEYS,
        "two_waves": tab in ("dashboard_trends", "dashboard_transitions"),
        "can_plan": membership.has_role(Role.ANALYST),
        "summary_lang": language,
        "summary_languages": _summary_languages(request, language),
        **extra,
    }


def render_tab(
    request: HttpRequest,
    slug: str,
    tab: str,
    template: str,
    compute: Callable[[DashboardQuery], dict[str, Any]],
    *,
    by_default: str | None = None,
    two_waves: bool = False,
) -> HttpResponse:
    """Resolve the request, compute the page's parts, render; a bad or refused request says why.

    Every page that shows figures opens with the selection's summary (the same on every page).
    """
    params, language = dashboard_language(request)
    # A bad or refused request raises DashboardInputError: the console's middleware shows problem_page.
    query = resolve(request.user, slug, params, by_default=by_default, two_waves=two_waves)
    parts = compute(query)
    result = parts.get("result")
    if result is None or not result.refused:
        parts["summary"] = service.summary(request, query, language)
    context = dashboard_context(request, slug, tab, query=query, **parts)
    return render(request, f"console/dashboard/{template}", context)


#: The filter (its control's id in console/dashboard/base.html, its label) each parameter is chosen with.
_FILTERS = {
    "wave": ("f-wave", "Wave"),
    "from_wave": ("f-from", "From wave"),
    "to_wave": ("f-to", "To wave"),
    "unit": ("f-unit", "Unit"),
    "level": ("f-level", "Level"),
    "region": ("f-region", "Region"),
    "by": ("f-by", "Break down by"),
}
#: Problems that are no refusal of what was chosen: the figures being prepared, no wave launched yet.
_NOT_REFUSALS = ("release_being_prepared", "no_wave")


def _refused_filter(request: HttpRequest, problem: RequestProblem, two_waves: bool) -> tuple[str, str]:
    """(id, label) of the filter to change for a refused request: the one at fault, or for a group too
    small to show the narrowest filter chosen; ("", "") when no filter of the page is at fault."""
    field = problem.field or ""
    if problem.code == "filter_refused":
        chosen = [name for name in ("region", "level", "unit") if request.GET.get(name)]
        field = chosen[0] if chosen else "unit"
    if field == "wave" and two_waves:
        field = "from_wave"
    return _FILTERS.get(field, ("", ""))


def problem_page(request: HttpRequest, problem: RequestProblem) -> HttpResponse:
    """The page of a dashboard request that cannot be answered (its tabs and filters, the message),
    with the problem's status; the console's middleware answers every RequestProblem with it.

    A refused selection (a bad value, a group too small to show) is shown as the console's forms show
    a refused form: "Error:" first in the title, and its message an error summary that takes the focus
    and links to the filter to change (WCAG 3.3.1, 2.4.3)."""
    match = request.resolver_match
    assert match is not None  # a dashboard URL with its slug: console.problems checks
    tab = "dashboard" if match.url_name == "dashboard_export" else str(match.url_name)
    refused = problem.code not in _NOT_REFUSALS
    two_waves = tab in ("dashboard_trends", "dashboard_transitions")
    control, label = _refused_filter(request, problem, two_waves) if refused else ("", "")
    context = dashboard_context(
        request,
        match.kwargs["slug"],
        tab,
        problem=problem,
        page_error=refused,
        refused_control=control,
        refused_label=label,
    )
    return with_retry_after(
        render(request, "console/dashboard/problem.html", context, status=problem.status), problem
    )


def refused_context(result: Result) -> dict[str, Any]:
    return {"result": result, "total": result.total}


# --------------------------------------------------------------------------- pages


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = service.overview(request, query)
        parts = refused_context(result)
        if not result.refused:
            parts["mix_chart"] = stage_mix_chart(
                pd.DataFrame([{**result.total, "group": EVERYONE_LABEL}]), title="Stage mix", label="group"
            )
        return parts

    return render_tab(request, slug, "dashboard", "overview.html", compute)


@login_required
def groups(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = service.groups_view(request, query)
        parts = refused_context(result)
        if not result.refused:
            parts["mix_chart"] = stage_mix_chart(
                pd.DataFrame(list(result.rows)), title=f"Stage mix by {query.by}", label="value"
            )
        return parts

    return render_tab(request, slug, "dashboard_groups", "groups.html", compute, by_default="unit")


@login_required
def heatmap(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = service.heatmap_view(request, query)
        parts = refused_context(result)
        if not result.refused:
            rows = [{**(result.overall or {}), "value": EVERYONE_LABEL}, *result.rows]
            frame = pd.DataFrame(rows)
            parts["rows"] = rows
            parts["factors"] = list(FACTOR_LABELS.items())
            parts["barrier_chart"] = factor_chart(
                frame,
                kinds=("barrier", "norm"),
                title="Barriers and norms (1-5, higher is worse)",
                label="value",
            )
            parts["enabler_chart"] = factor_chart(
                frame, kinds=("enabler",), title="Enablers (1-5, higher is better)", label="value"
            )
        return parts

    return render_tab(request, slug, "dashboard_heatmap", "heatmap.html", compute, by_default="unit")


@login_required
def trends(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = service.trends_view(request, query)
        parts = refused_context(result)
        if result.message:
            parts["one_wave"] = result.message
        elif not result.refused and result.waves is not None:
            change = result.change
            rows = ([{**change, "value": EVERYONE_LABEL}] if change else []) + list(result.rows)
            parts["rows"] = rows
            parts["waves"] = result.waves
            parts["index_chart"] = index_change_chart(
                pd.DataFrame([{**r, "group": r["value"]} for r in rows]),
                result.waves,
                title="Developmental index between the waves",
            )
        return parts

    return render_tab(
        request, slug, "dashboard_trends", "trends.html", compute, by_default="unit", two_waves=True
    )


@login_required
def transitions(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = service.transitions_view(request, query)
        parts = refused_context(result)
        if result.message:
            parts["one_wave"] = result.message
        elif not result.refused:
            parts["waves"] = result.waves
            parts["overall"] = _matrix(result.overall)
            parts["overall_chart"] = transition_chart(
                pd.DataFrame(list(result.overall)), title="Stage transitions: everyone in the panel"
            )
            parts["groups"] = [_matrix(rows) for rows in result.groups]
            parts["note"] = result.note
        return parts

    return render_tab(
        request, slug, "dashboard_transitions", "transitions.html", compute, by_default="unit", two_waves=True
    )


def _matrix(rows: tuple[Record, ...]) -> dict[str, Any]:
    """One group's transition rows as a 4 x 4 table (or its reason when hidden)."""
    first = rows[0] if rows else {"group": "", "visible": False, "message": "no panel members"}
    cells = {(r["from_stage"], r["to_stage"]): r for r in rows if r.get("from_stage") is not None}
    # a from-stage row the privacy rules hide comes as one line with its reason and no figures
    held = {int(r["row_stage"]): r["row_message"] for r in rows if r.get("row_shown") is False}
    table = [
        (
            STAGE_NAMES[i],
            [cells.get((i + 1, j + 1), {}).get("probability") for j in range(4)],
            sum(cells.get((i + 1, j + 1), {}).get("count") or 0 for j in range(4)),
            held.get(i + 1),
        )
        for i in range(4)
    ]
    return {
        "group": first["group"],
        "visible": first["visible"],
        "message": first.get("message"),
        "table": table,
    }


@login_required
def comments(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        return refused_context(service.comment_view(request, query))

    return render_tab(request, slug, "dashboard_comments", "comments.html", compute)


#: The plan page's own parameters a plan item's form carries back to it (its wave is the item's).
_PLAN_PARAMS = ("unit", "level", "region", "by", "lang")
#: The session key of a plan item's refused edit, shown once more on the plan page as it was typed.
_REFUSED_EDIT = "dashboard_plan_refused_edit"


def _plan_page(slug: str, item: AdoptedItem, request: HttpRequest) -> str:
    """The plan page a plan item's form was sent from: the item's wave, the page's filters and breakdown."""
    params = QueryDict(mutable=True)
    params["wave"] = str(item.wave_id)
    for name in _PLAN_PARAMS:
        value = request.GET.get(name, "")
        if value and len(value) <= 500:
            params[name] = value
    return reverse("console:dashboard_plan", kwargs={"slug": slug}) + "?" + params.urlencode()


def _item_form(item: AdoptedItem, refused: dict[str, Any] | None) -> PlanItemForm:
    """An adopted item's form: its stored values, or what was typed into it when that was refused (with
    the reasons under the fields). The refused form works on a copy: nothing typed reaches the row."""
    prefix = f"i{item.pk}"
    if not refused or refused.get("item") != item.pk:
        return PlanItemForm(instance=item, prefix=prefix)
    data = QueryDict(mutable=True)
    for name, values in (refused.get("data") or {}).items():
        data.setlist(name, [str(v) for v in values])
    form = PlanItemForm(data, instance=copy.copy(item), prefix=prefix)
    form.is_valid()
    return form


@login_required
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    refused = request.session.pop(_REFUSED_EDIT, None)

    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = service.plan_view(request, query)
        parts = refused_context(result)
        if not result.refused:
            items: dict[str, list[Any]] = {}
            for item in result.items:
                items.setdefault(item.group, []).append(item)
            adopted = {(a.group, a.intervention) for a in result.adopted}
            parts.update(
                groups=[
                    (row, [(i, (i.group, i.intervention) in adopted) for i in items.get(row["group"], [])])
                    for row in result.rows
                ],
                # each item's reason is today's (never the text stored when it was adopted)
                adopted=[
                    (
                        a,
                        result.reason_of(a),
                        result.progress_of(a),
                        _item_form(a, refused),
                    )
                    for a in result.adopted
                ],
                later=result.later,
                interventions=INTERVENTION_LABELS,
            )
            # a refused edit shown again as typed: "Error:" first in the title, as a refused form's
            parts["page_error"] = any(form.errors for *_, form in parts["adopted"])
        return parts

    return render_tab(request, slug, "dashboard_plan", "plan.html", compute, by_default="unit")


@login_required
@require_POST
def adopt(request: HttpRequest, slug: str) -> HttpResponse:
    """Adopt a proposed intervention for a group (the service recomputes the proposal, never trusts it)."""
    get_for(request.user, Organisation, slug=slug, role=Role.ANALYST)
    form = AdoptForm(request.POST)
    params = QueryDict(mutable=True)
    target = reverse("console:dashboard_plan", kwargs={"slug": slug})
    if not form.is_valid():
        messages.error(request, "Not adopted: " + _errors(form))
        return redirect(target)
    data = form.cleaned_data
    for name in ("wave", "unit", "level", "region", "by"):
        if data.get(name):
            params[name] = str(data[name])
    target += "?" + params.urlencode()
    try:
        query = resolve(request.user, slug, params, by_default="unit")
        adopted = service.adopt(
            request,
            query,
            data["group"],
            data["intervention"],
            owner=data.get("owner") or "",
            due=data.get("due"),
        )
    except DashboardInputError as problem:
        messages.error(request, f"Not adopted: {problem.message}")
        return redirect(target)
    if adopted is None:
        messages.error(request, "Not adopted: that intervention is not proposed for that group.")
        return redirect(target)
    item, created = adopted
    label = INTERVENTION_LABELS.get(item.intervention, item.intervention)
    if created:
        messages.success(request, f"Adopted: {label} for {item.group}.")
    else:
        messages.info(request, f"{label} for {item.group} was already in the plan.")
    return redirect(target)


@login_required
@require_POST
def plan_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change an adopted item's owner, due date or status, or remove it (only with its confirmation box
    ticked: a Remove without it removes nothing and says so).

    Back on the plan page it was sent from (the address carries the page's filters and breakdown); a
    refused change is shown there again as typed, with the reasons in words, and nothing of it is kept.
    """
    org = get_for(request.user, Organisation, slug=slug, role=Role.ANALYST)
    item = get_object_or_404(AdoptedItem, pk=pk, org=org)
    if not service.in_scope(item, membership_for(request.user, org)):
        raise Http404("not found")  # as an item that does not exist: outside his units he sees none
    target = _plan_page(slug, item, request)
    what = f"{INTERVENTION_LABELS.get(item.intervention, item.intervention)} for {item.group}"
    if request.POST.get("action") == "remove":
        if request.POST.get("confirm_remove") != "yes":
            messages.error(
                request,
                f"Not removed: {what} is still in the plan. To remove it, tick “Yes, remove it from the "
                "plan” and press Remove.",
            )
            return redirect(target)
        item.delete()
        messages.success(request, f"Removed from the plan: {what}.")
        return redirect(target)
    form = PlanItemForm(request.POST, instance=item, prefix=f"i{item.pk}")
    if form.is_valid():
        form.save()
        messages.success(request, f"Plan item updated: {what}.")
    else:
        mine = f"{form.prefix}-"
        typed = {name: request.POST.getlist(name) for name in request.POST if name.startswith(mine)}
        request.session[_REFUSED_EDIT] = {"item": item.pk, "data": typed}
        messages.error(request, f"Not saved: your changes to {what} are shown below. {_errors(form)}")
    return redirect(target)


@login_required
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The board report of the current selection as PDF, HTML, CSV or XLSX (through the gate, audited)."""
    if fmt not in EXPORTS:
        return HttpResponse(status=404)
    params, language = dashboard_language(request)
    query = resolve(request.user, slug, params, by_default="unit")  # problems: as render_tab's
    report = service.board(request, query, view=f"dashboard.export.{fmt}", language=language)
    if fmt == "pdf":
        body: bytes | str = board_pdf(report)
    elif fmt == "html":
        body = board_html(report)
    elif fmt == "csv":
        body = table_csv(report.table)
    else:
        body = _xlsx_bytes(report.table)
    response = HttpResponse(body, content_type=EXPORTS[fmt])
    name = f"{query.org.slug}-wave-{query.wave.pk}-by-{query.by}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _errors(form: Any) -> str:
    """A refused form's reasons as sentences, each named by its field's label (never its key)."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = " ".join(str(e) for e in errors).rstrip(".")
        parts.append(f"{field.label}: {text}." if field is not None and field.label else f"{text}.")
    return " ".join(parts)


def _xlsx_bytes(table: Any) -> bytes:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = board_xlsx(table, Path(folder) / "report.xlsx")
        return path.read_bytes()

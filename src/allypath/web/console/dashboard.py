"""The HR dashboard in the console: overview, group explorer, heatmap, trends, transitions, action plan,
comments and the board-report exports.

Every page checks its request (:func:`~allypath.web.dashboard.query.resolve`, which starts with
the access helper), asks :mod:`~allypath.web.dashboard.service` for the figures (analytics
from the organisation's release, audited) and draws them with the board report's chart helpers,
so a page and its export agree. A refused filter shows the gate's message and no number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from allypath.model import DIAGNOSTIC_QUESTIONS, STAGE_KEYS
from allypath.reports.board import (
    FACTOR_LABELS,
    INTERVENTION_LABELS,
    STAGE_NAMES,
    board_html,
    board_pdf,
    factor_chart,
    index_change_chart,
    stage_mix_chart,
    table_csv,
    table_xlsx,
    transition_chart,
)
from allypath.web.dashboard.forms import AdoptForm, PlanItemForm
from allypath.web.dashboard.query import (
    BREAKDOWNS,
    DashboardInputError,
    DashboardQuery,
    resolve,
    visible_units,
)
from allypath.web.dashboard.service import (
    ViewResult,
    board,
    comment_view,
    groups_view,
    heatmap_view,
    overview,
    plan_view,
    transitions_view,
    trends_view,
)
from allypath.web.orgs.access import get_for, membership_for
from allypath.web.orgs.models import Invitation, Organisation, Role, Wave, WaveStatus
from allypath.web.plans.models import AdoptedItem

TABS = (
    ("dashboard", "Overview"),
    ("dashboard_groups", "Groups"),
    ("dashboard_heatmap", "Barriers and enablers"),
    ("dashboard_trends", "Trends"),
    ("dashboard_transitions", "Transitions"),
    ("dashboard_plan", "Action plan"),
    ("dashboard_comments", "Comments"),
)
EXPORTS = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --------------------------------------------------------------------------- page scaffolding


def _options(request: HttpRequest, org: Organisation) -> dict[str, Any]:
    """What the filter form offers: launched waves, units (an analyst's own only), levels, regions."""
    invitations = Invitation.objects.filter(wave__org=org)
    return {
        "waves": Wave.objects.filter(org=org).exclude(status=WaveStatus.DRAFT).order_by("-opens_on", "-pk"),
        "units": visible_units(org, membership_for(request.user, org)),
        "levels": sorted(set(invitations.exclude(level="").values_list("level", flat=True))),
        "regions": sorted(set(invitations.exclude(region="").values_list("region", flat=True))),
        "breakdowns": BREAKDOWNS,
    }


def _context(request: HttpRequest, slug: str, tab: str, **extra: Any) -> dict[str, Any]:
    org = get_for(request.user, Organisation, slug=slug)
    membership = membership_for(request.user, org)
    title = dict(TABS).get(tab, "Dashboard")
    suffix = "?" + request.GET.urlencode() if request.GET else ""
    links = [(reverse(f"console:{name}", args=[slug]) + suffix, label, name == tab) for name, label in TABS]
    exports = [
        (fmt.upper(), reverse("console:dashboard_export", args=[slug, fmt]) + suffix) for fmt in EXPORTS
    ]
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
        "options": _options(request, org),
        "stage_names": STAGE_NAMES,
        "stage_keys": STAGE_KEYS,
        "two_waves": tab in ("dashboard_trends", "dashboard_transitions"),
        "can_plan": membership.has_role(Role.ANALYST),
        **extra,
    }


def _page(
    request: HttpRequest,
    slug: str,
    tab: str,
    template: str,
    compute: Callable[[DashboardQuery], dict[str, Any]],
    *,
    by_default: str | None = None,
    two_waves: bool = False,
) -> HttpResponse:
    """Resolve the request, compute the page's parts, render; a bad or refused request says why."""
    try:
        query = resolve(request.user, slug, request.GET, by_default=by_default, two_waves=two_waves)
        parts = compute(query)
    except DashboardInputError as problem:
        context = _context(request, slug, tab, problem=problem)
        return render(request, "console/dashboard/problem.html", context, status=problem.status)
    context = _context(request, slug, tab, query=query, **parts)
    return render(request, f"console/dashboard/{template}", context)


def _refused(result: ViewResult) -> dict[str, Any]:
    return {"result": result, "total": result.total}


# --------------------------------------------------------------------------- pages


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = overview(request, query)
        parts = _refused(result)
        if not result.refused:
            parts["mix_chart"] = stage_mix_chart(
                pd.DataFrame([{**result.total, "group": "everyone"}]), title="Stage mix", label="group"
            )
            parts["questions"] = DIAGNOSTIC_QUESTIONS
        return parts

    return _page(request, slug, "dashboard", "overview.html", compute)


@login_required
def groups(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = groups_view(request, query)
        parts = _refused(result)
        if not result.refused:
            parts["mix_chart"] = stage_mix_chart(
                pd.DataFrame(result.rows), title=f"Stage mix by {query.by}", label="value"
            )
        return parts

    return _page(request, slug, "dashboard_groups", "groups.html", compute, by_default="unit")


@login_required
def heatmap(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = heatmap_view(request, query)
        parts = _refused(result)
        if not result.refused:
            rows = [{**result.parts["overall"], "value": "everyone"}, *result.rows]
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

    return _page(request, slug, "dashboard_heatmap", "heatmap.html", compute, by_default="unit")


@login_required
def trends(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = trends_view(request, query)
        parts = _refused(result)
        if "message" in result.parts:
            parts["one_wave"] = result.parts["message"]
        elif not result.refused:
            change = result.parts["change"]
            rows = ([{**change, "value": "everyone"}] if change else []) + result.rows
            parts["rows"] = rows
            parts["waves"] = result.parts["waves"]
            parts["index_chart"] = index_change_chart(
                pd.DataFrame([{**r, "group": r["value"]} for r in rows]),
                result.parts["waves"],
                title="Developmental index between the waves",
            )
        return parts

    return _page(request, slug, "dashboard_trends", "trends.html", compute, by_default="unit", two_waves=True)


@login_required
def transitions(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = transitions_view(request, query)
        parts = _refused(result)
        if "message" in result.parts:
            parts["one_wave"] = result.parts["message"]
        elif not result.refused:
            parts["waves"] = result.parts["waves"]
            parts["overall"] = _matrix(result.parts["overall"])
            parts["overall_chart"] = transition_chart(
                pd.DataFrame(result.parts["overall"]), title="Stage transitions: everyone in the panel"
            )
            grouped: dict[str, list[dict[str, Any]]] = {}
            for row in result.rows:
                grouped.setdefault(row["group"], []).append(row)
            parts["groups"] = [_matrix(rows) for rows in grouped.values()]
        return parts

    return _page(
        request, slug, "dashboard_transitions", "transitions.html", compute, by_default="unit", two_waves=True
    )


def _matrix(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One group's transition rows as a 4 x 4 table (or its reason when hidden)."""
    first = rows[0] if rows else {"group": "", "visible": False, "message": "no panel members"}
    cells = {(r["from_stage"], r["to_stage"]): r for r in rows if r.get("from_stage") is not None}
    table = [
        (
            STAGE_NAMES[i],
            [cells.get((i + 1, j + 1), {}).get("probability") for j in range(4)],
            sum(cells.get((i + 1, j + 1), {}).get("count") or 0 for j in range(4)),
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
        return _refused(comment_view(request, query))

    return _page(request, slug, "dashboard_comments", "comments.html", compute)


@login_required
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = plan_view(request, query)
        parts = _refused(result)
        if not result.refused:
            items: dict[str, list[Any]] = {}
            for item in result.parts["items"]:
                items.setdefault(item.group, []).append(item)
            adopted = {(a.group, a.intervention) for a in result.parts["adopted"]}
            progress = {(p["group"], p["intervention"]): p for p in result.parts.get("progress", [])}
            parts.update(
                groups=[
                    (row, [(i, (i.group, i.intervention) in adopted) for i in items.get(row["group"], [])])
                    for row in result.rows
                ],
                adopted=[
                    (a, progress.get((a.group, a.intervention)), PlanItemForm(instance=a, prefix=f"i{a.pk}"))
                    for a in result.parts["adopted"]
                ],
                later=result.parts["later"],
                interventions=INTERVENTION_LABELS,
            )
        return parts

    return _page(request, slug, "dashboard_plan", "plan.html", compute, by_default="unit")


@login_required
@require_POST
def adopt(request: HttpRequest, slug: str) -> HttpResponse:
    """Adopt a proposed intervention for a group: the proposal is recomputed here, never trusted."""
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
        result = plan_view(request, query, view="dashboard.plan.adopt")
    except DashboardInputError as problem:
        messages.error(request, f"Not adopted: {problem.message}")
        return redirect(target)
    found = next(
        (
            i
            for i in result.parts.get("items", [])
            if i.group == data["group"] and i.intervention == data["intervention"]
        ),
        None,
    )
    if found is None:
        messages.error(request, "Not adopted: that intervention is not proposed for that group.")
        return redirect(target)
    _, created = AdoptedItem.objects.get_or_create(
        wave=query.wave,
        group=found.group,
        intervention=found.intervention,
        defaults={
            **{f: getattr(AdoptedItem.from_plan_item(found), f) for f in _COPIED},
            "org": query.org,
            "owner": data.get("owner") or "",
            "due": data.get("due"),
            "adopted_by": request.user if request.user.is_authenticated else None,
        },
    )
    label = INTERVENTION_LABELS.get(found.intervention, found.intervention)
    if created:
        messages.success(request, f"Adopted: {label} for {found.group}.")
    else:
        messages.info(request, f"{label} for {found.group} was already in the plan.")
    return redirect(target)


_COPIED = ("filters", "priority", "reason", "reason_codes", "evidence", "enabler", "stage_action")


@login_required
@require_POST
def plan_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change an adopted item's owner, due date or status, or remove it."""
    org = get_for(request.user, Organisation, slug=slug, role=Role.ANALYST)
    item = get_object_or_404(AdoptedItem, pk=pk, org=org)
    target = reverse("console:dashboard_plan", kwargs={"slug": slug}) + f"?wave={item.wave_id}"
    if request.POST.get("action") == "remove":
        item.delete()
        messages.success(request, "Removed from the plan.")
        return redirect(target)
    form = PlanItemForm(request.POST, instance=item, prefix=f"i{item.pk}")
    if form.is_valid():
        form.save()
        messages.success(request, "Plan item updated.")
    else:
        messages.error(request, "Not saved: " + _errors(form))
    return redirect(target)


@login_required
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The board report of the current selection as PDF, HTML, CSV or XLSX (through the gate, audited)."""
    if fmt not in EXPORTS:
        return HttpResponse(status=404)
    try:
        query = resolve(request.user, slug, request.GET, by_default="unit")
        report = board(request, query, view=f"dashboard.export.{fmt}")
    except DashboardInputError as problem:
        context = _context(request, slug, "dashboard", problem=problem)
        return render(request, "console/dashboard/problem.html", context, status=problem.status)
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
    return "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items())


def _xlsx_bytes(table: Any) -> bytes:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = table_xlsx(table, Path(folder) / "report.xlsx")
        return path.read_bytes()

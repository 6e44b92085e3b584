"""The organisation's declared breakdowns: which tables it publishes (org admins change them).

Every figure HR sees is read from the release solved over these tables, so changing them changes
what everyone sees, at once and for all accounts: the change is recorded in the audit log, and the
next page view solves the release anew (its digest includes the declaration).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from allypath.privacy import Breakdown, default_breakdowns
from allypath.web.audit import record_access
from allypath.web.dashboard.models import Publication
from allypath.web.dashboard.release import ATTRIBUTES, declared_breakdowns, hierarchy
from allypath.web.orgs.access import get_for, membership_for
from allypath.web.orgs.models import Organisation, Role, Unit

NAMES = {"level": "level", "region": "region"}


def _name(breakdown: Breakdown) -> str:
    """A breakdown in words: "unit (level 2) × level"."""
    parts = []
    for column in breakdown.columns:
        if column.startswith("unit"):
            depth = column.removeprefix("unit") or "1"
            parts.append("unit" if depth == "1" else f"unit (level {depth})")
        else:
            parts.append(NAMES.get(column, column))
    return " × ".join(parts)


@login_required
def publication(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_for(request.user, Organisation, slug=slug, role=Role.ORG_ADMIN)
    depth = max((u.depth for u in Unit.objects.filter(org=org)), default=0)
    possible = default_breakdowns(ATTRIBUTES, hierarchy(depth))
    current = set(declared_breakdowns(org, depth))
    if request.method == "POST":
        chosen = [b for b in possible if request.POST.get(b.key) == "on"]
        if not chosen:
            messages.error(
                request, "Choose at least one breakdown: the organisation would publish only totals."
            )
        else:
            with transaction.atomic():
                Publication.objects.update_or_create(
                    org=org, defaults={"breakdowns": [b.key for b in chosen]}
                )
                record_access(
                    request,
                    org=org,
                    group="published breakdowns: " + ", ".join(_name(b) for b in chosen),
                    view="console.publication.change",
                )
            messages.success(request, "Saved. Every page now shows the figures of these breakdowns.")
            return redirect("console:publication", slug=org.slug)
    rows = [(b.key, _name(b), b in current) for b in possible]
    context = {
        "title": "What the organisation publishes",
        "org": org,
        "lang": "en",
        "dir": "ltr",
        "membership": membership_for(request.user, org),
        "rows": rows,
    }
    return render(request, "dashboard/publication.html", context)

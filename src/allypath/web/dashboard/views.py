"""The organisation's declared breakdowns: which tables it publishes (org admins change them).

Every figure HR sees is read from the release solved over these tables, the same for all accounts.
A wave keeps the tables its figures were first published over (``Wave.publication``, fixed by
:func:`~allypath.web.dashboard.release.published_settings`): a change applies to the waves published
after it, as a release of a wave solved anew over other tables could be subtracted from the one seen.
The change is recorded in the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from allypath.privacy import Breakdown, default_breakdowns, parse_breakdowns
from allypath.web.audit import record_access
from allypath.web.dashboard.models import Publication
from allypath.web.dashboard.release import ATTRIBUTES, declared_breakdowns, hierarchy
from allypath.web.orgs.access import get_for, membership_for
from allypath.web.orgs.models import Organisation, Role, Unit, Wave, WaveStatus

NAMES = {"level": "level", "region": "region"}


def _unit_examples(org: Organisation) -> dict[int, str]:
    """One of the organisation's own units at each depth (0 = top), to show what a unit level means."""
    examples: dict[int, str] = {}
    for depth, path in Unit.objects.filter(org=org).order_by("depth", "path").values_list("depth", "path"):
        examples.setdefault(depth, path)
    return examples


def _unit_name(column: str, examples: dict[int, str]) -> str:
    """A unit column in words: "unit (e.g. Corporate)", "sub-unit (e.g. Corporate/APAC)"."""
    tiers = int(column.removeprefix("unit") or "1")  # unit, unit2, unit3 ...: tiers from the top
    name = "unit" if tiers == 1 else "sub-unit" if tiers == 2 else f"sub-unit, {tiers} tiers deep"
    example = examples.get(tiers - 1)
    return f"{name} (e.g. {example})" if example else name


def _name(breakdown: Breakdown, examples: dict[int, str] | None = None) -> str:
    """A breakdown in words: "sub-unit (e.g. Corporate/APAC) and level together"."""
    parts = [
        _unit_name(column, examples or {}) if column.startswith("unit") else NAMES.get(column, column)
        for column in breakdown.columns
    ]
    if len(parts) == 1:
        return parts[0]
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) + " together"


@login_required
def publication(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_for(request.user, Organisation, slug=slug, role=Role.ORG_ADMIN)
    depth = max((u.depth for u in Unit.objects.filter(org=org)), default=0)
    possible = default_breakdowns(ATTRIBUTES, hierarchy(depth))
    current = set(declared_breakdowns(org, depth))
    examples = _unit_examples(org)
    published = []
    for wave in (
        Wave.objects.filter(org=org, publication__isnull=False)
        .exclude(status=WaveStatus.DRAFT)
        .order_by("opens_on", "pk")
    ):
        kept = parse_breakdowns((wave.publication or {})["breakdowns"])
        same = set(kept) == current
        published.append(
            (wave.name, ["the same as those ticked below"] if same else [_name(b, examples) for b in kept])
        )
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
                    group="published breakdowns: " + "; ".join(_name(b) for b in chosen),
                    view="console.publication.change",
                )
            messages.success(
                request,
                "Saved. Waves published from now on show the figures of these breakdowns."
                if published
                else "Saved. Every page now shows the figures of these breakdowns.",
            )
            return redirect("console:publication", slug=org.slug)
    rows = [(b.key, _name(b, examples), b in current) for b in possible]
    context = {
        "title": "What the organisation publishes",
        "org": org,
        "lang": "en",
        "dir": "ltr",
        "membership": membership_for(request.user, org),
        "rows": rows,
        "published": published,
    }
    return render(request, "dashboard/publication.html", context)

"""``/console/<org>/audit/``: the organisation's audit log, for its org admins only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from allypath.web.audit.models import AccessEvent
from allypath.web.orgs.access import get_for, membership_for
from allypath.web.orgs.models import Organisation, Role

PAGE_SIZE = 100


def _org(request: HttpRequest, slug: str) -> Organisation:
    # Who looked at what is itself sensitive: org admins only, like people and roles.
    return get_for(request.user, Organisation, slug=slug, role=Role.ORG_ADMIN)


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    org = _org(request, slug)
    events = AccessEvent.objects.filter(org=org).select_related("wave")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "title": "Audit log",
        "org": org,
        "membership": membership_for(request.user, org),
        "lang": "en",
        "dir": "ltr",
        "page": page,
    }
    return render(request, "audit/log.html", context)

"""``/console/<org>/audit/``: the organisation's audit log, for its org admins only."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from allypath.web.audit.models import AccessEvent, ChangeEvent, SignInEvent
from allypath.web.audit.names import group_name, view_name
from allypath.web.orgs.access import get_for, membership_for
from allypath.web.orgs.models import Organisation, Role

PAGE_SIZE = 100
SIGN_INS_SHOWN = 100
CHANGES_SHOWN = 200


def _org(request: HttpRequest, slug: str) -> Organisation:
    # Who looked at what is itself sensitive: org admins only, like people and roles.
    return get_for(request.user, Organisation, slug=slug, role=Role.ORG_ADMIN)


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    org = _org(request, slug)
    events = AccessEvent.objects.filter(org=org).select_related("wave")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # the stored codes stay as written (append-only); the page names them in words
    entries = [(e, view_name(e.view), group_name(e.group)) for e in page]
    context = {
        "title": "Audit log",
        "org": org,
        "membership": membership_for(request.user, org),
        "lang": "en",
        "dir": "ltr",
        "page": page,
        "entries": entries,
        "sign_ins": _members_sign_ins(org)[:SIGN_INS_SHOWN],
        "changes": ChangeEvent.objects.filter(org=org)[:CHANGES_SHOWN],
    }
    return render(request, "audit/log.html", context)


def _members_sign_ins(org: Organisation) -> QuerySet[SignInEvent]:
    """Sign-ins, sign-outs and refused sign-ins of the organisation's members, newest first.

    A refusal has no account: it is shown when the user name typed, or the e-mail address the sign-in
    service gave, is a member's (someone trying a member's password shows up here). An address that
    more than one account holds (made before addresses were unique) is nobody's in particular: its
    refusals are shown to no organisation, so another organisation's account cannot read them.
    """
    members = org.memberships.values_list("user_id", "user__username", "user__email")
    ids = [m[0] for m in members]
    emails = {m[2].lower() for m in members if m[2]}
    users = get_user_model().objects.annotate(key=Lower("email"))
    shared = {
        row["key"]
        for row in users.filter(key__in=emails)
        .values("key")
        .annotate(holders=Count("id"))
        .filter(holders__gt=1)
    }
    # a member whose user name is another account's address would be shown that account's refusals
    others = set(
        users.exclude(pk__in=ids)
        .filter(key__in=[m[1].lower() for m in members])
        .values_list("key", flat=True)
    )
    names = [m[1] for m in members if m[1].lower() not in others]
    names += [m[2] for m in members if m[2] and m[2].lower() not in shared]
    return SignInEvent.objects.filter(Q(user_id__in=ids) | Q(user_id=None, username__in=names))

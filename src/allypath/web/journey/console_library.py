"""The org admin's pages for the organisation's own library items, under ``/console/<org>/library/``.

HR writes the items; men are offered them in their private journey by the same choice as the shipped
library (their stage, barrier, work situation, turning point) and can browse them all. HR sees the
items and who changed them last -- never who was offered, opened or read one.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from allypath.content import ContentError, load_library
from allypath.model import stage
from allypath.web.journey.library_forms import LANGUAGE_NAMES, OwnItemForm, plain_problems
from allypath.web.journey.models import OrgLibraryItem
from allypath.web.journey.texts import FORMAT_NAMES
from allypath.web.orgs.access import get_for, membership_for
from allypath.web.orgs.models import Organisation, Role

__all__ = ["library_item_page", "library_page"]


def _context(request: HttpRequest, org: Organisation, **extra: object) -> dict[str, object]:
    return {"org": org, "membership": membership_for(request.user, org), "lang": "en", "dir": "ltr", **extra}


def _in_words(field: str | None, message: str) -> str:
    """A problem of a stored item named by the form field it is about ("Written mainly for: ...")."""
    label = OwnItemForm.base_fields[field].label if field else None
    return f"{label}: {message}" if label else message


def _row(item: OrgLibraryItem) -> dict[str, object]:
    spec = item.spec if isinstance(item.spec, dict) else {}
    stages = [s for s in spec.get("stages") or [] if s in (1, 2, 3, 4)]
    try:
        item.as_item()
        problem = ""
    except ContentError as error:
        problem = "; ".join(_in_words(field, message) for field, message in plain_problems(error))
    return {
        "pk": item.pk,
        "title": (spec.get("title") or {}).get(item.language, "") or "(no title)",
        "format": FORMAT_NAMES[spec["format"]].get_lang("en") if spec.get("format") in FORMAT_NAMES else "",
        "stages": ", ".join(stage(s).label.get_lang("en") for s in stages),
        "language": LANGUAGE_NAMES.get(item.language, item.language),
        "changed": f"{item.changed_by}, {item.changed_on.day} {item.changed_on:%B %Y}",
        "problem": problem,
        "url": reverse("journey_console:library_item", args=[item.org.slug, item.pk]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def library_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's items and a form to add one."""
    org = get_for(request.user, Organisation, slug=slug, role=Role.ORG_ADMIN)
    form = OwnItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            OrgLibraryItem.objects.create(
                org=org,
                language=form.cleaned_data["language"],
                spec=form.spec,
                changed_by=request.user.get_username(),
            )
            messages.success(request, "Item added: men of your organisation can now be offered it.")
            return HttpResponseRedirect(reverse("journey_console:library", args=[org.slug]), status=303)
        status = 422
    items = OrgLibraryItem.objects.filter(org=org).select_related("org")
    shipped = Counter(i.home_stage for i in load_library())
    return render(
        request,
        "journey/console_library.html",
        _context(
            request,
            org,
            title="Journey library",
            form=form,
            rows=[_row(i) for i in items],
            shipped=[(stage(n).label.get_lang("en"), shipped[n]) for n in (1, 2, 3, 4)],
            shipped_total=sum(shipped.values()),
        ),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def library_item_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change or remove one of the organisation's items."""
    org = get_for(request.user, Organisation, slug=slug, role=Role.ORG_ADMIN)
    item = OrgLibraryItem.objects.filter(org=org, pk=pk).select_related("org").first()
    if item is None:
        raise Http404("not found")
    back = reverse("journey_console:library", args=[org.slug])
    status = 200
    if request.method == "POST" and request.POST.get("do") == "remove":
        item.delete()
        messages.success(request, "Item removed: it is no longer offered to anyone.")
        return HttpResponseRedirect(back, status=303)
    if request.method == "POST":
        form = OwnItemForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                item.language = form.cleaned_data["language"]
                item.spec = form.spec
                item.changed_on = timezone.localdate()
                item.changed_by = request.user.get_username()
                item.save()
            messages.success(request, "Item saved.")
            return HttpResponseRedirect(back, status=303)
        status = 422
    else:
        form = OwnItemForm(initial=OwnItemForm.initial_from(item.language, item.spec))
    return render(
        request,
        "journey/console_library_item.html",
        _context(request, org, title="Change a library item", form=form, row=_row(item), back=back),
        status=status,
    )

"""The org admin's page for ally circles: settings, counts, and "Form circles now".

HR sees how many men volunteered and how many circles were formed -- never a stage, a contact or who
is in which circle. Saving the settings opens circles to the organisation's employees (their journey
then offers volunteering).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from allypath.web.journey.circles import form_round, hr_counts
from allypath.web.journey.forms import CirclePlanForm
from allypath.web.journey.models import CirclePlan
from allypath.web.orgs.access import get_for, membership_for
from allypath.web.orgs.models import Organisation, Role

__all__ = ["circles_page"]


@login_required
@require_http_methods(["GET", "POST"])
def circles_page(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_for(request.user, Organisation, slug=slug, role=Role.ORG_ADMIN)
    plan = CirclePlan.objects.filter(org=org).first()
    form = CirclePlanForm(instance=plan or CirclePlan(org=org))
    status = 200
    here = reverse("journey_console:circles", args=[org.slug])
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "form" and plan is not None:
            counts = form_round(org)
            messages.success(
                request,
                f"Formation done: {counts['circles']} circles in all, "
                f"from {counts['volunteers']} volunteers.",
            )
            return HttpResponseRedirect(here, status=303)
        if action == "save":
            form = CirclePlanForm(request.POST, instance=plan or CirclePlan(org=org))
            if form.is_valid():
                form.save()
                messages.success(request, "Circle settings saved: employees can now volunteer.")
                return HttpResponseRedirect(here, status=303)
            status = 422
        else:
            status = 422
    context = {
        "title": "Ally circles",
        "org": org,
        "membership": membership_for(request.user, org),
        "lang": "en",
        "dir": "ltr",
        "plan": plan,
        "form": form,
        "counts": hr_counts(org),
    }
    return render(request, "journey/console_circles.html", context, status=status)

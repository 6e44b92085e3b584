"""The policies an organisation declares it has: what men's policy-knowledge answers are checked against.

The survey asks which of five policies the organisation offers (parental leave open to fathers, flexible
work, a pay-gap review, a way to report harassment, ...). Only the organisation knows which it has, so
"verified" awareness is shown only once an org admin has declared them here; each policy can also be left
undeclared, and is then not checked.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from allypath.instrument import Item
from allypath.web.console.views import base_context, org_for
from allypath.web.orgs.access import membership_for
from allypath.web.orgs.instruments import available_instrument
from allypath.web.orgs.models import Role

__all__ = ["knowledge_options", "policies"]

_CHOICES = [("yes", "We offer it"), ("no", "We do not offer it"), ("", "Not declared (not checked)")]


def knowledge_options() -> list[tuple[str, str]]:
    """(option id, English text) of the knowledge check's policies (not "none of these")."""
    instrument = available_instrument()
    checks: list[Item] = [
        i for c in instrument.constructs_of("knowledge") for i in c.items if i.type == "checklist"
    ]
    return [(o.id or "", o.text["en"]) for item in checks for o in item.options if not o.exclusive]


class PoliciesForm(forms.Form):
    def __init__(self, declared: dict[str, bool], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for option, text in knowledge_options():
            initial = "" if option not in declared else ("yes" if declared[option] else "no")
            self.fields[option] = forms.ChoiceField(
                label=text, choices=_CHOICES, required=False, initial=initial, widget=forms.RadioSelect
            )

    def declared(self) -> dict[str, bool]:
        return {name: value == "yes" for name, value in self.cleaned_data.items() if value in ("yes", "no")}


@login_required
def policies(request: HttpRequest, slug: str) -> HttpResponse:
    """Org admins declare the policies; every member can read what is declared."""
    org = org_for(request, slug)
    can_change = membership_for(request.user, org).has_role(Role.ORG_ADMIN)
    form = PoliciesForm(org.policies or {}, request.POST if request.method == "POST" and can_change else None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("only an organisation admin can declare policies")
        if form.is_valid():
            org.policies = form.declared()
            org.save(update_fields=["policies"])
            messages.success(request, "Policies saved. The dashboard now checks men's answers against them.")
            return redirect("console:policies", slug=org.slug)
    context = base_context(request, org, "Policies you offer", form=form, can_change=can_change)
    return render(request, "console/policies.html", context)

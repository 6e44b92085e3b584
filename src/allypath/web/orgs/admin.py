"""Django admin for staff. Responses, drafts and invitations are not registered: individual answers,
and who has answered, are not for anyone's screen.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from allypath.web.orgs.models import FROZEN_FIELDS, Employee, Membership, Organisation, Unit, Wave


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("path", "org", "depth")
    list_filter = ("org",)
    search_fields = ("path",)


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("employee_id", "org", "unit", "level", "region", "active")
    list_filter = ("org", "active")
    search_fields = ("employee_id",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "org", "role")
    list_filter = ("org", "role")
    filter_horizontal = ("units",)


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "status", "privacy_mode", "k", "opens_on", "closes_on")
    list_filter = ("org", "status")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_frozen:
            # org_id is the foreign key "org"; instrument_id is a plain field of that name.
            return [("org" if f == "org_id" else f) for f in FROZEN_FIELDS] + ["status", "launched_on"]
        return ["status", "launched_on"]

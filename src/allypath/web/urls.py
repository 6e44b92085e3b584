"""URL map: respondent pages at the root, the HR console under /console/, the API under /api/v1/."""

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache

from allypath.web.api.api import api


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers (no database query, so a slow database does not restart it)."""
    return JsonResponse({"status": "ok"})


admin.site.site_header = "allypath administration"

urlpatterns = [
    # Respondents' pages first: every survey page and report resolves its address here, so it is tried
    # against three patterns, not the console's and the admin's first (0.03 of 0.64 ms a page in process,
    # benchmarks/profile_survey_path.py).
    path("", include("allypath.web.survey.urls")),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("console/sso/", include("allypath.web.sso.urls")),  # 404 while single sign-on is off
    path("console/", include("allypath.web.journey.console_urls")),  # ally circles (org admins)
    path("console/", include("allypath.web.console.urls")),
    path("console/", include("allypath.web.audit.urls")),
    path("admin/", admin.site.urls),
    path("", include("allypath.web.journey.urls")),  # the private journey, under /r/<receipt>/journey/
]

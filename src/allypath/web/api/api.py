"""``/api/v1/``: ``POST /responses`` for respondents (the token is the credential), and read endpoints
for HR users (session login, the same access helper as the console, answers through the privacy gate).
OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs`` (served from local static files).
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.responses import Status
from ninja.security import django_auth

from allypath.errors import RequestProblem
from allypath.web.api.dashboard import router as dashboard_router
from allypath.web.api.schemas import (
    ErrorOut,
    OrgOut,
    RateRowOut,
    RatesOut,
    ReceiptOut,
    SubmissionIn,
    WaveOut,
)
from allypath.web.dashboard.deferred import with_retry_after
from allypath.web.dashboard.rates import rates_view
from allypath.web.orgs.access import get_for
from allypath.web.orgs.models import Membership, Role, Wave
from allypath.web.survey.submission import submit

# Swagger UI sets a few inline styles; only the docs page gets that allowance.
api = NinjaAPI(
    title="allypath",
    version="1",
    description="Survey submissions and HR read endpoints of allypath (docs/architecture.md).",
    urls_namespace="api",
    docs_decorator=csp_update({"style-src": ["'self'", "'unsafe-inline'"]}),
)
api.add_router("/", dashboard_router)


def _error(
    request: HttpRequest, status: int, code: str, detail: str, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"detail": detail, "code": code, "errors": errors or []}, status=status
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": _field(e.get("loc", ())),
            "message": str(e.get("msg", "invalid")),
            "code": str(e.get("type", "invalid")),
        }
        for e in exc.errors
    ]
    return _error(request, 422, "invalid_request", "the request body does not match the schema", errors)


@api.exception_handler(RequestProblem)
def _request_problem(request: HttpRequest, exc: RequestProblem) -> HttpResponse:
    # The one place a refused request (a bad dashboard parameter, a rejected submission, ...) becomes
    # the API's error body: its status, its code and each field at fault.
    errors = [
        {"field": field, "message": message, "code": code} for field, message, code in exc.field_errors()
    ]
    return with_retry_after(_error(request, exc.status, exc.code, exc.message, errors), exc)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "bad_request", str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "body_too_large", "the request body is larger than the server accepts")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same error body as every other refusal (the OpenAPI ErrorOut), not Ninja's bare {"detail"}.
    return _error(request, 404, "not_found", "not found")


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", "sign in to the console first")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "forbidden", str(exc) or "forbidden")


def _signed_in(request: HttpRequest) -> User:
    """The session user; ``django_auth`` has already refused anonymous requests with 401."""
    user = request.user
    assert isinstance(user, User)
    return user


@api.post(
    "/responses",
    response={
        201: ReceiptOut,
        200: ReceiptOut,
        400: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    summary="Submit one survey response",
    description=(
        "Stores the answers of the invitation behind `token` and returns the receipt code of the "
        "private report: 201 when stored, 200 with the same receipt when the same `token`, "
        "`submission_id` and body come again (the id with another link is another submission), 409 "
        "when the link was used or the wave is closed, 422 when the `submission_id` was used for other "
        "answers or a field is invalid (each one named, JSON nested too deep or text with lone "
        "surrogates included)."
    ),
    auth=None,
)
def post_response(request: HttpRequest, payload: SubmissionIn) -> Status[Any]:
    result = submit(payload.token, payload.submission_id, payload.answers, payload.language)
    # the language goes in the link: the response keeps it only where k invitees share it
    url = request.build_absolute_uri(
        reverse("survey:report", args=[result.receipt]) + f"?lang={payload.language}"
    )
    return Status(201 if result.created else 200, ReceiptOut(receipt=result.receipt, report_url=url))


@api.get(
    "/orgs",
    response={200: list[OrgOut], 401: ErrorOut},
    auth=django_auth,
    summary="Organisations of the signed-in user",
)
def list_orgs(request: HttpRequest) -> list[OrgOut]:
    memberships = (
        Membership.objects.filter(user=_signed_in(request)).select_related("org").order_by("org__name")
    )
    return [OrgOut(slug=m.org.slug, name=m.org.name, role=m.role) for m in memberships]


@api.get(
    "/waves/{wave_id}",
    response={200: WaveOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=django_auth,
    summary="One wave's settings",
)
def get_wave(request: HttpRequest, wave_id: int) -> Wave:
    return get_for(request.user, Wave, pk=wave_id, role=Role.VIEWER)


@api.get(
    "/waves/{wave_id}/response-rates",
    response={200: RatesOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    auth=django_auth,
    summary="Usable responses per unit (groups the privacy gate refuses are hidden)",
)
def get_response_rates(request: HttpRequest, wave_id: int) -> RatesOut:
    """Invited people and usable responses (the scored ones the dashboard counts too) per unit
    subtree, from the organisation's release (the same counts as the dashboard and the console, for
    every viewer). A hidden count is ``null`` with the reason in ``note``."""
    wave = get_for(request.user, Wave, pk=wave_id, role=Role.VIEWER)
    user = _signed_in(request)
    membership = Membership.objects.get(user=user, org=wave.org)
    table = rates_view(request, wave, membership, view="api.response_rates")  # 422 for an imported wave
    return RatesOut(
        k=table.k,
        invited=table.invited,
        responded=table.responded,
        rate=table.rate,
        note=table.note,
        rows=[
            RateRowOut(
                unit=r.path, depth=r.depth, invited=r.invited, responded=r.responded, rate=r.rate, note=r.note
            )
            for r in table.rows
        ],
    )

"""No HR page, API answer or export reveals journey data.

Men write commitments, play dilemmas, re-check and volunteer with contacts; then every GET page under
/console/, /api/v1/ and the audit log that an org admin of the organisation can reach is fetched (every
URL pattern, with the organisation's slug and wave ids filled in, every export format). None may
contain a commitment, a contact, a chosen dilemma's outcome or a re-check's figures.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from allypath.content import load_dilemmas
from allypath.web.journey.models import CirclePlan
from allypath.web.orgs.models import Wave
from answer_patterns import likert_answers

pytestmark = [pytest.mark.db, pytest.mark.django_db]

COMMITMENT = "Zanzibar-commitment: sponsor Leila for the board"
CONTACT = "quokka-signal-4471@example.test"


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    out: list[str] = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            out += _routes(entry, route)
        elif isinstance(entry, URLPattern):
            out.append(route)
    return out


def _fill(route: str, values: dict[str, list[str]]) -> list[str]:
    """Every way to fill ``route``'s parameters from ``values`` (none when a parameter is unknown)."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if any(n not in values for n in names):
        return []
    urls = [route]
    for name in names:
        urls = [re.sub(rf"<(?:\w+:)?{name}>", v, u, count=1) for u in urls for v in values[name]]
    return ["/" + u for u in urls]


def test_no_hr_page_api_answer_or_export_reveals_journey_data(client, submitted, acme, alice, instrument):
    CirclePlan.objects.create(org=acme, min_size=3, max_size=3)
    dilemma = load_dilemmas().dilemmas[0]
    chosen = dilemma.options[2]
    short = instrument.form("short")
    for employee, level in (("S001", 1), ("S002", 2), ("S003", 4), ("S004", 5)):
        receipt = submitted(employee=employee, level=level)
        client.post(f"/r/{receipt}/journey/commitments/", {"text": f"{COMMITMENT} ({employee})"})
        client.post(f"/r/{receipt}/journey/dilemma/{dilemma.id}/", {"option": chosen.id})
        recheck = {f"q_{k}": str(v) for k, v in likert_answers(short, 4).items()}
        assert client.post(f"/r/{receipt}/journey/recheck/", recheck).status_code == 303
        body = {"contact": f"{employee}.{CONTACT}", "consent": "on", "can_host": "on"}
        assert client.post(f"/r/{receipt}/journey/circle/", body).status_code == 303
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(f"/console/{acme.slug}/circles/", {"action": "form"}).status_code == 303
    wave = Wave.objects.get(org=acme)
    wave.close()
    values = {
        "slug": [acme.slug],
        "pk": [str(wave.pk)],
        "wave_id": [str(wave.pk)],
        "fmt": ["csv", "xlsx", "json", "pdf"],
    }
    secrets = [COMMITMENT, CONTACT, chosen.outcome.get_lang("en")[:40]]
    fetched = 0
    for route in _routes():
        if not route.startswith(("console/", "api/v1/")) or "logout" in route or "sso/" in route:
            continue
        for url in _fill(route, values):
            r = client.get(url)
            if r.status_code >= 400 and r.status_code != 422:
                continue
            fetched += 1
            body = b"".join(r.streaming_content) if r.streaming else r.content
            text = body.decode("utf-8", "replace")
            for secret in secrets:
                assert secret not in text, f"{url} shows {secret!r}"
            # the circle page and every other shows counts at most: no re-check figure either
            assert "p_energised" not in text and "index_se" not in text, url
    assert fetched >= 10  # the crawl reached the console, the dashboard, the API and the exports

"""An address nothing answers gets allypath's own page, not the server's bare "Not Found": it says in
plain words where to go (the survey link, the report's receipt code, the console), and says the same
for an organisation that does not exist as for one the user may not open (nothing is given away).
A server error gets a page of its own too, which needs no request to render."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _text(response: Any) -> str:
    return response.content.decode()


@pytest.mark.parametrize("path", ["/this-does-not-exist", "/s/", "/console/reports/nowhere/x/y/"])
def test_an_unknown_address_gets_a_page_that_says_where_to_go(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 404
    page = _text(response)
    assert "<h1>Page not found</h1>" in page
    assert 'href="/"' in page and 'href="/console/"' in page  # the home page (receipt code) and the console
    assert "allypath/app.css" in page  # the site's own look
    assert "The requested resource was not found on this server" not in page


def test_an_organisation_one_may_not_open_looks_like_one_that_does_not_exist(
    acme: Any, charlie: Any, login: Any
) -> None:
    client = login(charlie)  # org admin of Globex, nothing at Acme
    hidden = client.get(f"/console/{acme.slug}/")
    missing = client.get("/console/no-such-organisation/")
    assert hidden.status_code == missing.status_code == 404
    assert "<h1>Page not found</h1>" in _text(hidden)
    assert _text(hidden).replace(acme.slug, "") == _text(missing).replace("no-such-organisation", "")


def test_the_server_error_page_renders_without_a_request() -> None:
    page = render_to_string("500.html")
    assert "<h1>Something went wrong</h1>" in page and "try again" in page

"""Console forms sent back with errors, as HTML (the browser tests walk the same in chromium).

A refused form says "Error:" first in its title and its error summary takes the focus without script
(tabindex="-1" and autofocus: the CSP allows no script), WCAG 3.3.1 and 2.4.3; every aria-describedby
of a control names an element of the page (a hint or an error a screen reader can read).
"""

from __future__ import annotations

import re

import pytest

from allypath.web.orgs.emails import wave_email

pytestmark = [pytest.mark.db, pytest.mark.django_db]


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()  # type: ignore[union-attr]


def _summary_takes_the_focus(html: str) -> bool:
    summary = re.search(r'<[a-z]+ [^>]*id="error-summary"[^>]*>', html)
    return summary is not None and 'tabindex="-1"' in summary.group(0) and "autofocus" in summary.group(0)


def _missing_descriptions(html: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    return [
        i for refs in re.findall(r'aria-describedby="([^"]+)"', html) for i in refs.split() if i not in ids
    ]


def test_an_email_that_cannot_be_sent_comes_back_with_a_focused_error_summary(
    client, login, alice, acme, make_wave
):
    wave = make_wave(acme)
    login(alice)
    data = {"action": "save"}
    for kind in ("invitation", "reminder"):
        for lang in wave.languages:
            email = wave_email(wave, kind, lang)
            data[f"{kind}_{lang}_subject"], data[f"{kind}_{lang}_body"] = email.subject, email.body
    data["reminder_en_body"] = "No link here, sorry."
    html = client.post(f"/console/{acme.slug}/waves/{wave.pk}/emails/", data).content.decode()
    assert _title(html).startswith("Error:")
    assert _summary_takes_the_focus(html)
    assert _missing_descriptions(html) == []


def test_a_refused_wave_and_member_say_error_and_tie_hints_to_their_fields(client, login, alice, acme):
    login(alice)
    html = client.post(f"/console/{acme.slug}/waves/new/", {"name": "", "k": "1"}).content.decode()
    assert _title(html).startswith("Error:") and _summary_takes_the_focus(html)
    assert 'id="id_k_helptext"' in html and _missing_descriptions(html) == []
    html = client.post(f"/console/{acme.slug}/people/", {"username": "", "role": "viewer"}).content.decode()
    assert _title(html).startswith("Error:") and _summary_takes_the_focus(html)
    assert 'id="id_password_helptext"' in html and _missing_descriptions(html) == []
    for path in ("waves/new/", "people/", "imports/", "library/"):
        page = client.get(f"/console/{acme.slug}/{path}").content.decode()
        assert not _title(page).startswith("Error:"), path
        assert _missing_descriptions(page) == [], path

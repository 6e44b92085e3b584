"""Console forms sent back with errors, as HTML (the browser tests walk the same in chromium).

A refused form says "Error:" first in its title and its error summary takes the focus without script
(tabindex="-1" and autofocus: the CSP allows no script), WCAG 3.3.1 and 2.4.3; every aria-describedby
of a control names an element of the page (a hint or an error a screen reader can read).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from allypath.web.orgs.emails import wave_email
from allypath.web.orgs.models import Membership, Role, Wave

pytestmark = [pytest.mark.db, pytest.mark.django_db]

CSS = Path(__file__).resolve().parents[2] / "src" / "allypath" / "web" / "static" / "allypath" / "app.css"


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


def _unit_boxes(
    html: str, legend: str = "Only these units", name: str = "audience_units"
) -> list[tuple[int, str, str, bool]]:
    """(depth, value, label, ticked) of each box of a form's group of units (console.forms.UnitBoxes):
    by default the wave form's "Only these units"."""
    group = re.search(rf"<fieldset[^>]*><legend>{legend}</legend>(.*?)</fieldset>", html, re.S)
    assert group is not None, "the units are no group of boxes with a legend"
    boxes = re.findall(
        rf'<div class="unit-box depth-(\d+)"><label for="([^"]+)"><input type="checkbox" name="{name}" '
        r'value="([^"]+)" id="\2"( checked)?>\s*([^<]+?)</label>',
        group.group(1),
    )
    return [(int(depth), value, label, bool(ticked)) for depth, _, value, ticked, label in boxes]


def test_a_waves_units_are_boxes_named_by_their_path_and_a_refused_form_keeps_them_ticked(
    client, login, alice, acme
):
    """A multiple select needs Ctrl or Shift from the keyboard: each unit is a box ticked with the space
    bar, labelled with its path (the hierarchy in words) and indented by its depth."""
    login(alice)
    html = client.get(f"/console/{acme.slug}/waves/new/").content.decode()
    assert '<select name="audience_units"' not in html
    assert _unit_boxes(html) == [
        (0, "Engineering", "Engineering", False),
        (0, "Sales", "Sales", False),
        (1, "Sales/APAC", "Sales/APAC", False),
        (1, "Sales/EMEA", "Sales/EMEA", False),
        (2, "Sales/EMEA/North", "Sales/EMEA/North", False),
    ]
    settings = {
        "name": "",  # refused: the boxes ticked come back ticked
        "audience": "everyone",
        "audience_units": ["Sales/EMEA/North", "Engineering"],
        "form": "short",
        "languages": ["en"],
        "privacy_mode": "anonymous",
        "k": 5,
        "k_text": 10,
        "opens_on": timezone.localdate().isoformat(),
        "closes_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
    }
    html = client.post(f"/console/{acme.slug}/waves/new/", settings).content.decode()
    assert _title(html).startswith("Error:")
    assert [value for _, value, _, ticked in _unit_boxes(html) if ticked] == [
        "Engineering",
        "Sales/EMEA/North",
    ]
    assert client.post(f"/console/{acme.slug}/waves/new/", {**settings, "name": "Autumn"}).status_code == 302
    assert sorted(Wave.objects.get(org=acme, name="Autumn").audience_units) == [
        "Engineering",
        "Sales/EMEA/North",
    ]


def test_an_analysts_units_are_boxes_named_by_their_path_and_saved_as_ticked(client, login, alice, acme):
    """The people page limited an analyst with a multiple select (Ctrl or Shift from the keyboard):
    the same boxes as a wave's audience, labelled with the unit's path and indented by its depth."""
    from allypath.web.orgs.models import Unit
    from web.conftest import member

    bob = member("bob", acme, Role.ANALYST)
    membership = Membership.objects.get(org=acme, user=bob)
    login(alice)
    page = f"/console/{acme.slug}/people/{membership.pk}/"
    html = client.get(page).content.decode()
    assert '<select name="units"' not in html
    boxes = _unit_boxes(html, legend="Units", name="units")
    paths = dict(Unit.objects.filter(org=acme).values_list("pk", "path"))
    assert [(depth, paths[int(pk)], label) for depth, pk, label, _ in boxes] == [
        (0, "Engineering", "Engineering"),
        (0, "Sales", "Sales"),
        (1, "Sales/APAC", "Sales/APAC"),
        (1, "Sales/EMEA", "Sales/EMEA"),
        (2, "Sales/EMEA/North", "Sales/EMEA/North"),
    ]
    north = Unit.objects.get(org=acme, path="Sales/EMEA/North")
    answer = client.post(page, {"action": "save", "role": Role.ANALYST, "units": [north.pk]})
    assert answer.status_code == 302
    assert [u.path for u in Membership.objects.get(pk=membership.pk).units.all()] == ["Sales/EMEA/North"]


def test_hundreds_of_units_scroll_inside_their_own_box(client, login, alice, big):
    """An HRIS file can bring hundreds of units: their boxes scroll in a box of their own (app.css), so
    the rest of the form stays a screen away, and each deep unit still says its whole path."""
    login(alice)
    boxes = _unit_boxes(client.get(f"/console/{big.slug}/waves/new/").content.decode())
    assert len(boxes) == 12 + 300
    assert (1, "Division 11/Team 24", "Division 11/Team 24", False) in boxes
    css = CSS.read_text(encoding="utf-8")
    rule = re.search(r"\.unit-boxes \{([^}]*)\}", css)
    assert rule is not None and "overflow-y: auto" in rule.group(1) and "max-block-size" in rule.group(1)

"""The dashboard pages in the console: what each persona sees, hidden cells that say why, refused filters
without numbers, the action plan (adopt, follow up on the next wave) and the board-report exports."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from allypath.web.audit.models import AccessEvent
from allypath.web.plans.models import AdoptedItem

from .test_board import pdf_pages, pdf_text

pytestmark = [pytest.mark.db, pytest.mark.django_db]

PAGES = ("", "groups/", "heatmap/", "contexts/", "trends/", "transitions/", "plan/", "comments/")
BASE = "/console/northwind/dashboard/"
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def main_of(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_every_page_draws_accessible_charts_with_their_data_tables_for_a_viewer(northwind, bob, as_user):
    client = as_user(bob)
    for page in PAGES:
        response = client.get(BASE + page)
        assert response.status_code == 200, page
        html = main_of(response.content.decode())
        assert 'aria-current="page"' in html
        if page not in ("plan/", "comments/"):
            assert '<svg role="img" aria-labelledby=' in html and "<figcaption>" in html, page
            # named by its title, described once, by the caption (a <desc> would be read again)
            assert "<desc" not in html, page
            assert "<table>" in html and '<th scope="col"' in html, page


def test_the_overview_shows_the_mix_with_intervals_the_band_awareness_and_the_three_answers(
    northwind, bob, as_user
):
    html = main_of(as_user(bob).get(BASE, {"wave": northwind.first.pk}).content.decode())
    assert "respondents placed on the model" in html and ">60<" in html
    assert "response rate (60 of 84 invited" in html
    assert "95% interval" in html and "Share of the men who answered" in html
    # non-response as a sensitivity note, not a headline range or a claim the research does not make
    assert "If those who did not answer stand where those who answered do" in html
    assert "Apathy could be as high as" in html
    assert "truth likely" not in html and "Likely range" not in html
    assert "claimed / verified" in html
    for question in (
        "Do men feel safe",
        "acknowledge their own experience",
        "supported, modelled and rewarded",
    ):
        assert question in html


def test_a_hidden_group_says_why_and_shows_no_figure(northwind, bob, as_user):
    html = main_of(as_user(bob).get(BASE + "groups/", {"wave": northwind.first.pk}).content.decode())
    tech = re.search(r'<th scope="row">Tech</th>(.*?)</tr>', html, re.S)
    assert tech is not None
    assert "fewer than 5 people" in tech.group(1)
    text = re.sub(r"<[^>]+>", "", tech.group(1)).replace("fewer than 5 people", "")
    assert not re.search(r"\d", text)  # no figure beside the reason


def test_a_hidden_transition_row_says_why_and_shows_no_figure(northwind, bob, as_user):
    html = main_of(as_user(bob).get(BASE + "transitions/").content.decode())
    everyone = html.split("<h2>")[1]  # the whole panel's matrix comes first
    held = re.findall(r'<th scope="row">([^<]+)</th><td colspan="5" class="refused">([^<]+)</td>', everyone)
    assert held and all("fewer than 5 people" in why or "worked out" in why for _, why in held)
    shown = re.findall(r'<th scope="row">[^<]+</th><td class="num">', everyone)
    assert len(shown) + len(held) == 4


def test_a_refused_filter_shows_the_gates_reason_and_no_number(northwind, bob, as_user):
    client = as_user(bob)
    assert (
        client.get(
            BASE + "groups/", {"wave": northwind.first.pk, "unit": "Ops/EMEA", "by": "level"}
        ).status_code
        == 200
    )
    response = client.get(BASE + "groups/", {"wave": northwind.first.pk, "unit": "Sales", "by": "region"})
    assert response.status_code == 422
    html = main_of(response.content.decode())
    content = html.split('role="alert">', 1)[1]
    assert "This selection cannot be shown" in content
    assert "hidden so that a smaller group cannot be worked out" in content
    assert "<svg" not in html and "<table" not in html
    assert not re.search(r"\d+(\.\d+)?%", content)


def test_an_unknown_unit_or_another_organisations_wave_is_explained_on_the_page(
    northwind, bob, as_user, globex, make_wave
):
    client = as_user(bob)
    unknown = client.get(BASE + "groups/", {"unit": "Marketing"})
    assert (
        unknown.status_code == 422
        and "Northwind has no unit &#x27;Marketing&#x27;" in unknown.content.decode()
    )
    other = make_wave(globex)
    assert client.get(BASE, {"wave": other.pk}).status_code == 404


def test_people_of_other_organisations_and_signed_out_visitors_see_nothing(
    northwind, charlie, as_user, client
):
    assert client.get(BASE).status_code == 302
    assert as_user(charlie).get(BASE).status_code == 404


def adopt(client, northwind, **extra):
    data = {"wave": northwind.first.pk, "by": "unit", "group": "Ops · 2026 Q1"} | extra
    return client.post(BASE + "plan/adopt/", data)


def first_proposal(client, northwind) -> str:
    html = client.get(BASE + "plan/", {"wave": northwind.first.pk}).content.decode()
    found = re.search(
        r'name="group" value="Ops · 2026 Q1">\s*<input type="hidden" name="intervention" value="([a-z_]+)"',
        html,
    )
    assert found is not None, "no proposal for Ops"
    return found.group(1)


def proposals(client, northwind) -> list[tuple[str, str]]:
    """(group, intervention) of each proposal the plan page offers to adopt, in page order."""
    html = client.get(BASE + "plan/", {"wave": northwind.first.pk}).content.decode()
    return re.findall(
        r'name="group" value="([^"]+)">\s*<input type="hidden" name="intervention" value="([a-z_]+)"', html
    )


def test_an_analyst_adopts_a_proposed_intervention_and_follows_it_on_the_next_wave(northwind, alice, as_user):
    client = as_user(alice)
    intervention = first_proposal(client, northwind)
    response = adopt(client, northwind, intervention=intervention, owner="Dana (HR)", due="2026-12-31")
    assert response.status_code == 302
    item = AdoptedItem.objects.get(wave=northwind.first)
    assert (item.group, item.intervention, item.owner, item.status) == (
        "Ops · 2026 Q1",
        intervention,
        "Dana (HR)",
        "adopted",
    )
    assert item.filters == {"wave": "2026 Q1", "unit": "Ops"} and item.reason and item.priority == 1
    html = client.get(BASE + "plan/", {"wave": northwind.first.pk}).content.decode()
    assert "in the plan" in html and "Change on 2026 Q3" in html and re.search(r"Index [+-]\d", html)
    # the index change says whether it is a clear one, and its likely range when it is not
    assert re.search(
        r"Index [+-][\d.]+ \((a clear rise|a clear fall|not a clear change: likely between)", html
    )
    edit = client.post(
        BASE + f"plan/{item.pk}/",
        {f"i{item.pk}-owner": "Sam", f"i{item.pk}-due": "2027-01-15", f"i{item.pk}-status": "in_progress"},
    )
    assert edit.status_code == 302
    item.refresh_from_db()
    assert (item.owner, item.due, item.status) == ("Sam", dt.date(2027, 1, 15), "in_progress")
    plan = client.get("/api/v1/orgs/northwind/dashboard/plan", {"wave": northwind.first.pk}).json()
    (adopted,) = plan["adopted"]
    assert adopted["status"] == "in_progress" and adopted["progress"]["visible"]
    assert adopted["progress"]["index_change"] is not None
    remove = {"action": "remove", "confirm_remove": "yes"}  # the box ticked (test_plan_item_edit.py)
    assert client.post(BASE + f"plan/{item.pk}/", remove).status_code == 302
    assert not AdoptedItem.objects.exists()


def test_only_proposals_the_server_computes_can_be_adopted(northwind, alice, as_user):
    client = as_user(alice)
    response = adopt(client, northwind, intervention="free_lunch")
    assert response.status_code == 302 and not AdoptedItem.objects.exists()
    hidden = adopt(client, northwind, group="unit=Tech & wave=2026 Q1", intervention="ally_circles")
    assert hidden.status_code == 302 and not AdoptedItem.objects.exists()


def test_a_viewer_cannot_adopt_or_change_the_plan_and_other_organisations_cannot_touch_it(
    northwind, alice, bob, charlie, as_user
):
    intervention = first_proposal(as_user(alice), northwind)
    adopt(as_user(alice), northwind, intervention=intervention)
    item = AdoptedItem.objects.get()
    viewer = as_user(bob)
    assert adopt(viewer, northwind, intervention=intervention).status_code == 403
    assert viewer.post(BASE + f"plan/{item.pk}/", {"action": "remove"}).status_code == 403
    assert "Adopt into the plan" not in viewer.get(BASE + "plan/").content.decode()
    assert as_user(charlie).post(BASE + f"plan/{item.pk}/", {"action": "remove"}).status_code == 404
    assert AdoptedItem.objects.filter(pk=item.pk).exists()


def test_the_board_pdf_export_goes_through_the_gate_is_audited_and_checked_page_by_page(
    northwind, bob, as_user, tmp_path
):
    response = as_user(bob).get(BASE + "export.pdf", {"wave": northwind.first.pk, "by": "unit"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    pdf = tmp_path / "board.pdf"
    pdf.write_bytes(response.content)
    pages = pdf_pages(pdf, SHOTS / "board-pdf")
    assert 6 <= len(pages) <= 14
    text = pdf_text(pdf)
    for heading in (
        "Northwind: allyship diagnostic",
        "Overview",
        "Stage mix by unit",
        "Barriers, norms and enablers",
        "HR's three diagnostic questions",
        "Action plan",
        "Methods note",
    ):
        assert heading in text
    assert "60 of 84 invited answered" in text
    assert "fewer than 5 people" in text  # Tech
    assert AccessEvent.objects.filter(username="bob", view="dashboard.export.pdf").count() == 1


def test_html_and_xlsx_exports_are_attachments_of_the_same_selection(northwind, bob, as_user):
    client = as_user(bob)
    html = client.get(BASE + "export.html", {"wave": northwind.first.pk, "by": "level"})
    assert html.status_code == 200 and 'attachment; filename="northwind-wave-' in html["Content-Disposition"]
    assert "Stage mix by level" in html.content.decode()
    xlsx = client.get(BASE + "export.xlsx", {"wave": northwind.first.pk, "by": "level"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(BASE + "export.docx").status_code == 404


def test_an_export_of_a_refused_selection_is_refused_with_the_reason(northwind, bob, as_user):
    client = as_user(bob)
    client.get(BASE, {"wave": northwind.first.pk, "unit": "Ops/EMEA"})
    response = client.get(
        BASE + "export.csv",
        {"wave": northwind.first.pk, "unit": "Ops/EMEA", "level": "Staff", "by": "region"},
    )
    assert response.status_code == 422
    assert "fewer than 5 people" in response.content.decode() or "smaller group" in response.content.decode()


def test_a_bottom_level_unit_opens_without_its_default_breakdown_instead_of_an_error(northwind, bob, as_user):
    """Groups break down by unit by default; a unit with none below it shows its total, not a 422."""
    response = as_user(bob).get(BASE + "groups/", {"wave": northwind.first.pk, "unit": "Ops/EMEA"})
    assert response.status_code == 200
    asked = as_user(bob).get(BASE + "groups/", {"wave": northwind.first.pk, "unit": "Ops/EMEA", "by": "unit"})
    assert asked.status_code == 422  # asked for explicitly, it is still refused with the reason
    assert "has no units below it" in asked.content.decode()


def test_the_dashboard_opens_on_the_latest_wave_with_results_not_a_wave_just_launched(
    northwind, bob, as_user, make_wave
):
    import datetime as dt

    from django.utils import timezone

    launched = make_wave(northwind.org, name="2027 Q1", opens_on=timezone.localdate() + dt.timedelta(days=1))
    assert launched.status == "open"
    from allypath.web.survey.models import Response

    html = main_of(as_user(bob).get(BASE).content.decode())
    placed = Response.objects.filter(wave=northwind.second, status="scored").count()
    assert f'<span class="value">{placed}</span><span class="sub">respondents placed' in html
    # asked for, the new wave is still shown (with no figures yet)
    asked = main_of(as_user(bob).get(BASE, {"wave": launched.pk}).content.decode())
    assert f'<span class="value">{placed}</span>' not in asked


def test_the_overview_says_why_verified_awareness_is_missing_and_where_to_declare_policies(
    northwind, bob, as_user
):
    # Northwind declared no policies: men's answers to the knowledge check have nothing to be checked
    # against, and the card said "—" beside the claimed share with no word of why
    assert not northwind.org.policies
    html = main_of(as_user(bob).get(BASE, {"wave": northwind.first.pk}).content.decode())
    assert "verified: nothing is checked until you <a href=" in html
    assert "declare the policies your organisation offers</a>" in html
    groups = main_of(as_user(bob).get(BASE + "groups/", {"wave": northwind.first.pk}).content.decode())
    assert "Verified awareness is a dash everywhere for another reason" in groups
    # declared: the same answers are checked, the share is shown and the sentence goes
    northwind.org.policies = {"parental_leave": True, "flexible_work": True, "pay_gap_review": False}
    northwind.org.save()
    html = main_of(as_user(bob).get(BASE, {"wave": northwind.first.pk}).content.decode())
    assert "nothing is checked until" not in html
    assert "no answers to the knowledge check" not in html
    groups = main_of(as_user(bob).get(BASE + "groups/", {"wave": northwind.first.pk}).content.decode())
    assert "for another reason" not in groups
    assert re.search(
        r"claimed / verified by the knowledge check; of those who answered, claimed [^;<]+, verified", html
    )


def test_with_policies_declared_a_wave_nobody_answered_the_check_in_says_so(northwind, bob, as_user):
    from allypath.web.survey.models import Response

    northwind.org.policies = {"parental_leave": True, "flexible_work": True}
    northwind.org.save()
    for response in Response.objects.filter(wave=northwind.first):
        response.answers = {k: v for k, v in response.answers.items() if k != "kc"}  # the check skipped
        response.save()
    html = main_of(as_user(bob).get(BASE, {"wave": northwind.first.pk}).content.decode())
    assert "verified: no answers to the knowledge check in this wave" in html
    assert "nothing is checked until" not in html


@pytest.mark.parametrize(
    ("page", "title", "section"),
    [("follow-up/", "Follow-up of the action plan", "Action plan"), ("deck/", "Workshop deck", "Overview")],
)
def test_a_page_without_a_tab_has_its_own_title_and_shows_the_section_it_is_in(
    northwind, bob, as_user, page: str, title: str, section: str
):
    html = as_user(bob).get(BASE + page).content.decode()
    assert f"<title>Dashboard: {title} · Northwind · allypath</title>" in html
    assert "Dashboard: Dashboard" not in html
    tabs = html.split('class="dash-tabs"', 1)[1].split("</nav>", 1)[0]
    assert f'aria-current="true">{section}</a>' in tabs and 'aria-current="page"' not in tabs


def test_the_non_response_note_speaks_of_the_men_invited_in_the_selection_not_the_organisation(
    northwind, bob, as_user
):
    html = main_of(as_user(bob).get(BASE, {"wave": northwind.first.pk, "unit": "Ops"}).content.decode())
    assert "These figures describe the men who answered" in html
    assert "all the men invited look the same" in html and "among all the men invited" in html
    assert "the whole organisation looks the same" not in html

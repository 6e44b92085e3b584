"""The private report at /r/<receipt>/: only the receipt opens it, in three languages, and as a PDF."""

from __future__ import annotations

import json
import logging
import uuid

import pytest

from allypath.web.orgs.keys import receipt_for
from answer_patterns import submit_answers
from pdf_tags import assert_accessible, weasyprint_errors

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def submit(client, acme, make_wave, issue_tokens, answers_for, instrument):
    def send(wave=None, employee="S003", level=4, language="en"):
        wave = wave or make_wave(acme)
        token = issue_tokens(wave)[employee] if not hasattr(wave, "_tokens") else wave._tokens[employee]
        return submit_answers(client, token, answers_for(instrument.form(wave.form), level), language)

    return send


def test_the_report_opens_with_its_receipt_in_any_case_and_spacing(client, submit):
    receipt = submit()
    assert client.get(f"/r/{receipt}/").status_code == 200
    assert client.get(f"/r/{receipt.lower().replace('-', '')}/").status_code == 200


def test_a_wrong_receipt_finds_nothing(client, submit):
    submit()
    assert client.get(f"/r/{receipt_for('some-token', uuid.uuid4())}/").status_code == 404
    assert client.get("/r/short/").status_code == 404


@pytest.mark.parametrize(
    ("language", "heading", "direction"),
    [
        ("en", "Your private report", "ltr"),
        ("fr", "Votre rapport privé", "ltr"),
        ("ar", "تقريرك الخاص", "rtl"),
    ],
)
def test_the_report_speaks_the_respondents_language(client, submit, language, heading, direction):
    receipt = submit(language=language)
    html = client.get(f"/r/{receipt}/?lang={language}").content.decode()  # as the API's report_url says
    assert heading in html
    assert f'dir="{direction}"' in html


def test_the_language_is_kept_only_where_k_invitees_of_the_combination_speak_it(
    client, acme, make_wave, issue_tokens, answers_for, instrument
):
    """A language few in the unit speak would point the host at them: it is not stored then."""
    from allypath.web.survey.models import Response

    wave = make_wave(acme)
    tokens = issue_tokens(wave)
    for employee, language in (("N001", "fr"), ("S003", "fr"), ("A002", "ar")):
        body = {
            "token": tokens[employee],
            "submission_id": str(uuid.uuid4()),
            "answers": answers_for(instrument.form("short")),
            "language": language,
        }
        r = client.post("/api/v1/responses", data=json.dumps(body), content_type="application/json")
        assert r.status_code == 201 and r.json()["report_url"].endswith(f"?lang={language}")
    stored = sorted(Response.objects.values_list("unit__path", "language"))
    # 6 French speakers in Sales/EMEA/North, 4 Arabic speakers in Sales/APAC (k = 3); none in Sales/EMEA
    assert stored == [("Sales/APAC", "ar"), ("Sales/EMEA", ""), ("Sales/EMEA/North", "fr")]


def test_the_report_shows_stage_uncertainty_self_view_contexts_and_next_steps(
    client, submit, acme, make_wave
):
    html = client.get(f"/r/{submit(wave=make_wave(acme, form='full'), level=3)}/").content.decode()
    for section in (
        "What you bring",
        "Where you are now",
        "How closely your answers match each stage",
        "How you see yourself",
        "Across situations at work",
        "Next steps to try",
        "Resources",
    ):
        assert section in html
    assert "not who you are" in html  # developmental, never a verdict


def test_a_short_form_report_leaves_out_the_situations_it_did_not_ask_about(client, submit):
    html = client.get(f"/r/{submit()}/").content.decode()
    assert "Across situations at work" not in html
    assert "What you bring" in html


def test_the_report_is_a_pdf_too(client, submit):
    receipt = submit(language="ar")
    r = client.get(f"/r/{receipt}/pdf")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert len(r.content) > 5000


@pytest.mark.parametrize(("language", "title"), [("en", "Your private report"), ("ar", "تقريرك الخاص")])
def test_the_report_pdf_is_tagged_for_screen_readers_and_its_bars_are_not_figures(
    client, submit, language, title, tmp_path, caplog
):
    receipt = submit(language=language)
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        # asked for in his language: the stored one is kept only where k invitees speak it
        r = client.get(f"/r/{receipt}/pdf", {"lang": language})
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(r.content)
    # the stage bars repeat the figures beside them (aria-hidden on the page): a Figure with nothing
    # to say would be a blank stop for a screen reader, so the PDF has none
    found = assert_accessible(pdf, title=title, language=language, charts=[], tables=False)
    assert found.structure["H3"] >= 1 and found.structure["LI"] >= 4  # the four stages' bars, a list
    assert weasyprint_errors(caplog) == []


def test_a_panel_report_compares_with_his_own_earlier_wave(
    client, acme, make_panel_waves, issue_tokens, answers_for, instrument
):
    earlier, later = make_panel_waves(acme)
    receipts = [
        submit_answers(client, issue_tokens(wave)["N001"], answers_for(instrument.form("short"), level))
        for wave, level in ((earlier, 2), (later, 4))
    ]
    # His report offers the comparison; it needs the receipt code of his earlier answers
    html = client.get(f"/r/{receipts[1]}/").content.decode()
    assert "enter the receipt code you were given then" in html and "Autumn" not in html
    compared = client.post(f"/r/{receipts[1]}/", {"earlier": receipts[0].lower()}).content.decode()
    assert "In “Autumn”" in compared
    # the PDF with the comparison is asked for with the code in the request, never in its address
    assert 'name="earlier" value="' + receipts[0] + '"' in compared
    pdf = client.post(f"/r/{receipts[1]}/pdf", {"earlier": receipts[0]})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The earlier report has nothing earlier to compare with: his later code is refused there.
    refused = client.post(f"/r/{receipts[0]}/", {"earlier": receipts[1]}).content.decode()
    assert "Autumn" not in refused
    # and offers no comparison: the organisation ran no panel wave before it
    first = client.get(f"/r/{receipts[0]}/").content.decode()
    assert "Autumn" not in first and "enter the receipt code you were given then" not in first


def test_whoever_holds_his_link_cannot_read_his_earlier_result(
    client, acme, make_panel_waves, issue_tokens, answers_for, instrument
):
    """A review: HR (or anyone given the links) answered Spring in his place with his link and the
    report it got back showed his Autumn stage, index and date, found by the panel key alone."""
    autumn, spring = make_panel_waves(acme)
    form = instrument.form("short")
    receipts = {}
    tokens = {wave.name: issue_tokens(wave) for wave in (autumn, spring)}
    for who, wave, level in (("N001", autumn, 2), ("N002", autumn, 3), ("N001", spring, 4)):
        receipts[(who, wave.name)] = submit_answers(client, tokens[wave.name][who], answers_for(form, level))
    taken = receipts[("N001", "Spring")]  # the link holder's receipt for N001's Spring link
    for page in (client.get(f"/r/{taken}/"), client.get(f"/r/{taken}/pdf")):
        assert page.status_code == 200
        assert b"Autumn" not in page.content and "In “".encode() not in page.content
    # another man's earlier receipt (N002's, the same organisation and wave) is not his
    other = client.post(f"/r/{taken}/", {"earlier": receipts[("N002", "Autumn")]}).content.decode()
    assert "That code is not the receipt of an earlier survey of yours" in other and "Autumn" not in other
    for junk in ("", "not a code", "A" * 200):
        answer = client.post(f"/r/{taken}/", {"earlier": junk})
        assert answer.status_code == 200 and b"Autumn" not in answer.content


def _context_result(stage: int, top: float) -> dict:
    rest = (1 - top) / 3
    result = {"context_team_meetings_stage": stage}
    for number, key in enumerate(("apathy", "ambivalence", "reflective", "energised"), start=1):
        result[f"context_team_meetings_p_{key}"] = top if number == stage else rest
    return result


def test_a_context_stage_is_shown_only_where_its_top_probability_is_clear():
    from allypath.web.survey.report import CONTEXT_CLEAR_PROBABILITY, _context_stage
    from allypath.web.survey.texts import ui

    words = ui("en")
    clear = _context_stage(_context_result(3, CONTEXT_CLEAR_PROBABILITY + 0.05), "team_meetings", words, "en")
    assert clear == "Reflective and responsible"
    vague = _context_stage(_context_result(3, 0.45), "team_meetings", words, "en")
    assert vague == "your answers here do not point to one stage"
    assert _context_stage({}, "team_meetings", words, "en") == "not enough answers"
    # A result stored before the probabilities existed shows no stage either.
    assert _context_stage({"context_team_meetings_stage": 2}, "team_meetings", words, "en") == vague


def test_a_report_set_aside_as_careless_says_why_in_plain_words_and_shows_no_stage(client, submit):
    from allypath.web.survey.models import Response

    receipt = submit()
    response = Response.objects.get()
    response.result = {
        **response.result,
        "status": "suspect",
        "stage": None,
        "reason": "same answer to 27 questions in a row",
    }
    response.save()
    html = client.get(f"/r/{receipt}/").content.decode()
    assert "do not follow a pattern the model can read" in html
    assert "Where you are now" not in html
    assert "27 questions" not in html  # the scorer's reason stays in the data, the report explains it

"""The private journey at /r/<receipt>/journey/: items, dilemmas, commitments, the re-check, movement.

Only the receipt code opens it; bad input gets a plain answer; another receipt sees nothing of his.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.html import escape

from allypath.content import load_dilemmas, load_library
from allypath.model import stage
from answer_patterns import likert_answers

pytestmark = [pytest.mark.db, pytest.mark.django_db]

UNKNOWN = "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"


def _suggested_ids(html: str) -> list[str]:
    return re.findall(r"/journey/read/([a-z0-9_]+)/", html.split('id="read-h"')[1].split("<h3>")[0])


def _recheck_body(instrument, level_stage: int, **extra: str) -> dict[str, str]:
    form = instrument.form("short")
    body = {f"q_{k}": str(v) for k, v in likert_answers(form, level_stage).items()}
    body.update({f"q_{i.id}": str(i.options[0].value) for i in form.items if i.type == "single"})
    body.update(extra)
    return body


def test_the_report_links_to_the_journey_which_opens_with_the_receipt(client, submitted):
    receipt = submitted()
    report = client.get(f"/r/{receipt}/").content.decode()
    assert f"/r/{receipt}/journey/?lang=en" in report
    page = client.get(f"/r/{receipt}/journey/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "Your private journey" in html
    # a receipt typed in lower case without dashes opens the same journey
    assert client.get(f"/r/{receipt.lower().replace('-', '')}/journey/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "journey/",
        "journey/read/story_daughters_question/",
        "journey/dilemma/meeting_idea_repeated/",
        "journey/recheck/",
        "journey/progress/",
        "journey/circle/",
    ],
)
def test_an_unknown_or_malformed_receipt_gets_a_plain_404(client, submitted, path):
    submitted()
    for code in (UNKNOWN, "not-a-code"):
        page = client.get(f"/r/{code}/{path}")
        assert page.status_code == 404
        assert "Check the receipt code: it has 24 letters and digits" in page.content.decode()


def test_posting_to_an_unknown_receipt_stores_nothing(client, submitted):
    from allypath.web.journey.models import Journey

    submitted()
    r = client.post(f"/r/{UNKNOWN}/journey/commitments/", {"text": "Listen more"})
    assert r.status_code == 404
    assert Journey.objects.count() == 0


def test_suggestions_fit_his_stage_and_say_why(client, submitted):
    receipt = submitted(level=2)  # placed at Ambivalence
    html = client.get(f"/r/{receipt}/journey/").content.decode()
    ids = _suggested_ids(html)
    assert len(ids) == 3
    library = load_library()
    for item_id in ids:
        assert {2, 3} & set(library.item(item_id).stages)  # his stage, or one step ahead
    assert "Why this" in html
    assert escape(stage(2).label.get_lang("en")) in html.split('id="now-h"')[1].split("</section>")[0]


def test_reading_an_item_and_marking_it_read_takes_it_off_the_suggestions(client, submitted):
    receipt = submitted(level=1)
    first = _suggested_ids(client.get(f"/r/{receipt}/journey/").content.decode())[0]
    item = load_library().item(first)
    page = client.get(f"/r/{receipt}/journey/read/{first}/")
    assert page.status_code == 200
    assert escape(item.title.get_lang("en")) in page.content.decode()
    r = client.post(f"/r/{receipt}/journey/read/{first}/", {"language": "en"})
    assert r.status_code == 303
    html = client.get(f"/r/{receipt}/journey/").content.decode()
    assert first not in _suggested_ids(html)
    assert "What you have read" in html
    assert "You marked this as read" in client.get(f"/r/{receipt}/journey/read/{first}/").content.decode()
    assert client.get(f"/r/{receipt}/journey/read/no_such_item/").status_code == 404


def test_playing_a_dilemma_shows_what_the_choice_tends_to_lead_to_and_the_debrief(client, submitted):
    receipt = submitted()
    dilemma = load_dilemmas().dilemmas[0]
    url = f"/r/{receipt}/journey/dilemma/{dilemma.id}/"
    form = client.get(url).content.decode()
    assert "What would you do?" in form
    chosen = dilemma.options[1]
    r = client.post(url, {"option": chosen.id, "language": "en"})
    assert r.status_code == 303
    html = client.get(url).content.decode()
    assert escape(chosen.outcome.get_lang("en")) in html
    assert escape(dilemma.debrief.get_lang("en")) in html
    for other in dilemma.options:
        assert escape(other.outcome.get_lang("en")) in html  # the other options' outcomes too
    assert "you have tried this one" in client.get(f"/r/{receipt}/journey/").content.decode()


def test_a_forged_dilemma_option_is_refused_and_nothing_is_stored(client, submitted):
    from allypath.web.journey.store import load

    receipt = submitted()
    dilemma = load_dilemmas().dilemmas[0]
    url = f"/r/{receipt}/journey/dilemma/{dilemma.id}/"
    r = client.post(url, {"option": "<script>alert(1)</script>"})
    assert r.status_code == 422
    assert "Choose one of the options." in r.content.decode()
    assert "<script>alert(1)" not in r.content.decode()
    assert client.post(url, {}).status_code == 422
    assert load(receipt).plays == {}
    assert client.get(f"/r/{receipt}/journey/dilemma/no_such_dilemma/").status_code == 404


def test_commitments_are_written_ticked_off_and_removed(client, submitted):
    from allypath.web.journey.store import load

    receipt = submitted()
    r = client.post(f"/r/{receipt}/journey/commitments/", {"text": "  Ask Sofia to finish her point.  "})
    assert r.status_code == 303
    (made,) = load(receipt).commitments
    assert made.text == "Ask Sofia to finish her point." and not made.done
    html = client.get(f"/r/{receipt}/journey/").content.decode()
    assert "Ask Sofia to finish her point." in html and "Mark as done" in html
    assert client.post(f"/r/{receipt}/journey/commitments/{made.id}/", {"action": "done"}).status_code == 303
    assert load(receipt).commitments[0].done
    assert "Not done yet" in client.get(f"/r/{receipt}/journey/").content.decode()
    client.post(f"/r/{receipt}/journey/commitments/{made.id}/", {"action": "undo"})
    assert not load(receipt).commitments[0].done
    client.post(f"/r/{receipt}/journey/commitments/{made.id}/", {"action": "remove"})
    assert load(receipt).commitments == []


def test_a_commitment_is_reworded_keeping_its_day_and_done_mark(client, submitted):
    from allypath.web.journey.store import load

    receipt = submitted()
    client.post(f"/r/{receipt}/journey/commitments/", {"text": "Ask Sofia to finish"})
    (made,) = load(receipt).commitments
    client.post(f"/r/{receipt}/journey/commitments/{made.id}/", {"action": "done"})
    done_on = load(receipt).commitments[0].done_on
    page = client.get(f"/r/{receipt}/journey/").content.decode()
    assert "Change the wording" in page and f'id="reword-{made.id}"' in page
    url = f"/r/{receipt}/journey/commitments/{made.id}/"
    r = client.post(
        url, {"action": "reword", "text": "  Ask Sofia to finish her point in Tuesday's meeting. "}
    )
    assert r.status_code == 303 and r["Location"].endswith("#commitments-h")
    (changed,) = load(receipt).commitments
    assert changed.text == "Ask Sofia to finish her point in Tuesday's meeting."
    assert (changed.id, changed.made_on, changed.done_on) == (made.id, made.made_on, done_on)
    assert done_on is not None


def test_a_bad_rewording_is_sent_back_beside_its_own_field_and_changes_nothing(client, submitted):
    from allypath.web.journey.store import load

    receipt = submitted()
    for text in ("Listen first", "Sponsor Amira"):
        client.post(f"/r/{receipt}/journey/commitments/", {"text": text})
    first, second = load(receipt).commitments
    url = f"/r/{receipt}/journey/commitments/{second.id}/"
    r = client.post(url, {"action": "reword", "text": "y" * 301})
    page = r.content.decode()
    assert r.status_code == 422 and "300 characters or fewer" in page
    assert f'id="reword-{second.id}-error"' in page and f'id="reword-{first.id}-error"' not in page
    assert f'<a href="#reword-{second.id}">Keep it to 300 characters or fewer.</a>' in page  # the summary
    assert "<title>Error:" in page
    assert "y" * 301 in page  # his words kept in the field, to shorten
    empty = client.post(url, {"action": "reword", "text": "  "})
    assert empty.status_code == 422 and "Write what you will do." in empty.content.decode()
    assert [c.text for c in load(receipt).commitments] == ["Listen first", "Sponsor Amira"]
    missing = f"/r/{receipt}/journey/commitments/ffffffffffff/"
    assert client.post(missing, {"action": "reword", "text": ""}).status_code == 404
    assert client.post(missing, {"action": "reword", "text": "New words"}).status_code == 404


def test_bad_commitments_are_refused_with_a_plain_message(client, submitted):
    from allypath.web.journey.store import load

    receipt = submitted()
    empty = client.post(f"/r/{receipt}/journey/commitments/", {"text": "   "})
    assert empty.status_code == 422 and "Write what you will do." in empty.content.decode()
    long = client.post(f"/r/{receipt}/journey/commitments/", {"text": "x" * 301})
    assert long.status_code == 422 and "300 characters or fewer" in long.content.decode()
    assert load(receipt).commitments == []
    client.post(f"/r/{receipt}/journey/commitments/", {"text": "Listen first"})
    made = load(receipt).commitments[0]
    assert (
        client.post(f"/r/{receipt}/journey/commitments/{made.id}/", {"action": "delete_all"}).status_code
        == 422
    )
    assert (
        client.post(f"/r/{receipt}/journey/commitments/ffffffffffff/", {"action": "done"}).status_code == 404
    )
    assert client.get(f"/r/{receipt}/journey/commitments/").status_code == 405
    assert len(load(receipt).commitments) == 1


def test_every_form_needs_its_csrf_token(submitted):
    receipt = submitted()
    strict = Client(enforce_csrf_checks=True)
    dilemma = load_dilemmas().dilemmas[0]
    for path, body in (
        ("journey/commitments/", {"text": "Listen first"}),
        ("journey/read/story_daughters_question/", {}),
        (f"journey/dilemma/{dilemma.id}/", {"option": dilemma.options[0].id}),
        ("journey/recheck/", {}),
        ("journey/circle/", {"contact": "me@example.test", "consent": "on"}),
        ("journey/circle/leave/", {}),
    ):
        assert strict.post(f"/r/{receipt}/{path}", body).status_code == 403, path
    page = strict.get(f"/r/{receipt}/journey/").content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 1


def test_another_receipt_sees_nothing_of_his_journey(client, submitted):
    from allypath.web.journey.store import load

    mine = submitted(employee="S003")
    other = submitted(employee="S005")
    client.post(f"/r/{mine}/journey/commitments/", {"text": "Sponsor Amira for the panel"})
    dilemma = load_dilemmas().dilemmas[0]
    client.post(f"/r/{mine}/journey/dilemma/{dilemma.id}/", {"option": dilemma.options[0].id})
    made = load(mine).commitments[0]
    theirs = client.get(f"/r/{other}/journey/").content.decode()
    assert "Sponsor Amira" not in theirs and "No commitments yet." in theirs
    assert "you have tried this one" not in theirs
    # his commitment's id does not work under another receipt
    assert client.post(f"/r/{other}/journey/commitments/{made.id}/", {"action": "remove"}).status_code == 404
    assert len(load(mine).commitments) == 1


def test_the_recheck_places_him_again_and_shows_his_movement_with_its_margin(client, submitted, instrument):
    receipt = submitted(level=2)  # the survey places him at Ambivalence
    page = client.get(f"/r/{receipt}/journey/recheck/").content.decode()
    assert page.count("<fieldset") == len([i for i in instrument.form("short").items if i.type != "text"])
    r = client.post(f"/r/{receipt}/journey/recheck/", _recheck_body(instrument, 4, language="en"))
    assert r.status_code == 303 and "/journey/progress/" in r["Location"]
    html = client.get(r["Location"]).content.decode()
    assert "You have likely moved forward" in html
    assert "more than the margin of error" in html
    assert escape(stage(4).label.get_lang("en")) in html
    assert "give or take" in html
    # a second re-check at the same place: no claim of movement since the previous one
    client.post(f"/r/{receipt}/journey/recheck/", _recheck_body(instrument, 4))
    html = client.get(f"/r/{receipt}/journey/progress/").content.decode()
    since_last = html.split('id="since-last-h"')[1].split("</section>")[0]
    assert "We cannot say that you moved" in since_last
    # the journey now starts from his latest placement
    assert "From your latest re-check" in client.get(f"/r/{receipt}/journey/").content.decode()


def test_the_recheck_keeps_his_placement_not_his_answers(client, submitted, instrument):
    from allypath.web.journey.store import load

    receipt = submitted(level=2)
    client.post(f"/r/{receipt}/journey/recheck/", _recheck_body(instrument, 1))
    (kept,) = load(receipt).rechecks
    assert kept.result["stage"] == 1 and kept.result["status"] == "scored"
    assert not any(key in kept.result for key in ("ap1", "q_ap1", "answers"))
    assert set(kept.result) >= {"index", "index_se", "p_apathy"}


def test_a_recheck_with_an_impossible_answer_is_refused_with_the_answer_named(client, submitted, instrument):
    from allypath.web.journey.store import load

    receipt = submitted()
    body = _recheck_body(instrument, 3, q_ap1="9")
    r = client.post(f"/r/{receipt}/journey/recheck/", body)
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="err-ap1"' in html and "Some answers need a second look" in html
    assert load(receipt).rechecks == []


def test_a_careless_recheck_is_kept_but_places_no_one(client, submitted, instrument):
    receipt = submitted(level=2)
    form = instrument.form("short")
    same = {f"q_{i.id}": "3" for i in form.items if i.type == "likert"}
    client.post(f"/r/{receipt}/journey/recheck/", same)
    html = client.get(f"/r/{receipt}/journey/progress/").content.decode()
    assert "This re-check could not place you" in html
    assert "Not enough to compare" in html


def test_the_journey_speaks_arabic_right_to_left_and_french(client, submitted):
    receipt = submitted(language="ar", employee="A001")
    ar = client.get(f"/r/{receipt}/journey/?lang=ar").content.decode()
    assert 'dir="rtl"' in ar and 'lang="ar"' in ar and "مسارك الخاص" in ar
    fr = client.get(f"/r/{receipt}/journey/?lang=fr").content.decode()
    assert 'dir="ltr"' in fr and "Votre parcours privé" in fr
    item = _suggested_ids(fr)[0]
    assert escape(load_library().item(item).title.get_lang("fr")) in fr


def test_a_man_the_survey_could_not_place_gets_starting_points_and_the_recheck(client, submitted):
    from allypath.web.survey.models import Response

    receipt = submitted()
    Response.objects.update(status="suspect", stage=None, result={"status": "suspect"})
    html = client.get(f"/r/{receipt}/journey/").content.decode()
    assert "could not place you yet" in html
    assert len(_suggested_ids(html)) == 3
    assert "Take the re-check" in html


def test_days_are_written_as_each_language_writes_dates(client, submitted):
    from django.utils import timezone

    from allypath.web.survey.report import local_date

    receipt = submitted()
    client.post(f"/r/{receipt}/journey/commitments/", {"text": "Listen first"})
    today = timezone.localdate()
    fr = client.get(f"/r/{receipt}/journey/?lang=fr").content.decode()
    assert f"écrit le {local_date(today, 'fr')}" in fr
    assert today.isoformat() not in fr

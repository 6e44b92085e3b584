"""Every sentence HR reads is true: what an open wave, a hidden stage split and a small group's
shares really say (the review of the demo's words, findings 1 to 6)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pandas as pd
import pytest
from django.utils import timezone

from allypath.analytics import wilson_interval
from allypath.analytics.plans import action_plan, context_phrase, no_plan_reason, stage_lead
from allypath.model import STAGE_KEYS
from allypath.privacy import PrivacyPolicy
from allypath.reports.board import _split_notes
from allypath.web.dashboard.contexts import _profile, context_labels

from .seed import store_responses
from .test_dashboard_pages import BASE, main_of

pytestmark = [pytest.mark.db, pytest.mark.django_db]

KEYS = ["team_meetings", "hiring_promotion", "flexible_caregiving", "informal_social"]


def words(page: str) -> str:
    """The page's main part as text, one space between words."""
    text = re.sub(r"<[^>]+>", " ", main_of(page))
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.fixture
def open_wave(northwind, make_wave):
    """A third Northwind wave still collecting answers, answered by the first wave's respondents."""
    today = timezone.localdate()
    wave = make_wave(
        northwind.org,
        name="2026 Q4",
        form="full",
        privacy_mode="panel",
        k=5,
        k_text=10,
        opens_on=today,
        closes_on=today + dt.timedelta(days=30),
    )
    everyone = [e for unit in northwind.respondents.values() for e in unit]
    store_responses(wave, everyone, offset=211, close=False)
    return wave


# -- 1. an open wave: counts only, and every sentence says so -------------------------------------------


def test_the_contexts_page_of_an_open_wave_never_calls_hidden_values_the_same(open_wave, bob, as_user):
    text = words(as_user(bob).get(BASE + "contexts/", {"wave": open_wave.pk}).content.decode())
    assert "About the same stage" not in text
    assert "Figures appear when the wave closes" in text


def test_the_plan_of_an_open_wave_says_the_figures_come_when_it_closes(open_wave, bob, as_user):
    text = words(as_user(bob).get(BASE + "plan/", {"wave": open_wave.pk}).content.decode())
    assert "No intervention stands out" not in text
    assert "No intervention is proposed yet" in text and "published when the wave closes" in text
    assert "No action is proposed yet" in text  # the summary's "What to do first"


def test_a_group_whose_split_is_hidden_gets_the_release_reason_not_no_intervention():
    hidden = {
        "split": "hidden",
        "split_message": "the stage split is hidden so that no one's stage can be worked out",
    }
    said = no_plan_reason(hidden)
    assert "No intervention stands out" not in said and hidden["split_message"] in said
    bands = no_plan_reason({"split": "bands", "split_message": "shown in two bands"})
    assert "two bands" in bands and "No intervention stands out" not in bands
    assert "when the wave closes" in no_plan_reason(hidden, wave_open=True)
    assert no_plan_reason({"split": "stages"}) == "No intervention stands out for this group."


def test_the_overview_of_an_open_wave_shows_the_rate_and_says_why_the_rest_waits(open_wave, bob, as_user):
    text = words(as_user(bob).get(BASE, {"wave": open_wave.pk}).content.decode())
    assert "too few invited" not in text and "hidden by the privacy rules" not in text
    assert re.search(r"response rate \(\d+ of \d+ invited; 95% interval", text), text
    assert "estimated once the wave closes" in text  # the stage mix of those who did not answer
    assert "too few answers to these questions" not in text
    assert text.count("Not known yet: the answers to these questions are published when the wave closes") == 3
    # no grid of dashes: one sentence says the split is not shown, and why
    assert "— – —" not in text and "Share of the men who answered" not in text
    assert "How the men divide between the stages is not shown for this selection" in text


def test_the_overview_rate_is_the_wave_pages_figure(open_wave, alice, as_user):
    client = as_user(alice)
    overview = words(client.get(BASE, {"wave": open_wave.pk}).content.decode())
    n, invited = map(int, re.search(r"response rate \((\d+) of (\d+) invited", overview).groups())
    wave_page = client.get(f"/console/northwind/waves/{open_wave.pk}/").content.decode()
    assert f"{n} usable responses" in wave_page
    assert invited == open_wave.invitations.count()


# -- 2. the board report counts the groups whose split it hides -----------------------------------------


def test_the_board_names_each_group_whose_split_is_hidden_or_banded():
    rows = [
        {"label": "Everyone", "suppressed": "", "split": "stages", "note": ""},
        {"label": "Corporate", "suppressed": "", "split": "hidden", "note": "the stage split is hidden"},
        {"label": "Trading", "suppressed": "", "split": "bands", "note": "shown in two bands"},
        {"label": "Tiny", "suppressed": "below_k", "split": "", "note": "fewer than 5 people"},
    ]
    notes = _split_notes(rows)
    assert notes == [
        "For Corporate the size is shown, but not the stage split: the stage split is hidden.",
        "For Trading the size is shown, but the stage split in two bands only: shown in two bands.",
    ]
    assert _split_notes(rows[:1]) == []


def test_the_board_of_an_open_wave_says_what_it_hides_and_what_an_interval_means(open_wave, bob, as_user):
    page = as_user(bob).get(BASE + "export.html", {"wave": open_wave.pk}).content.decode()
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "For everyone" in text and "the size is shown, but not the stage split" in text
    assert "a range that holds the true share 95 times in 100" in text


# -- 3. the plan: "most" only above half, and each share with its interval ------------------------------


def _row(shares: tuple[float, float, float, float], n: int) -> dict[str, object]:
    row: dict[str, object] = {"split": "stages", "n": n}
    for key, share in zip(STAGE_KEYS, shares, strict=True):
        low, high = wilson_interval(share * n, n)
        row.update({f"share_{key}": share, f"low_{key}": float(low), f"high_{key}": float(high)})
    return row


def test_the_plan_says_most_only_for_more_than_half_and_gives_the_interval():
    lead = stage_lead(_row((0.0, 0.3125, 0.3125, 0.375), 16))
    assert lead.startswith(
        "The largest share of the group, 38% (likely between 18% and 61%), is at Energised"
    )
    assert "Most" not in lead
    most = stage_lead(_row((0.1, 0.6, 0.2, 0.1), 20))
    assert most.startswith("Most of the group, 60% (likely between")
    tie = stage_lead(_row((0.0, 0.4, 0.4, 0.2), 10))
    assert tie.startswith("The largest shares of the group, 40% each") and "Most" not in tie


def test_every_plan_reason_quoting_a_share_gives_its_interval():
    stages = [4] * 6 + [2] * 5 + [3] * 5  # 16 men: 38% Energised, 31% Ambivalence, 31% Reflective
    frame = pd.DataFrame(
        {
            "respondent_id": [str(i) for i in range(16)],
            "unit": "Eng",
            "stage": stages,
            "status": "scored",
        }
    )
    items = action_plan(frame, "unit", policy=PrivacyPolicy(k=5, k_text=10), limit=10)
    assert items
    for item in items:
        for share in re.findall(r"\d+%(?! of 5)", item.reason.split("likely between")[0]):
            assert "likely between" in item.reason, (share, item.reason)
    first = items[0].reason
    assert first.startswith("38% of the group (likely between 18% and 61%) is at Energised")


# -- 4. grammar: a context always sits behind "in" --------------------------------------------------------


@pytest.mark.parametrize("context", KEYS)
def test_every_context_sits_in_a_sentence_with_its_preposition(context):
    phrase = context_phrase(context)
    assert phrase.startswith("in ") and not phrase.startswith("in in ")
    back = _profile(dict(zip(KEYS, [3.0 if k != context else 2.5 for k in KEYS], strict=True)), KEYS)
    assert back["sentence"] == f"Stands further back {phrase} than in its other contexts."
    along = _profile(dict(zip(KEYS, [2.5 if k != context else 3.0 for k in KEYS], strict=True)), KEYS)
    assert along["sentence"] == f"Stands further along {phrase} than in its other contexts."
    labels = dict(context_labels())
    assert phrase == "in " + labels[context].lower().removeprefix("in ")


def test_the_plan_names_the_context_furthest_back_with_in():
    rows = []
    for i in range(20):
        rows.append(
            {
                "respondent_id": str(i),
                "unit": "Eng",
                "stage": 1 + i % 4,
                "status": "scored",
                "context_team_meetings_stage": 3.0,
                "context_hiring_promotion_stage": 3.0 + (i % 2) * 0.5,
                "context_flexible_caregiving_stage": 1.5 + (i % 3) * 0.2,
                "context_informal_social_stage": 3.0,
            }
        )
    items = action_plan(pd.DataFrame(rows), "unit", policy=PrivacyPolicy(k=5, k_text=10), limit=10)
    reasons = " ".join(i.reason for i in items)
    assert "furthest back in flexible work and caregiving" in reasons


# -- 5. one printed average, one stage name ---------------------------------------------------------------


def test_the_same_printed_average_is_named_the_same_stage():
    row = _profile(dict(zip(KEYS, [2.46, 2.54, 2.5, 2.61], strict=True)), KEYS)
    cells = {c["key"]: c for c in row["cells"]}
    printed = [(c["mean"], c["stage"]) for c in row["cells"]]
    assert {stage for mean, stage in printed if mean == 2.5} == {"between Ambivalence and Reflective"}
    assert cells["informal_social"]["stage"] == "Reflective" and cells["informal_social"]["mean"] == 2.6
    low = _profile(dict(zip(KEYS, [2.44, 2.4, 2.36, 2.4], strict=True)), KEYS)
    assert {c["stage"] for c in low["cells"]} == {"Ambivalence"}


def test_a_row_with_withheld_contexts_is_not_called_the_same_everywhere():
    none = _profile(dict.fromkeys(KEYS), KEYS)
    assert "About the same" not in none["sentence"] and "No context's average is shown" in none["sentence"]
    one = _profile(dict(zip(KEYS, [3.0, None, None, None], strict=True)), KEYS)
    assert "About the same" not in one["sentence"]
    some = _profile(dict(zip(KEYS, [3.0, None, 3.05, 3.0], strict=True)), KEYS)
    assert "every context shown" in some["sentence"] and "withheld" in some["sentence"]
    assert _profile(dict(zip(KEYS, [3.0, 3.0, 3.0, 3.0], strict=True)), KEYS, wave_open=True)[
        "sentence"
    ].startswith("Figures appear when the wave closes")

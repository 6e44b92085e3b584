"""The dashboard's frame of responses is kept between requests only while the stored rows are the same.

Building the frame (decoding every stored answer) was most of a dashboard page's time, twice per page
(its figures and its summary). It is now kept for the exact stored text of the rows: these tests show
that an unchanged database gives the same frame without building it again, and that every kind of
change (a new answer, an answer changed in place, a renamed wave, the policies declared, a deeper unit)
gives a frame built anew that shows the change -- a stale frame would show figures the data no longer
hold, and figures that depend on which request came first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from allypath.web.dashboard import frames, service
from allypath.web.dashboard.frames import response_frame, wave_labels
from allypath.web.dashboard.release import _depth
from allypath.web.orgs.models import Unit, Wave
from allypath.web.survey.models import Response

from .seed import store_responses
from .test_dashboard_pages import BASE

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The row counts of the frames built from the database (not taken from the kept ones)."""
    built: list[int] = []
    build = frames._build_frame

    def counted(rows: list[tuple[Any, ...]], *args: Any) -> pd.DataFrame:
        built.append(len(rows))
        return build(rows, *args)

    monkeypatch.setattr(frames, "_build_frame", counted)
    monkeypatch.setattr(frames, "_FRAMES", type(frames._FRAMES)())
    return built


def frame_of(northwind: Any) -> pd.DataFrame:
    org = northwind.org
    org.refresh_from_db()
    waves = list(Wave.objects.filter(org=org).order_by("opens_on", "pk"))
    return response_frame(waves, wave_labels(waves), _depth(org), org.policies)


def stored(northwind: Any) -> int:
    return Response.objects.filter(wave__org=northwind.org).count()


def test_an_unchanged_database_gives_the_frame_built_before(northwind: Any, builds: list[int]) -> None:
    first = frame_of(northwind)
    again = frame_of(northwind)
    assert builds == [len(first)] == [stored(northwind)]
    pd.testing.assert_frame_equal(first, again)


def test_a_new_answer_builds_the_frame_again(northwind: Any, builds: list[int]) -> None:
    before = frame_of(northwind)
    store_responses(northwind.second, ["N017"], offset=501)  # answered the first wave, not yet the second
    after = frame_of(northwind)
    assert builds == [len(before), len(before) + 1] == [len(before), stored(northwind)]
    assert len(after) == len(before) + 1


def test_an_answer_changed_in_place_builds_the_frame_again(northwind: Any, builds: list[int]) -> None:
    before = frame_of(northwind)
    response = Response.objects.filter(wave=northwind.first, status="scored").order_by("id").first()
    assert response is not None
    response.status = "suspect"
    response.result = {**response.result, "status": "suspect", "stage": None}
    response.save()
    after = frame_of(northwind)
    assert len(builds) == 2
    row = after["respondent_id"] == str(response.pk)
    assert before.loc[row, "status"].item() == "scored"
    assert after.loc[row, "status"].item() == "suspect"


def test_a_renamed_wave_and_declared_policies_build_the_frame_again(
    northwind: Any, builds: list[int]
) -> None:
    frame_of(northwind)
    northwind.first.name = "Spring survey"
    northwind.first.save()
    renamed = frame_of(northwind)
    assert "Spring survey" in set(renamed["wave"])
    assert renamed["score_knowledge_check"].isna().all()  # nothing declared: no knowledge score
    northwind.org.policies = {"flexible_work": True, "pay_gap_review": False}
    northwind.org.save()
    declared = frame_of(northwind)
    assert declared["score_knowledge_check"].notna().any()
    assert len(builds) == 3


def test_a_deeper_unit_adds_its_column(northwind: Any, builds: list[int]) -> None:
    assert "unit3" not in frame_of(northwind)
    parent = Unit.objects.get(org=northwind.org, path="Ops/EMEA")
    Unit.objects.create(org=northwind.org, path="Ops/EMEA/North", name="North", parent=parent, depth=2)
    assert "unit3" in frame_of(northwind)
    assert len(builds) == 2


def test_what_a_caller_adds_or_changes_stays_its_own(northwind: Any, builds: list[int]) -> None:
    first = frame_of(northwind)
    first["added_by_a_view"] = 1.0
    first.loc[first.index[0], "stage"] = 99
    again = frame_of(northwind)
    assert builds == [len(first)]
    assert "added_by_a_view" not in again
    assert 99 not in set(again["stage"].dropna())


def test_only_a_few_frames_are_kept(
    northwind: Any, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(frames, "_FRAMES_KEPT", 1)
    frame_of(northwind)
    waves = [northwind.first]  # another selection: another frame, which pushes the first out
    response_frame(waves, wave_labels(waves), 1)
    frame_of(northwind)
    assert len(builds) == 3
    assert len(frames._FRAMES) == 1


def test_a_page_reads_its_release_once(
    northwind: Any, alice: Any, as_user: Callable[[Any], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overview's figures and its summary come from one read of the release (they describe the
    same data even if an answer arrives in between); each request reads it afresh."""
    calls: list[str] = []
    read = service.org_release

    def counted(org: Any, **kwargs: Any) -> Any:
        calls.append(org.slug)
        return read(org, **kwargs)

    monkeypatch.setattr(service, "org_release", counted)
    client = as_user(alice)
    for _ in range(2):
        page = client.get(BASE, {"wave": northwind.first.pk})
        assert page.status_code == 200
        assert "Stage mix" in page.content.decode()
    assert calls == ["northwind", "northwind"]

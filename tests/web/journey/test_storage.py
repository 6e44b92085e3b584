"""What the journey stores: bound to the receipt code only, sealed, nothing that leads to a person.

The same rules as responses (DESIGN §6): no link to an invitation, an employee or the response row, no
time finer than the day, no row order on SQLite, and nothing readable without the code.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

from allypath.web.journey.models import Journey, Volunteer
from allypath.web.journey.store import editing, journey_key, load, volunteer_key
from allypath.web.orgs.keys import normalise_receipt, receipt_hash

pytestmark = [pytest.mark.db, pytest.mark.django_db]

SECRET_TEXT = "Tell Marc his jokes about Nadia have to stop"


def test_the_journey_row_is_keyed_apart_from_the_response_and_sealed(client, submitted):
    from allypath.web.survey.models import Response

    receipt = submitted()
    client.post(f"/r/{receipt}/journey/commitments/", {"text": SECRET_TEXT})
    (row,) = Journey.objects.all()
    code = normalise_receipt(receipt)
    assert code is not None
    assert row.key == journey_key(code)
    assert row.key != receipt_hash(code) and row.key != volunteer_key(code)
    assert not Response.objects.filter(receipt_hash=row.key).exists()
    assert SECRET_TEXT not in row.sealed and "Marc" not in row.sealed
    assert receipt not in row.sealed and code not in row.sealed
    with connection.cursor() as cursor:  # nor anywhere in the journey's table, as the host reads it
        cursor.execute("SELECT * FROM journey_journey")
        dump = repr(cursor.fetchall())
    assert SECRET_TEXT not in dump and code not in dump


def test_a_sealed_journey_copied_onto_another_code_does_not_open(client, submitted):
    mine = normalise_receipt(submitted(employee="S003"))
    other = normalise_receipt(submitted(employee="S005"))
    assert mine and other
    with editing(mine) as state:
        state.add_commitment(SECRET_TEXT)
    sealed = Journey.objects.get(key=journey_key(mine)).sealed
    Journey.objects.create(key=journey_key(other), sealed=sealed)
    assert load(other).commitments == []
    assert load(mine).commitments[0].text == SECRET_TEXT


def test_journey_models_keep_days_only_and_point_to_no_person_invitation_or_response():
    for model in apps.get_app_config("journey").get_models():
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateTimeField | models.TimeField | models.DurationField), (
                f"{model.__name__}.{field.name}"
            )
            target = getattr(field, "related_model", None)
            if target is not None and field.concrete:
                assert target._meta.label in {"orgs.Organisation", "journey.Circle"}, (
                    f"{model.__name__}.{field.name} -> {target._meta.label}"
                )


def test_journeys_and_volunteers_keep_no_row_order():
    """Keys are hashes or random ids (no sequence); on SQLite the tables have no rowid either."""
    assert not isinstance(Journey._meta.pk, models.AutoField | models.BigAutoField)
    assert not isinstance(Volunteer._meta.pk, models.AutoField | models.BigAutoField)
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in (Journey._meta.db_table, Volunteer._meta.db_table):
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
            (create,) = cursor.fetchone()
            assert "WITHOUT ROWID" in create.upper(), table


def test_only_days_are_kept_in_the_sealed_journey(client, submitted):
    receipt = submitted()
    client.post(f"/r/{receipt}/journey/commitments/", {"text": "Listen first"})
    code = normalise_receipt(receipt)
    assert code is not None
    made = load(code).commitments[0]
    assert len(made.made_on) == len("2026-01-01") and made.made_on.count("-") == 2


def test_his_first_change_made_in_two_tabs_at_once_keeps_both(submitted, monkeypatch):
    """Neither tab finds a row; the other tab saves its commitment while this one is under way. This
    one used to save its state over it (the other commitment lost); it now starts from the other's."""
    from allypath.web.journey import store

    code = normalise_receipt(submitted(employee="S003"))
    assert code
    seal = store.seal

    def other_tab_first(*args: object) -> str:
        monkeypatch.setattr(store, "seal", seal)
        with editing(code) as other:
            other.add_commitment("Ask a colleague how the meeting felt")
        return seal(*args)

    monkeypatch.setattr(store, "seal", other_tab_first)
    with editing(code) as state:
        state.add_commitment("Speak up when an idea is talked over")
    assert sorted(c.text for c in load(code).commitments) == [
        "Ask a colleague how the meeting felt",
        "Speak up when an idea is talked over",
    ]

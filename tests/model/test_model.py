"""The Gender Equity Mindset Model data: complete, translated, consistent and immutable."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest

from allypath.model import (
    BARRIERS,
    DIAGNOSTIC_QUESTIONS,
    ENABLERS,
    FACTORS,
    INTERVENTIONS,
    NORMS,
    RESEARCH_ENABLERS,
    STAGE_KEYS,
    STAGES,
    TURNING_POINTS,
    DiagnosticQuestion,
    Factor,
    Intervention,
    Stage,
    Text,
    TurningPoint,
    factor,
    factor_for_construct,
    intervention,
    is_rtl,
    stage,
)

LANGUAGES = ("en", "fr", "ar")


def _texts(obj: object, where: str) -> Iterator[tuple[str, Text]]:
    """Every Text reachable from a model object, with a path naming it for failure messages."""
    if isinstance(obj, Text):
        yield where, obj
    elif isinstance(obj, tuple):
        for n, value in enumerate(obj):
            yield from _texts(value, f"{where}[{n}]")
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from _texts(getattr(obj, f.name), f"{where}.{f.name}")


ALL_OBJECTS: tuple[Stage | Factor | Intervention | DiagnosticQuestion | TurningPoint, ...] = (
    *STAGES,
    *FACTORS,
    *INTERVENTIONS,
    *DIAGNOSTIC_QUESTIONS,
    *TURNING_POINTS,
)
ALL_TEXTS = [pair for obj in ALL_OBJECTS for pair in _texts(obj, f"{type(obj).__name__}({obj.key})")]


def test_there_are_texts_to_check() -> None:
    assert len(ALL_TEXTS) > 100


@pytest.mark.parametrize(("where", "text"), ALL_TEXTS, ids=[w for w, _ in ALL_TEXTS])
def test_every_text_has_english_french_and_arabic_none_empty(where: str, text: Text) -> None:
    assert set(text) == set(LANGUAGES), where
    for lang in LANGUAGES:
        assert text[lang].strip(), f"{where}.{lang} is empty"
        assert text[lang] == text[lang].strip(), f"{where}.{lang} has stray whitespace"


@pytest.mark.parametrize(("where", "text"), ALL_TEXTS, ids=[w for w, _ in ALL_TEXTS])
def test_arabic_texts_are_written_in_arabic_script(where: str, text: Text) -> None:
    assert any("\u0600" <= ch <= "\u06ff" for ch in text["ar"]), where


def test_stages_are_ordered_one_to_four_with_the_published_keys() -> None:
    assert tuple(s.number for s in STAGES) == (1, 2, 3, 4)
    assert (
        tuple(s.key for s in STAGES)
        == STAGE_KEYS
        == (
            "apathy",
            "ambivalence",
            "reflective",
            "energised",
        )
    )


def test_stage_is_found_by_number_or_key() -> None:
    assert stage(1) is stage("apathy")
    for s in STAGES:
        assert stage(s.number) is s
        assert stage(s.key) is s


@pytest.mark.parametrize("bad", [0, 5, "apathetic", "", True])
def test_stage_names_the_bad_reference(bad: int | str) -> None:
    with pytest.raises(ValueError, match=repr(bad)):
        stage(bad)


def test_each_stage_offers_three_or_four_next_steps() -> None:
    for s in STAGES:
        assert 3 <= len(s.next_steps) <= 4, s.key


def test_stage_labels_follow_the_research() -> None:
    assert [str(s.label) for s in STAGES] == [
        "Apathy",
        "Ambivalence",
        "Reflective and responsible",
        "Energised and motivated",
    ]
    assert [str(s.emotion) for s in STAGES] == [
        "Indifference",
        "Confusion",
        "Awareness",
        "Empowerment",
    ]


def test_factor_keys_and_constructs_match_the_instrument() -> None:
    assert {f.key: f.construct for f in BARRIERS} == {
        "uncertainty": "barrier_uncertainty",
        "fear": "barrier_fear",
        "unwelcome": "barrier_unwelcome",
        "expectations": "barrier_expectations",
        "low_policy_awareness": "knowledge_claimed",
    }
    assert {f.key: f.construct for f in NORMS} == {
        "always_available": "norm_always_available",
        "hiding_vulnerability": "norm_hiding_vulnerability",
    }
    assert {f.key: f.construct for f in ENABLERS} == {
        "safety": "enabler_safety",
        "acknowledgement": "enabler_acknowledgement",
        "support": "enabler_support",
        "leadership": "enabler_leadership",
        "recognition": "enabler_recognition",
    }


def test_factor_kinds_match_their_group() -> None:
    assert {f.kind for f in BARRIERS} == {"barrier"}
    assert {f.kind for f in NORMS} == {"norm"}
    assert {f.kind for f in ENABLERS} == {"enabler"}
    assert FACTORS == BARRIERS + NORMS + ENABLERS


def test_factor_keys_and_constructs_are_unique() -> None:
    assert len({f.key for f in FACTORS}) == len(FACTORS)
    assert len({f.construct for f in FACTORS}) == len(FACTORS)


def test_each_factor_has_two_or_three_personal_tips_and_some_interventions() -> None:
    for f in FACTORS:
        assert 2 <= len(f.personal_tips) <= 3, f.key
        assert f.interventions, f.key


def test_interventions_referenced_by_factors_exist() -> None:
    known = {i.key for i in INTERVENTIONS}
    for f in FACTORS:
        missing = set(f.interventions) - known
        assert not missing, f"{f.key} refers to unknown interventions {missing}"


def test_intervention_stages_are_sorted_and_within_one_to_four() -> None:
    for i in INTERVENTIONS:
        assert i.stages, i.key
        assert set(i.stages) <= {1, 2, 3, 4}, i.key
        assert list(i.stages) == sorted(set(i.stages)), i.key


def test_interventions_cover_the_required_keys_stages_and_enablers() -> None:
    expected = {
        "informal_content": ((1,), None),
        "reflective_stories": ((1, 2), None),
        "safe_spaces": ((2,), None),
        "reflective_dialogue": ((2, 3), None),
        "scenario_training": ((2, 3), "scenario_training"),
        "structured_pathways": ((3,), None),
        "peer_mentoring": ((3, 4), "ally_circles"),
        "ally_circles": ((2, 3, 4), "ally_circles"),
        "leadership_roles": ((4,), None),
        "leadership_visibility": ((1, 2, 3, 4), "leadership_visibility"),
        "recognition_in_promotion": ((3, 4), "recognition"),
        "policy_communication": ((1, 2, 3, 4), None),
        "flexible_work_modelling": ((1, 2, 3, 4), None),
    }
    for key, (stages, enabler) in expected.items():
        assert intervention(key).stages == stages, key
        assert intervention(key).enabler == enabler, key
    assert len({i.key for i in INTERVENTIONS}) == len(INTERVENTIONS)


def test_every_research_enabler_is_put_into_practice_by_an_intervention() -> None:
    assert {i.enabler for i in INTERVENTIONS} - {None} == set(RESEARCH_ENABLERS)


def test_every_stage_has_an_intervention_that_suits_it() -> None:
    for s in STAGES:
        assert any(s.number in i.stages for i in INTERVENTIONS), s.key


def test_flexible_work_modelling_tackles_the_always_available_norm() -> None:
    assert "flexible_work_modelling" in factor("always_available").interventions


def test_lookups_by_key_and_construct() -> None:
    assert factor("fear").construct == "barrier_fear"
    assert factor_for_construct("knowledge_claimed").key == "low_policy_awareness"
    assert intervention("ally_circles").key == "ally_circles"


@pytest.mark.parametrize(
    ("lookup", "bad"),
    [(factor, "shyness"), (factor_for_construct, "barrier_shyness"), (intervention, "yoga")],
)
def test_lookups_name_the_bad_key(lookup: Callable[[str], object], bad: str) -> None:
    with pytest.raises(ValueError, match=bad):
        lookup(bad)


def test_diagnostic_questions_are_answered_by_enabler_constructs() -> None:
    enabler_constructs = {f.construct for f in ENABLERS}
    assert len(DIAGNOSTIC_QUESTIONS) == 3
    answered = [c for q in DIAGNOSTIC_QUESTIONS for c in q.constructs]
    assert set(answered) == enabler_constructs
    assert len(answered) == len(set(answered))


def test_turning_points_are_the_published_ones() -> None:
    assert tuple(t.key for t in TURNING_POINTS) == (
        "daughter",
        "partner",
        "colleague",
        "female_leader",
        "father",
        "other",
    )


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        (STAGES[0], "label"),
        (BARRIERS[0], "interventions"),
        (INTERVENTIONS[0], "stages"),
        (DIAGNOSTIC_QUESTIONS[0], "constructs"),
        (TURNING_POINTS[0], "label"),
    ],
)
def test_model_objects_are_immutable(obj: object, field: str) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, field, getattr(obj, field))


def test_texts_are_immutable() -> None:
    with pytest.raises(TypeError):
        STAGES[0].label.by_language["en"] = "changed"  # type: ignore[index]


def test_model_collections_are_tuples() -> None:
    for collection in (STAGES, BARRIERS, NORMS, ENABLERS, INTERVENTIONS, TURNING_POINTS):
        assert isinstance(collection, tuple)
    for s in STAGES:
        assert isinstance(s.next_steps, tuple)


def test_invalid_definitions_are_refused() -> None:
    label = Text.of("x")
    with pytest.raises(ValueError, match="kind"):
        Factor("k", "obstacle", "c", label, label, (), ())
    with pytest.raises(ValueError, match="stages"):
        Intervention("k", label, label, stages=(5,))
    with pytest.raises(ValueError, match="enabler"):
        Intervention("k", label, label, stages=(1,), enabler="free_lunch")


def test_arabic_is_right_to_left() -> None:
    assert is_rtl("ar")
    assert not is_rtl("fr")


def test_model_and_packaged_instrument_agree() -> None:
    from allypath.instrument import load_instrument

    instrument = load_instrument()
    construct_ids = {c.id for c in instrument.constructs}
    for f in FACTORS:
        assert f.construct in construct_ids, f"{f.key}: construct {f.construct} not in the instrument"
    for q in DIAGNOSTIC_QUESTIONS:
        assert set(q.constructs) <= construct_ids, q.key
    for s in STAGES:
        assert instrument.construct(f"stage_{s.key}").stage == s.number
    options = {o.id: o for o in instrument.item("tp").options}
    for t in TURNING_POINTS:
        assert dict(options[t.key].text) == dict(t.label), t.key

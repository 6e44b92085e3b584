"""Simulated respondents with a known true stage, for tests, demos and benchmarks.

Population model (parameters in :mod:`allypath.synth.calibration` and below):

* each respondent has a true stage, drawn from his organisation's stage mix reweighted by the
  stage's propensity to answer (the apathetic mostly do not answer);
* stage and context items follow the ordinal ideal-point model of the default scoring model, plus a
  fixed location offset per item (items differ in how easy they are to agree with) and a person's
  acquiescence (a tendency to agree with everything) — so the scoring model never sees data drawn
  from exactly its own assumptions;
* other constructs (beliefs, barriers, norms, enablers, behaviour, policy awareness, participation)
  are ordered-logit items whose location depends on the stage, the organisation and the unit;
* item-level missingness: a base rate for every item, more for the apathetic, and a block skip of the
  policy questions at each organisation's observed skip rate;
* "Does not apply to me" (the code :data:`~allypath.instrument.NOT_APPLICABLE`) on the items that offer
  it, for the people who lack the opportunity the item needs, more often at junior levels.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from allypath.instrument import NOT_APPLICABLE, Construct, Instrument, Item, load_instrument
from allypath.scoring.stage_model import StageModel, load_stage_model
from allypath.synth.calibration import DEFAULT_ORGS, STAGE_RESPONSE_PROPENSITY, OrgCalibration

__all__ = ["respondent_stage_mix", "simulate", "simulate_invited"]

# Latent location by stage (Apathy..Energised) for constructs that are not stage scales.
STAGE_LOCATIONS: dict[str, tuple[float, float, float, float]] = {
    "belief_zero_sum": (1.1, 0.3, -0.7, -1.3),
    "belief_awareness": (-1.1, 0.0, 1.0, 1.5),
    "knowledge_claimed": (-0.9, -0.3, 0.5, 1.1),
    "engagement_frequency": (-2.6, -1.6, -0.5, 0.7),
    "barrier_uncertainty": (0.6, 1.1, 0.1, -0.9),
    "barrier_fear": (0.0, 1.3, 0.4, -0.7),
    "barrier_unwelcome": (0.3, 0.7, 0.2, -0.4),
    "barrier_expectations": (0.5, 0.9, 0.3, -0.5),
    "norm_always_available": (0.5, 0.4, 0.1, -0.2),
    "norm_hiding_vulnerability": (0.9, 0.6, 0.0, -0.4),
    "enabler_safety": (-0.3, -0.4, 0.3, 0.6),
    "enabler_acknowledgement": (-0.4, -0.3, 0.2, 0.5),
    "enabler_support": (-0.2, -0.1, 0.3, 0.6),
    "enabler_leadership": (-0.3, -0.2, 0.1, 0.4),
    "enabler_recognition": (-0.8, -0.7, -0.4, 0.0),
    "enabler_scenario_training": (-0.7, -0.6, -0.3, 0.1),
    "enabler_ally_circles": (-0.9, -0.8, -0.4, 0.0),
    "behaviour_allyship": (-2.2, -1.1, 0.3, 1.4),
}
PARTICIPATION_BY_STAGE = (0.03, 0.09, 0.22, 0.42)
# Who lacks the opportunity an item needs, by level (individual contributor, manager, senior leader);
# items that need the same opportunity share one draw per person, so a man with no part in hiring
# says so on both hiring items. Items not listed here use DEFAULT_NOT_APPLICABLE.
NOT_APPLICABLE_SHARES: dict[str, tuple[float, float, float]] = {
    "hiring": (0.45, 0.10, 0.03),  # no part in hiring or promotion decisions
    "position": (0.25, 0.05, 0.02),  # no position from which to open doors
    "caregiving": (0.18, 0.15, 0.12),  # no flexible work or caregiving leave to use
    "development_plan": (0.25, 0.10, 0.05),  # no development plan
}
NOT_APPLICABLE_NEEDS = {
    "ch3": "hiring",
    "ch4": "hiring",
    "en4": "position",
    "cf4": "caregiving",
    "er3": "development_plan",
}
DEFAULT_NOT_APPLICABLE = (0.15, 0.10, 0.05)
UNIT_CLIMATE_SD = 0.35  # spread of the units' climates around their organisation's (latent scale)
LEVELS = ("Individual contributor", "Manager", "Senior leader")
TURNING_POINT_SHARES = {
    "partner": 0.30,
    "colleague": 0.18,
    "female_leader": 0.14,
    "father": 0.28,
    "other": 0.05,
}
PERCEPTION_SHIFT = {-1: 0.12, 0: 0.55, 1: 0.28, 2: 0.05}  # perceived minus true stage
LANGUAGE_SHARES = {"en": 0.7, "fr": 0.2, "ar": 0.1}
OPEN_TEXT_BY_STAGE = (
    ("Not sure this is relevant to my job.", "Keep it short."),
    ("Clear guidance on what is expected of men would help.", "I worry about saying the wrong thing."),
    ("Practical training with real scenarios from our work.", "A peer group to discuss this would help."),
    ("More chances to lead initiatives and sponsor colleagues.", "Recognise this work in promotion."),
)


def _item_offset(item_id: str) -> float:
    """A fixed, item-specific location offset (the same for every run and seed)."""
    return float(np.random.default_rng(zlib.crc32(item_id.encode())).normal(0.0, 0.25))


def respondent_stage_mix(org: OrgCalibration) -> np.ndarray:
    """Stage shares among respondents: the population mix reweighted by response propensity."""
    weights = np.asarray(org.stage_mix) * np.asarray(STAGE_RESPONSE_PROPENSITY)
    return weights / weights.sum()


def _ordinal(
    rng: np.random.Generator,
    location: np.ndarray,
    model: StageModel,
    slope: float = 1.0,
    u: np.ndarray | None = None,
) -> np.ndarray:
    """Draw ordered-logit answers 1..k for each location (from the uniforms ``u`` when given)."""
    cum = 1.0 / (1.0 + np.exp(-slope * (model.thresholds[None, :] - location[:, None])))
    if u is None:
        u = rng.random(len(location))
    return 1 + (u[:, None] > cum).sum(axis=1)


def _likert(
    rng: np.random.Generator,
    item: Item,
    location: np.ndarray,
    style: np.ndarray,
    model: StageModel,
    slope: float = 1.0,
    u: np.ndarray | None = None,
) -> np.ndarray:
    """Answers on the item's own scale, with the acquiescent style acting on the raw answer."""
    assert item.scale is not None
    oriented = -location if item.reverse else location
    raw = _ordinal(rng, oriented + style + _item_offset(item.id), model, slope, u)
    return (raw - 1 + item.scale.min).astype(float)


def _people(
    rng: np.random.Generator,
    org_index: np.ndarray,
    stage: np.ndarray,
    orgs: Sequence[OrgCalibration],
    wave: str,
) -> pd.DataFrame:
    """Attributes of each person (organisation, unit, level, region, language) and the true stage."""
    n = len(org_index)
    unit = np.empty(n, dtype=object)
    region = np.empty(n, dtype=object)
    for k, org in enumerate(orgs):
        mask = org_index == k
        unit[mask] = rng.choice(np.array(org.units, dtype=object), size=mask.sum())
        region[mask] = rng.choice(np.array(org.regions, dtype=object), size=mask.sum())
    level = rng.choice(
        np.array(LEVELS, dtype=object),
        size=n,
        p=[0.68, 0.25, 0.07],
    )
    ids = rng.integers(0, 2**63 - 1, size=n, dtype=np.int64)
    return pd.DataFrame(
        {
            "respondent_id": [f"r{v:016x}" for v in ids],
            "org": np.array([orgs[k].name for k in org_index], dtype=object),
            "unit": unit,
            "level": level,
            "region": region,
            "wave": wave,
            "language": rng.choice(list(LANGUAGE_SHARES), size=n, p=list(LANGUAGE_SHARES.values())),
            "true_stage": stage.astype(np.int8),
        }
    )


def simulate(
    n: int = 576,
    *,
    seed: int = 0,
    orgs: Sequence[OrgCalibration] = DEFAULT_ORGS,
    instrument: Instrument | None = None,
    form: str = "full",
    wave: str = "2026-Q1",
    missing_rate: float = 0.03,
    acquiescence_sd: float = 0.3,
    model: StageModel | None = None,
) -> pd.DataFrame:
    """Simulate ``n`` respondents in the wide response format, with their ``true_stage``.

    Parameters
    ----------
    n : number of respondents (rows).
    seed : random seed; the same seed gives the same frame.
    orgs : organisations and their calibration (default: the two study organisations).
    instrument : instrument whose items are answered (default: the packaged one).
    form : ``"full"`` or ``"short"``.
    wave : value of the ``wave`` column.
    missing_rate : base probability that any single item is left blank.
    acquiescence_sd : spread of the respondents' tendency to agree regardless of content.
    model : the ordinal model whose form generates stage and context items.

    See Also
    --------
    allypath.synth.panel.simulate_panel : the same men over several waves (two calls of ``simulate``
        draw strangers: a new answering style and new answers for every man).

    Examples
    --------
    >>> df = simulate(100, seed=1)
    >>> len(df), bool(df["true_stage"].between(1, 4).all())
    (100, True)
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(seed)
    org_index, people = _respondents(rng, n, orgs, wave)
    answers = _answers(
        rng,
        people,
        org_index,
        orgs,
        (instrument or load_instrument()).form(form),
        model or load_stage_model(),
        missing_rate,
        acquiescence_sd,
    )
    return pd.concat([people, answers], axis=1)


def _respondents(
    rng: np.random.Generator, n: int, orgs: Sequence[OrgCalibration], wave: str
) -> tuple[np.ndarray, pd.DataFrame]:
    """``n`` respondents drawn from ``orgs`` by their expected responses: each one's organisation
    (index) and his attributes with his true stage (:func:`_people`). :func:`simulate` and the
    panel's first wave draw them alike, so a panel's men are those ``simulate`` would draw."""
    expected = np.array([o.invited * o.response_rate for o in orgs])
    org_index = rng.choice(len(orgs), size=n, p=expected / expected.sum())
    stage = np.empty(n, dtype=np.int8)
    for k, org in enumerate(orgs):
        mask = org_index == k
        stage[mask] = rng.choice(4, size=int(mask.sum()), p=respondent_stage_mix(org)) + 1
    return org_index, _people(rng, org_index, stage, orgs, wave)


@dataclass(frozen=True)
class Carried:
    """What a man carries from one wave to the next (:mod:`allypath.synth.panel`), one entry per row.

    ``style``: his acquiescence; ``unit_climate``: his unit's climate; ``uniforms(construct, item)``:
    the uniforms his likert answer to ``item`` is drawn from (:func:`_ordinal`); ``lacking(need)``:
    the uniform that says whether he lacks the opportunity ``need`` (:func:`_apply_not_applicable`);
    ``drawn(key)``: the uniform of every other draw that is his, each a ``u < p`` (or the like) that
    :func:`simulate` makes with ``rng.random``: ``<item>_<option>`` a checklist tick,
    ``<item>:takes_part`` and ``<item>:pick`` whether he takes part and which initiative a lone
    participant ticks, ``<item>`` a single-choice answer (the self-placed stage's shift),
    ``<item>:blank`` whether he leaves an item blank, ``policy:skip`` whether he skips the policy
    questions, ``<item>:answered`` whether he writes a comment.
    """

    style: np.ndarray
    unit_climate: np.ndarray
    uniforms: Callable[[Construct, Item], np.ndarray]
    lacking: Callable[[str], np.ndarray]
    drawn: Callable[[str], np.ndarray]


#: Where a man's own uniforms come from (:attr:`Carried.drawn`); None: fresh from the generator.
Drawn = Callable[[str], np.ndarray] | None


def _uniform(rng: np.random.Generator, n: int, drawn: Drawn, key: str) -> np.ndarray:
    """``n`` uniforms for the draw ``key``: the man's own (a panel) or, as simulate has always drawn
    them, the generator's next ones."""
    return rng.random(n) if drawn is None else drawn(key)


def _answers(
    rng: np.random.Generator,
    people: pd.DataFrame,
    org_idx: np.ndarray,
    orgs: Sequence[OrgCalibration],
    instrument: Instrument,
    model: StageModel,
    missing_rate: float,
    acquiescence_sd: float,
    carried: Carried | None = None,
) -> pd.DataFrame:
    """Every answer of ``people``; with ``carried``, what each man carries between waves is taken from
    it instead of drawn (without it, the draws are those :func:`simulate` has always made)."""
    n = len(people)
    stage_idx = people["true_stage"].to_numpy().astype(int) - 1
    if carried is None:
        style = rng.normal(0.0, acquiescence_sd, size=n)
        unit_codes = pd.factorize(people["org"] + "/" + people["unit"])[0]
        unit_climate = rng.normal(0.0, UNIT_CLIMATE_SD, size=unit_codes.max() + 1)[unit_codes]
    else:
        style, unit_climate = carried.style, carried.unit_climate
    drawn = None if carried is None else carried.drawn
    org_climate = np.array([orgs[k].enabler_climate for k in org_idx])
    columns: dict[str, np.ndarray] = {}
    for construct in instrument.constructs:
        for item in construct.items:
            if item.type == "likert":
                if construct.kind in ("stage", "context"):
                    assert item.stage is not None
                    location = model.affinity[stage_idx, item.stage - 1]
                    slope = model.discrimination.get(construct.kind, 1.0)
                else:
                    base = STAGE_LOCATIONS.get(construct.id, (0.0, 0.0, 0.0, 0.0))
                    location = np.asarray(base)[stage_idx].astype(float)
                    if construct.kind == "enabler":
                        location = location + org_climate + unit_climate
                    if construct.id == "norm_always_available":
                        location = location + np.array([orgs[k].always_available_norm for k in org_idx])
                    if construct.id == "knowledge_claimed":
                        location = location + np.array([orgs[k].policy_awareness_shift for k in org_idx])
                    slope = 1.3
                u = None if carried is None else carried.uniforms(construct, item)
                columns[item.id] = _likert(rng, item, location, style, model, slope, u)
            elif item.type == "checklist":
                columns.update(_checklist(rng, item, construct.kind, stage_idx, people, orgs, drawn))
            elif item.type == "single":
                columns[item.id] = _single(rng, item, construct.kind, stage_idx, drawn)
    frame = pd.DataFrame(columns, index=people.index)
    _apply_missingness(rng, frame, instrument, stage_idx, org_idx, orgs, missing_rate, drawn)
    lacking = None if carried is None else carried.lacking
    _apply_not_applicable(rng, frame, instrument, people["level"].to_numpy(), lacking)
    for item in instrument.items:
        if item.type == "text":
            frame[item.id] = _open_text(rng, item.id, stage_idx, drawn)
    return frame


def _checklist(
    rng: np.random.Generator,
    item: Item,
    kind: str,
    stage_idx: np.ndarray,
    people: pd.DataFrame,
    orgs: Sequence[OrgCalibration],
    drawn: Drawn = None,
) -> dict[str, np.ndarray]:
    n = len(stage_idx)
    options = [o for o in item.options if not o.exclusive]
    exclusive = [o for o in item.options if o.exclusive]
    keys = [f"{item.id}_{o.id}" for o in options]
    ticks = np.zeros((n, len(options)))
    if kind == "engagement":
        takes_part = (
            _uniform(rng, n, drawn, f"{item.id}:takes_part") < np.asarray(PARTICIPATION_BY_STAGE)[stage_idx]
        )
        for j, key in enumerate(keys):
            ticks[:, j] = takes_part & (_uniform(rng, n, drawn, key) < 0.45)
        # Everyone who takes part ticks at least one initiative.
        lonely = takes_part & (ticks.sum(axis=1) == 0)
        if drawn is None:
            ticks[lonely, rng.integers(0, len(options), size=lonely.sum())] = 1
        else:  # the same uniform choice, from his own uniform
            pick = np.minimum((drawn(f"{item.id}:pick") * len(options)).astype(int), len(options) - 1)
            ticks[lonely, pick[lonely]] = 1
    elif kind == "knowledge":
        knows = np.asarray((0.25, 0.35, 0.5, 0.65))[stage_idx]
        for j, (key, option) in enumerate(zip(keys, options, strict=True)):
            p = knows if option.correct else np.full(n, 0.12)
            ticks[:, j] = _uniform(rng, n, drawn, key) < p
    elif kind == "turning_point":
        org_daughters = {o.name: o.daughter_share for o in orgs}
        daughters = people["org"].map(org_daughters).to_numpy(dtype=float)
        for j, (key, option) in enumerate(zip(keys, options, strict=True)):
            share = daughters if option.id == "daughter" else TURNING_POINT_SHARES.get(option.id or "", 0.1)
            ticks[:, j] = _uniform(rng, n, drawn, key) < share
    elif drawn is None:
        ticks = (rng.random((n, len(options))) < 0.3).astype(float)
    else:
        ticks = np.column_stack([drawn(key) < 0.3 for key in keys]).astype(float)
    out = {f"{item.id}_{o.id}": ticks[:, j] for j, o in enumerate(options)}
    for option in exclusive:
        out[f"{item.id}_{option.id}"] = (ticks.sum(axis=1) == 0).astype(float)
    return out


def _single(
    rng: np.random.Generator, item: Item, kind: str, stage_idx: np.ndarray, drawn: Drawn = None
) -> np.ndarray:
    values = np.array([o.value for o in item.options if o.value is not None], dtype=float)
    n = len(stage_idx)
    if kind == "self_placement":
        shifts = np.array(list(PERCEPTION_SHIFT))
        chances = list(PERCEPTION_SHIFT.values())
        if drawn is None:
            shift = rng.choice(shifts, size=n, p=chances)
        else:  # the inverse CDF of his own uniform, as rng.choice inverts its uniform
            cdf = np.cumsum(chances)
            at = np.searchsorted(cdf / cdf[-1], drawn(item.id), side="right")
            shift = shifts[np.minimum(at, len(shifts) - 1)]
        return np.clip(stage_idx + 1 + shift, values.min(), values.max()).astype(float)
    if drawn is None:
        return rng.choice(values, size=n)
    return values[np.minimum((drawn(item.id) * len(values)).astype(int), len(values) - 1)]


def _apply_missingness(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    instrument: Instrument,
    stage_idx: np.ndarray,
    org_idx: np.ndarray,
    orgs: Sequence[OrgCalibration],
    missing_rate: float,
    drawn: Drawn = None,
) -> None:
    n = len(frame)
    # The apathetic who do answer leave more items blank.
    person_rate = missing_rate * np.asarray((1.8, 1.0, 0.8, 0.7))[stage_idx]
    for item in instrument.items:
        if item.type == "checklist":
            continue
        blank = _uniform(rng, n, drawn, f"{item.id}:blank") < person_rate
        frame.loc[blank, item.id] = np.nan
    skip = _uniform(rng, n, drawn, "policy:skip") < np.array([orgs[k].policy_skip for k in org_idx])
    policy_columns = [
        c for cons in instrument.constructs_of("knowledge") for i in cons.items for c in i.column_ids()
    ]
    frame.loc[skip, policy_columns] = np.nan


def _apply_not_applicable(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    instrument: Instrument,
    level: np.ndarray,
    lacking_uniforms: Callable[[str], np.ndarray] | None = None,
) -> None:
    """Answer "Does not apply to me" where the person lacks the item's opportunity (blanks stay blank).

    Draws nothing when no item offers the answer, so an instrument without it (1.0.0) is simulated as
    before. ``lacking_uniforms(need)``, when given, replaces the draw for ``need`` (a panel's men keep
    their opportunities from wave to wave).
    """
    items = [item for item in instrument.items if item.not_applicable is not None]
    if not items:
        return
    level_index = np.maximum(pd.Categorical(level, categories=LEVELS).codes, 0)  # another level: as junior
    lacking: dict[str, np.ndarray] = {}
    for item in items:
        need = NOT_APPLICABLE_NEEDS.get(item.id, f"item:{item.id}")
        if need not in lacking:
            shares = np.asarray(NOT_APPLICABLE_SHARES.get(need, DEFAULT_NOT_APPLICABLE))
            drawn = rng.random(len(frame)) if lacking_uniforms is None else lacking_uniforms(need)
            lacking[need] = drawn < shares[level_index]
        answered = frame[item.id].notna().to_numpy()
        frame.loc[lacking[need] & answered, item.id] = float(NOT_APPLICABLE)


def _open_text(
    rng: np.random.Generator, item_id: str, stage_idx: np.ndarray, drawn: Drawn = None
) -> np.ndarray:
    which = 0 if item_id.endswith("1") else 1
    texts = np.array([OPEN_TEXT_BY_STAGE[s][which] for s in range(4)], dtype=object)
    answered = _uniform(rng, len(stage_idx), drawn, f"{item_id}:answered") < (0.35 if which == 0 else 0.12)
    return np.asarray(np.where(answered, texts[stage_idx], None), dtype=object)


def simulate_invited(
    *,
    seed: int = 0,
    orgs: Sequence[OrgCalibration] = DEFAULT_ORGS,
    instrument: Instrument | None = None,
    wave: str = "2026-Q1",
    missing_rate: float = 0.03,
    acquiescence_sd: float = 0.3,
) -> pd.DataFrame:
    """The whole invited population of each organisation, with a ``responded`` flag.

    Non-respondents carry their attributes and true stage but no answers: what a response-rate or
    non-response analysis sees. Who answers follows each organisation's response rate and the
    stages' propensity to answer.
    """
    rng = np.random.default_rng(seed)
    org_index = np.repeat(np.arange(len(orgs)), [o.invited for o in orgs])
    stage = np.empty(len(org_index), dtype=np.int8)
    responded = np.empty(len(org_index), dtype=bool)
    propensity = np.asarray(STAGE_RESPONSE_PROPENSITY)
    for k, org in enumerate(orgs):
        mask = org_index == k
        mix = np.asarray(org.stage_mix)
        drawn = rng.choice(4, size=int(mask.sum()), p=mix)
        scale = org.response_rate / float(mix @ propensity)
        stage[mask] = drawn + 1
        responded[mask] = rng.random(int(mask.sum())) < np.clip(propensity[drawn] * scale, 0, 1)
    people = _people(rng, org_index, stage, orgs, wave)
    people["responded"] = responded
    inst = instrument or load_instrument()
    answers = _answers(
        rng,
        people[responded].reset_index(drop=True),
        org_index[responded],
        orgs,
        inst,
        load_stage_model(),
        missing_rate,
        acquiescence_sd,
    )
    answers.index = np.flatnonzero(responded)
    return people.join(answers)

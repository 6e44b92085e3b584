"""A simulated panel: the same men answering several waves, with a known true stage in each.

:func:`~allypath.synth.population.simulate` draws one wave of strangers: every man's answering style,
his unit's climate and every answer are new at each call, so two calls paired by id look like men
who changed completely. A panel keeps what a man keeps from one survey to the next:

* who he is: ``respondent_id``, organisation, unit, level, region and language (the men are those
  ``simulate(n, seed=seed)`` draws for the first wave);
* his answering style (acquiescence), his unit's climate, and whether he has the opportunities some
  items need (a man with no part in hiring says "Does not apply to me" in every wave);
* his own way of answering each item: of the random part of each likert answer (the ordered logit's
  noise), a share ``stability`` is his and the same in every wave, the rest is drawn afresh. For the
  constructs that are not stage or context scales (beliefs, knowledge, engagement, barriers, norms,
  enablers, behaviour) half of his own part is a personal level on the construct, shared by its
  items; the other half, and all of it for the stage and context items, belongs to the item alone, so
  each wave's stage items stay independent given the stage, as the scoring model assumes;
* his own part of every other draw ``simulate`` makes as ``u < p`` (``Carried.drawn``), split by the
  same ``stability``: which policies he knows and which initiatives he takes part in (a checklist
  option he ticked he mostly ticks again, and as his stage rises and ``p`` with it, the options he
  knew stay known), how far his self-placed stage sits from his true stage (his own bias), which
  items he leaves blank, whether he skips the policy questions and whether he writes a comment;
* his turning points and demographic answers (the first he gave).

The shares only split the noise: each answer in each wave has exactly the distribution
:func:`~allypath.synth.population.simulate` gives a man at that stage, so the study calibration holds
in every wave. What moves between waves is the true stage: with chance ``move`` a man moves one
stage (forward with chance ``forward``, else back; Apathy can only move forward, Energised only back),
and his answers follow his new stage. With ``attrition``, each man skips each wave after the first
with that chance (he may answer again later).

A context's score (``score_ctx_*``) keeps less of a man between waves than the other scores (ICC
about 0.8 at the default ``stability`` where barriers, norms and enablers reach 0.85-0.9; each of its
items alone is as stable as any other item). Its four items are one stage statement each, so the
stage cancels out of their mean, and being stage statements they share no personal level, which
would break the independence the context's placement assumes: the mean is then about as stable as
one item. That is left as it is: the scoring places each context from its items
(``context_<name>_stage``), not from their mean, and the methods report does not treat a context as
a scale.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import ndtr

from allypath.instrument import Instrument, load_instrument
from allypath.scoring.stage_model import StageModel, load_stage_model
from allypath.synth.calibration import DEFAULT_ORGS, OrgCalibration
from allypath.synth.population import (
    NOT_APPLICABLE_NEEDS,
    UNIT_CLIMATE_SD,
    Carried,
    _answers,
    _respondents,
)

__all__ = ["simulate_panel"]

#: Share of a man's own part of each answer that is his level on the construct (items of the kinds
#: below); the rest is his own reading of the item.
CONSTRUCT_SHARE = 0.5
#: Kinds whose items are stage statements: their own part belongs to the item alone.
STAGE_KINDS = ("stage", "context")
#: Kinds whose answers are a man's history or circumstances: the first he gave stands in every wave.
KEPT_KINDS = ("turning_point", "demographic")


def _checked_waves(waves: Sequence[str]) -> tuple[str, ...]:
    if isinstance(waves, str):
        raise ValueError("waves must be a sequence of wave names, e.g. ('2026-Q1', '2026-Q2')")
    names = tuple(str(w).strip() for w in waves)
    if not names:
        raise ValueError("waves must name at least one wave")
    if any(not name for name in names):
        raise ValueError("a wave name is blank: give every wave a name")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"wave {name!r} is given twice: each wave once")
        seen.add(name)
    return names


def _check_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise ValueError(f"{name} must be between 0 and 1, not {value}")


class _Man:
    """Each man's stable parts, drawn once; :meth:`carried` gives a wave's rows with fresh noise."""

    def __init__(
        self,
        seeds: np.random.SeedSequence,
        people: pd.DataFrame,
        instrument: Instrument,
        acquiescence_sd: float,
        stability: float,
    ) -> None:
        rng = np.random.default_rng(seeds)
        n = len(people)
        self.n = n
        self.seeds = seeds
        # His own normal behind each other draw (Carried.drawn), made when first asked for, each from
        # its own stream named by its key: what is asked for, and in what order, changes no man's own.
        self.own_draws: dict[str, np.ndarray] = {}
        self.style = rng.normal(0.0, acquiescence_sd, size=n)
        unit_codes = pd.factorize(people["org"] + "/" + people["unit"])[0]
        self.unit_climate = rng.normal(0.0, UNIT_CLIMATE_SD, size=unit_codes.max() + 1)[unit_codes]
        self.stability = stability
        # His own part of each likert item (standard normal), in the instrument's order.
        self.own: dict[str, np.ndarray] = {}
        for construct in instrument.constructs:
            likert = [item for item in construct.items if item.type == "likert"]
            if not likert:
                continue
            shared = construct.kind not in STAGE_KINDS
            level = rng.normal(size=n) if shared else np.zeros(n)
            for item in likert:
                sign = -1.0 if item.reverse else 1.0  # a high level disagrees with a reversed item
                specific = rng.normal(size=n)
                if shared:
                    own = np.sqrt(CONSTRUCT_SHARE) * sign * level
                    own = own + np.sqrt(1 - CONSTRUCT_SHARE) * specific
                else:
                    own = specific
                self.own[item.id] = own
        self.opportunity: dict[str, np.ndarray] = {}
        for item in instrument.items:
            if item.not_applicable is not None:
                need = NOT_APPLICABLE_NEEDS.get(item.id, f"item:{item.id}")
                if need not in self.opportunity:
                    self.opportunity[need] = rng.random(n)

    def _own_draw(self, key: str) -> np.ndarray:
        if key not in self.own_draws:
            named = np.random.SeedSequence(
                self.seeds.entropy, spawn_key=(*self.seeds.spawn_key, zlib.crc32(key.encode()))
            )
            self.own_draws[key] = np.random.default_rng(named).normal(size=self.n)
        return self.own_draws[key]

    def carried(self, rows: np.ndarray, rng: np.random.Generator) -> Carried:
        """The men at ``rows`` in a wave whose fresh noise comes from ``rng``."""
        keep, fresh = np.sqrt(self.stability), np.sqrt(1.0 - self.stability)

        def mixed(own: np.ndarray) -> np.ndarray:
            # a standard normal mixed of his part and a new one is still standard normal: its
            # normal CDF is uniform, the draw simulate makes for each answer (a Gaussian copula)
            return np.asarray(ndtr(keep * own[rows] + fresh * rng.normal(size=len(rows))))

        return Carried(
            style=self.style[rows],
            unit_climate=self.unit_climate[rows],
            uniforms=lambda _construct, item: mixed(self.own[item.id]),
            lacking=lambda need: self.opportunity[need][rows],
            drawn=lambda key: mixed(self._own_draw(key)),
        )


def _moved(rng: np.random.Generator, stage: np.ndarray, move: float, forward: float) -> np.ndarray:
    """The stages one wave later: each man moves one stage with chance ``move``."""
    moves = rng.random(len(stage)) < move
    step = np.where(rng.random(len(stage)) < forward, 1, -1)
    step = np.where(stage == 1, 1, np.where(stage == 4, -1, step))  # the only way open at the ends
    return np.where(moves, stage + step, stage).astype(np.int8)


def _keep_first_answers(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Each man's answer in ``columns`` is the first he gave, wherever he answered (blanks stay)."""
    present = [c for c in columns if c in frame.columns]
    if not present:
        return
    first = frame.groupby("respondent_id", sort=False)[present].transform("first")
    frame[present] = frame[present].where(frame[present].isna(), first)


def simulate_panel(
    n: int = 576,
    *,
    waves: Sequence[str] = ("2026-Q1", "2026-Q2"),
    seed: int = 0,
    move: float = 0.2,
    forward: float = 0.7,
    attrition: float = 0.0,
    stability: float = 0.85,
    orgs: Sequence[OrgCalibration] = DEFAULT_ORGS,
    instrument: Instrument | None = None,
    form: str = "full",
    missing_rate: float = 0.03,
    acquiescence_sd: float = 0.3,
    model: StageModel | None = None,
) -> pd.DataFrame:
    """Simulate ``n`` men answering each of ``waves``, in the wide response format with ``true_stage``.

    One row per man and wave he answered, the waves one after another; a man keeps his
    ``respondent_id``, organisation, unit, level, region and language, his answering style, his unit's
    climate and his own way of answering each item (module docstring). Each answer has the
    distribution :func:`~allypath.synth.population.simulate` gives a man at his stage that wave.

    Parameters
    ----------
    n : number of men (the first wave's rows).
    waves : names of the waves, in order (the ``wave`` column); at least one, each once.
    seed : random seed; the same arguments give the same frame, and adding a wave at the end leaves
        the earlier waves as they were.
    move : chance that a man's true stage changes between one wave and the next (0: a pure retest).
    forward : chance that a man who moves goes forward one stage rather than back.
    attrition : chance that a man skips a wave after the first (everyone answers the first).
    stability : share of the random part of each answer that is the man's own, the same in every
        wave: likert noise, checklist ticks, self-placed stage, blanks and comments (0: new noise
        each wave, as two calls of ``simulate``; 1: none new).
    orgs, instrument, form, missing_rate, acquiescence_sd, model : as for ``simulate``.

    Raises
    ------
    ValueError
        For ``n`` below 1, no wave, a blank or repeated wave name, or a chance outside 0..1.

    Examples
    --------
    >>> panel = simulate_panel(100, waves=("2026-Q1", "2026-Q2"), seed=1, move=0.25)
    >>> panel.groupby("wave", sort=False).size().to_dict()
    {'2026-Q1': 100, '2026-Q2': 100}
    >>> stages = panel.pivot(index="respondent_id", columns="wave", values="true_stage")
    >>> moved = stages["2026-Q1"] != stages["2026-Q2"]
    >>> bool(0.1 < moved.mean() < 0.4), bool((abs(stages["2026-Q2"] - stages["2026-Q1"]) <= 1).all())
    (True, True)
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    names = _checked_waves(waves)
    for name, value in (
        ("move", move),
        ("forward", forward),
        ("attrition", attrition),
        ("stability", stability),
    ):
        _check_share(name, value)
    # the men of the first wave: the draws simulate(n, seed=seed) makes
    org_index, people = _respondents(np.random.default_rng(seed), n, orgs, names[0])
    stage = people["true_stage"].to_numpy(dtype=np.int8)
    inst = (instrument or load_instrument()).form(form)
    stage_model = model or load_stage_model()
    # one stream for the men's stable parts and one per wave, so a wave added leaves the others alone
    traits_seed, *wave_seeds = np.random.SeedSequence(seed).spawn(1 + len(names))
    men = _Man(traits_seed, people, inst, acquiescence_sd, stability)
    frames = []
    for k, (name, wave_seed) in enumerate(zip(names, wave_seeds, strict=True)):
        wave_rng = np.random.default_rng(wave_seed)
        answering = np.ones(n, dtype=bool)
        if k > 0:
            stage = _moved(wave_rng, stage, move, forward)
            answering = wave_rng.random(n) >= attrition
        rows = np.flatnonzero(answering)
        wave_people = people.iloc[rows].reset_index(drop=True).assign(wave=name, true_stage=stage[rows])
        answers = _answers(
            wave_rng,
            wave_people,
            org_index[rows],
            orgs,
            inst,
            stage_model,
            missing_rate,
            acquiescence_sd,
            men.carried(rows, wave_rng),
        )
        frames.append(pd.concat([wave_people, answers], axis=1))
    panel = pd.concat(frames, ignore_index=True)
    kept = [
        c for cons in inst.constructs if cons.kind in KEPT_KINDS for i in cons.items for c in i.column_ids()
    ]
    _keep_first_answers(panel, kept)
    return panel

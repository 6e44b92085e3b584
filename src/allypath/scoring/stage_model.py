"""The explicit, versioned stage scoring model (method and assumptions: docs/scoring.md).

A :class:`StageModel` turns an instrument into per-item log-likelihood tables
``log P(answer = c | stage = s)`` once; scoring then only gathers and adds table rows, so it is
vectorised over respondents and does no per-respondent Python work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from allypath._files import packaged_path
from allypath._yaml import UniqueKeyLoader
from allypath.errors import ConfigurationError
from allypath.instrument import Instrument, Item
from allypath.scoring.careless import CarelessRules

__all__ = ["DEFAULT_MODEL", "ItemTables", "StageModel", "load_stage_model"]

DEFAULT_MODEL = Path(__file__).with_name("data") / "stage-model-v1.yaml"
N_STAGES = 4
# Kinds whose items inform the stage (each item carries the stage it expresses).
STAGE_INFORMATIVE_KINDS = ("stage", "context")


@dataclass(frozen=True)
class ItemTables:
    """Log-likelihood tables for a set of items, in the order of ``item_ids``.

    ``table[j, c, q * 4 + s]`` is ``log P(answer category c | stage s, acquiescence node q)`` for
    item j, where category 0 means "not answered" and holds zeros (a missing answer carries no
    evidence).
    """

    item_ids: tuple[str, ...]
    table: np.ndarray  # shape (items, categories + 1, 4 * nodes), float64


@dataclass(frozen=True)
class StageModel:
    """Parameters of the ordinal ideal-point stage model.

    Attributes
    ----------
    thresholds : cut points of the ordered logit (categories - 1 increasing values).
    affinity : 4 x 4 matrix; ``affinity[s, t]`` is the latent agreement of a person at stage s with an
        item written for stage t.
    discrimination : slope per construct kind (context items are noisier than stage scales).
    item_offsets : per-item location shift (positive: the item is easier to agree with).
    prior : stage probabilities before the answers.
    careless : thresholds of the careless-responding checks (rows failing one are ``suspect``).
    temperature : the posterior is tempered as ``p ** (1 / temperature)``, renormalised; above 1 it
        makes stage probabilities less sure of themselves (calibration fits it where the model's own
        probabilities were overconfident), 1 leaves them as the model gives them.
    """

    id: str
    version: str
    thresholds: np.ndarray
    affinity: np.ndarray
    discrimination: Mapping[str, float]
    prior: np.ndarray
    item_offsets: Mapping[str, float] = field(default_factory=dict)
    item_discrimination: Mapping[str, float] = field(default_factory=dict)
    acquiescence_sd: float = 0.0
    quadrature_nodes: int = 1
    min_top_probability: float = 0.60
    min_top_gap: float = 0.20
    min_answered_share: float = 0.60
    careless: CarelessRules = field(default_factory=CarelessRules)
    temperature: float = 1.0
    method: str = "ordinal-ideal-point-naive-bayes"
    fit_report: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.id} {self.version}"

    @property
    def categories(self) -> int:
        return len(self.thresholds) + 1

    def category_probabilities(self, location: np.ndarray, slope: float | np.ndarray) -> np.ndarray:
        """P(category c) for ordered-logit locations; the last axis of the result is the category."""
        loc = np.asarray(location, dtype=float)[..., None]
        cum = 1.0 / (1.0 + np.exp(-np.asarray(slope)[..., None] * (self.thresholds - loc)))
        cum = np.concatenate([np.zeros((*cum.shape[:-1], 1)), cum, np.ones((*cum.shape[:-1], 1))], -1)
        return np.diff(cum, axis=-1)

    def quadrature(self) -> tuple[np.ndarray, np.ndarray]:
        """Acquiescence values and log-weights of the Gauss-Hermite nodes (one node at 0 when off)."""
        if self.quadrature_nodes <= 1 or self.acquiescence_sd <= 0:
            return np.zeros(1), np.zeros(1)
        nodes, weights = np.polynomial.hermite_e.hermegauss(self.quadrature_nodes)
        return nodes * self.acquiescence_sd, np.log(weights / weights.sum())

    def item_tables(self, items: tuple[Item, ...]) -> ItemTables:
        """Build the log-likelihood tables of ``items`` (each must carry a stage).

        Acquiescence shifts the raw answer towards "agree", so for a reverse-keyed item it lowers the
        reverse-scored answer: the node value enters with the item's direction.
        """
        k = self.categories
        shifts, _ = self.quadrature()
        nodes = len(shifts)
        table = np.zeros((len(items), k + 1, N_STAGES * nodes))
        for j, item in enumerate(items):
            if item.stage is None:
                raise ConfigurationError(f"item {item.id} carries no stage and cannot inform the stage")
            slope = self.item_discrimination.get(item.id, self.discrimination.get(item.kind, 1.0))
            location = self.affinity[:, item.stage - 1] + self.item_offsets.get(item.id, 0.0)
            direction = -1.0 if item.reverse else 1.0
            grid = direction * shifts[:, None] + location[None, :]  # (nodes, 4 stages)
            probs = self.category_probabilities(grid, slope)  # (nodes, 4, k)
            table[j, 1:, :] = np.log(np.clip(probs, 1e-12, None)).reshape(nodes * N_STAGES, k).T
        return ItemTables(tuple(i.id for i in items), table)

    def stage_items(self, instrument: Instrument) -> tuple[Item, ...]:
        """The instrument's likert items that inform the stage."""
        return tuple(
            item
            for item in instrument.items
            if item.kind in STAGE_INFORMATIVE_KINDS and item.type == "likert" and item.stage is not None
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "method": self.method,
            "categories": self.categories,
            "thresholds": [float(x) for x in self.thresholds],
            "affinity": [[float(x) for x in row] for row in self.affinity],
            "discrimination": {k: float(v) for k, v in self.discrimination.items()},
            "item_offsets": {k: float(v) for k, v in self.item_offsets.items()},
            "item_discrimination": {k: float(v) for k, v in self.item_discrimination.items()},
            "prior": [float(x) for x in self.prior],
            "acquiescence": {"sd": self.acquiescence_sd, "quadrature_nodes": self.quadrature_nodes},
            "between_stages": {
                "min_top_probability": self.min_top_probability,
                "min_top_gap": self.min_top_gap,
            },
            "min_answered_share": self.min_answered_share,
            "careless": self.careless.to_dict(),
            "temperature": float(self.temperature),
            "fit_report": dict(self.fit_report),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], source: str = "<dict>") -> StageModel:
        def fail(message: str) -> ConfigurationError:
            return ConfigurationError(f"scoring model {source}: {message}")

        def number(value: Any, name: str) -> float:
            """A finite number, or an error naming the field: NaN scored everyone at Apathy."""
            if isinstance(value, bool):
                raise fail(f"field {name} must be a number (got {value!r})")
            try:
                out = float(value)
            except (TypeError, ValueError):
                raise fail(f"field {name} must be a number (got {value!r})") from None
            if not np.isfinite(out):
                raise fail(f"field {name} must be a finite number (got {value!r})")
            return out

        def numbers(name: str) -> dict[str, float]:
            given = raw.get(name) or {}
            if not isinstance(given, Mapping):
                raise fail(f"field {name} must map names to numbers (got {given!r})")
            return {str(k): number(v, f"{name}.{k}") for k, v in given.items()}

        def section(name: str) -> Mapping[str, Any]:
            given = raw.get(name) or {}
            if not isinstance(given, Mapping):
                raise fail(f"field {name} must be a mapping (got {given!r})")
            return given

        try:
            thresholds = np.asarray(raw["thresholds"], dtype=float)
            affinity = np.asarray(raw["affinity"], dtype=float)
            prior = np.asarray(raw.get("prior", [0.25] * N_STAGES), dtype=float)
        except KeyError as exc:
            raise fail(f"field {exc.args[0]!r} is missing") from None
        except (TypeError, ValueError) as exc:
            raise fail(f"numbers expected ({exc})") from None
        for name, values in (("thresholds", thresholds), ("affinity", affinity), ("prior", prior)):
            if not np.isfinite(values).all():
                raise fail(f"field {name} must hold finite numbers (it holds {values.tolist()!r})")
        if thresholds.ndim != 1 or len(thresholds) < 1 or np.any(np.diff(thresholds) <= 0):
            raise fail("field thresholds must be a strictly increasing list")
        if "categories" in raw and number(raw["categories"], "categories") != len(thresholds) + 1:
            raise fail("field categories must equal len(thresholds) + 1")
        if affinity.shape != (N_STAGES, N_STAGES):
            raise fail(f"field affinity must be a 4 x 4 matrix, got shape {affinity.shape}")
        if prior.shape != (N_STAGES,) or np.any(prior <= 0) or abs(prior.sum() - 1) > 1e-6:
            raise fail("field prior must be four positive probabilities summing to 1")
        between = section("between_stages")
        acquiescence = section("acquiescence")
        acq_sd = number(acquiescence.get("sd", 0.0), "acquiescence.sd")
        nodes = number(acquiescence.get("quadrature_nodes", 1), "acquiescence.quadrature_nodes")
        if acq_sd < 0 or not 1 <= nodes <= 41 or not nodes.is_integer():
            raise fail("field acquiescence needs sd >= 0 and a whole 1 <= quadrature_nodes <= 41")
        share = number(raw.get("min_answered_share", 0.60), "min_answered_share")
        if not 0 < share <= 1:
            raise fail("field min_answered_share must be in (0, 1]")
        temperature = number(raw.get("temperature", 1.0), "temperature")
        if not 0.05 <= temperature <= 20:
            raise fail("field temperature must lie between 0.05 and 20 (1 leaves probabilities as they are)")
        try:
            careless = CarelessRules.from_dict(raw.get("careless"))
        except (TypeError, ValueError, AttributeError) as exc:
            raise fail(f"field careless: {exc}") from None
        return cls(
            id=str(raw.get("id", "stage-ordinal")),
            version=str(raw.get("version", "0")),
            thresholds=thresholds,
            affinity=affinity,
            discrimination=numbers("discrimination"),
            prior=prior,
            item_offsets=numbers("item_offsets"),
            item_discrimination=numbers("item_discrimination"),
            acquiescence_sd=acq_sd,
            quadrature_nodes=int(nodes),
            min_top_probability=number(
                between.get("min_top_probability", 0.60), "between_stages.min_top_probability"
            ),
            min_top_gap=number(between.get("min_top_gap", 0.20), "between_stages.min_top_gap"),
            min_answered_share=share,
            careless=careless,
            temperature=temperature,
            method=str(raw.get("method", "ordinal-ideal-point-naive-bayes")),
            fit_report=dict(raw.get("fit_report") or {}),
        )

    def save(self, path: str | Path) -> None:
        """Write the model as YAML, atomically."""
        from allypath._files import atomic_write_text

        atomic_write_text(Path(path), yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True))


@lru_cache(maxsize=8)
def _load(resolved: str) -> StageModel:
    path = Path(resolved)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)  # noqa: S506 (safe)
    except FileNotFoundError:
        raise ConfigurationError(f"scoring model {path}: no such file") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"scoring model {path}: not valid YAML ({exc})") from None
    except RecursionError:
        raise ConfigurationError(f"scoring model {path}: is nested too deeply to be a model file") from None
    if not isinstance(raw, dict):
        raise ConfigurationError(f"scoring model {path}: the file must hold a YAML mapping")
    return StageModel.from_dict(raw, source=str(path))


def load_stage_model(path: str | Path | None = None) -> StageModel:
    """The scoring model at ``path``, or the packaged default."""
    if not path:
        return _load(packaged_path(DEFAULT_MODEL))
    return _load(str(Path(path).resolve()))

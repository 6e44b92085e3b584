"""The types of what moves men between stages: factors (barriers, norms, enablers), interventions,
HR's diagnostic questions and turning points. The data lives in :mod:`.barriers`, :mod:`.enablers` and
:mod:`.interventions`; :mod:`.factors` gathers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from allypath.model.text import Text

__all__ = [
    "ALL_STAGES",
    "FACTOR_KINDS",
    "RESEARCH_ENABLERS",
    "DiagnosticQuestion",
    "Factor",
    "Intervention",
    "TurningPoint",
    "text",
]

FACTOR_KINDS = ("barrier", "norm", "enabler")
# The four enablers the research says HR can lead; an intervention may put one of them into practice.
RESEARCH_ENABLERS = ("scenario_training", "ally_circles", "leadership_visibility", "recognition")
ALL_STAGES = (1, 2, 3, 4)


def text(*, en: str, fr: str, ar: str) -> Text:
    return Text({"en": en, "fr": fr, "ar": ar})


@dataclass(frozen=True, slots=True)
class Factor:
    """A barrier, norm or enabler, measured by the instrument construct ``construct``.

    For barriers and norms a higher construct score means a stronger obstacle, except
    ``low_policy_awareness``, whose construct (``knowledge_claimed``) is a barrier when LOW.
    """

    key: str
    kind: str
    construct: str
    label: Text
    description: Text
    personal_tips: tuple[Text, ...]
    interventions: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.kind not in FACTOR_KINDS:
            raise ValueError(f"factor {self.key!r}: kind must be one of {FACTOR_KINDS}, got {self.kind!r}")


@dataclass(frozen=True, slots=True)
class Intervention:
    """Something HR can offer; ``stages`` are the stages it suits best."""

    key: str
    label: Text
    description: Text
    stages: tuple[int, ...]
    enabler: str | None = None

    def __post_init__(self) -> None:
        if not self.stages or not set(self.stages) <= set(ALL_STAGES):
            raise ValueError(f"intervention {self.key!r}: stages must be within 1-4, got {self.stages}")
        if self.enabler is not None and self.enabler not in RESEARCH_ENABLERS:
            raise ValueError(
                f"intervention {self.key!r}: enabler must be one of {RESEARCH_ENABLERS} or None, "
                f"got {self.enabler!r}"
            )


@dataclass(frozen=True, slots=True)
class DiagnosticQuestion:
    """One of HR's diagnostic questions, answered by the scores of ``constructs``."""

    key: str
    text: Text
    constructs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TurningPoint:
    """A personal experience that often moves men towards allyship."""

    key: str
    label: Text

"""The English names the board report and the console show for stages, factors and interventions.

One place for them, so the report, the dashboard pages and the API name things alike. They come from
the model (:mod:`allypath.model`), never from query keys.
"""

from __future__ import annotations

from allypath.model import FACTORS, INTERVENTIONS, STAGES

__all__ = [
    "ANSWER_WORDS",
    "EVERYONE_LABEL",
    "FACTOR_LABELS",
    "INTERVENTION_LABELS",
    "INTERVENTION_TEXT",
    "STAGE_NAMES",
]

STAGE_NAMES = tuple(s.short_label.get_lang("en") for s in STAGES)
FACTOR_LABELS = {f.key: f.label.get_lang("en") for f in FACTORS}
INTERVENTION_LABELS = {i.key: i.label.get_lang("en") for i in INTERVENTIONS}
INTERVENTION_TEXT = {i.key: i.description.get_lang("en") for i in INTERVENTIONS}
ANSWER_WORDS = {"yes": "Yes", "partly": "Partly", "no": "No", "unknown": "Not known"}
EVERYONE_LABEL = "Everyone"

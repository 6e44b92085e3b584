"""Helpers for the io tests: a small two-language instrument built from the real definition types.

This folder has no ``__init__.py`` and no ``conftest.py`` on purpose: a package named ``io`` would
shadow the standard library's ``io`` under pytest's default import mode, and a second
``conftest.py`` would clash with ``tests/conftest.py`` by module name. Test modules here are named
``test_io_*`` so that their bare module names stay unique.
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path

from allypath.instrument.definition import Construct, Instrument, Item, Option, Scale
from allypath.model.text import Text

AGREE_EN = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
AGREE_FR = [
    "Pas du tout d'accord",
    "Pas d'accord",
    "Ni d'accord ni pas d'accord",
    "D'accord",
    "Tout à fait d'accord",
]


def _t(en: str, fr: str) -> Text:
    return Text({"en": en, "fr": fr})


@cache
def build_instrument() -> Instrument:
    agree = Scale(
        key="agree5",
        min=1,
        max=5,
        anchors={i + 1: _t(en, fr) for i, (en, fr) in enumerate(zip(AGREE_EN, AGREE_FR, strict=True))},
    )

    def likert(item_id: str, construct: str, stage: int, en: str, fr: str, **kw: object) -> Item:
        return Item(
            id=item_id,
            construct=construct,
            kind="stage",
            type="likert",
            text=_t(en, fr),
            scale=agree,
            stage=stage,
            **kw,  # type: ignore[arg-type]
        )

    apathy = Construct(
        id="stage_apathy",
        kind="stage",
        stage=1,
        label=_t("Apathy", "Apathie"),
        items=(
            likert(
                "ap01",
                "stage_apathy",
                1,
                "Gender equity at work is mostly a matter for women.",
                "L'égalité entre les femmes et les hommes au travail concerne surtout les femmes.",
                short=True,
            ),
            likert(
                "ap02",
                "stage_apathy",
                1,
                "I do not see why men should take part in gender equity initiatives.",
                "Je ne vois pas pourquoi les hommes participeraient aux initiatives d'égalité.",
            ),
        ),
    )
    energised = Construct(
        id="stage_energised",
        kind="stage",
        stage=4,
        label=_t("Energised and motivated", "Énergique et motivé"),
        items=(
            likert(
                "en01",
                "stage_energised",
                4,
                "I speak up when a female colleague is interrupted in a meeting.",
                "Je prends la parole quand une collègue est interrompue en réunion.",
                reverse=False,
            ),
            likert(
                "en02",
                "stage_energised",
                4,
                "I rarely think about how meetings could be fairer to women.",
                "Je pense rarement à rendre les réunions plus équitables pour les femmes.",
                reverse=True,
            ),
        ),
    )
    self_placement = Construct(
        id="self_placement",
        kind="self_placement",
        label=_t("Self placement", "Auto-positionnement"),
        items=(
            Item(
                id="sp1",
                construct="self_placement",
                kind="self_placement",
                type="single",
                text=_t("Which statement describes you best?", "Quelle phrase vous décrit le mieux ?"),
                options=tuple(
                    Option(text=_t(en, fr), value=v)
                    for v, en, fr in [
                        (1, "It is not my concern", "Ce n'est pas mon affaire"),
                        (2, "I am unsure what my role is", "Je ne sais pas quel est mon rôle"),
                        (3, "I am looking for ways to help", "Je cherche comment aider"),
                        (4, "I actively support colleagues", "Je soutiens activement mes collègues"),
                    ]
                ),
            ),
        ),
    )
    knowledge = Construct(
        id="knowledge_check",
        kind="knowledge",
        label=_t("Policy awareness", "Connaissance des politiques"),
        items=(
            Item(
                id="kc",
                construct="knowledge_check",
                kind="knowledge",
                type="checklist",
                text=_t(
                    "Which of these policies does your company have?",
                    "Lesquelles de ces politiques votre entreprise a-t-elle ?",
                ),
                options=(
                    Option(
                        id="parental_leave",
                        text=_t("Parental leave policy", "Politique de congé parental"),
                        correct=True,
                    ),
                    Option(
                        id="flexible_work",
                        text=_t("Flexible work, paid or unpaid", "Travail flexible, payé ou non"),
                        correct=True,
                    ),
                    Option(
                        id="pay_gap",
                        text=_t("Gender pay gap report", "Rapport sur l'écart de rémunération"),
                        correct=False,
                    ),
                ),
            ),
        ),
    )
    open_text = Construct(
        id="open_text",
        kind="open_text",
        label=_t("Comments", "Commentaires"),
        items=(
            Item(
                id="ot1",
                construct="open_text",
                kind="open_text",
                type="text",
                text=_t(
                    "What would help you take part in allyship?",
                    "Qu'est-ce qui vous aiderait à vous engager comme allié ?",
                ),
            ),
        ),
    )
    return Instrument(
        id="allypath-test",
        version="0.0.1",
        languages=("en", "fr"),
        title=_t("Allyship test instrument", "Instrument de test"),
        scales={"agree5": agree},
        constructs=(apathy, energised, self_placement, knowledge, open_text),
    )


def write_qualtrics(path: Path, columns: list[tuple[str, str]], rows: list[list[str]]) -> Path:
    """A current Qualtrics export: names, question texts, ImportId JSON, then the rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in columns])
    writer.writerow([label for _, label in columns])
    writer.writerow([json.dumps({"ImportId": f"QID{i}"}) for i in range(len(columns))])
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


_POLICIES = "Lesquelles de ces politiques votre entreprise a-t-elle ?"
FRENCH_EXPORT_COLUMNS = [
    ("StartDate", "Date de début"),
    ("ResponseId", "ID de réponse"),
    ("RecipientEmail", "E-mail du destinataire"),
    ("Department", "Département"),
    ("Q1", "L'égalité entre les femmes et les hommes au travail concerne surtout les femmes."),
    ("Q2", "Je ne vois pas pourquoi les hommes participeraient aux initiatives d'égalité."),
    ("Q3_1", f"{_POLICIES} - Politique de congé parental"),
    ("Q3_2", f"{_POLICIES} - Travail flexible, payé ou non"),
    ("Q3_3", f"{_POLICIES} - Rapport sur l'écart de rémunération"),
    ("Q4", "Qu'est-ce qui vous aiderait à vous engager comme allié ?"),
    ("Q5", "Quelle phrase vous décrit le mieux ?"),
]  # fmt: skip
FRENCH_EXPORT_ROWS = [
    ["2024-03-01 10:00:00", "R_1", "a@example.org", "Ventes", "D'accord", "2", "1", "", "1",
     "Plus de temps", "3"],
    ["2024-03-01 11:00:00", "R_2", "", "R&D", "Pas du tout d'accord", "5", "", "1", "", "", "1"],
    ["2024-03-02 09:00:00", "R_3", "", "", "Ne sais pas", "", "", "", "", "", ""],
    ["2024-03-02 10:00:00", "R_4", "", "Ventes", "tout à fait d'accord", "3", "", "", "", "Rien", "4"],
]  # fmt: skip

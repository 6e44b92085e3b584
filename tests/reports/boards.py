"""The board report the report tests build: Northwind's by team (its frame: conftest's ``scored``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from allypath.privacy import PrivacyPolicy
from allypath.reports.board import Board, build_board
from allypath.reports.labels import board_subtitle, board_title


def board_of(scored: pd.DataFrame, language: str, **options: Any) -> Board:
    """Northwind's report by team in ``language``, dated 4 December 2026 (``options``: build_board's)."""
    import datetime as dt

    board = build_board(
        scored,
        "team",
        policy=PrivacyPolicy(k=5),
        title=board_title("Northwind", language),
        subtitle=board_subtitle("2026 Q1", None, language),
        by_label="unit",
        language=language,
        **options,
    )
    board.generated = dt.date(2026, 12, 4)
    return board

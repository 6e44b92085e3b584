"""The board report: where groups stand, what holds them back, what to do; as PDF, HTML, CSV and XLSX.

Everything comes from :mod:`allypath.analytics` as the organisation's release publishes it (the web
passes the organisation's release, the CLI solves one over the file's declared breakdowns), so a
hidden group carries its reason and no figure. Its rooms: the aggregate table in memory or with DuckDB
(:mod:`allypath.engines.aggregate`), the charts the console draws too
(:mod:`allypath.reports.board_charts`), the names of things (:mod:`allypath.reports.labels`) and the
report's words in its language (:mod:`allypath.reports.board_words`); this module gathers them into a
:class:`Board` and renders it.

Django-free: the web and the CLI both call it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from allypath._values import records
from allypath.analytics import PlanItem, action_plan, diagnostic_answers, policy_awareness
from allypath.analytics._gating import placed, view_release
from allypath.analytics.factors import LIKERT, chance_margin
from allypath.analytics.narrative import LANGUAGES, Summary, close_call, released_figures, summarise, verdict
from allypath.analytics.narrative import QUESTIONS as SUMMARY_QUESTIONS
from allypath.analytics.plan_words import decimal
from allypath.analytics.reason_words import reason_in
from allypath.engines.aggregate import (
    DECIMALS,
    FACTOR_COLUMNS,
    aggregate_duckdb,
    aggregate_table,
    by_list,
    finish_table,
)
from allypath.errors import DataError
from allypath.io.xlsx import FORMULA_TRIGGERS, write_xlsx
from allypath.model import FACTORS, INTERVENTIONS, STAGE_KEYS
from allypath.privacy import Breakdown, PrivacyPolicy, Release
from allypath.reports.board_charts import factor_chart, index_change_chart, stage_mix_chart, transition_chart
from allypath.reports.board_words import BOARD_WORDS, answer_words, board_words
from allypath.reports.labels import (
    BY_WORDS,
    COVER_WORDS,
    EVERYONE_LABEL,
    FACTOR_LABELS,
    INTERVENTION_LABELS,
    MONTHS,
    STAGE_NAMES,
    stage_names,
)
from allypath.reports.pdf import pdf_bytes

# The labels, charts, records and both aggregations are re-exported: the console and the CLI import
# them from here.
__all__ = [
    "FACTOR_LABELS",
    "FORMATS",
    "INTERVENTION_LABELS",
    "STAGE_NAMES",
    "Board",
    "aggregate_duckdb",
    "aggregate_table",
    "board_html",
    "board_pdf",
    "board_xlsx",
    "build_board",
    "factor_chart",
    "index_change_chart",
    "readable_table",
    "records",
    "refused_board",
    "stage_mix_chart",
    "table_csv",
    "table_xlsx",
    "transition_chart",
    "write_board",
]


def table_csv(table: pd.DataFrame) -> str:
    """The aggregate table as CSV: hidden values empty, text cells spreadsheet-safe."""
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(_csv_safe)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, na_rep="", float_format=f"%.{DECIMALS}f", lineterminator="\n")
    return buffer.getvalue()


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value  # shown as text by spreadsheets, never run as a formula (CWE-1236)
    return value


# --------------------------------------------------------------------------- the board report


@dataclass
class Board:
    """Everything the board report shows, already through the gate.

    ``table`` is :func:`aggregate_table`'s (first row overall); ``awareness`` the overall policy
    awareness row; ``diagnostics`` the three questions overall and per group; ``plan`` the proposed
    interventions per group; ``adopted`` the plan HR adopted (dicts with owner, due, status);
    ``band`` the non-response band row and ``rate`` the response rate (web only: they need the
    invited counts). ``summary`` is the selection's summary in words (:mod:`allypath.analytics.narrative`),
    the same the console's pages open with. Parts left ``None`` were not available (e.g. the DuckDB
    engine has no rows). ``language`` is the summary's: the whole report follows it (its words in
    :mod:`allypath.reports.labels` and :mod:`allypath.reports.board_words`, the plan's reasons).
    """

    title: str
    subtitle: str
    by: str
    policy: PrivacyPolicy
    table: pd.DataFrame
    by_label: str = ""
    awareness: dict[str, Any] | None = None
    diagnostics: pd.DataFrame | None = None
    plan: list[PlanItem] | None = None
    adopted: list[dict[str, Any]] = field(default_factory=list)
    band: dict[str, Any] | None = None
    rate: dict[str, Any] | None = None
    summary: Summary | None = None
    notes: list[str] = field(default_factory=list)
    declared: list[Breakdown] = field(default_factory=list)
    # whether any answer was checked against declared policies: without them the verified share is
    # "not checked", not a dash that would read as "too few answered"
    knowledge_checked: bool = True
    generated: dt.date = field(default_factory=dt.date.today)
    language: str = "en"


def build_board(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    title: str,
    subtitle: str = "",
    by_label: str = "",
    filters: Mapping[str, Hashable] | None = None,
    plan_limit: int = 3,
    previous: Hashable | None = None,
    language: str = "en",
    **extra: Any,
) -> Board:
    """Compute every part of the board report for ``scored`` by ``by``, as ``release`` publishes it.

    The summary compares the filters' wave with ``previous`` (a wave label; None: no comparison) and
    is written in ``language`` (en, fr or ar).
    """
    filters = dict(filters or {})
    columns = by_list(by)
    language = language if language in LANGUAGES else "en"
    if release is None:
        release = view_release(placed(scored), columns, filters, policy)
    table = aggregate_table(scored, columns, release=release, filters=filters)
    awareness = records(policy_awareness(scored, [], release=release, filters=filters))
    diagnostics = pd.concat(
        [
            diagnostic_answers(scored, [], release=release, filters=filters),
            diagnostic_answers(scored, columns, release=release, filters=filters),
        ],
        ignore_index=True,
    )
    plan = action_plan(scored, columns, release=release, filters=filters, limit=plan_limit, language=language)
    figures = released_figures(scored, release=release, filters=filters, previous=previous)
    summary = summarise(figures, language)
    return Board(
        title=title,
        subtitle=subtitle,
        by=" × ".join(columns),
        by_label=by_label or " × ".join(columns),
        policy=release.policy,
        table=table,
        awareness=awareness[0] if awareness else None,
        knowledge_checked=bool(
            "score_knowledge_check" in scored and scored["score_knowledge_check"].notna().any()
        ),
        diagnostics=diagnostics,
        plan=plan,
        summary=summary,
        language=summary.language,
        **extra,
    )


def refused_board(
    total: Mapping[str, Any],
    *,
    by: str,
    policy: PrivacyPolicy,
    title: str,
    subtitle: str = "",
    by_label: str = "",
    language: str = "en",
) -> Board:
    """The report of a selection the gate hides as a whole: its one row says why, nothing else shows.
    Its cover is in ``language``, as a shown selection's report is."""
    row = {"group": total["group"], by: "overall", "n": None, "split": ""}
    row.update(suppressed=total.get("reason") or "below_k", note=total.get("message") or "hidden")
    return Board(
        title=title,
        subtitle=subtitle,
        by=by,
        by_label=by_label or by,
        policy=policy,
        table=finish_table(pd.DataFrame([row]), [by]),
        notes=[board_words(language)["refused"]],
        language=language,
    )


#: A percentage's sign as each language writes it (French spaces it, as the summary does).
_PERCENT = {"fr": "\u00a0%"}


def _pct(value: Any, digits: int = 0, language: str = "en") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return decimal(float(value) * 100, language, digits) + _PERCENT.get(language, "%")


def _num(value: Any, digits: int = 2, language: str = "en") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return decimal(float(value), language, digits)


def _nobreak(value: str) -> Any:
    """``value`` escaped, each hyphenated word kept on one line ("always-available" is never split
    after its hyphen in a narrow table header)."""
    from markupsafe import Markup, escape

    words = [f'<span class="nowrap">{escape(w)}</span>' if "-" in w else escape(w) for w in value.split()]
    return Markup(" ".join(words))  # noqa: S704 - every word escaped above


def _css_string(value: str) -> Any:
    from markupsafe import Markup

    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
    return Markup(f'"{text}"')  # noqa: S704 - escaped for a CSS string above


def _group_answers(row: Mapping[str, Any], language: str = "en") -> list[str]:
    """A group's answers to the three questions from its published factor means, by the summary's
    rule, on the means as the table writes them (one decimal); "too close to call" where the means'
    margin for the group's published size could change the answer (as the summary says it), in
    ``language``."""
    means = {key: None if row.get(key) is None else float(f"{float(row[key]):.1f}") for key in FACTOR_COLUMNS}
    margin = _margin(row)
    answers = answer_words(language)
    return [
        answers["close" if close_call(q, means, margin) else verdict(q, means)] for q in SUMMARY_QUESTIONS
    ]


def _margin(row: Mapping[str, Any]) -> float | None:
    """How far the row's means may move by chance (None when hidden): the table's ``margin``, the
    widest of them, each from the number of men it is over; a table without one, from the size."""
    if row.get("suppressed"):
        return None
    if "margin" in row:
        margin = row["margin"]
        return None if margin is None or margin != margin else float(margin)
    n = row.get("n")
    return None if n is None else chance_margin(float(n), LIKERT)


def _margin_note(rows: Sequence[Mapping[str, Any]], language: str = "en") -> str:
    """The tables' means with their margins in words: everyone's, and the smallest shown group's."""
    found = [(row["label"], row["n"], m) for row in rows if (m := _margin(row)) is not None]
    if not found:
        return ""
    words = board_words(language)
    label, n, margin = found[0]
    name = words["everyone_in"] if label == words["everyone"] else label
    listed = words["margin_for"].format(margin=decimal(margin, language), name=name, n=n)
    small = max(found[1:], key=lambda f: (f[2], -f[1]), default=None)
    if small is not None and small[2] != margin:
        listed += words["margin_widest"].format(margin=decimal(small[2], language), name=small[0], n=small[1])
    return words["margin_note"].format(listed=listed)


def _by_columns(table: pd.DataFrame) -> list[str]:
    """The breakdown's columns of an aggregate table (between ``group`` and ``n``)."""
    columns = list(table.columns)
    return columns[1 : columns.index("n")] if "n" in columns else []


def _human(row: Mapping[str, Any], by: Sequence[str], everyone: str = EVERYONE_LABEL) -> str:
    """A row's name in plain words: the overall row is "Everyone" (``everyone``: the report's
    language's word), a group its values of the breakdown ("Ops/EMEA", "Ops/EMEA, Staff"): the wave
    and the filters are in the subtitle."""
    values = [str(row[c]) for c in by if row.get(c) not in (None, "")]
    if not values or all(v == "overall" for v in values):
        return everyone
    return ", ".join(values)


def _date(day: dt.date, language: str = "en") -> str:
    """A date as people write it: 4 December 2026 (4 décembre 2026)."""
    month = MONTHS[language][day.month - 1] if language in MONTHS else f"{day:%B}"
    return f"{day.day} {month} {day.year}"


def _cover(board: Board) -> dict[str, Any]:
    """The cover's and the first pages' words in the report's language. The title and subtitle are
    the caller's, already in that language (:func:`~allypath.reports.labels.board_title`)."""
    language = board.language if board.language in COVER_WORDS else "en"
    words = COVER_WORDS[language]
    return {
        "language": language,
        "direction": "rtl" if language == "ar" else "ltr",
        "words": words,
        "title": board.title,
        "subtitle": board.subtitle,
        "by": BY_WORDS.get(language, {}).get(board.by_label, board.by_label),
        "stages": stage_names(language),
    }


def _key_message(summary: Summary | None) -> dict[str, Any] | None:
    """The cover's key message, from the summary (the same released figures, the same words):
    where the men are, the three answers, what to do first."""
    if summary is None:
        return None
    if summary.hidden:
        return {"lines": [summary.hidden], "answers": [], "actions": [], "summary": summary}
    return {
        # how many answered, the largest stage and its verdict ("clearly the largest", or which stages
        # are too close to tell apart): the cover never names a largest stage without saying how sure
        "lines": list(summary.where[:3]),
        "answers": list(summary.answers),
        "actions": list(summary.actions),
        "summary": summary,
    }


def board_html(board: Board) -> str:
    """The report as one self-contained HTML page (charts inline as SVG, print styles for the PDF).

    Printed (the PDF): a cover with the key message, the summary, then the figures; every page
    numbered; tables split so that each fits a portrait page with every column; groups named in
    plain words (never ``unit=...``). Every word is in the report's language, numbers too (3,8 in
    French and Arabic); an Arabic report reads right to left.
    """
    import jinja2

    cover = _cover(board)
    language = cover["language"]
    words = board_words(language)
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("allypath.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = functools.partial(_pct, language=language)
    env.filters["num"] = functools.partial(_num, language=language)
    env.filters["css_string"] = _css_string
    env.filters["nobreak"] = _nobreak
    # a published row's reason is in English words: said in the report's
    env.filters["reason"] = lambda text: reason_in(str(text or ""), language, board.policy)
    by = _by_columns(board.table)
    table = board.table.copy()
    table["label"] = [_human(row, by, words["everyone"]) for row in records(board.table)]
    table["note"] = [reason_in(str(note or ""), language, board.policy) for note in table["note"]]
    rows = records(table)
    names = {row["group"]: row["label"] for row in rows}
    hidden = [r for r in rows if r["suppressed"]]
    interventions = {i.key: i.label.get_lang(language) for i in INTERVENTIONS}
    texts = {i.key: i.description.get_lang(language) for i in INTERVENTIONS}
    plan: dict[str, list[tuple[PlanItem, str]]] = {}
    described: set[str] = set()  # each intervention explained once, where it first appears
    for item in board.plan or []:
        text = "" if item.intervention in described else texts.get(item.intervention, "")
        described.add(item.intervention)
        plan.setdefault(names.get(item.group, item.group), []).append((item, text))
    adopted = [
        {
            **a,
            "label": names.get(a["group"], a["group"]),
            "status": words.get(f"status_{a.get('status')}", a.get("status")),
        }
        for a in board.adopted
    ]
    group_answers = [(row, _group_answers(row, language)) for row in rows[1:]]
    kinds = {"barriers": ("barrier", "norm"), "enablers": ("enabler",)}
    factor_tables = [
        (name, [(f.key, f.label.get_lang(language)) for f in FACTORS if f.kind in wanted])
        for name, wanted in kinds.items()
    ]
    notes = [*board.notes, *_split_notes(rows, language), words["intervals_note"]]
    context = {
        "board": dataclasses.replace(board, notes=notes),
        "t": words,
        "overall": rows[0] if rows else None,
        "groups": rows[1:],
        "hidden": hidden,
        "stage_names": cover["stages"],
        "stage_keys": STAGE_KEYS,
        "factor_tables": factor_tables,
        "interventions": interventions,
        "plan": plan,
        "adopted": adopted,
        "questions": [(q.key, q.text(language)) for q in SUMMARY_QUESTIONS],
        "group_answers": group_answers,
        "key": _key_message(board.summary),
        "generated": _date(board.generated, language),
        "cover": cover,
        "margin_note": _margin_note(rows, language),
        "mix_chart": stage_mix_chart(
            table,
            title=cover["words"]["mix_title"].format(by=cover["by"]),
            label="label",
            names=cover["stages"],
            language=language,
        ),
        "barrier_chart": factor_chart(
            table, kinds=("barrier", "norm"), title=words["barriers_title"], label="label", language=language
        ),
        "enabler_chart": factor_chart(
            table, kinds=("enabler",), title=words["enablers_title"], label="label", language=language
        ),
        "reasons": sorted({(r["suppressed"], r["note"]) for r in hidden}),
    }
    return env.get_template("board.html").render(**context)


#: The methods note's "95% interval" in plain words (its paragraph names the interval only).
INTERVALS_NOTE = BOARD_WORDS["en"]["intervals_note"]


def _split_notes(rows: Sequence[Mapping[str, Any]], language: str = "en") -> list[str]:
    """What the report hides of the groups it shows: a group whose size is shown but whose stage
    split is hidden, or shown in two bands only, named with the reason (a hidden row says its own)."""
    words = board_words(language)
    found: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        if not row.get("suppressed") and row.get("split") in ("hidden", "bands"):
            found.setdefault((str(row["split"]), str(row.get("note") or "")), []).append(str(row["label"]))
    notes = []
    for (split, why), labels in found.items():
        names = (
            labels[0] if len(labels) == 1 else words["and_list"].join(labels[:-1]) + words["and"] + labels[-1]
        )
        what = words["split_hidden"] if split == "hidden" else words["split_bands"]
        names = names.replace(words["everyone"], words["everyone_in"])
        said = words["split_note_why"] if why else words["split_note"]
        notes.append(said.format(names=names, what=what, why=why))
    return notes


def board_pdf(board: Board) -> bytes:
    """The report as a tagged PDF (:func:`~allypath.reports.pdf.pdf_bytes`; the same HTML and SVG as
    :func:`board_html`, a chart whose text needs shaping, as Arabic does, drawn as an image:
    :func:`~allypath.reports.charts.printable`)."""
    return pdf_bytes(board_html(board))


def table_xlsx(table: pd.DataFrame, path: str | Path, *, sheet: str = "aggregates") -> Path:
    """The aggregate table as a one-sheet workbook (formula-injection safe, see :func:`write_xlsx`)."""
    return write_xlsx(table, path, sheet=sheet)


#: The workbook's "Read me" sheet: how to read its columns, in the words of the report.
WORKBOOK_NOTES = (
    ("Group", "Everyone is the whole selection; each row after it is one group."),
    (
        "Why hidden",
        "A group whose figures could single someone out is hidden (fewer men than the minimum group "
        "size, or figures that could be worked out from others); its row says why.",
    ),
    ("Stage split", "How much of the split between the four stages is shown for the group."),
    (
        "share (%)",
        "The share of the group's men placed at the stage. A group's answers are a sample of the men it "
        "stands for: the real share likely lies between 'likely at least' and 'likely at most' (95%).",
    ),
    (
        "share counting each man's chance of each stage (%)",
        "The same share, counting how sure each man's placement is; close to the share when placements "
        "are sure.",
    ),
    (
        "(average, 1 to 5)",
        "Average agreement from 1 (strongly disagree) to 5 (strongly agree). For barriers and norms, "
        "higher is a stronger obstacle (low awareness of policies reads the same way); for enablers, "
        "higher means more in place. From 3.5 a barrier counts as strong and an enabler as in place.",
    ),
    (
        "Averages could be off by chance by up to",
        "How far the group's averages could be off by chance alone, judged from how many men answered: "
        "the real margin is usually smaller.",
    ),
    ("Numbers", "Shown rounded; each cell keeps every digit (select it to see them)."),
)


def board_xlsx(table: pd.DataFrame, path: str | Path) -> Path:
    """The workbook HR downloads: :func:`readable_table` (names in words, shares in %), shown to one
    decimal, with a "Read me" sheet saying how to read each kind of column (:data:`WORKBOOK_NOTES`).
    The same from the console and from ``allypath report --out x.xlsx``."""
    readable = readable_table(table)
    one_decimal = [
        str(c) for c in readable.columns if str(c).endswith(("(%)", "(average, 1 to 5)", "(1 to 5 scale)"))
    ]
    return write_xlsx(
        readable,
        path,
        sheet="Board report",
        number_formats=dict.fromkeys(one_decimal, "0.0"),
        notes=WORKBOOK_NOTES,
    )


_SPLITS = {"stages": "all four stages", "bands": "two bands only", "hidden": "not shown", "": ""}


def readable_table(table: pd.DataFrame) -> pd.DataFrame:
    """The aggregate table as people read it (the workbook HR downloads): column names in words,
    shares as percentages, no codes. The CSV keeps the keys and fractions of the API, for analysts."""
    names = {"group": "Group", "n": "Respondents", "note": "Why hidden", "split": "Stage split"}
    by = _by_columns(table)
    for column in by:
        names[column] = {"level": "Level", "region": "Region", "unit": "Unit"}.get(column, "Sub-unit")
    bands = {"early": "Apathy or Ambivalence", "late": "Reflective or Energised"}
    percent: list[str] = []  # the shares and their bounds (fractions in the table)
    for key, stage in [*zip(STAGE_KEYS, STAGE_NAMES, strict=True), *bands.items()]:
        percent += [f"{part}_{key}" for part in ("share", "low", "high", "expected")]
        names[f"share_{key}"] = f"{stage}: share (%)"
        names[f"low_{key}"] = f"{stage}: likely at least (%)"
        names[f"high_{key}"] = f"{stage}: likely at most (%)"
        names[f"expected_{key}"] = f"{stage}: share counting each man's chance of each stage (%)"
    names.update({key: f"{label} (average, 1 to 5)" for key, label in FACTOR_LABELS.items()})
    names["margin"] = "Averages could be off by chance by up to (1 to 5 scale)"
    out = table.copy()
    # named, not matched by prefix: a factor's key may start the same way (``low_policy_awareness``
    # is an average on the 1-5 scale)
    for column in out.columns:
        if column in percent:
            out[column] = (pd.to_numeric(out[column], errors="coerce") * 100).round(1)
    for column in by:
        out[column] = out[column].replace("overall", EVERYONE_LABEL)
    out["split"] = out["split"].fillna("").map(lambda v: _SPLITS.get(str(v), str(v)))
    out = out.drop(columns=["suppressed"])  # its reason in words is "Why hidden"
    return out.rename(columns=names)


FORMATS = ("pdf", "html", "csv", "xlsx")


def write_board(board: Board, path: str | Path) -> Path:
    """Write the report in the format named by ``path``'s suffix: .pdf, .html, .csv or .xlsx."""
    target = Path(path)
    kind = target.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise DataError(
            f"cannot write a report as {target.suffix!r}; use .pdf, .html, .csv or .xlsx", file=str(path)
        )
    if kind == "xlsx":
        return board_xlsx(board.table, target)
    if kind == "pdf":
        target.write_bytes(board_pdf(board))
    else:
        text = table_csv(board.table) if kind == "csv" else board_html(board)
        target.write_text(text, encoding="utf-8")
    return target

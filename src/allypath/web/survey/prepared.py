"""Look-ups of the survey path written once per process, not built by the ORM on every request.

A survey page or a submission looks up the same few rows by key on every request. Building those
queries with the ORM (query objects, select_related, ordering, compiling to SQL) cost more than running
them: about 1 ms of a 2.3 ms page (benchmarks/profile_survey_path.py). Here the SQL of each look-up is
written once per process and database vendor from the models' own metadata (tables, columns, the
backend's quoting and value converters), and the rows become model instances with
:meth:`Model.from_db`, exactly as the ORM makes them: same fields, same converted values, instances
marked as loaded from the database, related objects cached as ``select_related`` caches them.

Only whole-row SELECTs by key live here; anything that writes goes through the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

__all__ = ["Columns", "columns", "fetch_one", "instance", "join", "once", "values"]

T = TypeVar("T")
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True)
class Columns:
    """One model's concrete columns under a table alias, with what turns each raw value into the
    field's Python value on this database."""

    model: type[Model]
    alias: str
    sql: str  # "alias"."col", ... in field order
    attnames: tuple[str, ...]
    converters: tuple[tuple[tuple[Converter, ...], Any], ...]  # per column: (converters, expression)
    table: str  # the quoted table name

    @property
    def width(self) -> int:
        return len(self.attnames)

    def column(self, name: str, using: str = "default") -> str:
        """The quoted ``alias.column`` of the field ``name``."""
        quote = connections[using].ops.quote_name
        field = self.model._meta.get_field(name)
        assert isinstance(field, Field)
        return f"{quote(self.alias)}.{quote(str(field.column))}"


def join(child: Columns, foreign_key: str, parent: Columns) -> str:
    """The ON condition of ``child``'s foreign key ``foreign_key`` to ``parent``'s primary key."""
    assert parent.model._meta.pk is not None
    return f"{child.column(foreign_key)} = {parent.column(parent.model._meta.pk.name)}"


_COLUMNS: dict[tuple[str, type[Model], str], Columns] = {}


def columns(model: type[Model], alias: str, only: tuple[str, ...] = (), using: str = "default") -> Columns:
    """``model``'s columns (all, or the fields ``only``) under ``alias`` for the database ``using``
    (cached per process)."""
    connection = connections[using]
    key = (connection.vendor + ":" + using, model, alias + ":" + ",".join(only))
    found = _COLUMNS.get(key)
    if found is not None:
        return found
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not only or f.name in only or f.attname in only]
    converters = []
    for field in fields:
        col = field.get_col(alias)
        chain = tuple(connection.ops.get_db_converters(col)) + tuple(col.get_db_converters(connection))
        converters.append((chain, col))
    made = Columns(
        model=model,
        alias=alias,
        sql=", ".join(f"{quote(alias)}.{quote(str(field.column))}" for field in fields),
        attnames=tuple(field.attname for field in fields),
        converters=tuple(converters),
        table=f"{quote(model._meta.db_table)} {quote(alias)}",
    )
    _COLUMNS[key] = made
    return made


def values(cols: Columns, row: Sequence[Any], start: int = 0, using: str = "default") -> list[Any]:
    """The Python values of ``row[start : start + cols.width]``, converted as the ORM converts them."""
    connection = connections[using]
    out = []
    for offset, (chain, expression) in enumerate(cols.converters):
        value = row[start + offset]
        for convert in chain:
            value = convert(value, expression, connection)
        out.append(value)
    return out


def instance(cols: Columns, row: Sequence[Any], start: int = 0, using: str = "default") -> Any:
    """The instance of ``cols.model`` from ``row[start : start + cols.width]``, as the ORM makes it
    (fields not among the columns are deferred)."""
    return cols.model.from_db(using, list(cols.attnames), values(cols, row, start, using))


_WRITTEN: dict[tuple[str, str], Any] = {}


def once(name: str, build: Callable[[], T], using: str = "default") -> T:
    """What ``build`` returns (a look-up's SQL), built once per process and database vendor."""
    key = (connections[using].vendor, name)
    if key not in _WRITTEN:
        _WRITTEN[key] = build()
    return _WRITTEN[key]


def fetch_one(sql: str, params: Sequence[Any], using: str = "default") -> tuple[Any, ...] | None:
    """The first row of ``sql`` with ``params`` (placeholders ``%s``), or None."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row) if row is not None else None

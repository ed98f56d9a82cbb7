"""Fast bulk inserts for generated or imported rows (one prepared statement, many rows).

peewee builds one SQL text per `insert_many`, which costs more than SQLite's own work for
hundreds of thousands of rows; `executemany` reuses a single prepared statement instead.
`insert_rows` takes values already as the column stores them (each field's `db_value`);
`insert_records` takes what `Model.create` takes and stores exactly what it would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from peewee import Field, Model

_NO_DEFAULT = object()


def insert_rows(model: type[Model], fields: Sequence[Field], rows: Iterable[Sequence[Any]]) -> None:
    database = model._meta.database
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([database.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    cursor = database.cursor()
    cursor.executemany(sql, rows)


def defaults_row(fields: Sequence[Field]) -> list[Any]:
    """A row of `fields` as `Model.create` stores them when not given: each default (a callable
    one called now), else NULL, as the column stores it. A time is given as the text sqlite3
    makes of it (what it stores), once, not adapted again for each of 100,000 rows."""
    row: list[Any] = []
    for f in fields:
        default = f.default() if callable(f.default) else f.default
        value = None if default is None else f.db_value(default)
        row.append(value.isoformat(sep=" ") if isinstance(value, datetime) else value)
    return row


def create_rows(fields: Sequence[Field], records: Iterable[Mapping[str, Any]]) -> Iterator[list[Any]]:
    """What `Model.create(**record)` stores for each record (keys: field or column names, "town"
    or "town_id"), as rows of `fields` for `insert_rows`: a column left out gets its default
    (`defaults_row`: a time is this call's, the same for every record), each value its `db_value`."""
    template = defaults_row(fields)
    where: dict[str, tuple[int, Callable[[Any], Any]]] = {}
    for i, f in enumerate(fields):
        where[f.name] = where[f.column_name] = (i, f.db_value)
    for record in records:
        row = template.copy()
        for key, value in record.items():
            i, convert = where[key]
            row[i] = convert(value)
        yield row


def insert_records(model: type[Model], records: Iterable[Mapping[str, Any]]) -> None:
    """Insert each record (field or column name → Python value) as `model.create(**record)` would.

    As there, a field the record leaves out gets the model's default (a callable one called per
    record), any other is NULL, and every value goes through its field's `db_value`.
    """
    meta = model._meta
    fields = [f for f in meta.sorted_fields if f is not meta.primary_key]
    name_of = {key: field.name for key, field in meta.combined.items()}  # "town_id" → "town"
    defaults = {field.name: default for field, default in meta.defaults.items()}
    # Records of one caller share their keys: work out once per set of keys where each value
    # goes, so that a row is a copy of the constant defaults plus the record's own values.
    layouts: dict[tuple[str, ...], _Layout] = {}

    def layout_of(keys: tuple[str, ...]) -> _Layout:
        given = {name_of[k]: k for k in keys}
        template: list[Any] = []
        own, computed = [], []
        for i, f in enumerate(fields):
            default = defaults.get(f.name, _NO_DEFAULT)
            if f.name in given:
                own.append((i, given[f.name], f.db_value))
            elif callable(default):
                computed.append((i, default, f.db_value))
            template.append(None if default is _NO_DEFAULT or callable(default) else f.db_value(default))
        return template, own, computed

    def row(record: Mapping[str, Any]) -> list[Any]:
        keys = tuple(record)
        layout = layouts.get(keys)
        if layout is None:
            layout = layouts[keys] = layout_of(keys)
        template, own, computed = layout
        out = template.copy()
        for i, key, convert in own:
            out[i] = convert(record[key])
        for i, default, convert in computed:
            out[i] = convert(default())
        return out

    insert_rows(model, fields, (row(r) for r in records))


# (row of the constant defaults, (position, key, db_value) of given values, (position, default, db_value) of callables)
_Layout = tuple[
    list[Any], list[tuple[int, str, Callable[[Any], Any]]], list[tuple[int, Callable[[], Any], Callable[[Any], Any]]]
]

"""Fast bulk inserts for generated or imported rows (one prepared statement, many rows).

peewee builds one SQL text per `insert_many`, which costs more than SQLite's own work for
hundreds of thousands of rows; `executemany` reuses a single prepared statement instead.
`insert_rows` takes values already as the column stores them (each field's `db_value`);
`insert_records` takes what `Model.create` takes and stores exactly what it would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from peewee import Field, Model, SqliteDatabase

from db.models import database_proxy

_NO_DEFAULT = object()


def insert_rows(model: type[Model], fields: Sequence[Field], rows: Iterable[Sequence[Any]]) -> None:
    database = model._meta.database
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([database.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    cursor = database.cursor()
    cursor.executemany(sql, rows)


def insert_records(model: type[Model], records: Iterable[Mapping[str, Any]]) -> None:
    """Insert each record (field or column name → Python value) as `model.create(**record)` would.

    As there, a field the record leaves out gets the model's default (a callable one called per
    record), any other is NULL, and every value goes through its field's `db_value`.
    """
    meta = model._meta
    fields = [f for f in meta.sorted_fields if f is not meta.primary_key]
    name_of = {key: field.name for key, field in meta.combined.items()}  # "town_id" → "town"
    defaults = {field.name: default for field, default in meta.defaults.items()}
    columns = [(f.name, f.db_value, defaults.get(f.name, _NO_DEFAULT)) for f in fields]
    # Records of one caller share their keys; work out once per set of keys where each value goes.
    layouts: dict[tuple[str, ...], list[tuple[str | None, Callable[[Any], Any], Any]]] = {}

    def row(record: Mapping[str, Any]) -> list[Any]:
        keys = tuple(record)
        layout = layouts.get(keys)
        if layout is None:
            given = {name_of[k]: k for k in keys}
            layout = layouts[keys] = [(given.get(name), convert, default) for name, convert, default in columns]
        out = []
        for key, convert, default in layout:
            if key is not None:
                out.append(convert(record[key]))
            elif default is _NO_DEFAULT:
                out.append(None)
            else:
                out.append(convert(default() if callable(default) else default))
        return out

    insert_rows(model, fields, (row(r) for r in records))


@contextmanager
def roomy_page_cache(megabytes: int = 64) -> Iterator[None]:
    """A larger SQLite page cache for this connection while bulk-inserting, the old size restored after.

    With the default 2 MB, inserting 100,000 firms with their months and audit entries pushes
    index pages out to the WAL and reads them back, which made the inserts about twice as slow.
    The cache only grows as pages are used, so small imports cost no more memory.
    """
    database = database_proxy.obj
    if not isinstance(database, SqliteDatabase):
        yield
        return
    (before,) = database.execute_sql("PRAGMA cache_size").fetchone()
    database.execute_sql(f"PRAGMA cache_size = {-megabytes * 1024}")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA cache_size = {int(before)}")

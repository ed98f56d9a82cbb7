"""Fast bulk inserts for generated or imported rows (one prepared statement, many rows).

peewee builds one SQL text per `insert_many`, which costs more than SQLite's own work for
hundreds of thousands of rows; `executemany` reuses a single prepared statement instead.
Values must already be what the column stores (use each field's `db_value`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from peewee import Field, Model


def insert_rows(model: type[Model], fields: Sequence[Field], rows: Iterable[Sequence[Any]]) -> None:
    database = model._meta.database
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([database.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    cursor = database.cursor()
    cursor.executemany(sql, rows)

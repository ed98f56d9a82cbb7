"""Whole-row snapshots, so an undo can put a row back exactly as it was (every column, version and
timestamps included), not just the fields a clerk sees."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from peewee import Model


def snapshot_rows(model: type[Model], ids: Iterable[int]) -> dict[int, str]:
    """{id: JSON of the row's stored column values} for the given ids."""
    ids = list(ids)
    if not ids:
        return {}
    database = model._meta.database
    table = model._meta.table_name
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join([database.param] * len(chunk))
        cursor = database.execute_sql(f'SELECT * FROM "{table}" WHERE id IN ({marks})', chunk)
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            record = dict(zip(names, row, strict=True))
            out[int(record["id"])] = json.dumps(record, ensure_ascii=False, default=str)
    return out


def restore_row(model: type[Model], snapshot: str) -> None:
    """Write every column of a snapshot back over the row with its id."""
    record: dict[str, Any] = json.loads(snapshot)
    database = model._meta.database
    row_id = record.pop("id")
    assignments = ", ".join(f'"{name}" = {database.param}' for name in record)
    database.execute_sql(
        f'UPDATE "{model._meta.table_name}" SET {assignments} WHERE id = {database.param}', [*record.values(), row_id]
    )

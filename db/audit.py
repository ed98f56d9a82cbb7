"""The audit trail: who changed which field of which record, when, from what to what."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from db.bulk import insert_records, insert_rows
from db.models import AuditEntry, ImportBatch

Change = tuple[str | None, Any, Any]  # (field, old, new)
# json.dumps(…, ensure_ascii=False) builds an encoder per call; an import writes 300,000 snapshots.
_JSON = json.JSONEncoder(ensure_ascii=False)


def snapshot_text(fields: dict[str, Any]) -> str:
    """How a 新增 entry stores the new record's fields: JSON, Chinese kept readable."""
    return _JSON.encode(fields)


def entries(
    entity: str,
    entity_id: int,
    action: str,
    actor: str,
    changes: Iterable[Change] = ((None, None, None),),
    batch: ImportBatch | None = None,
) -> list[dict[str, Any]]:
    """The entries `record` appends: one per (field, old, new), values as their text."""
    return [
        {
            "actor": actor,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "field": field,
            "old_value": None if old is None else str(old),
            "new_value": None if new is None else str(new),
            "batch": batch,
        }
        for field, old, new in changes
    ]


def record(
    entity: str,
    entity_id: int,
    action: str,
    actor: str,
    changes: Iterable[Change] = ((None, None, None),),
    batch: ImportBatch | None = None,
) -> None:
    """Append one entry per (field, old, new); values are stored as their text."""
    rows = entries(entity, entity_id, action, actor, changes, batch)
    if rows:
        AuditEntry.insert_many(rows).execute()


def record_many(rows: Iterable[dict[str, Any]]) -> None:
    """Append many `entries` at once (an import's thousands), stored as `record` stores them."""
    insert_records(AuditEntry, rows)


_SNAPSHOT_FIELDS = (
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.entity,
    AuditEntry.entity_id,
    AuditEntry.action,
    AuditEntry.new_value,
    AuditEntry.batch,
)


def record_snapshots(
    entity: str, action: str, actor: str, snapshots: Iterable[tuple[int, str]], batch: ImportBatch | None = None
) -> None:
    """Append one entry per (record id, snapshot text), as `record_many(entries(entity, id, action, actor,
    [(None, None, text)], batch))` would, but as plain rows of one time: an import's 100,000 new firms
    and 200,000 new months are one entry each, and building a record per entry cost more than storing it."""
    # the time as the text sqlite3 makes of a datetime, made once instead of per row (PostgreSQL reads it too)
    fixed = (datetime.now().isoformat(sep=" "), actor, entity)
    batch_id = None if batch is None else batch.id
    insert_rows(AuditEntry, _SNAPSHOT_FIELDS, ((*fixed, i, action, text, batch_id) for i, text in snapshots))


def history(entity: str, entity_id: int) -> list[AuditEntry]:
    """Entries for one record, newest first."""
    return list(
        AuditEntry.select()
        .where((AuditEntry.entity == entity) & (AuditEntry.entity_id == entity_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )

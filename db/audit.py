"""The audit trail: who changed which field of which record, when, from what to what."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from db.bulk import insert_records
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


def history(entity: str, entity_id: int) -> list[AuditEntry]:
    """Entries for one record, newest first."""
    return list(
        AuditEntry.select()
        .where((AuditEntry.entity == entity) & (AuditEntry.entity_id == entity_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )

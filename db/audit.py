"""The audit trail: who changed which field of which record, when, from what to what."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from db.models import AuditEntry, ImportBatch


def record(
    entity: str,
    entity_id: int,
    action: str,
    actor: str,
    changes: Iterable[tuple[str | None, Any, Any]] = ((None, None, None),),
    batch: ImportBatch | None = None,
) -> None:
    """Append one entry per (field, old, new); values are stored as their text."""
    rows = [
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
    if rows:
        AuditEntry.insert_many(rows).execute()


def history(entity: str, entity_id: int) -> list[AuditEntry]:
    """Entries for one record, newest first."""
    return list(
        AuditEntry.select()
        .where((AuditEntry.entity == entity) & (AuditEntry.entity_id == entity_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )

"""Undoing an import batch: its new firms and months removed, the values it changed put back.

Kept apart from `importer`, which reads and stores files; `importer.undo_import` is this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from db import audit
from db.models import AuditEntry, CultivationEntry, Firm, ImportBatch, MonthlyFigure, database_proxy
from db.snapshots import restore_row, snapshot_rows
from desktop import cultivation, figures, registry
from desktop.errors import PeiyuError


def undo_import(batch_id: int, *, actor: str) -> dict[str, int]:
    """Restore exactly the state before a batch: its new firms and months removed, changed values put back.

    Refused when a record the batch touched was changed again afterwards, since putting the old
    value back would silently throw that later change away.
    """
    batch = ImportBatch.get_or_none(ImportBatch.id == batch_id)
    if batch is None:
        raise PeiyuError(f"没有编号为 {batch_id} 的导入批次")
    if batch.status != "已导入":
        raise PeiyuError(f"导入批次 {batch_id}（{batch.source_file}）已于 {batch.undone_at:%Y-%m-%d %H:%M} 撤销")
    entries = list(AuditEntry.select().where(AuditEntry.batch == batch).order_by(AuditEntry.id.desc()))
    touched = {(e.entity, e.entity_id) for e in entries}
    later = AuditEntry.select().where(
        (AuditEntry.id > max((e.id for e in entries), default=0))
        & (AuditEntry.batch.is_null() | (AuditEntry.batch != batch))
    )
    changed_later = sorted({f"{e.entity}:{e.entity_id}" for e in later if (e.entity, e.entity_id) in touched})
    if changed_later:
        firms = [_record_name(key) for key in changed_later[:5]]
        raise PeiyuError(f"导入后这些记录又被修改过，无法自动撤销：{'、'.join(firms)}。请手动核对。")
    removed_firms = removed_months = restored = 0
    with database_proxy.atomic():
        for e in entries:
            if e.entity == figures.ENTITY and e.action == "新增":
                MonthlyFigure.delete().where(MonthlyFigure.id == e.entity_id).execute()
                removed_months += 1
            elif e.entity == cultivation.ENTITY and e.action == "新增":
                CultivationEntry.delete().where(CultivationEntry.id == e.entity_id).execute()
            elif e.action == BEFORE:
                restore_row(_MODELS[e.entity], e.new_value or "{}")
                restored += 1
            elif e.entity == registry.ENTITY and e.action == "修改":
                audit.record(registry.ENTITY, e.entity_id, "撤销导入", actor, [(e.field, e.new_value, e.old_value)])
        for e in entries:
            if e.entity == registry.ENTITY and e.action == "新增":
                Firm.delete().where(Firm.id == e.entity_id).execute()
                audit.record(
                    registry.ENTITY, e.entity_id, "撤销导入", actor, [(None, None, f"撤销导入批次 {batch_id}")]
                )
                removed_firms += 1
        batch.status = "已撤销"
        batch.undone_at = datetime.now()
        batch.save()
    return {
        "batch": batch_id,
        "removed_firms": removed_firms,
        "removed_months": removed_months,
        "restored_values": restored,
    }


BEFORE = "导入前"


_MODELS = {registry.ENTITY: Firm, figures.ENTITY: MonthlyFigure, cultivation.ENTITY: CultivationEntry}


def remember_before(
    batch: ImportBatch,
    firm_ids: Iterable[int],
    figure_ids: Iterable[int],
    actor: str,
    entry_ids: Iterable[int] = (),
) -> None:
    """Keep whole-row snapshots of the firms, months and stays a batch is about to change, for its undo."""
    for entity, ids in ((registry.ENTITY, firm_ids), (figures.ENTITY, figure_ids), (cultivation.ENTITY, entry_ids)):
        model = _MODELS[entity]
        snapshots = snapshot_rows(model, ids)
        audit.record_many(
            entry
            for row_id, snapshot in snapshots.items()
            for entry in audit.entries(entity, row_id, BEFORE, actor, [(None, None, snapshot)], batch)
        )


def _record_name(key: str) -> str:
    entity, _, record_id = key.partition(":")
    if entity == registry.ENTITY:
        firm = Firm.get_or_none(Firm.id == int(record_id))
        return firm.name if firm else key
    if entity == cultivation.ENTITY:
        entry = CultivationEntry.get_or_none(CultivationEntry.id == int(record_id))
        return f"{entry.firm.name} {entry.database}入库记录" if entry else key
    figure = MonthlyFigure.get_or_none(MonthlyFigure.id == int(record_id))
    return f"{figure.firm.name} {figures.period_label(figure.year, figure.month)}数据" if figure else key

"""Review status of firms and their months: 草稿 → 待审核 → 已审核 or 已退回 (with a reason) → resubmitted.

Each step is a `ReviewEvent` with who and when, listed beside the edits in a firm's history.
`submit` hands a unit's unreviewed records up; `reopen` is what an edit of an approved record
does (back to 待审核, and it says so); `mark_returned` is a returned row arriving from above.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from db.models import Firm, ImportBatch, MonthlyFigure, ReviewEvent, database_proxy

DRAFT, PENDING, APPROVED, RETURNED = "草稿", "待审核", "已审核", "已退回"
FIRM = "firm"
FIGURE = "figure"
_CHUNK = 900


@dataclass(frozen=True)
class Submitted:
    firms: int
    resubmitted: int
    months: int


def record_events(
    entity: str,
    ids: Iterable[int],
    action: str,
    actor: str,
    *,
    comment: str | None = None,
    field: str | None = None,
    batch: ImportBatch | int | None = None,
) -> None:
    rows = [
        {
            "entity": entity,
            "entity_id": i,
            "action": action,
            "field": field,
            "comment": comment,
            "actor": actor,
            "at": datetime.now(),
            "batch": batch,
        }
        for i in ids
    ]
    for start in range(0, len(rows), 200):
        ReviewEvent.insert_many(rows[start : start + 200]).execute()


def submit(actor: str, firm_ids: Sequence[int] | None = None) -> Submitted:
    """Mark the unit's 草稿 and 已退回 firms (and their months) 待审核, recording 提交 / 重新提交."""
    query = Firm.select(Firm.id, Firm.review_status).where(
        Firm.deleted_at.is_null() & Firm.review_status.in_((DRAFT, RETURNED))
    )
    found = [(f.id, f.review_status) for f in query if firm_ids is None or f.id in set(firm_ids)]
    first = [i for i, status in found if status == DRAFT]
    again = [i for i, status in found if status == RETURNED]
    with database_proxy.atomic():
        for start in range(0, len(found), _CHUNK):
            chunk = [i for i, _ in found[start : start + _CHUNK]]
            Firm.update(review_status=PENDING).where(Firm.id.in_(chunk)).execute()
        months = 0
        all_ids = [i for i, _ in found] if firm_ids is not None else None
        month_query = MonthlyFigure.update(review_status=PENDING).where(
            MonthlyFigure.review_status.in_((DRAFT, RETURNED)) & MonthlyFigure.deleted_at.is_null()
        )
        if all_ids is None:
            months = month_query.execute()
        else:
            for start in range(0, len(all_ids), _CHUNK):
                months += month_query.where(MonthlyFigure.firm.in_(all_ids[start : start + _CHUNK])).execute()
        record_events(FIRM, first, "提交", actor)
        record_events(FIRM, again, "重新提交", actor)
    return Submitted(len(first), len(again), months)


def reopen(entity: str, record_id: int, actor: str) -> str:
    """An approved record was edited: it goes back to 待审核; the message says so."""
    record_events(entity, [record_id], "修改", actor, comment="修改了已审核的记录，需重新审核")
    return "该记录已审核，修改后需重新审核（状态改为“待审核”）"


def approve_records(
    firm_ids: Sequence[int],
    periods: Iterable[tuple[int, int, int]],
    actor: str,
    comment: str | None,
    batch: ImportBatch | int | None = None,
) -> None:
    """Mark firms (and the given firm/year/month figures) 已审核, recording 通过."""
    ids = list(firm_ids)
    for start in range(0, len(ids), _CHUNK):
        Firm.update(review_status=APPROVED).where(Firm.id.in_(ids[start : start + _CHUNK])).execute()
    for firm_id, year, month in periods:
        MonthlyFigure.update(review_status=APPROVED).where(
            (MonthlyFigure.firm == firm_id) & (MonthlyFigure.year == year) & (MonthlyFigure.month == month)
        ).execute()
    record_events(FIRM, ids, "通过", actor, comment=comment or None, batch=batch)


def mark_returned(firm_id: int, reason: str, fields: str | None, actor: str) -> None:
    """A row returned from above: the firm is 已退回 with the reason, until it is fixed and resubmitted."""
    Firm.update(review_status=RETURNED).where(Firm.id == firm_id).execute()
    MonthlyFigure.update(review_status=RETURNED).where(
        (MonthlyFigure.firm == firm_id) & (MonthlyFigure.review_status == PENDING)
    ).execute()
    record_events(FIRM, [firm_id], "退回", actor, comment=reason, field=fields)


def events(firm_id: int) -> list[ReviewEvent]:
    """A firm's review steps, newest first (shown beside its edits)."""
    return list(
        ReviewEvent.select()
        .where((ReviewEvent.entity == FIRM) & (ReviewEvent.entity_id == firm_id))
        .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc())
    )


def last_return(firm_id: int) -> ReviewEvent | None:
    return (
        ReviewEvent.select()
        .where((ReviewEvent.entity == FIRM) & (ReviewEvent.entity_id == firm_id) & (ReviewEvent.action == "退回"))
        .order_by(ReviewEvent.id.desc())
        .first()
    )


def returned_firms() -> list[tuple[Firm, ReviewEvent | None]]:
    """The unit's firms sent back from above, with the latest reason: what the clerk must fix."""
    firms = Firm.select().where(Firm.deleted_at.is_null() & (Firm.review_status == RETURNED)).order_by(Firm.uscc)
    return [(f, last_return(f.id)) for f in firms]


def latest_approval(firm_ids: Sequence[int]) -> ReviewEvent | None:
    """The most recent 通过 among these firms: the 审核人 and date a roster's footer names."""
    best: ReviewEvent | None = None
    ids = list(firm_ids)
    for start in range(0, len(ids), _CHUNK):
        found = (
            ReviewEvent.select()
            .where(
                (ReviewEvent.entity == FIRM)
                & (ReviewEvent.action == "通过")
                & ReviewEvent.entity_id.in_(ids[start : start + _CHUNK])
            )
            .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc())
            .first()
        )
        if found is not None and (best is None or found.at > best.at):
            best = found
    return best

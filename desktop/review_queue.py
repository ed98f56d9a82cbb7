"""The review queue one level up: a lower unit's 报送包 held as items, reviewed, merged or returned.

`receive` keeps a township's package as a `Submission` with one `SubmissionItem` per firm —
新增, 变更 (with every changed field: old → new) or 无变化 — and merges nothing. A reviewer
accepts or returns items whole, field by field, or in bulk; accepted changes are merged through
the package importer (audited, one batch per decision, undoable) and the firms become 已审核.
Two reviewers deciding the same item cannot overwrite each other: each decision names the
item's version and a stale one is refused. Returned items go back as a 退回清单 (`returns.py`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from peewee import fn

from db.models import Firm, MonthlyFigure, Submission, SubmissionItem, database_proxy
from desktop import cultivation, figures, package, package_import, registry, review, session, units
from desktop.errors import PeiyuError
from desktop.firm_fields import FIELDS, display

NEW, CHANGED, SAME = "新增", "变更", "无变化"
ENTRIES_KEY = "entries"


class StaleReview(PeiyuError):
    """Someone else decided the item since it was shown; nothing was saved."""


@dataclass(frozen=True)
class Change:
    key: str  # a firm field, "YYYY-MM:metric" for a month's figure, or "entries"
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Decided:
    approved: int
    returned: int
    batch: int | None


def comes_from_below(meta: dict[str, Any]) -> bool:
    """Whether a package is a lower unit's submission (reviewed here) rather than this unit's own."""
    return units.is_initialised() and meta["unit_code"] != units.own_unit().code


# --- receiving -----------------------------------------------------------------------------------
def receive(path: str | Path, *, actor: str) -> Submission:
    """Hold a lower unit's package for review: one item per firm, nothing merged yet."""
    path = Path(path)
    pkg = package.read_package(path)
    meta = pkg.meta
    if not comes_from_below(meta):
        raise PeiyuError(f"“{path.name}”是本单位自己的报送包，不需要审核，请直接导入")
    earlier = Submission.get_or_none(Submission.sha256 == meta["sha256"])
    if earlier is not None:
        raise PeiyuError(f"这个报送包已于 {earlier.received_at:%Y-%m-%d %H:%M} 收到（第 {earlier.id} 批），未重复导入")
    towns = {t.name for t in units.towns()}
    months: dict[str, list[package.Record]] = {}
    for month in pkg.figures:
        months.setdefault(month["uscc"], []).append(month)
    stays: dict[str, list[package.Record]] = {}
    for stay in pkg.entries:
        stays.setdefault(stay["uscc"], []).append(stay)
    stored = {f.uscc: f for f in _live_firms([r["uscc"] for r in pkg.firms])}
    with database_proxy.atomic():
        submission = Submission.create(
            source_unit=meta["unit"],
            source_code=meta["unit_code"],
            period=meta["period"],
            file_name=path.name,
            sha256=meta["sha256"],
            exported_at=meta["created_at"],
            received_by=actor,
        )
        rows = []
        for record in pkg.firms:
            placed = package_import.placed(record, meta["unit"], towns)
            code = record["uscc"]
            firm = stored.get(code)
            changes = _changes(placed, months.get(code, []), stays.get(code, []), firm)
            kind = NEW if firm is None else (CHANGED if changes else SAME)
            settled = kind == SAME and firm is not None and firm.review_status == review.APPROVED
            rows.append(
                {
                    "submission": submission.id,
                    "uscc": code,
                    "name": record["name"],
                    "town": placed.get("town"),
                    "kind": kind,
                    "payload": json.dumps(
                        {
                            "firm": package.to_json(package.FIRM_COLUMNS, placed),
                            "months": [package.to_json(package.FIGURE_COLUMNS, m) for m in months.get(code, [])],
                            "stays": [package.to_json(package.ENTRY_COLUMNS, s) for s in stays.get(code, [])],
                        },
                        ensure_ascii=False,
                    ),
                    "changes": json.dumps([vars(c) for c in changes], ensure_ascii=False),
                    "status": review.APPROVED if settled else review.PENDING,
                    "comment": "与已审核的数据一致" if settled else None,
                    "reviewer": actor if settled else None,
                    "reviewed_at": datetime.now() if settled else None,
                }
            )
        for start in range(0, len(rows), 200):
            SubmissionItem.insert_many(rows[start : start + 200]).execute()
    return submission


def _live_firms(codes: Sequence[str]) -> list[Firm]:
    out: list[Firm] = []
    for start in range(0, len(codes), 900):
        out.extend(Firm.select().where(Firm.uscc.in_(codes[start : start + 900]) & Firm.deleted_at.is_null()))
    return out


def _shown(key: str, value: Any) -> str:
    return display(key, value) if value is not None else ""


def _changes(
    record: package.Record, months: list[package.Record], stays: list[package.Record], firm: Firm | None
) -> list[Change]:
    current = registry.editable_values(firm) if firm is not None else {}
    out = []
    for f in FIELDS:
        old = current.get(f.key, "")
        old_text = ("是" if old else "否") if isinstance(old, bool) else str(old or "")
        if firm is None and f.kind == "bool" and not record.get(f.key):
            continue  # a new firm's 否 is no news
        new_text = _shown(f.key, record.get(f.key))
        if old_text != new_text:
            out.append(Change(f.key, f.label, old_text, new_text))
    stored = figures.figures_of([firm.id], {(m["year"], m["month"]) for m in months}) if firm is not None else {}
    for month in months:
        before = stored.get((firm.id, month["year"], month["month"])) if firm is not None else None
        for metric in package.FIGURE_VALUES:
            new = month[metric]
            old = getattr(before, metric) if before is not None else None
            if new is not None and new != old:
                label = figures.period_label(month["year"], month["month"]) + _metric_label(metric)
                key = f"{month['year']}-{month['month']:02d}:{metric}"
                out.append(Change(key, label, _amount(old), _amount(new)))
    sent = sorted(_stay_text(s) for s in stays)
    kept = sorted(_stay_text(vars_of(e)) for e in cultivation.entries_of(firm.id)) if firm is not None else []
    if sent and sent != kept and not set(sent) <= set(kept):
        out.append(Change(ENTRIES_KEY, "培育库记录", "；".join(kept), "；".join(sent)))
    return out


def _metric_label(metric: str) -> str:
    return figures.FIELD_LABELS.get(metric, "预计全年主营业务收入")


def _amount(value: Any) -> str:
    return "" if value is None else display("registered_capital", value)


def vars_of(entry: Any) -> package.Record:
    return {c.key: getattr(entry, c.key) for c in package.ENTRY_COLUMNS[1:]}


def _stay_text(stay: package.Record) -> str:
    out = f"{stay['database']}（{stay['date_in']}入"
    if stay.get("date_out"):
        out += f"，{stay['date_out']}出：{stay.get('reason_out') or ''}"
    return out + "）"


# --- listing -------------------------------------------------------------------------------------
def items(
    *,
    submission: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    town: str | None = None,
    text: str = "",
) -> list[SubmissionItem]:
    query = SubmissionItem.select(SubmissionItem, Submission).join(Submission)
    if submission is not None:
        query = query.where(SubmissionItem.submission == submission)
    if status:
        query = query.where(SubmissionItem.status == status)
    if kind:
        query = query.where(SubmissionItem.kind == kind)
    if town:
        query = query.where(SubmissionItem.town == town)
    if text:
        query = query.where(SubmissionItem.name.contains(text) | SubmissionItem.uscc.startswith(text.upper()))
    return list(query.order_by(SubmissionItem.submission.desc(), SubmissionItem.town, SubmissionItem.uscc))


def changes_of(item: SubmissionItem) -> list[Change]:
    return [Change(**c) for c in json.loads(item.changes)]


def returned_keys(item: SubmissionItem) -> list[str]:
    return json.loads(item.returned) if item.returned else []


def submissions() -> list[tuple[Submission, dict[str, int]]]:
    """Received packages, newest first, with how many items are in each status."""
    counts: dict[int, dict[str, int]] = {}
    query = SubmissionItem.select(SubmissionItem.submission, SubmissionItem.status, fn.COUNT(SubmissionItem.id))
    for row in query.group_by(SubmissionItem.submission, SubmissionItem.status).tuples().iterator():
        sub_id, status, count = row
        counts.setdefault(int(sub_id), {})[str(status)] = int(count)
    return [(s, counts.get(s.id, {})) for s in Submission.select().order_by(Submission.id.desc())]


def item_as_dict(item: SubmissionItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "submission": item.submission_id,
        "from": item.submission.source_unit,
        "uscc": item.uscc,
        "name": item.name,
        "town": item.town,
        "kind": item.kind,
        "status": item.status,
        "changes": [vars(c) for c in changes_of(item)],
        "returned": returned_keys(item),
        "comment": item.comment,
        "reviewer": item.reviewer,
        "reviewed_at": item.reviewed_at.isoformat(sep=" ", timespec="seconds") if item.reviewed_at else None,
        "version": item.version,
    }


# --- deciding ------------------------------------------------------------------------------------
def approve(
    item_ids: Iterable[int],
    *,
    actor: str,
    comment: str = "",
    versions: dict[int, int] | None = None,
) -> Decided:
    """Accept items whole: merge what they bring and mark the firms 已审核."""
    return decide({i: set() for i in item_ids}, actor=actor, reason=comment, versions=versions)


def return_items(
    item_ids: Iterable[int],
    *,
    reason: str,
    actor: str,
    versions: dict[int, int] | None = None,
) -> Decided:
    """Send items back whole, with the reason the township will see."""
    return decide({i: {WHOLE} for i in item_ids}, actor=actor, reason=reason, versions=versions)


WHOLE = "*"  # in `decide`: the whole item is sent back


def decide(
    returned: dict[int, set[str]],
    *,
    actor: str,
    reason: str = "",
    versions: dict[int, int] | None = None,
) -> Decided:
    """Decide items field by field: {item id: change keys sent back (or WHOLE)}; the rest is accepted.

    An item with nothing sent back is 已审核, merged, and its firm marked 已审核; one with something
    sent back is 已退回 with the reason (its other changes are merged). A new firm is accepted or
    returned whole. All in one transaction: a refusal anywhere saves nothing.
    """
    session.require_role("审核员", "管理员", action="审核")
    ids = sorted(returned)
    query = SubmissionItem.select(SubmissionItem, Submission).join(Submission)
    found = {i.id: i for i in query.where(SubmissionItem.id.in_(ids))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise PeiyuError(f"没有编号为 {'、'.join(map(str, missing))} 的审核记录")
    if any(returned[i] for i in ids) and not reason.strip():
        raise PeiyuError("请填写退回理由，乡镇需要知道哪里要改")
    merged: list[tuple[SubmissionItem, set[str], bool]] = []
    sent_back: dict[int, list[str]] = {}
    with database_proxy.atomic():
        for item_id in ids:
            item = found[item_id]
            back = set(returned[item_id])
            keys = {c.key for c in changes_of(item)}
            back_keys = keys if WHOLE in back else back & keys
            if back:
                sent_back[item_id] = sorted(back_keys)
            _claim(item, (versions or {}).get(item_id, item.version), actor, reason, sent_back.get(item_id))
            if WHOLE not in back and not (back and item.kind == NEW):  # a new firm is not half-created
                merged.append((item, keys - back_keys, not back))
        batch = _merge(merged, actor, reason) if merged else None
        for item_id, back_list in sent_back.items():
            item = found[item_id]
            firm = Firm.get_or_none((Firm.uscc == item.uscc) & Firm.deleted_at.is_null())
            if firm is not None:
                labels = "、".join(c.label for c in changes_of(item) if c.key in back_list)
                review.record_events(review.FIRM, [firm.id], "退回", actor, comment=reason, field=labels or None)
    return Decided(len(ids) - len(sent_back), len(sent_back), batch)


def _claim(item: SubmissionItem, expected: int, actor: str, reason: str, back: list[str] | None) -> None:
    """Record the decision only if nobody decided the item since it was shown (optimistic lock)."""
    updated = (
        SubmissionItem.update(
            status=review.RETURNED if back is not None else review.APPROVED,
            reviewer=actor,
            reviewed_at=datetime.now(),
            comment=reason.strip() or None,
            returned=json.dumps(back, ensure_ascii=False) if back is not None else None,
            version=SubmissionItem.version + 1,
        )
        .where(
            (SubmissionItem.id == item.id)
            & (SubmissionItem.version == expected)
            & (SubmissionItem.status == review.PENDING)
        )
        .execute()
    )
    if updated != 1:
        now = SubmissionItem.get_by_id(item.id)
        when = f"于 {now.reviewed_at:%Y-%m-%d %H:%M:%S} " if now.reviewed_at else ""
        raise StaleReview(
            f"“{item.name}”已由{now.reviewer or '其他审核员'}{when}处理（{now.status}），您的审核未保存。请刷新后再看。"
        )


def _merge(chosen: list[tuple[SubmissionItem, set[str], bool]], actor: str, comment: str) -> int | None:
    """Merge the accepted part of each item through the package importer; fully accepted firms
    (and the months they sent) become 已审核."""
    firms: list[package.Record] = []
    months: list[package.Record] = []
    stays: list[package.Record] = []
    settled: list[tuple[str, list[tuple[int, int]]]] = []
    for item, accepted, whole in chosen:
        sent = json.loads(item.payload)
        record = package.from_json(package.FIRM_COLUMNS, sent["firm"])
        new = item.kind == NEW
        firms.append(record if new else {"uscc": item.uscc, **{k: v for k, v in record.items() if k in accepted}})
        sent_months = [package.from_json(package.FIGURE_COLUMNS, m) for m in sent["months"]]
        for month in sent_months:
            prefix = f"{month['year']}-{month['month']:02d}:"
            kept = {
                k: month[k]
                for k in package.FIGURE_VALUES
                if month.get(k) is not None and (new or prefix + k in accepted)
            }
            if kept:
                months.append({"uscc": item.uscc, "year": month["year"], "month": month["month"], **kept})
        if new or ENTRIES_KEY in accepted:
            stays += [package.from_json(package.ENTRY_COLUMNS, s) for s in sent["stays"]]
        if whole:
            settled.append((item.uscc, [(m["year"], m["month"]) for m in sent_months]))
    submission = chosen[0][0].submission
    contents = package.Package(
        {"unit": submission.source_unit, "unit_code": submission.source_code, "period": submission.period},
        firms,
        [{k: m.get(k) for k in ("uscc", "year", "month", *package.FIGURE_VALUES)} for m in months],
        stays,
    )
    _under_review(firms, months)
    planned = package_import.plan_contents(contents, Path(submission.file_name))
    if planned.errors:
        problems = "；".join(str(e) for e in planned.errors[:5])
        raise PeiyuError(f"以下记录不能并入本单位数据，审核未保存：{problems}")
    summary = package_import.commit_package(planned, actor=actor)
    id_of = {f.uscc: f.id for f in _live_firms([code for code, _ in settled])}
    review.approve_records(
        [id_of[code] for code, _ in settled if code in id_of],
        [(id_of[code], y, m) for code, periods in settled if code in id_of for y, m in periods],
        actor,
        comment,
        summary.firms.batch,
    )
    return summary.firms.batch


def _under_review(firms: list[package.Record], months: list[package.Record]) -> None:
    """The records being merged are under review now, so merging them is not an "edit of an
    approved record" (which would log a 修改 needing re-review between the reviewer's steps)."""
    id_of = {f.uscc: f.id for f in _live_firms([r["uscc"] for r in firms])}
    ids = list(id_of.values())
    for start in range(0, len(ids), 900):
        Firm.update(review_status=review.PENDING).where(
            Firm.id.in_(ids[start : start + 900]) & (Firm.review_status == review.APPROVED)
        ).execute()
    for month in months:
        if month["uscc"] in id_of:
            MonthlyFigure.update(review_status=review.PENDING).where(
                (MonthlyFigure.firm == id_of[month["uscc"]])
                & (MonthlyFigure.year == month["year"])
                & (MonthlyFigure.month == month["month"])
                & (MonthlyFigure.review_status == review.APPROVED)
            ).execute()

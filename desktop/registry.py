"""The firm registry: one function per clerk action (create, update, delete, restore, find, search).

Every write runs in one transaction, records the audit trail (who, when, field, old → new) and
returns a `FirmChange` saying what changed. Input is checked field by field first; nothing is
written when any field is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db import audit
from db.bulk import create_rows, insert_rows
from db.models import Firm, ImportBatch, IndustryChain, Unit, database_proxy
from db.search import search_columns
from desktop import firm_fields, review, uscc
from desktop.errors import PeiyuError
from desktop.firm_checks import (  # noqa: F401 (callers use registry.BulkChecks, registry.validate …)
    BulkChecks,
    Checked,
    DuplicateFirm,
    InvalidFirm,
    check,
    check_new,
    complete,
    firm_with_code,
    firm_with_name,
    same_name_warning,
    validate,
)
from desktop.firm_fields import BY_KEY, display
from desktop.firm_search import (  # noqa: F401 (the firm list is asked for through the registry)
    FirmQuery,
    count_firms,
    firm_ids,
    firm_select,
    firm_texts,
    firms_by_id,
    first_ids,
    indexing_after,
    search_firms,
)
from desktop.industry import name_of
from desktop.lookups import Lookups, firm_ids_by

ENTITY = "firm"


@dataclass(frozen=True)
class FirmChange:
    firm_id: int
    action: str  # 新增 / 修改 / 删除 / 恢复
    fields: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


class StaleFirm(PeiyuError):
    def __init__(self, firm: Firm) -> None:
        super().__init__(
            f"“{firm.name}”已被其他人修改（{firm.updated_at:%Y-%m-%d %H:%M}），为避免覆盖对方的修改，请重新打开后再改。"
        )


class FirmNotFound(PeiyuError):
    def __init__(self, firm_id: int) -> None:
        super().__init__(f"找不到编号为 {firm_id} 的企业")


def _shown(key: str, value: Any) -> str | None:
    if isinstance(value, (Unit, IndustryChain)):
        return value.name
    text = display(key, value)
    return text or None


def _stored(key: str, value: Any) -> tuple[str, Any]:
    """The model attribute and value for a catalogue field."""
    if key in ("town", "chain"):
        return f"{key}_id", value.id if value is not None else None
    return key, value


def _new_firm(checked: Checked, uscc_override_by: str | None) -> dict[str, Any]:
    """The attributes a new firm is stored with (what `Firm.create` takes), search columns included."""
    attrs = dict(checked.values)
    for key in ("town", "chain"):  # the only fields stored otherwise than as checked (see `_stored`)
        if key in attrs:
            column, value = _stored(key, attrs.pop(key))
            attrs[column] = value
    if attrs.get("status") is None:
        attrs.pop("status", None)
    # without an override the column stays empty whatever the code (one failing its check was refused)
    if uscc_override_by is not None and not uscc.check(checked.values["uscc"]).ok:
        attrs["uscc_override_by"] = uscc_override_by
    attrs.update(search_columns(checked.values["name"], checked.values.get("legal_rep")))
    return attrs


def _snapshot(checked: Checked) -> str:
    """What the audit entry of a new firm holds: its filled-in fields as JSON."""
    # text (most fields) is shown as it is: `_shown` without its checks of every other kind
    return audit.snapshot_text(
        {
            BY_KEY[k].label: (v or None) if v.__class__ is str else _shown(k, v)
            for k, v in checked.values.items()
            if v not in (None, False)
        }
    )


def _creation_entries(checked: Checked, firm_id: int, actor: str, batch: ImportBatch | None) -> list[dict[str, Any]]:
    """The audit entry of a new firm: its filled-in fields as a JSON snapshot."""
    return audit.entries(ENTITY, firm_id, "新增", actor, [(None, None, _snapshot(checked))], batch)


def create_firm(
    values: Mapping[str, Any], *, actor: str, uscc_override_by: str | None = None, batch: ImportBatch | None = None
) -> FirmChange:
    """Add a firm. `uscc` and `name` are required; a code failing its check needs a reviewer's override."""
    checked = check_new(values, uscc_override_by)
    attrs = _new_firm(checked, uscc_override_by)
    with database_proxy.atomic():
        firm = Firm.create(**attrs)
        audit.record_many(_creation_entries(checked, firm.id, actor, batch))
    return FirmChange(firm.id, "新增", tuple(checked.values), tuple(checked.warnings))


def create_firms(
    rows: Sequence[Mapping[str, Any]],
    *,
    actor: str,
    batch: ImportBatch | None = None,
    lookups: Lookups | None = None,
    checks: BulkChecks | None = None,
    checked: Sequence[dict[str, Any]] | None = None,
) -> list[FirmChange]:
    """Add many firms, all or none: the rows, search columns and audit entries of `create_firm`.

    Each row is checked as `create_firm` checks it (no code overrides), against the stored firms
    and the rows before it, then all are stored with bulk inserts, ~50× faster for an import.
    Pass `lookups` prefetched for every call of one import, and `checks` made with them; by
    default both are made here. A caller that checked the rows already (`BulkChecks.checked`, no
    two with one code) with lookups that `lookups` answer as (`Lookups.answers_as`) passes what
    that gave as `checked`, one per row: the rows are not checked again, and the warnings of
    those checks (the import's plan shows them) are not given again in the `FirmChange`s.
    """
    if lookups is None:
        lookups = Lookups.prefetch([r.get("uscc") for r in rows], [r.get("name") for r in rows])
    if checks is None or checks.lookups is not lookups:
        checks = BulkChecks(lookups)
    done, records = [], []
    for i, values in enumerate(rows):
        # each row checked after the rows before it are remembered: a code twice is a DuplicateFirm
        one = check_new(values, None, checks=checks) if checked is None else complete(Checked(checked[i]))
        attrs = _new_firm(one, None)
        lookups.remember(attrs["uscc"], attrs["name"], attrs.get("town_id"))
        done.append(one)
        records.append(attrs)
    with database_proxy.atomic(), indexing_after(len(records)):
        insert_rows(Firm, _FIRM_FIELDS, create_rows(_FIRM_FIELDS, records))
        id_of = dict(firm_ids_by("uscc", [attrs["uscc"] for attrs in records]))
        audit.record_snapshots(
            ENTITY,
            "新增",
            actor,
            ((id_of[attrs["uscc"]], _snapshot(one)) for one, attrs in zip(done, records, strict=True)),
            batch,
        )
    return [
        FirmChange(id_of[attrs["uscc"]], "新增", tuple(one.values), tuple(one.warnings))
        for one, attrs in zip(done, records, strict=True)
    ]


# Every column of a new firm but its id, in the table's order (`create_firms` stores plain rows)
_FIRM_FIELDS = tuple(f for f in Firm._meta.sorted_fields if f is not Firm._meta.primary_key)


def get_firm(firm_id: int) -> Firm:
    firm = Firm.get_or_none(Firm.id == firm_id)
    if firm is None:
        raise FirmNotFound(firm_id)
    return firm


def field_value(firm: Firm, key: str) -> Any:
    """A firm's value for a catalogue field (town and chain as their model objects)."""
    if key == "town":
        return firm.town if firm.town_id else None
    if key == "chain":
        return firm.chain if firm.chain_id else None
    return getattr(firm, key)


def update_firm(
    firm_id: int,
    values: Mapping[str, Any],
    *,
    actor: str,
    expected_version: int | None = None,
    uscc_override_by: str | None = None,
    batch: ImportBatch | None = None,
    lookups: Lookups | None = None,
) -> FirmChange:
    """Change some fields of a firm. With `expected_version`, refuse if someone saved in between."""
    firm = get_firm(firm_id)
    if firm.deleted_at is not None:
        raise PeiyuError(f"“{firm.name}”在回收站中，请先恢复再修改")
    if expected_version is not None and firm.version != expected_version:
        raise StaleFirm(firm)
    checked = check(values, firm_id=firm_id, uscc_override_by=uscc_override_by, lookups=lookups)
    if "name" in checked.values and checked.values["name"] is None:
        checked.problems.setdefault("name", "不能为空")
    if "uscc" in checked.values and checked.values["uscc"] is None:
        checked.problems.setdefault("uscc", "不能为空")
    if checked.problems:
        raise InvalidFirm(checked.problems)
    changes = [
        (k, field_value(firm, k), v)
        for k, v in checked.values.items()
        if _shown(k, field_value(firm, k)) != _shown(k, v)
    ]
    if not changes:
        return FirmChange(firm.id, "修改", (), tuple(checked.warnings))
    attrs: dict[str, Any] = dict(_stored(k, new) for k, _, new in changes)
    if "status" in attrs and attrs["status"] is None:
        attrs["status"] = Firm.status.default
    if "uscc" in attrs:
        attrs["uscc_override_by"] = None if uscc.check(attrs["uscc"]).ok else uscc_override_by
    attrs.update(
        search_columns(
            checked.values.get("name", firm.name),
            checked.values.get("legal_rep", firm.legal_rep),
        )
    )
    warnings = list(checked.warnings)
    reopened = firm.review_status == review.APPROVED
    if reopened:
        attrs["review_status"] = review.PENDING
    attrs["version"] = firm.version + 1
    attrs["updated_at"] = datetime.now()
    with database_proxy.atomic():
        updated = Firm.update(**attrs).where((Firm.id == firm.id) & (Firm.version == firm.version)).execute()
        if updated != 1:
            raise StaleFirm(get_firm(firm.id))
        audit.record(
            ENTITY,
            firm.id,
            "修改",
            actor,
            [(BY_KEY[k].label, _shown(k, old), _shown(k, new)) for k, old, new in changes],
            batch,
        )
        if reopened:
            warnings.append(review.reopen(review.FIRM, firm.id, actor))
    return FirmChange(firm.id, "修改", tuple(k for k, _, _ in changes), tuple(warnings))


def delete_firm(firm_id: int, *, actor: str) -> FirmChange:
    """Move a firm to the 回收站 (soft delete); its figures and history stay."""
    firm = get_firm(firm_id)
    if firm.deleted_at is not None:
        return FirmChange(firm.id, "删除")
    with database_proxy.atomic():
        Firm.update(deleted_at=datetime.now(), deleted_by=actor, version=firm.version + 1).where(
            Firm.id == firm.id
        ).execute()
        audit.record(ENTITY, firm.id, "删除", actor)
    return FirmChange(firm.id, "删除")


def restore_firm(firm_id: int, *, actor: str) -> FirmChange:
    firm = get_firm(firm_id)
    if firm.deleted_at is None:
        return FirmChange(firm.id, "恢复")
    with database_proxy.atomic():
        Firm.update(deleted_at=None, deleted_by=None, version=firm.version + 1).where(Firm.id == firm.id).execute()
        audit.record(ENTITY, firm.id, "恢复", actor)
    return FirmChange(firm.id, "恢复")


def delete_firms(ids: list[int], *, actor: str) -> list[FirmChange]:
    """Move several firms to the 回收站 at once: all or none."""
    with database_proxy.atomic():
        return [delete_firm(i, actor=actor) for i in ids]


def restore_firms(ids: list[int], *, actor: str) -> list[FirmChange]:
    with database_proxy.atomic():
        return [restore_firm(i, actor=actor) for i in ids]


def find_by_uscc(code: str, *, include_deleted: bool = False) -> Firm | None:
    query = Firm.select().where(Firm.uscc == uscc.normalise(code))
    if not include_deleted:
        query = query.where(Firm.deleted_at.is_null())
    return query.first()


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    action: str
    field: str
    old: str
    new: str


def firm_history(firm_id: int) -> list[HistoryLine]:
    """A firm's edits and review steps (提交, 通过, 退回 …), newest first, as a clerk reads them
    (a new firm lists its fields; a review step shows its reason or comment)."""
    lines = []
    for e in audit.history(ENTITY, firm_id):
        new = e.new_value or ""
        if e.action == "新增" and new.startswith("{"):
            new = "；".join(f"{k}：{v}" for k, v in json.loads(new).items())
        lines.append(HistoryLine(e.at, e.actor, e.action, e.field or "", e.old_value or "", new))
    for r in review.events(firm_id):
        lines.append(HistoryLine(r.at, r.actor, f"审核·{r.action}", r.field or "", "", r.comment or ""))
    return sorted(lines, key=lambda line: line.at, reverse=True)


def editable_values(firm: Firm) -> dict[str, Any]:
    """What the editor shows for each field: text as a clerk would type it, booleans as bool."""
    return {
        f.key: bool(getattr(firm, f.key)) if f.kind == "bool" else (_shown(f.key, field_value(firm, f.key)) or "")
        for f in firm_fields.FIELDS
    }


def firm_as_dict(firm: Firm) -> dict[str, Any]:
    """A firm's fields as displayed text keyed by field key, for JSON output and copying."""
    record: dict[str, Any] = {"id": firm.id}
    for f in firm_fields.FIELDS:
        record[f.key] = _shown(f.key, field_value(firm, f.key))
    record["industry_name"] = name_of(firm.industry_code) or None
    record["version"] = firm.version
    return record

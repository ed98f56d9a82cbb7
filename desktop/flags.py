"""A clerk's own judgements on signals: manual promotion flags and cleared exit warnings.

- `add_flag` marks a firm as a promotion candidate for a year for a reason the figures cannot
  show (重组升规: similar firms merging; 限上转规: a trade firm turning industrial; 其他), and
  `clear_flag` withdraws it with a note.
- `clear_warning` records why one exit warning of a firm needs no action for a period (e.g.
  “10月检修，11月恢复生产”); the warning is then reported as cleared, not as active.

Each action checks its input first (messages in Chinese, nothing written on refusal), runs in
one transaction and leaves an audit entry (entities "flag" and "warning").
"""

from __future__ import annotations

import json
from datetime import datetime

from db import audit
from db.models import Firm, ManualFlag, WarningClearance, database_proxy
from desktop import signal_rules
from desktop.errors import PeiyuError
from desktop.explain import check_period

FLAG_ENTITY = "flag"
WARNING_ENTITY = "warning"


def _live_firm(firm_id: int) -> Firm:
    firm = Firm.get_or_none((Firm.id == firm_id) & Firm.deleted_at.is_null())
    if firm is None:
        raise PeiyuError(f"找不到编号为 {firm_id} 的企业（或已在回收站中）")
    return firm


def _required(text: str | None, what: str) -> str:
    value = (text or "").strip()  # prose: keep the clerk's full-width punctuation
    if not value:
        raise PeiyuError(f"请填写{what}")
    return value


def add_flag(firm_id: int, kind: str, reason: str, year: int, actor: str) -> int:
    """Flag a firm as a candidate for `year`; returns the flag's id."""
    if kind not in signal_rules.FLAG_KINDS:
        raise PeiyuError(f"人工标记应为 {'、'.join(signal_rules.FLAG_KINDS)} 之一，当前为“{kind}”")
    text = _required(reason, "标记理由")
    check_period(year, 1)
    firm = _live_firm(firm_id)
    if firm.status in signal_rules.NOT_CANDIDATE or signal_rules.is_above_scale(
        firm.status, firm.first_above_scale_year
    ):
        raise PeiyuError(f"“{firm.name}”的状态为{firm.status}，不能作为升规候选企业标记")
    duplicate = ManualFlag.get_or_none(
        (ManualFlag.firm == firm_id)
        & (ManualFlag.year == year)
        & (ManualFlag.kind == kind)
        & ManualFlag.cleared_at.is_null()
    )
    if duplicate is not None:
        raise PeiyuError(f"“{firm.name}”已有{year}年的“{kind}”标记（理由：{duplicate.reason}）")
    with database_proxy.atomic():
        flag = ManualFlag.create(firm=firm_id, kind=kind, year=year, reason=text, created_by=actor)
        snapshot = {"企业": firm.name, "年度": year, "类型": kind, "理由": text}
        audit.record(FLAG_ENTITY, flag.id, "新增", actor, [(None, None, json.dumps(snapshot, ensure_ascii=False))])
    return flag.id


def clear_flag(flag_id: int, note: str, actor: str) -> None:
    """Withdraw a manual flag, saying why."""
    text = _required(note, "撤销说明")
    flag = ManualFlag.get_or_none(ManualFlag.id == flag_id)
    if flag is None:
        raise PeiyuError(f"找不到编号为 {flag_id} 的人工标记")
    if flag.cleared_at is not None:
        raise PeiyuError(f"该标记已于 {flag.cleared_at:%Y-%m-%d} 由 {flag.cleared_by} 撤销")
    with database_proxy.atomic():
        ManualFlag.update(cleared_at=datetime.now(), cleared_by=actor, cleared_note=text).where(
            ManualFlag.id == flag_id
        ).execute()
        audit.record(FLAG_ENTITY, flag_id, "撤销", actor, [("撤销说明", None, text)])


def clear_warning(firm_id: int, year: int, month: int, signal: str, note: str, actor: str) -> int:
    """Clear one active exit warning of a firm for a period with a note; returns the clearance id."""
    text = _required(note, "消除预警的说明")
    if signal not in signal_rules.WARNING_RULES:
        raise PeiyuError(f"退库预警应为 {'、'.join(signal_rules.WARNING_RULES)} 之一，当前为“{signal}”")
    check_period(year, month)
    firm = _live_firm(firm_id)
    report = signal_rules.compute(year, month, firm_ids=[firm_id])
    if any(s.rule == signal for s in report.cleared):
        raise PeiyuError(f"“{firm.name}”{year}年{month}月的“{signal}”预警已经消除")
    if not any(s.rule == signal for s in report.warnings):
        raise PeiyuError(f"“{firm.name}”{year}年{month}月没有“{signal}”预警，无需消除")
    with database_proxy.atomic():
        clearance = WarningClearance.create(
            firm=firm_id, year=year, month=month, signal=signal, note=text, cleared_by=actor
        )
        snapshot = {"企业": firm.name, "期间": f"{year}-{month:02d}", "预警": signal, "说明": text}
        audit.record(
            WARNING_ENTITY, clearance.id, "消除", actor, [(None, None, json.dumps(snapshot, ensure_ascii=False))]
        )
    return clearance.id

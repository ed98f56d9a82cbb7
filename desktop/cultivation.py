"""The cultivation databases (培育库) a firm can be in, by the names clerks use."""

from __future__ import annotations

from db.models import CultivationEntry

BASIC_INFO = "基础信息库"
BASIC_POOL = "基础培育库"
KEY_POOL = "“小升规”重点培育库"

DATABASES: tuple[str, ...] = (
    BASIC_INFO,
    BASIC_POOL,
    KEY_POOL,
    "创新型中小企业",
    "专精特新中小企业",
    "专精特新“小巨人”",
    "制造业单项冠军",
    "股份制改造",
    "科技型中小企业库",
    "高新技术企业培育库",
    "国家高新技术企业",
    "上市挂牌后备",
)


def entries_of(firm_id: int) -> list[CultivationEntry]:
    """A firm's cultivation-database entries, oldest first (soft-deleted ones left out)."""
    return list(
        CultivationEntry.select()
        .where((CultivationEntry.firm == firm_id) & CultivationEntry.deleted_at.is_null())
        .order_by(CultivationEntry.date_in, CultivationEntry.id)
    )

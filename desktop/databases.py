"""The names of the cultivation databases (培育库), in the order clerks list them.

Kept apart from `desktop.cultivation` (which re-exports them) so that the firm list's filter
can offer them without loading the rules of entering and leaving them at start-up.
"""

from __future__ import annotations

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

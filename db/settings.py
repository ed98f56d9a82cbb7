"""Settings stored in the database (shared by every user of it), as JSON values."""

from __future__ import annotations

import json
from typing import Any

from db.models import Setting


def get_setting(key: str, default: Any = None) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None else json.loads(row.value)


def set_setting(key: str, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    (
        Setting.insert(key=key, value=text)
        .on_conflict(conflict_target=[Setting.key], update={Setting.value: text})
        .execute()
    )

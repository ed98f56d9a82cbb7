"""Checking a firm's fields before it is stored: each value read and looked up, the code's check
characters, another firm with the code (an error) or the name (a warning).

`check` checks one firm; `BulkChecks` the rows of one bulk call (an import) with what does not
change between rows read once; `validate` says what a save would object to. `desktop.registry`
stores what passes and re-exports the public names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from db.models import Firm
from desktop import firm_fields, uscc
from desktop.errors import PeiyuError
from desktop.firm_fields import BY_KEY, FieldError
from desktop.lookups import Lookups
from desktop.text import clean


class InvalidFirm(PeiyuError):
    """One or more fields are wrong; `problems` maps field key to the clerk's message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("；".join(f"{BY_KEY[k].label if k in BY_KEY else k}：{m}" for k, m in problems.items()))


class DuplicateFirm(PeiyuError):
    def __init__(self, other: Firm) -> None:
        self.other_id = other.id  # None for a firm of the same `create_firms` call
        where = "（在回收站中，可从回收站恢复）" if other.deleted_at else ""
        town = f"，{other.town.name}" if other.town is not None else ""
        super().__init__(f"统一社会信用代码 {other.uscc} 已存在：{other.name}{town}{where}")


@dataclass
class Checked:
    """What checking a firm gave: the values to store, the problems by field key, the warnings."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def check(
    raw: Mapping[str, Any], *, firm_id: int | None, uscc_override_by: str | None, lookups: Lookups | None = None
) -> Checked:
    lookups = lookups or Lookups()
    out = Checked()
    for key, value in raw.items():
        ok, checked = check_field(key, value, lookups)
        if ok:
            out.values[key] = checked
        else:
            out.problems[key] = checked
    check_identity(out, firm_id, uscc_override_by, lookups)
    return out


def check_identity(out: Checked, firm_id: int | None, uscc_override_by: str | None, lookups: Lookups) -> None:
    """The end of `check`, once every field is read: the code's check characters, another firm
    with the code (raised), another with the name (a warning)."""
    code = out.values.get("uscc")
    if code is not None:
        result = uscc.check(code)
        if not result.ok and not uscc_override_by:
            out.problems["uscc"] = result.message
        else:
            other = lookups.firm_with_code(code, besides=firm_id)
            if other is not None:
                raise DuplicateFirm(other)
    same = lookups.firm_with_name(out.values.get("name"), besides=firm_id)
    if same is not None:
        out.warnings.append(same_name_warning(same))


def check_field(key: str, value: Any, lookups: Lookups) -> tuple[bool, Any]:
    """One field of `check`: (True, the value to store) or (False, the problem)."""
    if key not in BY_KEY:
        return False, "不是企业的字段"
    try:
        parsed = firm_fields.parse_value(key, value)
    except FieldError as exc:
        return False, exc.detail
    if key == "town" and parsed is not None:
        parsed = lookups.town(parsed)
        if parsed is None:
            return False, f"“{clean(value)}”不在本单位的乡镇（街道）列表中"
    if key == "chain" and parsed is not None:
        parsed = lookups.chain(parsed)
        if parsed is None:
            return False, f"“{clean(value)}”不在本单位的产业链列表中，可在“设置”中添加"
    return True, parsed


def validate(
    values: Mapping[str, Any], *, firm_id: int | None = None, lookups: Lookups | None = None
) -> tuple[dict[str, str], list[str]]:
    """What create/update would object to (field → message) and warn about; writes nothing.

    An import passes `Lookups.prefetch`ed for its whole file instead of querying per row."""
    try:
        checked = check(values, firm_id=firm_id, uscc_override_by=None, lookups=lookups)
    except DuplicateFirm as exc:
        return {"uscc": str(exc)}, []
    return checked.problems, checked.warnings


# Fields of free text (people, addresses, remarks) read as `parse_value` reads them: cleaned, and
# None when empty. `BulkChecks` reads them so instead of remembering them: nearly every value is
# its own, and remembering 100,000 of each cost more than reading them.
FREE_TEXT = frozenset(f.key for f in firm_fields.FIELDS if f.kind == "text" and not f.required)


class BulkChecks:
    """`check` (no code override) of many rows of one bulk call, such as an import's 100,000 rows.

    Every field but the code and the name reads the same wherever it occurs (the townships and
    chains do not change during the call), so each distinct (field, value) is parsed and looked
    up once instead of once per row, but for free text (`FREE_TEXT`), read on every row; the
    code and the name are checked row by row against the stored firms and the rows before,
    exactly as `check` checks them.
    """

    _PER_ROW = ("uscc", "name")

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        # (True, the value to store) or (False, the problem), by field and text for text values
        # (most), by (field, value's class, value or its text) for others
        self._texts: dict[str, dict[str, tuple[bool, Any]]] = {}
        self._fields: dict[tuple[str, type, object], tuple[bool, Any]] = {}

    def check(self, raw: Mapping[str, Any], *, firm_id: int | None = None) -> Checked:
        """What `check(raw, firm_id=…, uscc_override_by=None, lookups=…)` gives, or raises."""
        out = Checked()
        values, problems, texts = out.values, out.problems, self._texts
        for key, value in raw.items():  # inlined, not a call per field: an import checks millions
            if key in self._PER_ROW:
                found = check_field(key, value, self.lookups)
            elif value.__class__ is not str:
                found = self._other(key, value)
            elif key in FREE_TEXT:
                values[key] = clean(value) or None
                continue
            else:  # most values: remembered by field, then text
                memo = texts.get(key) or texts.setdefault(key, {})
                remembered = memo.get(value)
                found = (
                    remembered
                    if remembered is not None
                    else memo.setdefault(value, check_field(key, value, self.lookups))
                )
            if found[0]:
                values[key] = found[1]
            else:
                problems[key] = found[1]
        check_identity(out, firm_id, None, self.lookups)
        return out

    def checked(self, values: Mapping[str, Any], *, firm_id: int | None = None) -> Checked:
        """`check`, with a code another firm has as a problem of the code instead of raised."""
        try:
            return self.check(values, firm_id=firm_id)
        except DuplicateFirm as exc:
            return Checked(problems={"uscc": str(exc)})

    def validate(self, values: Mapping[str, Any], *, firm_id: int | None = None) -> tuple[dict[str, str], list[str]]:
        """What `validate(values, firm_id=…, lookups=…)` gives."""
        checked = self.checked(values, firm_id=firm_id)
        return checked.problems, checked.warnings

    def _other(self, key: str, value: Any) -> tuple[bool, Any]:
        """`check_field` of a value that is not text, remembered unless it cannot be."""
        # Decimal("1.0") equals Decimal("1.00"), and 0.0 equals -0.0, but a message quotes each as
        # typed: those are keyed by their text
        memo_key = (key, value.__class__, str(value) if isinstance(value, (Decimal, float)) else value)
        try:
            found = self._fields.get(memo_key)
        except TypeError:  # an unhashable value: checked on its own
            return check_field(key, value, self.lookups)
        if found is None:
            found = self._fields[memo_key] = check_field(key, value, self.lookups)
        return found


def firm_with_code(code: str | None, *, besides: int | None = None) -> Firm | None:
    """Another firm (live or in the 回收站) that already has this code."""
    return Lookups().firm_with_code(code, besides=besides)


def firm_with_name(name: str | None, *, besides: int | None = None) -> Firm | None:
    """Another live firm with exactly this name."""
    return Lookups().firm_with_name(name, besides=besides)


def same_name_warning(other: Firm) -> str:
    return f"已有同名企业：{other.name}（{other.uscc}）"


def check_new(
    values: Mapping[str, Any],
    uscc_override_by: str | None,
    lookups: Lookups | None = None,
    checks: BulkChecks | None = None,
) -> Checked:
    """`check` for a firm to add: `uscc` and `name` are required; raises when anything is wrong."""
    if checks is not None:
        checked = checks.check(values)
    else:
        checked = check(values, firm_id=None, uscc_override_by=uscc_override_by, lookups=lookups)
    return complete(checked)


def complete(checked: Checked) -> Checked:
    """`checked` if it is a whole new firm (`uscc` and `name` filled, nothing wrong), else raises."""
    for key in ("uscc", "name"):
        if checked.values.get(key) is None and key not in checked.problems:
            checked.problems[key] = "不能为空"
    if checked.problems:
        raise InvalidFirm(checked.problems)
    return checked

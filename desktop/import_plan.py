"""What an import plan is made of: the rows as they will be stored, their problems, and the whole plan.

Also the column mapping a clerk chose, remembered for the next file of the same layout.
Shared by the steps that build a plan (`import_parse`, `import_compare`, `importer`) and the one
that stores it (`import_commit`); `importer` re-exports every name here.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from db.settings import get_setting, set_setting
from desktop.columns import ColumnMap, Target, layout_signature
from desktop.errors import PeiyuError
from desktop.layout import Layout
from desktop.lookups import Lookups

KEY_FIELDS = ("uscc", "name", "town", "industry_code")  # a problem here rejects the row
_MAPPING_SETTING = "import_mapping:"


@dataclass(frozen=True)
class Issue:
    row: int
    column: str  # "B 统一社会信用代码", or "" for the whole row
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f" {self.column}列" if self.column else "")
        shown = f"“{self.value}”" if self.value else ""
        return f"{where}{shown}：{self.message}"


@dataclass
class PlannedRow:
    row: int  # the spreadsheet's row number
    cells: list[object]
    status: str = "new"  # new / changed / unchanged / skipped / error
    firm_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    figures: dict[tuple[int, int], dict[str, Decimal]] = field(default_factory=dict)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (what, old, new)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # code, name and township as the preview lists the row
    firm_row: PlannedRow | None = None  # in a monthly file, the earlier row that creates this new firm
    # a new firm's values as the registry checked them when planned (see ImportPlan.checked_with)
    checked: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.shown.get("name") or str(self.values.get("name") or "")


@dataclass
class ImportPlan:
    path: Path
    sheet: str
    sheets: list[str]
    layout: Layout
    rows: list[PlannedRow]
    unknown_towns: list[str]
    unknown_chains: list[str]
    # What the rows were checked with, if it found no stored firm (a first import): if the database
    # still answers as these do when the plan is stored, the new firms' `checked` values are stored
    # without checking them again.
    checked_with: Lookups | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def errors(self) -> list[Issue]:
        return [i for r in self.rows for i in r.errors]

    @property
    def warnings(self) -> list[Issue]:
        notes = [Issue(row, "", "", f"已跳过（{why}）") for row, why in self.layout.skipped]
        return notes + [i for r in self.rows for i in r.warnings]

    @property
    def mapping(self) -> list[ColumnMap]:
        return self.layout.mapping


class ImportRefused(PeiyuError):
    """The file as a whole cannot be imported; nothing was written."""


def column_label(c: ColumnMap) -> str:
    """How a problem names a column: its letter and header, "B 统一社会信用代码"."""
    return f"{c.letter} {c.header}"


def shown(value: object) -> str:
    """A cell's value as a problem quotes it."""
    return "" if value is None else str(value).strip()


def is_monthly(layout: Layout) -> bool:
    """Whether the sheet has a period column: one row per firm and month."""
    return any(c.target is not None and c.target.kind == "period" for c in layout.mapping)


def remembered_mapping(headers: Sequence[object]) -> dict[int, Target | None] | None:
    """The mapping last imported with a sheet of these headers, if any."""
    saved = get_setting(_MAPPING_SETTING + layout_signature(headers))
    if not saved:
        return None
    return {int(i): (Target(**t) if t else None) for i, t in saved.items()}


def remember_mapping(headers: Sequence[object], mapping: list[ColumnMap]) -> None:
    value = {str(c.index): (vars(c.target) if c.target else None) for c in mapping}
    set_setting(_MAPPING_SETTING + layout_signature(headers), value)


# Seconds spent in each step of an import, by step name, when the caller asks (the benchmark).
Timings = dict[str, float]


@contextmanager
def timed(timings: Timings | None, step: str) -> Iterator[None]:
    """Add the wall-clock seconds of the block to `timings[step]`, if timings are asked for."""
    if timings is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = timings.get(step, 0.0) + time.perf_counter() - start


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, back on after it (if it was on).

    An import makes millions of objects that live until it ends (rows, values, problems, audit
    entries) and hardly any cycles; the collector walked them all again and again, a third of
    the time of parsing 100,000 rows, to find nothing. What cycles there are go at the next
    collection after the block."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()

"""The 报送包 (submission package): everything the next level needs, in one workbook it can check.

Three visible sheets a clerk can read — 企业 (every registry field), 月度数据 (every month's
figures) and 培育库 (every stay in a cultivation database) — and a very hidden sheet with the
format version, the source unit, the period, when it was made, the row counts and a SHA-256
checksum of the data. The checksum is taken over the values as written, in a canonical form,
so reading the package back recomputes it exactly and a package edited after export is refused.
Importing a package is `desktop/package_import.py`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from db.models import CultivationEntry, Firm, MonthlyFigure
from desktop import figures, review, units
from desktop.errors import PeiyuError
from desktop.firm_fields import FIELDS
from desktop.review import APPROVED
from desktop.sheet_export import safe_text
from desktop.sheet_layouts import Filters, Progress
from desktop.sheet_reader import has_sheet, read_all

FORMAT = "培育库报送包"
VERSION = 1
META_SHEET = "报送包信息"
FIRMS, FIGURES, ENTRIES = "企业", "月度数据", "培育库"
_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text, decimal, int, bool, date


FIRM_COLUMNS = tuple(
    Column(
        f.key,
        f.label,
        {"decimal": "decimal", "int": "int", "year": "int", "bool": "bool", "date": "date"}.get(f.kind, "text"),
    )
    for f in FIELDS
)
FIGURE_COLUMNS = (
    Column("uscc", "统一社会信用代码", "text"),
    Column("year", "年", "int"),
    Column("month", "月（1-N月累计）", "int"),
    *(Column(k, f"{label}（{figures.UNITS.get(k, '万元')}）", "decimal") for k, label in figures.METRICS.items()),
    Column("employees", "从业人员（人）", "int"),
    Column("forecast_annual_revenue", "预计全年主营业务收入（万元）", "decimal"),
)
ENTRY_COLUMNS = (
    Column("uscc", "统一社会信用代码", "text"),
    Column("database", "培育库", "text"),
    Column("year", "年度", "int"),
    Column("date_in", "入库日期", "date"),
    Column("reason_in", "入库理由", "text"),
    Column("date_out", "移出日期", "date"),
    Column("reason_out", "移出理由", "text"),
)
SHEETS: dict[str, tuple[Column, ...]] = {FIRMS: FIRM_COLUMNS, FIGURES: FIGURE_COLUMNS, ENTRIES: ENTRY_COLUMNS}
FIGURE_VALUES = tuple(c.key for c in FIGURE_COLUMNS[3:])

Record = dict[str, Any]


@dataclass
class Package:
    """A package's contents as typed values, and what its hidden sheet says."""

    meta: dict[str, Any]
    firms: list[Record]
    figures: list[Record]
    entries: list[Record]

    @property
    def period(self) -> tuple[int, int]:
        year, month = str(self.meta["period"]).split("-")
        return int(year), int(month)


class PackageRefused(PeiyuError):
    """The file is not a package this version can read, or its data do not match its checksum."""


# --- canonical values and the checksum ---------------------------------------------------------
def _canonical(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "decimal":
        return f"{Decimal(value).quantize(_PLACES)}"
    if kind == "int":
        return int(value)
    if kind == "bool":
        return bool(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return safe_text(str(value))


def checksum(contents: dict[str, list[Record]]) -> str:
    """SHA-256 of the sheets' values in canonical form, in row order."""
    digest = hashlib.sha256()
    for sheet, columns in SHEETS.items():
        digest.update(sheet.encode())
        for record in contents[sheet]:
            line = [_canonical(c.kind, record.get(c.key)) for c in columns]
            digest.update(json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode())
            digest.update(b"\n")
    return digest.hexdigest()


# --- gathering and writing ---------------------------------------------------------------------
def gather(filters: Filters, *, reviewed_only: bool = False) -> dict[str, list[Record]]:
    """Every live firm (of the township, when filtered), its months up to the period and its stays;
    `reviewed_only`: only firms and months marked 已审核."""
    query = Firm.select().where(Firm.deleted_at.is_null()).order_by(Firm.uscc)
    if reviewed_only:
        query = query.where(Firm.review_status == APPROVED)
    if filters.town:
        town = units.town_by_name(filters.town)
        if town is None:
            raise PeiyuError(f"“{filters.town}”不在本单位的乡镇（街道）列表中")
        query = query.where(Firm.town == town.id)
    names = {u.id: u.name for u in units.towns()}
    chains = {c.id: c.name for c in units.chains()}
    firms: list[Record] = []
    code_of: dict[int, str] = {}
    for firm in query:
        record = {c.key: getattr(firm, c.key) for c in FIRM_COLUMNS if c.key not in ("town", "chain")}
        record["town"] = names.get(firm.town_id) if firm.town_id else None
        record["chain"] = chains.get(firm.chain_id) if firm.chain_id else None
        firms.append(record)
        code_of[firm.id] = firm.uscc
    ids = sorted(code_of)
    months: list[Record] = []
    stays: list[Record] = []
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for m in MonthlyFigure.select().where(
            MonthlyFigure.firm.in_(chunk)
            & MonthlyFigure.deleted_at.is_null()
            & (
                (MonthlyFigure.year < filters.year)
                | ((MonthlyFigure.year == filters.year) & (MonthlyFigure.month <= filters.month))
            )
            & ((MonthlyFigure.review_status == APPROVED) if reviewed_only else MonthlyFigure.id.is_null(False))
        ):
            values = {k: getattr(m, k) for k in FIGURE_VALUES}
            if any(v is not None for v in values.values()):
                months.append({"uscc": code_of[m.firm_id], "year": m.year, "month": m.month, **values})
        for e in CultivationEntry.select().where(
            CultivationEntry.firm.in_(chunk) & CultivationEntry.deleted_at.is_null()
        ):
            stays.append(
                {
                    "uscc": code_of[e.firm_id],
                    **{c.key: getattr(e, c.key) for c in ENTRY_COLUMNS[1:]},
                }
            )
    months.sort(key=lambda r: (r["uscc"], r["year"], r["month"]))
    stays.sort(key=lambda r: (r["uscc"], r["database"], r["date_in"], r["year"]))
    return {FIRMS: firms, FIGURES: months, ENTRIES: stays}


def write_package(
    filters: Filters, out: str | Path, *, reviewed_only: bool = False, progress: Progress | None = None
) -> dict[str, Any]:
    """Write the package for the period (and township, if filtered); return its metadata."""
    own = units.own_unit()
    contents = gather(filters, reviewed_only=reviewed_only)
    total = sum(len(rows) for rows in contents.values())
    meta: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "unit": own.name,
        "unit_code": own.code,
        "unit_level": own.level,
        "town": filters.town or "",
        "towns": [{"name": t.name, "code": t.code} for t in units.towns() if not t.is_own],
        "chains": [c.name for c in units.chains()],
        "period": f"{filters.year}-{filters.month:02d}",
        "created_at": datetime.now().isoformat(sep=" ", timespec="seconds"),
        "counts": {sheet: len(rows) for sheet, rows in contents.items()},
        "reviewed_only": reviewed_only,
        "sha256": checksum(contents),
    }
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    done = 0
    for sheet_name, columns in SHEETS.items():
        sheet = book.create_sheet(sheet_name)
        for index, column in enumerate(columns):
            sheet.column_dimensions[get_column_letter(index + 1)].width = (
                24 if column.key in ("name", "reason_in", "address") else 14
            )
        sheet.freeze_panes = "A2"
        sheet.append([_text_cell(sheet, c.header, bold) for c in columns])
        for record in contents[sheet_name]:
            sheet.append([_cell(sheet, c.kind, record.get(c.key)) for c in columns])
            done += 1
            if progress is not None and done % 2000 == 1:
                progress(done - 1, total)
    info = book.create_sheet(META_SHEET)
    info.sheet_state = "veryHidden"  # not shown in Excel/WPS, so nobody edits it by accident
    for key, value in meta.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        info.append([_text_cell(info, key), _text_cell(info, shown)])
    book.save(out)
    if progress is not None:
        progress(total, total)
    return meta


@dataclass(frozen=True)
class Sent:
    """What `submit_package` did: the package's metadata, what it marked 待审核, what it left out."""

    meta: dict[str, Any]
    submitted: int
    resubmitted: int
    left_out: int  # firms not yet 已审核, left out of a county's or city's package


def submit_package(
    filters: Filters,
    out: str | Path,
    *,
    actor: str,
    include_unreviewed: bool = False,
    progress: Progress | None = None,
) -> Sent:
    """提交: a township's drafts and returned firms become 待审核 and go up whole; a county or city
    sends only what it has reviewed (unless asked to include the rest, which the package then says)."""
    township = units.own_unit().level == "township"
    done = review.submit(actor) if township else None
    reviewed_only = not township and not include_unreviewed
    meta = write_package(filters, out, reviewed_only=reviewed_only, progress=progress)
    left = 0
    if reviewed_only:
        left = Firm.select().where(Firm.deleted_at.is_null() & (Firm.review_status != APPROVED)).count()
    return Sent(meta, done.firms if done else 0, done.resubmitted if done else 0, left)


def _text_cell(sheet: WriteOnlyWorksheet, value: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if font is not None:
        cell.font = font
    return cell


def _cell(sheet: WriteOnlyWorksheet, kind: str, value: Any) -> Any:
    canonical = _canonical(kind, value)
    if canonical is None:
        return None
    if kind == "decimal":
        return float(canonical)  # exact back to 4 places: at most 15 significant digits
    if kind == "int":
        return canonical
    if kind == "bool":
        return _text_cell(sheet, "是" if canonical else "否")
    return _text_cell(sheet, canonical)


# --- reading ------------------------------------------------------------------------------------
def is_package(path: str | Path) -> bool:
    """Whether the file is a 报送包 (has the hidden information sheet), without reading its data."""
    return has_sheet(path, META_SHEET)


def read_package(path: str | Path) -> Package:
    """Read and verify a package; refuse one of another format or version, or with changed data."""
    path = Path(path)
    sheets = {s.name: s.rows for s in read_all(path)}
    if META_SHEET not in sheets:
        raise PackageRefused(f"“{path.name}”不是培育库报送包（缺少“{META_SHEET}”工作表）")
    meta: dict[str, Any] = {}
    for row in sheets[META_SHEET]:
        if row and row[0] is not None:
            key, raw = str(row[0]), row[1] if len(row) > 1 else None
            text = "" if raw is None else str(raw)
            meta[key] = (
                text
                if key in ("format", "unit", "unit_code", "unit_level", "town", "period", "created_at", "sha256")
                else json.loads(text)
            )
    if meta.get("format") != FORMAT:
        raise PackageRefused(f"“{path.name}”不是培育库报送包")
    if meta.get("version") != VERSION:
        raise PackageRefused(
            f"“{path.name}”是第 {meta.get('version')} 版报送包，本程序只能读取第 {VERSION} 版，请升级培育库"
        )
    contents: dict[str, list[Record]] = {}
    for sheet, columns in SHEETS.items():
        rows = sheets.get(sheet)
        if rows is None:
            raise PackageRefused(
                f"报送包“{path.name}”缺少“{sheet}”工作表，可能被改动过，未导入。请向报送单位索取原文件。"
            )
        header = [str(v or "") for v in rows[0]] if rows else []
        if header[: len(columns)] != [c.header for c in columns]:
            raise PackageRefused(f"报送包“{path.name}”的“{sheet}”表列名被改动过，未导入。请向报送单位索取原文件。")
        contents[sheet] = [_record(path, sheet, number, columns, row) for number, row in enumerate(rows[1:], start=2)]
    counts = {sheet: len(rows) for sheet, rows in contents.items()}
    if counts != meta.get("counts") or checksum(contents) != meta.get("sha256"):
        raise PackageRefused(
            f"报送包“{path.name}”校验失败：数据与导出时的校验码不符（导出后被修改过或文件已损坏），未导入。"
            f"请向{meta.get('unit') or '报送单位'}索取原文件。"
        )
    return Package(meta, contents[FIRMS], contents[FIGURES], contents[ENTRIES])


def _record(path: Path, sheet: str, number: int, columns: Sequence[Column], row: Sequence[object]) -> Record:
    record: Record = {}
    for index, column in enumerate(columns):
        raw = row[index] if index < len(row) else None
        try:
            record[column.key] = _typed(column.kind, raw)
        except (ValueError, InvalidOperation) as exc:
            raise PackageRefused(
                f"报送包“{path.name}”的“{sheet}”表第{number}行 {column.header}“{raw}”无法读取，"
                "文件可能被改动过，未导入。"
            ) from exc
    return record


def _typed(kind: str, raw: object) -> Any:
    if raw is None or raw == "":
        return None
    if kind == "decimal":
        return Decimal(repr(raw) if isinstance(raw, float) else str(raw)).quantize(_PLACES)
    if kind == "int":
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError(raw)
        return int(raw)  # type: ignore[call-overload]
    if kind == "bool":
        if raw not in ("是", "否"):
            raise ValueError(raw)
        return raw == "是"
    if kind == "date":
        return date.fromisoformat(str(raw))
    return str(raw)


def to_json(columns: Sequence[Column], record: Record) -> dict[str, Any]:
    """A record in canonical, JSON-ready form (how a review queue keeps what was sent)."""
    return {c.key: _canonical(c.kind, record.get(c.key)) for c in columns if c.key in record}


def from_json(columns: Sequence[Column], data: dict[str, Any]) -> Record:
    """The typed record back from `to_json`."""
    out: Record = {}
    for c in columns:
        if c.key in data:
            value = data[c.key]
            if value is not None and c.kind == "decimal":
                value = Decimal(value)
            elif value is not None and c.kind == "date":
                value = date.fromisoformat(value)
            out[c.key] = value
    return out

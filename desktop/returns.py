"""The 退回清单: rows a reviewer sent back, as a sheet for the township, and reading it there.

The county writes one row per returned item — code, name, township, what was sent back with the
value sent, the reason, 审核人 and date — plus a very hidden sheet saying which unit it is for.
The township imports it: each firm named becomes 已退回 with the reason, so the clerk sees
exactly which rows to fix and why, and the next `submit` sends them again as 重新提交.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from db.models import Firm, database_proxy
from desktop import review, review_queue, units
from desktop.errors import PeiyuError
from desktop.sheet_export import safe_text
from desktop.sheet_reader import has_sheet, read_all

FORMAT = "培育库退回清单"
META_SHEET = "退回清单信息"
SHEET = "退回清单"
HEADERS = ("序号", "统一社会信用代码", "企业名称", "所属乡镇", "退回的项目", "报送值", "退回理由", "审核人", "审核日期")
_WIDTHS = (6, 21, 30, 10, 30, 30, 36, 10, 12)
_THIN = Side(style="thin", color="000000")


@dataclass(frozen=True)
class ReturnedRow:
    row: int
    uscc: str
    name: str
    fields: str
    reason: str
    reviewer: str  # 审核人 at the unit above, as the sheet names them
    found: bool


def write_returns(out: str | Path, *, submission: int | None = None) -> int:
    """Write the items sent back (of one submission, or all) as the 退回清单; return how many rows."""
    chosen = review_queue.items(submission=submission, status=review.RETURNED)
    if not chosen:
        raise PeiyuError("没有退回的记录，无需生成退回清单")
    sources = sorted({i.submission.source_unit for i in chosen})
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    own = units.own_unit().name
    sheet.append([f"{own}审核退回清单（{'、'.join(sources)}）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    for number, item in enumerate(chosen, start=1):
        back = set(review_queue.returned_keys(item))
        changes = [c for c in review_queue.changes_of(item) if c.key in back]
        fields = "、".join(c.label for c in changes) or "整条记录"
        sent = "；".join(f"{c.label}：{c.new or '（空）'}" for c in changes)
        when = item.reviewed_at.strftime("%Y-%m-%d") if item.reviewed_at else ""
        values = [number, item.uscc, item.name, item.town or "", fields, sent, item.comment or "", item.reviewer, when]
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(cell.value, str):
                cell.value = safe_text(cell.value)
                cell.data_type = "s"
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    info = book.create_sheet(META_SHEET)
    info.sheet_state = "veryHidden"
    for key, value in (
        ("format", FORMAT),
        ("from", own),
        ("to", "、".join(sources)),
        ("date", date.today().isoformat()),
    ):
        info.append([key, value])
    book.save(out)
    return len(chosen)


def is_returns(path: str | Path) -> bool:
    """Whether the file is a 退回清单 (has its hidden information sheet)."""
    return has_sheet(path, META_SHEET)


def read_returns(path: str | Path) -> list[ReturnedRow]:
    """The rows of a 退回清单, each saying whether its firm is in this database."""
    path = Path(path)
    sheets = {s.name: s.rows for s in read_all(path)}
    meta = {str(r[0]): r[1] for r in sheets.get(META_SHEET, []) if r and r[0] is not None}
    above = str(meta.get("from") or "上级")
    if meta.get("format") != FORMAT or SHEET not in sheets:
        raise PeiyuError(f"“{path.name}”不是培育库退回清单")
    rows = sheets[SHEET]
    if len(rows) < 2 or tuple(str(v or "") for v in rows[1][: len(HEADERS)]) != HEADERS:
        raise PeiyuError(f"退回清单“{path.name}”的列被改动过，请向上级索取原文件")
    codes = [str(r[1]) for r in rows[2:] if len(r) > 1 and r[1]]
    known = {f.uscc for f in Firm.select(Firm.uscc).where(Firm.uscc.in_(codes) & Firm.deleted_at.is_null())}
    return [
        ReturnedRow(
            number,
            str(r[1]),
            str(r[2] or ""),
            str(r[4] or ""),
            str(r[6] or ""),
            f"{r[7] or '审核员'}（{above}）",
            str(r[1]) in known,
        )
        for number, r in enumerate(rows[2:], start=3)
        if len(r) > 1 and r[1]
    ]


def apply_returns(path: str | Path) -> list[ReturnedRow]:
    """Mark each firm of the 退回清单 已退回 with its reason, in the name of the reviewer above who
    returned it; rows for firms not in this database are reported."""
    rows = read_returns(path)
    with database_proxy.atomic():
        for row in rows:
            firm = Firm.get_or_none((Firm.uscc == row.uscc) & Firm.deleted_at.is_null())
            if firm is not None:
                review.mark_returned(firm.id, row.reason, row.fields, row.reviewer)
    return rows

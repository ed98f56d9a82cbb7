"""Printed rosters: the same sheet layouts as PDF, for signature and stamp.

A4 landscape; the bundled CJK font embedded as a subset; title and unit line; the header
repeated on every page; long names wrapped inside their cell; amounts right-aligned with one
decimal; a 合计 row; the signature block at the end; 第x页 共y页 at the foot of every page.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from desktop.resources import cjk_font_path
from desktop.sheet_export import FOOTER, REPORT_EVERY
from desktop.sheet_layouts import Filters, Progress, SheetLayout, unit_label

FONT = "WenQuanYi"
_PAGE = landscape(A4)
_MARGIN = 12 * mm


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(cjk_font_path()), subfontIndex=0))


class _NumberedCanvas(Canvas):
    """Holds the pages until the end, so each can say 第x页 共y页."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initialFontName", FONT)  # so no unembedded Helvetica is referenced
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 9)
            self.drawCentredString(_PAGE[0] / 2, 7 * mm, f"第{number}页 共{total}页")
            super().showPage()
        super().save()


def _text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "amount":
        return f"{Decimal(value):,.1f}"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value)


def write_pdf(
    layout: SheetLayout,
    filters: Filters,
    out: str | Path,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the layout's rows as a PDF roster; return the number of firms listed.

    `progress(done, total)` is called as rows are laid out; if it raises, no file is left."""
    _register_font()
    rows = layout.rows(filters)
    unit = unit_label(filters)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, alignment=1)
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
    line = ParagraphStyle("line", fontName=FONT, fontSize=10, leading=14)

    widths = [6.0] + [float(c.width) for c in layout.columns]
    scale = (_PAGE[0] - 2 * _MARGIN) / sum(widths)
    col_widths = [w * scale for w in widths]
    data: list[list[Any]] = [[Paragraph("序号", head), *(Paragraph(c.header, head) for c in layout.columns)]]
    totals = {c.key: Decimal(0) for c in layout.columns if c.total}
    for number, record in enumerate(rows, start=1):
        if progress is not None and number % REPORT_EVERY == 1:
            progress(number - 1, len(rows))
        out_row: list[Any] = [str(number)]
        for column in layout.columns:
            value = record.get(column.key)
            if column.total and value is not None:
                totals[column.key] += Decimal(value)
            text = _text(value, column.kind)
            out_row.append(
                text
                if column.kind in ("amount", "int")
                else Paragraph(text.replace("&", "&amp;").replace("<", "&lt;"), cell)
            )
        data.append(out_row)
    data.append(["合计", *(_text(totals[c.key], c.kind) if c.total else "" for c in layout.columns)])

    table = LongTable(data, colWidths=col_widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("FONT", (0, -1), (-1, -1), FONT, 8),
    ]
    for index, column in enumerate(layout.columns, start=1):
        if column.kind in ("amount", "int"):
            style.append(("ALIGN", (index, 1), (index, -1), "RIGHT"))
    table.setStyle(TableStyle(style))

    doc = SimpleDocTemplate(
        str(out),
        pagesize=_PAGE,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=14 * mm,
        title=layout.title.format(unit=unit),
        author=unit,
    )
    signed = FOOTER.format(today=(today or date.today()).strftime("%Y年%m月%d日")).replace(" ", "&nbsp;")
    story = [
        Paragraph(layout.title.format(unit=unit), title),
        Paragraph(f"填报单位：{unit}　　　单位：万元　　　截至{filters.year}年{filters.month}月", line),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 8 * mm),
        Paragraph(signed, line),
    ]
    doc.build(story, canvasmaker=_NumberedCanvas)
    if progress is not None:
        progress(len(rows), len(rows))
    return len(rows)

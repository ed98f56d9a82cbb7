"""Printed rosters: the same sheet layouts as PDF, for signature and stamp.

A4 landscape; the bundled CJK font embedded as a subset; title and unit line; the header
repeated on every page; amounts right-aligned with one decimal; optionally a bold 小计 row after
each township's firms; a bold 合计 row; the signature block at the end; 第x页 共y页 at the foot of
every page. 序号 counts through the whole roster (as in the Excel sheet), also with 小计 rows.

Column widths fit the content: codes, phone numbers, dates and figures stay on one line; names
and other words get the space left (at least most of their share of the layout's widths) and
wrap between characters, the way Chinese text breaks, only when wider than their column. When
the columns need it the type shrinks from 8 pt to no less than 6.5 pt, as Excel's fit to width
does. Cells are plain strings with their line breaks put in here, measured with the font's own
advance widths: a Paragraph per cell cost more than the table itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from desktop.resources import cjk_font_path
from desktop.sheet_export import REPORT_EVERY
from desktop.sheet_layouts import Filters, Progress, SheetLayout, footer, sign_off, unit_label, unit_line

FONT = "WenQuanYi"
SIZE = 8.0  # points, the table's type, and the size text is measured at
SIZES = (8.0, 7.5, 7.0, 6.5)  # smaller type when the columns need it, as Excel's fit to width does
PAD = 3  # points left and right of a cell's text
VPAD = 2  # points above and below
PAGE = landscape(A4)
MARGIN = 12 * mm
BOTTOM = 14 * mm  # the margin under the table, with the page number in it
ROOM = PAGE[0] - 2 * MARGIN  # the table's width
_LINE = 0.5  # grid line width
_TENTH = Decimal("0.1")
_CLOSING = "，。、；：？！）》」』】〕”’%,.;:?!)]}"  # never starts a line
_OPENING = "（《「『【〔“‘([{"  # never ends a line
_TOKEN = re.compile(  # what stays on one line: a number or Latin word, or one character; with its punctuation
    f"[{re.escape(_OPENING)}]*(?:[0-9A-Za-z.,:/_@#&+\\-]+|.)[{re.escape(_CLOSING)}]*", re.S
)


def register_font() -> None:
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
            self.drawCentredString(PAGE[0] / 2, 7 * mm, f"第{number}页 共{total}页")
            super().showPage()
        super().save()


class _Bold(Flowable):
    """One line of table text in bold: the bundled font has no bold face, so the glyphs are
    filled and outlined. `shift` moves it right, to centre a label over the columns it spans."""

    def __init__(self, text: str, width: float, size: float, shift: float = 0.0) -> None:
        super().__init__()
        self.text, self.width, self.size, self.shift = text, width, size, shift
        self.height = _leading(size)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(0.3)
        text = canvas.beginText(self.shift, self.height - self.size)  # where a plain cell string's is
        text.setFont(FONT, self.size)
        text.setTextRenderMode(2)
        text.textOut(self.text)
        canvas.drawText(text)
        canvas.restoreState()


class Widths(dict[str, float]):
    """Text → its width in points at SIZE, from the font's advance widths, remembered."""

    def __init__(self) -> None:
        super().__init__()
        register_font()
        face = pdfmetrics.getFont(FONT).face
        self.advance: dict[int, float] = face.charWidths
        self.default: float = face.defaultWidth

    def __missing__(self, text: str) -> float:
        get, default = self.advance.get, self.default
        width = sum(get(ord(c), default) for c in text) * SIZE / 1000
        self[text] = width
        return width


def _leading(size: float) -> float:
    return size * 1.25


def _breakable(text: str) -> bool:
    """Chinese text may break between any two characters; codes, numbers and dates may not."""
    return any(c >= "\u2e80" for c in text)


def wrap(text: str, room: float, widths: Widths) -> str:
    """The text with line breaks so that each line fits `room` points (at SIZE): between Chinese characters,
    not inside a number or a Latin word, not after an opening nor before a closing punctuation mark
    (unless one such piece is wider than the room), the lines of about equal length."""
    if widths[text] <= room:
        return text
    out: list[str] = []
    for part in text.split("\n"):
        tokens: list[str] = []
        for token in _TOKEN.findall(part):
            tokens.extend([token] if widths[token] <= room else token)
        lines = _lines(tokens, room, widths)
        target = widths[part] / len(lines)
        while len(lines) > 1 and target < room:  # the narrowest room that still takes as few lines
            even = _lines(tokens, target, widths)
            if len(even) <= len(lines):
                lines = even
                break
            target += SIZE / 2
        out.extend(lines)
    return "\n".join(out)


def _lines(tokens: list[str], room: float, widths: Widths) -> list[str]:
    lines: list[list[str]] = [[]]
    used = 0.0
    for token in tokens:
        w = widths[token]
        if lines[-1] and used + w > room:
            lines.append([])
            used = 0.0
        lines[-1].append(token)
        used += w
    return ["".join(line) for line in lines]


def fit_widths(
    declared: Sequence[float], heads: Sequence[str], columns: Sequence[Iterable[str]], widths: Widths
) -> tuple[float, list[float]]:
    """The type size and the column widths in points filling ROOM.

    Each column is at least as wide as its widest code, number or date; as its longest name, or
    four fifths of its share of the layout's widths (four characters at the least); and a quarter of
    its header (so a header takes four lines at most); but not over twice its share. The largest of
    SIZES at which that fits is taken. What is left goes, in proportion to the layout's widths, to
    columns whose longest text does not fit yet; then to all."""
    base = [w * ROOM / sum(declared) for w in declared]
    needs = []  # per column, at SIZE: widest unbreakable text, longest line of words, header, longest
    for head, texts in zip(heads, columns):
        longest = unbroken = words = 0.0
        for text in {t for t in texts if t}:
            width = max(widths[line] for line in text.split("\n")) if "\n" in text else widths[text]
            longest = max(longest, width)
            if _breakable(text):
                words = max(words, width)
            else:
                unbroken = max(unbroken, width)
        head_token = min(max(widths[t] for t in _TOKEN.findall(head)), 3 * SIZE)
        needs.append((unbroken, words, max(widths[head] / 4, head_token, 2 * SIZE), longest))
    for size in SIZES:
        k = size / SIZE
        least = [
            min(max(unbroken * k, min(words * k, max(4 * size, 0.8 * limit - 2 * PAD)), head * k) + 2 * PAD, 2 * limit)
            for (unbroken, words, head, _), limit in zip(needs, base)
        ]
        if sum(least) <= ROOM:
            break
    else:
        return size, [w * ROOM / sum(least) for w in least]
    most = [max(need[3] * k + 2 * PAD, w) for need, w in zip(needs, least)]
    fitted = list(least)
    growing = [i for i in range(len(fitted)) if most[i] > fitted[i]]
    while growing and ROOM - sum(fitted) > 0.01:
        spare, share = ROOM - sum(fitted), sum(base[i] for i in growing)
        for i in growing:
            fitted[i] = min(most[i], fitted[i] + spare * base[i] / share)
        growing = [i for i in growing if most[i] - fitted[i] > 0.01]
    spare = ROOM - sum(fitted)
    return size, [w + spare * b / ROOM for w, b in zip(fitted, base)]


def _text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "amount":  # 四舍五入, as the Excel sheet shows it (not the banker's 2,100.2 for 2,100.25)
        return f"{Decimal(value).quantize(_TENTH, ROUND_HALF_UP):,.1f}"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value)


@dataclass
class Roster:
    """The table of a PDF roster: cell texts with their line breaks (row 0 the header), column
    widths in points, the type size, and the rows that are 小计 or 合计 with their labels (bold)."""

    cells: list[list[str]]
    widths: list[float]
    size: float = SIZE  # of the type
    labels: dict[int, str] = field(default_factory=dict)
    firms: int = 0


def roster(
    layout: SheetLayout,
    rows: Sequence[dict[str, Any]],
    *,
    subtotals: bool = False,
    progress: Progress | None = None,
) -> Roster:
    """The cells of the roster for these rows (`layout.rows(filters)`), with 小计 rows if asked."""
    columns = layout.columns
    if subtotals:  # by township (the warnings list comes by rule); the order within one is kept
        rows = sorted(rows, key=lambda r: r.get("sort", (0,))[0])
    towns = [r.get("town") or "" for r in rows]
    subtotals = subtotals and len(set(towns)) > 1  # with one township its 小计 would repeat the 合计
    cells: list[list[str]] = [["序号", *(c.header for c in columns)]]
    labels: dict[int, str] = {}
    total = {c.key: Decimal(0) for c in columns if c.total}
    town = dict(total)
    for number, record in enumerate(rows, start=1):
        if progress is not None and number % REPORT_EVERY == 1:
            progress(0, len(rows))  # rows count once on a page; this lets a cancel in sooner
        line = [str(number)]
        for column in columns:
            value = record.get(column.key)
            if column.total and value is not None:
                town[column.key] += Decimal(value)
            line.append(_text(value, column.kind))
        cells.append(line)
        if number == len(rows) or towns[number] != towns[number - 1]:  # the township's last firm
            if subtotals:
                labels[len(cells)] = f"小计（{towns[number - 1] or '未分乡镇'}）"
                cells.append(_sum_texts(layout, town))
            for key, value in town.items():
                total[key] += value
                town[key] = Decimal(0)
    labels[len(cells)] = "合计"
    cells.append(_sum_texts(layout, total))

    measure = Widths()
    declared = [6.0, *(float(c.width) for c in columns)]
    body = [[row[i] for row in cells[1:]] for i in range(len(declared))]
    size, widths = fit_widths(declared, cells[0], body, measure)
    rooms = [(w - 2 * PAD) * SIZE / size + 0.01 for w in widths]  # at SIZE, as measured; no rounding slip
    for row in cells:
        for i, text in enumerate(row):
            if text and measure[text] > rooms[i]:
                row[i] = wrap(text, rooms[i], measure)
    return Roster(cells, widths, size, labels, len(rows))


def _sum_texts(layout: SheetLayout, sums: dict[str, Decimal]) -> list[str]:
    return ["", *(_text(sums[c.key], c.kind) if c.total else "" for c in layout.columns)]


def _table(layout: SheetLayout, table: Roster) -> LongTable:
    """The LongTable: grid, header shaded and repeated, figures to the right, 小计/合计 in bold with
    their label centred over 序号 to 企业名称 (no lines between those three cells)."""
    measure, size = Widths(), table.size
    span = sum(table.widths[:3])
    data: list[list[Any]] = list(table.cells)
    for index, label in table.labels.items():
        shift = (span - table.widths[0]) / 2  # the cell centres it in 序号; move it to the middle of three
        bold = [_Bold(t, measure[t] * size / SIZE, size) if t else "" for t in table.cells[index][1:]]
        data[index] = [_Bold(label, measure[label] * size / SIZE, size, shift), *bold]
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, size, _leading(size)),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), VPAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), VPAD),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("BOX", (0, 0), (-1, -1), _LINE, colors.black),
        ("LINEBELOW", (0, 0), (-1, -1), _LINE, colors.black),
        ("LINEAFTER", (2, 0), (-2, -1), _LINE, colors.black),
    ]
    for index, column in enumerate(layout.columns, start=1):
        if column.kind in ("amount", "int"):
            style.append(("ALIGN", (index, 1), (index, -1), "RIGHT"))
    start = 0  # the lines after 序号 and the code, except across the label rows
    for index in [*sorted(table.labels), len(data)]:
        if index > start:
            style.append(("LINEAFTER", (0, start), (1, index - 1), _LINE, colors.black))
        start = index + 1
    return LongTable(data, colWidths=table.widths, repeatRows=1, style=TableStyle(style))


class _Roster(SimpleDocTemplate):
    """Counts the table's rows as each page takes some, for `progress`."""

    def __init__(self, out: str, rows: int, firms: int, progress: Progress | None, **kw: Any) -> None:
        super().__init__(out, **kw)
        self.rows, self.firms, self.placed, self.progress = rows, firms, 0, progress

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        if self.progress is not None and isinstance(flowable, LongTable):
            self.placed += len(flowable._cellvalues) - 1  # less the repeated header
            self.progress(min(self.firms, self.firms * self.placed // self.rows), self.firms)


def write_pdf(
    layout: SheetLayout,
    filters: Filters,
    out: str | Path,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    subtotals: bool = False,
) -> int:
    """Write the layout's rows as a PDF roster; return the number of firms listed.

    With `subtotals`, each township's firms are followed by a bold 小计（乡镇） row of its sums.
    `progress(done, total)` is called as rows are laid out; if it raises, no file is left."""
    return write_rows(layout, filters, layout.rows(filters), out, today=today, progress=progress, subtotals=subtotals)


def write_rows(
    layout: SheetLayout,
    filters: Filters,
    rows: Sequence[dict[str, Any]],
    out: str | Path,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    subtotals: bool = False,
) -> int:
    """`write_pdf` for rows already fetched (`layout.rows(filters)`); the benchmark times the two apart."""
    register_font()
    unit = unit_label(filters)
    if progress is not None:
        progress(0, len(rows))
    table = roster(layout, rows, subtotals=subtotals, progress=progress)
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
    line = ParagraphStyle("line", fontName=FONT, fontSize=10, leading=14)
    doc = _Roster(
        str(out),
        len(table.cells) - 1,
        table.firms,
        progress,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=BOTTOM,
        title=layout.title.format(unit=unit),
        author=unit,
    )
    signed = sign_off(list(rows))
    signature = footer(signed, today or date.today()).replace(" ", "&nbsp;")
    story = [
        Paragraph(layout.title.format(unit=unit), title),
        Paragraph(unit_line(filters, signed).replace(" ", "&nbsp;"), line),
        Spacer(1, 4 * mm),
        _table(layout, table),
        Spacer(1, 8 * mm),
        Paragraph(signature, line),
    ]
    doc.build(story, canvasmaker=_NumberedCanvas)
    if progress is not None:
        progress(table.firms, table.firms)
    return table.firms

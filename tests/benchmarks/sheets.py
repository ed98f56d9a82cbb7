"""Benchmark: the basic sheet (xlsx) for the 100,000-firm demo, and a 10,000-row PDF roster, each
beside the bare library writing the same cells.

    bash installers/dev.sh bench sheets [--firms N] [--db PATH] [--reuse] [--pdf-rows N] [--repeat N]
    .venv/bin/python tests/benchmarks/sheets.py --reuse     # the same, from the repository root

Uses the demo database of registry_search (100,000 firms; about 80,000 of them in 基础信息库, the
firms the basic sheet lists), at the latest month with figures. It measures:

1. the rows: `layout.rows(filters)` once (one joined query plus the row dictionaries), beside
   one plain SQL query returning the same fields, for information;
2. xlsx, interleaved --repeat times: ours = `sheet_export.write_rows` (the writing half of
   `write_sheet`: official styling, 合计, footer, page setup, streamed) for the rows fetched in 1;
   raw = openpyxl write-only `append` of the same values (header and one list per firm, no styles).
   Target: ours ≤ 1.5× raw. The end-to-end figure (rows + writing) is printed beside it;
3. PDF for --pdf-rows firms (every n-th row, so every township is in it), interleaved: ours =
   `sheet_pdf.write_rows` (cells, fitted widths, wrapping, title, 合计, signature, 第x页 共y页);
   raw = a reportlab LongTable of the same cell texts (the same line breaks), the same font, type
   size, paddings and column widths (so the same pages), header repeated, grid, in a
   SimpleDocTemplate with the same page and margins. Target: ours ≤ 1.3× raw. The same with 小计 rows, for information.

Wall-clock medians, and CPU seconds beside them (steadier on a shared machine). Exits 0 whatever
the figures: it reports, it does not test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from common import build_demo

XLSX_TARGET = 1.5
PDF_TARGET = 1.3
RAW_ROWS = """
SELECT f.uscc, f.name, u.name, f.industry_code, c.name, f.legal_rep, f.contact_person, f.contact_phone,
       f.employees, dec.revenue, cur.revenue, cur.electricity, cur.tax, f.production_start, f.cadre, f.remark
FROM cultivation_entry e
JOIN firm f ON f.id = e.firm_id
LEFT JOIN unit u ON u.id = f.town_id
LEFT JOIN industry_chain c ON c.id = f.chain_id
LEFT JOIN monthly_figure cur ON cur.firm_id = f.id AND cur.year = ?1 AND cur.month = ?2
LEFT JOIN monthly_figure dec ON dec.firm_id = f.id AND dec.year = ?1 - 1 AND dec.month = 12
WHERE e.database = ?3 AND e.date_out IS NULL AND e.deleted_at IS NULL AND f.deleted_at IS NULL
ORDER BY u.sort_order, f.search_key
"""


def once(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def interleaved(fns: list[Callable[[], object]], repeat: int) -> list[tuple[float, float]]:
    """Median wall and CPU seconds of each function, run in turn `repeat` times."""
    runs: list[list[tuple[float, float]]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, runs):
            out.append(once(fn))
    return [(statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for r in runs]


def line(label: str, *figures: float | int | str, width: int = 50) -> str:
    """A table line: the label padded to `width` terminal columns (a Chinese character takes two)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in label)
    cells = "".join(f"{f:>8.2f}" if isinstance(f, float) else f"{f:>8}" for f in figures)
    return label + " " * max(1, width - shown) + cells


def plain(kind: str, value: Any) -> Any:
    """A value as a raw dump would give it to openpyxl."""
    if value is None:
        return None
    if kind == "amount":
        return float(value)
    if kind == "int":
        return int(value)
    return value.isoformat() if isinstance(value, date) else str(value)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "peiyu-bench-100k.db")
    parser.add_argument("--reuse", action="store_true", help="use an existing database at --db")
    parser.add_argument("--pdf-rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    if not (args.reuse and args.db.exists()):
        seconds, peak = build_demo(args.db, args.firms)
        print(f"demo --firms {args.firms}: {seconds:.1f} s, peak memory {peak:.0f} MB")

    from openpyxl import Workbook
    from reportlab.lib import colors
    from reportlab.platypus import LongTable, SimpleDocTemplate

    from db.connection import open_database
    from desktop import cultivation, sheet_export, sheet_layouts, sheet_pdf

    database = open_database(str(args.db))
    raw_db = database.connection()
    filters = sheet_layouts.latest_or(None, None)
    layout = sheet_layouts.layout_for("basic", filters)
    work = Path(tempfile.mkdtemp(prefix="peiyu-bench-sheets-"))
    print(f"basic sheet, period {filters.year}-{filters.month:02d}, files in {work}")

    # 1. the rows ----------------------------------------------------------------------------
    rows: list[dict[str, Any]] = []
    rows_wall, rows_cpu = once(lambda: rows.extend(layout.rows(filters)))
    query = (filters.year, filters.month, cultivation.BASIC_INFO)
    sql_s = once(lambda: raw_db.execute(RAW_ROWS, query).fetchall())
    fetched = len(raw_db.execute(RAW_ROWS, query).fetchall())
    print(f"\n1. rows: {len(rows)} firms")
    print(line("", "wall s", "cpu s"))
    print(line("layout.rows(filters)", rows_wall, rows_cpu))
    print(line(f"one SQL query, same fields, {fetched} rows", *sql_s))

    # 2. xlsx --------------------------------------------------------------------------------
    kinds = [(c.key, c.kind) for c in layout.columns]
    values = [[n, *(plain(kind, r.get(key)) for key, kind in kinds)] for n, r in enumerate(rows, start=1)]
    head = ["序号", *(c.header for c in layout.columns)]

    def raw_xlsx() -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("basic")
        sheet.append(head)
        for firm in values:
            sheet.append(firm)
        book.save(work / "raw.xlsx")

    def ours_xlsx() -> None:
        sheet_export.write_rows(layout, filters, rows, work / "basic.xlsx")

    (ours_w, ours_c), (raw_w, raw_c) = interleaved([ours_xlsx, raw_xlsx], args.repeat)
    print(f"\n2. xlsx, {len(rows)} rows × {len(head)} columns, median of {args.repeat}")
    print(line("", "wall s", "cpu s"))
    print(line("ours: write_rows (styled, 合计, page setup)", ours_w, ours_c))
    print(line("raw: openpyxl write-only append, same values", raw_w, raw_c))
    print(line("end to end: layout.rows + write_rows", rows_wall + ours_w, rows_cpu + ours_c))
    ratio = ours_w / raw_w
    verdict = "met" if ratio <= XLSX_TARGET else "NOT met"
    print(f"writing / raw dump: {ratio:.2f}× wall, {ours_c / raw_c:.2f}× cpu (target ≤ {XLSX_TARGET}×: {verdict})")
    print(
        f"end to end / raw dump: {(rows_wall + ours_w) / raw_w:.2f}× wall "
        f"(rows {rows_wall / (rows_wall + ours_w):.0%} of it; target ≤ {XLSX_TARGET}×: "
        f"{'met' if (rows_wall + ours_w) / raw_w <= XLSX_TARGET else 'NOT met'})"
    )

    # 3. PDF ---------------------------------------------------------------------------------
    step = max(1, len(rows) // args.pdf_rows)
    sample = rows[::step][: args.pdf_rows]
    table = sheet_pdf.roster(layout, sample)
    cells_s = min(once(lambda: sheet_pdf.roster(layout, sample)) for _ in range(args.repeat))
    grid = [  # the same type and paddings, so the same pages
        ("FONT", (0, 0), (-1, -1), sheet_pdf.FONT, table.size, table.size * 1.25),
        ("LEFTPADDING", (0, 0), (-1, -1), sheet_pdf.PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), sheet_pdf.PAD),
        ("TOPPADDING", (0, 0), (-1, -1), sheet_pdf.VPAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), sheet_pdf.VPAD),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ]

    def raw_pdf() -> None:
        doc = SimpleDocTemplate(
            str(work / "raw.pdf"),
            pagesize=sheet_pdf.PAGE,
            leftMargin=sheet_pdf.MARGIN,
            rightMargin=sheet_pdf.MARGIN,
            topMargin=sheet_pdf.MARGIN,
            bottomMargin=sheet_pdf.BOTTOM,
        )
        doc.build([LongTable(table.cells, colWidths=table.widths, repeatRows=1, style=grid)])

    def ours_pdf() -> None:
        sheet_pdf.write_rows(layout, filters, sample, work / "basic.pdf")

    def ours_subtotals() -> None:
        sheet_pdf.write_rows(layout, filters, sample, work / "subtotals.pdf", subtotals=True)

    sheet_pdf.register_font()
    (ours_w, ours_c), (raw_w, raw_c), (sub_w, sub_c) = interleaved([ours_pdf, raw_pdf, ours_subtotals], args.repeat)
    from pypdf import PdfReader

    pages = {name: len(PdfReader(work / name).pages) for name in ("basic.pdf", "raw.pdf", "subtotals.pdf")}
    towns = len({r.get("town") for r in sample})
    print(f"\n3. PDF, {len(sample)} rows (one in {step}, {towns} townships), median of {args.repeat}")
    print(line("", "wall s", "cpu s", "pages"))
    print(line("ours: write_rows", ours_w, ours_c, pages["basic.pdf"]))
    print(line("  of which cells, widths, wrapping (roster)", *cells_s))
    print(line("raw: LongTable, same cells, font, widths", raw_w, raw_c, pages["raw.pdf"]))
    print(line("ours with 小计 per township", sub_w, sub_c, pages["subtotals.pdf"]))
    ratio = ours_w / raw_w
    verdict = "met" if ratio <= PDF_TARGET else "NOT met"
    print(f"roster / raw LongTable: {ratio:.2f}× wall, {ours_c / raw_c:.2f}× cpu (target ≤ {PDF_TARGET}×: {verdict})")
    print(f"with 小计 / raw LongTable: {sub_w / raw_w:.2f}× wall (information only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

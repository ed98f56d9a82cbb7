"""PDF rosters read back with pypdf: official look on every page, wrapped names, codes on one line,
and 小计 rows per township whose sums are the hand-computed ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pypdf
import pytest

from desktop import cultivation, figures, registry, review, sheet_layouts, sheet_pdf
from desktop.uscc import complete as uscc_complete

D = Decimal
PERIOD = sheet_layouts.Filters(2026, 10)
FIRMS = [  # code, name, township, employees, revenue 2026-10, tax 2026-10, revenue 2025 (万元)
    ("91350100M000100Y43", "鑫华机械有限公司", "巴公镇", 50, "1712.5", "10.05", "2100.25"),
    ("91110108551385082Q", "泽兴建材有限公司", "巴公镇", 30, "1000.1", "5.00", None),
    ("91110000600037341L", "北留镇宏达精密铸造科技发展有限责任公司", "北留镇", 20, "800", "0.04", "950"),
    ("91140525MA0K000011", "南村镇兴旺食品有限公司", "南村镇", 7, "333.33", None, None),
]
FILLED = {  # every column of the basic sheet holds something, as in a county's real roster
    "industry_code": "C3311",
    "chain": "装备制造",
    "legal_rep": "王建国",
    "contact_person": "李秀英",
    "contact_phone": "0356-2012345",
    "cadre": "张伟",
    "remark": "生产正常，已核实",
    "production_start": "2015-06-01",
}


def _firm(
    code: str, name: str, town: str, employees: int | None, values: dict[str, D], last: str | None, **more: str
) -> None:
    fields = {"uscc": code, "name": name, "town": town, "employees": employees, **more}
    firm_id = registry.create_firm(fields, actor="x").firm_id
    figures.store(firm_id, 2026, 10, values, actor="x")
    if last:
        figures.store(firm_id, 2025, 12, {"revenue": D(last)}, actor="x")
    cultivation.enter(firm_id, cultivation.BASIC_INFO, year=2026, date_in=date(2026, 1, 1), reason="", actor="x")
    review.approve_records([firm_id], [], "审核员甲", None)  # a county's roster lists reviewed firms


@pytest.fixture
def towns(county):
    for code, name, town, employees, revenue, tax, last in FIRMS:
        values = {"revenue": D(revenue), **({"tax": D(tax)} if tax else {})}
        _firm(uscc_complete(code[:16]), name, town, employees, values, last)
    return PERIOD


def _pages(path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def _after(text: str, label: str) -> list[str]:
    """The figures printed on the row of this label (the line after it, as pypdf reads it)."""
    return text.split(label, 1)[1].split("\n")[1].split()


def test_subtotals_per_township_add_up(towns, tmp_path):
    out = tmp_path / "basic.pdf"
    layout = sheet_layouts.layout_for("basic", towns)
    assert sheet_pdf.write_pdf(layout, towns, out, today=date(2026, 11, 5), subtotals=True) == 4
    text = "\n".join(_pages(out))
    # 从业人员, 2025年 and 2026年1-10月主营业务收入, 用电量, 纳税额: summed exactly, then 四舍五入 to 0.1
    assert _after(text, "小计（巴公镇）") == ["80", "2,100.3", "2,712.6", "0.0", "15.1"]  # 10.05 + 5.00
    assert _after(text, "小计（北留镇）") == ["20", "950.0", "800.0", "0.0", "0.0"]
    assert _after(text, "小计（南村镇）") == ["7", "0.0", "333.3", "0.0", "0.0"]
    assert _after(text, "合计") == ["107", "3,050.3", "3,845.9", "0.0", "15.1"]  # 3050.25; 3845.93; 15.09
    flat = "".join(text.split())
    order = [
        flat.index(s) for s in ("鑫华机械", "泽兴建材", "小计（巴公镇）", "宏达精密", "小计（北留镇）", "兴旺食品")
    ]
    assert order == sorted(order)  # each 小计 right after its township's firms
    assert flat.index("小计（南村镇）") < flat.index("合计") < flat.index("填报日期：2026年11月05日")
    # 序号 counts through the roster, as in the Excel sheet: 3 is the first firm of 北留镇
    assert "\n3\n" in text.split("小计（巴公镇）")[1].split("小计（北留镇）")[0]


def test_no_subtotals_unless_asked_or_for_one_township(towns, tmp_path):
    layout = sheet_layouts.layout_for("basic", towns)
    sheet_pdf.write_pdf(layout, towns, tmp_path / "plain.pdf")
    assert "小计" not in "".join(_pages(tmp_path / "plain.pdf"))
    one = sheet_layouts.Filters(2026, 10, "巴公镇")
    sheet_pdf.write_pdf(sheet_layouts.layout_for("basic", one), one, tmp_path / "one.pdf", subtotals=True)
    text = "\n".join(_pages(tmp_path / "one.pdf"))
    assert "小计" not in text
    assert _after(text, "合计") == ["80", "2,100.3", "2,712.6", "0.0", "15.1"]


def test_pdf_roster_pages(towns, tmp_path):
    for n in range(60):  # enough rows for several pages
        code = uscc_complete(f"9114052500{n:06d}"[:16])
        town = "巴公镇" if n < 40 else "南村镇"
        _firm(code, f"测试企业{n:02d}有限公司", town, 12, {"revenue": D("100")}, None, **FILLED)
    out = tmp_path / "basic.pdf"
    count = sheet_pdf.write_pdf(sheet_layouts.layout_for("basic", towns), towns, out, today=date(2026, 11, 5))
    assert count == 64
    reader = pypdf.PdfReader(out)
    texts = [p.extract_text() for p in reader.pages]
    pages = ["".join(t.split()) for t in texts]  # wrapped cells break lines
    total = len(pages)
    assert total >= 2
    assert "泽州县500-2000万规下工业企业基础信息库汇总表" in pages[0]
    assert all("统一社会信用代码" in text for text in pages)  # the header repeats on every page
    assert all(f"第{i}页共{total}页" in text for i, text in enumerate(pages, start=1))
    assert "合计" in pages[-1] and "填报日期：2026年11月05日" in pages[-1]
    lines = {line.strip() for text in texts for line in text.split("\n")}
    assert uscc_complete("91350100M000100Y43"[:16]) in lines  # a code is never broken over two lines
    long_name = "北留镇宏达精密铸造科技发展有限责任公司"
    assert long_name not in lines and long_name in "".join(pages)  # a long name wraps inside its cell
    assert b"/FontFile2" in out.read_bytes()  # the CJK font is embedded
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape


def test_wrap_breaks_between_characters_not_inside_numbers():
    widths = sheet_pdf.Widths()
    header = sheet_pdf.wrap("2026年1-10月主营业务收入（万元）", 36, widths).split("\n")
    assert header[0] == "2026年" and "1-10月" in header[1]
    assert all(widths[line] <= 36 for line in header)
    assert not any(line.startswith(("）", "，")) or line.endswith("（") for line in header)
    assert sheet_pdf.wrap("包联干部", 25, widths) == "包联\n干部"  # even lines, not 包联干 / 部
    assert sheet_pdf.wrap("巴公镇", 100, widths) == "巴公镇"

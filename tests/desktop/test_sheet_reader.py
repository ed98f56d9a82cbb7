"""desktop.sheet_reader: the shared samples, generated workbooks and CSVs, and hostile files it must refuse."""

from __future__ import annotations

import datetime
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop import sheet_reader
from desktop.sheet_reader import Limits, Sheet, UnreadableFile, read_all, read_sheet, sheet_names

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
BEILIU = SAMPLES / "北留镇_规下工业企业基础信息库_2026年10月.xlsx"
BAGONG = SAMPLES / "巴公镇_规下工业企业基础信息库_2026年10月.xlsx"
MONTHLY = SAMPLES / "月度监测_2026年1-10月.xlsx"
OLD_XLS = SAMPLES / "旧版名单.xls"
GBK_CSV = SAMPLES / "企业名单_GBK编码.csv"

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not mounted")


def refused(path: Path, **kwargs: object) -> str:
    """The message of the UnreadableFile that reading `path` raises; it always names the file first."""
    with pytest.raises(UnreadableFile) as caught:
        read_sheet(path, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith(f"无法读取“{path.name}”："), message
    return message


# --- the shared samples -------------------------------------------------------------------------------------------


@needs_samples
@pytest.mark.parametrize("path", sorted(SAMPLES.iterdir()) if SAMPLES.is_dir() else [], ids=lambda p: p.name)
def test_every_sample_reads(path: Path) -> None:
    sheets = read_all(path)
    assert [s.name for s in sheets] == sheet_names(path)
    assert sheets[0].rows and all(len(row) == len(sheets[0].rows[0]) for row in sheets[0].rows)


@needs_samples
def test_gbk_csv_sample_reads_chinese_as_strings() -> None:
    sheet = read_sheet(GBK_CSV)
    assert sheet_names(GBK_CSV) == ["企业名单_GBK编码"]
    assert sheet.name == "企业名单_GBK编码"
    assert len(sheet.rows) == 31
    assert sheet.rows[0] == [
        "统一社会信用代码",
        "企业名称",
        "所属乡镇",
        "行业代码",
        "2025年主营业务收入（万元）",
        "联系人",
        "联系电话",
    ]
    assert sheet.rows[1] == [
        "91140525WAUM3F247L",
        "瑞鑫精密铸造有限公司",
        "李寨乡",
        "D4411",
        "1073.3",
        "赵峰",
        "18269639931",
    ]


@needs_samples
def test_old_xls_sample() -> None:
    sheet = read_sheet(OLD_XLS)
    assert sheet_names(OLD_XLS) == ["名单"]
    assert (sheet.name, len(sheet.rows), len(sheet.rows[0])) == ("名单", 27, 6)
    assert sheet.rows[0] == ["规下工业企业名单", None, None, None, None, None]
    assert sheet.rows[1][0] == "统一社会信用代码"
    assert sheet.rows[2] == ["911405250X53W4323G", "昌旭新材料科技有限公司", "巴公镇", "C3311", 1710.1, "何秀志"]


@needs_samples
def test_beiliu_xlsx_sample_header_data_and_total_row() -> None:
    sheet = read_sheet(BEILIU)
    assert sheet_names(BEILIU) == ["Sheet1"]
    assert (len(sheet.rows), len(sheet.rows[0])) == (46, 18)
    assert sheet.rows[0][0] == "泽州县北留镇500-2000万规下工业企业基础信息库"
    assert sheet.rows[0][1:] == [None] * 17  # the merged title's other cells
    assert sheet.rows[2] == [
        "序号", "统一社会信用代码", "企业名称", "所属乡镇", "行业代码", "行业名称", "所属产业链", "法定代表人", "联系人",
        "联系电话", "从业人员（人）", "2025年主营业务收入（万元）", "2026年1-10月主营业务收入（万元）",
        "2026年1-10月用电量（万千瓦时）", "2026年1-10月纳税额（万元）", "投产时间", "包联干部", "备注",
    ]  # fmt: skip
    assert sheet.rows[3] == [
        1, "911405259KDJJ1PG6G", "康盛酒业有限公司", "北留镇", "D4411", "火力发电", "氢能", "孙卫娟", "周涛",
        "13299783882", 259, 773.7, 647.1, 200.75, 33.67, "2012-10-01", "杨小俊", None,
    ]  # fmt: skip
    assert type(sheet.rows[3][0]) is int and type(sheet.rows[3][10]) is int
    # Row 44 is 合计 with =SUM(L4:L43) … =SUM(O4:O43). The sample was written by openpyxl, which stores formulas
    # without a cached result (<f>SUM(L4:L43)</f><v />; Excel recomputes on opening because of fullCalcOnLoad).
    # calamine reads cached results and never evaluates, so these cells read as empty, not as formula text.
    assert sheet.rows[43] == ["合计"] + [None] * 17
    assert sheet.rows[45][0].startswith("填报人：")  # type: ignore[union-attr]


@needs_samples
def test_other_xlsx_samples() -> None:
    bagong = read_sheet(BAGONG)
    assert (bagong.name, len(bagong.rows)) == ("Sheet1", 68)
    assert bagong.rows[3][:3] == [1, "911405257X9FNR6A01", "嘉康煤机配件有限公司"]
    monthly = read_sheet(MONTHLY)
    assert (monthly.name, len(monthly.rows), len(monthly.rows[0])) == ("月度数据", 1001, 8)
    assert monthly.rows[1] == ["911405257X9FNR6A01", "嘉康煤机配件有限公司", "2026-01", 61, 64.1, 11.88, 1.83, 247]


# --- generated workbooks ------------------------------------------------------------------------------------------


def test_openpyxl_workbook_values_and_shape(tmp_path: Path) -> None:
    path = tmp_path / "生成.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "企业"
    ws["B2"], ws["C2"], ws["D2"], ws["E2"], ws["F2"], ws["G2"] = "名称", "成立日期", "核对时间", "人数", "收入", "电话"
    ws.append(
        [None, "甲公司", datetime.date(2012, 10, 1), datetime.datetime(2026, 11, 5, 8, 30), 259, 773.7, 13299783882]
    )
    ws.append([None, "乙公司", datetime.date(2020, 2, 29), None, 0, -12.5, None, True])
    literal = ws.cell(row=5, column=2, value="=不是公式")
    literal.data_type = "s"  # text that starts with "=" (openpyxl would otherwise store a formula)
    ws["C5"] = "=SUM(E3:E4)"  # a formula openpyxl writes without a cached value
    ws["J9"].number_format = "0.00"  # a formatted but empty cell far out: trimmed
    wb.save(path)

    sheet = read_sheet(path)
    assert sheet.name == "企业"
    assert sheet.rows == [
        [None] * 8,
        [None, "名称", "成立日期", "核对时间", "人数", "收入", "电话", None],
        [
            None,
            "甲公司",
            datetime.date(2012, 10, 1),
            datetime.datetime(2026, 11, 5, 8, 30),
            259,
            773.7,
            13299783882,
            None,
        ],
        [None, "乙公司", datetime.date(2020, 2, 29), None, 0, -12.5, None, True],
        [None, "=不是公式", None, None, None, None, None, None],
    ]
    assert type(sheet.rows[2][4]) is int and type(sheet.rows[2][5]) is float


def _workbook_with_sheet_xml(path: Path, sheet_xml: str) -> Path:
    """An openpyxl workbook whose sheet1.xml is replaced, to get what Excel writes and openpyxl cannot."""
    skeleton = path.with_name("skeleton.xlsx")
    openpyxl.Workbook().save(skeleton)
    with zipfile.ZipFile(skeleton) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = sheet_xml.encode() if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            dst.writestr(info.filename, data)
    return path


SHEET_XML = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}<sheetData>{}</sheetData></worksheet>'


def test_formulas_read_as_their_cached_values_as_excel_saves_them(tmp_path: Path) -> None:
    row = (
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>'
        '<c r="C1"><f>SUM(A1:B1)</f><v>3</v></c>'
        '<c r="D1" t="str"><f>A1&amp;"x"</f><v>1x</v></c>'
        '<c r="E1"><f>A1/3</f><v>0.3333333333333333</v></c>'
        '<c r="F1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="G1"><f>SUM(A1:B1)</f><v>3</v></c></row>'
    )
    path = _workbook_with_sheet_xml(tmp_path / "公式.xlsx", SHEET_XML.format("", row))
    # calamine gives error cells as empty; the rest are values, never formula text
    assert read_sheet(path).rows == [[1, 2, 3, "1x", 0.3333333333333333, None, 3]]


def test_default_sheet_is_the_first_visible_one_with_data(tmp_path: Path) -> None:
    path = tmp_path / "多表.xlsx"
    wb = openpyxl.Workbook()
    empty = wb.active
    assert empty is not None
    empty.title = "Sheet1"
    hidden = wb.create_sheet("下拉选项")
    hidden["A1"] = "钢铁"
    hidden.sheet_state = "hidden"
    wb.create_sheet("名单")["A1"] = "企业名称"
    wb.save(path)

    assert sheet_names(path) == ["Sheet1", "下拉选项", "名单"]
    assert read_sheet(path) == Sheet("名单", [["企业名称"]])
    assert read_sheet(path, "下拉选项") == Sheet("下拉选项", [["钢铁"]])
    assert read_sheet(path, "Sheet1") == Sheet("Sheet1", [])
    assert [s.name for s in read_all(path)] == ["Sheet1", "下拉选项", "名单"]
    assert "没有名为“汇总”的工作表（现有：Sheet1、下拉选项、名单）" in refused(path, sheet="汇总")


def test_a_hidden_sheet_with_data_is_the_fallback(tmp_path: Path) -> None:
    path = tmp_path / "隐藏.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    wb.create_sheet("数据")["A1"] = 1
    wb["数据"].sheet_state = "hidden"
    wb.save(path)
    assert read_sheet(path) == Sheet("数据", [[1]])


def test_content_decides_the_reader_for_workbooks_with_the_wrong_extension(tmp_path: Path) -> None:
    # WPS sometimes saves an .xlsx zip under .xls; a clerk may rename an .xls to .xlsx
    xlsx = tmp_path / "WPS保存.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["企业名称", 12])
    wb.save(xlsx)
    wps = tmp_path / "WPS保存.xls"
    shutil.copy(xlsx, wps)
    assert read_sheet(wps) == Sheet("Sheet", [["企业名称", 12]])
    if OLD_XLS.exists():
        renamed = tmp_path / "旧版名单.xlsx"
        shutil.copy(OLD_XLS, renamed)
        assert read_sheet(renamed) == read_sheet(OLD_XLS)


# --- CSV ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param("\ufeff名称,人数\r\n甲公司,12\r\n".encode(), [["名称", "人数"], ["甲公司", "12"]], id="utf8-bom"),
        pytest.param("名称,人数\n甲公司,12\n".encode(), [["名称", "人数"], ["甲公司", "12"]], id="utf8"),
        pytest.param("名称\t人数\n甲公司\t12\n".encode(), [["名称", "人数"], ["甲公司", "12"]], id="tab"),
        pytest.param("名称;人数\n甲公司;12\n".encode(), [["名称", "人数"], ["甲公司", "12"]], id="semicolon"),
        pytest.param(
            "名称,所属乡镇\n泽州县巴公镇,巴公镇\n".encode("gbk"),
            [["名称", "所属乡镇"], ["泽州县巴公镇", "巴公镇"]],
            id="gbk",
        ),
        pytest.param("名称\n甲公司\n".encode(), [["名称"], ["甲公司"]], id="one-column"),
        pytest.param(
            '名称,地址,人数\n甲公司,"巴公镇,东街",12\n乙公司,"两行\n地址",\n'.encode(),
            [["名称", "地址", "人数"], ["甲公司", "巴公镇,东街", "12"], ["乙公司", "两行\n地址", None]],
            id="quoted",
        ),
        pytest.param(
            "名称,人数,备注\n甲公司\n乙公司,3,,,\n\n,,\n".encode(),
            [["名称", "人数", "备注"], ["甲公司", None, None], ["乙公司", "3", None]],
            id="ragged",
        ),
        pytest.param("名称\t人数\n甲公司\t0012\n".encode("utf-16"), [["名称", "人数"], ["甲公司", "0012"]], id="utf16"),
    ],
)
def test_csv_encodings_delimiters_and_shape(tmp_path: Path, data: bytes, expected: list[list[object]]) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes(data)
    assert sheet_names(path) == ["名单"]
    assert read_sheet(path) == Sheet("名单", expected)
    assert read_all(path) == [Sheet("名单", expected)]


def test_csv_in_no_known_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"\x80\x80,\xff\xfe\xfd\n")
    assert "无法识别文件的文字编码" in refused(path)


# --- hostile and wrong files --------------------------------------------------------------------------------------


def test_text_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_text("名称,人数\n甲公司,12\n", encoding="utf-8")
    assert "文件扩展名是 .xlsx，但内容不是 Excel 文件（可能是文本文件）" in refused(path)


def test_pdf_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "报表.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert "文件扩展名是 .xlsx，但内容不是 Excel 文件（可能是 PDF 文档）" in refused(path)


def test_zip_without_workbook_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "打包.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("readme.txt", "hello")
    assert "（可能是 ZIP 压缩包）" in refused(path)


def test_word_document_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "通知.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    assert "（可能是 Word 文档）" in refused(path)


@pytest.mark.parametrize("ext", [".xlsx", ".xlsm", ".xls"])
def test_encrypted_office_file(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"加密{ext}"
    path.write_bytes(
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1000 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100
    )
    assert refused(path).endswith("文件已加密（设置了打开密码），请在 Excel/WPS 中另存为不加密的文件后再导入")


@needs_samples
def test_encrypted_xls_with_filepass_record(tmp_path: Path) -> None:
    data = bytearray(OLD_XLS.read_bytes())
    # walk the records after the workbook-globals BOF to WRITEACCESS and turn it into a FILEPASS (RC4) record
    at = data.index(b"\x09\x08\x10\x00\x00\x06\x05\x00")
    while struct.unpack_from("<H", data, at)[0] != 0x005C:
        at += 4 + struct.unpack_from("<H", data, at + 2)[0]
    struct.pack_into("<HHHH", data, at, 0x002F, struct.unpack_from("<H", data, at + 2)[0], 1, 1)
    path = tmp_path / "加密.xls"
    path.write_bytes(bytes(data))
    assert refused(path).endswith("文件已加密（设置了打开密码），请在 Excel/WPS 中另存为不加密的文件后再导入")


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "大.csv"
    path.write_bytes(b"a,b\n" * 300_000)
    assert "文件过大（1.1MB，上限 1MB）" in refused(path, limits=Limits(file_mb=1))
    assert read_sheet(path).rows[0] == ["a", "b"]


def _zip_bomb(path: Path, megabytes: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            zeros = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                fh.write(zeros)
    return path


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    path = _zip_bomb(tmp_path / "炸弹.xlsx", 50)
    assert path.stat().st_size < 1024 * 1024
    assert refused(path).endswith("文件解压后过大，可能已损坏或是恶意文件")


def test_zip_bomb_by_unpacked_size(tmp_path: Path) -> None:
    path = _zip_bomb(tmp_path / "炸弹.xlsm", 3)
    assert refused(path, limits=Limits(unpacked_mb=2, ratio=10**9)).endswith("文件解压后过大，可能已损坏或是恶意文件")


def test_far_cell_is_refused_before_calamine_allocates(tmp_path: Path) -> None:
    path = tmp_path / "边缘.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"], ws["Z100000"] = "名称", "误填"
    wb.save(path)
    assert "使用范围过大（A1:Z100000，约 2,600,000 个单元格）" in refused(path, limits=Limits(cells=1_000_000))
    assert len(read_sheet(path).rows) == 100_000


def test_cell_at_the_last_address_does_not_abort_the_process(tmp_path: Path) -> None:
    # Without the check calamine would allocate 1,048,576 x 16,384 cells and abort; run it in a child process
    path = tmp_path / "最远.xlsx"
    row = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    _workbook_with_sheet_xml(path, SHEET_XML.format('<dimension ref="A1:XFD1048576"/>', row))
    code = "import sys; from desktop.sheet_reader import *\ntry: read_sheet(sys.argv[1])\nexcept UnreadableFile as e: print(e)"
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=Path(sheet_reader.__file__).parents[1],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "使用范围过大（A1:XFD1048576" in done.stdout


def test_html_and_text_saved_as_xls(tmp_path: Path) -> None:
    html = tmp_path / "系统导出.xls"
    html.write_text(
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><table><tr><td>名称</td></tr></table></html>'
    )
    assert "内容其实是网页（HTML）格式的表格" in refused(html)
    text = tmp_path / "文本.xls"
    text.write_text("名称\t人数\n甲公司\t12\n", encoding="gbk")
    assert "内容其实是文本（CSV 等）格式，请把扩展名改为 .csv" in refused(text)


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "报表.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    assert refused(path) == "无法读取“报表.pdf”：无法识别的文件类型 .pdf，支持 .xlsx .xlsm .xls .csv"


def test_corrupt_workbook_gives_a_chinese_message_with_the_cause(tmp_path: Path) -> None:
    unclosed = SHEET_XML.format("", '<row r="1"><c r="A1"><v>1')  # <v>, <c> and <row> never closed
    message = refused(_workbook_with_sheet_xml(tmp_path / "损坏.xlsx", unclosed))
    assert "文件内容已损坏或格式不受支持，请在 Excel/WPS 中打开后另存为 .xlsx 再导入（XmlError: " in message


def test_truncated_zip(tmp_path: Path) -> None:
    good = tmp_path / "好.xlsx"
    openpyxl.Workbook().save(good)
    path = tmp_path / "截断.xlsx"
    path.write_bytes(good.read_bytes()[:2000])
    assert "内容不是 Excel 文件（可能是已损坏或不完整的文件（例如没有下载或复制完整））" in refused(path)


def test_missing_empty_and_folder(tmp_path: Path) -> None:
    assert refused(tmp_path / "不存在.xlsx").endswith("找不到文件，可能已被移动或删除")
    (tmp_path / "文件夹.xlsx").mkdir()
    assert refused(tmp_path / "文件夹.xlsx").endswith("这是一个文件夹，不是文件")
    empty = tmp_path / "空.csv"
    empty.write_bytes(b"")
    assert refused(empty).endswith("文件是空的（0 字节），请确认选对了文件")

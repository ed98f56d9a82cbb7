"""导出上报表格: export with progress, the 培育库 filter, 取消 that leaves no file, and 打印预览/打印
painting the PDF roster's own pages onto the printer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QDialogButtonBox

from db.models import Firm
from desktop import cultivation, demo, package, sheet_export, sheet_layouts, sheet_pdf
from ui import export_dialog, print_preview
from ui.export_dialog import ExportDialog
from ui.jobs import InlinePool, JobRunner

PERIOD = sheet_layouts.Filters(2026, 10)


class DeferredPool:
    """Holds jobs until `run_all`, so a test can press 取消 while a job is waiting to run."""

    def __init__(self) -> None:
        self.waiting: list = []

    def start(self, job) -> None:
        self.waiting.append(job)

    def run_all(self) -> None:
        while self.waiting:
            self.waiting.pop(0).run()


@pytest.fixture
def demo_firms(county):
    """60 demo firms with figures up to 2026年10月, some in 基础信息库 and 重点培育库: a roster of 3 pages."""
    demo.generate(60, seed=3, today=date(2026, 11, 21))
    return county


@pytest.fixture
def out_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "导出"
    folder.mkdir()
    return folder


def make_dialog(qtbot, folder: Path, pool=None) -> ExportDialog:
    dialog = ExportDialog(JobRunner(pool or InlinePool()), folder)
    qtbot.addWidget(dialog)
    return dialog


def names_in(workbook: str) -> list[str]:
    sheet = openpyxl.load_workbook(workbook).active
    names = [sheet.cell(row=r, column=3).value for r in range(4, sheet.max_row + 1)]
    return [n for n in names if n and n.endswith("公司")]


def pdf_printer(path: Path) -> QPrinter:
    printer = print_preview.a4_landscape_printer("测试")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def roster_pdf(path: Path) -> int:
    """The monthly roster as desktop.sheet_pdf writes it; return its page count."""
    sheet_pdf.write_pdf(sheet_layouts.layout_for("monthly", PERIOD), PERIOD, path)
    return len(PdfReader(path).pages)


def assert_pages_are_the_roster(printed: Path, pages: int) -> None:
    """Each printed page is A4 landscape and carries one opaque page image of the roster, with ink on it."""
    reader = PdfReader(printed)
    assert len(reader.pages) == pages
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
        [image] = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
        assert image["/Width"] > 3000  # rendered for paper (300 dpi), not for a screen
        assert "/SMask" not in image  # opaque: no transparent paper for a driver to print black
    document = QPdfDocument()
    document.load(str(printed))
    first = document.render(0, (document.pagePointSize(0) * 0.5).toSize())
    document.close()
    gray = first.convertToFormat(QImage.Format.Format_Grayscale8)
    row = gray.bytesPerLine()
    data = bytes(gray.constBits())
    ink = sum(1 for y in range(gray.height()) for b in data[y * row : y * row + gray.width()] if b < 128)
    assert ink > 2000  # the table's grid and text, not a blank sheet


def test_export_writes_the_workbook_with_progress_and_the_count(demo_firms, qtbot, out_folder):
    dialog = make_dialog(qtbot, out_folder)
    dialog.sheet.setCurrentIndex(dialog.sheet.findData("monthly"))
    assert (dialog.year.value(), dialog.month.value()) == (2026, 10)
    out = Path(dialog.path.text())
    assert out.name == "泽州县_月度监测表_202610.xlsx"
    reported: list[tuple[int, int]] = []
    dialog.runner.start = _spy_progress(dialog.runner.start, reported)
    dialog.export()
    assert out.exists() and len(names_in(str(out))) == 60
    assert dialog.result.text() == f"已导出 60 家企业：{out}"
    assert reported[0] == (0, 60) and reported[-1] == (60, 60)
    assert dialog.progress.maximum() == 60 and dialog.progress.value() == 60
    assert dialog.open_folder.isVisibleTo(dialog) and not dialog.progress.isVisibleTo(dialog)
    assert dialog.buttons.isEnabled() and not dialog.cancel_button.isVisibleTo(dialog)
    assert sorted(p.name for p in out_folder.iterdir()) == [out.name]  # no part file left beside it


def _spy_progress(start, seen):
    def spying(fn, on_done, on_failed, *, on_progress=None):
        def both(done: int, total: int) -> None:
            seen.append((done, total))
            on_progress(done, total)

        return start(fn, on_done, on_failed, on_progress=both if on_progress else None)

    return spying


def test_the_database_filter_reaches_the_writer(demo_firms, qtbot, out_folder):
    dialog = make_dialog(qtbot, out_folder)
    dialog.sheet.setCurrentIndex(dialog.sheet.findData("basic"))
    assert not dialog.database.isEnabled()  # 基础信息库汇总表 is that database's roster already
    dialog.sheet.setCurrentIndex(dialog.sheet.findData("monthly"))
    assert dialog.database.isEnabled()
    assert [dialog.database.itemText(i) for i in range(dialog.database.count())] == ["全部", *cultivation.DATABASES]
    dialog.database.setCurrentText(cultivation.KEY_POOL)
    assert dialog.filters().database == cultivation.KEY_POOL
    assert Path(dialog.path.text()).name == "泽州县_月度监测表_小升规重点培育库_202610.xlsx"
    dialog.export()
    in_pool = {line.name for line in cultivation.roster(cultivation.KEY_POOL)}
    listed = names_in(dialog.path.text())
    assert 0 < len(listed) < 60 and set(listed) == in_pool
    assert f"已导出 {len(in_pool)} 家企业" in dialog.result.text()


def test_cancel_leaves_no_file_and_says_so(demo_firms, qtbot, out_folder):
    pool = DeferredPool()
    dialog = make_dialog(qtbot, out_folder, pool)
    dialog.export()
    assert dialog.progress.isVisibleTo(dialog) and dialog.cancel_button.isVisibleTo(dialog)
    assert not dialog.buttons.isEnabled()
    dialog.cancel_button.click()
    pool.run_all()  # the writer's first progress report sees the cancel
    assert list(out_folder.iterdir()) == []
    assert dialog.result.text() == "已取消导出，未写入任何文件。"
    assert dialog.buttons.isEnabled() and not dialog.progress.isVisibleTo(dialog)
    assert not dialog.open_folder.isVisibleTo(dialog)


def test_cancel_after_the_writer_saved_leaves_the_older_file_untouched(demo_firms, qtbot, out_folder, monkeypatch):
    real = sheet_export.write_sheet

    def saves_then_reports(layout, filters, out, *, progress):
        count = real(layout, filters, out)
        progress(count, count)  # the last report comes after the save: 取消 arrives just then
        return count

    monkeypatch.setattr(sheet_export, "write_sheet", saves_then_reports)
    pool = DeferredPool()
    dialog = make_dialog(qtbot, out_folder, pool)
    older = Path(dialog.path.text())
    older.write_bytes(b"last month's export")
    dialog.export()
    dialog.cancel_button.click()
    pool.run_all()
    assert dialog.result.text() == "已取消导出，未写入任何文件。"
    assert older.read_bytes() == b"last month's export"
    assert list(out_folder.iterdir()) == [older]


def test_a_write_error_is_told_plainly(demo_firms, qtbot, out_folder):
    dialog = make_dialog(qtbot, out_folder)
    dialog.path.setText(str(out_folder / "没有这个文件夹" / "表.xlsx"))
    dialog.export()
    assert dialog.result.text().startswith("未能导出：无法写入") and "程序出错" not in dialog.result.text()


def test_painting_the_pdf_onto_a_printer_gives_every_page(demo_firms, tmp_path):
    pages = roster_pdf(tmp_path / "roster.pdf")
    assert pages >= 2
    printed = tmp_path / "printed.pdf"
    assert print_preview.paint_pdf(tmp_path / "roster.pdf", pdf_printer(printed)) == pages
    assert_pages_are_the_roster(printed, pages)


def test_preview_dialog_paints_every_page(demo_firms, qtbot, tmp_path):
    pages = roster_pdf(tmp_path / "roster.pdf")
    preview = print_preview.PdfPrintPreview(tmp_path / "roster.pdf", "泽州县_月度监测表_202610")
    qtbot.addWidget(preview)
    assert preview.printer.pageLayout().orientation().name == "Landscape"
    printed = tmp_path / "printed.pdf"
    preview.paintRequested.emit(pdf_printer(printed))
    assert preview.pages == pages
    assert_pages_are_the_roster(printed, pages)


def test_preview_from_the_dialog_shows_the_roster_and_removes_its_temp_file(demo_firms, qtbot, out_folder):
    dialog = make_dialog(qtbot, out_folder)
    dialog.sheet.setCurrentIndex(dialog.sheet.findData("monthly"))
    dialog.show_preview()
    preview = dialog.preview
    assert preview is not None and preview.isVisible()
    temp = preview.pdf_path
    pages = len(PdfReader(temp).pages)
    assert preview.findChild(QPrintPreviewWidget).pageCount() == pages == preview.pages >= 2
    assert preview.windowTitle() == "打印预览 — 泽州县_月度监测表_202610"
    preview.reject()
    assert dialog.preview is None and not temp.parent.exists()
    assert list(out_folder.iterdir()) == []  # previewing writes nothing where exports go


def test_print_sends_the_roster_pages_and_cleans_up(demo_firms, qtbot, out_folder, tmp_path, monkeypatch):
    printed = tmp_path / "printed.pdf"
    made: list[str] = []
    real_mkdtemp = export_dialog.tempfile.mkdtemp
    monkeypatch.setattr(export_dialog.tempfile, "mkdtemp", lambda **kw: made.append(real_mkdtemp(**kw)) or made[-1])
    monkeypatch.setattr(print_preview, "choose_printer", lambda title, parent: pdf_printer(printed))
    dialog = make_dialog(qtbot, out_folder)
    dialog.sheet.setCurrentIndex(dialog.sheet.findData("monthly"))
    dialog.print_sheet()
    pages = len(PdfReader(printed).pages)
    assert dialog.result.text() == f"已送往打印机，共 {pages} 页。"
    assert_pages_are_the_roster(printed, pages)
    monkeypatch.setattr(print_preview, "choose_printer", lambda title, parent: None)
    dialog.print_sheet()
    assert dialog.result.text() == "未打印。"
    assert len(made) == 2 and not any(Path(m).exists() for m in made)


def test_cancelling_the_preview_while_it_renders(demo_firms, qtbot, out_folder):
    pool = DeferredPool()
    dialog = make_dialog(qtbot, out_folder, pool)
    dialog.show_preview()
    dialog.cancel_button.click()
    pool.run_all()
    assert dialog.preview is None and dialog.result.text() == "已取消。" and dialog.buttons.isEnabled()


def test_package_choice_submits_and_writes_a_package(demo_firms, qtbot, out_folder):
    pending = [f.id for f in Firm.select(Firm.id).limit(5)]
    Firm.update(review_status="待审核").where(Firm.id.in_(pending)).execute()
    dialog = make_dialog(qtbot, out_folder)
    dialog.sheet.setCurrentIndex(dialog.sheet.findData("package"))
    assert not dialog.format.isEnabled() and not dialog.preview_button.isEnabled()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "提交并生成报送包"
    out = Path(dialog.path.text())
    assert out.name == "泽州县_报送包_202610.xlsx"
    dialog.export()
    read = package.read_package(out)  # verifies the checksum
    assert read.meta["reviewed_only"] and len(read.firms) == 55  # a county sends what it reviewed
    assert "只含已审核的记录，未审核的 5 家未包含" in dialog.result.text()
    assert sorted(p.name for p in out_folder.iterdir()) == [out.name]


def test_subtotals_choice_reaches_the_pdf_and_the_preview(demo_firms, qtbot, out_folder):
    dialog = make_dialog(qtbot, out_folder)
    dialog.sheet.setCurrentIndex(dialog.sheet.findData("monthly"))
    dialog.format.setCurrentIndex(dialog.format.findData(".pdf"))
    dialog.export()
    plain = "".join(page.extract_text() for page in PdfReader(dialog.path.text()).pages)
    assert "小计" not in plain and "合计" in plain
    dialog.subtotals.setChecked(True)
    dialog.export()
    text = "".join(page.extract_text() for page in PdfReader(dialog.path.text()).pages)
    towns = {row["town"] for row in sheet_layouts.layout_for("monthly", PERIOD).rows(PERIOD)}
    assert all(f"小计（{town}）" in text for town in towns) and len(towns) >= 2
    dialog.show_preview()
    previewed = "".join(page.extract_text() for page in PdfReader(dialog.preview.pdf_path).pages)
    assert "小计（" in previewed
    dialog.preview.reject()
    dialog.sheet.setCurrentIndex(dialog.sheet.findData(export_dialog.PACKAGE))
    assert not dialog.subtotals.isEnabled()  # a package for import carries no 小计 rows

"""The import wizard driven as a clerk: file, mapping, preview with problems, import, undo."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QMessageBox

from db.connection import close_database, open_database
from db.models import Firm, Submission
from desktop import registry, review, units
from ui.import_wizard import ImportWizard
from ui.jobs import InlinePool, Job, JobRunner
from ui.main_window import MainWindow
from ui.review_screen import ReviewScreen

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
BAGONG = SAMPLES / "巴公镇_规下工业企业基础信息库_2026年10月.xlsx"
OLD_XLS = SAMPLES / "旧版名单.xls"
pytestmark = pytest.mark.skipif(not BAGONG.exists(), reason="samples not beside the repository")


@pytest.fixture
def warnings(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(text))
    return shown


def open_wizard(qtbot, path: Path) -> ImportWizard:
    wizard = ImportWizard(JobRunner(InlinePool()))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.file.setText(str(path))
    wizard.file_page.load_sheets()
    assert wizard.file_page.isComplete()
    wizard.next()
    return wizard


def test_wizard_imports_the_bagong_sample_and_undoes_it(county, qtbot, warnings):
    wizard = open_wizard(qtbot, BAGONG)
    assert wizard.currentPage() is wizard.mapping_page
    assert "表头在第 3 行" in wizard.mapping_page.info.text() and "截至2026年10月" in wizard.mapping_page.info.text()
    combo = wizard.mapping_page.table.cellWidget(1, 2)
    assert isinstance(combo, QComboBox) and combo.currentText() == "统一社会信用代码"
    period = wizard.mapping_page.table.cellWidget(12, 3)
    assert period.text() == "2026-10"

    wizard.next()
    preview = wizard.preview_page
    assert wizard.currentPage() is preview
    assert preview.counts.text() == "共 61 行：新增 59 家，更新 0 家，无变化 0 家，跳过 1 行，不能导入 1 行"
    first = [preview.table.item(0, c).text() for c in range(6)]
    assert first[:2] == ["12", "不能导入"] and "B 统一社会信用代码：第18位校验码应为“M”" in first[5]
    assert preview.save_rejected.isEnabled()
    assert preview.add_chains.isVisible() and "氢能" in preview.add_chains.text()
    assert wizard.button(ImportWizard.WizardButton.NextButton).isEnabled()

    wizard.next()
    assert wizard.currentPage() is wizard.done_page
    assert "新增 59 家" in wizard.done_page.result.text()
    assert registry.count_firms() == 59 and registry.find_by_uscc("911405258TN5G4HP1M") is not None
    wizard.done_page.undo.click()
    assert registry.count_firms() == 0 and "已撤销" in wizard.done_page.result.text()


@pytest.mark.skipif(not OLD_XLS.exists(), reason="samples not beside the repository")
def test_adding_unknown_towns_from_the_preview(county, qtbot, warnings):
    wizard = open_wizard(qtbot, OLD_XLS)
    wizard.next()
    preview = wizard.preview_page
    assert preview.add_towns.isVisible() and "犁川镇" in preview.add_towns.text()
    assert "不能导入 0 行" not in preview.counts.text()
    preview.add_towns.click()
    assert "不能导入 0 行" in preview.counts.text() and "犁川镇" in [t.name for t in units.towns()]


def test_changing_the_mapping(county, qtbot, tmp_path, warnings):
    import openpyxl

    path = tmp_path / "m.xlsx"
    book = openpyxl.Workbook()
    for row in (["代码", "企业名称", "镇"], ["91350100M000100Y43", "甲公司", "巴公镇"]):
        book.active.append(row)
    book.save(path)
    wizard = open_wizard(qtbot, path)
    table = wizard.mapping_page.table
    table.cellWidget(0, 2).setCurrentText("统一社会信用代码")
    table.cellWidget(2, 2).setCurrentText("所属乡镇")
    wizard.next()
    assert "新增 1 家" in wizard.preview_page.counts.text()


def test_unreadable_file_is_explained_on_the_first_page(county, qtbot, tmp_path):
    fake = tmp_path / "名单.xlsx"
    fake.write_text("not a workbook")
    wizard = ImportWizard(JobRunner(InlinePool()))
    qtbot.addWidget(wizard)
    wizard.file_page.file.setText(str(fake))
    wizard.file_page.load_sheets()
    assert not wizard.file_page.isComplete() and "名单.xlsx" in wizard.file_page.error.text()


def test_cancel_during_an_import_cancels_the_job(county, qtbot):
    wizard = ImportWizard(JobRunner(InlinePool()))
    qtbot.addWidget(wizard)
    job = Job(lambda report: report(1, 2), with_progress=True)
    failures: list[str] = []
    job.signals.failed.connect(failures.append)
    wizard.job = job
    wizard.show()
    wizard.reject()
    assert wizard.isVisible()  # still open: the import is told to stop instead
    job.run()
    assert failures == ["已取消，未做任何更改。"]


def test_import_action_and_history_screen(county, db_path, qtbot, tmp_path, warnings):
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), str(db_path), pool=InlinePool())
    qtbot.addWidget(window)
    wizard = window.import_roster()
    wizard.file_page.file.setText(str(BAGONG))
    wizard.file_page.load_sheets()
    wizard.next()
    wizard.next()
    wizard.next()
    assert window.count_label.text() == "在库企业 59 家"
    window.sidebar.setCurrentRow(7)
    history = window.import_history
    assert history.table.rowCount() == 1 and history.table.item(0, 7).text() == "已导入"
    history.table.selectRow(0)
    history.undo_button.click()
    assert history.table.item(0, 7).text() == "已撤销" and window.count_label.text() == "在库企业 0 家"


MONTHLY = SAMPLES / "月度监测_2026年1-10月.xlsx"


@pytest.mark.skipif(not MONTHLY.exists(), reason="samples not beside the repository")
def test_monthly_file_offers_to_create_missing_firms(county, qtbot, warnings):
    wizard = open_wizard(qtbot, MONTHLY)
    wizard.next()
    preview = wizard.preview_page
    assert preview.create_firms.isVisible() and "不能导入 1000 行" in preview.counts.text()
    preview.create_firms.click()
    assert "新增 1000 家" in preview.counts.text() and not preview.create_firms.isVisible()
    wizard.next()
    assert registry.count_firms() == 100


# --- 报送包 and 退回清单 -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    from tests.ui.test_review_screen import build_chain

    return build_chain(tmp_path_factory.mktemp("chain"))


@pytest.fixture
def open_copy(tmp_path):
    def opener(source: Path) -> Path:
        target = tmp_path / source.name
        shutil.copy(source, target)
        open_database(str(target))
        return target

    yield opener
    close_database()


def choose(qtbot, path: Path) -> tuple[ImportWizard, list[object]]:
    wizard = ImportWizard(JobRunner(InlinePool()))
    qtbot.addWidget(wizard)
    requested: list[object] = []
    wizard.review_requested.connect(requested.append)
    wizard.show()
    wizard.file_page.file.setText(str(path))
    wizard.file_page.load_sheets()
    return wizard, requested


def test_a_package_from_below_is_received_for_review_not_merged(chain, open_copy, qtbot, warnings):
    from tests.ui.test_review_screen import XINHUA

    open_copy(chain.county_before)
    wizard, requested = choose(qtbot, chain.second)
    page = wizard.file_page
    assert "报送包" in page.note.text() and not page.sheet.isVisibleTo(page) and page.isComplete()
    wizard.next()
    assert wizard.currentPage() is wizard.done_page and warnings == []
    submission = Submission.select().order_by(Submission.id.desc()).first()
    assert wizard.done_page.result.text().startswith(
        f"已收到巴公镇的报送包（第 {submission.id} 批）：新增 0 家、变更 2 家、无变化 1 家，请在“审核”中审核。"
    )
    assert requested == [submission.id] and not wizard.done_page.undo.isVisibleTo(wizard.done_page)
    assert Firm.get(Firm.uscc == XINHUA).contact_person == "王强"  # nothing merged before review
    wizard.back()
    wizard.next()  # going back and on again does not receive it twice
    assert Submission.select().count() == 2 and requested == [submission.id]

    screen = ReviewScreen(JobRunner(InlinePool()))  # what the main window does with the signal
    qtbot.addWidget(screen)
    screen.show_submission(submission.id)
    assert screen.batch.currentData() == submission.id and screen.model.rowCount() == 2


def test_a_returns_sheet_marks_the_firms_and_lists_them(chain, open_copy, qtbot, warnings):
    from tests.ui.test_review_screen import XINHUA

    open_copy(chain.township)
    wizard, requested = choose(qtbot, chain.returns_file)
    changed: list[object] = []
    wizard.imported.connect(changed.append)
    assert "退回清单" in wizard.file_page.note.text()
    wizard.next()
    done = wizard.done_page
    assert wizard.currentPage() is done and "上级退回 1 家企业" in done.result.text() and warnings == []
    model = done.returned_model
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row == ["3", XINHUA, "鑫华机械有限公司", "从业人员", "从业人员与社保参保人数不符，请核实"]
    assert Firm.get(Firm.uscc == XINHUA).review_status == review.RETURNED
    assert requested == [None] and changed == [None]


def test_own_package_is_previewed_and_imported_into_an_empty_database(chain, qtbot, tmp_path, warnings):
    open_database(str(tmp_path / "fresh.db"))
    try:
        units.init_unit("巴公镇", "140525101", "township", [], [])
        wizard, requested = choose(qtbot, chain.first)
        wizard.next()
        preview = wizard.preview_page
        assert wizard.currentPage() is preview and requested == []
        text = preview.counts.text()
        assert text.startswith("巴公镇报送包（截至2026-10") and "新增 3 家" in text and "不能导入 0 行" in text
        assert not preview.update_existing.isVisibleTo(preview)
        wizard.next()
        assert "新增 3 家" in wizard.done_page.result.text() and registry.count_firms() == 3
        wizard.done_page.undo.click()
        assert registry.count_firms() == 0
    finally:
        close_database()

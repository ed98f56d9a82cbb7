"""升规候选, 退库预警 and 培育库 screens: the clerk sees each firm's reason and acts on it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from db.models import Firm
from desktop import cultivation, figures, registry
from ui import signals_screen
from ui.cultivation_screen import CultivationScreen
from ui.firm_editor import FirmEditor
from ui.jobs import InlinePool, JobRunner
from ui.signals_screen import SignalsScreen

D = Decimal


@pytest.fixture
def firms(county):
    def make(uscc: str, name: str, status: str, ytd: str) -> int:
        firm_id = registry.create_firm(
            {"uscc": uscc, "name": name, "town": "巴公镇", "status": status}, actor="x"
        ).firm_id
        figures.store(firm_id, 2026, 10, {"revenue": D(ytd)}, actor="x")
        return firm_id

    return {
        "reached": make("91350100M000100Y43", "鑫华机械有限公司", "规下在库", "1712"),  # 年化 2054.4
        "band": make("91110000600037341L", "恒瑞化工有限公司", "规下在库", "1000"),  # 年化 1200
        "falling": make("91110108551385082Q", "泽兴建材有限公司", "规上", "1500"),  # 年化 1800 < 2000
    }


def cell(table, row: int, column: int) -> str:
    return table.model().index(row, column).data()


def screen_for(qtbot, kind: str) -> SignalsScreen:
    screen = SignalsScreen(JobRunner(InlinePool()), kind=kind)
    qtbot.addWidget(screen)
    screen.show_latest_period()
    screen.reload()
    return screen


def test_candidates_with_reasons_and_moving_into_the_key_pool(firms, qtbot, qtmodeltester):
    screen = screen_for(qtbot, "candidates")
    qtmodeltester.check(screen.model)
    assert (screen.year.value(), screen.month.value()) == (2026, 10)
    assert screen.table.model().rowCount() == 1
    row = [cell(screen.table, 0, c) for c in range(7)]
    assert row[0] == "鑫华机械有限公司" and row[3] == "已达标" and row[5] == "2,054.4"
    assert row[6] == "1-10月累计 1712.0万元，年化 2054.4万元 ≥ 2000万元"
    assert screen.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == row[6]  # the reason on hover
    screen.table.selectRow(0)
    screen.into_key_pool()
    [line] = cultivation.roster(cultivation.KEY_POOL)
    assert line.name == "鑫华机械有限公司" and line.reason_in == row[6]
    screen.table.selectRow(0)
    screen.mark_promoted()
    firm = Firm.get_by_id(firms["reached"])
    assert (firm.status, firm.first_above_scale_year) == ("已升规", 2026)
    assert cultivation.roster(cultivation.KEY_POOL) == []  # its stay ends with 2026年已升规


def test_manual_flag(firms, qtbot, monkeypatch):
    screen = screen_for(qtbot, "candidates")
    monkeypatch.setattr(signals_screen, "ask_choice", lambda *a: "重组升规")
    monkeypatch.setattr(signals_screen, "ask_text", lambda *a: "与同类企业合并后预计超过2000万")
    screen.table.selectRow(0)
    screen.add_flag()
    rules = {cell(screen.table, r, 3) for r in range(screen.table.model().rowCount())}
    assert "重组升规" in rules


def test_warnings_and_clearing_with_a_note(firms, qtbot, monkeypatch):
    screen = screen_for(qtbot, "warnings")
    names = {cell(screen.table, r, 0) for r in range(screen.table.model().rowCount())}
    assert names == {"泽兴建材有限公司"}
    failures: list[str] = []
    screen.failed.connect(failures.append)
    monkeypatch.setattr(signals_screen, "ask_text", lambda *a: "")
    count = screen.table.model().rowCount()
    screen.table.selectRow(0)
    screen.clear_selected()
    assert failures and screen.table.model().rowCount() == count  # a note is required
    monkeypatch.setattr(signals_screen, "ask_text", lambda *a: "10月检修停产一月，11月已恢复")
    screen.table.selectRow(0)
    screen.clear_selected()
    assert screen.table.model().rowCount() == count - 1


def test_cultivation_screen_roster_proposals_and_leaving(firms, qtbot, monkeypatch):
    screen = CultivationScreen(JobRunner(InlinePool()))
    qtbot.addWidget(screen)
    screen.refresh_choices()
    screen.database.setCurrentText(cultivation.BASIC_INFO)
    screen.reload()
    assert screen.roster.model().rowCount() == 0
    proposed = [cell(screen.proposal_table, r, 0) for r in range(screen.proposal_table.model().rowCount())]
    assert proposed == ["恒瑞化工有限公司"]
    screen.proposal_table.selectRow(0)
    screen.accept_selected()
    assert screen.roster.model().rowCount() == 1 and screen.proposal_table.model().rowCount() == 0
    monkeypatch.setattr("ui.cultivation_screen.ask_text", lambda *a: "企业迁出本县")
    screen.roster.selectRow(0)
    screen.leave_selected()
    assert screen.roster.model().rowCount() == 0
    assert cultivation.entries_of(firms["band"])[0].reason_out == "企业迁出本县"


def test_trend_chart_in_the_editor(firms, qtbot):
    figures.store(firms["band"], 2025, 12, {"revenue": D("1300")}, actor="x")
    editor = FirmEditor(JobRunner(InlinePool()), firms["band"])
    qtbot.addWidget(editor)
    series = editor.trend.series
    assert [(p.x(), p.y()) for p in series["2026年"].points()] == [(10.0, 1000.0)]
    assert [(p.x(), p.y()) for p in series["2025年"].points()] == [(12.0, 1300.0)]
    assert [p.y() for p in series["规上标准 2000万元"].points()] == [2000.0, 2000.0]


def test_anomalies_list_the_reason(firms, qtbot):
    figures.store(firms["band"], 2026, 9, {"revenue": D("1100")}, actor="x")  # more than October's 1000
    screen = screen_for(qtbot, "anomalies")
    reasons = [cell(screen.table, r, 6) for r in range(screen.table.model().rowCount())]
    assert any("1100.0" in text and "1000.0" in text for text in reasons), reasons


def test_adding_a_firm_to_any_database(firms, qtbot, monkeypatch):
    screen = CultivationScreen(JobRunner(InlinePool()))
    qtbot.addWidget(screen)
    screen.refresh_choices()
    screen.database.setCurrentText("专精特新中小企业")
    answers = iter(["91110000600037341L", "2026年认定为省级专精特新中小企业"])
    monkeypatch.setattr("ui.cultivation_screen.ask_text", lambda *a: next(answers))
    screen.add_firm()
    assert [(line.name, line.reason_in) for line in cultivation.roster("专精特新中小企业")] == [
        ("恒瑞化工有限公司", "2026年认定为省级专精特新中小企业")
    ]
    failures: list[str] = []
    screen.failed.connect(failures.append)
    monkeypatch.setattr("ui.cultivation_screen.ask_text", lambda *a: "不存在的公司")
    screen.add_firm()
    assert failures and "找不到" in failures[0]


def test_export_dialog_suggests_the_name_and_writes_the_workbook(firms, qtbot, tmp_path):
    import openpyxl

    from ui.export_dialog import ExportDialog

    cultivation.enter(firms["band"], cultivation.BASIC_INFO, year=2026, date_in=date(2026, 1, 1), reason="", actor="x")
    dialog = ExportDialog(JobRunner(InlinePool()), tmp_path)
    qtbot.addWidget(dialog)
    assert (dialog.year.value(), dialog.month.value()) == (2026, 10)
    assert dialog.path.text().endswith("泽州县_基础信息库汇总表_202610.xlsx")
    dialog.town.setCurrentText("巴公镇")
    assert dialog.path.text().endswith("泽州县巴公镇_基础信息库汇总表_202610.xlsx")
    dialog.export()
    assert "已导出 0 家企业" in dialog.result.text()  # a county lists reviewed firms only, by default
    dialog.unreviewed.setChecked(True)
    dialog.export()
    assert "已导出 1 家企业" in dialog.result.text() and dialog.open_folder.isVisibleTo(dialog)
    sheet = openpyxl.load_workbook(dialog.path.text()).active
    assert sheet["A2"].value.endswith("（含未审核数据 1 条）")
    assert sheet["C4"].value == "恒瑞化工有限公司"
    dialog.format.setCurrentIndex(1)
    assert dialog.path.text().endswith("泽州县巴公镇_基础信息库汇总表_202610.pdf")
    dialog.export()
    assert open(dialog.path.text(), "rb").read(5) == b"%PDF-"

"""The 审核 screen driven as a reviewer: the queue, a field diff, per-field and bulk decisions,
two reviewers on one item, the 退回清单, and a township's list of firms sent back from above."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QMessageBox

from db.connection import close_database, open_database
from db.models import Firm, ReviewEvent, SubmissionItem
from desktop import figures, package, registry, returns, review, review_queue, units, uscc
from desktop.sheet_layouts import Filters
from ui import review_screen
from ui.jobs import InlinePool, JobRunner
from ui.review_model import BACK_COLUMN, SENT_COLOUR
from ui.review_screen import SPLIT_TEXT, ReviewScreen

XINHUA = uscc.complete("9114052500000001")  # 鑫华机械: two fields changed in the second package
ZEXING = uscc.complete("9114052500000002")  # 泽兴建材: its address changed
JINXIN = uscc.complete("9114052500000003")  # 金鑫铸造: unchanged
BEILIU = [uscc.complete(f"91140525000001{n:02d}") for n in range(5)]  # 北留镇's five new firms


@dataclass(frozen=True)
class Chain:
    """Databases and files of a review chain: 巴公镇 and 北留镇 submit to 泽州县."""

    township: Path  # 巴公镇, after its second submission
    county_before: Path  # 泽州县 with 巴公镇's first package approved, nothing else received
    county: Path  # … and then 巴公镇's second package and 北留镇's first received (7 items 待审核)
    first: Path  # 巴公镇's first package
    second: Path  # 巴公镇's second package (2 变更, 1 无变化)
    beiliu: Path  # 北留镇's package (5 新增)
    returns_file: Path  # the county sent back 鑫华's 从业人员


def build_chain(folder: Path) -> Chain:
    """Build the chain through the `desktop/` calls the CLI makes (each database opened in turn)."""
    township, beiliu_db = folder / "bagong.db", folder / "beiliu.db"
    county_before, county = folder / "county_before.db", folder / "county.db"
    first, second, beiliu = folder / "first.xlsx", folder / "second.xlsx", folder / "beiliu.xlsx"
    returns_file = folder / "退回清单.xlsx"

    open_database(str(township))
    units.init_unit("巴公镇", "140525101", "township", [], [])
    xinhua = registry.create_firm(
        {
            "uscc": XINHUA,
            "name": "鑫华机械有限公司",
            "town": "巴公镇",
            "industry_code": "C3311",
            "contact_person": "王强",
            "employees": "120",
        },
        actor="乡镇录入员",
    ).firm_id
    figures.store(xinhua, 2026, 10, {"revenue": Decimal("1712.5")}, actor="乡镇录入员")
    zexing = registry.create_firm(
        {"uscc": ZEXING, "name": "泽兴建材有限公司", "town": "巴公镇", "industry_code": "C3021"}, actor="乡镇录入员"
    ).firm_id
    registry.create_firm({"uscc": JINXIN, "name": "金鑫铸造有限公司", "town": "巴公镇"}, actor="乡镇录入员")
    review.submit("乡镇录入员")
    package.write_package(Filters(2026, 10), first)
    for firm_id, changes in (
        (xinhua, {"contact_person": "李娜", "employees": "88"}),
        (zexing, {"address": "巴公镇新区工业园3号"}),
    ):
        values = registry.editable_values(registry.get_firm(firm_id)) | changes
        registry.update_firm(firm_id, values, actor="乡镇录入员")
    package.write_package(Filters(2026, 10), second)
    close_database()

    open_database(str(beiliu_db))
    units.init_unit("北留镇", "140525102", "township", [], [])
    for n, code in enumerate(BEILIU):
        registry.create_firm({"uscc": code, "name": f"北留{n + 1}号科技有限公司", "town": "北留镇"}, actor="北留")
    review.submit("北留")
    package.write_package(Filters(2026, 10), beiliu)
    close_database()

    open_database(str(county_before))
    towns = [units.SubUnitSpec("巴公镇", "140525101"), units.SubUnitSpec("北留镇", "140525102")]
    units.init_unit("泽州县", "140525", "county", towns, [])
    received = review_queue.receive(first, actor="县收件人")
    review_queue.approve([i.id for i in review_queue.items(submission=received.id)], actor="审核员甲")
    close_database()
    shutil.copy(county_before, county)

    open_database(str(county))
    review_queue.receive(second, actor="县收件人")
    review_queue.receive(beiliu, actor="县收件人")
    close_database()

    scratch = folder / "county_returning.db"
    shutil.copy(county, scratch)
    open_database(str(scratch))
    item = next(i for i in review_queue.items(status=review.PENDING) if i.uscc == XINHUA)
    review_queue.decide({item.id: {"employees"}}, actor="审核员甲", reason="从业人员与社保参保人数不符，请核实")
    returns.write_returns(returns_file)
    close_database()
    return Chain(township, county_before, county, first, second, beiliu, returns_file)


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Chain:
    return build_chain(tmp_path_factory.mktemp("chain"))


@pytest.fixture
def open_copy(tmp_path):
    """Open a copy of one of the chain's databases (each test changes its own)."""

    def opener(source: Path) -> Path:
        target = tmp_path / source.name
        shutil.copy(source, target)
        open_database(str(target))
        return target

    yield opener
    close_database()


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    """Messages the screen shows in a message box, instead of showing them."""
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: messages.append(text))
    return messages


def make_screen(qtbot) -> ReviewScreen:
    screen = ReviewScreen(JobRunner(InlinePool()))
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.reload()
    return screen


def select(screen: ReviewScreen, code: str) -> None:
    row = next(n for n, r in enumerate(screen.model.rows()) if r.uscc == code)
    screen.select_row(row)


def latest_item(code: str) -> SubmissionItem:
    """The firm's item in the newest submission holding it."""
    return SubmissionItem.select().where(SubmissionItem.uscc == code).order_by(SubmissionItem.id.desc()).first()


def column(screen: ReviewScreen, n: int) -> list[str]:
    return [screen.model.cells(r)[n] for r in range(screen.model.rowCount())]


def test_queue_lists_pending_items_with_kinds_and_batches(chain, open_copy, qtbot, qtmodeltester):
    open_copy(chain.county)
    screen = make_screen(qtbot)
    qtmodeltester.check(screen.model)
    assert screen.status.currentText() == review.PENDING and screen.count_label.text() == "共 7 条"
    kinds = dict(zip(column(screen, 1), column(screen, 3), strict=True))
    assert kinds == {XINHUA: "变更", ZEXING: "变更", **dict.fromkeys(BEILIU, "新增")}
    assert column(screen, 5)[column(screen, 1).index(XINHUA)] == "2"
    batches = [screen.batch.itemText(i) for i in range(screen.batch.count())]
    assert batches[0] == "全部批次" and len(batches) == 4
    assert "北留镇" in batches[1] and "待审核 5 / 共 5" in batches[1]
    assert "巴公镇" in batches[2] and "待审核 2 / 共 3" in batches[2]  # 金鑫 unchanged: already settled

    screen.kind.setCurrentText("新增")
    assert set(column(screen, 1)) == set(BEILIU)
    screen.kind.setCurrentIndex(0)
    screen.status.setCurrentText(review.APPROVED)
    approved = column(screen, 1)
    assert approved.count(JINXIN) == 2 and approved.count(XINHUA) == 1  # both batches; the first only
    screen.status.setCurrentIndex(0)
    screen.search.setText("鑫华")
    screen.load()  # what the debounce timer does after typing
    assert column(screen, 0) == ["鑫华机械有限公司", "鑫华机械有限公司"]  # this batch and the first


def test_selecting_a_changed_item_shows_its_field_diff(chain, open_copy, qtbot, qtmodeltester):
    open_copy(chain.county)
    screen = make_screen(qtbot)
    select(screen, XINHUA)
    diff = screen.diff_model
    qtmodeltester.check(diff)
    rows = [tuple(diff.index(r, c).data() for c in range(3)) for r in range(diff.rowCount())]
    assert rows == [("从业人员", "120", "88"), ("联系人", "王强", "李娜")]
    sent = diff.index(0, 2).data(Qt.ItemDataRole.BackgroundRole)
    assert sent.color() == QColor(SENT_COLOUR) and diff.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    assert diff.index(0, BACK_COLUMN).flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert "鑫华机械有限公司" in screen.title.text() and "2 项变化" in screen.title.text()

    select(screen, BEILIU[0])  # a new firm: what it brings, nothing to compare with
    assert diff.index(0, 1).data() == "（空）" and "新增企业" in screen.title.text()


def test_ticking_one_field_and_pressing_approve_returns_only_that_field(chain, open_copy, qtbot, shown, monkeypatch):
    open_copy(chain.county)
    screen = make_screen(qtbot)
    select(screen, XINHUA)
    assert screen.approve_button.text() == "通过"
    screen.show()
    screen.diff.setFocus()
    screen.diff.setCurrentIndex(screen.diff_model.index(0, BACK_COLUMN))
    qtbot.keyClick(screen.diff, Qt.Key.Key_Space)  # the keyboard ticks 退回 on 从业人员
    assert screen.diff_model.ticked() == {"employees"}
    assert screen.approve_button.text() == SPLIT_TEXT
    asked: list[str] = []
    monkeypatch.setattr(review_screen, "ask_text", lambda parent, title, label: asked.append(title) or "人数不符")
    with qtbot.waitSignal(screen.changed):
        screen.approve_button.click()
    assert asked == ["退回所勾选项"] and shown == []  # the reason was asked for, nothing went wrong

    item = latest_item(XINHUA)
    assert item.status == review.RETURNED and review_queue.returned_keys(item) == ["employees"]
    assert item.comment == "人数不符" and item.reviewer == "测试员"
    firm = Firm.get(Firm.uscc == XINHUA)
    assert firm.contact_person == "李娜" and firm.employees == 120  # the rest merged, 从业人员 kept
    event = ReviewEvent.select().where(ReviewEvent.action == "退回").get()
    assert (event.entity_id, event.field, event.comment) == (firm.id, "从业人员", "人数不符")
    assert XINHUA not in column(screen, 1) and screen.count_label.text() == "共 6 条"
    assert "退回 1 条" in screen.message.text()


def test_ctrl_enter_approves_the_current_item_and_moves_on(chain, open_copy, qtbot, shown):
    open_copy(chain.county)
    screen = make_screen(qtbot)
    screen.show()
    select(screen, XINHUA)
    assert column(screen, 1)[screen.table.currentIndex().row() + 1] == ZEXING
    screen.activateWindow()
    screen.comment.setFocus()
    qtbot.waitUntil(screen.comment.hasFocus)
    screen.comment.setText("已电话核实")
    qtbot.keyClick(screen.comment, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(screen.table, Qt.Key.Key_Control)  # Ctrl is up again (later tests select rows)
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
    item = latest_item(XINHUA)
    assert (item.status, item.comment, item.returned) == (review.APPROVED, "已电话核实", None)
    firm = Firm.get(Firm.uscc == XINHUA)
    assert (firm.contact_person, firm.employees, firm.review_status) == ("李娜", 88, review.APPROVED)
    assert XINHUA not in column(screen, 1) and screen.current_row().uscc == ZEXING  # the next one is current
    assert screen.diff_model.index(0, 0).data() == "地址" and screen.comment.text() == "" and shown == []


def test_bulk_approve_of_a_filtered_selection(chain, open_copy, qtbot, shown, monkeypatch):
    open_copy(chain.county)
    screen = make_screen(qtbot)
    screen.town.setCurrentText("北留镇")
    assert set(column(screen, 1)) == set(BEILIU)
    screen.table.selectAll()
    assert screen.bulk_approve_button.text() == "批量通过所选（5）"
    monkeypatch.setattr(review_screen, "confirm", lambda parent, title, text: "5 条" in text)
    with qtbot.waitSignal(screen.changed):
        screen.bulk_approve_button.click()
    firms = {f.uscc: f.review_status for f in Firm.select().where(Firm.uscc.in_(BEILIU))}
    assert firms == dict.fromkeys(BEILIU, review.APPROVED)
    assert {i.status for i in SubmissionItem.select().where(SubmissionItem.uscc.in_(BEILIU))} == {review.APPROVED}
    assert screen.model.rowCount() == 0 and "已通过 5 条" in screen.message.text()
    screen.town.setCurrentIndex(0)
    assert set(column(screen, 1)) == {XINHUA, ZEXING}  # 巴公镇's items were not in the selection
    assert Firm.get(Firm.uscc == XINHUA).contact_person == "王强"


def test_a_second_reviewer_on_the_same_item_is_told_and_nothing_changes(chain, open_copy, qtbot, shown, monkeypatch):
    open_copy(chain.county)
    first, second = make_screen(qtbot), make_screen(qtbot)
    for screen in (first, second):
        select(screen, XINHUA)
    monkeypatch.setenv("PEIYU_USER", "张审核")
    first.approve_button.click()
    firm = Firm.get(Firm.uscc == XINHUA)
    assert (firm.contact_person, firm.employees) == ("李娜", 88)
    events, audit_rows = ReviewEvent.select().count(), firm.version

    monkeypatch.setenv("PEIYU_USER", "李审核")
    second.diff_model.set_ticked("contact_person", True)
    second.comment.setText("联系人不对")
    second.approve_button.click()
    assert len(shown) == 1 and "张审核" in shown[0] and "未保存" in shown[0]
    item = latest_item(XINHUA)
    assert (item.status, item.reviewer, item.returned) == (review.APPROVED, "张审核", None)
    item_count = SubmissionItem.select().where(SubmissionItem.uscc == XINHUA).count()
    assert item_count == 2  # the first batch's and this one
    firm = Firm.get(Firm.uscc == XINHUA)
    assert (firm.contact_person, firm.version, ReviewEvent.select().count()) == ("李娜", audit_rows, events)
    assert XINHUA not in column(second, 1) and "审核未保存" in second.message.text()  # the list was refreshed


def test_a_decision_names_the_version_on_screen(chain, open_copy, qtbot, shown):
    """An item changed since it was listed (still 待审核) is not decided on the old view of it."""
    open_copy(chain.county)
    screen = make_screen(qtbot)
    select(screen, ZEXING)
    item = latest_item(ZEXING)
    SubmissionItem.update(version=item.version + 1).where(SubmissionItem.id == item.id).execute()
    screen.approve_button.click()
    assert len(shown) == 1 and "未保存" in shown[0]
    assert latest_item(ZEXING).status == review.PENDING and Firm.get(Firm.uscc == ZEXING).address is None
    assert screen.current_row().version == item.version + 1  # listed again: the next decision may go ahead


def test_export_returns_writes_a_sheet_the_township_can_read(chain, open_copy, qtbot, shown, monkeypatch, tmp_path):
    open_copy(chain.county)
    screen = make_screen(qtbot)
    select(screen, ZEXING)
    monkeypatch.setattr(review_screen, "ask_text", lambda *a: pytest.fail("the reason was typed already"))
    screen.comment.setText("地址与营业执照不符")
    screen.return_button.click()
    assert latest_item(ZEXING).status == review.RETURNED

    suggested: list[Path] = []
    out = tmp_path / "给巴公镇的退回清单"

    def ask(parent, path):
        suggested.append(path)
        return str(out)

    monkeypatch.setattr(review_screen, "ask_save_path", ask)
    screen.export_button.click()
    assert suggested[0].name == f"泽州县_退回清单_{date.today():%Y%m%d}.xlsx"
    written = out.with_suffix(".xlsx")
    rows = returns.read_returns(written)
    assert [(r.uscc, r.fields, r.reason) for r in rows] == [(ZEXING, "地址", "地址与营业执照不符")]
    assert screen.open_folder.isVisibleTo(screen) and str(written) in screen.message.text() and shown == []


def test_nothing_returned_means_no_returns_file(chain, open_copy, qtbot, shown, monkeypatch, tmp_path):
    open_copy(chain.county)
    screen = make_screen(qtbot)
    monkeypatch.setattr(review_screen, "ask_save_path", lambda parent, path: str(tmp_path / "x.xlsx"))
    screen.export_button.click()
    assert shown == ["没有退回的记录，无需生成退回清单"] and not (tmp_path / "x.xlsx").exists()


def test_township_sees_the_firms_sent_back_and_why(chain, open_copy, qtbot, qtmodeltester):
    open_copy(chain.township)
    returns.apply_returns(chain.returns_file)
    screen = make_screen(qtbot)
    qtmodeltester.check(screen.returned_box.model)
    assert screen.returned_box.isVisibleTo(screen) and not screen.queue.isVisibleTo(screen)
    model = screen.returned_box.model
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells[:4] == [XINHUA, "鑫华机械有限公司", "从业人员", "从业人员与社保参保人数不符，请核实"]
    assert model.rowCount() == 1 and "（1 家）" in screen.returned_box.title()
    firm_id = Firm.get(Firm.uscc == XINHUA).id
    screen.returned_box.table.setCurrentIndex(model.index(0, 1))
    with qtbot.waitSignal(screen.open_firm) as opened:
        screen.returned_box.table.activated.emit(model.index(0, 1))
    assert opened.args == [firm_id]


def test_county_has_no_returned_section(chain, open_copy, qtbot):
    open_copy(chain.county)
    screen = make_screen(qtbot)
    assert not screen.returned_box.isVisibleTo(screen) and screen.queue.isVisibleTo(screen)

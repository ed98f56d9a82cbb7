"""The firm table: Chinese font, a model that passes qtmodeltester and loads pages lazily, debounced search."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from db.search import search_columns
from desktop import demo, firm_search, registry
from ui.firm_table_model import COLUMNS, PAGE, FirmTableModel
from ui.jobs import InlinePool, JobRunner
from ui.registry_screen import SEARCH_DELAY_MS, RegistryScreen


@pytest.fixture
def firms(county):
    demo.generate(250, seed=2, today=date(2026, 11, 21))
    registry.create_firm({"uscc": "91350100M000100Y43", "name": "鑫华机械有限公司", "town": "巴公镇"}, actor="测试员")


def test_bundled_font_is_used(cjk_font, qapp):
    assert cjk_font == "WenQuanYi Micro Hei"
    assert qapp.font().family() == cjk_font


def test_model_passes_qt_model_tester(firms, qtmodeltester):
    model = FirmTableModel()
    model.set_query(registry.FirmQuery())
    qtmodeltester.check(model)


def test_model_loads_only_visible_pages(firms):
    model = FirmTableModel()
    model.set_query(registry.FirmQuery())
    assert model.rowCount() == 251 and model._pages == {}
    name_col = [k for k, _ in COLUMNS].index("name")
    last = model.index(250, name_col).data()
    assert last and list(model._pages) == [250 // PAGE]
    assert model.headerData(name_col, Qt.Orientation.Horizontal) == "企业名称"


def test_search_as_you_type_is_debounced_and_filters_by_pinyin(firms, qtbot):
    screen = RegistryScreen(JobRunner(InlinePool()))
    qtbot.addWidget(screen)
    screen.reload()
    assert screen.model.rowCount() == 251
    qtbot.keyClicks(screen.search, "xinhuaji")
    assert screen.model.rowCount() == 251  # nothing runs per keystroke
    with qtbot.waitSignal(screen.loaded, timeout=SEARCH_DELAY_MS * 4):
        pass
    names = {screen.model.record(r)["name"] for r in range(screen.model.rowCount())}
    assert "鑫华机械有限公司" in names
    assert all("xinhuaji" in search_columns(n, None)["search_key"] for n in names)
    assert screen.count_label.text() == f"共 {len(names)} 家"


def test_search_runs_in_the_thread_pool(firms, qtbot):
    screen = RegistryScreen(JobRunner())
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.reload()
    assert screen.model.rowCount() == 251
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.search.setText("鑫华")
        screen.apply_filters()
    assert [screen.model.record(r)["name"] for r in range(screen.model.rowCount())] == ["鑫华机械有限公司"]


def test_a_large_result_holds_only_its_first_ids_until_more_are_needed(firms, monkeypatch, qtmodeltester):
    import ui.firm_table_model as table

    monkeypatch.setattr(table, "FIRST_IDS", 100)
    everything = registry.firm_ids(registry.FirmQuery())
    model = FirmTableModel()
    model.set_query(registry.FirmQuery())
    assert model.rowCount() == 251 and model._ids == everything[:100]
    assert model.row_of(everything[200], fetched_only=True) is None and len(model._ids) == 100
    name_col = [k for k, _ in COLUMNS].index("name")
    assert model.index(250, name_col).data()  # a row beyond the first ids fetches the rest
    assert model._ids == everything and model.ids() == everything
    assert model.row_of(everything[200]) == 200 and model.firm_id(250) == everything[250]
    qtmodeltester.check(model)


def test_the_rest_of_the_ids_is_fetched_once_for_searching_a_firm(firms, monkeypatch):
    import ui.firm_table_model as table

    monkeypatch.setattr(table, "FIRST_IDS", 10)
    model = FirmTableModel()
    model.set_query(registry.FirmQuery())
    last = registry.firm_ids(registry.FirmQuery())[-1]
    assert model.row_of(last) == 250 and len(model._ids) == 251


def test_a_small_result_comes_whole_from_one_query(firms, monkeypatch):
    counted: list[registry.FirmQuery] = []
    monkeypatch.setattr(firm_search, "count_firms", lambda query=None: counted.append(query) or 0)
    model = FirmTableModel()
    model.set_query(registry.FirmQuery(text="鑫华"))
    assert model.rowCount() == 1 and counted == []


def test_building_the_screen_runs_no_query(firms, monkeypatch, qtbot):
    ran: list[registry.FirmQuery] = []
    monkeypatch.setattr(firm_search, "firm_ids", lambda query, **kw: ran.append(query) or [])
    screen = RegistryScreen(JobRunner(InlinePool()))
    qtbot.addWidget(screen)
    assert ran == [] and screen.model.rowCount() == 0
    screen.reload()
    assert len(ran) == 1


def test_count_label_shows_all_firms_of_a_large_result(firms, monkeypatch, qtbot):
    import ui.firm_table_model as table

    monkeypatch.setattr(table, "FIRST_IDS", 50)
    screen = RegistryScreen(JobRunner(InlinePool()))
    qtbot.addWidget(screen)
    screen.reload()
    assert screen.count_label.text() == "共 251 家" and screen.model.rowCount() == 251


def test_a_restored_sort_order_is_used_by_the_first_load_not_run_on_its_own(firms, monkeypatch, qtbot):
    first = RegistryScreen(JobRunner(InlinePool()))
    qtbot.addWidget(first)
    first.table.sortByColumn(first.column_of("uscc"), Qt.SortOrder.DescendingOrder)
    ran: list[registry.FirmQuery] = []
    real = firm_search.firm_ids
    monkeypatch.setattr(firm_search, "firm_ids", lambda query, **kw: ran.append(query) or real(query, **kw))
    screen = RegistryScreen(JobRunner(InlinePool()))
    qtbot.addWidget(screen)
    screen.restore_header_state(first.header_state())
    assert ran == []
    screen.reload()
    assert [(q.order_by, q.descending) for q in ran] == [("uscc", True)]
    codes = [screen.model.record(r)["uscc"] for r in range(screen.model.rowCount())]
    assert codes == sorted(codes, reverse=True)
